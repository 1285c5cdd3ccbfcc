/**
 * ONNX Conv / ConvTranspose on @tensorflow/tfjs-backend-wasm in Node (XNNPACK and tfjs's own C++
 * kernels compiled to WebAssembly), one thread. `npx convspec verify --target tfjs-wasm`.
 * The ONNX → tfjs mapping is tools/adapters/tfjsConv.ts, the same as for tfjs-backend-cpu, so a
 * difference between the two targets is a difference between the backends.
 */
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import type * as TFWasm from '@tensorflow/tfjs-backend-wasm';
import { requirePeer, requireRuntime } from './runtimePackages';
import { createTfjsImplementation } from './tfjsConv';

// The backend from the user's project first, then convspec's location (runtimePackages.ts); tfjs-core
// from beside the backend, so the backend registers itself into the very tfjs-core used here.
const backend = requireRuntime<typeof TFWasm>('@tensorflow/tfjs-backend-wasm');
const tf = requirePeer<typeof TF>(backend.pkg, '@tensorflow/tfjs-core');
const { setThreadsCount, setWasmPaths, version_wasm } = backend.module;

tf.enableProdMode();
// The .wasm files ship in the package's wasm-out/ folder; without an explicit path the backend
// looks beside the bundle it was loaded from, which in Node is dist/ and has no usable files.
setWasmPaths(path.join(backend.pkg.dir, 'wasm-out') + path.sep);
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
