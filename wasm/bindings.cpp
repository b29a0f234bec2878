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
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <stdexcept>
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

/**
 * A JS value read as std::string: a string or a Uint8Array, else a C++
 * exception (which guarded() answers as {"error"}). Not left to embind's own
 * check: its BindingError is a JS exception, which no C++ catch sees, and
 * Emscripten 3.1.6's _emval_as has by then made a handle for the conversion's
 * destructor list that nothing releases (one emval handle leaked per call).
 * (The message reuses the operator+ read_observation already needs: another
 * overload costs 1 KB gzip.)
 */
[[gnu::noinline]] std::string text_of(const emscripten::val& x, const char* what) {
  if (!x.isString() && !x.instanceof(emscripten::val::global("Uint8Array"))) {
    const std::string name(what);
    throw std::invalid_argument("neither a string nor bytes: " + name);
  }
  return x.as<std::string>();
}

std::vector<std::string> strings_of(const emscripten::val& arr) {
  std::vector<std::string> out;
  const auto n = arr["length"].as<unsigned>();
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) out.push_back(text_of(arr[i], "a record's character-string"));
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
/**
 * One step of the domain check: the state (options and observations, a plain
 * JS object whose bytes are Uint8Arrays) in, {requests, report} JSON out. The
 * object is read field by field rather than as JSON text: nlohmann's parser
 * would add 90 KB (gzip) to the module.
 */
// Field readers for the check state, kept out of line: inlined at each of the
// dozen uses they cost kilobytes of WebAssembly.
[[gnu::noinline]] std::string field_string(const emscripten::val& v, const char* key) {
  emscripten::val x = v[key];
  return x.isUndefined() || x.isNull() ? std::string() : text_of(x, key);
}
[[gnu::noinline]] double field_number(const emscripten::val& v, const char* key, double fallback) {
  emscripten::val x = v[key];
  return x.isNumber() ? x.as<double>() : fallback;
}
[[gnu::noinline]] bool field_flag(const emscripten::val& v, const char* key) { return v[key].isTrue(); }
[[gnu::noinline]] bool field_present(const emscripten::val& v, const char* key) {
  emscripten::val x = v[key];
  return !x.isUndefined() && !x.isNull();
}

[[gnu::noinline]] mtasts::check::observation read_observation(const emscripten::val& ov) {
  namespace chk = mtasts::check;
  chk::observation ob;
  ob.id = field_string(ov, "id");
  if (!chk::observation_kind_from(field_string(ov, "kind"), ob.kind))
    throw std::invalid_argument("unknown observation kind for " + ob.id);
  ob.status = static_cast<std::uint16_t>(field_number(ov, "status", 0));
  if (field_present(ov, "content_type")) ob.content_type = field_string(ov, "content_type");
  ob.bytes = field_string(ov, "bytes");
  ob.truncated = field_flag(ov, "truncated");
  ob.message = field_string(ov, "message");
  ob.via_relay = field_flag(ov, "via_relay");
  ob.relay_failure = field_string(ov, "relay_failure");
  ob.elapsed_ms = field_number(ov, "elapsed_ms", 0);
  ob.at_ms = field_number(ov, "at_ms", 0);
  return ob;
}

/**
 * One step of the domain check: the state (options and observations, a plain
 * JS object whose bytes are Uint8Arrays) in, {requests, report} JSON out. The
 * object is read field by field rather than as JSON text: nlohmann's parser
 * would add 90 KB (gzip) to the module.
 */
emscripten::val check_step(const emscripten::val& st) {
  return guarded([&] {
    namespace chk = mtasts::check;
    chk::options o;
    o.input = field_string(st, "input");
    o.domain = field_string(st, "domain");
    o.resolver = field_string(st, "resolver");
    if (field_present(st, "pasted_policy")) o.pasted_policy = field_string(st, "pasted_policy");
    o.tlsa_cap = static_cast<std::size_t>(field_number(st, "tlsa_cap", 10));
    o.aborted = field_flag(st, "aborted");
    o.deadline = field_flag(st, "deadline");
    o.total_timeout_ms = field_number(st, "total_timeout_ms", o.total_timeout_ms);
    o.dns_timeout_ms = field_number(st, "dns_timeout_ms", o.dns_timeout_ms);
    o.policy_timeout_ms = field_number(st, "policy_timeout_ms", o.policy_timeout_ms);
    std::vector<chk::observation> observations;
    const emscripten::val list = st["observations"];
    const unsigned n = list.isUndefined() ? 0u : list["length"].as<unsigned>();
    observations.reserve(n);
    for (unsigned i = 0; i < n; ++i) observations.push_back(read_observation(list[i]));
    chk::domain_check c(std::move(o));
    if (!observations.empty()) c.observe(std::move(observations));
    return chk::step_output_json(c);
  });
}
bool mx_matches(const std::string& pattern, const std::string& host) { return mtasts::mx_matches(pattern, host); }
std::string version() { return mtasts::version(); }

/** The wasm heap: its size (it only grows) and the bytes malloc has handed out and not had back. */
emscripten::val memory_stats() {
  const struct mallinfo mi = mallinfo();
  emscripten::val o = emscripten::val::object();
  o.set("heapBytes", static_cast<double>(emscripten_get_heap_size()));
  o.set("inUseBytes", static_cast<double>(mi.uordblks));
  return o;
}

}  // namespace

EMSCRIPTEN_BINDINGS(mtasts) {
  emscripten::function("lintPolicy", &lint_policy);
  emscripten::function("lintSts", &lint_sts);
  emscripten::function("lintStsStrings", &lint_sts_strings);
  emscripten::function("lintTlsRpt", &lint_tlsrpt);
  emscripten::function("lintTlsRptStrings", &lint_tlsrpt_strings);
  emscripten::function("checkStep", &check_step);
  emscripten::function("mxMatches", &mx_matches);
  emscripten::function("version", &version);
  emscripten::function("memoryStats", &memory_stats);
}
