/**
 * @file policy.cpp
 * @brief The policy's contents (RFC 8461 §3.2): the policy file, fetched or
 *        pasted, through the policy linter; its findings carry their lines
 *        and columns in report.policy.text.
 */
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {

using mtasts::detail::plural;

void check_policy(context& ctx, check_result& c) {
  if (!ctx.rep.policy) {
    if (ctx.policy_pending) {
      c.status = status::pending;
      c.summary = "Waiting for the policy file.";
    } else if (ctx.policy_unknown) {
      c.status = status::unknown;
      c.summary = ctx.opt.host == host_kind::native
                      ? "Not checked: the policy file could not be read."
                      : "Not checked: the policy could not be read from the browser. Paste it to check it.";
    } else {
      c.status = status::info;
      c.summary = "Not checked: no policy file was served.";
    }
    return;
  }
  policy_info& p = *ctx.rep.policy;
  ctx.lint = lint_policy(p.text);
  for (const auto& f : ctx.lint->findings) c.findings.push_back(f);
  p.valid = ctx.lint->valid;
  p.policy = ctx.lint->policy;
  if (!ctx.lint->valid || !ctx.lint->policy) {
    c.status = status::fail;
    c.summary = "The policy is invalid, so senders ignore it.";
    return;
  }
  const auto& pol = *ctx.lint->policy;
  c.status = from_findings(c, pol.mode == policy_mode::enforce ? status::pass : status::warn);
  if (pol.mode != policy_mode::enforce && c.status == status::pass) c.status = status::warn;
  c.summary = "Mode " + std::string(mode_name(pol.mode)) + ", max_age " + std::to_string(pol.max_age) + ", " +
              plural(pol.mx.size(), "mx pattern", "mx patterns") + ".";
}

}  // namespace mtasts::check::detail
