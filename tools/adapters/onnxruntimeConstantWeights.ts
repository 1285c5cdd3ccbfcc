/**
 * ONNX Runtime as most deployments run it: W and B are constant initializers of the model and every
 * graph optimisation is on ('all'), so ORT may pre-pack the weights and, for 2-D Conv, rewrite the
 * node to its NCHWc kernels (../shared/notes/facts.md) — other code paths than the bundled adapter's
 * (W as a graph input, optimisation disabled). One session per call (the weights are part of the
 * model), released after it: slower, for deep runs, not for the default verify.
 *
 *   npx convspec verify ./dist/tools/adapters/onnxruntimeConstantWeights.js
 */
import type * as Ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { buildModel } from '../onnx/model';
import { ort, ORT_SUPPORTS, ORT_VERSION } from './onnxruntime';

/** The one-node model of buildModel, with W (and B) moved from the inputs to initializers holding `w` (and `b`). */
export function modelWithConstantWeights(op: OpName, attrs: ConvTransposeAttributes, x: Tensor, w: Tensor, b: Tensor | undefined): Uint8Array {
  const model = onnx.ModelProto.decode(buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims }));
  const initializer = (name: string, t: Tensor): onnx.ITensorProto => ({
    name,
    dims: [...t.dims],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)),
  });
  model.graph!.initializer = [initializer('W', w), ...(b ? [initializer('B', b)] : [])];
  model.graph!.input = model.graph!.input!.filter((i) => i.name === 'X');
  return onnx.ModelProto.encode(model).finish();
}

async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes = {}): Promise<Tensor> {
  const session = await ort.InferenceSession.create(modelWithConstantWeights(op, attrs, x, w, b), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    executionProviders: ['cpu'],
    logSeverityLevel: 4,
  });
  try {
    const out = await session.run({ X: new ort.Tensor('float32', x.data, x.dims) }, { logSeverityLevel: 4 });
    const y = out.Y as Ort.Tensor;
    return { dims: [...y.dims], data: Float32Array.from(y.data as Float32Array) };
  } finally {
    await session.release();
  }
}

export const onnxruntimeConstantWeights: ImplementationWithSupports = {
  name: `onnxruntime-node ${ORT_VERSION} (CPU, opt all, constant W and B, 1 thread)`,
  supports: ORT_SUPPORTS,
  conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
  convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
};

export default onnxruntimeConstantWeights;
