/**
 * @file sts_record.cpp
 * @brief The `_mta-sts` TXT record (RFC 8461 §3.1, records.h): the shared
 *        grammar (tokenizer.h), then the `id` field:
 *
 *   sts-id = %s"id=" 1*32(ALPHA / DIGIT)
 *
 * Duplicated fields: the first wins (RFC 8461 §3.2). Unknown fields are ignored.
 */
#include "tokenizer.h"

namespace mtasts {
namespace {

using namespace detail;

/** T1 of docs/SENDERS.md: whitespace after the last field, no final ';'. */
std::string_view sts_trailing_senders(std::string_view) {
  return "mox and postfix-tlspol (1.11 and later) reject it; go-mtasts (maddy), postfix-mta-sts-resolver, "
         "Stalwart, chasquid, mailauth and KumoMTA trim it";
}

constexpr kind_codes sts_codes{
    "v=STSv1",
    "MTA-STS record",
    "RFC 8461 §3.1",
    code::sts_empty,
    code::sts_quoted,
    code::sts_character_invalid,
    code::sts_version_invalid,
    code::sts_delimiter_space_before,
    code::sts_field_empty,
    code::sts_field_no_equals,
    code::sts_field_whitespace,
    code::sts_field_name_invalid,
    code::sts_field_value_invalid,
    code::sts_extension_unknown,
    code::sts_trailing_whitespace,
    // T2 of docs/SENDERS.md
    "chasquid and Halon keep only a record starting with \"v=STSv1;\" and see no policy; go-mtasts (maddy), "
    "postfix-mta-sts-resolver, mox, postfix-tlspol, Stalwart, mailauth and KumoMTA accept it",
    &sts_trailing_senders,
};


sts_result lint_sts(std::string_view text, finding_sink& sink) {
  sts_result r;
  const column_map cols(text);
  const record_tokens tok = tokenize(text, cols, sts_codes, sink);
  std::unordered_set<std::string_view> seen;
  sts_record rec;
  bool have_id = false;
  const field* case_id = nullptr;
  if (tok.ok) {
    for (const auto& f : tok.fields) {
      if (f.name == "id") {
        if (have_id) {
          // T4a of docs/SENDERS.md
          sink.add(code::sts_id_duplicate,
                   "a second id field " + quote(f.value, 40) + (f.value == rec.id ? " (the same value)" : "") +
                       ": mox rejects a record with two ids; " +
                       (f.value == rec.id
                            ? std::string("the other senders use it")
                            : "the others disagree on which counts: postfix-tlspol uses the first (" +
                                  quote(rec.id, 40) +
                                  ", as RFC 8461 §3.2 says), go-mtasts (maddy), postfix-mta-sts-resolver, "
                                  "Stalwart, mailauth and KumoMTA the last"),
                   1, cols.at(f.name_off));
          continue;
        }
        // sts-id = %s"id=" 1*32(ALPHA / DIGIT)
        std::size_t bad = std::string_view::npos;
        for (std::size_t i = 0; i < f.value.size() && bad == std::string_view::npos; ++i)
          if (!is_alnum(f.value[i])) bad = i;
        if (f.value.empty()) {
          sink.add(code::sts_id_invalid, "id is empty; it must be 1-32 letters or digits", 1,
                   cols.at(f.value_off));
        } else if (bad != std::string_view::npos && f.value_off + bad == tok.bad_char) {
          // already said: sts.character.invalid
        } else if (bad != std::string_view::npos) {
          std::string msg = "id " + quote(f.value, 40) + " contains " + quote(f.value.substr(bad, 1)) +
                            "; ids are letters and digits only";
          if (f.value[bad] == '-' || f.value[bad] == ':' || f.value[bad] == '.')
            msg += " (dates like 2024-01-01 are a common mistake: write 20240101)";
          sink.add(code::sts_id_invalid, msg, 1, cols.at(f.value_off + bad));
        } else if (f.value.size() > 32) {
          sink.add(code::sts_id_invalid,
                   "id " + quote(f.value, 40) + " is " + std::to_string(f.value.size()) +
                       " characters long; at most 32 are allowed",
                   1, cols.at(f.value_off + 32));
        }
        have_id = true;
        rec.id = std::string(f.value);
        continue;
      }
      if (!check_ext_value(f, cols, sts_codes, sink, tok.bad_char)) continue;
      if (iequals(f.name, "id")) case_id = &f;
      std::string msg = "field " + quote(f.name) + " is not a registered MTA-STS field; senders ignore it";
      if (f.name == "v") msg = "a second version field " + quote(f.value) + "; senders ignore it";
      else if (iequals(f.name, "id")) msg = "field " + quote(f.name) + " is not \"id\" (field names are case-sensitive); senders ignore it";
      sink.add(code::sts_extension_unknown, msg, 1, cols.at(f.name_off));
      add_extension(rec.extensions, seen, f);
    }
    if (!have_id) {
      std::string msg = "the record has no id field";
      if (case_id) msg += " (" + quote(case_id->name) + " is not \"id\": names are case-sensitive)";
      sink.add(code::sts_id_missing, msg);
    }
  }
  r.valid = sink.valid();
  r.findings = sink.take();
  if (r.valid) r.record = std::move(rec);
  return r;
}

}  // namespace

sts_result lint_sts_record(std::string_view text) noexcept {
  finding_sink sink;
  return lint_sts(text, sink);
}

sts_result lint_sts_record(const std::vector<std::string>& strings) noexcept {
  finding_sink sink;
  const std::string joined = join_strings(strings, sink);
  return lint_sts(joined, sink);
}

}  // namespace mtasts
