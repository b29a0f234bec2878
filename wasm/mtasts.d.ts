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
export type CheckId = 'sts' | 'policy_fetch' | 'policy' | 'mx' | 'tlsrpt' | 'dane';

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

/** See docs/GRADING.md. */
export interface DomainReport {
  schema: 1;
  kind: 'domain';
  /** As typed. */
  input: string;
  /** The domain checked: lower case, A-labels. */
  domain: string;
  resolver: string;
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
  mx_kind: 'records' | 'implicit' | 'null' | null;
  mx: { host: string; preference: number; covered: boolean | null; pattern: string | null;
        tlsa: { records: number; ad: boolean } | null }[];
  sts: { records: string[]; record: string | null; id: string | null; aliases: string[]; ad: boolean } | null;
  policy: { source: 'fetched' | 'relay' | 'pasted'; url: string; status: number | null; content_type: string | null;
            size: number; text: string; valid: boolean; mode: Policy['mode'] | null; max_age: number | null;
            mx: string[] } | null;
  tlsrpt: { records: string[]; record: string | null; valid: boolean; rua: string[] } | null;
  dnssec: { mx_ad: boolean | null; sts_ad: boolean | null; tlsa: { host: string; records: number; ad: boolean }[] };
  timings: { total_ms: number; requests: { id: string; elapsed_ms: number }[] };
  /** Request ids not yet answered (progress reports only). */
  pending: string[];
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
   * The WebAssembly heap: its size in bytes (it grows and never shrinks) and
   * the bytes currently allocated by the core. For leak tests and diagnostics.
   */
  memoryUsage(): { heapBytes: number; inUseBytes: number };
}

/** Instantiates the module once; later calls return the same object. */
export function load(): Promise<Mtasts>;
