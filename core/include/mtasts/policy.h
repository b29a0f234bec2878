/**
 * @file policy.h
 * @brief The MTA-STS policy file: `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
 * @see RFC 8461 §3.2 (ABNF), §3.3 (size), §10.2 (max_age advice)
 *
 * lint_policy() reads the body the way the RFC's ABNF does and reports every
 * deviation as a finding with a line and column. Where real senders disagree
 * with each other (a BOM, blank lines, duplicated fields), the parser takes
 * the RFC's reading (first occurrence wins, unknown fields are ignored), keeps
 * going, and says in the finding what other senders do.
 *
 * @example
 *   auto r = mtasts::lint_policy("version: STSv1\nmode: enforce\n"
 *                                "mx: mail.example.com\nmax_age: 604800\n");
 *   // r.valid == true, r.policy->mode == mtasts::policy_mode::enforce
 */
#ifndef MTASTS_POLICY_H
#define MTASTS_POLICY_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtasts/finding.h"
#include "mtasts/limits.h"

namespace mtasts {

enum class policy_mode : std::uint8_t { enforce, testing, none };

/** "enforce", "testing" or "none". */
std::string_view mode_name(policy_mode m) noexcept;

/** What a conforming sender takes from a policy it accepts. */
struct policy {
  std::string version;          ///< always "STSv1"
  policy_mode mode = policy_mode::none;
  std::vector<std::string> mx;  ///< patterns as written, in order, without duplicates
  std::uint64_t max_age = 0;    ///< seconds
  /** Fields the sender ignores, first occurrence of each name, in order. */
  std::vector<std::pair<std::string, std::string>> extensions;
  friend bool operator==(const policy& a, const policy& b) {
    return a.version == b.version && a.mode == b.mode && a.mx == b.mx &&
           a.max_age == b.max_age && a.extensions == b.extensions;
  }
};

struct policy_result {
  /** A conforming sender would accept and use this policy (no error finding). */
  bool valid = false;
  std::vector<finding> findings;
  /** Set exactly when valid. */
  std::optional<mtasts::policy> policy;
  /**
   * When the only errors are mx patterns written with U-labels, each of which
   * has an A-label form: the policy as it reads with those patterns written
   * as A-labels (RFC 8461 §3.2), so that the MX hosts can be compared with
   * what the policy means. Never set together with `policy`.
   */
  std::optional<mtasts::policy> a_label_policy;
};


/**
 * Lints a policy body. Any bytes are accepted (binary, invalid UTF-8, NUL,
 * megabytes); nothing throws. Findings are capped (see lint_truncated).
 */
[[nodiscard]] policy_result lint_policy(std::string_view body) noexcept;

}  // namespace mtasts

#endif
