/**
 * @file summarize.cpp
 * @brief The aggregate of many TLS-RPT reports: totals, and the same
 *        sessions by day, policy, organisation, and (failures only, as RFC
 *        8460 reports them) by MX host, result type and sending IP.
 *        docs/REPORTS.md says what each list holds and how it is sorted.
 */
#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "mtasts/policy.h"
#include "mtasts/report.h"
#include "internal.h"
#include "../text.h"

namespace mtasts::tlsrpt {

namespace {

const char* const not_reported = "(not reported)";

void add(counts& c, std::uint64_t ok, std::uint64_t failed) {
  c.successful = saturating_add(c.successful, ok);
  c.failed = saturating_add(c.failed, failed);
}

/** "MX1.Example.COM." -> "mx1.example.com"; without a name, the receiving-ip keyed the same way ("2001:DB8::A" ->
 * "2001:db8::a"), so one host is one row however a sender spelled it. */
std::string mx_name(const failure_detail& d) {
  for (const std::string* field : {&d.receiving_mx_hostname, &d.receiving_ip}) {
    std::string name = detail::lower(*field);
    while (!name.empty() && name.back() == '.') name.pop_back();
    if (!name.empty()) return name;
  }
  return not_reported;
}

/** Failed sessions of one group by result type: a short list (RFC 8460 has eleven types), searched in place. */
struct by_type {
  std::vector<type_count> types;
  std::uint64_t failed = 0;
  void add(const std::string& type, std::uint64_t n) {
    failed = saturating_add(failed, n);
    for (auto& t : types) {
      if (t.result_type == type) {
        t.failed = saturating_add(t.failed, n);
        return;
      }
    }
    types.push_back({type, n});
  }
  /** Most failed first; ties in name order. */
  std::vector<type_count> list() const {
    std::vector<type_count> out = types;
    std::sort(out.begin(), out.end(), [](const type_count& a, const type_count& b) {
      return a.failed != b.failed ? a.failed > b.failed : a.result_type < b.result_type;
    });
    return out;
  }
};

struct policy_acc {
  policy_row row;
  std::set<std::string> orgs;
};

/** What a sender's policy-string says, when it reads as a policy (the policy linter's reading). */
void read_applied_policy(policy_row& row) {
  if (row.policy_type != "sts" || row.policy_string.empty()) return;
  std::string body;
  for (const auto& line : row.policy_string) {
    body += line;
    body += '\n';
  }
  const auto linted = lint_policy(body);
  if (!linted.policy) return;
  switch (linted.policy->mode) {
    case policy_mode::enforce: row.mode = "enforce"; break;
    case policy_mode::testing: row.mode = "testing"; break;
    case policy_mode::none: row.mode = "none"; break;
  }
  row.mx = linted.policy->mx;
  row.max_age = linted.policy->max_age;
}

}  // namespace

summary summarize(const std::vector<input>& inputs) noexcept {
  summary s;
  std::map<std::pair<std::string, std::string>, std::string> seen;  // (organization, report-id) -> source
  std::map<std::string, counts> days;
  std::map<std::tuple<std::string, std::string, std::vector<std::string>>, policy_acc> policies;
  // Hashed: a large report lists tens of thousands of sending IPs; sorted once at the end.
  std::unordered_map<std::string, by_type> mxs, ips;
  std::map<std::string, std::pair<std::uint64_t, std::set<std::string>>> types;
  std::map<std::string, organization_row> orgs;

  s.files.reserve(inputs.size());
  for (const auto& in : inputs) {
    file_status f;
    f.source = in.source;
    if (in.error) {
      f.status = file_state::error;
      f.findings.push_back({*in.error, in.error_message});
      s.files.push_back(std::move(f));
      continue;
    }
    auto parsed = parse_report(in.text);
    f.findings = std::move(parsed.findings);
    if (!parsed.valid || !parsed.report) {
      f.status = file_state::unreadable;
      s.files.push_back(std::move(f));
      continue;
    }
    const report& r = *parsed.report;
    f.organization_name = r.organization_name;
    f.report_id = r.report_id;
    if (!r.report_id.empty()) {
      auto [it, fresh] = seen.emplace(std::make_pair(r.organization_name, r.report_id), in.source);
      if (!fresh) {
        f.status = file_state::duplicate;
        f.duplicate_of = it->second;
        f.findings.push_back({code::report_duplicate, "report-id " + detail::quote(r.report_id) + " from " +
                                                          detail::quote(r.organization_name) + " was already read from " +
                                                          it->second + "; it is counted once"});
        ++s.duplicates;
        s.files.push_back(std::move(f));
        continue;
      }
    }
    f.status = file_state::read;
    ++s.reports;

    const std::string day = r.start ? format_utc(*r.start, true) : std::string();
    if (r.start) s.period_start = s.period_start ? std::min(*s.period_start, *r.start) : *r.start;
    if (r.end || r.start) {
      const std::int64_t end = r.end ? std::max(*r.end, r.start.value_or(*r.end)) : *r.start;
      s.period_end = s.period_end ? std::max(*s.period_end, end) : end;
    }
    const std::string org_name = r.organization_name.empty() ? std::string(not_reported) : r.organization_name;
    auto& org = orgs[org_name];
    if (org.reports == 0) {
      org.organization_name = org_name;
      org.contact_info = r.contact_info;
    }
    ++org.reports;

    std::set<std::tuple<std::string, std::string, std::vector<std::string>>> policies_of_report;
    for (const auto& p : r.policies) {
      add(s.totals, p.total_successful_session_count, p.total_failure_session_count);
      add(org.c, p.total_successful_session_count, p.total_failure_session_count);
      if (!day.empty()) add(days[day], p.total_successful_session_count, p.total_failure_session_count);

      auto key = std::make_tuple(p.policy_type, p.policy_domain, p.policy_string);
      auto& acc = policies[key];
      if (acc.row.reports == 0 && acc.row.c.successful == 0 && acc.row.c.failed == 0 && acc.orgs.empty()) {
        acc.row.policy_type = p.policy_type;
        acc.row.policy_domain = p.policy_domain;
        acc.row.policy_string = p.policy_string;
        read_applied_policy(acc.row);
      }
      add(acc.row.c, p.total_successful_session_count, p.total_failure_session_count);
      acc.orgs.insert(org_name);
      if (policies_of_report.insert(key).second) ++acc.row.reports;
      if (!day.empty()) {
        if (acc.row.first_day.empty() || day < acc.row.first_day) acc.row.first_day = day;
        if (acc.row.last_day.empty() || day > acc.row.last_day) acc.row.last_day = day;
      }

      for (const auto& d : p.failure_details) {
        const std::string type = d.result_type.empty() ? std::string(not_reported) : d.result_type;
        const std::string mx = mx_name(d);
        mxs[mx].add(type, d.failed_session_count);
        ips[d.sending_mta_ip.empty() ? std::string(not_reported) : d.sending_mta_ip].add(type, d.failed_session_count);
        auto& t = types[type];
        t.first = saturating_add(t.first, d.failed_session_count);
        t.second.insert(mx);
      }
    }
    s.files.push_back(std::move(f));
  }

  s.by_day.reserve(days.size());
  for (const auto& [day, c] : days) s.by_day.push_back({day, c});

  for (auto& [key, acc] : policies) {
    acc.row.organizations.assign(acc.orgs.begin(), acc.orgs.end());
    s.by_policy.push_back(std::move(acc.row));
  }
  std::stable_sort(s.by_policy.begin(), s.by_policy.end(), [](const policy_row& a, const policy_row& b) {
    return saturating_add(a.c.successful, a.c.failed) > saturating_add(b.c.successful, b.c.failed);
  });

  auto failed_first = [](const auto& a, const auto& b) { return a.failed > b.failed; };
  s.by_mx.reserve(mxs.size());
  for (const auto& [mx, acc] : mxs) s.by_mx.push_back({mx, acc.failed, acc.list()});
  std::sort(s.by_mx.begin(), s.by_mx.end(),
            [](const mx_row& a, const mx_row& b) { return a.failed != b.failed ? a.failed > b.failed : a.mx < b.mx; });
  s.by_sending_ip.reserve(ips.size());
  for (const auto& [ip, acc] : ips) s.by_sending_ip.push_back({ip, acc.failed, acc.list()});
  std::sort(s.by_sending_ip.begin(), s.by_sending_ip.end(),
            [](const ip_row& a, const ip_row& b) { return a.failed != b.failed ? a.failed > b.failed : a.ip < b.ip; });
  for (const auto& [type, acc] : types) {
    s.by_result_type.push_back(
        {type, acc.first, find_result_type(type), std::vector<std::string>(acc.second.begin(), acc.second.end())});
  }
  std::stable_sort(s.by_result_type.begin(), s.by_result_type.end(), failed_first);
  for (auto& [name, row] : orgs) s.by_organization.push_back(std::move(row));
  return s;
}

}  // namespace mtasts::tlsrpt
