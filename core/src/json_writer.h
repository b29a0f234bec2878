/**
 * @file json_writer.h
 * @brief Internal: a minimal streaming JSON writer for the reports.
 *
 * The reports only ever write JSON (objects in a fixed key order, strings,
 * integers, booleans, null, a few milliseconds as decimals), so a writer of
 * a hundred lines does what nlohmann's serializer did, at a fraction of the
 * WebAssembly size (see docs/BENCHMARKS.md). Output is compact (no spaces).
 * Strings are UTF-8; a byte that is not part of well-formed UTF-8 is written
 * as U+FFFD, so the output is always valid JSON and valid UTF-8.
 */
#ifndef MTASTS_JSON_WRITER_H
#define MTASTS_JSON_WRITER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts::detail {

class json_writer {
 public:
  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }

  /** The key of the next value in the current object. */
  json_writer& key(std::string_view k) {
    separate();
    string(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }

  json_writer& value(std::string_view s) {
    separate();
    string(s);
    return *this;
  }
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  json_writer& value(bool b) {
    separate();
    out_ += b ? "true" : "false";
    return *this;
  }
  json_writer& null() {
    separate();
    out_ += "null";
    return *this;
  }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  json_writer& value(T n) {
    separate();
    out_ += std::to_string(n);
    return *this;
  }
  /** A decimal with at most 3 digits after the point (milliseconds to the microsecond); null if not finite. */
  json_writer& value(double d);

  /** An array of strings. */
  json_writer& strings(const std::vector<std::string>& v) {
    begin_array();
    for (const auto& s : v) value(s);
    return end_array();
  }

  /** One finding: code, severity, message, line/column when positional, rfc, fix; then `check` if given. */
  json_writer& finding(const mtasts::finding& f, const char* check = nullptr, bool with_check = false);

  std::string take() { return std::move(out_); }

 private:
  json_writer& open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  json_writer& close(char c) {
    out_ += c;
    if (!first_.empty()) first_.pop_back();
    return *this;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (first_.back()) first_.back() = false;
    else out_ += ',';
  }
  void string(std::string_view s);

  std::string out_;
  std::vector<bool> first_;  ///< per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace mtasts::detail

#endif
