// A fake network for tests and timing scripts: a DNS-over-HTTPS resolver
// (RFC 8484 GET, RFC 1035 wire format) and MTA-STS policy web hosts, behind
// one fetch()-compatible function that behaves like Chromium's fetch.
//
// Independent of node:test, so tools/ scripts can use it too. Plain ES
// module, no dependencies; needs Node 20 (Response, Headers, ReadableStream,
// AbortSignal, performance).
//
//   import { makeNet } from '../support/fake-net.mjs';
//   const net = makeNet({
//     zone: {
//       'example.com': { MX: [[10, 'mx1.example.com']], AD: true },
//       '_mta-sts.example.com': { TXT: [['v=STSv1; id=1']] },
//       'alias.example.com': { CNAME: 'target.example.net' },
//       'broken.example.com': { rcode: 'SERVFAIL' },
//     },
//     hosts: {
//       'https://mta-sts.example.com/.well-known/mta-sts.txt':
//         { body: 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n' },
//     },
//   });
//   await checkDomain('example.com', { fetch: net.fetch });
//   net.calls  // [{ url, init, t, kind: 'dns'|'host'|'stray', q?, end?, outcome? }]
//
// DNS zone entries (names are matched case-insensitively, without a trailing dot):
//   A: ['192.0.2.1'], AAAA: ['2001:db8::1'], CNAME: 'target.example.net',
//   MX: [[10, 'mx1.example.com']] (null MX: [[0, '.']]),
//   TXT: [['v=STSv1; ', 'id=1'], 'a single string record'] (a record is an
//        array of character-strings, each ≤ 255 bytes, as strings or
//        Uint8Array; a plain string record is split into 255-byte pieces),
//   TLSA: [[3, 1, 1, 'abcdef…hex']],
//   AD: true (the AD bit; along a CNAME chain the answer's AD is the AND),
//   ttl: 300.
// Per-name overrides (apply to every type asked at that name, or only to the
// types in `only: ['TXT']`):
//   rcode: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | number,
//   http: 500 (the resolver answers that HTTP status with a text body),
//   garbage: Uint8Array (sent as the application/dns-message body),
//   wrongId: true (answer carries another ID), wrongQuestion: true (echoes
//   another name), tc: true (TC bit), hang: true (never answers; honours
//   abort), delayMs: n (this name answers later), stopCname: true (CNAME
//   answers at this name stop at the first link), ede: [infoCode, 'text']
//   (an OPT record with that Extended DNS Error, RFC 8914 §2).
// Fault injection (per name or everyQuery, like the overrides above):
//   httpType / httpBody / httpHeaders: with `http`, the Content-Type (default
//   'text/plain'), body and extra headers of that answer (e.g. http: 429,
//   httpHeaders: { 'retry-after': '120' }; http: 200, httpType: 'text/html'),
//   networkError: true (fetch rejects TypeError('Failed to fetch')),
//   ignoreAbort: true (with hang: the promise never settles, even on abort),
//   truncate: n (only the first n bytes of the answer; n < 0 drops -n bytes),
//   padTo: n (zero bytes appended up to n bytes: an answer past 65,535 bytes),
//   bodyError: n (the body stream errors with TypeError('network error')
//   after n bytes), respond: ({ q, query, signal, message }) => Response
//   (any answer; `message` builds the zone's answer as bytes).
// Every call whose response has a body records what was read of it in
// `call.stream`: { pulled (bytes handed to the reader), chunks, cancelled,
// errored, closed }.
// A name absent from the zone answers NXDOMAIN; a present name without the
// asked type answers NOERROR with no answer (NODATA). CNAMEs are followed
// inside the zone and all links plus the final records are returned, unless
// makeNet({ followCname: false }) or the name's stopCname. A loop is returned
// as the chain up to and including the link that closes it. A chain whose
// target is absent ends in NXDOMAIN (RFC 6604: RCODE of the last name).
//
// Hosts (keys: exact URLs, or a prefix ending in '*'):
//   status (200), contentType ('text/plain'; null = no header), body
//   (string | Uint8Array), cors (true), tls: 'fail', redirect: { status: 301,
//   location }, neverEnds: true (a chunk every chunkMs (50) forever), size: N
//   (body padded with 'a' to N bytes), delayMs, chunkSize (16384),
//   headers: {extra}, bodyError: n (the body errors after n bytes, like a
//   connection reset), hang: true (never answers; honours abort; with
//   ignoreAbort: true it ignores abort too).
// Chromium emulation: mode 'cors' (the default) to a host without CORS
// rejects TypeError('Failed to fetch'); mode 'no-cors' resolves to an opaque
// response (only with redirect 'follow'; other redirect modes reject, as in
// WPT fetch/api/redirect/redirect-mode); TLS failures reject in every mode;
// redirect 'manual' on a 3xx, with or without a Location (a redirect behaviour
// or a status of 300-399), gives an opaqueredirect response (a 3xx without
// CORS is a network error in cors mode), 'error' rejects, 'follow' follows
// to a known host (response.redirected = true) or returns a 3xx that has no
// Location as it is. An unknown URL rejects with
// TypeError (like a DNS failure) and is recorded as kind 'stray'.
// init.signal is honoured: already aborted, while waiting, and mid-body.

/** Type codes used by the zone. */
export const TYPE = Object.freeze({ A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, OPT: 41, TLSA: 52, CAA: 257 });
export const TYPE_NAME = Object.freeze(Object.fromEntries(Object.entries(TYPE).map(([k, v]) => [v, k])));
export const RCODE = Object.freeze({ NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 });

export const DEFAULT_RESOLVER = 'https://cloudflare-dns.com/dns-query';

const enc = new TextEncoder();

// ---------------------------------------------------------------------------
// base64url

/** @param {Uint8Array} bytes */
export function base64urlEncode(bytes) {
  return Buffer.from(bytes).toString('base64url');
}

/** Strict decode: base64url alphabet only, no padding. Returns null when invalid. */
export function base64urlDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

// ---------------------------------------------------------------------------
// Wire format: names

function normName(name) {
  let n = String(name).toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

/** Labels of a presentation name ('' or '.' = root). */
function labelsOf(name) {
  const n = String(name).endsWith('.') ? String(name).slice(0, -1) : String(name);
  if (n === '') return [];
  return n.split('.').map((l) => {
    const b = enc.encode(l);
    if (b.length === 0 || b.length > 63) throw new Error(`fake-net: bad label in ${JSON.stringify(name)}`);
    return b;
  });
}

class Writer {
  constructor(compress) {
    this.bytes = [];
    this.compress = compress;
    /** lower-case suffix → offset */
    this.names = new Map();
  }
  get length() { return this.bytes.length; }
  u8(v) { this.bytes.push(v & 255); }
  u16(v) { this.bytes.push((v >> 8) & 255, v & 255); }
  u32(v) { this.u16(Math.floor(v / 65536) & 0xffff); this.u16(v & 0xffff); }
  raw(b) { for (const x of b) this.bytes.push(x); }
  name(name) {
    const labels = labelsOf(name);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).map((l) => new TextDecoder().decode(l).toLowerCase()).join('.');
      if (this.compress && this.names.has(suffix)) {
        this.u16(0xc000 | this.names.get(suffix));
        return;
      }
      if (this.length < 0x3fff && !this.names.has(suffix)) this.names.set(suffix, this.length);
      this.u8(labels[i].length);
      this.raw(labels[i]);
    }
    this.u8(0);
  }
  patch16(at, v) { this.bytes[at] = (v >> 8) & 255; this.bytes[at + 1] = v & 255; }
  out() { return new Uint8Array(this.bytes); }
}

/** Reads a (possibly compressed) name at `off`; returns { name, next }. Throws on malformed input. */
function readName(buf, off) {
  const labels = [];
  let next = -1;
  let hops = 0;
  let total = 1;
  for (;;) {
    if (off >= buf.length) throw new Error('name runs past the message');
    const len = buf[off];
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length) throw new Error('pointer runs past the message');
      const target = ((len & 0x3f) << 8) | buf[off + 1];
      if (next < 0) next = off + 2;
      if (target >= off || ++hops > 64) throw new Error('bad compression pointer');
      off = target;
      continue;
    }
    if (len & 0xc0) throw new Error('reserved label type');
    if (len === 0) { if (next < 0) next = off + 1; break; }
    if (off + 1 + len > buf.length) throw new Error('label runs past the message');
    total += len + 1;
    if (total > 255) throw new Error('name longer than 255 octets');
    labels.push(new TextDecoder().decode(buf.subarray(off + 1, off + 1 + len)));
    off += 1 + len;
  }
  return { name: labels.join('.'), next };
}

// ---------------------------------------------------------------------------
// Wire format: messages

/**
 * Parses a DNS query (or any message's header and first question).
 * @param {Uint8Array} buf
 * @returns {{ id: number, flags: number, rd: boolean, ad: boolean, cd: boolean, opcode: number,
 *             qdcount: number, name: string, type: number, qclass: number }}
 */
export function parseQuery(buf) {
  if (!(buf instanceof Uint8Array) || buf.length < 12) throw new Error('query shorter than a DNS header');
  const id = (buf[0] << 8) | buf[1];
  const flags = (buf[2] << 8) | buf[3];
  const qdcount = (buf[4] << 8) | buf[5];
  if (qdcount < 1) throw new Error('query without a question');
  const { name, next } = readName(buf, 12);
  if (next + 4 > buf.length) throw new Error('question runs past the message');
  const type = (buf[next] << 8) | buf[next + 1];
  const qclass = (buf[next + 2] << 8) | buf[next + 3];
  return {
    id, flags, rd: !!(flags & 0x0100), ad: !!(flags & 0x0020), cd: !!(flags & 0x0010),
    opcode: (flags >> 11) & 15, qdcount, name, type, qclass,
  };
}

/** Builds a DNS query message (for tests of the fake itself and for tools). */
export function buildQuery(name, type, { id = 0, rd = true, ad = false } = {}) {
  const w = new Writer(false);
  w.u16(id);
  w.u16((rd ? 0x0100 : 0) | (ad ? 0x0020 : 0));
  w.u16(1); w.u16(0); w.u16(0); w.u16(0);
  w.name(name);
  w.u16(typeof type === 'string' ? TYPE[type] : type);
  w.u16(1);
  return w.out();
}

function ipv4(text) {
  const parts = String(text).split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`fake-net: bad A ${text}`);
  return parts;
}

function ipv6(text) {
  const [head, tail] = String(text).includes('::') ? String(text).split('::') : [String(text), null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`fake-net: bad AAAA ${text}`);
  const out = [];
  for (const g of groups) { const v = parseInt(g, 16); out.push(v >> 8, v & 255); }
  return out;
}

function hexBytes(hex) {
  const h = String(hex).replace(/\s+/g, '');
  if (h.length % 2 || /[^0-9a-fA-F]/.test(h)) throw new Error(`fake-net: bad hex ${hex}`);
  const out = [];
  for (let i = 0; i < h.length; i += 2) out.push(parseInt(h.slice(i, i + 2), 16));
  return out;
}

/** Character-strings of one TXT record as byte arrays. */
function txtStrings(record) {
  if (typeof record === 'string') {
    const b = enc.encode(record);
    if (b.length === 0) return [b];
    const out = [];
    for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255));
    return out;
  }
  if (record instanceof Uint8Array) return [record];
  if (!Array.isArray(record)) throw new Error('fake-net: a TXT record is an array of character-strings');
  return record.map((s) => {
    const b = s instanceof Uint8Array ? s : enc.encode(String(s));
    if (b.length > 255) throw new Error('fake-net: a TXT character-string is at most 255 bytes');
    return b;
  });
}

/** Writes one RR's RDATA (after the RDLENGTH placeholder) for a zone value. */
function writeRdata(w, type, data) {
  switch (type) {
    case TYPE.A: w.raw(ipv4(data)); break;
    case TYPE.AAAA: w.raw(ipv6(data)); break;
    case TYPE.CNAME: case TYPE.NS: w.name(data); break;
    case TYPE.MX: w.u16(data[0]); w.name(data[1] === '' ? '.' : data[1]); break;
    case TYPE.TXT: for (const s of txtStrings(data)) { w.u8(s.length); w.raw(s); } break;
    case TYPE.TLSA: w.u8(data[0]); w.u8(data[1]); w.u8(data[2]); w.raw(hexBytes(data[3])); break;
    default:
      if (data instanceof Uint8Array) { w.raw(data); break; }
      throw new Error(`fake-net: cannot encode type ${type}`);
  }
}

/**
 * A DNS message damaged as a scenario asks: `truncate` keeps the first n
 * bytes (n < 0 drops the last -n), `padTo` appends zero bytes up to n.
 * Either may be undefined. Shared by this fake network and the e2e world.
 */
export function damage(msg, truncate, padTo) {
  let out = msg;
  if (truncate !== undefined) out = out.subarray(0, truncate < 0 ? Math.max(0, out.length + truncate) : truncate);
  if (padTo !== undefined && padTo > out.length) {
    const padded = new Uint8Array(padTo);
    padded.set(out);
    out = padded;
  }
  return out;
}

/**
 * Builds a DNS response.
 * @param {{ id?: number, rd?: boolean, opcode?: number, qname: string, qtype: number, qclass?: number,
 *           rcode?: number, ad?: boolean, tc?: boolean, aa?: boolean,
 *           answers?: { name: string, type: number, ttl?: number, data: any }[],
 *           ede?: [number, string], compress?: boolean }} m
 *   ede: an OPT record (RFC 6891 §6.1.2) in the additional section carrying
 *   that Extended DNS Error (RFC 8914 §2: INFO-CODE, EXTRA-TEXT).
 */
export function buildResponse(m) {
  const w = new Writer(!!m.compress);
  const answers = m.answers ?? [];
  const ede = m.ede;
  w.u16(m.id ?? 0);
  w.u16(0x8000 | ((m.opcode ?? 0) << 11) | (m.aa ? 0x0400 : 0) | (m.tc ? 0x0200 : 0) | (m.rd === false ? 0 : 0x0100) |
    0x0080 | (m.ad ? 0x0020 : 0) | ((m.rcode ?? 0) & 15));
  w.u16(1); w.u16(answers.length); w.u16(0); w.u16(ede ? 1 : 0);
  w.name(m.qname);
  w.u16(m.qtype); w.u16(m.qclass ?? 1);
  for (const rr of answers) {
    w.name(rr.name);
    w.u16(rr.type); w.u16(1); w.u32(rr.ttl ?? 300);
    const at = w.length;
    w.u16(0);
    writeRdata(w, rr.type, rr.data);
    w.patch16(at, w.length - at - 2);
  }
  if (ede) {
    const text = enc.encode(ede[1] ?? '');
    w.u8(0); // the root
    w.u16(TYPE.OPT); w.u16(1232); w.u32(0); // CLASS: the UDP payload size; TTL: extended RCODE, version, flags
    w.u16(6 + text.length);
    w.u16(15); w.u16(2 + text.length); w.u16(ede[0]); w.raw(text); // option 15: Extended DNS Error
  }
  return w.out();
}

/**
 * Parses a whole DNS message (for tests): header fields, questions, answers
 * with decoded RDATA for A, AAAA, CNAME, MX, TXT (array of strings) and TLSA.
 */
export function parseMessage(buf) {
  if (buf.length < 12) throw new Error('message shorter than a header');
  const u16 = (o) => { if (o + 2 > buf.length) throw new Error('truncated'); return (buf[o] << 8) | buf[o + 1]; };
  const flags = u16(2);
  const counts = [u16(4), u16(6), u16(8), u16(10)];
  const out = {
    id: u16(0), qr: !!(flags & 0x8000), opcode: (flags >> 11) & 15, aa: !!(flags & 0x0400), tc: !!(flags & 0x0200),
    rd: !!(flags & 0x0100), ra: !!(flags & 0x0080), ad: !!(flags & 0x0020), cd: !!(flags & 0x0010), rcode: flags & 15,
    questions: [], answers: [], authority: [], additional: [],
  };
  let off = 12;
  for (let i = 0; i < counts[0]; i++) {
    const { name, next } = readName(buf, off);
    out.questions.push({ name, type: u16(next), class: u16(next + 2) });
    off = next + 4;
  }
  const sections = [out.answers, out.authority, out.additional];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const { name, next } = readName(buf, off);
      const type = u16(next);
      const ttl = u16(next + 4) * 65536 + u16(next + 6);
      const rdlen = u16(next + 8);
      const rd = next + 10;
      if (rd + rdlen > buf.length) throw new Error('RDATA runs past the message');
      const r = buf.subarray(rd, rd + rdlen);
      let data;
      if (type === TYPE.A) data = [...r].join('.');
      else if (type === TYPE.AAAA) data = Array.from({ length: 8 }, (_, k) => ((r[2 * k] << 8) | r[2 * k + 1]).toString(16)).join(':');
      else if (type === TYPE.CNAME || type === TYPE.NS) data = readName(buf, rd).name;
      else if (type === TYPE.MX) data = [u16(rd), readName(buf, rd + 2).name];
      else if (type === TYPE.TXT) {
        data = [];
        for (let k = 0; k < r.length; k += 1 + r[k]) data.push(new TextDecoder().decode(r.subarray(k + 1, k + 1 + r[k])));
      } else if (type === TYPE.TLSA) data = [r[0], r[1], r[2], Buffer.from(r.subarray(3)).toString('hex')];
      else data = new Uint8Array(r);
      sections[s].push({ name, type, class: u16(next + 2), ttl, data });
      off = rd + rdlen;
    }
  }
  if (off !== buf.length) throw new Error('trailing bytes');
  return out;
}

// ---------------------------------------------------------------------------
// The resolver

function rcodeValue(rc) {
  if (typeof rc === 'number') return rc;
  const v = RCODE[String(rc).toUpperCase()];
  if (v === undefined) throw new Error(`fake-net: unknown rcode ${rc}`);
  return v;
}

function overrideApplies(entry, type) {
  if (!entry) return false;
  return !entry.only || entry.only.some((t) => (typeof t === 'string' ? TYPE[t] : t) === type);
}

/**
 * Answers one question from the zone: { rcode, ad, answers } (no HTTP-level
 * behaviour; the caller handles http/garbage/hang).
 */
export function resolve(zone, qname, qtype, { followCname = true } = {}) {
  const answers = [];
  const seen = new Set();
  let name = normName(qname);
  let owner = qname.endsWith('.') ? qname.slice(0, -1) : qname; // keep the asked case for the first owner
  let ad = true;
  let first = true;
  for (;;) {
    const entry = zone[name];
    if (!entry) return { rcode: RCODE.NXDOMAIN, ad: false, answers };
    if (overrideApplies(entry, qtype) && entry.rcode !== undefined) return { rcode: rcodeValue(entry.rcode), ad: false, answers };
    ad = ad && entry.AD === true;
    seen.add(name);
    const ttl = entry.ttl ?? 300;
    if (entry.CNAME !== undefined && qtype !== TYPE.CNAME) {
      answers.push({ name: owner, type: TYPE.CNAME, ttl, data: entry.CNAME });
      const target = normName(entry.CNAME);
      if (!followCname || entry.stopCname || (first && zone[name].stopCname)) return { rcode: 0, ad, answers };
      if (seen.has(target)) return { rcode: 0, ad, answers }; // loop: chain up to the closing link
      name = target;
      owner = target;
      first = false;
      continue;
    }
    const typeName = TYPE_NAME[qtype];
    const rrs = typeName === 'CNAME' ? (entry.CNAME !== undefined ? [entry.CNAME] : undefined) : entry[typeName];
    if (rrs !== undefined) {
      for (const data of rrs) answers.push({ name: owner, type: qtype, ttl, data });
    }
    return { rcode: 0, ad, answers };
  }
}

// ---------------------------------------------------------------------------
// Fetch emulation helpers

const sleep = (ms, signal) => new Promise((res, rej) => {
  if (signal?.aborted) { rej(signal.reason); return; }
  const t = setTimeout(() => { signal?.removeEventListener('abort', on); res(); }, ms);
  const on = () => { clearTimeout(t); rej(signal.reason); };
  signal?.addEventListener('abort', on, { once: true });
});

const never = (signal) => new Promise((_, rej) => {
  if (signal?.aborted) { rej(signal.reason); return; }
  signal?.addEventListener('abort', () => rej(signal.reason), { once: true });
});

const failed = () => new TypeError('Failed to fetch');

const opaque = (type) => ({
  type, status: 0, statusText: '', ok: false, url: '', redirected: false, headers: new Headers(), body: null,
  text: async () => '', arrayBuffer: async () => new ArrayBuffer(0),
});

/**
 * A body stream that delivers `bytes` in chunks (or, with neverEnds, a chunk
 * every chunkMs forever), errors with signal.reason when the signal aborts.
 */
function bodyStream(bytes, {
  neverEnds = false, chunkMs = 50, chunkSize = 16384, signal, errorAfter, stats = newStats(),
} = {}) {
  let off = 0;
  let timer = null;
  let done = false;
  let ctrl = null;
  const onAbort = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    stats.errored = true;
    try { ctrl?.error(signal.reason); } catch { /* already closed */ }
  };
  const give = (c, chunk) => { stats.pulled += chunk.length; stats.chunks += 1; c.enqueue(chunk); };
  return new ReadableStream({
    start(c) {
      ctrl = c;
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    },
    pull(c) {
      if (done) return undefined;
      if (neverEnds) {
        return new Promise((res) => {
          timer = setTimeout(() => {
            if (!done) give(c, enc.encode('mode: enforce\n'));
            res();
          }, chunkMs);
        });
      }
      if (errorAfter !== undefined && off >= errorAfter) {
        // The connection broke mid-body: what Chromium's reader then rejects with.
        done = true;
        stats.errored = true;
        signal?.removeEventListener('abort', onAbort);
        c.error(new TypeError('network error'));
        return undefined;
      }
      if (off >= bytes.length) {
        done = true;
        stats.closed = true;
        signal?.removeEventListener('abort', onAbort);
        c.close();
        return undefined;
      }
      const end = Math.min(off + chunkSize, errorAfter ?? Infinity);
      give(c, bytes.slice(off, end));
      off = end;
      return undefined;
    },
    cancel() { done = true; stats.cancelled = true; clearTimeout(timer); signal?.removeEventListener('abort', onAbort); },
  }, { highWaterMark: 0 });
}

/** What a reader took of one body stream (see call.stream). */
function newStats() {
  return { pulled: 0, chunks: 0, cancelled: false, errored: false, closed: false };
}

/** A promise that never settles, whatever happens to the signal (a fetch that ignores abort). */
const forever = () => new Promise(() => {});

function hostBehaviour(hosts, url) {
  if (Object.prototype.hasOwnProperty.call(hosts, url)) return hosts[url];
  for (const [k, v] of Object.entries(hosts)) {
    if (k.endsWith('*') && url.startsWith(k.slice(0, -1))) return v;
  }
  return undefined;
}

/**
 * The fake network.
 * @param {{ zone?: Record<string, any>, hosts?: Record<string, any>, delayMs?: number,
 *           resolverUrl?: string, followCname?: boolean, compress?: boolean,
 *           everyQuery?: Record<string, any> }} [options]
 *   everyQuery: an override (like a per-name one) applied to every DNS query.
 * @returns {{ fetch: (url: any, init?: any) => Promise<any>, calls: any[],
 *             dnsQueries: () => { name: string, type: string, t: number }[],
 *             stray: () => any[], t0: number }}
 */
export function makeNet({
  zone = {}, hosts = {}, delayMs = 0, resolverUrl = DEFAULT_RESOLVER, followCname = true,
  compress = false, everyQuery,
} = {}) {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const calls = [];
  const lowerZone = {};
  for (const [k, v] of Object.entries(zone)) lowerZone[normName(k)] = v;

  function isResolver(url) {
    return url.startsWith(resolverUrl + '?') || url.startsWith(resolverUrl + '&') ||
      (resolverUrl.includes('?') && url.startsWith(resolverUrl));
  }

  async function dns(url, init, call) {
    const signal = init.signal;
    const method = String(init.method ?? 'GET').toUpperCase();
    let query;
    if (method === 'POST') {
      const b = init.body;
      query = b instanceof Uint8Array ? b : new Uint8Array(b instanceof ArrayBuffer ? b : b.buffer);
    } else {
      const dnsParam = new URL(url).searchParams.get('dns');
      query = base64urlDecode(dnsParam ?? '');
      if (!query) return new Response('bad dns parameter', { status: 400, headers: { 'content-type': 'text/plain', 'access-control-allow-origin': '*' } });
    }
    let q;
    try { q = parseQuery(query); } catch (e) {
      return new Response(String(e.message), { status: 400, headers: { 'content-type': 'text/plain', 'access-control-allow-origin': '*' } });
    }
    call.q = { name: q.name, type: TYPE_NAME[q.type] ?? q.type, id: q.id };
    const entry = lowerZone[normName(q.name)];
    const ov = [everyQuery, overrideApplies(entry, q.type) ? entry : undefined].filter(Boolean);
    const pick = (k) => { for (let i = ov.length - 1; i >= 0; i--) if (ov[i][k] !== undefined) return ov[i][k]; return undefined; };
    const wait = pick('delayMs') ?? delayMs;
    if (wait) await sleep(wait, signal);
    else if (signal?.aborted) throw signal.reason;
    if (pick('hang')) return pick('ignoreAbort') ? forever() : never(signal);
    if (pick('networkError')) throw failed();
    const stats = newStats();
    call.stream = stats;
    const stream = (bytes) => bodyStream(bytes, { signal, stats, errorAfter: pick('bodyError') });
    // Content-Length as DoH servers send it: the whole body's (also when
    // bodyError cuts it short, as a reset does).
    const headers = (bytes) => ({
      'content-type': 'application/dns-message', 'access-control-allow-origin': '*', 'content-length': String(bytes.length),
    });
    const http = pick('http');
    if (http !== undefined) {
      const raw = pick('httpBody') ?? `resolver error ${http}`;
      const body = raw instanceof Uint8Array ? raw : enc.encode(raw);
      return new Response(stream(body), {
        status: http,
        headers: { ...headers(body), 'content-type': pick('httpType') ?? 'text/plain', ...(pick('httpHeaders') ?? {}) },
      });
    }
    const message = () => {
      const r = resolve(lowerZone, q.name, q.type, { followCname });
      if (everyQuery?.rcode !== undefined) { r.rcode = rcodeValue(everyQuery.rcode); r.answers = []; }
      return buildResponse({
        id: pick('wrongId') ? (q.id ^ 0x5a5a) || 1 : q.id,
        rd: q.rd, opcode: q.opcode,
        qname: pick('wrongQuestion') ? 'wrong.question.invalid' : q.name, qtype: q.type, qclass: q.qclass,
        rcode: r.rcode, ad: r.ad && r.rcode === 0, tc: !!pick('tc'), answers: r.answers, ede: pick('ede'),
        compress: compress || !!pick('compress'),
      });
    };
    const respond = pick('respond');
    if (respond !== undefined) return respond({ q, query, signal, message });
    const garbage = pick('garbage');
    if (garbage !== undefined) return new Response(stream(garbage), { status: 200, headers: headers(garbage) });
    const msg = damage(message(), pick('truncate'), pick('padTo'));
    return new Response(stream(msg), { status: 200, headers: headers(msg) });
  }

  async function host(url, init, b, depth = 0, call = {}) {
    const signal = init.signal;
    const mode = init.mode ?? 'cors';
    const redirect = init.redirect ?? 'follow';
    const wait = b.delayMs ?? delayMs;
    if (wait) await sleep(wait, signal);
    else if (signal?.aborted) throw signal.reason;
    if (b.hang) return b.ignoreAbort ? forever() : never(signal);
    if (b.tls === 'fail') throw failed();
    if (mode === 'no-cors') {
      // Cross-origin no-cors only allows redirect 'follow' (WPT redirect-mode).
      if (redirect !== 'follow') throw failed();
      if (b.redirect) {
        const next = hostBehaviour(hosts, b.redirect.location);
        if (!next || depth > 20) throw failed();
        return host(b.redirect.location, init, next, depth + 1, call);
      }
      return opaque('opaque');
    }
    const cors = b.cors !== false;
    if (!cors) throw failed(); // CORS check applies to every response, 3xx included
    if (b.redirect) {
      if (redirect === 'manual') return opaque('opaqueredirect');
      if (redirect === 'error') throw failed();
      const next = hostBehaviour(hosts, b.redirect.location);
      if (!next || depth > 20) throw failed();
      const r = await host(b.redirect.location, init, next, depth + 1, call);
      Object.defineProperty(r, 'redirected', { value: true });
      return r;
    }
    // A 3xx without a Location (tools/relay passes a redirect on that way): with redirect 'manual'
    // it is still an opaque redirect, its status and headers hidden, and 'error' still rejects; only
    // 'follow' returns it as it is, having nowhere to go (Fetch, HTTP fetch and HTTP-redirect fetch).
    const status3xx = (b.status ?? 200) >= 300 && (b.status ?? 200) < 400;
    if (status3xx && redirect === 'manual') return opaque('opaqueredirect');
    if (status3xx && redirect === 'error') throw failed();
    let bytes = b.body instanceof Uint8Array ? b.body : enc.encode(b.body ?? '');
    if (b.size !== undefined && b.size > bytes.length) {
      const padded = new Uint8Array(b.size).fill(0x61);
      padded.set(bytes);
      bytes = padded;
    }
    const headers = { 'access-control-allow-origin': '*', ...(b.headers ?? {}) };
    const ct = b.contentType === undefined ? 'text/plain' : b.contentType;
    if (ct !== null) headers['content-type'] = ct;
    if (!b.neverEnds) headers['content-length'] = String(bytes.length);
    const status = b.status ?? 200;
    const nullBody = status === 204 || status === 205 || status === 304;
    if (!nullBody) call.stream = newStats();
    const stream = nullBody ? null : bodyStream(bytes, {
      neverEnds: b.neverEnds, chunkMs: b.chunkMs, chunkSize: b.chunkSize, signal, errorAfter: b.bodyError, stats: call.stream,
    });
    return new Response(stream, { status, headers });
  }

  function fetch(input, init = {}) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const call = { url, init, t: now(), kind: 'stray' };
    calls.push(call);
    let p;
    if (isResolver(url)) {
      call.kind = 'dns';
      p = dns(url, init, call);
    } else {
      const b = hostBehaviour(hosts, url);
      if (b) {
        call.kind = 'host';
        p = host(url, init, b, 0, call);
      } else {
        p = Promise.reject(failed());
      }
    }
    return p.then(
      (r) => { call.end = now(); call.outcome = r.type === 'opaque' || r.type === 'opaqueredirect' ? r.type : r.status; return r; },
      (e) => { call.end = now(); call.outcome = e?.name === 'TypeError' ? 'TypeError' : (e?.name ?? 'error'); throw e; },
    );
  }

  return {
    fetch,
    calls,
    t0,
    /** DNS questions asked, in order: { name (lower-case), type ('MX'…), t }. */
    dnsQueries: () => calls.filter((c) => c.kind === 'dns').map((c) => {
      if (c.q) return { name: normName(c.q.name), type: c.q.type, t: c.t };
      try {
        const q = parseQuery(base64urlDecode(new URL(c.url).searchParams.get('dns')));
        return { name: normName(q.name), type: TYPE_NAME[q.type] ?? q.type, t: c.t };
      } catch { return { name: null, type: null, t: c.t }; }
    }),
    /** Requests to URLs that are neither the resolver nor a known host. */
    stray: () => calls.filter((c) => c.kind === 'stray'),
  };
}
