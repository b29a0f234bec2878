#!/usr/bin/env node
// ./tools/bench's "cli" section: `mtasts check` over 1,000 domains at once,
// against live servers on loopback (tools/local-servers.mjs: the DoH resolver
// and policy hosts of tests/e2e/support/world.mjs, one smtp-server per
// 127.0.0.x address) with 50 ms added to every answer: each DoH answer, each
// policy response, and each SMTP reply (the greeting and every command's).
//
// The domains are generated, all like good.test (enforce, two MX hosts with
// valid certificates, TLS-RPT: grade A), each with its own names
// (bulk-0001.test, mx1.bulk-0001.test, ...); the MX hosts are spread over
// five addresses (127.0.0.60-64), all on one SMTP port. The CLI reads them
// with --from FILE --json, once with the default --jobs and once with
// --jobs 1; for each: the wall time, the CLI's peak resident memory
// (/usr/bin/time -v, else /proc/<pid>/status VmHWM polled) and the grades.
// Budgets: the default run in at most 10% of the --jobs 1 run's time; the
// peak RSS under 100 MB.
//
//   node tools/benchmarks/cli-bulk.mjs [--domains N] [--jobs1-domains N] [--delay-ms N] [--shared-mx] [--json]
//   ./tools/bench --only=cli [--quick]
//
// --jobs1-domains N runs --jobs 1 on the first N domains only and scales its
// time to the whole list (it is linear: one domain after another), when the
// full sequential run would take too long; the report says so.
// Env: MTASTS_CLI (default <native build>/tools/mtasts, see common.mjs).
//
// --shared-mx gives the domains five shared MX host names (mx0..mx4.shared.test,
// two per domain) instead of their own.
//
// Notes on what the figures include:
//  - smtp-server waits 100 ms before its greeting (to catch clients that talk
//    too soon), so each probe's banner comes 150 ms after the connection;
//  - the test PKI (tests/e2e/support/pki.mjs) issues one leaf for every name,
//    so with 1,000 domains each policy host and MX host presents a
//    certificate of 3,001 DNS names (about 66 KB; with --shared-mx 1,006
//    names, 22 KB), where a real one has a few: whatever the CLI keeps per
//    connection costs more here than it would against real hosts. The
//    report gives the certificate's size.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_BUILD, machine, num } from './common.mjs';
import { mailDomain, startLocalServers } from '../local-servers.mjs';

export const CLI = resolve(process.env.MTASTS_CLI || join(NATIVE_BUILD, 'tools', 'mtasts'));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const ADDRESSES = ['127.0.0.60', '127.0.0.61', '127.0.0.62', '127.0.0.63', '127.0.0.64'];

/**
 * n domains like good.test, distinct names, MX hosts over ADDRESSES: their
 * own (mx1.<d>, mx2.<d>), or with sharedMx two of five shared names.
 */
export function bulkDomains(n, { sharedMx = false } = {}) {
  const width = String(n).length < 4 ? 4 : String(n).length;
  const k = ADDRESSES.length;
  return Array.from({ length: n }, (_, i) => {
    const d = `bulk-${String(i + 1).padStart(width, '0')}.test`;
    const names = sharedMx ? [`mx${i % k}.shared.test`, `mx${(i + 1) % k}.shared.test`] : [`mx1.${d}`, `mx2.${d}`];
    return mailDomain(d, {
      mx: [
        { host: names[0], address: ADDRESSES[i % k], behaviour: 'good' },
        { host: names[1], address: ADDRESSES[(i + 1) % k], behaviour: 'good' },
      ],
    });
  });
}

/** Runs the CLI; wall time, peak RSS (KiB), status, stdout. */
function runMeasured(args) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = TIME ? spawn(TIME, ['-v', CLI, ...args]) : spawn(CLI, args);
    const out = [];
    let err = '';
    let peakKiB = null;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    const poll = TIME ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB ?? 0, Number(m[1]));
      } catch { /* exited */ }
    }, 20);
    child.on('error', (e) => { if (poll) clearInterval(poll); reject(e); });
    child.on('close', (status, signal) => {
      if (poll) clearInterval(poll);
      const ms = performance.now() - t0;
      if (TIME) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
        if (m) peakKiB = Number(m[1]);
        const st = /Exit status: (\d+)/.exec(err);
        if (st) status = Number(st[1]);
      }
      resolvePromise({ status, signal, ms, peakKiB, stdout: Buffer.concat(out).toString('utf8'), stderr: err,
        how: TIME ? '/usr/bin/time -v' : '/proc VmHWM (polled)' });
    });
  });
}

function summarize(r, expected) {
  const lines = r.stdout.split('\n').filter(Boolean);
  const grades = {};
  let order = true;
  lines.forEach((l, i) => {
    let g = 'unparsed';
    try {
      const rep = JSON.parse(l);
      g = rep.grade ?? (rep.error ? `error ${rep.error.code}` : 'null');
      if (rep.domain !== expected[i]) order = false;
    } catch { order = false; }
    grades[g] = (grades[g] ?? 0) + 1;
  });
  return { lines: lines.length, grades, in_order: order && lines.length === expected.length };
}

/**
 * @param {{ domains?: number, jobs1Domains?: number, delayMs?: number, sharedMx?: boolean, log?: (s: string) => void }} [o]
 */
export async function benchCliBulk({ domains = 1000, jobs1Domains = domains, delayMs = 50, sharedMx = false, log = () => {} } = {}) {
  if (!existsSync(CLI)) throw new Error(`no CLI at ${CLI} (cmake --build build/native --target mtasts, or set MTASTS_CLI)`);
  const work = mkdtempSync(join(tmpdir(), 'mtasts-bench-cli-'));
  const list = bulkDomains(domains, { sharedMx });
  log(`making a CA and starting the servers for ${list.length} domains ...`);
  const env = await startLocalServers({ domains: list, smtpPort: 0, delayMs, dir: join(work, 'world') });
  try {
    const names = list.map((d) => d.domain);
    const file = join(work, 'domains.txt');
    writeFileSync(file, `${names.join('\n')}\n`);
    const file1 = join(work, 'domains-jobs1.txt');
    writeFileSync(file1, `${names.slice(0, jobs1Domains).join('\n')}\n`);
    const base = ['check', ...env.args, '--json'];

    // A warm-up on a few domains (page cache, the CLI's first start), not counted.
    await runMeasured([...base, ...names.slice(0, 3)]);

    log(`--jobs default over ${names.length} domains ...`);
    const par = await runMeasured([...base, '--from', file]);
    const parSum = summarize(par, names);
    log(`  ${num(par.ms / 1000, 1)} s`);
    log(`--jobs 1 over ${jobs1Domains} domains ...`);
    const seq = await runMeasured([...base, '--jobs', '1', '--from', file1]);
    const seqSum = summarize(seq, names.slice(0, jobs1Domains));
    log(`  ${num(seq.ms / 1000, 1)} s`);
    const seqFullMs = seq.ms * (names.length / jobs1Domains);
    const sessions = env.smtp.servers.reduce((s, x) => s + x.sessions.length, 0);
    return {
      domains: names.length,
      mx_per_domain: 2,
      mx_names: sharedMx ? 'shared' : 'own',
      smtp_addresses: ADDRESSES.length,
      certificate: { dns_names: env.pki.names.length, der_bytes: new X509Certificate(env.pki.certs.good.cert).raw.length },
      delay_ms: delayMs,
      cli: CLI,
      measured_with: par.how,
      default: { ms: par.ms, status: par.status, peak_rss_mb: par.peakKiB === null ? null : par.peakKiB / 1024, ...parSum },
      jobs1: {
        domains: jobs1Domains, ms: seq.ms, status: seq.status, peak_rss_mb: seq.peakKiB === null ? null : seq.peakKiB / 1024,
        extrapolated_ms: jobs1Domains === names.length ? null : seqFullMs, ...seqSum,
      },
      ratio: par.ms / seqFullMs,
      smtp_sessions: sessions,
      budgets: { ratio_max: 0.10, peak_rss_mb_max: 100 },
      stderr_tail: [par.stderr, seq.stderr].map((e) => e.split('\n').filter((l) => l && !/^\t/.test(l) && !/Command being timed/.test(l)).slice(-3)),
    };
  } finally {
    await env.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The lines ./tools/bench prints for this section. */
export function describeCliBulk(r) {
  const mb = (v) => (v === null ? 'n/a' : num(v, 1));
  const grades = (g) => Object.entries(g.grades).map(([k, v]) => `${v} ${k}`).join(', ');
  const out = [];
  out.push(`\nmtasts check on ${num(r.domains, 0)} generated domains (${r.mx_per_domain} MX hosts each, ${r.mx_names === 'shared' ? 'five shared names' : 'their own names'}, over ${r.smtp_addresses} addresses), every answer delayed ${r.delay_ms} ms (DoH, policy, each SMTP reply):`);
  out.push(`  --jobs default: ${num(r.default.ms / 1000, 1)} s, peak RSS ${mb(r.default.peak_rss_mb)} MB, exit ${r.default.status}, ${r.default.lines} lines${r.default.in_order ? ' in input order' : ' NOT in input order'} (${grades(r.default)})`);
  const j = r.jobs1;
  out.push(`  --jobs 1:       ${num(j.ms / 1000, 1)} s${j.extrapolated_ms ? ` for the first ${j.domains} domains, so ${num(j.extrapolated_ms / 1000, 1)} s for all (linear)` : ''}, peak RSS ${mb(j.peak_rss_mb)} MB, exit ${j.status}, ${j.lines} lines (${grades(j)})`);
  const ok = (b) => (b ? 'within' : 'OVER');
  out.push(`  default / --jobs 1: ${num(r.ratio * 100, 1)} % (budget ≤ ${r.budgets.ratio_max * 100} %: ${ok(r.ratio <= r.budgets.ratio_max)}); peak RSS ${mb(r.default.peak_rss_mb)} MB (budget < ${r.budgets.peak_rss_mb_max} MB: ${ok(r.default.peak_rss_mb !== null && r.default.peak_rss_mb < r.budgets.peak_rss_mb_max)}); measured with ${r.measured_with}`);
  out.push(`  ${r.smtp_sessions} SMTP sessions in all; every host presents one test certificate of ${num(r.certificate.dns_names, 0)} names (${num(r.certificate.der_bytes / 1000, 1)} KB DER); the servers run in the benchmark's Node process, on the same cores as the CLI`);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const o = { domains: 1000, jobs1Domains: undefined, delayMs: 50, json: false, sharedMx: false };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(domains|jobs1-domains|delay-ms|json|shared-mx)(?:=(.*))?$/.exec(argv[i]);
    if (!m) { process.stderr.write(`cli-bulk: unknown argument ${argv[i]}\n`); process.exit(2); }
    if (m[1] === 'json') { o.json = true; continue; }
    if (m[1] === 'shared-mx') { o.sharedMx = true; continue; }
    const v = Number(m[2] ?? argv[++i]);
    if (!Number.isInteger(v) || v < 1) { process.stderr.write(`cli-bulk: --${m[1]} takes a positive number\n`); process.exit(2); }
    if (m[1] === 'domains') o.domains = v; else if (m[1] === 'jobs1-domains') o.jobs1Domains = v; else o.delayMs = v;
  }
  const m0 = machine();
  if (!o.json) process.stdout.write(`${m0.nproc} CPUs (${m0.cpu}), Node ${m0.node}, load average ${m0.load1}\n`);
  const r = await benchCliBulk({ domains: o.domains, jobs1Domains: Math.min(o.jobs1Domains ?? o.domains, o.domains), delayMs: o.delayMs,
    sharedMx: o.sharedMx, log: (s) => process.stderr.write(`${s}\n`) });
  if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else process.stdout.write(`${describeCliBulk(r).join('\n')}\nload average at the end: ${machine().load1}\n`);
}
