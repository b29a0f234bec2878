/**
 * @file mtasts.h
 * @brief mtasts: RFC-exact MTA-STS and TLS-RPT linting, sans I/O.
 *
 * Quick start:
 *   #include "mtasts/mtasts.h"
 *   auto p = mtasts::lint_policy(body);        // RFC 8461 §3.2
 *   auto s = mtasts::lint_sts_record(txt);     // RFC 8461 §3.1
 *   auto t = mtasts::lint_tlsrpt_record(txt);  // RFC 8460 §3
 *   bool ok = mtasts::mx_matches("*.example.com", "mx1.example.com.");
 *   auto q = mtasts::dns::encode_query("_mta-sts.example.com", mtasts::dns::rr_type::txt);
 *   auto d = mtasts::dns::decode(answer_bytes);     // RFC 1035, hardened
 *   std::string report = mtasts::to_json(p);   // the JSON report (schema 1), as the JS API returns it
 *   for (auto& f : p.findings)
 *     printf("%u:%u %s %s\n", f.line, f.column,
 *            std::string(mtasts::code_name(f.code)).c_str(), f.message.c_str());
 *
 * Nothing here reads files, sockets or clocks, and nothing throws (out of
 * memory aside; docs/ARCHITECTURE.md says how each host handles it).
 */
#ifndef MTASTS_MTASTS_H
#define MTASTS_MTASTS_H

#include "mtasts/base64.h"
#include "mtasts/check.h"
#include "mtasts/dns.h"
#include "mtasts/finding.h"
#include "mtasts/grade.h"
#include "mtasts/json.h"
#include "mtasts/limits.h"
#include "mtasts/mx_match.h"
#include "mtasts/plan.h"
#include "mtasts/policy.h"
#include "mtasts/records.h"
#include "mtasts/report.h"
#include "mtasts/smtp.h"

namespace mtasts {
/** The library version, e.g. "0.1.0". */
const char* version() noexcept;
}  // namespace mtasts

#endif
