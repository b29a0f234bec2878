// Tests for the STARTTLS check (core/src/check/starttls.cpp) and what it does to the grade: the
// engine asks a native host (options.starttls) to probe each MX host at the addresses of its A
// and AAAA answers, and judges the probes against the policy's mode (RFC 8461 §4.2, §5):
// under enforce a failing host is C at best and no passing host is F; under testing a warning;
// a host this machine could not connect to is not observed and does not move the grade.
//
// The worlds are the shared scenarios (tests/fixtures/scenarios/) on the fake network; each
// case says what each MX host's probe saw. The probes themselves (sockets, OpenSSL) are tested
// against real SMTP servers in tests/node/cli-check.test.mjs.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fake_resolver.h"
#include "mtasts/check.h"
#include "mtasts/json.h"
#include "scenarios.h"
#include "test_support.h"

namespace {

namespace check = mtasts::check;
namespace fake = mtasts_test::fake;
using check::tls_probe;
using check::tls_result;

// 2026-12-02T00:00:00Z
constexpr double now_ms = 1796169600000.0;

tls_probe passed(const std::string& not_after = "2027-03-01T00:00:00Z") {
  tls_probe p;
  p.result = tls_result::ok;
  p.stage = "done";
  p.address = "192.0.2.25";
  p.version = "TLSv1.3";
  p.cipher = "TLS_AES_256_GCM_SHA384";
  p.certificate = check::certificate{"CN=mx", "CN=Test CA", {"mx.example"}, "2026-11-01T00:00:00Z", not_after};
  return p;
}

tls_probe failed(tls_result r, std::string stage, std::string detail = {}) {
  tls_probe p;
  p.result = r;
  p.stage = std::move(stage);
  p.address = "192.0.2.26";
  p.detail = std::move(detail);
  if (r == tls_result::certificate_host_mismatch || r == tls_result::certificate_expired ||
      r == tls_result::certificate_not_trusted)
    p.certificate = check::certificate{"CN=wrong", "CN=Test CA", {"wrong-name.invalid"}, "2020-01-01T00:00:00Z",
                                       "2020-02-01T00:00:00Z"};
  return p;
}

struct run {
  check::report rep;
  std::vector<check::request> probes;  ///< the starttls requests, as asked
  std::set<std::string> codes;         ///< of the starttls check
  std::string status;                  ///< of the starttls check ("" when absent)
};

/** What a case answers for a request instead of the fake network (nullopt: the network's answer; a
 *  starttls request the responder leaves unanswered stays pending). */
using responder = std::function<std::optional<check::observation>(const check::request&)>;

/** The engine driven to the end over `net` as a native host (probing when opt.starttls), with `answer` first. */
check::domain_check drive_native(const fake::network& net, check::options opt, const responder& answer) {
  opt.host = check::host_kind::native;
  check::domain_check c(opt);
  std::set<std::string> done;
  for (int round = 0; round < 50; ++round) {
    std::vector<check::observation> batch;
    for (const auto& r : c.requests()) {
      if (!done.insert(r.id).second) continue;
      if (auto o = answer(r)) batch.push_back(std::move(*o));
      else if (r.kind != check::request_kind::starttls) batch.push_back(fake::answer(net, r));
    }
    if (batch.empty()) break;
    c.observe(std::move(batch));
  }
  return c;
}

/** A responder that answers each probe from `probes`, by host name. */
responder probes_from(std::map<std::string, tls_probe> probes) {
  return [probes = std::move(probes)](const check::request& r) -> std::optional<check::observation> {
    if (r.kind != check::request_kind::starttls) return std::nullopt;
    auto it = probes.find(r.host);
    if (it == probes.end()) return std::nullopt;
    check::observation o;
    o.id = r.id;
    o.kind = check::observation_kind::starttls;
    o.tls = it->second;
    return o;
  };
}

/** Every probe passes. */
responder all_pass() {
  return [](const check::request& r) -> std::optional<check::observation> {
    if (r.kind != check::request_kind::starttls) return std::nullopt;
    check::observation o;
    o.id = r.id;
    o.kind = check::observation_kind::starttls;
    o.tls = passed();
    return o;
  };
}

run summarize(const check::domain_check& c) {
  run out;
  out.rep = c.result();
  for (const auto& r : c.requests())
    if (r.kind == check::request_kind::starttls) out.probes.push_back(r);
  for (const auto& ch : out.rep.checks)
    if (ch.id == "starttls") {
      out.status = std::string(check::status_name(ch.status));
      out.codes = mtasts_test::code_set(ch.findings);
    }
  return out;
}

/** Plays a scenario's world with a native host that probes; `probes` answers by host name (none: no answer). */
run play(const std::string& scenario, const std::map<std::string, tls_probe>& probes, bool starttls = true) {
  const auto& s = mtasts_test::scenario_named(scenario);
  check::options opt = mtasts_test::options_of(s);
  opt.starttls = starttls;
  opt.now_ms = now_ms;
  return summarize(drive_native(mtasts_test::network_of(s), opt, probes_from(probes)));
}

std::string grade(const run& r) { return r.rep.grade ? std::string(check::grade_name(*r.rep.grade)) : "null"; }

}  // namespace

TEST_SUITE("starttls") {
  TEST_CASE("starttls: a browser's report has no STARTTLS check and asks for no probe") {
    const run r = play("grade-a", {}, /*starttls=*/false);
    CHECK(r.status.empty());
    CHECK(r.probes.empty());
    CHECK(r.rep.checks.size() == 6);
    CHECK(r.rep.host.observes == std::vector<std::string>{"dns", "policy"});
    const auto j = nlohmann::json::parse(check::to_json(r.rep));
    CHECK(j["host"]["kind"] == "native");
    CHECK_FALSE(j["mx"][0].contains("tls"));  // the browser's schema is unchanged without probes
  }

  TEST_CASE("starttls: each MX host is probed once, at the addresses of its A and AAAA answers") {
    const run r = play("grade-a", {{"mx1.grade-a.test", passed()}, {"mx2.grade-a.test", passed()}});
    REQUIRE(r.probes.size() == 2);
    CHECK(r.probes[0].id == "starttls:mx1.grade-a.test");
    CHECK(r.probes[0].host == "mx1.grade-a.test");
    CHECK(r.probes[0].addresses == std::vector<std::string>{"192.0.2.25"});
    CHECK(r.probes[1].addresses == std::vector<std::string>{"192.0.2.26"});
    CHECK(r.status == "pass");
    CHECK(r.codes.empty());
    CHECK(grade(r) == "A");  // as the browser grades it: the probes found nothing to hold against it
    CHECK(r.rep.complete);
    CHECK(r.rep.host.observes == std::vector<std::string>{"dns", "policy", "starttls"});
    REQUIRE(r.rep.mx[0].tls);
    CHECK(r.rep.mx[0].tls->version == "TLSv1.3");
    const auto j = nlohmann::json::parse(check::to_json(r.rep));
    CHECK(j["mx"][0]["tls"]["result"] == "ok");
    CHECK(j["mx"][0]["addresses"] == nlohmann::json::array({"192.0.2.25"}));
    CHECK(j["mx"][0]["tls"]["certificate"]["dns_names"] == nlohmann::json::array({"mx.example"}));
    CHECK(j["checks"][4]["id"] == "starttls");
  }

  TEST_CASE("starttls: while probes are out the check is pending and the report is not complete") {
    const run r = play("grade-a", {{"mx1.grade-a.test", passed()}});
    CHECK(r.status == "pending");
    CHECK_FALSE(r.rep.complete);
    CHECK(r.rep.pending == std::vector<std::string>{"starttls:mx2.grade-a.test"});
  }

  TEST_CASE("starttls: under enforce, one failing host of two is C, each failure named in RFC 8460's words") {
    const struct {
      tls_result result;
      const char* stage;
      const char* word;
      const char* evidence;
    } rows[] = {
        {tls_result::starttls_not_supported, "ehlo", "starttls-not-supported", "does not offer STARTTLS"},
        {tls_result::certificate_host_mismatch, "verify", "certificate-host-mismatch", "wrong-name.invalid"},
        {tls_result::certificate_expired, "verify", "certificate-expired", "expired on 2020-02-01T00:00:00Z"},
        {tls_result::certificate_not_trusted, "verify", "certificate-not-trusted", "does not chain to a trusted root"},
        {tls_result::validation_failure, "handshake", "validation-failure", "TLS 1.0"},
        {tls_result::timeout, "ehlo", "timeout", "stopped answering during ehlo"},
    };
    for (const auto& row : rows) {
      CAPTURE(row.word);
      const run r = play("grade-a", {{"mx1.grade-a.test", passed()},
                                     {"mx2.grade-a.test", failed(row.result, row.stage, "offers only TLS 1.0")}});
      CHECK(r.codes == std::set<std::string>{"starttls.failed"});
      CHECK(r.status == "fail");
      CHECK(grade(r) == "C");
      CHECK(r.rep.grade_reason.find("1 MX host") != std::string::npos);
      const auto& f = r.rep.checks[4].findings.at(0);
      CHECK(f.message.find("mx2.grade-a.test") != std::string::npos);
      CHECK(f.message.find(std::string("[") + row.word + "]") != std::string::npos);
      CHECK(f.message.find(row.evidence) != std::string::npos);
      // Only a name mismatch is a place where senders differ (docs/SENDERS.md): the finding says who.
      CHECK((f.message.find("except Postfix") != std::string::npos) ==
            (row.result == tls_result::certificate_host_mismatch));
      const auto j = nlohmann::json::parse(check::to_json(r.rep));
      CHECK(j["mx"][1]["tls"]["result"] == row.word);
    }
  }

  TEST_CASE("starttls: under enforce, no host passing is F with starttls.none_ok") {
    const run r = play("grade-a", {{"mx1.grade-a.test", failed(tls_result::certificate_expired, "verify")},
                                   {"mx2.grade-a.test", failed(tls_result::starttls_not_supported, "ehlo")}});
    CHECK(r.codes == std::set<std::string>{"starttls.failed", "starttls.none_ok"});
    CHECK(grade(r) == "F");
    CHECK(r.rep.grade_reason.find("deliver to none of the MX hosts") != std::string::npos);
  }

  TEST_CASE("starttls: under testing a failure is a warning and the grade stays B") {
    const run r = play("grade-b-testing", {{"mx1.grade-b-testing.test", passed()},
                                           {"mx2.grade-b-testing.test", failed(tls_result::certificate_host_mismatch, "verify")}});
    CHECK(r.codes == std::set<std::string>{"starttls.failed_testing"});
    CHECK(r.status == "warn");
    CHECK(grade(r) == "B");
    const run none = play("grade-b-testing", {{"mx1.grade-b-testing.test", failed(tls_result::timeout, "banner")},
                                              {"mx2.grade-b-testing.test", failed(tls_result::timeout, "ehlo")}});
    CHECK(none.codes == std::set<std::string>{"starttls.failed_testing"});
    CHECK(grade(none) == "B");
  }

  TEST_CASE("starttls: with mode none or no MTA-STS, a failure is a warning about the fallback") {
    const run r = play("grade-d-mode-none", {{"mx1.grade-d-mode-none.test", failed(tls_result::starttls_not_supported, "ehlo")}});
    CHECK(r.codes.count("starttls.failed_unenforced") == 1);
    CHECK(grade(r) == "D");
    const run f = play("grade-f-no-mta-sts", {{"mx1.grade-f-no-mta-sts.test", failed(tls_result::certificate_not_trusted, "verify")}});
    CHECK(f.codes.count("starttls.failed_unenforced") == 1);
    CHECK(grade(f) == "F");
  }

  TEST_CASE("starttls: a host not reached from here is not observed and does not move the grade") {
    tls_probe refused = failed(tls_result::unreachable, "connect", "192.0.2.26: Connection refused");
    tls_probe slow = failed(tls_result::timeout, "connect", "192.0.2.26: no answer in 10 s");
    for (const auto& p : {refused, slow}) {
      const run r = play("grade-a", {{"mx1.grade-a.test", passed()}, {"mx2.grade-a.test", p}});
      CHECK(r.codes == std::set<std::string>{"starttls.unreachable"});
      CHECK(r.status == "unknown");
      CHECK(grade(r) == "A");
      CHECK_FALSE(r.rep.complete);
    }
    const run all = play("grade-a", {{"mx1.grade-a.test", refused}, {"mx2.grade-a.test", refused}});
    CHECK(all.status == "unknown");
    CHECK(grade(all) == "A");
    CHECK(all.rep.checks[4].summary.find("port 25") != std::string::npos);
  }

  TEST_CASE("starttls: a certificate that expires within 14 days is a warning, and keeps A+ away") {
    const run r = play("grade-a-plus", {{"mx1.grade-a-plus.test", passed("2026-12-10T00:00:00Z")},
                                        {"mx2.grade-a-plus.test", passed()}});
    CHECK(r.codes == std::set<std::string>{"starttls.certificate.expiring"});
    CHECK(r.rep.checks[4].findings.at(0).message.find("in 8 days") != std::string::npos);
    CHECK(grade(r) == "A");
    const run later = play("grade-a-plus", {{"mx1.grade-a-plus.test", passed("2026-12-17T00:00:00Z")},
                                            {"mx2.grade-a-plus.test", passed()}});
    CHECK(later.codes.empty());
    CHECK(grade(later) == "A+");
  }

  TEST_CASE("starttls: an MX host without an address is said, and not probed") {
    // grade-a with mx2's A record removed.
    const auto& s = mtasts_test::scenario_named("grade-a");
    fake::network net = mtasts_test::network_of(s);
    net.zone.erase("mx2.grade-a.test");
    check::options opt = mtasts_test::options_of(s);
    opt.starttls = true;
    const auto c = drive_native(net, opt, all_pass());
    const auto& rep = c.result();
    REQUIRE(rep.checks.size() == 7);
    CHECK(mtasts_test::code_set(rep.checks[4].findings) == std::set<std::string>{"starttls.no_address"});
    for (const auto& q : c.requests()) CHECK(q.id != "starttls:mx2.grade-a.test");
  }

  TEST_CASE("starttls: past the cap nothing is claimed about the other hosts") {
    const auto& s = mtasts_test::scenario_named("grade-a");
    check::options opt = mtasts_test::options_of(s);
    opt.starttls = true;
    opt.starttls_cap = 1;
    const auto c = drive_native(mtasts_test::network_of(s), opt, all_pass());
    const auto& rep = c.result();
    CHECK(mtasts_test::code_set(rep.checks[4].findings) == std::set<std::string>{"starttls.capped"});
    CHECK(rep.checks[4].status == check::status::unknown);
    std::size_t probes = 0;
    for (const auto& q : c.requests()) probes += q.kind == check::request_kind::starttls;
    CHECK(probes == 1);
  }

  TEST_CASE("starttls: a stopped check says what was not probed") {
    const auto& s = mtasts_test::scenario_named("grade-a");
    check::options opt = mtasts_test::options_of(s);
    opt.host = check::host_kind::native;
    opt.starttls = true;
    // Everything answered but the probes, then the host stops.
    check::state st{opt, {}};
    const auto& net = mtasts_test::network_of(s);
    const auto answered = drive_native(net, opt, probes_from({}));
    for (const auto& q : answered.requests())
      if (q.kind != check::request_kind::starttls) st.observations.push_back(fake::answer(net, q));
    st.options.aborted = true;
    check::domain_check stopped(st);
    const auto& rep = stopped.result();
    CHECK(rep.checks[4].status == check::status::unknown);
    CHECK(mtasts_test::code_set(rep.checks[4].findings) == std::set<std::string>{"check.aborted"});
    CHECK(rep.grade_range.has_value() == false);
  }

  TEST_CASE("starttls: a probe's JSON goes through the state and back unchanged") {
    const auto& s = mtasts_test::scenario_named("grade-a");
    check::options opt = mtasts_test::options_of(s);
    opt.host = check::host_kind::native;
    opt.starttls = true;
    opt.now_ms = now_ms;
    check::observation o;
    o.id = "starttls:mx1.grade-a.test";
    o.kind = check::observation_kind::starttls;
    o.tls = failed(tls_result::certificate_expired, "verify", "certificate has expired");
    o.tls->banner = "220 mx1 ESMTP";
    check::state st{opt, {o}};
    const auto parsed = check::parse_state(check::to_json(st));
    REQUIRE(parsed.state);
    CHECK(check::to_json(*parsed.state) == check::to_json(st));
    const auto& back = parsed.state->observations.at(0);
    REQUIRE(back.tls);
    CHECK(back.tls->result == tls_result::certificate_expired);
    CHECK(back.tls->certificate->not_after == "2020-02-01T00:00:00Z");
    CHECK(parsed.state->options.host == check::host_kind::native);
    CHECK(parsed.state->options.starttls);
    const auto bad = check::parse_state(R"({"input": "a.test", "observations": [{"id": "x", "kind": "starttls", "tls": {"result": "fine"}}]})");
    CHECK_FALSE(bad.state);
    CHECK(bad.error.find("unknown result") != std::string::npos);
  }

  TEST_CASE("policy.fetch.tls: a native host's exact TLS failure of the policy host fails the check") {
    for (const char* f : {"certificate-expired", "certificate-host-mismatch", "certificate-not-trusted",
                          "certificate-not-yet-valid", "tls-handshake"}) {
      CAPTURE(f);
      const auto& s = mtasts_test::scenario_named("grade-a");
      const std::string failure = f;
      const auto c = drive_native(mtasts_test::network_of(s), mtasts_test::options_of(s),
                                  [&](const check::request& q) -> std::optional<check::observation> {
                                    if (q.kind != check::request_kind::policy) return std::nullopt;
                                    check::observation o;
                                    o.id = q.id;
                                    o.kind = check::observation_kind::unreachable;
                                    o.failure = failure;
                                    o.message = "SSL certificate problem: certificate has expired";
                                    return o;
                                  });
      const auto& rep = c.result();
      CHECK(mtasts_test::code_set(rep.checks[1].findings) == std::set<std::string>{"policy.fetch.tls"});
      CHECK(rep.checks[1].status == check::status::fail);
      CHECK(rep.grade == check::grade::f);
      CHECK(rep.complete);
    }
  }
}

namespace mtasts_test {
const std::set<std::string>& starttls_asserted_codes() {
  static const std::set<std::string> codes = {
      "starttls.failed", "starttls.none_ok", "starttls.failed_testing", "starttls.failed_unenforced",
      "starttls.certificate.expiring", "starttls.unreachable", "starttls.no_address", "starttls.capped",
      "policy.fetch.tls"};
  return codes;
}
}  // namespace mtasts_test
