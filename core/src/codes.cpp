/**
 * @file codes.cpp
 * @brief Lookups over the one table of finding codes (codes.def).
 */
#include "mtasts/finding.h"

namespace mtasts {
namespace {

struct code_row {
  std::string_view name;
  severity sev;
  observation_state obs;
  grade_effect effect;
  std::string_view rfc;
  std::string_view fix;
};

constexpr code_row rows[] = {
#define MTASTS_CODE(id, slug, sev, obs, effect, rfc, fix) {slug, severity::sev, observation_state::obs, grade_effect::effect, rfc, fix},
#include "mtasts/codes.def"
#undef MTASTS_CODE
};

constexpr std::size_t row_count = sizeof(rows) / sizeof(rows[0]);

const code_row& row(code c) noexcept {
  auto i = static_cast<std::size_t>(c);
  return rows[i < row_count ? i : 0];
}

}  // namespace

std::size_t code_count() noexcept { return row_count; }
std::string_view code_name(code c) noexcept { return row(c).name; }
severity code_severity(code c) noexcept { return row(c).sev; }
std::string_view code_rfc(code c) noexcept { return row(c).rfc; }
std::string_view code_fix(code c) noexcept { return row(c).fix; }
observation_state code_observation(code c) noexcept { return row(c).obs; }
grade_effect code_effect(code c) noexcept { return row(c).effect; }

std::string_view effect_name(grade_effect e) noexcept {
  switch (e) {
    case grade_effect::none: return "none";
    case grade_effect::fails_check: return "fails_check";
    case grade_effect::domain_missing: return "domain_missing";
    case grade_effect::no_grade: return "no_grade";
    case grade_effect::withdrawn: return "withdrawn";
    case grade_effect::testing: return "testing";
    case grade_effect::max_age: return "max_age";
    case grade_effect::content_type: return "content_type";
    case grade_effect::tlsrpt: return "tlsrpt";
    case grade_effect::uncovered_testing: return "uncovered_testing";
    case grade_effect::no_dane: return "no_dane";
    case grade_effect::uncovered: return "uncovered";
    case grade_effect::starttls_partial: return "starttls_partial";
    case grade_effect::no_secure_mx: return "no_secure_mx";
  }
  return "none";
}

std::string_view severity_name(severity s) noexcept {
  switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::info: return "info";
  }
  return "error";
}

bool code_from_name(std::string_view name, code& out) noexcept {
  for (std::size_t i = 0; i < row_count; ++i) {
    if (rows[i].name == name) {
      out = static_cast<code>(i);
      return true;
    }
  }
  return false;
}

bool no_errors(const std::vector<finding>& findings) noexcept {
  for (const auto& f : findings)
    if (code_severity(f.code) == severity::error) return false;
  return true;
}

}  // namespace mtasts
