/**
 * What a reader sees first in the HTML report (issue 24 item 9): the heat map's slice runs along the
 * axes where the error varies (a depth-axis fault is a pattern of depth slices, not a uniformly wrong
 * 1×1 or 2×2 square), a browser target's page is titled by its short name (the browser and its flags
 * go in the details), and histogram bins outside the bound are drawn in the failing colour.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { findMismatch, unravel } from '../../../spec/framework/compare';
import { RatioHistogram } from '../../../spec/framework/precision';
import type { Expected } from '../../../spec/tolerance';
import { FAILING_COLOUR, WITHIN_COLOUR, overallProfileSpec, renderSvg, sliceHeatmapSpec } from '../charts';
import { renderHtmlReport } from '../html';
import { REPORT_SCHEMA } from '../reportSchema';
import { reportTitle, shortTargetName } from '../targetName';
import type { VerifyReport } from '../report';

const root = path.resolve(__dirname, '../../..');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-readable-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The first node of the report schema that `test` accepts. */
function schemaNode(test: (n: any) => boolean, n: any = REPORT_SCHEMA): any {
  if (n === null || typeof n !== 'object') return undefined;
  if (test(n)) return n;
  for (const v of Object.values(n)) {
    const found = schemaNode(test, v);
    if (found) return found;
  }
  return undefined;
}

function expectedOf(y64: number[], dims: number[]): Expected {
  return { y64: Float64Array.from(y64), bound: new Float64Array(y64.length).fill(1e-6), dims, geometry: undefined as never };
}

/** An output of `dims` whose elements are wrong (0) wherever `wrong(index)` says, right elsewhere. */
function faulty(dims: number[], wrong: (index: number[]) => boolean) {
  const n = dims.reduce((a, b) => a * b, 1);
  const y = Array.from({ length: n }, (_, i) => 1 + Math.abs(Math.sin(i + 1)));
  const data = Float32Array.from(y, (v, i) => (wrong(unravel(i, dims)) ? 0 : v));
  return findMismatch({ dims, data }, expectedOf(Array.from(Float32Array.from(y)), dims))!;
}

describe('the heat map slice', () => {
  it('a 3-D ConvTranspose output wrong along depth only (tfjs-wasm finding 1): the slice runs along depth', () => {
    // N 2, C 1, D 4, H 2, W 2: every depth slice but the first is 0, as tfjs-wasm's conv3dTranspose gives.
    const dims = [2, 1, 4, 2, 2];
    const m = faulty(dims, (i) => i[2] > 0);
    expect(m.badCount).toBe(24);
    const s = m.slice!;
    expect(s.axes).toBeDefined();
    expect(s.axes).toContain(2);
    // Along depth the slice holds right and wrong elements alike: a pattern, not a uniform square.
    const bad = s.actual.map((a, k) => a !== Math.fround(s.expected[k]));
    expect(bad).toContain(true);
    expect(bad).toContain(false);
    // The worst element is in it, where the axes say.
    const [ra, ca] = s.axes!;
    const w = m.worst!.index;
    expect(s.actual[(w[ra] - s.rowStart) * s.cols + (w[ca] - s.colStart)]).toBe(m.worst!.actual);
    expect(s.fixed).toEqual(w.filter((_, a) => a !== ra && a !== ca));
    // The report schema takes the new, optional field (and only a pair of axes).
    const validSlice = new Ajv({ allErrors: true }).compile(schemaNode((n) => n?.properties?.rowStart !== undefined));
    expect(validSlice(JSON.parse(JSON.stringify(s))), JSON.stringify(validSlice.errors)).toBe(true);
    expect(validSlice({ ...s, axes: [2] })).toBe(false);
  });

  it('wrong along channels in a 1-D output: rows are channels', () => {
    const m = faulty([1, 4, 6], (i) => i[1] === 2);
    expect(m.slice!.axes).toEqual([1, 2]);
    expect(m.slice!.rows).toBe(4);
  });

  it('one wrong element, or an error varying along the last two axes: the default slice, no axes field (reports read as before)', () => {
    const one = faulty([1, 2, 3, 4, 5], (i) => i.join() === '0,1,2,3,4');
    expect(one.slice!.axes).toBeUndefined();
    expect(one.slice!.fixed).toEqual([0, 1, 2]);
    const plane = faulty([1, 2, 3, 4, 5], (i) => i[4] > 2);
    expect(plane.slice!.axes).toBeUndefined();
  });

  it('the heat map names the axes it runs along and outlines the worst element there', async () => {
    const m = faulty([2, 1, 4, 2, 2], (i) => i[2] > 0);
    const spec = sliceHeatmapSpec(m.slice!, m.worst!.index) as any;
    const panel = spec.hconcat[0].layer[1];
    const [ra, ca] = m.slice!.axes!;
    expect(panel.data.values).toEqual([{ row: m.worst!.index[ra], col: m.worst!.index[ca] }]);
    const svg = await renderSvg(spec);
    expect(svg).toContain('D (depth)');
  }, 60_000);
});

function reportOf(name: string, args: string, precision?: VerifyReport['summary']['precision']): VerifyReport {
  return {
    schema: 'convspec-report', version: 1, convspecVersion: '0.0.0', startedAt: '2026-12-06T00:00:00Z', durationMs: 1,
    target: { kind: 'browser', args, name, supports: {} },
    options: { seed: 1, depth: 1, timeoutMs: 10_000, clauseFilters: [] },
    clauses: [], ambiguities: [],
    summary: { conformant: false, clauses: { passed: 0, failed: 0, unsupported: 0 }, cases: { passed: 0, failed: 0, unsupported: 0 }, precision } as any,
  } as unknown as VerifyReport;
}

describe('the page title', () => {
  const flags = '--headless --no-sandbox --enable-unsafe-webgpu --enable-features=Vulkan --use-angle=swiftshader --use-webgpu-adapter=swiftshader --disable-background-networking --disable-component-update';
  const name = `@tensorflow/tfjs-backend-wasm 4.22.0 (1 thread) — in Chromium 156.0.7000.0 headless, flags ${flags} (no GPU here: WebGPU and WebGL run on SwiftShader, a CPU implementation)`;

  it('a browser target: its short name; the browser and flags in the details', async () => {
    const report = reportOf(name, '--target browser:tfjs-wasm');
    expect(shortTargetName(report.target)).toBe('browser:tfjs-wasm');
    const title = reportTitle('verify', report);
    expect(title).toBe('convspec verify — browser:tfjs-wasm');
    const page = await renderHtmlReport({ title, sections: [{ report }] });
    expect(page).toContain('<h1>convspec verify — browser:tfjs-wasm</h1>');
    expect(page).toContain('<title>convspec verify — browser:tfjs-wasm</title>');
    expect(page).toMatch(/<th scope="row">ran in<\/th><td><code>Chromium 156[^<]*--use-webgpu-adapter=swiftshader/);
  });

  it('a user\'s browser module: its own name, without where it ran; a very long name is clipped', () => {
    expect(shortTargetName({ name, args: '--browser ./mine.mjs' })).toBe('@tensorflow/tfjs-backend-wasm 4.22.0 (1 thread)');
    expect(shortTargetName({ name: 'x'.repeat(500), args: './a.js' })).toHaveLength(80);
  });

  it.skipIf(!CHROMIUM)('verify --target browser:tfjs-cpu --html: the page title is short (the built CLI, Chromium)', () => {
    const html = path.join(tmp, 'browser.html');
    const r = spawnSync(process.execPath, [path.join(root, 'bin/convspec.js'), 'verify', '--target', 'browser:tfjs-cpu', '--clause', 'conv.numeric.withinBound', '--runs', '1', '--html', html], {
      cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(/<h1>([^<]*)<\/h1>/.exec(page)![1]).toBe('convspec verify — browser:tfjs-cpu');
    expect(page).toMatch(/<th scope="row">ran in<\/th><td><code>Chromium/);
  }, 150_000);
});

describe('the precision histogram', () => {
  function summary(ratios: number[]) {
    const h = new RatioHistogram();
    for (const r of ratios) h.add(r);
    return h.summary();
  }
  /** The fill colours of the chart's bars (Vega's rect marks), legend and axes left out. */
  const fills = (svg: string) =>
    [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].flatMap((g) => [...g[1].matchAll(/fill="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1].toLowerCase()));

  it('bins outside the bound are filled in the failing colour; a passing profile has none', async () => {
    // A million-to-one failing tail: one element at 30× the bound among 10 000 far inside it.
    const failing = await renderSvg(overallProfileSpec(summary([...Array.from({ length: 10_000 }, (_, i) => 1e-3 * (1 + (i % 7))), 30]), 'profile'));
    // The failing bar, and the strip under it that shows however few elements it holds.
    expect(fills(failing).filter((f) => f === FAILING_COLOUR)).toHaveLength(2);
    expect(fills(failing)).toContain(WITHIN_COLOUR);
    const passing = await renderSvg(overallProfileSpec(summary(Array.from({ length: 1000 }, (_, i) => 1e-3 * (1 + (i % 7)))), 'profile'));
    expect(fills(passing)).not.toContain(FAILING_COLOUR);
  }, 60_000);
});
