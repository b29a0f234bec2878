/**
 * @file checks.cpp
 * @brief The helpers the checks share. The table of the checks is
 *        table.cpp; a check is a row there and a function in a file of its own.
 */
#include "context.h"

namespace mtasts::check::detail {

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
