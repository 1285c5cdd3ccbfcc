/** browser:litert-wasm — LiteRT.js's wasm accelerator (XNNPack) inside Chromium, one thread (as the Node target). */
import { litertInPage } from './litertPage';

export default await litertInPage('wasm', '1 thread');
