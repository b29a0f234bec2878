// Tests for to_json(): the versioned JSON report (schema 1), parsed back with
// nlohmann's non-throwing parser and checked field by field.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/policy.h"
#include "mtasts/records.h"
#include "mtasts/json.h"

using nlohmann::json;

namespace {

const std::string kEnforce =
    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";

json parse(const std::string& s) { return json::parse(s, nullptr, false); }

std::set<std::string> keys_of(const json& j) {
  std::set<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  return out;
}

/** Checks the findings array against the findings it was made from. */
void check_findings(const json& arr, const std::vector<mtasts::finding>& findings) {
  REQUIRE(arr.is_array());
  REQUIRE(arr.size() == findings.size());
  const std::set<std::string> allowed{"code", "severity", "message", "line",
                                      "column", "rfc", "fix"};
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    const json& j = arr[i];
    CAPTURE(mtasts::code_name(f.code));
    REQUIRE(j.is_object());
    for (const auto& k : keys_of(j)) {
      CAPTURE(k);
      CHECK(allowed.count(k) == 1);
    }
    REQUIRE(j.contains("code"));
    REQUIRE(j["code"].is_string());
    CHECK(j["code"].get<std::string>() == mtasts::code_name(f.code));
    REQUIRE(j.contains("severity"));
    CHECK(j["severity"] == std::string(mtasts::severity_name(mtasts::code_severity(f.code))));
    REQUIRE(j.contains("message"));
    REQUIRE(j["message"].is_string());
    CHECK_FALSE(j["message"].get<std::string>().empty());
    REQUIRE(j.contains("fix"));
    CHECK(j["fix"] == std::string(mtasts::code_fix(f.code)));
    if (f.line != 0) {
      REQUIRE(j.contains("line"));
      REQUIRE(j.contains("column"));
      CHECK(j["line"].is_number_unsigned());
      CHECK(j["line"].get<std::uint32_t>() == f.line);
      CHECK(j["column"].get<std::uint32_t>() == f.column);
    } else {
      CHECK_FALSE(j.contains("line"));
      CHECK_FALSE(j.contains("column"));
    }
    const std::string rfc(mtasts::code_rfc(f.code));
    if (rfc.empty()) {
      CHECK_FALSE(j.contains("rfc"));
    } else {
      REQUIRE(j.contains("rfc"));
      CHECK(j["rfc"] == rfc);
    }
  }
}

}  // namespace

TEST_SUITE("report_json") {
  TEST_CASE("valid policy: schema, kind, valid, empty findings and the policy object") {
    const auto r = mtasts::lint_policy(kEnforce);
    const std::string s = mtasts::to_json(r);
    CHECK(s.find('\n') == std::string::npos);  // compact
    const json j = parse(s);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j.is_object());
    CHECK(keys_of(j) == std::set<std::string>{"schema", "kind", "valid", "findings", "policy"});
    CHECK(j["schema"] == 1);
    CHECK(j["schema"] == mtasts::report_schema);
    CHECK(j["kind"] == "policy");
    CHECK(j["valid"] == true);
    CHECK(j["findings"] == json::array());
    const json& p = j["policy"];
    REQUIRE(p.is_object());
    CHECK(p["version"] == "STSv1");
    CHECK(p["mode"] == "enforce");
    CHECK(p["mx"] == json::array({"mail.example.com"}));
    CHECK(p["max_age"].is_number_unsigned());
    CHECK(p["max_age"] == 604800);
    CHECK(p["extensions"] == json::object());
  }

  TEST_CASE("policy with mode testing, several mx and an extension") {
    const auto r = mtasts::lint_policy(
        "version: STSv1\nmode: testing\nmx: a.example.com\nmx: *.example.net\n"
        "max_age: 86400\ncomment: \"quoted\" \\ text\n");
    REQUIRE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["valid"] == true);
    CHECK(j["policy"]["mode"] == "testing");
    CHECK(j["policy"]["mx"] == json::array({"a.example.com", "*.example.net"}));
    CHECK(j["policy"]["max_age"] == 86400);
    CHECK(j["policy"]["extensions"] == json{{"comment", "\"quoted\" \\ text"}});
    check_findings(j["findings"], r.findings);
  }

  TEST_CASE("policy with mode none and no mx: invalid (Stalwart and chasquid need an mx), policy null") {
    const auto r = mtasts::lint_policy("version: STSv1\nmode: none\nmax_age: 86400\n");
    REQUIRE_FALSE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["valid"] == false);
    CHECK(j["policy"].is_null());
    check_findings(j["findings"], r.findings);
  }

  TEST_CASE("policy with mode none and its mx lines") {
    const auto r = mtasts::lint_policy("version: STSv1\nmode: none\nmx: mx.example.com\nmax_age: 86400\n");
    REQUIRE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["policy"]["mode"] == "none");
    CHECK(j["policy"]["mx"] == json::array({"mx.example.com"}));
    check_findings(j["findings"], r.findings);
  }

  TEST_CASE("invalid policy: policy is null and findings carry positions when they have one") {
    const auto r = mtasts::lint_policy("mode: Enforce\nmx: mail.example.com\n");
    REQUIRE_FALSE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["valid"] == false);
    REQUIRE(j.contains("policy"));
    CHECK(j["policy"].is_null());
    check_findings(j["findings"], r.findings);
    // mode.invalid is positional (1:7); version.missing is about the whole file.
    bool saw_mode = false, saw_version = false;
    for (const auto& f : j["findings"]) {
      if (f["code"] == "policy.mode.invalid") {
        saw_mode = true;
        CHECK(f["line"] == 1);
        CHECK(f["column"] == 7);
        CHECK(f["severity"] == "error");
        CHECK(f["rfc"] == "RFC 8461 \xc2\xa7" "3.2");
      }
      if (f["code"] == "policy.version.missing") {
        saw_version = true;
        CHECK_FALSE(f.contains("line"));
        CHECK_FALSE(f.contains("column"));
      }
    }
    CHECK(saw_mode);
    CHECK(saw_version);
  }

  TEST_CASE("valid sts record: kind sts and the record object") {
    const auto r = mtasts::lint_sts_record("v=STSv1; id=20240101T000000; foo=bar");
    REQUIRE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(keys_of(j) == std::set<std::string>{"schema", "kind", "valid", "findings", "record"});
    CHECK(j["schema"] == 1);
    CHECK(j["kind"] == "sts");
    CHECK(j["valid"] == true);
    CHECK(j["record"]["id"] == "20240101T000000");
    CHECK(j["record"]["extensions"] == json{{"foo", "bar"}});
    CHECK_FALSE(j["record"].contains("rua"));
    check_findings(j["findings"], r.findings);
  }

  TEST_CASE("invalid sts record: record is null") {
    const auto r = mtasts::lint_sts_record("v=STSv1; id=2024-01-01");
    REQUIRE_FALSE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["kind"] == "sts");
    CHECK(j["valid"] == false);
    REQUIRE(j.contains("record"));
    CHECK(j["record"].is_null());
    check_findings(j["findings"], r.findings);
    for (const auto& f : j["findings"]) {
      if (f.contains("line")) CHECK(f["line"] == 1);
    }
  }

  TEST_CASE("valid tlsrpt record: kind tlsrpt and the record object") {
    const auto r = mtasts::lint_tlsrpt_record(
        "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/t");
    REQUIRE(r.valid);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(keys_of(j) == std::set<std::string>{"schema", "kind", "valid", "findings", "record"});
    CHECK(j["kind"] == "tlsrpt");
    CHECK(j["valid"] == true);
    CHECK(j["record"]["rua"] ==
          json::array({"mailto:a@example.com", "https://r.example.com/t"}));
    CHECK(j["record"]["extensions"] == json::object());
    CHECK_FALSE(j["record"].contains("id"));
    check_findings(j["findings"], r.findings);
    REQUIRE(j["findings"].size() == 1);
    CHECK(j["findings"][0]["code"] == "tlsrpt.rua.multiple");
    CHECK(j["findings"][0]["severity"] == "info");
  }

  TEST_CASE("invalid tlsrpt record: record is null") {
    const auto r = mtasts::lint_tlsrpt_record("v=TLSRPTv1");
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["kind"] == "tlsrpt");
    CHECK(j["valid"] == false);
    CHECK(j["record"].is_null());
    check_findings(j["findings"], r.findings);
  }

  TEST_CASE("hostile bytes in the input still give valid UTF-8 JSON") {
    const std::vector<std::string> inputs = {
        "version: STSv1\nmode: \xff\xfe\nmx: a\"b\\c\nmax_age: \x01\x02\n",
        std::string("comment: \0\0\0\n", 13),
        "\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc",
        "mode: \"</script><script>alert(1)</script>\"\n",
        "mode: \xed\xa0\x80\n",
    };
    for (const auto& in : inputs) {
      CAPTURE(in.size());
      const auto p = mtasts::lint_policy(in);
      const json jp = parse(mtasts::to_json(p));
      REQUIRE_FALSE(jp.is_discarded());
      check_findings(jp["findings"], p.findings);
      const auto s = mtasts::lint_sts_record("v=STSv1; id=" + in);
      const json js = parse(mtasts::to_json(s));
      REQUIRE_FALSE(js.is_discarded());
      check_findings(js["findings"], s.findings);
      const auto t = mtasts::lint_tlsrpt_record("v=TLSRPTv1; rua=mailto:" + in);
      const json jt = parse(mtasts::to_json(t));
      REQUIRE_FALSE(jt.is_discarded());
      check_findings(jt["findings"], t.findings);
    }
  }

  TEST_CASE("an extension value with invalid UTF-8 is replaced by U+FFFD in a valid policy") {
    // A valid policy cannot carry invalid UTF-8 (it is an error), so check a
    // default-constructed result with such a value: to_json must not emit the raw byte.
    mtasts::policy_result r;
    r.valid = true;
    mtasts::policy p;
    p.version = "STSv1";
    p.mode = mtasts::policy_mode::enforce;
    p.mx = {"mail.example.com"};
    p.max_age = 604800;
    p.extensions = {{"comment", "a\xff" "b"}};
    r.policy = p;
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["policy"]["extensions"]["comment"] == "a\xef\xbf\xbd" "b");
  }

  TEST_CASE("a truncated report has lint.truncated without an rfc key") {
    std::string body = kEnforce;
    for (int i = 0; i < 4000; ++i) body += "mode: enforce\n";
    const auto r = mtasts::lint_policy(body);
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    check_findings(j["findings"], r.findings);
    bool saw = false;
    for (const auto& f : j["findings"]) {
      if (f["code"] == "lint.truncated") {
        saw = true;
        CHECK(f["severity"] == "info");
        CHECK_FALSE(f.contains("rfc"));
      }
    }
    CHECK(saw);
  }

  TEST_CASE("the findings array keeps the library's order") {
    const auto r = mtasts::lint_policy("\xef\xbb\xbfmode: testing\n\nversion: STSv1\nmax_age: 60\n");
    const json j = parse(mtasts::to_json(r));
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j["findings"].size() == r.findings.size());
    for (std::size_t i = 0; i < r.findings.size(); ++i)
      CHECK(j["findings"][i]["code"] == std::string(mtasts::code_name(r.findings[i].code)));
  }
}

// The reports are written by a small writer (core/src/json_writer.h), not by
// nlohmann's serializer, to keep the WebAssembly module small. This pins the
// bytes: for valid UTF-8 the output equals what nlohmann's dump() writes for
// the same object, escapes included.
TEST_CASE("report_json: the writer's bytes equal nlohmann's dump() for the same report") {
  const std::vector<std::string> tricky = {
      "",
      "plain",
      "quote \" and backslash \\ and slash /",
      std::string("controls \b\f\n\r\t \x01 \x1f \x7f end"),
      std::string("nul \0 inside", 12),
      "utf-8: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7",
      "<script>alert(1)</script> & <img src=x onerror=y>",
      "\xe2\x80\xa8 line separator \xe2\x80\xa9",
  };
  mtasts::policy_result r;
  r.valid = true;
  mtasts::policy p;
  p.version = "STSv1";
  p.mode = mtasts::policy_mode::testing;
  p.max_age = 31557600;
  for (std::size_t i = 0; i < tricky.size(); ++i) {
    p.mx.push_back("mx" + std::to_string(i) + ".example.com");
    p.extensions.emplace_back("x" + std::to_string(i), tricky[i]);
    r.findings.push_back(mtasts::finding{mtasts::code::policy_extension_unknown, tricky[i],
                                         static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(i * 3 + 1)});
  }
  r.findings.push_back(mtasts::finding{mtasts::code::lint_truncated, "no position", 0, 0});
  r.policy = p;

  nlohmann::ordered_json j;
  j["schema"] = mtasts::report_schema;
  j["kind"] = "policy";
  j["valid"] = true;
  j["findings"] = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) {
    nlohmann::ordered_json fj;
    fj["code"] = std::string(mtasts::code_name(f.code));
    fj["severity"] = std::string(mtasts::severity_name(mtasts::code_severity(f.code)));
    fj["message"] = f.message;
    if (f.line != 0) {
      fj["line"] = f.line;
      fj["column"] = f.column;
    }
    if (!mtasts::code_rfc(f.code).empty()) fj["rfc"] = std::string(mtasts::code_rfc(f.code));
    fj["fix"] = std::string(mtasts::code_fix(f.code));
    j["findings"].push_back(fj);
  }
  nlohmann::ordered_json pj;
  pj["version"] = "STSv1";
  pj["mode"] = "testing";
  pj["mx"] = p.mx;
  pj["max_age"] = p.max_age;
  pj["extensions"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : p.extensions) pj["extensions"][k] = v;
  j["policy"] = pj;
  CHECK(mtasts::to_json(r) == j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

