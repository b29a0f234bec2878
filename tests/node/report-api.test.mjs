// Node tests of the TLS-RPT report API of dist/mtasts.mjs: m.parseTlsRptReport
// and m.summarizeTlsRptReports (wasm/report.mjs over dist/mtasts-report-core.wasm).
// Their argument checking, the names of unnamed inputs, progress and abort,
// the shape of both answers, and a driver over the shared report fixtures
// (tests/fixtures/reports/, tests/support/report-fixtures.mjs): every case's
// aggregate must equal its hand-computed expect.json.
//
// Run:   node --test tests/node/report-api.test.mjs
// Env:   MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//
// The expectations come from docs/REPORTS.md, the d.ts (wasm/mtasts.d.ts) and
// core/include/mtasts/codes.def, whose severities, RFC sections and fixes the
// container findings are checked against.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { loadCases, compareSummary } from '../support/report-fixtures.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = resolve(process.env.MTASTS_DIST ?? join(REPO, 'dist'));
const ENTRY = join(DIST, 'mtasts.mjs');
if (!existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: build dist first (or set MTASTS_DIST)`);
const { load } = await import(pathToFileURL(ENTRY).href);

/** @type {any} */
let m;
before(async () => { m = await load(); });

// The codes table: "dotted.code" → severity, RFC section, fix (as api.test.mjs reads it).
const CODES = new Map();
{
  const def = readFileSync(join(REPO, 'core', 'include', 'mtasts', 'codes.def'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const row = /MTASTS_CODE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*\w+\s*,\s*\w+\s*,\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/g;
  for (const x of def.matchAll(row)) CODES.set(x[2], { severity: x[3], rfc: x[4], fix: x[5] });
  if (![...CODES.keys()].some((c) => c.startsWith('report.container.'))) throw new Error('codes.def: no report.container.* rows parsed');
}

/** A small RFC 8460 report (the shape of RFC 8460 §4.4's example). */
function report({ org = 'company-x.example', id = '2016-04-01T00:00:00Z_mail.example', successful = 5326, failed = 303 } = {}) {
  return JSON.stringify({
    'organization-name': org,
    'date-range': { 'start-datetime': '2016-04-01T00:00:00Z', 'end-datetime': '2016-04-01T23:59:59Z' },
    'contact-info': 'sts-reporting@company-x.example',
    'report-id': id,
    policies: [{
      policy: { 'policy-type': 'sts', 'policy-string': ['version: STSv1', 'mode: testing', 'mx: *.mail.company-y.example', 'max_age: 86400'],
        'policy-domain': 'company-y.example', 'mx-host': ['*.mail.company-y.example'] },
      summary: { 'total-successful-session-count': successful, 'total-failure-session-count': failed },
      'failure-details': [{ 'result-type': 'certificate-expired', 'sending-mta-ip': '2001:db8:abcd:0012::1',
        'receiving-mx-hostname': 'mx1.mail.company-y.example', 'failed-session-count': failed }],
    }],
  });
}
const gzip = (text) => new Uint8Array(zlib.gzipSync(text));

/** Asserts that `promise` rejects with a TypeError whose message matches `re`. */
async function rejectsType(promise, re) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof TypeError, `a TypeError, got ${err}`);
    if (re) assert.match(err.message, re);
    return true;
  });
}

/** Every finding carries its code's severity, RFC section and fix from codes.def. */
function findingsFromTable(findings) {
  for (const f of findings) {
    const row = CODES.get(f.code);
    assert.ok(row, `code in codes.def: ${JSON.stringify(f)}`);
    assert.equal(f.severity, row.severity, JSON.stringify(f));
    if (f.rfc !== undefined) assert.equal(f.rfc, row.rfc, JSON.stringify(f));
    if (f.fix !== undefined) assert.equal(f.fix, row.fix, JSON.stringify(f));
    assert.ok(typeof f.message === 'string' && f.message.length > 0);
  }
}

// ---------------------------------------------------------------------------
// The methods, and when their code loads

test('the API has both methods; mtasts.mjs imports report.mjs only when one is first called', () => {
  assert.equal(typeof m.parseTlsRptReport, 'function');
  assert.equal(typeof m.summarizeTlsRptReports, 'function');
  const src = readFileSync(ENTRY, 'utf8');
  assert.doesNotMatch(src, /^\s*import\s[^(]*['"]\.\/report\.mjs['"]/m, 'no static import of report.mjs');
  assert.match(src, /import\(\s*['"]\.\/report\.mjs['"]\s*\)/, 'a dynamic import');
  assert.doesNotMatch(src, /^\s*import\s[^;]*['"][^'"]*mtasts-report-core|import\(\s*['"][^'"]*mtasts-report-core/m,
    'the check module does not import the report module');
  for (const f of ['report.mjs', 'mtasts-report-core.mjs', 'mtasts-report-core.wasm', 'vendor/fflate.mjs', 'vendor/fflate.LICENSE',
    'vendor/postal-mime/postal-mime.js', 'vendor/postal-mime/LICENSE.txt']) {
    assert.ok(existsSync(join(DIST, f)), `dist/${f}`);
  }
});

test('the vendored modules import nothing by a bare name (a browser loads them as they are)', () => {
  const files = [join(DIST, 'vendor', 'fflate.mjs'), join(DIST, 'report.mjs'),
    ...['postal-mime.js', 'mime-node.js', 'decode-strings.js', 'address-parser.js', 'text-format.js'].map((f) => join(DIST, 'vendor', 'postal-mime', f))];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const x of src.matchAll(/(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = x[1] ?? x[2];
      assert.match(spec, /^\.\.?\/|^node:/, `${f}: imports ${spec}`);
      if (spec.startsWith('node:')) assert.match(f, /report\.mjs$/, `${f}: ${spec}`);
    }
  }
});

// ---------------------------------------------------------------------------
// Argument checking

test('summarizeTlsRptReports rejects what is not a list of files, with a TypeError naming the item', async () => {
  for (const bad of [undefined, null, 'a.json', 42, {}, new Uint8Array(2)]) {
    await rejectsType(m.summarizeTlsRptReports(bad), /expects an array/);
  }
  for (const [bad, re] of [
    [[null], /item 0 is null/],
    [[report(), 42], /item 1 is number/],
    [[true], /item 0 is boolean/],
    [[[report()]], /item 0 is an array/],
    [[{}], /item 0/],
    [[{ name: 'a.json' }], /item 0/],
    [[{ name: 5, data: report() }], /name of item 0 is number/],
    [[{ name: 'a.json', data: 5 }], /data of item 0 is number/],
    [[{ name: 'a.json', data: { name: 'b', data: 'x' } }], /data of item 0/],
  ]) {
    await rejectsType(m.summarizeTlsRptReports(bad), re);
  }
  for (const [bad, re] of [
    [null, /options must be an object/],
    [5, /options must be an object/],
    [{ onProgress: 'yes' }, /onProgress must be a function/],
    [{ signal: {} }, /signal must be an AbortSignal/],
    [{ signal: null }, /signal must be an AbortSignal/],
  ]) {
    await rejectsType(m.summarizeTlsRptReports([report()], bad), re);
  }
  // Checked before anything is read: no progress for a list with a bad item at its end.
  let calls = 0;
  await rejectsType(m.summarizeTlsRptReports([report(), report(), 7], { onProgress: () => { calls += 1; } }));
  assert.equal(calls, 0);
});

test('parseTlsRptReport rejects what is not a file, with a TypeError', async () => {
  for (const bad of [undefined, null, 42, true, [], [report()], {}, { data: 1 }, { name: 1, data: report() }]) {
    await rejectsType(m.parseTlsRptReport(bad));
  }
});

// ---------------------------------------------------------------------------
// The answers

test('an empty list gives an empty aggregate with every member', async () => {
  const s = await m.summarizeTlsRptReports([]);
  assert.deepEqual(s, {
    schema: 1, kind: 'tlsrpt-summary', reports: 0, duplicates: 0, period: null, totals: { successful: 0, failed: 0 },
    byDay: [], byPolicy: [], byMx: [], byResultType: [], byOrganization: [], bySendingIp: [], files: [], errors: [],
  });
});

test('the aggregate has the members of docs/REPORTS.md, with their types', async () => {
  const s = await m.summarizeTlsRptReports([{ name: 'a.json', data: report() }, { name: 'b.txt', data: 'hello' }]);
  assert.deepEqual(Object.keys(s).sort(), ['byDay', 'byMx', 'byOrganization', 'byPolicy', 'byResultType', 'bySendingIp', 'duplicates',
    'errors', 'files', 'kind', 'period', 'reports', 'schema', 'totals'].sort());
  assert.deepEqual(s.period, { start: '2016-04-01T00:00:00Z', end: '2016-04-01T23:59:59Z' });
  assert.deepEqual(s.byDay, [{ day: '2016-04-01', successful: 5326, failed: 303 }]);
  const p = s.byPolicy[0];
  assert.deepEqual({ ...p }, {
    type: 'sts', domain: 'company-y.example', string: ['version: STSv1', 'mode: testing', 'mx: *.mail.company-y.example', 'max_age: 86400'],
    mode: 'testing', mx: ['*.mail.company-y.example'], maxAge: 86400, successful: 5326, failed: 303, reports: 1,
    organizations: ['company-x.example'], firstDay: '2016-04-01', lastDay: '2016-04-01',
  });
  assert.deepEqual(s.byMx, [{ mx: 'mx1.mail.company-y.example', failed: 303, resultTypes: [{ resultType: 'certificate-expired', failed: 303 }] }]);
  const rt = s.byResultType[0];
  assert.equal(rt.resultType, 'certificate-expired');
  assert.equal(rt.known, true);
  assert.match(rt.rfc, /^RFC 8460 §4\.3/);
  for (const k of ['meaning', 'cause', 'fix']) assert.ok(rt[k].length > 10, k);
  assert.deepEqual(rt.mx, ['mx1.mail.company-y.example']);
  assert.deepEqual(s.byOrganization, [{ organization: 'company-x.example', contact: 'sts-reporting@company-x.example', reports: 1, successful: 5326, failed: 303 }]);
  assert.deepEqual(s.bySendingIp.map((r) => [r.ip, r.failed]), [['2001:db8:abcd:0012::1', 303]]);
  assert.equal(s.files[0].status, 'read');
  assert.equal(s.files[0].organization, 'company-x.example');
  assert.equal(s.files[0].reportId, '2016-04-01T00:00:00Z_mail.example');
  assert.equal(s.files[0].duplicateOf, null);
  assert.equal(s.files[1].status, 'error');
  assert.deepEqual(s.errors.map((e) => [e.source, e.code, e.severity]), [['b.txt', 'report.container.unknown', 'error']]);
  findingsFromTable(s.files.flatMap((f) => f.findings));
});

test('unnamed items are input-<n>; a File keeps its name; text, bytes, ArrayBuffer, a view and a Blob are all read', async () => {
  const text = (id) => report({ id });
  const s = await m.summarizeTlsRptReports([
    text('n1'),
    new Blob([text('n2')]),
    strToU8(text('n3')),
    { data: gzip(text('n4')) },
    { name: '', data: text('n5') },
    new File([gzip(text('n6'))], 'sender!example.com!1!2.json.gz'),
    strToU8(text('n7')).buffer,
    new DataView(strToU8(`  ${text('n8')}`).buffer, 2),
    { name: 'named.json', data: new Blob([text('n9')]) },
  ]);
  assert.deepEqual(s.files.map((f) => [f.source, f.status]), [
    ['input-1', 'read'], ['input-2', 'read'], ['input-3', 'read'], ['input-4', 'read'], ['input-5', 'read'],
    ['sender!example.com!1!2.json.gz', 'read'], ['input-7', 'read'], ['input-8', 'read'], ['named.json', 'read'],
  ]);
  assert.equal(s.reports, 9);
});

test('parseTlsRptReport: the same report as text, bytes, gzip, zip, e-mail and Blob gives the same answer', async () => {
  const text = report();
  const plain = await m.parseTlsRptReport(text);
  assert.equal(plain.schema, 1);
  assert.equal(plain.kind, 'tlsrpt-report');
  assert.equal(plain.valid, true);
  const r = plain.report;
  assert.equal(r['organization-name'], 'company-x.example');
  assert.equal(r['date-range'].start, Date.UTC(2016, 3, 1) / 1000);
  assert.equal(r['date-range'].end, Date.UTC(2016, 3, 1, 23, 59, 59) / 1000);
  assert.equal(r.policies[0].summary['total-failure-session-count'], 303);
  assert.equal(r.policies[0]['failure-details'][0]['receiving-ip'], '', 'absent strings are ""');
  findingsFromTable(plain.findings);
  const mail = [
    'From: reporter@company-x.example', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=tlsrpt; boundary="b"', '',
    '--b', 'Content-Type: text/plain', '', 'A report.', '--b', 'Content-Type: application/tlsrpt+gzip',
    'Content-Disposition: attachment; filename="r.json.gz"', 'Content-Transfer-Encoding: base64', '',
    Buffer.from(gzip(text)).toString('base64'), '--b--', ''].join('\r\n');
  for (const [what, input] of [
    ['bytes', strToU8(text)], ['gzip', gzip(text)], ['zip', zipSync({ 'notes.txt': strToU8('x'), 'r.json': strToU8(text) })],
    ['e-mail', mail], ['Blob', new Blob([gzip(text)])], ['{name, data}', { name: 'r.json', data: text }],
  ]) {
    assert.deepEqual(await m.parseTlsRptReport(input), plain, what);
  }
});

test('parseTlsRptReport: of several reports in a zip the first is read; a container that fails is a finding', async () => {
  const zip = zipSync({ 'first.json': strToU8(report({ org: 'first.example' })), 'second.json': strToU8(report({ org: 'second.example' })) });
  const p = await m.parseTlsRptReport(zip);
  assert.equal(p.report['organization-name'], 'first.example');

  for (const [input, code] of [
    ['hello, world', 'report.container.unknown'],
    [gzip(report()).subarray(0, 30), 'report.container.corrupt'],
    [zipSync({ 'notes.txt': strToU8('x') }), 'report.container.empty'],
  ]) {
    const r = await m.parseTlsRptReport(input);
    assert.equal(r.schema, 1);
    assert.equal(r.kind, 'tlsrpt-report');
    assert.equal(r.valid, false);
    assert.equal(r.report, null);
    assert.deepEqual(r.findings.map((f) => f.code), [code]);
    findingsFromTable(r.findings);
    assert.ok(r.findings[0].fix.length > 0);
  }
  const bad = await m.parseTlsRptReport('{"policies": [}');
  assert.equal(bad.valid, false);
  assert.equal(bad.findings[0].code, 'report.json.invalid');
  assert.equal(bad.findings[0].line, 1);
  assert.ok(bad.findings[0].column >= 14);
});

test('onProgress: once per file, in order; a throwing callback does not stop the reading', async () => {
  const seen = [];
  const s = await m.summarizeTlsRptReports([
    { name: 'a.json', data: report({ id: 'a' }) },
    { name: 'b.zip', data: zipSync({ 'b1.json': strToU8(report({ id: 'b1' })), 'b2.json': strToU8(report({ id: 'b2' })) }) },
    { name: 'c.txt', data: 'not a report' },
  ], { onProgress: (p) => { seen.push(p); throw new Error('a broken progress callback'); } });
  assert.deepEqual(seen, [
    { done: 1, total: 3, source: 'a.json', inputs: 1 },
    { done: 2, total: 3, source: 'b.zip', inputs: 2 },
    { done: 3, total: 3, source: 'c.txt', inputs: 1 },
  ]);
  assert.equal(s.reports, 3);
});

test('signal: an aborted signal rejects with its reason, before a file is read or between files', async () => {
  const before = new AbortController();
  before.abort();
  let calls = 0;
  await assert.rejects(m.summarizeTlsRptReports([report()], { signal: before.signal, onProgress: () => { calls += 1; } }),
    (err) => err.name === 'AbortError');
  assert.equal(calls, 0);

  const during = new AbortController();
  const reason = new Error('stopped by the user');
  const files = Array.from({ length: 5 }, (_, i) => ({ name: `r${i}.json.gz`, data: gzip(report({ id: `r${i}` })) }));
  await assert.rejects(m.summarizeTlsRptReports(files, {
    signal: during.signal,
    onProgress: (p) => { calls += 1; if (p.done === 2) during.abort(reason); },
  }), (err) => err === reason);
  assert.equal(calls, 2);
  // The API still works afterwards.
  assert.equal((await m.summarizeTlsRptReports([report()])).reports, 1);
});

// ---------------------------------------------------------------------------
// The shared fixtures

const cases = loadCases();

test('the shared report fixtures are there', () => {
  assert.ok(cases.length >= 8, `${cases.length} cases`);
});

for (const c of cases) {
  test(`fixture ${c.name}: the aggregate equals expect.json`, async () => {
    const s = await m.summarizeTlsRptReports(c.files.map((f) => ({ name: f.name, data: f.bytes })));
    assert.deepEqual(compareSummary(s, c.expect), []);
    findingsFromTable(s.files.flatMap((f) => f.findings));
  });
}

test('fixture containers, given as File objects, gives the same aggregate as {name, data}', async () => {
  const c = cases.find((x) => x.name === 'containers');
  assert.ok(c, 'the containers case');
  const named = await m.summarizeTlsRptReports(c.files.map((f) => ({ name: f.name, data: f.bytes })));
  const asFiles = await m.summarizeTlsRptReports(c.files.map((f) => new File([f.bytes], f.name)));
  assert.deepEqual(asFiles, named);
});
