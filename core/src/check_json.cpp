/**
 * @file check_json.cpp
 * @brief The domain check's JSON: the report (schema 1, kind "domain") and
 *        the one-step state exchange used across the wasm boundary.
 */
#include <nlohmann/json.hpp>

#include <string>

#include "mtasts/check.h"

namespace mtasts::check {
namespace {

using json = nlohmann::ordered_json;

json finding_json(const finding& f, const char* check) {
  json j;
  j["code"] = std::string(code_name(f.code));
  j["severity"] = std::string(severity_name(code_severity(f.code)));
  j["message"] = f.message;
  if (f.line != 0) {
    j["line"] = f.line;
    j["column"] = f.column;
  }
  if (!code_rfc(f.code).empty()) j["rfc"] = std::string(code_rfc(f.code));
  j["fix"] = std::string(code_fix(f.code));
  j["check"] = check == nullptr ? json(nullptr) : json(check);
  return j;
}

json opt_str(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json report_json(const report& r) {
  json j;
  j["schema"] = 1;
  j["kind"] = "domain";
  j["input"] = r.input;
  j["domain"] = r.domain;
  j["resolver"] = r.resolver;
  j["grade"] = r.grade ? json(std::string(grade_name(*r.grade))) : json(nullptr);
  j["grade_range"] = r.grade_range ? json::array({std::string(grade_name(r.grade_range->first)),
                                                  std::string(grade_name(r.grade_range->second))})
                                   : json(nullptr);
  j["grade_reason"] = r.grade_reason;
  j["complete"] = r.complete;

  json all = json::array();
  for (const auto& f : r.domain_findings) all.push_back(finding_json(f, nullptr));
  json checks = json::array();
  for (const auto& c : r.checks) {
    json cj;
    cj["id"] = c.id;
    cj["title"] = c.title;
    cj["status"] = std::string(status_name(c.status));
    cj["summary"] = c.summary;
    json fs = json::array();
    for (const auto& f : c.findings) {
      fs.push_back(finding_json(f, c.id.c_str()));
      all.push_back(fs.back());
    }
    cj["findings"] = std::move(fs);
    checks.push_back(std::move(cj));
  }
  j["checks"] = std::move(checks);
  j["findings"] = std::move(all);

  j["mx_kind"] = r.mx_kind.empty() ? json(nullptr) : json(r.mx_kind);
  json mx = json::array();
  for (const auto& h : r.mx) {
    json m;
    m["host"] = h.host;
    m["preference"] = h.preference;
    m["covered"] = h.covered ? json(*h.covered) : json(nullptr);
    m["pattern"] = h.pattern.empty() ? json(nullptr) : json(h.pattern);
    if (h.tlsa) m["tlsa"] = json{{"records", h.tlsa->first}, {"ad", h.tlsa->second}};
    else m["tlsa"] = nullptr;
    mx.push_back(std::move(m));
  }
  j["mx"] = std::move(mx);

  if (r.sts) {
    json s;
    s["records"] = r.sts->records;
    s["record"] = opt_str(r.sts->record);
    s["id"] = opt_str(r.sts->id);
    s["aliases"] = r.sts->aliases;
    s["ad"] = r.sts->ad;
    j["sts"] = std::move(s);
  } else {
    j["sts"] = nullptr;
  }
  if (r.policy) {
    const auto& p = *r.policy;
    json pj;
    pj["source"] = p.source == policy_info::source::fetched ? "fetched"
                   : p.source == policy_info::source::relay ? "relay"
                                                            : "pasted";
    pj["url"] = p.url;
    pj["status"] = p.status ? json(*p.status) : json(nullptr);
    pj["content_type"] = opt_str(p.content_type);
    pj["size"] = p.size;
    pj["text"] = p.text;
    pj["valid"] = p.valid;
    pj["mode"] = p.policy ? json(std::string(mode_name(p.policy->mode))) : json(nullptr);
    pj["max_age"] = p.policy ? json(p.policy->max_age) : json(nullptr);
    pj["mx"] = p.policy ? json(p.policy->mx) : json::array();
    j["policy"] = std::move(pj);
  } else {
    j["policy"] = nullptr;
  }
  if (r.tlsrpt) {
    json t;
    t["records"] = r.tlsrpt->records;
    t["record"] = opt_str(r.tlsrpt->record);
    t["valid"] = r.tlsrpt->valid;
    t["rua"] = r.tlsrpt->rua;
    j["tlsrpt"] = std::move(t);
  } else {
    j["tlsrpt"] = nullptr;
  }
  json tl = json::array();
  for (const auto& h : r.mx)
    if (h.tlsa) tl.push_back(json{{"host", h.host}, {"records", h.tlsa->first}, {"ad", h.tlsa->second}});
  j["dnssec"] = json{{"mx_ad", r.mx_ad ? json(*r.mx_ad) : json(nullptr)},
                     {"sts_ad", r.sts_ad ? json(*r.sts_ad) : json(nullptr)},
                     {"tlsa", std::move(tl)}};
  json req = json::array();
  for (const auto& t : r.timings) req.push_back(json{{"id", t.id}, {"elapsed_ms", t.elapsed_ms}});
  j["timings"] = json{{"total_ms", r.total_ms}, {"requests", std::move(req)}};
  j["pending"] = r.pending;
  return j;
}

/** Base64 (RFC 4648 §4, or the URL alphabet of §5), padding optional. False on any other character. */
bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size() / 4 * 3 + 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') break;
    else return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace

bool observation_kind_from(std::string_view s, observation_kind& k) noexcept {
  static const std::pair<std::string_view, observation_kind> kinds[] = {
      {"answer", observation_kind::answer},
      {"http-error", observation_kind::http_error},
      {"timeout", observation_kind::timeout},
      {"aborted", observation_kind::aborted},
      {"network-error", observation_kind::network_error},
      {"response", observation_kind::response},
      {"redirect", observation_kind::redirect},
      {"cors-blocked", observation_kind::cors_blocked},
      {"unreachable", observation_kind::unreachable},
  };
  for (const auto& [name, kind] : kinds)
    if (name == s) {
      k = kind;
      return true;
    }
  return false;
}

namespace {

template <class T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

std::string error_json(const std::string& what) { return dump(json{{"error", what}}); }

}  // namespace

std::string to_json(const report& r) { return dump(report_json(r)); }

std::string step_output_json(const domain_check& c) {
  json out;
  json reqs = json::array();
  for (const auto& r : c.requests()) {
    json rj;
    rj["id"] = r.id;
    if (r.kind == request_kind::dns) {
      rj["kind"] = "dns";
      rj["name"] = r.name;
      rj["type"] = dns::type_name(r.type);
      rj["dns"] = dns::base64url(r.wire);
    } else {
      rj["kind"] = "policy";
      rj["url"] = r.url;
    }
    reqs.push_back(std::move(rj));
  }
  out["requests"] = std::move(reqs);
  out["report"] = report_json(c.result());
  return dump(out);
}

std::string step_json(std::string_view state_json) noexcept {
  try {
    json in = json::parse(state_json.begin(), state_json.end(), nullptr, false);
    if (in.is_discarded() || !in.is_object()) return error_json("check state: not a JSON object");
    options o;
    o.input = get_or<std::string>(in, "input", "");
    o.domain = get_or<std::string>(in, "domain", "");
    o.resolver = get_or<std::string>(in, "resolver", "");
    if (auto it = in.find("pasted_policy"); it != in.end() && it->is_string()) o.pasted_policy = it->get<std::string>();
    if (auto it = in.find("pasted_policy_b64"); it != in.end() && it->is_string()) {
      std::string bytes;
      if (!base64_decode(it->get<std::string>(), bytes)) return error_json("check state: pasted_policy_b64 is not base64");
      o.pasted_policy = std::move(bytes);
    }
    o.tlsa_cap = get_or<std::size_t>(in, "tlsa_cap", o.tlsa_cap);
    o.aborted = get_or<bool>(in, "aborted", false);
    o.dns_timeout_ms = get_or<double>(in, "dns_timeout_ms", o.dns_timeout_ms);
    o.policy_timeout_ms = get_or<double>(in, "policy_timeout_ms", o.policy_timeout_ms);
    std::vector<observation> observations;
    if (auto it = in.find("observations"); it != in.end()) {
      if (!it->is_array()) return error_json("check state: observations is not an array");
      for (const auto& oj : *it) {
        if (!oj.is_object()) return error_json("check state: an observation is not an object");
        observation ob;
        ob.id = get_or<std::string>(oj, "id", "");
        if (!observation_kind_from(get_or<std::string>(oj, "kind", ""), ob.kind))
          return error_json("check state: unknown observation kind for " + ob.id);
        ob.status = get_or<std::uint16_t>(oj, "status", 0);
        if (auto ct = oj.find("content_type"); ct != oj.end() && ct->is_string()) ob.content_type = ct->get<std::string>();
        if (!base64_decode(get_or<std::string>(oj, "bytes", ""), ob.bytes))
          return error_json("check state: bytes of " + ob.id + " are not base64");
        ob.truncated = get_or<bool>(oj, "truncated", false);
        ob.message = get_or<std::string>(oj, "message", "");
        ob.via_relay = get_or<bool>(oj, "via_relay", false);
        ob.relay_failure = get_or<std::string>(oj, "relay_failure", "");
        ob.elapsed_ms = get_or<double>(oj, "elapsed_ms", 0);
        ob.at_ms = get_or<double>(oj, "at_ms", 0);
        observations.push_back(std::move(ob));
      }
    }
    domain_check c(std::move(o));
    if (!observations.empty()) c.observe(std::move(observations));
    return step_output_json(c);
  } catch (const std::exception& e) {
    return error_json(std::string("check state: ") + e.what());
  } catch (...) {
    return error_json("check state: unexpected failure");
  }
}

}  // namespace mtasts::check
