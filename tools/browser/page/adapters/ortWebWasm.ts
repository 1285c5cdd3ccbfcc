/** browser:ort-web-wasm — onnxruntime-web's WebAssembly EP inside Chromium (SIMD, one thread). */
import * as ort from 'onnxruntime-web/wasm';
import { ORT_CPU_SUPPORTS, ortInPage } from './ortPage';

const implementation = ortInPage(ort, {
  ep: 'wasm',
  name: `onnxruntime-web ${ort.env.versions.web} (wasm EP in the page, 1 thread)`,
  supports: ORT_CPU_SUPPORTS,
});
// Fetching and compiling ORT's WebAssembly takes seconds on a busy machine: do it while loading, not
// in the first case's time limit.
await implementation.warmUp();

export default implementation;
