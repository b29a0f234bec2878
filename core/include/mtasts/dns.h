/**
 * @file dns.h
 * @brief The DNS wire format (RFC 1035 §4): queries to send over DoH
 *        (RFC 8484) and a hardened decoder for the responses.
 * @see RFC 1035 §3.1, §3.3, §4.1; RFC 3596 §2; RFC 3597 §4; RFC 6891 §6;
 *      RFC 6698 §2.1; RFC 8659 §4.1; RFC 8484 §4.1, §6
 *
 * Sans I/O: the engine asks encode_query() for the bytes of a query, the JS
 * host sends them (GET `?dns=` + base64url, mtasts/base64.h) and hands the
 * response body back to decode(). Nothing here reads sockets, files or
 * clocks, and no function throws.
 *
 * The decoder treats every byte as hostile. A message it cannot trust (too
 * short, truncated, a bad compression pointer, a count or a length that
 * disagrees with the data, trailing bytes) yields an error finding and no
 * message; problems that leave the message usable (an empty TXT RDATA, a
 * class other than IN, a TTL with its top bit set) are warnings next to the
 * decoded message. Findings are about the whole message (line == 0,
 * column == 0); their text names the section, the record and the offset.
 *
 * Names come back in presentation form, as they came (case preserved: a
 * resolver may randomise it, RFC 4343 / "0x20"), without the trailing dot
 * (the root is ""), and with every octet other than a letter, a digit, `-`
 * and `_` written as `\DDD` (RFC 1035 §5.1), so that a hostile label cannot
 * smuggle a dot, a NUL or a non-ASCII byte into a name. Compare names with
 * names_equal().
 *
 * @example
 *   auto q = mtasts::dns::encode_query("_mta-sts.example.com", mtasts::dns::rr_type::txt);
 *   // GET https://dns.google/dns-query?dns= + mtasts::base64_encode(q.bytes, mtasts::base64_alphabet::url)
 *   auto r = mtasts::dns::decode(body.data(), body.size());
 *   if (r.msg && mtasts::dns::check_response(*r.msg, {"_mta-sts.example.com",
 *                                             mtasts::dns::rr_type::txt}).empty()) {
 *     auto a = mtasts::dns::follow_answer(*r.msg, "_mta-sts.example.com", mtasts::dns::rr_type::txt);
 *     for (const auto& rr : a.records)
 *       if (auto* t = std::get_if<mtasts::dns::txt_data>(&rr.data)) use(t->strings);
 *   }
 */
#ifndef MTASTS_DNS_H
#define MTASTS_DNS_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts::dns {

/**
 * RR TYPE values (RFC 1035 §3.2.2 and the IANA registry). The enum has a
 * fixed underlying type, so it holds any 16-bit value; the names are the
 * types this codec knows.
 */
enum class rr_type : std::uint16_t {
  a = 1,
  ns = 2,
  cname = 5,
  soa = 6,
  ptr = 12,
  mx = 15,
  txt = 16,
  aaaa = 28,    ///< RFC 3596 §2.1
  opt = 41,     ///< RFC 6891 §6.1.1 (a pseudo-RR; see message::edns)
  ds = 43,
  rrsig = 46,
  nsec = 47,
  dnskey = 48,
  nsec3 = 50,
  tlsa = 52,    ///< RFC 6698 §7.1
  svcb = 64,
  https = 65,
  caa = 257,    ///< RFC 8659 §4.1
};

/** CLASS IN (RFC 1035 §3.2.4). */
constexpr std::uint16_t class_in = 1;

/**
 * RCODE values (RFC 1035 §4.1.1, RFC 6891 §9). Holds any 12-bit value: the
 * 4 bits of the header, extended by the OPT record's 8 upper bits.
 */
enum class rcode : std::uint16_t {
  noerror = 0,
  formerr = 1,
  servfail = 2,
  nxdomain = 3,
  notimp = 4,
  refused = 5,
  yxdomain = 6,
  yxrrset = 7,
  nxrrset = 8,
  notauth = 9,
  notzone = 10,
  badvers = 16,  ///< RFC 6891 §9 (needs the OPT record's extended bits)
};

/** "MX", "TXT", ... or "TYPE65280" (the generic form of RFC 3597 §5). */
[[nodiscard]] std::string type_name(rr_type t) noexcept;
/** "NOERROR", "NXDOMAIN", ... or "RCODE12". */
[[nodiscard]] std::string rcode_name(rcode r) noexcept;

// ---------------------------------------------------------------------------
// Queries

struct query_options {
  /** RFC 8484 §4.1: "DNS API clients SHOULD use a DNS ID of 0". */
  std::uint16_t id = 0;
  /** CD, to see the data a validating resolver rejected as bogus (RFC 4035 §3.2.2). */
  bool checking_disabled = false;
  /** Adds an OPT record (RFC 6891), e.g. to receive Extended DNS Errors (RFC 8914). */
  bool edns = false;
  /** DO in the OPT record (RFC 3225): asks for RRSIGs. Implies edns. */
  bool dnssec_ok = false;
};

struct query_result {
  std::vector<std::uint8_t> bytes;  ///< the message; empty when the name was refused
  std::string error;                ///< why the name was refused; empty on success
  bool ok() const noexcept { return error.empty(); }
};

/**
 * The query message: QR=0, OPCODE 0 (QUERY), RD=1, AD=1 (RFC 6840 §5.7: ask
 * the resolver to report whether it authenticated the data), CD as asked, one
 * question of CLASS IN.
 *
 * The name is ASCII: labels of 1-63 letters, digits, `-` or `_`, separated by
 * dots, at most 255 octets in wire form (253 characters), one trailing dot
 * allowed; "." alone is the root. Internationalised names must be given as
 * A-labels (`xn--...`). Anything else is refused: no bytes, and a reason.
 */
[[nodiscard]] query_result encode_query(std::string_view name, rr_type type,
                                        std::uint16_t id = 0) noexcept;
[[nodiscard]] query_result encode_query(std::string_view name, rr_type type,
                                        const query_options& options) noexcept;

// ---------------------------------------------------------------------------
// Decoded messages

struct question {
  std::string name;  ///< presentation form, no trailing dot (see the file comment)
  rr_type type{};
  std::uint16_t klass = class_in;
  friend bool operator==(const question& a, const question& b) {
    return a.name == b.name && a.type == b.type && a.klass == b.klass;
  }
};

/** RDATA this codec does not interpret (RFC 3597 §4: names inside it are not decompressed). */
struct raw_data {
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const raw_data& a, const raw_data& b) { return a.bytes == b.bytes; }
};
/** A (4 octets) or AAAA (16 octets, RFC 3596 §2.2) as text: "192.0.2.1", "2001:db8::1" (RFC 5952). */
struct address_data {
  std::string address;
  friend bool operator==(const address_data& a, const address_data& b) { return a.address == b.address; }
};
/** CNAME, NS or PTR: one domain name (RFC 1035 §3.3.1, §3.3.11, §3.3.12). */
struct name_data {
  std::string name;
  friend bool operator==(const name_data& a, const name_data& b) { return a.name == b.name; }
};
/** MX (RFC 1035 §3.3.9). */
struct mx_data {
  std::uint16_t preference = 0;
  std::string exchange;
  friend bool operator==(const mx_data& a, const mx_data& b) {
    return a.preference == b.preference && a.exchange == b.exchange;
  }
};
/**
 * TXT (RFC 1035 §3.3.14): the character-strings of one RR, NOT joined; a
 * string may be empty and may hold any octet. MTA-STS and TLS-RPT join them
 * with nothing between (RFC 8461 §3.1, RFC 8460 §3).
 */
struct txt_data {
  std::vector<std::string> strings;
  friend bool operator==(const txt_data& a, const txt_data& b) { return a.strings == b.strings; }
};
/** SOA (RFC 1035 §3.3.13); `minimum` bounds negative caching (RFC 2308 §5). */
struct soa_data {
  std::string mname, rname;
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
  friend bool operator==(const soa_data& a, const soa_data& b) {
    return a.mname == b.mname && a.rname == b.rname && a.serial == b.serial && a.refresh == b.refresh &&
           a.retry == b.retry && a.expire == b.expire && a.minimum == b.minimum;
  }
};
/** TLSA (RFC 6698 §2.1). */
struct tlsa_data {
  std::uint8_t usage = 0, selector = 0, matching = 0;
  std::vector<std::uint8_t> data;  ///< certificate association data
  friend bool operator==(const tlsa_data& a, const tlsa_data& b) {
    return a.usage == b.usage && a.selector == b.selector && a.matching == b.matching && a.data == b.data;
  }
};
/** CAA (RFC 8659 §4.1); tag and value are the octets as sent. */
struct caa_data {
  std::uint8_t flags = 0;
  std::string tag, value;
  friend bool operator==(const caa_data& a, const caa_data& b) {
    return a.flags == b.flags && a.tag == b.tag && a.value == b.value;
  }
};

using rdata = std::variant<raw_data, address_data, name_data, mx_data, txt_data, soa_data, tlsa_data,
                           caa_data>;

/**
 * One resource record (RFC 1035 §4.1.3). RDATA is interpreted for CLASS IN
 * records of the types above; anything else (other types, other classes)
 * stays raw_data.
 */
struct record {
  std::string name;  ///< owner, presentation form
  rr_type type{};
  std::uint16_t klass = class_in;
  /** As sent. RFC 2181 §8 reads a value with the top bit set as 0 (dns.rr.ttl_high_bit). */
  std::uint32_t ttl = 0;
  rdata data;
};

/** An EDNS option (RFC 6891 §6.1.2). */
struct edns_option {
  std::uint16_t code = 0;
  std::vector<std::uint8_t> data;
};
/** An Extended DNS Error (RFC 8914 §2: option 15). */
struct extended_error {
  std::uint16_t info_code = 0;
  std::string extra_text;  ///< UTF-8 as sent (not checked); quote it before showing it
};
/** The OPT pseudo-RR (RFC 6891 §6.1.2, §6.1.3); it is not listed in message::additional. */
struct edns_info {
  std::uint16_t udp_size = 0;
  std::uint8_t version = 0;
  bool dnssec_ok = false;  ///< DO (RFC 3225)
  std::vector<edns_option> options;
  std::vector<extended_error> extended_errors;  ///< the options of code 15, decoded
};

/** A decoded message (RFC 1035 §4.1). */
struct message {
  std::uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false;
  bool ad = false, cd = false;  ///< RFC 4035 §3.2
  std::uint8_t opcode = 0;
  /** The header's 4 bits, extended by the OPT record when there is one (RFC 6891 §6.1.3). */
  dns::rcode rcode = dns::rcode::noerror;
  std::vector<question> questions;
  std::vector<record> answers, authority, additional;
  std::optional<edns_info> edns;
};

struct decode_result {
  /** Set exactly when no finding is an error: the message can be trusted as well-formed. */
  std::optional<message> msg;
  std::vector<finding> findings;  ///< dns.* codes; at most one error (decoding stops there)
};

/** Decodes one DNS message (the body of an `application/dns-message` response, RFC 8484 §6). */
[[nodiscard]] decode_result decode(const std::uint8_t* data, std::size_t size) noexcept;
[[nodiscard]] decode_result decode(const std::vector<std::uint8_t>& bytes) noexcept;

// ---------------------------------------------------------------------------
// Using a response

/**
 * Compares two names in presentation form, ASCII case-insensitively
 * (RFC 4343 §3), after reading `\DDD` and `\X` escapes and ignoring one
 * trailing dot. "Example.COM." equals "example.com"; "a\046b" (one label)
 * does not equal "a.b" (two).
 */
[[nodiscard]] bool names_equal(std::string_view a, std::string_view b) noexcept;

/**
 * Checks that `response` answers the query that asked `asked` with `id`: QR
 * set and OPCODE QUERY (dns.response.not_a_response), the same ID
 * (dns.response.id_mismatch), and exactly one question equal to `asked`, the
 * name compared with names_equal() (dns.response.question_mismatch). Empty
 * when it does. The RCODE is not judged here: NXDOMAIN is an answer.
 */
[[nodiscard]] std::vector<finding> check_response(const message& response, const question& asked,
                                                  std::uint16_t id = 0) noexcept;

/** The records that answer `name`/`type`, after following CNAMEs (RFC 1034 §3.6.2, §4.3.2). */
struct answer_set {
  std::string name;                  ///< the owner of `records`: the query name, or the last CNAME target
  std::vector<std::string> aliases;  ///< the CNAME targets followed, in order
  std::vector<record> records;       ///< the CLASS IN answers of `type` owned by `name`, in message order
  std::vector<finding> findings;     ///< dns.answer.cname_loop
};

/**
 * Collects the answer to `name`/`type` from the answer section: follows a
 * CNAME chain (unless `type` is CNAME) until a name has no CNAME, then takes
 * that name's records of `type`. A chain that returns to a name it passed, or
 * that is longer than 16 links, is a loop: no records, and a finding. An
 * empty `records` with no finding is NODATA (or NXDOMAIN: see the RCODE).
 */
[[nodiscard]] answer_set follow_answer(const message& response, std::string_view name, rr_type type) noexcept;

}  // namespace mtasts::dns

#endif
