// Fuzzes the _mta-sts TXT record linter (RFC 8461 §3.1), as one string and
// as the character-strings DNS delivers.
//
// Invariants: valid exactly when no finding is an error, the record set
// exactly then; the JSON report parses; the character-strings joined give
// the same verdict as the joined text when each string is one DNS can carry
// (at most 255 bytes); a valid record's id is 1-32 letters and digits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "mtasts/records.h"
#include "mtasts/report_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mtasts_fuzz::reader in(data, size);
  // The first byte cuts the rest into character-strings: every `cut`-th byte starts a new one.
  const std::size_t cut = 1 + in.byte();
  const std::string text = in.rest();
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < text.size(); i += cut) strings.push_back(text.substr(i, cut));

  const auto one = mtasts::lint_sts_record(text);
  mtasts_fuzz::require_consistent(one, one.record);
  mtasts_fuzz::require_json(mtasts::to_json(one));
  if (one.record) {
    const auto& id = one.record->id;
    MTASTS_FUZZ_REQUIRE(!id.empty() && id.size() <= 32, id);
    for (char c : id)
      MTASTS_FUZZ_REQUIRE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'), id);
  }

  const auto many = mtasts::lint_sts_record(strings);
  mtasts_fuzz::require_consistent(many, many.record);
  mtasts_fuzz::require_json(mtasts::to_json(many));
  if (cut <= 255) {
    MTASTS_FUZZ_REQUIRE(one.valid == many.valid, text);
    if (one.record) MTASTS_FUZZ_REQUIRE(*one.record == *many.record, text);
  }
  return 0;
}
