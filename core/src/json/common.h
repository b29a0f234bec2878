/**
 * @file common.h
 * @brief Internal to the JSON mapping (json.h): the nlohmann/json type and
 *        the helpers both of its files use. Only core/src/json/ includes it.
 */
#ifndef MTASTS_SRC_JSON_COMMON_H
#define MTASTS_SRC_JSON_COMMON_H

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/records.h"

namespace mtasts::json_detail {

using json = nlohmann::ordered_json;
using members_t = std::vector<std::pair<const std::string, json>>;

/** json::dump(), compact, invalid UTF-8 as U+FFFD, into a string sized up front (it grows by doubling otherwise). */
std::string dump(const json& j, std::size_t size_hint = 1024);

/** An empty object with room for `n` members (each growth of the vector would move them all). */
inline json object(std::size_t n) {
  json o = json::object();
  static_cast<members_t&>(o.get_ref<json::object_t&>()).reserve(n);
  return o;
}

/** Appends a member to an object known not to hold `key` yet (no search: objects of thousands of extensions stay linear). */
inline void put(json& obj, std::string key, json value) {
  if (!obj.is_object()) obj = json::object();
  static_cast<members_t&>(obj.get_ref<json::object_t&>()).emplace_back(std::move(key), std::move(value));
}

template <class T>
json optional_value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json strings(const std::vector<std::string>& v);

/** The members of a finding (schema 1); with `check`, also the check it belongs to (null for none). */
json finding_json(const finding& f, const std::string* check = nullptr, bool with_check = false);

/** A finite double, or 0 (JSON has no NaN or infinity). */
inline double finite(double d) { return std::isfinite(d) ? d : 0.0; }

}  // namespace mtasts::json_detail

#endif
