// checkDomain wall time on an emulated network, against checkers that make
// their requests one after another.
//
// The domain: 3 MX hosts, each with TLSA in a validated answer (grade A+), a
// TLS-RPT record and a valid policy. Every DNS answer and the policy response
// is delayed by the same amount (50 and 200 ms); nothing else is slowed down.
//
//   ours        checkDomain from dist/mtasts.mjs against tests/support/fake-net.mjs
//               (an RFC 8484 resolver and the policy host emulated in-process):
//               9 requests, the independent ones at once; the critical path is
//               two round trips (the MX answer, then the TLSA queries it calls for).
//   sequential  the same 9 requests, replayed one after another through the
//               same fake network (what a checker that awaits each lookup does):
//               9 delays.
//   mailauth    getPolicy() of mailauth 7.1.0 itself (mailauth-getpolicy.mjs, in a
//               child process: see there), which checks the policy only: it asks
//               the _mta-sts TXT, then the policy host's A (AAAA only when there is
//               no A), then GETs the policy over HTTPS, each after the previous one:
//               3 delays. No MX, TLSA or TLS-RPT lookups.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, REPO, median } from './common.mjs';

const POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n';
const TLSA = [[3, 1, 1, 'ab'.repeat(32)]];

/** The benchmark domain, in fake-net's format; mailauth-getpolicy.mjs serves the same names. */
export const SCENARIO = {
  domain: 'example.com',
  policy: POLICY,
  zone: {
    'example.com': { MX: [[10, 'mx1.example.com'], [20, 'mx2.example.com'], [30, 'in.mail.example.net']], AD: true },
    '_mta-sts.example.com': { TXT: [['v=STSv1; id=20261128'], ['google-site-verification=abc']] },
    '_smtp._tls.example.com': { TXT: [['v=TLSRPTv1; rua=mailto:tlsrpt@example.com']] },
    'mta-sts.example.com': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
    '_25._tcp.mx1.example.com': { TLSA, AD: true },
    '_25._tcp.mx2.example.com': { TLSA, AD: true },
    '_25._tcp.in.mail.example.net': { TLSA, AD: true },
  },
};

async function fakeNet() {
  return import(pathToFileURL(join(REPO, 'tests', 'support', 'fake-net.mjs')).href);
}

function network(makeNet, delayMs) {
  return makeNet({
    delayMs,
    zone: SCENARIO.zone,
    hosts: { 'https://mta-sts.example.com/.well-known/mta-sts.txt': { status: 200, contentType: 'text/plain', body: POLICY } },
  });
}

/** Most requests in flight at one instant, from the fake network's call log. */
function peakInFlight(calls) {
  const ev = calls.flatMap((c) => [[c.t, 1], [c.end ?? c.t, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of ev) { cur += d; peak = Math.max(peak, cur); }
  return peak;
}

/** One check; its wall time and what it asked. */
async function ours(m, makeNet, delayMs) {
  const net = network(makeNet, delayMs);
  let steps = 0;
  const t0 = performance.now();
  const report = await m.checkDomain(SCENARIO.domain, { fetch: net.fetch, onProgress: () => { steps += 1; } });
  const ms = performance.now() - t0;
  return { ms, report, calls: net.calls, peak: peakInFlight(net.calls), steps };
}

/** The same requests, each awaited (headers and body) before the next is sent. */
async function sequential(makeNet, calls, delayMs) {
  const net = network(makeNet, delayMs);
  const t0 = performance.now();
  for (const c of calls) {
    const { signal, ...init } = c.init ?? {};
    const res = await net.fetch(c.url, init);
    await res.arrayBuffer();
  }
  return performance.now() - t0;
}

/** Runs mailauth-getpolicy.mjs; resolves to its JSON, or { error }. */
function mailauthRuns(delays, runs) {
  return new Promise((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtasts-bench-pki-'));
    const child = spawn(process.execPath, [join(REPO, 'tools', 'benchmarks', 'mailauth-getpolicy.mjs'), dir, delays.join(','), String(runs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The child makes the PKI before it starts another Node to trust it (NODE_EXTRA_CA_CERTS is read at startup).
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) { resolve({ error: `mailauth-getpolicy.mjs exited with ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}` }); return; }
      try { resolve(JSON.parse(out)); } catch { resolve({ error: `mailauth-getpolicy.mjs printed no JSON: ${out.slice(0, 200)}` }); }
    });
  });
}

/**
 * @param {{ delays?: number[], runs?: number, sequentialRuns?: number, mailauth?: boolean }} options
 */
export async function benchCheck({ delays = [50, 200], runs = 20, sequentialRuns = 5, mailauth = true } = {}) {
  const { makeNet } = await fakeNet();
  const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
  const m = await load();
  // Warm up for 2 s: V8 tiers the wasm up in the background (see lint.mjs), and the first checks take 5x longer.
  for (const t0 = performance.now(); performance.now() - t0 < 2000;) await ours(m, makeNet, 0);

  const rows = [];
  let shape = null;
  for (const delay of [0, ...delays]) {
    const times = [];
    let last;
    for (let i = 0; i < runs; i += 1) {
      last = await ours(m, makeNet, delay);
      times.push(last.ms);
    }
    if (last.report.grade !== 'A+') throw new Error(`the benchmark domain should grade A+, got ${last.report.grade}: ${last.report.grade_reason}`);
    if (delay > 0) shape ??= { requests: last.calls.length, peak_in_flight: last.peak, progress_calls: last.steps, urls: last.calls.map((c) => c.url) };
    const seq = [];
    for (let i = 0; i < sequentialRuns; i += 1) seq.push(await sequential(makeNet, last.calls, delay));
    rows.push({
      delay_ms: delay,
      ours_median_ms: median(times), ours_max_ms: Math.max(...times),
      sequential_median_ms: median(seq),
      requests: last.calls.length, peak_in_flight: last.peak,
    });
  }

  let theirs = null;
  if (mailauth) {
    theirs = await mailauthRuns([0, ...delays], runs);
    if (!theirs.error) {
      for (const row of rows) {
        const r = theirs.rows.find((x) => x.delay_ms === row.delay_ms);
        row.mailauth_median_ms = r?.median_ms ?? null;
        row.mailauth_max_ms = r?.max_ms ?? null;
      }
    }
  }
  return { rows, runs, sequentialRuns, shape, mailauth: theirs };
}
