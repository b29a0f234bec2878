// The domain scenarios of tests/fixtures/scenarios/ (tests/fixtures/README.md) through the native
// CLI, `mtasts check DOMAIN... --json`, against the simulated internet the browser tests use
// (tests/e2e/support/world.mjs): the scenario's zone answered by a DoH resolver at doh.test over
// real HTTPS, its hosts served with real certificates from a throw-away CA (tests/e2e/support/pki.mjs),
// all reached through curl's --connect-to. Every report must match expect.json, as Chromium's must
// (tests/e2e/scenarios.test.mjs), with the same comparison (tests/support/scenarios.mjs); where a
// native host observes more than a browser (no CORS; a certificate failure named; no pasted policy
// or relay), the scenario says what the CLI reports instead in expect.json's "cli", and why.
//
//   MTASTS_CLI=$PWD/build/native/tools/mtasts node --test tests/node/cli-scenarios.test.mjs
//   MTASTS_CLI_ONLY=policy-cors   … only the scenarios whose name contains that
//   MTASTS_CLI_DUMP=/tmp/reports  … also writes each CLI report there as <scenario>.json
//
// Skipped when MTASTS_CLI is not set (./tools/test sets it). Needs openssl (the test PKI).
//
// How the world is realised for curl:
//  - one HTTPS server on 127.0.0.1 plays doh.test and every *.test host, choosing the
//    certificate by SNI; `--connect-to ::127.0.0.1:<port>` sends every connection there and
//    `--ca-file` trusts the test CA;
//  - --connect-to stands in for the system's resolution of the hosts, which the scenario's zone
//    says: a policy host the scenario does not list answers nothing (as fake-net fails it):
//    when the zone gives it an address, its connections go to a closed port (nothing serves
//    HTTPS there); when it does not, to a name no resolver can look up (a 64-octet label), so
//    curl cannot resolve it, as it could not without the override;
//  - resolver.everyQuery.networkError (the resolver unreachable) sends doh.test to the closed port;
//    a per-name networkError, bodyError and neverEnds are the world server's (a reset request, a
//    reset stream, a body that never ends), which curl sees as they are;
//  - options.timeoutMs is --timeout-ms and options.tlsaCap --tlsa-cap; options.policyText and
//    options.relay have no CLI equivalent (the native host reads the policy itself) and are not passed.
// The STARTTLS probe is off (--no-smtp): the scenarios' MX hosts are documentation addresses.
//
// Besides expect.json, every report must satisfy the invariants of every report
// (tests/support/report-invariants.mjs), say host.kind "native", and never speak of a browser,
// CORS or pasting; each run's exit status must follow its grades (0 all A+ or A, 1 some lower,
// 3 some without a grade). And, when the built module is there (MTASTS_DIST, else dist/), every
// scenario without a "cli" member is checked once more: the CLI's whole report must equal the
// page's, as checkDomain gives it on the Node emulation of the same world
// (tests/support/fake-net.mjs, which tests/e2e/scenarios.test.mjs holds equal to Chromium's),
// but for `host` and `timings`; run alone, it must have asked the resolver the page's questions.
//
// To keep it fast, the scenarios whose names all lie under their own domain, with no
// resolver-wide override and no expectation about the exact questions asked or hosts fetched,
// are merged into one world and checked in one CLI run (--jobs), one run per timeoutMs; the
// others run one by one, each in its own world, so the requests the world saw are theirs alone.
// A run with a short timeoutMs (0.3 s, for `hang`) checks its domains one after another behind
// a first throw-away domain, so that every check but that one finds the worker's DoH
// connection open: a fresh TLS connection to the world on a loaded machine can take longer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { makeNet, resolve as resolveInZone, TYPE } from '../support/fake-net.mjs';
import {
  loadScenarios, worldInput, fakeNetInput, checkOptions, expectationFor, expectReport, pkiNames, policyHost, seenByWorld,
} from '../support/scenarios.mjs';
import { invariants } from '../support/report-invariants.mjs';
import { makePki } from '../e2e/support/pki.mjs';
import { startWorld, RESOLVER_HOST, RESOLVER_URL } from '../e2e/support/world.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = process.env.MTASTS_CLI ? path.resolve(process.env.MTASTS_CLI) : '';
const DIST_MODULE = path.join(path.resolve(process.env.MTASTS_DIST || path.join(REPO, 'dist')), 'mtasts.mjs');
const only = process.env.MTASTS_CLI_ONLY ?? '';
const dump = process.env.MTASTS_CLI_DUMP ?? '';
const skip = CLI ? false : 'MTASTS_CLI is not set (the native CLI; ./tools/test sets it)';
const scenarios = loadScenarios({ driver: 'cli' }).filter((s) => s.name.includes(only));
/** Concurrent checks in a merged run (the CLI's --jobs): they mostly wait on the world server. */
const JOBS = 8;
/** A CLI run that takes longer than this is killed (the check's own deadline is 30 s). */
const RUN_LIMIT_MS = 90_000;

/** The scenario's domain, as the check normalises it (the A-label form, lower case, no trailing dot). */
const domainOf = (s) => policyHost(s).slice('mta-sts.'.length);

/** Merged into a shared world and run: every name under its own domain, nothing resolver-wide, no exact request expectations. */
function mergeable(s) {
  const d = domainOf(s);
  const mine = (n) => n === d || n.endsWith(`.${d}`);
  const e = expectationFor(s, 'cli');
  return !s.world.resolver && s.world.options?.tlsaCap === undefined && !e.queries && !e.not_fetched &&
    Object.keys(s.world.zone).every(mine) && Object.keys(s.world.hosts ?? {}).every(mine);
}

/** The CLI runs: merged ones by timeoutMs, then one run per remaining scenario. */
function plan(list) {
  const merged = new Map();
  const runs = [];
  for (const s of list) {
    if (!mergeable(s)) { runs.push([s]); continue; }
    const key = s.world.options?.timeoutMs ?? 0;
    if (!merged.has(key)) merged.set(key, []);
    merged.get(key).push(s);
  }
  return [...merged.values(), ...runs];
}

/** The world of several scenarios at once (their names are distinct: each lies under its own domain). */
function mergedWorld(list) {
  if (list.length === 1) return worldInput(list[0]);
  const zone = {};
  const hosts = {};
  for (const s of list) {
    const w = worldInput(s);
    for (const [k, v] of Object.entries(w.zone)) { assert.ok(!(k in zone), `${s.name}: ${k} is in two scenarios`); zone[k] = v; }
    for (const [k, v] of Object.entries(w.hosts)) { assert.ok(!(k in hosts), `${s.name}: ${k} is in two scenarios`); hosts[k] = v; }
  }
  return { zone, hosts, followCname: true };
}

/** A name no resolver looks up for `host`: with a label of 64 octets, over DNS's limit (RFC 1035 §2.3.4). */
const unresolvable = (host) => `${host}.${'x'.repeat(64)}.invalid`;
/** The throw-away first domain of a run with a short timeout (in no zone). */
const WARM_UP = 'cli-warm-up.test';

/** Whether the scenario's zone gives `host` an address (A or AAAA, through its CNAMEs). */
function hasAddress(s, host) {
  const zone = worldInput(s).zone;
  const followCname = s.world.resolver?.followCname ?? true;
  return [TYPE.A, TYPE.AAAA].some((t) => {
    const r = resolveInZone(zone, host, t, { followCname });
    return r.rcode === 0 && r.answers.some((a) => a.type === t);
  });
}

/**
 * The --connect-to entries (curl uses the first that matches): the policy hosts a scenario does
 * not list to the closed port, or to an unresolvable name when the zone gives them no address;
 * the resolver to the closed port when it is unreachable; everything else to the world.
 */
function connectTo(list, worldPort, closedPort, extraHosts = []) {
  const to = new Map();
  for (const s of list) {
    const host = policyHost(s);
    if (!s.world.hosts?.[host]) to.set(host, hasAddress(s, host) ? `127.0.0.1:${closedPort}` : `${unresolvable(host)}:443`);
    if (s.world.resolver?.everyQuery?.networkError) to.set(RESOLVER_HOST, `127.0.0.1:${closedPort}`);
  }
  for (const h of extraHosts) to.set(h, `${unresolvable(h)}:443`);
  return [...to].map(([h, target]) => `${h}:443:${target}`).concat(`::127.0.0.1:${worldPort}`);
}

/**
 * The texts of a native report that speak of a browser's limits (the browser, CORS, a pasted
 * policy): a native host has none of them, so its report must not say so.
 */
function browserTalk(r) {
  const texts = [['grade_reason', r.grade_reason], ...r.checks.map((c) => [`summary of ${c.id}`, c.summary]),
    ...r.findings.map((f) => [`${f.code} [${f.check}]`, f.message])];
  const words = (t) => t.replace(/[\w-]+(\.[\w-]+)+/g, ''); // not in names: policy-cors-pasted.test
  return texts.filter(([, t]) => /\bbrowser|\bCORS\b|cross-origin|\bpaste/i.test(words(t))).map(([w, t]) => `${w}: ${t}`);
}

/** The report without what depends on the host and the clock. */
function comparable(r) {
  const { host: _host, timings: _timings, ...rest } = r;
  return rest;
}

/** Where two JSON values differ, as "path: page … cli …" lines (at most `max`). */
function jsonDiff(page, cli, at = '', out = [], max = 12) {
  if (out.length >= max || isDeepStrictEqual(page, cli)) return out;
  const bothObjects = page && cli && typeof page === 'object' && typeof cli === 'object' && Array.isArray(page) === Array.isArray(cli);
  if (!bothObjects || (Array.isArray(page) && page.length !== cli.length)) {
    out.push(`${at || '/'}: page ${JSON.stringify(page)?.slice(0, 300)}, cli ${JSON.stringify(cli)?.slice(0, 300)}`);
    return out;
  }
  for (const k of new Set([...Object.keys(page), ...Object.keys(cli)])) jsonDiff(page[k], cli[k], `${at}/${k}`, out, max);
  return out;
}

/** A port nothing listens on (one just released). */
async function closedPort() {
  const server = net.createServer();
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((res) => server.close(res));
  return port;
}

/** Runs the CLI without blocking the event loop (the world server lives in this process). */
function runCli(args) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (/_proxy$/i.test(k)) delete env[k]; // curl reads them; the world is local
    const child = spawn(CLI, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const t0 = performance.now();
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code, signal, ms: Math.round(performance.now() - t0),
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The exit status the CLI's usage promises for these reports: 3 if one has no grade, else 1 if one is below A, else 0. */
function exitFor(reports) {
  if (reports.some((r) => r.grade === null)) return 3;
  return reports.some((r) => r.grade !== 'A+' && r.grade !== 'A') ? 1 : 0;
}

/** Matches the CLI's reports (one JSON document a line) to the scenarios it checked. */
function reportsOf(run, list, args) {
  const opts = args.indexOf('--json');
  const shown = opts > 9 ? [...args.slice(0, 4), `… (${opts - 1} domains in all)`, ...args.slice(opts)] : args;
  const what = () => `mtasts ${shown.join(' ')}\nexit ${run.code}${run.signal ? ` (${run.signal})` : ''} after ${run.ms} ms\nstderr: ${run.stderr.slice(0, 4000)}`;
  const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
  const reports = lines.map((l, i) => {
    try { return JSON.parse(l); } catch { throw new Error(`line ${i + 1} of the output is not JSON: ${l.slice(0, 200)}\n${what()}`); }
  });
  const out = new Map();
  for (const s of list) {
    // By the input as typed; else by the domain (should the CLI show the input trimmed).
    const byInput = reports.filter((x) => x.input === s.world.input);
    const byDomain = reports.filter((x) => x.domain === domainOf(s));
    const r = byInput.length === 1 ? byInput[0] : byDomain.length === 1 ? byDomain[0] : undefined;
    out.set(s.name, r ? { report: r, run: what } : { error: `no report for ${JSON.stringify(s.world.input)} (${reports.length} reports)\n${what()}` });
  }
  return { byName: out, exit: exitFor(reports), what };
}

let tmp = '';
/** @type {Awaited<ReturnType<typeof startWorld>>} */
let world;
/** name → { report, seen?, run } or { error } */
const results = new Map();
const runs = [];
/** The built module, for the page's report on the Node emulation; null without dist/. */
let page = null;

before(async () => {
  if (skip || scenarios.length === 0) return;
  assert.ok(existsSync(CLI), `no CLI at ${CLI}`);
  const help = await runCli(['check', '--help']);
  assert.equal(help.code, 0, `\`mtasts check --help\` fails: the CLI has no live check yet?\n${help.stdout}${help.stderr}`);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mtasts-cli-scenarios-'));
  // The good certificate names every host a scenario defines, as in the browser tests.
  const pki = makePki(tmp, [RESOLVER_HOST, ...pkiNames(loadScenarios())]);
  world = await startWorld({ pki });
  const closed = await closedPort();
  if (dump) mkdirSync(dump, { recursive: true });
  if (existsSync(DIST_MODULE)) page = await (await import(pathToFileURL(DIST_MODULE).href)).load();
  else console.log(`# no ${DIST_MODULE}: the reports are compared with expect.json only, not with the page's`);
  const t0 = performance.now();
  for (const list of plan(scenarios)) {
    world.update(mergedWorld(list));
    const timeoutMs = list[0].world.options?.timeoutMs;
    const short = timeoutMs !== undefined && timeoutMs < 2000;
    const warmUp = short ? [WARM_UP] : [];
    const args = ['check', ...warmUp, ...list.map((s) => s.world.input), '--json', '--no-smtp', '--resolver', RESOLVER_URL,
      '--ca-file', pki.caFile, ...connectTo(list, world.port, closed, warmUp.map((d) => `mta-sts.${d}`)).flatMap((c) => ['--connect-to', c]),
      '--jobs', String(short ? 1 : Math.min(JOBS, list.length)), ...(timeoutMs ? ['--timeout-ms', String(timeoutMs)] : []),
      ...(list[0].world.options?.tlsaCap !== undefined ? ['--tlsa-cap', String(list[0].world.options.tlsaCap)] : [])];
    let run = await runCli(args);
    let { byName: got, exit, what } = reportsOf(run, list, args);
    if (short && !list.every((s) => settledAsExpected(s, got.get(s.name)))) {
      // A 0.3 s limit per request can be missed by a request that should have answered when the
      // machine is loaded (the whole Node suite runs at once): run these once more, and say so.
      console.log(`# cli scenarios: the run at --timeout-ms ${timeoutMs} missed an expectation; run once more`);
      run = await runCli(args);
      ({ byName: got, exit, what } = reportsOf(run, list, args));
    }
    runs.push({ scenarios: list.length, ms: run.ms, timeoutMs, code: run.code, exit, what });
    if (list.length === 1) {
      const x = got.get(list[0].name);
      if (x.report) x.seen = seenByWorld(world.requests);
    }
    for (const [k, v] of got) {
      results.set(k, v);
      if (dump && v.report) writeFileSync(path.join(dump, `${k}.json`), `${JSON.stringify(v.report, null, 1)}\n`);
    }
  }
  const ms = Math.round(performance.now() - t0);
  const merged = runs.filter((r) => r.scenarios > 1);
  console.log(`# cli scenarios: ${scenarios.length} in ${runs.length} CLI runs, ${ms} ms ` +
    `(merged: ${merged.map((r) => `${r.scenarios} in ${r.ms} ms${r.timeoutMs ? ` at --timeout-ms ${r.timeoutMs}` : ''}`).join(', ')}; ` +
    `${runs.length - merged.length} alone: ${runs.filter((r) => r.scenarios === 1).reduce((a, r) => a + r.ms, 0)} ms)`);
}, { timeout: 15 * 60_000 });

/** The grade, statuses and codes expected (what a missed short limit changes), without failing. */
function settledAsExpected(s, x) {
  if (!x?.report) return false;
  try {
    expectReport(x.report, { ...s, expect: expectationFor(s, 'cli') }, x.seen ?? {});
    return true;
  } catch {
    return false;
  }
}

after(async () => {
  await world?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

if (skip) {
  test('the scenarios through the native CLI', { skip }, () => {});
} else {
  test('the fixtures hold the scenarios this driver plays', () => {
    assert.ok(only !== '' || scenarios.length >= 100, `${scenarios.length} scenarios for the cli driver`);
  });

  test('each run\'s exit status follows its grades', () => {
    for (const r of runs) assert.equal(r.code, r.exit, r.what());
  });

  for (const s of scenarios) {
    test(`cli: ${s.name}`, async () => {
      const x = results.get(s.name);
      assert.ok(x, 'not run');
      if (x.error) assert.fail(x.error);
      const r = x.report;
      const e = expectationFor(s, 'cli');
      try {
        assert.equal(r.schema, 1, 'schema');
        assert.equal(r.kind, 'domain', 'kind');
        assert.equal(r.host?.kind, 'native', 'host.kind');
        assert.ok(Array.isArray(r.host.observes) && !r.host.observes.includes('starttls'),
          `host.observes without starttls (--no-smtp): ${JSON.stringify(r.host.observes)}`);
        invariants(r, { calls: [], stray: () => [] });
        expectReport(r, { ...s, expect: e }, x.seen ?? {});
        assert.deepEqual(browserTalk(r), [], 'a native report does not speak of a browser, CORS or pasting');
        if (page && !s.expect.cli) {
          // The page on the Node emulation of the same world, with the same resolver URL.
          const fake = makeNet({ ...fakeNetInput(s), resolverUrl: RESOLVER_URL });
          const emulated = await page.checkDomain(s.world.input, { resolver: RESOLVER_URL, fetch: fake.fetch, ...checkOptions(s) });
          const diff = jsonDiff(comparable(emulated), comparable(r));
          assert.deepEqual(diff, [], 'the CLI\'s report differs from the page\'s (on fake-net) where the scenario declares no "cli" difference');
          if (x.seen) {
            // Alone in its world: the CLI asked the resolver exactly the page's questions.
            const set = (list) => [...new Set(list.map((q) => q.toLowerCase().replace(/\.$/, '')))].sort();
            assert.deepEqual(set(x.seen.queries), set(fake.dnsQueries().map((q) => `${q.type} ${q.name}`)), 'the DoH questions');
          }
        }
      } catch (err) {
        err.message += `${s.expect.cli ? `\n(with expect.json's "cli": ${s.expect.cli_why})` : ''}\n${x.run()}`;
        throw err;
      }
    });
  }
}
