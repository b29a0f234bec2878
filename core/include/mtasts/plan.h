/**
 * @file plan.h
 * @brief A dated change plan: for each change a domain's owner makes to its
 *        MTA-STS set-up (testing to enforce, a new or replaced MX host,
 *        withdrawing MTA-STS, moving the policy host), the steps in order,
 *        the records ready to paste and the earliest safe time of each step,
 *        computed from the live data of a domain check (the policy's
 *        max_age, the answers' TTLs, the mode and the MX hosts).
 * @see RFC 8461 §3.1, §3.2, §3.3, §5, §5.1, §8.1, §8.3; RFC 2308 §5;
 *      RFC 8460 §3; docs/GRADING.md ("The change plan")
 *
 * Sans I/O like the rest of the core: `now` is a parameter (Unix
 * milliseconds), nothing throws. A time that depends on a TTL or a max_age
 * that was not observed is null, with the reason; no value is ever assumed.
 *
 * @example
 *   auto in = mtasts::plan::input_from_report(check.result());
 *   in.planned_mx = {"mx1.new-provider.example"};
 *   auto p = mtasts::plan::make_plan(in, now_ms);
 *   std::fputs(mtasts::plan::plan_text(p).c_str(), stdout);
 */
#ifndef MTASTS_PLAN_H
#define MTASTS_PLAN_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mtasts/check.h"
#include "mtasts/policy.h"

namespace mtasts::plan {

/** What the plan needs from a domain check's report (input_from_report, or the report's JSON: mtasts/json.h). */
struct plan_input {
  std::string domain;  ///< lower case, A-labels
  /** The policy fetch was settled: a policy was read (or pasted), or the host answered that there is none. */
  bool policy_observed = false;
  /** Why the policy was not observed (the policy_fetch check's summary), for the warning. */
  std::string policy_unobserved_why;
  /**
   * The policy served today, when senders can use it: valid, or valid but
   * for a max_age over RFC 8461's limit (then `max_age` is that value, over
   * limits::max_age_max, and the plan uses the cap and says so).
   */
  std::optional<mtasts::policy> policy;
  std::string policy_text;  ///< the policy as served (the move serves it as it is)
  /** A policy was served but it is not valid (so senders may keep an older one, of unknown max_age). */
  bool policy_invalid = false;
  std::optional<std::string> mx_kind;  ///< records, implicit, null; nullopt while unknown
  std::vector<std::string> mx;         ///< the MX hosts, by preference (the domain itself for implicit MX)
  std::optional<std::string> sts_record;  ///< the _mta-sts record starting with v=STSv1;
  std::optional<std::string> sts_id;      ///< its id, when the record is valid
  std::optional<std::string> tlsrpt_record;  ///< the valid TLS-RPT record
  check::ttl_info ttl;
  /** The MX hosts after a migration (all of them, new and kept), as the user typed them; empty: none planned. */
  std::vector<std::string> planned_mx;
};

/** From a report (the CLI). */
[[nodiscard]] plan_input input_from_report(const check::report& r);
/**
 * Sets the policy from the text served (re-linted: `policy`, or
 * `policy_invalid`); a policy invalid only for a max_age over the limit
 * counts as served with that max_age (plan_input::policy).
 */
void set_served_policy(plan_input& in, std::string_view text);

/** One record or file to publish. JSON {"type": "TXT" | "policy" | "MX", "name", "value"}. */
struct plan_record {
  std::string type;   ///< TXT, policy (the file at `name`, an https URL) or MX
  std::string name;   ///< the owner name, or the policy URL
  std::string value;  ///< the record's text, or the whole policy file
};

/** One step. JSON {"text", "records", "not_before": ms | null, "when", "reason"}. */
struct plan_step {
  std::string text;
  std::vector<plan_record> records;
  /** The earliest safe time (Unix ms, a whole minute), or nullopt when it rests on a value not observed. */
  std::optional<double> not_before;
  /** "from 2026-12-16 09:00 UTC (now)", "after 2026-12-16 09:00 UTC", or "not known". */
  std::string when;
  /** Why that time ("when every cached copy of the old policy has expired"), or why it is not known. */
  std::string reason;
};

/** One change. JSON {"id", "title", "applies", "why", "warnings", "steps"}. */
struct plan_change {
  std::string id;     ///< enforce, mx, withdraw, policy_host
  std::string title;
  bool applies = true;
  std::string why;    ///< what the plan rests on, or why the change does not apply
  std::vector<std::string> warnings;
  std::vector<plan_step> steps;  ///< empty when it does not apply
};

/** JSON: {"schema": 1, "kind": "plan", "domain", "now", "max_age", "ttl", "warnings", "changes", "text"}. */
struct change_plan {
  std::string domain;
  double now = 0;
  /** The max_age the dates use (the served value, over limits::max_age_max too: some senders keep it that long), when known. */
  std::optional<std::uint64_t> max_age;
  check::ttl_info ttl;
  std::vector<std::string> warnings;  ///< about the whole plan (no policy observed, max_age over the limit)
  std::vector<plan_change> changes;   ///< always the four, in the order of plan_change::id above
};

/** The plan, as of `now_ms` (Unix milliseconds). */
[[nodiscard]] change_plan make_plan(const plan_input& in, double now_ms);

/** The whole plan as plain text (what the page downloads and the CLI prints). */
[[nodiscard]] std::string plan_text(const change_plan& p);

/** "2026-12-16 09:00 UTC" for Unix ms (seconds dropped). */
[[nodiscard]] std::string format_time(double ms);
/** A 14-digit UTC time, YYYYMMDDHHMMSS: a valid _mta-sts id (RFC 8461 §3.1) that says when it was made. */
[[nodiscard]] std::string fresh_id(double ms);

}  // namespace mtasts::plan

#endif
