#!/usr/bin/env node
// Lint benchmark for the WebAssembly module, plus the page's transfer size.
// It is a measurement, not a test: it prints figures and whether each bar of
// the issue is met, and exits 0 unless --check is given and a bar is missed.
//
//   node tools/bench-lint.mjs [--n=2000] [--warmup=200] [--json] [--check]
//
// Env: MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//      MTASTS_PAGE  the index.html to size (default dist/index.html, else web/index.html)
//
// Bars (issue): typical policy < 1 ms and 64 KB policy < 5 ms per call in
// Node (checked against the p95); .wasm <= 100 KB gzip; page total <= 150 KB gzip.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync, constants as zc } from 'node:zlib';
import { join, dirname, resolve, relative, extname, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus } from 'node:os';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.MTASTS_DIST ?? join(REPO, 'dist'));
const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) throw new Error(`unknown argument ${a}`);
  return [m[1], m[2] ?? true];
}));
const N = Number(args.n ?? 2000);
const WARMUP = Number(args.warmup ?? 200);
const KB = 1024;

// ---- inputs ---------------------------------------------------------------
const TYPICAL = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n';
function bigPolicy(limit = 64000) {
  let s = 'version: STSv1\nmode: enforce\nmax_age: 1209600\n';
  for (let i = 0; ; i++) {
    const line = `mx: mx${String(i).padStart(5, '0')}.mail.example.com\n`;
    if (Buffer.byteLength(s) + line.length > limit) break;
    s += line;
  }
  return s;
}
const BIG = bigPolicy();
const STS = 'v=STSv1; id=20240101T000000';
const TLSRPT = 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt';

// ---- timing ---------------------------------------------------------------
function bench(fn) {
  for (let i = 0; i < WARMUP; i++) fn();
  const us = new Float64Array(N);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const a = process.hrtime.bigint();
    fn();
    us[i] = Number(process.hrtime.bigint() - a) / 1e3;
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  us.sort();
  const q = (p) => us[Math.min(N - 1, Math.floor(p * N))];
  return { median_us: q(0.5), p95_us: q(0.95), max_us: us[N - 1], calls_per_s: N / total };
}

// ---- sizes ----------------------------------------------------------------
const gz = (buf) => gzipSync(buf, { level: zc.Z_BEST_COMPRESSION }).length;

/** Every local file the page loads: html, css, js/mjs (imports), wasm and json they name. */
function pageFiles(html) {
  const seen = new Set();
  const queue = [html];
  const local = (ref) => ref && !/^(?:[a-z]+:|\/\/|#)/i.test(ref);
  const add = (from, ref) => {
    if (!local(ref)) return;
    const clean = ref.split(/[?#]/)[0];
    const p = clean.startsWith('/') ? join(dirname(html), clean) : resolve(dirname(from), clean);
    if (existsSync(p) && statSync(p).isFile() && !seen.has(p)) queue.push(p);
  };
  while (queue.length) {
    const f = queue.shift();
    if (seen.has(f)) continue;
    seen.add(f);
    const ext = extname(f);
    if (!['.html', '.css', '.js', '.mjs'].includes(ext)) continue;
    const text = readFileSync(f, 'utf8');
    if (ext === '.html') {
      for (const m of text.matchAll(/<(?:script|link|img|source|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)) add(f, m[1]);
      for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) scanJs(f, m[1], add);
    } else if (ext === '.css') {
      for (const m of text.matchAll(/@import\s+(?:url\()?\s*["']?([^"')\s;]+)/g)) add(f, m[1]);
      for (const m of text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) add(f, m[1]);
    } else {
      scanJs(f, text, add);
      // Emscripten glue names its .wasm as a string; count any sibling asset a script names.
      const code = stripJsComments(text);
      for (const sib of readdirSync(dirname(f))) {
        if (sib.endsWith('.d.ts')) continue;
        if (['.wasm', '.js', '.mjs', '.json', '.css'].includes(extname(sib)) && new RegExp(`["'\`/]${sib.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["'\`]`).test(code)) add(f, sib);
      }
    }
  }
  return [...seen];
}
/** Drops comments (a JSDoc `import('./x.d.ts')` type is not a load). */
function stripJsComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[\s;{}(),])\/\/[^\n]*/g, '$1');
}
function scanJs(from, raw, add) {
  const text = stripJsComments(raw);
  for (const m of text.matchAll(/\b(?:import|export)\s[^'"`;]*?\sfrom\s*["']([^"']+)["']/g)) add(from, m[1]);
  for (const m of text.matchAll(/\bimport\s*["']([^"']+)["']/g)) add(from, m[1]);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) add(from, m[1]);
  for (const m of text.matchAll(/new\s+URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g)) add(from, m[1]);
  for (const m of text.matchAll(/\bfetch\(\s*["']([^"']+)["']/g)) add(from, m[1]);
}

// ---- run ------------------------------------------------------------------
const entry = join(DIST, 'mtasts.mjs');
if (!existsSync(entry)) {
  console.error(`${entry} does not exist: build dist first (or set MTASTS_DIST)`);
  process.exit(2);
}
const t0 = performance.now();
const { load } = await import(pathToFileURL(entry).href);
const m = await load();
const loadMs = performance.now() - t0;

// sanity: the inputs lint as expected, so we time real work
const check = (r, what) => { if (!r || typeof r.valid !== 'boolean') throw new Error(`${what}: no result`); return r; };
const rTyp = check(m.lintPolicy(TYPICAL), 'typical');
const rBig = check(m.lintPolicy(BIG), '64 KB');
if (!rTyp.valid || !rBig.valid) console.warn('warning: a benchmark policy is not valid:', JSON.stringify([rTyp.findings, rBig.findings.slice(0, 3)]));

const cases = [
  ['policy, typical', Buffer.byteLength(TYPICAL), () => m.lintPolicy(TYPICAL), 1000],
  [`policy, 64 KB (${rBig.policy?.mx.length ?? '?'} mx)`, Buffer.byteLength(BIG), () => m.lintPolicy(BIG), 5000],
  ['policy, 64 KB as Uint8Array', Buffer.byteLength(BIG), ((b) => () => m.lintPolicy(b))(new TextEncoder().encode(BIG)), null],
  ['TXT _mta-sts', STS.length, () => m.lintStsRecord(STS), null],
  ['TXT _smtp._tls', TLSRPT.length, () => m.lintTlsRptRecord(TLSRPT), null],
  ['mxMatches', 0, () => m.mxMatches('*.mail.example.net', 'MX7.mail.example.net.'), null],
];
const results = cases.map(([name, bytes, fn, barUs]) => ({ name, bytes, ...bench(fn), bar_us: barUs }));

const wasm = readdirSync(DIST).filter((f) => f.endsWith('.wasm')).map((f) => {
  const buf = readFileSync(join(DIST, f));
  return { file: relative(REPO, join(DIST, f)), bytes: buf.length, gzip: gz(buf) };
});
const pagePath = process.env.MTASTS_PAGE ? resolve(process.env.MTASTS_PAGE)
  : [join(DIST, 'index.html'), join(REPO, 'web', 'index.html')].find((p) => existsSync(p));
const page = pagePath ? pageFiles(pagePath).map((f) => {
  const buf = readFileSync(f);
  return { file: relative(REPO, f), bytes: buf.length, gzip: gz(buf) };
}) : [];
const pageTotal = page.reduce((a, f) => a + f.gzip, 0);

const bars = [
  ...results.filter((r) => r.bar_us).map((r) => ({ bar: `${r.name}: p95 < ${r.bar_us / 1000} ms`, value: `${(r.p95_us / 1000).toFixed(3)} ms`, met: r.p95_us < r.bar_us })),
  ...wasm.map((w) => ({ bar: `${basename(w.file)} <= 100 KB gzip`, value: `${(w.gzip / KB).toFixed(1)} KB`, met: w.gzip <= 100 * KB })),
  { bar: 'page total <= 150 KB gzip', value: pagePath ? `${(pageTotal / KB).toFixed(1)} KB` : 'no index.html found', met: pagePath ? pageTotal <= 150 * KB : null },
];

const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  nproc: cpus().length,
  platform: `${process.platform} ${process.arch}`,
  module_version: m.version,
};

if (args.json) {
  console.log(JSON.stringify({ machine, n: N, warmup: WARMUP, load_ms: loadMs, results, wasm, page: { html: pagePath && relative(REPO, pagePath), files: page, gzip_total: pageTotal }, bars }, null, 2));
} else {
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`mtasts ${m.version}  node ${machine.node}  ${machine.cpu} x${machine.nproc}`);
  console.log(`load(): ${loadMs.toFixed(1)} ms (import + instantiate)   N=${N} after ${WARMUP} warm-up calls\n`);
  console.log(`${pad('call', 34)}${lpad('bytes', 8)}${lpad('median µs', 12)}${lpad('p95 µs', 10)}${lpad('max µs', 10)}${lpad('calls/s', 12)}`);
  for (const r of results) {
    console.log(`${pad(r.name, 34)}${lpad(r.bytes || '', 8)}${lpad(r.median_us.toFixed(1), 12)}${lpad(r.p95_us.toFixed(1), 10)}${lpad(r.max_us.toFixed(0), 10)}${lpad(Math.round(r.calls_per_s).toLocaleString('en-US'), 12)}`);
  }
  console.log(`\n${pad('file (dist/*.wasm)', 50)}${lpad('bytes', 10)}${lpad('gzip', 10)}`);
  for (const w of wasm) console.log(`${pad(w.file, 50)}${lpad(w.bytes, 10)}${lpad(w.gzip, 10)}`);
  console.log(`\n${pad(`page: ${pagePath ? relative(REPO, pagePath) : '(no index.html)'} and what it loads`, 50)}${lpad('bytes', 10)}${lpad('gzip', 10)}`);
  for (const f of page) console.log(`${pad(f.file, 50)}${lpad(f.bytes, 10)}${lpad(f.gzip, 10)}`);
  console.log(`${pad('total', 50)}${lpad(page.reduce((a, f) => a + f.bytes, 0), 10)}${lpad(pageTotal, 10)}`);
  console.log('\nbars:');
  for (const b of bars) console.log(`  ${b.met === null ? 'n/a ' : b.met ? 'met ' : 'MISS'}  ${pad(b.bar, 44)} ${b.value}`);
}
if (args.check && bars.some((b) => b.met === false)) process.exit(1);
