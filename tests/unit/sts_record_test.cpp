// Tests for lint_sts_record(): the _mta-sts TXT record, RFC 8461 §3.1
// (sts-text-record ABNF), erratum 6285, and TXT character-strings (RFC 1035).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mtasts/records.h"
#include "test_support.h"

using mtasts_test::parser_case;
using mtasts_test::row;
using mtasts_test::row_strings;

namespace mtasts_test {

const std::vector<parser_case>& sts_cases() {
  static const std::vector<parser_case> cases = {
      // ---- well-formed -------------------------------------------------------
      row("typical record", "v=STSv1; id=20240101T000000")
          .ok().codes_are({}).with_id("20240101T000000").with_ext({}),
      row("no space after the semicolon", "v=STSv1;id=abc").ok().codes_are({}).with_id("abc"),
      row("one trailing semicolon", "v=STSv1; id=abc;").ok().codes_are({}).with_id("abc"),
      row("trailing semicolon and space", "v=STSv1; id=abc; ").ok().codes_are({}).with_id("abc"),
      row("trailing semicolon with whitespace on both sides", "v=STSv1; id=abc \t; \t")
          .ok().codes_are({}).with_id("abc"),
      row("tab after the semicolon", "v=STSv1;\tid=abc").ok().codes_are({}).with_id("abc"),
      row("several spaces after the semicolon", "v=STSv1;   id=abc")
          .ok().codes_are({}).with_id("abc"),
      row("space before a later semicolon is plain ABNF", "v=STSv1; id=abc ; foo=bar")
          .ok().codes_are({"sts.extension.unknown"}).with_id("abc"),
      row("id of one character", "v=STSv1; id=a").ok().codes_are({}).with_id("a"),
      row("id of 32 characters", "v=STSv1; id=" + std::string(32, 'Z'))
          .ok().codes_are({}).with_id(std::string(32, 'Z')),
      row("id of mixed-case letters and digits", "v=STSv1; id=AbC123xYz")
          .ok().codes_are({}).with_id("AbC123xYz"),

      // ---- version -----------------------------------------------------------
      row("version in lower case", "v=stsv1; id=abc")
          .bad().codes_are({"sts.version.invalid"}).at("sts.version.invalid", 1, 1),
      row("leading space before v=", " v=STSv1; id=abc").bad().codes_are({"sts.version.invalid"}),
      row("version STSv2", "v=STSv2; id=abc").bad().codes_are({"sts.version.invalid"}),
      row("V= in upper case", "V=STSv1; id=abc").bad().codes_are({"sts.version.invalid"}),
      row("version with extra characters", "v=STSv1x; id=abc")
          .bad().codes_are({"sts.version.invalid"}),
      row("id before the version", "id=abc; v=STSv1").bad().codes_are({"sts.version.invalid"}),
      row("a TLS-RPT record in the STS slot", "v=TLSRPTv1; rua=mailto:a@example.com")
          .bad().codes_are({"sts.version.invalid"}),
      row("an SPF record in the STS slot", "v=spf1 -all").bad().codes_are({"sts.version.invalid"}),

      // ---- delimiters (erratum 6285) -------------------------------------------
      // The ABNF allows it, but chasquid (and Halon) keep only a record starting "v=STSv1;" (T2).
      row("space before the first semicolon", "v=STSv1 ; id=abc")
          .bad().codes_are({"sts.delimiter.space_before"}).at("sts.delimiter.space_before", 1, 8),
      row("tab before the first semicolon", "v=STSv1\t;id=abc")
          .bad().codes_are({"sts.delimiter.space_before"}).at("sts.delimiter.space_before", 1, 8),
      row("empty field between semicolons", "v=STSv1;; id=abc").bad().codes_are({"sts.field.empty"}),
      row("two trailing semicolons", "v=STSv1; id=abc;;").bad().codes_are({"sts.field.empty"}),
      row("empty field with spaces between semicolons", "v=STSv1; ; id=abc")
          .bad().codes_are({"sts.field.empty"}),

      // ---- id ------------------------------------------------------------------
      row("version only", "v=STSv1").bad().codes_are({"sts.id.missing"}).at("sts.id.missing", 0, 0),
      row("version and a semicolon only", "v=STSv1;").bad().codes_are({"sts.id.missing"}),
      row("id of 33 characters", "v=STSv1; id=" + std::string(33, '1'))
          .bad().codes_are({"sts.id.invalid"}),
      // The finding points at the first character that is not a letter or digit.
      row("id written as a date with hyphens", "v=STSv1; id=2024-01-01")
          .bad().codes_are({"sts.id.invalid"}).at("sts.id.invalid", 1, 17),
      row("id with an underscore", "v=STSv1; id=abc_def").bad().codes_are({"sts.id.invalid"}),
      row("id with a dot", "v=STSv1; id=1.2").bad().codes_are({"sts.id.invalid"}),
      row("id with a colon", "v=STSv1; id=20240101T00:00").bad().codes_are({"sts.id.invalid"}),
      row("id with a plus", "v=STSv1; id=abc+1").bad().codes_are({"sts.id.invalid"}),
      row("empty id", "v=STSv1; id=").bad().codes_are({"sts.id.invalid"}),
      // Outside the ABNF (whitespace only around ';'): mox and postfix-tlspol reject it (T1).
      row("id with trailing whitespace and no semicolon", "v=STSv1; id=abc ")
          .bad().codes_are({"sts.trailing_whitespace"}).at("sts.trailing_whitespace", 1, 16),
      row("extension with trailing whitespace and no semicolon", "v=STSv1; id=abc; x=1\t")
          .bad().codes_are({"sts.extension.unknown", "sts.trailing_whitespace"}).at("sts.trailing_whitespace", 1, 21),
      row("space before =", "v=STSv1; id =abc").bad().codes_are({"sts.field.whitespace"}),
      row("space after =", "v=STSv1; id= abc").bad().codes_are({"sts.field.whitespace"}),
      row("spaces around =", "v=STSv1; id = abc").bad().codes_are({"sts.field.whitespace"}),
      // mox rejects a record with two ids (T4a).
      row("second id", "v=STSv1; id=abc; id=def")
          .bad().codes_are({"sts.id.duplicate"}).at("sts.id.duplicate", 1, 18),
      row("second id with the same value", "v=STSv1; id=abc; id=abc")
          .bad().codes_are({"sts.id.duplicate"}).at("sts.id.duplicate", 1, 18),
      row("id key is case-sensitive", "v=STSv1; ID=abc")
          .bad().codes_are({"sts.id.missing", "sts.extension.unknown"}),

      // ---- extensions ----------------------------------------------------------
      row("unknown field is ignored", "v=STSv1; id=abc; foo=bar")
          .ok().codes_are({"sts.extension.unknown"}).at("sts.extension.unknown", 1, 18)
          .with_id("abc").with_ext({{"foo", "bar"}}),
      row("unknown field before the id", "v=STSv1; foo=bar; id=abc")
          .ok().codes_are({"sts.extension.unknown"}).with_id("abc").with_ext({{"foo", "bar"}}),
      row("two unknown fields kept in order", "v=STSv1; b1=x; id=abc; a-2.z_=y")
          .ok().codes_are({"sts.extension.unknown"}).with_ext({{"b1", "x"}, {"a-2.z_", "y"}}),
      row("extension value with every allowed punctuation",
          "v=STSv1; id=abc; x=!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~")
          .ok().codes_are({"sts.extension.unknown"})
          .with_ext({{"x", "!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~"}}),
      row("extension name of 32 characters", "v=STSv1; id=abc; " + std::string(32, 'n') + "=1")
          .ok().codes_are({"sts.extension.unknown"}),
      row("extension name of 33 characters", "v=STSv1; id=abc; " + std::string(33, 'n') + "=1")
          .bad().codes_are({"sts.field.name_invalid"}),
      row("unknown field but no id", "v=STSv1; foo=bar")
          .bad().codes_are({"sts.id.missing", "sts.extension.unknown"}),
      row("field without =", "v=STSv1; id=abc; foo")
          .bad().codes_are({"sts.field.no_equals"}).at("sts.field.no_equals", 1, 18),
      row("field name starting with a hyphen", "v=STSv1; id=abc; -foo=bar")
          .bad().codes_are({"sts.field.name_invalid"}).at("sts.field.name_invalid", 1, 18),
      row("field name starting with an underscore", "v=STSv1; id=abc; _foo=bar")
          .bad().codes_are({"sts.field.name_invalid"}),
      row("field name with a slash", "v=STSv1; id=abc; a/b=c")
          .bad().codes_are({"sts.field.name_invalid"}),
      row("empty field name", "v=STSv1; id=abc; =bar")
          .bad().codes_are({"sts.field.name_invalid"}),
      row("empty extension value", "v=STSv1; id=abc; foo=")
          .bad().codes_are({"sts.field.value_invalid"}),
      row("extension value containing =", "v=STSv1; id=abc; foo=a=b")
          .bad().codes_are({"sts.field.value_invalid"}),

      // ---- more edges -----------------------------------------------------------
      row("version not followed by a semicolon", "v=STSv1 id=abc")
          .bad().codes_are({"sts.version.invalid"}),
      row("id with a space inside", "v=STSv1; id=abc def")
          .bad().codes_are({"sts.id.invalid"}).at("sts.id.invalid", 1, 16),
      row("extension value with a space inside", "v=STSv1; id=abc; x=a b")
          .bad().codes_are({"sts.field.value_invalid"}).at("sts.field.value_invalid", 1, 21),
      row("compact record without spaces", "v=STSv1;id=abc;x=1;y=2")
          .ok().codes_are({"sts.extension.unknown"}).with_ext({{"x", "1"}, {"y", "2"}}),
      row("an extension repeated: the first occurrence is kept", "v=STSv1; id=abc; x=1; x=2")
          .ok().codes_are({"sts.extension.unknown"}).with_ext({{"x", "1"}}),
      row("a second v= field is just an unknown field", "v=STSv1; id=abc; v=STSv1")
          .ok().codes_are({"sts.extension.unknown"}).with_id("abc"),
      row("whitespace-only record", "  \t ").bad().codes_are({"sts.empty"}),
      row("leading tab before v=", "\tv=STSv1; id=abc").bad().codes_are({"sts.version.invalid"}),
      row("columns after a non-ASCII character count code points",
          "v=STSv1; x=\xc3\xa9; id=abc; foo")
          .bad().codes_are({"sts.character.invalid", "sts.field.no_equals"})
          .at("sts.character.invalid", 1, 12).at("sts.field.no_equals", 1, 23),

      // ---- characters -------------------------------------------------------
      row("record wrapped in quotes", "\"v=STSv1; id=abc\"")
          .bad().codes_are({"sts.quoted"}).at("sts.quoted", 1, 1),
      row("control character", "v=STSv1; id=abc\x01")
          .bad().codes_are({"sts.character.invalid"}).at("sts.character.invalid", 1, 16),
      row("DEL character", "v=STSv1; id=abc\x7f")
          .bad().codes_are({"sts.character.invalid"}).at("sts.character.invalid", 1, 16),
      row("non-ASCII letter", "v=STSv1; id=abc\xc3\xa9")
          .bad().codes_are({"sts.character.invalid"}).at("sts.character.invalid", 1, 16),
      row("empty record", "").bad().codes_are({"sts.empty"}).at("sts.empty", 0, 0),

      // ---- character-strings --------------------------------------------------
      row_strings("one character-string", {"v=STSv1; id=abc"}).ok().codes_are({}).with_id("abc"),
      row_strings("split inside the id value", {"v=STSv1; id=", "abc"})
          .ok().codes_are({"txt.strings.joined"}).with_id("abc"),
      row_strings("split after the delimiter", {"v=STSv1; ", "id=abc"})
          .ok().codes_are({"txt.strings.joined"}).with_id("abc"),
      row_strings("joined without a separator (no space is added)", {"v=STSv1;", "id=abc"})
          .ok().codes_are({"txt.strings.joined"}).with_id("abc"),
      row_strings("split inside the version", {"v=ST", "Sv1; id=abc"})
          .ok().codes_are({"txt.strings.joined"}).with_id("abc"),
      row_strings("an empty second character-string", {"v=STSv1; id=abc", ""})
          .ok().codes_are({"txt.strings.joined"}).with_id("abc"),
      row_strings("no character-strings", {}).bad().codes_are({"sts.empty"}),
      row_strings("columns count in the joined text", {"v=STSv1; id=abc", "\x01"})
          .bad().codes_are({"txt.strings.joined", "sts.character.invalid"})
          .at("sts.character.invalid", 1, 16),
      row_strings("invalid id across two strings", {"v=STSv1; id=", "2024-01"})
          .bad().codes_are({"txt.strings.joined", "sts.id.invalid"})
          .at("sts.id.invalid", 1, 17),
      row_strings("space before the semicolon at a string boundary", {"v=STSv1 ", "; id=abc"})
          .bad().codes_are({"txt.strings.joined", "sts.delimiter.space_before"}),
      row_strings("trailing space in the last string", {"v=STSv1; id=", "abc "})
          .bad().codes_are({"txt.strings.joined", "sts.trailing_whitespace"}).at("sts.trailing_whitespace", 1, 16),
      row_strings("a character-string of 255 bytes",
                  {"v=STSv1; id=abc; x=" + std::string(255 - 19, 'a')})
          .ok().codes_are({"sts.extension.unknown"}),
      row_strings("a character-string of 256 bytes",
                  {"v=STSv1; id=abc; x=" + std::string(256 - 19, 'a')})
          .ok().codes_are({"sts.extension.unknown", "txt.string.too_long"}),
      row_strings("an over-long second string",
                  {"v=STSv1; id=abc; x=", std::string(300, 'a')})
          .ok().codes_are({"txt.strings.joined", "txt.string.too_long",
                           "sts.extension.unknown"}),
  };
  return cases;
}

}  // namespace mtasts_test

TEST_SUITE("sts_record") {
  TEST_CASE("sts record table: validity, exact codes, positions and parsed values") {
    for (const auto& c : mtasts_test::sts_cases()) {
      CAPTURE(c.name);
      INFO("input: " << mtasts_test::printable(c.input));
      const auto r = c.use_strings ? mtasts::lint_sts_record(c.strings)
                                   : mtasts::lint_sts_record(c.input);
      mtasts_test::check_invariants(r.findings, r.valid, r.record.has_value(), 1);
      mtasts_test::check_row(c, r.findings, r.valid);
      if (!r.record) {
        CHECK_FALSE(c.id.has_value());
        continue;
      }
      if (c.id) CHECK(r.record->id == *c.id);
      if (c.extensions) CHECK(r.record->extensions == *c.extensions);
    }
  }

  TEST_CASE("one string and the same text as a one-element list agree") {
    for (const auto& c : mtasts_test::sts_cases()) {
      if (c.use_strings) continue;
      CAPTURE(c.name);
      const auto a = mtasts::lint_sts_record(c.input);
      const auto b = mtasts::lint_sts_record(std::vector<std::string>{c.input});
      CHECK(a.valid == b.valid);
      CHECK(a.findings == b.findings);
      CHECK(a.record == b.record);
    }
  }
}
