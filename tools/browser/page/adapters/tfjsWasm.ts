/** browser:tfjs-wasm — @tensorflow/tfjs-backend-wasm inside Chromium, one thread (as the Node target). */
import { packageUrl } from '../runtime';
import { tfjsInPage } from './tfjsPage';

type WasmApi = { wasm: { setWasmPaths(prefix: string): void; setThreadsCount(n: number): void } };

export default await tfjsInPage('wasm', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js', (tf) => {
  const { wasm } = tf as unknown as WasmApi;
  wasm.setWasmPaths(packageUrl('@tensorflow/tfjs-backend-wasm/wasm-out/'));
  wasm.setThreadsCount(1);
}, () => ({ detail: '1 thread' }));
