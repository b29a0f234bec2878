/**
 * @file wording.cpp
 * @brief How the check words what it could not observe: a resolver's
 *        failure (HTTP error, timeout, network), a stop (the host's signal or
 *        the overall deadline), and the names of Extended DNS Errors.
 */
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {

using mtasts::detail::quote;
using mtasts::detail::seconds_text;

finding context::stopped(const std::string& before) const {
  if (opt.deadline)
    return finding{code::check_deadline,
                   "The check reached its overall limit of " + seconds_text(opt.total_timeout_ms) + " before " + before + "."};
  return finding{code::check_aborted, "The check was stopped before " + before + "."};
}

finding context::dns_failure(const observation& o, const std::string& what) const {
  switch (o.kind) {
    case observation_kind::http_error: {
      std::string msg = "The resolver answered HTTP " + std::to_string(o.status) + " to the query for " + what;
      if (o.content_type) msg += " (Content-Type " + quote(*o.content_type) + ")";
      if (!o.message.empty()) msg += ": " + quote(o.message, 120);
      return finding{code::dns_query_failed, msg + ". Nothing is known about this name."};
    }
    case observation_kind::timeout:
      return finding{code::dns_query_timeout,
                     "The resolver did not answer the query for " + what + " within " + seconds_text(opt.dns_timeout_ms) + "."};
    case observation_kind::aborted:
      return stopped("the answer to " + what + " arrived");
    case observation_kind::network_error:
      if (o.status != 0)  // the headers came; the body broke off
        return finding{code::dns_query_failed,
                       "The resolver answered HTTP " + std::to_string(o.status) + " to the query for " + what +
                           ", but the answer broke off before it was read" +
                           (o.message.empty() ? std::string() : " (" + quote(o.message, 120) + ")") +
                           ". Nothing is known about this name."};
      return finding{code::dns_query_failed,
                     "The resolver could not be reached for " + what +
                         (o.message.empty() ? std::string() : " (" + quote(o.message, 120) + ")") +
                         (opt.host == host_kind::native ? std::string(": the network or the resolver URL.")
                                                        : std::string(": the network, the resolver URL, or the resolver's CORS policy."))};
    default:
      return finding{code::dns_query_malformed, "The host reported an observation of the wrong kind for " + what + "."};
  }
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

}  // namespace mtasts::check::detail
