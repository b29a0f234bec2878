/**
 * @file report_json.h
 * @brief The versioned JSON report, identical from the CLI and the wasm module.
 *
 * Shape (schema 1):
 *   { "schema": 1, "kind": "policy" | "sts" | "tlsrpt", "valid": bool,
 *     "findings": [ { "code", "severity", "message", "line"?, "column"?,
 *                     "rfc"?, "fix" } ],
 *     "policy": {version, mode, mx: [...], max_age, extensions: {..}} | null  (kind policy)
 *     "record": {id, extensions: {..}} | {rua: [...], extensions: {..}} | null (kind sts / tlsrpt) }
 * `line` and `column` are present only when the finding has a position.
 */
#ifndef MTASTS_REPORT_JSON_H
#define MTASTS_REPORT_JSON_H

#include <string>

#include "mtasts/policy.h"
#include "mtasts/records.h"

namespace mtasts {

inline constexpr int report_schema = 1;

/** Compact JSON text (UTF-8; invalid bytes from the input are replaced by U+FFFD). */
[[nodiscard]] std::string to_json(const policy_result& r);
[[nodiscard]] std::string to_json(const sts_result& r);
[[nodiscard]] std::string to_json(const tlsrpt_result& r);

}  // namespace mtasts

#endif
