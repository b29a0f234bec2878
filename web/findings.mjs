// @ts-check
/**
 * How a finding and a check's status are shown, the same on the page (both
 * views) and in the widget. Text only (dom.mjs): a code, a message or a fix
 * from DNS, a policy or the code table is never parsed as markup.
 */
import { el, withCode } from './dom.mjs';

/** @typedef {{code: string, severity: string, message: string, line?: number, column?: number, rfc?: string, fix?: string}} Finding */

/** The severities, worst first. */
export const SEVERITIES = Object.freeze(['error', 'warning', 'info']);

/** What each status of a check is called. */
export const STATUS = Object.freeze({
  pass: 'Pass', warn: 'Warning', fail: 'Fail', info: 'Note', unknown: 'Not verified', pending: 'Checking…',
});

/** A finding's severity, `info` for anything unexpected (it also names a class). @param {Finding} f */
export const severityOf = (f) => (SEVERITIES.includes(f.severity) ? f.severity : 'info');

/** "line 2, column 7", or '' for a finding about the whole artefact. @param {Finding} f */
export const placeOf = (f) => (f.line ? `line ${f.line}, column ${f.column ?? 1}` : '');

/**
 * The checked domain as shown: an internationalised one in both forms, its
 * Unicode form first and then the A-label form DNS and the records use
 * ("bücher.test (xn--bcher-kva.test)"); any other domain as it is.
 * @param {{ domain: string, domain_unicode?: string }} report
 */
export const domainName = (report) => (report.domain_unicode ? `${report.domain_unicode} (${report.domain})` : report.domain);

/**
 * A DNS name of the domain's records (`_mta-sts.xn--bcher-kva.test`): the
 * A-label form, which is what goes into a zone, with the Unicode form after it
 * for an internationalised domain.
 * @param {string} prefix "_mta-sts." or ""
 * @param {{ domain: string, domain_unicode?: string }} report
 */
export const recordName = (prefix, report) => `${prefix}${report.domain}`
  + (report.domain_unicode ? ` (${prefix}${report.domain_unicode})` : '');

/** A check's status, as a label with the status as its class. @param {string} status */
export function statusBadge(status) {
  return el('span', `status ${status}`, STATUS[/** @type {keyof typeof STATUS} */ (status)] ?? String(status));
}

/**
 * One finding as a list item:
 *
 *   li.finding.<severity>   (data-line, data-column when it has a place)
 *     .finding-head         the severity (span.badge), the code (code.code), the place (span.loc);
 *                           a button.goto when `goto` and the finding has a place
 *     p.finding-msg         the message
 *     p.finding-fix         "Fix: " and the fix, `backticked` parts as code, `<domain>` filled in
 *     p.finding-rfc         "See RFC 8461 §3.2"
 *
 * @param {Finding} f
 * @param {{ domain?: string, goto?: boolean, unplaced?: string }} [options]
 *   domain: fills `<domain>` in the fix; goto: the head is a button (the lint view
 *   moves the caret there); unplaced: the place shown for a finding without one.
 */
export function findingItem(f, { domain = '', goto = false, unplaced = '' } = {}) {
  const sev = severityOf(f);
  const place = placeOf(f) || unplaced;
  const button = goto && Boolean(f.line);
  const head = el(button ? 'button' : 'div', button ? 'finding-head goto' : 'finding-head',
    el('span', `badge ${sev}`, sev), ' ', el('code', 'code', String(f.code)), place && ' ', place && el('span', 'loc', place));
  if (button) {
    /** @type {HTMLButtonElement} */ (head).type = 'button';
    head.title = `Go to ${place}`;
  }
  const item = el('li', `finding ${sev}`, head,
    el('p', 'finding-msg', String(f.message ?? '')),
    Boolean(f.fix) && el('p', 'finding-fix', el('strong', null, 'Fix: '), ...withCode(String(f.fix), domain)),
    Boolean(f.rfc) && el('p', 'finding-rfc', `See ${f.rfc}`));
  if (f.line) {
    item.dataset.line = String(f.line);
    item.dataset.column = String(f.column ?? 1);
  }
  return item;
}
