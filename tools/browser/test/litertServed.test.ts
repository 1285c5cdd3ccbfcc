/**
 * Plan: the LiteRT.js browser targets can load: the page server's allow-list serves @litertjs/core's
 * ES module and WebAssembly, its wasm-utils and flatbuffers' ES modules (the model writer's Builder),
 * and nothing else of those packages; the import map names them; `convspec targets` lists the three
 * LiteRT.js browser targets and the Node one with the package's version.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRuntime } from '../../adapters/runtimePackages';
import { BUNDLED_TARGETS, targetStatus } from '../../targets/registry';
import { IMPORT_MAP } from '../server';
import { allowList } from '../servedFiles';

const lookup = allowList({ browserBuild: path.resolve(__dirname, '../../../dist/browser'), packageDir: (name) => findRuntime(name)?.dir });

describe('LiteRT.js in the page', () => {
  it('serves its module, its wasm builds and flatbuffers, and refuses the rest of those packages', () => {
    for (const url of [
      '/node_modules/@litertjs/core/dist/index.js',
      '/node_modules/@litertjs/core/wasm/litert_wasm_internal.wasm',
      '/node_modules/@litertjs/core/wasm/litert_wasm_compat_internal.js',
      '/node_modules/@litertjs/wasm-utils/dist/index.js',
      '/node_modules/flatbuffers/mjs/builder.js',
    ]) expect(lookup(url), url).toHaveProperty('file');
    for (const url of ['/node_modules/@litertjs/core/package.json', '/node_modules/flatbuffers/js/flatbuffers.js']) expect(lookup(url), url).toHaveProperty('status', 404);
    for (const name of ['@litertjs/core', '@litertjs/wasm-utils', 'flatbuffers']) {
      expect(lookup((IMPORT_MAP.imports as Record<string, string>)[name]), name).toHaveProperty('file');
    }
  });

  it('lists the LiteRT.js targets with the version found', () => {
    const version = findRuntime('@litertjs/core')!.version;
    const names = ['litert-wasm', 'browser:litert-wasm', 'browser:litert-webgpu', 'browser:litert-webnn'];
    for (const name of names) {
      const t = BUNDLED_TARGETS.find((x) => x.name === name);
      expect(t, name).toBeDefined();
      expect(targetStatus(t!).version, name).toContain(`@litertjs/core ${version}`);
    }
    expect(BUNDLED_TARGETS.find((x) => x.name === 'browser:litert-webgpu')!.browserFeature).toBe('webgpu');
    expect(BUNDLED_TARGETS.find((x) => x.name === 'browser:litert-webnn')!.browserFeature).toBe('webnn');
  });
});
