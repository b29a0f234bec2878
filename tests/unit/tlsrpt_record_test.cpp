// Tests for lint_tlsrpt_record(): the _smtp._tls TXT record, RFC 8460 §3
// (tlsrpt-record ABNF, URIs from RFC 3986), and TXT character-strings.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mtasts/records.h"
#include "test_support.h"

using mtasts_test::parser_case;
using mtasts_test::row;
using mtasts_test::row_strings;

namespace mtasts_test {

const std::vector<parser_case>& tlsrpt_cases() {
  static const std::vector<parser_case> cases = {
      // ---- well-formed -------------------------------------------------------
      row("mailto destination", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com")
          .ok().codes_are({}).with_rua({"mailto:tlsrpt@example.com"}).with_ext({}),
      row("https destination, no space after the semicolon",
          "v=TLSRPTv1;rua=https://reports.example.com/tlsrpt")
          .ok().codes_are({}).with_rua({"https://reports.example.com/tlsrpt"}),
      row("one trailing semicolon", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com;")
          .ok().codes_are({}).with_rua({"mailto:tlsrpt@example.com"}),
      // Whitespace after the last field without a final ';' is outside the ABNF: the record is invalid.
      row("trailing space and no semicolon", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com \t")
          .bad().codes_are({"tlsrpt.trailing_whitespace"}).at("tlsrpt.trailing_whitespace", 1, 42),
      row("trailing space after an extension (mox rejects it)", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com; x=1 ")
          .bad().codes_are({"tlsrpt.extension.unknown", "tlsrpt.trailing_whitespace"})
          .at("tlsrpt.trailing_whitespace", 1, 47),
      row("trailing semicolon and space", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com; ")
          .ok().codes_are({}),
      row("scheme in upper case (RFC 3986 schemes are case-insensitive)",
          "v=TLSRPTv1; rua=MAILTO:tlsrpt@example.com")
          .ok().codes_are({}).with_rua({"MAILTO:tlsrpt@example.com"}),
      row("https scheme in mixed case", "v=TLSRPTv1; rua=Https://reports.example.com/t")
          .ok().codes_are({}),
      row("query with = inside the URI", "v=TLSRPTv1; rua=https://reports.example.com/t?a=b&c=d")
          .ok().codes_are({}).with_rua({"https://reports.example.com/t?a=b&c=d"}),
      row("mailto with a query", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com?subject=tls")
          .ok().codes_are({}),
      row("percent-encoded ! in a URI", "v=TLSRPTv1; rua=mailto:tls%21rpt@example.com")
          .ok().codes_are({}).with_rua({"mailto:tls%21rpt@example.com"}),
      row("percent-encoded comma and semicolon", "v=TLSRPTv1; rua=https://r.example.com/a%2Cb%3Bc")
          .ok().codes_are({}),
      row("https with a port and path", "v=TLSRPTv1; rua=https://r.example.com:8443/tls/rpt")
          .ok().codes_are({}),

      // ---- several URIs ----------------------------------------------------------
      row("two URIs separated by a comma",
          "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com")
          .ok().codes_are({"tlsrpt.rua.multiple"})
          .with_rua({"mailto:a@example.com", "mailto:b@example.com"}),
      // The ABNF allows whitespace after a comma; Postfix's tlsrpt-reporter then sends no report at all.
      row("whitespace around the comma",
          "v=TLSRPTv1; rua=mailto:a@example.com , https://reports.example.com/t")
          .bad().codes_are({"tlsrpt.rua.whitespace", "tlsrpt.rua.multiple"}).at("tlsrpt.rua.whitespace", 1, 39),
      row("tabs around the comma", "v=TLSRPTv1; rua=mailto:a@example.com\t,\tmailto:b@example.com")
          .bad().codes_are({"tlsrpt.rua.whitespace", "tlsrpt.rua.multiple"}).at("tlsrpt.rua.whitespace", 1, 39),
      row("whitespace before the comma only", "v=TLSRPTv1; rua=mailto:a@example.com ,mailto:b@example.com")
          .ok().codes_are({"tlsrpt.rua.multiple"}).with_rua({"mailto:a@example.com", "mailto:b@example.com"}),
      row("three URIs, a space after the second comma: one finding",
          "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com, https://c.example.com/r, mailto:d@example.com")
          .bad().codes_are({"tlsrpt.rua.whitespace", "tlsrpt.rua.multiple"}).at("tlsrpt.rua.whitespace", 1, 59),
      row("three URIs", "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com,https://c.example.com/r")
          .ok().codes_are({"tlsrpt.rua.multiple"})
          .with_rua({"mailto:a@example.com", "mailto:b@example.com", "https://c.example.com/r"}),

      // ---- version and delimiters ------------------------------------------
      row("version in lower case", "v=tlsrptv1; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.version.invalid"}).at("tlsrpt.version.invalid", 1, 1),
      row("leading space before v=", " v=TLSRPTv1; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.version.invalid"}),
      row("version TLSRPTv2", "v=TLSRPTv2; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.version.invalid"}),
      row("an STS record in the TLS-RPT slot", "v=STSv1; id=abc")
          .bad().codes_are({"tlsrpt.version.invalid"}),
      row("rua before the version", "rua=mailto:a@example.com; v=TLSRPTv1")
          .bad().codes_are({"tlsrpt.version.invalid"}),
      // Postfix accepts it; its tlsrpt-reporter requires "v=TLSRPTv1;" and sends no report.
      row("space before the first semicolon", "v=TLSRPTv1 ; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.delimiter.space_before"}).at("tlsrpt.delimiter.space_before", 1, 11),
      row("empty field", "v=TLSRPTv1;; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.field.empty"}),
      row("two trailing semicolons", "v=TLSRPTv1; rua=mailto:a@example.com;;")
          .bad().codes_are({"tlsrpt.field.empty"}),
      row("space before =", "v=TLSRPTv1; rua =mailto:a@example.com")
          .bad().codes_are({"tlsrpt.field.whitespace"}),
      row("space after =", "v=TLSRPTv1; rua= mailto:a@example.com")
          .bad().codes_are({"tlsrpt.field.whitespace"}),
      row("field without =", "v=TLSRPTv1; rua=mailto:a@example.com; foo")
          .bad().codes_are({"tlsrpt.field.no_equals"}).at("tlsrpt.field.no_equals", 1, 39),
      row("field name starting with a hyphen", "v=TLSRPTv1; rua=mailto:a@example.com; -x=1")
          .bad().codes_are({"tlsrpt.field.name_invalid"}),
      row("field name of 33 characters",
          "v=TLSRPTv1; rua=mailto:a@example.com; " + std::string(33, 'n') + "=1")
          .bad().codes_are({"tlsrpt.field.name_invalid"}),
      row("empty extension value", "v=TLSRPTv1; rua=mailto:a@example.com; x=")
          .bad().codes_are({"tlsrpt.field.value_invalid"}),
      row("extension value containing =", "v=TLSRPTv1; rua=mailto:a@example.com; x=a=b")
          .bad().codes_are({"tlsrpt.field.value_invalid"}),
      row("unknown field is ignored", "v=TLSRPTv1; rua=mailto:a@example.com; foo=bar")
          .ok().codes_are({"tlsrpt.extension.unknown"}).at("tlsrpt.extension.unknown", 1, 39)
          .with_ext({{"foo", "bar"}}).with_rua({"mailto:a@example.com"}),
      // RFC 8460 allows any order; Postfix's tlsrpt-reporter reads rua only right after the version.
      row("unknown field before rua", "v=TLSRPTv1; x-1=y; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.extension.unknown", "tlsrpt.rua.not_first"}).at("tlsrpt.rua.not_first", 1, 20),
      row("a second version field before rua", "v=TLSRPTv1; v=TLSRPTv1; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.extension.unknown", "tlsrpt.rua.not_first"}),
      row("a broken field before rua is its own error", "v=TLSRPTv1; x; rua=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.field.no_equals"}),
      row("rua key is case-sensitive", "v=TLSRPTv1; RUA=mailto:a@example.com")
          .bad().codes_are({"tlsrpt.rua.missing", "tlsrpt.extension.unknown"}),

      // ---- rua -------------------------------------------------------------------
      row("version only", "v=TLSRPTv1")
          .bad().codes_are({"tlsrpt.rua.missing"}).at("tlsrpt.rua.missing", 0, 0),
      row("version and semicolon only", "v=TLSRPTv1;").bad().codes_are({"tlsrpt.rua.missing"}),
      row("empty rua", "v=TLSRPTv1; rua=").bad().codes_are({"tlsrpt.rua.empty"}),
      row("second rua field: first wins",
          "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com")
          .ok().codes_are({"tlsrpt.rua.duplicate"}).at("tlsrpt.rua.duplicate", 1, 39)
          .with_rua({"mailto:a@example.com"}),
      row("DMARC-style size suffix", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com!10m")
          .bad().codes_are({"tlsrpt.rua.size_suffix"}),
      row("DMARC-style size suffix in kilobytes", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com!50k")
          .bad().codes_are({"tlsrpt.rua.size_suffix"}),
      row("unencoded ! in the local part", "v=TLSRPTv1; rua=mailto:tls!rpt@example.com")
          .bad().codes_are({"tlsrpt.rua.unencoded"}),
      row("unencoded ! in an https path", "v=TLSRPTv1; rua=https://r.example.com/a!b/c")
          .bad().codes_are({"tlsrpt.rua.unencoded"}),
      row("http is not a TLS-RPT scheme", "v=TLSRPTv1; rua=http://reports.example.com/t")
          .bad().codes_are({"tlsrpt.rua.scheme", "tlsrpt.rua.none_usable"}),
      row("ftp is not a TLS-RPT scheme", "v=TLSRPTv1; rua=ftp://reports.example.com/t")
          .bad().codes_are({"tlsrpt.rua.scheme", "tlsrpt.rua.none_usable"}),
      // Another scheme: tlsrpt-reporter drops every destination, Stalwart this one and all after it.
      row("one usable URI next to an unusable scheme",
          "v=TLSRPTv1; rua=mailto:a@example.com,http://reports.example.com/t")
          .bad().codes_are({"tlsrpt.rua.scheme", "tlsrpt.rua.multiple"}).at("tlsrpt.rua.scheme", 1, 38),
      // A mailto: without an address or an https: without a host has nowhere to deliver.
      row("mailto without @", "v=TLSRPTv1; rua=mailto:tlsrpt")
          .bad().codes_are({"tlsrpt.rua.mailto_no_at", "tlsrpt.rua.none_usable"}).at("tlsrpt.rua.mailto_no_at", 1, 24),
      row("mailto with no address at all", "v=TLSRPTv1; rua=mailto:")
          .bad().codes_are({"tlsrpt.rua.mailto_no_at", "tlsrpt.rua.none_usable"}),
      row("mailto with a domain only", "v=TLSRPTv1; rua=mailto:example.com")
          .bad().codes_are({"tlsrpt.rua.mailto_no_at", "tlsrpt.rua.none_usable"}),
      row("mailto with an empty domain", "v=TLSRPTv1; rua=mailto:tlsrpt@")
          .bad().codes_are({"tlsrpt.rua.mailto_no_at", "tlsrpt.rua.none_usable"}),
      row("mailto without an address but with a query", "v=TLSRPTv1; rua=mailto:?subject=x")
          .bad().codes_are({"tlsrpt.rua.mailto_no_at", "tlsrpt.rua.none_usable"}),
      row("a mailto without @ next to a usable URI: reports still go to the usable one",
          "v=TLSRPTv1; rua=mailto:tlsrpt,mailto:a@example.com")
          .ok().codes_are({"tlsrpt.rua.mailto_no_at", "tlsrpt.rua.multiple"})
          .with_rua({"mailto:tlsrpt", "mailto:a@example.com"}),
      row("https with an empty host", "v=TLSRPTv1; rua=https:///tlsrpt")
          .bad().codes_are({"tlsrpt.rua.https_no_host", "tlsrpt.rua.none_usable"}),
      row("https without an authority", "v=TLSRPTv1; rua=https:reports")
          .bad().codes_are({"tlsrpt.rua.https_no_host", "tlsrpt.rua.none_usable"}),
      row("an https without a host next to a usable URI",
          "v=TLSRPTv1; rua=https://,mailto:a@example.com")
          .ok().codes_are({"tlsrpt.rua.https_no_host", "tlsrpt.rua.multiple"}),
      // The broken URI is the finding; none_usable is kept for well-formed URIs of other schemes.
      row("address without a scheme", "v=TLSRPTv1; rua=tlsrpt@example.com")
          .bad().codes_are({"tlsrpt.rua.invalid"}),
      row("address without a scheme next to a good URI",
          "v=TLSRPTv1; rua=mailto:a@example.com,tlsrpt@example.com")
          .bad().codes_are({"tlsrpt.rua.invalid", "tlsrpt.rua.multiple"}),
      row("malformed percent-encoding next to a good URI",
          "v=TLSRPTv1; rua=https://r.example.com/t,mailto:a%zz@example.com")
          .bad().codes_are({"tlsrpt.rua.invalid", "tlsrpt.rua.multiple"}),
      row("URI with a bracket in the path next to a good URI",
          "v=TLSRPTv1; rua=https://r.example.com/t,https://r.example.com/a{b}")
          .bad().codes_are({"tlsrpt.rua.invalid", "tlsrpt.rua.multiple"}),

      // ---- more edges -----------------------------------------------------------
      row("URIs separated by a space instead of a comma",
          "v=TLSRPTv1; rua=mailto:a@example.com mailto:b@example.com")
          .bad().codes_are({"tlsrpt.rua.invalid"}),
      row("a trailing comma leaves an empty entry, which is not a second URI",
          "v=TLSRPTv1; rua=mailto:a@example.com,")
          .bad().codes_are({"tlsrpt.rua.invalid"}),
      row("unencoded ! followed by digits inside a path",
          "v=TLSRPTv1; rua=https://r.example.com/x!10/y")
          .bad().codes_are({"tlsrpt.rua.unencoded"}),
      row("a lone ! at the end", "v=TLSRPTv1; rua=mailto:a@example.com!")
          .bad().codes_are({"tlsrpt.rua.unencoded"}),
      row("percent-encoding cut short", "v=TLSRPTv1; rua=https://r.example.com/%4")
          .bad().codes_are({"tlsrpt.rua.invalid"}),
      row("https with nothing after the scheme", "v=TLSRPTv1; rua=https://")
          .bad().codes_are({"tlsrpt.rua.https_no_host", "tlsrpt.rua.none_usable"}),
      row("an extension repeated: the first occurrence is kept",
          "v=TLSRPTv1; rua=mailto:a@example.com; x=1; x=2")
          .ok().codes_are({"tlsrpt.extension.unknown"}).with_ext({{"x", "1"}}),
      row("DMARC's ruf is an unknown field here",
          "v=TLSRPTv1;rua=mailto:a@example.com;ruf=mailto:b@example.com")
          .ok().codes_are({"tlsrpt.extension.unknown"})
          .with_ext({{"ruf", "mailto:b@example.com"}}),
      row("whitespace-only record", "\t \t").bad().codes_are({"tlsrpt.empty"}),
      row("a double quote inside a URI", "v=TLSRPTv1; rua=https://r.example.com/a\"b")
          .bad().codes_are({"tlsrpt.rua.invalid"}),
      row("an address in angle brackets", "v=TLSRPTv1; rua=mailto:<tlsrpt@example.com>")
          .bad().codes_are({"tlsrpt.rua.invalid"}),

      // ---- characters ---------------------------------------------------------------
      row("record wrapped in quotes", "\"v=TLSRPTv1; rua=mailto:a@example.com\"")
          .bad().codes_are({"tlsrpt.quoted"}).at("tlsrpt.quoted", 1, 1),
      row("non-ASCII letter in a URI", "v=TLSRPTv1; rua=mailto:\xc3\xa4@example.com")
          .bad().codes_are({"tlsrpt.character.invalid"}).at("tlsrpt.character.invalid", 1, 24),
      row("control character", "v=TLSRPTv1; rua=mailto:a@example.com\x02")
          .bad().codes_are({"tlsrpt.character.invalid"}).at("tlsrpt.character.invalid", 1, 37),
      row("empty record", "").bad().codes_are({"tlsrpt.empty"}).at("tlsrpt.empty", 0, 0),

      // ---- character-strings ------------------------------------------------------
      row_strings("one character-string", {"v=TLSRPTv1; rua=mailto:a@example.com"})
          .ok().codes_are({}).with_rua({"mailto:a@example.com"}),
      row_strings("split inside the URI", {"v=TLSRPTv1; rua=mailto:", "tlsrpt@example.com"})
          .ok().codes_are({"txt.strings.joined"}).with_rua({"mailto:tlsrpt@example.com"}),
      row_strings("split after the semicolon", {"v=TLSRPTv1;", "rua=mailto:a@example.com"})
          .ok().codes_are({"txt.strings.joined"}).with_rua({"mailto:a@example.com"}),
      row_strings("no character-strings", {}).bad().codes_are({"tlsrpt.empty"}),
      row_strings("a character-string over 255 bytes",
                  {"v=TLSRPTv1; rua=https://reports.example.com/" + std::string(250, 'a')})
          .ok().codes_are({"txt.string.too_long"}),
      row_strings("columns count in the joined text",
                  {"v=TLSRPTv1; rua=mailto:", "\xc3\xa4@example.com"})
          .bad().codes_are({"txt.strings.joined", "tlsrpt.character.invalid"})
          .at("tlsrpt.character.invalid", 1, 24),
  };
  return cases;
}

}  // namespace mtasts_test

TEST_SUITE("tlsrpt_record") {
  TEST_CASE("tlsrpt record table: validity, exact codes, positions and parsed values") {
    for (const auto& c : mtasts_test::tlsrpt_cases()) {
      CAPTURE(c.name);
      INFO("input: " << mtasts_test::printable(c.input));
      const auto r = c.use_strings ? mtasts::lint_tlsrpt_record(c.strings)
                                   : mtasts::lint_tlsrpt_record(c.input);
      mtasts_test::check_invariants(r.findings, r.valid, r.record.has_value(), 1);
      mtasts_test::check_row(c, r.findings, r.valid);
      if (!r.record) {
        CHECK_FALSE(c.rua.has_value());
        continue;
      }
      CHECK_FALSE(r.record->rua.empty());
      if (c.rua) CHECK(r.record->rua == *c.rua);
      if (c.extensions) CHECK(r.record->extensions == *c.extensions);
    }
  }

  TEST_CASE("one string and the same text as a one-element list agree") {
    for (const auto& c : mtasts_test::tlsrpt_cases()) {
      if (c.use_strings) continue;
      CAPTURE(c.name);
      const auto a = mtasts::lint_tlsrpt_record(c.input);
      const auto b = mtasts::lint_tlsrpt_record(std::vector<std::string>{c.input});
      CHECK(a.valid == b.valid);
      CHECK(a.findings == b.findings);
      CHECK(a.record == b.record);
    }
  }
}
