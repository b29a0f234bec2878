/**
 * @file table.cpp
 * @brief The table of the checks, in report order: a check is a row here and
 *        a function in a file of its own.
 *
 * The browser's module compiles this file once more with
 * MTASTS_NO_STARTTLS_CHECK (wasm/browser_checks.cpp): a browser never probes
 * STARTTLS (a row marked needs_starttls runs only when options.starttls is
 * set, which only a native host does), so without the row the module drops
 * the check's code and texts. Its reports are the same either way.
 */
#include "context.h"

namespace mtasts::check::detail {

const std::vector<check_row>& checks() {
  // id, title, function, what a failure costs the grade (docs/GRADING.md), what it might cost while
  // unknown, the grade's reason when it fails, what could not be observed when it is unknown, and
  // whether only a host that probes STARTTLS has it. The STARTTLS check costs nothing while unknown:
  // a host that cannot reach port 25 grades what it observed, as the browser does.
  static const std::vector<check_row> rows = {
      {"sts", "MTA-STS TXT record", check_sts, grade_effect::fails_check, grade_effect::fails_check,
       "MTA-STS is not in effect: senders find no usable _mta-sts TXT record, so they never fetch the policy.",
       "the _mta-sts TXT record"},
      {"policy_fetch", "Policy file over HTTPS", check_policy_fetch, grade_effect::fails_check, grade_effect::fails_check,
       "MTA-STS is not in effect: senders cannot fetch the policy file, so they treat the domain as having no policy.",
       "the policy file"},
      {"policy", "Policy contents", check_policy, grade_effect::fails_check, grade_effect::fails_check,
       "MTA-STS is not in effect: the policy file is invalid, so senders ignore it.", "the policy file"},
      {"mx", "MX hosts covered by the policy", check_mx, grade_effect::fails_check, grade_effect::uncovered,
       "Mail to the domain can fail at its MX hosts:", "the MX records"},
#ifndef MTASTS_NO_STARTTLS_CHECK
      {"starttls", "STARTTLS at the MX hosts", check_starttls, grade_effect::starttls_partial, grade_effect::none,
       "Senders that honour the policy will deliver to none of the MX hosts:", "the MX hosts' STARTTLS", true},
#endif
      {"tlsrpt", "TLS reporting (TLS-RPT)", check_tlsrpt, grade_effect::tlsrpt, grade_effect::tlsrpt, "", "the TLS-RPT record"},
      {"dane", "DNSSEC and DANE", check_dane, grade_effect::no_dane, grade_effect::no_dane, "", "the TLSA records"},
  };
  return rows;
}

const check_row* check_by_id(std::string_view id) {
  for (const auto& row : checks())
    if (row.id == id) return &row;
  return nullptr;
}

}  // namespace mtasts::check::detail
