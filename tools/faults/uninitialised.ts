/**
 * A ConvTranspose that never initialises its output: positions that no input element reaches keep
 * whatever the buffer held — here NaN, as a debug-poisoned or uninitialised GPU buffer would. They
 * exist whenever the stride exceeds the effective kernel (holes between scattered copies) or
 * output_padding / output_shape extend the output past the last scattered element; ONNX says they
 * hold the bias (or 0).
 */
import type { ConvGeometry } from '../../impl/resolve';
import type { OpName } from '../../impl/types';
import { hookedKernel, type KernelStep } from './variant';

const correct = hookedKernel({});

export const unwrittenOutputsNaN: KernelStep = (op: OpName, g: ConvGeometry, x, w, b) => {
  const y = correct(op, g, x, w, b);
  if (op !== 'ConvTranspose') return y;
  // Positions reached by at least one product: positive when every operand is 1 and there is no bias.
  const reach = correct(op, g, new Float32Array(x.length).fill(1), new Float32Array(w.length).fill(1), undefined);
  for (let i = 0; i < y.length; i++) if (reach[i] === 0) y[i] = NaN;
  return y;
};
