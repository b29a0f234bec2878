// @ts-check
/**
 * The three artefacts the linter knows, and how a pasted text becomes the
 * argument of the right linter: the kind detected from the text (or chosen),
 * a TXT record pasted as zone-file text (quoted strings, as dig prints it)
 * unwrapped into its character-strings, and every finding's place mapped back
 * to the text as pasted. Shared by the page's lint view and <mtasts-lint>.
 * Pure: no DOM, no network; the checker module is a parameter.
 */

/** @typedef {{code: string, severity: string, message: string, line?: number, column?: number, rfc?: string, fix?: string}} Finding */

/** Each kind: its name, the module's linter, and what a sender does with an invalid one. */
export const KINDS = Object.freeze({
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
});

/** @typedef {keyof typeof KINDS} Kind */

/** Is `name` one of KINDS (an own key: 'toString' is not a kind)? @param {unknown} name @returns {name is Kind} */
export const isKind = (name) => typeof name === 'string' && Object.prototype.hasOwnProperty.call(KINDS, name);

/** Which linter the text is for: a TXT record starts with its version tag (quotes and case forgiven). @param {string} text @returns {Kind} */
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

/**
 * The kind a text is checked as: `chosen` when it is a kind, else the kind
 * detected (a record pasted as quoted strings is detected from its content).
 * @param {string} raw @param {string} [chosen] 'policy' | 'sts' | 'tlsrpt', anything else detects
 */
export function classify(raw, chosen = '') {
  const unwrapped = unwrapTxt(raw);
  const detected = detectKind(unwrapped ? unwrapped.text : raw);
  return { kind: isKind(chosen) ? chosen : detected, detected, unwrapped };
}

/**
 * Lints a pasted text with the checker module `m` (dist/mtasts.mjs's load()):
 * a policy as it is (or its raw `bytes`, as a file was served), a record
 * pasted as quoted strings as its character-strings, with each finding's
 * place mapped back to the text as pasted; a record's trailing newline, left
 * over from copying, is not part of it. Throws what the module throws.
 * @param {any} m @param {string} raw
 * @param {{ kind?: string, bytes?: Uint8Array | null }} [options]
 * @returns {{ kind: Kind, detected: Kind, result: any, findings: Finding[], note: string }}
 *   result: the linter's answer; findings: its findings, placed in `raw`;
 *   note: what was done to the text when it was read as zone-file text ('' otherwise).
 */
export function lintText(m, raw, { kind: chosen = '', bytes = null } = {}) {
  const { kind, detected, unwrapped } = classify(raw, chosen);
  /** @type {string | string[] | Uint8Array} */
  let arg = raw;
  /** @type {(f: Finding) => Finding} */
  let place = (f) => f;
  let note = '';
  if (kind === 'policy' && bytes) {
    arg = bytes; // byte for byte: CRLF, a lone CR, a BOM and invalid UTF-8 are seen as served
  } else if (kind !== 'policy' && unwrapped) {
    // The linter joins the character-strings; places in the joined text are mapped back to the text as pasted.
    arg = unwrapped.parts;
    place = (f) => {
      if (!f.line) return f;
      const at = offsetOf(unwrapped.text, f.line, f.column ?? 1);
      return { ...f, ...positionOf(raw, at < unwrapped.map.length ? unwrapped.map[at] : unwrapped.end) };
    };
    const n = unwrapped.parts.length;
    note = `Read as zone-file text: ${n === 1 ? 'the quotes were removed' : `${n} quoted strings were joined without spaces`}. `
      + "If the quotes are in the value field of your DNS provider's form, remove them there: they would become part of the record.";
  } else if (kind !== 'policy') {
    arg = raw.replace(/\r?\n$/, '');
  }
  const result = m[KINDS[kind].lint](arg);
  return { kind, detected, result, findings: (result.findings ?? []).map(place), note };
}

/** The verdict on a text of `kind`, in a sender's terms. @param {Kind} kind @param {boolean} valid */
export function verdictOf(kind, valid) {
  const { name, invalid } = KINDS[kind];
  return valid ? `Valid ${name}: a conforming sender accepts it.` : `Invalid ${name}: ${invalid}`;
}
