// mailauth 7.1.0's getPolicy() itself, against the same emulated delays as
// our checkDomain (check.mjs starts this file; it prints one JSON object).
//
//   node tools/benchmarks/mailauth-getpolicy.mjs <empty temp dir> <delays, e.g. 0,50,200> <runs>
//
// getPolicy(domain, null, { resolver }) (lib/mta-sts.js) does, one after another:
//   1. resolver('_mta-sts.<domain>', 'TXT'), the policy id;
//   2. resolver('mta-sts.<domain>', 'A'), then 'AAAA' only when there is no A;
//   3. https.request to the first address, port 443 (fixed), SNI and Host
//      mta-sts.<domain>, a fresh connection (agent: false), certificate checked
//      against the system's CAs (rejectUnauthorized: true).
// Its `resolver` option replaces node:dns: here an in-memory zone answering
// after `delay` ms. The HTTPS request cannot be redirected, so a real TLS
// server listens on 127.0.83.1:443 (any loopback address will do; port 443
// needs root) with a certificate for mta-sts.example.com from a throw-away CA
// (tests/e2e/support/pki.mjs), trusted through NODE_EXTRA_CA_CERTS, which
// Node reads only at startup: hence two stages, the first making the PKI and
// starting the second. The server answers `delay` ms after the request
// arrives; the TCP and TLS handshakes on loopback are not delayed (they cost
// mailauth about 2-5 ms, shown by the 0 ms row), so each of the three
// requests is charged one delay, as each of ours is.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(import.meta.url);
const REPO = join(HERE, '..', '..', '..');
const ADDRESS = '127.0.83.1';
const DOMAIN = 'example.com';
const POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n';
const ZONE = {
  '_mta-sts.example.com': { TXT: [['v=STSv1; id=20261128'], ['google-site-verification=abc']] },
  'mta-sts.example.com': { A: [ADDRESS] },
};

const [dir, delayList, runsArg] = process.argv.slice(2);
if (!dir || !delayList || !runsArg) {
  process.stderr.write('usage: node mailauth-getpolicy.mjs <empty temp dir> <delays, e.g. 0,50,200> <runs>\n');
  process.exit(2);
}

if (!process.env.MTASTS_BENCH_STAGE2) {
  // Stage 1: the PKI, then this file again with its CA trusted.
  const { makePki } = await import(pathToFileURL(join(REPO, 'tests', 'e2e', 'support', 'pki.mjs')).href);
  const pki = makePki(dir, [`mta-sts.${DOMAIN}`]);
  const child = spawn(process.execPath, [HERE, dir, delayList, runsArg], {
    stdio: 'inherit',
    env: { ...process.env, MTASTS_BENCH_STAGE2: '1', NODE_EXTRA_CA_CERTS: pki.caFile },
  });
  child.on('close', (code) => process.exit(code ?? 1));
} else {
  await stage2();
}

async function stage2() {
  const require = createRequire(join(REPO, 'package.json'));
  const version = require('mailauth/package.json').version;
  const { getPolicy } = require('mailauth/lib/mta-sts');
  const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

  let delay = 0;
  let log = [];
  let t0 = 0;
  const server = createServer({
    cert: readFileSync(join(dir, 'good.pem')), key: readFileSync(join(dir, 'good.key')),
  }, (req, res) => {
    log.push({ what: `GET https://${req.headers.host}${req.url}`, t: performance.now() - t0 });
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(POLICY)) });
      res.end(POLICY);
    }, delay);
  });
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(443, ADDRESS, resolve);
    });
  } catch (err) {
    process.stderr.write(`cannot listen on ${ADDRESS}:443 (${err.code}); mailauth connects to port 443 only, so this needs root\n`);
    process.exit(3);
  }

  const resolver = async (name, type) => {
    log.push({ what: `${type} ${name}`, t: performance.now() - t0 });
    await sleep(delay);
    const answer = ZONE[name]?.[type];
    if (!answer) throw Object.assign(new Error(`queryNotFound ${name}`), { code: ZONE[name] ? 'ENODATA' : 'ENOTFOUND' });
    return answer;
  };

  const once = async (strict) => {
    log = [];
    t0 = performance.now();
    const r = await getPolicy(DOMAIN, null, { resolver, strict });
    const ms = performance.now() - t0;
    if (r.status !== 'found' || r.policy.mode !== 'enforce') throw new Error(`getPolicy: ${JSON.stringify(r)}`);
    return ms;
  };

  for (let i = 0; i < 5; i += 1) await once(false); // warm up: JIT, TLS session code
  const rows = [];
  let sequence = [];
  for (const d of delayList.split(',').map(Number)) {
    delay = d;
    const lax = [];
    const strict = [];
    for (let i = 0; i < Number(runsArg); i += 1) {
      lax.push(await once(false));
      strict.push(await once(true));
    }
    sequence = log.map((e) => ({ ...e, t: Math.round(e.t) }));
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1];
    rows.push({ delay_ms: d, median_ms: med(lax), max_ms: Math.max(...lax), strict_median_ms: med(strict) });
  }
  server.close();
  process.stdout.write(`${JSON.stringify({ version, address: `${ADDRESS}:443`, rows, sequence })}\n`);
}
