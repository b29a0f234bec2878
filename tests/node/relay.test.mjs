// Tests of the policy relay (tools/relay/relay.mjs) through its Node server
// (tools/relay/server.mjs), against a local upstream HTTP server.
//
// The relay's upstream fetch is injected: it sends
// https://mta-sts.<case>.test/.well-known/mta-sts.txt to
// http://127.0.0.1:<port>/<case>, where the upstream plays that case. Nothing
// leaves 127.0.0.1.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { handle, policyUrlOf, MAX_BYTES } = await import(pathToFileURL(join(REPO, 'tools', 'relay', 'relay.mjs')).href);
const { relayServer } = await import(pathToFileURL(join(REPO, 'tools', 'relay', 'server.mjs')).href);
const { makeNet } = await import(pathToFileURL(join(REPO, 'tests', 'support', 'fake-net.mjs')).href);
const DIST = resolve(process.env.MTASTS_DIST ?? join(REPO, 'dist'));

const POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n';

/** @type {import('node:http').Server} */
let upstream;
/** @type {import('node:http').Server} */
let relay;
let upstreamPort = 0;
let relayBase = '';
const upstreamHits = [];

function listen(server) {
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));
}

before(async () => {
  upstream = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    upstreamHits.push({ name, headers: req.headers });
    switch (name) {
      case 'ok': res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); res.end(POLICY); break;
      case 'html': res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><p>hello</p>'); break;
      case 'nf': res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); break;
      case 'redirect': res.writeHead(301, { location: 'https://www.example.com/mta-sts.txt' }); res.end(); break;
      case 'big': res.writeHead(200, { 'content-type': 'text/plain' }); res.end('x'.repeat(200 * 1024)); break;
      case 'noct': res.removeHeader('content-type'); res.writeHead(200); res.end(POLICY); break;
      case 'slow': res.writeHead(200, { 'content-type': 'text/plain' }); res.write('version: STSv1\n'); break; // never ends
      case 'stall': break; // never answers
      default: res.writeHead(500); res.end();
    }
  });
  upstreamPort = await listen(upstream);
  const upstreamFetch = (url, init) => {
    const m = /^https:\/\/mta-sts\.([a-z0-9-]+)\.test\/\.well-known\/mta-sts\.txt$/.exec(url);
    if (!m) return Promise.reject(new TypeError(`the test upstream has no ${url}`));
    if (m[1] === 'refused') return fetch(`http://127.0.0.1:1/`, init); // nothing listens on port 1
    return fetch(`http://127.0.0.1:${upstreamPort}/${m[1]}`, init);
  };
  relay = relayServer((request) => handle(request, { fetch: upstreamFetch, timeoutMs: 400 }));
  relayBase = `http://127.0.0.1:${await listen(relay)}/`;
});

after(() => {
  upstream.closeAllConnections?.();
  upstream.close();
  relay.closeAllConnections?.();
  relay.close();
});

const via = (target) => fetch(`${relayBase}?url=${encodeURIComponent(target)}`);
const policyOf = (name) => `https://mta-sts.${name}.test/.well-known/mta-sts.txt`;

describe('relay: what it passes through', () => {
  test('200: status, Content-Type and body pass through, with CORS', async () => {
    const r = await via(policyOf('ok'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-relay-content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(r.headers.get('x-relay-upstream-ms'), /^\d+$/);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('x-relay-error'), null);
    assert.equal(await r.text(), POLICY);
  });

  test('the upstream request carries no cookie or credentials', async () => {
    upstreamHits.length = 0;
    await (await fetch(`${relayBase}?url=${encodeURIComponent(policyOf('ok'))}`, { headers: { cookie: 'a=b', authorization: 'Basic eDp5' } })).text();
    assert.equal(upstreamHits.length, 1);
    assert.equal(upstreamHits[0].headers.cookie, undefined);
    assert.equal(upstreamHits[0].headers.authorization, undefined);
  });

  test('404 and text/html pass through as they are (the client judges them)', async () => {
    const nf = await via(policyOf('nf'));
    assert.equal(nf.status, 404);
    assert.equal(await nf.text(), 'not found');
    assert.equal(nf.headers.get('x-relay-error'), null);
    const html = await via(policyOf('html'));
    assert.equal(html.status, 200);
    // Someone else's HTML never becomes a page of the relay's origin: the relay answers text/plain,
    // sandboxed, and passes the upstream type on in X-Relay-Content-Type.
    assert.equal(html.headers.get('x-relay-content-type'), 'text/html');
    assert.equal(html.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(html.headers.get('content-security-policy'), /sandbox/);
  });

  test('no Content-Type upstream: none added', async () => {
    const r = await via(policyOf('noct'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-relay-content-type'), null);
    assert.equal(await r.text(), POLICY);
  });

  test('a redirect is reported, never followed: same status, no Location, the target in X-Relay-Location', async () => {
    upstreamHits.length = 0;
    const r = await via(policyOf('redirect'));
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('location'), null);
    assert.equal(r.headers.get('x-relay-location'), 'https://www.example.com/mta-sts.txt');
    assert.deepEqual(upstreamHits.map((h) => h.name), ['redirect']);
  });

  test('a body over 64 KB is cut at 64 KB + 1 byte', async () => {
    const r = await via(policyOf('big'));
    assert.equal(r.status, 200);
    assert.equal((await r.arrayBuffer()).byteLength, MAX_BYTES + 1);
  });

  test('a body that never ends: 504 timeout, marked as the relay\'s error', async () => {
    const t0 = Date.now();
    const r = await via(policyOf('slow'));
    assert.equal(r.status, 504);
    assert.equal(r.headers.get('x-relay-error'), 'timeout');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.ok(Date.now() - t0 < 3000);
  });

  test('an upstream that never answers: 504 timeout', async () => {
    const r = await via(policyOf('stall'));
    assert.equal(r.status, 504);
    assert.equal(r.headers.get('x-relay-error'), 'timeout');
  });

  test('an upstream that refuses the connection: 502 unreachable', async () => {
    const r = await via(policyOf('refused'));
    assert.equal(r.status, 502);
    assert.equal(r.headers.get('x-relay-error'), 'unreachable');
    assert.match((await r.json()).message, /mta-sts\.refused\.test/);
  });
});

describe('relay: not an open proxy', () => {
  const refused = [
    'https://www.example.com/.well-known/mta-sts.txt',
    'https://mta-sts.example.com/other.txt',
    'https://mta-sts.example.com/.well-known/mta-sts.txt?x=1',
    'https://mta-sts.example.com:8443/.well-known/mta-sts.txt',
    'http://mta-sts.example.com/.well-known/mta-sts.txt',
    'https://user:pw@mta-sts.example.com/.well-known/mta-sts.txt',
    'https://127.0.0.1/.well-known/mta-sts.txt',
    'https://mta-sts/.well-known/mta-sts.txt',
    'https://mta-sts.localhost/.well-known/mta-sts.txt',
    'file:///etc/passwd',
    'not a url',
  ];
  for (const target of refused) {
    test(`refuses ${target}`, async () => {
      upstreamHits.length = 0;
      const r = await via(target);
      assert.equal(r.status, 400);
      assert.equal(r.headers.get('x-relay-error'), 'bad-request');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(upstreamHits.length, 0);
    });
  }

  test('policyUrlOf normalises the host to lower case and accepts the default port written out', () => {
    assert.deepEqual(policyUrlOf('https://MTA-STS.Example.COM:443/.well-known/mta-sts.txt'),
      { url: 'https://mta-sts.example.com/.well-known/mta-sts.txt' });
  });

  test('no url parameter: 400; POST: 405; OPTIONS: a CORS preflight answer', async () => {
    assert.equal((await fetch(relayBase)).status, 400);
    const post = await fetch(`${relayBase}?url=${encodeURIComponent(policyOf('ok'))}`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    const pre = await fetch(relayBase, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.match(pre.headers.get('access-control-allow-methods'), /GET/);
  });
});

describe('relay: with checkDomain', () => {
  /** A browser-like fetch: DNS and the CORS-less policy host are emulated; the relay is real. */
  function browser(netFetch) {
    return (url, init) => (url.startsWith(relayBase) ? fetch(url, init) : netFetch(url, init));
  }
  const zone = (name) => ({
    [`${name}.test`]: { MX: [[10, 'mx1.example.com']] },
    [`_mta-sts.${name}.test`]: { TXT: [['v=STSv1; id=1']] },
    [`_smtp._tls.${name}.test`]: { TXT: [['v=TLSRPTv1; rua=mailto:r@example.com']] },
    [`mta-sts.${name}.test`]: { A: ['192.0.2.1'] },
  });

  test('a CORS-blocked policy read through the relay completes the check', async () => {
    const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
    const m = await load();
    const net = makeNet({ zone: zone('ok'), hosts: { [policyOf('ok')]: { cors: false, body: POLICY } } });
    const r = await m.checkDomain('ok.test', { fetch: browser(net.fetch), relay: `${relayBase}?url={url}` });
    assert.equal(r.policy.source, 'relay');
    assert.equal(r.policy.text, POLICY);
    assert.equal(r.policy.content_type, 'text/plain; charset=utf-8');
    assert.ok(r.findings.some((f) => f.code === 'policy.fetch.relay'));
    assert.equal(r.grade, 'A');
    assert.equal(r.complete, true);
  });

  test('a relay failure is the relay\'s, not the policy host\'s: no grade, and the reason', async () => {
    const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
    const m = await load();
    const net = makeNet({ zone: zone('refused'), hosts: { [policyOf('refused')]: { cors: false, body: POLICY } } });
    const r = await m.checkDomain('refused.test', { fetch: browser(net.fetch), relay: `${relayBase}?url={url}` });
    const blocked = r.findings.find((f) => f.code === 'policy.fetch.cors_blocked');
    assert.ok(blocked, JSON.stringify(r.findings));
    assert.match(blocked.message, /relay failed as well/);
    assert.match(blocked.message, /unreachable/);
    assert.ok(!r.findings.some((f) => f.code === 'policy.fetch.status'));
    assert.equal(r.grade, null);
    assert.equal(r.complete, false);
  });

  test('a wrong relay URL (a 404 without the relay\'s marker) is a relay failure, not the policy host\'s 404', async () => {
    const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
    const m = await load();
    const net = makeNet({ zone: zone('ok'), hosts: { [policyOf('ok')]: { cors: false, body: POLICY } } });
    // A relay URL with a typo lands on a server that is not the relay: it answers 404.
    const notRelay = (url, init) => (url.startsWith('https://not-a-relay.example/')
      ? Promise.resolve(new Response('no such page', { status: 404, headers: { 'content-type': 'text/html', 'access-control-allow-origin': '*' } }))
      : net.fetch(url, init));
    const r2 = await m.checkDomain('ok.test', { fetch: notRelay, relay: 'https://not-a-relay.example/?url={url}' });
    assert.ok(!r2.findings.some((f) => f.code === 'policy.fetch.status'), JSON.stringify(r2.findings));
    const blocked = r2.findings.find((f) => f.code === 'policy.fetch.cors_blocked');
    assert.match(blocked.message, /relay failed as well.*HTTP 404 without the relay's marker/);
    assert.equal(r2.grade, null);
  });

  test('a redirect seen by the relay is the policy host\'s redirect: F', async () => {
    const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
    const m = await load();
    const net = makeNet({ zone: zone('redirect'), hosts: { [policyOf('redirect')]: { cors: false, body: POLICY } } });
    const r = await m.checkDomain('redirect.test', { fetch: browser(net.fetch), relay: `${relayBase}?url={url}` });
    assert.ok(r.findings.some((f) => f.code === 'policy.fetch.redirect'), JSON.stringify(r.findings));
    assert.equal(r.grade, 'F');
  });
});
