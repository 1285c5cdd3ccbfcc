/**
 * The HTML report (tools/report/html.ts). Reports come from real verify runs (in this thread, few
 * cases) of a float32 variant that is conformant and of float16/TF32 mutants that are not. Checked
 * as text: self-contained (nothing fetched, a CSP that allows nothing else), escaped, one table row
 * per clause, inline SVG charts and heat maps for failures. Checked in Debian's Chromium (headless,
 * driven by playwright-core, never downloaded; skipped only where no chromium is installed — .ci/run
 * installs it): no console error and no request, the table sorts and filters, and the page still
 * shows the table and charts with JavaScript off.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../faults/catalogue';
import { verifyTarget, type VerifyReport } from '../../verify/run';
import { renderHtmlReport } from '../html';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-html-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const entry = (id: string) => {
  const e = catalogue.find((c) => c.id === id);
  if (!e) throw new Error(`no catalogue entry ${id}`);
  return e.impl;
};

async function verifyEntry(id: string, name?: string): Promise<VerifyReport> {
  const impl = entry(id);
  return verifyTarget(
    { kind: 'implementation', implementation: name ? { ...impl, name } : impl },
    { clauses: ['conv.numeric.withinBound', 'convT.numeric.withinBound', 'fixtures.ort/convtranspose_batch', 'fixtures.ort/convtranspose_groups*'], runs: 8 },
  );
}

let good: VerifyReport;
let fp16: VerifyReport;
let tf32: VerifyReport;
let page: string;
let file: string;
beforeAll(async () => {
  good = await verifyEntry('float32-accumulation');
  fp16 = await verifyEntry('float16-accumulation', 'fp16 <script>alert("x")</script> & co');
  tf32 = await verifyEntry('tf32-inputs');
  page = await renderHtmlReport({
    title: 'convspec gate — test',
    command: 'convspec gate --html report.html',
    steps: [{ name: 'verify float32', status: 'passed', summary: 'conformant', durationMs: 10 }],
    sections: [
      { heading: 'float32 accumulation', report: good },
      { heading: 'float16 accumulation', report: fp16 },
      { heading: 'TF32 inputs', report: tf32 },
    ],
  });
  file = path.join(tmp, 'report.html');
  fs.writeFileSync(file, page);
}, 120_000);

describe('the HTML report, as text', () => {
  it('the runs behind it: float32 passes, float16 and TF32 fail, each with a precision profile', () => {
    expect(good.summary.conformant).toBe(true);
    expect(fp16.summary.conformant).toBe(false);
    expect(tf32.summary.conformant).toBe(false);
    // The distance to the bound separates them before any verdict: float32 stays far below 1.
    expect(good.summary.precision!.max).toBeLessThan(1);
    expect(fp16.summary.precision!.max).toBeGreaterThan(1);
    expect(tf32.summary.precision!.median).toBeGreaterThan(10 * good.summary.precision!.median);
  });

  it('is self-contained: no external reference, a CSP that fetches nothing, one inline script', () => {
    expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(page).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:|\/\/|file:)/i);
    expect(page).not.toMatch(/url\(\s*["']?(https?:|\/\/)/i);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'">/);
    expect(page.match(/<script\b/g)).toHaveLength(1);
  });

  it('escapes what the report holds (an implementation name with markup)', () => {
    expect(page).not.toContain('<script>alert(');
    expect(page).toContain('fp16 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
  });

  it('has a clause table per report, the precision charts and heat maps of the failing slices', () => {
    const tables = page.match(/<table class="clauses" data-sortable>[\s\S]*?<\/table>/g)!;
    expect(tables).toHaveLength(3);
    expect(tables[0].match(/<tr data-status=/g)).toHaveLength(good.clauses.length);
    expect(page).toContain('Precision profiles compared');
    expect(page.match(/<figure class="heat">/g)!.length).toBeGreaterThanOrEqual(2);
    // Charts are SVG made when the report was written.
    expect(page.match(/<svg\b/g)!.length).toBeGreaterThanOrEqual(1 + 3 * 2 + 2);
    expect(page).toContain('replay: <code class="replay">');
  });
});

describe.skipIf(!CHROMIUM && !process.env.CI)('the HTML report in headless Chromium', () => {
  it('loads with no console message, no request, sorts and filters; without JavaScript the table and charts remain', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_FLAGS });
    try {
      const pageJs = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const messages: string[] = [];
      pageJs.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
      pageJs.on('pageerror', (err) => messages.push(`pageerror: ${err.message}`));
      pageJs.on('request', (r) => {
        if (r.url() !== `file://${file}`) messages.push(`request: ${r.url()}`);
      });
      await pageJs.goto(`file://${file}`);
      expect(messages).toEqual([]);
      const table = pageJs.locator('table.clauses').nth(1);
      // Sort by the max |error|/bound column, descending: the first row holds the largest ratio.
      const header = table.locator('thead th', { hasText: 'max |err|/bound' });
      await header.click();
      await header.click();
      expect(await header.getAttribute('aria-sort')).toBe('descending');
      const maxes = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number((r as any).cells[6].getAttribute('data-sort') || -1)));
      expect(maxes).toEqual([...maxes].sort((a, b) => b - a));
      // Filter by status.
      await pageJs.locator('.filters select').nth(1).selectOption('failed');
      const visible = await table.locator('tbody tr:not([hidden])').count();
      expect(visible).toBe(fp16.clauses.filter((c) => c.status === 'failed').length);
      const png = await pageJs.screenshot({ fullPage: false });
      expect(png.length).toBeGreaterThan(10_000);
      expect(messages).toEqual([]);

      const context = await browser.newContext({ javaScriptEnabled: false });
      const pageNoJs = await context.newPage();
      await pageNoJs.goto(`file://${file}`);
      expect(await pageNoJs.locator('table.clauses tbody tr').count()).toBe(good.clauses.length + fp16.clauses.length + tf32.clauses.length);
      expect(await pageNoJs.locator('svg').count()).toBeGreaterThanOrEqual(9);
      expect(await pageNoJs.locator('.filters').count()).toBe(0);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 60_000);
});
