/**
 * The reference implementation: validation, attribute resolution, then the float64 kernels. The
 * float64 result is kept next to the float32 one because the tolerance model and the property suite
 * judge against it.
 */
import { convDirect, convTransposeDirect } from './direct';
import { fastKernels } from './fast';
import { prepare } from './prepare';
import type { Kernels } from './kernels';
import { product, type ConvGeometry, type ResolveOptions } from './resolve';
import type { AnyTensor, ConvAttributes, ConvTransposeAttributes, DType, Implementation, OpName, Tensor, TypedImplementation } from './types';
import { isTypedTensor, runTypedReference } from './typedReference';

export interface ReferenceResult {
  /** The result rounded once to float32. */
  y: Tensor;
  /** The float64 result before rounding (same layout as y.data). */
  y64: Float64Array;
  geometry: ConvGeometry;
}

export type { Kernels } from './kernels';

export const directKernels: Kernels = { conv: convDirect, convTranspose: convTransposeDirect };

export { prepare } from './prepare';

export function runReference(
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes,
  options?: ResolveOptions & { kernels?: Kernels },
): ReferenceResult {
  const g = prepare(op, x, w, b ?? undefined, attrs, options);
  const kernels = options?.kernels ?? defaultKernels;
  const run = op === 'Conv' ? kernels.conv : kernels.convTranspose;
  const y64 = run(g, x.data, w.data, b?.data);
  // the constructor converts element by element like Float32Array.from, without the iterator protocol
  return { y: { dims: g.outputDims, data: new Float32Array(y64) }, y64, geometry: g };
}

export function referenceConv(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvAttributes = {}, options?: ResolveOptions): ReferenceResult {
  return runReference('Conv', x, w, b, attrs, options);
}

export function referenceConvTranspose(
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  attrs: ConvTransposeAttributes = {},
  options?: ResolveOptions,
): ReferenceResult {
  return runReference('ConvTranspose', x, w, b, attrs, options);
}

/** The kernels `reference` uses: the fast exact path, tested against directKernels (impl/fast/test). Pass `kernels` to runReference for another pair. */
const defaultKernels: Kernels = fastKernels;

/**
 * Outputs up to this many elements (32 MiB of float64) get their float64 result in a reused scratch
 * array (below); it grows to the largest such output and stays.
 */
const SCRATCH_MAX = 1 << 22;
let scratch = new Float64Array(0);

/**
 * runReference's float32 result alone. Nobody sees the float64 one here, so outputs reuse one
 * scratch array for it: a small typed-array allocation costs about a microsecond, a good part of a
 * small call, and a large one far more (fresh pages to fault in and zero, and garbage-collector work:
 * 1.8 ms for 200 704 doubles on the project machine, more than the depthwise 64×56×56 convolution
 * itself).
 */
function referenceY(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Tensor {
  const g = prepare(op, x, w, b ?? undefined, attrs);
  const run = op === 'Conv' ? defaultKernels.conv : defaultKernels.convTranspose;
  const n = g.batch * g.outChannels * product(g.outputSpatial);
  let out: Float64Array | undefined;
  if (n <= SCRATCH_MAX) {
    if (scratch.length < n) scratch = new Float64Array(n);
    out = scratch.length === n ? scratch : scratch.subarray(0, n);
  }
  const y64 = run(g, x.data, w.data, b?.data, out);
  return { dims: g.outputDims, data: new Float32Array(y64) };
}

/**
 * One operator of the reference as an Implementation method: float32 tensors take the float32 path
 * above; tensors of another type (impl/typedReference.ts) are computed the same way and rounded once
 * to their own type.
 */
function referenceMethod(op: OpName) {
  function method(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Tensor;
  function method(x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes): AnyTensor;
  function method(x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes): AnyTensor {
    if (isTypedTensor(x) || isTypedTensor(w) || isTypedTensor(b)) return runTypedReference(op, x, w, b, attrs ?? {}).y;
    return referenceY(op, x as Tensor, w as Tensor, b as Tensor | undefined, attrs ?? {});
  }
  return method;
}

/**
 * The reference as an Implementation: float64 accumulation, rounded once to the inputs' type
 * (float32 unless they say otherwise). It declares every element type (`supports.dtypes`).
 */
export const reference: Implementation & TypedImplementation & { supports: { dtypes: DType[] } } = {
  name: 'convspec reference (float64 accumulation)',
  supports: { dtypes: ['float16', 'bfloat16', 'float32', 'float64'] },
  conv: referenceMethod('Conv'),
  convTranspose: referenceMethod('ConvTranspose'),
};
