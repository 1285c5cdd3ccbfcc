/**
 * ONNX Runtime Web in the page. Sessions are cached by (op, attributes, input dims), W and B are
 * graph inputs. For a GPU execution provider the adapter checks where ORT placed the node (ORT logs
 * its node placement at verbose level while creating a session): a node that fell back to the CPU EP
 * makes the call throw, so a silent CPU fallback is never a pass of a GPU target.
 */
import type * as Ort from 'onnxruntime-web';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../../impl/types';
import type { ImplementationWithSupports, Supports } from '../../../../spec/framework/subject';
import { onnxModel, packageUrl } from '../runtime';

type OrtModule = typeof Ort;

export interface OrtPageOptions {
  ep: 'wasm' | 'webgpu';
  /** The EP name ORT logs for nodes it placed on the requested provider. */
  epLogName?: string;
  opset?: number;
  name: string;
  supports: Supports;
}

const PLACED = /placed on \[(\w+)\]/g;

/**
 * Sessions kept alive. A full run makes about 1 600 configurations; 128 kept (least recently used
 * dropped first) create 1 900 sessions in a full browser:ort-web-webgpu run where 32 created 2 500.
 * Each holds a one-node graph and no weights (W and B are graph inputs).
 */
const MAX_SESSIONS = 128;

/**
 * ORT's WebAssembly module binds console.log once, when it is instantiated (during the first session),
 * so the capture must be in place before that and stay: every console line goes to `sink` while a
 * session is being created. Nothing is forwarded otherwise: at verbose level ORT prints every shader
 * it compiles, which would flood the adapter log.
 */
let sink: string[] | undefined;
function installCapture(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const line = args.map(String).join(' ');
      if (sink) sink.push(line);
      else if (/^(?!\d{4}-\d\d-\d\d )/.test(line) && !line.startsWith('===') && method === 'warn') original(...args);
    };
  }
}

/** Runs `create` while collecting console output, then returns the providers ORT logged nodes as placed on. */
async function withPlacement<T>(create: () => Promise<T>): Promise<{ value: T; providers: string[]; lines: string[] }> {
  const lines: string[] = [];
  sink = lines;
  try {
    const value = await create();
    const providers = [...new Set(lines.flatMap((l) => [...l.matchAll(PLACED)].map((m) => m[1])))];
    return { value, providers, lines };
  } finally {
    sink = undefined;
  }
}

export function ortInPage(ort: OrtModule, options: OrtPageOptions): ImplementationWithSupports & { warmUp(): Promise<void> } {
  ort.env.wasm.wasmPaths = packageUrl('onnxruntime-web/dist/');
  ort.env.wasm.numThreads = 1;
  const checkPlacement = options.ep !== 'wasm';
  if (checkPlacement) {
    ort.env.logLevel = 'verbose';
    installCapture();
  }
  const sessions = new Map<string, Promise<Ort.InferenceSession>>();

  async function session(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Ort.InferenceSession> {
    const key = JSON.stringify([op, Object.entries(attrs).sort(), x.dims, w.dims, b?.dims ?? null]);
    let s = sessions.get(key);
    if (s) {
      // Least recently used goes first: the property clauses come back to a configuration several
      // calls later (x₁, x₂, then αx₁ + x₂), and a session created again costs a model and its setup.
      sessions.delete(key);
      sessions.set(key, s);
    } else {
      s = (async () => {
        const model = await onnxModel({ op, attrs, xDims: x.dims, wDims: w.dims, bDims: b?.dims, opset: options.opset });
        const create = () => ort.InferenceSession.create(model, {
          executionProviders: [options.ep],
          graphOptimizationLevel: 'disabled',
          logSeverityLevel: checkPlacement ? 0 : 4,
          logVerbosityLevel: 0,
        });
        if (!checkPlacement) return create();
        const { value, providers, lines } = await withPlacement(create);
        const wanted = options.epLogName ?? '';
        if (providers.length === 0) {
          await value.release();
          throw new Error(`could not confirm where ONNX Runtime placed the ${op} node (no placement in its log)`);
        }
        if (providers.some((p) => p !== wanted)) {
          await value.release();
          throw new Error(`ONNX Runtime placed the ${op} node on ${providers.join(', ')}, not ${wanted}: a CPU fallback is not a result of the ${options.ep} EP`);
        }
        return value;
      })();
      sessions.set(key, s);
      s.catch(() => sessions.delete(key));
      while (sessions.size > MAX_SESSIONS) {
        const [oldKey, old] = sessions.entries().next().value as [string, Promise<Ort.InferenceSession>];
        sessions.delete(oldKey);
        old.then((o) => o.release()).catch(() => undefined);
      }
    }
    return s;
  }

  async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes = {}): Promise<Tensor> {
    try {
      const s = await session(op, x, w, b, attrs);
      const feeds: Record<string, Ort.Tensor> = { X: new ort.Tensor('float32', x.data, x.dims), W: new ort.Tensor('float32', w.data, w.dims) };
      if (b) feeds.B = new ort.Tensor('float32', b.data, b.dims);
      const y = (await s.run(feeds)).Y as Ort.Tensor;
      const data = y.location === 'cpu' ? (y.data as Float32Array) : ((await y.getData()) as Float32Array);
      return { dims: [...y.dims], data: Float32Array.from(data) };
    } catch (e) {
      throw e instanceof Error ? e : new Error(`onnxruntime-web ${op}: ${typeof e === 'string' ? e : JSON.stringify(e)}`);
    }
  }

  return {
    name: options.name,
    supports: options.supports,
    /** One tiny Conv, so that compiling ORT's WebAssembly and starting a GPU device (seconds each on a busy machine or a software adapter) happen while loading, not in the first case's time limit. */
    async warmUp() {
      const one = { dims: [1, 1, 1, 1], data: new Float32Array([1]) };
      await run('Conv', one, one, undefined, {});
    },
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
}

/** What ONNX Runtime's CPU kernels accept (as tools/adapters/onnxruntime.ts ORT_SUPPORTS). */
export const ORT_CPU_SUPPORTS: Supports = { ops: ['Conv', 'ConvTranspose'], sameWithDilation: ['ConvTranspose'], precision: 'float32' };
