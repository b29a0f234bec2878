// What every final report of checkDomain must satisfy, whatever the domain:
// the report's shape (schema 1, kind domain, plain JSON), the grade and its
// range, the checks and their statuses, every finding's severity as
// codes.def and the checkDomain contract give it, and the requests made on
// a fake network (tests/support/fake-net.mjs): no stray URL, DoH as GET with
// the accept header and base64url. Used by tests/node/check.test.mjs and
// tests/node/scenarios.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CODES = new Map();
{
  const def = readFileSync(fileURLToPath(new URL('../../core/include/mtasts/codes.def', import.meta.url)), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '');
  const row = /MTASTS_CODE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,/g;
  for (const x of def.matchAll(row)) CODES.set(x[2], x[3]);
}

/** Severities the checkDomain contract gives its own codes. */
export const SEVERITY = {
  'domain.invalid': 'error', 'domain.idn': 'info', 'domain.not_found': 'error',
  'dns.query.servfail': 'warning', 'dns.query.rcode': 'warning', 'dns.query.timeout': 'warning',
  'dns.query.failed': 'warning', 'dns.query.malformed': 'warning', 'dns.answer.cname_loop': 'error',
  'sts.dns.missing': 'error', 'sts.dns.multiple': 'error', 'sts.dns.discarded': 'info',
  'sts.dns.near_miss': 'warning', 'sts.dns.cname': 'info',
  'policy.host.missing': 'error', 'policy.host.no_address': 'error', 'policy.fetch.redirect': 'error',
  'policy.fetch.status': 'error', 'policy.fetch.content_type': 'warning', 'policy.fetch.charset': 'info',
  'policy.fetch.too_large': 'error', 'policy.fetch.cors_blocked': 'warning', 'policy.fetch.unreachable': 'error',
  'policy.fetch.timeout': 'warning', 'policy.fetch.relay': 'info', 'policy.fetch.pasted': 'info',
  'policy.max_age.under_week': 'info', 'policy.mode.invalid': 'error', 'sts.id.invalid': 'error',
  'mx.null': 'info', 'mx.implicit': 'warning', 'mx.not_covered': 'error', 'mx.not_covered_testing': 'warning',
  'tlsrpt.dns.missing': 'warning', 'tlsrpt.dns.multiple': 'warning', 'tlsrpt.dns.discarded': 'info',
  'dane.tlsa.missing': 'info', 'dane.tlsa.insecure': 'warning', 'dane.tlsa.capped': 'info',
  'dnssec.not_validated': 'info', 'check.aborted': 'warning',
};

const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'];
const CHECK_IDS = new Set(['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
const STATUSES = new Set(['pass', 'warn', 'fail', 'info', 'unknown', 'pending']);

/**
 * @param {any} r the final report
 * @param {{ calls: any[], stray: () => any[] }} net the fake network it ran on
 * @param {{ allowStray?: boolean }} [o]
 */
export function invariants(r, net, { allowStray = false } = {}) {
  const ctx = () => JSON.stringify(r, null, 1).slice(0, 6000);
  assert.equal(typeof r, 'object');
  assert.equal(r.schema, 1, 'schema');
  assert.equal(r.kind, 'domain', 'kind');
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON data');
  assert.equal(typeof r.complete, 'boolean', 'complete is boolean');
  assert.ok(r.grade === null || GRADES.includes(r.grade), `grade ${r.grade}`);
  if (r.grade !== null) assert.equal(r.grade_range, null, `grade_range is null when graded: ${ctx()}`);
  if (r.grade === null && !r.complete) {
    assert.ok(Array.isArray(r.grade_range) && r.grade_range.length === 2, `grade_range [worst, best] when unobserved: ${ctx()}`);
    const [worst, best] = r.grade_range;
    assert.ok(GRADES.includes(worst) && GRADES.includes(best), `grade_range values ${r.grade_range}`);
    assert.ok(GRADES.indexOf(worst) >= GRADES.indexOf(best), `worst ${worst} is not better than best ${best}`);
  }
  assert.equal(typeof r.grade_reason, 'string', 'grade_reason');
  assert.ok(Array.isArray(r.checks), 'checks');
  const ids = r.checks.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, `check ids unique: ${ids}`);
  for (const c of r.checks) {
    assert.ok(CHECK_IDS.has(c.id), `check id ${c.id}`);
    assert.ok(STATUSES.has(c.status), `status ${c.status}`);
    assert.notEqual(c.status, 'pending', `a final report has no pending check: ${c.id}; report: ${ctx()}`);
    assert.equal(typeof c.title, 'string');
    assert.equal(typeof c.summary, 'string');
    assert.ok(Array.isArray(c.findings));
  }
  assert.ok(Array.isArray(r.pending) && r.pending.length === 0, `final report has nothing pending: ${JSON.stringify(r.pending)}`);
  assert.ok(Array.isArray(r.findings), 'findings');
  for (const f of r.findings) {
    const fs = () => JSON.stringify(f);
    assert.equal(typeof f.code, 'string', fs());
    assert.ok(['error', 'warning', 'info'].includes(f.severity), `severity: ${fs()}`);
    if (SEVERITY[f.code]) assert.equal(f.severity, SEVERITY[f.code], `contract severity: ${fs()}`);
    if (CODES.has(f.code)) assert.equal(f.severity, CODES.get(f.code), `codes.def severity: ${fs()}`);
    assert.equal(typeof f.message, 'string', fs());
    assert.ok(f.message.length > 0, fs());
    assert.ok(f.check === null || CHECK_IDS.has(f.check), `finding.check: ${fs()}`);
  }
  assert.ok(['records', 'implicit', 'null', null].includes(r.mx_kind), `mx_kind ${r.mx_kind}`);
  assert.ok(Array.isArray(r.mx), 'mx');
  assert.equal(typeof r.timings?.total_ms, 'number', 'timings.total_ms');
  assert.ok(Array.isArray(r.timings.requests), 'timings.requests');
  assert.equal(typeof r.dnssec, 'object');
  assert.ok(Array.isArray(r.dnssec.tlsa));
  if (!allowStray) assert.deepEqual(net.stray().map((c) => c.url), [], 'no request to an unknown URL');
  for (const c of net.calls.filter((x) => x.kind === 'dns')) {
    assert.equal(String(c.init?.method ?? 'GET').toUpperCase(), 'GET', `DoH uses GET: ${c.url}`);
    assert.equal(new Headers(c.init?.headers ?? {}).get('accept'), 'application/dns-message', `DoH accept header: ${c.url}`);
    const dns = new URL(c.url).searchParams.get('dns');
    assert.match(dns ?? '', /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  }
}
