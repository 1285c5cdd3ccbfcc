/**
 * Transposed convolution the way the tutorial teaches it, as a separate algorithm from the direct
 * scatter so the two can be checked against each other:
 *   1. insert s−1 zeros between neighbouring input elements on every spatial axis;
 *   2. pad d(k−1)−p_begin before and d(k−1)−p_end+output_padding after (a negative amount crops);
 *   3. flip the kernel on every spatial axis and swap its channel axes within each group,
 *      turning ConvTranspose's W [C, M/g, k…] into Conv's [M, C/g, k…];
 *   4. run a stride-1 convolution with dilation d and no padding.
 * Each step's tensor is returned so `convspec explain` can show it.
 */
import { ConvSpecError } from './errors';
import { convDirect, multiIndices, rowMajorStrides } from './direct';
import { product, resolveConv, type ConvGeometry, type ResolveOptions } from './resolve';
import { prepare } from './reference';
import type { ConvTransposeAttributes, Tensor } from './types';

export interface ZeroInsertionSteps {
  /** Geometry of the ConvTranspose being computed. */
  geometry: ConvGeometry;
  /** Step 1: [N, C, s(i−1)+1 …]. */
  upsampled: Tensor;
  /** Step 2: the padded (or cropped) input, [N, C, …]. */
  padded: Tensor;
  padBefore: number[];
  padAfter: number[];
  /** Step 3: the flipped, channel-swapped kernel, [M, C/g, k…]. */
  flippedWeight: Tensor;
  /** Step 4: geometry of the stride-1 convolution. */
  convGeometry: ConvGeometry;
  y64: Float64Array;
  y: Tensor;
}

/** Moves every element of the spatial block [N, C, in…] to position `map(index)` in a block [N, C, out…]. */
function remap(t: Tensor, outSpatial: number[], map: (axis: number, i: number) => number): Tensor {
  const [n, c] = t.dims;
  const inSpatial = t.dims.slice(2);
  const inSize = product(inSpatial);
  const outSize = product(outSpatial);
  const outStrides = rowMajorStrides(outSpatial);
  const idx = multiIndices(inSpatial);
  const data = new Float32Array(n * c * outSize);
  const target = new Int32Array(inSize);
  for (let f = 0; f < inSize; f++) {
    let off = 0;
    for (let a = 0; a < inSpatial.length; a++) {
      const q = map(a, idx[f][a]);
      if (q < 0 || q >= outSpatial[a]) {
        off = -1;
        break;
      }
      off += q * outStrides[a];
    }
    target[f] = off;
  }
  for (let plane = 0; plane < n * c; plane++) {
    for (let f = 0; f < inSize; f++) {
      if (target[f] >= 0) data[plane * outSize + target[f]] = t.data[plane * inSize + f];
    }
  }
  return { dims: [n, c, ...outSpatial], data };
}

export function insertZeros(x: Tensor, strides: number[]): Tensor {
  const out = x.dims.slice(2).map((i, a) => strides[a] * (i - 1) + 1);
  return remap(x, out, (a, i) => i * strides[a]);
}

/** Pads (positive) or crops (negative) each spatial axis. */
export function padOrCrop(x: Tensor, before: number[], after: number[]): Tensor {
  const out = x.dims.slice(2).map((l, a) => l + before[a] + after[a]);
  if (out.some((l) => l < 1)) throw new ConvSpecError('OUTPUT_TOO_SMALL', `cropping leaves an empty axis: ${out.join('×')}`);
  return remap(x, out, (a, i) => i + before[a]);
}

/** ConvTranspose W [C, M/g, k…] → Conv W [M, C/g, k…], flipped on every spatial axis. */
export function flipAndSwapKernel(w: Tensor, group: number): Tensor {
  const [c, mg, ...k] = w.dims;
  const cg = c / group;
  const m = mg * group;
  const kSize = product(k);
  const kIdx = multiIndices(k);
  const kStrides = rowMajorStrides(k);
  const flipped = kIdx.map((idx) => idx.reduce((off, v, a) => off + (k[a] - 1 - v) * kStrides[a], 0));
  const data = new Float32Array(w.data.length);
  for (let grp = 0; grp < group; grp++) {
    for (let ci = 0; ci < cg; ci++) {
      for (let mo = 0; mo < mg; mo++) {
        const src = ((grp * cg + ci) * mg + mo) * kSize;
        const dst = ((grp * mg + mo) * cg + ci) * kSize;
        for (let f = 0; f < kSize; f++) data[dst + flipped[f]] = w.data[src + f];
      }
    }
  }
  return { dims: [m, cg, ...k], data };
}

export function convTransposeByZeroInsertion(
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes = {},
  options?: ResolveOptions,
): ZeroInsertionSteps {
  const geometry = prepare('ConvTranspose', x, w, b, attrs, options);
  const { strides, dilations, kernel, padsBegin, padsEnd, outputPadding, group } = geometry;
  const upsampled = insertZeros(x, strides);
  const padBefore = kernel.map((k, a) => dilations[a] * (k - 1) - padsBegin[a]);
  // padsEnd already accounts for output_padding and output_shape (it is negative when elements are
  // appended), so the seed's d(k−1) − p_end + output_padding is written in terms of it here.
  const padAfter = kernel.map((k, a) => dilations[a] * (k - 1) - padsEnd[a] + outputPadding[a]);
  const padded = padOrCrop(upsampled, padBefore, padAfter);
  const flippedWeight = flipAndSwapKernel(w, group);
  const convGeometry = resolveConv(padded.dims, flippedWeight.dims, { dilations, group }, b?.dims, options);
  const y64 = convDirect(convGeometry, padded.data, flippedWeight.data, b?.data);
  return { geometry, upsampled, padded, padBefore, padAfter, flippedWeight, convGeometry, y64, y: { dims: convGeometry.outputDims, data: Float32Array.from(y64) } };
}
