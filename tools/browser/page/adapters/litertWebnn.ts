/**
 * browser:litert-webnn — LiteRT.js's WebNN accelerator (experimental in LiteRT.js) inside Chromium.
 * Where the browser exposes no WebNN (Debian's Chromium on Linux) the module fails to load with the
 * reason and verify exits 2, as browser:webnn does.
 */
import { litertInPage } from './litertPage';

const ml = (navigator as unknown as { ml?: unknown }).ml;
if (!ml) throw new Error('navigator.ml is absent: this browser exposes no WebNN (Chromium needs --enable-features=WebMachineLearningNeuralNetwork)');

export default await litertInPage('webnn', 'WebNN');
