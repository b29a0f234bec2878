/**
 * @file domain.h
 * @brief Internal: the `mx` pattern grammar, `["*."] Domain` (RFC 8461 §3.2,
 *        RFC 5321 §4.1.2), with a diagnosis for each way it is broken.
 */
#ifndef MTASTS_SRC_DOMAIN_H
#define MTASTS_SRC_DOMAIN_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts::detail {

struct mx_diagnosis {
  code c{};               ///< the code to raise (meaningful when !ok or a warning applies)
  std::size_t offset{};   ///< byte offset in the value of the evidence
  std::string message;
};

/**
 * Checks one mx value (already stripped of surrounding whitespace) and appends
 * what it finds to `out`: at most one error (then it returns false: the value
 * does not match `["*."] Domain`) and any warnings (a trailing dot, which the
 * grammar forbids but senders strip; an IPv4 dotted quad).
 */
bool check_mx_value(std::string_view value, std::vector<mx_diagnosis>& out);

/** True for `*.<suffix>` where suffix is a TLD or a well-known public suffix. */
bool wildcard_over_public_suffix(std::string_view pattern) noexcept;

/** A dotted quad such as 192.0.2.1 (syntactically a Domain, never a host name). */
bool looks_like_ipv4(std::string_view s) noexcept;

}  // namespace mtasts::detail

#endif
