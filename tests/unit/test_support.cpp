// Helpers shared by the table-driven tests; see test_support.h.
#include "test_support.h"

#include <doctest/doctest.h>

#include <cstdio>

namespace mtasts_test {

std::set<std::string> code_set(const std::vector<mtasts::finding>& findings) {
  std::set<std::string> out;
  for (const auto& f : findings) out.insert(std::string(mtasts::code_name(f.code)));
  return out;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) {
    if (!out.empty()) out += ", ";
    out += x;
  }
  return "{" + out + "}";
}

std::string describe(const std::vector<mtasts::finding>& findings) {
  std::string out;
  std::size_t n = 0;
  for (const auto& f : findings) {
    if (++n > 40) {
      out += " ...";
      break;
    }
    out += "\n  ";
    out += std::string(mtasts::code_name(f.code));
    out += "@" + std::to_string(f.line) + ":" + std::to_string(f.column);
    out += " \"" + printable(f.message, 120) + "\"";
  }
  return out;
}

std::string printable(const std::string& s, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max) {
      out += "...(" + std::to_string(s.size()) + " bytes)";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::uint32_t line_count(const std::string& s) {
  std::uint32_t n = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++n;
    } else if (s[i] == '\r') {
      ++n;
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    }
  }
  return n;
}

bool has_finding_at(const std::vector<mtasts::finding>& findings, const std::string& code,
                    std::uint32_t line, std::uint32_t column) {
  for (const auto& f : findings) {
    if (mtasts::code_name(f.code) == code && f.line == line && f.column == column) return true;
  }
  return false;
}

void check_invariants(const std::vector<mtasts::finding>& findings, bool valid,
                      bool has_value, std::uint32_t max_line) {
  bool any_error = false;
  for (const auto& f : findings) {
    if (mtasts::code_severity(f.code) == mtasts::severity::error) any_error = true;
  }
  CHECK(valid == !any_error);
  CHECK(valid == mtasts::no_errors(findings));
  CHECK(has_value == valid);
  for (const auto& f : findings) {
    INFO("finding " << mtasts::code_name(f.code) << "@" << f.line << ":" << f.column);
    CHECK_FALSE(f.message.empty());
    CHECK((f.line == 0) == (f.column == 0));
    CHECK(f.line <= max_line);
    CHECK(static_cast<std::size_t>(f.code) < mtasts::code_count());
  }
}

void check_row(const parser_case& c, const std::vector<mtasts::finding>& findings,
               bool valid) {
  INFO("findings:" << describe(findings));
  CHECK_MESSAGE(c.valid_stated, "the row must say ok() or bad()");
  CHECK(valid == c.valid);
  CHECK(join(code_set(findings)) == join(c.codes));
  for (const auto& p : c.positions) {
    INFO("expected " << p.code << " at " << p.line << ":" << p.column);
    CHECK(has_finding_at(findings, p.code, p.line, p.column));
  }
}

}  // namespace mtasts_test
