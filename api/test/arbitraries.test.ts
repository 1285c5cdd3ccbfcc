/**
 * Plan: the public arbitraries keep their documented promises. Valid cases: the reference accepts
 * every draw with the output size of the SPEC.md formula, and each CaseOptions bound is respected.
 * Invalid cases: for every op and every class in INVALID_INPUT_CODES, the reference rejects every
 * draw with exactly that code while the control case it was broken from runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConvSpecError } from '../../impl/errors';
import { referenceConv, referenceConvTranspose } from '../../impl/reference';
import type { OpName } from '../../impl/types';
import { anyInvalidCase, channelCounts, INVALID_INPUT_CODES, invalidCase, outputSpatialOf, validCase, type OpCase } from '../arbitraries';

const run = (c: Pick<OpCase, 'op' | 'x' | 'w' | 'b' | 'attrs'>) => (c.op === 'Conv' ? referenceConv : referenceConvTranspose)(c.x, c.w, c.b, c.attrs).y;
const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return isConvSpecError(e) ? e.code : `not a ConvSpecError: ${String(e)}`;
  }
};

describe('convspec/arbitraries', () => {
  for (const op of ['Conv', 'ConvTranspose'] as OpName[]) {
    it(`validCase('${op}') draws cases the reference runs, with the formula's output dims`, () => {
      fc.assert(
        fc.property(validCase(op), (c) => {
          const y = run(c);
          expect(y.dims).toEqual([c.shape.batch, channelCounts(c.shape).m, ...outputSpatialOf(c.shape)]);
        }),
        { seed: 1, numRuns: 150 },
      );
    });

    it(`validCase('${op}', options) stays within every bound it is given`, () => {
      const options = { minRank: 2, maxRank: 2, maxBatch: 1, maxGroup: 1, maxKernel: 2, maxStride: 1, maxDilation: 1, maxPad: 0, bias: 'always' as const, data: { mode: 'exact' as const } };
      fc.assert(
        fc.property(validCase(op, options), (c) => {
          expect(c.x.dims.length).toBe(4);
          expect(c.x.dims[0]).toBe(1);
          expect(c.attrs.group ?? 1).toBe(1);
          expect(c.b).toBeDefined();
          for (const a of c.shape.axes) expect([a.k <= 2, a.s, a.d, a.pb, a.pe, a.op]).toEqual([true, 1, 1, 0, 0, 0]);
          expect([...c.x.data, ...c.w.data].every((v) => Number.isInteger(v) && Math.abs(v) <= 3)).toBe(true);
          run(c);
        }),
        { seed: 2, numRuns: 100 },
      );
    });

    for (const code of INVALID_INPUT_CODES[op]) {
      it(`invalidCase('${op}', '${code}'): the reference rejects every draw with ${code}; the control runs`, () => {
        fc.assert(
          fc.property(invalidCase(op, code), (c) => {
            expect(c.code).toBe(code);
            run(c.control);
            expect(codeOf(() => run(c))).toBe(code);
          }),
          { seed: 3, numRuns: 25 },
        );
      });
    }
  }

  it('invalidCase refuses a class that does not apply to the op, naming those that do', () => {
    expect(() => invalidCase('Conv', 'OUTPUT_PADDING_RANGE')).toThrow(/not an invalid-input class of Conv; those are .*GROUP_DIVISIBILITY/);
  });

  it('anyInvalidCase draws every class of the op', () => {
    const seen = new Set(fc.sample(anyInvalidCase('ConvTranspose'), { seed: 4, numRuns: 400 }).map((c) => c.code));
    expect([...seen].sort()).toEqual([...INVALID_INPUT_CODES.ConvTranspose].sort());
  });
});
