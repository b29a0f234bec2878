// @ts-check
// The "Check a domain" view of the mtasts page (#check, the default): runs checkDomain from the browser and
// shows the grade, each check with its evidence and findings, and fixes built from the live data; and the switch
// between the two views.
// Rules: every string from DNS, a policy, a relay or the user reaches the DOM as text (textContent, never
// markup); the only requests are the page's own files, the chosen resolver, the policy host and the relay.
import { el } from './dom.mjs';
import { findingItem, statusBadge, domainName, recordName } from './findings.mjs';
// fixes.mjs (the fixes, the history entry, reading what was typed) loads with the first check, not with the
// page: the page's first visit has a size budget (tests/e2e/size.test.mjs).
/** @type {typeof import('./fixes.mjs')} */
let fx;

const DEFAULT_RESOLVER = 'https://cloudflare-dns.com/dns-query';
const PRESETS = [DEFAULT_RESOLVER, 'https://dns.google/dns-query'];
const STORE = { settings: 'mtasts.settings', history: 'mtasts.history' };
const HISTORY_MAX = 20;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The host of a URL, or the text itself when it is not one. @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Views (#check, #lint, #reports)

/** The Reports view's code, imported the first time #reports is opened (never on a first visit of the check). */
/** @type {Promise<unknown> | null} */
let reportsLoading = null;

function showView() {
  const view = location.hash === '#lint' ? 'lint' : location.hash === '#reports' ? 'reports' : 'check';
  document.body.dataset.view = view;
  for (const v of ['check', 'lint', 'reports']) {
    $(`view-${v}`).hidden = v !== view;
    if (v === view) $(`tab-${v}`).setAttribute('aria-current', 'page');
    else $(`tab-${v}`).removeAttribute('aria-current');
  }
  if (view === 'reports') {
    reportsLoading ??= import('./report-view.js').catch((err) => {
      reportsLoading = null; // a later visit to the view tries again
      $('view-reports').dataset.state = 'failed';
      $('report-status').textContent = `The report reader did not load: ${err instanceof Error ? err.message : String(err)}`;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Settings (local storage)

function readJson(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? 'null');
    return v ?? fallback;
  } catch {
    return fallback;
  }
}
function writeJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** A resolver given in a shared link (?resolver=): used for this visit, remembered only when saved. */
let resolverOverride = '';

/** @returns {{ resolver: string, relay: string }} */
function loadSettings() {
  const s = readJson(STORE.settings, {});
  return {
    resolver: resolverOverride
      || (typeof s.resolver === 'string' && /^https:\/\//i.test(s.resolver) ? s.resolver : DEFAULT_RESOLVER),
    relay: typeof s.relay === 'string' ? s.relay : '',
  };
}

function settingsToForm(settings) {
  const radios = /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="resolver"]'));
  let matched = false;
  for (const r of radios) {
    r.checked = r.value === settings.resolver;
    matched ||= r.checked;
  }
  const custom = /** @type {HTMLInputElement} */ ($('resolver-custom'));
  if (!matched) {
    /** @type {HTMLInputElement} */ ($('resolver-custom-choice')).checked = true;
    custom.value = settings.resolver;
  }
  /** @type {HTMLInputElement} */ ($('relay')).value = settings.relay;
  $('resolver-name').textContent = hostOf(settings.resolver);
}

/** @returns {{ settings?: { resolver: string, relay: string }, error?: string }} */
function settingsFromForm() {
  const chosen = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="resolver"]:checked'));
  let resolver = chosen?.value ?? DEFAULT_RESOLVER;
  if (resolver === 'custom') resolver = /** @type {HTMLInputElement} */ ($('resolver-custom')).value.trim();
  try {
    const u = new URL(resolver);
    if (u.protocol !== 'https:') return { error: 'The resolver URL must start with https://.' };
  } catch {
    return { error: 'The resolver URL is not a URL.' };
  }
  const relay = /** @type {HTMLInputElement} */ ($('relay')).value.trim();
  if (relay !== '') {
    if (!relay.includes('{url}')) return { error: 'The relay template must contain {url}.' };
    try {
      const u = new URL(relay.replace('{url}', 'x'));
      if (u.protocol !== 'https:' && u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') {
        return { error: 'The relay must use https:// (or be on this machine).' };
      }
    } catch {
      return { error: 'The relay template is not a URL.' };
    }
  }
  return { settings: { resolver, relay } };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering a report

const resultBox = () => $('check-result');

function kv(/** @type {Array<[string, Node|string|null|undefined]>} */ rows) {
  const dl = el('dl', 'evidence');
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('dt', null, k), el('dd', null, v));
  }
  return dl;
}

function codeBlock(/** @type {string} */ text) {
  return el('pre', 'src', el('code', null, text));
}

/** The policy text, line by line, with the lines that have findings marked. */
function policyLines(/** @type {string} */ text, /** @type {any[]} */ findings) {
  const byLine = new Map();
  for (const f of findings) if (f.line) byLine.set(f.line, [...(byLine.get(f.line) ?? []), f]);
  const list = el('ol', 'policy-lines');
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  lines.slice(0, 2000).forEach((line, i) => {
    const fs = byLine.get(i + 1) ?? [];
    const li = el('li', fs.length ? `marked ${fs.some((f) => f.severity === 'error') ? 'error' : fs.some((f) => f.severity === 'warning') ? 'warning' : 'info'}` : null,
      el('code', null, line.replace(/\r$/, '') || ' '));
    for (const f of fs) li.append(el('span', 'line-note', `${f.severity}: ${f.message}`));
    list.append(li);
  });
  if (lines.length > 2000) list.append(el('li', 'more', `… ${lines.length - 2000} more lines`));
  return list;
}

function evidenceFor(/** @type {any} */ check, /** @type {any} */ report) {
  const box = el('div', 'check-evidence');
  switch (check.id) {
    case 'sts': {
      if (report.sts) {
        box.append(kv([
          ['Name', recordName('_mta-sts.', report)],
          ['CNAME', report.sts.aliases.length ? report.sts.aliases.join(' → ') : null],
          ['DNSSEC', report.sts.ad ? 'validated (AD)' : 'not validated'],
        ]));
        if (report.sts.records.length) {
          box.append(el('p', 'label', `TXT records (${report.sts.records.length}), strings joined:`));
          const ul = el('ul', 'records');
          for (const r of report.sts.records) ul.append(el('li', r === report.sts.record ? 'chosen' : null, el('code', null, r)));
          box.append(ul);
        }
      }
      break;
    }
    case 'policy_fetch': {
      const p = report.policy;
      box.append(kv([
        ['URL', `https://mta-sts.${report.domain}/.well-known/mta-sts.txt`],
        ['Host', report.domain_unicode ? recordName('mta-sts.', report) : null],
        ['Source', p ? { fetched: 'fetched by your browser', relay: 'fetched through your relay', pasted: 'pasted by you' }[p.source] : null],
        ['HTTP status', p && p.status !== null ? String(p.status) : null],
        ['Content-Type', p ? (p.content_type ?? (p.source === 'pasted' ? null : '(none)')) : null],
        ['Size', p ? `${p.size} bytes` : null],
      ]));
      if (check.findings.some((f) => f.code === 'policy.fetch.cors_blocked') && (!p || p.source !== 'pasted')) {
        box.append(pasteOffer(report));
      }
      break;
    }
    case 'policy': {
      const p = report.policy;
      if (p) {
        box.append(kv([['Mode', p.mode], ['max_age', p.max_age === null ? null : `${p.max_age} s (${(p.max_age / 86400).toFixed(1)} days)`]]));
        box.append(policyLines(p.text, check.findings));
      }
      break;
    }
    case 'mx': {
      if (report.mx.length) {
        const table = el('table', 'mx-table');
        table.append(el('thead', null, el('tr', null, el('th', null, 'MX host'), el('th', null, 'Preference'),
          el('th', null, 'Covered by the policy'), el('th', null, 'TLSA (DANE)'))));
        const body = el('tbody');
        for (const m of report.mx) {
          const covered = m.covered === null ? 'unknown' : m.covered ? `yes: ${m.pattern}` : 'no';
          const tlsa = m.tlsa === null ? '—' : m.tlsa.records === 0 ? 'none' : `${m.tlsa.records} record${m.tlsa.records === 1 ? '' : 's'}${m.tlsa.ad ? ', validated' : ', not validated'}`;
          body.append(el('tr', m.covered === false ? 'uncovered' : null, el('td', null, el('code', null, m.host)),
            el('td', null, report.mx_kind === 'implicit' ? 'implicit' : String(m.preference)), el('td', null, covered), el('td', null, tlsa)));
        }
        table.append(body);
        // A region that may scroll sideways must be reachable by keyboard.
        const wrap = el('div', 'table-wrap', table);
        wrap.tabIndex = 0;
        wrap.setAttribute('role', 'region');
        wrap.setAttribute('aria-label', 'MX hosts');
        box.append(wrap);
      }
      break;
    }
    case 'tlsrpt': {
      const t = report.tlsrpt;
      if (t) {
        box.append(kv([['Name', recordName('_smtp._tls.', report)], ['Reports go to', t.rua.length ? t.rua.join(', ') : null]]));
        if (t.records.length) {
          const ul = el('ul', 'records');
          for (const r of t.records) ul.append(el('li', r === t.record ? 'chosen' : null, el('code', null, r)));
          box.append(ul);
        }
      }
      break;
    }
    case 'dane': {
      box.append(kv([
        ['MX answer', report.dnssec.mx_ad === null ? null : report.dnssec.mx_ad ? 'DNSSEC-validated (AD)' : 'not validated'],
        ['Resolver', report.resolver],
      ]));
      break;
    }
    default:
  }
  return box;
}

/** The paste form shown when the browser may not read the policy. */
function pasteOffer(/** @type {any} */ report) {
  const url = `https://mta-sts.${report.domain}/.well-known/mta-sts.txt`;
  const id = `paste-${report.domain.replace(/[^a-z0-9]/g, '-')}`;
  const form = el('form', 'paste-offer');
  const link = /** @type {HTMLAnchorElement} */ (el('a', null, 'Open the policy in a new tab'));
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  const label = el('label', null, 'Paste the policy file here to finish the check:');
  label.setAttribute('for', id);
  const area = /** @type {HTMLTextAreaElement} */ (el('textarea'));
  area.id = id;
  area.rows = 6;
  area.spellcheck = false;
  const button = el('button', null, 'Finish the check with this policy');
  button.setAttribute('type', 'submit');
  form.append(el('p', null, 'Your browser may not read this policy (its host sends no CORS header). ', link,
    ', copy all of it, and paste it below; or set a relay in the settings.'), label, area, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (area.value.trim() === '') { area.focus(); return; }
    runCheck(report.input, { policyText: area.value });
  });
  return form;
}

function renderChecks(/** @type {any} */ report, /** @type {boolean} */ final) {
  const list = $('checks');
  const open = new Set([...list.querySelectorAll('details[open]')].map((d) => /** @type {HTMLElement} */ (d).dataset.id));
  list.replaceChildren();
  for (const check of report.checks) {
    const details = /** @type {HTMLDetailsElement} */ (el('details', `check ${check.status}`));
    details.dataset.id = check.id;
    details.dataset.status = check.status;
    if (open.has(check.id) || (final && (check.status === 'fail' || (check.status === 'unknown' && check.findings.length)))) details.open = true;
    const summary = el('summary', null,
      statusBadge(check.status),
      el('span', 'check-title', check.title),
      el('span', 'check-summary', check.summary));
    details.append(summary, evidenceFor(check, report));
    if (check.findings.length) {
      const ol = el('ol', 'findings');
      for (const f of check.findings) ol.append(findingItem(f, { domain: report.domain }));
      details.append(ol);
    }
    list.append(el('li', null, details));
  }
  // A cause about no one check (the resolver) is shown once, in the lead (renderCause), not again here.
  const cause = report.cause && report.cause.check === null ? report.cause : null;
  const domainFindings = report.findings.filter((/** @type {any} */ f) => f.check === null
    && !(cause && f.code === cause.code && f.message === cause.message));
  if (domainFindings.length) {
    const ol = el('ol', 'findings');
    for (const f of domainFindings) ol.append(findingItem(f, { domain: report.domain }));
    list.prepend(el('li', 'domain-findings', ol));
  }
}

/**
 * The one broken layer when failures cascade (report.cause): its headline, then its finding when
 * it belongs to no check (else the check's row has it, opened), and the checks left unchecked.
 */
function renderCause(/** @type {any} */ report) {
  const box = $('cause');
  const body = $('cause-body');
  const cause = report.cause;
  box.hidden = !cause;
  if (!cause) {
    body.replaceChildren();
    delete box.dataset.code;
    return;
  }
  box.dataset.code = cause.code;
  box.dataset.check = cause.check ?? '';
  const headline = String(cause.headline);
  const parts = [el('p', 'cause-headline', headline.charAt(0).toUpperCase() + headline.slice(1) + '.')];
  const title = (/** @type {string} */ id) => report.checks.find((/** @type {any} */ c) => c.id === id)?.title ?? id;
  if (cause.check === null) {
    const f = report.findings.find((/** @type {any} */ x) => x.check === null && x.code === cause.code);
    if (f) parts.push(el('ol', 'findings', findingItem(f, { domain: report.domain })));
  } else {
    parts.push(el('p', null, `The evidence and the fix are in “${title(cause.check)}” below.`));
    const row = /** @type {HTMLDetailsElement | null} */ (document.querySelector(`#checks details[data-id="${cause.check}"]`));
    if (row) row.open = true;
  }
  if (cause.affects.length) {
    parts.push(el('p', 'hint', `Not checked because of it: ${cause.affects.map(title).join(', ')}.`));
  }
  body.replaceChildren(...parts);
}

function renderVerdict(/** @type {any} */ report, /** @type {boolean} */ final) {
  const grade = $('grade');
  $('grade-value').textContent = report.grade ?? (final ? 'none' : '…');
  grade.dataset.grade = report.grade ?? '';
  let verdict = report.grade_reason;
  if (!final) verdict = `Checking ${domainName(report)}…`;
  $('verdict').textContent = verdict;
  const settled = report.checks.filter((/** @type {any} */ c) => c.status !== 'pending').length;
  $('progress').textContent = final
    ? `${domainName(report)} · ${report.complete ? 'complete' : 'incomplete'} · ${Math.round(report.timings.total_ms)} ms · resolver ${hostOf(report.resolver)}`
    : `${settled} of ${report.checks.length} checks done`;
}

function renderFixes(/** @type {any} */ report) {
  const box = $('fixes-body');
  box.replaceChildren();
  const now = new Date();
  const items = [];
  const fetchCheck = report.checks.find((/** @type {any} */ c) => c.id === 'policy_fetch');
  const policyUnread = !report.policy && fetchCheck && fetchCheck.status === 'unknown';
  const good = report.grade === 'A' || report.grade === 'A+';
  $('fixes-heading').textContent = good ? 'Your records, for reference (nothing to fix)' : 'Fixes, from your live data';
  const can = fx.observedFixes(report);
  let policy = policyUnread || !mtasts || !can.policy ? null : fx.suggestedPolicy(report, mtasts);
  if (policy && !mtasts.lintPolicy(policy.text).valid) policy = null; // never offer a policy senders would reject
  if (policy) {
    const notes = el('ul', 'notes');
    for (const n of policy.notes) notes.append(el('li', null, n));
    if (report.policy && report.policy.valid && policy.notes.length === 0) notes.append(el('li', null, 'Unchanged: this is the policy you serve.'));
    items.push(fixItem(`Policy file: https://mta-sts.${report.domain}/.well-known/mta-sts.txt (Content-Type: text/plain)`
      + (report.domain_unicode ? `, the host ${recordName('mta-sts.', report)}` : ''), policy.text, notes));
  } else if (policyUnread) {
    items.push(el('p', 'notes', 'Your current policy could not be read from the browser, so no corrected policy is offered: '
      + 'paste it in the policy row above to get one built from it.'));
  }
  if (report.mx_kind !== 'null') {
    if (can.sts) {
      const sts = fx.suggestedStsRecord(report, now);
      items.push(fixItem(`TXT record ${recordName('_mta-sts.', report)} (a fresh id: publish it only after the policy file changes)`, sts.value));
    }
    if (can.tlsrpt) {
      const rpt = fx.suggestedTlsRpt(report);
      items.push(fixItem(`TXT record ${recordName('_smtp._tls.', report)}${rpt.existing ? ' (yours, valid)' : ' (change the address to a mailbox you read)'}`, rpt.value));
    }
  }
  if (can.note) items.push(el('p', 'notes unobserved', can.note));
  if (!items.length) {
    $('fixes').hidden = true;
    return;
  }
  for (const item of items) box.append(item);
  if (policy || can.sts || can.tlsrpt) {
    const order = el('ol', 'rollout');
    for (const step of fx.ROLLOUT) order.append(el('li', null, step.replaceAll('<domain>', report.domain)));
    box.append(el('h4', null, 'Safe order for a new deployment'), order);
  }
  $('fixes').hidden = false;
}

// ---------------------------------------------------------------------------------------------------------
// The change plan (the core's changePlan: dates from the live max_age and TTLs). Its page code (plan-view.js)
// and the report module that computes it load when a person opens the plan, never on a first visit or a check.

/** @type {Promise<typeof import('./plan-view.js')> | null} */
let planLoading = null;
/** @type {typeof import('./plan-view.js') | null} */
let planView = null;

/**
 * Whether a final report gets a plan: one is built from what was observed, so none for an invalid domain,
 * nor when the resolver failed and nothing was (report.cause about no one check; a domain that does not
 * exist was observed).
 */
function planFits(/** @type {any} */ report) {
  const blind = report.cause && report.cause.check === null && report.cause.code !== 'domain.not_found';
  return Boolean(report.domain) && !blind && !report.findings.some((/** @type {any} */ f) => f.code === 'domain.invalid');
}

/** Offers the plan of a final report it fits (drawn at once when the plan is open already); hides it otherwise. */
function offerPlan(/** @type {any} */ report) {
  const section = $('plan');
  section.hidden = !mtasts || !report || !planFits(report);
  if (!section.hidden && /** @type {HTMLDetailsElement} */ ($('plan-open')).open) openPlan();
}

/** The plan was opened, or a final report came while it was open: loads its code once, then draws it. */
function openPlan() {
  const report = lastReport;
  const section = $('plan');
  if (!report || section.hidden) return;
  if (!planView) {
    section.dataset.state = 'loading';
    $('plan-status').textContent = 'Loading the change plan…';
  }
  planLoading ??= import('./plan-view.js');
  planLoading.then((view) => {
    planView = view;
    if (lastReport === report && !section.hidden) view.showPlan(report, { mtasts, fixItem, save });
  }, (err) => {
    planLoading = null; // opening the plan again tries again
    if (lastReport !== report) return;
    section.dataset.state = 'failed';
    $('plan-status').textContent = `The change plan did not load: ${err instanceof Error ? err.message : String(err)}`;
  });
}

function fixItem(/** @type {string} */ title, /** @type {string} */ text, /** @type {Node} */ extra = undefined) {
  const button = el('button', 'copy', 'Copy');
  button.setAttribute('type', 'button');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
  });
  return el('div', 'fix', el('p', 'fix-title', title), codeBlock(text), button, extra);
}

// ---------------------------------------------------------------------------------------------------------
// History

/** The stored history, keeping only well-formed entries (local storage may hold anything). */
function readHistory() {
  const raw = readJson(STORE.history, []);
  if (!Array.isArray(raw)) return [];
  return raw.filter((h) => h && typeof h === 'object' && typeof h.domain === 'string' && typeof h.at === 'string')
    .slice(0, HISTORY_MAX);
}

function renderHistory() {
  const list = $('history');
  const history = readHistory();
  list.replaceChildren();
  for (const h of history.slice(0, HISTORY_MAX)) {
    // An internationalised domain is shown in both forms and linked by its Unicode form, as the check's own URL is.
    const unicode = typeof h.unicode === 'string' && h.unicode !== '' ? h.unicode : null;
    const a = /** @type {HTMLAnchorElement} */ (el('a', null, unicode ? `${unicode} (${h.domain})` : h.domain));
    a.href = `?domain=${encodeURIComponent(unicode ?? h.domain)}`;
    list.append(el('li', null, a, ` · ${h.grade ?? 'no grade'} · ${String(h.at).slice(0, 16).replace('T', ' ')} UTC`));
  }
  $('history-section').hidden = history.length === 0;
}

/** Records a final report; returns a warning when the policy changed but the TXT id did not. */
function remember(/** @type {any} */ report) {
  if (!report.domain || report.findings.some((/** @type {any} */ f) => f.code === 'domain.invalid')) return null;
  const history = readHistory();
  const entry = fx.historyEntry(report, new Date());
  const warning = fx.staleIdWarning(entry, history);
  writeJson(STORE.history, [entry, ...history].slice(0, HISTORY_MAX));
  renderHistory();
  return warning;
}

// ---------------------------------------------------------------------------------------------------------
// Running a check

/** @type {any} */
let mtasts = null;
/** @type {AbortController | null} */
let running = null;
/** @type {any} */
let lastReport = null;

async function runCheck(/** @type {string} */ typed, /** @type {{ policyText?: string }} */ extra = {}) {
  try {
    fx ??= await import('./fixes.mjs');
  } catch (err) {
    resultBox().hidden = false;
    $('verdict').textContent = `The checker did not load: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const domain = fx.domainOf(typed);
  /** @type {HTMLInputElement} */ ($('domain')).value = typed;
  if (domain === '') {
    $('domain').focus();
    return;
  }
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const settings = loadSettings();
  const box = resultBox();
  box.hidden = false;
  box.dataset.state = 'running';
  box.dataset.grade = '';
  $('stop-button').hidden = false;
  $('fixes').hidden = true;
  $('cause').hidden = true;
  $('plan').hidden = true;
  $('plan').dataset.state = 'idle';
  $('plan-status').textContent = '';
  planView?.clearPlan();
  $('checks').replaceChildren();
  $('grade-value').textContent = '…';
  $('grade').dataset.grade = '';
  $('verdict').textContent = `Checking ${domain}…`;
  $('progress').textContent = '';

  const params = new URLSearchParams({ domain });
  // A shared link names the resolver only when it is a public preset or came
  // in a link itself: a private resolver URL from the settings (a profile id)
  // is not passed on.
  if (settings.resolver !== DEFAULT_RESOLVER && (PRESETS.includes(settings.resolver) || settings.resolver === resolverOverride)) {
    params.set('resolver', settings.resolver);
  }
  history.replaceState(null, '', `?${params}#check`);
  /** @type {HTMLAnchorElement} */ ($('share')).href = `?${params}`;

  if (!mtasts) {
    try {
      mtasts = await (await import('./mtasts.mjs')).load();
    } catch (err) {
      box.dataset.state = 'done';
      $('verdict').textContent = `The checker did not load: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
  }
  let report;
  try {
    report = await mtasts.checkDomain(domain, {
      resolver: settings.resolver,
      relay: settings.relay || undefined,
      signal: controller.signal,
      policyText: extra.policyText,
      onProgress: (/** @type {any} */ partial) => {
        if (running !== controller) return;
        renderVerdict(partial, false);
        renderChecks(partial, false);
        renderCause(partial);
      },
    });
  } catch (err) {
    if (running !== controller) return;
    box.dataset.state = 'done';
    $('verdict').textContent = `The check failed: ${err instanceof Error ? err.message : String(err)}`;
    $('stop-button').hidden = true;
    return;
  }
  if (running !== controller) return; // a newer check replaced this one
  running = null;
  lastReport = report;
  $('stop-button').hidden = true;
  renderVerdict(report, true);
  renderChecks(report, true);
  renderCause(report);
  renderFixes(report);
  offerPlan(report);
  const warning = remember(report);
  if (warning) $('checks').prepend(el('li', 'stale-id', el('p', 'notice', warning)));
  box.dataset.grade = report.grade ?? '';
  box.dataset.state = 'done';
}

/** Saves a text as a file (a Blob URL: text only, never markup). */
function save(/** @type {string} */ text, /** @type {string} */ type, /** @type {string} */ name) {
  const a = /** @type {HTMLAnchorElement} */ (el('a'));
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function download() {
  if (lastReport) save(JSON.stringify(lastReport, null, 2), 'application/json', `mtasts-${lastReport.domain || 'report'}.json`);
}

function boot() {
  showView();
  window.addEventListener('hashchange', showView);
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('resolver');
  if (fromUrl && /^https:\/\//i.test(fromUrl)) {
    // Used for this visit, and said plainly: a resolver chooses every DNS answer the check sees.
    resolverOverride = fromUrl;
    const notice = $('link-resolver');
    notice.textContent = `This link set the DNS resolver to ${hostOf(fromUrl)} for this visit; the answers it gives decide the result. `
      + 'Your saved resolver is used again when you reload without the link, or save your settings.';
    notice.hidden = false;
  }
  settingsToForm(loadSettings());
  $('settings-save').addEventListener('click', () => {
    const { settings, error } = settingsFromForm();
    const status = $('settings-status');
    if (error || !settings) {
      status.textContent = error ?? 'Not saved.';
      status.className = 'bad';
      return;
    }
    resolverOverride = '';
    status.textContent = writeJson(STORE.settings, settings) ? 'Saved.' : 'Not saved: this browser blocks local storage.';
    status.className = 'ok';
    settingsToForm(settings);
  });
  $('check-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runCheck(/** @type {HTMLInputElement} */ ($('domain')).value);
  });
  $('stop-button').addEventListener('click', () => running?.abort());
  $('download').addEventListener('click', download);
  $('plan-open').addEventListener('toggle', () => {
    if (/** @type {HTMLDetailsElement} */ ($('plan-open')).open) openPlan();
  });
  $('history-clear').addEventListener('click', () => {
    writeJson(STORE.history, []);
    renderHistory();
  });
  renderHistory();
  const domain = params.get('domain');
  if (domain) runCheck(domain);
}

boot();
