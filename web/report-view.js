// @ts-check
// The "Reports" view of the mtasts page (#reports): reads TLS-RPT reports (RFC 8460) the user drops or opens
// (.json, .json.gz, .zip, .eml) with the API's summarizeTlsRptReports, and shows the aggregate of
// docs/REPORTS.md: a summary, the sessions per day as a chart, the tables by result type, MX host,
// reporter, policy and sending IP, the files and what was wrong with them; on request, the policy senders
// applied beside the one the domain serves now (the live check); and the aggregate as JSON or CSV.
//
// check-view.js (showView) imports this file the first time #reports is opened; nothing here runs before.
// Rules: the files are read in this tab and never sent anywhere (the only requests are the page's own
// files, and the live check's DNS and policy fetch when the user asks for the comparison); everything
// from a report reaches the DOM as text (dom.mjs), and the chart is built node by node (report-chart.mjs).
import { el } from './dom.mjs';
import { findingItem } from './findings.mjs';
import { load } from './mtasts.mjs';
import { dailyChart } from './report-chart.mjs';
import { exportName, summaryCsv, summaryJson } from './report-export.mjs';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const nf = new Intl.NumberFormat('en-US');
const num = (/** @type {number} */ n) => nf.format(n);
const plural = (/** @type {number} */ n, /** @type {string} */ one, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

const view = $('view-reports');
const input = /** @type {HTMLInputElement} */ ($('report-files'));
const drop = $('report-drop');
const statusLine = $('report-status');
const progress = /** @type {HTMLProgressElement} */ ($('report-progress'));
const result = $('reports-result');
const clearButton = /** @type {HTMLButtonElement} */ ($('report-clear'));
const stopButton = /** @type {HTMLButtonElement} */ ($('report-stop'));

/** The files loaded so far (each drop or opening adds to them; they are read together). @type {File[]} */
let files = [];
/** @type {AbortController | null} */
let running = null;

/**
 * The success rate as shown: one decimal, rounded down, so that a single failure among many sessions never
 * reads 100%. '' when there were no sessions.
 * @param {number} ok @param {number} failed
 */
function rate(ok, failed) {
  const total = ok + failed;
  if (total === 0) return '';
  return `${(Math.floor((ok * 1000) / total) / 10).toFixed(1)}%`;
}

/** A message from the reader without the file name it starts with (the page shows that beside it). @param {any} e */
const messageOf = (e) => {
  const m = String(e?.message ?? '');
  return m.startsWith(`${e?.source}: `) ? m.slice(String(e.source).length + 2) : m;
};

/** "2026-11-28 00:00:00" for "2026-11-28T00:00:00Z". @param {string} iso */
const utc = (iso) => String(iso).replace('T', ' ').replace(/Z$/, '');

function setStatus(/** @type {string} */ text, /** @type {string} */ state) {
  statusLine.textContent = text;
  view.dataset.state = state;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the files

/** @param {FileList | File[]} list */
function add(list) {
  const added = [...list].filter((f) => f instanceof File);
  if (!added.length) return;
  files = [...files, ...added];
  run();
}

async function run() {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const count = files.length;
  setStatus(`Reading ${plural(count, 'file')}…`, 'loading');
  let said = performance.now();
  progress.hidden = false;
  progress.removeAttribute('value'); // indeterminate until the first progress report
  stopButton.hidden = false;
  clearButton.disabled = false;
  let agg;
  try {
    const m = await load();
    // The first call imports report.mjs and its wasm (and fflate or postal-mime when a zip or a mail is met).
    agg = await m.summarizeTlsRptReports(files, {
      signal: controller.signal,
      onProgress: (/** @type {{ done: number, total: number, source: string }} */ p) => {
        if (running !== controller) return;
        progress.max = p.total;
        progress.value = p.done;
        // The status line is a live region: said at most once a second, not once a file.
        const now = performance.now();
        if (now - said < 1000) return;
        said = now;
        statusLine.textContent = `Read ${num(p.done)} of ${plural(p.total, 'file')}…`;
      },
    });
  } catch (err) {
    if (running !== controller) return;
    running = null;
    progress.hidden = true;
    stopButton.hidden = true;
    const aborted = controller.signal.aborted || (err instanceof Error && err.name === 'AbortError');
    setStatus(aborted ? 'Stopped. Open or drop the files again to read them.' : `The files could not be read: ${err instanceof Error ? err.message : String(err)}`, aborted ? 'idle' : 'failed');
    if (aborted) files = [];
    return;
  }
  if (running !== controller) return; // a newer run replaced this one
  running = null;
  progress.hidden = true;
  stopButton.hidden = true;
  render(agg);
  setStatus(overview(agg, count), 'done');
}

/** The result in a sentence or three, for the status line (announced to screen readers). @param {any} agg @param {number} given the files given */
function overview(agg, given) {
  const ok = agg.totals.successful;
  const failed = agg.totals.failed;
  const parts = [`Read ${plural(agg.reports, 'report')} from ${plural(given, 'file')}: `
    + `${plural(ok + failed, 'session')}, ${num(failed)} failed${ok + failed ? ` (${rate(ok, failed)} successful)` : ''}.`];
  if (agg.duplicates) parts.push(`${plural(agg.duplicates, 'duplicate report')} counted once.`);
  if (agg.errors.length) parts.push(`${plural(agg.errors.length, 'file')} could not be read.`);
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/**
 * A table in a keyboard-scrollable region: `id` names it (report-table-<id>); each row has data-key, each
 * cell data-col (the tests read them; the text is what is shown).
 * @param {string} id @param {string} caption
 * @param {{ key: string, label: string, num?: boolean }[]} columns
 * @param {{ key: string, cells: Record<string, Node|string|number|null|undefined> }[]} rows
 */
function table(id, caption, columns, rows) {
  const t = el('table', 'report-table');
  t.id = `report-table-${id}`;
  const head = el('tr');
  for (const c of columns) {
    const th = el('th', c.num ? 'num' : null, c.label);
    th.setAttribute('scope', 'col');
    head.append(th);
  }
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    tr.dataset.key = r.key;
    columns.forEach((c, i) => {
      const v = r.cells[c.key];
      const cell = el(i === 0 ? 'th' : 'td', c.num ? 'num' : null,
        typeof v === 'number' ? num(v) : v === null || v === undefined ? '' : v);
      if (i === 0) cell.setAttribute('scope', 'row');
      cell.dataset.col = c.key;
      tr.append(cell);
    });
    body.append(tr);
  }
  t.append(el('caption', 'vh', caption), el('thead', null, head), body);
  const wrap = el('div', 'table-wrap', t);
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', caption);
  return wrap;
}

/** A section with a heading. @param {string} id @param {string} title @param {...(Node|string|null|false|undefined)} children */
function section(id, title, ...children) {
  const s = el('section', 'report-section');
  s.id = `reports-${id}`;
  const h = el('h3', null, title);
  h.id = `reports-${id}-heading`;
  s.setAttribute('aria-labelledby', h.id);
  s.append(h, ...children.filter((c) => c !== null && c !== undefined && c !== false));
  return s;
}

const code = (/** @type {string} */ s) => el('code', null, s);
const list = (/** @type {string[]} */ items) => (items.length ? el('ul', 'plain', ...items.map((x) => el('li', null, code(x)))) : '');

/** The summary: the totals as a description list (each item data-key), and the exports. @param {any} agg */
function summary(agg) {
  const ok = agg.totals.successful;
  const failed = agg.totals.failed;
  const days = agg.byDay.length;
  const dl = el('dl', 'report-summary');
  /** @param {string} key @param {string} term @param {Node|string} value @param {string} [cls] */
  const item = (key, term, value, cls) => {
    const div = el('div', cls ?? null, el('dt', null, term), el('dd', null, value));
    div.dataset.key = key;
    dl.append(div);
  };
  item('sessions', 'Sessions', num(ok + failed));
  item('successful', 'Successful', num(ok), 'ok');
  item('failed', 'Failed', num(failed), failed ? 'fail' : 'ok');
  item('rate', 'Success rate', rate(ok, failed) || 'no sessions');
  item('period', 'Period (UTC)', agg.period
    ? `${utc(agg.period.start)} to ${utc(agg.period.end)}${days ? ` (${plural(days, 'day')} with reports)` : ''}`
    : 'unknown');
  item('reports', 'Reports', el('span', null, num(agg.reports),
    agg.duplicates ? el('span', 'sub', ` and ${plural(agg.duplicates, 'duplicate')}, counted once`) : ''));
  item('reporters', 'Reporters', agg.byOrganization.length
    ? `${num(agg.byOrganization.length)}: ${agg.byOrganization.map((/** @type {any} */ o) => o.organization || '(unnamed)').join(', ')}`
    : '0');

  const json = el('button', null, 'Download JSON');
  json.setAttribute('type', 'button');
  json.id = 'report-export-json';
  json.addEventListener('click', () => save(summaryJson(agg), exportName(agg, 'json'), 'application/json'));
  const csv = el('button', null, 'Download CSV');
  csv.setAttribute('type', 'button');
  csv.id = 'report-export-csv';
  csv.addEventListener('click', () => save(summaryCsv(agg), exportName(agg, 'csv'), 'text/csv'));
  const exports = el('div', 'actions', el('span', null, 'The summary as a file: '), json, csv,
    el('span', 'hint', 'The CSV holds every table below, one after the other, named in its first column.'));

  let verdict = '';
  if (ok + failed === 0) verdict = 'These reports count no sessions.';
  else if (failed === 0) verdict = 'Every session the reporters counted was protected by TLS as your policy asks.';
  else {
    const top = agg.byResultType[0];
    verdict = `${plural(failed, 'session')} failed${top ? `; the most common failure: ${top.resultType} (${num(top.failed)})` : ''}. `
      + 'Under mode: testing senders delivered those messages anyway; under mode: enforce, a sender that applies MTA-STS '
      + 'does not deliver over a failed session.';
  }
  return section('summary', 'Summary', el('p', `report-verdict ${failed ? 'fail' : 'ok'}`, verdict), dl, exports);
}

/** Files that could not be read, and the duplicates. @param {any} agg */
function notices(agg) {
  const out = [];
  if (agg.errors.length) {
    const ul = el('ul', 'report-errors');
    for (const e of agg.errors) {
      const li = el('li', null, el('strong', null, e.source), `: ${messageOf(e)} `, el('code', 'code', `(${e.code})`));
      li.dataset.source = e.source;
      li.dataset.code = e.code;
      ul.append(li);
    }
    out.push(el('div', 'notice', el('p', 'notice-title', `${plural(agg.errors.length, 'file')} could not be read; the others were:`), ul));
  }
  const dups = agg.files.filter((/** @type {any} */ f) => f.status === 'duplicate');
  if (dups.length) {
    const ul = el('ul', 'report-duplicates');
    for (const f of dups) {
      const li = el('li', null, el('strong', null, f.source), ' is the report already read from ', el('strong', null, f.duplicateOf ?? '?'),
        ` (${f.organization || 'no organization'}, report-id ${f.reportId || '(none)'}): counted once.`);
      li.dataset.source = f.source;
      ul.append(li);
    }
    out.push(el('div', 'notice dup', el('p', 'notice-title', `${plural(dups.length, 'report')} read twice, and counted once`), ul));
  }
  return out.length ? el('div', 'report-notices', ...out) : null;
}

/** @param {any} agg */
function byResultType(agg) {
  if (!agg.byResultType.length) return section('types', 'Failures by result type', el('p', 'hint', 'No failures were reported.'));
  const rows = agg.byResultType.map((/** @type {any} */ r) => ({
    key: r.resultType,
    cells: {
      resultType: code(r.resultType),
      failed: r.failed,
      meaning: r.known
        ? el('div', 'explain', el('p', null, r.meaning), el('p', null, el('strong', null, 'Likely cause: '), r.cause),
          el('p', null, el('strong', null, 'Fix: '), r.fix), r.rfc ? el('p', 'finding-rfc', `See ${r.rfc}`) : '')
        : el('div', 'explain', el('p', null, 'Not one of the result types of RFC 8460 §4.3: the reporter\'s own. '
          + 'Its additional-information, in the JSON export, may say more.')),
      mx: list(r.mx ?? []),
    },
  }));
  return section('types', 'Failures by result type',
    table('type', 'Failures by result type', [
      { key: 'resultType', label: 'Result type' }, { key: 'failed', label: 'Failed sessions', num: true },
      { key: 'meaning', label: 'What it means, and the fix' }, { key: 'mx', label: 'MX hosts' }], rows));
}

const typesText = (/** @type {any[]} */ types) => (types ?? []).map((t) => `${t.resultType}: ${num(t.failed)}`).join(', ');

/** @param {any} agg */
function byMx(agg) {
  const note = el('p', 'hint', 'RFC 8460 counts successful sessions per policy, not per MX host: this table counts failures only.');
  if (!agg.byMx.length) return section('mx', 'Failures by MX host', el('p', 'hint', 'No failures were reported.'));
  return section('mx', 'Failures by MX host', note, table('mx', 'Failures by MX host', [
    { key: 'mx', label: 'MX host' }, { key: 'failed', label: 'Failed sessions', num: true }, { key: 'resultTypes', label: 'Result types' }],
  agg.byMx.map((/** @type {any} */ m) => ({ key: m.mx, cells: { mx: code(m.mx), failed: m.failed, resultTypes: typesText(m.resultTypes) } }))));
}

/** @param {any} agg */
function byOrganization(agg) {
  return section('orgs', 'By reporter', table('org', 'Sessions by reporter', [
    { key: 'organization', label: 'Reporter' }, { key: 'contact', label: 'Contact' }, { key: 'reports', label: 'Reports', num: true },
    { key: 'successful', label: 'Successful', num: true }, { key: 'failed', label: 'Failed', num: true }, { key: 'rate', label: 'Success rate', num: true }],
  agg.byOrganization.map((/** @type {any} */ o) => ({
    key: o.organization,
    cells: { organization: o.organization || '(unnamed)', contact: o.contact, reports: o.reports, successful: o.successful, failed: o.failed, rate: rate(o.successful, o.failed) },
  }))));
}

/** What a policy row says, in a sentence: "mode testing, max_age 86400, mx mx1.example.com". @param {{mode?: string|null, maxAge?: number|null, mx?: string[]}} p */
function policyWords(p) {
  const parts = [];
  if (p.mode) parts.push(`mode ${p.mode}`);
  if (p.maxAge !== null && p.maxAge !== undefined) parts.push(`max_age ${p.maxAge}`);
  if (p.mx?.length) parts.push(`mx ${p.mx.join(', ')}`);
  return parts.join(', ');
}

/** What a policy row says when it has no mode, max_age or mx to show. */
const APPLIED = { 'no-policy-found': 'no policy found', tlsa: 'DANE: the TLSA records, in the policy string' };

/** @param {any} agg */
function byPolicy(agg) {
  const rows = agg.byPolicy.map((/** @type {any} */ p, /** @type {number} */ i) => {
    const text = (p.string ?? []).join('\n');
    return {
      key: `${p.type} ${p.domain}#${i}`,
      cells: {
        domain: p.domain ? code(p.domain) : '(none given)',
        type: p.type,
        applied: el('div', null, policyWords(p) || APPLIED[/** @type {keyof typeof APPLIED} */ (p.type)] || 'not written in the report',
          text ? el('details', 'policy-string', el('summary', null, 'The policy string'), el('pre', 'src', el('code', null, text))) : ''),
        reports: p.reports, successful: p.successful, failed: p.failed,
        days: p.firstDay ? (p.firstDay === p.lastDay ? p.firstDay : `${p.firstDay} to ${p.lastDay}`) : '',
        organizations: (p.organizations ?? []).join(', '),
      },
    };
  });
  return section('policies', 'By policy', el('p', 'hint', 'The policy each sender applied, as it wrote it in its reports.'),
    table('policy', 'Sessions by the policy senders applied', [
      { key: 'domain', label: 'Domain' }, { key: 'type', label: 'Type' }, { key: 'applied', label: 'Policy applied' },
      { key: 'reports', label: 'Reports', num: true }, { key: 'successful', label: 'Successful', num: true },
      { key: 'failed', label: 'Failed', num: true }, { key: 'days', label: 'Days' }, { key: 'organizations', label: 'Reporters' }], rows),
    compare(agg));
}

/** Rows of the sending-server table shown at most; the export has them all. */
const IP_ROWS = 1000;

/**
 * Failures by sending server, built when first opened, and at most IP_ROWS rows of it: a large report can
 * list tens of thousands of addresses (43,000 in the 10 MB report of ./tools/bench, whose table alone cost
 * seconds to build, closed); the CSV and JSON exports hold every one.
 * @param {any} agg
 */
function bySendingIp(agg) {
  const all = agg.bySendingIp ?? [];
  if (!all.length) return null;
  const d = /** @type {HTMLDetailsElement} */ (el('details', 'report-more',
    el('summary', null, `Failures by sending server (${plural(all.length, 'address', 'addresses')})`)));
  d.addEventListener('toggle', () => {
    if (!d.open || d.querySelector('table')) return;
    const shown = all.slice(0, IP_ROWS);
    d.append(table('ip', 'Failures by sending server', [
      { key: 'ip', label: 'Sending IP' }, { key: 'failed', label: 'Failed sessions', num: true }, { key: 'resultTypes', label: 'Result types' }],
    shown.map((/** @type {any} */ s) => ({ key: s.ip, cells: { ip: code(s.ip), failed: s.failed, resultTypes: typesText(s.resultTypes) } }))));
    if (all.length > shown.length) {
      d.append(el('p', 'hint', `The ${num(shown.length)} addresses with the most failed sessions are shown; the other ${num(all.length - shown.length)} are in the CSV and JSON exports.`));
    }
  });
  return section('ips', 'By sending server', d);
}

const STATUS_WORDS = { read: 'read', duplicate: 'duplicate, counted once', unreadable: 'not a readable report', error: 'could not be opened' };

/**
 * Every input (a file, or an entry of an archive or a mail) with its status, reporter, report id and
 * findings. Built when first opened: a year of daily reports is a thousand rows that nobody may look at, and
 * what went wrong is said above it already (notices()).
 * @param {any} agg
 */
function fileList(agg) {
  const bad = agg.files.filter((/** @type {any} */ f) => f.status !== 'read').length;
  const d = /** @type {HTMLDetailsElement} */ (el('details', 'report-more', el('summary', null,
    `Each report and file, one by one: ${plural(agg.files.length, 'entry', 'entries')}, ${bad ? `${num(bad)} not counted` : 'all read'}`)));
  d.addEventListener('toggle', () => { if (d.open && !d.querySelector('table')) d.append(fileTable(agg)); });
  return section('files', 'Files', d);
}

/** @param {any} agg */
function fileTable(agg) {
  const errors = new Map(agg.errors.map((/** @type {any} */ e) => [e.source, e]));
  const rows = agg.files.map((/** @type {any} */ f, /** @type {number} */ i) => {
    const e = errors.get(f.source);
    const findings = (f.findings ?? []);
    const notes = el('div', null,
      f.status === 'duplicate' ? `Same report as ${f.duplicateOf}. ` : '',
      e ? `${messageOf(e)} ` : '',
      findings.length
        ? el('details', 'file-findings', el('summary', null, plural(findings.length, 'finding')),
          el('ol', 'findings', ...findings.map((/** @type {any} */ x) => findingItem(x))))
        : '');
    return {
      key: `${i}`,
      cells: {
        source: f.source,
        status: STATUS_WORDS[/** @type {keyof typeof STATUS_WORDS} */ (f.status)] ?? f.status,
        organization: f.organization ?? '', reportId: f.reportId ?? '', notes,
      },
    };
  });
  const t = table('file', 'The files read', [
    { key: 'source', label: 'File' }, { key: 'status', label: 'Status' }, { key: 'organization', label: 'Reporter' },
    { key: 'reportId', label: 'Report id' }, { key: 'notes', label: 'Notes and findings' }], rows);
  const trs = t.querySelectorAll('tbody tr');
  agg.files.forEach((/** @type {any} */ f, /** @type {number} */ i) => { /** @type {HTMLElement} */ (trs[i]).dataset.status = f.status; });
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// The policy senders applied, beside the one served now (the live check, on request)

/** The check view's saved settings (local storage), for the same resolver and relay. */
function checkSettings() {
  try {
    const s = JSON.parse(localStorage.getItem('mtasts.settings') ?? 'null') ?? {};
    return {
      resolver: typeof s.resolver === 'string' && /^https:\/\//i.test(s.resolver) ? s.resolver : undefined,
      relay: typeof s.relay === 'string' && s.relay ? s.relay : undefined,
    };
  } catch {
    return { resolver: undefined, relay: undefined };
  }
}

/** The host of a URL. @param {string | undefined} url */
function hostOf(url) {
  try {
    return url ? new URL(url).host : 'cloudflare-dns.com';
  } catch {
    return String(url);
  }
}

/**
 * How the applied policy differs from the live one: ["mode testing → enforce", ...]; [] when the same.
 * @param {any} applied a byPolicy row @param {any} live the live report's policy
 */
function policyChanges(applied, live) {
  const out = [];
  if (applied.mode && live.mode && applied.mode !== live.mode) out.push(`mode ${applied.mode} → ${live.mode}`);
  if (applied.maxAge !== null && applied.maxAge !== undefined && live.max_age !== null && live.max_age !== undefined && applied.maxAge !== live.max_age) {
    out.push(`max_age ${applied.maxAge} → ${live.max_age}`);
  }
  const a = new Set((applied.mx ?? []).map((/** @type {string} */ x) => x.toLowerCase()));
  const l = new Set((live.mx ?? []).map((/** @type {string} */ x) => x.toLowerCase()));
  const added = [...l].filter((x) => !a.has(x));
  const removed = [...a].filter((x) => !l.has(x));
  if (added.length) out.push(`mx added: ${added.join(', ')}`);
  if (removed.length) out.push(`mx removed: ${removed.join(', ')}`);
  return out;
}

/** One block per policy domain: what senders applied, and a button that runs the live check. @param {any} agg */
function compare(agg) {
  const domains = [...new Set(agg.byPolicy.map((/** @type {any} */ p) => String(p.domain ?? '').toLowerCase()).filter(Boolean))];
  if (!domains.length) return el('p', 'hint', 'The reports name no policy domain, so there is nothing to compare with a live check.');
  const box = el('div', 'report-compare');
  box.append(el('h4', null, 'The policy senders applied, and the one you serve now'),
    el('p', 'hint', 'The comparison runs the live check of the "Check a domain" view: it asks your DNS resolver '
      + `(${hostOf(checkSettings().resolver)}, set in that view's settings) and fetches the policy from your policy host. `
      + 'Nothing from the reports is sent.'));
  for (const domain of domains) {
    const applied = agg.byPolicy.filter((/** @type {any} */ p) => String(p.domain ?? '').toLowerCase() === domain);
    const item = el('div', 'compare-item');
    item.dataset.domain = domain;
    const ul = el('ul', 'applied');
    for (const p of applied) {
      const who = (p.organizations ?? []).join(', ') || 'the reporters';
      const when = p.firstDay ? (p.firstDay === p.lastDay ? ` on ${p.firstDay}` : ` from ${p.firstDay} to ${p.lastDay}`) : '';
      const what = p.type === 'sts' ? `applied ${policyWords(p) || 'a policy they did not write out'}`
        : p.type === 'no-policy-found' ? 'found no policy' : p.type === 'tlsa' ? 'applied DANE (TLSA)' : `applied a ${p.type} policy`;
      ul.append(el('li', null, `${who} ${what}${when} (${plural(p.successful + p.failed, 'session')}).`));
    }
    const button = el('button', null, `Compare with what ${domain} serves now`);
    button.setAttribute('type', 'button');
    const out = el('div', 'compare-result');
    out.setAttribute('role', 'status');
    out.setAttribute('aria-live', 'polite');
    button.addEventListener('click', () => liveCompare(domain, applied, /** @type {HTMLButtonElement} */ (button), out));
    item.append(el('p', 'compare-domain', el('strong', null, domain), ': senders'), ul, button, out);
    box.append(item);
  }
  return box;
}

/**
 * @param {string} domain @param {any[]} applied the byPolicy rows of the domain
 * @param {HTMLButtonElement} button @param {HTMLElement} out
 */
async function liveCompare(domain, applied, button, out) {
  button.disabled = true;
  out.dataset.state = 'running';
  out.replaceChildren(el('p', null, `Checking ${domain}…`));
  const settings = checkSettings();
  let report;
  try {
    const m = await load();
    report = await m.checkDomain(domain, { resolver: settings.resolver, relay: settings.relay });
  } catch (err) {
    out.dataset.state = 'failed';
    out.replaceChildren(el('p', 'bad', `The live check of ${domain} failed: ${err instanceof Error ? err.message : String(err)}`));
    button.disabled = false;
    return;
  }
  button.disabled = false;
  const full = /** @type {HTMLAnchorElement} */ (el('a', null, `the full check of ${domain}`));
  full.href = `?domain=${encodeURIComponent(domain)}#check`;
  const live = report.policy;
  const id = report.sts?.id ? ` (policy id ${report.sts.id} in _mta-sts.${domain})` : '';
  const nodes = [];
  if (live && live.mode) {
    out.dataset.state = 'done';
    nodes.push(el('p', 'live', `You now serve ${policyWords({ mode: live.mode, maxAge: live.max_age, mx: live.mx }) || 'a policy'}${id}.`));
    const changes = el('ul', 'changes');
    for (const p of applied.filter((x) => x.type === 'sts')) {
      const diff = policyChanges(p, live);
      const who = (p.organizations ?? []).join(', ') || 'the reporters';
      changes.append(el('li', null, diff.length
        ? `Since what ${who} applied: ${diff.join('; ')}.`
        : `${who} applied the policy you serve now.`));
    }
    if (changes.firstChild) nodes.push(changes);
    nodes.push(el('p', 'hint', 'Senders keep a policy for up to its max_age and fetch it again when the id in _mta-sts changes: '
      + 'a change shows in their reports only after that.'));
  } else {
    out.dataset.state = 'unread';
    const fetchCheck = (report.checks ?? []).find((/** @type {any} */ c) => c.id === 'policy_fetch');
    const policyCheck = (report.checks ?? []).find((/** @type {any} */ c) => c.id === 'policy');
    const stsCheck = (report.checks ?? []).find((/** @type {any} */ c) => c.id === 'sts');
    const why = live && !live.mode ? (policyCheck?.summary || 'the policy was read but is not valid')
      : fetchCheck?.summary || stsCheck?.summary || report.grade_reason || 'no answer';
    nodes.push(el('p', 'bad', `The live check could not read the policy ${domain} serves now: ${why}.`.replace(/\.\.$/, '.')));
  }
  nodes.push(el('p', null, 'See ', full, ' for the details and fixes.'));
  out.replaceChildren(...nodes);
}

// ---------------------------------------------------------------------------------------------------------

/** The whole result. @param {any} agg */
function render(agg) {
  const parts = [summary(agg), notices(agg)];
  if (agg.byDay.length) parts.push(section('days', 'Sessions per day', dailyChart(agg.byDay)));
  else if (agg.reports) parts.push(section('days', 'Sessions per day', el('p', 'hint', 'No report had a start date that could be read, so no day can be shown.')));
  if (agg.reports) parts.push(byResultType(agg), byMx(agg), byOrganization(agg), byPolicy(agg), bySendingIp(agg));
  parts.push(fileList(agg));
  result.replaceChildren(...parts.filter((p) => p !== null));
  result.hidden = false;
}

/** Saves `text` as a download: a Blob, an object URL and an <a download> (allowed by the page's CSP). */
function save(/** @type {string} */ text, /** @type {string} */ name, /** @type {string} */ type) {
  const a = /** @type {HTMLAnchorElement} */ (el('a'));
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function clear() {
  running?.abort();
  running = null;
  files = [];
  input.value = '';
  result.replaceChildren();
  result.hidden = true;
  progress.hidden = true;
  stopButton.hidden = true;
  clearButton.disabled = true;
  setStatus('Open or drop TLS-RPT report files to read them.', 'idle');
}

function boot() {
  input.addEventListener('change', () => {
    if (input.files?.length) add(input.files);
    input.value = ''; // the same file opened again is another change
  });
  // The whole view takes a drop (the drop zone shows it), so a file dropped beside the zone is read, not opened
  // by the browser in place of the page.
  let depth = 0;
  view.addEventListener('dragenter', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    depth += 1;
    drop.classList.add('dragging');
  });
  view.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) drop.classList.remove('dragging');
  });
  view.addEventListener('dragover', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  view.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    drop.classList.remove('dragging');
    if (e.dataTransfer?.files.length) add(e.dataTransfer.files);
  });
  clearButton.addEventListener('click', clear);
  stopButton.addEventListener('click', () => running?.abort());
  input.disabled = false; // disabled in index.html until this code is here to read what is chosen
  setStatus('Open or drop TLS-RPT report files to read them.', 'idle');
}

boot();
// The reader (report.mjs and its wasm) is fetched and warmed now, while a person picks files, so that the first
// files are read by code the engine has already optimised (warmReportCore). Nothing is read or sent; a
// failure here is left to the real call, which says it. fflate and postal-mime still wait for a zip or a mail.
setTimeout(() => { import('./report.mjs').then((r) => r.warmReportCore()).catch(() => {}); }, 0);
