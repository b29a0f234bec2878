/**
 * @file test_support.h
 * @brief Shared helpers for the table-driven parser tests.
 *
 * Each parser test file defines its table of cases as a function declared
 * here, so that codes_test.cpp can check that every code in codes.def is
 * asserted by at least one row (the coverage guard).
 *
 * A row states: a name, the input, whether the artefact is valid, the exact
 * set of finding codes (a code missing or an unexpected code both fail), the
 * positions of named findings, and the values a sender would take from it.
 */
#ifndef MTASTS_TESTS_UNIT_TEST_SUPPORT_H
#define MTASTS_TESTS_UNIT_TEST_SUPPORT_H

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/policy.h"

namespace mtasts_test {

/** xorshift64*: small, deterministic, identical on every platform (seeded random tests). */
struct rng {
  std::uint64_t s;
  explicit rng(std::uint64_t seed) : s(seed ? seed : 1) {}
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};


struct expected_position {
  std::string code;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/** One row of a parser table; built with the chainable setters below. */
struct parser_case {
  std::string name;
  std::string input;                  ///< the record or policy text
  std::vector<std::string> strings;   ///< TXT character-strings (when use_strings)
  bool use_strings = false;
  bool valid = false;
  bool valid_stated = false;          ///< guards against a row that forgot ok()/bad()
  std::set<std::string> codes;        ///< exact set of dotted codes expected
  std::vector<expected_position> positions;
  // What a sender takes from the artefact (checked only when stated).
  std::optional<mtasts::policy_mode> mode;
  std::optional<std::vector<std::string>> mx;
  std::optional<std::uint64_t> max_age;
  std::optional<std::vector<std::pair<std::string, std::string>>> extensions;
  std::optional<std::string> id;
  std::optional<std::vector<std::string>> rua;

  parser_case& ok() { valid = true; valid_stated = true; return *this; }
  parser_case& bad() { valid = false; valid_stated = true; return *this; }
  parser_case& codes_are(std::initializer_list<const char*> c) {
    for (const char* s : c) codes.insert(s);
    return *this;
  }
  parser_case& at(std::string code, std::uint32_t line, std::uint32_t column) {
    positions.push_back({std::move(code), line, column});
    return *this;
  }
  parser_case& with_mode(mtasts::policy_mode m) { mode = m; return *this; }
  parser_case& with_mx(std::vector<std::string> v) { mx = std::move(v); return *this; }
  parser_case& with_max_age(std::uint64_t v) { max_age = v; return *this; }
  parser_case& with_ext(std::vector<std::pair<std::string, std::string>> v) {
    extensions = std::move(v);
    return *this;
  }
  parser_case& with_id(std::string v) { id = std::move(v); return *this; }
  parser_case& with_rua(std::vector<std::string> v) { rua = std::move(v); return *this; }
};

/** A row whose input is one string. */
inline parser_case row(std::string name, std::string input) {
  parser_case c;
  c.name = std::move(name);
  c.input = std::move(input);
  return c;
}

/** A row whose input is the character-strings of one TXT record. */
inline parser_case row_strings(std::string name, std::vector<std::string> strings) {
  parser_case c;
  c.name = std::move(name);
  c.strings = std::move(strings);
  c.use_strings = true;
  return c;
}

// The tables (defined in the matching *_test.cpp files).
const std::vector<parser_case>& policy_cases();
const std::vector<parser_case>& sts_cases();
const std::vector<parser_case>& tlsrpt_cases();
/** Codes asserted exactly by robustness_test.cpp outside the tables. */
const std::set<std::string>& robustness_asserted_codes();
/** dns.* codes asserted exactly by the tables of dns_test.cpp (derived from those tables). */
const std::set<std::string>& dns_asserted_codes();
/** Codes the domain scenarios assert (tests/fixtures/scenarios/, scenarios_test.cpp), and check_test.cpp beside them. */
const std::set<std::string>& check_asserted_codes();
const std::set<std::string>& report_asserted_codes();
/** The STARTTLS check's codes, asserted by starttls_test.cpp. */
const std::set<std::string>& starttls_asserted_codes();

/** The dotted names of the findings, as a set. */
std::set<std::string> code_set(const std::vector<mtasts::finding>& findings);
/** "a, b, c" — sets print readably in failure messages this way. */
std::string join(const std::set<std::string>& s);
/** Every finding as "code@line:column" for failure context. */
std::string describe(const std::vector<mtasts::finding>& findings);
/** Input made printable (escapes, truncated) for failure context. */
std::string printable(const std::string& s, std::size_t max = 240);
/** Number of lines the text has (LF, CRLF and bare CR end a line). */
std::uint32_t line_count(const std::string& s);
/** True when some finding with that code sits at exactly line:column. */
bool has_finding_at(const std::vector<mtasts::finding>& findings, const std::string& code,
                    std::uint32_t line, std::uint32_t column);

/**
 * The checks every result must pass, whatever the input:
 * valid exactly when no finding is an error, the value present exactly when
 * valid, a non-empty message on each finding, line and column both zero or
 * both non-zero, and (for TXT records, one_line) line at most 1.
 */
void check_invariants(const std::vector<mtasts::finding>& findings, bool valid,
                      bool has_value, std::uint32_t max_line);

/** Checks a row's expected validity, exact code set and named positions. */
void check_row(const parser_case& c, const std::vector<mtasts::finding>& findings,
               bool valid);

}  // namespace mtasts_test

#endif
