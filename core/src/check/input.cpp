/**
 * @file input.cpp
 * @brief The domain to check: the input as typed, trimmed, one trailing dot
 *        dropped, lower case, and judged by the one grammar of host names
 *        (hostname.h). Nothing that is not a host name is ever queried.
 */
#include "../hostname.h"
#include "../idna.h"
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {
namespace {

using namespace mtasts::detail;

std::string trimmed(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return std::string(s);
}

/** Why `d` (lower case, no trailing dot) is not a domain name to check; empty if it is. */
std::string domain_problem(std::string_view d, std::string_view input) {
  using p = name_scan::problem;
  if (d.empty()) return "Nothing to check: type a domain name such as example.com.";
  for (char c : input) {
    if (c == '/' || c == ':' || c == '@' || c == '?' || c == '#' || c == ' ' || c == '\\')
      return "Not a domain name: " + quote(input) + " holds " +
             (c == ' ' ? std::string("a space") : "'" + std::string(1, c) + "'") +
             ". Type the domain alone, such as example.com (no scheme, path, port or mailbox).";
  }
  const name_scan s = scan_name(d, name_grammar::host, limits::domain_max_length);
  switch (s.what) {
    case p::ok:
      break;
    case p::empty:
    case p::empty_label:
      return "Not a domain name: " + quote(input) + " has an empty label (two dots in a row, or a leading dot).";
    case p::label_too_long:
      return "Not a domain name: a label of " + std::to_string(s.length) + " characters (at most 63).";
    case p::too_long:
      return "Not a domain name to check: " + std::to_string(d.size()) + " characters, more than the " +
             std::to_string(limits::domain_max_length) + " that leave room for _smtp._tls.<domain>.";
    case p::non_ascii:
      return "Not a domain name in A-label form: " + quote(input) +
             " holds non-ASCII characters that could not be converted to xn-- labels.";
    case p::bad_char:
      return "Not a domain name: " + quote(input) + " holds " + quote(d.substr(s.offset, 1)) +
             "; a host name has letters, digits and hyphens only.";
    case p::hyphen_edge:
      return "Not a domain name: the label " + quote(label_at(d, s.offset)) + " starts or ends with a hyphen.";
  }
  const std::string_view last = d.substr(d.rfind('.') == std::string_view::npos ? 0 : d.rfind('.') + 1);
  bool numeric_last = !last.empty();
  for (char c : last) numeric_last = numeric_last && is_digit(c);
  if (looks_like_ipv4(d) || numeric_last)
    return "Not a domain name: " + quote(input) + " is an IP address (or ends in a numeric label); MTA-STS applies to mail domains.";
  if (s.labels < 2) return "Not a mail domain: " + quote(input) + " is a single label; type the full domain, such as example.com.";
  return {};
}

}  // namespace

checked_input check_input(const options& o) {
  checked_input out;
  std::string d = lower(trimmed(o.domain.empty() ? o.input : o.domain));
  if (!d.empty() && d.back() == '.') d.pop_back();
  out.raw = trimmed(o.input);
  out.domain = d;
  out.problem = domain_problem(d, o.domain.empty() ? std::string_view(out.raw) : std::string_view(d));
  if (out.problem.empty()) {
    std::string plain = lower(out.raw);
    if (!plain.empty() && plain.back() == '.') plain.pop_back();
    out.idn = plain != d;
    out.unicode = to_u_labels(d);
  }
  return out;
}

}  // namespace mtasts::check::detail
