/**
 * @file bindings.cpp
 * @brief The embind boundary: plain strings in, JSON text out; no C++ object
 *        handles ever reach JS. All logic lives in core/; the hand-written
 *        API (wasm/mtasts.mjs) parses the JSON and shapes the results.
 *
 * Every entry point catches whatever C++ might throw (built with
 * -fwasm-exceptions) and answers {"error": "..."} instead, which the JS
 * layer turns into an Error.
 */
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "mtasts/mtasts.h"
#include "mtasts/report_json.h"

namespace {

std::string error_json(const char* what) {
  std::string s = "{\"error\":\"";
  for (const char* p = what; *p; ++p) {
    const char c = *p;
    if (c == '"' || c == '\\') s += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) s += c;
  }
  return s + "\"}";
}

template <class F>
std::string guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return error_json(e.what());
  } catch (...) {
    return error_json("unknown C++ exception");
  }
}

std::vector<std::string> strings_of(const emscripten::val& arr) {
  std::vector<std::string> out;
  const auto n = arr["length"].as<unsigned>();
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) out.push_back(arr[i].as<std::string>());
  return out;
}

std::string lint_policy(const std::string& body) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_policy(body)); });
}
std::string lint_sts(const std::string& text) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_sts_record(text)); });
}
std::string lint_sts_strings(const emscripten::val& strings) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_sts_record(strings_of(strings))); });
}
std::string lint_tlsrpt(const std::string& text) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_tlsrpt_record(text)); });
}
std::string lint_tlsrpt_strings(const emscripten::val& strings) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_tlsrpt_record(strings_of(strings))); });
}
bool mx_matches(const std::string& pattern, const std::string& host) { return mtasts::mx_matches(pattern, host); }
std::string version() { return mtasts::version(); }

}  // namespace

EMSCRIPTEN_BINDINGS(mtasts) {
  emscripten::function("lintPolicy", &lint_policy);
  emscripten::function("lintSts", &lint_sts);
  emscripten::function("lintStsStrings", &lint_sts_strings);
  emscripten::function("lintTlsRpt", &lint_tlsrpt);
  emscripten::function("lintTlsRptStrings", &lint_tlsrpt_strings);
  emscripten::function("mxMatches", &mx_matches);
  emscripten::function("version", &version);
}
