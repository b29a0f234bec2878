// Node tests of the browser I/O layer (web/host.mjs): dohQuery, fetchPolicy,
// base64. Both entry points answer in the engine's own observation shape
// (core/include/mtasts/check.h, its JSON in core/src/json/): snake_case
// members, bytes in base64; the engine reads them as they are.
//
// Run:   node --test tests/node/
//
// fetch is injected and emulates what Chromium does (toolchain.md §4):
// readable CORS responses are real `Response` objects; opaque and
// opaqueredirect responses are plain objects with status 0; CORS, TLS and DNS
// failures reject with `TypeError('Failed to fetch')`; `init.signal` aborts a
// pending request with the signal's reason.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { dohQuery, fetchPolicy, base64, MAX_DNS_MESSAGE } =
  await import(pathToFileURL(join(REPO, 'web', 'host.mjs')).href);

// ---------------------------------------------------------------------------
// Fake browser fetch

/**
 * @param {(url: string, init: any, n: number) => any} handler returns a
 *   response, a promise of one, or throws; 'hang' means never answer.
 */
function fakeFetch(handler) {
  const calls = [];
  const fn = (url, init = {}) => {
    calls.push({ url, init });
    const n = calls.length - 1;
    return new Promise((resolve, reject) => {
      const signal = init.signal;
      if (signal?.aborted) { reject(signal.reason); return; }
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      let out;
      try { out = handler(url, init, n); } catch (e) { reject(e); return; }
      if (out === 'hang') return;
      Promise.resolve(out).then(resolve, reject);
    });
  };
  fn.calls = calls;
  return fn;
}

const failed = () => { throw new TypeError('Failed to fetch'); };
const opaque = () => ({ type: 'opaque', status: 0, headers: new Headers(), body: null, redirected: false });
const opaqueRedirect = () => ({ type: 'opaqueredirect', status: 0, headers: new Headers(), body: null, redirected: false });
const text = (body, status = 200, ct = 'text/plain; charset=utf-8') =>
  new Response(body, { status, headers: ct ? { 'content-type': ct } : {} });
/** What tools/relay answers for an upstream answer: marked, text/plain, the upstream type passed on. */
const relayed = (body, status = 200, ct = 'text/plain; charset=utf-8') =>
  new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-relay-upstream-ms': '12', ...(ct ? { 'x-relay-content-type': ct } : {}) },
  });

/** A body of `chunkSize`-byte chunks, `limit` chunks (Infinity = endless), optional delay. */
function chunkedStream({ chunkSize = 16384, limit = Infinity, delayMs = 0 } = {}) {
  const state = { pulls: 0, cancelled: false };
  const stream = new ReadableStream({
    async pull(controller) {
      if (state.pulls >= limit) { controller.close(); return; }
      state.pulls++;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
    },
    cancel() { state.cancelled = true; },
  }, { highWaterMark: 0 });
  return { stream, state };
}

const DNS_QUERY = new Uint8Array([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 0x5f, 0x6d, 0x74, 0x61, 0, 0, 16, 0, 1, 0xfb, 0xff]);
/** The request's `dns` parameter, as the engine gives it (base64url, no padding). */
const DNS_PARAM = Buffer.from(DNS_QUERY).toString('base64url');
const bytesOf = (obs) => new Uint8Array(Buffer.from(obs.bytes, 'base64'));
const DNS_ANSWER = new Uint8Array([0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]);
const dnsMsg = (bytes, ct = 'application/dns-message') =>
  new Response(bytes, { status: 200, headers: { 'content-type': ct } });

// ---------------------------------------------------------------------------

describe('base64', () => {
  test('matches Buffer base64 (padded) for lengths 0..40 and 100,000', () => {
    for (const n of [...Array(41).keys(), 100000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 97 + 251 * n) & 255);
      assert.equal(base64(bytes), Buffer.from(bytes).toString('base64'));
    }
  });
  test('the standard alphabet, padded', () => {
    assert.equal(base64(new Uint8Array([0xfb, 0xff, 0xbf])), '+/+/');
    assert.equal(base64(new Uint8Array([0xff])), '/w==');
  });
  test('rejects non-Uint8Array', () => {
    assert.throws(() => base64('abc'), TypeError);
  });
});

describe('dohQuery', () => {
  test('200 application/dns-message → answer, exact request options', async () => {
    const f = fakeFetch(() => dnsMsg(DNS_ANSWER, 'application/dns-message; charset=binary'));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f });
    assert.equal(obs.kind, 'answer');
    assert.equal(obs.status, 200);
    assert.deepEqual(bytesOf(obs), DNS_ANSWER);
    assert.equal(obs.content_type, 'application/dns-message; charset=binary');
    assert.ok(obs.elapsed_ms >= 0);
    assert.equal(f.calls.length, 1);
    const { url, init } = f.calls[0];
    assert.equal(url, `https://doh.test/dns-query?dns=${DNS_PARAM}`, 'the parameter is sent as the engine made it');
    const dns = new URL(url).searchParams.get('dns');
    assert.doesNotMatch(dns, /[=+/]/);
    assert.deepEqual(new Uint8Array(Buffer.from(dns, 'base64url')), DNS_QUERY);
    assert.equal(init.method, 'GET');
    assert.deepEqual(init.headers, { accept: 'application/dns-message' });
    assert.equal(init.credentials, 'omit');
    assert.equal(init.cache, undefined, 'DoH uses the default HTTP cache');
    assert.ok(init.signal instanceof AbortSignal);
  });

  test('resolver URL that already has a query uses &', async () => {
    const f = fakeFetch(() => dnsMsg(DNS_ANSWER));
    await dohQuery('https://doh.test/q?ct=x', DNS_PARAM, { fetch: f });
    await dohQuery('https://doh.test/q?', DNS_PARAM, { fetch: f });
    assert.match(f.calls[0].url, /^https:\/\/doh\.test\/q\?ct=x&dns=[A-Za-z0-9_-]+$/);
    assert.match(f.calls[1].url, /^https:\/\/doh\.test\/q\?dns=[A-Za-z0-9_-]+$/);
  });

  test('500 → http-error with text detail', async () => {
    const f = fakeFetch(() => text('upstream broke\u0000\u001b[31m', 500));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f });
    assert.equal(obs.kind, 'http-error');
    assert.equal(obs.status, 500);
    assert.equal(obs.content_type, 'text/plain; charset=utf-8');
    assert.equal(typeof obs.message, 'string');
    assert.match(obs.message, /^upstream broke/);
    assert.doesNotMatch(obs.message, /[\u0000\u001b]/);
  });

  test('200 text/html → http-error, detail is the first 200 chars', async () => {
    const html = '<html>' + 'x'.repeat(5000) + '</html>';
    const f = fakeFetch(() => text(html, 200, 'text/html; charset=utf-8'));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f });
    assert.equal(obs.kind, 'http-error');
    assert.equal(obs.status, 200);
    assert.equal(obs.content_type, 'text/html; charset=utf-8');
    assert.equal(obs.message, html.slice(0, 200));
    assert.equal(obs.bytes, undefined);
  });

  test('oversized dns-message body → answer marked truncated at 65,535 bytes, stream cancelled', async () => {
    const { stream, state } = chunkedStream({ chunkSize: 16384 });
    const f = fakeFetch(() => new Response(stream, { headers: { 'content-type': 'application/dns-message' } }));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f });
    assert.equal(obs.kind, 'answer');
    assert.equal(obs.status, 200);
    assert.equal(obs.truncated, true);
    assert.equal(obs.bytes, '', 'a body past 65,535 bytes is not a DNS message: nothing of it is passed on');
    assert.ok(state.pulls <= 6, `pulled ${state.pulls} chunks`);
    await new Promise((r) => setImmediate(r));
    assert.equal(state.cancelled, true);
  });

  test('exactly 65535 bytes is still an answer', async () => {
    const f = fakeFetch(() => dnsMsg(new Uint8Array(MAX_DNS_MESSAGE)));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f });
    assert.equal(obs.kind, 'answer');
    assert.equal(bytesOf(obs).length, 65535);
    assert.equal(obs.truncated, undefined);
  });

  test('never answers → timeout near timeoutMs', async () => {
    const f = fakeFetch(() => 'hang');
    const t0 = performance.now();
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f, timeoutMs: 50 });
    const took = performance.now() - t0;
    assert.equal(obs.kind, 'timeout');
    assert.ok(obs.elapsed_ms >= 40, `elapsed ${obs.elapsed_ms}`);
    assert.ok(took < 1000, `took ${took} ms`);
  });

  test('body that trickles forever → timeout', async () => {
    const { stream, state } = chunkedStream({ chunkSize: 1, delayMs: 5 });
    const f = fakeFetch(() => new Response(stream, { headers: { 'content-type': 'application/dns-message' } }));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f, timeoutMs: 60 });
    assert.equal(obs.kind, 'timeout');
    assert.ok(obs.elapsed_ms < 1000);
    await new Promise((r) => setImmediate(r));
    assert.equal(state.cancelled, true);
  });

  test('caller abort → aborted (not timeout)', async () => {
    const f = fakeFetch(() => 'hang');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f, signal: ac.signal, timeoutMs: 2000 });
    assert.equal(obs.kind, 'aborted');
    assert.ok(obs.elapsed_ms < 1000);
  });

  test('signal already aborted → aborted without a request', async () => {
    const f = fakeFetch(() => dnsMsg(DNS_ANSWER));
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f, signal: AbortSignal.abort() });
    assert.equal(obs.kind, 'aborted');
    assert.equal(f.calls.length, 0);
  });

  test('TypeError → network-error', async () => {
    const f = fakeFetch(failed);
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f });
    assert.deepEqual({ ...obs, elapsed_ms: 0 }, { kind: 'network-error', message: 'Failed to fetch', elapsed_ms: 0 });
  });

  test('programmer errors throw', async () => {
    await assert.rejects(dohQuery('https://doh.test/dns-query', DNS_QUERY), TypeError, 'the engine gives the parameter, not bytes');
    await assert.rejects(dohQuery('https://doh.test/dns-query', 'a=b&c'), TypeError);
    await assert.rejects(dohQuery('', DNS_PARAM), TypeError);
    await assert.rejects(dohQuery('https://doh.test/', DNS_PARAM, { timeoutMs: 0 }), TypeError);
  });

  test('injected clock gives deterministic elapsed_ms', async () => {
    let t = 1000;
    const f = fakeFetch(() => { t += 7; return dnsMsg(DNS_ANSWER); });
    const obs = await dohQuery('https://doh.test/dns-query', DNS_PARAM, { fetch: f, now: () => t });
    assert.equal(obs.elapsed_ms, 7);
  });
});

describe('fetchPolicy', () => {
  const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmax_age: 86400\r\n';
  const URL_GOOD = 'https://mta-sts.good.test/.well-known/mta-sts.txt';
  const policyUrl = (name) => `https://mta-sts.${name}.test/.well-known/mta-sts.txt`;

  function assertCorsInit(init, redirect = 'manual') {
    assert.equal(init.method, 'GET');
    assert.equal(init.mode, 'cors');
    assert.equal(init.redirect, redirect);
    assert.equal(init.cache, 'no-store');
    assert.equal(init.credentials, 'omit');
    assert.equal(init.referrerPolicy, 'no-referrer');
    assert.ok(init.signal instanceof AbortSignal);
  }

  test('200 text/plain → response, exact request options', async () => {
    const f = fakeFetch(() => text(POLICY));
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f });
    assert.equal(obs.kind, 'response');
    assert.equal(obs.status, 200);
    assert.equal(obs.content_type, 'text/plain; charset=utf-8');
    assert.equal(new TextDecoder().decode(bytesOf(obs)), POLICY);
    assert.equal(obs.truncated, false);
    assert.equal(obs.via_relay, undefined);
    assert.equal(f.calls.length, 1);
    assert.equal(f.calls[0].url, URL_GOOD);
    assertCorsInit(f.calls[0].init);
  });

  test('404 → response with status 404', async () => {
    const f = fakeFetch(() => text('not found', 404));
    const obs = await fetchPolicy(policyUrl('notfound'), { fetch: f });
    assert.equal(obs.kind, 'response');
    assert.equal(obs.status, 404);
    assert.equal(f.calls.length, 1);
  });

  test('200 text/html → response carrying the content type', async () => {
    const f = fakeFetch(() => text('<html></html>', 200, 'text/html; charset=utf-8'));
    const obs = await fetchPolicy(policyUrl('badtype'), { fetch: f });
    assert.equal(obs.kind, 'response');
    assert.equal(obs.content_type, 'text/html; charset=utf-8');
  });

  test('missing content type → content_type null', async () => {
    const f = fakeFetch(() => new Response(new Uint8Array([0x76])));
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f });
    assert.equal(obs.kind, 'response');
    assert.equal(obs.content_type, null);
  });

  test('opaqueredirect → redirect, not followed', async () => {
    const f = fakeFetch(opaqueRedirect);
    const obs = await fetchPolicy(policyUrl('redirect'), { fetch: f });
    assert.equal(obs.kind, 'redirect');
    assert.equal(obs.status, 0);
    assert.equal(f.calls.length, 1);
    assertCorsInit(f.calls[0].init);
  });

  test('301 status from an injected fetch → redirect', async () => {
    const f = fakeFetch(() => new Response('moved', { status: 301, headers: { location: 'https://elsewhere/' } }));
    const obs = await fetchPolicy(policyUrl('redirect'), { fetch: f });
    assert.equal(obs.kind, 'redirect');
    assert.equal(obs.status, 301);
    assert.equal(f.calls.length, 1);
  });

  test('200 KB body → truncated past maxBytes, stream cancelled', async () => {
    const { stream, state } = chunkedStream({ chunkSize: 16384, limit: 13 }); // 208 KB
    const f = fakeFetch(() => new Response(stream, { headers: { 'content-type': 'text/plain' } }));
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f });
    assert.equal(obs.kind, 'response');
    assert.equal(obs.truncated, true);
    assert.equal(bytesOf(obs).length, 65536, 'what a sender reads, and no more');
    assert.ok(state.pulls <= 6, `pulled ${state.pulls} chunks`);
    await new Promise((r) => setImmediate(r));
    assert.equal(state.cancelled, true);
  });

  test('body of exactly maxBytes is not truncated', async () => {
    const f = fakeFetch(() => text(new Uint8Array(100)));
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f, maxBytes: 100 });
    assert.equal(obs.truncated, false);
    assert.equal(bytesOf(obs).length, 100);
    const g = fakeFetch(() => text(new Uint8Array(101)));
    const obs2 = await fetchPolicy(policyUrl('good'), { fetch: g, maxBytes: 100 });
    assert.equal(obs2.truncated, true);
    assert.equal(bytesOf(obs2).length, 100);
  });

  test('never-ending trickle → timeout, stream cancelled', async () => {
    const { stream, state } = chunkedStream({ chunkSize: 1, delayMs: 5 });
    const f = fakeFetch(() => new Response(stream, { headers: { 'content-type': 'text/plain' } }));
    const t0 = performance.now();
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f, timeoutMs: 60 });
    assert.equal(obs.kind, 'timeout');
    assert.ok(performance.now() - t0 < 1000);
    await new Promise((r) => setImmediate(r));
    assert.equal(state.cancelled, true);
  });

  test('never answers → timeout', async () => {
    const f = fakeFetch(() => 'hang');
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f, timeoutMs: 50 });
    assert.equal(obs.kind, 'timeout');
    assert.ok(obs.elapsed_ms >= 40 && obs.elapsed_ms < 1000, `elapsed ${obs.elapsed_ms}`);
    assert.equal(f.calls.length, 1, 'no no-cors probe after a timeout');
  });

  test('caller abort → aborted', async () => {
    const f = fakeFetch(() => 'hang');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const obs = await fetchPolicy(policyUrl('good'), { fetch: f, signal: ac.signal, timeoutMs: 2000 });
    assert.equal(obs.kind, 'aborted');
    assert.equal(f.calls.length, 1);
  });

  test('CORS blocked: cors rejects, no-cors opaque → cors-blocked', async () => {
    const f = fakeFetch((url, init) => (init.mode === 'cors' ? failed() : opaque()));
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f });
    assert.equal(obs.kind, 'cors-blocked');
    assert.equal(obs.message, 'Failed to fetch');
    assert.equal(f.calls.length, 2);
    assertCorsInit(f.calls[0].init);
    const probe = f.calls[1];
    assert.equal(probe.url, 'https://mta-sts.nocors.test/.well-known/mta-sts.txt');
    assert.equal(probe.init.mode, 'no-cors');
    assert.equal(probe.init.redirect, 'follow');
    assert.equal(probe.init.cache, 'no-store');
    assert.equal(probe.init.credentials, 'omit');
    assert.equal(probe.init.referrerPolicy, 'no-referrer');
    assert.equal(probe.init.method, 'GET');
  });

  test('both reject → unreachable', async () => {
    const f = fakeFetch(failed);
    const obs = await fetchPolicy(policyUrl('expired'), { fetch: f });
    assert.equal(obs.kind, 'unreachable');
    assert.equal(obs.message, 'Failed to fetch');
    assert.equal(f.calls.length, 2);
  });

  test('cors-blocked then relay 200 → response via relay', async () => {
    const relay = 'https://relay.test/fetch?u={url}';
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) return relayed(POLICY);
      return init.mode === 'cors' ? failed() : opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay });
    const relayUrl = `https://relay.test/fetch?u=${encodeURIComponent(policyUrl('nocors'))}`;
    assert.equal(obs.kind, 'response');
    assert.equal(obs.via_relay, true);
    assert.equal(obs.message, 'https://relay.test', 'the relay\'s origin, for the finding that says it was used');
    assert.equal(obs.status, 200);
    assert.equal(obs.content_type, 'text/plain; charset=utf-8', 'the upstream Content-Type the relay passed on');
    assert.equal(new TextDecoder().decode(bytesOf(obs)), POLICY);
    assert.equal(f.calls.length, 3);
    assert.equal(f.calls[2].url, relayUrl);
    // 'follow' for the relay: it reports a redirect as a 3xx without a Location, which a browser
    // would hide behind an opaque redirect with 'manual' (the next test).
    assertCorsInit(f.calls[2].init, 'follow');
  });

  test('the policy host redirects, the relay passes the 3xx on without a Location → redirect via relay', async () => {
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) {
        // What a browser returns for it with redirect 'follow' (nowhere to go); with 'manual' it
        // would be an opaque redirect, status 0 and no headers.
        if (init.redirect !== 'follow') return opaqueRedirect();
        const r = relayed(null, 301);
        r.headers.set('x-relay-location', 'https://www.nocors.test/mta-sts.txt');
        return r;
      }
      return init.mode === 'cors' ? failed() : opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay: 'https://relay.test/{url}' });
    assert.equal(obs.kind, 'redirect');
    assert.equal(obs.status, 301);
    assert.equal(obs.via_relay, true);
  });

  test('a relay that itself redirects the request elsewhere is the relay failing, not the policy host\'s answer', async () => {
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) {
        const r = relayed(POLICY);
        Object.defineProperty(r, 'redirected', { value: true });
        return r;
      }
      return init.mode === 'cors' ? failed() : opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay: 'https://relay.test/{url}' });
    assert.equal(obs.kind, 'cors-blocked');
    assert.match(obs.relay_failure, /redirected the request to another URL/);
    assert.equal(obs.via_relay, undefined);
  });

  test('relay not used when the direct fetch works or is unreachable', async () => {
    const relay = 'https://relay.test/?u={url}';
    const ok = fakeFetch(() => text(POLICY));
    assert.equal((await fetchPolicy(policyUrl('good'), { fetch: ok, relay })).via_relay, undefined);
    assert.equal(ok.calls.length, 1);
    const down = fakeFetch(failed);
    const obs = await fetchPolicy(policyUrl('down'), { fetch: down, relay });
    assert.equal(obs.kind, 'unreachable');
    assert.equal(obs.via_relay, undefined);
    assert.equal(down.calls.length, 2);
  });

  test('relay rejects → still cors-blocked (the policy host answered), with the relay\'s failure', async () => {
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) throw new TypeError('Failed to fetch');
      return init.mode === 'cors' ? failed() : opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay: 'https://relay.test/{url}' });
    assert.equal(obs.kind, 'cors-blocked');
    assert.equal(obs.relay_failure, 'Failed to fetch');
    assert.equal(obs.via_relay, undefined);
  });

  test('relay 502 → response status 502 via relay', async () => {
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) return relayed('bad gateway', 502);
      return init.mode === 'cors' ? failed() : opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay: 'https://relay.test/{url}' });
    assert.equal(obs.kind, 'response');
    assert.equal(obs.status, 502);
    assert.equal(obs.via_relay, true);
  });

  test('a relay answer without the marker (a wrong relay URL, a proxy\'s own 404) is the relay failing', async () => {
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) return text('no such page', 404, 'text/html');
      if (init.mode === 'cors') throw new TypeError('Failed to fetch');
      return opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay: 'https://relay.test/{url}' });
    assert.equal(obs.kind, 'cors-blocked');
    assert.match(obs.relay_failure, /HTTP 404 without the relay's marker/);
  });

  test('relay hangs → cors-blocked, the relay gave no answer in time', async () => {
    const f = fakeFetch((url, init) => {
      if (url.startsWith('https://relay.test/')) return 'hang';
      return init.mode === 'cors' ? failed() : opaque();
    });
    const obs = await fetchPolicy(policyUrl('nocors'), { fetch: f, relay: 'https://relay.test/{url}', timeoutMs: 50 });
    assert.equal(obs.kind, 'cors-blocked');
    assert.equal(obs.relay_failure, 'no answer in time');
  });

  test('programmer errors throw', async () => {
    await assert.rejects(fetchPolicy(42), TypeError);
    await assert.rejects(fetchPolicy('good.test'), TypeError, 'the request\'s URL, not a domain');
    await assert.rejects(fetchPolicy('https://evil.test/x'), TypeError, 'only an MTA-STS policy URL');
    await assert.rejects(fetchPolicy(''), TypeError);
    await assert.rejects(fetchPolicy(policyUrl('good'), { relay: 'https://relay.test/' }), TypeError);
    await assert.rejects(fetchPolicy(policyUrl('good'), { maxBytes: -1 }), TypeError);
  });
});
