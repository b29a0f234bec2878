/**
 * @file decode.cpp
 * @brief The DNS decoder (dns.h, "Decoded messages"): it treats every byte
 *        of a response as hostile.
 *
 * Theory of operation. decode() walks the message once, front to back:
 *
 *   header (12) | question * QDCOUNT | RR * ANCOUNT | RR * NSCOUNT | RR * ARCOUNT
 *
 * and every read is checked against a limit: the end of the message, or the
 * end of the RR's RDATA while reading inside it. The first structural error
 * ends decoding (after it, offsets mean nothing), so an untrusted message
 * yields exactly one error and no message; warnings are collected on the way
 * (capped per code, like the linters).
 *
 * Names (RFC 1035 §3.1, §4.1.4) are where the attacks are. A name is read as
 * a run of labels that ends in the root octet or in a pointer; a pointer
 * starts a new run. RFC 1035 §4.1.4: "an entire domain name or a list of
 * labels at the end of a domain name is replaced with a pointer to a prior
 * occurance of the same name". We require more than "prior to the pointer":
 * a pointer must land before the start of the run it ends. A pointer that
 * lands inside its own run (`01 'a' C0 0C` at offset 12) is prior to itself
 * and still loops; with the stronger rule the run starts strictly decrease,
 * so no chain can revisit an octet, and expansion stops after at most
 * max_pointer_hops pointers and max_name_octets octets whatever the input.
 */
#include <array>
#include <cstring>

#include "internal.h"

namespace mtasts::dns {
namespace {

using namespace codec;

// ---------------------------------------------------------------------------
// Presentation of decoded data

/** RFC 1035 §5.1 escape of one label octet: letters, digits, `-` and `_` stay; the rest is \DDD. */
void append_label_octet(std::string& out, std::uint8_t o) {
  const char c = static_cast<char>(o);
  if (detail::is_alnum(c) || c == '-' || c == '_') {
    out += c;
    return;
  }
  out += '\\';
  out += static_cast<char>('0' + o / 100);
  out += static_cast<char>('0' + (o / 10) % 10);
  out += static_cast<char>('0' + o % 10);
}

std::string ipv4_text(const std::uint8_t* b) {
  return num(b[0]) + "." + num(b[1]) + "." + num(b[2]) + "." + num(b[3]);
}

/**
 * RFC 5952 §4: lower-case hex without leading zeros; the longest run of two
 * or more zero groups (the first of equal runs) becomes "::"; a lone zero
 * group stays "0". §5: an IPv4-mapped address (::ffff:0:0/96) ends in dotted
 * decimal.
 */
std::string ipv6_text(const std::uint8_t* b) {
  static constexpr char hex[] = "0123456789abcdef";
  std::array<unsigned, 8> g{};
  for (std::size_t i = 0; i < 8; ++i) g[i] = (unsigned{b[2 * i]} << 8) | b[2 * i + 1];
  const bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
  const std::size_t groups = mapped ? 6 : 8;
  std::size_t best = groups, best_len = 0;
  for (std::size_t i = 0; i < groups;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < groups && g[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = groups;
  std::string out;
  for (std::size_t i = 0; i < groups;) {
    if (i == best) {
      out += "::";
      i += best_len;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned d = (g[i] >> shift) & 0xF;
      if (d != 0 || started || shift == 0) {
        out += hex[d];
        started = true;
      }
    }
    ++i;
  }
  if (mapped) {
    if (out.back() != ':') out += ':';
    out += ipv4_text(b + 12);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The decoder

enum class section : std::uint8_t { question, answer, authority, additional };

const char* section_entry(section s) noexcept {
  switch (s) {
    case section::question: return "question";
    case section::answer: return "answer";
    case section::authority: return "authority record";
    case section::additional: return "additional record";
  }
  return "record";
}

/** Which entry of the message is being read, for the text of findings. */
struct where {
  dns::section section;
  std::size_t index;  // 1-based
  std::size_t count;  // announced by the header
};

/** "answer 2 of 3" */
std::string entry(const where& w) {
  return section_entry(w.section) + std::string(" ") + num(w.index) + " of " + num(w.count);
}

class decoder {
 public:
  decoder(const std::uint8_t* data, std::size_t size) : p_(data), n_(data ? size : 0) {}

  decode_result run() {
    decode_result out;
    message m;
    if (decode_message(m)) out.msg = std::move(m);
    if (dropped_ > 0)
      findings_.push_back({code::lint_truncated,
                           num(dropped_) + " more warnings of the same kinds are not listed (at most " +
                               num(warning_cap) + " per code)",
                           0, 0});
    out.findings = std::move(findings_);
    return out;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  std::vector<finding> findings_;
  std::vector<std::size_t> per_code_;
  std::size_t dropped_ = 0;
  bool edns_seen_ = false;  // RFC 6891 §6.1.1: at most one OPT record

  std::uint16_t u16(std::size_t at) const noexcept {
    return static_cast<std::uint16_t>((p_[at] << 8) | p_[at + 1]);
  }
  std::uint32_t u32(std::size_t at) const noexcept {
    return (std::uint32_t{p_[at]} << 24) | (std::uint32_t{p_[at + 1]} << 16) | (std::uint32_t{p_[at + 2]} << 8) |
           std::uint32_t{p_[at + 3]};
  }

  /** An error: the caller returns false right after. */
  bool fail(code c, std::string text) {
    findings_.push_back({c, std::move(text), 0, 0});
    return false;
  }
  void warn(code c, std::string text) {
    const auto i = static_cast<std::size_t>(c);
    if (per_code_.size() <= i) per_code_.resize(code_count(), 0);
    if (per_code_[i]++ >= warning_cap) {
      ++dropped_;
      return;
    }
    findings_.push_back({c, std::move(text), 0, 0});
  }

  /** The message ended inside an entry the header counts. */
  bool ends_inside(const where& w, const char* what, std::size_t at) {
    return fail(code::dns_count_exceeds_data,
                "the header announces " +
                    count_of(w.count, section_entry(w.section), section_entry(w.section) + std::string("s")) +
                    ", but the " + num(n_) + "-octet message ends inside " + entry(w) + " (" + what +
                    ", at offset " + num(at) + ")");
  }

  bool decode_message(message& m) {
    // RFC 1035 §4.1.1: ID | QR Opcode AA TC RD | RA Z AD CD RCODE | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
    if (n_ < header_size)
      return fail(code::dns_message_short,
                  "the message is " + count_of(n_, "octet", "octets") +
                      " long; a DNS message starts with a 12-octet header");
    m.id = u16(0);
    m.qr = (p_[2] & 0x80) != 0;
    m.opcode = static_cast<std::uint8_t>((p_[2] >> 3) & 0x0F);
    m.aa = (p_[2] & 0x04) != 0;
    m.tc = (p_[2] & 0x02) != 0;
    m.rd = (p_[2] & 0x01) != 0;
    m.ra = (p_[3] & 0x80) != 0;
    m.ad = (p_[3] & 0x20) != 0;  // RFC 4035 §3.2.3
    m.cd = (p_[3] & 0x10) != 0;  // RFC 4035 §3.2.2
    m.rcode = static_cast<rcode>(p_[3] & 0x0F);
    const std::size_t qd = u16(4), an = u16(6), ns = u16(8), ar = u16(10);
    if (m.tc)
      // RFC 1035 §4.1.1: "TC ... specifies that this message was truncated". Records may be
      // missing, and a checker that counts records (one MTA-STS TXT record, not two) cannot
      // trust what is left.
      return fail(code::dns_message_truncated,
                  "the TC bit is set: the resolver says the message is truncated, so records may be missing");

    std::size_t pos = header_size;
    for (std::size_t i = 0; i < qd; ++i) {
      const where w{section::question, i + 1, qd};
      question q;
      if (!read_name(pos, n_, q.name, w, "its name")) return false;
      if (n_ - pos < 4) return ends_inside(w, "its QTYPE and QCLASS", pos);
      q.type = static_cast<rr_type>(u16(pos));
      q.klass = u16(pos + 2);
      pos += 4;
      m.questions.push_back(std::move(q));
    }
    if (!read_section(pos, an, section::answer, m.answers, m)) return false;
    if (!read_section(pos, ns, section::authority, m.authority, m)) return false;
    if (!read_section(pos, ar, section::additional, m.additional, m)) return false;
    if (pos != n_)
      return fail(code::dns_message_trailing_bytes,
                  count_of(n_ - pos, "octet follows", "octets follow") +
                      " the last record (from offset " + num(pos) + " to the end of the " + num(n_) +
                      "-octet message)");
    return true;
  }

  bool read_section(std::size_t& pos, std::size_t count, section sec, std::vector<record>& out,
                    message& m) {
    // No reserve(count): a header may claim 65,535 records in a 12-octet message.
    for (std::size_t i = 0; i < count; ++i) {
      const where w{sec, i + 1, count};
      record rr;
      if (!read_name(pos, n_, rr.name, w, "its owner name")) return false;
      // RFC 1035 §4.1.3: TYPE(16) CLASS(16) TTL(32) RDLENGTH(16) RDATA
      if (n_ - pos < 10) return ends_inside(w, "its TYPE, CLASS, TTL and RDLENGTH", pos);
      rr.type = static_cast<rr_type>(u16(pos));
      rr.klass = u16(pos + 2);
      rr.ttl = u32(pos + 4);
      const std::size_t rdlength = u16(pos + 8);
      pos += 10;
      if (rdlength > n_ - pos)
        return fail(code::dns_count_exceeds_data,
                    entry(w) + " (" + type_name(rr.type) + ") has RDLENGTH " + num(rdlength) +
                        ", but the message ends " + count_of(n_ - pos, "octet", "octets") +
                        " later (at offset " + num(n_) + ")");
      const std::size_t end = pos + rdlength;
      if (rr.type == rr_type::opt) {
        if (!read_opt(pos, end, w, rr, m)) return false;
        pos = end;
        continue;  // the OPT pseudo-RR is message::edns, not a record
      }
      if (rr.ttl & 0x80000000u)
        // RFC 2181 §8: "implementations should treat TTL values received with the most
        // significant bit set as if the entire value received was zero."
        warn(code::dns_rr_ttl_high_bit, entry(w) + " (" + type_name(rr.type) + ", " + quote(rr.name) +
                                            ") has TTL " + num(rr.ttl) +
                                            ", which has the top bit set; RFC 2181 reads it as 0");
      if (rr.klass != class_in) {
        warn(code::dns_rr_class_not_in, entry(w) + " (" + type_name(rr.type) + ", " + quote(rr.name) +
                                            ") is of class " + num(rr.klass) + ", not IN (1)");
        rr.data = raw_data{{p_ + pos, p_ + end}};
      } else if (!read_rdata(pos, end, w, rr)) {
        return false;
      }
      pos = end;
      out.push_back(std::move(rr));
    }
    return true;
  }

  /**
   * Reads the name at `pos`, whose own octets (up to the root octet or the
   * first pointer) must lie before `limit`: the end of the message, or of the
   * RDATA holding the name (`in_rdata`). Moves `pos` past them.
   */
  bool read_name(std::size_t& pos, std::size_t limit, std::string& out, const where& w, const char* what,
                 bool in_rdata = false) {
    out.clear();
    std::size_t cur = pos;        // the octet being read
    std::size_t run_start = pos;  // where the current run of labels started
    std::size_t lim = limit;      // the end of the current run's octets
    std::size_t after = 0;        // the offset after the name's own octets, once known
    std::size_t octets = 0;       // expanded wire length, without the root octet
    int hops = 0;
    std::size_t last_pointer = 0;  // the last pointer followed, for the text of findings
    for (;;) {
      if (cur >= lim) return ran_out(w, what, hops, last_pointer, in_rdata, lim, cur);
      const std::uint8_t b = p_[cur];
      switch (b & 0xC0) {
        case 0x00: {
          if (b == 0) {
            pos = hops == 0 ? cur + 1 : after;
            return true;
          }
          octets += 1u + b;
          if (octets + 1 > max_name_octets)
            return fail(code::dns_name_too_long,
                        subject(w, what) + " expands to more than 255 octets (a label at offset " + num(cur) +
                            " goes past the limit)");
          if (b > lim - cur - 1) return ran_out(w, what, hops, last_pointer, in_rdata, lim, cur);
          if (!out.empty()) out += '.';  // every label adds at least one character
          for (std::size_t i = 1; i <= b; ++i) append_label_octet(out, p_[cur + i]);
          cur += 1u + b;
          break;
        }
        case 0xC0: {
          if (lim - cur < 2) return ran_out(w, what, hops, last_pointer, in_rdata, lim, cur);
          const std::size_t target = (std::size_t{b & 0x3Fu} << 8) | p_[cur + 1];
          if (hops == 0) after = cur + 2;
          const std::string ptr = "a compression pointer at offset " + num(cur) + " to offset " + num(target);
          if (target < header_size)
            return fail(code::dns_name_pointer_invalid,
                        subject(w, what) + " has " + ptr + ", inside the 12-octet header");
          if (target > cur)
            return fail(code::dns_name_pointer_forward,
                        subject(w, what) + " has " + ptr +
                            ", which is not before it; a pointer refers to a prior occurrence of a name");
          if (target >= run_start)
            return fail(code::dns_name_pointer_loop,
                        subject(w, what) + " has " + ptr + ", back into the labels that lead to it: a loop");
          if (++hops > max_pointer_hops)
            return fail(code::dns_name_pointer_loop,
                        subject(w, what) + " follows more than " + num(max_pointer_hops) +
                            " compression pointers (the last at offset " + num(cur) + ")");
          last_pointer = cur;
          cur = run_start = target;
          lim = n_;
          break;
        }
        default:
          // RFC 1035 §4.1.4: "The 10 and 01 combinations are reserved for future use."
          // On the wire a label "longer than 63" is exactly such an octet.
          return fail(code::dns_label_reserved_type,
                      subject(w, what) + " has the octet 0x" + hex2(b) + " at offset " + num(cur) +
                          " where a label length (0-" + num(max_label_octets) +
                          ") or a pointer (0xC0-0xFF) must be: its top bits " +
                          ((b & 0xC0) == 0x40 ? "01" : "10") + " are a reserved label type");
      }
    }
  }

  static std::string hex2(std::uint8_t b) {
    static constexpr char hex[] = "0123456789ABCDEF";
    return {hex[b >> 4], hex[b & 0xF]};
  }

  static std::string subject(const where& w, const char* what) {
    // "its owner name" -> "answer 1 of 2's owner name"
    return entry(w) + "'s " + (std::strncmp(what, "its ", 4) == 0 ? what + 4 : what);
  }

  /** The name's octets ran past `lim` at `cur`. */
  bool ran_out(const where& w, const char* what, int hops, std::size_t last_pointer, bool in_rdata,
               std::size_t lim, std::size_t cur) {
    if (hops > 0)
      return fail(code::dns_name_pointer_invalid,
                  subject(w, what) + " has a compression pointer at offset " + num(last_pointer) +
                      " to octets that run past the end of the message (offset " + num(n_) +
                      ") without ending a name");
    if (!in_rdata) return ends_inside(w, what, cur);
    return fail(code::dns_rdata_length_mismatch,
                subject(w, what) + " runs past the end of the RDATA (offset " + num(lim) + ")");
  }

  bool rdata_size(const where& w, const record& rr, std::size_t size, const char* required) {
    return fail(code::dns_rdata_length_mismatch, entry(w) + " (" + type_name(rr.type) + ", " + quote(rr.name) +
                                                     ") has RDLENGTH " + num(size) + "; " + required);
  }

  /** RDATA of a CLASS IN record, within [pos, end). */
  bool read_rdata(std::size_t pos, std::size_t end, const where& w, record& rr) {
    const std::size_t size = end - pos;
    switch (rr.type) {
      case rr_type::a:  // RFC 1035 §3.4.1: "A 32 bit Internet address."
        if (size != 4) return rdata_size(w, rr, size, "an A record holds exactly 4 octets");
        rr.data = address_data{ipv4_text(p_ + pos)};
        return true;
      case rr_type::aaaa:  // RFC 3596 §2.2: "A 128 bit IPv6 address"
        if (size != 16) return rdata_size(w, rr, size, "an AAAA record holds exactly 16 octets");
        rr.data = address_data{ipv6_text(p_ + pos)};
        return true;
      case rr_type::cname:
      case rr_type::ns:
      case rr_type::ptr: {
        // RFC 1035 §3.3.1, §3.3.11, §3.3.12: one <domain-name>, compressible (RFC 3597 §4).
        name_data d;
        if (!read_name(pos, end, d.name, w, "its RDATA name", true)) return false;
        if (pos != end) return extra(w, rr, end - pos, "after the name");
        rr.data = std::move(d);
        return true;
      }
      case rr_type::mx: {
        // RFC 1035 §3.3.9: PREFERENCE(16) EXCHANGE(<domain-name>); at least 2 + 1 (the root).
        if (size < 3) return rdata_size(w, rr, size, "an MX record holds a 2-octet preference and a name");
        mx_data d;
        d.preference = u16(pos);
        pos += 2;
        if (!read_name(pos, end, d.exchange, w, "its MX exchange", true)) return false;
        if (pos != end) return extra(w, rr, end - pos, "after the exchange name");
        rr.data = std::move(d);
        return true;
      }
      case rr_type::soa: {
        // RFC 1035 §3.3.13: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM.
        soa_data d;
        if (!read_name(pos, end, d.mname, w, "its SOA MNAME", true)) return false;
        if (!read_name(pos, end, d.rname, w, "its SOA RNAME", true)) return false;
        if (end - pos != 20)
          return fail(code::dns_rdata_length_mismatch,
                      entry(w) + " (SOA, " + quote(rr.name) + ") has " + num(end - pos) +
                          " octets after its two names; SOA holds exactly 20 (five 32-bit numbers)");
        d.serial = u32(pos);
        d.refresh = u32(pos + 4);
        d.retry = u32(pos + 8);
        d.expire = u32(pos + 12);
        d.minimum = u32(pos + 16);
        rr.data = std::move(d);
        return true;
      }
      case rr_type::txt: {
        // RFC 1035 §3.3.14: "TXT-DATA One or more <character-string>s."
        txt_data d;
        if (size == 0)
          warn(code::dns_txt_empty_rdata, entry(w) + " (TXT, " + quote(rr.name) +
                                              ") has RDLENGTH 0; a TXT record holds one or more "
                                              "character-strings (read as none)");
        std::size_t k = 0;
        while (pos < end) {
          ++k;
          const std::size_t len = p_[pos];  // RFC 1035 §3.3: a length octet, then that many octets
          if (len > end - pos - 1)
            return fail(code::dns_rdata_length_mismatch,
                        "character-string " + num(k) + " of " + entry(w) + " (TXT, " + quote(rr.name) + ") claims " +
                            count_of(len, "octet", "octets") + " at offset " + num(pos) + ", but only " +
                            num(end - pos - 1) + " remain in its RDATA");
          d.strings.emplace_back(reinterpret_cast<const char*>(p_ + pos + 1), len);
          pos += 1 + len;
        }
        rr.data = std::move(d);
        return true;
      }
      case rr_type::tlsa: {
        // RFC 6698 §2.1: usage(8) selector(8) matching type(8) certificate association data.
        if (size < 3)
          return rdata_size(w, rr, size, "a TLSA record holds usage, selector and matching type octets, then data");
        rr.data = tlsa_data{p_[pos], p_[pos + 1], p_[pos + 2], {p_ + pos + 3, p_ + end}};
        return true;
      }
      case rr_type::caa: {
        // RFC 8659 §4.1: flags(8) tag length(8) tag value.
        if (size < 2) return rdata_size(w, rr, size, "a CAA record holds a flags octet and a tag length octet");
        const std::size_t tag_len = p_[pos + 1];
        if (tag_len > size - 2)
          return rdata_size(w, rr, size,
                            ("its tag length " + num(tag_len) + " runs past the end of the RDATA").c_str());
        caa_data d;
        d.flags = p_[pos];
        d.tag.assign(reinterpret_cast<const char*>(p_ + pos + 2), tag_len);
        d.value.assign(reinterpret_cast<const char*>(p_ + pos + 2 + tag_len), size - 2 - tag_len);
        rr.data = std::move(d);
        return true;
      }
      default:
        // RFC 3597 §4: names in the RDATA of other types are not compressed, and must not be
        // decompressed: keep the octets as they are.
        rr.data = raw_data{{p_ + pos, p_ + end}};
        return true;
    }
  }

  bool extra(const where& w, const record& rr, std::size_t count, const char* where_text) {
    return fail(code::dns_rdata_length_mismatch, entry(w) + " (" + type_name(rr.type) + ", " + quote(rr.name) +
                                                     ") has " + count_of(count, "octet", "octets") + " " +
                                                     where_text + " that its RDLENGTH covers");
  }

  /** RFC 6891 §6.1.2: NAME root, TYPE 41, CLASS = UDP payload size, TTL = EXT-RCODE VERSION DO Z. */
  bool read_opt(std::size_t pos, std::size_t end, const where& w, const record& rr, message& m) {
    // RFC 6891 §6.1.1: "The OPT RR MAY be placed anywhere within the additional data section.
    // When an OPT RR is included within any DNS message, it MUST be the only OPT RR in that
    // message." and its owner "MUST be 0 (root domain)".
    if (w.section != section::additional)
      return fail(code::dns_opt_invalid, entry(w) + " is an OPT record, which belongs in the additional section");
    if (edns_seen_) return fail(code::dns_opt_invalid, entry(w) + " is a second OPT record; a message has at most one");
    if (!rr.name.empty())
      return fail(code::dns_opt_invalid,
                  entry(w) + " is an OPT record owned by " + quote(rr.name) + "; its owner must be the root");
    edns_seen_ = true;
    edns_info e;
    e.udp_size = rr.klass;
    e.version = static_cast<std::uint8_t>((rr.ttl >> 16) & 0xFF);
    e.dnssec_ok = (rr.ttl & 0x8000u) != 0;
    // RFC 6891 §6.1.3: EXTENDED-RCODE "Forms the upper 8 bits of extended 12-bit RCODE".
    m.rcode = static_cast<rcode>(((rr.ttl >> 24) << 4) | static_cast<std::uint32_t>(m.rcode));
    std::size_t k = 0;
    while (pos < end) {
      ++k;
      if (end - pos < 4)
        return fail(code::dns_rdata_length_mismatch,
                    entry(w) + " (OPT) has " + count_of(end - pos, "octet", "octets") + " at offset " + num(pos) +
                        " where option " + num(k) + " needs a 4-octet code and length");
      edns_option o;
      o.code = u16(pos);
      const std::size_t len = u16(pos + 2);
      pos += 4;
      if (len > end - pos)
        return fail(code::dns_rdata_length_mismatch,
                    "option " + num(k) + " (code " + num(o.code) + ") of " + entry(w) + " (OPT) claims " +
                        count_of(len, "octet", "octets") + ", but only " + num(end - pos) +
                        " remain in its RDATA");
      o.data.assign(p_ + pos, p_ + pos + len);
      if (o.code == ede_option && len >= 2)
        // RFC 8914 §2: INFO-CODE(16) EXTRA-TEXT (UTF-8, not NUL-terminated)
        e.extended_errors.push_back({u16(pos), std::string(reinterpret_cast<const char*>(p_ + pos + 2), len - 2)});
      e.options.push_back(std::move(o));
      pos += len;
    }
    m.edns = std::move(e);
    return true;
  }
};

}  // namespace

decode_result decode(const std::uint8_t* data, std::size_t size) noexcept { return decoder(data, size).run(); }

decode_result decode(const std::vector<std::uint8_t>& bytes) noexcept { return decode(bytes.data(), bytes.size()); }

}  // namespace mtasts::dns
