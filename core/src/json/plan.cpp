/**
 * @file plan.cpp
 * @brief The JSON mapping (json.h), part four: the change plan (plan.h), and
 *        its input read from a domain report's own JSON, so that a host
 *        passes the report it has, unchanged.
 *
 * Reading: the report is untrusted text like any input, so only nlohmann's
 * non-throwing calls are used, and each member's type is checked before it
 * is read; a member of the wrong type reads as absent (the plan then says
 * what was not observed), except the few without which there is no plan.
 */
#include <cmath>

#include "mtasts/json.h"
#include "common.h"

namespace mtasts::plan {
namespace {

using namespace json_detail;

const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> text_of(const json& j, const char* key) {
  const json* v = member(j, key);
  if (v != nullptr && v->is_string()) return v->get_ref<const std::string&>();
  return std::nullopt;
}

std::optional<std::uint32_t> ttl_of(const json& j, const char* key) {
  const json* v = member(j, key);
  if (v != nullptr && v->is_number_unsigned() && v->get<std::uint64_t>() <= 0xFFFFFFFFu)
    return static_cast<std::uint32_t>(v->get<std::uint64_t>());
  return std::nullopt;
}

std::string error_json(const std::string& what) {
  json j = json::object();
  put(j, "error", what);
  return dump(j);
}

json ttl_json(const check::ttl_info& t) {
  json j = object(4);
  put(j, "mx", optional_value(t.mx));
  put(j, "sts", optional_value(t.sts));
  put(j, "tlsrpt", optional_value(t.tlsrpt));
  put(j, "policy_host", optional_value(t.policy_host));
  return j;
}

}  // namespace

std::optional<plan_input> read_input(std::string_view report_json, std::string& error) {
  const json r = json::parse(report_json.begin(), report_json.end(), nullptr, false);
  const auto domain = text_of(r, "domain");
  if (r.is_discarded() || !r.is_object() || !domain) {
    error = "the report is not a domain report's JSON";
    return std::nullopt;
  }
  plan_input in;
  in.domain = *domain;
  if (const json* checks = member(r, "checks"); checks != nullptr && checks->is_array())
    for (const auto& c : *checks)
      if (text_of(c, "id") == std::optional<std::string>("policy_fetch")) {
        const auto st = text_of(c, "status");
        in.policy_observed = st && *st != "unknown" && *st != "pending";
        if (!in.policy_observed) in.policy_unobserved_why = text_of(c, "summary").value_or("");
      }
  in.mx_kind = text_of(r, "mx_kind");
  if (const json* mx = member(r, "mx"); mx != nullptr && mx->is_array())
    for (const auto& h : *mx)
      if (auto host = text_of(h, "host")) in.mx.push_back(std::move(*host));
  if (const json* sts = member(r, "sts")) {
    in.sts_record = text_of(*sts, "record");
    in.sts_id = text_of(*sts, "id");
  }
  if (const json* t = member(r, "tlsrpt"); t != nullptr && member(*t, "valid") != nullptr &&
                                           member(*t, "valid")->is_boolean() && member(*t, "valid")->get<bool>())
    in.tlsrpt_record = text_of(*t, "record");
  if (const json* t = member(r, "ttl")) {
    in.ttl.mx = ttl_of(*t, "mx");
    in.ttl.sts = ttl_of(*t, "sts");
    in.ttl.tlsrpt = ttl_of(*t, "tlsrpt");
    in.ttl.policy_host = ttl_of(*t, "policy_host");
  }
  if (in.policy_observed) {
    const json* p = member(r, "policy");
    const auto text = p != nullptr ? text_of(*p, "text") : std::nullopt;
    if (text) set_served_policy(in, *text);
    else if (in.sts_record) in.policy_invalid = true;  // a record, but no policy senders can fetch
  }
  return in;
}

std::string to_json(const change_plan& p) {
  json j = object(10);
  put(j, "schema", report_schema);
  put(j, "kind", "plan");
  put(j, "domain", p.domain);
  put(j, "now", finite(p.now));
  put(j, "max_age", optional_value(p.max_age));
  put(j, "ttl", ttl_json(p.ttl));
  put(j, "warnings", strings(p.warnings));
  json changes = json::array();
  for (const auto& c : p.changes) {
    json cj = object(6);
    put(cj, "id", c.id);
    put(cj, "title", c.title);
    put(cj, "applies", c.applies);
    put(cj, "why", c.why);
    put(cj, "warnings", strings(c.warnings));
    json steps = json::array();
    for (const auto& s : c.steps) {
      json sj = object(5);
      put(sj, "text", s.text);
      json records = json::array();
      for (const auto& rec : s.records) {
        json rj = object(3);
        put(rj, "type", rec.type);
        put(rj, "name", rec.name);
        put(rj, "value", rec.value);
        records.push_back(std::move(rj));
      }
      put(sj, "records", std::move(records));
      put(sj, "not_before", s.not_before ? json(*s.not_before) : json(nullptr));
      put(sj, "when", s.when);
      put(sj, "reason", s.reason);
      steps.push_back(std::move(sj));
    }
    put(cj, "steps", std::move(steps));
    changes.push_back(std::move(cj));
  }
  put(j, "changes", std::move(changes));
  put(j, "text", plan_text(p));
  return dump(j, 8192);
}

std::string plan_json(std::string_view report_json, std::string_view options_json) {
  std::string error;
  auto in = read_input(report_json, error);
  if (!in) return error_json(error);
  const json o = json::parse(options_json.begin(), options_json.end(), nullptr, false);
  const json* now = member(o, "now");
  if (o.is_discarded() || !o.is_object() || now == nullptr || !now->is_number() || !std::isfinite(now->get<double>()))
    return error_json("options.now must be a time in Unix milliseconds");
  if (const json* mx = member(o, "mx")) {
    if (!mx->is_array()) return error_json("options.mx must be an array of host names");
    for (const auto& h : *mx) {
      if (!h.is_string()) return error_json("options.mx must be an array of host names");
      in->planned_mx.push_back(h.get<std::string>());
    }
  }
  return to_json(make_plan(*in, now->get<double>()));
}

}  // namespace mtasts::plan
