// @ts-check
// The change plan of the "Check a domain" view (#plan): for a final report, the dated steps of four changes
// (to enforce, a new MX host, withdrawing, a new policy host) from the live max_age and TTLs, computed by the
// core's changePlan; the planned MX hosts field; and the plan as a .txt download.
// check-view.js imports this file the first time a person opens the plan (its <details>), and the first
// m.changePlan loads the report module that computes it (report.mjs, mtasts-report-core.wasm): neither is part
// of the page's first visit nor of a check (tests/e2e/size.test.mjs). Every string reaches the DOM as text.
import { el } from './dom.mjs';

/**
 * What the page lends the plan: its API, and its helpers for a record with a copy button and for a download.
 * @typedef {{
 *   mtasts: { changePlan(report: any, options: { now: Date, mx: string[] }): Promise<any> },
 *   fixItem(title: string, text: string): HTMLElement,
 *   save(text: string, type: string, name: string): void,
 * }} Page
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The report and page of the last showPlan: the planned MX field redraws from them. */
/** @type {any} */
let current = null;
/** @type {Page | null} */
let lent = null;
/** The report whose plan the section shows, and that plan (the .txt download). */
/** @type {any} */
let shown = null;
/** @type {any} */
let plan = null;
/** The latest request: an answer to an earlier one is dropped. */
let latest = 0;

/** The planned MX hosts as typed: separated by spaces, commas or new lines. */
function plannedMx() {
  return /** @type {HTMLInputElement} */ ($('plan-mx')).value.split(/[\s,]+/).filter((h) => h !== '');
}

const RECORD_TITLES = /** @type {Record<string, string>} */ ({ TXT: 'TXT record', MX: 'MX record at', policy: 'Policy file:' });

/** One change: a details element with its reason, warnings and dated steps. @param {any} change @param {Page} page */
function planChange(change, page) {
  const box = /** @type {HTMLDetailsElement} */ (el('details', `plan-change${change.applies ? '' : ' not-applicable'}`,
    el('summary', null, change.title, change.applies ? null : el('span', 'hint', ' (does not apply)'))));
  box.dataset.change = change.id;
  box.append(el('p', 'notes', change.why));
  if (change.warnings.length) {
    const ul = el('ul', 'plan-warnings');
    for (const w of change.warnings) ul.append(el('li', 'notice', w));
    box.append(ul);
  }
  const steps = el('ol', 'plan-steps');
  for (const step of change.steps) {
    const li = el('li', 'plan-step', el('p', 'plan-when', step.when), el('p', null, step.text),
      step.reason ? el('p', 'notes', step.reason) : null);
    li.dataset.notBefore = step.not_before === null ? '' : String(step.not_before);
    for (const r of step.records) li.append(page.fixItem(`${RECORD_TITLES[r.type] ?? r.type} ${r.name}`, r.value));
    steps.append(li);
  }
  box.append(steps);
  return box;
}

/** Empties the section: a new check has started (its report, once final, is shown by showPlan). */
export function clearPlan() {
  latest += 1;
  current = null;
  shown = null;
  plan = null;
  $('plan-body').replaceChildren();
  $('plan-status').textContent = '';
  $('plan-download').hidden = true;
  $('plan').dataset.state = 'idle';
}

/**
 * Shows the plan of a final report (check-view.js has judged that one fits it). With `only`, when the section
 * already shows this report's plan, replaces just that change (the planned MX hosts changed) and keeps it open
 * or closed as it was. The first call waits for the report module: the section says so meanwhile, and says
 * in text why when there is no plan.
 * @param {any} report @param {Page} page @param {string} [only]
 */
export async function showPlan(report, page, only = '') {
  if (shown === report && !only) return; // opened again: the plan made when it was first opened stays
  current = report;
  lent = page;
  const mine = ++latest;
  const section = $('plan');
  const body = $('plan-body');
  const status = $('plan-status');
  const download = $('plan-download');
  const fresh = shown !== report;
  if (fresh) {
    shown = null;
    plan = null;
    body.replaceChildren();
    download.hidden = true;
    section.dataset.state = 'loading';
    status.textContent = 'Loading the change plan…';
  }
  let next;
  try {
    next = await page.mtasts.changePlan(report, { now: new Date(), mx: plannedMx() });
  } catch (err) {
    if (mine !== latest) return;
    shown = null;
    plan = null;
    body.replaceChildren();
    download.hidden = true;
    section.dataset.state = 'failed';
    status.textContent = `The change plan did not load: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  if (mine !== latest) return; // a later call (a newer report, more typing) decides what is shown
  plan = next;
  status.textContent = '';
  section.dataset.state = 'done';
  if (!fresh && only) {
    const old = body.querySelector(`details[data-change="${only}"]`);
    const change = plan.changes.find((/** @type {any} */ c) => c.id === only);
    if (old && change) {
      const replacement = planChange(change, page);
      replacement.open = /** @type {HTMLDetailsElement} */ (old).open;
      old.replaceWith(replacement);
      return;
    }
  }
  body.replaceChildren();
  for (const w of plan.warnings) body.append(el('p', 'notice', w));
  for (const change of plan.changes) body.append(planChange(change, page));
  shown = report;
  download.hidden = false;
}

$('plan-mx').addEventListener('input', () => {
  if (current && lent) showPlan(current, lent, 'mx');
});
$('plan-download').addEventListener('click', () => {
  if (plan && lent) lent.save(plan.text, 'text/plain;charset=utf-8', `mtasts-plan-${plan.domain || 'domain'}.txt`);
});
