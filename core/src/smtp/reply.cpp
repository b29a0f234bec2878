/**
 * @file reply.cpp
 * @brief The SMTP reply reader (mtasts/smtp.h): RFC 5321 §4.2's grammar,
 *
 *   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                Reply-code [ SP textstring ] CRLF
 *   Reply-code = %x32-35 %x30-35 %x30-39
 *
 * read a byte at a time in effect: each error is found at the same byte
 * whatever the pieces the bytes came in (a NUL at once, an overlong line
 * when its line_max-th byte arrives without an LF, the rest when the line
 * ends), so that the reader's verdict depends on the stream alone.
 */
#include <algorithm>
#include <utility>

#include "../text.h"
#include "mtasts/smtp.h"

namespace mtasts::smtp {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/** The code of a reply line, or 0 when it does not start with one (200-599). */
std::uint16_t code_of(std::string_view line) noexcept {
  if (line.size() < 3 || line[0] < '2' || line[0] > '5' || !is_digit(line[1]) || !is_digit(line[2])) return 0;
  return static_cast<std::uint16_t>((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
}

std::string line_label(std::size_t n) {
  return n == 1 ? std::string("a reply line") : "line " + std::to_string(n) + " of a reply";
}

}  // namespace

std::string_view error_name(error_kind k) noexcept {
  switch (k) {
    case error_kind::none: return "none";
    case error_kind::not_a_reply_line: return "not-a-reply-line";
    case error_kind::code_mismatch: return "code-mismatch";
    case error_kind::line_too_long: return "line-too-long";
    case error_kind::too_many_lines: return "too-many-lines";
    case error_kind::reply_too_long: return "reply-too-long";
    case error_kind::nul_byte: return "nul-byte";
  }
  return "none";
}

void reader::fail(error_kind kind, std::size_t offset, std::string message) noexcept {
  error_.kind = kind;
  error_.offset = offset;
  error_.message = std::move(message);
  // Nothing more is read: drop what was held for an unfinished reply.
  line_.clear();
  line_.shrink_to_fit();
  current_ = reply{};
  reply_bytes_ = 0;
}

bool reader::feed(std::string_view bytes) noexcept {
  const std::size_t base = fed_;
  fed_ += bytes.size();
  if (failed()) return false;
  std::size_t i = 0;
  while (i < bytes.size()) {
    // line_ holds at most line_max - 1 bytes: the line can take `room` more
    // bytes before its LF, which must come within the next room + 1.
    const std::size_t room = line_max - 1 - line_.size();
    const std::size_t scan = std::min(bytes.size() - i, room + 1);
    const char* begin = bytes.data() + i;
    const char* stop = std::find_if(begin, begin + scan, [](char c) { return c == '\n' || c == '\0'; });
    const auto n = static_cast<std::size_t>(stop - begin);
    if (n == scan) {  // no LF, no NUL in what was scanned
      if (scan > room) {
        // The first bytes of the line, quoted and cut (the same whatever the pieces).
        std::string head = line_.substr(0, 61);
        head.append(begin, std::min(n, 61 - head.size()));
        fail(error_kind::line_too_long, line_start_,
             line_label(current_.lines.size() + 1) + " longer than " + std::to_string(line_max) +
                 " bytes (RFC 5321 §4.5.3.1.5: at most 512, CRLF included): " + detail::quote(head, 60));
        return false;
      }
      line_.append(begin, n);
      i += n;
      break;
    }
    if (*stop == '\0') {
      fail(error_kind::nul_byte, base + i + n,
           "a NUL byte in " + line_label(current_.lines.size() + 1) + " at offset " + std::to_string(base + i + n) +
               " (RFC 5321 §4.2: the text is printable US-ASCII)");
      return false;
    }
    // An LF: the line is complete.
    std::size_t size = line_.size() + n + 1;
    std::string_view text;
    if (line_.empty()) {
      text = std::string_view(begin, n);
    } else {
      line_.append(begin, n);
      text = line_;
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line_complete(text, size);
    if (failed()) return false;
    line_.clear();
    i += n + 1;
    line_start_ = base + i;
  }
  return true;
}

void reader::line_complete(std::string_view line, std::size_t size_with_ending) noexcept {
  const std::size_t number = current_.lines.size() + 1;
  const std::uint16_t code = code_of(line);
  if (code == 0 || (line.size() > 3 && line[3] != '-' && line[3] != ' ')) {
    fail(error_kind::not_a_reply_line, line_start_,
         (number == 1 ? std::string("not an SMTP reply line: ") : line_label(number) + " is not a reply line: ") +
             detail::quote(line, 60) +
             " (RFC 5321 §4.2: a code from 200 to 599, then a space, a hyphen or the end of the line)");
    return;
  }
  if (number > 1 && code != current_.code) {
    fail(error_kind::code_mismatch, line_start_,
         line_label(number) + " has the code " + std::to_string(code) + ", its first line " +
             std::to_string(current_.code) + " (RFC 5321 §4.2.1: every line of a multiline reply has the same code): " +
             detail::quote(line, 60));
    return;
  }
  if (number > reply_max_lines) {
    fail(error_kind::too_many_lines, line_start_,
         "a reply of more than " + std::to_string(reply_max_lines) + " lines (code " + std::to_string(code) + ")");
    return;
  }
  if (reply_bytes_ + size_with_ending > reply_max_bytes) {
    fail(error_kind::reply_too_long, line_start_,
         "a reply longer than " + std::to_string(reply_max_bytes) + " bytes (code " + std::to_string(code) + ", " +
             std::to_string(number) + " lines)");
    return;
  }
  current_.code = code;
  current_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
  reply_bytes_ += size_with_ending;
  if (line.size() == 3 || line[3] == ' ') {  // the last line
    ready_.push_back(std::move(current_));
    current_ = reply{};
    reply_bytes_ = 0;
  }
}

std::optional<reply> reader::next() noexcept {
  if (ready_.empty()) return std::nullopt;
  std::optional<reply> r(std::move(ready_.front()));
  ready_.pop_front();
  return r;
}

std::vector<std::string> ehlo_keywords(const reply& r) noexcept {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < r.lines.size(); ++i) {
    const std::string& l = r.lines[i];
    std::size_t begin = 0;
    while (begin < l.size() && (l[begin] == ' ' || l[begin] == '\t')) ++begin;
    std::size_t end = begin;
    while (end < l.size() && l[end] != ' ' && l[end] != '\t' && l[end] != '=') ++end;
    if (end == begin) continue;
    std::string word(l, begin, end - begin);
    for (char& c : word)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out.push_back(std::move(word));
  }
  return out;
}

bool advertises_starttls(const reply& r) noexcept {
  if (r.code != 250) return false;
  for (const auto& k : ehlo_keywords(r))
    if (k == "STARTTLS") return true;
  return false;
}

}  // namespace mtasts::smtp
