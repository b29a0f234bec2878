/**
 * @file mx_match.h
 * @brief Whether a policy's mx pattern covers an MX host, and what a host name is.
 * @see RFC 8461 §4.1, RFC 6125 §6.4
 *
 * A pattern is a host name, or `*.` followed by a suffix; the wildcard stands
 * for exactly one whole left-most label (`*.example.com` covers
 * `mx.example.com`, not `example.com` nor `a.b.example.com`). Comparison is
 * ASCII case-insensitive; one trailing dot on either side is ignored (MX
 * RDATA names are fully qualified). Empty or malformed input never matches.
 */
#ifndef MTASTS_MX_MATCH_H
#define MTASTS_MX_MATCH_H

#include <string_view>

namespace mtasts {

[[nodiscard]] bool mx_matches(std::string_view pattern, std::string_view host) noexcept;

/**
 * A host name that can stand in a policy as an exact mx pattern: an RFC 5321
 * `Domain` (letters, digits and hyphens, no hyphen at either end of a label)
 * within the DNS limits (labels up to 63, 253 in all), two labels at least,
 * the last not all digits (so not an IPv4 address). One trailing dot is
 * allowed. The page uses it to build a policy from a domain's MX hosts.
 */
[[nodiscard]] bool is_host_name(std::string_view name) noexcept;

}  // namespace mtasts

#endif
