/**
 * The reference implementation: validation, attribute resolution, then the float64 kernels. The
 * float64 result is kept next to the float32 one because the tolerance model and the property suite
 * judge against it.
 */
import { convDirect, convTransposeDirect } from './direct';
import { fastKernels } from './fast';
import { resolveConv, resolveConvTranspose, type ConvGeometry, type ResolveOptions } from './resolve';
import { checkDataLength, checkTensor } from './tensor';
import type { ConvAttributes, ConvTransposeAttributes, Implementation, OpName, Tensor } from './types';

export interface ReferenceResult {
  /** The result rounded once to float32. */
  y: Tensor;
  /** The float64 result before rounding (same layout as y.data). */
  y64: Float64Array;
  geometry: ConvGeometry;
}

/** The kernel pair the reference runs; swappable so a faster exact path can be verified against the direct one. */
export interface Kernels {
  conv(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): Float64Array;
  convTranspose(g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined): Float64Array;
}

export const directKernels: Kernels = { conv: convDirect, convTranspose: convTransposeDirect };

/** Validates the tensors and attributes (throwing ConvSpecError) and resolves the geometry. */
export function prepare(op: OpName, x: unknown, w: unknown, b: unknown, attrs: unknown, options?: ResolveOptions): ConvGeometry {
  const xt = checkTensor('X', x);
  const wt = checkTensor('W', w);
  const bt = b === undefined || b === null ? undefined : checkTensor('B', b);
  const resolver = op === 'Conv' ? resolveConv : resolveConvTranspose;
  const g = resolver(xt.dims, wt.dims, attrs ?? {}, bt?.dims, options);
  checkDataLength('X', xt);
  checkDataLength('W', wt);
  if (bt) checkDataLength('B', bt);
  return g;
}

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
  return { y: { dims: g.outputDims, data: Float32Array.from(y64) }, y64, geometry: g };
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

/** Which kernels `reference` uses. The fast exact path replaces this once it is verified against directKernels. */
let defaultKernels: Kernels = fastKernels;
export function setDefaultKernels(k: Kernels): void {
  defaultKernels = k;
}

/** The reference as an Implementation: float64 accumulation, rounded once to float32. */
export const reference: Implementation = {
  name: 'convspec reference (float64 accumulation)',
  conv: (x, w, b, attrs) => referenceConv(x, w, b, attrs).y,
  convTranspose: (x, w, b, attrs) => referenceConvTranspose(x, w, b, attrs).y,
};
