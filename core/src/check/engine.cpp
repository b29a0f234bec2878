/**
 * @file engine.cpp
 * @brief The domain check (check.h): from the options and the observations
 *        so far, the requests still needed and the report (context.h says how
 *        one computation runs).
 *
 * Each observation recomputes everything from scratch. The inputs are small
 * (a dozen DNS messages, one policy of at most 64 KB), so this costs well
 * under a millisecond for a typical domain, and it keeps the engine free of
 * hidden state: the same observations always give the same report, whichever
 * order they came in.
 */
#include <algorithm>

#include "mtasts/grade.h"
#include "../text.h"
#include "context.h"

namespace mtasts::check {

using detail::context;

namespace {

/** Pending requests, timings, a stop, the grade and completeness. */
void finish(context& ctx, const std::vector<request>& requests) {
  report& rep = ctx.rep;
  for (const auto& r : requests) {
    const observation* o = ctx.find(r.id);
    if (o == nullptr) {
      rep.pending.push_back(r.id);
    } else {
      rep.timings.push_back(timing{r.id, o->elapsed_ms});
      rep.total_ms = std::max(rep.total_ms, o->at_ms);
    }
  }
  if (ctx.opt.aborted && !rep.pending.empty()) {
    rep.domain_findings.push_back(ctx.stopped(mtasts::detail::plural(rep.pending.size(), "request", "requests") +
                                              " had answered; the report is partial"));
    rep.pending.clear();
  }
  detail::find_cause(ctx);
  const grade_result g = grade_of(rep);
  rep.grade = g.grade;
  rep.grade_range = g.range;
  rep.grade_reason = g.reason;
  bool settled = rep.pending.empty();
  for (const auto& ch : rep.checks)
    if (ch.status == status::pending || ch.status == status::unknown) settled = false;
  for (const auto& f : rep.domain_findings)
    if (f.code == code::check_aborted || f.code == code::check_deadline) settled = false;
  // A grade left open for lack of observation is never a complete report.
  rep.complete = settled && !rep.grade_range;
}

/**
 * The policy host's TTL (check.h, ttl_info): the longer of the answers that
 * hold addresses, since either may still send a sender to the old host;
 * without addresses, the longer negative TTL; nullopt while either answer is
 * not known (it could hold an address).
 */
std::optional<std::uint32_t> policy_host_ttl(const detail::lookup& a, const detail::lookup& aaaa) {
  if (!a.exists() || !aaaa.exists()) {
    // A missing name (NXDOMAIN) is the same answer for both types.
    if (a.st == detail::lookup::state::nxdomain && aaaa.st == detail::lookup::state::nxdomain && a.ttl && aaaa.ttl)
      return std::max(*a.ttl, *aaaa.ttl);
    return std::nullopt;
  }
  const bool with_a = a.st == detail::lookup::state::records, with_aaaa = aaaa.st == detail::lookup::state::records;
  if (with_a != with_aaaa) return with_a ? a.ttl : aaaa.ttl;
  if (!a.ttl || !aaaa.ttl) return std::nullopt;
  return std::max(*a.ttl, *aaaa.ttl);
}

void compute(const state& s, std::vector<request>& requests, report& rep) {
  rep = report{};
  rep.input = s.options.input;
  rep.resolver = s.options.resolver;
  rep.host.kind = s.options.host;
  rep.host.observes = {"dns", "policy"};
  if (s.options.starttls) rep.host.observes.emplace_back("starttls");
  context ctx(s, requests, rep);

  const auto in = detail::check_input(s.options);
  ctx.domain = in.domain;
  rep.domain = in.domain;
  rep.domain_unicode = in.unicode;
  if (!in.problem.empty()) {
    rep.domain_findings.push_back(finding{code::domain_invalid, in.problem});
    const grade_result g = grade_of(rep);
    rep.grade_reason = g.reason;
    rep.complete = true;
    return;
  }
  if (in.idn)
    rep.domain_findings.push_back(finding{code::domain_idn, "Checked as " + in.domain + ", the A-label (ASCII) form of " +
                                                                mtasts::detail::quote(in.raw) +
                                                                ", which is what DNS, senders and the policy use."});

  // The first wave: every independent request at once.
  const std::string& d = ctx.domain;
  rep.ttl.mx = ctx.resolve(d, dns::rr_type::mx).ttl;
  rep.ttl.sts = ctx.resolve("_mta-sts." + d, dns::rr_type::txt).ttl;
  rep.ttl.tlsrpt = ctx.resolve("_smtp._tls." + d, dns::rr_type::txt).ttl;
  rep.ttl.policy_host = policy_host_ttl(ctx.resolve("mta-sts." + d, dns::rr_type::a),
                                        ctx.resolve("mta-sts." + d, dns::rr_type::aaaa));
  ctx.need_policy();

  for (const auto& row : detail::checks()) {
    if (row.needs_starttls && !s.options.starttls) continue;
    check_result c;
    c.id = std::string(row.id);
    c.title = std::string(row.title);
    row.run(ctx, c);
    rep.checks.push_back(std::move(c));
  }
  finish(ctx, requests);
}

}  // namespace

std::string_view status_name(status s) noexcept {
  switch (s) {
    case status::pass: return "pass";
    case status::warn: return "warn";
    case status::fail: return "fail";
    case status::info: return "info";
    case status::unknown: return "unknown";
    case status::pending: return "pending";
  }
  return "unknown";
}

domain_check::domain_check(options o) : domain_check(state{std::move(o), {}}) {}

domain_check::domain_check(state s) : state_(std::move(s)) { run(); }

void domain_check::observe(observation o) {
  state_.observations.push_back(std::move(o));
  run();
}

void domain_check::observe(std::vector<observation> many) {
  for (auto& o : many) state_.observations.push_back(std::move(o));
  run();
}

void domain_check::run() {
  requests_.clear();
  compute(state_, requests_, report_);
}

}  // namespace mtasts::check
