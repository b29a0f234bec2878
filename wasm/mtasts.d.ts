/** The public contract of dist/mtasts.mjs (hand-written; keep in step with wasm/mtasts.mjs). */

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable dotted code, e.g. "policy.mode.invalid" (see docs/FINDINGS.md). */
  code: string;
  severity: Severity;
  /** One line naming the evidence. */
  message: string;
  /** 1-based; absent when the finding concerns the whole artefact. */
  line?: number;
  /** 1-based, in Unicode code points within the line. */
  column?: number;
  /** e.g. "RFC 8461 §3.2"; absent for the linter's own notes. */
  rfc?: string;
  /** The concrete remedy. */
  fix?: string;
}

interface Lint {
  schema: 1;
  /** A conforming sender (or reporter) would accept and use the artefact: no error finding. */
  valid: boolean;
  findings: Finding[];
}

export interface Policy {
  version: 'STSv1';
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  max_age: number;
  extensions: Record<string, string>;
}

export interface PolicyLint extends Lint {
  kind: 'policy';
  policy: Policy | null;
}

export interface StsLint extends Lint {
  kind: 'sts';
  record: { id: string; extensions: Record<string, string> } | null;
}

export interface TlsRptLint extends Lint {
  kind: 'tlsrpt';
  record: { rua: string[]; extensions: Record<string, string> } | null;
}

export type Grade = 'A+' | 'A' | 'B' | 'C' | 'D' | 'F';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'unknown' | 'pending';
export type CheckId = 'sts' | 'policy_fetch' | 'policy' | 'mx' | 'starttls' | 'tlsrpt' | 'dane';

export interface DomainFinding extends Finding {
  /** The check it belongs to; null for findings about the input itself (domain.*) or check.aborted. */
  check: CheckId | null;
}

export interface DomainCheck {
  id: CheckId;
  title: string;
  /** `pending` only in progress reports; `unknown` when it could not be observed. */
  status: CheckStatus;
  /** One sentence with the evidence. */
  summary: string;
  findings: DomainFinding[];
}

/** A native host's STARTTLS probe of one MX host (docs/GRADING.md); `result` in RFC 8460 §4.3's words. */
export interface StarttlsProbe {
  result: 'ok' | 'starttls-not-supported' | 'certificate-host-mismatch' | 'certificate-expired'
        | 'certificate-not-trusted' | 'validation-failure' | 'unreachable' | 'timeout';
  stage: 'connect' | 'banner' | 'ehlo' | 'starttls' | 'handshake' | 'verify' | 'done' | '';
  address: string;
  detail: string;
  banner: string;
  version: string;
  cipher: string;
  certificate: { subject: string; issuer: string; dns_names: string[]; not_before: string; not_after: string } | null;
}

/** See docs/GRADING.md. */
export interface DomainReport {
  schema: 1;
  kind: 'domain';
  /** As typed. */
  input: string;
  /** The domain checked: lower case, A-labels. */
  domain: string;
  /** Its U-label (Unicode) form when it has an xn-- label, for display beside `domain`; '' otherwise. */
  domain_unicode: string;
  resolver: string;
  /** Which program made the report and what it could observe: the browser DNS and the policy; `mtasts check` also the MX hosts' STARTTLS. */
  host: { kind: 'browser' | 'native'; observes: ('dns' | 'policy' | 'starttls')[] };
  /** null when unobserved facts could change it (see grade_range), for a null MX, or for invalid input. */
  grade: Grade | null;
  /** [worst, best] when grade is null because something was not observed. */
  grade_range: [Grade, Grade] | null;
  grade_reason: string;
  /** Every check observed and settled. */
  complete: boolean;
  checks: DomainCheck[];
  /** Every finding, the checks' in order. */
  findings: DomainFinding[];
  /**
   * When failures cascade, the one broken layer the report leads with (docs/GRADING.md "The root
   * cause"): the finding (`code`, `check`, `message`: one of `findings`), a one-line `headline`,
   * and the checks not checked (or not further) because of it. null when nothing cascades.
   */
  cause: { code: string; check: string | null; headline: string; message: string; affects: string[] } | null;
  mx_kind: 'records' | 'implicit' | 'null' | null;
  mx: { host: string; preference: number; covered: boolean | null; pattern: string | null;
        tlsa: { records: number; ad: boolean } | null;
        /** Native reports with STARTTLS probes only (`mtasts check`): the addresses probed and what the probe saw. */
        addresses?: string[];
        tls?: StarttlsProbe | null }[];
  sts: { records: string[]; record: string | null; id: string | null; aliases: string[]; ad: boolean } | null;
  policy: { source: 'fetched' | 'relay' | 'pasted'; url: string; status: number | null; content_type: string | null;
            size: number; text: string; valid: boolean; mode: Policy['mode'] | null; max_age: number | null;
            mx: string[] } | null;
  tlsrpt: { records: string[]; record: string | null; valid: boolean; rua: string[] } | null;
  dnssec: { mx_ad: boolean | null; sts_ad: boolean | null; tlsa: { host: string; records: number; ad: boolean }[] };
  timings: { total_ms: number; requests: { id: string; elapsed_ms: number }[] };
  /** Request ids not yet answered (progress reports only). */
  pending: string[];
  /**
   * How long resolvers may keep each answer, in seconds (docs/GRADING.md, "TTLs"): the RRset's TTL (the
   * longest link of a CNAME chain), or for NXDOMAIN/NODATA the SOA's negative-caching TTL; null when not observed.
   */
  ttl: { mx: number | null; sts: number | null; tlsrpt: number | null; policy_host: number | null };
}

export interface ChangePlanOptions {
  /** The time the plan starts from (Date, or Unix milliseconds). Default: now. */
  now?: Date | number;
  /** The MX hosts after a migration, new and kept (for the migration's records and the coverage warning). */
  mx?: string[];
}

/** One step of a change: earliest safe time `not_before` (Unix ms, a whole minute) or null, with `reason`. */
export interface ChangePlanStep {
  text: string;
  /** Ready to paste: a TXT or MX record (`name` its owner), or the policy file (`name` its URL). */
  records: { type: 'TXT' | 'MX' | 'policy'; name: string; value: string }[];
  not_before: number | null;
  /** "from 2026-12-16 09:00 UTC (now)", "after 2026-12-16 09:00 UTC" or "not known". */
  when: string;
  /** Why that time, or why it is not known. */
  reason: string;
}

export interface ChangePlanChange {
  id: 'enforce' | 'mx' | 'withdraw' | 'policy_host';
  title: string;
  applies: boolean;
  /** The change's safety argument, or why it does not apply. */
  why: string;
  warnings: string[];
  steps: ChangePlanStep[];
}

export interface ChangePlan {
  schema: 1;
  kind: 'plan';
  domain: string;
  now: number;
  /** The max_age the dates use (as served, over 31557600 too: some senders keep it that long), or null when not known. */
  max_age: number | null;
  ttl: DomainReport['ttl'];
  warnings: string[];
  changes: ChangePlanChange[];
  /** The whole plan as plain text (what the page downloads). */
  text: string;
}

export interface CheckDomainOptions {
  /** DNS-over-HTTPS URL (RFC 8484 GET). Default DEFAULT_RESOLVER. */
  resolver?: string;
  /** A WHATWG fetch; default globalThis.fetch. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Per request, ms. Default 5000 for DNS and 10000 for the policy. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with a partial report each time an answer arrives (not for the final one: checkDomain resolves with it). */
  onProgress?: (report: DomainReport) => void;
  /** The policy file as pasted; used only when the browser could not read it (CORS) or the host timed out. */
  policyText?: string | Uint8Array | ArrayBuffer | ArrayBufferView;
  /** URL template containing {url} (the policy URL, percent-encoded), tried after a CORS failure. */
  relay?: string;
  /** The whole check, ms (default 30000): reaching it stops the check like `signal` (complete: false). */
  totalTimeoutMs?: number;
  /** MX hosts whose TLSA records are looked up (default 10). */
  tlsaCap?: number;
  /** Clock for elapsed times (default performance.now). */
  now?: () => number;
}

/**
 * What checkDomain's host observed for one request of the engine
 * (core/include/mtasts/check.h `observation`; web/host.mjs makes them).
 */
export interface Observation {
  id: string;
  kind: 'answer' | 'http-error' | 'timeout' | 'aborted' | 'network-error'
      | 'response' | 'redirect' | 'cors-blocked' | 'unreachable';
  status?: number;
  content_type?: string | null;
  /** The DNS message or the policy body, base64 (RFC 4648 §4). */
  bytes?: string;
  truncated?: boolean;
  message?: string;
  via_relay?: boolean;
  relay_failure?: string;
  elapsed_ms?: number;
  at_ms?: number;
}

/** The core's thresholds and limits (core/include/mtasts/limits.h). */
export interface Limits {
  readonly policy_max_bytes: number;
  readonly policy_large_bytes: number;
  readonly max_age_max: number;
  readonly max_age_week: number;
  readonly max_age_day: number;
  readonly max_age_withdraw: number;
  readonly mx_hosts: number;
  readonly tlsa_cap: number;
  readonly cname_hops: number;
  readonly cname_chain_in_answer: number;
  readonly dns_message_max: number;
  readonly pointer_hops: number;
  readonly domain_max_length: number;
  readonly dns_timeout_ms: number;
  readonly policy_timeout_ms: number;
  readonly total_timeout_ms: number;
  readonly findings_per_code: number;
  readonly findings_total: number;
  /** The JSON text of one TLS-RPT report (report.size.too_large past it): 32 MiB. */
  readonly report_max_bytes: number;
  /** One file as given, and all it decompresses to (report.container.too_large past it): 64 MiB. */
  readonly report_file_max_bytes: number;
  /** Entries of one zip archive that are opened (report.container.too_large past it): 1,000. */
  readonly report_archive_entries: number;
}

// ---- TLS-RPT reports (RFC 8460; docs/REPORTS.md) ------------------------------

/** One element of a policy's failure-details (RFC 8460 §4.4), normalised: counts are numbers, absent strings "". */
export interface TlsRptFailureDetail {
  'result-type': string;
  'sending-mta-ip': string;
  'receiving-mx-hostname': string;
  'receiving-mx-helo': string;
  'receiving-ip': string;
  'failed-session-count': number;
  'additional-information': string;
  'failure-reason-code': string;
}

/** One element of a report's `policies`. */
export interface TlsRptPolicyEntry {
  policy: {
    /** "sts", "tlsa", "no-policy-found", or what the reporter wrote. */
    'policy-type': string;
    /** The policy as the sender applied it, one element per line. */
    'policy-string': string[];
    'policy-domain': string;
    'mx-host': string[];
  };
  summary: { 'total-successful-session-count': number; 'total-failure-session-count': number };
  'failure-details': TlsRptFailureDetail[];
}

/** A report as read, in RFC 8460's own shape and names, normalised (absent strings "", absent arrays []). */
export interface TlsRptReport {
  'organization-name': string;
  'date-range': {
    /** As written. */
    'start-datetime': string;
    'end-datetime': string;
    /** Seconds since the epoch, or null when the date-time is not RFC 3339 (report.date.invalid). */
    start: number | null;
    end: number | null;
  };
  'contact-info': string;
  'report-id': string;
  policies: TlsRptPolicyEntry[];
}

/** parseTlsRptReport's answer. Findings carry `report.*` codes (docs/FINDINGS.md); a position only for report.json.invalid. */
export interface TlsRptReportParse {
  schema: 1;
  kind: 'tlsrpt-report';
  /** A report could be read (findings may still hold errors about parts of it). */
  valid: boolean;
  findings: Finding[];
  /** null when it could not be read: not JSON, not an object, no `policies`, too large, or a container that did not open. */
  report: TlsRptReport | null;
}

/** Failed sessions of one result type, within a group. */
export interface TlsRptTypeCount { resultType: string; failed: number }

/** How one input fared: one per report found in the files, or per file (or entry) that could not be opened. */
export interface TlsRptFileStatus {
  /** The file name, then `/` and the entry or attachment name for what came out of a zip or a mail ("mail.eml/a.json.gz"). */
  source: string;
  /**
   * read: counted; duplicate: the same report-id from the same organization was counted from `duplicateOf`;
   * unreadable: the parser rejected it (its findings say why); error: the container could not be opened (report.container.*).
   */
  status: 'read' | 'duplicate' | 'unreadable' | 'error';
  /** "" unless read or duplicate. */
  organization: string;
  reportId: string;
  duplicateOf: string | null;
  /** The parser's findings, or the container's error as one finding. */
  findings: Finding[];
}

/** summarizeTlsRptReports' answer (docs/REPORTS.md, "The aggregate"). Every list is sorted as documented there. */
export interface TlsRptSummary {
  schema: 1;
  kind: 'tlsrpt-summary';
  /** Reports counted (duplicates not). */
  reports: number;
  /** Reports left out as duplicates. */
  duplicates: number;
  /** The earliest start and the latest end ("2026-11-30T00:00:00Z"); null when no date could be read. */
  period: { start: string; end: string } | null;
  /** The counted reports' summaries added up; byDay, byPolicy and byOrganization split the same sums. */
  totals: { successful: number; failed: number };
  /** By the UTC date of each report's start ("2026-11-30"), sorted by day. */
  byDay: { day: string; successful: number; failed: number }[];
  /** By policy type, domain and string; mode, mx and maxAge read from an sts policy string (else null / []). */
  byPolicy: {
    type: string; domain: string; string: string[];
    mode: 'enforce' | 'testing' | 'none' | null; mx: string[]; maxAge: number | null;
    successful: number; failed: number; reports: number;
    organizations: string[]; firstDay: string | null; lastDay: string | null;
  }[];
  /** Failed sessions by receiving MX host (lower case, no final dot; the receiving IP, or "(not reported)"). */
  byMx: { mx: string; failed: number; resultTypes: TlsRptTypeCount[] }[];
  /** Failed sessions by result type, each explained (known: false and "" texts for a type outside RFC 8460 §4.3). */
  byResultType: {
    resultType: string; failed: number; known: boolean;
    rfc: string; meaning: string; cause: string; fix: string;
    /** The receiving MX hosts it was seen at. */
    mx: string[];
  }[];
  /** By reporting organization, sorted by name. */
  byOrganization: { organization: string; contact: string; reports: number; successful: number; failed: number }[];
  /** Failed sessions by sending MTA IP. */
  bySendingIp: { ip: string; failed: number; resultTypes: TlsRptTypeCount[] }[];
  /** One per input, in input order. */
  files: TlsRptFileStatus[];
  /** One per input whose status is unreadable or error, with its first error finding. */
  errors: { source: string; code: string; severity: Severity; message: string }[];
}

/** What a report file may be given as: its text, its bytes, or a Blob or File (whose name is the source). */
export type TlsRptData = string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob;

/** A file, named: `name` is the source in the aggregate (an item without one is `input-<n>`, n from 1). */
export interface TlsRptNamedFile { name?: string; data: TlsRptData }

export interface TlsRptProgress {
  /** Files opened so far, and in all. */
  done: number;
  total: number;
  /** The file just opened. */
  source: string;
  /** Inputs it gave: its reports, or 1 for a file that could not be opened. */
  inputs: number;
}

export interface SummarizeTlsRptOptions {
  /** Called after each file is opened (not after the aggregation, which resolves the promise). */
  onProgress?: (progress: TlsRptProgress) => void;
  /** Stops between files and between decompressed chunks: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export declare const DEFAULT_RESOLVER: string;
export declare const DEFAULT_DNS_TIMEOUT_MS: number;
export declare const DEFAULT_POLICY_TIMEOUT_MS: number;
export declare const DEFAULT_TOTAL_TIMEOUT_MS: number;

export interface Mtasts {
  readonly version: string;
  /** A policy body, as text or as the raw bytes that were served. */
  lintPolicy(text: string | Uint8Array | ArrayBuffer | ArrayBufferView): PolicyLint;
  /** The _mta-sts TXT record, as one string or as its character-strings (joined without separators). */
  lintStsRecord(textOrStrings: string | string[]): StsLint;
  /** The _smtp._tls TXT record, as one string or as its character-strings. */
  lintTlsRptRecord(textOrStrings: string | string[]): TlsRptLint;
  /**
   * RFC 8461 §4.1: `*` is exactly one whole left-most label; case-insensitive; a trailing dot is ignored.
   * A host in U-label form is compared as its A-label (§3.2); a U-label pattern matches nothing.
   */
  mxMatches(pattern: string, host: string): boolean;
  /** A host name that can stand as an exact mx pattern (RFC 5321 Domain, two labels or more, not an address). */
  isHostName(name: string): boolean;
  /** The core's thresholds and limits. */
  readonly limits: Limits;
  /**
   * Checks a live domain from here: DNS over HTTPS and the policy fetch, all
   * independent requests at once. Never rejects for network behaviour (it is
   * in the report); throws TypeError for bad arguments.
   */
  checkDomain(domain: string, options?: CheckDomainOptions): Promise<DomainReport>;
  /**
   * The dated change plan of a checkDomain report (docs/GRADING.md, "The change plan"): the four changes
   * with their steps, records and earliest safe times. `now` defaults to Date.now(); `mx` are the MX hosts
   * planned after a migration (all of them). Rejects with a TypeError for bad arguments (before anything
   * is loaded). The plan is computed in the report module: the first call loads it (report.mjs and
   * mtasts-report-core.wasm), as the report methods below do.
   */
  changePlan(report: DomainReport, options?: ChangePlanOptions): Promise<ChangePlan>;
  /**
   * The WebAssembly heap: its size in bytes (it grows and never shrinks) and
   * the bytes currently allocated by the core. For leak tests and diagnostics.
   */
  memoryUsage(): { heapBytes: number; inUseBytes: number };
  /**
   * Reads one TLS-RPT report given in any container the aggregate takes:
   * JSON, gzip, zip or a report e-mail, told apart by content. From a zip or
   * a mail holding several reports, the first one found (in the archive's or
   * the mail's order) is parsed and the others are ignored: use
   * summarizeTlsRptReports to read them all. A container that cannot be
   * opened resolves to valid: false, report: null and its report.container.*
   * finding. Rejects with a TypeError for an argument of another type.
   * The first call loads the report module (report.mjs and
   * mtasts-report-core.wasm); nothing of it is loaded before.
   */
  parseTlsRptReport(bytesOrText: TlsRptData | TlsRptNamedFile): Promise<TlsRptReportParse>;
  /**
   * Reads many report files, each in any container (JSON; gzip; zip, whose
   * JSON and gzip entries are reports; a report e-mail, whose JSON and gzip
   * attachments and JSON body are reports), one after the other, and
   * aggregates the reports. A file that cannot be opened (report.container.unknown,
   * .corrupt, .too_large past limits.report_file_max_bytes decompressed or
   * limits.report_archive_entries entries, .empty) is one `files` and one
   * `errors` entry; the others still load, and so do the reports it yielded
   * before failing. The same report-id from the same organization counts once.
   * Rejects with a TypeError for a bad argument, or with the signal's reason when aborted.
   */
  summarizeTlsRptReports(files: readonly (TlsRptData | TlsRptNamedFile)[],
                         options?: SummarizeTlsRptOptions): Promise<TlsRptSummary>;
}

/** Instantiates the module once; later calls return the same object. */
export function load(): Promise<Mtasts>;
