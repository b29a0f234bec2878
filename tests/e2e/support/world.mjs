// The simulated internet for the browser end-to-end tests: ONE HTTPS server
// (HTTP/2 with HTTP/1.1 allowed) on 127.0.0.1 that plays a DNS-over-HTTPS
// resolver at doh.test and every other *.test web host, choosing the
// certificate per host by SNI. Chromium reaches it through
// `--host-resolver-rules=MAP *.test 127.0.0.1:<port>` (see browser.mjs).
//
//   import { makePki } from './pki.mjs';
//   import { startWorld } from './world.mjs';
//   const world = await startWorld({ zone, hosts, pki });
//   world.port, world.resolverUrl  // 'https://doh.test/dns-query'
//   world.requests                 // [{ host, path, method, headers, servername, alpn, status, t,
//                                  //    misdirected?, q? (DoH: { name, type, id }), rcode? }]
//   world.history                  // the same records since the world started (update() never clears it)
//   world.update({ zone, hosts })  // new scenario, same server (clears requests)
//   await world.close()
//
// zone: the format of tests/support/fake-net.mjs (A, AAAA, CNAME, MX, TXT,
// TLSA, AD, ttl, and the per-name overrides rcode, http (with httpType,
// httpBody, httpHeaders), garbage, hang, delayMs, wrongId, wrongQuestion, tc,
// compress, stopCname, ede, truncate, padTo, `only`), answered with
// fake-net's own resolve() and buildResponse(), so the browser sees byte for
// byte what the Node emulation hands to checkDomain. fake-net's networkError
// (the request is reset before any answer) and bodyError (the answer's body
// breaks off after that many bytes) are played for HTTP clients such as curl
// (the native CLI's scenarios, tests/node/cli-scenarios.test.mjs); Chromium
// reports them otherwise than fake-net emulates, so the browser tests do not
// use them. (respond is not played here.)
//
// hosts: hostname → behaviour, for every path on that host:
//   status (200), contentType ('text/plain'; null = no header), body (string |
//   Uint8Array), cors (true: ACAO *; false: no CORS header at all),
//   redirect: { status: 301, location } (answered before anything else),
//   cert: 'good' | 'expired' | 'self-signed' | 'wrong-name' ('good'),
//   hang: true (headers never sent), size: N (body padded with 'a' to N bytes),
//   delayMs, headers: { extra response headers }; and, as for the zone's
//   bodyError above, for HTTP clients other than Chromium: bodyError: n (the
//   body breaks off after n bytes: the stream is reset), neverEnds: true (no
//   content-length, then a line every 50 ms until the client gives up).
// A *.test host absent from `hosts` (and not doh.test) gets the good
// certificate and a 404 with CORS.
//
// HTTP/2 connection coalescing: the good leaf covers every name the test PKI
// was made for, so Chromium may send a request for mta-sts.<bad>.test over an
// open HTTP/2 connection made for another name. Such a request gets a
// 421 Misdirected Request (RFC 9113 §9.1.2) whenever the certificate its host
// should present is not the one that connection presented; Chromium then
// retries on a fresh connection with the host's own SNI. Each 421 is recorded
// in `requests` with `misdirected: true`.
import http2 from 'node:http2';
import tls from 'node:tls';
import {
  resolve, buildResponse, damage, parseQuery, base64urlDecode, TYPE, TYPE_NAME, RCODE,
} from '../../support/fake-net.mjs';

export const RESOLVER_HOST = 'doh.test';
export const RESOLVER_URL = `https://${RESOLVER_HOST}/dns-query`;
const CERT_KINDS = { good: 'good', expired: 'expired', 'self-signed': 'selfSigned', 'wrong-name': 'wrongName' };

const enc = new TextEncoder();

function normName(name) {
  let n = String(name).toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

function rcodeValue(rc) {
  if (typeof rc === 'number') return rc;
  const v = RCODE[String(rc).toUpperCase()];
  if (v === undefined) throw new Error(`world: unknown rcode ${rc}`);
  return v;
}

function overrideApplies(entry, type) {
  if (!entry) return false;
  return !entry.only || entry.only.some((t) => (typeof t === 'string' ? TYPE[t] : t) === type);
}

/**
 * @param {{ zone?: Record<string, any>, hosts?: Record<string, any>, everyQuery?: Record<string, any>,
 *           followCname?: boolean, pki: ReturnType<typeof import('./pki.mjs').makePki> }} options
 */
export async function startWorld({ zone = {}, hosts = {}, everyQuery, followCname = true, pki }) {
  if (!pki?.certs?.good) throw new TypeError('startWorld: pki (from makePki) is required');
  const contexts = {};
  for (const [kind, key] of Object.entries(CERT_KINDS)) {
    contexts[kind] = tls.createSecureContext({ cert: pki.certs[key].cert, key: pki.certs[key].key });
  }

  /** @type {{ zone: Record<string, any>, hosts: Record<string, any>, everyQuery?: any, followCname: boolean }} */
  let scenario;
  const setScenario = (s) => {
    const lowerZone = {};
    for (const [k, v] of Object.entries(s.zone ?? {})) lowerZone[normName(k)] = v;
    const lowerHosts = {};
    for (const [k, v] of Object.entries(s.hosts ?? {})) {
      if (v.cert !== undefined && !(v.cert in CERT_KINDS)) throw new TypeError(`world: unknown cert ${v.cert} for ${k}`);
      lowerHosts[normName(k)] = v;
    }
    scenario = { zone: lowerZone, hosts: lowerHosts, everyQuery: s.everyQuery, followCname: s.followCname ?? true };
  };
  setScenario({ zone, hosts, everyQuery, followCname });

  const certFor = (host) => (host === RESOLVER_HOST ? 'good' : scenario.hosts[host]?.cert ?? 'good');

  /** @type {any[]} */
  const requests = [];
  /** Every record, never cleared: what guard.mjs asks whether a host was reached while it watched. @type {any[]} */
  const history = [];
  const t0 = performance.now();
  const sockets = new Set();
  const sessions = new Set();
  const timers = new Set();

  const server = http2.createSecureServer({
    allowHTTP1: true,
    cert: pki.certs.good.cert, key: pki.certs.good.key,
    SNICallback(servername, cb) {
      cb(null, contexts[certFor(normName(servername))]);
    },
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('tlsClientError', () => {}); // the browser refusing a bad certificate

  const later = (ms, fn) => {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  };

  /** Ends the request as a broken connection would: the HTTP/2 stream reset, the HTTP/1.1 socket closed. */
  function reset(res) {
    if (res.destroyed) return;
    if (res.stream) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    else res.socket?.destroy();
  }

  /** Sends the headers (with the whole body's content-length) and the first `n` bytes, then resets. */
  function sendBroken(res, status, headers, bytes, n) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
    const part = bytes.subarray(0, Math.min(n, bytes.length));
    res.write(Buffer.from(part.buffer, part.byteOffset, part.byteLength), () => later(20, () => reset(res)));
  }

  /** Sends the headers without a content-length, then a line every 50 ms until the client goes away. */
  function sendForever(res, status, headers) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, headers);
    const tick = () => {
      if (res.destroyed || res.writableEnded) return;
      res.write('mode: enforce\n');
      later(50, tick);
    };
    tick();
  }

  /** Sends a complete response with a content-length. */
  function send(res, status, headers, body) {
    if (res.destroyed || res.writableEnded) return;
    const bytes = body === undefined || body === null ? new Uint8Array(0) : (typeof body === 'string' ? enc.encode(body) : body);
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
    res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  function readBody(req) {
    return new Promise((res, rej) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => res(new Uint8Array(Buffer.concat(chunks))));
      req.on('error', rej);
    });
  }

  async function doh(req, res, url, record) {
    const cors = { 'access-control-allow-origin': '*' };
    const text = (status, msg) => send(res, status, { ...cors, 'content-type': 'text/plain' }, msg);
    if (req.method === 'OPTIONS') {
      send(res, 204, {
        ...cors, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'accept, content-type',
        'access-control-max-age': '600',
      });
      return;
    }
    if (url.pathname !== '/dns-query') { text(404, 'not found'); return; }
    let query;
    if (req.method === 'POST') query = await readBody(req);
    else if (req.method === 'GET') {
      query = base64urlDecode(url.searchParams.get('dns') ?? '');
      if (!query) { text(400, 'bad dns parameter'); return; }
    } else { text(405, 'method not allowed'); return; }
    let q;
    try { q = parseQuery(query); } catch (e) { text(400, String(e.message)); return; }
    record.q = { name: q.name, type: TYPE_NAME[q.type] ?? q.type, id: q.id };

    const { zone, everyQuery: every } = scenario;
    const entry = zone[normName(q.name)];
    const ov = [every, overrideApplies(entry, q.type) ? entry : undefined].filter(Boolean);
    const pick = (k) => { for (let i = ov.length - 1; i >= 0; i--) if (ov[i][k] !== undefined) return ov[i][k]; return undefined; };
    const answer = () => {
      if (pick('hang')) return; // never answers; the client's deadline or close() ends it
      if (pick('networkError')) { reset(res); return; }
      const http = pick('http');
      if (http !== undefined) {
        send(res, http, { ...cors, 'content-type': pick('httpType') ?? 'text/plain', ...(pick('httpHeaders') ?? {}) },
          pick('httpBody') ?? `resolver error ${http}`);
        return;
      }
      const headers = { ...cors, 'content-type': 'application/dns-message', 'cache-control': 'no-store' };
      const garbage = pick('garbage');
      if (garbage !== undefined) { send(res, 200, headers, garbage); return; }
      const r = resolve(zone, q.name, q.type, { followCname: scenario.followCname });
      if (every?.rcode !== undefined) { r.rcode = rcodeValue(every.rcode); r.answers = []; }
      const msg = damage(buildResponse({
        id: pick('wrongId') ? (q.id ^ 0x5a5a) || 1 : q.id,
        rd: q.rd, opcode: q.opcode,
        qname: pick('wrongQuestion') ? 'wrong.question.invalid' : q.name, qtype: q.type, qclass: q.qclass,
        rcode: r.rcode, ad: r.ad && r.rcode === 0, tc: !!pick('tc'), answers: r.answers, ede: pick('ede'),
        compress: !!pick('compress'),
      }), pick('truncate'), pick('padTo'));
      record.rcode = r.rcode;
      if (pick('bodyError') !== undefined) sendBroken(res, 200, headers, msg, pick('bodyError'));
      else send(res, 200, headers, msg);
    };
    const wait = pick('delayMs');
    if (wait) later(wait, answer); else answer();
  }

  function web(req, res, host, record) {
    const b = scenario.hosts[host];
    if (!b) {
      send(res, 404, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }, 'not found\n');
      return;
    }
    const cors = b.cors === false ? {} : { 'access-control-allow-origin': '*' };
    const answer = () => {
      if (b.hang) return;
      if (req.method === 'OPTIONS') {
        send(res, 204, { ...cors, 'access-control-allow-methods': 'GET', 'access-control-allow-headers': '*' });
        return;
      }
      if (b.redirect) {
        send(res, b.redirect.status ?? 301, { ...cors, location: b.redirect.location, 'content-type': 'text/plain', ...(b.headers ?? {}) }, 'moved\n');
        return;
      }
      let bytes = b.body instanceof Uint8Array ? b.body : enc.encode(b.body ?? '');
      if (b.size !== undefined && b.size > bytes.length) {
        const padded = new Uint8Array(b.size).fill(0x61);
        padded.set(bytes);
        bytes = padded;
      }
      const headers = { ...cors, 'cache-control': 'no-store', ...(b.headers ?? {}) };
      const ct = b.contentType === undefined ? 'text/plain' : b.contentType;
      if (ct !== null) headers['content-type'] = ct;
      const status = b.status ?? 200;
      if (b.neverEnds) sendForever(res, status, headers);
      else if (b.bodyError !== undefined) sendBroken(res, status, headers, bytes, b.bodyError);
      else send(res, status, headers, req.method === 'HEAD' || status === 204 || status === 304 ? undefined : bytes);
    };
    if (b.delayMs) later(b.delayMs, answer); else answer();
  }

  server.on('request', (req, res) => {
    const authority = String(req.headers[':authority'] ?? req.headers.host ?? '');
    const host = normName(authority.replace(/:\d+$/, ''));
    const socket = req.httpVersionMajor === 2 ? req.stream?.session?.socket : req.socket;
    const servername = normName(socket?.servername || '');
    const url = new URL(req.url ?? '/', `https://${host || 'unknown'}`);
    const headers = { ...req.headers };
    for (const k of Object.keys(headers)) if (k.startsWith(':')) delete headers[k];
    const record = {
      host, path: url.pathname + url.search, method: req.method, headers, servername,
      alpn: socket?.alpnProtocol || null, t: Math.round(performance.now() - t0),
    };
    requests.push(record);
    history.push(record);
    res.on('finish', () => { record.status = res.statusCode; });
    req.on('error', () => {});
    res.on('error', () => {});

    // A request that arrived on a connection whose certificate is not its host's.
    if (certFor(host) !== certFor(servername)) {
      record.misdirected = true;
      send(res, 421, { 'content-type': 'text/plain' }, 'misdirected request\n');
      return;
    }
    if (host === RESOLVER_HOST) {
      doh(req, res, url, record).catch((e) => send(res, 500, { 'content-type': 'text/plain' }, String(e?.message ?? e)));
    } else {
      web(req, res, host, record);
    }
  });

  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => { server.off('error', rej); res(undefined); });
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

  let closed = false;
  return {
    port,
    resolverUrl: RESOLVER_URL,
    requests,
    history,
    /**
     * Swaps the scenario. Requests recorded so far are dropped unless keepRequests.
     * @param {{ zone?: Record<string, any>, hosts?: Record<string, any>, everyQuery?: any, followCname?: boolean }} s
     */
    update(s, { keepRequests = false } = {}) {
      setScenario(s);
      if (!keepRequests) requests.length = 0;
    },
    /** Stops the server and drops every connection (hanging requests included). */
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise((res) => server.close(() => res(undefined)));
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
