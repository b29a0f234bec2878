/**
 * @file bindings.cpp
 * @brief The embind boundary: plain strings or bytes in, JSON text (UTF-8) out;
 *        no C++ object handles ever reach JS. All logic lives in core/; the hand-written
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

/**
 * The last answer. It is handed to JS as a Uint8Array view of wasm memory,
 * which the JS layer decodes (native TextDecoder) before it makes any other
 * call: embind's own std::string return copies byte by byte in JS, which cost
 * more than the linting for a 64 KB policy. A view is not a handle: nothing
 * is owned or freed by JS.
 */
std::string last_answer;

emscripten::val answer(std::string json) {
  last_answer = std::move(json);
  return emscripten::val(emscripten::typed_memory_view(
      last_answer.size(), reinterpret_cast<const unsigned char*>(last_answer.data())));
}

template <class F>
emscripten::val guarded(F&& f) {
  try {
    return answer(f());
  } catch (const std::exception& e) {
    return answer(error_json(e.what()));
  } catch (...) {
    return answer(error_json("unknown C++ exception"));
  }
}

std::vector<std::string> strings_of(const emscripten::val& arr) {
  std::vector<std::string> out;
  const auto n = arr["length"].as<unsigned>();
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) out.push_back(arr[i].as<std::string>());
  return out;
}

emscripten::val lint_policy(const std::string& body) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_policy(body)); });
}
emscripten::val lint_sts(const std::string& text) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_sts_record(text)); });
}
emscripten::val lint_sts_strings(const emscripten::val& strings) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_sts_record(strings_of(strings))); });
}
emscripten::val lint_tlsrpt(const std::string& text) {
  return guarded([&] { return mtasts::to_json(mtasts::lint_tlsrpt_record(text)); });
}
emscripten::val lint_tlsrpt_strings(const emscripten::val& strings) {
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
