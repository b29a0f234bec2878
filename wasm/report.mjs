// @ts-check
/**
 * mtasts reports: TLS-RPT aggregate reports (RFC 8460 §4) from the files a
 * user has, read privately (nothing leaves the machine).
 *
 *   import { parseTlsRptReport, summarizeTlsRptReports } from './report.mjs';
 *   await parseTlsRptReport(bytesOrText)             // { schema, kind, valid, findings, report }
 *   await summarizeTlsRptReports(files, { onProgress, signal })   // the aggregate (docs/REPORTS.md)
 *
 * (wasm/mtasts.mjs offers both as m.parseTlsRptReport and
 * m.summarizeTlsRptReports, and imports this file only when one is first
 * called: the check page never loads it.)
 *
 * The same module also holds the dated change plan (core/src/plan.cpp),
 * kept out of the check module for its size: m.changePlan checks its
 * arguments and calls changePlanJson here, so this file is the one place
 * that loads dist/mtasts-report-core.wasm.
 *
 * This file is the hosts' half of docs/REPORTS.md: it turns files into
 * report texts, told apart by their content, never by their name:
 *
 *   JSON    after an optional UTF-8 BOM and whitespace, `{` or `[`   as is
 *   gzip    1f 8b                        the platform's DecompressionStream('gzip')
 *   zip     50 4b 03 04 (50 4b 05 06)    fflate's streaming Unzip + UnzipInflate (dist/vendor/)
 *   e-mail  a first line `Name: value`   postal-mime (dist/vendor/)
 *
 * Inside a zip or a mail, each entry or attachment that is itself JSON or
 * gzip is a report (a mail's text body too, when it is JSON); other entries
 * are skipped, and a nested zip or mail is not opened. Everything one file
 * decompresses to counts against limits.report_file_max_bytes (64 MiB): the
 * decompression is read chunk by chunk, each chunk from a few KB of input,
 * and stopped there (report.container.too_large), so a bomb costs at most
 * that much memory; a zip opens at most limits.report_archive_entries
 * entries. Nothing is inflated by hand.
 *
 * Each report found becomes an input {source, text}, a failure
 * {source, error: "report.container.…", message}; the core
 * (dist/mtasts-report-core.wasm: core/src/report/) parses and counts them,
 * and its JSON answer is returned as it is. A file that fails never stops
 * the others: it is one error input, and what it yielded before failing
 * still counts.
 *
 * The core module is instantiated lazily, once, as wasm/mtasts.mjs does its
 * own (Node: wasmBinary read from the file; browser: locateFile). fflate
 * and postal-mime are imported only when a zip or a mail is met. fflate's
 * asynchronous APIs make Workers from blob: URLs, which the page's CSP
 * forbids: only its synchronous streaming classes are used.
 */
import createMtastsReportCore from './mtasts-report-core.mjs';

/** The codes of a container that could not be opened (core/include/mtasts/codes.def). */
/** Files opened at the same time by summarizeTlsRptReports (docs/LIMITS.md). */
const OPEN_AT_ONCE = 4;

export const CONTAINER_UNKNOWN = 'report.container.unknown';
export const CONTAINER_CORRUPT = 'report.container.corrupt';
export const CONTAINER_TOO_LARGE = 'report.container.too_large';
export const CONTAINER_EMPTY = 'report.container.empty';

/**
 * Compressed bytes handed to a decompressor at a time: deflate expands at
 * most about 1,032 times, so at most about 33 MB (gzip) and 4 MB (zip)
 * come out of one step before the budget is checked again.
 */
const GZIP_FEED_BYTES = 32 * 1024;
const ZIP_FEED_BYTES = 4 * 1024;
/** Input bytes a zip is fed between two turns of the event loop (a page stays responsive, a signal is seen). */
const YIELD_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------
// The core module

/**
 * @typedef {{ source: string, text: string } | { source: string, error: string, message: string }} Input
 * @typedef {{ report_file_max_bytes: number, report_archive_entries: number, report_max_bytes: number,
 *             [name: string]: number }} ReportLimits
 * @typedef {{ version: string, limits: Readonly<ReportLimits>,
 *             parseReport(text: string): any, summarizeReports(inputs: Input[]): any,
 *             resultTypes(): any[], changePlan(reportJson: string, optionsJson: string): any,
 *             memoryUsage(): { heapBytes: number, inUseBytes: number } }} ReportCore
 */

/** @type {Promise<ReportCore> | null} */
let loading = null;

/**
 * Loads and instantiates the report module (dist/mtasts-report-core.wasm),
 * once. A failed load is not cached, so a later call can retry.
 * @returns {Promise<ReportCore>}
 */
export function loadReportCore() {
  if (!loading) {
    loading = instantiate().catch((err) => {
      loading = null;
      throw new Error(`mtasts: could not load the report module: ${describe(err)}`, { cause: err });
    });
  }
  return loading;
}

/**
 * Loads the report module and runs it a few times on a small synthetic
 * report, so that the engine has compiled its hot paths optimised before
 * real reports arrive (V8 runs a wasm function's first calls in baseline
 * code: a 10 MB report read first took about 1.8 times as long as read
 * second). The Reports view calls this when it is opened, while a person
 * picks files: six runs of about 35 ms, with the main thread free between
 * them. A failure is left to the real call.
 * @returns {Promise<void>}
 */
export async function warmReportCore() {
  try {
    const core = await loadReportCore();
    const detail = (/** @type {number} */ i) => ({
      'result-type': 'certificate-expired', 'sending-mta-ip': `192.0.2.${i % 250}`,
      'receiving-mx-hostname': 'mx.example.com', 'failed-session-count': 1 + (i % 7),
    });
    const text = JSON.stringify({
      'organization-name': 'warm-up', 'date-range': { 'start-datetime': '2026-01-01T00:00:00Z', 'end-datetime': '2026-01-01T23:59:59Z' },
      'contact-info': 'warm-up', 'report-id': 'warm-up',
      policies: [{ policy: { 'policy-type': 'sts', 'policy-string': ['version: STSv1', 'mode: testing', 'mx: mx.example.com', 'max_age: 86400'], 'policy-domain': 'example.com' },
        summary: { 'total-successful-session-count': 1, 'total-failure-session-count': 0 },
        'failure-details': Array.from({ length: 2000 }, (_, i) => detail(i)) }],
    });
    for (let i = 0; i < 6; i++) {
      core.summarizeReports([{ source: 'warm-up', text }]);
      await new Promise((resolve) => setTimeout(resolve, 0));  // about 35 ms each: the page stays responsive
    }
  } catch {
    // the real call reports any failure
  }
}

function isNode() {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string' &&
    typeof window === 'undefined';
}

/** @param {unknown} err */
function describe(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** @returns {Promise<ReportCore>} */
async function instantiate() {
  /** @type {Record<string, unknown>} */
  const moduleArg = {};
  if (isNode()) {
    const { readFile } = await import('node:fs/promises');
    moduleArg.wasmBinary = await readFile(new URL('./mtasts-report-core.wasm', import.meta.url));
  } else {
    moduleArg.locateFile = (/** @type {string} */ path) => new URL(path, import.meta.url).href;
  }
  const core = await createMtastsReportCore(moduleArg);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();

  /**
   * Calls into the core and parses its JSON answer, a view of wasm memory
   * valid until the next call (decoded at once). After an abort (out of
   * memory: the module has no exceptions) this instance is not used again.
   */
  let broken = false;
  /** @param {Function} fn @param {...unknown} args */
  function call(fn, ...args) {
    if (broken) throw new Error('mtasts: the report module stopped after an earlier failure; call again for a new one');
    let text;
    try {
      text = decoder.decode(fn(...args));
    } catch (err) {
      broken = true;
      loading = null;
      throw new Error(`mtasts: the report module failed (${describe(err)}); a later call makes a new instance`,
        { cause: err });
    }
    const out = JSON.parse(text);
    if (out && !Array.isArray(out) && typeof out.error === 'string') throw new Error(`mtasts: ${out.error}`);
    return out;
  }

  const limits = Object.freeze(JSON.parse(core.limits()));
  /** @type {any[] | null} */
  let resultTypes = null;
  return Object.freeze({
    version: core.version(),
    limits,
    /** @param {string} text */
    parseReport: (text) => call(core.parseReport, encoder.encode(text)),
    /** @param {Input[]} inputs */
    summarizeReports(inputs) {
      // The texts travel as one byte array beside a small JSON of {source, offset, length}: escaped into
      // the JSON, a 10 MB report would be lexed twice by the core (once as a string, once as a report).
      const parts = [];
      const meta = [];
      let total = 0;
      for (const x of inputs) {
        if ('text' in x) {
          const bytes = encoder.encode(x.text);
          meta.push({ source: x.source, offset: total, length: bytes.length });
          parts.push(bytes);
          total += bytes.length;
        } else {
          meta.push(x);
        }
      }
      const texts = new Uint8Array(total);
      let at = 0;
      for (const b of parts) {
        texts.set(b, at);
        at += b.length;
      }
      return call(core.summarizeReports, encoder.encode(JSON.stringify(meta)), texts);
    },
    resultTypes() {
      resultTypes ??= call(core.resultTypes);
      return structuredClone(resultTypes);
    },
    /** @param {string} reportJson @param {string} optionsJson */
    changePlan: (reportJson, optionsJson) => call(core.changePlan, encoder.encode(reportJson), optionsJson),
    memoryUsage: () => core.memoryStats(),
  });
}

// ---------------------------------------------------------------------------
// The libraries, imported when first needed

/** @type {Promise<any> | null} */
let fflate = null;
/** @type {Promise<any> | null} */
let postalMime = null;

function loadFflate() {
  fflate ??= import('./vendor/fflate.mjs').catch((err) => { fflate = null; throw err; });
  return fflate;
}
function loadPostalMime() {
  postalMime ??= import('./vendor/postal-mime/postal-mime.js').then((m) => m.default)
    .catch((err) => { postalMime = null; throw err; });
  return postalMime;
}

// ---------------------------------------------------------------------------
// The arguments

/**
 * @typedef {string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob} Data
 * @typedef {Data | { name?: string, data: Data }} Item
 * @typedef {{ name: string, data: Data }} Named
 */

/** @param {unknown} v */
function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  return typeof v;
}

/** @param {unknown} v @returns {v is Blob} */
function isBlob(v) {
  return typeof Blob === 'function' && v instanceof Blob;
}

/** @param {unknown} v @returns {v is Data} */
function isData(v) {
  return typeof v === 'string' || v instanceof ArrayBuffer || ArrayBuffer.isView(v) || isBlob(v);
}

/**
 * One item of the list, checked and named: a File keeps its name, an
 * unnamed item is `input-<n>` (1-based position in the list).
 * @param {unknown} item @param {number} index @param {string} what
 * @returns {Named}
 */
function itemOf(item, index, what) {
  const fallback = `input-${index + 1}`;
  if (isData(item)) {
    const name = isBlob(item) && typeof (/** @type {any} */ (item).name) === 'string' ? /** @type {any} */ (item).name : '';
    return { name: name || fallback, data: item };
  }
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && 'data' in item) {
    const { name, data } = /** @type {{ name?: unknown, data: unknown }} */ (item);
    if (name !== undefined && name !== null && typeof name !== 'string') {
      throw new TypeError(`${what}: the name of item ${index} is ${kindOf(name)}, not a string`);
    }
    if (!isData(data)) {
      throw new TypeError(`${what}: the data of item ${index} is ${kindOf(data)}, not a string, bytes or a Blob`);
    }
    return { name: name || fallback, data };
  }
  throw new TypeError(`${what}: item ${index} is ${kindOf(item)}; expected a string, bytes (Uint8Array, ArrayBuffer), ` +
    'a Blob or File, or {name, data}');
}

/**
 * @param {unknown} options @param {string} what
 * @returns {{ onProgress?: (p: { done: number, total: number, source: string }) => void, signal?: AbortSignal }}
 */
function optionsOf(options, what) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const { onProgress, signal } = /** @type {any} */ (options);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`${what}: onProgress must be a function`);
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    throw new TypeError(`${what}: signal must be an AbortSignal`);
  }
  return { onProgress, signal };
}

/** @param {AbortSignal | undefined} signal */
function throwIfAborted(signal) {
  if (!signal?.aborted) return;
  throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

// ---------------------------------------------------------------------------
// Telling containers apart, by content

const encoder = new TextEncoder();

/**
 * What a file's first bytes say it is (docs/REPORTS.md, "Containers"):
 * 'json', 'gzip', 'zip', 'mail', 'unknown', or 'more' (only whitespace so far).
 * @param {Uint8Array} b
 */
export function sniff(b) {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b &&
      ((b[2] === 0x03 && b[3] === 0x04) || (b[2] === 0x05 && b[3] === 0x06))) return 'zip';
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i += 1;
  if (i === b.length) return 'more';
  if (b[i] === 0x7b || b[i] === 0x5b) return 'json';
  if (isHeaderLine(b)) return 'mail';
  return 'unknown';
}

/**
 * A mail starts with a header field (RFC 5322 §2.2): a name of printable
 * ASCII other than `:`, then `:` (Return-Path:, Received:, From:,
 * MIME-Version:...).
 * @param {Uint8Array} b
 */
function isHeaderLine(b) {
  let i = 0;
  while (i < b.length && i < 998 && b[i] >= 0x21 && b[i] <= 0x7e && b[i] !== 0x3a) i += 1;
  return i > 0 && i < b.length && b[i] === 0x3a;
}

/** How a file that is none of the containers starts, for its error message. @param {Uint8Array} b */
function opening(b) {
  if (b.length === 0) return 'it is empty';
  const head = b.subarray(0, 24);
  if (head.every((c) => (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d)) {
    const text = new TextDecoder().decode(head).replace(/\s+/g, ' ').trim();
    return `it starts with "${text}${b.length > head.length ? '…' : ''}"`;
  }
  const hex = Array.from(b.subarray(0, 8), (c) => c.toString(16).padStart(2, '0')).join(' ');
  return `it starts with the bytes ${hex}`;
}

/** A file that could not be opened: one input with a container code. */
class ContainerError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const MiB = 1024 * 1024;
/** @param {number} n */
function bytesText(n) {
  return n % MiB === 0 ? `${n / MiB} MiB` : `${n.toLocaleString('en-US')} bytes`;
}

/**
 * What one file may still decompress to (limits.report_file_max_bytes for
 * all it yields), shared by the gzip streams and zip entries inside it.
 */
class Budget {
  /** @param {number} max @param {string} source */
  constructor(max, source) {
    this.max = max;
    this.left = max;
    this.source = source;
  }
  /** Counts n more decompressed bytes; false past the limit. @param {number} n */
  take(n) {
    this.left -= n;
    return this.left >= 0;
  }
  /** A budget that starts where this one is (for a try whose bytes count only if it succeeds). */
  fork() {
    const b = new Budget(this.max, this.source);
    b.left = this.left;
    return b;
  }
  tooLarge() {
    return new ContainerError(CONTAINER_TOO_LARGE,
      `${this.source}: decompresses to more than ${bytesText(this.max)}, the limit for one file; stopped there`);
  }
}

/** @param {Uint8Array[]} chunks @param {number} total */
function concat(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** UTF-8 text (a BOM dropped; an invalid sequence becomes U+FFFD, as in every host). @param {Uint8Array} bytes */
function textOf(bytes) {
  return new TextDecoder().decode(bytes);
}

/** A turn of the event loop. */
function yieldNow() {
  return new Promise((resolve) => { setTimeout(resolve, 0); });
}

// ---------------------------------------------------------------------------
// The containers

/** Members read from one gzip file, and later gzip headers tried as the end of one member (see gunzip). */
const GZIP_MEMBERS = 64;
const GZIP_BOUNDARY_TRIES = 16;

/**
 * gzip, every member of it (RFC 1952 §2.2: a file may hold several, read
 * as one text, as Node and libarchive read them). A browser's
 * DecompressionStream reads only the first and calls the rest "junk": then
 * the first member's end is found as the earliest later gzip header (1f 8b
 * 08) up to which the data decompresses cleanly, its CRC-32 and length
 * checked, and the rest is read the same way. Damaged data has no such
 * header, or none that ends a member: it stays damaged.
 * @param {Uint8Array} bytes @param {Budget} budget @param {string} source @param {AbortSignal | undefined} signal
 * @returns {Promise<Uint8Array>}
 */
async function gunzip(bytes, budget, source, signal, members = 1) {
  const whole = budget.fork();
  try {
    const out = await gunzipStream(bytes, whole, source, signal);
    budget.left = whole.left;
    return out;
  } catch (err) {
    if (!(err instanceof ContainerError) || err.code !== CONTAINER_CORRUPT || members >= GZIP_MEMBERS) throw err;
    let tries = 0;
    for (let k = memberAt(bytes, 18); k > 0 && tries < GZIP_BOUNDARY_TRIES; k = memberAt(bytes, k + 1), tries += 1) {
      const head = budget.fork();
      let first;
      try {
        first = await gunzipStream(bytes.subarray(0, k), head, source, signal);
      } catch (e) {
        if (e instanceof ContainerError && e.code === CONTAINER_CORRUPT) continue;
        throw e;
      }
      budget.left = head.left;
      const rest = await gunzip(bytes.subarray(k), budget, source, signal, members + 1);
      return concat([first, rest], first.length + rest.length);
    }
    throw err;
  }
}

/** The next gzip header (1f 8b, deflate) at or after `from`, or -1. @param {Uint8Array} b @param {number} from */
function memberAt(b, from) {
  for (let i = from; i + 3 <= b.length; i += 1) {
    if (b[i] === 0x1f && b[i + 1] === 0x8b && b[i + 2] === 0x08) return i;
  }
  return -1;
}

/**
 * One gzip stream through the platform's DecompressionStream, fed
 * GZIP_FEED_BYTES at a time and read chunk by chunk: stopped and cancelled
 * past the budget.
 * @param {Uint8Array} bytes @param {Budget} budget @param {string} source @param {AbortSignal | undefined} signal
 * @returns {Promise<Uint8Array>}
 */
async function gunzipStream(bytes, budget, source, signal) {
  let at = 0;
  const input = new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(at + GZIP_FEED_BYTES, bytes.length);
      controller.enqueue(bytes.slice(at, end));
      at = end;
    },
  }, { highWaterMark: 0 });
  const reader = input.pipeThrough(new DecompressionStream('gzip')).getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch (err) {
        throw new ContainerError(CONTAINER_CORRUPT, `${source}: damaged gzip data (${describe(err)})`);
      }
      if (step.done) break;
      if (!budget.take(step.value.length)) throw budget.tooLarge();
      throwIfAborted(signal);
      chunks.push(step.value);
      total += step.value.length;
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    throw err;
  }
  return concat(chunks, total);
}

/**
 * A report inside a container (an entry or an attachment): JSON is a
 * report, gzip is opened as one; anything else is skipped (null).
 * @param {Uint8Array} bytes @param {string} source @param {Budget} budget @param {AbortSignal | undefined} signal
 * @returns {Promise<Input | null>}
 */
async function innerReport(bytes, source, budget, signal) {
  const kind = sniff(bytes);
  if (kind === 'json') return { source, text: textOf(bytes) };
  if (kind !== 'gzip') return null;
  try {
    return { source, text: textOf(await gunzip(bytes, budget, source, signal)) };
  } catch (err) {
    // Past the limit the whole file stops; a damaged attachment or entry is an error of its own.
    if (err instanceof ContainerError && err.code === CONTAINER_CORRUPT) return { source, error: err.code, message: err.message };
    throw err;
  }
}

/**
 * A zip, through fflate's streaming Unzip (local headers in order; stored
 * and deflated entries), fed ZIP_FEED_BYTES at a time so that no entry inflates
 * more than about 4 MB at once. Every entry's output counts against the
 * budget, skipped ones too.
 * @param {Uint8Array} bytes @param {string} source @param {ReportLimits} limits @param {Budget} budget
 * @param {AbortSignal | undefined} signal @param {Input[]} out
 */
async function openZip(bytes, source, limits, budget, signal, out) {
  const { Unzip, UnzipInflate } = await loadFflate();
  /** @typedef {{ name: string, chunks: Uint8Array[], size: number, kind: string, done: boolean, error: string }} Entry */
  /** @type {Entry[]} */
  const entries = [];
  let seen = 0;
  /** @type {ContainerError | null} */
  let stop = null;
  const unzip = new Unzip((/** @type {any} */ file) => {
    if (stop) return;
    seen += 1;
    if (seen > limits.report_archive_entries) {
      stop = new ContainerError(CONTAINER_TOO_LARGE,
        `${source}: more than ${limits.report_archive_entries} entries, the limit for one archive; stopped there`);
      return;
    }
    /** @type {Entry} */
    const entry = { name: String(file.name), chunks: [], size: 0, kind: 'more', done: false, error: '' };
    if (entry.name.endsWith('/')) return;  // a directory: never started, its (empty) data is dropped
    entries.push(entry);
    if (file.compression !== 0 && file.compression !== 8) {
      // Neither stored nor deflated (bzip2, LZMA...): not started; fflate skips its data.
      entry.error = `compressed with method ${file.compression}, which is not supported (only stored and deflate)`;
      entry.done = true;
      return;
    }
    file.ondata = (/** @type {any} */ err, /** @type {Uint8Array | null} */ data, /** @type {boolean} */ final) => {
      if (stop || entry.done) return;
      if (err) {
        entry.error = describe(err);
        entry.done = true;
        return;
      }
      if (data && data.length) {
        if (!budget.take(data.length)) {
          stop = budget.tooLarge();
          return;
        }
        if (entry.kind === 'more' || entry.kind === 'json' || entry.kind === 'gzip') {
          entry.chunks.push(data);
          entry.size += data.length;
          // Decided on 4 bytes or more (a stored entry may come a byte at a time), or at its end.
          if (entry.kind === 'more' && (entry.size >= 4 || final)) {
            entry.kind = sniff(entry.chunks.length === 1 ? data : concat(entry.chunks, entry.size));
            if (entry.kind !== 'more' && entry.kind !== 'json' && entry.kind !== 'gzip') entry.chunks = [];
          }
        }
      }
      if (final) entry.done = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  let fed = 0;
  try {
    for (let at = 0; at < bytes.length && !stop; at += ZIP_FEED_BYTES) {
      const end = Math.min(at + ZIP_FEED_BYTES, bytes.length);
      unzip.push(bytes.subarray(at, end), end === bytes.length);
      fed += end - at;
      if (fed >= YIELD_BYTES) {
        fed = 0;
        await yieldNow();
        throwIfAborted(signal);
      }
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    if (!stop) {
      const last = entries.at(-1);
      const where = last && !last.done ? ` in ${last.name}` : '';
      stop = new ContainerError(CONTAINER_CORRUPT, `${source}: damaged zip archive${where} (${describe(err)})`);
      if (last && !last.done) {
        // Named in the file's error: not listed again as an entry of its own.
        last.done = true;
        last.error = 'skip';
      }
    }
  }
  if (!stop && seen === 0 && bytes[2] === 0x03) {
    // It starts with a local file header, yet no entry could be read from it.
    stop = new ContainerError(CONTAINER_CORRUPT, `${source}: damaged zip archive (no entry could be read)`);
  }
  if (!stop && !endOfCentralDirectory(bytes)) {
    // The streaming reader reads the entries in order and never needs the
    // directory at the end, so a cut archive would otherwise go unnoticed.
    stop = new ContainerError(CONTAINER_CORRUPT, `${source}: the zip archive is cut short (it has no end of central directory)`);
  }

  let reports = 0;
  for (const entry of entries) {
    if (stop && !entry.done) break;  // what was read before the failure counts
    const at = `${source}/${entry.name}`;
    if (entry.error === 'skip') continue;
    if (entry.error) {
      if (entry.kind === 'more' || entry.kind === 'json' || entry.kind === 'gzip') {
        out.push({ source: at, error: CONTAINER_CORRUPT, message: `${at}: damaged zip entry (${entry.error})` });
        reports += 1;
      }
      continue;
    }
    if (!entry.done) {
      out.push({ source: at, error: CONTAINER_CORRUPT, message: `${at}: the zip archive ends inside this entry` });
      reports += 1;
      continue;
    }
    if (entry.kind !== 'json' && entry.kind !== 'gzip') continue;
    const data = concat(entry.chunks, entry.size);
    entry.chunks = [];
    const input = await innerReport(data, at, budget, signal);
    if (input) {
      out.push(input);
      reports += 1;
    }
  }
  if (stop) throw stop;
  if (reports === 0) {
    throw new ContainerError(CONTAINER_EMPTY, entries.length === 0 ? `${source}: an empty zip archive`
      : `${source}: a zip archive of ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, none of them a JSON or gzip report`);
  }
}

/**
 * The end of central directory record (50 4b 05 06), which closes every
 * whole zip archive: in its last 22 bytes, or up to 65,535 bytes (its
 * comment) earlier.
 * @param {Uint8Array} b
 */
function endOfCentralDirectory(b) {
  for (let i = b.length - 22; i >= 0 && i >= b.length - 22 - 65535; i -= 1) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return true;
  }
  return false;
}

/**
 * A report e-mail (RFC 8460 §5.3: multipart/report, the report attached as
 * application/tlsrpt+gzip or +json), through postal-mime. Every attachment
 * that is JSON or gzip is a report, and so is a text body that is JSON.
 * Nested messages are not opened (maxRfc822NestingDepth 0: they stay
 * attachments, and are skipped as mail).
 * @param {Uint8Array} bytes @param {string} source @param {Budget} budget
 * @param {AbortSignal | undefined} signal @param {Input[]} out
 */
async function openMail(bytes, source, budget, signal, out) {
  const PostalMime = await loadPostalMime();
  let email;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer', maxRfc822NestingDepth: 0 });
  } catch (err) {
    throw new ContainerError(CONTAINER_CORRUPT, `${source}: damaged e-mail (${describe(err)})`);
  }
  throwIfAborted(signal);
  let reports = 0;
  const names = new Set();
  const attachments = Array.isArray(email.attachments) ? email.attachments : [];
  for (const [i, a] of attachments.entries()) {
    let name = typeof a.filename === 'string' && a.filename !== '' ? a.filename : `attachment-${i + 1}`;
    if (names.has(name)) name = `${name}#${i + 1}`;
    names.add(name);
    const content = a.content instanceof ArrayBuffer ? new Uint8Array(a.content)
      : a.content instanceof Uint8Array ? a.content
        : typeof a.content === 'string' ? encoder.encode(a.content) : new Uint8Array(0);
    const input = await innerReport(content, `${source}/${name}`, budget, signal);
    if (input) {
      out.push(input);
      reports += 1;
    }
  }
  if (typeof email.text === 'string' && /^\uFEFF?[ \t\r\n]*[{[]/.test(email.text)) {
    out.push({ source: `${source}/body`, text: email.text });
    reports += 1;
  }
  if (reports === 0) {
    throw new ContainerError(CONTAINER_EMPTY,
      `${source}: an e-mail with ${attachments.length === 0 ? 'no attachment' : `${attachments.length} attachment${attachments.length === 1 ? '' : 's'}`}` +
      ' and no JSON body: no TLS-RPT report in it');
  }
}

/**
 * One file's bytes to inputs, appended to `out`.
 * @param {Uint8Array} bytes @param {string} source @param {ReportLimits} limits
 * @param {AbortSignal | undefined} signal @param {Input[]} out
 */
async function openBytes(bytes, source, limits, signal, out) {
  const max = limits.report_file_max_bytes;
  if (bytes.length > max) {
    throw new ContainerError(CONTAINER_TOO_LARGE,
      `${source}: ${bytesText(bytes.length)}, more than the ${bytesText(max)} one file may have`);
  }
  const budget = new Budget(max, source);
  const kind = sniff(bytes);
  switch (kind) {
    case 'json':
      out.push({ source, text: textOf(bytes) });
      return;
    case 'gzip':
      out.push({ source, text: textOf(await gunzip(bytes, budget, source, signal)) });
      return;
    case 'zip':
      await openZip(bytes, source, limits, budget, signal, out);
      return;
    case 'mail':
      await openMail(bytes, source, budget, signal, out);
      return;
    default:
      throw new ContainerError(CONTAINER_UNKNOWN,
        `${source}: not a TLS-RPT report: neither JSON, gzip, zip nor an e-mail (${opening(bytes)})`);
  }
}

/**
 * A checked item's data as bytes; a Blob over the limit is not read.
 * @param {Named} item @param {ReportLimits} limits
 * @returns {Promise<Uint8Array>}
 */
async function bytesOf(item, limits) {
  const { data } = item;
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data.size > limits.report_file_max_bytes) {
    throw new ContainerError(CONTAINER_TOO_LARGE,
      `${item.name}: ${bytesText(data.size)}, more than the ${bytesText(limits.report_file_max_bytes)} one file may have`);
  }
  try {
    return new Uint8Array(await data.arrayBuffer());
  } catch (err) {
    throw new ContainerError(CONTAINER_CORRUPT, `${item.name}: could not be read (${describe(err)})`);
  }
}

/**
 * Opens every file, one after the other, into the core's inputs: each
 * report found is {source, text}; a file that could not be opened adds one
 * {source, error, message}. Rejects only for a bad argument or an abort.
 * @param {readonly unknown[]} list @param {{ onProgress?: Function, signal?: AbortSignal }} [options]
 * @returns {Promise<Input[]>}
 */
export async function openReports(list, options) {
  const what = 'openReports';
  if (!Array.isArray(list)) throw new TypeError(`${what} expects an array of files, got ${kindOf(list)}`);
  const items = list.map((x, i) => itemOf(x, i, what));
  const { onProgress, signal } = optionsOf(options, what);
  const { limits } = await loadReportCore();
  return open(items, limits, { onProgress, signal });
}

/**
 * @param {Named[]} items @param {ReportLimits} limits
 * @param {{ onProgress?: Function, signal?: AbortSignal, first?: boolean }} options
 * @returns {Promise<Input[]>}
 */
async function open(items, limits, { onProgress, signal, first = false }) {
  /** @type {Input[][]} the inputs of each file, in the files' order (the first of two copies of a report wins) */
  const per = items.map(() => []);
  const finished = items.map(() => false);
  let done = 0;  // files whose progress was reported: always a prefix of the list, so progress comes in order
  /** @param {number} i */
  async function one(i) {
    const item = items[i];
    const out = per[i];
    try {
      await openBytes(await bytesOf(item, limits), item.name, limits, signal, out);
    } catch (err) {
      if (!(err instanceof ContainerError)) {
        if (signal?.aborted) throw err;
        // Not expected (a library failing in an unforeseen way): still this file's failure only.
        out.push({ source: item.name, error: CONTAINER_CORRUPT, message: `${item.name}: could not be opened (${describe(err)})` });
      } else {
        out.push({ source: item.name, error: err.code, message: err.message });
      }
    }
    finished[i] = true;
    while (done < items.length && finished[done]) {
      if (signal?.aborted) return;  // nothing more is reported once stopped
      const f = done;
      done += 1;
      if (onProgress) {
        try {
          onProgress({ done, total: items.length, source: items[f].name, inputs: per[f].length });
        } catch (err) {
          if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
        }
      }
    }
  }
  if (first) {
    for (let i = 0; i < items.length; i++) {
      throwIfAborted(signal);
      await one(i);
      if (per[i].some((x) => 'text' in x)) break;
    }
  } else {
    // OPEN_AT_ONCE files at a time: each file's decompression waits on the platform's streams, and 1,000
    // small gzip files opened one after another spent most of their time waiting (1.35 s in Chromium 156,
    // against 0.4 s for the core to read them). Memory stays bounded: at most OPEN_AT_ONCE files are
    // being decompressed, each within limits.report_file_max_bytes.
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        throwIfAborted(signal);
        await one(next++);
      }
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, items.length) }, worker));
  }
  throwIfAborted(signal);
  return per.flat();
}

// ---------------------------------------------------------------------------
// The API

/**
 * Reads one TLS-RPT report, in any container: {schema: 1, kind:
 * "tlsrpt-report", valid, findings, report} (docs/REPORTS.md). From an
 * archive or a mail holding several, the first report found (in the
 * archive's or the mail's order) is parsed and the others are ignored. A
 * container that cannot be opened gives valid: false, report: null and its
 * report.container.* finding.
 * @param {unknown} bytesOrText a string, bytes (Uint8Array, ArrayBuffer, a view), a Blob or File, or {name, data}
 */
export async function parseTlsRptReport(bytesOrText) {
  const what = 'parseTlsRptReport';
  if (bytesOrText === undefined || bytesOrText === null || Array.isArray(bytesOrText)) {
    throw new TypeError(`${what} expects a string, bytes, a Blob or {name, data}, got ${kindOf(bytesOrText)}`);
  }
  const item = itemOf(bytesOrText, 0, what);
  const core = await loadReportCore();
  const inputs = await open([item], core.limits, { first: true });
  const report = inputs.find((x) => 'text' in x);
  if (report && 'text' in report) return core.parseReport(report.text);
  // The container's failure, with the finding the core makes of it (its severity, RFC section and fix).
  const summary = core.summarizeReports(inputs.slice(0, 1));
  return { schema: 1, kind: 'tlsrpt-report', valid: false, findings: summary.files[0]?.findings ?? [], report: null };
}

/**
 * Reads many files (each a container of docs/REPORTS.md) and aggregates the
 * reports in them: {schema: 1, kind: "tlsrpt-summary", reports, duplicates,
 * period, totals, byDay, byPolicy, byMx, byResultType, byOrganization,
 * bySendingIp, files, errors}. A file that cannot be opened is one `files`
 * entry with status "error" and one `errors` entry; the others still load.
 * @param {unknown} list an array of strings, bytes, Blobs or Files, or {name, data}
 * @param {unknown} [options] {onProgress({done, total, source, inputs}), signal}
 */
export async function summarizeTlsRptReports(list, options) {
  const what = 'summarizeTlsRptReports';
  if (!Array.isArray(list)) throw new TypeError(`${what} expects an array of files, got ${kindOf(list)}`);
  const items = list.map((x, i) => itemOf(x, i, what));
  const { onProgress, signal } = optionsOf(options, what);
  const core = await loadReportCore();
  const inputs = await open(items, core.limits, { onProgress, signal });
  return core.summarizeReports(inputs);
}

/** The eleven RFC 8460 §4.3 result types, explained: [{resultType, rfc, meaning, cause, fix}]. */
export async function resultTypes() {
  return (await loadReportCore()).resultTypes();
}

/**
 * The dated change plan (core/include/mtasts/plan.h) of a domain report given
 * as its JSON text, with the options {now: Unix ms, mx: [A-label host, ...]}
 * as JSON: m.changePlan (wasm/mtasts.mjs) checks its arguments and calls
 * this. Rejects with the core's error for a report it cannot read.
 * @param {string} reportJson @param {string} optionsJson
 */
export async function changePlanJson(reportJson, optionsJson) {
  return (await loadReportCore()).changePlan(reportJson, optionsJson);
}
