/**
 * @file report_bindings.cpp
 * @brief The embind boundary of the second module, dist/mtasts-report-core:
 *        TLS-RPT reports (RFC 8460 §4) only, so that the check page's first
 *        visit does not load the report parser and the aggregation.
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
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <string>

#include "mtasts/json.h"
#include "mtasts/mtasts.h"

namespace {

/** The last answer, handed to JS as a Uint8Array view of wasm memory (see wasm/bindings.cpp). */
std::string last_answer;

emscripten::val answer(std::string json) {
  last_answer = std::move(json);
  return emscripten::val(emscripten::typed_memory_view(
      last_answer.size(), reinterpret_cast<const unsigned char*>(last_answer.data())));
}

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

/** The eleven RFC 8460 result types, explained: [{resultType, rfc, meaning, cause, fix}]. */
emscripten::val result_types() { return answer(mtasts::tlsrpt::result_types_json()); }

std::string version() { return mtasts::version(); }
std::string limits() { return mtasts::limits_json(); }

/** The wasm heap: its size (it only grows) and the bytes malloc has handed out and not had back. */
emscripten::val memory_stats() {
  const struct mallinfo mi = mallinfo();
  emscripten::val o = emscripten::val::object();
  o.set("heapBytes", static_cast<double>(emscripten_get_heap_size()));
  o.set("inUseBytes", static_cast<double>(mi.uordblks));
  return o;
}

}  // namespace

EMSCRIPTEN_BINDINGS(mtasts_report) {
  emscripten::function("parseReport", &parse_report);
  emscripten::function("summarizeReports", &summarize_reports);
  emscripten::function("resultTypes", &result_types);
  emscripten::function("version", &version);
  emscripten::function("limits", &limits);
  emscripten::function("memoryStats", &memory_stats);
}
