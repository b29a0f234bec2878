// Fuzzes the whole domain check (check.h): options, then a sequence of
// observations for the requests the engine asks for, each chosen by the
// input: DNS answers built to match the question (so the fuzzer reaches the
// MX, TXT, CNAME and TLSA logic rather than stopping at the decoder), raw
// bytes, HTTP errors, timeouts and failures; policy responses with any
// status, type and body; redirects, CORS blocks, aborts.
//
// Invariants beyond "no crash, no leak, no undefined behaviour, no hang":
// - request ids are unique, and every DNS request carries a query encode_query() accepts;
// - the report is JSON a strict parser accepts (to_json and step_output_json), whatever the bytes;
// - a grade and a grade range are never both set, and an open range says the report is not complete;
// - nothing is reported pending once the host says the check was stopped;
// - the report depends on the observations, not on their order: the same (last per id)
//   observations given at once in reverse order give the same report (check.h's promise).
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "mtasts/base64.h"
#include "mtasts/grade.h"
#include "mtasts/json.h"
#include "mtasts/check.h"
#include "mtasts/dns.h"

namespace check = mtasts::check;
namespace dns = mtasts::dns;

namespace {

using mtasts_fuzz::reader;

const char* const domains[] = {"example.com", "Example.COM.", "xn--bcher-kva.example", "a.b.c.example.org", "localhost",
                               "example..com", "-bad-.example", "1.2.3.4", "user@example.com", ""};
const char* const names[] = {"example.com", "mx1.example.com", "mx2.example.com", "mail.example.net", "",
                             "mta-sts.example.com", "_mta-sts.example.com", "_smtp._tls.example.com",
                             "target.example.net", "*.example.com", "a\\.b.example.com"};
const char* const texts[] = {"v=STSv1; id=20240101T000000;", "v=STSv1; id=1", "v=STSv1;id=abc;ext=1",
                             "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", "v=TLSRPTv1;rua=https://r.example/x",
                             "v=spf1 -all", "v=STSv1 ; id=1;", "V=STSV1; ID=1"};
const char* const policies[] = {
    "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.com\nmax_age: 604800\n",
    "version: STSv1\r\nmode: testing\r\nmx: mail.example.net\r\nmax_age: 86400\r\n",
    "version: STSv1\nmode: none\nmax_age: 0\n", "<html><body>Not Found</body></html>"};
const char* const content_types[] = {"text/plain", "text/plain; charset=utf-8", "text/html", "application/octet-stream",
                                     "TEXT/PLAIN;charset=\"us-ascii\"", ""};

/** The DNS message octets being built. */
struct wire {
  std::string b;
  void u8(std::uint32_t v) { b.push_back(static_cast<char>(v & 0xFF)); }
  void u16(std::uint32_t v) { u8(v >> 8); u8(v); }
  void u32(std::uint32_t v) { u16(v >> 16); u16(v); }
  /** Uncompressed; a label over 63 octets is cut (the codec's own limits are fuzzed through raw bytes). */
  void name(const std::string& n) {
    std::size_t start = 0;
    while (start < n.size()) {
      std::size_t dot = n.find('.', start);
      if (dot == std::string::npos) dot = n.size();
      std::size_t len = dot - start;
      if (len > 63) len = 63;
      if (len > 0) {
        u8(static_cast<std::uint32_t>(len));
        b.append(n, start, len);
      }
      start = dot + 1;
    }
    u8(0);
  }
};

std::string pick_name(reader& in, const std::string& asked) {
  const std::size_t k = in.below(std::size(names) + 3);
  if (k < std::size(names)) return names[k];
  if (k == std::size(names)) return asked;
  if (k == std::size(names) + 1) return "_25._tcp." + std::string(names[in.below(4)]);
  return in.bytes(40);
}

/** A response to `req` (its question echoed), with answers the input chooses. */
std::string build_answer(reader& in, const check::request& req) {
  wire w;
  const std::uint8_t flags = in.byte();
  w.u16(flags & 0x80 ? in.u16() : 0);                       // ID: 0, or any
  w.u8(0x81 | ((flags & 0x11) == 0x11 ? 0x02 : 0));              // QR, RD; TC now and then
  w.u8(0x80 | (flags & 0x20) | (flags & 0x40 ? (flags >> 1) & 0x0F : 0));  // RA, AD, an RCODE now and then
  std::size_t answers = in.below(8);
  // Now and then an MX RRset past the engine's limit of 100 hosts, each host its own name.
  const bool many = req.type == dns::rr_type::mx && answers == 7 && in.flag();
  if (many) answers = 95 + in.below(60);
  const bool ede = (flags & 0x40) != 0 && in.flag();  // an OPT record with an Extended DNS Error
  w.u16(1);
  w.u16(static_cast<std::uint32_t>(answers));
  w.u16(0);
  w.u16(ede ? 1 : 0);
  w.name(req.name);
  w.u16(static_cast<std::uint32_t>(req.type));
  w.u16(1);
  for (std::size_t i = 0; i < answers; ++i) {
    if (many) {
      w.name(req.name);
      w.u16(static_cast<std::uint32_t>(dns::rr_type::mx));
      w.u16(1);
      w.u32(300);
      wire rd;
      rd.u16(in.u16());
      rd.name("m" + std::to_string(i) + (in.byte() == 0xFF ? ".example.net" : ".example.com"));
      w.u16(static_cast<std::uint32_t>(rd.b.size()));
      w.b += rd.b;
      continue;
    }
    const std::uint8_t how = in.byte();
    const std::string owner = how & 0x80 ? pick_name(in, req.name) : req.name;
    dns::rr_type type = req.type;
    if ((how & 0x07) == 1) type = dns::rr_type::cname;
    else if ((how & 0x07) == 2) type = static_cast<dns::rr_type>(in.u16());
    w.name(owner);
    w.u16(static_cast<std::uint32_t>(type));
    w.u16(how & 0x40 ? in.u16() : 1);  // CLASS
    w.u32(in.u32());                  // TTL
    wire rd;
    switch (type) {
      case dns::rr_type::a: rd.u32(in.u32()); break;
      case dns::rr_type::aaaa: for (int k = 0; k < 4; ++k) rd.u32(in.u32()); break;
      case dns::rr_type::cname: rd.name(pick_name(in, req.name)); break;
      case dns::rr_type::mx: rd.u16(in.u16()); rd.name(pick_name(in, req.name)); break;
      case dns::rr_type::txt: {
        const std::size_t n = 1 + in.below(4);
        for (std::size_t s = 0; s < n; ++s) {
          std::string t = in.flag() ? std::string(texts[in.below(std::size(texts))]) : in.bytes(255);
          if (t.size() > 255) t.resize(255);
          rd.u8(static_cast<std::uint32_t>(t.size()));
          rd.b += t;
        }
        break;
      }
      case dns::rr_type::tlsa: {
        rd.u8(in.byte() % 5);  // usage, selector, matching: the known values and one more each
        rd.u8(in.byte() % 3);
        rd.u8(in.byte() % 4);
        const std::size_t len = in.flag() ? 32 : in.below(80);
        for (std::size_t k = 0; k < len; ++k) rd.u8(in.byte());
        break;
      }
      default: rd.b = in.bytes(64); break;
    }
    w.u16(static_cast<std::uint32_t>(rd.b.size()));
    w.b += rd.b;
  }
  if (ede) {  // RFC 6891 §6.1.2 OPT, RFC 8914 §2 option 15
    const std::string text = in.bytes(30);
    w.u8(0);
    w.u16(static_cast<std::uint32_t>(dns::rr_type::opt));
    w.u16(1232);
    w.u32(0);
    w.u16(static_cast<std::uint32_t>(6 + text.size()));
    w.u16(15);
    w.u16(static_cast<std::uint32_t>(2 + text.size()));
    w.u16(static_cast<std::uint32_t>(in.below(30)));
    w.b += text;
  }
  return w.b;
}

check::observation make_observation(reader& in, const check::request& req) {
  using kind = check::observation_kind;
  check::observation o;
  o.id = req.id;
  o.elapsed_ms = in.byte();
  o.at_ms = in.u16();
  const std::uint8_t how = in.byte();
  if (req.kind == check::request_kind::dns) {
    switch (how % 10) {
      case 0: o.kind = kind::answer; o.bytes = in.bytes(1024); break;  // raw bytes
      case 1: o.kind = kind::http_error; o.status = in.u16(); o.message = in.bytes(40); break;
      case 2: o.kind = kind::timeout; break;
      case 3: o.kind = kind::network_error; o.message = in.bytes(40); break;
      case 4: o.kind = kind::aborted; break;
      case 5: o.kind = static_cast<kind>(in.below(9)); o.bytes = build_answer(in, req); break;  // any kind
      default: o.kind = kind::answer; o.bytes = build_answer(in, req); o.truncated = (how & 0xF0) == 0xF0; break;
    }
    return o;
  }
  switch (how % 8) {
    case 0: o.kind = kind::redirect; o.status = static_cast<std::uint16_t>(300 + in.below(10)); break;
    case 1: o.kind = kind::cors_blocked; o.relay_failure = in.bytes(20); break;
    case 2: o.kind = kind::unreachable; o.message = in.bytes(40); break;
    case 3: o.kind = kind::timeout; break;
    case 4: o.kind = static_cast<kind>(in.below(9)); break;
    default: {
      o.kind = kind::response;
      o.status = in.flag() ? 200 : in.u16();
      const std::size_t ct = in.below(std::size(content_types) + 2);
      if (ct < std::size(content_types)) o.content_type = content_types[ct];
      else if (ct == std::size(content_types)) o.content_type = in.bytes(40);
      o.bytes = in.flag() ? std::string(policies[in.below(std::size(policies))]) : in.bytes(4096);
      o.truncated = (how & 0xF0) == 0xF0;
      o.via_relay = (how & 0x08) != 0;
    }
  }
  return o;
}

void require_report(const check::domain_check& c, bool stopped) {
  std::set<std::string> ids;
  for (const auto& r : c.requests()) {
    MTASTS_FUZZ_REQUIRE(ids.insert(r.id).second, r.id);
    if (r.kind == check::request_kind::dns) {
      MTASTS_FUZZ_REQUIRE(!r.dns.empty() && mtasts::base64_decode(r.dns).has_value(), r.id);
      MTASTS_FUZZ_REQUIRE(dns::encode_query(r.name, r.type).ok(), r.name);
    }
  }
  const auto& rep = c.result();
  MTASTS_FUZZ_REQUIRE(!(rep.grade && rep.grade_range), rep.domain);
  if (rep.grade_range) MTASTS_FUZZ_REQUIRE(!rep.complete, rep.domain);
  if (stopped) {
    MTASTS_FUZZ_REQUIRE(rep.pending.empty(), rep.domain);
    for (const auto& ch : rep.checks) MTASTS_FUZZ_REQUIRE(ch.status != check::status::pending, ch.id);
  }
  bool explained = false;  // a grade below A+ rests on an observed finding that has an effect, or a warning
  for (const auto& ch : rep.checks)
    for (const auto& f : ch.findings) {
      MTASTS_FUZZ_REQUIRE(!f.message.empty(), ch.id);
      if (mtasts::code_observation(f.code) == mtasts::observation_state::observed &&
          (mtasts::code_effect(f.code) != mtasts::grade_effect::none || mtasts::code_severity(f.code) == mtasts::severity::warning))
        explained = true;
    }
  for (const auto& f : rep.domain_findings)
    if (mtasts::code_effect(f.code) != mtasts::grade_effect::none) explained = true;
  if (rep.grade && *rep.grade != check::grade::a_plus) MTASTS_FUZZ_REQUIRE(explained, check::to_json(rep));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reader in(data, size);
  check::options opt;
  const std::size_t d = in.below(std::size(domains) + 1);
  opt.input = d < std::size(domains) ? std::string(domains[d]) : in.bytes(60);
  opt.resolver = "https://dns.example/dns-query";
  const std::uint8_t setup = in.byte();
  opt.tlsa_cap = setup & 0x03;
  if (setup & 0x04) opt.pasted_policy = in.flag() ? std::string(policies[in.below(std::size(policies))]) : in.bytes(512);
  const bool stop_at_end = (setup & 0x08) != 0;
  opt.deadline = (setup & 0x10) != 0;

  check::domain_check c(opt);
  std::map<std::string, check::observation> last;  // per id, the one that counts
  for (int step = 0; step < 32 && !in.empty(); ++step) {
    const auto& reqs = c.requests();
    if (reqs.empty()) break;
    const check::request req = reqs[in.below(reqs.size())];
    check::observation o = make_observation(in, req);
    if (in.byte() == 0xFF) o.id = "dns:MX:unasked.example";  // an id never requested is ignored
    if (o.id == req.id) last[o.id] = o;
    c.observe(std::move(o));
    require_report(c, false);
  }
  mtasts_fuzz::require_json(check::to_json(c.result()));
  mtasts_fuzz::require_json(check::step_output_json(c));

  // The same observations, at once and in reverse order.
  check::domain_check again(opt);
  std::vector<check::observation> all;
  for (auto it = last.rbegin(); it != last.rend(); ++it) all.push_back(it->second);
  again.observe(std::move(all));
  MTASTS_FUZZ_REQUIRE(check::to_json(again.result()) == check::to_json(c.result()),
                      check::to_json(again.result()) + "\n---\n" + check::to_json(c.result()));

  // The same state through its JSON mapping (as the wasm boundary takes it): the same requests and report.
  {
    check::state st{opt, {}};
    for (const auto& [id, o] : last) st.observations.push_back(o);
    const std::string state_json = check::to_json(st);
    const auto parsed = check::parse_state(state_json);
    MTASTS_FUZZ_REQUIRE(parsed.state.has_value(), parsed.error);
    MTASTS_FUZZ_REQUIRE(check::to_json(*parsed.state) == state_json, state_json);
    // Text members are JSON strings: invalid UTF-8 in them (which no host sends) becomes U+FFFD, so
    // the report is the same only when they were text; the bytes members (base64) always survive.
    bool text = true;
    for (const auto& o : st.observations)
      text = text && mtasts_fuzz::utf8(o.message) && mtasts_fuzz::utf8(o.relay_failure) &&
             (!o.content_type || mtasts_fuzz::utf8(*o.content_type)) && mtasts_fuzz::utf8(o.id);
    text = text && mtasts_fuzz::utf8(opt.input);
    if (text) MTASTS_FUZZ_REQUIRE(check::step_json(state_json) == check::step_output_json(again), state_json);
  }

  if (stop_at_end) {
    check::options stopped = opt;
    stopped.aborted = true;
    check::domain_check s(stopped);
    std::vector<check::observation> obs;
    for (const auto& [id, o] : last) obs.push_back(o);
    s.observe(std::move(obs));
    require_report(s, true);
    mtasts_fuzz::require_json(check::to_json(s.result()));
  }
  return 0;
}
