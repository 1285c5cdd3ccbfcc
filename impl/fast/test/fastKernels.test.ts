/**
 * Plan: the fast kernels (GEMM + index tables) must compute the same float64 function as the direct
 * definition in impl/direct.ts. Over random valid configurations (rank 1–3, groups, dilation,
 * stride, asymmetric pads, auto_pad, output_padding, output_shape above and below natural, bias,
 * batch 1–2) the results may differ only by float64 rounding (2·γ_{n+1}(2⁻⁵³)·Σ|x||w| per element);
 * with NaN/±∞ planted in X or W, NaN and ±∞ positions must be identical. Fixed cases cross the
 * GEMM's K and N block boundaries (256) and its 4×4 tile edges, which small random shapes do not.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from '../../resolve';
import { DEFAULT_SEED } from '../../../spec/framework/runClause';
import { fastKernels } from '../index';
import { setWasmKernel } from '../gemm';
import { wasmGemm } from '../wasmKernel';
import { caseArb, disagreement, materialise, randomData, seeded, type Data } from './configs';

const seed = Number(process.env.CONVSPEC_SEED ?? DEFAULT_SEED);
const runFast = (d: Data): Float64Array => (d.g.op === 'Conv' ? fastKernels.conv : fastKernels.convTranspose)(d.g, d.x, d.w, d.b);

describe('the WebAssembly SIMD micro-kernel', () => {
  it('compiles on this Node (otherwise the property tests below only cover the JS kernel)', () => {
    expect(wasmGemm()).toBeDefined();
  });
});

for (const engine of ['wasm', 'js'] as const) describe(`fast kernels (${engine} micro-kernel) equal the direct definition up to float64 rounding`, () => {
  beforeAll(() => setWasmKernel(engine === 'wasm'));
  afterAll(() => setWasmKernel(true));

  it('random valid Conv and ConvTranspose configurations', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = materialise(c);
        const why = disagreement(d, runFast(d));
        if (why) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)}: ${why}`);
      }),
      { seed, numRuns: engine === 'wasm' ? 300 : 100 },
    );
  });

  it('NaN and ±Infinity in X or W propagate to exactly the same outputs', () => {
    const special = [NaN, Infinity, -Infinity];
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 3 }), fc.constantFrom('x', 'w', 'both'), (c, count, where) => {
        const d = materialise(c);
        const rand = seeded(c.dataSeed ^ 0x5bd1e995);
        for (let i = 0; i < count; i++) {
          const v = special[Math.floor(rand() * 3)];
          if (where !== 'w') d.x[Math.floor(rand() * d.x.length)] = v;
          if (where !== 'x') d.w[Math.floor(rand() * d.w.length)] = v;
        }
        const why = disagreement(d, runFast(d));
        if (why) throw new Error(`${c.op} x${JSON.stringify(c.xDims)} w${JSON.stringify(c.wDims)} ${JSON.stringify(c.attrs)} (${where}): ${why}`);
      }),
      { seed, numRuns: engine === 'wasm' ? 150 : 50 },
    );
  });

  const blockCases: { name: string; op: 'Conv' | 'ConvTranspose'; x: number[]; w: number[]; attrs: object }[] = [
    // depth cg·k = 100·3 = 300 > KC and output length 601 > NC, 5 output channels (edge tile rows)
    { name: 'Conv 1-D, K and N blocks crossed', op: 'Conv', x: [1, 100, 603], w: [5, 100, 3], attrs: { pads: [1, 0] } },
    // grouped with dilation and stride, 2 groups of 130 input channels (K block crossed per group)
    { name: 'grouped Conv 1-D, stride 2, dilation 2', op: 'Conv', x: [2, 260, 530], w: [10, 130, 2], attrs: { group: 2, strides: [2], dilations: [2], pads: [2, 1] } },
    // ConvTranspose depth cg = 300 > KC, input length 300 > NC, rows mg·k = 6·3 = 18 (edge tile)
    { name: 'ConvTranspose 1-D, K and N blocks crossed', op: 'ConvTranspose', x: [1, 300, 300], w: [300, 6, 3], attrs: { strides: [2], pads: [1, 2], output_padding: [1] } },
    // 2-D ConvTranspose with output_shape above natural (appended elements: bias only)
    { name: 'ConvTranspose 2-D, output_shape above natural', op: 'ConvTranspose', x: [1, 8, 17, 17], w: [8, 5, 3, 3], attrs: { strides: [2, 2], output_shape: [36, 35] } },
  ];
  for (const bc of blockCases) {
    it(bc.name, () => {
      const rand = seeded(7);
      const g = resolve(bc.op, bc.x, bc.w, bc.attrs, [bc.op === 'Conv' ? bc.w[0] : bc.w[1] * ((bc.attrs as { group?: number }).group ?? 1)]);
      const d: Data = {
        g,
        x: randomData(g.inputDims.reduce((a, b) => a * b, 1), rand),
        w: randomData(g.weightDims.reduce((a, b) => a * b, 1), rand),
        b: randomData(g.outChannels, rand),
      };
      expect(disagreement(d, runFast(d))).toBeUndefined();
    });
  }
});
