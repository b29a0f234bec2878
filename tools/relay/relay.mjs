// @ts-check
/**
 * The mtasts policy relay: a fetch-style handler (Request in, Response out)
 * for users whose policy hosts do not send Access-Control-Allow-Origin, so
 * the browser may not read the policy. It runs under Node (tools/relay/server.mjs)
 * and deploys unchanged to any platform that calls `handler(request)` with a
 * WHATWG Request (Cloudflare Workers, Deno Deploy, Vercel/Netlify edge, ...).
 *
 *   GET <relay>/?url=https%3A%2F%2Fmta-sts.example.com%2F.well-known%2Fmta-sts.txt
 *
 * The page's relay setting is a template such as `https://relay.example/?url={url}`.
 *
 * What it will and will not do (issue 4 §5):
 * - It fetches only `https://mta-sts.<domain>/.well-known/mta-sts.txt`: no
 *   other host, path, port, query, user info or IP address. It is not an
 *   open proxy.
 * - It never follows a redirect. It answers with the upstream's 3xx status, no
 *   Location (so no client follows it), and the target in
 *   `X-Relay-Location`.
 * - It reads at most 64 KB + 1 byte of the body (one byte more than a policy
 *   may have, so the client sees the policy is too large), and gives up after
 *   10 s.
 * - It passes the upstream status through, and the upstream Content-Type in
 *   `X-Relay-Content-Type` (its own answers are always text/plain and
 *   sandboxed by CSP, so it never serves someone else's HTML as its own page).
 * - Every answer carries `Access-Control-Allow-Origin: *`. A failure of the
 *   relay itself (bad request, upstream unreachable, timeout) carries
 *   `X-Relay-Error` (bad-request, unreachable, timeout), so a client never takes
 *   the relay's own 4xx/5xx for the policy host's status.
 * - It sends no cookies or credentials upstream, and keeps no state.
 *
 * Not covered: a policy host that resolves to a private address is fetched like
 * any other (a serverless platform gives no control of DNS); the path and the
 * TLS requirement limit what that can reach.
 */

export const MAX_BYTES = 65536;
export const TIMEOUT_MS = 10000;

const EXPOSE = 'X-Relay-Error, X-Relay-Location, X-Relay-Upstream-Ms, X-Relay-Content-Type';

/** @param {string} host */
function isDomainName(host) {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) return false;
  }
  return !/^[0-9]+$/.test(labels[labels.length - 1]); // not an IPv4 address
}

/**
 * The policy URL the request asks for, or why it is refused.
 * @param {string} raw
 * @returns {{ url: string } | { error: string }}
 */
export function policyUrlOf(raw) {
  let u;
  try {
    u = new URL(raw);
  } catch {
    return { error: 'url is not a URL' };
  }
  if (u.protocol !== 'https:') return { error: 'only https:// policy URLs are relayed' };
  if (u.username || u.password) return { error: 'user info is not allowed' };
  if (u.port !== '') return { error: 'only the default HTTPS port is allowed' };
  if (u.pathname !== '/.well-known/mta-sts.txt' || u.search !== '' || u.hash !== '') {
    return { error: 'only /.well-known/mta-sts.txt is relayed' };
  }
  const host = u.hostname;
  if (!host.startsWith('mta-sts.') || !isDomainName(host)) {
    return { error: 'only mta-sts.<domain> hosts are relayed' };
  }
  if (host === 'mta-sts.localhost' || host.endsWith('.localhost') || host.endsWith('.local')) {
    return { error: 'local names are not relayed' };
  }
  return { url: `https://${host}/.well-known/mta-sts.txt` };
}

/**
 * @param {number} status
 * @param {Record<string, string>} headers
 * @param {BodyInit | null} [body]
 */
function answer(status, headers, body = null) {
  return new Response(body, {
    status,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': EXPOSE,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // What passes through is someone else's content: never let it act as a page of the relay's origin.
      'content-security-policy': "sandbox; default-src 'none'",
      ...headers,
    },
  });
}

/** @param {number} status @param {string} kind @param {string} message */
function failure(status, kind, message) {
  return answer(status, { 'content-type': 'application/json', 'x-relay-error': kind },
    JSON.stringify({ error: kind, message }));
}

/**
 * Reads at most `cap` bytes, then cancels the stream.
 * @param {Response} response
 * @param {number} cap
 * @param {AbortSignal} signal
 */
async function readCapped(response, cap, signal) {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  const aborted = new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      const { done, value } = /** @type {ReadableStreamReadResult<Uint8Array>} */ (
        await Promise.race([reader.read(), aborted]));
      if (done) break;
      const room = cap - total;
      chunks.push(value.length > room ? value.subarray(0, room) : value);
      total += Math.min(value.length, room);
      if (total >= cap) break;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

/**
 * The handler.
 * @param {Request} request
 * @param {{ fetch?: typeof fetch, timeoutMs?: number, maxBytes?: number }} [options]
 *   `fetch` is the upstream fetch (tests route it to a local server).
 * @returns {Promise<Response>}
 */
export async function handle(request, { fetch = globalThis.fetch, timeoutMs = TIMEOUT_MS, maxBytes = MAX_BYTES } = {}) {
  if (request.method === 'OPTIONS') {
    return answer(204, {
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': '*',
      'access-control-max-age': '86400',
    });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return failure(405, 'bad-request', 'only GET is relayed');
  }
  const params = new URL(request.url).searchParams;
  const raw = params.get('url');
  if (raw === null) return failure(400, 'bad-request', 'give the policy URL as ?url=https://mta-sts.<domain>/.well-known/mta-sts.txt');
  const target = policyUrlOf(raw);
  if ('error' in target) return failure(400, 'bad-request', target.error);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  const started = Date.now();
  try {
    let upstream;
    try {
      upstream = await fetch(target.url, {
        method: 'GET',
        redirect: 'manual',
        credentials: 'omit',
        headers: { accept: 'text/plain, */*;q=0.1', 'cache-control': 'no-cache', 'user-agent': 'mtasts-relay' },
        signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted) return failure(504, 'timeout', `no answer from ${target.url} within ${timeoutMs} ms`);
      return failure(502, 'unreachable', `${target.url}: ${describe(err)}`);
    }
    // X-Relay-Upstream-Ms marks every answer that is the upstream's: a client
    // takes nothing else (a misconfigured relay URL, a proxy's own 404) for the
    // policy host's answer. The upstream Content-Type travels in
    // X-Relay-Content-Type; the relay itself always answers text/plain, so it
    // never serves someone else's HTML from its own origin.
    const headers = {
      'x-relay-upstream-ms': String(Date.now() - started),
      'content-type': 'text/plain; charset=utf-8',
    };
    const ct = upstream.headers.get('content-type');
    if (ct !== null) headers['x-relay-content-type'] = ct;
    if (upstream.status >= 300 && upstream.status < 400) {
      const location = upstream.headers.get('location');
      if (location !== null) headers['x-relay-location'] = location;
      upstream.body?.cancel().catch(() => {});
      return answer(upstream.status, headers);
    }
    let body;
    try {
      body = await readCapped(upstream, maxBytes + 1, controller.signal);
    } catch (err) {
      if (controller.signal.aborted) return failure(504, 'timeout', `the body of ${target.url} did not end within ${timeoutMs} ms`);
      return failure(502, 'unreachable', `${target.url}: the body could not be read: ${describe(err)}`);
    }
    // Statuses that cannot carry a body keep none.
    const bodiless = upstream.status === 204 || upstream.status === 205 || upstream.status === 304;
    return answer(upstream.status, headers, request.method === 'HEAD' || bodiless ? null : body);
  } finally {
    clearTimeout(timer);
  }
}

/** @param {unknown} err */
function describe(err) {
  if (err && typeof err === 'object') {
    const e = /** @type {any} */ (err);
    const cause = e.cause && typeof e.cause === 'object' ? ` (${e.cause.code ?? e.cause.message ?? ''})` : '';
    return `${e.message ?? String(err)}${cause}`;
  }
  return String(err);
}

export default { fetch: (/** @type {Request} */ request) => handle(request) };
