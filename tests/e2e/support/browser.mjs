// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// wired to the simulated internet of world.mjs, plus the static server for
// dist/ and a recorder of what a page did.
//
//   afterEach(verifyGuards);                     // guard.mjs: what every page may do, asserted after each test
//   const b = await launch({ worldPort: world.port, pkiDir: pki.dir });
//   const site = await serveDist(dist);          // tools/serve.mjs on 127.0.0.1:<free port>
//   const context = await b.browser.newContext();
//   await guard(context, { allow: [site.origin, world.resolverUrl], world });  // before the first page
//   const page = await context.newPage();
//   const seen = collect(page);                  // before page.goto
//   ...
//   await b.close(); await site.close();
//
// The browser is tracked (guard.mjs): a context a test opens and never guards
// fails that test.
//
// Name resolution: every *.test name goes to the world server
// (`MAP *.test 127.0.0.1:<worldPort>`); every other name fails as
// NXDOMAIN (`MAP * ~NOTFOUND`), so no test can reach the internet; 127.0.0.1
// itself is left alone (`EXCLUDE 127.0.0.1`) because the page is served there.
// No proxy is used.
//
// Trust: the test CA is added to an NSS database under a temporary HOME
// ($HOME/.pki/nssdb, `certutil -A -t C,,`; Debian package libnss3-tools) and
// Chromium is started with that HOME. Chromium validates every certificate
// normally, so the expired, self-signed and wrong-name leaves still fail.
// `trust: 'spki'` instead passes --ignore-certificate-errors-spki-list with
// the good leaf's key (no certutil needed). Measured with Chromium 156: it is
// less faithful. The CA is not trusted, so the expired and wrong-name leaves
// fail as ERR_CERT_AUTHORITY_INVALID (not DATE / COMMON_NAME), and the good
// key is accepted even for a name its certificate does not list.
// --ignore-certificate-errors is never used: it would make the bad
// certificates pass.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { track } from './guard.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

/** The --host-resolver-rules value for a world server on `port`. */
export function resolverRules(port) {
  return `MAP *.test 127.0.0.1:${port}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`;
}

/**
 * @param {{ worldPort: number, pkiDir: string, trust?: 'nss' | 'spki', args?: string[] }} options
 * @returns {Promise<{ browser: import('playwright-core').Browser, home: string, args: string[], close: () => Promise<void> }>}
 */
export async function launch({ worldPort, pkiDir, trust = 'nss', args: extra = [] }) {
  if (!Number.isInteger(worldPort) || worldPort <= 0) throw new TypeError('launch: worldPort must be a port number');
  if (!existsSync(executablePath)) throw new Error(`${executablePath} is missing: apt-get install -y --no-install-recommends chromium`);
  const home = mkdtempSync(path.join(os.tmpdir(), 'mtasts-e2e-home-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    `--host-resolver-rules=${resolverRules(worldPort)}`, '--no-proxy-server', ...extra,
  ];
  if (trust === 'nss') {
    const db = path.join(home, '.pki', 'nssdb');
    mkdirSync(db, { recursive: true });
    try {
      execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password'], { stdio: 'pipe' });
      execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', 'mtasts e2e test CA', '-t', 'C,,', '-i', path.join(pkiDir, 'ca.pem')], { stdio: 'pipe' });
    } catch (err) {
      rmSync(home, { recursive: true, force: true });
      if (/** @type {any} */ (err).code === 'ENOENT') throw new Error('certutil is missing: apt-get install -y libnss3-tools (or launch with trust: \'spki\')');
      throw err;
    }
  } else if (trust === 'spki') {
    const der = execFileSync('openssl', ['pkey', '-in', path.join(pkiDir, 'good.key'), '-pubout', '-outform', 'DER']);
    const spki = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
    args.push(`--ignore-certificate-errors-spki-list=${spki}`);
  } else {
    throw new TypeError(`launch: unknown trust ${trust}`);
  }
  let browser;
  try {
    browser = await chromium.launch({
      executablePath, args,
      env: { ...process.env, HOME: home, http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', all_proxy: '', ALL_PROXY: '' },
    });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  track(browser);
  let closed = false;
  return {
    browser, home, args,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Serves `dir` with tools/serve.mjs (as tests/e2e/page.test.mjs does) on a free port.
 * @param {string} dir
 * @returns {Promise<{ base: string, origin: string, port: number, close: () => Promise<void> }>}
 */
export async function serveDist(dir) {
  for (const file of ['index.html', 'mtasts.mjs']) {
    if (!existsSync(path.join(dir, file))) {
      throw new Error(`${path.join(dir, file)} is missing: build the site first, or point MTASTS_DIST at a built site`);
    }
  }
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(repo, 'tools/serve.mjs'), dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (d) => { stderr += d; });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve.mjs did not start: ${stderr}`)), 10_000);
      let out = '';
      server.stdout?.on('data', (d) => {
        out += d;
        if (out.includes(`at http://localhost:${port}/`)) {
          clearTimeout(timer);
          resolve(undefined);
        }
      });
      server.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited with ${code}: ${stderr}`)); });
    });
  } catch (err) {
    server.kill('SIGTERM');
    throw err;
  }
  const base = `http://127.0.0.1:${port}/`;
  return {
    base, origin: new URL(base).origin, port,
    /** Stops serve.mjs; resolves to how it exited ({ code, signal }), null if it had already. */
    async close() {
      if (server.exitCode !== null || server.signalCode !== null) return null;
      const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
      server.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Records what a page does. Call before page.goto.
 *   console: [{ type, text }] (every message), errors: console errors and page errors as text,
 *   requests: [url] (every request the page made, in order, as DevTools reports them),
 *   redirects: [{ url, from }] (requests DevTools reports as a redirect's next hop; with
 *     fetch redirect:'manual' that hop is reported, then ERR_ABORTED, but never sent),
 *   failed: [{ url, error }] (e.g. net::ERR_CERT_DATE_INVALID; note that a fetch body
 *     read to its end through body.getReader() is reported as net::ERR_ABORTED),
 *   responses: [{ url, status }].
 * CSP violations and requests to other hosts are the guard's (guard.mjs).
 * @param {import('playwright-core').Page} page
 */
export function collect(page) {
  /** @type {{ type: string, text: string }[]} */
  const consoleMessages = [];
  /** @type {string[]} */
  const errors = [];
  /** @type {string[]} */
  const requests = [];
  /** @type {{ url: string, from: string }[]} */
  const redirects = [];
  /** @type {{ url: string, error: string }[]} */
  const failed = [];
  /** @type {{ url: string, status: number }[]} */
  const responses = [];
  page.on('console', (msg) => {
    consoleMessages.push({ type: msg.type(), text: msg.text() });
    if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    requests.push(req.url());
    const from = req.redirectedFrom();
    if (from) redirects.push({ url: req.url(), from: from.url() });
  });
  page.on('requestfailed', (req) => failed.push({ url: req.url(), error: req.failure()?.errorText ?? '?' }));
  page.on('response', (res) => responses.push({ url: res.url(), status: res.status() }));
  return {
    console: consoleMessages, errors, requests, redirects, failed, responses,
    /** Clears what was recorded so far. */
    clear() { for (const a of [consoleMessages, errors, requests, redirects, failed, responses]) a.length = 0; },
  };
}

/**
 * Every element that carries an inline event handler attribute (on*), in the
 * document and in every shadow root below it (open ones: the widget's), as
 * "<tag#id> onclick"; `roots` counts the document and the shadow roots walked,
 * so a test can tell that it looked inside the widgets. The CSP forbids running
 * such handlers; this says none is even there.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ handlers: string[], roots: number, elements: number }>}
 */
export function inlineHandlers(page) {
  return page.evaluate(() => {
    /** @type {string[]} */
    const handlers = [];
    let roots = 0;
    let elements = 0;
    /** @param {Document | ShadowRoot} root */
    const walk = (root) => {
      roots += 1;
      for (const node of root.querySelectorAll('*')) {
        elements += 1;
        for (const a of node.attributes) {
          if (/^on/i.test(a.name)) handlers.push(`${node.localName}${node.id ? `#${node.id}` : ''}${root instanceof ShadowRoot ? ' (in a shadow root)' : ''} ${a.name}`);
        }
        if (node.shadowRoot) walk(node.shadowRoot);
      }
    };
    walk(document);
    return { handlers, roots, elements };
  });
}
