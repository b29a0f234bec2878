/**
 * @file grade.cpp
 * @brief The grading rubric (docs/GRADING.md), in one place, over the
 *        findings of a report: each observed finding's effect comes from its
 *        row in codes.def, and "fails_check" from its check's row in
 *        check/checks.cpp. A new graded finding is a row of codes.def and the
 *        code that raises it; nothing here changes.
 */
#include "mtasts/grade.h"

#include <map>
#include <string>
#include <vector>

#include "check/context.h"
#include "text.h"

namespace mtasts::check {
namespace {

using detail::check_row;

/** What the findings establish, with the finding (or check) that established each. */
struct tally {
  const finding* no_grade = nullptr;
  const finding* f = nullptr;     ///< what makes it F
  const check_row* f_check = nullptr;
  const finding* withdrawn = nullptr;
  const finding* testing = nullptr;
  std::map<grade_effect, const finding*> shortfalls;
  bool no_dane = false;
  bool warning = false;
  const check_row* uncovered = nullptr;  ///< an MX host may be uncovered: what that costs depends on the mode
  std::vector<const finding*> starttls_failed;  ///< enforce: MX hosts senders will not deliver to (C at best)
};

void apply(tally& t, grade_effect e, const finding* f, const check_row* row) {
  if (e == grade_effect::fails_check) e = row ? row->on_failure : grade_effect::domain_missing;
  switch (e) {
    case grade_effect::none: return;
    case grade_effect::fails_check:  // a row's own failure: F
    case grade_effect::domain_missing:
    case grade_effect::no_secure_mx:
      if (!t.f && !t.f_check) {
        t.f = f;
        t.f_check = row;
      }
      return;
    case grade_effect::no_grade:
      if (!t.no_grade) t.no_grade = f;
      return;
    case grade_effect::withdrawn:
      if (!t.withdrawn) t.withdrawn = f;
      return;
    case grade_effect::testing:
      if (!t.testing) t.testing = f;
      return;
    case grade_effect::max_age:
    case grade_effect::content_type:
    case grade_effect::tlsrpt:
    case grade_effect::uncovered_testing:
      t.shortfalls.emplace(e, f);
      return;
    case grade_effect::no_dane:
      t.no_dane = true;
      return;
    case grade_effect::uncovered:
      if (!t.uncovered) t.uncovered = row;
      return;
    case grade_effect::starttls_partial:
      if (f) t.starttls_failed.push_back(f);
      return;
  }
}

void consider(tally& t, const finding& f, const check_row* row) {
  if (code_observation(f.code) == observation_state::unobserved) return;
  if (code_severity(f.code) == severity::warning) t.warning = true;
  apply(t, code_effect(f.code), &f, row);
}

tally count(const report& r, bool best) {
  tally t;
  for (const auto& f : r.domain_findings) consider(t, f, nullptr);
  for (const auto& c : r.checks) {
    const check_row* row = detail::check_by_id(c.id);
    for (const auto& f : c.findings) consider(t, f, row);
    if (!best && row && (c.status == status::unknown || c.status == status::pending)) {
      // Not observed: at its worst it failed.
      apply(t, row->worst_unknown, nullptr, row);
      t.warning = true;
    }
  }
  if (t.uncovered) {
    // RFC 8461 §5: only enforce refuses delivery to an uncovered MX host.
    if (t.testing) t.shortfalls.emplace(grade_effect::uncovered_testing, nullptr);
    else if (!t.withdrawn && !t.f && !t.f_check) t.f_check = t.uncovered;
  }
  return t;
}

std::string shortfall_phrase(grade_effect e) {
  switch (e) {
    case grade_effect::tlsrpt: return "no valid TLS-RPT record";
    case grade_effect::max_age: return "max_age under a week";
    case grade_effect::content_type: return "Content-Type not text/plain";
    case grade_effect::uncovered_testing: return "an MX host not covered by the policy";
    default: return "a shortfall";
  }
}

struct verdict {
  std::optional<grade> g;  ///< nullopt: no grade at all (no_grade)
  std::string reason;
};

verdict evaluate(const report& r, bool best) {
  const tally t = count(r, best);
  if (t.no_grade) return {std::nullopt, "No grade: " + t.no_grade->message};
  if (t.f || t.f_check) {
    const std::string_view why = t.f_check ? t.f_check->failure_reason : std::string_view();
    if (!why.empty()) return {grade::f, std::string(why) + (t.f ? " " + t.f->message : std::string())};
    return {grade::f, t.f ? t.f->message : std::string("MTA-STS is not in effect.")};
  }
  if (t.withdrawn) return {grade::d, "The policy's mode is none: MTA-STS is being withdrawn and protects nothing."};
  std::vector<std::string> shortfalls;
  for (const auto& [effect, f] : t.shortfalls) shortfalls.push_back(shortfall_phrase(effect));
  if (t.testing) {
    if (shortfalls.empty())
      return {grade::b, "MTA-STS in testing mode: failures are reported, not prevented. Switch to enforce for an A."};
    return {grade::c, "MTA-STS in testing mode with " + mtasts::detail::join_and(shortfalls) + "."};
  }
  if (!t.starttls_failed.empty()) {
    // RFC 8461 §5: under enforce, senders do not deliver to a host that fails
    // STARTTLS or certificate validation; the others still take the mail.
    const std::size_t n = t.starttls_failed.size();
    return {grade::c, "Enforced MTA-STS, but senders that honour it will not deliver to " +
                          mtasts::detail::plural(n, "MX host", "MX hosts") +
                          " that failed STARTTLS or certificate validation; C at best until " +
                          (n == 1 ? "it passes." : "they pass.") +
                          (shortfalls.empty() ? std::string() : " Also: " + mtasts::detail::join_and(shortfalls) + ".")};
  }
  if (shortfalls.empty()) {
    if (!t.warning && !t.no_dane)
      return {grade::a_plus,
              "Enforced MTA-STS with nothing to improve, and every MX host has DNSSEC-validated TLSA records (DANE)."};
    return {grade::a, t.warning ? "Enforced MTA-STS with every requirement met; the warnings keep it from A+."
                                : "Enforced MTA-STS with every requirement met; DANE on every MX host would make it A+."};
  }
  if (shortfalls.size() == 1) return {grade::b, "Enforced MTA-STS with one shortfall: " + shortfalls[0] + "."};
  return {grade::c, "Enforced MTA-STS with several shortfalls: " + mtasts::detail::join_and(shortfalls) + "."};
}

/** What was not observed, for the reason of an open grade: the unknown checks that say why, else all unknown ones. */
std::string unobserved_subjects(const report& r) {
  std::vector<std::string> said, all;
  auto push = [](std::vector<std::string>& v, std::string_view s) {
    for (const auto& x : v)
      if (x == s) return;
    v.emplace_back(s);
  };
  for (const auto& c : r.checks) {
    if (c.status != status::unknown && c.status != status::pending) continue;
    const check_row* row = detail::check_by_id(c.id);
    if (!row) continue;
    push(all, row->subject);
    for (const auto& f : c.findings)
      if (code_observation(f.code) == observation_state::unobserved) {
        push(said, row->subject);
        break;
      }
  }
  return mtasts::detail::join_and(said.empty() ? all : said);
}

}  // namespace

std::string_view grade_name(grade g) noexcept {
  switch (g) {
    case grade::a_plus: return "A+";
    case grade::a: return "A";
    case grade::b: return "B";
    case grade::c: return "C";
    case grade::d: return "D";
    case grade::f: return "F";
  }
  return "?";
}

grade_result grade_of(const report& r) {
  verdict hi = evaluate(r, true);
  verdict lo = evaluate(r, false);
  grade_result out;
  if (!hi.g || !lo.g) {  // no grade whatever was not observed
    out.reason = std::move(hi.g ? lo.reason : hi.reason);
    return out;
  }
  if (*hi.g == *lo.g) {
    // What was not observed did not matter: the reason is what was observed.
    out.grade = hi.g;
    out.reason = std::move(hi.reason);
    return out;
  }
  out.range = {*lo.g, *hi.g};
  const std::string missing = unobserved_subjects(r);
  // The resolver's failure (a cause about no one check) is why nothing was observed: say it first.
  const bool unobserved_cause = r.cause && r.cause->check.empty() &&
                                code_observation(r.cause->code) == observation_state::unobserved;
  out.reason = "No grade: " + (unobserved_cause ? r.cause->headline + ", so " : std::string()) +
               (missing.empty() ? std::string("part of the check") : missing) +
               " could not be observed, and the grade would be anywhere from " + std::string(grade_name(*lo.g)) +
               " to " + std::string(grade_name(*hi.g)) + ".";
  return out;
}

}  // namespace mtasts::check
