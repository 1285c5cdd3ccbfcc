/**
 * ONNX backend-test folders (`model.onnx` + `test_data_set_N/input_K.pb, output_K.pb`), as the ONNX
 * repository, Debian's libonnx-testdata and convspec's own fixtures lay them out. A folder whose
 * model is one Conv or ConvTranspose node is read into what the reference needs: the attributes from
 * the node, X/W/B each from a graph input (fed by an input_K.pb) or an initializer, and the output
 * file that holds the node's output. Anything else is "not convolution", with the reason.
 * Every file goes through readRegularFile (tools/io/files.ts: regular files only, size checked before decoding).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { readRegularFile } from '../io/files';
import { checkProtobufBounds, ProtobufBoundsError } from './protobufBounds';
import { decodeTensor, FLOAT, tensorFromMessage } from './tensorProto';

export const MODEL_FILE = 'model.onnx';
/** Largest model.onnx read (a one-node model with its weights as initializers). */
export const MAX_MODEL_BYTES = 64 * 2 ** 20;
/** Largest input/output TensorProto read. */
export const MAX_TENSOR_BYTES = 256 * 2 ** 20;
const DATA_SET = /^test_data_set_(\d+)$/;
const INPUT_FILE = /^input_(\d+)\.pb$/;
/** Folder levels below the given path that discovery descends. */
export const MAX_DEPTH = 12;
/** Folders discovery visits at most (a runaway tree is reported, not walked forever). */
export const MAX_FOLDERS = 200_000;

/** A test folder that cannot be judged although it looks like a convolution test: names the file. */
export class TestFolderError extends Error {
  override readonly name = 'TestFolderError';
}

/**
 * Every test folder (one holding model.onnx) at or below `root`, sorted, as paths relative to
 * `root` ('' for root itself). Symbolic links to folders are not followed (no cycles), and test
 * folders are not searched further.
 */
export function findTestFolders(root: string): string[] {
  const found: string[] = [];
  let visited = 0;
  const walk = (rel: string, depth: number) => {
    if (++visited > MAX_FOLDERS) throw new TestFolderError(`${root}: more than ${MAX_FOLDERS} folders; point at a smaller tree`);
    const dir = path.join(root, rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new TestFolderError(`${dir}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (entries.some((e) => e.name === MODEL_FILE && !e.isDirectory())) {
      found.push(rel);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      walk(rel ? `${rel}/${e.name}` : e.name, depth + 1);
    }
  };
  walk('', 0);
  return found;
}

export interface ConvTest {
  kind: 'conv';
  folder: string;
  op: OpName;
  attrs: ConvTransposeAttributes;
  opset?: number;
  /** Graph inputs not given by an initializer, in order: what input_0.pb, input_1.pb, … feed. */
  feeds: string[];
  /** Node inputs X, W and (when present) B. */
  x: string;
  w: string;
  b?: string;
  initializers: Map<string, Tensor>;
  /** output_K.pb with K the node output's position among the graph outputs. */
  outputFile: string;
  /** test_data_set_N folder names, by N. */
  dataSets: string[];
}

export interface NotJudged {
  kind: 'skip';
  folder: string;
  /** Short reason, used to count skips ('not convolution', 'not float32'). */
  reason: string;
  detail: string;
}

const AttrType = onnx.AttributeProto.AttributeType;
const typeName = (t: number) => onnx.TensorProto.DataType[t] ?? `type ${t}`;

function decodeModel(bytes: Uint8Array, file: string): onnx.ModelProto {
  try {
    checkProtobufBounds(bytes, 'ModelProto', file);
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    if (e instanceof ProtobufBoundsError) throw new TestFolderError(e.message);
    throw new TestFolderError(`${file}: not a valid ONNX ModelProto (${(e as Error).message})`);
  }
}

/** The attributes of a Conv or ConvTranspose node, verbatim (no defaults filled in); TestFolderError for a type those operators never take. */
export function nodeAttributes(node: onnx.NodeProto, file: string): ConvTransposeAttributes {
  const attrs: Record<string, unknown> = {};
  for (const a of node.attribute as onnx.AttributeProto[]) {
    if (a.type === AttrType.STRING) attrs[a.name] = new TextDecoder().decode(a.s);
    else if (a.type === AttrType.INT) attrs[a.name] = Number(String(a.i));
    else if (a.type === AttrType.INTS) attrs[a.name] = a.ints.map((v) => Number(String(v)));
    else throw new TestFolderError(`${file}: attribute ${a.name} has type ${AttrType[a.type] ?? a.type}; Conv and ConvTranspose take integers, integer lists and strings`);
  }
  return attrs as ConvTransposeAttributes;
}

/**
 * Reads `folder`/model.onnx: a ConvTest when it is one float32 Conv/ConvTranspose node, a NotJudged
 * with the reason otherwise. Throws TestFolderError when the model cannot be read at all.
 */
export function readTestModel(folder: string): ConvTest | NotJudged {
  const file = path.join(folder, MODEL_FILE);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_MODEL_BYTES, 'the model');
  } catch (e) {
    throw new TestFolderError((e as Error).message);
  }
  const model = decodeModel(bytes, file);
  const graph = model.graph;
  const skip = (reason: string, detail: string): NotJudged => ({ kind: 'skip', folder, reason, detail });
  if (!graph) return skip('not convolution', 'the model has no graph');
  const nodes = graph.node as onnx.NodeProto[];
  if (nodes.length !== 1) {
    const ops = [...new Set(nodes.map((n) => n.opType))].slice(0, 4).join(', ');
    return skip('not convolution', `${nodes.length} nodes${ops ? ` (${ops})` : ''}, not one Conv or ConvTranspose`);
  }
  const node = nodes[0];
  if ((node.opType !== 'Conv' && node.opType !== 'ConvTranspose') || (node.domain !== '' && node.domain !== 'ai.onnx')) {
    return skip('not convolution', `one ${node.domain ? `${node.domain}.` : ''}${node.opType} node`);
  }
  const op = node.opType as OpName;
  const attrs = nodeAttributes(node, file);
  const inits = new Map<string, onnx.TensorProto>();
  for (const t of graph.initializer as onnx.TensorProto[]) inits.set(t.name, t);
  const graphInputs = graph.input as onnx.ValueInfoProto[];
  const feeds = graphInputs.map((i) => i.name).filter((n) => !inits.has(n));
  const [x, w, b] = [node.input[0], node.input[1], node.input[2] || undefined];
  if (!x || !w) throw new TestFolderError(`${file}: the ${op} node has ${node.input.length} inputs; it needs X and W`);
  if (node.input.length > 3) throw new TestFolderError(`${file}: the ${op} node has ${node.input.length} inputs; ${op} takes X, W and optional B`);
  // Element types: only float32 tensors are judged here.
  for (const name of [x, w, ...(b ? [b] : [])]) {
    const init = inits.get(name);
    const input = graphInputs.find((i) => i.name === name);
    const elemType = init ? init.dataType : input?.type?.tensorType?.elemType;
    if (init === undefined && input === undefined) throw new TestFolderError(`${file}: node input ${JSON.stringify(name)} is neither a graph input nor an initializer`);
    if (elemType !== undefined && elemType !== null && elemType !== FLOAT) return skip('not float32', `${op} on ${typeName(elemType)} tensors (only float32 is judged)`);
  }
  const initializers = new Map<string, Tensor>();
  for (const name of [x, w, b]) {
    const init = name ? inits.get(name) : undefined;
    if (name && init) {
      try {
        const t = tensorFromMessage(init, `${file} (initializer ${name})`);
        initializers.set(name, { dims: t.dims, data: t.data });
      } catch (e) {
        throw new TestFolderError((e as Error).message);
      }
    }
  }
  const outputs = (graph.output as onnx.ValueInfoProto[]).map((o) => o.name);
  const k = outputs.indexOf(node.output[0]);
  if (k < 0) throw new TestFolderError(`${file}: the node's output ${JSON.stringify(node.output[0])} is not a graph output`);
  const opsetValue = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const dataSets = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory() && DATA_SET.test(d.name))
    .map((d) => d.name)
    .sort((p, q) => Number(DATA_SET.exec(p)![1]) - Number(DATA_SET.exec(q)![1]));
  return {
    kind: 'conv',
    folder,
    op,
    attrs,
    ...(opsetValue !== undefined && opsetValue !== null ? { opset: Number(String(opsetValue)) } : {}),
    feeds,
    x,
    w,
    ...(b ? { b } : {}),
    initializers,
    outputFile: `output_${k}.pb`,
    dataSets,
  };
}

export interface DataSetInputs {
  x: Tensor;
  w: Tensor;
  b?: Tensor;
}

function readTensor(file: string): Tensor & { name: string } {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_TENSOR_BYTES, 'the tensor');
  } catch (e) {
    throw new TestFolderError((e as Error).message);
  }
  try {
    checkProtobufBounds(bytes, 'TensorProto', file);
    return decodeTensor(bytes, file);
  } catch (e) {
    throw new TestFolderError((e as Error).message);
  }
}

/**
 * X, W and B of one data set: input_K.pb feeds the K-th graph input that is not an initializer
 * (or, when the file's tensor names a graph input, that one), the rest come from initializers.
 */
export function readDataSetInputs(test: ConvTest, dataSet: string): DataSetInputs {
  const dir = path.join(test.folder, dataSet);
  const files = fs
    .readdirSync(dir)
    .filter((f) => INPUT_FILE.test(f))
    .sort((p, q) => Number(INPUT_FILE.exec(p)![1]) - Number(INPUT_FILE.exec(q)![1]));
  files.forEach((f, i) => {
    if (f !== `input_${i}.pb`) throw new TestFolderError(`${dir}: input files are not numbered 0, 1, …: found ${f} at position ${i}`);
  });
  if (files.length > test.feeds.length) throw new TestFolderError(`${dir}: ${files.length} input files for ${test.feeds.length} graph inputs (${test.feeds.join(', ')})`);
  const fed = new Map<string, Tensor>();
  files.forEach((f, i) => {
    const t = readTensor(path.join(dir, f));
    const name = t.name && test.feeds.includes(t.name) ? t.name : test.feeds[i];
    if (fed.has(name)) throw new TestFolderError(`${path.join(dir, f)}: feeds ${name}, which another input file already feeds`);
    fed.set(name, { dims: t.dims, data: t.data });
  });
  const get = (name: string, role: string): Tensor => {
    const t = fed.get(name) ?? test.initializers.get(name);
    if (!t) throw new TestFolderError(`${dir}: no input file and no initializer gives ${role} (${JSON.stringify(name)})`);
    return t;
  };
  return { x: get(test.x, 'X'), w: get(test.w, 'W'), ...(test.b ? { b: get(test.b, 'B') } : {}) };
}

/** The output tensor of a data set from `outputFolder` (the test folder itself, or where an implementation wrote it); undefined when the file is absent. */
export function readDataSetOutput(test: ConvTest, outputFolder: string, dataSet: string): { file: string; y?: Tensor } {
  const file = path.join(outputFolder, dataSet, test.outputFile);
  try {
    fs.lstatSync(file);
  } catch {
    return { file };
  }
  const t = readTensor(file);
  return { file, y: { dims: t.dims, data: t.data } };
}
