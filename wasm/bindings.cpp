/**
 * @file bindings.cpp
 * @brief The embind boundary: text or bytes in, JSON text out, through the
 *        core's one JSON mapping (mtasts/json.h). No C++ object handle ever
 *        reaches JS, and no logic lives here: wasm/mtasts.mjs parses the JSON.
 *
 * The module is built without exceptions, like the core (docs/ARCHITECTURE.md,
 * "Exceptions"): nothing here throws or catches. The one failure left is
 * running out of memory (the heap cannot grow past its maximum), which
 * aborts the instance; wasm/mtasts.mjs then throws and instantiates a fresh
 * module on the next load().
 */
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <optional>
#include <string>
#include <vector>

#include "mtasts/mtasts.h"
#include "boundary.h"

namespace {

using mtasts_wasm::answer;
using mtasts_wasm::memory_stats;

template <class F>
emscripten::val lint(F&& f) {
  return answer(mtasts::to_json(f()));
}

/**
 * The record's character-strings, or nullopt when an element is not a string
 * (the JS API checks first; checked here too because embind's own failed
 * conversion throws a JS exception that leaks an emval handle each time).
 */
std::optional<std::vector<std::string>> strings_of(const emscripten::val& arr) {
  std::vector<std::string> out;
  const auto n = arr["length"].as<unsigned>();
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    const emscripten::val x = arr[i];
    if (!x.isString()) return std::nullopt;
    out.push_back(x.as<std::string>());
  }
  return out;
}

const char* const not_strings = "{\"error\":\"a record's character-strings must be strings\"}";

emscripten::val lint_policy(const std::string& body) {
  return lint([&] { return mtasts::lint_policy(body); });
}
emscripten::val lint_sts(const std::string& text) {
  return lint([&] { return mtasts::lint_sts_record(text); });
}
emscripten::val lint_sts_strings(const emscripten::val& strings) {
  auto list = strings_of(strings);
  if (!list) return answer(not_strings);
  return lint([&] { return mtasts::lint_sts_record(*list); });
}
emscripten::val lint_tlsrpt(const std::string& text) {
  return lint([&] { return mtasts::lint_tlsrpt_record(text); });
}
emscripten::val lint_tlsrpt_strings(const emscripten::val& strings) {
  auto list = strings_of(strings);
  if (!list) return answer(not_strings);
  return lint([&] { return mtasts::lint_tlsrpt_record(*list); });
}

/** One step of the domain check: the state as JSON (UTF-8 bytes) in, {requests, report} or {error} out. */
emscripten::val check_step(const std::string& state_json) { return answer(mtasts::check::step_json(state_json)); }

bool mx_matches(const std::string& pattern, const std::string& host) { return mtasts::mx_matches(pattern, host); }
bool is_host_name(const std::string& name) { return mtasts::is_host_name(name); }
std::string version() { return mtasts::version(); }
std::string limits() { return mtasts::limits_json(); }


}  // namespace

EMSCRIPTEN_BINDINGS(mtasts) {
  emscripten::function("lintPolicy", &lint_policy);
  emscripten::function("lintSts", &lint_sts);
  emscripten::function("lintStsStrings", &lint_sts_strings);
  emscripten::function("lintTlsRpt", &lint_tlsrpt);
  emscripten::function("lintTlsRptStrings", &lint_tlsrpt_strings);
  emscripten::function("checkStep", &check_step);
  emscripten::function("mxMatches", &mx_matches);
  emscripten::function("isHostName", &is_host_name);
  emscripten::function("version", &version);
  emscripten::function("limits", &limits);
  emscripten::function("memoryStats", &memory_stats);
}
