// @ts-check
/**
 * Text-only DOM helpers, shared by the page's two views and the widget.
 *
 * Every string given here reaches the DOM as a text node (Node.append of a
 * string), never as markup: the page and the widget's host pages enforce
 * Trusted Types with no policy, so no HTML sink could take one anyway.
 */

/**
 * An element with a class and children; strings become text nodes, and
 * null, undefined and false are skipped (so `cond && node` works).
 * @param {string} tag @param {string | null} [cls]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function el(tag, cls, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/**
 * A text from the code table (a fix, a message) as nodes: each `backticked`
 * part becomes a <code> element (the text is split, never parsed), and with
 * a `domain`, each `<domain>` is filled in.
 * @param {string} text @param {string} [domain]
 * @returns {(Node|string)[]}
 */
export function withCode(text, domain = '') {
  const filled = domain ? String(text).replaceAll('<domain>', domain) : String(text);
  return filled.split('`').map((part, i) => (i % 2 ? el('code', null, part) : part));
}
