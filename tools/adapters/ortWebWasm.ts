/**
 * onnxruntime-web's WebAssembly execution provider, in Node (SIMD, one thread): the CPU kernels of
 * ONNX Runtime compiled to WebAssembly, which is what a browser without WebGPU runs.
 * `npx convspec verify --target ort-web-wasm`. Same one-node models as the onnxruntime-node adapter
 * (tools/onnx/model.ts), so the two differ only in the runtime build.
 */
import type * as Ort from 'onnxruntime-web';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { buildModel } from '../onnx/model';
import { ORT_SUPPORTS } from './onnxruntime';
import { requireRuntime } from './runtimePackages';

// From the user's project first, then convspec's location (runtimePackages.ts): not a dependency of convspec.
const ort = requireRuntime<typeof Ort>('onnxruntime-web').module;

const VERSION: string = ort.env.versions.web ?? 'unknown';
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'fatal';

async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor> {
  let session: Ort.InferenceSession | undefined;
  try {
    const model = buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims });
    session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled', logSeverityLevel: 4 });
    const feeds: Record<string, Ort.Tensor> = { X: new ort.Tensor('float32', x.data, x.dims), W: new ort.Tensor('float32', w.data, w.dims) };
    if (b) feeds.B = new ort.Tensor('float32', b.data, b.dims);
    const y = (await session.run(feeds, { logSeverityLevel: 4 })).Y as Ort.Tensor;
    return { dims: [...y.dims], data: Float32Array.from(y.data as Float32Array) };
  } catch (e) {
    throw e instanceof Error ? e : new Error(`onnxruntime-web ${op}: ${String(e)}`);
  } finally {
    await session?.release().catch(() => undefined);
  }
}

const ortWebWasm: ImplementationWithSupports = {
  name: `onnxruntime-web ${VERSION} (wasm EP in Node, 1 thread, opt disabled)`,
  supports: ORT_SUPPORTS,
  conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
  convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
};

export default ortWebWasm;
