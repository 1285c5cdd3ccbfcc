/**
 * Writes a one-subgraph TFLite model (.tflite flatbuffer) from a small graph description: tensors
 * (float32 or int32, a constant when it has data), operators by builtin code with their options, the
 * graph's inputs and outputs. The LiteRT adapters (litertConv.ts) describe each ONNX Conv /
 * ConvTranspose case as such a graph. Every field is written through the classes flatc generated from
 * the TFLite schema (tfliteSchema.generated.ts, tools/build/tflite/generate.sh) and the `flatbuffers`
 * Builder, so no field number is written by hand. Runs unchanged in Node and in the page.
 */
import * as flatbuffers from 'flatbuffers';
import {
  Buffer as TfliteBuffer, BuiltinOperator, BuiltinOptions, Model, Operator, OperatorCode, SubGraph, Tensor as TfliteTensor, TensorType,
} from './tfliteSchema.generated';

export interface GraphTensor {
  shape: readonly number[];
  type: 'float32' | 'int32';
  /** Present for a constant (weights, bias, shapes, paddings), absent for an activation or graph input. */
  data?: Float32Array | Int32Array;
}

export interface GraphOp {
  code: BuiltinOperator;
  /** Operator version the runtime's op resolver looks up (the feature level the op needs). */
  version?: number;
  /** Tensor indices; -1 for an omitted optional input. */
  inputs: readonly number[];
  outputs: readonly number[];
  /** The options table: its union type and a writer returning its offset. */
  options?: { type: BuiltinOptions; write: (b: flatbuffers.Builder) => flatbuffers.Offset };
}

export interface Graph {
  tensors: GraphTensor[];
  ops: GraphOp[];
  inputs: number[];
  outputs: number[];
}

/** The TFLite schema version this writer targets (Model.version). */
const SCHEMA_VERSION = 3;
/** deprecated_builtin_code's value for codes that do not fit its byte (schema: PLACEHOLDER_FOR_GREATER_OP_CODES). */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** A byte vector aligned to 16 (the schema's force_align on Buffer.data, which flatc's TypeScript output does not apply). */
function alignedBytes(b: flatbuffers.Builder, bytes: Uint8Array): flatbuffers.Offset {
  b.startVector(1, bytes.length, 16);
  for (let i = bytes.length - 1; i >= 0; i--) b.addInt8(bytes[i]);
  return b.endVector();
}

/** The .tflite bytes of `graph`. */
export function writeModel(graph: Graph): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  // Buffer 0 is the schema's empty sentinel; each constant gets its own buffer.
  const bufferOffsets: flatbuffers.Offset[] = [TfliteBuffer.createBuffer(b, 0, BigInt(0), BigInt(0))];
  const tensorOffsets = graph.tensors.map((t, i) => {
    let bufferIndex = 0;
    if (t.data) {
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      const data = alignedBytes(b, bytes);
      TfliteBuffer.startBuffer(b);
      TfliteBuffer.addData(b, data);
      bufferIndex = bufferOffsets.push(TfliteBuffer.endBuffer(b)) - 1;
    }
    const name = b.createString(`t${i}`);
    const shape = TfliteTensor.createShapeVector(b, [...t.shape]);
    TfliteTensor.startTensor(b);
    TfliteTensor.addShape(b, shape);
    TfliteTensor.addType(b, t.type === 'float32' ? TensorType.FLOAT32 : TensorType.INT32);
    TfliteTensor.addBuffer(b, bufferIndex);
    TfliteTensor.addName(b, name);
    return TfliteTensor.endTensor(b);
  });

  // One OperatorCode per distinct (code, version).
  const codes: { code: BuiltinOperator; version: number }[] = [];
  const opcodeIndex = (op: GraphOp) => {
    const version = op.version ?? 1;
    let i = codes.findIndex((c) => c.code === op.code && c.version === version);
    if (i < 0) i = codes.push({ code: op.code, version }) - 1;
    return i;
  };
  const operatorOffsets = graph.ops.map((op) => {
    const index = opcodeIndex(op);
    const inputs = Operator.createInputsVector(b, [...op.inputs]);
    const outputs = Operator.createOutputsVector(b, [...op.outputs]);
    const options = op.options?.write(b);
    Operator.startOperator(b);
    Operator.addOpcodeIndex(b, index);
    Operator.addInputs(b, inputs);
    Operator.addOutputs(b, outputs);
    if (op.options && options !== undefined) {
      Operator.addBuiltinOptionsType(b, op.options.type);
      Operator.addBuiltinOptions(b, options);
    }
    return Operator.endOperator(b);
  });
  const codeOffsets = codes.map((c) =>
    OperatorCode.createOperatorCode(b, Math.min(c.code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0, c.version, c.code),
  );

  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensorOffsets),
    SubGraph.createInputsVector(b, graph.inputs),
    SubGraph.createOutputsVector(b, graph.outputs),
    SubGraph.createOperatorsVector(b, operatorOffsets),
    b.createString('main'),
    -1, // debug_metadata_index: none (the schema's default)
  );
  const model = Model.createModel(
    b,
    SCHEMA_VERSION,
    Model.createOperatorCodesVector(b, codeOffsets),
    Model.createSubgraphsVector(b, [subgraph]),
    b.createString('convspec'),
    Model.createBuffersVector(b, bufferOffsets),
    0, 0, 0, 0, 0,
  );
  Model.finishModelBuffer(b, model);
  return b.asUint8Array().slice();
}
