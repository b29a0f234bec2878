// @ts-check
/**
 * mtasts: the public JavaScript API over the WebAssembly core.
 *
 *   import { load } from './mtasts.mjs';
 *   const m = await load();              // instantiates once; later calls reuse it
 *   m.lintPolicy(text)                   // { valid, findings, policy | null }
 *   m.lintStsRecord(textOrStrings)       // { valid, findings, record | null }
 *   m.lintTlsRptRecord(textOrStrings)    // { valid, findings, record | null }
 *   m.mxMatches(pattern, host)           // boolean
 *   m.isHostName(name)                   // boolean: could stand as an exact mx pattern
 *   m.limits                             // { policy_max_bytes, max_age_week, tlsa_cap, mx_hosts, ... }
 *   await m.checkDomain(domain, options) // the live check: { grade, checks, findings, ... }
 *   await m.changePlan(report, { now, mx })          // the dated change plan of a report: { changes, text, ... }
 *   m.version                            // "0.1.0"
 *   m.memoryUsage()                      // { heapBytes, inUseBytes } of the wasm heap
 *   await m.parseTlsRptReport(bytesOrText)           // one TLS-RPT report: { valid, findings, report }
 *   await m.summarizeTlsRptReports(files, options)   // many, in any container: the aggregate
 *
 * The two report methods and changePlan import ./report.mjs (and it its own
 * module, mtasts-report-core.wasm, which holds the report reader and the
 * plan) only when first called: a page that never reads a report nor makes
 * a plan never loads that code.
 *
 * One artifact for browsers and Node 20: in a browser the .wasm is fetched
 * from next to this file (import.meta.url); in Node it is read from disk and
 * handed to the Emscripten glue, whose own loader would try to fetch() a file
 * path. Results are plain objects parsed from the core's JSON (its one
 * mapping, core/src/json/: the report is schema 1); the check's state
 * goes in as JSON in the same shape, and web/host.mjs makes observations in
 * it. No C++ handle ever reaches the caller, so there is nothing to free.
 * See mtasts.d.ts for the types.
 */
import createMtastsCore from './mtasts-core.mjs';
import { dohQuery, fetchPolicy, base64 } from './host.mjs';

/** The DoH resolver used when none is given: it answers RFC 8484 GETs and allows CORS. */
export const DEFAULT_RESOLVER = 'https://cloudflare-dns.com/dns-query';
/**
 * Per-request time limits (ms) when `timeoutMs` is not given, and the whole
 * check's (CNAME chases and TLSA included). They are the host's defaults,
 * available before load(); the core's limits.h holds the same numbers (the
 * Node tests check that m.limits agrees).
 */
export const DEFAULT_DNS_TIMEOUT_MS = 5000;
export const DEFAULT_POLICY_TIMEOUT_MS = 10000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 30000;

/** @type {Promise<import('./mtasts.d.ts').Mtasts> | null} */
let loading = null;

/**
 * The report layer (report.mjs: TLS-RPT reports and the change plan, and
 * the one loader of their module), imported on first use; a failed import
 * is not cached, so a later call can retry.
 * @type {Promise<any> | null}
 */
let reports = null;
function loadReports() {
  reports ??= import('./report.mjs').catch((err) => {
    reports = null;
    throw new Error(`mtasts: could not load the report module: ${describe(err)}`, { cause: err });
  });
  return reports;
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Loads and instantiates the module, once. A failed load is not cached, so a
 * later call can retry.
 * @returns {Promise<import('./mtasts.d.ts').Mtasts>}
 */
export function load() {
  if (!loading) {
    loading = instantiate().catch((err) => {
      loading = null;
      throw new Error(`mtasts: could not load the WebAssembly module: ${describe(err)}`, { cause: err });
    });
  }
  return loading;
}

function isNode() {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string' &&
    typeof window === 'undefined';
}

/**
 * The A-label (ASCII) form of a domain as typed: UTS #46 through the URL
 * parser, which browsers and Node share. '' when the URL parser reads more
 * than a host in it (a path, a port, a user) or cannot read it; the engine
 * then judges the input itself (the one host-name grammar) and says why.
 * @param {string} input
 */
function toAscii(input) {
  let t = input.trim();
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (t === '') return '';
  if (ASCII.test(t)) return '';  // nothing to map: the engine reads the input itself
  try {
    const u = new URL(`https://${t}/`);
    const onlyHost = u.username === '' && u.password === '' && u.port === '' && u.pathname === '/' && u.search === '' && u.hash === '';
    return onlyHost ? u.hostname : '';
  } catch {
    return '';
  }
}

function describe(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

async function instantiate() {
  /** @type {Record<string, unknown>} */
  const moduleArg = {};
  if (isNode()) {
    const { readFile } = await import('node:fs/promises');
    moduleArg.wasmBinary = await readFile(new URL('./mtasts-core.wasm', import.meta.url));
  } else {
    moduleArg.locateFile = (/** @type {string} */ path) => new URL(path, import.meta.url).href;
  }
  const core = await createMtastsCore(moduleArg);

  const decoder = new TextDecoder();
  /**
   * Calls into the core and parses its JSON answer; never lets a raw value
   * escape. The answer is a view of wasm memory, valid until the next call,
   * so it is decoded at once.
   */
  let broken = false;
  function call(fn, ...args) {
    if (broken) throw new Error('mtasts: the WebAssembly core stopped after an earlier failure; call load() again for a new one');
    let text;
    try {
      text = decoder.decode(fn(...args));
    } catch (err) {
      // The module has no exceptions: the only way here is an abort (out of
      // memory), after which this instance must not be used again. The next
      // load() makes a new one.
      broken = true;
      loading = null;
      throw new Error(`mtasts: the WebAssembly core failed (${describe(err)}); call load() again for a new instance`,
        { cause: err });
    }
    const out = JSON.parse(text);
    if (out && typeof out.error === 'string') throw new Error(`mtasts: ${out.error}`);
    return out;
  }

  /**
   * Text becomes UTF-8 bytes through the native TextEncoder (Emscripten
   * 3.1.6's own encoder is a JS loop: 2 ms of a 5 ms budget for 64 KB); bytes
   * pass through as they are. embind takes a Uint8Array as std::string.
   * (A lone UTF-16 surrogate, which no real text holds, becomes U+FFFD.)
   */
  const encoder = new TextEncoder();
  function textOrBytes(input, what) {
    if (typeof input === 'string') return encoder.encode(input);
    if (input instanceof Uint8Array) return input;
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError(`${what} expects a string or bytes (Uint8Array, ArrayBuffer), got ${kindOf(input)}`);
  }

  function kindOf(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    return typeof v;
  }

  /** A TXT record: one string, or the array of its character-strings. */
  function record(input, one, many, what) {
    if (typeof input === 'string') return call(one, input);
    if (Array.isArray(input)) {
      input.forEach((s, i) => {
        if (typeof s !== 'string') throw new TypeError(`${what}: element ${i} of the array is ${kindOf(s)}, not a string`);
      });
      return call(many, input);
    }
    throw new TypeError(`${what} expects a string or an array of strings, got ${kindOf(input)}`);
  }

  const version = core.version();
  /** The core's thresholds and limits (core/include/mtasts/limits.h). */
  const limits = Object.freeze(JSON.parse(core.limits()));

  /**
   * The live domain check. The C++ engine decides which requests to make and
   * what the answers mean; this loop only runs the requests (all that are
   * independent at once) and hands back what it observed, as JSON, so no
   * C++ object outlives a call.
   */
  async function checkDomain(domain, options = {}) {
    if (typeof domain !== 'string') throw new TypeError(`checkDomain expects a domain string, got ${kindOf(domain)}`);
    if (options === null || typeof options !== 'object') throw new TypeError('checkDomain: options must be an object');
    const {
      resolver = DEFAULT_RESOLVER, fetch = globalThis.fetch, timeoutMs, signal: callerSignal, onProgress,
      totalTimeoutMs = DEFAULT_TOTAL_TIMEOUT_MS,
      policyText, relay, tlsaCap = limits.tlsa_cap, now = () => performance.now(),
    } = options;
    if (typeof resolver !== 'string' || !/^https:\/\//i.test(resolver)) {
      throw new TypeError('checkDomain: resolver must be an https:// DNS-over-HTTPS URL');
    }
    if (typeof fetch !== 'function') throw new TypeError('checkDomain: no fetch function (pass options.fetch)');
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      throw new TypeError('checkDomain: timeoutMs must be a positive number of milliseconds');
    }
    if (callerSignal !== undefined && (callerSignal === null || typeof callerSignal.aborted !== 'boolean')) {
      throw new TypeError('checkDomain: signal must be an AbortSignal');
    }
    if (!(typeof totalTimeoutMs === 'number' && totalTimeoutMs > 0)) {
      throw new TypeError('checkDomain: totalTimeoutMs must be a positive number of milliseconds');
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('checkDomain: onProgress must be a function');
    if (relay !== undefined && (typeof relay !== 'string' || !relay.includes('{url}'))) {
      throw new TypeError("checkDomain: relay must be a URL template containing '{url}'");
    }
    if (!Number.isSafeInteger(tlsaCap) || tlsaCap < 0) throw new TypeError('checkDomain: tlsaCap must be a non-negative integer');
    const pasted = policyText === undefined || policyText === null || policyText === ''
      ? undefined : textOrBytes(policyText, 'checkDomain: policyText');

    const dnsTimeout = timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
    const policyTimeout = timeoutMs ?? DEFAULT_POLICY_TIMEOUT_MS;
    const start = now();
    /** The engine's state (check.h `state`), as its JSON mapping has it. */
    const state = {
      input: domain,
      domain: toAscii(domain),
      resolver,
      tlsa_cap: tlsaCap,
      dns_timeout_ms: dnsTimeout,
      policy_timeout_ms: policyTimeout,
      aborted: false,
      deadline: false,
      total_timeout_ms: totalTimeoutMs,
      observations: [],
    };
    if (pasted) state.pasted_policy = base64(pasted);

    // One deadline for the whole check, beside the per-request ones: a chain
    // of slow CNAME chases must not keep it running for minutes. Reaching it
    // stops the check like the caller's signal does (complete: false).
    const stop = new AbortController();
    const onCallerAbort = () => stop.abort(callerSignal?.reason);
    if (callerSignal?.aborted) stop.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const deadline = setTimeout(() => {
      // The engine says "check.deadline" rather than "check.aborted" for this stop.
      state.deadline = true;
      stop.abort(new Error('the check took too long'));
    }, totalTimeoutMs);
    const signal = stop.signal;
    const done = () => {
      clearTimeout(deadline);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    };
    const step = () => call(core.checkStep, encoder.encode(JSON.stringify(state)));
    let current;
    try {
      current = step();
    } catch (err) {
      done();
      throw err;
    }

    /** Runs one request of the engine; resolves to an observation in the engine's shape, never rejects. */
    async function run(req) {
      try {
        if (req.kind === 'dns') return await dohQuery(resolver, req.dns, { fetch, signal, timeoutMs: dnsTimeout, now });
        return await fetchPolicy(req.url, {
          fetch, signal, timeoutMs: policyTimeout, maxBytes: limits.policy_max_bytes, relay, now,
        });
      } catch (err) {
        return { kind: req.kind === 'dns' ? 'network-error' : 'unreachable', message: describe(err), elapsed_ms: 0 };
      }
    }

    return new Promise((resolve, reject) => {
      const started = new Set();
      let inflight = 0;
      let finished = false;
      const fail = (err) => {
        if (finished) return;
        finished = true;
        done();
        reject(err);
      };
      const progress = (report) => {
        if (!onProgress) return;
        try {
          onProgress(report);
        } catch (err) {
          // A broken progress callback must not stop the check; surface it as
          // an uncaught error would be from an event listener.
          if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
        }
      };
      const settle = () => {
        if (finished || inflight > 0) return;
        if (signal?.aborted) {
          // What never started or never answered is reported as stopped, not pending.
          state.aborted = true;
          current = step();
        }
        finished = true;
        done();
        resolve(current.report);
      };
      const launch = () => {
        if (signal?.aborted) {
          state.aborted = true;
          return;
        }
        for (const req of current.requests) {
          if (started.has(req.id)) continue;
          started.add(req.id);
          inflight += 1;
          run(req).then((obs) => {
            inflight -= 1;
            if (finished) return;
            try {
              state.observations.push({ ...obs, id: req.id, at_ms: now() - start });
              if (signal?.aborted) state.aborted = true;
              current = step();
              launch();
              if (inflight > 0) progress(current.report);
              settle();
            } catch (err) {
              fail(err);
            }
          });
        }
      };
      launch();
      settle();
    });
  }

  return Object.freeze({
    version,
    lintPolicy(text) {
      // A short ASCII text goes to embind as it is (its copy into wasm memory
      // is cheaper than a call to the native TextEncoder); anything else as
      // UTF-8 bytes.
      if (typeof text === 'string' && text.length <= 2048 && ASCII.test(text)) return call(core.lintPolicy, text);
      return call(core.lintPolicy, textOrBytes(text, 'lintPolicy'));
    },
    lintStsRecord(textOrStrings) {
      return record(textOrStrings, core.lintSts, core.lintStsStrings, 'lintStsRecord');
    },
    lintTlsRptRecord(textOrStrings) {
      return record(textOrStrings, core.lintTlsRpt, core.lintTlsRptStrings, 'lintTlsRptRecord');
    },
    checkDomain,
    async changePlan(report, options = {}) {
      // The arguments are checked here, before the report module is loaded: a bad call rejects at once.
      if (report === null || typeof report !== 'object' || typeof report.domain !== 'string') {
        throw new TypeError(`changePlan expects a checkDomain report, got ${kindOf(report)}`);
      }
      if (options === null || typeof options !== 'object') throw new TypeError('changePlan: options must be an object');
      const { now = Date.now(), mx = [] } = options;
      const when = now instanceof Date ? now.getTime() : now;
      if (typeof when !== 'number' || !Number.isFinite(when)) throw new TypeError('changePlan: now must be a Date or Unix milliseconds');
      if (!Array.isArray(mx) || mx.some((h) => typeof h !== 'string')) throw new TypeError('changePlan: mx must be an array of strings');
      // A planned host typed as a U-label is mapped to its A-label, as the check maps the domain.
      const hosts = mx.map((h) => (ASCII.test(h) ? h : toAscii(h) || h));
      const text = JSON.stringify(report);  // the report as given, not as it may be once the module has loaded
      return (await loadReports()).changePlanJson(text, JSON.stringify({ now: when, mx: hosts }));
    },
    mxMatches(pattern, host) {
      if (typeof pattern !== 'string' || typeof host !== 'string') {
        throw new TypeError(`mxMatches expects two strings, got ${kindOf(pattern)} and ${kindOf(host)}`);
      }
      // RFC 8461 §3.2 matches A-labels: a host given as a U-label is mapped to
      // its A-label first (a U-label pattern stays invalid, as in a policy).
      const ascii = ASCII.test(host) ? host : toAscii(host);
      return ascii !== '' && core.mxMatches(pattern, ascii);
    },
    isHostName(name) {
      if (typeof name !== 'string') throw new TypeError(`isHostName expects a string, got ${kindOf(name)}`);
      return core.isHostName(name);
    },
    limits,
    memoryUsage() {
      return core.memoryStats();
    },
    async parseTlsRptReport(bytesOrText) {
      return (await loadReports()).parseTlsRptReport(bytesOrText);
    },
    async summarizeTlsRptReports(files, options) {
      return (await loadReports()).summarizeTlsRptReports(files, options);
    },
  });
}
