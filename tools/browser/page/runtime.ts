/**
 * Helpers for browser-side adapter modules, importable in the harness page as 'convspec/browser':
 * convspec's own validation and attribute resolution (`prepare`), the ONNX → TensorFlow.js mapping
 * and ONNX → TFLite (LiteRT.js) mappings shared with the Node adapters, classic-script loading for the UMD bundles of tfjs, and one-node
 * ONNX models (tools/onnx/model.ts, run in the page) for ONNX Runtime Web.
 */
export { prepare } from '../../../impl/prepare';
export { createTfjsImplementation, TFJS_SUPPORTS } from '../../adapters/tfjsConv';
export { createLiteRtImplementation, LITERT_SUPPORTS, type LiteRtApi } from '../../adapters/litert/litertConv';
import { buildModel, type ModelSpec } from '../../onnx/model';

const loaded = new Map<string, Promise<void>>();

/** Loads a classic <script> once (tfjs ships its browser builds as UMD scripts that set globalThis.tf). */
export function loadScript(url: string): Promise<void> {
  let p = loaded.get(url);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = url;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.appendChild(s);
    });
    loaded.set(url, p);
  }
  return p;
}

/**
 * A one-node Conv / ConvTranspose model (W and B as graph inputs), encoded in the page by the same code
 * as on the Node side (tools/onnx/model.ts; onnx-proto comes from the page's vendor bundle). Building it
 * here instead of asking the page server saves a fetch per model, 4–6 ms each: a session per new
 * configuration, about 1 900 of them in a full browser:ort-web-webgpu run.
 */
export async function onnxModel(spec: Omit<ModelSpec, 'constants'>): Promise<Uint8Array> {
  return buildModel(spec);
}

/** The URL of a file of an npm package the server serves (onnxruntime-web, @tensorflow/*). */
export const packageUrl = (pkgPath: string): string => `/node_modules/${pkgPath}`;

/** The WebGPU adapter's description ("vendor architecture device description"), or undefined without one. */
export async function webgpuAdapterInfo(): Promise<string | undefined> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return undefined;
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') || 'unnamed adapter';
}

/** The WebGL2 renderer string (UNMASKED when the page may read it), or undefined without WebGL2. */
export function webglRenderer(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return undefined;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}
