// Fault injection for checkDomain (issue 6, item 4): the resolver answering
// 500, 429, HTML, truncated or garbage wire data, an answer to another
// question, more than 65,535 bytes, or never; the policy host sending 10 MB,
// trickling forever, resetting, never sending headers, redirecting to itself
// or serving HTML. Every check must resolve (never reject) within its overall
// deadline, name what failed with the exact finding code on the check it
// belongs to, keep what the other checks observed, grade honestly (a fact the
// fault hid gives no grade and a range, never an F nobody observed), leave no
// unhandled rejection or uncaught exception, and leave no socket or timer
// behind (the file's process exits by itself).
//
// Two transports:
//  - emulated: tests/support/fake-net.mjs (Chromium-like fetch, its streams
//    count what the reader pulled and whether it cancelled);
//  - real sockets: a node:http server on 127.0.0.1 and Node's own fetch
//    (undici). checkDomain gets a fetch that rewrites every https://<host>/...
//    (the resolver and mta-sts.<domain>) to http://127.0.0.1:<port>/h/<host>/...;
//    the server answers from the same fake-net zone and hosts (piped through
//    with backpressure) unless a test routes a URL to a socket-level fault
//    (reset, trickle, flood, silence).
//
// Run:   MTASTS_DIST=<dist> node --test tests/node/faults.test.mjs
// Env:   MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//        FAULT_SEED   seed of the garbage generator (default 20240501); a
//                     failure message names the seed, so it reproduces.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeNet, parseQuery, base64urlDecode, TYPE_NAME, DEFAULT_RESOLVER } from '../support/fake-net.mjs';

// Collected from the first line on, asserted by the last test.
const unhandled = [];
const uncaught = [];
process.on('unhandledRejection', (e) => unhandled.push(e));
process.on('uncaughtException', (e) => uncaught.push(e));

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { load } = await import(pathToFileURL(join(process.env.MTASTS_DIST ?? join(REPO, 'dist'), 'mtasts.mjs')).href);
const m = await load();

/** Severity of every code, from the one table (core/include/mtasts/codes.def). */
const SEVERITY = new Map();
{
  const def = readFileSync(join(REPO, 'core', 'include', 'mtasts', 'codes.def'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  for (const x of def.matchAll(/MTASTS_CODE\(\s*\w+\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,/g)) SEVERITY.set(x[1], x[2]);
}

// Time limits. Where a fault hangs, the per-request limit is what is tested,
// so it is short: REQUEST_MS with the emulated network, REAL_REQUEST_MS over
// sockets (the answers that do come must beat it on a shared 2-core machine
// under load, where one loopback round trip through undici can take a
// second). Where nothing hangs, no check waits for its limits, so they are
// generous (PATIENT_MS) and a slow machine cannot turn an answer into a
// timeout. Every check must resolve within its overall limit (TOTAL_MS unless
// a test says otherwise) plus MARGIN_MS: a bound on a hang, not a benchmark.
const REQUEST_MS = 400;
const REAL_REQUEST_MS = 1200;
const PATIENT_MS = 2500;
const TOTAL_MS = 3000;
const MARGIN_MS = 1500;
const SEED = Number(process.env.FAULT_SEED ?? 20240501);
const MAX_DNS = 65535;
const MAX_POLICY = 65536;
const TEN_MB = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------
// The domain: an A when nothing fails (enforce, both MX hosts covered, a
// two-week max_age, text/plain, valid TXT and TLS-RPT records, no TLSA).

const D = 'example.com';
const POLICY_URL = `https://mta-sts.${D}/.well-known/mta-sts.txt`;
const STS_ID = '20240501T120000';
const STS = `v=STSv1; id=${STS_ID}`;
const TLSRPT = `v=TLSRPTv1; rua=mailto:tlsrpt@${D}`;
const POLICY = `version: STSv1\nmode: enforce\nmx: mx1.${D}\nmx: mx2.${D}\nmax_age: 1209600\n`;
const HTML = `<!doctype html>\n<html><head><title>Welcome</title></head><body>${'<p>It works!</p>\n'.repeat(3000)}</body></html>\n`;
/** The question each DNS-backed check asks first. */
const QUESTION = { sts: `TXT _mta-sts.${D}`, mx: `MX ${D}`, tlsrpt: `TXT _smtp._tls.${D}` };

function zone() {
  return {
    [D]: { A: ['192.0.2.1'], MX: [[10, `mx1.${D}`], [20, `mx2.${D}`]] },
    [`_mta-sts.${D}`]: { TXT: [[STS]] },
    [`_smtp._tls.${D}`]: { TXT: [[TLSRPT]] },
    [`mta-sts.${D}`]: { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
    [`mx1.${D}`]: { A: ['192.0.2.25'] },
    [`mx2.${D}`]: { A: ['192.0.2.26'] },
  };
}
const hosts = (fault = {}) => ({ [POLICY_URL]: { body: POLICY, contentType: 'text/plain', ...fault } });

// ---------------------------------------------------------------------------
// Seeded garbage (mulberry32), so a failing byte string can be replayed.

function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function garbageFor(label) {
  let h = SEED;
  for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const rnd = mulberry32(h);
  const out = new Uint8Array(1 + Math.floor(rnd() * 700));
  for (let i = 0; i < out.length; i += 1) out[i] = Math.floor(rnd() * 256);
  return out;
}
const garbageAnswer = ({ q }) => new Response(garbageFor(`${TYPE_NAME[q.type]} ${q.name}`), {
  status: 200, headers: { 'content-type': 'application/dns-message', 'access-control-allow-origin': '*' },
});

// ---------------------------------------------------------------------------
// Real sockets: one node:http server for the file; each check says which
// fake-net answers it stands for and which URLs get a socket-level fault.

/** `https://<host>/<path>` → the DoH question it asks ('TXT _mta-sts.example.com'), or null. */
function questionOf(url) {
  try {
    const u = new URL(url);
    if (!url.startsWith(DEFAULT_RESOLVER)) return null;
    const q = parseQuery(base64urlDecode(u.searchParams.get('dns') ?? ''));
    return `${TYPE_NAME[q.type] ?? q.type} ${q.name.toLowerCase()}`;
  } catch {
    return null;
  }
}

/** Resolves when `res` may be written again (or is gone). */
function drained(res) {
  return new Promise((done) => {
    const go = () => { res.off('drain', go); res.off('close', go); done(); };
    res.on('drain', go);
    res.on('close', go);
  });
}

function makeRealServer() {
  const sockets = new Set();
  /** Every request: { url, q, written, finished, closed }. */
  let requests = [];
  let net = makeNet({});
  /** @type {(ctx: any) => ((req: any, res: any, ctx: any) => any) | undefined} */
  let route = () => undefined;
  let port = 0;
  /**
   * URL → a promise that resolves once the client's fetch of it has its
   * response (status and headers). A reset "after part of the body" waits for
   * it: a TCP reset makes the receiving kernel drop what the client has not
   * read yet, headers included, which would make it a reset before the headers.
   */
  let responded = new Map();
  const slot = (url) => {
    if (!responded.has(url)) {
      let resolve;
      const promise = new Promise((ok) => { resolve = ok; });
      responded.set(url, { promise, resolve });
    }
    return responded.get(url);
  };

  /** Answers as the emulated network would, through the real socket. */
  async function delegate(req, res, rec, ctx) {
    const ac = new AbortController();
    res.on('close', () => ac.abort(new Error('the client went away')));
    let r;
    try {
      r = await net.fetch(rec.url, {
        method: 'GET', mode: 'cors', redirect: 'manual', headers: { accept: req.headers.accept ?? '*/*' }, signal: ac.signal,
      });
    } catch {
      // The emulated network failed (networkError, TLS failure, or the client
      // left while it hung): the connection is reset.
      if (!res.destroyed) req.socket.resetAndDestroy();
      return;
    }
    if (res.destroyed) { r.body?.cancel().catch(() => {}); return; }
    const headers = Object.fromEntries(r.headers);
    headers.connection = 'close';
    res.writeHead(r.status, headers);
    if (!r.body) { res.end(); return; }
    const reader = r.body.getReader();
    res.on('close', () => { reader.cancel().catch(() => {}); });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (res.destroyed) return;
        rec.written += value.length;
        if (!res.write(value)) await drained(res);
      }
      if (!res.destroyed) res.end();
    } catch {
      // The emulated body broke midway (bodyError): so does the connection,
      // once the client has the response.
      await ctx.responded();
      if (!res.destroyed) res.socket?.resetAndDestroy();
    }
  }

  const server = http.createServer((req, res) => {
    const match = /^\/h\/([^/]+)(\/.*)$/.exec(req.url ?? '');
    if (!match) { res.writeHead(400, { connection: 'close' }).end(); return; }
    const url = `https://${match[1]}${match[2]}`;
    const rec = { url, q: questionOf(url), written: 0, finished: false, closed: false };
    requests.push(rec);
    res.on('finish', () => { rec.finished = true; });
    res.on('close', () => { rec.closed = true; });
    const ctx = {
      url, q: rec.q, rec,
      delegate: () => delegate(req, res, rec, ctx),
      /** Resolves once the client has this response (or the request is gone). */
      responded: () => Promise.race([slot(url).promise, new Promise((ok) => res.on('close', ok))]),
    };
    const custom = route(ctx);
    (custom ?? ctx.delegate)(req, res, ctx);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Sockets that carried a request. Undici (Node's fetch) opens a spare
  // connection to the origin after a request is aborted or its body cancelled,
  // and keeps it idle in its pool; that one never carries a request.
  const used = new WeakSet();
  server.on('request', (req) => used.add(req.socket));

  return {
    async start() {
      await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
      port = /** @type {any} */ (server.address()).port;
    },
    /** The fetch checkDomain gets: https://<host>/... → http://127.0.0.1:<port>/h/<host>/... */
    fetch: async (url, init) => {
      const u = new URL(String(url));
      const response = await globalThis.fetch(`http://127.0.0.1:${port}/h/${u.host}${u.pathname}${u.search}`, init);
      slot(String(url)).resolve();
      return response;
    },
    use(nextNet, nextRoute = () => undefined) {
      net = nextNet;
      route = nextRoute;
      requests = [];
      responded = new Map();
    },
    get requests() { return requests; },
    get port() { return port; },
    /**
     * Waits (at most 5 s) until every request and every socket that carried
     * one is closed, then asserts it; then closes undici's idle spares.
     */
    async settled() {
      const busy = () => [...sockets].filter((s) => used.has(s));
      const t0 = performance.now();
      while ((busy().length > 0 || requests.some((x) => !x.closed)) && performance.now() - t0 < 5000) {
        await new Promise((ok) => setTimeout(ok, 10));
      }
      assert.deepEqual(requests.filter((x) => !x.closed).map((x) => x.url), [], 'every request is closed after the check');
      assert.equal(busy().length, 0, `every socket that carried a request is closed after the check (${busy().length} open)`);
      server.closeIdleConnections();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(() => ok()));
    },
  };
}

const real = makeRealServer();
before(async () => {
  await real.start();
  // Node loads its fetch (undici) on the first call, which takes a while on a
  // busy machine: not something the first check's time limits should measure.
  await (await globalThis.fetch(`http://127.0.0.1:${real.port}/warm-up`)).text();
});
after(() => real.close());

// ---------------------------------------------------------------------------
// Running a check and what every report must satisfy

const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'];
const summary = (r) => JSON.stringify({
  grade: r.grade, grade_range: r.grade_range, complete: r.complete,
  checks: r.checks.map((c) => `${c.id}:${c.status}`), findings: r.findings.map((f) => `${f.code} [${f.check}] ${f.message}`),
}, null, 1);

/**
 * Runs checkDomain; it must resolve, within its overall deadline plus a
 * margin, with a well-formed final report.
 */
async function check(fetch, options = {}) {
  const opts = { fetch, timeoutMs: PATIENT_MS, totalTimeoutMs: TOTAL_MS, ...options };
  const progress = [];
  const t0 = performance.now();
  let r;
  // A hang fails here, at the bound, instead of holding the file open.
  let timer;
  const hung = new Promise((ok) => { timer = setTimeout(() => ok('hung'), opts.totalTimeoutMs + MARGIN_MS); });
  await assert.doesNotReject(async () => {
    const running = m.checkDomain(D, { ...opts, onProgress: (p) => { progress.push(p); options.onProgress?.(p); } });
    r = await Promise.race([running, hung]);
  }, 'checkDomain resolves, never rejects');
  clearTimeout(timer);
  assert.notEqual(r, 'hung', `checkDomain did not resolve within its overall limit of ${opts.totalTimeoutMs} ms (+${MARGIN_MS})`);
  const ms = performance.now() - t0;
  assert.ok(ms < opts.totalTimeoutMs + MARGIN_MS,
    `finished in ${Math.round(ms)} ms, within the overall limit of ${opts.totalTimeoutMs} ms (+${MARGIN_MS})`);
  wellFormed(r);
  return { r, ms, progress };
}

function wellFormed(r) {
  assert.equal(r.schema, 1);
  assert.equal(r.kind, 'domain');
  assert.equal(r.domain, D);
  assert.deepEqual(r.checks.map((c) => c.id), ['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
  for (const c of r.checks) assert.notEqual(c.status, 'pending', `no check is left pending: ${summary(r)}`);
  assert.deepEqual(r.pending, [], 'nothing pending');
  for (const f of r.findings) {
    assert.ok(SEVERITY.has(f.code), `${f.code} is in codes.def`);
    assert.equal(f.severity, SEVERITY.get(f.code), `severity of ${f.code}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `${f.code} has a message`);
  }
  // Honest grades: a grade only when every fact that decides it was observed.
  assert.ok(r.grade === null || GRADES.includes(r.grade), `grade ${r.grade}`);
  if (r.grade !== null) assert.equal(r.grade_range, null, 'no range beside a grade');
  if (!r.complete && r.grade === null) {
    assert.ok(Array.isArray(r.grade_range) && r.grade_range.length === 2, `a range when facts are missing: ${summary(r)}`);
  }
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(r))), JSON.stringify(r), 'plain JSON data');
}

const status = (r, id) => r.checks.find((c) => c.id === id)?.status;

/** The check `id` failed to observe with exactly `code`, and says what it asked. */
function failedWith(r, id, code, { about, message } = {}) {
  assert.equal(status(r, id), 'unknown', `${id} is unknown: ${summary(r)}`);
  const c = r.checks.find((x) => x.id === id);
  const fs = c.findings.filter((f) => f.code === code);
  assert.equal(fs.length, 1, `${id} carries ${code}: ${summary(r)}`);
  assert.ok(r.findings.some((f) => f.code === code && f.check === id), `${code} is in findings with check ${id}`);
  if (about) assert.ok(fs[0].message.includes(about), `the message names ${about}: ${fs[0].message}`);
  if (message) assert.match(fs[0].message, message);
}

/** Nothing claimed about the domain from what was not observed. */
function noUnobservedClaims(r) {
  const claims = ['sts.dns.missing', 'tlsrpt.dns.missing', 'domain.not_found', 'policy.host.missing',
    'policy.host.no_address', 'policy.fetch.unreachable', 'mx.implicit', 'mx.not_covered', 'mx.null'];
  const said = r.findings.map((f) => f.code).filter((c) => claims.includes(c));
  assert.deepEqual(said, [], `no claim from an unobserved fact: ${summary(r)}`);
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.code), [],
    `no error about a domain whose every observed fact is right: ${summary(r)}`);
}

/** The checks in `ids` kept their real, observed result and evidence. */
function kept(r, ids) {
  for (const id of ids) {
    if (id === 'policy_fetch') {
      assert.equal(status(r, id), 'pass', `policy_fetch still passes: ${summary(r)}`);
      assert.equal(r.policy.source, 'fetched');
      assert.equal(r.policy.status, 200);
      assert.match(r.policy.content_type, /^text\/plain/);
    } else if (id === 'policy') {
      assert.equal(status(r, id), 'pass', `policy still passes: ${summary(r)}`);
      assert.equal(r.policy.text, POLICY);
      assert.equal(r.policy.valid, true);
      assert.equal(r.policy.mode, 'enforce');
    } else if (id === 'sts') {
      assert.equal(status(r, id), 'pass', `sts still passes: ${summary(r)}`);
      assert.equal(r.sts.record, STS);
      assert.equal(r.sts.id, STS_ID);
    } else if (id === 'tlsrpt') {
      assert.equal(status(r, id), 'pass', `tlsrpt still passes: ${summary(r)}`);
      assert.equal(r.tlsrpt.record, TLSRPT);
      assert.equal(r.tlsrpt.valid, true);
    } else if (id === 'mx') {
      assert.equal(status(r, id), 'pass', `mx still passes: ${summary(r)}`);
      assert.deepEqual(r.mx.map((x) => [x.host, x.preference, x.covered]), [[`mx1.${D}`, 10, true], [`mx2.${D}`, 20, true]]);
    } else if (id === 'mx-lookup') {
      // The MX answer as observed, whatever the policy says about it.
      assert.deepEqual(r.mx.map((x) => [x.host, x.preference]), [[`mx1.${D}`, 10], [`mx2.${D}`, 20]]);
      assert.equal(r.mx_kind, 'records');
    } else if (id === 'dane') {
      assert.equal(status(r, id), 'info', `dane keeps its TLSA observations: ${summary(r)}`);
      assert.ok(r.findings.some((f) => f.code === 'dane.tlsa.missing' && f.check === 'dane'));
    } else {
      throw new Error(`kept: unknown check ${id}`);
    }
  }
}

function graded(r, grade, range, complete) {
  assert.equal(r.grade, grade, `grade: ${summary(r)}`);
  assert.deepEqual(r.grade_range, range, `grade_range: ${summary(r)}`);
  assert.equal(r.complete, complete, `complete: ${summary(r)}`);
}

/** Questions the resolver was asked, as 'TYPE name', from either transport. */
const askedOf = (net) => net.dnsQueries().map((q) => `${q.type} ${q.name}`);

// ===========================================================================
// The baseline: without a fault the domain earns an A on both transports.

describe('baseline', () => {
  test('emulated: A, complete, every check passes', async () => {
    const net = makeNet({ zone: zone(), hosts: hosts() });
    const { r } = await check(net.fetch);
    graded(r, 'A', null, true);
    kept(r, ['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
  });

  test('real sockets: A, complete, every socket closed afterwards', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }));
    const { r } = await check(real.fetch);
    graded(r, 'A', null, true);
    kept(r, ['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
    assert.ok(real.requests.length >= 8, `the resolver and the policy host were asked over sockets (${real.requests.length})`);
    assert.ok(real.requests.every((x) => x.finished), 'every answer was sent whole');
    await real.settled();
  });
});

// ===========================================================================
// Resolver faults, each on one question and on every question

/**
 * Each fault: the fake-net override that injects it, the finding it must
 * give, and what must be true of the response streams afterwards.
 *   real: false when it cannot be injected over a socket; realOverride when
 *   the socket variant differs (a flood big enough to outlast the kernel's
 *   socket buffers).
 */
const RESOLVER_FAULTS = [
  { id: 'HTTP 500', override: { http: 500 }, code: 'dns.query.failed', message: /HTTP 500/, causeMessage: /answered HTTP 500 to all/ },
  {
    id: 'HTTP 429 with Retry-After', override: { http: 429, httpHeaders: { 'retry-after': '120' }, httpBody: 'slow down' },
    code: 'dns.query.failed', message: /HTTP 429/, causeMessage: /answered HTTP 429 to all/,
  },
  {
    id: '200 with an HTML page (text/html)', override: { http: 200, httpType: 'text/html; charset=utf-8', httpBody: HTML },
    code: 'dns.query.failed', message: /HTTP 200[^]*text\/html/,
    // At most 1 KB of an error body is read for its detail; the rest is cancelled.
    emulatedStream: (s) => { assert.ok(s.cancelled, 'the HTML body is cancelled'); assert.ok(s.pulled <= 16384, `pulled ${s.pulled}`); },
  },
  { id: 'a truncated DNS message', override: { truncate: -9 }, code: 'dns.query.malformed' },
  { id: `seeded garbage bytes (FAULT_SEED=${SEED})`, override: { respond: garbageAnswer }, code: 'dns.query.malformed' },
  { id: 'a valid answer with another ID', override: { wrongId: true }, code: 'dns.query.malformed', message: /ID/i },
  { id: 'a valid answer to another question', override: { wrongQuestion: true }, code: 'dns.query.malformed', message: /question|does not answer/i },
  {
    id: 'an answer over 65,535 bytes', override: { padTo: 1_000_000 }, realOverride: { padTo: TEN_MB },
    code: 'dns.query.too_large', message: /65,535/,
    emulatedStream: (s) => {
      assert.ok(s.cancelled, 'the oversized body is cancelled');
      assert.ok(s.pulled > MAX_DNS && s.pulled <= MAX_DNS + 1 + 16384, `read just past 65,535 bytes, then stopped (pulled ${s.pulled})`);
    },
    realStream: (rec) => {
      assert.equal(rec.finished, false, 'the 10 MB answer was not read to its end');
      assert.ok(rec.written < TEN_MB, `the server could not write it all (${rec.written} bytes)`);
    },
  },
  { id: 'a resolver that never answers', override: { hang: true }, code: 'dns.query.timeout', slow: true, causeMessage: /answered none of the/ },
  { id: 'a resolver whose fetch ignores the AbortSignal', override: { hang: true, ignoreAbort: true }, code: 'dns.query.timeout', slow: true, real: false },
  { id: 'a network error (fetch rejects; over a socket: a reset before the headers)', override: { networkError: true }, code: 'dns.query.failed', causeMessage: /could not be reached/ },
  {
    id: 'a body stream that errors midway (over a socket: a reset after part of the body)', override: { bodyError: 14 },
    code: 'dns.query.failed', message: /answered HTTP 200 to the query .* but the answer broke off .*body read failed/, emulatedStream: (s) => assert.ok(s.errored, 'the stream errored'),
    realStream: (rec) => assert.equal(rec.finished, false, 'the answer was cut off'),
  },
];

/**
 * Where a fault is injected, and what it may change: the checks that lose
 * their fact, the range that is left, the checks that must keep their result.
 */
const SCOPES = [
  {
    id: 'on the TLS-RPT question only',
    apply: (z, o) => { z[`_smtp._tls.${D}`] = { ...z[`_smtp._tls.${D}`], ...o }; },
    failed: ['tlsrpt'], kept: ['sts', 'policy_fetch', 'policy', 'mx', 'dane'], range: ['B', 'A'],
  },
  {
    id: 'on the MX question only',
    apply: (z, o) => { z[D] = { ...z[D], ...o, only: ['MX'] }; },
    failed: ['mx'], kept: ['sts', 'policy_fetch', 'policy', 'tlsrpt'], range: ['F', 'A+'], dane: 'unknown',
  },
  {
    id: 'on every question',
    every: true,
    failed: ['sts', 'mx', 'tlsrpt'], kept: ['policy_fetch', 'policy'], range: ['F', 'A+'], dane: 'unknown',
  },
];

function netFor(scope, override) {
  const z = zone();
  if (scope.every) return makeNet({ zone: z, hosts: hosts(), everyQuery: override });
  scope.apply(z, override);
  return makeNet({ zone: z, hosts: hosts() });
}

/**
 * Every question failed: the resolver is the root cause (docs/GRADING.md "The root cause"). One
 * finding about it, first, with the evidence; no per-question finding; each check that needed DNS
 * says once that it was not checked.
 */
function resolverIsTheCause(r, fault, scope) {
  assert.equal(r.cause?.code, 'dns.resolver.failed', `the cause: ${summary(r)}`);
  assert.equal(r.cause.check, null);
  assert.equal(r.findings[0].code, 'dns.resolver.failed', 'the report leads with it');
  assert.equal(r.findings.filter((f) => f.code === 'dns.resolver.failed').length, 1, 'said once');
  assert.match(r.cause.message, /DNS queries/);
  if (fault.causeMessage) assert.match(r.cause.message, fault.causeMessage);
  assert.deepEqual(r.findings.filter((f) => f.code.startsWith('dns.query.')).map((f) => `${f.check} ${f.code}`), [],
    'no per-question finding');
  for (const id of scope.failed) {
    assert.equal(status(r, id), 'unknown', `${id} is unknown: ${summary(r)}`);
    assert.ok(r.cause.affects.includes(id), `${id} is among the checks the cause affects`);
    assert.match(r.checks.find((c) => c.id === id).summary, /^Not checked: the DNS resolver/);
  }
}

function assertResolverFault(r, ms, fault, scope, asked, requestMs) {
  if (scope.every) resolverIsTheCause(r, fault, scope);
  else for (const id of scope.failed) failedWith(r, id, fault.code, { about: QUESTION[id], message: fault.message });
  kept(r, scope.kept);
  if (scope.dane) assert.equal(status(r, 'dane'), scope.dane, `dane: ${summary(r)}`);
  graded(r, null, scope.range, false);
  noUnobservedClaims(r);
  assert.ok(!r.findings.some((f) => f.code === 'check.deadline' || f.code === 'check.aborted'), 'stopped by nothing but the fault');
  // No retry storm (429 included): every question was asked once.
  assert.equal(new Set(asked).size, asked.length, `each question asked once: ${asked}`);
  for (const id of scope.failed) assert.ok(asked.includes(QUESTION[id]), `asked ${QUESTION[id]}`);
  if (fault.slow) assert.ok(ms >= requestMs * 0.9, `waited for the per-request limit (${Math.round(ms)} ms)`);
}

describe('resolver faults, emulated fetch', () => {
  for (const fault of RESOLVER_FAULTS) {
    for (const scope of SCOPES) {
      test(`${fault.id} ${scope.id} → ${scope.every ? "dns.resolver.failed (the root cause)" : fault.code}`, async () => {
        const net = netFor(scope, fault.override);
        const { r, ms } = await check(net.fetch, fault.slow ? { timeoutMs: REQUEST_MS } : {});
        assertResolverFault(r, ms, fault, scope, askedOf(net), REQUEST_MS);
        const faulted = net.calls.filter((c) => c.kind === 'dns' && scope.failed.some((id) => QUESTION[id] === `${c.q?.type} ${c.q?.name.toLowerCase()}`));
        assert.equal(faulted.length, scope.failed.length, 'the faulted questions were asked');
        if (fault.emulatedStream) for (const c of faulted) fault.emulatedStream(c.stream);
        assert.deepEqual(net.stray().map((c) => c.url), [], 'no request anywhere else');
      });
    }
  }
});

describe('resolver faults, real sockets', () => {
  for (const fault of RESOLVER_FAULTS.filter((f) => f.real !== false)) {
    for (const scope of SCOPES) {
      test(`${fault.id} ${scope.id} → ${scope.every ? "dns.resolver.failed (the root cause)" : fault.code}`, async () => {
        const net = netFor(scope, fault.realOverride ?? fault.override);
        real.use(net);
        const { r, ms } = await check(real.fetch, fault.slow ? { timeoutMs: REAL_REQUEST_MS } : {});
        const asked = real.requests.map((x) => x.q).filter(Boolean);
        assertResolverFault(r, ms, fault, scope, asked, REAL_REQUEST_MS);
        await real.settled();
        const faulted = real.requests.filter((x) => scope.failed.some((id) => QUESTION[id] === x.q));
        assert.equal(faulted.length, scope.failed.length, 'the faulted questions were asked over the socket');
        if (fault.realStream) for (const rec of faulted) fault.realStream(rec);
      });
    }
  }
});

describe('resolver faults only a socket shows', () => {
  test('the resolver redirects to itself (a loop) for the TLS-RPT question → dns.query.failed there, nothing else lost', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ q }) => (q !== QUESTION.tlsrpt ? undefined : (req, res) => {
      res.writeHead(302, { location: req.url, connection: 'close' });
      res.end();
    }));
    const { r } = await check(real.fetch);
    failedWith(r, 'tlsrpt', 'dns.query.failed', { about: QUESTION.tlsrpt });
    kept(r, ['sts', 'policy_fetch', 'policy', 'mx', 'dane']);
    graded(r, null, ['B', 'A'], false);
    noUnobservedClaims(r);
    await real.settled();
    const loops = real.requests.filter((x) => x.q === QUESTION.tlsrpt).length;
    assert.ok(loops > 1 && loops <= 21, `the loop was followed a bounded number of times (${loops})`);
  });

  test('a chunked answer with Connection: close, reset mid-body → not observed (malformed or failed), never a claim', async () => {
    // Node 20's fetch (undici before nodejs/undici#5273) takes the end of such
    // a connection for the end of the body and resolves with the bytes so far,
    // where a browser reports a network error. Either way the cut message must
    // not count as an answer: the decoder rejects it (dns.query.malformed), or
    // the read fails (dns.query.failed, with a fixed undici).
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ q }) => (q !== QUESTION.tlsrpt ? undefined : async (req, res, ctx) => {
      res.writeHead(200, { 'content-type': 'application/dns-message', connection: 'close' }); // chunked
      res.write(Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 11]));
      await ctx.responded();
      res.socket?.resetAndDestroy();
    }));
    const { r } = await check(real.fetch);
    const code = r.checks.find((c) => c.id === 'tlsrpt').findings[0]?.code;
    assert.ok(['dns.query.malformed', 'dns.query.failed'].includes(code), summary(r));
    failedWith(r, 'tlsrpt', code, { about: QUESTION.tlsrpt });
    kept(r, ['sts', 'policy_fetch', 'policy', 'mx', 'dane']);
    graded(r, null, ['B', 'A'], false);
    noUnobservedClaims(r);
    await real.settled();
  });
});

// ===========================================================================
// Policy host faults: DNS answers, so sts, tlsrpt, the MX lookup and DANE keep
// what they observed.

const POLICY_TIMEOUT_MS = 500;

/** The policy host fault left everything DNS observed in place. */
function dnsKept(r) {
  kept(r, ['sts', 'tlsrpt', 'mx-lookup', 'dane']);
  assert.ok(!r.findings.some((f) => f.code.startsWith('dns.')), `no DNS finding: ${summary(r)}`);
}

const policyRequests = () => real.requests.filter((x) => x.url === POLICY_URL);

describe('policy host faults', () => {
  test('10 MB body, emulated: cut at 64 KB + 1, stream cancelled after a few chunks → policy.fetch.too_large, F', async () => {
    const net = makeNet({ zone: zone(), hosts: hosts({ size: TEN_MB }) });
    const { r } = await check(net.fetch);
    const f = r.findings.find((x) => x.code === 'policy.fetch.too_large');
    assert.equal(f?.check, 'policy_fetch', summary(r));
    assert.equal(status(r, 'policy_fetch'), 'fail');
    graded(r, 'F', null, true); // over 64 KB is observed, and senders reject it
    dnsKept(r);
    const [call] = net.calls.filter((c) => c.kind === 'host');
    assert.equal(call.stream.cancelled, true, 'the body stream was cancelled');
    assert.ok(call.stream.pulled > MAX_POLICY && call.stream.pulled <= MAX_POLICY + 1 + 16384,
      `pulled just past 65,536 bytes, not 10 MB (${call.stream.pulled})`);
    assert.equal(net.calls.filter((c) => c.kind === 'host').length, 1, 'one GET');
  });

  test('10 MB body, real socket: cut at 64 KB + 1, the connection closed long before the end → policy.fetch.too_large', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : async (req, res, { rec }) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(TEN_MB), connection: 'close' });
      const chunk = Buffer.alloc(16384, 0x61);
      while (rec.written < TEN_MB && !res.destroyed) {
        rec.written += chunk.length;
        if (!res.write(chunk)) await drained(res);
      }
      if (!res.destroyed) res.end();
    }));
    // What the check's reader pulled, measured between undici's body and host.mjs.
    const seen = { pulled: 0, cancelled: false };
    const counting = async (url, init) => {
      const res = await real.fetch(url, init);
      if (url !== POLICY_URL || !res.body) return res;
      const src = res.body.getReader();
      const body = new ReadableStream({
        async pull(c) {
          const { done, value } = await src.read();
          if (done) c.close(); else { seen.pulled += value.length; c.enqueue(value); }
        },
        cancel(reason) { seen.cancelled = true; return src.cancel(reason); },
      }, { highWaterMark: 0 });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const { r } = await check(counting);
    assert.equal(r.findings.find((x) => x.code === 'policy.fetch.too_large')?.check, 'policy_fetch', summary(r));
    graded(r, 'F', null, true);
    dnsKept(r);
    await real.settled();
    assert.ok(seen.cancelled, 'the body was cancelled');
    assert.ok(seen.pulled > MAX_POLICY && seen.pulled < MAX_POLICY + 1 + 256 * 1024, `pulled ${seen.pulled} bytes`);
    const [rec] = policyRequests();
    assert.equal(rec.finished, false, 'the 10 MB were not sent to the end');
    assert.ok(rec.written < TEN_MB, `the server wrote ${rec.written} bytes before the connection closed`);
  });

  test('a body that trickles forever, emulated → stopped at the policy timeout, policy.fetch.timeout, no grade', async () => {
    const net = makeNet({ zone: zone(), hosts: hosts({ neverEnds: true, chunkMs: 25 }) });
    const { r, ms } = await check(net.fetch, { timeoutMs: POLICY_TIMEOUT_MS });
    failedWith(r, 'policy_fetch', 'policy.fetch.timeout');
    assert.ok(ms >= POLICY_TIMEOUT_MS * 0.9 && ms < POLICY_TIMEOUT_MS + MARGIN_MS, `stopped at the policy timeout (${Math.round(ms)} ms)`);
    graded(r, null, ['F', 'A'], false);
    noUnobservedClaims(r);
    dnsKept(r);
    const [call] = net.calls.filter((c) => c.kind === 'host');
    assert.ok(call.stream.pulled > 0, 'bytes trickled in');
    assert.ok(call.stream.cancelled || call.stream.errored, 'the trickle was stopped');
  });

  test('a body that trickles a byte every 30 ms forever, real socket → policy.fetch.timeout; the connection is closed', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : (req, res, { rec }) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      res.write('version: STSv1\n');
      const timer = setInterval(() => { rec.written += 1; res.write('m'); }, 30);
      res.on('close', () => clearInterval(timer));
    }));
    const { r, ms } = await check(real.fetch, { timeoutMs: REAL_REQUEST_MS });
    failedWith(r, 'policy_fetch', 'policy.fetch.timeout');
    assert.ok(ms >= REAL_REQUEST_MS * 0.9 && ms < REAL_REQUEST_MS + MARGIN_MS, `stopped at the policy timeout (${Math.round(ms)} ms)`);
    graded(r, null, ['F', 'A'], false);
    noUnobservedClaims(r);
    dnsKept(r);
    await real.settled();
    const [rec] = policyRequests();
    assert.ok(rec.written > 3, `it trickled (${rec.written} bytes)`);
    assert.equal(rec.finished, false, 'the client closed the connection');
  });

  for (const [how, kill] of [['resetAndDestroy() (RST)', (s) => s.resetAndDestroy()], ['destroy() (FIN)', (s) => s.destroy()]]) {
    test(`connection closed before the headers, ${how}, real socket → policy.fetch.unreachable (F, observed)`, async () => {
      real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : (req) => kill(req.socket)));
      const { r } = await check(real.fetch);
      assert.equal(r.findings.find((x) => x.code === 'policy.fetch.unreachable')?.check, 'policy_fetch', summary(r));
      assert.equal(status(r, 'policy_fetch'), 'fail');
      // Both requests (cors, then the no-cors probe) failed while mta-sts.<d> resolves:
      // the rubric's observed "unreachable", an F.
      graded(r, 'F', null, true);
      dnsKept(r);
      await real.settled();
      assert.equal(policyRequests().length, 2, 'the GET and the no-cors probe');
    });
  }

  test('connection reset after part of the body, real socket → policy.fetch.unreachable', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : async (req, res, ctx) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(POLICY.length), connection: 'close' });
      res.write(POLICY.slice(0, 20));
      ctx.rec.written = 20;
      await ctx.responded();
      res.socket?.resetAndDestroy();
    }));
    const { r } = await check(real.fetch);
    const f = r.findings.find((x) => x.code === 'policy.fetch.unreachable');
    assert.equal(f?.check, 'policy_fetch', summary(r));
    assert.match(f.message, /body read failed/, 'the message says the body broke off');
    assert.match(f.message, /answered HTTP 200, but the connection broke/, 'the headers did come');
    assert.doesNotMatch(f.message, /certificate|port 443/, 'no blame on TLS or the port: the connection worked');
    graded(r, 'F', null, true);
    dnsKept(r);
    assert.equal(r.policy, null, 'no half policy is linted');
    await real.settled();
  });

  test('body error after part of the body, emulated → policy.fetch.unreachable', async () => {
    const net = makeNet({ zone: zone(), hosts: hosts({ bodyError: 20, chunkSize: 10 }) });
    const { r } = await check(net.fetch);
    assert.equal(r.findings.find((x) => x.code === 'policy.fetch.unreachable')?.check, 'policy_fetch', summary(r));
    graded(r, 'F', null, true);
    dnsKept(r);
    assert.equal(r.policy, null);
  });

  test('headers that never come, real socket → policy.fetch.timeout; the connection is closed', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : () => {}));
    const { r, ms } = await check(real.fetch, { timeoutMs: REAL_REQUEST_MS });
    failedWith(r, 'policy_fetch', 'policy.fetch.timeout');
    assert.ok(ms >= REAL_REQUEST_MS * 0.9, `waited for the policy timeout (${Math.round(ms)} ms)`);
    graded(r, null, ['F', 'A'], false);
    noUnobservedClaims(r);
    dnsKept(r);
    await real.settled();
    assert.equal(policyRequests().length, 1, 'no probe after a timeout');
  });

  test('headers that trickle in forever (a status line, then a header every 30 ms), real socket → policy.fetch.timeout', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : (req, res, { rec }) => {
      const sock = req.socket;
      sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n');
      const timer = setInterval(() => { rec.written += 1; sock.write(`x-slow-${rec.written}: 1\r\n`); }, 30);
      sock.on('close', () => clearInterval(timer));
    }));
    const { r, ms } = await check(real.fetch, { timeoutMs: REAL_REQUEST_MS });
    failedWith(r, 'policy_fetch', 'policy.fetch.timeout');
    assert.ok(ms >= REAL_REQUEST_MS * 0.9, `waited for the policy timeout (${Math.round(ms)} ms)`);
    graded(r, null, ['F', 'A'], false);
    dnsKept(r);
    await real.settled();
    assert.ok(policyRequests()[0].written > 3, 'headers trickled');
  });

  for (const [label, extra] of [['honouring abort', {}], ['its fetch ignoring the AbortSignal', { ignoreAbort: true }]]) {
    test(`headers that never come, emulated, ${label} → policy.fetch.timeout`, async () => {
      const net = makeNet({ zone: zone(), hosts: hosts({ hang: true, ...extra }) });
      const { r, ms } = await check(net.fetch, { timeoutMs: POLICY_TIMEOUT_MS });
      failedWith(r, 'policy_fetch', 'policy.fetch.timeout');
      assert.ok(ms < POLICY_TIMEOUT_MS + MARGIN_MS, `stopped at the policy timeout (${Math.round(ms)} ms)`);
      graded(r, null, ['F', 'A'], false);
      dnsKept(r);
    });
  }

  test('a redirect to itself (a loop), real socket → policy.fetch.redirect, not followed', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : (req, res) => {
      res.writeHead(301, { location: POLICY_URL, 'content-type': 'text/html', connection: 'close' });
      res.end('<a href="/.well-known/mta-sts.txt">moved</a>');
    }));
    const { r } = await check(real.fetch);
    const f = r.findings.find((x) => x.code === 'policy.fetch.redirect');
    assert.equal(f?.check, 'policy_fetch', summary(r));
    assert.match(f.message, /HTTP 301/);
    graded(r, 'F', null, true);
    dnsKept(r);
    await real.settled();
    assert.equal(policyRequests().length, 1, 'the redirect was not followed');
  });

  test('a redirect loop, emulated (Chromium: opaqueredirect) → policy.fetch.redirect', async () => {
    const net = makeNet({ zone: zone(), hosts: hosts({ redirect: { status: 302, location: POLICY_URL } }) });
    const { r } = await check(net.fetch);
    assert.equal(r.findings.find((x) => x.code === 'policy.fetch.redirect')?.check, 'policy_fetch', summary(r));
    graded(r, 'F', null, true);
    dnsKept(r);
    assert.equal(net.calls.filter((c) => c.kind === 'host').length, 1, 'not followed');
  });

  for (const transport of ['emulated', 'real socket']) {
    test(`an HTML page served with 200 text/html, ${transport} → policy.fetch.content_type and an invalid policy (F)`, async () => {
      const net = makeNet({ zone: zone(), hosts: hosts({ contentType: 'text/html; charset=utf-8', body: HTML.slice(0, 4000) }) });
      let r;
      if (transport === 'emulated') ({ r } = await check(net.fetch));
      else { real.use(net); ({ r } = await check(real.fetch)); await real.settled(); }
      const f = r.findings.find((x) => x.code === 'policy.fetch.content_type');
      assert.equal(f?.check, 'policy_fetch', summary(r));
      assert.match(f.message, /text\/html[^]*HTML page/);
      assert.equal(status(r, 'policy'), 'fail');
      // One diagnosis for a body that is a web page, not a policy (and nothing else about it).
      assert.deepEqual(r.findings.filter((x) => x.check === 'policy').map((x) => x.code), ['policy.not_text'], summary(r));
      assert.equal(r.policy.text, HTML.slice(0, 4000), 'the page is kept verbatim as data');
      graded(r, 'F', null, true);
      dnsKept(r);
    });
  }

  test('the policy host refuses the connection, real socket → policy.fetch.unreachable', async () => {
    const closed = http.createServer();
    await new Promise((ok) => closed.listen(0, '127.0.0.1', ok));
    const deadPort = /** @type {any} */ (closed.address()).port;
    await new Promise((ok) => closed.close(ok));
    real.use(makeNet({ zone: zone(), hosts: hosts() }));
    const refusing = (url, init) => (url === POLICY_URL
      ? globalThis.fetch(`http://127.0.0.1:${deadPort}/.well-known/mta-sts.txt`, init) : real.fetch(url, init));
    const { r } = await check(refusing);
    assert.equal(r.findings.find((x) => x.code === 'policy.fetch.unreachable')?.check, 'policy_fetch', summary(r));
    graded(r, 'F', null, true);
    dnsKept(r);
    await real.settled();
  });
});

// ===========================================================================
// The overall deadline and the caller's signal

describe('overall deadline and caller abort', () => {
  const hangAll = (extra = {}) => makeNet({ zone: zone(), hosts: hosts({ hang: true, ...extra }), everyQuery: { hang: true, ...extra } });

  test('everything hanging, emulated: check.deadline (not check.aborted) at totalTimeoutMs', async () => {
    const { r, ms } = await check(hangAll().fetch, { timeoutMs: 60_000, totalTimeoutMs: 600 });
    assert.ok(ms >= 550, `ran until the deadline (${Math.round(ms)} ms)`);
    for (const id of ['sts', 'policy_fetch', 'mx', 'tlsrpt']) failedWith(r, id, 'check.deadline', { message: /overall limit of 0\.6 s/ });
    assert.ok(!r.findings.some((f) => f.code === 'check.aborted'), 'the deadline is not the caller stopping');
    graded(r, null, ['F', 'A+'], false);
    noUnobservedClaims(r);
  });

  test('everything hanging with a fetch that ignores the AbortSignal: still check.deadline at totalTimeoutMs', async () => {
    const { r, ms } = await check(hangAll({ ignoreAbort: true }).fetch, { timeoutMs: 60_000, totalTimeoutMs: 600 });
    assert.ok(ms < 600 + MARGIN_MS, `${Math.round(ms)} ms`);
    for (const id of ['sts', 'policy_fetch', 'mx', 'tlsrpt']) failedWith(r, id, 'check.deadline');
    graded(r, null, ['F', 'A+'], false);
  });

  test('everything hanging, real sockets: check.deadline; every connection is closed', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), () => () => {});
    const { r, ms } = await check(real.fetch, { timeoutMs: 60_000, totalTimeoutMs: 600 });
    assert.ok(ms >= 550, `${Math.round(ms)} ms`);
    for (const id of ['sts', 'policy_fetch', 'mx', 'tlsrpt']) failedWith(r, id, 'check.deadline');
    assert.ok(!r.findings.some((f) => f.code === 'check.aborted'));
    graded(r, null, ['F', 'A+'], false);
    await real.settled();
    assert.ok(real.requests.length >= 6 && real.requests.every((x) => !x.finished), 'all were left unanswered and closed by the client');
  });

  test('the deadline while only the policy trickles: the DNS checks keep their results', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      const timer = setInterval(() => res.write('x'), 30);
      res.on('close', () => clearInterval(timer));
    }));
    const { r } = await check(real.fetch, { timeoutMs: 60_000, totalTimeoutMs: TOTAL_MS });
    failedWith(r, 'policy_fetch', 'check.deadline');
    assert.ok(!r.findings.some((f) => f.code === 'policy.fetch.timeout' || f.code === 'check.aborted'), summary(r));
    graded(r, null, ['F', 'A'], false);
    dnsKept(r);
    await real.settled();
  });

  test('the caller\'s AbortSignal, everything hanging, emulated: check.aborted (not check.deadline)', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const { r, ms } = await check(hangAll().fetch, { timeoutMs: 60_000, totalTimeoutMs: 5000, signal: ac.signal });
    assert.ok(ms < 150 + MARGIN_MS, `stopped when asked (${Math.round(ms)} ms)`);
    for (const id of ['sts', 'policy_fetch', 'mx', 'tlsrpt']) failedWith(r, id, 'check.aborted');
    assert.ok(!r.findings.some((f) => f.code === 'check.deadline'), summary(r));
    graded(r, null, ['F', 'A+'], false);
  });

  test('the caller\'s AbortSignal with a fetch that ignores it: check.aborted, at once', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('user pressed stop')), 150);
    const { r, ms } = await check(hangAll({ ignoreAbort: true }).fetch, { timeoutMs: 60_000, totalTimeoutMs: 5000, signal: ac.signal });
    assert.ok(ms < 150 + MARGIN_MS, `${Math.round(ms)} ms`);
    for (const id of ['sts', 'policy_fetch', 'mx', 'tlsrpt']) failedWith(r, id, 'check.aborted');
  });

  test('the caller\'s AbortSignal while the policy trickles, real sockets: check.aborted on the policy only', async () => {
    real.use(makeNet({ zone: zone(), hosts: hosts() }), ({ url }) => (url !== POLICY_URL ? undefined : (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      const timer = setInterval(() => res.write('x'), 30);
      res.on('close', () => clearInterval(timer));
    }));
    // Stopped once the DNS checks have their answers (whenever that is on a busy machine).
    const ac = new AbortController();
    const onProgress = (p) => {
      const answered = status(p, 'sts') === 'pass' && status(p, 'tlsrpt') === 'pass' && p.mx.length === 2 &&
        !['pending', undefined].includes(status(p, 'dane'));
      if (answered) ac.abort();
    };
    const { r } = await check(real.fetch, { timeoutMs: 60_000, totalTimeoutMs: 5000, signal: ac.signal, onProgress });
    assert.ok(ac.signal.aborted, 'stopped by the caller');
    failedWith(r, 'policy_fetch', 'check.aborted');
    assert.ok(!r.findings.some((f) => f.code === 'check.deadline'), summary(r));
    graded(r, null, ['F', 'A'], false);
    dnsKept(r);
    await real.settled();
  });
});

// ===========================================================================
// Last: nothing escaped, nothing is left running.

describe('the whole file', () => {
  test('no unhandled rejection, no uncaught exception; no socket, server or timer left running', async () => {
    await new Promise((ok) => setTimeout(ok, 50));
    assert.deepEqual(unhandled.map(String), [], 'unhandled rejections');
    assert.deepEqual(uncaught.map(String), [], 'uncaught exceptions');
    await real.close();
    const t0 = performance.now();
    const busy = () => process.getActiveResourcesInfo().filter((x) => /^(TCP|Timeout|Immediate)/.test(x));
    while (busy().length > 0 && performance.now() - t0 < 2000) await new Promise((ok) => setImmediate(ok));
    assert.deepEqual(busy(), [], 'active resources after the last check');
  });
});
