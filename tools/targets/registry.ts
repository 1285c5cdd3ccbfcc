/**
 * The bundled targets `convspec verify --target NAME` knows, listed by `convspec targets`: where each
 * runs (Node, a Python interpreter over --cmd, or inside Chromium), the runtime's version, and whether
 * it can run here or why not. Each resolves to an ordinary VerifyTarget (a module file, a --cmd
 * program, a browser module), so a bundled target is verified exactly like a user's adapter.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findRuntime, RuntimeMissingError, testedVersion } from '../adapters/runtimePackages';
import { findBrowser } from '../browser/findBrowser';
import type { BrowserFeatures } from '../browser/probe';
import { packageRoot } from '../browser/server';
import { TargetError } from '../hosts/loadModule';
import type { VerifyTarget } from './target';

export type Where = 'node' | 'python' | 'chromium';

export interface BundledTarget {
  name: string;
  where: Where;
  description: string;
  /** npm packages (Node and browser targets) or the Python module (python targets) it needs. */
  needs: string[];
  /** For browser targets: what the page must offer (checked by `targets --probe` and when verify opens it). */
  browserFeature?: 'webgpu' | 'webgl2' | 'webnn';
}

const node = (name: string, file: string, description: string, needs: string[]): BundledTarget & { file: string } => ({ name, where: 'node', description, needs, file });
const browser = (name: string, file: string, description: string, needs: string[], browserFeature?: BundledTarget['browserFeature']): BundledTarget & { file: string } =>
  ({ name: `browser:${name}`, where: 'chromium', description, needs, file, browserFeature });

const TFJS = '@tensorflow/tfjs-core';
const TARGETS: (BundledTarget & { file?: string; script?: string })[] = [
  node('ort', '', 'ONNX Runtime CPU EP (onnxruntime-node): graph optimisation off, 1 thread — the fixtures\' setting', ['onnxruntime-node']),
  node('ort-optimized', 'ortOptimized', 'ONNX Runtime CPU EP with every graph optimisation, W/B as constant initializers (NCHWc kernels), 2 threads without spinning', ['onnxruntime-node']),
  node('ort-web-wasm', 'ortWebWasm', 'onnxruntime-web WebAssembly EP in Node, 1 thread', ['onnxruntime-web']),
  node('tfjs-cpu', 'tfjs', 'TensorFlow.js plain-JavaScript backend in Node', [TFJS, '@tensorflow/tfjs-backend-cpu']),
  node('tfjs-wasm', 'tfjsWasm', 'TensorFlow.js WebAssembly backend in Node, 1 thread', [TFJS, '@tensorflow/tfjs-backend-wasm']),
  node('litert-wasm', 'litertWasm', 'LiteRT.js (TFLite) wasm accelerator (XNNPack) in Node, relaxed-SIMD build where WebAssembly has it, 1 thread; one .tflite model per call', ['@litertjs/core']),
  { name: 'numpy', where: 'python', description: 'numpy over the --cmd protocol (tools/adapters/python/convspec_numpy.py), float64 accumulation', needs: ['numpy'], script: 'convspec_numpy.py' },
  { name: 'torch', where: 'python', description: 'PyTorch CPU over the --cmd protocol (tools/adapters/python/convspec_torch.py), float32', needs: ['torch'], script: 'convspec_torch.py' },
  browser('ort-web-wasm', 'ortWebWasm', 'onnxruntime-web WebAssembly EP in the page, 1 thread', ['onnxruntime-web']),
  browser('ort-web-webgpu', 'ortWebWebgpu', 'onnxruntime-web WebGPU EP (opset-21 models, node placement checked)', ['onnxruntime-web'], 'webgpu'),
  browser('tfjs-cpu', 'tfjsCpu', 'TensorFlow.js plain-JavaScript backend in the page', [TFJS, '@tensorflow/tfjs-backend-cpu']),
  browser('tfjs-wasm', 'tfjsWasm', 'TensorFlow.js WebAssembly backend in the page, 1 thread', [TFJS, '@tensorflow/tfjs-backend-wasm']),
  browser('tfjs-webgl', 'tfjsWebgl', 'TensorFlow.js WebGL backend (WebGL2)', [TFJS, '@tensorflow/tfjs-backend-webgl'], 'webgl2'),
  browser('tfjs-webgpu', 'tfjsWebgpu', 'TensorFlow.js WebGPU backend', [TFJS, '@tensorflow/tfjs-backend-webgpu'], 'webgpu'),
  browser('litert-wasm', 'litertWasm', 'LiteRT.js (TFLite) wasm accelerator (XNNPack) in the page, the build LiteRT.js picks (relaxed SIMD in Chromium)', ['@litertjs/core']),
  browser('litert-webgpu', 'litertWebgpu', 'LiteRT.js (TFLite) WebGPU accelerator, 1-D and 2-D (no 3-D ops on it); a model not fully compiled for WebGPU fails the call', ['@litertjs/core'], 'webgpu'),
  browser('litert-webnn', 'litertWebnn', 'LiteRT.js (TFLite) WebNN accelerator (experimental in LiteRT.js)', ['@litertjs/core'], 'webnn'),
  browser('webnn', 'webnn', 'WebNN (navigator.ml) conv2d / convTranspose2d', [], 'webnn'),
];

export const BUNDLED_TARGETS: readonly BundledTarget[] = TARGETS;

export function findBundledTarget(name: string): (BundledTarget & { file?: string; script?: string }) | undefined {
  return TARGETS.find((t) => t.name === name);
}


/** "name version", with the version convspec was tested with when the one found differs. */
function npmVersion(pkg: string): string | undefined {
  const found = findRuntime(pkg);
  if (!found) return undefined;
  const tested = testedVersion(pkg);
  return tested && tested !== found.version ? `${found.version} (tested with ${tested})` : found.version;
}

/** Interpreters tried for python targets, in order: CONVSPEC_PYTHON, python3 on PATH, Debian's /usr/bin/python3. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([env.CONVSPEC_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
}

const pythonCache = new Map<string, { interpreter: string; version: string } | { missing: string }>();

/** The first interpreter that has the distribution `module` installed, with "Python x.y (interpreter), module z". */
export function pythonWith(module: string): { interpreter: string; version: string } | { missing: string } {
  const hit = pythonCache.get(module);
  if (hit) return hit;
  const tried: string[] = [];
  let found: { interpreter: string; version: string } | { missing: string } | undefined;
  for (const interpreter of pythonCandidates()) {
    // Package metadata, not an import: importing torch takes seconds, and `targets` asks for every module.
    const r = spawnSync(interpreter, ['-c', `import sys, importlib.metadata as m; print(sys.version.split()[0], m.version(${JSON.stringify(module)}))`], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      const [py, v] = r.stdout.trim().split(' ');
      found = { interpreter, version: `Python ${py} (${interpreter}), ${module} ${v}` };
      break;
    }
    tried.push(interpreter);
  }
  found ??= { missing: `no Python interpreter with ${module} (tried ${tried.join(', ')}; set CONVSPEC_PYTHON${module === 'torch' ? ', or on Debian `apt-get install -y python3-torch`' : ''})` };
  pythonCache.set(module, found);
  return found;
}

export interface TargetStatus {
  name: string;
  where: Where;
  description: string;
  version: string;
  available: boolean;
  /** Why it cannot run here, when it cannot. */
  why?: string;
}

/**
 * Version and availability, from what is installed. With `features` (tools/browser/probe.ts, one
 * browser launch) a browser target that needs WebGPU, WebGL2 or WebNN is available only when the page
 * has it; without, those are checked when verify opens the page (and it exits 2 if missing).
 */
export function targetStatus(t: BundledTarget & { file?: string }, features?: BrowserFeatures): TargetStatus {
  const base = { name: t.name, where: t.where, description: t.description };
  if (t.where === 'python') {
    const py = pythonWith(t.needs[0]);
    return 'missing' in py ? { ...base, version: 'not installed', available: false, why: py.missing } : { ...base, version: py.version, available: true };
  }
  const versions = t.needs.map((p) => [p, npmVersion(p)] as const);
  const missing = versions.filter(([, v]) => !v).map(([p]) => p);
  const parts: string[] = versions.filter(([, v]) => v).map(([p, v]) => `${p} ${v}`);
  let why = missing.length > 0 ? new RuntimeMissingError(missing).message : undefined;
  if (t.where === 'chromium') {
    const found = findBrowser();
    if ('missing' in found) why ??= found.missing;
    else parts.push(`browser ${features?.browser ?? found.path}`);
    const feature = t.browserFeature && features?.[t.browserFeature];
    if (feature) {
      if (feature.ok) parts.push(`${t.browserFeature}: ${feature.detail}`);
      else why ??= `${t.browserFeature} unavailable in the browser: ${feature.why}`;
    } else if (t.browserFeature) parts.push(`${t.browserFeature} checked when verify opens the page`);
  }
  return { ...base, version: parts.join(', ') || '—', available: !why, ...(why ? { why } : {}) };
}

/** The VerifyTarget a bundled name stands for; TargetError (verify exits 2) for an unknown name or one that cannot run here. */
export function resolveBundledTarget(name: string): VerifyTarget {
  const t = findBundledTarget(name);
  if (!t) throw new TargetError(`no bundled target ${JSON.stringify(name)}; \`convspec targets\` lists them: ${TARGETS.map((x) => x.name).join(', ')}`);
  const root = packageRoot();
  if (t.where === 'python') {
    const py = pythonWith(t.needs[0]);
    if ('missing' in py) throw new TargetError(`${name} cannot run here: ${py.missing}`);
    return { kind: 'cmd', command: `${py.interpreter} ${JSON.stringify(path.join(root, 'tools', 'adapters', 'python', t.script!))}`, cwd: root };
  }
  const status = targetStatus(t);
  if (!status.available) throw new TargetError(`${name} cannot run here: ${status.why}`);
  if (t.where === 'chromium') return { kind: 'browser', module: { bundled: t.file! } };
  if (t.name === 'ort') return { kind: 'ort' };
  return { kind: 'module', path: path.join(root, 'dist', 'tools', 'adapters', `${t.file}.js`) };
}
