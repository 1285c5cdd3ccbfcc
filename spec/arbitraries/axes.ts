/**
 * Per-axis attribute values. Each arbitrary draws ONE axis; the case builders draw one per spatial
 * axis, so kernels are non-square and strides/dilations/pads differ between axes.
 * Defaults (all inclusive): spatial rank 1–3, kernel 1–3, stride 1–3, dilation 1–3, pads 0–2 on each
 * side (asymmetric: begin and end are drawn independently), extra input length 0–3 beyond the
 * minimum that gives an output of at least 1, ConvTranspose input length 1–4, output_padding
 * 0 … stride − 1 (the reading ONNX Runtime enforces; spec/AMBIGUITIES.md has the wider one).
 */
import fc from 'fast-check';

export interface AxisBounds {
  maxKernel?: number;
  maxStride?: number;
  maxDilation?: number;
  maxPad?: number;
  maxExtra?: number;
}

/** Spatial rank, default 1–3. */
export const spatialRank = (min = 1, max = 3): fc.Arbitrary<number> => fc.integer({ min, max });
/** Kernel size along one axis, default 1–3. */
export const kernelSize = (max = 3): fc.Arbitrary<number> => fc.integer({ min: 1, max });
/** Stride along one axis, default 1–3. */
export const strideValue = (max = 3): fc.Arbitrary<number> => fc.integer({ min: 1, max });
/** Dilation along one axis, default 1–3. */
export const dilationValue = (max = 3): fc.Arbitrary<number> => fc.integer({ min: 1, max });
/** One pad (begin or end), default 0–2. */
export const padValue = (max = 2): fc.Arbitrary<number> => fc.integer({ min: 0, max });
/** Input length beyond the minimum, default 0–3. */
export const extraLength = (max = 3): fc.Arbitrary<number> => fc.integer({ min: 0, max });

/** Draws `rank` independent values of `arb`. */
export function perAxis<T>(rank: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.array(arb, { minLength: rank, maxLength: rank });
}
