// Tests for lint_policy(): RFC 8461 §3.2 (ABNF), §3.3 (size), §8.3, §10.2, §10.4.
//
// Each row of the table is one policy body, the exact set of finding codes it
// must produce, its validity, the positions of the findings that matter and
// what a sender takes from it. Written from the RFC, not from the code.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mtasts/policy.h"
#include "test_support.h"

using namespace std::string_literals;
using mtasts::policy_mode;
using mtasts_test::parser_case;
using mtasts_test::row;

namespace {

// Lines: 1 version, 2 mode, 3 mx, 4 max_age.
const std::string kEnforce =
    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";

/** The enforce policy with its mx value (line 3, value at column 5) replaced. */
std::string with_mx(const std::string& mx) {
  return "version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 604800\n";
}

/** The enforce policy with its mode value (line 2, value at column 7) replaced. */
std::string with_mode(const std::string& mode) {
  return "version: STSv1\nmode: " + mode + "\nmx: mail.example.com\nmax_age: 604800\n";
}

/** A policy with that mode and max_age value (line 4, value at column 10). */
std::string with_age(const std::string& mode, const std::string& age) {
  return "version: STSv1\nmode: " + mode + "\nmx: mail.example.com\nmax_age: " + age + "\n";
}

/** The enforce policy with its version value (line 1, value at column 10) replaced. */
std::string with_version(const std::string& v) {
  return "version: " + v + "\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";
}

/** The enforce policy plus one extra line 5. */
std::string plus(const std::string& line5) { return kEnforce + line5; }

/** The enforce policy plus a `comment:` line, `total` bytes long in all. */
std::string sized(std::size_t total) {
  const std::size_t fixed = kEnforce.size() + std::string("comment: \n").size();
  return kEnforce + "comment: " + std::string(total - fixed, 'x') + "\n";
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::vector<std::string> kMx{"mail.example.com"};

}  // namespace

namespace mtasts_test {

const std::vector<parser_case>& policy_cases() {
  static const std::vector<parser_case> cases = {
      // ---- well-formed policies ------------------------------------------
      row("minimal enforce policy with LF endings", kEnforce)
          .ok().codes_are({})
          .with_mode(policy_mode::enforce).with_mx(kMx).with_max_age(604800).with_ext({}),
      row("CRLF line endings",
          "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n")
          .ok().codes_are({})
          .with_mode(policy_mode::enforce).with_mx(kMx).with_max_age(604800),
      row("no final line ending (it is optional)",
          "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800")
          .ok().codes_are({}).with_max_age(604800),
      row("no final line ending with CRLF",
          "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800")
          .ok().codes_are({}).with_max_age(604800),
      row("fields in another order, version still first",
          "version: STSv1\nmx: mail.example.com\nmax_age: 604800\nmode: enforce\n")
          .ok().codes_are({}).with_mode(policy_mode::enforce).with_mx(kMx),
      row("several mx lines are kept in order",
          "version: STSv1\nmode: enforce\nmx: mx2.example.net\nmx: mx1.example.net\n"
          "mx: backup.example.org\nmax_age: 604800\n")
          .ok().codes_are({})
          .with_mx({"mx2.example.net", "mx1.example.net", "backup.example.org"}),
      row("mx in upper case is a valid Domain and kept as written", with_mx("MAIL.Example.COM"))
          .ok().codes_are({}).with_mx({"MAIL.Example.COM"}),
      row("single-label mx is a valid RFC 5321 Domain", with_mx("localhost"))
          .ok().codes_are({}).with_mx({"localhost"}),
      row("mx labels with digits and inner hyphens", with_mx("mx-1.0mail.example-host.com"))
          .ok().codes_are({}).with_mx({"mx-1.0mail.example-host.com"}),
      row("mx label starting with a digit", with_mx("1mx.example.com"))
          .ok().codes_are({}),
      row("A-label (punycode) mx", with_mx("xn--mller-kva.example.com"))
          .ok().codes_are({}).with_mx({"xn--mller-kva.example.com"}),
      row("numeric labels that are not a dotted quad", with_mx("10.0.0.1.example.com"))
          .ok().codes_are({}),
      row("no whitespace after the colon",
          "version:STSv1\nmode:enforce\nmx:mail.example.com\nmax_age:604800\n")
          .ok().codes_are({})
          .with_mode(policy_mode::enforce).with_mx(kMx).with_max_age(604800),
      row("tabs and spaces after the colon",
          "version:\tSTSv1\nmode: \t enforce\nmx:\t\tmail.example.com\nmax_age:    604800\n")
          .ok().codes_are({})
          .with_mode(policy_mode::enforce).with_mx(kMx).with_max_age(604800),
      row("trailing whitespace after values is allowed",
          "version: STSv1 \nmode: enforce\t\nmx: mail.example.com  \nmax_age: 604800 \t\n")
          .ok().codes_are({})
          .with_mode(policy_mode::enforce).with_mx(kMx).with_max_age(604800),
      row("trailing whitespace on the last line without a line ending",
          "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800   ")
          .ok().codes_are({}).with_max_age(604800),
      row("max_age at the RFC limit 31557600", with_age("enforce", "31557600"))
          .ok().codes_are({}).with_max_age(31557600),
      row("max_age of two weeks", with_age("enforce", "1209600"))
          .ok().codes_are({}).with_max_age(1209600),

      // ---- mode ----------------------------------------------------------
      row("mode testing is reported as not enforced", with_mode("testing"))
          .ok().codes_are({"policy.mode.testing"})
          .with_mode(policy_mode::testing).with_mx(kMx),
      // RFC 8461 allows it; Stalwart and chasquid reject it and keep their cached policy (D14a).
      row("mode none without an mx line", "version: STSv1\nmode: none\nmax_age: 86400\n")
          .bad().codes_are({"policy.mode.none", "policy.mode.none_without_mx"})
          .at("policy.mode.none_without_mx", 2, 1),
      row("mode none with its mx line misspelt",
          "version: STSv1\nmode: none\nMX: mail.example.com\nmax_age: 86400\n")
          .bad().codes_are({"policy.key.typo", "policy.mode.none", "policy.mode.none_without_mx"}),
      row("mode None (invalid) without mx: only the mode is wrong",
          "version: STSv1\nmode: None\nmax_age: 86400\n")
          .bad().codes_are({"policy.mode.invalid"}),
      row("mode none keeps its mx lines",
          "version: STSv1\nmode: none\nmx: mail.example.com\nmax_age: 86400\n")
          .ok().codes_are({"policy.mode.none"})
          .with_mode(policy_mode::none).with_mx(kMx),
      row("mode none with max_age just over a day", with_age("none", "86401"))
          .ok().codes_are({"policy.mode.none", "policy.mode.none_long_max_age"})
          .with_max_age(86401),
      row("mode none with max_age of a week", with_age("none", "604800"))
          .ok().codes_are({"policy.mode.none", "policy.mode.none_long_max_age"}),
      row("mode none with a short max_age gets no under_day", with_age("none", "3600"))
          .ok().codes_are({"policy.mode.none"}).with_max_age(3600),
      row("mode Enforce: the value is case-sensitive", with_mode("Enforce"))
          .bad().codes_are({"policy.mode.invalid"}).at("policy.mode.invalid", 2, 7),
      row("mode ENFORCE", with_mode("ENFORCE")).bad().codes_are({"policy.mode.invalid"}),
      row("mode Testing", with_mode("Testing")).bad().codes_are({"policy.mode.invalid"}),
      row("mode enforced", with_mode("enforced")).bad().codes_are({"policy.mode.invalid"}),
      row("mode with trailing junk", with_mode("enforce;"))
          .bad().codes_are({"policy.mode.invalid"}),
      row("mode with two values", with_mode("enforce testing"))
          .bad().codes_are({"policy.mode.invalid"}),
      row("mode with an empty value", with_mode("")).bad().codes_are({"policy.mode.invalid"}),
      row("mode missing", "version: STSv1\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.mode.missing"}).at("policy.mode.missing", 0, 0),

      // ---- version ------------------------------------------------------
      row("version missing", "mode: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.version.missing"}).at("policy.version.missing", 0, 0),
      row("version stsv1: the value is case-sensitive", with_version("stsv1"))
          .bad().codes_are({"policy.version.invalid"}).at("policy.version.invalid", 1, 10),
      row("version STSv2", with_version("STSv2")).bad().codes_are({"policy.version.invalid"}),
      row("version STSv1.0", with_version("STSv1.0"))
          .bad().codes_are({"policy.version.invalid"}),
      row("version with an empty value", with_version(""))
          .bad().codes_are({"policy.version.invalid"}),
      row("version on the second line",
          "mode: enforce\nversion: STSv1\nmx: mail.example.com\nmax_age: 604800\n")
          .ok().codes_are({"policy.version.not_first"})
          .at("policy.version.not_first", 2, 1).with_mode(policy_mode::enforce),
      row("version on the last line",
          "mode: enforce\nmx: mail.example.com\nmax_age: 604800\nversion: STSv1")
          .ok().codes_are({"policy.version.not_first"}).at("policy.version.not_first", 4, 1),

      // ---- max_age ------------------------------------------------------
      row("max_age missing", "version: STSv1\nmode: enforce\nmx: mail.example.com\n")
          .bad().codes_are({"policy.max_age.missing"}).at("policy.max_age.missing", 0, 0),
      row("max_age not a number", with_age("enforce", "abc"))
          .bad().codes_are({"policy.max_age.invalid"}).at("policy.max_age.invalid", 4, 10),
      row("max_age negative", with_age("enforce", "-1"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age with a plus sign", with_age("enforce", "+604800"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age with a decimal point", with_age("enforce", "604800.0"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age with a space inside", with_age("enforce", "604 800"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age in exponent notation", with_age("enforce", "1e6"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age in hex", with_age("enforce", "0x93A80"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age with a unit", with_age("enforce", "604800 seconds"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age with an empty value", with_age("enforce", ""))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age in non-ASCII digits", with_age("enforce", "\xd9\xa1\xd9\xa2\xd9\xa3"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age of 11 digits breaks the 1*10DIGIT rule", with_age("enforce", "60480000000"))
          .bad().codes_are({"policy.max_age.invalid"}),
      row("max_age one over the limit", with_age("enforce", "31557601"))
          .bad().codes_are({"policy.max_age.too_large"}).at("policy.max_age.too_large", 4, 10),
      row("max_age of ten nines", with_age("enforce", "9999999999"))
          .bad().codes_are({"policy.max_age.too_large"}),
      row("max_age with a leading zero", with_age("enforce", "0604800"))
          .ok().codes_are({"policy.max_age.leading_zero"})
          .at("policy.max_age.leading_zero", 4, 10).with_max_age(604800),
      row("max_age of ten digits with leading zeros", with_age("enforce", "0000604800"))
          .ok().codes_are({"policy.max_age.leading_zero"}).with_max_age(604800),
      row("max_age 0 in enforce", with_age("enforce", "0"))
          .ok().codes_are({"policy.max_age.under_day"}).with_max_age(0),
      row("max_age one second under a day in enforce", with_age("enforce", "86399"))
          .ok().codes_are({"policy.max_age.under_day"}).with_max_age(86399),
      row("max_age of exactly a day in enforce", with_age("enforce", "86400"))
          .ok().codes_are({"policy.max_age.under_week"}).with_max_age(86400),
      row("max_age one second under a week in enforce", with_age("enforce", "604799"))
          .ok().codes_are({"policy.max_age.under_week"}),
      row("max_age of an hour in testing", with_age("testing", "3600"))
          .ok().codes_are({"policy.mode.testing", "policy.max_age.under_day"}),
      row("max_age of a day in testing: under a week too (it carries over to enforce)",
          with_age("testing", "86400"))
          .ok().codes_are({"policy.mode.testing", "policy.max_age.under_week"}),
      row("max_age with leading zeros in testing", with_age("testing", "00086400"))
          .ok().codes_are({"policy.mode.testing", "policy.max_age.leading_zero", "policy.max_age.under_week"})
          .with_max_age(86400),

      // ---- repeated fields: KumoMTA rejects a second version/mode/max_age (D10) ----
      row("mode repeated with another value", plus("mode: testing\n"))
          .bad().codes_are({"policy.field.duplicate"}).at("policy.field.duplicate", 5, 1),
      row("mode testing first, enforce second: the first is the one advised on",
          with_mode("testing") + "mode: enforce\n")
          .bad().codes_are({"policy.mode.testing", "policy.field.duplicate"}),
      row("mode repeated with the same value", plus("mode: enforce\n"))
          .bad().codes_are({"policy.field.repeated"}).at("policy.field.repeated", 5, 1),
      row("max_age repeated with another value", plus("max_age: 86400\n"))
          .bad().codes_are({"policy.field.duplicate"}),
      row("max_age repeated with the same value", plus("max_age: 604800\n"))
          .bad().codes_are({"policy.field.repeated"}),
      row("version repeated", plus("version: STSv1\n"))
          .bad().codes_are({"policy.field.repeated"}),
      row("mx repeated exactly is kept once", plus("mx: mail.example.com\n"))
          .ok().codes_are({"policy.mx.duplicate"}).with_mx(kMx),
      row("mx repeated three times is kept once",
          plus("mx: mail.example.com\nmx: mx2.example.com\nmx: mail.example.com\n"))
          .ok().codes_are({"policy.mx.duplicate"})
          .with_mx({"mail.example.com", "mx2.example.com"}),

      // ---- typos of known keys (keys are case-sensitive) --------------------
      row("max-age instead of max_age",
          "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax-age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.max_age.missing"})
          .at("policy.key.typo", 4, 1).at("policy.max_age.missing", 0, 0),
      row("maxage instead of max_age",
          "version: STSv1\nmode: enforce\nmx: mail.example.com\nmaxage: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.max_age.missing"}),
      row("MAX_AGE in upper case",
          "version: STSv1\nmode: enforce\nmx: mail.example.com\nMAX_AGE: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.max_age.missing"}),
      row("Mode with a capital",
          "version: STSv1\nMode: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.mode.missing"})
          .at("policy.key.typo", 2, 1),
      row("mdoe (transposed letters)",
          "version: STSv1\nmdoe: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.mode.missing"}),
      row("MX in upper case",
          "version: STSv1\nmode: enforce\nMX: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.mx.missing"})
          .at("policy.key.typo", 3, 1),
      row("nmx instead of mx",
          "version: STSv1\nmode: enforce\nnmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.mx.missing"}),
      row("verison instead of version",
          "verison: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.version.missing"})
          .at("policy.key.typo", 1, 1),
      row("Version with a capital",
          "Version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.typo", "policy.version.missing"}),

      // ---- extension fields -------------------------------------------------
      row("unknown field is ignored", plus("comment: hosted by example  \n"))
          .ok().codes_are({"policy.extension.unknown"})
          .at("policy.extension.unknown", 5, 1)
          .with_ext({{"comment", "hosted by example"}}).with_mode(policy_mode::enforce),
      row("extension value with UTF-8", plus("comment: caf\xc3\xa9 \xe2\x9c\x93\n"))
          .ok().codes_are({"policy.extension.unknown"})
          .with_ext({{"comment", "caf\xc3\xa9 \xe2\x9c\x93"}}),
      // The grammar allows ':' in a value; go-mtasts (maddy) rejects a line with two colons (D12d).
      row("extension value containing a colon", plus("url: https://example.com/x\n"))
          .bad().codes_are({"policy.extension.unknown", "policy.value.colon"})
          .at("policy.value.colon", 5, 11),
      row("a misspelt key whose value holds a colon", plus("Mx: mail.example.com:25\n"))
          .bad().codes_are({"policy.key.typo", "policy.value.colon"}).at("policy.value.colon", 5, 21),
      row("an mx value with a colon is an invalid mx, said once", with_mx("mail.example.com:25"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("two extensions kept in order", plus("a1: x\nb2: y z\n"))
          .ok().codes_are({"policy.extension.unknown"})
          .with_ext({{"a1", "x"}, {"b2", "y z"}}),
      row("extension name with _ - . after the first character", plus("x_y-z.w: 1\n"))
          .ok().codes_are({"policy.extension.unknown"}).with_ext({{"x_y-z.w", "1"}}),
      row("extension name of 32 characters", plus(std::string(32, 'k') + ": v\n"))
          .ok().codes_are({"policy.extension.unknown"}),
      row("extension name of 33 characters", plus(std::string(33, 'k') + ": v\n"))
          .bad().codes_are({"policy.key.invalid"}),
      row("key starting with a hyphen", plus("-foo: bar\n"))
          .bad().codes_are({"policy.key.invalid"}).at("policy.key.invalid", 5, 1),
      row("key starting with an underscore", plus("_foo: bar\n"))
          .bad().codes_are({"policy.key.invalid"}),
      row("key with a space inside", plus("foo bar: baz\n"))
          .bad().codes_are({"policy.key.invalid"}),
      row("key with non-ASCII letters", plus("m\xc3\xb6" "de: x\n"))
          .bad().codes_are({"policy.key.invalid"}),
      // mox and postfix-tlspol reject an empty or control-holding extension value (D12b, D12c).
      row("extension with an empty value", plus("comment:\n"))
          .bad().codes_are({"policy.extension.unknown", "policy.extension.value_invalid"})
          .at("policy.extension.value_invalid", 5, 9),
      row("extension with only spaces as its value", plus("comment:   \n"))
          .bad().codes_are({"policy.extension.unknown", "policy.extension.value_invalid"}),

      // ---- line structure -----------------------------------------------------
      // ---- line structure: outside the grammar, and strict senders reject it (D1-D6) ----
      row("UTF-8 byte order mark", "\xef\xbb\xbf" + kEnforce)
          .bad().codes_are({"policy.bom"}).at("policy.bom", 1, 1),
      row("UTF-8 byte order mark before a CRLF policy",
          "\xef\xbb\xbfversion: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n")
          .bad().codes_are({"policy.bom", "policy.mode.testing"}).at("policy.bom", 1, 1),
      row("blank line between fields",
          "version: STSv1\nmode: enforce\n\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.blank"}).at("policy.line.blank", 3, 1),
      row("blank line before the first field", "\n" + kEnforce)
          .bad().codes_are({"policy.line.blank"}).at("policy.line.blank", 1, 1),
      row("blank CRLF line between fields",
          "version: STSv1\r\nmode: enforce\r\n\r\nmx: mail.example.com\r\nmax_age: 604800\r\n")
          .bad().codes_are({"policy.line.blank"}).at("policy.line.blank", 3, 1),
      row("a line of spaces between fields",
          "version: STSv1\nmode: enforce\n   \nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.blank"}).at("policy.line.blank", 3, 1),
      row("one blank line at the end (two line endings)", kEnforce + "\n")
          .bad().codes_are({"policy.line.trailing_blank"}).at("policy.line.trailing_blank", 5, 1),
      row("two CRLF at the end",
          "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n\r\n")
          .bad().codes_are({"policy.line.trailing_blank"}).at("policy.line.trailing_blank", 5, 1),
      row("three blank lines at the end: one finding", kEnforce + "\n\n\n")
          .bad().codes_are({"policy.line.trailing_blank"}).at("policy.line.trailing_blank", 5, 1),
      row("a line of spaces after the last field", kEnforce + "  ")
          .bad().codes_are({"policy.line.trailing_blank"}).at("policy.line.trailing_blank", 5, 1),
      row("leading space on a line",
          "version: STSv1\n mode: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.leading_whitespace"}).at("policy.line.leading_whitespace", 2, 1),
      row("leading tab on a line",
          "version: STSv1\nmode: enforce\n\tmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.leading_whitespace"}).at("policy.line.leading_whitespace", 3, 1),
      // Real policies indent every line (a template's indentation): one finding, at the first.
      row("every line indented: one finding at the first indented line",
          "version: STSv1\n      mode: testing\n      mx: mail.example.com\n      max_age: 604800\n")
          .bad().codes_are({"policy.line.leading_whitespace", "policy.mode.testing"})
          .at("policy.line.leading_whitespace", 2, 1),
      row("column counts the leading space",
          "version: STSv1\n mode: Enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.leading_whitespace", "policy.mode.invalid"})
          .at("policy.mode.invalid", 2, 8),
      row("space before the colon",
          "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age : 604800\n")
          .bad().codes_are({"policy.key.whitespace"}).at("policy.key.whitespace", 4, 8),
      row("tab before the colon",
          "version: STSv1\nmode\t: testing\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.key.whitespace", "policy.mode.testing"})
          .at("policy.key.whitespace", 2, 5),
      row("line without a colon",
          "version: STSv1\nmode enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.no_colon", "policy.mode.missing"})
          .at("policy.line.no_colon", 2, 1),
      row("stray text line among fields", plus("hello\n"))
          .bad().codes_are({"policy.line.no_colon"}).at("policy.line.no_colon", 5, 1),
      row("bare CR ends a line but is an error",
          "version: STSv1\rmode: enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.bare_cr"}).at("policy.line.bare_cr", 1, 15),
      row("line after a bare CR is line 2",
          "version: STSv1\rmode: Enforce\nmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.bare_cr", "policy.mode.invalid"})
          .at("policy.line.bare_cr", 1, 15).at("policy.mode.invalid", 2, 7),
      row("line counting over CRLF",
          "version: STSv1\r\nmode: Enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n")
          .bad().codes_are({"policy.mode.invalid"}).at("policy.mode.invalid", 2, 7),
      row("LF and CRLF mixed",
          "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmax_age: 604800\n")
          .ok().codes_are({"policy.line.mixed_endings"})
          .with_mode(policy_mode::enforce).with_mx(kMx).with_max_age(604800),
      // A control character inside an extension value is that value's problem, whatever it is (D12b).
      row("NUL byte in an extension value", plus("comment: a\0b\n"s))
          .bad().codes_are({"policy.extension.value_invalid", "policy.extension.unknown"})
          .at("policy.extension.value_invalid", 5, 11),
      row("DEL in an extension value", plus("comment: a\x7f" "b\n"))
          .bad().codes_are({"policy.extension.value_invalid", "policy.extension.unknown"})
          .at("policy.extension.value_invalid", 5, 11),
      row("form feed in an extension value", plus("comment: a\x0c" "b\n"))
          .bad().codes_are({"policy.extension.value_invalid", "policy.extension.unknown"}),
      row("lone CR inside an extension value", plus("comment: a\rb\n"))
          .bad().codes_are({"policy.extension.value_invalid", "policy.extension.unknown"})
          .at("policy.extension.value_invalid", 5, 11),
      row("lone CR ending an extension line before the next field is a line ending",
          "version: STSv1\nmode: enforce\ncomment: a\rmx: mail.example.com\nmax_age: 604800\n")
          .bad().codes_are({"policy.line.bare_cr", "policy.extension.unknown"})
          .at("policy.line.bare_cr", 3, 11),
      row("NUL in a known field's value", with_mode("enf\0rce"s))
          .bad().codes_are({"policy.line.control", "policy.mode.invalid"}).at("policy.line.control", 2, 10),
      row("control character in a key", plus("comm\x01ent: x\n"))
          .bad().codes_are({"policy.line.control", "policy.key.invalid"}).at("policy.line.control", 5, 5),
      row("control character on a line without a colon", plus("hello\x02\n"))
          .bad().codes_are({"policy.line.control", "policy.line.no_colon"}).at("policy.line.control", 5, 6),
      row("invalid UTF-8 byte in an extension value", plus("comment: \xff\n"))
          .bad().codes_are({"policy.utf8.invalid", "policy.extension.unknown"})
          .at("policy.utf8.invalid", 5, 10),
      row("column counts code points, not bytes", plus("comment: \xc3\xa9\xff\n"))
          .bad().codes_are({"policy.utf8.invalid", "policy.extension.unknown"})
          .at("policy.utf8.invalid", 5, 11),
      row("overlong UTF-8 encoding", plus("comment: \xc0\xaf\n"))
          .bad().codes_are({"policy.utf8.invalid", "policy.extension.unknown"}),
      row("UTF-8 encoded surrogate", plus("comment: \xed\xa0\x80\n"))
          .bad().codes_are({"policy.utf8.invalid", "policy.extension.unknown"}),
      row("code point above U+10FFFF", plus("comment: \xf4\x90\x80\x80\n"))
          .bad().codes_are({"policy.utf8.invalid", "policy.extension.unknown"}),
      row("truncated UTF-8 sequence at the end of the file", plus("comment: x\xe2\x82"))
          .bad().codes_are({"policy.utf8.invalid", "policy.extension.unknown"}),
      row("empty policy", "").bad().codes_are({"policy.empty"}).at("policy.empty", 0, 0),

      // ---- mx syntax (["*."] Domain, RFC 5321) ---------------------------------
      row("wildcard mx", with_mx("*.example.com"))
          .ok().codes_are({"policy.mx.wildcard"}).with_mx({"*.example.com"}),
      // Q2 of docs/SENDERS.md: a provider's own rotating suffix is not advised against.
      row("Microsoft 365's documented wildcard", with_mx("*.mail.protection.outlook.com"))
          .ok().codes_are({"policy.mx.wildcard_provider"}).at("policy.mx.wildcard_provider", 3, 5)
          .with_mx({"*.mail.protection.outlook.com"}),
      row("Microsoft 365's documented wildcard in upper case", with_mx("*.MAIL.Protection.Outlook.com"))
          .ok().codes_are({"policy.mx.wildcard_provider"}),
      row("Cloudflare's documented wildcard", with_mx("*.mx.cloudflare.net"))
          .ok().codes_are({"policy.mx.wildcard_provider"}),
      row("Gmail's own wildcard", with_mx("*.gmail-smtp-in.l.google.com"))
          .ok().codes_are({"policy.mx.wildcard_provider"}),
      row("a wildcard one label under a provider's suffix is an ordinary wildcard",
          with_mx("*.eu.mail.protection.outlook.com"))
          .ok().codes_are({"policy.mx.wildcard"}),
      row("*.mx.microsoft misses Microsoft's <tenant>.<x>-v1.mx.microsoft hosts", with_mx("*.mx.microsoft"))
          .ok().codes_are({"policy.mx.wildcard_provider_mismatch"})
          .at("policy.mx.wildcard_provider_mismatch", 3, 5),
      row("*.protection.outlook.com misses <tenant>.mail.protection.outlook.com",
          with_mx("*.protection.outlook.com"))
          .ok().codes_are({"policy.mx.wildcard_provider_mismatch"}),
      row("*.outlook.com misses <tenant>.mail.protection.outlook.com", with_mx("*.outlook.com"))
          .ok().codes_are({"policy.mx.wildcard_provider_mismatch"}),
      row("*.google.com misses aspmx.l.google.com", with_mx("*.google.com"))
          .ok().codes_are({"policy.mx.wildcard_provider_mismatch"}),
      row("*.amazonaws.com misses inbound-smtp.<region>.amazonaws.com", with_mx("*.amazonaws.com"))
          .ok().codes_are({"policy.mx.wildcard_provider_mismatch"}),
      row("*.mailgun.org misses the EU region's hosts", with_mx("*.mailgun.org"))
          .ok().codes_are({"policy.mx.wildcard_provider_mismatch"}),
      row("a tenant-region pattern under mx.microsoft is an ordinary wildcard", with_mx("*.o-v1.mx.microsoft"))
          .ok().codes_are({"policy.mx.wildcard"}),
      row("wildcard over a registrable domain under a two-label suffix",
          with_mx("*.example.co.uk"))
          .ok().codes_are({"policy.mx.wildcard"}),
      row("wildcard directly over .com",
          with_mx("*.com"))
          .ok().codes_are({"policy.mx.wildcard_public_suffix"})
          .with_mx({"*.com"}),
      row("wildcard directly over .co.uk", with_mx("*.co.uk"))
          .ok().codes_are({"policy.mx.wildcard_public_suffix"}),
      row("comma-separated list in one mx line", with_mx("a.example.com, b.example.com"))
          .bad().codes_are({"policy.mx.list"}),
      row("comma-separated list without spaces", with_mx("a.example.com,b.example.com"))
          .bad().codes_are({"policy.mx.list"}),
      row("space-separated list in one mx line", with_mx("a.example.com b.example.com"))
          .bad().codes_are({"policy.mx.list"}),
      row("* inside the first label", with_mx("mx*.example.com"))
          .bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("* without its dot", with_mx("*example.com"))
          .bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("* as a middle label", with_mx("a.*.example.com"))
          .bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("* as the last label", with_mx("example.*"))
          .bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("* alone", with_mx("*")).bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("double star", with_mx("**.example.com"))
          .bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("underscore in a label", with_mx("mail_1.example.com"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("service-style labels with underscores", with_mx("_25._tcp.example.com"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("label starting with a hyphen", with_mx("-mail.example.com"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("label ending with a hyphen", with_mx("mail-.example.com"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("empty label", with_mx("mail..example.com")).bad().codes_are({"policy.mx.invalid"}),
      // Postfix's ".example.com" suffix syntax: the fix is the MTA-STS wildcard.
      row("leading dot", with_mx(".example.com")).bad().codes_are({"policy.mx.wildcard_invalid"}),
      row("empty mx value next to a good one", plus("mx:\n"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("bracketed address literal", with_mx("[192.0.2.25]"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("IPv6 address", with_mx("2001:db8::25")).bad().codes_are({"policy.mx.invalid"}),
      row("host with a port", with_mx("mail.example.com:25"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("URL instead of a host", with_mx("https://mail.example.com"))
          .bad().codes_are({"policy.mx.invalid"}),
      // mox rejects it; Stalwart, mailauth and KumoMTA never match it (D9).
      row("trailing dot", with_mx("mail.example.com."))
          .bad().codes_are({"policy.mx.trailing_dot"}).at("policy.mx.trailing_dot", 3, 21),
      row("wildcard with a trailing dot", with_mx("*.example.com."))
          .bad().codes_are({"policy.mx.trailing_dot"}),
      row("provider wildcard with a trailing dot", with_mx("*.mail.protection.outlook.com."))
          .bad().codes_are({"policy.mx.trailing_dot"}),
      row("U-label instead of an A-label", with_mx("m\xc3\xbcller.example.com"))
          .bad().codes_are({"policy.mx.u_label"}),
      row("IPv4 literal never matches an MX name", with_mx("192.0.2.25"))
          .ok().codes_are({"policy.mx.ip_literal"}).with_mx({"192.0.2.25"}),
      row("mx missing in enforce", "version: STSv1\nmode: enforce\nmax_age: 604800\n")
          .bad().codes_are({"policy.mx.missing"}).at("policy.mx.missing", 0, 0),
      row("mx missing in testing", "version: STSv1\nmode: testing\nmax_age: 604800\n")
          .bad().codes_are({"policy.mode.testing", "policy.mx.missing"}),

      // ---- more edges: lengths, whitespace, repeats ----------------------------------
      row("mx label of 63 characters", with_mx(std::string(63, 'a') + ".example.com"))
          .ok().codes_are({}),
      row("mx label of 64 characters (RFC 1035 allows 63)",
          with_mx(std::string(64, 'a') + ".example.com"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("mx name of 253 characters", with_mx(repeat(std::string(62, 'a') + ".", 4) + "a"))
          .ok().codes_are({}),
      row("mx name of 255 characters (over the 253 of a DNS name)",
          with_mx(repeat(std::string(62, 'a') + ".", 4) + "abc"))
          .bad().codes_are({"policy.mx.invalid"}),
      row("three numeric labels are not an IPv4 address", with_mx("10.0.0"))
          .ok().codes_are({}),
      row("numbers above 255 are not an IPv4 address", with_mx("999.0.2.1"))
          .ok().codes_are({}),
      row("five numeric labels are not an IPv4 address", with_mx("10.0.0.1.2"))
          .ok().codes_are({}),
      row("max_age with a space: marked at the first character that is not a digit",
          with_age("enforce", "604 800"))
          .bad().codes_are({"policy.max_age.invalid"}).at("policy.max_age.invalid", 4, 13),
      row("an extension repeated: the first occurrence is kept", plus("a1: x\na1: y\n"))
          .ok().codes_are({"policy.extension.unknown"}).with_ext({{"a1", "x"}}),
      row("tab inside an extension value (the grammar allows only spaces)",
          plus("comment: a\tb\n"))
          .bad().codes_are({"policy.extension.unknown", "policy.extension.value_invalid"})
          .at("policy.extension.value_invalid", 5, 11),
      row("an extension value with both a tab and a colon", plus("note: a\tb:c\n"))
          .bad().codes_are({"policy.extension.unknown", "policy.extension.value_invalid", "policy.value.colon"})
          .at("policy.extension.value_invalid", 5, 8).at("policy.value.colon", 5, 10),
      row("tab after the colon on a line that also holds UTF-8", plus("comment:\tcaf\xc3\xa9\n"))
          .ok().codes_are({"policy.extension.unknown"})
          .with_ext({{"comment", "caf\xc3\xa9"}}),
      row("whitespace-only policy", " \n\t\n\r\n").bad().codes_are({"policy.empty"}),
      // ---- a body that is not a plain-text policy: one diagnosis, nothing else (D16) ----
      row("an HTML page served instead of the policy",
          "<!DOCTYPE html>\n<html><body>Not Found</body></html>\n")
          .bad().codes_are({"policy.not_text"}).at("policy.not_text", 1, 1),
      row("an HTML page in lower case after blank lines and indentation",
          "\r\n\n   <html lang=\"en\"><head><title>Sign in</title></head></html>")
          .bad().codes_are({"policy.not_text"}),
      row("an HTML page after a byte order mark", "\xef\xbb\xbf<!doctype html><html></html>")
          .bad().codes_are({"policy.not_text"}),
      row("HTML that is not a page start is read line by line", "<p>version: STSv1</p>\n")
          .bad().codes_are({"policy.key.invalid", "policy.mode.missing", "policy.max_age.missing",
                            "policy.mx.missing", "policy.version.missing"}),
      row("an RTF document", "{\\rtf1\\ansi\\ansicpg1252\n\\f0\\fs24 version: STSv1\\\nmode: enforce}\n")
          .bad().codes_are({"policy.not_text"}).at("policy.not_text", 1, 1),
      row("UTF-16 little-endian with its byte order mark",
          "\xff\xfev\0e\0r\0s\0i\0o\0n\0:\0 \0S\0T\0S\0v\0" "1\0\n\0"s)
          .bad().codes_are({"policy.not_text"}).at("policy.not_text", 1, 1),
      row("UTF-16 big-endian with its byte order mark",
          "\xfe\xff\0v\0e\0r\0s\0i\0o\0n\0:\0 \0S\0T\0S\0v\0" "1\0\n"s)
          .bad().codes_are({"policy.not_text"}),
      row("UTF-16 little-endian without a byte order mark",
          "v\0e\0r\0s\0i\0o\0n\0:\0 \0S\0T\0S\0v\0" "1\0\r\0\n\0m\0o\0d\0e\0:\0"s)
          .bad().codes_are({"policy.not_text"}),
      row("a few NUL bytes in a text policy are control characters, not UTF-16",
          "version: STSv1\nmode: enforce\0\nmx: mail.example.com\nmax_age: 604800\n"s)
          .bad().codes_are({"policy.line.control", "policy.mode.invalid"}),
      row("a body of NUL bytes only is not UTF-16", std::string(16, '\0'))
          .bad().codes_are({"policy.line.control", "policy.line.no_colon", "policy.version.missing",
                            "policy.mode.missing", "policy.max_age.missing", "policy.mx.missing"}),
      row("a line with no key before the colon", plus(": value\n"))
          .bad().codes_are({"policy.key.invalid"}).at("policy.key.invalid", 5, 1),

      // ---- size (RFC 8461 §3.3: "64 kilobytes") -----------------------------------
      row("exactly 64,000 bytes", sized(64000))
          .ok().codes_are({"policy.extension.unknown"}),
      row("64,001 bytes", sized(64001))
          .ok().codes_are({"policy.extension.unknown", "policy.size.large"}),
      row("exactly 65,536 bytes", sized(65536))
          .ok().codes_are({"policy.extension.unknown", "policy.size.large"}),
      row("65,537 bytes", sized(65537))
          .bad().codes_are({"policy.extension.unknown", "policy.size.too_large"}),

      // ---- the finding cap --------------------------------------------------------
      row("thousands of repeated lines: findings capped", kEnforce + repeat("mode: enforce\n", 4000))
          .bad().codes_are({"policy.field.repeated", "lint.truncated"}),
      row("thousands of indented lines: one finding", "version: STSv1\nmode: enforce\nmax_age: 604800\n" +
                                                        repeat("  mx: mail.example.com\n", 2000))
          .bad().codes_are({"policy.line.leading_whitespace", "policy.mx.duplicate", "lint.truncated"})
          .at("policy.line.leading_whitespace", 4, 1),
  };
  return cases;
}

}  // namespace mtasts_test

TEST_SUITE("policy") {
  TEST_CASE("policy table: validity, exact codes, positions and parsed values") {
    for (const auto& c : mtasts_test::policy_cases()) {
      CAPTURE(c.name);
      INFO("input: " << mtasts_test::printable(c.input));
      const auto r = mtasts::lint_policy(c.input);
      mtasts_test::check_invariants(r.findings, r.valid, r.policy.has_value(),
                                    mtasts_test::line_count(c.input));
      mtasts_test::check_row(c, r.findings, r.valid);
      if (!r.policy) {
        CHECK_FALSE(c.mode.has_value());  // a row expecting values expects a policy
        continue;
      }
      const auto& p = *r.policy;
      CHECK(p.version == "STSv1");
      if (c.mode) CHECK(mtasts::mode_name(p.mode) == mtasts::mode_name(*c.mode));
      if (c.mx) CHECK(p.mx == *c.mx);
      if (c.max_age) CHECK(p.max_age == *c.max_age);
      if (c.extensions) CHECK(p.extensions == *c.extensions);
    }
  }

  TEST_CASE("every valid policy has at least one mx unless mode is none") {
    for (const auto& c : mtasts_test::policy_cases()) {
      CAPTURE(c.name);
      const auto r = mtasts::lint_policy(c.input);
      if (r.policy && r.policy->mode != policy_mode::none) CHECK_FALSE(r.policy->mx.empty());
    }
  }

  TEST_CASE("mode_name spells the three modes") {
    CHECK(mtasts::mode_name(policy_mode::enforce) == "enforce");
    CHECK(mtasts::mode_name(policy_mode::testing) == "testing");
    CHECK(mtasts::mode_name(policy_mode::none) == "none");
  }

  TEST_CASE("each duplicated mx line is reported on its own line") {
    const auto r = mtasts::lint_policy(
        "version: STSv1\nmode: enforce\nmx: a.example.com\nmx: a.example.com\n"
        "mx: b.example.com\nmx: a.example.com\nmax_age: 604800\n");
    REQUIRE(r.policy.has_value());
    CHECK(r.policy->mx == std::vector<std::string>{"a.example.com", "b.example.com"});
    std::vector<std::uint32_t> lines;
    for (const auto& f : r.findings)
      if (f.code == mtasts::code::policy_mx_duplicate) lines.push_back(f.line);
    CHECK(lines == std::vector<std::uint32_t>{4, 6});
  }

  TEST_CASE("an mx pattern written with U-labels: the A-label to write, and the policy in A-label form") {
    // RFC 8461 §3.2: patterns are ASCII. Senders reject the policy; its A-label form (Punycode of the name as
    // written, idna.h) is named in the message and kept in a_label_policy for the comparison with the MX hosts.
    const auto r = mtasts::lint_policy(
        "version: STSv1\nmode: enforce\nmx: mx1.m\xc3\xbcnchen.test\nmx: *.B\xc3\xbc" "cher.test\nmx: mx.example.com\n"
        "max_age: 604800\n");
    CHECK_FALSE(r.valid);
    CHECK_FALSE(r.policy.has_value());
    REQUIRE(r.a_label_policy.has_value());
    CHECK(r.a_label_policy->mx ==
          std::vector<std::string>{"mx1.xn--mnchen-3ya.test", "*.xn--bcher-kva.test", "mx.example.com"});
    CHECK(r.a_label_policy->mode == policy_mode::enforce);
    std::vector<std::string> messages;
    for (const auto& f : r.findings)
      if (f.code == mtasts::code::policy_mx_u_label) messages.push_back(f.message);
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].find("\"mx1.xn--mnchen-3ya.test\"") != std::string::npos);
    CHECK(messages[1].find("\"*.xn--bcher-kva.test\"") != std::string::npos);  // ASCII letters lower-cased
  }

  TEST_CASE("an mx pattern written with U-labels: no A-label form where the core cannot tell it") {
    // A capital outside ASCII: UTS #46 would lower-case it first, which the core does not do; it says so.
    const auto capital = mtasts::lint_policy("version: STSv1\nmode: enforce\nmx: mx.M\xc3\x9cNCHEN.test\nmax_age: 604800\n");
    CHECK_FALSE(capital.a_label_policy.has_value());
    REQUIRE(!capital.findings.empty());
    CHECK(capital.findings[0].code == mtasts::code::policy_mx_u_label);
    CHECK(capital.findings[0].message.find("U+00DC") != std::string::npos);
    CHECK(capital.findings[0].message.find("xn--") != std::string::npos);  // "write the xn-- form your registrar shows"
    // Another error beside the U-label: the policy is wrong anyway, and no A-label form stands in for it.
    const auto other = mtasts::lint_policy("version: STSv1\nmode: enforce\nmx: mx1.m\xc3\xbcnchen.test\nmax_age: x\n");
    CHECK_FALSE(other.a_label_policy.has_value());
  }

  TEST_CASE("the same input gives the same result") {
    for (const auto& c : mtasts_test::policy_cases()) {
      CAPTURE(c.name);
      const auto a = mtasts::lint_policy(c.input);
      const auto b = mtasts::lint_policy(c.input);
      CHECK(a.findings == b.findings);
      CHECK(a.policy == b.policy);
    }
  }
}
