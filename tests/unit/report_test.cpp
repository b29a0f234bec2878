// Tests for the TLS-RPT report parser and aggregation (report.h; RFC 8460 §4;
// docs/REPORTS.md is the contract): one table row per deviation from the
// §4.4 schema (its code, and the JSON path its message names), the shapes
// real reporters send, dates, the day a report is placed on, duplicates, MX
// host names, the sums every breakdown must add up to, the JSON member names,
// and the shared fixtures of tests/fixtures/reports/ (the JSON-only cases;
// the container cases need a host and are played by the Node, CLI and
// browser drivers).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/json.h"
#include "mtasts/limits.h"
#include "mtasts/report.h"
#include "test_support.h"

namespace mtasts_test {
// tests/fixtures/reports/, embedded at build time by tests/unit/embed_fixtures.cmake
// (tests/CMakeLists.txt renames its two symbols for this copy).
struct embedded_file {
  const char* path;
  const unsigned char* data;
  std::size_t size;
};
extern const embedded_file embedded_report_fixtures[];
extern const std::size_t embedded_report_fixture_count;
}  // namespace mtasts_test

namespace {

namespace tlsrpt = mtasts::tlsrpt;
using json = nlohmann::ordered_json;
using mtasts_test::code_set;
using mtasts_test::join;

// ---- building reports ------------------------------------------------------

/** A clean report: every field RFC 8460 §4.4 defines, one sts policy, one failure detail. No findings. */
json base() {
  return json::parse(R"({
    "organization-name": "Example Org",
    "date-range": {"start-datetime": "2026-11-30T00:00:00Z", "end-datetime": "2026-11-30T23:59:59Z"},
    "contact-info": "tlsrpt@example.org",
    "report-id": "r-1",
    "policies": [{
      "policy": {"policy-type": "sts",
                 "policy-string": ["version: STSv1", "mode: testing", "mx: mx1.example.com", "max_age: 86400"],
                 "policy-domain": "example.com", "mx-host": ["mx1.example.com"]},
      "summary": {"total-successful-session-count": 10, "total-failure-session-count": 2},
      "failure-details": [{"result-type": "certificate-expired", "sending-mta-ip": "198.51.100.1",
                           "receiving-mx-hostname": "mx1.example.com", "receiving-mx-helo": "mx1.example.com",
                           "receiving-ip": "192.0.2.1", "failed-session-count": 2,
                           "additional-information": "https://reports.example.org/r-1",
                           "failure-reason-code": "X509_V_ERR_CERT_HAS_EXPIRED"}]
    }]
  })");
}

std::string with(const std::function<void(json&)>& change) {
  json j = base();
  change(j);
  return j.dump();
}

json& pol0(json& j) { return j["policies"][0]; }
json& detail0(json& j) { return j["policies"][0]["failure-details"][0]; }

/** A small report of one sts policy for example.com; failures as {result-type, mx, count}. */
struct failure { std::string type, mx; std::uint64_t n; std::string ip = "198.51.100.9"; };
std::string small_report(const std::string& org, const std::string& id, const std::string& start,
                         std::uint64_t successful, const std::vector<failure>& failures = {},
                         const std::string& domain = "example.com") {
  json j = base();
  j["organization-name"] = org;
  j["report-id"] = id;
  j["date-range"]["start-datetime"] = start;
  j["date-range"]["end-datetime"] = start;  // a range of no length: no date_range finding
  std::uint64_t failed = 0;
  json details = json::array();
  for (const auto& f : failures) {
    failed += f.n;
    details.push_back({{"result-type", f.type}, {"sending-mta-ip", f.ip}, {"receiving-mx-hostname", f.mx},
                       {"failed-session-count", f.n}});
  }
  pol0(j)["policy"]["policy-domain"] = domain;
  pol0(j)["summary"] = {{"total-successful-session-count", successful}, {"total-failure-session-count", failed}};
  pol0(j)["failure-details"] = details;
  return j.dump();
}

tlsrpt::input in(std::string source, std::string text) {
  tlsrpt::input i;
  i.source = std::move(source);
  i.text = std::move(text);
  return i;
}

tlsrpt::input failed_input(std::string source, mtasts::code c, std::string message) {
  tlsrpt::input i;
  i.source = std::move(source);
  i.error = c;
  i.error_message = std::move(message);
  return i;
}

bool has_error(const std::vector<mtasts::finding>& fs) {
  return std::any_of(fs.begin(), fs.end(),
                     [](const mtasts::finding& f) { return mtasts::code_severity(f.code) == mtasts::severity::error; });
}

std::string describe(const std::vector<mtasts::finding>& fs) {
  std::string out;
  for (const auto& f : fs) out += std::string(mtasts::code_name(f.code)) + ": " + f.message + "\n";
  return out;
}

/** The codes that leave a report unread (codes.def); every other finding leaves it readable. */
const std::set<std::string> rejecting = {"report.json.invalid", "report.json.not_object", "report.policies.missing",
                                         "report.size.too_large"};

/** What every parse result must satisfy, whatever the input. */
void check_parse_invariants(const tlsrpt::parse_result& r) {
  CHECK(r.valid == r.report.has_value());
  for (const auto& f : r.findings) {
    CAPTURE(mtasts::code_name(f.code));
    CHECK_FALSE(f.message.empty());
    CHECK(std::string(mtasts::code_name(f.code)).rfind("report.", 0) == 0);
    CHECK((f.line == 0) == (f.column == 0));
  }
  bool rejected = false;
  for (const auto& f : r.findings) rejected = rejected || rejecting.count(std::string(mtasts::code_name(f.code))) > 0;
  CHECK(rejected == !r.valid);
  if (!r.valid) CHECK(r.findings.size() == 1);  // one reason, the first met
}

// ---- the table: one row per deviation --------------------------------------

struct row {
  std::string name;
  std::string text;
  bool valid = true;
  std::set<std::string> codes;
  /** For each named code: a JSON path its message must name. */
  std::vector<std::pair<std::string, std::string>> paths;
};

std::vector<row> deviation_rows() {
  using P = std::vector<std::pair<std::string, std::string>>;
  std::vector<row> rows = {
      {"the clean base report", base().dump(), true, {}, {}},
      // ---- rejected: no report ------------------------------------------------
      {"not JSON", "{\"organization-name\": \"x\", ", false, {"report.json.invalid"}, {}},
      {"empty text", "", false, {"report.json.invalid"}, {}},
      {"JSON with trailing garbage", base().dump() + " x", false, {"report.json.invalid"}, {}},
      {"an array, not an object", "[]", false, {"report.json.not_object"}, {}},
      {"a string, not an object", "\"report\"", false, {"report.json.not_object"}, {}},
      {"no policies", with([](json& j) { j.erase("policies"); }), false, {"report.policies.missing"},
       P{{"report.policies.missing", "policies"}}},
      {"policies an object", with([](json& j) { j["policies"] = json::object(); }), false,
       {"report.policies.missing"}, P{{"report.policies.missing", "policies"}}},
      {"policies null", with([](json& j) { j["policies"] = nullptr; }), false, {"report.policies.missing"},
       P{{"report.policies.missing", "policies"}}},
      // ---- report fields --------------------------------------------------------
      {"organization-name missing", with([](json& j) { j.erase("organization-name"); }), true,
       {"report.field.missing"}, P{{"report.field.missing", "organization-name"}}},
      {"organization-name a number", with([](json& j) { j["organization-name"] = 7; }), true, {"report.field.type"},
       P{{"report.field.type", "organization-name"}}},
      {"contact-info null (egressif.io sends that): read as missing", with([](json& j) { j["contact-info"] = nullptr; }), true,
       {"report.field.missing"}, P{{"report.field.missing", "contact-info"}}},
      {"an optional field null: read as absent, nothing said",
       with([](json& j) { detail0(j)["receiving-mx-helo"] = nullptr; }), true, {}, P{}},
      {"contact-info missing", with([](json& j) { j.erase("contact-info"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "contact-info"}}},
      {"report-id missing", with([](json& j) { j.erase("report-id"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "report-id"}}},
      {"report-id an object", with([](json& j) { j["report-id"] = json::object(); }), true, {"report.field.type"},
       P{{"report.field.type", "report-id"}}},
      {"a field RFC 8460 does not define", with([](json& j) { j["x-generator"] = "mailer 1.0"; }), true,
       {"report.field.unknown"}, P{{"report.field.unknown", "x-generator"}}},
      // ---- date-range -------------------------------------------------------------
      {"date-range missing", with([](json& j) { j.erase("date-range"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "date-range"}}},
      {"date-range a string", with([](json& j) { j["date-range"] = "2026-11-30"; }), true, {"report.field.type"},
       P{{"report.field.type", "date-range"}}},
      {"start-datetime missing", with([](json& j) { j["date-range"].erase("start-datetime"); }), true,
       {"report.field.missing"}, P{{"report.field.missing", "date-range.start-datetime"}}},
      {"end-datetime missing", with([](json& j) { j["date-range"].erase("end-datetime"); }), true,
       {"report.field.missing"}, P{{"report.field.missing", "date-range.end-datetime"}}},
      {"start-datetime a number (epoch seconds)", with([](json& j) { j["date-range"]["start-datetime"] = 1796083200; }),
       true, {"report.field.type"}, P{{"report.field.type", "date-range.start-datetime"}}},
      {"start-datetime a date only", with([](json& j) { j["date-range"]["start-datetime"] = "2026-11-30"; }), true,
       {"report.date.invalid"}, P{{"report.date.invalid", "date-range.start-datetime"}}},
      {"start-datetime empty", with([](json& j) { j["date-range"]["start-datetime"] = ""; }), true,
       {"report.date.invalid"}, P{{"report.date.invalid", "date-range.start-datetime"}}},
      {"end-datetime without an offset (Microsoft's reports of 2023): read as UTC",
       with([](json& j) { j["date-range"]["end-datetime"] = "2026-11-30T23:59:59"; }), true, {"report.date.no_offset"},
       P{{"report.date.no_offset", "date-range.end-datetime"}}},
      {"range reversed", with([](json& j) { j["date-range"]["end-datetime"] = "2026-11-29T00:00:00Z"; }), true,
       {"report.date_range.reversed"}, P{{"report.date_range.reversed", "date-range"}}},
      {"range of two days", with([](json& j) { j["date-range"]["end-datetime"] = "2026-12-02T00:00:00Z"; }), true,
       {"report.date_range.long"}, P{{"report.date_range.long", "date-range"}}},
      {"range to the next midnight (24 h, as egressif.io sends) is not long",
       with([](json& j) { j["date-range"]["end-datetime"] = "2026-12-01T00:00:00Z"; }), true, {}, {}},
      {"a field in date-range RFC 8460 does not define", with([](json& j) { j["date-range"]["tz"] = "UTC"; }), true,
       {"report.field.unknown"}, P{{"report.field.unknown", "date-range.tz"}}},
      // ---- policies ---------------------------------------------------------------
      {"policies empty", with([](json& j) { j["policies"] = json::array(); }), true, {"report.policies.empty"},
       P{{"report.policies.empty", "policies"}}},
      {"a policies element not an object", with([](json& j) { j["policies"] = json::array({1}); }), true,
       {"report.field.type"}, P{{"report.field.type", "policies[0]"}}},
      {"policy missing", with([](json& j) { pol0(j).erase("policy"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "policies[0].policy"}}},
      {"policy an array", with([](json& j) { pol0(j)["policy"] = json::array(); }), true, {"report.field.type"},
       P{{"report.field.type", "policies[0].policy"}}},
      {"policy-type missing", with([](json& j) { pol0(j)["policy"].erase("policy-type"); }), true,
       {"report.field.missing"}, P{{"report.field.missing", "policies[0].policy.policy-type"}}},
      {"policy-type unknown", with([](json& j) { pol0(j)["policy"]["policy-type"] = "dane"; }), true,
       {"report.policy_type.unknown"}, P{{"report.policy_type.unknown", "policies[0].policy.policy-type"}}},
      {"policy-domain missing for an sts policy", with([](json& j) { pol0(j)["policy"].erase("policy-domain"); }), true,
       {"report.policy_domain.missing"}, P{{"report.policy_domain.missing", "policies[0].policy.policy-domain"}}},
      {"policy-domain missing for no-policy-found (Postfix's tlsrpt-reporter)", with([](json& j) {
         pol0(j)["policy"] = {{"policy-type", "no-policy-found"}};
       }),
       true, {"report.policy_domain.omitted"}, P{{"report.policy_domain.omitted", "policies[0].policy.policy-domain"}}},
      {"policy-string missing for an sts policy (Microsoft)", with([](json& j) { pol0(j)["policy"].erase("policy-string"); }),
       true, {"report.policy_string.missing"}, P{{"report.policy_string.missing", "policies[0].policy.policy-string"}}},
      {"policy-string a lone string", with([](json& j) { pol0(j)["policy"]["policy-string"] = "version: STSv1"; }), true,
       {"report.field.single_string"}, P{{"report.field.single_string", "policies[0].policy.policy-string"}}},
      {"mx-host a lone string (as in RFC 8460's own example)",
       with([](json& j) { pol0(j)["policy"]["mx-host"] = "*.mail.company-y.example"; }), true, {"report.field.single_string"},
       P{{"report.field.single_string", "policies[0].policy.mx-host"}}},
      {"an mx-host element not a string", with([](json& j) { pol0(j)["policy"]["mx-host"] = {"mx1.example.com", 5}; }),
       true, {"report.field.type"}, P{{"report.field.type", "policies[0].policy.mx-host[1]"}}},
      {"a field in policy RFC 8460 does not define", with([](json& j) { pol0(j)["policy"]["policy-id"] = "2026"; }),
       true, {"report.field.unknown"}, P{{"report.field.unknown", "policy.policy-id"}}},
      // ---- summary and counts --------------------------------------------------------
      {"summary missing", with([](json& j) { pol0(j).erase("summary"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "policies[0].summary"}}},
      {"summary a string", with([](json& j) { pol0(j)["summary"] = "10 ok"; }), true, {"report.field.type"},
       P{{"report.field.type", "policies[0].summary"}}},
      {"total-successful-session-count missing",
       with([](json& j) { pol0(j)["summary"].erase("total-successful-session-count"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "policies[0].summary.total-successful-session-count"}}},
      {"a count written as a string of digits",
       with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = "10"; }), true, {"report.count.string"},
       P{{"report.count.string", "policies[0].summary.total-successful-session-count"}}},
      {"a negative count", with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = -5; }), true,
       {"report.count.negative"}, P{{"report.count.negative", "policies[0].summary.total-successful-session-count"}}},
      {"a negative count written as a string",
       with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = "-3"; }), true, {"report.count.negative"},
       P{{"report.count.negative", "policies[0].summary.total-successful-session-count"}}},
      {"a count that is not whole", with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = 2.5; }),
       true, {"report.count.invalid"}, P{{"report.count.invalid", "policies[0].summary.total-successful-session-count"}}},
      {"a count written as words", with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = "ten"; }),
       true, {"report.count.invalid"}, P{{"report.count.invalid", "policies[0].summary.total-successful-session-count"}}},
      {"a count a boolean", with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = true; }), true,
       {"report.field.type"}, P{{"report.field.type", "policies[0].summary.total-successful-session-count"}}},
      {"a whole number written with a fraction (10.0) is that number",
       with([](json& j) { pol0(j)["summary"]["total-successful-session-count"] = 10.0; }), true, {}, {}},
      {"a field in summary RFC 8460 does not define", with([](json& j) { pol0(j)["summary"]["total"] = 12; }), true,
       {"report.field.unknown"}, P{{"report.field.unknown", "summary.total"}}},
      // ---- failure-details ------------------------------------------------------------
      {"failure-details an object (and no failed session)", with([](json& j) {
         pol0(j)["failure-details"] = json::object();
         pol0(j)["summary"]["total-failure-session-count"] = 0;
       }),
       true, {"report.field.type"}, P{{"report.field.type", "policies[0].failure-details"}}},
      {"a failure detail not an object", with([](json& j) {
         pol0(j)["failure-details"] = json::array({"oops"});
         pol0(j)["summary"]["total-failure-session-count"] = 0;
       }),
       true, {"report.field.type"}, P{{"report.field.type", "policies[0].failure-details[0]"}}},
      {"result-type missing", with([](json& j) { detail0(j).erase("result-type"); }), true, {"report.field.missing"},
       P{{"report.field.missing", "policies[0].failure-details[0].result-type"}}},
      {"result-type unknown", with([](json& j) { detail0(j)["result-type"] = "certificate-revoked"; }), true,
       {"report.result_type.unknown"}, P{{"report.result_type.unknown", "policies[0].failure-details[0].result-type"}}},
      {"failed-session-count as a string of digits", with([](json& j) { detail0(j)["failed-session-count"] = "2"; }),
       true, {"report.count.string"}, P{{"report.count.string", "policies[0].failure-details[0].failed-session-count"}}},
      {"failed-session-count missing", with([](json& j) { detail0(j).erase("failed-session-count"); }), true,
       {"report.field.missing", "report.summary.mismatch"},
       P{{"report.field.missing", "policies[0].failure-details[0].failed-session-count"},
         {"report.summary.mismatch", "policies[0]"}}},
      {"receiving-ip a number", with([](json& j) { detail0(j)["receiving-ip"] = 3221225985; }), true,
       {"report.field.type"}, P{{"report.field.type", "policies[0].failure-details[0].receiving-ip"}}},
      {"a field in a failure detail RFC 8460 does not define", with([](json& j) { detail0(j)["tls-version"] = "1.2"; }),
       true, {"report.field.unknown"}, P{{"report.field.unknown", "failure-details[].tls-version"}}},
      {"failure details that do not add up to the summary",
       with([](json& j) { pol0(j)["summary"]["total-failure-session-count"] = 5; }), true, {"report.summary.mismatch"},
       P{{"report.summary.mismatch", "policies[0]"}}},
      {"failed sessions without any failure details", with([](json& j) { pol0(j).erase("failure-details"); }), true,
       {"report.summary.mismatch"}, P{{"report.summary.mismatch", "policies[0]"}}},
      {"no failure and no failure-details (Google, Microsoft)", with([](json& j) {
         pol0(j).erase("failure-details");
         pol0(j)["summary"]["total-failure-session-count"] = 0;
       }),
       true, {}, {}},
      {"a failure detail without sending-mta-ip or MX (Microsoft's sts-policy-fetch-error)", with([](json& j) {
         detail0(j) = {{"result-type", "sts-policy-fetch-error"}, {"failed-session-count", 2}};
       }),
       true, {}, {}},
      {"a field in a policies element RFC 8460 does not define", with([](json& j) { pol0(j)["note"] = "x"; }), true,
       {"report.field.unknown"}, P{{"report.field.unknown", "policies[].note"}}},
  };
  return rows;
}

}  // namespace

namespace mtasts_test {
/** The report.* codes this file asserts exactly (for codes_test.cpp's coverage guard). */
const std::set<std::string>& report_asserted_codes() {
  static const std::set<std::string> codes = [] {
    std::set<std::string> out;
    for (const auto& r : deviation_rows()) out.insert(r.codes.begin(), r.codes.end());
    // Asserted outside the table: the size limit, duplicates and the hosts' container errors.
    for (const char* c : {"report.size.too_large", "report.duplicate", "report.container.unknown",
                          "report.container.corrupt", "report.container.too_large", "report.container.empty"})
      out.insert(c);
    return out;
  }();
  return codes;
}
}  // namespace mtasts_test

TEST_SUITE("report.parse") {
  TEST_CASE("every deviation from RFC 8460 §4.4: its code, validity and the JSON path its message names") {
    const auto rows = deviation_rows();
    std::set<std::string> names;
    for (const auto& r : rows) {
      CAPTURE(r.name);
      CHECK(names.insert(r.name).second);
      const auto res = tlsrpt::parse_report(r.text);
      INFO("findings:\n" << describe(res.findings));
      check_parse_invariants(res);
      CHECK(res.valid == r.valid);
      CHECK(join(code_set(res.findings)) == join(r.codes));
      for (const auto& p : r.paths) {
        CAPTURE(p.first);
        CAPTURE(p.second);
        const bool named = std::any_of(res.findings.begin(), res.findings.end(), [&](const mtasts::finding& f) {
          return mtasts::code_name(f.code) == p.first && f.message.find(p.second) != std::string::npos;
        });
        CHECK(named);
      }
    }
  }

  TEST_CASE("every report.* code of the parser is asserted by a row or a test below") {
    std::set<std::string> missing;
    for (std::size_t i = 0; i < mtasts::code_count(); ++i) {
      const std::string name(mtasts::code_name(static_cast<mtasts::code>(i)));
      if (name.rfind("report.", 0) == 0 && mtasts_test::report_asserted_codes().count(name) == 0) missing.insert(name);
    }
    INFO("report codes no test asserts: " << join(missing));
    CHECK(missing.empty());
  }

  TEST_CASE("a syntax error is placed at its line and column") {
    const auto r = tlsrpt::parse_report("{\n  \"a\": x\n}");
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].code == mtasts::code::report_json_invalid);
    CHECK(r.findings[0].line == 2);
    CHECK(r.findings[0].column == 8);  // the x
  }

  TEST_CASE("a text over 32 MiB is not read; one of exactly 32 MiB is") {
    const std::string report = base().dump();
    std::string big = report;
    big.append(mtasts::limits::report_max_bytes - report.size(), ' ');  // whitespace after the object is allowed
    REQUIRE(big.size() == mtasts::limits::report_max_bytes);
    {
      const auto r = tlsrpt::parse_report(big);
      CHECK(r.valid);
      CHECK(code_set(r.findings).empty());
    }
    big.push_back(' ');
    const auto r = tlsrpt::parse_report(big);
    check_parse_invariants(r);
    CHECK_FALSE(r.valid);
    CHECK(code_set(r.findings) == std::set<std::string>{"report.size.too_large"});
  }

  TEST_CASE("the clean report is read whole, in RFC 8460's shape") {
    const auto r = tlsrpt::parse_report(base().dump());
    REQUIRE(r.valid);
    REQUIRE(r.report);
    const auto& rep = *r.report;
    CHECK(rep.organization_name == "Example Org");
    CHECK(rep.contact_info == "tlsrpt@example.org");
    CHECK(rep.report_id == "r-1");
    CHECK(rep.start_datetime == "2026-11-30T00:00:00Z");
    CHECK(rep.end_datetime == "2026-11-30T23:59:59Z");
    CHECK(rep.start == std::optional<std::int64_t>(1795996800));
    CHECK(rep.end == std::optional<std::int64_t>(1795996800 + 86399));
    REQUIRE(rep.policies.size() == 1);
    const auto& p = rep.policies[0];
    CHECK(p.policy_type == "sts");
    CHECK(p.policy_string == std::vector<std::string>{"version: STSv1", "mode: testing", "mx: mx1.example.com",
                                                      "max_age: 86400"});
    CHECK(p.policy_domain == "example.com");
    CHECK(p.mx_host == std::vector<std::string>{"mx1.example.com"});
    CHECK(p.total_successful_session_count == 10);
    CHECK(p.total_failure_session_count == 2);
    REQUIRE(p.failure_details.size() == 1);
    const auto& d = p.failure_details[0];
    CHECK(d.result_type == "certificate-expired");
    CHECK(d.sending_mta_ip == "198.51.100.1");
    CHECK(d.receiving_mx_hostname == "mx1.example.com");
    CHECK(d.receiving_mx_helo == "mx1.example.com");
    CHECK(d.receiving_ip == "192.0.2.1");
    CHECK(d.failed_session_count == 2);
    CHECK(d.additional_information == "https://reports.example.org/r-1");
    CHECK(d.failure_reason_code == "X509_V_ERR_CERT_HAS_EXPIRED");
  }

  TEST_CASE("counts as strings are read as numbers; negative and non-integer counts are left out") {
    const auto r = tlsrpt::parse_report(with([](json& j) {
      pol0(j)["summary"] = {{"total-successful-session-count", "1234"}, {"total-failure-session-count", "2"}};
      detail0(j)["failed-session-count"] = " 2 ";
    }));
    REQUIRE(r.report);
    CHECK(r.report->policies[0].total_successful_session_count == 1234);
    CHECK(r.report->policies[0].total_failure_session_count == 2);
    CHECK(r.report->policies[0].failure_details[0].failed_session_count == 2);

    for (const json& bad : {json(-1), json("-7"), json(2.5), json("1e3"), json("12abc"), json(""), json(nullptr)}) {
      CAPTURE(bad.dump());
      const auto b = tlsrpt::parse_report(with([&](json& j) {
        pol0(j)["summary"]["total-successful-session-count"] = bad;
      }));
      REQUIRE(b.report);
      CHECK(b.report->policies[0].total_successful_session_count == 0);
      CHECK(has_error(b.findings));
    }
  }

  TEST_CASE("a readable report is never rejected for a cosmetic deviation, even for all of them at once") {
    const std::string text = with([](json& j) {
      j["date-range"]["start-datetime"] = "2026-11-30T00:00:00";  // no offset
      j["contact-info"] = nullptr;
      j.erase("report-id");
      j["x-extra"] = {{"nested", true}};
      pol0(j)["policy"].erase("policy-string");
      pol0(j)["policy"].erase("policy-domain");
      pol0(j)["policy"]["mx-host"] = "mx1.example.com";
      pol0(j)["summary"] = {{"total-successful-session-count", "10"}, {"total-failure-session-count", 3}};
      detail0(j)["result-type"] = "something-new";
      detail0(j)["receiving-mx-hostname"] = 17;
      j["policies"].push_back({{"policy", {{"policy-type", "no-policy-found"}}},
                               {"summary", {{"total-successful-session-count", 4.5}, {"total-failure-session-count", -1}}}});
      j["policies"].push_back({{"policy", {{"policy-type", "smime"}, {"policy-domain", "example.com"}}},
                               {"summary", {{"total-successful-session-count", 1}, {"total-failure-session-count", 0}}}});
    });
    const auto r = tlsrpt::parse_report(text);
    INFO(describe(r.findings));
    check_parse_invariants(r);
    REQUIRE(r.valid);
    REQUIRE(r.report);
    CHECK(r.report->policies.size() == 3);
    const auto s = tlsrpt::summarize({in("all.json", text)});
    CHECK(s.reports == 1);
    CHECK(s.totals.successful == 11);  // 10 + (4.5 left out) + 1
    CHECK(s.totals.failed == 3);       // 3 + (-1 left out) + 0
    REQUIRE(s.files.size() == 1);
    CHECK(s.files[0].status == tlsrpt::file_state::read);
  }

  TEST_CASE("RFC 3339 date-times: offsets, fractions, lower-case t and z") {
    struct date_case { const char* text; std::optional<std::int64_t> epoch; };
    const std::int64_t nov30 = 1795996800;  // 2026-11-30T00:00:00Z
    const date_case cases[] = {
        {"2026-11-30T00:00:00Z", nov30},
        {"2026-11-30t00:00:00z", nov30},
        {"2026-11-30T00:00:00.123456Z", nov30},
        {"2026-11-30T00:00:00.5+00:00", nov30},
        {"2026-11-30T01:30:00+01:30", nov30},
        {"2026-11-29T19:00:00-05:00", nov30},
        {"2026-11-30T00:00:00-00:00", nov30},
        {"2026-11-30T23:59:59Z", nov30 + 86399},
        {"2016-04-01T00:00:00Z", 1459468800},
        {"1970-01-01T00:00:00Z", 0},
        {"2028-02-29T12:00:00Z", 1835438400},
        {"2026-12-31T23:59:60Z", 1798761599},  // a leap second: the last second of the day
        // not RFC 3339
        {"2026-11-30", std::nullopt},
        {"2026-11-30T00:00:00", nov30},  // no offset: read as UTC, with report.date.no_offset
        {"2026-11-30 00:00:00Z", std::nullopt},
        {"2026-11-30T00:00Z", std::nullopt},
        {"20261130T000000Z", std::nullopt},
        {"2026-11-30T00:00:00+0100", std::nullopt},
        {"2026-11-30T00:00:00+01", std::nullopt},
        {"2026-11-30T00:00:00.Z", std::nullopt},
        {"2026-11-30T00:00:00ZZ", std::nullopt},
        {"2026-13-01T00:00:00Z", std::nullopt},
        {"2026-00-10T00:00:00Z", std::nullopt},
        {"2026-11-31T00:00:00Z", std::nullopt},
        {"2026-02-29T00:00:00Z", std::nullopt},
        {"2026-11-30T24:00:00Z", std::nullopt},
        {"2026-11-30T00:60:00Z", std::nullopt},
        {"2026-11-30T00:00:00+24:00", std::nullopt},
        {"Mon, 30 Nov 2026 00:00:00 +0000", std::nullopt},
        {" 2026-11-30T00:00:00Z", std::nullopt},
    };
    for (const auto& c : cases) {
      CAPTURE(c.text);
      const auto r = tlsrpt::parse_report(with([&](json& j) {
        j["date-range"]["start-datetime"] = c.text;
        j["date-range"]["end-datetime"] = c.text;
      }));
      REQUIRE(r.report);
      CHECK(r.report->start == c.epoch);
      CHECK(r.report->start_datetime == c.text);  // kept as written
      const auto codes = code_set(r.findings);
      CHECK((codes.count("report.date.invalid") == 1) == !c.epoch.has_value());
      const std::string_view t = c.text;
      const bool offset_less = t.size() > 19 ? t.find_first_of("Zz+-", 19) == std::string_view::npos : true;
      CHECK((codes.count("report.date.no_offset") == 1) == (c.epoch.has_value() && offset_less));
    }
  }

  TEST_CASE("format_utc") {
    CHECK(tlsrpt::format_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(tlsrpt::format_utc(1795996800) == "2026-11-30T00:00:00Z");
    CHECK(tlsrpt::format_utc(1795996800 + 86399) == "2026-11-30T23:59:59Z");
    CHECK(tlsrpt::format_utc(1795996800 + 86399, true) == "2026-11-30");
    CHECK(tlsrpt::format_utc(1835438400, true) == "2028-02-29");
    CHECK(tlsrpt::format_utc(-1) == "1969-12-31T23:59:59Z");
  }

  TEST_CASE("the eleven result types of RFC 8460 §4.3, each explained") {
    const std::set<std::string> rfc = {"starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
                                       "certificate-not-trusted", "validation-failure", "tlsa-invalid",
                                       "dnssec-invalid", "dane-required", "sts-policy-fetch-error",
                                       "sts-policy-invalid", "sts-webpki-invalid"};
    const auto& types = tlsrpt::result_types();
    CHECK(types.size() == 11);
    std::set<std::string> names;
    for (const auto& t : types) {
      const std::string name(t.name);
      CAPTURE(name);
      names.insert(name);
      CHECK(tlsrpt::find_result_type(name) == &t);
      CHECK(std::string(t.rfc).rfind("RFC 8460 \xc2\xa7" "4.3", 0) == 0);
      for (std::string_view text : {t.meaning, t.cause, t.fix}) {
        CAPTURE(text);
        REQUIRE(text.size() > 20);
        CHECK(text.back() == '.');
        CHECK(text.find(",,") == std::string_view::npos);
        CHECK(text.find("  ") == std::string_view::npos);
        CHECK(text.front() >= 'A');
        CHECK(text.front() <= 'Z');
      }
    }
    CHECK(names == rfc);
    CHECK(tlsrpt::find_result_type("certificate-revoked") == nullptr);
    CHECK(tlsrpt::find_result_type("") == nullptr);
    CHECK(tlsrpt::find_result_type("STARTTLS-NOT-SUPPORTED") == nullptr);
  }
}

// ---- the shapes real reporters send ----------------------------------------------

namespace {

/** The embedded fixture file at tests/fixtures/reports/<path>. */
std::optional<std::string> fixture_file(const std::string& path) {
  for (std::size_t i = 0; i < mtasts_test::embedded_report_fixture_count; ++i) {
    const auto& f = mtasts_test::embedded_report_fixtures[i];
    if (path == f.path) return std::string(reinterpret_cast<const char*>(f.data), f.size);
  }
  return std::nullopt;
}

}  // namespace

TEST_SUITE("report.shapes") {
  TEST_CASE("each reporter's report is read, with exactly the findings its deviations call for") {
    struct shape { const char* file; std::set<std::string> codes; };
    const shape shapes[] = {
        // RFC 8460's own example writes mx-host as a string, not the array §4.4 defines.
        {"rfc-8460-example/files/company-x.example!company-y.example!1459468800!1459555199.json", {"report.field.single_string"}},
        {"google/files/google.com!example.com!1795824000!1795910399.json", {}},
        {"google/files/google.com!example.com!1795910400!1795996799.json", {}},
        {"google/files/google.com!example.org!1795910400!1795996799.json", {}},
        // Microsoft wrote date-times without an offset (2023); now without policy-string and sending-mta-ip.
        {"microsoft/files/microsoft.com!example.com!1795737600!1795823999!134089344000000001.json", {"report.date.no_offset"}},
        {"microsoft/files/microsoft.com!example.com!1795824000!1795910399!134090208000000002.json", {}},
        {"microsoft/files/microsoft.com!example.com!1795910400!1795996799!134091072000000003.json",
         {"report.policy_string.missing"}},
        {"postfix-tlsrpt/files/mail.example.net!example.com!1795824000!1795910399.json", {"report.policy_domain.omitted"}},
        {"postfix-tlsrpt/files/mail.example.net!example.com!1795910400!1795996799.json", {}},
        {"tolerant/files/tolerant.example!example.com!1795996800!1796083199.json",
         {"report.count.string", "report.field.unknown", "report.policy_string.missing", "report.result_type.unknown",
          "report.policy_domain.omitted"}},
        {"tolerant/files/tolerant.example!example.com!1796083200!1796169599.json",
         {"report.policy_string.missing", "report.count.negative", "report.count.invalid",
          "report.policy_domain.omitted"}},
    };
    for (const auto& s : shapes) {
      CAPTURE(s.file);
      const auto text = fixture_file(s.file);
      REQUIRE(text);
      const auto r = tlsrpt::parse_report(*text);
      INFO(describe(r.findings));
      check_parse_invariants(r);
      CHECK(r.valid);
      CHECK(join(code_set(r.findings)) == join(s.codes));
    }
  }

  TEST_CASE("RFC 8460's example report, read field by field") {
    const auto text = fixture_file("rfc-8460-example/files/company-x.example!company-y.example!1459468800!1459555199.json");
    REQUIRE(text);
    const auto r = tlsrpt::parse_report(*text);
    REQUIRE(r.report);
    CHECK(r.report->organization_name == "Company-X");
    CHECK(r.report->report_id == "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    CHECK(r.report->start == std::optional<std::int64_t>(1459468800));
    REQUIRE(r.report->policies.size() == 1);
    const auto& p = r.report->policies[0];
    CHECK(p.total_successful_session_count == 5326);
    CHECK(p.total_failure_session_count == 303);
    REQUIRE(p.failure_details.size() == 3);
    CHECK(p.failure_details[1].receiving_ip == "203.0.113.56");
    CHECK(p.failure_details[2].failure_reason_code == "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
    // 100 + 200 + 3 = 303: no report.summary.mismatch
    CHECK(code_set(r.findings).count("report.summary.mismatch") == 0);
  }

  TEST_CASE("Microsoft's TLSA policy-string (one element holding a JSON array) is kept as written") {
    const auto text = fixture_file("microsoft/files/microsoft.com!example.com!1795824000!1795910399!134090208000000002.json");
    REQUIRE(text);
    const auto r = tlsrpt::parse_report(*text);
    REQUIRE(r.report);
    REQUIRE(r.report->policies.size() == 2);
    CHECK(r.report->policies[1].policy_type == "tlsa");
    REQUIRE(r.report->policies[1].policy_string.size() == 1);
    CHECK(r.report->policies[1].policy_string[0].rfind("[\"3 1 1 ", 0) == 0);
  }
}

// ---- aggregation -------------------------------------------------------------------

TEST_SUITE("report.summarize") {
  TEST_CASE("a report is placed on the UTC date of its start-datetime") {
    const auto s = tlsrpt::summarize({
        in("late.json", small_report("A", "1", "2026-11-30T23:30:00-05:00", 1)),   // 2026-12-01T04:30Z
        in("early.json", small_report("A", "2", "2026-12-01T00:30:00+01:00", 2)),  // 2026-11-30T23:30Z
        in("frac.json", small_report("A", "3", "2026-11-30T23:59:59.999Z", 4)),
        in("undated.json", small_report("A", "4", "yesterday", 8)),
    });
    CHECK(s.reports == 4);
    REQUIRE(s.by_day.size() == 2);
    CHECK(s.by_day[0].day == "2026-11-30");
    CHECK(s.by_day[0].c.successful == 2 + 4);
    CHECK(s.by_day[1].day == "2026-12-01");
    CHECK(s.by_day[1].c.successful == 1);
    CHECK(s.totals.successful == 15);  // the undated report still counts
    REQUIRE(s.files.size() == 4);
    CHECK(s.files[3].status == tlsrpt::file_state::read);
    CHECK(code_set(s.files[3].findings).count("report.date.invalid") == 1);
    REQUIRE(s.period_start);
    CHECK(tlsrpt::format_utc(*s.period_start) == "2026-11-30T23:30:00Z");
  }

  TEST_CASE("the same report-id from the same organisation counts once; the first input wins") {
    const std::string a = small_report("Google Inc.", "2026-11-25T00:00:00Z_example.com", "2026-11-25T00:00:00Z", 100,
                                       {{"certificate-expired", "mx1.example.com", 1}});
    const auto s = tlsrpt::summarize({
        in("first.json", a),
        in("other-org.json", small_report("Microsoft Corporation", "2026-11-25T00:00:00Z_example.com",
                                          "2026-11-25T00:00:00Z", 10)),
        in("mail.eml/first.json.gz", a),
        in("other-id.json", small_report("Google Inc.", "2026-11-26T00:00:00Z_example.com", "2026-11-26T00:00:00Z", 7)),
        in("again.json", a),
    });
    CHECK(s.reports == 3);
    CHECK(s.duplicates == 2);
    CHECK(s.totals.successful == 117);
    CHECK(s.totals.failed == 1);
    REQUIRE(s.files.size() == 5);
    CHECK(s.files[0].status == tlsrpt::file_state::read);
    CHECK(s.files[1].status == tlsrpt::file_state::read);
    CHECK(s.files[2].status == tlsrpt::file_state::duplicate);
    CHECK(s.files[2].duplicate_of == "first.json");
    CHECK(code_set(s.files[2].findings).count("report.duplicate") == 1);
    CHECK(s.files[3].status == tlsrpt::file_state::read);
    CHECK(s.files[4].status == tlsrpt::file_state::duplicate);
    CHECK(s.files[4].duplicate_of == "first.json");
    REQUIRE(s.by_mx.size() == 1);
    CHECK(s.by_mx[0].failed == 1);  // not 3
    REQUIRE(s.by_organization.size() == 2);
    CHECK(s.by_organization[0].organization_name == "Google Inc.");
    CHECK(s.by_organization[0].reports == 2);

    // An unreadable first copy does not make the second a duplicate.
    const auto t = tlsrpt::summarize({in("broken.json", "{"), in("good.json", a)});
    CHECK(t.reports == 1);
    CHECK(t.duplicates == 0);
    CHECK(t.files[1].status == tlsrpt::file_state::read);
  }

  TEST_CASE("byMx: lower case, no final dot, receiving-ip when no name, (not reported) when neither") {
    json j = base();
    pol0(j)["summary"]["total-failure-session-count"] = 1 + 2 + 4 + 8 + 16 + 32;
    pol0(j)["failure-details"] = json::array({
        {{"result-type", "certificate-expired"}, {"receiving-mx-hostname", "MX1.Example.COM."}, {"failed-session-count", 1}},
        {{"result-type", "certificate-expired"}, {"receiving-mx-hostname", "mx1.example.com"}, {"failed-session-count", 2}},
        {{"result-type", "starttls-not-supported"}, {"receiving-ip", "192.0.2.7"}, {"failed-session-count", 4}},
        {{"result-type", "sts-policy-fetch-error"}, {"failed-session-count", 8}},
        {{"result-type", "starttls-not-supported"}, {"receiving-mx-hostname", ""}, {"receiving-ip", "192.0.2.7"},
         {"failed-session-count", 16}},
        // The address is keyed as a name is (the fuzzer's find: a capital in receiving-ip reached the key).
        {{"result-type", "validation-failure"}, {"receiving-ip", "2001:DB8::A."}, {"failed-session-count", 32}},
    });
    const auto s = tlsrpt::summarize({in("r.json", j.dump())});
    REQUIRE(s.by_mx.size() == 4);
    CHECK(s.by_mx[0].mx == "2001:db8::a");
    CHECK(s.by_mx[0].failed == 32);
    CHECK(s.by_mx[1].mx == "192.0.2.7");
    CHECK(s.by_mx[1].failed == 20);
    CHECK(s.by_mx[2].mx == "(not reported)");
    CHECK(s.by_mx[2].failed == 8);
    CHECK(s.by_mx[3].mx == "mx1.example.com");
    CHECK(s.by_mx[3].failed == 3);
    REQUIRE(s.by_mx[3].result_types.size() == 1);
    CHECK(s.by_mx[3].result_types[0].result_type == "certificate-expired");
    CHECK(s.by_mx[3].result_types[0].failed == 3);
    REQUIRE(s.by_result_type.size() == 4);
    CHECK(s.by_result_type[0].result_type == "validation-failure");
    CHECK(s.by_result_type[0].mx == std::vector<std::string>{"2001:db8::a"});
    CHECK(s.by_result_type[1].result_type == "starttls-not-supported");
    CHECK(s.by_result_type[1].failed == 20);
    CHECK(s.by_result_type[1].mx == std::vector<std::string>{"192.0.2.7"});
    CHECK(s.by_result_type[1].info == tlsrpt::find_result_type("starttls-not-supported"));
  }

  TEST_CASE("byMx: equal failures are sorted by name") {
    const auto s = tlsrpt::summarize({in("r.json", small_report("A", "1", "2026-11-30T00:00:00Z", 0,
                                                                {{"certificate-expired", "mx2.example.com", 3},
                                                                 {"certificate-expired", "mx1.example.com", 3},
                                                                 {"certificate-expired", "a.example.com", 1},
                                                                 {"certificate-expired", "mx0.example.com", 3}}))});
    REQUIRE(s.by_mx.size() == 4);
    CHECK(s.by_mx[0].mx == "mx0.example.com");
    CHECK(s.by_mx[1].mx == "mx1.example.com");
    CHECK(s.by_mx[2].mx == "mx2.example.com");
    CHECK(s.by_mx[3].mx == "a.example.com");
  }

  TEST_CASE("byResultType: a type RFC 8460 does not define is listed as written, unexplained") {
    const auto s = tlsrpt::summarize({in("r.json", small_report("A", "1", "2026-11-30T00:00:00Z", 0,
                                                                {{"certificate-revoked", "mx1.example.com", 5},
                                                                 {"dane-required", "mx1.example.com", 1}}))});
    REQUIRE(s.by_result_type.size() == 2);
    CHECK(s.by_result_type[0].result_type == "certificate-revoked");
    CHECK(s.by_result_type[0].info == nullptr);
    CHECK(s.by_result_type[1].info != nullptr);
  }

  TEST_CASE("byPolicy: grouped by type, domain and policy string; what an sts string says is read") {
    json other = base();
    pol0(other)["policy"]["policy-string"] = {"version: STSv1", "mode: enforce", "mx: mx1.example.com",
                                              "max_age: 604800"};
    pol0(other)["summary"] = {{"total-successful-session-count", 50}, {"total-failure-session-count", 0}};
    pol0(other).erase("failure-details");
    other["report-id"] = "r-2";
    const auto s = tlsrpt::summarize({in("a.json", base().dump()), in("b.json", other.dump())});
    REQUIRE(s.by_policy.size() == 2);
    CHECK(s.by_policy[0].mode == "enforce");  // 50 sessions, more than 12
    CHECK(s.by_policy[0].max_age == std::optional<std::uint64_t>(604800));
    CHECK(s.by_policy[0].mx == std::vector<std::string>{"mx1.example.com"});
    CHECK(s.by_policy[1].mode == "testing");
    CHECK(s.by_policy[1].c.successful == 10);
    CHECK(s.by_policy[1].c.failed == 2);
    CHECK(s.by_policy[1].organizations == std::vector<std::string>{"Example Org"});
    CHECK(s.by_policy[1].first_day == "2026-11-30");
  }

  TEST_CASE("files that could not be opened or read: status, errors, and the others still count") {
    const auto s = tlsrpt::summarize({
        failed_input("notes.txt", mtasts::code::report_container_unknown, "notes.txt is not a report"),
        in("broken.json", "{\"policies\": ["),
        failed_input("bomb.zip", mtasts::code::report_container_too_large, "bomb.zip decompresses past 64 MiB"),
        in("good.json", base().dump()),
        failed_input("cut.json.gz", mtasts::code::report_container_corrupt, "cut.json.gz is cut short"),
        failed_input("empty.zip", mtasts::code::report_container_empty, "empty.zip holds no report"),
        in("array.json", "[1, 2]"),
    });
    CHECK(s.reports == 1);
    CHECK(s.totals.successful == 10);
    REQUIRE(s.files.size() == 7);
    const tlsrpt::file_state want[] = {tlsrpt::file_state::error, tlsrpt::file_state::unreadable,
                                       tlsrpt::file_state::error, tlsrpt::file_state::read,
                                       tlsrpt::file_state::error, tlsrpt::file_state::error,
                                       tlsrpt::file_state::unreadable};
    const char* codes[] = {"report.container.unknown", "report.json.invalid", "report.container.too_large", nullptr,
                           "report.container.corrupt", "report.container.empty", "report.json.not_object"};
    for (std::size_t i = 0; i < 7; ++i) {
      CAPTURE(s.files[i].source);
      CHECK(s.files[i].status == want[i]);
      if (codes[i]) CHECK(code_set(s.files[i].findings) == std::set<std::string>{codes[i]});
    }
    CHECK(s.files[0].findings[0].message == "notes.txt is not a report");

    const json j = json::parse(tlsrpt::to_json(s));
    REQUIRE(j["errors"].size() == 6);
    CHECK(j["errors"][0]["source"] == "notes.txt");
    CHECK(j["errors"][0]["code"] == "report.container.unknown");
    CHECK(j["errors"][0]["severity"] == "error");
    CHECK(j["errors"][0]["message"] == "notes.txt is not a report");
    CHECK(j["errors"][1]["code"] == "report.json.invalid");
    CHECK(j["errors"][5]["source"] == "array.json");
  }

  TEST_CASE("nothing to summarize") {
    const auto s = tlsrpt::summarize({});
    CHECK(s.reports == 0);
    CHECK(s.totals.successful == 0);
    CHECK_FALSE(s.period_start);
    const json j = json::parse(tlsrpt::to_json(s));
    CHECK(j["period"].is_null());
    CHECK(j["byDay"].empty());
  }

  TEST_CASE("byDay, byPolicy and byOrganization each add up to totals (seeded random reports)") {
    mtasts_test::rng r(0x7157u);
    const char* orgs[] = {"Google Inc.", "Microsoft Corporation", "mail.example.net"};
    const char* types[] = {"sts", "tlsa", "no-policy-found"};
    const char* domains[] = {"example.com", "example.org"};
    const char* results[] = {"certificate-expired", "starttls-not-supported", "sts-policy-fetch-error", "x-new"};
    const char* mxs[] = {"mx1.example.com", "MX1.example.com.", "mx2.example.com", ""};
    for (int round = 0; round < 20; ++round) {
      CAPTURE(round);
      std::vector<tlsrpt::input> inputs;
      std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> want_days;
      std::uint64_t want_ok = 0, want_failed = 0, want_detailed = 0;
      const std::size_t n = 1 + r.below(12);
      for (std::size_t k = 0; k < n; ++k) {
        json j = base();
        j["organization-name"] = orgs[r.below(3)];
        j["report-id"] = "id-" + std::to_string(k);
        const std::string day = "2026-11-" + std::to_string(20 + r.below(5));
        j["date-range"]["start-datetime"] = day + "T00:00:00Z";
        j["date-range"]["end-datetime"] = day + "T23:59:59Z";
        json pols = json::array();
        for (std::size_t p = 0, np = r.below(4); p < np; ++p) {
          const std::uint64_t ok = r.below(1000);
          json details = json::array();
          std::uint64_t failed = 0;
          for (std::size_t d = 0, nd = r.below(4); d < nd; ++d) {
            const std::uint64_t c = r.below(50);
            failed += c;
            details.push_back({{"result-type", results[r.below(4)]}, {"receiving-mx-hostname", mxs[r.below(4)]},
                               {"sending-mta-ip", "198.51.100." + std::to_string(r.below(3))},
                               {"failed-session-count", c}});
          }
          failed += r.below(3);  // details may fall short of the summary
          pols.push_back({{"policy", {{"policy-type", types[r.below(3)]}, {"policy-domain", domains[r.below(2)]}}},
                          {"summary", {{"total-successful-session-count", ok}, {"total-failure-session-count", failed}}},
                          {"failure-details", details}});
          want_ok += ok;
          want_failed += failed;
          want_days[day].first += ok;
          want_days[day].second += failed;
          for (const auto& d : details) want_detailed += d["failed-session-count"].get<std::uint64_t>();
        }
        j["policies"] = pols;
        inputs.push_back(in("r" + std::to_string(k) + ".json", j.dump()));
      }
      // and every report again, later: all duplicates
      const std::size_t originals = inputs.size();
      for (std::size_t k = 0; k < originals; ++k) inputs.push_back(in("copy/" + inputs[k].source, inputs[k].text));

      const auto s = tlsrpt::summarize(inputs);
      CHECK(s.reports == originals);
      CHECK(s.duplicates == originals);
      CHECK(s.totals.successful == want_ok);
      CHECK(s.totals.failed == want_failed);
      auto sum = [](const auto& rows) {
        tlsrpt::counts c;
        for (const auto& x : rows) {
          c.successful += x.c.successful;
          c.failed += x.c.failed;
        }
        return c;
      };
      CHECK(sum(s.by_day).successful == want_ok);
      CHECK(sum(s.by_day).failed == want_failed);
      CHECK(sum(s.by_policy).successful == want_ok);
      CHECK(sum(s.by_policy).failed == want_failed);
      CHECK(sum(s.by_organization).successful == want_ok);
      CHECK(sum(s.by_organization).failed == want_failed);
      std::uint64_t reports = 0;
      for (const auto& o : s.by_organization) reports += o.reports;
      CHECK(reports == originals);
      REQUIRE(s.by_day.size() == want_days.size());
      std::size_t i = 0;
      for (const auto& [day, c] : want_days) {
        CHECK(s.by_day[i].day == day);
        CHECK(s.by_day[i].c.successful == c.first);
        CHECK(s.by_day[i].c.failed == c.second);
        ++i;
      }
      std::uint64_t mx = 0, types_sum = 0, ips = 0;
      for (const auto& x : s.by_mx) mx += x.failed;
      for (const auto& x : s.by_result_type) types_sum += x.failed;
      for (const auto& x : s.by_sending_ip) ips += x.failed;
      CHECK(mx == want_detailed);
      CHECK(types_sum == want_detailed);
      CHECK(ips == want_detailed);
      // the orders of docs/REPORTS.md
      for (std::size_t k = 1; k < s.by_mx.size(); ++k) {
        const auto& a = s.by_mx[k - 1];
        const auto& b = s.by_mx[k];
        CHECK((a.failed > b.failed || (a.failed == b.failed && a.mx < b.mx)));
      }
      for (const auto& x : s.by_mx) {
        CHECK(x.mx.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos);
        CHECK((x.mx.empty() || x.mx.back() != '.'));
      }
      for (std::size_t k = 1; k < s.by_result_type.size(); ++k)
        CHECK(s.by_result_type[k - 1].failed >= s.by_result_type[k].failed);
      for (std::size_t k = 1; k < s.by_policy.size(); ++k)
        CHECK(s.by_policy[k - 1].c.successful + s.by_policy[k - 1].c.failed >=
              s.by_policy[k].c.successful + s.by_policy[k].c.failed);
      for (std::size_t k = 1; k < s.by_organization.size(); ++k)
        CHECK(s.by_organization[k - 1].organization_name < s.by_organization[k].organization_name);
    }
  }
}

// ---- the JSON of docs/REPORTS.md ---------------------------------------------------

namespace {

std::set<std::string> keys_of(const json& j) {
  std::set<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  return out;
}

}  // namespace

TEST_SUITE("report.json") {
  TEST_CASE("parseTlsRptReport's JSON: the member names of docs/REPORTS.md") {
    const json j = json::parse(tlsrpt::to_json(tlsrpt::parse_report(with([](json& r) {
      pol0(r)["summary"]["total-successful-session-count"] = "10";
    }))));
    CHECK(keys_of(j) == std::set<std::string>{"schema", "kind", "valid", "findings", "report"});
    CHECK(j["schema"] == 1);
    CHECK(j["kind"] == "tlsrpt-report");
    CHECK(j["valid"] == true);
    REQUIRE(j["findings"].size() == 1);
    CHECK(j["findings"][0]["code"] == "report.count.string");
    const json& r = j["report"];
    CHECK(keys_of(r) == std::set<std::string>{"organization-name", "date-range", "contact-info", "report-id", "policies"});
    CHECK(keys_of(r["date-range"]) == std::set<std::string>{"start-datetime", "end-datetime", "start", "end"});
    CHECK(r["date-range"]["start"] == 1795996800);
    const json& p = r["policies"][0];
    CHECK(keys_of(p) == std::set<std::string>{"policy", "summary", "failure-details"});
    CHECK(keys_of(p["policy"]) == std::set<std::string>{"policy-type", "policy-string", "policy-domain", "mx-host"});
    CHECK(keys_of(p["summary"]) ==
          std::set<std::string>{"total-successful-session-count", "total-failure-session-count"});
    CHECK(p["summary"]["total-successful-session-count"] == 10);  // a number now
    CHECK(keys_of(p["failure-details"][0]) ==
          std::set<std::string>{"result-type", "sending-mta-ip", "receiving-mx-hostname", "receiving-mx-helo",
                                "receiving-ip", "failed-session-count", "additional-information",
                                "failure-reason-code"});
  }

  TEST_CASE("parseTlsRptReport's JSON: absent strings are \"\", absent arrays [], unread dates null") {
    const json j = json::parse(tlsrpt::to_json(tlsrpt::parse_report(
        R"({"date-range": {"start-datetime": "soon"}, "policies": [{"policy": {"policy-type": "no-policy-found"},
            "summary": {"total-successful-session-count": 1, "total-failure-session-count": 0}}]})")));
    CHECK(j["valid"] == true);
    const json& r = j["report"];
    CHECK(r["organization-name"] == "");
    CHECK(r["report-id"] == "");
    CHECK(r["date-range"]["start-datetime"] == "soon");
    CHECK(r["date-range"]["start"].is_null());
    CHECK(r["date-range"]["end"].is_null());
    CHECK(r["policies"][0]["policy"]["policy-domain"] == "");
    CHECK(r["policies"][0]["policy"]["policy-string"] == json::array());
    CHECK(r["policies"][0]["policy"]["mx-host"] == json::array());
    CHECK(r["policies"][0]["failure-details"] == json::array());
  }

  TEST_CASE("a rejected report's JSON: valid false, report null, the finding with its position") {
    const json j = json::parse(tlsrpt::to_json(tlsrpt::parse_report("{\n  \"a\": x\n}")));
    CHECK(j["valid"] == false);
    CHECK(j["report"].is_null());
    REQUIRE(j["findings"].size() == 1);
    CHECK(j["findings"][0]["code"] == "report.json.invalid");
    CHECK(j["findings"][0]["line"] == 2);
    CHECK(j["findings"][0]["column"] == 8);
    CHECK(json::parse(tlsrpt::parse_json("{\n  \"a\": x\n}")) == j);
  }

  TEST_CASE("summarizeTlsRptReports' JSON: the member names of docs/REPORTS.md") {
    const std::string a = small_report("Google Inc.", "a", "2026-11-30T00:00:00Z", 10,
                                       {{"certificate-expired", "mx1.example.com", 2}});
    const json j = json::parse(tlsrpt::to_json(tlsrpt::summarize({
        in("a.json", a), in("mail.eml/a.json.gz", a),
        failed_input("x.bin", mtasts::code::report_container_unknown, "x.bin is not a report"),
    })));
    CHECK(keys_of(j) == std::set<std::string>{"schema", "kind", "reports", "duplicates", "period", "totals", "byDay",
                                              "byPolicy", "byMx", "byResultType", "byOrganization", "bySendingIp",
                                              "files", "errors"});
    CHECK(j["schema"] == 1);
    CHECK(j["kind"] == "tlsrpt-summary");
    CHECK(j["reports"] == 1);
    CHECK(j["duplicates"] == 1);
    CHECK(j["period"] == json({{"start", "2026-11-30T00:00:00Z"}, {"end", "2026-11-30T00:00:00Z"}}));
    CHECK(j["totals"] == json({{"successful", 10}, {"failed", 2}}));
    CHECK(keys_of(j["byDay"][0]) == std::set<std::string>{"day", "successful", "failed"});
    CHECK(keys_of(j["byPolicy"][0]) == std::set<std::string>{"type", "domain", "string", "mode", "mx", "maxAge",
                                                             "successful", "failed", "reports", "organizations",
                                                             "firstDay", "lastDay"});
    CHECK(j["byPolicy"][0]["mode"] == "testing");
    CHECK(j["byPolicy"][0]["maxAge"] == 86400);
    CHECK(keys_of(j["byMx"][0]) == std::set<std::string>{"mx", "failed", "resultTypes"});
    CHECK(keys_of(j["byMx"][0]["resultTypes"][0]) == std::set<std::string>{"resultType", "failed"});
    CHECK(keys_of(j["byResultType"][0]) ==
          std::set<std::string>{"resultType", "failed", "known", "rfc", "meaning", "cause", "fix", "mx"});
    CHECK(j["byResultType"][0]["known"] == true);
    CHECK(keys_of(j["byOrganization"][0]) ==
          std::set<std::string>{"organization", "contact", "reports", "successful", "failed"});
    CHECK(j["byOrganization"][0]["contact"] == "tlsrpt@example.org");
    CHECK(keys_of(j["bySendingIp"][0]) == std::set<std::string>{"ip", "failed", "resultTypes"});
    REQUIRE(j["files"].size() == 3);
    for (const auto& f : j["files"]) {
      CHECK(keys_of(f) ==
            std::set<std::string>{"source", "status", "organization", "reportId", "duplicateOf", "findings"});
    }
    CHECK(j["files"][1]["status"] == "duplicate");
    CHECK(j["files"][1]["duplicateOf"] == "a.json");
    CHECK(j["files"][2]["status"] == "error");
    REQUIRE(j["errors"].size() == 1);
    CHECK(keys_of(j["errors"][0]) == std::set<std::string>{"source", "code", "severity", "message"});
  }

  TEST_CASE("summarize_json: the wasm boundary's inputs") {
    const json ok = json::parse(tlsrpt::summarize_json(json::array({
        {{"source", "a.json"}, {"text", base().dump()}},
        {{"source", "b.zip"}, {"error", "report.container.empty"}, {"message", "b.zip holds no report"}},
    }).dump()));
    CHECK(ok["reports"] == 1);
    CHECK(ok["errors"][0]["code"] == "report.container.empty");
    for (const char* bad : {"{}", "[1]", "[{\"text\": \"{}\"}]", "[{\"source\": \"a\"}]",
                            "[{\"source\": \"a\", \"error\": \"no.such.code\"}]", "not json"}) {
      CAPTURE(bad);
      const json e = json::parse(tlsrpt::summarize_json(bad));
      CHECK(e.contains("error"));
      CHECK_FALSE(e.contains("reports"));
    }
  }
}

// ---- the shared fixtures (tests/fixtures/reports/) -----------------------------------

namespace {

struct fixture_case {
  std::string name;
  std::map<std::string, std::string> files;  ///< files/<name> -> bytes, sorted by name
  json expect;
};

std::vector<fixture_case> load_fixture_cases() {
  std::map<std::string, fixture_case> by_name;
  for (std::size_t i = 0; i < mtasts_test::embedded_report_fixture_count; ++i) {
    const auto& f = mtasts_test::embedded_report_fixtures[i];
    const std::string path = f.path;
    const auto slash = path.find('/');
    if (slash == std::string::npos) continue;  // README.md, make.mjs
    fixture_case& c = by_name[path.substr(0, slash)];
    c.name = path.substr(0, slash);
    const std::string rest = path.substr(slash + 1);
    const std::string bytes(reinterpret_cast<const char*>(f.data), f.size);
    if (rest == "expect.json") {
      c.expect = json::parse(bytes, nullptr, false);
    } else if (rest.rfind("files/", 0) == 0) {
      c.files[rest.substr(6)] = bytes;
    }
  }
  std::vector<fixture_case> out;
  for (auto& entry : by_name) out.push_back(std::move(entry.second));
  return out;
}

bool json_only(const fixture_case& c) {
  for (const auto& f : c.files) {
    const std::string& n = f.first;
    if (n.size() < 5 || n.compare(n.size() - 5, 5, ".json") != 0) return false;
  }
  return true;
}

/** The subset rule of tests/support/report-fixtures.mjs (compareSummary), in C++. */
void compare(const json& actual, const json& expected, const std::string& path, std::vector<std::string>& out) {
  if (expected.is_array()) {
    if (!actual.is_array()) {
      out.push_back(path + ": expected an array, got " + actual.dump());
      return;
    }
    if (actual.size() != expected.size())
      out.push_back(path + ": expected " + std::to_string(expected.size()) + " element(s), got " +
                    std::to_string(actual.size()) + ": " + actual.dump());
    for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i)
      compare(actual[i], expected[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      out.push_back(path + ": expected an object, got " + actual.dump());
      return;
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const auto a = actual.find(it.key());
      compare(a == actual.end() ? json() : *a, it.value(), path + "." + it.key(), out);
    }
    return;
  }
  if (actual != expected) out.push_back(path + ": expected " + expected.dump() + ", got " + actual.dump());
}

}  // namespace

TEST_SUITE("report.fixtures") {
  TEST_CASE("the JSON-only cases of tests/fixtures/reports/ equal their hand computation") {
    const std::set<std::string> keys = {"reports", "duplicates", "totals", "byDay", "byMx", "byResultType",
                                        "byOrganization", "byPolicy", "files", "errors"};
    const auto cases = load_fixture_cases();
    std::set<std::string> played;
    for (const auto& c : cases) {
      CAPTURE(c.name);
      REQUIRE(c.expect.is_object());
      REQUIRE_FALSE(c.files.empty());
      for (auto it = c.expect.begin(); it != c.expect.end(); ++it) CHECK(keys.count(it.key()) == 1);
      if (!json_only(c)) continue;  // containers need a host: tests/node, the CLI and the browser play them
      played.insert(c.name);
      std::vector<tlsrpt::input> inputs;
      for (const auto& f : c.files) inputs.push_back(in(f.first, f.second));
      const json actual = json::parse(tlsrpt::to_json(tlsrpt::summarize(inputs)));
      std::vector<std::string> diffs;
      for (auto it = c.expect.begin(); it != c.expect.end(); ++it) {
        const auto a = actual.find(it.key());
        compare(a == actual.end() ? json() : *a, it.value(), it.key(), diffs);
      }
      std::string all;
      for (const auto& d : diffs) all += d + "\n";
      INFO(all);
      CHECK(diffs.empty());
    }
    CHECK(played == std::set<std::string>{"google", "microsoft", "postfix-tlsrpt", "rfc-8460-example", "tolerant"});
  }

  TEST_CASE("the comparison used above notices a changed number, a missing element and a reordered list") {
    const json expect = json::parse(R"({"byMx": [{"mx": "a", "failed": 2}, {"mx": "b", "failed": 1}],
                                        "totals": {"successful": 3, "failed": 3}})");
    auto diffs = [&](const json& actual) {
      std::vector<std::string> out;
      for (auto it = expect.begin(); it != expect.end(); ++it) {
        const auto a = actual.find(it.key());
        compare(a == actual.end() ? json() : *a, it.value(), it.key(), out);
      }
      return out;
    };
    json same = expect;
    same["byMx"][0]["resultTypes"] = json::array();  // members expect does not list are not compared
    same["extra"] = 1;
    CHECK(diffs(same).empty());
    json changed = expect;
    changed["totals"]["failed"] = 4;
    CHECK(diffs(changed) == std::vector<std::string>{"totals.failed: expected 3, got 4"});
    json shorter = expect;
    shorter["byMx"].erase(1);
    CHECK(diffs(shorter).size() == 1);
    json reordered = expect;
    std::swap(reordered["byMx"][0], reordered["byMx"][1]);
    CHECK(diffs(reordered).size() == 4);
  }
}
