// SMTP servers on loopback for the tests and the benchmark of `mtasts check`
// (its STARTTLS probe of every MX host), built on smtp-server (nodemailer's
// SMTP server library, a devDependency) and, for a server that stalls, on
// node:net. Every server listens on its own 127.0.0.x address, all on the
// same port (the CLI's --smtp-port applies to every MX host).
//
//   import { makePki } from '../e2e/support/pki.mjs';
//   import { startSmtpServers } from '../support/smtp-servers.mjs';
//   const smtp = await startSmtpServers({
//     pki,                          // makePki(dir, names): names must hold the MX host names
//     port,                         // default: 25 when root, else one free port for all; 0: a free one
//     delayMs: 0,                   // added before every reply (the greeting, each command's reply)
//     servers: [
//       { address: '127.0.0.11', behaviour: 'good', name: 'mx1.good.test' },
//       { address: '127.0.0.12', behaviour: 'expired' },
//     ],
//   });
//   smtp.port                       // the port every server listens on
//   smtp.servers                    // [{ address, behaviour, name, sessions, commands, errors }]
//   smtp.server('127.0.0.11')       // one of them, by address
//   smtp.commands('127.0.0.11')     // ['EHLO probe.test', 'STARTTLS', 'EHLO probe.test', 'QUIT'] (every session)
//   smtp.allCommands()              // [{ address, session, line, secure }] (every server, in arrival order)
//   smtp.reset()                    // forgets what was recorded (sessions, commands, errors)
//   await smtp.close()              // stops every server and drops every connection
//
// Behaviours (each server one of them):
//   good         STARTTLS with the pki's good leaf (signed by its CA, SANs = the pki's names)
//   expired      STARTTLS with the expired leaf (valid 2020-01-01 .. 2020-02-01)
//   wrong-name   STARTTLS with the wrong-name leaf (SAN wrong-name.invalid only)
//   self-signed  STARTTLS with the self-signed leaf
//   no-starttls  no STARTTLS in the EHLO reply (smtp-server's hideSTARTTLS; the command is refused too)
//   tls10        STARTTLS, but TLS 1.0 only (minVersion = maxVersion = 'TLSv1',
//                ciphers 'DEFAULT@SECLEVEL=0', the good leaf): a client that
//                requires TLS 1.2 (RFC 8461 §7.2) fails the handshake.
//                `openssl s_client -starttls smtp -tls1 -cipher DEFAULT@SECLEVEL=0`
//                negotiates TLSv1 with it (checked with Node 20 / OpenSSL 3.0).
//   stall        a raw node:net server: the 220 banner, then nothing ever again
//                (whatever the client sends is recorded and left unanswered)
// A server may also bring its own leaf, `cert: { cert, key }` (PEM), in
// place of its behaviour's: e.g. makeLeaf(pki, names, { days: 5 }), a leaf
// of the pki's CA that expires in 5 days.
//
// What is recorded, per server: `sessions` (one per TCP connection: { id,
// remote, commands: [lines], secure: { protocol, cipher, standardName,
// servername } | null, closed }), `commands` (every command line of every
// session, in order), and `errors` (TLS handshake failures and socket
// errors the server saw, as text). The command lines are as received (a
// test asserts that nothing but EHLO, STARTTLS, EHLO, QUIT was sent: no MAIL
// FROM).
//
// Nothing here resolves names (smtp-server's reverse lookup is off) or
// connects anywhere: the servers only listen on the addresses given, which
// must be loopback (127.0.0.0/8).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export const BEHAVIOURS = Object.freeze(['good', 'expired', 'wrong-name', 'self-signed', 'no-starttls', 'tls10', 'stall']);
const CERT_OF = { good: 'good', expired: 'expired', 'wrong-name': 'wrongName', 'self-signed': 'selfSigned', 'no-starttls': 'good', tls10: 'good' };

const isLoopback = (a) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) && a.split('.').every((p) => Number(p) <= 255);
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A leaf signed by the pki's CA (ECDSA P-256), valid from now for `days`
 * days, with exactly `names` as its DNS SANs; written to the pki's folder as
 * `<file>.pem` / `.key`. The same openssl CLI as pki.mjs.
 * @returns {{ cert: string, key: string, certFile: string, keyFile: string }}
 */
export function makeLeaf(pki, names, { days = 5, file = `leaf-${days}d` } = {}) {
  const f = (n) => path.join(pki.dir, n);
  const ssl = (...args) => execFileSync('openssl', args, { cwd: pki.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(f(`${file}.cnf`), [
    '[ req ]', 'distinguished_name = dn', 'prompt = no', '[ dn ]', `CN = ${names[0]}`,
    '[ ext ]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
    `subjectAltName = ${names.map((n) => `DNS:${n}`).join(', ')}`, '',
  ].join('\n'));
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(`${file}.key`));
  ssl('req', '-config', f(`${file}.cnf`), '-new', '-key', f(`${file}.key`), '-out', f(`${file}.csr`));
  ssl('x509', '-req', '-in', f(`${file}.csr`), '-CA', pki.caFile, '-CAkey', f('ca.key'), '-set_serial', String(5000 + days),
    '-days', String(days), '-sha256', '-extfile', f(`${file}.cnf`), '-extensions', 'ext', '-out', f(`${file}.pem`));
  return { cert: readFileSync(f(`${file}.pem`), 'utf8'), key: readFileSync(f(`${file}.key`), 'utf8'),
    certFile: f(`${file}.pem`), keyFile: f(`${file}.key`) };
}

/** A record of one server, shared by both kinds. */
function recordOf(address, behaviour, name) {
  return { address, behaviour, name, sessions: [], commands: [], errors: [] };
}

/**
 * smtp-server with the two hooks this module needs: each connection's
 * commands recorded (and delayed), and the greeting delayed. The hooks use
 * SMTPServer.connect() and SMTPConnection._onCommand(), pinned with
 * smtp-server 3.21.6 in package.json.
 */
class RecordingServer extends SMTPServer {
  constructor(options, rec, delayMs, log) {
    super(options);
    this.rec = rec;
    this.delayMs = delayMs;
    this.log = log;
  }

  connect(socket, socketOptions) {
    super.connect(socket, socketOptions);
    const connection = [...this.connections].pop();
    if (!connection || connection.__mtastsHooked) return;
    connection.__mtastsHooked = true;
    const session = { id: connection.id, remote: socket.remoteAddress, commands: [], secure: null, closed: false };
    connection.__mtastsSession = session;
    this.rec.sessions.push(session);
    socket.once('close', () => { session.closed = true; });
    const original = connection._onCommand.bind(connection);
    connection._onCommand = (command, callback) => {
      const line = Buffer.isBuffer(command) ? command.toString('latin1') : String(command ?? '');
      session.commands.push(line);
      this.rec.commands.push(line);
      this.log.push({ address: this.rec.address, session: session.id, line, secure: !!connection.secure });
      if (this.delayMs > 0) {
        const t = setTimeout(() => original(command, callback), this.delayMs);
        t.unref?.();
      } else {
        original(command, callback);
      }
    };
  }
}

function listenOn(server, port, address) {
  return new Promise((resolve, reject) => {
    const onError = (e) => { server.off('listening', onListening); reject(e); };
    const onListening = () => { server.off('error', onError); resolve(server.address().port); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, address);
  });
}

function closeNet(server) {
  return new Promise((resolve) => {
    if (!server.listening) { resolve(undefined); return; }
    server.close(() => resolve(undefined));
  });
}

/**
 * @param {{ pki: ReturnType<typeof import('../e2e/support/pki.mjs').makePki>,
 *           servers: { address: string, behaviour: string, name?: string }[],
 *           port?: number, delayMs?: number }} options
 */
export async function startSmtpServers({ pki, servers, port, delayMs = 0 }) {
  if (!pki?.certs?.good) throw new TypeError('startSmtpServers: pki (from makePki) is required');
  if (!Array.isArray(servers)) throw new TypeError('startSmtpServers: servers must be an array');
  const seen = new Set();
  for (const s of servers) {
    if (!isLoopback(s.address)) throw new TypeError(`startSmtpServers: not a loopback IPv4 address: ${s.address}`);
    if (!BEHAVIOURS.includes(s.behaviour)) throw new TypeError(`startSmtpServers: unknown behaviour ${s.behaviour}`);
    if (seen.has(s.address)) throw new TypeError(`startSmtpServers: ${s.address} given twice`);
    seen.add(s.address);
  }
  const wanted = port ?? (process.getuid?.() === 0 ? 25 : 0);
  /** Every command of every server, in arrival order. */
  const log = [];
  const sockets = new Set();

  const build = () => servers.map((s) => {
    const name = s.name ?? `smtp-${s.behaviour}.test`;
    const rec = recordOf(s.address, s.behaviour, name);
    if (s.behaviour === 'stall') {
      const server = net.createServer((socket) => {
        sockets.add(socket);
        const session = { id: `stall-${rec.sessions.length + 1}`, remote: socket.remoteAddress, commands: [], secure: null, closed: false };
        rec.sessions.push(session);
        socket.on('error', (e) => rec.errors.push(String(e.message)));
        socket.on('close', () => { session.closed = true; sockets.delete(socket); });
        let buffered = '';
        socket.setEncoding('latin1');
        socket.on('data', (d) => {
          buffered += d;
          let i;
          while ((i = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, i).replace(/\r$/, '');
            buffered = buffered.slice(i + 1);
            session.commands.push(line);
            rec.commands.push(line);
            log.push({ address: rec.address, session: session.id, line, secure: false });
          }
          if (buffered.length > 65536) buffered = '';
        });
        const greet = () => { if (!socket.destroyed) socket.write(`220 ${name} ESMTP stalls after this line\r\n`); };
        if (delayMs > 0) setTimeout(greet, delayMs); else greet();
      });
      return { rec, kind: 'net', server, listenTarget: server };
    }
    const cert = s.cert ?? pki.certs[CERT_OF[s.behaviour]];
    /** @type {Record<string, any>} */
    const options = {
      name,
      banner: `mtasts test server (${s.behaviour})`,
      key: cert.key,
      cert: cert.cert,
      logger: false,
      disableReverseLookup: true,
      hideSTARTTLS: s.behaviour === 'no-starttls',
      // hideSTARTTLS only leaves it out of the EHLO reply; the command itself is refused too.
      disabledCommands: s.behaviour === 'no-starttls' ? ['STARTTLS', 'AUTH'] : ['AUTH'],
      authOptional: true,
      closeTimeout: 200,
      socketTimeout: 60 * 1000,
      // A probe sends no mail; a client that tries anyway is refused (and recorded).
      onMailFrom(_address, _session, cb) { cb(Object.assign(new Error('this test server accepts no mail'), { responseCode: 550 })); },
      onConnect(_session, cb) { if (delayMs > 0) setTimeout(() => cb(), delayMs); else cb(); },
      onSecure(socket, session, cb) {
        const c = socket.getCipher?.() ?? {};
        const entry = rec.sessions.find((x) => x.id === session.id) ?? rec.sessions[rec.sessions.length - 1];
        if (entry) {
          entry.secure = { protocol: socket.getProtocol?.() ?? null, cipher: c.name ?? null, standardName: c.standardName ?? null,
            servername: socket.servername || null };
        }
        cb();
      },
    };
    if (s.behaviour === 'tls10') Object.assign(options, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    else Object.assign(options, { minVersion: 'TLSv1.2' });
    const server = new RecordingServer(options, rec, delayMs, log);
    server.on('error', (e) => rec.errors.push(String(e?.message ?? e)));
    server.server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return { rec, kind: 'smtp', server, listenTarget: server.server };
  });

  let entries = [];
  let chosen = wanted;
  if (servers.length === 0 && wanted === 0) {
    // Nothing to listen on: still a port nothing listens on, for the CLI's --smtp-port.
    const probe = net.createServer();
    chosen = await listenOn(probe, 0, '127.0.0.1');
    await closeNet(probe);
  }
  const closeAll = async (list) => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await Promise.all(list.map((e) => closeNet(e.listenTarget)));
  };
  for (let attempt = 0; servers.length > 0; attempt++) {
    entries = build();
    try {
      let p = wanted;
      for (const e of entries) {
        p = await listenOn(e.listenTarget, p, e.rec.address); // the first free port, then the same for all
      }
      chosen = p;
      break;
    } catch (err) {
      await closeAll(entries);
      if (wanted !== 0 || err?.code !== 'EADDRINUSE' || attempt >= 20) throw err;
      await wait(10);
    }
  }

  const recs = entries.map((e) => e.rec);
  let closed = false;
  return {
    port: chosen,
    delayMs,
    servers: recs,
    server(address) { return recs.find((r) => r.address === address); },
    commands(address) { return recs.find((r) => r.address === address)?.commands ?? []; },
    allCommands() { return [...log]; },
    reset() {
      log.length = 0;
      for (const r of recs) { r.sessions.length = 0; r.commands.length = 0; r.errors.length = 0; }
    },
    /** Stops every server and drops every connection. */
    async close() {
      if (closed) return;
      closed = true;
      const done = Promise.all(entries.map((e) => new Promise((resolve) => {
        if (e.kind === 'smtp') e.server.close(() => resolve(undefined));
        else closeNet(e.server).then(resolve);
      })));
      for (const e of entries) {
        if (e.kind === 'smtp') for (const c of e.server.connections) { try { c._socket?.destroy(); } catch { /* gone */ } }
      }
      for (const s of sockets) s.destroy();
      sockets.clear();
      await done;
    },
  };
}
