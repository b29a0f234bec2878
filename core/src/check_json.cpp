/**
 * @file check_json.cpp
 * @brief step_json(): the domain check's state as JSON in, requests and
 *        report out, for native callers (the CLI, tests). The wasm boundary
 *        reads the state as a JS object instead (wasm/bindings.cpp), so this
 *        file, the only user of nlohmann's parser, stays out of the module.
 */
#include <nlohmann/json.hpp>

#include <string>

#include "mtasts/check.h"

namespace mtasts::check {
namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

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

template <class T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

std::string error_json(const std::string& what) { return dump(json{{"error", what}}); }

}  // namespace


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
    o.deadline = get_or<bool>(in, "deadline", false);
    o.total_timeout_ms = get_or<double>(in, "total_timeout_ms", o.total_timeout_ms);
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
