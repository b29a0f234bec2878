// checkDomain (dist/mtasts.mjs) in a real headless Chromium against a
// simulated internet: real DNS-over-HTTPS wire messages, real HTTPS with a
// test CA, real CORS, redirects and certificate failures. This file is about
// the requests the browser makes (HTTP/2, SNI, CORS mode, no cookies or
// referrer, DoH GETs), running under the page's CSP, the guard and the world
// server itself. What checkDomain concludes for each domain set-up, in the
// browser and in the Node emulation (tests/support/fake-net.mjs), is the
// shared scenarios' (tests/fixtures/scenarios/, run here by
// tests/e2e/scenarios.test.mjs).
//
//   node --test tests/e2e/check-api.test.mjs
//   MTASTS_DIST=/tmp/e2e-dist node --test tests/e2e/check-api.test.mjs
//   MTASTS_E2E_VERBOSE=1 …   also prints each report and what the world server was asked
//
// Needs: /usr/bin/chromium (or $CHROMIUM), playwright-core, openssl and
// certutil (libnss3-tools). No request leaves the machine: *.test goes to
// the world server on 127.0.0.1, every other name fails to resolve.
//
// The page is `mtasts.mjs` itself opened as a document from the dist server:
// the module's origin, without the Content-Security-Policy tools/serve.mjs
// puts on HTML, so these tests do not depend on the page or its CSP. One test
// runs checkDomain from index.html under that CSP (its connect-src must allow
// the resolver and the policy host; Trusted Types are enforced). The page UI
// is not used.
//
// Every browser context is guarded (support/guard.mjs): a test fails on a CSP
// violation or a request to an origin other than the page's, doh.test and the
// checked domain's policy host. One test shows that the guard does fail.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeNet, buildQuery, parseMessage, base64urlEncode, RCODE } from '../support/fake-net.mjs';
import { makePki } from './support/pki.mjs';
import { startWorld } from './support/world.mjs';
import { policyText, siteWorld } from './support/site.mjs';
import { launch, serveDist, collect } from './support/browser.mjs';
import { guard, verifyGuards } from './support/guard.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.MTASTS_DIST || path.join(repo, 'dist'));
const T = { timeout: 10_000 };
const TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------
// Scenarios: one domain each, so no answer can leak from one test into another.

/**
 * A domain that earns an A unless `host` / `names` break it. Returns the
 * scenario for the world server ({ zone, hosts } by hostname) and for
 * fake-net ({ zone, hosts } by URL).
 */
function site(d, options = {}) {
  const { zone, hosts: byHost } = siteWorld(d, options);
  const byUrl = {};
  for (const [h, b] of Object.entries(byHost)) {
    const { cert, ...rest } = b;
    byUrl[`https://${h}/.well-known/mta-sts.txt`] = cert && cert !== 'good' ? { ...rest, tls: 'fail' } : rest;
  }
  return { domain: d, world: { zone, hosts: byHost }, net: { zone, hosts: byUrl } };
}

const SCENARIOS = {
  good: site('good.test'),
};

// ---------------------------------------------------------------------------
// Setup: PKI, world, browser, dist server, and the module in Node for the emulation.

let tmp = '';
/** @type {ReturnType<typeof makePki>} */
let pki;
/** @type {Awaited<ReturnType<typeof startWorld>>} */
let world;
/** @type {Awaited<ReturnType<typeof launch>>} */
let chrome;
/** @type {Awaited<ReturnType<typeof serveDist>>} */
let site0;
/** @type {any} */
let nodeModule;
const timings = {};

before(async () => {
  let t = performance.now();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mtasts-e2e-pki-'));
  const names = ['doh.test', ...Object.values(SCENARIOS).map((s) => `mta-sts.${s.domain}`)];
  pki = makePki(tmp, names);
  timings.pki = performance.now() - t;
  t = performance.now();
  world = await startWorld({ pki });
  [site0, chrome] = await Promise.all([serveDist(dist), launch({ worldPort: world.port, pkiDir: pki.dir })]);
  timings.launch = performance.now() - t;
  nodeModule = await (await import(pathToFileURL(path.join(dist, 'mtasts.mjs')).href)).load();
});

afterEach(verifyGuards);

after(async () => {
  await chrome?.close();
  await site0?.close();
  await world?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`# e2e setup: pki ${timings.pki?.toFixed(0)} ms, world+browser+server ${timings.launch?.toFixed(0)} ms\n`);
});

// ---------------------------------------------------------------------------
// Running a check in the browser and in the emulation

const brief = (r) => JSON.stringify({
  grade: r.grade, grade_range: r.grade_range, complete: r.complete, grade_reason: r.grade_reason,
  findings: r.findings.map((f) => `${f.severity} ${f.code} [${f.check}] ${f.message}`),
  checks: r.checks.map((c) => `${c.id}:${c.status}`), policy: r.policy && { ...r.policy, text: undefined },
}, null, 1);

/** The report without what depends on the clock. */
function comparable(r) {
  const c = structuredClone(r);
  delete c.timings;
  return c;
}

/**
 * Runs checkDomain for a scenario in Chromium (world server) and in Node
 * (fake-net), and returns both reports plus what the browser and the world saw.
 */
async function check(scenario, options = {}) {
  world.update(scenario.world);
  const context = await chrome.browser.newContext();
  const g = await guard(context, { allow: [site0.origin, world.resolverUrl, `https://mta-sts.${scenario.domain}`], world });
  try {
    const page = await context.newPage();
    const seen = collect(page);
    const nav = await page.goto(`${site0.base}mtasts.mjs`);
    assert.equal(nav?.status(), 200);
    const t0 = performance.now();
    const r = await page.evaluate(async ({ domain, resolver, options: o }) => {
      const m = await (await import('./mtasts.mjs')).load();
      return m.checkDomain(domain, { resolver, ...o });
    }, { domain: scenario.domain, resolver: world.resolverUrl, options: { timeoutMs: TIMEOUT_MS, ...options } });
    const ms = performance.now() - t0;
    const requests = [...world.requests];
    const net = makeNet({ ...scenario.net, resolverUrl: world.resolverUrl });
    const emulated = await nodeModule.checkDomain(scenario.domain, { resolver: world.resolverUrl, fetch: net.fetch, timeoutMs: TIMEOUT_MS, ...options });

    // Only the page's origin, the resolver and the policy host were asked for anything (the next hop
    // of a redirect:'manual' fetch, listed by DevTools but never sent, is let through when the world
    // server confirms it was not sent), and no CSP was broken.
    g.verify();
    assert.deepEqual(seen.errors.filter((e) => /page error/.test(e)), [], 'no page error');
    if (process.env.MTASTS_E2E_VERBOSE) {
      process.stderr.write(`# ${scenario.domain}: browser ${ms.toFixed(0)} ms, ${brief(r)}\n# world: ${JSON.stringify(requests.map((q) => [q.host, q.path.slice(0, 30), q.status, q.misdirected ? 'misdirected' : '']))}\n`);
    }
    return { r, emulated, net, seen, requests, ms };
  } finally {
    await context.close();
  }
}

/** The browser's report equals the emulation's (clock aside); on a difference, both are shown. */
function sameAsEmulation(r, emulated) {
  assert.deepEqual(comparable(r), comparable(emulated),
    `Chromium and fake-net disagree.\nChromium: ${brief(r)}\nfake-net: ${brief(emulated)}`);
}

/** Requests the world server answered for the policy host (421s for coalesced connections aside). */
const policyRequests = (requests, d) => requests.filter((q) => q.host === `mta-sts.${d}` && !q.misdirected);
const dohRequests = (requests) => requests.filter((q) => q.host === 'doh.test');
/** The DNS questions, as "TYPE name", sorted. */
const questions = (list) => list.map((q) => `${q.type} ${String(q.name).toLowerCase()}`).sort();

// ---------------------------------------------------------------------------
// The tests

test('a good domain: grade A, the policy read over real HTTPS, DoH wire GETs', T, async () => {
  const d = 'good.test';
  const { r, emulated, net, requests, seen, ms } = await check(SCENARIOS.good);
  assert.equal(r.grade, 'A', brief(r));
  assert.equal(r.complete, true);
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  assert.equal(r.policy.source, 'fetched');
  assert.equal(r.policy.url, `https://mta-sts.${d}/.well-known/mta-sts.txt`);
  assert.equal(r.policy.status, 200);
  assert.equal(r.policy.content_type, 'text/plain');
  assert.equal(r.policy.text, policyText(d));
  assert.equal(r.policy.mode, 'enforce');
  assert.ok(r.mx.every((x) => x.covered === true), JSON.stringify(r.mx));

  // The policy: one GET, HTTP/2, the right SNI, CORS mode, no cookies, no referrer.
  const got = policyRequests(requests, d);
  assert.equal(got.length, 1, JSON.stringify(got));
  assert.equal(got[0].method, 'GET');
  assert.equal(got[0].path, '/.well-known/mta-sts.txt');
  assert.equal(got[0].servername, `mta-sts.${d}`);
  assert.equal(got[0].alpn, 'h2');
  assert.equal(got[0].headers.origin, site0.origin, 'a CORS request carries Origin');
  assert.equal(got[0].headers.cookie, undefined);
  assert.equal(got[0].headers.referer, undefined);
  assert.equal(got[0].status, 200);

  // DNS: wire-format GETs with the accept header, the same questions the emulation saw.
  const dns = dohRequests(requests);
  assert.ok(dns.length >= 6, JSON.stringify(dns.map((q) => q.q)));
  for (const q of dns) {
    assert.equal(q.method, 'GET');
    assert.match(q.path, /^\/dns-query\?dns=[A-Za-z0-9_-]+$/);
    assert.equal(q.headers.accept, 'application/dns-message');
    assert.equal(q.status, 200);
  }
  assert.deepEqual(questions(dns.map((q) => q.q)), questions(net.dnsQueries()));
  // DevTools calls a fetch whose body was read to the end through a stream reader (as web/host.mjs
  // reads every body) net::ERR_ABORTED; the world server shows each of them answered in full.
  assert.deepEqual(seen.failed.filter((f) => f.error !== 'net::ERR_ABORTED'), [], 'no request failed');
  assert.ok(requests.every((q) => q.status === 200), JSON.stringify(requests.map((q) => [q.host, q.status])));
  assert.ok(ms < 5000, `${ms} ms`);
  sameAsEmulation(r, emulated);
});

test('requests: only the page origin, doh.test and the policy host; other names never resolve', T, async () => {
  const s = SCENARIOS.good;
  const { requests, seen } = await check(s);
  const origins = new Set(seen.requests.map((u) => new URL(u).origin));
  assert.deepEqual([...origins].sort(), [site0.origin, 'https://doh.test', `https://mta-sts.${s.domain}`].sort());
  assert.deepEqual([...new Set(requests.map((q) => q.host))].sort(), ['doh.test', `mta-sts.${s.domain}`]);
  // The harness itself: a name outside .test fails to resolve instead of reaching the internet.
  // The guard objects to the request, as it should: this test expects that.
  const context = await chrome.browser.newContext();
  await guard(context, { allow: [site0.origin], expect: [/^request to an origin not allowed: https:\/\/example\.com\/ \(fetch\)$/] });
  try {
    const page = await context.newPage();
    const probe = collect(page);
    await page.goto(`${site0.base}mtasts.mjs`);
    const out = await page.evaluate(() => fetch('https://example.com/').then((x) => `status ${x.status}`, (e) => String(e)));
    assert.equal(out, 'TypeError: Failed to fetch');
    assert.deepEqual(probe.failed.filter((f) => f.url === 'https://example.com/').map((f) => f.error), ['net::ERR_NAME_NOT_RESOLVED']);
  } finally {
    await context.close();
  }
});

test('index.html, under the CSP tools/serve.mjs sends, can run checkDomain', T, async () => {
  world.update(SCENARIOS.good.world);
  const context = await chrome.browser.newContext();
  const g = await guard(context, { allow: [site0.origin, world.resolverUrl, 'https://mta-sts.good.test'], world });
  try {
    const page = await context.newPage();
    await page.goto(site0.base);
    const r = await page.evaluate(async (resolver) => {
      const m = await (await import('./mtasts.mjs')).load();
      return m.checkDomain('good.test', { resolver, timeoutMs: 3000 });
    }, world.resolverUrl);
    assert.deepEqual(g.violations(), [], `CSP violations; the report says: ${r.findings.map((f) => f.code).join(', ')}`);
    assert.equal(r.grade, 'A', brief(r));
    assert.equal(r.policy?.source, 'fetched');
  } finally {
    await context.close();
  }
});

test('the guard fails a test: another origin, a CSP violation, Trusted Types, an inline handler, an unguarded context', T, async () => {
  world.update(SCENARIOS.good.world);
  const context = await chrome.browser.newContext();
  const g = await guard(context, { allow: [site0.origin], world });
  let out;
  try {
    const page = await context.newPage();
    await page.goto(site0.base); // index.html: the page's own CSP, Trusted Types included
    out = await page.evaluate(async () => {
      const attempt = (fn) => { try { fn(); return 'allowed'; } catch (e) { return /** @type {Error} */ (e).name; } };
      // A host the CSP lets through (connect-src https:) but the test does not allow: only the guard objects.
      const fetched = await fetch('https://mta-sts.good.test/.well-known/mta-sts.txt').then((r) => r.status, (e) => String(e));
      // An image from another origin: img-src refuses it.
      await new Promise((resolve) => {
        const img = new Image();
        img.addEventListener('error', resolve);
        img.addEventListener('load', resolve);
        img.src = 'http://127.0.0.1:9/x.png';
      });
      const div = document.createElement('div');
      document.body.append(div);
      return {
        fetched,
        innerHTML: attempt(() => { div.innerHTML = '<b>x</b>'; }),
        handler: attempt(() => div.setAttribute('onclick', 'window.__ran = 1')),
      };
    });
    await page.waitForTimeout(200); // the last reports reach Node
  } finally {
    await context.close();
  }
  // The page did all of it (the fetch went out and was answered), except what Trusted Types refused.
  assert.deepEqual(out, { fetched: 200, innerHTML: 'TypeError', handler: 'TypeError' });
  const problems = g.problems();
  for (const re of [
    /^request to an origin not allowed: https:\/\/mta-sts\.good\.test\/\.well-known\/mta-sts\.txt \(fetch\)$/,
    /^CSP violation: img-src blocked http:\/\/127\.0\.0\.1:9\/x\.png/,
    /^console: Loading the image 'http:\/\/127\.0\.0\.1:9\/x\.png' violates the following Content Security Policy directive/,
    /^CSP violation: require-trusted-types-for blocked trusted-types-sink \[Element innerHTML/,
    /^CSP violation: require-trusted-types-for blocked trusted-types-sink \[Element onclick\|window\.__ran = 1\]/,
    /^console: This document requires 'TrustedHTML' assignment/,
    /^console: This document requires 'TrustedScript' assignment/,
  ]) assert.ok(problems.some((p) => re.test(p)), `${re} in ${JSON.stringify(problems, null, 1)}`);
  assert.throws(() => g.verify(), (err) => /mta-sts\.good\.test/.test(err.message) && /img-src/.test(err.message) && /require-trusted-types-for/.test(err.message));

  // An expected violation that does not happen fails too.
  const quiet = await chrome.browser.newContext();
  const q = await guard(quiet, { allow: [site0.origin], expect: [/connect-src blocked/] });
  await quiet.close();
  assert.throws(() => q.verify(), /violations the test expects did not happen:\n {2}- \/connect-src blocked\//);
  // A context opened and never guarded.
  const bare = await chrome.browser.newContext();
  await bare.close();

  // The afterEach of every suite (verifyGuards) fails for all three; it has then answered for this test's
  // contexts, so the afterEach that follows finds none.
  await assert.rejects(verifyGuards(), (err) => {
    const m = /** @type {Error} */ (err).message;
    assert.match(m, /the page broke its CSP or asked an origin other than http:\/\/127\.0\.0\.1:\d+:/);
    assert.match(m, /violations the test expects did not happen/);
    assert.match(m, /a browser context was opened without a guard \(.*check-api\.test\.mjs:\d+/);
    return true;
  });
  await verifyGuards();
});

test('the world server itself: SNI picks the certificate, DoH overrides, 404 for unknown hosts, close ends hangs', T, async () => {
  world.update({
    zone: {
      'a.test': { A: ['192.0.2.1'] }, 'h.test': { http: 503 }, 'g.test': { garbage: new Uint8Array([1, 2, 3]) },
      'nx-cname.test': { CNAME: 'gone.test' }, 'b.test': { http: 500, httpBody: 'busy', httpType: 'text/html' },
      'e.test': { rcode: 'SERVFAIL', ede: [6, 'bogus'] }, 'p.test': { A: ['192.0.2.2'], padTo: 70000 },
      't.test': { A: ['192.0.2.3'], truncate: 12 },
    },
    hosts: { 'mta-sts.expired.test': { cert: 'expired', body: 'x' } },
  });
  /** HTTP/1.1 GET with our own CA; resolves to { status, headers, body, cert }. */
  const get = (host, urlPath, { servername = host } = {}) => new Promise((resolve, reject) => {
    const req = https.get({
      host: '127.0.0.1', port: world.port, path: urlPath, servername, headers: { host }, ca: pki.caPem,
      rejectUnauthorized: false, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
        // @ts-ignore
        cert: res.socket.getPeerCertificate(), authorized: res.socket.authorized, authError: res.socket.authorizationError,
      }));
    });
    req.on('error', reject);
  });
  const dns = (name, type) => get('doh.test', `/dns-query?dns=${base64urlEncode(buildQuery(name, type))}`);

  const a = await dns('a.test', 'A');
  assert.equal(a.status, 200);
  assert.equal(a.headers['content-type'], 'application/dns-message');
  assert.equal(a.headers['access-control-allow-origin'], '*');
  assert.equal(Number(a.headers['content-length']), a.body.length);
  assert.deepEqual(parseMessage(new Uint8Array(a.body)).answers.map((x) => x.data), ['192.0.2.1']);
  assert.equal(a.authorized, true, `the good leaf chains to the test CA: ${a.authError}`);
  assert.equal(parseMessage(new Uint8Array((await dns('nope.test', 'A')).body)).rcode, RCODE.NXDOMAIN);
  assert.equal(parseMessage(new Uint8Array((await dns('nx-cname.test', 'A')).body)).rcode, RCODE.NXDOMAIN);
  assert.equal((await dns('h.test', 'A')).status, 503);
  assert.deepEqual([...(await dns('g.test', 'A')).body], [1, 2, 3]);
  // fake-net's other overrides, played the same way.
  const busy = await dns('b.test', 'A');
  assert.deepEqual([busy.status, busy.headers['content-type'], String(busy.body)], [500, 'text/html', 'busy']);
  const bogus = parseMessage(new Uint8Array((await dns('e.test', 'A')).body));
  assert.equal(bogus.rcode, RCODE.SERVFAIL);
  assert.equal(bogus.additional[0].type, 41, 'an OPT record');
  assert.deepEqual([...bogus.additional[0].data.subarray(0, 6)], [0, 15, 0, 7, 0, 6], 'option 15 (EDE), INFO-CODE 6');
  assert.equal((await dns('p.test', 'A')).body.length, 70000);
  assert.equal((await dns('t.test', 'A')).body.length, 12);

  const expired = await get('mta-sts.expired.test', '/.well-known/mta-sts.txt');
  assert.equal(expired.authError, 'CERT_HAS_EXPIRED');
  assert.equal(expired.status, 200);
  const unknown = await get('mta-sts.unknown.test', '/.well-known/mta-sts.txt');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.authorized, false, 'mta-sts.unknown.test is not on the good leaf');
  assert.equal(unknown.cert.subject.CN, pki.names[0], 'an unknown host gets the good leaf');
  // A request whose Host needs another certificate than the connection's SNI got: 421.
  const pooled = await get('mta-sts.expired.test', '/.well-known/mta-sts.txt', { servername: 'doh.test' });
  assert.equal(pooled.status, 421);
  assert.ok(world.requests.some((q) => q.misdirected && q.host === 'mta-sts.expired.test'));

  // A hanging answer is ended by close(): a second world, closed while a request waits on it.
  const other = await startWorld({ pki, zone: { 'x.test': { hang: true } } });
  const hung = new Promise((resolve) => {
    const req = https.get({
      host: '127.0.0.1', port: other.port, path: `/dns-query?dns=${base64urlEncode(buildQuery('x.test', 'A'))}`,
      servername: 'doh.test', headers: { host: 'doh.test' }, ca: pki.caPem, agent: false,
    }, () => resolve('answered'));
    req.on('error', (e) => resolve(`error ${/** @type {any} */ (e).code}`));
  });
  while (other.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
  await other.close();
  assert.equal(await hung, 'error ECONNRESET');
});
