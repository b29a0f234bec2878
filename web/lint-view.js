// @ts-check
// The "Check pasted text" view of the mtasts page (#lint): lints a policy file, an _mta-sts TXT record or a
// TLS-RPT TXT record as the user types.
// Rules of this file: no network (the module and its wasm are the page's own files); everything the user
// pastes, and everything the linter says about it, reaches the DOM as text (textContent, never markup).

/** @typedef {{code: string, severity: 'error'|'warning'|'info', message: string, line?: number, column?: number, rfc?: string, fix?: string}} Finding */

const KINDS = {
  policy: {
    name: 'policy file',
    lint: 'lintPolicy',
    invalid: 'a conforming sender ignores it and treats the domain as having no MTA-STS policy.',
  },
  sts: {
    name: '_mta-sts TXT record',
    lint: 'lintStsRecord',
    invalid: 'a conforming sender treats the domain as having no MTA-STS policy.',
  },
  tlsrpt: {
    name: 'TLS-RPT TXT record',
    lint: 'lintTlsRptRecord',
    invalid: 'a conforming sender assumes the domain does not want TLS reports.',
  },
};

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

const SEVERITIES = ['error', 'warning', 'info'];
const DELIM = /[\s;,]/; // ends the token a finding points at

/** Which linter the text is for: a TXT record starts with its version tag (quotes and case forgiven). */
export function detectKind(text) {
  const head = text.replace(/^[\s"']+/, '');
  if (/^v\s*=\s*STSv1/i.test(head)) return 'sts';
  if (/^v\s*=\s*TLSRPTv1/i.test(head)) return 'tlsrpt';
  return 'policy';
}

// `dig` / zone-file prefix before the quoted strings: [owner] [ttl] [IN] [ttl] TXT, or nslookup's `text =`.
const RR_PREFIX = /^\s*(?:[^\s"]+\s+)?(?:\d+\s+)?(?:IN\s+)?(?:\d+\s+)?(?:TXT\s+|text\s*=\s*)(?=")/i;

/**
 * Reads a TXT record written as one or more quoted DNS strings (as dig prints it) and joins them without
 * spaces (RFC 8461 §3.1, RFC 8460 §3). Returns null when the text is not in that form.
 * parts are the character-strings; text is their concatenation.
 * map[i] is the offset in `raw` of UTF-16 unit i of the joined text; `end` is where the content ends.
 * @param {string} raw
 */
export function unwrapTxt(raw) {
  const prefix = RR_PREFIX.exec(raw);
  let i = prefix ? prefix[0].length : raw.length - raw.trimStart().length;
  if (raw[i] !== '"') return null;
  let text = '';
  /** @type {number[]} */
  const map = [];
  /** @type {string[]} */
  const parts = [];
  let end = i;
  while (i < raw.length) {
    if (raw[i] !== '"') return null;
    i++;
    const from = text.length;
    for (;;) {
      if (i >= raw.length) return null;
      const c = raw[i];
      if (c === '"') break;
      map.push(i);
      if (c !== '\\') {
        text += c;
        i++;
      } else if (/^\d{3}$/.test(raw.slice(i + 1, i + 4))) {
        text += String.fromCharCode(Number(raw.slice(i + 1, i + 4)));
        i += 4;
      } else if (i + 1 < raw.length) {
        text += raw[i + 1];
        i += 2;
      } else {
        return null;
      }
    }
    parts.push(text.slice(from));
    end = i;
    i++;
    while (i < raw.length && /\s/.test(raw[i])) i++;
  }
  return { text, parts, map, end };
}

/**
 * UTF-16 offset of a 1-based line and 1-based code-point column; clamped to the end of the line.
 * @param {string} text @param {number} line @param {number} column
 */
export function offsetOf(text, line, column) {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  let off = start;
  for (let c = 1; c < column && off < end; c++) off += (text.codePointAt(off) ?? 0) > 0xffff ? 2 : 1;
  return off;
}

/** 1-based line and code-point column of a UTF-16 offset. @param {string} text @param {number} offset */
export function positionOf(text, offset) {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  return { line, column: [...before.slice(lineStart)].length + 1 };
}

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

/**
 * Element builder: text children only. @param {string} tag @param {string} [cls]
 * @param {...(Node|string|null|undefined|false)} children
 */
function el(tag, cls, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const child of children) if (child) node.append(child);
  return node;
}

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
  const unwrapped = unwrapTxt(raw);
  const detected = detectKind(unwrapped ? unwrapped.text : raw);
  const chosen = kindSelect.value;
  const kind = /** @type {keyof typeof KINDS} */ (chosen in KINDS ? chosen : detected);
  detectedOut.textContent = `Detected: ${KINDS[detected].name}${kind === detected ? '' : ` (checking as ${KINDS[kind].name})`}`;
  if (!checker) return;
  document.body.dataset.kind = kind;
  if (raw.trim() === '') {
    clear();
    setSummary('Paste or type a policy file or a TXT record above, or pick an example.', 'idle');
    return;
  }

  /** @type {string | string[] | Uint8Array} */
  let arg = raw;
  /** @type {(f: Finding) => Finding} */
  let place = (f) => f;
  if (kind === 'policy' && fileBytes) {
    arg = fileBytes; // byte for byte: CRLF, a lone CR, a BOM and invalid UTF-8 are seen as served
  } else if (kind !== 'policy' && unwrapped) {
    // The linter joins the character-strings; places in the joined text are mapped back to the text as pasted.
    arg = unwrapped.parts;
    place = (f) => {
      if (!f.line) return f;
      const at = offsetOf(unwrapped.text, f.line, f.column ?? 1);
      return { ...f, ...positionOf(raw, at < unwrapped.map.length ? unwrapped.map[at] : unwrapped.end) };
    };
  } else if (kind !== 'policy') {
    arg = raw.replace(/\r?\n$/, ''); // a newline left over from copying is not part of the record
  }

  let result;
  try {
    result = checker[KINDS[kind].lint](arg);
  } catch (err) {
    clear();
    setSummary(`Internal error in the checker: ${err instanceof Error ? err.message : String(err)}`, 'fatal');
    return;
  }

  /** @type {Finding[]} */
  const findings = (result.findings ?? []).map(place);
  findings.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9) || (a.column ?? 0) - (b.column ?? 0)
    || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const count = (/** @type {string} */ s) => findings.filter((f) => f.severity === s).length;
  const plural = (/** @type {number} */ n, /** @type {string} */ w) => `${n} ${w}${n === 1 || w === 'info' ? '' : 's'}`;
  const counts = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'info')}.`;
  const name = KINDS[kind].name;
  setSummary(result.valid
    ? `Valid ${name}: a conforming sender accepts it. ${counts}`
    : `Invalid ${name}: ${KINDS[kind].invalid} ${counts}`, result.valid ? 'valid' : 'invalid');
  summary.dataset.valid = String(Boolean(result.valid));

  note.hidden = !(kind !== 'policy' && unwrapped);
  if (unwrapped) {
    const n = unwrapped.parts.length;
    note.textContent = `Read as zone-file text: ${n === 1 ? 'the quotes were removed' : `${n} quoted strings were joined without spaces`}. `
      + "If the quotes are in the value field of your DNS provider's form, remove them there: they would become part of the record.";
  }
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

/** Text with `backticked` parts as <code> elements (text nodes only). @param {string} text */
function withCode(text) {
  return String(text).split('`').map((part, i) => (i % 2 ? el('code', '', part) : part));
}

/** @param {Record<string, string> | undefined} ext name → value */
const extensionList = (ext) => Object.entries(ext ?? {}).map(([k, v]) => `${k}=${v}`);

/** @param {Finding[]} findings */
function renderFindings(findings) {
  findingsList.replaceChildren(...findings.map((f) => {
    const sev = SEVERITIES.includes(f.severity) ? f.severity : 'info';
    const where = f.line ? `${f.line}:${f.column ?? 1}` : '(whole text)';
    const head = [el('span', `badge ${sev}`, sev), ' ', el('code', 'code', f.code), ' ', el('span', 'loc', where)];
    const item = el('li', `finding ${sev}`,
      f.line ? el('button', 'goto', ...head) : el('div', 'goto', ...head),
      el('p', 'message', f.message),
      f.fix && el('p', 'fix', el('strong', '', 'Fix: '), ...withCode(f.fix)),
      f.rfc && el('p', 'rfc', `See ${f.rfc}`));
    if (f.line) {
      const button = /** @type {HTMLButtonElement} */ (item.firstChild);
      button.type = 'button';
      button.title = `Go to line ${f.line}, column ${f.column ?? 1}`;
      item.dataset.line = String(f.line);
      item.dataset.column = String(f.column ?? 1);
    }
    return item;
  }));
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
