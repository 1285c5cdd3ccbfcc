/**
 * browser:tfjs-webgl — @tensorflow/tfjs-backend-webgl inside Chromium. Without a GPU, WebGL2 runs on
 * SwiftShader (a CPU implementation); the renderer is part of the adapter's name. tfjs falls back to
 * half-float textures when float32 ones cannot be rendered to: the adapter then declares the float16
 * profile, so a looser bound is always visible in the report header.
 */
import { webglRenderer } from '../runtime';
import { tfjsInPage } from './tfjsPage';
import { TFJS_SUPPORTS } from '../runtime';

export default await tfjsInPage('webgl', '@tensorflow/tfjs-backend-webgl/dist/tf-backend-webgl.min.js', undefined, (tf) => {
  const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
  return {
    detail: `WebGL2 renderer: ${webglRenderer() ?? 'unknown'}; ${float32 ? 'float32' : 'float16'} textures`,
    supports: { ...TFJS_SUPPORTS, precision: float32 ? 'float32' : 'float16' },
  };
});
