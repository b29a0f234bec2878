// @ts-check
/**
 * Fixes generated from a domain's live data (a checkDomain report): a policy
 * built from the real MX hosts, the _mta-sts TXT record with a fresh id, a
 * TLS-RPT record, and the safe rollout order. Pure functions: no DOM, no
 * network, `now` is a parameter, so Node tests run them as they are. What
 * the core decides (what a host name is, whether a pattern matches an MX
 * host, the limits) comes from the loaded module, passed in: this file keeps
 * no copy of it.
 */

/**
 * What the fixes need from the checker module (dist/mtasts.mjs's load()):
 * the module itself will do.
 * @typedef {{ isHostName(name: string): boolean, mxMatches(pattern: string, host: string): boolean,
 *             limits: { max_age_week: number } }} Core
 */

/** @param {string} host */
const bare = (host) => host.toLowerCase().replace(/\.$/, '');

/**
 * A 14-digit UTC timestamp (YYYYMMDDHHMMSS): a valid id (1-32 letters or
 * digits, RFC 8461 §3.1) that sorts by time and says when it was made.
 * @param {Date} now
 */
export function freshId(now) {
  return now.toISOString().replace(/[^0-9]/g, '').slice(0, 14);
}

/**
 * The policy to publish: the current mode when it is enforce (testing
 * otherwise: the safe first step), the existing patterns that still match an
 * MX host, an exact pattern for each MX host no pattern covers, and a
 * max_age of at least a week. Null when there is nothing to protect (null MX)
 * or the MX hosts are not known.
 * @param {any} report a checkDomain report
 * @param {Core} m the checker module: its host-name grammar, its mx matcher and its limits
 * @returns {{ text: string, mode: string, mx: string[], max_age: number, notes: string[] } | null}
 */
export function suggestedPolicy(report, m) {
  if (!report || report.mx_kind === 'null' || !Array.isArray(report.mx) || report.mx.length === 0) return null;
  const notes = [];
  // Only host names (letters, digits, hyphens; no IP address) can be mx patterns.
  const hosts = [];
  for (const mx of report.mx) {
    const h = bare(mx.host);
    if (m.isHostName(h)) hosts.push(h);
    else notes.push(`Left out ${h}: an MX host must be a host name (letters, digits and hyphens), so fix that MX record first.`);
  }
  if (hosts.length === 0) return null;
  const current = report.policy && report.policy.valid ? report.policy : null;
  const mode = current && current.mode === 'enforce' ? 'enforce' : 'testing';
  if (!current) notes.push('New policies start in testing mode: senders report failures without refusing mail.');
  else if (current.mode !== 'enforce') notes.push(`Kept in testing mode (now ${current.mode}); switch to enforce once TLS-RPT reports show no failures.`);
  /** @type {string[]} */
  const mx = [];
  for (const pattern of current ? current.mx : []) {
    if (hosts.some((h) => m.mxMatches(pattern, h))) {
      if (!mx.includes(bare(pattern))) mx.push(bare(pattern));
    } else {
      notes.push(`Dropped mx: ${pattern}, which matches none of your MX hosts.`);
    }
  }
  for (const h of hosts) {
    if (!mx.some((p) => m.mxMatches(p, h))) {
      mx.push(h);
      if (current) notes.push(`Added mx: ${h}, an MX host the policy did not cover.`);
    }
  }
  const week = m.limits.max_age_week;
  let maxAge = current && Number.isSafeInteger(current.max_age) ? current.max_age : 0;
  if (maxAge < week) {
    maxAge = mode === 'enforce' ? 2 * week : week;
    if (current) notes.push(`Raised max_age to ${maxAge} (${maxAge / 86400} days): under a week, a sender's cached policy lapses too soon.`);
  }
  const text = ['version: STSv1', `mode: ${mode}`, ...mx.map((p) => `mx: ${p}`), `max_age: ${maxAge}`, ''].join('\n');
  return { text, mode, mx, max_age: maxAge, notes };
}

/**
 * @param {any} report
 * @param {Date} now
 * @returns {{ name: string, value: string }}
 */
export function suggestedStsRecord(report, now) {
  return { name: `_mta-sts.${report.domain}`, value: `v=STSv1; id=${freshId(now)}` };
}

/**
 * The existing TLS-RPT record when it is valid; otherwise a template that
 * sends reports to tlsrpt@<domain>.
 * @param {any} report
 * @returns {{ name: string, value: string, existing: boolean }}
 */
export function suggestedTlsRpt(report) {
  const name = `_smtp._tls.${report.domain}`;
  if (report.tlsrpt && report.tlsrpt.valid && report.tlsrpt.record) return { name, value: report.tlsrpt.record, existing: true };
  return { name, value: `v=TLSRPTv1; rua=mailto:tlsrpt@${report.domain}`, existing: false };
}

/**
 * Which fixes the report's observations can support: a fix is built only from
 * what was observed (docs/GRADING.md "The root cause"). A record whose check
 * was not observed (the resolver failed, the answer timed out) is not
 * offered again as if it were missing; when the resolver itself failed
 * (a cause about no one check), nothing is.
 * @param {any} report a checkDomain report
 * @returns {{ policy: boolean, sts: boolean, tlsrpt: boolean, note: string | null }}
 */
export function observedFixes(report) {
  const status = (/** @type {string} */ id) => report.checks?.find((/** @type {any} */ c) => c.id === id)?.status;
  const seen = (/** @type {string} */ id) => { const s = status(id); return s !== undefined && s !== 'unknown' && s !== 'pending'; };
  if (report.cause && report.cause.check === null && report.cause.code !== 'domain.not_found') {
    return { policy: false, sts: false, tlsrpt: false,
      note: `No fixes are offered: ${report.cause.headline}, so nothing about your records was observed. Check again once that is solved.` };
  }
  const unseen = [];
  if (!seen('sts')) unseen.push('the _mta-sts record');
  if (!seen('tlsrpt')) unseen.push('the TLS-RPT record');
  if (!seen('mx')) unseen.push('the MX hosts');
  return {
    policy: seen('mx'),
    sts: seen('sts'),
    tlsrpt: seen('tlsrpt'),
    note: unseen.length ? `Nothing is offered for ${unseen.join(', ').replace(/, ([^,]*)$/, ' or $1')}: not observed in this check.` : null,
  };
}

/**
 * The safe order of a new deployment (RFC 8461 §3.1, §8.1). A change to a
 * running one (to enforce, a new MX host, withdrawal, a new policy host) is
 * the core's dated change plan (m.changePlan), which the page shows next.
 */
export const ROLLOUT = Object.freeze([
  'Publish TLS-RPT first, so that you hear about failures.',
  'Serve the policy in testing mode at https://mta-sts.<domain>/.well-known/mta-sts.txt, with text/plain and a certificate valid for mta-sts.<domain>.',
  'Then publish the _mta-sts TXT record with a new id: senders fetch the policy only when the id changes.',
  'Read the TLS-RPT reports for a couple of weeks; fix every MX host that fails.',
  'Then change it with the dated change plan below: switching to enforce, new MX hosts, withdrawing, moving the policy host.',
]);

/**
 * A cheap fingerprint of a text, to notice that a policy changed (FNV-1a, 32 bits).
 * @param {string} text
 */
export function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The history entry of a report, and the warning against the previous entry
 * of the same domain: a policy body that changed while the TXT id did not
 * (senders keep the old policy until max_age runs out, RFC 8461 §3.1).
 * @param {any} report
 * @param {Date} now
 */
export function historyEntry(report, now) {
  return {
    domain: report.domain,
    // An internationalised domain's Unicode form, to show and link with (the entry is keyed by `domain`).
    ...(report.domain_unicode ? { unicode: report.domain_unicode } : {}),
    at: now.toISOString(),
    grade: report.grade ?? null,
    id: report.sts?.id ?? null,
    policy: report.policy && report.policy.source !== 'pasted' ? fingerprint(report.policy.text) : null,
  };
}

/**
 * @param {{ domain: string, at: string, id: string|null, policy: string|null }} entry
 * @param {Array<{ domain: string, at: string, id: string|null, policy: string|null }>} history newest first
 * @returns {string | null}
 */
export function staleIdWarning(entry, history) {
  if (!Array.isArray(history)) return null;
  const previous = history.find((h) => h && typeof h === 'object' && h.domain === entry.domain && typeof h.at === 'string'
    && h.at !== entry.at && typeof h.policy === 'string' && typeof h.id === 'string');
  if (!previous || !entry.policy || !entry.id) return null;
  if (previous.policy !== entry.policy && previous.id === entry.id) {
    return `The policy file changed since your check of ${previous.at.slice(0, 10)}, but the _mta-sts id is still ${entry.id}. `
      + 'Senders that cached the old policy keep using it until its max_age runs out: publish a new id.';
  }
  return null;
}

/**
 * The domain in what the user typed: an email address, a URL or a bare name.
 * @param {string} input
 */
export function domainOf(input) {
  let t = input.trim();
  if (t === '') return '';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    try {
      return new URL(t).hostname.replace(/\.$/, '');
    } catch {
      return t;
    }
  }
  t = t.replace(/^mailto:/i, '');
  const at = t.lastIndexOf('@');
  if (at >= 0) t = t.slice(at + 1);
  t = t.replace(/[/?#].*$/, '').replace(/:\d+$/, '');
  return t.replace(/\.$/, '');
}
