/**
 * ONNX Runtime (onnxruntime-node, CPU) on float16 tensors: the same one-node Conv/ConvTranspose
 * models as the bundled adapter (tools/onnx/model.ts) with X, W, B and Y retyped to FLOAT16. ORT's CPU
 * provider has float16 kernels for both operators (it has none for float64 or bfloat16: "Could not
 * find an implementation"). Graph optimisation disabled, one thread, as for the fixtures.
 *
 *   npx convspec verify dist/tools/adapters/onnxruntimeFloat16.js
 */
import { onnx } from 'onnx-proto';
import type * as Ort from 'onnxruntime-node';
import { resolve as resolveGeometry } from '../../impl/resolve';
import type { AnyTensor, ConvTransposeAttributes, OpName, TypedImplementation } from '../../impl/types';
import type { Supports } from '../../spec/framework/subject';
import { buildModel } from '../onnx/model';
import { ort, ORT_SUPPORTS, ORT_VERSION, releaseSessions } from './onnxruntime';

/** What ORT's CPU float16 kernels are verified with: the bundled adapter's declaration, float16 tensors only. */
export const ORT_FLOAT16_SUPPORTS: Supports = { ...ORT_SUPPORTS, dtypes: ['float16'] };

/** The one-node model of tools/onnx/model.ts with every tensor FLOAT16. */
export function float16Model(op: OpName, attrs: ConvTransposeAttributes, xDims: readonly number[], wDims: readonly number[], bDims?: readonly number[]): Uint8Array {
  const model = onnx.ModelProto.decode(buildModel({ op, attrs, xDims, wDims, bDims }));
  const graph = model.graph!;
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) v.type!.tensorType!.elemType = onnx.TensorProto.DataType.FLOAT16;
  return onnx.ModelProto.encode(model).finish();
}

function asError(e: unknown, what: string): Error {
  return e instanceof Error ? e : new Error(`${what} failed: ${String(e)}`);
}

export function createOnnxRuntimeFloat16(): TypedImplementation & { supports: Supports; close(): Promise<void> } {
  const sessions = new Map<string, Promise<Ort.InferenceSession>>();
  async function run(op: OpName, x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes = {}): Promise<AnyTensor> {
    for (const [name, t] of [['X', x], ['W', w], ['B', b]] as const) {
      if (t && (t.dtype !== 'float16' || !(t.data instanceof Uint16Array))) throw new Error(`${name} must be a float16 tensor (this adapter declares dtypes ['float16'])`);
    }
    resolveGeometry(op, x.dims, w.dims, attrs, b?.dims); // convspec's size caps before ORT allocates
    const key = JSON.stringify([op, Object.entries(attrs).sort(), x.dims, w.dims, b?.dims ?? null]);
    let created = sessions.get(key);
    if (!created) {
      created = ort.InferenceSession.create(float16Model(op, attrs, x.dims, w.dims, b?.dims), {
        graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', executionProviders: ['cpu'], logSeverityLevel: 4,
      });
      sessions.set(key, created);
      created.catch(() => sessions.delete(key));
      if (sessions.size > 64) {
        const [oldKey, old] = sessions.entries().next().value as [string, Promise<Ort.InferenceSession>];
        sessions.delete(oldKey);
        old.then((s) => s.release()).catch(() => undefined);
      }
    }
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      const feeds: Record<string, Ort.Tensor> = { X: new ort.Tensor('float16', x.data as Uint16Array, x.dims), W: new ort.Tensor('float16', w.data as Uint16Array, w.dims) };
      if (b) feeds.B = new ort.Tensor('float16', b.data as Uint16Array, b.dims);
      result = await (await created).run(feeds, { logSeverityLevel: 4 });
    } catch (e) {
      throw asError(e, `onnxruntime ${op} (float16)`);
    }
    const y = result.Y as Ort.Tensor;
    return { dims: [...y.dims], data: Uint16Array.from(y.data as Uint16Array), dtype: 'float16' };
  }
  return {
    name: `onnxruntime-node ${ORT_VERSION} (CPU, float16 tensors, opt disabled, 1 thread)`,
    supports: ORT_FLOAT16_SUPPORTS,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
    close: () => releaseSessions(sessions),
  };
}

export default createOnnxRuntimeFloat16();
