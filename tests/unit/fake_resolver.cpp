// The fake network of the C++ tests (see fake_resolver.h): tests/support/fake-net.mjs's
// resolver and hosts, and web/host.mjs's reading of them, in C++.
#include "fake_resolver.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "mtasts/base64.h"
#include "mtasts/dns.h"

namespace mtasts_test::fake {
namespace {

namespace check = mtasts::check;
namespace dns = mtasts::dns;
using json = nlohmann::json;
using check::observation;
using check::observation_kind;
using dns::rr_type;

/** Largest DNS message (RFC 1035 length field); host.mjs reads one byte more, then stops. */
constexpr std::size_t max_dns_message = 65535;
/** The policy body limit (RFC 8461 §3.3: 64 KB); host.mjs reads one byte more. */
constexpr std::size_t max_policy = 65536;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::string type_key(rr_type t) { return dns::type_name(t); }

std::string bytes_of_hex(const std::string& hex) {
  std::string digits;
  for (char c : hex)
    if (c != ' ' && c != '\n' && c != '\t') digits.push_back(c);
  REQUIRE(digits.size() % 2 == 0);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    const int hi = nibble(digits[i]), lo = nibble(digits[i + 1]);
    REQUIRE(hi >= 0);
    REQUIRE(lo >= 0);
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

/** fake-net's overrideApplies: the entry's overrides hold for every type, or only those in `only`. */
bool override_applies(const json* entry, rr_type t) {
  if (entry == nullptr) return false;
  if (!entry->contains("only")) return true;
  for (const auto& o : entry->at("only"))
    if ((o.is_string() && o.get<std::string>() == type_key(t)) || (o.is_number() && o.get<int>() == static_cast<int>(t)))
      return true;
  return false;
}

std::uint16_t rcode_value(const json& rc) {
  if (rc.is_number()) return rc.get<std::uint16_t>();
  static const std::map<std::string, std::uint16_t> names = {
      {"NOERROR", 0}, {"FORMERR", 1}, {"SERVFAIL", 2}, {"NXDOMAIN", 3}, {"NOTIMP", 4}, {"REFUSED", 5}};
  std::string n = rc.get<std::string>();
  for (char& c : n) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  const auto it = names.find(n);
  REQUIRE_MESSAGE(it != names.end(), "unknown rcode " << n);
  return it->second;
}

// ---------------------------------------------------------------------------
// The wire format (fake-net's Writer)

struct writer {
  std::string b;
  bool compress = false;
  std::map<std::string, std::size_t> names;  ///< lower-case suffix -> offset
  void u8(unsigned v) { b.push_back(static_cast<char>(v & 0xFF)); }
  void u16(unsigned v) { u8(v >> 8); u8(v); }
  void u32(std::uint32_t v) { u16(v >> 16); u16(v & 0xFFFF); }
  void raw(std::string_view s) { b.append(s); }
  void name(std::string n) {
    if (!n.empty() && n.back() == '.') n.pop_back();
    std::vector<std::string> labels;
    while (!n.empty()) {
      const std::size_t dot = n.find('.');
      labels.push_back(n.substr(0, dot));
      if (dot == std::string::npos) break;
      n.erase(0, dot + 1);
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
      std::string suffix;
      for (std::size_t k = i; k < labels.size(); ++k) suffix += (k > i ? "." : "") + lower(labels[k]);
      const auto it = names.find(suffix);
      if (compress && it != names.end()) {
        u16(0xC000 | static_cast<unsigned>(it->second));
        return;
      }
      if (b.size() < 0x3FFF && it == names.end()) names[suffix] = b.size();
      REQUIRE(!labels[i].empty());
      REQUIRE(labels[i].size() <= 63);
      u8(static_cast<unsigned>(labels[i].size()));
      raw(labels[i]);
    }
    u8(0);
  }
};

void put_ipv4(writer& w, const std::string& s) {
  unsigned parts[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (char c : s) {
    if (c == '.') ++i;
    else parts[i] = parts[i] * 10 + static_cast<unsigned>(c - '0');
  }
  for (unsigned p : parts) w.u8(p);
}

/** "2001:db8::1" and the like (one "::" at most). */
void put_ipv6(writer& w, const std::string& s) {
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

/** The character-strings of one TXT record: an array of strings, or one string cut into 255-byte pieces. */
std::vector<std::string> txt_strings(const json& record) {
  if (record.is_string()) {
    const std::string s = record.get<std::string>();
    if (s.empty()) return {""};
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size(); i += 255) out.push_back(s.substr(i, 255));
    return out;
  }
  std::vector<std::string> out;
  for (const auto& s : record) {
    out.push_back(s.get<std::string>());
    REQUIRE(out.back().size() <= 255);
  }
  return out;
}

void write_rdata(writer& w, rr_type t, const json& data) {
  switch (t) {
    case rr_type::a: put_ipv4(w, data.get<std::string>()); break;
    case rr_type::aaaa: put_ipv6(w, data.get<std::string>()); break;
    case rr_type::cname: w.name(data.get<std::string>()); break;
    case rr_type::mx: {
      w.u16(data.at(0).get<unsigned>());
      const std::string host = data.at(1).get<std::string>();
      w.name(host == "." ? "" : host);
      break;
    }
    case rr_type::txt:
      for (const auto& s : txt_strings(data)) {
        w.u8(static_cast<unsigned>(s.size()));
        w.raw(s);
      }
      break;
    case rr_type::tlsa:
      w.u8(data.at(0).get<unsigned>());
      w.u8(data.at(1).get<unsigned>());
      w.u8(data.at(2).get<unsigned>());
      w.raw(bytes_of_hex(data.at(3).get<std::string>()));
      break;
    default: FAIL("the fake resolver cannot encode type " << dns::type_name(t));
  }
}

struct answer_rr {
  std::string owner;
  rr_type type;
  std::uint32_t ttl;
  json data;
};

struct resolution {
  std::uint16_t rcode = 0;
  bool ad = false;
  std::vector<answer_rr> answers;
};

const json* entry_of(const network& n, const std::string& name) {
  const auto it = n.zone.find(norm(name));
  return it == n.zone.end() ? nullptr : &*it;
}

/** fake-net's resolve(): one question answered from the zone. */
resolution resolve(const network& n, const std::string& qname, rr_type qtype) {
  resolution r;
  std::set<std::string> seen;
  std::string name = norm(qname);
  std::string owner = !qname.empty() && qname.back() == '.' ? qname.substr(0, qname.size() - 1) : qname;
  bool ad = true;
  for (;;) {
    const json* e = entry_of(n, name);
    if (e == nullptr) {
      r.rcode = 3;  // NXDOMAIN
      return r;
    }
    if (override_applies(e, qtype) && e->contains("rcode")) {
      r.rcode = rcode_value(e->at("rcode"));
      return r;
    }
    ad = ad && e->value("AD", false);
    seen.insert(name);
    const std::uint32_t ttl = e->value("ttl", 300u);
    if (e->contains("CNAME") && qtype != rr_type::cname) {
      const std::string target = e->at("CNAME").get<std::string>();
      r.answers.push_back({owner, rr_type::cname, ttl, target});
      if (!n.follow_cname || e->value("stopCname", false) || seen.count(norm(target)) != 0) {
        r.ad = ad;
        return r;
      }
      name = norm(target);
      owner = target;
      continue;
    }
    if (qtype == rr_type::cname) {
      if (e->contains("CNAME")) r.answers.push_back({owner, qtype, ttl, e->at("CNAME")});
    } else if (e->contains(type_key(qtype))) {
      for (const auto& data : e->at(type_key(qtype))) r.answers.push_back({owner, qtype, ttl, data});
    }
    r.ad = ad;
    return r;
  }
}

/** The overrides that apply to a question: the name's (when `only` allows) over everyQuery's. */
struct overrides {
  const json* entry = nullptr;
  const json* every = nullptr;
  const json* pick(const char* key) const {
    if (entry != nullptr && entry->contains(key)) return &entry->at(key);
    if (every != nullptr && every->is_object() && every->contains(key)) return &every->at(key);
    return nullptr;
  }
  bool flag(const char* key) const {
    const json* v = pick(key);
    return v != nullptr && v->is_boolean() && v->get<bool>();
  }
};

overrides overrides_for(const network& n, const std::string& qname, rr_type t) {
  overrides o;
  const json* e = entry_of(n, qname);
  if (override_applies(e, t)) o.entry = e;
  if (!n.every_query.is_null()) o.every = &n.every_query;
  return o;
}

/** fake-net's dns() message: the zone's answer with the overrides, as bytes. */
std::string message_for(const network& n, const std::string& qname, rr_type qtype, std::uint16_t id, bool rd,
                        unsigned opcode, const overrides& o) {
  resolution r = resolve(n, qname, qtype);
  if (!n.every_query.is_null() && n.every_query.contains("rcode")) {
    r.rcode = rcode_value(n.every_query.at("rcode"));
    r.answers.clear();
  }
  const json* ede = o.pick("ede");
  writer w;
  w.compress = o.flag("compress");
  const std::uint16_t wire_id = o.flag("wrongId") ? static_cast<std::uint16_t>((id ^ 0x5A5A) == 0 ? 1 : id ^ 0x5A5A) : id;
  w.u16(wire_id);
  w.u16(0x8000 | (opcode << 11) | (o.flag("tc") ? 0x0200 : 0) | (rd ? 0x0100 : 0) | 0x0080 |
        (r.ad && r.rcode == 0 ? 0x0020 : 0) | (r.rcode & 15));
  w.u16(1);
  w.u16(static_cast<unsigned>(r.answers.size()));
  w.u16(0);
  w.u16(ede != nullptr ? 1 : 0);
  w.name(o.flag("wrongQuestion") ? "wrong.question.invalid" : qname);
  w.u16(static_cast<unsigned>(qtype));
  w.u16(1);
  for (const auto& a : r.answers) {
    w.name(a.owner);
    w.u16(static_cast<unsigned>(a.type));
    w.u16(1);
    w.u32(a.ttl);
    const std::size_t at = w.b.size();
    w.u16(0);
    write_rdata(w, a.type, a.data);
    const std::size_t len = w.b.size() - at - 2;
    w.b[at] = static_cast<char>(len >> 8);
    w.b[at + 1] = static_cast<char>(len & 0xFF);
  }
  if (ede != nullptr) {  // RFC 6891 §6.1.2 with option 15 (RFC 8914 §2)
    const std::string text = ede->size() > 1 ? ede->at(1).get<std::string>() : std::string();
    w.u8(0);
    w.u16(static_cast<unsigned>(rr_type::opt));
    w.u16(1232);
    w.u32(0);
    w.u16(static_cast<unsigned>(6 + text.size()));
    w.u16(15);
    w.u16(static_cast<unsigned>(2 + text.size()));
    w.u16(ede->at(0).get<unsigned>());
    w.raw(text);
  }
  std::string msg = std::move(w.b);
  if (const json* t = o.pick("truncate")) {
    const long cut = t->get<long>();
    const long size = static_cast<long>(msg.size());
    msg.resize(static_cast<std::size_t>(cut < 0 ? std::max(0L, size + cut) : std::min(cut, size)));
  }
  if (const json* p = o.pick("padTo")) {
    const std::size_t pad = p->get<std::size_t>();
    if (pad > msg.size()) msg.resize(pad, '\0');
  }
  return msg;
}

/** host.mjs safeDetail(): the first 200 characters, control characters as spaces. */
std::string safe_detail(const std::string& bytes) {
  std::string out;
  std::size_t chars = 0;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80 && chars++ == 200) break;
    out.push_back((u < 0x20 && u != '\t' && u != '\n') || u == 0x7F ? ' ' : c);
  }
  return out;
}

std::string media_type(const std::optional<std::string>& ct) {
  if (!ct) return "";
  std::string m = lower(ct->substr(0, ct->find(';')));
  while (!m.empty() && m.back() == ' ') m.pop_back();
  while (!m.empty() && m.front() == ' ') m.erase(0, 1);
  return m;
}

bool textual(const std::optional<std::string>& ct) {
  const std::string m = media_type(ct);
  auto ends = [&](std::string_view s) { return m.size() >= s.size() && m.compare(m.size() - s.size(), s.size(), s) == 0; };
  return m.empty() || m.rfind("text/", 0) == 0 || ends("+json") || ends("+xml") || m == "application/json" ||
         m == "application/xml";
}

/** fake-net's bodyStream with bodyError n: the reader gets n bytes, then an error (when n <= the body's length). */
bool body_breaks(const overrides& o, std::size_t size) {
  const json* e = o.pick("bodyError");
  return e != nullptr && e->get<std::size_t>() <= size;
}

/** dohQuery() against the fake resolver. */
observation doh(const network& n, const check::request& req) {
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
  const overrides ov = overrides_for(n, q.name, q.type);
  if (ov.flag("hang")) {
    o.kind = observation_kind::timeout;
    o.elapsed_ms = n.dns_timeout_ms;
    return o;
  }
  if (ov.flag("networkError")) {
    o.kind = observation_kind::network_error;
    o.message = "Failed to fetch";
    return o;
  }
  if (const json* http = ov.pick("http")) {
    // Not a 200 application/dns-message: an HTTP error, with the body's start when it is text.
    const json* type = ov.pick("httpType");
    const json* body = ov.pick("httpBody");
    o.kind = observation_kind::http_error;
    o.status = http->get<std::uint16_t>();
    o.content_type = type != nullptr ? type->get<std::string>() : std::string("text/plain");
    const std::string text = body != nullptr ? body->get<std::string>() : "resolver error " + std::to_string(o.status);
    if (textual(o.content_type) && !body_breaks(ov, text.size())) o.message = safe_detail(text);
    return o;
  }
  std::string bytes;
  if (const json* g = ov.pick("garbage")) bytes = bytes_of_hex(g->get<std::string>());
  else bytes = message_for(n, q.name, q.type, decoded.msg->id, decoded.msg->rd, decoded.msg->opcode, ov);
  if (body_breaks(ov, bytes.size())) {
    o.kind = observation_kind::network_error;
    o.status = 200;
    o.message = "body read failed: network error";
    return o;
  }
  o.kind = observation_kind::answer;
  o.status = 200;
  o.content_type = "application/dns-message";
  if (bytes.size() > max_dns_message) {
    bytes.resize(max_dns_message);
    o.truncated = true;
  }
  o.bytes = std::move(bytes);
  return o;
}

// ---------------------------------------------------------------------------
// HTTPS hosts, as Chromium's fetch() sees them (fake-net's host())

enum class mode : std::uint8_t { cors, no_cors };
enum class redirects : std::uint8_t { manual, follow };

struct fetched {
  enum class kind : std::uint8_t { rejected, hang, opaque, opaque_redirect, response } k = kind::rejected;
  std::uint16_t status = 0;
  std::optional<std::string> content_type;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  bool never_ends = false;
  std::optional<std::size_t> body_error;
  bool redirected = false;  ///< Response.redirected: 'follow' went somewhere else
};

std::string host_of(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  return norm(rest.substr(0, rest.find(':')));
}

fetched fetch(const network& n, const std::string& url, mode m, redirects r, int depth = 0) {
  const std::string host = host_of(url);
  n.fetched.push_back(host);
  fetched out;
  const auto it = n.hosts.find(host);
  if (it == n.hosts.end()) return out;  // nothing answers there: the browser's fetch rejects
  const json& b = *it;
  if (b.value("hang", false)) {
    out.k = fetched::kind::hang;
    return out;
  }
  if (b.value("cert", std::string("good")) != "good") return out;  // TLS failure, in every mode
  if (m == mode::no_cors) {
    // Cross-origin no-cors only allows redirect 'follow' (WPT fetch/api/redirect/redirect-mode).
    if (r != redirects::follow) return out;
    if (b.contains("redirect")) {
      if (depth > 20) return out;
      const fetched next = fetch(n, b.at("redirect").at("location").get<std::string>(), m, r, depth + 1);
      if (next.k != fetched::kind::rejected) out.k = fetched::kind::opaque;
      return out;
    }
    out.k = fetched::kind::opaque;
    return out;
  }
  if (!b.value("cors", true)) return out;  // the CORS check applies to every response, 3xx included
  if (b.contains("redirect")) {
    if (r == redirects::manual) {
      out.k = fetched::kind::opaque_redirect;
      return out;
    }
    if (depth > 20) return out;
    fetched next = fetch(n, b.at("redirect").at("location").get<std::string>(), m, r, depth + 1);
    next.redirected = next.k != fetched::kind::rejected;
    return next;
  }
  out.status = b.value("status", std::uint16_t{200});
  // A 3xx without a Location is an opaque redirect too with 'manual' (Fetch, HTTP fetch): the
  // status and headers (a relay's X-Relay-* markers) are hidden; 'follow' returns it as it is.
  if (out.status >= 300 && out.status < 400 && r == redirects::manual) {
    out.k = fetched::kind::opaque_redirect;
    out.status = 0;
    return out;
  }
  out.k = fetched::kind::response;
  if (!b.contains("contentType")) out.content_type = "text/plain";
  else if (!b.at("contentType").is_null()) out.content_type = b.at("contentType").get<std::string>();
  if (b.contains("headers"))
    for (const auto& [k, v] : b.at("headers").items()) out.headers[lower(k)] = v.get<std::string>();
  if (b.contains("body")) out.body = b.at("body").get<std::string>();
  if (b.contains("size") && b.at("size").get<std::size_t>() > out.body.size()) out.body.resize(b.at("size").get<std::size_t>(), 'a');
  if (out.status == 204 || out.status == 205 || out.status == 304) out.body.clear();
  out.never_ends = b.value("neverEnds", false);
  if (b.contains("bodyError")) out.body_error = b.at("bodyError").get<std::size_t>();
  return out;
}

std::string encode_uri_component(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
        std::string_view("-_.!~*'()").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    }
  }
  return out;
}

/** fetchPolicy()'s observe(): a readable (or opaque-redirect) answer to the policy GET. */
observation observe_response(const network& n, const fetched& f) {
  observation o;
  if (f.k == fetched::kind::opaque_redirect || (f.status >= 300 && f.status < 400)) {
    o.kind = observation_kind::redirect;
    o.status = f.k == fetched::kind::opaque_redirect ? 0 : f.status;  // an opaqueredirect hides its status
    return o;
  }
  if (f.never_ends) {  // the body read runs into the deadline
    o.kind = observation_kind::timeout;
    o.elapsed_ms = n.policy_timeout_ms;
    return o;
  }
  if (f.body_error && *f.body_error <= f.body.size()) {
    o.kind = observation_kind::unreachable;
    o.status = f.status;  // the headers arrived: the engine words it as a body that broke off
    o.message = "body read failed: network error";
    return o;
  }
  o.kind = observation_kind::response;
  o.status = f.status;
  o.content_type = f.content_type;
  o.bytes = f.body.substr(0, max_policy + 1);
  o.truncated = f.body.size() > max_policy;
  return o;
}

/** fetchPolicy() and wasm/mtasts.mjs's mapping of its result to the engine's observation. */
observation policy(const network& n, const check::request& req) {
  const std::string failed = "Failed to fetch";
  auto timeout = [&] {
    observation o;
    o.kind = observation_kind::timeout;
    o.elapsed_ms = n.policy_timeout_ms;
    return o;
  };
  // 1. The real fetch: readable only if the host sends CORS headers.
  const fetched first = fetch(n, req.url, mode::cors, redirects::manual);
  if (first.k == fetched::kind::hang) return timeout();
  if (first.k != fetched::kind::rejected) return observe_response(n, first);
  // 2. The no-cors probe: resolves (opaque) iff an HTTPS answer with a trusted certificate arrived.
  const fetched probe = fetch(n, req.url, mode::no_cors, redirects::follow);
  if (probe.k == fetched::kind::hang) return timeout();
  if (probe.k == fetched::kind::rejected) {
    observation o;
    o.kind = observation_kind::unreachable;
    o.message = failed;
    return o;
  }
  observation blocked;
  blocked.kind = observation_kind::cors_blocked;
  blocked.message = failed;
  if (n.relay.empty()) return blocked;
  // 3. The user's relay. Its own failures leave the policy cors-blocked, with the relay's reason.
  std::string relay_url = n.relay;
  relay_url.replace(relay_url.find("{url}"), 5, encode_uri_component(req.url));
  // redirect 'follow': the relay reports a redirect as a 3xx without a Location, which 'manual'
  // would hide behind an opaque redirect; a relay that redirects the request is failing.
  const fetched via = fetch(n, relay_url, mode::cors, redirects::follow);
  if (via.k == fetched::kind::hang) {
    blocked.relay_failure = "no answer in time";
    return blocked;
  }
  if (via.k == fetched::kind::rejected) {
    blocked.relay_failure = failed;
    return blocked;
  }
  if (via.redirected) {
    blocked.relay_failure = "relay: it redirected the request to another URL instead of reporting the policy host's answer";
    return blocked;
  }
  const auto header = [&](const char* name) -> std::optional<std::string> {
    const auto it = via.headers.find(name);
    return it == via.headers.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const auto relay_error = header("x-relay-error");
  if ((relay_error && !relay_error->empty()) || !header("x-relay-upstream-ms")) {
    std::string detail = safe_detail(via.body.substr(0, 1024));
    const json parsed = json::parse(detail, nullptr, false);
    if (!parsed.is_discarded()) {
      const json m = parsed.is_object() && parsed.contains("message") ? parsed.at("message") : json();
      detail = m.is_null() ? "" : m.is_string() ? m.get<std::string>() : m.dump();
    }
    const std::string why = relay_error && !relay_error->empty()
                                ? *relay_error
                                : "HTTP " + std::to_string(via.status) + " without the relay's marker (is the relay URL right?)";
    blocked.relay_failure = "relay: " + why + (detail.empty() ? "" : ": " + detail);
    return blocked;
  }
  observation o = observe_response(n, via);
  if (o.kind == observation_kind::unreachable || o.kind == observation_kind::timeout) {
    blocked.relay_failure = o.kind == observation_kind::timeout ? "no answer in time" : o.message;
    return blocked;
  }
  if (o.kind == observation_kind::response) o.content_type = header("x-relay-content-type");
  o.via_relay = true;
  const std::size_t scheme = relay_url.find("://");
  o.message = relay_url.substr(0, relay_url.find('/', scheme + 3));  // the relay's origin
  return o;
}

}  // namespace

std::string norm(std::string name) {
  name = lower(std::move(name));
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

json& network::operator[](const std::string& name) { return zone[norm(name)]; }

network from_world(const json& world) {
  network n;
  if (world.contains("zone"))
    for (const auto& [name, entry] : world.at("zone").items()) n.zone[norm(name)] = entry;
  if (world.contains("hosts"))
    for (const auto& [name, b] : world.at("hosts").items()) n.hosts[norm(name)] = b;
  if (world.contains("resolver")) {
    const json& r = world.at("resolver");
    n.follow_cname = r.value("followCname", true);
    if (r.contains("everyQuery")) n.every_query = r.at("everyQuery");
  }
  return n;
}

check::observation answer(const network& n, const check::request& r) {
  observation o = r.kind == check::request_kind::dns ? doh(n, r) : policy(n, r);
  o.id = r.id;
  if (r.kind == check::request_kind::policy && o.kind != observation_kind::timeout) {
    o.elapsed_ms = 30;
    o.at_ms = 60;
  }
  return o;
}

std::vector<std::uint8_t> response_for(const network& n, const std::string& qname, rr_type qtype, std::uint16_t id) {
  const std::string m = message_for(n, qname, qtype, id, true, 0, overrides_for(n, qname, qtype));
  return std::vector<std::uint8_t>(m.begin(), m.end());
}

}  // namespace mtasts_test::fake
