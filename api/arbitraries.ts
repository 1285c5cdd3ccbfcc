/**
 * `convspec/arbitraries`: the fast-check arbitraries convspec's clauses draw their cases from, for
 * property tests of your own code (shape logic, a kernel's edge cases). They are fast-check 4
 * arbitraries; fast-check recognises arbitraries by shape, so they work with your own copy of
 * fast-check 4 as well as with convspec's.
 *
 * ```ts
 * import fc from 'fast-check';
 * import { validCase, invalidCase } from 'convspec/arbitraries';
 * fc.assert(fc.property(validCase('ConvTranspose', { maxRank: 2 }), (c) => myShape(c) ...));
 * fc.assert(fc.property(invalidCase('Conv', 'GROUP_DIVISIBILITY'), (c) => throws(() => myConv(c.x, c.w, c.b, c.attrs))));
 * ```
 *
 * Valid cases are built by construction, never by filtering: every draw is a case the reference
 * accepts (output size ≥ 1 on every axis, channels divisible by the group, output_padding below the
 * stride). Every size is bounded, so one case costs microseconds to build and to run.
 */
import fc from 'fast-check';
import type { ConvSpecErrorCode } from '../impl/errors';
import type { ConvTransposeAttributes, OpName, Tensor } from '../impl/types';
import { convShape, opCase, type ConvShape, type OpCase } from '../spec/arbitraries/cases';
import type { DataOptions } from '../spec/arbitraries/data';
import { BREAKERS, CODES_BY_OP } from '../spec/properties/validation';

export {
  attributesOf, buildCase, channelCounts, inputDims, outputSpatialOf, weightDims,
  type Axis, type ConvShape, type OpCase,
} from '../spec/arbitraries/cases';
export type { Channels } from '../spec/arbitraries/channels';
export { makeTensor, type DataMode, type DataOptions } from '../spec/arbitraries/data';

/** The domain of the drawn cases. Every bound is inclusive; an absent field takes the default shown. */
export interface CaseOptions {
  /** Smallest spatial rank. Default 1. */
  minRank?: number;
  /** Largest spatial rank. Default 3. */
  maxRank?: number;
  /** Largest batch N (smallest 1). Default 2. */
  maxBatch?: number;
  /** Largest group (smallest 1); 1 turns groups off. Default 3. */
  maxGroup?: number;
  /** Largest C/group and M/group (each drawn 1 … this). Default 3. */
  maxPerGroup?: number;
  /** Largest kernel size per axis (smallest 1). Default 3. */
  maxKernel?: number;
  /** Largest stride per axis (smallest 1). Default 3. */
  maxStride?: number;
  /** Largest dilation per axis (smallest 1). Default 3. */
  maxDilation?: number;
  /** Largest pad per axis and side (begin and end drawn independently, smallest 0). Default 2. */
  maxPad?: number;
  /** Conv: input length beyond the smallest that gives one output, 0 … this. Default 3. */
  maxExtra?: number;
  /** ConvTranspose: largest input length per axis (smallest 1). Default 4. */
  maxInput?: number;
  /** ConvTranspose: allow output_padding > 0 (drawn below the stride). Default true. */
  outputPadding?: boolean;
  /** Whether a bias is given. Default 'random'. */
  bias?: 'random' | 'never' | 'always';
  /**
   * Tensor data. Default `{ mode: 'float', nonZero: false }`: float32 values uniform in [−2, 2) with
   * full mantissas. `mode: 'exact'`: integers in [−3, 3], for which float32 arithmetic on these
   * sizes is exact; `mode: 'dyadic'`: multiples of 2⁻¹⁰ in [−2, 2]. `nonZero`: |v| ≥ 1/4 (float),
   * ≥ 1 (exact).
   */
  data?: DataOptions;
}

/**
 * The shape of a valid case (op, batch, channels, per-axis i/k/s/d/pads/output_padding, bias, whether
 * default attributes are written out), without tensors. Turn it into tensors with `buildCase`.
 */
export function caseShape(op: OpName, options: CaseOptions = {}): fc.Arbitrary<ConvShape> {
  return convShape(op, options);
}

/**
 * A valid case of `op`: `{ op, x, w, b, attrs, shape }`, with W laid out as ONNX says (Conv
 * [M, C/group, k…], ConvTranspose [C, M/group, k…]) and attributes named as in ONNX (defaults
 * sometimes omitted, sometimes written out). The tensor data comes from a drawn 31-bit seed, so a
 * counterexample shrinks in its configuration, not in its noise.
 */
export function validCase(op: OpName, options: CaseOptions = {}): fc.Arbitrary<OpCase> {
  return opCase(op, options);
}

/** The invalid-input classes (error codes of convspec's ConvSpecError) that apply to each op. */
export const INVALID_INPUT_CODES: Readonly<Record<OpName, readonly ConvSpecErrorCode[]>> = CODES_BY_OP;

/** A call that must be rejected with `code`, and the valid case it was broken from. */
export interface InvalidCase {
  op: OpName;
  /** The error class this call falls in (what convspec's reference throws: `ConvSpecError.code`). */
  code: ConvSpecErrorCode;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
  /** The valid case that was broken in exactly one place. */
  control: OpCase;
}

/**
 * An invalid call of `op` in the class `code`: a valid case (drawn by validCase with `options`)
 * broken in exactly one place — a tensor without data, a kernel of the wrong rank, a stride 2.5 or 0,
 * a negative pad, an attribute of the wrong length, an unknown attribute or auto_pad, pads given
 * with SAME_*, channels that do not match W or the group, kernel_shape ≠ W, an output below 1,
 * output_padding ≥ stride, an output_shape out of range, a bias of the wrong length, data shorter
 * than the dims, a dimension above 2³¹ − 1 (without allocating it). Throws RangeError when `code`
 * does not apply to `op` (INVALID_INPUT_CODES lists those that do).
 */
export function invalidCase(op: OpName, code: ConvSpecErrorCode, options: CaseOptions = {}): fc.Arbitrary<InvalidCase> {
  if (!CODES_BY_OP[op].includes(code)) {
    throw new RangeError(`${JSON.stringify(code)} is not an invalid-input class of ${op}; those are ${CODES_BY_OP[op].join(', ')}`);
  }
  return validCase(op, options).map((control) => {
    const broken = BREAKERS[code](control, control.shape)!;
    return { op, code, x: broken.x, w: broken.w, b: broken.b, attrs: broken.attrs, control };
  });
}

/** An invalid call of `op` in any of its classes (INVALID_INPUT_CODES[op]), each equally likely. */
export function anyInvalidCase(op: OpName, options: CaseOptions = {}): fc.Arbitrary<InvalidCase> {
  return fc.oneof(...CODES_BY_OP[op].map((code) => invalidCase(op, code, options)));
}
