// The "Reports" view of the page (#reports: web/report-view.js, web/report-chart.mjs,
// web/report-export.mjs) in headless Chromium: TLS-RPT report files opened with the file input and dropped
// (a synthetic drop with a DataTransfer), for every case of tests/fixtures/reports/ (support/report-fixtures.mjs);
// what the page shows is read back from its visible text and compared with the case's hand-computed
// expect.json. Plus: the view's code is loaded only when it is opened, reading files asks nothing but the
// page's own static files, the chart has a bar group per day, the exports (JSON and CSV) hold the aggregate,
// the comparison with the live policy (against the simulated internet of support/world.mjs), keyboard use,
// axe-core, and screenshots in light and dark themes (tests/e2e/artifacts/reports-*.png, not committed).
//
//   node --test tests/e2e/reports.test.mjs
//   MTASTS_DIST=/tmp/dist node --test tests/e2e/reports.test.mjs
//
// Needs what tests/e2e/domain-page.test.mjs needs: /usr/bin/chromium (or $CHROMIUM), playwright-core,
// openssl, certutil (libnss3-tools), node_modules/axe-core/axe.min.js.
//
// Every context is guarded (support/guard.mjs): a CSP or Trusted Types violation, or a request to an origin
// other than the page's (and, for the comparison only, doh.test and the compared domains' policy hosts),
// fails the test.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePki } from './support/pki.mjs';
import { startWorld } from './support/world.mjs';
import { siteWorld } from './support/site.mjs';
import { launch, serveDist, collect } from './support/browser.mjs';
import { guard, verifyGuards } from './support/guard.mjs';
import { loadCases, compareSummary } from '../support/report-fixtures.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.MTASTS_DIST || path.join(repo, 'dist'));
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const AXE = path.join(repo, 'node_modules/axe-core/axe.min.js');
const T = { timeout: 60_000 };

/** The Reports view's own code, which a first visit of the check page must not fetch. */
const REPORT_CODE = /\/(report-view\.js|report-chart\.mjs|report-export\.mjs|report\.mjs|mtasts-report-core\.(mjs|wasm)|vendor\/.*)$/;

const CASES = loadCases();

// ---------------------------------------------------------------------------------------------------------
// Synthetic reports, for the comparison and the CSV's quoting

/** A TLS-RPT report (RFC 8460 §4.4) as JSON text. */
function reportJson({ org = 'Sender Inc.', id, day, domain, mode = 'testing', maxAge = 86400, mx = [`mx1.${domain}`], ok = 10, failed = 0, type = 'sts' }) {
  const policy = type === 'sts'
    ? { 'policy-type': 'sts', 'policy-string': ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`], 'policy-domain': domain, 'mx-host': mx }
    : { 'policy-type': type, 'policy-domain': domain };
  return JSON.stringify({
    'organization-name': org,
    'date-range': { 'start-datetime': `${day}T00:00:00Z`, 'end-datetime': `${day}T23:59:59Z` },
    'contact-info': 'tlsrpt@sender.example',
    'report-id': id,
    policies: [{
      policy,
      summary: { 'total-successful-session-count': ok, 'total-failure-session-count': failed },
      'failure-details': failed ? [{ 'result-type': 'certificate-expired', 'sending-mta-ip': '192.0.2.7', 'receiving-mx-hostname': mx[0] ?? '', 'failed-session-count': failed }] : [],
    }],
  });
}

// ---------------------------------------------------------------------------------------------------------
// Setup: one browser (the simulated internet for the comparison), the dist server

let tmp = '';
/** @type {Awaited<ReturnType<typeof startWorld>>} */
let world;
/** @type {Awaited<ReturnType<typeof launch>>} */
let chrome;
/** @type {Awaited<ReturnType<typeof serveDist>>} */
let web;

before(async () => {
  for (const file of ['index.html', 'report-view.js', 'report.mjs', 'mtasts-report-core.wasm']) {
    if (!existsSync(path.join(dist, file))) throw new Error(`${path.join(dist, file)} is missing: build the site first, or point MTASTS_DIST at a built site`);
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mtasts-e2e-reports-'));
  const pki = makePki(tmp, ['doh.test', 'mta-sts.reports.test', 'mta-sts.unread.test']);
  world = await startWorld({ pki });
  [web, chrome] = await Promise.all([serveDist(dist), launch({ worldPort: world.port, pkiDir: pki.dir })]);
  mkdirSync(artifacts, { recursive: true });
});

afterEach(verifyGuards);

after(async () => {
  await chrome?.close();
  await web?.close();
  await world?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/**
 * A fresh guarded context and page at `hash` (default #reports), the resolver of the check view's settings set
 * to doh.test (as a previous visit would have left it). `allow`: origins besides the page's.
 * @param {{ hash?: string, allow?: string[], colorScheme?: 'light'|'dark', width?: number }} [o]
 */
async function open({ hash = '#reports', allow = [], colorScheme = 'light', width = 1280 } = {}) {
  const context = await chrome.browser.newContext({ colorScheme, viewport: { width, height: 900 }, acceptDownloads: true });
  const g = await guard(context, { allow: [web.origin, ...allow], world });
  await context.addInitScript((value) => {
    if (location.protocol === 'http:' && localStorage.getItem('mtasts.settings') === null) localStorage.setItem('mtasts.settings', value);
  }, JSON.stringify({ resolver: world.resolverUrl, relay: '' }));
  const page = await context.newPage();
  const seen = collect(page);
  const nav = await page.goto(`${web.base}${hash}`);
  assert.equal(nav?.status(), 200);
  if (hash === '#reports') await page.locator('#view-reports[data-state="idle"]').waitFor({ timeout: 10_000 });
  return { context, page, seen, guard: g };
}

/**
 * No page error, no console error, nothing failed; then closes the context. `host`: a host whose requests the
 * test expects to fail (the live check of a domain without a policy host), and the console's word of them.
 * @param {Awaited<ReturnType<typeof open>>} ctx @param {{ host?: string }} [o]
 */
async function clean(ctx, { host = '' } = {}) {
  const theirs = (/** @type {string} */ u) => host !== '' && u.includes(host);
  assert.deepEqual(ctx.seen.errors.filter((e) => !(theirs(e) || (host && /Failed to load resource/.test(e)))), [], 'no console or page error');
  // A fetch body read to its end through a reader is reported as ERR_ABORTED (support/browser.mjs).
  assert.deepEqual(ctx.seen.failed.filter((f) => !theirs(f.url) && f.error !== 'net::ERR_ABORTED'), [], 'no failed request');
  assert.deepEqual(ctx.seen.responses.filter((r) => r.status >= 400 && !theirs(r.url)), [], 'no HTTP error');
  ctx.guard.verify();
  await ctx.context.close();
}

/** Waits until the view has read what it was given (data-state done). @param {import('playwright-core').Page} page */
async function waitRead(page) {
  await page.locator('#view-reports[data-state="done"], #view-reports[data-state="failed"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#view-reports').getAttribute('data-state'), 'done', await page.locator('#report-status').textContent() ?? '');
}

/** Opens `files` ([{name, bytes}]) with the file input. @param {import('playwright-core').Page} page */
async function openFiles(page, files) {
  await page.setInputFiles('#report-files', files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
  await waitRead(page);
}

/** Drops `files` on the drop zone: a synthetic drag-and-drop whose DataTransfer carries them as File objects. */
async function dropFiles(/** @type {import('playwright-core').Page} */ page, /** @type {{name: string, bytes: Uint8Array}[]} */ files) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, files.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') })));
  for (const type of ['dragenter', 'dragover']) await page.dispatchEvent('#report-drop', type, { dataTransfer });
  assert.equal(await page.locator('#report-drop.dragging').count(), 1, 'the drop zone shows that it takes the drop');
  await page.dispatchEvent('#report-drop', 'drop', { dataTransfer });
  await dataTransfer.dispose();
  await waitRead(page);
  assert.equal(await page.locator('#report-drop.dragging').count(), 0);
}

async function startOver(/** @type {import('playwright-core').Page} */ page) {
  if (await page.locator('#report-clear').isEnabled()) await page.click('#report-clear');
  await page.locator('#view-reports[data-state="idle"]').waitFor();
  assert.equal(await page.locator('#reports-result').isHidden(), true);
}

/** "1,234" → 1234; NaN for anything else. @param {string | null | undefined} text */
const int = (text) => (/^\d{1,3}(,\d{3})*$/.test(String(text ?? '').trim()) ? Number(String(text).trim().replaceAll(',', '')) : NaN);

/**
 * What the page shows, read from its visible text into the aggregate's shape (the keys of expect.json):
 * the summary, the day table (and the chart's bars, which must agree with it), the tables by MX host,
 * result type, reporter and policy, the files, the errors and the duplicates.
 * @param {import('playwright-core').Page} page
 */
async function shown(page) {
  // What the user would read: every disclosure open (the list of files is built when first opened).
  await page.evaluate(() => { for (const d of document.querySelectorAll('#reports-result details')) /** @type {HTMLDetailsElement} */ (d).open = true; });
  await page.locator('#report-table-file').waitFor({ state: 'attached' });
  const raw = await page.evaluate(() => {
    const text = (/** @type {Element | null | undefined} */ n) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const summary = Object.fromEntries([...document.querySelectorAll('.report-summary > div')]
      .map((d) => [/** @type {HTMLElement} */ (d).dataset.key, text(d.querySelector('dd'))]));
    const rows = (/** @type {string} */ id) => [...document.querySelectorAll(`#report-table-${id} tbody tr`)].map((tr) => Object.fromEntries(
      [...tr.children].map((c) => [/** @type {HTMLElement} */ (c).dataset.col, text(c)])));
    const bars = [...document.querySelectorAll('#reports-days svg g.day')].map((g) => ({
      day: g.getAttribute('data-day'), title: text(g.querySelector('title')), rects: g.querySelectorAll('rect').length,
    }));
    const svg = document.querySelector('#reports-days svg');
    return {
      summary, day: rows('day'), mx: rows('mx'), type: rows('type'), org: rows('org'), policy: rows('policy'), file: rows('file'),
      fileStatus: [...document.querySelectorAll('#report-table-file tbody tr')].map((tr) => /** @type {HTMLElement} */ (tr).dataset.status),
      errors: [...document.querySelectorAll('.report-errors li')].map((li) => ({ source: text(li.querySelector('strong')), code: text(li.querySelector('code')) })),
      duplicates: [...document.querySelectorAll('.report-duplicates li')].map((li) => text(li)),
      bars, chart: svg ? { role: svg.getAttribute('role'), title: text(svg.querySelector(':scope > title')), desc: text(svg.querySelector(':scope > desc')) } : null,
      status: text(document.getElementById('report-status')),
    };
  });
  const reports = /^([\d,]+)(?: and ([\d,]+) duplicates?, counted once)?$/.exec(raw.summary.reports ?? '');
  const aggregate = {
    reports: int(reports?.[1]),
    duplicates: reports?.[2] ? int(reports[2]) : 0,
    totals: { successful: int(raw.summary.successful), failed: int(raw.summary.failed) },
    byDay: raw.day.map((r) => ({ day: r.day, successful: int(r.successful), failed: int(r.failed) })),
    byMx: raw.mx.map((r) => ({ mx: r.mx, failed: int(r.failed) })),
    byResultType: raw.type.map((r) => ({ resultType: r.resultType, failed: int(r.failed) })),
    byOrganization: raw.org.map((r) => ({ organization: r.organization === '(unnamed)' ? '' : r.organization, reports: int(r.reports), successful: int(r.successful), failed: int(r.failed) })),
    byPolicy: raw.policy.map((r) => ({ type: r.type, domain: r.domain === '(none given)' ? '' : r.domain, successful: int(r.successful), failed: int(r.failed) })),
    files: raw.file.map((r, i) => ({ source: r.source, status: raw.fileStatus[i] })),
    errors: raw.errors.map((e) => ({ source: e.source, code: e.code.replace(/^\((.*)\)$/, '$1') })),
  };
  return { aggregate, raw };
}

/**
 * Asserts the page shows exactly `c.expect`, and that its other parts agree with it: the session count and
 * rate, the chart's bar groups (one per day, titled with the day's numbers), the status line, the files'
 * status words, the duplicates said as "counted once".
 */
async function assertShows(/** @type {import('playwright-core').Page} */ page, /** @type {any} */ c, /** @type {string} */ how) {
  const { aggregate, raw } = await shown(page);
  assert.deepEqual(compareSummary(aggregate, c.expect), [], `${c.name} (${how}): the page shows expect.json`);
  const e = c.expect;
  if (e.totals) {
    const total = e.totals.successful + e.totals.failed;
    assert.equal(int(raw.summary.sessions), total, `${c.name}: sessions`);
    if (total) {
      const pct = `${(Math.floor((e.totals.successful * 1000) / total) / 10).toFixed(1)}%`; // one decimal, rounded down
      assert.equal(raw.summary.rate, pct, `${c.name}: success rate`);
      assert.match(raw.status, new RegExp(`${total.toLocaleString('en-US')} sessions?, ${e.totals.failed.toLocaleString('en-US')} failed \\(${pct.replace('.', '\\.')} successful\\)`), `${c.name}: status line`);
    }
  }
  if (e.byDay) {
    assert.deepEqual(raw.bars.map((b) => b.day), e.byDay.map((d) => d.day), `${c.name}: one bar group per day, in order`);
    raw.bars.forEach((b, i) => {
      const d = e.byDay[i];
      assert.equal(b.title, `${d.day}: ${d.successful.toLocaleString('en-US')} successful, ${d.failed.toLocaleString('en-US')} failed`);
      assert.equal(b.rects, (d.successful > 0 ? 1 : 0) + (d.failed > 0 ? 1 : 0), `${c.name} ${d.day}: a rect per non-zero series`);
    });
    if (e.byDay.length) {
      assert.equal(raw.chart?.role, 'img');
      assert.match(raw.chart?.title ?? '', /^Successful and failed sessions per day/);
      assert.match(raw.chart?.desc ?? '', new RegExp(`^${e.byDay.length} days?: `));
    }
  }
  if (e.period !== undefined) assert.ok(raw.summary.period);
  if (e.duplicates) {
    assert.equal(raw.duplicates.length, e.duplicates, `${c.name}: each duplicate is named`);
    for (const d of raw.duplicates) assert.match(d, /counted once\.$/);
    assert.match(raw.status, /duplicate reports? counted once/);
  }
  if (e.errors?.length) assert.match(raw.status, new RegExp(`${e.errors.length} files? could not be read`));
}

// ---------------------------------------------------------------------------------------------------------

test('lazy loading: the check page\'s first visit fetches no report code; opening #reports imports the view, reading a file the reader', T, async () => {
  const ctx = await open({ hash: '' });
  const { page, seen } = ctx;
  await page.locator('body[data-state="ready"]').waitFor();
  await page.waitForLoadState('networkidle');
  const firstVisit = seen.requests.map((u) => new URL(u).pathname);
  assert.deepEqual(firstVisit.filter((p) => REPORT_CODE.test(p)), [], `the first visit fetched no report code: ${firstVisit.join(' ')}`);
  assert.deepEqual(firstVisit.filter((p) => /report/.test(p)), [], 'no report code on the first visit (check-view.js imports the view)');
  assert.equal(await page.locator('#view-reports').isHidden(), true);

  // The navigation: a link like the other views', current when open.
  await page.click('#tab-reports');
  await page.locator('#view-reports[data-state="idle"]').waitFor();
  assert.equal(await page.locator('#tab-reports').getAttribute('aria-current'), 'page');
  assert.equal(await page.locator('#tab-check').getAttribute('aria-current'), null);
  assert.equal(await page.locator('#view-check').isHidden(), true);
  assert.equal(await page.locator('#view-lint').isHidden(), true);
  // The reader is fetched in the background once the view is up: wait for it (at most 10 s), then for quiet.
  const paths = () => seen.requests.map((u) => new URL(u).pathname);
  for (const t0 = Date.now(); !(paths().includes('/report.mjs') && paths().includes('/mtasts-report-core.wasm')) && Date.now() - t0 < 10_000;) {
    await page.waitForTimeout(50);
  }
  await page.waitForLoadState('networkidle');
  const opened = paths().slice(firstVisit.length);
  assert.ok(opened.includes('/report-view.js'), `opening the view imported report-view.js: ${opened.join(' ')}`);
  // The reader is fetched and warmed while files are picked (warmReportCore); the zip and mail readers wait.
  assert.ok(opened.includes('/report.mjs') && opened.includes('/mtasts-report-core.wasm'), `opening the view fetched the reader: ${opened.join(' ')}`);
  assert.ok(!opened.some((p) => p.startsWith('/vendor/')), 'fflate and postal-mime wait for a zip or a mail');

  const before = seen.requests.length;
  await openFiles(page, CASES.find((c) => c.name === 'containers')?.files ?? CASES[0].files);
  const reading = seen.requests.slice(before).map((u) => new URL(u).pathname);
  assert.ok(reading.some((p) => p.startsWith('/vendor/')), `reading a zip and a mail imported their readers: ${reading.join(' ')}`);
  assert.ok(!reading.includes('/report.mjs') && !reading.includes('/mtasts-report-core.wasm'), 'and nothing fetched twice');

  // Back to the check view and again: the views switch, the code is not fetched twice.
  await page.click('#tab-check');
  assert.equal(await page.locator('#view-check').isVisible(), true);
  assert.equal(await page.locator('#view-reports').isHidden(), true);
  assert.equal(await page.locator('#tab-reports').getAttribute('aria-current'), null);
  await page.click('#tab-reports');
  assert.equal(await page.locator('#view-reports').isVisible(), true);
  assert.equal(await page.locator('#reports-result').isVisible(), true, 'what was read is still there');
  assert.equal(seen.requests.filter((u) => u.endsWith('/report-view.js')).length, 1);
  await clean(ctx);
});

test('every fixture case, opened with the file input and dropped: the page shows expect.json; only the page\'s static files are requested', { timeout: 180_000 }, async () => {
  assert.ok(CASES.length >= 5, `the fixture cases are there (${CASES.length})`);
  const ctx = await open();
  const { page, seen } = ctx;
  await page.waitForLoadState('networkidle');
  const from = seen.requests.length;
  for (const c of CASES) {
    await startOver(page);
    await openFiles(page, c.files);
    await assertShows(page, c, 'file input');
    await startOver(page);
    await dropFiles(page, c.files);
    await assertShows(page, c, 'drop');
  }
  // Reading files uploads nothing: every request after the page loaded is for one of its own static files.
  const later = seen.requests.slice(from);
  for (const u of later) {
    const url = new URL(u);
    if (url.protocol === 'blob:' || url.protocol === 'data:') continue;
    assert.equal(url.origin, web.origin, `only the page's origin: ${u}`);
    assert.ok(existsSync(path.join(dist, decodeURIComponent(url.pathname))), `a static file of the page: ${u}`);
  }
  assert.ok(!seen.requests.some((u) => /^https?:/.test(u) && new URL(u).origin !== web.origin), 'no other origin');
  await clean(ctx);
});

test('files added later are read together with the first ones; the same report twice is counted once and said so', T, async () => {
  const dup = CASES.find((c) => c.name === 'duplicate');
  assert.ok(dup, 'the duplicate case');
  const ctx = await open();
  const { page } = ctx;
  const [first, ...rest] = dup.files;
  await openFiles(page, [first]);
  await openFiles(page, rest);
  await assertShows(page, dup, 'two openings');
  const dupRow = page.locator('#report-table-file tbody tr[data-status="duplicate"]');
  assert.equal(await dupRow.count(), dup.expect.duplicates);
  assert.match(await dupRow.first().locator('[data-col="status"]').textContent() ?? '', /duplicate, counted once/);
  await clean(ctx);
});

test('each file that could not be read is named with its reason; the others still count', T, async () => {
  const bad = CASES.find((c) => c.name === 'bad-files');
  assert.ok(bad, 'the bad-files case');
  const ctx = await open();
  const { page } = ctx;
  await openFiles(page, bad.files);
  await assertShows(page, bad, 'file input');
  const items = await page.locator('.report-errors li').allTextContents();
  assert.equal(items.length, bad.expect.errors.length);
  for (const [i, e] of bad.expect.errors.entries()) {
    assert.ok(items[i].startsWith(`${e.source}: `), `the error names the file: ${items[i]}`);
    assert.ok(items[i].includes(`(${e.code})`), items[i]);
    assert.ok(items[i].length > e.source.length + e.code.length + 10, `and says why: ${items[i]}`);
  }
  await clean(ctx);
});

test('exports: JSON is the aggregate, CSV its tables with a section column (quoted, no formula), as downloads under the CSP', T, async () => {
  const c = CASES.find((x) => x.name === 'containers') ?? CASES[0];
  const ctx = await open();
  const { page } = ctx;
  const tricky = { name: 'tricky.json', bytes: new TextEncoder().encode(reportJson({ org: '=HYPERLINK("http://x.example"), "Inc"', id: 'tricky-1', day: '2026-11-20', domain: 'example.com', ok: 3 })) };
  await openFiles(page, c.files);

  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#report-export-json')]);
  assert.match(json.suggestedFilename(), /^tlsrpt-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.json$/);
  const agg = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.equal(agg.kind, 'tlsrpt-summary');
  assert.equal(agg.schema, 1);
  assert.deepEqual(compareSummary(agg, c.expect), [], 'the JSON export is the aggregate of expect.json');

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#report-export-csv')]);
  assert.match(csvDownload.suggestedFilename(), /\.csv$/);
  const csv = readFileSync(await csvDownload.path(), 'utf8');
  const rows = parseCsv(csv);
  assert.ok(csv.endsWith('\r\n'), 'CRLF line ends (RFC 4180)');
  assert.deepEqual(rows[0], ['section', 'name', 'type', 'successful', 'failed', 'reports', 'detail']);
  const sec = (/** @type {string} */ s) => rows.filter((r) => r[0] === s);
  const [totals] = sec('totals');
  assert.deepEqual([totals[3], totals[4], totals[5]], [String(c.expect.totals.successful), String(c.expect.totals.failed), String(c.expect.reports)]);
  assert.deepEqual(sec('day').map((r) => [r[1], Number(r[3]), Number(r[4])]), c.expect.byDay.map((d) => [d.day, d.successful, d.failed]));
  assert.deepEqual(sec('mx').filter((r) => r[2] === '').map((r) => [r[1], Number(r[4])]), c.expect.byMx.map((m) => [m.mx, m.failed]));
  assert.deepEqual(sec('result_type').map((r) => [r[1], Number(r[4])]), c.expect.byResultType.map((t) => [t.resultType, t.failed]));
  assert.deepEqual(sec('organization').map((r) => [r[1], Number(r[3]), Number(r[4]), Number(r[5])]),
    c.expect.byOrganization.map((o) => [o.organization, o.successful, o.failed, o.reports]));
  assert.deepEqual(sec('policy').map((r) => [r[2], r[1], Number(r[3]), Number(r[4])]), c.expect.byPolicy.map((p) => [p.type, p.domain, p.successful, p.failed]));
  assert.deepEqual(sec('file').map((r) => [r[1], r[2]]), c.expect.files.map((f) => [f.source, f.status]));

  // A reporter's name with a comma, quotes and a formula: quoted, and kept from being a formula.
  await openFiles(page, [tricky]);
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('#report-export-csv')]);
  const text = readFileSync(await again.path(), 'utf8');
  const org = parseCsv(text).filter((r) => r[0] === 'organization').map((r) => r[1]);
  assert.ok(org.includes(`'=HYPERLINK("http://x.example"), "Inc"`), `the formula is written as text: ${org.join(' | ')}`);
  assert.ok(text.includes('"\'=HYPERLINK(""http://x.example""), ""Inc"""'), 'RFC 4180 quoting');
  await clean(ctx);
});

/** RFC 4180 CSV → rows of fields (quoted fields may hold commas, quotes and line ends). @param {string} text */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i += 1;
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test('the policy senders applied beside the one served now (the live check, on request); said plainly when it cannot be read', T, async () => {
  // reports.test serves an enforce policy (support/site.mjs); unread.test has no policy host.
  world.update({
    zone: { ...siteWorld('reports.test').zone, ...siteWorld('unread.test', { noHost: true }).zone },
    hosts: { ...siteWorld('reports.test').hosts },
  });
  const ctx = await open({ allow: [world.resolverUrl, 'https://mta-sts.reports.test', 'https://mta-sts.unread.test'] });
  const { page, seen } = ctx;
  const files = [
    { name: 'a.json', bytes: new TextEncoder().encode(reportJson({ id: 'a', day: '2026-11-20', domain: 'reports.test', ok: 40, failed: 2 })) },
    { name: 'b.json', bytes: new TextEncoder().encode(reportJson({ id: 'b', day: '2026-11-21', domain: 'unread.test', mode: 'enforce', maxAge: 604800, ok: 5 })) },
  ];
  await openFiles(page, files);
  assert.ok(!seen.requests.some((u) => /^https:/.test(u)), 'nothing is asked of the network before the button is pressed');
  const item = page.locator('.compare-item[data-domain="reports.test"]');
  assert.match(await item.textContent() ?? '', /Sender Inc\. applied mode testing, max_age 86400, mx mx1\.reports\.test on 2026-11-20 \(42 sessions\)\./);
  await item.getByRole('button', { name: 'Compare with what reports.test serves now' }).click();
  await item.locator('.compare-result[data-state="done"]').waitFor({ timeout: 15_000 });
  const out = (await item.locator('.compare-result').textContent() ?? '').replace(/\s+/g, ' ');
  assert.match(out, /You now serve mode enforce, max_age 1209600, mx mx1\.reports\.test, \*\.mx\.reports\.test \(policy id 20240501T120000 in _mta-sts\.reports\.test\)\./);
  assert.match(out, /Since what Sender Inc\. applied: mode testing → enforce; max_age 86400 → 1209600; mx added: \*\.mx\.reports\.test\./);
  assert.ok(seen.requests.some((u) => u.startsWith('https://doh.test/')), 'the resolver of the check view\'s settings was asked');
  await page.locator('#reports-policies .report-compare').screenshot({ path: path.join(artifacts, 'reports-compare.png') });

  const unread = page.locator('.compare-item[data-domain="unread.test"]');
  await unread.getByRole('button').click();
  await unread.locator('.compare-result[data-state="unread"], .compare-result[data-state="done"]').waitFor({ timeout: 15_000 });
  assert.equal(await unread.locator('.compare-result').getAttribute('data-state'), 'unread');
  assert.match(await unread.locator('.compare-result').textContent() ?? '', /The live check could not read the policy unread\.test serves now: .+/);
  // The policy host does not exist: its failed fetch is the check's finding, not a page error.
  await clean(ctx, { host: 'mta-sts.unread.test' });
});

test('keyboard: the nav link, the file input (with a visible label) and the result\'s controls are reached with Tab', T, async () => {
  const ctx = await open({ hash: '' });
  const { page } = ctx;
  await page.locator('body[data-state="ready"]').waitFor();
  const focusOrder = [];
  for (let i = 0; i < 40 && !focusOrder.includes('tab-reports'); i += 1) {
    await page.keyboard.press('Tab');
    focusOrder.push(await page.evaluate(() => document.activeElement?.id ?? ''));
  }
  assert.ok(focusOrder.includes('tab-reports'), `the Reports link is reached: ${focusOrder.join(' ')}`);
  await page.keyboard.press('Enter');
  await page.locator('#view-reports[data-state="idle"]').waitFor();
  assert.equal(await page.locator('label[for="report-files"]').isVisible(), true, 'the file input has a visible label');
  const seenIds = [];
  for (let i = 0; i < 20 && !seenIds.includes('report-files'); i += 1) {
    await page.keyboard.press('Tab');
    seenIds.push(await page.evaluate(() => document.activeElement?.id ?? ''));
  }
  assert.ok(seenIds.includes('report-files'), `the file input is reached: ${seenIds.join(' ')}`);
  const c = CASES.find((x) => x.name === 'google') ?? CASES[0];
  await openFiles(page, c.files);
  const reached = new Set();
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => {
      const a = document.activeElement;
      return a ? (a.id || `${a.localName}${a.getAttribute('role') ? `[${a.getAttribute('role')}]` : ''}:${(a.textContent ?? '').trim().slice(0, 30)}`) : '';
    }));
  }
  for (const id of ['report-clear', 'report-export-json', 'report-export-csv']) assert.ok(reached.has(id), `${id} is reached: ${[...reached].join(' | ')}`);
  assert.ok([...reached].some((r) => r.startsWith('div[region]')), 'the tables\' scrolling regions are reached');
  assert.ok([...reached].some((r) => r.startsWith('button:Compare with what')), 'the comparison button is reached');
  // Enter on the JSON button downloads.
  await page.focus('#report-export-json');
  const [d] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(d.suggestedFilename(), /\.json$/);
  await clean(ctx);
});

test('axe-core: no serious or critical violation, light, dark and 360 px; screenshots', { timeout: 90_000 }, async () => {
  assert.ok(existsSync(AXE), `${AXE} is missing: run npm install (or ./tools/test) first`);
  const ctx = await open();
  const { page } = ctx;
  // Every section at once: days, failures of several types, reporters, policies, errors and a duplicate.
  const pick = ['containers', 'google', 'microsoft', 'duplicate', 'bad-files'];
  const files = CASES.filter((c) => pick.includes(c.name)).flatMap((c) => c.files.map((f) => ({ name: `${c.name}-${f.name}`, bytes: f.bytes })));
  await openFiles(page, files);
  const modes = /** @type {const} */ ([['light', 'light', 1280], ['dark', 'dark', 1280], ['360px', 'light', 360]]);
  // Screenshots as the page opens (the disclosures closed): tests/e2e/artifacts/reports-{light,dark,360px}.png.
  for (const [label, colorScheme, width] of modes) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100); // the chart redraws to its new width
    await page.screenshot({ path: path.join(artifacts, `reports-${label}.png`), fullPage: true });
  }
  // axe with every disclosure open: the policy strings, the files' findings, the numbers per day.
  await page.evaluate(() => { for (const d of document.querySelectorAll('#reports-result details')) /** @type {HTMLDetailsElement} */ (d).open = true; });
  await page.locator('#report-table-file').waitFor({ state: 'attached' }); // built when opened, with its own disclosures
  await page.evaluate(() => { for (const d of document.querySelectorAll('#reports-result details')) /** @type {HTMLDetailsElement} */ (d).open = true; });
  await page.evaluate(`${readFileSync(AXE, 'utf8')}\n;void 0;`);
  /** @type {string[]} */
  const problems = [];
  for (const [label, colorScheme, width] of modes) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    const violations = await page.evaluate(async () => {
      // @ts-ignore
      const out = await window.axe.run(document, { resultTypes: ['violations'] });
      return out.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.any?.[0]?.message ? ` (${n.any[0].message})` : ''}`).join('; ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ''}`);
    });
    for (const v of violations) problems.push(`[${label}] ${v}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push(`[${label}] the page scrolls sideways by ${overflow} px`);
  }
  // The chart in the dark theme, on its own, to look at.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.waitForTimeout(100);
  await page.locator('#reports-days').screenshot({ path: path.join(artifacts, 'reports-chart-dark.png') });
  // Its colours come from the theme: the bars and the text differ between light and dark.
  const colours = async () => page.evaluate(() => {
    const get = (/** @type {string} */ sel, /** @type {string} */ prop) => {
      const n = document.querySelector(sel);
      return n ? getComputedStyle(n).getPropertyValue(prop) : '';
    };
    return { ok: get('#reports-days rect.ok', 'fill'), fail: get('#reports-days rect.fail', 'fill'), text: get('#reports-days svg text', 'fill') };
  });
  const dark = await colours();
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await colours();
  for (const k of /** @type {const} */ (['ok', 'fail', 'text'])) {
    assert.ok(dark[k] && light[k] && dark[k] !== light[k], `${k}: ${light[k]} (light) vs ${dark[k]} (dark)`);
  }
  assert.deepEqual(problems, []);
  await clean(ctx);
});

test('offline: once the view has read files, it reads more with the network gone', T, async () => {
  const ctx = await open();
  const { page, context } = ctx;
  // JSON, gzip, zip and a mail: every part of the reader is loaded.
  await openFiles(page, CASES.find((c) => c.name === 'containers')?.files ?? CASES[0].files);
  await context.setOffline(true);
  const before = ctx.seen.requests.length;
  for (const c of CASES) {
    await startOver(page);
    await openFiles(page, c.files);
    await assertShows(page, c, 'offline');
  }
  assert.deepEqual(ctx.seen.requests.slice(before).filter((u) => /^https?:/.test(u)), [], 'not one request');
  await context.setOffline(false);
  await clean(ctx);
});

test('stop: reading many files can be stopped, and the view says so', T, async (t) => {
  const ctx = await open();
  const { page } = ctx;
  const many = Array.from({ length: 1000 }, (_, i) => ({
    name: `r${i}.json`,
    bytes: new TextEncoder().encode(reportJson({ id: `r${i}`, day: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`, domain: 'example.com', ok: i })),
  }));
  await page.setInputFiles('#report-files', many.map((f) => ({ name: f.name, mimeType: 'application/json', buffer: Buffer.from(f.bytes) })));
  await page.locator('#report-stop').click({ timeout: 5000 }).catch(() => {});
  await page.locator('#view-reports[data-state="idle"], #view-reports[data-state="done"]').waitFor({ timeout: 20_000 });
  const state = await page.locator('#view-reports').getAttribute('data-state');
  t.diagnostic(state === 'idle' ? 'stopped while reading' : 'the reading ended before the click');
  if (state === 'idle') {
    assert.match(await page.locator('#report-status').textContent() ?? '', /^Stopped\./);
    assert.equal(await page.locator('#report-stop').isHidden(), true);
    assert.equal(await page.locator('#report-progress').isHidden(), true);
  }
  // Read to the end (the machine was faster than the click) or stopped: the view reads again afterwards.
  await startOver(page);
  const c = CASES[0];
  await openFiles(page, c.files);
  await assertShows(page, c, 'after stop');
  await clean(ctx);
});
