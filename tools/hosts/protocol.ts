/**
 * The subprocess protocol of `convspec verify --cmd "COMMAND"`: how convspec talks to an
 * implementation written in any language. This text is the normative description; the README repeats
 * it. The protocol is frozen: it may only grow by optional fields.
 *
 * ## Framing
 * One JSON object per line (UTF-8, `\n` terminated), in both directions. convspec writes requests to
 * the program's stdin; the program writes exactly one answer line per request to stdout, in the order
 * the requests came, with the request's `id`. Anything the program writes to stderr goes to the log
 * (convspec's stderr, or the file given with `--log`). convspec sends one request at a time and waits
 * for its answer, so a program may read a line, compute, answer, repeat.
 *
 * ## Tensors
 * `T = {"dims": [1, 2, 3, 3], "data": "<base64>"}`: `dims` in ONNX order (N, C, spatial…), `data` the
 * base64 encoding of the row-major elements as little-endian IEEE float32 (4 bytes each, so the decoded
 * byte length is 4 × the product of dims).
 *
 * Optional `"dtype"`: "float16" | "bfloat16" | "float32" | "float64" (absent: float32). A tensor with
 * a dtype carries that type's little-endian bytes: 2 per element for float16 and bfloat16 (their bit
 * patterns), 8 for float64. convspec sends such tensors only to a program whose describe answer lists
 * the type in `supports.dtypes`; the answer `y` must then carry the same `dtype`.
 *
 * ## Requests
 * - `{"id": 0, "op": "describe"}`, always the first request after the program starts (also after a
 *   restart). Answer `{"id": 0, "name": "my-conv", "supports": {…}}` where `supports` follows
 *   spec/framework/subject.ts `Supports` (e.g. `{"ops": ["Conv"], "ranks": [2], "dilation": false}`);
 *   both fields are optional. An `error` answer, or any answer without these fields, means "supports
 *   everything" (so a program that answers every unknown op with an error needs no describe code).
 * - `{"id": 7, "op": "Conv" | "ConvTranspose", "attrs": {…}, "x": T, "w": T, "b": T | null}`: `attrs`
 *   uses the ONNX attribute names verbatim (auto_pad, dilations, group, kernel_shape, pads, strides,
 *   output_padding, output_shape); an absent attribute takes its ONNX default. `b` is null when there
 *   is no bias.
 *
 * ## Answers
 * - `{"id": 7, "y": T}` — the result.
 * - `{"id": 7, "error": "message"}` — the program refuses the case (e.g. invalid attributes). On a
 *   valid, supported case this is a failure; on an invalid case it is the expected behaviour.
 *
 * ## Failures convspec reports (and then restarts the program)
 * An answer that is not one JSON object, carries the wrong id, or is neither `y` nor `error`; a `y`
 * whose data is not valid base64 of 4 × product(dims) bytes; no answer within the per-case time limit
 * (`--timeout`, the program is killed); the program exiting. The case in flight is reported as failed
 * with the reason, and the run goes on with a fresh process.
 */
import { bytesToStorage, DTYPE_FORMATS, isDType, storageToBytes } from '../../impl/dtype';
import type { AnyTensor, ConvTransposeAttributes, DType, OpName, Tensor } from '../../impl/types';
import type { Supports } from '../../spec/framework/subject';

/** A tensor on the wire: dims plus base64 of little-endian data of its dtype (absent: float32). */
export interface WireTensor {
  dims: number[];
  data: string;
  dtype?: DType;
}

export interface DescribeRequest {
  id: 0;
  op: 'describe';
}

export interface ComputeRequest {
  id: number;
  op: OpName;
  attrs: ConvTransposeAttributes;
  x: WireTensor;
  w: WireTensor;
  b: WireTensor | null;
}

export type Request = DescribeRequest | ComputeRequest;

export interface DescribeAnswer {
  id: 0;
  name?: string;
  supports?: Supports;
  error?: string;
}

export type ComputeAnswer = { id: number; y: WireTensor } | { id: number; error: string };

/** Base64 of `bytes` (a view on them, no copy). */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes a tensor for the wire (little-endian whatever the host order); float32 exactly as before. */
export function encodeWireTensor(t: Tensor | AnyTensor): WireTensor {
  if (t.dtype !== undefined && t.dtype !== 'float32') {
    return { dims: [...t.dims], data: base64(storageToBytes(t.dtype, t.data)), dtype: t.dtype };
  }
  let bytes: Buffer;
  if (littleEndian) {
    bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  } else {
    bytes = Buffer.alloc(t.data.length * 4);
    for (let i = 0; i < t.data.length; i++) bytes.writeFloatLE(t.data[i], i * 4);
  }
  return { dims: [...t.dims], data: bytes.toString('base64') };
}

/** Thrown when a program's answer breaks the protocol; the message says how. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a wire tensor, strictly: dims must be non-negative safe integers, data valid base64 whose
 * byte length is exactly 4 × product(dims). Throws ProtocolError naming what is wrong.
 */
export function decodeWireTensor(value: unknown, what = 'y'): Tensor {
  if (value === null || typeof value !== 'object') throw new ProtocolError(`${what} is not an object {dims, data}`);
  const { dims, data } = value as Record<string, unknown>;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new ProtocolError(`${what}.dims is not an array of non-negative integers: ${JSON.stringify(dims)}`);
  }
  if (typeof data !== 'string') throw new ProtocolError(`${what}.data is not a base64 string`);
  const dtype = (value as Record<string, unknown>).dtype;
  if (dtype !== undefined && !isDType(dtype)) throw new ProtocolError(`${what}.dtype is ${JSON.stringify(dtype)}, not one of float16, bfloat16, float32, float64`);
  const compact = data.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) throw new ProtocolError(`${what}.data is not valid base64`);
  const count = (dims as number[]).reduce((a, d) => a * d, 1);
  const bytes = Buffer.from(compact, 'base64');
  if (dtype !== undefined && dtype !== 'float32') {
    const size = DTYPE_FORMATS[dtype].bytes;
    if (bytes.length !== count * size) throw new ProtocolError(`${what}.data has ${bytes.length} bytes; dims ${JSON.stringify(dims)} need ${count * size} (${dtype})`);
    // A typed result travels as a Tensor (the subject channel's type); the dtype clauses read it by its dtype.
    return { dims: dims as number[], data: bytesToStorage(dtype, bytes), dtype } as unknown as Tensor;
  }
  if (bytes.length !== count * 4) {
    throw new ProtocolError(`${what}.data has ${bytes.length} bytes; dims ${JSON.stringify(dims)} need ${count * 4} (float32)`);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE(i * 4);
  return { dims: dims as number[], data: out };
}

/** The request line for one case (without the trailing newline). */
export function computeRequestLine(id: number, op: OpName, x: Tensor | AnyTensor, w: Tensor | AnyTensor, b: Tensor | AnyTensor | undefined, attrs: ConvTransposeAttributes): string {
  const request: ComputeRequest = { id, op, attrs: attrs ?? {}, x: encodeWireTensor(x), w: encodeWireTensor(w), b: b ? encodeWireTensor(b) : null };
  return JSON.stringify(request);
}

/**
 * Parses one answer line for request `id`: returns the result tensor, or throws an Error carrying the
 * program's own message for an `error` answer (`refused` true), or a ProtocolError when the line breaks
 * the protocol.
 */
export function parseComputeAnswer(line: string, id: number): Tensor {
  let answer: unknown;
  try {
    answer = JSON.parse(line);
  } catch {
    throw new ProtocolError(`answer to request ${id} is not JSON: ${truncate(line)}`);
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new ProtocolError(`answer to request ${id} is not a JSON object: ${truncate(line)}`);
  }
  const a = answer as Record<string, unknown>;
  if (a.id !== id) throw new ProtocolError(`answer carries id ${JSON.stringify(a.id)}, expected ${id} (answers must come in request order)`);
  if ('error' in a && a.error !== undefined && a.error !== null) throw new ProgramError(String(a.error));
  if (!('y' in a)) throw new ProtocolError(`answer to request ${id} has neither "y" nor "error"`);
  return decodeWireTensor(a.y);
}

/** The program answered `{"error": …}`: it refused the case. */
export class ProgramError extends Error {
  override readonly name = 'ProgramError';
}

/**
 * Reads a describe answer. An error answer, or one without `supports`, means "supports everything"; a
 * `supports` that is present is returned as given, so a malformed one (a string, an array) is refused
 * by sanitizeSupports instead of silently widening the declaration.
 */
export function parseDescribeAnswer(line: string): { name?: string; supports: unknown } {
  let a: unknown;
  try {
    a = JSON.parse(line);
  } catch {
    return { supports: {} };
  }
  if (!a || typeof a !== 'object' || Array.isArray(a)) return { supports: {} };
  const o = a as Record<string, unknown>;
  if (o.id !== 0 || o.error !== undefined) return { supports: {} };
  return { name: typeof o.name === 'string' ? o.name : undefined, supports: o.supports ?? {} };
}

function truncate(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}
