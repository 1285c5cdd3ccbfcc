/**
 * Section "Network layers" of SPEC.md, clause model.layers: the Conv and ConvTranspose layers of the
 * user's own ONNX model (`--layers-from MODEL.onnx`, read by tools/layers/modelLayers.ts), each with
 * the model's attributes and weights (seeded where the model's are missing) on seeded inputs, judged
 * by the bound as network.layers judges its catalogue.
 *
 * Not in the default registry (spec/clauses.ts lists it among the on-demand clauses): it exists only
 * for a given model. `convspec verify --layers-from` runs every resolved layer once under its own case
 * id, `model.layers/<node>`.
 */
import fc from 'fast-check';
import type { Tensor } from '../../impl/types';
import { defineClause, type ClauseContext } from '../framework/clause';
import type { EnumeratedClause, NamedCase } from '../framework/enumerated';
import { layerInput, type ModelLayer, type ModelLayers } from '../../tools/layers/modelLayers';
import { judgeLayer } from './layers';

export const MODEL_LAYERS_ID = 'model.layers';

const copy = (t: Tensor): Tensor => ({ dims: [...t.dims], data: Float32Array.from(t.data) });

/** The clause over the resolved layers of `model`; X is seeded from `seed` and the layer's name. */
export function modelLayersClause(model: ModelLayers, seed: number): EnumeratedClause<ModelLayer> {
  const check = async (l: ModelLayer, ctx: ClauseContext): Promise<void> => {
    // Fresh copies per call, so a subject that writes into its inputs cannot spoil the model's weights.
    await judgeLayer(l.op, layerInput(l, seed), copy(l.w), l.b && copy(l.b), l.attrs, ctx, `layer ${l.node} of ${model.model}`);
  };
  const clause = defineClause<ModelLayer>({
    id: MODEL_LAYERS_ID,
    title: `on every Conv/ConvTranspose layer of ${model.model} (its attributes and weights, seeded inputs) the output is within the bound`,
    category: 'numeric',
    // Per case: a subject with one operator still runs the other's layers as unsupported.
    ops: [],
    arbitrary: fc.nat().map((i) => model.layers[i % model.layers.length]),
    runs: Math.max(1, Math.min(8, model.layers.length)),
    check,
  });
  return {
    ...clause,
    async enumerate(): Promise<NamedCase<ModelLayer>[]> {
      return model.layers.map((l) => ({ name: l.name, value: l, description: l.description }));
    },
  };
}
