/**
 * The HTML report's charts: Vega-Lite specifications compiled and rendered to SVG strings in Node
 * when the report is written (vega View with renderer 'none', then toSVG), so the page needs no
 * JavaScript and no network to show them. Vega and Vega-Lite are ES modules; they are loaded on first
 * use with a dynamic import, so commands that write no HTML never load them.
 */
import type { MismatchSlice } from '../../spec/framework/compare';
import { defaultSliceAxes, elementRatio } from '../../spec/framework/compare';
import { binLowerEdge, type PrecisionSummary } from '../../spec/framework/precision';

type VegaLiteSpec = Record<string, unknown>;

let libraries: Promise<{ vega: any; vl: any }> | undefined;
function loadLibraries(): Promise<{ vega: any; vl: any }> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return libraries;
}

const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
  title: { fontSize: 13, fontWeight: 'bold', anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
};

/** A Vega-Lite spec rendered to an SVG string (no script, no external reference). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await loadLibraries();
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Histogram bins of a PrecisionSummary merged `factor` at a time: [{lo, hi, count}]. */
export function coarseBins(p: PrecisionSummary, factor = 5): { lo: number; hi: number; count: number }[] {
  const merged = new Map<number, number>();
  for (const [b, n] of p.histogram.bins) merged.set(Math.floor(b / factor), (merged.get(Math.floor(b / factor)) ?? 0) + n);
  return [...merged.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, count]) => ({
      lo: binLowerEdge(k * factor, p.histogram.binsPerDecade, p.histogram.minLog10),
      hi: binLowerEdge((k + 1) * factor, p.histogram.binsPerDecade, p.histogram.minLog10),
      count,
    }));
}

/** Histogram bins outside the bound (|error|/bound > 1) are drawn in this colour, the rest in WITHIN_COLOUR. */
export const FAILING_COLOUR = '#d62728';
export const WITHIN_COLOUR = '#4c78a8';
/** The bound, a rule at |error|/bound = 1 on every profile. */
const boundRule = { data: { values: [{ x: 1 }] }, mark: { type: 'rule', color: FAILING_COLOUR, strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' } } };
/** Bins start on quarter decades, so 1 is an edge: a bin from 1 up holds only ratios ≥ 1. */
const outside = (b: { lo: number }) => b.lo >= 1;

const PROFILE_HEIGHT = 180;

const ratioAxis = (title: string) => ({ type: 'quantitative', scale: { type: 'log' }, axis: { title, format: '.0e', grid: true } });

function exactNote(p: PrecisionSummary): string {
  const parts = [`${p.elements} elements judged`];
  if (p.exact > 0) parts.push(`${p.exact} exact (|error| = 0, not on a log axis)`);
  if (p.infinite > 0) parts.push(`${p.infinite} non-finite where none was due`);
  return parts.join('; ');
}

/** The overall precision profile: share of judged elements per |error|/bound bin, log axis, the bound at 1. */
export function overallProfileSpec(p: PrecisionSummary, title: string): VegaLiteSpec {
  const sides = { within: 'within the bound (≤ 1)', outside: 'outside the bound (> 1)' };
  const bins = coarseBins(p).map((b) => ({ ...b, share: b.count / p.elements, side: outside(b) ? sides.outside : sides.within }));
  // Only the sides present, so a passing profile shows no failing colour, not even in its legend.
  const present = [sides.within, sides.outside].filter((side) => bins.some((b) => b.side === side));
  return {
    title: { text: title, subtitle: `median ${fmt(p.median)}, max ${fmt(p.max)}; ${exactNote(p)}; ≤ 1 passes` },
    width: 560,
    height: PROFILE_HEIGHT,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'lo', ...ratioAxis('|error| / bound (log axis)') },
          x2: { field: 'hi' },
          y: { field: 'share', type: 'quantitative', axis: { title: 'share of elements', format: '.1~%' } },
          color: {
            field: 'side', type: 'nominal',
            scale: { domain: present, range: present.map((side) => (side === sides.outside ? FAILING_COLOUR : WITHIN_COLOUR)) },
            legend: { title: null, orient: 'top-right', labelLimit: 240 },
          },
        },
      },
      {
        // A strip under every failing bin: a tail of a few elements in millions has no visible height.
        data: { values: bins.filter(outside) },
        mark: { type: 'rect', color: FAILING_COLOUR },
        encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, y: { value: PROFILE_HEIGHT }, y2: { value: PROFILE_HEIGHT - 5 } },
      },
      boundRule,
    ],
  };
}

/** One row per clause: where its elements fall on the |error|/bound axis (colour = share of the clause's elements). */
export function clauseProfileSpec(rows: { clause: string; precision: PrecisionSummary }[]): VegaLiteSpec {
  const values = rows.flatMap(({ clause, precision }) => coarseBins(precision).map((b) => ({ clause, ...b, share: b.count / precision.elements })));
  const shareColour = (scheme: string, title: string) => ({ field: 'share', type: 'quantitative', scale: { type: 'sqrt', scheme, domain: [0, 1] }, legend: { title, format: '.0%' } });
  const order = [...rows].sort((a, b) => b.precision.max - a.precision.max).map((r) => r.clause);
  return {
    title: { text: 'Precision profile by clause', subtitle: 'share of each clause’s judged elements per |error|/bound bin; sorted by the largest ratio; the bound is the dashed line at 1' },
    width: 560,
    height: { step: 14 },
    layer: [
      ...[false, true].map((failing) => ({
        // Bins within the bound in blues, those outside it in reds: the failing tail stands apart.
        data: { values: values.filter((b) => outside(b) === failing) },
        mark: { type: 'rect' },
        encoding: {
          y: { field: 'clause', type: 'nominal', sort: order, axis: { title: null, labelLimit: 260 } },
          x: { field: 'lo', ...ratioAxis('|error| / bound (log axis)') },
          x2: { field: 'hi' },
          color: failing ? shareColour('reds', 'share outside') : shareColour('blues', 'share within'),
        },
      })),
      boundRule,
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** Several targets' overall profiles on one log axis (gate with several targets, the conformance table). */
export function comparedProfileSpec(rows: { target: string; precision: PrecisionSummary }[]): VegaLiteSpec {
  const values = rows.flatMap(({ target, precision }) =>
    coarseBins(precision, 2).map((b) => ({ target, x: Math.sqrt(b.lo * b.hi), share: b.count / precision.elements })),
  );
  return {
    title: { text: 'Precision profiles compared', subtitle: 'share of each target’s judged elements per |error|/bound bin (exact elements not shown); the bound is the dashed line at 1' },
    width: 560,
    height: 200,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { size: 16 }, interpolate: 'monotone' },
        encoding: {
          x: { field: 'x', ...ratioAxis('|error| / bound (log axis)') },
          y: { field: 'share', type: 'quantitative', axis: { title: 'share of elements', format: '.1~%' } },
          color: { field: 'target', type: 'nominal', legend: { title: null, orient: 'bottom', columns: 2, labelLimit: 400 } },
        },
      },
      boundRule,
    ],
  };
}

function fmt(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  return v >= 0.01 && v < 1000 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** Colour bands of |error|/bound in the heat maps: greens within the bound, reds outside. */
const RATIO_BANDS = [
  { upTo: 0.01, label: '≤ 0.01', color: '#edf8e9' },
  { upTo: 0.1, label: '0.01 – 0.1', color: '#bae4b3' },
  { upTo: 1, label: '0.1 – 1', color: '#74c476' },
  { upTo: 10, label: '1 – 10 (outside)', color: '#fcae91' },
  { upTo: 1000, label: '10 – 1000', color: '#fb6a4a' },
  { upTo: Infinity, label: '> 1000 or non-finite', color: '#a50f15' },
];

/** The name of axis `a` of a rank-`rank` output (ONNX layout N, C, then the spatial axes). */
export function axisName(a: number, rank: number): string {
  if (a === 0) return 'N (batch)';
  if (a === 1) return 'C (channels)';
  const spatial = rank - 2;
  const names = ['D (depth)', 'H (height)', 'W (width)'];
  return spatial <= 3 ? names[3 - spatial + a - 2] : `spatial axis ${a - 2}`;
}

/**
 * Heat maps of the failing slice: actual, expected (same colour scale) and |error|/bound (threshold
 * colours, red above 1), with the worst element outlined.
 */
export function sliceHeatmapSpec(slice: MismatchSlice, worst: number[] | undefined): VegaLiteSpec {
  const cells: Record<string, number | string | null>[] = [];
  const finite = [...slice.actual, ...slice.expected].filter((v) => Number.isFinite(v));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  // Which axes the rows and columns run along: the slice says so, or it is the default for the rank.
  const rank = worst?.length ?? slice.fixed.length + (slice.axes ? 2 : 0);
  const axes = slice.axes ?? (worst ? defaultSliceAxes(worst.length) : undefined);
  const rowAxis = axes && axes.length === 2 ? axes[0] : undefined;
  const colAxis = axes ? axes[axes.length - 1] : undefined;
  for (let r = 0; r < slice.rows; r++) {
    for (let c = 0; c < slice.cols; c++) {
      const i = r * slice.cols + c;
      const ratio = elementRatio(slice.actual[i], slice.expected[i], slice.bound[i]);
      cells.push({
        row: slice.rowStart + r,
        col: slice.colStart + c,
        actual: Number.isFinite(slice.actual[i]) ? slice.actual[i] : null,
        expected: Number.isFinite(slice.expected[i]) ? slice.expected[i] : null,
        band: (RATIO_BANDS.find((b) => ratio <= b.upTo) ?? RATIO_BANDS[RATIO_BANDS.length - 1]).label,
      });
    }
  }
  const worstCell = worst && colAxis !== undefined ? [{ row: rowAxis !== undefined ? worst[rowAxis] : 0, col: worst[colAxis] }] : [];
  const cell = Math.max(6, Math.min(18, Math.floor(220 / Math.max(slice.rows, slice.cols))));
  const size = { width: { step: cell }, height: { step: cell } };
  const xy = {
    x: { field: 'col', type: 'ordinal', axis: { title: colAxis !== undefined ? axisName(colAxis, rank) : 'last axis', labelAngle: 0, labelOverlap: true } },
    y: { field: 'row', type: 'ordinal', axis: { title: rowAxis !== undefined ? axisName(rowAxis, rank) : null, labelOverlap: true } },
  };
  const outline = { data: { values: worstCell }, mark: { type: 'rect', fill: null, stroke: '#000', strokeWidth: 2 }, encoding: xy };
  const panel = (field: string, title: string, color: Record<string, unknown>) => ({
    title,
    ...size,
    layer: [{ data: { values: cells }, mark: { type: 'rect' }, encoding: { ...xy, color: { field, type: 'quantitative', ...color } } }, outline],
  });
  const valueScale = { scale: { scheme: 'viridis', domain: [lo, hi === lo ? lo + 1 : hi] }, legend: { title: 'value', format: '.3~g', gradientLength: 90 } };
  return {
    hconcat: [
      panel('actual', 'actual', valueScale),
      panel('expected', 'expected (float64 reference)', valueScale),
      panel('band', '|error| / bound', {
        type: 'ordinal',
        scale: { domain: RATIO_BANDS.map((b) => b.label), range: RATIO_BANDS.map((b) => b.color) },
        legend: { title: '|error|/bound', symbolType: 'square', labelLimit: 220 },
      }),
    ],
    resolve: { scale: { color: 'independent' } },
  };
}
