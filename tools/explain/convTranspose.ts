/**
 * `convspec explain convtranspose`: the tutorial's four steps on a small example, each intermediate
 * taken from impl/zeroInsertion.ts, then the check that the result equals the direct ConvTranspose
 * (impl/direct.ts, run explicitly so a swapped-in fast kernel does not stand in for the definition).
 */
import { multiIndices, rowMajorStrides } from '../../impl/direct';
import { isConvSpecError, type ConvSpecError } from '../../impl/errors';
import { directKernels, runReference } from '../../impl/reference';
import { product, resolveConvTranspose, type ConvGeometry } from '../../impl/resolve';
import { tensor } from '../../impl/tensor';
import type { ConvTransposeAttributes } from '../../impl/types';
import { convTransposeByZeroInsertion, type ZeroInsertionSteps } from '../../impl/zeroInsertion';
import { expectedWithBound } from '../../spec/tolerance';
import { findMismatch } from '../../spec/framework/compare';
import { UsageError } from '../terminal/usage';
import { describeAttributes } from '../shape/args';
import { renderGrids, spatialText, tensorPlanes, type CellKind, type Grid } from './grid';
import { checkSmall, oneToN } from './limits';
import { plain, type Style } from '../terminal/style';
import type { Panel } from './svg';

export interface ConvTransposeExample {
  xDims: number[];
  wDims: number[];
  attrs: ConvTransposeAttributes;
  /** Default 1…n. */
  xValues?: number[];
  /** Default 1…(number of weights). */
  wValues?: number[];
  bValues?: number[];
}

export type ExplainAnswer =
  | { ok: true; agree: boolean; text: string; panels: Panel[]; title: string; steps: ZeroInsertionSteps }
  | { ok: false; error: ConvSpecError; text: string };

const list = (v: readonly number[]) => `[${v.join(', ')}]`;

function values(flag: string, given: number[] | undefined, dims: number[]): number[] {
  const n = product(dims);
  if (given === undefined) return oneToN(n);
  if (given.length !== n) throw new UsageError(`${flag} has ${given.length} values but dims ${dims.join('×')} need ${n}`);
  return given;
}

/** Where each padded element came from: an input value, a zero inserted between values, or padding. */
function paddedKinds(steps: ZeroInsertionSteps): (flat: number) => CellKind {
  const { strides } = steps.geometry;
  const upSpatial = steps.upsampled.dims.slice(2);
  const padSpatial = steps.padded.dims.slice(2);
  const planeSize = product(padSpatial);
  const idx = multiIndices(padSpatial);
  const kinds: CellKind[] = idx.map((q) => {
    let kind: CellKind = 'value';
    for (let a = 0; a < q.length; a++) {
      const u = q[a] - steps.padBefore[a];
      if (u < 0 || u >= upSpatial[a]) return 'pad';
      if (u % strides[a] !== 0) kind = 'inserted';
    }
    return kind;
  });
  return (flat) => kinds[flat % planeSize];
}

function padText(v: number[]): string {
  return list(v) + (v.some((p) => p < 0) ? ' (negative = crop)' : '');
}

/** Refuses examples too big to print, from the geometry alone (before any tensor is built). */
function checkSizes(g: ConvGeometry): void {
  checkSmall('X', g.inputDims);
  checkSmall('W', g.weightDims);
  checkSmall('Y', g.outputDims);
  const up = g.inputSpatial.map((i, a) => g.strides[a] * (i - 1) + 1);
  checkSmall('the zero-inserted input', [g.batch, g.inChannels, ...up]);
  const padded = up.map((u, a) => u + 2 * g.dilations[a] * (g.kernel[a] - 1) - g.padsBegin[a] - g.padsEnd[a] + g.outputPadding[a]);
  checkSmall('the padded input', [g.batch, g.inChannels, ...padded]);
}

export function explainConvTranspose(ex: ConvTransposeExample, style: Style = plain): ExplainAnswer {
  const heading = `ConvTranspose by zero insertion (the tutorial's four steps): X ${list(ex.xDims)}, W ${list(ex.wDims)}; ${describeAttributes(ex.attrs)}`;
  let g: ConvGeometry;
  try {
    g = resolveConvTranspose(ex.xDims, ex.wDims, ex.attrs, ex.bValues ? [ex.bValues.length] : undefined);
  } catch (e) {
    if (!isConvSpecError(e)) throw e;
    return { ok: false, error: e, text: `${heading}\n${style.red('invalid')}: ${e.message}` };
  }
  checkSizes(g);
  const x = tensor(ex.xDims, values('--x', ex.xValues, ex.xDims));
  const w = tensor(ex.wDims, values('--w', ex.wValues, ex.wDims));
  const b = ex.bValues ? tensor([ex.bValues.length], ex.bValues) : undefined;
  const steps = convTransposeByZeroInsertion(x, w, b, ex.attrs);
  const direct = runReference('ConvTranspose', x, w, b, ex.attrs, { kernels: directKernels });

  const { strides, dilations, kernel, padsBegin, padsEnd, outputPadding } = g;
  const dk = kernel.map((k, a) => dilations[a] * (k - 1));
  const kindOfPadded = paddedKinds(steps);
  const out: string[] = [style.bold(heading)];
  const panels: Panel[] = [];
  const show = (label: string, grids: Grid[]) => {
    out.push(...(label ? [label] : []), ...renderGrids(grids, style));
    return grids;
  };

  out.push('');
  panels.push({ heading: `X ${spatialText(x.dims)}`, grids: show(`X ${list(x.dims)}${ex.xValues ? '' : ' (values 1…n)'}:`, tensorPlanes(x)) });
  panels.push({ heading: `W ${spatialText(w.dims)}`, grids: show(`W ${list(w.dims)} as ConvTranspose stores it, [C, M/group, k…]${ex.wValues ? '' : ' (values 1…n)'}:`, tensorPlanes(w, undefined, ['c', 'm'])) });

  const s1 = strides.map((s) => s - 1);
  out.push('', style.bold(`Step 1. Insert s−1 = ${list(s1)} zeros between neighbouring input elements (strides ${list(strides)}): ${spatialText(x.dims)} → ${spatialText(steps.upsampled.dims)}`));
  const up = steps.upsampled;
  const upSpatial = up.dims.slice(2);
  const upStrides = rowMajorStrides(upSpatial);
  const upPlane = product(upSpatial);
  const upKinds = (flat: number): CellKind => {
    const f = flat % upPlane;
    return upSpatial.some((_, a) => Math.floor(f / upStrides[a]) % upSpatial[a] % strides[a] !== 0) ? 'inserted' : 'value';
  };
  panels.push({ heading: `1. zeros inserted ${spatialText(up.dims)}`, grids: show('', tensorPlanes(up, upKinds)) });

  const opNote = outputPadding.some((p) => p !== 0);
  out.push(
    '',
    style.bold(`Step 2. Pad d(k−1) − p_begin = ${list(dk)} − ${list(padsBegin)} = ${padText(steps.padBefore)} before and d(k−1) − p_end${opNote ? ' + output_padding' : ''} = ${padText(steps.padAfter)} after: ${spatialText(up.dims)} → ${spatialText(steps.padded.dims)}`),
    `  (d(k−1) = ${list(dk)}; resolved pads: begin ${list(padsBegin)}, end ${list(padsEnd)}${opNote ? `; output_padding ${list(outputPadding)}` : ''}. · = padding, 0 = inserted zero)`,
  );
  panels.push({ heading: `2. padded ${spatialText(steps.padded.dims)}`, grids: show('', tensorPlanes(steps.padded, kindOfPadded)) });

  const fw = steps.flippedWeight;
  out.push('', style.bold(`Step 3. Flip the kernel on every spatial axis and swap its channel axes within each group: [C, M/group, k…] ${list(w.dims)} → [M, C/group, k…] ${list(fw.dims)}`));
  panels.push({ heading: `3. flipped kernel ${spatialText(fw.dims)}`, grids: show('', tensorPlanes(fw, undefined, ['m', 'c'])) });

  const y = steps.y;
  out.push(
    '',
    style.bold(`Step 4. Stride-1 convolution of the padded input with the flipped kernel, dilation ${list(dilations)}, no padding${b ? ', plus bias' : ''}: ${spatialText(steps.padded.dims)} → ${spatialText(y.dims)}`),
  );
  panels.push({ heading: `4. output ${spatialText(y.dims)}`, grids: show('', tensorPlanes(y, undefined, ['n', 'm'])) });

  // The check: float64 results of two different algorithms; exact for small integers, else within
  // the spec's float32 bound (the two sum in different orders).
  const exactlyEqual = steps.y64.every((v, i) => v === direct.y64[i]);
  const dimsEqual = steps.y.dims.join() === direct.y.dims.join();
  let agree = dimsEqual && exactlyEqual;
  let verdict: string;
  if (!dimsEqual) {
    verdict = style.red(`✗ dims differ: zero insertion gives ${list(steps.y.dims)}, the direct ConvTranspose ${list(direct.y.dims)}`);
  } else if (exactlyEqual) {
    verdict = style.green(`✓ all ${direct.y64.length} elements equal exactly`);
  } else {
    const mismatch = findMismatch(steps.y, expectedWithBound('ConvTranspose', x, w, b, ex.attrs));
    agree = mismatch === undefined;
    const maxDiff = steps.y64.reduce((m, v, i) => Math.max(m, Math.abs(v - direct.y64[i])), 0);
    verdict = agree
      ? style.green(`✓ all ${direct.y64.length} elements agree within the spec's float32 bound (largest difference ${maxDiff.toExponential(2)}, from summation order)`)
      : style.red(`✗ ${mismatch?.message}`);
  }
  out.push('', `Check against the direct ConvTranspose (impl/direct.ts, scatter form), Y ${list(direct.y.dims)}: ${verdict}`);
  const title = `ConvTranspose X ${list(ex.xDims)}, W ${list(ex.wDims)}; ${describeAttributes(ex.attrs)}`;
  return { ok: true, agree, text: out.join('\n'), panels, title, steps };
}
