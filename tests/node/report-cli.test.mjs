// Node tests of `mtasts report FILE... [--json]`, the native CLI's TLS-RPT
// report viewer (docs/REPORTS.md, "The CLI"; tools/cli/report_files.cpp).
//
// Run:   node --test tests/node/report-cli.test.mjs
// Env:   MTASTS_CLI  the native CLI (default <repo>/build/native/tools/mtasts;
//                    every test is skipped, with the reason, when it is absent)
//
// What is checked:
//  - every case of tests/fixtures/reports/ (loadCases): the CLI run with --json
//    in the case's files/ folder, on the files' base names in sorted order,
//    matches the case's hand-computed expect.json (compareSummary), and exits
//    1 exactly when the case expects an error;
//  - the text output names the totals, the success rate and a result type's fix;
//  - the exit statuses: 0 every file read, 1 some file not read, 2 usage;
//  - the containers, made here in a temporary folder: gzip, zip (entries in
//    folders, skipped entries, a gzip entry), e-mail (an attachment with and
//    without a file name, a JSON body), garbage, an empty file, a missing
//    file, standard input, a cut zip;
//  - a 20 MB report (its time and the CLI's peak memory are reported);
//  - decompression bombs (gzip, zip, a gzip inside a zip, too many entries, a
//    file over the limit): each stops with report.container.too_large, the
//    other files still count, and the CLI's peak resident memory stays under
//    PEAK_LIMIT_MIB (measured with /usr/bin/time -v, or /proc/<pid>/status);
//  - robustness: truncated and garbled gzip, zip and e-mail files, all in one
//    run: no crash, valid JSON, every file accounted for.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { loadCases, compareSummary } from '../support/report-fixtures.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = resolve(process.env.MTASTS_CLI ?? join(REPO, 'build', 'native', 'tools', 'mtasts'));
const skip = existsSync(CLI) ? false : `no CLI at ${CLI} (build it, or set MTASTS_CLI)`;

const MiB = 1024 * 1024;
/** limits.h: report_file_max_bytes, report_archive_entries. */
const FILE_MAX = 64 * MiB;
const ARCHIVE_ENTRIES = 1000;
/**
 * The most the CLI may hold for a bomb: the budget (64 MiB) once, plus the
 * growth of the string that collects it and the program itself. Measured
 * about 72 MiB (see the diagnostics); a reader that kept inflating would
 * pass it.
 */
const PEAK_LIMIT_MIB = 200;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const work = mkdtempSync(join(tmpdir(), 'mtasts-report-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// Running the CLI

/** Runs the CLI; stdout as text, the status, and the time it took. */
function run(args, { cwd = work, input } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(CLI, args, { cwd, input, encoding: 'utf8', maxBuffer: 512 * MiB });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms };
}

/** Runs `report ... --json` and parses the aggregate. */
function report(files, opts) {
  const r = run(['report', '--json', ...files], opts);
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
  let summary;
  try {
    summary = JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`stdout is not JSON (${e.message}): ${r.stdout.slice(0, 300)} ${r.stderr}`);
  }
  return { ...r, summary };
}

/**
 * Runs the CLI and measures its peak resident memory (KiB): /usr/bin/time -v
 * when present, else /proc/<pid>/status VmHWM polled until it exits.
 */
async function runMeasured(args, { cwd = work } = {}) {
  const t0 = process.hrtime.bigint();
  if (TIME) {
    const r = spawnSync(TIME, ['-v', CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 512 * MiB });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    // time(1) reports a child killed by a signal in its own status line.
    const killed = /Command terminated by signal (\d+)/.exec(r.stderr);
    const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : null;
    return { status: r.status, signal: killed ? `signal ${killed[1]}` : r.signal, stdout: r.stdout, stderr: r.stderr,
      ms, cpuMs, peakKiB: m ? Number(m[1]) : null, how: '/usr/bin/time -v' };
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(CLI, args, { cwd });
    let stdout = '', stderr = '', peakKiB = null;
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB ?? 0, Number(m[1]));
      } catch { /* exited */ }
    }, 2);
    child.on('error', (e) => { clearInterval(poll); reject(e); });
    child.on('close', (status, signal) => {
      clearInterval(poll);
      resolvePromise({ status, signal, stdout, stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: null,
        peakKiB, how: '/proc VmHWM (polled)' });
    });
  });
}

const mib = (kib) => (kib / 1024).toFixed(1);
/** "812 ms (CPU 640 ms), peak RSS 71.6 MiB (/usr/bin/time -v)" */
const measured = (r) => `${r.ms.toFixed(0)} ms${r.cpuMs === null ? '' : ` (CPU ${r.cpuMs.toFixed(0)} ms)`}, peak RSS ` +
  `${r.peakKiB === null ? 'not measured' : `${mib(r.peakKiB)} MiB`} (${r.how})`;

// ---------------------------------------------------------------------------
// Making reports and containers

let serial = 0;
/**
 * An RFC 8460 report: `ok` successful and `fail` failed sessions on `day`,
 * the failures `type` at `mx`.
 */
function makeReport({ org = 'Test Sender', id, day = '2026-11-30', ok = 10, fail = 0, mx = 'mx1.example.com',
  type = 'certificate-expired', details } = {}) {
  serial += 1;
  return {
    'organization-name': org,
    'date-range': { 'start-datetime': `${day}T00:00:00Z`, 'end-datetime': `${day}T23:59:59Z` },
    'contact-info': 'tlsrpt@sender.example',
    'report-id': id ?? `report-${serial}`,
    policies: [{
      policy: {
        'policy-type': 'sts',
        'policy-string': ['version: STSv1', 'mode: testing', 'mx: mx1.example.com', 'max_age: 604800'],
        'policy-domain': 'example.com',
        'mx-host': ['mx1.example.com'],
      },
      summary: { 'total-successful-session-count': ok, 'total-failure-session-count': fail },
      'failure-details': details ?? (fail ? [{
        'result-type': type, 'sending-mta-ip': '192.0.2.1', 'receiving-mx-hostname': mx,
        'receiving-ip': '198.51.100.1', 'failed-session-count': fail,
      }] : []),
    }],
  };
}
const json = (r) => strToU8(JSON.stringify(r));

/** Writes `bytes` to `name` in a fresh folder; returns the folder. */
function folder(files) {
  const dir = mkdtempSync(join(work, 'case-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

/** A MIME message: headers, then parts {type, body (string or bytes), filename?, disposition?, base64?}. */
function mail(parts, { boundary = 'b0undary-tlsrpt' } = {}) {
  const head = [
    'Return-Path: <tlsrpt@sender.example>',
    'From: tlsrpt@sender.example',
    'To: tlsrpt@example.com',
    'Subject: Report Domain: example.com Submitter: sender.example',
    'TLS-Report-Domain: example.com',
    'MIME-Version: 1.0',
  ];
  const partText = (p) => {
    const lines = [`Content-Type: ${p.type}`];
    if (p.filename) lines.push(`Content-Disposition: ${p.disposition ?? 'attachment'}; filename="${p.filename}"`);
    else if (p.disposition) lines.push(`Content-Disposition: ${p.disposition}`);
    let body = p.body;
    if (p.base64) {
      lines.push('Content-Transfer-Encoding: base64');
      body = Buffer.from(body).toString('base64').replace(/.{76}/g, '$&\r\n');
    } else {
      lines.push('Content-Transfer-Encoding: 7bit');
    }
    return `${lines.join('\r\n')}\r\n\r\n${body}\r\n`;
  };
  if (parts.length === 1) return strToU8(`${head.join('\r\n')}\r\n${partText(parts[0])}`);
  return strToU8(`${head.join('\r\n')}\r\nContent-Type: multipart/report; report-type="tlsrpt"; boundary="${boundary}"\r\n\r\n` +
    'This is a multipart message in MIME format.\r\n\r\n' +
    parts.map((p) => `--${boundary}\r\n${partText(p)}`).join('') + `--${boundary}--\r\n`);
}

const sources = (s) => s.files.map((f) => [f.source, f.status]);
const errorCodes = (s) => s.errors.map((e) => [e.source, e.code]);

// ---------------------------------------------------------------------------

describe('mtasts report: the fixture cases (tests/fixtures/reports)', { skip }, () => {
  const cases = skip ? [] : loadCases();
  if (!skip) assert.ok(cases.length > 0, 'no fixture case found');
  for (const c of cases) {
    test(c.name, () => {
      const names = c.files.map((f) => f.name).sort();
      const r = report(names, { cwd: join(c.dir, 'files') });
      assert.deepEqual(compareSummary(r.summary, c.expect), [], `${c.name}: ${r.stderr}`);
      assert.equal(r.summary.schema, 1);
      assert.equal(r.summary.kind, 'tlsrpt-summary');
      const unread = (c.expect.errors ?? r.summary.errors).length;
      assert.equal(r.status, unread ? 1 : 0, `exit status with ${unread} file(s) not read`);
      // The same files as text: the same exit status, and the totals.
      const t = run(['report', ...names], { cwd: join(c.dir, 'files') });
      assert.equal(t.status, unread ? 1 : 0, t.stderr);
      assert.match(t.stdout, new RegExp(`${r.summary.totals.successful} successful`));
    });
  }
});

describe('mtasts report: the text for people', { skip }, () => {
  test('names the totals, the success rate, the period, a result type with its meaning and fix, and the reporters', () => {
    const day1 = makeReport({ org: 'Sender One', day: '2026-11-29', ok: 90, fail: 6, type: 'certificate-expired' });
    const day2 = makeReport({ org: 'Sender Two', day: '2026-11-30', ok: 100, fail: 4, mx: 'MX2.example.com.',
      type: 'starttls-not-supported' });
    const dir = folder({ 'one.json': json(day1), 'two.json.gz': gzipSync(json(day2)), 'dup.json': json(day1) });
    const files = ['one.json', 'two.json.gz', 'dup.json'];
    const { summary } = report(files, { cwd: dir });
    const r = run(['report', ...files], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /200: 190 successful, 10 failed/);
    assert.match(out, /95\.00%/);
    assert.match(out, /2026-11-29T00:00:00Z to 2026-11-30T23:59:59Z/);
    assert.match(out, /2 reports counted, 1 duplicate counted once/);
    assert.match(out, /Sender One/);
    assert.match(out, /Sender Two/);
    assert.match(out, /mx2\.example\.com/);  // lower-cased, no final dot (docs/REPORTS.md)
    const expired = summary.byResultType.find((t) => t.resultType === 'certificate-expired');
    assert.ok(expired?.fix, 'the JSON explains certificate-expired');
    assert.ok(out.includes(expired.fix), `the text gives the fix: ${expired.fix}`);
    assert.ok(out.includes(expired.meaning), 'the text gives the meaning');
    assert.match(out, /Duplicates \(counted once\)\n  dup\.json: .*counted from one\.json/);
    assert.doesNotMatch(out, /\x1b\[/, 'no colour when stdout is not a terminal');
  });

  test('lists each file not read with its code, compiler-style, and the reports\' warnings', () => {
    const odd = makeReport({ ok: 5 });
    odd.policies[0].summary['total-successful-session-count'] = '5';  // report.count.string, a warning
    const dir = folder({ 'a.json': json(odd), 'notes.txt': 'just some notes\n' });
    const r = run(['report', 'a.json', 'notes.txt'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^  notes\.txt: error: .*\[report\.container\.unknown\]$/m);
    assert.match(r.stdout, /^  a\.json(:\d+:\d+)?: warning: .*\[report\.count\.string\]$/m);
  });
});

describe('mtasts report: exit statuses', { skip }, () => {
  const good = folder({ 'good.json': json(makeReport()), 'junk.bin': new Uint8Array([0, 1, 2, 3, 4, 5]) });
  test('0 when every file was read', () => {
    assert.equal(run(['report', 'good.json'], { cwd: good }).status, 0);
    assert.equal(run(['report', '--json', 'good.json'], { cwd: good }).status, 0);
  });
  test('1 when some file could not be read; the others still count', () => {
    const r = report(['junk.bin', 'good.json'], { cwd: good });
    assert.equal(r.status, 1);
    assert.deepEqual(sources(r.summary), [['junk.bin', 'error'], ['good.json', 'read']]);
    assert.equal(r.summary.totals.successful, 10);
  });
  test('1 for a missing file, named in its error', () => {
    const r = report(['nowhere.json', 'good.json'], { cwd: good });
    assert.equal(r.status, 1);
    assert.equal(r.summary.errors.length, 1);
    assert.equal(r.summary.errors[0].source, 'nowhere.json');
    assert.match(r.summary.errors[0].message, /nowhere\.json/);
  });
  test('2 for a usage error: no file, an unknown option', () => {
    for (const args of [['report'], ['report', '--json'], ['report', '--frobnicate', 'good.json']]) {
      const r = run(args, { cwd: good });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /usage: /);
      assert.equal(r.stdout, '');
    }
  });
  test('-- ends the options', () => {
    const dir = folder({ '--odd.json': json(makeReport()) });
    const r = report(['--', '--odd.json'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(sources(r.summary), [['--odd.json', 'read']]);
  });
});

describe('mtasts report: containers, told by their content', { skip }, () => {
  test('gzip (a .json.gz, and a gzip under another name)', () => {
    const dir = folder({ 'r.json.gz': gzipSync(json(makeReport({ ok: 7, fail: 1 }))),
      'report.bin': gzipSync(json(makeReport({ ok: 3 }))) });
    const r = report(['r.json.gz', 'report.bin'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(sources(r.summary), [['r.json.gz', 'read'], ['report.bin', 'read']]);
    assert.deepEqual(r.summary.totals, { successful: 10, failed: 1 });
  });

  test('gzip: several members are read as one text; a wrong CRC-32 is damage', () => {
    const text = JSON.stringify(makeReport({ ok: 6 }));
    const multi = Buffer.concat([gzipSync(text.slice(0, 50)), gzipSync(text.slice(50))]);
    const crc = Buffer.from(gzipSync(json(makeReport({ ok: 1 }))));
    crc[crc.length - 8] ^= 0x01;
    const dir = folder({ 'multi.json.gz': multi, 'crc.json.gz': crc });
    const r = report(['multi.json.gz', 'crc.json.gz'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.deepEqual(sources(r.summary), [['multi.json.gz', 'read'], ['crc.json.gz', 'error']]);
    assert.deepEqual(errorCodes(r.summary), [['crc.json.gz', 'report.container.corrupt']]);
    assert.equal(r.summary.totals.successful, 6);
  });

  test('text is read as UTF-8 the way TextDecoder reads it: a bad byte becomes U+FFFD', () => {
    const [before, after] = JSON.stringify(makeReport({ org: '@ORG@', ok: 1 })).split('@ORG@');
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0x41, 0xc3, 0x28, 0xe2, 0x82, 0x42]), Buffer.from(after)]);
    const dir = folder({ 'latin.json': bytes });
    const r = report(['latin.json'], { cwd: dir });
    assert.equal(r.status, 0, JSON.stringify(r.summary.errors));
    assert.equal(r.summary.files[0].organization, `A\uFFFD(\uFFFDB`);
    assert.equal(r.summary.files[0].organization, new TextDecoder().decode(Uint8Array.from([0x41, 0xc3, 0x28, 0xe2, 0x82, 0x42])));
  });

  test('JSON with a BOM and leading whitespace', () => {
    const dir = folder({ 'bom.json': Buffer.concat([Buffer.from('\uFEFF \r\n\t'), json(makeReport({ ok: 2 }))]) });
    const r = report(['bom.json'], { cwd: dir });
    assert.equal(r.status, 0, JSON.stringify(r.summary.errors));
    assert.deepEqual(r.summary.totals, { successful: 2, failed: 0 });
  });

  test('zip: JSON and gzip entries (in folders too) are reports, other entries are skipped', () => {
    const zip = zipSync({
      'a.json': json(makeReport({ ok: 1 })),
      'sub/b.json.gz': [gzipSync(json(makeReport({ ok: 2, fail: 2 }))), { level: 0 }],
      'README.txt': strToU8('not a report'),
      'c.json': [json(makeReport({ ok: 4 })), { level: 9 }],
    });
    const dir = folder({ 'reports.zip': zip, 'empty.zip': zipSync({}), 'text-only.zip': zipSync({ 'a.txt': strToU8('hello') }) });
    const r = report(['reports.zip', 'empty.zip', 'text-only.zip'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.deepEqual(sources(r.summary), [
      ['reports.zip/a.json', 'read'], ['reports.zip/sub/b.json.gz', 'read'], ['reports.zip/c.json', 'read'],
      ['empty.zip', 'error'], ['text-only.zip', 'error'],
    ]);
    assert.deepEqual(errorCodes(r.summary), [['empty.zip', 'report.container.empty'], ['text-only.zip', 'report.container.empty']]);
    assert.deepEqual(r.summary.totals, { successful: 7, failed: 2 });
  });

  test('zip: a cut archive is corrupt, and what was read before the cut still counts', () => {
    const a = json(makeReport({ ok: 1 }));
    const zip = zipSync({ 'a.json': [a, { level: 0 }], 'b.json': [json(makeReport({ ok: 2 })), { level: 0 }] });
    const dir = folder({ 'cut.zip': zip.subarray(0, zip.length - 30) });
    const r = report(['cut.zip'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.deepEqual(r.summary.errors.map((e) => e.code), ['report.container.corrupt']);
    assert.match(r.summary.errors[0].message, /cut\.zip/);
  });

  test('e-mail: a gzip attachment, a JSON attachment without a name, a nested message not opened', () => {
    const gz = gzipSync(json(makeReport({ ok: 20, fail: 1 })));
    const eml = mail([
      { type: 'text/plain; charset="us-ascii"', body: 'This is an aggregate TLS report from sender.example' },
      { type: 'application/tlsrpt+gzip', filename: 'sender.example!example.com!1795996800!1796083199.json.gz', body: gz, base64: true },
      { type: 'application/tlsrpt+json', body: JSON.stringify(makeReport({ ok: 5 })), base64: true },
      { type: 'message/rfc822', body: 'From: x@example.com\r\nSubject: inner\r\n\r\n' + JSON.stringify(makeReport({ ok: 1000 })) },
    ]);
    const dir = folder({ 'report.eml': eml });
    const r = report(['report.eml'], { cwd: dir });
    assert.equal(r.status, 0, JSON.stringify(r.summary.errors));
    assert.deepEqual(sources(r.summary), [
      ['report.eml/sender.example!example.com!1795996800!1796083199.json.gz', 'read'],
      ['report.eml/attachment-2', 'read'],
    ]);
    assert.deepEqual(r.summary.totals, { successful: 25, failed: 1 });
  });

  test('e-mail: the report as the body; a mail with no report is empty', () => {
    const body = mail([{ type: 'text/plain; charset=utf-8', body: JSON.stringify(makeReport({ ok: 9 }), null, 2) }]);
    const none = mail([{ type: 'text/plain', body: 'Hello, no report here.' }]);
    const dir = folder({ 'body.eml': body, 'none.eml': none });
    const r = report(['body.eml', 'none.eml'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.deepEqual(sources(r.summary), [['body.eml/body', 'read'], ['none.eml', 'error']]);
    assert.deepEqual(errorCodes(r.summary), [['none.eml', 'report.container.empty']]);
  });

  test('garbage, an empty file and an HTML page are unknown, each named; the others still load', () => {
    const dir = folder({
      'garbage.bin': Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251),
      'empty.json': new Uint8Array(0),
      'page.html': strToU8('<!DOCTYPE html><html><body>hi</body></html>'),
      'ok.json': json(makeReport({ ok: 3 })),
    });
    const r = report(['garbage.bin', 'empty.json', 'page.html', 'ok.json'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.deepEqual(errorCodes(r.summary), [
      ['garbage.bin', 'report.container.unknown'], ['empty.json', 'report.container.unknown'],
      ['page.html', 'report.container.unknown'],
    ]);
    for (const e of r.summary.errors) assert.ok(e.message.includes(e.source), `${e.source}: ${e.message}`);
    assert.equal(r.summary.reports, 1);
  });

  test('standard input: -', () => {
    const r = report(['-'], { input: gzipSync(json(makeReport({ ok: 11 }))) });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(sources(r.summary), [['<stdin>', 'read']]);
    assert.deepEqual(r.summary.totals, { successful: 11, failed: 0 });
  });
});

describe('mtasts report: size', { skip }, () => {
  test('a 20 MB report', async (t) => {
    // 20 MB of failure details: 1 detail per sending IP, 80,000 of them or so.
    const details = [];
    let failed = 0;
    const base = makeReport({ ok: 1000000, fail: 0, details: [] });
    let size = JSON.stringify(base).length;
    for (let i = 0; size < 20 * 1000 * 1000; i += 1) {
      const d = {
        'result-type': i % 3 ? 'certificate-expired' : 'starttls-not-supported',
        'sending-mta-ip': `2001:db8:${(i >> 16) & 0xffff}:${i & 0xffff}::1`,
        'receiving-mx-hostname': `mx${i % 4}.example.com`, 'receiving-mx-helo': `mx${i % 4}.example.com`,
        'receiving-ip': '198.51.100.1', 'failed-session-count': 1 + (i % 5),
        'additional-information': 'https://sender.example/tlsrpt/details', 'failure-reason-code': 'X509_V_ERR_CERT_HAS_EXPIRED',
      };
      failed += d['failed-session-count'];
      details.push(d);
      size += JSON.stringify(d).length + 1;
    }
    base.policies[0]['failure-details'] = details;
    base.policies[0].summary['total-failure-session-count'] = failed;
    const text = JSON.stringify(base);
    const dir = folder({ 'big.json': text, 'big.json.gz': gzipSync(text) });
    for (const name of ['big.json', 'big.json.gz']) {
      const r = await runMeasured(['report', name, '--json'], { cwd: dir });
      assert.equal(r.status, 0, r.stderr.slice(0, 500));
      const s = JSON.parse(r.stdout);
      assert.deepEqual(s.totals, { successful: 1000000, failed });
      assert.equal(s.byMx.length, 4);
      assert.equal(s.bySendingIp.length, details.length);
      t.diagnostic(`${name}: ${(text.length / 1e6).toFixed(1)} MB of JSON, ${details.length} failure details: ${measured(r)}`);
    }
  });

  test('a file over the limit as given is refused unread', async (t) => {
    const big = Buffer.alloc(FILE_MAX + 1, 0x20);
    big[0] = 0x7b;
    const dir = folder({ 'huge.json': big, 'ok.json': json(makeReport()) });
    const r = await runMeasured(['report', 'huge.json', 'ok.json', '--json'], { cwd: dir });
    assert.equal(r.status, 1);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(errorCodes(s), [['huge.json', 'report.container.too_large']]);
    assert.equal(s.reports, 1);
    t.diagnostic(`64 MiB + 1 byte: ${measured(r)}`);
    if (r.peakKiB !== null) assert.ok(r.peakKiB < PEAK_LIMIT_MIB * 1024, `peak RSS ${mib(r.peakKiB)} MiB`);
  });

  test('standard input over the limit is read up to it, then refused', async (t) => {
    const big = Buffer.alloc(FILE_MAX + 1, 0x20);
    big[0] = 0x7b;
    const r = report(['-'], { input: big });
    assert.equal(r.status, 1);
    assert.deepEqual(errorCodes(r.summary), [['<stdin>', 'report.container.too_large']]);
    t.diagnostic(`64 MiB + 1 byte on standard input: ${r.ms.toFixed(0)} ms`);
  });
});

describe('mtasts report: decompression bombs stop at the limit, in bounded memory', { skip }, () => {
  // 80 MiB of JSON-looking text ({" then spaces): more than the 64 MiB budget
  // of one file, and deflate shrinks it about a thousand times.
  const payload = Buffer.alloc(80 * MiB, 0x20);
  payload.write('{"organization-name": "bomb", "x": "', 0);
  const gz = gzipSync(payload, { level: 9 });
  const bombs = {
    'bomb.json.gz': gz,                                                   // a bare gzip stream
    'bomb.zip': zipSync({ 'bomb.json': [payload, { level: 9 }] }),       // one deflated entry
    'zeros.zip': zipSync({ 'zeros.bin': [new Uint8Array(80 * MiB), { level: 9 }] }),  // an entry that is not a report
    'double.zip': zipSync({ 'r.json.gz': [gz, { level: 9 }] }),          // a gzip in a zip: a few KB
    'double.eml': mail([{ type: 'application/tlsrpt+gzip', filename: 'r.json.gz', body: gz, base64: true }]),
    'entries.zip': zipSync(Object.fromEntries(Array.from({ length: ARCHIVE_ENTRIES + 1 },
      (_, i) => [`e${i}.txt`, strToU8('x')]))),
  };
  const dir = skip ? work : folder({ ...bombs, 'ok.json': json(makeReport({ ok: 42 })) });

  for (const [name, bytes] of Object.entries(bombs)) {
    test(`${name} (${bytes.length.toLocaleString('en-US')} bytes)`, async (t) => {
      const r = await runMeasured(['report', name, 'ok.json', '--json'], { cwd: dir });
      assert.equal(r.signal ?? null, null, r.stderr.slice(0, 300));
      assert.equal(r.status, 1, r.stderr.slice(0, 300));
      const s = JSON.parse(r.stdout);
      assert.deepEqual(errorCodes(s), [[name, 'report.container.too_large']]);
      assert.match(s.errors[0].message, new RegExp(name.replace('.', '\\.')));
      assert.equal(s.totals.successful, 42, 'the other file still counts');
      t.diagnostic(`${name}: ${bytes.length} bytes: ${measured(r)}`);
      if (r.peakKiB !== null) assert.ok(r.peakKiB < PEAK_LIMIT_MIB * 1024, `peak RSS ${mib(r.peakKiB)} MiB`);
    });
  }
});

describe('mtasts report: truncated and garbled containers never crash it', { skip }, () => {
  test('gzip, zip and e-mail, cut at many lengths and with bytes changed, in one run', () => {
    let seed = 0x2545f491;
    const random = () => {  // xorshift32: the same cases on every run
      seed ^= seed << 13; seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5; seed >>>= 0;
      return seed / 2 ** 32;
    };
    const a = json(makeReport({ ok: 3, fail: 1 }));
    const gz = gzipSync(a);
    const originals = {
      gz,
      zip: zipSync({ 'a.json': a, 'b.json.gz': [gz, { level: 0 }], 'c.txt': strToU8('notes') }),
      eml: mail([
        { type: 'text/plain', body: 'report attached' },
        { type: 'application/tlsrpt+gzip', filename: 'r.json.gz', body: gz, base64: true },
        { type: 'application/tlsrpt+json', filename: 'r.json', body: a, base64: false },
      ]),
    };
    const files = {};
    for (const [kind, bytes] of Object.entries(originals)) {
      for (let k = 1; k <= 24; k += 1) {
        const cut = Math.max(1, Math.floor((bytes.length * k) / 25));
        files[`cut-${kind}-${cut}.${kind}`] = bytes.subarray(0, cut);
      }
      for (let k = 0; k < 40; k += 1) {
        const b = Uint8Array.from(bytes);
        const n = 1 + Math.floor(random() * 8);
        for (let j = 0; j < n; j += 1) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
        files[`flip-${kind}-${k}.${kind}`] = b;
      }
    }
    const dir = folder(files);
    const names = Object.keys(files).sort();
    const r = report(names, { cwd: dir });
    assert.ok(r.status === 0 || r.status === 1, `status ${r.status}: ${r.stderr}`);
    for (const name of names) {
      const mine = r.summary.files.filter((f) => f.source === name || f.source.startsWith(`${name}/`));
      assert.ok(mine.length >= 1, `${name} is accounted for`);
    }
    for (const e of r.summary.errors) assert.match(e.code, /^report\./);
    const text = run(['report', ...names], { cwd: dir });
    assert.ok(text.status === 0 || text.status === 1, `text: status ${text.status} ${text.signal}: ${text.stderr}`);
  });
});
