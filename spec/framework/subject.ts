/**
 * The subject of a verification run: an Implementation seen through one async `run` call, plus what
 * it declares it supports. Cases outside the declaration are skipped and reported as unsupported,
 * never as failures.
 */
import type { AutoPad, ConvTransposeAttributes, DType, Implementation, OpName, Tensor, TypedImplementation } from '../../impl/types';
import type { Algorithm, PrecisionProfile } from '../tolerance';

/**
 * What an implementation supports. Every field is optional; an absent field means "everything".
 * An Implementation may carry this as an optional `supports` property.
 */
export interface Supports {
  ops?: OpName[];
  /** Spatial ranks, e.g. [2] for 2-D only. */
  ranks?: number[];
  autoPad?: AutoPad[];
  /** group > 1 (per op: true for both, or a list of the ops that support it). */
  groups?: boolean | OpName[];
  /** dilation > 1. */
  dilation?: boolean | OpName[];
  /** stride > 1. */
  stride?: boolean | OpName[];
  /** auto_pad SAME_UPPER/SAME_LOWER together with dilation > 1 (ONNX Runtime rejects it for Conv). */
  sameWithDilation?: boolean | OpName[];
  outputPadding?: boolean;
  outputShape?: boolean;
  /** Asymmetric explicit pads (begin ≠ end). */
  asymmetricPads?: boolean;
  bias?: boolean;
  /** Batch N > 1. */
  batch?: boolean;
  /**
   * false when the implementation does not compute each output as a sum of float products (FFT,
   * Winograd with fractional transforms): small-integer inputs are then not computed exactly, and
   * the exact-integer clauses judge it with its profile's bound instead of equality. Default true.
   */
  exactSmallIntegers?: boolean;
  /** Accumulation precision the tolerance model should assume. Default float32. */
  precision?: PrecisionProfile['name'];
  /**
   * 'transform' for FFT or Winograd kernels, whose outputs are not sums of the direct products: the
   * bound then adds the normwise term of spec/tolerance.ts transformTerm (SPEC.md, "Transform
   * algorithms"). Default 'direct' (Higham's componentwise bound alone).
   */
  algorithm?: Algorithm;
  /**
   * Element types the implementation computes (impl/types.ts DType). Default ['float32']. A case of
   * another type is unsupported; the dtype clauses (spec/properties/dtypes.ts) draw every listed type.
   */
  dtypes?: DType[];
  /**
   * Accumulation precision per element type, where it is not the default of spec/dtypeTolerance.ts
   * accumulationFor (float64 tensors: float64; other types: `precision`, else float32).
   */
  precisionByDtype?: Partial<Record<DType, PrecisionProfile['name'] | 'float64'>>;
  /**
   * true when subnormal intermediates or outputs may be flushed to zero (GPUs often do). Only then
   * do the bounds of float16, bfloat16 and float64 tensors add a flush-to-zero allowance. Default false.
   */
  flushToZero?: boolean;
  /**
   * false for a kernel that does not check its inputs (a caller validates them): the validation
   * clauses are then not run and reported as "not claimed" — never as passed — and the verdict says
   * "numerically conformant; invalid input not checked" (`gate --require-validation` fails it).
   * Default true: every invalid-input class must be rejected.
   */
  validation?: boolean;
}

export type ImplementationWithSupports = Implementation & { supports?: Supports };
/** An implementation of the typed interface (impl/types.ts TypedImplementation), with its declaration. */
export type TypedImplementationWithSupports = TypedImplementation & { supports?: Supports };

export interface Subject {
  name: string;
  supports: Supports;
  run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor>;
  /** Releases workers or subprocesses, if any. */
  close?(): Promise<void>;
}

export function subjectFromImplementation(impl: ImplementationWithSupports | TypedImplementationWithSupports): Subject {
  const declared: Supports = { ...(impl.supports ?? {}) };
  if (!declared.ops) declared.ops = (['Conv', 'ConvTranspose'] as OpName[]).filter((op) => (op === 'Conv' ? impl.conv : impl.convTranspose));
  return {
    name: impl.name,
    supports: declared,
    async run(op, x, w, b, attrs) {
      const fn = op === 'Conv' ? impl.conv : impl.convTranspose;
      if (!fn) throw new Error(`${impl.name} has no ${op === 'Conv' ? 'conv' : 'convTranspose'} method`);
      // A typed implementation's result travels as a Tensor; the dtype clauses read it by its dtype.
      return (await fn.call(impl, x, w, b, attrs)) as Tensor;
    },
  };
}

const allows = (flag: boolean | OpName[] | undefined, op: OpName): boolean =>
  flag === undefined || flag === true || (Array.isArray(flag) && flag.includes(op));

/** Why a (valid) case is outside what `supports` declares, or undefined when it is inside. */
export function unsupportedReason(
  supports: Supports,
  op: OpName,
  xDims: readonly number[],
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes,
  /** The inputs' element type; absent means float32. */
  dtype: DType = 'float32',
): string | undefined {
  const rank = xDims.length - 2;
  if (supports.ops && !supports.ops.includes(op)) return `op ${op}`;
  if (!(supports.dtypes ?? ['float32']).includes(dtype)) return `element type ${dtype}`;
  if (supports.ranks && !supports.ranks.includes(rank)) return `spatial rank ${rank}`;
  const autoPad = attrs.auto_pad ?? 'NOTSET';
  if (supports.autoPad && !supports.autoPad.includes(autoPad)) return `auto_pad ${autoPad}`;
  if ((attrs.group ?? 1) > 1 && !allows(supports.groups, op)) return `group > 1 in ${op}`;
  if (attrs.dilations?.some((d) => d > 1) && !allows(supports.dilation, op)) return `dilation > 1 in ${op}`;
  if (attrs.strides?.some((s) => s > 1) && !allows(supports.stride, op)) return `stride > 1 in ${op}`;
  if ((autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') && attrs.dilations?.some((d) => d > 1) && !allows(supports.sameWithDilation, op)) {
    return `auto_pad ${autoPad} with dilation > 1 in ${op}`;
  }
  if (attrs.output_padding?.some((p) => p > 0) && supports.outputPadding === false) return 'output_padding';
  if (attrs.output_shape && supports.outputShape === false) return 'output_shape';
  if (attrs.pads && supports.asymmetricPads === false) {
    const r = attrs.pads.length / 2;
    if (attrs.pads.slice(0, r).some((p, i) => p !== attrs.pads![i + r])) return 'asymmetric pads';
  }
  if (b && supports.bias === false) return 'bias';
  if (xDims[0] > 1 && supports.batch === false) return 'batch > 1';
  return undefined;
}
