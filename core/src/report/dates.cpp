/**
 * @file dates.cpp
 * @brief RFC 3339 date-times (RFC 8460 §4.4 date-range) to epoch seconds
 *        and back, in UTC, with the civil-calendar arithmetic of Howard
 *        Hinnant's days_from_civil (public domain algorithm; std::chrono's
 *        calendar is C++20).
 */
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "mtasts/limits.h"
#include "mtasts/report.h"
#include "internal.h"
#include "../text.h"

namespace mtasts::tlsrpt {

namespace {

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, unsigned& out) noexcept {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!detail::is_digit(s[i])) return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

bool leap(unsigned y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s, bool* no_offset) noexcept {
  if (no_offset) *no_offset = false;
  // date-fullyear "-" date-month "-" date-mday ("T"/"t") partial-time time-offset
  unsigned y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  static constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  if (d > month_days[mo - 1] + (mo == 2 && leap(y) ? 1u : 0u)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: a leap second
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && detail::is_digit(s[i])) ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    unsigned oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om) || oh > 23 ||
        om > 59)
      return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
    i += 6;
  } else if (i == s.size() && no_offset) {
    *no_offset = true;  // read as UTC; the caller says so
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(y, mo, d);
  return days * 86400 + h * 3600 + mi * 60 + std::min(sec, 59u) - offset;
}

std::string format_utc(std::int64_t t, bool date_only) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  if (date_only) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(y), m, d,
                  static_cast<unsigned>(rem / 3600), static_cast<unsigned>(rem % 3600 / 60),
                  static_cast<unsigned>(rem % 60));
  }
  return buf;
}

void capped_findings::add(code c, std::string message, std::uint32_t line, std::uint32_t column) {
  const auto i = static_cast<std::size_t>(c);
  if (per_code_.size() <= i) per_code_.resize(i + 1, 0);
  if (per_code_[i] >= limits::findings_per_code || items_.size() >= limits::findings_total) {
    ++dropped_;
    return;
  }
  ++per_code_[i];
  items_.push_back({c, std::move(message), line, column});
}

std::vector<finding> capped_findings::take() {
  if (dropped_ > 0) {
    items_.push_back({code::lint_truncated,
                      std::to_string(dropped_) + (dropped_ == 1 ? " more finding" : " more findings") +
                          " of the same kinds not listed (at most " + std::to_string(limits::findings_per_code) +
                          " of each code)"});
    dropped_ = 0;
  }
  return std::move(items_);
}

}  // namespace mtasts::tlsrpt
