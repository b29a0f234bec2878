// @ts-check
// Browser-side I/O layer of mtasts: DNS-over-HTTPS queries (RFC 8484 GET) and
// the MTA-STS policy fetch (RFC 8461 §3.3), written against what Chromium's
// fetch() actually does (see /work/shared/toolchain.md §4 and the Fetch notes
// in the RFC digest §6).
//
// Both entry points take a request of the engine (its RFC 8484 `dns`
// parameter, or the policy URL) and resolve to one plain observation in the
// engine's own shape (core/include/mtasts/check.h; the JSON mapping is
// core/src/json/): snake_case members, bytes as base64. checkDomain adds
// the request id and hands it to the engine as it is. They never reject for
// network behaviour (timeouts, aborts, CORS, TLS, DNS, HTTP errors); they only
// throw a TypeError for programmer errors (bad arguments). Interpretation
// belongs to the engine.
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

/** @typedef {Omit<import('../wasm/mtasts.d.ts').Observation, 'id' | 'at_ms'>} Observation */

/**
 * Base64 (RFC 4648 §4, padded) of bytes: how bytes travel inside the
 * engine's JSON. The platform's btoa over binary strings, in chunks.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function base64(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('base64: expected a Uint8Array');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
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
 * Request: `GET <resolverUrl>?dns=<dns>` (or `&dns=`), `accept:
 * application/dns-message`, credentials omitted, no referrer, default HTTP
 * cache (DoH answers are cacheable by design, RFC 8484 §5.1).
 *
 * @param {string} resolverUrl e.g. 'https://dns.google/dns-query'
 * @param {string} dns the request's `dns` parameter: the query message in base64url (the engine makes it)
 * @param {{ fetch?: FetchLike, signal?: AbortSignal, timeoutMs?: number, now?: () => number }} [options]
 * @returns {Promise<Observation>} kind answer | http-error | timeout | aborted | network-error
 */
export async function dohQuery(resolverUrl, dns, {
  fetch = globalThis.fetch, signal, timeoutMs = 5000, now = () => performance.now(),
} = {}) {
  if (typeof resolverUrl !== 'string' || resolverUrl === '') throw new TypeError('dohQuery: resolverUrl must be a non-empty string');
  if (typeof dns !== 'string' || !/^[A-Za-z0-9_-]+$/.test(dns)) throw new TypeError('dohQuery: dns must be a base64url query');
  if (typeof fetch !== 'function') throw new TypeError('dohQuery: no fetch function');
  checkTimeout(timeoutMs, 'dohQuery');

  const start = now();
  const elapsed = () => now() - start;
  const url = dohGetUrl(resolverUrl, dns);
  const deadline = makeDeadline(signal, timeoutMs);
  /** @returns {Observation} */
  const failed = (/** @type {unknown} */ err) => {
    const why = deadline.reason();
    if (why === 'timeout') return { kind: 'timeout', elapsed_ms: elapsed() };
    if (why === 'aborted') return { kind: 'aborted', elapsed_ms: elapsed() };
    return { kind: 'network-error', message: messageOf(err), elapsed_ms: elapsed() };
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
        // so with the status, so the engine words it as a broken answer rather
        // than an unreachable resolver.
        const obs = failed(err);
        if (obs.kind === 'network-error') {
          obs.message = `body read failed: ${obs.message}`;
          obs.status = status;
        }
        return obs;
      }
      /** @type {Observation} */
      const obs = { kind: 'answer', status: 200, content_type: contentType, bytes: '', elapsed_ms: 0 };
      if (read.over) {
        // Larger than any DNS message (RFC 1035 §4.2.2): reading stopped there;
        // the engine reports dns.query.too_large without decoding it.
        obs.truncated = true;
      } else {
        obs.bytes = base64(read.bytes);
      }
      obs.elapsed_ms = elapsed();
      return obs;
    }
    /** @type {Observation} */
    const obs = { kind: 'http-error', status, content_type: contentType, elapsed_ms: 0 };
    if (isTextual(contentType) && response?.type !== 'opaque') {
      try {
        const { bytes } = await readCapped(response, DETAIL_BYTES, deadline.signal);
        if (bytes.length > 0) obs.message = safeDetail(bytes);
      } catch (err) {
        if (deadline.reason()) return failed(err);
        // A broken error body is not worth more than the status itself.
      }
    } else {
      discardBody(response);
    }
    obs.elapsed_ms = elapsed();
    return obs;
  } finally {
    deadline.done();
  }
}

/**
 * Fetch an MTA-STS policy the way RFC 8461 §3.3 wants it fetched (HTTPS GET,
 * no redirects followed, no HTTP cache), and report what a browser can
 * observe, in the engine's shape.
 *
 * Sequence: a `mode:'cors', redirect:'manual'` GET; if that rejects, a
 * `mode:'no-cors', redirect:'follow'` probe (no-cors forbids 'manual') to tell
 * "reachable but not readable" (`cors-blocked`) from `unreachable`; if
 * cors-blocked and a `relay` template is given, a cors GET of the relay URL
 * (redirect 'follow': the relay answers a redirect without a Location).
 * `timeoutMs` bounds the whole sequence (one deadline).
 *
 * The body is read up to `maxBytes + 1` bytes: if it is longer, the read
 * stops there, the stream is cancelled and `truncated` is true.
 *
 * @param {string} url the request's URL: https://mta-sts.<domain>/.well-known/mta-sts.txt
 * @param {{ fetch?: FetchLike, signal?: AbortSignal, timeoutMs?: number, maxBytes?: number,
 *           relay?: string, now?: () => number }} [options]
 *   relay: URL template containing '{url}', replaced by the encodeURIComponent'd policy URL.
 * @returns {Promise<Observation>} kind response | redirect | cors-blocked | unreachable | timeout | aborted;
 *   through the relay, `via_relay` (and its origin in `message`); a relay that failed after a CORS block
 *   gives cors-blocked with `relay_failure`.
 */
export async function fetchPolicy(url, {
  fetch = globalThis.fetch, signal, timeoutMs = 10000, maxBytes = 65536, relay,
  now = () => performance.now(),
} = {}) {
  if (typeof url !== 'string' || !/^https:\/\/[^/?#@\s]+\/\.well-known\/mta-sts\.txt$/.test(url)) {
    throw new TypeError(`fetchPolicy: not a policy URL: ${JSON.stringify(url)}`);
  }
  if (typeof fetch !== 'function') throw new TypeError('fetchPolicy: no fetch function');
  checkTimeout(timeoutMs, 'fetchPolicy');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError('fetchPolicy: maxBytes must be a non-negative integer');
  if (relay !== undefined && (typeof relay !== 'string' || !relay.includes('{url}'))) {
    throw new TypeError("fetchPolicy: relay must be a URL template containing '{url}'");
  }

  const start = now();
  const elapsed = () => now() - start;
  const deadline = makeDeadline(signal, timeoutMs);
  const common = /** @type {const} */ ({
    method: 'GET', cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer',
  });

  /** Observation for a deadline/caller abort, or null if neither fired. @returns {Observation | null} */
  const stopped = () => {
    const why = deadline.reason();
    if (why === 'timeout') return { kind: 'timeout', elapsed_ms: elapsed() };
    if (why === 'aborted') return { kind: 'aborted', elapsed_ms: elapsed() };
    return null;
  };

  /**
   * Turn a resolved cors/manual response into an observation.
   * @param {any} response
   * @returns {Promise<Observation>}
   */
  const observe = async (response) => {
    const status = Number(response?.status ?? 0);
    if (response?.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      discardBody(response);
      return { kind: 'redirect', status, elapsed_ms: elapsed() };
    }
    if (response?.type === 'opaque') {
      // Should not happen in cors mode; nothing is readable either way.
      return { kind: 'cors-blocked', message: 'opaque response', elapsed_ms: elapsed() };
    }
    const contentType = contentTypeOf(response);
    let read;
    try {
      read = await readCapped(response, maxBytes + 1, deadline.signal);
    } catch (err) {
      // `status` tells the engine the connection worked and the body broke off.
      return stopped() ?? { kind: 'unreachable', status, message: `body read failed: ${messageOf(err)}`, elapsed_ms: elapsed() };
    }
    const truncated = read.bytes.length > maxBytes;
    return {
      kind: 'response', status, content_type: contentType,
      bytes: base64(truncated ? read.bytes.subarray(0, maxBytes) : read.bytes), truncated, elapsed_ms: elapsed(),
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
    try {
      const probe = await untilAborted(fetch(url, {
        ...common, mode: 'no-cors', redirect: 'follow', signal: deadline.signal,
      }), deadline.signal);
      discardBody(probe);
    } catch (err) {
      return stopped() ?? { kind: 'unreachable', message: messageOf(err), elapsed_ms: elapsed() };
    }
    /** @type {Observation} */
    const blocked = { kind: 'cors-blocked', message: messageOf(corsError), elapsed_ms: elapsed() };
    if (relay === undefined) return blocked;

    // 3. Relay: a CORS-enabled proxy the user configured. The policy host
    //    itself answered (cors-blocked); if only the relay fails, that stays
    //    the observation, with the relay's failure beside it.
    const relayUrl = relay.replace('{url}', encodeURIComponent(url));
    /** @param {string} why @returns {Observation} */
    const relayFailed = (why) => ({ ...blocked, relay_failure: why, elapsed_ms: elapsed() });
    let origin = '';
    try { origin = new URL(relayUrl).origin; } catch { /* keep it out */ }
    try {
      // redirect 'follow', not 'manual': tools/relay reports the policy
      // host's redirect as its 3xx status with no Location, and a browser
      // turns any 3xx fetched with 'manual' into an opaque redirect (status
      // 0, no headers), which would hide the policy host's answer. With no
      // Location there is nothing to follow; a relay that does redirect us
      // (`redirected`) is not doing a relay's job and is reported as failing.
      const response = await untilAborted(fetch(relayUrl, {
        ...common, mode: 'cors', redirect: 'follow', signal: deadline.signal,
      }), deadline.signal);
      if (response?.redirected === true) {
        discardBody(response);
        return relayFailed('relay: it redirected the request to another URL instead of reporting the policy host\'s answer');
      }
      // The relay's own failures (tools/relay: bad request, upstream
      // unreachable, timeout) are marked, so they are never taken for the
      // policy host's status. Only an answer marked as the upstream's
      // (X-Relay-Upstream-Ms, always set by tools/relay on a relayed answer)
      // stands for the policy host; a wrong relay URL's 404 or a proxy's own
      // 403 is the relay failing.
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
        return relayFailed(`relay: ${why}${detail ? `: ${detail}` : ''}`);
      }
      const seen = await observe(response);
      if (seen.kind === 'timeout') return relayFailed('no answer in time');
      if (seen.kind === 'aborted') return seen;
      if (seen.kind === 'unreachable') return relayFailed(seen.message ?? 'unreachable');
      // The relay answers text/plain itself and passes the upstream type on.
      if (seen.kind === 'response') {
        const upstreamType = response?.headers?.get?.('x-relay-content-type');
        seen.content_type = typeof upstreamType === 'string' ? upstreamType : null;
      }
      return { ...seen, via_relay: true, message: origin };
    } catch (err) {
      const s = stopped();
      if (s?.kind === 'aborted') return s;
      if (s) return relayFailed('no answer in time');
      return relayFailed(messageOf(err));
    }
  } finally {
    deadline.done();
  }
}
