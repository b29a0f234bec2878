// Lint time per call on one corpus (tools/benchmarks/corpus), side by side:
//   ours through the ES module (dist/mtasts.mjs: wasm, the JSON report parsed
//   into JS objects), ours natively (build/native/tools/mtasts_bench_lint,
//   bench_lint.cpp: the same corpus and method, lint alone and lint + JSON),
//   and mailauth 7.1.0 in both of its modes, in this same Node process.
//
// Method, the same in JS and C++: for each kind of input, a pass calls the
// linter once on every input of that kind; a round repeats passes for at
// least `roundMs`; the figure is the time per call of the median of `rounds`
// rounds, after `warmMs` of untimed passes. The warm-up matters: V8 runs wasm
// first from its baseline compiler (Liftoff) and recompiles hot functions
// with TurboFan in the background; on this machine (2 busy cores) our policy
// figure settled only after about 0.7 s of calls (50 times slower in the first
// 50 ms than once settled), and mailauth's JavaScript got 6 times faster as it
// was optimised. The figures are the settled ones; the first call on a page is
// what the Chromium figures measure.
//
// mailauth 7.1.0 (require('mailauth/lib/mta-sts'); the main module does not
// export the MTA-STS functions):
//   - policies: parsePolicy(text, { strict }). Lax (the default) lower-cases
//     field names and the mode, trims values, accepts any number as max_age
//     and any mx value; strict takes field names and the mode as written,
//     max_age as 1-10 digits and mx as ["*."] Domain. Both split lines on
//     /\r?\n/, let the first of a repeated field win, and throw (an Error with
//     a code) for a policy they reject: that throw is part of the call timed.
//   - _mta-sts TXT: the parsers are not exported; the exported way in is
//     resolvePolicy(domain, { resolver, strict }), here with a resolver that
//     answers the record at once from memory, so the figure includes
//     normalizeDomain(), the resolver call and one await (about a
//     microsecond), not only the parse.
//   - TLS-RPT TXT: mailauth has no TLS-RPT record parser at all.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPUS, DIST, NATIVE_BUILD, REPO, median } from './common.mjs';

export const MAILAUTH_VERSION = '7.1.0';

/** The corpus as five lists of inputs: { typical: [{name, text}], policy, 'policy-64k', sts, tlsrpt }. */
export function readCorpus(dir = CORPUS) {
  const lines = (file) => readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l !== '')
    .map((text, i) => ({ name: `${file}:${i + 1}`, text }));
  const policies = readdirSync(join(dir, 'policies')).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => ({ name: f, text: readFileSync(join(dir, 'policies', f)).toString('utf8') }));
  const one = (file) => [{ name: file, text: readFileSync(join(dir, file)).toString('utf8') }];
  return {
    typical: one('typical.txt'),
    policy: policies,
    'policy-64k': one('policy-64k.txt'),
    sts: lines('sts-records.txt'),
    tlsrpt: lines('tlsrpt-records.txt'),
  };
}

/** Median over rounds of the time per call in µs (see the head of the file). */
async function timePerCall(inputs, call, { rounds, roundMs, warmMs, isAsync = false }) {
  const pass = isAsync
    ? async () => { for (const x of inputs) await call(x); }
    : () => { for (const x of inputs) call(x); };
  const round = async () => {
    let calls = 0;
    const t0 = performance.now();
    let t1 = t0;
    do {
      if (isAsync) await pass(); else pass();
      calls += inputs.length;
      t1 = performance.now();
    } while (t1 - t0 < roundMs);
    return ((t1 - t0) * 1000) / calls;
  };
  for (const t0 = performance.now(); performance.now() - t0 < warmMs;) await round(); // untimed: tier-up, JIT, caches
  const perCall = [];
  for (let r = 0; r < rounds; r += 1) perCall.push(await round());
  return median(perCall);
}

/** mailauth's MTA-STS module from the repository's node_modules, or null with the reason. */
export function loadMailauth() {
  const require = createRequire(join(REPO, 'package.json'));
  try {
    const version = require('mailauth/package.json').version;
    return { version, mod: require('mailauth/lib/mta-sts') };
  } catch (err) {
    return { version: null, error: `mailauth is not installed (npm install; ./tools/bench does it): ${err.message}` };
  }
}

/** The native figures from mtasts_bench_lint, or { error }. */
export function nativeLint({ rounds, roundMs, warmMs }) {
  const bin = join(NATIVE_BUILD, 'tools', 'mtasts_bench_lint');
  if (!existsSync(bin)) return { error: `${bin} is missing (./tools/bench builds it; MTASTS_NATIVE_BUILD points elsewhere)` };
  const out = execFileSync(bin, [CORPUS, `--rounds=${rounds}`, `--round-ms=${roundMs}`, `--warm-ms=${warmMs}`], { encoding: 'utf8' });
  return JSON.parse(out);
}

/**
 * @param {{ rounds?: number, roundMs?: number, warmMs?: number }} options
 * @returns {Promise<{ rows: any[], mailauth: string | null, notes: string[] }>}
 */
export async function benchLint({ rounds = 15, roundMs = 50, warmMs = 1500 } = {}) {
  const how = { rounds, roundMs, warmMs };
  const corpus = readCorpus();
  const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
  const m = await load();
  const mailauth = loadMailauth();
  const notes = [];
  if (mailauth.error) notes.push(mailauth.error);
  else if (mailauth.version !== MAILAUTH_VERSION) notes.push(`mailauth ${mailauth.version} installed, ${MAILAUTH_VERSION} expected`);

  const ours = { typical: (t) => m.lintPolicy(t), policy: (t) => m.lintPolicy(t), 'policy-64k': (t) => m.lintPolicy(t), sts: (t) => m.lintStsRecord(t), tlsrpt: (t) => m.lintTlsRptRecord(t) };
  const resolverFor = (text) => async () => [[text]];
  const theirs = (strict) => {
    if (!mailauth.mod) return null;
    const { parsePolicy, resolvePolicy } = mailauth.mod;
    const policy = (t) => { try { return parsePolicy(t, { strict }); } catch { return null; } };
    return {
      typical: policy, policy, 'policy-64k': policy,
      // The resolver closes over the record: one per input, made before timing.
      sts: (x) => resolvePolicy('example.com', { strict, resolver: x.resolver }).catch(() => false),
      tlsrpt: null,
    };
  };
  const lax = theirs(false);
  const strict = theirs(true);

  const rows = [];
  for (const kind of ['typical', 'policy', 'policy-64k', 'sts', 'tlsrpt']) {
    const inputs = corpus[kind];
    const texts = inputs.map((x) => x.text);
    const withResolvers = inputs.map((x) => ({ ...x, resolver: resolverFor(x.text) }));
    const row = {
      kind, inputs: inputs.length,
      bytes: texts.reduce((a, t) => a + Buffer.byteLength(t), 0),
      wasm_us: await timePerCall(texts, ours[kind], how),
      // What JSON.parse alone takes on reports of the same size (the module parses the core's JSON text).
      json_parse_us: await timePerCall(texts.map((t) => JSON.stringify(ours[kind](t))), (j) => JSON.parse(j), how),
      report_bytes: texts.reduce((a, t) => a + JSON.stringify(ours[kind](t)).length, 0),
      valid: { ours: texts.filter((t) => ours[kind](t).valid).length },
    };
    for (const [name, impl] of [['mailauth_lax', lax], ['mailauth_strict', strict]]) {
      if (!impl?.[kind]) { row[`${name}_us`] = null; row.valid[name] = null; continue; }
      if (kind === 'sts') {
        row[`${name}_us`] = await timePerCall(withResolvers, impl.sts, { ...how, isAsync: true });
        let ok = 0;
        for (const x of withResolvers) if (await impl.sts(x)) ok += 1;
        row.valid[name] = ok;
      } else {
        row[`${name}_us`] = await timePerCall(texts, impl[kind], how);
        row.valid[name] = texts.filter((t) => impl[kind](t) !== null).length;
      }
    }
    rows.push(row);
  }

  const native = nativeLint(how);
  if (native.error) notes.push(native.error);
  for (const row of rows) {
    const n = native.rows?.find((r) => r.kind === row.kind);
    row.native_us = n ? n.lint_us : null;
    row.native_json_us = n ? n.lint_json_us : null;
  }
  return { rows, mailauth: mailauth.version ?? null, module: m.version, ...how, notes };
}
