// Tests for grade_of (grade.h): the rubric of docs/GRADING.md over a report's
// checks and findings. Each row starts from the report of an A+ domain (six
// passing checks, no finding) and adds the findings, or makes checks unknown,
// the way the engine would; the grade follows from the codes' effects
// (codes.def) and the checks' table alone.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "mtasts/grade.h"

namespace {

namespace check = mtasts::check;
using mtasts::code;

check::report a_plus() {
  check::report r;
  for (const char* id : {"sts", "policy_fetch", "policy", "mx", "tlsrpt", "dane"}) {
    check::check_result c;
    c.id = id;
    c.title = id;
    c.status = check::status::pass;
    r.checks.push_back(std::move(c));
  }
  return r;
}

check::check_result& on(check::report& r, const std::string& id) {
  for (auto& c : r.checks)
    if (c.id == id) return c;
  FAIL("no check " << id);
  return r.checks.front();
}

/** A finding on a check, with the status its severity gives it. */
void add(check::report& r, const std::string& id, code k) {
  auto& c = on(r, id);
  c.findings.push_back(mtasts::finding{k, "evidence", 0, 0});
  const auto sev = mtasts::code_severity(k);
  if (mtasts::code_observation(k) == mtasts::observation_state::unobserved) c.status = check::status::unknown;
  else if (sev == mtasts::severity::error) c.status = check::status::fail;
  else if (sev == mtasts::severity::warning && c.status == check::status::pass) c.status = check::status::warn;
}

/** A check that could not be observed (its own "could not observe" finding, as the engine gives it). */
void unknown(check::report& r, const std::string& id, code why = code::dns_query_servfail) { add(r, id, why); }
/** A check unknown only because another one is (no finding of its own). */
void unknown_quietly(check::report& r, const std::string& id) { on(r, id).status = check::status::unknown; }

std::string text(const check::grade_result& g) {
  if (g.grade) return std::string(check::grade_name(*g.grade));
  if (g.range) return "null " + std::string(check::grade_name(g.range->first)) + ".." + std::string(check::grade_name(g.range->second));
  return "none";
}

}  // namespace

TEST_SUITE("grade") {
  TEST_CASE("grade_of: the rubric, finding by finding") {
    struct row {
      const char* name;
      std::function<void(check::report&)> set;
      const char* expected;
    };
    const row rows[] = {
        {"nothing to improve, DANE everywhere: A+", nullptr, "A+"},
        {"no DANE: A", [](auto& r) { add(r, "dane", code::dane_tlsa_missing); }, "A"},
        {"TLSA not validated: A", [](auto& r) { add(r, "dane", code::dane_tlsa_insecure); }, "A"},
        {"a warning: A", [](auto& r) { add(r, "policy", code::policy_mx_ip_literal); }, "A"},
        {"an info note: A+", [](auto& r) { add(r, "policy", code::policy_mx_wildcard); }, "A+"},
        {"enforce without TLS-RPT: B", [](auto& r) { add(r, "tlsrpt", code::tlsrpt_dns_missing); }, "B"},
        {"enforce with an invalid TLS-RPT record: B", [](auto& r) { add(r, "tlsrpt", code::tlsrpt_rua_missing); }, "B"},
        {"enforce, max_age under a week: B", [](auto& r) { add(r, "policy", code::policy_max_age_under_week); }, "B"},
        {"enforce, max_age under a day: B", [](auto& r) { add(r, "policy", code::policy_max_age_under_day); }, "B"},
        {"enforce, not text/plain: B", [](auto& r) { add(r, "policy_fetch", code::policy_fetch_content_type); }, "B"},
        {"enforce, two shortfalls: C",
         [](auto& r) {
           add(r, "tlsrpt", code::tlsrpt_dns_missing);
           add(r, "policy", code::policy_max_age_under_week);
         },
         "C"},
        {"one shortfall raised twice is one shortfall: B",
         [](auto& r) {
           add(r, "tlsrpt", code::tlsrpt_dns_missing);
           add(r, "tlsrpt", code::tlsrpt_rua_missing);
         },
         "B"},
        {"enforce, three shortfalls: C",
         [](auto& r) {
           add(r, "tlsrpt", code::tlsrpt_dns_missing);
           add(r, "policy", code::policy_max_age_under_week);
           add(r, "policy_fetch", code::policy_fetch_content_type);
         },
         "C"},
        {"testing, everything else of an A: B", [](auto& r) { add(r, "policy", code::policy_mode_testing); }, "B"},
        {"testing with max_age under a week: C (explained by its finding)",
         [](auto& r) {
           add(r, "policy", code::policy_mode_testing);
           add(r, "policy", code::policy_max_age_under_week);
         },
         "C"},
        {"testing without TLS-RPT: C",
         [](auto& r) {
           add(r, "policy", code::policy_mode_testing);
           add(r, "tlsrpt", code::tlsrpt_dns_missing);
         },
         "C"},
        {"testing with an MX host not covered: C",
         [](auto& r) {
           add(r, "policy", code::policy_mode_testing);
           add(r, "mx", code::mx_not_covered_testing);
         },
         "C"},
        {"mode none: D", [](auto& r) { add(r, "policy", code::policy_mode_none); }, "D"},
        {"enforce with an MX host not covered: F", [](auto& r) { add(r, "mx", code::mx_not_covered); }, "F"},
        {"the domain's name a CNAME loop: F", [](auto& r) { add(r, "mx", code::dns_answer_cname_loop); }, "F"},
        {"TXT missing: F", [](auto& r) { add(r, "sts", code::sts_dns_missing); }, "F"},
        {"TXT duplicated: F", [](auto& r) { add(r, "sts", code::sts_dns_multiple); }, "F"},
        {"TXT invalid: F", [](auto& r) { add(r, "sts", code::sts_id_invalid); }, "F"},
        {"policy invalid: F", [](auto& r) { add(r, "policy", code::policy_mode_invalid); }, "F"},
        {"policy host missing: F", [](auto& r) { add(r, "policy_fetch", code::policy_host_missing); }, "F"},
        {"policy unreachable: F", [](auto& r) { add(r, "policy_fetch", code::policy_fetch_unreachable); }, "F"},
        {"policy redirected: F", [](auto& r) { add(r, "policy_fetch", code::policy_fetch_redirect); }, "F"},
        {"policy not 200: F", [](auto& r) { add(r, "policy_fetch", code::policy_fetch_status); }, "F"},
        {"policy too large: F", [](auto& r) { add(r, "policy_fetch", code::policy_fetch_too_large); }, "F"},
        {"domain NXDOMAIN: F",
         [](auto& r) { r.domain_findings.push_back(mtasts::finding{code::domain_not_found, "gone", 0, 0}); }, "F"},
        {"not a domain: no grade",
         [](auto& r) {
           r.checks.clear();
           r.domain_findings.push_back(mtasts::finding{code::domain_invalid, "not a domain", 0, 0});
         },
         "none"},
        {"null MX: no grade", [](auto& r) { add(r, "mx", code::mx_null); }, "none"},
        {"a null MX beside real ones: a warning, A", [](auto& r) { add(r, "mx", code::mx_null_mixed); }, "A"},
        // Not observed: a null grade only when it could change the grade.
        {"policy not readable (CORS): null F..A+",
         [](auto& r) {
           unknown(r, "policy_fetch", code::policy_fetch_cors_blocked);
           unknown_quietly(r, "policy");
           unknown_quietly(r, "mx");
         },
         "null F..A+"},
        {"TXT unknown: null F..A+", [](auto& r) { unknown(r, "sts"); }, "null F..A+"},
        {"TXT missing, policy unknown: F",
         [](auto& r) {
           add(r, "sts", code::sts_dns_missing);
           unknown(r, "policy_fetch", code::policy_fetch_timeout);
           unknown_quietly(r, "policy");
         },
         "F"},
        {"TXT unknown, policy host missing: F",
         [](auto& r) {
           unknown(r, "sts");
           add(r, "policy_fetch", code::policy_host_missing);
         },
         "F"},
        {"TLS-RPT unknown: null B..A+", [](auto& r) { unknown(r, "tlsrpt", code::dns_query_timeout); }, "null B..A+"},
        {"TLS-RPT unknown, an enforce MX not covered: F",
         [](auto& r) {
           unknown(r, "tlsrpt");
           add(r, "mx", code::mx_not_covered);
         },
         "F"},
        {"TLS-RPT unknown in mode none: D",
         [](auto& r) {
           unknown(r, "tlsrpt");
           add(r, "policy", code::policy_mode_none);
         },
         "D"},
        {"TLS-RPT unknown with two shortfalls already: C",
         [](auto& r) {
           unknown(r, "tlsrpt");
           add(r, "policy", code::policy_max_age_under_week);
           add(r, "policy_fetch", code::policy_fetch_content_type);
         },
         "C"},
        {"DANE unknown: null A..A+", [](auto& r) { unknown(r, "dane"); }, "null A..A+"},
        {"DANE unknown, a warning: A",
         [](auto& r) {
           unknown(r, "dane");
           add(r, "policy", code::policy_mx_ip_literal);
         },
         "A"},
        {"DANE unknown, no TLS-RPT: B",
         [](auto& r) {
           unknown(r, "dane");
           add(r, "tlsrpt", code::tlsrpt_dns_missing);
         },
         "B"},
        {"MX coverage unknown in enforce: null F..A+", [](auto& r) { unknown(r, "mx"); }, "null F..A+"},
        {"MX coverage unknown in testing: null C..B",
         [](auto& r) {
           unknown(r, "mx");
           add(r, "policy", code::policy_mode_testing);
         },
         "null C..B"},
        {"MX coverage unknown in mode none: D",
         [](auto& r) {
           unknown(r, "mx");
           add(r, "policy", code::policy_mode_none);
         },
         "D"},
        {"past the MX cap, every evaluated host covered: null F..A+", [](auto& r) { unknown(r, "mx", code::mx_hosts_capped); },
         "null F..A+"},
        {"a could-not-observe warning is not a warning about the domain: A+",
         [](auto& r) { add(r, "policy_fetch", code::policy_fetch_pasted); }, "A+"},
        {"nothing known: null F..A+",
         [](auto& r) {
           for (const char* id : {"sts", "policy_fetch", "policy", "mx", "tlsrpt", "dane"}) unknown(r, id);
         },
         "null F..A+"},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      check::report rep = a_plus();
      if (r.set) r.set(rep);
      const auto g = check::grade_of(rep);
      INFO("reason: " << g.reason);
      CHECK(text(g) == r.expected);
      CHECK_FALSE(g.reason.empty());
      if (!g.grade) CHECK(g.reason.rfind("No grade", 0) == 0);
    }
  }

  TEST_CASE("every grade below A+ is explained by a finding") {
    // Whatever codes a report holds, a grade below A+ rests on at least one
    // observed finding with an effect or a warning (an open grade on at least
    // one could-not-observe finding): the grade says nothing the findings do not.
    for (std::size_t i = 0; i < mtasts::code_count(); ++i) {
      const auto k = static_cast<code>(i);
      for (const char* id : {"sts", "policy_fetch", "policy", "mx", "tlsrpt", "dane"}) {
        check::report rep = a_plus();
        add(rep, id, k);
        const auto g = check::grade_of(rep);
        CAPTURE(mtasts::code_name(k));
        CAPTURE(id);
        const bool observed = mtasts::code_observation(k) == mtasts::observation_state::observed;
        const bool counts = observed && (mtasts::code_effect(k) != mtasts::grade_effect::none ||
                                         mtasts::code_severity(k) == mtasts::severity::warning);
        if (g.grade && *g.grade == check::grade::a_plus) CHECK_FALSE(counts);
        else if (g.grade) CHECK(counts);
        else if (g.range) CHECK_FALSE(observed);
        else CHECK(mtasts::code_effect(k) == mtasts::grade_effect::no_grade);
      }
    }
  }

  TEST_CASE("the reason of an open grade names what was not observed") {
    check::report rep = a_plus();
    unknown(rep, "policy_fetch", code::policy_fetch_cors_blocked);
    unknown_quietly(rep, "policy");
    unknown_quietly(rep, "mx");
    const auto g = check::grade_of(rep);
    CHECK(g.reason == "No grade: the policy file could not be observed, and the grade would be anywhere from F to A+.");
  }
}
