/**
 * @file check_report.cpp
 * @brief The domain check's report as JSON (schema 1, kind "domain"), and the
 *        output half of a step: the requests still needed plus the report.
 */
#include <string>

#include "json_writer.h"
#include "mtasts/check.h"

namespace mtasts::check {
namespace {

using detail::json_writer;

void opt_str(json_writer& w, const std::optional<std::string>& s) {
  if (s) w.value(*s);
  else w.null();
}

void tlsa(json_writer& w, const std::pair<std::size_t, bool>& t) {
  w.begin_object().key("records").value(t.first).key("ad").value(t.second).end_object();
}

void write_report(json_writer& w, const report& r) {
  w.begin_object();
  w.key("schema").value(1);
  w.key("kind").value("domain");
  w.key("input").value(r.input);
  w.key("domain").value(r.domain);
  w.key("resolver").value(r.resolver);
  w.key("grade");
  if (r.grade) w.value(grade_name(*r.grade));
  else w.null();
  w.key("grade_range");
  if (r.grade_range)
    w.begin_array().value(grade_name(r.grade_range->first)).value(grade_name(r.grade_range->second)).end_array();
  else
    w.null();
  w.key("grade_reason").value(r.grade_reason);
  w.key("complete").value(r.complete);

  w.key("checks").begin_array();
  for (const auto& c : r.checks) {
    w.begin_object();
    w.key("id").value(c.id);
    w.key("title").value(c.title);
    w.key("status").value(status_name(c.status));
    w.key("summary").value(c.summary);
    w.key("findings").begin_array();
    for (const auto& f : c.findings) w.finding(f, c.id.c_str(), true);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("findings").begin_array();
  for (const auto& f : r.domain_findings) w.finding(f, nullptr, true);
  for (const auto& c : r.checks)
    for (const auto& f : c.findings) w.finding(f, c.id.c_str(), true);
  w.end_array();

  w.key("mx_kind");
  if (r.mx_kind.empty()) w.null();
  else w.value(r.mx_kind);
  w.key("mx").begin_array();
  for (const auto& h : r.mx) {
    w.begin_object();
    w.key("host").value(h.host);
    w.key("preference").value(h.preference);
    w.key("covered");
    if (h.covered) w.value(*h.covered);
    else w.null();
    w.key("pattern");
    if (h.pattern.empty()) w.null();
    else w.value(h.pattern);
    w.key("tlsa");
    if (h.tlsa) tlsa(w, *h.tlsa);
    else w.null();
    w.end_object();
  }
  w.end_array();

  w.key("sts");
  if (r.sts) {
    w.begin_object();
    w.key("records").strings(r.sts->records);
    w.key("record");
    opt_str(w, r.sts->record);
    w.key("id");
    opt_str(w, r.sts->id);
    w.key("aliases").strings(r.sts->aliases);
    w.key("ad").value(r.sts->ad);
    w.end_object();
  } else {
    w.null();
  }
  w.key("policy");
  if (r.policy) {
    const auto& p = *r.policy;
    w.begin_object();
    w.key("source").value(p.source == policy_info::source::fetched ? "fetched"
                          : p.source == policy_info::source::relay ? "relay"
                                                                   : "pasted");
    w.key("url").value(p.url);
    w.key("status");
    if (p.status) w.value(*p.status);
    else w.null();
    w.key("content_type");
    opt_str(w, p.content_type);
    w.key("size").value(p.size);
    w.key("text").value(p.text);
    w.key("valid").value(p.valid);
    w.key("mode");
    if (p.policy) w.value(mode_name(p.policy->mode));
    else w.null();
    w.key("max_age");
    if (p.policy) w.value(p.policy->max_age);
    else w.null();
    w.key("mx");
    if (p.policy) w.strings(p.policy->mx);
    else w.begin_array().end_array();
    w.end_object();
  } else {
    w.null();
  }
  w.key("tlsrpt");
  if (r.tlsrpt) {
    w.begin_object();
    w.key("records").strings(r.tlsrpt->records);
    w.key("record");
    opt_str(w, r.tlsrpt->record);
    w.key("valid").value(r.tlsrpt->valid);
    w.key("rua").strings(r.tlsrpt->rua);
    w.end_object();
  } else {
    w.null();
  }
  w.key("dnssec").begin_object();
  w.key("mx_ad");
  if (r.mx_ad) w.value(*r.mx_ad);
  else w.null();
  w.key("sts_ad");
  if (r.sts_ad) w.value(*r.sts_ad);
  else w.null();
  w.key("tlsa").begin_array();
  for (const auto& h : r.mx)
    if (h.tlsa)
      w.begin_object().key("host").value(h.host).key("records").value(h.tlsa->first).key("ad").value(h.tlsa->second).end_object();
  w.end_array();
  w.end_object();
  w.key("timings").begin_object();
  w.key("total_ms").value(r.total_ms);
  w.key("requests").begin_array();
  for (const auto& t : r.timings) w.begin_object().key("id").value(t.id).key("elapsed_ms").value(t.elapsed_ms).end_object();
  w.end_array();
  w.end_object();
  w.key("pending").strings(r.pending);
  w.end_object();
}

}  // namespace

bool observation_kind_from(std::string_view s, observation_kind& k) noexcept {
  static constexpr std::pair<std::string_view, observation_kind> kinds[] = {
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

std::string to_json(const report& r) {
  json_writer w;
  write_report(w, r);
  return w.take();
}

std::string step_output_json(const domain_check& c) {
  json_writer w;
  w.begin_object();
  w.key("requests").begin_array();
  for (const auto& r : c.requests()) {
    w.begin_object();
    w.key("id").value(r.id);
    if (r.kind == request_kind::dns) {
      w.key("kind").value("dns");
      w.key("name").value(r.name);
      w.key("type").value(dns::type_name(r.type));
      w.key("dns").value(dns::base64url(r.wire));
    } else {
      w.key("kind").value("policy");
      w.key("url").value(r.url);
    }
    w.end_object();
  }
  w.end_array();
  w.key("report");
  write_report(w, c.result());
  return w.end_object().take();
}

}  // namespace mtasts::check
