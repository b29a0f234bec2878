/**
 * @file dane.cpp
 * @brief DNSSEC and DANE (RFC 7672): the AD bit of the MX answer, and the
 *        TLSA records at _25._tcp.<host> of each MX host (at most
 *        options.tlsa_cap of them), counted only when usable for SMTP and
 *        in a DNSSEC-validated answer. A browser cannot compare them with
 *        the hosts' certificates; TLS-RPT reports and a native probe can.
 */
#include <algorithm>

#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {
namespace {

using namespace mtasts::detail;

/** RFC 7672 §3.1: SMTP uses only DANE-TA(2) and DANE-EE(3); RFC 6698 §2.1: selector 0/1, matching 0, 1 (32 octets), 2 (64). */
bool usable_for_smtp(const dns::tlsa_data& d) {
  return (d.usage == 2 || d.usage == 3) && d.selector <= 1 &&
         ((d.matching == 0 && !d.data.empty()) || (d.matching == 1 && d.data.size() == 32) ||
          (d.matching == 2 && d.data.size() == 64));
}

}  // namespace

void check_dane(context& ctx, check_result& c) {
  report& rep = ctx.rep;
  if (without_mx_hosts(ctx, c, "their TLSA records were not looked up")) return;
  const lookup& mx = ctx.resolve(ctx.domain, dns::rr_type::mx);
  if (!mx.ad)
    add(c, code::dnssec_not_validated,
        "The resolver did not mark the MX answer for " + ctx.domain +
            " as DNSSEC-validated (AD bit clear): the zone is probably unsigned, or the resolver does not validate.");
  const std::size_t cap = ctx.opt.tlsa_cap;
  std::size_t with_secure = 0, insecure = 0, pending = 0, failed = 0;
  std::vector<std::string> without;
  for (std::size_t i = 0; i < rep.mx.size() && i < cap; ++i) {
    auto& h = rep.mx[i];
    if (h.host.find('\\') != std::string::npos) {  // a name with escapes cannot be a host name
      ++failed;
      continue;
    }
    const std::string tlsa_name = "_25._tcp." + h.host;
    if (!dns::encode_query(tlsa_name, dns::rr_type::tlsa).ok()) {
      // The name would be over 253 characters: no TLSA record can exist there.
      h.tlsa = tlsa_info{0, false};
      without.push_back(h.host);
      continue;
    }
    const lookup& t = ctx.resolve(tlsa_name, dns::rr_type::tlsa);
    if (t.st == lookup::state::pending) {
      ++pending;
      continue;
    }
    if (t.st == lookup::state::failed || t.st == lookup::state::loop) {
      ++failed;
      if (t.failure) c.findings.push_back(*t.failure);
      continue;
    }
    const std::size_t n = t.records.size();
    h.tlsa = tlsa_info{n, t.ad};
    std::size_t usable = 0;
    std::vector<std::string> bad;
    for (const auto& rr : t.records) {
      const auto* d = std::get_if<dns::tlsa_data>(&rr.data);
      if (d == nullptr) continue;
      if (usable_for_smtp(*d)) ++usable;
      else
        bad.push_back(std::to_string(d->usage) + " " + std::to_string(d->selector) + " " + std::to_string(d->matching) +
                      " (" + plural(d->data.size(), "byte", "bytes") + ")");
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
  if (ctx.mx_total > cap)
    add(c, code::dane_tlsa_capped,
        "TLSA records were looked up for the first " + std::to_string(std::min(cap, rep.mx.size())) + " of " +
            std::to_string(ctx.mx_total) + " MX hosts only.");
  if (!without.empty())
    add(c, code::dane_tlsa_missing,
        "No TLSA records at _25._tcp. for " + list_names(without) + ": senders can use MTA-STS but not DANE there.");
  const std::size_t looked = std::min(cap, rep.mx.size());
  if (pending > 0) {
    c.status = status::pending;
    c.summary = "Looking up TLSA records.";
    return;
  }
  if (failed > 0) {
    c.status = status::unknown;
    c.summary = "Some TLSA lookups failed.";
    return;
  }
  if (looked < ctx.mx_total) {
    // Hosts past the cap were not looked up: say so, and claim nothing about them.
    const bool decided = !without.empty() || insecure > 0;
    c.status = decided ? from_findings(c, status::info) : status::unknown;
    c.summary = looked == 0 ? "TLSA records were not looked up (the cap is 0)."
                            : "TLSA looked up for the first " + std::to_string(looked) + " of " +
                                  plural(ctx.mx_total, "MX host", "MX hosts") + ": " + std::to_string(with_secure) +
                                  " with DNSSEC-validated records; the rest were not looked up.";
  } else if (with_secure == looked && looked == ctx.mx_total) {
    c.status = from_findings(c, status::pass);
    c.summary = "Every MX host has DNSSEC-validated TLSA records (DANE).";
  } else if (with_secure > 0 || insecure > 0) {
    c.status = status::warn;
    c.summary = std::to_string(with_secure) + " of " + plural(ctx.mx_total, "MX host", "MX hosts") +
                " have DNSSEC-validated TLSA records.";
  } else {
    c.status = status::info;
    c.summary = "No DANE (no TLSA records for the MX hosts).";
  }
}

}  // namespace mtasts::check::detail
