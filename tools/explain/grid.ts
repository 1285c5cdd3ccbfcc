/**
 * Grids: the one picture model behind the explanatory commands. A tensor's planes, a usage-count
 * field or a matrix become `Grid`s of `Cell`s; grid.ts draws them as aligned text, svg.ts as SVG.
 * A cell's `kind` says where a value came from, so a zero that was inserted, a zero of padding and
 * an unreached pixel look different in both pictures (in text: 0, · and ·).
 */
import type { Tensor } from '../../impl/types';
import { plain, type Style, visibleLength } from '../terminal/style';

/** value: a number; inserted: a zero put between inputs; pad: padding; hole: never reached; zero: a structural zero of a matrix. */
export type CellKind = 'value' | 'inserted' | 'pad' | 'hole' | 'zero';

export interface Cell {
  value: number;
  kind: CellKind;
  /** Text to show instead of the number (e.g. a weight name "w01"). */
  label?: string;
}

export interface Grid {
  /** Plane label such as "n=0, c=1" (empty when the tensor has a single plane). */
  title: string;
  cells: Cell[][];
  rowLabels?: string[];
  colLabels?: string[];
}

/** Short, exact-looking number text: integers as is, others with 4 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : String(v);
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

export function cellText(c: Cell): string {
  if (c.label !== undefined) return c.label;
  if (c.kind === 'pad' || c.kind === 'hole') return '·';
  return formatNumber(c.value);
}

/**
 * Splits a tensor [N, C, spatial…] into 2-D planes: rank 1 gives one row per (n, c), rank 2 one
 * grid per (n, c), rank 3 one grid per (n, c, depth). `kindAt(flat)` tags each element (default value).
 */
export function tensorPlanes(t: Tensor, kindAt: (flat: number) => CellKind = () => 'value', axisNames: [string, string] = ['n', 'c']): Grid[] {
  const [n, c, ...sp] = t.dims;
  const rows = sp.length >= 2 ? sp[sp.length - 2] : 1;
  const cols = sp[sp.length - 1];
  const depth = sp.length === 3 ? sp[0] : 1;
  const planeSize = rows * cols;
  const grids: Grid[] = [];
  const single = n * c * depth === 1;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let z = 0; z < depth; z++) {
        const base = ((b * c + ch) * depth + z) * planeSize;
        const cells: Cell[][] = [];
        for (let r = 0; r < rows; r++) {
          const row: Cell[] = [];
          for (let q = 0; q < cols; q++) {
            const flat = base + r * cols + q;
            row.push({ value: t.data[flat], kind: kindAt(flat) });
          }
          cells.push(row);
        }
        const parts = single ? [] : [`${axisNames[0]}=${b}`, `${axisNames[1]}=${ch}`];
        if (depth > 1) parts.push(`depth ${z}`);
        grids.push({ title: parts.join(', '), cells });
      }
    }
  }
  return grids;
}

/** "6×6" for a tensor's spatial dims. */
export function spatialText(dims: readonly number[]): string {
  return dims.slice(2).join('×');
}

/** Aligned text lines of one grid, indented; kinds other than `value` are dimmed. */
export function renderGrid(g: Grid, style: Style = plain, indent = '  '): string[] {
  const texts = g.cells.map((row) => row.map(cellText));
  const colW = g.cells[0]?.map((_, j) => Math.max(...texts.map((r) => r[j].length), g.colLabels ? g.colLabels[j].length : 0)) ?? [];
  const rowW = g.rowLabels ? Math.max(...g.rowLabels.map((l) => l.length)) : 0;
  const lines: string[] = [];
  if (g.title) lines.push(`${indent}${style.dim(g.title)}`);
  const lead = g.rowLabels ? ' '.repeat(rowW) + '  ' : '';
  if (g.colLabels) lines.push(indent + lead + g.colLabels.map((l, j) => style.dim(l.padStart(colW[j]))).join(' '));
  g.cells.forEach((row, i) => {
    const label = g.rowLabels ? style.dim(g.rowLabels[i].padEnd(rowW)) + '  ' : '';
    const body = row
      .map((c, j) => {
        const t = texts[i][j].padStart(colW[j]);
        return c.kind === 'value' ? t : style.dim(t);
      })
      .join(' ');
    lines.push(indent + label + body);
  });
  return lines;
}

/** Several grids one under another, separated by a blank line when they carry titles. */
export function renderGrids(grids: Grid[], style: Style = plain, indent = '  '): string[] {
  return grids.flatMap((g, i) => [...(i > 0 && g.title ? [''] : []), ...renderGrid(g, style, indent)]);
}

/** Widest rendered line, for deciding whether a picture fits a terminal. */
export function widestLine(lines: string[]): number {
  return lines.reduce((m, l) => Math.max(m, visibleLength(l)), 0);
}
