/**
 * The package's main entry is importable from plain Node after the build (`npm test` builds first):
 * it exports the reference as an Implementation and the error class.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('package entry', () => {
  it('require("convspec") from plain Node gives a working reference', () => {
    const script = `
      const cs = require('convspec');
      const x = { dims: [1, 1, 3], data: new Float32Array([1, 2, 3]) };
      const w = { dims: [1, 1, 2], data: new Float32Array([10, 1]) };
      const y = cs.reference.conv(x, w, undefined, {});
      let code = '';
      try { cs.reference.conv(x, w, undefined, { strides: [0] }); } catch (e) { code = e.code; }
      process.stdout.write(JSON.stringify({ name: typeof cs.reference.name, dims: y.dims, data: Array.from(y.data), code, isClass: typeof cs.ConvSpecError }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8' }));
    // 1·10 + 2·1 = 12, 2·10 + 3·1 = 23
    expect(out).toEqual({ name: 'string', dims: [1, 1, 2], data: [12, 23], code: 'NOT_POSITIVE', isClass: 'function' });
  });
});
