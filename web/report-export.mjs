// @ts-check
/**
 * The Reports view's exports of the aggregate (docs/REPORTS.md): JSON, as the API returns it, and CSV.
 *
 * The CSV is one file, one table under the other, told apart by its first column, `section`, so that a
 * spreadsheet filter picks one (RFC 4180: CRLF line ends, a header row, fields quoted when they hold a
 * comma, a quote or a line end). The columns are the same for every section:
 *
 *   section,name,type,successful,failed,reports,detail
 *
 *   totals        name: the period "start/end"; successful, failed, reports; detail: "duplicates=N"
 *   day           name: the day (UTC); successful, failed
 *   policy        name: the policy domain; type: the policy type; successful, failed, reports;
 *                 detail: "mode=testing; max_age=86400; mx=a b; reporters=X | Y; days=first/last"
 *   mx            name: the MX host; type: a result type; failed (RFC 8460 counts successes per policy only,
 *                 so successful is empty). The row with an empty type is the host's total.
 *   result_type   name: the result type; type: "known" (one of RFC 8460's eleven) or "unknown"; failed;
 *                 detail: the MX hosts, space-separated
 *   organization  name: the reporter; successful, failed, reports; detail: its contact
 *   sending_ip    as mx, for each sending MTA's IP address
 *   file          name: the file (or archive/entry); type: read, duplicate, unreadable or error;
 *                 detail: the report id, or what it duplicates, or why it was not read
 *
 * Text from reports is the reporters': a field that a spreadsheet would take for a formula (its first
 * character = + - @, a tab or a carriage return) is written with a leading apostrophe (OWASP's advice on
 * CSV injection); numbers are written as they are.
 */

export const CSV_COLUMNS = Object.freeze(['section', 'name', 'type', 'successful', 'failed', 'reports', 'detail']);

/** One CSV field. @param {unknown} value */
export function csvField(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** @param {unknown[][]} rows */
const lines = (rows) => rows.map((r) => r.map(csvField).join(',')).join('\r\n');

/**
 * The aggregate as one CSV text (the sections above, in that order), ending with CRLF.
 * @param {any} agg the aggregate of summarizeTlsRptReports
 */
export function summaryCsv(agg) {
  /** @type {unknown[][]} */
  const rows = [[...CSV_COLUMNS]];
  const period = agg.period ? `${agg.period.start}/${agg.period.end}` : '';
  rows.push(['totals', period, '', agg.totals?.successful ?? 0, agg.totals?.failed ?? 0, agg.reports ?? 0, `duplicates=${agg.duplicates ?? 0}`]);
  for (const d of agg.byDay ?? []) rows.push(['day', d.day, '', d.successful, d.failed, '', '']);
  for (const p of agg.byPolicy ?? []) {
    const detail = [
      p.mode ? `mode=${p.mode}` : '', p.maxAge !== null && p.maxAge !== undefined ? `max_age=${p.maxAge}` : '',
      p.mx?.length ? `mx=${p.mx.join(' ')}` : '', p.organizations?.length ? `reporters=${p.organizations.join(' | ')}` : '',
      p.firstDay ? `days=${p.firstDay}/${p.lastDay}` : '',
    ].filter(Boolean).join('; ');
    rows.push(['policy', p.domain, p.type, p.successful, p.failed, p.reports, detail]);
  }
  for (const m of agg.byMx ?? []) {
    rows.push(['mx', m.mx, '', '', m.failed, '', '']);
    for (const t of m.resultTypes ?? []) rows.push(['mx', m.mx, t.resultType, '', t.failed, '', '']);
  }
  for (const r of agg.byResultType ?? []) rows.push(['result_type', r.resultType, r.known ? 'known' : 'unknown', '', r.failed, '', (r.mx ?? []).join(' ')]);
  for (const o of agg.byOrganization ?? []) rows.push(['organization', o.organization, '', o.successful, o.failed, o.reports, o.contact ?? '']);
  for (const s of agg.bySendingIp ?? []) {
    rows.push(['sending_ip', s.ip, '', '', s.failed, '', '']);
    for (const t of s.resultTypes ?? []) rows.push(['sending_ip', s.ip, t.resultType, '', t.failed, '', '']);
  }
  const errors = new Map((agg.errors ?? []).map((/** @type {any} */ e) => [e.source, e]));
  for (const f of agg.files ?? []) {
    const e = errors.get(f.source);
    const detail = f.status === 'duplicate' ? `duplicate of ${f.duplicateOf ?? ''}`
      : e ? `${e.code}: ${e.message}` : f.reportId ? `report-id=${f.reportId}` : '';
    rows.push(['file', f.source, f.status, '', '', '', detail]);
  }
  return `${lines(rows)}\r\n`;
}

/** The aggregate as JSON text, indented, as summarizeTlsRptReports returned it. @param {any} agg */
export const summaryJson = (agg) => `${JSON.stringify(agg, null, 2)}\n`;

/** A file name for an export: tlsrpt-<first day>_<last day>.<ext>, or tlsrpt-summary.<ext>. @param {any} agg @param {string} ext */
export function exportName(agg, ext) {
  const first = agg.byDay?.[0]?.day;
  const last = agg.byDay?.[agg.byDay.length - 1]?.day;
  return first ? `tlsrpt-${first}_${last}.${ext}` : `tlsrpt-summary.${ext}`;
}
