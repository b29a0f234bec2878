// Node tests of m.changePlan (dist/mtasts.mjs): the dated change plan of a checkDomain report, from the
// TTLs the fake resolver gives (tests/support/fake-net.mjs, each zone entry's `ttl`) and the policy's
// max_age. The dates are worked out by hand from RFC 8461 (a policy fetched at t is cached until
// t + max_age, §3.2; the file before the id, §8.1; withdrawal, §8.3): docs/GRADING.md, "The change plan".
//
// Run:   MTASTS_DIST=$PWD/dist node --test tests/node/plan.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeNet } from '../support/fake-net.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.MTASTS_DIST ?? join(REPO, 'dist');
const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
const m = await load();

const D = 'plan.example';
const NOW = Date.UTC(2026, 11, 1, 9, 0, 0); // 2026-12-01 09:00 UTC

function world({ mode = 'testing', maxAge = 1209600, cors = true } = {}) {
  return makeNet({
    zone: {
      [D]: { MX: [[10, `mx1.${D}`]], ttl: 3600 },
      [`_mta-sts.${D}`]: { TXT: [['v=STSv1; id=20240101T000000']], ttl: 600 },
      [`_smtp._tls.${D}`]: { TXT: [[`v=TLSRPTv1; rua=mailto:tlsrpt@${D}`]], ttl: 300 },
      [`mta-sts.${D}`]: { A: ['192.0.2.1'], ttl: 120 },
      [`mx1.${D}`]: { A: ['192.0.2.25'] },
    },
    hosts: {
      [`https://mta-sts.${D}/.well-known/mta-sts.txt`]: {
        body: `version: STSv1\nmode: ${mode}\nmx: mx1.${D}\nmax_age: ${maxAge}\n`, cors,
      },
    },
  });
}

async function check(options) {
  return m.checkDomain(D, { fetch: world(options).fetch });
}

const change = (plan, id) => plan.changes.find((c) => c.id === id);

test('the plan is computed in the report module, not the check module (its size budget): changePlan is async', async () => {
  // A text of core/src/plan.cpp's plan_text: in the module that holds the plan, and only there.
  const text = 'MTA-STS change plan for';
  assert.equal(readFileSync(join(DIST, 'mtasts-core.wasm')).includes(text), false, 'the check module has no plan');
  assert.equal(readFileSync(join(DIST, 'mtasts-report-core.wasm')).includes(text), true, 'the report module has it');
  const p = m.changePlan(null);
  assert.ok(p instanceof Promise);
  await assert.rejects(p, TypeError);
});

test('the report carries the TTL of each answer', async () => {
  const r = await check();
  assert.deepEqual(r.ttl, { mx: 3600, sts: 600, tlsrpt: 300, policy_host: 120 });
});

test('changePlan: the four changes, dated from the max_age and the TTLs', async () => {
  const r = await check();
  const before = JSON.stringify(r);
  const plan = await m.changePlan(r, { now: new Date(NOW) });
  assert.equal(JSON.stringify(r), before, 'the report is not changed');
  assert.equal(plan.kind, 'plan');
  assert.equal(plan.domain, D);
  assert.equal(plan.max_age, 1209600);
  assert.deepEqual(plan.ttl, r.ttl);
  assert.deepEqual(plan.changes.map((c) => c.id), ['enforce', 'mx', 'withdraw', 'policy_host']);

  const enforce = change(plan, 'enforce');
  assert.equal(enforce.applies, true);
  assert.deepEqual(enforce.steps.map((s) => s.when), [
    'from 2026-12-01 09:00 UTC (now)', 'after 2026-12-01 09:00 UTC', 'after 2026-12-01 09:00 UTC',
    'after 2026-12-15 09:00 UTC', // 14 days: every copy of the testing policy has expired
  ]);
  assert.equal(enforce.steps[3].not_before, NOW + 14 * 86400000);
  assert.deepEqual(enforce.steps[1].records, [{
    type: 'policy', name: `https://mta-sts.${D}/.well-known/mta-sts.txt`,
    value: `version: STSv1\nmode: enforce\nmx: mx1.${D}\nmax_age: 1209600\n`,
  }]);
  assert.deepEqual(enforce.steps[2].records, [{ type: 'TXT', name: `_mta-sts.${D}`, value: 'v=STSv1; id=20261201090000' }]);

  const withdraw = change(plan, 'withdraw');
  assert.deepEqual(withdraw.steps.map((s) => s.when).slice(2), ['after 2026-12-15 09:00 UTC', 'after 2026-12-15 09:10 UTC']);

  const host = change(plan, 'policy_host');
  assert.equal(host.steps[2].when, 'after 2026-12-01 09:02 UTC'); // the A answer's 120 s, rounded up
  assert.match(plan.text, /^MTA-STS change plan for plan\.example\n/);
  assert.match(plan.text, /TTLs: MX 3600 s, _mta-sts 600 s, _smtp\._tls 300 s, mta-sts 120 s/);
});

test('changePlan: a planned MX host the policy does not cover is warned about and dated after max_age', async () => {
  const r = await check({ mode: 'enforce' });
  const plan = await m.changePlan(r, { now: NOW, mx: ['MX1.New-Provider.example.'] });
  const mx = change(plan, 'mx');
  assert.equal(mx.warnings.length, 1);
  assert.match(mx.warnings[0], /^mx1\.new-provider\.example is not covered by the policy served today/);
  assert.deepEqual(mx.steps.map((s) => s.when), [
    'from 2026-12-01 09:00 UTC (now)', 'after 2026-12-01 09:00 UTC',
    'after 2026-12-15 09:00 UTC', // the MX records: every copy of the old policy has expired
    'after 2026-12-15 10:00 UTC', 'after 2026-12-15 10:00 UTC', // the old line goes after the MX TTL
  ]);
  assert.deepEqual(mx.steps[2].records, [{ type: 'MX', name: D, value: '10 mx1.new-provider.example.' }]);
  assert.equal(change(plan, 'enforce').applies, false);
  // A covered host: no warning.
  assert.deepEqual(change(await m.changePlan(r, { now: NOW, mx: [`mx1.${D}`, `mx2.${D}`] }), 'mx').warnings.length, 1);
  assert.deepEqual(change(await m.changePlan(r, { now: NOW, mx: [`mx1.${D}`] }), 'mx').warnings, []);
});

test('changePlan: a policy the browser may not read gives no dates that rest on max_age, and says what to do', async () => {
  const r = await check({ cors: false });
  assert.equal(r.policy, null);
  const plan = await m.changePlan(r, { now: NOW });
  assert.equal(plan.max_age, null);
  assert.equal(plan.warnings.length, 1);
  assert.match(plan.warnings[0], /Paste the policy/);
  assert.equal(change(plan, 'enforce').applies, false);
  const withdraw = change(plan, 'withdraw');
  assert.equal(withdraw.steps[2].not_before, null);
  assert.equal(withdraw.steps[2].when, 'not known');
  assert.equal(change(plan, 'policy_host').steps[2].when, 'after 2026-12-01 09:02 UTC', 'the move does not need max_age');
});

test('changePlan: a report through JSON gives the same plan; bad arguments reject with TypeError', async () => {
  const r = await check();
  assert.deepEqual(await m.changePlan(JSON.parse(JSON.stringify(r)), { now: NOW }), await m.changePlan(r, { now: NOW }));
  await assert.rejects(m.changePlan(null), TypeError);
  await assert.rejects(m.changePlan({}), TypeError);
  await assert.rejects(m.changePlan(r, null), TypeError);
  await assert.rejects(m.changePlan(r, { now: 'today' }), TypeError);
  await assert.rejects(m.changePlan(r, { mx: 'mx.example' }), TypeError);
  await assert.rejects(m.changePlan(r, { mx: [1] }), TypeError);
  const t0 = Date.now();
  const plan = await m.changePlan(r);
  assert.ok(plan.now >= t0 && plan.now <= Date.now(), 'now defaults to the clock');
});
