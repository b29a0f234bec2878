/**
 * @file domain.cpp
 * @brief The `mx` pattern grammar of RFC 8461 §3.2:
 *
 *   sts-policy-mx-value = ["*."] Domain
 *   Domain     = sub-domain *("." sub-domain)          ; RFC 5321 §4.1.2
 *   sub-domain = Let-dig [Ldh-str]
 *   Let-dig    = ALPHA / DIGIT
 *   Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
 *
 * plus the DNS limits a real MX name obeys (labels <= 63, names <= 253
 * octets), since a longer pattern can never match an MX host.
 */
#include "domain.h"

#include "text.h"

namespace mtasts::detail {
namespace {

void add(std::vector<mx_diagnosis>& out, code c, std::size_t off, std::string msg) {
  out.push_back({c, off, std::move(msg)});
}

/** Checks `Domain` at value[base...]; on error appends one diagnosis. */
bool check_domain(std::string_view value, std::size_t base, std::vector<mx_diagnosis>& out) {
  const std::string_view d = value.substr(base);
  if (d.empty()) {
    add(out, code::policy_mx_invalid, base, "mx value " + quote(value) + " has no host name");
    return false;
  }
  if (d.size() > 253) {
    add(out, code::policy_mx_invalid, base,
        "mx value is " + std::to_string(d.size()) +
            " characters long; a DNS host name has at most 253, so it can never match an MX host");
    return false;
  }
  std::size_t start = 0;
  while (start <= d.size()) {
    std::size_t end = d.find('.', start);
    if (end == std::string_view::npos) end = d.size();
    const std::string_view label = d.substr(start, end - start);
    const std::size_t at = base + start;
    if (label.empty()) {
      add(out, code::policy_mx_invalid, at,
          "mx value " + quote(value) + " has an empty label (two dots in a row, or a dot at the start)");
      return false;
    }
    if (label.size() > 63) {
      add(out, code::policy_mx_invalid, at,
          "mx label " + quote(label, 20) + " is " + std::to_string(label.size()) +
              " characters long; DNS labels have at most 63");
      return false;
    }
    for (std::size_t i = 0; i < label.size(); ++i) {
      const char c = label[i];
      if (is_alnum(c)) continue;
      if (c == '-') {
        if (i == 0 || i + 1 == label.size()) {
          add(out, code::policy_mx_invalid, at + i,
              "mx label " + quote(label) + " " + (i == 0 ? "starts" : "ends") +
                  " with a hyphen, which RFC 5321 host names do not allow");
          return false;
        }
        continue;
      }
      std::string what = c == '_' ? std::string("an underscore") : "the character " + quote(std::string_view(&c, 1));
      add(out, code::policy_mx_invalid, at + i,
          "mx value " + quote(value) + " contains " + what +
              "; host names are letters, digits and hyphens");
      return false;
    }
    if (end == d.size()) break;
    start = end + 1;
  }
  return true;
}

}  // namespace

bool looks_like_ipv4(std::string_view s) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t n = 0;
    int v = 0;
    while (i < s.size() && is_digit(s[i]) && n < 4) {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++n;
    }
    if (n == 0 || n > 3 || v > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool wildcard_over_public_suffix(std::string_view p) noexcept {
  if (p.size() < 3 || p[0] != '*' || p[1] != '.') return false;
  std::string suffix;
  for (char c : p.substr(2)) suffix += ascii_lower(c);
  if (!suffix.empty() && suffix.back() == '.') suffix.pop_back();
  if (suffix.empty()) return false;
  if (suffix.find('.') == std::string::npos) return true;  // any TLD
  // A short built-in list of common multi-label public suffixes (not the full PSL).
  static constexpr std::string_view known[] = {
      "co.uk",  "org.uk", "ac.uk",  "gov.uk", "me.uk",  "net.uk", "ltd.uk", "plc.uk",
      "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz",  "net.nz", "org.nz",
      "co.jp",  "ne.jp",  "or.jp",  "ac.jp",  "co.kr",  "or.kr",  "com.br", "net.br",
      "com.cn", "net.cn", "org.cn", "com.tw", "com.hk", "com.sg", "com.my", "co.in",
      "net.in", "org.in", "co.za",  "org.za", "com.mx", "com.ar", "com.tr", "com.pl",
      "co.il",  "com.ua", "co.id",  "or.id",  "com.ph", "com.vn", "com.sa", "com.eg",
      "gv.at",  "co.at",  "or.at",  "com.es", "com.pt", "com.co", "com.pe", "eu.org"};
  for (auto k : known)
    if (suffix == k) return true;
  return false;
}

bool check_mx_value(std::string_view value, std::vector<mx_diagnosis>& out) {
  if (value.empty()) {
    add(out, code::policy_mx_invalid, 0, "mx has an empty value");
    return false;
  }
  // One pass for the characters that rule the value out before its labels are
  // read; each kind is reported at its first occurrence, in this order.
  constexpr std::size_t none = std::string_view::npos;
  std::size_t list_at = none, non_ascii_at = none, address_at = none;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (is_alnum(c) || c == '.' || c == '-') continue;
    if ((c == ',' || is_wsp(c)) && list_at == none) list_at = i;
    else if (static_cast<unsigned char>(c) >= 0x80 && non_ascii_at == none) non_ascii_at = i;
    else if ((c == '[' || c == ']' || c == ':') && address_at == none) address_at = i;
  }
  if (list_at != none) {
    add(out, code::policy_mx_list, list_at,
        "mx value " + quote(value) + " holds more than one name; each pattern needs its own mx line");
    return false;
  }
  if (non_ascii_at != none) {
    add(out, code::policy_mx_u_label, non_ascii_at,
        "mx value " + quote(value) + " contains non-ASCII characters; write the A-label (xn--...)");
    return false;
  }
  if (address_at != none) {
    add(out, code::policy_mx_invalid, address_at,
        "mx value " + quote(value) + " is an address literal; MX records and patterns name hosts");
    return false;
  }
  std::size_t base = 0;
  if (value.size() >= 2 && value[0] == '*' && value[1] == '.') base = 2;
  const std::size_t star = value.find('*', base);
  if (star != std::string_view::npos) {
    add(out, code::policy_mx_wildcard_invalid, star,
        "mx value " + quote(value) +
            " uses '*' other than as the whole left-most label followed by a dot");
    return false;
  }
  if (value[0] == '.') {
    add(out, code::policy_mx_wildcard_invalid, 0,
        "mx value " + quote(value) +
            " starts with a dot (Postfix-style suffix); MTA-STS writes the wildcard as *." +
            std::string(value.substr(1)));
    return false;
  }
  std::string_view domain = value;
  bool trailing_dot = false;
  if (domain.size() > base + 1 && domain.back() == '.') {
    domain.remove_suffix(1);
    trailing_dot = true;
  }
  std::vector<mx_diagnosis> err;
  if (!check_domain(domain, base, err)) {
    // Report offsets relative to the original value (same prefix).
    out.push_back(std::move(err.front()));
    return false;
  }
  if (trailing_dot)
    add(out, code::policy_mx_trailing_dot, value.size() - 1,
        "mx value " + quote(value) +
            " ends with a dot, which the grammar does not allow; most senders strip it before matching, strict ones reject the policy");
  if (base == 0 && looks_like_ipv4(domain))
    add(out, code::policy_mx_ip_literal, 0,
        "mx value " + quote(value) +
            " is an IPv4 address; it is a valid name to the grammar but no MX host is ever named by an address, so it matches nothing");
  return true;
}

}  // namespace mtasts::detail
