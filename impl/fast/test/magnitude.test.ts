/**
 * Plan: the tolerance model's magnitude Σ|x||w| + |b| computed by the fast path must match the
 * direct definition run on |x|, |W|, |b|: magnitudeRun (float64) up to float64 rounding;
 * withMagnitude, whose magnitude lane may run in float32 and is then inflated, never below the
 * direct value and at most 3γ(2⁻²⁴)·chain relative above it — with the float32 lane on and off —
 * while its result must equal the direct result up to float64 rounding. Over the same random valid
 * configurations as the kernel property, with both micro-kernels (WebAssembly and JS), plus fixed
 * cases crossing the GEMM blocks and ones whose products overflow float32 (the float32 lane must
 * fall back to float64); with NaN/±∞ planted, NaN and +∞ positions must match.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from '../../resolve';
import { DEFAULT_SEED } from '../../../spec/framework/runClause';
import { setWasmKernel } from '../gemm';
import { magnitudeRun, withMagnitude } from '../magnitude';
import { fastKernels } from '../index';
import { caseArb, disagreement, magnitudeDisagreement, materialise, randomData, seeded, type Data } from './configs';
import { setMagnitude32 } from '../conv';

const seed = Number(process.env.CONVSPEC_SEED ?? DEFAULT_SEED);
const abs = (v: Float32Array): Float32Array => v.map(Math.abs);
const absData = (d: Data): Data => ({ g: d.g, x: abs(d.x), w: abs(d.w), b: d.b && abs(d.b) });
const special = [NaN, Infinity, -Infinity];

function planted(c: Parameters<typeof materialise>[0], count: number): Data {
  const d = materialise(c);
  const rand = seeded(c.dataSeed ^ 0x2545f491);
  for (let i = 0; i < count; i++) d.x[Math.floor(rand() * d.x.length)] = special[Math.floor(rand() * 3)];
  return d;
}

for (const engine of ['wasm', 'js'] as const) describe(`fast magnitude (${engine} micro-kernel) equals the direct definition on |x|, |W|, |b|`, () => {
  beforeAll(() => setWasmKernel(engine === 'wasm'));
  afterAll(() => setWasmKernel(true));
  const numRuns = engine === 'wasm' ? 150 : 50;

  it('magnitudeRun: random valid configurations, finite and with NaN/±∞ planted', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 2 }), (c, count) => {
        const d = planted(c, count);
        const why = disagreement(absData(d), magnitudeRun(d.g, d.x, d.w, d.b));
        if (why) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)}: ${why}`);
      }),
      { seed, numRuns },
    );
  });

  it('withMagnitude: its result is bit for bit the fast kernels\' result (the magnitude lane never touches it)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 1 }), (c, count) => {
        const d = planted(c, count);
        const alone = (d.g.op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose)(d.g, d.x, d.w, d.b);
        const both = withMagnitude(d.g, d.x, d.w, d.b).y;
        const same = alone.length === both.length && alone.every((v, i) => Object.is(v, both[i]) || (Number.isNaN(v) && Number.isNaN(both[i])));
        if (!same) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)}: results differ`);
      }),
      { seed, numRuns: engine === 'wasm' ? 100 : 40 },
    );
  });

  it('withMagnitude: result and magnitude in one pass, finite and with NaN/±∞ planted', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 2 }), (c, count) => {
        const d = planted(c, count);
        const both = withMagnitude(d.g, d.x, d.w, d.b);
        const why = disagreement(d, both.y) ?? magnitudeDisagreement(d, both.magnitude);
        if (why) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)}: ${why}`);
      }),
      { seed, numRuns },
    );
  });

  // K block (depth > 256) and N block (> 256 columns) crossed, partial tiles: the in-place |B| and
  // the second accumulator lane must survive several K blocks per column block.
  const blockCases = [
    { op: 'Conv' as const, x: [1, 100, 603], w: [5, 100, 3], attrs: { pads: [1, 0] } },
    { op: 'ConvTranspose' as const, x: [1, 300, 300], w: [300, 6, 3], attrs: { strides: [2], pads: [1, 2], output_padding: [1] } },
  ];
  for (const bc of blockCases) {
    it(`withMagnitude: ${bc.op} crossing K and N blocks`, () => {
      const rand = seeded(11);
      const g = resolve(bc.op, bc.x, bc.w, bc.attrs, [bc.op === 'Conv' ? bc.w[0] : bc.w[1]]);
      const d: Data = {
        g,
        x: randomData(g.inputDims.reduce((a, b) => a * b, 1), rand),
        w: randomData(g.weightDims.reduce((a, b) => a * b, 1), rand),
        b: randomData(g.outChannels, rand),
      };
      const both = withMagnitude(d.g, d.x, d.w, d.b);
      expect(disagreement(d, both.y)).toBeUndefined();
      expect(magnitudeDisagreement(d, both.magnitude)).toBeUndefined();
    });
  }

  for (const [op, group] of [['Conv', 1], ['ConvTranspose', 1], ['Conv', 8], ['ConvTranspose', 8]] as const) {
    it(`withMagnitude: ${op} (group ${group}: ${group > 1 ? 'row runs, float64' : 'GEMM, float32 lane falls back to float64'}) with products above the float32 range stays a finite upper bound`, () => {
      const rand = seeded(5);
      const g = resolve(op, [1, 8, 12], [8, 8 / group, 3], { group });
      const d: Data = { g, x: randomData(96, rand).map((v) => v * 2 ** 100), w: randomData(192 / group, rand).map((v) => v * 2 ** 100), b: undefined };
      const both = withMagnitude(d.g, d.x, d.w, d.b);
      expect(both.magnitude.every(Number.isFinite)).toBe(true);
      expect(magnitudeDisagreement(d, both.magnitude)).toBeUndefined();
    });
  }
});

describe('withMagnitude with the float32 magnitude lane off (float64 throughout)', () => {
  beforeAll(() => setMagnitude32(false));
  afterAll(() => setMagnitude32(true));
  it('equals the direct magnitude up to float64 rounding', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = materialise(c);
        const both = withMagnitude(d.g, d.x, d.w, d.b);
        const why = disagreement(d, both.y) ?? disagreement(absData(d), both.magnitude);
        if (why) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)}: ${why}`);
      }),
      { seed, numRuns: 60 },
    );
  });
});
