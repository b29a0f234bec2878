/**
 * @file context.h
 * @brief Internal: what the parts of the domain check share.
 *
 * Theory of operation. A report is recomputed from scratch from the options
 * and every observation so far (engine.cpp), so the same observations always
 * give the same report whatever order they came in. One computation:
 *
 *   1. input.cpp     the domain to check (or domain.invalid and nothing else)
 *   2. engine.cpp    the first wave: MX, TXT _mta-sts, TXT _smtp._tls,
 *                    A/AAAA mta-sts, and the policy GET, all at once
 *   3. the checks, in the order of the table in table.cpp, each a function
 *      `void(context&, check_result&)` in a file of its own; a check asks for
 *      what it needs (ctx.resolve, ctx.need_policy), which registers a request
 *      when it is new, and reads what was observed
 *   4. engine.cpp    pending requests, timings, the grade (grade.cpp, from
 *                    the findings), completeness
 *
 * Failures are worded in wording.cpp; CNAMEs are followed across queries in
 * lookup.cpp. A check reads what an earlier one left in the context (the
 * policy's lint, whether the MX hosts are known), never the other way round.
 *
 * Adding a kind of observation (a STARTTLS probe of each MX host, say):
 * a request kind and its observation members in check.h, one file with the
 * check that asks for it and reads it, and one row in table.cpp.
 */
#ifndef MTASTS_SRC_CHECK_CONTEXT_H
#define MTASTS_SRC_CHECK_CONTEXT_H

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtasts/check.h"
#include "mtasts/policy.h"

namespace mtasts::check::detail {

/** The outcome of resolving one name and type, CNAME chases included (lookup.cpp). */
struct lookup {
  enum class state : std::uint8_t { pending, records, nodata, nxdomain, failed, loop };
  lookup::state st = state::pending;
  std::string name;                  ///< the name asked
  std::vector<dns::record> records;  ///< of the type asked, owned by the last alias (or the name)
  std::vector<std::string> aliases;  ///< CNAME targets, in order
  bool ad = true;                    ///< every response on the way had AD set
  std::optional<finding> failure;    ///< failed or loop: why
  /** records, nodata, nxdomain: how long resolvers may keep the answer (check.h, ttl_info); nullopt if not said. */
  std::optional<std::uint32_t> ttl;
  bool settled() const { return st != state::pending; }
  bool exists() const { return st == state::records || st == state::nodata; }
};

class context {
 public:
  context(const state& s, std::vector<request>& requests, report& out)
      : opt(s.options), rep(out), observations_(s.observations), requests_(requests) {}

  const options& opt;
  report& rep;
  std::string domain;  ///< lower case, A-labels, no trailing dot (input.cpp)

  /** The observation for a request id (the last one, if a host retried), or nullptr. */
  const observation* find(std::string_view id) const;
  /** Resolves `name`/`type`, following CNAMEs across queries; asks for what is missing. Memoised per computation. */
  const lookup& resolve(const std::string& name, dns::rr_type type);
  /** Asks for the policy GET. */
  void need_policy();
  /** Asks for a STARTTLS probe of `host` at `addresses`; its id, "starttls:<host>". */
  std::string need_starttls(const std::string& host, const std::vector<std::string>& addresses);
  std::string policy_url() const { return "https://mta-sts." + domain + "/.well-known/mta-sts.txt"; }
  /** Every request so far (cause.cpp reads them). */
  const std::vector<request>& requests() const { return requests_; }
  /** Every lookup of this computation so far, by (name, type) (cause.cpp reads them). */
  const std::map<std::pair<std::string, dns::rr_type>, lookup>& lookups() const { return lookups_; }

  // ---- wording.cpp
  /** Why something was not observed when the host stopped the check: its signal, or the overall deadline. */
  finding stopped(const std::string& before) const;
  /** A DoH observation that is not an answer, as the finding that says so. */
  finding dns_failure(const observation& o, const std::string& what) const;

  // ---- what one check tells the next
  std::optional<policy_result> lint;  ///< the policy's lint, when there is a text (policy.cpp)
  bool policy_unknown = false;        ///< the policy was not observed (pending or unknown; policy_fetch.cpp)
  bool policy_pending = false;
  bool mx_null = false;               ///< a null MX and nothing else (mx.cpp)
  bool mx_known = false;              ///< the MX hosts are known (records or implicit)
  std::size_t mx_total = 0;           ///< MX hosts published (rep.mx keeps the first limits::mx_hosts)

 private:
  void need_dns(const std::string& id, const std::string& name, dns::rr_type type);
  lookup compute(const std::string& name, dns::rr_type type);

  const std::vector<observation>& observations_;
  std::vector<request>& requests_;
  std::map<std::pair<std::string, dns::rr_type>, lookup> lookups_;
};

/**
 * A CNAME chain from `l.name` whose last target does not exist (NXDOMAIN):
 * dns.cname.dangling, naming the chain, `risk` (what whoever registers or
 * claims the target then controls) and the fix; nullopt for any other
 * outcome (lookup.cpp).
 */
std::optional<finding> dangling_cname(const lookup& l, const std::string& risk);

/** The name of an Extended DNS Error code (RFC 8914 §4; wording.cpp). */
std::string_view ede_name(std::uint16_t code);

// ---- helpers every check uses (checks.cpp) ----------------------------------

void add(check_result& c, code k, std::string message);
/** Status from the findings: fail on an (observed) error, warn on a warning, else `otherwise`. */
status from_findings(const check_result& c, status otherwise);
/**
 * For the checks that look at each MX host (dane, starttls): when there are
 * none (a null MX, the domain missing) or they are not known yet (pending,
 * unknown), the check says so, `not_done` saying what was not done for
 * lack of them; true if so.
 */
bool without_mx_hosts(context& ctx, check_result& c, std::string_view not_done);
/** The addresses of an A and an AAAA lookup, in that order (presentation form). */
std::vector<std::string> addresses_of(const lookup& a, const lookup& aaaa);
/** A lookup that is pending or failed leaves the check pending or unknown; true if so. */
bool unsettled(check_result& c, const lookup& l, std::string_view what);

// ---- the checks, in the order of the report ----------------------------------

void check_sts(context& ctx, check_result& c);           // txt_record.cpp
void check_policy_fetch(context& ctx, check_result& c);  // policy_fetch.cpp
void check_policy(context& ctx, check_result& c);        // policy.cpp
void check_mx(context& ctx, check_result& c);            // mx.cpp
void check_starttls(context& ctx, check_result& c);      // starttls.cpp
void check_tlsrpt(context& ctx, check_result& c);        // txt_record.cpp
void check_dane(context& ctx, check_result& c);          // dane.cpp

using check_fn = void (*)(context&, check_result&);

/** One row of the table of checks (table.cpp). */
struct check_row {
  std::string_view id;
  std::string_view title;
  check_fn run;
  /** What an error on this check costs the grade. */
  grade_effect on_failure;
  /** What it might cost while the check is unknown (at its worst). */
  grade_effect worst_unknown;
  /** The grade's reason when this check fails it: "MTA-STS is not in effect: ...". */
  std::string_view failure_reason;
  /** What could not be observed, for the reason of an open grade: "the _mta-sts TXT record". */
  std::string_view subject;
  /** Only in a report from a host that probes STARTTLS (options.starttls); a browser's report never has it. */
  bool needs_starttls = false;
};

/** The checks, in report order. */
const std::vector<check_row>& checks();
/** The row of a check id, or nullptr. */
const check_row* check_by_id(std::string_view id);

/** Why the domain cannot be checked (empty if it can), and the domain to check (input.cpp). */
struct checked_input {
  std::string domain;  ///< lower case, no trailing dot
  std::string problem;
  bool idn = false;    ///< the host mapped a U-label input to this A-label domain
  std::string raw;     ///< the input, trimmed
  std::string unicode; ///< the domain's U-label form, when it has an xn-- label (idna.h)
};
checked_input check_input(const options& o);

/**
 * When failures cascade, names the one broken layer (report.cause), puts it
 * first, and leaves each dependent check one line that says it was not
 * checked and why, instead of the same failure again (cause.cpp). Runs after
 * every check, before the grade.
 */
void find_cause(context& ctx);

}  // namespace mtasts::check::detail

#endif
