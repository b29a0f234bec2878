/**
 * @file finding.h
 * @brief Findings: what the linters say about an artefact, with stable codes.
 *
 * Every finding carries a code from the single table in codes.def. The code
 * fixes the severity, the RFC section and the generic fix; the message is
 * written where the finding is raised and names the evidence.
 *
 * Positions are 1-based. `line` counts lines of the input (LF, CRLF or a bare
 * CR end a line); `column` counts Unicode code points within that line (an
 * invalid UTF-8 byte counts as one). A finding about the whole artefact has
 * line == 0 and column == 0.
 */
#ifndef MTASTS_FINDING_H
#define MTASTS_FINDING_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mtasts {

enum class severity : std::uint8_t { error, warning, info };

/** Whether a finding states what was observed, or that something could not be observed (codes.def). */
enum class observation_state : std::uint8_t { observed, unobserved };

/** What an observed finding does to a domain's grade (codes.def; core/src/grade.cpp). */
enum class grade_effect : std::uint8_t {
  none, fails_check, domain_missing, no_grade, withdrawn, testing,
  max_age, content_type, tlsrpt, uncovered_testing, no_dane,
  uncovered,  ///< an MX host not covered: F in enforce, a shortfall in testing (the MX check's worst when unknown)
  starttls_partial,  ///< enforce: senders will not deliver to some MX hosts (STARTTLS or certificate): C at best
  no_secure_mx,      ///< enforce: senders will deliver to no MX host: F
};

/** Every finding code; see codes.def for the table. */
enum class code : std::uint16_t {
#define MTASTS_CODE(id, slug, sev, obs, effect, rfc, fix) id,
#include "mtasts/codes.def"
#undef MTASTS_CODE
};

struct finding {
  mtasts::code code{};
  std::string message;
  std::uint32_t line = 0;    ///< 1-based; 0 when not tied to a position
  std::uint32_t column = 0;  ///< 1-based, in code points; 0 when none
  friend bool operator==(const finding& a, const finding& b) noexcept {
    return a.code == b.code && a.message == b.message && a.line == b.line &&
           a.column == b.column;
  }
};

/** Number of codes in the table. */
std::size_t code_count() noexcept;
/** "policy.mode.invalid" */
std::string_view code_name(code c) noexcept;
/** The code's (only) severity. */
severity code_severity(code c) noexcept;
/** "RFC 8461 §3.2", or "" for codes of the linter itself. */
std::string_view code_rfc(code c) noexcept;
/** The generic, concrete remedy. */
std::string_view code_fix(code c) noexcept;
/** Observed, or "could not observe" (never held against the domain). */
observation_state code_observation(code c) noexcept;
/** The code's effect on a domain's grade. */
grade_effect code_effect(code c) noexcept;
/** "none", "fails_check", ... as in codes.def. */
std::string_view effect_name(grade_effect e) noexcept;
/** "error", "warning" or "info". */
std::string_view severity_name(severity s) noexcept;
/** Looks a code up by its dotted name; false when there is none. */
bool code_from_name(std::string_view name, code& out) noexcept;

/** True when no finding has severity error. */
bool no_errors(const std::vector<finding>& findings) noexcept;

}  // namespace mtasts

#endif
