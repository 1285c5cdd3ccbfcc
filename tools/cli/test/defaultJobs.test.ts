/**
 * Plan: the jobs `convspec verify` uses when --jobs is not given. One per core up to 4 for Node, Python
 * and plain browser targets; one for the bundled browser targets that need a GPU API (their software
 * adapter keeps more than a core busy, a second browser only slows them); CONVSPEC_JOBS wins over both
 * and is checked like --jobs.
 */
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultJobs } from '../commands/verify';

const perCore = Math.max(1, Math.min(4, os.availableParallelism()));

describe('defaultJobs', () => {
  it('is one per core (at most 4) for targets without a GPU API', () => {
    for (const target of [undefined, 'ort', 'tfjs-wasm', 'numpy', 'browser:ort-web-wasm', 'browser:tfjs-cpu', 'no-such-target']) {
      expect(defaultJobs({}, target), String(target)).toBe(perCore);
    }
  });

  it('is one for the WebGPU, WebGL and WebNN browser targets', () => {
    for (const target of ['browser:ort-web-webgpu', 'browser:tfjs-webgpu', 'browser:tfjs-webgl', 'browser:webnn']) {
      expect(defaultJobs({}, target), target).toBe(1);
    }
  });

  it('takes CONVSPEC_JOBS over both, within 1…64', () => {
    expect(defaultJobs({ CONVSPEC_JOBS: '3' }, 'browser:ort-web-webgpu')).toBe(3);
    expect(defaultJobs({ CONVSPEC_JOBS: '2' }, 'ort')).toBe(2);
    expect(() => defaultJobs({ CONVSPEC_JOBS: '0' })).toThrow(/CONVSPEC_JOBS/);
    expect(() => defaultJobs({ CONVSPEC_JOBS: 'lots' })).toThrow(/CONVSPEC_JOBS/);
  });
});
