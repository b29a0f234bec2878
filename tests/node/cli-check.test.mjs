// Node tests of `mtasts check`, the native CLI's live check of a domain
// (DNS, the policy GET and a STARTTLS probe of every MX host), against real
// servers on loopback: the DoH resolver and policy hosts of
// tests/e2e/support/world.mjs, SMTP servers (tests/support/smtp-servers.mjs,
// smtp-server) on 127.0.0.x addresses, and a classic DNS server
// (tests/support/dns-server.mjs), with a throw-away CA (pki.mjs). The demo
// zone is tools/local-servers.mjs's, plus the domains below.
//
// Run:   MTASTS_CLI=$PWD/build/native/tools/mtasts node --test tests/node/cli-check.test.mjs
// Env:   MTASTS_CLI  the native CLI (every test is skipped, with the reason, when it is unset)
//
// What is checked (docs/GRADING.md and the check's spec):
//  - each SMTP case: the MX entry's tls.result and stage, the grade, the
//    finding codes (starttls.failed, .none_ok, .failed_testing, .unreachable,
//    .certificate.expiring), the certificate fields, addresses; DANE (A+);
//  - the probe sends nothing but EHLO, STARTTLS, EHLO, QUIT (no MAIL FROM),
//    with the --helo name;
//  - the report's "host" and the order of its checks; --no-smtp;
//  - bulk: domains as arguments, --from FILE, --from -, one JSON line each in
//    input order; --jobs 1 gives the same reports as the default; 16 checks
//    start at once by default, N with --jobs N;
//  - garbage input lines give a JSON error line (domain.invalid) and the
//    others still run, and nothing is sent anywhere for them;
//  - exit statuses 0, 1, 3, 2; SIGINT while a check hangs (exit 130, the
//    finished reports printed, in input order);
//  - the policy GET: User-Agent, no redirect followed, at most 64 KB read (a
//    40 MB body with a Content-Length, and one that never ends); the
//    policy host's bad certificates named (policy.fetch.tls);
//  - the text output; --dns HOST:PORT with the retry over TCP of a truncated answer.
// Every server listens on loopback; nothing else is ever a target.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = process.env.MTASTS_CLI ? resolve(process.env.MTASTS_CLI) : '';
const skip = !CLI ? 'MTASTS_CLI is not set (the native CLI; ./tools/test sets it)'
  : !existsSync(CLI) ? `no CLI at ${CLI} (build it: cmake --build build/native --target mtasts)` : false;
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;

/** The EHLO name given with --helo. */
const HELO = 'probe.mtasts.test';
/** --timeout-ms for the runs: per request and per probe step (the stalling server costs this once). */
const STEP_MS = 2000;
/** A CLI run that takes longer is killed and fails. */
const RUN_LIMIT_MS = 120_000;

const STARTTLS_FAILURES = ['starttls.failed', 'starttls.none_ok', 'starttls.failed_testing'];
const CHECK_ORDER = ['sts', 'policy_fetch', 'policy', 'mx', 'starttls', 'tlsrpt', 'dane'];
const TLS_RESULTS = ['ok', 'starttls-not-supported', 'certificate-host-mismatch', 'certificate-expired',
  'certificate-not-trusted', 'validation-failure', 'unreachable', 'timeout'];

// ---------------------------------------------------------------------------
// The world: tools/local-servers.mjs's demo zone and these

/** @type {any} */
let L;
/** @type {any} */
let env;
let work = '';

async function extraDomains() {
  const { mailDomain } = L;
  const { makeLeaf } = await import('../support/smtp-servers.mjs');
  const hangAll = { hang: true };
  return [
    mailDomain('unreachable.test', { mx: [{ host: 'mx1.unreachable.test', address: '127.0.0.40', behaviour: null }] }),
    mailDomain('redirect.test', {
      mx: [{ host: 'mx1.redirect.test', address: '127.0.0.41', behaviour: 'good' }],
      policyHost: { redirect: { status: 301, location: 'https://www.redirect.test/.well-known/mta-sts.txt' } },
    }),
    mailDomain('big-policy.test', {
      mx: [{ host: 'mx1.big-policy.test', address: '127.0.0.42', behaviour: 'good' }],
      policyHost: { size: 40 * 1000 * 1000 },
    }),
    mailDomain('policy-wrong-name.test', {
      mx: [{ host: 'mx1.policy-wrong-name.test', address: '127.0.0.43', behaviour: 'good' }], policyHost: { cert: 'wrong-name' },
    }),
    mailDomain('policy-self-signed.test', {
      mx: [{ host: 'mx1.policy-self-signed.test', address: '127.0.0.46', behaviour: 'good' }], policyHost: { cert: 'self-signed' },
    }),
    mailDomain('expiring.test', {
      mx: [{ host: 'mx1.expiring.test', address: '127.0.0.44', behaviour: 'good',
        cert: (pki) => makeLeaf(pki, ['mx1.expiring.test'], { days: 5, file: 'expiring' }) }],
    }),
    mailDomain('endless.test', { mx: [{ host: 'mx1.endless.test', address: '127.0.0.50', behaviour: 'good' }] }),
    // bücher.test, in DNS (and in its certificates) as its A-label form.
    mailDomain('xn--bcher-kva.test', { mx: [{ host: 'mx1.xn--bcher-kva.test', address: '127.0.0.52', behaviour: 'good' }] }),
    mailDomain('dane.test', { ad: true, mx: [{ host: 'mx1.dane.test', address: '127.0.0.45', behaviour: 'good', dane: true }] }),
    mailDomain('hang.test', {
      mx: [{ host: 'mx1.hang.test', address: '127.0.0.47', behaviour: 'good' }],
      zone: { 'hang.test': hangAll, '_mta-sts.hang.test': hangAll, '_smtp._tls.hang.test': hangAll, 'mta-sts.hang.test': hangAll },
      policyHost: { hang: true },
    }),
    mailDomain('slow.test', {
      mx: [{ host: 'mx1.slow.test', address: '127.0.0.48', behaviour: 'good' }],
      zone: { 'slow.test': { delayMs: 800 }, '_mta-sts.slow.test': { delayMs: 800 } },
      policyHost: { delayMs: 800 },
    }),
    // Twenty domains whose DNS answers each take 400 ms, for the number of checks at once.
    ...Array.from({ length: 20 }, (_, i) => {
      const d = `par-${String(i + 1).padStart(2, '0')}.test`;
      const slow = { delayMs: 400 };
      return mailDomain(d, {
        mx: [{ host: `mx1.${d}`, address: '127.0.0.51', behaviour: 'good' }],
        zone: { [d]: slow, [`_mta-sts.${d}`]: slow, [`_smtp._tls.${d}`]: slow, [`mta-sts.${d}`]: slow, [`mx1.${d}`]: slow },
      });
    }),
    // Four unrelated TXT records of 200 bytes beside the STS record: an answer of
    // about 1,100 bytes, over the 512 of classic DNS over UDP.
    mailDomain('dnsbig.test', {
      mx: [{ host: 'mx1.dnsbig.test', address: '127.0.0.49', behaviour: 'good' }],
      zone: { '_mta-sts.dnsbig.test': { TXT: [['v=STSv1; id=20240101T000000'],
        ...[1, 2, 3, 4].map((i) => [`site-verification-${i}=${'x'.repeat(180)}`])] } },
    }),
  ];
}

/** The domains of the main run, in this order. */
let MAIN = [];

// ---------------------------------------------------------------------------
// Running the CLI (asynchronously: the servers live in this process)

/**
 * @param {string[]} args
 * @param {{ input?: string|Buffer, env?: Record<string, string>, onStdout?: (text: string, child: any) => void }} [o]
 */
function run(args, { input, env: extraEnv, onStdout } = {}) {
  let child;
  const promise = new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    child = spawn(CLI, args, { env: { ...process.env, NO_COLOR: '', ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let stdoutText = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.stdout.on('data', (d) => {
      out.push(d);
      if (onStdout) { stdoutText += d.toString('utf8'); onStdout(stdoutText); }
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => { clearTimeout(killer); reject(e); });
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ status, signal, stdoutBytes, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - t0 });
    });
    child.stdin.on('error', () => {});
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  });
  /** The child process, to signal it while it runs. */
  promise.child = child;
  return promise;
}

/** Every line of stdout as JSON (each must parse; no blank lines in between). */
function jsonLines(r) {
  const text = r.stdout;
  assert.ok(text === '' || text.endsWith('\n'), `stdout does not end with a newline: ${JSON.stringify(text.slice(-200))}`);
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  return lines.map((l, i) => {
    try {
      const v = JSON.parse(l);
      assert.equal(typeof v, 'object', `line ${i + 1} is not an object`);
      return v;
    } catch (e) {
      assert.fail(`stdout line ${i + 1} is not JSON (${e.message}): ${l.slice(0, 300)}\nstderr: ${r.stderr.slice(0, 2000)}`);
    }
  });
}

/** `check --json` with the world's options; the reports, one per line. */
async function check(domains, extra = [], o = {}) {
  const r = await run(['check', ...env.args, '--json', '--helo', HELO, '--timeout-ms', String(STEP_MS), ...extra, ...domains], o);
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  return { ...r, reports: jsonLines(r) };
}

const byDomain = (reports) => Object.fromEntries(reports.filter((x) => x.domain).map((x) => [x.domain, x]));
const codes = (rep) => (rep.findings ?? []).map((f) => f.code);
const checkOf = (rep, id) => (rep.checks ?? []).find((c) => c.id === id);
const mxOf = (rep, host) => (rep.mx ?? []).find((m) => m.host === host);
const show = (rep) => JSON.stringify({ grade: rep.grade, grade_range: rep.grade_range, grade_reason: rep.grade_reason,
  codes: codes(rep), mx: rep.mx, error: rep.error }, null, 1).slice(0, 3000);
/** RFC 3339 UTC without fractions, as the report writes certificate dates. */
const rfc3339 = (d) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The facts of a report that must not depend on scheduling (for --jobs 1 vs default and the bulk forms). */
function projection(rep) {
  if (rep.error) return { error: rep.error.code, grade: rep.grade };
  return {
    domain: rep.domain, grade: rep.grade, grade_range: rep.grade_range, complete: rep.complete,
    checks: (rep.checks ?? []).map((c) => [c.id, c.status]),
    findings: (rep.findings ?? []).map((f) => [f.check, f.code, f.severity]).sort(),
    mx: (rep.mx ?? []).map((m) => [m.host, m.addresses, m.tls?.result ?? null, m.tls?.stage ?? null]),
  };
}

// ---------------------------------------------------------------------------

describe('mtasts check', { skip }, () => {
  /** The main run: every domain at once (default --jobs). */
  let main;
  /** What the world server saw during the main run. */
  let mainRequests = [];

  before(async () => {
    L = await import('../../tools/local-servers.mjs');
    work = mkdtempSync(join(tmpdir(), 'mtasts-cli-check-'));
    const extra = await extraDomains();
    env = await L.startLocalServers({
      extra, smtpPort: 0, dir: join(work, 'world'),
      extraHosts: { 'www.redirect.test': { body: 'version: STSv1\nmode: enforce\nmx: mx1.redirect.test\nmax_age: 604800\n' } },
    });
    MAIN = [...L.DEMO_DOMAINS.map((d) => d.domain), 'unreachable.test', 'expiring.test', 'dane.test'];
    env.smtp.reset();
    const from = env.world.requests.length;
    main = await check(MAIN);
    mainRequests = env.world.requests.slice(from);
  });

  after(async () => {
    await env?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // -------------------------------------------------------------------------
  describe('the STARTTLS probe of each MX host', () => {
    /**
     * domain: the grade, each MX host's [result, stage, address], the codes that must be there and those that must not.
     * Stages: where the probe ended (check.h, tls_probe::stage).
     */
    const CASES = {
      'good.test': { grade: 'A', starttls: 'pass', mx: { 'mx1.good.test': ['ok', 'done', '127.0.0.11'], 'mx2.good.test': ['ok', 'done', '127.0.0.12'] },
        has: [], not: [...STARTTLS_FAILURES, 'starttls.unreachable'] },
      'testing.test': { grade: 'B', mx: { 'mx1.testing.test': ['certificate-expired', 'verify', '127.0.0.13'] },
        has: ['starttls.failed_testing'], not: ['starttls.failed', 'starttls.none_ok'] },
      'expired-mx.test': { grade: 'F', starttls: 'fail', mx: { 'mx1.expired-mx.test': ['certificate-expired', 'verify', '127.0.0.14'] },
        has: ['starttls.failed', 'starttls.none_ok'], not: ['starttls.failed_testing'] },
      'mixed.test': { grade: 'C', starttls: 'fail',
        mx: { 'mx1.mixed.test': ['ok', 'done', '127.0.0.15'], 'mx2.mixed.test': ['certificate-host-mismatch', 'verify', '127.0.0.16'] },
        has: ['starttls.failed'], not: ['starttls.none_ok', 'starttls.failed_testing'] },
      'no-starttls.test': { grade: 'F', starttls: 'fail', mx: { 'mx1.no-starttls.test': ['starttls-not-supported', 'ehlo', '127.0.0.17'] },
        has: ['starttls.failed', 'starttls.none_ok'], not: [] },
      'self-signed.test': { grade: 'F', starttls: 'fail', mx: { 'mx1.self-signed.test': ['certificate-not-trusted', 'verify', '127.0.0.18'] },
        has: ['starttls.failed', 'starttls.none_ok'], not: [] },
      'tls10.test': { grade: 'F', starttls: 'fail', mx: { 'mx1.tls10.test': ['validation-failure', 'handshake', '127.0.0.19'] },
        has: ['starttls.failed', 'starttls.none_ok'], not: [] },
      'stall.test': { mx: { 'mx1.stall.test': ['timeout', 'ehlo', '127.0.0.20'] }, has: [], not: [] },
      'bad-policy-cert.test': { grade: 'F', has: ['policy.fetch.tls'], not: ['policy.fetch.unreachable'] },
      'unreachable.test': { starttls: 'unknown', mx: { 'mx1.unreachable.test': ['unreachable', 'connect', '127.0.0.40'] },
        has: ['starttls.unreachable'], not: STARTTLS_FAILURES },
      'expiring.test': { grade: 'A', starttls: 'warn', mx: { 'mx1.expiring.test': ['ok', 'done', '127.0.0.44'] },
        has: ['starttls.certificate.expiring'], not: STARTTLS_FAILURES },
      'dane.test': { grade: 'A+', starttls: 'pass', mx: { 'mx1.dane.test': ['ok', 'done', '127.0.0.45'] }, has: [], not: STARTTLS_FAILURES },
    };

    test('one JSON line per domain, in input order', () => {
      assert.deepEqual(main.reports.map((x) => x.domain), MAIN, main.stderr.slice(0, 2000));
    });

    for (const [domain, c] of Object.entries(CASES)) {
      test(`${domain}: ${c.grade ?? 'no grade asserted'}${c.mx ? `, ${Object.values(c.mx).map((m) => m[0]).join(' + ')}` : ''}`, () => {
        const rep = byDomain(main.reports)[domain];
        assert.ok(rep, `no report for ${domain}`);
        if (c.grade !== undefined) assert.equal(rep.grade, c.grade, show(rep));
        for (const [host, [result, stage, address]] of Object.entries(c.mx ?? {})) {
          const m = mxOf(rep, host);
          assert.ok(m, `no mx entry ${host}: ${show(rep)}`);
          assert.deepEqual(m.addresses, [address], `${host}: addresses`);
          assert.ok(m.tls, `${host}: no tls: ${show(rep)}`);
          for (const k of ['result', 'stage', 'address', 'detail', 'banner', 'version', 'cipher', 'certificate']) {
            assert.ok(k in m.tls, `${host}: tls has no ${k}`);
          }
          assert.ok(TLS_RESULTS.includes(m.tls.result), `${host}: result ${m.tls.result} is not one of RFC 8460's words`);
          assert.equal(m.tls.result, result, `${host}: ${JSON.stringify(m.tls)}`);
          assert.equal(m.tls.stage, stage, `${host}: ${JSON.stringify(m.tls)}`);
          assert.equal(m.tls.address, address, `${host}: the address probed`);
          if (result !== 'ok') assert.ok(typeof m.tls.detail === 'string' && m.tls.detail.length > 0, `${host}: no detail for ${result}`);
        }
        if (c.starttls) assert.equal(checkOf(rep, 'starttls')?.status, c.starttls, show(rep));
        for (const code of c.has) {
          const f = rep.findings.find((x) => x.code === code);
          assert.ok(f, `${domain}: no ${code}: ${show(rep)}`);
          assert.ok(f.severity && f.check && f.message, `${domain}: ${code} lacks severity/check/message`);
        }
        for (const code of c.not) assert.ok(!codes(rep).includes(code), `${domain}: unexpected ${code}: ${show(rep)}`);
      });
    }

    test('starttls findings belong to the starttls check and name the host', () => {
      for (const rep of main.reports) {
        for (const f of rep.findings ?? []) {
          if (!f.code.startsWith('starttls.')) continue;
          assert.equal(f.check, 'starttls', `${rep.domain}: ${f.code}`);
        }
      }
      const mixed = byDomain(main.reports)['mixed.test'];
      const failed = mixed.findings.filter((f) => f.code === 'starttls.failed');
      assert.equal(failed.length, 1, show(mixed));
      assert.match(failed[0].message, /mx2\.mixed\.test/);
      assert.doesNotMatch(failed[0].message, /mx1\.mixed\.test/);
    });

    test('stall.test: a timeout is not an A', () => {
      const rep = byDomain(main.reports)['stall.test'];
      assert.ok(!['A', 'A+'].includes(rep.grade), show(rep));
      assert.match(mxOf(rep, 'mx1.stall.test').tls.banner ?? '', /mx1\.stall\.test/);
    });

    test('unreachable.test: an MX host that cannot be reached from here does not count against the domain', () => {
      const rep = byDomain(main.reports)['unreachable.test'];
      assert.notEqual(rep.grade, 'F', show(rep));
      assert.ok(rep.grade === 'A' || (rep.grade === null && Array.isArray(rep.grade_range)), show(rep));
      assert.equal(rep.findings.find((f) => f.code === 'starttls.unreachable')?.check, 'starttls');
    });

    test('bad-policy-cert.test: policy.fetch.tls says the certificate expired', () => {
      const rep = byDomain(main.reports)['bad-policy-cert.test'];
      const f = rep.findings.find((x) => x.code === 'policy.fetch.tls');
      assert.ok(f, show(rep));
      assert.equal(f.check, 'policy_fetch');
      assert.equal(f.severity, 'error');
      assert.match(f.message, /expired/i);
      assert.equal(checkOf(rep, 'policy_fetch')?.status, 'fail');
    });

    test('the certificate each MX host presented', () => {
      const reps = byDomain(main.reports);
      const pki = env.pki;
      const names = [...pki.names].sort();
      const good = new X509Certificate(pki.certs.good.cert);
      const issuer = 'CN=mtasts e2e test CA';

      const g = mxOf(reps['good.test'], 'mx1.good.test').tls;
      assert.ok(g.certificate, JSON.stringify(g));
      assert.deepEqual([...g.certificate.dns_names].sort(), names);
      assert.equal(g.certificate.subject, `CN=${pki.names[0]}`);
      assert.equal(g.certificate.issuer, issuer);
      assert.equal(g.certificate.not_before, rfc3339(good.validFrom));
      assert.equal(g.certificate.not_after, rfc3339(good.validTo));
      assert.match(g.banner, /mx1\.good\.test/);

      const e = mxOf(reps['expired-mx.test'], 'mx1.expired-mx.test').tls.certificate;
      assert.ok(e);
      assert.equal(e.not_before, '2020-01-01T00:00:00Z');
      assert.equal(e.not_after, '2020-02-01T00:00:00Z');
      assert.deepEqual([...e.dns_names].sort(), names);
      assert.equal(e.issuer, issuer);

      const w = mxOf(reps['mixed.test'], 'mx2.mixed.test').tls.certificate;
      assert.ok(w);
      assert.deepEqual(w.dns_names, ['wrong-name.invalid']);
      assert.equal(w.issuer, issuer);

      const s = mxOf(reps['self-signed.test'], 'mx1.self-signed.test').tls.certificate;
      assert.ok(s);
      assert.equal(s.issuer, s.subject, 'a self-signed leaf is its own issuer');

      const x = mxOf(reps['expiring.test'], 'mx1.expiring.test').tls.certificate;
      assert.ok(x);
      assert.deepEqual(x.dns_names, ['mx1.expiring.test']);
      const left = (Date.parse(x.not_after) - Date.now()) / 86400e3;
      assert.ok(left > 3 && left <= 5, `expires in ${left} days`);

      assert.equal(mxOf(reps['no-starttls.test'], 'mx1.no-starttls.test').tls.certificate ?? null, null, 'no TLS, no certificate');
    });

    test('the TLS version and cipher are those the server negotiated', () => {
      const reps = byDomain(main.reports);
      for (const [domain, host, address] of [['good.test', 'mx1.good.test', '127.0.0.11'], ['mixed.test', 'mx1.mixed.test', '127.0.0.15'],
        ['expired-mx.test', 'mx1.expired-mx.test', '127.0.0.14']]) {
        const tls = mxOf(reps[domain], host).tls;
        const server = env.smtp.server(address).sessions.find((s) => s.secure)?.secure;
        assert.ok(server, `${address} saw no TLS session`);
        assert.equal(server.servername, host, 'SNI is the MX host');
        assert.equal(tls.version, server.protocol);
        assert.ok([server.cipher, server.standardName].includes(tls.cipher), `${tls.cipher} vs ${JSON.stringify(server)}`);
      }
      // The TLS 1.0 server never completed a handshake with the probe (it asks for TLS 1.2 or later),
      // but one was attempted (the server saw it fail).
      assert.equal(env.smtp.server('127.0.0.19').sessions.filter((s) => s.secure).length, 0);
      assert.ok(env.smtp.server('127.0.0.19').errors.length > 0, 'the TLS 1.0 server saw no handshake');
    });

    test('the probe sends nothing but EHLO, STARTTLS, EHLO, QUIT, once per MX host (no MAIL FROM)', () => {
      const allowed = /^(EHLO|STARTTLS|QUIT)$/;
      for (const s of env.smtp.servers) {
        if (s.sessions.length === 0) continue;
        assert.equal(s.sessions.length, 1, `${s.address} (${s.behaviour}): ${s.sessions.length} connections`);
        for (const session of s.sessions) {
          const verbs = session.commands.map((l) => l.split(' ')[0].toUpperCase());
          for (const v of verbs) assert.match(v, allowed, `${s.address}: ${JSON.stringify(session.commands)}`);
          assert.match(verbs.join(' '), /^EHLO( STARTTLS( EHLO)?)?( QUIT)?$/, `${s.address}: ${JSON.stringify(session.commands)}`);
          for (const l of session.commands.filter((x) => /^EHLO /i.test(x))) assert.equal(l, `EHLO ${HELO}`);
        }
      }
      for (const address of ['127.0.0.11', '127.0.0.12', '127.0.0.15', '127.0.0.44', '127.0.0.45']) {
        assert.deepEqual(env.smtp.commands(address), [`EHLO ${HELO}`, 'STARTTLS', `EHLO ${HELO}`, 'QUIT'], address);
      }
      assert.ok(!env.smtp.allCommands().some((c) => /^(MAIL|RCPT|DATA|AUTH|VRFY|EXPN)\b/i.test(c.line)));
      // Every server of the main run's domains was probed.
      for (const address of ['127.0.0.13', '127.0.0.14', '127.0.0.16', '127.0.0.17', '127.0.0.18', '127.0.0.19', '127.0.0.20']) {
        assert.equal(env.smtp.server(address).sessions.length, 1, address);
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('the report', () => {
    test('host, and the starttls check between mx and tlsrpt', () => {
      const rep = byDomain(main.reports)['good.test'];
      assert.deepEqual(rep.host, { kind: 'native', observes: ['dns', 'policy', 'starttls'] });
      assert.deepEqual(rep.checks.map((c) => c.id), CHECK_ORDER);
      const st = checkOf(rep, 'starttls');
      assert.equal(typeof st.title, 'string');
      assert.ok(st.title.length > 0 && typeof st.summary === 'string' && st.summary.length > 0, JSON.stringify(st));
      assert.equal(rep.schema, 1);
      assert.equal(rep.kind, 'domain');
      assert.equal(rep.complete, true);
    });

    test('enforce and testing: A with every host ok, C with some failing, F with none passing, B in testing', () => {
      const reps = byDomain(main.reports);
      assert.deepEqual(['good.test', 'mixed.test', 'expired-mx.test', 'testing.test'].map((d) => reps[d].grade), ['A', 'C', 'F', 'B']);
      assert.equal(reps['testing.test'].policy.mode, 'testing');
      assert.equal(reps['mixed.test'].policy.mode, 'enforce');
    });

    test('--no-smtp: no starttls check, no probe, host.observes without starttls', async () => {
      env.smtp.reset();
      const r = await check(['good.test', 'mixed.test'], ['--no-smtp']);
      const reps = byDomain(r.reports);
      for (const rep of Object.values(reps)) {
        assert.deepEqual(rep.host, { kind: 'native', observes: ['dns', 'policy'] });
        assert.deepEqual(rep.checks.map((c) => c.id), CHECK_ORDER.filter((id) => id !== 'starttls'));
        assert.ok(!codes(rep).some((c) => c.startsWith('starttls.')), show(rep));
        for (const m of rep.mx) assert.equal(m.tls ?? null, null, `${m.host} has tls under --no-smtp`);
      }
      assert.equal(reps['good.test'].grade, 'A');
      assert.equal(reps['mixed.test'].grade, 'A', 'without the probe mixed.test is an A (as in the browser)');
      assert.equal(env.smtp.allCommands().length, 0, 'an SMTP server was reached under --no-smtp');
      assert.ok(env.smtp.servers.every((s) => s.sessions.length === 0));
    });
  });

  // -------------------------------------------------------------------------
  describe('many domains', () => {
    const LIST = ['slow.test', 'good.test', 'mixed.test'];
    let args;

    before(async () => { args = await check(LIST); });

    test('as arguments: one JSON line each, in input order (the slow one first)', () => {
      assert.deepEqual(args.reports.map((x) => x.domain), LIST);
      assert.deepEqual(args.reports.map((x) => x.grade), ['A', 'A', 'C']);
    });

    test('--from FILE: comments and blank lines skipped, input order', async () => {
      const file = join(work, 'domains.txt');
      writeFileSync(file, `# three domains\n${LIST[0]}\n\n${LIST[1]}\n# between\n${LIST[2]}\n`);
      const r = await check([], ['--from', file]);
      assert.deepEqual(r.reports.map(projection), args.reports.map(projection));
    });

    test('--from - reads standard input', async () => {
      const r = await check([], ['--from', '-'], { input: `${LIST.join('\n')}\n` });
      assert.deepEqual(r.reports.map(projection), args.reports.map(projection));
    });

    test('--jobs 1 gives the same reports, in the same order, as the default', async () => {
      const r = await check(MAIN, ['--jobs', '1']);
      assert.deepEqual(r.reports.map((x) => x.domain), MAIN);
      assert.deepEqual(r.reports.map(projection), main.reports.map(projection));
    });

    /**
     * How many of the domains started at once: their first DoH query within 500 ms of the first of
     * all. A check takes at least 1.1 s here (two waves of DNS answers of 400 ms each, then the
     * probe, whose greeting comes 100 ms after the connection), so no check that waited for
     * another to finish falls in that window.
     */
    async function startedAtOnce(extra) {
      const names = Array.from({ length: 20 }, (_, i) => `par-${String(i + 1).padStart(2, '0')}.test`);
      const from = env.world.requests.length;
      const r = await check(names, extra);
      assert.deepEqual(r.reports.map((x) => x.domain), names);
      assert.ok(r.reports.every((x) => x.grade === 'A'), r.reports.map((x) => x.grade).join(' '));
      const first = new Map();
      for (const q of env.world.requests.slice(from)) {
        const n = q.q?.name?.toLowerCase() ?? '';
        const d = names.find((x) => n === x || n.endsWith(`.${x}`));
        if (d && !first.has(d)) first.set(d, q.t);
      }
      assert.equal(first.size, names.length);
      const t0 = Math.min(...first.values());
      return [...first.values()].filter((t) => t - t0 < 500).length;
    }

    test('--jobs: 16 checks at once by default, N with --jobs N', async () => {
      assert.equal(await startedAtOnce([]), 16, 'default --jobs');
      assert.equal(await startedAtOnce(['--jobs', '2']), 2, '--jobs 2');
    });

    test('lines that are not domains: a JSON error line each, the others still run, nothing sent for them', async () => {
      const garbage = [
        Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x80, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xc3, 0x28, 0x7f, 0x0d]),
        Buffer.from('a'.repeat(5000)),
        Buffer.from('not a domain!'),
        Buffer.from('..'),
      ];
      const input = Buffer.concat([
        Buffer.from('# garbage among good lines\ngood.test\n\n'),
        ...garbage.flatMap((g) => [g, Buffer.from('\n')]),
        Buffer.from('testing.test\n'),
      ]);
      const file = join(work, 'garbage.txt');
      writeFileSync(file, input);
      const from = env.world.requests.length;
      const r = await check([], ['--from', file]);
      assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(r.stdoutBytes), 'stdout is not UTF-8');
      assert.equal(r.reports.length, 6, r.stdout.slice(0, 2000));
      assert.equal(r.reports[0].domain, 'good.test');
      assert.equal(r.reports[0].grade, 'A');
      assert.equal(r.reports[5].domain, 'testing.test');
      assert.equal(r.reports[5].grade, 'B');
      for (const e of r.reports.slice(1, 5)) {
        assert.equal(e.error?.code, 'domain.invalid', JSON.stringify(e).slice(0, 500));
        assert.equal(typeof e.error.message, 'string');
        assert.ok(e.error.message.length > 0);
        assert.equal(e.grade, null);
      }
      assert.equal(r.status, 3, 'a line with no grade: exit 3');
      const asked = env.world.requests.slice(from).filter((q) => q.q).map((q) => q.q.name.toLowerCase());
      for (const n of asked) assert.match(n, /(^|\.)(good|testing)\.test$/, `a DoH query for ${n}`);
      const hosts = env.world.requests.slice(from).map((q) => q.host);
      for (const h of hosts) assert.match(h, /^(doh\.test|mta-sts\.(good|testing)\.test)$/, `a request to ${h}`);
    });
  });

  // -------------------------------------------------------------------------
  describe('exit status', () => {
    const cases = [
      ['every domain A or better: 0', ['good.test', 'dane.test'], 0],
      ['a domain below A: 1', ['good.test', 'testing.test'], 1],
      ['a domain with no grade: 3', ['good.test', 'not a domain!'], 3],
      ['3 wins over 1', ['testing.test', 'not a domain!'], 3],
    ];
    for (const [name, domains, status] of cases) {
      test(name, async () => {
        const r = await check(domains);
        assert.equal(r.status, status, `${r.reports.map((x) => `${x.domain ?? x.error?.code}: ${x.grade}`).join(', ')}\n${r.stderr}`);
        assert.equal(r.reports.length, domains.length);
      });
    }
    const usage = [
      ['an unknown option', ['--no-such-option', 'good.test']],
      ['--jobs 0', ['--jobs', '0', 'good.test']],
      ['--jobs that is not a number', ['--jobs', 'many', 'good.test']],
      ['no domain at all', []],
      ['--timeout-ms without a value', ['good.test', '--timeout-ms']],
    ];
    for (const [name, args] of usage) {
      test(`usage error, ${name}: 2, nothing on stdout`, async () => {
        const r = await run(['check', ...env.args, ...args]);
        assert.equal(r.status, 2, `${r.stdout.slice(0, 500)}\n${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.ok(r.stderr.length > 0, 'says why on stderr');
      });
    }
  });

  // -------------------------------------------------------------------------
  test('SIGINT while a check hangs: exits promptly, having printed the finished domains', async (t) => {
    env.smtp.reset();
    let sentAt = 0;
    let linesBeforeSignal = -1;
    let child = null;
    let text = '';
    // hang.test's DoH answers never come (its per-request limit is a minute, the check's own 30 s):
    // once good.test's and testing.test's probes are over (their MX sessions closed), interrupt.
    const probed = ['127.0.0.11', '127.0.0.12', '127.0.0.13'].map((a) => env.smtp.server(a));
    const t0 = performance.now();
    const poll = setInterval(() => {
      if (!child) return;
      const done = probed.every((s) => s.sessions.some((x) => x.closed));
      if (done && !poll.doneAt) poll.doneAt = performance.now();
      if ((poll.doneAt && performance.now() - poll.doneAt > 700) || performance.now() - t0 > 20000) {
        clearInterval(poll);
        sentAt = performance.now();
        linesBeforeSignal = text.split('\n').length - 1;
        child.kill('SIGINT');
      }
    }, 50);
    const p = run(['check', ...env.args, '--json', '--timeout-ms', '60000', 'good.test', 'hang.test', 'testing.test'], {
      onStdout(out) { text = out; },
    });
    child = p.child;
    const r = await p;
    clearInterval(poll);
    assert.ok(sentAt > 0, `exited before SIGINT: status ${r.status}: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 1000)}`);
    const afterSignal = performance.now() - sentAt;
    assert.ok(afterSignal < 3000, `exited ${afterSignal.toFixed(0)} ms after SIGINT`);
    // 130: the CLI's own exit status after SIGINT, having printed what finished (not killed by the signal).
    assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr.slice(0, 1000)}`);
    assert.equal(r.status, 130, r.stderr.slice(0, 1000));
    const reports = jsonLines(r);
    const done = reports.filter((x) => x.domain !== 'hang.test');
    assert.deepEqual(done.map((x) => x.domain), ['good.test', 'testing.test'], r.stdout.slice(0, 1000));
    assert.deepEqual(done.map((x) => x.grade), ['A', 'B']);
    assert.deepEqual(reports.filter((x) => x.domain === 'hang.test'), [], 'the interrupted check is not printed');
    t.diagnostic(`lines printed before SIGINT: ${linesBeforeSignal}; exit ${afterSignal.toFixed(0)} ms after it, status ${r.status}, signal ${r.signal}`);
  });

  test('SIGINT during a STARTTLS probe: the interrupted domain is not printed with a grade it did not earn', async () => {
    env.smtp.reset();
    // stall.test's MX sends its banner and then nothing: its probe waits for the EHLO reply
    // (a 60 s limit here) when the signal comes. Without its probe the rest of its report
    // would read A; it must not be printed at all.
    const stall = env.smtp.server('127.0.0.20');
    const good = ['127.0.0.11', '127.0.0.12'].map((a) => env.smtp.server(a));
    let child = null;
    let sentAt = 0;
    const t0 = performance.now();
    const poll = setInterval(() => {
      if (!child) return;
      const ready = stall.sessions.length > 0 && good.every((x) => x.sessions.some((y) => y.closed));
      if (ready && !poll.readyAt) poll.readyAt = performance.now();
      // Half a second after good.test's probes ended, for its report to be out.
      if ((poll.readyAt && performance.now() - poll.readyAt > 500) || performance.now() - t0 > 20000) {
        clearInterval(poll);
        sentAt = performance.now();
        child.kill('SIGINT');
      }
    }, 50);
    const p = run(['check', ...env.args, '--json', '--timeout-ms', '60000', 'good.test', 'stall.test'], {});
    child = p.child;
    const r = await p;
    clearInterval(poll);
    assert.ok(sentAt > 0, `exited before SIGINT: ${r.stdout.slice(0, 500)}`);
    assert.ok(stall.sessions.length > 0, 'the stalling server was being probed');
    assert.equal(r.status, 130, r.stderr.slice(0, 1000));
    assert.deepEqual(jsonLines(r).map((x) => [x.domain, x.grade]), [['good.test', 'A']], r.stdout.slice(0, 1000));
    assert.match(r.stderr, /interrupted; 1 domain checked and printed/);
  });

  // -------------------------------------------------------------------------
  describe('the policy GET', () => {
    test('sends User-Agent mtasts/<version>', () => {
      const reqs = mainRequests.filter((q) => q.host === 'mta-sts.good.test');
      assert.equal(reqs.length, 1, JSON.stringify(reqs));
      assert.equal(reqs[0].method, 'GET');
      assert.equal(reqs[0].path, '/.well-known/mta-sts.txt');
      assert.equal(reqs[0].headers['user-agent'], `mtasts/${VERSION}`);
    });

    test('follows no redirect: policy.fetch.redirect, the target never fetched', async () => {
      const from = env.world.requests.length;
      const r = await check(['redirect.test']);
      const rep = r.reports[0];
      assert.equal(rep.grade, 'F', show(rep));
      const f = rep.findings.find((x) => x.code === 'policy.fetch.redirect');
      assert.ok(f, show(rep));
      assert.equal(f.check, 'policy_fetch');
      const seen = env.world.requests.slice(from);
      assert.ok(seen.some((q) => q.host === 'mta-sts.redirect.test' && q.status === 301), JSON.stringify(seen.map((q) => [q.host, q.status])));
      assert.ok(!seen.some((q) => q.host === 'www.redirect.test'), 'the redirect was followed');
    });

    test('a body over 64 KB: policy.fetch.too_large (40 MB with a Content-Length)', async () => {
      const r = await check(['big-policy.test']);
      const rep = r.reports[0];
      assert.equal(rep.grade, 'F', show(rep));
      assert.ok(codes(rep).includes('policy.fetch.too_large'), show(rep));
      assert.equal(rep.findings.find((f) => f.code === 'policy.fetch.too_large').check, 'policy_fetch');
    });

    test('reads at most 64 KB: a body that never ends (no Content-Length) is cut, not read until the time limit', async () => {
      // Its own HTTPS server (HTTP/1.1, chunked, 16 KB chunks for as long as the client reads),
      // reached through a --connect-to for its host placed before the world's catch-all (curl uses
      // the first that matches).
      const https = await import('node:https');
      let written = 0;
      let closedAt = 0;
      let requests = 0;
      const server = https.createServer({ cert: env.pki.certs.good.cert, key: env.pki.certs.good.key }, (req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('version: STSv1\nmode: enforce\nmx: mx1.endless.test\nmax_age: 604800\n');
        const chunk = Buffer.alloc(16384, 0x61);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) written += chunk.length;
          if (!res.destroyed) { written += chunk.length; res.once('drain', pump); }
        };
        res.on('close', () => { closedAt = performance.now(); });
        pump();
      });
      await new Promise((res) => server.listen(0, '127.0.0.1', res));
      try {
        const port = server.address().port;
        const limitMs = 15000;
        const r = await run(['check', '--connect-to', `mta-sts.endless.test:443:127.0.0.1:${port}`, ...env.args, '--json',
          '--helo', HELO, '--timeout-ms', String(limitMs), 'endless.test']);
        const exitedAt = performance.now();
        const rep = jsonLines(r)[0];
        assert.equal(requests, 1, 'the endless host was not asked');
        assert.ok(codes(rep).includes('policy.fetch.too_large'), show(rep));
        assert.ok(!codes(rep).includes('policy.fetch.timeout'), show(rep));
        assert.ok(r.ms < limitMs / 2, `took ${r.ms.toFixed(0)} ms: the body was read until the time limit`);
        await new Promise((res) => setTimeout(res, 200));
        assert.ok(closedAt > 0 && closedAt - exitedAt < 200, 'the connection was not closed');
      } finally {
        server.closeAllConnections?.();
        await new Promise((res) => server.close(res));
      }
    });

    test("the policy host's bad certificates are each named (policy.fetch.tls)", async () => {
      const r = await check(['bad-policy-cert.test', 'policy-wrong-name.test', 'policy-self-signed.test']);
      const reps = byDomain(r.reports);
      const want = {
        'bad-policy-cert.test': /expired/i,
        'policy-wrong-name.test': /name|mismatch/i,
        'policy-self-signed.test': /self[- ]signed|not trusted|untrusted|trust/i,
      };
      const messages = [];
      for (const [d, re] of Object.entries(want)) {
        const rep = reps[d];
        assert.ok(rep, d);
        assert.equal(rep.grade, 'F', show(rep));
        const f = rep.findings.find((x) => x.code === 'policy.fetch.tls');
        assert.ok(f, `${d}: ${show(rep)}`);
        assert.equal(f.check, 'policy_fetch');
        assert.match(f.message, re, d);
        assert.ok(!codes(rep).includes('policy.fetch.unreachable'), d);
        messages.push(f.message);
      }
      assert.equal(new Set(messages).size, 3, `the three failures read the same: ${messages.join(' | ')}`);
      assert.doesNotMatch(messages[1], /expired/i);
      assert.doesNotMatch(messages[2], /expired/i);
    });
  });

  // -------------------------------------------------------------------------
  test('text output: a grade line and compiler-style findings, no colour when not a terminal', async () => {
    const r = await run(['check', ...env.args, '--helo', HELO, '--timeout-ms', String(STEP_MS), 'mixed.test'],
      { env: { TERM: 'xterm-256color', CLICOLOR_FORCE: '', FORCE_COLOR: '' } });
    assert.equal(r.signal, null);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(!r.stdout.includes('\x1b'), 'ANSI escape in the output');
    assert.match(r.stdout, /mixed\.test/);
    assert.ok(r.stdout.split('\n').some((l) => /grade/i.test(l) && /(^|[^A-Za-z+])C([^A-Za-z+]|$)/.test(l)), `no grade line:\n${r.stdout}`);
    const rep = byDomain(main.reports)['mixed.test'];
    for (const f of rep.findings) {
      const esc = f.code.replace(/\./g, '\\.');
      assert.match(r.stdout, new RegExp(`${f.severity}: .+ \\[${esc}\\]\\s*$`, 'm'), `${f.code} not shown compiler-style:\n${r.stdout}`);
    }
    assert.match(r.stdout, /mx2\.mixed\.test/);
  });

  // -------------------------------------------------------------------------
  test('the resolver out of reach: the text leads with one cause, said once, and no lookup repeats it', async () => {
    const { createServer } = await import('node:net');
    const closed = await new Promise((done) => {
      const srv = createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => done(port)); });
    });
    const args = [];
    for (let i = 0; i < env.args.length; i++) {
      if (env.args[i] === '--resolver') { i++; continue; }
      args.push(env.args[i]);
    }
    const r = await run(['check', ...args, '--resolver', `https://127.0.0.1:${closed}/dns-query`, '--no-smtp', 'good.test']);
    assert.equal(r.status, 3, r.stderr);
    const lead = r.stdout.split('\n').filter((l) => /start here:/.test(l));
    assert.equal(lead.length, 1, r.stdout);
    assert.match(lead[0], /the DNS resolver could not be reached \[dns\.resolver\.failed\]/);
    assert.equal(r.stdout.match(/\[dns\.resolver\.failed\]/g)?.length, 2, `the lead and the finding itself:\n${r.stdout}`);
    assert.doesNotMatch(r.stdout, /dns\.query\.failed/, 'no per-lookup failure');
    assert.match(r.stdout, /Not checked: the DNS resolver could not be reached\./);
    assert.doesNotMatch(r.stdout, /browser|CORS/, r.stdout);
  });

  // -------------------------------------------------------------------------
  test('an internationalised domain typed in Unicode: checked as its A-label form, shown in both forms', async () => {
    const text = await run(['check', ...env.args, '--no-smtp', '--timeout-ms', String(STEP_MS), 'bücher.test']);
    assert.equal(text.signal, null);
    assert.equal(text.status, 0, `${text.stdout}\n${text.stderr}`);
    const lines = text.stdout.split('\n');
    assert.match(lines[0], /^bücher\.test \(xn--bcher-kva\.test\): grade A\b/, text.stdout);
    // The findings' lines start with the A-label form, the name DNS and the records use.
    assert.ok(lines.some((l) => /^\s+xn--bcher-kva\.test: info: .*\[domain\.idn\]$/.test(l)), text.stdout);
    const { reports: [rep] } = await check(['bücher.test'], ['--no-smtp']);
    assert.equal(rep.input, 'bücher.test');
    assert.equal(rep.domain, 'xn--bcher-kva.test', show(rep));
    assert.equal(rep.domain_unicode, 'bücher.test');
    assert.equal(rep.grade, 'A', show(rep));
    assert.equal(rep.policy?.url, 'https://mta-sts.xn--bcher-kva.test/.well-known/mta-sts.txt');
  });

  // -------------------------------------------------------------------------
  test('--dns HOST:PORT: classic DNS over UDP, retried over TCP when truncated', async () => {
    const { startDnsServer } = await import('../support/dns-server.mjs');
    const dns = await startDnsServer({ zone: env.zone });
    try {
      const from = env.world.requests.length;
      const noResolver = [];
      for (let i = 0; i < env.args.length; i++) {
        if (env.args[i] === '--resolver') { i++; continue; }
        noResolver.push(env.args[i]);
      }
      const r = await run(['check', ...noResolver, '--dns', dns.hostPort, '--json', '--helo', HELO, '--timeout-ms', String(STEP_MS),
        'dnsbig.test', 'good.test']);
      const reps = byDomain(jsonLines(r));
      assert.equal(reps['good.test']?.grade, 'A', reps['good.test'] ? show(reps['good.test']) : r.stderr);
      assert.equal(reps['dnsbig.test']?.grade, 'A', reps['dnsbig.test'] ? show(reps['dnsbig.test']) : r.stderr);
      assert.equal(reps['dnsbig.test'].sts.records.length, 5, 'the whole TXT answer (over TCP) was read');
      assert.equal(mxOf(reps['good.test'], 'mx1.good.test').tls?.result, 'ok');
      // (--connect-to ::127.0.0.1:<world> sends every HTTPS connection to the world server, whatever the host.)
      const https = env.world.requests.slice(from).map((q) => q.host);
      for (const h of https) assert.match(h, /^mta-sts\.(good|dnsbig)\.test$/, `an HTTPS request to ${h} despite --dns`);

      const big = dns.queries.filter((q) => q.name.toLowerCase() === '_mta-sts.dnsbig.test' && q.type === 'TXT');
      assert.deepEqual(big.map((q) => [q.transport, q.tc]), [['udp', true], ['tcp', false]], JSON.stringify(dns.queries));
      const asked = new Set(dns.queries.map((q) => `${q.type} ${q.name.toLowerCase()}`));
      for (const q of ['MX good.test', 'TXT _mta-sts.good.test', 'TXT _smtp._tls.good.test', 'A mx1.good.test', 'A mx2.good.test']) {
        assert.ok(asked.has(q), `${q} not asked over classic DNS`);
      }
      const tcpOther = dns.queries.filter((q) => q.transport === 'tcp' && q.name.toLowerCase() !== '_mta-sts.dnsbig.test');
      assert.deepEqual(tcpOther, [], 'only the truncated answer is asked again over TCP');
    } finally {
      await dns.close();
    }
  });
});
