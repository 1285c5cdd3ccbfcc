/**
 * "Consistent with": which fault models reproduce an implementation's output on one case. A model
 * fits when it computes the same dims and every element agrees with the implementation's within the
 * case's error bound (both sides rounded, so twice the bound), and the model itself disagrees with the
 * reference there (a model that shows no defect on the case explains nothing). No fit gives [], never
 * a guess.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { elementRatio, findMismatch } from '../framework/compare';
import { expectedWithBound, PRECISION_PROFILES, type Expected } from '../tolerance';
import { faultModels, type FaultModel } from './models';

export interface ModelCase {
  op: OpName;
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

/** The model's output on the case, or undefined when it refuses it. */
export function modelOutput(m: FaultModel, c: ModelCase): Tensor | undefined {
  const fn = c.op === 'Conv' ? m.impl.conv : m.impl.convTranspose;
  try {
    const y = fn?.call(m.impl, c.x, c.w, c.b, c.attrs);
    return y && !(y instanceof Promise) ? y : undefined;
  } catch {
    return undefined;
  }
}

function expected(c: ModelCase, precision: 'float16' | 'float32'): Expected | undefined {
  try {
    return expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, PRECISION_PROFILES[precision ?? 'float32']);
  } catch {
    return undefined; // an invalid case: no model of a numeric defect explains what happens on it
  }
}

/** The reference of a case under the float32 profile and, computed on demand, the float16 one. */
interface References {
  float32: Expected | undefined;
  float16?: Expected;
}

/** Whether model m reproduces `actual` on case c (refs: the case's references, computed once for all models). */
export function modelFits(m: FaultModel, c: ModelCase, actual: Tensor, refs: References = { float32: expected(c, 'float32') }): boolean {
  if (!m.ops.includes(c.op) || !(actual?.data instanceof Float32Array)) return false;
  const ref32 = refs.float32;
  if (!ref32) return false;
  const ref = m.precision ? (refs.float16 ??= expected(c, 'float16')) : ref32;
  if (!ref) return false;
  const y = modelOutput(m, c);
  if (!y || y.dims.length !== actual.dims.length || y.dims.some((d, i) => d !== actual.dims[i]) || y.data.length !== actual.data.length) return false;
  // The defect must show on this case (judged as the implementation is, in float32).
  if (!findMismatch(y, ref32)) return false;
  const sameDims = y.dims.length === ref.dims.length && y.dims.every((d, i) => d === ref.dims[i]);
  // Other dims than the reference's: one bound for all, the largest finite one of the case.
  let uniform = 0;
  if (!sameDims) for (const v of ref.bound) if (Number.isFinite(v) && v > uniform) uniform = v;
  for (let i = 0; i < y.data.length; i++) {
    const bound = 2 * (sameDims ? ref.bound[i] : uniform);
    if (elementRatio(actual.data[i], y.data[i], bound) > 1) return false;
  }
  return true;
}

/** The ids of every model that reproduces `actual` on c, in catalogue order. */
export function modelsFitting(c: ModelCase, actual: Tensor, models: readonly FaultModel[] = faultModels): string[] {
  const refs: References = { float32: expected(c, 'float32') };
  if (!refs.float32) return [];
  return models.filter((m) => modelFits(m, c, actual, refs)).map((m) => m.id);
}

/** The ids of every model that refuses c (throws) although the reference computes it: what fits an implementation that throws there. */
export function modelsRefusing(c: ModelCase, models: readonly FaultModel[] = faultModels): string[] {
  if (!expected(c, 'float32')) return [];
  return models.filter((m) => m.ops.includes(c.op) && !modelOutput(m, c)).map((m) => m.id);
}
