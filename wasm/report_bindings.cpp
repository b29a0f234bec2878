/**
 * @file report_bindings.cpp
 * @brief The embind boundary of the second module, dist/mtasts-report-core:
 *        TLS-RPT reports (RFC 8460 §4) and the dated change plan, so that
 *        the check page's first visit loads neither the report parser and
 *        the aggregation nor the plan (core/src/plan.cpp, src/json/plan.cpp:
 *        about 12 KB gzip, docs/BENCHMARKS.md "Size budgets").
 *
 * The same pattern as wasm/bindings.cpp: bytes in, the core's JSON
 * (mtasts/json.h, namespace tlsrpt) out as a view of wasm memory, which
 * wasm/report.mjs decodes and parses before it makes any other call. No C++
 * object handle reaches JS and no logic lives here: the containers (gzip,
 * zip, e-mail) are opened in JS, the parsing and the counting in the core.
 * Built without exceptions, like the core; running out of memory aborts the
 * instance, and wasm/report.mjs then instantiates a fresh one.
 */
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "mtasts/json.h"
#include "mtasts/mtasts.h"
#include "boundary.h"

namespace {

using mtasts_wasm::answer;
using mtasts_wasm::last_answer;
using mtasts_wasm::memory_stats;


/** One report's JSON text (UTF-8 bytes) in; {schema, kind: "tlsrpt-report", valid, findings, report} out. */
emscripten::val parse_report(const std::string& text) {
  // The answer's buffer is the input's last use: free the previous answer first,
  // so a 20 MB report does not hold two large answers at once.
  last_answer = std::string();
  return answer(mtasts::tlsrpt::parse_json(text));
}

/**
 * The inputs, [{source, offset, length} | {source, error, message}] as JSON
 * (UTF-8 bytes), and the reports' texts, one after another, whose slices the
 * offsets name; the aggregate {schema, kind: "tlsrpt-summary", ...} or
 * {error} out.
 */
emscripten::val summarize_reports(const std::string& inputs_json, const std::string& texts) {
  last_answer = std::string();
  return answer(mtasts::tlsrpt::summarize_json(inputs_json, texts));
}

/**
 * The change plan (mtasts/plan.h): a domain report's JSON (as the check
 * module's checkDomain made it) and the options {now, mx} in, the plan's JSON
 * or {error} out. The report's TTLs are filled by the check's engine, in the
 * other module; only the plan lives here.
 */
emscripten::val change_plan(const std::string& report_json, const std::string& options_json) {
  return answer(mtasts::plan::plan_json(report_json, options_json));
}

/** The eleven RFC 8460 result types, explained: [{resultType, rfc, meaning, cause, fix}]. */
emscripten::val result_types() { return answer(mtasts::tlsrpt::result_types_json()); }

std::string version() { return mtasts::version(); }
std::string limits() { return mtasts::limits_json(); }


}  // namespace

EMSCRIPTEN_BINDINGS(mtasts_report) {
  emscripten::function("parseReport", &parse_report);
  emscripten::function("summarizeReports", &summarize_reports);
  emscripten::function("resultTypes", &result_types);
  emscripten::function("changePlan", &change_plan);
  emscripten::function("version", &version);
  emscripten::function("limits", &limits);
  emscripten::function("memoryStats", &memory_stats);
}
