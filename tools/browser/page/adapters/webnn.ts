/**
 * browser:webnn — WebNN (navigator.ml) conv2d / convTranspose2d, NCHW input, OIHW / IOHW filters,
 * explicit begin/end padding from convspec's attribute resolution. WebNN has 2-D convolutions only
 * and no output_shape (its outputSizes must stay below natural + stride, narrower than ONNX's), so
 * ranks other than 2 and output_shape are declared unsupported.
 *
 * When the browser exposes no WebNN backend (Debian's Chromium 156 on Linux: createContext throws
 * NotSupportedError) the module fails to load and verify exits 2 with the browser's reason.
 * Untested here for that reason: no Chromium on this machine type has a WebNN backend.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../../impl/types';
import type { ImplementationWithSupports } from '../../../../spec/framework/subject';
import { prepare } from '../runtime';

/* eslint-disable @typescript-eslint/no-explicit-any -- WebNN has no TypeScript types in lib.dom yet */
const ml = (navigator as any).ml;
if (!ml) throw new Error('navigator.ml is absent: this browser exposes no WebNN (Chromium needs --enable-features=WebMachineLearningNeuralNetwork)');
let context: any;
try {
  context = await ml.createContext();
} catch (e) {
  throw new Error(`navigator.ml.createContext() failed, so this browser has no WebNN backend here: ${(e as Error).name}: ${(e as Error).message}`);
}
const MLGraphBuilder = (globalThis as any).MLGraphBuilder;

async function run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Promise<Tensor> {
  const g = prepare(op, x, w, b, attrs);
  if (g.rank !== 2) throw new Error(`WebNN has no ${g.rank}-D convolution`);
  const builder = new MLGraphBuilder(context);
  const desc = (t: Tensor) => ({ dataType: 'float32', shape: [...t.dims] });
  const xIn = builder.input('x', desc(x));
  const wIn = builder.constant(desc(w), w.data.slice());
  const options: Record<string, unknown> = {
    padding: [g.padsBegin[0], g.padsEnd[0], g.padsBegin[1], g.padsEnd[1]],
    strides: g.strides,
    dilations: g.dilations,
    groups: g.group,
    inputLayout: 'nchw',
    ...(b ? { bias: builder.constant(desc(b), b.data.slice()) } : {}),
  };
  const y = op === 'Conv'
    ? builder.conv2d(xIn, wIn, { ...options, filterLayout: 'oihw' })
    : builder.convTranspose2d(xIn, wIn, { ...options, filterLayout: 'iohw', outputPadding: g.outputPadding });
  const graph = await builder.build({ y });
  const xt = await context.createTensor({ ...desc(x), writable: true });
  context.writeTensor(xt, x.data);
  const yt = await context.createTensor({ dataType: 'float32', shape: g.outputDims, readable: true });
  context.dispatch(graph, { x: xt }, { y: yt });
  const data = new Float32Array(await context.readTensor(yt));
  for (const t of [xt, yt]) t.destroy?.();
  graph.destroy?.();
  return { dims: g.outputDims, data };
}

const webnn: ImplementationWithSupports = {
  name: `WebNN (navigator.ml, ${context.opSupportLimits?.().preferredInputLayout ?? 'default'} context)`,
  supports: { ranks: [2], outputShape: false, precision: 'float32' },
  conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
  convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
};

export default webnn;
