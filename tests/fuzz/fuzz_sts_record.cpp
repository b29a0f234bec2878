// Fuzzes the _mta-sts TXT record linter (RFC 8461 §3.1), as one string and
// as the character-strings DNS delivers.
//
// Invariants (fuzz_support.h, fuzz_txt_record): valid exactly when no
// finding is an error, the record set exactly then; the JSON report parses;
// the character-strings give the same verdict as the joined text when each
// is one DNS can carry. Here: a valid record's id is 1-32 letters and digits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "mtasts/records.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mtasts_fuzz::fuzz_txt_record(
      data, size, [](const auto& in) { return mtasts::lint_sts_record(in); },
      [](const mtasts::sts_record& r, const std::string& text) {
        MTASTS_FUZZ_REQUIRE(!r.id.empty() && r.id.size() <= 32, text);
        for (char c : r.id)
          MTASTS_FUZZ_REQUIRE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'), text);
      });
  return 0;
}
