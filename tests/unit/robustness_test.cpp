// Robustness: nothing throws and every result keeps its invariants, whatever
// the input (random bytes, a megabyte, NUL bytes, invalid UTF-8, 10,000 lines,
// a 100,000-character line), and findings are capped with lint.truncated.
// Deterministic: a fixed-seed generator, no clock, no files, no threads.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "mtasts/mtasts.h"
#include "mtasts/json.h"
#include "test_support.h"

using nlohmann::json;

namespace {

using mtasts_test::rng;

std::string random_bytes(rng& g, std::size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(g.next() & 0xff);
  return out;
}

/** Random text drawn from the characters the grammars care about. */
std::string random_grammar_text(rng& g, std::size_t n) {
  static const std::string alphabet[] = {
      "version", "mode", "mx", "max_age", "STSv1", "enforce", "testing", "none", ":", " ",
      "\t", "\n", "\r\n", "\r", "*", ".", "-", "_", "example", "com", "0", "9", "v=", "id=",
      "rua=", "mailto:", "https://", ";", ",", "!", "=", "\"", "\xc3\xa9", "\xff", "\0",
      "\xef\xbb\xbf", "%", "@", "TLSRPTv1", "604800"};
  constexpr std::size_t count = sizeof alphabet / sizeof alphabet[0];
  std::string out;
  while (out.size() < n) {
    const std::string& piece = alphabet[g.below(count)];
    if (piece.empty())
      out.push_back('\0');
    else
      out += piece;
  }
  return out;
}

void check_policy(const std::string& in) {
  const auto r = mtasts::lint_policy(in);
  mtasts_test::check_invariants(r.findings, r.valid, r.policy.has_value(),
                                mtasts_test::line_count(in));
  const json j = json::parse(mtasts::to_json(r), nullptr, false);
  CHECK_FALSE(j.is_discarded());
  if (r.policy) {
    CHECK(r.policy->version == "STSv1");
    CHECK(r.policy->max_age <= mtasts::limits::max_age_max);
    if (r.policy->mode != mtasts::policy_mode::none) CHECK_FALSE(r.policy->mx.empty());
  }
}

void check_sts(const std::string& in) {
  const auto r = mtasts::lint_sts_record(in);
  mtasts_test::check_invariants(r.findings, r.valid, r.record.has_value(), 1);
  const json j = json::parse(mtasts::to_json(r), nullptr, false);
  CHECK_FALSE(j.is_discarded());
  if (r.record) {
    CHECK_FALSE(r.record->id.empty());
    CHECK(r.record->id.size() <= 32);
  }
}

void check_tlsrpt(const std::string& in) {
  const auto r = mtasts::lint_tlsrpt_record(in);
  mtasts_test::check_invariants(r.findings, r.valid, r.record.has_value(), 1);
  const json j = json::parse(mtasts::to_json(r), nullptr, false);
  CHECK_FALSE(j.is_discarded());
  if (r.record) CHECK_FALSE(r.record->rua.empty());
}

void check_all(const std::string& in) {
  check_policy(in);
  check_sts(in);
  check_tlsrpt(in);
  check_sts("v=STSv1; id=" + in);
  check_tlsrpt("v=TLSRPTv1; rua=" + in);
  (void)mtasts::mx_matches(in, in);
  (void)mtasts::mx_matches("*.example.com", in);
  (void)mtasts::mx_matches(in, "mail.example.com");
}

std::size_t count_code(const std::vector<mtasts::finding>& f, mtasts::code c) {
  std::size_t n = 0;
  for (const auto& x : f)
    if (x.code == c) ++n;
  return n;
}

/** A capped result: one lint.truncated, fewer findings than problems. */
void check_capped(const std::vector<mtasts::finding>& f, std::size_t problems) {
  CHECK(count_code(f, mtasts::code::lint_truncated) == 1);
  CHECK(f.size() < problems);
  for (const auto& x : f)
    if (x.code == mtasts::code::lint_truncated) {
      CHECK(x.line == 0);
      CHECK(x.column == 0);
    }
}

}  // namespace

namespace mtasts_test {

const std::set<std::string>& robustness_asserted_codes() {
  static const std::set<std::string> codes{"lint.truncated", "policy.size.too_large",
                                           "policy.line.control"};
  return codes;
}

}  // namespace mtasts_test

TEST_SUITE("robustness") {
  TEST_CASE("random bytes of many lengths") {
    rng g(0x6d7461737473ULL);
    for (int i = 0; i < 300; ++i) {
      const std::size_t n = g.below(i < 200 ? 64 : 2048);
      const std::string in = random_bytes(g, n);
      CAPTURE(i);
      CAPTURE(mtasts_test::printable(in, 80));
      check_all(in);
    }
  }

  TEST_CASE("random text made of grammar fragments") {
    rng g(42);
    for (int i = 0; i < 400; ++i) {
      const std::string in = random_grammar_text(g, g.below(300));
      CAPTURE(i);
      CAPTURE(mtasts_test::printable(in, 200));
      check_all(in);
    }
  }

  TEST_CASE("random character-string lists") {
    rng g(7);
    for (int i = 0; i < 100; ++i) {
      std::vector<std::string> strings;
      const std::size_t n = g.below(6);
      for (std::size_t k = 0; k < n; ++k) strings.push_back(random_grammar_text(g, g.below(400)));
      CAPTURE(i);
      const auto s = mtasts::lint_sts_record(strings);
      mtasts_test::check_invariants(s.findings, s.valid, s.record.has_value(), 1);
      const auto t = mtasts::lint_tlsrpt_record(strings);
      mtasts_test::check_invariants(t.findings, t.valid, t.record.has_value(), 1);
    }
  }

  TEST_CASE("one megabyte of random bytes") {
    rng g(1234567);
    const std::string in = random_bytes(g, 1 << 20);
    check_all(in);
    const auto r = mtasts::lint_policy(in);
    CHECK_FALSE(r.valid);
    CHECK(count_code(r.findings, mtasts::code::policy_size_too_large) == 1);
  }

  TEST_CASE("one megabyte of a single letter, of newlines, of NUL bytes") {
    check_all(std::string(1 << 20, 'a'));
    check_all(std::string(1 << 20, '\n'));
    check_all(std::string(1 << 20, '\0'));
    check_all(std::string(1 << 20, '\r'));
    check_all(std::string(1 << 20, ';'));
  }

  TEST_CASE("NUL bytes") {
    const std::vector<std::string> inputs = {
        std::string(1, '\0'),
        std::string(1000, '\0'),
        std::string("version: STSv1\0\nmode: enforce\n", 30),
        std::string("v=STSv1;\0id=abc", 15),
        std::string("v=TLSRPTv1; rua=mailto:a\0@example.com", 37),
    };
    for (const auto& in : inputs) {
      CAPTURE(mtasts_test::printable(in, 60));
      check_all(in);
    }
    const auto p = mtasts::lint_policy(std::string("version: STSv1\nmode: enf\0rce\n", 29));
    CHECK_FALSE(p.valid);
    const auto s = mtasts::lint_sts_record(std::string("v=STSv1; id=ab\0c", 16));
    CHECK_FALSE(s.valid);
    CHECK(count_code(s.findings, mtasts::code::sts_character_invalid) >= 1);
  }

  TEST_CASE("invalid UTF-8 sequences") {
    const char* seqs[] = {"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
                          "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xfe",
                          "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98"};
    for (const char* s : seqs) {
      CAPTURE(mtasts_test::printable(s));
      check_all(s);
      check_all(std::string("version: STSv1\nmode: enforce\nmx: mail.example.com\n"
                            "max_age: 604800\ncomment: ") + s + "\n");
      const auto r = mtasts::lint_policy(
          std::string("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n"
                      "comment: x") + s + "y\n");
      CHECK_FALSE(r.valid);
      CHECK(count_code(r.findings, mtasts::code::policy_utf8_invalid) >= 1);
    }
  }

  TEST_CASE("10,000 good mx lines") {
    std::string in = "version: STSv1\nmode: enforce\nmax_age: 604800\n";
    for (int i = 0; i < 10000; ++i) in += "mx: mx" + std::to_string(i) + ".example.com\n";
    check_all(in);
    const auto r = mtasts::lint_policy(in);
    CHECK(in.size() > mtasts::limits::policy_max_bytes);
    CHECK(count_code(r.findings, mtasts::code::policy_size_too_large) == 1);
    CHECK_FALSE(r.valid);
  }

  TEST_CASE("10,000 lines without a colon are capped") {
    std::string in;
    for (int i = 0; i < 10000; ++i) in += "x\n";
    check_all(in);
    const auto r = mtasts::lint_policy(in);
    CHECK_FALSE(r.valid);
    check_capped(r.findings, 10000);
  }

  TEST_CASE("10,000 bare CRs are capped and each ends a line") {
    std::string in = "version: STSv1\r";
    for (int i = 0; i < 9999; ++i) in += "x\r";
    const auto r = mtasts::lint_policy(in);
    check_policy(in);
    CHECK_FALSE(r.valid);
    check_capped(r.findings, 10000);
    for (const auto& f : r.findings) CHECK(f.line <= 10001);
  }

  TEST_CASE("an error that comes after the cap is full is still listed") {
    // Ten kinds of finding, twenty of each (the per-code cap), fill the
    // findings before the line without a colon is met; the warnings and notes
    // among them (extension.unknown, key.typo, mx.ip_literal) count toward the
    // total cap too. The result is invalid, so the findings must still show
    // the line without a colon: `valid` is true exactly when no finding is an
    // error, and every code raised is listed at least once.
    std::string in = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";
    for (int i = 0; i < 20; ++i) in += "\n";                                            // line.blank
    for (int i = 0; i < 20; ++i) in += "mode: enforce\n";                               // field.repeated
    for (int i = 0; i < 20; ++i) in += "max_age: " + std::to_string(700000 + i) + "\n";  // field.duplicate
    for (int i = 0; i < 20; ++i) in += "x" + std::to_string(i) + ": v\n";               // extension.unknown
    for (int i = 0; i < 20; ++i) in += "y" + std::to_string(i) + ":\n";                 // extension.value_invalid
    for (int i = 0; i < 20; ++i) in += " z" + std::to_string(i) + ": v\n";              // line.leading_whitespace
    for (int i = 0; i < 20; ++i) in += "w" + std::to_string(i) + " : v\n";              // key.whitespace
    for (int i = 0; i < 20; ++i) in += "Mode: enforce\n";                               // key.typo
    for (int i = 0; i < 20; ++i) in += "mx: m" + std::to_string(i) + ".example.com.\n"; // mx.trailing_dot
    for (int i = 0; i < 20; ++i) in += "mx: 10.0.0." + std::to_string(i) + "\n";        // mx.ip_literal
    in += "hello\n";                                                                     // line.no_colon
    const auto r = mtasts::lint_policy(in);
    INFO("findings:" << mtasts_test::describe(r.findings));
    CHECK_FALSE(r.valid);
    CHECK(count_code(r.findings, mtasts::code::lint_truncated) == 1);
    CHECK(count_code(r.findings, mtasts::code::policy_line_no_colon) == 1);
    mtasts_test::check_invariants(r.findings, r.valid, r.policy.has_value(),
                                  mtasts_test::line_count(in));
  }

  TEST_CASE("a TXT record with thousands of empty fields is capped") {
    std::string sts = "v=STSv1; id=abc";
    std::string tls = "v=TLSRPTv1; rua=mailto:a@example.com";
    for (int i = 0; i < 5000; ++i) {
      sts += ";;";
      tls += ";;";
    }
    const auto s = mtasts::lint_sts_record(sts);
    CHECK_FALSE(s.valid);
    check_capped(s.findings, 5000);
    const auto t = mtasts::lint_tlsrpt_record(tls);
    CHECK_FALSE(t.valid);
    check_capped(t.findings, 5000);
  }

  TEST_CASE("a character-string list of 10,000 strings") {
    std::vector<std::string> strings{"v=STSv1; id="};
    for (int i = 0; i < 10000; ++i) strings.push_back(i < 32 ? "a" : "");
    const auto s = mtasts::lint_sts_record(strings);
    mtasts_test::check_invariants(s.findings, s.valid, s.record.has_value(), 1);
    CHECK(s.valid);
    CHECK(count_code(s.findings, mtasts::code::txt_strings_joined) == 1);
    REQUIRE(s.record.has_value());
    CHECK(s.record->id == std::string(32, 'a'));
  }

  TEST_CASE("a 100,000-character line") {
    const std::string kEnforce =
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";
    // Within the 64 KB a sender reads, a 60,000-character line is linted to its last column
    // (a control character in an extension value is that value's problem).
    const std::string long_line = "comment: " + std::string(60000, 'x') + "\x01\n";
    const auto in_limit = mtasts::lint_policy(kEnforce + long_line);
    check_policy(kEnforce + long_line);
    INFO("findings:" << mtasts_test::describe(in_limit.findings));
    CHECK(mtasts_test::has_finding_at(in_limit.findings, "policy.extension.value_invalid", 5, 60010));
    CHECK(count_code(in_limit.findings, mtasts::code::policy_size_too_large) == 0);

    // Past it, only the first 65,536 bytes are linted (senders read no more): the control
    // character at column 100,010 is not judged, and the size finding says what was checked.
    const std::string longer = "comment: " + std::string(100000, 'x') + "\x01\n";
    const auto r = mtasts::lint_policy(kEnforce + longer);
    check_policy(kEnforce + longer);
    CHECK_FALSE(r.valid);
    CHECK_FALSE(mtasts_test::has_finding_at(r.findings, "policy.extension.value_invalid", 5, 100010));
    CHECK(count_code(r.findings, mtasts::code::policy_size_too_large) == 1);
    for (const auto& f : r.findings)
      if (f.code == mtasts::code::policy_size_too_large) {
        CHECK(f.message.find("100077 bytes") != std::string::npos);
        CHECK(f.message.find("only its first 65536 bytes were checked") != std::string::npos);
      }

    // A cut inside a UTF-8 sequence or a CRLF invents no finding: "é" (2 bytes) across byte 65,536.
    std::string across = kEnforce + "comment: ";
    across += std::string(65536 - across.size() - 1, 'x') + "\xC3\xA9\r\n" + std::string(100, 'y');
    const auto u = mtasts::lint_policy(across);
    INFO("findings:" << mtasts_test::describe(u.findings));
    for (const auto& f : u.findings) CHECK(f.code != mtasts::code::policy_utf8_invalid);

    check_all(std::string(100000, 'x'));
    check_all("mode: " + std::string(100000, 'e'));
    check_all("mx: " + std::string(100000, 'a'));
    check_all("max_age: " + std::string(100000, '9'));
    check_all("mx: " + std::string(50000, '*') + std::string(50000, '.'));

    const auto s = mtasts::lint_sts_record("v=STSv1; id=abc; x=" + std::string(100000, 'a') +
                                           "\x01");
    CHECK_FALSE(s.valid);
    CHECK(mtasts_test::has_finding_at(s.findings, "sts.character.invalid", 1, 100020));
    const auto t = mtasts::lint_tlsrpt_record("v=TLSRPTv1; rua=https://r.example.com/" +
                                              std::string(100000, 'a'));
    mtasts_test::check_invariants(t.findings, t.valid, t.record.has_value(), 1);
    CHECK(t.valid);

    (void)mtasts::mx_matches("*.example.com", std::string(100000, 'a') + ".example.com");
    CHECK_FALSE(mtasts::mx_matches(std::string(100000, 'a'), std::string(100000, 'b')));
  }

  TEST_CASE("deep nesting-like input: many wildcards and dots") {
    check_all(std::string(10000, '*'));
    check_all(std::string(10000, '.'));
    check_all("mx: " + std::string(10000, '.') + "\n");
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "*.";
    check_all("version: STSv1\nmode: enforce\nmax_age: 604800\nmx: " + many + "com\n");
  }
}
