/**
 * The screenshots of the HTML report kept in docs/ (README, "The HTML report"):
 *
 *   npm run build && node dist/tools/conformance/screenshot.js [--out-dir docs]
 *
 * Verifies three variants of the reference in this thread — float32 accumulation (conformant), TF32
 * inputs and float16 accumulation (not) — writes one page with all three (as `convspec gate` does
 * with several targets), and photographs its top (verdicts, compared precision profiles, the table)
 * and a failure (heat maps) in Debian's Chromium (CHROME_PATH, else /usr/bin/chromium; never
 * downloaded). The page itself is left in a temporary folder (its path is printed).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { catalogue } from '../faults/catalogue';
import { verifyTarget } from '../verify/run';
import { renderHtmlReport } from '../report/html';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function main(): Promise<void> {
  const i = process.argv.indexOf('--out-dir');
  const outDir = path.resolve(i > 0 ? process.argv[i + 1] : path.join(__dirname, '../../../docs'));
  const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium, or set CHROME_PATH`);
  const sections = [];
  for (const [id, heading] of [
    ['float32-accumulation', 'float32 accumulation (conformant)'],
    ['tf32-inputs', 'TF32 inputs (mutant)'],
    ['float16-accumulation', 'float16 accumulation (mutant)'],
  ] as const) {
    const impl = catalogue.find((c) => c.id === id)!.impl;
    const report = await verifyTarget({ kind: 'implementation', implementation: impl }, { clauses: ['conv.numeric.*', 'convT.numeric.*', 'fixtures.ort/convtranspose_*'] });
    sections.push({ heading, report });
  }
  const html = await renderHtmlReport({ title: 'convspec — float32, TF32 and float16 variants of the reference', command: 'node dist/tools/conformance/screenshot.js', sections });
  const page = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-report-')), 'html-report-example.html');
  fs.writeFileSync(page, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
    await tab.goto(`file://${page}`);
    await tab.screenshot({ path: path.join(outDir, 'html-report.png') });
    const failure = tab.locator('.failure .case', { has: tab.locator('figure.heat') }).filter({ hasText: 'fixtures.ort/' }).first();
    await failure.screenshot({ path: path.join(outDir, 'html-report-failure.png') });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${page} (${fs.statSync(page).size} bytes); html-report.png and html-report-failure.png in ${outDir}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
