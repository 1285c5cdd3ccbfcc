/**
 * Plan: ONNX Runtime's CPU float16 kernels (tools/adapters/onnxruntimeFloat16.ts) judged by the
 * element-type clauses through the real verifier: conformant under the default float32-accumulation
 * bound for float16 tensors, and the float32 clauses reported unsupported (it declares float16
 * alone). Its outputs written in the fixtures' TensorProto layout (FLOAT16, raw_data) read back
 * unchanged. And float64/bfloat16 models are refused by ORT's CPU provider, which is why no fixtures
 * of those types come from ORT.
 */
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { runTypedReference, typedTensor } from '../../../impl/typedReference';
import type { AnyTensor } from '../../../impl/types';
import { verifyTarget } from '../../verify/run';
import { decodeAnyTensor, encodeAnyTensor } from '../../onnx/typedTensorProto';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';
import { createOnnxRuntimeFloat16, float16Model } from '../onnxruntimeFloat16';

const adapter = createOnnxRuntimeFloat16();
afterAll(() => adapter.close());

describe('ONNX Runtime CPU on float16 tensors', () => {
  it('is conformant on the element-type clauses, and declares nothing else', async () => {
    const report = await verifyTarget(
      { kind: 'implementation', implementation: adapter as unknown as ImplementationWithSupports },
      { clauses: ['conv.dtype.*', 'convT.dtype.*', 'conv.numeric.withinBound'], depth: 0.5, log: () => undefined },
    );
    const byId = Object.fromEntries(report.clauses.map((c) => [c.id, c]));
    for (const id of ['conv.dtype.withinBound', 'convT.dtype.withinBound', 'conv.dtype.exactIntegers', 'convT.dtype.exactIntegers']) {
      expect(`${id}: ${byId[id].status} ${byId[id].error ?? ''}`).toBe(`${id}: passed `);
    }
    expect(byId['conv.numeric.withinBound'].status).toBe('unsupported');
  }, 60_000);

  it('writes outputs in the fixtures\' TensorProto layout that read back as float16', async () => {
    const x = typedTensor('float16', [1, 2, 4, 4], Array.from({ length: 32 }, (_, i) => Math.sin(i)));
    const w = typedTensor('float16', [2, 2, 3, 3], Array.from({ length: 36 }, (_, i) => Math.cos(i)));
    const y = (await adapter.conv!(x, w, undefined, { pads: [1, 1, 1, 1] })) as AnyTensor;
    const back = decodeAnyTensor(encodeAnyTensor(y, 'Y'), 'output_0.pb');
    expect(back.dtype).toBe('float16');
    expect(Array.from(back.data)).toEqual(Array.from(y.data));
    expect(runTypedReference('Conv', x, w, undefined, { pads: [1, 1, 1, 1] }).y.dims).toEqual(back.dims);
  });

  it('ORT\'s CPU provider has no float64 or bfloat16 Conv/ConvTranspose kernel', async () => {
    for (const type of [onnx.TensorProto.DataType.DOUBLE, onnx.TensorProto.DataType.BFLOAT16]) {
      const m = onnx.ModelProto.decode(float16Model('Conv', {}, [1, 1, 3, 3], [1, 1, 2, 2]));
      for (const v of [...(m.graph!.input ?? []), ...(m.graph!.output ?? [])]) v.type!.tensorType!.elemType = type;
      await expect(ort.InferenceSession.create(onnx.ModelProto.encode(m).finish(), { graphOptimizationLevel: 'disabled', logSeverityLevel: 4 })).rejects.toThrow(/Could not find an implementation/);
    }
  });
});
