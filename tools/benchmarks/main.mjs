#!/usr/bin/env node
// ./tools/bench's figures, printed side by side with mailauth 7.1.0 and with a
// sequential checker (docs/BENCHMARKS.md). A measurement, not a test: the
// size budgets are tests/e2e/size.test.mjs.
//
//   node tools/benchmarks/main.mjs [--only=lint,check,browser,reports,cli] [--quick] [--json]
//
//   lint     time per lint call on tools/benchmarks/corpus: ours (wasm, native), mailauth lax and strict
//   check    checkDomain wall time with every response delayed 0, 50 and 200 ms; a sequential
//            replay of the same requests; mailauth's getPolicy
//   browser  the page's first visit in headless Chromium (transfer, compile and instantiate,
//            first lint result) and the widget's cost to a host page before and after it shows
//   reports  TLS-RPT reports: 1,000 daily reports (gzip) and one 10 MB report through
//            summarizeTlsRptReports in Node, and opened in the page's Reports view in Chromium
//   cli      only when asked for (--only=cli; about 10 minutes): the native `mtasts check` over
//            1,000 generated domains against live loopback servers with every answer delayed
//            50 ms, with the default --jobs and with --jobs 1: wall times, their ratio, peak RSS
//            (cli-bulk.mjs; --quick: 100 domains)
//   --quick  fewer rounds and runs (to try things; not for the figures in the docs)
//   --json   everything as one JSON object
//
// Env: MTASTS_DIST, MTASTS_NATIVE_BUILD (see common.mjs). Sections run one
// after another, never at the same time.
import { benchLint } from './lint.mjs';
import { benchCheck } from './check.mjs';
import { benchBrowser } from './browser.mjs';
import { benchReportsBrowser, benchReportsNode } from './reports.mjs';
import { DIST, KB, machine, num, table } from './common.mjs';

const SECTIONS = ['lint', 'check', 'browser', 'reports'];
/** Sections run only when --only names them (they take long). */
const OPTIONAL = ['cli'];
const args = { only: SECTIONS, quick: false, json: false };
for (const a of process.argv.slice(2)) {
  const m = /^--(only|quick|json)(?:=(.*))?$/.exec(a);
  if (!m) {
    process.stderr.write(`bench: unknown argument ${a}\nusage: ./tools/bench [--only=${[...SECTIONS, ...OPTIONAL].join(',')}] [--quick] [--json]\n`);
    process.exit(2);
  }
  if (m[1] === 'only') {
    args.only = (m[2] ?? '').split(',').filter(Boolean);
    const bad = args.only.filter((s) => !SECTIONS.includes(s) && !OPTIONAL.includes(s));
    if (bad.length || !args.only.length) { process.stderr.write(`bench: --only takes ${[...SECTIONS, ...OPTIONAL].join(', ')}\n`); process.exit(2); }
  } else args[m[1]] = true;
}

const q = args.quick;
const out = { machine: machine(), started: new Date().toISOString(), dist: DIST };
const say = (s = '') => { if (!args.json) process.stdout.write(`${s}\n`); };
const m0 = out.machine;
say(`mtasts bench, ${out.started}: ${m0.nproc} CPUs (${m0.cpu}), Node ${m0.node}, load average ${m0.load1} (1 min)`);
say(`dist: ${DIST}${q ? '   (--quick: fewer rounds and runs, not for the docs)' : ''}`);

if (args.only.includes('lint')) {
  const r = await benchLint(q ? { rounds: 5, roundMs: 20, warmMs: 500 } : {});
  out.lint = r;
  const name = { typical: 'a typical policy', policy: 'policies (real-world shapes)', 'policy-64k': 'policy near 64 KB', sts: '_mta-sts TXT records', tlsrpt: 'TLS-RPT TXT records' };
  const us = (v) => (v === null ? 'n/a' : num(v, v < 10 ? 2 : 1));
  say(`\nlint time per call, µs (the mean over one corpus pass; median of ${r.rounds} rounds of ≥ ${r.roundMs} ms after ${r.warmMs} ms of warm-up)`);
  say(table([
    ['input', 28, 'l'], ['n', 3, 'r'], ['bytes', 7, 'r'], ['ours wasm', 10, 'r'], ['ours native', 11, 'r'], ['native+JSON', 11, 'r'],
    [`mailauth ${r.mailauth ?? '?'} lax`, 18, 'r'], ['strict', 9, 'r'],
  ], r.rows.map((x) => [name[x.kind], x.inputs, num(x.bytes, 0), us(x.wasm_us), us(x.native_us), us(x.native_json_us), us(x.mailauth_lax_us), us(x.mailauth_strict_us)])));
  say('accepted as valid (ours: no error finding; mailauth: a result, no throw / an id):');
  for (const x of r.rows) {
    const v = x.valid;
    say(`  ${name[x.kind].padEnd(28)} ours ${v.ours}/${x.inputs}${v.mailauth_lax === null ? '   mailauth: no parser' : `   mailauth lax ${v.mailauth_lax}/${x.inputs}, strict ${v.mailauth_strict}/${x.inputs}`}`);
  }
  say(`of the wasm figure, JSON.parse of the report alone (the module parses the core's JSON): ${r.rows.map((x) => `${name[x.kind]} ${us(x.json_parse_us)} µs (${num(x.report_bytes / x.inputs, 0)} B)`).join(', ')}`);
  say('  mailauth\'s _mta-sts figures go through resolvePolicy() with an in-memory resolver (its parsers are not exported).');
  for (const n of r.notes) say(`  note: ${n}`);
}

if (args.only.includes('check')) {
  const r = await benchCheck(q ? { runs: 5, sequentialRuns: 2 } : {});
  out.check = r;
  say(`\ncheckDomain wall time, ms: a domain with 3 MX hosts (TLSA on each), every response delayed the same; median of ${r.runs} runs (max)`);
  const ma = r.mailauth?.error ? null : r.mailauth;
  say(table([
    ['delay', 7, 'l'], ['ours (parallel)', 17, 'r'], [`sequential, same ${r.shape.requests} req.`, 22, 'r'],
    [`mailauth getPolicy (${ma ? ma.sequence.length : 3} req.)`, 27, 'r'],
  ], r.rows.map((x) => [`${x.delay_ms} ms`, `${num(x.ours_median_ms)} (${num(x.ours_max_ms)})`, num(x.sequential_median_ms),
    ma ? `${num(x.mailauth_median_ms)} (${num(x.mailauth_max_ms)})` : 'n/a'])));
  say(`ours: ${r.shape.requests} requests, up to ${r.shape.peak_in_flight} in flight at once, ${r.shape.progress_calls} progress reports; the sequential column replays them one after another (fake-net).`);
  if (ma) say(`mailauth ${ma.version} getPolicy: ${ma.sequence.map((s) => `${s.what} at ${s.t} ms`).join(', then ')} (at the last delay); a real TLS server on ${ma.address}. Strict mode makes the same requests.`);
  else say(`mailauth getPolicy not run: ${r.mailauth?.error ?? 'disabled'}; the baseline is the sequential replay of our requests.`);
}

if (args.only.includes('browser')) {
  const r = await benchBrowser({ dist: DIST, runs: q ? 2 : 7 });
  out.browser = r;
  const p = r.page;
  say(`\nthe page's first visit in headless Chromium ${r.chromium} (fresh context, served by tools/serve.mjs), gzip -9 of each response body:`);
  say(table([['response', 24, 'l'], ['bytes', 9, 'r'], ['gzip', 9, 'r']],
    [...p.files.map((f) => [f.path, num(f.bytes, 0), num(f.gzip, 0)]), ['total', num(p.bytes, 0), `${num(p.gzip, 0)} = ${num(p.gzip / KB)} KB`]]));
  const t = p.median_ms;
  say(`times from navigation start, median of ${r.runs} first visits (ms): index.html received ${num(t.document_received)}, DOMContentLoaded ${num(t.dom_content_loaded)}, wasm requested ${num(t.wasm_request)}, `
    + `wasm received ${num(t.wasm_response_end)}, API ready ${num(t.ready)}, first lint result ${num(t.first_lint)}`);
  say(`  ${p.streaming ? 'instantiateStreaming' : 'instantiate'} (download, compile, instantiate, overlapping): ${num(t.instantiate)} ms; of it after the last byte: ${num(t.after_download)} ms`);
  const w = r.widget;
  say(`\nthe widget on a host page (another origin), median of ${r.runs} visits; main-thread time from CDP Performance.getMetrics (thread time):`);
  say(table([['', 30, 'l'], ['responses', 9, 'r'], ['bytes', 9, 'r'], ['gzip', 9, 'r'], ['main thread ms', 14, 'r'], ['of it script', 12, 'r']], [
    ['before it is visible', w.before.responses, num(w.before.bytes, 0), num(w.before.gzip, 0), num(w.before.main_median_ms.task), num(w.before.main_median_ms.script)],
    ['once visible and loaded (more)', w.after.responses, num(w.after.bytes, 0), num(w.after.gzip, 0), num(w.after.main_median_ms.task), num(w.after.main_median_ms.script)],
  ]));
  say(`  before: ${w.before.files.map((f) => f.path).join(', ')}; after: ${w.after.files.map((f) => f.path).join(', ')}`);
}

if (args.only.includes('reports')) {
  const n = await benchReportsNode({ runs: q ? 2 : 5 });
  const b = await benchReportsBrowser({ runs: q ? 1 : 3, selectors: { ready: '#view-reports[data-state="idle"]', input: '#report-files', total: '#view-reports [data-key="sessions"] dd' } });
  out.reports = { node: n, browser: b };
  say(`\nTLS-RPT reports (summarizeTlsRptReports; the corpus: tools/benchmarks/report-corpus.mjs), ms, median (max):`);
  say(table([['input', 40, 'l'], ['Node, first call', 16, 'r'], ['Node, later', 16, 'r'], ['the page (Chromium)', 20, 'r']], [
    [`1,000 daily reports, ${num(n.year.gzip_bytes / 1e6, 2)} MB of gzip`, num(n.year.first_ms), `${num(n.year.median_ms)} (${num(n.year.max_ms)})`, `${num(b.year_median_ms)} (${num(b.year_max_ms)})`],
    [`one report of ${num(n.big.bytes / 1e6, 1)} MB (${n.big.failure_details} failure details)`, num(n.big.first_ms), `${num(n.big.median_ms)} (${num(n.big.max_ms)})`, `${num(b.big_median_ms)} (${num(b.big_max_ms)})`],
  ]));
  say(`  the totals matched the corpus's own sums: ${n.year.totals_match && n.big.totals_match ? 'yes' : 'NO'}; the page showed ${b.shown.year} and ${b.shown.big} sessions`);
  say(`  parseTlsRptReport of the 10 MB report alone: ${num(n.big.parse_median_ms)} ms; Node's RSS after: ${num(n.rss_mb)} MB`);
  say('  the page: from the file input\'s change event to the frame that shows the total (reading, decompressing, aggregating, drawing)');
}

if (args.only.includes('cli')) {
  // Loaded only here: it starts servers (smtp-server) and needs the native CLI.
  const { benchCliBulk, describeCliBulk } = await import('./cli-bulk.mjs');
  const r = await benchCliBulk({ domains: q ? 100 : 1000, log: (s) => process.stderr.write(`  cli: ${s}\n`) });
  out.cli = r;
  for (const line of describeCliBulk(r)) say(line);
}

out.finished = new Date().toISOString();
out.load1_end = machine().load1;
say(`\nload average at the end: ${out.load1_end}`);
if (args.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
