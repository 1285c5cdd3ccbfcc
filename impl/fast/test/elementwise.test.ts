/**
 * Plan: allFinite must answer false exactly when some element is NaN or ±∞, wherever it sits (every
 * position of arrays of length 0–9, so both the four-at-a-time loop and the tail are covered), and
 * true for finite extremes (±max float64, ±0, subnormals), whose ·0 products must not overflow.
 * initBias must overwrite stale contents (reused WebAssembly memory) with the bias or with zeros.
 */
import { describe, expect, it } from 'vitest';
import { absolute, allFinite, fillBias, initBias } from '../elementwise';

describe('allFinite', () => {
  it('finds one NaN or ±∞ at any position, in any length', () => {
    for (let n = 0; n <= 9; n++) {
      expect(allFinite(new Float64Array(n).fill(1.5))).toBe(true);
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const v = new Float64Array(n).fill(-2);
          v[at] = bad;
          expect(allFinite(v)).toBe(false);
          expect(allFinite(Float32Array.from(v))).toBe(false);
        }
      }
    }
  });
  it('accepts finite extremes', () => {
    expect(allFinite([Number.MAX_VALUE, -Number.MAX_VALUE, 0, -0, 5e-324, -5e-324, 3.4e38])).toBe(true);
  });
});

describe('absolute and fillBias', () => {
  it('absolute keeps NaN and maps ±∞ to +∞; fillBias sets each channel of each batch item', () => {
    expect(Array.from(absolute([-1, 2, -Infinity, -0]))).toEqual([1, 2, Infinity, 0]);
    expect(Number.isNaN(absolute([NaN])[0])).toBe(true);
    const y = new Float64Array(2 * 3 * 2);
    fillBias(y, [1, 2, 3], 2, 3, 2);
    expect(Array.from(y)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
  });
});

describe('initBias', () => {
  it('overwrites stale values with the bias per channel, or with zeros without one (only the first N·C·S elements)', () => {
    const y = new Float32Array(2 * 2 * 3 + 1).fill(7);
    initBias(y, [0.5, -1], 2, 2, 3);
    expect(Array.from(y)).toEqual([0.5, 0.5, 0.5, -1, -1, -1, 0.5, 0.5, 0.5, -1, -1, -1, 7]);
    initBias(y, undefined, 2, 2, 3);
    expect(Array.from(y)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
  });
});
