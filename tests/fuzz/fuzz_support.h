// Shared by the fuzz harnesses (tests/fuzz/*.cpp): a reader that turns the
// fuzzer's bytes into choices, and the invariant check that makes a broken
// property a crash libFuzzer can report and minimise.
//
// Each harness defines LLVMFuzzerTestOneInput. Built with clang and
// -fsanitize=fuzzer it is a libFuzzer target (./tools/fuzz); built with any
// compiler beside standalone_main.cpp it replays the seed corpus and every
// saved crasher (tests/fuzz/regressions/) as a unit test under ctest.
#ifndef MTASTS_FUZZ_SUPPORT_H
#define MTASTS_FUZZ_SUPPORT_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtasts/finding.h"
#include "mtasts/json.h"

namespace mtasts_fuzz {

/** Stops the run with a message: a violated invariant is a crash to libFuzzer. */
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
  std::abort();
}
#define MTASTS_FUZZ_REQUIRE(cond, detail) \
  do {                                    \
    if (!(cond)) ::mtasts_fuzz::fail(#cond, (detail)); \
  } while (0)

/** Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
inline bool utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    const auto b1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F))
      return false;
    i += n;
  }
  return true;
}

/** Reads choices off the front of the input; past the end every read is 0 or empty. */
class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool empty() const { return n_ == 0; }
  std::size_t left() const { return n_; }
  std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>((byte() << 8) | byte()); }
  std::uint32_t u32() { return (static_cast<std::uint32_t>(u16()) << 16) | u16(); }
  bool flag() { return (byte() & 1) != 0; }
  /** A value in [0, n); n > 0. */
  std::size_t below(std::size_t n) { return n <= 256 ? byte() % n : u16() % n; }
  /** Up to `max` bytes, the length taken from the input first. */
  std::string bytes(std::size_t max) {
    std::size_t len = max <= 255 ? byte() : u16();
    if (len > max) len = len % (max + 1);
    if (len > n_) len = n_;
    std::string out(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    n_ -= len;
    return out;
  }
  /** Everything left. */
  std::string rest() {
    std::string out(reinterpret_cast<const char*>(p_), n_);
    p_ += n_;
    n_ = 0;
    return out;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

/** A report must be JSON that a strict parser accepts, whatever bytes went in. */
inline void require_json(const std::string& text) {
  MTASTS_FUZZ_REQUIRE(nlohmann::json::accept(text), text);
}

/** Lint results: valid exactly when no finding is an error, and the value is there exactly then. */
template <typename Result, typename Value>
void require_consistent(const Result& r, const Value& value) {
  MTASTS_FUZZ_REQUIRE(r.valid == mtasts::no_errors(r.findings), "valid disagrees with the findings' severities");
  MTASTS_FUZZ_REQUIRE(r.valid == value.has_value(), "valid disagrees with the presence of the parsed value");
  for (const auto& f : r.findings) {
    MTASTS_FUZZ_REQUIRE(static_cast<std::size_t>(f.code) < mtasts::code_count(), "a finding code outside the table");
    MTASTS_FUZZ_REQUIRE(!f.message.empty(), "a finding without a message");
  }
}

/**
 * The body of both TXT record harnesses: the first byte cuts the rest into
 * character-strings (every `cut`-th byte starts a new one); the text and the
 * strings are linted; both results must be consistent and give parseable
 * JSON, and the same verdict and record when every string is one DNS can
 * carry (at most 255 bytes). `check_record` adds the artefact's own rules.
 */
template <typename Lint, typename CheckRecord>
void fuzz_txt_record(const std::uint8_t* data, std::size_t size, Lint lint, CheckRecord check_record) {
  reader in(data, size);
  const std::size_t cut = 1 + in.byte();
  const std::string text = in.rest();
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < text.size(); i += cut) strings.push_back(text.substr(i, cut));

  const auto one = lint(text);
  require_consistent(one, one.record);
  require_json(mtasts::to_json(one));
  if (one.record) check_record(*one.record, text);

  const auto many = lint(strings);
  require_consistent(many, many.record);
  require_json(mtasts::to_json(many));
  if (cut <= 255) {
    MTASTS_FUZZ_REQUIRE(one.valid == many.valid, text);
    if (one.record) MTASTS_FUZZ_REQUIRE(*one.record == *many.record, text);
  }
}

}  // namespace mtasts_fuzz

#endif
