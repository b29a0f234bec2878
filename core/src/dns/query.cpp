/**
 * @file query.cpp
 * @brief DNS queries (dns.h, "Queries"): the names of types and RCODEs, and
 *        the query message sent over DNS over HTTPS (RFC 8484 §4.1).
 */
#include <vector>

#include "../hostname.h"
#include "internal.h"

namespace mtasts::dns {
namespace {

using namespace codec;

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

/** Appends the wire form of `name` to `out`, or returns why it cannot be sent (the DNS grammar of hostname.h). */
std::string encode_name(std::string_view name, std::vector<std::uint8_t>& out) {
  using problem = mtasts::detail::name_scan::problem;
  if (name.empty()) return "the name is empty";
  if (name == ".") {
    out.push_back(0);
    return {};
  }
  std::string_view rest = name;
  if (rest.back() == '.') rest.remove_suffix(1);
  const auto scan = mtasts::detail::scan_name(rest, mtasts::detail::name_grammar::dns, max_name_octets - 2);
  switch (scan.what) {
    case problem::ok:
      break;
    case problem::empty:
    case problem::empty_label:
      return "the name " + quote(name) + " has an empty label (label " + num(scan.labels) + ")";
    case problem::label_too_long:
      return "label " + num(scan.labels) + " of " + quote(name) + " is " + num(scan.length) +
             " characters long; a label is at most 63";
    case problem::non_ascii:
      return "the name " + quote(name) + " is not ASCII: write internationalised names as A-labels (xn--...)";
    case problem::bad_char:
    case problem::hyphen_edge:
      return "the name " + quote(name) + " holds " + quote(rest.substr(scan.offset, 1)) +
             "; a label holds letters, digits, '-' and '_'";
    case problem::too_long:
      return "the name " + quote(name) + " takes more than 255 octets in wire form (at most 253 characters)";
  }
  for (;;) {
    const std::size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  out.push_back(0);
  return {};
}

query_result make_query(std::string_view name, rr_type type, const query_options& o) {
  query_result r;
  std::vector<std::uint8_t> b;
  b.reserve(header_size + name.size() + 2 + 4 + 11);
  put16(b, o.id);
  b.push_back(0x01);                                            // QR=0 OPCODE=0 AA=0 TC=0 RD=1
  b.push_back(static_cast<std::uint8_t>(0x20 | (o.checking_disabled ? 0x10 : 0)));  // RA=0 Z=0 AD=1 CD RCODE=0
  const bool edns = o.edns || o.dnssec_ok;
  put16(b, 1);             // QDCOUNT
  put16(b, 0);             // ANCOUNT
  put16(b, 0);             // NSCOUNT
  put16(b, edns ? 1 : 0);  // ARCOUNT
  r.error = encode_name(name, b);
  if (!r.error.empty()) return r;
  put16(b, static_cast<std::uint16_t>(type));
  put16(b, class_in);
  if (edns) {
    b.push_back(0);  // NAME: root
    put16(b, static_cast<std::uint16_t>(rr_type::opt));
    put16(b, edns_udp_size);                                        // CLASS: UDP payload size
    put16(b, 0);                                                    // TTL: EXT-RCODE 0, VERSION 0
    put16(b, static_cast<std::uint16_t>(o.dnssec_ok ? 0x8000 : 0));  //      DO, Z
    put16(b, 0);                                                    // RDLENGTH
  }
  r.bytes = std::move(b);
  return r;
}

}  // namespace

std::string type_name(rr_type t) noexcept {
  switch (t) {
    case rr_type::a: return "A";
    case rr_type::ns: return "NS";
    case rr_type::cname: return "CNAME";
    case rr_type::soa: return "SOA";
    case rr_type::ptr: return "PTR";
    case rr_type::mx: return "MX";
    case rr_type::txt: return "TXT";
    case rr_type::aaaa: return "AAAA";
    case rr_type::opt: return "OPT";
    case rr_type::ds: return "DS";
    case rr_type::rrsig: return "RRSIG";
    case rr_type::nsec: return "NSEC";
    case rr_type::dnskey: return "DNSKEY";
    case rr_type::nsec3: return "NSEC3";
    case rr_type::tlsa: return "TLSA";
    case rr_type::svcb: return "SVCB";
    case rr_type::https: return "HTTPS";
    case rr_type::caa: return "CAA";
  }
  return "TYPE" + num(static_cast<std::uint16_t>(t));
}

std::string rcode_name(rcode r) noexcept {
  switch (r) {
    case rcode::noerror: return "NOERROR";
    case rcode::formerr: return "FORMERR";
    case rcode::servfail: return "SERVFAIL";
    case rcode::nxdomain: return "NXDOMAIN";
    case rcode::notimp: return "NOTIMP";
    case rcode::refused: return "REFUSED";
    case rcode::yxdomain: return "YXDOMAIN";
    case rcode::yxrrset: return "YXRRSET";
    case rcode::nxrrset: return "NXRRSET";
    case rcode::notauth: return "NOTAUTH";
    case rcode::notzone: return "NOTZONE";
    case rcode::badvers: return "BADVERS";
  }
  return "RCODE" + num(static_cast<std::uint16_t>(r));
}

query_result encode_query(std::string_view name, rr_type type, std::uint16_t id) noexcept {
  query_options o;
  o.id = id;
  return encode_query(name, type, o);
}

query_result encode_query(std::string_view name, rr_type type, const query_options& options) noexcept {
  return make_query(name, type, options);
}

}  // namespace mtasts::dns
