/**
 * How much an ONNX protobuf would build when decoded, counted before it is decoded, so a small file
 * cannot cost minutes and gigabytes: twenty megabytes of two-byte empty NodeProto records decode into
 * ten million node objects (measured: more than 60 s and 2 GB). The scan walks the wire format with
 * protobufjs's own Reader, skipping every payload and creating nothing, and follows the same field
 * table the generated decoder (onnx-proto) follows — a field is read as its declared kind whatever its
 * wire type, as the decoder does — so what it counts is what decoding would create.
 *
 * Limits (generous: the largest real models have some 10⁵ nodes; see MODEL_LIMITS):
 * nodes in every graph, subgraph and function; messages of any kind; values (strings, byte fields,
 * numbers, each element of a repeated number field counted); and message nesting depth.
 *
 * Node-only: the readers of files call it before they decode (tools/layers/modelLayers.ts,
 * tools/onnx/backendTest.ts and typedTensorProto.ts, tools/fixtures/read.ts and check.ts). model.ts and
 * tensorProto.ts also run in the browser page, whose import map has onnx-proto but not protobufjs, so
 * they do not import this module.
 */
import { Reader } from 'protobufjs/minimal';

export interface ProtobufLimits {
  /** NodeProto records anywhere in the file (main graph, subgraphs, functions). */
  nodes: number;
  /** Messages of any kind (nodes, attributes, tensors, value infos, dims, …). */
  messages: number;
  /** Strings, byte fields and numbers (every element of a repeated numeric field). */
  values: number;
  /** Messages inside messages (a graph in an attribute in a node in a graph is three levels). */
  depth: number;
}

/** The limits every ONNX file convspec reads is held to (models and TensorProto files alike). */
export const MODEL_LIMITS: ProtobufLimits = { nodes: 1_000_000, messages: 2_000_000, values: 16_000_000, depth: 100 };

/** The file holds more than a limit allows, or is not a protobuf of the expected kind; the message names the file. */
export class ProtobufBoundsError extends Error {
  override readonly name = 'ProtobufBoundsError';
  constructor(readonly file: string, readonly detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** What the scan counted. */
export interface ProtobufCounts {
  nodes: number;
  messages: number;
  values: number;
}

/** A field's kind as the generated decoder reads it (repeated numeric fields may come packed). */
type Kind = 'bytes' | 'varint' | 'fixed32' | 'fixed64' | 'packed-varint' | 'packed-fixed32' | 'packed-fixed64' | { message: string };

const msg = (message: string) => ({ message });

/**
 * The ONNX schema as onnx-proto 8 (ONNX 1.10) decodes it: message → field number → kind. Strings and
 * bytes are 'bytes'; int32/int64/enum/uint64 are varints (int64 values become Long objects).
 */
const SCHEMA: Record<string, Record<number, Kind>> = {
  ModelProto: { 1: 'varint', 8: msg('OperatorSetIdProto'), 2: 'bytes', 3: 'bytes', 4: 'bytes', 5: 'varint', 6: 'bytes', 7: msg('GraphProto'), 14: msg('StringStringEntryProto'), 20: msg('TrainingInfoProto'), 25: msg('FunctionProto') },
  GraphProto: { 1: msg('NodeProto'), 2: 'bytes', 5: msg('TensorProto'), 15: msg('SparseTensorProto'), 10: 'bytes', 11: msg('ValueInfoProto'), 12: msg('ValueInfoProto'), 13: msg('ValueInfoProto'), 14: msg('TensorAnnotation') },
  NodeProto: { 1: 'bytes', 2: 'bytes', 3: 'bytes', 4: 'bytes', 7: 'bytes', 5: msg('AttributeProto'), 6: 'bytes' },
  AttributeProto: {
    1: 'bytes', 21: 'bytes', 13: 'bytes', 20: 'varint', 2: 'fixed32', 3: 'varint', 4: 'bytes', 5: msg('TensorProto'), 6: msg('GraphProto'), 22: msg('SparseTensorProto'), 14: msg('TypeProto'),
    7: 'packed-fixed32', 8: 'packed-varint', 9: 'bytes', 10: msg('TensorProto'), 11: msg('GraphProto'), 23: msg('SparseTensorProto'), 15: msg('TypeProto'),
  },
  ValueInfoProto: { 1: 'bytes', 2: msg('TypeProto'), 3: 'bytes' },
  TrainingInfoProto: { 1: msg('GraphProto'), 2: msg('GraphProto'), 3: msg('StringStringEntryProto'), 4: msg('StringStringEntryProto') },
  StringStringEntryProto: { 1: 'bytes', 2: 'bytes' },
  TensorAnnotation: { 1: 'bytes', 2: msg('StringStringEntryProto') },
  TensorProto: {
    1: 'packed-varint', 2: 'varint', 3: msg('Segment'), 4: 'packed-fixed32', 5: 'packed-varint', 6: 'bytes', 7: 'packed-varint', 8: 'bytes', 12: 'bytes', 9: 'bytes',
    13: msg('StringStringEntryProto'), 14: 'varint', 10: 'packed-fixed64', 11: 'packed-varint',
  },
  Segment: { 1: 'varint', 2: 'varint' },
  SparseTensorProto: { 1: msg('TensorProto'), 2: msg('TensorProto'), 3: 'packed-varint' },
  TensorShapeProto: { 1: msg('Dimension') },
  Dimension: { 1: 'varint', 2: 'bytes', 3: 'bytes' },
  TypeProto: { 1: msg('TypeTensor'), 4: msg('TypeSequence'), 5: msg('TypeMap'), 9: msg('TypeOptional'), 8: msg('TypeSparseTensor'), 6: 'bytes' },
  TypeTensor: { 1: 'varint', 2: msg('TensorShapeProto') },
  TypeSequence: { 1: msg('TypeProto') },
  TypeMap: { 1: 'varint', 2: msg('TypeProto') },
  TypeOptional: { 1: msg('TypeProto') },
  TypeSparseTensor: { 1: 'varint', 2: msg('TensorShapeProto') },
  OperatorSetIdProto: { 1: 'bytes', 2: 'varint' },
  FunctionProto: { 1: 'bytes', 4: 'bytes', 5: 'bytes', 6: 'bytes', 7: msg('NodeProto'), 8: 'bytes', 9: msg('OperatorSetIdProto'), 10: 'bytes' },
};

/** Varints in a packed run: one per byte below 0x80 (every varint ends on such a byte). */
function countVarints(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (buf[i] < 0x80) n++;
  return n;
}

/**
 * Counts what decoding `bytes` as `root` ('ModelProto' or 'TensorProto') would build, and throws
 * ProtobufBoundsError naming `file` as soon as a count passes `limits`. A malformed protobuf is left
 * to the decoder to report (the scan stops where it stops making sense and returns what it counted).
 */
export function checkProtobufBounds(bytes: Uint8Array, root: 'ModelProto' | 'TensorProto', file: string, limits: ProtobufLimits = MODEL_LIMITS): ProtobufCounts {
  const counts: ProtobufCounts = { nodes: 0, messages: 0, values: 0 };
  const refuse = (what: string, limit: number, hint = '') => {
    throw new ProtobufBoundsError(file, `holds more than ${limit.toLocaleString('en-US')} ${what}, more than convspec reads (checked before decoding, so that a small file cannot cost minutes and gigabytes)${hint}`);
  };
  const addValues = (n: number) => {
    counts.values += n;
    if (counts.values > limits.values) refuse('values (strings and numbers)', limits.values, '; store tensor data as raw_data or external data');
  };
  const reader = Reader.create(bytes);
  // An explicit stack of (message type, end offset): no recursion, so no stack overflow on deep nesting.
  const stack: { type: string; end: number }[] = [{ type: root, end: bytes.length }];
  try {
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (reader.pos >= top.end) {
        stack.pop();
        continue;
      }
      const tag = reader.uint32();
      const kind = SCHEMA[top.type][tag >>> 3];
      if (kind === undefined) {
        reader.skipType(tag & 7);
        continue;
      }
      if (typeof kind === 'object') {
        const length = reader.uint32();
        const end = reader.pos + length;
        if (end > top.end) return counts; // truncated: the decoder says so
        counts.messages++;
        if (counts.messages > limits.messages) refuse('protobuf messages', limits.messages);
        if (kind.message === 'NodeProto' && ++counts.nodes > limits.nodes) refuse('nodes', limits.nodes);
        if (stack.length >= limits.depth) refuse(`levels of nested messages`, limits.depth);
        stack.push({ type: kind.message, end });
        continue;
      }
      const packed = kind.startsWith('packed-') && (tag & 7) === 2;
      if (packed) {
        const length = reader.uint32();
        const start = reader.pos;
        reader.skip(length);
        addValues(kind === 'packed-varint' ? countVarints(bytes, start, start + length) : Math.ceil(length / (kind === 'packed-fixed32' ? 4 : 8)));
        continue;
      }
      if (kind === 'bytes') reader.skip(reader.uint32());
      else if (kind === 'fixed32' || kind === 'packed-fixed32') reader.skip(4);
      else if (kind === 'fixed64' || kind === 'packed-fixed64') reader.skip(8);
      else reader.skip(); // a varint
      addValues(1);
    }
  } catch (e) {
    if (e instanceof ProtobufBoundsError) throw e;
    // Out of range or an invalid wire type: malformed, which the decoder reports with its own words.
  }
  return counts;
}
