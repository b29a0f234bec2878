// @ts-check
/**
 * The Reports view's chart: successful and failed sessions per day, as stacked bars in an SVG built
 * node by node (createElementNS; the page's Trusted Types allow no markup), and the same numbers as a
 * table for whoever cannot see the bars.
 *
 *   figure.report-chart
 *     svg[role=img]            <title>, <desc> (an overview: days, totals, the worst day)
 *       g.axis.y               grid lines and counts;  g.axis.x   day labels (thinned to fit)
 *       g.day[data-day]        one per day of byDay: rect.ok (successful), rect.fail (failed, on top),
 *                              and a <title> "2026-11-28: 400 successful, 2 failed" (the mouse tooltip)
 *     figcaption               the legend
 *     details > table#report-table-day   Day | Successful | Failed
 *
 * The colours are the page's CSS variables (--chart-ok, --chart-fail, --border, --muted; style.css), so
 * the chart follows the light and dark themes. Success and failure also differ in place (failures are
 * always the top of a bar) and in the legend's wording, not only in hue. A day's failed segment is drawn
 * at least 2 px high so that a handful of failures among thousands of sessions still shows; the <desc>
 * says so.
 */
import { el } from './dom.mjs';

const SVG = 'http://www.w3.org/2000/svg';
const nf = new Intl.NumberFormat('en-US');
const dayLabel = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * An SVG element with attributes and children (strings become text nodes).
 * @param {string} tag @param {Record<string, string|number>} [attrs] @param {...(Node|string)} children
 * @returns {SVGElement}
 */
function svg(tag, attrs = {}, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG, tag));
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/** The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at least `x`, an integer from 1 up. @param {number} x */
export function niceCeil(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  // 2.5 only where it gives an integer (25, 250, ...): counts are whole.
  for (const m of p >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** Ticks from 0 past `max` in about 4 nice steps, integers only: [0, 50, 100, 150] for 122. @param {number} max @returns {number[]} */
export function ticks(max) {
  const step = Math.max(1, niceCeil(Math.max(1, max) / 4));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const out = [];
  for (let v = 0; v <= top; v += step) out.push(v);
  return out;
}

/** "Nov 28" for "2026-11-28". @param {string} day */
function shortDay(day) {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) ? day : dayLabel.format(t);
}

/**
 * The SVG for `days` at `width` CSS pixels.
 * @param {{day: string, successful: number, failed: number}[]} days
 * @param {number} width
 * @param {string} idBase unique prefix for the <title>/<desc> ids
 */
function drawSvg(days, width, idBase) {
  const height = 240;
  const totals = days.map((d) => d.successful + d.failed);
  const tick = ticks(Math.max(0, ...totals));
  const top = tick[tick.length - 1];
  const labelWidth = 7.5 * Math.max(...tick.map((t) => nf.format(t).length)) + 14;
  const m = { left: labelWidth, right: 8, top: 10, bottom: 34 };
  const w = Math.max(200, width) - m.left - m.right;
  const h = height - m.top - m.bottom;
  const y = (/** @type {number} */ v) => m.top + h - (v / top) * h;
  const step = w / Math.max(1, days.length);
  const barW = Math.max(1, Math.min(48, step * 0.72));

  const sum = (/** @type {'successful'|'failed'} */ k) => days.reduce((a, d) => a + d[k], 0);
  const worst = days.reduce((a, d) => (d.failed > (a?.failed ?? 0) ? d : a), /** @type {any} */ (null));
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  const title = `Successful and failed sessions per day, ${first}${last !== first ? ` to ${last}` : ''} (UTC)`;
  const desc = `${days.length} day${days.length === 1 ? '' : 's'}: ${nf.format(sum('successful'))} successful and `
    + `${nf.format(sum('failed'))} failed sessions. `
    + (worst ? `Most failures on ${worst.day}: ${nf.format(worst.failed)} of ${nf.format(worst.successful + worst.failed)}. ` : 'No failures. ')
    + 'Each bar is a day: successful sessions at the bottom, failed ones on top (drawn at least 2 pixels high). '
    + 'The table "The numbers per day" below the chart lists them.';

  const root = svg('svg', {
    viewBox: `0 0 ${Math.max(200, width)} ${height}`, width: Math.max(200, width), height,
    role: 'img', 'aria-labelledby': `${idBase}-title ${idBase}-desc`, class: 'chart-svg',
  }, svg('title', { id: `${idBase}-title` }, title), svg('desc', { id: `${idBase}-desc` }, desc));

  const yAxis = svg('g', { class: 'axis y', 'aria-hidden': 'true' });
  for (const t of tick) {
    const yy = Math.round(y(t)) + 0.5;
    yAxis.append(
      svg('line', { class: t === 0 ? 'baseline' : 'grid', x1: m.left, x2: m.left + w, y1: yy, y2: yy }),
      svg('text', { x: m.left - 6, y: yy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, nf.format(t)),
    );
  }
  root.append(yAxis);

  // Day labels: as many as fit, about 56 px apart, always the first; each under its bar's centre.
  const xAxis = svg('g', { class: 'axis x', 'aria-hidden': 'true' });
  const every = Math.max(1, Math.ceil(56 / step));
  days.forEach((d, i) => {
    if (i % every !== 0) return;
    const cx = m.left + step * (i + 0.5);
    xAxis.append(svg('line', { class: 'tick', x1: cx, x2: cx, y1: m.top + h, y2: m.top + h + 4 }),
      svg('text', { x: cx, y: m.top + h + 18, 'text-anchor': 'middle' }, shortDay(d.day)));
  });
  root.append(xAxis);

  const bars = svg('g', { class: 'bars' });
  days.forEach((d, i) => {
    const x = m.left + step * (i + 0.5) - barW / 2;
    const g = svg('g', {
      class: 'day', 'data-day': d.day, 'data-successful': d.successful, 'data-failed': d.failed,
    }, svg('title', {}, `${d.day}: ${nf.format(d.successful)} successful, ${nf.format(d.failed)} failed`));
    const okH = (d.successful / top) * h;
    const okY = m.top + h - okH;
    if (d.successful > 0) g.append(svg('rect', { class: 'ok', x, y: okY, width: barW, height: Math.max(okH, 1) }));
    if (d.failed > 0) {
      const failH = Math.max((d.failed / top) * h, 2);
      g.append(svg('rect', { class: 'fail', x, y: okY - failH, width: barW, height: failH }));
    }
    bars.append(g);
  });
  root.append(bars);
  return root;
}

let chartCount = 0;

/**
 * The chart of `byDay` (the aggregate's, sorted by day), its legend and its table. The SVG is redrawn
 * to the figure's width when that changes (a ResizeObserver), so text stays at its CSS size.
 * @param {{day: string, successful: number, failed: number}[]} byDay
 * @returns {HTMLElement}
 */
export function dailyChart(byDay) {
  chartCount += 1;
  const idBase = `report-chart-${chartCount}`;
  const figure = el('figure', 'report-chart');
  figure.id = idBase;
  const plot = el('div', 'chart-plot');
  const swatch = (/** @type {string} */ cls) => {
    const s = el('span', `swatch ${cls}`);
    s.setAttribute('aria-hidden', 'true');
    return s;
  };
  const legend = el('figcaption', 'chart-legend', swatch('ok'), 'Successful sessions', swatch('fail'), 'Failed sessions (top of each bar)');

  const table = el('table', 'report-table');
  table.id = 'report-table-day';
  table.append(el('caption', null, 'Sessions per day (UTC)'),
    el('thead', null, el('tr', null, el('th', null, 'Day'), el('th', 'num', 'Successful'), el('th', 'num', 'Failed'))));
  const body = el('tbody');
  for (const d of byDay) {
    const row = el('tr', null, el('th', null, d.day), el('td', 'num', nf.format(d.successful)), el('td', 'num', nf.format(d.failed)));
    row.dataset.key = d.day;
    /** @type {HTMLElement} */ (row.children[0]).dataset.col = 'day';
    /** @type {HTMLElement} */ (row.children[1]).dataset.col = 'successful';
    /** @type {HTMLElement} */ (row.children[2]).dataset.col = 'failed';
    body.append(row);
  }
  table.querySelector('th')?.setAttribute('scope', 'col');
  for (const th of table.querySelectorAll('thead th')) th.setAttribute('scope', 'col');
  for (const th of body.querySelectorAll('th')) th.setAttribute('scope', 'row');
  table.append(body);
  const wrap = el('div', 'table-wrap', table);
  const details = el('details', 'chart-data', el('summary', null, 'The numbers per day'), wrap);

  figure.append(plot, legend, details);

  let drawn = 0;
  const draw = () => {
    const width = Math.floor(plot.clientWidth || 640);
    if (width === drawn) return;
    drawn = width;
    plot.replaceChildren(drawSvg(byDay, width, idBase));
  };
  if (typeof ResizeObserver === 'function') {
    let frame = 0;
    new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(draw);
    }).observe(plot);
  }
  // A first drawing right away (at 640 px until the figure is in the document and measured).
  plot.append(drawSvg(byDay, 640, idBase));
  drawn = 0;
  return figure;
}
