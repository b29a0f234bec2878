// The domain scenarios of tests/fixtures/scenarios/ (tests/fixtures/README.md), each run through
// checkDomain of the built module (dist/mtasts.mjs) on the fake network of tests/support/fake-net.mjs:
// the scenario's zone answered by the emulated DoH resolver, its hosts played as Chromium's fetch
// sees them (CORS, opaque redirects, TLS failures, bodies that break off or never end). Every report
// is compared with the scenario's expect.json (tests/support/scenarios.mjs) and must satisfy the
// invariants of every report (tests/support/report-invariants.mjs).
//
// Run:   MTASTS_DIST=$PWD/dist node --test tests/node/scenarios.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeNet } from '../support/fake-net.mjs';
import { loadScenarios, fakeNetInput, checkOptions, expectReport } from '../support/scenarios.mjs';
import { invariants } from '../support/report-invariants.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { load } = await import(pathToFileURL(join(process.env.MTASTS_DIST ?? join(REPO, 'dist'), 'mtasts.mjs')).href);
const m = await load();

const scenarios = loadScenarios({ driver: 'node' });

test('the fixtures hold the scenarios this driver plays', () => {
  assert.ok(scenarios.length >= 100, `only ${scenarios.length} scenarios for the node driver`);
});

for (const s of scenarios) {
  test(s.name, async () => {
    const net = makeNet(fakeNetInput(s));
    const options = checkOptions(s);
    const t0 = performance.now();
    const r = await m.checkDomain(s.world.input, { fetch: net.fetch, ...options });
    const ms = performance.now() - t0;
    invariants(r, net);
    // A request that never answers (or a body that never ends) is bounded by timeoutMs.
    if (options.timeoutMs) assert.ok(ms < Math.max(2500, 8 * options.timeoutMs), `took ${Math.round(ms)} ms`);
    expectReport(r, s, {
      queries: net.dnsQueries().map((q) => `${q.type} ${q.name}`),
      fetched: net.calls.filter((c) => c.kind === 'host').map((c) => new URL(c.url).hostname),
    });
  });
}
