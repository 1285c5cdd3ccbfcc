// Minimal reproduction for docs/FINDINGS.md: a 3-D convolution of a width-padded input on
// tfjs-backend-webgpu, step by step (tf.pad, then tf.conv3d), against the cpu backend.
//   npx convspec verify --browser docs/findings/tfjs-webgpu-pad.mjs --clause conv.numeric.withinBound --runs 1
// prints both backends' outputs on the adapter log (stderr).
import { loadScript, packageUrl } from 'convspec/browser';

await loadScript(packageUrl('@tensorflow/tfjs-core/dist/tf-core.min.js'));
await loadScript(packageUrl('@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js'));
await loadScript(packageUrl('@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js'));
const tf = globalThis.tf;
for (const backend of ['cpu', 'webgpu']) {
  await tf.setBackend(backend);
  // NDHWC: one element, padded by one in front along W
  const padded = tf.pad(tf.tensor5d([-0.9342831373214722], [1, 1, 1, 1, 1]), [[0, 0], [0, 0], [0, 0], [1, 0], [0, 0]]);
  const y = tf.conv3d(padded, tf.tensor5d([0.7570903897285461], [1, 1, 1, 1, 1]), [1, 1, 1], 'valid');
  const y4 = tf.conv2d(tf.pad(tf.tensor4d([-0.9342831373214722], [1, 1, 1, 1]), [[0, 0], [0, 0], [1, 0], [0, 0]]), tf.tensor4d([0.7570903897285461], [1, 1, 1, 1]), 1, 'valid');
  for (const dims of [[1, 1, 1, 1], [1, 1, 3, 1], [1, 2, 2, 1], [1, 1, 2, 2]]) {
    const n = dims.reduce((a, b) => a * b, 1);
    const p = tf.pad(tf.tensor4d(Array.from({ length: n }, (_, i) => i + 1), dims), [[0, 0], [0, 0], [1, 0], [0, 0]]);
    console.warn(`${backend}: pad ${JSON.stringify(dims)} along W by [1, 0]: ${JSON.stringify(Array.from(await p.data()))}`);
  }
  console.warn(`${backend}: pad5d ${JSON.stringify(Array.from(await padded.data()))} conv3d ${JSON.stringify(Array.from(await y.data()))} conv2d ${JSON.stringify(Array.from(await y4.data()))}`);
}

export default { name: 'tfjs-webgpu reproduction (prints to the adapter log)', supports: { ops: ['Conv'], ranks: [2] }, conv: () => { throw new Error('reproduction only'); } };
