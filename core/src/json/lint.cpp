/**
 * @file lint.cpp
 * @brief The JSON mapping (json.h), part one: the linters' reports and the
 *        finding every report holds. Together with check.cpp
 *        the only code of the core that includes nlohmann/json.hpp.
 *
 * Writing: nlohmann::ordered_json, so members keep the order this file
 * gives them, dumped compact with invalid UTF-8 replaced by U+FFFD.
 *
 * This part runs on every lint call (a paste linted as it is typed), so it
 * is built for speed; check.cpp for size (core/CMakeLists.txt).
 */
#include "mtasts/json.h"

#include "mtasts/limits.h"
#include "common.h"

namespace mtasts {
namespace json_detail {

std::string dump(const json& j, std::size_t size_hint) {
  std::string out;
  out.reserve(size_hint);
  nlohmann::detail::serializer<json> s(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                                       json::error_handler_t::replace);
  s.dump(j, /*pretty_print=*/false, /*ensure_ascii=*/false, 0);
  return out;
}

json strings(const std::vector<std::string>& v) {
  json a = json::array();
  a.get_ref<json::array_t&>().reserve(v.size());
  for (const auto& s : v) a.push_back(s);
  return a;
}

json finding_json(const finding& f, const std::string* check, bool with_check) {
  json j = object(8);
  put(j, "code", std::string(code_name(f.code)));
  put(j, "severity", std::string(severity_name(code_severity(f.code))));
  put(j, "message", f.message);
  if (f.line != 0) {
    put(j, "line", f.line);
    put(j, "column", f.column);
  }
  if (!code_rfc(f.code).empty()) put(j, "rfc", std::string(code_rfc(f.code)));
  put(j, "fix", std::string(code_fix(f.code)));
  if (with_check) put(j, "check", check ? json(*check) : json(nullptr));
  return j;
}

}  // namespace json_detail

namespace {

using namespace json_detail;

json findings_json(const std::vector<finding>& findings) {
  json a = json::array();
  a.get_ref<json::array_t&>().reserve(findings.size());
  for (const auto& f : findings) a.push_back(finding_json(f));
  return a;
}

json extensions_json(const extension_list& ext) {
  // Already de-duplicated (the first occurrence wins), in order.
  json o = object(ext.size());
  for (const auto& [k, v] : ext) put(o, k, v);
  return o;
}

json lint_envelope(std::string_view kind, bool valid, const std::vector<finding>& findings) {
  json j = object(5);
  put(j, "schema", report_schema);
  put(j, "kind", std::string(kind));
  put(j, "valid", valid);
  put(j, "findings", findings_json(findings));
  return j;
}

/** A finite double, or 0 (JSON has no NaN or infinity). */
}  // namespace

std::string to_json(const policy_result& r) {
  json j = lint_envelope("policy", r.valid, r.findings);
  if (r.policy) {
    json p = object(5);
    put(p, "version", r.policy->version);
    put(p, "mode", std::string(mode_name(r.policy->mode)));
    put(p, "mx", strings(r.policy->mx));
    put(p, "max_age", r.policy->max_age);
    put(p, "extensions", extensions_json(r.policy->extensions));
    put(j, "policy", std::move(p));
  } else {
    put(j, "policy", nullptr);
  }
  return dump(j);
}

std::string to_json(const sts_result& r) {
  json j = lint_envelope("sts", r.valid, r.findings);
  if (r.record) {
    json rec = object(2);
    put(rec, "id", r.record->id);
    put(rec, "extensions", extensions_json(r.record->extensions));
    put(j, "record", std::move(rec));
  } else {
    put(j, "record", nullptr);
  }
  return dump(j);
}

std::string to_json(const tlsrpt_result& r) {
  json j = lint_envelope("tlsrpt", r.valid, r.findings);
  if (r.record) {
    json rec = object(2);
    put(rec, "rua", strings(r.record->rua));
    put(rec, "extensions", extensions_json(r.record->extensions));
    put(j, "record", std::move(rec));
  } else {
    put(j, "record", nullptr);
  }
  return dump(j);
}

}  // namespace mtasts
