/**
 * Sub-problems along one spatial axis, for the chunked paths of the scale catalogue (im2col chunks
 * of output rows, row segments): the outputs [r0, r1) of `axis` computed from an input window
 * that starts at coordinate `start` and is `length` long. The window is copied out (clipped to the
 * input; what it leaves out reads as padding) and the sub-geometry's begin pad places it, so the
 * kernels need nothing new. A window too short or started at the wrong place is exactly the bug of a
 * chunked kernel whose window arithmetic is wrong.
 */
import { product, type ConvGeometry } from '../../../impl/resolve';

export interface Slab {
  g: ConvGeometry;
  x: Float32Array;
}

/** The geometry with other spatial sizes and begin pads (dims kept in step). */
export function withSpatial(g: ConvGeometry, inputSpatial: number[], outputSpatial: number[], padsBegin: number[], batch = g.batch): ConvGeometry {
  return {
    ...g, batch, inputSpatial, outputSpatial, padsBegin,
    inputDims: [batch, g.inChannels, ...inputSpatial],
    outputDims: [batch, g.outChannels, ...outputSpatial],
  };
}

export function slab(g: ConvGeometry, x: Float32Array, axis: number, r0: number, r1: number, start: number, length: number): Slab {
  const I = g.inputSpatial[axis];
  const lo = Math.min(I, Math.max(0, start));
  const hi = Math.max(lo, Math.min(I, start + length));
  const inputSpatial = g.inputSpatial.map((v, a) => (a === axis ? hi - lo : v));
  const outputSpatial = g.outputSpatial.map((v, a) => (a === axis ? r1 - r0 : v));
  const padsBegin = g.padsBegin.map((v, a) => (a === axis ? lo - start : v));
  const outer = g.batch * g.inChannels * product(g.inputSpatial.slice(0, axis));
  const inner = product(g.inputSpatial.slice(axis + 1));
  const out = new Float32Array(outer * (hi - lo) * inner);
  for (let o = 0; o < outer; o++) out.set(x.subarray((o * I + lo) * inner, (o * I + hi) * inner), o * (hi - lo) * inner);
  return { g: withSpatial(g, inputSpatial, outputSpatial, padsBegin), x: out };
}

/** Writes the sub-result of outputs [r0, r1) on `axis` into its place in y. */
export function placeRows(g: ConvGeometry, y: Float32Array, part: Float32Array, axis: number, r0: number, r1: number): void {
  const O = g.outputSpatial[axis];
  const outer = g.batch * g.outChannels * product(g.outputSpatial.slice(0, axis));
  const inner = product(g.outputSpatial.slice(axis + 1));
  const rows = r1 - r0;
  for (let o = 0; o < outer; o++) y.set(part.subarray(o * rows * inner, (o + 1) * rows * inner), (o * O + r0) * inner);
}
