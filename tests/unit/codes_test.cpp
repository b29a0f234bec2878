// Tests for the table of finding codes (codes.def) and its lookup functions,
// and the coverage guard: every code must be asserted by some table row.
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/mtasts.h"
#include "test_support.h"

namespace {

struct def_row {
  mtasts::code id;
  const char* name;
  mtasts::severity sev;
  const char* rfc;
  const char* fix;
};

// The table as written in codes.def, expanded independently of the library.
const def_row kRows[] = {
#define MTASTS_CODE(id, slug, sev, obs, effect, rfc, fix) {mtasts::code::id, slug, mtasts::severity::sev, rfc, fix},
#include "mtasts/codes.def"
#undef MTASTS_CODE
};
constexpr std::size_t kRowCount = sizeof kRows / sizeof kRows[0];

bool is_lower_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/** ^[a-z0-9_]+(\.[a-z0-9_]+)+$ */
bool is_dotted_code(std::string_view s) {
  std::size_t parts = 0;
  std::size_t len = 0;
  for (char c : s) {
    if (c == '.') {
      if (len == 0) return false;
      ++parts;
      len = 0;
    } else if (is_lower_token_char(c)) {
      ++len;
    } else {
      return false;
    }
  }
  if (len == 0) return false;
  return parts + 1 >= 2;
}

std::set<std::string> all_names() {
  std::set<std::string> out;
  for (const auto& r : kRows) out.insert(r.name);
  return out;
}

}  // namespace

TEST_SUITE("codes") {
  TEST_CASE("the dotted-code checker used below is itself correct") {
    CHECK(is_dotted_code("policy.mode.invalid"));
    CHECK(is_dotted_code("a.b"));
    CHECK(is_dotted_code("lint.truncated"));
    CHECK(is_dotted_code("policy.max_age.under_day"));
    CHECK_FALSE(is_dotted_code("policy"));
    CHECK_FALSE(is_dotted_code("Policy.mode"));
    CHECK_FALSE(is_dotted_code("policy..mode"));
    CHECK_FALSE(is_dotted_code(".policy.mode"));
    CHECK_FALSE(is_dotted_code("policy.mode."));
    CHECK_FALSE(is_dotted_code("policy.mode-x"));
    CHECK_FALSE(is_dotted_code(""));
  }

  TEST_CASE("code_count matches the table") {
    CHECK(mtasts::code_count() == kRowCount);
    CHECK(kRowCount > 50);
  }

  TEST_CASE("every code: name, severity, RFC section and fix as in codes.def") {
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      CHECK(mtasts::code_name(r.id) == r.name);
      CHECK(mtasts::code_severity(r.id) == r.sev);
      CHECK(mtasts::code_rfc(r.id) == r.rfc);
      CHECK(mtasts::code_fix(r.id) == r.fix);
    }
  }

  TEST_CASE("enumerators are numbered 0..count-1 in table order") {
    std::size_t i = 0;
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      CHECK(static_cast<std::size_t>(r.id) == i);
      ++i;
    }
  }

  TEST_CASE("every code has a unique dotted name") {
    std::set<std::string> seen;
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      CHECK(is_dotted_code(r.name));
      CHECK(seen.insert(r.name).second);
    }
    CHECK(seen.size() == kRowCount);
  }

  TEST_CASE("every code's group matches its artefact") {
    const char* groups[] = {"policy.", "sts.", "tlsrpt.", "txt.", "dns.", "lint.",
                            "domain.", "mx.", "starttls.", "dane.", "dnssec.", "check.", "report."};
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      bool ok = false;
      for (const char* g : groups)
        if (std::strncmp(r.name, g, std::strlen(g)) == 0) ok = true;
      CHECK(ok);
    }
  }

  TEST_CASE("every fix is a non-empty sentence ending in a full stop") {
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      const std::string_view fix = mtasts::code_fix(r.id);
      REQUIRE_FALSE(fix.empty());
      CHECK(fix.back() == '.');
      CHECK(fix.size() > 10);
      CHECK(fix.front() != ' ');
    }
  }

  TEST_CASE("every code but the linter's and the check's own cites an RFC section") {
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      const std::string name = r.name;
      const std::string_view rfc = mtasts::code_rfc(r.id);
      if (name.rfind("lint.", 0) == 0 || name.rfind("check.", 0) == 0) {
        CHECK(rfc.empty());
      } else {
        REQUIRE_FALSE(rfc.empty());
        CHECK(rfc.substr(0, 4) == "RFC ");
        CHECK(rfc.find("\xc2\xa7") != std::string_view::npos);  // a section sign
      }
    }
  }

  TEST_CASE("code_from_name round-trips every code") {
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      mtasts::code out{};
      REQUIRE(mtasts::code_from_name(r.name, out));
      CHECK(out == r.id);
      CHECK(mtasts::code_name(out) == r.name);
    }
  }

  TEST_CASE("code_from_name rejects what is not a code") {
    const char* bad[] = {"",
                         "policy",
                         "policy.",
                         "policy.mode",
                         "Policy.mode.invalid",
                         "policy.mode.INVALID",
                         "policy.mode.invalid ",
                         " policy.mode.invalid",
                         "policy.mode.invalid.x",
                         "policy_mode_invalid",
                         "policy.mode.invali",
                         "lint.truncatedx"};
    for (const char* s : bad) {
      CAPTURE(s);
      mtasts::code out = mtasts::code::lint_truncated;
      CHECK_FALSE(mtasts::code_from_name(s, out));
    }
    mtasts::code out{};
    CHECK_FALSE(mtasts::code_from_name(std::string_view("policy.mode.invalid\0", 20), out));
    CHECK(mtasts::code_from_name(std::string_view("policy.mode.invalidXYZ", 19), out));
    CHECK(out == mtasts::code::policy_mode_invalid);
  }

  TEST_CASE("severity_name") {
    CHECK(mtasts::severity_name(mtasts::severity::error) == "error");
    CHECK(mtasts::severity_name(mtasts::severity::warning) == "warning");
    CHECK(mtasts::severity_name(mtasts::severity::info) == "info");
  }

  TEST_CASE("severities the specification fixes") {
    using mtasts::code;
    using mtasts::severity;
    struct expect { code c; severity s; };
    const expect rows[] = {
        {code::policy_key_typo, severity::warning},
        {code::policy_extension_unknown, severity::info},
        {code::policy_field_duplicate, severity::error},
        {code::policy_field_repeated, severity::error},
        {code::policy_mx_ip_literal, severity::warning},
        {code::policy_mx_trailing_dot, severity::error},
        {code::policy_mx_wildcard, severity::info},
        {code::policy_mx_wildcard_public_suffix, severity::warning},
        {code::policy_mx_duplicate, severity::info},
        {code::policy_size_large, severity::warning},
        {code::policy_size_too_large, severity::error},
        {code::policy_line_bare_cr, severity::error},
        {code::policy_line_control, severity::error},
        {code::policy_utf8_invalid, severity::error},
        {code::policy_line_no_colon, severity::error},
        {code::policy_bom, severity::error},
        {code::policy_line_blank, severity::error},
        {code::policy_line_trailing_blank, severity::error},
        {code::policy_line_leading_whitespace, severity::error},
        {code::policy_key_whitespace, severity::error},
        {code::policy_max_age_under_day, severity::warning},
        {code::policy_max_age_under_week, severity::info},
        {code::policy_max_age_leading_zero, severity::info},
        {code::policy_mode_testing, severity::info},
        {code::policy_mode_none, severity::info},
        {code::policy_mode_none_long_max_age, severity::warning},
        {code::policy_version_not_first, severity::info},
        {code::sts_delimiter_space_before, severity::error},
        {code::sts_id_duplicate, severity::error},
        {code::sts_extension_unknown, severity::info},
        {code::sts_quoted, severity::error},
        {code::sts_field_whitespace, severity::error},
        {code::txt_strings_joined, severity::info},
        {code::txt_string_too_long, severity::warning},
        {code::tlsrpt_rua_scheme, severity::error},
        {code::tlsrpt_rua_none_usable, severity::error},
        {code::tlsrpt_rua_unencoded, severity::error},
        {code::tlsrpt_rua_size_suffix, severity::error},
        {code::tlsrpt_rua_mailto_no_at, severity::warning},
        {code::tlsrpt_rua_https_no_host, severity::warning},
        {code::tlsrpt_rua_multiple, severity::info},
        {code::tlsrpt_rua_duplicate, severity::warning},
        {code::lint_truncated, severity::info},
        // Where real senders decide (docs/SENDERS.md): at least one widely deployed sender rejects these.
        {code::policy_extension_value_invalid, severity::error},
        {code::sts_trailing_whitespace, severity::error},
        {code::tlsrpt_trailing_whitespace, severity::error},
        {code::tlsrpt_delimiter_space_before, severity::error},
        {code::tlsrpt_rua_whitespace, severity::error},
        {code::tlsrpt_rua_not_first, severity::error},
        {code::policy_not_text, severity::error},
        {code::policy_value_colon, severity::error},
        {code::policy_mode_none_without_mx, severity::error},
        {code::policy_mx_wildcard_provider, severity::info},
        {code::policy_mx_wildcard_provider_mismatch, severity::warning},
    };
    for (const auto& e : rows) {
      CAPTURE(mtasts::code_name(e.c));
      CHECK(mtasts::code_severity(e.c) == e.s);
    }
  }

  TEST_CASE("an observed error fails its check: its grade effect agrees with its severity") {
    // An error that only said so would leave the grade as if the artefact were fine.
    // TLS-RPT reports (report.*) are read, not graded: they have no effect.
    for (const auto& r : kRows) {
      CAPTURE(r.name);
      if (mtasts::code_observation(r.id) != mtasts::observation_state::observed) continue;
      if (std::string_view(r.name).rfind("report.", 0) == 0) {
        CHECK(mtasts::code_effect(r.id) == mtasts::grade_effect::none);
        continue;
      }
      const auto e = mtasts::code_effect(r.id);
      if (r.sev == mtasts::severity::error)
        CHECK((e == mtasts::grade_effect::fails_check || e == mtasts::grade_effect::domain_missing ||
               e == mtasts::grade_effect::no_grade || e == mtasts::grade_effect::no_secure_mx));
      else
        CHECK(e != mtasts::grade_effect::fails_check);
    }
  }

  TEST_CASE("no_errors") {
    CHECK(mtasts::no_errors({}));
    std::vector<mtasts::finding> f;
    f.push_back({mtasts::code::policy_mode_testing, "m", 2, 7});
    f.push_back({mtasts::code::policy_mx_ip_literal, "m", 3, 5});
    CHECK(mtasts::no_errors(f));
    f.push_back({mtasts::code::policy_mode_invalid, "m", 2, 7});
    CHECK_FALSE(mtasts::no_errors(f));
  }

  TEST_CASE("version() is a dotted version number") {
    const std::string v = mtasts::version();
    REQUIRE_FALSE(v.empty());
    int dots = 0;
    for (char c : v) {
      if (c == '.') ++dots;
      else CHECK((c >= '0' && c <= '9'));
    }
    CHECK(dots == 2);
  }

  TEST_CASE("coverage: every code in codes.def is asserted by some test row") {
    std::set<std::string> asserted;
    std::size_t rows = 0;
    for (const auto* table : {&mtasts_test::policy_cases(), &mtasts_test::sts_cases(),
                              &mtasts_test::tlsrpt_cases()}) {
      std::set<std::string> row_names;
      for (const auto& c : *table) {
        ++rows;
        CAPTURE(c.name);
        CHECK(row_names.insert(c.name).second);  // names are distinct within a table
        for (const auto& code : c.codes) {
          CAPTURE(code);
          mtasts::code out{};
          CHECK(mtasts::code_from_name(code, out));  // the table names real codes
          asserted.insert(code);
        }
        for (const auto& p : c.positions) {
          CAPTURE(p.code);
          CHECK(c.codes.count(p.code) == 1);  // a position is asserted for an expected code
        }
      }
    }
    for (const auto& code : mtasts_test::robustness_asserted_codes()) asserted.insert(code);
    for (const auto& code : mtasts_test::dns_asserted_codes()) {
      CAPTURE(code);
      mtasts::code out{};
      CHECK(mtasts::code_from_name(code, out));  // the dns tables name real codes
      asserted.insert(code);
    }
    for (const auto& code : mtasts_test::check_asserted_codes()) {
      CAPTURE(code);
      mtasts::code out{};
      CHECK(mtasts::code_from_name(code, out));  // the check scenarios name real codes
      asserted.insert(code);
    }
    for (const auto& code : mtasts_test::starttls_asserted_codes()) asserted.insert(code);
    for (const auto& code : mtasts_test::report_asserted_codes()) {
      CAPTURE(code);
      mtasts::code out{};
      CHECK(mtasts::code_from_name(code, out));  // the report tests name real codes
      asserted.insert(code);
    }
    std::set<std::string> missing;
    for (const auto& name : all_names())
      // lint.internal is raised only when memory runs out inside the linter; no input reaches it.
      if (asserted.count(name) == 0 && name != "lint.internal") missing.insert(name);
    INFO("codes no test row asserts: " << mtasts_test::join(missing));
    CHECK(missing.empty());
    INFO("parser rows: " << rows);
    CHECK(rows >= 150);
  }
}
