// Node tests of checkDomain (dist/mtasts.mjs) about how it runs, not what it concludes: the fake
// network itself (tests/support/fake-net.mjs, which emulates a DoH resolver, RFC 8484 GET and RFC
// 1035 wire format, and MTA-STS policy hosts the way Chromium's fetch() behaves: CORS, opaque
// responses, opaqueredirect, TLS failures, abort), the requests checkDomain makes, its flow (the
// waves, concurrency, progress reports), stopping it (abort, the overall deadline) and invalid input.
//
// What the check concludes about each domain set-up is in the shared scenarios of
// tests/fixtures/scenarios/, run by tests/node/scenarios.test.mjs.
//
// Run:   node --test tests/node/check.test.mjs
// Env:   MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//
// The expectations come from the checkDomain contract (report shape, finding
// codes and severities) and RFC 8461 / RFC 8460 / RFC 8484 as summarised in the
// spec digest; not from the implementation.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  makeNet, buildQuery, parseMessage, parseQuery, base64urlEncode, base64urlDecode, buildResponse, TYPE, RCODE,
  DEFAULT_RESOLVER,
} from '../support/fake-net.mjs';
import { invariants, SEVERITY } from '../support/report-invariants.mjs';
import { loadScenario, fakeNetInput } from '../support/scenarios.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { load } = await import(pathToFileURL(join(process.env.MTASTS_DIST ?? join(REPO, 'dist'), 'mtasts.mjs')).href);
const m = await load();

// ---------------------------------------------------------------------------
// A domain that earns an A, for the tests of flow and requests

const D = 'example.com';
const policyUrl = (d = D) => `https://mta-sts.${d}/.well-known/mta-sts.txt`;
const STS_ID = '20240501T120000';
const RUA = (d) => `mailto:tlsrpt@${d}`;

function policyText({ d = D, mode = 'enforce', mx = [`mx1.${d}`, `mx2.${d}`], maxAge = 1209600 } = {}) {
  return ['version: STSv1', `mode: ${mode}`, ...mx.map((x) => `mx: ${x}`), `max_age: ${maxAge}`, ''].join('\n');
}

/**
 * Builds { zone, hosts } for a domain that, by default, earns an A: two MX
 * hosts covered by an enforce policy with a two-week max_age, served as
 * text/plain with CORS, a valid STS record and a valid TLS-RPT record.
 *   mx / sts / tlsrpt: the RRsets (null = the name does not exist)
 *   policy: body text; host: extra host behaviour (null = no host entry)
 *   names: extra or replacement zone entries (null value deletes)
 */
function site({
  d = D, mx = [[10, `mx1.${d}`], [20, `mx2.${d}`]], sts = [[`v=STSv1; id=${STS_ID}`]],
  tlsrpt = [[`v=TLSRPTv1; rua=${RUA(d)}`]], policy, host = {}, names = {}, hosts = {}, ad = false,
} = {}) {
  const zone = {};
  const AD = ad ? { AD: true } : {};
  zone[d] = { A: ['192.0.2.1'], ...(mx ? { MX: mx } : {}), ...AD };
  if (sts) zone[`_mta-sts.${d}`] = { TXT: sts, ...AD };
  if (tlsrpt) zone[`_smtp._tls.${d}`] = { TXT: tlsrpt, ...AD };
  zone[`mta-sts.${d}`] = { A: ['192.0.2.10'], AAAA: ['2001:db8::10'], ...AD };
  for (const [, h] of mx ?? []) if (h !== '.' && h.toLowerCase().endsWith(d)) zone[h.toLowerCase()] = { A: ['192.0.2.25'], ...AD };
  for (const [k, v] of Object.entries(names)) {
    if (v === null) delete zone[k]; else zone[k] = v;
  }
  const h = {};
  if (host !== null) h[policyUrl(d)] = { status: 200, contentType: 'text/plain', body: policy ?? policyText({ d }), ...host };
  return { zone, hosts: { ...h, ...hosts } };
}

// ---------------------------------------------------------------------------
// Running a check and the invariants every final report must satisfy

const unhandled = [];
const onUnhandled = (e) => unhandled.push(e);
before(() => process.on('unhandledRejection', onUnhandled));
after(() => process.off('unhandledRejection', onUnhandled));

/**
 * Runs checkDomain against a fake network and checks the invariants.
 * @returns {Promise<{ r: any, net: ReturnType<typeof makeNet>, ms: number, progress: any[] }>}
 */
async function run(setup, { domain = D, net: netOptions = {}, allowStray = false, ...options } = {}) {
  const net = makeNet({ ...setup, ...netOptions });
  const progress = [];
  const t0 = performance.now();
  const r = await m.checkDomain(domain, {
    fetch: net.fetch, timeoutMs: 3000, onProgress: (p) => progress.push(structuredClone(p)), ...options,
  });
  const ms = performance.now() - t0;
  invariants(r, net, { allowStray });
  return { r, net, ms, progress };
}

const findings = (r, code) => r.findings.filter((f) => f.code === code);
const report = (r) => JSON.stringify({ grade: r.grade, grade_range: r.grade_range, complete: r.complete, grade_reason: r.grade_reason, findings: r.findings.map((f) => `${f.severity} ${f.code} [${f.check}] ${f.message}`), checks: r.checks.map((c) => `${c.id}:${c.status}`) }, null, 1);

function has(r, code, { check } = {}) {
  const fs = findings(r, code);
  assert.ok(fs.length > 0, `expected finding ${code}; report: ${report(r)}`);
  if (SEVERITY[code]) for (const f of fs) assert.equal(f.severity, SEVERITY[code], `severity of ${code}`);
  if (check !== undefined) assert.ok(fs.some((f) => f.check === check), `${code} belongs to check ${check}: ${JSON.stringify(fs)}`);
  return fs[0];
}
function grade(r, g) {
  assert.equal(r.grade, g, `grade: expected ${g}, got ${r.grade}; report: ${report(r)}`);
}
function complete(r, v) {
  assert.equal(r.complete, v, `complete: expected ${v}, got ${r.complete}; report: ${report(r)}`);
}

// ===========================================================================
// The fake network itself

describe('fake-net', () => {
  const ask = async (net, name, type, opts) => {
    const url = `${DEFAULT_RESOLVER}?dns=${base64urlEncode(buildQuery(name, type, opts))}`;
    const res = await net.fetch(url, { method: 'GET', headers: { accept: 'application/dns-message' } });
    return { res, msg: res.status === 200 ? parseMessage(new Uint8Array(await res.arrayBuffer())) : null };
  };

  test('answers a GET ?dns= query: ID echoed, QR/RD/RA, AD, question echoed, MX answers', async () => {
    const net = makeNet({ zone: { 'example.com': { MX: [[10, 'mx1.example.com'], [20, 'mx2.example.com']], AD: true } } });
    const { res, msg } = await ask(net, 'Example.COM', 'MX', { id: 0x1234 });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/dns-message');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(msg.id, 0x1234);
    assert.ok(msg.qr && msg.rd && msg.ra && msg.ad);
    assert.equal(msg.rcode, 0);
    assert.deepEqual(msg.questions, [{ name: 'Example.COM', type: TYPE.MX, class: 1 }]);
    assert.deepEqual(msg.answers.map((a) => a.data), [[10, 'mx1.example.com'], [20, 'mx2.example.com']]);
    assert.deepEqual(net.dnsQueries().map(({ name, type }) => ({ name, type })), [{ name: 'example.com', type: 'MX' }]);
    // The raw header, byte by byte: 0x81 = QR|RD, 0xa0 = RA|AD.
    const raw = buildResponse({ id: 7, qname: 'a.b', qtype: 1, ad: true, rcode: 3 });
    assert.deepEqual([...raw.subarray(0, 12)], [0, 7, 0x81, 0xa3, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  test('NXDOMAIN for absent names, NODATA for absent types, rcode/TC/wrongId/wrongQuestion overrides', async () => {
    const net = makeNet({
      zone: {
        'a.test': { A: ['192.0.2.1'] }, 'sf.test': { rcode: 'SERVFAIL' }, 'rf.test': { rcode: 'REFUSED' },
        'tc.test': { A: ['192.0.2.2'], tc: true }, 'id.test': { A: ['192.0.2.3'], wrongId: true },
        'wq.test': { A: ['192.0.2.4'], wrongQuestion: true }, 'only.test': { TXT: [['x']], rcode: 'SERVFAIL', only: ['TXT'] },
      },
    });
    assert.equal((await ask(net, 'nope.test', 'A')).msg.rcode, RCODE.NXDOMAIN);
    const nodata = (await ask(net, 'a.test', 'TXT')).msg;
    assert.equal(nodata.rcode, 0);
    assert.equal(nodata.answers.length, 0);
    assert.equal((await ask(net, 'sf.test', 'A')).msg.rcode, RCODE.SERVFAIL);
    assert.equal((await ask(net, 'rf.test', 'A')).msg.rcode, RCODE.REFUSED);
    assert.equal((await ask(net, 'tc.test', 'A')).msg.tc, true);
    assert.notEqual((await ask(net, 'id.test', 'A', { id: 0 })).msg.id, 0);
    assert.equal((await ask(net, 'wq.test', 'A')).msg.questions[0].name, 'wrong.question.invalid');
    assert.equal((await ask(net, 'only.test', 'TXT')).msg.rcode, RCODE.SERVFAIL);
    assert.equal((await ask(net, 'only.test', 'A')).msg.rcode, 0);
  });

  test('http, garbage and hang overrides; AbortSignal honoured', async () => {
    const net = makeNet({
      zone: { 'h.test': { http: 500 }, 'g.test': { garbage: new Uint8Array([1, 2, 3]) }, 'x.test': { hang: true } },
    });
    assert.equal((await ask(net, 'h.test', 'A')).res.status, 500);
    const g = await net.fetch(`${DEFAULT_RESOLVER}?dns=${base64urlEncode(buildQuery('g.test', 'A'))}`, {});
    assert.deepEqual(new Uint8Array(await g.arrayBuffer()), new Uint8Array([1, 2, 3]));
    const ac = new AbortController();
    const p = net.fetch(`${DEFAULT_RESOLVER}?dns=${base64urlEncode(buildQuery('x.test', 'A'))}`, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await assert.rejects(p, /stop/);
  });

  test('CNAME: followed with all links, stopped at the first link on request, loops and dangling targets', async () => {
    const zone = {
      'a.test': { CNAME: 'b.test', AD: true }, 'b.test': { CNAME: 'c.test', AD: true }, 'c.test': { TXT: [['hello']], AD: true },
      'l1.test': { CNAME: 'l2.test' }, 'l2.test': { CNAME: 'l1.test' }, 'dangling.test': { CNAME: 'gone.test' },
    };
    const msg = (await ask(makeNet({ zone }), 'a.test', 'TXT')).msg;
    assert.deepEqual(msg.answers.map((a) => [a.name, a.type, a.data]),
      [['a.test', 5, 'b.test'], ['b.test', 5, 'c.test'], ['c.test', 16, ['hello']]]);
    assert.equal(msg.ad, true);
    const stop = (await ask(makeNet({ zone, followCname: false }), 'a.test', 'TXT')).msg;
    assert.deepEqual(stop.answers.map((a) => [a.name, a.type, a.data]), [['a.test', 5, 'b.test']]);
    const loop = (await ask(makeNet({ zone }), 'l1.test', 'TXT')).msg;
    assert.deepEqual(loop.answers.map((a) => a.data), ['l2.test', 'l1.test']);
    const dangling = (await ask(makeNet({ zone }), 'dangling.test', 'TXT')).msg;
    assert.equal(dangling.rcode, RCODE.NXDOMAIN);
    assert.equal(dangling.answers.length, 1);
  });

  test('TXT character-strings, TLSA, AAAA, and name compression', async () => {
    const zone = {
      't.test': { TXT: [['v=STSv1; ', 'id=1'], 'y'.repeat(300)] },
      '_25._tcp.mx.t.test': { TLSA: [[3, 1, 1, 'ab'.repeat(32)]] },
      'mx.t.test': { AAAA: ['2001:db8::1'] }, 't2.test': { MX: [[5, 'mx.t2.test']] },
    };
    const net = makeNet({ zone, compress: true });
    const txt = (await ask(net, 't.test', 'TXT')).msg.answers.map((a) => a.data);
    assert.deepEqual(txt, [['v=STSv1; ', 'id=1'], ['y'.repeat(255), 'y'.repeat(45)]]);
    assert.deepEqual((await ask(net, '_25._tcp.mx.t.test', 'TLSA')).msg.answers[0].data, [3, 1, 1, 'ab'.repeat(32)]);
    assert.equal((await ask(net, 'mx.t.test', 'AAAA')).msg.answers[0].data, '2001:db8:0:0:0:0:0:1');
    const res = await makeNet({ zone, compress: true }).fetch(`${DEFAULT_RESOLVER}?dns=${base64urlEncode(buildQuery('t2.test', 'MX'))}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.ok(bytes.some((b, i) => b === 0xc0 && bytes[i + 1] === 12), 'owner name compressed to the question (0xc00c)');
    assert.deepEqual(parseMessage(bytes).answers[0].data, [5, 'mx.t2.test']);
    assert.throws(() => makeNet({ zone: { 'x.test': { TXT: [['z'.repeat(256)]] } } }) && buildResponse({
      qname: 'x.test', qtype: 16, answers: [{ name: 'x.test', type: 16, data: ['z'.repeat(256)] }],
    }), /255/);
    assert.deepEqual(parseQuery(buildQuery('a.b', 'TLSA', { id: 9 })), {
      id: 9, flags: 0x0100, rd: true, ad: false, cd: false, opcode: 0, qdcount: 1, name: 'a.b', type: 52, qclass: 1,
    });
    assert.equal(base64urlDecode('a=='), null, 'padding rejected');
  });

  test('hosts: Chromium CORS, no-cors opaque, opaqueredirect, TLS failure, stray URLs, size, abort mid-body', async () => {
    const U = 'https://h.test/p';
    const net = makeNet({
      hosts: {
        [U]: { body: 'hi', cors: false }, 'https://ok.test/p': { body: 'ok', contentType: 'text/plain; charset=utf-8' },
        'https://tls.test/p': { tls: 'fail' }, 'https://r.test/p': { redirect: { status: 301, location: 'https://ok.test/p' } },
        'https://big.test/p': { size: 100000 }, 'https://slow.test/p': { neverEnds: true, chunkMs: 10 },
        'https://relay.test/*': { body: 'relayed' }, 'https://bare.test/p': { status: 301 },
      },
    });
    await assert.rejects(net.fetch(U, { mode: 'cors', redirect: 'manual' }), (e) => e instanceof TypeError && e.message === 'Failed to fetch');
    const o = await net.fetch(U, { mode: 'no-cors', redirect: 'follow' });
    assert.deepEqual([o.type, o.status, o.ok, o.body, o.redirected], ['opaque', 0, false, null, false]);
    await assert.rejects(net.fetch(U, { mode: 'no-cors', redirect: 'manual' }), TypeError);
    const ok = await net.fetch('https://ok.test/p', { mode: 'cors' });
    assert.ok(ok instanceof Response);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await ok.text(), 'ok');
    await assert.rejects(net.fetch('https://tls.test/p', { mode: 'cors' }), TypeError);
    await assert.rejects(net.fetch('https://tls.test/p', { mode: 'no-cors' }), TypeError);
    const rr = await net.fetch('https://r.test/p', { mode: 'cors', redirect: 'manual' });
    assert.deepEqual([rr.type, rr.status], ['opaqueredirect', 0]);
    const followed = await net.fetch('https://r.test/p', { mode: 'cors' });
    assert.equal(followed.redirected, true);
    await assert.rejects(net.fetch('https://r.test/p', { redirect: 'error' }), TypeError);
    // A 3xx without a Location is an opaque redirect too with 'manual' (its status hidden); 'follow' returns it.
    const bare = await net.fetch('https://bare.test/p', { mode: 'cors', redirect: 'manual' });
    assert.deepEqual([bare.type, bare.status], ['opaqueredirect', 0]);
    assert.equal((await net.fetch('https://bare.test/p', { mode: 'cors', redirect: 'follow' })).status, 301);
    assert.equal((await (await net.fetch('https://big.test/p')).arrayBuffer()).byteLength, 100000);
    assert.equal(await (await net.fetch('https://relay.test/?u=abc')).text(), 'relayed');
    await assert.rejects(net.fetch('https://elsewhere.test/'), TypeError);
    assert.deepEqual(net.stray().map((c) => c.url), ['https://elsewhere.test/']);
    const ac = new AbortController();
    const slow = await net.fetch('https://slow.test/p', { signal: ac.signal });
    const reader = slow.body.getReader();
    await reader.read();
    setTimeout(() => ac.abort(new Error('enough')), 30);
    await assert.rejects((async () => { for (;;) { const { done } = await reader.read(); if (done) return; } })(), /enough/);
    for (const c of net.calls) assert.equal(typeof c.t, 'number');
  });

  test('the default fixture is clean for the module\'s own linters', () => {
    const p = m.lintPolicy(policyText());
    assert.equal(p.valid, true);
    assert.deepEqual(p.findings.filter((f) => f.severity !== 'info').map((f) => f.code), []);
    const s = m.lintStsRecord(`v=STSv1; id=${STS_ID}`);
    assert.equal(s.valid, true);
    assert.deepEqual(s.findings.map((f) => f.code), []);
    const t = m.lintTlsRptRecord(`v=TLSRPTv1; rua=${RUA(D)}`);
    assert.equal(t.valid, true);
    assert.deepEqual(t.findings.filter((f) => f.severity !== 'info').map((f) => f.code), []);
  });
});

// ===========================================================================
// checkDomain

const TLSA = (ad = true) => ({ TLSA: [[3, 1, 1, 'a1'.repeat(32)]], ...(ad ? { AD: true } : {}) });

describe('checkDomain: requests', () => {
  test('request options: mode cors, redirect manual, cache no-store, credentials omit', async () => {
    const { net } = await run(site());
    const [call] = net.calls.filter((c) => c.kind === 'host');
    assert.equal(call.url, policyUrl());
    assert.equal(String(call.init.method ?? 'GET').toUpperCase(), 'GET');
    assert.equal(call.init.mode, 'cors');
    assert.equal(call.init.redirect, 'manual');
    assert.equal(call.init.cache, 'no-store');
    assert.equal(call.init.credentials, 'omit');
  });

  test('CORS-blocked, then the relay: one request to the relay, carrying the policy URL', async () => {
    // The world of the shared scenario policy-relay (whose report tests/node/scenarios.test.mjs checks).
    const s = loadScenario('policy-relay');
    const { r, net } = await run(fakeNetInput(s), { domain: s.world.input, relay: s.world.options.relay });
    const relayHost = new URL(s.world.options.relay.replace('{url}', '')).host;
    const relayed = net.calls.filter((c) => new URL(c.url).host === relayHost);
    assert.equal(relayed.length, 1);
    assert.ok(decodeURIComponent(relayed[0].url).includes(`https://mta-sts.${s.world.input}/.well-known/mta-sts.txt`), relayed[0].url);
    assert.equal(r.policy.source, 'relay');
  });

  test('a custom resolver URL is used for every query and reported', async () => {
    const resolver = 'https://doh.example.net/dns-query';
    const { r, net } = await run(site(), { resolver, net: { resolverUrl: resolver } });
    grade(r, 'A');
    assert.equal(r.resolver, resolver);
    assert.ok(net.calls.filter((c) => c.kind === 'dns').every((c) => c.url.startsWith(`${resolver}?dns=`)));
  });
});

describe('checkDomain: input', () => {
  for (const bad of ['exa mple', 'https://x/y', '1.2.3.4', '', 'a..b', `${'a'.repeat(64)}.example`]) {
    test(`invalid input ${JSON.stringify(bad)} → domain.invalid without any request`, async () => {
      const { r, net } = await run({ zone: {}, hosts: {} }, { domain: bad });
      has(r, 'domain.invalid');
      assert.equal(net.calls.length, 0, 'no request');
      assert.equal(r.input, bad);
      assert.ok(r.grade === null || r.grade === 'F', `grade ${r.grade}`);
    });
  }
});

describe('checkDomain: flow', () => {
  test('the policy GET and the first DNS wave are in flight together; TLSA after the MX answer', async () => {
    const { r, net } = await run(site(), { net: { delayMs: 100 } });
    grade(r, 'A');
    const wave = new Set([`MX ${D}`, `TXT _mta-sts.${D}`, `TXT _smtp._tls.${D}`, `A mta-sts.${D}`, `AAAA mta-sts.${D}`]);
    const firstWave = net.calls.filter((c) => c.kind === 'host' ||
      (c.kind === 'dns' && wave.has(`${c.q?.type} ${c.q?.name.toLowerCase()}`)));
    assert.equal(firstWave.length, 6, firstWave.map((c) => c.url).join('\n'));
    const firstAnswer = Math.min(...net.calls.map((c) => c.end));
    for (const c of firstWave) assert.ok(c.t < firstAnswer, `${c.url} started at ${c.t.toFixed(0)} ms, after the first answer at ${firstAnswer.toFixed(0)} ms`);
    const mxCall = net.calls.find((c) => c.q?.type === 'MX');
    for (const c of net.calls.filter((x) => x.q?.type === 'TLSA')) assert.ok(c.t >= mxCall.end, 'TLSA after the MX answer');
  });

  test('concurrency: delayMs 200 everywhere and 3 MX hosts finishes well under sequential time', async () => {
    const mx = [[10, `mx1.${D}`], [20, `mx2.${D}`], [30, `mx3.${D}`]];
    const { r, ms } = await run(site({ mx, policy: policyText({ mx: [`*.${D}`] }) }), { net: { delayMs: 200 } });
    grade(r, 'A');
    // Two waves of 200 ms: ~400 ms. Fully sequential would be 9 × 200 = 1,800 ms.
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  test('onProgress: several partial reports with pending checks, final report with none', async () => {
    const { r, progress } = await run(site({ ad: true, names: { [`_25._tcp.mx1.${D}`]: TLSA(), [`_25._tcp.mx2.${D}`]: TLSA() } }),
      { net: { delayMs: 30 } });
    grade(r, 'A+');
    assert.ok(progress.length >= 3, `onProgress called ${progress.length} times`);
    assert.ok(progress.some((p) => p.checks.some((c) => c.status === 'pending')), 'some partial report has a pending check');
    assert.ok(progress.some((p) => Array.isArray(p.pending) && p.pending.length > 0), 'some partial report lists pending ids');
    for (const p of progress) {
      assert.equal(p.schema, 1);
      assert.equal(p.kind, 'domain');
      assert.equal(p.domain, D);
    }
    const last = progress[progress.length - 1];
    assert.ok(last.checks.filter((c) => c.status === 'pending').length <= progress[0].checks.filter((c) => c.status === 'pending').length);
    assert.equal(r.checks.filter((c) => c.status === 'pending').length, 0);
  });

  test('abort mid-check: resolves, complete false, check.aborted, no unhandled rejection', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const before = unhandled.length;
    const { r, ms } = await run(site(), { signal: ac.signal, net: { delayMs: 300 } });
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
    has(r, 'check.aborted');
    complete(r, false);
    grade(r, null);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(unhandled.length, before, `unhandled rejections: ${unhandled.slice(before).map(String)}`);
  });

  test('already-aborted signal: resolves at once with check.aborted', async () => {
    const { r, ms } = await run(site(), { signal: AbortSignal.abort() });
    assert.ok(ms < 1000);
    has(r, 'check.aborted');
    complete(r, false);
    grade(r, null);
  });

  test('no unhandled rejections over the whole suite so far', async () => {
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(unhandled.map(String), []);
  });
});

describe('checkDomain: the overall deadline', () => {
  test('totalTimeoutMs stops a check whose lookups never answer: it resolves, incomplete, with check.deadline', async () => {
    const net = makeNet({ zone: {}, everyQuery: { hang: true }, hosts: {} });
    const t0 = performance.now();
    const r = await m.checkDomain('slow.test', { fetch: net.fetch, timeoutMs: 60_000, totalTimeoutMs: 300 });
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `stopped at the deadline (${Math.round(ms)} ms)`);
    assert.equal(r.complete, false);
    const codes = r.findings.map((f) => f.code);
    assert.ok(codes.includes('check.deadline'), JSON.stringify(codes));
    assert.ok(!codes.includes('check.aborted'), 'the deadline is not reported as the caller stopping the check');
    assert.match(r.findings.find((f) => f.code === 'check.deadline').message, /overall limit of 0\.3 s/);
    assert.equal(r.grade, null);
    await assert.rejects(m.checkDomain('x.test', { fetch: net.fetch, totalTimeoutMs: 0 }), TypeError);
  });
});
