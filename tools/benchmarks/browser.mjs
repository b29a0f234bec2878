// What the page and the widget cost in headless Chromium: the bytes of every
// response (gzip -9 of each body), the time to compile and instantiate the
// wasm and to the first lint result, and the widget's main-thread time.
// ./tools/bench prints these; tests/e2e/size.test.mjs holds the sizes to
// their budgets with the same functions.
//
// Chromium is the e2e suites' (tests/e2e/support/browser.mjs: Debian's
// /usr/bin/chromium through playwright-core, every name outside .test
// unresolvable), dist/ is served by tools/serve.mjs (no compression, no
// caching across contexts), and each visit gets a fresh context: an empty
// cache, a first visit.
//
// What is counted as a page's transfer: every HTTP(S) response the page's
// frames receive from the navigation until the moment measured (for the page:
// the module ready and the network idle), each body compressed with Node's
// zlib at level 9 and summed. Response headers are not counted, nor data:
// URLs (no transfer). A file fetched twice counts twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, gzipBytes, median } from './common.mjs';

const support = (f) => import(pathToFileURL(join(REPO, 'tests', 'e2e', 'support', f)).href);

/** The policy the page finds in its text box before its module loads (see firstVisit). */
export const FIRST_LINT_POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n';

// ---------------------------------------------------------------------------
// Transfer

/**
 * Starts recording every response of `page` (call before page.goto).
 * `take()` waits for the bodies and returns [{ url, status, bytes, gzip }] in
 * the order the responses arrived, then starts a new list.
 * @param {import('playwright-core').Page} page
 */
export function recordResponses(page) {
  /** @type {Promise<{ url: string, status: number, bytes: number, gzip: number }>[]} */
  let pending = [];
  page.on('response', (res) => {
    const url = res.url();
    if (!/^https?:/.test(url)) return;
    pending.push(res.body().then(
      (body) => ({ url, status: res.status(), bytes: body.length, gzip: gzipBytes(body) }),
      // A redirect or a response the page dropped has no body to read.
      () => ({ url, status: res.status(), bytes: 0, gzip: 0 }),
    ));
  });
  return {
    async take() {
      const list = pending;
      pending = [];
      return Promise.all(list);
    },
  };
}

/** The sums of a list of recorded responses. */
export function totals(responses) {
  return {
    responses: responses.length,
    bytes: responses.reduce((a, r) => a + r.bytes, 0),
    gzip: responses.reduce((a, r) => a + r.gzip, 0),
  };
}

/**
 * Each budget exceeded: [{ name, gzip, budget }] (empty when all are met).
 * @param {Record<string, number>} measured gzip bytes by name
 * @param {Record<string, number>} budgets gzip bytes by name (a name without a budget is not checked)
 */
export function overBudget(measured, budgets) {
  return Object.entries(budgets)
    .filter(([name, budget]) => !(measured[name] <= budget))
    .map(([name, budget]) => ({ name, gzip: measured[name], budget }));
}

// ---------------------------------------------------------------------------
// Set-up: Chromium, dist/ on one origin, host pages for the widget on another

/** The host pages of the widget figures, on their own origin: `widget` embeds it below the fold, `baseline` does not. */
function hostPage(widgetScript) {
  const filler = Array.from({ length: 12 }, (_, i) => `<p>Paragraph ${i + 1} of a documentation page about mail security: MTA-STS, TLS-RPT, DANE.</p>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A documentation page</title>
${widgetScript ? `<script type="module" src="${widgetScript}"></script>` : ''}
</head><body>
<h1>Securing inbound mail</h1>
${filler}
<div style="height: 4000px"></div>
<h2>Check your domain</h2>
<mtasts-check></mtasts-check>
</body></html>
`;
}

/** Serves the two host pages at http://127.0.0.1:<port>/{widget,baseline}.html. */
async function startHostPages(distBase) {
  const pages = {
    '/widget.html': hostPage(new URL('mtasts-widget.js', distBase).href),
    '/baseline.html': hostPage(null),
  };
  const server = createServer((req, res) => {
    const html = pages[req.url ?? ''];
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const base = `http://127.0.0.1:${port}/`;
  return { base, origin: new URL(base).origin, close: () => new Promise((resolve) => { server.close(resolve); }) };
}

/**
 * Chromium, dist/ served at `site`, the widget's host pages at `host`.
 * @param {string} dist
 */
export async function startBrowser(dist) {
  const { makePki } = await support('pki.mjs');
  const { startWorld } = await support('world.mjs');
  const { launch, serveDist } = await support('browser.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'mtasts-bench-browser-'));
  const closers = [() => rmSync(tmp, { recursive: true, force: true })];
  const close = async () => { for (const c of closers.reverse()) await c(); };
  try {
    const pki = makePki(tmp, ['doh.test']);
    const world = await startWorld({ pki });
    closers.push(() => world.close());
    const b = await launch({ worldPort: world.port, pkiDir: pki.dir });
    closers.push(() => b.close());
    const site = await serveDist(dist);
    closers.push(() => site.close());
    const host = await startHostPages(site.base);
    closers.push(() => host.close());
    return { browser: b.browser, version: b.browser.version(), site, host, world, close };
  } catch (err) {
    await close();
    throw err;
  }
}

// ---------------------------------------------------------------------------
// The page's first visit

/**
 * Runs in the page before its own scripts and times, in ms from navigation
 * start:
 *   - WebAssembly.instantiateStreaming (or instantiate), the call the
 *     Emscripten glue makes: from the call until the instance exists;
 *   - `ready`: lint-view.js has the API (its load() resolved: it writes the module's
 *     version into #version, then lints what the text box holds);
 *   - `firstLint`: that first lint's result written into #summary.
 * The text box holds a policy before the page's scripts run, as when one
 * pastes before the module has loaded. Both moments are taken synchronously
 * (a wrapper around the textContent setter), not from a MutationObserver,
 * whose callback would come only after the whole task.
 */
function pageProbe(policy) {
  const probe = {};
  Object.defineProperty(window, '__mtastsBench', { value: probe });
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const orig = WebAssembly[name];
    if (typeof orig !== 'function') continue;
    WebAssembly[name] = function (...args) {
      probe[`${name}Start`] ??= performance.now();
      return orig.apply(this, args).then((r) => { probe[`${name}End`] ??= performance.now(); return r; });
    };
  }
  const text = Object.getOwnPropertyDescriptor(Node.prototype, 'textContent');
  Object.defineProperty(Node.prototype, 'textContent', {
    ...text,
    set(value) {
      const id = /** @type {any} */ (this).id;
      if (id === 'version' && probe.ready === undefined) probe.ready = performance.now();
      text.set.call(this, value);
      if (id === 'summary' && probe.firstLint === undefined && /^(Valid|Invalid)/.test(String(value))) {
        probe.firstLint = performance.now();
        probe.firstLintText = String(value);
      }
    },
  });
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    const input = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('input'));
    if (input && !input.value) input.value = policy;
  });
}

/**
 * A first visit to `url` (dist's index.html) in `context` (fresh, empty
 * cache; the caller may guard it): every response until the module is ready
 * and the network idle, and the probe's times in ms from navigation start.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 */
export async function firstVisit(context, url) {
  await context.addInitScript(pageProbe, FIRST_LINT_POLICY);
  const page = await context.newPage();
  const rec = recordResponses(page);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => /** @type {any} */ (window).__mtastsBench?.firstLint !== undefined, null, { timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  const t = await page.evaluate(() => {
    const p = /** @type {any} */ (window).__mtastsBench;
    const wasm = performance.getEntriesByType('resource').find((e) => /\.wasm$/.test(new URL(e.name).pathname));
    const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
    const start = p.instantiateStreamingStart ?? p.instantiateStart;
    const end = p.instantiateStreamingEnd ?? p.instantiateEnd;
    return {
      streaming: p.instantiateStreamingStart !== undefined,
      document_received: nav.responseEnd,
      dom_content_loaded: nav.domContentLoadedEventEnd,
      wasm_request: wasm ? wasm.startTime : null,
      wasm_response_end: wasm ? wasm.responseEnd : null,
      instantiate_start: start, instantiate_end: end,
      ready: p.ready, first_lint: p.firstLint, first_lint_text: p.firstLintText,
    };
  });
  const responses = await rec.take();
  await page.close();
  return {
    responses,
    timings: {
      ...t,
      // instantiateStreaming(fetch(wasm)): the download, compile and instantiate (they overlap)
      instantiate_ms: t.instantiate_end - t.instantiate_start,
      // what is left after the last byte arrived: the compile's tail and the instantiation
      after_download_ms: t.wasm_response_end !== null ? t.instantiate_end - Math.max(t.wasm_response_end, t.instantiate_start) : null,
    },
  };
}

// ---------------------------------------------------------------------------
// The widget on a host page

async function mainThread(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (n) => (metrics.find((m) => m.name === n)?.value ?? 0) * 1000;
  return { task_ms: get('TaskDuration'), script_ms: get('ScriptDuration'), layout_ms: get('LayoutDuration'), style_ms: get('RecalcStyleDuration') };
}
const minus = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] - b[k]]));

/**
 * Opens `url` in `context` and waits until it has loaded (and custom element
 * `tag`, if given, is defined) and gone quiet;
 * returns the page, its CDP session (Performance domain on from the start)
 * and the response recorder.
 */
async function openQuiet(context, url, tag = '') {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const rec = recordResponses(page);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  // Playwright's first waitForFunction injects its own script into the page (tens of ms of main-thread
  // time): the same call on every page, so that the difference to the baseline is the widget's.
  await page.waitForFunction((wanted) => !wanted || !!customElements.get(wanted), tag);
  await page.waitForLoadState('networkidle');
  return { page, cdp, rec };
}

/**
 * The widget's cost to a host page (host.base + widget.html, the element
 * 4,000 px below the fold), in two fresh contexts made by `newContext`:
 *   baseline: the same page without the script tag, for its own main-thread time;
 *   before:   the script tag, element off-screen, loaded and quiet: the responses
 *             other than the host page's own, and the main-thread time over the baseline;
 *   after:    scrolled into view, the checker loaded (its load() resolved):
 *             the responses since, and the main-thread time since.
 * @param {() => Promise<import('playwright-core').BrowserContext>} newContext
 * @param {{ base: string }} host
 * @param {{ base: string }} site
 */
export async function widgetVisit(newContext, host, site) {
  const baseCtx = await newContext();
  const base = await openQuiet(baseCtx, `${host.base}baseline.html`);
  const baseline = await mainThread(base.cdp);
  await base.rec.take();
  await baseCtx.close();

  const context = await newContext();
  const { page, cdp, rec } = await openQuiet(context, `${host.base}widget.html`, 'mtasts-check');
  const beforeMetrics = await mainThread(cdp);
  const beforeAll = await rec.take();
  const before = beforeAll.filter((r) => r.url.startsWith(site.base));
  const wasmSeen = page.waitForResponse((r) => /\.wasm$/.test(new URL(r.url()).pathname), { timeout: 20_000 });
  await page.evaluate(() => document.querySelector('mtasts-check')?.scrollIntoView());
  await wasmSeen;
  // The widget loads mtasts.mjs from next to its script: the same module instance, so this waits for its load().
  await page.evaluate((url) => import(url).then((m) => m.load()).then(() => undefined), new URL('mtasts.mjs', site.base).href);
  await page.waitForLoadState('networkidle');
  const afterMetrics = await mainThread(cdp);
  const after = await rec.take();
  await context.close();
  return {
    before: { responses: before, main: minus(beforeMetrics, baseline), loaded_before_visible: before.map((r) => new URL(r.url).pathname) },
    after: { responses: after, main: minus(afterMetrics, beforeMetrics) },
  };
}

// ---------------------------------------------------------------------------
// ./tools/bench's section

/**
 * `runs` first visits and `runs` widget visits; medians of the times, sizes of the last run
 * (they do not vary).
 * @param {{ dist: string, runs?: number }} options
 */
export async function benchBrowser({ dist, runs = 7 }) {
  const env = await startBrowser(dist);
  try {
    const visits = [];
    for (let i = 0; i < runs; i += 1) {
      const ctx = await env.browser.newContext();
      visits.push(await firstVisit(ctx, `${env.site.base}index.html#lint`));
      await ctx.close();
    }
    const widgets = [];
    for (let i = 0; i < runs; i += 1) widgets.push(await widgetVisit(() => env.browser.newContext(), env.host, env.site));

    const med = (f) => median(visits.map(f));
    const last = visits[visits.length - 1];
    const w = widgets[widgets.length - 1];
    const wmed = (f) => median(widgets.map(f));
    return {
      chromium: env.version,
      runs,
      page: {
        files: last.responses.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, gzip: r.gzip })),
        ...totals(last.responses),
        streaming: last.timings.streaming,
        first_lint_text: last.timings.first_lint_text,
        median_ms: {
          document_received: med((v) => v.timings.document_received),
          dom_content_loaded: med((v) => v.timings.dom_content_loaded),
          wasm_request: med((v) => v.timings.wasm_request),
          wasm_response_end: med((v) => v.timings.wasm_response_end),
          instantiate: med((v) => v.timings.instantiate_ms),
          after_download: med((v) => v.timings.after_download_ms),
          ready: med((v) => v.timings.ready),
          first_lint: med((v) => v.timings.first_lint),
        },
      },
      widget: {
        before: {
          files: w.before.responses.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, gzip: r.gzip })),
          ...totals(w.before.responses),
          main_median_ms: { task: wmed((x) => x.before.main.task_ms), script: wmed((x) => x.before.main.script_ms) },
        },
        after: {
          files: w.after.responses.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, gzip: r.gzip })),
          ...totals(w.after.responses),
          main_median_ms: { task: wmed((x) => x.after.main.task_ms), script: wmed((x) => x.after.main.script_ms) },
        },
      },
    };
  } finally {
    await env.close();
  }
}
