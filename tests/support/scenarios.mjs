// The shared domain scenarios (tests/fixtures/scenarios/<name>/): loads them,
// checks that each one is well formed and that every driver it names can
// play it, turns a scenario's world into the inputs of the two JavaScript
// fakes (tests/support/fake-net.mjs by URL, tests/e2e/support/world.mjs by
// host name) and the options of checkDomain, and compares a report with the
// scenario's expect.json (for the native CLI, with its "cli" member over it:
// expectationFor). The C++ driver (tests/unit/scenarios.cpp) reads the
// same files and applies the same rules; tests/fixtures/README.md describes
// the format.
//
//   import { loadScenarios, fakeNetInput, checkOptions, expectReport } from '../support/scenarios.mjs';
//   for (const s of loadScenarios({ driver: 'node' })) {
//     const net = makeNet(fakeNetInput(s));
//     const r = await m.checkDomain(s.world.input, { fetch: net.fetch, ...checkOptions(s) });
//     expectReport(r, s, { queries: net.dnsQueries().map((q) => `${q.type} ${q.name}`), fetched: [...] });
//   }
//
// Plain ES module, no dependencies beyond Node 20.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

export const SCENARIO_DIR = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
export const DRIVERS = Object.freeze(['unit', 'node', 'e2e', 'cli']);
export const CHECK_IDS = Object.freeze(['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'];
const STATUSES = ['pass', 'warn', 'fail', 'info', 'unknown'];

// What each key means is in tests/fixtures/README.md. A driver missing from a
// key's list cannot play it; a scenario that uses the key must leave that
// driver out of "drivers" (and say why in "drivers_why").
const ZONE_KEYS = {
  A: DRIVERS, AAAA: DRIVERS, CNAME: DRIVERS, MX: DRIVERS, TXT: DRIVERS, TLSA: DRIVERS, AD: DRIVERS, ttl: DRIVERS,
  only: DRIVERS, rcode: DRIVERS, ede: DRIVERS, http: DRIVERS, httpType: DRIVERS, httpBody: DRIVERS,
  garbage: DRIVERS, wrongId: DRIVERS, wrongQuestion: DRIVERS, tc: DRIVERS, stopCname: DRIVERS, compress: DRIVERS,
  truncate: DRIVERS, padTo: DRIVERS, delayMs: DRIVERS, hang: DRIVERS,
  // The world server plays these for curl (the cli driver), not as Chromium would report them.
  networkError: ['unit', 'node', 'cli'], bodyError: ['unit', 'node', 'cli'],
};
// A resolver-wide networkError is the resolver out of reach, which every driver can play: the
// e2e driver points Chromium at UNREACHABLE_RESOLVER (a name its resolver rules leave unresolved),
// the cli driver sends doh.test to a closed port.
const EVERY_QUERY_KEYS = { ...ZONE_KEYS, networkError: DRIVERS };
/** The DoH URL of a resolver that cannot be reached (Chromium: MAP * ~NOTFOUND; fake-net: networkError). */
export const UNREACHABLE_RESOLVER = 'https://doh-unreachable.invalid/dns-query';
const HOST_KEYS = {
  status: DRIVERS, contentType: DRIVERS, body: DRIVERS, bodyFile: DRIVERS, cors: DRIVERS, redirect: DRIVERS,
  cert: DRIVERS, size: DRIVERS, headers: DRIVERS, delayMs: DRIVERS, hang: DRIVERS,
  neverEnds: ['unit', 'node', 'cli'], bodyError: ['unit', 'node', 'cli'],
};
const WORLD_KEYS = ['input', 'ascii', 'options', 'resolver', 'zone', 'hosts', 'drivers', 'drivers_why', 'page'];
// The CLI takes a TLSA cap (--tlsa-cap); it has no pasted policy or relay, but those are browser-only
// (a native host reads the policy itself): it plays such a scenario without them, and the
// scenario's expect.json says in "cli" what changes.
const OPTION_KEYS = {
  policyText: DRIVERS, policyTextFile: DRIVERS, relay: DRIVERS, tlsaCap: DRIVERS, timeoutMs: DRIVERS,
};
const RESOLVER_KEYS = ['followCname', 'everyQuery'];
const EXPECT_KEYS = ['why', 'rfc', 'grade', 'grade_range', 'complete', 'status', 'codes', 'findings', 'reason_has',
  'summary_has', 'report', 'queries', 'not_fetched', 'e2e', 'cli', 'cli_why'];
// expect.json's "cli": what the native CLI's report says instead, where a native host observes
// more than a browser or lacks a browser-only option (tests/fixtures/README.md). status, codes
// and summary_has are merged check by check; the others replace the whole member.
const CLI_KEYS = ['grade', 'grade_range', 'complete', 'status', 'codes', 'findings', 'reason_has', 'summary_has', 'report'];
const CLI_MERGED = ['status', 'codes', 'summary_has'];
const FINDING_KEYS = ['code', 'check', 'severity', 'line', 'column', 'message_has', 'message_lacks'];
const QUERY_KEYS = ['asked', 'not_asked', 'count', 'at_most', 'all_under'];
const E2E_KEYS = ['policy_requests', 'net_errors', 'console_has', 'doh'];
const CERTS = ['good', 'expired', 'self-signed', 'wrong-name'];

const norm = (name) => String(name).toLowerCase().replace(/\.$/, '');

function problem(s, text) {
  throw new Error(`tests/fixtures/scenarios/${s}: ${text}`);
}

function keysIn(s, where, obj, allowed) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) problem(s, `${where} must be an object`);
  for (const k of Object.keys(obj)) {
    const ok = Array.isArray(allowed) ? allowed.includes(k) : Object.prototype.hasOwnProperty.call(allowed, k);
    if (!ok) problem(s, `${where}: unknown key ${JSON.stringify(k)}`);
  }
}

/** The scenario's policy host: https://mta-sts.<domain>/. */
export function policyHost(s) {
  return `mta-sts.${norm(s.world.ascii ?? s.world.input.trim())}`;
}

/** Host name of a relay template ('https://relay.x.test/?url={url}'), or null. */
function relayHost(s) {
  const relay = s.world.options?.relay;
  return relay ? new URL(relay.replace('{url}', 'x')).hostname : null;
}

/** Validates one scenario; returns the drivers it runs in. */
function validate(s) {
  const { name, world, expect } = s;
  keysIn(name, 'world.json', world, WORLD_KEYS);
  if (typeof world.input !== 'string') problem(name, 'world.json: "input" (the domain as typed) is required');
  if (world.ascii !== undefined && !/^[a-z0-9.-]+$/.test(world.ascii)) problem(name, 'world.json: "ascii" must be the A-label form');
  if (world.options) keysIn(name, 'world.json options', world.options, OPTION_KEYS);
  if (world.resolver) keysIn(name, 'world.json resolver', world.resolver, RESOLVER_KEYS);
  const drivers = world.drivers ?? DRIVERS;
  for (const d of drivers) if (!DRIVERS.includes(d)) problem(name, `unknown driver ${d}`);
  if (world.drivers && !world.drivers_why) problem(name, 'world.json: "drivers" needs "drivers_why"');
  if (world.page && !drivers.includes('e2e')) problem(name, '"page": true needs the e2e driver');
  const need = (where, key, table) => {
    for (const d of drivers) {
      if (!table[key].includes(d)) problem(name, `${where}: ${key} cannot be played by the ${d} driver; leave it out of "drivers"`);
    }
  };
  for (const k of Object.keys(world.options ?? {})) need('options', k, OPTION_KEYS);
  if (world.zone === null || typeof world.zone !== 'object') problem(name, 'world.json: "zone" is required');
  for (const [owner, entry] of Object.entries(world.zone ?? {})) {
    if (owner !== norm(owner)) problem(name, `zone: write names in lower case without a trailing dot: ${owner}`);
    keysIn(name, `zone ${owner}`, entry, ZONE_KEYS);
    for (const k of Object.keys(entry)) need(`zone ${owner}`, k, ZONE_KEYS);
  }
  for (const k of Object.keys(world.resolver?.everyQuery ?? {})) {
    if (!EVERY_QUERY_KEYS[k]) problem(name, `resolver.everyQuery: unknown key ${k}`);
    need('resolver.everyQuery', k, EVERY_QUERY_KEYS);
  }
  for (const [host, b] of Object.entries(world.hosts ?? {})) {
    if (host !== norm(host)) problem(name, `hosts: write host names in lower case: ${host}`);
    keysIn(name, `hosts ${host}`, b, HOST_KEYS);
    for (const k of Object.keys(b)) need(`hosts ${host}`, k, HOST_KEYS);
    if (b.cert !== undefined && !CERTS.includes(b.cert)) problem(name, `hosts ${host}: cert is one of ${CERTS.join(', ')}`);
    if (b.body !== undefined && b.bodyFile !== undefined) problem(name, `hosts ${host}: body or bodyFile, not both`);
  }

  keysIn(name, 'expect.json', expect, EXPECT_KEYS);
  if (typeof expect.why !== 'string' || expect.why.length < 10) problem(name, 'expect.json: "why" says what the scenario shows');
  if (!(expect.grade === null || GRADES.includes(expect.grade))) problem(name, 'expect.json: grade');
  if (!(expect.grade_range === null || (Array.isArray(expect.grade_range) && expect.grade_range.length === 2))) problem(name, 'expect.json: grade_range');
  if (typeof expect.complete !== 'boolean') problem(name, 'expect.json: complete');
  keysIn(name, 'expect.json status', expect.status, CHECK_IDS);
  for (const id of CHECK_IDS) if (!STATUSES.includes(expect.status[id])) problem(name, `expect.json: status of ${id}`);
  keysIn(name, 'expect.json codes', expect.codes, [...CHECK_IDS, 'domain']);
  for (const f of expect.findings ?? []) keysIn(name, 'expect.json findings[]', f, FINDING_KEYS);
  if (expect.queries) keysIn(name, 'expect.json queries', expect.queries, QUERY_KEYS);
  if (expect.e2e) keysIn(name, 'expect.json e2e', expect.e2e, E2E_KEYS);
  if (expect.cli !== undefined || expect.cli_why !== undefined) validateCli(s, drivers);
  return drivers;
}

/** expect.json's "cli" and "cli_why": both or neither, only for the cli driver, each member a change. */
function validateCli({ name, expect }, drivers) {
  const cli = expect.cli;
  if (cli === undefined || typeof expect.cli_why !== 'string' || expect.cli_why.length < 10) {
    problem(name, 'expect.json: "cli" (what the CLI reports instead) and "cli_why" (why a native host differs) go together');
  }
  if (!drivers.includes('cli')) problem(name, 'expect.json: "cli" in a scenario the cli driver does not play');
  keysIn(name, 'expect.json cli', cli, CLI_KEYS);
  if (Object.keys(cli).length === 0) problem(name, 'expect.json: "cli" is empty');
  if (cli.grade !== undefined && !(cli.grade === null || GRADES.includes(cli.grade))) problem(name, 'expect.json: cli.grade');
  if (cli.grade_range !== undefined && !(cli.grade_range === null || (Array.isArray(cli.grade_range) && cli.grade_range.length === 2))) {
    problem(name, 'expect.json: cli.grade_range');
  }
  if (cli.complete !== undefined && typeof cli.complete !== 'boolean') problem(name, 'expect.json: cli.complete');
  if (cli.status) {
    keysIn(name, 'expect.json cli.status', cli.status, CHECK_IDS);
    for (const [id, v] of Object.entries(cli.status)) if (!STATUSES.includes(v)) problem(name, `expect.json: cli.status of ${id}`);
  }
  if (cli.codes) keysIn(name, 'expect.json cli.codes', cli.codes, [...CHECK_IDS, 'domain']);
  if (cli.summary_has) keysIn(name, 'expect.json cli.summary_has', cli.summary_has, CHECK_IDS);
  for (const f of cli.findings ?? []) keysIn(name, 'expect.json cli.findings[]', f, FINDING_KEYS);
  // Every member states a difference: one equal to the browser's expectation says nothing.
  for (const k of Object.keys(cli)) {
    if (CLI_MERGED.includes(k)) {
      for (const [m, v] of Object.entries(cli[k])) {
        if (isDeepStrictEqual(v, expect[k]?.[m]) || (k === 'codes' && v.length === 0 && !expect.codes[m]?.length)) {
          problem(name, `expect.json: cli.${k}.${m} is what the browser is expected to see already`);
        }
      }
    } else if (isDeepStrictEqual(cli[k], expect[k])) {
      problem(name, `expect.json: cli.${k} is what the browser is expected to see already`);
    }
  }
}

/**
 * Every scenario, sorted by name; with `driver`, only those that driver plays.
 * @param {{ driver?: string, dir?: string }} [o]
 * @returns {{ name: string, dir: string, world: any, expect: any, drivers: string[], page: boolean }[]}
 */
export function loadScenarios({ driver, dir = SCENARIO_DIR } = {}) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const at = path.join(dir, name);
    if (!existsSync(path.join(at, 'world.json'))) continue;
    const s = {
      name, dir: at,
      world: JSON.parse(readFileSync(path.join(at, 'world.json'), 'utf8')),
      expect: JSON.parse(readFileSync(path.join(at, 'expect.json'), 'utf8')),
    };
    const drivers = validate(s);
    if (driver && !drivers.includes(driver)) continue;
    out.push({ ...s, drivers, page: s.world.page === true });
  }
  return out;
}

/**
 * The expectations a driver checks: expect.json, and for the cli driver its "cli" member over it
 * (status, codes and summary_has check by check; the rest whole). Without "cli" (or for
 * another driver), expect.json itself.
 */
export function expectationFor(s, driver) {
  const { cli, cli_why: _why, ...base } = s.expect;
  if (driver !== 'cli' || !cli) return base;
  const out = { ...base };
  for (const [k, v] of Object.entries(cli)) out[k] = CLI_MERGED.includes(k) ? { ...(base[k] ?? {}), ...v } : v;
  return out;
}

/**
 * What tests/e2e/support/world.mjs answered (its `requests`), as the expectations read it:
 * queries, the DoH questions as "TYPE name"; fetched, the other hosts an HTTPS request reached.
 * Requests it turned away as misdirected (HTTP/2 coalescing; a 421) do not count.
 */
export function seenByWorld(requests) {
  const served = requests.filter((q) => !q.misdirected);
  return {
    queries: served.filter((q) => q.host === 'doh.test' && q.q).map((q) => `${q.q.type} ${String(q.q.name).toLowerCase()}`),
    fetched: served.filter((q) => q.host !== 'doh.test').map((q) => q.host),
  };
}

/** One scenario by name (for tests about a behaviour that use a scenario's world). */
export function loadScenario(name, { dir = SCENARIO_DIR } = {}) {
  const s = loadScenarios({ dir }).find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name} in ${dir}`);
  return s;
}

function hexBytes(s, hex) {
  const h = String(hex).replace(/\s+/g, '');
  if (h.length % 2 || /[^0-9a-fA-F]/.test(h)) problem(s.name, `garbage must be hex: ${hex}`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

function zoneOf(s, entries) {
  const zone = {};
  for (const [k, v] of Object.entries(entries ?? {})) {
    zone[k] = v.garbage === undefined ? { ...v } : { ...v, garbage: hexBytes(s, v.garbage) };
  }
  return zone;
}

/** A host's behaviour with its body read from bodyFile. */
function hostOf(s, b) {
  const { bodyFile, ...rest } = b;
  if (bodyFile !== undefined) rest.body = new Uint8Array(readFileSync(path.join(s.dir, bodyFile)));
  return rest;
}

/** The hosts the check reaches over HTTPS: the policy host and the relay's. */
function reachedHosts(s) {
  return [policyHost(s), relayHost(s)].filter(Boolean);
}

/**
 * makeNet() options for tests/support/fake-net.mjs: hosts by URL prefix.
 * A certificate other than 'good' is a TLS failure (fetch rejects); a host
 * the check reaches that the scenario does not list answers nothing (a TLS
 * failure too, as an unresolvable or silent host is for a browser).
 */
export function fakeNetInput(s) {
  const hosts = {};
  for (const [h, b] of Object.entries(s.world.hosts ?? {})) {
    const { cert, ...rest } = hostOf(s, b);
    hosts[`https://${h}/*`] = cert && cert !== 'good' ? { ...rest, tls: 'fail' } : rest;
  }
  for (const h of reachedHosts(s)) hosts[`https://${h}/*`] ??= { tls: 'fail' };
  const r = s.world.resolver ?? {};
  return {
    zone: zoneOf(s, s.world.zone), hosts, followCname: r.followCname ?? true,
    everyQuery: r.everyQuery ? zoneOf(s, { x: r.everyQuery }).x : undefined,
  };
}

/**
 * startWorld()/world.update() input for tests/e2e/support/world.mjs: hosts by
 * host name. A host the scenario does not list is left out: the world then
 * presents the good certificate, which does not name it (pkiNames() lists
 * only the hosts scenarios define), so the browser's TLS fails.
 */
export function worldInput(s) {
  const hosts = {};
  for (const [h, b] of Object.entries(s.world.hosts ?? {})) hosts[h] = hostOf(s, b);
  const r = s.world.resolver ?? {};
  return {
    zone: zoneOf(s, s.world.zone), hosts, followCname: r.followCname ?? true,
    everyQuery: r.everyQuery ? zoneOf(s, { x: r.everyQuery }).x : undefined,
  };
}

/** The names the e2e test PKI's good certificate must carry: every host any scenario defines. */
export function pkiNames(scenarios) {
  const names = new Set();
  for (const s of scenarios) for (const h of Object.keys(s.world.hosts ?? {})) names.add(h);
  return [...names].sort();
}

/** The browser's DoH URL for a scenario: UNREACHABLE_RESOLVER when the resolver is out of reach, else `url`. */
export function resolverFor(s, url) {
  return s.world.resolver?.everyQuery?.networkError ? UNREACHABLE_RESOLVER : url;
}

/** The origins a scenario's check may ask, besides the page's and the resolver's. */
export function originsOf(s) {
  return reachedHosts(s).map((h) => `https://${h}`);
}

/**
 * checkDomain's options for the scenario (not fetch or resolver).
 * `timeoutMs` is the scenario's, else `defaultTimeoutMs`.
 */
export function checkOptions(s, { defaultTimeoutMs } = {}) {
  const o = s.world.options ?? {};
  const out = {};
  if (o.policyText !== undefined) out.policyText = o.policyText;
  if (o.policyTextFile !== undefined) out.policyText = readFileSync(path.join(s.dir, o.policyTextFile), 'utf8');
  if (o.relay !== undefined) out.relay = o.relay;
  if (o.tlsaCap !== undefined) out.tlsaCap = o.tlsaCap;
  const t = o.timeoutMs ?? defaultTimeoutMs;
  if (t !== undefined) out.timeoutMs = t;
  return out;
}

/** The value at a JSON pointer ('/mx/0/host'); a last segment 'length' of an array is its length. */
export function pointer(doc, ptr) {
  let cur = doc;
  for (const raw of ptr.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && seg === 'length') { cur = cur.length; continue; }
    if (cur === null || typeof cur !== 'object' || !(seg in cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** The report's finding codes by check ('domain' for those about the input), each list sorted. */
export function codesByCheck(r) {
  const out = {};
  for (const f of r.findings) (out[f.check ?? 'domain'] ??= []).push(f.code);
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}

const show = (v) => JSON.stringify(v);

/**
 * Every way `r` differs from the scenario's expect.json, as lines (empty: none).
 * @param {any} r the report
 * @param {{ expect: any }} s
 * @param {{ queries?: string[], fetched?: string[] }} [seen]
 *   queries: the DNS questions asked, as "TYPE name"; fetched: the host names an HTTPS request reached.
 */
export function differences(r, s, { queries, fetched } = {}) {
  const e = s.expect;
  const out = [];
  const eq = (what, got, want) => { if (!isDeepStrictEqual(got, want)) out.push(`${what}: expected ${show(want)}, got ${show(got)}`); };
  eq('grade', r.grade, e.grade);
  eq('grade_range', r.grade_range, e.grade_range);
  eq('complete', r.complete, e.complete);
  const status = Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
  for (const id of CHECK_IDS) eq(`status of ${id}`, status[id], e.status[id]);
  const want = Object.fromEntries(Object.entries(e.codes).map(([k, v]) => [k, [...v].sort()]).filter(([, v]) => v.length));
  eq('finding codes by check', codesByCheck(r), want);
  // Whatever the scenario: a failure is said once, where it belongs, never again on every check
  // that depends on it (docs/GRADING.md "The root cause"); the cause, when there is one, is a finding.
  const checksOf = new Map();
  for (const [k, codes] of Object.entries(codesByCheck(r))) for (const c of codes) checksOf.set(c, [...(checksOf.get(c) ?? []), k]);
  for (const [c, ks] of checksOf) if (ks.length > 1) out.push(`finding ${c} repeated on ${show(ks)}`);
  if (r.cause && !r.findings.some((f) => f.code === r.cause.code && f.check === r.cause.check && f.message === r.cause.message)) {
    out.push(`the cause ${show(r.cause)} is not one of the findings`);
  }
  for (const f of e.findings ?? []) {
    const cands = r.findings.filter((x) => x.code === f.code && (f.check === undefined || x.check === f.check));
    const ok = cands.some((x) => (f.severity === undefined || x.severity === f.severity) &&
      (f.line === undefined || x.line === f.line) && (f.column === undefined || x.column === f.column) &&
      (f.message_has ?? []).every((t) => x.message.includes(t)) && !(f.message_lacks ?? []).some((t) => x.message.includes(t)));
    if (!ok) out.push(`no finding matches ${show(f)}; with that code: ${show(cands.map((x) => ({ check: x.check, severity: x.severity, line: x.line, column: x.column, message: x.message })))}`);
  }
  for (const t of e.reason_has ?? []) if (!r.grade_reason.includes(t)) out.push(`grade_reason lacks ${show(t)}: ${show(r.grade_reason)}`);
  for (const [id, texts] of Object.entries(e.summary_has ?? {})) {
    const summary = r.checks.find((c) => c.id === id)?.summary ?? '';
    for (const t of texts) if (!summary.includes(t)) out.push(`summary of ${id} lacks ${show(t)}: ${show(summary)}`);
  }
  for (const [ptr, value] of Object.entries(e.report ?? {})) eq(`report ${ptr}`, pointer(r, ptr), value);
  if (e.queries && queries) {
    const asked = new Set(queries.map((q) => { const [t, n] = q.split(' '); return `${t} ${norm(n)}`; }));
    const q = e.queries;
    for (const x of q.asked ?? []) if (!asked.has(x)) out.push(`not asked: ${x}`);
    for (const x of q.not_asked ?? []) if (asked.has(x)) out.push(`asked, and should not have been: ${x}`);
    const byType = (t) => [...asked].filter((x) => x.startsWith(`${t} `)).length;
    for (const [t, n] of Object.entries(q.count ?? {})) eq(`distinct ${t} questions`, byType(t), n);
    for (const [t, n] of Object.entries(q.at_most ?? {})) if (byType(t) > n) out.push(`${byType(t)} distinct ${t} questions, at most ${n} expected`);
    if (q.all_under) for (const x of asked) if (!x.split(' ')[1].endsWith(q.all_under)) out.push(`asked outside ${q.all_under}: ${x}`);
  }
  if (e.not_fetched && fetched) {
    for (const h of e.not_fetched) if (fetched.includes(h)) out.push(`${h} was fetched, and should not have been`);
  }
  return out;
}

/** A one-screen summary of a report, for failure messages. */
export function brief(r) {
  return JSON.stringify({
    grade: r.grade, grade_range: r.grade_range, complete: r.complete, grade_reason: r.grade_reason,
    checks: r.checks.map((c) => `${c.id}:${c.status}`),
    findings: r.findings.map((f) => `${f.severity} ${f.code} [${f.check}] ${f.message}`),
  }, null, 1);
}

/** Throws (an Error listing every difference and the report) unless `r` matches the scenario. */
export function expectReport(r, s, seen = {}) {
  const diff = differences(r, s, seen);
  if (diff.length) {
    throw new Error(`scenario ${s.name} (${s.expect.why}):\n  - ${diff.join('\n  - ')}\nreport: ${brief(r)}`);
  }
}
