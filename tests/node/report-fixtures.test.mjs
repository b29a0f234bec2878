// The report fixtures' own loader and comparison (tests/support/report-fixtures.mjs):
// that every case loads, and that compareSummary, which every driver trusts to
// say "equal", does notice a changed number, a missing element, a reordered list
// and an absent member, while ignoring what expect.json does not list.
//
// Run:   node --test tests/node/report-fixtures.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCases, compareSummary, REPORT_FIXTURE_DIR } from '../support/report-fixtures.mjs';

const cases = loadCases();
const named = (n) => cases.find((c) => c.name === n);

/** An aggregate that holds what expect lists and more (members and keys expect leaves out). */
function aggregateFrom(expect) {
  const a = structuredClone(expect);
  a.schema = 1;
  a.kind = 'tlsrpt-summary';
  for (const row of a.byMx ?? []) row.resultTypes = [];
  for (const row of a.byPolicy ?? []) Object.assign(row, { string: [], mode: null, reports: 1 });
  if (a.totals) a.totals.extra = 1;
  return a;
}

test('every case named in the brief is there, with files and an expectation', () => {
  const names = cases.map((c) => c.name);
  for (const n of ['rfc-8460-example', 'google', 'microsoft', 'postfix-tlsrpt', 'tolerant', 'containers', 'duplicate', 'bad-files']) {
    assert.ok(names.includes(n), `missing case ${n} (have ${names.join(', ')})`);
  }
  for (const c of cases) {
    assert.ok(c.files.length > 0, c.name);
    assert.ok(c.expect.totals, `${c.name}: expect.json states no totals`);
  }
});

test('files are loaded as bytes, in sorted name order', () => {
  const c = named('containers');
  assert.deepEqual(c.files.map((f) => f.name), ['a.json', 'b.json.gz', 'c.zip', 'd.eml']);
  const gz = c.files[1].bytes;
  assert.ok(gz instanceof Uint8Array);
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  assert.deepEqual([...c.files[2].bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  assert.deepEqual(Buffer.from(c.files[0].bytes), readFileSync(join(REPORT_FIXTURE_DIR, 'containers', 'files', 'a.json')));
});

test('byDay, byPolicy and byOrganization of each expectation add up to its totals (the hand sums agree)', () => {
  for (const c of cases) {
    const { totals, byPolicy, byOrganization, byDay } = c.expect;
    const sum = (rows, k) => rows.reduce((s, r) => s + r[k], 0);
    for (const [name, rows] of [['byPolicy', byPolicy], ['byOrganization', byOrganization]]) {
      assert.equal(sum(rows, 'successful'), totals.successful, `${c.name} ${name} successful`);
      assert.equal(sum(rows, 'failed'), totals.failed, `${c.name} ${name} failed`);
    }
    // Every fixture report has a start that can be read (Microsoft's without an offset is read as UTC).
    assert.equal(sum(byDay, 'successful'), totals.successful, `${c.name} byDay successful`);
    assert.equal(sum(byDay, 'failed'), totals.failed, `${c.name} byDay failed`);
    assert.ok(sum(c.expect.byMx, 'failed') <= totals.failed, `${c.name} byMx`);
    assert.equal(sum(c.expect.byMx, 'failed'), sum(c.expect.byResultType, 'failed'), `${c.name} byMx vs byResultType`);
  }
});

test('compareSummary: an aggregate with everything expected (and more) is equal', () => {
  for (const c of cases) assert.deepEqual(compareSummary(aggregateFrom(c.expect), c.expect), [], c.name);
});

test('compareSummary: a changed number is a difference that names it', () => {
  const { expect } = named('google');
  const a = aggregateFrom(expect);
  a.byDay[1].failed = 4;
  assert.deepEqual(compareSummary(a, expect), ['byDay[1].failed: expected 5, got 4']);
  const b = aggregateFrom(expect);
  b.totals.successful += 1;
  assert.deepEqual(compareSummary(b, expect), ['totals.successful: expected 77, got 78']);
  const c = aggregateFrom(expect);
  c.reports = 2;
  assert.deepEqual(compareSummary(c, expect), ['reports: expected 3, got 2']);
});

test('compareSummary: a missing element, and an extra one, are differences', () => {
  const { expect } = named('containers');
  const a = aggregateFrom(expect);
  a.files.pop();
  const d = compareSummary(a, expect);
  assert.equal(d.length, 2, d.join('\n'));
  assert.match(d[0], /^files: expected 5 element\(s\), got 4/);
  assert.match(d[1], /^files\[4\]: missing, expected .*d\.eml/);
  const b = aggregateFrom(expect);
  b.byMx.push({ mx: 'mx3.example.com', failed: 0 });
  assert.match(compareSummary(b, expect).join('\n'), /^byMx: expected 2 element\(s\), got 3/);
});

test('compareSummary: a reordered list is a difference', () => {
  const { expect } = named('rfc-8460-example');
  const a = aggregateFrom(expect);
  a.byMx.reverse();
  const d = compareSummary(a, expect);
  assert.ok(d.includes('byMx[0].mx: expected "mx2.mail.company-y.example", got "mx-backup.mail.company-y.example"'), d.join('\n'));
  assert.ok(d.includes('byMx[0].failed: expected 200, got 3'), d.join('\n'));
});

test('compareSummary: an absent member or key, a wrong type, and an unknown expect key are differences', () => {
  const { expect } = named('bad-files');
  const a = aggregateFrom(expect);
  delete a.errors[2].code;
  delete a.duplicates;
  a.byDay = {};
  const d = compareSummary(a, expect);
  assert.ok(d.includes('duplicates: expected 0, got nothing'), d.join('\n'));
  assert.ok(d.includes('errors[2].code: expected "report.container.empty", got nothing'), d.join('\n'));
  assert.ok(d.some((x) => x.startsWith('byDay: expected an array of 1')), d.join('\n'));
  assert.deepEqual(compareSummary(aggregateFrom(expect), { ...expect, bydays: [] }), ['expect.json: unknown key "bydays"']);
  assert.deepEqual(compareSummary(null, expect), ['the aggregate is not an object: null']);
});

test('compareSummary: members expect.json leaves out are not compared', () => {
  const { expect } = named('duplicate');
  const a = aggregateFrom(expect);
  a.files[2].duplicateOf = 'anything';
  a.byPolicy[0].mode = 'testing';
  delete a.period;
  assert.deepEqual(compareSummary(a, expect), []);
  // ... and an expectation that omits a key compares nothing of it.
  const { byMx, ...rest } = expect;
  const b = aggregateFrom(expect);
  b.byMx = 'not even an array';
  assert.deepEqual(compareSummary(b, rest), []);
});
