/**
 * @file parse.cpp
 * @brief Reads one TLS-RPT report (RFC 8460 §4.4) from its JSON text.
 *
 * Tolerant by design: real reporters send counts as strings, leave out
 * policy-domain when they found no policy, add fields of their own. Each
 * deviation is a finding naming the field by its JSON path; only a text
 * that is not JSON, not an object, or has no `policies` array is rejected.
 *
 * nlohmann/json reads the text (its SAX interface, so that a syntax error
 * keeps its byte offset for a line and column); nothing here throws.
 */
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "mtasts/limits.h"
#include "mtasts/policy.h"
#include "mtasts/report.h"
#include "internal.h"
#include "../text.h"

namespace mtasts::tlsrpt {

namespace {

using json = nlohmann::ordered_json;
using detail::quote;

/**
 * Builds the DOM as nlohmann's json_sax_dom_parser does and keeps the
 * position of a syntax error, except for the elements of
 * policies[i].failure-details: those go straight to `sink` as the parser
 * meets them, member by member, and are never JSON values of the DOM. A
 * 10 MB report is 43,000 of them; building each as a DOM object (its keys,
 * its vector of members) and dropping it was a third of the time.
 *
 * The sink: detail_begin(); detail_member(key, value, policy, index) for
 * each member whose value is a scalar, or an empty container of the type the
 * value had (its contents are not read); detail_end(policy, index); and
 * bad_detail(value, policy, index) for an element that is not an object.
 */
template <class Sink>
class report_builder {
 public:
  report_builder(json& root, Sink& sink) : root_(root), sink_(sink) {}

  std::size_t error_at = 0;
  std::string error_what;
  bool failed = false;

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(json::number_integer_t v) { return value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value(v); }
  bool number_float(json::number_float_t v, const std::string&) { return value(v); }
  bool string(std::string& v) { return value(v); }  // a copy: moving would take the lexer's buffer, which then regrows for every token
  bool binary(json::binary_t&) { return false; }  // not produced by the JSON lexer
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool key(std::string& k) {
    if (in_detail_) {
      if (nested_ == 0) key_ = k;
      return true;
    }
    key_ = k;
    object_element_ = &(*stack_.back())[k];
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string&, const Exception& ex) {
    failed = true;
    error_at = position;
    error_what = ex.what();
    return false;
  }

 private:
  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    *object_element_ = std::move(v);
    return object_element_;
  }

  template <class V>
  bool value(V&& v) {
    if (in_detail_) {
      if (nested_ == 0) {
        json x(std::forward<V>(v));
        sink_.detail_member(key_, x, policy_index(), detail_index_);
      }
      return true;
    }
    if (stack_.size() == 4 && details_open_) {  // a failure detail that is not an object
      json x(std::forward<V>(v));
      sink_.bad_detail(x, policy_index(), detail_index_++);
      return true;
    }
    place(json(std::forward<V>(v)));
    return true;
  }

  bool open(json::value_t t) {
    if (in_detail_) {  // a container as a member's value: its type is what is read
      if (nested_++ == 0) nested_type_ = t;
      return true;
    }
    const std::size_t level = stack_.size();
    if (level == 4 && details_open_ && t == json::value_t::object) {
      in_detail_ = true;
      nested_ = 0;
      sink_.detail_begin();
      return true;
    }
    if (level == 1 && t == json::value_t::array && key_ == "policies" && stack_[0]->is_object()) policies_open_ = true;
    if (level == 3 && t == json::value_t::array && key_ == "failure-details" && policies_open_ &&
        stack_[2]->is_object()) {
      details_open_ = true;
      detail_index_ = 0;
    }
    stack_.push_back(place(json(t)));
    return true;
  }

  bool close() {
    if (in_detail_) {
      if (nested_ > 0) {
        if (--nested_ == 0) {
          json x(nested_type_);
          sink_.detail_member(key_, x, policy_index(), detail_index_);
        }
        return true;
      }
      in_detail_ = false;  // the detail object itself ends
      sink_.detail_end(policy_index(), detail_index_++);
      return true;
    }
    const std::size_t level = stack_.size() - 1;
    if (level == 4 && details_open_) {  // an array as a failure detail, complete
      sink_.bad_detail(*stack_.back(), policy_index(), detail_index_++);
      stack_.pop_back();
      stack_.back()->get_ref<json::array_t&>().pop_back();
      return true;
    }
    if (level == 3) details_open_ = false;
    if (level == 1) policies_open_ = false;
    stack_.pop_back();
    return true;
  }

  std::size_t policy_index() const { return stack_[1]->size() - 1; }

  json& root_;
  Sink& sink_;
  std::vector<json*> stack_;
  json* object_element_ = nullptr;
  std::string key_;
  bool policies_open_ = false;
  bool details_open_ = false;
  std::size_t detail_index_ = 0;
  bool in_detail_ = false;
  std::size_t nested_ = 0;
  json::value_t nested_type_ = json::value_t::null;
};

/** "syntax error while parsing value - invalid literal" out of nlohmann's "[json.exception...] parse error at line 1, column 2: syntax error ...; last read: 'x'". */
std::string reason_of(const std::string& what) {
  std::string_view w = what;
  const auto colon = w.find(": ");
  if (colon != std::string_view::npos) w.remove_prefix(colon + 2);
  const auto last = w.find("; last read");
  if (last != std::string_view::npos) w = w.substr(0, last);
  return std::string(w);
}

/** 1-based line and code-point column of byte `off` (LF, CRLF or CR end lines). */
std::pair<std::uint32_t, std::uint32_t> position_of(std::string_view text, std::size_t off) {
  off = std::min(off, text.size());
  std::uint32_t line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < off; ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
      start = i + 1;
    }
  }
  return {line, detail::column_at(text.substr(start), off - start)};
}

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::binary: return "binary";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

class reader {
 public:
  explicit reader(capped_findings& out) : out_(out) {}

  /**
   * A string member: "" when absent (with a finding if required) or of another type. From a value about to be
   * dropped (a failure detail, non-const) the string is moved out rather than copied.
   */
  template <class J>
  std::string str(J& obj, const std::string& path, const char* name, bool required) {
    const auto it = obj.find(name);
    if (it == obj.end()) {
      if (required) out_.add(code::report_field_missing, path_of(path, name) + " is missing");
      return {};
    }
    return str_value(*it, path, name, required);
  }

  /** The value of a string member (see str); moved out of a value about to be dropped. */
  template <class J>
  std::string str_value(J& v, const std::string& path, const char* name, bool required) {
    if (v.is_null()) {
      if (required) out_.add(code::report_field_missing, path_of(path, name) + " is null");
      return {};
    }
    if (!v.is_string()) {
      out_.add(code::report_field_type, path_of(path, name) + " is " + type_name(v) + ", not a string; it is left out");
      return {};
    }
    if constexpr (std::is_const_v<J>) {
      return v.template get_ref<const std::string&>();
    } else {
      return std::move(v.template get_ref<std::string&>());
    }
  }

  /** A count member; 0 when absent, of another type, negative or not whole (each with its finding). */
  std::uint64_t count(const json& obj, const std::string& path, const char* name) {
    const auto it = obj.find(name);
    if (it == obj.end()) {
      out_.add(code::report_field_missing, path_of(path, name) + " is missing; counted as 0");
      return 0;
    }
    return count_value(*it, path, name);
  }

  /** The value of a count member (see count). */
  std::uint64_t count_value(const json& v, const std::string& path, const char* name) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();  // the common case, first
    const std::string where = path_of(path, name);
    if (v.is_number_integer()) {
      out_.add(code::report_count_negative,
               where + " is " + std::to_string(v.get<std::int64_t>()) + ", a negative count; it is left out");
      return 0;
    }
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (d >= 0 && d < 9007199254740992.0 && d == static_cast<double>(static_cast<std::uint64_t>(d)))
        return static_cast<std::uint64_t>(d);
      if (d < 0) {
        out_.add(code::report_count_negative, where + " is " + v.dump() + ", a negative count; it is left out");
      } else {
        out_.add(code::report_count_invalid, where + " is " + v.dump() + ", not a whole number; it is left out");
      }
      return 0;
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      std::string_view t = s;
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      bool negative = false;
      if (!t.empty() && t.front() == '-') {
        negative = true;
        t.remove_prefix(1);
      }
      std::uint64_t n = 0;
      bool ok = !t.empty() && t.size() <= 19;
      for (char c : t) {
        if (!detail::is_digit(c)) {
          ok = false;
          break;
        }
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (ok && negative && n != 0) {
        out_.add(code::report_count_negative, where + " is the string " + quote(s) + ", a negative count; it is left out");
        return 0;
      }
      if (ok) {
        out_.add(code::report_count_string, where + " is the string " + quote(s) + ", not a number; read as " +
                                                std::to_string(n));
        return n;
      }
      out_.add(code::report_count_invalid, where + " is the string " + quote(s) + ", not a count; it is left out");
      return 0;
    }
    out_.add(code::report_field_type, where + " is " + type_name(v) + ", not a count; it is left out");
    return 0;
  }

  /** An array of strings; a lone string is read as a one-element array (with a finding). */
  std::vector<std::string> strings(const json& obj, const std::string& path, const char* name) {
    std::vector<std::string> out;
    const auto it = obj.find(name);
    if (it == obj.end()) return out;
    const std::string where = path_of(path, name);
    if (it->is_string()) {
      out_.add(code::report_field_single_string, where + " is a string, not an array of strings; read as one element");
      out.push_back(it->get_ref<const std::string&>());
      return out;
    }
    if (!it->is_array()) {
      out_.add(code::report_field_type, where + " is " + type_name(*it) + ", not an array of strings; it is left out");
      return out;
    }
    out.reserve(it->size());
    std::size_t i = 0;
    for (const auto& e : *it) {
      if (e.is_string()) {
        out.push_back(e.get_ref<const std::string&>());
      } else {
        out_.add(code::report_field_type,
                 where + "[" + std::to_string(i) + "] is " + type_name(e) + ", not a string; it is left out");
      }
      ++i;
    }
    return out;
  }

  /** Members RFC 8460 does not define, once per distinct path (array indexes written []). */
  void unknown_members(const json& obj, const std::string& path, std::initializer_list<std::string_view> known) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(known.begin(), known.end(), std::string_view(it.key())) != known.end()) continue;
      std::string generic = generic_path(path_of(path, it.key().c_str()));
      if (!unknown_seen_.insert(generic).second) continue;
      out_.add(code::report_field_unknown, generic + " is not a field of RFC 8460; it is ignored");
    }
  }

  /** One member RFC 8460 does not define, said once per generic path ("policies[].failure-details[].x"). */
  void unknown_member(std::string generic) {
    if (!unknown_seen_.insert(generic).second) return;
    out_.add(code::report_field_unknown, generic + " is not a field of RFC 8460; it is ignored");
  }

  static std::string path_of(const std::string& path, const char* name) {
    return path.empty() ? std::string(name) : path + "." + name;
  }

 private:
  /** "policies[3].policy.x" -> "policies[].policy.x" */
  static std::string generic_path(const std::string& p) {
    std::string out;
    out.reserve(p.size());
    bool in_index = false;
    for (char c : p) {
      if (c == '[') {
        in_index = true;
        out += "[]";
      } else if (c == ']') {
        in_index = false;
      } else if (!in_index) {
        out += c;
      }
    }
    return out;
  }

  capped_findings& out_;
  std::set<std::string> unknown_seen_;
};

void read_date_range(const json& root, reader& rd, capped_findings& out, report& r) {
  const auto it = root.find("date-range");
  if (it == root.end()) {
    out.add(code::report_field_missing, "date-range is missing; the report cannot be placed on a day");
    return;
  }
  if (!it->is_object()) {
    out.add(code::report_field_type, "date-range is " + type_name(*it) + ", not an object; it is left out");
    return;
  }
  r.start_datetime = rd.str(*it, "date-range", "start-datetime", true);
  r.end_datetime = rd.str(*it, "date-range", "end-datetime", true);
  rd.unknown_members(*it, "date-range", {"start-datetime", "end-datetime"});
  auto read_one = [&](const std::string& text, const char* name, std::optional<std::int64_t>& into) {
    const auto field = it->find(name);
    if (field == it->end() || !field->is_string()) return;  // said above
    bool no_offset = false;
    into = parse_rfc3339(text, &no_offset);
    if (into && no_offset) {
      out.add(code::report_date_no_offset, std::string("date-range.") + name + " is " + quote(text) +
                                               ", without Z or a time offset; read as UTC");
    }
    if (!into) {
      out.add(code::report_date_invalid, std::string("date-range.") + name + " is " + quote(text) +
                                             ", not an RFC 3339 date-time (2026-11-30T00:00:00Z)");
    }
  };
  read_one(r.start_datetime, "start-datetime", r.start);
  read_one(r.end_datetime, "end-datetime", r.end);
  if (r.start && r.end) {
    if (*r.end < *r.start) {
      out.add(code::report_date_range_reversed, "date-range ends (" + r.end_datetime + ") before it starts (" +
                                                    r.start_datetime + "); it is placed on the day it starts");
    } else if (*r.end - *r.start > 86400) {
      const std::int64_t hours = (*r.end - *r.start) / 3600;
      out.add(code::report_date_range_long, "date-range covers " + std::to_string(hours) +
                                                " hours; it is counted on the day it starts (" +
                                                format_utc(*r.start, true) + ")");
    }
  }
}

/**
 * Reads failure details member by member, as report_builder meets them
 * (RFC 8460 §4.4: result-type and failed-session-count required, the rest
 * optional strings), into the details of each policy.
 */
class detail_reader {
 public:
  detail_reader(reader& rd, capped_findings& out) : rd_(rd), out_(out) {}

  std::vector<std::vector<failure_detail>> per_policy;

  void detail_begin() {
    cur_ = failure_detail{};
    path_.clear();
    has_type_ = has_count_ = false;
  }

  void detail_member(const std::string& key, json& v, std::size_t policy, std::size_t index) {
    const std::string& path = path_of(policy, index);
    if (key == "result-type") {
      has_type_ = true;
      cur_.result_type = rd_.str_value(v, path, "result-type", true);
      if (!cur_.result_type.empty() && !find_result_type(cur_.result_type)) {
        out_.add(code::report_result_type_unknown,
                 path + ".result-type is " + quote(cur_.result_type) + ", not one of the result types of RFC 8460 §4.3");
      }
    } else if (key == "failed-session-count") {
      has_count_ = true;
      cur_.failed_session_count = rd_.count_value(v, path, "failed-session-count");
    } else if (key == "sending-mta-ip") {
      cur_.sending_mta_ip = rd_.str_value(v, path, "sending-mta-ip", false);
    } else if (key == "receiving-mx-hostname") {
      cur_.receiving_mx_hostname = rd_.str_value(v, path, "receiving-mx-hostname", false);
    } else if (key == "receiving-mx-helo") {
      cur_.receiving_mx_helo = rd_.str_value(v, path, "receiving-mx-helo", false);
    } else if (key == "receiving-ip") {
      cur_.receiving_ip = rd_.str_value(v, path, "receiving-ip", false);
    } else if (key == "additional-information") {
      cur_.additional_information = rd_.str_value(v, path, "additional-information", false);
    } else if (key == "failure-reason-code") {
      cur_.failure_reason_code = rd_.str_value(v, path, "failure-reason-code", false);
    } else {
      rd_.unknown_member("policies[].failure-details[]." + key);
    }
  }

  void detail_end(std::size_t policy, std::size_t index) {
    if (!has_type_) out_.add(code::report_field_missing, path_of(policy, index) + ".result-type is missing");
    if (!has_count_) {
      out_.add(code::report_field_missing, path_of(policy, index) + ".failed-session-count is missing; counted as 0");
    }
    if (per_policy.size() <= policy) per_policy.resize(policy + 1);
    per_policy[policy].push_back(std::move(cur_));
  }

  void bad_detail(const json& v, std::size_t policy, std::size_t index) {
    if (per_policy.size() <= policy) per_policy.resize(policy + 1);
    out_.add(code::report_field_type, path_of(policy, index) + " is " + type_name(v) + ", not an object; it is left out");
  }

 private:
  /** "policies[0].failure-details[12]", made once per detail and only when a member is read. */
  const std::string& path_of(std::size_t policy, std::size_t index) {
    if (path_.empty()) {
      path_ = "policies[" + std::to_string(policy) + "].failure-details[" + std::to_string(index) + "]";
    }
    return path_;
  }

  reader& rd_;
  capped_findings& out_;
  failure_detail cur_;
  std::string path_;
  bool has_type_ = false;
  bool has_count_ = false;
};

/** One element of policies; its failure details were read while the text was parsed (`streamed`). */
void read_policy(const json& e, const std::string& path, std::vector<failure_detail>&& streamed, reader& rd,
                 capped_findings& out, report& r) {
  policy_entry p;
  const auto pol = e.find("policy");
  const std::string ppath = path + ".policy";
  if (pol == e.end()) {
    out.add(code::report_field_missing, ppath + " is missing; its sessions still count");
  } else if (!pol->is_object()) {
    out.add(code::report_field_type, ppath + " is " + type_name(*pol) + ", not an object; it is left out");
  } else {
    p.policy_type = rd.str(*pol, ppath, "policy-type", true);
    const bool no_policy = p.policy_type == "no-policy-found";
    if (!p.policy_type.empty() && p.policy_type != "sts" && p.policy_type != "tlsa" && !no_policy) {
      out.add(code::report_policy_type_unknown,
              ppath + ".policy-type is " + quote(p.policy_type) + ", not sts, tlsa or no-policy-found");
    }
    p.policy_string = rd.strings(*pol, ppath, "policy-string");
    if (pol->find("policy-string") == pol->end() && !no_policy) {
      out.add(code::report_policy_string_missing,
              ppath + ".policy-string is missing: the report does not say which version of the policy was applied");
    }
    if (pol->find("policy-domain") == pol->end()) {
      if (no_policy) {
        out.add(code::report_policy_domain_omitted,
                ppath + ".policy-domain is missing, as reporters often send it when they found no policy");
      } else {
        out.add(code::report_policy_domain_missing, ppath + ".policy-domain is missing");
      }
    } else {
      p.policy_domain = rd.str(*pol, ppath, "policy-domain", false);
    }
    p.mx_host = rd.strings(*pol, ppath, "mx-host");
    rd.unknown_members(*pol, ppath, {"policy-type", "policy-string", "policy-domain", "mx-host"});
  }

  const auto sum = e.find("summary");
  const std::string spath = path + ".summary";
  if (sum == e.end()) {
    out.add(code::report_field_missing, spath + " is missing; this policy counts no session");
  } else if (!sum->is_object()) {
    out.add(code::report_field_type, spath + " is " + type_name(*sum) + ", not an object; it is left out");
  } else {
    p.total_successful_session_count = rd.count(*sum, spath, "total-successful-session-count");
    p.total_failure_session_count = rd.count(*sum, spath, "total-failure-session-count");
    rd.unknown_members(*sum, spath, {"total-successful-session-count", "total-failure-session-count"});
  }

  const auto fd = e.find("failure-details");
  if (fd != e.end()) {
    if (!fd->is_array()) {
      out.add(code::report_field_type,
              path + ".failure-details is " + type_name(*fd) + ", not an array; it is left out");
    } else {
      p.failure_details = std::move(streamed);
    }
  }
  rd.unknown_members(e, path, {"policy", "summary", "failure-details"});

  std::uint64_t detailed = 0;
  for (const auto& d : p.failure_details) detailed = saturating_add(detailed, d.failed_session_count);
  if (sum != e.end() && sum->is_object() && detailed != p.total_failure_session_count &&
      !(detailed == 0 && p.failure_details.empty() && fd == e.end() && p.total_failure_session_count == 0)) {
    out.add(code::report_summary_mismatch,
            path + ": the failure details add up to " + std::to_string(detailed) +
                " failed sessions, the summary says " + std::to_string(p.total_failure_session_count) +
                "; the totals use the summary");
  }
  r.policies.push_back(std::move(p));
}

}  // namespace

parse_result parse_report(std::string_view text) noexcept {
  parse_result res;
  capped_findings out;
  if (text.size() > limits::report_max_bytes) {
    out.add(code::report_size_too_large, "the report is " + std::to_string(text.size()) + " bytes, over the limit of " +
                                             std::to_string(limits::report_max_bytes) + " bytes; it is not read");
    res.findings = out.take();
    return res;
  }
  reader rd(out);
  detail_reader details(rd, out);  // the failure details, read as the parser meets them
  json root;
  report_builder<detail_reader> sax(root, details);
  json::sax_parse(text, &sax, nlohmann::detail::input_format_t::json, true, false);
  if (sax.failed || root.is_discarded()) {
    const auto [line, column] = position_of(text, sax.error_at > 0 ? sax.error_at - 1 : 0);
    std::string what = text.empty() ? std::string("the text is empty") : reason_of(sax.error_what);
    capped_findings only;  // what the details said before the syntax error is moot
    only.add(code::report_json_invalid, "not JSON: " + what, line, column);
    res.findings = only.take();
    return res;
  }
  if (!root.is_object()) {
    out.add(code::report_json_not_object, "the JSON text is " + type_name(root) + ", not a report object");
    res.findings = out.take();
    return res;
  }
  const auto pols = root.find("policies");
  if (pols == root.end() || !pols->is_array()) {
    out.add(code::report_policies_missing,
            pols == root.end() ? std::string("policies is missing: this is not a TLS-RPT report")
                               : "policies is " + type_name(*pols) + ", not an array: the report holds no sessions");
    res.findings = out.take();
    return res;
  }
  report r;
  r.organization_name = rd.str(root, "", "organization-name", true);
  read_date_range(root, rd, out, r);
  r.contact_info = rd.str(root, "", "contact-info", true);
  r.report_id = rd.str(root, "", "report-id", false);
  if (root.find("report-id") == root.end()) {
    out.add(code::report_field_missing, "report-id is missing: a second copy of this report could not be told apart and would be counted again");
  }
  if (pols->empty()) out.add(code::report_policies_empty, "policies is an empty array: the report counts no session");
  r.policies.reserve(pols->size());
  std::size_t i = 0;
  for (const auto& e : *pols) {
    const std::string path = "policies[" + std::to_string(i++) + "]";
    if (!e.is_object()) {
      out.add(code::report_field_type, path + " is " + type_name(e) + ", not an object; it is left out");
      continue;
    }
    auto& streamed = details.per_policy;
    read_policy(e, path, i - 1 < streamed.size() ? std::move(streamed[i - 1]) : std::vector<failure_detail>{}, rd, out,
                r);
  }
  rd.unknown_members(root, "", {"organization-name", "date-range", "contact-info", "report-id", "policies"});
  res.valid = true;
  res.report = std::move(r);
  res.findings = out.take();
  return res;
}

}  // namespace mtasts::tlsrpt
