/**
 * @file grade.cpp
 * @brief The grading rubric (docs/GRADING.md), in one place.
 */
#include "mtasts/grade.h"

#include <string>
#include <vector>

namespace mtasts::check {
namespace {

using sts_state = grade_facts::sts_state;
using policy_state = grade_facts::policy_state;

struct verdict {
  grade g;
  std::string reason;
};

/** Resolves an unknown fact to its best (optimistic) or worst value. */
bool is_yes(tri t, bool best) { return t == tri::unknown ? best : t == tri::yes; }

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? (parts.size() > 2 ? ", and " : " and ") : ", ";
    out += parts[i];
  }
  return out;
}

std::string policy_problem(policy_state p) {
  switch (p) {
    case policy_state::invalid: return "the policy file is invalid";
    case policy_state::host_missing: return "the policy host (mta-sts.) has no address";
    case policy_state::unreachable: return "the policy host could not be reached over HTTPS";
    case policy_state::redirect: return "the policy URL redirects";
    case policy_state::bad_status: return "the policy URL does not answer 200";
    case policy_state::too_large: return "the policy file is over 64 KB";
    default: return "the policy could not be read";
  }
}

verdict evaluate(const grade_facts& f, bool best) {
  if (f.domain_missing) return {grade::f, "The domain does not exist (NXDOMAIN)."};
  if (f.domain_unresolvable)
    return {grade::f, "The domain's own name is a CNAME that loops, so no sender can find its mail servers."};

  sts_state sts = f.sts == sts_state::unknown ? (best ? sts_state::valid : sts_state::missing) : f.sts;
  policy_state pol = f.policy == policy_state::unknown ? (best ? policy_state::valid : policy_state::unreachable)
                                                       : f.policy;
  if (f.sts == sts_state::unknown && pol != policy_state::valid)
    // Stated without the record, which was not observed: it would not change the grade.
    return {grade::f, "Whatever the _mta-sts TXT record says (it could not be looked up), " + policy_problem(pol) +
                          ", so senders find no policy."};
  if (sts != sts_state::valid) {
    const char* what = sts == sts_state::missing    ? "there is no _mta-sts TXT record"
                       : sts == sts_state::multiple ? "there is more than one _mta-sts TXT record"
                                                    : "the _mta-sts TXT record is invalid";
    if (pol == policy_state::valid)
      return {grade::f, std::string("A policy file is served, but ") + what +
                            ", so senders never fetch it: MTA-STS is not in effect."};
    if (sts == sts_state::missing && (pol == policy_state::host_missing || pol == policy_state::unreachable))
      return {grade::f, "The domain has no MTA-STS: no _mta-sts TXT record and no policy host."};
    return {grade::f, std::string("MTA-STS is not in effect: ") + what + "."};
  }
  if (pol != policy_state::valid)
    return {grade::f, "The _mta-sts TXT record exists but " + policy_problem(pol) +
                          ", so senders treat the domain as having no policy."};

  // A valid policy: the mode is known, unless the policy itself is unknown.
  policy_mode mode = f.mode ? *f.mode : (best ? policy_mode::enforce : policy_mode::none);
  if (mode == policy_mode::none)
    return {grade::d, "The policy's mode is none: MTA-STS is being withdrawn and protects nothing."};

  const bool covered = is_yes(f.mx_covered, best);
  std::vector<std::string> shortfalls;
  if (!is_yes(f.tlsrpt_valid, best)) shortfalls.emplace_back("no valid TLS-RPT record");
  if (!is_yes(f.max_age_week, best)) shortfalls.emplace_back("max_age under a week");
  if (!is_yes(f.content_type_ok, best)) shortfalls.emplace_back("Content-Type not text/plain");

  if (mode == policy_mode::enforce) {
    if (!covered)
      return {grade::f, "The policy is in enforce mode but an MX host matches no mx pattern: "
                        "senders that honour the policy refuse to deliver to it."};
    if (shortfalls.empty()) {
      if (is_yes(f.no_warnings, best) && is_yes(f.dane_all, best))
        return {grade::a_plus, "Enforced MTA-STS with nothing to improve, and every MX host has "
                               "DNSSEC-validated TLSA records (DANE)."};
      return {grade::a, is_yes(f.no_warnings, best)
                            ? "Enforced MTA-STS with every requirement met; DANE on every MX host would make it A+."
                            : "Enforced MTA-STS with every requirement met; the warnings keep it from A+."};
    }
    if (shortfalls.size() == 1) return {grade::b, "Enforced MTA-STS with one shortfall: " + shortfalls[0] + "."};
    return {grade::c, "Enforced MTA-STS with several shortfalls: " + join(shortfalls) + "."};
  }

  // testing
  if (!covered) shortfalls.insert(shortfalls.begin(), "an MX host not covered by the policy");
  if (shortfalls.empty())
    return {grade::b, "MTA-STS in testing mode: failures are reported, not prevented. Switch to enforce for an A."};
  return {grade::c, "MTA-STS in testing mode with " + join(shortfalls) + "."};
}

/** What was not observed, for the reason of a null grade. */
std::string unknowns(const grade_facts& f) {
  std::vector<std::string> out;
  if (f.sts == sts_state::unknown) out.emplace_back("the _mta-sts TXT record");
  if (f.policy == policy_state::unknown) out.emplace_back("the policy file");
  else if (f.policy == policy_state::valid && f.mx_covered == tri::unknown) out.emplace_back("the MX records");
  if (f.tlsrpt_valid == tri::unknown) out.emplace_back("the TLS-RPT record");
  if (f.dane_all == tri::unknown && f.policy != policy_state::unknown) out.emplace_back("the TLSA records");
  return join(out);
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

grade_result grade_of(const grade_facts& facts) {
  verdict hi = evaluate(facts, true);
  verdict lo = evaluate(facts, false);
  grade_result r;
  if (hi.g == lo.g) {
    r.grade = hi.g;
    r.reason = std::move(lo.reason);
    return r;
  }
  r.range = {lo.g, hi.g};
  std::string missing = unknowns(facts);
  r.reason = "No grade: " + (missing.empty() ? std::string("part of the check") : missing) +
             " could not be observed, and the grade would be anywhere from " + std::string(grade_name(lo.g)) +
             " to " + std::string(grade_name(hi.g)) + ".";
  return r;
}

}  // namespace mtasts::check
