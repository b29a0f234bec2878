/**
 * @file report_json.cpp
 * @brief The versioned JSON report (schema 1). The only translation unit that
 *        includes nlohmann/json; it only builds and dumps (nothing here throws
 *        on our inputs: dump() replaces invalid UTF-8 instead of throwing).
 */
#include "mtasts/report_json.h"

#include <nlohmann/json.hpp>

namespace mtasts {
namespace {

using json = nlohmann::ordered_json;

json findings_json(const std::vector<finding>& findings) {
  json arr = json::array();
  for (const auto& f : findings) {
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
    arr.push_back(std::move(j));
  }
  return arr;
}

json extensions_json(const extension_list& ext) {
  // The list is already de-duplicated (first occurrence wins), so append to
  // the ordered map's underlying vector: o[k] = v would search it linearly
  // for every key, which is quadratic for a record of thousands of fields.
  json o = json::object();
  auto& items = o.get_ref<json::object_t&>();
  items.reserve(ext.size());
  for (const auto& [k, v] : ext) items.std::vector<json::object_t::value_type>::emplace_back(k, v);
  return o;
}

json envelope(std::string_view kind, bool valid, const std::vector<finding>& findings) {
  json j;
  j["schema"] = report_schema;
  j["kind"] = std::string(kind);
  j["valid"] = valid;
  j["findings"] = findings_json(findings);
  return j;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string to_json(const policy_result& r) {
  json j = envelope("policy", r.valid, r.findings);
  if (r.policy) {
    json p;
    p["version"] = r.policy->version;
    p["mode"] = std::string(mode_name(r.policy->mode));
    p["mx"] = r.policy->mx;
    p["max_age"] = r.policy->max_age;
    p["extensions"] = extensions_json(r.policy->extensions);
    j["policy"] = std::move(p);
  } else {
    j["policy"] = nullptr;
  }
  return dump(j);
}

std::string to_json(const sts_result& r) {
  json j = envelope("sts", r.valid, r.findings);
  if (r.record) {
    json rec;
    rec["id"] = r.record->id;
    rec["extensions"] = extensions_json(r.record->extensions);
    j["record"] = std::move(rec);
  } else {
    j["record"] = nullptr;
  }
  return dump(j);
}

std::string to_json(const tlsrpt_result& r) {
  json j = envelope("tlsrpt", r.valid, r.findings);
  if (r.record) {
    json rec;
    rec["rua"] = r.record->rua;
    rec["extensions"] = extensions_json(r.record->extensions);
    j["record"] = std::move(rec);
  } else {
    j["record"] = nullptr;
  }
  return dump(j);
}

}  // namespace mtasts
