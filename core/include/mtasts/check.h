/**
 * @file check.h
 * @brief The domain check: a sans-I/O state machine that says which DNS
 *        queries and which HTTPS GET it needs, takes what the host observed,
 *        and reports every check with its evidence and a grade.
 * @see RFC 8461 §3.1-§3.4, §4.1; RFC 8460 §3; RFC 7505; RFC 7672 §2.2;
 *      RFC 8484; docs/GRADING.md
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
 * deterministic, so the wasm boundary passes them as JSON and JS holds no
 * C++ object.
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
#include "mtasts/policy.h"

namespace mtasts::check {

enum class request_kind : std::uint8_t { dns, policy };

/** One request for the host to run. */
struct request {
  std::string id;  ///< "dns:<TYPE>:<name, lower case>" or "policy"
  request_kind kind = request_kind::dns;
  // kind::dns
  std::string name;             ///< the query name (A-labels)
  dns::rr_type type{};          ///< the query type
  std::vector<std::uint8_t> wire;  ///< the query message (ID 0, RD, AD; RFC 8484 §4.1)
  // kind::policy
  std::string url;  ///< https://mta-sts.<domain>/.well-known/mta-sts.txt
};

/**
 * What the host observed for one request. The kinds are those of
 * web/host.mjs: answer / http_error / timeout / aborted / network_error for
 * DoH; response / redirect / cors_blocked / unreachable / timeout / aborted
 * for the policy.
 */
enum class observation_kind : std::uint8_t {
  answer, http_error, timeout, aborted, network_error,    // DoH
  response, redirect, cors_blocked, unreachable,          // the policy (timeout, aborted too)
};

struct observation {
  std::string id;
  observation_kind kind = observation_kind::answer;
  std::uint16_t status = 0;                 ///< HTTP status (0 when none was visible)
  std::optional<std::string> content_type;  ///< the header as sent; nullopt when absent
  std::string bytes;      ///< the DNS message, or the policy body (at most 65,537 bytes)
  bool truncated = false; ///< the policy body went on past 65,536 bytes
  std::string message;    ///< error text, or an HTTP error body excerpt
  bool via_relay = false; ///< the policy came through the user's relay
  std::string relay_failure;  ///< cors_blocked: why the relay (if any) failed too
  double elapsed_ms = 0;  ///< how long the request took
  double at_ms = 0;       ///< when it settled, from the start of the check
};

struct options {
  std::string input;     ///< the domain as the user typed it (shown in the report)
  /** The domain as A-labels (the host maps an IDN with UTS #46, e.g. JS `new URL`); empty: `input`. */
  std::string domain;
  std::string resolver;  ///< the DoH URL used (shown in the report; never fetched here)
  std::optional<std::string> pasted_policy;  ///< used when the browser could not read the policy
  std::size_t tlsa_cap = 10;  ///< MX hosts whose TLSA records are looked up
  /** The host stopped the check (AbortSignal): what was not observed is aborted, not pending. */
  bool aborted = false;
  /** With `aborted`: it was the check's overall deadline (check.deadline rather than check.aborted). */
  bool deadline = false;
  double total_timeout_ms = 30000;  ///< that deadline, for the wording
  double dns_timeout_ms = 5000, policy_timeout_ms = 10000;  ///< for the wording of timeouts
};

/** MX hosts evaluated (by preference); past it, mx.hosts.capped and nothing claimed (docs/LIMITS.md). */
inline constexpr std::size_t max_mx_hosts = 100;

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

/** An MX host (or the domain itself with implicit MX) and what was found for it. */
struct mx_host {
  std::string host;  ///< as in the MX RDATA (presentation form)
  std::uint16_t preference = 0;
  std::optional<bool> covered;  ///< by a policy mx pattern; nullopt without a policy
  std::string pattern;          ///< the first pattern that matched
  /** TLSA at _25._tcp.<host>: the count and the AD bit; nullopt when not (yet) known. */
  std::optional<std::pair<std::size_t, bool>> tlsa;
};

struct sts_info {
  std::vector<std::string> records;  ///< every TXT RR at _mta-sts, strings joined
  std::optional<std::string> record; ///< the one starting with v=STSv1;
  std::optional<std::string> id;     ///< set when that record is valid
  std::vector<std::string> aliases;  ///< CNAME targets followed
  bool ad = false;
};

struct policy_info {
  enum class source : std::uint8_t { fetched, relay, pasted };
  policy_info::source source = source::fetched;
  std::string url;
  std::optional<std::uint16_t> status;
  std::optional<std::string> content_type;
  std::size_t size = 0;
  std::string text;  ///< the body as read (at most 65,537 bytes)
  bool valid = false;
  std::optional<mtasts::policy> policy;
};

struct tlsrpt_info {
  std::vector<std::string> records;
  std::optional<std::string> record;
  bool valid = false;
  std::vector<std::string> rua;
};

enum class grade : std::uint8_t { a_plus, a, b, c, d, f };
[[nodiscard]] std::string_view grade_name(grade g) noexcept;

struct report {
  std::string input, domain, resolver;
  std::optional<check::grade> grade;
  /** [worst, best] when the grade is null because facts were not observed. */
  std::optional<std::pair<check::grade, check::grade>> grade_range;
  std::string grade_reason;
  bool complete = false;
  std::vector<check_result> checks;
  std::vector<finding> domain_findings;  ///< about the input itself (domain.*), or check.aborted
  std::string mx_kind;                   ///< records, implicit, null; empty while unknown
  std::vector<mx_host> mx;
  std::optional<sts_info> sts;
  std::optional<policy_info> policy;
  std::optional<tlsrpt_info> tlsrpt;
  std::optional<bool> mx_ad, sts_ad;
  struct timing { std::string id; double elapsed_ms = 0; };
  std::vector<timing> timings;
  double total_ms = 0;
  std::vector<std::string> pending;  ///< ids of requests not yet observed
};

/** The domain check. Cheap to construct and deterministic; nothing but std::bad_alloc can escape (native builds report even that as lint.internal). */
class domain_check {
 public:
  explicit domain_check(options o);
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
  options options_;
  std::vector<observation> observations_;
  std::vector<request> requests_;
  check::report report_;
};

/** The report as JSON (schema 1, kind "domain"); see docs/GRADING.md. */
[[nodiscard]] std::string to_json(const report& r);

/**
 * One step across the wasm boundary. In: {"input", "domain", "resolver",
 * "pasted_policy"? (text) or "pasted_policy_b64"? (bytes), "tlsa_cap"?, "aborted"?, "dns_timeout_ms"?,
 * "policy_timeout_ms"?, "observations": [{"id", "kind", "status"?,
 * "content_type"?, "bytes"? (base64), "truncated"?, "message"?,
 * "via_relay"?, "relay_failure"?, "elapsed_ms"?, "at_ms"?}]}. Out:
 * {"requests": [{"id", "kind", "name", "type", "dns" (base64url), "url"}],
 * "report": {...}} or {"error": "..."} for input that is not such JSON.
 */
[[nodiscard]] std::string step_json(std::string_view state_json) noexcept;

/** The output half of step_json(): {"requests": [...], "report": {...}} for a check. */
[[nodiscard]] std::string step_output_json(const domain_check& c);

/** "answer", "http-error", "timeout", "aborted", "network-error", "response", "redirect",
 *  "cors-blocked", "unreachable" (the host's names) to the kind; false for anything else. */
[[nodiscard]] bool observation_kind_from(std::string_view name, observation_kind& out) noexcept;

}  // namespace mtasts::check

#endif
