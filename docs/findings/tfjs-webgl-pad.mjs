// Minimal reproduction for docs/FINDINGS.md: tf.pad of a rank-5 tensor on tfjs-backend-webgl.
//   npx convspec verify --browser docs/findings/tfjs-webgl-pad.mjs --clause conv.numeric.withinBound --runs 1
// prints the outcome for ranks 4 and 5 on the adapter log (stderr).
import { loadScript, packageUrl } from 'convspec/browser';

await loadScript(packageUrl('@tensorflow/tfjs-core/dist/tf-core.min.js'));
await loadScript(packageUrl('@tensorflow/tfjs-backend-webgl/dist/tf-backend-webgl.min.js'));
const tf = globalThis.tf;
await tf.setBackend('webgl');
for (const dims of [[1, 2, 2, 1], [1, 2, 2, 2, 1]]) {
  try {
    const y = tf.pad(tf.ones(dims), dims.map((_, i) => (i === 1 ? [1, 0] : [0, 0])));
    console.warn(`tf.pad rank ${dims.length}: ok, ${(await y.data()).length} elements`);
  } catch (e) {
    console.warn(`tf.pad rank ${dims.length}: threw ${e.message}`);
  }
}

export default { name: 'tfjs-webgl pad reproduction (prints to the adapter log)', supports: { ops: ['Conv'], ranks: [2] }, conv: () => { throw new Error('reproduction only'); } };
