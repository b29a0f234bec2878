// @ts-check
// The "Check pasted text" view of the mtasts page (#lint): lints a policy file, an _mta-sts TXT record or a
// TLS-RPT TXT record as the user types.
// Rules of this file: no network (the module and its wasm are the page's own files); everything the user
// pastes, and everything the linter says about it, reaches the DOM as text (textContent, never markup).

import { el } from './dom.mjs';
import { SEVERITIES, findingItem } from './findings.mjs';
import { KINDS, classify, lintText, offsetOf, verdictOf } from './kinds.mjs';

/** @typedef {import('./findings.mjs').Finding} Finding */

const MODES = {
  enforce: 'Senders deliver only over TLS with a valid certificate to an MX host matching a pattern below; otherwise they do not deliver.',
  testing: 'Senders deliver even when TLS checks fail, and report the failures through TLS-RPT.',
  none: 'The policy is withdrawn: senders treat the domain as having no active MTA-STS policy.',
};

const EXAMPLES = {
  policy: 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.mx.example.net\nmax_age: 604800\n',
  broken: 'version: STSv1\nmode: Enforce\nmx: mail.example.com, mx2.example.com\nmax-age: 86400\n',
  sts: 'v=STSv1; id=20240115T093000',
  tlsrpt: 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com!10m',
};

const DELIM = /[\s;,]/; // ends the token a finding points at

/** "604800 s = 7 days". @param {number} s */
export function describeSeconds(s) {
  const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
  const parts = [];
  let rest = s;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / Number(size));
    rest -= n * Number(size);
    if (n) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return `${s} s = ${parts.length ? parts.join(' ') : '0 seconds'}`;
}

// ---------------------------------------------------------------------------------------------------------
// DOM

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = /** @type {HTMLTextAreaElement} */ ($('input'));
const kindSelect = /** @type {HTMLSelectElement} */ ($('kind'));
const detectedOut = $('detected');
const summary = $('summary');
const note = $('note');
const meaning = $('meaning');
const findingsList = $('findings');
const linesList = $('lines');

/** @type {any} */
let checker = null;
let timer = 0;
/** The raw bytes of an opened file, linted as they are until the text is edited. @type {Uint8Array | null} */
let fileBytes = null;

/** @param {unknown} v */
const str = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

function setSummary(text, state) {
  if (summary.textContent !== text) summary.textContent = text;
  summary.className = `summary ${state}`;
}

function clear() {
  note.hidden = true;
  meaning.hidden = true;
  meaning.replaceChildren();
  findingsList.replaceChildren();
  linesList.replaceChildren();
}

function run() {
  clearTimeout(timer);
  const raw = input.value;
  const chosen = kindSelect.value;
  const { kind, detected } = classify(raw, chosen);
  detectedOut.textContent = `Detected: ${KINDS[detected].name}${kind === detected ? '' : ` (checking as ${KINDS[kind].name})`}`;
  if (!checker) return;
  document.body.dataset.kind = kind;
  if (raw.trim() === '') {
    clear();
    setSummary('Paste or type a policy file or a TXT record above, or pick an example.', 'idle');
    return;
  }

  let linted;
  try {
    linted = lintText(checker, raw, { kind, bytes: fileBytes });
  } catch (err) {
    clear();
    setSummary(`Internal error in the checker: ${err instanceof Error ? err.message : String(err)}`, 'fatal');
    return;
  }
  const { result } = linted;

  /** @type {Finding[]} */
  const findings = [...linted.findings];
  findings.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9) || (a.column ?? 0) - (b.column ?? 0)
    || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const count = (/** @type {string} */ s) => findings.filter((f) => f.severity === s).length;
  const plural = (/** @type {number} */ n, /** @type {string} */ w) => `${n} ${w}${n === 1 || w === 'info' ? '' : 's'}`;
  const counts = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'info')}.`;
  setSummary(`${verdictOf(kind, Boolean(result.valid))} ${counts}`, result.valid ? 'valid' : 'invalid');
  summary.dataset.valid = String(Boolean(result.valid));

  note.hidden = linted.note === '';
  note.textContent = linted.note;
  renderMeaning(kind, result);
  renderFindings(findings);
  renderLines(raw, findings);
}

/** What a valid value means, in a sender's terms. @param {string} kind @param {any} result */
function renderMeaning(kind, result) {
  meaning.replaceChildren();
  const add = (/** @type {string} */ term, /** @type {(Node|string)[]} */ ...defs) => {
    meaning.append(el('dt', '', term));
    for (const d of defs) meaning.append(el('dd', '', d));
  };
  const codeList = (/** @type {unknown[]} */ items) => el('ul', 'plain', ...items.map((x) => el('li', '', el('code', '', str(x)))));
  const p = result.policy;
  const r = result.record;
  if (kind === 'policy' && p) {
    const mode = str(p.mode);
    add('Mode', el('code', '', mode), MODES[/** @type {keyof typeof MODES} */ (mode)] ?? '');
    const mx = Array.isArray(p.mx) ? p.mx : [];
    add('MX patterns', mx.length ? codeList(mx) : 'none');
    if (p.max_age !== undefined && p.max_age !== null) {
      add('Max age', `${describeSeconds(Number(p.max_age))}: how long senders cache this policy.`);
    }
    const ext = extensionList(p.extensions);
    if (ext.length) add('Extensions (ignored by senders)', codeList(ext));
  } else if (kind === 'sts' && r) {
    add('Policy id', el('code', '', str(r.id)), 'Change it whenever the policy file changes, so senders fetch the new one.');
    const ext = extensionList(r.extensions);
    if (ext.length) add('Extensions (ignored by senders)', codeList(ext));
  } else if (kind === 'tlsrpt' && r) {
    const rua = Array.isArray(r.rua) ? r.rua : [];
    add('Reports go to', rua.length ? codeList(rua) : 'nowhere');
    const ext = extensionList(r.extensions);
    if (ext.length) add('Extensions (ignored by reporters)', codeList(ext));
  }
  meaning.hidden = !meaning.firstChild;
}

/** @param {Record<string, string> | undefined} ext name → value */
const extensionList = (ext) => Object.entries(ext ?? {}).map(([k, v]) => `${k}=${v}`);

/** @param {Finding[]} findings */
function renderFindings(findings) {
  findingsList.replaceChildren(...findings.map((f) => findingItem(f, { goto: true, unplaced: '(whole text)' })));
}

// Characters a mail admin must see: shown as symbols in the line view (the text itself is untouched).
const VISIBLE = { '\t': ['→', 'tab'], '\r': ['␍', 'carriage return (CR)'], ' ': ['·', 'space at the start or end of the line'] };
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u;

/** @param {string} raw @param {Finding[]} findings */
function renderLines(raw, findings) {
  const lines = raw.split('\n');
  const byLine = new Map();
  for (const f of findings) {
    if (!f.line) continue;
    if (!byLine.has(f.line)) byLine.set(f.line, []);
    byLine.get(f.line).push(f);
  }
  if (lines.length > 1 && lines[lines.length - 1] === '' && !byLine.has(lines.length)) lines.pop();
  linesList.replaceChildren(...lines.map((line, i) => {
    const n = i + 1;
    const here = byLine.get(n) ?? [];
    const worst = SEVERITIES.find((s) => here.some((/** @type {Finding} */ f) => f.severity === s));
    // Each finding underlines the token at its column (to the next space, ";" or ","), worst severity on top.
    const chars = [...line];
    /** @type {string[]} */
    const sevAt = [];
    let pastEnd = '';
    for (const s of [...SEVERITIES].reverse()) {
      for (const f of here) {
        if (f.severity !== s) continue;
        let c = (f.column ?? 1) - 1;
        if (c >= chars.length) pastEnd = s;
        else do { sevAt[c++] = s; } while (c < chars.length && !DELIM.test(chars[c]));
      }
    }
    const src = el('code', 'src');
    /** @type {{cls: string, text: string} | null} */
    let pending = null;
    const flush = () => {
      if (pending) src.append(pending.cls ? el('span', pending.cls, pending.text) : pending.text);
      pending = null;
    };
    const push = (/** @type {string} */ text, /** @type {string} */ cls, title = '') => {
      if (pending && pending.cls === cls && !title) {
        pending.text += text;
        return;
      }
      flush();
      if (title) {
        const span = el('span', cls, text);
        span.title = title;
        src.append(span);
      } else {
        pending = { cls, text };
      }
    };
    const lead = line.length - line.trimStart().length;
    const trail = line.trimEnd().length;
    let utf16 = 0;
    chars.forEach((ch, c) => {
      const edge = ch === ' ' && (utf16 < lead || utf16 >= trail);
      utf16 += ch.length;
      const mark = sevAt[c] ? `at ${sevAt[c]}` : '';
      if (ch === '\t' || ch === '\r' || edge) {
        const [shown, title] = VISIBLE[/** @type {keyof typeof VISIBLE} */ (ch)];
        push(shown, `ws ${mark}`.trim(), title);
      } else if (ch !== ' ' && INVISIBLE.test(ch)) {
        const hex = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
        push(`⟨U+${hex}⟩`, `ws ${mark}`.trim(), 'invisible character');
      } else {
        push(ch, mark);
      }
    });
    if (pastEnd) push('¶', `ws at ${pastEnd}`, 'the place is at the end of the line');
    flush();
    const li = el('li', worst ? `line ${worst}` : 'line', el('span', 'ln', String(n)), src);
    if (here.length) li.append(el('span', 'codes', here.map((/** @type {Finding} */ f) => f.code).join(' ')));
    li.dataset.line = String(n);
    return li;
  }));
}

/** Puts the caret at a finding's place and selects the token there. @param {number} line @param {number} column */
function goTo(line, column) {
  const text = input.value;
  const start = offsetOf(text, line, column);
  let end = start;
  while (end < text.length && !DELIM.test(text[end])) end++;
  input.focus();
  input.setSelectionRange(start, end);
}

function fail(/** @type {string} */ why) {
  document.body.dataset.state = 'failed';
  clear();
  setSummary(`The checker could not start: ${why}. Nothing can be checked on this page until it loads; try reloading, or a current browser.`, 'fatal');
}

/** Reads a policy file as bytes; the text area shows it decoded, the linter gets the bytes. */
async function openFile() {
  const fileInput = /** @type {HTMLInputElement} */ ($('file'));
  const status = $('file-status');
  const file = fileInput.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const shown = bytes.length > SHOW_LIMIT ? bytes.subarray(0, SHOW_LIMIT) : bytes;
  input.value = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(shown);
  fileBytes = bytes;
  kindSelect.value = 'policy';
  status.textContent = `${file.name}: ${bytes.length.toLocaleString('en')} bytes, checked byte for byte`
    + (bytes.length > SHOW_LIMIT ? ` (only the first ${SHOW_LIMIT.toLocaleString('en')} are shown)` : '')
    + '. Editing the text switches back to checking the text.';
  fileInput.value = '';
  run();
}
const SHOW_LIMIT = 1 << 20;

async function boot() {
  $('file').addEventListener('change', () => { openFile().catch((err) => fail(`the file could not be read (${err})`)); });
  input.addEventListener('input', () => {
    if (fileBytes) {
      fileBytes = null;
      $('file-status').textContent = '';
    }
    clearTimeout(timer);
    timer = window.setTimeout(run, 30);
  });
  kindSelect.addEventListener('change', run);
  for (const button of document.querySelectorAll('button[data-example]')) {
    button.addEventListener('click', () => {
      input.value = EXAMPLES[/** @type {keyof typeof EXAMPLES} */ (/** @type {HTMLElement} */ (button).dataset.example)];
      fileBytes = null;
      $('file-status').textContent = '';
      kindSelect.value = 'auto';
      run();
    });
  }
  findingsList.addEventListener('click', (event) => {
    const item = /** @type {HTMLElement} */ (event.target).closest('li.finding');
    if (item instanceof HTMLElement && item.dataset.line && !window.getSelection()?.toString()) {
      goTo(Number(item.dataset.line), Number(item.dataset.column));
    }
  });
  run();

  if (typeof WebAssembly !== 'object') {
    fail('this browser does not support WebAssembly');
    return;
  }
  try {
    const mod = await import('./mtasts.mjs');
    checker = await mod.load();
  } catch (err) {
    fail(`the module mtasts.mjs or its WebAssembly file did not load (${err instanceof Error ? err.message : String(err)})`);
    return;
  }
  $('version').textContent = String(checker.version);
  document.body.dataset.state = 'ready';
  run();
}

boot();
