// Tests for base64.h: RFC 4648 §4 (standard, padded) and §5 (URL, unpadded, the
// RFC 8484 `dns` parameter), and a decoder that takes either and refuses anything else.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mtasts/base64.h"
#include "test_support.h"

using mtasts::base64_alphabet;
using mtasts::base64_decode;
using mtasts::base64_encode;

TEST_SUITE("base64") {
  TEST_CASE("RFC 4648 §10 vectors, both alphabets") {
    struct row {
      const char* in;
      const char* standard;
      const char* url;
    };
    const row rows[] = {{"", "", ""},
                        {"f", "Zg==", "Zg"},
                        {"fo", "Zm8=", "Zm8"},
                        {"foo", "Zm9v", "Zm9v"},
                        {"foob", "Zm9vYg==", "Zm9vYg"},
                        {"fooba", "Zm9vYmE=", "Zm9vYmE"},
                        {"foobar", "Zm9vYmFy", "Zm9vYmFy"}};
    for (const auto& r : rows) {
      CAPTURE(r.in);
      CHECK(base64_encode(std::string_view(r.in)) == r.standard);
      CHECK(base64_encode(std::string_view(r.in), base64_alphabet::url) == r.url);
      CHECK(base64_decode(r.standard) == std::optional<std::string>(r.in));
      CHECK(base64_decode(r.url) == std::optional<std::string>(r.in));
    }
  }

  TEST_CASE("the two alphabets differ only in 62 and 63") {
    const std::vector<std::uint8_t> b{0xFB, 0xFF, 0xBF};
    CHECK(base64_encode(b) == "+/+/");
    CHECK(base64_encode(b, base64_alphabet::url) == "-_-_");
    CHECK(base64_decode("+/+/") == base64_decode("-_-_"));
    CHECK(base64_encode(std::vector<std::uint8_t>{0xFF}, base64_alphabet::url) == "_w");
    CHECK(base64_encode(nullptr, 5).empty());
  }

  TEST_CASE("every byte value and every length round-trip") {
    mtasts_test::rng r(42);
    for (std::size_t n = 0; n < 300; ++n) {
      std::string bytes;
      for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(r.next() & 0xFF));
      CAPTURE(n);
      CHECK(base64_decode(base64_encode(bytes)) == std::optional<std::string>(bytes));
      CHECK(base64_decode(base64_encode(bytes, base64_alphabet::url)) == std::optional<std::string>(bytes));
    }
  }

  TEST_CASE("what is not base64 is refused") {
    for (const char* bad : {"Zg=", "Zm9v=", "Z", "Zm9vY", "Zg==Zg==", "Z=g=", "Zm 9v", "Zm9v\n", "Zm9v!", "====", "Zm8==",
                            "\xC3\xA9"}) {
      CAPTURE(bad);
      CHECK_FALSE(base64_decode(bad).has_value());
    }
  }
}
