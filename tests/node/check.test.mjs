// Node tests of checkDomain (dist/mtasts.mjs): the live-domain check over
// DNS-over-HTTPS and fetch, driven by a fake network (tests/support/fake-net.mjs)
// that emulates a DoH resolver (RFC 8484 GET, RFC 1035 wire format) and
// MTA-STS policy hosts the way Chromium's fetch() behaves (CORS, opaque
// responses, opaqueredirect, TLS failures, abort).
//
// Run:   node --test tests/node/check.test.mjs
// Env:   MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//
// The expectations come from the checkDomain contract (report shape, finding
// codes and severities, grade rubric) and RFC 8461 / RFC 8460 / RFC 8484 as
// summarised in the spec digest; not from the implementation.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  makeNet, buildQuery, parseMessage, parseQuery, base64urlEncode, base64urlDecode, buildResponse, TYPE, RCODE,
  DEFAULT_RESOLVER,
} from '../support/fake-net.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { load } = await import(pathToFileURL(join(process.env.MTASTS_DIST ?? join(REPO, 'dist'), 'mtasts.mjs')).href);
const m = await load();

// ---------------------------------------------------------------------------
// Contract tables

const CODES = new Map();
{
  const def = readFileSync(join(REPO, 'core', 'include', 'mtasts', 'codes.def'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const row = /MTASTS_CODE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,/g;
  for (const x of def.matchAll(row)) CODES.set(x[2], x[3]);
}

/** Severities the checkDomain contract gives its own codes. */
const SEVERITY = {
  'domain.invalid': 'error', 'domain.idn': 'info', 'domain.not_found': 'error',
  'dns.query.servfail': 'warning', 'dns.query.rcode': 'warning', 'dns.query.timeout': 'warning',
  'dns.query.failed': 'warning', 'dns.query.malformed': 'warning', 'dns.answer.cname_loop': 'error',
  'sts.dns.missing': 'error', 'sts.dns.multiple': 'error', 'sts.dns.discarded': 'info',
  'sts.dns.near_miss': 'warning', 'sts.dns.cname': 'info',
  'policy.host.missing': 'error', 'policy.host.no_address': 'error', 'policy.fetch.redirect': 'error',
  'policy.fetch.status': 'error', 'policy.fetch.content_type': 'warning', 'policy.fetch.charset': 'info',
  'policy.fetch.too_large': 'error', 'policy.fetch.cors_blocked': 'warning', 'policy.fetch.unreachable': 'error',
  'policy.fetch.timeout': 'warning', 'policy.fetch.relay': 'info', 'policy.fetch.pasted': 'info',
  'policy.max_age.under_week': 'info', 'policy.mode.invalid': 'error', 'sts.id.invalid': 'error',
  'mx.null': 'info', 'mx.implicit': 'warning', 'mx.not_covered': 'error', 'mx.not_covered_testing': 'warning',
  'tlsrpt.dns.missing': 'warning', 'tlsrpt.dns.multiple': 'warning', 'tlsrpt.dns.discarded': 'info',
  'dane.tlsa.missing': 'info', 'dane.tlsa.insecure': 'warning', 'dane.tlsa.capped': 'info',
  'dnssec.not_validated': 'info', 'check.aborted': 'warning',
};

const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'];
const CHECK_IDS = new Set(['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
const STATUSES = new Set(['pass', 'warn', 'fail', 'info', 'unknown', 'pending']);

// ---------------------------------------------------------------------------
// Fixtures: a domain that earns an A, and switches to break it

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

function invariants(r, net, { allowStray = false } = {}) {
  const ctx = () => JSON.stringify(r, null, 1).slice(0, 6000);
  assert.equal(typeof r, 'object');
  assert.equal(r.schema, 1, 'schema');
  assert.equal(r.kind, 'domain', 'kind');
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON data');
  assert.equal(typeof r.complete, 'boolean', 'complete is boolean');
  assert.ok(r.grade === null || GRADES.includes(r.grade), `grade ${r.grade}`);
  if (r.grade !== null) assert.equal(r.grade_range, null, `grade_range is null when graded: ${ctx()}`);
  if (r.grade === null && !r.complete) {
    assert.ok(Array.isArray(r.grade_range) && r.grade_range.length === 2, `grade_range [worst, best] when unobserved: ${ctx()}`);
    const [worst, best] = r.grade_range;
    assert.ok(GRADES.includes(worst) && GRADES.includes(best), `grade_range values ${r.grade_range}`);
    assert.ok(GRADES.indexOf(worst) >= GRADES.indexOf(best), `worst ${worst} is not better than best ${best}`);
  }
  assert.equal(typeof r.grade_reason, 'string', 'grade_reason');
  assert.ok(Array.isArray(r.checks), 'checks');
  const ids = r.checks.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, `check ids unique: ${ids}`);
  for (const c of r.checks) {
    assert.ok(CHECK_IDS.has(c.id), `check id ${c.id}`);
    assert.ok(STATUSES.has(c.status), `status ${c.status}`);
    assert.notEqual(c.status, 'pending', `a final report has no pending check: ${c.id}; report: ${ctx()}`);
    assert.equal(typeof c.title, 'string');
    assert.equal(typeof c.summary, 'string');
    assert.ok(Array.isArray(c.findings));
  }
  assert.ok(Array.isArray(r.pending) && r.pending.length === 0, `final report has nothing pending: ${JSON.stringify(r.pending)}`);
  assert.ok(Array.isArray(r.findings), 'findings');
  for (const f of r.findings) {
    const fs = () => JSON.stringify(f);
    assert.equal(typeof f.code, 'string', fs());
    assert.ok(['error', 'warning', 'info'].includes(f.severity), `severity: ${fs()}`);
    if (SEVERITY[f.code]) assert.equal(f.severity, SEVERITY[f.code], `contract severity: ${fs()}`);
    if (CODES.has(f.code)) assert.equal(f.severity, CODES.get(f.code), `codes.def severity: ${fs()}`);
    assert.equal(typeof f.message, 'string', fs());
    assert.ok(f.message.length > 0, fs());
    assert.ok(f.check === null || CHECK_IDS.has(f.check), `finding.check: ${fs()}`);
  }
  assert.ok(['records', 'implicit', 'null', null].includes(r.mx_kind), `mx_kind ${r.mx_kind}`);
  assert.ok(Array.isArray(r.mx), 'mx');
  assert.equal(typeof r.timings?.total_ms, 'number', 'timings.total_ms');
  assert.ok(Array.isArray(r.timings.requests), 'timings.requests');
  assert.equal(typeof r.dnssec, 'object');
  assert.ok(Array.isArray(r.dnssec.tlsa));
  if (!allowStray) assert.deepEqual(net.stray().map((c) => c.url), [], 'no request to an unknown URL');
  for (const c of net.calls.filter((x) => x.kind === 'dns')) {
    assert.equal(String(c.init?.method ?? 'GET').toUpperCase(), 'GET', `DoH uses GET: ${c.url}`);
    assert.equal(new Headers(c.init?.headers ?? {}).get('accept'), 'application/dns-message', `DoH accept header: ${c.url}`);
    const dns = new URL(c.url).searchParams.get('dns');
    assert.match(dns ?? '', /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  }
}

const codes = (r) => r.findings.map((f) => f.code);
const findings = (r, code) => r.findings.filter((f) => f.code === code);
const status = (r, id) => r.checks.find((c) => c.id === id)?.status;
const report = (r) => JSON.stringify({ grade: r.grade, grade_range: r.grade_range, complete: r.complete, grade_reason: r.grade_reason, findings: r.findings.map((f) => `${f.severity} ${f.code} [${f.check}] ${f.message}`), checks: r.checks.map((c) => `${c.id}:${c.status}`) }, null, 1);

function has(r, code, { check } = {}) {
  const fs = findings(r, code);
  assert.ok(fs.length > 0, `expected finding ${code}; report: ${report(r)}`);
  if (SEVERITY[code]) for (const f of fs) assert.equal(f.severity, SEVERITY[code], `severity of ${code}`);
  if (check !== undefined) assert.ok(fs.some((f) => f.check === check), `${code} belongs to check ${check}: ${JSON.stringify(fs)}`);
  return fs[0];
}
function lacks(r, ...cs) {
  for (const c of cs) assert.ok(!codes(r).includes(c), `unexpected finding ${c}; report: ${report(r)}`);
}
function grade(r, g) {
  assert.equal(r.grade, g, `grade: expected ${g}, got ${r.grade}; report: ${report(r)}`);
}
function noneOfSeverity(r, sev) {
  const bad = r.findings.filter((f) => f.severity === sev);
  assert.deepEqual(bad.map((f) => f.code), [], `no ${sev} findings expected; report: ${report(r)}`);
}
function complete(r, v) {
  assert.equal(r.complete, v, `complete: expected ${v}, got ${r.complete}; report: ${report(r)}`);
}
const mxOf = (r, host) => r.mx.find((x) => x.host.toLowerCase() === host.toLowerCase());
const queries = (net, type, name) => net.dnsQueries().filter((q) => (!type || q.type === type) && (!name || q.name === name));

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
        'https://relay.test/*': { body: 'relayed' },
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

describe('checkDomain: grades', () => {
  test('A+: enforce, everything valid, every MX host has TLSA in an AD answer', async () => {
    const { r } = await run(site({
      ad: true, names: { [`_25._tcp.mx1.${D}`]: TLSA(true), [`_25._tcp.mx2.${D}`]: TLSA(true) },
    }));
    grade(r, 'A+');
    complete(r, true);
    noneOfSeverity(r, 'error');
    noneOfSeverity(r, 'warning');
    lacks(r, 'dane.tlsa.missing', 'dane.tlsa.insecure', 'dnssec.not_validated');
    for (const h of [`mx1.${D}`, `mx2.${D}`]) assert.deepEqual(mxOf(r, h).tlsa, { records: 1, ad: true });
    assert.equal(r.dnssec.mx_ad, true);
    assert.equal(r.dnssec.sts_ad, true);
    assert.deepEqual(r.dnssec.tlsa.map((t) => [t.host, t.records, t.ad]).sort(),
      [[`mx1.${D}`, 1, true], [`mx2.${D}`, 1, true]]);
  });

  test('A: enforce, valid TXT, policy, MX coverage, max_age and TLS-RPT; no TLSA; full report shape', async () => {
    const { r, net } = await run(site());
    grade(r, 'A');
    complete(r, true);
    assert.equal(r.input, D);
    assert.equal(r.domain, D);
    assert.equal(r.resolver, 'https://cloudflare-dns.com/dns-query');
    noneOfSeverity(r, 'error');
    has(r, 'dane.tlsa.missing', { check: 'dane' });
    for (const id of ['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt']) assert.equal(status(r, id), 'pass', `${id} passes`);
    assert.equal(r.mx_kind, 'records');
    assert.deepEqual(r.mx.map((x) => [x.host, x.preference, x.covered, x.pattern]),
      [[`mx1.${D}`, 10, true, `mx1.${D}`], [`mx2.${D}`, 20, true, `mx2.${D}`]]);
    assert.deepEqual(r.sts.records, [`v=STSv1; id=${STS_ID}`]);
    assert.equal(r.sts.record, `v=STSv1; id=${STS_ID}`);
    assert.equal(r.sts.id, STS_ID);
    assert.deepEqual(r.sts.aliases, []);
    assert.equal(r.policy.source, 'fetched');
    assert.equal(r.policy.url, policyUrl());
    assert.equal(r.policy.status, 200);
    assert.match(r.policy.content_type, /^text\/plain/);
    assert.equal(r.policy.text, policyText());
    assert.equal(r.policy.size, Buffer.byteLength(policyText()));
    assert.equal(r.policy.valid, true);
    assert.equal(r.policy.mode, 'enforce');
    assert.equal(r.policy.max_age, 1209600);
    assert.deepEqual(r.policy.mx, [`mx1.${D}`, `mx2.${D}`]);
    assert.equal(r.tlsrpt.valid, true);
    assert.equal(r.tlsrpt.record, `v=TLSRPTv1; rua=${RUA(D)}`);
    assert.deepEqual(r.tlsrpt.rua, [RUA(D)]);
    assert.equal(r.dnssec.mx_ad, false);
    assert.ok(r.timings.total_ms >= 0);
    assert.ok(r.timings.requests.length >= 6, 'one timing per request');
    for (const q of r.timings.requests) assert.equal(typeof q.elapsed_ms, 'number');
    // Exactly the contract's requests.
    const asked = net.dnsQueries().map((q) => `${q.type} ${q.name}`).sort();
    for (const want of [`MX ${D}`, `TXT _mta-sts.${D}`, `TXT _smtp._tls.${D}`, `A mta-sts.${D}`, `AAAA mta-sts.${D}`,
      `TLSA _25._tcp.mx1.${D}`, `TLSA _25._tcp.mx2.${D}`]) assert.ok(asked.includes(want), `asked ${want}: ${asked}`);
    assert.equal(net.calls.filter((c) => c.kind === 'host').length, 1, 'one policy GET');
  });

  test('B: enforce without a TLS-RPT record (one shortfall)', async () => {
    const { r } = await run(site({ tlsrpt: null }));
    grade(r, 'B');
    has(r, 'tlsrpt.dns.missing', { check: 'tlsrpt' });
    assert.ok(['warn', 'fail'].includes(status(r, 'tlsrpt')));
    assert.ok(r.tlsrpt === null || r.tlsrpt.valid === false);
    complete(r, true);
  });

  test('B: enforce with max_age under a week (one shortfall)', async () => {
    const { r } = await run(site({ policy: policyText({ maxAge: 86400 }) }));
    grade(r, 'B');
    has(r, 'policy.max_age.under_week');
    assert.equal(r.policy.max_age, 86400);
    lacks(r, 'tlsrpt.dns.missing', 'policy.fetch.content_type');
  });

  test('B: enforce served as text/html (one shortfall)', async () => {
    const { r } = await run(site({ host: { contentType: 'text/html; charset=utf-8' } }));
    grade(r, 'B');
    has(r, 'policy.fetch.content_type', { check: 'policy_fetch' });
    assert.equal(r.policy.content_type, 'text/html; charset=utf-8');
    assert.equal(r.policy.valid, true);
  });

  test('B: testing mode with everything else of an A', async () => {
    const { r } = await run(site({ policy: policyText({ mode: 'testing' }) }));
    grade(r, 'B');
    assert.equal(r.policy.mode, 'testing');
    lacks(r, 'mx.not_covered_testing', 'tlsrpt.dns.missing');
  });

  test('C: enforce with two shortfalls (no TLS-RPT and max_age under a week)', async () => {
    const { r } = await run(site({ tlsrpt: null, policy: policyText({ maxAge: 86400 }) }));
    grade(r, 'C');
    has(r, 'tlsrpt.dns.missing');
    has(r, 'policy.max_age.under_week');
  });

  test('C: testing mode with an MX host not covered', async () => {
    const { r } = await run(site({ policy: policyText({ mode: 'testing', mx: [`mx1.${D}`] }) }));
    grade(r, 'C');
    const f = has(r, 'mx.not_covered_testing', { check: 'mx' });
    assert.match(f.message, new RegExp(`mx2\\.${D.replace('.', '\\.')}`, 'i'));
    lacks(r, 'mx.not_covered');
    assert.equal(mxOf(r, `mx2.${D}`).covered, false);
    assert.equal(mxOf(r, `mx2.${D}`).pattern, null);
    assert.equal(mxOf(r, `mx1.${D}`).covered, true);
  });

  test('D: mode none', async () => {
    const { r } = await run(site({ policy: policyText({ mode: 'none', mx: [], maxAge: 86400 }) }));
    grade(r, 'D');
    assert.equal(r.policy.mode, 'none');
    complete(r, true);
  });

  test('F: enforce with an MX host not covered', async () => {
    const { r } = await run(site({ policy: policyText({ mx: [`mx1.${D}`] }) }));
    grade(r, 'F');
    has(r, 'mx.not_covered', { check: 'mx' });
    assert.equal(status(r, 'mx'), 'fail');
    assert.deepEqual([mxOf(r, `mx2.${D}`).covered, mxOf(r, `mx2.${D}`).pattern], [false, null]);
    complete(r, true);
  });

  test('F: no MTA-STS at all (no TXT, no policy host)', async () => {
    const { r } = await run(site({ sts: null, names: { [`mta-sts.${D}`]: null }, host: { tls: 'fail' } }));
    grade(r, 'F');
    has(r, 'sts.dns.missing', { check: 'sts' });
    assert.equal(status(r, 'sts'), 'fail');
    complete(r, true);
    assert.equal(r.sts === null || r.sts.record === null, true);
  });

  test('F: invalid STS record (id with hyphens)', async () => {
    const { r } = await run(site({ sts: [['v=STSv1; id=2024-05-01']] }));
    grade(r, 'F');
    has(r, 'sts.id.invalid');
    assert.equal(status(r, 'sts'), 'fail');
  });

  test('F: two STS records', async () => {
    const { r } = await run(site({ sts: [['v=STSv1; id=one'], ['v=STSv1; id=two']] }));
    grade(r, 'F');
    has(r, 'sts.dns.multiple', { check: 'sts' });
    assert.deepEqual([...r.sts.records].sort(), ['v=STSv1; id=one', 'v=STSv1; id=two']);
    assert.equal(r.sts.record, null);
  });

  test('F: invalid policy (mode: Enforce is case-sensitive)', async () => {
    const body = policyText().replace('mode: enforce', 'mode: Enforce');
    const { r } = await run(site({ policy: body }));
    grade(r, 'F');
    const f = has(r, 'policy.mode.invalid', { check: 'policy' });
    assert.equal(f.line, 2);
    assert.equal(r.policy.valid, false);
    assert.equal(status(r, 'policy'), 'fail');
  });

  test('F: policy 404', async () => {
    const { r } = await run(site({ host: { status: 404, contentType: 'text/html', body: '<h1>Not found</h1>' } }));
    grade(r, 'F');
    has(r, 'policy.fetch.status', { check: 'policy_fetch' });
    assert.equal(status(r, 'policy_fetch'), 'fail');
    complete(r, true);
  });

  test('F: policy redirect 301 (not followed)', async () => {
    const { r, net } = await run(site({
      host: { redirect: { status: 301, location: 'https://www.example.com/mta-sts.txt' } },
      hosts: { 'https://www.example.com/mta-sts.txt': { body: policyText() } },
    }));
    grade(r, 'F');
    has(r, 'policy.fetch.redirect', { check: 'policy_fetch' });
    assert.equal(net.calls.filter((c) => c.url === 'https://www.example.com/mta-sts.txt').length, 0, 'redirect not followed');
    complete(r, true);
  });

  test('F: policy of 200 KB', async () => {
    const { r } = await run(site({ host: { size: 200 * 1024 } }));
    grade(r, 'F');
    has(r, 'policy.fetch.too_large', { check: 'policy_fetch' });
    complete(r, true);
  });

  test('F: TLS failure while mta-sts.<d> resolves', async () => {
    const { r } = await run(site({ host: { tls: 'fail' } }));
    grade(r, 'F');
    has(r, 'policy.fetch.unreachable', { check: 'policy_fetch' });
    lacks(r, 'policy.fetch.cors_blocked', 'policy.host.missing');
    complete(r, true);
  });

  test('no grade: HTTPS fails and the lookups of mta-sts.<d> fail too (nothing certain)', async () => {
    const { r } = await run(site({ names: { [`mta-sts.${D}`]: { rcode: 'SERVFAIL' } }, host: { tls: 'fail' } }));
    grade(r, null);
    assert.deepEqual(r.grade_range, ['F', 'A']);
    has(r, 'policy.fetch.failed', { check: 'policy_fetch' });
    lacks(r, 'policy.fetch.unreachable', 'policy.host.missing');
    complete(r, false);
  });

  test('F: policy host NXDOMAIN', async () => {
    const { r } = await run(site({ names: { [`mta-sts.${D}`]: null }, host: { tls: 'fail' } }));
    grade(r, 'F');
    has(r, 'policy.host.missing');
    lacks(r, 'policy.fetch.cors_blocked');
    complete(r, true);
  });

  test('F: policy host exists without an address', async () => {
    const { r } = await run(site({ names: { [`mta-sts.${D}`]: { TXT: [['not an address']] } }, host: { tls: 'fail' } }));
    grade(r, 'F');
    has(r, 'policy.host.no_address');
    lacks(r, 'policy.host.missing');
  });

  test('F: the domain does not exist', async () => {
    const { r } = await run({ zone: {}, hosts: { [policyUrl()]: { tls: 'fail' } } });
    grade(r, 'F');
    has(r, 'domain.not_found');
    complete(r, true);
  });
});

describe('checkDomain: the _mta-sts TXT record', () => {
  test('NXDOMAIN and NODATA are both "missing" (F, observed); SERVFAIL, REFUSED and timeout are "could not observe"', async () => {
    const nx = (await run(site({ sts: null }))).r;
    const nodata = (await run(site({ sts: null, names: { [`_mta-sts.${D}`]: { A: ['192.0.2.9'] } } }))).r;
    for (const r of [nx, nodata]) {
      grade(r, 'F');
      has(r, 'sts.dns.missing', { check: 'sts' });
      assert.equal(status(r, 'sts'), 'fail');
      complete(r, true);
      lacks(r, 'dns.query.servfail', 'dns.query.timeout', 'dns.query.rcode', 'dns.query.failed');
    }

    const sf = (await run(site({ names: { [`_mta-sts.${D}`]: { rcode: 'SERVFAIL' } } }))).r;
    has(sf, 'dns.query.servfail', { check: 'sts' });
    const rf = (await run(site({ names: { [`_mta-sts.${D}`]: { rcode: 'REFUSED' } } }))).r;
    has(rf, 'dns.query.rcode', { check: 'sts' });
    const t0 = performance.now();
    const to = (await run(site({ names: { [`_mta-sts.${D}`]: { hang: true } } }), { timeoutMs: 300 })).r;
    assert.ok(performance.now() - t0 < 3000, 'bounded by timeoutMs');
    has(to, 'dns.query.timeout', { check: 'sts' });
    for (const r of [sf, rf, to]) {
      grade(r, null);
      complete(r, false);
      assert.equal(status(r, 'sts'), 'unknown');
      assert.deepEqual(r.grade_range, ['F', 'A']);
      lacks(r, 'sts.dns.missing');
    }
  });

  test('CNAME delegation followed by the resolver', async () => {
    const { r } = await run(site({
      names: {
        [`_mta-sts.${D}`]: { CNAME: '_mta-sts.provider.net' },
        '_mta-sts.provider.net': { TXT: [[`v=STSv1; id=${STS_ID}`]] },
      },
    }));
    grade(r, 'A');
    has(r, 'sts.dns.cname', { check: 'sts' });
    assert.deepEqual(r.sts.aliases, ['_mta-sts.provider.net']);
    assert.equal(r.sts.id, STS_ID);
  });

  test('CNAME answer that stops at the first link is chased by the client', async () => {
    const { r, net } = await run(site({
      names: {
        [`_mta-sts.${D}`]: { CNAME: '_mta-sts.provider.net', stopCname: true },
        '_mta-sts.provider.net': { TXT: [[`v=STSv1; id=${STS_ID}`]] },
      },
    }));
    assert.equal(queries(net, 'TXT', '_mta-sts.provider.net').length, 1, 'chased the target with a new TXT query');
    grade(r, 'A');
    has(r, 'sts.dns.cname');
    assert.deepEqual(r.sts.aliases, ['_mta-sts.provider.net']);
    assert.equal(r.sts.record, `v=STSv1; id=${STS_ID}`);
  });

  test('CNAME loop returned in one answer', async () => {
    const { r } = await run(site({
      names: { [`_mta-sts.${D}`]: { CNAME: 'loop.example.net' }, 'loop.example.net': { CNAME: `_mta-sts.${D}` } },
    }));
    has(r, 'dns.answer.cname_loop');
    grade(r, 'F');
    lacks(r, 'sts.dns.multiple');
  });

  test('CNAME loop chased link by link terminates', async () => {
    const { r, net } = await run(site({
      names: { [`_mta-sts.${D}`]: { CNAME: 'loop.example.net' }, 'loop.example.net': { CNAME: `_mta-sts.${D}` } },
    }), { net: { followCname: false } });
    assert.ok(queries(net, 'TXT').length < 20, `bounded chase: ${queries(net, 'TXT').length} TXT queries`);
    has(r, 'dns.answer.cname_loop');
    grade(r, 'F');
  });

  test('character-strings of one RR are joined without separators', async () => {
    const { r } = await run(site({ sts: [['v=STSv1; id=2024', '0501T120000']] }));
    grade(r, 'A');
    assert.deepEqual(r.sts.records, ['v=STSv1; id=20240501T120000']);
    assert.equal(r.sts.id, '20240501T120000');
  });

  test('a long record split at 255 bytes is joined', async () => {
    const ext = `x=${'q'.repeat(300)}`;
    const rec = `v=STSv1; id=${STS_ID}; ${ext}`;
    const { r } = await run(site({ sts: [rec] })); // the fixture splits a string record into 255-byte strings
    assert.deepEqual(r.sts.records, [rec]);
    assert.equal(r.sts.id, STS_ID);
    grade(r, 'A');
  });

  test('unrelated TXT records beside the STS one are discarded; <script> kept verbatim as data', async () => {
    const script = '<script>alert(1)</script>';
    const { r } = await run(site({ sts: [['v=spf1 -all'], [`v=STSv1; id=${STS_ID}`], [script]] }));
    grade(r, 'A');
    has(r, 'sts.dns.discarded', { check: 'sts' });
    assert.deepEqual([...r.sts.records].sort(), [script, `v=STSv1; id=${STS_ID}`, 'v=spf1 -all'].sort());
    assert.ok(r.sts.records.includes(script));
    assert.equal(r.sts.record, `v=STSv1; id=${STS_ID}`);
  });

  // RFC 8461 §3.1 discards records not starting with "v=STSv1;" only when
  // several come back; a lone record is parsed as it is (rfc-digest §1.1).
  for (const near of ['v=STSv1 ; id=20240501', 'v=stsv1; id=20240501']) {
    test(`near miss ${JSON.stringify(near)} beside another TXT record: discarded, so no usable record`, async () => {
      const { r } = await run(site({ sts: [[near], ['v=spf1 -all']] }));
      has(r, 'sts.dns.near_miss', { check: 'sts' });
      has(r, 'sts.dns.missing', { check: 'sts' });
      assert.ok(r.sts.records.includes(near));
      assert.equal(r.sts.record, null);
      grade(r, 'F');
    });
  }

  test('a lone "v=STSv1 ;" record is parsed (the ABNF allows it) with the erratum 6285 warning', async () => {
    const near = 'v=STSv1 ; id=20240501';
    const { r } = await run(site({ sts: [[near]] }));
    has(r, 'sts.delimiter.space_before', { check: 'sts' });
    assert.ok(!r.findings.some((f) => f.code === 'sts.dns.near_miss' || f.code === 'sts.dns.missing'));
    assert.equal(r.sts.record, near);
    assert.equal(r.sts.id, '20240501');
    assert.equal(r.checks.find((c) => c.id === 'sts').status, 'warn');
    grade(r, 'A'); // a warning keeps it from A+, not from A
  });

  test('a lone "v=stsv1;" record is parsed and invalid: the version is case-sensitive', async () => {
    const near = 'v=stsv1; id=20240501';
    const { r } = await run(site({ sts: [[near]] }));
    has(r, 'sts.version.invalid', { check: 'sts' });
    assert.equal(r.sts.record, near);
    assert.equal(r.sts.id, null);
    assert.equal(r.checks.find((c) => c.id === 'sts').status, 'fail');
    grade(r, 'F');
  });

  test('TLS-RPT: unrelated TXT discarded (A); two TLS-RPT records (B)', async () => {
    const one = (await run(site({ tlsrpt: [['v=spf1 -all'], [`v=TLSRPTv1; rua=${RUA(D)}`]] }))).r;
    grade(one, 'A');
    has(one, 'tlsrpt.dns.discarded', { check: 'tlsrpt' });
    assert.equal(one.tlsrpt.valid, true);
    const two = (await run(site({ tlsrpt: [[`v=TLSRPTv1; rua=${RUA(D)}`], ['v=TLSRPTv1; rua=mailto:other@example.org']] }))).r;
    has(two, 'tlsrpt.dns.multiple', { check: 'tlsrpt' });
    grade(two, 'B');
  });
});

describe('checkDomain: resolver failures', () => {
  test('HTTP 500 for _mta-sts → dns.query.failed, grade null', async () => {
    const { r } = await run(site({ names: { [`_mta-sts.${D}`]: { http: 500 } } }));
    has(r, 'dns.query.failed', { check: 'sts' });
    grade(r, null);
    complete(r, false);
    assert.equal(status(r, 'sts'), 'unknown');
    assert.deepEqual(r.grade_range, ['F', 'A']);
  });

  test('HTTP 500 for every query → not complete; range [F, A+]', async () => {
    const { r } = await run(site(), { net: { everyQuery: { http: 500 } } });
    has(r, 'dns.query.failed');
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['F', 'A+']);
    lacks(r, 'sts.dns.missing', 'domain.not_found', 'policy.host.missing');
  });

  test('resolver unreachable (network error) → dns.query.failed, grade null, range [F, A+]', async () => {
    const { r, net } = await run(site(), { resolver: 'https://doh.unreachable.example/dns-query', allowStray: true });
    assert.ok(net.stray().length >= 5 && net.stray().every((c) => c.url.startsWith('https://doh.unreachable.example/dns-query?dns=')));
    has(r, 'dns.query.failed');
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['F', 'A+']);
    lacks(r, 'sts.dns.missing', 'domain.not_found', 'policy.host.missing');
    assert.equal(r.policy?.source, 'fetched');
  });

  test('garbage bytes → dns.query.malformed', async () => {
    const { r } = await run(site({ names: { [`_mta-sts.${D}`]: { garbage: new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]) } } }));
    has(r, 'dns.query.malformed', { check: 'sts' });
    grade(r, null);
    complete(r, false);
    assert.equal(status(r, 'sts'), 'unknown');
  });

  test('mismatched ID → dns.query.malformed', async () => {
    const { r } = await run(site({ names: { [`_mta-sts.${D}`]: { TXT: [[`v=STSv1; id=${STS_ID}`]], wrongId: true } } }));
    has(r, 'dns.query.malformed', { check: 'sts' });
    grade(r, null);
    complete(r, false);
  });

  test('mismatched question → dns.query.malformed', async () => {
    const { r } = await run(site({ names: { [`_mta-sts.${D}`]: { TXT: [[`v=STSv1; id=${STS_ID}`]], wrongQuestion: true } } }));
    has(r, 'dns.query.malformed', { check: 'sts' });
    grade(r, null);
  });

  test('SERVFAIL for MX → mx unknown, grade null, range [F, A+]', async () => {
    const { r, net } = await run(site({ names: { [D]: { A: ['192.0.2.1'], rcode: 'SERVFAIL', only: ['MX'] } } }));
    has(r, 'dns.query.servfail', { check: 'mx' });
    assert.equal(status(r, 'mx'), 'unknown');
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['F', 'A+']);
    lacks(r, 'mx.implicit', 'mx.not_covered', 'domain.not_found');
    assert.equal(queries(net, 'TLSA').length, 0, 'no TLSA without MX hosts');
  });

  test('SERVFAIL for the TLS-RPT record of an otherwise-A domain → grade null, range [B, A]', async () => {
    const { r } = await run(site({ names: { [`_smtp._tls.${D}`]: { rcode: 'SERVFAIL' } } }));
    has(r, 'dns.query.servfail', { check: 'tlsrpt' });
    assert.equal(status(r, 'tlsrpt'), 'unknown');
    lacks(r, 'tlsrpt.dns.missing');
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['B', 'A']);
  });

  test('SERVFAIL for the TLSA of an otherwise-A+ domain → grade null, range [A, A+]', async () => {
    const { r } = await run(site({
      ad: true, names: { [`_25._tcp.mx1.${D}`]: TLSA(true), [`_25._tcp.mx2.${D}`]: { rcode: 'SERVFAIL' } },
    }));
    has(r, 'dns.query.servfail', { check: 'dane' });
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['A', 'A+']);
  });

  test('a timed-out address lookup of mta-sts.<d> does not matter when the policy was fetched', async () => {
    const { r } = await run(site({ names: { [`mta-sts.${D}`]: { hang: true } } }), { timeoutMs: 300 });
    // Whether the unanswered lookup is reported is the implementation's choice; it must not cost the grade.
    lacks(r, 'policy.host.missing', 'policy.host.no_address');
    grade(r, 'A');
    assert.equal(r.policy.source, 'fetched');
  });

  test('compressed answers are understood', async () => {
    const { r } = await run(site({ ad: true, names: { [`_25._tcp.mx1.${D}`]: TLSA(), [`_25._tcp.mx2.${D}`]: TLSA() } }),
      { net: { compress: true } });
    grade(r, 'A+');
  });

  test('a custom resolver URL is used for every query and reported', async () => {
    const resolver = 'https://doh.example.net/dns-query';
    const { r, net } = await run(site(), { resolver, net: { resolverUrl: resolver } });
    grade(r, 'A');
    assert.equal(r.resolver, resolver);
    assert.ok(net.calls.filter((c) => c.kind === 'dns').every((c) => c.url.startsWith(`${resolver}?dns=`)));
  });
});

describe('checkDomain: the policy fetch', () => {
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

  test('CORS-blocked, not pasted → warning, grade null, range [F, A]', async () => {
    const { r } = await run(site({ host: { cors: false } }));
    has(r, 'policy.fetch.cors_blocked', { check: 'policy_fetch' });
    lacks(r, 'policy.fetch.unreachable', 'policy.host.missing');
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['F', 'A']);
    assert.equal(status(r, 'policy'), 'unknown');
  });

  test('CORS-blocked, then pasted → source pasted, complete, A', async () => {
    const { r } = await run(site({ host: { cors: false } }), { policyText: policyText() });
    has(r, 'policy.fetch.pasted');
    grade(r, 'A');
    complete(r, true);
    assert.equal(r.policy.source, 'pasted');
    assert.equal(r.policy.text, policyText());
    assert.equal(r.policy.valid, true);
    assert.deepEqual(r.mx.map((x) => x.covered), [true, true]);
  });

  test('pasted policy is ignored when the browser can read the policy', async () => {
    const { r } = await run(site(), { policyText: policyText({ mode: 'none', mx: [] }) });
    assert.equal(r.policy.source, 'fetched');
    assert.equal(r.policy.mode, 'enforce');
    lacks(r, 'policy.fetch.pasted');
    grade(r, 'A');
  });

  test('CORS-blocked, then relay → source relay, A; the relay gets the policy URL', async () => {
    const relay = 'https://relay.example.org/fetch?url={url}';
    const { r, net } = await run(site({
      host: { cors: false },
      // Answers as tools/relay does: marked as the upstream's, the type passed on.
      hosts: { 'https://relay.example.org/fetch*': { body: policyText(), headers: { 'x-relay-upstream-ms': '5', 'x-relay-content-type': 'text/plain' } } },
    }), { relay });
    const relayed = net.calls.filter((c) => c.url.startsWith('https://relay.example.org/'));
    assert.equal(relayed.length, 1);
    assert.ok(decodeURIComponent(relayed[0].url).includes(policyUrl()), relayed[0].url);
    has(r, 'policy.fetch.relay');
    assert.equal(r.policy.source, 'relay');
    grade(r, 'A');
    complete(r, true);
  });

  test('a relay is not used when the browser can read the policy', async () => {
    const { r, net } = await run(site({ hosts: { 'https://relay.example.org/*': { body: policyText() } } }),
      { relay: 'https://relay.example.org/?u={url}' });
    assert.equal(net.calls.filter((c) => c.url.startsWith('https://relay.example.org/')).length, 0);
    assert.equal(r.policy.source, 'fetched');
    lacks(r, 'policy.fetch.relay');
  });

  test('a body that never ends is bounded by timeoutMs → policy.fetch.timeout, grade null', async () => {
    const { r, ms } = await run(site({ host: { neverEnds: true, chunkMs: 20 } }), { timeoutMs: 300 });
    assert.ok(ms < 2500, `took ${ms} ms`);
    has(r, 'policy.fetch.timeout', { check: 'policy_fetch' });
    grade(r, null);
    complete(r, false);
    assert.deepEqual(r.grade_range, ['F', 'A']);
  });

  test('policy host delegated by CNAME to a provider that has the address', async () => {
    const { r } = await run(site({
      names: { [`mta-sts.${D}`]: { CNAME: 'sts.provider.net' }, 'sts.provider.net': { A: ['198.51.100.7'] } },
    }));
    grade(r, 'A');
    lacks(r, 'policy.host.no_address', 'policy.host.missing');
  });

  test('policy text with markup is kept verbatim as data', async () => {
    const body = policyText().replace('max_age', 'note: <script>alert("x")</script> & <b>\nmax_age');
    const { r } = await run(site({ policy: body }));
    assert.equal(r.policy.text, body);
    assert.equal(r.policy.valid, true);
    grade(r, 'A');
  });

  test('charset other than utf-8 → policy.fetch.charset (info)', async () => {
    const { r } = await run(site({ host: { contentType: 'text/plain; charset=iso-8859-1' } }));
    has(r, 'policy.fetch.charset');
    lacks(r, 'policy.fetch.content_type');
    grade(r, 'A');
  });
});

describe('checkDomain: MX hosts', () => {
  test('implicit MX: the domain itself, TLSA asked for it', async () => {
    const { r, net } = await run(site({ mx: null, policy: policyText({ mx: [D] }) }));
    assert.equal(r.mx_kind, 'implicit');
    has(r, 'mx.implicit', { check: 'mx' });
    assert.deepEqual(r.mx.map((x) => [x.host, x.covered]), [[D, true]]);
    assert.equal(queries(net, 'TLSA', `_25._tcp.${D}`).length, 1);
    grade(r, 'A');
  });

  test('null MX: MTA-STS does not apply → grade null, complete, no range, no TLSA', async () => {
    const { r, net } = await run(site({ mx: [[0, '.']] }));
    assert.equal(r.mx_kind, 'null');
    has(r, 'mx.null', { check: 'mx' });
    grade(r, null);
    complete(r, true);
    assert.equal(r.grade_range, null);
    assert.equal(queries(net, 'TLSA').length, 0);
    lacks(r, 'mx.not_covered', 'mx.implicit');
  });

  test('upper-case MX names are covered case-insensitively', async () => {
    const { r } = await run(site({ mx: [[10, `MX1.EXAMPLE.COM`], [20, `Mx2.Example.Com`]] }));
    grade(r, 'A');
    lacks(r, 'mx.not_covered');
    assert.deepEqual(r.mx.map((x) => x.covered), [true, true]);
    assert.deepEqual(r.mx.map((x) => x.pattern), [`mx1.${D}`, `mx2.${D}`]);
  });

  test('a wildcard pattern covers one label', async () => {
    const { r } = await run(site({ mx: [[10, `mx1.${D}`], [20, `a.b.${D}`]], policy: policyText({ mx: [`*.${D}`] }) }));
    assert.equal(mxOf(r, `mx1.${D}`).covered, true);
    assert.equal(mxOf(r, `mx1.${D}`).pattern, `*.${D}`);
    assert.equal(mxOf(r, `a.b.${D}`).covered, false);
    has(r, 'mx.not_covered');
    grade(r, 'F');
  });
});

describe('checkDomain: DANE', () => {
  test('TLSA without AD → dane.tlsa.insecure, A (not A+)', async () => {
    const { r } = await run(site({ names: { [`_25._tcp.mx1.${D}`]: TLSA(false), [`_25._tcp.mx2.${D}`]: TLSA(false) } }));
    has(r, 'dane.tlsa.insecure', { check: 'dane' });
    grade(r, 'A');
    assert.deepEqual(mxOf(r, `mx1.${D}`).tlsa, { records: 1, ad: false });
  });

  test('TLSA with AD on only one of two MX hosts → A', async () => {
    const { r } = await run(site({ ad: true, names: { [`_25._tcp.mx1.${D}`]: TLSA(true) } }));
    grade(r, 'A');
    has(r, 'dane.tlsa.missing');
  });

  test('more MX hosts than tlsaCap → only tlsaCap TLSA queries, dane.tlsa.capped', async () => {
    const mx = [[10, `mx1.${D}`], [20, `mx2.${D}`], [30, `mx3.${D}`]];
    const { r, net } = await run(site({ mx, policy: policyText({ mx: [`*.${D}`] }) }), { tlsaCap: 2 });
    assert.equal(queries(net, 'TLSA').length, 2);
    has(r, 'dane.tlsa.capped', { check: 'dane' });
    assert.equal(r.mx.filter((x) => x.tlsa === null).length, 1);
    grade(r, 'A');
  });

  test('default tlsaCap is 10', async () => {
    const mx = Array.from({ length: 12 }, (_, i) => [10 + i, `mx${i + 1}.${D}`]);
    const { r, net } = await run(site({ mx, policy: policyText({ mx: [`*.${D}`] }) }));
    assert.equal(queries(net, 'TLSA').length, 10);
    has(r, 'dane.tlsa.capped');
    assert.equal(r.mx.length, 12);
    grade(r, 'A');
  });
});

describe('checkDomain: input', () => {
  test('IDN input is checked as its A-label', async () => {
    const A = 'xn--bcher-kva.example';
    const { r, net } = await run(site({ d: A }), { domain: 'bücher.example' });
    assert.equal(r.input, 'bücher.example');
    assert.equal(r.domain, A);
    has(r, 'domain.idn');
    grade(r, 'A');
    assert.ok(net.dnsQueries().every((q) => q.name.endsWith(A)), JSON.stringify(net.dnsQueries()));
    assert.deepEqual(net.calls.filter((c) => c.kind === 'host').map((c) => c.url), [policyUrl(A)]);
  });

  test('input is trimmed, lower-cased and loses a trailing dot', async () => {
    const { r } = await run(site(), { domain: '  Example.COM. ' });
    assert.equal(r.domain, D);
    grade(r, 'A');
  });

  for (const bad of ['exa mple', 'https://x/y', '1.2.3.4', '', 'a..b', `${'a'.repeat(64)}.example`]) {
    test(`invalid input ${JSON.stringify(bad)} → domain.invalid without any request`, async () => {
      const { r, net } = await run({ zone: {}, hosts: {} }, { domain: bad });
      has(r, 'domain.invalid');
      assert.equal(net.calls.length, 0, 'no request');
      assert.equal(r.input, bad);
      assert.ok(r.grade === null || r.grade === 'F', `grade ${r.grade}`);
    });
  }

  test('no walking up to a parent domain', async () => {
    const parent = site();
    const sub = `mail.${D}`;
    parent.zone[sub] = { A: ['192.0.2.50'] };
    parent.hosts[policyUrl(sub)] = { tls: 'fail' };
    const { r, net } = await run(parent, { domain: sub });
    assert.equal(r.domain, sub);
    for (const q of net.dnsQueries()) assert.ok(q.name.endsWith(sub), `query outside ${sub}: ${q.type} ${q.name}`);
    assert.equal(net.calls.filter((c) => c.url === policyUrl(D)).length, 0);
    has(r, 'sts.dns.missing');
    grade(r, 'F');
  });
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
