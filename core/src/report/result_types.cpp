/**
 * @file result_types.cpp
 * @brief The eleven result types of RFC 8460 §4.3 (the IANA registry
 *        "STARTTLS Validation Result Types"), each with what the sender saw,
 *        what usually causes it and what to do. Shown beside every failure in
 *        the report viewer and by `mtasts report`.
 */
#include <string_view>
#include <vector>

#include "mtasts/report.h"

namespace mtasts::tlsrpt {

const std::vector<result_type_info>& result_types() noexcept {
  static const std::vector<result_type_info> table = {
      {"starttls-not-supported", "RFC 8460 §4.3.1",
       "The receiving MX host did not offer STARTTLS, so the sender could not encrypt the session.",
       "STARTTLS is turned off on that MX host, a firewall or an SMTP proxy strips it from the EHLO answer, or the "
       "host is an old backup MX nobody maintains.",
       "Turn on STARTTLS with a valid certificate on every MX host (Postfix: smtpd_tls_security_level = may and "
       "smtpd_tls_chain_files), and check no middlebox removes it."},
      {"certificate-host-mismatch", "RFC 8460 §4.3.1",
       "The MX host's certificate is not valid for the MX host name the sender connected to (RFC 8461 §4.2: a "
       "DNS-ID in the subjectAltName).",
       "The certificate names another host (a default or provider certificate), or the MX record points at a name "
       "the certificate does not list.",
       "Install a certificate whose subjectAltName lists every MX host name exactly as the MX records give it (or a "
       "wildcard for the whole left-most label)."},
      {"certificate-expired", "RFC 8460 §4.3.1", "The MX host presented a certificate that had expired.",
       "Automatic renewal failed, or the renewed certificate was never loaded by the mail server (it was not "
       "reloaded after renewal).",
       "Renew the certificate, reload the mail server and monitor the expiry date."},
      {"certificate-not-trusted", "RFC 8460 §4.3.1",
       "The MX host's certificate did not chain to a certification authority the sender trusts (untrusted or "
       "self-signed issuer, missing intermediate, name constraints).",
       "A self-signed or private-CA certificate, or a server that sends only the leaf without its intermediate "
       "certificates.",
       "Use a certificate from a publicly trusted CA and serve the full chain (leaf and intermediates); read "
       "failure-reason-code for the sender's exact error."},
      {"validation-failure", "RFC 8460 §4.3.1",
       "A failure that fits none of the other types: the TLS handshake or certificate validation failed for another "
       "reason.",
       "No common TLS version or cipher, a handshake the server aborted, or a sender-specific check; "
       "failure-reason-code and additional-information say more.",
       "Read failure-reason-code and additional-information; offer TLS 1.2 and 1.3 with current ciphers."},
      {"tlsa-invalid", "RFC 8460 §4.3.2.1",
       "The MX host's DANE TLSA records did not match the certificate it presented (none of the records in the "
       "RRset was valid).",
       "The certificate or key was replaced without publishing a TLSA record for the new one first.",
       "Publish TLSA records that match the certificate in use (3 1 1 of the current and the next key), and roll "
       "keys by publishing the new record before the change."},
      {"dnssec-invalid", "RFC 8460 §4.3.2.1",
       "The sender's resolver returned no valid (DNSSEC-validated) records for the MX host's TLSA lookup.",
       "Broken DNSSEC: an expired signature, a DS record that matches no key after a key rollover, or a name server "
       "that answers TLSA queries wrongly.",
       "Check the zone with a DNSSEC analyser; fix the signatures or the DS record at the parent."},
      {"dane-required", "RFC 8460 §4.3.2.1",
       "The sender requires DANE for this domain (by agreement, RFC 7672 §6), but found no DNSSEC-validated TLSA "
       "record for the MX host.",
       "The zone is not signed, or the MX host has no TLSA record.",
       "Sign the zone and publish TLSA records for every MX host, or ask the sender to drop its mandatory-DANE "
       "setting."},
      {"sts-policy-fetch-error", "RFC 8460 §4.3.2.2",
       "The sender could not fetch the MTA-STS policy from https://mta-sts.<domain>/.well-known/mta-sts.txt.",
       "The policy host does not resolve, refuses HTTPS, times out, redirects, or answers with a status other than "
       "200.",
       "Serve the policy at that URL with status 200 and no redirect; run the live check on this page to see what "
       "the policy host answers."},
      {"sts-policy-invalid", "RFC 8460 §4.3.2.2",
       "The sender fetched the MTA-STS policy but could not use it: the policy or the _mta-sts record is invalid.",
       "A syntax error in the policy file (blank lines, a missing field, a bad mode or max_age), a wrong "
       "Content-Type, or a _mta-sts record the sender cannot read.",
       "Lint the policy and the record on this page and fix every error."},
      {"sts-webpki-invalid", "RFC 8460 §4.3.2.2",
       "The policy host's HTTPS certificate could not be validated (RFC 8461 §3.3 requires a valid WebPKI "
       "certificate for mta-sts.<domain>).",
       "The certificate of mta-sts.<domain> is expired, self-signed, or for another name.",
       "Install a publicly trusted certificate for mta-sts.<domain> and renew it automatically."},
  };
  return table;
}

const result_type_info* find_result_type(std::string_view name) noexcept {
  for (const auto& t : result_types())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace mtasts::tlsrpt
