/**
 * @file text.h
 * @brief Internal helpers shared by the parsers: character classes, UTF-8,
 *        positions, evidence quoting and the capped finding sink.
 */
#ifndef MTASTS_SRC_TEXT_H
#define MTASTS_SRC_TEXT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/limits.h"

namespace mtasts::detail {

// RFC 5234 core rules.
constexpr bool is_alpha(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) noexcept { return is_alpha(c) || is_digit(c); }
constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }
/** CTL of RFC 5234: %x00-1F / %x7F. */
constexpr bool is_ctl(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool iequals(std::string_view a, std::string_view b) noexcept;
/** ASCII lower case (other bytes unchanged). */
std::string lower(std::string_view s);
inline bool starts_with(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }
/** ASCII case-insensitive starts_with. */
inline bool istarts_with(std::string_view s, std::string_view p) noexcept {
  return s.size() >= p.size() && iequals(s.substr(0, p.size()), p);
}

// ---- wording ----------------------------------------------------------------

/** "1 MX host", "3 MX hosts". */
std::string plural(std::size_t n, std::string_view one, std::string_view many);
/** "a, b, c, and 2 more" (at most `max` shown). */
std::string list_names(const std::vector<std::string>& names, std::size_t max = 5);
/** "a", "a and b", "a, b, and c". */
std::string join_and(const std::vector<std::string>& parts);
/** Milliseconds as a person says them: "0.3 s", "5 s", "30 s". */
std::string seconds_text(double ms);

/**
 * Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 when
 * the bytes there are not well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
std::size_t utf8_multibyte_length(std::string_view s, std::size_t i) noexcept;
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  return static_cast<unsigned char>(s[i]) < 0x80 ? 1 : utf8_multibyte_length(s, i);
}

/** 1-based code-point column of byte offset `off` in `line`. */
std::uint32_t column_at(std::string_view line, std::size_t off) noexcept;

/**
 * Maps byte offsets of one text to 1-based code-point columns in O(1): the
 * identity for ASCII text, a table otherwise (built once). Keeps a record of
 * thousands of fields from costing thousands of scans.
 */
class column_map {
 public:
  explicit column_map(std::string_view text);
  std::uint32_t at(std::size_t off) const noexcept;

 private:
  std::string_view text_;
  std::vector<std::uint32_t> cols_;  // empty when text_ is ASCII
};

/**
 * The evidence as it should appear in a message: in double quotes, control
 * characters and invalid bytes escaped (\t, \r, \n, \xNN), and cut to about
 * `max` code points with an ellipsis.
 */
std::string quote(std::string_view s, std::size_t max = 60);

/**
 * Collects findings. Positional findings are capped (per code, and warnings
 * and notes in all) so that a 10 MB body cannot produce a 10 MB report;
 * findings about the whole artefact (line 0) are never dropped, every code
 * raised is listed at least once (so an invalid result always shows an
 * error), and valid() is exact whatever was listed.
 */
class finding_sink {
 public:
  static constexpr std::size_t per_code_cap = limits::findings_per_code;
  static constexpr std::size_t total_cap = limits::findings_total;
  void add(code c, std::string message, std::uint32_t line = 0, std::uint32_t column = 0);
  bool has(code c) const noexcept;
  /** No error was raised (listed or not). */
  bool valid() const noexcept { return !any_error_; }
  /** The findings, with one lint.truncated note at the end if any were dropped. */
  std::vector<finding> take();

 private:
  std::vector<finding> items_;
  std::vector<std::uint16_t> per_code_;
  std::size_t dropped_ = 0;
  bool any_error_ = false;
};

}  // namespace mtasts::detail

#endif
