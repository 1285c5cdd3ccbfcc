/**
 * Validation and attribute resolution before any arithmetic, in a module of its own (no kernels, no
 * Node APIs) so adapters that run inside a browser page can share it with the reference.
 */
import { resolveConv, resolveConvTranspose, type ConvGeometry, type ResolveOptions } from './resolve';
import { checkDataLength, checkTensor } from './tensor';
import type { OpName } from './types';

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

