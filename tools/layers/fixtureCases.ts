/**
 * `convspec fixtures generate --layers-from MODEL.onnx`: a model's resolved layers as fixture cases
 * (source 'model'), with the model's weights and the layer's seeded X, for the ordinary generator
 * (tools/fixtures/generate.ts) to run in ONNX Runtime and write with its manifest and folder-safety rules.
 */
import type { FixtureCase } from '../fixtures/cases';
import { layerInput, type ModelLayers } from './modelLayers';

/** The manifest's description of where the tensors came from. */
export const LAYER_INPUTS_TEXT =
  "X float32 uniform in [-2, 2), mulberry32 seeded by FNV-1a(seed, layer name); W and B the model's initializers (seeded uniform in [-2, 2) where the model's are missing: see each case's description)";

export function layerFixtureCases(m: ModelLayers, seed: number): FixtureCase[] {
  return m.layers.map((l) => ({
    id: l.name,
    op: l.op,
    source: 'model',
    description: `${m.model}: ${l.description}`,
    attrs: l.attrs,
    xDims: l.x,
    wDims: [...l.w.dims],
    ...(l.b ? { bDims: [...l.b.dims] } : {}),
    inputs: { x: layerInput(l, seed), w: l.w, ...(l.b ? { b: l.b } : {}) },
  }));
}
