/**
 * @file report.cpp
 * @brief The JSON of TLS-RPT reports (json.h, docs/REPORTS.md): a parsed
 *        report in RFC 8460's own names, the aggregate, and the wasm
 *        boundary's inputs.
 */
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common.h"
#include "mtasts/json.h"
#include "mtasts/report.h"

namespace mtasts::tlsrpt {

namespace {

using namespace json_detail;

json epoch_or_null(const std::optional<std::int64_t>& t) { return t ? json(*t) : json(nullptr); }

json findings_array(const std::vector<finding>& fs) {
  json a = json::array();
  a.get_ref<json::array_t&>().reserve(fs.size());
  for (const auto& f : fs) a.push_back(finding_json(f));
  return a;
}

json report_json(const report& r) {
  json j = object(5);
  put(j, "organization-name", r.organization_name);
  json dr = object(4);
  put(dr, "start-datetime", r.start_datetime);
  put(dr, "end-datetime", r.end_datetime);
  put(dr, "start", epoch_or_null(r.start));
  put(dr, "end", epoch_or_null(r.end));
  put(j, "date-range", std::move(dr));
  put(j, "contact-info", r.contact_info);
  put(j, "report-id", r.report_id);
  json pols = json::array();
  for (const auto& p : r.policies) {
    json pol = object(4);
    put(pol, "policy-type", p.policy_type);
    put(pol, "policy-string", strings(p.policy_string));
    put(pol, "policy-domain", p.policy_domain);
    put(pol, "mx-host", strings(p.mx_host));
    json sum = object(2);
    put(sum, "total-successful-session-count", p.total_successful_session_count);
    put(sum, "total-failure-session-count", p.total_failure_session_count);
    json details = json::array();
    details.get_ref<json::array_t&>().reserve(p.failure_details.size());
    for (const auto& d : p.failure_details) {
      json e = object(8);
      put(e, "result-type", d.result_type);
      put(e, "sending-mta-ip", d.sending_mta_ip);
      put(e, "receiving-mx-hostname", d.receiving_mx_hostname);
      put(e, "receiving-mx-helo", d.receiving_mx_helo);
      put(e, "receiving-ip", d.receiving_ip);
      put(e, "failed-session-count", d.failed_session_count);
      put(e, "additional-information", d.additional_information);
      put(e, "failure-reason-code", d.failure_reason_code);
      details.push_back(std::move(e));
    }
    json entry = object(3);
    put(entry, "policy", std::move(pol));
    put(entry, "summary", std::move(sum));
    put(entry, "failure-details", std::move(details));
    pols.push_back(std::move(entry));
  }
  put(j, "policies", std::move(pols));
  return j;
}

void put_counts(json& j, const counts& c) {
  put(j, "successful", c.successful);
  put(j, "failed", c.failed);
}

json type_counts(const std::vector<type_count>& v) {
  json a = json::array();
  for (const auto& t : v) {
    json e = object(2);
    put(e, "resultType", t.result_type);
    put(e, "failed", t.failed);
    a.push_back(std::move(e));
  }
  return a;
}

const char* status_name(file_state s) {
  switch (s) {
    case file_state::read: return "read";
    case file_state::duplicate: return "duplicate";
    case file_state::unreadable: return "unreadable";
    case file_state::error: return "error";
  }
  return "error";
}

/** The explanation of a result type (empty texts for one RFC 8460 does not define). */
void put_explanation(json& e, const result_type_info* t) {
  put(e, "rfc", t ? std::string(t->rfc) : std::string());
  put(e, "meaning", t ? std::string(t->meaning) : std::string());
  put(e, "cause", t ? std::string(t->cause) : std::string());
  put(e, "fix", t ? std::string(t->fix) : std::string());
}

json type_info_json(const result_type_info& t) {
  json e = object(5);
  put(e, "resultType", std::string(t.name));
  put_explanation(e, &t);
  return e;
}

}  // namespace

std::string to_json(const parse_result& r) {
  json j = object(5);
  put(j, "schema", report_schema);
  put(j, "kind", "tlsrpt-report");
  put(j, "valid", r.valid);
  put(j, "findings", findings_array(r.findings));
  put(j, "report", r.report ? report_json(*r.report) : json(nullptr));
  return dump(j);
}

std::string to_json(const summary& s) {
  json j = object(16);
  put(j, "schema", report_schema);
  put(j, "kind", "tlsrpt-summary");
  put(j, "reports", s.reports);
  put(j, "duplicates", s.duplicates);
  if (s.period_start && s.period_end) {
    json p = object(2);
    put(p, "start", format_utc(*s.period_start));
    put(p, "end", format_utc(*s.period_end));
    put(j, "period", std::move(p));
  } else {
    put(j, "period", nullptr);
  }
  json totals = object(2);
  put_counts(totals, s.totals);
  put(j, "totals", std::move(totals));

  json days = json::array();
  for (const auto& d : s.by_day) {
    json e = object(3);
    put(e, "day", d.day);
    put_counts(e, d.c);
    days.push_back(std::move(e));
  }
  put(j, "byDay", std::move(days));

  json pols = json::array();
  for (const auto& p : s.by_policy) {
    json e = object(13);
    put(e, "type", p.policy_type);
    put(e, "domain", p.policy_domain);
    put(e, "string", strings(p.policy_string));
    put(e, "mode", p.mode.empty() ? json(nullptr) : json(p.mode));
    put(e, "mx", strings(p.mx));
    put(e, "maxAge", optional_value(p.max_age));
    put_counts(e, p.c);
    put(e, "reports", p.reports);
    put(e, "organizations", strings(p.organizations));
    put(e, "firstDay", p.first_day.empty() ? json(nullptr) : json(p.first_day));
    put(e, "lastDay", p.last_day.empty() ? json(nullptr) : json(p.last_day));
    pols.push_back(std::move(e));
  }
  put(j, "byPolicy", std::move(pols));

  json mxs = json::array();
  for (const auto& m : s.by_mx) {
    json e = object(3);
    put(e, "mx", m.mx);
    put(e, "failed", m.failed);
    put(e, "resultTypes", type_counts(m.result_types));
    mxs.push_back(std::move(e));
  }
  put(j, "byMx", std::move(mxs));

  json types = json::array();
  for (const auto& t : s.by_result_type) {
    json e = object(8);
    put(e, "resultType", t.result_type);
    put(e, "failed", t.failed);
    put(e, "known", t.info != nullptr);
    put_explanation(e, t.info);
    put(e, "mx", strings(t.mx));
    types.push_back(std::move(e));
  }
  put(j, "byResultType", std::move(types));

  json orgs = json::array();
  for (const auto& o : s.by_organization) {
    json e = object(5);
    put(e, "organization", o.organization_name);
    put(e, "contact", o.contact_info);
    put(e, "reports", o.reports);
    put_counts(e, o.c);
    orgs.push_back(std::move(e));
  }
  put(j, "byOrganization", std::move(orgs));

  json ips = json::array();
  for (const auto& m : s.by_sending_ip) {
    json e = object(3);
    put(e, "ip", m.ip);
    put(e, "failed", m.failed);
    put(e, "resultTypes", type_counts(m.result_types));
    ips.push_back(std::move(e));
  }
  put(j, "bySendingIp", std::move(ips));

  json files = json::array();
  json errors = json::array();
  for (const auto& f : s.files) {
    json e = object(7);
    put(e, "source", f.source);
    put(e, "status", status_name(f.status));
    put(e, "organization", f.organization_name);
    put(e, "reportId", f.report_id);
    put(e, "duplicateOf", f.duplicate_of.empty() ? json(nullptr) : json(f.duplicate_of));
    put(e, "findings", findings_array(f.findings));
    files.push_back(std::move(e));
    if (f.status == file_state::unreadable || f.status == file_state::error) {
      const finding* first = nullptr;
      for (const auto& x : f.findings) {
        if (code_severity(x.code) == severity::error) {
          first = &x;
          break;
        }
      }
      if (!first && !f.findings.empty()) first = &f.findings.front();
      json err = object(4);
      put(err, "source", f.source);
      put(err, "code", first ? std::string(code_name(first->code)) : std::string());
      put(err, "severity", first ? std::string(severity_name(code_severity(first->code))) : std::string("error"));
      put(err, "message", first ? first->message : std::string("could not be read"));
      errors.push_back(std::move(err));
    }
  }
  put(j, "files", std::move(files));
  put(j, "errors", std::move(errors));
  return dump(j, 4096);
}

std::string parse_json(std::string_view report_text) { return to_json(parse_report(report_text)); }

std::string summarize_json(std::string_view inputs_json, std::string_view texts) {
  auto fail = [](const std::string& why) {
    json e = object(1);
    put(e, "error", why);
    return dump(e);
  };
  json in = json::parse(inputs_json, nullptr, false);
  if (in.is_discarded() || !in.is_array()) return fail("summarizeReports expects a JSON array of inputs");
  std::vector<input> inputs;
  inputs.reserve(in.size());
  for (auto& e : in) {
    if (!e.is_object()) return fail("every input is an object {source, text} or {source, error, message}");
    input x;
    auto source = e.find("source");
    if (source == e.end() || !source->is_string()) return fail("an input has no source string");
    x.source = std::move(source->get_ref<std::string&>());
    auto text = e.find("text");
    auto error = e.find("error");
    auto offset = e.find("offset");
    auto length = e.find("length");
    if (text != e.end() && text->is_string()) {
      x.text = std::move(text->get_ref<std::string&>());
    } else if (offset != e.end() && length != e.end() && offset->is_number_unsigned() &&
               length->is_number_unsigned()) {
      const auto off = offset->get<std::uint64_t>();
      const auto len = length->get<std::uint64_t>();
      if (off > texts.size() || len > texts.size() - off) return fail("an input's offset and length lie outside the texts");
      x.text = std::string(texts.substr(static_cast<std::size_t>(off), static_cast<std::size_t>(len)));
    } else if (error != e.end() && error->is_string()) {
      code c{};
      if (!code_from_name(error->get_ref<const std::string&>(), c))
        return fail("an input's error is not a finding code: " + error->get_ref<const std::string&>());
      x.error = c;
      auto message = e.find("message");
      if (message != e.end() && message->is_string()) x.error_message = message->get_ref<const std::string&>();
    } else {
      return fail("an input has neither a text string, an offset and length, nor an error code");
    }
    inputs.push_back(std::move(x));
  }
  in = json();  // free the texts' copies before the aggregate is built
  return to_json(summarize(inputs));
}

std::string result_types_json() {
  json a = json::array();
  for (const auto& t : result_types()) a.push_back(type_info_json(t));
  return dump(a);
}

}  // namespace mtasts::tlsrpt
