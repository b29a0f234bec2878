/**
 * @file policy.cpp
 * @brief The MTA-STS policy body, RFC 8461 §3.2.
 *
 * Theory of operation. The body is cut into lines at LF, CRLF or a lone CR
 * (the last is an error, but cutting there gives better diagnostics than
 * gluing two fields together). Each line that is not blank is read as
 * `key ":" *WSP value *WSP`, the way a lenient sender would, and every place
 * where it departs from the ABNF is reported:
 *
 *   sts-policy-record = sts-policy-field *WSP
 *                       *(sts-policy-term sts-policy-field *WSP)
 *                       [sts-policy-term]
 *   sts-policy-field-delim = ":" *WSP
 *   sts-policy-term = LF / CRLF
 *
 * Known keys are matched case-sensitively (%s"version", %s"mode",
 * %s"max_age", %s"mx"). "If a field that is not repeatable is present more
 * than once, only the first occurrence is considered" (§3.2 text), so the
 * first version/mode/max_age wins; every mx line adds a pattern. Unknown
 * fields are ignored (§3.2: "parsers MUST accept ... and MUST ignore").
 * After the lines, the required fields are checked and the advice of
 * §8.3 and §10.2 is given.
 */
#include <deque>
#include <optional>
#include <algorithm>
#include <unordered_set>

#include "hostname.h"
#include "mtasts/policy.h"
#include "text.h"

namespace mtasts {

std::string_view mode_name(policy_mode m) noexcept {
  switch (m) {
    case policy_mode::enforce: return "enforce";
    case policy_mode::testing: return "testing";
    case policy_mode::none: return "none";
  }
  return "none";
}

namespace {

using namespace detail;

enum class ending : std::uint8_t { none, lf, crlf, cr };

struct line_view {
  std::string_view text;  // without its ending (and without a BOM on line 1)
  std::uint32_t number = 0;
  ending end = ending::none;
};

constexpr std::string_view bom = "\xEF\xBB\xBF";

bool blank(std::string_view s) noexcept {
  for (char c : s)
    if (!is_wsp(c)) return false;
  return true;
}

/** sts-policy-ext-name = alphanum *31(alphanum / "_" / "-" / ".") */
bool valid_ext_name(std::string_view k) noexcept {
  if (k.empty() || k.size() > 32 || !is_alnum(k[0])) return false;
  for (char c : k.substr(1))
    if (!(is_alnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

/** Levenshtein distance, capped: enough to spot `nmx`, `mdoe`, `verison`. */
std::size_t distance(std::string_view a, std::string_view b) {
  if (a.size() > 32 || b.size() > 32) return 99;
  std::size_t d[33][33];
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = d[i - 1][j - 1] + (ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1);
      std::size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      std::size_t best = sub < del ? sub : del;
      best = best < ins ? best : ins;
      // transposition ("mdoe")
      if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) &&
          ascii_lower(a[i - 2]) == ascii_lower(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[a.size()][b.size()];
}

constexpr std::string_view known_keys[] = {"version", "mode", "max_age", "mx"};

/** The known key this one was probably meant to be, or "". */
std::string_view typo_of(std::string_view key) {
  std::string squashed;
  for (char c : key)
    if (c != '-' && c != '_' && c != '.' && c != ' ') squashed += ascii_lower(c);
  for (auto k : known_keys) {
    std::string ks;
    for (char c : k)
      if (c != '_') ks += c;
    if (squashed == ks) return k;
  }
  // "max", "maxage_seconds", "max-age-secs": a max_age meant, not mx (one edit from "max").
  if (key.size() >= 3 && iequals(key.substr(0, 3), "max")) return "max_age";
  if (iequals(key, "ttl")) return "max_age";
  for (auto k : known_keys) {
    const std::size_t limit = k.size() <= 2 ? 1 : (k.size() <= 4 ? 1 : 2);
    if (key.size() >= 2 && distance(key, k) <= limit) return k;
  }
  return {};
}

struct seen_field {
  bool present = false;
  std::string_view raw;  // first occurrence's value
  std::uint32_t line = 0;
  bool ok = false;
};

class policy_linter {
 public:
  explicit policy_linter(std::string_view body) : full_size_(body.size()), body_(within_limit(body)) {}

  /**
   * What is linted of a body over 64 KB: its first 65,536 bytes, where
   * senders stop reading, so the rest cannot matter and a 10 MB paste costs
   * no more than 64 KB (linted whole, it took seconds in wasm). The cut never
   * splits a UTF-8 sequence or a CRLF, so it invents no finding of its own.
   */
  static std::string_view within_limit(std::string_view body) {
    if (body.size() <= limits::policy_max_bytes) return body;
    std::size_t cut = limits::policy_max_bytes;
    for (int back = 0; back < 3 && cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80; ++back) --cut;
    if (cut > 0 && body[cut - 1] == '\r' && body[cut] == '\n') --cut;
    return body.substr(0, cut);
  }

  policy_result run() {
    policy_result r;
    if (blank_body()) {
      sink_.add(code::policy_empty,
                body_.empty() ? std::string("the policy is empty")
                : full_size_ > body_.size()
                    ? "the first " + std::to_string(body_.size()) + " bytes of the policy (of " +
                          std::to_string(full_size_) + ") hold only whitespace"
                    : "the policy holds only whitespace (" + std::to_string(body_.size()) + " bytes)");
      check_size();
      r.findings = sink_.take();
      return r;
    }
    check_size();
    split_lines();
    check_endings();
    check_blank_lines();
    for (const auto& l : lines_)
      if (!blank(l.text)) lint_line(l);
    finish_mx();
    check_required();
    give_advice();
    r.valid = sink_.valid();
    r.findings = sink_.take();
    if (r.valid) r.policy = std::move(policy_);
    return r;
  }

 private:
  bool blank_body() const noexcept {
    std::string_view b = body_;
    if (b.substr(0, 3) == bom) b.remove_prefix(3);
    for (char c : b)
      if (!(is_wsp(c) || c == '\r' || c == '\n')) return false;
    return true;
  }

  void check_size() {
    if (full_size_ > limits::policy_max_bytes)
      sink_.add(code::policy_size_too_large,
                "the policy is " + std::to_string(full_size_) +
                    " bytes; senders stop reading at 64 KB (65,536 bytes) and then have no usable policy; only its first " +
                    std::to_string(body_.size()) + " bytes were checked");
    else if (full_size_ > limits::policy_large_bytes)
      sink_.add(code::policy_size_large,
                "the policy is " + std::to_string(full_size_) +
                    " bytes; senders that read \"64 KB\" as 64,000 bytes would truncate it");
  }

  void split_lines() {
    std::string_view rest = body_;
    std::size_t newlines = 0;
    for (char c : body_) newlines += (c == '\n');
    lines_.reserve(newlines + 1);
    if (rest.substr(0, 3) == bom) {
      sink_.add(code::policy_bom,
                "the file starts with a UTF-8 byte order mark (EF BB BF); senders that do not strip it read "
                "the first key as \"\\uFEFF" + first_key_after_bom() + "\", an unknown field",
                1, 1);
      rest.remove_prefix(3);
    }
    std::uint32_t number = 1;
    while (true) {
      std::size_t nl = 0;  // a plain loop: find_first_of costs a memchr per byte
      while (nl < rest.size() && rest[nl] != '\n' && rest[nl] != '\r') ++nl;
      if (nl == rest.size()) nl = std::string_view::npos;
      line_view l;
      l.number = number;
      if (nl == std::string_view::npos) {
        l.text = rest;
        l.end = ending::none;
        if (!rest.empty()) lines_.push_back(l);
        break;
      }
      l.text = rest.substr(0, nl);
      if (rest[nl] == '\n') {
        l.end = ending::lf;
        rest.remove_prefix(nl + 1);
      } else if (nl + 1 < rest.size() && rest[nl + 1] == '\n') {
        l.end = ending::crlf;
        rest.remove_prefix(nl + 2);
      } else {
        l.end = ending::cr;
        sink_.add(code::policy_line_bare_cr,
                  "line " + std::to_string(number) +
                      " ends with a lone CR (0x0D); the grammar allows only LF or CRLF, so senders "
                      "read this line and the next as one",
                  number, column_at(l.text, l.text.size()));
        rest.remove_prefix(nl + 1);
      }
      lines_.push_back(l);
      ++number;
    }
  }

  std::string first_key_after_bom() const {
    std::string_view b = body_.substr(3);
    const std::size_t end = b.find_first_of(":\r\n");
    std::string_view k = b.substr(0, end == std::string_view::npos ? b.size() : end);
    if (k.size() > 20) k = k.substr(0, 20);
    std::string out;
    for (char c : k)
      if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f && c != '"' &&
          c != '\\')
        out += c;
    return out;
  }

  void check_endings() {
    ending first = ending::none;
    for (const auto& l : lines_) {
      if (l.end != ending::lf && l.end != ending::crlf) continue;
      if (first == ending::none) {
        first = l.end;
        continue;
      }
      if (l.end != first) {
        sink_.add(code::policy_line_mixed_endings,
                  std::string("line ") + std::to_string(l.number) + " ends with " +
                      (l.end == ending::lf ? "LF" : "CRLF") + " while earlier lines end with " +
                      (first == ending::lf ? "LF" : "CRLF") + "; both are allowed, mixing them is untidy",
                  l.number, column_at(l.text, l.text.size()));
        return;
      }
    }
  }

  void check_blank_lines() {
    // The last line that holds something; blank lines after it are trailing.
    std::size_t last = lines_.size();
    for (std::size_t i = lines_.size(); i-- > 0;)
      if (!blank(lines_[i].text)) {
        last = i;
        break;
      }
    std::size_t fields_after = 0;
    for (std::size_t i = lines_.size(); i-- > 0;) {
      const auto& l = lines_[i];
      if (!blank(l.text)) {
        ++fields_after;
        continue;
      }
      if (i > last) continue;  // reported once below
      sink_.add(code::policy_line_blank,
                "line " + std::to_string(l.number) + " is " +
                    (l.text.empty() ? std::string("empty") : std::string("only whitespace")) +
                    "; the grammar has no blank lines: some senders skip it, others stop reading here and "
                    "would miss the " +
                    std::to_string(fields_after) + " field line" + (fields_after == 1 ? "" : "s") +
                    " below it, strict ones reject the policy",
                l.number, 1);
    }
    // Trailing: every blank line after `last` is an extra line ending.
    std::size_t extra = 0;
    const line_view* first_extra = nullptr;
    for (std::size_t i = last + 1; i < lines_.size(); ++i) {
      ++extra;
      if (!first_extra) first_extra = &lines_[i];
    }
    if (first_extra)
      sink_.add(code::policy_line_trailing_blank,
                "the policy ends with " + std::to_string(extra) + " blank line" + (extra == 1 ? "" : "s") +
                    " after the last field; the grammar allows one final line ending, most senders ignore "
                    "the rest, strict ones reject the policy",
                first_extra->number, 1);
  }

  void lint_line(const line_view& l) {
    const std::string_view t = l.text;
    const std::uint32_t n = l.number;
    bool ascii = true;
    auto col = [&](std::size_t off) {
      return ascii ? static_cast<std::uint32_t>(off + 1) : column_at(l.text, off);
    };

    // Characters: control characters (other than HTAB) and invalid UTF-8.
    // A tight pre-scan first: most lines are plain printable ASCII.
    bool special = false;
    for (char c : t) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) ascii = false;
      if (u >= 0x80 || (u < 0x20 && u != '\t') || u == 0x7f) special = true;
    }
    for (std::size_t i = 0; special && i < t.size();) {
      const std::size_t len = utf8_sequence_length(t, i);
      if (len == 0) {
        sink_.add(code::policy_utf8_invalid,
                  "line " + std::to_string(n) + " has a byte that is not UTF-8 at column " +
                      std::to_string(col(i)) + ": " + quote(t.substr(i, 1)),
                  n, col(i));
        break;
      }
      if (len == 1 && is_ctl(t[i]) && t[i] != '\t') {
        sink_.add(code::policy_line_control,
                  "line " + std::to_string(n) + " contains the control character " + quote(t.substr(i, 1)) +
                      " at column " + std::to_string(col(i)),
                  n, col(i));
        break;
      }
      i += len;
    }

    std::size_t start = 0;
    while (start < t.size() && is_wsp(t[start])) ++start;
    if (start > 0)
      sink_.add(code::policy_line_leading_whitespace,
                "line " + std::to_string(n) + " starts with whitespace before " + quote(t.substr(start), 30) +
                    "; most senders trim it, strict ones reject the policy",
                n, 1);

    const std::size_t colon = t.find(':', start);
    if (colon == std::string_view::npos) {
      std::string msg = "line " + std::to_string(n) + " is not `key: value`: " + quote(t.substr(start));
      if (t.substr(start, 1) == "<") msg += " (this looks like HTML: the URL may serve a web page, not the policy)";
      sink_.add(code::policy_line_no_colon, msg, n, col(start));
      return;
    }
    std::size_t key_end = colon;
    while (key_end > start && is_wsp(t[key_end - 1])) --key_end;
    const std::string_view key = t.substr(start, key_end - start);
    if (key_end < colon)
      sink_.add(code::policy_key_whitespace,
                "line " + std::to_string(n) + " has whitespace between the key " + quote(key) +
                    " and the colon; lenient senders trim it, strict ones read an unknown key " +
                    quote(t.substr(start, colon - start)),
                n, col(key_end));

    std::size_t vstart = colon + 1;
    while (vstart < t.size() && is_wsp(t[vstart])) ++vstart;
    std::size_t vend = t.size();
    while (vend > vstart && is_wsp(t[vend - 1])) --vend;
    const std::string_view value = t.substr(vstart, vend - vstart);
    const std::uint32_t vcol = col(vstart);

    if (!first_key_seen_) {
      first_key_seen_ = true;
      first_key_ = key;
    }
    key_column_ = col(start);
    if (key == "version") return on_version(value, n, vcol);
    if (key == "mode") return on_mode(value, n, vcol);
    if (key == "max_age") return on_max_age(value, n, vcol);
    if (key == "mx") return on_mx(value, n, l.text, vstart);
    on_other(key, value, n, col(start), vcol, t, vstart);
  }

  /** Records the first occurrence; on a repeat, reports and returns false. */
  bool first_occurrence(seen_field& f, std::string_view key, std::string_view value, std::uint32_t n,
                        std::uint32_t kcol) {
    if (!f.present) {
      f.present = true;
      f.raw = value;
      f.line = n;
      return true;
    }
    if (value == f.raw)
      sink_.add(code::policy_field_repeated,
                "line " + std::to_string(n) + " repeats `" + std::string(key) + ": " + std::string(value) +
                    "` from line " + std::to_string(f.line),
                n, kcol);
    else
      sink_.add(code::policy_field_duplicate,
                "line " + std::to_string(n) + " sets " + std::string(key) + " again, to " + quote(value) +
                    "; RFC 8461 keeps the first value (" + quote(f.raw) + ", line " + std::to_string(f.line) +
                    "), but some senders (go-mtasts, postfix-mta-sts-resolver, Stalwart, chasquid) keep the last",
                n, kcol);
    return false;
  }

  void on_version(std::string_view v, std::uint32_t n, std::uint32_t vcol) {
    if (!first_occurrence(version_, "version", v, n, key_column_)) return;
    if (v == "STSv1") {
      version_.ok = true;
      policy_.version = "STSv1";
      return;
    }
    std::string msg = "version is " + quote(v) + ", not \"STSv1\"";
    if (iequals(v, "STSv1")) msg += " (the value is case-sensitive)";
    else if (v.empty()) msg = "version has no value; it must be \"STSv1\"";
    sink_.add(code::policy_version_invalid, msg, n, vcol);
  }

  void on_mode(std::string_view v, std::uint32_t n, std::uint32_t vcol) {
    if (!first_occurrence(mode_, "mode", v, n, key_column_)) return;
    for (auto m : {policy_mode::enforce, policy_mode::testing, policy_mode::none}) {
      if (v == mode_name(m)) {
        mode_.ok = true;
        policy_.mode = m;
        return;
      }
    }
    std::string msg = "mode is " + quote(v) + ", not one of enforce, testing, none";
    for (auto m : {policy_mode::enforce, policy_mode::testing, policy_mode::none})
      if (iequals(v, mode_name(m))) msg += " (values are case-sensitive: write \"" + std::string(mode_name(m)) + "\")";
    if (iequals(v, "enforced") || iequals(v, "enforcing") || iequals(v, "strict"))
      msg += " (did you mean \"enforce\"?)";
    else if (iequals(v, "test") || iequals(v, "report") || iequals(v, "monitor"))
      msg += " (did you mean \"testing\"?)";
    else if (iequals(v, "off") || iequals(v, "disabled") || iequals(v, "disable"))
      msg += " (did you mean \"none\"?)";
    if (v.empty()) msg = "mode has no value; it must be enforce, testing or none";
    sink_.add(code::policy_mode_invalid, msg, n, vcol);
  }

  void on_max_age(std::string_view v, std::uint32_t n, std::uint32_t vcol) {
    if (!first_occurrence(max_age_, "max_age", v, n, key_column_)) return;
    std::size_t digits = 0;
    while (digits < v.size() && is_digit(v[digits])) ++digits;
    if (v.empty() || digits != v.size() || digits > 10) {
      std::string why;
      if (v.empty()) why = "has no value";
      else if (digits == v.size()) why = "has " + std::to_string(digits) + " digits; the grammar allows at most 10";
      else if (v[0] == '-' || v[0] == '+') why = "has a sign; it is a plain number of seconds";
      else if (v.find('.') != std::string_view::npos || v.find(',') != std::string_view::npos)
        why = "is not a whole number of seconds";
      else if (digits > 0 && digits < v.size() && is_alpha(v[digits]))
        why = "has a unit suffix " + quote(v.substr(digits)) + "; max_age is in seconds, digits only";
      else if (digits > 0 && v.find(' ') != std::string_view::npos)
        why = "has a space inside the number";
      else
        why = "is not a number";
      sink_.add(code::policy_max_age_invalid, "max_age " + quote(v) + " " + why, n,
                vcol + static_cast<std::uint32_t>(v.empty() ? 0 : (digits < v.size() ? digits : 0)));
      return;
    }
    std::uint64_t value = 0;
    for (char c : v) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (v.size() > 1 && v[0] == '0')
      sink_.add(code::policy_max_age_leading_zero,
                "max_age " + quote(v) + " has leading zeros; it means " + std::to_string(value) +
                    ", but some parsers read a leading 0 as octal",
                n, vcol);
    if (value > limits::max_age_max) {
      sink_.add(code::policy_max_age_too_large,
                "max_age " + std::to_string(value) + " is above the maximum of 31557600 (365.25 days); senders "
                "disagree: some cap it to 31557600, others reject the whole policy",
                n, vcol);
      return;
    }
    max_age_.ok = true;
    max_age_value_ = value;
    policy_.max_age = value;
  }

  void on_mx(std::string_view v, std::uint32_t n, std::string_view line, std::size_t vstart) {
    any_mx_line_ = true;
    std::vector<mx_diagnosis> diags;
    const bool ok = check_mx_value(v, diags);
    for (auto& d : diags) sink_.add(d.c, std::move(d.message), n, column_at(line, vstart + d.offset));
    if (!ok) return;
    // Patterns compare case-insensitively; fold only when there is something to fold.
    std::string_view key = v;
    for (char c : v)
      if (c >= 'A' && c <= 'Z') {
        std::string folded(v);
        for (char& f : folded) f = ascii_lower(f);
        key = folded_.emplace_back(std::move(folded));
        break;
      }
    mx_entries_.push_back({v, key, n, column_at(line, vstart)});
  }

  /**
   * Every valid mx line, in order: duplicates (found with one sort, no
   * allocation per pattern) are reported and kept once; the rest become the
   * policy's patterns, with the wildcard advice of §10.4.
   */
  void finish_mx() {
    const std::size_t count = mx_entries_.size();
    std::vector<std::uint32_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return mx_entries_[a].key < mx_entries_[b].key; });
    std::vector<std::uint32_t> first_of(count);  // index of the first entry with the same key
    for (std::size_t k = 0; k < count; ++k)
      first_of[order[k]] =
          (k > 0 && mx_entries_[order[k]].key == mx_entries_[order[k - 1]].key) ? first_of[order[k - 1]] : order[k];
    policy_.mx.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& e = mx_entries_[i];
      if (first_of[i] != i) {
        sink_.add(code::policy_mx_duplicate,
                  "mx " + quote(e.value) + " on line " + std::to_string(e.line) + " repeats line " +
                      std::to_string(mx_entries_[first_of[i]].line),
                  e.line, e.column);
        continue;
      }
      policy_.mx.emplace_back(e.value);
      if (e.value.size() > 2 && e.value[0] == '*') {
        if (wildcard_over_public_suffix(e.value))
          sink_.add(code::policy_mx_wildcard_public_suffix,
                    "mx " + quote(e.value) + " covers every host one label under a public suffix, so any such host "
                    "with a valid certificate is an acceptable MX; the policy protects almost nothing",
                    e.line, e.column);
        else
          sink_.add(code::policy_mx_wildcard,
                    "mx " + quote(e.value) + " accepts any host one label under " + quote(e.value.substr(2)) +
                        " that has a valid certificate",
                    e.line, e.column);
      }
    }
  }

  void on_other(std::string_view key, std::string_view value, std::uint32_t n, std::uint32_t kcol,
                std::uint32_t vcol, std::string_view line, std::size_t vstart) {
    const std::string_view meant = typo_of(key);
    if (key.empty()) {
      sink_.add(code::policy_key_invalid, "line " + std::to_string(n) + " has no key before the colon", n, kcol);
      return;
    }
    if (!valid_ext_name(key)) {
      std::string msg = "key " + quote(key) + " is not a valid field name (1-32 letters, digits, '_', '-' or "
                        "'.', starting with a letter or digit)";
      if (!meant.empty()) {
        msg += "; did you mean \"" + std::string(meant) + "\"?";
        typos_.push_back({meant, n, key});
      }
      sink_.add(code::policy_key_invalid, msg, n, kcol);
      return;
    }
    if (!meant.empty()) {
      typos_.push_back({meant, n, key});
      sink_.add(code::policy_key_typo,
                "key " + quote(key) + " is not \"" + std::string(meant) + "\"" +
                    (iequals(key, meant) ? " (keys are case-sensitive)" : "") +
                    "; senders ignore it as an unknown field",
                n, kcol);
    } else {
      sink_.add(code::policy_extension_unknown,
                "field " + quote(key) + " is not one of version, mode, max_age, mx; senders ignore it", n, kcol);
    }
    // sts-policy-ext-value: vchar [*(SP / vchar) vchar]; UTF-8 allowed, no CTLs.
    std::string why;
    if (value.empty()) why = "is empty";
    // Other control characters were reported as policy.line.control.
    for (std::size_t i = 0; why.empty() && i < value.size(); ++i)
      if (value[i] == '\t') {
        why = "contains " + quote(value.substr(i, 1));
        vcol = column_at(line, vstart + i);
      }
    if (!why.empty()) {
      sink_.add(code::policy_extension_value_invalid,
                "the value of " + quote(key) + " " + why +
                    ", which the grammar does not allow; lenient senders ignore the field, strict ones reject "
                    "the policy",
                n, vcol);
      return;
    }
    if (!extension_seen_.insert(key).second) return;
    policy_.extensions.emplace_back(std::string(key), std::string(value));
  }

  struct typo {
    std::string_view meant;
    std::uint32_t line;
    std::string_view key;
  };

  std::string typo_hint(std::string_view field) const {
    for (const auto& t : typos_)
      if (t.meant == field)
        return " (line " + std::to_string(t.line) + " has " + quote(t.key) + ", which senders do not read as " +
               std::string(field) + ")";
    return {};
  }

  void check_required() {
    if (!version_.present)
      sink_.add(code::policy_version_missing, "the policy has no version field" + typo_hint("version"));
    if (!mode_.present)
      sink_.add(code::policy_mode_missing, "the policy has no mode field" + typo_hint("mode"));
    if (!max_age_.present)
      sink_.add(code::policy_max_age_missing, "the policy has no max_age field" + typo_hint("max_age"));
    const bool mode_none = mode_.present && iequals(mode_.raw, "none");
    if (!any_mx_line_ && !mode_none) {
      std::string m = mode_.ok ? " " + std::string(mode_name(policy_.mode)) : std::string();
      sink_.add(code::policy_mx_missing,
                "the policy has no mx field; mode" + m + " requires at least one" + typo_hint("mx"));
    }
  }

  void give_advice() {
    if (version_.present && first_key_seen_ && first_key_ != "version")
      sink_.add(code::policy_version_not_first,
                "version is on line " + std::to_string(version_.line) + ", not first; the RFC allows any "
                "order, but some providers' guides require it first",
                version_.line, 1);
    if (mode_.ok && policy_.mode == policy_mode::testing)
      sink_.add(code::policy_mode_testing,
                "mode is testing: senders report TLS failures but still deliver over unprotected connections",
                mode_.line, 1);
    if (mode_.ok && policy_.mode == policy_mode::none) {
      sink_.add(code::policy_mode_none,
                "mode is none: senders treat the domain as having no MTA-STS policy (used to withdraw it)",
                mode_.line, 1);
      if (max_age_.ok && max_age_value_ > limits::max_age_withdraw)
        sink_.add(code::policy_mode_none_long_max_age,
                  "mode none with max_age " + std::to_string(max_age_value_) + " (" + human(max_age_value_) +
                      "): while withdrawing, a short max_age lets senders forget the policy sooner",
                  max_age_.line, 1);
    }
    if (mode_.ok && max_age_.ok && policy_.mode != policy_mode::none) {
      if (max_age_value_ < limits::max_age_day)
        sink_.add(code::policy_max_age_under_day,
                  "max_age " + std::to_string(max_age_value_) + " (" + human(max_age_value_) + ")" +
                      (max_age_value_ == 0 ? ": senders cannot cache the policy at all, so it protects only "
                                             "while the policy host is reachable"
                                           : " is under a day; an attacker who blocks the policy host for that "
                                             "long removes the protection"),
                  max_age_.line, 1);
      else if (max_age_value_ < limits::max_age_week)
        sink_.add(code::policy_max_age_under_week,
                  "max_age " + std::to_string(max_age_value_) + " (" + human(max_age_value_) +
                      ") is under a week; the RFC expects weeks or more" +
                      (policy_.mode == policy_mode::testing
                           ? " (in testing mode too: the max_age carries over when you switch to enforce)"
                           : ""),
                  max_age_.line, 1);
    }
  }

  static std::string human(std::uint64_t s) {
    if (s % 86400 == 0 && s >= 86400) return std::to_string(s / 86400) + (s == 86400 ? " day" : " days");
    if (s >= 86400) {
      const std::uint64_t days = (s + 43200) / 86400;
      return "about " + std::to_string(days) + (days == 1 ? " day" : " days");
    }
    if (s % 3600 == 0 && s >= 3600) return std::to_string(s / 3600) + (s == 3600 ? " hour" : " hours");
    if (s >= 3600) {
      const std::uint64_t hours = (s + 1800) / 3600;
      return "about " + std::to_string(hours) + (hours == 1 ? " hour" : " hours");
    }
    return std::to_string(s) + (s == 1 ? " second" : " seconds");
  }

  std::size_t full_size_;  // as given; body_ is at most limits::policy_max_bytes of it
  std::string_view body_;
  std::vector<line_view> lines_;
  finding_sink sink_;
  policy policy_;
  seen_field version_, mode_, max_age_;
  std::uint64_t max_age_value_ = 0;
  bool any_mx_line_ = false;
  struct mx_entry {
    std::string_view value, key;  // as written; case-folded
    std::uint32_t line, column;
  };
  std::vector<mx_entry> mx_entries_;
  std::deque<std::string> folded_;  // owns the folded keys that are not views of the body
  std::unordered_set<std::string_view> extension_seen_;
  std::vector<typo> typos_;
  bool first_key_seen_ = false;
  std::uint32_t key_column_ = 1;  // of the line being read
  std::string_view first_key_;
};

}  // namespace

policy_result lint_policy(std::string_view body) noexcept { return policy_linter(body).run(); }

}  // namespace mtasts
