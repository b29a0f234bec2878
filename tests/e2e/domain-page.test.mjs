// The "Check a domain" view of the page (web/index.html, web/check-view.js, web/plan-view.js, web/fixes.mjs) in headless
// Chromium against the simulated internet of support/world.mjs: a DoH resolver at doh.test and
// mta-sts.<x>.test policy hosts over real HTTPS with a test CA (issue 4 §10). What the page shows
// for each domain set-up (the grade, the rows' statuses, the codes) is checked for the scenarios of
// tests/fixtures/scenarios/ marked "page" by tests/e2e/scenarios.test.mjs; this file is about the
// page's behaviour: progress, evidence, fixes, the paste offer and the relay, XSS, history, sharing,
// keyboard, download and accessibility.
//
//   node --test tests/e2e/domain-page.test.mjs
//   MTASTS_DIST=/tmp/p-dist node --test tests/e2e/domain-page.test.mjs
//
// Needs: /usr/bin/chromium (or $CHROMIUM), playwright-core, openssl, certutil (libnss3-tools), and
// node_modules/axe-core/axe.min.js for the accessibility test (that test fails without it).
//
// One browser for the file, a fresh context (own local storage) per test, guarded
// (support/guard.mjs): every page it opens fails its test on a CSP or Trusted Types violation and on a
// request to an origin other than the page's, doh.test, the checked domain's policy host and, when
// set, the relay. Every test ends with clean(): that, no page error, no injected script run. Nothing
// can reach the internet: every name outside .test fails to resolve in this Chromium. Screenshots go
// to tests/e2e/artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePki } from './support/pki.mjs';
import { startWorld } from './support/world.mjs';
import { policyText, siteWorld } from './support/site.mjs';
import { loadScenario, worldInput } from '../support/scenarios.mjs';
import { launch, serveDist, collect, inlineHandlers } from './support/browser.mjs';
import { guard, verifyGuards } from './support/guard.mjs';
import { relayServer } from '../../tools/relay/server.mjs';
import { handle } from '../../tools/relay/relay.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.MTASTS_DIST || path.join(repo, 'dist'));
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const AXE = path.join(repo, 'node_modules/axe-core/axe.min.js');
const T = { timeout: 20_000 };
let axeText = '';
const axeSource = () => (axeText ||= `${readFileSync(AXE, 'utf8')}\n;void 0;`);

// ---------------------------------------------------------------------------
// Scenarios

/** A domain that earns an A unless `host` / `names` / `hosts` break it; the world scenario for it. */
function site(d, options = {}) {
  return { domain: d, world: siteWorld(d, options) };
}

const XSS_IMG = '<img src=x onerror=window.__pwned=1>';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';

/** A shared scenario's world (tests/fixtures/scenarios/<name>/): its domain, world and policy body. */
function fixture(name) {
  const f = loadScenario(name);
  const w = worldInput(f);
  const host = `mta-sts.${f.world.input}`;
  return { domain: f.world.input, world: w, policy: String(w.hosts[host]?.body ?? '') };
}

const S = {
  good: site('good.test'),
  // What each of these is graded, row by row, is the page run of tests/e2e/scenarios.test.mjs; the
  // tests here look at what the page does with it (evidence, fixes, the paste offer, the relay).
  testing: fixture('grade-b-testing'),
  none: fixture('grade-f-no-mta-sts'),
  uncovered: fixture('grade-f-enforce-uncovered'),
  nocors: fixture('policy-cors-blocked'),
  xss: site('xss.test', {
    names: {
      '_mta-sts.xss.test': { TXT: [[`v=STSv1; id=1; x=${XSS_IMG}`]] },
      '_smtp._tls.xss.test': { TXT: [[`v=TLSRPTv1; rua=mailto:${XSS_SCRIPT}`]] },
    },
    host: { body: `version: STSv1\nmode: enforce\nmx: ${XSS_IMG}\nmx: ${XSS_SCRIPT}\nmax_age: 1209600\n` },
  }),
  share: site('share.test'),
  history: site('history.test'),
  keyboard: site('keyboard.test'),
  download: site('download.test'),
  // The change plan: a testing policy of 14 days, and TTLs of its own for each answer.
  plan: site('plan.test', {
    names: {
      'plan.test': { A: ['192.0.2.1'], MX: [[10, 'mx1.plan.test'], [20, 'a.mx.plan.test']], ttl: 3600 },
      '_mta-sts.plan.test': { TXT: [['v=STSv1; id=20240501T120000']], ttl: 600 },
      'mta-sts.plan.test': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'], ttl: 120 },
    },
    host: { body: policyText('plan.test', { mode: 'testing', maxAge: 1209600 }) },
  }),
  axe: site('axe.test', { host: { body: policyText('axe.test', { mx: ['mx1.axe.test'] }) } }),
  // bücher.test, kept (with its certificate) under its A-label form, as DNS holds it.
  idn: { ...site('xn--bcher-kva.test'), typed: 'bücher.test' },
};

// ---------------------------------------------------------------------------
// Setup: PKI, world, one browser, the dist server; the relay on demand.

let tmp = '';
/** @type {ReturnType<typeof makePki>} */
let pki;
/** @type {Awaited<ReturnType<typeof startWorld>>} */
let world;
/** @type {Awaited<ReturnType<typeof launch>>} */
let chrome;
/** @type {Awaited<ReturnType<typeof serveDist>>} */
let web;
/** @type {import('node:http').Server | null} */
let relay = null;
/** @type {{ url: string }[]} what the relay was asked */
const relayLog = [];

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mtasts-e2e-domain-'));
  const names = ['doh.test', ...Object.values(S).map((s) => `mta-sts.${s.domain}`)];
  pki = makePki(tmp, names);
  world = await startWorld({ pki });
  [web, chrome] = await Promise.all([serveDist(dist), launch({ worldPort: world.port, pkiDir: pki.dir })]);
  mkdirSync(artifacts, { recursive: true });
});

afterEach(verifyGuards);

after(async () => {
  await chrome?.close();
  await web?.close();
  if (relay) {
    relay.closeAllConnections?.();
    await new Promise((r) => relay?.close(() => r(undefined)));
  }
  await world?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/**
 * The relay's upstream fetch: GET the world's policy host over HTTPS (HTTP/1.1) with the test CA
 * and the host's own SNI, as a WHATWG Response.
 * @param {string} url @param {RequestInit} [init]
 */
function upstreamFetch(url, init = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: world.port, servername: u.hostname, ca: pki.caPem, path: u.pathname + u.search,
      method: init.method ?? 'GET', headers: { ...(/** @type {any} */ (init.headers) ?? {}), host: u.hostname }, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 502;
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const body = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    init.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
    req.end();
  });
}

async function startRelay() {
  if (relay) return relay;
  relay = relayServer((request) => {
    relayLog.push({ url: request.url });
    return handle(request, { fetch: upstreamFetch });
  });
  await new Promise((r) => relay?.listen(0, '127.0.0.1', () => r(undefined)));
  return relay;
}

// ---------------------------------------------------------------------------
// Driving the page

/**
 * A fresh context and page with the resolver set to doh.test: `settings` 'stored' puts the saved
 * settings in local storage before the page loads (as a previous visit would have), 'ui' sets them
 * through the settings panel, 'none' leaves them alone (the default resolver, unless `url` has one).
 * The context's guard allows the page's origin, doh.test, the policy host of `domain` (the domain
 * the test checks) and `extra` origins (the relay).
 * `doneCount()` counts #check-result reaching data-state=done.
 * @param {{ domain: string, extra?: string[], url?: string, settings?: 'stored'|'ui'|'none', colorScheme?: 'light'|'dark', width?: number }} o
 */
async function open({ domain, extra = [], url = '', settings = 'stored', colorScheme = 'light', width = 1280 }) {
  const context = await chrome.browser.newContext({ colorScheme, viewport: { width, height: 900 }, acceptDownloads: true });
  const g = await guard(context, { allow: [web.origin, world.resolverUrl, `https://mta-sts.${domain}`, ...extra], world });
  if (settings === 'stored') {
    // As a previous visit would have left them (Playwright's storageState costs a page load).
    await context.addInitScript((value) => {
      if (location.protocol === 'http:' && localStorage.getItem('mtasts.settings') === null) localStorage.setItem('mtasts.settings', value);
    }, JSON.stringify({ resolver: world.resolverUrl, relay: '' }));
  }
  const page = await context.newPage();
  const seen = collect(page);
  await page.addInitScript(() => {
    // Counts checks that finished, and traces what the result showed on the way (test-only observers).
    /** @type {any} */
    const w = window;
    w.__done = 0;
    w.__trace = { states: [], pending: 0, progress: [], stopShown: false };
    let last = '';
    document.addEventListener('DOMContentLoaded', () => {
      const box = document.getElementById('check-result');
      if (!box) return;
      new MutationObserver(() => {
        const state = box.dataset.state ?? '';
        if (state !== last) w.__trace.states.push(state);
        if (state === 'running' && !document.getElementById('stop-button')?.hidden) w.__trace.stopShown = true;
        if (state === 'running') {
          w.__trace.pending = Math.max(w.__trace.pending, document.querySelectorAll('#checks details[data-status="pending"]').length);
          const p = document.getElementById('progress')?.textContent ?? '';
          if (p && w.__trace.progress.at(-1) !== p) w.__trace.progress.push(p);
        }
        if (state === 'done' && last !== 'done') w.__done += 1;
        last = state;
      }).observe(box, { attributes: true, attributeFilter: ['data-state'], childList: true, subtree: true, characterData: true });
    });
  });
  const nav = await page.goto(`${web.base}${url}`);
  assert.equal(nav?.status(), 200);
  if (settings === 'ui') await saveSettings(page, { resolver: world.resolverUrl });
  if (settings !== 'none') assert.equal(await page.locator('#resolver-name').textContent(), 'doh.test');
  return { context, page, seen, guard: g };
}

/** Sets the resolver (custom) and the relay through the settings panel and saves. */
async function saveSettings(page, { resolver, relayTemplate }) {
  const settings = page.locator('#settings');
  if (!(await settings.evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open))) await page.click('#settings > summary');
  if (resolver) {
    await page.check('input[name=resolver][value=custom]');
    await page.fill('#resolver-custom', resolver);
  }
  if (relayTemplate !== undefined) await page.fill('#relay', relayTemplate);
  await page.click('#settings-save');
  await page.locator('#settings-status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 2000 });
  await page.click('#settings > summary'); // close it again
}

const doneCount = (page) => page.evaluate(() => /** @type {any} */ (window).__done);

/** Waits until one more check than `before` has finished. */
async function waitDone(page, before, timeout = 12_000) {
  await page.waitForFunction((n) => /** @type {any} */ (window).__done > n, before, { timeout });
}

/** Types `input` into #domain, submits with the button, waits for the result. */
async function runCheck(page, input) {
  const n = await doneCount(page);
  await page.fill('#domain', input);
  await page.click('#check-button');
  await waitDone(page, n);
  return result(page);
}

/** What the result shows. */
function result(page) {
  return page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const box = /** @type {HTMLElement} */ (q('#check-result'));
    return {
      state: box.dataset.state,
      grade: box.dataset.grade,
      gradeText: (q('#grade-value') ?? q('#grade'))?.textContent ?? '',
      gradeFull: q('#grade')?.textContent ?? '',
      verdict: q('#verdict')?.textContent ?? '',
      progress: q('#progress')?.textContent ?? '',
      rows: Object.fromEntries([...document.querySelectorAll('#checks details.check')].map((d) => [
        /** @type {HTMLElement} */ (d).dataset.id, /** @type {HTMLElement} */ (d).dataset.status])),
      codes: [...document.querySelectorAll('#checks li.finding code.code')].map((c) => c.textContent),
    };
  });
}

/** The check row `id` (a details element). */
const row = (page, id) => page.locator(`#checks details.check[data-id="${id}"]`);

/** Opens every check row (so that its evidence is visible). */
async function openAll(page) {
  await page.evaluate(() => { for (const d of document.querySelectorAll('#checks details')) /** @type {HTMLDetailsElement} */ (d).open = true; });
}

/**
 * Ends every test: the guard's verdict (no CSP violation, only the allowed origins asked; the
 * suite's afterEach asks it again), no page error, no injected script ran; closes the context.
 */
async function clean({ page, seen, context, guard: g }) {
  try {
    g.verify();
    assert.deepEqual(seen.errors.filter((e) => /^page error/.test(e)), [], 'no page error');
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__pwned), undefined, 'no injected script ran');
  } finally {
    await context.close();
  }
}

/** A finding row in check `id` with `code`; returns its locator. */
function finding(page, id, code) {
  return row(page, id).locator('li.finding', { has: page.locator('code.code', { hasText: code }) });
}

const brief = (r) => JSON.stringify(r);

// ---------------------------------------------------------------------------
// The tests

test('grade A: the grade, six passing rows with evidence, the fixes; screenshot domain-A.png', T, async () => {
  const s = S.good;
  world.update(s.world);
  const ctx = await open({ domain: s.domain, settings: 'ui' });
  const { page } = ctx;
  assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('mtasts.settings') ?? 'null')),
    { resolver: world.resolverUrl, relay: '' }, 'the settings are saved in local storage');
  const r = await runCheck(page, s.domain);
  assert.equal(r.state, 'done');
  assert.equal(r.grade, 'A', brief(r));
  // On the way: data-state running then done, rows pending, "n of 6 checks done", the Stop button.
  const trace = await page.evaluate(() => /** @type {any} */ (window).__trace);
  assert.deepEqual(trace.states, ['running', 'done'], JSON.stringify(trace));
  assert.ok(trace.pending > 0, `pending rows were shown: ${JSON.stringify(trace)}`);
  assert.ok(trace.progress.some((p) => /^\d of 6 checks done$/.test(p)), JSON.stringify(trace));
  assert.ok(trace.stopShown, 'the Stop button shows while a check runs');
  assert.equal(await page.locator('#stop-button').isHidden(), true, 'and hides when it is done');
  assert.equal(r.gradeText, 'A');
  assert.match(r.gradeFull, /^(Grade:?\s*)?A$/, 'the grade is there as text, for screen readers too');
  assert.ok(r.verdict.length > 10, `a one-sentence verdict: ${r.verdict}`);
  assert.match(r.progress, /good\.test · complete · \d+ ms · resolver doh\.test/);
  assert.deepEqual(Object.keys(r.rows), ['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt', 'dane']);
  for (const id of ['sts', 'policy_fetch', 'policy', 'mx', 'tlsrpt']) assert.equal(r.rows[id], 'pass', brief(r));
  for (const [id, status] of Object.entries(r.rows)) {
    assert.match(await row(page, id).getAttribute('class') ?? '', new RegExp(`\\bcheck ${status}\\b`));
  }
  // No row opens by itself on a pass; each summary has a status, a title and a summary.
  assert.equal(await page.locator('#checks details[open]').count(), 0);
  const sum = row(page, 'sts').locator('summary');
  assert.equal(await sum.locator('.status').textContent(), 'Pass');
  assert.equal(await sum.locator('.check-title').textContent(), 'MTA-STS TXT record');
  assert.ok((await sum.locator('.check-summary').textContent())?.length);

  // The evidence.
  await openAll(page);
  assert.deepEqual(await row(page, 'sts').locator('.records li code').allTextContents(), ['v=STSv1; id=20240501T120000']);
  assert.deepEqual(await row(page, 'policy').locator('ol.policy-lines li > code').allTextContents(), policyText(s.domain).trimEnd().split('\n'));
  // Only the wildcard line carries a note (info: what `*.` accepts).
  assert.deepEqual(await row(page, 'policy').locator('ol.policy-lines li.marked > code').allTextContents(), [`mx: *.mx.${s.domain}`]);
  assert.match(await row(page, 'policy').locator('ol.policy-lines li.marked').getAttribute('class') ?? '', /\binfo\b/);
  assert.equal(await row(page, 'mx').locator('table.mx-table tbody tr').count(), 2);
  assert.equal(await row(page, 'mx').locator('tr.uncovered').count(), 0);
  await row(page, 'policy_fetch').getByText('fetched by your browser', { exact: true }).waitFor({ state: 'visible', timeout: 1000 });

  // The fixes: the policy (enforce, the real MX), a fresh id, the TLS-RPT record, copy buttons, the rollout.
  await page.locator('#fixes').waitFor({ state: 'visible', timeout: 1000 });
  const fixes = await page.locator('#fixes .fix pre code').allTextContents();
  assert.equal(fixes.length, 3, JSON.stringify(fixes));
  assert.equal(fixes[0], policyText(s.domain));
  assert.match(fixes[1], /^v=STSv1; id=\d{14}$/);
  assert.notEqual(fixes[1], 'v=STSv1; id=20240501T120000', 'a fresh id');
  assert.equal(fixes[2], `v=TLSRPTv1; rua=mailto:tlsrpt@${s.domain}`);
  assert.equal(await page.locator('#fixes .fix button.copy').count(), 3);
  assert.equal(await page.locator('#fixes ol.rollout li').count(), 5);
  assert.ok(!(await page.locator('#fixes ol.rollout').textContent())?.includes('<domain>'));

  // The share link and the history.
  assert.equal(new URL(await page.locator('#share').evaluate((a) => /** @type {HTMLAnchorElement} */ (a).href)).searchParams.get('domain'), s.domain);
  assert.match(await page.locator('#history li').first().textContent() ?? '', /^good\.test · A · /);

  // Screenshot: the rows closed, as a visitor first sees them.
  await page.evaluate(() => { for (const d of document.querySelectorAll('#checks details')) /** @type {HTMLDetailsElement} */ (d).open = false; });
  await page.screenshot({ path: path.join(artifacts, 'domain-A.png'), fullPage: true });
  await clean(ctx);
});

test('testing mode: the evidence shows the mode, the suggested policy keeps testing', T, async () => {
  const s = S.testing;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  await runCheck(ctx.page, s.domain);
  await openAll(ctx.page);
  assert.match(await row(ctx.page, 'policy').locator('.evidence').textContent() ?? '', /Modetesting/);
  // The suggested policy keeps testing mode and says so.
  assert.match(await ctx.page.locator('#fixes .fix pre code').first().textContent() ?? '', /^version: STSv1\nmode: testing\n/);
  await clean(ctx);
});

test('no MTA-STS at all: the finding is shown and the suggested policy starts in testing mode', T, async () => {
  const s = S.none;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  await runCheck(ctx.page, s.domain);
  await finding(ctx.page, 'sts', 'sts.dns.missing').waitFor({ state: 'visible', timeout: 1000 }); // failed rows open
  const fixes = await ctx.page.locator('#fixes .fix pre code').allTextContents();
  assert.equal(fixes[0], `version: STSv1\nmode: testing\nmx: mx1.${s.domain}\nmx: mx2.${s.domain}\nmax_age: 604800\n`);
  await clean(ctx);
});

test('an MX host the policy does not cover: the .uncovered row, the finding, the fix adds the host; screenshot', T, async () => {
  const s = S.uncovered;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  await runCheck(page, s.domain);
  const mx = row(page, 'mx');
  assert.equal(await mx.evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open), true, 'a failed row opens by itself');
  const uncovered = mx.locator('table.mx-table tr.uncovered');
  assert.equal(await uncovered.count(), 1);
  assert.ok((await uncovered.textContent() ?? '').startsWith(`mx2.${s.domain}20no`), await uncovered.textContent() ?? '');
  await uncovered.waitFor({ state: 'visible', timeout: 1000 });
  const f = finding(page, 'mx', 'mx.not_covered');
  await f.waitFor({ state: 'visible', timeout: 1000 });
  assert.ok((await f.textContent() ?? '').includes(`mx2.${s.domain}`));
  // The suggested policy adds the uncovered host.
  assert.ok((await page.locator('#fixes .fix pre code').first().textContent() ?? '').includes(`\nmx: mx2.${s.domain}\n`));
  await page.screenshot({ path: path.join(artifacts, 'domain-F-uncovered.png'), fullPage: true });
  await clean(ctx);
});

test('a policy host without CORS, completed by paste: the grade becomes known, the row says pasted', T, async () => {
  const s = S.nocors;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  let r = await runCheck(page, s.domain);
  assert.equal(r.grade, '', `no grade yet: ${brief(r)}`);
  assert.ok(r.codes.includes('policy.fetch.cors_blocked'), brief(r));
  assert.match(r.verdict, /anywhere from F to A\+?\.$/, 'the range is shown, once');
  assert.equal(r.verdict.match(/F to A/g).length, 1, 'the range is shown once');
  const offer = row(page, 'policy_fetch').locator('form.paste-offer');
  await offer.waitFor({ state: 'visible', timeout: 1000 });
  const link = offer.locator('a');
  assert.equal(await link.getAttribute('href'), `https://mta-sts.${s.domain}/.well-known/mta-sts.txt`);
  assert.equal(await link.getAttribute('target'), '_blank');
  const n = await doneCount(page);
  await offer.locator('textarea').fill(s.policy);
  await offer.getByRole('button', { name: 'Finish the check with this policy' }).click();
  await waitDone(page, n);
  r = await result(page);
  assert.equal(r.grade, 'A', brief(r));
  assert.ok(r.codes.includes('policy.fetch.pasted'), brief(r));
  await openAll(page);
  await row(page, 'policy_fetch').getByText('pasted by you', { exact: true }).waitFor({ state: 'visible', timeout: 1000 });
  assert.equal(await page.locator('form.paste-offer').count(), 0, 'the offer is gone once pasted');
  assert.equal(await page.inputValue('#domain'), s.domain);
  await clean(ctx);
});

test('a policy host without CORS, through the relay: graded, the row says it came through the relay', T, async () => {
  const s = S.nocors;
  world.update(s.world);
  const server = await startRelay();
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const relayOrigin = `http://127.0.0.1:${port}`;
  relayLog.length = 0;
  const ctx = await open({ domain: s.domain, extra: [relayOrigin] });
  const { page } = ctx;
  // A template without {url} is refused, and nothing is saved.
  await page.click('#settings > summary');
  await page.fill('#relay', `${relayOrigin}/`);
  await page.click('#settings-save');
  assert.equal(await page.locator('#settings-status').textContent(), 'The relay template must contain {url}.');
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('mtasts.settings') ?? '{}').relay), '');
  await page.click('#settings > summary');
  await saveSettings(page, { relayTemplate: `${relayOrigin}/?url={url}` });
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('mtasts.settings') ?? '{}').relay), `${relayOrigin}/?url={url}`);
  // Saved: a reload shows them again.
  await page.reload();
  assert.equal(await page.inputValue('#relay'), `${relayOrigin}/?url={url}`);
  assert.equal(await page.locator('input[name=resolver][value=custom]').isChecked(), true);
  assert.equal(await page.inputValue('#resolver-custom'), world.resolverUrl);
  const r = await runCheck(page, s.domain);
  assert.equal(r.grade, 'A', brief(r));
  assert.ok(r.codes.includes('policy.fetch.relay'), brief(r));
  await openAll(page);
  await row(page, 'policy_fetch').getByText('fetched through your relay', { exact: true }).waitFor({ state: 'visible', timeout: 1000 });
  assert.equal(await page.locator('form.paste-offer').count(), 0);
  assert.deepEqual(relayLog.map((x) => new URL(x.url).searchParams.get('url')), [`https://mta-sts.${s.domain}/.well-known/mta-sts.txt`]);
  // The relay's upstream GET reached the policy host with its own SNI.
  assert.ok(world.requests.some((q) => q.host === `mta-sts.${s.domain}` && q.servername === `mta-sts.${s.domain}` && q.headers['user-agent'] === 'mtasts-relay'),
    JSON.stringify(world.requests.map((q) => [q.host, q.headers['user-agent']])));
  await clean(ctx);
});

test('XSS: payloads in TXT records and in the policy show as text and never run', T, async () => {
  const s = S.xss;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  const r = await runCheck(page, s.domain);
  assert.equal(r.state, 'done');
  await openAll(page);
  assert.deepEqual(await row(page, 'sts').locator('.records li code').allTextContents(), [`v=STSv1; id=1; x=${XSS_IMG}`]);
  assert.deepEqual(await row(page, 'tlsrpt').locator('.records li code').allTextContents(), [`v=TLSRPTv1; rua=mailto:${XSS_SCRIPT}`]);
  const lines = await row(page, 'policy').locator('ol.policy-lines li code').allTextContents();
  assert.ok(lines.includes(`mx: ${XSS_IMG}`) && lines.includes(`mx: ${XSS_SCRIPT}`), JSON.stringify(lines));
  for (const text of [XSS_IMG, XSS_SCRIPT]) {
    const shown = page.locator('#checks code', { hasText: text });
    assert.ok(await shown.count() >= 1, `${text} is shown`);
    await shown.first().waitFor({ state: 'visible', timeout: 1000 });
  }
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no img element was made');
  assert.equal(await page.locator('#checks script, #fixes script').count(), 0, 'no script element was made');
  await page.waitForTimeout(100); // an onerror would have fired by now
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__pwned), undefined);

  // The same payload as the domain, from a link: not a domain, nothing asked, shown as text.
  world.update(s.world);
  await page.goto(`${web.base}?domain=${encodeURIComponent(XSS_IMG)}`);
  await waitDone(page, 0);
  const bad = await result(page);
  assert.equal(bad.grade, '', brief(bad));
  assert.ok(bad.codes.includes('domain.invalid'), brief(bad));
  assert.equal(await page.inputValue('#domain'), XSS_IMG);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.deepEqual(world.requests, [], 'nothing was sent for an invalid domain');
  await clean(ctx);
});

test('no inline event handler anywhere: after a full result, a paste offer, the history and the lint view', T, async () => {
  // Two domains in one world: one whose policy host has no CORS (the paste offer), one that earns an A.
  const a = S.nocors;
  const b = S.good;
  world.update({ zone: { ...a.world.zone, ...b.world.zone }, hosts: { ...a.world.hosts, ...b.world.hosts } });
  const ctx = await open({ domain: b.domain, extra: [`https://mta-sts.${a.domain}`] });
  const { page } = ctx;
  /** @type {Record<string, { handlers: string[], roots: number, elements: number }>} */
  const seenAt = {};
  await runCheck(page, a.domain);
  await row(page, 'policy_fetch').locator('form.paste-offer').waitFor({ state: 'visible', timeout: 1000 });
  seenAt['paste offer'] = await inlineHandlers(page);
  const r = await runCheck(page, b.domain);
  assert.equal(r.grade, 'A', brief(r));
  await openAll(page);
  await page.click('#settings > summary');
  await page.click('#plan-open > summary');
  await page.locator('#plan[data-state="done"]').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('#history li').count(), 2);
  assert.equal(await page.locator('#fixes .fix button.copy').count(), 3);
  seenAt['full result'] = await inlineHandlers(page);
  await page.click('#tab-lint');
  await page.locator('#view-lint').waitFor({ state: 'visible', timeout: 2000 });
  await page.click('button[data-example="broken"]');
  await page.locator('#findings li.finding').first().waitFor({ timeout: 2000 });
  seenAt['lint view'] = await inlineHandlers(page);
  for (const [when, found] of Object.entries(seenAt)) {
    assert.deepEqual(found.handlers, [], `no on* attribute (${when})`);
    assert.ok(found.elements > 100, `${when}: the walk saw the rendered page (${found.elements} elements)`);
  }
  await clean(ctx);
});

test('requests: only the page origin, doh.test and the policy host; the world saw only those hosts', T, async () => {
  const s = S.good;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const r = await runCheck(ctx.page, s.domain);
  assert.equal(r.grade, 'A', brief(r));
  const origins = new Set(ctx.seen.requests.filter((u) => !/^(data|blob):/.test(u)).map((u) => new URL(u).origin));
  assert.deepEqual([...origins].sort(), [web.origin, 'https://doh.test', `https://mta-sts.${s.domain}`].sort());
  assert.deepEqual([...new Set(world.requests.map((q) => q.host))].sort(), ['doh.test', `mta-sts.${s.domain}`]);
  assert.deepEqual(ctx.seen.failed.filter((f) => f.error !== 'net::ERR_ABORTED'), [], 'no request failed');
  await clean(ctx);
});

test('axe-core: no serious or critical violation, light, dark and 360 px', { timeout: 30_000 }, async () => {
  assert.ok(existsSync(AXE), `${AXE} is missing: axe-core (package.json devDependencies) is not installed; run npm install (or ./tools/test) first`);
  const s = S.axe;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  const r = await runCheck(page, s.domain);
  assert.equal(r.grade, 'F', brief(r));
  await openAll(page); // every row's evidence and findings
  await page.click('#settings > summary'); // and the settings
  await page.click('#plan-open > summary'); // and the change plan
  await page.locator('#plan[data-state="done"]').waitFor({ timeout: 5000 });
  // page.addScriptTag({ path }) inlines the file into a <script>, which the page's CSP (script-src 'self')
  // rightly refuses; the DevTools protocol's evaluate is not subject to it.
  await page.evaluate(axeSource());
  /** @type {string[]} */
  const problems = [];
  for (const [label, colorScheme, width] of /** @type {const} */ ([['light', 'light', 1280], ['dark', 'dark', 1280], ['360 px', 'light', 360]])) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width, height: 900 });
    const violations = await page.evaluate(async () => {
      // @ts-ignore
      const out = await window.axe.run(document, { resultTypes: ['violations'] });
      return out.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.any?.[0]?.message ? ` (${n.any[0].message})` : ''}`).join('; ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ''}`);
    });
    for (const v of violations) problems.push(`[${label}] ${v}`);
    if (width === 360) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) problems.push(`[${label}] the page scrolls sideways by ${overflow} px`);
      await page.screenshot({ path: path.join(artifacts, 'domain-F-uncovered-360.png'), fullPage: true });
    }
  }
  assert.deepEqual(problems, []);
  await clean(ctx);
});

test('the share URL: ?domain= runs the check on load, &resolver= is used', T, async () => {
  const s = S.share;
  world.update(s.world);
  const ctx = await open({ domain: s.domain, url: `?domain=${s.domain}&resolver=${encodeURIComponent(world.resolverUrl)}`, settings: 'none' });
  const { page } = ctx;
  await waitDone(page, 0);
  const r = await result(page);
  assert.equal(r.grade, 'A', brief(r));
  assert.equal(await page.inputValue('#domain'), s.domain);
  assert.match(r.progress, /resolver doh\.test/);
  assert.ok(world.requests.some((q) => q.host === 'doh.test'), 'the resolver from the link was asked');
  const share = new URL(await page.locator('#share').evaluate((a) => /** @type {HTMLAnchorElement} */ (a).href));
  assert.equal(share.searchParams.get('domain'), s.domain);
  assert.equal(share.searchParams.get('resolver'), world.resolverUrl);
  // The resolver from a link is used for this visit and not saved.
  assert.equal(await page.evaluate(() => localStorage.getItem('mtasts.settings')), null);
  // Following the share link again in a new page gives the same result.
  const again = await ctx.context.newPage();
  const seen2 = collect(again);
  await again.goto(share.href);
  await again.locator('#check-result[data-state="done"]').waitFor({ timeout: 12_000 });
  assert.equal(await again.locator('#check-result').getAttribute('data-grade'), 'A');
  assert.ok(seen2.requests.some((u) => u.startsWith('https://doh.test/')), 'the second page asked the resolver');
  // Its CSP and its requests answer to the context's guard, as the first page's do.
  await clean(ctx);
});

test('history: a policy body that changed while the TXT id did not shows the stale-id warning', T, async () => {
  const s = S.history;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  let r = await runCheck(page, s.domain);
  assert.equal(r.grade, 'A', brief(r));
  assert.equal(await page.locator('#checks li.stale-id').count(), 0);
  assert.equal(await page.locator('#history li').count(), 1);

  // Same TXT id, new policy body (max_age changed).
  world.update({ ...s.world, hosts: { [`mta-sts.${s.domain}`]: { body: policyText(s.domain, { maxAge: 2419200 }) } } });
  r = await runCheck(page, s.domain);
  assert.equal(r.grade, 'A', brief(r));
  const warning = page.locator('#checks li.stale-id');
  await warning.waitFor({ state: 'visible', timeout: 1000 });
  assert.match(await warning.textContent() ?? '', /changed.*id is still 20240501T120000/s);
  assert.equal(await page.locator('#history li').count(), 2);
  for (const li of await page.locator('#history li').allTextContents()) assert.match(li, /^history\.test · A · /);
  await clean(ctx);
});

test('an internationalised domain typed in Unicode: checked as its A-label form, shown in both forms', T, async () => {
  const s = S.idn;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  const r = await runCheck(page, s.typed);
  assert.equal(r.grade, 'A', brief(r));
  assert.ok(r.progress.startsWith('bücher.test (xn--bcher-kva.test) · complete'), r.progress);
  assert.ok(r.codes.includes('domain.idn'), brief(r));
  // The records are A-labels (what goes into a zone), with the Unicode form beside them.
  await openAll(page);
  assert.match(await row(page, 'sts').locator('.check-evidence').textContent() ?? '',
    /_mta-sts\.xn--bcher-kva\.test \(_mta-sts\.bücher\.test\)/);
  assert.match(await row(page, 'policy_fetch').locator('.check-evidence').textContent() ?? '',
    /https:\/\/mta-sts\.xn--bcher-kva\.test\/\.well-known\/mta-sts\.txt.*mta-sts\.bücher\.test/s);
  const fixes = await page.locator('#fixes-body').textContent() ?? '';
  assert.match(fixes, /TXT record _mta-sts\.xn--bcher-kva\.test \(_mta-sts\.bücher\.test\)/);
  assert.match(fixes, /TXT record _smtp\._tls\.xn--bcher-kva\.test \(_smtp\._tls\.bücher\.test\)/);
  assert.match(fixes, /mx: mx1\.xn--bcher-kva\.test/);
  // The address bar and the share link keep the form typed; the history shows both and links the typed form.
  assert.equal(new URL(page.url()).searchParams.get('domain'), 'bücher.test');
  assert.match((await page.locator('#history li').first().textContent()) ?? '', /^bücher\.test \(xn--bcher-kva\.test\) · A · /);
  const href = await page.locator('#history li a').first().getAttribute('href');
  assert.equal(new URL(href ?? '', web.base).searchParams.get('domain'), 'bücher.test');
  // The A-label typed as such is shown in both forms too (the core decodes it).
  const again = await runCheck(page, 'xn--bcher-kva.test');
  assert.ok(again.progress.startsWith('bücher.test (xn--bcher-kva.test) · complete'), again.progress);
  assert.equal(await page.locator('#history li').count(), 2);
  await clean(ctx);
});

test('keyboard: Tab reaches the input, Enter runs the check, rows open with Enter and Space', T, async () => {
  const s = S.keyboard;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  // From the top of the freshly loaded page: nothing focused yet.
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
  let tabs = 0;
  while ((await focusedId()) !== 'domain' && tabs < 10) { await page.keyboard.press('Tab'); tabs += 1; }
  assert.equal(await focusedId(), 'domain', `Tab reaches #domain (${tabs} presses)`);
  await page.keyboard.type(`postmaster@${s.domain}`);
  const n = await doneCount(page);
  await page.keyboard.press('Enter');
  await waitDone(page, n);
  const r = await result(page);
  assert.equal(r.grade, 'A', brief(r));
  assert.match(r.progress, /^keyboard\.test · /, 'the domain of the email address was checked');

  // Tab on to the rows' summaries.
  const focusedRow = () => page.evaluate(() => {
    const a = document.activeElement;
    return a?.tagName === 'SUMMARY' && a.closest('#checks') ? /** @type {HTMLElement} */ (a.parentElement).dataset.id : '';
  });
  tabs = 0;
  while (!(await focusedRow()) && tabs < 20) { await page.keyboard.press('Tab'); tabs += 1; }
  const first = await focusedRow();
  assert.equal(first, 'sts', `Tab reaches the first row (${tabs} presses)`);
  const isOpen = (id) => row(page, id).evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open);
  assert.equal(await isOpen('sts'), false);
  await page.keyboard.press('Enter');
  assert.equal(await isOpen('sts'), true, 'Enter opens a row');
  // Inside an open row the next Tab stops may be in its body; go on to the next summary.
  tabs = 0;
  do { await page.keyboard.press('Tab'); tabs += 1; } while ((await focusedRow()) !== 'policy_fetch' && tabs < 20);
  assert.equal(await focusedRow(), 'policy_fetch');
  await page.keyboard.press('Space');
  assert.equal(await isOpen('policy_fetch'), true, 'Space opens a row');
  await page.keyboard.press('Space');
  assert.equal(await isOpen('policy_fetch'), false, 'Space closes it again');
  // The focus is visible (an outline) on a summary.
  const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
  assert.notEqual(outline, 'none', 'a visible focus indicator');
  await clean(ctx);
});

test('the change plan: dates from the world\'s max_age and TTLs, a planned MX host not covered, the .txt download', T, async () => {
  const s = S.plan;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  await page.clock.setFixedTime(new Date('2026-12-01T09:00:00Z'));
  const r = await runCheck(page, s.domain);
  assert.equal(r.grade, 'B', brief(r));
  // The section is offered, closed: neither its code nor the report module that computes it has loaded.
  await page.locator('#plan').waitFor({ state: 'visible', timeout: 1000 });
  const loaded = async () => ctx.seen.requests.filter((u) => /^https?:/.test(u)).map((u) => new URL(u).pathname)
    .filter((p) => /\/(plan-view\.js|report\.mjs|mtasts-report-core\.(mjs|wasm))$/.test(p)).sort();
  assert.equal(await page.locator('#plan-open').evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open), false);
  assert.equal(await page.locator('#plan details.plan-change').count(), 0);
  assert.deepEqual(await loaded(), []);
  // Opened from the keyboard: the summary is a tab stop, Enter opens it; the section says it is loading, then shows the plan.
  await page.focus('#plan-open > summary');
  await page.keyboard.press('Enter');
  await page.locator('#plan[data-state="done"]').waitFor({ timeout: 5000 });
  assert.deepEqual(await loaded(), ['/mtasts-report-core.mjs', '/mtasts-report-core.wasm', '/plan-view.js', '/report.mjs']);
  assert.equal(await page.locator('#plan-status').textContent(), '');
  const change = (id) => page.locator(`#plan details.plan-change[data-change="${id}"]`);
  const whens = (id) => change(id).locator('.plan-when').allTextContents();
  assert.equal(await page.locator('#plan details.plan-change').count(), 4);
  // max_age 1209600 s: every copy of the testing policy served until 09:00 on 12-01 has expired 14 days later.
  assert.deepEqual(await whens('enforce'), ['from 2026-12-01 09:00 UTC (now)', 'after 2026-12-01 09:00 UTC',
    'after 2026-12-01 09:00 UTC', 'after 2026-12-15 09:00 UTC']);
  // Withdrawing: the record after max_age, the policy host after the _mta-sts TTL (600 s).
  assert.deepEqual((await whens('withdraw')).slice(2), ['after 2026-12-15 09:00 UTC', 'after 2026-12-15 09:10 UTC']);
  // Moving the policy host: the old one serves for the A/AAAA TTL (120 s).
  assert.equal((await whens('policy_host'))[2], 'after 2026-12-01 09:02 UTC');
  const records = await change('enforce').locator('.fix pre code').allTextContents();
  assert.deepEqual(records, [policyText(s.domain, { mode: 'enforce', maxAge: 1209600 }), 'v=STSv1; id=20261201090000']);
  assert.equal(await change('enforce').locator('.fix button.copy').count(), 2);
  assert.equal(await page.locator('#fixes .fix').count(), 3, 'the plan\'s records are not among the fixes');

  // A planned MX host that no mx line covers: the migration is redrawn with the warning, nothing else changes.
  await change('mx').locator('summary').click();
  await page.fill('#plan-mx', 'mx.elsewhere.example');
  const warning = change('mx').locator('.plan-warnings li');
  await warning.waitFor({ state: 'visible', timeout: 1000 });
  assert.match(await warning.textContent() ?? '', /^mx\.elsewhere\.example is not covered by the policy served today/);
  assert.equal(await change('mx').evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open), true, 'it stays open');
  assert.deepEqual(await whens('mx'), ['from 2026-12-01 09:00 UTC (now)', 'after 2026-12-01 09:00 UTC',
    'after 2026-12-15 09:00 UTC', 'after 2026-12-15 10:00 UTC', 'after 2026-12-15 10:00 UTC']);
  assert.ok((await change('mx').locator('.fix pre code').allTextContents()).includes('10 mx.elsewhere.example.'));

  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#plan-download')]);
  assert.equal(dl.suggestedFilename(), `mtasts-plan-${s.domain}.txt`);
  const text = readFileSync(await dl.path(), 'utf8');
  assert.match(text, /^MTA-STS change plan for plan\.test\nMade 2026-12-01 09:00 UTC /);
  assert.match(text, /TTLs: MX 3600 s, _mta-sts 600 s, _smtp\._tls 300 s, mta-sts 120 s/);
  assert.ok(text.includes('! mx.elsewhere.example is not covered by the policy served today'), text);
  assert.ok(text.includes('Step 4, after 2026-12-15 09:00 UTC: From then on every sender'), text);
  await page.screenshot({ path: path.join(artifacts, 'domain-plan.png'), fullPage: true });
  await clean(ctx);
});

test('the change plan when its code or the report module does not load: said in text; opened again, it tries again', T, async () => {
  const s = S.plan;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  const r = await runCheck(page, s.domain);
  assert.equal(r.grade, 'B', brief(r));
  const toggle = () => page.click('#plan-open > summary');
  // The details element's toggle event comes after the click, so the state left by the previous attempt is
  // still there for a moment: the test waits for this attempt's own "loading" and then "failed".
  await page.evaluate(() => {
    const plan = /** @type {HTMLElement} */ (document.getElementById('plan'));
    /** @type {any} */ (window).planStates = [];
    new MutationObserver(() => /** @type {any} */ (window).planStates.push(plan.dataset.state))
      .observe(plan, { attributes: true, attributeFilter: ['data-state'] });
  });
  const failed = async (what) => {
    await page.waitForFunction(() => {
      const states = /** @type {any} */ (window).planStates;
      return states.indexOf('loading') >= 0 && states[states.length - 1] === 'failed';
    }, undefined, { timeout: 5000 });
    await page.evaluate(() => { /** @type {any} */ (window).planStates = []; });
    assert.match(await page.locator('#plan-status').textContent() ?? '', /^The change plan did not load: \S/, what);
    assert.equal(await page.locator('#plan details.plan-change').count(), 0, what);
    assert.equal(await page.locator('#plan-download').isVisible(), false, what);
  };
  // The plan's page code (plan-view.js), then the report layer (report.mjs), refused by the network.
  for (const file of ['plan-view.js', 'report.mjs']) {
    await page.route(`**/${file}`, (route) => route.abort());
    await toggle();
    await failed(file);
    await page.unroute(`**/${file}`);
    await toggle(); // closed
  }
  await toggle();
  await page.locator('#plan[data-state="done"]').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('#plan details.plan-change').count(), 4);
  assert.equal(await page.locator('#plan-status').textContent(), '');
  await clean(ctx);
});

test('the JSON download: the report with the grade and the domain', T, async () => {
  const s = S.download;
  world.update(s.world);
  const ctx = await open({ domain: s.domain });
  const { page } = ctx;
  const r = await runCheck(page, `https://${s.domain}/some/page`);
  assert.equal(r.grade, 'A', brief(r));
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#download')]);
  assert.equal(dl.suggestedFilename(), `mtasts-${s.domain}.json`);
  const file = await dl.path();
  const report = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(report.kind, 'domain');
  assert.equal(report.schema, 1);
  assert.equal(report.domain, s.domain);
  assert.equal(report.grade, 'A');
  assert.equal(report.grade, r.grade);
  assert.equal(report.resolver, world.resolverUrl);
  assert.deepEqual(report.checks.map((c) => c.id), Object.keys(r.rows));
  assert.deepEqual(report.checks.map((c) => c.status), Object.values(r.rows));
  await clean(ctx);
});
