/**
 * @file plan.cpp
 * @brief The dated change plan (plan.h): four changes, each a chain of steps
 *        whose earliest safe times come from the live max_age and TTLs.
 *
 * Why each wait is what it is. A sender caches a policy for max_age seconds
 * from its fetch (RFC 8461 §3.2) and must keep using a cached, unexpired
 * policy whatever DNS and HTTPS say later (§3.3); it fetches again when it
 * sees a new id in the _mta-sts record (§3.1), which it SHOULD check daily
 * and MUST check before failing a delivery for good (§5.1), but nothing
 * obliges it to before the cached copy expires. So a change of the policy
 * reaches every sender only max_age after the old file stopped being served:
 * a copy fetched at that very instant t expires at t + max_age, and the step
 * that needs the old policy gone comes AFTER that instant. max_age is the
 * served policy's (the one in caches), capped at 31557600 (§3.2): a sender
 * that honours a larger value breaks the RFC, one that rejects the policy
 * caches nothing. Resolvers keep an answer for its TTL (the longest link of
 * a CNAME chain; a negative answer for the SOA's negative TTL, RFC 2308 §5).
 * The file always changes before the id (§8.1), so a sender that sees the
 * new id fetches the new file.
 *
 *  - testing → enforce: read TLS-RPT reports (published first, if missing:
 *    the first report covering a whole UTC day, RFC 8460 §4.1, comes after
 *    the day that follows the negative TTL of _smtp._tls); serve mode
 *    enforce, covering every MX host; new id. Senders that cached the
 *    testing policy keep it for max_age after the switch: only then does
 *    every sender enforce.
 *  - a new or replaced MX host: a sender with a cached policy that lacks the
 *    new host refuses it under enforce (§4, §5). So the policy listing old
 *    and new hosts comes first (new id), the MX records change only after
 *    every copy of the old policy has expired (max_age), and the old hosts'
 *    mx lines go only after the MX TTL (until then resolvers still send
 *    senders to the old hosts, which the policy must keep listing, and which
 *    must keep accepting mail). Under testing nothing is refused, and the
 *    same order keeps the reports clean; with mode none or no policy there
 *    is nothing to wait for but the MX TTL.
 *  - withdrawing (§8.3): serve mode none (keeping the mx lines: some
 *    senders reject a policy without one) with a short max_age, new id; the
 *    TXT record goes only after max_age (every copy of the old policy
 *    expired), and the policy host only after the _mta-sts TTL (a sender
 *    that still sees the record fetches the policy, and reports a failure if
 *    it is gone, §6).
 *  - moving the policy host: the new host serves the same policy with a
 *    certificate valid for mta-sts.<domain> (§3.3) before mta-sts.<domain>
 *    is repointed, and the old host keeps serving it for the TTL of the
 *    mta-sts answers (resolvers send senders to it until then). The policy
 *    and the id do not change, so max_age plays no part.
 *
 * Every time is rounded UP to the minute, and chained: a step's time assumes
 * the step it waits for was done at its own earliest time. A wait that rests
 * on a value not observed (a TTL, the max_age of a policy not read or not
 * valid) leaves that step, and every step after it, without a time, with the
 * reason; no value is ever assumed.
 */
#include "mtasts/plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "mtasts/limits.h"
#include "mtasts/mx_match.h"
#include "mtasts/report.h"
#include "text.h"

namespace mtasts::plan {

namespace {

using detail::lower;

constexpr double minute_ms = 60000;
constexpr double day_ms = 86400000;

std::string bare(std::string_view host) {
  std::string h = lower(host);
  if (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

double ceil_to(double t, double unit) { return std::ceil(t / unit) * unit; }

/** "604800 s (7 days)". */
std::string duration(std::uint64_t s) {
  std::string out = std::to_string(s) + " s";
  char buf[32];
  if (s >= 86400) {
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(s) / 86400);
    std::string d = buf;
    while (d.back() == '0') d.pop_back();
    if (d.back() == '.') d.pop_back();
    out += " (" + d + (d == "1" ? " day)" : " days)");
  } else if (s >= 3600 && s % 3600 == 0) {
    out += " (" + detail::plural(s / 3600, "hour", "hours") + ")";
  } else if (s >= 60 && s % 60 == 0) {
    out += " (" + detail::plural(s / 60, "minute", "minutes") + ")";
  }
  return out;
}

/** A time, or why it is not known. */
struct moment {
  std::optional<double> at;
  std::string unknown;
};

/** `base` + `seconds`, rounded up to the minute; unknown if either is. */
moment after(const moment& base, std::optional<std::uint64_t> seconds, const std::string& missing) {
  if (!base.at) return base;
  if (!seconds) return {std::nullopt, missing};
  return {ceil_to(*base.at + static_cast<double>(*seconds) * 1000, minute_ms), {}};
}

std::string ttl_missing(std::string_view answer) {
  return "the TTL of the " + std::string(answer) + " answer was not observed";
}

/** Fresh ids, distinct from each other and from the id published today. */
class ids {
 public:
  ids(double now, std::optional<std::string> current) : now_(now) {
    if (current) used_.insert(*current);
  }
  std::string next(const moment& m) {
    double t = m.at ? *m.at : now_;
    std::string id = fresh_id(t);
    while (used_.count(id) != 0) id = fresh_id(t += 1000);
    used_.insert(id);
    return id;
  }

 private:
  double now_;
  std::set<std::string> used_;
};

std::string policy_file(std::string_view mode, const std::vector<std::string>& mx, std::uint64_t max_age) {
  std::string t = "version: STSv1\nmode: " + std::string(mode) + "\n";
  for (const auto& p : mx) t += "mx: " + p + "\n";
  return t + "max_age: " + std::to_string(max_age) + "\n";
}

bool covers(const std::vector<std::string>& patterns, const std::string& host) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return mx_matches(p, host); });
}

/** What every change reads, worked out once. */
struct facts {
  const plan_input& in;
  double now;
  moment start;  // now, rounded up to the minute
  std::string url, sts_name;
  std::optional<std::uint64_t> max_age;  // capped
  std::string max_age_missing;           // why max_age is not known
  std::vector<std::string> mx;           // the MX hosts today, bare
};

class builder {
 public:
  builder(const facts& f, plan_change& c) : f_(f), c_(c) {}

  /** Adds a step at `m`; `first` says "from ... (now)". */
  plan_step& step(std::string text, const moment& m, std::string reason, bool first = false) {
    plan_step s;
    s.text = std::move(text);
    s.not_before = m.at;
    if (m.at) {
      s.when = (first ? "from " : "after ") + format_time(*m.at) + (first ? " (now)" : "");
      s.reason = std::move(reason);
    } else {
      s.when = "not known";
      s.reason = m.unknown;
    }
    c_.steps.push_back(std::move(s));
    return c_.steps.back();
  }
  void txt(plan_step& s, const std::string& name, const std::string& value) { s.records.push_back({"TXT", name, value}); }
  void file(plan_step& s, const std::string& text) { s.records.push_back({"policy", f_.url, text}); }
  /** The step that publishes a new id, right after the file of the step before. */
  void new_id(ids& gen, const moment& m) {
    auto& s = step("Publish the new id in the _mta-sts TXT record (replace the old record; keep one record only).", m,
                   "once the new file is served: the file before the id (RFC 8461 §8.1), so that a sender that sees "
                   "the new id fetches the new file");
    txt(s, f_.sts_name, "v=STSv1; id=" + gen.next(m));
  }

 private:
  const facts& f_;
  plan_change& c_;
};

std::string mode_of(const plan_input& in) { return std::string(mode_name(in.policy->mode)); }

// ---- testing → enforce ----------------------------------------------------------------------

plan_change enforce(const facts& f, ids& gen) {
  plan_change c{"enforce", "Move from testing to enforce", true, {}, {}, {}};
  const plan_input& in = f.in;
  if (!in.policy_observed) {
    c.applies = false;
    c.why = "The policy was not observed, so its mode is not known.";
    return c;
  }
  if (!in.policy) {
    c.applies = false;
    c.why = in.policy_invalid ? "The policy served today is not valid: fix it first, in mode testing."
                              : "No policy is served: set up MTA-STS in mode testing first (the fixes above).";
    return c;
  }
  if (in.policy->mode == policy_mode::enforce) {
    c.applies = false;
    c.why = "The policy is already in mode enforce.";
    return c;
  }
  if (in.policy->mode == policy_mode::none) {
    c.applies = false;
    c.why = "The policy is in mode none (MTA-STS is being withdrawn): serve mode testing first, then this change.";
    return c;
  }
  c.why = "Under enforce, senders do not deliver to an MX host that fails MX matching, STARTTLS or its "
          "certificate (RFC 8461 §5). The switch reaches every sender only when the testing policy has expired "
          "from their caches.";
  builder b(f, c);
  std::vector<std::string> mx = in.policy->mx;
  for (const auto& h : f.mx)
    if (!covers(mx, h)) {
      if (!is_host_name(h)) {
        c.warnings.push_back(h + " is not a host name, so no mx line can cover it: fix that MX record first.");
        continue;
      }
      c.warnings.push_back(h + " is not covered by any mx line today: under enforce senders would refuse it. "
                               "The enforce policy below adds mx: " + h + ".");
      mx.push_back(h);
    }
  moment read = f.start;
  if (!in.tlsrpt_record) {
    auto& s = b.step("Publish a TLS-RPT record, so that senders report the failures they meet (RFC 8460).", f.start,
                     "", true);
    b.txt(s, "_smtp._tls." + in.domain, "v=TLSRPTv1; rua=mailto:tlsrpt@" + in.domain);
    read = after(f.start, in.ttl.tlsrpt, ttl_missing("_smtp._tls"));
    if (read.at) read.at = ceil_to(*read.at, day_ms) + day_ms;
    b.step("Read the TLS-RPT reports and fix every MX host that fails.", read,
           "when resolvers have dropped their cached answer for _smtp._tls (" +
               (in.ttl.tlsrpt ? duration(*in.ttl.tlsrpt) : std::string()) +
               ") and the first report covering a whole UTC day (RFC 8460 §4.1) can be sent");
  } else {
    b.step("Read the TLS-RPT reports you receive and fix every MX host that fails; switch only when they show no "
           "failures.",
           f.start, "", true);
  }
  std::uint64_t max_age = std::min(in.policy->max_age, limits::max_age_max);
  std::string note;
  if (max_age < limits::max_age_week) {
    note = " (max_age raised from " + std::to_string(max_age) + " to two weeks: enforce needs a policy that lasts)";
    max_age = 2 * limits::max_age_week;
  }
  auto& s = b.step("Serve the policy in mode enforce" + note + ".", read, "once the reports show no failures");
  b.file(s, policy_file("enforce", mx, max_age));
  b.new_id(gen, read);
  b.step("From then on every sender that knows the policy enforces it; senders that cached the testing policy "
         "before the switch keep it until then. Watch the reports: a failure now means mail held back.",
         after(read, f.max_age, f.max_age_missing),
         "when every cached copy of the testing policy has expired (max_age " +
             (f.max_age ? duration(*f.max_age) : std::string()) + " after the enforce policy was served)");
  return c;
}

// ---- a new or replaced MX host -----------------------------------------------------------

plan_change migrate(const facts& f, ids& gen) {
  plan_change c{"mx", "Add or replace an MX host (a provider migration)", true, {}, {}, {}};
  const plan_input& in = f.in;
  builder b(f, c);
  std::vector<std::string> planned;
  for (const auto& p : in.planned_mx) {
    const std::string h = bare(p);
    if (h.empty() || std::find(planned.begin(), planned.end(), h) != planned.end()) continue;
    if (!is_host_name(h)) c.warnings.push_back(h + " is not a host name: an MX record names a host (RFC 5321 §5.1).");
    planned.push_back(h);
  }
  std::vector<std::string> added, removed;
  for (const auto& h : planned)
    if (std::find(f.mx.begin(), f.mx.end(), h) == f.mx.end()) added.push_back(h);
  if (!planned.empty())
    for (const auto& h : f.mx)
      if (std::find(planned.begin(), planned.end(), h) == planned.end()) removed.push_back(h);
  std::vector<plan_record> mx_records;
  for (std::size_t i = 0; i < planned.size(); ++i)
    mx_records.push_back({"MX", in.domain, std::to_string(10 * (i + 1)) + " " + planned[i] + "."});
  const std::string hint = planned.empty() ? " Type the planned MX hosts to get the records." : "";

  const bool policy = in.policy && in.policy->mode != policy_mode::none;
  std::vector<std::string> uncovered;
  for (const auto& h : planned) {
    if (!in.policy_observed || in.policy_invalid) {
      c.warnings.push_back("Whether the policy served today covers " + h + " is not known (the policy was not " +
                           (in.policy_invalid ? "valid)." : "observed)."));
    } else if (policy && !covers(in.policy->mx, h)) {
      uncovered.push_back(h);
      c.warnings.push_back(h + " is not covered by the policy served today: senders holding it would " +
                           (in.policy->mode == policy_mode::enforce ? "refuse" : "report failures for") +
                           " mail to " + h + ". Add its mx line first (step 1).");
    }
  }

  auto mx_step = [&](const moment& m, std::string reason, bool first) {
    auto& s = b.step("Change the MX records" + std::string(planned.empty() ? "" : " to these") +
                         " (each host with STARTTLS and a certificate valid for its name, RFC 8461 §4.2)." + hint,
                     m, std::move(reason), first);
    s.records = mx_records;
    return m;
  };
  auto keep_old = [&](const moment& mx_at) {
    return after(mx_at, in.ttl.mx, ttl_missing("MX"));
  };
  const std::string mx_ttl_reason =
      in.ttl.mx ? "when resolvers' cached copies of the old MX records have expired (TTL " + duration(*in.ttl.mx) + ")"
                : std::string();

  if (in.policy_observed && !in.policy_invalid && !policy) {
    c.why = in.policy ? "The policy is in mode none: senders apply no policy, so only the MX TTL matters."
                      : "No MTA-STS policy is served, so only the MX TTL matters.";
    const moment m = mx_step(f.start, "", true);
    if (!removed.empty() || planned.empty())
      b.step("Keep the old MX hosts accepting mail until then; then retire them.", keep_old(m), mx_ttl_reason);
    return c;
  }
  c.why = "A sender that cached a policy without the new host refuses that host under enforce (RFC 8461 §4, §5); "
          "the new mx lines must reach every sender's cache before the MX records change." +
          std::string(policy && in.policy->mode == policy_mode::testing
                          ? " In mode testing nothing is refused: the order keeps the TLS-RPT reports clean."
                          : "");
  std::vector<std::string> patterns = policy ? in.policy->mx : std::vector<std::string>{};
  const std::string mode = policy ? mode_of(in) : "enforce";
  const std::uint64_t max_age = f.max_age.value_or(0);
  moment mx_at = f.start;
  if (!policy || planned.empty() || !uncovered.empty()) {
    for (const auto& h : uncovered)
      if (is_host_name(h)) patterns.push_back(h);
    auto& s = b.step("Serve a policy that lists both the old and the new MX hosts." +
                         std::string(planned.empty() ? " Add an mx line for each new host." : ""),
                     f.start, "", true);
    if (policy && !planned.empty()) b.file(s, policy_file(mode, patterns, max_age));
    b.new_id(gen, f.start);
    mx_at = after(f.start, f.max_age, f.max_age_missing);
    mx_step(mx_at,
            "when every cached copy of the old policy, which lacks the new hosts, has expired (max_age " +
                (f.max_age ? duration(*f.max_age) : std::string()) + " after the new policy was served)",
            false);
  } else {
    mx_step(f.start, "the policy served today already covers every planned host", true);
  }
  if (!removed.empty() || planned.empty()) {
    const moment drop = keep_old(mx_at);
    std::vector<std::string> kept;
    for (const auto& p : patterns)
      if (std::any_of(planned.begin(), planned.end(), [&](const std::string& h) { return mx_matches(p, h); }))
        kept.push_back(p);
    auto& s = b.step("Keep the old MX hosts accepting mail until then; then remove their mx lines from the policy " +
                         std::string(removed.empty() ? "" : "(" + detail::join_and(removed) + ") ") +
                         "and retire them.",
                     drop,
                     mx_ttl_reason + ": until then senders may still be sent to the old hosts, which the policy "
                                     "must keep listing");
    if (policy && !planned.empty() && kept != patterns) {
      b.file(s, policy_file(mode, kept, max_age));
      b.new_id(gen, drop);
    }
  }
  return c;
}

// ---- withdrawing -------------------------------------------------------------------------

plan_change withdraw(const facts& f, ids& gen) {
  plan_change c{"withdraw", "Withdraw MTA-STS", true, {}, {}, {}};
  const plan_input& in = f.in;
  if (!in.sts_record && !in.policy && !in.policy_invalid && in.policy_observed) {
    c.applies = false;
    c.why = "MTA-STS is not published: there is nothing to withdraw.";
    return c;
  }
  c.why = "RFC 8461 §8.3: a policy in mode none with a new id replaces the cached ones as senders refresh; the "
          "records go only when every cached copy of the old policy has expired, or senders that still hold it "
          "would keep applying it.";
  builder b(f, c);
  moment none_at = f.start;
  moment gone;
  if (in.policy && in.policy->mode == policy_mode::none) {
    c.why += " Mode none is served already.";
    gone = {std::nullopt, "when mode none replaced the earlier policy, and that policy's max_age, are not known: "
                          "remove the records once that max_age has passed since the switch"};
  } else {
    auto& s = b.step("Serve mode none, keeping the mx lines (some senders reject a policy without one), with a "
                     "short max_age.",
                     f.start, "", true);
    std::vector<std::string> lines = in.policy ? in.policy->mx : std::vector<std::string>{};
    if (!in.policy)  // not read, or not valid: one line per MX host of today
      for (const auto& h : f.mx)
        if (is_host_name(h)) lines.push_back(h);
    if (in.policy || !lines.empty()) b.file(s, policy_file("none", lines, limits::max_age_withdraw));
    b.new_id(gen, f.start);
    gone = after(none_at, f.max_age, f.max_age_missing);
  }
  b.step("Delete the _mta-sts TXT record.", gone,
         "when every cached copy of the old policy has expired (max_age " +
             (f.max_age ? duration(*f.max_age) : std::string()) + " after mode none was served)");
  b.step("Stop serving the policy at mta-sts." + in.domain + " (its certificate may then lapse).",
         after(gone, in.ttl.sts, ttl_missing("_mta-sts")),
         in.ttl.sts ? "when resolvers' cached copies of the _mta-sts record have expired (TTL " + duration(*in.ttl.sts) +
                          "): a sender that still sees it fetches the policy, and reports a failure if it is gone "
                          "(RFC 8461 §6)"
                    : std::string());
  return c;
}

// ---- moving the policy host ----------------------------------------------------------------

plan_change move_host(const facts& f) {
  plan_change c{"policy_host", "Move the policy host", true, {}, {}, {}};
  const plan_input& in = f.in;
  const std::string host = "mta-sts." + in.domain;
  if (in.policy_observed && !in.policy && !in.policy_invalid) {
    c.applies = false;
    c.why = "No policy is served at " + host + ": there is nothing to move.";
    return c;
  }
  c.why = "While resolvers still hold the old address of " + host +
          ", senders reach the old host; both must serve the same policy with a certificate valid for " + host +
          " (RFC 8461 §3.3). Change neither the policy nor the id during the move. To shorten the wait, lower the "
          "TTL of " + host + " first, and wait its old TTL before step 2.";
  builder b(f, c);
  auto& s = b.step("Serve the same policy at the new host, with a certificate valid for " + host +
                       "; test it before repointing: curl --connect-to " + host + ":443:NEW-HOST:443 " + f.url,
                   f.start, "", true);
  if (in.policy && !in.policy_text.empty()) b.file(s, in.policy_text);
  b.step("Point " + host + " at the new host (its A/AAAA records, or a CNAME).", f.start,
         "once the new host serves the policy");
  b.step("Keep the old host serving the policy until then; then retire it.",
         after(f.start, in.ttl.policy_host, ttl_missing(host + " A/AAAA")),
         in.ttl.policy_host ? "when resolvers' cached addresses of " + host + " have expired (TTL " +
                                  duration(*in.ttl.policy_host) + ")"
                            : std::string());
  return c;
}

}  // namespace

std::string format_time(double ms) {
  const std::string t = tlsrpt::format_utc(static_cast<std::int64_t>(std::floor(ms / 1000)));
  return t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";  // "2026-12-16T09:00:00Z"
}

std::string fresh_id(double ms) {
  std::string id;
  for (char ch : tlsrpt::format_utc(static_cast<std::int64_t>(std::floor(ms / 1000))))
    if (detail::is_digit(ch)) id += ch;
  return id;
}

change_plan make_plan(const plan_input& in, double now_ms) {
  change_plan p;
  p.domain = in.domain;
  p.now = now_ms;
  p.ttl = in.ttl;
  facts f{in, now_ms, {ceil_to(now_ms, minute_ms), {}}, "https://mta-sts." + in.domain + "/.well-known/mta-sts.txt",
          "_mta-sts." + in.domain, std::nullopt, {}, {}};
  if (in.mx_kind != std::optional<std::string>("null"))
    for (const auto& h : in.mx) f.mx.push_back(bare(h));
  if (!in.policy_observed) {
    f.max_age_missing = "the policy was not observed, so its max_age is not known";
    p.warnings.push_back("The policy at " + f.url + " was not read" +
                         (in.policy_unobserved_why.empty() ? "" : " (" + in.policy_unobserved_why + ")") +
                         ", so no date that rests on its max_age can be given. Paste the policy in the page (or give "
                         "a relay), or run mtasts check " + in.domain + ", which reads it itself; then check again.");
  } else if (in.policy_invalid) {
    f.max_age_missing = "the policy served today is not valid, so how long senders keep an earlier one is not known "
                        "(at most 365.25 days, RFC 8461 §3.2)";
    p.warnings.push_back("The policy served today is not valid: senders ignore it and keep any earlier valid policy "
                         "for its max_age, which is not known here. Fix the policy first.");
  } else if (in.policy) {
    f.max_age = std::min(in.policy->max_age, limits::max_age_max);
    if (in.policy->max_age > limits::max_age_max)
      p.warnings.push_back("max_age " + std::to_string(in.policy->max_age) +
                           " is over RFC 8461's limit of 31557600 (365.25 days). Senders differ: some cap it at "
                           "31557600, others reject the whole policy. The dates use the cap; lower max_age to "
                           "31557600 or less.");
  } else {
    f.max_age_missing = "no policy is served";
  }
  p.max_age = f.max_age;
  // Each change stands alone (one is made at a time): its ids differ from today's and from each other.
  ids for_enforce(now_ms, in.sts_id), for_mx(now_ms, in.sts_id), for_withdraw(now_ms, in.sts_id);
  p.changes.push_back(enforce(f, for_enforce));
  p.changes.push_back(migrate(f, for_mx));
  p.changes.push_back(withdraw(f, for_withdraw));
  p.changes.push_back(move_host(f));
  return p;
}

// ---- reading a report ------------------------------------------------------------------------

void set_served_policy(plan_input& in, std::string_view text) {
  in.policy_text = std::string(text);
  auto r = lint_policy(text);
  if (r.valid) {
    in.policy = std::move(r.policy);
    return;
  }
  // A max_age over the limit makes the policy invalid here; some senders cap it instead (RFC 8461 §3.2).
  // Read it again with the first max_age at the cap, and keep the value served.
  std::string capped(text);
  std::size_t at = 0;
  while (at < capped.size()) {
    const std::size_t end = std::min(capped.find('\n', at), capped.size());
    if (capped.compare(at, 8, "max_age:") == 0) {
      std::size_t d = at + 8;
      while (d < end && detail::is_wsp(capped[d])) ++d;
      std::size_t e = d;
      std::uint64_t v = 0;
      while (e < end && detail::is_digit(capped[e])) v = std::min<std::uint64_t>(v * 10 + (capped[e++] - '0'), 1ull << 60);
      if (e > d && v > limits::max_age_max) {
        capped.replace(d, e - d, std::to_string(limits::max_age_max));
        auto again = lint_policy(capped);
        if (again.valid) {
          in.policy = std::move(again.policy);
          in.policy->max_age = v;
          return;
        }
      }
      break;
    }
    at = end + 1;
  }
  in.policy_invalid = true;
}

plan_input input_from_report(const check::report& r) {
  plan_input in;
  in.domain = r.domain;
  for (const auto& c : r.checks)
    if (c.id == "policy_fetch") {
      in.policy_observed = c.status != check::status::unknown && c.status != check::status::pending;
      if (!in.policy_observed) in.policy_unobserved_why = c.summary;
    }
  in.mx_kind = r.mx_kind;
  for (const auto& h : r.mx) in.mx.push_back(h.host);
  if (r.sts) {
    in.sts_record = r.sts->record;
    in.sts_id = r.sts->id;
  }
  if (r.tlsrpt && r.tlsrpt->valid) in.tlsrpt_record = r.tlsrpt->record;
  in.ttl = r.ttl;
  if (in.policy_observed) {
    if (r.policy) set_served_policy(in, r.policy->text);
    else if (in.sts_record) in.policy_invalid = true;  // a record, but no policy senders can fetch
  }
  return in;
}

// ---- the text --------------------------------------------------------------------------------

std::string plan_text(const change_plan& p) {
  auto ttl = [](const char* what, const std::optional<std::uint32_t>& t) {
    return std::string(what) + " " + (t ? std::to_string(*t) + " s" : std::string("not observed"));
  };
  std::string out = "MTA-STS change plan for " + p.domain + "\nMade " + format_time(p.now) +
                    " from the live data. max_age: " + (p.max_age ? duration(*p.max_age) : std::string("not known")) +
                    ". TTLs: " + ttl("MX", p.ttl.mx) + ", " + ttl("_mta-sts", p.ttl.sts) + ", " +
                    ttl("_smtp._tls", p.ttl.tlsrpt) + ", " + ttl("mta-sts", p.ttl.policy_host) +
                    " (as the resolver gave them: it counts a cached answer's TTL down, so where your zone's TTL "
                    "is longer, wait the difference).\nEach time is the earliest safe one, assuming every step "
                    "before it was done at its own earliest time.\n";
  for (const auto& w : p.warnings) out += "\n! " + w + "\n";
  int n = 0;
  for (const auto& c : p.changes) {
    out += "\n== " + std::to_string(++n) + ". " + c.title + (c.applies ? "" : " (does not apply)") + " ==\n" + c.why + "\n";
    for (const auto& w : c.warnings) out += "! " + w + "\n";
    int k = 0;
    for (const auto& s : c.steps) {
      out += "\nStep " + std::to_string(++k) + ", " + s.when + ": " + s.text + "\n";
      if (!s.reason.empty()) out += "  (" + s.reason + ")\n";
      for (const auto& r : s.records) {
        out += r.type == "policy" ? "  The file " + r.name + ":\n" : "  " + r.type + " record at " + r.name + ":\n";
        std::size_t at = 0;
        while (at < r.value.size()) {
          const std::size_t end = std::min(r.value.find('\n', at), r.value.size());
          out += "    " + r.value.substr(at, end - at) + "\n";
          at = end + 1;
        }
      }
    }
  }
  return out;
}

}  // namespace mtasts::plan
