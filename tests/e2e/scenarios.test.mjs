// The domain scenarios of tests/fixtures/scenarios/ (tests/fixtures/README.md) in a real headless
// Chromium against the simulated internet of support/world.mjs: the scenario's zone answered by a
// DoH resolver at doh.test over real HTTPS, its hosts served with real certificates (good, expired,
// self-signed, another name), real CORS and real redirects.
//
// Every scenario whose "drivers" include "e2e" runs through checkDomain in the page (mtasts.mjs
// opened as a document, as check-api.test.mjs does) and also through the Node emulation
// (tests/support/fake-net.mjs) with the same options: the browser's report must match expect.json
// and equal the emulation's (clock aside), so the fake network the unit and Node drivers trust is
// checked against Chromium for every scenario. Those with "page": true are run once more through
// the page's UI (index.html): data-grade on #check-result, the six rows' statuses, the codes
// shown, failed rows open, the paste offer exactly when the policy was CORS-blocked.
//
//   MTASTS_DIST=$PWD/dist node --test tests/e2e/scenarios.test.mjs
//   MTASTS_E2E_ONLY=policy-cors   … only the scenarios whose name contains that
//
// Needs what check-api.test.mjs needs: /usr/bin/chromium (or $CHROMIUM), playwright-core, openssl
// and certutil. Every browser context is guarded (support/guard.mjs): a CSP violation, or a request
// to an origin other than the page's, doh.test and the hosts the check may reach (the policy host,
// the relay), fails the test.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeNet } from '../support/fake-net.mjs';
import {
  loadScenarios, worldInput, fakeNetInput, checkOptions, expectReport, pkiNames, originsOf, policyHost, brief, seenByWorld,
  resolverFor,
} from '../support/scenarios.mjs';
import { makePki } from './support/pki.mjs';
import { startWorld } from './support/world.mjs';
import { launch, serveDist, collect } from './support/browser.mjs';
import { guard, verifyGuards } from './support/guard.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.MTASTS_DIST || path.join(repo, 'dist'));
const T = { timeout: 20_000 };
const only = process.env.MTASTS_E2E_ONLY ?? '';
const scenarios = loadScenarios({ driver: 'e2e' }).filter((s) => s.name.includes(only));

let tmp = '';
/** @type {ReturnType<typeof makePki>} */
let pki;
/** @type {Awaited<ReturnType<typeof startWorld>>} */
let world;
/** @type {Awaited<ReturnType<typeof launch>>} */
let chrome;
/** @type {Awaited<ReturnType<typeof serveDist>>} */
let web;
/** @type {any} */
let nodeModule;

before(async () => {
  if (scenarios.length === 0) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mtasts-e2e-scenarios-'));
  // The good certificate names every host a scenario defines, and nothing else: a host the check
  // reaches that its scenario does not define then fails TLS, as "nothing answers there" should.
  pki = makePki(tmp, ['doh.test', ...pkiNames(loadScenarios())]);
  world = await startWorld({ pki });
  [web, chrome] = await Promise.all([serveDist(dist), launch({ worldPort: world.port, pkiDir: pki.dir })]);
  nodeModule = await (await import(pathToFileURL(path.join(dist, 'mtasts.mjs')).href)).load();
});

afterEach(verifyGuards);

after(async () => {
  await chrome?.close();
  await web?.close();
  await world?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the fixtures hold the scenarios this driver plays', () => {
  assert.ok(only !== '' || scenarios.length >= 80, `${scenarios.length} scenarios for the e2e driver`);
});

/** A fresh guarded context for a scenario: the page's origin, doh.test and the hosts the check may reach. */
async function contextFor(s) {
  const context = await chrome.browser.newContext();
  const g = await guard(context, { allow: [web.origin, resolverFor(s, world.resolverUrl), ...originsOf(s)], world });
  return { context, g };
}

/** The report without what depends on the clock. */
function comparable(r) {
  const c = structuredClone(r);
  delete c.timings;
  return c;
}

/** The browser-only expectations of expect.json's "e2e". */
function browserFacts(s, requests, seen) {
  const e = s.expect.e2e;
  if (!e) return;
  const host = policyHost(s);
  const url = `https://${host}/.well-known/mta-sts.txt`;
  if (e.policy_requests) {
    const got = requests.filter((q) => q.host === host && !q.misdirected)
      .map((q) => ({ status: q.status, mode: q.headers['sec-fetch-mode'] }));
    assert.equal(got.length, e.policy_requests.length, `requests the policy host answered: ${JSON.stringify(got)}`);
    e.policy_requests.forEach((want, i) => {
      for (const [k, v] of Object.entries(want)) assert.equal(got[i][k], v, `policy request ${i}: ${k}`);
    });
  }
  if (e.net_errors) assert.deepEqual(seen.failed.filter((f) => f.url === url).map((f) => f.error), e.net_errors);
  if (e.console_has) assert.ok(seen.console.some((m) => m.text.includes(e.console_has)), `the console says ${e.console_has}`);
  for (const [question, want] of Object.entries(e.doh ?? {})) {
    const got = requests.filter((q) => q.host === 'doh.test' && q.q && `${q.q.type} ${String(q.q.name).toLowerCase()}` === question)
      .map((q) => [q.status, q.rcode]);
    assert.deepEqual(got, want, `DoH answers to ${question}`);
  }
}

for (const s of scenarios) {
  test(`api: ${s.name}`, T, async () => {
    world.update(worldInput(s));
    const { context, g } = await contextFor(s);
    const options = checkOptions(s);
    try {
      const page = await context.newPage();
      const seen = collect(page);
      const nav = await page.goto(`${web.base}mtasts.mjs`);
      assert.equal(nav?.status(), 200);
      const resolver = resolverFor(s, world.resolverUrl);
      const r = await page.evaluate(async ({ domain, resolver, o }) => {
        const m = await (await import('./mtasts.mjs')).load();
        return m.checkDomain(domain, { resolver, ...o });
      }, { domain: s.world.input, resolver, o: options });
      const requests = [...world.requests];
      g.verify();
      assert.deepEqual(seen.errors.filter((e) => /page error/.test(e)), [], 'no page error');
      expectReport(r, s, seenByWorld(requests));
      browserFacts(s, requests, seen);
      // The Node emulation of the same world gives the same report.
      const net = makeNet({ ...fakeNetInput(s), resolverUrl: resolver });
      const emulated = await nodeModule.checkDomain(s.world.input, { resolver, fetch: net.fetch, ...options });
      assert.deepEqual(comparable(r), comparable(emulated),
        `Chromium and fake-net disagree.\nChromium: ${brief(r)}\nfake-net: ${brief(emulated)}`);
    } finally {
      await context.close();
    }
  });
}

for (const s of scenarios.filter((x) => x.page)) {
  test(`page: ${s.name}`, T, async () => {
    world.update(worldInput(s));
    const { context, g } = await contextFor(s);
    try {
      // The resolver is set as a previous visit would have left it.
      await context.addInitScript((value) => {
        if (location.protocol === 'http:' && localStorage.getItem('mtasts.settings') === null) localStorage.setItem('mtasts.settings', value);
      }, JSON.stringify({ resolver: resolverFor(s, world.resolverUrl), relay: '' }));
      const page = await context.newPage();
      const seen = collect(page);
      await page.goto(web.base);
      await page.fill('#domain', s.world.input);
      await page.click('#check-button');
      await page.locator('#check-result[data-state="done"]').waitFor({ timeout: 15_000 });
      const shown = await page.evaluate(() => {
        const q = (sel) => document.querySelector(sel);
        return {
          grade: /** @type {HTMLElement} */ (q('#check-result')).dataset.grade,
          gradeText: q('#grade-value')?.textContent ?? '',
          progress: q('#progress')?.textContent ?? '',
          rows: Object.fromEntries([...document.querySelectorAll('#checks details.check')].map((d) => [
            /** @type {HTMLElement} */ (d).dataset.id, /** @type {HTMLElement} */ (d).dataset.status])),
          open: [...document.querySelectorAll('#checks details.check[open]')].map((d) => /** @type {HTMLElement} */ (d).dataset.id),
          codes: [...document.querySelectorAll('#checks li.finding code.code, #cause li.finding code.code')].map((c) => c.textContent),
          // Where each code shows: the row's check id, 'domain' or 'cause'.
          placed: [...document.querySelectorAll('#checks li.finding, #cause li.finding')].map((li) => [
            li.querySelector('code.code')?.textContent,
            li.closest('#cause') ? 'cause' : /** @type {HTMLElement | null} */ (li.closest('details.check'))?.dataset.id ?? 'domain']),
          causes: [...document.querySelectorAll('#cause:not([hidden])')].map((c) => ({
            code: /** @type {HTMLElement} */ (c).dataset.code, check: /** @type {HTMLElement} */ (c).dataset.check,
            text: c.textContent })),
          errorsWithoutFix: [...document.querySelectorAll('#checks li.finding.error')].filter((li) => !li.querySelector('.finding-fix'))
            .map((li) => li.querySelector('code.code')?.textContent),
          pasteOffers: document.querySelectorAll('form.paste-offer').length,
        };
      });
      const e = s.expect;
      const ctx = JSON.stringify(shown);
      assert.equal(shown.grade, e.grade ?? '', `data-grade: ${ctx}`);
      assert.equal(shown.gradeText, e.grade ?? 'none', `the grade shown: ${ctx}`);
      assert.deepEqual(shown.rows, e.status, `row statuses: ${ctx}`);
      const codes = [...new Set(Object.values(e.codes).flat())].sort();
      assert.deepEqual([...new Set(shown.codes)].sort(), codes, `codes shown: ${ctx}`);
      for (const [id, status] of Object.entries(e.status)) {
        if (status === 'fail') assert.ok(shown.open.includes(id), `a failed row opens by itself: ${id}`);
      }
      assert.deepEqual(shown.errorsWithoutFix, [], 'every error carries its fix');
      // The root cause leads, once; no finding shows in two places (docs/GRADING.md "The root cause").
      const want = e.report?.['/cause/code'];
      if (want) {
        assert.equal(shown.causes.length, 1, `one root cause shown: ${ctx}`);
        assert.equal(shown.causes[0].code, want, `the root cause shown: ${ctx}`);
        assert.equal(shown.causes[0].check, e.report['/cause/check'] ?? '', `the cause's check: ${ctx}`);
        if (e.report['/cause/check']) assert.ok(shown.open.includes(e.report['/cause/check']), 'the row with the cause opens');
      }
      const where = new Map();
      for (const [code, at] of shown.placed) where.set(code, new Set([...(where.get(code) ?? []), at]));
      for (const [code, at] of where) assert.equal(at.size, 1, `${code} shows in ${[...at].join(' and ')}`);
      assert.match(shown.progress, e.complete ? /· complete ·/ : /· incomplete ·/);
      const offer = codes.includes('policy.fetch.cors_blocked') && !codes.includes('policy.fetch.pasted') ? 1 : 0;
      assert.equal(shown.pasteOffers, offer, 'the paste offer shows exactly when the browser may not read the policy');
      const { fetched } = seenByWorld(world.requests);
      for (const h of e.not_fetched ?? []) assert.ok(!fetched.includes(h), `${h} was fetched, and should not have been`);
      g.verify();
      assert.deepEqual(seen.errors.filter((x) => /^page error/.test(x)), [], 'no page error');
    } finally {
      await context.close();
    }
  });
}
