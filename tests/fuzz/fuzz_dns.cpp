// Fuzzes the DNS codec (RFC 1035 §4): decode() of any bytes as a DoH
// response body, then what the engine does with a decoded message
// (check_response, follow_answer), and encode_query() of any name.
//
// Invariants: a message comes back exactly when no finding is an error, and
// then with at most one error-free decode; names in presentation form carry
// no byte that could smuggle structure (no NUL, no control byte, no byte
// over 0x7E: those are written \DDD); every name equals itself under
// names_equal(); a message answers its own question (check_response is empty
// for a QUERY response with one question); a query that encode_query()
// accepts decodes back to one question with that name and type.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "mtasts/base64.h"
#include "mtasts/dns.h"

namespace dns = mtasts::dns;

namespace {

void require_presentation(const std::string& name) {
  for (unsigned char c : name) MTASTS_FUZZ_REQUIRE(c > 0x20 && c < 0x7F, name);
  MTASTS_FUZZ_REQUIRE(dns::names_equal(name, name), name);
}

void require_records(const std::vector<dns::record>& rrs) {
  for (const auto& rr : rrs) {
    require_presentation(rr.name);
    if (const auto* n = std::get_if<dns::name_data>(&rr.data)) require_presentation(n->name);
    if (const auto* m = std::get_if<dns::mx_data>(&rr.data)) require_presentation(m->exchange);
    if (const auto* t = std::get_if<dns::txt_data>(&rr.data))
      for (const auto& s : t->strings) MTASTS_FUZZ_REQUIRE(s.size() <= 255, rr.name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto r = dns::decode(data, size);
  std::size_t errors = 0;
  for (const auto& f : r.findings) {
    MTASTS_FUZZ_REQUIRE(!f.message.empty(), "a finding without a message");
    if (mtasts::code_severity(f.code) == mtasts::severity::error) ++errors;
  }
  MTASTS_FUZZ_REQUIRE(r.msg.has_value() == (errors == 0), "msg set though an error was found, or missing without one");
  MTASTS_FUZZ_REQUIRE(errors <= 1, "decoding goes on after an error");
  if (r.msg) {
    const auto& m = *r.msg;
    for (const auto& q : m.questions) require_presentation(q.name);
    require_records(m.answers);
    require_records(m.authority);
    require_records(m.additional);
    if (m.questions.size() == 1 && m.qr && m.opcode == 0)
      MTASTS_FUZZ_REQUIRE(dns::check_response(m, m.questions[0], m.id).empty(), m.questions[0].name);
    for (const auto& q : m.questions) {
      const auto a = dns::follow_answer(m, q.name, q.type);
      require_records(a.records);
      for (const auto& alias : a.aliases) require_presentation(alias);
      for (const auto& rr : a.records) MTASTS_FUZZ_REQUIRE(dns::names_equal(rr.name, a.name), rr.name);
    }
    (void)dns::type_name(static_cast<dns::rr_type>(m.answers.empty() ? 0 : static_cast<int>(m.answers[0].type)));
    (void)dns::rcode_name(m.rcode);
  }

  // The same bytes as a name to ask for.
  const std::string name(reinterpret_cast<const char*>(data), size < 300 ? size : 300);
  const auto type = static_cast<dns::rr_type>(size > 0 ? data[0] : 1);
  const auto q = dns::encode_query(name, type);
  MTASTS_FUZZ_REQUIRE(q.ok() != q.bytes.empty(), name);
  if (q.ok()) {
    const auto back = dns::decode(q.bytes);
    MTASTS_FUZZ_REQUIRE(back.msg.has_value(), name);
    MTASTS_FUZZ_REQUIRE(back.msg->questions.size() == 1, name);
    MTASTS_FUZZ_REQUIRE(dns::names_equal(back.msg->questions[0].name, name), name);
    MTASTS_FUZZ_REQUIRE(back.msg->questions[0].type == type, name);
    const auto b64 = mtasts::base64_encode(q.bytes, mtasts::base64_alphabet::url);
    MTASTS_FUZZ_REQUIRE(b64.size() == (q.bytes.size() * 4 + 2) / 3, b64);
    const auto back64 = mtasts::base64_decode(b64);
    MTASTS_FUZZ_REQUIRE(back64 && *back64 == std::string(q.bytes.begin(), q.bytes.end()), b64);
  }
  return 0;
}
