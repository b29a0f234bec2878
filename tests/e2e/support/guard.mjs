// What a page of ours may do, checked for every browser context every e2e test
// opens. A test fails when any page, frame or worker in a guarded context
//   - breaks its Content-Security-Policy, Trusted Types included: the
//     `securitypolicyviolation` event of any document (reported to Node the
//     moment it fires, through a binding, so a later navigation cannot lose
//     it), or Chromium's console message for one ("... violates the following
//     Content Security Policy directive ...", "This document requires
//     'TrustedHTML' assignment."), which also covers what fires no document
//     event;
//   - makes a request (document, script, module, wasm, fetch, image, font,
//     from a worker too) to an origin outside the set the test allows: the
//     page's own origin, the resolver, the policy host of each domain it
//     checks, the relay when it sets one.
//
//   import { guard, track, verifyGuards } from './support/guard.mjs';
//   afterEach(verifyGuards);                    // once per suite: the assertion at the end of every test
//   track(browser);                             // launch() does this: a context left unguarded fails its test
//   const context = await browser.newContext();
//   const g = await guard(context, { allow: [web.origin, 'https://doh.test', 'https://mta-sts.good.test'], world });
//   const page = await context.newPage();       // every page of the context is covered, popups too
//   ...
//   g.verify();                                 // optional: fail here rather than in afterEach
//
// A test that provokes a violation on purpose says so, and which one:
// `expect: [/connect-src blocked/]` (or g.expect(...)). Then every pattern must
// match a problem and every problem a pattern: an expected violation that does
// not happen fails the test as well.
//
// data:, blob: and about: URLs go to no host and are not requests to an
// origin. The next hop of a fetch with redirect: 'manual' is listed by
// DevTools (then fails with ERR_ABORTED) but never sent; such a hop is let
// through only when the world server (support/world.mjs, `world` option)
// confirms that nothing reached that host and path while the guard watched.
import assert from 'node:assert/strict';

/** Chromium's console text for a CSP or Trusted Types violation (Chromium 156 wording, and the older "Refused to ..."). */
const CSP_CONSOLE = /Content Security Policy|Refused to (load|connect|execute|apply|compile|frame|create|send)|Trusted ?Types?\b|'Trusted(HTML|Script|ScriptURL)'/i;

/** The binding the pages report violations through (a global name in each document, there from its start). */
const BINDING = '__mtastsGuardReport';

/**
 * Every context opened since the last verifyGuards(), in order.
 * @type {{ context: import('playwright-core').BrowserContext, guard: Guard | null, where: string }[]}
 */
let opened = [];

/** Where in a test file a context was opened (for "opened without a guard"). */
function caller() {
  const line = (new Error().stack ?? '').split('\n').find((l) => l.includes('.test.mjs'));
  return line ? line.trim().replace(/^at\s+/, '') : '(unknown place)';
}

/**
 * Makes every context `browser` opens from now on (browser.newContext, and
 * browser.newPage, which goes through it) known to verifyGuards(), which fails
 * the test for one that was never given a guard. Playwright has no event for a
 * new context, hence the wrapper.
 * @param {import('playwright-core').Browser} browser
 */
export function track(browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const where = caller(); // before the await: after it the stack no longer names the test
    const context = await newContext(...args);
    opened.push({ context, guard: null, where });
    return context;
  };
  return browser;
}

/**
 * @typedef {{ allow?: string[], world?: { history: any[] } | null, expect?: RegExp[] }} GuardOptions
 *   allow: origins ('https://doh.test', 'http://127.0.0.1:8080'); world: the world server, to confirm
 *   that an unsent redirect hop was not sent; expect: the violations the test provokes on purpose.
 */

class Guard {
  /** @param {import('playwright-core').BrowserContext} context @param {GuardOptions} options */
  constructor(context, { allow = [], world = null, expect = [] }) {
    this.context = context;
    /** @type {Set<string>} */
    this.allowed = new Set();
    this.allow(...allow);
    /** @type {RegExp[]} */
    this.expected = [];
    this.expect(...expect);
    this.world = world;
    this.worldFrom = world ? world.history.length : 0;
    /** securitypolicyviolation events, as "<directive> blocked <blocked URI or (inline)>", with the document. @type {{ url: string, text: string }[]} */
    this.csp = [];
    /** Console messages about CSP or Trusted Types. @type {string[]} */
    this.consoleCsp = [];
    /** @type {import('playwright-core').Request[]} */
    this.requests = [];
  }

  /** Adds allowed origins (a URL is reduced to its origin). @param {...string} origins */
  allow(...origins) {
    for (const o of origins) this.allowed.add(new URL(o).origin);
    return this;
  }

  /** Declares violations the test provokes on purpose. @param {...RegExp} patterns */
  expect(...patterns) {
    for (const p of patterns) {
      if (!(p instanceof RegExp)) throw new TypeError('guard: expect takes regular expressions');
      this.expected.push(p);
    }
    return this;
  }

  /** The texts of the CSP violation events so far, optionally of one page only. @param {import('playwright-core').Page} [page] */
  violations(page) {
    return this.csp.filter((v) => !page || v.url === page.url()).map((v) => v.text);
  }

  /** True when `request` is a redirect hop DevTools listed but the browser never sent (see the head of the file). */
  unsent(request) {
    if (!this.world || !request.redirectedFrom() || !request.failure()) return false;
    const { host, pathname } = new URL(request.url());
    return !this.world.history.slice(this.worldFrom)
      .some((q) => q.host === host && !q.misdirected && String(q.path).startsWith(pathname));
  }

  /** Everything the guard objects to, expected or not, in the order it was seen. */
  problems() {
    const out = [];
    for (const v of this.csp) out.push(`CSP violation: ${v.text} (in ${v.url})`);
    for (const m of this.consoleCsp) out.push(`console: ${m}`);
    for (const r of this.requests) {
      const u = new URL(r.url());
      if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') continue;
      if (this.allowed.has(u.origin) || this.unsent(r)) continue;
      out.push(`request to an origin not allowed: ${r.url()} (${r.resourceType()})`);
    }
    return out;
  }

  /** Throws (an AssertionError naming each problem) unless the context did only what the test allows. */
  verify() {
    const problems = this.problems();
    const unexpected = problems.filter((p) => !this.expected.some((re) => re.test(p)));
    const unmet = this.expected.filter((re) => !problems.some((p) => re.test(p))).map(String);
    const allowed = [...this.allowed].join(', ') || 'none';
    assert.deepEqual(unexpected, [], `the page broke its CSP or asked an origin other than ${allowed}:${bullets(unexpected)}`);
    assert.deepEqual(unmet, [], `violations the test expects did not happen:${bullets(unmet)}\nwhat the guard saw:${bullets(problems)}`);
  }
}

/** @param {string[]} list */
const bullets = (list) => (list.length ? list.map((x) => `\n  - ${x}`).join('') : ' nothing');

/**
 * Guards `context`: call before its first page is opened. The guard lives
 * until the next verifyGuards() (the suite's afterEach), which verifies it.
 * @param {import('playwright-core').BrowserContext} context @param {GuardOptions} [options]
 * @returns {Promise<Guard>}
 */
export async function guard(context, options = {}) {
  if (context.pages().length) throw new Error('guard: call it before the context opens a page (an open page would not be watched)');
  let entry = opened.find((e) => e.context === context);
  if (entry?.guard) throw new Error('guard: this context is guarded already');
  const g = new Guard(context, options);
  if (entry) entry.guard = g;
  else opened.push(entry = { context, guard: g, where: caller() });

  await context.exposeBinding(BINDING, (source, text) => {
    g.csp.push({ url: source.frame?.url() ?? source.page?.url() ?? '?', text: String(text) });
  });
  await context.addInitScript((name) => {
    // securitypolicyviolation bubbles and is composed: a violation inside a shadow root reaches document.
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = /** @type {any} */ (window)[name];
      if (typeof report !== 'function') return;
      const where = e.blockedURI || '(inline)';
      const sample = e.sample ? ` [${e.sample.slice(0, 60)}]` : '';
      report(`${e.violatedDirective} blocked ${where}${e.disposition === 'report' ? ' (report-only)' : ''}${sample}`);
    }, true);
  }, BINDING);
  context.on('console', (msg) => {
    if (CSP_CONSOLE.test(msg.text())) g.consoleCsp.push(msg.text());
  });
  context.on('request', (request) => { g.requests.push(request); });
  return g;
}

/**
 * The assertion at the end of every test (`afterEach(verifyGuards)`):
 * verifies the guard of every context opened since the previous call, and
 * fails for a context that was opened (through a tracked browser) and never
 * guarded. Clears the list, so each test answers for its own contexts.
 */
export async function verifyGuards() {
  const list = opened;
  opened = [];
  const failures = [];
  for (const { guard: g, where } of list) {
    if (!g) {
      failures.push(`a browser context was opened without a guard (${where})`);
      continue;
    }
    try {
      g.verify();
    } catch (err) {
      failures.push(`${/** @type {Error} */ (err).message} (context opened at ${where})`);
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
}
