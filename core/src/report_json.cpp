/**
 * @file report_json.cpp
 * @brief The versioned JSON report of the linters (schema 1), written with
 *        the small json_writer (nothing here throws but std::bad_alloc).
 */
#include "mtasts/report_json.h"

#include "json_writer.h"

namespace mtasts {
namespace {

using detail::json_writer;

void extensions(json_writer& w, const extension_list& ext) {
  // Already de-duplicated (the first occurrence wins), in order.
  w.begin_object();
  for (const auto& [k, v] : ext) w.key(k).value(v);
  w.end_object();
}

void envelope(json_writer& w, std::string_view kind, bool valid, const std::vector<finding>& findings) {
  w.begin_object();
  w.key("schema").value(report_schema);
  w.key("kind").value(kind);
  w.key("valid").value(valid);
  w.key("findings").begin_array();
  for (const auto& f : findings) w.finding(f);
  w.end_array();
}

}  // namespace

std::string to_json(const policy_result& r) {
  json_writer w;
  envelope(w, "policy", r.valid, r.findings);
  w.key("policy");
  if (r.policy) {
    w.begin_object();
    w.key("version").value(r.policy->version);
    w.key("mode").value(mode_name(r.policy->mode));
    w.key("mx").strings(r.policy->mx);
    w.key("max_age").value(r.policy->max_age);
    w.key("extensions");
    extensions(w, r.policy->extensions);
    w.end_object();
  } else {
    w.null();
  }
  return w.end_object().take();
}

std::string to_json(const sts_result& r) {
  json_writer w;
  envelope(w, "sts", r.valid, r.findings);
  w.key("record");
  if (r.record) {
    w.begin_object();
    w.key("id").value(r.record->id);
    w.key("extensions");
    extensions(w, r.record->extensions);
    w.end_object();
  } else {
    w.null();
  }
  return w.end_object().take();
}

std::string to_json(const tlsrpt_result& r) {
  json_writer w;
  envelope(w, "tlsrpt", r.valid, r.findings);
  w.key("record");
  if (r.record) {
    w.begin_object();
    w.key("rua").strings(r.record->rua);
    w.key("extensions");
    extensions(w, r.record->extensions);
    w.end_object();
  } else {
    w.null();
  }
  return w.end_object().take();
}

}  // namespace mtasts
