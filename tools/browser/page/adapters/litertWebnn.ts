/**
 * browser:litert-webnn — LiteRT.js's WebNN accelerator (experimental in LiteRT.js) inside Chromium.
 * Where the browser exposes no WebNN backend (Debian's Chromium on Linux: createContext throws) the
 * module fails to load with the browser's reason and verify exits 2, as browser:webnn does.
 */
import { litertInPage } from './litertPage';

const ml = (navigator as unknown as { ml?: { createContext(): Promise<unknown> } }).ml;
if (!ml) throw new Error('navigator.ml is absent: this browser exposes no WebNN (Chromium needs --enable-features=WebMachineLearningNeuralNetwork)');
// navigator.ml can exist without a backend behind it (Debian's Chromium 156 on Linux): ask for a context
// first, so the reason is the browser's and not a LiteRT.js error further on.
try {
  await ml.createContext();
} catch (e) {
  throw new Error(`navigator.ml.createContext() failed, so this browser has no WebNN backend here: ${(e as Error).name}: ${(e as Error).message}`);
}

export default await litertInPage('webnn', 'WebNN');
