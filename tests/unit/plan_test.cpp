// Tests for the dated change plan (plan.h, json.h's plan_json): the dates of each step for given
// TTLs and max_age values, worked out by hand here from RFC 8461 (a policy cached at t is used
// until t + max_age, §3.2/§3.3; the file before the id, §8.1; withdrawal, §8.3) and RFC 8460 §4.1
// (daily reports), never from the implementation's formula.
//
// The clock: now0 is 2026-12-01 09:00:00 UTC = 1796115600000 ms (checked with an independent
// calendar). A day is 86400000 ms. Every expected date below is written out as text.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "mtasts/json.h"
#include "mtasts/plan.h"
#include "scenarios.h"

namespace {

namespace plan = mtasts::plan;
using mtasts::policy_mode;

constexpr double now0 = 1796115600000;  // 2026-12-01 09:00:00 UTC
constexpr double minute = 60000, hour = 3600000, day = 86400000;

plan::plan_input base(policy_mode mode = policy_mode::testing, std::uint64_t max_age = 1209600) {
  plan::plan_input in;
  in.domain = "example.com";
  in.policy_observed = true;
  mtasts::policy p;
  p.version = "STSv1";
  p.mode = mode;
  p.mx = {"mx1.example.com"};
  p.max_age = max_age;
  in.policy = p;
  in.policy_text = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 1209600\n";
  in.mx_kind = "records";
  in.mx = {"mx1.example.com."};
  in.sts_record = "v=STSv1; id=old1";
  in.sts_id = "old1";
  in.tlsrpt_record = "v=TLSRPTv1; rua=mailto:reports@example.com";
  in.ttl.mx = 3600;
  in.ttl.sts = 300;
  in.ttl.tlsrpt = 300;
  in.ttl.policy_host = 300;
  return in;
}

/** A copy (the plans in the cases are temporaries). */
plan::plan_change change(const plan::change_plan& p, const std::string& id) {
  for (const auto& c : p.changes)
    if (c.id == id) return c;
  FAIL("no change " << id);
  return {};
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

bool any_has(const std::vector<std::string>& list, const std::string& needle) {
  for (const auto& s : list)
    if (has(s, needle)) return true;
  return false;
}

}  // namespace

TEST_SUITE("plan") {
  TEST_CASE("plan: times are written in UTC to the minute, ids are YYYYMMDDHHMMSS") {
    CHECK(plan::format_time(now0) == "2026-12-01 09:00 UTC");
    CHECK(plan::format_time(now0 + 14 * day) == "2026-12-15 09:00 UTC");
    CHECK(plan::fresh_id(now0 + 59999) == "20261201090059");
    CHECK(plan::fresh_id(now0) == "20261201090000");
  }

  TEST_CASE("plan: testing to enforce, with TLS-RPT in place, and the edge at exactly max_age") {
    const auto p = plan::make_plan(base(policy_mode::testing, 1209600), now0);
    REQUIRE(p.changes.size() == 4);
    CHECK(p.changes[0].id == "enforce");
    CHECK(p.changes[1].id == "mx");
    CHECK(p.changes[2].id == "withdraw");
    CHECK(p.changes[3].id == "policy_host");
    const auto& c = change(p, "enforce");
    CHECK(c.applies);
    REQUIRE(c.steps.size() == 4);
    CHECK(c.steps[0].not_before == now0);
    CHECK(c.steps[0].when == "from 2026-12-01 09:00 UTC (now)");
    CHECK(c.steps[1].not_before == now0);
    REQUIRE(c.steps[1].records.size() == 1);
    CHECK(c.steps[1].records[0].type == "policy");
    CHECK(c.steps[1].records[0].name == "https://mta-sts.example.com/.well-known/mta-sts.txt");
    CHECK(c.steps[1].records[0].value == "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 1209600\n");
    REQUIRE(c.steps[2].records.size() == 1);
    CHECK(c.steps[2].records[0].type == "TXT");
    CHECK(c.steps[2].records[0].name == "_mta-sts.example.com");
    CHECK(c.steps[2].records[0].value == "v=STSv1; id=20261201090000");
    CHECK(c.steps[2].when == "after 2026-12-01 09:00 UTC");
    // A copy of the testing policy fetched at 09:00 on 12-01 expires at exactly 09:00 on 12-15 (14 days):
    // the step is after that instant, and no minute is added to a time already on the minute.
    CHECK(c.steps[3].not_before == now0 + 14 * day);
    CHECK(c.steps[3].when == "after 2026-12-15 09:00 UTC");
    CHECK(has(c.steps[3].reason, "every cached copy of the testing policy has expired"));
    CHECK(p.warnings.empty());
  }

  TEST_CASE("plan: times are rounded up to the minute, and chained from the rounded time") {
    SUBCASE("one millisecond past the minute") {
      const auto c = change(plan::make_plan(base(policy_mode::testing, 86400), now0 + 1), "enforce");
      CHECK(c.steps[0].when == "from 2026-12-01 09:01 UTC (now)");
      CHECK(c.steps[0].not_before == now0 + minute);
      CHECK(c.steps[3].when == "after 2026-12-02 09:01 UTC");
      CHECK(c.steps[3].not_before == now0 + minute + day);
    }
    SUBCASE("30.5 seconds past: the new id still says when it was made") {
      const auto c = change(plan::make_plan(base(), now0 + 30500), "enforce");
      CHECK(c.steps[2].records[0].value == "v=STSv1; id=20261201090100");
    }
    SUBCASE("a max_age that is not a whole number of minutes") {
      // 09:00 + 90 s = 09:01:30, rounded up to 09:02.
      const auto c = change(plan::make_plan(base(policy_mode::testing, 90), now0), "enforce");
      CHECK(c.steps[3].when == "after 2026-12-01 09:02 UTC");
    }
  }

  TEST_CASE("plan: max_age 0, at the limit and over it") {
    SUBCASE("0: nothing is cached, and the enforce policy gets two weeks") {
      const auto c = change(plan::make_plan(base(policy_mode::testing, 0), now0), "enforce");
      CHECK(c.steps[3].not_before == now0);
      CHECK(c.steps[1].records[0].value == "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 1209600\n");
      CHECK(has(c.steps[1].text, "raised"));
    }
    SUBCASE("31557600 (365.25 days): no warning") {
      const auto p = plan::make_plan(base(policy_mode::testing, 31557600), now0);
      CHECK(p.warnings.empty());
      CHECK(p.max_age == 31557600u);
      // 2026-12-01 09:00 + 365 days (2027 is not a leap year) + 6 hours.
      CHECK(change(p, "enforce").steps[3].when == "after 2027-12-01 15:00 UTC");
    }
    SUBCASE("over the limit: the dates count the full value (maddy, mox, KumoMTA keep it), and who does what is said") {
      auto in = base();
      in.policy.reset();
      plan::set_served_policy(in, "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 40000000\n");
      REQUIRE(in.policy);
      CHECK_FALSE(in.policy_invalid);
      CHECK(in.policy->max_age == 40000000u);
      const auto p = plan::make_plan(in, now0);
      CHECK(p.max_age == 40000000u);
      REQUIRE(p.warnings.size() == 1);
      CHECK(has(p.warnings[0], "40000000"));
      CHECK(has(p.warnings[0], "mox"));
      CHECK(has(p.warnings[0], "cap"));
      CHECK(has(p.warnings[0], "reject"));
      const auto& c = change(p, "enforce");
      // 40,000,000 s = 462 days 23 h 6 min 40 s: 2026-12-01 09:00 + 462 d = 2028-03-07 09:00
      // (2028 is a leap year: Feb has 29 days), + 23:06:40 = 2028-03-08 08:06:40, rounded up to 08:07.
      CHECK(c.steps[3].when == "after 2028-03-08 08:07 UTC");
      // The new policy it offers is within the limit.
      CHECK(has(c.steps[1].records[0].value, "max_age: 31557600\n"));
      CHECK(change(p, "withdraw").steps[2].when == "after 2028-03-08 08:07 UTC");
    }
    SUBCASE("a policy invalid for another reason stays invalid") {
      auto in = base();
      in.policy.reset();
      plan::set_served_policy(in, "version: STSv1\nmode: sometimes\nmx: mx1.example.com\nmax_age: 40000000\n");
      CHECK_FALSE(in.policy);
      CHECK(in.policy_invalid);
    }
  }

  TEST_CASE("plan: testing to enforce when TLS-RPT is missing waits for its first whole-day report") {
    SUBCASE("the record is seen at 10:00 on 12-01: the first whole day is 12-02, reported after 12-03 00:00") {
      auto in = base(policy_mode::testing, 604800);
      in.tlsrpt_record.reset();
      in.ttl.tlsrpt = 3600;  // the negative answer cached for an hour
      const auto& c = change(plan::make_plan(in, now0), "enforce");
      REQUIRE(c.steps.size() == 5);
      CHECK(c.steps[0].when == "from 2026-12-01 09:00 UTC (now)");
      REQUIRE(c.steps[0].records.size() == 1);
      CHECK(c.steps[0].records[0].name == "_smtp._tls.example.com");
      CHECK(c.steps[0].records[0].value == "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
      CHECK(c.steps[1].when == "after 2026-12-03 00:00 UTC");
      CHECK(c.steps[2].when == "after 2026-12-03 00:00 UTC");
      CHECK(c.steps[3].records[0].value == "v=STSv1; id=20261203000000");
      CHECK(c.steps[4].when == "after 2026-12-10 00:00 UTC");
    }
    SUBCASE("seen at exactly midnight: that day is the first whole one") {
      auto in = base(policy_mode::testing, 604800);
      in.tlsrpt_record.reset();
      in.ttl.tlsrpt = 3600;
      const auto& c = change(plan::make_plan(in, now0 + 14 * hour), "enforce");  // 23:00
      CHECK(c.steps[1].when == "after 2026-12-03 00:00 UTC");
    }
    SUBCASE("the TTL of _smtp._tls not observed: no date from there on") {
      auto in = base(policy_mode::testing, 604800);
      in.tlsrpt_record.reset();
      in.ttl.tlsrpt.reset();
      const auto& c = change(plan::make_plan(in, now0), "enforce");
      CHECK(c.steps[0].not_before == now0);
      for (std::size_t i = 1; i < c.steps.size(); ++i) {
        CAPTURE(i);
        CHECK_FALSE(c.steps[i].not_before);
        CHECK(c.steps[i].when == "not known");
        CHECK(has(c.steps[i].reason, "_smtp._tls"));
      }
    }
  }

  TEST_CASE("plan: testing to enforce does not apply to enforce, none, no policy or an unread policy") {
    CHECK_FALSE(change(plan::make_plan(base(policy_mode::enforce), now0), "enforce").applies);
    CHECK(has(change(plan::make_plan(base(policy_mode::enforce), now0), "enforce").why, "already"));
    CHECK_FALSE(change(plan::make_plan(base(policy_mode::none), now0), "enforce").applies);
    auto none = base();
    none.policy.reset();
    none.sts_record.reset();
    none.sts_id.reset();
    CHECK_FALSE(change(plan::make_plan(none, now0), "enforce").applies);
    CHECK(change(plan::make_plan(none, now0), "enforce").steps.empty());
    auto unread = base();
    unread.policy.reset();
    unread.policy_observed = false;
    unread.policy_unobserved_why = "Reachable over HTTPS, but the browser may not read it (CORS)";
    const auto p = plan::make_plan(unread, now0);
    CHECK_FALSE(change(p, "enforce").applies);
    REQUIRE(p.warnings.size() == 1);
    CHECK(has(p.warnings[0], "CORS"));
    CHECK(has(p.warnings[0], "mtasts check example.com"));
    CHECK_FALSE(p.max_age);
  }

  TEST_CASE("plan: an MX host the policy does not cover is added before enforce, with a warning") {
    auto in = base();
    in.mx = {"mx1.example.com.", "backup.other.example."};
    const auto& c = change(plan::make_plan(in, now0), "enforce");
    REQUIRE(c.warnings.size() == 1);
    CHECK(has(c.warnings[0], "backup.other.example"));
    CHECK(c.steps[1].records[0].value ==
          "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: backup.other.example\nmax_age: 1209600\n");
  }

  TEST_CASE("plan: withdrawing") {
    SUBCASE("from enforce: mode none, new id, the record after max_age, the host after the TXT TTL") {
      auto in = base(policy_mode::enforce, 604800);
      const auto& c = change(plan::make_plan(in, now0), "withdraw");
      CHECK(c.applies);
      REQUIRE(c.steps.size() == 4);
      CHECK(c.steps[0].when == "from 2026-12-01 09:00 UTC (now)");
      CHECK(c.steps[0].records[0].value == "version: STSv1\nmode: none\nmx: mx1.example.com\nmax_age: 86400\n");
      CHECK(c.steps[1].records[0].value == "v=STSv1; id=20261201090000");
      CHECK(c.steps[2].when == "after 2026-12-08 09:00 UTC");
      CHECK(c.steps[2].not_before == now0 + 7 * day);
      CHECK(has(c.steps[2].text, "Delete the _mta-sts TXT record"));
      CHECK(c.steps[3].when == "after 2026-12-08 09:05 UTC");
    }
    SUBCASE("the TXT TTL not observed") {
      auto in = base(policy_mode::enforce, 604800);
      in.ttl.sts.reset();
      const auto& c = change(plan::make_plan(in, now0), "withdraw");
      CHECK(c.steps[2].when == "after 2026-12-08 09:00 UTC");
      CHECK_FALSE(c.steps[3].not_before);
      CHECK(has(c.steps[3].reason, "_mta-sts"));
    }
    SUBCASE("mode none already served: when it started is not known") {
      const auto& c = change(plan::make_plan(base(policy_mode::none, 86400), now0), "withdraw");
      REQUIRE(c.steps.size() == 2);
      CHECK_FALSE(c.steps[0].not_before);
      CHECK_FALSE(c.steps[1].not_before);
    }
    SUBCASE("an invalid policy: how long senders keep an older one is not known") {
      auto in = base();
      in.policy.reset();
      in.policy_invalid = true;
      const auto p = plan::make_plan(in, now0);
      const auto& c = change(p, "withdraw");
      CHECK(c.steps[0].not_before == now0);
      CHECK_FALSE(c.steps[2].not_before);
      CHECK(has(c.steps[2].reason, "not valid"));
      CHECK(any_has(p.warnings, "not valid"));
    }
    SUBCASE("nothing published") {
      auto in = base();
      in.policy.reset();
      in.sts_record.reset();
      CHECK_FALSE(change(plan::make_plan(in, now0), "withdraw").applies);
    }
  }

  TEST_CASE("plan: a provider migration") {
    SUBCASE("a new host the enforce policy does not cover: policy first, MX after max_age, old lines after the MX TTL") {
      auto in = base(policy_mode::enforce, 604800);
      in.mx = {"mx1.example.com."};
      in.sts_id = "20261201090000";  // today's id happens to be the one "now" would give
      in.planned_mx = {"MX1.New-Provider.Example."};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      REQUIRE(c.warnings.size() == 1);
      CHECK(has(c.warnings[0], "mx1.new-provider.example is not covered by the policy served today"));
      CHECK(has(c.warnings[0], "refuse"));
      REQUIRE(c.steps.size() == 5);
      CHECK(c.steps[0].when == "from 2026-12-01 09:00 UTC (now)");
      CHECK(c.steps[0].records[0].value ==
            "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx1.new-provider.example\nmax_age: 604800\n");
      CHECK(c.steps[1].records[0].value == "v=STSv1; id=20261201090001");  // never today's id
      CHECK(c.steps[2].when == "after 2026-12-08 09:00 UTC");
      REQUIRE(c.steps[2].records.size() == 1);
      CHECK(c.steps[2].records[0].type == "MX");
      CHECK(c.steps[2].records[0].name == "example.com");
      CHECK(c.steps[2].records[0].value == "10 mx1.new-provider.example.");
      CHECK(c.steps[3].when == "after 2026-12-08 10:00 UTC");
      CHECK(c.steps[3].records[0].value == "version: STSv1\nmode: enforce\nmx: mx1.new-provider.example\nmax_age: 604800\n");
      CHECK(c.steps[4].records[0].value == "v=STSv1; id=20261208100000");
      CHECK(c.steps[4].when == "after 2026-12-08 10:00 UTC");
    }
    SUBCASE("in testing mode the warning says reports, not refusals") {
      auto in = base(policy_mode::testing, 604800);
      in.planned_mx = {"mx.other.example"};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      REQUIRE(c.warnings.size() == 1);
      CHECK(has(c.warnings[0], "report failures"));
    }
    SUBCASE("hosts a wildcard already covers: the MX records change now") {
      auto in = base(policy_mode::enforce, 604800);
      in.policy->mx = {"*.example.com"};
      in.planned_mx = {"mx1.example.com", "mx2.example.com"};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      CHECK(c.warnings.empty());
      REQUIRE(c.steps.size() == 1);
      CHECK(c.steps[0].when == "from 2026-12-01 09:00 UTC (now)");
      REQUIRE(c.steps[0].records.size() == 2);
      CHECK(c.steps[0].records[1].value == "20 mx2.example.com.");
    }
    SUBCASE("a covered replacement: the old host is kept for the MX TTL, the policy is unchanged") {
      auto in = base(policy_mode::enforce, 604800);
      in.policy->mx = {"*.example.com"};
      in.planned_mx = {"mx2.example.com"};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      REQUIRE(c.steps.size() == 2);
      CHECK(c.steps[1].when == "after 2026-12-01 10:00 UTC");
      CHECK(c.steps[1].records.empty());
    }
    SUBCASE("the MX TTL not observed") {
      auto in = base(policy_mode::enforce, 604800);
      in.ttl.mx.reset();
      in.planned_mx = {"mx.other.example"};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      CHECK(c.steps[2].when == "after 2026-12-08 09:00 UTC");
      CHECK_FALSE(c.steps[3].not_before);
      CHECK(has(c.steps[3].reason, "MX"));
    }
    SUBCASE("no policy: only the MX TTL matters") {
      auto in = base();
      in.policy.reset();
      in.sts_record.reset();
      in.mx_kind = "implicit";
      in.mx = {"example.com"};
      in.planned_mx = {"mx.provider.example"};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      CHECK(c.warnings.empty());
      REQUIRE(c.steps.size() == 2);
      CHECK(c.steps[0].when == "from 2026-12-01 09:00 UTC (now)");
      CHECK(c.steps[1].when == "after 2026-12-01 10:00 UTC");
    }
    SUBCASE("the policy not observed: coverage and the MX date are not known") {
      auto in = base();
      in.policy.reset();
      in.policy_observed = false;
      in.planned_mx = {"mx.provider.example"};
      const auto& c = change(plan::make_plan(in, now0), "mx");
      REQUIRE(c.warnings.size() == 1);
      CHECK(has(c.warnings[0], "not known"));
      CHECK_FALSE(c.steps[2].not_before);
    }
    SUBCASE("no planned host: the steps and dates, without records") {
      const auto& c = change(plan::make_plan(base(policy_mode::enforce, 604800), now0), "mx");
      REQUIRE(c.steps.size() == 4);
      CHECK(c.steps[0].records.empty());
      CHECK(c.steps[2].when == "after 2026-12-08 09:00 UTC");
      CHECK(c.steps[3].when == "after 2026-12-08 10:00 UTC");
      CHECK(has(c.steps[2].text, "Type the planned MX hosts"));
    }
  }

  TEST_CASE("plan: moving the policy host") {
    auto in = base(policy_mode::enforce, 604800);
    const auto& c = change(plan::make_plan(in, now0), "policy_host");
    REQUIRE(c.steps.size() == 3);
    CHECK(c.steps[0].records[0].value == in.policy_text);  // the same policy, byte for byte
    CHECK(c.steps[1].when == "after 2026-12-01 09:00 UTC");
    CHECK(c.steps[2].when == "after 2026-12-01 09:05 UTC");
    in.ttl.policy_host.reset();
    CHECK_FALSE(change(plan::make_plan(in, now0), "policy_host").steps[2].not_before);
    in.policy.reset();
    in.sts_record.reset();
    CHECK_FALSE(change(plan::make_plan(in, now0), "policy_host").applies);
  }

  TEST_CASE("plan: the text holds every change, step, date and record") {
    auto in = base(policy_mode::testing, 1209600);
    in.planned_mx = {"mx1.new.example"};
    const std::string t = plan::plan_text(plan::make_plan(in, now0));
    CHECK(has(t, "MTA-STS change plan for example.com"));
    CHECK(has(t, "TTLs: MX 3600 s, _mta-sts 300 s, _smtp._tls 300 s, mta-sts 300 s"));
    CHECK(has(t, "== 1. Move from testing to enforce =="));
    CHECK(has(t, "== 4. Move the policy host =="));
    CHECK(has(t, "after 2026-12-15 09:00 UTC"));
    CHECK(has(t, "    v=STSv1; id=20261201090000\n"));
    CHECK(has(t, "    mode: enforce\n"));
    CHECK(has(t, "! mx1.new.example is not covered"));
  }

  TEST_CASE("plan: plan_json reads the report's own JSON, as input_from_report reads the report") {
    for (const char* name : {"grade-b-testing", "grade-a", "grade-f-enforce-uncovered"}) {
      CAPTURE(name);
      const auto& s = mtasts_test::scenario_named(name);
      const auto o = mtasts_test::drive(mtasts_test::network_of(s), mtasts_test::options_of(s));
      std::string error;
      const auto from_json = plan::read_input(mtasts::check::to_json(o.rep), error);
      REQUIRE(from_json);
      const auto direct = plan::input_from_report(o.rep);
      CHECK(plan::plan_text(plan::make_plan(*from_json, now0)) == plan::plan_text(plan::make_plan(direct, now0)));
      CHECK(direct.ttl.mx == 300u);
      const auto j = nlohmann::json::parse(plan::plan_json(mtasts::check::to_json(o.rep), "{\"now\":1796115600000,\"mx\":[\"mx9.example.net\"]}"));
      CHECK(j["kind"] == "plan");
      CHECK(j["changes"].size() == 4);
      CHECK(j["changes"][1]["warnings"].size() == 1);
      CHECK(j["text"].get<std::string>() == plan::plan_text(plan::make_plan([&] {
                                               auto in = direct;
                                               in.planned_mx = {"mx9.example.net"};
                                               return in;
                                             }(), now0)));
    }
    CHECK(nlohmann::json::parse(plan::plan_json("not json", "{\"now\":0}")).contains("error"));
    CHECK(nlohmann::json::parse(plan::plan_json("{\"domain\":\"example.com\"}", "{}")).contains("error"));
    CHECK(nlohmann::json::parse(plan::plan_json("{\"domain\":\"example.com\"}", "{\"now\":0,\"mx\":[1]}")).contains("error"));
    const auto ok = nlohmann::json::parse(plan::plan_json("{\"domain\":\"example.com\"}", "{\"now\":1796115600000}"));
    CHECK(ok["changes"][0]["applies"] == false);
    CHECK(ok["changes"][0]["steps"].size() == 0);
  }
}
