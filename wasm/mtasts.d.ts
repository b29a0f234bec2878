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

export interface Mtasts {
  readonly version: string;
  /** A policy body, as text or as the raw bytes that were served. */
  lintPolicy(text: string | Uint8Array | ArrayBuffer | ArrayBufferView): PolicyLint;
  /** The _mta-sts TXT record, as one string or as its character-strings (joined without separators). */
  lintStsRecord(textOrStrings: string | string[]): StsLint;
  /** The _smtp._tls TXT record, as one string or as its character-strings. */
  lintTlsRptRecord(textOrStrings: string | string[]): TlsRptLint;
  /** RFC 8461 §4.1: `*` is exactly one whole left-most label; case-insensitive; a trailing dot is ignored. */
  mxMatches(pattern: string, host: string): boolean;
}

/** Instantiates the module once; later calls return the same object. */
export function load(): Promise<Mtasts>;
