/**
 * The element-type part of the catalogue: implementations of float16, bfloat16 and float64 tensors,
 * correct ones (which must pass) and ones with one precision mistake each (which must be rejected).
 * Each declares only its own type (`supports.dtypes`), so it is judged by the dtype clauses
 * (spec/properties/dtypes.ts) and every float32 clause reports it unsupported.
 */
import { DTYPE_FORMATS, float16Bits, float16Value, roundTo, type DType } from '../../impl/dtype';
import { prepareTyped, typedTensor } from '../../impl/typedReference';
import type { AnyTensor, ConvTransposeAttributes, OpName, TypedImplementation } from '../../impl/types';
import type { ImplementationWithSupports, Supports } from '../../spec/framework/subject';
import type { CatalogueEntry } from './entry';
import { defaultConvHooks, defaultConvTransposeHooks, hookedConv, hookedConvTranspose } from './hookedKernels';
import { roundToTf32 } from './rounding';

export interface TypedParts {
  /** One multiply-add of the accumulation. Default: float64 (acc + x·w). */
  multiplyAdd?: (acc: number, x: number, w: number) => number;
  /** Rounds an input value before use (e.g. to float32 or TF32). Default: none. */
  input?: (v: number) => number;
  /** Stores the accumulated value in the output type. Default: round to nearest even. */
  store?: (dtype: DType, s: number) => number;
  /** What the result claims to be (default: the inputs' type). */
  resultType?: DType;
}

const f16 = (v: number) => roundTo('float16', v);
const bf16 = (v: number) => roundTo('bfloat16', v);
const f32 = Math.fround;

/** A typed implementation: the hooked direct loops on the decoded inputs, then one store per output. */
export function typedVariant(parts: TypedParts, supports: Supports): ImplementationWithSupports {
  const run = (op: OpName, x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes): AnyTensor => {
    const p = prepareTyped(op, x, w, b, attrs);
    const input = parts.input;
    const [xs, ws, bs] = input ? [p.x.map(input), p.w.map(input), p.b?.map(input)] : [p.x, p.w, p.b];
    const multiplyAdd = parts.multiplyAdd ?? defaultConvHooks.multiplyAdd;
    const y64 = op === 'Conv'
      ? hookedConv({ ...defaultConvHooks, multiplyAdd }, p.geometry, xs, ws, bs)
      : hookedConvTranspose({ ...defaultConvTransposeHooks, multiplyAdd }, p.geometry, xs, ws, bs);
    const store = parts.store ?? roundTo;
    const stored = y64.map((s) => store(p.dtype, s));
    return typedTensor(parts.resultType ?? p.dtype, p.geometry.outputDims, stored);
  };
  const impl: TypedImplementation & { supports: Supports } = {
    name: 'typed variant',
    supports,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
  // The catalogue and the verifier's implementation target are typed for float32 implementations;
  // a typed one travels the same way and the dtype clauses read its results by their dtype.
  return impl as unknown as ImplementationWithSupports;
}

/** Flush-to-zero of a value below the type's smallest normal. */
const flush = (dtype: DType, v: number) => (Math.abs(v) < DTYPE_FORMATS[dtype].minNormal ? 0 * Math.sign(v) : v);

/** float16 rounded toward zero (truncation): one pattern toward zero when nearest rounding went away from it. */
function truncateToFloat16(_dtype: DType, v: number): number {
  const bits = float16Bits(v);
  const r = float16Value(bits);
  return Math.abs(r) > Math.abs(v) && Number.isFinite(v) ? float16Value(bits - 1) : r;
}

const float32Accumulate = (acc: number, x: number, w: number) => f32(acc + f32(x * w));

/** Does the entry compute float32 tensors (no `dtypes`, or float32 among them)? The ONNX backend-test emulation applies only then. */
export function computesFloat32(entry: CatalogueEntry): boolean {
  const dtypes = entry.impl.supports?.dtypes;
  return !dtypes || dtypes.includes('float32');
}

const typedGood = (id: string, bug: string, impl: ImplementationWithSupports): CatalogueEntry => ({ id, bug, verdict: 'accept', impl: { ...impl, name: id } });
const typedMutant = (id: string, bug: string, impl: ImplementationWithSupports): CatalogueEntry => ({ id, bug, verdict: 'reject', impl: { ...impl, name: `mutant ${id}` } });

export const dtypeCatalogue: CatalogueEntry[] = [
  // ---- correct ----
  typedGood('float16-float32-accumulation', 'float16 tensors, every product and partial sum in float32, one rounding to float16', typedVariant({ multiplyAdd: float32Accumulate }, { dtypes: ['float16'] })),
  typedGood('float16-float16-accumulation', 'float16 tensors accumulated in float16 (every product and partial sum rounded), declaring precision float16', typedVariant({ multiplyAdd: (acc, x, w) => f16(acc + f16(x * w)) }, { dtypes: ['float16'], precision: 'float16' })),
  typedGood('float16-flush-to-zero-declared', 'float16 with float32 accumulation, subnormal outputs flushed to zero, declaring flushToZero', typedVariant({ multiplyAdd: float32Accumulate, store: (t, s) => flush(t, roundTo(t, s)) }, { dtypes: ['float16'], flushToZero: true })),
  typedGood('bfloat16-float32-accumulation', 'bfloat16 tensors, float32 accumulation, one rounding to bfloat16', typedVariant({ multiplyAdd: float32Accumulate }, { dtypes: ['bfloat16'] })),
  typedGood('bfloat16-bfloat16-accumulation', 'bfloat16 tensors accumulated in bfloat16, declaring precision bfloat16', typedVariant({ multiplyAdd: (acc, x, w) => bf16(acc + bf16(x * w)) }, { dtypes: ['bfloat16'], precision: 'bfloat16' })),
  typedGood('float64-reverse-order', 'float64 tensors summed in float64 in the reverse order (a different summation order from the reference)', typedVariant({ multiplyAdd: (acc, x, w) => x * w + acc }, { dtypes: ['float64'] })),

  // ---- mistakes ----
  typedMutant('float16-bfloat16-accumulation', 'float16 tensors accumulated in bfloat16 while declaring precision float16', typedVariant({ multiplyAdd: (acc, x, w) => bf16(acc + bf16(x * w)) }, { dtypes: ['float16'], precision: 'float16' })),
  typedMutant('float16-float16-accumulation-undeclared', 'float16 tensors accumulated in float16 while declaring nothing (float32 accumulation assumed)', typedVariant({ multiplyAdd: (acc, x, w) => f16(acc + f16(x * w)) }, { dtypes: ['float16'] })),
  typedMutant('float16-truncating-store', 'float16 with float32 accumulation, but the sum truncated (rounded toward zero) when stored', typedVariant({ multiplyAdd: float32Accumulate, store: truncateToFloat16 }, { dtypes: ['float16'] })),
  typedMutant('float16-flush-to-zero-undeclared', 'float16 subnormal outputs flushed to zero without declaring flushToZero', typedVariant({ multiplyAdd: float32Accumulate, store: (t, s) => flush(t, roundTo(t, s)) }, { dtypes: ['float16'] })),
  typedMutant('float16-result-as-float32', 'float16 inputs, the result returned as a float32 tensor', typedVariant({ multiplyAdd: float32Accumulate, resultType: 'float32' }, { dtypes: ['float16'] })),
  typedMutant('bfloat16-bfloat16-accumulation-undeclared', 'bfloat16 tensors accumulated in bfloat16 while declaring nothing', typedVariant({ multiplyAdd: (acc, x, w) => bf16(acc + bf16(x * w)) }, { dtypes: ['bfloat16'] })),
  typedMutant('float64-float32-accumulation', 'float64 tensors computed in float32 (inputs, products and sums rounded to float32)', typedVariant({ input: f32, multiplyAdd: float32Accumulate }, { dtypes: ['float64'] })),
  typedMutant('float64-tf32-inputs', 'float64 tensors with inputs rounded to TF32 before multiplying (float64 sums)', typedVariant({ input: roundToTf32 }, { dtypes: ['float64'] })),
];
