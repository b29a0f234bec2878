#!/usr/bin/env node
// Before and after: two or more built sites' lintPolicy, timed in one Node
// process, each round alternating between them and mailauth's lax
// parsePolicy. On a shared virtual machine the figures of two separate
// ./tools/bench runs can differ by half from one minute to the next (the
// host's other guests, not the load average, which stays low); alternating
// in one process exposes every build to the same moments.
//
//   node tools/benchmarks/compare.mjs DIST [DIST...] [--rounds=N]
//
// Each DIST is a directory holding mtasts.mjs and its wasm (a dist/ built by
// ./tools/test, or by an older checkout of the repository). The inputs:
// tools/benchmarks/corpus/typical.txt, policies/01-gmail.txt,
// policies/02-microsoft365-crlf.txt (µs per call) and policy-64k.txt (ms).
// Method as in lint.mjs: a warm-up of untimed calls, then the median of
// rounds of at least 40 ms; the whole comparison is repeated `rounds` times
// (default 3) and every figure is the median of those repetitions.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPUS, machine, median, num, table } from './common.mjs';
import { loadMailauth } from './lint.mjs';

const args = process.argv.slice(2);
const dists = args.filter((a) => !a.startsWith('--')).map((d) => resolve(d));
const reps = Number((args.find((a) => a.startsWith('--rounds=')) ?? '--rounds=3').slice(9));
if (!dists.length || !(reps >= 1)) {
  process.stderr.write('usage: node tools/benchmarks/compare.mjs DIST [DIST...] [--rounds=N]\n');
  process.exit(2);
}

const inputs = {
  typical: 'typical.txt',
  gmail: join('policies', '01-gmail.txt'),
  m365: join('policies', '02-microsoft365-crlf.txt'),
  '64k': 'policy-64k.txt',
};
const texts = Object.fromEntries(Object.entries(inputs).map(([k, f]) => [k, readFileSync(join(CORPUS, f), 'utf8')]));

/** Median time per call in µs of `fn`, after `warmMs` of untimed calls. */
function perCall(fn, warmMs) {
  for (const t0 = performance.now(); performance.now() - t0 < warmMs;) fn();
  const rounds = [];
  for (let r = 0; r < 11; r += 1) {
    const t0 = performance.now();
    let n = 0;
    let t1 = t0;
    do { fn(); n += 1; t1 = performance.now(); } while (t1 - t0 < 40);
    rounds.push(((t1 - t0) * 1000) / n);
  }
  return median(rounds);
}

const mailauth = loadMailauth();
if (mailauth.error) { process.stderr.write(`${mailauth.error}\n`); process.exit(2); }
const lax = (t) => { try { return mailauth.mod.parsePolicy(t, { strict: false }); } catch { return null; } };
const subjects = [['mailauth lax', lax]];
for (const d of dists) {
  const { load } = await import(`${pathToFileURL(join(d, 'mtasts.mjs')).href}?${encodeURIComponent(d)}`);
  const m = await load();
  subjects.push([d, (t) => m.lintPolicy(t)]);
}

const m0 = machine();
process.stdout.write(`compare: ${m0.nproc} CPUs (${m0.cpu}), Node ${m0.node}, load average ${m0.load1}; ${reps} repetitions\n`);
/** figures[subject][input] = list over repetitions */
const figures = subjects.map(() => Object.fromEntries(Object.keys(texts).map((k) => [k, []])));
for (let rep = 0; rep < reps; rep += 1) {
  for (const [k, t] of Object.entries(texts)) {
    subjects.forEach(([, fn], i) => figures[i][k].push(perCall(() => fn(t), k === '64k' ? 500 : 1000)));
  }
}
const med = (i, k) => median(figures[i][k]);
const cell = (i, k) => {
  const v = med(i, k);
  const shown = k === '64k' ? `${num(v / 1000, 2)} ms` : `${num(v, 2)} µs`;
  return i === 0 ? shown : `${shown} (${num(v / med(0, k), 1)}×)`;
};
process.stdout.write(`${table([['', 40, 'l'], ...Object.keys(texts).map((k) => [k, 18, 'r'])],
  subjects.map(([name], i) => [name, ...Object.keys(texts).map((k) => cell(i, k))]))}\n`);
process.stdout.write(`load average at the end: ${machine().load1}\n`);
