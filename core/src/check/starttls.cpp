/**
 * @file starttls.cpp
 * @brief The MX hosts' STARTTLS (RFC 8461 §4.2, §5; RFC 3207), in a report
 *        from a host that can probe it (options.starttls: the native CLI; a
 *        browser cannot). For each MX host, lowest preference first and at
 *        most options.starttls_cap of them: its A and AAAA records, then one
 *        probe at those addresses; what the probe saw is kept in the report
 *        (mx[].tls) and judged here against the policy's mode.
 *
 * Under enforce, senders that honour the policy deliver only to an MX host
 * that offers STARTTLS with a certificate valid for its name (§5): a host
 * that fails costs the grade a C at best (the check's row in table.cpp),
 * and no host passing is F (starttls.none_ok). Under testing it is a warning;
 * without a policy in effect, a warning about the fallback. A host this
 * machine could not connect to says nothing about the host (port 25 is
 * blocked on many networks): starttls.unreachable is not observed, and the
 * grade stays what the rest observed, as in the browser.
 */
#include <cstdint>
#include <string>
#include <vector>

#include "../report/internal.h"
#include "../hostname.h"
#include "../text.h"
#include "context.h"

namespace mtasts::check {

namespace {
constexpr std::pair<std::string_view, tls_result> tls_result_names[] = {
    {"ok", tls_result::ok},
    {"starttls-not-supported", tls_result::starttls_not_supported},
    {"certificate-host-mismatch", tls_result::certificate_host_mismatch},
    {"certificate-expired", tls_result::certificate_expired},
    {"certificate-not-trusted", tls_result::certificate_not_trusted},
    {"validation-failure", tls_result::validation_failure},
    {"unreachable", tls_result::unreachable},
    {"timeout", tls_result::timeout},
};
}  // namespace

std::string_view tls_result_name(tls_result r) noexcept {
  for (const auto& [name, value] : tls_result_names)
    if (value == r) return name;
  return "validation-failure";
}

bool tls_result_from_name(std::string_view name, tls_result& out) noexcept {
  for (const auto& [n, value] : tls_result_names)
    if (n == name) {
      out = value;
      return true;
    }
  return false;
}

namespace detail {
namespace {

using namespace mtasts::detail;

/** What the policy in effect makes of a failing host. */
enum class regime : std::uint8_t { enforce, testing, unenforced, unknown };

regime regime_of(const context& ctx) {
  if (ctx.lint && ctx.lint->policy) {
    switch (ctx.lint->policy->mode) {
      case policy_mode::enforce: return regime::enforce;
      case policy_mode::testing: return regime::testing;
      default: return regime::unenforced;
    }
  }
  return ctx.policy_unknown ? regime::unknown : regime::unenforced;
}

/** The probe never reached the server: nothing is known about the host from here. */
bool not_reached(const tls_probe& p) {
  return p.result == tls_result::unreachable || (p.result == tls_result::timeout && p.stage == "connect");
}

std::string at(const mx_host& h, const tls_probe& p) {
  return h.host + (p.address.empty() ? std::string() : " (" + p.address + ")");
}

std::string detail_text(const tls_probe& p) {
  return p.detail.empty() ? std::string() : ": " + quote(p.detail, 160);
}

/** What went wrong at the host, as evidence: "mx2.example.com (192.0.2.2) presents a certificate for ...". */
std::string what_failed(const context& ctx, const mx_host& h, const tls_probe& p) {
  const std::string who = at(h, p);
  switch (p.result) {
    case tls_result::starttls_not_supported:
      if (p.stage == "banner") return who + " did not greet with 220, so STARTTLS could not be asked for" + detail_text(p);
      if (p.stage == "starttls") return who + " refused the STARTTLS command" + detail_text(p);
      return who + " does not offer STARTTLS in its EHLO reply";
    case tls_result::certificate_host_mismatch: {
      std::vector<std::string> names;
      if (p.certificate) names = p.certificate->dns_names;
      const std::string named = !names.empty() ? "for " + list_names(names, 4)
                                : p.certificate ? "with no DNS name (subject " + quote(p.certificate->subject, 80) + ")"
                                                : "that does not name it";
      return who + " presents a certificate " + named + ", which does not name " + h.host +
             " (a wildcard covers only the whole left-most label)";
    }
    case tls_result::certificate_expired:
      return who + " presents a certificate that expired" +
             (p.certificate && !p.certificate->not_after.empty() ? " on " + p.certificate->not_after : std::string());
    case tls_result::certificate_not_trusted:
      return who + " presents a certificate that does not chain to a trusted root" + detail_text(p) +
             (p.certificate && !p.certificate->issuer.empty() ? " (issuer " + quote(p.certificate->issuer, 80) + ")"
                                                              : std::string());
    case tls_result::validation_failure:
      return who + " failed the TLS handshake or its validation" + detail_text(p);
    case tls_result::timeout:
      return who + " stopped answering during " + (p.stage.empty() ? "the probe" : p.stage) + " (no reply within " +
             seconds_text(ctx.opt.smtp_timeout_ms) + ")";
    case tls_result::unreachable:
    case tls_result::ok:
      break;
  }
  return who + detail_text(p);
}

}  // namespace

void check_starttls(context& ctx, check_result& c) {
  report& rep = ctx.rep;
  if (without_mx_hosts(ctx, c, "none was probed")) return;
  const regime mode = regime_of(ctx);
  const std::size_t probed_max = std::min(ctx.opt.starttls_cap, rep.mx.size());
  std::size_t ok = 0, failed = 0, unobserved = 0, pending = 0, no_address = 0;
  std::vector<std::string> failed_names, ok_versions;
  for (std::size_t i = 0; i < probed_max; ++i) {
    mx_host& h = rep.mx[i];
    const std::string name = host_key(h.host);
    if (name.find('\\') != std::string::npos || !dns::encode_query(name, dns::rr_type::a).ok()) {
      // Not a host name (escapes, too long): there is no address to connect to.
      ++no_address;
      add(c, code::starttls_no_address, h.host + " is not a host name senders can connect to; it was not probed.");
      continue;
    }
    const lookup& a = ctx.resolve(name, dns::rr_type::a);
    const lookup& aaaa = ctx.resolve(name, dns::rr_type::aaaa);
    if (!a.settled() || !aaaa.settled()) {
      if (ctx.opt.aborted) {
        ++unobserved;
        c.findings.push_back(ctx.stopped("the addresses of " + name + " were known"));
      } else {
        ++pending;
      }
      continue;
    }
    std::vector<std::string> addrs = addresses_of(a, aaaa);
    if (addrs.empty()) {
      const bool said = (a.st == lookup::state::nxdomain || a.st == lookup::state::nodata) &&
                        (aaaa.st == lookup::state::nxdomain || aaaa.st == lookup::state::nodata);
      if (said) {
        ++no_address;
        add(c, code::starttls_no_address,
            h.host + " has no A or AAAA record (" + (a.st == lookup::state::nxdomain ? "NXDOMAIN" : "NODATA") +
                "): no sender can connect to it, and it was not probed.");
      } else {
        ++unobserved;
        if (a.failure) c.findings.push_back(*a.failure);
        else if (aaaa.failure) c.findings.push_back(*aaaa.failure);
      }
      continue;
    }
    h.addresses = addrs;
    const std::string id = ctx.need_starttls(name, addrs);
    const observation* o = ctx.find(id);
    if (o == nullptr) {
      if (ctx.opt.aborted) {
        ++unobserved;
        c.findings.push_back(ctx.stopped("the STARTTLS probe of " + name + " ended"));
      } else {
        ++pending;
      }
      continue;
    }
    if (o->kind != observation_kind::starttls || !o->tls) {
      ++unobserved;
      c.findings.push_back(ctx.stopped("the STARTTLS probe of " + name + " ended"));
      continue;
    }
    const tls_probe& p = *o->tls;
    h.tls = p;
    if (p.result == tls_result::ok) {
      ++ok;
      if (!p.version.empty()) ok_versions.push_back(p.version);
      if (ctx.opt.now_ms > 0 && p.certificate) {
        if (const auto end = tlsrpt::parse_rfc3339(p.certificate->not_after)) {
          const double left_s = static_cast<double>(*end) - ctx.opt.now_ms / 1000.0;
          const double warn_s = static_cast<double>(limits::certificate_warning_days) * 86400.0;
          if (left_s < warn_s) {
            const auto days = static_cast<std::size_t>(left_s > 0 ? left_s / 86400.0 : 0);
            add(c, code::starttls_certificate_expiring,
                h.host + "'s certificate expires on " + p.certificate->not_after + ", " +
                    (days == 0 ? std::string("in less than a day") : "in " + plural(days, "day", "days")) +
                    "; once it has expired, senders that honour an enforced policy stop delivering to the host.");
          }
        }
      }
      continue;
    }
    if (not_reached(p)) {
      ++unobserved;
      add(c, code::starttls_unreachable,
          "Could not connect to port 25 of " + h.host + " (" + list_names(addrs, 4) + ") from here" + detail_text(p) +
              ". Many networks block outbound port 25, so nothing is concluded about the host.");
      continue;
    }
    ++failed;
    failed_names.push_back(h.host + " (" + std::string(tls_result_name(p.result)) + ")");
    const std::string evidence = what_failed(ctx, h, p) + " [" + std::string(tls_result_name(p.result)) + "]";
    switch (mode) {
      case regime::enforce:
        add(c, code::starttls_failed,
            evidence + ". Under mode enforce, senders that honour the policy will not deliver to this host." +
                (p.result == tls_result::certificate_host_mismatch
                     // Who differs (docs/SENDERS.md "MX coverage and certificate names").
                     ? " (Every sender checks the certificate against the MX host name, except Postfix with an MTA-STS "
                       "plugin but without MX-pattern enforcement, before 3.10.5 or with a plugin that does not forward "
                       "the patterns: it accepts a certificate for any host a policy pattern matches.)"
                     : ""));
        break;
      case regime::testing:
        add(c, code::starttls_failed_testing,
            evidence + ". Under mode testing senders still deliver and report it; under enforce they would not.");
        break;
      case regime::unenforced:
        add(c, code::starttls_failed_unenforced,
            evidence + ". With no enforced policy, senders fall back to unauthenticated or plaintext delivery.");
        break;
      case regime::unknown:
        add(c, code::starttls_failed_unenforced,
            evidence + ". Whether senders refuse the host depends on the policy's mode, which could not be read.");
        break;
    }
  }
  if (rep.mx.size() > probed_max) {
    unobserved += rep.mx.size() - probed_max;
    add(c, code::starttls_capped,
        "STARTTLS was probed on the first " + std::to_string(probed_max) + " of " +
            plural(rep.mx.size(), "MX host", "MX hosts") + " only; nothing is said about the others.");
  }
  if (mode == regime::enforce && ok == 0 && failed > 0 && unobserved == 0 && pending == 0)
    add(c, code::starttls_none_ok,
        "No MX host of " + ctx.domain + " passes STARTTLS with a valid certificate (" + list_names(failed_names, 4) +
            "): under mode enforce, senders that honour the policy deliver no mail to the domain.");

  if (pending > 0 || (mode == regime::unknown && ctx.policy_pending)) {
    c.status = status::pending;
    c.summary = pending > 0 ? "Probing STARTTLS on " + plural(pending, "MX host", "MX hosts") + "."
                            : "Probed; waiting for the policy to judge the results.";
    return;
  }
  const std::size_t probed = ok + failed;
  c.status = from_findings(c, status::pass);
  if (c.status == status::pass && (unobserved > 0 || probed == 0)) c.status = status::unknown;
  if (failed > 0) {
    c.summary = std::to_string(failed) + " of " + plural(probed, "MX host", "MX hosts") + " probed failed STARTTLS: " +
                list_names(failed_names, 4) + ".";
  } else if (ok > 0 && unobserved == 0) {
    c.summary = (ok == 1 ? std::string("The MX host offers") : "All " + std::to_string(ok) + " MX hosts offer") +
                " STARTTLS with a valid certificate" +
                (ok_versions.empty() ? std::string() : " (" + ok_versions.front() + ")") + ".";
  } else if (ok > 0) {
    c.summary = std::to_string(ok) + " MX host" + (ok == 1 ? "" : "s") + " passed; " + std::to_string(unobserved) +
                " could not be probed from here.";
  } else if (unobserved > 0) {
    c.summary = "No MX host could be probed from here (port 25 may be blocked on this network).";
  } else {
    c.summary = "No MX host has an address to probe.";
  }
}

}  // namespace detail
}  // namespace mtasts::check
