// Tests for the domain check (check.h) and its grade (grade.h).
//
// A fake DNS-over-HTTPS resolver answers the engine's queries from a small
// zone: it decodes each query's wire bytes and builds an RFC 1035 response
// octet by octet (header, the question echoed, A/AAAA/CNAME/MX/TXT/TLSA
// answers, an OPT record with an Extended DNS Error), with per-name
// overrides for the ways a resolver fails (RCODE, TC, garbage, a wrong ID or
// question, HTTP errors, timeouts). The policy request gets the observation
// each scenario chooses. A driver answers every new request until the engine
// asks for nothing more.
//
// The scenario table states, for each domain set-up, the grade (or null and
// its range), whether the report is complete, the status of the checks that
// matter and the exact set of finding codes; check_asserted_codes() is
// derived from that table for the coverage guard in codes_test.cpp.
//
// Expectations follow the specification (RFC 8461 §3.1-§4.1, RFC 8460 §3,
// RFC 7672 §2.2, RFC 1035) and the rubric of docs/GRADING.md, not the code:
// a row that fails names an engine bug.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtasts/base64.h"
#include "mtasts/check.h"
#include "mtasts/dns.h"
#include "mtasts/grade.h"
#include "mtasts/json.h"
#include "test_support.h"

namespace {

namespace check = mtasts::check;
namespace dns = mtasts::dns;
using check::observation;
using check::observation_kind;
using dns::rr_type;

// ===========================================================================
// The fake resolver

struct tlsa_rr {
  std::uint8_t usage = 3, selector = 1, matching = 1;
  std::vector<std::uint8_t> data = std::vector<std::uint8_t>(32, 0xAB);
};

/** One owner name of the zone: its records, and how the resolver misbehaves for it. */
struct node {
  std::vector<std::string> a, aaaa;
  std::string cname;
  std::vector<std::pair<std::uint16_t, std::string>> mx;  ///< "" is the root (null MX)
  std::vector<std::vector<std::string>> txt;               ///< each record: its character-strings
  std::vector<tlsa_rr> tlsa;
  bool ad = false;
  // Overrides: for the query types in `only`, or for every type when it is empty.
  std::set<rr_type> only;
  std::optional<dns::rcode> rcode;
  std::optional<std::uint16_t> ede;  ///< an Extended DNS Error in an OPT record
  std::string ede_text;
  bool tc = false, wrong_id = false, wrong_question = false, stop_cname = false;
  std::optional<std::string> garbage;     ///< sent as the body instead of a message
  std::optional<observation> failure;     ///< http_error / timeout / network_error instead of an answer
};

struct zone {
  std::map<std::string, node> names;  ///< lower case
  bool follow_cname = true;           ///< the resolver follows CNAMEs inside the zone
  node& operator[](const std::string& n) { return names[n]; }
  const node* find(std::string n) const {
    for (char& c : n) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    auto it = names.find(n);
    return it == names.end() ? nullptr : &it->second;
  }
};

struct wire {
  std::string b;
  std::size_t len_at = 0;
  wire& u8(unsigned v) { b.push_back(static_cast<char>(v & 0xFF)); return *this; }
  wire& u16(unsigned v) { return u8(v >> 8).u8(v); }
  wire& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
  wire& bytes(std::string_view s) { b.append(s); return *this; }
  wire& name(std::string_view dotted) {
    while (!dotted.empty()) {
      const std::size_t dot = dotted.find('.');
      const std::string_view l = dotted.substr(0, dot);
      u8(static_cast<unsigned>(l.size())).bytes(l);
      if (dot == std::string_view::npos) break;
      dotted.remove_prefix(dot + 1);
    }
    return u8(0);
  }
  wire& rr(std::string_view owner, rr_type t, unsigned klass = 1, std::uint32_t ttl = 300) {
    name(owner).u16(static_cast<unsigned>(t)).u16(klass).u32(ttl);
    len_at = b.size();
    return u16(0);
  }
  wire& end() {
    const std::size_t n = b.size() - len_at - 2;
    b[len_at] = static_cast<char>(n >> 8);
    b[len_at + 1] = static_cast<char>(n & 0xFF);
    return *this;
  }
};

void put_ipv4(wire& w, const std::string& s) {
  unsigned parts[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (char c : s) {
    if (c == '.') ++i;
    else parts[i] = parts[i] * 10 + static_cast<unsigned>(c - '0');
  }
  for (unsigned p : parts) w.u8(p);
}

/** "2001:db8::1" and the like (one "::" at most). */
void put_ipv6(wire& w, const std::string& s) {
  auto groups = [](std::string_view part) {
    std::vector<unsigned> out;
    while (!part.empty()) {
      const std::size_t colon = part.find(':');
      out.push_back(static_cast<unsigned>(std::stoul(std::string(part.substr(0, colon)), nullptr, 16)));
      if (colon == std::string_view::npos) break;
      part.remove_prefix(colon + 1);
    }
    return out;
  };
  const std::size_t gap = s.find("::");
  std::vector<unsigned> head = groups(std::string_view(s).substr(0, gap));
  std::vector<unsigned> tail = gap == std::string::npos ? std::vector<unsigned>{} : groups(std::string_view(s).substr(gap + 2));
  head.resize(8 - tail.size(), 0);
  for (unsigned g : tail) head.push_back(g);
  for (unsigned g : head) w.u16(g);
}

struct answer_rr {
  std::string owner;
  rr_type type;
  const node* at;
  std::size_t index;  ///< which record of that type
  std::string target;  ///< CNAME
};

/** The response the fake resolver gives to one DNS request. */
observation resolve(const zone& z, const check::request& req) {
  observation o;
  o.id = req.id;
  o.elapsed_ms = 12;
  o.at_ms = 40;
  const auto query = mtasts::base64_decode(req.dns);
  REQUIRE(query);
  auto decoded = dns::decode(reinterpret_cast<const std::uint8_t*>(query->data()), query->size());
  REQUIRE(decoded.msg);
  REQUIRE(decoded.msg->questions.size() == 1);
  const dns::question q = decoded.msg->questions.front();
  const node* first = z.find(q.name);
  const bool overrides = first != nullptr && (first->only.empty() || first->only.count(q.type) != 0);
  if (overrides && first->failure) {
    observation f = *first->failure;
    f.id = req.id;
    return f;
  }
  o.kind = observation_kind::answer;
  o.status = 200;
  o.content_type = "application/dns-message";
  if (overrides && first->garbage) {
    o.bytes = *first->garbage;
    return o;
  }

  std::vector<answer_rr> answers;
  dns::rcode rc = dns::rcode::noerror;
  bool ad = true;
  std::string cur = q.name;
  std::set<std::string> seen{q.name};
  for (;;) {
    const node* n = z.find(cur);
    if (n == nullptr) {
      rc = dns::rcode::nxdomain;
      ad = false;
      break;
    }
    ad = ad && n->ad;
    if (!n->cname.empty() && q.type != rr_type::cname) {
      answers.push_back({cur, rr_type::cname, n, 0, n->cname});
      if (!z.follow_cname || n->stop_cname || !seen.insert(n->cname).second) break;
      cur = n->cname;
      continue;
    }
    std::size_t count = 0;
    switch (q.type) {
      case rr_type::a: count = n->a.size(); break;
      case rr_type::aaaa: count = n->aaaa.size(); break;
      case rr_type::mx: count = n->mx.size(); break;
      case rr_type::txt: count = n->txt.size(); break;
      case rr_type::tlsa: count = n->tlsa.size(); break;
      default: break;
    }
    for (std::size_t i = 0; i < count; ++i) answers.push_back({cur, q.type, n, i, {}});
    break;
  }
  if (overrides && first->rcode) {
    rc = *first->rcode;
    if (rc != dns::rcode::noerror) answers.clear();
  }

  const bool opt = overrides && first->ede.has_value();
  unsigned flags = 0x8000 | 0x0100 | 0x0080;  // QR RD RA
  if (ad) flags |= 0x0020;
  if (overrides && first->tc) flags |= 0x0200;
  flags |= static_cast<unsigned>(rc) & 0x0F;
  wire w;
  w.u16(overrides && first->wrong_id ? 0x1234 : 0).u16(flags).u16(1).u16(static_cast<unsigned>(answers.size())).u16(0).u16(opt ? 1 : 0);
  w.name(overrides && first->wrong_question ? "other." + q.name : q.name).u16(static_cast<unsigned>(q.type)).u16(1);
  for (const auto& a : answers) {
    w.rr(a.owner, a.type);
    switch (a.type) {
      case rr_type::cname: w.name(a.target); break;
      case rr_type::a: put_ipv4(w, a.at->a[a.index]); break;
      case rr_type::aaaa: put_ipv6(w, a.at->aaaa[a.index]); break;
      case rr_type::mx: w.u16(a.at->mx[a.index].first).name(a.at->mx[a.index].second); break;
      case rr_type::txt:
        for (const auto& s : a.at->txt[a.index]) w.u8(static_cast<unsigned>(s.size())).bytes(s);
        break;
      case rr_type::tlsa: {
        const auto& t = a.at->tlsa[a.index];
        w.u8(t.usage).u8(t.selector).u8(t.matching);
        for (auto b : t.data) w.u8(b);
        break;
      }
      default: break;
    }
    w.end();
  }
  if (opt) {  // RFC 6891 §6.1.2 with option 15 (RFC 8914 §2)
    w.rr("", rr_type::opt, 1232, 0);
    w.u16(15).u16(static_cast<unsigned>(2 + first->ede_text.size())).u16(*first->ede).bytes(first->ede_text);
    w.end();
  }
  o.bytes = std::move(w.b);
  return o;
}

dns::decode_result decode_obs(const observation& o) {
  return dns::decode(std::vector<std::uint8_t>(o.bytes.begin(), o.bytes.end()));
}

// ===========================================================================
// The world of one scenario, and the driver

const std::string kPolicy =
    "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800\n";

observation policy_response(std::string body, std::optional<std::string> ct = std::string("text/plain"),
                            std::uint16_t status = 200) {
  observation o;
  o.kind = observation_kind::response;
  o.status = status;
  o.content_type = std::move(ct);
  o.bytes = std::move(body);
  o.elapsed_ms = 30;
  o.at_ms = 60;
  return o;
}

observation policy_event(observation_kind k, std::uint16_t status = 0) {
  observation o;
  o.kind = k;
  o.status = status;
  o.elapsed_ms = 25;
  o.at_ms = 55;
  return o;
}

observation dns_failure(observation_kind k, std::uint16_t status = 0, std::string message = {}) {
  observation o;
  o.kind = k;
  o.status = status;
  o.message = std::move(message);
  return o;
}

struct world {
  zone z;
  std::optional<observation> policy;  ///< nullopt: the policy never answers
  check::options opt;
};

/** example.com with everything of an A: two MX hosts, one STS record, a policy, TLS-RPT; no DANE. */
world example() {
  world w;
  w.opt.input = "example.com";
  w.opt.resolver = "https://dns.example/dns-query";
  w.z["example.com"].mx = {{10, "mx1.example.com"}, {20, "mx2.example.com"}};
  w.z["example.com"].a = {"192.0.2.10"};
  w.z["_mta-sts.example.com"].txt = {{"v=STSv1; id=20240101T000000"}};
  w.z["_smtp._tls.example.com"].txt = {{"v=TLSRPTv1; rua=mailto:tlsrpt@example.com"}};
  w.z["mta-sts.example.com"].a = {"192.0.2.1"};
  w.z["mta-sts.example.com"].aaaa = {"2001:db8::1"};
  w.z["mx1.example.com"].a = {"192.0.2.25"};
  w.z["mx2.example.com"].a = {"192.0.2.26"};
  w.policy = policy_response(kPolicy);
  return w;
}

/** Secure TLSA records on every MX host, and a signed MX answer. */
void with_dane(world& w) {
  w.z["example.com"].ad = true;
  for (const char* h : {"_25._tcp.mx1.example.com", "_25._tcp.mx2.example.com"}) {
    w.z[h].tlsa = {tlsa_rr{}};
    w.z[h].ad = true;
  }
}

struct outcome {
  check::report rep;
  std::vector<std::vector<std::string>> waves;  ///< the ids each round of requests added
  std::vector<check::request> requests;         ///< all of them, at the end
  std::vector<observation> observations;        ///< in the order given
};

observation answer(const world& w, const check::request& r) {
  if (r.kind == check::request_kind::dns) return resolve(w.z, r);
  observation o = *w.policy;
  o.id = r.id;
  return o;
}

outcome drive(const world& w) {
  outcome out;
  check::domain_check c(w.opt);
  std::set<std::string> started;
  for (int round = 0; round < 50; ++round) {
    std::vector<check::request> todo;
    for (const auto& r : c.requests())
      if (started.insert(r.id).second) todo.push_back(r);
    if (todo.empty()) break;
    out.waves.emplace_back();
    for (const auto& r : todo) out.waves.back().push_back(r.id);
    for (const auto& r : todo) {
      if (r.kind == check::request_kind::policy && !w.policy) continue;
      observation o = answer(w, r);
      out.observations.push_back(o);
      c.observe(std::move(o));
    }
  }
  out.rep = c.result();
  out.requests = c.requests();
  return out;
}

// ===========================================================================
// Reading a report

std::set<std::string> codes_of(const check::report& r) {
  std::set<std::string> out;
  for (const auto& f : r.domain_findings) out.insert(std::string(mtasts::code_name(f.code)));
  for (const auto& c : r.checks)
    for (const auto& f : c.findings) out.insert(std::string(mtasts::code_name(f.code)));
  return out;
}

std::string describe(const check::report& r) {
  std::string out = "grade " + (r.grade ? std::string(check::grade_name(*r.grade)) : std::string("null"));
  if (r.grade_range)
    out += " [" + std::string(check::grade_name(r.grade_range->first)) + ", " +
           std::string(check::grade_name(r.grade_range->second)) + "]";
  out += " complete=" + std::string(r.complete ? "true" : "false") + " (" + r.grade_reason + ")";
  for (const auto& f : r.domain_findings) out += "\n  domain: " + std::string(mtasts::code_name(f.code)) + " " + f.message;
  for (const auto& c : r.checks) {
    out += "\n  " + c.id + ": " + std::string(check::status_name(c.status)) + " - " + c.summary;
    for (const auto& f : c.findings) out += "\n    " + std::string(mtasts::code_name(f.code)) + " " + f.message;
  }
  for (const auto& p : r.pending) out += "\n  pending " + p;
  return out;
}

const check::check_result* check_of(const check::report& r, std::string_view id) {
  for (const auto& c : r.checks)
    if (c.id == id) return &c;
  return nullptr;
}

/** The first finding with `code`, in the checks or about the domain. */
const mtasts::finding* finding_of(const check::report& r, std::string_view code) {
  for (const auto& f : r.domain_findings)
    if (mtasts::code_name(f.code) == code) return &f;
  for (const auto& c : r.checks)
    for (const auto& f : c.findings)
      if (mtasts::code_name(f.code) == code) return &f;
  return nullptr;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

std::string grade_text(const std::optional<check::grade>& g) {
  return g ? std::string(check::grade_name(*g)) : std::string("null");
}
std::string range_text(const std::optional<std::pair<check::grade, check::grade>>& r) {
  return r ? std::string(check::grade_name(r->first)) + ".." + std::string(check::grade_name(r->second)) : "none";
}

// ===========================================================================
// The scenario table

struct scenario {
  std::string name;
  std::function<void(world&)> setup;
  std::string grade;         ///< "A+" ... "F", or "null"
  std::string range = "none";  ///< "F..A" when the grade is null for lack of observations
  bool complete = true;
  std::map<std::string, std::string> statuses;  ///< check id -> status name
  std::set<std::string> codes;                  ///< the exact set of finding codes
  std::function<void(const outcome&)> more;      ///< further assertions
  bool exact_codes = true;                      ///< false: `codes` must be among the findings, others may be too
};

using S = std::map<std::string, std::string>;

void unreachable_policy(world& w) { w.policy = policy_event(observation_kind::unreachable); }

const std::vector<scenario>& scenarios() {
  static const std::vector<scenario> rows = [] {
    std::vector<scenario> t;
    // --- the grades -------------------------------------------------------
    t.push_back({"signed TLSA that SMTP cannot use (PKIX-EE, a short SHA-256): no A+, and said",
                 [](world& w) {
                   with_dane(w);
                   w.z["_25._tcp.mx1.example.com"].tlsa = {tlsa_rr{1, 1, 1, std::vector<std::uint8_t>(32, 1)},
                                                            tlsa_rr{3, 1, 1, std::vector<std::uint8_t>(31, 1)}};
                 },
                 "A", "none", true, S{{"dane", "warn"}}, {"dane.tlsa.unusable"},
                 [](const outcome& o) {
                   CHECK(contains(finding_of(o.rep, "dane.tlsa.unusable")->message, "mx1.example.com"));
                   CHECK(contains(finding_of(o.rep, "dane.tlsa.unusable")->message, "31 bytes"));
                 }});
    t.push_back({"one usable TLSA record beside an unusable one still counts: A+ is kept from by the warning only",
                 [](world& w) {
                   with_dane(w);
                   w.z["_25._tcp.mx1.example.com"].tlsa = {tlsa_rr{}, tlsa_rr{0, 0, 0, std::vector<std::uint8_t>(10, 1)}};
                 },
                 "A", "none", true, S{{"dane", "warn"}}, {"dane.tlsa.unusable"}, nullptr});
    t.push_back({"A+: enforce, everything valid, secure TLSA on every MX host", with_dane, "A+", "none", true,
                 S{{"sts", "pass"}, {"policy_fetch", "pass"}, {"policy", "pass"}, {"mx", "pass"}, {"tlsrpt", "pass"}, {"dane", "pass"}},
                 {},
                 [](const outcome& o) {
                   REQUIRE(o.rep.mx.size() == 2);
                   for (const auto& h : o.rep.mx) {
                     CHECK(h.covered == std::optional<bool>(true));
                     REQUIRE(h.tlsa);
                     CHECK(h.tlsa->records == 1);
                     CHECK(h.tlsa->ad);
                   }
                   CHECK(o.rep.mx_ad == std::optional<bool>(true));
                   CHECK(o.rep.mx_kind == "records");
                   CHECK(o.rep.pending.empty());
                 }});
    t.push_back({"A: enforce, everything valid, no DANE (TLSA NXDOMAIN, MX unsigned)", nullptr, "A", "none", true,
                 S{{"sts", "pass"}, {"policy_fetch", "pass"}, {"policy", "pass"}, {"mx", "pass"}, {"tlsrpt", "pass"}},
                 {"dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->id == std::optional<std::string>("20240101T000000"));
                   REQUIRE(o.rep.policy);
                   CHECK(o.rep.policy->valid);
                   CHECK(o.rep.policy->status == std::optional<std::uint16_t>(200));
                   CHECK(o.rep.policy->source == check::policy_source::fetched);
                   REQUIRE(o.rep.tlsrpt);
                   CHECK(o.rep.tlsrpt->valid);
                   CHECK(o.rep.tlsrpt->rua == std::vector<std::string>{"mailto:tlsrpt@example.com"});
                   CHECK(o.rep.mx_ad == std::optional<bool>(false));
                   for (const auto& h : o.rep.mx) CHECK((h.tlsa && h.tlsa->records == 0 && !h.tlsa->ad));
                 }});
    t.push_back({"A, not A+: a warning in the policy file keeps DANE from making it A+",
                 [](world& w) {
                   with_dane(w);
                   w.policy = policy_response(kPolicy + "\n\n");
                 },
                 "A", "none", true, S{{"policy", "warn"}, {"dane", "pass"}}, {"policy.line.trailing_blank"}, nullptr});
    t.push_back({"A, not A+: TLSA without AD is a warning (dane.tlsa.insecure)",
                 [](world& w) {
                   with_dane(w);
                   w.z["_25._tcp.mx2.example.com"].ad = false;
                 },
                 "A", "none", true, S{{"dane", "warn"}}, {"dane.tlsa.insecure"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.mx.size() == 2);
                   CHECK((o.rep.mx[1].tlsa && o.rep.mx[1].tlsa->records == 1 && !o.rep.mx[1].tlsa->ad));
                 }});
    t.push_back({"A, not A+: one MX host has TLSA, the other NODATA (dane.tlsa.missing)",
                 [](world& w) {
                   with_dane(w);
                   w.z["_25._tcp.mx2.example.com"].tlsa.clear();
                 },
                 "A", "none", true, S{{"dane", "warn"}}, {"dane.tlsa.missing"}, nullptr});
    t.push_back({"B: enforce without TLS-RPT (NXDOMAIN)",
                 [](world& w) { w.z.names.erase("_smtp._tls.example.com"); },
                 "B", "none", true, S{{"tlsrpt", "warn"}},
                 {"tlsrpt.dns.missing", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "tlsrpt.dns.missing")->message, "NXDOMAIN")); }});
    t.push_back({"B: enforce with max_age under a week",
                 [](world& w) {
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 86400\n");
                 },
                 "B", "none", true, S{{"policy", "pass"}},
                 {"policy.max_age.under_week", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"B: enforce served as text/html",
                 [](world& w) { w.policy = policy_response(kPolicy, std::string("text/html; charset=utf-8")); },
                 "B", "none", true, S{{"policy_fetch", "warn"}, {"policy", "pass"}},
                 {"policy.fetch.content_type", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"B: enforce served without a Content-Type",
                 [](world& w) { w.policy = policy_response(kPolicy, std::nullopt); },
                 "B", "none", true, S{{"policy_fetch", "warn"}},
                 {"policy.fetch.content_type", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"B: testing with everything else of an A",
                 [](world& w) {
                   w.policy = policy_response("version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800\n");
                 },
                 "B", "none", true, S{{"mx", "pass"}},
                 {"policy.mode.testing", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"C: enforce with two shortfalls (no TLS-RPT, text/html)",
                 [](world& w) {
                   w.z["_smtp._tls.example.com"].txt.clear();
                   w.policy = policy_response(kPolicy, std::string("text/html"));
                 },
                 "C", "none", true, S{{"tlsrpt", "warn"}, {"policy_fetch", "warn"}},
                 {"tlsrpt.dns.missing", "policy.fetch.content_type", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "tlsrpt.dns.missing")->message, "NODATA")); }});
    t.push_back({"C: testing with an MX host not covered (a warning, mx.not_covered_testing)",
                 [](world& w) {
                   w.policy = policy_response("version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 604800\n");
                 },
                 "C", "none", true, S{{"mx", "warn"}},
                 {"mx.not_covered_testing", "policy.mode.testing", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.mx.size() == 2);
                   CHECK(o.rep.mx[0].covered == std::optional<bool>(true));
                   CHECK(o.rep.mx[0].pattern == "mx1.example.com");
                   CHECK(o.rep.mx[1].covered == std::optional<bool>(false));
                   CHECK(contains(finding_of(o.rep, "mx.not_covered_testing")->message, "mx2.example.com"));
                 }});
    t.push_back({"D: mode none",
                 [](world& w) { w.policy = policy_response("version: STSv1\nmode: none\nmax_age: 86400\n"); },
                 "D", "none", true, S{{"policy", "warn"}},
                 {"policy.mode.none", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"F: enforce with an MX host not covered (an error, mx.not_covered)",
                 [](world& w) {
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n");
                 },
                 "F", "none", true, S{{"mx", "fail"}},
                 {"mx.not_covered", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"F: no MTA-STS at all (no TXT, no policy host)",
                 [](world& w) {
                   w.z.names.erase("_mta-sts.example.com");
                   w.z.names.erase("mta-sts.example.com");
                   unreachable_policy(w);
                 },
                 "F", "none", true, S{{"sts", "fail"}, {"policy_fetch", "fail"}, {"policy", "info"}, {"mx", "info"}},
                 {"sts.dns.missing", "policy.host.missing", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   CHECK(contains(finding_of(o.rep, "sts.dns.missing")->message, "NXDOMAIN"));
                   for (const auto& h : o.rep.mx) CHECK_FALSE(h.covered.has_value());
                 }});
    t.push_back({"F: the policy host answered 200, then the connection broke before the body was read",
                 [](world& w) {
                   w.policy = policy_event(observation_kind::unreachable, 200);
                   w.policy->message = "body read failed: terminated";
                 },
                 "F", "none", true, S{{"policy_fetch", "fail"}, {"policy", "info"}, {"mx", "info"}},
                 {"policy.fetch.unreachable", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   const auto* f = finding_of(o.rep, "policy.fetch.unreachable");
                   REQUIRE(f);
                   CHECK_MESSAGE(contains(f->message, "answered HTTP 200, but the connection broke"), f->message);
                   CHECK_MESSAGE(!contains(f->message, "certificate"), f->message);  // the TLS handshake worked
                 }});
    t.push_back({"F: a policy is served but the _mta-sts name exists without TXT (NODATA)",
                 [](world& w) { w.z["_mta-sts.example.com"].txt.clear(); },
                 "F", "none", true, S{{"sts", "fail"}, {"policy", "pass"}},
                 {"sts.dns.missing", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "sts.dns.missing")->message, "NODATA")); }});
    t.push_back({"F: the STS record is invalid (no id)",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=STSv1;"}}; },
                 "F", "none", true, S{{"sts", "fail"}}, {"sts.id.missing", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"F: the policy file is invalid", [](world& w) { w.policy = policy_response("version: STSv1\nmode: enforce\nmax_age: 604800\n"); },
                 "F", "none", true, S{{"policy", "fail"}},
                 {"policy.mx.missing", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"F: the domain does not exist (NXDOMAIN)",
                 [](world& w) {
                   w.z.names.clear();
                   unreachable_policy(w);
                 },
                 "F", "none", true, S{{"mx", "fail"}, {"sts", "fail"}, {"policy_fetch", "fail"}},
                 {"domain.not_found", "sts.dns.missing", "policy.host.missing", "tlsrpt.dns.missing"},
                 [](const outcome& o) {
                   // Every question was answered by DNS itself (NXDOMAIN is an answer): nothing is unknown.
                   const auto* dane = check_of(o.rep, "dane");
                   REQUIRE(dane);
                   CHECK(dane->status != check::status::unknown);
                   CHECK(dane->status != check::status::pending);
                 }});

    // --- the _mta-sts TXT record --------------------------------------------
    t.push_back({"TXT split into several strings is joined without separator",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=STSv1; ", "id=2024", "0101"}}; },
                 "A", "none", true, S{{"sts", "pass"}}, {"txt.strings.joined", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->record == std::optional<std::string>("v=STSv1; id=20240101"));
                   CHECK(o.rep.sts->id == std::optional<std::string>("20240101"));
                 }});
    t.push_back({"two STS records: senders see no MTA-STS",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=STSv1; id=1"}, {"v=STSv1; id=2"}}; },
                 "F", "none", true, S{{"sts", "fail"}}, {"sts.dns.multiple", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->records.size() == 2);
                   CHECK_FALSE(o.rep.sts->record.has_value());
                 }});
    t.push_back({"an unrelated TXT beside the STS record is discarded",
                 [](world& w) {
                   w.z["_mta-sts.example.com"].txt = {{"v=spf1 -all"}, {"v=STSv1; id=20240101T000000"}};
                 },
                 "A", "none", true, S{{"sts", "pass"}}, {"sts.dns.discarded", "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});
    t.push_back({"near miss 'v=STSv1 ;' beside another TXT record is discarded (RFC 8461 §3.1)",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=STSv1 ; id=20240101"}, {"google-site-verification=x"}}; },
                 "F", "none", true, S{{"sts", "fail"}},
                 {"sts.dns.near_miss", "sts.dns.discarded", "sts.dns.missing", "sts.delimiter.space_before",
                  "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});
    t.push_back({"near miss 'v=STSv1 ;' alone: the ABNF allows it and the discard rule needs several records",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=STSv1 ; id=20240101"}}; },
                 // RFC 8461 §3.1: records are discarded only "if multiple TXT records ... are returned"; one
                 // record that the ABNF accepts is the policy record. Digest §1.2 / §7: a warning.
                 "A", "none", true, S{{"sts", "warn"}},
                 {"sts.delimiter.space_before", "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});
    t.push_back({"lone 'v=stsv1;' in lower case: the version literal is case-sensitive, the record invalid (RFC 8461 §3.1)",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=stsv1; id=20240101"}}; },
                 "F", "none", true, S{{"sts", "fail"}},
                 {"sts.version.invalid", "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});
    t.push_back({"'v=stsv1;' beside 'v=STSv1;': the prefix filter is case-sensitive and leaves one record",
                 [](world& w) { w.z["_mta-sts.example.com"].txt = {{"v=stsv1; id=1"}, {"v=STSv1; id=2"}}; },
                 "A", "none", true, S{{"sts", "warn"}},
                 {"sts.dns.near_miss", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->id == std::optional<std::string>("2"));
                 }});
    t.push_back({"CNAME delegation followed by the resolver",
                 [](world& w) {
                   w.z["_mta-sts.example.com"] = node{};
                   w.z["_mta-sts.example.com"].cname = "_mta-sts.provider.example";
                   w.z["_mta-sts.provider.example"].txt = {{"v=STSv1; id=77"}};
                 },
                 "A", "none", true, S{{"sts", "pass"}}, {"sts.dns.cname", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->aliases == std::vector<std::string>{"_mta-sts.provider.example"});
                   CHECK(o.rep.sts->id == std::optional<std::string>("77"));
                   for (const auto& r : o.requests) CHECK(r.id != "dns:TXT:_mta-sts.provider.example");
                 }});
    t.push_back({"CNAME delegation chased by the client when the resolver stops at the alias",
                 [](world& w) {
                   w.z["_mta-sts.example.com"] = node{};
                   w.z["_mta-sts.example.com"].cname = "_mta-sts.provider.example";
                   w.z["_mta-sts.example.com"].stop_cname = true;
                   w.z["_mta-sts.provider.example"].txt = {{"v=STSv1; id=77"}};
                 },
                 "A", "none", true, S{{"sts", "pass"}}, {"sts.dns.cname", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->aliases == std::vector<std::string>{"_mta-sts.provider.example"});
                   CHECK(o.rep.sts->id == std::optional<std::string>("77"));
                   bool asked = false;
                   for (const auto& r : o.requests) asked = asked || r.id == "dns:TXT:_mta-sts.provider.example";
                   CHECK(asked);
                   REQUIRE(o.waves.size() >= 2);
                 }});
    t.push_back({"CNAME chain of two links, the resolver stopping at the second: the client asks the last target",
                 [](world& w) {
                   w.z["_mta-sts.example.com"] = node{};
                   w.z["_mta-sts.example.com"].cname = "_mta-sts.hop.example";
                   w.z["_mta-sts.hop.example"].cname = "_mta-sts.provider.example";
                   w.z["_mta-sts.hop.example"].stop_cname = true;
                   w.z["_mta-sts.provider.example"].txt = {{"v=STSv1; id=78"}};
                 },
                 "A", "none", true, S{{"sts", "pass"}}, {"sts.dns.cname", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.sts);
                   CHECK(o.rep.sts->aliases == std::vector<std::string>{"_mta-sts.hop.example", "_mta-sts.provider.example"});
                   CHECK(o.rep.sts->id == std::optional<std::string>("78"));
                   CHECK(contains(finding_of(o.rep, "sts.dns.cname")->message, "_mta-sts.provider.example"));
                   std::set<std::string> asked;
                   for (const auto& r : o.requests) asked.insert(r.id);
                   CHECK(asked.count("dns:TXT:_mta-sts.provider.example") == 1);
                   CHECK(asked.count("dns:TXT:_mta-sts.hop.example") == 0);
                 }});
    t.push_back({"_mta-sts is a CNAME to a name that does not exist",
                 [](world& w) {
                   w.z["_mta-sts.example.com"] = node{};
                   w.z["_mta-sts.example.com"].cname = "_mta-sts.gone.example";
                 },
                 "F", "none", true, S{{"sts", "fail"}}, {"sts.dns.cname", "sts.dns.missing", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "sts.dns.missing")->message, "NXDOMAIN")); }});
    t.push_back({"CNAME loop at _mta-sts: no record",
                 [](world& w) {
                   w.z["_mta-sts.example.com"] = node{};
                   w.z["_mta-sts.example.com"].cname = "_mta-sts.loop.example";
                   w.z["_mta-sts.loop.example"].cname = "_mta-sts.example.com";
                 },
                 "F", "none", true, S{{"sts", "fail"}}, {"dns.answer.cname_loop", "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});
    t.push_back({"CNAME loop chased by the client",
                 [](world& w) {
                   w.z.follow_cname = false;
                   w.z["_mta-sts.example.com"] = node{};
                   w.z["_mta-sts.example.com"].cname = "_mta-sts.loop.example";
                   w.z["_mta-sts.loop.example"].cname = "_mta-sts.example.com";
                 },
                 "F", "none", true, S{{"sts", "fail"}}, {"dns.answer.cname_loop", "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});

    // --- resolver failures for _mta-sts: unknown, never "missing" -----------
    struct failure_row {
      const char* name;
      std::function<void(node&)> set;
      const char* code;
      const char* says;
    };
    const failure_row failures[] = {
        {"SERVFAIL with an Extended DNS Error",
         [](node& n) {
           n.rcode = dns::rcode::servfail;
           n.ede = 6;
           n.ede_text = "signature expired";
         },
         "dns.query.servfail", "Extended DNS Error 6: DNSSEC Bogus"},
        {"SERVFAIL", [](node& n) { n.rcode = dns::rcode::servfail; }, "dns.query.servfail", "SERVFAIL"},
        {"REFUSED", [](node& n) { n.rcode = dns::rcode::refused; }, "dns.query.rcode", "REFUSED"},
        {"resolver HTTP 500",
         [](node& n) { n.failure = dns_failure(observation_kind::http_error, 500, "Internal Server Error"); },
         "dns.query.failed", "HTTP 500"},
        {"resolver unreachable (network error)",
         [](node& n) { n.failure = dns_failure(observation_kind::network_error, 0, "Failed to fetch"); },
         "dns.query.failed", "Failed to fetch"},
        {"resolver timeout", [](node& n) { n.failure = dns_failure(observation_kind::timeout); }, "dns.query.timeout", "5 s"},
        {"answer broke off after the headers",
         [](node& n) { n.failure = dns_failure(observation_kind::network_error, 200, "body read failed: terminated"); },
         "dns.query.failed", "answered HTTP 200 to the query for TXT _mta-sts.example.com, but the answer broke off"},
        {"malformed bytes", [](node& n) { n.garbage = std::string("\x00\x00\x81", 3); }, "dns.query.malformed", "not a valid DNS message"},
        {"response with another ID", [](node& n) { n.wrong_id = true; }, "dns.query.malformed", "does not answer"},
        {"response to another question", [](node& n) { n.wrong_question = true; }, "dns.query.malformed", "does not answer"},
        {"TC set", [](node& n) { n.tc = true; }, "dns.query.malformed", "TC"},
        {"answer over 65,535 bytes (the host stopped reading)",
         [](node& n) {
           n.failure = dns_failure(observation_kind::answer, 200);
           n.failure->bytes = std::string(65535, '\xff');
           n.failure->truncated = true;
         },
         "dns.query.too_large", "larger than 65,535 bytes"},
    };
    for (const auto& f : failures) {
      auto set = f.set;
      const std::string says = f.says;
      const std::string code = f.code;
      t.push_back({std::string("_mta-sts lookup fails: ") + f.name,
                   [set](world& w) { set(w.z["_mta-sts.example.com"]); },
                   "null", "F..A", false, S{{"sts", "unknown"}, {"policy", "pass"}, {"mx", "pass"}},
                   {code, "dane.tlsa.missing", "dnssec.not_validated"},
                   [says, code](const outcome& o) {
                     const auto* found = finding_of(o.rep, code);
                     REQUIRE(found);
                     CHECK_MESSAGE(contains(found->message, says), found->message);
                     CHECK(contains(found->message, "_mta-sts.example.com"));
                     CHECK(o.rep.pending.empty());
                   }});
    }
    t.push_back({"TLS-RPT unknown (SERVFAIL) with everything else of an A+: no grade",
                 [](world& w) {
                   with_dane(w);
                   w.z["_smtp._tls.example.com"].rcode = dns::rcode::servfail;
                 },
                 "null", "B..A+", false, S{{"tlsrpt", "unknown"}}, {"dns.query.servfail"}, nullptr});
    t.push_back({"TLS-RPT unknown while an enforce MX host is not covered: still F",
                 [](world& w) {
                   w.z["_smtp._tls.example.com"].failure = dns_failure(observation_kind::timeout);
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n");
                 },
                 "F", "none", false, S{{"tlsrpt", "unknown"}, {"mx", "fail"}},
                 {"dns.query.timeout", "mx.not_covered", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"TLS-RPT: two records", [](world& w) {
                   w.z["_smtp._tls.example.com"].txt = {{"v=TLSRPTv1; rua=mailto:a@example.com"}, {"v=TLSRPTv1; rua=mailto:b@example.com"}};
                 },
                 "B", "none", true, S{{"tlsrpt", "warn"}}, {"tlsrpt.dns.multiple", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"TLS-RPT: an unrelated TXT beside the record is discarded", [](world& w) {
                   w.z["_smtp._tls.example.com"].txt = {{"v=spf1 -all"}, {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com"}};
                 },
                 "A", "none", true, S{{"tlsrpt", "pass"}}, {"tlsrpt.dns.discarded", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});

    // --- the policy fetch ---------------------------------------------------
    t.push_back({"policy 404", [](world& w) { w.policy = policy_response("<h1>Not Found</h1>", std::string("text/html"), 404); },
                 "F", "none", true, S{{"policy_fetch", "fail"}, {"policy", "info"}, {"mx", "info"}},
                 {"policy.fetch.status", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "policy.fetch.status")->message, "404")); }});
    t.push_back({"policy 301 redirect", [](world& w) { w.policy = policy_event(observation_kind::redirect, 301); },
                 "F", "none", true, S{{"policy_fetch", "fail"}}, {"policy.fetch.redirect", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "policy.fetch.redirect")->message, "301")); }});
    t.push_back({"policy text/plain; charset=iso-8859-1: only an info",
                 [](world& w) { w.policy = policy_response(kPolicy, std::string("text/plain; charset=ISO-8859-1")); },
                 "A", "none", true, S{{"policy_fetch", "pass"}},
                 {"policy.fetch.charset", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy body over 64 KB (truncated)",
                 [](world& w) {
                   w.policy = policy_response(kPolicy + std::string(65537 - kPolicy.size(), 'a'));
                   w.policy->truncated = true;
                 },
                 "F", "none", true, S{{"policy_fetch", "fail"}}, {"policy.fetch.too_large", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy cors_blocked: cannot verify from the browser",
                 [](world& w) { w.policy = policy_event(observation_kind::cors_blocked); },
                 "null", "F..A", false, S{{"policy_fetch", "unknown"}, {"policy", "unknown"}, {"mx", "unknown"}},
                 {"policy.fetch.cors_blocked", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK_FALSE(o.rep.policy.has_value()); }});
    t.push_back({"policy cors_blocked, and the relay failed too",
                 [](world& w) {
                   w.policy = policy_event(observation_kind::cors_blocked);
                   w.policy->relay_failure = "relay answered 502 Bad Gateway";
                 },
                 "null", "F..A", false, S{{"policy_fetch", "unknown"}},
                 {"policy.fetch.cors_blocked", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   CHECK(contains(finding_of(o.rep, "policy.fetch.cors_blocked")->message, "relay answered 502 Bad Gateway"));
                 }});
    t.push_back({"policy cors_blocked with a pasted policy: graded on the pasted text",
                 [](world& w) {
                   w.policy = policy_event(observation_kind::cors_blocked);
                   w.opt.pasted_policy = kPolicy;
                 },
                 "A", "none", true, S{{"policy", "pass"}, {"mx", "pass"}},
                 {"policy.fetch.cors_blocked", "policy.fetch.pasted", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.policy);
                   CHECK(o.rep.policy->source == check::policy_source::pasted);
                   CHECK(o.rep.policy->valid);
                   CHECK_FALSE(o.rep.policy->status.has_value());
                 }});
    t.push_back({"policy HTTP 204: only 200 is a policy (RFC 8461 §3.3)",
                 [](world& w) { w.policy = policy_response(kPolicy, std::string("text/plain"), 204); },
                 "F", "none", true, S{{"policy_fetch", "fail"}}, {"policy.fetch.status", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy media type compared case-insensitively ('Text/Plain')",
                 [](world& w) { w.policy = policy_response(kPolicy, std::string("Text/Plain")); },
                 "A", "none", true, S{{"policy_fetch", "pass"}}, {"dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy cors_blocked with a pasted policy and DANE everywhere: the pasted text stands for the file",
                 [](world& w) {
                   with_dane(w);
                   w.policy = policy_event(observation_kind::cors_blocked);
                   w.opt.pasted_policy = kPolicy;
                 },
                 // The rubric: A is "policy fetched (or pasted)"; the Content-Type of a pasted policy counts as
                 // text/plain; policy.fetch.cors_blocked is about the check, not the domain (codes.def).
                 "A+", "none", true, S{{"policy", "pass"}, {"mx", "pass"}, {"dane", "pass"}},
                 {"policy.fetch.cors_blocked", "policy.fetch.pasted"}, nullptr});
    t.push_back({"policy timeout with a pasted policy: graded on the pasted text",
                 [](world& w) {
                   w.policy = policy_event(observation_kind::timeout);
                   w.opt.pasted_policy = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800\n";
                 },
                 "B", "none", true, S{{"policy", "warn"}, {"mx", "pass"}},
                 {"policy.fetch.timeout", "policy.fetch.pasted", "policy.mode.testing", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.policy);
                   CHECK(o.rep.policy->source == check::policy_source::pasted);
                 }});
    t.push_back({"policy host resolves but HTTPS fails (unreachable)", unreachable_policy,
                 "F", "none", true, S{{"policy_fetch", "fail"}}, {"policy.fetch.unreachable", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "policy.fetch.unreachable")->message, "192.0.2.1")); }});
    t.push_back({"HTTPS fails and the policy host's address lookups fail too: nothing certain (not F)",
                 [](world& w) {
                   w.z["mta-sts.example.com"].rcode = dns::rcode::servfail;
                   unreachable_policy(w);
                 },
                 "null", "F..A", false, S{{"policy_fetch", "unknown"}, {"policy", "unknown"}},
                 {"policy.fetch.failed", "dns.query.servfail", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(contains(finding_of(o.rep, "policy.fetch.failed")->message, "SERVFAIL")); }});
    t.push_back({"HTTPS fails, A is NODATA and AAAA SERVFAIL: nothing certain, not 'no address'",
                 [](world& w) {
                   w.z["mta-sts.example.com"] = node{};
                   w.z["mta-sts.example.com"].txt = {{"something"}};
                   w.z["mta-sts.example.com"].only = {rr_type::aaaa};
                   w.z["mta-sts.example.com"].rcode = dns::rcode::servfail;
                   unreachable_policy(w);
                 },
                 "null", "F..A", false, S{{"policy_fetch", "unknown"}},
                 {"policy.fetch.failed", "dns.query.servfail", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"the domain's own name is a CNAME loop: F for that, not for an uncovered MX host",
                 [](world& w) {
                   w.z["example.com"] = node{};
                   w.z["example.com"].cname = "example.com";
                 },
                 "F", "none", true, S{{"mx", "fail"}, {"dane", "info"}}, {"dns.answer.cname_loop"},
                 [](const outcome& o) {
                   CHECK(contains(o.rep.grade_reason, "CNAME chain"));
                   CHECK(finding_of(o.rep, "mx.not_covered") == nullptr);
                 }});
    t.push_back({"policy host NXDOMAIN", [](world& w) {
                   w.z.names.erase("mta-sts.example.com");
                   unreachable_policy(w);
                 },
                 "F", "none", true, S{{"policy_fetch", "fail"}}, {"policy.host.missing", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy host exists without an address (NODATA)", [](world& w) {
                   w.z["mta-sts.example.com"] = node{};
                   w.z["mta-sts.example.com"].txt = {{"something"}};
                   unreachable_policy(w);
                 },
                 "F", "none", true, S{{"policy_fetch", "fail"}}, {"policy.host.no_address", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy timeout", [](world& w) { w.policy = policy_event(observation_kind::timeout); },
                 "null", "F..A", false, S{{"policy_fetch", "unknown"}, {"policy", "unknown"}},
                 {"policy.fetch.timeout", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"policy fetched through the user's relay", [](world& w) { w.policy->via_relay = true; },
                 "A", "none", true, S{{"policy_fetch", "pass"}}, {"policy.fetch.relay", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.policy);
                   CHECK(o.rep.policy->source == check::policy_source::relay);
                 }});

    // --- MX -----------------------------------------------------------------
    t.push_back({"MX names in upper case are covered and looked up in lower-case ids",
                 [](world& w) {
                   w.z["example.com"].mx = {{10, "MX1.EXAMPLE.COM"}, {20, "Mx2.Example.Com"}};
                   with_dane(w);
                 },
                 "A+", "none", true, S{{"mx", "pass"}, {"dane", "pass"}}, {},
                 [](const outcome& o) {
                   REQUIRE(o.rep.mx.size() == 2);
                   CHECK(o.rep.mx[0].host == "MX1.EXAMPLE.COM");
                   CHECK(o.rep.mx[0].covered == std::optional<bool>(true));
                   CHECK(o.rep.mx[1].covered == std::optional<bool>(true));
                   bool asked = false;
                   for (const auto& r : o.requests) asked = asked || r.id == "dns:TLSA:_25._tcp.mx1.example.com";
                   CHECK(asked);
                 }});
    t.push_back({"a policy mx with a trailing dot still matches (RFC 8461 §4.1, digest §1.4)",
                 [](world& w) {
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: mx1.example.com.\nmx: mx2.example.com\nmax_age: 604800\n");
                 },
                 "A", "none", true, S{{"mx", "pass"}}, {"policy.mx.trailing_dot", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});
    t.push_back({"'*.example.com' does not cover a host two labels down (RFC 8461 §4.1)",
                 [](world& w) {
                   w.z["example.com"].mx = {{10, "mx1.example.com"}, {20, "mx.eu.example.com"}};
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
                 },
                 "F", "none", true, S{{"mx", "fail"}},
                 {"mx.not_covered", "policy.mx.wildcard", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   REQUIRE(o.rep.mx.size() == 2);
                   CHECK(o.rep.mx[0].covered == std::optional<bool>(true));
                   CHECK(o.rep.mx[0].pattern == "*.example.com");
                   CHECK(o.rep.mx[1].covered == std::optional<bool>(false));
                 }});
    t.push_back({"implicit MX covered by the policy",
                 [](world& w) {
                   w.z["example.com"].mx.clear();
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: example.com\nmax_age: 604800\n");
                 },
                 "A", "none", true, S{{"mx", "warn"}}, {"mx.implicit", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   CHECK(o.rep.mx_kind == "implicit");
                   REQUIRE(o.rep.mx.size() == 1);
                   CHECK(o.rep.mx[0].host == "example.com");
                   CHECK(o.rep.mx[0].covered == std::optional<bool>(true));
                   bool asked = false;
                   for (const auto& r : o.requests) asked = asked || r.id == "dns:TLSA:_25._tcp.example.com";
                   CHECK(asked);
                 }});
    t.push_back({"implicit MX not covered in enforce",
                 [](world& w) { w.z["example.com"].mx.clear(); },
                 "F", "none", true, S{{"mx", "fail"}}, {"mx.implicit", "mx.not_covered", "dane.tlsa.missing", "dnssec.not_validated"},
                 nullptr});
    t.push_back({"null MX: no grade, and the report is complete",
                 [](world& w) {
                   w.z["example.com"].mx = {{0, ""}};
                   w.z.names.erase("_mta-sts.example.com");
                   w.z.names.erase("mta-sts.example.com");
                   unreachable_policy(w);
                 },
                 "null", "none", true, S{{"mx", "info"}, {"dane", "info"}}, {"mx.null", "sts.dns.missing", "policy.host.missing"},
                 [](const outcome& o) {
                   CHECK(o.rep.mx_kind == "null");
                   CHECK(o.rep.mx.empty());
                   for (const auto& r : o.requests) CHECK(r.type != rr_type::tlsa);
                 }});
    t.push_back({"a null MX beside real MX hosts: RFC 7505 forbids it; senders use the others",
                 [](world& w) { w.z["example.com"].mx.push_back({0, ""}); },
                 "A", "none", true, S{{"mx", "warn"}}, {"mx.null_mixed", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   CHECK(o.rep.mx_kind == "records");
                   CHECK(o.rep.mx.size() == 2);
                 }});
    t.push_back({"more MX hosts than tlsa_cap: only cap TLSA lookups",
                 [](world& w) {
                   w.opt.tlsa_cap = 2;
                   w.z["example.com"].mx = {{30, "mx3.example.com"}, {10, "mx1.example.com"}, {20, "mx2.example.com"}};
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
                 },
                 "A", "none", true, S{{"mx", "pass"}},
                 {"dane.tlsa.capped", "dane.tlsa.missing", "dnssec.not_validated", "policy.mx.wildcard"},
                 [](const outcome& o) {
                   std::size_t tlsa = 0;
                   for (const auto& r : o.requests) tlsa += r.type == rr_type::tlsa ? 1 : 0;
                   CHECK(tlsa == 2);
                   REQUIRE(o.rep.mx.size() == 3);
                   // The lowest preferences first.
                   CHECK(o.rep.mx[0].host == "mx1.example.com");
                   CHECK(o.rep.mx[2].host == "mx3.example.com");
                   CHECK_FALSE(o.rep.mx[2].tlsa.has_value());
                   for (const auto& r : o.requests) CHECK(r.id != "dns:TLSA:_25._tcp.mx3.example.com");
                 }});
    // The MX limit (docs/LIMITS.md): 150 hosts, the first 100 by preference evaluated.
    auto many_mx = [](world& w, std::size_t n) {
      w.z["example.com"].mx.clear();
      for (std::size_t i = n; i-- > 0;)  // published in reverse: the report sorts by preference
        w.z["example.com"].mx.push_back({static_cast<std::uint16_t>(i), "mx" + std::to_string(i) + ".example.com"});
    };
    t.push_back({"150 MX hosts, all matching: the first 100 are evaluated, coverage of the rest is not claimed",
                 [many_mx](world& w) {
                   many_mx(w, 150);
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
                 },
                 "null", "F..A", false, S{{"mx", "unknown"}},
                 {"mx.hosts.capped", "dane.tlsa.capped", "dane.tlsa.missing", "dnssec.not_validated", "policy.mx.wildcard"},
                 [](const outcome& o) {
                   CHECK(o.rep.mx.size() == mtasts::limits::mx_hosts);
                   CHECK(o.rep.mx.front().host == "mx0.example.com");
                   CHECK(o.rep.mx.back().host == "mx99.example.com");
                   const auto* f = finding_of(o.rep, "mx.hosts.capped");
                   REQUIRE(f);
                   CHECK_MESSAGE(contains(f->message, "publishes 150 MX hosts"), f->message);
                   CHECK_MESSAGE(contains(f->message, "other 50"), f->message);
                   const auto* d = finding_of(o.rep, "dane.tlsa.capped");
                   REQUIRE(d);
                   CHECK_MESSAGE(contains(d->message, "first 10 of 150"), d->message);
                 }});
    t.push_back({"150 MX hosts, one of the first 100 not covered: F, whatever the rest",
                 [many_mx](world& w) {
                   many_mx(w, 150);
                   w.z["example.com"].mx.push_back({5, "stray.example.net"});
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
                 },
                 "F", "none", true, S{{"mx", "fail"}},
                 {"mx.hosts.capped", "mx.not_covered", "dane.tlsa.capped", "dane.tlsa.missing", "dnssec.not_validated",
                  "policy.mx.wildcard"},
                 nullptr});
    t.push_back({"exactly 100 MX hosts: no limit reached",
                 [many_mx](world& w) {
                   many_mx(w, 100);
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
                 },
                 "A", "none", true, S{{"mx", "pass"}},
                 {"dane.tlsa.capped", "dane.tlsa.missing", "dnssec.not_validated", "policy.mx.wildcard"},
                 [](const outcome& o) { CHECK(o.rep.mx.size() == 100); }});
    t.push_back({"more MX hosts than tlsa_cap, the first ones secure: no grade between A and A+",
                 [](world& w) {
                   with_dane(w);
                   w.opt.tlsa_cap = 2;
                   w.z["example.com"].mx = {{10, "mx1.example.com"}, {20, "mx2.example.com"}, {30, "mx3.example.com"}};
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
                 },
                 // Not complete: the grade is open because the third host was not looked up (and the dane
                 // check says so rather than "2 of 3 hosts have TLSA").
                 "null", "A..A+", false, S{{"mx", "pass"}, {"dane", "unknown"}}, {"dane.tlsa.capped", "policy.mx.wildcard"},
                 [](const outcome& o) { CHECK(contains(check_of(o.rep, "dane")->summary, "not looked up")); }});

    t.push_back({"unsigned MX RRset, secure TLSA in the MX hosts' zone: DANE still applies (RFC 7672 §2.2.1)",
                 [](world& w) {
                   with_dane(w);
                   w.z["example.com"].ad = false;
                 },
                 "A+", "none", true, S{{"dane", "pass"}}, {"dnssec.not_validated"},
                 [](const outcome& o) { CHECK(o.rep.mx_ad == std::optional<bool>(false)); }});
    t.push_back({"MX lookup SERVFAIL: coverage and DANE unknown, no grade",
                 [](world& w) { w.z["example.com"].rcode = dns::rcode::servfail; w.z["example.com"].only = {rr_type::mx}; },
                 "null", "F..A+", false, S{{"mx", "unknown"}, {"dane", "unknown"}, {"sts", "pass"}, {"policy", "pass"}},
                 {"dns.query.servfail"},
                 [](const outcome& o) {
                   CHECK(o.rep.mx.empty());
                   CHECK_FALSE(o.rep.mx_kind.has_value());
                   for (const auto& r : o.requests) CHECK(r.type != rr_type::tlsa);
                 }});
    t.push_back({"TLSA lookup times out for one MX host: DANE unknown, no grade between A and A+",
                 [](world& w) {
                   with_dane(w);
                   w.z["_25._tcp.mx2.example.com"].failure = dns_failure(observation_kind::timeout);
                 },
                 "null", "A..A+", false, S{{"dane", "unknown"}}, {"dns.query.timeout"}, nullptr});
    t.push_back({"TLS-RPT near miss 'v=TLSRPTv1 ;' alone: one record is not discarded (RFC 8460 §3)",
                 [](world& w) { w.z["_smtp._tls.example.com"].txt = {{"v=TLSRPTv1 ; rua=mailto:tlsrpt@example.com"}}; },
                 // RFC 8460 §3 discards records not starting with "v=TLSRPTv1;" only when several are returned.
                 "A", "none", true, S{{"tlsrpt", "warn"}},
                 {"tlsrpt.delimiter.space_before", "dane.tlsa.missing", "dnssec.not_validated"}, nullptr});

    t.push_back({"an MX host whose TLSA name would exceed 253 characters: nothing asked, no TLSA can exist",
                 [](world& w) {
                   const std::string host = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                                            "." + std::string(42, 'd') + ".example.com";
                   REQUIRE(host.size() == 246);
                   w.z["example.com"].mx = {{10, host}};
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: " + host + "\nmax_age: 604800\n");
                 },
                 // RFC 1035 §2.3.4: _25._tcp.<host> (255 characters) cannot exist, so the host has no TLSA
                 // records: DANE is known to be absent, not unobserved.
                 "A", "none", true, S{{"mx", "pass"}}, {"dnssec.not_validated"},
                 [](const outcome& o) {
                   for (const auto& r : o.requests) CHECK(r.type != rr_type::tlsa);
                   for (const auto& r : o.requests)
                     if (r.kind == check::request_kind::dns) CHECK_FALSE(r.dns.empty());
                 },
                 false});

    // --- the input ----------------------------------------------------------
    t.push_back({"an IDN is checked as its A-label (domain.idn)",
                 [](world& w) {
                   world x = example();
                   zone z;
                   for (auto& [name, n] : x.z.names) {
                     const std::size_t at = name.find("example.com");
                     std::string renamed = name;
                     if (at != std::string::npos) renamed.replace(at, 11, "xn--bcher-kva.example");
                     z.names[renamed] = n;
                   }
                   w.z = z;
                   w.opt.input = "bücher.example";
                   w.opt.domain = "xn--bcher-kva.example";
                   w.policy = policy_response("version: STSv1\nmode: enforce\nmx: mx1.xn--bcher-kva.example\nmx: mx2.xn--bcher-kva.example\nmax_age: 604800\n");
                   for (auto& [name, n] : w.z.names)
                     for (auto& m : n.mx) {
                       const std::size_t at = m.second.find("example.com");
                       if (at != std::string::npos) m.second.replace(at, 11, "xn--bcher-kva.example");
                     }
                 },
                 "A", "none", true, S{{"mx", "pass"}}, {"domain.idn", "dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) {
                   CHECK(o.rep.domain == "xn--bcher-kva.example");
                   CHECK(o.rep.input == "bücher.example");
                   for (const auto& r : o.requests)
                     if (r.kind == check::request_kind::policy) CHECK(r.url == "https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt");
                 }});
    t.push_back({"mixed case and a trailing dot are the same domain (no domain.idn)",
                 [](world& w) { w.opt.input = " Example.COM. "; },
                 "A", "none", true, S{}, {"dane.tlsa.missing", "dnssec.not_validated"},
                 [](const outcome& o) { CHECK(o.rep.domain == "example.com"); }});
    return t;
  }();
  return rows;
}

void check_scenario(const scenario& s, const outcome& o) {
  INFO("report: " << describe(o.rep));
  CHECK(grade_text(o.rep.grade) == s.grade);
  CHECK(range_text(o.rep.grade_range) == s.range);
  CHECK(o.rep.complete == s.complete);
  CHECK_FALSE(o.rep.grade_reason.empty());
  for (const auto& status_row : s.statuses) {
    // (no structured binding: clang's C++17 cannot capture one in CAPTURE's lambda)
    const std::string& id = status_row.first;
    const std::string& st = status_row.second;
    CAPTURE(id);
    const auto* c = check_of(o.rep, id);
    REQUIRE(c);
    CHECK(std::string(check::status_name(c->status)) == st);
  }
  if (s.exact_codes) {
    CHECK(mtasts_test::join(codes_of(o.rep)) == mtasts_test::join(s.codes));
  } else {
    const auto got = codes_of(o.rep);
    for (const auto& c : s.codes) {
      CAPTURE(c);
      CHECK(got.count(c) == 1);
    }
  }
  // Invariants of every report.
  CHECK((o.rep.grade.has_value() && o.rep.grade_range.has_value()) == false);
  if (o.rep.grade_range) CHECK(static_cast<int>(o.rep.grade_range->first) > static_cast<int>(o.rep.grade_range->second));
  for (const auto& c : o.rep.checks) {
    CAPTURE(c.id);
    CHECK_FALSE(c.summary.empty());
    CHECK(c.status != check::status::pending);  // everything was answered
    for (const auto& f : c.findings) CHECK_FALSE(f.message.empty());
  }
  if (s.more) s.more(o);
}

// ===========================================================================
// JSON boundary helpers

using ojson = nlohmann::ordered_json;
using check::grade;

/** The same loop as drive(), through step_json only: JSON in, JSON out. */
ojson drive_json(const world& w) {
  std::vector<observation> obs;
  std::set<std::string> started;
  ojson out;
  for (int round = 0; round < 50; ++round) {
    out = ojson::parse(check::step_json(check::to_json(check::state{w.opt, obs})));
    REQUIRE(out.contains("requests"));
    bool added = false;
    for (const auto& rj : out["requests"]) {
      const std::string id = rj["id"].get<std::string>();
      if (!started.insert(id).second) continue;
      check::request r;
      r.id = id;
      if (rj["kind"] == "dns") {
        r.kind = check::request_kind::dns;
        r.name = rj["name"].get<std::string>();
        r.dns = rj["dns"].get<std::string>();
      } else {
        r.kind = check::request_kind::policy;
        r.url = rj["url"].get<std::string>();
        if (!w.policy) continue;
      }
      obs.push_back(answer(w, r));
      added = true;
    }
    if (!added) break;
  }
  return out;
}

}  // namespace

namespace mtasts_test {
const std::set<std::string>& check_asserted_codes() {
  // Derived from the scenario table (each row asserts its exact code set), plus the invalid inputs
  // (domain.invalid) and the stopped check (check.aborted), asserted in the cases below.
  static const std::set<std::string> codes = [] {
    std::set<std::string> out;
    for (const auto& s : scenarios()) out.insert(s.codes.begin(), s.codes.end());
    out.insert("domain.invalid");
    out.insert("check.aborted");
    out.insert("check.deadline");
    return out;
  }();
  return codes;
}
}  // namespace mtasts_test

TEST_SUITE("check") {
  TEST_CASE("check: the fake resolver builds the answers a resolver would") {
    world w = example();
    w.z["_mta-sts.example.com"].txt = {{"v=STSv1; ", "id=1"}, {"other"}};
    w.z["_mta-sts.example.com"].ad = true;
    check::request r;
    r.id = "dns:TXT:_mta-sts.example.com";
    r.dns = mtasts::base64_encode(dns::encode_query("_mta-sts.example.com", rr_type::txt).bytes, mtasts::base64_alphabet::url);
    const observation o = resolve(w.z, r);
    CHECK(o.kind == observation_kind::answer);
    auto d = decode_obs(o);
    REQUIRE(d.msg);
    CHECK(d.msg->qr);
    CHECK(d.msg->rd);
    CHECK(d.msg->ra);
    CHECK(d.msg->ad);
    CHECK(d.msg->rcode == dns::rcode::noerror);
    CHECK(dns::check_response(*d.msg, {"_mta-sts.example.com", rr_type::txt, dns::class_in}).empty());
    REQUIRE(d.msg->answers.size() == 2);
    CHECK(std::get<dns::txt_data>(d.msg->answers[0].data).strings == std::vector<std::string>{"v=STSv1; ", "id=1"});

    r.dns = mtasts::base64_encode(dns::encode_query("mta-sts.example.com", rr_type::aaaa).bytes, mtasts::base64_alphabet::url);
    d = decode_obs(resolve(w.z, r));
    REQUIRE(d.msg);
    REQUIRE(d.msg->answers.size() == 1);
    CHECK(std::get<dns::address_data>(d.msg->answers[0].data).address == "2001:db8::1");
    CHECK_FALSE(d.msg->ad);

    w.z["_mta-sts.example.com"].rcode = dns::rcode::servfail;
    w.z["_mta-sts.example.com"].ede = 6;
    w.z["_mta-sts.example.com"].ede_text = "x";
    r.dns = mtasts::base64_encode(dns::encode_query("_mta-sts.example.com", rr_type::txt).bytes, mtasts::base64_alphabet::url);
    d = decode_obs(resolve(w.z, r));
    REQUIRE(d.msg);
    CHECK(d.msg->rcode == dns::rcode::servfail);
    REQUIRE(d.msg->edns);
    REQUIRE(d.msg->edns->extended_errors.size() == 1);
    CHECK(d.msg->edns->extended_errors[0].info_code == 6);

    r.dns = mtasts::base64_encode(dns::encode_query("absent.example.com", rr_type::mx).bytes, mtasts::base64_alphabet::url);
    d = decode_obs(resolve(w.z, r));
    REQUIRE(d.msg);
    CHECK(d.msg->rcode == dns::rcode::nxdomain);
  }

  TEST_CASE("check: scenarios (grade, completeness, statuses, exact finding codes)") {
    for (const auto& s : scenarios()) {
      CAPTURE(s.name);
      world w = example();
      if (s.setup) s.setup(w);
      const outcome o = drive(w);
      check_scenario(s, o);
    }
  }

  TEST_CASE("check: the first wave is MX, the two TXT, A and AAAA of the policy host, and the policy") {
    check::options opt;
    opt.input = "Example.com";
    check::domain_check c(opt);
    std::set<std::string> ids;
    for (const auto& r : c.requests()) {
      CAPTURE(r.id);
      CHECK(ids.insert(r.id).second);
      if (r.kind == check::request_kind::policy) {
        CHECK(r.url == "https://mta-sts.example.com/.well-known/mta-sts.txt");
        continue;
      }
      // The query: ID 0, RD and AD set, one question matching the id (RFC 8484 §4.1, RFC 6840 §5.7).
      const auto q = mtasts::base64_decode(r.dns);
      REQUIRE(q);
      auto d = dns::decode(reinterpret_cast<const std::uint8_t*>(q->data()), q->size());
      REQUIRE(d.msg);
      CHECK(d.msg->id == 0);
      CHECK_FALSE(d.msg->qr);
      CHECK(d.msg->rd);
      CHECK(d.msg->ad);
      REQUIRE(d.msg->questions.size() == 1);
      CHECK(dns::names_equal(d.msg->questions[0].name, r.name));
      CHECK(d.msg->questions[0].type == r.type);
      CHECK(r.id == "dns:" + dns::type_name(r.type) + ":" + r.name);
    }
    CHECK(mtasts_test::join(ids) ==
          mtasts_test::join({"dns:MX:example.com", "dns:TXT:_mta-sts.example.com", "dns:TXT:_smtp._tls.example.com",
                             "dns:A:mta-sts.example.com", "dns:AAAA:mta-sts.example.com", "policy"}));
    const auto& rep = c.result();
    CHECK_FALSE(rep.complete);
    CHECK_FALSE(rep.grade.has_value());
    CHECK(rep.pending.size() == 6);
    for (const auto& ch : rep.checks) CHECK(ch.status == check::status::pending);
  }

  TEST_CASE("check: TLSA requests appear only after the MX answer") {
    world w = example();
    with_dane(w);
    check::domain_check c(w.opt);
    auto tlsa_count = [&] {
      std::size_t n = 0;
      for (const auto& r : c.requests()) n += r.type == rr_type::tlsa && r.kind == check::request_kind::dns ? 1 : 0;
      return n;
    };
    // Everything but MX first.
    std::vector<check::request> first = c.requests();
    for (const auto& r : first)
      if (r.id != "dns:MX:example.com") c.observe(answer(w, r));
    CHECK(tlsa_count() == 0);
    CHECK(c.result().pending == std::vector<std::string>{"dns:MX:example.com"});
    for (const auto& r : first)
      if (r.id == "dns:MX:example.com") c.observe(answer(w, r));
    CHECK(tlsa_count() == 2);
    const auto* dane = check_of(c.result(), "dane");
    REQUIRE(dane);
    CHECK(dane->status == check::status::pending);
    CHECK_FALSE(c.result().complete);
    CHECK_FALSE(c.result().grade.has_value());
    REQUIRE(c.result().grade_range);
    CHECK(c.result().grade_range->first == grade::a);
    CHECK(c.result().grade_range->second == grade::a_plus);
    for (const auto& r : std::vector<check::request>(c.requests()))
      if (r.type == rr_type::tlsa) c.observe(answer(w, r));
    CHECK(c.result().complete);
    CHECK(c.result().grade == std::optional<grade>(grade::a_plus));
  }

  TEST_CASE("check: the same observations in another order give the same report") {
    world w = example();
    with_dane(w);
    w.z["_mta-sts.example.com"].txt.push_back({"v=spf1 -all"});
    const outcome base = drive(w);
    const std::string expected = check::to_json(base.rep);
    CHECK(base.rep.grade == std::optional<grade>(grade::a_plus));

    std::vector<observation> reversed(base.observations.rbegin(), base.observations.rend());
    check::domain_check one(w.opt);
    for (const auto& o : reversed) one.observe(o);
    CHECK(check::to_json(one.result()) == expected);

    check::domain_check all(w.opt);
    all.observe(reversed);
    CHECK(check::to_json(all.result()) == expected);

    mtasts_test::rng rnd(7);
    for (int round = 0; round < 5; ++round) {
      std::vector<observation> shuffled = base.observations;
      for (std::size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rnd.below(i)]);
      check::domain_check c(w.opt);
      for (const auto& o : shuffled) c.observe(o);
      CHECK(check::to_json(c.result()) == expected);
    }
  }

  TEST_CASE("check: an observation for an unknown id is ignored; a second one for an id replaces the first") {
    world w = example();
    const outcome base = drive(w);
    const std::string expected = check::to_json(base.rep);

    check::domain_check c(w.opt);
    observation stray = policy_response(kPolicy, std::string("text/html"), 500);
    stray.id = "dns:TXT:unrelated.example";
    c.observe(stray);
    stray.id = "";
    c.observe(stray);
    for (const auto& o : base.observations) c.observe(o);
    CHECK(check::to_json(c.result()) == expected);

    // A retry: the timeout first, the answer after it.
    check::domain_check retry(w.opt);
    observation t = dns_failure(observation_kind::timeout);
    t.id = "dns:TXT:_mta-sts.example.com";
    retry.observe(t);
    for (const auto& o : base.observations) retry.observe(o);
    CHECK(check::to_json(retry.result()) == expected);
  }

  TEST_CASE("check: invalid inputs give domain.invalid and no request") {
    const std::string long_name = std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') + "." +
                                  std::string(60, 'd') + "." + "comabc";  // 250 characters
    REQUIRE(long_name.size() == 250);
    const char* inputs[] = {"", "   ", "exa mple.com", "https://x/y", "1.2.3.4", "localhost", "-a.com", "a..com",
                            "user@example.com", "example.com:443"};
    std::vector<std::string> all(std::begin(inputs), std::end(inputs));
    all.push_back(long_name);
    for (const auto& in : all) {
      CAPTURE(in);
      check::options opt;
      opt.input = in;
      check::domain_check c(opt);
      CHECK(c.requests().empty());
      const auto& r = c.result();
      INFO(describe(r));
      CHECK(mtasts_test::join(codes_of(r)) == "{domain.invalid}");
      REQUIRE(r.domain_findings.size() == 1);
      CHECK_FALSE(r.domain_findings[0].message.empty());
      CHECK_FALSE(r.grade.has_value());
      CHECK_FALSE(r.grade_range.has_value());
      CHECK(r.complete);
      CHECK(r.pending.empty());
      CHECK(r.input == in);
    }
    // The longest name that still leaves room for _smtp._tls.<domain> (253 - 11 = 242) is accepted;
    // one more character is not.
    const std::string longest = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(46, 'd') + ".com";
    REQUIRE(longest.size() == 242);
    check::options ok;
    ok.input = longest;
    check::domain_check c(ok);
    CHECK(c.requests().size() == 6);
    CHECK(mtasts_test::join(codes_of(c.result())) == "{}");
    check::options over;
    over.input = "e" + longest;
    check::domain_check d(over);
    CHECK(d.requests().empty());
    CHECK(mtasts_test::join(codes_of(d.result())) == "{domain.invalid}");
  }

  TEST_CASE("check: aborted with nothing observed") {
    check::options opt;
    opt.input = "example.com";
    opt.aborted = true;
    check::domain_check c(opt);
    const auto& r = c.result();
    INFO(describe(r));
    CHECK(codes_of(r) == std::set<std::string>{"check.aborted"});
    bool on_domain = false;
    for (const auto& f : r.domain_findings) on_domain = on_domain || f.code == mtasts::code::check_aborted;
    CHECK(on_domain);
    CHECK_FALSE(r.complete);
    CHECK(r.pending.empty());
    CHECK_FALSE(r.grade.has_value());
    for (const auto& ch : r.checks) CHECK(ch.status != check::status::pending);
  }

  TEST_CASE("check: stopped by the overall deadline: check.deadline, not check.aborted") {
    world w = example();
    w.opt.aborted = true;
    w.opt.deadline = true;
    w.opt.total_timeout_ms = 30000;
    check::domain_check c(w.opt);
    for (const auto& r : std::vector<check::request>(c.requests()))
      if (r.id == "dns:MX:example.com") c.observe(answer(w, r));
    const auto& r = c.result();
    INFO(describe(r));
    CHECK(codes_of(r).count("check.aborted") == 0);
    REQUIRE(finding_of(r, "check.deadline"));
    CHECK(contains(finding_of(r, "check.deadline")->message, "overall limit of 30 s"));
    bool on_domain = false;
    for (const auto& f : r.domain_findings) on_domain = on_domain || f.code == mtasts::code::check_deadline;
    CHECK(on_domain);
    CHECK(check_of(r, "mx")->status != check::status::pending);
    CHECK_FALSE(r.complete);
    CHECK(r.pending.empty());
    CHECK_FALSE(r.grade.has_value());
  }

  TEST_CASE("check: aborted after some answers keeps what was observed") {
    world w = example();
    w.opt.aborted = true;
    check::domain_check c(w.opt);
    for (const auto& r : std::vector<check::request>(c.requests()))
      if (r.id == "dns:TXT:_mta-sts.example.com" || r.id == "dns:MX:example.com") c.observe(answer(w, r));
    const auto& r = c.result();
    INFO(describe(r));
    CHECK(check_of(r, "sts")->status == check::status::pass);
    CHECK(codes_of(r).count("check.aborted") == 1);
    CHECK_FALSE(r.complete);
    CHECK(r.pending.empty());
    CHECK_FALSE(r.grade.has_value());
  }

  TEST_CASE("check: step_json gives the same report and requests as the direct engine") {
    std::vector<std::function<void(world&)>> setups = {
        nullptr,
        with_dane,
        [](world& w) { w.z["_mta-sts.example.com"].garbage = std::string("\x12\x34", 2); },
        [](world& w) {
          w.z.follow_cname = false;
          w.z["_mta-sts.example.com"] = node{};
          w.z["_mta-sts.example.com"].cname = "_mta-sts.provider.example";
          w.z["_mta-sts.provider.example"].txt = {{"v=STSv1; id=9"}};
        },
        [](world& w) {
          w.policy = policy_event(observation_kind::cors_blocked);
          w.policy->relay_failure = "relay: 502";
          w.opt.pasted_policy = kPolicy;
        },
        [](world& w) { w.z["example.com"].failure = dns_failure(observation_kind::http_error, 503, "busy"); },
        [](world& w) {
          w.policy = policy_response(kPolicy, std::string("text/plain"));
          w.policy->via_relay = true;
          w.opt.tlsa_cap = 1;
        },
    };
    int i = 0;
    for (const auto& setup : setups) {
      CAPTURE(i++);
      world w = example();
      if (setup) setup(w);
      const outcome direct = drive(w);
      const ojson out = drive_json(w);
      REQUIRE(out.contains("report"));
      CHECK(out["report"].dump(-1, ' ', false, ojson::error_handler_t::replace) == check::to_json(direct.rep));
      std::vector<std::string> json_ids, direct_ids;
      for (const auto& rj : out["requests"]) json_ids.push_back(rj["id"].get<std::string>());
      for (const auto& r : direct.requests) direct_ids.push_back(r.id);
      CHECK(json_ids == direct_ids);
      for (std::size_t k = 0; k < direct.requests.size() && k < out["requests"].size(); ++k)
        if (direct.requests[k].kind == check::request_kind::dns)
          CHECK(out["requests"][k]["dns"].get<std::string>() == direct.requests[k].dns);
    }
  }

  TEST_CASE("check: the report's JSON") {
    world w = example();
    const outcome o = drive(w);
    const ojson j = ojson::parse(check::to_json(o.rep));
    CHECK(j["schema"] == 1);
    CHECK(j["kind"] == "domain");
    CHECK(j["grade"] == "A");
    CHECK(j["grade_range"].is_null());
    CHECK(j["complete"] == true);
    CHECK(j["domain"] == "example.com");
    CHECK(j["resolver"] == "https://dns.example/dns-query");
    CHECK(j["mx_kind"] == "records");
    REQUIRE(j["mx"].size() == 2);
    CHECK(j["mx"][0]["host"] == "mx1.example.com");
    CHECK(j["mx"][0]["covered"] == true);
    CHECK(j["policy"]["mode"] == "enforce");
    CHECK(j["policy"]["max_age"] == 604800);
    CHECK(j["sts"]["id"] == "20240101T000000");
    std::set<std::string> codes;
    for (const auto& f : j["findings"]) codes.insert(f["code"].get<std::string>());
    CHECK(codes == codes_of(o.rep));
    CHECK(j["pending"].empty());

    // A null grade with its range.
    world cors = example();
    cors.policy = policy_event(observation_kind::cors_blocked);
    const ojson n = ojson::parse(check::to_json(drive(cors).rep));
    CHECK(n["grade"].is_null());
    CHECK(n["grade_range"] == ojson::array({"F", "A"}));
    CHECK(n["policy"].is_null());
  }

  TEST_CASE("check: step_json rejects what is not a state") {
    for (const char* bad : {"", "[]", "{", "{\"input\":\"example.com\",\"observations\":{}}",
                            "{\"input\":\"example.com\",\"observations\":[{\"id\":\"policy\",\"kind\":\"nope\"}]}",
                            "{\"input\":\"example.com\",\"observations\":[{\"id\":\"x\",\"kind\":\"answer\",\"bytes\":\"*\"}]}"}) {
      CAPTURE(bad);
      const ojson out = ojson::parse(check::step_json(bad));
      CHECK(out.contains("error"));
      CHECK_FALSE(out.contains("report"));
    }
  }
}

TEST_SUITE("grade") {
  TEST_CASE("grade_name") {
    CHECK(check::grade_name(check::grade::a_plus) == "A+");
    CHECK(check::grade_name(check::grade::a) == "A");
    CHECK(check::grade_name(check::grade::b) == "B");
    CHECK(check::grade_name(check::grade::c) == "C");
    CHECK(check::grade_name(check::grade::d) == "D");
    CHECK(check::grade_name(check::grade::f) == "F");
    CHECK(check::status_name(check::status::unknown) == "unknown");
    CHECK(check::status_name(check::status::pending) == "pending");
  }
}
