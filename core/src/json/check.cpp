/**
 * @file check.cpp
 * @brief The JSON mapping (json.h), part two: the domain check's requests,
 *        observations, state and report (check.h's structs, member by member),
 *        and the limits.
 *
 * Reading: input is untrusted (the host's JSON), and the core throws
 * nothing, so only nlohmann's non-throwing calls are used: parse with
 * allow_exceptions = false, and every member's type is checked before it is
 * read. A member that is absent or null takes its default; one of the wrong
 * type makes the whole state an error that names it.
 */
#include <algorithm>
#include <limits>

#include "mtasts/base64.h"
#include "mtasts/json.h"
#include "mtasts/limits.h"
#include "common.h"

namespace mtasts::check {
namespace {

using namespace json_detail;

// ---- names of the enumerations ---------------------------------------------

constexpr std::pair<std::string_view, observation_kind> observation_kinds[] = {
    {"answer", observation_kind::answer},
    {"http-error", observation_kind::http_error},
    {"timeout", observation_kind::timeout},
    {"aborted", observation_kind::aborted},
    {"network-error", observation_kind::network_error},
    {"response", observation_kind::response},
    {"redirect", observation_kind::redirect},
    {"cors-blocked", observation_kind::cors_blocked},
    {"unreachable", observation_kind::unreachable},
    {"starttls", observation_kind::starttls},
};

std::string_view kind_name(observation_kind k) {
  for (const auto& [name, kind] : observation_kinds)
    if (kind == k) return name;
  return "answer";
}

std::string_view host_kind_name(host_kind k) { return k == host_kind::native ? "native" : "browser"; }

std::string_view source_name(policy_source s) {
  switch (s) {
    case policy_source::fetched: return "fetched";
    case policy_source::relay: return "relay";
    case policy_source::pasted: return "pasted";
  }
  return "fetched";
}

// ---- reading, without exceptions ---------------------------------------------

/** Reads the members of one JSON object; the first problem is kept in `error`. */
class reader {
 public:
  reader(const json& j, std::string& error, std::string where) : j_(j), error_(error), where_(std::move(where)) {
    if (!j_.is_object()) fail("is not a JSON object");
  }
  bool ok() const { return error_.empty(); }

  void string(const char* key, std::string& out) {
    if (const json* v = member(key)) {
      if (v->is_string()) out = v->get_ref<const std::string&>();
      else wrong(key, "a string");
    }
  }
  void optional_string(const char* key, std::optional<std::string>& out) {
    if (const json* v = member(key)) {
      if (v->is_string()) out = v->get_ref<const std::string&>();
      else wrong(key, "a string or null");
    }
  }
  void bytes(const char* key, std::string& out) {
    if (const json* v = member(key)) {
      if (!v->is_string()) return wrong(key, "a base64 string");
      auto decoded = base64_decode(v->get_ref<const std::string&>());
      if (!decoded) return wrong(key, "base64");
      out = std::move(*decoded);
    }
  }
  void optional_bytes(const char* key, std::optional<std::string>& out) {
    if (member(key) == nullptr) return;
    std::string b;
    bytes(key, b);
    if (ok()) out = std::move(b);
  }
  void boolean(const char* key, bool& out) {
    if (const json* v = member(key)) {
      if (v->is_boolean()) out = v->get<bool>();
      else wrong(key, "true or false");
    }
  }
  void number(const char* key, double& out) {
    if (const json* v = member(key)) {
      if (v->is_number() && std::isfinite(v->get<double>())) out = v->get<double>();
      else wrong(key, "a number");
    }
  }
  template <class Int>
  void integer(const char* key, Int& out) {
    if (const json* v = member(key)) {
      if (v->is_number_unsigned() && v->get<std::uint64_t>() <= std::numeric_limits<Int>::max())
        out = static_cast<Int>(v->get<std::uint64_t>());
      else if (v->is_number_integer() && v->get<std::int64_t>() >= 0 &&
               static_cast<std::uint64_t>(v->get<std::int64_t>()) <= std::numeric_limits<Int>::max())
        out = static_cast<Int>(v->get<std::int64_t>());
      else
        wrong(key, "a whole number in range");
    }
  }
  /** The object member `key`, or nullptr (absent or null); an error if it is something else. */
  const json* object(const char* key) {
    const json* v = member(key);
    if (v && !v->is_object()) {
      wrong(key, "an object");
      return nullptr;
    }
    return v;
  }
  /** An array of strings. */
  void string_list(const char* key, std::vector<std::string>& out) {
    if (const json* v = array(key)) {
      for (const auto& e : *v) {
        if (!e.is_string()) return wrong(key, "an array of strings");
        out.push_back(e.get_ref<const std::string&>());
      }
    }
  }
  /** The array member `key`, or nullptr (absent or null); an error if it is something else. */
  const json* array(const char* key) {
    const json* v = member(key);
    if (v && !v->is_array()) {
      wrong(key, "an array");
      return nullptr;
    }
    return v;
  }
  void fail(const std::string& what) {
    if (error_.empty()) error_ = where_ + " " + what;
  }

 private:
  const json* member(const char* key) {
    if (!ok() || !j_.is_object()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void wrong(const char* key, const char* expected) { fail("member \"" + std::string(key) + "\" is not " + expected); }

  const json& j_;
  std::string& error_;
  std::string where_;
};

// ---- requests ------------------------------------------------------------------

json request_json(const request& r) {
  json j = object(5);
  put(j, "id", r.id);
  if (r.kind == request_kind::dns) {
    put(j, "kind", "dns");
    put(j, "name", r.name);
    put(j, "type", dns::type_name(r.type));
    put(j, "dns", r.dns);
  } else if (r.kind == request_kind::policy) {
    put(j, "kind", "policy");
    put(j, "url", r.url);
  } else {
    put(j, "kind", "starttls");
    put(j, "host", r.host);
    put(j, "addresses", strings(r.addresses));
  }
  return j;
}

// ---- a STARTTLS probe ------------------------------------------------------------

json tls_json(const tls_probe& p) {
  json j = object(8);
  put(j, "result", std::string(tls_result_name(p.result)));
  put(j, "stage", p.stage);
  put(j, "address", p.address);
  put(j, "detail", p.detail);
  put(j, "banner", p.banner);
  put(j, "version", p.version);
  put(j, "cipher", p.cipher);
  if (p.certificate) {
    const auto& c = *p.certificate;
    json cj = object(5);
    put(cj, "subject", c.subject);
    put(cj, "issuer", c.issuer);
    put(cj, "dns_names", strings(c.dns_names));
    put(cj, "not_before", c.not_before);
    put(cj, "not_after", c.not_after);
    put(j, "certificate", std::move(cj));
  } else {
    put(j, "certificate", nullptr);
  }
  return j;
}

// ---- observations ----------------------------------------------------------------

json observation_json(const observation& o) {
  json j = object(11);
  put(j, "id", o.id);
  put(j, "kind", std::string(kind_name(o.kind)));
  put(j, "status", o.status);
  put(j, "content_type", optional_value(o.content_type));
  put(j, "bytes", base64_encode(o.bytes));
  put(j, "truncated", o.truncated);
  put(j, "message", o.message);
  put(j, "via_relay", o.via_relay);
  put(j, "relay_failure", o.relay_failure);
  put(j, "elapsed_ms", finite(o.elapsed_ms));
  put(j, "at_ms", finite(o.at_ms));
  if (!o.failure.empty()) put(j, "failure", o.failure);
  if (o.tls) put(j, "tls", tls_json(*o.tls));
  return j;
}

observation read_observation(const json& j, std::string& error, std::size_t index) {
  observation o;
  reader in(j, error, "observation " + std::to_string(index + 1));
  in.string("id", o.id);
  std::string kind;
  in.string("kind", kind);
  if (in.ok()) {
    bool known = false;
    for (const auto& [name, k] : observation_kinds)
      if (name == kind) {
        o.kind = k;
        known = true;
      }
    if (!known) in.fail("has an unknown kind \"" + kind + "\"");
  }
  in.integer("status", o.status);
  in.optional_string("content_type", o.content_type);
  in.bytes("bytes", o.bytes);
  in.boolean("truncated", o.truncated);
  in.string("message", o.message);
  in.boolean("via_relay", o.via_relay);
  in.string("relay_failure", o.relay_failure);
  in.number("elapsed_ms", o.elapsed_ms);
  in.number("at_ms", o.at_ms);
  in.string("failure", o.failure);
  if (const json* t = in.object("tls")) {
    reader tr(*t, error, "observation " + std::to_string(index + 1) + " tls:");
    tls_probe p;
    std::string result;
    tr.string("result", result);
    if (tr.ok() && !tls_result_from_name(result, p.result)) tr.fail("has an unknown result \"" + result + "\"");
    tr.string("stage", p.stage);
    tr.string("address", p.address);
    tr.string("detail", p.detail);
    tr.string("banner", p.banner);
    tr.string("version", p.version);
    tr.string("cipher", p.cipher);
    if (const json* cj = tr.object("certificate")) {
      reader cr(*cj, error, "observation " + std::to_string(index + 1) + " tls certificate:");
      certificate cert;
      cr.string("subject", cert.subject);
      cr.string("issuer", cert.issuer);
      cr.string_list("dns_names", cert.dns_names);
      cr.string("not_before", cert.not_before);
      cr.string("not_after", cert.not_after);
      p.certificate = std::move(cert);
    }
    o.tls = std::move(p);
  }
  return o;
}

// ---- the state -----------------------------------------------------------------------

void put_options(json& j, const options& o) {
  put(j, "input", o.input);
  put(j, "domain", o.domain);
  put(j, "resolver", o.resolver);
  put(j, "pasted_policy", o.pasted_policy ? json(base64_encode(*o.pasted_policy)) : json(nullptr));
  put(j, "tlsa_cap", o.tlsa_cap);
  put(j, "aborted", o.aborted);
  put(j, "deadline", o.deadline);
  put(j, "total_timeout_ms", finite(o.total_timeout_ms));
  put(j, "dns_timeout_ms", finite(o.dns_timeout_ms));
  put(j, "policy_timeout_ms", finite(o.policy_timeout_ms));
  put(j, "host", std::string(host_kind_name(o.host)));
  put(j, "starttls", o.starttls);
  put(j, "smtp_timeout_ms", finite(o.smtp_timeout_ms));
  put(j, "starttls_cap", o.starttls_cap);
  put(j, "now_ms", finite(o.now_ms));
}

void read_options(reader& in, options& o) {
  in.string("input", o.input);
  in.string("domain", o.domain);
  in.string("resolver", o.resolver);
  in.optional_bytes("pasted_policy", o.pasted_policy);
  in.integer("tlsa_cap", o.tlsa_cap);
  in.boolean("aborted", o.aborted);
  in.boolean("deadline", o.deadline);
  in.number("total_timeout_ms", o.total_timeout_ms);
  in.number("dns_timeout_ms", o.dns_timeout_ms);
  in.number("policy_timeout_ms", o.policy_timeout_ms);
  std::string host;
  in.string("host", host);
  if (host == "native") o.host = host_kind::native;
  else if (!host.empty() && host != "browser") in.fail("member \"host\" is not \"browser\" or \"native\"");
  in.boolean("starttls", o.starttls);
  in.number("smtp_timeout_ms", o.smtp_timeout_ms);
  in.integer("starttls_cap", o.starttls_cap);
  in.number("now_ms", o.now_ms);
}

// ---- the report --------------------------------------------------------------------------

json report_json(const report& r) {
  json j = object(22);
  put(j, "schema", report_schema);
  put(j, "kind", "domain");
  put(j, "input", r.input);
  put(j, "domain", r.domain);
  put(j, "domain_unicode", r.domain_unicode);
  put(j, "resolver", r.resolver);
  json host = object(2);
  put(host, "kind", std::string(host_kind_name(r.host.kind)));
  put(host, "observes", strings(r.host.observes));
  put(j, "host", std::move(host));
  put(j, "grade", r.grade ? json(std::string(grade_name(*r.grade))) : json(nullptr));
  if (r.grade_range)
    put(j, "grade_range",
        json::array({std::string(grade_name(r.grade_range->first)), std::string(grade_name(r.grade_range->second))}));
  else
    put(j, "grade_range", nullptr);
  put(j, "grade_reason", r.grade_reason);
  put(j, "complete", r.complete);

  json checks = json::array();
  json all = json::array();
  for (const auto& f : r.domain_findings) all.push_back(finding_json(f, nullptr, true));
  for (const auto& c : r.checks) {
    json cj = object(5);
    put(cj, "id", c.id);
    put(cj, "title", c.title);
    put(cj, "status", std::string(status_name(c.status)));
    put(cj, "summary", c.summary);
    json fs = json::array();
    for (const auto& f : c.findings) {
      json fj = finding_json(f, &c.id, true);
      all.push_back(fj);
      fs.push_back(std::move(fj));
    }
    put(cj, "findings", std::move(fs));
    checks.push_back(std::move(cj));
  }
  put(j, "checks", std::move(checks));
  put(j, "findings", std::move(all));
  if (r.cause) {
    json cj = object(5);
    put(cj, "code", std::string(code_name(r.cause->code)));
    put(cj, "check", r.cause->check.empty() ? json(nullptr) : json(r.cause->check));
    put(cj, "headline", r.cause->headline);
    put(cj, "message", r.cause->message);
    put(cj, "affects", strings(r.cause->affects));
    put(j, "cause", std::move(cj));
  } else {
    put(j, "cause", nullptr);
  }

  put(j, "mx_kind", optional_value(r.mx_kind));
  json mx = json::array();
  json tlsa = json::array();
  const bool probes = std::find(r.host.observes.begin(), r.host.observes.end(), "starttls") != r.host.observes.end();
  for (const auto& h : r.mx) {
    json hj = object(7);
    put(hj, "host", h.host);
    put(hj, "preference", h.preference);
    put(hj, "covered", optional_value(h.covered));
    put(hj, "pattern", optional_value(h.pattern));
    if (h.tlsa) {
      json t = json::object();
      put(t, "records", h.tlsa->records);
      put(t, "ad", h.tlsa->ad);
      put(hj, "tlsa", std::move(t));
      json row = json::object();
      put(row, "host", h.host);
      put(row, "records", h.tlsa->records);
      put(row, "ad", h.tlsa->ad);
      tlsa.push_back(std::move(row));
    } else {
      put(hj, "tlsa", nullptr);
    }
    if (probes) {
      // Only in a report from a host that probes STARTTLS: the browser's schema is unchanged.
      put(hj, "addresses", strings(h.addresses));
      put(hj, "tls", h.tls ? tls_json(*h.tls) : json(nullptr));
    }
    mx.push_back(std::move(hj));
  }
  put(j, "mx", std::move(mx));

  if (r.sts) {
    json s = json::object();
    put(s, "records", strings(r.sts->records));
    put(s, "record", optional_value(r.sts->record));
    put(s, "id", optional_value(r.sts->id));
    put(s, "aliases", strings(r.sts->aliases));
    put(s, "ad", r.sts->ad);
    put(j, "sts", std::move(s));
  } else {
    put(j, "sts", nullptr);
  }
  if (r.policy) {
    const auto& p = *r.policy;
    json pj = json::object();
    put(pj, "source", std::string(source_name(p.source)));
    put(pj, "url", p.url);
    put(pj, "status", optional_value(p.status));
    put(pj, "content_type", optional_value(p.content_type));
    put(pj, "size", p.size);
    put(pj, "text", p.text);
    put(pj, "valid", p.valid);
    put(pj, "mode", p.policy ? json(std::string(mode_name(p.policy->mode))) : json(nullptr));
    put(pj, "max_age", p.policy ? json(p.policy->max_age) : json(nullptr));
    put(pj, "mx", p.policy ? strings(p.policy->mx) : json::array());
    put(j, "policy", std::move(pj));
  } else {
    put(j, "policy", nullptr);
  }
  if (r.tlsrpt) {
    json t = json::object();
    put(t, "records", strings(r.tlsrpt->records));
    put(t, "record", optional_value(r.tlsrpt->record));
    put(t, "valid", r.tlsrpt->valid);
    put(t, "rua", strings(r.tlsrpt->rua));
    put(j, "tlsrpt", std::move(t));
  } else {
    put(j, "tlsrpt", nullptr);
  }
  json dnssec = json::object();
  put(dnssec, "mx_ad", optional_value(r.mx_ad));
  put(dnssec, "sts_ad", r.sts ? json(r.sts->ad) : json(nullptr));
  put(dnssec, "tlsa", std::move(tlsa));
  put(j, "dnssec", std::move(dnssec));
  json timings = json::object();
  put(timings, "total_ms", finite(r.total_ms));
  json reqs = json::array();
  for (const auto& t : r.timings) {
    json tj = json::object();
    put(tj, "id", t.id);
    put(tj, "elapsed_ms", finite(t.elapsed_ms));
    reqs.push_back(std::move(tj));
  }
  put(timings, "requests", std::move(reqs));
  put(j, "timings", std::move(timings));
  put(j, "pending", strings(r.pending));
  json ttl = object(4);
  put(ttl, "mx", optional_value(r.ttl.mx));
  put(ttl, "sts", optional_value(r.ttl.sts));
  put(ttl, "tlsrpt", optional_value(r.ttl.tlsrpt));
  put(ttl, "policy_host", optional_value(r.ttl.policy_host));
  put(j, "ttl", std::move(ttl));
  return j;
}

std::string error_json(const std::string& what) {
  json j = json::object();
  put(j, "error", what);
  return dump(j);
}

}  // namespace

std::string to_json(const report& r) { return dump(report_json(r)); }
std::string to_json(const request& r) { return dump(request_json(r)); }
std::string to_json(const observation& o) { return dump(observation_json(o)); }

std::string to_json(const state& s) {
  json j = json::object();
  put_options(j, s.options);
  json obs = json::array();
  for (const auto& o : s.observations) obs.push_back(observation_json(o));
  put(j, "observations", std::move(obs));
  return dump(j);
}

parsed_state parse_state(std::string_view text) {
  parsed_state out;
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    out.error = "check state: not JSON";
    return out;
  }
  std::string error;
  reader in(j, error, "check state:");
  state s;
  read_options(in, s.options);
  if (const json* list = in.array("observations")) {
    s.observations.reserve(list->size());
    for (std::size_t i = 0; i < list->size() && error.empty(); ++i)
      s.observations.push_back(read_observation((*list)[i], error, i));
    if (!error.empty()) error = "check state: " + error;
  }
  if (!error.empty()) {
    out.error = std::move(error);
    return out;
  }
  out.state = std::move(s);
  return out;
}

parsed_observation parse_observation(std::string_view text) {
  parsed_observation out;
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    out.error = "observation: not JSON";
    return out;
  }
  std::string error;
  observation o = read_observation(j, error, 0);
  if (!error.empty()) {
    out.error = std::move(error);
    return out;
  }
  out.observation = std::move(o);
  return out;
}

std::string step_output_json(const domain_check& c) {
  json j = json::object();
  json reqs = json::array();
  for (const auto& r : c.requests()) reqs.push_back(request_json(r));
  put(j, "requests", std::move(reqs));
  put(j, "report", report_json(c.result()));
  return dump(j);
}

std::string step_json(std::string_view state_json) {
  parsed_state p = parse_state(state_json);
  if (!p.state) return error_json(p.error);
  domain_check c(std::move(*p.state));
  return step_output_json(c);
}

}  // namespace mtasts::check

namespace mtasts {

std::string limits_json() {
  using namespace json_detail;
  json j = json::object();
  put(j, "policy_max_bytes", limits::policy_max_bytes);
  put(j, "policy_large_bytes", limits::policy_large_bytes);
  put(j, "max_age_max", limits::max_age_max);
  put(j, "max_age_week", limits::max_age_week);
  put(j, "max_age_day", limits::max_age_day);
  put(j, "max_age_withdraw", limits::max_age_withdraw);
  put(j, "mx_hosts", limits::mx_hosts);
  put(j, "tlsa_cap", limits::tlsa_cap);
  put(j, "cname_hops", limits::cname_hops);
  put(j, "cname_chain_in_answer", limits::cname_chain_in_answer);
  put(j, "dns_message_max", limits::dns_message_max);
  put(j, "pointer_hops", limits::pointer_hops);
  put(j, "domain_max_length", limits::domain_max_length);
  put(j, "dns_timeout_ms", limits::dns_timeout_ms);
  put(j, "policy_timeout_ms", limits::policy_timeout_ms);
  put(j, "total_timeout_ms", limits::total_timeout_ms);
  put(j, "smtp_timeout_ms", limits::smtp_timeout_ms);
  put(j, "starttls_hosts", limits::starttls_hosts);
  put(j, "certificate_warning_days", limits::certificate_warning_days);
  put(j, "report_max_bytes", limits::report_max_bytes);
  put(j, "report_file_max_bytes", limits::report_file_max_bytes);
  put(j, "report_archive_entries", limits::report_archive_entries);
  put(j, "findings_per_code", limits::findings_per_code);
  put(j, "findings_total", limits::findings_total);
  return dump(j);
}
}  // namespace mtasts
