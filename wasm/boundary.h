/**
 * @file boundary.h
 * @brief What both embind boundaries (bindings.cpp, report_bindings.cpp)
 *        share: the answer handed to JS as a view of wasm memory, and the
 *        heap's figures. Included by one file of each module.
 */
#ifndef MTASTS_WASM_BOUNDARY_H
#define MTASTS_WASM_BOUNDARY_H

#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <string>
#include <utility>

namespace mtasts_wasm {

/**
 * The last answer. It is handed to JS as a Uint8Array view of wasm memory,
 * which the JS layer decodes (native TextDecoder) before it makes any other
 * call: embind's own std::string return copies byte by byte in JS. A view
 * is not a handle: nothing is owned or freed by JS.
 */
inline std::string last_answer;

inline emscripten::val answer(std::string json) {
  last_answer = std::move(json);
  return emscripten::val(emscripten::typed_memory_view(
      last_answer.size(), reinterpret_cast<const unsigned char*>(last_answer.data())));
}

/** The wasm heap: its size (it only grows) and the bytes malloc has handed out and not had back. */
inline emscripten::val memory_stats() {
  const struct mallinfo mi = mallinfo();
  emscripten::val o = emscripten::val::object();
  o.set("heapBytes", static_cast<double>(emscripten_get_heap_size()));
  o.set("inUseBytes", static_cast<double>(mi.uordblks));
  return o;
}

}  // namespace mtasts_wasm

#endif
