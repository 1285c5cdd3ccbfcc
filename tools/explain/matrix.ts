/**
 * `convspec explain matrix`: the equivalent matrix C of a small Conv (impl/matrix.ts), printed with
 * the kernel's entries named, with Cᵀ, the rank and the null-space dimension, and two checks that the
 * matrices are the operators: C·vec(x) = Conv(x) and Cᵀ·vec(y) = ConvTranspose(y) with the same W.
 *
 * Conventions, stated in the output too: impl/matrix.ts uses column vectors, y = C·vec(x), so C has
 * one row per output and one column per input (4×16 for a 4×4 input and 3×3 kernel). The tutorial
 * writes the same map with row vectors, vec(x)ᵀ·M, where M = Cᵀ is 16×4.
 */
import { isConvSpecError, type ConvSpecError } from '../../impl/errors';
import { convMatrix, matTVec, matVec, matrixRank, type EquivalentMatrix } from '../../impl/matrix';
import { referenceConv, referenceConvTranspose } from '../../impl/reference';
import { product, resolveConv, type ConvGeometry } from '../../impl/resolve';
import { tensor } from '../../impl/tensor';
import type { ConvAttributes, ConvTransposeAttributes, Tensor } from '../../impl/types';
import { findMismatch } from '../../spec/framework/compare';
import { expectedWithBound } from '../../spec/tolerance';
import { multiIndices } from '../../impl/direct';
import { UsageError } from '../terminal/usage';
import { describeAttributes } from '../shape/args';
import { formatNumber, renderGrid, type Grid } from './grid';
import { oneToN } from './limits';
import { plain, type Style } from '../terminal/style';
import type { Panel } from './svg';

export interface MatrixExample {
  xDims: number[];
  wDims: number[];
  attrs: ConvAttributes;
  xValues?: number[];
  wValues?: number[];
}

export type MatrixAnswer =
  | { ok: true; agree: boolean; rank: number; nullity: number; matrix: EquivalentMatrix; text: string; panels: Panel[]; title: string }
  | { ok: false; error: ConvSpecError; text: string };

/** Largest side of a matrix the command prints. */
export const MAX_MATRIX_SIDE = 64;

const list = (v: readonly number[]) => `[${v.join(', ')}]`;

/** "01" for small indices, "0,10" once any index needs two digits. */
function indexText(idx: number[], dims: readonly number[]): string {
  return dims.every((d) => d <= 10) ? idx.join('') : idx.join(',');
}

/** Names for positions of a [channels, spatial…] block: x00, x01 … with a channel prefix "c1:" when there are several. */
function positionNames(prefix: string, channels: number, spatial: number[]): string[] {
  const idx = multiIndices(spatial);
  const names: string[] = [];
  for (let c = 0; c < channels; c++) {
    for (const s of idx) names.push(`${prefix}${channels > 1 ? `${c}:` : ''}${indexText(s, spatial)}`);
  }
  return names;
}

/** w + indices of W [M, C/group, k…]; the channel indices only when there is more than one of them. */
function weightNames(wDims: readonly number[]): string[] {
  const [m, cg, ...k] = wDims;
  const idx = multiIndices([m, cg, ...k]);
  const withChannels = m * cg > 1;
  return idx.map((i) => `w${withChannels ? `${i[0]}${i[1]}:` : ''}${indexText(i.slice(2), k)}`);
}

function checkPrintable(rows: number, cols: number): void {
  if (rows > MAX_MATRIX_SIDE || cols > MAX_MATRIX_SIDE) {
    throw new UsageError(`the equivalent matrix would be ${rows}×${cols}; explain matrix prints every entry, so each side is limited to ${MAX_MATRIX_SIDE}: use a smaller example`);
  }
}

function values(flag: string, given: number[] | undefined, n: number): number[] {
  if (given === undefined) return oneToN(n);
  if (given.length !== n) throw new UsageError(`${flag} has ${given.length} values but ${n} are needed`);
  return given;
}

/** Attributes of the ConvTranspose that is the adjoint of this Conv, output_padding chosen so it restores the input size. */
export function adjointAttributes(g: ConvGeometry): ConvTransposeAttributes {
  // Convolution-arithmetic guide, relationship 14: a = (i + p_b + p_e − d(k−1) − 1) mod s.
  const outputPadding = g.inputSpatial.map((i, a) => (i + g.padsBegin[a] + g.padsEnd[a] - g.dilations[a] * (g.kernel[a] - 1) - 1) % g.strides[a]);
  return { strides: g.strides, dilations: g.dilations, group: g.group, pads: [...g.padsBegin, ...g.padsEnd], output_padding: outputPadding };
}

function sameWithinBound(actual: Float64Array, expected: ReturnType<typeof expectedWithBound>): boolean {
  if (actual.every((v, i) => v === expected.y64[i])) return true;
  const t: Tensor = { dims: expected.dims, data: Float32Array.from(actual) };
  return findMismatch(t, expected) === undefined;
}

export function explainMatrix(ex: MatrixExample, style: Style = plain): MatrixAnswer {
  const heading = `Equivalent matrix of Conv: X ${list(ex.xDims)}, W ${list(ex.wDims)}; ${describeAttributes(ex.attrs)}`;
  let g: ConvGeometry;
  let c: EquivalentMatrix;
  try {
    g = resolveConv(ex.xDims, ex.wDims, ex.attrs);
    checkPrintable(g.outChannels * product(g.outputSpatial), g.inChannels * product(g.inputSpatial));
    const w0 = tensor(ex.wDims, values('--w', ex.wValues, product(ex.wDims)));
    c = convMatrix(ex.xDims, w0, ex.attrs);
  } catch (e) {
    if (!isConvSpecError(e)) throw e;
    return { ok: false, error: e, text: `${heading}\n${style.red('invalid')}: ${e.message}` };
  }
  const w = tensor(ex.wDims, values('--w', ex.wValues, product(ex.wDims)));
  const x = tensor(ex.xDims, values('--x', ex.xValues, product(ex.xDims)));

  const wNames = weightNames(g.weightDims);
  const inNames = positionNames('x', g.inChannels, g.inputSpatial);
  const outNames = positionNames('y', g.outChannels, g.outputSpatial);
  const entryCells = (r: number, col: number) => {
    const wi = c.weightIndex[r * c.cols + col];
    return wi < 0 ? { value: 0, kind: 'zero' as const } : { value: c.data[r * c.cols + col], kind: 'value' as const, label: wNames[wi] };
  };
  const cGrid: Grid = {
    title: '',
    rowLabels: outNames,
    colLabels: inNames,
    cells: Array.from({ length: c.rows }, (_, r) => Array.from({ length: c.cols }, (_, j) => entryCells(r, j))),
  };
  const ctGrid: Grid = {
    title: '',
    rowLabels: inNames,
    colLabels: outNames,
    cells: Array.from({ length: c.cols }, (_, j) => Array.from({ length: c.rows }, (_, r) => entryCells(r, j))),
  };
  const rank = matrixRank(c);
  const nullity = c.cols - rank;

  // The matrices are the operators: C·vec(x) against the reference Conv, Cᵀ·vec(y) against the
  // reference ConvTranspose with the same W array (ConvTranspose's [C, M/group, k…] for C = this M).
  const cx = matVec(c, x.data);
  const convOk = sameWithinBound(cx, expectedWithBound('Conv', x, w, undefined, ex.attrs));
  const y = referenceConv(x, w, undefined, ex.attrs).y;
  const tAttrs = adjointAttributes(g);
  const cty = matTVec(c, y.data);
  const ctExpected = expectedWithBound('ConvTranspose', y, w, undefined, tAttrs);
  const transposeOk = sameWithinBound(cty, ctExpected);
  const roundTrip = matTVec(c, cx);
  const sameBack = roundTrip.every((v, i) => v === x.data[i]);

  const ok = (b: boolean) => (b ? style.green('✓') : style.red('✗'));
  const oneEntry = g.weightDims[0] * g.weightDims[1] > 1 ? 'wmc:ij = W[m, c, i, j]' : 'wij = W[0, 0, i, j]';
  const out = [
    style.bold(heading),
    `vec(y) = C·vec(x): y has ${c.rows} values (${list(g.outputDims)}), x has ${c.cols} (${list(g.inputDims)}), both flattened row-major.`,
    `C is ${c.rows}×${c.cols} (column-vector convention: one row per output, one column per input). Entries named ${g.rank === 2 ? oneEntry : 'w + the indices of W'}; 0 = structural zero.`,
    '',
    style.bold(`C (${c.rows}×${c.cols}):`),
    ...renderGrid(cGrid, style),
    '',
    style.bold(`Cᵀ (${c.cols}×${c.rows}):`) + ` the tutorial's matrix. The tutorial writes the same map with row vectors, vec(x)ᵀ (1×${c.cols}) · Cᵀ (${c.cols}×${c.rows}) = vec(y)ᵀ (1×${c.rows});`,
    `read as a column map, Cᵀ sends ${c.rows} values back to ${c.cols}: that is ConvTranspose with the same W.`,
    ...renderGrid(ctGrid, style),
    '',
    `With W = ${ex.wValues ? 'the given values' : '1…n'}: rank(C) = ${rank}, so the null space of C has dimension ${c.cols} − ${rank} = ${style.bold(String(nullity))}.`,
    nullity > 0
      ? `Why convolution cannot be inverted: C maps ${c.cols} numbers to ${c.rows}; every x plus any of the ${nullity} independent null-space directions gives the same y, so y does not determine x.`
      : `Here C has full column rank (no null space): this configuration happens to be invertible on its inputs; a Conv that shrinks its input never is.`,
    `Cᵀ is not the inverse: Cᵀ·C·vec(x) ${sameBack ? 'happens to equal' : 'differs from'} vec(x) for x = ${ex.xValues ? 'the given values' : '1…n'} (first values ${Array.from(roundTrip.slice(0, 4), formatNumber).join(', ')} … vs ${Array.from(x.data.slice(0, 4), formatNumber).join(', ')} …): ConvTranspose restores the shape, not the values.`,
    `Checks: C·vec(x) equals the reference Conv ${ok(convOk)}; Cᵀ·vec(y) equals the reference ConvTranspose of y with the same W (${describeAttributes(tAttrs)}) ${ok(transposeOk)}`,
  ];
  const title = `Equivalent matrix C of Conv X ${list(ex.xDims)}, W ${list(ex.wDims)}`;
  const panels: Panel[] = [
    { heading: `C (${c.rows}×${c.cols}): vec(y) = C·vec(x)`, grids: [cGrid] },
    { heading: `Cᵀ (${c.cols}×${c.rows}): the tutorial's matrix`, grids: [ctGrid] },
  ];
  return { ok: true, agree: convOk && transposeOk, rank, nullity, matrix: c, text: out.join('\n'), panels, title };
}
