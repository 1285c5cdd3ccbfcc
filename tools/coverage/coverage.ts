/**
 * `convspec coverage`: for a stack of stride-1 dilated convolutions, which input pixels one output
 * pixel sees and along how many paths (impl/dilation.ts), the receptive field, the holes left by
 * gridding, and Wang et al.'s HDC values with the verdict and the precise limits of that verdict.
 */
import { hdcSatisfied, hdcValues, holes1D, receptiveField, usageCounts1D } from '../../impl/dilation';
import { referenceConvTranspose } from '../../impl/reference';
import { tensor } from '../../impl/tensor';
import { UsageError } from '../terminal/usage';
import type { Cell, Grid } from '../explain/grid';
import { renderGrid } from '../explain/grid';
import { plain, type Style } from '../terminal/style';
import type { Panel } from '../explain/svg';

export interface CoverageRequest {
  kernel: number;
  rates: number[];
  /** 1 or 2 (default 2): a row of counts or the K×K field. */
  dims: 1 | 2;
}

export interface CoverageAnswer {
  extent: number;
  counts1D: number[];
  holes: number[];
  hdc: number[];
  hdcSatisfied: boolean;
  /** Whether the reference's impulse response gave the same counts (true when the field was too large to check). */
  agree: boolean;
  text: string;
  panels: Panel[];
  title: string;
}

/** Widest field drawn as a grid (terminal and SVG); larger fields get the numbers only. */
export const MAX_GRID_SIDE_2D = 64;
export const MAX_GRID_SIDE_1D = 128;

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number) => String(n).replace(/\d/g, (d) => SUB[Number(d)]);
const list = (v: readonly number[]) => `[${v.join(', ')}]`;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function countGrid(counts: number[], dims: 1 | 2): Grid {
  const cell = (v: number): Cell => ({ value: v, kind: v === 0 ? 'hole' : 'value' });
  const offsets = counts.map((_, i) => String(i));
  if (dims === 1) return { title: '', colLabels: offsets, cells: [counts.map(cell)] };
  return { title: '', cells: counts.map((a) => counts.map((b) => cell(a * b))) };
}

/** Ranges like "1, 3, 5" or "7–8, 16–17" for a sorted offset list. */
export function formatOffsets(v: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < v.length; ) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j] + 1) j++;
    parts.push(j === i ? String(v[i]) : `${v[i]}–${v[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** What the HDC verdict means for this stack, given the exact hole count. */
function hdcCaveat(k: number, rates: number[], satisfied: boolean, hasHoles: boolean): string {
  if (rates.length === 1) {
    return 'One layer: there is no M₂, so the rule has nothing to say; a single layer with rate r leaves r − 1 holes between taps.';
  }
  if (rates[0] !== 1) {
    return (
      `The rule assumes r₁ = 1 (here r₁ = ${rates[0]}), so its verdict does not apply to this stack` +
      (satisfied && hasHoles ? ': it accepts it although the field has holes.' : '; rely on the exact count above.')
    );
  }
  if (k === 2) {
    return (
      'With K = 2 the rule is not reliable even with r₁ = 1 (its recurrence assumes taps on both sides of the centre; ' +
      `[1, 1, 4] passes yet leaves a hole)${satisfied && hasHoles ? ' — this stack is such a case' : ''}; rely on the exact count above.`
    );
  }
  if (satisfied) {
    return hasHoles
      ? 'The rule says no holes but the count finds some: this contradicts the rule as stated (please report it).'
      : 'With r₁ = 1 and K ≥ 3 the rule is sufficient: no holes, as the count confirms.';
  }
  return hasHoles
    ? 'The rule fails and the field indeed has holes.'
    : 'The rule is sufficient, not necessary: it rejects this stack although the field has no holes (as it rejects [1, 3, 1]).';
}

/**
 * The same counts computed a second way, by the reference: ConvTranspose is Conv's adjoint, so
 * running the stack backwards as ConvTransposes with all-ones kernels on a one-pixel impulse spreads
 * the impulse along every path; each input pixel ends up with its number of paths (float64, exact
 * for integers below 2^53).
 */
export function countsByReference(k: number, rates: number[], dims: 1 | 2): Float64Array {
  let x = tensor(dims === 2 ? [1, 1, 1, 1] : [1, 1, 1], [1]);
  let y64: Float64Array = new Float64Array([1]);
  const w = tensor(dims === 2 ? [1, 1, k, k] : [1, 1, k], new Array(dims === 2 ? k * k : k).fill(1));
  for (const r of [...rates].reverse()) {
    const out = referenceConvTranspose(x, w, undefined, { dilations: dims === 2 ? [r, r] : [r] });
    x = out.y;
    y64 = out.y64;
  }
  return y64;
}

export function coverage(req: CoverageRequest, style: Style = plain): CoverageAnswer {
  const { kernel: k, rates, dims } = req;
  if (dims !== 1 && dims !== 2) throw new UsageError(`--dims must be 1 or 2, got ${String(dims)}`);
  const extent = receptiveField(k, rates);
  const counts = usageCounts1D(k, rates);
  const holes = holes1D(k, rates);
  const m = hdcValues(k, rates);
  const satisfied = hdcSatisfied(k, rates);
  const n = rates.length;
  const sumR = rates.reduce((a, b) => a + b, 0);
  const used = extent - holes.length;
  const field = dims === 2 ? `${extent}×${extent}` : `${extent}`;

  const out: string[] = [
    style.bold(`Coverage of ${n} stacked stride-1 dilated convolution${n > 1 ? 's' : ''}: kernel ${k}${dims === 2 ? `×${k}` : ''}, rates ${list(rates)} (one output pixel)`),
    `Receptive field: 1 + (K−1)·Σr = 1 + ${k - 1}·${sumR} = ${extent} per axis → ${field} input pixels.`,
  ];
  const grid = countGrid(counts, dims);
  const side = dims === 2 ? MAX_GRID_SIDE_2D : MAX_GRID_SIDE_1D;
  const drawable = extent <= side;
  out.push(`Usage counts: the number of paths from each input pixel to the output pixel (· = never used); they sum to ${k}^${n * dims}.`);
  if (drawable) out.push(...renderGrid(grid, style));
  else out.push(`  (the ${field} grid is too large to draw; per-axis counts: ${counts.slice(0, 40).join(' ')}${counts.length > 40 ? ' …' : ''})`);

  let agree = true;
  if (drawable) {
    const byRef = countsByReference(k, rates, dims);
    const expected = dims === 2 ? counts.flatMap((a) => counts.map((b) => a * b)) : counts;
    agree = byRef.length === expected.length && expected.every((v, i) => v === byRef[i]);
    out.push(
      agree
        ? style.green('✓ the reference agrees: ConvTransposes with all-ones kernels and these dilations, run on an impulse, give the same counts.')
        : style.red('✗ the reference disagrees with these counts (ConvTransposes with all-ones kernels on an impulse): please report it.'),
    );
  }
  if (holes.length === 0) {
    out.push(style.green(`No holes: every one of the ${dims === 2 ? `${extent * extent} pixels` : `${extent} offsets`} is used.`));
  } else {
    const perAxis = `${holes.length} of ${extent} offsets${dims === 2 ? ' per axis' : ''} are never used (${formatOffsets(holes)})`;
    out.push(
      style.red(`Holes: ${perAxis}`) +
        (dims === 2 ? `; in 2-D ${extent * extent - used * used} of ${extent * extent} pixels are never used, only ${used * used} (${used}×${used}) are.` : '.'),
    );
  }
  const g = rates.reduce(gcd);
  if (g > 1 && k > 1) out.push(`gcd(rates) = ${g} > 1: every used offset is a multiple of ${g} — gridding.`);

  const mText = m.map((v, i) => `M${sub(i + 1)} = ${v}`).reverse().join(', ');
  out.push(
    '',
    `HDC (Wang et al. 2018): Mₙ = rₙ, Mᵢ = max[Mᵢ₊₁ − 2rᵢ, Mᵢ₊₁ − 2(Mᵢ₊₁ − rᵢ), rᵢ]: ${mText}.`,
    n >= 2
      ? `Goal M₂ ≤ K: ${m[1]} ≤ ${k} → ${satisfied ? style.green('satisfied') : style.red('not satisfied')}.`
      : `Goal M₂ ≤ K: no M₂ with one layer (counted as satisfied).`,
    hdcCaveat(k, rates, satisfied, holes.length > 0),
  );
  const title = `Usage counts, K = ${k}, rates ${list(rates)}: field ${field}, ${holes.length === 0 ? 'no holes' : `${holes.length} holes${dims === 2 ? ' per axis' : ''}`}`;
  const panels: Panel[] = drawable ? [{ heading: title, grids: [grid] }] : [];
  return { extent, counts1D: counts, holes, hdc: m, hdcSatisfied: satisfied, agree, text: out.join('\n'), panels, title };
}
