// A classic DNS server (RFC 1035: UDP, and TCP with its two-byte length
// prefix) on loopback, answering from a fake-net zone with fake-net's own
// resolve() and buildResponse(), so that `mtasts check --dns HOST:PORT`
// sees the same answers as through the DoH world (tests/e2e/support/world.mjs).
//
//   import { startDnsServer } from '../support/dns-server.mjs';
//   const dns = await startDnsServer({ zone });   // 127.0.0.1, one free port for UDP and TCP
//   dns.address, dns.port, dns.hostPort            // '127.0.0.1:53535' for --dns
//   dns.queries   // [{ transport: 'udp'|'tcp', name, type: 'TXT', id, bytes, tc, rcode }] in arrival order
//   dns.update({ zone })                           // another zone (queries kept)
//   await dns.close()
//
// A UDP answer longer than `udpLimit` bytes (512, RFC 1035 §4.2.1, whatever
// the query's EDNS buffer size says) is replaced by the header and question
// with TC set and no records, so a client must ask again over TCP (RFC 7766
// §5). Over TCP the whole answer is sent. Of fake-net's per-name overrides
// this plays rcode (via resolve()), AD, ttl, CNAME chains, delayMs and hang
// (no answer at all); the DoH-only ones (http, garbage, ...) are ignored.
import dgram from 'node:dgram';
import net from 'node:net';
import { resolve, buildResponse, parseQuery, TYPE, TYPE_NAME } from './fake-net.mjs';

function normName(name) {
  let n = String(name).toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

function overrideApplies(entry, type) {
  if (!entry) return false;
  return !entry.only || entry.only.some((t) => (typeof t === 'string' ? TYPE[t] : t) === type);
}

/**
 * @param {{ zone?: Record<string, any>, followCname?: boolean, udpLimit?: number, address?: string, port?: number }} [options]
 */
export async function startDnsServer({ zone = {}, followCname = true, udpLimit = 512, address = '127.0.0.1', port = 0 } = {}) {
  let current = {};
  const setZone = (z) => {
    current = {};
    for (const [k, v] of Object.entries(z ?? {})) current[normName(k)] = v;
  };
  setZone(zone);
  /** @type {any[]} */
  const queries = [];
  const timers = new Set();
  const sockets = new Set();

  /** The answer to `msg` (bytes), or null when the zone says not to answer; calls back after any delay. */
  function answer(msg, transport, reply) {
    let q;
    try { q = parseQuery(new Uint8Array(msg)); } catch { return; } // not a query: no answer
    const record = { transport, name: q.name, type: TYPE_NAME[q.type] ?? q.type, id: q.id, bytes: 0, tc: false, rcode: null };
    queries.push(record);
    const entry = current[normName(q.name)];
    const ov = overrideApplies(entry, q.type) ? entry : {};
    if (ov.hang) return;
    const send = () => {
      const r = resolve(current, q.name, q.type, { followCname });
      let out = buildResponse({
        id: q.id, rd: q.rd, opcode: q.opcode, qname: q.name, qtype: q.type, qclass: q.qclass,
        rcode: r.rcode, ad: r.ad && r.rcode === 0, answers: r.answers,
      });
      if (transport === 'udp' && out.length > udpLimit) {
        out = buildResponse({ id: q.id, rd: q.rd, opcode: q.opcode, qname: q.name, qtype: q.type, qclass: q.qclass,
          rcode: r.rcode, tc: true, answers: [] });
        record.tc = true;
      }
      record.rcode = r.rcode;
      record.bytes = out.length;
      reply(Buffer.from(out));
    };
    if (ov.delayMs) {
      const t = setTimeout(() => { timers.delete(t); send(); }, ov.delayMs);
      timers.add(t);
    } else send();
  }

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        answer(msg, 'tcp', (out) => {
          if (socket.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(out.length);
          socket.write(Buffer.concat([head, out]));
        });
      }
    });
  });

  let udp;
  let chosen = port;
  for (let attempt = 0; ; attempt++) {
    await new Promise((res, rej) => {
      tcp.once('error', rej);
      tcp.listen(port, address, () => { tcp.off('error', rej); res(undefined); });
    });
    chosen = /** @type {net.AddressInfo} */ (tcp.address()).port;
    udp = dgram.createSocket('udp4');
    try {
      await new Promise((res, rej) => {
        udp.once('error', rej);
        udp.bind(chosen, address, () => { udp.off('error', rej); res(undefined); });
      });
      break;
    } catch (e) {
      udp.close();
      await new Promise((res) => tcp.close(() => res(undefined)));
      if (port !== 0 || e?.code !== 'EADDRINUSE' || attempt >= 20) throw e;
    }
  }
  udp.on('message', (msg, rinfo) => {
    answer(msg, 'udp', (out) => { try { udp.send(out, rinfo.port, rinfo.address); } catch { /* closed */ } });
  });
  udp.on('error', () => {});

  let closed = false;
  return {
    address,
    port: chosen,
    hostPort: `${address}:${chosen}`,
    queries,
    update({ zone: z }) { setZone(z); },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise((res) => tcp.close(() => res(undefined))),
        new Promise((res) => udp.close(() => res(undefined))),
      ]);
    },
  };
}
