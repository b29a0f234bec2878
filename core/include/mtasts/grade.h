/**
 * @file grade.h
 * @brief The grade of a domain check, derived from its findings. The rubric
 *        is docs/GRADING.md; what each finding does to it is the effect
 *        column of codes.def.
 *
 * An observed finding has an effect (a failed check, mode testing or none, a
 * shortfall, no DANE); a warning keeps the grade from A+. A check that could
 * not be observed (`unknown`, or `pending`) might have failed: the grade is
 * computed twice, once with every such check at its best (no effect) and
 * once at its worst (its failure's effect, from the table of checks). When
 * the two agree the unknowns did not matter and that is the grade; otherwise
 * the grade is null and the two bound it.
 */
#ifndef MTASTS_GRADE_H
#define MTASTS_GRADE_H

#include <optional>
#include <string>
#include <utility>

#include "mtasts/check.h"

namespace mtasts::check {

struct grade_result {
  std::optional<check::grade> grade;
  std::optional<std::pair<check::grade, check::grade>> range;  ///< [worst, best] when grade is null for lack of observation
  std::string reason;
};

/** The rubric of docs/GRADING.md over the report's checks and findings (its grade fields are not read). */
[[nodiscard]] grade_result grade_of(const report& r);

}  // namespace mtasts::check

#endif
