// ./tools/bench's "reports" section: TLS-RPT reports loaded and aggregated
// (docs/BENCHMARKS.md, "Reports"). Budgets of issue 13: 1,000 daily reports
// load and aggregate in the page in under 2 s; one 10 MB report in under 1 s;
// memory bounded.
//
//   node:    summarizeTlsRptReports from dist/mtasts.mjs on the year corpus
//            (1,000 gzip files) and on a 10 MB report: wall time (median of
//            runs, first run apart: it loads the report module), the RSS
//            after, and the report module's wasm heap.
//   browser: the page at #reports in headless Chromium: the files set on
//            the view's file input (as a person opening them), timed in the
//            page from the input's change event until the view shows the
//            totals (on the frame that shows them); the totals read off the page are
//            checked against the corpus's own sums.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DIST, median } from './common.mjs';
import { big, year } from './report-corpus.mjs';

async function api() {
  const { load } = await import(pathToFileURL(join(DIST, 'mtasts.mjs')).href);
  return load();
}

async function time(fn) {
  const t0 = performance.now();
  const out = await fn();
  return { ms: performance.now() - t0, out };
}

export async function benchReportsNode({ runs = 5 } = {}) {
  const m = await api();
  const corpus = year(1000);
  const first = await time(() => m.summarizeTlsRptReports(corpus.files));
  const ok = first.out.totals.successful === corpus.totals.successful && first.out.totals.failed === corpus.totals.failed &&
    first.out.reports === 1000;
  const times = [];
  for (let i = 0; i < runs; i++) times.push((await time(() => m.summarizeTlsRptReports(corpus.files))).ms);

  const b = big(10 * 1000 * 1000);
  const bigFirst = await time(() => m.summarizeTlsRptReports([{ name: 'big.json', data: b.text }]));
  const bigOk = bigFirst.out.totals.failed === b.failed;
  const bigTimes = [];
  for (let i = 0; i < runs; i++) bigTimes.push((await time(() => m.summarizeTlsRptReports([{ name: 'big.json', data: b.text }]))).ms);
  const parseTimes = [];
  for (let i = 0; i < runs; i++) parseTimes.push((await time(() => m.parseTlsRptReport(b.text))).ms);
  return {
    year: {
      reports: 1000, gzip_bytes: corpus.files.reduce((s, f) => s + f.data.length, 0), json_bytes: corpus.jsonBytes,
      first_ms: first.ms, median_ms: median(times), max_ms: Math.max(...times), totals_match: ok,
    },
    big: {
      bytes: b.text.length, failure_details: b.details, first_ms: bigFirst.ms, median_ms: median(bigTimes),
      max_ms: Math.max(...bigTimes), parse_median_ms: median(parseTimes), totals_match: bigOk,
    },
    rss_mb: process.memoryUsage().rss / 1e6,
  };
}

/**
 * The page: files set on the Reports view's file input, timed until the view
 * shows its summary. `selectors` names the view's input and the element that
 * holds the total of sessions when the summary is shown.
 */
export async function benchReportsBrowser({ runs = 3, selectors } = {}) {
  const { startBrowser } = await import('./browser.mjs');
  const env = await startBrowser(DIST);
  const { browser } = env;
  const corpus = year(1000);
  const b = big(10 * 1000 * 1000);
  const payload = (list) => list.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.data) }));
  const rows = { year: [], big: [] };
  let shown = {};
  try {
    for (const [what, files, expect] of [
      ['year', payload(corpus.files), corpus.totals.successful + corpus.totals.failed],
      ['big', payload([{ name: 'big.json', data: Buffer.from(b.text) }]), 1000000 + b.failed],
    ]) {
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${env.site.base}#reports`);
        await page.waitForSelector(selectors.ready, { state: 'attached' });
        // A person takes a moment to pick files; the view fetches and warms its reader meanwhile.
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(1000);
        // Timed in the page, from the input's change event (the files handed over: playwright's own
        // transfer of the bytes into the browser is not the page's time) to the total on screen.
        await page.evaluate(([inputSel, sel, n]) => {
          const input = document.querySelector(inputSel);
          input.addEventListener('change', () => {
            const t0 = performance.now();
            const seen = () => {
              const el = document.querySelector(sel);
              if (el && el.textContent.replace(/[^0-9]/g, '') === String(n)) window.__reportsMs = performance.now() - t0;
              else requestAnimationFrame(seen);
            };
            requestAnimationFrame(seen);
          }, { capture: true, once: true });
        }, [selectors.input, selectors.total, expect]);
        await page.setInputFiles(selectors.input, files);
        await page.waitForFunction(() => window.__reportsMs !== undefined, null, { timeout: 60000, polling: 50 });
        rows[what].push(await page.evaluate(() => window.__reportsMs));
        shown[what] = await page.$eval(selectors.total, (el) => el.textContent);
        await context.close();
      }
    }
  } finally {
    await env.close();
  }
  return {
    year_median_ms: median(rows.year), year_max_ms: Math.max(...rows.year),
    big_median_ms: median(rows.big), big_max_ms: Math.max(...rows.big), shown,
  };
}
