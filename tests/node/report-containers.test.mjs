// Node tests of the report containers (dist/report.mjs, through the public API
// m.summarizeTlsRptReports / m.parseTlsRptReport of dist/mtasts.mjs): JSON,
// gzip, zip and e-mail told apart by content; damaged, unknown and empty files;
// the limits (a 20 MB report loads; a zip bomb and a gzip bomb stop at
// report_file_max_bytes with bounded memory; more than report_archive_entries
// entries); many files at once, one of them bad. Every file is made here.
//
// Run:   node --test tests/node/report-containers.test.mjs
// Env:   MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//
// The expectations come from docs/REPORTS.md (containers, sources, the
// aggregate) and core/include/mtasts/limits.h; every count is computed here by
// hand from the reports this file writes. The timings of the 20 MB report
// and of 1,000 daily reports are printed as diagnostics (not asserted: the
// machine's load varies; docs/BENCHMARKS.md has the budgets).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { zipSync, strToU8, Zip, ZipDeflate } from 'fflate';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = resolve(process.env.MTASTS_DIST ?? join(REPO, 'dist'));
const ENTRY = join(DIST, 'mtasts.mjs');
if (!existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: build dist first (or set MTASTS_DIST)`);
const { load } = await import(pathToFileURL(ENTRY).href);

const MiB = 1024 * 1024;
/** @type {any} */
let m;
/** @type {any} */
let reportCore;
before(async () => {
  m = await load();
  await m.summarizeTlsRptReports([]);  // the report layer, loaded once for every test
  reportCore = await (await import(pathToFileURL(join(DIST, 'report.mjs')).href)).loadReportCore();
});

// ---------------------------------------------------------------------------
// Reports and containers, made here

const DAY = 86400;
const BASE = Date.UTC(2026, 10, 1) / 1000;  // 2026-11-01T00:00:00Z
const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

/**
 * An RFC 8460 §4.4 report: one sts policy; `failed` sessions split over
 * certificate-expired at mx1 and starttls-not-supported at mx2.
 */
function report({ org = 'sender.example', id = `${org}-${Math.random()}`, day = 0, successful = 10, failed = 2, details = null } = {}) {
  const start = BASE + day * DAY;
  const expired = Math.ceil(failed / 2);
  const fd = details ?? [
    ...(expired ? [{ 'result-type': 'certificate-expired', 'sending-mta-ip': '192.0.2.1', 'receiving-mx-hostname': 'mx1.example.com',
      'receiving-ip': '198.51.100.1', 'failed-session-count': expired }] : []),
    ...(failed - expired ? [{ 'result-type': 'starttls-not-supported', 'sending-mta-ip': '192.0.2.2', 'receiving-mx-hostname': 'mx2.example.com',
      'receiving-ip': '198.51.100.2', 'failed-session-count': failed - expired }] : []),
  ];
  return JSON.stringify({
    'organization-name': org,
    'date-range': { 'start-datetime': iso(start), 'end-datetime': iso(start + DAY - 1) },
    'contact-info': `tlsrpt@${org}`,
    'report-id': id,
    policies: [{
      policy: { 'policy-type': 'sts', 'policy-string': ['version: STSv1', 'mode: testing', 'mx: mx1.example.com', 'mx: mx2.example.com', 'max_age: 604800'],
        'policy-domain': 'example.com', 'mx-host': ['mx1.example.com', 'mx2.example.com'] },
      summary: { 'total-successful-session-count': successful, 'total-failure-session-count': failed },
      'failure-details': fd,
    }],
  });
}

const gzip = (text) => new Uint8Array(zlib.gzipSync(text));
const u8 = (s) => strToU8(s);

/** A report e-mail (RFC 8460 §5.3): multipart/report with the report attached as base64 gzip. */
function reportMail(attachments, { text = 'This is an aggregate TLS report from sender.example.' } = {}) {
  const b = 'b0undary-42';
  const parts = attachments.map(({ name, bytes, type = 'application/tlsrpt+gzip' }) => [
    `--${b}`,
    `Content-Type: ${type}`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(bytes).toString('base64').replace(/.{76}/g, '$&\r\n'),
  ].join('\r\n'));
  return [
    'Return-Path: <noreply@sender.example>',
    'Received: from mail.sender.example by mx1.example.com; Mon, 30 Nov 2026 00:10:00 +0000',
    'From: TLS reporting <noreply@sender.example>',
    'To: tlsrpt@example.com',
    'Subject: Report Domain: example.com Submitter: sender.example Report-ID: <x@sender.example>',
    'TLS-Report-Domain: example.com',
    'TLS-Report-Submitter: sender.example',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type="tlsrpt"; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    ...parts,
    `--${b}--`,
    '',
  ].join('\r\n');
}

/** Quoted-printable (RFC 2045 §6.7) with soft line breaks, enough for JSON. */
function quotedPrintable(text) {
  const bytes = Buffer.from(text, 'utf8');
  let line = '';
  const lines = [];
  for (const c of bytes) {
    const enc = c === 0x3d || c > 0x7e || c < 0x20 ? `=${c.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(c);
    if (line.length + enc.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += enc;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** CRC-32 (zlib.crc32 where Node has it, else a table). */
const crc32 = zlib.crc32 ?? (() => {
  const t = new Uint32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  return (buf, prev = 0) => {
    let c = ~prev >>> 0;
    for (const b of buf) c = t[(c ^ b) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  };
})();

/**
 * A deflate stream of `mib` MiB of one text (by default JSON-looking: "{" then spaces),
 * made fast: the raw deflate of one MiB, flushed to a byte boundary (not
 * final, no back-reference before its start), repeated, then an empty final
 * block. About 1 KB per MiB: deflate does not expand more than ~1,032 times.
 */
function deflateBomb(mib, head = 0x7b) {
  const first = Buffer.alloc(MiB, 0x20);
  first[0] = head;
  const rest = Buffer.alloc(MiB, 0x20);
  const piece = (b) => zlib.deflateRawSync(b, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const p0 = piece(first);
  const p1 = piece(rest);
  const end = zlib.deflateRawSync(Buffer.alloc(0));  // one empty final block
  const parts = [p0];
  let crc = crc32(first);
  for (let i = 1; i < mib; i++) {
    parts.push(p1);
    crc = crc32(rest, crc);
  }
  parts.push(end);
  return { data: Buffer.concat(parts), crc, size: mib * MiB };
}

function gzipBomb(mib) {
  const { data, crc, size } = deflateBomb(mib);
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(crc, 0);
  tail.writeUInt32LE(size % 2 ** 32, 4);
  return new Uint8Array(Buffer.concat([head, data, tail]));
}

/**
 * A zip archive written by hand (APPNOTE 4.3: local headers, the central
 * directory, its end record), for entries whose deflate data is given.
 * @param {{ name: string, method: 0 | 8, data: Uint8Array, crc: number, size: number }[]} entries
 */
function zipOf(entries) {
  const out = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    out.push(local, name, e.data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(e.crc >>> 0, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...out, cd, eocd]));
}

/**
 * Summarizes one file in a fresh Node process and returns its errors and its
 * peak resident memory (process.resourceUsage().maxRSS), less that of the
 * same run over a small report: what the file cost at most, garbage not yet
 * collected included. A peak in this process would hide behind the earlier
 * tests' own.
 */
const tmp = mkdtempSync(join(tmpdir(), 'mtasts-report-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
function childRun(name, bytes) {
  const file = join(tmp, 'input');
  writeFileSync(file, bytes);
  const script = `
    import { readFileSync } from 'node:fs';
    const { load } = await import(process.env.ENTRY_URL);
    const m = await load();
    const data = new Uint8Array(readFileSync(process.env.INPUT));
    const s = await m.summarizeTlsRptReports([{ name: process.env.NAME, data }]);
    process.stdout.write(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, errors: s.errors, reports: s.reports }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ENTRY_URL: pathToFileURL(ENTRY).href, INPUT: file, NAME: name }, encoding: 'utf8',
  });
  return JSON.parse(out);
}
let baselineRss = 0;
function peakMemory(name, bytes) {
  if (!baselineRss) baselineRss = childRun('small.json', u8(report({ id: 'baseline' }))).maxRss;
  const r = childRun(name, bytes);
  return { ...r, rss: r.maxRss - baselineRss };
}

const statuses = (s) => s.files.map((f) => [f.source, f.status]);
const errorsOf = (s) => s.errors.map((e) => [e.source, e.code]);

// ---------------------------------------------------------------------------
// One container at a time

test('JSON, with a BOM and leading whitespace, as text and as bytes', async () => {
  const r = report({ id: 'json-1', successful: 7, failed: 3 });
  const s = await m.summarizeTlsRptReports([
    { name: 'a.json', data: r },
    { name: 'b.json', data: new Uint8Array([0xef, 0xbb, 0xbf, 0x0d, 0x0a, 0x20, ...u8(report({ id: 'json-2', successful: 1, failed: 0 }))]) },
  ]);
  assert.deepEqual(statuses(s), [['a.json', 'read'], ['b.json', 'read']]);
  assert.deepEqual(s.totals, { successful: 8, failed: 3 });
  assert.deepEqual(s.errors, []);
});

test('gzip: a .json.gz is read by content, whatever its name', async () => {
  const s = await m.summarizeTlsRptReports([
    { name: 'sender.example!example.com!1795564800!1795651199.json.gz', data: gzip(report({ id: 'gz-1', successful: 5, failed: 1 })) },
    { name: 'report.txt', data: gzip(report({ id: 'gz-2', successful: 4, failed: 2 })) },
  ]);
  assert.deepEqual(statuses(s), [
    ['sender.example!example.com!1795564800!1795651199.json.gz', 'read'], ['report.txt', 'read']]);
  assert.deepEqual(s.totals, { successful: 9, failed: 3 });
});

test('gzip: several members are read as one text (as the CLI reads them); a wrong CRC-32 is damage', async () => {
  const text = report({ id: 'members', successful: 6, failed: 2 });
  const cut = Math.floor(text.length / 3);
  const members = new Uint8Array([...gzip(text.slice(0, cut)), ...gzip(text.slice(cut, 2 * cut)), ...gzip(text.slice(2 * cut))]);
  const badCrc = gzip(report({ id: 'crc' }));
  badCrc[badCrc.length - 8] ^= 0xff;
  const s = await m.summarizeTlsRptReports([{ name: 'members.json.gz', data: members }, { name: 'crc.json.gz', data: badCrc }]);
  assert.deepEqual(statuses(s), [['members.json.gz', 'read'], ['crc.json.gz', 'error']]);
  assert.deepEqual(s.totals, { successful: 6, failed: 2 });
  assert.deepEqual(errorsOf(s), [['crc.json.gz', 'report.container.corrupt']]);
});

test('zip: several entries (JSON, gzip, stored, in a folder) are reports; a nested zip, a text entry and a folder are skipped', async () => {
  const zip = zipSync({
    'one.json': u8(report({ id: 'z-1', successful: 1, failed: 1 })),
    'two.json.gz': gzip(report({ id: 'z-2', successful: 2, failed: 0 })),
    'sub/': new Uint8Array(0),
    'sub/three.json': [u8(report({ id: 'z-3', successful: 3, failed: 2 })), { level: 0 }],
    'nested.zip': zipSync({ 'inner.json': u8(report({ id: 'z-inner', successful: 100, failed: 100 })) }),
    'readme.txt': u8('These are our reports.'),
    'signature.p7s': new Uint8Array([0x30, 0x82, 0x01, 0x00, 1, 2, 3]),
  });
  const s = await m.summarizeTlsRptReports([{ name: 'reports.zip', data: zip }]);
  assert.deepEqual(statuses(s), [
    ['reports.zip/one.json', 'read'], ['reports.zip/two.json.gz', 'read'], ['reports.zip/sub/three.json', 'read']]);
  assert.deepEqual(s.totals, { successful: 6, failed: 3 }, 'the nested zip\'s report is not counted');
  assert.deepEqual(s.errors, []);
});

test('zip: a stored gzip entry is recognised wherever the reader\'s chunks cut its first bytes', async () => {
  const gz = gzip(report({ id: 'split', successful: 1, failed: 0 }));
  for (let pad = 4000; pad < 4100; pad++) {
    const zip = zipSync({ 'pad.bin': [new Uint8Array(pad).fill(0x78), { level: 0 }], 'r.json.gz': [gz, { level: 0 }] });
    const s = await m.summarizeTlsRptReports([{ name: 'z.zip', data: zip }]);
    assert.deepEqual(statuses(s), [['z.zip/r.json.gz', 'read']], `padding of ${pad} bytes`);
  }
});

test('zip written as a stream (sizes in data descriptors after each entry) opens too', async () => {
  const chunks = [];
  const zip = new Zip((err, chunk, final) => {
    if (err) throw err;
    chunks.push(chunk);
    if (final) zip.terminate?.();
  });
  for (const [name, text] of [['s-1.json', report({ id: 's-1', successful: 10, failed: 1 })], ['s-2.json', report({ id: 's-2', successful: 20, failed: 2 })]]) {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(u8(text), true);
  }
  zip.end();
  const bytes = new Uint8Array(Buffer.concat(chunks));
  assert.ok(bytes[6] & 8, 'the entries have data descriptors');
  const s = await m.summarizeTlsRptReports([{ name: 'stream.zip', data: bytes }]);
  assert.deepEqual(statuses(s), [['stream.zip/s-1.json', 'read'], ['stream.zip/s-2.json', 'read']]);
  assert.deepEqual(s.totals, { successful: 30, failed: 3 });
});

test('zip: empty, nothing but non-reports, cut short, damaged, or over the entry limit', async () => {
  const whole = zipSync({ 'a.json': u8(report({ id: 'cut-a', successful: 1, failed: 0 })), 'b.json': u8(report({ id: 'cut-b' })) },
    { level: 0 });
  const damaged = zipSync({ 'x.json': u8(report({ id: 'dmg' }).repeat(20)) });
  damaged.fill(0xff, 60, 90);  // inside the deflate data of the one entry
  const many = {};
  for (let i = 0; i <= reportCore.limits.report_archive_entries; i++) many[`r${i}.json`] = u8('{}');
  const s = await m.summarizeTlsRptReports([
    { name: 'empty.zip', data: zipSync({}) },
    { name: 'notes.zip', data: zipSync({ 'notes.txt': u8('no report here') }) },
    { name: 'cut.zip', data: whole.subarray(0, whole.length - 120) },
    { name: 'damaged.zip', data: damaged },
    { name: 'many.zip', data: zipSync(many, { level: 0 }) },
  ]);
  const byName = Object.fromEntries(s.errors.map((e) => [e.source, e]));
  assert.equal(byName['empty.zip']?.code, 'report.container.empty');
  assert.equal(byName['notes.zip']?.code, 'report.container.empty');
  assert.equal(byName['cut.zip']?.code, 'report.container.corrupt');
  assert.ok(s.files.some((f) => f.source === 'cut.zip/a.json' && f.status === 'read'), 'what came before the cut is read');
  assert.ok(['damaged.zip/x.json', 'damaged.zip'].some((n) => byName[n]?.code === 'report.container.corrupt'),
    JSON.stringify(errorsOf(s)));
  assert.equal(byName['many.zip']?.code, 'report.container.too_large');
  assert.match(byName['many.zip'].message, /1000 entries/);
  for (const e of s.errors.filter((x) => x.code.startsWith('report.container.'))) {
    assert.ok(e.message.includes(e.source.split('/')[0]), `the message names the file: ${e.message}`);
  }
});

test('e-mail: a base64 gzip attachment, a quoted-printable JSON body; a mail without a report is empty', async () => {
  const attached = reportMail([{ name: 'sender.example!example.com!1795564800!1795651199.json.gz', bytes: gzip(report({ id: 'm-1', successful: 11, failed: 1 })) }]);
  const qp = [
    'From: reporter@sender.example',
    'To: tlsrpt@example.com',
    'Subject: TLS report',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(report({ org: 'sénder.example', id: 'm-2', successful: 12, failed: 2 })),
    '',
  ].join('\r\n');
  assert.ok(qp.includes('=\r\n') && qp.includes('=C3=A9'), 'soft line breaks and an encoded é');
  const none = reportMail([{ name: 'logo.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), type: 'image/png' }]);
  const nested = reportMail([{ name: 'forwarded.eml', bytes: u8(reportMail([{ name: 'r.json.gz', bytes: gzip(report({ id: 'm-deep' })) }])),
    type: 'message/rfc822' }]);
  const s = await m.summarizeTlsRptReports([
    { name: 'report.eml', data: attached },
    { name: 'body.eml', data: u8(qp) },
    { name: 'none.eml', data: none },
    { name: 'nested.eml', data: nested },
  ]);
  assert.deepEqual(statuses(s), [
    ['report.eml/sender.example!example.com!1795564800!1795651199.json.gz', 'read'],
    ['body.eml/body', 'read'],
    ['none.eml', 'error'],
    ['nested.eml', 'error'],
  ]);
  assert.deepEqual(s.totals, { successful: 23, failed: 3 });
  assert.deepEqual(errorsOf(s), [['none.eml', 'report.container.empty'], ['nested.eml', 'report.container.empty']]);
  assert.ok(s.byOrganization.some((o) => o.organization === 'sénder.example'), 'the quoted-printable UTF-8 is decoded');
});

test('garbage, HTML, an empty file and a cut gzip are errors naming the file; the good file still loads', async () => {
  const gz = gzip(report({ id: 'cut' }));
  const s = await m.summarizeTlsRptReports([
    { name: 'noise.bin', data: new Uint8Array([0, 1, 2, 3, 250, 251, 252]) },
    { name: 'page.html', data: '<!DOCTYPE html>\n<html><body>Not a report</body></html>' },
    { name: 'empty.json', data: new Uint8Array(0) },
    { name: 'cut.json.gz', data: gz.subarray(0, gz.length - 12) },
    { name: 'good.json', data: report({ id: 'good', successful: 3, failed: 1 }) },
  ]);
  assert.deepEqual(errorsOf(s), [
    ['noise.bin', 'report.container.unknown'],
    ['page.html', 'report.container.unknown'],
    ['empty.json', 'report.container.unknown'],
    ['cut.json.gz', 'report.container.corrupt'],
  ]);
  for (const e of s.errors) {
    assert.ok(e.message.startsWith(`${e.source}:`), `the message names the file: ${e.message}`);
    assert.equal(e.severity, 'error');
  }
  assert.match(s.errors[1].message, /<!DOCTYPE html>/);
  assert.deepEqual(s.files.at(-1), { ...s.files.at(-1), source: 'good.json', status: 'read' });
  assert.deepEqual(s.totals, { successful: 3, failed: 1 });
  // The finding of a container error is the core's: its severity, RFC section and fix from codes.def.
  const f = s.files[0].findings[0];
  assert.equal(f.code, 'report.container.unknown');
  assert.equal(f.rfc, 'RFC 8460 §5.3');
  assert.ok(f.fix.length > 0);
});

// ---------------------------------------------------------------------------
// Limits

test('a 20 MB report loads (as JSON and as gzip), and its sessions are all counted', async (t) => {
  const details = [];
  let failed = 0;
  let size = 0;
  for (let i = 0; size < 20e6; i++) {
    const n = 1 + (i % 5);
    const d = { 'result-type': i % 3 ? 'certificate-expired' : 'starttls-not-supported', 'sending-mta-ip': `192.0.2.${i % 250}`,
      'receiving-mx-hostname': `mx${i % 7}.example.com`, 'receiving-ip': `198.51.100.${i % 200}`, 'failed-session-count': n,
      'additional-information': `https://sender.example/tlsrpt/detail/${i}`, 'failure-reason-code': 'X509_V_ERR_CERT_HAS_EXPIRED' };
    failed += n;
    details.push(d);
    size += JSON.stringify(d).length + 1;
  }
  const text = report({ org: 'big.example', id: 'big-1', successful: 123456, failed, details });
  assert.ok(text.length >= 20e6, `${text.length} bytes`);
  const bytes = u8(text);
  const gz = gzip(text);

  let t0 = performance.now();
  const s = await m.summarizeTlsRptReports([{ name: 'big.json', data: bytes }]);
  const jsonMs = performance.now() - t0;
  assert.deepEqual(statuses(s), [['big.json', 'read']]);
  assert.deepEqual(s.totals, { successful: 123456, failed });
  assert.equal(s.files[0].findings.filter((f) => f.code === 'report.summary.mismatch').length, 0);
  assert.equal(s.byMx.length, 7);
  assert.equal(s.byMx.reduce((a, r) => a + r.failed, 0), failed);

  t0 = performance.now();
  const z = await m.summarizeTlsRptReports([{ name: 'big.json.gz', data: gz }]);
  const gzMs = performance.now() - t0;
  assert.deepEqual(z.totals, s.totals);

  t0 = performance.now();
  const p = await m.parseTlsRptReport(bytes);
  const parseMs = performance.now() - t0;
  assert.equal(p.valid, true);
  assert.equal(p.report['policies'][0]['failure-details'].length, details.length);

  const heap = reportCore.memoryUsage();
  t.diagnostic(`20 MB report (${bytes.length.toLocaleString('en-US')} bytes, ${details.length.toLocaleString('en-US')} failure details): ` +
    `summarizeTlsRptReports ${jsonMs.toFixed(0)} ms as JSON, ${gzMs.toFixed(0)} ms as gzip (${gz.length.toLocaleString('en-US')} bytes); ` +
    `parseTlsRptReport ${parseMs.toFixed(0)} ms; report module heap ${(heap.heapBytes / MiB).toFixed(0)} MiB`);
});

test('a gzip bomb (1 GiB of JSON-looking text in about 1 MB) stops at report_file_max_bytes, with bounded memory', async (t) => {
  const bomb = gzipBomb(1024);
  assert.ok(bomb.length < 1.2 * MiB, `${bomb.length} bytes`);
  const max = reportCore.limits.report_file_max_bytes;
  assert.equal(max, 64 * MiB);
  const heapBefore = reportCore.memoryUsage().heapBytes;
  const s = await m.summarizeTlsRptReports([
    { name: 'bomb.json.gz', data: bomb }, { name: 'after.json', data: report({ id: 'after-gz', successful: 1, failed: 0 }) }]);
  assert.deepEqual(errorsOf(s), [['bomb.json.gz', 'report.container.too_large']]);
  assert.match(s.errors[0].message, /64 MiB/);
  assert.deepEqual(statuses(s)[1], ['after.json', 'read'], 'the next file still loads');
  assert.ok(reportCore.memoryUsage().heapBytes - heapBefore < 16 * MiB, 'the core never saw the bytes');

  const { rss, errors } = peakMemory('bomb.json.gz', bomb);
  assert.deepEqual(errors.map((e) => e.code), ['report.container.too_large']);
  t.diagnostic(`gzip bomb ${bomb.length.toLocaleString('en-US')} bytes → 1 GiB: peak RSS +${(rss / MiB).toFixed(0)} MiB over a small report`);
  assert.ok(rss < 4 * max, `peak RSS grew by ${(rss / MiB).toFixed(0)} MiB`);
});

test('zip bombs (one entry of 1 GiB; a gzip of 1 GiB inside a zip of a few KB; many entries of 16 MiB) stop at the limit', async (t) => {
  const one = deflateBomb(1024);
  const single = zipOf([{ name: 'bomb.json', method: 8, ...one }]);
  const gzInside = zipSync({ 'bomb.json.gz': gzipBomb(1024) }, { level: 9 });
  assert.ok(gzInside.length < 8 * 1024, `the two-level bomb is ${gzInside.length} bytes`);
  // Entries that are not reports ("x" then spaces): skipped, yet every byte inflated counts.
  const sixteen = deflateBomb(16, 0x78);
  const spread = zipOf(Array.from({ length: 64 }, (_, i) => ({ name: `part-${i}.json`, method: 8, ...sixteen })));
  const max = reportCore.limits.report_file_max_bytes;
  for (const [name, data] of [['single.zip', single], ['gz-inside.zip', gzInside], ['spread.zip', spread]]) {
    const s = await m.summarizeTlsRptReports([{ name, data }]);
    assert.ok(s.errors.some((e) => e.source === name && e.code === 'report.container.too_large'), `${name}: ${JSON.stringify(errorsOf(s))}`);
    const { rss } = peakMemory(name, data);
    t.diagnostic(`${name} (${data.length.toLocaleString('en-US')} bytes → 1 GiB): peak RSS +${(rss / MiB).toFixed(0)} MiB over a small report`);
    assert.ok(rss < 4 * max, `${name}: peak RSS grew by ${(rss / MiB).toFixed(0)} MiB`);
  }
});

test('a file over report_file_max_bytes as given is refused before it is read', async () => {
  const max = reportCore.limits.report_file_max_bytes;
  const big = new Blob([new Uint8Array(max + 1)]);
  let read = false;
  const spy = new Proxy(big, {
    get(target, key) {
      if (key === 'arrayBuffer' || key === 'stream') read = true;
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  Object.setPrototypeOf(spy, Blob.prototype);
  const s = await m.summarizeTlsRptReports([new File([new Uint8Array(max + 1)], 'huge.json'), spy]);
  assert.deepEqual(errorsOf(s), [['huge.json', 'report.container.too_large'], ['input-2', 'report.container.too_large']]);
  assert.equal(read, false);
});

// ---------------------------------------------------------------------------
// Many files

test('many files at once, in every container, one of them bad: every report counts once, the bad one is one error', async (t) => {
  const files = [];
  const want = { successful: 0, failed: 0 };
  for (let i = 0; i < 40; i++) {
    const successful = 10 + i;
    const failed = i % 4;
    want.successful += successful;
    want.failed += failed;
    const text = report({ org: `org${i % 3}.example`, id: `many-${i}`, day: i % 10, successful, failed });
    const name = `r${String(i).padStart(2, '0')}`;
    switch (i % 4) {
      case 0: files.push({ name: `${name}.json`, data: text }); break;
      case 1: files.push({ name: `${name}.json.gz`, data: gzip(text) }); break;
      case 2: files.push({ name: `${name}.zip`, data: zipSync({ [`${name}.json.gz`]: gzip(text) }) }); break;
      default: files.push({ name: `${name}.eml`, data: reportMail([{ name: `${name}.json.gz`, bytes: gzip(text) }]) });
    }
  }
  files.splice(17, 0, { name: 'bad.pdf', data: u8('%PDF-1.7\n%âãÏÓ\n') });
  const progress = [];
  const s = await m.summarizeTlsRptReports(files, { onProgress: (p) => progress.push(p) });
  assert.equal(s.reports, 40);
  assert.deepEqual(s.totals, want);
  assert.deepEqual(errorsOf(s), [['bad.pdf', 'report.container.unknown']]);
  assert.equal(s.files.length, 41);
  assert.equal(s.files[17].source, 'bad.pdf');
  assert.equal(progress.length, 41);
  assert.deepEqual(progress.map((p) => p.done), Array.from({ length: 41 }, (_, i) => i + 1));
  assert.ok(progress.every((p) => p.total === 41));
  assert.equal(progress[17].source, 'bad.pdf');
  assert.equal(s.byDay.length, 10);
  assert.equal(s.byOrganization.length, 3);
});

test('1,000 small daily reports (a year from three reporters, as .json.gz) aggregate; the time is printed', async (t) => {
  const files = [];
  const want = { successful: 0, failed: 0 };
  const orgs = ['google.com', 'microsoft.com', 'sender.example'];
  for (let i = 0; i < 1000; i++) {
    const org = orgs[i % 3];
    const day = Math.floor(i / 3);
    const successful = 100 + (i % 50);
    const failed = i % 7;
    want.successful += successful;
    want.failed += failed;
    const start = BASE + day * DAY;
    files.push({ name: `${org}!example.com!${start}!${start + DAY - 1}.json.gz`,
      data: gzip(report({ org, id: `${org}-${day}`, day, successful, failed })) });
  }
  const t0 = performance.now();
  const s = await m.summarizeTlsRptReports(files);
  const ms = performance.now() - t0;
  assert.equal(s.reports, 1000);
  assert.equal(s.duplicates, 0);
  assert.deepEqual(s.totals, want);
  assert.equal(s.byDay.length, 334);
  assert.deepEqual(s.errors, []);
  t.diagnostic(`1,000 daily reports (.json.gz, ${files.reduce((a, f) => a + f.data.length, 0).toLocaleString('en-US')} bytes): ` +
    `summarizeTlsRptReports ${ms.toFixed(0)} ms`);
});
