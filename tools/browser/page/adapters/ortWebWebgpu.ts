/**
 * browser:ort-web-webgpu — onnxruntime-web's WebGPU EP inside Chromium, from the package's JSPI build
 * (`onnxruntime-web/jspi`). It holds the same C++ WebGPU EP, and so generates the same shaders, as the
 * `onnxruntime-web/webgpu` build; only the glue between WebAssembly and the asynchronous WebGPU API
 * differs (JavaScript Promise Integration instead of Asyncify). The Asyncify build's 27 MB module
 * kept a core busy tiering up WebAssembly code for the whole run: a full run took 129 s with it and
 * 108 s with the JSPI build's 17 MB module, with the same verdict on every clause (docs/FINDINGS.md,
 * "Timings"). Chromium has JSPI since version 137; an older browser gets the Asyncify build, and the
 * adapter's name says which build ran.
 * Models declare opset 21: ONNX Runtime Web 1.30 registers its WebGPU Conv / ConvTranspose kernels
 * up to opset 21 only, so an opset-22 node is placed on the CPU EP without a word (Conv and
 * ConvTranspose did not change between opsets 11 and 22 except for new element types). Every session
 * is checked to have its node on the WebGPU EP. The adapter's name carries the GPU adapter.
 * Declared: spatial ranks 1 and 2 only — the EP refuses 3-D ConvTranspose ("Only Conv2d or Conv1d are
 * supported") and grouped 3-D Conv ("Conv3D does not support grouped convolution").
 */
import { webgpuAdapterInfo } from '../runtime';
import { ORT_CPU_SUPPORTS, ortInPage } from './ortPage';

const jspi = typeof (WebAssembly as unknown as { Suspending?: unknown }).Suspending === 'function';
const ort: typeof import('onnxruntime-web/jspi') = jspi ? await import('onnxruntime-web/jspi') : await import('onnxruntime-web/webgpu');

const adapter = await webgpuAdapterInfo();
if (!adapter) throw new Error('no WebGPU adapter in this browser (navigator.gpu.requestAdapter() gave none)');

const implementation = ortInPage(ort, {
  ep: 'webgpu',
  epLogName: 'WebGpuExecutionProvider',
  opset: 21,
  name: `onnxruntime-web ${ort.env.versions.web} (WebGPU EP, ${jspi ? 'JSPI' : 'Asyncify'} build, opset 21, node placement checked; adapter: ${adapter})`,
  supports: { ...ORT_CPU_SUPPORTS, ranks: [1, 2] },
});
await implementation.warmUp();

export default implementation;
