/**
 * @file check.h
 * @brief The domain check: a sans-I/O state machine that says which DNS
 *        queries and which HTTPS GET it needs, takes what the host observed,
 *        and reports every check with its evidence and a grade.
 * @see RFC 8461 §3.1-§3.4, §4.1; RFC 8460 §3; RFC 7505; RFC 7672 §2.2;
 *      RFC 8484; docs/GRADING.md, docs/ARCHITECTURE.md
 *
 * The engine never touches the network, a clock or a file. The host (the
 * browser, web/host.mjs; or a test) loops:
 *
 *   domain_check c(options);
 *   for (;;) {
 *     for (const auto& r : c.requests()) if (!started(r.id)) start(r);   // all at once
 *     if (nothing in flight) break;
 *     c.observe(next_observation());   // DoH answer, HTTP status, failure, elapsed time
 *     show(c.result());               // a partial report: checks still waiting are `pending`
 *   }
 *
 * requests() lists every request the observations so far call for,
 * including those already observed; each has a stable id
 * ("dns:MX:example.com", "policy"), so the host starts each id once. The
 * state is the options plus the observations: recomputing from them is
 * deterministic, so the wasm boundary passes them as JSON (mtasts/json.h:
 * step_json) and JS holds no C++ object.
 *
 * The structs below ARE the schema of what crosses the boundary: their JSON
 * mapping is declared once, in core/src/json/, with the same names
 * (snake_case), and the hosts speak that shape as it is.
 *
 * What is "not configured" is said only when DNS says so (NXDOMAIN or
 * NODATA in a well-formed answer); a resolver failure, SERVFAIL, a timeout or
 * a policy the browser may not read make the affected checks `unknown`, and
 * the grade null when they could change it.
 */
#ifndef MTASTS_CHECK_H
#define MTASTS_CHECK_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtasts/dns.h"
#include "mtasts/finding.h"
#include "mtasts/limits.h"
#include "mtasts/policy.h"

namespace mtasts::check {

// ---------------------------------------------------------------------------
// What the engine asks for

enum class request_kind : std::uint8_t { dns, policy, starttls };

/**
 * One request for the host to run.
 *   JSON: {"id", "kind": "dns", "name", "type": "MX", "dns": "<base64url>"}
 *       | {"id", "kind": "policy", "url"}
 *       | {"id", "kind": "starttls", "host", "addresses": ["192.0.2.25", "2001:db8::25"]}
 *
 * starttls is asked for only when options.starttls is set (a native host):
 * connect to port 25 (the host's setting) at the addresses in their order
 * until one accepts, read the banner, EHLO, STARTTLS, the TLS handshake
 * with SNI `host`, verify the chain and the name `host` (RFC 8461 §4.2),
 * EHLO again, QUIT; report it as an observation of kind starttls.
 */
struct request {
  std::string id;  ///< "dns:<TYPE>:<name, lower case>", "policy" or "starttls:<host, lower case>"
  request_kind kind = request_kind::dns;
  // kind dns
  std::string name;      ///< the query name (A-labels)
  dns::rr_type type{};   ///< the query type
  std::string dns;       ///< the query message (ID 0, RD, AD, EDNS) as the RFC 8484 `dns` GET parameter (base64url)
  // kind policy
  std::string url;  ///< https://mta-sts.<domain>/.well-known/mta-sts.txt
  // kind starttls
  std::string host;                    ///< the MX host: lower case, A-labels, no trailing dot (SNI and the name verified)
  std::vector<std::string> addresses;  ///< its addresses from the A, then the AAAA answer, in presentation form
};

// ---------------------------------------------------------------------------
// What the host observed

/**
 * What the host observed for one request. DoH: answer / http-error /
 * timeout / aborted / network-error. The policy: response / redirect /
 * cors-blocked / unreachable / timeout / aborted. (JSON: the names with
 * hyphens.)
 */
enum class observation_kind : std::uint8_t {
  answer, http_error, timeout, aborted, network_error,    // DoH
  response, redirect, cors_blocked, unreachable,          // the policy (timeout, aborted too)
  starttls,                                               // a STARTTLS probe (its `tls`; aborted too)
};

/**
 * The outcome of a STARTTLS probe, in the words RFC 8460 §4.3 uses for the
 * same failures (so that it lines up with the senders' TLS-RPT reports), plus
 * the two ways a probe never reaches TLS.
 *   JSON: "ok", "starttls-not-supported", "certificate-host-mismatch",
 *   "certificate-expired", "certificate-not-trusted", "validation-failure",
 *   "unreachable", "timeout".
 */
enum class tls_result : std::uint8_t {
  ok,
  starttls_not_supported,     ///< no STARTTLS in the EHLO reply, or the STARTTLS command refused
  certificate_host_mismatch,  ///< the chain is trusted but no DNS-ID matches the MX host (RFC 8461 §4.2, RFC 6125)
  certificate_expired,        ///< past its notAfter
  certificate_not_trusted,    ///< no chain to a trusted root (self-signed, unknown issuer)
  validation_failure,         ///< any other handshake or validation failure (TLS older than 1.2, not yet valid, ...)
  unreachable,                ///< no address accepted the connection (refused, no route, no address)
  timeout,                    ///< a step took longer than the host's limit (`stage` says which)
};
[[nodiscard]] std::string_view tls_result_name(tls_result r) noexcept;
[[nodiscard]] bool tls_result_from_name(std::string_view name, tls_result& out) noexcept;

/** The MX host's certificate as presented (the leaf). JSON: the members by name. */
struct certificate {
  std::string subject;                 ///< one line, RFC 2253 form (OpenSSL XN_FLAG_RFC2253)
  std::string issuer;                  ///< the same form
  std::vector<std::string> dns_names;  ///< the subjectAltName dNSName entries, as written
  std::string not_before;              ///< RFC 3339 UTC, "2026-01-01T00:00:00Z"
  std::string not_after;               ///< the same form
};

/**
 * What a STARTTLS probe of one MX host observed. JSON: "tls": {"result",
 * "stage", "address", "detail", "banner", "version", "cipher", "certificate"}.
 */
struct tls_probe {
  tls_result result = tls_result::unreachable;
  /** Where the probe ended: connect, banner, ehlo, starttls, handshake, verify, done. */
  std::string stage;
  std::string address;  ///< the address that accepted the connection (or the last one tried)
  /** The exact reason: the server's reply, OpenSSL's verify error or alert, errno's text. Empty for ok. */
  std::string detail;
  std::string banner;   ///< the 220 greeting's first line (control bytes removed, at most 200 bytes)
  std::string version;  ///< "TLSv1.3" when the handshake completed
  std::string cipher;   ///< "TLS_AES_256_GCM_SHA384"
  std::optional<mtasts::check::certificate> certificate;  ///< when the server presented one
};

/**
 * JSON: {"id", "kind", "status"?, "content_type"? (string or null), "bytes"?
 * (base64), "truncated"?, "message"?, "via_relay"?, "relay_failure"?,
 * "elapsed_ms"?, "at_ms"?}; a member left out takes the value below.
 */
struct observation {
  std::string id;
  observation_kind kind = observation_kind::answer;
  std::uint16_t status = 0;                 ///< HTTP status (0 when none was visible)
  std::optional<std::string> content_type;  ///< the header as sent; nullopt when absent
  std::string bytes;      ///< the DNS message, or the policy body (at most 65,537 bytes); base64 in JSON
  bool truncated = false; ///< the body went on past the largest size that is read
  std::string message;    ///< error text, or an HTTP error body excerpt
  bool via_relay = false; ///< the policy came through the user's relay
  std::string relay_failure;  ///< cors-blocked: why the relay (if any) failed too
  /**
   * unreachable, from a native host that can tell (a browser cannot): what
   * failed, one of "certificate-expired", "certificate-not-yet-valid",
   * "certificate-host-mismatch", "certificate-not-trusted", "tls-handshake"
   * (any other TLS failure), "connection-refused", "no-address" (the name
   * did not resolve), "network" (anything else). `message` has the exact
   * text (OpenSSL's verify error, curl's). Empty: not said.
   */
  std::string failure;
  double elapsed_ms = 0;  ///< how long the request took
  double at_ms = 0;       ///< when it settled, from the start of the check
  std::optional<tls_probe> tls;  ///< kind starttls: what the probe saw
};

/** What kind of program runs the check, and so what it can observe. JSON "host": "browser" | "native". */
enum class host_kind : std::uint8_t { browser, native };

/** The check's inputs. JSON: the members by name, at the top level of the state. */
struct options {
  std::string input;     ///< the domain as the user typed it (shown in the report)
  /** The domain as A-labels (the host maps an IDN with UTS #46, e.g. JS `new URL`); empty: `input`. */
  std::string domain;
  std::string resolver;  ///< the DoH URL used (shown in the report; never fetched here)
  /** The policy as pasted (bytes; base64 in JSON), used when the browser could not read the policy. */
  std::optional<std::string> pasted_policy;
  std::size_t tlsa_cap = limits::tlsa_cap;  ///< MX hosts whose TLSA records are looked up
  /** The host stopped the check (AbortSignal): what was not observed is aborted, not pending. */
  bool aborted = false;
  /** With `aborted`: it was the check's overall deadline (check.deadline rather than check.aborted). */
  bool deadline = false;
  double total_timeout_ms = limits::total_timeout_ms;  ///< that deadline, for the wording
  double dns_timeout_ms = limits::dns_timeout_ms;      ///< for the wording of timeouts
  double policy_timeout_ms = limits::policy_timeout_ms;
  /** Who runs the check (shown in the report with what it observes). */
  host_kind host = host_kind::browser;
  /** The host probes the MX hosts' STARTTLS (a native host without --no-smtp): the engine asks for it. */
  bool starttls = false;
  double smtp_timeout_ms = limits::smtp_timeout_ms;  ///< for the wording of probe timeouts
  std::size_t starttls_cap = limits::starttls_hosts;  ///< MX hosts probed (starttls.capped past it)
  /** Now, in Unix milliseconds (certificate expiry); 0: not given, nothing is said about time left. */
  double now_ms = 0;
};

/** Everything the engine needs to compute a report: the options and what was observed. JSON: the options' members plus "observations". */
struct state {
  check::options options;
  std::vector<observation> observations;
};

// ---------------------------------------------------------------------------
// The report (schema 1, kind "domain"; docs/GRADING.md)

enum class status : std::uint8_t { pass, warn, fail, info, unknown, pending };
using check_status = status;
[[nodiscard]] std::string_view status_name(status s) noexcept;

/** One of the report's checks, with the findings that explain its status. */
struct check_result {
  std::string id;     ///< sts, policy_fetch, policy, mx, tlsrpt, dane
  std::string title;
  check_status status = check_status::pending;
  std::string summary;  ///< one sentence with the evidence
  std::vector<finding> findings;
};

/** TLSA records at _25._tcp.<host>: how many, and whether the answer was DNSSEC-validated. JSON {"records", "ad"}. */
struct tlsa_info {
  std::size_t records = 0;
  bool ad = false;
};

/** An MX host (or the domain itself with implicit MX) and what was found for it. */
struct mx_host {
  std::string host;  ///< as in the MX RDATA (presentation form)
  std::uint16_t preference = 0;
  std::optional<bool> covered;  ///< by a policy mx pattern; nullopt without a policy
  std::optional<std::string> pattern;  ///< the first pattern that matched
  std::optional<tlsa_info> tlsa;       ///< nullopt when not (yet) known
  std::vector<std::string> addresses;  ///< starttls hosts only: the addresses probed (A, then AAAA)
  std::optional<tls_probe> tls;        ///< the STARTTLS probe, when the host observed one
};

/** The program that ran the check and what it could observe. JSON {"kind": "native", "observes": ["dns", "policy", "starttls"]}. */
struct host_info {
  host_kind kind = host_kind::browser;
  std::vector<std::string> observes;
};

struct sts_info {
  std::vector<std::string> records;  ///< every TXT RR at _mta-sts, strings joined
  std::optional<std::string> record; ///< the one starting with v=STSv1;
  std::optional<std::string> id;     ///< set when that record is valid
  std::vector<std::string> aliases;  ///< CNAME targets followed
  bool ad = false;
};

enum class policy_source : std::uint8_t { fetched, relay, pasted };

struct policy_info {
  policy_source source = policy_source::fetched;
  std::string url;
  std::optional<std::uint16_t> status;
  std::optional<std::string> content_type;
  std::size_t size = 0;
  std::string text;  ///< the body as read (at most 65,537 bytes)
  bool valid = false;
  std::optional<mtasts::policy> policy;  ///< JSON: its mode, max_age and mx at this level
};

struct tlsrpt_info {
  std::vector<std::string> records;
  std::optional<std::string> record;
  bool valid = false;
  std::vector<std::string> rua;
};

enum class grade : std::uint8_t { a_plus, a, b, c, d, f };
[[nodiscard]] std::string_view grade_name(grade g) noexcept;

/**
 * The one broken layer a cascade of failures comes from (core/src/check/cause.cpp,
 * docs/GRADING.md "The root cause"). JSON "cause": {"code", "check" (null for
 * a finding about the domain or the resolver), "headline", "message", "affects"}.
 */
struct cause_info {
  mtasts::code code{};
  std::string check;                 ///< the check that holds the finding; empty: among the domain's findings
  std::string headline;              ///< one line: "the DNS resolver could not be reached", "mta-sts.example.com does not exist"
  std::string message;               ///< the finding's message
  std::vector<std::string> affects;  ///< the checks not checked (or not checked further) because of it, in report order
};

struct timing {
  std::string id;
  double elapsed_ms = 0;
};

/**
 * How long resolvers may keep the answers the check read, in seconds
 * (docs/GRADING.md, "TTLs"): for records, the TTL of the RRset, and along a
 * CNAME chain the longest link (a resolver keeps each link for its own TTL,
 * so the whole answer is gone only when the longest has expired); for
 * NXDOMAIN and NODATA the negative-caching TTL, min(SOA TTL, SOA MINIMUM),
 * of the SOA in the authority section (RFC 2308 §5). policy_host is the
 * longer of the A and AAAA answers that hold addresses (the negative TTL when
 * neither does). nullopt when not observed (pending, failed, a negative
 * answer without an SOA). JSON "ttl": {"mx", "sts", "tlsrpt", "policy_host"},
 * each a number or null.
 */
struct ttl_info {
  std::optional<std::uint32_t> mx, sts, tlsrpt, policy_host;
};

struct report {
  std::string input, domain, resolver;
  /** The domain's U-label form when it has an A-label (`xn--`), for display beside `domain`; empty otherwise. */
  std::string domain_unicode;
  host_info host;
  std::optional<check::grade> grade;
  /** [worst, best] when the grade is null because facts were not observed. */
  std::optional<std::pair<check::grade, check::grade>> grade_range;
  std::string grade_reason;
  bool complete = false;
  std::vector<check_result> checks;
  /** About the input itself (domain.*), or check.aborted. JSON: in "findings" with "check": null, before the checks' findings. */
  std::vector<finding> domain_findings;
  /** When failures cascade: the broken layer, which the report leads with. */
  std::optional<cause_info> cause;
  std::optional<std::string> mx_kind;    ///< records, implicit, null; nullopt while unknown
  std::vector<mx_host> mx;
  std::optional<sts_info> sts;
  std::optional<policy_info> policy;
  std::optional<tlsrpt_info> tlsrpt;
  std::optional<bool> mx_ad;  ///< JSON: dnssec.mx_ad (dnssec.sts_ad is sts.ad; dnssec.tlsa comes from mx)
  std::vector<timing> timings;  ///< JSON: timings.requests
  double total_ms = 0;          ///< JSON: timings.total_ms
  std::vector<std::string> pending;  ///< ids of requests not yet observed
  check::ttl_info ttl;  ///< of the MX, _mta-sts, _smtp._tls and mta-sts answers
};

// ---------------------------------------------------------------------------
// The engine

/** The domain check. Cheap to construct and deterministic; it throws nothing (out of memory aside: docs/ARCHITECTURE.md). */
class domain_check {
 public:
  explicit domain_check(options o);
  explicit domain_check(state s);
  /** Every request the observations so far call for (observed ones included), in a stable order. */
  [[nodiscard]] const std::vector<request>& requests() const noexcept { return requests_; }
  /** Takes one observation; an id that was never requested is ignored; a second one for an id replaces the first. */
  void observe(observation o);
  /** Takes several observations at once (one recomputation instead of one per observation). */
  void observe(std::vector<observation> many);
  /** The report as of now. */
  [[nodiscard]] const check::report& result() const noexcept { return report_; }

 private:
  void run();
  state state_;
  std::vector<request> requests_;
  check::report report_;
};

}  // namespace mtasts::check

#endif
