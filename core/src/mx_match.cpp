/**
 * @file mx_match.cpp
 * @brief RFC 8461 §4.1: "the wildcard character '*' ... matches only the
 *        left-most label", compared as RFC 6125 DNS-IDs (ASCII, case-insensitive).
 *
 * The pattern must be a pattern the policy grammar allows (`["*."] Domain`,
 * hostname.h's host grammar); the host is a name from DNS (the DNS grammar:
 * an MX RDATA name may hold an underscore). Anything else matches nothing.
 */
#include "mtasts/mx_match.h"

#include "hostname.h"
#include "text.h"

namespace mtasts {
namespace {

std::string_view drop_one_trailing_dot(std::string_view s) noexcept {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

bool mx_matches(std::string_view pattern, std::string_view host) noexcept {
  using detail::name_grammar;
  pattern = drop_one_trailing_dot(pattern);
  host = drop_one_trailing_dot(host);
  if (!detail::scan_name(host, name_grammar::dns).ok()) return false;
  if (pattern.size() >= 2 && pattern[0] == '*' && pattern[1] == '.') {
    // "*.example.com": the host is one whole label, a dot, then the suffix.
    const std::string_view suffix = pattern.substr(2);
    if (!detail::scan_name(suffix, name_grammar::host).ok()) return false;
    const std::size_t dot = host.find('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    return detail::iequals(host.substr(dot + 1), suffix);
  }
  if (!detail::scan_name(pattern, name_grammar::host).ok()) return false;
  return detail::iequals(pattern, host);
}

bool is_host_name(std::string_view name) noexcept {
  name = drop_one_trailing_dot(name);
  const auto s = detail::scan_name(name, detail::name_grammar::host);
  if (!s.ok() || s.labels < 2) return false;
  // RFC 3696 §2: a top-level domain is never all-numeric, so neither is a host name (and 192.0.2.1 is an address).
  const std::string_view last = name.substr(name.rfind('.') + 1);
  for (char c : last)
    if (!detail::is_digit(c)) return true;
  return false;
}

}  // namespace mtasts
