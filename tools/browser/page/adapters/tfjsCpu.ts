/** browser:tfjs-cpu — @tensorflow/tfjs-backend-cpu (plain JavaScript) inside Chromium. */
import { tfjsInPage } from './tfjsPage';

export default await tfjsInPage('cpu', '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js');
