/**
 * @file cause.cpp
 * @brief The root cause of a cascade: when one layer fails, every check that
 *        depends on it fails or goes unobserved too. The report then leads
 *        with that one layer (report.cause) and each dependent check says
 *        once, in its summary, that it was not checked and why, instead of
 *        repeating the failure (docs/GRADING.md "The root cause").
 *
 * The layers, lowest first; the first that broke is the cause:
 *
 *   1. the resolver: every DNS lookup of the check failed (none answered,
 *      at least two asked). The lookups' own findings (the same "could not
 *      be reached" once per name) are replaced by one finding about the
 *      resolver, dns.resolver.failed, or dns.domain.servfail when every
 *      answer was SERVFAIL (the domain's name servers or its DNSSEC, as far
 *      as one resolver can tell);
 *   2. the domain: it does not exist (domain.not_found);
 *   3. the _mta-sts record, when there is none and no policy either: MTA-STS
 *      is not deployed at all;
 *   4. the policy file, when it could not be read (missing host, TLS,
 *      status, redirect, CORS, timeout): the policy and the MX coverage
 *      depend on it;
 *   5. the policy's contents, when it is invalid: the MX coverage depends
 *      on it;
 *   6. the MX records, when they could not be looked up: DANE and STARTTLS
 *      depend on them.
 *
 * A failure nothing depends on (a missing TLS-RPT record, one SERVFAIL) is
 * no cascade: the report has no cause and lists it where it belongs. A
 * stopped check has no cause either: a stop is not a broken layer.
 *
 * This runs on the finished checks, so the checks stay simple: each says
 * what it saw, and this pass decides what the reader needs first.
 */
#include <algorithm>
#include <set>

#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {
namespace {

using namespace mtasts::detail;

/** The codes a failed lookup leaves on a check (lookup.cpp, wording.cpp). */
bool lookup_failure_code(code k) {
  return k == code::dns_query_failed || k == code::dns_query_timeout || k == code::dns_query_servfail ||
         k == code::dns_query_malformed || k == code::dns_query_too_large || k == code::dns_query_rcode;
}

check_result* find_check(report& rep, std::string_view id) {
  for (auto& c : rep.checks)
    if (c.id == id) return &c;
  return nullptr;
}

bool unread(const check_result* c) { return c && (c->status == status::unknown || c->status == status::fail); }

/** A sentence as a clause: without its final full stop (and spaces). */
std::string without_full_stop(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

/** The host of a resolver URL, for the message ("dns.google"); the URL itself when it has none. */
std::string resolver_name(const std::string& url) {
  auto p = url.find("://");
  if (p == std::string::npos) return url;
  std::string rest = url.substr(p + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

/** Layer 1: every DNS lookup failed. True if so (and the report now says it once). */
bool resolver_cause(context& ctx) {
  report& rep = ctx.rep;
  std::size_t failed = 0, servfail = 0;
  for (const auto& [key, l] : ctx.lookups()) {
    if (l.st == lookup::state::pending) return false;  // not settled yet: say nothing early
    if (l.st != lookup::state::failed) return false;   // something answered: the resolver works
    if (!l.failure || !lookup_failure_code(l.failure->code)) return false;  // a stop, a name that cannot be asked
    ++failed;
    if (l.failure->code == code::dns_query_servfail) ++servfail;
  }
  if (failed < 2) return false;

  // The evidence: what the host observed for the first DNS request that failed.
  const observation* first = nullptr;
  std::size_t asked = 0;
  for (const auto& r : ctx.requests())
    if (r.kind == request_kind::dns) {
      ++asked;
      if (first == nullptr) first = ctx.find(r.id);
    }
  const bool native = ctx.opt.host == host_kind::native;
  const std::string where = native ? "from this machine" : "from this browser";
  const std::string resolver = ctx.opt.resolver.empty() ? std::string("The DNS resolver")
                                                        : "The DNS resolver " + resolver_name(ctx.opt.resolver);
  const std::string queries = plural(asked, "DNS query", "DNS queries");

  // The policy fetch needs no DoH (the browser and curl resolve the host themselves); when it
  // failed too, and could not be explained by DNS, the network itself is the likelier cause.
  check_result* fetch = find_check(rep, "policy_fetch");
  bool fetch_failed_too = false;
  if (fetch && fetch->status == status::unknown) {
    auto& fs = fetch->findings;
    const auto before = fs.size();
    fs.erase(std::remove_if(fs.begin(), fs.end(), [](const finding& f) {
               return lookup_failure_code(f.code) || f.code == code::policy_fetch_failed;
             }),
             fs.end());
    fetch_failed_too = fs.size() != before;
  }

  cause_info cause;
  std::string message, short_text;
  if (servfail == failed) {
    cause.code = code::dns_domain_servfail;
    short_text = "the resolver answered SERVFAIL for every name";
    message = resolver + " answered SERVFAIL to every one of the " + queries + " for " + ctx.domain +
              ": it could not get an answer from the domain's name servers, or the answers failed DNSSEC validation. "
              "Senders' resolvers are likely to fail the same way, so mail to the domain may be delayed; another "
              "resolver tells a broken zone from a broken resolver.";
  } else {
    cause.code = code::dns_resolver_failed;
    const std::string evidence = first && !first->message.empty() ? " (" + quote(first->message, 120) + ")" : "";
    const bool network = first && first->kind == observation_kind::network_error && first->status == 0;
    if (network) {
      short_text = "the DNS resolver could not be reached";
      message = resolver + " could not be reached " + where + ": none of the " + queries + " got an answer" + evidence;
    } else if (first && first->kind == observation_kind::http_error) {
      short_text = "the DNS resolver answered HTTP " + std::to_string(first->status);
      message = resolver + " answered HTTP " + std::to_string(first->status) + " to all " + queries + evidence +
                ", never a DNS answer";
    } else if (first && first->kind == observation_kind::timeout) {
      short_text = "the DNS resolver did not answer";
      message = resolver + " answered none of the " + queries + " within " + seconds_text(ctx.opt.dns_timeout_ms);
    } else {
      short_text = "the DNS resolver failed";
      message = resolver + " gave no usable answer to any of the " + queries + evidence;
    }
    message += ", so nothing about " + ctx.domain + " was observed in DNS.";
    if (native) {
      if (fetch_failed_too) message += " The policy host could not be reached either: the network may be down.";
      message += network ? " Check the network, or try another resolver (--resolver, --dns)."
                         : " Try another resolver (--resolver, --dns).";
    } else if (fetch_failed_too) {
      message += " The policy host could not be reached either: this browser may be offline. If it is not, an "
                 "extension, a firewall or the network may block DNS over HTTPS; try another resolver in the settings.";
    } else {
      message += network ? " You may be offline, or an extension, a firewall or the network blocks DNS over HTTPS; "
                           "try another resolver in the settings."
                         : " Try another resolver in the settings.";
    }
  }

  // Each check loses the lookups' findings and says once why it was not checked.
  for (auto& c : rep.checks) {
    const auto before = c.findings.size();
    c.findings.erase(std::remove_if(c.findings.begin(), c.findings.end(),
                                    [](const finding& f) { return lookup_failure_code(f.code); }),
                     c.findings.end());
    const bool touched = c.findings.size() != before || (&c == fetch && fetch_failed_too);
    if (c.status == status::unknown) {
      if (touched || c.findings.empty()) c.summary = "Not checked: " + short_text + ".";
      cause.affects.push_back(c.id);
    }
  }
  cause.message = message;
  cause.headline = short_text;
  rep.domain_findings.insert(rep.domain_findings.begin(), finding{cause.code, message});
  rep.cause = std::move(cause);
  return true;
}

/** The first finding of a check that explains its failure: an error, else one that was not observed. */
const finding* primary(const check_result& c) {
  // A CNAME whose target is gone is the root of what follows from it (a missing host or record).
  for (const auto& f : c.findings)
    if (f.code == code::dns_cname_dangling) return &f;
  for (const auto& f : c.findings)
    if (code_severity(f.code) == severity::error && code_observation(f.code) == observation_state::observed) return &f;
  for (const auto& f : c.findings)
    if (code_observation(f.code) == observation_state::unobserved) return &f;
  return c.findings.empty() ? nullptr : &c.findings.front();
}

void set_cause(report& rep, const finding& f, const std::string& check, std::string headline,
               std::vector<std::string> affects) {
  cause_info cause;
  cause.headline = without_full_stop(std::move(headline));
  cause.code = f.code;
  cause.check = check;
  cause.message = f.message;
  cause.affects = std::move(affects);
  rep.cause = std::move(cause);
}

/** The summary of a check left unchecked by the cause: what it would have done, and why not. */
std::string not_checked(std::string_view what, std::string_view because) {
  return std::string(what) + ", because " + without_full_stop(std::string(because)) + ".";
}

/** "HTTP 404 instead of 200." as the end of a sentence: "HTTP 404 instead of 200"; "The body ..." as "the body ...". */
std::string clause(std::string s) {
  s = without_full_stop(std::move(s));
  if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

/** Layers 2-6 (the file's comment). */
void layer_cause(context& ctx) {
  report& rep = ctx.rep;
  if (ctx.mx_null) return;  // a domain that takes no mail has nothing for MTA-STS to protect: no failure cascades
  // 2. The domain does not exist.
  for (const auto& f : rep.domain_findings)
    if (f.code == code::domain_not_found) {
      std::vector<std::string> affects;
      for (const auto& c : rep.checks)
        if (c.id != "mx" && (c.status == status::fail || c.status == status::warn || c.status == status::info))
          affects.push_back(c.id);
      set_cause(rep, f, "", ctx.domain + " does not exist", std::move(affects));
      return;
    }

  check_result* sts = find_check(rep, "sts");
  check_result* fetch = find_check(rep, "policy_fetch");
  check_result* policy = find_check(rep, "policy");
  check_result* mx = find_check(rep, "mx");
  const bool no_policy = !rep.policy && fetch && unread(fetch) && !fetch->findings.empty();

  // The checks that need the policy: its contents, and the MX coverage when the MX hosts are known.
  auto without_policy = [&](const std::string& because) {
    std::vector<std::string> affects;
    if (policy && (policy->status == status::info || policy->status == status::unknown)) {
      policy->summary = not_checked("Not checked", because);
      affects.push_back(policy->id);
    }
    if (mx && ctx.mx_known && !ctx.lint) {
      mx->summary = not_checked(plural(rep.mx.size(), "MX host", "MX hosts") + "; coverage not checked", because);
      affects.push_back(mx->id);
    }
    return affects;
  };

  // 3. No _mta-sts record and no policy: MTA-STS is not deployed.
  if (no_policy && sts && sts->status == status::fail) {
    for (const auto& f : sts->findings)
      if (f.code == code::sts_dns_missing || f.code == code::dns_cname_dangling) {
        set_cause(rep, f, sts->id, "MTA-STS is not set up: no _mta-sts record and no policy file",
                  without_policy("there is no policy file either"));
        return;
      }
  }
  // 4. The policy file could not be read.
  if (no_policy) {
    if (const finding* f = primary(*fetch)) {
      const std::string why = "the policy file could not be read: " + clause(fetch->summary);
      set_cause(rep, *f, fetch->id, why, without_policy(why));
      return;
    }
  }
  // 5. The policy is invalid.
  // (Not when the MX hosts were compared with the patterns' A-label form: the coverage was checked.)
  if (policy && policy->status == status::fail && mx && ctx.mx_known && ctx.lint && !ctx.lint->policy &&
      !ctx.lint->a_label_policy) {
    if (const finding* f = primary(*policy)) {
      mx->summary = not_checked(plural(rep.mx.size(), "MX host", "MX hosts") + "; coverage not checked",
                                "the policy is invalid, so senders ignore it");
      set_cause(rep, *f, policy->id, "the policy is invalid, so senders ignore it", {mx->id});
      return;
    }
  }
  // 6. The MX records could not be looked up: the checks of each MX host have nothing to look at.
  if (mx && (mx->status == status::unknown || mx->status == status::fail) && !ctx.mx_known && !ctx.mx_null &&
      !mx->findings.empty()) {
    std::vector<std::string> affects;
    for (const auto& c : rep.checks)
      if ((c.id == "dane" || c.id == "starttls") && c.status == status::unknown) affects.push_back(c.id);
    if (!affects.empty())
      set_cause(rep, mx->findings.front(), mx->id, "the MX records of " + ctx.domain + " could not be looked up",
                std::move(affects));
  }
}

}  // namespace

void find_cause(context& ctx) {
  if (ctx.opt.aborted) return;
  for (const auto& f : ctx.rep.domain_findings)
    if (f.code == code::domain_invalid) return;
  if (resolver_cause(ctx)) return;
  layer_cause(ctx);
}

}  // namespace mtasts::check::detail
