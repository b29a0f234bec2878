#!/usr/bin/env node
// Timing of the live domain check (issue 3 §7): a domain with 3 MX hosts
// (TLSA looked up for each), every DNS and HTTPS response delayed by the same
// amount, run against the fake network of tests/support/fake-net.mjs (no
// real network). It prints figures; it is a measurement, not a test, and
// exits 0 unless --check is given and the bar is missed.
//
//   node tools/bench-check.mjs [--delay=200] [--runs=20] [--json] [--check]
//
// Env: MTASTS_DIST  directory holding mtasts.mjs (default <repo>/dist)
//
// The bar: with every response delayed 200 ms, the check completes in under
// 600 ms. The critical path is two round trips (the MX answer, then the
// TLSA queries it calls for) while the policy fetch and the other lookups
// run beside them; a sequential check would take 9 x 200 ms = 1.8 s.
// Also reported: the engine's own cost per step (the wasm call that turns
// the observations into requests and a report), with no delay at all.

import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, loadavg } from 'node:os';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.MTASTS_DIST ?? join(REPO, 'dist'));
const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) throw new Error(`unknown argument ${a}`);
  return [m[1], m[2] ?? true];
}));
const DELAY = Number(args.delay ?? 200);
const RUNS = Number(args.runs ?? 20);
const BAR_MS = 600;

const { makeNet } = await import(pathToFileURL(join(REPO, 'tests', 'support', 'fake-net.mjs')).href);
const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
const m = await load();

const POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n';
const tlsa = [[3, 1, 1, 'ab'.repeat(32)]];
function network(delayMs) {
  return makeNet({
    delayMs,
    zone: {
      'example.com': { MX: [[10, 'mx1.example.com'], [20, 'mx2.example.com'], [30, 'in.mail.example.net']], AD: true },
      '_mta-sts.example.com': { TXT: [['v=STSv1; id=20261128'], ['google-site-verification=abc']] },
      '_smtp._tls.example.com': { TXT: [['v=TLSRPTv1; rua=mailto:tlsrpt@example.com']] },
      'mta-sts.example.com': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
      '_25._tcp.mx1.example.com': { TLSA: tlsa, AD: true },
      '_25._tcp.mx2.example.com': { TLSA: tlsa, AD: true },
      '_25._tcp.in.mail.example.net': { TLSA: tlsa, AD: true },
    },
    hosts: {
      'https://mta-sts.example.com/.well-known/mta-sts.txt': { status: 200, contentType: 'text/plain', body: POLICY },
    },
  });
}

async function once(delayMs) {
  const net = network(delayMs);
  let steps = 0;
  const t0 = performance.now();
  const report = await m.checkDomain('example.com', { fetch: net.fetch, onProgress: () => { steps += 1; } });
  const ms = performance.now() - t0;
  const requests = net.calls.length;
  const peak = peakInFlight(net.calls);
  return { ms, report, requests, peak, steps };
}

/** Most requests in flight at one instant, from the fake network's call log. */
function peakInFlight(calls) {
  const ev = [];
  for (const c of calls) {
    ev.push([c.t, 1]);
    ev.push([c.end ?? c.t, -1]);
  }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of ev) { cur += d; peak = Math.max(peak, cur); }
  return peak;
}

const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

await once(0); // warm up: module, JIT
const delayed = [];
let last;
for (let i = 0; i < RUNS; i += 1) {
  last = await once(DELAY);
  delayed.push(last.ms);
}
if (last.report.grade !== 'A+') {
  throw new Error(`the benchmark domain should grade A+, got ${last.report.grade}: ${last.report.grade_reason}`);
}
const undelayed = [];
for (let i = 0; i < RUNS; i += 1) undelayed.push((await once(0)).ms);

const result = {
  node: process.version,
  cpus: cpus().length,
  load1: Number(loadavg()[0].toFixed(2)),
  delay_ms: DELAY,
  runs: RUNS,
  requests: last.requests,
  peak_in_flight: last.peak,
  progress_calls: last.steps,
  delayed_median_ms: Number(q(delayed, 0.5).toFixed(1)),
  delayed_max_ms: Number(Math.max(...delayed).toFixed(1)),
  undelayed_median_ms: Number(q(undelayed, 0.5).toFixed(1)),
  undelayed_max_ms: Number(Math.max(...undelayed).toFixed(1)),
  bar_ms: BAR_MS,
};
result.met = result.delayed_max_ms < BAR_MS;

if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`domain check, 3 MX hosts with TLSA, ${result.requests} requests, every response delayed ${DELAY} ms`);
  console.log(`  Node ${result.node}, ${result.cpus} CPUs, load ${result.load1}, ${RUNS} runs`);
  console.log(`  completes in: median ${result.delayed_median_ms} ms, max ${result.delayed_max_ms} ms  (bar < ${BAR_MS} ms: ${result.met ? 'met' : 'MISSED'})`);
  console.log(`  requests in flight at once: ${result.peak_in_flight} of ${result.requests}; progress reports: ${result.progress_calls}`);
  console.log(`  with no delay (engine + host overhead): median ${result.undelayed_median_ms} ms, max ${result.undelayed_max_ms} ms`);
}
if (args.check && !result.met) process.exitCode = 1;
