// End-to-end test of the web page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
//   node --test tests/e2e/            serves $MTASTS_DIST (default <repo>/dist) with tools/serve.mjs
//
// Every page test fails on a console error, a page error, a failed or >= 400 request, and (support/guard.mjs)
// on a CSP or Trusted Types violation and any request to an origin other than the page's own (those are
// also blocked). Screenshots go to tests/e2e/artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './support/browser.mjs';
import { guard, track, verifyGuards } from './support/guard.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.MTASTS_DIST || path.join(repo, 'dist'));
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = { timeout: 60_000 };

const GOOD_POLICY = 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.mx.example.net\nmax_age: 604800\n';
const ENFORCE_POLICY = 'version: STSv1\nmode: Enforce\nmx: mail.example.com\nmax_age: 604800\n';

/** @type {Awaited<ReturnType<typeof serveDist>>} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
let base = '';
let port = 0;

before(async () => {
  for (const file of ['index.html', 'lint-view.js', 'style.css', 'mtasts.mjs']) {
    if (!existsSync(path.join(dist, file))) {
      throw new Error(`${path.join(dist, file)} is missing: build the page first, or point MTASTS_DIST at a built page`);
    }
  }
  if (!existsSync(executablePath)) throw new Error(`${executablePath} is missing: apt-get install -y --no-install-recommends chromium`);
  server = await serveDist(dist);
  ({ base, port } = server);
  browser = track(await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  }));
  mkdirSync(artifacts, { recursive: true });
});

afterEach(verifyGuards);

after(async () => {
  await browser?.close();
  if (server) assert.deepEqual(await server.close(), { code: 0, signal: null }, 'serve.mjs exits 0 on SIGTERM');
});

/**
 * Opens the page in a fresh context, runs fn, then fails on any problem the page showed. The guard
 * (support/guard.mjs) allows the page's own origin only: the lint view needs no network. `expect`: the
 * CSP violations the test provokes on purpose.
 * @param {{viewport?: {width: number, height: number}, colorScheme?: 'light'|'dark', allowErrors?: boolean,
 *          route?: (context: import('playwright-core').BrowserContext) => Promise<void>, waitFor?: string,
 *          path?: string, expect?: RegExp[]}} options
 * @param {(page: import('playwright-core').Page) => Promise<void>} fn
 */
async function withPage(options, fn) {
  const { viewport = { width: 1280, height: 900 }, colorScheme = 'light', allowErrors = false } = options;
  const context = await browser.newContext({ viewport, colorScheme });
  /** @type {string[]} */
  const errors = [];
  const origin = new URL(base).origin;
  const g = await guard(context, { allow: [origin], expect: options.expect });
  // The guard reports a request to another origin; this keeps it from leaving the machine as well.
  await context.route((url) => url.origin !== origin && url.protocol !== 'data:', (route) => route.abort('blockedbyclient'));
  if (options.route) await options.route(context);
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => { if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`); });
  try {
    await page.goto(options.path ? new URL(options.path, base).href : `${base}#lint`);
    await page.waitForSelector(options.waitFor ?? 'body[data-state="ready"]');
    await fn(page);
    g.verify();
    if (!allowErrors) assert.deepEqual(errors, [], 'the page had no console errors, page errors or failed requests');
  } finally {
    await context.close();
  }
}

/** Waits until the element's text matches re. @param {import('playwright-core').Page} page */
async function waitText(page, selector, re) {
  try {
    await page.waitForFunction(([sel, src, flags]) => new RegExp(src, flags).test(document.querySelector(sel)?.textContent ?? ''),
      [selector, re.source, re.flags], { timeout: 5000 });
  } catch {
    assert.match(await page.textContent(selector) ?? '', re, `${selector} text`);
  }
}

/** Findings as shown: severity, line, column, code. @param {import('playwright-core').Page} page */
function shownFindings(page) {
  return page.$$eval('#findings li.finding', (items) => items.map((li) => ({
    severity: ['error', 'warning', 'info'].find((s) => li.classList.contains(s)),
    line: li.dataset.line ? Number(li.dataset.line) : undefined,
    column: li.dataset.column ? Number(li.dataset.column) : undefined,
    code: li.querySelector('.code')?.textContent,
  })));
}

/** UTF-16 offset of a 1-based line and code-point column, written independently of the page's. */
function utf16Offset(text, line, column) {
  const lines = text.split('\n');
  const before = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  return before + [...lines[line - 1]].slice(0, column - 1).join('').length;
}

test('serve.mjs: headers, MIME types, and no way out of the directory', TIMEOUT, async () => {
  const get = (urlPath, method = 'GET') => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, method }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
  const home = /** @type {import('node:http').IncomingMessage} */ (await get('/'));
  assert.equal(home.statusCode, 200);
  assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(home.headers['content-security-policy'],
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; "
    + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'; require-trusted-types-for 'script'; trusted-types 'none'");
  assert.equal(home.headers['x-content-type-options'], 'nosniff');
  assert.equal(home.headers['referrer-policy'], 'no-referrer');
  assert.equal(home.headers['cache-control'], 'no-cache');
  assert.equal(home.headers['cross-origin-embedder-policy'], undefined);
  const types = { '/lint-view.js': /^text\/javascript/, '/mtasts.mjs': /^text\/javascript/, '/style.css': /^text\/css/ };
  for (const wasm of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) types[`/${wasm}`] = /^application\/wasm$/;
  for (const [p, type] of Object.entries(types)) {
    const res = /** @type {import('node:http').IncomingMessage} */ (await get(p));
    assert.equal(res.statusCode, 200, p);
    assert.match(res.headers['content-type'] ?? '', type, p);
  }
  for (const p of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/..\\..\\etc\\passwd', '/%00', '/nope.html']) {
    assert.equal(/** @type {any} */ (await get(p)).statusCode, 404, p);
  }
  assert.equal(/** @type {any} */ (await get('/', 'POST')).statusCode, 405);
});

/** A CSP as directive → sources (lower-cased names; the first of a repeated directive wins, as browsers do). */
function parseCsp(text) {
  /** @type {Map<string, string[]>} */
  const out = new Map();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** The content of an HTML file's <meta http-equiv="Content-Security-Policy">, or null. */
function metaCsp(html) {
  return /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1] ?? null;
}

test('the CSP, as serve.mjs sends it and in both pages\' <meta>: no inline script or handler, Trusted Types with no policy', TIMEOUT, async () => {
  const header = await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (res) => { res.resume(); resolve(res.headers['content-security-policy']); })
      .on('error', reject).end();
  });
  const policies = { 'serve.mjs header': String(header ?? '') };
  for (const file of ['index.html', 'widget.html']) {
    for (const [where, dir] of [['web', path.join(repo, 'web')], ['dist', dist]]) {
      policies[`${where}/${file} <meta>`] = metaCsp(readFileSync(path.join(dir, file), 'utf8')) ?? '';
    }
  }
  for (const [where, text] of Object.entries(policies)) {
    assert.notEqual(text, '', `${where}: a CSP is there`);
    const csp = parseCsp(text);
    const script = csp.get('script-src') ?? csp.get('default-src');
    assert.ok(script, `${where}: script-src (or default-src) is set`);
    // 'unsafe-inline' would run inline scripts and on* handlers; 'unsafe-hashes' would run handlers whose hash
    // is listed; 'unsafe-eval' would open eval and new Function. Only WebAssembly compilation is allowed.
    for (const bad of ["'unsafe-inline'", "'unsafe-hashes'", "'unsafe-eval'", '*', 'data:', 'https:', 'http:']) {
      assert.ok(!script.includes(bad), `${where}: script-src has no ${bad}: ${script.join(' ')}`);
    }
    assert.deepEqual(script, ["'self'", "'wasm-unsafe-eval'"], where);
    // A script-src-attr or script-src-elem would override script-src for handlers or elements.
    assert.equal(csp.get('script-src-attr'), undefined, where);
    assert.equal(csp.get('script-src-elem'), undefined, where);
    assert.deepEqual(csp.get('require-trusted-types-for'), ["'script'"], `${where}: Trusted Types are required`);
    assert.deepEqual(csp.get('trusted-types'), ["'none'"], `${where}: and no policy may be made`);
    assert.deepEqual(csp.get('object-src'), ["'none'"], where);
    assert.deepEqual(csp.get('base-uri'), ["'none'"], where);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Inline event handlers, javascript: URLs and DOM XSS sinks, in the files themselves.

/**
 * What a source file must not contain, as "<line>: [<rule>] <text>": an on* attribute in HTML markup, an
 * on* handler set from script (setAttribute('on…'), a property `.onclick =`, a key `onclick: '…'`), a
 * javascript: URL, and a DOM XSS sink (the sinks Trusted Types guards, plus eval and string timers). A
 * handler property is refused even when given a function: a pattern cannot tell a function from a string,
 * and addEventListener does everything it does. Emscripten's glue (`generated`) is held to the string rule
 * only: its worker path sets an XMLHttpRequest's onload to a function, which is no DOM handler.
 * @param {string} name the file name (its extension picks the HTML rules) @param {string} text
 * @param {{ generated?: boolean }} [o]
 */
function scanSource(name, text, { generated = false } = {}) {
  /** @type {string[]} */
  const found = [];
  const lineAt = (i) => text.slice(0, i).split('\n').length;
  const scan = (re, rule) => {
    for (const m of text.matchAll(re)) found.push(`${lineAt(m.index ?? 0)}: [${rule}] ${m[0].replace(/\s+/g, ' ').slice(0, 100)}`);
  };
  if (/\.html?$/.test(name)) {
    // Every start tag, however many lines it spans; comments are not markup.
    const markup = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
    for (const m of markup.matchAll(/<[a-zA-Z][^>]*>/g)) {
      if (/\son[a-z]+\s*=/i.test(m[0])) found.push(`${lineAt(m.index ?? 0)}: [inline event handler attribute] ${m[0].replace(/\s+/g, ' ').slice(0, 100)}`);
    }
    scan(/<script(?![^>]*\bsrc=)[^>]*>/gi, 'inline script');
  } else {
    scan(/\bsetAttribute(NS)?\s*\([^)]*?['"`]on[a-z]+['"`]/gi, 'on* attribute set from script');
    scan(generated ? /\.on[a-z]+\s*=\s*['"`]/g : /\.on[a-z]+\s*=(?!=)/g, 'handler property assigned');
    scan(/\bon[a-z]+\s*:\s*['"`]/g, 'handler given as a string');
    scan(/\.(innerHTML|outerHTML|srcdoc)\s*(=(?!=)|\+=)/g, 'HTML sink');
    scan(/\b(insertAdjacentHTML|createContextualFragment|parseFromString|setHTMLUnsafe|parseHTMLUnsafe|importScripts|document\.write(ln)?)\s*\(/g, 'HTML or script sink');
    scan(/(?<![.\w$])eval\s*\(|\bnew\s+Function\s*\(/g, 'eval');
    scan(/\bset(Timeout|Interval)\s*\(\s*['"`]/g, 'timer given a string');
  }
  scan(/javascript:/gi, 'javascript: URL');
  return found.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
}

test('no inline event handler, javascript: URL or DOM XSS sink in any file of web/ or the built page', () => {
  // The scanner first: each rule catches what it is for, and leaves the code we write alone.
  const bad = {
    'a.html': '<p>\n<button type="button"\n  onclick="go()">x</button><!-- <a onclick="no"> --><script>x()</script><a href="JavaScript:void(0)">',
    'b.js': [
      "b.setAttribute('onclick', 'go()');", 'b.onclick = () => go();', "Object.assign(b, { onerror: 'go()' });",
      'b.innerHTML = s;', 'b.outerHTML += s;', "b.insertAdjacentHTML('beforeend', s);", 'document.write(s);',
      'eval(s);', "new Function('return 1');", "setTimeout('go()', 1);", "location.href = 'javascript:go()';",
      "frame.srcdoc = s;", "importScripts('x.js');",
    ].join('\n'),
  };
  assert.deepEqual(scanSource('a.html', bad['a.html']).map((f) => /\[(.*?)\]/.exec(f)?.[1]),
    ['inline event handler attribute', 'inline script', 'javascript: URL']);
  assert.deepEqual(scanSource('b.js', bad['b.js']).map((f) => f.split(':')[0]).map(Number),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], JSON.stringify(scanSource('b.js', bad['b.js'])));
  const good = "a.addEventListener('click', go, { once: true }); a.textContent = s; a.setAttribute('part', 'x'); if (a.onclick == null) evaluate(s); x.retrieval(1);";
  assert.deepEqual(scanSource('c.js', good), []);
  assert.deepEqual(scanSource('g.mjs', "xhr.onload=(()=>1);xhr.onerror=onerror;", { generated: true }), []);
  assert.equal(scanSource('g.mjs', "el.onclick = 'go()';", { generated: true }).length, 1);

  /** @type {string[]} */
  const problems = [];
  const files = [
    ...readdirSync(path.join(repo, 'web')).map((f) => path.join(repo, 'web', f)),
    ...readdirSync(dist).map((f) => path.join(dist, f)), // the built page: mtasts.mjs and the Emscripten glue too
  ].filter((f) => /\.(html|js|mjs|css|svg)$/.test(f));
  assert.ok(files.some((f) => f.endsWith('mtasts-core.mjs')), 'the Emscripten glue is among the files scanned');
  // Callbacks of a library's own objects that share the on* spelling, not DOM handlers: [file, line text].
  const notHandlers = [
    ['report.mjs', /\bfile\.ondata = \(/], // fflate's UnzipFile: the stream of one zip entry's bytes
  ];
  for (const file of files) {
    const generated = ['mtasts-core.mjs', 'mtasts-report-core.mjs'].includes(path.basename(file));
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    for (const f of scanSource(file, text, { generated })) {
      const line = lines[Number(f.split(':')[0]) - 1] ?? '';
      if (notHandlers.some(([name, re]) => path.basename(file) === name && re.test(line))) continue;
      problems.push(`${path.relative(repo, file)}:${f}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('Trusted Types are enforced on the page: a string given to a sink is refused, and the guard hears of it', TIMEOUT, async () => {
  await withPage({
    allowErrors: true, // the refusals are console errors as well
    expect: [/CSP violation: require-trusted-types-for blocked trusted-types-sink/, /CSP violation: trusted-types blocked/,
      /console: .*'TrustedHTML'/, /console: Creating a TrustedTypePolicy named 'mine' violates/],
  }, async (page) => {
    const out = await page.evaluate(() => {
      const div = document.createElement('div');
      const attempt = (fn) => { try { fn(); return 'allowed'; } catch (e) { return /** @type {Error} */ (e).name; } };
      return {
        innerHTML: attempt(() => { div.innerHTML = '<img src=x>'; }),
        policy: attempt(() => /** @type {any} */ (window).trustedTypes.createPolicy('mine', { createHTML: (s) => s })),
        children: div.childElementCount,
      };
    });
    assert.deepEqual(out, { innerHTML: 'TypeError', policy: 'TypeError', children: 0 });
    // And the page still works: it lints.
    await page.fill('#input', GOOD_POLICY);
    await waitText(page, '#summary', /^Valid policy file/);
  });
});

test('typing a valid policy shows "valid", no errors, and what the policy means', TIMEOUT, async () => {
  await withPage({}, async (page) => {
    await page.locator('#input').pressSequentially(GOOD_POLICY);
    await waitText(page, '#summary', /^Valid policy file/);
    await waitText(page, '#detected', /Detected: policy file/);
    assert.equal((await shownFindings(page)).filter((f) => f.severity === 'error').length, 0);
    await waitText(page, '#summary', /\b0 errors\b/);
    const meaning = await page.textContent('#meaning') ?? '';
    assert.match(meaning, /enforce/);
    assert.match(meaning, /mail\.example\.com/);
    assert.match(meaning, /\*\.mx\.example\.net/);
    assert.match(meaning, /604800 s = 7 days/);
    assert.equal(await page.locator('#lines li').count(), 5);
    assert.equal(await page.locator('#lines li.error').count(), 0);
    assert.match(await page.textContent('#version') ?? '', /\S/);
    assert.doesNotMatch(await page.textContent('#version') ?? '', /not loaded/);
    await page.screenshot({ path: path.join(artifacts, 'valid-desktop.png'), fullPage: true });
  });
});

test('"mode: Enforce" is an error marked on line 2', TIMEOUT, async () => {
  await withPage({}, async (page) => {
    await page.fill('#input', ENFORCE_POLICY);
    await waitText(page, '#summary', /^Invalid policy file/);
    const errors = (await shownFindings(page)).filter((f) => f.severity === 'error');
    assert.deepEqual(errors, [{ severity: 'error', line: 2, column: 7, code: 'policy.mode.invalid' }]);
    const marked = page.locator('#lines li[data-line="2"]');
    assert.match(await marked.getAttribute('class') ?? '', /\berror\b/);
    const codes = await marked.locator('.codes').textContent() ?? '';
    assert.ok(errors.filter((f) => f.line === 2).every((f) => codes.includes(f.code ?? '?')), 'line 2 lists its codes');
    assert.equal(await page.locator('#lines li.error').count(), 1);
    assert.equal(await page.locator('#lines li[data-line="2"] .at.error').count(), 1, 'the column is marked');
    await page.screenshot({ path: path.join(artifacts, 'enforce-desktop.png'), fullPage: true });
  });
});

test('an opened file is linted byte for byte: BOM, CRLF, a lone CR and a non-UTF-8 byte are found', TIMEOUT, async () => {
  await withPage({}, async (page) => {
    // BOM; CRLF then LF endings; a lone CR after max_age; a Latin-1 byte in an extension value.
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\nmax_age: 604800\rnote: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    await page.setInputFiles('#file', { name: 'mta-sts.txt', mimeType: 'text/plain', buffer: bytes });
    await waitText(page, '#file-status', new RegExp(`${bytes.length} bytes, checked byte for byte`));
    await waitText(page, '#summary', /^Invalid policy file/);
    const got = (await shownFindings(page)).map((f) => `${f.code}@${f.line}:${f.column}`);
    for (const want of ['policy.bom@1:1', 'policy.line.mixed_endings@3:21', 'policy.line.bare_cr@4:16', 'policy.utf8.invalid@5:10']) {
      assert.ok(got.includes(want), `${want} in ${got.join(', ')}`);
    }
    // Editing the text drops the bytes: the textarea holds LF-only text, so the line-ending findings go.
    await page.locator('#input').press('End');
    await page.locator('#input').type(' ');
    await page.waitForFunction(() => !document.querySelector('#file-status')?.textContent);
    await page.waitForFunction(() => ![...document.querySelectorAll('#findings .code')].some((c) => c.textContent === 'policy.line.bare_cr'));
  });
});

test('auto-detection picks the TXT-record and TLS-RPT linters, and reads dig output', TIMEOUT, async () => {
  await withPage({}, async (page) => {
    await page.fill('#input', 'v=STSv1; id=abc');
    await waitText(page, '#detected', /^Detected: _mta-sts TXT record$/);
    await waitText(page, '#summary', /^Valid _mta-sts TXT record/);
    assert.equal(await page.getAttribute('body', 'data-kind'), 'sts');
    assert.match(await page.textContent('#meaning') ?? '', /Policy id\s*abc/);

    await page.fill('#input', 'v=TLSRPTv1; rua=mailto:a@b.example');
    await waitText(page, '#detected', /^Detected: TLS-RPT TXT record$/);
    await waitText(page, '#summary', /^Valid TLS-RPT TXT record/);
    assert.equal(await page.getAttribute('body', 'data-kind'), 'tlsrpt');
    assert.match(await page.textContent('#meaning') ?? '', /mailto:a@b\.example/);

    // As dig prints it: the strings are joined, and places point into the text as pasted.
    await page.fill('#input', '_mta-sts.example.com. 300 IN TXT "v=STSv1; " "id=abc"');
    await waitText(page, '#summary', /^Valid _mta-sts TXT record/);
    assert.equal(await page.isVisible('#note'), true);
    await page.screenshot({ path: path.join(artifacts, 'dig-sts-desktop.png'), fullPage: true });
    const bad = 'v=STSv1; id=a-b';
    await page.fill('#input', `"${bad}"`);
    await waitText(page, '#summary', /^Invalid _mta-sts TXT record/);
    const direct = await page.evaluate(async (text) => {
      const m = await (await import('./mtasts.mjs')).load();
      return m.lintStsRecord(text).findings.filter((/** @type {any} */ f) => f.line).map((/** @type {any} */ f) => [f.line, f.column + 1]);
    }, bad);
    const shown = (await shownFindings(page)).filter((f) => f.line).map((f) => [f.line, f.column]);
    assert.deepEqual((await shownFindings(page)).filter((f) => f.line).map((f) => f.code), ['sts.id.invalid']);
    assert.ok(direct.length > 0);
    assert.deepEqual(shown.sort(), direct.sort(), 'columns shift by the opening quote');

    // A chosen kind wins over detection.
    await page.selectOption('#kind', 'policy');
    await waitText(page, '#detected', /checking as policy file/);
    await waitText(page, '#summary', /^Invalid policy file/);
  });
});

test('pasted markup is shown as text and never runs', TIMEOUT, async () => {
  const payloads = [
    '<img src=x onerror=window.__pwned=1>\n<script>window.__pwned=2</script>\nmode: <svg onload=window.__pwned=3>\n',
    'v=STSv1; id=<img src=x onerror=window.__pwned=4>',
    'v=TLSRPTv1; rua=mailto:<img/src=x/onerror=window.__pwned=5>@b.example',
    '"v=STSv1; id=<script>window.__pwned=6</script>"',
  ];
  await withPage({}, async (page) => {
    for (const payload of payloads) {
      await page.fill('#input', payload);
      await waitText(page, '#lines', /<(img|script)/);
      await page.waitForTimeout(150);
      assert.equal(await page.evaluate(() => typeof (/** @type {any} */ (window)).__pwned), 'undefined', payload);
      assert.equal(await page.locator('main img, main script, main svg, main iframe').count(), 0, payload);
      const firstLine = payload.split('\n')[0];
      assert.ok((await page.textContent('#lines') ?? '').includes(firstLine), `literal text shown for ${payload}`);
    }
  });
});

test('keyboard only: Tab to the kind selector and the textarea, type, change kind, jump to a finding', TIMEOUT, async () => {
  await withPage({}, async (page) => {
    /** @type {string[]} */
    const visited = [];
    for (let i = 0; i < 20 && visited.at(-1) !== 'input'; i++) {
      await page.keyboard.press('Tab');
      visited.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    assert.ok(visited.includes('kind'), `the kind selector is reachable: ${visited}`);
    assert.equal(visited.at(-1), 'input', `Tab reaches the textarea: ${visited}`);
    const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused textarea shows a focus ring');
    await page.keyboard.type(ENFORCE_POLICY);
    await waitText(page, '#summary', /^Invalid policy file/);

    for (let i = 0; i < 10 && await page.evaluate(() => document.activeElement?.id) !== 'kind'; i++) {
      await page.keyboard.press('Shift+Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'kind', 'Shift+Tab goes back to the kind selector');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#kind'), 'sts');
    await waitText(page, '#summary', /_mta-sts TXT record/);
    await page.keyboard.press('Home');
    assert.equal(await page.inputValue('#kind'), 'auto');
    await waitText(page, '#summary', /^Invalid policy file/);

    const target = (await shownFindings(page)).find((f) => f.line === 2);
    assert.ok(target);
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.matches('button.goto'))) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.closest('li')?.dataset.line), '2', 'the first finding is on line 2');
    await page.keyboard.press('Enter');
    const caret = await page.evaluate(() => {
      const ta = /** @type {HTMLTextAreaElement} */ (document.activeElement);
      return { id: ta.id, start: ta.selectionStart };
    });
    assert.deepEqual(caret, { id: 'input', start: utf16Offset(ENFORCE_POLICY, 2, target.column ?? 1) });
  });
});

test('a finding after astral characters puts the caret on the right UTF-16 offset', TIMEOUT, async () => {
  await withPage({}, async (page) => {
    assert.deepEqual(await page.evaluate(async () => {
      const { offsetOf, positionOf } = await import('./kinds.mjs');
      return [offsetOf('a😀b\nx😀y', 2, 3), offsetOf('a😀b', 1, 99), positionOf('a😀b\nx😀y', 8)];
    }), [8, 4, { line: 2, column: 3 }]);
    const text = 'v=TLSRPTv1; rua=mailto:😀😀@b.example!10m';
    await page.fill('#input', text);
    await waitText(page, '#summary', /^Invalid TLS-RPT TXT record/);
    const after = (await shownFindings(page)).find((f) => (f.column ?? 0) > 25);
    assert.ok(after, 'a finding placed after the emoji');
    await page.click(`#findings li[data-column="${after.column}"] button.goto`);
    const { start, value } = await page.evaluate(() => {
      const ta = /** @type {HTMLTextAreaElement} */ (document.querySelector('#input'));
      return { start: ta.selectionStart, value: ta.value };
    });
    assert.equal(start, utf16Offset(text, 1, after.column ?? 1));
    assert.equal(value.slice(start).codePointAt(0), [...text][(after.column ?? 1) - 1].codePointAt(0));
  });
});

test('360 px wide: no horizontal scroll; screenshots in light and dark', TIMEOUT, async () => {
  for (const colorScheme of /** @type {const} */ (['light', 'dark'])) {
    await withPage({ viewport: { width: 360, height: 740 }, colorScheme }, async (page) => {
      await page.click('button[data-example="broken"]');
      await waitText(page, '#summary', /^Invalid policy file/);
      assert.deepEqual((await shownFindings(page)).map((f) => `${f.line ?? '-'}:${f.column ?? '-'} ${f.severity} ${f.code}`), [
        '2:7 error policy.mode.invalid',
        '3:21 error policy.mx.list',
        '4:1 warning policy.key.typo',
        '-:- error policy.max_age.missing',
      ]);
      const long = `v=STSv1; id=${'x'.repeat(40)}; ${'ext'.repeat(30)}=${'y'.repeat(120)}`;
      await page.fill('#input', `${(await page.inputValue('#input'))}${long}\n`);
      await page.waitForTimeout(100);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
      assert.ok(widths.scroll <= widths.view, `no horizontal scroll: ${JSON.stringify(widths)}`);
      await page.click('button[data-example="broken"]');
      await waitText(page, '#summary', /^Invalid policy file/);
      await page.screenshot({ path: path.join(artifacts, `mobile-360-${colorScheme}.png`), fullPage: true });
    });
  }
  await withPage({ colorScheme: 'dark' }, async (page) => {
    await page.click('button[data-example="tlsrpt"]');
    await waitText(page, '#summary', /^Invalid TLS-RPT TXT record/);
    assert.deepEqual((await shownFindings(page)).map((f) => f.code), ['tlsrpt.rua.size_suffix']);
    await page.screenshot({ path: path.join(artifacts, 'tlsrpt-desktop-dark.png'), fullPage: true });
  });
});

test('a module that fails to load is reported on the page', TIMEOUT, async () => {
  const cases = [['**/mtasts.mjs', 'the module']];
  if (readdirSync(dist).some((f) => f.endsWith('.wasm'))) cases.push(['**/*.wasm', 'the wasm file']);
  for (const [pattern, what] of cases) {
    await withPage({
      allowErrors: true,
      waitFor: 'body[data-state="failed"]',
      route: (context) => context.route(pattern, (route) => route.fulfill({ status: 404, body: 'not found' })),
    }, async (page) => {
      await waitText(page, '#summary', /could not start/);
      await page.fill('#input', GOOD_POLICY);
      await page.waitForTimeout(100);
      assert.match(await page.textContent('#summary') ?? '', /could not start/, `${what}: the failure stays visible`);
    });
  }
});
