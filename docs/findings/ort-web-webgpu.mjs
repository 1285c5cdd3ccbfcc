// Minimal reproduction for docs/FINDINGS.md: onnxruntime-web's WebGPU EP on one-node Conv /
// ConvTranspose models (opset 21, W as a graph input), with ORT's own API. Run it inside the harness
// page, where 'onnxruntime-web/webgpu' and the model builder are available:
//   npx convspec verify --browser docs/findings/ort-web-webgpu.mjs --clause conv.numeric.withinBound --runs 1
// prints the outputs on the adapter log (stderr) before verifying the tiny wrapper exported below.
import * as ort from 'onnxruntime-web/webgpu';
import { onnxModel, packageUrl } from 'convspec/browser';

ort.env.wasm.wasmPaths = packageUrl('onnxruntime-web/dist/');
ort.env.wasm.numThreads = 1;
const x2 = [-0.9342831373214722, -1.9986810684204102];
const w4 = [0.7570903897285461, -0.5977759957313538, 1.223637580871582, -1.9613643884658813];

async function run(op, attrs, x, w) {
  const model = await onnxModel({ op, attrs, xDims: x.dims, wDims: w.dims, opset: 21 });
  const s = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] });
  const y = (await s.run({ X: new ort.Tensor('float32', Float32Array.from(x.data), x.dims), W: new ort.Tensor('float32', Float32Array.from(w.data), w.dims) })).Y;
  return Array.from(await y.getData());
}

const cases = [
  // grouped 1-D Conv, 1 input and 2 output channels per group: y = [x0·w0, x0·w1, x1·w2, x1·w3]
  ['Conv', { group: 2 }, { dims: [1, 2, 1], data: x2 }, { dims: [4, 1, 1], data: w4 }, [x2[0] * w4[0], x2[0] * w4[1], x2[1] * w4[2], x2[1] * w4[3]]],
  // grouped 2-D ConvTranspose, 2 input and 1 output channel per group: y = [x0·w0 + x1·w1, x2·w2 + x3·w3]
  ['ConvTranspose', { group: 2 }, { dims: [1, 4, 1, 1], data: [...x2, ...x2] }, { dims: [4, 1, 1, 1], data: w4 }, [x2[0] * w4[0] + x2[1] * w4[1], x2[0] * w4[2] + x2[1] * w4[3]]],
  // grouped 1-D ConvTranspose, 1 input and 2 output channels per group: y = [x0·w0, x0·w1, x1·w2, x1·w3]
  ['ConvTranspose', { group: 2 }, { dims: [1, 2, 1], data: x2 }, { dims: [2, 2, 1], data: w4 }, [x2[0] * w4[0], x2[0] * w4[1], x2[1] * w4[2], x2[1] * w4[3]]],
  // 1-D Conv, kernel 2, dilation 2, pads [0, 1]: y = [x0·w0 + 0·w1]
  ['Conv', { dilations: [2], pads: [0, 1] }, { dims: [1, 1, 2], data: x2 }, { dims: [1, 1, 2], data: w4.slice(0, 2) }, [x2[0] * w4[0]]],
  // the same with the zero-dilated kernel [w0, 0, w1], dilation 1: y = [x0·w0 + x1·0 + 0·w1]
  ['Conv', { pads: [0, 1] }, { dims: [1, 1, 2], data: x2 }, { dims: [1, 1, 3], data: [w4[0], 0, w4[1]] }, [x2[0] * w4[0]]],
];
for (const [op, attrs, x, w, expected] of cases) {
  try {
    console.warn(`${op} ${JSON.stringify(attrs)} x ${JSON.stringify(x.dims)} w ${JSON.stringify(w.dims)}: actual ${JSON.stringify(await run(op, attrs, x, w))} expected ${JSON.stringify(expected)}`);
  } catch (e) {
    console.warn(`${op} ${JSON.stringify(attrs)}: threw ${e.message}`);
  }
}

export default { name: 'ort-web-webgpu reproduction (prints to the adapter log)', supports: { ops: ['Conv'], ranks: [2] }, conv: () => { throw new Error('reproduction only'); } };
