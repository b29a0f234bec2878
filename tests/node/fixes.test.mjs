// Tests of web/fixes.mjs: fixes built from a domain's live data (pure functions). What the core decides
// (the host-name grammar, the mx matcher, the limits) comes from the built module, passed in as `m`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fx = await import(pathToFileURL(join(REPO, 'web', 'fixes.mjs')).href);
const DIST = resolve(process.env.MTASTS_DIST ?? join(REPO, 'dist'));
const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
const m = await load();

const NOW = new Date('2026-11-28T16:05:09.123Z');
const report = (over = {}) => ({
  domain: 'example.com',
  mx_kind: 'records',
  mx: [{ host: 'MX1.example.com.', preference: 10 }, { host: 'mx2.example.org', preference: 20 }],
  policy: null,
  tlsrpt: null,
  sts: null,
  ...over,
});

test('freshId: 14 UTC digits, a valid id (1-32 letters or digits)', () => {
  assert.equal(fx.freshId(NOW), '20261128160509');
  const rec = fx.suggestedStsRecord(report(), NOW);
  assert.equal(rec.name, '_mta-sts.example.com');
  assert.equal(rec.value, 'v=STSv1; id=20261128160509');
  assert.equal(m.lintStsRecord(rec.value).valid, true);
});

test('no policy yet: testing mode, one exact mx line per MX host (lower case, no trailing dot), a week', () => {
  const p = fx.suggestedPolicy(report(), m);
  assert.equal(p.text, 'version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx2.example.org\nmax_age: 604800\n');
  const lint = m.lintPolicy(p.text);
  assert.equal(lint.valid, true);
  assert.deepEqual(lint.findings.filter((f) => f.severity !== 'info'), []);
});

test('an enforce policy keeps its mode and its covering patterns, adds what is missing, drops what matches nothing', () => {
  const p = fx.suggestedPolicy(report({
    policy: { valid: true, mode: 'enforce', mx: ['*.example.com', 'old.example.net'], max_age: 86400 },
  }), m);
  assert.equal(p.mode, 'enforce');
  assert.deepEqual(p.mx, ['*.example.com', 'mx2.example.org']);
  assert.equal(p.max_age, 1209600);
  assert.ok(p.notes.some((n) => n.includes('old.example.net')));
  assert.ok(p.notes.some((n) => n.includes('mx2.example.org')));
  // Every MX host is covered by the suggestion, as the engine's own matcher sees it.
  for (const h of ['MX1.example.com.', 'mx2.example.org']) assert.ok(p.mx.some((pat) => m.mxMatches(pat, h)), h);
  assert.equal(m.lintPolicy(p.text).valid, true);
});

test('a testing policy stays in testing; a long enough max_age is kept', () => {
  const p = fx.suggestedPolicy(report({ policy: { valid: true, mode: 'testing', mx: ['mx1.example.com', 'mx2.example.org'], max_age: 2000000 } }), m);
  assert.equal(p.mode, 'testing');
  assert.equal(p.max_age, 2000000);
});

test('implicit MX: the domain itself; null MX or unknown MX: no policy', () => {
  assert.deepEqual(fx.suggestedPolicy(report({ mx_kind: 'implicit', mx: [{ host: 'example.com', preference: 0 }] }), m).mx, ['example.com']);
  assert.equal(fx.suggestedPolicy(report({ mx_kind: 'null', mx: [] }), m), null);
  assert.equal(fx.suggestedPolicy(report({ mx_kind: null, mx: [] }), m), null);
});

test('the policy is built with the module it is given: its host names, its matcher, its week (no copies)', () => {
  const calls = { isHostName: [], mxMatches: [] };
  const spy = {
    isHostName: (h) => { calls.isHostName.push(h); return m.isHostName(h); },
    mxMatches: (p, h) => { calls.mxMatches.push(`${p} ${h}`); return m.mxMatches(p, h); },
    limits: { ...m.limits, max_age_week: 1000 },
  };
  const p = fx.suggestedPolicy(report({ policy: { valid: true, mode: 'enforce', mx: ['*.example.com'], max_age: 999 } }), spy);
  assert.deepEqual(calls.isHostName, ['mx1.example.com', 'mx2.example.org']);
  assert.ok(calls.mxMatches.includes('*.example.com mx1.example.com'), JSON.stringify(calls.mxMatches));
  assert.deepEqual(p.mx, ['*.example.com', 'mx2.example.org']);
  assert.equal(p.max_age, 2000, 'twice the given week, for enforce');
  assert.ok(p.notes.some((n) => n.startsWith('Raised max_age to 2000')));
  // The module's own values: a week is m.limits.max_age_week.
  assert.equal(m.limits.max_age_week, 604800);
  assert.equal(fx.suggestedPolicy(report(), m).max_age, m.limits.max_age_week);
  // What the module says is not a host name is left out, whatever it is.
  const none = fx.suggestedPolicy(report(), { ...spy, isHostName: () => false });
  assert.equal(none, null);
  assert.equal('mxMatches' in fx, false, 'fixes.mjs exports no matcher of its own');
  assert.equal('isHostName' in fx, false, 'nor a host-name grammar');
});

test('TLS-RPT: a valid record is kept; otherwise a template for the domain', () => {
  assert.deepEqual(fx.suggestedTlsRpt(report({ tlsrpt: { valid: true, record: 'v=TLSRPTv1; rua=mailto:x@example.com' } })),
    { name: '_smtp._tls.example.com', value: 'v=TLSRPTv1; rua=mailto:x@example.com', existing: true });
  const t = fx.suggestedTlsRpt(report({ tlsrpt: { valid: false, record: 'v=TLSRPTv1;' } }));
  assert.equal(t.value, 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com');
  assert.equal(m.lintTlsRptRecord(t.value).valid, true);
});

test('history: a changed policy under the same id is warned about; a new id or the same policy is not', () => {
  const first = fx.historyEntry({ domain: 'example.com', grade: 'A', sts: { id: '1' }, policy: { source: 'fetched', text: 'a' } },
    new Date('2026-11-01T00:00:00Z'));
  const changed = fx.historyEntry({ domain: 'example.com', grade: 'A', sts: { id: '1' }, policy: { source: 'fetched', text: 'b' } }, NOW);
  assert.match(fx.staleIdWarning(changed, [first]), /changed since your check of 2026-11-01.*still 1/);
  const newId = { ...changed, id: '2' };
  assert.equal(fx.staleIdWarning(newId, [first]), null);
  const same = fx.historyEntry({ domain: 'example.com', sts: { id: '1' }, policy: { source: 'fetched', text: 'a' } }, NOW);
  assert.equal(fx.staleIdWarning(same, [first]), null);
  const other = { ...changed, domain: 'example.org' };
  assert.equal(fx.staleIdWarning(other, [first]), null);
  // A pasted policy is not evidence of what the host serves.
  assert.equal(fx.historyEntry({ domain: 'example.com', sts: { id: '1' }, policy: { source: 'pasted', text: 'b' } }, NOW).policy, null);
});

test('domainOf: an email address, a URL, mailto:, a trailing dot or a port reduce to the domain', () => {
  const cases = {
    'example.com': 'example.com',
    '  user@Example.com ': 'Example.com',
    'mailto:postmaster@example.org': 'example.org',
    'https://www.example.net/path?q=1': 'www.example.net',
    'example.com.': 'example.com',
    'example.com/some/path': 'example.com',
    'example.com:443': 'example.com',
    '': '',
  };
  for (const [input, want] of Object.entries(cases)) assert.equal(fx.domainOf(input), want, input);
});

test('an MX host that is not a host name is left out of the suggested policy, with a note (review finding)', () => {
  const p = fx.suggestedPolicy(report({ mx: [{ host: 'mail_1.example.com', preference: 10 }, { host: '192.0.2.25', preference: 20 }, { host: 'mx.example.com', preference: 30 }] }), m);
  assert.deepEqual(p.mx, ['mx.example.com']);
  assert.equal(p.notes.filter((n) => n.startsWith('Left out')).length, 2);
  assert.equal(m.lintPolicy(p.text).valid, true);
  assert.equal(fx.suggestedPolicy(report({ mx: [{ host: '192.0.2.25', preference: 10 }] }), m), null);
});

test('history that is not what we wrote (local storage holds anything) never throws', () => {
  const entry = fx.historyEntry({ domain: 'example.com', sts: { id: '1' }, policy: { source: 'fetched', text: 'a' } }, NOW);
  for (const bad of [{}, null, 'x', [null, 1, 'a', { domain: 'example.com' }, { domain: 'example.com', at: 5, policy: 'b', id: '1' }]]) {
    assert.equal(fx.staleIdWarning(entry, bad), null);
  }
});

test('observedFixes: a fix only from what was observed; nothing when the resolver failed (issue 15)', async () => {
  const { loadScenarios, fakeNetInput, checkOptions } = await import(pathToFileURL(join(REPO, 'tests', 'support', 'scenarios.mjs')).href);
  const { makeNet } = await import(pathToFileURL(join(REPO, 'tests', 'support', 'fake-net.mjs')).href);
  const byName = Object.fromEntries(loadScenarios({ driver: 'node' }).map((s) => [s.name, s]));
  const run = async (name) => {
    const s = byName[name];
    const net = makeNet({ ...fakeNetInput(s) });
    return m.checkDomain(s.world.input, { fetch: net.fetch, ...checkOptions(s, { defaultTimeoutMs: 2000 }) });
  };
  // The resolver out of reach: no record is offered as if it were missing.
  const down = fx.observedFixes(await run('dns-resolver-unreachable'));
  assert.deepEqual([down.policy, down.sts, down.tlsrpt], [false, false, false]);
  assert.match(down.note, /the DNS resolver could not be reached/);
  // Only the _mta-sts answer failed: everything but that record.
  const sts = fx.observedFixes(await run('dns-sts-servfail'));
  assert.deepEqual([sts.policy, sts.sts, sts.tlsrpt], [true, false, true]);
  assert.match(sts.note, /the _mta-sts record/);
  // Everything observed: everything offered, no note.
  const a = fx.observedFixes(await run('grade-a'));
  assert.deepEqual([a.policy, a.sts, a.tlsrpt, a.note], [true, true, true, null]);
  // The domain does not exist (observed): the records may be offered.
  const nx = fx.observedFixes(await run('grade-f-domain-nxdomain'));
  assert.equal(nx.sts, true);
});
