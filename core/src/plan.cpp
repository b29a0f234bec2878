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
 * served policy's (the one in caches), over RFC 8461's limit of 31557600
 * (§3.2) too: maddy, mox and KumoMTA keep such a policy for all of it
 * (docs/SENDERS.md), so the dates count the longest any sender keeps it. Resolvers keep an answer for its TTL (the longest link of
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

#include "mtasts/limits.h"
#include "mtasts/mx_match.h"
#include "hostname.h"
#include "text.h"

namespace mtasts::plan {

namespace {

using detail::host_key;

constexpr double minute_ms = 60000;
constexpr double day_ms = 86400000;

double ceil_to(double t, double unit) { return std::ceil(t / unit) * unit; }

/** "604800 s (7 days)", "31557600 s (365.25 days)". (No printf: it would cost the module its float formatting.) */
std::string duration(std::uint64_t s) {
  std::string out = std::to_string(s) + " s";
  if (s >= 86400) {
    const std::uint64_t hundredths = (s * 100 + 43200) / 86400;
    std::string d = std::to_string(hundredths / 100);
    if (const auto frac = hundredths % 100; frac != 0)
      d += "." + std::string(frac < 10 ? "0" : "") + std::to_string(frac % 10 == 0 ? frac / 10 : frac);
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

/**
 * `text` with each "{}" replaced by the next of `args`: one call where a chain
 * of + would inline an allocation per piece (the module pays for each).
 */
[[gnu::noinline]] std::string fill(std::string_view text, std::initializer_list<std::string_view> args) {
  std::string out;
  auto arg = args.begin();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '}' && arg != args.end()) {
      out += *arg++;
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** duration(), or "" when not known (the text using it is then not shown). */
template <class T>
std::string duration_of(const std::optional<T>& s) {
  return s ? duration(*s) : std::string();
}

std::string ttl_missing(std::string_view answer) { return fill("the TTL of the {} answer was not observed", {answer}); }

/** Fresh ids, distinct from each other and from the id published today. */
class ids {
 public:
  ids(double now, std::optional<std::string> current) : now_(now) {
    if (current) used_.push_back(*current);
  }
  std::string next(const moment& m) {
    double t = m.at ? *m.at : now_;
    std::string id = fresh_id(t);
    while (std::find(used_.begin(), used_.end(), id) != used_.end()) id = fresh_id(t += 1000);
    used_.push_back(id);
    return id;
  }

 private:
  double now_;
  std::vector<std::string> used_;
};

std::string policy_file(std::string_view mode, const std::vector<std::string>& mx, std::uint64_t max_age) {
  std::string t = fill("version: STSv1\nmode: {}\n", {mode});
  for (const auto& p : mx) t += fill("mx: {}\n", {p});
  return t + fill("max_age: {}\n", {std::to_string(max_age)});
}

bool covers(const std::vector<std::string>& patterns, std::string_view host) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return mx_matches(p, host); });
}

/** What every change reads, worked out once. */
struct facts {
  const plan_input& in;
  moment start;  // now, rounded up to the minute
  std::string url, sts_name;
  std::optional<std::uint64_t> max_age;  // as served (over the limit too: some senders keep it that long)
  std::string max_age_missing;           // why max_age is not known
  std::vector<std::string> mx;           // the MX hosts today, bare
};

class builder {
 public:
  builder(const facts& f, plan_change& c) : f_(f), c_(c) {}

  /** Adds a step at `m`; `first` says "from ... (now)". */
  [[gnu::noinline]] plan_step& step(std::string text, const moment& m, std::string reason, bool first = false) {
    plan_step s;
    s.text = std::move(text);
    s.not_before = m.at;
    if (m.at) {
      s.when = fill(first ? "from {} (now)" : "after {}", {format_time(*m.at)});
      s.reason = std::move(reason);
    } else {
      s.when = "not known";
      s.reason = m.unknown;
    }
    c_.steps.push_back(std::move(s));
    return c_.steps.back();
  }
  void record(plan_step& s, const char* type, std::string name, std::string value) {
    s.records.push_back({type, std::move(name), std::move(value)});
  }
  void file(plan_step& s, std::string text) { record(s, "policy", f_.url, std::move(text)); }
  /** The step that publishes a new id, right after the file of the step before. */
  void new_id(ids& gen, const moment& m) {
    auto& s = step("Publish the new id in the _mta-sts TXT record (replace the old record; keep one record only).", m,
                   "once the new file is served: the file before the id (RFC 8461 §8.1), so that a sender that sees "
                   "the new id fetches the new file");
    record(s, "TXT", f_.sts_name, "v=STSv1; id=" + gen.next(m));
  }
  void warn(std::string text) { c_.warnings.push_back(std::move(text)); }

 private:
  const facts& f_;
  plan_change& c_;
};

/** A change that does not apply, and why. */
plan_change not_applicable(plan_change c, std::string why) {
  c.applies = false;
  c.why = std::move(why);
  return c;
}

// ---- testing → enforce ----------------------------------------------------------------------

plan_change enforce(const facts& f, ids& gen) {
  plan_change c{"enforce", "Move from testing to enforce", true, {}, {}, {}};
  const plan_input& in = f.in;
  if (!in.policy_observed) return not_applicable(c, "The policy was not observed, so its mode is not known.");
  if (!in.policy)
    return not_applicable(c, in.policy_invalid
                                 ? "The policy served today is not valid: fix it first, in mode testing."
                                 : "No policy is served: set up MTA-STS in mode testing first (the fixes above).");
  if (in.policy->mode == policy_mode::enforce) return not_applicable(c, "The policy is already in mode enforce.");
  if (in.policy->mode == policy_mode::none)
    return not_applicable(c, "The policy is in mode none (MTA-STS is being withdrawn): serve mode testing first, "
                             "then this change.");
  c.why = "Under enforce, senders do not deliver to an MX host that fails MX matching, STARTTLS or its "
          "certificate (RFC 8461 §5). The switch reaches every sender only when the testing policy has expired "
          "from their caches.";
  builder b(f, c);
  std::vector<std::string> mx = in.policy->mx;
  for (const auto& h : f.mx) {
    if (covers(mx, h)) continue;
    if (!is_host_name(h)) {
      b.warn(fill("{} is not a host name, so no mx line can cover it: fix that MX record first.", {h}));
      continue;
    }
    b.warn(fill("{} is not covered by any mx line today: under enforce senders would refuse it. "
                "The enforce policy below adds mx: {}.",
                {h, h}));
    mx.push_back(h);
  }
  moment read = f.start;
  if (!in.tlsrpt_record) {
    auto& s = b.step("Publish a TLS-RPT record, so that senders report the failures they meet (RFC 8460).", f.start,
                     "", true);
    b.record(s, "TXT", "_smtp._tls." + in.domain, "v=TLSRPTv1; rua=mailto:tlsrpt@" + in.domain);
    read = after(f.start, in.ttl.tlsrpt, ttl_missing("_smtp._tls"));
    if (read.at) read.at = ceil_to(*read.at, day_ms) + day_ms;
    b.step("Read the TLS-RPT reports and fix every MX host that fails.", read,
           fill("when resolvers have dropped their cached answer for _smtp._tls ({}) and the first report covering "
                "a whole UTC day (RFC 8460 §4.1) can be sent",
                {duration_of(in.ttl.tlsrpt)}));
  } else {
    b.step("Read the TLS-RPT reports you receive and fix every MX host that fails; switch only when they show no "
           "failures.",
           f.start, "", true);
  }
  std::uint64_t max_age = std::min(in.policy->max_age, limits::max_age_max);
  std::string note;
  if (max_age < limits::max_age_week) {
    note = fill(" (max_age raised from {} to two weeks: enforce needs a policy that lasts)", {std::to_string(max_age)});
    max_age = 2 * limits::max_age_week;
  }
  auto& s = b.step(fill("Serve the policy in mode enforce{}.", {note}), read, "once the reports show no failures");
  b.file(s, policy_file("enforce", mx, max_age));
  b.new_id(gen, read);
  b.step("From then on every sender that knows the policy enforces it; senders that cached the testing policy "
         "before the switch keep it until then. Watch the reports: a failure now means mail held back.",
         after(read, f.max_age, f.max_age_missing),
         fill("when every cached copy of the testing policy has expired (max_age {} after the enforce policy was "
              "served)",
              {duration_of(f.max_age)}));
  return c;
}

// ---- a new or replaced MX host -----------------------------------------------------------

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

plan_change migrate(const facts& f, ids& gen) {
  plan_change c{"mx", "Add or replace an MX host (a provider migration)", true, {}, {}, {}};
  const plan_input& in = f.in;
  builder b(f, c);
  std::vector<std::string> planned;
  for (const auto& p : in.planned_mx) {
    const std::string h = host_key(p);
    if (h.empty() || contains(planned, h)) continue;
    if (!is_host_name(h)) b.warn(fill("{} is not a host name: an MX record names a host (RFC 5321 §5.1).", {h}));
    planned.push_back(h);
  }
  std::vector<std::string> removed;
  if (!planned.empty())
    for (const auto& h : f.mx)
      if (!contains(planned, h)) removed.push_back(h);
  std::vector<plan_record> mx_records;
  for (std::size_t i = 0; i < planned.size(); ++i)
    mx_records.push_back({"MX", in.domain, fill("{} {}.", {std::to_string(10 * (i + 1)), planned[i]})});

  const bool policy = in.policy && in.policy->mode != policy_mode::none;
  const bool enforced = policy && in.policy->mode == policy_mode::enforce;
  std::vector<std::string> uncovered;
  for (const auto& h : planned) {
    if (!in.policy_observed || in.policy_invalid) {
      b.warn(fill("Whether the policy served today covers {} is not known (the policy was not {}).",
                  {h, in.policy_invalid ? "valid" : "observed"}));
    } else if (policy && !covers(in.policy->mx, h)) {
      uncovered.push_back(h);
      b.warn(fill("{} is not covered by the policy served today: senders holding it would {} mail to {}. Add its "
                  "mx line first (step 1).",
                  {h, enforced ? "refuse" : "report failures for", h}));
    }
  }

  auto mx_step = [&](const moment& m, std::string reason, bool first) {
    auto& s = b.step(fill("Change the MX records{} (each host with STARTTLS and a certificate valid for its name, "
                          "RFC 8461 §4.2).{}",
                          {planned.empty() ? "" : " to these",
                           planned.empty() ? " Type the planned MX hosts to get the records." : ""}),
                     m, std::move(reason), first);
    s.records = mx_records;
  };
  const std::string mx_ttl_reason =
      in.ttl.mx ? fill("when resolvers' cached copies of the old MX records have expired (TTL {})", {duration(*in.ttl.mx)})
                : std::string();

  if (in.policy_observed && !in.policy_invalid && !policy) {
    c.why = in.policy ? "The policy is in mode none: senders apply no policy, so only the MX TTL matters."
                      : "No MTA-STS policy is served, so only the MX TTL matters.";
    mx_step(f.start, "", true);
    if (!removed.empty() || planned.empty())
      b.step("Keep the old MX hosts accepting mail until then; then retire them.",
             after(f.start, in.ttl.mx, ttl_missing("MX")), mx_ttl_reason);
    return c;
  }
  c.why = fill("A sender that cached a policy without the new host refuses that host under enforce (RFC 8461 §4, "
               "§5); the new mx lines must reach every sender's cache before the MX records change.{}",
               {policy && !enforced ? " In mode testing nothing is refused: the order keeps the TLS-RPT reports clean."
                                    : ""});
  std::vector<std::string> patterns = policy ? in.policy->mx : std::vector<std::string>{};
  const std::string_view mode = policy ? mode_name(in.policy->mode) : "enforce";
  const std::uint64_t max_age = f.max_age.value_or(0);
  moment mx_at = f.start;
  if (!policy || planned.empty() || !uncovered.empty()) {
    for (const auto& h : uncovered)
      if (is_host_name(h)) patterns.push_back(h);
    auto& s = b.step(fill("Serve a policy that lists both the old and the new MX hosts.{}",
                          {planned.empty() ? " Add an mx line for each new host." : ""}),
                     f.start, "", true);
    if (policy && !planned.empty()) b.file(s, policy_file(mode, patterns, max_age));
    b.new_id(gen, f.start);
    mx_at = after(f.start, f.max_age, f.max_age_missing);
    mx_step(mx_at,
            fill("when every cached copy of the old policy, which lacks the new hosts, has expired (max_age {} after "
                 "the new policy was served)",
                 {duration_of(f.max_age)}),
            false);
  } else {
    mx_step(f.start, "the policy served today already covers every planned host", true);
  }
  if (!removed.empty() || planned.empty()) {
    const moment drop = after(mx_at, in.ttl.mx, ttl_missing("MX"));
    std::vector<std::string> kept;
    for (const auto& p : patterns)
      if (std::any_of(planned.begin(), planned.end(), [&](const std::string& h) { return mx_matches(p, h); }))
        kept.push_back(p);
    auto& s = b.step(fill("Keep the old MX hosts accepting mail until then; then remove their mx lines from the "
                          "policy{} and retire them.",
                          {removed.empty() ? "" : " (" + detail::join_and(removed) + ")"}),
                     drop,
                     fill("{}: until then senders may still be sent to the old hosts, which the policy must keep "
                          "listing",
                          {mx_ttl_reason}));
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
  if (!in.sts_record && !in.policy && !in.policy_invalid && in.policy_observed)
    return not_applicable(c, "MTA-STS is not published: there is nothing to withdraw.");
  c.why = "RFC 8461 §8.3: a policy in mode none with a new id replaces the cached ones as senders refresh; the "
          "records go only when every cached copy of the old policy has expired, or senders that still hold it "
          "would keep applying it.";
  builder b(f, c);
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
    gone = after(f.start, f.max_age, f.max_age_missing);
  }
  b.step("Delete the _mta-sts TXT record.", gone,
         fill("when every cached copy of the old policy has expired (max_age {} after mode none was served)",
              {duration_of(f.max_age)}));
  b.step(fill("Stop serving the policy at mta-sts.{} (its certificate may then lapse).", {in.domain}),
         after(gone, in.ttl.sts, ttl_missing("_mta-sts")),
         fill("when resolvers' cached copies of the _mta-sts record have expired (TTL {}): a sender that still sees "
              "it fetches the policy, and reports a failure if it is gone (RFC 8461 §6)",
              {duration_of(in.ttl.sts)}));
  return c;
}

// ---- moving the policy host ----------------------------------------------------------------

plan_change move_host(const facts& f) {
  plan_change c{"policy_host", "Move the policy host", true, {}, {}, {}};
  const plan_input& in = f.in;
  const std::string host = "mta-sts." + in.domain;
  if (in.policy_observed && !in.policy && !in.policy_invalid)
    return not_applicable(c, fill("No policy is served at {}: there is nothing to move.", {host}));
  c.why = fill("While resolvers still hold the old address of {}, senders reach the old host; both must serve the "
               "same policy with a certificate valid for {} (RFC 8461 §3.3). Change neither the policy nor the id "
               "during the move. To shorten the wait, lower the TTL of {} first, and wait its old TTL before step 2.",
               {host, host, host});
  builder b(f, c);
  auto& s = b.step(fill("Serve the same policy at the new host, with a certificate valid for {}; test it before "
                        "repointing: curl --connect-to {}:443:NEW-HOST:443 {}",
                        {host, host, f.url}),
                   f.start, "", true);
  if (in.policy && !in.policy_text.empty()) b.file(s, in.policy_text);
  b.step(fill("Point {} at the new host (its A/AAAA records, or a CNAME).", {host}), f.start,
         "once the new host serves the policy");
  b.step("Keep the old host serving the policy until then; then retire it.",
         after(f.start, in.ttl.policy_host, ttl_missing(host + " A/AAAA")),
         fill("when resolvers' cached addresses of {} have expired (TTL {})", {host, duration_of(in.ttl.policy_host)}));
  return c;
}

}  // namespace

namespace {

/** "YYYYMMDDHHMMSS" of Unix ms (UTC), by Howard Hinnant's civil_from_days (public domain algorithm). */
std::string digits14(double ms) {
  const auto t = static_cast<std::int64_t>(std::floor(ms / 1000));
  std::int64_t z = (t >= 0 ? t : t - 86399) / 86400;
  const std::int64_t secs = t - z * 86400;
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<std::uint64_t>(z - era * 146097);
  const std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::uint64_t mp = (5 * doy + 2) / 153;
  const std::uint64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  std::string out;
  const auto two = [&](std::uint64_t v) { out += static_cast<char>('0' + v / 10 % 10); out += static_cast<char>('0' + v % 10); };
  two(static_cast<std::uint64_t>(y) / 100);
  two(static_cast<std::uint64_t>(y) % 100);
  two(m);
  two(d);
  two(static_cast<std::uint64_t>(secs) / 3600);
  two(static_cast<std::uint64_t>(secs) / 60 % 60);
  two(static_cast<std::uint64_t>(secs) % 60);
  return out;
}

}  // namespace

std::string format_time(double ms) {
  const std::string d = digits14(ms);  // "2026-12-16 09:00 UTC"
  return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) + " " + d.substr(8, 2) + ":" + d.substr(10, 2) + " UTC";
}

std::string fresh_id(double ms) { return digits14(ms); }

change_plan make_plan(const plan_input& in, double now_ms) {
  change_plan p;
  p.domain = in.domain;
  p.now = now_ms;
  p.ttl = in.ttl;
  facts f{in, {ceil_to(now_ms, minute_ms), {}}, fill("https://mta-sts.{}/.well-known/mta-sts.txt", {in.domain}),
          "_mta-sts." + in.domain, std::nullopt, {}, {}};
  if (in.mx_kind != std::optional<std::string>("null"))
    for (const auto& h : in.mx) f.mx.push_back(host_key(h));
  if (!in.policy_observed) {
    f.max_age_missing = "the policy was not observed, so its max_age is not known";
    p.warnings.push_back(fill("The policy at {} was not read{}, so no date that rests on its max_age can be given. "
                              "Paste the policy in the page (or give a relay), or run mtasts check {}, which reads it "
                              "itself; then check again.",
                              {f.url, in.policy_unobserved_why.empty() ? "" : " (" + in.policy_unobserved_why + ")",
                               in.domain}));
  } else if (in.policy_invalid) {
    f.max_age_missing = "the policy served today is not valid, so how long senders keep an earlier one is not known "
                        "(at most 365.25 days, RFC 8461 §3.2)";
    p.warnings.push_back("The policy served today is not valid: senders ignore it and keep any earlier valid policy "
                         "for its max_age, which is not known here. Fix the policy first.");
  } else if (in.policy) {
    // Over the limit, senders differ (docs/SENDERS.md, policy.max_age.too_large): the dates count the full
    // value, the longest any sender keeps the policy.
    f.max_age = in.policy->max_age;
    if (in.policy->max_age > limits::max_age_max)
      p.warnings.push_back(fill("max_age {} is over RFC 8461's limit of 31557600 (365.25 days). Senders differ: "
                                "maddy (go-mtasts), mox and KumoMTA keep the policy that long, postfix-tlspol and "
                                "Mimecast cap it at 31557600, Stalwart keeps it a day, and postfix-mta-sts-resolver, "
                                "chasquid and mailauth reject the whole policy. The dates count the full {} s, the "
                                "longest any sender keeps it; lower max_age to 31557600 or less.",
                                {std::to_string(in.policy->max_age), std::to_string(in.policy->max_age)}));
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
  const auto ttl = [](const std::optional<std::uint32_t>& t) {
    return t ? std::to_string(*t) + " s" : std::string("not observed");
  };
  std::string out = fill(
      "MTA-STS change plan for {}\nMade {} from the live data. max_age: {}. TTLs: MX {}, _mta-sts {}, _smtp._tls {}, "
      "mta-sts {} (as the resolver gave them: it counts a cached answer's TTL down, so where your zone's TTL is "
      "longer, wait the difference).\nEach time is the earliest safe one, assuming every step before it was done at "
      "its own earliest time.\n",
      {p.domain, format_time(p.now), p.max_age ? duration(*p.max_age) : "not known", ttl(p.ttl.mx), ttl(p.ttl.sts),
       ttl(p.ttl.tlsrpt), ttl(p.ttl.policy_host)});
  for (const auto& w : p.warnings) out += fill("\n! {}\n", {w});
  int n = 0;
  for (const auto& c : p.changes) {
    out += fill("\n== {}. {}{} ==\n{}\n", {std::to_string(++n), c.title, c.applies ? "" : " (does not apply)", c.why});
    for (const auto& w : c.warnings) out += fill("! {}\n", {w});
    int k = 0;
    for (const auto& s : c.steps) {
      out += fill("\nStep {}, {}: {}\n", {std::to_string(++k), s.when, s.text});
      if (!s.reason.empty()) out += fill("  ({})\n", {s.reason});
      for (const auto& r : s.records) {
        out += r.type == "policy" ? fill("  The file {}:\n", {r.name}) : fill("  {} record at {}:\n", {r.type, r.name});
        std::size_t at = 0;
        while (at < r.value.size()) {
          const std::size_t end = std::min(r.value.find('\n', at), r.value.size());
          out += fill("    {}\n", {std::string_view(r.value).substr(at, end - at)});
          at = end + 1;
        }
      }
    }
  }
  return out;
}

}  // namespace mtasts::plan
