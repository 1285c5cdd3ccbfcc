/**
 * The onnxruntime-web side of the benchmark: ONNX Runtime's CPU kernels compiled to WebAssembly
 * (SIMD128, float32), run in this Node process with one thread — the peer that shares the
 * reference's instruction set, where onnxruntime-node's native kernels use the processor's full
 * vector width. One session per shape, created before timing (same one-node model and settings as
 * the onnxruntime-node peer: graph optimisation disabled, W and B as inputs), tensors prepared once.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { buildModel } from '../onnx/model';

export const ORT_WEB_VERSION: string = ort.env.versions.web ?? 'unknown';

/** One thread (no worker pool, no SharedArrayBuffer) and the package's own .wasm files (Node has no fetch of relative URLs). */
export function initOrtWeb(): void {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = join(require.resolve('onnxruntime-web'), '..', '/');
  ort.env.logLevel = 'error';
}

export interface OrtWebCase {
  run(): Promise<Tensor>;
  release(): Promise<void>;
}

export async function prepareOrtWeb(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<OrtWebCase> {
  const model = buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  const feeds: Record<string, ort.Tensor> = {
    X: new ort.Tensor('float32', Float32Array.from(x.data), x.dims),
    W: new ort.Tensor('float32', Float32Array.from(w.data), w.dims),
  };
  if (b) feeds.B = new ort.Tensor('float32', Float32Array.from(b.data), b.dims);
  return {
    async run() {
      const y = (await session.run(feeds)).Y;
      return { dims: [...y.dims], data: y.data as Float32Array };
    },
    release: () => session.release(),
  };
}
