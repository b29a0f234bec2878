// The core is exception-free (docs/ARCHITECTURE.md, "Exceptions"): this
// program is built from every source of core/ with -fno-exceptions (as fmt's
// noexception-test builds its library), which fails to compile at the first
// `throw`, `try` or `catch` in the core, and nlohmann/json then aborts
// instead of throwing, so the run also shows that the calls the core makes
// take only its non-throwing paths, bad input included.
#include <cstdio>
#include <string>

#include "mtasts/mtasts.h"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "core without exceptions: %s\n", what);
  ++failures;
}

}  // namespace

int main() {
  const auto p = mtasts::lint_policy("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n");
  expect(p.valid && p.policy && p.policy->mx.size() == 1, "a valid policy lints as valid");
  expect(!mtasts::lint_policy(std::string("\xFF\xFE v\0e\0r\0", 9)).valid, "a UTF-16 body is invalid");
  expect(mtasts::lint_sts_record("v=STSv1; id=1").valid, "an _mta-sts record");
  expect(!mtasts::lint_tlsrpt_record("v=TLSRPTv1; rua=ftp://x").valid, "a TLS-RPT record with an unusable rua");
  expect(mtasts::to_json(p).find("\"valid\":true") != std::string::npos, "a lint report as JSON");
  expect(mtasts::mx_matches("*.example.com", "mx.example.com"), "mx_matches");

  // The check through its JSON mapping, good and bad state alike.
  const std::string first = mtasts::check::step_json(R"({"input":"example.com","observations":[]})");
  expect(first.find("\"requests\"") != std::string::npos, "a step");
  for (const char* bad : {"", "not json", "[1]", R"({"tlsa_cap":-1})", R"({"observations":[{"kind":"nope"}]})",
                          R"({"observations":[{"id":"policy","kind":"response","bytes":7}]})",
                          R"({"input":5})", R"({"observations":{}})", R"({"aborted":"yes"})"}) {
    const std::string out = mtasts::check::step_json(bad);
    expect(out.rfind("{\"error\":", 0) == 0, bad);
  }
  const auto parsed = mtasts::check::parse_state(
      R"({"input":"example.com","observations":[{"id":"policy","kind":"response","status":200,"content_type":"text/plain","bytes":"dmVyc2lvbjogU1RTdjEK","elapsed_ms":1.5}]})");
  expect(parsed.state.has_value() && parsed.state->observations.size() == 1, "a state with an observation");

  // The change plan through its JSON, from a report's JSON and from what is not one.
  mtasts::check::options o;
  o.input = "example.com";
  const std::string report = mtasts::check::to_json(mtasts::check::domain_check(o).result());
  const std::string plan = mtasts::plan::plan_json(report, R"({"now":1796115600000,"mx":["mx.example.net"]})");
  expect(plan.find("\"kind\":\"plan\"") != std::string::npos, "a change plan");
  for (const char* bad : {"", "not json", "[1]", R"({"domain":5})", R"({"domain":"example.com","mx":7,"ttl":"x"})"})
    expect(mtasts::plan::plan_json(bad, R"({"now":0})").find("\"error\"") != std::string::npos ||
               std::string(bad).find("example.com") != std::string::npos,
           bad);
  expect(mtasts::plan::plan_json(report, R"({"now":"x"})").rfind("{\"error\":", 0) == 0, "a plan without now");
  if (failures == 0) std::puts("core without exceptions: every call answered");
  return failures == 0 ? 0 : 1;
}
