/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) as a convspec Implementation: each call
 * builds the one-node ONNX model for the op and its attributes (tools/onnx/model.ts) and runs it.
 * Sessions are cached by (op, attributes, input dims) because creating one costs far more than
 * running a small convolution. Graph optimisation is off and one intra-op thread is used by default:
 * ORT's results move with both settings (see ../shared facts), and fixtures are generated this way.
 *
 * `convspec verify` with no target loads this module's default export.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { resolve as resolveGeometry } from '../../impl/resolve';
import { isConvSpecError } from '../../impl/errors';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports, Supports } from '../../spec/framework/subject';
import { buildModel, OPSET } from '../onnx/model';
import { requireRuntime } from './runtimePackages';

// onnxruntime-node 1.30 on Linux records telemetry for every session it creates: an SQLite database
// under ~/.cache/Microsoft/DeveloperTools/.onnxruntime, written and fsynced from the adapter's process,
// about 2 CPU-s of a 12-s `verify --target ort` (thousands of sessions), plus upload attempts. A
// conformance run has no use for it; a user who wants it sets ORT_DISABLE_TELEMETRY themselves (read
// by the native library when it starts, so before it is loaded).
if (process.env.ORT_DISABLE_TELEMETRY === undefined) process.env.ORT_DISABLE_TELEMETRY = '1';

// From the user's project first, then convspec's own dependency (runtimePackages.ts); one instance for
// every onnxruntime-node adapter, since the native binding must not be loaded twice.
const loaded = requireRuntime<typeof Ort>('onnxruntime-node');
/** onnxruntime-node as this process loaded it. */
export const ort: typeof Ort = loaded.module;
/** The onnxruntime-node version in use (read from its package, so an upgrade shows in fixtures' provenance). */
export const ORT_VERSION: string = loaded.pkg.version;

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'layout' | 'all';

export interface OnnxRuntimeOptions {
  /** Default 'disabled': the setting fixtures are generated with. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Default 1. */
  intraOpNumThreads?: number;
  /** Most sessions kept open; the least recently used is released beyond it. Default 64. */
  maxCachedSessions?: number;
  /**
   * W and B as constant initializers of each model instead of inputs (default false). Only then can
   * the graph optimizer pre-pack the weights, which is what routes 2-D Conv to the NCHWc kernels; every
   * call then builds its own session (nothing to cache: the weights are part of the model).
   */
  constantWeights?: boolean;
  /**
   * ONNX Runtime's intra-op threads spin while waiting for work (default true). On a small shared
   * machine spinning threads starve everything else: set false (session.intra_op.allow_spinning "0").
   */
  allowSpinning?: boolean;
}

/**
 * What ONNX Runtime's CPU provider accepts (probed on 1.30, see spec/AMBIGUITIES.md): both ops, any
 * spatial rank (1–5 probed), every auto_pad, groups, dilation, stride, output_padding, output_shape,
 * bias, batch; float32 accumulation. Conv auto_pad SAME_* with dilation > 1 is rejected ("Dilation
 * not supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER", onnxruntime#20582);
 * ConvTranspose accepts it.
 */
export const ORT_SUPPORTS: Supports = {
  ops: ['Conv', 'ConvTranspose'],
  sameWithDilation: ['ConvTranspose'],
  precision: 'float32',
};

export interface OnnxRuntimeImplementation extends ImplementationWithSupports {
  supports: Supports;
  /** The settings the sessions use, for provenance. */
  readonly settings: Required<Omit<OnnxRuntimeOptions, 'maxCachedSessions'>> & { version: string; opset: number };
  /**
   * The nodes ONNX Runtime runs for this case after its graph optimizer, as `domain:op_type` (the
   * default domain as ''), read back from the optimized model ORT writes (session option
   * optimizedModelFilePath). This is how a test proves which kernels a setting reaches: with
   * constant weights and level 'all', a 2-D Conv that ORT moved to its NCHWc kernels shows
   * `com.microsoft.nchwc:Conv` between ReorderInput and ReorderOutput.
   */
  optimizedNodes(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<string[]>;
  /** Runs one case; the Implementation methods call this. */
  run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor>;
  /** Releases every cached session. */
  close(): Promise<void>;
}

/** Turns anything ORT throws into an Error that keeps ORT's message. */
function asError(e: unknown, what: string): Error {
  if (e instanceof Error) return e;
  return new Error(`${what}: ${typeof e === 'string' ? e : JSON.stringify(e)}`);
}

function cacheKey(op: OpName, attrs: object, x: Tensor, w: Tensor, b: Tensor | undefined): string {
  const sorted = Object.keys(attrs)
    .sort()
    .map((k) => [k, (attrs as Record<string, unknown>)[k]]);
  return JSON.stringify([op, sorted, x.dims, w.dims, b ? b.dims : null]);
}

/**
 * Refuses, before ORT allocates anything, a case whose tensors or work exceed convspec's size caps.
 * Every other validation is left to ORT, whose own answer (result or error) is what is being verified.
 */
function checkSizeCaps(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): void {
  try {
    resolveGeometry(op, x?.dims, w?.dims, attrs, b?.dims);
  } catch (e) {
    if (isConvSpecError(e) && e.code === 'SIZE_LIMIT') throw e;
  }
}

/** Creates an ONNX Runtime adapter with its own session cache. */
export function createOnnxRuntime(options: OnnxRuntimeOptions = {}): OnnxRuntimeImplementation {
  const graphOptimizationLevel = options.graphOptimizationLevel ?? 'disabled';
  const intraOpNumThreads = options.intraOpNumThreads ?? 1;
  const maxCached = options.maxCachedSessions ?? 64;
  const constantWeights = options.constantWeights ?? false;
  const allowSpinning = options.allowSpinning ?? true;
  const sessions = new Map<string, Promise<Ort.InferenceSession>>();
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel,
    intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // No CPU memory arena: an arena keeps its largest allocation for the session's life, and up to
    // maxCached sessions stay open, so the scale tier's cases (unfolded buffers of hundreds of MB)
    // held 2.5–3.0 GB in a default verify; without it 1.2–1.3 GB, in the same time (2026-12-07).
    enableCpuMemArena: false,
    executionProviders: ['cpu'],
    logSeverityLevel: 4, // ORT's errors come back as thrown Errors; do not print them twice
    ...(allowSpinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  };

  async function session(key: string, op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) {
    const hit = sessions.get(key);
    if (hit) {
      sessions.delete(key); // re-insert: Map order is the LRU order
      sessions.set(key, hit);
      return hit;
    }
    const model = buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims });
    const created = ort.InferenceSession.create(model, sessionOptions);
    sessions.set(key, created);
    // A failed creation is not cached: the next call gets ORT's error afresh.
    created.catch(() => sessions.delete(key));
    while (sessions.size > maxCached) {
      const [oldKey, old] = sessions.entries().next().value as [string, Promise<Ort.InferenceSession>];
      sessions.delete(oldKey);
      old.then((s) => s.release()).catch(() => undefined);
    }
    return created;
  }

  async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes = {}): Promise<Tensor> {
    checkSizeCaps(op, x, w, b, attrs);
    if (constantWeights) return runWithConstantWeights(op, x, w, b, attrs);
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      const s = await session(cacheKey(op, attrs, x, w, b), op, x, w, b, attrs);
      const feeds: Record<string, Ort.Tensor> = {
        X: new ort.Tensor('float32', x.data, x.dims),
        W: new ort.Tensor('float32', w.data, w.dims),
      };
      if (b) feeds.B = new ort.Tensor('float32', b.data, b.dims);
      result = await s.run(feeds, { logSeverityLevel: 4 });
    } catch (e) {
      throw asError(e, `onnxruntime ${op}`);
    }
    const y = result.Y as Ort.Tensor;
    // Copy out of ORT's buffer so the caller owns the data.
    return { dims: [...y.dims], data: Float32Array.from(y.data as Float32Array) };
  }

  /** One session per call: the weights are baked into the model. */
  async function runWithConstantWeights(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor> {
    let s: Ort.InferenceSession | undefined;
    try {
      const model = buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims, constants: { w, b } });
      s = await ort.InferenceSession.create(model, sessionOptions);
      const result = await s.run({ X: new ort.Tensor('float32', x.data, x.dims) }, { logSeverityLevel: 4 });
      const y = result.Y as Ort.Tensor;
      return { dims: [...y.dims], data: Float32Array.from(y.data as Float32Array) };
    } catch (e) {
      throw asError(e, `onnxruntime ${op}`);
    } finally {
      await s?.release().catch(() => undefined);
    }
  }

  async function optimizedNodes(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<string[]> {
    checkSizeCaps(op, x, w, b, attrs);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convspec-ort-'));
    const file = path.join(dir, 'optimized.onnx');
    try {
      const model = buildModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims, ...(constantWeights ? { constants: { w, b } } : {}) });
      const s = await ort.InferenceSession.create(model, { ...sessionOptions, optimizedModelFilePath: file });
      await s.release();
      const written = onnx.ModelProto.decode(fs.readFileSync(file));
      return (written.graph?.node ?? []).map((n) => `${n.domain ?? ''}:${n.opType ?? ''}`);
    } catch (e) {
      throw asError(e, `onnxruntime ${op}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const details = [
    `opt ${graphOptimizationLevel}`,
    `${intraOpNumThreads} thread${intraOpNumThreads === 1 ? '' : 's'}`,
    ...(constantWeights ? ['W/B constant initializers'] : []),
    ...(allowSpinning ? [] : ['no spinning']),
  ];
  return {
    name: `onnxruntime-node ${ORT_VERSION} (CPU, ${details.join(', ')})`,
    supports: ORT_SUPPORTS,
    settings: { graphOptimizationLevel, intraOpNumThreads, constantWeights, allowSpinning, version: ORT_VERSION, opset: OPSET },
    run,
    optimizedNodes,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
    close: () => releaseSessions(sessions),
  };
}

/** Empties a session cache and releases every session in it (those whose creation failed are skipped). */
export async function releaseSessions(sessions: Map<string, Promise<Ort.InferenceSession>>): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
}

/** The bundled ORT adapter with the fixture settings (optimisation disabled, one thread). */
export const onnxruntime: OnnxRuntimeImplementation = createOnnxRuntime();
export default onnxruntime;
