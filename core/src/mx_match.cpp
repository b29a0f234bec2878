/**
 * @file mx_match.cpp
 * @brief RFC 8461 §4.1: "the wildcard character '*' ... matches only the
 *        left-most label", compared as RFC 6125 DNS-IDs (ASCII, case-insensitive).
 */
#include "mtasts/mx_match.h"

#include "text.h"

namespace mtasts {
namespace {

using detail::ascii_lower;
using detail::is_alnum;

std::string_view drop_one_trailing_dot(std::string_view s) noexcept {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

/** LDH labels separated by single dots, none empty (underscores allowed: names, not hosts). */
bool plausible_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!(is_alnum(c) || c == '-' || c == '_')) return false;
    if (++label > 63) return false;
  }
  return label != 0;
}

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace

bool mx_matches(std::string_view pattern, std::string_view host) noexcept {
  pattern = drop_one_trailing_dot(pattern);
  host = drop_one_trailing_dot(host);
  if (!plausible_name(host)) return false;
  if (pattern.size() >= 2 && pattern[0] == '*' && pattern[1] == '.') {
    // "*.example.com": the host is one whole label, a dot, then the suffix.
    const std::string_view suffix = pattern.substr(2);
    if (!plausible_name(suffix)) return false;
    const std::size_t dot = host.find('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    return iequal(host.substr(dot + 1), suffix);
  }
  if (!plausible_name(pattern)) return false;
  return iequal(pattern, host);
}

}  // namespace mtasts
