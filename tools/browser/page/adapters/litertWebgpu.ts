/**
 * browser:litert-webgpu — LiteRT.js's WebGPU accelerator inside Chromium; the adapter's name carries the
 * GPU adapter's description. Declared: spatial ranks 1 and 2 only — LiteRT.js 2.5.3 compiles no CONV_3D
 * or CONV_3D_TRANSPOSE for WebGPU (every such model came back "not fully compiled for webgpu", i.e. run
 * on wasm, at seed 20261128), and a partly-wasm model fails the call (litertConv.ts).
 */
import { LITERT_SUPPORTS, webgpuAdapterInfo } from '../runtime';
import { litertInPage } from './litertPage';

const adapter = await webgpuAdapterInfo();
if (!adapter) throw new Error('no WebGPU adapter in this browser (navigator.gpu.requestAdapter() gave none)');

export default await litertInPage('webgpu', `WebGPU adapter: ${adapter}`, { ...LITERT_SUPPORTS, ranks: [1, 2] });
