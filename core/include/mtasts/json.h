/**
 * @file json.h
 * @brief The JSON of everything that crosses a boundary, declared once
 *        (core/src/json/, nlohmann/json): the linters' reports, the domain
 *        check's requests, observations, state and report.
 *
 * The WebAssembly module, the CLI and the tests all go through these
 * functions, so the JS API, `mtasts ... --json` and the tests see the same
 * bytes. Output is compact UTF-8; a byte of the input that is not UTF-8 is
 * written as U+FFFD (the bytes themselves travel as base64 where they must
 * survive: observation.bytes, options.pasted_policy).
 *
 * Linter reports (schema 1):
 *   { "schema": 1, "kind": "policy" | "sts" | "tlsrpt", "valid": bool,
 *     "findings": [ { "code", "severity", "message", "line"?, "column"?,
 *                     "rfc"?, "fix" } ],
 *     "policy": {version, mode, mx: [...], max_age, extensions: {..}} | null  (kind policy)
 *     "record": {id, extensions: {..}} | {rua: [...], extensions: {..}} | null (kind sts / tlsrpt) }
 * `line` and `column` are present only when the finding has a position.
 *
 * The domain check: see check.h for the structs (their members are the JSON
 * names) and docs/GRADING.md for the report.
 */
#ifndef MTASTS_JSON_H
#define MTASTS_JSON_H

#include <optional>
#include <string>
#include <string_view>

#include "mtasts/check.h"
#include "mtasts/plan.h"
#include "mtasts/policy.h"
#include "mtasts/records.h"
#include "mtasts/report.h"

namespace mtasts {

inline constexpr int report_schema = 1;

[[nodiscard]] std::string to_json(const policy_result& r);
[[nodiscard]] std::string to_json(const sts_result& r);
[[nodiscard]] std::string to_json(const tlsrpt_result& r);

/** The limits of limits.h as one object, snake_case names: {"policy_max_bytes": 65536, ...}. */
[[nodiscard]] std::string limits_json();

namespace check {

[[nodiscard]] std::string to_json(const report& r);
[[nodiscard]] std::string to_json(const request& r);
[[nodiscard]] std::string to_json(const observation& o);
[[nodiscard]] std::string to_json(const state& s);

/** A state read from JSON, or why it is not one. */
struct parsed_state {
  std::optional<check::state> state;
  std::string error;  ///< empty when `state` is set
};
[[nodiscard]] parsed_state parse_state(std::string_view json);

/** An observation read from JSON (one element of the state's "observations"). */
struct parsed_observation {
  std::optional<check::observation> observation;
  std::string error;
};
[[nodiscard]] parsed_observation parse_observation(std::string_view json);

/**
 * One step across the wasm boundary: a state in, `{"requests": [...],
 * "report": {...}}` out, or `{"error": "..."}` for input that is not a state.
 */
[[nodiscard]] std::string step_json(std::string_view state_json);

/** The output half of step_json() for a check already run. */
[[nodiscard]] std::string step_output_json(const domain_check& c);

}  // namespace check

namespace tlsrpt {

/** {"schema": 1, "kind": "tlsrpt-report", "valid", "findings", "report"} (docs/REPORTS.md). */
[[nodiscard]] std::string to_json(const parse_result& r);
/** The aggregate, {"schema": 1, "kind": "tlsrpt-summary", ...} (docs/REPORTS.md). */
[[nodiscard]] std::string to_json(const summary& s);
/** parse_report() then to_json(): the wasm boundary's parseReport. */
[[nodiscard]] std::string parse_json(std::string_view report_text);
/**
 * The wasm boundary's summarizeReports: a JSON array of inputs,
 * [{"source", "text"} | {"source", "offset", "length"} |
 *  {"source", "error": "report.container.…", "message"}], in; the aggregate
 * out; {"error": "..."} for anything else. An input with offset and length
 * is the slice of `texts` there: the hosts pass the reports' bytes beside the
 * JSON, so a 10 MB report is not escaped into a JSON string and lexed twice.
 */
[[nodiscard]] std::string summarize_json(std::string_view inputs_json, std::string_view texts = {});
/** The eleven RFC 8460 result types with their explanations, [{resultType, rfc, meaning, cause, fix}]. */
[[nodiscard]] std::string result_types_json();

}  // namespace tlsrpt

namespace plan {
/**
 * The change plan (plan.h): {"schema": 1, "kind": "plan", "domain", "now",
 * "max_age" (the one the dates use, or null), "ttl": {...}, "warnings":
 * [...], "changes": [{"id", "title", "applies", "why", "warnings", "steps":
 * [{"text", "records": [{"type", "name", "value"}], "not_before" (Unix ms
 * or null), "when", "reason"}]}], "text" (plan_text)}.
 */
[[nodiscard]] std::string to_json(const change_plan& p);
/**
 * The plan's input read from a domain report in its own JSON (schema 1, as
 * to_json(report) writes it). nullopt, with `error`, when it is not one.
 */
[[nodiscard]] std::optional<plan_input> read_input(std::string_view report_json, std::string& error);
/**
 * The wasm boundary's changePlan: a domain report's JSON and the options
 * {"now": Unix ms, "mx": ["planned MX host", ...]} in; the plan's JSON out,
 * or {"error": "..."}.
 */
[[nodiscard]] std::string plan_json(std::string_view report_json, std::string_view options_json);
}  // namespace plan

}  // namespace mtasts

#endif
