// Fuzzes the policy linter (RFC 8461 §3.2): any bytes, up to past the 64 KB limit.
//
// Invariants beyond "no crash, no leak, no undefined behaviour":
// - valid exactly when no finding is an error, and the policy is set exactly then;
// - every finding points inside the input (a line that exists, a column at most one past its end);
// - the JSON report is JSON a strict parser accepts, whatever the bytes;
// - a valid policy, written back out in canonical form, lints valid again with the same fields;
// - every mx pattern of a valid policy matches a host it describes (mx_match agrees with the linter).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "mtasts/mx_match.h"
#include "mtasts/policy.h"
#include "mtasts/json.h"

namespace {

/** Byte length of each line, cut at LF, CRLF or a lone CR (finding.h). */
std::vector<std::size_t> line_lengths(std::string_view s) {
  std::vector<std::size_t> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      out.push_back(i - start);
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  out.push_back(s.size() - start);
  return out;
}

std::string canonical(const mtasts::policy& p) {
  std::string out = "version: STSv1\nmode: " + std::string(mtasts::mode_name(p.mode)) + "\n";
  for (const auto& mx : p.mx) out += "mx: " + mx + "\n";
  out += "max_age: " + std::to_string(p.max_age) + "\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto r = mtasts::lint_policy(body);
  mtasts_fuzz::require_consistent(r, r.policy);
  mtasts_fuzz::require_json(mtasts::to_json(r));

  const auto lines = line_lengths(body);
  for (const auto& f : r.findings) {
    if (f.line == 0) continue;
    MTASTS_FUZZ_REQUIRE(f.line <= lines.size(), f.message);
    MTASTS_FUZZ_REQUIRE(f.column <= lines[f.line - 1] + 1, f.message);
  }

  if (r.policy) {
    const auto& p = *r.policy;
    MTASTS_FUZZ_REQUIRE(p.version == "STSv1", p.version);
    MTASTS_FUZZ_REQUIRE(p.max_age <= mtasts::limits::max_age_max, std::to_string(p.max_age));
    // (The canonical form can be longer than a compact original; past 64 KB it is rightly invalid.)
    const std::string text = canonical(p);
    if (text.size() <= mtasts::limits::policy_max_bytes) {
      const auto again = mtasts::lint_policy(text);
      MTASTS_FUZZ_REQUIRE(again.valid, text);
      MTASTS_FUZZ_REQUIRE(again.policy->mode == p.mode && again.policy->mx == p.mx && again.policy->max_age == p.max_age,
                          text);
    }
    for (const auto& pattern : p.mx) {
      // "*.example.com" describes "x.example.com"; any other pattern describes itself.
      const std::string host = pattern.rfind("*.", 0) == 0 ? "x" + pattern.substr(1) : pattern;
      MTASTS_FUZZ_REQUIRE(mtasts::mx_matches(pattern, host), pattern);
    }
  }
  return 0;
}
