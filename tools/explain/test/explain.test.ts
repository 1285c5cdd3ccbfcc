/**
 * Plan: run `convspec explain convtranspose` and `explain matrix` in-process on the seed's examples
 * and compare the printed grids with values worked out by hand (ConvTranspose as a scatter:
 * y[i,j] = Σ x[a,b]·W[i − s·a + p, j − s·b + p]; the matrix from y00 = Σ W[i,j]·x[i,j]). Then: SVG output
 * is well-formed XML with one cell per printed value; invalid configurations give the error, too-large
 * examples a clear refusal, and nothing crashes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainConvTranspose } from '../convTranspose';
import { explainMatrix } from '../matrix';
import { hasEscapes, runCli, xmlProblems } from './runCli';

const tmp = mkdtempSync(join(tmpdir(), 'convspec-explain-'));
const cellCount = (svg: string) => (svg.match(/<rect class="cell"/g) ?? []).length;
/** The lines of the block printed after a line containing `heading`, up to the next blank line. */
function blockAfter(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(heading));
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

describe('explain convtranspose', () => {
  it('seed: 2×2 input, 3×3 kernel, s=1, p=0 → padded 6×6 → 4×4 with the hand-computed values', async () => {
    const r = await runCli(['explain', 'convtranspose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2×2 → 6×6');
    expect(r.stdout).toContain('6×6 → 4×4');
    // x = [1 2; 3 4], W = 1…9. Row 0: y00 = 1·1, y01 = 1·2 + 2·1, y02 = 1·3 + 2·2, y03 = 2·3.
    // Row 3 uses W's last row (7 8 9) with x's last row (3 4): 3·7, 3·8 + 4·7, 3·9 + 4·8, 4·9.
    // y11 = 1·5 + 2·4 + 3·2 + 4·1 = 23.
    const out = blockAfter(r.stdout, 'Step 4.');
    expect(out[0].split(/\s+/)).toEqual(['1', '4', '7', '6']);
    expect(out[1].split(/\s+/)[1]).toBe('23');
    expect(out[3].split(/\s+/)).toEqual(['21', '52', '59', '36']);
    // the flipped kernel: W rotated by 180°
    expect(blockAfter(r.stdout, 'Step 3.')).toEqual(['9 8 7', '6 5 4', '3 2 1']);
    // padding d(k−1) − p = 2 on each side: the 1 2 / 3 4 block sits at rows/cols 2–3 of 6
    const padded = blockAfter(r.stdout, 'Step 2.').slice(1);
    expect(padded).toHaveLength(6);
    expect(padded[2]).toBe('· · 1 2 · ·');
    expect(r.stdout).toMatch(/✓ all 16 elements equal exactly/);
  });

  it('seed: 3×3 input, s=2, p=1, k=3 → zeros inserted 5×5, padded 7×7 → 5×5', async () => {
    const r = await runCli(['explain', 'convtranspose', '--input', '1,1,3,3', '--strides', '2,2', '--pads', '1,1,1,1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3×3 → 5×5');
    expect(blockAfter(r.stdout, 'Step 1.')).toEqual(['1 0 2 0 3', '0 0 0 0 0', '4 0 5 0 6', '0 0 0 0 0', '7 0 8 0 9']);
    expect(r.stdout).toContain('5×5 → 7×7');
    // Output position o gets input a with kernel tap o + p − 2a. y00 = x00·W11 = 5;
    // y01 = x00·W12 + x01·W10 = 6 + 8 = 14; y22 = x11·W11 = 25; y44 = x22·W11 = 45.
    const out = blockAfter(r.stdout, 'Step 4.').map((l) => l.split(/\s+/).map(Number));
    expect(out).toHaveLength(5);
    expect([out[0][0], out[0][1], out[2][2], out[4][4]]).toEqual([5, 14, 25, 45]);
  });

  it('generalised steps: dilation, output_padding, groups and bias still agree with the direct ConvTranspose', () => {
    const a = explainConvTranspose({
      xDims: [1, 4, 3, 2],
      wDims: [4, 3, 2, 3],
      attrs: { strides: [2, 3], dilations: [2, 1], pads: [1, 0, 0, 2], output_padding: [1, 2], group: 2 },
      bValues: [0.5, -1, 2, 0.25, 3, -2],
    });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.agree).toBe(true);
    expect(a.text).toContain('output_padding');
    expect(a.text).toContain('m=5'); // six output channels shown one by one
  });

  it('non-integer values: the check falls back to the float32 bound and still passes', () => {
    const a = explainConvTranspose({ xDims: [1, 1, 3], wDims: [1, 1, 3], attrs: { strides: [2] }, xValues: [0.1, 0.2, 0.3], wValues: [1e-3, 7.7, -2.5] });
    expect(a.ok && a.agree).toBe(true);
  });

  it('--svg writes well-formed XML with one cell per shown value (4 + 9 + 4 + 36 + 9 + 16 = 78)', async () => {
    const file = join(tmp, 'ct.svg');
    const r = await runCli(['explain', 'convtranspose', '--svg', file]);
    expect(r.code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(cellCount(svg)).toBe(78);
    expect((svg.match(/data-kind="pad"/g) ?? []).length).toBe(32); // 36 − 4
    expect(hasEscapes(svg)).toBe(false);
  });

  it('escape codes only on a terminal without NO_COLOR; never in a pipe or with NO_COLOR', async () => {
    const clean = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm' };
    expect(hasEscapes((await runCli(['explain', 'convtranspose'], { tty: true, env: clean })).stdout)).toBe(true);
    expect(hasEscapes((await runCli(['explain', 'convtranspose'], { tty: true, env: { ...clean, NO_COLOR: '1' } })).stdout)).toBe(false);
    expect(hasEscapes((await runCli(['explain', 'matrix'], { tty: false, env: { ...clean, CI: 'true' } })).stdout)).toBe(false);
  });

  it('invalid configuration → the ConvSpecError and exit 1; bad value counts and huge examples → exit 2', async () => {
    const bad = await runCli(['explain', 'convtranspose', '--strides', '0,1']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('NOT_POSITIVE');
    const count = await runCli(['explain', 'convtranspose', '--x', '1,2,3']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--x has 3 values');
    const huge = await runCli(['explain', 'convtranspose', '--input', '1,1,500,500']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('smaller example');
  });
});

describe('explain matrix', () => {
  it('seed: 4×4 input, 3×3 kernel → C is 4×16 with the window pattern, Cᵀ 16×4, rank 4, null space 12', async () => {
    const r = await runCli(['explain', 'matrix']);
    expect(r.code).toBe(0);
    const c = blockAfter(r.stdout, 'C (4×16):');
    expect(c[0].split(/\s+/)).toHaveLength(16); // column labels x00 … x33
    // y00 = Σ W[i,j]·x[i,j] over the top-left 3×3 window; y11 over the bottom-right one.
    expect(c[1].split(/\s+/)).toEqual(['y00', 'w00', 'w01', 'w02', '0', 'w10', 'w11', 'w12', '0', 'w20', 'w21', 'w22', '0', '0', '0', '0', '0']);
    expect(c[4].split(/\s+/)).toEqual(['y11', '0', '0', '0', '0', '0', 'w00', 'w01', 'w02', '0', 'w10', 'w11', 'w12', '0', 'w20', 'w21', 'w22']);
    expect(r.stdout).toContain('Cᵀ (16×4):');
    // x11 feeds every output: y00 through w11, y01 through w10, y10 through w01, y11 through w00.
    expect(r.stdout).toMatch(/x11\s+w11\s+w10\s+w01\s+w00/);
    expect(r.stdout).toContain('rank(C) = 4');
    expect(r.stdout).toContain('16 − 4 = 12');
    expect(r.stdout).toMatch(/Checks: C·vec\(x\) equals the reference Conv ✓; Cᵀ·vec\(y\) equals the reference ConvTranspose .*✓/);
  });

  it('strided, padded, grouped configurations still match the reference both ways', () => {
    const a = explainMatrix({ xDims: [1, 4, 5], wDims: [6, 2, 3], attrs: { strides: [2], pads: [1, 2], group: 2, dilations: [2] } });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.agree).toBe(true);
    // o = ⌊(5 + 1 + 2 − 4 − 1)/2⌋ + 1 = 2 per channel → 12 rows; 4·5 = 20 columns
    expect([a.matrix.rows, a.matrix.cols]).toEqual([12, 20]);
    expect(a.nullity).toBe(20 - a.rank);
  });

  it('--svg draws C and Cᵀ (64 + 64 cells), well-formed', async () => {
    const file = join(tmp, 'm.svg');
    expect((await runCli(['explain', 'matrix', '--svg', file])).code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(cellCount(svg)).toBe(128);
  });

  it('batch > 1, invalid attributes and matrices too large to print are refused clearly', async () => {
    const n2 = await runCli(['explain', 'matrix', '--input', '2,1,4,4']);
    expect(n2.code).toBe(1);
    expect(n2.stdout).toContain('N = 1');
    expect((await runCli(['explain', 'matrix', '--pads', '-1,0,0,0'])).stdout).toContain('NEGATIVE_PADS');
    const big = await runCli(['explain', 'matrix', '--input', '1,1,20,20']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('smaller example');
  });
});

describe('the SVG checker itself', () => {
  it('flags unclosed tags, stray ampersands and two roots', () => {
    expect(xmlProblems('<svg><g></svg>').length).toBeGreaterThan(0);
    expect(xmlProblems('<svg><text>a & b</text></svg>').length).toBeGreaterThan(0);
    expect(xmlProblems('<svg/><svg/>').length).toBeGreaterThan(0);
    expect(xmlProblems('<?xml version="1.0"?>\n<svg><rect x="1"/><text>a &amp; b</text></svg>\n')).toEqual([]);
  });
});
