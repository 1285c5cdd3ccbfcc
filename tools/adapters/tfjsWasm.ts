/**
 * ONNX Conv / ConvTranspose on @tensorflow/tfjs-backend-wasm in Node (XNNPACK and tfjs's own C++
 * kernels compiled to WebAssembly), one thread. `npx convspec verify --target tfjs-wasm`.
 * The ONNX → tfjs mapping is tools/adapters/tfjsConv.ts, the same as for tfjs-backend-cpu, so a
 * difference between the two targets is a difference between the backends.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { createTfjsImplementation } from './tfjsConv';

tf.enableProdMode();
// The .wasm files ship in the package's wasm-out/ folder; without an explicit path the backend
// looks beside the bundle it was loaded from, which in Node is dist/ and has no usable files.
setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out') + path.sep);
// One thread: the threaded build needs workers this adapter does not manage, and results must not
// depend on the machine's core count.
setThreadsCount(1);
let ready: Promise<unknown> | undefined;

const tfjsWasm = createTfjsImplementation(tf, {
  name: `@tensorflow/tfjs-backend-wasm ${version_wasm} (Node, 1 thread)`,
  ready: () =>
    (ready ??= tf.setBackend('wasm').then((ok) => {
      if (!ok) throw new Error('tfjs could not initialise its wasm backend');
    })),
});

export default tfjsWasm;
