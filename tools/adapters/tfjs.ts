/**
 * Example adapter: ONNX Conv / ConvTranspose on @tensorflow/tfjs-backend-cpu (pure JavaScript,
 * float32). Verify it with `npx convspec verify --target tfjs-cpu` (or the file,
 * `npx convspec verify dist/tools/adapters/tfjs.js`). The mapping from ONNX to tfjs is
 * tools/adapters/tfjsConv.ts, shared with the other tfjs backends.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { requirePeer, requireRuntime } from './runtimePackages';
import { createTfjsImplementation } from './tfjsConv';

// The backend from the user's project first, then convspec's location (runtimePackages.ts); tfjs-core
// from beside the backend, so the backend registers itself into the very tfjs-core used here.
const backend = requireRuntime('@tensorflow/tfjs-backend-cpu');
const tf = requirePeer<typeof TF>(backend.pkg, '@tensorflow/tfjs-core');

// tfjs prints a "install tfjs-node" banner on first use in Node unless in production mode.
tf.enableProdMode();
let ready: Promise<unknown> | undefined;

const tfjsAdapter = createTfjsImplementation(tf, {
  name: `@tensorflow/tfjs-backend-cpu ${tf.version_core}`,
  ready: () => (ready ??= tf.setBackend('cpu')),
});

export default tfjsAdapter;
