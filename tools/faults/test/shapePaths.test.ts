/**
 * Plan: the shape-path mutants (tools/faults/shapePaths.ts) are bugs that only realistic
 * shapes reach. (1) No shape of the small tier of the random domain takes any special path, so
 * before the realistic tier those mutants computed exactly what the correct variant computes on
 * every random case. (2) On one hand-made shape per path, each mutant's output differs from the
 * reference beyond the bound (the bug is really there), while the correct variant taking the same
 * path stays within it. The kill table (`npm run mutants`, and with CONVSPEC_TIER=small) shows which
 * clauses kill them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../../impl/reference';
import type { ConvTransposeAttributes, OpName } from '../../../impl/types';
import { buildCase, convShape } from '../../../spec/arbitraries/cases';
import { makeTensor } from '../../../spec/arbitraries/data';
import { findMismatch } from '../../../spec/framework/compare';
import { expectedWithBound } from '../../../spec/tolerance';
import { firstPath, PATH_BUGS, shapePathKernel, type PathBug } from '../shapePaths';
import { variant } from '../variant';

interface Example {
  op: OpName;
  x: number[];
  w: number[];
  attrs: ConvTransposeAttributes;
  path: string;
}

/** One shape per bug that takes the bug's path. */
const EXAMPLES: Record<PathBug, Example> = {
  'batch-remainder-item-dropped': { op: 'Conv', x: [5, 2, 6], w: [3, 2, 3], attrs: {}, path: 'batch' },
  'depthwise-multiplier-channel-wraps': { op: 'Conv', x: [1, 16, 6, 6], w: [32, 1, 3, 3], attrs: { group: 16 }, path: 'depthwise' },
  'pointwise-gemm-weight-transposed': { op: 'ConvTranspose', x: [1, 17, 3, 3], w: [17, 24, 1, 1], attrs: {}, path: 'pointwise' },
  'long-reduction-float16-accumulator': { op: 'Conv', x: [1, 120, 5, 5], w: [4, 120, 3, 3], attrs: {}, path: 'longReduction' },
  'stride2-large-kernel-odd-tap-dropped': { op: 'Conv', x: [1, 2, 15, 15], w: [16, 2, 5, 5], attrs: { strides: [2, 2] }, path: 'stride2' },
  'input-channel-remainder-dropped': { op: 'ConvTranspose', x: [1, 17, 4], w: [17, 3, 3], attrs: { strides: [2] }, path: 'inputBlocks' },
  'output-channel-remainder-unwritten': { op: 'Conv', x: [1, 3, 7], w: [17, 3, 3], attrs: {}, path: 'outputBlocks' },
  'spatial-tile-tail-not-advanced': { op: 'Conv', x: [1, 2, 40], w: [2, 2, 3], attrs: {}, path: 'tiles' },
};

describe('shape-path mutants', () => {
  for (const op of ['Conv', 'ConvTranspose'] as OpName[]) {
    it(`no ${op} shape of the small tier takes a special path`, () => {
      fc.assert(
        fc.property(convShape(op), (s) => {
          const c = buildCase(s, 1);
          expect(firstPath(prepare(op, c.x, c.w, c.b, c.attrs))).toBeUndefined();
        }),
        { seed: 3, numRuns: 500 },
      );
    });
  }

  it('has one example per bug', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(PATH_BUGS.map((p) => p.bug).sort());
  });

  for (const { bug } of PATH_BUGS) {
    it(`${bug}: wrong on a shape of its path, while the correct variant on that path is within the bound`, () => {
      const e = EXAMPLES[bug];
      const x = makeTensor(e.x, 11);
      const w = makeTensor(e.w, 12);
      const m = e.op === 'Conv' ? e.w[0] : e.w[1] * (e.attrs.group ?? 1);
      const b = makeTensor([m], 13);
      expect(firstPath(prepare(e.op, x, w, b, e.attrs))).toBe(e.path);
      const expected = expectedWithBound(e.op, x, w, b, e.attrs);
      const call = (k: ReturnType<typeof shapePathKernel>) => {
        const v = variant({ kernel: k });
        return (e.op === 'Conv' ? v.conv : v.convTranspose)!(x, w, b, e.attrs) as { dims: number[]; data: Float32Array };
      };
      expect(findMismatch(call(shapePathKernel()), expected)).toBeUndefined();
      expect(findMismatch(call(shapePathKernel(bug)), expected)?.kind).toBe('value');
    });
  }
});
