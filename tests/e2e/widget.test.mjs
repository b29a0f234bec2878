// The embeddable widget (web/mtasts-widget.js, web/widget-elements.mjs and the shared modules it loads:
// dom.mjs before it shows, findings.mjs and kinds.mjs with the checker) in headless Chromium, embedded in
// a host page on ANOTHER origin than the widget's files, under hostile CSS and a strict
// Content-Security-Policy, against the simulated internet of support/world.mjs (issue 5 §8).
//
//   node --test tests/e2e/widget.test.mjs
//   MTASTS_DIST=/tmp/w-dist node --test tests/e2e/widget.test.mjs
//   MTASTS_E2E_VERBOSE=1 …   also prints what each page asked for
//
// Needs: /usr/bin/chromium (or $CHROMIUM), playwright-core, openssl, certutil (libnss3-tools).
//
// Origin A: dist/ served by tools/serve.mjs (serveDist) at http://127.0.0.1:<a>.
// Origin B: the host pages, from a tiny server in this file at http://127.0.0.1:<b> (same loopback
// address, another port: another origin). Every host page links /hostile.css (`* { all: unset }`,
// `html { font-size: 40px }`, `button, input, textarea { display: none }`) plus its own stylesheet,
// and is sent with the CSP of CSP_PARTS below:
//   default-src 'none'; script-src <A> 'wasm-unsafe-eval'; connect-src <A> https://doh.test https://*.test;
//   style-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'
// The last test shows each source is needed: without 'wasm-unsafe-eval' or <A> in connect-src (the
// wasm is fetched) nothing works, without the resolver and *.test only the linter works; style-src
// is for the host page's own stylesheets only (the widget's constructed stylesheet needs none).
// Trusted Types with no policy, as a strict docs site may enforce them, take nothing away from the
// widget: it uses no DOM XSS sink (one test shows that the host page really enforces them).
//
// One browser for the file, a fresh context per test, guarded (support/guard.mjs): a CSP or Trusted
// Types violation, or a request to an origin other than A, B, doh.test and the checked domains' policy
// hosts, fails the test. Every test also ends with clean(): no console error, no page error. Nothing
// can reach the internet: every name outside .test fails to resolve.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { makePki } from './support/pki.mjs';
import { startWorld } from './support/world.mjs';
import { policyText, siteWorld } from './support/site.mjs';
import { launch, serveDist, collect, inlineHandlers } from './support/browser.mjs';
import { guard, verifyGuards } from './support/guard.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.MTASTS_DIST || path.join(repo, 'dist'));
const T = { timeout: 20_000 };
const VERBOSE = !!process.env.MTASTS_E2E_VERBOSE;

// ---------------------------------------------------------------------------
// The simulated internet: every domain in one zone (one scenario for the whole file).

/** A domain that earns an A unless `host` / `names` break it. */
const site = (d, options = {}) => siteWorld(d, options);

const XSS = '<img src=x onerror=window.__pwned=1>';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';

const SITES = {
  'good.test': site('good.test'),
  'other.test': site('other.test'),
  'testing.test': site('testing.test', { host: { body: policyText('testing.test', { mode: 'testing' }) } }),
  'lazy.test': site('lazy.test'),
  // bücher.test: an internationalised domain, in its A-label form as DNS and the certificates hold it.
  'xn--bcher-kva.test': site('xn--bcher-kva.test'),
  // Slow DNS for the policy record, so the badge is measured while its check runs.
  'slow.test': site('slow.test', { names: { '_mta-sts.slow.test': { TXT: [['v=STSv1; id=20240501T120000']], delayMs: 700 } } }),
  // A policy host without CORS, readable only through the relay at relay.test (it answers as tools/relay does).
  'nocors.test': site('nocors.test', {
    host: { cors: false },
    hosts: {
      'relay.test': {
        status: 200, contentType: 'text/plain', body: policyText('nocors.test'),
        headers: {
          'x-relay-upstream-ms': '3', 'x-relay-content-type': 'text/plain',
          'access-control-expose-headers': 'X-Relay-Upstream-Ms, X-Relay-Content-Type, X-Relay-Error',
        },
      },
    },
  }),
  'xss.test': site('xss.test', {
    names: {
      '_mta-sts.xss.test': { TXT: [[`v=STSv1; id=1; x=${XSS}`]] },
      '_smtp._tls.xss.test': { TXT: [[`v=TLSRPTv1; rua=mailto:${XSS_SCRIPT}`]] },
    },
    host: { body: `version: STSv1\nmode: enforce\nmx: ${XSS}\nmx: ${XSS_SCRIPT}\nmax_age: 1209600\n` },
  }),
};

// ---------------------------------------------------------------------------
// Origin B: the host pages.

const HOSTILE_CSS = '* { all: unset } html { font-size: 40px } button, input, textarea { display: none }\n';
// What every page may need beyond the hostile rules (a class rule beats `*`).
const BASE_CSS = '.spacer { display: block; height: 5000px } .row { display: block }\n';

/** @type {Map<string, { html: string, css: string }>} */
const pages = new Map();
/** @type {string[]} what origin B was asked */
const hostLog = [];
/** @type {import('node:http').Server} */
let hostServer;
let hostOrigin = '';

/** The host pages' CSP: the minimum the three forms of the widget need, and Trusted Types (see the file's head). */
const CSP_PARTS = () => ({
  default: "default-src 'none'",
  script: `script-src ${web.origin} 'wasm-unsafe-eval'`,
  connect: `connect-src ${web.origin} https://doh.test https://*.test`,
  style: "style-src 'self'",
  trustedTypes: "require-trusted-types-for 'script'; trusted-types 'none'",
});
/** @type {Record<string, string>} per page name: a replaced CSP (the necessity test) */
const cspFor = {};
const hostCsp = (name = '') => cspFor[name] ?? Object.values(CSP_PARTS()).join('; ');

function startHost() {
  hostServer = createServer((req, res) => {
    hostLog.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://host');
    const m = /^\/([a-z0-9-]+)\.(html|css)$/.exec(url.pathname);
    const p = m ? pages.get(m[1]) : undefined;
    if (url.pathname === '/hostile.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' });
      res.end(HOSTILE_CSS + BASE_CSS);
    } else if (p && m?.[2] === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': hostCsp(m[1]), 'cache-control': 'no-store' });
      res.end(p.html);
    } else if (p && m?.[2] === 'css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' });
      res.end(p.css);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  return new Promise((resolve) => hostServer.listen(0, '127.0.0.1', () => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (hostServer.address());
    hostOrigin = `http://127.0.0.1:${port}`;
    resolve(undefined);
  }));
}

/**
 * Registers a host page. `body` is HTML; `scripts` defaults to the widget script from origin A.
 * @param {string} name @param {{ body: string, css?: string, scripts?: string[] }} o
 */
function hostPage(name, { body, css = '', scripts }) {
  const src = scripts ?? [`${web.base}mtasts-widget.js`];
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>host page ${name}</title>
<link rel="stylesheet" href="/hostile.css">
<link rel="stylesheet" href="/${name}.css">
${src.map((s) => `<script type="module" src="${s}"></script>`).join('\n')}
</head>
<body>
${body}
</body>
</html>
`;
  pages.set(name, { html, css });
  return `${hostOrigin}/${name}.html`;
}

// ---------------------------------------------------------------------------
// Setup

let tmp = '';
/** @type {ReturnType<typeof makePki>} */
let pki;
/** @type {Awaited<ReturnType<typeof startWorld>>} */
let world;
/** @type {Awaited<ReturnType<typeof launch>>} */
let chrome;
/** @type {Awaited<ReturnType<typeof serveDist>>} */
let web;
/** Numbers the report at the end prints. */
const notes = [];

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mtasts-e2e-widget-'));
  pki = makePki(tmp, ['doh.test', 'relay.test', ...Object.keys(SITES).map((d) => `mta-sts.${d}`)]);
  const zone = {};
  const hosts = {};
  for (const s of Object.values(SITES)) { Object.assign(zone, s.zone); Object.assign(hosts, s.hosts); }
  world = await startWorld({ pki, zone, hosts });
  [web, chrome] = await Promise.all([serveDist(dist), launch({ worldPort: world.port, pkiDir: pki.dir }), startHost()]);
  assert.notEqual(new URL(hostOrigin).origin, web.origin, 'the host page and the widget are on different origins');
});

afterEach(verifyGuards);

after(async () => {
  await chrome?.close();
  await web?.close();
  if (hostServer) {
    hostServer.closeAllConnections();
    await new Promise((r) => hostServer.close(() => r(undefined)));
  }
  await world?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  for (const n of notes) process.stderr.write(`widget: ${n}\n`);
});

// ---------------------------------------------------------------------------
// Driving a page

/**
 * A fresh context and page; records every mtasts-result that reaches `document`, and, every
 * animation frame, the height of each upgraded <mtasts-check> (test-only observers). The guard
 * allows origin A, origin B, doh.test and the policy hosts of `domains`; `expect`: the violations
 * the test provokes on purpose; `allow`: more origins (a relay). `seen.guard` is the guard.
 * @param {string} url @param {{ colorScheme?: 'light'|'dark', domains?: string[], expect?: RegExp[], allow?: string[] }} [o]
 */
async function open(url, { colorScheme = 'light', domains = [], expect = [], allow = [] } = {}) {
  const context = await chrome.browser.newContext({ colorScheme, viewport: { width: 1000, height: 700 } });
  const g = await guard(context, {
    allow: [web.origin, hostOrigin, world.resolverUrl, ...domains.map((d) => `https://mta-sts.${d}`), ...allow], world, expect,
  });
  const page = await context.newPage();
  const seen = Object.assign(collect(page), { guard: g });
  await page.addInitScript(() => {
    /** @type {any} */
    const w = window;
    w.__results = [];
    document.addEventListener('mtasts-result', (e) => {
      const ev = /** @type {CustomEvent} */ (e);
      const t = /** @type {HTMLElement} */ (ev.target);
      w.__results.push({
        tag: t.localName, id: t.id, bubbles: ev.bubbles, composed: ev.composed, phase: ev.eventPhase,
        grade: ev.detail?.grade ?? null, domain: ev.detail?.domain ?? null, kind: ev.detail?.kind ?? null,
        valid: ev.detail?.valid ?? null, findings: (ev.detail?.findings ?? []).map((f) => f.code),
        checks: Array.isArray(ev.detail?.checks) ? ev.detail.checks.length : null,
        attrGrade: t.getAttribute('grade'), attrState: t.getAttribute('state'),
      });
    });
    w.__heights = {};
    const sample = () => {
      for (const el of document.querySelectorAll('mtasts-check[id]')) {
        const h = el.getBoundingClientRect().height;
        const list = (w.__heights[el.id] ??= []);
        const state = el.shadowRoot ? el.getAttribute('state') ?? 'idle' : 'undefined';
        if (!list.length || list.at(-1).h !== h || list.at(-1).state !== state) list.push({ h, state });
      }
      requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  const nav = await page.goto(url);
  assert.equal(nav?.status(), 200);
  return { context, page, seen };
}

/** Waits for <mtasts-check id=…> to reach state="done". */
const done = (page, id, timeout = 12_000) => page.locator(`#${id}[state="done"]`).waitFor({ state: 'attached', timeout });
/** Polls `fn` (Node side) until it is true. */
async function until(fn, ms) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const results = (page) => page.evaluate(() => /** @type {any} */ (window).__results);
const isModule = (u) => /\/(mtasts\.mjs|mtasts-core\.mjs|mtasts-core\.wasm|host\.mjs|findings\.mjs|kinds\.mjs)(\?|$)/.test(u);
const count = (seen, file) => seen.requests.filter((u) => new URL(u).pathname === `/${file}`).length;

/**
 * The files a page loads for the widget before it shows: mtasts-widget.js and what it imports
 * statically, transitively (`import … from './x'`; a dynamic import() loads later, with the checker).
 */
function widgetFiles() {
  const files = [];
  const visit = (file) => {
    if (files.includes(file)) return;
    files.push(file);
    const src = readFileSync(path.join(dist, file), 'utf8');
    for (const m of src.matchAll(/^import\s+(?:[^'"();]*?\sfrom\s+)?['"]\.\/([^'"]+)['"]/gm)) visit(m[1]);
  };
  visit('mtasts-widget.js');
  return files;
}

/**
 * The guard's verdict (no CSP violation, requests only to origin A, origin B, doh.test and the policy
 * hosts given to open()), and no console error or page error (but those `ignore` matches).
 * @param {import('playwright-core').Page} page @param {ReturnType<typeof collect> & { guard: any }} seen
 * @param {{ ignore?: RegExp }} [o]
 */
async function clean(page, seen, { ignore = /(?!)/ } = {}) {
  seen.guard.verify();
  assert.deepEqual(seen.errors.filter((e) => !ignore.test(e)), [], 'no console error, no page error');
  if (VERBOSE) process.stderr.write(`# requests: ${seen.requests.map((u) => u.replace(/\?dns=.*/, '?dns=…')).join(' ')}\n`);
}

/** Computed style values of a node inside an element's shadow root (or of the host itself: sel ''). */
function styleOf(page, hostSel, sel, props) {
  return page.evaluate(({ hostSel: h, sel: s, props: p }) => {
    const host = /** @type {HTMLElement} */ (document.querySelector(h));
    const node = s ? host.shadowRoot?.querySelector(s) : host;
    if (!node) return null;
    const cs = getComputedStyle(node);
    const r = node.getBoundingClientRect();
    return { ...Object.fromEntries(p.map((k) => [k, cs.getPropertyValue(k)])), width: r.width, height: r.height };
  }, { hostSel, sel, props });
}

/** Relative luminance of an rgb()/rgba() colour, 0 (black) .. 1 (white). */
function luminance(rgb) {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  assert.ok(m, `a colour: ${rgb}`);
  const lin = (v) => { const c = Number(v) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(m[1]) + 0.7152 * lin(m[2]) + 0.0722 * lin(m[3]);
}

const R = `resolver="https://doh.test/dns-query"`;

// ---------------------------------------------------------------------------
// The tests

test('size: mtasts-widget.js and the modules it imports, gzip, within the 15 KB budget before the wasm loads', () => {
  const files = widgetFiles();
  assert.deepEqual(files.slice(0, 2), ['mtasts-widget.js', 'widget-elements.mjs']);
  assert.ok(!files.includes('mtasts.mjs') && !files.includes('findings.mjs') && !files.includes('kinds.mjs'),
    `the checker and what shows a result load later: ${files.join(', ')}`);
  const raw = files.map((f) => readFileSync(path.join(dist, f)));
  const gz = raw.map((b) => gzipSync(b, { level: 9 }).length);
  const sum = gz.reduce((a, b) => a + b, 0);
  const together = gzipSync(Buffer.concat(raw), { level: 9 }).length;
  notes.push(`size: ${files.map((f, i) => `${f} ${raw[i].length} B raw, ${gz[i]} B gzip`).join('; ')}; sum of gzip ${sum} B (one stream ${together} B)`);
  assert.ok(sum <= 15 * 1024, `${sum} B gzip > 15 KB`);
});

test('cross-origin host page, hostile CSS, strict CSP: all three forms work', T, async () => {
  const url = hostPage('all', {
    body: `<p>The host page.</p>
<mtasts-check id="form" ${R}></mtasts-check>
<mtasts-check id="badge" domain="good.test" ${R}></mtasts-check>
<mtasts-lint id="lint" kind="policy"></mtasts-lint>`,
  });
  const { context, page, seen } = await open(url, { domains: ['good.test'] });
  try {
    // The page's own CSS really is hostile: a plain button on the host page is not displayed.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { id: 'plain', textContent: 'x' })));
    assert.equal((await styleOf(page, '#plain', '', ['display'])).display, 'none', 'the hostile CSS applies to the host page');
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '40px');

    await done(page, 'badge');
    for (const id of ['form', 'badge', 'lint']) {
      const h = await styleOf(page, `#${id}`, '', ['display', 'font-size', 'visibility']);
      assert.equal(h.display, 'block', `#${id} is display: block`);
      assert.ok(h.width > 100 && h.height > 20, `#${id} has a size: ${h.width}×${h.height}`);
      assert.notEqual(h['font-size'], '40px', `#${id}: the host page's 40px does not reach in`);
      assert.equal(h.visibility, 'visible');
    }
    // The input and button inside the shadow root are displayed, sized, hit-testable and usable.
    for (const sel of ['input', 'button']) {
      const s = await styleOf(page, '#form', sel, ['display', 'font-size']);
      assert.ok(s, `#form has a ${sel}`);
      assert.notEqual(s.display, 'none', `${sel} displayed`);
      assert.ok(s.width > 10 && s.height > 10, `${sel} has a size: ${s.width}×${s.height}`);
      assert.notEqual(s['font-size'], '40px', `${sel} font size is the widget's, not 40px`);
    }
    const ta = await styleOf(page, '#lint', 'textarea', ['display', 'font-size']);
    assert.notEqual(ta.display, 'none', 'the linter textarea is displayed');
    assert.ok(ta.width > 100 && ta.height > 40, `textarea has a size: ${ta.width}×${ta.height}`);
    const hit = await page.evaluate(() => {
      const root = /** @type {ShadowRoot} */ (document.querySelector('#form')?.shadowRoot);
      const b = /** @type {HTMLElement} */ (root.querySelector('button')).getBoundingClientRect();
      return root.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2)?.localName;
    });
    assert.equal(hit, 'button', 'the button is on top at its centre');
    notes.push(`hostile page: input ${(await styleOf(page, '#form', 'input', [])).height}px high, font ${(await styleOf(page, '#form', 'input', ['font-size']))['font-size']}; textarea font ${ta['font-size']}`);

    // Type and click through Playwright (it checks visibility and that nothing covers the button).
    await page.locator('#form input').fill('good.test');
    await page.locator('#form button').click();
    await done(page, 'form');
    assert.match(await page.locator('#form').evaluate((e) => e.shadowRoot?.textContent ?? ''), /good\.test/);

    await page.locator('#lint textarea').fill(policyText('example.com'));
    await page.waitForFunction(() => /** @type {any} */ (window).__results.some((r) => r.tag === 'mtasts-lint'));

    const rs = await results(page);
    const badge = rs.find((r) => r.id === 'badge');
    const form = rs.find((r) => r.id === 'form');
    const lint = rs.find((r) => r.id === 'lint');
    assert.ok(badge && form && lint, JSON.stringify(rs));
    assert.equal(badge.grade, 'A', JSON.stringify(badge));
    assert.equal(form.grade, 'A', JSON.stringify(form));
    assert.equal(form.domain, 'good.test');
    assert.equal(lint.valid, true, JSON.stringify(lint));
    notes.push(`hostile page requests: ${count(seen, 'mtasts-core.wasm')} wasm, ${count(seen, 'mtasts.mjs')} mtasts.mjs, ${count(seen, 'widget-elements.mjs')} widget-elements.mjs for 3 widgets`);
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('attributes and properties reflect both ways; setting el.domain on a visible widget checks', T, async () => {
  const url = hostPage('props', {
    body: `<mtasts-check id="c" ${R}></mtasts-check>
<mtasts-check id="b" domain="other.test" ${R}></mtasts-check>
<mtasts-lint id="l"></mtasts-lint>`,
  });
  const { context, page, seen } = await open(url, { domains: ['good.test', 'other.test', 'testing.test'] });
  try {
    await page.evaluate(() => customElements.whenDefined('mtasts-check'));
    const reflect = await page.evaluate(() => {
      const el = /** @type {any} */ (document.createElement('mtasts-check'));
      const out = {};
      for (const [name, value] of [['domain', 'x.test'], ['resolver', 'https://doh.test/dns-query'], ['relay', 'https://r.test/?url={url}'], ['theme', 'dark']]) {
        el[name] = value;
        const attr = el.getAttribute(name);
        el.setAttribute(name, `${value}2`);
        const prop = el[name];
        el[name] = '';
        out[name] = { attr, prop, removed: !el.hasAttribute(name) };
      }
      el.compact = true;
      const compactAttr = el.hasAttribute('compact');
      el.removeAttribute('compact');
      const compactProp = el.compact;
      el.setAttribute('compact', '');
      out.compact = { attr: compactAttr, propAfterRemove: compactProp, propAfterSet: el.compact };
      const l = /** @type {any} */ (document.createElement('mtasts-lint'));
      l.kind = 'sts';
      const kindAttr = l.getAttribute('kind');
      l.setAttribute('kind', 'tlsrpt');
      out.kind = { attr: kindAttr, prop: l.kind };
      l.theme = 'light';
      l.compact = true;
      out.lintTheme = { attr: l.getAttribute('theme'), compact: l.hasAttribute('compact') };
      return out;
    });
    assert.deepEqual(reflect.domain, { attr: 'x.test', prop: 'x.test2', removed: true });
    assert.deepEqual(reflect.resolver, { attr: 'https://doh.test/dns-query', prop: 'https://doh.test/dns-query2', removed: true });
    assert.deepEqual(reflect.relay, { attr: 'https://r.test/?url={url}', prop: 'https://r.test/?url={url}2', removed: true });
    assert.deepEqual(reflect.theme, { attr: 'dark', prop: 'dark2', removed: true });
    assert.deepEqual(reflect.compact, { attr: true, propAfterRemove: false, propAfterSet: true });
    assert.deepEqual(reflect.kind, { attr: 'sts', prop: 'tlsrpt' });
    assert.deepEqual(reflect.lintTheme, { attr: 'light', compact: true });

    // The input widget becomes a badge when given a domain, and checks it (it is visible).
    await done(page, 'b');
    await page.evaluate(() => { /** @type {any} */ (document.querySelector('#c')).domain = 'good.test'; });
    await done(page, 'c');
    // A badge given another domain checks that one.
    await page.evaluate(() => { /** @type {any} */ (document.querySelector('#b')).domain = 'testing.test'; });
    await page.waitForFunction(() => /** @type {any} */ (window).__results.some((r) => r.id === 'b' && r.domain === 'testing.test'));
    await done(page, 'b');
    const rs = await results(page);
    assert.deepEqual(rs.map((r) => `${r.id} ${r.domain}`), ['b other.test', 'c good.test', 'b testing.test']);
    assert.equal(await page.getAttribute('#c', 'grade'), 'A');
    assert.equal(await page.getAttribute('#b', 'domain'), 'testing.test');
    assert.match(await page.locator('#b').evaluate((e) => e.shadowRoot?.textContent ?? ''), /testing\.test/);

    // Linter: kind and value. Setting value lints at once and dispatches mtasts-result.
    const lint = await page.evaluate(async () => {
      const l = /** @type {any} */ (document.querySelector('#l'));
      l.kind = 'sts';
      l.value = 'v=STSv1; id=20240501';
      const sts = await new Promise((res) => l.addEventListener('mtasts-result', (e) => res(e.detail), { once: true }));
      const area = /** @type {HTMLTextAreaElement} */ (l.shadowRoot.querySelector('textarea'));
      const shown = area.value;
      l.kind = 'policy';
      const bad = l.lint();
      l.value = 'version: STSv1\nmode: sometimes\n';
      const pol = await new Promise((res) => l.addEventListener('mtasts-result', (e) => res(e.detail), { once: true }));
      await bad;
      return { sts: { kind: sts.kind, valid: sts.valid }, shown, value: l.value, pol: { kind: pol.kind, valid: pol.valid, n: pol.findings.length },
        text: l.shadowRoot.textContent };
    });
    assert.deepEqual(lint.sts, { kind: 'sts', valid: true });
    assert.equal(lint.shown, 'v=STSv1; id=20240501', 'value sets the textarea');
    assert.equal(lint.value, 'version: STSv1\nmode: sometimes\n');
    assert.equal(lint.pol.kind, 'policy');
    assert.equal(lint.pol.valid, false);
    assert.ok(lint.pol.n > 0);
    assert.match(lint.text, /Invalid/);
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('events: mtasts-result bubbles and is composed (even out of another shadow root); grade and state="done"', T, async () => {
  const url = hostPage('events', { body: `<div id="outer"></div><mtasts-lint id="l" kind="tlsrpt"></mtasts-lint>` });
  const { context, page, seen } = await open(url, { domains: ['good.test', 'testing.test'] });
  try {
    // The badge lives inside the host page's own (closed) shadow root: only a composed event reaches document.
    await page.evaluate(() => {
      const root = /** @type {HTMLElement} */ (document.querySelector('#outer')).attachShadow({ mode: 'closed' });
      const b = document.createElement('mtasts-check');
      b.id = 'inner';
      b.setAttribute('domain', 'good.test');
      b.setAttribute('resolver', 'https://doh.test/dns-query');
      root.append(b);
      /** @type {any} */ (window).__inner = b;
    });
    await page.waitForFunction(() => /** @type {any} */ (window).__results.length >= 1, null, { timeout: 12_000 });
    const [r] = await results(page);
    assert.equal(r.id, 'outer', 'retargeted to the outer host: the event crossed the shadow boundary');
    assert.equal(r.bubbles, true);
    assert.equal(r.composed, true);
    assert.equal(r.domain, 'good.test');
    assert.equal(r.grade, 'A');
    assert.ok(r.checks > 0, 'detail is the report (with its checks)');
    const attrs = await page.evaluate(() => ({
      grade: /** @type {any} */ (window).__inner.getAttribute('grade'), state: /** @type {any} */ (window).__inner.getAttribute('state'),
    }));
    assert.deepEqual(attrs, { grade: 'A', state: 'done' });

    // el.check() resolves to the same report the event carries.
    const viaCheck = await page.evaluate(async () => {
      const b = /** @type {any} */ (window).__inner;
      const seenDetail = new Promise((res) => document.addEventListener('mtasts-result', (e) => res(/** @type {CustomEvent} */ (e).detail), { once: true }));
      const report = await b.check('testing.test');
      return { same: report === (await seenDetail), domain: report.domain, grade: report.grade, attr: b.getAttribute('grade') };
    });
    assert.equal(viaCheck.same, true);
    assert.equal(viaCheck.domain, 'testing.test');
    assert.equal(viaCheck.attr, viaCheck.grade ?? null);

    // The linter dispatches mtasts-result with its lint result (typed, so through the input listener).
    await page.locator('#l textarea').fill('v=TLSRPTv1; rua=mailto:tls@example.com');
    await page.waitForFunction(() => /** @type {any} */ (window).__results.some((x) => x.tag === 'mtasts-lint'));
    const lr = (await results(page)).find((x) => x.tag === 'mtasts-lint');
    assert.equal(lr.bubbles, true);
    assert.equal(lr.composed, true);
    assert.equal(lr.kind, 'tlsrpt');
    assert.equal(lr.valid, true);
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('the root cause leads, as on the page: the resolver out of reach, the policy unreadable (CORS); none when nothing cascades', T, async () => {
  const down = 'https://doh-unreachable.invalid/dns-query';
  // The host page lets the widget try that resolver (a name the browser's resolver rules leave unresolved).
  cspFor.cause = hostCsp().replace('https://*.test', 'https://*.test https://doh-unreachable.invalid');
  const url = hostPage('cause', {
    body: `<mtasts-check id="d" domain="good.test" resolver="${down}"></mtasts-check>
<mtasts-check id="n" domain="nocors.test" ${R}></mtasts-check>
<mtasts-check id="g" domain="good.test" ${R}></mtasts-check>`,
  });
  const { context, page, seen } = await open(url, { domains: ['good.test', 'nocors.test'], allow: [down] });
  try {
    for (const id of ['d', 'n', 'g']) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded(); // a badge checks once it is shown
      await done(page, id);
    }
    const shown = await page.evaluate(() => Object.fromEntries(['d', 'n', 'g'].map((id) => {
      const root = /** @type {HTMLElement} */ (document.getElementById(id)).shadowRoot;
      return [id, [...(root?.querySelectorAll('[part="cause"]') ?? [])].map((p) => p.textContent)];
    })));
    assert.deepEqual(shown.d, ['Start here: the DNS resolver could not be reached.'], JSON.stringify(shown));
    assert.equal(shown.n.length, 1, JSON.stringify(shown));
    assert.match(shown.n[0], /^Start here: the policy file could not be read: .*CORS/);
    assert.deepEqual(shown.g, [], 'nothing cascades for a good domain');
    await clean(page, seen, { ignore: /doh-unreachable\.invalid|ERR_NAME_NOT_RESOLVED|Failed to load resource|mta-sts\.nocors\.test.*blocked by CORS policy/ });
  } finally {
    await context.close();
  }
});

test('one wasm for several widgets: one request for mtasts.mjs and one for mtasts-core.wasm', T, async () => {
  const url = hostPage('one', {
    body: `<mtasts-check id="a" domain="good.test" compact ${R}></mtasts-check>
<mtasts-check id="b" domain="other.test" compact ${R}></mtasts-check>
<mtasts-check id="c" ${R}></mtasts-check><mtasts-lint></mtasts-lint>`,
  });
  const { context, page, seen } = await open(url, { domains: ['good.test', 'other.test'] });
  try {
    await done(page, 'a');
    await done(page, 'b');
    assert.equal(count(seen, 'mtasts-core.wasm'), 1, 'exactly one request for the wasm');
    assert.equal(count(seen, 'mtasts.mjs'), 1, 'exactly one request for mtasts.mjs');
    await clean(page, seen);
  } finally {
    await context.close();
  }

});

test('nothing fetched before needed: a badge after a 5000px spacer loads and checks only when scrolled into view', T, async () => {
  const far = hostPage('far', { body: `<div class="spacer"></div><mtasts-check id="far" domain="lazy.test" ${R}></mtasts-check>` });
  const { context, page, seen } = await open(far, { domains: ['lazy.test'] });
  try {
    await page.evaluate(() => customElements.whenDefined('mtasts-check'));
    await page.waitForTimeout(600);
    for (const file of widgetFiles()) assert.equal(count(seen, file), 1, `${file} loads with the script, once`);
    assert.deepEqual(seen.requests.filter(isModule), [], 'no mtasts.mjs, glue, host.mjs, wasm, findings.mjs or kinds.mjs before the badge is visible');
    assert.deepEqual(world.requests.filter((q) => q.path.includes('lazy') || q.host.includes('lazy') || q.q?.name?.includes('lazy')), [], 'no DNS or policy request');
    assert.equal(await page.getAttribute('#far', 'state'), null, 'not checked yet');
    await page.locator('#far').scrollIntoViewIfNeeded();
    await done(page, 'far');
    assert.equal(count(seen, 'mtasts-core.wasm'), 1);
    assert.deepEqual([count(seen, 'findings.mjs'), count(seen, 'kinds.mjs')], [1, 1], 'what shows a result came with the checker');
    assert.equal(await page.getAttribute('#far', 'grade'), 'A');
    await clean(page, seen);
  } finally {
    await context.close();
  }

});

test('nothing fetched before needed: a linter and an input below the fold load the checker when focused', T, async () => {
  const focus = hostPage('focus', { body: `<div class="spacer"></div><mtasts-lint id="fl"></mtasts-lint><mtasts-check id="fc" ${R}></mtasts-check>` });
  const { context, page, seen } = await open(focus, { domains: [] });
  try {
    await page.evaluate(() => customElements.whenDefined('mtasts-lint'));
    await page.waitForTimeout(600);
    assert.deepEqual(seen.requests.filter(isModule), [], 'nothing before focus');
    const scrolled = await page.evaluate(() => {
      /** @type {HTMLElement} */ (document.querySelector('#fl')?.shadowRoot?.querySelector('textarea')).focus({ preventScroll: true });
      return scrollY;
    });
    assert.equal(scrolled, 0, 'still at the top: loading is due to focus, not visibility');
    await until(() => count(seen, 'mtasts-core.wasm') > 0, 5000);
    await page.waitForTimeout(200);
    assert.equal(count(seen, 'mtasts-core.wasm'), 1, 'focusing the linter loads the wasm');
    assert.equal(count(seen, 'mtasts.mjs'), 1);
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('loaded twice (a second URL): no error, the tags still work, one definition', T, async () => {
  const url = hostPage('twice', {
    body: `<mtasts-check id="t" domain="good.test" ${R}></mtasts-check><mtasts-lint id="l" kind="policy"></mtasts-lint>`,
    scripts: [`${web.base}mtasts-widget.js`, `${web.base}mtasts-widget.js?x=2`],
  });
  const { context, page, seen } = await open(url, { domains: ['good.test'] });
  try {
    await done(page, 't');
    const got = seen.requests.filter((u) => /mtasts-widget\.js/.test(u)).map((u) => new URL(u).search);
    assert.deepEqual(got.sort(), ['', '?x=2'], 'both script URLs were fetched (so the script ran twice)');
    assert.equal(await page.getAttribute('#t', 'grade'), 'A');
    const lint = await page.evaluate(async () => {
      const l = /** @type {any} */ (document.querySelector('#l'));
      l.value = 'version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n';
      return (await l.lint())?.valid;
    });
    assert.equal(lint, true);
    assert.equal(count(seen, 'mtasts-core.wasm'), 1);
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('define(): importing the elements registers nothing; define() registers, under a tag and in a registry given, and leaves a defined tag alone', T, async () => {
  const url = hostPage('define', {
    body: `<mtasts-check id="a" domain="good.test" ${R}></mtasts-check><docs-lint id="dl" kind="sts"></docs-lint><taken-check id="t"></taken-check>`,
    scripts: [],
  });
  const { context, page, seen } = await open(url, { domains: ['good.test'] });
  try {
    // The host page enforces Trusted Types, so modules are loaded with import() (see "no global names").
    const out = await page.evaluate(async (base) => {
      const mod = await import(`${base}widget-elements.mjs`);
      const { MtastsCheckElement: Check, MtastsLintElement: Lint } = mod;
      const get = (tag) => customElements.get(tag) ?? null;
      const afterImport = [get('mtasts-check'), get('mtasts-lint')];
      // A registry of the caller's: define() registers there, and only there.
      const calls = [];
      const registry = { get: () => undefined, define: (tag, cls) => { calls.push([tag, cls === Lint]); } };
      const returned = Lint.define('docs-lint', /** @type {any} */ (registry)) === Lint;
      const afterOwnRegistry = get('docs-lint');
      // Another tag, in the page's registry.
      Lint.define('docs-lint');
      // A tag the page defined itself is left alone.
      class Taken extends HTMLElement {}
      customElements.define('taken-check', Taken);
      Check.define('taken-check');
      const taken = get('taken-check') === Taken;
      // The default tag, twice: the second call is harmless.
      Check.define();
      Check.define();
      // The class is registered as docs-lint already: define() under its default tag is harmless too.
      Lint.define();
      // A name that cannot be a custom element is the caller's error.
      let bad = '';
      try { Check.define('nodash'); } catch (e) { bad = /** @type {Error} */ (e).name; }
      // The widget script on top: its define() calls find everything defined.
      await import(`${base}mtasts-widget.js`);
      const made = new Check();
      return {
        afterImport, calls, returned, afterOwnRegistry, taken, bad,
        docsLint: get('docs-lint') === Lint, check: get('mtasts-check') === Check, lint: get('mtasts-lint'),
        made: made.localName, upgraded: document.querySelector('#dl') instanceof Lint,
      };
    }, web.base);
    assert.deepEqual(out.afterImport, [null, null], 'importing widget-elements.mjs registers nothing');
    assert.deepEqual(out.calls, [['docs-lint', true]]);
    assert.equal(out.returned, true, 'define() returns the class');
    assert.equal(out.afterOwnRegistry, null, 'a registry given is the one used');
    assert.equal(out.docsLint, true);
    assert.equal(out.taken, true, 'a tag defined by the page is left alone');
    assert.equal(out.check, true);
    assert.equal(out.lint, null, 'a class is registered once: under docs-lint here');
    assert.equal(out.bad, 'SyntaxError');
    assert.equal(out.made, 'mtasts-check', 'new works once defined');
    assert.equal(out.upgraded, true, '<docs-lint> on the page was upgraded');
    await done(page, 'a');
    assert.equal(await page.getAttribute('#a', 'grade'), 'A');
    const lint = await page.evaluate(async () => {
      const l = /** @type {any} */ (document.querySelector('#dl'));
      l.value = 'v=STSv1; id=20240501';
      return (await l.lint())?.valid;
    });
    assert.equal(lint, true, 'the linter works under its other tag');
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('resolver and relay: a shown badge checks again once for changes made together; an input and a badge not yet shown use them next', T, async () => {
  const doh = (v) => `${world.resolverUrl}?v=${v}`;
  const url = hostPage('reactive', {
    body: `<mtasts-check id="b" domain="good.test" resolver="${doh(1)}"></mtasts-check>
<mtasts-check id="n" domain="nocors.test" resolver="${doh(1)}"></mtasts-check>
<mtasts-check id="f" resolver="${doh(1)}"></mtasts-check>
<div class="spacer"></div><mtasts-check id="far" domain="lazy.test" resolver="${doh(1)}"></mtasts-check>`,
  });
  const { context, page, seen } = await open(url, { domains: ['good.test', 'other.test', 'nocors.test', 'lazy.test'], allow: ['https://relay.test'] });
  // What the world was asked since `from` (other tests' requests stay in world.requests).
  let from = world.requests.length;
  const asked = (host) => world.requests.slice(from).filter((q) => q.host === host);
  /** The resolver versions (?v=) asked for names under `d`. */
  const versions = (d) => [...new Set(asked('doh.test').filter((q) => q.q?.name?.includes(d))
    .map((q) => new URL(q.path, 'https://doh.test').searchParams.get('v')))].sort();
  const of = async (id) => (await results(page)).filter((r) => r.id === id);
  try {
    await done(page, 'b');
    await done(page, 'n');
    assert.deepEqual(versions('good.test'), ['1']);
    const nocors = (await of('n'))[0];
    assert.equal(nocors.grade, null, 'without a relay the policy cannot be read from the browser: no grade');
    assert.equal(asked('relay.test').length, 0);

    // Three changes in one task (two attributes and a property): one check, with the last values.
    from = world.requests.length;
    const calls = await page.evaluate(async (r) => {
      const b = /** @type {any} */ (document.querySelector('#b'));
      let n = 0;
      const check = b.check;
      b.check = function counted(...args) { n += 1; return check.apply(this, args); }; // counts the checks started
      b.setAttribute('resolver', r[0]);
      b.setAttribute('relay', 'https://relay.test/?url={url}');
      b.resolver = r[1];
      const now = n;
      await new Promise((res) => setTimeout(res, 50));
      delete b.check;
      return { now, after: n };
    }, [doh(2), doh(3)]);
    assert.deepEqual(calls, { now: 0, after: 1 }, 'nothing during the task, one check after it');
    await page.waitForFunction(() => /** @type {any} */ (window).__results.filter((r) => r.id === 'b').length >= 2, null, { timeout: 12_000 });
    await done(page, 'b');
    await page.waitForTimeout(300);
    assert.equal((await of('b')).length, 2, 'one check for the three changes');
    assert.deepEqual(versions('good.test'), ['3'], 'with the resolver set last, never the one in between');
    assert.equal(await page.getAttribute('#b', 'grade'), 'A');

    // The relay: the badge checks again through it, and the policy is read.
    await page.evaluate(() => { /** @type {any} */ (document.querySelector('#n')).relay = 'https://relay.test/?url={url}'; });
    await page.waitForFunction(() => /** @type {any} */ (window).__results.filter((r) => r.id === 'n').length >= 2, null, { timeout: 12_000 });
    const relayed = asked('relay.test');
    assert.equal(relayed.length, 1, 'the relay was asked, once');
    assert.equal(new URL(relayed[0].path, 'https://relay.test').searchParams.get('url'), 'https://mta-sts.nocors.test/.well-known/mta-sts.txt');
    assert.equal((await of('n'))[1].grade, 'A', 'the policy read through the relay');

    // An input: a change is not a check; its next check uses it.
    from = world.requests.length;
    await page.evaluate((r) => { /** @type {any} */ (document.querySelector('#f')).resolver = r; }, doh(4));
    await page.waitForTimeout(300);
    assert.deepEqual(await of('f'), [], 'changing the resolver of an input checks nothing');
    assert.deepEqual(asked('doh.test'), []);
    await page.locator('#f input').fill('other.test');
    await page.locator('#f button').click();
    await done(page, 'f');
    assert.deepEqual(versions('other.test'), ['4']);
    assert.equal((await of('f'))[0].grade, 'A');

    // A badge not yet shown: nothing until it is, then one check with what it has then.
    await page.evaluate((r) => {
      const far = /** @type {any} */ (document.querySelector('#far'));
      far.resolver = r;
      far.relay = 'https://relay.test/?url={url}';
    }, doh(5));
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('#far', 'state'), null, 'not checked while not shown');
    assert.deepEqual(versions('lazy.test'), []);
    await page.locator('#far').scrollIntoViewIfNeeded();
    await done(page, 'far');
    assert.deepEqual(versions('lazy.test'), ['5']);
    assert.equal((await of('far')).length, 1);
    // The policy host without CORS is refused by the browser before the relay is asked: that is its console error.
    await clean(page, seen, { ignore: /mta-sts\.nocors\.test.*(CORS|Access-Control)|Failed to load resource/ });
  } finally {
    await context.close();
  }
});

test('no global names: Object.keys(window) is the same before and after the widget loads and runs', T, async () => {
  const url = hostPage('globals', { body: `<mtasts-check id="g" domain="good.test" ${R}></mtasts-check><mtasts-lint id="l"></mtasts-lint>`, scripts: [] });
  const { context, page, seen } = await open(url, { domains: ['good.test'] });
  try {
    const snapshot = () => page.evaluate(() => ({ keys: Object.keys(window), names: Object.getOwnPropertyNames(window) }));
    const beforeLoad = await snapshot();
    // The host page enforces Trusted Types, so a script element's src takes no string: import() is how
    // a module is loaded there.
    await page.evaluate((src) => import(src), `${web.base}mtasts-widget.js`);
    await done(page, 'g');
    await page.evaluate(async () => { /** @type {any} */ (document.querySelector('#l')).value = 'version: STSv1\n'; });
    const afterLoad = await snapshot();
    const added = (a, b) => b.filter((k) => !a.includes(k));
    assert.deepEqual(added(beforeLoad.keys, afterLoad.keys), [], 'no new enumerable global');
    assert.deepEqual(added(beforeLoad.names, afterLoad.names), [], 'no new global at all');
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('no layout shift: a badge keeps its height from before its check finishes to after', T, async () => {
  const url = hostPage('shift', {
    body: `<mtasts-check id="full" domain="slow.test" ${R}></mtasts-check>
<mtasts-check id="compact" domain="slow.test" compact ${R}></mtasts-check>
<mtasts-check id="good" domain="good.test" ${R}></mtasts-check>`,
  });
  const { context, page, seen } = await open(url, { domains: ['slow.test', 'good.test'] });
  try {
    for (const id of ['full', 'compact', 'good']) await done(page, id);
    await page.waitForTimeout(100); // a frame or two for the sampler
    const heights = await page.evaluate(() => /** @type {any} */ (window).__heights);
    const problems = [];
    for (const id of ['full', 'compact', 'good']) {
      const list = heights[id];
      assert.ok(list?.length, `sampled ${id}`);
      const final = list.at(-1).h;
      // From the upgrade on ('undefined': the tag before the script has defined it, not the widget's doing).
      const running = list.filter((s) => s.state !== 'done' && s.state !== 'undefined');
      notes.push(`layout ${id}: ${list.map((s) => `${s.state} ${s.h.toFixed(1)}`).join(' → ')}`);
      assert.ok(running.length, `${id} was sampled before its check finished`);
      for (const s of running) if (Math.abs(s.h - final) > 1) problems.push(`${id}: ${s.h.toFixed(1)}px while ${s.state}, ${final.toFixed(1)}px when done`);
    }
    assert.deepEqual(problems, [], 'height before the check finishes equals the height after (±1 px)');
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('theme: dark unless theme="light"; --mtasts-accent colours the button; ::part(grade) applies', T, async () => {
  const css = `#acc { --mtasts-accent: #6f42c1 }
#parted::part(grade) { background-color: rgb(1, 2, 3); border-top-left-radius: 50% }
`;
  const body = `<mtasts-check id="auto" ${R}></mtasts-check>
<mtasts-check id="light" theme="light" ${R}></mtasts-check>
<mtasts-check id="dark" theme="dark" ${R}></mtasts-check>
<mtasts-check id="acc" ${R}></mtasts-check>
<mtasts-lint id="lint"></mtasts-lint>
<mtasts-check id="parted" domain="good.test" compact ${R}></mtasts-check>`;
  const url = hostPage('theme', { body, css });
  const bg = async (page, id) => (await styleOf(page, `#${id}`, '', ['background-color']))['background-color'];
  const button = async (page, id) => (await styleOf(page, `#${id}`, 'button', ['background-color']))['background-color'];
  const numbers = {};

  for (const scheme of /** @type {const} */ (['dark', 'light'])) {
    const { context, page, seen } = await open(url, { colorScheme: scheme, domains: ['good.test'] });
    try {
      await done(page, 'parted');
      const c = { auto: await bg(page, 'auto'), light: await bg(page, 'light'), dark: await bg(page, 'dark'), lint: await bg(page, 'lint') };
      numbers[scheme] = c;
      if (scheme === 'dark') {
        assert.ok(luminance(c.auto) < 0.1, `dark scheme: the widget is dark (${c.auto})`);
        assert.ok(luminance(c.lint) < 0.1, `dark scheme: the linter is dark (${c.lint})`);
        assert.ok(luminance(c.light) > 0.8, `dark scheme, theme="light": light (${c.light})`);
      } else {
        assert.ok(luminance(c.auto) > 0.8, `light scheme: light (${c.auto})`);
        assert.ok(luminance(c.light) > 0.8);
      }
      assert.ok(luminance(c.dark) < 0.1, `theme="dark" is dark in a ${scheme} scheme (${c.dark})`);
      // The host page's custom property reaches the button.
      const accent = await button(page, 'acc');
      assert.equal(accent, 'rgb(111, 66, 193)', `--mtasts-accent colours the button (${scheme})`);
      assert.notEqual(await button(page, 'auto'), accent);
      // ::part(grade) from the host page applies.
      const g = await styleOf(page, '#parted', '[part~="grade"]', ['background-color', 'border-top-left-radius']);
      assert.ok(g, 'the grade has part="grade"');
      assert.equal(g['background-color'], 'rgb(1, 2, 3)');
      assert.equal(g['border-top-left-radius'], '50%');
      await clean(page, seen);
    } finally {
      await context.close();
    }
  }
  notes.push(`theme backgrounds: ${JSON.stringify(numbers)}`);
});

test('XSS: DNS text, a policy, a typed domain and a pasted policy are shown as text', T, async () => {
  const url = hostPage('xss', {
    body: `<mtasts-check id="x" domain="xss.test" ${R}></mtasts-check>
<mtasts-check id="typed" ${R}></mtasts-check>
<mtasts-lint id="l" kind="policy"></mtasts-lint>`,
  });
  const { context, page, seen } = await open(url, { domains: ['xss.test'] });
  try {
    await done(page, 'x');
    await page.locator('#typed input').fill(XSS);
    await page.locator('#typed button').click();
    await page.locator('#typed[state="done"]').waitFor({ state: 'attached', timeout: 8000 });
    await page.evaluate((p) => { /** @type {any} */ (document.querySelector('#l')).value = p; },
      `version: STSv1\nmode: enforce\nmx: ${XSS}\nmax_age: 1209600\n`);
    await page.waitForFunction(() => /** @type {any} */ (window).__results.some((r) => r.tag === 'mtasts-lint'));
    await page.waitForTimeout(200); // give an injected onerror a chance to run
    const out = await page.evaluate(() => {
      const shadowText = (id) => document.querySelector(`#${id}`)?.shadowRoot?.textContent ?? '';
      const elements = (id) => [...(document.querySelector(`#${id}`)?.shadowRoot?.querySelectorAll('img, script') ?? [])].map((e) => e.outerHTML);
      return {
        pwned: /** @type {any} */ (window).__pwned, badge: shadowText('x'), typed: shadowText('typed'), lint: shadowText('l'),
        injected: [...elements('x'), ...elements('typed'), ...elements('l'), ...[...document.querySelectorAll('img')].map((e) => e.outerHTML)],
      };
    });
    assert.equal(out.pwned, undefined, 'window.__pwned stays undefined');
    assert.deepEqual(out.injected, [], 'no img or script element anywhere');
    assert.ok(out.typed.includes(XSS), `the typed text is shown as text: ${out.typed.slice(0, 200)}`);
    assert.ok(out.lint.includes('<img'), `the pasted policy's mx is shown as text: ${out.lint.slice(0, 300)}`);
    notes.push(`xss: the badge shows the hostile DNS/policy text: ${out.badge.includes('<img') ? 'yes, as text' : 'no (not displayed)'}`);
    assert.ok(!seen.requests.some((u) => new URL(u).pathname === '/x'), 'no request for img src=x');
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('an internationalised domain typed in Unicode: checked as its A-label form, shown in both forms', T, async () => {
  const url = hostPage('idn', { body: `<mtasts-check id="typed" ${R}></mtasts-check>` });
  const { context, page, seen } = await open(url, { domains: ['xn--bcher-kva.test'] });
  try {
    await page.locator('#typed input').waitFor({ state: 'attached', timeout: 8000 });
    await page.locator('#typed input').fill('bücher.test');
    await page.locator('#typed button').click();
    await done(page, 'typed');
    const out = await page.evaluate(() => {
      const root = document.querySelector('#typed')?.shadowRoot;
      return {
        verdict: root?.querySelector('.verdict')?.textContent ?? '',
        more: /** @type {HTMLAnchorElement | null} */ (root?.querySelector('a.more') ?? null)?.href ?? '',
        grade: document.querySelector('#typed')?.getAttribute('grade'),
      };
    });
    assert.equal(out.grade, 'A', JSON.stringify(out));
    assert.ok(out.verdict.startsWith('bücher.test (xn--bcher-kva.test): '), out.verdict);
    // The full report opens on the form the user typed.
    assert.equal(new URL(out.more).searchParams.get('domain'), 'bücher.test');
    const r = (await results(page)).find((x) => x.id === 'typed');
    assert.equal(r?.domain, 'xn--bcher-kva.test', 'the report (the event\'s detail) names the A-label domain');
    // Every question went out for the A-label name.
    assert.ok(seen.requests.some((u) => u.startsWith('https://mta-sts.xn--bcher-kva.test/')), 'the policy host is the A-label one');
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('a host page that enforces Trusted Types: all three forms work, no sink is used, no on* attribute in the shadow roots', T, async () => {
  const url = hostPage('tt', {
    body: `<mtasts-check id="form" ${R}></mtasts-check>
<mtasts-check id="badge" domain="good.test" ${R}></mtasts-check>
<mtasts-lint id="lint" kind="policy"></mtasts-lint>`,
  });
  assert.match(hostCsp('tt'), /require-trusted-types-for 'script'; trusted-types 'none'/);
  // The one violation here is the test's own, at the end: it shows that the page does enforce Trusted Types.
  const { context, page, seen } = await open(url, {
    domains: ['good.test', 'testing.test'],
    expect: [/^CSP violation: require-trusted-types-for blocked trusted-types-sink \[Element insertAdjacentHTML\|<i>x<\/i>\]/,
      /^console: This document requires 'TrustedHTML' assignment/],
  });
  try {
    await done(page, 'badge');
    await page.locator('#form input').fill('testing.test');
    await page.locator('#form button').click();
    await done(page, 'form');
    await page.locator('#lint textarea').fill('version: STSv1\nmode: Enforce\nmx: mail.example.com\nmax_age: 86400\n');
    await page.waitForFunction(() => /** @type {any} */ (window).__results.some((r) => r.tag === 'mtasts-lint'));
    const rs = await results(page);
    assert.equal(rs.find((r) => r.id === 'badge')?.grade, 'A', JSON.stringify(rs));
    assert.equal(rs.find((r) => r.id === 'form')?.grade, 'B', JSON.stringify(rs));
    const lint = rs.find((r) => r.tag === 'mtasts-lint');
    assert.equal(lint?.valid, false, JSON.stringify(lint));
    assert.ok(lint?.findings.includes('policy.mode.invalid'), JSON.stringify(lint));
    // Rendered results everywhere, and not one on* attribute among them.
    const walked = await inlineHandlers(page);
    assert.deepEqual(walked.handlers, []);
    assert.equal(walked.roots, 4, 'the document and the three shadow roots were walked');
    assert.deepEqual(seen.guard.problems(), [], 'the widget broke no rule of the page\'s CSP');
    // Now the proof that the page enforces Trusted Types: a string given to an HTML sink is refused.
    const refused = await page.evaluate(() => {
      try { document.body.insertAdjacentHTML('beforeend', '<i>x</i>'); return 'allowed'; } catch (e) { return /** @type {Error} */ (e).name; }
    });
    assert.equal(refused, 'TypeError');
    await page.waitForTimeout(100); // the report reaches Node
    seen.guard.verify();
    assert.deepEqual(seen.errors.filter((e) => !/This document requires 'TrustedHTML' assignment/.test(e)), [], 'no other console or page error');
  } finally {
    await context.close();
  }
});

test('the docs page, widget.html, under the CSP serve.mjs sends (Trusted Types too): the demos work, no on* attribute anywhere', T, async () => {
  const { context, page, seen } = await open(`${web.base}widget.html`, { domains: ['good.test'] });
  try {
    await page.evaluate(() => customElements.whenDefined('mtasts-check'));
    // The demo checks through Cloudflare by default; here the world's resolver stands in for it.
    await page.evaluate((resolver) => { /** @type {any} */ (document.querySelector('#demo-check')).resolver = resolver; }, world.resolverUrl);
    await page.locator('#demo-check input').fill('good.test');
    await page.locator('#demo-check button').click();
    await done(page, 'demo-check');
    assert.equal(await page.getAttribute('#demo-check', 'grade'), 'A');
    await page.locator('#demo-lint textarea').fill(policyText('example.com'));
    await page.waitForFunction(() => /** @type {any} */ (window).__results.some((r) => r.tag === 'mtasts-lint' && r.valid));
    const walked = await inlineHandlers(page);
    assert.deepEqual(walked.handlers, []);
    assert.equal(walked.roots, 3, 'the document and both demos\' shadow roots were walked');
    await clean(page, seen);
  } finally {
    await context.close();
  }
});

test('the host CSP is the minimum: without each source the widget needs, it breaks with a CSP violation', T, async () => {
  const P = CSP_PARTS();
  // Each variant provokes its violations on purpose: the guard is told which (the event, and
  // Chromium's console message for it), and fails the test if they do not happen or others do.
  const variants = {
    "no 'wasm-unsafe-eval'": {
      parts: { ...P, script: `script-src ${web.origin}` },
      expect: [/^CSP violation: script-src blocked wasm-eval/, /^console: .*WebAssembly.*Content Security Policy/],
    },
    'connect-src without the widget origin (the wasm fetch)': {
      parts: { ...P, connect: 'connect-src https://doh.test https://*.test' },
      expect: [/^CSP violation: connect-src blocked http:\/\/127\.0\.0\.1:\d+\/mtasts-core\.wasm/, /^console: .*\/mtasts-core\.wasm/],
    },
    'connect-src without the resolver and policy hosts': {
      parts: { ...P, connect: `connect-src ${web.origin}` },
      expect: [/^CSP violation: connect-src blocked https:\/\/(doh|mta-sts\.good)\.test\//, /^console: .*https:\/\/(doh|mta-sts\.good)\.test\//],
    },
    "style-src 'none' (the widget's own styles)": {
      parts: { ...P, style: "style-src 'none'" },
      expect: [/^CSP violation: style-src-elem blocked http:\/\/127\.0\.0\.1:\d+\/(hostile|csp-3)\.css/, /^console: .*\/(hostile|csp-3)\.css/],
    },
  };
  const body = `<mtasts-check id="b" domain="good.test" ${R}></mtasts-check><mtasts-lint id="l" kind="policy"></mtasts-lint>`;
  const outcome = {};
  for (const [label, { parts, expect }] of Object.entries(variants)) {
    const name = `csp-${Object.keys(outcome).length}`;
    const url = hostPage(name, { body, css: '' });
    cspFor[name] = Object.values(parts).join('; ');
    const { context, page, seen } = await open(url, { domains: ['good.test'], expect });
    try {
      await page.locator('#b[state="done"]').waitFor({ state: 'attached', timeout: 8000 }).catch(() => {});
      const lint = await page.evaluate(async () => {
        const l = /** @type {any} */ (document.querySelector('#l'));
        l.value = 'version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n';
        return (await l.lint())?.valid ?? null;
      }).catch((e) => String(e));
      const st = await styleOf(page, '#b', '', ['background-color', 'border-top-left-radius']);
      outcome[label] = {
        grade: await page.getAttribute('#b', 'grade'), state: await page.getAttribute('#b', 'state'), lint, bg: st['background-color'],
        radius: st['border-top-left-radius'], events: (await results(page)).filter((r) => r.id === 'b').length,
        shown: await page.locator('#b').evaluate((e) => e.shadowRoot?.textContent?.slice(0, 120) ?? ''),
        csp: [...new Set(seen.guard.violations().map((v) => v.replace(/:\d+/, ':<port>').replace(/\?dns=.*/, '?dns=…')))],
      };
      seen.guard.verify();
    } finally {
      await context.close();
    }
  }
  const [noWasmEval, noOriginConnect, noCheckConnect, noStyle] = Object.values(outcome);
  assert.ok(noWasmEval.csp.includes('script-src blocked wasm-eval'), JSON.stringify(noWasmEval));
  assert.equal(noWasmEval.lint, null);
  assert.equal(noWasmEval.grade, null);
  assert.ok(noOriginConnect.csp.includes('connect-src blocked http://127.0.0.1:<port>/mtasts-core.wasm'), JSON.stringify(noOriginConnect));
  assert.equal(noOriginConnect.lint, null);
  assert.ok(noCheckConnect.csp.some((v) => v.startsWith('connect-src blocked https://doh.test/')), JSON.stringify(noCheckConnect));
  assert.equal(noCheckConnect.lint, true, 'the linter needs only the widget origin');
  assert.equal(noCheckConnect.grade, null);
  // The widget's own styles (a constructed stylesheet in its shadow root) need no style-src at all:
  // only the host page's own stylesheets are refused.
  assert.equal(noStyle.grade, 'A');
  assert.equal(noStyle.lint, true);
  assert.equal(noStyle.bg, 'rgb(255, 255, 255)', 'the widget is still styled');
  assert.equal(noStyle.radius, '8px');
  assert.ok(noStyle.csp.every((v) => v.startsWith('style-src-elem blocked http://127.0.0.1:<port>/')) && !noStyle.csp.some((v) => v.includes('inline')),
    JSON.stringify(noStyle.csp));
  notes.push(`CSP necessity: ${JSON.stringify(outcome, null, 1)}`);
});
