// @ts-check
/**
 * The embeddable widget's custom elements: <mtasts-check> and <mtasts-lint>.
 * Importing this module defines classes only: each class's static define()
 * registers it (mtasts-widget.js calls them). Nothing is fetched until an
 * element is visible or used: the module
 * (mtasts.mjs, its wasm and host.mjs) is imported on demand, once per page,
 * from next to this file, so it works across origins (see web/widget.html).
 *
 * Everything runs in a shadow root with its own constructed stylesheet: the
 * host page's CSS cannot reach in (`all: initial` on :host), ours does not
 * leak out. Theming: the --mtasts-* custom properties and the parts
 * (input, button, grade, row, status, result, textarea, finding). Every string
 * from DNS, a policy or the user is set as text (dom.mjs); a finding and a
 * check's status are shown as on the page (findings.mjs), and a pasted text
 * is read as the page's lint view reads it (kinds.mjs).
 */
import { el } from './dom.mjs';

const MODULE_URL = new URL('./mtasts.mjs', import.meta.url).href;
const PAGE_URL = new URL('./index.html', import.meta.url).href;

/**
 * What shows a result: findings.mjs and kinds.mjs. Only a result needs them, so they load with the
 * checker, not with this module: they cost nothing before a widget is visible or used.
 * @type {null | typeof import('./findings.mjs') & typeof import('./kinds.mjs')}
 */
let ui = null;

/** @type {Promise<any> | null} */
let loading = null;
/** The checker, loaded once per page however many elements there are (and `ui` with it). */
function checker() {
  if (!loading) {
    loading = Promise.all([import(MODULE_URL).then((m) => m.load()), import('./findings.mjs'), import('./kinds.mjs')])
      .then(([m, findings, kinds]) => {
        ui = { ...findings, ...kinds };
        return m;
      })
      .catch((err) => {
        loading = null;
        throw err;
      });
  }
  return loading;
}

const CSS = `
:host { all: initial !important; display: block !important; contain: content !important; box-sizing: border-box !important;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif !important;
  color: var(--mtasts-fg, #1b1f24) !important; background: var(--mtasts-bg, #ffffff) !important;
  border: 1px solid var(--mtasts-border, #c8d0d8) !important; border-radius: var(--mtasts-radius, 8px) !important;
  padding: 0.75em !important; max-width: 100% !important; overflow-wrap: anywhere !important; text-align: left !important;
  min-height: var(--mtasts-min-height, 6em) !important;
  --ok: var(--mtasts-ok, #1a7f37); --warn: var(--mtasts-warn, #8a5300); --bad: var(--mtasts-bad, #b3261e);
  --muted: var(--mtasts-muted, #57606a); --accent: var(--mtasts-accent, #0a58ca); --panel: var(--mtasts-panel, #f6f8fa); }
/* A badge checks by itself, so it has a fixed height (its result scrolls inside when the width is
   narrow): nothing on the host page moves when the result arrives. */
:host([domain]) { height: var(--mtasts-height, 27em) !important; min-height: 0 !important; overflow: auto !important; }
:host([compact]) { padding: 0.4em 0.6em !important; font-size: 14px !important; min-height: var(--mtasts-min-height, 3.4em) !important; }
:host([domain][compact]) { height: var(--mtasts-height, 3.6em) !important; overflow: hidden !important; }
:host([compact]) .verdict { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
:host([compact]) .head > p { min-width: 0; }
:host([hidden]) { display: none !important; }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) { color: var(--mtasts-fg, #e6e9ec) !important; background: var(--mtasts-bg, #0f1419) !important;
    border-color: var(--mtasts-border, #3a4654) !important; --ok: var(--mtasts-ok, #6fdc8c); --warn: var(--mtasts-warn, #ffc46b);
    --bad: var(--mtasts-bad, #ff8a80); --muted: var(--mtasts-muted, #a3adb8); --accent: var(--mtasts-accent, #7cb4ff);
    --panel: var(--mtasts-panel, #182029); }
}
:host([theme="dark"]) { color: var(--mtasts-fg, #e6e9ec) !important; background: var(--mtasts-bg, #0f1419) !important;
  border-color: var(--mtasts-border, #3a4654) !important; --ok: var(--mtasts-ok, #6fdc8c); --warn: var(--mtasts-warn, #ffc46b);
  --bad: var(--mtasts-bad, #ff8a80); --muted: var(--mtasts-muted, #a3adb8); --accent: var(--mtasts-accent, #7cb4ff);
  --panel: var(--mtasts-panel, #182029); }
* { box-sizing: border-box; }
form { display: flex; flex-wrap: wrap; gap: 0.4em; margin: 0 0 0.5em; }
label.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
input, select, textarea, button { font: inherit; color: inherit; background: transparent;
  border: 1px solid var(--mtasts-border, #8c959f); border-radius: 6px; padding: 0.3em 0.5em; margin: 0; }
input { flex: 1 1 12em; min-width: 0; }
button { cursor: pointer; background: var(--accent); color: var(--mtasts-button-fg, #fff); border-color: var(--accent); font-weight: 600; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
textarea { display: block; width: 100%; min-height: 7em; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; resize: vertical; }
.head { display: flex; gap: 0.6em; align-items: center; }
.grade { flex: 0 0 auto; min-width: 2.4em; height: 2.4em; display: grid; place-items: center; border-radius: 6px;
  font-weight: 800; font-size: 1.2em; border: 2px solid var(--muted); background: var(--panel); }
.grade.good { border-color: var(--ok); color: var(--ok); }
.grade.mid { border-color: var(--warn); color: var(--warn); }
.grade.bad { border-color: var(--bad); color: var(--bad); }
.verdict { margin: 0; font-weight: 600; }
ul, ol { list-style: none; margin: 0.5em 0 0; padding: 0; }
ul > li { display: grid; grid-template-columns: 6.5em minmax(0, 1fr); gap: 0 0.5em; padding: 0.15em 0; border-top: 1px solid var(--panel); }
.status { font-weight: 700; font-size: 0.9em; }
.pass { color: var(--ok); } .warn { color: var(--warn); } .fail { color: var(--bad); } .info, .unknown, .pending { color: var(--muted); }
.summary { color: var(--muted); font-size: 0.92em; }
.cause { margin: 0.35rem 0 0; font-size: 0.92em; border-left: 3px solid currentColor; padding-left: 0.5rem; }
.more { display: inline-block; margin-top: 0.4em; color: var(--accent); }
:host([compact]) ul, :host([compact]) .more { display: none; }
.note { color: var(--muted); font-size: 0.9em; margin: 0.3em 0 0; }
.finding { display: block; padding: 0.3em 0.4em; border-left: 4px solid var(--muted); margin-top: 0.3em; background: var(--panel); }
.finding.error { border-left-color: var(--bad); } .finding.warning { border-left-color: var(--warn); }
.finding p { margin: 0.15em 0 0; }
.finding-head { display: flex; flex-wrap: wrap; gap: 0 0.5em; align-items: baseline; }
.badge { font-size: 0.8em; font-weight: 700; text-transform: uppercase; }
.badge.error { color: var(--bad); } .badge.warning { color: var(--warn); }
.loc, .finding-rfc { color: var(--muted); font-size: 0.9em; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
`;

/** @type {CSSStyleSheet | null} */
let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

/** Observes visibility once; calls `onVisible` the first time the element shows. */
function whenVisible(element, onVisible) {
  if (typeof IntersectionObserver !== 'function') {
    onVisible();
    return () => {};
  }
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      io.disconnect();
      onVisible();
    }
  });
  io.observe(element);
  return () => io.disconnect();
}

/**
 * Registers `cls` as `tag` in `registry`, unless the tag is taken (this
 * script loaded twice, or the page defined it) or the class is already
 * registered under another tag: neither is an error.
 * @param {CustomElementConstructor} cls @param {string} tag @param {CustomElementRegistry} registry
 */
function defineOnce(cls, tag, registry) {
  try {
    if (!registry.get(tag)) registry.define(tag, cls);
  } catch (err) {
    if (!(err instanceof DOMException && err.name === 'NotSupportedError')) throw err;
  }
  return cls;
}

/** Properties reflected to attributes. */
function reflect(cls, names) {
  for (const name of names) {
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      get() {
        return name === 'compact' ? this.hasAttribute(name) : (this.getAttribute(name) ?? '');
      },
      set(value) {
        if (name === 'compact') this.toggleAttribute(name, Boolean(value));
        else if (value === null || value === undefined || value === '') this.removeAttribute(name);
        else this.setAttribute(name, String(value));
      },
    });
  }
}

/**
 * <mtasts-check>: a domain input, or with domain="…" a live badge for one
 * domain. Dispatches `mtasts-result` (bubbles, composed; detail = the report)
 * and reflects the grade in the `grade` attribute. Changes of `domain`,
 * `resolver` and `relay` made together (in one task) are acted on once, in a
 * microtask: a badge that has been shown checks again with them; an input
 * uses them for its next check.
 */
export class MtastsCheckElement extends HTMLElement {
  static get observedAttributes() { return ['domain', 'resolver', 'relay']; }

  /**
   * Registers the element: the only place that does. Tolerates a tag that is
   * already defined.
   * @param {string} [tag] @param {CustomElementRegistry} [registry]
   */
  static define(tag = 'mtasts-check', registry = customElements) {
    return defineOnce(this, tag, registry);
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles()];
    /** @type {AbortController | null} */
    this._running = null;
    this._stopWatching = () => {};
    this._connected = false;
    this._shown = false;
    /** Attribute changes not acted on yet: null, or whether the domain is among them. @type {null | { domain: boolean }} */
    this._changes = null;
    this._render();
  }

  connectedCallback() {
    this._connected = true;
    this._stopWatching = whenVisible(this, () => {
      this._shown = true;
      if (this.domain) this.check();
      else checker().catch(() => {});
    });
  }

  disconnectedCallback() {
    this._connected = false;
    this._stopWatching();
    this._running?.abort();
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (!this._changes) {
      this._changes = { domain: false };
      queueMicrotask(() => this._update());
    }
    if (name === 'domain') this._changes.domain = true;
  }

  /** Acts on the attribute changes of the last task, once. */
  _update() {
    const changes = this._changes;
    this._changes = null;
    if (!changes) return;
    if (changes.domain) this._render();
    // A badge checks again (with the domain, resolver and relay it has now) once it has been shown;
    // until then, and for an input, the next check reads them.
    if (this.domain && this._shown && this._connected) this.check();
  }

  _render() {
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    root.replaceChildren();
    if (!this.domain) {
      const form = el('form');
      form.setAttribute('part', 'form');
      const label = el('label', 'vh', 'Domain to check');
      const input = /** @type {HTMLInputElement} */ (el('input'));
      input.id = 'domain';
      label.setAttribute('for', 'domain');
      input.type = 'text';
      input.placeholder = 'example.com';
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.setAttribute('autocapitalize', 'off');
      input.setAttribute('part', 'input');
      const button = el('button', null, 'Check MTA-STS');
      button.setAttribute('type', 'submit');
      button.setAttribute('part', 'button');
      form.append(label, input, button);
      input.addEventListener('focus', () => { checker().catch(() => {}); }, { once: true });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const d = input.value.trim();
        if (d) this.check(d);
      });
      root.append(form);
    }
    const result = el('div', 'result');
    result.setAttribute('part', 'result');
    result.setAttribute('role', 'status');
    result.setAttribute('aria-live', 'polite');
    if (this.domain) result.append(el('p', 'note', `MTA-STS of ${this.domain}: waiting to check…`));
    root.append(result);
    this._result = result;
  }

  /**
   * Checks `domain` (default: the domain attribute) and shows the result.
   * @param {string} [domain]
   * @returns {Promise<any>} the report
   */
  async check(domain = this.domain) {
    const target = String(domain ?? '').trim();
    if (!target) return null;
    this._running?.abort();
    const controller = new AbortController();
    this._running = controller;
    this.removeAttribute('grade');
    this.setAttribute('state', 'running');
    const result = /** @type {HTMLElement} */ (this._result);
    result.replaceChildren(el('p', 'note', `Checking ${target}…`));
    let report;
    try {
      const m = await checker();
      report = await m.checkDomain(target, {
        resolver: this.resolver || undefined,
        relay: this.relay || undefined,
        signal: controller.signal,
        onProgress: (/** @type {any} */ partial) => {
          if (this._running === controller) this._show(partial, false);
        },
      });
    } catch (err) {
      if (this._running !== controller) return null;
      this._running = null;
      this.setAttribute('state', 'done');
      const message = err instanceof Error ? err.message : String(err);
      result.replaceChildren(el('p', 'note', `The check could not run: ${message}`));
      // The check ended, without a report: listeners still hear of it.
      this.dispatchEvent(new CustomEvent('mtasts-result', { bubbles: true, composed: true, detail: { domain: target, error: message, grade: null } }));
      return null;
    }
    if (this._running !== controller) return report;
    this._running = null;
    this._show(report, true);
    if (report.grade) this.setAttribute('grade', report.grade);
    this.setAttribute('state', 'done');
    this.dispatchEvent(new CustomEvent('mtasts-result', { bubbles: true, composed: true, detail: report }));
    return report;
  }

  _show(/** @type {any} */ report, /** @type {boolean} */ final) {
    const { statusBadge, domainName } = /** @type {NonNullable<typeof ui>} */ (ui); // a report means the checker loaded
    const result = /** @type {HTMLElement} */ (this._result);
    const g = report.grade;
    const gradeBox = el('span', `grade ${g === 'A+' || g === 'A' ? 'good' : g === 'B' || g === 'C' ? 'mid' : g ? 'bad' : ''}`,
      g ?? (final ? '–' : '…'));
    gradeBox.setAttribute('part', 'grade');
    gradeBox.setAttribute('aria-label', g ? `Grade ${g}` : final ? 'No grade' : 'Checking');
    gradeBox.setAttribute('role', 'img');
    const head = el('div', 'head', gradeBox,
      el('p', 'verdict', final ? `${domainName(report)}: ${report.grade_reason}` : `Checking ${domainName(report)}…`));
    // When failures cascade, the one broken layer comes first, as on the page (report.cause).
    const cause = final && report.cause
      ? el('p', 'cause', `Start here: ${report.cause.headline}.`) : '';
    if (cause) cause.setAttribute('part', 'cause');
    const list = el('ul');
    for (const c of report.checks) {
      const row = el('li', null, statusBadge(c.status),
        el('span', null, c.title, el('br'), el('span', 'summary', c.summary)));
      row.setAttribute('part', 'row');
      list.append(row);
    }
    const more = /** @type {HTMLAnchorElement} */ (el('a', 'more', 'Full report with evidence and fixes'));
    more.href = `${PAGE_URL}?domain=${encodeURIComponent(report.domain_unicode || report.domain)}${this.resolver ? `&resolver=${encodeURIComponent(this.resolver)}` : ''}`;
    more.target = '_blank';
    more.rel = 'noopener';
    result.replaceChildren(head, cause, list, final ? more : '');
  }
}
reflect(MtastsCheckElement, ['domain', 'resolver', 'relay', 'compact', 'theme']);

/** <mtasts-lint kind="policy|sts|tlsrpt">: the offline paste linter. */
export class MtastsLintElement extends HTMLElement {
  // (kind, value, theme and compact are properties too; see below.)

  /**
   * Registers the element: the only place that does. Tolerates a tag that is
   * already defined.
   * @param {string} [tag] @param {CustomElementRegistry} [registry]
   */
  static define(tag = 'mtasts-lint', registry = customElements) {
    return defineOnce(this, tag, registry);
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles()];
    const label = el('label', 'vh', 'Text to lint: an MTA-STS policy file, an _mta-sts or a TLS-RPT TXT record');
    const area = /** @type {HTMLTextAreaElement} */ (el('textarea'));
    area.id = 'text';
    label.setAttribute('for', 'text');
    area.spellcheck = false;
    area.placeholder = 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800';
    area.setAttribute('part', 'textarea');
    const out = el('div', 'result');
    out.setAttribute('part', 'result');
    out.setAttribute('role', 'status');
    out.setAttribute('aria-live', 'polite');
    root.append(label, area, out);
    this._area = area;
    this._out = out;
    /** @type {number} */
    this._timer = 0;
    area.addEventListener('focus', () => { checker().catch(() => {}); }, { once: true });
    area.addEventListener('input', () => {
      clearTimeout(this._timer);
      this._timer = window.setTimeout(() => { this.lint(); }, 60);
    });
  }

  get value() { return this._area.value; }
  set value(v) { this._area.value = String(v ?? ''); this.lint(); }

  /** Lints the text now; resolves to the result (also dispatched as `mtasts-result`). */
  async lint() {
    const text = this._area.value;
    const out = /** @type {HTMLElement} */ (this._out);
    if (text.trim() === '') {
      out.replaceChildren();
      return null;
    }
    let m;
    try {
      m = await checker();
    } catch (err) {
      out.replaceChildren(el('p', 'note', `The linter could not load: ${err instanceof Error ? err.message : String(err)}`));
      return null;
    }
    if (this._area.value !== text) return null; // typed on meanwhile
    // As the page's lint view reads it: the kind detected unless `kind` names one, a record pasted
    // as quoted strings unwrapped, each finding's place in the text as typed.
    const { lintText, verdictOf, findingItem } = /** @type {NonNullable<typeof ui>} */ (ui);
    const { kind, result, findings, note } = lintText(m, text, { kind: this.kind });
    const list = el('ol', 'findings');
    for (const f of findings) {
      const item = findingItem(f);
      item.setAttribute('part', 'finding');
      list.append(item);
    }
    out.replaceChildren(el('p', 'verdict', verdictOf(kind, Boolean(result.valid))), note && el('p', 'note', note), list);
    this.dispatchEvent(new CustomEvent('mtasts-result', { bubbles: true, composed: true, detail: { kind, ...result, findings } }));
    return result;
  }
}
reflect(MtastsLintElement, ['kind', 'compact', 'theme']);
