/**
 * @file hostname.cpp
 * @brief The one grammar of names (hostname.h) and the mx pattern linter of
 *        RFC 8461 §3.2 built on it: `sts-policy-mx-value = ["*."] Domain`.
 */
#include "hostname.h"

#include "idna.h"
#include "text.h"

namespace mtasts::detail {

name_scan scan_name(std::string_view d, name_grammar grammar, std::size_t max_length) noexcept {
  using p = name_scan::problem;
  name_scan out;
  if (d.empty()) {
    out.what = p::empty;
    return out;
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = d.find('.', start);
    if (end == std::string_view::npos) end = d.size();
    const std::string_view label = d.substr(start, end - start);
    ++out.labels;
    if (label.empty()) {
      out.what = p::empty_label;
      out.offset = start;
      return out;
    }
    for (std::size_t i = 0; i < label.size(); ++i) {
      const char c = label[i];
      if (is_alnum(c)) continue;
      if (c == '-') {
        if (grammar == name_grammar::host && (i == 0 || i + 1 == label.size())) {
          out.what = p::hyphen_edge;
          out.offset = start + i;
          return out;
        }
        continue;
      }
      if (c == '_' && grammar == name_grammar::dns) continue;
      out.what = static_cast<unsigned char>(c) >= 0x80 ? p::non_ascii : p::bad_char;
      out.offset = start + i;
      return out;
    }
    if (label.size() > 63) {
      out.what = p::label_too_long;
      out.offset = start;
      out.length = label.size();
      return out;
    }
    if (end == d.size()) break;
    start = end + 1;
  }
  if (d.size() > max_length) {
    out.what = p::too_long;
    out.length = d.size();
  }
  return out;
}

std::string_view label_at(std::string_view name, std::size_t offset) noexcept {
  if (offset > name.size()) return {};
  std::size_t start = name.rfind('.', offset == 0 ? 0 : offset - 1);
  start = (start == std::string_view::npos || offset == 0) ? 0 : start + 1;
  if (offset < name.size() && name[offset] != '.' && start > offset) start = offset;
  const std::size_t end = name.find('.', start);
  return name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::string host_key(std::string_view name) {
  std::string key = lower(name);
  if (!key.empty() && key.back() == '.') key.pop_back();
  return key;
}

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

namespace {

std::string lower_suffix(std::string_view p) {
  std::string suffix = lower(p.substr(2));
  if (!suffix.empty() && suffix.back() == '.') suffix.pop_back();
  return suffix;
}

}  // namespace

bool known_public_suffix(std::string_view suffix) noexcept {
  if (suffix.empty()) return false;
  if (suffix.find('.') == std::string_view::npos) return true;  // any TLD
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

bool wildcard_over_public_suffix(std::string_view p) noexcept {
  if (p.size() < 3 || p[0] != '*' || p[1] != '.') return false;
  return known_public_suffix(lower_suffix(p));
}

std::string_view registrable_part(std::string_view name) noexcept {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.size() >= 2 && name[0] == '*' && name[1] == '.') name.remove_prefix(2);
  // The last two labels, or three when those two are a known multi-label suffix.
  std::size_t cut = std::string_view::npos;
  for (int labels = 0; labels < 3; ++labels) {
    const std::size_t dot = name.rfind('.', cut == std::string_view::npos ? cut : cut - 1);
    if (dot == std::string_view::npos) return name;
    cut = dot;
    if (labels == 1 && !known_public_suffix(lower(name.substr(cut + 1)))) return name.substr(cut + 1);
  }
  return name.substr(cut + 1);
}

// Q2 of docs/SENDERS.md (the research on provider MX patterns) is the source of both tables.
namespace {

constexpr provider_pattern providers[] = {
    {"mail.protection.outlook.com", "Microsoft 365 (Exchange Online)",
     "documents this pattern for its customers' rotating MX hosts (<tenant>.mail.protection.outlook.com)"},
    {"mx.cloudflare.net", "Cloudflare Email Routing",
     "documents this pattern for its customers' rotating MX hosts (route1.mx.cloudflare.net, ...)"},
    {"gmail-smtp-in.l.google.com", "Google",
     "publishes this pattern in gmail.com's own policy, for its rotating MX hosts (alt1.gmail-smtp-in.l.google.com, "
     "...)"},
};

constexpr provider_lookalike lookalikes[] = {
    {"mx.microsoft", "Microsoft 365 (its DNSSEC-signed MX hosts)",
     "its MX hosts are named <domain-with-dashes>.<x>-v1.mx.microsoft (contoso-com.o-v1.mx.microsoft), two labels under "
     "mx.microsoft",
     "the exact host of your MX record, or *.<x>-v1.mx.microsoft with its <x>-v1 label"},
    {"protection.outlook.com", "Microsoft 365 (Exchange Online)",
     "its MX hosts are named <tenant>.mail.protection.outlook.com, two labels under protection.outlook.com",
     "*.mail.protection.outlook.com, the pattern Microsoft documents"},
    {"outlook.com", "Microsoft 365 (Exchange Online)",
     "its MX hosts are named <tenant>.mail.protection.outlook.com, three labels under outlook.com",
     "*.mail.protection.outlook.com, the pattern Microsoft documents"},
    {"google.com", "Google Workspace",
     "the pattern covers smtp.google.com only, not aspmx.l.google.com or alt1.aspmx.l.google.com to "
     "alt4.aspmx.l.google.com, two and three labels under google.com",
     "an mx line for aspmx.l.google.com and one for *.aspmx.l.google.com (or each host exactly)"},
    {"amazonaws.com", "Amazon SES (inbound)",
     "its MX hosts are named inbound-smtp.<region>.amazonaws.com, two labels under amazonaws.com",
     "the exact host of your MX record, such as inbound-smtp.eu-west-1.amazonaws.com"},
    {"mailgun.org", "Mailgun",
     "the pattern covers mxa.mailgun.org and mxb.mailgun.org (the US region) only, not the EU region's mxa.eu.mailgun.org "
     "and mxb.eu.mailgun.org, two labels under mailgun.org",
     "*.eu.mailgun.org (or the exact hosts) for an EU account"},
};

}  // namespace

const provider_pattern* documented_provider(std::string_view p) noexcept {
  if (p.size() < 3 || p[0] != '*' || p[1] != '.') return nullptr;
  const std::string suffix = lower_suffix(p);
  for (const auto& pr : providers)
    if (suffix == pr.suffix) return &pr;
  return nullptr;
}

const provider_lookalike* provider_lookalike_of(std::string_view p) noexcept {
  if (p.size() < 3 || p[0] != '*' || p[1] != '.') return nullptr;
  const std::string suffix = lower_suffix(p);
  for (const auto& l : lookalikes)
    if (suffix == l.suffix) return &l;
  return nullptr;
}

namespace {

void add(std::vector<mx_diagnosis>& out, code c, std::size_t off, std::string msg) {
  out.push_back({c, off, std::move(msg)});
}

/** Why a value holding ':' (or brackets) is not a host name: a URL, a port, an address literal. */
std::string colon_problem(std::string_view value) {
  const std::size_t scheme = value.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view host = value.substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/:?#"));
    std::string msg = "mx value " + quote(value) + " is written as a URL; a pattern is a host name alone";
    if (!host.empty()) msg += ", such as " + quote(host);
    return msg;
  }
  if (value.front() == '[' || value.find("::") != std::string_view::npos ||
      value.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos)
    return "mx value " + quote(value) + " is an address literal; MX records and patterns name hosts";
  const std::size_t colon = value.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < value.size() &&
      value.find_first_not_of("0123456789", colon + 1) == std::string_view::npos)
    return "mx value " + quote(value) + " has a port (" + quote(value.substr(colon)) +
           "); a pattern is a host name alone, and senders always use port 25";
  return "mx value " + quote(value) + " contains ':'; host names are letters, digits and hyphens";
}

/** `Domain` at value[base...] (a trailing dot already removed); on error appends one diagnosis. */
bool check_domain(std::string_view value, std::string_view d, std::size_t base, std::vector<mx_diagnosis>& out) {
  using p = name_scan::problem;
  const name_scan s = scan_name(d, name_grammar::host);
  switch (s.what) {
    case p::ok:
      return true;
    case p::empty:
      add(out, code::policy_mx_invalid, base, "mx value " + quote(value) + " has no host name");
      return false;
    case p::empty_label:
      add(out, code::policy_mx_invalid, base + s.offset,
          "mx value " + quote(value) + " has an empty label (two dots in a row, or a dot at the start)");
      return false;
    case p::label_too_long:
      add(out, code::policy_mx_invalid, base + s.offset,
          "mx label " + quote(label_at(d, s.offset), 20) + " is " + std::to_string(s.length) +
              " characters long; DNS labels have at most 63");
      return false;
    case p::too_long:
      add(out, code::policy_mx_invalid, base,
          "mx value is " + std::to_string(s.length) +
              " characters long; a DNS host name has at most 253, so it can never match an MX host");
      return false;
    case p::hyphen_edge: {
      const std::string_view label = label_at(d, s.offset);
      add(out, code::policy_mx_invalid, base + s.offset,
          "mx label " + quote(label) + " " + (label.substr(0, 1) == "-" && s.offset == d.find(label) ? "starts" : "ends") +
              " with a hyphen, which RFC 5321 host names do not allow");
      return false;
    }
    case p::non_ascii:
    case p::bad_char: {
      const char c = d[s.offset];
      const std::string what = c == '_' ? std::string("an underscore") : "the character " + quote(std::string_view(&c, 1));
      add(out, code::policy_mx_invalid, base + s.offset,
          "mx value " + quote(value) + " contains " + what + "; host names are letters, digits and hyphens");
      return false;
    }
  }
  return false;
}

/** All labels numeric: an IPv4 address, or a name shaped like one (`1.2.3.4`, and the suffix of `*.1.2.3.4`). */
bool address_shaped(std::string_view d, bool wildcard) noexcept {
  if (looks_like_ipv4(d)) return true;
  if (!wildcard) return false;
  // "*.2.3.4" covers the name "1.2.3.4".
  std::string probe = "0.";
  probe.append(d);
  return looks_like_ipv4(probe);
}

}  // namespace

bool check_mx_value(std::string_view value, std::vector<mx_diagnosis>& out, std::string* a_label) {
  if (value.empty()) {
    add(out, code::policy_mx_invalid, 0, "mx has an empty value");
    return false;
  }
  // One pass for the characters that rule the value out before its labels are
  // read; each kind is reported at its first occurrence, in this order.
  constexpr std::size_t none = std::string_view::npos;
  std::size_t list_at = none, non_ascii_at = none, colon_at = none;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (is_alnum(c) || c == '.' || c == '-') continue;
    if ((c == ',' || is_wsp(c)) && list_at == none) list_at = i;
    else if (static_cast<unsigned char>(c) >= 0x80 && non_ascii_at == none) non_ascii_at = i;
    else if ((c == '[' || c == ']' || c == ':') && colon_at == none) colon_at = i;
  }
  if (list_at != none) {
    add(out, code::policy_mx_list, list_at,
        "mx value " + quote(value) + " holds more than one name; each pattern needs its own mx line");
    return false;
  }
  if (non_ascii_at != none) {
    // RFC 8461 §3.2: the pattern is ASCII; senders compare A-labels (idna.h: encoded as written, no UTS #46 mapping).
    const a_label_form form = to_a_labels(value);
    std::vector<mx_diagnosis> again;
    const bool usable = !form.name.empty() && check_mx_value(form.name, again) && again.empty();
    std::string msg = "mx value " + quote(value) + " is written with U-labels (non-ASCII characters); RFC 8461 asks for "
                      "A-labels, the form MX hosts have in DNS, and a sender comparing names as written never matches it. ";
    if (usable) {
      msg += "Write its A-label form instead: " + quote(form.name) +
             " (Punycode of the name as written; if your registrar shows another xn-- form, use that)";
      if (a_label) *a_label = form.name;
    } else if (!form.problem.empty()) {
      msg += "Its A-label form cannot be given here: " + form.problem +
             ". Write the xn-- form your registrar shows (or that `idn2` prints) for the lower-case, composed name";
    } else if (!form.name.empty() && !again.empty()) {
      msg += "Its A-label form would not be a valid pattern either: " + again.front().message;
    } else {
      msg += "Its characters are not well-formed UTF-8, so it has no A-label form";
    }
    add(out, code::policy_mx_u_label, non_ascii_at, std::move(msg));
    return false;
  }
  if (colon_at != none) {
    add(out, code::policy_mx_invalid, colon_at, colon_problem(value));
    return false;
  }
  if (value.find_first_not_of('.') == std::string_view::npos) {
    add(out, code::policy_mx_invalid, 0,
        "mx value " + quote(value) + " names no host (a lone dot is the DNS root)");
    return false;
  }
  std::size_t base = 0;
  if (value.size() >= 2 && value[0] == '*' && value[1] == '.') base = 2;
  const std::size_t star = value.find('*', base);
  if (star != std::string_view::npos) {
    add(out, code::policy_mx_wildcard_invalid, star,
        "mx value " + quote(value) + " uses '*' other than as the whole left-most label followed by a dot");
    return false;
  }
  if (value[0] == '.') {
    add(out, code::policy_mx_wildcard_invalid, 0,
        "mx value " + quote(value) + " starts with a dot (Postfix-style suffix); MTA-STS writes the wildcard as *." +
            std::string(value.substr(1)));
    return false;
  }
  std::string_view domain = value.substr(base);
  bool trailing_dot = false;
  if (domain.size() > 1 && domain.back() == '.') {
    domain.remove_suffix(1);
    trailing_dot = true;
  }
  if (!check_domain(value, domain, base, out)) return false;
  if (trailing_dot) {
    // D9 of docs/SENDERS.md.
    add(out, code::policy_mx_trailing_dot, value.size() - 1,
        "mx value " + quote(value) +
            " ends with a dot, which the grammar does not allow: mox rejects the policy, Stalwart, mailauth and "
            "KumoMTA keep the dot and never match an MX host with it (so enforce mode fails delivery), "
            "go-mtasts (maddy) and chasquid strip it");
    return false;
  }
  if (address_shaped(domain, base == 2))
    add(out, code::policy_mx_ip_literal, 0,
        "mx value " + quote(value) + (base == 2 ? " covers names shaped like IPv4 addresses" : " is an IPv4 address") +
            "; it is a valid name to the grammar but no MX host is ever named by an address, so it matches nothing");
  return true;
}

}  // namespace mtasts::detail
