/**
 * ONNX Conv / ConvTranspose on LiteRT.js (@litertjs/core) in Node: TFLite's kernels and XNNPack
 * compiled to WebAssembly, its 'wasm' accelerator, one thread. `npx convspec verify --target litert-wasm`.
 * The ONNX → TFLite mapping is tools/adapters/litert/litertConv.ts, shared with the page targets.
 *
 * LiteRT.js is written for browsers and workers: its loader runs the emscripten glue with
 * importScripts() and reads `self.ModuleFactory`. Node gets that scope here — `self`, an
 * importScripts that runs the script in this context, and the `require` / `__dirname` the glue's
 * Node branch uses to read its .wasm file. It then picks the relaxed-SIMD build when WebAssembly
 * has relaxed SIMD and the "compat" build (no SIMD) otherwise; Node 20's V8 has relaxed SIMD behind
 * --experimental-wasm-relaxed-simd (on by default from Node 22), which is switched on before
 * loading. The adapter's name says which build ran.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { ConvTransposeAttributes, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { createLiteRtImplementation, LITERT_SUPPORTS, type LiteRtApi } from './litert/litertConv';
import { findRuntime, RuntimeMissingError } from './runtimePackages';

type LiteRtModule = LiteRtApi & { loadLiteRt(file: string): Promise<unknown> };

// From the user's project first, then convspec's location (runtimePackages.ts): not a dependency of convspec.
const pkg = findRuntime('@litertjs/core');
if (!pkg) throw new RuntimeMissingError(['@litertjs/core']);
const wasmDir = path.join(pkg.dir, 'wasm') + path.sep;

/** The emscripten glue's messages (it logs each accelerator it registers); kept for errors, not printed. */
const glueLog: string[] = [];

/** A module using i8x16.relaxed_swizzle (LiteRT.js's own relaxed-SIMD check, wasm_feature_detect.ts). */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1,
  0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

// Node's typings (lib ES2022, no DOM) do not declare the WebAssembly global.
const wasmValidates = (bytes: Uint8Array): boolean => (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);

/** Which build loads: decided (and the V8 flag set) when this module loads, so the adapter's name can say it. */
function chooseBuild(): { file: string; build: string } {
  if (wasmValidates(RELAXED_SIMD_PROBE)) return { file: 'litert_wasm_internal.js', build: 'relaxed-SIMD build' };
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (wasmValidates(RELAXED_SIMD_PROBE)) return { file: 'litert_wasm_internal.js', build: 'relaxed-SIMD build, V8 flag --experimental-wasm-relaxed-simd' };
  return { file: 'litert_wasm_compat_internal.js', build: 'compat build: no relaxed SIMD here' };
}
const { file, build } = chooseBuild();

/** Loads LiteRT.js into this process once, with the worker-like scope its loader expects. */
async function load(): Promise<LiteRtModule> {
  const g = globalThis as Record<string, unknown>;
  g.self = globalThis;
  g.importScripts = (script: string) => vm.runInThisContext(fs.readFileSync(script, 'utf8'), { filename: script });
  g.require = createRequire(path.join(wasmDir, file));
  g.__dirname = wasmDir;
  // The loader passes `self.Module` to the glue's factory: print/printErr keep its INFO lines off stdout.
  const keep = (line: string) => void (glueLog.length < 100 && glueLog.push(line));
  g.Module = { print: keep, printErr: keep };
  // @litertjs/core is an ES module; the package's own entry, from wherever findRuntime found it.
  const litert = (await import(pathToFileURL(pkg!.requireBeside.resolve('@litertjs/core')).href)) as LiteRtModule;
  // A file, not the folder: the folder would make LiteRT.js probe for itself and take the build it sees.
  // Its default environment asks navigator.gpu for a device and console.warns when there is none (Node has
  // no WebGPU); that warning is kept with the glue's lines rather than printed on every run.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => keep(args.map(String).join(' '));
  try {
    await litert.loadLiteRt(path.join(wasmDir, file));
  } finally {
    console.warn = warn;
  }
  return litert;
}

const name = `@litertjs/core ${pkg.version} (wasm accelerator: XNNPack, ${build}, Node, 1 thread)`;
let api: Promise<LiteRtModule> | undefined;
/** The loaded LiteRT.js API (loaded once per process); for tests that run a .tflite model of their own. */
export const liteRtApi = (): Promise<LiteRtApi> => (api ??= load());
let loaded: Promise<ImplementationWithSupports> | undefined;
const implementation = (): Promise<ImplementationWithSupports> =>
  (loaded ??= liteRtApi().then((litert) => createLiteRtImplementation(litert, { name, accelerator: 'wasm' })));

const litertWasm: ImplementationWithSupports = {
  name,
  supports: LITERT_SUPPORTS,
  conv: async (x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) => (await implementation()).conv!(x, w, b, attrs),
  convTranspose: async (x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) => (await implementation()).convTranspose!(x, w, b, attrs),
};

export default litertWasm;
