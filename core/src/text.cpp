/**
 * @file text.cpp
 * @brief Internal helpers shared by the parsers.
 */
#include "text.h"

#include <algorithm>

namespace mtasts::detail {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  std::string out = std::to_string(n);
  out += ' ';
  out += n == 1 ? one : many;
  return out;
}

std::string list_names(const std::vector<std::string>& names, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > max) out += ", and " + std::to_string(names.size() - max) + " more";
  return out;
}

std::string join_and(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? (parts.size() > 2 ? ", and " : " and ") : ", ";
    out += parts[i];
  }
  return out;
}

std::string seconds_text(double ms) {
  const auto tenths = static_cast<long long>(ms / 100.0 + 0.5);  // 300 ms: "0.3 s", not "0 s"
  if (tenths % 10 == 0 || tenths >= 100) return std::to_string((tenths + 5) / 10) + " s";
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::size_t utf8_multibyte_length(std::string_view s, std::size_t i) noexcept {
  auto at = [&](std::size_t k) -> unsigned {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0x100u;
  };
  const unsigned b0 = at(i);
  if (b0 < 0x80) return 1;
  auto cont = [](unsigned b) { return b >= 0x80 && b <= 0xBF; };
  // RFC 3629 §4 UTF8-2 / UTF8-3 / UTF8-4.
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(at(i + 1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned b1 = at(i + 1);
    const bool ok1 = (b0 == 0xE0)   ? (b1 >= 0xA0 && b1 <= 0xBF)
                     : (b0 == 0xED) ? (b1 >= 0x80 && b1 <= 0x9F)
                                    : cont(b1);
    return ok1 && cont(at(i + 2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned b1 = at(i + 1);
    const bool ok1 = (b0 == 0xF0)   ? (b1 >= 0x90 && b1 <= 0xBF)
                     : (b0 == 0xF4) ? (b1 >= 0x80 && b1 <= 0x8F)
                                    : cont(b1);
    return ok1 && cont(at(i + 2)) && cont(at(i + 3)) ? 4 : 0;
  }
  return 0;
}

std::uint32_t column_at(std::string_view line, std::size_t off) noexcept {
  if (off > line.size()) off = line.size();
  bool ascii = true;
  for (std::size_t k = 0; k < off && ascii; ++k) ascii = static_cast<unsigned char>(line[k]) < 0x80;
  if (ascii) return static_cast<std::uint32_t>(off + 1);
  std::uint32_t col = 1;
  std::size_t i = 0;
  while (i < off) {
    std::size_t n = utf8_sequence_length(line, i);
    i += n == 0 ? 1 : n;
    ++col;
  }
  return col;
}

column_map::column_map(std::string_view text) : text_(text) {
  bool ascii = true;
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) return;
  cols_.resize(text.size() + 1);
  std::uint32_t col = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) n = 1;
    for (std::size_t k = 0; k < n && i + k < text.size(); ++k) cols_[i + k] = col;
    i += n;
    ++col;
  }
  cols_[text.size()] = col;
}

std::uint32_t column_map::at(std::size_t off) const noexcept {
  if (off > text_.size()) off = text_.size();
  if (cols_.empty()) return static_cast<std::uint32_t>(off + 1);
  return cols_[off];
}

std::string quote(std::string_view s, std::size_t max) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() < max ? s.size() + 2 : max + 5);
  out += '"';
  std::size_t shown = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    // A run of plain printable ASCII is appended at once: most evidence is one.
    std::size_t run = i;
    while (run < s.size() && shown + (run - i) < max) {
      const auto u = static_cast<unsigned char>(s[run]);
      if (u < 0x20 || u >= 0x7F || u == '"' || u == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(s.data() + i, run - i);
      shown += run - i;
      i = run;
      continue;
    }
    if (shown >= max) {
      out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
      break;
    }
    const char c = s[i];
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 1) {
      if (c == '\t') out += "\\t";
      else if (c == '\r') out += "\\r";
      else if (c == '\n') out += "\\n";
      else if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else {  // another control character, or DEL
        out += "\\x";
        out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
        out += hex[static_cast<unsigned char>(c) & 0xF];
      }
      i += 1;
    } else if (n == 0) {
      out += "\\x";
      out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += hex[static_cast<unsigned char>(c) & 0xF];
      i += 1;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
    ++shown;
  }
  out += '"';
  return out;
}

void finding_sink::add(code c, std::string message, std::uint32_t line,
                       std::uint32_t column) {
  if (code_severity(c) == severity::error) any_error_ = true;
  const auto idx = static_cast<std::size_t>(c);
  if (per_code_.size() <= idx) per_code_.resize(code_count(), 0);
  // Errors are bounded by the per-code cap only, so that an invalid result
  // always lists an error however many warnings came before it.
  const bool is_error = code_severity(c) == severity::error;
  if (line != 0 && (per_code_[idx] >= per_code_cap || (!is_error && items_.size() >= total_cap))) {
    ++dropped_;
    return;
  }
  ++per_code_[idx];
  items_.push_back({c, std::move(message), line, column});
}

bool finding_sink::has(code c) const noexcept {
  const auto idx = static_cast<std::size_t>(c);
  return idx < per_code_.size() && per_code_[idx] > 0;
}

std::vector<finding> finding_sink::take() {
  // Positional findings in reading order, then those about the whole artefact.
  std::stable_sort(items_.begin(), items_.end(), [](const finding& a, const finding& b) {
    const std::uint64_t ka = a.line == 0 ? ~0ull : (std::uint64_t{a.line} << 32) | a.column;
    const std::uint64_t kb = b.line == 0 ? ~0ull : (std::uint64_t{b.line} << 32) | b.column;
    return ka < kb;
  });
  if (dropped_ > 0) {
    items_.push_back({code::lint_truncated,
                      std::to_string(dropped_) +
                          " more findings of the same kinds are not listed (at most " +
                          std::to_string(per_code_cap) + " per code and " +
                          std::to_string(total_cap) + " in all)",
                      0, 0});
    dropped_ = 0;
  }
  return std::move(items_);
}

}  // namespace mtasts::detail
