/**
 * Building an Implementation from parts: attribute resolution (impl/resolve.ts through the reference's
 * `prepare`, which also validates), the hooked direct kernels, and rounding to float32. A mutant is
 * this with exactly one part replaced, so everything it gets right it gets right the reference's way.
 */
import { ConvSpecError } from '../../impl/errors';
import { prepare } from '../../impl/reference';
import type { ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../framework/subject';
import {
  defaultConvHooks,
  defaultConvTransposeHooks,
  hookedConv,
  hookedConvTranspose,
  type ConvHooks,
  type ConvTransposeHooks,
} from './hookedKernels';

export type GeometryStep = (op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) => ConvGeometry;
export type KernelStep = (op: OpName, g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array | undefined) => Float64Array;

/** The reference's own resolution (validation included). */
export const referenceGeometry: GeometryStep = (op, x, w, b, attrs) => prepare(op, x, w, b, attrs);

export interface VariantParts {
  /** From inputs and attributes to geometry. Default: the reference's. */
  geometry?: GeometryStep;
  /** Hook overrides for the Conv loop. */
  conv?: Partial<ConvHooks>;
  /** Hook overrides for the ConvTranspose loop. */
  convTranspose?: Partial<ConvTransposeHooks>;
  /** Replaces the hooked kernels entirely (another algorithm). */
  kernel?: KernelStep;
}

/** The hooked kernels with the given overrides. */
export function hookedKernel(parts: Pick<VariantParts, 'conv' | 'convTranspose'>): KernelStep {
  const convHooks = { ...defaultConvHooks, ...parts.conv };
  const convTHooks = { ...defaultConvTransposeHooks, ...parts.convTranspose };
  return (op, g, x, w, b) => (op === 'Conv' ? hookedConv(convHooks, g, x, w, b) : hookedConvTranspose(convTHooks, g, x, w, b));
}

/** An Implementation computing geometry → kernel → one rounding to float32. The catalogue names it. */
export function variant(parts: VariantParts = {}, name = 'variant'): ImplementationWithSupports {
  const geometry = parts.geometry ?? referenceGeometry;
  const kernel = parts.kernel ?? hookedKernel(parts);
  const run = (op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Tensor => {
    const g = geometry(op, x, w, b, attrs);
    const y64 = kernel(op, g, x.data, w.data, b?.data);
    return { dims: g.outputDims, data: new Float32Array(y64) }; // the same values as Float32Array.from, without its iterator
  };
  return {
    name,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
}

/** A geometry step that edits the attributes before the reference resolves them. */
export function withAttributes(edit: (op: OpName, attrs: ConvTransposeAttributes, x: Tensor) => ConvTransposeAttributes): GeometryStep {
  return (op, x, w, b, attrs) => referenceGeometry(op, x, w, b, edit(op, { ...attrs }, x));
}

/** A geometry step that edits the resolved geometry (a copy; output dims kept in step with outputSpatial). */
export function withGeometry(edit: (g: ConvGeometry) => void): GeometryStep {
  return (op, x, w, b, attrs) => {
    const src = referenceGeometry(op, x, w, b, attrs);
    const g: ConvGeometry = {
      ...src,
      padsBegin: [...src.padsBegin],
      padsEnd: [...src.padsEnd],
      outputSpatial: [...src.outputSpatial],
      strides: [...src.strides],
      dilations: [...src.dilations],
    };
    edit(g);
    // A real kernel with this bug would refuse the case rather than allocate an empty output.
    g.outputSpatial.forEach((o, a) => {
      if (!(o >= 1)) throw new ConvSpecError('OUTPUT_TOO_SMALL', `output size on axis ${a} would be ${o}`);
    });
    g.outputDims = [g.batch, g.outChannels, ...g.outputSpatial];
    return g;
  };
}
