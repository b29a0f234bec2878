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
 *   await m.checkDomain(domain, options) // the live check: { grade, checks, findings, ... }
 *   m.version                            // "0.1.0"
 *   m.memoryUsage()                      // { heapBytes, inUseBytes } of the wasm heap
 *
 * One artifact for browsers and Node 20: in a browser the .wasm is fetched
 * from next to this file (import.meta.url); in Node it is read from disk and
 * handed to the Emscripten glue, whose own loader would try to fetch() a file
 * path. Results are plain objects (parsed from the core's JSON report,
 * schema 1); no C++ handle ever reaches the caller, so there is nothing to
 * free. See mtasts.d.ts for the types.
 */
import createMtastsCore from './mtasts-core.mjs';
import { dohQuery, fetchPolicy } from './host.mjs';

/** The DoH resolver used when none is given: it answers RFC 8484 GETs and allows CORS. */
export const DEFAULT_RESOLVER = 'https://cloudflare-dns.com/dns-query';
/** Per-request time limits (ms) when `timeoutMs` is not given. */
export const DEFAULT_DNS_TIMEOUT_MS = 5000;
export const DEFAULT_POLICY_TIMEOUT_MS = 10000;
/** The whole check, CNAME chases and TLSA included (ms). */
export const DEFAULT_TOTAL_TIMEOUT_MS = 30000;
/** Largest policy body read (RFC 8461 §3.3: 64 KB); one byte more tells "too large". */
const POLICY_MAX_BYTES = 65536;

/** @type {Promise<import('./mtasts.d.ts').Mtasts> | null} */
let loading = null;

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
 * parser, which browsers and Node share. '' when it cannot be a host name;
 * the engine then judges the input itself and says why.
 * @param {string} input
 */
function toAscii(input) {
  let t = input.trim();
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (t === '' || /[\s/?#@:\\%]/.test(t)) return '';
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(t)) return t.toLowerCase();
  try {
    return new URL(`https://${t}/`).hostname;
  } catch {
    return '';
  }
}

/** @param {string} text base64url without padding */
function fromBase64url(text) {
  const b = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i += 1) out[i] = b.charCodeAt(i);
  return out;
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
  function call(fn, ...args) {
    let text;
    try {
      text = decoder.decode(fn(...args));
    } catch (err) {
      throw new Error(`mtasts: the WebAssembly core failed: ${describe(err)}`, { cause: err });
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
      policyText, relay, tlsaCap = 10, now = () => performance.now(),
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
    const state = {
      input: domain,
      domain: toAscii(domain),
      resolver,
      tlsa_cap: tlsaCap,
      dns_timeout_ms: dnsTimeout,
      policy_timeout_ms: policyTimeout,
      aborted: false,
      total_timeout_ms: totalTimeoutMs,
      observations: [],
    };
    if (pasted) state.pasted_policy = pasted;

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
    const step = () => call(core.checkStep, state);
    let current;
    try {
      current = step();
    } catch (err) {
      done();
      throw err;
    }
    /** The domain as the engine normalised it (A-labels, lower case). */
    const checked = current.report.domain;

    /** Runs one request of the engine; resolves to an observation, never rejects. */
    async function run(req) {
      if (req.kind === 'dns') {
        let obs;
        try {
          obs = await dohQuery(resolver, fromBase64url(req.dns), { fetch, signal, timeoutMs: dnsTimeout, now });
        } catch (err) {
          obs = { kind: 'network-error', message: describe(err), elapsedMs: 0 };
        }
        const out = { kind: obs.kind, elapsed_ms: obs.elapsedMs };
        if (obs.kind === 'answer') {
          out.bytes = obs.bytes;
          if (obs.truncated) out.truncated = true;
        }
        if (obs.kind === 'http-error') {
          out.status = obs.status;
          if (obs.contentType != null) out.content_type = obs.contentType;
          if (obs.detail) out.message = obs.detail;
        }
        if (obs.kind === 'network-error') {
          out.message = obs.message;
          if (obs.status) out.status = obs.status;  // set when the body broke off after the headers
        }
        return out;
      }
      let obs;
      try {
        obs = await fetchPolicy(checked, {
          fetch, signal, timeoutMs: policyTimeout, maxBytes: POLICY_MAX_BYTES, relay, now,
        });
      } catch (err) {
        obs = { kind: 'unreachable', message: describe(err), elapsedMs: 0 };
      }
      const out = { kind: obs.kind, elapsed_ms: obs.elapsedMs };
      const viaRelay = obs.via === 'relay';
      if (viaRelay && (obs.kind === 'unreachable' || obs.kind === 'timeout' || obs.kind === 'aborted')) {
        // The policy host itself answered (cors-blocked); only the relay failed.
        return {
          kind: obs.kind === 'aborted' ? 'aborted' : 'cors-blocked',
          message: obs.direct?.message ?? '',
          relay_failure: obs.kind === 'timeout' ? 'no answer in time' : (obs.message ?? obs.kind),
          elapsed_ms: obs.elapsedMs,
        };
      }
      if (viaRelay) {
        out.via_relay = true;
        try { out.message = new URL(obs.relayUrl).origin; } catch { /* keep it out */ }
      }
      if (obs.kind === 'response') {
        out.status = obs.status;
        if (obs.contentType != null) out.content_type = obs.contentType;
        out.bytes = obs.bytes;
        out.truncated = obs.truncated;
      } else if (obs.kind === 'redirect') {
        out.status = obs.status;
      } else if (obs.kind === 'cors-blocked' || obs.kind === 'unreachable') {
        out.message = obs.message;
        if (obs.kind === 'unreachable' && obs.status) out.status = obs.status;  // the body broke off
      }
      return out;
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
              state.observations.push({ id: req.id, ...obs, at_ms: now() - start });
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
      return call(core.lintPolicy, textOrBytes(text, 'lintPolicy'));
    },
    lintStsRecord(textOrStrings) {
      return record(textOrStrings, core.lintSts, core.lintStsStrings, 'lintStsRecord');
    },
    lintTlsRptRecord(textOrStrings) {
      return record(textOrStrings, core.lintTlsRpt, core.lintTlsRptStrings, 'lintTlsRptRecord');
    },
    checkDomain,
    mxMatches(pattern, host) {
      if (typeof pattern !== 'string' || typeof host !== 'string') {
        throw new TypeError(`mxMatches expects two strings, got ${kindOf(pattern)} and ${kindOf(host)}`);
      }
      return core.mxMatches(pattern, host);
    },
    memoryUsage() {
      return core.memoryStats();
    },
  });
}
