/** browser:litert-webgpu — LiteRT.js's WebGPU accelerator inside Chromium; the adapter's name carries the GPU adapter's description. */
import { webgpuAdapterInfo } from '../runtime';
import { litertInPage } from './litertPage';

const adapter = await webgpuAdapterInfo();
if (!adapter) throw new Error('no WebGPU adapter in this browser (navigator.gpu.requestAdapter() gave none)');

export default await litertInPage('webgpu', `WebGPU adapter: ${adapter}`);
