/**
 * @file response.cpp
 * @brief Using a response (dns.h, "Using a response"): comparing names,
 *        checking that a response answers the query, and following CNAMEs.
 */
#include <vector>

#include "internal.h"

namespace mtasts::dns {
namespace {

using namespace codec;

/**
 * Splits a presentation-form name into labels (escapes read, ASCII folded to
 * lower case); one trailing dot is the root. False for an empty label inside
 * the name or a broken escape.
 */
bool canonical_labels(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  if (s.empty() || s == ".") return true;
  std::string label;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (label.empty()) return false;
      out.push_back(std::move(label));
      label.clear();
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= s.size()) return false;
      if (detail::is_digit(s[i + 1])) {
        // \DDD: exactly three decimal digits, at most 255 (RFC 1035 §5.1)
        if (i + 3 >= s.size() || !detail::is_digit(s[i + 2]) || !detail::is_digit(s[i + 3])) return false;
        const int v = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
        if (v > 255) return false;
        c = static_cast<char>(v);
        i += 3;
      } else {
        c = s[i + 1];
        i += 1;
      }
    }
    label += detail::ascii_lower(c);
  }
  if (!label.empty()) out.push_back(std::move(label));
  return true;
}

}  // namespace

bool names_equal(std::string_view a, std::string_view b) noexcept {
  std::vector<std::string> la, lb;
  if (!canonical_labels(a, la) || !canonical_labels(b, lb)) return false;
  return la == lb;
}

std::vector<finding> check_response(const message& response, const question& asked, std::uint16_t id) noexcept {
  std::vector<finding> out;
  if (!response.qr)
    out.push_back({code::dns_response_not_a_response,
                   "the message has QR clear: it is a query, not a response", 0, 0});
  else if (response.opcode != 0)
    out.push_back({code::dns_response_not_a_response,
                   "the response has OPCODE " + num(response.opcode) + ", not 0 (a standard query)", 0, 0});
  if (response.id != id)
    out.push_back({code::dns_response_id_mismatch,
                   "the response has ID " + num(response.id) + "; the query had ID " + num(id), 0, 0});
  const std::string want = quote(asked.name) + " " + type_name(asked.type) +
                           (asked.klass == class_in ? std::string() : " class " + num(asked.klass));
  if (response.questions.size() != 1) {
    out.push_back({code::dns_response_question_mismatch,
                   "the response has " + count_of(response.questions.size(), "question", "questions") +
                       "; it should repeat the one question asked, " + want,
                   0, 0});
  } else {
    const question& q = response.questions.front();
    if (!names_equal(q.name, asked.name) || q.type != asked.type || q.klass != asked.klass)
      out.push_back({code::dns_response_question_mismatch,
                     "the response answers " + quote(q.name) + " " + type_name(q.type) +
                         (q.klass == class_in ? std::string() : " class " + num(q.klass)) + ", but the query asked " +
                         want,
                     0, 0});
  }
  return out;
}

answer_set follow_answer(const message& response, std::string_view name, rr_type type) noexcept {
  answer_set out;
  std::string current(name);
  // RFC 1034 §3.6.2: "CNAME chains should be followed and CNAME loops signalled as an error."
  if (type != rr_type::cname) {
    std::vector<std::string> visited{current};
    for (;;) {
      const name_data* alias = nullptr;
      for (const auto& rr : response.answers)
        if (rr.type == rr_type::cname && rr.klass == class_in && names_equal(rr.name, current))
          if ((alias = std::get_if<name_data>(&rr.data)) != nullptr) break;
      if (alias == nullptr) break;
      bool seen = false;
      for (const auto& v : visited) seen = seen || names_equal(v, alias->name);
      if (seen || out.aliases.size() >= max_cname_links) {
        std::string chain = quote(std::string(name));
        for (const auto& a : out.aliases) chain += " -> " + quote(a);
        chain += " -> " + quote(alias->name);
        out.findings.push_back(
            {code::dns_answer_cname_loop,
             seen ? "the CNAME chain returns to a name it passed: " + chain
                  : "the CNAME chain is longer than " + num(max_cname_links) + " links: " + chain,
             0, 0});
        out.name = alias->name;
        out.aliases.push_back(alias->name);
        return out;
      }
      out.aliases.push_back(alias->name);
      visited.push_back(alias->name);
      current = alias->name;
    }
  }
  for (const auto& rr : response.answers)
    if (rr.type == type && rr.klass == class_in && names_equal(rr.name, current)) out.records.push_back(rr);
  out.name = std::move(current);
  return out;
}

}  // namespace mtasts::dns
