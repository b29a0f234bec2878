/**
 * @file mx.cpp
 * @brief The MX hosts against the policy's mx patterns (RFC 8461 §4.1):
 *        each host is covered by a pattern or not; implicit MX (RFC 5321
 *        §5.1) and null MX (RFC 7505) are said as such; at most
 *        limits::mx_hosts hosts are evaluated, and nothing is claimed past them.
 */
#include <algorithm>
#include <set>

#include "mtasts/mx_match.h"
#include "../hostname.h"
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {
namespace {

using namespace mtasts::detail;

/** The MX hosts from the MX lookup (or the domain itself), in preference order; false for a null MX. */
void read_hosts(context& ctx, check_result& c, const lookup& l) {
  report& rep = ctx.rep;
  if (l.st == lookup::state::nodata) {
    rep.mx_kind = "implicit";
    rep.mx.push_back(mx_host{ctx.domain, 0, std::nullopt, std::nullopt, std::nullopt, {}, std::nullopt});
    add(c, code::mx_implicit,
        ctx.domain + " has no MX record, so senders deliver to the domain's own address (implicit MX); the policy must "
                     "then list " + ctx.domain + " itself as an mx.");
    ctx.mx_total = 1;
    return;
  }
  std::vector<mx_host> hosts;
  std::set<std::string> seen;  // lower case, no trailing dot: one sort, not a comparison of every pair
  std::size_t null_count = 0;
  for (const auto& rr : l.records) {
    const auto* m = std::get_if<dns::mx_data>(&rr.data);
    if (m == nullptr) continue;
    if (m->exchange.empty()) {
      ++null_count;
      continue;
    }
    if (seen.insert(host_key(m->exchange)).second)
      hosts.push_back(mx_host{m->exchange, m->preference, std::nullopt, std::nullopt, std::nullopt, {}, std::nullopt});
  }
  std::stable_sort(hosts.begin(), hosts.end(),
                   [](const mx_host& x, const mx_host& y) { return x.preference < y.preference; });
  if (hosts.empty() && null_count > 0) {
    rep.mx_kind = "null";
    ctx.mx_null = true;
    add(c, code::mx_null, ctx.domain + " publishes a null MX (0 .): it accepts no mail, so MTA-STS does not apply.");
    return;
  }
  if (null_count > 0)
    add(c, code::mx_null_mixed,
        ctx.domain + " publishes a null MX (0 .) beside other MX records, which RFC 7505 forbids; "
                     "senders ignore the null MX and use the others.");
  rep.mx_kind = "records";
  ctx.mx_total = hosts.size();
  if (hosts.size() > limits::mx_hosts) {
    // Past the limit nothing is evaluated, so nothing is claimed (docs/LIMITS.md).
    add(c, code::mx_hosts_capped,
        ctx.domain + " publishes " + std::to_string(hosts.size()) + " MX hosts; the check evaluates the first " +
            std::to_string(limits::mx_hosts) + " by preference (up to " + hosts[limits::mx_hosts - 1].host +
            ") and says nothing about the other " + std::to_string(hosts.size() - limits::mx_hosts) + ".");
    hosts.resize(limits::mx_hosts);
  }
  rep.mx = std::move(hosts);
}

/**
 * A pattern that covers no MX host and lies outside the domains of all of
 * them and of the domain itself: most likely left from a former provider, and
 * whoever controls that domain now (or registers it once it lapses) can
 * receive mail under the policy (RFC 8461 §4.1: any host it matches, with a
 * valid certificate, is an acceptable MX). "Outside" compares
 * registrable_part (hostname.h), an approximation without the Public Suffix
 * List that errs to calling two names the same domain, so to not flagging;
 * the message names the domain without claiming it is the registrable one.
 */
void stale_foreign_patterns(const context& ctx, check_result& c, const policy& pol) {
  const report& rep = ctx.rep;
  std::vector<std::string> hosts, domains{lower(registrable_part(ctx.domain))};
  for (const auto& h : rep.mx) {
    hosts.push_back(h.host);
    domains.push_back(lower(registrable_part(h.host)));
  }
  for (const auto& pat : pol.mx) {
    if (std::any_of(rep.mx.begin(), rep.mx.end(), [&](const mx_host& h) { return mx_matches(pat, h.host); })) continue;
    const std::string where = lower(registrable_part(pat));
    // Not a name under a domain at all: a single label, or an address (policy.mx.ip_literal says so).
    if (where.find('.') == std::string::npos || where.find_last_not_of("0123456789") == where.rfind('.') ||
        std::find(domains.begin(), domains.end(), where) != domains.end())
      continue;
    add(c, code::mx_pattern_stale_foreign,
        "mx " + quote(pat) + " matches none of the MX hosts (" + list_names(hosts, 4) + ") and lies under " + where +
            ", outside their domains and " + ctx.domain +
            "'s: if it is left from a former provider, whoever controls the hosts it names now, or registers " +
            where + " should it lapse, can receive this domain's mail under the policy with a certificate for such "
            "a host.");
  }
}

}  // namespace

void check_mx(context& ctx, check_result& c) {
  report& rep = ctx.rep;
  const lookup& l = ctx.resolve(ctx.domain, dns::rr_type::mx);
  if (l.st == lookup::state::loop) {
    c.findings.push_back(*l.failure);
    c.status = status::fail;
    c.summary = "The domain's name is a CNAME that leads nowhere: no sender can find its mail servers.";
    return;
  }
  if (unsettled(c, l, "MX " + ctx.domain)) return;
  if (l.st == lookup::state::nxdomain) {
    rep.domain_findings.push_back(
        finding{code::domain_not_found, ctx.domain + " does not exist (NXDOMAIN): it receives no mail and has no MTA-STS."});
    c.status = status::fail;
    c.summary = ctx.domain + " does not exist.";
    return;
  }
  rep.mx_ad = l.ad;
  read_hosts(ctx, c, l);
  if (ctx.mx_null) {
    c.status = status::info;
    c.summary = "Null MX: the domain accepts no mail.";
    return;
  }
  ctx.mx_known = true;
  const std::string hosts_text = plural(rep.mx.size(), "MX host", "MX hosts");

  // A policy invalid only for patterns written with U-labels is compared in
  // its A-label form (policy.h: a_label_policy), as senders compare names:
  // the findings say what it would cover once written so.
  const bool a_labels = ctx.lint && !ctx.lint->policy && ctx.lint->a_label_policy;
  if (!ctx.lint || !(ctx.lint->policy || a_labels)) {
    if (ctx.policy_pending) {
      c.status = status::pending;
      c.summary = hosts_text + "; waiting for the policy.";
    } else if (ctx.policy_unknown) {
      c.status = status::unknown;
      c.summary = hosts_text + "; the policy could not be read, so coverage is unknown.";
    } else {
      c.status = from_findings(c, status::info);
      c.summary = hosts_text + "; no valid policy to compare them with.";
    }
    return;
  }
  const auto& pol = a_labels ? *ctx.lint->a_label_policy : *ctx.lint->policy;
  const std::string patterns_are = a_labels ? "the policy's mx patterns in A-label form" : "the policy's mx patterns";
  std::size_t uncovered = 0;
  for (auto& h : rep.mx) {
    bool covered = false;
    for (const auto& pat : pol.mx)
      if (mx_matches(pat, h.host)) {
        covered = true;
        // A policy senders reject covers nothing: the report's coverage stays unknown (null).
        if (!a_labels) h.pattern = pat;
        break;
      }
    if (!a_labels) h.covered = covered;
    if (covered) continue;
    ++uncovered;
    const std::string msg = h.host +
                            (rep.mx_kind == "implicit" ? " (implicit MX)" : " (preference " + std::to_string(h.preference) + ")") +
                            " matches none of " + patterns_are + " (" + list_names(pol.mx, 6) + ")";
    // Who does what with such a host (docs/SENDERS.md "MX coverage and certificate names").
    static constexpr std::string_view enforce_senders =
        " maddy, mox, Stalwart, chasquid, KumoMTA and Postfix 3.10.5+ (when its MTA-STS plugin forwards the patterns) "
        "skip this host, and maddy and Stalwart bounce the message when it is the last host they try; older Postfix "
        "setups still deliver here if its certificate names a host a pattern matches.";
    static constexpr std::string_view testing_senders =
        " Today no sender skips it (mox and Stalwart report it in TLS-RPT; postfix-mta-sts-resolver already enforces "
        "it when its strict_testing is on).";
    const std::string_view once = a_labels ? ": once the U-label patterns are written as A-labels," : ":";
    if (pol.mode == policy_mode::enforce)
      add(c, code::mx_not_covered,
          msg + std::string(once) + " senders that honour the policy refuse to deliver to it." + std::string(enforce_senders));
    else if (pol.mode == policy_mode::testing)
      add(c, code::mx_not_covered_testing,
          msg + std::string(once) + " in enforce mode senders would refuse to deliver to it." + std::string(testing_senders));
  }
  const bool capped = ctx.mx_total > rep.mx.size();
  if (!capped) stale_foreign_patterns(ctx, c, pol);
  c.status = from_findings(c, pol.mode == policy_mode::none || a_labels ? status::info : status::pass);
  if (capped && uncovered == 0) {
    c.status = status::unknown;
    c.summary = "The first " + hosts_text + " of " + std::to_string(ctx.mx_total) +
                " match the policy; the rest were not evaluated.";
    return;
  }
  if (uncovered > 0) {
    c.summary = std::to_string(uncovered) + " of " + hosts_text + " match no mx pattern" +
                (a_labels ? ", even written as A-labels." : ".");
    return;
  }
  std::vector<std::string> names;
  for (const auto& h : rep.mx) names.push_back(h.host);
  c.summary = a_labels ? "Written as A-labels, the policy's mx patterns would cover every MX host (" + list_names(names) +
                             "); as published, senders reject the policy."
                       : "Every MX host (" + list_names(names) + ") matches the policy.";
}

}  // namespace mtasts::check::detail
