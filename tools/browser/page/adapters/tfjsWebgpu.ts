/** browser:tfjs-webgpu — @tensorflow/tfjs-backend-webgpu inside Chromium; the adapter's name carries the GPU adapter's description. */
import { webgpuAdapterInfo } from '../runtime';
import { tfjsInPage } from './tfjsPage';

const adapter = await webgpuAdapterInfo();
if (!adapter) throw new Error('no WebGPU adapter in this browser (navigator.gpu.requestAdapter() gave none)');

export default await tfjsInPage('webgpu', '@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js', undefined, () => ({ detail: `WebGPU adapter: ${adapter}` }));
