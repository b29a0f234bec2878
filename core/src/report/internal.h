/**
 * @file internal.h
 * @brief Internal to core/src/report/: findings capped per code, dates,
 *        saturating sums.
 */
#ifndef MTASTS_SRC_REPORT_INTERNAL_H
#define MTASTS_SRC_REPORT_INTERNAL_H

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts::tlsrpt {

/**
 * Findings of one report, at most limits::findings_per_code of each code
 * (a 10 MB report with a count written as a string in every one of its
 * 50,000 failure details says so 20 times, then "and 49,980 more").
 * The linters' finding_sink never drops findings without a position, and
 * these have none.
 */
class capped_findings {
 public:
  void add(code c, std::string message, std::uint32_t line = 0, std::uint32_t column = 0);
  std::vector<finding> take();

 private:
  std::vector<finding> items_;
  std::vector<std::uint32_t> per_code_;
  std::size_t dropped_ = 0;
};

inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

/**
 * Seconds since the epoch of an RFC 3339 date-time (§5.6; 'T'/'Z' in either
 * case, fractions dropped), or nullopt. A date-time without Z or an offset,
 * as some reporters write them, is read as UTC when `no_offset` is given,
 * which is then set.
 */
std::optional<std::int64_t> parse_rfc3339(std::string_view s, bool* no_offset = nullptr) noexcept;

}  // namespace mtasts::tlsrpt

#endif
