/**
 * Plan: `convspec/tolerance` judges outputs computed elsewhere the way verify does. The reference's
 * own float32 output is within the bound on drawn cases; moving one element by a few bounds is
 * reported at that element; a declared lower precision widens the bound by its unit roundoff ratio.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceConvTranspose } from '../../impl/reference';
import { validCase } from '../arbitraries';
import { expectedWithBound, findMismatch, profileFor } from '../tolerance';

describe('convspec/tolerance', () => {
  it('passes the reference, and reports an element moved by three bounds at its index', () => {
    fc.assert(
      fc.property(validCase('ConvTranspose'), fc.nat(), (c, pick) => {
        const { y } = referenceConvTranspose(c.x, c.w, c.b, c.attrs);
        const expected = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs);
        expect(findMismatch(y, expected)).toBeUndefined();
        const i = pick % y.data.length;
        // Three bounds away, plus a relative step so that float32 rounding cannot bring it back inside.
        const broken = Float32Array.from(y.data);
        broken[i] = Math.fround(expected.y64[i] + 3 * expected.bound[i] + Math.abs(expected.y64[i]) * 2 ** -20);
        const m = findMismatch({ dims: y.dims, data: broken }, expected);
        expect(m?.worst?.flat).toBe(i);
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it("a float16 profile's bound is the float32 one scaled by the unit roundoffs (up to γ's denominator and η)", () => {
    const [c] = fc.sample(validCase('Conv', { bias: 'always' }), { seed: 6, numRuns: 1 });
    const f32 = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, profileFor('float32'));
    const f16 = expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, profileFor('float16'));
    const ratios = Array.from(f16.bound, (b, i) => b / f32.bound[i]);
    expect(Math.min(...ratios)).toBeGreaterThan(2 ** 13 * 0.99);
  });
});
