// The TLS-RPT corpora of ./tools/bench's "reports" section, generated (a
// fixed seed, so every run measures the same bytes):
//
//   year(n)      n daily reports, as gzip files the way reporters attach them
//                (RFC 8460 §5.3): a year from four reporters shaped like
//                Google's, Microsoft's, a Postfix site's and a small
//                provider's, each with one to three policies and a few
//                failure details; the expected totals are summed here, as
//                the reports are written, for the benchmark to check.
//   big(bytes)   one report of about `bytes` of JSON: one policy whose
//                failure details list thousands of sending IPs.
import { gzipSync } from 'node:zlib';

const TYPES = ['starttls-not-supported', 'certificate-host-mismatch', 'certificate-expired',
  'certificate-not-trusted', 'validation-failure', 'sts-policy-fetch-error', 'sts-webpki-invalid'];

/** Mulberry32: a small deterministic PRNG (the corpus is the same on every run). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPORTERS = [
  { org: 'Google Inc.', contact: 'smtp-tls-reporting@google.com', id: (d, i) => `${d}T00:00:00Z_example.com-${i}` },
  { org: 'Microsoft Corporation', contact: 'tlsrpt-noreply@microsoft.com', id: (d, i) => `1340${String(i).padStart(14, '0')}+example.com` },
  { org: 'mail.example.org', contact: 'postmaster@mail.example.org', id: (d, i) => `${d}.${i}@mail.example.org` },
  { org: 'Provider AG', contact: 'tlsrpt@provider.example', id: (d, i) => `p-${i}` },
];

const POLICY = ['version: STSv1', 'mode: testing', 'mx: mx1.example.com', 'mx: mx2.example.com', 'max_age: 604800'];

function day(i) {
  return new Date(Date.UTC(2026, 0, 1) + i * 86400000).toISOString().slice(0, 10);
}

/**
 * @param {number} n reports
 * @returns {{ files: { name: string, data: Uint8Array }[], totals: { successful: number, failed: number }, jsonBytes: number }}
 */
export function year(n = 1000) {
  const rand = rng(8460);
  const files = [];
  const totals = { successful: 0, failed: 0 };
  let jsonBytes = 0;
  for (let i = 0; i < n; i++) {
    const who = REPORTERS[i % REPORTERS.length];
    const d = day(Math.floor(i / REPORTERS.length) % 366);
    const policies = [];
    const npol = 1 + Math.floor(rand() * 3);
    for (let p = 0; p < npol; p++) {
      const details = [];
      let failed = 0;
      const nfail = Math.floor(rand() * 4);
      for (let f = 0; f < nfail; f++) {
        const count = 1 + Math.floor(rand() * 20);
        failed += count;
        details.push({
          'result-type': TYPES[Math.floor(rand() * TYPES.length)],
          'sending-mta-ip': `198.51.100.${Math.floor(rand() * 250)}`,
          'receiving-mx-hostname': `mx${1 + Math.floor(rand() * 2)}.example.com`,
          'failed-session-count': count,
        });
      }
      const successful = Math.floor(rand() * 5000);
      totals.successful += successful;
      totals.failed += failed;
      policies.push({
        policy: p === 0
          ? { 'policy-type': 'sts', 'policy-string': POLICY, 'policy-domain': 'example.com', 'mx-host': ['mx1.example.com', 'mx2.example.com'] }
          : { 'policy-type': 'no-policy-found', 'policy-domain': `sub${p}.example.com` },
        summary: { 'total-successful-session-count': successful, 'total-failure-session-count': failed },
        ...(details.length ? { 'failure-details': details } : {}),
      });
    }
    const report = {
      'organization-name': who.org,
      'date-range': { 'start-datetime': `${d}T00:00:00Z`, 'end-datetime': `${d}T23:59:59Z` },
      'contact-info': who.contact,
      'report-id': who.id(d, i),
      policies,
    };
    const json = Buffer.from(JSON.stringify(report));
    jsonBytes += json.length;
    files.push({ name: `${who.org.replace(/\W+/g, '-')}!example.com!${d}!${i}.json.gz`, data: new Uint8Array(gzipSync(json)) });
  }
  return { files, totals, jsonBytes };
}

/**
 * One report of about `bytes` bytes of JSON.
 * @returns {{ text: string, failed: number, details: number }}
 */
export function big(bytes = 10 * 1000 * 1000) {
  const rand = rng(7672);
  const details = [];
  let failed = 0;
  let size = 400;
  while (size < bytes) {
    const count = 1 + Math.floor(rand() * 9);
    failed += count;
    const d = {
      'result-type': TYPES[details.length % TYPES.length],
      'sending-mta-ip': `2001:db8:${(details.length >>> 16).toString(16)}:${(details.length & 0xffff).toString(16)}::25`,
      'receiving-mx-hostname': `mx${details.length % 5}.example.com`,
      'receiving-ip': `203.0.113.${details.length % 250}`,
      'failed-session-count': count,
      'additional-information': 'https://reports.example/info',
    };
    size += JSON.stringify(d).length + 1;
    details.push(d);
  }
  const text = JSON.stringify({
    'organization-name': 'Big Sender', 'date-range': { 'start-datetime': '2026-11-30T00:00:00Z', 'end-datetime': '2026-11-30T23:59:59Z' },
    'contact-info': 'tlsrpt@big.example', 'report-id': 'big-1',
    policies: [{ policy: { 'policy-type': 'sts', 'policy-string': POLICY, 'policy-domain': 'example.com', 'mx-host': ['*.example.com'] },
      summary: { 'total-successful-session-count': 1000000, 'total-failure-session-count': failed }, 'failure-details': details }],
  });
  return { text, failed, details: details.length };
}
