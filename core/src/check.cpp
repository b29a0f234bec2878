/**
 * @file check.cpp
 * @brief The domain check (check.h): from the options and the observations
 *        so far, the requests still needed and the report.
 *
 * run() recomputes everything from scratch on each observation. The inputs
 * are small (a dozen DNS messages, one policy of at most 64 KB), so this
 * costs well under a millisecond for a typical domain, and it keeps the
 * engine free of hidden state: the same observations always give the same
 * report, whichever order they came in.
 */
#include "mtasts/check.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "domain.h"
#include "mtasts/grade.h"
#include "mtasts/mx_match.h"
#include "mtasts/records.h"
#include "text.h"

namespace mtasts::check {
namespace {

using dns::rr_type;
using namespace mtasts::detail;

constexpr std::size_t max_cname_hops = 8;
constexpr std::string_view sts_prefix = "v=STSv1;";
constexpr std::string_view tlsrpt_prefix = "v=TLSRPTv1;";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool istarts_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && iequals(s.substr(0, p.size()), p); }

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string seconds_text(double ms) {
  const auto tenths = static_cast<long long>(ms / 100.0 + 0.5);  // 300 ms: "0.3 s", not "0 s"
  if (tenths % 10 == 0 || tenths >= 100) return std::to_string((tenths + 5) / 10) + " s";
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::string list_names(const std::vector<std::string>& names, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > max) out += ", and " + std::to_string(names.size() - max) + " more";
  return out;
}

/** Names of the Extended DNS Error codes (RFC 8914 §4, IANA). */
std::string_view ede_name(std::uint16_t code) {
  static constexpr std::string_view names[] = {
      "Other Error", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type", "Stale Answer",
      "Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus", "Signature Expired",
      "Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing", "No Zone Key Bit Set",
      "NSEC Missing", "Cached Error", "Not Ready", "Blocked", "Censored", "Filtered", "Prohibited",
      "Stale NXDomain Answer", "Not Authoritative", "Not Supported", "No Reachable Authority",
      "Network Error", "Invalid Data"};
  return code < std::size(names) ? names[code] : "unassigned code";
}

/** Codes that say the check could not observe something: never held against the domain. */
bool unobserved_code(code c) {
  switch (c) {
    case code::dns_query_servfail:
    case code::dns_query_rcode:
    case code::dns_query_timeout:
    case code::dns_query_failed:
    case code::dns_query_malformed:
    case code::policy_fetch_cors_blocked:
    case code::policy_fetch_timeout:
    case code::check_aborted:
    case code::policy_fetch_failed:
    case code::dns_query_too_large:
    case code::check_deadline:
    case code::mx_hosts_capped:
      return true;
    default:
      return false;
  }
}

/** The outcome of resolving one name and type, CNAME chases included. */
struct lookup {
  enum class state : std::uint8_t { pending, records, nodata, nxdomain, failed, loop };
  state st = state::pending;
  std::string name;                  ///< the name asked
  std::vector<dns::record> records;  ///< of the type asked, owned by the last alias (or the name)
  std::vector<std::string> aliases;  ///< CNAME targets, in order
  bool ad = true;                    ///< every response on the way had AD set
  std::optional<finding> failure;    ///< failed or loop: why
  bool settled() const { return st != state::pending; }
  bool exists() const { return st == state::records || st == state::nodata; }
};

/** The joined text of a TXT record (RFC 8461 §3.1, RFC 8460 §3: no separator). */
std::string joined(const dns::record& rr) {
  std::string out;
  if (const auto* t = std::get_if<dns::txt_data>(&rr.data))
    for (const auto& s : t->strings) out += s;
  return out;
}
std::vector<std::string> strings_of(const dns::record& rr) {
  if (const auto* t = std::get_if<dns::txt_data>(&rr.data)) return t->strings;
  return {};
}

/**
 * The TXT records at a name, sorted the way RFC 8461 §3.1 and RFC 8460 §3
 * sort them: when several come back, those not starting with `prefix`
 * ("v=STSv1;") are discarded; a lone record that starts like one
 * (`near_prefix`, any case) is parsed as it is, and the lint says when
 * senders that always filter would discard it (erratum 6285).
 */
struct txt_sort {
  std::vector<std::string> texts;  ///< every record, strings joined
  std::vector<const dns::record*> candidates, near, others;
};
txt_sort sort_txt(const std::vector<dns::record>& records, std::string_view prefix, std::string_view near_prefix) {
  txt_sort out;
  const bool lone = records.size() == 1;
  for (const auto& rr : records) {
    std::string text = joined(rr);
    const bool near = istarts_with(text, near_prefix);
    if (starts_with(text, prefix) || (lone && near)) out.candidates.push_back(&rr);
    else if (near) out.near.push_back(&rr);
    else out.others.push_back(&rr);
    out.texts.push_back(std::move(text));
  }
  return out;
}

/** The media type of a Content-Type value, lower case, without parameters. */
std::string media_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view mt = ct.substr(0, semi);
  while (!mt.empty() && is_wsp(mt.front())) mt.remove_prefix(1);
  while (!mt.empty() && is_wsp(mt.back())) mt.remove_suffix(1);
  return lower(mt);
}
/** The charset parameter, lower case and unquoted; empty when absent. */
std::string charset_of(std::string_view ct) {
  std::string l = lower(ct);
  auto pos = l.find("charset=");
  if (pos == std::string::npos) return {};
  std::string v = l.substr(pos + 8);
  v = v.substr(0, v.find(';'));
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '"' || is_wsp(c); }), v.end());
  return v;
}

/** Why `d` (lower case, no trailing dot) is not a domain name to check; empty if it is. */
std::string domain_problem(std::string_view d, std::string_view input) {
  if (d.empty()) return "Nothing to check: type a domain name such as example.com.";
  for (char c : input) {
    if (c == '/' || c == ':' || c == '@' || c == '?' || c == '#' || c == ' ' || c == '\\')
      return "Not a domain name: " + quote(input) + " holds " +
             (c == ' ' ? std::string("a space") : "'" + std::string(1, c) + "'") +
             ". Type the domain alone, such as example.com (no scheme, path, port or mailbox).";
  }
  // 242 octets leave room for the longest name queried, _smtp._tls.<domain>, in 253.
  if (d.size() > 242) return "Not a domain name to check: " + std::to_string(d.size()) +
                             " characters, more than the 242 that leave room for _smtp._tls.<domain>.";
  std::size_t labels = 0;
  std::size_t start = 0;
  bool all_numeric_last = false;
  while (start <= d.size()) {
    std::size_t dot = d.find('.', start);
    if (dot == std::string_view::npos) dot = d.size();
    std::string_view label = d.substr(start, dot - start);
    ++labels;
    if (label.empty()) return "Not a domain name: " + quote(input) + " has an empty label (two dots in a row, or a leading dot).";
    if (label.size() > 63) return "Not a domain name: a label of " + std::to_string(label.size()) + " characters (at most 63).";
    for (char c : label) {
      if (static_cast<unsigned char>(c) >= 0x80)
        return "Not a domain name in A-label form: " + quote(input) +
               " holds non-ASCII characters that could not be converted to xn-- labels.";
      if (!is_alnum(c) && c != '-')
        return "Not a domain name: " + quote(input) + " holds " + quote(std::string_view(&c, 1)) +
               "; a host name has letters, digits and hyphens only.";
    }
    if (label.front() == '-' || label.back() == '-')
      return "Not a domain name: the label " + quote(label) + " starts or ends with a hyphen.";
    all_numeric_last = std::all_of(label.begin(), label.end(), [](char c) { return is_digit(c); });
    start = dot + 1;
  }
  if (looks_like_ipv4(d) || all_numeric_last)
    return "Not a domain name: " + quote(input) + " is an IP address (or ends in a numeric label); MTA-STS applies to mail domains.";
  if (labels < 2) return "Not a mail domain: " + quote(input) + " is a single label; type the full domain, such as example.com.";
  return {};
}

class runner {
 public:
  runner(const options& o, const std::vector<observation>& obs, std::vector<request>& reqs, report& rep)
      : opt_(o), obs_(obs), reqs_(reqs), rep_(rep) {}

  void run();

 private:
  const observation* find(std::string_view id) const {
    // The last observation for an id wins (a host may retry).
    for (auto it = obs_.rbegin(); it != obs_.rend(); ++it)
      if (it->id == id) return &*it;
    return nullptr;
  }
  void need_dns(const std::string& id, const std::string& name, rr_type type) {
    for (const auto& r : reqs_) if (r.id == id) return;
    dns::query_options qo;
    qo.edns = true;  // for Extended DNS Errors (RFC 8914) with SERVFAIL
    auto q = dns::encode_query(name, type, qo);
    request r;
    r.id = id;
    r.kind = request_kind::dns;
    r.name = name;
    r.type = type;
    r.wire = std::move(q.bytes);
    reqs_.push_back(std::move(r));
  }
  void need_policy() {
    for (const auto& r : reqs_) if (r.id == "policy") return;
    request r;
    r.id = "policy";
    r.kind = request_kind::policy;
    r.url = policy_url();
    reqs_.push_back(std::move(r));
  }
  std::string policy_url() const { return "https://mta-sts." + domain_ + "/.well-known/mta-sts.txt"; }

  lookup resolve(const std::string& name, rr_type type);
  finding failure_of(const observation& o, const std::string& what) const;
  /** Why something was not observed when the host stopped the check: its signal, or the overall deadline. */
  finding stopped(const std::string& before) const {
    if (opt_.deadline)
      return finding{code::check_deadline, "The check reached its overall limit of " +
                                               seconds_text(opt_.total_timeout_ms) + " before " + before + "."};
    return finding{code::check_aborted, "The check was stopped before " + before + "."};
  }

  void check_sts(const lookup& l);
  void check_policy_fetch(const lookup& a, const lookup& aaaa);
  void check_policy();
  void check_mx(const lookup& l);
  void check_tlsrpt(const lookup& l);
  void check_dane(const lookup& mx);
  void finish();

  check_result& add_check(std::string id, std::string title) {
    check_result c;
    c.id = std::move(id);
    c.title = std::move(title);
    rep_.checks.push_back(std::move(c));
    return rep_.checks.back();
  }
  static void add(check_result& c, code k, std::string msg, std::uint32_t line = 0, std::uint32_t col = 0) {
    c.findings.push_back(finding{k, std::move(msg), line, col});
  }
  /** Status from the findings: fail on an error, warn on a warning, else `otherwise`. */
  static status from_findings(const check_result& c, status otherwise) {
    bool warn = false;
    for (const auto& f : c.findings) {
      if (unobserved_code(f.code)) continue;
      const auto s = code_severity(f.code);
      if (s == severity::error) return status::fail;
      if (s == severity::warning) warn = true;
    }
    return warn ? status::warn : otherwise;
  }
  /** A lookup that could not be observed: the check is pending or unknown. Returns true if so. */
  bool unsettled(check_result& c, const lookup& l, std::string_view what) {
    if (l.st == lookup::state::pending) {
      c.status = status::pending;
      c.summary = "Looking up " + std::string(what) + ".";
      return true;
    }
    if (l.st == lookup::state::failed) {
      c.status = status::unknown;
      c.summary = "Could not look up " + std::string(what) + "; nothing is known about it.";
      if (l.failure) c.findings.push_back(*l.failure);
      return true;
    }
    return false;
  }

  const options& opt_;
  const std::vector<observation>& obs_;
  std::vector<request>& reqs_;
  report& rep_;
  std::string domain_;
  grade_facts facts_;

  // What one check tells the next.
  std::optional<policy_result> lint_;  // the policy's lint, when there is a text
  bool policy_unknown_ = false;        // the policy was not observed (pending or unknown)
  bool policy_pending_ = false;
  bool mx_null_ = false;
  bool mx_known_ = false;
  std::size_t mx_total_ = 0;  // MX hosts published (rep_.mx keeps the first max_mx_hosts)
};

lookup runner::resolve(const std::string& name, rr_type type) {
  lookup out;
  out.name = name;
  std::set<std::string> seen;
  std::string current = name;
  for (std::size_t hop = 0; hop <= max_cname_hops; ++hop) {
    seen.insert(lower(current));
    if (auto q = dns::encode_query(current, type); !q.ok()) {
      // Only a name from DNS can get here (an MX host, a CNAME target): say so, ask nothing.
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_failed, dns::type_name(type) + " " + quote(current, 80) +
                                                        " cannot be asked: " + q.error + "."};
      return out;
    }
    const std::string id = "dns:" + dns::type_name(type) + ":" + lower(current);
    need_dns(id, current, type);
    const observation* o = find(id);
    const std::string what = dns::type_name(type) + " " + current;
    if (o == nullptr) {
      if (opt_.aborted) {
        out.st = lookup::state::failed;
        out.failure = stopped("the answer to " + what + " arrived");
      }
      return out;
    }
    if (o->kind != observation_kind::answer) {
      out.st = lookup::state::failed;
      out.failure = failure_of(*o, what);
      return out;
    }
    if (o->truncated) {
      // The host stopped reading at the largest size a DNS message can have.
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_too_large,
                            "The resolver's answer to " + what + " is larger than 65,535 bytes, the most a DNS message "
                            "can hold (RFC 1035 §4.2.2, RFC 8484 §6); it was not read, so nothing is known about this name."};
      return out;
    }
    auto decoded = dns::decode(reinterpret_cast<const std::uint8_t*>(o->bytes.data()), o->bytes.size());
    if (!decoded.msg) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_malformed,
                            "The resolver's answer to " + what + " is not a valid DNS message (" +
                                (decoded.findings.empty() ? std::string("unreadable") : decoded.findings.front().message) +
                                "), so nothing is known about this name."};
      return out;
    }
    const dns::message& m = *decoded.msg;
    auto mismatch = dns::check_response(m, dns::question{current, type, dns::class_in});
    if (!mismatch.empty()) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_malformed,
                            "The resolver's answer to " + what + " does not answer that query (" +
                                mismatch.front().message + "), so it was not used."};
      return out;
    }
    if (m.tc) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_malformed,
                            "The resolver's answer to " + what + " is truncated (TC set), which a DNS-over-HTTPS answer must never be; it was not used."};
      return out;
    }
    out.ad = out.ad && m.ad;
    if (m.rcode == dns::rcode::servfail) {
      std::string ede;
      if (m.edns)
        for (const auto& e : m.edns->extended_errors) {
          ede += ede.empty() ? " (" : "; ";
          ede += "Extended DNS Error " + std::to_string(e.info_code) + ": " + std::string(ede_name(e.info_code));
          if (!e.extra_text.empty()) ede += ", " + quote(e.extra_text);
        }
      if (!ede.empty()) ede += ")";
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_servfail,
                            "The resolver answered SERVFAIL for " + what + ede +
                                ": it could not get an answer from the domain's name servers, or the answer failed DNSSEC validation."};
      return out;
    }
    auto fa = dns::follow_answer(m, current, type);
    for (auto& a : fa.aliases) out.aliases.push_back(a);
    if (!fa.findings.empty()) {
      out.st = lookup::state::loop;
      out.failure = fa.findings.front();
      return out;
    }
    if (m.rcode == dns::rcode::nxdomain) {
      out.st = lookup::state::nxdomain;
      return out;
    }
    if (m.rcode != dns::rcode::noerror) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_rcode, "The resolver answered " + dns::rcode_name(m.rcode) + " for " + what +
                                                       " instead of an answer, so nothing is known about this name."};
      return out;
    }
    if (!fa.records.empty()) {
      out.st = lookup::state::records;
      out.records = std::move(fa.records);
      return out;
    }
    if (fa.aliases.empty()) {
      out.st = lookup::state::nodata;
      return out;
    }
    // The resolver stopped at a CNAME: ask for its target (RFC 1034 §3.6.2).
    current = fa.aliases.back();
    if (seen.count(lower(current)) != 0) break;
  }
  out.st = lookup::state::loop;
  out.failure = finding{code::dns_answer_cname_loop,
                        "The CNAME chain from " + name + " (" + list_names(out.aliases, 10) +
                            ") loops or is longer than " + std::to_string(max_cname_hops) +
                            " links, so it resolves to nothing."};
  return out;
}

finding runner::failure_of(const observation& o, const std::string& what) const {
  switch (o.kind) {
    case observation_kind::http_error: {
      std::string msg = "The resolver answered HTTP " + std::to_string(o.status) + " to the query for " + what;
      if (o.content_type) msg += " (Content-Type " + quote(*o.content_type) + ")";
      if (!o.message.empty()) msg += ": " + quote(o.message, 120);
      return finding{code::dns_query_failed, msg + ". Nothing is known about this name."};
    }
    case observation_kind::timeout:
      return finding{code::dns_query_timeout, "The resolver did not answer the query for " + what + " within " +
                                                  seconds_text(opt_.dns_timeout_ms) + "."};
    case observation_kind::aborted:
      return stopped("the answer to " + what + " arrived");
    case observation_kind::network_error:
      if (o.status != 0)  // the headers came; the body broke off
        return finding{code::dns_query_failed, "The resolver answered HTTP " + std::to_string(o.status) + " to the query for " +
                                                   what + ", but the answer broke off before it was read" +
                                                   (o.message.empty() ? std::string() : " (" + quote(o.message, 120) + ")") +
                                                   ". Nothing is known about this name."};
      return finding{code::dns_query_failed, "The resolver could not be reached for " + what +
                                                 (o.message.empty() ? std::string() : " (" + quote(o.message, 120) + ")") +
                                                 ": the network, the resolver URL, or the resolver's CORS policy."};
    default:
      return finding{code::dns_query_malformed, "The host reported an observation of the wrong kind for " + what + "."};
  }
}

void runner::run() {
  rep_ = report{};
  rep_.input = opt_.input;
  rep_.resolver = opt_.resolver;
  std::string d = lower(opt_.domain.empty() ? opt_.input : opt_.domain);
  // Trim what users paste around a domain, and one trailing dot.
  while (!d.empty() && is_wsp(d.front())) d.erase(0, 1);
  while (!d.empty() && is_wsp(d.back())) d.pop_back();
  if (!d.empty() && d.back() == '.') d.pop_back();
  std::string raw = opt_.input;
  while (!raw.empty() && is_wsp(raw.front())) raw.erase(0, 1);
  while (!raw.empty() && is_wsp(raw.back())) raw.pop_back();
  domain_ = d;
  rep_.domain = d;

  if (auto why = domain_problem(d, opt_.domain.empty() ? raw : d); !why.empty()) {
    rep_.domain_findings.push_back(finding{code::domain_invalid, why});
    rep_.grade_reason = "No grade: " + why;
    rep_.complete = true;
    return;
  }
  {
    std::string plain = lower(raw);
    if (!plain.empty() && plain.back() == '.') plain.pop_back();
    if (plain != d)
      rep_.domain_findings.push_back(
          finding{code::domain_idn, "Checked as " + d + ", the A-label (ASCII) form of " + quote(raw) +
                                        ", which is what DNS, senders and the policy use."});
  }

  // The first wave: every independent request at once.
  lookup mx = resolve(d, rr_type::mx);
  lookup sts = resolve("_mta-sts." + d, rr_type::txt);
  lookup rpt = resolve("_smtp._tls." + d, rr_type::txt);
  lookup a = resolve("mta-sts." + d, rr_type::a);
  lookup aaaa = resolve("mta-sts." + d, rr_type::aaaa);
  need_policy();

  check_sts(sts);
  check_policy_fetch(a, aaaa);
  check_policy();
  check_mx(mx);
  check_tlsrpt(rpt);
  check_dane(mx);
  finish();
}

void runner::check_sts(const lookup& l) {
  auto& c = add_check("sts", "MTA-STS TXT record");
  const std::string where = "_mta-sts." + domain_;
  if (unsettled(c, l, "TXT " + where)) return;
  if (l.st == lookup::state::loop) {
    c.findings.push_back(*l.failure);
    c.status = status::fail;
    c.summary = "The CNAME at " + where + " leads nowhere, so senders find no record.";
    facts_.sts = grade_facts::sts_state::missing;
    return;
  }
  sts_info info;
  info.aliases = l.aliases;
  info.ad = l.ad;
  if (!l.aliases.empty())
    add(c, code::sts_dns_cname,
        where + " is a CNAME to " + l.aliases.back() +
            (l.aliases.size() > 1 ? " (through " + plural(l.aliases.size(), "link", "links") + ")" : "") +
            ": the record is delegated there, and senders follow the alias.");
  if (l.st == lookup::state::nxdomain || l.st == lookup::state::nodata) {
    add(c, code::sts_dns_missing,
        l.st == lookup::state::nxdomain
            ? "There is no TXT record at " + where + ": the name does not exist (NXDOMAIN), so senders see no MTA-STS."
            : "There is no TXT record at " + where + ": the name exists but has no TXT record (NODATA), so senders see no MTA-STS.");
    facts_.sts = grade_facts::sts_state::missing;
    c.status = status::fail;
    c.summary = "No _mta-sts TXT record.";
    rep_.sts = std::move(info);
    return;
  }
  auto sorted = sort_txt(l.records, sts_prefix, "v=stsv1");
  info.records = std::move(sorted.texts);
  const auto& candidates = sorted.candidates;
  const auto& near = sorted.near;
  const auto& others = sorted.others;
  if (!others.empty()) {
    std::vector<std::string> shown;
    for (const auto* rr : others) shown.push_back(quote(joined(*rr), 40));
    add(c, code::sts_dns_discarded,
        "Ignored " + plural(others.size(), "other TXT record", "other TXT records") + " at " + where +
            (others.size() == 1 ? " that does" : " that do") + " not start with v=STSv1; (" + list_names(shown, 3) + "), as senders do.");
  }
  for (const auto* rr : near)
    add(c, code::sts_dns_near_miss,
        "The TXT record " + quote(joined(*rr)) + " looks like an MTA-STS record but does not start with exactly " +
            "v=STSv1; so senders discard it.");
  if (candidates.empty()) {
    add(c, code::sts_dns_missing,
        "None of the " + plural(l.records.size(), "TXT record", "TXT records") + " at " + where +
            " starts with v=STSv1;, so senders see no MTA-STS.");
    if (!near.empty()) {
      // Show why the near miss fails, with positions in its text.
      auto lr = lint_sts_record(strings_of(*near.front()));
      for (auto& f : lr.findings) c.findings.push_back(std::move(f));
    }
    facts_.sts = grade_facts::sts_state::missing;
    c.status = status::fail;
    c.summary = near.empty() ? "No _mta-sts TXT record starts with v=STSv1;." : "The _mta-sts record does not start with exactly v=STSv1;.";
    rep_.sts = std::move(info);
    return;
  }
  if (candidates.size() > 1) {
    std::vector<std::string> shown;
    for (const auto* rr : candidates) shown.push_back(quote(joined(*rr), 50));
    add(c, code::sts_dns_multiple,
        "There are " + std::to_string(candidates.size()) + " TXT records starting with v=STSv1; at " + where + " (" +
            list_names(shown, 4) + "); senders require exactly one and treat this as no MTA-STS.");
    facts_.sts = grade_facts::sts_state::multiple;
    c.status = status::fail;
    c.summary = std::to_string(candidates.size()) + " MTA-STS records where exactly one is allowed.";
    rep_.sts = std::move(info);
    return;
  }
  info.record = joined(*candidates.front());
  auto lr = lint_sts_record(strings_of(*candidates.front()));
  for (auto& f : lr.findings) c.findings.push_back(std::move(f));
  if (lr.valid && lr.record) {
    info.id = lr.record->id;
    facts_.sts = grade_facts::sts_state::valid;
    c.status = from_findings(c, status::pass);
    c.summary = "One valid record: " + quote(*info.record, 80) + ".";
  } else {
    facts_.sts = grade_facts::sts_state::invalid;
    c.status = status::fail;
    c.summary = "The record " + quote(*info.record, 80) + " is invalid, so senders treat it as absent.";
  }
  rep_.sts = std::move(info);
}

void runner::check_policy_fetch(const lookup& a, const lookup& aaaa) {
  auto& c = add_check("policy_fetch", "Policy file over HTTPS");
  const std::string url = policy_url();
  const std::string host = "mta-sts." + domain_;
  const observation* o = find("policy");
  using ps = grade_facts::policy_state;
  auto use_pasted = [&](std::string_view why) {
    policy_info p;
    p.source = policy_info::source::pasted;
    p.url = url;
    p.text = *opt_.pasted_policy;
    p.size = p.text.size();
    rep_.policy = std::move(p);
    add(c, code::policy_fetch_pasted,
        "The policy checked is the text you pasted (" + plural(opt_.pasted_policy->size(), "byte", "bytes") +
            "), because " + std::string(why) +
            ". Its HTTP status and Content-Type were not observed; the grade assumes 200 and text/plain.");
    facts_.content_type_ok = tri::yes;
  };
  if (o == nullptr) {
    if (opt_.aborted) {
      c.findings.push_back(stopped(url + " answered"));
      c.status = status::unknown;
      c.summary = "Stopped before the policy host answered.";
      policy_unknown_ = true;
    } else {
      c.status = status::pending;
      c.summary = "Fetching " + url + ".";
      policy_pending_ = policy_unknown_ = true;
    }
    return;
  }
  const bool relay = o->via_relay;
  switch (o->kind) {
    case observation_kind::response: {
      if (relay)
        add(c, code::policy_fetch_relay,
            "The browser may not read " + url + " (no CORS header), so it was fetched through your relay" +
                (o->message.empty() ? std::string() : " " + quote(o->message, 100)) +
                "; what follows is what the relay reported.");
      if (o->status != 200) {
        add(c, code::policy_fetch_status,
            url + " answered HTTP " + std::to_string(o->status) + (o->status >= 200 && o->status < 300 ? "" : "") +
                ", not 200; senders accept only 200, so they find no policy.");
        facts_.policy = ps::bad_status;
        c.status = status::fail;
        c.summary = "HTTP " + std::to_string(o->status) + " instead of 200.";
        return;
      }
      if (o->truncated) {
        add(c, code::policy_fetch_too_large,
            url + " sent more than 65,536 bytes (reading stopped there); senders stop at 64 KB and reject it.");
        facts_.policy = ps::too_large;
        c.status = status::fail;
        c.summary = "The body is over 64 KB.";
        return;
      }
      policy_info p;
      p.source = relay ? policy_info::source::relay : policy_info::source::fetched;
      p.url = url;
      p.status = o->status;
      p.content_type = o->content_type;
      p.size = o->bytes.size();
      p.text = o->bytes;
      if (!o->content_type) {
        add(c, code::policy_fetch_content_type,
            url + " was served without a Content-Type header; senders that check it expect text/plain.");
        facts_.content_type_ok = tri::no;
      } else if (media_type(*o->content_type) != "text/plain") {
        std::string body_hint;
        std::string_view b = o->bytes;
        while (!b.empty() && (is_wsp(b.front()) || b.front() == '\r' || b.front() == '\n')) b.remove_prefix(1);
        if (!b.empty() && b.front() == '<') body_hint = "; the body looks like an HTML page, not a policy";
        add(c, code::policy_fetch_content_type,
            url + " was served as " + quote(*o->content_type) + ", not text/plain" + body_hint +
                ". Senders that check the media type reject it.");
        facts_.content_type_ok = tri::no;
      } else {
        facts_.content_type_ok = tri::yes;
        const std::string cs = charset_of(*o->content_type);
        if (!cs.empty() && cs != "utf-8" && cs != "us-ascii")
          add(c, code::policy_fetch_charset,
              "The Content-Type names charset " + quote(cs) + "; senders read the file as UTF-8 or US-ASCII whatever it says.");
      }
      rep_.policy = std::move(p);
      c.status = from_findings(c, status::pass);
      c.summary = "HTTP 200, " + (o->content_type ? quote(*o->content_type) : std::string("no Content-Type")) + ", " +
                  plural(o->bytes.size(), "byte", "bytes") + (relay ? ", through your relay." : ".");
      return;
    }
    case observation_kind::redirect:
      add(c, code::policy_fetch_redirect,
          url + (o->status != 0 ? " answered with a redirect (HTTP " + std::to_string(o->status) + ")"
                                : " answered with a redirect (the browser hides its status and target)") +
              (relay ? " through your relay" : "") + "; senders must not follow redirects, so they find no policy.");
      facts_.policy = ps::redirect;
      c.status = status::fail;
      c.summary = "The policy URL redirects.";
      return;
    case observation_kind::cors_blocked: {
      std::string msg = url + " answered over HTTPS with a certificate this browser trusts, but without an "
                              "Access-Control-Allow-Origin header, so the browser may not read the policy.";
      if (!o->relay_failure.empty()) msg += " Your relay failed as well (" + quote(o->relay_failure, 120) + ").";
      add(c, code::policy_fetch_cors_blocked, msg);
      c.status = status::unknown;
      if (opt_.pasted_policy) {
        // The pasted text completes the check (the fetch itself stays unobserved, and says so).
        c.status = status::info;
        use_pasted("the browser may not read the policy host's answer");
        c.summary = "Reachable, but not readable from the browser; the pasted policy is checked instead.";
      } else {
        c.summary = "Reachable over HTTPS, but the browser may not read it (CORS): could not verify from the browser.";
        policy_unknown_ = true;
      }
      return;
    }
    case observation_kind::timeout:
      add(c, code::policy_fetch_timeout,
          url + " did not answer within " + seconds_text(opt_.policy_timeout_ms) +
              "; the check cannot tell a slow server from a slow network. Senders wait about a minute.");
      c.status = status::unknown;
      if (opt_.pasted_policy) {
        c.status = status::info;
        use_pasted("the policy host did not answer in time");
        c.summary = "No answer in time; the pasted policy is checked instead.";
      } else {
        c.summary = "No answer within " + seconds_text(opt_.policy_timeout_ms) + ".";
        policy_unknown_ = true;
      }
      return;
    case observation_kind::aborted:
      c.findings.push_back(stopped(url + " answered"));
      c.status = status::unknown;
      c.summary = "Stopped before the policy host answered.";
      policy_unknown_ = true;
      return;
    case observation_kind::unreachable: {
      if (o->status != 0) {
        // The headers came (the connection and the certificate were fine); the body broke off.
        add(c, code::policy_fetch_unreachable,
            url + " answered HTTP " + std::to_string(o->status) + ", but the connection broke before the body was read" +
                (o->message.empty() ? std::string() : " (the browser said " + quote(o->message, 80) + ")") +
                ", so there is no policy to check. Senders that lose the body have no policy either; if it happens "
                "again, look at the web server's logs and at any proxy in front of it.");
        facts_.policy = ps::unreachable;
        c.status = status::fail;
        c.summary = "The policy host answered, but the body broke off.";
        return;
      }
      if (!a.settled() || !aaaa.settled()) {
        if (opt_.aborted) {
          c.findings.push_back(stopped("the address of " + host + " was known"));
          c.status = status::unknown;
          policy_unknown_ = true;
          return;
        }
        c.status = status::pending;
        c.summary = "The HTTPS request failed; looking up " + host + " to tell why.";
        policy_pending_ = policy_unknown_ = true;
        return;
      }
      std::vector<std::string> addrs;
      for (const lookup* l : {&a, &aaaa})
        for (const auto& rr : l->records)
          if (const auto* ad = std::get_if<dns::address_data>(&rr.data)) addrs.push_back(ad->address);
      const std::string why = o->message.empty() ? std::string() : " (the browser said " + quote(o->message, 80) + ")";
      if (!addrs.empty()) {
        add(c, code::policy_fetch_unreachable,
            host + " resolves (" + list_names(addrs, 3) + "), but no HTTPS connection to it succeeded" + why +
                ": its certificate is not trusted, has expired or does not name " + host +
                ", or nothing answers on port 443. A browser cannot tell which; senders fail the same way.");
        facts_.policy = ps::unreachable;
      } else if (a.st == lookup::state::nxdomain && aaaa.st == lookup::state::nxdomain) {
        add(c, code::policy_host_missing,
            host + " does not exist (NXDOMAIN), so there is no policy to fetch from " + url + ".");
        facts_.policy = ps::host_missing;
      } else if (a.st == lookup::state::nxdomain || aaaa.st == lookup::state::nxdomain ||
                 (a.st == lookup::state::nodata && aaaa.st == lookup::state::nodata)) {
        // NXDOMAIN for either type is about the name itself; NODATA counts only
        // when both types said so (a failed lookup of one proves nothing).
        add(c, code::policy_host_no_address,
            host + " has no A or AAAA record" +
                (a.aliases.empty() ? std::string() : " (it is a CNAME to " + a.aliases.back() + ")") +
                ", so no sender can connect to fetch the policy.");
        facts_.policy = ps::host_missing;
      } else {
        // The fetch and the address lookups all failed: this browser reached
        // neither, which says nothing certain about the host.
        std::string dns_why = a.failure ? a.failure->message : aaaa.failure ? aaaa.failure->message : "";
        if (a.failure) c.findings.push_back(*a.failure);
        if (aaaa.failure && !(a.failure && aaaa.failure->message == a.failure->message)) c.findings.push_back(*aaaa.failure);
        add(c, code::policy_fetch_failed,
            "No HTTPS connection to " + host + " succeeded" + why + ", and its address could not be looked up either (" +
                dns_why + "). From here the host may be missing or unreachable; nothing certain is known.");
        c.status = status::unknown;
        c.summary = "Neither the policy host nor its DNS answered this browser.";
        policy_unknown_ = true;
        return;
      }
      c.status = status::fail;
      c.summary = facts_.policy == ps::host_missing ? "The policy host " + host + " does not resolve."
                                                    : "The policy host could not be reached over HTTPS.";
      return;
    }
    default:
      add(c, code::check_aborted, "The host reported an observation of the wrong kind for the policy.");
      c.status = status::unknown;
      policy_unknown_ = true;
      return;
  }
}

void runner::check_policy() {
  auto& c = add_check("policy", "Policy contents");
  if (!rep_.policy) {
    if (policy_pending_) {
      c.status = status::pending;
      c.summary = "Waiting for the policy file.";
    } else if (policy_unknown_) {
      c.status = status::unknown;
      c.summary = "Not checked: the policy could not be read from the browser. Paste it to check it.";
    } else {
      c.status = status::info;
      c.summary = "Not checked: no policy file was served.";
    }
    return;
  }
  policy_info& p = *rep_.policy;
  lint_ = lint_policy(p.text);
  for (const auto& f : lint_->findings) c.findings.push_back(f);
  p.valid = lint_->valid;
  p.policy = lint_->policy;
  if (!lint_->valid || !lint_->policy) {
    facts_.policy = grade_facts::policy_state::invalid;
    c.status = status::fail;
    c.summary = "The policy is invalid, so senders ignore it.";
    return;
  }
  const auto& pol = *lint_->policy;
  facts_.policy = grade_facts::policy_state::valid;
  facts_.mode = pol.mode;
  facts_.max_age_week = pol.max_age >= 604800 ? tri::yes : tri::no;
  c.status = from_findings(c, pol.mode == policy_mode::enforce ? status::pass : status::warn);
  if (pol.mode != policy_mode::enforce && c.status == status::pass) c.status = status::warn;
  c.summary = "Mode " + std::string(mode_name(pol.mode)) + ", max_age " + std::to_string(pol.max_age) + ", " +
              plural(pol.mx.size(), "mx pattern", "mx patterns") + ".";
}

void runner::check_mx(const lookup& l) {
  auto& c = add_check("mx", "MX hosts covered by the policy");
  if (l.st == lookup::state::loop) {
    c.findings.push_back(*l.failure);
    c.status = status::fail;
    c.summary = "The domain's name is a CNAME that leads nowhere: no sender can find its mail servers.";
    facts_.domain_unresolvable = true;
    return;
  }
  if (unsettled(c, l, "MX " + domain_)) return;
  if (l.st == lookup::state::nxdomain) {
    rep_.domain_findings.push_back(finding{code::domain_not_found,
                                           domain_ + " does not exist (NXDOMAIN): it receives no mail and has no MTA-STS."});
    facts_.domain_missing = true;
    c.status = status::fail;
    c.summary = domain_ + " does not exist.";
    return;
  }
  mx_known_ = true;
  rep_.mx_ad = l.ad;
  if (l.st == lookup::state::nodata) {
    rep_.mx_kind = "implicit";
    rep_.mx.push_back(mx_host{domain_, 0, std::nullopt, {}, std::nullopt});
    add(c, code::mx_implicit,
        domain_ + " has no MX record, so senders deliver to the domain's own address (implicit MX); the policy must "
                  "then list " + domain_ + " itself as an mx.");
  } else {
    std::vector<mx_host> hosts;
    std::set<std::string> seen;  // lower case, no trailing dot: one sort, not a comparison of every pair
    std::size_t null_count = 0;
    for (const auto& rr : l.records) {
      const auto* m = std::get_if<dns::mx_data>(&rr.data);
      if (m == nullptr) continue;
      if (m->exchange.empty()) { ++null_count; continue; }
      std::string key = lower(m->exchange);
      if (!key.empty() && key.back() == '.') key.pop_back();
      if (seen.insert(std::move(key)).second) hosts.push_back(mx_host{m->exchange, m->preference, std::nullopt, {}, std::nullopt});
    }
    std::stable_sort(hosts.begin(), hosts.end(), [](const mx_host& x, const mx_host& y) {
      return x.preference < y.preference;
    });
    if (hosts.empty() && null_count > 0) {
      rep_.mx_kind = "null";
      mx_null_ = true;
      add(c, code::mx_null, domain_ + " publishes a null MX (0 .): it accepts no mail, so MTA-STS does not apply.");
      c.status = status::info;
      c.summary = "Null MX: the domain accepts no mail.";
      return;
    }
    if (null_count > 0)
      add(c, code::mx_null, domain_ + " publishes a null MX (0 .) beside other MX records, which RFC 7505 forbids; "
                                      "senders ignore the null MX and use the others.");
    rep_.mx_kind = "records";
    mx_total_ = hosts.size();
    if (hosts.size() > max_mx_hosts) {
      // Past the limit nothing is evaluated, so nothing is claimed (docs/LIMITS.md).
      add(c, code::mx_hosts_capped,
          domain_ + " publishes " + std::to_string(hosts.size()) + " MX hosts; the check evaluates the first " +
              std::to_string(max_mx_hosts) + " by preference (up to " + hosts[max_mx_hosts - 1].host +
              ") and says nothing about the other " + std::to_string(hosts.size() - max_mx_hosts) + ".");
      hosts.resize(max_mx_hosts);
    }
    rep_.mx = std::move(hosts);
  }
  if (mx_total_ == 0) mx_total_ = rep_.mx.size();

  if (!lint_ || !lint_->policy) {
    facts_.mx_covered = tri::unknown;
    if (policy_pending_) {
      c.status = status::pending;
      c.summary = plural(rep_.mx.size(), "MX host", "MX hosts") + "; waiting for the policy.";
    } else if (policy_unknown_) {
      c.status = status::unknown;
      c.summary = plural(rep_.mx.size(), "MX host", "MX hosts") + "; the policy could not be read, so coverage is unknown.";
    } else {
      c.status = from_findings(c, status::info);
      c.summary = plural(rep_.mx.size(), "MX host", "MX hosts") + "; no valid policy to compare them with.";
    }
    return;
  }
  const auto& pol = *lint_->policy;
  std::size_t uncovered = 0;
  for (auto& h : rep_.mx) {
    h.covered = false;
    for (const auto& pat : pol.mx)
      if (mx_matches(pat, h.host)) {
        h.covered = true;
        h.pattern = pat;
        break;
      }
    if (*h.covered) continue;
    ++uncovered;
    const std::string msg = h.host + (rep_.mx_kind == "implicit" ? " (implicit MX)" : " (preference " + std::to_string(h.preference) + ")") +
                            " matches none of the policy's mx patterns (" + list_names(pol.mx, 6) + ")";
    if (pol.mode == policy_mode::enforce)
      add(c, code::mx_not_covered, msg + ": senders that honour the policy refuse to deliver to it.");
    else if (pol.mode == policy_mode::testing)
      add(c, code::mx_not_covered_testing, msg + ": in enforce mode senders would refuse to deliver to it.");
  }
  const bool capped = mx_total_ > rep_.mx.size();
  facts_.mx_covered = uncovered > 0 ? tri::no : (capped ? tri::unknown : tri::yes);
  c.status = from_findings(c, pol.mode == policy_mode::none ? status::info : status::pass);
  if (capped && uncovered == 0) {
    c.status = status::unknown;
    c.summary = "The first " + plural(rep_.mx.size(), "MX host", "MX hosts") + " of " + std::to_string(mx_total_) +
                " match the policy; the rest were not evaluated.";
    return;
  }
  c.summary = uncovered == 0 ? "Every MX host (" + list_names([&] {
                std::vector<std::string> n;
                for (const auto& h : rep_.mx) n.push_back(h.host);
                return n;
              }()) + ") matches the policy."
                             : std::to_string(uncovered) + " of " + plural(rep_.mx.size(), "MX host", "MX hosts") +
                                   " match no mx pattern.";
}

void runner::check_tlsrpt(const lookup& l) {
  auto& c = add_check("tlsrpt", "TLS reporting (TLS-RPT)");
  const std::string where = "_smtp._tls." + domain_;
  if (unsettled(c, l, "TXT " + where)) return;
  tlsrpt_info info;
  if (l.st == lookup::state::loop) {
    c.findings.push_back(*l.failure);
    facts_.tlsrpt_valid = tri::no;
    c.status = status::fail;
    c.summary = "The CNAME at " + where + " leads nowhere.";
    return;
  }
  if (l.st == lookup::state::nxdomain || l.st == lookup::state::nodata) {
    add(c, code::tlsrpt_dns_missing,
        "There is no TXT record at " + where + (l.st == lookup::state::nxdomain ? " (NXDOMAIN)" : " (NODATA)") +
            ", so nobody reports to you when senders fail to deliver securely.");
    facts_.tlsrpt_valid = tri::no;
    c.status = status::warn;
    c.summary = "No TLS-RPT record.";
    rep_.tlsrpt = std::move(info);
    return;
  }
  auto sorted = sort_txt(l.records, tlsrpt_prefix, "v=tlsrpt");
  info.records = std::move(sorted.texts);
  const auto& candidates = sorted.candidates;
  const auto& near = sorted.near;
  const auto& others = sorted.others;
  if (!others.empty())
    add(c, code::tlsrpt_dns_discarded,
        "Ignored " + plural(others.size(), "other TXT record", "other TXT records") + " at " + where +
            (others.size() == 1 ? " that does" : " that do") + " not start with v=TLSRPTv1;, as reporters do.");
  if (candidates.size() > 1) {
    add(c, code::tlsrpt_dns_multiple,
        "There are " + std::to_string(candidates.size()) + " TXT records starting with v=TLSRPTv1; at " + where +
            "; reporters require exactly one, so they send no reports.");
    facts_.tlsrpt_valid = tri::no;
    c.status = status::warn;
    c.summary = "Several TLS-RPT records where one is allowed.";
    rep_.tlsrpt = std::move(info);
    return;
  }
  if (candidates.empty()) {
    add(c, code::tlsrpt_dns_missing,
        "None of the " + plural(l.records.size(), "TXT record", "TXT records") + " at " + where +
            " starts with v=TLSRPTv1;, so reporters send no reports." +
            (near.empty() ? "" : " " + quote(joined(*near.front())) + " comes close; see why below."));
    if (!near.empty()) {
      auto lr = lint_tlsrpt_record(strings_of(*near.front()));
      for (auto& f : lr.findings) c.findings.push_back(std::move(f));
    }
    facts_.tlsrpt_valid = tri::no;
    c.status = from_findings(c, status::warn);
    c.summary = "No usable TLS-RPT record.";
    rep_.tlsrpt = std::move(info);
    return;
  }
  info.record = joined(*candidates.front());
  auto lr = lint_tlsrpt_record(strings_of(*candidates.front()));
  for (auto& f : lr.findings) c.findings.push_back(std::move(f));
  info.valid = lr.valid;
  if (lr.record) info.rua = lr.record->rua;
  facts_.tlsrpt_valid = lr.valid ? tri::yes : tri::no;
  c.status = from_findings(c, status::pass);
  c.summary = lr.valid ? "Reports go to " + list_names(info.rua, 3) + "."
                       : "The record " + quote(*info.record, 80) + " is invalid, so reporters ignore it.";
  rep_.tlsrpt = std::move(info);
}

void runner::check_dane(const lookup& mx) {
  auto& c = add_check("dane", "DNSSEC and DANE");
  if (mx_null_) {
    c.status = status::info;
    c.summary = "No MX hosts (null MX).";
    facts_.dane_all = tri::no;
    return;
  }
  if (!mx_known_) {
    if (mx.st == lookup::state::nxdomain || mx.st == lookup::state::loop) {
      c.status = status::info;
      c.summary = "No MX hosts: " + domain_ + (mx.st == lookup::state::nxdomain ? " does not exist." : " does not resolve.");
      facts_.dane_all = tri::no;
      return;
    }
    if (mx.st == lookup::state::pending) {
      c.status = status::pending;
      c.summary = "Waiting for the MX records.";
    } else {
      c.status = status::unknown;
      c.summary = "The MX hosts are not known, so their TLSA records were not looked up.";
    }
    facts_.dane_all = mx.st == lookup::state::nxdomain ? tri::no : tri::unknown;
    return;
  }
  if (!mx.ad)
    add(c, code::dnssec_not_validated,
        "The resolver did not mark the MX answer for " + domain_ +
            " as DNSSEC-validated (AD bit clear): the zone is probably unsigned, or the resolver does not validate.");
  const std::size_t cap = opt_.tlsa_cap;
  std::size_t with_secure = 0, insecure = 0, pending = 0, failed = 0;
  std::vector<std::string> without;
  for (std::size_t i = 0; i < rep_.mx.size(); ++i) {
    auto& h = rep_.mx[i];
    if (i >= cap) break;
    if (h.host.find('\\') != std::string::npos) {  // a name with escapes cannot be a host name
      ++failed;
      continue;
    }
    const std::string tlsa_name = "_25._tcp." + h.host;
    if (!dns::encode_query(tlsa_name, rr_type::tlsa).ok()) {
      // The name would be over 253 characters: no TLSA record can exist there.
      h.tlsa = std::make_pair(std::size_t{0}, false);
      without.push_back(h.host);
      continue;
    }
    lookup t = resolve(tlsa_name, rr_type::tlsa);
    if (t.st == lookup::state::pending) { ++pending; continue; }
    if (t.st == lookup::state::failed || t.st == lookup::state::loop) {
      ++failed;
      if (t.failure) c.findings.push_back(*t.failure);
      continue;
    }
    const std::size_t n = t.records.size();
    h.tlsa = std::make_pair(n, t.ad);
    // RFC 7672 §3.1: SMTP uses only DANE-TA(2) and DANE-EE(3); RFC 6698 §2.1:
    // selector 0/1, matching 0 (full data), 1 (SHA-256, 32 octets), 2 (SHA-512, 64).
    std::size_t usable = 0;
    std::vector<std::string> bad;
    for (const auto& rr : t.records) {
      const auto* d = std::get_if<dns::tlsa_data>(&rr.data);
      if (d == nullptr) continue;
      const bool ok = (d->usage == 2 || d->usage == 3) && d->selector <= 1 &&
                      ((d->matching == 0 && !d->data.empty()) || (d->matching == 1 && d->data.size() == 32) ||
                       (d->matching == 2 && d->data.size() == 64));
      if (ok) ++usable;
      else bad.push_back(std::to_string(d->usage) + " " + std::to_string(d->selector) + " " +
                         std::to_string(d->matching) + " (" + std::to_string(d->data.size()) + " bytes)");
    }
    if (!bad.empty())
      add(c, code::dane_tlsa_unusable,
          "_25._tcp." + h.host + " has " + plural(bad.size(), "TLSA record", "TLSA records") +
              " that SMTP senders cannot use: " + list_names(bad, 4) +
              (usable == 0 ? "; with no usable record, DANE does not protect this host." : "."));
    if (n == 0) without.push_back(h.host);
    else if (t.ad && usable == 0) ++insecure;  // present and signed, but nothing a sender can use
    else if (t.ad) ++with_secure;
    else {
      ++insecure;
      add(c, code::dane_tlsa_insecure,
          "_25._tcp." + h.host + " has " + plural(n, "TLSA record", "TLSA records") +
              ", but the answer is not DNSSEC-validated (AD bit clear), so DANE senders ignore them.");
    }
  }
  if (mx_total_ > cap)
    add(c, code::dane_tlsa_capped,
        "TLSA records were looked up for the first " + std::to_string(std::min(cap, rep_.mx.size())) + " of " +
            std::to_string(mx_total_) + " MX hosts only.");
  if (!without.empty())
    add(c, code::dane_tlsa_missing,
        "No TLSA records at _25._tcp. for " + list_names(without) + ": senders can use MTA-STS but not DANE there.");
  const std::size_t looked = std::min(cap, rep_.mx.size());
  if (pending > 0) {
    c.status = status::pending;
    c.summary = "Looking up TLSA records.";
    facts_.dane_all = tri::unknown;
    return;
  }
  if (with_secure == mx_total_) facts_.dane_all = tri::yes;
  else if (!without.empty() || insecure > 0) facts_.dane_all = tri::no;
  else facts_.dane_all = tri::unknown;
  if (failed > 0) {
    c.status = status::unknown;
    c.summary = "Some TLSA lookups failed.";
    return;
  }
  if (looked < mx_total_) {
    // Hosts past the cap were not looked up: say so, and claim nothing about them.
    c.status = facts_.dane_all == tri::unknown ? status::unknown : from_findings(c, status::info);
    c.summary = looked == 0 ? "TLSA records were not looked up (the cap is 0)."
                            : "TLSA looked up for the first " + std::to_string(looked) + " of " +
                                  plural(mx_total_, "MX host", "MX hosts") + ": " + std::to_string(with_secure) +
                                  " with DNSSEC-validated records; the rest were not looked up.";
  } else if (with_secure == looked && looked == mx_total_) {
    c.status = from_findings(c, status::pass);
    c.summary = "Every MX host has DNSSEC-validated TLSA records (DANE).";
  } else if (with_secure > 0 || insecure > 0) {
    c.status = status::warn;
    c.summary = std::to_string(with_secure) + " of " + plural(mx_total_, "MX host", "MX hosts") +
                " have DNSSEC-validated TLSA records.";
  } else {
    c.status = status::info;
    c.summary = "No DANE (no TLSA records for the MX hosts).";
  }
}

void runner::finish() {
  // Pending requests and timings.
  for (const auto& r : reqs_) {
    const observation* o = find(r.id);
    if (o == nullptr) rep_.pending.push_back(r.id);
    else {
      rep_.timings.push_back(report::timing{r.id, o->elapsed_ms});
      rep_.total_ms = std::max(rep_.total_ms, o->at_ms);
    }
  }
  if (opt_.aborted && !rep_.pending.empty()) {
    rep_.domain_findings.push_back(
        stopped(plural(rep_.pending.size(), "request", "requests") + " had answered; the report is partial"));
    rep_.pending.clear();
  }
  // The domain's own warnings (not the check's) decide "no warnings" for A+.
  bool warning = false;
  for (const auto& ch : rep_.checks)
    for (const auto& f : ch.findings)
      if (!unobserved_code(f.code) && code_severity(f.code) == severity::warning) warning = true;
  for (const auto& f : rep_.domain_findings)
    if (!unobserved_code(f.code) && code_severity(f.code) == severity::warning) warning = true;
  bool any_unknown = false;
  for (const auto& ch : rep_.checks)
    if (ch.status == status::unknown || ch.status == status::pending) any_unknown = true;
  facts_.no_warnings = warning ? tri::no : (any_unknown ? tri::unknown : tri::yes);

  if (mx_null_) {
    rep_.grade_reason = "No grade: " + domain_ + " accepts no mail (null MX), so MTA-STS does not apply.";
  } else {
    auto g = grade_of(facts_);
    rep_.grade = g.grade;
    rep_.grade_range = g.range;
    rep_.grade_reason = std::move(g.reason);
  }
  bool settled = rep_.pending.empty();
  for (const auto& ch : rep_.checks)
    if (ch.status == status::pending || ch.status == status::unknown) settled = false;
  for (const auto& f : rep_.domain_findings)
    if (f.code == code::check_aborted || f.code == code::check_deadline) settled = false;
  // A grade left open for lack of observation is never a complete report.
  rep_.complete = settled && !rep_.grade_range;
  rep_.sts_ad = rep_.sts ? std::optional<bool>(rep_.sts->ad) : std::nullopt;
}

}  // namespace

std::string_view status_name(status s) noexcept {
  switch (s) {
    case status::pass: return "pass";
    case status::warn: return "warn";
    case status::fail: return "fail";
    case status::info: return "info";
    case status::unknown: return "unknown";
    case status::pending: return "pending";
  }
  return "unknown";
}

domain_check::domain_check(options o) : options_(std::move(o)) { run(); }

void domain_check::observe(observation o) {
  observations_.push_back(std::move(o));
  run();
}

void domain_check::observe(std::vector<observation> many) {
  for (auto& o : many) observations_.push_back(std::move(o));
  run();
}

void domain_check::run() {
  requests_.clear();
#if defined(__cpp_exceptions)
  try {
    runner(options_, observations_, requests_, report_).run();
  } catch (...) {
    // Out of memory is the only way here; report it rather than terminate.
    report_ = report{};
    report_.input = options_.input;
    report_.domain_findings.push_back(finding{code::lint_internal, "The check failed inside mtasts (out of memory?)."});
    report_.grade_reason = "No grade: the check failed.";
    report_.complete = true;
    requests_.clear();
  }
#else
  // Built without exception tables (the WebAssembly size build): a
  // std::bad_alloc passes through to the caller's guard (wasm/bindings.cpp).
  runner(options_, observations_, requests_, report_).run();
#endif
}

}  // namespace mtasts::check
