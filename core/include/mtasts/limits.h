/**
 * @file limits.h
 * @brief Every threshold and limit of the checker, in one place.
 *
 * The linters, the domain check and the grade read them from here; the
 * WebAssembly module exports them to JavaScript (`m.limits`, snake_case
 * names as below), where the page builds its suggested fixes with them.
 * docs/LIMITS.md says where each is enforced and which finding says it was
 * reached.
 */
#ifndef MTASTS_LIMITS_H
#define MTASTS_LIMITS_H

#include <cstddef>
#include <cstdint>

namespace mtasts::limits {

// ---- the policy file (RFC 8461 §3.2, §3.3) ----------------------------------

/** RFC 8461 §3.3 suggests "64 kilobytes": senders stop reading there, and the linter reads no further. */
inline constexpr std::size_t policy_max_bytes = 65536;
/** Past this, senders that read "64 KB" as 64,000 bytes would cut the policy (policy.size.large). */
inline constexpr std::size_t policy_large_bytes = 64000;
/** The largest max_age RFC 8461 §3.2 allows: 31557600 s (365.25 days). */
inline constexpr std::uint64_t max_age_max = 31557600;
/** One week: the max_age below which a policy is a grade shortfall (policy.max_age.under_week; RFC 8461 §10.2 expects weeks or more). */
inline constexpr std::uint64_t max_age_week = 604800;
/** One day: a max_age below it is a warning (policy.max_age.under_day). */
inline constexpr std::uint64_t max_age_day = 86400;
/** With mode none, a max_age above this keeps senders' old policy too long (policy.mode.none_long_max_age). */
inline constexpr std::uint64_t max_age_withdraw = 86400;

// ---- the domain check -------------------------------------------------------

/** MX hosts evaluated, lowest preference first (mx.hosts.capped past it). */
inline constexpr std::size_t mx_hosts = 100;
/** MX hosts whose TLSA records are looked up, unless the host asks for another number (dane.tlsa.capped). */
inline constexpr std::size_t tlsa_cap = 10;
/** CNAME links chased across queries for one name (dns.answer.cname_loop past it). */
inline constexpr std::size_t cname_hops = 8;
/** CNAME links followed inside one answer. */
inline constexpr std::size_t cname_chain_in_answer = 16;
/** The largest DNS message (RFC 1035 §4.2.2): a DoH answer past it is not read (dns.query.too_large). */
inline constexpr std::size_t dns_message_max = 65535;
/** Compression pointers followed for one name. */
inline constexpr std::size_t pointer_hops = 127;
/** A domain to check leaves room for the longest name queried, _smtp._tls.<domain>, in 253 characters. */
inline constexpr std::size_t domain_max_length = 242;
/** The hosts' default time limits (ms): a DNS query, the policy fetch, the whole check. */
inline constexpr double dns_timeout_ms = 5000;
inline constexpr double policy_timeout_ms = 10000;
inline constexpr double total_timeout_ms = 30000;
/** A native host's limit for each step of a STARTTLS probe (connect, a reply, the handshake). */
inline constexpr double smtp_timeout_ms = 10000;
/** MX hosts whose STARTTLS a native host probes, lowest preference first (starttls.capped past it). */
inline constexpr std::size_t starttls_hosts = 20;
/** A certificate that expires within this many days gets starttls.certificate.expiring. */
inline constexpr std::int64_t certificate_warning_days = 14;

// ---- TLS-RPT reports (RFC 8460; core/src/report/, the hosts' containers) -----

/** The JSON text of one report (report.size.too_large past it); a real daily report is kilobytes. */
inline constexpr std::size_t report_max_bytes = 32u * 1024 * 1024;
/** One file as given, and everything one file decompresses to (report.container.too_large past it). */
inline constexpr std::size_t report_file_max_bytes = 64u * 1024 * 1024;
/** Entries of one zip archive that are opened (report.container.too_large past it). */
inline constexpr std::size_t report_archive_entries = 1000;

// ---- findings -----------------------------------------------------------------

/** Positional findings listed per code, and warnings and notes in all (lint.truncated says how many more). */
inline constexpr std::size_t findings_per_code = 20;
inline constexpr std::size_t findings_total = 200;

}  // namespace mtasts::limits

#endif
