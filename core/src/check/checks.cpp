/**
 * @file checks.cpp
 * @brief The table of the checks, in report order, and the helpers they
 *        share. A check is a row here and a function in a file of its own.
 */
#include "context.h"

namespace mtasts::check::detail {

const std::vector<check_row>& checks() {
  // id, title, function, what a failure costs the grade (docs/GRADING.md), what it might cost while
  // unknown, the grade's reason when it fails, what could not be observed when it is unknown, and
  // whether only a host that probes STARTTLS has it. The STARTTLS check costs nothing while unknown:
  // a host that cannot reach port 25 grades what it observed, as the browser does.
  static const std::vector<check_row> rows = {
      {"sts", "MTA-STS TXT record", check_sts, grade_effect::fails_check, grade_effect::fails_check,
       "MTA-STS is not in effect: senders find no usable _mta-sts TXT record, so they never fetch the policy.",
       "the _mta-sts TXT record"},
      {"policy_fetch", "Policy file over HTTPS", check_policy_fetch, grade_effect::fails_check, grade_effect::fails_check,
       "MTA-STS is not in effect: senders cannot fetch the policy file, so they treat the domain as having no policy.",
       "the policy file"},
      {"policy", "Policy contents", check_policy, grade_effect::fails_check, grade_effect::fails_check,
       "MTA-STS is not in effect: the policy file is invalid, so senders ignore it.", "the policy file"},
      {"mx", "MX hosts covered by the policy", check_mx, grade_effect::fails_check, grade_effect::uncovered,
       "Mail to the domain can fail at its MX hosts:", "the MX records"},
      {"starttls", "STARTTLS at the MX hosts", check_starttls, grade_effect::starttls_partial, grade_effect::none,
       "Senders that honour the policy will deliver to none of the MX hosts:", "the MX hosts' STARTTLS", true},
      {"tlsrpt", "TLS reporting (TLS-RPT)", check_tlsrpt, grade_effect::tlsrpt, grade_effect::tlsrpt, "", "the TLS-RPT record"},
      {"dane", "DNSSEC and DANE", check_dane, grade_effect::no_dane, grade_effect::no_dane, "", "the TLSA records"},
  };
  return rows;
}

const check_row* check_by_id(std::string_view id) {
  for (const auto& row : checks())
    if (row.id == id) return &row;
  return nullptr;
}

void add(check_result& c, code k, std::string message) { c.findings.push_back(finding{k, std::move(message), 0, 0}); }

status from_findings(const check_result& c, status otherwise) {
  bool warn = false;
  for (const auto& f : c.findings) {
    if (code_observation(f.code) == observation_state::unobserved) continue;
    const auto s = code_severity(f.code);
    if (s == severity::error) return status::fail;
    if (s == severity::warning) warn = true;
  }
  return warn ? status::warn : otherwise;
}

bool without_mx_hosts(context& ctx, check_result& c, std::string_view not_done) {
  if (ctx.mx_null) {
    c.status = status::info;
    c.summary = "No MX hosts (null MX).";
    return true;
  }
  if (ctx.mx_known) return false;
  const lookup& mx = ctx.resolve(ctx.domain, dns::rr_type::mx);
  if (mx.st == lookup::state::nxdomain || mx.st == lookup::state::loop) {
    c.status = status::info;
    c.summary = "No MX hosts: " + ctx.domain + (mx.st == lookup::state::nxdomain ? " does not exist." : " does not resolve.");
  } else if (mx.st == lookup::state::pending) {
    c.status = status::pending;
    c.summary = "Waiting for the MX records.";
  } else {
    c.status = status::unknown;
    c.summary = "The MX hosts are not known, so " + std::string(not_done) + ".";
  }
  return true;
}

std::vector<std::string> addresses_of(const lookup& a, const lookup& aaaa) {
  std::vector<std::string> out;
  for (const lookup* l : {&a, &aaaa})
    for (const auto& rr : l->records)
      if (const auto* d = std::get_if<dns::address_data>(&rr.data)) out.push_back(d->address);
  return out;
}

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

}  // namespace mtasts::check::detail
