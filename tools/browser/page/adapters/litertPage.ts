/**
 * LiteRT.js in the page: imports @litertjs/core (the import map serves its ES module and its
 * wasm-utils), loads its WebAssembly from the package's wasm/ folder — LiteRT.js picks the build
 * itself, relaxed SIMD where the browser has it, which the adapter's name reports — and returns the
 * shared ONNX → TFLite mapping (tools/adapters/litert/litertConv.ts) on one accelerator. Throws when
 * the accelerator is missing (no WebGPU adapter, no WebNN): verify then exits 2 with the reason.
 */
import { createLiteRtImplementation, packageUrl, type LiteRtApi } from '../runtime';
import type { ImplementationWithSupports, Supports } from '../../../../spec/framework/subject';

type LiteRtModule = LiteRtApi & {
  loadLiteRt(path: string): Promise<unknown>;
  supportsFeature(feature: 'relaxedSimd'): Promise<boolean>;
};

export async function litertInPage(accelerator: 'wasm' | 'webgpu' | 'webnn', detail: string, supports?: Supports): Promise<ImplementationWithSupports> {
  const litert = (await import('@litertjs/core')) as unknown as LiteRtModule;
  const relaxed = await litert.supportsFeature('relaxedSimd');
  // The loader passes `self.Module` to the emscripten glue: its INFO lines (one per accelerator it
  // registers) go nowhere instead of into the console, which verify would relay as adapter errors.
  const quiet = () => undefined;
  (globalThis as Record<string, unknown>).Module = { print: quiet, printErr: quiet };
  await litert.loadLiteRt(packageUrl('@litertjs/core/wasm/'));
  const build = relaxed ? 'relaxed-SIMD build' : 'compat build: no relaxed SIMD here';
  const implementation = createLiteRtImplementation(litert, {
    name: `@litertjs/core in the page (${accelerator} accelerator, ${build}${detail ? `; ${detail}` : ''})`,
    accelerator,
    supports,
  });
  // One tiny convolution while loading: a GPU accelerator compiles its first shaders here rather than
  // within the first case's time limit.
  await implementation.conv!({ dims: [1, 1, 1, 1], data: Float32Array.of(1) }, { dims: [1, 1, 1, 1], data: Float32Array.of(1) }, undefined, {});
  return implementation;
}
