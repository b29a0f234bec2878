// @ts-check
// Browser-side I/O layer of mtasts: DNS-over-HTTPS queries (RFC 8484 GET) and
// the MTA-STS policy fetch (RFC 8461 §3.3), written against what Chromium's
// fetch() actually does (see /work/shared/toolchain.md §4 and the Fetch notes
// in the RFC digest §6).
//
// Both entry points resolve to one plain "observation" object describing what
// happened on the wire. They never reject for network behaviour (timeouts,
// aborts, CORS, TLS, DNS, HTTP errors); they only throw a TypeError for
// programmer errors (bad arguments). Interpretation (linting, explanations)
// belongs to the caller.
//
// Plain ES module, no dependencies; runs in browsers and in Node 20.

/** Largest possible DNS message (RFC 8484 §6, RFC 1035 length field). */
export const MAX_DNS_MESSAGE = 65535;

/** Characters of a non-answer body kept in `detail`. */
const DETAIL_CHARS = 200;
/** Bytes read from a non-answer body to build `detail`. */
const DETAIL_BYTES = 1024;

/**
 * @typedef {(input: string, init?: any) => Promise<any>} FetchLike
 * A fetch()-compatible function. The response needs `status`, `type`
 * (optional), `headers.get()`, `redirected` (optional) and `body`
 * (a ReadableStream or null).
 */

/**
 * @typedef {{ kind: 'answer', status: 200, bytes: Uint8Array, contentType: string, elapsedMs: number, truncated?: true }
 *   | { kind: 'http-error', status: number, contentType: string | null, detail?: string, elapsedMs: number }
 *   | { kind: 'timeout', elapsedMs: number }
 *   | { kind: 'aborted', elapsedMs: number }
 *   | { kind: 'network-error', message: string, elapsedMs: number, status?: number }} DohObservation
 */

/**
 * @typedef {{ kind: 'response', url: string, status: number, contentType: string | null,
 *             bytes: Uint8Array, size: number, truncated: boolean, redirected: boolean,
 *             elapsedMs: number, via?: 'relay', relayUrl?: string, direct?: PolicyObservation }
 *   | { kind: 'redirect', url: string, status: number, elapsedMs: number, via?: 'relay', relayUrl?: string, direct?: PolicyObservation }
 *   | { kind: 'cors-blocked', url: string, message: string, elapsedMs: number }
 *   | { kind: 'unreachable', url: string, message: string, elapsedMs: number, via?: 'relay', relayUrl?: string, direct?: PolicyObservation }
 *   | { kind: 'timeout', url: string, elapsedMs: number, via?: 'relay', relayUrl?: string, direct?: PolicyObservation }
 *   | { kind: 'aborted', url: string, elapsedMs: number, via?: 'relay', relayUrl?: string, direct?: PolicyObservation }} PolicyObservation
 */

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url (RFC 4648 §5) without padding, as RFC 8484 §6 requires.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function base64url(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('base64url: expected a Uint8Array');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[(n >> 18) & 63] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64URL[(n >> 18) & 63] + B64URL[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64URL[(n >> 18) & 63] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63];
  }
  return out;
}

/**
 * Append `dns=<b64>` to a resolver URL with '?' or '&' as needed.
 * @param {string} resolverUrl
 * @param {string} b64
 */
function dohGetUrl(resolverUrl, b64) {
  const hash = resolverUrl.indexOf('#');
  const base = hash >= 0 ? resolverUrl.slice(0, hash) : resolverUrl;
  let sep;
  if (!base.includes('?')) sep = '?';
  else if (base.endsWith('?') || base.endsWith('&')) sep = '';
  else sep = '&';
  return `${base}${sep}dns=${b64}`;
}

/**
 * A deadline plus the caller's signal, combined into one AbortSignal.
 * `reason()` says which fired first.
 * @param {AbortSignal | undefined} callerSignal
 * @param {number} timeoutMs
 */
function makeDeadline(callerSignal, timeoutMs) {
  const controller = new AbortController();
  /** @type {'timeout' | 'aborted' | null} */
  let why = null;
  const timer = setTimeout(() => {
    if (why) return;
    why = 'timeout';
    controller.abort(makeAbortError('timeout', 'TimeoutError'));
  }, timeoutMs);
  const onCallerAbort = () => {
    if (why) return;
    why = 'aborted';
    controller.abort(callerSignal?.reason ?? makeAbortError('aborted', 'AbortError'));
  };
  if (callerSignal) {
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  }
  return {
    signal: controller.signal,
    reason: () => why,
    done() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * @param {string} message
 * @param {string} name
 */
function makeAbortError(message, name) {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const e = new Error(message);
  e.name = name;
  return e;
}

/**
 * Read at most `cap` bytes of a body, then cancel the stream. Honours `signal`
 * even if the stream itself ignores it (a trickling server ends at the
 * deadline). Rejects with the signal's reason on abort, or with the stream's
 * error.
 * @param {any} response
 * @param {number} cap
 * @param {AbortSignal} signal
 * @returns {Promise<{ bytes: Uint8Array, over: boolean }>}
 */
async function readCapped(response, cap, signal) {
  const body = response?.body;
  if (body == null || typeof body.getReader !== 'function') {
    // Opaque or bodiless responses (and minimal fakes): nothing to read.
    return { bytes: new Uint8Array(0), over: false };
  }
  const reader = body.getReader();
  /** @type {() => void} */
  let unlisten = () => {};
  /** @type {Promise<never>} */
  const aborted = new Promise((_, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    unlisten = () => signal.removeEventListener('abort', onAbort);
  });
  aborted.catch(() => {});
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  let over = false;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
      if (total + chunk.length > cap) {
        chunks.push(chunk.subarray(0, cap - total));
        total = cap;
        over = true;
        break;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  } catch (err) {
    reader.cancel(err).catch(() => {});
    throw err;
  } finally {
    unlisten();
  }
  if (over) reader.cancel().catch(() => {});
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { bytes.set(c, off); off += c.length; }
  return { bytes, over };
}

/**
 * `promise` (a pending fetch), or a rejection with the signal's reason as soon
 * as `signal` aborts, whichever comes first. fetch() rejects on abort by
 * itself; one that ignores its signal (a wrapper or polyfill that drops
 * `init.signal`, an extension's proxy) would otherwise hold the request, and
 * with it the whole check, past every deadline: such a fetch never settled
 * and checkDomain never resolved. A response that still arrives after the
 * abort has its body cancelled.
 * @template T
 * @param {Promise<T>} promise
 * @param {AbortSignal} signal
 * @returns {Promise<T>}
 */
function untilAborted(promise, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then((value) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) discardBody(value);
      resolve(value);
    }, (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}

/** Cancel a body we do not want, ignoring errors. @param {any} response */
function discardBody(response) {
  try {
    const body = response?.body;
    if (body && typeof body.cancel === 'function' && !body.locked) body.cancel().catch(() => {});
  } catch { /* ignore */ }
}

/** @param {any} response @returns {string | null} */
function contentTypeOf(response) {
  try {
    const v = response?.headers?.get?.('content-type');
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Media type without parameters, lower case. @param {string | null} ct */
function mediaType(ct) {
  return ct == null ? '' : ct.split(';')[0].trim().toLowerCase();
}

/** Whether a content type is worth showing as text. @param {string | null} ct */
function isTextual(ct) {
  const mt = mediaType(ct);
  return mt === '' || mt.startsWith('text/') || mt.endsWith('+json') || mt.endsWith('+xml')
    || mt === 'application/json' || mt === 'application/xml' || mt === 'application/problem+json';
}

/**
 * Make a decoded body safe to show as plain text: first DETAIL_CHARS code
 * points, control characters (other than tab/newline) replaced by spaces.
 * @param {Uint8Array} bytes
 */
function safeDetail(bytes) {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // eslint-disable-next-line no-control-regex
  return Array.from(text).slice(0, DETAIL_CHARS).join('').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ');
}

/** @param {unknown} err */
function messageOf(err) {
  if (err && typeof err === 'object' && 'message' in err) return String(/** @type {any} */ (err).message);
  return String(err);
}

/** @param {unknown} v @param {string} name */
function checkTimeout(v, name) {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new TypeError(`${name}: timeoutMs must be a positive finite number`);
  }
}

/**
 * One RFC 8484 GET query.
 *
 * Request: `GET <resolverUrl>?dns=<base64url>` (or `&dns=`), `accept:
 * application/dns-message`, credentials omitted, no referrer, default HTTP
 * cache (DoH answers are cacheable by design, RFC 8484 §5.1).
 *
 * @param {string} resolverUrl e.g. 'https://dns.google/dns-query'
 * @param {Uint8Array} wire the DNS query message (ID 0 recommended)
 * @param {{ fetch?: FetchLike, signal?: AbortSignal, timeoutMs?: number, now?: () => number }} [options]
 * @returns {Promise<DohObservation>}
 */
export async function dohQuery(resolverUrl, wire, {
  fetch = globalThis.fetch, signal, timeoutMs = 5000, now = () => performance.now(),
} = {}) {
  if (typeof resolverUrl !== 'string' || resolverUrl === '') throw new TypeError('dohQuery: resolverUrl must be a non-empty string');
  if (!(wire instanceof Uint8Array)) throw new TypeError('dohQuery: wire must be a Uint8Array');
  if (typeof fetch !== 'function') throw new TypeError('dohQuery: no fetch function');
  checkTimeout(timeoutMs, 'dohQuery');

  const start = now();
  const elapsed = () => now() - start;
  const url = dohGetUrl(resolverUrl, base64url(wire));
  const deadline = makeDeadline(signal, timeoutMs);
  /** @returns {DohObservation} */
  const failed = (/** @type {unknown} */ err) => {
    const why = deadline.reason();
    if (why === 'timeout') return { kind: 'timeout', elapsedMs: elapsed() };
    if (why === 'aborted') return { kind: 'aborted', elapsedMs: elapsed() };
    return { kind: 'network-error', message: messageOf(err), elapsedMs: elapsed() };
  };
  try {
    if (deadline.reason()) return failed(null);
    let response;
    try {
      response = await untilAborted(fetch(url, {
        method: 'GET',
        mode: 'cors',
        headers: { accept: 'application/dns-message' },
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        signal: deadline.signal,
      }), deadline.signal);
    } catch (err) {
      return failed(err);
    }
    const status = Number(response?.status ?? 0);
    const contentType = contentTypeOf(response);
    if (status === 200 && mediaType(contentType) === 'application/dns-message') {
      let read;
      try {
        read = await readCapped(response, MAX_DNS_MESSAGE + 1, deadline.signal);
      } catch (err) {
        // The resolver answered 200 and the body then broke off (a reset): say
        // so, as fetchPolicy does, rather than pass on a bare "network error"
        // that reads as if the resolver was never reached.
        const obs = failed(err);
        if (obs.kind === 'network-error') {
          obs.message = `body read failed: ${obs.message}`;
          obs.status = status;  // the headers did arrive: the engine words it as a broken answer
        }
        return obs;
      }
      if (read.over) {
        // Larger than any DNS message (RFC 1035 §4.2.2): reading stopped there;
        // the engine reports dns.query.too_large without decoding it.
        return {
          kind: 'answer', status: 200, bytes: read.bytes.subarray(0, MAX_DNS_MESSAGE), truncated: true,
          contentType: /** @type {string} */ (contentType), elapsedMs: elapsed(),
        };
      }
      return { kind: 'answer', status: 200, bytes: read.bytes, contentType: /** @type {string} */ (contentType), elapsedMs: elapsed() };
    }
    /** @type {DohObservation} */
    const obs = { kind: 'http-error', status, contentType, elapsedMs: 0 };
    if (isTextual(contentType) && response?.type !== 'opaque') {
      try {
        const { bytes } = await readCapped(response, DETAIL_BYTES, deadline.signal);
        if (bytes.length > 0) obs.detail = safeDetail(bytes);
      } catch (err) {
        if (deadline.reason()) return failed(err);
        // A broken error body is not worth more than the status itself.
      }
    } else {
      discardBody(response);
    }
    obs.elapsedMs = elapsed();
    return obs;
  } finally {
    deadline.done();
  }
}

/**
 * Fetch the MTA-STS policy of `domain` the way RFC 8461 §3.3 wants it
 * fetched (HTTPS GET, no redirects followed, no HTTP cache), and report what
 * a browser can observe.
 *
 * Sequence: a `mode:'cors', redirect:'manual'` GET; if that rejects, a
 * `mode:'no-cors', redirect:'follow'` probe (no-cors forbids 'manual') to tell
 * "reachable but not readable" (`cors-blocked`) from `unreachable`; if
 * cors-blocked and a `relay` template is given, a cors GET of the relay URL.
 * `timeoutMs` bounds the whole sequence (one deadline).
 *
 * `bytes` holds at most `maxBytes + 1` bytes: if the body is longer, the read
 * stops there, the stream is cancelled and `truncated` is true (`size` is then
 * `maxBytes + 1`, not the full body length, which is unknown).
 *
 * @param {string} domain the Policy Domain, e.g. 'example.com'
 * @param {{ fetch?: FetchLike, signal?: AbortSignal, timeoutMs?: number, maxBytes?: number,
 *           relay?: string, now?: () => number }} [options]
 *   relay: URL template containing '{url}', replaced by the encodeURIComponent'd policy URL.
 * @returns {Promise<PolicyObservation>}
 */
export async function fetchPolicy(domain, {
  fetch = globalThis.fetch, signal, timeoutMs = 10000, maxBytes = 65536, relay,
  now = () => performance.now(),
} = {}) {
  if (typeof domain !== 'string') throw new TypeError('fetchPolicy: domain must be a string');
  const host = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (host === '' || /[\s/?#@:\\%]/.test(host)) throw new TypeError(`fetchPolicy: not a domain name: ${JSON.stringify(domain)}`);
  if (typeof fetch !== 'function') throw new TypeError('fetchPolicy: no fetch function');
  checkTimeout(timeoutMs, 'fetchPolicy');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError('fetchPolicy: maxBytes must be a non-negative integer');
  if (relay !== undefined && (typeof relay !== 'string' || !relay.includes('{url}'))) {
    throw new TypeError("fetchPolicy: relay must be a URL template containing '{url}'");
  }

  const start = now();
  const elapsed = () => now() - start;
  const url = `https://mta-sts.${host}/.well-known/mta-sts.txt`;
  const deadline = makeDeadline(signal, timeoutMs);
  const common = /** @type {const} */ ({
    method: 'GET', cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer',
  });

  /** Observation for a deadline/caller abort, or null if neither fired. */
  const stopped = () => {
    const why = deadline.reason();
    if (why === 'timeout') return /** @type {PolicyObservation} */ ({ kind: 'timeout', url, elapsedMs: elapsed() });
    if (why === 'aborted') return /** @type {PolicyObservation} */ ({ kind: 'aborted', url, elapsedMs: elapsed() });
    return null;
  };

  /**
   * Turn a resolved cors/manual response into an observation.
   * @param {any} response
   * @returns {Promise<PolicyObservation>}
   */
  const observe = async (response) => {
    const status = Number(response?.status ?? 0);
    if (response?.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      discardBody(response);
      return { kind: 'redirect', url, status, elapsedMs: elapsed() };
    }
    if (response?.type === 'opaque') {
      // Should not happen in cors mode; nothing is readable either way.
      return { kind: 'cors-blocked', url, message: 'opaque response', elapsedMs: elapsed() };
    }
    const contentType = contentTypeOf(response);
    let read;
    try {
      read = await readCapped(response, maxBytes + 1, deadline.signal);
    } catch (err) {
      // `status` tells the engine the connection worked and the body broke off.
      return stopped() ?? { kind: 'unreachable', url, status, message: `body read failed: ${messageOf(err)}`, elapsedMs: elapsed() };
    }
    return {
      kind: 'response', url, status, contentType,
      bytes: read.bytes, size: read.bytes.length, truncated: read.bytes.length > maxBytes,
      redirected: response?.redirected === true, elapsedMs: elapsed(),
    };
  };

  try {
    const early = stopped();
    if (early) return early;

    // 1. The real fetch: readable only if the host sends CORS headers.
    let corsError;
    try {
      const response = await untilAborted(fetch(url, {
        ...common, mode: 'cors', redirect: 'manual', signal: deadline.signal,
      }), deadline.signal);
      return await observe(response);
    } catch (err) {
      corsError = err;
    }
    const s1 = stopped();
    if (s1) return s1;

    // 2. No-cors probe: resolves (opaque) iff an HTTPS response with a
    //    certificate the browser trusts arrived. Only a hint (ORB, COEP).
    /** @type {PolicyObservation} */
    let direct;
    try {
      const probe = await untilAborted(fetch(url, {
        ...common, mode: 'no-cors', redirect: 'follow', signal: deadline.signal,
      }), deadline.signal);
      discardBody(probe);
      direct = { kind: 'cors-blocked', url, message: messageOf(corsError), elapsedMs: elapsed() };
    } catch (err) {
      return stopped() ?? { kind: 'unreachable', url, message: messageOf(err), elapsedMs: elapsed() };
    }
    if (relay === undefined) return direct;

    // 3. Relay: a CORS-enabled proxy the user configured.
    const relayUrl = relay.replace('{url}', encodeURIComponent(url));
    const tag = { via: /** @type {const} */ ('relay'), relayUrl, direct };
    try {
      const response = await untilAborted(fetch(relayUrl, {
        ...common, mode: 'cors', redirect: 'manual', signal: deadline.signal,
      }), deadline.signal);
      // The relay's own failures (tools/relay: bad request, upstream
      // unreachable, timeout) are marked, so they are never taken for the
      // policy host's status.
      // Only an answer marked as the upstream's (X-Relay-Upstream-Ms, always
      // set by tools/relay on a relayed answer) stands for the policy host; a
      // wrong relay URL's 404 or a proxy's own 403 is the relay failing.
      const relayError = response?.headers?.get?.('x-relay-error');
      const upstreamMs = response?.headers?.get?.('x-relay-upstream-ms');
      if ((typeof relayError === 'string' && relayError !== '') || typeof upstreamMs !== 'string') {
        let detail = '';
        try {
          const { bytes } = await readCapped(response, DETAIL_BYTES, deadline.signal);
          const text = safeDetail(bytes);
          try { detail = String(JSON.parse(text).message ?? ''); } catch { detail = text; }
        } catch { /* the marker is enough */ }
        const why = relayError || `HTTP ${Number(response?.status ?? 0)} without the relay's marker (is the relay URL right?)`;
        return {
          kind: 'unreachable', url, message: `relay: ${why}${detail ? `: ${detail}` : ''}`,
          elapsedMs: elapsed(), ...tag,
        };
      }
      const seen = await observe(response);
      // The relay answers text/plain itself and passes the upstream type on.
      if (seen.kind === 'response') {
        const upstreamType = response?.headers?.get?.('x-relay-content-type');
        seen.contentType = typeof upstreamType === 'string' ? upstreamType : null;
      }
      return { ...seen, ...tag };
    } catch (err) {
      const s = stopped();
      if (s) return { ...s, ...tag };
      return { kind: 'unreachable', url, message: messageOf(err), elapsedMs: elapsed(), ...tag };
    }
  } finally {
    deadline.done();
  }
}
