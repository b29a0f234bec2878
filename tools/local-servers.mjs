#!/usr/bin/env node
// A small live world on loopback for `mtasts check`: the DNS-over-HTTPS
// resolver and the policy hosts of tests/e2e/support/world.mjs (one HTTPS
// server on 127.0.0.1) and SMTP servers (tests/support/smtp-servers.mjs), one
// per MX host on its own 127.0.0.x address, with a fresh throw-away CA
// (tests/e2e/support/pki.mjs) in a temporary folder. Nothing leaves the
// machine: every name is under .test and every address is loopback.
//
//   ./tools/local-servers [--smtp-port N] [--delay-ms N] [--out DIR]
//
// It prints the exact options that point the CLI at it, writes them to
// build/local-servers/options (one line, for `$(cat ...)`), writes the demo
// domains to build/local-servers/domains.txt (for --from), then waits until
// Ctrl-C, which stops everything and removes the CA and both files.
//
//   --smtp-port N  the port of every SMTP server (default 25 when root, else a free one)
//   --delay-ms N   add N ms to every answer: DoH, the policy hosts, each SMTP reply
//   --out DIR      where the two files go (default build/local-servers)
//
// The demo zone (DEMO_DOMAINS below; the grades are what docs/GRADING.md and
// the live check's rubric give):
//   good.test             enforce, two MX with valid certificates, TLS-RPT    A
//   testing.test          testing mode; its MX presents an expired cert       B
//   expired-mx.test       enforce; its only MX presents an expired cert       F
//   mixed.test            enforce; mx1 good, mx2 a certificate for another name  C
//   no-starttls.test      enforce; its MX offers no STARTTLS                  F
//   self-signed.test      enforce; its MX presents a self-signed cert         F
//   tls10.test            enforce; its MX speaks TLS 1.0 only                 F
//   stall.test            enforce; its MX sends the banner, then nothing      F (a timeout at EHLO)
//   bad-policy-cert.test  enforce; the policy host's certificate expired     F (policy.fetch.tls)
//
// As a module (the tests and the benchmark build on it):
//   import { startLocalServers, mailDomain, DEMO_DOMAINS } from '../../tools/local-servers.mjs';
//   const env = await startLocalServers({ smtpPort: 0, extra: [mailDomain('x.test', {...})] });
//   env.args       // ['--resolver', 'https://doh.test/dns-query', '--connect-to', '::127.0.0.1:PORT', '--ca-file', CA, '--smtp-port', PORT]
//   env.world, env.smtp, env.pki, env.zone, env.hosts
//   await env.close()
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePki } from '../tests/e2e/support/pki.mjs';
import { startWorld, RESOLVER_URL, RESOLVER_HOST } from '../tests/e2e/support/world.mjs';
import { startSmtpServers } from '../tests/support/smtp-servers.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Stands in a zone's TLSA data for the SHA-256 of the good leaf's key, known once the pki is made. */
const GOOD_SPKI_SHA256 = 'GOOD_SPKI_SHA256';

/**
 * One mail domain of the world: its zone (MX, the MX hosts' A records,
 * _mta-sts, _smtp._tls, mta-sts.<d>), its policy host and its SMTP servers.
 *
 * @param {string} domain
 * @param {{ mode?: 'enforce'|'testing'|'none', maxAge?: number, tlsrpt?: boolean, id?: string,
 *   mx: { host: string, address: string, behaviour?: string|null, pref?: number, dane?: boolean,
 *         cert?: (pki: any) => { cert: string, key: string } }[],
 *   ad?: boolean, policyHost?: Record<string, any>, policyBody?: string, zone?: Record<string, any>, note?: string }} spec
 *   behaviour: one of smtp-servers.mjs's BEHAVIOURS, or null for an address where nothing listens.
 *   dane: a TLSA record 3 1 1 of the good leaf's key at _25._tcp.<host> (AD set);
 *   ad: every name of the domain answered with the AD bit (DNSSEC-validated).
 *   cert: the server's own leaf, made once the pki exists (smtp-servers.mjs's makeLeaf).
 *   policyHost: world.mjs host options merged into the policy host's (cert, redirect, size, ...).
 *   zone: more zone entries (merged over the generated ones, name by name).
 */
export function mailDomain(domain, spec) {
  const { mode = 'enforce', maxAge = 604800, tlsrpt = true, id = '20240101T000000', mx, policyHost = {}, zone = {}, note = '' } = spec;
  const z = {
    [domain]: { MX: mx.map((m, i) => [m.pref ?? 10 * (i + 1), m.host]) },
    [`_mta-sts.${domain}`]: { TXT: [[`v=STSv1; id=${id}`]] },
    [`mta-sts.${domain}`]: { A: ['127.0.0.1'] },
  };
  if (tlsrpt) z[`_smtp._tls.${domain}`] = { TXT: [[`v=TLSRPTv1; rua=mailto:tlsrpt@${domain}`]] };
  for (const m of mx) z[m.host] = { A: [m.address] };
  for (const m of mx) if (m.dane) z[`_25._tcp.${m.host}`] = { TLSA: [[3, 1, 1, GOOD_SPKI_SHA256]], AD: true };
  if (spec.ad) for (const v of Object.values(z)) v.AD = true;
  for (const [k, v] of Object.entries(zone)) z[k] = { ...(z[k] ?? {}), ...v };
  const body = spec.policyBody ?? `version: STSv1\nmode: ${mode}\n${mx.map((m) => `mx: ${m.host}\n`).join('')}max_age: ${maxAge}\n`;
  return {
    domain,
    note,
    zone: z,
    hosts: { [`mta-sts.${domain}`]: { status: 200, contentType: 'text/plain', body, ...policyHost } },
    smtp: mx.filter((m) => m.behaviour).map((m) => ({ address: m.address, behaviour: m.behaviour, name: m.host, cert: m.cert })),
    names: [`mta-sts.${domain}`, ...mx.map((m) => m.host)],
  };
}

/** The demo zone, each MX host on its own 127.0.0.x address. */
export const DEMO_DOMAINS = Object.freeze([
  mailDomain('good.test', {
    note: 'enforce, two MX with valid certificates, TLS-RPT: A',
    mx: [{ host: 'mx1.good.test', address: '127.0.0.11', behaviour: 'good' }, { host: 'mx2.good.test', address: '127.0.0.12', behaviour: 'good' }],
  }),
  mailDomain('testing.test', {
    note: 'testing mode, its MX presents an expired certificate: B',
    mode: 'testing',
    mx: [{ host: 'mx1.testing.test', address: '127.0.0.13', behaviour: 'expired' }],
  }),
  mailDomain('expired-mx.test', {
    note: 'enforce, its only MX presents an expired certificate: F',
    mx: [{ host: 'mx1.expired-mx.test', address: '127.0.0.14', behaviour: 'expired' }],
  }),
  mailDomain('mixed.test', {
    note: 'enforce, mx1 good, mx2 a certificate for another name: C',
    mx: [{ host: 'mx1.mixed.test', address: '127.0.0.15', behaviour: 'good' }, { host: 'mx2.mixed.test', address: '127.0.0.16', behaviour: 'wrong-name' }],
  }),
  mailDomain('no-starttls.test', {
    note: 'enforce, its MX offers no STARTTLS: F',
    mx: [{ host: 'mx1.no-starttls.test', address: '127.0.0.17', behaviour: 'no-starttls' }],
  }),
  mailDomain('self-signed.test', {
    note: 'enforce, its MX presents a self-signed certificate: F',
    mx: [{ host: 'mx1.self-signed.test', address: '127.0.0.18', behaviour: 'self-signed' }],
  }),
  mailDomain('tls10.test', {
    note: 'enforce, its MX speaks TLS 1.0 only: F',
    mx: [{ host: 'mx1.tls10.test', address: '127.0.0.19', behaviour: 'tls10' }],
  }),
  mailDomain('stall.test', {
    note: 'enforce, its MX sends the banner and then nothing: a timeout at EHLO, F',
    mx: [{ host: 'mx1.stall.test', address: '127.0.0.20', behaviour: 'stall' }],
  }),
  mailDomain('bad-policy-cert.test', {
    note: "enforce, the policy host's certificate expired: F (policy.fetch.tls)",
    mx: [{ host: 'mx1.bad-policy-cert.test', address: '127.0.0.21', behaviour: 'good' }],
    policyHost: { cert: 'expired' },
  }),
]);

/**
 * Starts the world and the SMTP servers for the demo domains (and `extra`
 * ones), with a fresh CA in a temporary folder.
 *
 * @param {{ domains?: ReturnType<typeof mailDomain>[], extra?: ReturnType<typeof mailDomain>[],
 *   extraZone?: Record<string, any>, extraHosts?: Record<string, any>, extraNames?: string[],
 *   smtpPort?: number, delayMs?: number, dir?: string }} [options]
 *   extraZone, extraHosts: plain world entries (no SMTP server), e.g. a name that hangs.
 */
export async function startLocalServers({
  domains = DEMO_DOMAINS, extra = [], extraZone = {}, extraHosts = {}, extraNames = [], smtpPort, delayMs = 0, dir,
} = {}) {
  const all = [...domains, ...extra];
  const zone = {};
  const hosts = {};
  const smtpServers = [];
  const names = new Set([RESOLVER_HOST]);
  const byAddress = new Map();
  for (const d of all) {
    for (const [k, v] of Object.entries(d.zone)) zone[k] = { ...v };
    for (const [k, v] of Object.entries(d.hosts)) hosts[k] = { ...v };
    for (const n of d.names) names.add(n);
    for (const s of d.smtp) {
      const prev = byAddress.get(s.address);
      if (prev && prev.behaviour !== s.behaviour) throw new Error(`local-servers: ${s.address} is both ${prev.behaviour} and ${s.behaviour}`);
      if (!prev) { byAddress.set(s.address, s); smtpServers.push({ ...s }); }
    }
  }
  for (const [k, v] of Object.entries(extraZone)) zone[k] = { ...v };
  for (const [k, v] of Object.entries(extraHosts)) hosts[k] = { ...v };
  for (const n of extraNames) names.add(n);
  for (const h of Object.keys(extraHosts)) names.add(h);
  if (delayMs > 0) for (const h of Object.values(hosts)) if (h.delayMs === undefined) h.delayMs = delayMs;

  const ownDir = !dir;
  const work = dir ?? mkdtempSync(join(tmpdir(), 'mtasts-local-'));
  let world = null;
  let smtp = null;
  try {
    const pki = makePki(join(work, 'pki'), [...names]);
    const spkiHex = Buffer.from(pki.goodSpki, 'base64').toString('hex');
    for (const v of Object.values(zone)) {
      if (v.TLSA) v.TLSA = v.TLSA.map((r) => (r[3] === GOOD_SPKI_SHA256 ? [r[0], r[1], r[2], spkiHex] : r));
    }
    for (const s of smtpServers) if (typeof s.cert === 'function') s.cert = s.cert(pki);
    world = await startWorld({ zone, hosts, pki, everyQuery: delayMs > 0 ? { delayMs } : undefined });
    smtp = await startSmtpServers({ pki, servers: smtpServers, port: smtpPort, delayMs });
    const args = ['--resolver', RESOLVER_URL, '--connect-to', `::127.0.0.1:${world.port}`, '--ca-file', pki.caFile,
      '--smtp-port', String(smtp.port)];
    let closed = false;
    return {
      dir: work, pki, world, smtp, zone, hosts, domains: all, args,
      /** The options as one shell line (the paths have no spaces: a temp dir). */
      optionsText: args.join(' '),
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all([world.close(), smtp.close()]);
        if (ownDir) rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.all([world?.close(), smtp?.close()]);
    if (ownDir) rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

// ---------------------------------------------------------------------------
// As a program

async function main(argv) {
  const usage = 'usage: ./tools/local-servers [--smtp-port N] [--delay-ms N] [--out DIR]\n';
  const opts = { smtpPort: undefined, delayMs: 0, out: join(REPO, 'build', 'local-servers') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(smtp-port|delay-ms|out)(?:=(.*))?$/.exec(a);
    if (a === '--help' || a === '-h') { process.stdout.write(usage); return 0; }
    if (!m) { process.stderr.write(`local-servers: unknown argument ${a}\n${usage}`); return 2; }
    const v = m[2] ?? argv[++i];
    if (v === undefined) { process.stderr.write(`local-servers: ${a} needs a value\n${usage}`); return 2; }
    if (m[1] === 'out') { opts.out = resolve(v); continue; }
    if (!/^\d+$/.test(v) || (m[1] === 'smtp-port' && Number(v) > 65535)) {
      process.stderr.write(`local-servers: ${a} takes a number\n${usage}`);
      return 2;
    }
    if (m[1] === 'smtp-port') opts.smtpPort = Number(v); else opts.delayMs = Number(v);
  }
  let env;
  try {
    env = await startLocalServers({ smtpPort: opts.smtpPort, delayMs: opts.delayMs });
  } catch (e) {
    const hint = e?.code === 'EADDRINUSE' ? ` (a port is taken; try --smtp-port 0 for a free one)` : '';
    process.stderr.write(`local-servers: ${e?.message ?? e}${hint}\n`);
    return 1;
  }
  mkdirSync(opts.out, { recursive: true });
  const optionsFile = join(opts.out, 'options');
  const domainsFile = join(opts.out, 'domains.txt');
  writeFileSync(optionsFile, `${env.optionsText}\n`);
  writeFileSync(domainsFile, [
    '# The demo domains of ./tools/local-servers, one per line (mtasts check --from FILE)',
    ...DEMO_DOMAINS.flatMap((d) => [`# ${d.note}`, d.domain]),
  ].join('\n') + '\n');

  const rel = (p) => (p.startsWith(`${REPO}/`) ? p.slice(REPO.length + 1) : p);
  const say = (s = '') => process.stdout.write(`${s}\n`);
  say(`DoH resolver and policy hosts: https://127.0.0.1:${env.world.port} (every *.test name; certificates from a throw-away CA)`);
  say(`SMTP servers on port ${env.smtp.port}${opts.delayMs ? `, every answer delayed ${opts.delayMs} ms` : ''}:`);
  for (const s of env.smtp.servers) say(`  ${s.address.padEnd(11)} ${s.name.padEnd(26)} ${s.behaviour}`);
  say('domains:');
  for (const d of DEMO_DOMAINS) say(`  ${d.domain.padEnd(21)} ${d.note}`);
  say('');
  say(`CLI options (also in ${rel(optionsFile)}; the domains in ${rel(domainsFile)}):`);
  say(`  ${env.optionsText}`);
  say('');
  say('for example:');
  say(`  build/native/tools/mtasts check $(cat ${rel(optionsFile)}) good.test`);
  say(`  build/native/tools/mtasts check $(cat ${rel(optionsFile)}) --json --from ${rel(domainsFile)}`);
  say('');
  say('Ctrl-C stops the servers.');

  await new Promise((res) => {
    process.once('SIGINT', res);
    process.once('SIGTERM', res);
  });
  process.stdout.write('\nstopping\n');
  rmSync(optionsFile, { force: true });
  rmSync(domainsFile, { force: true });
  await env.close();
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`local-servers: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
