// Tests for the domain check (check.h) and its grade (grade.h): how the engine asks and takes
// answers (the waves of requests, order independence, stray and repeated observations, stopping,
// the JSON boundary of step_json). grade_of's rubric is tested in grade_test.cpp.
//
// What the engine concludes about a domain set-up (grade, statuses, finding codes) is in the shared
// scenarios of tests/fixtures/scenarios/, driven by scenarios_test.cpp (and by the Node and browser
// drivers); the cases here take their worlds from those fixtures and the fake network of
// fake_resolver.h.
//
// Expectations follow the specification (RFC 8461 §3.1-§4.1, RFC 8460 §3, RFC 8484) and the
// rubric of docs/GRADING.md, not the code: a case that fails names an engine bug.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <tuple>
#include <vector>

#include "fake_resolver.h"
#include "mtasts/base64.h"
#include "mtasts/check.h"
#include "mtasts/dns.h"
#include "mtasts/grade.h"
#include "mtasts/json.h"
#include "scenarios.h"
#include "test_support.h"

namespace {

namespace check = mtasts::check;
namespace dns = mtasts::dns;
namespace fake = mtasts_test::fake;
using check::observation;
using check::observation_kind;
using dns::rr_type;
using mtasts_test::describe;
using mtasts_test::drive;
using mtasts_test::outcome;

/** A fixture's world and options, to be changed by a case. */
struct world {
  fake::network net;
  check::options opt;
};

world world_of(const std::string& scenario) {
  const auto& s = mtasts_test::scenario_named(scenario);
  return {mtasts_test::network_of(s), mtasts_test::options_of(s)};
}

outcome drive(const world& w) { return drive(w.net, w.opt); }

observation answer(const world& w, const check::request& r) { return fake::answer(w.net, r); }

// ===========================================================================
// Reading a report
std::set<std::string> codes_of(const check::report& r) {
  std::set<std::string> out;
  for (const auto& f : r.domain_findings) out.insert(std::string(mtasts::code_name(f.code)));
  for (const auto& c : r.checks)
    for (const auto& f : c.findings) out.insert(std::string(mtasts::code_name(f.code)));
  return out;
}

const check::check_result* check_of(const check::report& r, std::string_view id) {
  for (const auto& c : r.checks)
    if (c.id == id) return &c;
  return nullptr;
}

/** The first finding with `code`, in the checks or about the domain. */
const mtasts::finding* finding_of(const check::report& r, std::string_view code) {
  for (const auto& f : r.domain_findings)
    if (mtasts::code_name(f.code) == code) return &f;
  for (const auto& c : r.checks)
    for (const auto& f : c.findings)
      if (mtasts::code_name(f.code) == code) return &f;
  return nullptr;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// ===========================================================================
// JSON boundary helpers

using ojson = nlohmann::ordered_json;

/** The same loop as drive(), through step_json only: JSON in, JSON out. */
ojson drive_json(const world& w) {
  std::vector<observation> obs;
  std::set<std::string> started;
  ojson out;
  for (int round = 0; round < 50; ++round) {
    out = ojson::parse(check::step_json(check::to_json(check::state{w.opt, obs})));
    REQUIRE(out.contains("requests"));
    bool added = false;
    for (const auto& rj : out["requests"]) {
      const std::string id = rj["id"].get<std::string>();
      if (!started.insert(id).second) continue;
      check::request r;
      r.id = id;
      if (rj["kind"] == "dns") {
        r.kind = check::request_kind::dns;
        r.name = rj["name"].get<std::string>();
        r.dns = rj["dns"].get<std::string>();
      } else {
        r.kind = check::request_kind::policy;
        r.url = rj["url"].get<std::string>();
      }
      obs.push_back(answer(w, r));
      added = true;
    }
    if (!added) break;
  }
  return out;
}

using check::grade;

}  // namespace

TEST_SUITE("check") {
  TEST_CASE("check: the first wave is MX, the two TXT, A and AAAA of the policy host, and the policy") {
    check::options opt;
    opt.input = "Example.com";
    check::domain_check c(opt);
    std::set<std::string> ids;
    for (const auto& r : c.requests()) {
      CAPTURE(r.id);
      CHECK(ids.insert(r.id).second);
      if (r.kind == check::request_kind::policy) {
        CHECK(r.url == "https://mta-sts.example.com/.well-known/mta-sts.txt");
        continue;
      }
      // The query: ID 0, RD and AD set, one question matching the id (RFC 8484 §4.1, RFC 6840 §5.7).
      const auto q = mtasts::base64_decode(r.dns);
      REQUIRE(q);
      auto d = dns::decode(reinterpret_cast<const std::uint8_t*>(q->data()), q->size());
      REQUIRE(d.msg);
      CHECK(d.msg->id == 0);
      CHECK_FALSE(d.msg->qr);
      CHECK(d.msg->rd);
      CHECK(d.msg->ad);
      REQUIRE(d.msg->questions.size() == 1);
      CHECK(dns::names_equal(d.msg->questions[0].name, r.name));
      CHECK(d.msg->questions[0].type == r.type);
      CHECK(r.id == "dns:" + dns::type_name(r.type) + ":" + r.name);
    }
    CHECK(mtasts_test::join(ids) ==
          mtasts_test::join({"dns:MX:example.com", "dns:TXT:_mta-sts.example.com", "dns:TXT:_smtp._tls.example.com",
                             "dns:A:mta-sts.example.com", "dns:AAAA:mta-sts.example.com", "policy"}));
    const auto& rep = c.result();
    CHECK_FALSE(rep.complete);
    CHECK_FALSE(rep.grade.has_value());
    CHECK(rep.pending.size() == 6);
    for (const auto& ch : rep.checks) CHECK(ch.status == check::status::pending);
  }

  TEST_CASE("check: TLSA requests appear only after the MX answer") {
    const world w = world_of("grade-a-plus");
    check::domain_check c(w.opt);
    auto tlsa_count = [&] {
      std::size_t n = 0;
      for (const auto& r : c.requests()) n += r.type == rr_type::tlsa && r.kind == check::request_kind::dns ? 1 : 0;
      return n;
    };
    // Everything but MX first.
    std::vector<check::request> first = c.requests();
    for (const auto& r : first)
      if (r.id != "dns:MX:grade-a-plus.test") c.observe(answer(w, r));
    CHECK(tlsa_count() == 0);
    CHECK(c.result().pending == std::vector<std::string>{"dns:MX:grade-a-plus.test"});
    for (const auto& r : first)
      if (r.id == "dns:MX:grade-a-plus.test") c.observe(answer(w, r));
    CHECK(tlsa_count() == 2);
    const auto* dane = check_of(c.result(), "dane");
    REQUIRE(dane);
    CHECK(dane->status == check::status::pending);
    CHECK_FALSE(c.result().complete);
    CHECK_FALSE(c.result().grade.has_value());
    REQUIRE(c.result().grade_range);
    CHECK(c.result().grade_range->first == grade::a);
    CHECK(c.result().grade_range->second == grade::a_plus);
    for (const auto& r : std::vector<check::request>(c.requests()))
      if (r.type == rr_type::tlsa) c.observe(answer(w, r));
    CHECK(c.result().complete);
    CHECK(c.result().grade == std::optional<grade>(grade::a_plus));
  }

  TEST_CASE("check: the same observations in another order give the same report") {
    world w = world_of("grade-a-plus");
    w.net["_mta-sts.grade-a-plus.test"]["TXT"].push_back({"v=spf1 -all"});
    const outcome base = drive(w);
    const std::string expected = check::to_json(base.rep);
    CHECK(base.rep.grade == std::optional<grade>(grade::a_plus));

    std::vector<observation> reversed(base.observations.rbegin(), base.observations.rend());
    check::domain_check one(w.opt);
    for (const auto& o : reversed) one.observe(o);
    CHECK(check::to_json(one.result()) == expected);

    check::domain_check all(w.opt);
    all.observe(reversed);
    CHECK(check::to_json(all.result()) == expected);

    mtasts_test::rng rnd(7);
    for (int round = 0; round < 5; ++round) {
      std::vector<observation> shuffled = base.observations;
      for (std::size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rnd.below(i)]);
      check::domain_check c(w.opt);
      for (const auto& o : shuffled) c.observe(o);
      CHECK(check::to_json(c.result()) == expected);
    }
  }

  TEST_CASE("check: an observation for an unknown id is ignored; a second one for an id replaces the first") {
    const world w = world_of("grade-a");
    const outcome base = drive(w);
    const std::string expected = check::to_json(base.rep);

    check::domain_check c(w.opt);
    observation stray;
    stray.kind = observation_kind::response;
    stray.status = 500;
    stray.content_type = "text/html";
    stray.bytes = "version: STSv1\nmode: none\nmax_age: 86400\n";
    stray.id = "dns:TXT:unrelated.example";
    c.observe(stray);
    stray.id = "";
    c.observe(stray);
    for (const auto& o : base.observations) c.observe(o);
    CHECK(check::to_json(c.result()) == expected);

    // A retry: the timeout first, the answer after it.
    check::domain_check retry(w.opt);
    observation t;
    t.kind = observation_kind::timeout;
    t.id = "dns:TXT:_mta-sts.grade-a.test";
    retry.observe(t);
    for (const auto& o : base.observations) retry.observe(o);
    CHECK(check::to_json(retry.result()) == expected);
  }

  TEST_CASE("check: a redirect whose status the host saw is worded with it") {
    // A browser's own fetch never sees it: an opaque redirect hides it (the scenario
    // policy-redirect). The relay reports it (policy-relay-redirect), and a native host sees it.
    const world w = world_of("policy-redirect");
    check::domain_check c(w.opt);
    std::set<std::string> started;
    for (bool more = true; more;) {
      more = false;
      for (const auto& r : std::vector<check::request>(c.requests())) {
        if (!started.insert(r.id).second) continue;
        more = true;
        observation o = answer(w, r);
        if (r.kind == check::request_kind::policy) {
          REQUIRE(o.kind == observation_kind::redirect);
          CHECK(o.status == 0);
          o.status = 301;
        }
        c.observe(std::move(o));
      }
    }
    const auto* f = finding_of(c.result(), "policy.fetch.redirect");
    REQUIRE(f);
    CHECK_MESSAGE(contains(f->message, "301"), f->message);
    CHECK(c.result().grade == std::optional<check::grade>(check::grade::f));
  }

  TEST_CASE("check: invalid inputs give domain.invalid and no request") {
    const std::string long_name = std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') + "." +
                                  std::string(60, 'd') + "." + "comabc";  // 250 characters
    REQUIRE(long_name.size() == 250);
    const char* inputs[] = {"", "   ", "exa mple.com", "https://x/y", "1.2.3.4", "localhost", "-a.com", "a..com",
                            "user@example.com", "example.com:443"};
    std::vector<std::string> all(std::begin(inputs), std::end(inputs));
    all.push_back(long_name);
    for (const auto& in : all) {
      CAPTURE(in);
      check::options opt;
      opt.input = in;
      check::domain_check c(opt);
      CHECK(c.requests().empty());
      const auto& r = c.result();
      INFO(describe(r));
      CHECK(mtasts_test::join(codes_of(r)) == "{domain.invalid}");
      REQUIRE(r.domain_findings.size() == 1);
      CHECK_FALSE(r.domain_findings[0].message.empty());
      CHECK_FALSE(r.grade.has_value());
      CHECK_FALSE(r.grade_range.has_value());
      CHECK(r.complete);
      CHECK(r.pending.empty());
      CHECK(r.input == in);
    }
    // The longest name that still leaves room for _smtp._tls.<domain> (253 - 11 = 242) is accepted;
    // one more character is not.
    const std::string longest = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(46, 'd') + ".com";
    REQUIRE(longest.size() == 242);
    check::options ok;
    ok.input = longest;
    check::domain_check c(ok);
    CHECK(c.requests().size() == 6);
    CHECK(mtasts_test::join(codes_of(c.result())) == "{}");
    check::options over;
    over.input = "e" + longest;
    check::domain_check d(over);
    CHECK(d.requests().empty());
    CHECK(mtasts_test::join(codes_of(d.result())) == "{domain.invalid}");
  }

  TEST_CASE("check: aborted with nothing observed") {
    check::options opt;
    opt.input = "example.com";
    opt.aborted = true;
    check::domain_check c(opt);
    const auto& r = c.result();
    INFO(describe(r));
    CHECK(codes_of(r) == std::set<std::string>{"check.aborted"});
    bool on_domain = false;
    for (const auto& f : r.domain_findings) on_domain = on_domain || f.code == mtasts::code::check_aborted;
    CHECK(on_domain);
    CHECK_FALSE(r.complete);
    CHECK(r.pending.empty());
    CHECK_FALSE(r.grade.has_value());
    for (const auto& ch : r.checks) CHECK(ch.status != check::status::pending);
  }

  TEST_CASE("check: stopped by the overall deadline: check.deadline, not check.aborted") {
    world w = world_of("grade-a");
    w.opt.aborted = true;
    w.opt.deadline = true;
    w.opt.total_timeout_ms = 30000;
    check::domain_check c(w.opt);
    for (const auto& r : std::vector<check::request>(c.requests()))
      if (r.id == "dns:MX:grade-a.test") c.observe(answer(w, r));
    const auto& r = c.result();
    INFO(describe(r));
    CHECK(codes_of(r).count("check.aborted") == 0);
    REQUIRE(finding_of(r, "check.deadline"));
    CHECK(contains(finding_of(r, "check.deadline")->message, "overall limit of 30 s"));
    bool on_domain = false;
    for (const auto& f : r.domain_findings) on_domain = on_domain || f.code == mtasts::code::check_deadline;
    CHECK(on_domain);
    CHECK(check_of(r, "mx")->status != check::status::pending);
    CHECK_FALSE(r.complete);
    CHECK(r.pending.empty());
    CHECK_FALSE(r.grade.has_value());
  }

  TEST_CASE("check: aborted after some answers keeps what was observed") {
    world w = world_of("grade-a");
    w.opt.aborted = true;
    check::domain_check c(w.opt);
    for (const auto& r : std::vector<check::request>(c.requests()))
      if (r.id == "dns:TXT:_mta-sts.grade-a.test" || r.id == "dns:MX:grade-a.test") c.observe(answer(w, r));
    const auto& r = c.result();
    INFO(describe(r));
    CHECK(check_of(r, "sts")->status == check::status::pass);
    CHECK(codes_of(r).count("check.aborted") == 1);
    CHECK_FALSE(r.complete);
    CHECK(r.pending.empty());
    CHECK_FALSE(r.grade.has_value());
  }

  TEST_CASE("check: step_json gives the same report and requests as the direct engine, for every scenario") {
    std::size_t n = 0;
    for (const auto& s : mtasts_test::all_scenarios()) {
      if (!s.runs_in("unit")) continue;
      CAPTURE(s.name);
      const world w{mtasts_test::network_of(s), mtasts_test::options_of(s)};
      const outcome direct = drive(w);
      const ojson out = drive_json(w);
      REQUIRE(out.contains("report"));
      CHECK(out["report"].dump(-1, ' ', false, ojson::error_handler_t::replace) == check::to_json(direct.rep));
      std::vector<std::string> json_ids, direct_ids;
      for (const auto& rj : out["requests"]) json_ids.push_back(rj["id"].get<std::string>());
      for (const auto& r : direct.requests) direct_ids.push_back(r.id);
      CHECK(json_ids == direct_ids);
      for (std::size_t k = 0; k < direct.requests.size() && k < out["requests"].size(); ++k)
        if (direct.requests[k].kind == check::request_kind::dns)
          CHECK(out["requests"][k]["dns"].get<std::string>() == direct.requests[k].dns);
      ++n;
    }
    CHECK(n >= 100);
  }

  TEST_CASE("check: the report's JSON") {
    const world w = world_of("grade-a");
    const outcome o = drive(w);
    const ojson j = ojson::parse(check::to_json(o.rep));
    CHECK(j["schema"] == 1);
    CHECK(j["kind"] == "domain");
    CHECK(j["grade"] == "A");
    CHECK(j["grade_range"].is_null());
    CHECK(j["complete"] == true);
    CHECK(j["domain"] == "grade-a.test");
    CHECK(j["resolver"] == fake::resolver_url);
    CHECK(j["mx_kind"] == "records");
    REQUIRE(j["mx"].size() == 2);
    CHECK(j["mx"][0]["host"] == "mx1.grade-a.test");
    CHECK(j["mx"][0]["covered"] == true);
    CHECK(j["policy"]["mode"] == "enforce");
    CHECK(j["policy"]["max_age"] == 604800);
    CHECK(j["sts"]["id"] == "20240101T000000");
    std::set<std::string> codes;
    for (const auto& f : j["findings"]) codes.insert(f["code"].get<std::string>());
    CHECK(codes == codes_of(o.rep));
    CHECK(j["pending"].empty());

    // A null grade with its range.
    const ojson n = ojson::parse(check::to_json(drive(world_of("policy-cors-blocked")).rep));
    CHECK(n["grade"].is_null());
    CHECK(n["grade_range"] == ojson::array({"F", "A"}));
    CHECK(n["policy"].is_null());
  }

  TEST_CASE("check: the report's TTLs: the RRset's, the longest link of a CNAME chain, the SOA's negative TTL") {
    SUBCASE("each answer's own TTL; a policy host with only A records takes the A answer's") {
      world w = world_of("grade-b-testing");
      w.net["grade-b-testing.test"]["ttl"] = 3600;
      w.net["_mta-sts.grade-b-testing.test"]["ttl"] = 600;
      w.net["_smtp._tls.grade-b-testing.test"]["ttl"] = 120;
      w.net["mta-sts.grade-b-testing.test"] = {{"A", nlohmann::json::array({"192.0.2.1"})}, {"ttl", 60}};
      const outcome o = drive(w);
      CHECK(o.rep.ttl.mx == 3600u);
      CHECK(o.rep.ttl.sts == 600u);
      CHECK(o.rep.ttl.tlsrpt == 120u);
      CHECK(o.rep.ttl.policy_host == 60u);  // AAAA is NODATA without an SOA: no address there to keep
      const ojson j = ojson::parse(check::to_json(o.rep));
      CHECK(j["ttl"] == ojson{{"mx", 3600}, {"sts", 600}, {"tlsrpt", 120}, {"policy_host", 60}});
    }
    SUBCASE("a CNAME chain: the longest link, whichever end it is") {
      for (const auto& row : {std::tuple{900u, 60u, 900u}, std::tuple{30u, 600u, 600u}}) {
        // (no structured bindings: the wasm build's clang cannot capture them in CAPTURE's lambda)
        const unsigned alias = std::get<0>(row), target = std::get<1>(row), expect = std::get<2>(row);
        CAPTURE(alias);
        world w = world_of("grade-b-testing");
        w.net["_mta-sts.grade-b-testing.test"] = {{"CNAME", "sts.provider.test"}, {"ttl", alias}};
        w.net["sts.provider.test"] = {{"TXT", nlohmann::json::array({nlohmann::json::array({"v=STSv1; id=20240101T000000"})})},
                                     {"ttl", target}};
        CHECK(drive(w).rep.ttl.sts == expect);
      }
    }
    SUBCASE("NXDOMAIN without an SOA: not said") {
      world w = world_of("grade-b-testing");
      w.net.zone.erase("_smtp._tls.grade-b-testing.test");
      const outcome o = drive(w);
      CHECK_FALSE(o.rep.ttl.tlsrpt);
      CHECK(ojson::parse(check::to_json(o.rep))["ttl"]["tlsrpt"].is_null());
    }
    SUBCASE("NXDOMAIN and NODATA with an SOA: min(SOA TTL, MINIMUM), RFC 2308 §5") {
      // The answer for _smtp._tls built by hand: no answer, one SOA in the authority section.
      const auto negative = [](const std::string& qname, unsigned rcode, std::uint32_t soa_ttl, std::uint32_t minimum) {
        std::string m;
        const auto u16 = [&](unsigned v) { m += static_cast<char>(v >> 8); m += static_cast<char>(v & 0xFF); };
        const auto u32 = [&](std::uint32_t v) { u16(v >> 16); u16(v & 0xFFFF); };
        const auto name = [&](const std::string& n) {
          std::size_t at = 0;
          while (at < n.size()) {
            const std::size_t dot = std::min(n.find('.', at), n.size());
            m += static_cast<char>(dot - at);
            m += n.substr(at, dot - at);
            at = dot + 1;
          }
          m += '\0';
        };
        u16(0); u16(0x8180 | rcode); u16(1); u16(0); u16(1); u16(0);
        name(qname); u16(16); u16(1);
        name("grade-b-testing.test"); u16(6); u16(1); u32(soa_ttl);
        const std::size_t len_at = m.size();
        u16(0);
        name("ns.grade-b-testing.test"); name("hostmaster.grade-b-testing.test");
        u32(1); u32(7200); u32(900); u32(1209600); u32(minimum);
        const std::size_t len = m.size() - len_at - 2;
        m[len_at] = static_cast<char>(len >> 8);
        m[len_at + 1] = static_cast<char>(len & 0xFF);
        return m;
      };
      for (const auto& row :
           {std::tuple{3u, 900u, 300u, 300u}, std::tuple{3u, 120u, 300u, 120u}, std::tuple{0u, 3600u, 600u, 600u},
            std::tuple{0u, 0x80000000u, 600u, 0u}}) {
        const unsigned rcode = std::get<0>(row), soa_ttl = std::get<1>(row), minimum = std::get<2>(row),
                       expect = std::get<3>(row);
        CAPTURE(rcode);
        CAPTURE(soa_ttl);
        const world w = world_of("grade-b-testing");
        check::domain_check c(w.opt);
        std::set<std::string> done;
        for (bool more = true; more;) {
          more = false;
          std::vector<observation> batch;
          for (const auto& r : c.requests()) {
            if (!done.insert(r.id).second) continue;
            more = true;
            observation o = answer(w, r);
            if (r.id == "dns:TXT:_smtp._tls.grade-b-testing.test")
              o.bytes = negative("_smtp._tls.grade-b-testing.test", rcode, soa_ttl, minimum);
            batch.push_back(std::move(o));
          }
          if (more) c.observe(std::move(batch));
        }
        CHECK(c.result().ttl.tlsrpt == expect);
        CHECK(c.result().ttl.mx == 300u);
      }
    }
  }

  TEST_CASE("check: step_json rejects what is not a state") {
    for (const char* bad : {"", "[]", "{", "{\"input\":\"example.com\",\"observations\":{}}",
                            "{\"input\":\"example.com\",\"observations\":[{\"id\":\"policy\",\"kind\":\"nope\"}]}",
                            "{\"input\":\"example.com\",\"observations\":[{\"id\":\"x\",\"kind\":\"answer\",\"bytes\":\"*\"}]}"}) {
      CAPTURE(bad);
      const ojson out = ojson::parse(check::step_json(bad));
      CHECK(out.contains("error"));
      CHECK_FALSE(out.contains("report"));
    }
  }
}

TEST_SUITE("grade") {
  TEST_CASE("grade_name") {
    CHECK(check::grade_name(grade::a_plus) == "A+");
    CHECK(check::grade_name(grade::a) == "A");
    CHECK(check::grade_name(grade::b) == "B");
    CHECK(check::grade_name(grade::c) == "C");
    CHECK(check::grade_name(grade::d) == "D");
    CHECK(check::grade_name(grade::f) == "F");
    CHECK(check::status_name(check::status::unknown) == "unknown");
    CHECK(check::status_name(check::status::pending) == "pending");
  }
}

TEST_SUITE("check: names left behind") {
  // mx.pattern.stale_foreign: a pattern that covers no MX host and lies under none of their domains (nor the
  // domain's own). The domains compare by hostname.h's registrable_part, which errs to calling two names one
  // domain (so to not flagging). The world is the mx-pattern-stale-foreign scenario's, with its MX records and
  // policy replaced by each row's.
  TEST_CASE("check: an mx pattern left under another domain is flagged; one the MX hosts' domains hold is not") {
    struct row_t {
      const char* name;
      std::vector<std::string> mx;  // the MX hosts (preference 10, 20, ...)
      std::string pattern;          // the pattern beside one that covers every MX host
      bool flagged;
    };
    const std::string d = "mx-pattern-stale-foreign.test";
    const row_t rows[] = {
        {"an exact host at a former provider", {"mx1." + d}, "mx.oldhost.example", true},
        {"a wildcard at a former provider", {"mx1." + d}, "*.mail.oldhost.example", true},
        {"unused, under the domain itself", {"mx1." + d}, "mx9." + d, false},
        {"unused, under the domain of an MX host", {"in1.provider.example"}, "in2.provider.example", false},
        {"unused, beside a provider MX host under a known two-label suffix", {"mx.provider.co.uk"},
         "mx2.provider.co.uk", false},
        {"another registrant under a known two-label suffix", {"mx.provider.co.uk"}, "mx.former.co.uk", true},
        {"a suffix the short list does not know: the same wide domain, not flagged", {"mx.a.net.za"}, "mx.b.net.za",
         false},
        {"an address-shaped pattern is policy.mx.ip_literal's, not this", {"mx1." + d}, "192.0.2.25", false},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      world w = world_of("mx-pattern-stale-foreign");
      nlohmann::json mx = nlohmann::json::array();
      std::string body = "version: STSv1\nmode: enforce\n";
      for (std::size_t i = 0; i < r.mx.size(); ++i) {
        mx.push_back({10 * (i + 1), r.mx[i]});
        body += "mx: " + r.mx[i] + "\n";
        w.net[r.mx[i]]["A"] = nlohmann::json::array({"192.0.2.25"});
      }
      body += "mx: " + r.pattern + "\nmax_age: 604800\n";
      w.net[d]["MX"] = mx;
      w.net.hosts["mta-sts." + d]["body"] = body;
      const outcome o = drive(w);
      const auto* f = finding_of(o.rep, "mx.pattern.stale_foreign");
      CHECK((f != nullptr) == r.flagged);
      if (f != nullptr) CHECK(contains(f->message, r.pattern));
      const auto* mxc = check_of(o.rep, "mx");
      REQUIRE(mxc != nullptr);
      CHECK(check::status_name(mxc->status) == (r.flagged ? "warn" : "pass"));
    }
  }

  TEST_CASE("check: a dangling CNAME is said once, in place of the delegation note, through a chain of links too") {
    world w = world_of("sts-cname-dangling");
    const std::string d = "sts-cname-dangling.test";
    w.net["_mta-sts." + d] = {{"CNAME", "hop.provider-sts-cname-dangling.test"}};
    w.net["hop.provider-sts-cname-dangling.test"] = {{"CNAME", "_mta-sts.gone-sts-cname-dangling.test"}};
    const outcome o = drive(w);
    const auto* f = finding_of(o.rep, "dns.cname.dangling");
    REQUIRE(f != nullptr);
    CHECK(contains(f->message, "_mta-sts." + d + " -> hop.provider-sts-cname-dangling.test -> "
                                   "_mta-sts.gone-sts-cname-dangling.test"));
    CHECK(finding_of(o.rep, "sts.dns.cname") == nullptr);
    // A CNAME whose target exists but has no TXT record is no dangling alias: the delegation note stays.
    w.net["_mta-sts.gone-sts-cname-dangling.test"] = {{"A", {"192.0.2.9"}}};
    const outcome o2 = drive(w);
    CHECK(finding_of(o2.rep, "dns.cname.dangling") == nullptr);
    CHECK(finding_of(o2.rep, "sts.dns.cname") != nullptr);
  }
}
