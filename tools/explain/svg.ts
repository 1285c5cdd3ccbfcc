/**
 * Hand-built SVG for the explanatory pictures (no library needed: rectangles and text). Made for
 * slides and print: every cell carries its number, values use a single-hue sequential scale whose
 * lightness falls monotonically with magnitude (ColorBrewer "Blues"), so it survives greyscale
 * printing; padding cells are light grey with a dotted edge, inserted zeros white, unreached pixels
 * (holes) hatched. Each cell is one <rect class="cell"> so tests and tools can count them.
 */
import { cellText, formatNumber, type Cell, type CellKind, type Grid } from './grid';

export interface Panel {
  heading: string;
  grids: Grid[];
}

/** ColorBrewer Blues, 9 classes, light to dark. */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

function hexToRgb(h: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function rgbToHex(c: number[]): string {
  return '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

/** Colour for t in [0, 1] by linear interpolation between the scale's anchors. */
export function sequentialColour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(BLUES[i]);
  const b = hexToRgb(BLUES[i + 1]);
  return rgbToHex(a.map((v, k) => v + (b[k] - v) * f));
}

/** Relative luminance (sRGB, WCAG) of a #rrggbb colour, to choose black or white text. */
export function luminance(hex: string): number {
  const lin = hexToRgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const CELL_MIN = 28;
const CHAR_W = 7.5;
const GAP = 24;
const HEAD = 26;
const TITLE_H = 16;
const LABEL_W_CHAR = 7;

interface Style {
  fill: string;
  text: string;
  extra: string;
}

function cellStyle(c: Cell, maxAbs: number): Style {
  switch (c.kind) {
    case 'pad':
      return { fill: '#eeeeee', text: '#777777', extra: ' stroke-dasharray="2 2"' };
    case 'inserted':
    case 'zero':
      return { fill: '#ffffff', text: '#555555', extra: '' };
    case 'hole':
      return { fill: 'url(#hatch)', text: '#000000', extra: '' };
    default: {
      // Non-zero values start a step into the scale so they never look like the white zero cells.
      const t = maxAbs === 0 || c.value === 0 ? 0 : 0.12 + 0.88 * (Math.abs(c.value) / maxAbs);
      const fill = Number.isFinite(c.value) ? sequentialColour(t) : '#ffffff';
      return { fill, text: luminance(fill) < 0.25 ? '#ffffff' : '#000000', extra: '' };
    }
  }
}

function textOf(c: Cell): string {
  // In pictures the numbers are always shown: padding as 0, holes as 0, so print readers see them.
  return c.kind === 'pad' || c.kind === 'hole' ? (c.label ?? '0') : cellText(c);
}

const LEGEND: Record<Exclude<CellKind, 'value'>, string> = {
  pad: 'padding (zero)',
  inserted: 'inserted zero',
  hole: 'never reached (hole)',
  zero: 'structural zero',
};

/** One SVG document with the panels side by side, each panel's grids stacked, and a legend. */
export function renderSvg(title: string, panels: Panel[]): string {
  const allCells = panels.flatMap((p) => p.grids.flatMap((g) => g.cells.flat()));
  const longest = Math.max(1, ...allCells.map((c) => textOf(c).length), ...panels.flatMap((p) => p.grids.flatMap((g) => (g.colLabels ?? []).map((l) => l.length))));
  const cell = Math.max(CELL_MIN, Math.ceil(longest * CHAR_W + 10));
  const body: string[] = [];
  let x = GAP;
  let height = 0;
  for (const p of panels) {
    const maxAbs = Math.max(0, ...p.grids.flatMap((g) => g.cells.flat().filter((c) => c.kind === 'value' && Number.isFinite(c.value)).map((c) => Math.abs(c.value))));
    const labelW = Math.max(0, ...p.grids.map((g) => (g.rowLabels ? Math.max(...g.rowLabels.map((l) => l.length)) * LABEL_W_CHAR + 8 : 0)));
    const gridW = Math.max(...p.grids.map((g) => (g.cells[0]?.length ?? 0) * cell));
    const panelW = Math.max(labelW + gridW, p.heading.length * 8.2);
    let y = GAP + HEAD;
    body.push(`<text x="${x}" y="${GAP + 14}" class="heading">${escapeXml(p.heading)}</text>`);
    for (const g of p.grids) {
      if (g.title) {
        body.push(`<text x="${x}" y="${y + 12}" class="plane">${escapeXml(g.title)}</text>`);
        y += TITLE_H;
      }
      if (g.colLabels) {
        g.colLabels.forEach((l, j) => body.push(`<text x="${x + labelW + j * cell + cell / 2}" y="${y + 12}" class="label" text-anchor="middle">${escapeXml(l)}</text>`));
        y += TITLE_H;
      }
      g.cells.forEach((row, i) => {
        if (g.rowLabels) body.push(`<text x="${x}" y="${y + i * cell + cell / 2 + 4}" class="label">${escapeXml(g.rowLabels[i])}</text>`);
        row.forEach((c, j) => {
          const s = cellStyle(c, maxAbs);
          const cx = x + labelW + j * cell;
          const cy = y + i * cell;
          body.push(
            `<rect class="cell" data-kind="${c.kind}" x="${cx}" y="${cy}" width="${cell}" height="${cell}" fill="${s.fill}" stroke="#444444" stroke-width="0.75"${s.extra}/>`,
            `<text x="${cx + cell / 2}" y="${cy + cell / 2 + 4}" class="num" text-anchor="middle" fill="${s.text}">${escapeXml(textOf(c))}</text>`,
          );
        });
      });
      y += g.cells.length * cell + 12;
    }
    height = Math.max(height, y);
    x += panelW + GAP;
  }
  const kinds = [...new Set(allCells.map((c) => c.kind))].filter((k): k is Exclude<CellKind, 'value'> => k !== 'value');
  const legendY = height + 8;
  kinds.forEach((k, i) => {
    const lx = GAP + i * 190;
    const s = cellStyle({ value: 0, kind: k }, 1);
    body.push(
      `<rect x="${lx}" y="${legendY}" width="16" height="16" fill="${s.fill}" stroke="#444444" stroke-width="0.75"${s.extra}/>`,
      `<text x="${lx + 22}" y="${legendY + 12}" class="label">${escapeXml(LEGEND[k])}</text>`,
    );
  });
  // The value scale: light = small magnitude, dark = large (the same in greyscale).
  const magnitudes = allCells.filter((c) => c.kind === 'value' && Number.isFinite(c.value) && c.value !== 0).map((c) => Math.abs(c.value));
  const scaleX = GAP + kinds.length * 190;
  if (magnitudes.length > 0) {
    const lo = Math.min(...magnitudes);
    const hi = Math.max(...magnitudes);
    body.push(`<text x="${scaleX}" y="${legendY + 12}" class="label">|value| ${escapeXml(formatNumber(lo))}</text>`);
    const sx = scaleX + 70 + formatNumber(lo).length * 6;
    for (let i = 0; i < 6; i++) {
      body.push(`<rect x="${sx + i * 16}" y="${legendY}" width="16" height="16" fill="${sequentialColour(0.12 + (0.88 * i) / 5)}" stroke="#444444" stroke-width="0.5"/>`);
    }
    body.push(`<text x="${sx + 6 * 16 + 6}" y="${legendY + 12}" class="label">${escapeXml(formatNumber(hi))} (per panel)</text>`);
  }
  const width = Math.ceil(Math.max(x, scaleX + 320));
  const totalH = Math.ceil(legendY + 28 + GAP / 2);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${totalH}" viewBox="0 0 ${width} ${totalH}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bbbbbb" stroke-width="1.5"/></pattern></defs>`,
    `<style>.heading{font-size:14px;font-weight:bold}.plane{font-size:11px;fill:#555555}.label{font-size:11px;fill:#333333}.num{font-size:12px}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}
