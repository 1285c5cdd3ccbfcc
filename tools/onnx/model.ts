/**
 * One-node ONNX models for Conv and ConvTranspose, built with onnx-proto (protobufjs), so ONNX Runtime
 * and any ONNX backend-test runner can load exactly what convspec ran. Attributes are written
 * verbatim — only those given, never defaults filled in — because defaults are part of what is tested.
 */
import { onnx } from 'onnx-proto';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { float32ToBytes, FLOAT } from './tensorProto';

/** The operator-set version every model declares (ONNX default domain). */
export const OPSET = 22;
/** IR version 10 is the one that introduced opset 22 (ONNX 1.16). */
export const IR_VERSION = 10;
export const PRODUCER_NAME = 'convspec';

export interface ModelSpec {
  op: OpName;
  /** Attributes as given; `undefined` values are left out. Unknown names are written too (ONNX Runtime then rejects them). */
  attrs: ConvTransposeAttributes | Record<string, unknown>;
  xDims: readonly number[];
  wDims: readonly number[];
  /** Present when the model has the optional bias input B. */
  bDims?: readonly number[];
  /** Operator-set version to declare. Default OPSET (22); a runtime without opset-22 kernels may need 21. */
  opset?: number;
  /**
   * W (and B) as constant initializers instead of graph inputs, so a runtime's graph optimizer can
   * pre-pack them (ONNX Runtime's NCHWc kernels need this). The model then has X as its only input.
   */
  constants?: { w: Tensor; b?: Tensor };
}

/** Thrown when an attribute value has no ONNX encoding (not an integer, integer list or string). */
export class ModelBuildError extends Error {
  override readonly name = 'ModelBuildError';
}

const AttrType = onnx.AttributeProto.AttributeType;

function attribute(name: string, value: unknown): onnx.IAttributeProto {
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(value) };
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  if (isInt(value)) return { name, type: AttrType.INT, i: value };
  if (Array.isArray(value) && value.every(isInt)) return { name, type: AttrType.INTS, ints: [...value] };
  throw new ModelBuildError(`attribute ${name} = ${JSON.stringify(value)} cannot be written to an ONNX model: it must be an integer, a list of integers or a string`);
}

function tensorInput(name: string, dims: readonly number[] | undefined): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}),
      },
    },
  };
}

/** The attributes in name order (as onnx.helper.make_node writes them), undefined ones dropped. */
export function modelAttributes(attrs: ModelSpec['attrs']): onnx.IAttributeProto[] {
  return Object.keys(attrs)
    .sort()
    .filter((k) => (attrs as Record<string, unknown>)[k] !== undefined)
    .map((k) => attribute(k, (attrs as Record<string, unknown>)[k]));
}

/**
 * Encodes a one-node model: inputs X, W (and B when `bDims` is given) with their exact float32 shapes,
 * output Y (float32, shape left to the runtime), opset 22. Deterministic: the same spec gives the same bytes.
 * Throws ModelBuildError for attribute values that have no ONNX encoding.
 */
export function buildModel(spec: ModelSpec): Uint8Array {
  const inputs = spec.bDims ? ['X', 'W', 'B'] : ['X', 'W'];
  const constant = (t: Tensor, name: string): onnx.ITensorProto => ({ name, dims: [...t.dims], dataType: FLOAT, rawData: float32ToBytes(t.data) });
  const c = spec.constants;
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    opsetImport: [{ domain: '', version: spec.opset ?? OPSET }],
    graph: {
      name: `convspec_${spec.op.toLowerCase()}`,
      node: [{ opType: spec.op, domain: '', name: spec.op.toLowerCase(), input: inputs, output: ['Y'], attribute: modelAttributes(spec.attrs) }],
      input: c
        ? [tensorInput('X', spec.xDims)]
        : [tensorInput('X', spec.xDims), tensorInput('W', spec.wDims), ...(spec.bDims ? [tensorInput('B', spec.bDims)] : [])],
      ...(c ? { initializer: [constant(c.w, 'W'), ...(c.b ? [constant(c.b, 'B')] : [])] } : {}),
      output: [tensorInput('Y', undefined)],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export interface ModelSummary {
  opset: number | undefined;
  op: string;
  inputs: string[];
  attrs: Record<string, number | number[] | string>;
}

/**
 * Reads back what a one-node model holds (op, inputs, attributes) so fixture readers can check a
 * model.onnx against its manifest entry. Throws an Error naming `source` if it is not such a model.
 */
export function describeModel(bytes: Uint8Array, source: string): ModelSummary {
  let m: onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`${source}: not a valid ONNX ModelProto protobuf (${(e as Error).message})`);
  }
  const nodes = m.graph?.node ?? [];
  if (nodes.length !== 1) throw new Error(`${source}: expected a one-node graph, found ${nodes.length} nodes`);
  const node = nodes[0] as onnx.NodeProto; // decoded messages have every repeated field set
  const attrs: ModelSummary['attrs'] = {};
  for (const a of node.attribute as onnx.AttributeProto[]) {
    if (a.type === AttrType.STRING) attrs[a.name] = new TextDecoder().decode(a.s);
    else if (a.type === AttrType.INT) attrs[a.name] = Number(String(a.i));
    else if (a.type === AttrType.INTS) attrs[a.name] = a.ints.map((v) => Number(String(v)));
    else throw new Error(`${source}: attribute ${a.name} has unexpected type ${a.type}`);
  }
  const opset = m.opsetImport.find((o) => !o.domain)?.version;
  return { opset: opset === undefined || opset === null ? undefined : Number(String(opset)), op: node.opType, inputs: [...node.input], attrs };
}
