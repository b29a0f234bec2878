// Fuzzes the TLS-RPT report parser and the aggregation (report.h, RFC 8460 §4).
// The input is cut at each 0x1E byte (ASCII record separator) into the texts
// of several reports; a piece that starts with "!E" stands for a file the host
// could not open (report.container.*, chosen by its third byte). Every piece
// goes through parse_report(), all of them together through summarize(), and
// both results through to_json(). The whole input is parsed too, so a seed of
// one report is fuzzed as one.
//
// Invariants beyond "no crash, no leak, no undefined behaviour":
// - parse: valid exactly when a report is set, and exactly when no finding has
//   one of the four codes that reject a report (then that is the only finding);
//   every finding has a message and a report.* code (or lint.truncated);
// - the JSON of a result is JSON a strict parser accepts, and parse_json() gives the same bytes;
// - the normalised report (the "report" member) read again gives the same report;
// - summarize: one file per input, in order, named by its source; read, duplicate,
//   unreadable and error exactly as parse_report() and the host said; a duplicate
//   names an earlier source that was read with the same organisation and report-id;
//   reports and duplicates count them;
// - totals = the sum of byPolicy = the sum of byOrganization, and byDay <= totals
//   (a report whose start cannot be read is in no day); byMx, byResultType and
//   bySendingIp add up the same failure details; the orders of docs/REPORTS.md;
//   MX names are lower case without a final dot.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "mtasts/json.h"
#include "mtasts/report.h"

namespace tlsrpt = mtasts::tlsrpt;

namespace {

__extension__ typedef unsigned __int128 u128;  // sums that cannot overflow (GCC and clang)
constexpr u128 u64_max = std::numeric_limits<std::uint64_t>::max();

bool rejecting(mtasts::code c) {
  return c == mtasts::code::report_json_invalid || c == mtasts::code::report_json_not_object ||
         c == mtasts::code::report_policies_missing || c == mtasts::code::report_size_too_large;
}

void check_parse(std::string_view text, const tlsrpt::parse_result& r) {
  MTASTS_FUZZ_REQUIRE(r.valid == r.report.has_value(), text);
  bool rejected = false;
  for (const auto& f : r.findings) {
    MTASTS_FUZZ_REQUIRE(static_cast<std::size_t>(f.code) < mtasts::code_count(), text);
    MTASTS_FUZZ_REQUIRE(!f.message.empty(), text);
    const std::string_view name = mtasts::code_name(f.code);
    MTASTS_FUZZ_REQUIRE(name.substr(0, 7) == "report." || f.code == mtasts::code::lint_truncated, name);
    MTASTS_FUZZ_REQUIRE((f.line == 0) == (f.column == 0), f.message);
    rejected = rejected || rejecting(f.code);
  }
  MTASTS_FUZZ_REQUIRE(rejected == !r.valid, text);
  if (!r.valid) MTASTS_FUZZ_REQUIRE(r.findings.size() == 1, text);
}

bool same_report(const tlsrpt::report& a, const tlsrpt::report& b) {
  if (a.organization_name != b.organization_name || a.contact_info != b.contact_info || a.report_id != b.report_id ||
      a.start_datetime != b.start_datetime || a.end_datetime != b.end_datetime || a.start != b.start ||
      a.end != b.end || a.policies.size() != b.policies.size())
    return false;
  for (std::size_t i = 0; i < a.policies.size(); ++i) {
    const auto& p = a.policies[i];
    const auto& q = b.policies[i];
    if (p.policy_type != q.policy_type || p.policy_string != q.policy_string || p.policy_domain != q.policy_domain ||
        p.mx_host != q.mx_host || p.total_successful_session_count != q.total_successful_session_count ||
        p.total_failure_session_count != q.total_failure_session_count ||
        p.failure_details.size() != q.failure_details.size())
      return false;
    for (std::size_t k = 0; k < p.failure_details.size(); ++k) {
      const auto& d = p.failure_details[k];
      const auto& e = q.failure_details[k];
      if (d.result_type != e.result_type || d.sending_mta_ip != e.sending_mta_ip ||
          d.receiving_mx_hostname != e.receiving_mx_hostname || d.receiving_mx_helo != e.receiving_mx_helo ||
          d.receiving_ip != e.receiving_ip || d.failed_session_count != e.failed_session_count ||
          d.additional_information != e.additional_information || d.failure_reason_code != e.failure_reason_code)
        return false;
    }
  }
  return true;
}

/** Parses one text and checks everything said of one report above; returns the result. */
tlsrpt::parse_result parse_and_check(std::string_view text) {
  auto r = tlsrpt::parse_report(text);
  check_parse(text, r);
  const std::string j = tlsrpt::to_json(r);
  mtasts_fuzz::require_json(j);
  MTASTS_FUZZ_REQUIRE(tlsrpt::parse_json(text) == j, text);
  if (r.report) {
    const auto doc = nlohmann::json::parse(j, nullptr, false);
    MTASTS_FUZZ_REQUIRE(doc.is_object() && doc.contains("report"), j);
    const std::string again_text = doc["report"].dump();
    const auto again = tlsrpt::parse_report(again_text);
    MTASTS_FUZZ_REQUIRE(again.report.has_value(), again_text);
    MTASTS_FUZZ_REQUIRE(same_report(*r.report, *again.report), again_text);
  }
  return r;
}

const mtasts::code host_errors[] = {mtasts::code::report_container_unknown, mtasts::code::report_container_corrupt,
                                    mtasts::code::report_container_too_large, mtasts::code::report_container_empty};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  parse_and_check(body);

  // ---- several inputs ----
  std::vector<tlsrpt::input> inputs;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i < body.size() && body[i] != '\x1e') continue;
    tlsrpt::input in;
    in.source = "f" + std::to_string(inputs.size()) + ".json";
    const std::string_view piece = body.substr(start, i - start);
    if (piece.size() >= 2 && piece[0] == '!' && piece[1] == 'E') {
      in.error = host_errors[piece.size() > 2 ? static_cast<unsigned char>(piece[2]) % 4 : 0];
      in.error_message = in.source + " could not be opened";
    } else {
      in.text = std::string(piece);
    }
    inputs.push_back(std::move(in));
    start = i + 1;
    if (inputs.size() >= 16) break;
  }

  const auto s = tlsrpt::summarize(inputs);
  MTASTS_FUZZ_REQUIRE(s.files.size() == inputs.size(), body);
  std::uint64_t read = 0, duplicates = 0, failed_inputs = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& f = s.files[i];
    MTASTS_FUZZ_REQUIRE(f.source == inputs[i].source, f.source);
    if (inputs[i].error) {
      MTASTS_FUZZ_REQUIRE(f.status == tlsrpt::file_state::error, f.source);
      MTASTS_FUZZ_REQUIRE(f.findings.size() == 1 && f.findings[0].code == *inputs[i].error, f.source);
      ++failed_inputs;
      continue;
    }
    // (the whole input went through parse_and_check; each piece gets the cheaper checks, for speed)
    const auto r = tlsrpt::parse_report(inputs[i].text);
    check_parse(inputs[i].text, r);
    if (!r.valid) {
      MTASTS_FUZZ_REQUIRE(f.status == tlsrpt::file_state::unreadable, inputs[i].text);
      ++failed_inputs;
      continue;
    }
    MTASTS_FUZZ_REQUIRE(f.status == tlsrpt::file_state::read || f.status == tlsrpt::file_state::duplicate,
                        inputs[i].text);
    MTASTS_FUZZ_REQUIRE(f.organization_name == r.report->organization_name, f.source);
    MTASTS_FUZZ_REQUIRE(f.report_id == r.report->report_id, f.source);
    if (f.status == tlsrpt::file_state::duplicate) {
      ++duplicates;
      MTASTS_FUZZ_REQUIRE(!f.report_id.empty(), f.source);
      bool found = false;
      for (std::size_t k = 0; k < i; ++k) {
        const auto& e = s.files[k];
        if (e.source == f.duplicate_of && e.status == tlsrpt::file_state::read &&
            e.organization_name == f.organization_name && e.report_id == f.report_id)
          found = true;
      }
      MTASTS_FUZZ_REQUIRE(found, f.duplicate_of);
    } else {
      ++read;
      for (std::size_t k = 0; k < i; ++k) {
        const auto& e = s.files[k];
        MTASTS_FUZZ_REQUIRE(f.report_id.empty() || e.status != tlsrpt::file_state::read ||
                                e.organization_name != f.organization_name || e.report_id != f.report_id,
                            f.source);
      }
    }
  }
  MTASTS_FUZZ_REQUIRE(s.reports == read, body);
  MTASTS_FUZZ_REQUIRE(s.duplicates == duplicates, body);

  // ---- the sums (exact while nothing saturates) ----
  u128 day_ok = 0, day_failed = 0, pol_ok = 0, pol_failed = 0, org_ok = 0, org_failed = 0, org_reports = 0;
  for (const auto& d : s.by_day) day_ok += d.c.successful, day_failed += d.c.failed;
  for (const auto& p : s.by_policy) pol_ok += p.c.successful, pol_failed += p.c.failed;
  for (const auto& o : s.by_organization) org_ok += o.c.successful, org_failed += o.c.failed, org_reports += o.reports;
  MTASTS_FUZZ_REQUIRE(org_reports == s.reports, body);
  const bool saturated = s.totals.successful == u64_max || s.totals.failed == u64_max;
  if (!saturated) {
    MTASTS_FUZZ_REQUIRE(pol_ok == s.totals.successful && pol_failed == s.totals.failed, body);
    MTASTS_FUZZ_REQUIRE(org_ok == s.totals.successful && org_failed == s.totals.failed, body);
    MTASTS_FUZZ_REQUIRE(day_ok <= s.totals.successful && day_failed <= s.totals.failed, body);
  }
  u128 mx = 0, types = 0, ips = 0;
  bool any_max = false;
  for (const auto& m : s.by_mx) {
    mx += m.failed;
    any_max = any_max || m.failed == u64_max;
    MTASTS_FUZZ_REQUIRE(!m.mx.empty() && m.mx.back() != '.', m.mx);
    for (char c : m.mx) MTASTS_FUZZ_REQUIRE(!(c >= 'A' && c <= 'Z'), m.mx);
    u128 by_type = 0;
    for (const auto& t : m.result_types) by_type += t.failed;
    if (m.failed != u64_max) MTASTS_FUZZ_REQUIRE(by_type == m.failed, m.mx);
  }
  for (const auto& t : s.by_result_type) types += t.failed, any_max = any_max || t.failed == u64_max;
  for (const auto& p : s.by_sending_ip) ips += p.failed, any_max = any_max || p.failed == u64_max;
  if (!any_max) MTASTS_FUZZ_REQUIRE(mx == types && types == ips, body);

  // ---- the orders ----
  for (std::size_t i = 1; i < s.by_day.size(); ++i) MTASTS_FUZZ_REQUIRE(s.by_day[i - 1].day < s.by_day[i].day, body);
  for (const auto& d : s.by_day) MTASTS_FUZZ_REQUIRE(d.day.size() >= 10 && d.day[d.day.size() - 6] == '-', d.day);
  for (std::size_t i = 1; i < s.by_mx.size(); ++i) {
    const auto& a = s.by_mx[i - 1];
    const auto& b = s.by_mx[i];
    MTASTS_FUZZ_REQUIRE(a.failed > b.failed || (a.failed == b.failed && a.mx < b.mx), b.mx);
  }
  for (std::size_t i = 1; i < s.by_result_type.size(); ++i)
    MTASTS_FUZZ_REQUIRE(s.by_result_type[i - 1].failed >= s.by_result_type[i].failed, body);
  for (std::size_t i = 1; i < s.by_organization.size(); ++i)
    MTASTS_FUZZ_REQUIRE(s.by_organization[i - 1].organization_name < s.by_organization[i].organization_name, body);
  for (std::size_t i = 1; i < s.by_policy.size(); ++i) {
    const u128 a = u128(s.by_policy[i - 1].c.successful) + s.by_policy[i - 1].c.failed;
    const u128 b = u128(s.by_policy[i].c.successful) + s.by_policy[i].c.failed;
    MTASTS_FUZZ_REQUIRE(a >= b || a > u64_max || b > u64_max, body);
  }
  if (s.period_start && s.period_end) MTASTS_FUZZ_REQUIRE(*s.period_start <= *s.period_end, body);

  // ---- the JSON of the aggregate ----
  const std::string j = tlsrpt::to_json(s);
  mtasts_fuzz::require_json(j);
  const auto doc = nlohmann::json::parse(j, nullptr, false);
  MTASTS_FUZZ_REQUIRE(doc.is_object() && doc["files"].size() == inputs.size(), j);
  MTASTS_FUZZ_REQUIRE(doc["errors"].size() == failed_inputs, j);
  return 0;
}
