// Fuzzes the _smtp._tls TXT record linter (RFC 8460 §3), as one string and
// as the character-strings DNS delivers.
//
// Invariants (fuzz_support.h, fuzz_txt_record): valid exactly when no
// finding is an error, the record set exactly then; the JSON report parses;
// the character-strings give the same verdict as the joined text when each
// is one DNS can carry. Here: a valid record has at least one rua URI.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "mtasts/records.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mtasts_fuzz::fuzz_txt_record(
      data, size, [](const auto& in) { return mtasts::lint_tlsrpt_record(in); },
      [](const mtasts::tlsrpt_record& r, const std::string& text) { MTASTS_FUZZ_REQUIRE(!r.rua.empty(), text); });
  return 0;
}
