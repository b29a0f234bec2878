/**
 * @file records.h
 * @brief The two TXT records: `_mta-sts.<domain>` and `_smtp._tls.<domain>`.
 * @see RFC 8461 §3.1 (sts-text-record ABNF), RFC 8460 §3 (tlsrpt-record ABNF)
 *
 * A TXT record may be given as one string (its character-strings already
 * joined) or as the list of character-strings of one DNS record; the list is
 * joined without separators, as both RFCs require, and columns refer to the
 * joined text (line is always 1).
 *
 * @example
 *   auto r = mtasts::lint_sts_record("v=STSv1; id=20240101T000000");
 *   // r.valid == true, r.record->id == "20240101T000000"
 */
#ifndef MTASTS_RECORDS_H
#define MTASTS_RECORDS_H

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts {

using extension_list = std::vector<std::pair<std::string, std::string>>;

struct sts_record {
  std::string id;
  /** Unknown fields (ignored by senders), first occurrence of each, in order. */
  extension_list extensions;
  friend bool operator==(const sts_record& a, const sts_record& b) {
    return a.id == b.id && a.extensions == b.extensions;
  }
};

struct sts_result {
  bool valid = false;  ///< a conforming sender would accept the record
  std::vector<finding> findings;
  std::optional<sts_record> record;  ///< set exactly when valid
};

struct tlsrpt_record {
  std::vector<std::string> rua;  ///< every URI of the (first) rua field, as written
  extension_list extensions;
  friend bool operator==(const tlsrpt_record& a, const tlsrpt_record& b) {
    return a.rua == b.rua && a.extensions == b.extensions;
  }
};

struct tlsrpt_result {
  bool valid = false;  ///< a conforming reporter would accept and use the record
  std::vector<finding> findings;
  std::optional<tlsrpt_record> record;  ///< set exactly when valid
};

[[nodiscard]] sts_result lint_sts_record(std::string_view text) noexcept;
[[nodiscard]] sts_result lint_sts_record(const std::vector<std::string>& strings) noexcept;
[[nodiscard]] tlsrpt_result lint_tlsrpt_record(std::string_view text) noexcept;
[[nodiscard]] tlsrpt_result lint_tlsrpt_record(const std::vector<std::string>& strings) noexcept;

}  // namespace mtasts

#endif
