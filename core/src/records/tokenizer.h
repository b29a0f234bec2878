/**
 * @file tokenizer.h
 * @brief Internal: the grammar both TXT records share (records.h), checked
 *        once for either kind; each kind's own fields are read in its file
 *        (sts_record.cpp: `id`; tlsrpt_record.cpp: `rua`).
 *
 *   record      = version 1*(field-delim field) [field-delim]
 *   field-delim = *WSP ";" *WSP
 *   ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
 */
#ifndef MTASTS_SRC_RECORDS_TOKENIZER_H
#define MTASTS_SRC_RECORDS_TOKENIZER_H

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mtasts/records.h"
#include "../text.h"

namespace mtasts::detail {

/** The codes, the version tag and the wording of one kind of record. */
struct kind_codes {
  std::string_view version;  // "v=STSv1"
  std::string_view label;    // "MTA-STS record"
  std::string_view section;  // "RFC 8461 §3.1": where the record's grammar and prefix rule are
  code empty, quoted, character_invalid, version_invalid, space_before, field_empty, no_equals, whitespace,
      name_invalid, value_invalid, extension_unknown, trailing_whitespace;
  /** What the senders (or reporters) we know do with whitespace before the first ';' (docs/SENDERS.md). */
  std::string_view space_before_senders;
  /** What they do with whitespace after the last field `last_name` when no ';' ends the record. */
  std::string_view (*trailing_senders)(std::string_view last_name);
};


struct field {
  std::string_view name, value;
  std::size_t name_off = 0, value_off = 0;  // byte offsets in the record text
};

/** What tokenize() read: the fields in order, and where it reported an invalid character (or npos). */
struct record_tokens {
  bool ok = false;  ///< false: empty, or not a record of this kind (nothing more to say about it)
  std::vector<field> fields;
  std::size_t bad_char = std::string_view::npos;
};

/** Checks the shared grammar of `text`, raising the kind's codes, and splits it into fields. */
record_tokens tokenize(std::string_view text, const column_map& cols, const kind_codes& k, finding_sink& sink);

/** The generic ext-value check; returns false after reporting. */
bool check_ext_value(const field& f, const column_map& cols, const kind_codes& k, finding_sink& sink,
                     std::size_t reported_char);

/** First occurrence of each name wins. */
void add_extension(extension_list& list, std::unordered_set<std::string_view>& seen, const field& f);

/** Joins the character-strings of one TXT RR, noting the join and overlong strings. */
std::string join_strings(const std::vector<std::string>& strings, finding_sink& sink);

}  // namespace mtasts::detail

#endif
