/**
 * @file grade.h
 * @brief The grade of a domain check: a pure function of the facts the
 *        check's findings establish. The rubric is docs/GRADING.md.
 *
 * Each fact is yes, no or unknown (not observed). The grade is computed
 * twice, once with every unknown fact at its best and once at its worst; when
 * the two agree the unknowns did not matter and that is the grade, otherwise
 * the grade is null and the two bound it.
 */
#ifndef MTASTS_GRADE_H
#define MTASTS_GRADE_H

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "mtasts/check.h"

namespace mtasts::check {

enum class tri : std::uint8_t { no, yes, unknown };

struct grade_facts {
  /** The _mta-sts TXT record: exactly one valid record, or why not. */
  enum class sts_state : std::uint8_t { valid, missing, multiple, invalid, unknown };
  /** The policy file as a sender would see it. */
  enum class policy_state : std::uint8_t {
    valid, invalid, host_missing, unreachable, redirect, bad_status, too_large, unknown,
  };
  bool domain_missing = false;  ///< NXDOMAIN for the domain itself
  bool domain_unresolvable = false;  ///< the domain's own name is a CNAME loop: no MX can be found
  sts_state sts = sts_state::unknown;
  policy_state policy = policy_state::unknown;
  std::optional<policy_mode> mode;  ///< set when the policy is valid
  tri mx_covered = tri::unknown;    ///< every MX host matches a policy mx pattern
  tri tlsrpt_valid = tri::unknown;  ///< exactly one valid TLS-RPT record
  tri max_age_week = tri::unknown;  ///< max_age >= 604800
  tri content_type_ok = tri::unknown;  ///< text/plain (a pasted policy counts as yes)
  tri no_warnings = tri::unknown;   ///< no warning finding about the domain
  tri dane_all = tri::unknown;      ///< every MX host has TLSA records in an AD answer
};

struct grade_result {
  std::optional<check::grade> grade;
  std::optional<std::pair<check::grade, check::grade>> range;  ///< [worst, best] when grade is null
  std::string reason;
};

/** The rubric of docs/GRADING.md. Null MX and invalid input are decided by the caller. */
[[nodiscard]] grade_result grade_of(const grade_facts& facts);

}  // namespace mtasts::check

#endif
