// The shared TLS-RPT report fixtures (tests/fixtures/reports/<case>/, described in
// tests/fixtures/reports/README.md): loads every case and compares an aggregate
// (summarizeTlsRptReports, `mtasts report --json`, the page's export) with the
// case's hand-computed expect.json. Every driver (the Node API, the CLI, Chromium)
// uses these two functions; the C++ driver (tests/unit/report_test.cpp) applies
// the same rule.
//
//   import { loadCases, compareSummary } from '../support/report-fixtures.mjs';
//   for (const c of loadCases()) {
//     const s = await m.summarizeTlsRptReports(c.files.map((f) => ({ name: f.name, bytes: f.bytes })));
//     assert.deepEqual(compareSummary(s, c.expect), []);
//   }
//
// The rule: a key absent from expect.json is not compared. A number or string
// must be equal. An object (totals) is compared member by member, only the
// members expect lists. An array is compared element by element, in order, and
// its length must be equal; for an array of objects only the members each
// expected element lists are compared.
//
// Plain ES module, no dependencies beyond Node 20.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORT_FIXTURE_DIR = fileURLToPath(new URL('../fixtures/reports/', import.meta.url));

/** The keys an expect.json may hold (docs/REPORTS.md names them). */
export const EXPECT_KEYS = Object.freeze([
  'reports', 'duplicates', 'totals', 'byDay', 'byMx', 'byResultType', 'byOrganization', 'byPolicy', 'files', 'errors',
]);

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every case under `root`, sorted by name: `{name, dir, files: [{name, bytes}], expect}`.
 * `files` are all the files of the case's files/ folder in sorted name order
 * (the order every driver loads them in), as bytes. Throws on a case without
 * files or with an expect.json that is not JSON or holds an unknown key.
 */
export function loadCases(root = REPORT_FIXTURE_DIR) {
  const cases = [];
  for (const name of readdirSync(root).sort(byName)) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory()) continue;
    const filesDir = join(dir, 'files');
    const files = readdirSync(filesDir).sort(byName).map((f) => ({
      name: f,
      bytes: new Uint8Array(readFileSync(join(filesDir, f))),
    }));
    if (files.length === 0) throw new Error(`tests/fixtures/reports/${name}: files/ is empty`);
    let expect;
    try {
      expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8'));
    } catch (e) {
      throw new Error(`tests/fixtures/reports/${name}/expect.json: ${e.message}`);
    }
    if (expect === null || typeof expect !== 'object' || Array.isArray(expect)) {
      throw new Error(`tests/fixtures/reports/${name}/expect.json: not an object`);
    }
    for (const k of Object.keys(expect)) {
      if (!EXPECT_KEYS.includes(k)) throw new Error(`tests/fixtures/reports/${name}/expect.json: unknown key ${JSON.stringify(k)}`);
    }
    cases.push({ name, dir, files, expect });
  }
  return cases;
}

const show = (v) => (v === undefined ? 'nothing' : JSON.stringify(v));
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Appends to `out` every way `actual` differs from `expected` at `path`, by the subset rule. */
function compare(actual, expected, path, out) {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${path}: expected an array of ${expected.length}, got ${show(actual)}`);
      return;
    }
    if (actual.length !== expected.length) {
      out.push(`${path}: expected ${expected.length} element(s), got ${actual.length}: ${show(actual)}`);
    }
    const n = Math.min(actual.length, expected.length);
    for (let i = 0; i < n; ++i) compare(actual[i], expected[i], `${path}[${i}]`, out);
    for (let i = n; i < expected.length; ++i) out.push(`${path}[${i}]: missing, expected ${show(expected[i])}`);
    return;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      out.push(`${path}: expected an object, got ${show(actual)}`);
      return;
    }
    for (const k of Object.keys(expected)) compare(actual[k], expected[k], `${path}.${k}`, out);
    return;
  }
  if (actual !== expected) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
}

/**
 * Every way an aggregate differs from a case's expect.json, as sentences such
 * as `byDay[1].failed: expected 5, got 4`; empty when it matches.
 */
export function compareSummary(actual, expect) {
  const out = [];
  if (!isObject(actual)) return [`the aggregate is not an object: ${show(actual)}`];
  for (const k of Object.keys(expect)) {
    if (!EXPECT_KEYS.includes(k)) out.push(`expect.json: unknown key ${JSON.stringify(k)}`);
    else compare(actual[k], expect[k], k, out);
  }
  return out;
}
