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
  std::string_view rfc;
  std::string_view fix;
};

constexpr code_row rows[] = {
#define MTASTS_CODE(id, slug, sev, rfc, fix) {slug, severity::sev, rfc, fix},
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
