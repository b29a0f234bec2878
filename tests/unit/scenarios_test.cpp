// The domain scenarios of tests/fixtures/scenarios/ (one folder each: world.json, expect.json,
// tests/fixtures/README.md), driven through the engine on the C++ fake network: every scenario whose
// "drivers" include "unit" is realised as the observations web/host.mjs would make (fake_resolver.h)
// and its report compared with expect.json: the grade (or null and its range), completeness, the
// status of the six checks, the exact finding codes of each check, and what else it states.
//
// The files are embedded in the binary at build time, so this runs the same natively, under the
// sanitizers and as WebAssembly under Node with no file system.
//
// check_asserted_codes() (the coverage guard of codes_test.cpp) is derived from these files.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "mtasts/finding.h"
#include "scenarios.h"
#include "test_support.h"

namespace mtasts_test {
const std::set<std::string>& check_asserted_codes() {
  // Every code some scenario's expect.json lists (each asserts its exact set, per check), plus those
  // the cases of check_test.cpp assert outside the scenarios: invalid inputs (domain.invalid) and
  // stopped checks (check.aborted, check.deadline).
  static const std::set<std::string> codes = [] {
    std::set<std::string> out{"domain.invalid", "check.aborted", "check.deadline"};
    for (const auto& s : all_scenarios())
      for (const auto& [check, list] : s.expect.at("codes").items())
        for (const auto& c : list) out.insert(c.get<std::string>());
    return out;
  }();
  return codes;
}
}  // namespace mtasts_test

namespace {

using json = nlohmann::json;
using mtasts_test::all_scenarios;

TEST_SUITE("scenarios") {
  TEST_CASE("fake network: the resolver builds the answers a resolver would") {
    namespace dns = mtasts::dns;
    using dns::rr_type;
    mtasts_test::fake::network n;
    n["example.com"] = json::parse(R"({"MX": [[10, "mx1.example.com"], [0, "."]], "A": ["192.0.2.1"]})");
    n["_mta-sts.example.com"] = json::parse(R"({"TXT": [["v=STSv1; ", "id=1"], ["other"]], "AD": true})");
    n["_mta-sts.example.com"]["TXT"].push_back(std::string(300, 'y'));  // a plain string: 255-byte pieces
    n["mta-sts.example.com"] = json::parse(R"({"AAAA": ["2001:db8::1"], "CNAME": "x.example.net", "AD": true})");
    n["x.example.net"] = json::parse(R"({"AAAA": ["2001:db8::1"]})");
    n["sf.example.com"] = json::parse(R"({"rcode": "SERVFAIL", "ede": [6, "x"]})");
    n["only.example.com"] = json::parse(R"({"TXT": [["t"]], "rcode": "REFUSED", "only": ["A"]})");
    auto ask = [&](const char* name, rr_type t) {
      const auto bytes = mtasts_test::fake::response_for(n, name, t);
      auto d = dns::decode(bytes);
      REQUIRE(d.msg);
      return *d.msg;
    };
    auto m = ask("_mta-sts.example.com", rr_type::txt);
    CHECK(m.qr);
    CHECK(m.rd);
    CHECK(m.ra);
    CHECK(m.ad);
    CHECK(m.rcode == dns::rcode::noerror);
    CHECK(dns::check_response(m, {"_mta-sts.example.com", rr_type::txt, dns::class_in}).empty());
    REQUIRE(m.answers.size() == 3);
    CHECK(std::get<dns::txt_data>(m.answers[0].data).strings == std::vector<std::string>{"v=STSv1; ", "id=1"});
    CHECK(std::get<dns::txt_data>(m.answers[2].data).strings == std::vector<std::string>{std::string(255, 'y'), std::string(45, 'y')});

    // A CNAME followed: both links, AD as the AND along the chain.
    m = ask("mta-sts.example.com", rr_type::aaaa);
    REQUIRE(m.answers.size() == 2);
    CHECK(m.answers[0].type == rr_type::cname);
    CHECK(std::get<dns::address_data>(m.answers[1].data).address == "2001:db8::1");
    CHECK_FALSE(m.ad);

    m = ask("example.com", rr_type::mx);
    REQUIRE(m.answers.size() == 2);
    CHECK(std::get<dns::mx_data>(m.answers[1].data).exchange.empty());  // the null MX's root
    m = ask("sf.example.com", rr_type::a);
    CHECK(m.rcode == dns::rcode::servfail);
    REQUIRE(m.edns);
    REQUIRE(m.edns->extended_errors.size() == 1);
    CHECK(m.edns->extended_errors[0].info_code == 6);
    CHECK(ask("only.example.com", rr_type::a).rcode == dns::rcode::refused);
    CHECK(ask("only.example.com", rr_type::txt).rcode == dns::rcode::noerror);
    CHECK(ask("absent.example.com", rr_type::mx).rcode == dns::rcode::nxdomain);
    const auto nodata = ask("example.com", rr_type::txt);
    CHECK(nodata.rcode == dns::rcode::noerror);
    CHECK(nodata.answers.empty());

    // Compression: the owner name points back to the question (0xC00C).
    n.every_query = json::parse(R"({"compress": true})");
    const auto bytes = mtasts_test::fake::response_for(n, "example.com", rr_type::mx);
    bool pointer = false;
    for (std::size_t i = 12; i + 1 < bytes.size(); ++i) pointer = pointer || (bytes[i] == 0xC0 && bytes[i + 1] == 12);
    CHECK(pointer);
    CHECK(dns::decode(bytes).msg);
  }

  TEST_CASE("fake network: the policy host as a browser's fetch sees it") {
    namespace check = mtasts::check;
    auto policy_obs = [](const json& hosts, const std::string& relay = {}) {
      mtasts_test::fake::network n;
      n.hosts = hosts;
      n.relay = relay;
      check::request r;
      r.id = "policy";
      r.kind = check::request_kind::policy;
      r.url = "https://mta-sts.example.com/.well-known/mta-sts.txt";
      return mtasts_test::fake::answer(n, r);
    };
    auto o = policy_obs(json::parse(R"({"mta-sts.example.com": {"body": "x", "contentType": null}})"));
    CHECK(o.kind == check::observation_kind::response);
    CHECK(o.status == 200);
    CHECK_FALSE(o.content_type.has_value());
    CHECK(o.bytes == "x");
    o = policy_obs(json::parse(R"({"mta-sts.example.com": {"size": 70000}})"));
    CHECK(o.truncated);
    CHECK(o.bytes.size() == 65537);
    CHECK(o.content_type == std::optional<std::string>("text/plain"));
    o = policy_obs(json::parse(R"({"mta-sts.example.com": {"redirect": {"status": 301, "location": "https://a.example/"}}})"));
    CHECK(o.kind == check::observation_kind::redirect);
    CHECK(o.status == 0);  // an opaqueredirect hides its status
    CHECK(policy_obs(json::parse(R"({"mta-sts.example.com": {"cors": false}})")).kind == check::observation_kind::cors_blocked);
    CHECK(policy_obs(json::parse(R"({"mta-sts.example.com": {"cert": "expired"}})")).kind == check::observation_kind::unreachable);
    CHECK(policy_obs(json::object()).kind == check::observation_kind::unreachable);
    CHECK(policy_obs(json::parse(R"({"mta-sts.example.com": {"hang": true}})")).kind == check::observation_kind::timeout);
    o = policy_obs(json::parse(R"({"mta-sts.example.com": {"bodyError": 1, "body": "abc"}})"));
    CHECK(o.kind == check::observation_kind::unreachable);
    CHECK(o.status == 200);
    // The relay: its own failure keeps the policy cors-blocked; its answer is the host's.
    o = policy_obs(json::parse(R"({"mta-sts.example.com": {"cors": false}, "relay.example": {"status": 404}})"),
                   "https://relay.example/?u={url}");
    CHECK(o.kind == check::observation_kind::cors_blocked);
    CHECK(o.relay_failure == "relay: HTTP 404 without the relay's marker (is the relay URL right?)");
    o = policy_obs(json::parse(R"({"mta-sts.example.com": {"cors": false},
                                  "relay.example": {"body": "p", "headers": {"X-Relay-Upstream-Ms": "1"}}})"),
                   "https://relay.example/?u={url}");
    CHECK(o.kind == check::observation_kind::response);
    CHECK(o.via_relay);
    CHECK(o.message == "https://relay.example");
    CHECK_FALSE(o.content_type.has_value());
  }

  TEST_CASE("scenarios: the fixtures are well formed") {
    REQUIRE(all_scenarios().size() >= 100);
    const std::set<std::string> drivers = {"unit", "node", "e2e", "cli"};
    std::size_t unit = 0;
    for (const auto& s : all_scenarios()) {
      CAPTURE(s.name);
      CHECK(s.world.at("input").is_string());
      CHECK(s.expect.at("why").is_string());
      CHECK(s.expect.at("complete").is_boolean());
      CHECK(s.expect.at("status").size() == 6);
      for (const auto& d : s.drivers) CHECK(drivers.count(d) == 1);
      CHECK_MESSAGE((s.world.contains("drivers") == s.world.contains("drivers_why")), "\"drivers\" says why in \"drivers_why\"");
      for (const auto& [check, list] : s.expect.at("codes").items()) {
        for (const auto& c : list) {
          mtasts::code out{};
          CHECK_MESSAGE(mtasts::code_from_name(c.get<std::string>(), out), "not a code: " << c);
        }
      }
      unit += s.runs_in("unit") ? 1 : 0;
    }
    CHECK(unit >= 100);
  }

  TEST_CASE("scenarios: every fixture the unit driver plays gives the expected report") {
    std::size_t ran = 0;
    for (const auto& s : all_scenarios()) {
      if (!s.runs_in("unit")) continue;
      CAPTURE(s.name);
      const auto net = mtasts_test::network_of(s);
      const auto o = mtasts_test::drive(net, mtasts_test::options_of(s));
      INFO("why: " << s.expect.at("why").get<std::string>());
      INFO("report: " << mtasts_test::describe(o.rep));
      const auto diff = mtasts_test::differences(o, s, net.fetched);
      std::string text;
      for (const auto& d : diff) text += "\n  - " + d;
      CHECK_MESSAGE(diff.empty(), "differences:" << text);
      // Invariants of every final report, and of the requests.
      CHECK(o.rep.pending.empty());
      for (const auto& r : o.requests)
        if (r.kind == mtasts::check::request_kind::dns) CHECK_FALSE(r.dns.empty());
      CHECK_FALSE(o.rep.grade_reason.empty());
      CHECK_FALSE((o.rep.grade.has_value() && o.rep.grade_range.has_value()));
      if (o.rep.grade_range) CHECK(static_cast<int>(o.rep.grade_range->first) > static_cast<int>(o.rep.grade_range->second));
      for (const auto& c : o.rep.checks) {
        CAPTURE(c.id);
        CHECK_FALSE(c.summary.empty());
        CHECK(c.status != mtasts::check::status::pending);
        for (const auto& f : c.findings) CHECK_FALSE(f.message.empty());
      }
      ++ran;
    }
    MESSAGE("scenarios run by the unit driver: " << ran);
    CHECK(ran >= 100);
  }
}

}  // namespace
