/**
 * TensorFlow.js in the page: loads tfjs-core and one backend as the UMD scripts tfjs ships for
 * browsers, selects the backend, and returns the shared ONNX → tfjs mapping (tools/adapters/tfjsConv.ts)
 * on it. Throws when the backend cannot be initialised (no WebGL2, no WebGPU adapter): the target then
 * cannot run here, which verify reports with exit 2.
 */
import { createTfjsImplementation, loadScript, packageUrl, TFJS_SUPPORTS } from '../runtime';
import type * as TF from '@tensorflow/tfjs-core';
import type { TfNamespace } from '../../../adapters/tfjsConv';
import type { ImplementationWithSupports, Supports } from '../../../../spec/framework/subject';

export async function tfjsInPage(
  backend: 'cpu' | 'wasm' | 'webgl' | 'webgpu',
  script: string,
  setup: (tf: TfNamespace) => void | Promise<void> = () => undefined,
  describe: (tf: TfNamespace) => { detail: string; supports?: Supports } = () => ({ detail: '' }),
): Promise<ImplementationWithSupports> {
  await loadScript(packageUrl('@tensorflow/tfjs-core/dist/tf-core.min.js'));
  await loadScript(packageUrl(script));
  const tf = (globalThis as unknown as { tf: TfNamespace }).tf;
  tf.enableProdMode();
  await setup(tf);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not initialise its ${backend} backend in this browser`);
  await tf.ready();
  const { detail, supports } = describe(tf);
  // One tiny convolution while loading: a GPU backend compiles its first shaders (seconds on a software
  // adapter), which would otherwise count against the first case's time limit.
  await tf.conv2d(tf.ones([1, 1, 1, 1]) as TF.Tensor4D, tf.ones([1, 1, 1, 1]) as TF.Tensor4D, 1, 'valid').data();
  return createTfjsImplementation(tf, {
    name: `@tensorflow/tfjs-backend-${backend} ${tf.version_core} in the page${detail ? ` (${detail})` : ''}`,
    ready: () => Promise.resolve(),
    supports: supports ?? TFJS_SUPPORTS,
  });
}
