/**
 * Plan: the two transform-algorithm good variants (Winograd F(2,3)/F(2×2,3×3) and radix-2 FFT, all
 * float32) are genuinely correct — they agree with the float64 reference within a generous sanity
 * tolerance (2⁻¹⁶ of the channel's largest |b| + Σ|x||w|, independent of spec/tolerance.ts) on
 * random cases of both operators, with every Winograd path and both FFT ranks exercised; the FFT
 * primitive matches a float64 DFT. Then the tolerance: the transform term is exactly the documented
 * formula on a hand-computed case, it is absent unless declared, a clause that fails the FFT under
 * the default (direct) bound passes once `algorithm: 'transform'` is declared, and precision bugs
 * (float16 accumulation) are still rejected under the transform bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../../../impl/reference';
import type { OpName } from '../../../../impl/types';
import { buildCase, convShape } from '../../../../spec/arbitraries/cases';
import { allClauses } from '../../../../spec/clauses';
import { runClause } from '../../../../spec/framework/runClause';
import { subjectFromImplementation } from '../../../../spec/framework/subject';
import { expectedWithBound, PRECISION_PROFILES, profileFor, transformTerm } from '../../../../spec/tolerance';
import { catalogue } from '../../catalogue';
import { variant } from '../../variant';
import { fft, fftKernel } from '../fft';
import { lower } from '../lowering';
import { winogradKernel, winogradPath } from '../winograd';

const OPS: OpName[] = ['Conv', 'ConvTranspose'];

/** Random shapes plus shapes forced onto the Winograd path (3-tap kernels, stride and dilation 1). */
function cases(op: OpName, seed: number) {
  const random = fc.sample(convShape(op), { numRuns: 80, seed });
  const threeTaps = fc
    .sample(convShape(op, { maxRank: 2, maxStride: 1, maxDilation: 1, maxExtra: 6, maxInput: 7 }), { numRuns: 40, seed: seed + 1 })
    .map((s) => ({ ...s, axes: s.axes.map((a) => ({ ...a, k: 3, i: a.i + 2 })) }));
  return [...random, ...threeTaps].map((s, i) => buildCase(s, seed * 1000 + i));
}

describe('the transform variants are correct float32 algorithms', () => {
  for (const [name, kernel] of [['winograd', winogradKernel], ['fft', fftKernel]] as const) {
    it(`${name} agrees with the float64 reference within 2^-16 of the largest magnitude, both operators`, () => {
      const impl = variant({ kernel });
      const paths = new Set<string>();
      for (const op of OPS) {
        for (const c of cases(op, 11)) {
          const run = (op === 'Conv' ? impl.conv : impl.convTranspose)!;
          const y = run(c.x, c.w, c.b, c.attrs) as { data: Float32Array };
          const e = expectedWithBound(op, c.x, c.w, c.b, c.attrs, undefined, { keepMagnitude: true });
          const g = prepare(op, c.x, c.w, c.b, c.attrs);
          paths.add(name === 'winograd' ? winogradPath(lower(op, g, c.x.data, c.w.data)) : `rank ${g.rank}`);
          const largest = e.magnitude!.reduce((m, v) => Math.max(m, v), 0);
          const worst = e.y64.reduce((m, v, i) => Math.max(m, Math.abs(y.data[i] - v)), 0);
          if (!(worst <= 2 ** -16 * largest)) throw new Error(`${op} ${JSON.stringify(c.shape)}: error ${worst} vs largest magnitude ${largest}`);
        }
      }
      expect([...paths].sort()).toEqual(name === 'winograd' ? ['im2col-gemm', 'winograd-1d', 'winograd-2d'] : ['rank 1', 'rank 2', 'rank 3']);
    });
  }

  it('the float32 FFT matches a float64 DFT', () => {
    const n = 16;
    const x = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7) + i / 8));
    const re = Float32Array.from(x);
    const im = new Float32Array(n);
    fft(re, im);
    for (let f = 0; f < n; f++) {
      let r = 0;
      let i = 0;
      for (let q = 0; q < n; q++) {
        r += x[q] * Math.cos((-2 * Math.PI * f * q) / n);
        i += x[q] * Math.sin((-2 * Math.PI * f * q) / n);
      }
      expect(Math.abs(re[f] - r)).toBeLessThan(1e-5);
      expect(Math.abs(im[f] - i)).toBeLessThan(1e-5);
    }
  });
});

describe('the transform term of the tolerance model', () => {
  it('is κ·(u·Σ_c‖x_c‖₂‖W_mc‖₁ + η) with κ = 20·L + 6^r·(C/g + 13), by hand on a 1-D case', () => {
    // x = [3, 4]: ‖x‖₂ = 5; W = [1, −2]: ‖W‖₁ = 3; i = 2, k = 2, s = 1 → o = 1.
    // L = ⌈log₂ 2(s·i + o + d(k−1)+1 + 0 + 0)⌉ = ⌈log₂ 10⌉ = 4; κ = 80 + 6·14 = 164.
    const x = { dims: [1, 1, 2], data: Float32Array.of(3, 4) };
    const w = { dims: [1, 1, 2], data: Float32Array.of(1, -2) };
    const g = prepare('Conv', x, w, undefined, {});
    const p = PRECISION_PROFILES.float32;
    expect(Array.from(transformTerm(g, x, w, p))).toEqual([164 * (p.u * 15 + p.eta)]);
  });

  it('is added only when declared: the default profile is unchanged', () => {
    expect(profileFor()).toBe(PRECISION_PROFILES.float32);
    expect(profileFor('float32', 'transform')).toEqual({ ...PRECISION_PROFILES.float32, algorithm: 'transform' });
    const c = buildCase(fc.sample(convShape('Conv'), { numRuns: 1, seed: 3 })[0], 3);
    const plain = expectedWithBound('Conv', c.x, c.w, c.b, c.attrs);
    const declared = expectedWithBound('Conv', c.x, c.w, c.b, c.attrs, profileFor('float32', 'transform'));
    const term = transformTerm(plain.geometry, c.x, c.w);
    declared.bound.forEach((v, i) => expect(v).toBeCloseTo(plain.bound[i] + term[i], 20));
  });

  it('turns a false alarm on the FFT into a pass, and still rejects float16 accumulation', async () => {
    const clause = allClauses.find((c) => c.id === 'convT.structure.linearInput')!;
    const fftEntry = catalogue.find((e) => e.id === 'fft-float32')!;
    const asDirect = { ...fftEntry.impl, supports: { ...fftEntry.impl.supports, algorithm: 'direct' as const } };
    expect((await runClause(clause, subjectFromImplementation(asDirect))).status).toBe('failed');
    expect((await runClause(clause, subjectFromImplementation(fftEntry.impl))).status).toBe('passed');
    const f16 = catalogue.find((e) => e.id === 'float16-accumulation')!;
    const f16Transform = { ...f16.impl, supports: { algorithm: 'transform' as const } };
    const within = allClauses.find((c) => c.id === 'conv.numeric.withinBound')!;
    expect((await runClause(within, subjectFromImplementation(f16Transform))).status).toBe('failed');
  });
});
