/**
 * @file report.h
 * @brief TLS-RPT aggregate reports (RFC 8460 §4): the parser and the
 *        aggregation of many reports, sans I/O.
 *
 * The hosts (wasm/report.mjs in the browser and Node, tools/cli natively)
 * open the containers (JSON, gzip, zip, a report e-mail) with the platform
 * or a library and hand the core the JSON text of each report, named by
 * where it came from. Everything after that is here, so the page, the API
 * and `mtasts report` count the same sessions.
 *
 * The parser is tolerant of what real reporters send and says so in a
 * finding (codes `report.*` in codes.def): a report that can be read is
 * never rejected for a cosmetic deviation. It is rejected (valid == false,
 * no report) only when it is not JSON, not an object, or has no readable
 * `policies`.
 *
 * The JSON of both results is declared in core/src/json/report.cpp and
 * described in docs/REPORTS.md.
 */
#ifndef MTASTS_REPORT_H
#define MTASTS_REPORT_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts::tlsrpt {

/** One element of a policy's failure-details (RFC 8460 §4.4), counts as numbers. Absent strings are "". */
struct failure_detail {
  std::string result_type;
  std::string sending_mta_ip;
  std::string receiving_mx_hostname;
  std::string receiving_mx_helo;
  std::string receiving_ip;
  std::uint64_t failed_session_count = 0;
  std::string additional_information;
  std::string failure_reason_code;
};

/** One element of `policies`: the policy a sender applied, and its sessions. */
struct policy_entry {
  std::string policy_type;                 ///< "sts", "tlsa", "no-policy-found", or what the reporter wrote
  std::vector<std::string> policy_string;  ///< the policy as the sender applied it, one element per line
  std::string policy_domain;
  std::vector<std::string> mx_host;
  std::uint64_t total_successful_session_count = 0;
  std::uint64_t total_failure_session_count = 0;
  std::vector<failure_detail> failure_details;
};

/** A report as read, normalised to RFC 8460's shape (counts as numbers, absent arrays empty). */
struct report {
  std::string organization_name;
  std::string start_datetime;  ///< as written
  std::string end_datetime;
  /** Seconds since 1970-01-01T00:00:00Z, when the date-time was read (RFC 3339). */
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> end;
  std::string contact_info;
  std::string report_id;
  std::vector<policy_entry> policies;
};

struct parse_result {
  bool valid = false;  ///< a report could be read (findings may still hold errors about parts of it)
  std::vector<finding> findings;
  std::optional<tlsrpt::report> report;
};

/** Reads one report's JSON text (UTF-8). Never throws; any input gives a result. */
[[nodiscard]] parse_result parse_report(std::string_view json_text) noexcept;

/** What a host hands the aggregation: the text of one report, or why a file gave none. */
struct input {
  std::string source;  ///< where it came from: "reports.zip/google.com!example.com!….json"
  std::string text;    ///< the report's JSON text (UTF-8), when the host read one
  /** A host's failure to open the container (a code of codes.def, report.container.*), instead of a text. */
  std::optional<code> error;
  std::string error_message;  ///< names the file and what was wrong with it
};

/** One RFC 8460 §4.3 result type, explained. */
struct result_type_info {
  std::string_view name;     ///< "certificate-expired"
  std::string_view rfc;      ///< "RFC 8460 §4.3.1.2"
  std::string_view meaning;  ///< what the sender saw
  std::string_view cause;    ///< what usually causes it
  std::string_view fix;      ///< what to do
};
/** The eleven result types of RFC 8460 §4.3, in its order. */
[[nodiscard]] const std::vector<result_type_info>& result_types() noexcept;
/** The explanation of a result type, or nullptr for one RFC 8460 does not define. */
[[nodiscard]] const result_type_info* find_result_type(std::string_view name) noexcept;

/** Success and failure counts of one group. */
struct counts {
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
};

/** Failed sessions of one result type, within a group. */
struct type_count {
  std::string result_type;
  std::uint64_t failed = 0;
};

/** How one input fared: counted, left out as a duplicate, rejected by the parser, or not opened by the host. */
enum class file_state : std::uint8_t { read, duplicate, unreadable, error };

/** One input's outcome. */
struct file_status {
  std::string source;
  file_state status{};
  std::vector<finding> findings;   ///< the parser's findings, or the host's error as one finding
  std::string organization_name;   ///< when read
  std::string report_id;           ///< when read
  std::string duplicate_of;        ///< for a duplicate: the source counted instead
};

struct day_row { std::string day; counts c; };  ///< day: "2026-11-30" (UTC date of the report's start)
struct policy_row {
  std::string policy_type, policy_domain;
  std::vector<std::string> policy_string;
  counts c;
  std::uint64_t reports = 0;
  std::vector<std::string> organizations;  ///< who applied it, sorted
  std::string first_day, last_day;         ///< the days of the first and last report that applied it
  // When policy_type is "sts" and policy_string holds a policy: what it says (the policy linter's reading).
  std::string mode;                       ///< "" when not read
  std::vector<std::string> mx;
  std::optional<std::uint64_t> max_age;
};
struct mx_row { std::string mx; std::uint64_t failed = 0; std::vector<type_count> result_types; };
struct ip_row { std::string ip; std::uint64_t failed = 0; std::vector<type_count> result_types; };
struct result_type_row {
  std::string result_type;
  std::uint64_t failed = 0;
  const result_type_info* info = nullptr;  ///< nullptr: not a type RFC 8460 defines
  std::vector<std::string> mx;             ///< receiving MX hosts it was seen at, sorted
};
struct organization_row {
  std::string organization_name;
  std::string contact_info;  ///< the first one seen
  std::uint64_t reports = 0;
  counts c;
};

/** The aggregate of many reports. Every list is sorted (see docs/REPORTS.md). */
struct summary {
  std::vector<file_status> files;
  std::uint64_t reports = 0;     ///< reports counted (duplicates not)
  std::uint64_t duplicates = 0;  ///< reports left out as duplicates
  std::optional<std::int64_t> period_start, period_end;  ///< earliest start, latest end (epoch seconds)
  counts totals;
  std::vector<day_row> by_day;
  std::vector<policy_row> by_policy;
  std::vector<mx_row> by_mx;
  std::vector<result_type_row> by_result_type;
  std::vector<organization_row> by_organization;
  std::vector<ip_row> by_sending_ip;
};

/**
 * Parses every input and aggregates the reports that could be read. The same
 * report-id from the same organisation counts once (the first input wins;
 * the others are marked duplicate and name it). Never throws.
 */
[[nodiscard]] summary summarize(const std::vector<input>& inputs) noexcept;

/** "2026-11-30T00:00:00Z" for epoch seconds; "2026-11-30" with date_only. */
[[nodiscard]] std::string format_utc(std::int64_t epoch_seconds, bool date_only = false);

}  // namespace mtasts::tlsrpt

#endif
