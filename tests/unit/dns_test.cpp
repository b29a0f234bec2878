// Tests for the DNS wire-format codec (dns.h): RFC 1035 §3.1, §3.3, §4.1,
// RFC 3596 §2, RFC 3597 §4, RFC 4648 §5, RFC 5952 §4, RFC 6891 §6, RFC 8484 §4.1.
//
// Every message here is handcrafted octet by octet with the `wire` builder,
// so each test says exactly which bytes it feeds the decoder. The table of
// malformed messages is the proof for the dns.* codes (dns_asserted_codes(),
// read by the coverage guard in codes_test.cpp); the robustness cases feed
// thousands of random and mutated messages, each copied into an exactly-sized
// heap buffer so that AddressSanitizer sees any read past the end.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/base64.h"
#include "mtasts/dns.h"
#include "test_support.h"

namespace dns = mtasts::dns;
using dns::rr_type;

namespace {

// Header flag bits (RFC 1035 §4.1.1, RFC 4035 §3.2) as one 16-bit word.
constexpr unsigned QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080, AD = 0x0020, CD = 0x0010;
constexpr unsigned RESPONSE = QR | RD | RA;  // a recursive resolver's usual answer

/** Builds a message octet by octet. */
struct wire {
  std::vector<std::uint8_t> b;
  std::size_t rdlength_at = 0;

  wire& u8(unsigned v) {
    b.push_back(static_cast<std::uint8_t>(v & 0xFF));
    return *this;
  }
  wire& u16(unsigned v) { return u8(v >> 8).u8(v); }
  wire& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
  wire& raw(std::initializer_list<unsigned> v) {
    for (unsigned x : v) u8(x);
    return *this;
  }
  wire& text(std::string_view s) {
    for (char c : s) u8(static_cast<unsigned char>(c));
    return *this;
  }
  wire& fill(std::size_t n, unsigned v) {
    for (std::size_t i = 0; i < n; ++i) u8(v);
    return *this;
  }
  /** Length-prefixed labels of a dotted name, without the root octet. */
  wire& labels(std::string_view dotted) {
    while (!dotted.empty()) {
      const std::size_t dot = dotted.find('.');
      const std::string_view l = dotted.substr(0, dot);
      u8(static_cast<unsigned>(l.size())).text(l);
      if (dot == std::string_view::npos) break;
      dotted.remove_prefix(dot + 1);
    }
    return *this;
  }
  /** A whole uncompressed name; "" is the root. */
  wire& name(std::string_view dotted) { return labels(dotted).u8(0); }
  /** A compression pointer to `offset` (RFC 1035 §4.1.4). */
  wire& ptr(std::size_t offset) { return u16(0xC000u | static_cast<unsigned>(offset)); }
  wire& header(unsigned flags, unsigned qd, unsigned an, unsigned ns = 0, unsigned ar = 0, unsigned id = 0) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  wire& question(std::string_view n, rr_type t, unsigned klass = 1) {
    return name(n).u16(static_cast<unsigned>(t)).u16(klass);
  }
  /** TYPE CLASS TTL and a RDLENGTH that end() fills in; the owner name comes before. */
  wire& rr(rr_type t, std::uint32_t ttl = 300, unsigned klass = 1) {
    u16(static_cast<unsigned>(t)).u16(klass).u32(ttl);
    rdlength_at = b.size();
    return u16(0);
  }
  wire& end() {
    const std::size_t len = b.size() - rdlength_at - 2;
    b[rdlength_at] = static_cast<std::uint8_t>(len >> 8);
    b[rdlength_at + 1] = static_cast<std::uint8_t>(len & 0xFF);
    return *this;
  }
  /** RDLENGTH stated by hand (for lies). */
  wire& rr_len(rr_type t, unsigned rdlength, std::uint32_t ttl = 300, unsigned klass = 1) {
    return u16(static_cast<unsigned>(t)).u16(klass).u32(ttl).u16(rdlength);
  }
  std::size_t here() const { return b.size(); }
};

/** Decodes from an exactly-sized heap copy, so that ASan catches any overread. */
dns::decode_result decode_exact(const std::vector<std::uint8_t>& bytes) {
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[bytes.size() ? bytes.size() : 1]);
  if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
  return dns::decode(bytes.empty() ? nullptr : copy.get(), bytes.size());
}

std::string hex(const std::vector<std::uint8_t>& b, std::size_t max = 80) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size() && i < max; ++i) {
    if (i) out += ' ';
    out += digits[b[i] >> 4];
    out += digits[b[i] & 0xF];
  }
  if (b.size() > max) out += " ...(" + std::to_string(b.size()) + " octets)";
  return out;
}

/** A name as this codec returns it: LDH and `_` literal, `\DDD` escapes, dots between labels, <= 255 octets. */
bool well_formed_name(const std::string& s) {
  std::size_t octets = 1, label = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (label == 0) return false;
      octets += 1 + label;
      label = 0;
      continue;
    }
    if (c == '\\') {
      if (i + 3 >= s.size()) return false;
      for (std::size_t k = 1; k <= 3; ++k)
        if (s[i + k] < '0' || s[i + k] > '9') return false;
      const int v = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
      if (v > 255) return false;
      const bool ldh = (v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9') || v == '-' ||
                       v == '_';
      if (ldh) return false;  // never escaped
      i += 3;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_')) {
      return false;
    }
    ++label;
  }
  if (!s.empty()) {
    if (label == 0) return false;
    octets += 1 + label;
  }
  return octets <= 255;
}

/** The checks every decode result must pass, whatever the input. */
void check_decoded(const dns::decode_result& r) {
  std::size_t errors = 0;
  for (const auto& f : r.findings) {
    CAPTURE(mtasts_test::describe(r.findings));
    if (mtasts::code_severity(f.code) == mtasts::severity::error) ++errors;
    const std::string_view name = mtasts::code_name(f.code);
    CHECK((name.substr(0, 4) == "dns." || f.code == mtasts::code::lint_truncated));
    CHECK_FALSE(f.message.empty());
    CHECK(f.line == 0);
    CHECK(f.column == 0);
  }
  CHECK(r.msg.has_value() == (errors == 0));
  CHECK(errors <= 1);
  if (!r.msg) return;
  for (const auto& q : r.msg->questions) CHECK(well_formed_name(q.name));
  for (const auto* section : {&r.msg->answers, &r.msg->authority, &r.msg->additional})
    for (const auto& rr : *section) {
      CAPTURE(rr.name);
      CHECK(well_formed_name(rr.name));
      CHECK(rr.type != rr_type::opt);
      if (const auto* n = std::get_if<dns::name_data>(&rr.data)) CHECK(well_formed_name(n->name));
      if (const auto* m = std::get_if<dns::mx_data>(&rr.data)) CHECK(well_formed_name(m->exchange));
      if (const auto* s = std::get_if<dns::soa_data>(&rr.data)) {
        CHECK(well_formed_name(s->mname));
        CHECK(well_formed_name(s->rname));
      }
      if (const auto* t = std::get_if<dns::txt_data>(&rr.data))
        for (const auto& str : t->strings) CHECK(str.size() <= 255);
    }
}

// ---------------------------------------------------------------------------
// Realistic responses (RFC 1035 §4.1), built once and reused by the robustness tests.

/** example.com MX: two records, owner and exchange compressed against the question. */
std::vector<std::uint8_t> mx_response() {
  wire w;
  w.header(RESPONSE, 1, 2, 0, 0, 0);
  w.question("example.com", rr_type::mx);  // name at 12; "com" at 20
  w.ptr(12).rr(rr_type::mx, 3600).u16(10).labels("mx1").ptr(12).end();
  w.ptr(12).rr(rr_type::mx, 3600).u16(20).labels("mx2").ptr(12).end();
  return w.b;
}

/** A 300-octet MTA-STS record split 255 + 45, next to an unrelated TXT record. */
std::string long_sts_record() {
  std::string s = "v=STSv1; id=20240101T000000; note=";
  s += std::string(300 - s.size(), 'x');
  return s;
}
std::vector<std::uint8_t> txt_response() {
  const std::string rec = long_sts_record();
  wire w;
  w.header(RESPONSE, 1, 2);
  w.question("_mta-sts.example.com", rr_type::txt);
  w.ptr(12).rr(rr_type::txt).u8(255).text(rec.substr(0, 255)).u8(45).text(rec.substr(255)).end();
  w.ptr(12).rr(rr_type::txt).u8(13).text("hello, world!").end();
  return w.b;
}

/** _mta-sts.a.example -> _mta-sts.b.example -> TXT, with 0x20 mixed case in the answers. */
std::vector<std::uint8_t> cname_response() {
  wire w;
  w.header(RESPONSE, 1, 2);
  w.question("_mta-sts.a.example", rr_type::txt);  // "_mta-sts" at 12, "a" at 21, "example" at 23
  w.ptr(12).rr(rr_type::cname).labels("_MTA-STS.b").ptr(23).end();
  const std::size_t target = w.here() - 13;  // the CNAME target: 13 octets of RDATA
  w.ptr(target).rr(rr_type::txt).u8(22).text("v=STSv1; id=2024010100").end();
  return w.b;
}

/** SOA RDATA for example.com (compressed against the question at 12 with "example.com"). */
wire& soa_rdata(wire& w, std::size_t zone) {
  return w.labels("ns1").ptr(zone).labels("hostmaster").ptr(zone).u32(2024010101).u32(7200).u32(3600).u32(1209600).u32(
      300);
}

std::vector<std::uint8_t> nxdomain_response() {
  wire w;
  w.header(RESPONSE | 3u, 1, 0, 1);  // RCODE 3
  w.question("_mta-sts.nope.example.com", rr_type::txt);  // "example.com" at 12 + 9 + 5 = 26
  w.ptr(26).rr(rr_type::soa, 900);
  soa_rdata(w, 26).end();
  return w.b;
}

std::vector<std::uint8_t> nodata_response() {
  wire w;
  w.header(RESPONSE, 1, 0, 1);
  w.question("example.com", rr_type::tlsa);
  w.ptr(12).rr(rr_type::soa, 900);
  soa_rdata(w, 12).end();
  return w.b;
}

/** SERVFAIL with an OPT record carrying an Extended DNS Error (RFC 8914: 6 = DNSSEC Bogus). */
std::vector<std::uint8_t> servfail_response() {
  wire w;
  w.header(RESPONSE | 2u, 1, 0, 0, 1);
  w.question("_mta-sts.bogus.example", rr_type::txt);
  w.name("").rr(rr_type::opt, 0x00008000u, 1232).u16(15).u16(2 + 12).u16(6).text("RRSIG failed").end();
  return w.b;
}

/** _25._tcp.mx.example.com TLSA 3 1 1 <sha-256>, AD set by the validating resolver. */
std::vector<std::uint8_t> tlsa_response() {
  wire w;
  w.header(RESPONSE | AD, 1, 1);
  w.question("_25._tcp.mx.example.com", rr_type::tlsa);
  w.ptr(12).rr(rr_type::tlsa, 3600).u8(3).u8(1).u8(1);
  for (unsigned i = 0; i < 32; ++i) w.u8(i * 7 + 1);
  w.end();
  return w.b;
}

std::vector<std::vector<std::uint8_t>> realistic_responses() {
  return {mx_response(),       txt_response(),      cname_response(), nxdomain_response(),
          nodata_response(),   servfail_response(), tlsa_response()};
}

// ---------------------------------------------------------------------------
// The table of malformed (and merely odd) messages.

struct decode_case {
  std::string name;
  std::vector<std::uint8_t> bytes;
  std::set<std::string> codes;  ///< the exact set of codes expected
  bool usable = false;          ///< a message is returned
  std::string says;             ///< a fragment of some finding's message
};

decode_case bad(std::string name, const wire& w, const char* code, std::string says = {}) {
  return {std::move(name), w.b, {code}, false, std::move(says)};
}
decode_case odd(std::string name, const wire& w, std::set<std::string> codes, std::string says = {}) {
  return {std::move(name), w.b, std::move(codes), true, std::move(says)};
}

/** Questions 1..k where question 1 is the root and question j points at question j-1: j-1 pointer hops. */
wire pointer_chain(unsigned k) {
  wire w;
  w.header(RESPONSE, k, 0);
  std::size_t prev = w.here();
  w.question("", rr_type::a);
  for (unsigned j = 2; j <= k; ++j) {
    const std::size_t at = w.here();
    w.ptr(prev).u16(1).u16(1);
    prev = at;
  }
  return w;
}

/** One question whose name has labels of these lengths. */
wire name_of_labels(std::initializer_list<std::size_t> lengths) {
  wire w;
  w.header(RESPONSE, 1, 0);
  for (std::size_t n : lengths) w.u8(static_cast<unsigned>(n)).fill(n, 'a');
  w.u8(0).u16(1).u16(1);
  return w;
}

/** A response to example.com <t> with one answer whose RDATA is `rdata` (RDLENGTH exact). */
wire one_answer(rr_type t, std::initializer_list<unsigned> rdata, unsigned klass = 1, std::uint32_t ttl = 300) {
  wire w;
  w.header(RESPONSE, 1, 1);
  w.question("example.com", t);
  w.ptr(12).rr(t, ttl, klass).raw(rdata).end();
  return w;
}

const std::vector<decode_case>& decode_cases() {
  static const std::vector<decode_case> cases = [] {
    std::vector<decode_case> v;
    const auto q_only = [] {
      wire w;
      w.header(RESPONSE, 1, 0).question("example.com", rr_type::txt);
      return w;
    };

    // ---- header and counts (RFC 1035 §4.1.1) -------------------------------------
    v.push_back(bad("empty body", wire{}, "dns.message.short", "0 octets"));
    v.push_back(bad("11 octets: the header cut short", wire{}.raw({0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0}),
                    "dns.message.short", "11 octets"));
    v.push_back(bad("TC set", wire{}.header(RESPONSE | TC, 1, 0).question("example.com", rr_type::txt),
                    "dns.message.truncated", "TC bit"));
    v.push_back(bad("TC set on an otherwise broken message", wire{}.header(RESPONSE | TC, 1, 5),
                    "dns.message.truncated"));
    v.push_back(bad("one octet after the last record", q_only().u8(0), "dns.message.trailing_bytes",
                    "1 octet follows"));
    v.push_back(bad("a whole extra record the counts do not announce",
                    q_only().ptr(12).rr(rr_type::a).raw({192, 0, 2, 1}).end(), "dns.message.trailing_bytes",
                    "16 octets follow"));
    v.push_back(bad("QDCOUNT 1 and no question", wire{}.header(RESPONSE, 1, 0), "dns.count.exceeds_data",
                    "1 question"));
    v.push_back(bad("the question ends inside its QTYPE",
                    wire{}.header(RESPONSE, 1, 0).name("example.com").u8(0), "dns.count.exceeds_data",
                    "QTYPE"));
    v.push_back(bad("65,535 answers claimed, one present",
                    wire{}.header(RESPONSE, 1, 65535).question("example.com", rr_type::a).ptr(12).rr(rr_type::a)
                        .raw({192, 0, 2, 1}).end(),
                    "dns.count.exceeds_data", "65535 answers"));
    v.push_back(bad("65,535 of every section claimed in a bare header",
                    wire{}.header(RESPONSE, 65535, 65535, 65535, 65535), "dns.count.exceeds_data"));
    {
      wire w = q_only();
      w.b[7] = 1;  // ANCOUNT 1
      w.ptr(12).u16(16).u16(1).u8(0);
      v.push_back(bad("the message ends inside an answer's TYPE..RDLENGTH", w, "dns.count.exceeds_data",
                      "RDLENGTH"));
    }
    wire lying_rdlength = wire{}.header(RESPONSE, 1, 1).question("example.com", rr_type::a);
    lying_rdlength.ptr(12).rr_len(rr_type::a, 4).raw({192, 0});
    v.push_back(bad("RDLENGTH 4 with 2 octets left", lying_rdlength, "dns.count.exceeds_data", "RDLENGTH 4"));
    wire answers_missing = wire{}.header(RESPONSE, 1, 2).question("example.com", rr_type::a);
    answers_missing.ptr(12).rr(rr_type::a).raw({192, 0, 2, 1}).end();
    v.push_back(bad("ANCOUNT 2, one answer", answers_missing, "dns.count.exceeds_data", "answer 2 of 2"));
    v.push_back(bad("NSCOUNT 1, no authority record", wire{}.header(RESPONSE, 0, 0, 1), "dns.count.exceeds_data",
                    "authority record"));
    v.push_back(bad("the name ends inside a label", wire{}.header(RESPONSE, 1, 0).raw({5, 'a', 'b'}),
                    "dns.count.exceeds_data"));
    v.push_back(bad("the name has no root octet before the end",
                    wire{}.header(RESPONSE, 1, 0).labels("example.com"), "dns.count.exceeds_data"));
    v.push_back(bad("the message ends after a pointer's first octet", wire{}.header(RESPONSE, 1, 0).u8(0xC0),
                    "dns.count.exceeds_data"));

    // ---- compression pointers (RFC 1035 §4.1.4) ---------------------------------
    v.push_back(bad("a pointer forward", wire{}.header(RESPONSE, 1, 0).ptr(20).u16(1).u16(1).name("x"),
                    "dns.name.pointer_forward", "offset 12 to offset 20"));
    v.push_back(bad("a pointer beyond the end of the message", wire{}.header(RESPONSE, 1, 0).ptr(0x3FFF),
                    "dns.name.pointer_forward", "offset 16383"));
    v.push_back(bad("a pointer to itself", wire{}.header(RESPONSE, 1, 0).ptr(12).u16(1).u16(1),
                    "dns.name.pointer_loop", "offset 12 to offset 12"));
    v.push_back(bad("a pointer back into its own labels (prior to itself, and still a loop)",
                    wire{}.header(RESPONSE, 1, 0).labels("a").ptr(12).u16(1).u16(1), "dns.name.pointer_loop",
                    "offset 14 to offset 12"));
    {
      // question 1 at 12: "a" then a pointer to 20 (forward); at 20: "b" and a pointer back to 12.
      wire w;
      w.header(RESPONSE, 1, 0).labels("a").ptr(20).u16(1).u16(1).labels("b").ptr(12);
      v.push_back(bad("a two-pointer loop is refused at its forward pointer", w, "dns.name.pointer_forward"));
    }
    {
      // the answer's owner jumps back to question 2, whose labels point back into the answer's
      // run: each pointer is prior to itself, the second lands after the first run's start.
      wire w;
      w.header(RESPONSE, 2, 1).question("example.com", rr_type::a);  // 12..28
      const std::size_t q2 = w.here();                                  // 29
      w.labels("x").ptr(12).u16(1).u16(1);
      w.labels("y").ptr(q2).rr(rr_type::a).raw({192, 0, 2, 1}).end();
      v.push_back(odd("pointers to prior names across sections are fine", w, {}));
    }
    v.push_back(bad("a pointer into the header", wire{}.header(RESPONSE, 1, 0).ptr(4).u16(1).u16(1),
                    "dns.name.pointer_invalid", "inside the 12-octet header"));
    v.push_back(bad("a pointer to offset 0", wire{}.header(RESPONSE, 1, 0).ptr(0).u16(1).u16(1),
                    "dns.name.pointer_invalid"));
    {
      // question 1: label of two 0x3F octets; the answer's owner points at the second octet of that
      // label, which reads as a length of 63 and runs off the end of the message.
      wire w;
      w.header(RESPONSE, 1, 1).raw({2, 0x3F, 0x3F, 0}).u16(1).u16(1);
      w.ptr(13).rr(rr_type::a).raw({192, 0, 2, 1}).end();
      v.push_back(bad("a pointer to octets that run past the end without a name", w, "dns.name.pointer_invalid",
                      "run past the end"));
    }
    v.push_back(odd("127 pointer hops in one name are accepted", pointer_chain(128), {}));
    v.push_back(bad("128 pointer hops in one name are refused", pointer_chain(129), "dns.name.pointer_loop",
                    "more than 127 compression pointers"));

    // ---- names and labels (RFC 1035 §3.1) ---------------------------------------
    v.push_back(odd("a name of exactly 255 octets", name_of_labels({63, 63, 63, 61}), {}));
    v.push_back(bad("a name of 256 octets", name_of_labels({63, 63, 63, 62}), "dns.name.too_long",
                    "more than 255 octets"));
    v.push_back(bad("a name of 130 one-octet labels", name_of_labels(std::initializer_list<std::size_t>{
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          1, 1, 1, 1, 1, 1, 1, 1, 1, 1}),
                    "dns.name.too_long"));
    {
      wire ok = name_of_labels({63, 63, 63});  // question name: 193 octets
      ok.b[7] = 1;                              // ANCOUNT 1
      ok.u8(61).fill(61, 'b').ptr(12).rr(rr_type::a).raw({192, 0, 2, 1}).end();
      v.push_back(odd("a compressed name that expands to exactly 255 octets", ok, {}));
      wire big = name_of_labels({63, 63, 63});
      big.b[7] = 1;
      big.u8(62).fill(62, 'b').ptr(12).rr(rr_type::a).raw({192, 0, 2, 1}).end();
      v.push_back(bad("a compressed name that expands to 256 octets", big, "dns.name.too_long"));
    }
    v.push_back(bad("label type 01 (a length octet of 64)",
                    wire{}.header(RESPONSE, 1, 0).u8(64).fill(64, 'a').u8(0).u16(1).u16(1),
                    "dns.label.reserved_type", "0x40"));
    v.push_back(bad("label type 01 (0x7F)", wire{}.header(RESPONSE, 1, 0).u8(0x7F).fill(127, 'a').u8(0),
                    "dns.label.reserved_type", "top bits 01"));
    v.push_back(bad("label type 10 (0x80)", wire{}.header(RESPONSE, 1, 0).u8(0x80).u8(0),
                    "dns.label.reserved_type", "top bits 10"));
    v.push_back(bad("label type 10 (0xBF) after a good label",
                    wire{}.header(RESPONSE, 1, 0).labels("example").u8(0xBF).u8(0), "dns.label.reserved_type",
                    "offset 20"));
    {
      wire w = q_only();
      w.b[7] = 1;
      w.labels("x").u8(0x41).u8(0).rr(rr_type::a).raw({192, 0, 2, 1}).end();
      v.push_back(bad("label type 01 in an answer's owner", w, "dns.label.reserved_type", "answer 1 of 1"));
    }

    // ---- RDATA sizes (RFC 1035 §4.1.3, §3.3, §3.4.1; RFC 3596 §2.2) -------------------
    v.push_back(bad("A with 3 octets", one_answer(rr_type::a, {192, 0, 2}), "dns.rdata.length_mismatch",
                    "RDLENGTH 3"));
    v.push_back(bad("A with 5 octets", one_answer(rr_type::a, {192, 0, 2, 1, 0}), "dns.rdata.length_mismatch",
                    "exactly 4"));
    v.push_back(bad("AAAA with 15 octets",
                    one_answer(rr_type::aaaa, {0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                    "dns.rdata.length_mismatch", "exactly 16"));
    v.push_back(bad("AAAA with 17 octets",
                    one_answer(rr_type::aaaa, {0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}),
                    "dns.rdata.length_mismatch"));
    v.push_back(bad("MX with 2 octets", one_answer(rr_type::mx, {0, 10}), "dns.rdata.length_mismatch"));
    {
      // RDLENGTH 5 covers 00 0A 03 'm' 'x'; the octets after it would complete "mx1" -- they must not be read.
      wire w;
      w.header(RESPONSE, 1, 1).question("example.com", rr_type::mx);
      w.ptr(12).rr_len(rr_type::mx, 5).raw({0, 10, 3, 'm', 'x'});
      w.raw({'1', 0});
      v.push_back(bad("an MX exchange that runs past RDLENGTH into the next octets", w,
                      "dns.rdata.length_mismatch", "past the end of the RDATA"));
      wire p;
      p.header(RESPONSE, 1, 1).question("example.com", rr_type::mx);
      p.ptr(12).rr_len(rr_type::mx, 3).raw({0, 10, 0xC0}).u8(12);
      v.push_back(bad("an MX exchange pointer split by RDLENGTH", p, "dns.rdata.length_mismatch"));
    }
    v.push_back(bad("MX with an octet after the exchange", one_answer(rr_type::mx, {0, 10, 0, 0xFF}),
                    "dns.rdata.length_mismatch", "1 octet after the exchange name"));
    v.push_back(bad("CNAME with an octet after the name", one_answer(rr_type::cname, {1, 'a', 0xC0, 12, 7}),
                    "dns.rdata.length_mismatch", "after the name"));
    v.push_back(bad("CNAME whose name runs past RDLENGTH", one_answer(rr_type::cname, {3, 'a', 'b'}),
                    "dns.rdata.length_mismatch", "RDATA name"));
    v.push_back(bad("CNAME with RDLENGTH 0", one_answer(rr_type::cname, {}), "dns.rdata.length_mismatch"));
    v.push_back(bad("NS pointing forward", one_answer(rr_type::ns, {0xC0, 0x30}), "dns.name.pointer_forward"));
    v.push_back(bad("TLSA with 2 octets", one_answer(rr_type::tlsa, {3, 1}), "dns.rdata.length_mismatch",
                    "usage, selector and matching type"));
    v.push_back(bad("CAA with 1 octet", one_answer(rr_type::caa, {0}), "dns.rdata.length_mismatch"));
    v.push_back(bad("CAA whose tag length runs past RDATA", one_answer(rr_type::caa, {0, 10, 'i', 's', 's'}),
                    "dns.rdata.length_mismatch", "tag length 10"));
    v.push_back(bad("TXT whose character-string runs past RDATA", one_answer(rr_type::txt, {5, 'a', 'b'}),
                    "dns.rdata.length_mismatch", "character-string 1"));
    v.push_back(bad("TXT whose second character-string runs past RDATA",
                    one_answer(rr_type::txt, {1, 'a', 2, 'b'}), "dns.rdata.length_mismatch", "character-string 2"));
    {
      wire w;
      w.header(RESPONSE, 1, 1).question("example.com", rr_type::soa);
      w.ptr(12).rr(rr_type::soa).labels("ns1").ptr(12).labels("h").ptr(12).u32(1).u32(2).u32(3).u32(4).u16(5).end();
      v.push_back(bad("SOA with 18 octets of numbers", w, "dns.rdata.length_mismatch", "exactly 20"));
    }

    // ---- TXT (RFC 1035 §3.3.14) ------------------------------------------------------
    v.push_back(odd("TXT with RDLENGTH 0", one_answer(rr_type::txt, {}), {"dns.txt.empty_rdata"}, "RDLENGTH 0"));
    v.push_back(odd("TXT with one empty character-string is legal", one_answer(rr_type::txt, {0}), {}));

    // ---- class and TTL -------------------------------------------------------------
    v.push_back(odd("a CH-class TXT record", one_answer(rr_type::txt, {1, 'x'}, 3), {"dns.rr.class_not_in"},
                    "class 3"));
    v.push_back(odd("a TTL with the top bit set", one_answer(rr_type::a, {192, 0, 2, 1}, 1, 0x80000000u),
                    {"dns.rr.ttl_high_bit"}, "2147483648"));

    // ---- EDNS (RFC 6891 §6.1) ------------------------------------------------------------
    v.push_back(bad("an OPT record in the answer section",
                    wire{}.header(RESPONSE, 0, 1).name("").rr(rr_type::opt, 0, 1232).end(), "dns.opt.invalid",
                    "additional section"));
    v.push_back(bad("two OPT records",
                    wire{}.header(RESPONSE, 0, 0, 0, 2).name("").rr(rr_type::opt, 0, 1232).end().name("")
                        .rr(rr_type::opt, 0, 1232).end(),
                    "dns.opt.invalid", "second OPT"));
    v.push_back(bad("an OPT record not owned by the root",
                    wire{}.header(RESPONSE, 0, 0, 0, 1).name("example").rr(rr_type::opt, 0, 1232).end(),
                    "dns.opt.invalid", "owner must be the root"));
    v.push_back(bad("an OPT option that runs past RDATA",
                    wire{}.header(RESPONSE, 0, 0, 0, 1).name("").rr(rr_type::opt, 0, 1232).u16(15).u16(9).u16(6)
                        .end(),
                    "dns.rdata.length_mismatch", "option 1 (code 15)"));
    v.push_back(bad("an OPT option cut inside its code and length",
                    wire{}.header(RESPONSE, 0, 0, 0, 1).name("").rr(rr_type::opt, 0, 1232).raw({0, 15, 0}).end(),
                    "dns.rdata.length_mismatch", "4-octet code and length"));

    // ---- RFC 3597 §4: RDATA of other types is not decompressed ---------------------------
    v.push_back(odd("an unknown type whose RDATA looks like a loop", one_answer(rr_type{65280}, {0xC0, 0x2D}),
                    {}));
    v.push_back(odd("SVCB RDATA with a pointer-like octet pair",
                    one_answer(rr_type::svcb, {0, 1, 0xC0, 0x0C, 0, 1, 0, 2, 'h', '2'}), {}));
    return v;
  }();
  return cases;
}

// ---------------------------------------------------------------------------
// check_response() and follow_answer() tables

struct response_case {
  std::string name;
  std::vector<std::uint8_t> bytes;
  dns::question asked;
  std::uint16_t id;
  std::set<std::string> codes;
};

const std::vector<response_case>& response_cases() {
  static const std::vector<response_case> cases = [] {
    const dns::question txt{"_mta-sts.example.com", rr_type::txt, 1};
    const auto reply = [](unsigned flags, unsigned id, std::string_view qname, rr_type t, unsigned klass = 1) {
      return wire{}.header(flags, 1, 0, 0, 0, id).question(qname, t, klass).b;
    };
    std::vector<response_case> v;
    v.push_back({"the answer to the query", reply(RESPONSE, 0, "_mta-sts.example.com", rr_type::txt), txt, 0, {}});
    v.push_back({"another ID, answered with it", reply(RESPONSE, 4242, "_mta-sts.example.com", rr_type::txt), txt,
                 4242, {}});
    v.push_back({"0x20 mixed case in the echoed question", reply(RESPONSE, 0, "_MTA-StS.eXample.COM", rr_type::txt),
                 txt, 0, {}});
    v.push_back({"NXDOMAIN is an answer", nxdomain_response(),
                 dns::question{"_mta-sts.nope.example.com.", rr_type::txt, 1}, 0, {}});
    v.push_back({"QR clear: the query came back", reply(RD, 0, "_mta-sts.example.com", rr_type::txt), txt, 0,
                 {"dns.response.not_a_response"}});
    v.push_back({"OPCODE 2 (STATUS)", reply(RESPONSE | (2u << 11), 0, "_mta-sts.example.com", rr_type::txt), txt, 0,
                 {"dns.response.not_a_response"}});
    v.push_back({"another ID", reply(RESPONSE, 7, "_mta-sts.example.com", rr_type::txt), txt, 0,
                 {"dns.response.id_mismatch"}});
    v.push_back({"another name", reply(RESPONSE, 0, "_mta-sts.example.net", rr_type::txt), txt, 0,
                 {"dns.response.question_mismatch"}});
    v.push_back({"a parent name", reply(RESPONSE, 0, "example.com", rr_type::txt), txt, 0,
                 {"dns.response.question_mismatch"}});
    v.push_back({"another type", reply(RESPONSE, 0, "_mta-sts.example.com", rr_type::a), txt, 0,
                 {"dns.response.question_mismatch"}});
    v.push_back({"another class", reply(RESPONSE, 0, "_mta-sts.example.com", rr_type::txt, 3), txt, 0,
                 {"dns.response.question_mismatch"}});
    v.push_back({"no question", wire{}.header(RESPONSE | 1u, 0, 0).b, txt, 0, {"dns.response.question_mismatch"}});
    v.push_back({"two questions",
                 wire{}.header(RESPONSE, 2, 0).question("_mta-sts.example.com", rr_type::txt).ptr(12).u16(16).u16(1).b,
                 txt, 0, {"dns.response.question_mismatch"}});
    v.push_back({"everything wrong at once", reply(RD, 9, "example.org", rr_type::mx), txt, 0,
                 {"dns.response.not_a_response", "dns.response.id_mismatch", "dns.response.question_mismatch"}});
    return v;
  }();
  return cases;
}

/** A response whose answer section is the CNAME links given as (owner, target) pairs, then one TXT at `txt_owner`. */
std::vector<std::uint8_t> cname_links(const std::vector<std::pair<std::string, std::string>>& links,
                                      const std::string& txt_owner) {
  wire w;
  w.header(RESPONSE, 1, static_cast<unsigned>(links.size() + (txt_owner.empty() ? 0 : 1)));
  w.question(links.empty() ? txt_owner : links.front().first, rr_type::txt);
  for (const auto& l : links) w.name(l.first).rr(rr_type::cname).name(l.second).end();
  if (!txt_owner.empty()) w.name(txt_owner).rr(rr_type::txt).u8(3).text("abc").end();
  return w.b;
}

struct follow_case {
  std::string name;
  std::vector<std::uint8_t> bytes;
  std::string qname;
  rr_type type;
  std::vector<std::string> aliases;
  std::size_t records;
  std::set<std::string> codes;
};

const std::vector<follow_case>& follow_cases() {
  static const std::vector<follow_case> cases = [] {
    std::vector<follow_case> v;
    v.push_back({"no CNAME", txt_response(), "_mta-sts.example.com", rr_type::txt, {}, 2, {}});
    v.push_back({"a chain of one CNAME", cname_response(), "_mta-sts.a.example", rr_type::txt,
                 {"_MTA-STS.b.example"}, 1, {}});
    v.push_back({"asking for the CNAME itself does not follow it", cname_response(), "_mta-sts.a.example",
                 rr_type::cname, {}, 1, {}});
    v.push_back({"the chain, queried with a trailing dot and other case", cname_response(), "_MTA-STS.A.EXAMPLE.",
                 rr_type::txt, {"_MTA-STS.b.example"}, 1, {}});
    v.push_back({"NODATA: no records, no finding", nodata_response(), "example.com", rr_type::tlsa, {}, 0, {}});
    v.push_back({"NXDOMAIN: no records, no finding", nxdomain_response(), "_mta-sts.nope.example.com",
                 rr_type::txt, {}, 0, {}});
    v.push_back({"a chain to a name without the type", cname_links({{"a.example", "b.example"}}, ""), "a.example",
                 rr_type::txt, {"b.example"}, 0, {}});
    v.push_back({"a CNAME to itself", cname_links({{"a.example", "A.example"}}, "a.example"), "a.example",
                 rr_type::txt, {"A.example"}, 0, {"dns.answer.cname_loop"}});
    v.push_back({"a two-name loop", cname_links({{"a.example", "b.example"}, {"b.example", "a.example"}}, ""),
                 "a.example", rr_type::txt, {"b.example", "a.example"}, 0, {"dns.answer.cname_loop"}});
    std::vector<std::pair<std::string, std::string>> sixteen, seventeen;
    std::vector<std::string> targets;
    for (int i = 0; i < 17; ++i) {
      const std::pair<std::string, std::string> link{"n" + std::to_string(i) + ".example",
                                                     "n" + std::to_string(i + 1) + ".example"};
      if (i < 16) {
        sixteen.push_back(link);
        targets.push_back(link.second);
      }
      seventeen.push_back(link);
    }
    v.push_back({"a chain of 16 CNAMEs is followed", cname_links(sixteen, "n16.example"), "n0.example",
                 rr_type::txt, targets, 1, {}});
    v.push_back({"a chain of 17 CNAMEs is a loop", cname_links(seventeen, "n17.example"), "n0.example",
                 rr_type::txt, {}, 0, {"dns.answer.cname_loop"}});
    return v;
  }();
  return cases;
}

}  // namespace

namespace mtasts_test {

const std::set<std::string>& dns_asserted_codes() {
  // Derived from the tables the tests below iterate, so that it cannot claim a code no test asserts.
  static const std::set<std::string> codes = [] {
    std::set<std::string> out;
    for (const auto& c : decode_cases()) out.insert(c.codes.begin(), c.codes.end());
    for (const auto& c : response_cases()) out.insert(c.codes.begin(), c.codes.end());
    for (const auto& c : follow_cases()) out.insert(c.codes.begin(), c.codes.end());
    return out;
  }();
  return codes;
}

}  // namespace mtasts_test

// ===========================================================================

TEST_SUITE("dns.query") {
  TEST_CASE("the query for _mta-sts.example.com TXT, octet by octet") {
    const auto q = dns::encode_query("_mta-sts.example.com", rr_type::txt);
    REQUIRE(q.ok());
    CHECK(q.error.empty());
    // ID 0 (RFC 8484 §4.1); QR=0 OPCODE=0 RD=1; AD=1 (RFC 6840 §5.7) CD=0; QDCOUNT 1, no other records.
    const auto want = wire{}.header(RD | AD, 1, 0).question("_mta-sts.example.com", rr_type::txt).b;
    CHECK(hex(q.bytes) == hex(want));
    CHECK(q.bytes.size() == 12u + 22u + 4u);
  }

  TEST_CASE("names the encoder accepts") {
    struct row {
      const char* name;
      std::string input;
      rr_type type;
      std::string as;  // the equivalent name as wire{}.question() builds it
    };
    const std::string l63(63, 'a'), l61(61, 'c');
    const std::string longest = l63 + "." + l63 + "." + l63 + "." + l61;  // 253 characters, 255 octets
    const row rows[] = {
        {"trailing dot", "_mta-sts.example.com.", rr_type::txt, "_mta-sts.example.com"},
        {"upper case kept as given", "MX.Example.COM", rr_type::mx, "MX.Example.COM"},
        {"TLSA name with underscores", "_25._tcp.mx.example.com", rr_type::tlsa, "_25._tcp.mx.example.com"},
        {"A-label", "xn--mller-kva.example", rr_type::a, "xn--mller-kva.example"},
        {"single label", "localhost", rr_type::aaaa, "localhost"},
        {"digits and hyphens", "1-2.example", rr_type::caa, "1-2.example"},
        {"the root", ".", rr_type::ns, ""},
        {"a label of 63", l63 + ".example", rr_type::a, l63 + ".example"},
        {"a name of 253 characters (255 octets)", longest, rr_type::a, longest},
        {"the same with a trailing dot (254 characters)", longest + ".", rr_type::a, longest},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      const auto q = dns::encode_query(r.input, r.type);
      CAPTURE(q.error);
      REQUIRE(q.ok());
      CHECK(hex(q.bytes, 400) == hex(wire{}.header(RD | AD, 1, 0).question(r.as, r.type).b, 400));
    }
  }

  TEST_CASE("names the encoder refuses, with a reason and no bytes") {
    struct row {
      const char* name;
      std::string input;
      const char* reason;
    };
    const std::string l63(63, 'a');
    const row rows[] = {
        {"empty", "", "empty"},
        {"two dots", "..", "empty label"},
        {"leading dot", ".example.com", "empty label (label 1)"},
        {"empty label inside", "a..b", "empty label (label 2)"},
        {"two trailing dots", "example.com..", "empty label"},
        {"a label of 64", std::string(64, 'a') + ".com", "64 characters"},
        {"254 characters", l63 + "." + l63 + "." + l63 + "." + std::string(62, 'c'), "255 octets"},
        {"U-label", "m\xc3\xbcller.example", "A-labels"},
        {"space", "exa mple.com", "\" \""},
        {"slash", "a/b.example", "\"/\""},
        {"backslash escape", "a\\046b.example", "\"\\\\\""},
        {"wildcard", "*.example.com", "\"*\""},
        {"NUL", std::string("a\0b", 3), "\"\\x00\""},
        {"colon (an IPv6 literal)", "2001:db8::1", "\":\""},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      const auto q = dns::encode_query(r.input, rr_type::a);
      CAPTURE(q.error);
      CHECK_FALSE(q.ok());
      CHECK(q.bytes.empty());
      CHECK(q.error.find(r.reason) != std::string::npos);
    }
  }

  TEST_CASE("ID, CD, EDNS and DO") {
    dns::query_options o;
    o.id = 0xBEEF;
    o.checking_disabled = true;
    auto q = dns::encode_query("example.com", rr_type::mx, o);
    REQUIRE(q.ok());
    CHECK(hex(q.bytes) == hex(wire{}.header(RD | AD | CD, 1, 0, 0, 0, 0xBEEF).question("example.com", rr_type::mx).b));
    CHECK(hex(dns::encode_query("example.com", rr_type::mx, 0x1234).bytes) ==
          hex(wire{}.header(RD | AD, 1, 0, 0, 0, 0x1234).question("example.com", rr_type::mx).b));

    dns::query_options e;
    e.edns = true;
    q = dns::encode_query("example.com", rr_type::txt, e);
    REQUIRE(q.ok());
    // OPT: root owner, TYPE 41, CLASS = payload 1232, TTL 0 (EXT-RCODE 0, VERSION 0, DO 0), RDLENGTH 0.
    CHECK(hex(q.bytes) == hex(wire{}.header(RD | AD, 1, 0, 0, 1).question("example.com", rr_type::txt).name("")
                                  .rr(rr_type::opt, 0, 1232).end().b));
    dns::query_options d;
    d.dnssec_ok = true;  // implies EDNS
    q = dns::encode_query("example.com", rr_type::txt, d);
    REQUIRE(q.ok());
    CHECK(hex(q.bytes) == hex(wire{}.header(RD | AD, 1, 0, 0, 1).question("example.com", rr_type::txt).name("")
                                  .rr(rr_type::opt, 0x8000, 1232).end().b));
  }

  TEST_CASE("a query decodes back to what was asked") {
    dns::query_options o;
    o.id = 77;
    o.dnssec_ok = true;
    const auto q = dns::encode_query("_smtp._tls.Example.com.", rr_type::txt, o);
    REQUIRE(q.ok());
    const auto r = decode_exact(q.bytes);
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    CHECK(r.msg->id == 77);
    CHECK_FALSE(r.msg->qr);
    CHECK(r.msg->rd);
    CHECK(r.msg->ad);
    CHECK_FALSE(r.msg->cd);
    REQUIRE(r.msg->questions.size() == 1);
    CHECK(r.msg->questions[0] == dns::question{"_smtp._tls.Example.com", rr_type::txt, 1});
    REQUIRE(r.msg->edns);
    CHECK(r.msg->edns->udp_size == 1232);
    CHECK(r.msg->edns->dnssec_ok);
    CHECK(r.msg->additional.empty());
    // ... and check_response() says that a query is not a response.
    CHECK(mtasts_test::code_set(dns::check_response(*r.msg, r.msg->questions[0], 77)) ==
          std::set<std::string>{"dns.response.not_a_response"});
  }
}

TEST_SUITE("dns.query") {
  TEST_CASE("the query of RFC 8484 §4.1.1, as its dns parameter") {
    // "www.example.com" A, ID 0, RD only, as printed in the RFC.
    const auto b = wire{}.header(RD, 1, 0).question("www.example.com", rr_type::a).b;
    CHECK(mtasts::base64_encode(b, mtasts::base64_alphabet::url) == "AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB");
    // Ours differs only in AD.
    CHECK(mtasts::base64_encode(dns::encode_query("www.example.com", rr_type::a).bytes, mtasts::base64_alphabet::url) ==
          "AAABIAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB");
  }
}

TEST_SUITE("dns.decode") {
  TEST_CASE("malformed and odd messages: exact codes") {
    for (const auto& c : decode_cases()) {
      CAPTURE(c.name);
      CAPTURE(hex(c.bytes));
      const auto r = decode_exact(c.bytes);
      CAPTURE(mtasts_test::describe(r.findings));
      CHECK(mtasts_test::code_set(r.findings) == c.codes);
      CHECK(r.msg.has_value() == c.usable);
      if (!c.says.empty()) {
        bool found = false;
        for (const auto& f : r.findings) found = found || f.message.find(c.says) != std::string::npos;
        CHECK(found);
      }
      check_decoded(r);
    }
  }

  TEST_CASE("the table's codes have the severities the design gives them") {
    for (const auto& c : decode_cases()) {
      CAPTURE(c.name);
      for (const auto& code : c.codes) {
        mtasts::code id{};
        REQUIRE(mtasts::code_from_name(code, id));
        // Usable messages carry only warnings; refused ones exactly one error.
        CHECK((mtasts::code_severity(id) == mtasts::severity::error) == !c.usable);
      }
    }
  }

  TEST_CASE("MX answer with two records and compression") {
    const auto r = decode_exact(mx_response());
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    const auto& m = *r.msg;
    CHECK(m.qr);
    CHECK(m.rd);
    CHECK(m.ra);
    CHECK_FALSE(m.aa);
    CHECK_FALSE(m.tc);
    CHECK_FALSE(m.ad);
    CHECK(m.opcode == 0);
    CHECK(m.rcode == dns::rcode::noerror);
    REQUIRE(m.answers.size() == 2);
    CHECK(m.authority.empty());
    CHECK(m.additional.empty());
    CHECK_FALSE(m.edns);
    const dns::mx_data want[] = {{10, "mx1.example.com"}, {20, "mx2.example.com"}};
    for (std::size_t i = 0; i < 2; ++i) {
      CAPTURE(i);
      CHECK(m.answers[i].name == "example.com");
      CHECK(m.answers[i].type == rr_type::mx);
      CHECK(m.answers[i].klass == dns::class_in);
      CHECK(m.answers[i].ttl == 3600);
      const auto* mx = std::get_if<dns::mx_data>(&m.answers[i].data);
      REQUIRE(mx);
      CHECK(*mx == want[i]);
    }
    CHECK(dns::check_response(m, {"example.com", rr_type::mx, 1}).empty());
  }

  TEST_CASE("TXT answer: a 300-octet record in two character-strings, kept apart") {
    const auto r = decode_exact(txt_response());
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    REQUIRE(r.msg->answers.size() == 2);
    const auto* t = std::get_if<dns::txt_data>(&r.msg->answers[0].data);
    REQUIRE(t);
    REQUIRE(t->strings.size() == 2);
    CHECK(t->strings[0].size() == 255);
    CHECK(t->strings[1].size() == 45);
    CHECK(t->strings[0] + t->strings[1] == long_sts_record());
    const auto* other = std::get_if<dns::txt_data>(&r.msg->answers[1].data);
    REQUIRE(other);
    CHECK(other->strings == std::vector<std::string>{"hello, world!"});
  }

  TEST_CASE("TXT: empty and binary character-strings are data") {
    const auto r = decode_exact(one_answer(rr_type::txt, {0, 3, 0, 0xFF, '"', 0}).b);
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    const auto* t = std::get_if<dns::txt_data>(&r.msg->answers[0].data);
    REQUIRE(t);
    CHECK(t->strings == std::vector<std::string>{"", std::string("\0\xFF\"", 3), ""});
    const auto e = decode_exact(one_answer(rr_type::txt, {}).b);
    REQUIRE(e.msg);
    const auto* none = std::get_if<dns::txt_data>(&e.msg->answers[0].data);
    REQUIRE(none);
    CHECK(none->strings.empty());
  }

  TEST_CASE("CNAME chain answer: _mta-sts.a -> _mta-sts.b -> TXT") {
    const auto r = decode_exact(cname_response());
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    REQUIRE(r.msg->answers.size() == 2);
    CHECK(r.msg->answers[0].name == "_mta-sts.a.example");
    const auto* c = std::get_if<dns::name_data>(&r.msg->answers[0].data);
    REQUIRE(c);
    CHECK(c->name == "_MTA-STS.b.example");  // as sent: the case is not folded
    CHECK(r.msg->answers[1].name == "_MTA-STS.b.example");
    const auto a = dns::follow_answer(*r.msg, "_mta-sts.a.example", rr_type::txt);
    CHECK(a.findings.empty());
    CHECK(a.name == "_MTA-STS.b.example");
    CHECK(a.aliases == std::vector<std::string>{"_MTA-STS.b.example"});
    REQUIRE(a.records.size() == 1);
    const auto* t = std::get_if<dns::txt_data>(&a.records[0].data);
    REQUIRE(t);
    CHECK(t->strings == std::vector<std::string>{"v=STSv1; id=2024010100"});
  }

  TEST_CASE("NXDOMAIN with the zone's SOA in the authority section") {
    const auto r = decode_exact(nxdomain_response());
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    CHECK(r.msg->rcode == dns::rcode::nxdomain);
    CHECK(dns::rcode_name(r.msg->rcode) == "NXDOMAIN");
    CHECK(r.msg->answers.empty());
    REQUIRE(r.msg->authority.size() == 1);
    const auto& soa_rr = r.msg->authority[0];
    CHECK(soa_rr.name == "example.com");
    CHECK(soa_rr.type == rr_type::soa);
    CHECK(soa_rr.ttl == 900);
    const auto* soa = std::get_if<dns::soa_data>(&soa_rr.data);
    REQUIRE(soa);
    CHECK(*soa == dns::soa_data{"ns1.example.com", "hostmaster.example.com", 2024010101, 7200, 3600, 1209600, 300});
  }

  TEST_CASE("NODATA: NOERROR, no answer, the SOA in authority") {
    const auto r = decode_exact(nodata_response());
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    CHECK(r.msg->rcode == dns::rcode::noerror);
    CHECK(r.msg->answers.empty());
    REQUIRE(r.msg->authority.size() == 1);
    CHECK(std::holds_alternative<dns::soa_data>(r.msg->authority[0].data));
  }

  TEST_CASE("SERVFAIL with an Extended DNS Error in the OPT record") {
    const auto r = decode_exact(servfail_response());
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    CHECK(r.msg->rcode == dns::rcode::servfail);
    CHECK(dns::rcode_name(r.msg->rcode) == "SERVFAIL");
    CHECK(r.msg->answers.empty());
    CHECK(r.msg->additional.empty());  // the OPT pseudo-RR is not a record
    REQUIRE(r.msg->edns);
    CHECK(r.msg->edns->udp_size == 1232);
    CHECK(r.msg->edns->version == 0);
    CHECK(r.msg->edns->dnssec_ok);
    REQUIRE(r.msg->edns->options.size() == 1);
    CHECK(r.msg->edns->options[0].code == 15);
    REQUIRE(r.msg->edns->extended_errors.size() == 1);
    CHECK(r.msg->edns->extended_errors[0].info_code == 6);
    CHECK(r.msg->edns->extended_errors[0].extra_text == "RRSIG failed");
  }

  TEST_CASE("the OPT record extends the RCODE (RFC 6891 §6.1.3)") {
    // header RCODE 0, EXTENDED-RCODE 1: 16, BADVERS.
    const auto b = wire{}.header(RESPONSE, 0, 0, 0, 1).name("").rr(rr_type::opt, 0x01000000u, 512).u16(3).u16(0).end().b;
    const auto r = decode_exact(b);
    REQUIRE(r.msg);
    CHECK(r.msg->rcode == dns::rcode::badvers);
    CHECK(dns::rcode_name(r.msg->rcode) == "BADVERS");
    REQUIRE(r.msg->edns);
    CHECK(r.msg->edns->options.size() == 1);
    CHECK(r.msg->edns->extended_errors.empty());
    CHECK(r.msg->edns->udp_size == 512);
  }

  TEST_CASE("TLSA answer with AD set") {
    const auto r = decode_exact(tlsa_response());
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    CHECK(r.msg->ad);
    CHECK_FALSE(r.msg->cd);
    REQUIRE(r.msg->answers.size() == 1);
    CHECK(r.msg->answers[0].name == "_25._tcp.mx.example.com");
    const auto* t = std::get_if<dns::tlsa_data>(&r.msg->answers[0].data);
    REQUIRE(t);
    CHECK(t->usage == 3);
    CHECK(t->selector == 1);
    CHECK(t->matching == 1);
    REQUIRE(t->data.size() == 32);
    CHECK(t->data[0] == 1);
    CHECK(t->data[31] == 31 * 7 + 1);
  }

  TEST_CASE("all header bits") {
    const auto r = decode_exact(wire{}.header(QR | (5u << 11) | AA | RD | RA | AD | CD | 0x000F, 0, 0, 0, 0, 0xABCD).b);
    REQUIRE(r.msg);
    CHECK(r.msg->id == 0xABCD);
    CHECK(r.msg->qr);
    CHECK(r.msg->opcode == 5);
    CHECK(r.msg->aa);
    CHECK(r.msg->rd);
    CHECK(r.msg->ra);
    CHECK(r.msg->ad);
    CHECK(r.msg->cd);
    CHECK(static_cast<unsigned>(r.msg->rcode) == 15);
    CHECK(dns::rcode_name(r.msg->rcode) == "RCODE15");
  }

  TEST_CASE("A, CAA and a class other than IN") {
    auto r = decode_exact(one_answer(rr_type::a, {192, 0, 2, 255}).b);
    REQUIRE(r.msg);
    CHECK(std::get<dns::address_data>(r.msg->answers[0].data).address == "192.0.2.255");
    r = decode_exact(one_answer(rr_type::caa, {128, 5, 'i', 's', 's', 'u', 'e', 'c', 'a', '.', 'e', 'x'}).b);
    REQUIRE(r.msg);
    CHECK(std::get<dns::caa_data>(r.msg->answers[0].data) == dns::caa_data{128, "issue", "ca.ex"});
    r = decode_exact(one_answer(rr_type::caa, {0, 0}).b);
    REQUIRE(r.msg);
    CHECK(std::get<dns::caa_data>(r.msg->answers[0].data) == dns::caa_data{0, "", ""});
    // CH-class A: the RDATA of class-specific types is not interpreted outside IN.
    r = decode_exact(one_answer(rr_type::a, {1, 2}, 3).b);
    REQUIRE(r.msg);
    CHECK(r.msg->answers[0].klass == 3);
    CHECK(std::get<dns::raw_data>(r.msg->answers[0].data).bytes == std::vector<std::uint8_t>{1, 2});
  }

  TEST_CASE("AAAA text per RFC 5952") {
    struct row {
      const char* name;
      std::vector<unsigned> groups;
      const char* text;
    };
    const row rows[] = {
        {"documentation address", {0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
        {"unspecified", {0, 0, 0, 0, 0, 0, 0, 0}, "::"},
        {"loopback", {0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
        {"trailing zeros", {0xfe80, 0, 0, 0, 0, 0, 0, 0}, "fe80::"},
        {"one leading group", {1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
        {"a lone zero group is not compressed (§4.2.2)", {0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, "2001:db8:0:1:1:1:1:1"},
        {"the longest run is compressed (§4.2.3)", {0x2001, 0, 0, 1, 0, 0, 0, 1}, "2001:0:0:1::1"},
        {"the first of equal runs (§4.2.3)", {0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
        {"lower case, no leading zeros (§4.1, §4.3)", {0x2001, 0x0DB8, 0xABCD, 0x00EF, 0x0A, 0, 0xFFFF, 0x1},
         "2001:db8:abcd:ef:a:0:ffff:1"},
        {"no zero group", {1, 2, 3, 4, 5, 6, 7, 8}, "1:2:3:4:5:6:7:8"},
        {"zeros in the middle", {1, 0, 0, 0, 0, 0, 0, 8}, "1::8"},
        {"IPv4-mapped (§5)", {0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}, "::ffff:192.0.2.1"},
        {"IPv4-compatible stays hex", {0, 0, 0, 0, 0, 0, 0xc000, 0x0201}, "::c000:201"},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      wire w;
      w.header(RESPONSE, 1, 1).question("example.com", rr_type::aaaa).ptr(12).rr(rr_type::aaaa);
      for (unsigned g : r.groups) w.u16(g);
      w.end();
      const auto d = decode_exact(w.b);
      REQUIRE(d.msg);
      CHECK(std::get<dns::address_data>(d.msg->answers[0].data).address == r.text);
    }
  }

  TEST_CASE("names: case kept, hostile octets escaped as \\DDD") {
    // owner: one label "a.b" (a dot inside a label), then "x<NUL><FF> \" , then "example"
    wire w;
    w.header(RESPONSE, 1, 1).question("EXample", rr_type::a);
    w.raw({3, 'a', '.', 'b', 6, 'x', 0, 0xFF, ' ', '\\', '"'}).ptr(12).rr(rr_type::a).raw({192, 0, 2, 1}).end();
    const auto r = decode_exact(w.b);
    CAPTURE(mtasts_test::describe(r.findings));
    REQUIRE(r.msg);
    CHECK(r.msg->questions[0].name == "EXample");
    const std::string owner = r.msg->answers[0].name;
    CHECK(owner == "a\\046b.x\\000\\255\\032\\092\\034.EXample");
    CHECK(well_formed_name(owner));
    CHECK_FALSE(dns::names_equal(owner, "a.b.x.example"));
    CHECK(dns::names_equal(owner, "A\\046B.X\\000\\255\\032\\\\\\\".example"));
    // the root
    const auto root = decode_exact(wire{}.header(RESPONSE, 1, 0).question("", rr_type::ns).b);
    REQUIRE(root.msg);
    CHECK(root.msg->questions[0].name.empty());
  }

  TEST_CASE("RFC 3597 §4: RDATA of unknown types is kept raw, never decompressed") {
    const auto r = decode_exact(one_answer(rr_type{65280}, {0xC0, 0x0C, 3, 'a', 'b', 'c', 0}).b);
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    CHECK(std::get<dns::raw_data>(r.msg->answers[0].data).bytes ==
          std::vector<std::uint8_t>{0xC0, 0x0C, 3, 'a', 'b', 'c', 0});
    CHECK(dns::type_name(r.msg->answers[0].type) == "TYPE65280");
  }

  TEST_CASE("a full 64 KB message of 4,000 answers") {
    wire w;
    w.header(RESPONSE, 1, 4000).question("example.com", rr_type::a);
    for (unsigned i = 0; i < 4000; ++i) w.ptr(12).rr(rr_type::a).u32(0xC0000200u + i).end();
    REQUIRE(w.b.size() <= 65535);
    const auto r = decode_exact(w.b);
    REQUIRE(r.msg);
    CHECK(r.findings.empty());
    REQUIRE(r.msg->answers.size() == 4000);
    CHECK(std::get<dns::address_data>(r.msg->answers[3999].data).address == "192.0.17.159");
  }

  TEST_CASE("warnings are capped per code, with one lint.truncated") {
    wire w;
    w.header(RESPONSE, 1, 50).question("example.com", rr_type::txt);
    for (unsigned i = 0; i < 50; ++i) w.ptr(12).rr(rr_type::txt, 0xFFFFFFFFu).end();
    const auto r = decode_exact(w.b);
    REQUIRE(r.msg);
    CHECK(r.msg->answers.size() == 50);
    std::size_t high = 0, empty = 0, truncated = 0;
    for (const auto& f : r.findings) {
      high += f.code == mtasts::code::dns_rr_ttl_high_bit;
      empty += f.code == mtasts::code::dns_txt_empty_rdata;
      truncated += f.code == mtasts::code::lint_truncated;
    }
    CHECK(high == 20);
    CHECK(empty == 20);
    CHECK(truncated == 1);
    CHECK(r.findings.back().code == mtasts::code::lint_truncated);
    CHECK(r.findings.back().message.find("60 more") != std::string::npos);
    check_decoded(r);
  }
}

TEST_SUITE("dns.response") {
  TEST_CASE("check_response: exact codes") {
    for (const auto& c : response_cases()) {
      CAPTURE(c.name);
      const auto r = decode_exact(c.bytes);
      CAPTURE(mtasts_test::describe(r.findings));
      REQUIRE(r.msg);
      const auto f = dns::check_response(*r.msg, c.asked, c.id);
      CAPTURE(mtasts_test::describe(f));
      CHECK(mtasts_test::code_set(f) == c.codes);
      CHECK(f.size() == c.codes.size());
      for (const auto& x : f) CHECK_FALSE(x.message.empty());
    }
  }

  TEST_CASE("follow_answer: CNAME chains, loops, NODATA") {
    for (const auto& c : follow_cases()) {
      CAPTURE(c.name);
      const auto r = decode_exact(c.bytes);
      CAPTURE(mtasts_test::describe(r.findings));
      REQUIRE(r.msg);
      const auto a = dns::follow_answer(*r.msg, c.qname, c.type);
      CAPTURE(mtasts_test::describe(a.findings));
      CHECK(mtasts_test::code_set(a.findings) == c.codes);
      CHECK(a.records.size() == c.records);
      if (!c.aliases.empty()) CHECK(a.aliases == c.aliases);
      if (c.codes.empty() && c.aliases.empty()) CHECK(a.name == c.qname);
      for (const auto& rr : a.records) CHECK(dns::names_equal(rr.name, a.name));
    }
  }

  TEST_CASE("names_equal") {
    struct row {
      const char* a;
      const char* b;
      bool equal;
    };
    const row rows[] = {
        {"example.com", "example.com", true},
        {"Example.COM", "example.com", true},
        {"example.com.", "example.com", true},
        {"", ".", true},
        {"", "", true},
        {"_MTA-STS.example.com", "_mta-sts.EXAMPLE.com.", true},
        {"a\\046b", "a.b", false},
        {"a\\.b", "a\\046b", true},
        {"\\065", "a", true},
        {"\\196", "\\228", false},  // only ASCII letters fold (RFC 4343 §3)
        {"example.com", "example.co", false},
        {"example.com", "www.example.com", false},
        {"a..b", "a..b", false},  // not a name
        {".a", ".a", false},
        {"a\\", "a\\", false},
        {"a\\25", "a\\25", false},
        {"a\\256", "a\\256", false},
        {"example.com..", "example.com.", false},
    };
    for (const auto& r : rows) {
      CAPTURE(r.a);
      CAPTURE(r.b);
      CHECK(dns::names_equal(r.a, r.b) == r.equal);
      CHECK(dns::names_equal(r.b, r.a) == r.equal);
    }
  }

  TEST_CASE("type_name and rcode_name") {
    CHECK(dns::type_name(rr_type::mx) == "MX");
    CHECK(dns::type_name(rr_type::tlsa) == "TLSA");
    CHECK(dns::type_name(rr_type::caa) == "CAA");
    CHECK(dns::type_name(rr_type{99}) == "TYPE99");
    CHECK(dns::rcode_name(dns::rcode::refused) == "REFUSED");
    CHECK(dns::rcode_name(dns::rcode{4095}) == "RCODE4095");
  }
}

TEST_SUITE("dns.robustness") {
  using mtasts_test::rng;

  TEST_CASE("3,000 random byte strings") {
    rng g(0x646e73ULL);
    for (int i = 0; i < 3000; ++i) {
      std::vector<std::uint8_t> b(g.below(i < 2000 ? 64 : 700));
      for (auto& x : b) x = static_cast<std::uint8_t>(g.next());
      CAPTURE(i);
      CAPTURE(hex(b));
      check_decoded(decode_exact(b));
    }
  }

  TEST_CASE("3,000 random messages with a plausible header and a hostile body") {
    // Octets that mean something to the decoder: lengths, pointers, reserved types, small offsets.
    static const unsigned alphabet[] = {0x00, 0x01, 0x02, 0x03, 0x3F, 0x40, 0x80, 0xBF, 0xC0, 0xC0, 0xC0,
                                        0x0C, 0x0D, 0x10, 0x11, 0x20, 0x29, 0xFF, 'a',  0x05, 0x06, 0x1C};
    rng g(0x776972654dULL);
    for (int i = 0; i < 3000; ++i) {
      wire w;
      w.header(static_cast<unsigned>(g.next()) & ~TC, static_cast<unsigned>(g.below(3)),
               static_cast<unsigned>(g.below(5)), static_cast<unsigned>(g.below(3)),
               static_cast<unsigned>(g.below(3)));
      const std::size_t n = g.below(200);
      for (std::size_t k = 0; k < n; ++k) w.u8(alphabet[g.below(sizeof alphabet / sizeof alphabet[0])]);
      CAPTURE(i);
      CAPTURE(hex(w.b));
      check_decoded(decode_exact(w.b));
    }
  }

  TEST_CASE("4,000 mutations of valid responses") {
    const auto valid = realistic_responses();
    for (const auto& v : valid) REQUIRE(decode_exact(v).findings.empty());
    rng g(0x6d7574617465ULL);
    for (int i = 0; i < 4000; ++i) {
      std::vector<std::uint8_t> b = valid[g.below(valid.size())];
      switch (g.below(4)) {
        case 0:  // overwrite 1-4 octets
          for (std::size_t k = 1 + g.below(4); k > 0; --k) b[g.below(b.size())] = static_cast<std::uint8_t>(g.next());
          break;
        case 1:  // truncate
          b.resize(g.below(b.size()));
          break;
        case 2: {  // duplicate a slice in place
          const std::size_t from = g.below(b.size()), len = g.below(b.size() - from) + 1;
          const std::vector<std::uint8_t> slice(b.begin() + static_cast<std::ptrdiff_t>(from),
                                                b.begin() + static_cast<std::ptrdiff_t>(from + len));
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(g.below(b.size())), slice.begin(), slice.end());
          break;
        }
        default:  // a random count, or a random pointer somewhere
          if (g.below(2)) {
            b[4 + 2 * g.below(4)] = static_cast<std::uint8_t>(g.next());
            b[5 + 2 * g.below(4)] = static_cast<std::uint8_t>(g.next());
          } else {
            const std::size_t at = 12 + g.below(b.size() - 13);
            b[at] = static_cast<std::uint8_t>(0xC0 | (g.next() & 0x3F));
            b[at + 1] = static_cast<std::uint8_t>(g.next());
          }
      }
      CAPTURE(i);
      CAPTURE(hex(b));
      const auto r = decode_exact(b);
      check_decoded(r);
      if (r.msg) {  // whatever survived decoding, the helpers take it without trouble
        (void)dns::check_response(*r.msg, {"example.com", rr_type::mx, 1});
        const auto a = dns::follow_answer(*r.msg, "_mta-sts.a.example", rr_type::txt);
        CHECK(a.aliases.size() <= 17);
      }
    }
  }

  TEST_CASE("random names through the encoder") {
    static const char alphabet[] = "abcXYZ019-_.\\*\xc3\xa9 ";
    rng g(0x656e636f6465ULL);
    for (int i = 0; i < 2000; ++i) {
      std::string name(g.below(i < 1500 ? 30 : 300), ' ');
      for (auto& c : name) c = alphabet[g.below(sizeof alphabet - 1)];
      CAPTURE(name);
      const auto q = dns::encode_query(name, rr_type::txt);
      CHECK(q.ok() == q.error.empty());
      CHECK(q.ok() == !q.bytes.empty());
      if (!q.ok()) continue;
      const auto r = decode_exact(q.bytes);
      REQUIRE(r.msg);
      CHECK(r.findings.empty());
      REQUIRE(r.msg->questions.size() == 1);
      CHECK(dns::names_equal(r.msg->questions[0].name, name));
      CHECK(q.bytes.size() <= 12u + 255u + 4u);
    }
  }
}
