/**
 * Plan: the float16 and TF32 rounding behind the reduced-precision mutants is what it claims, so
 * "float16-accumulation" really is float16: exact values stay, ties go to even, the largest finite
 * value and overflow to ±Infinity sit where IEEE binary16 puts them, subnormals keep their spacing,
 * and TF32 keeps 10 fraction bits over float32's exponent range. Expected values are small powers of
 * two worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { roundToFloat16, roundToTf32 } from '../rounding';

describe('roundToFloat16', () => {
  it('keeps representable values and signs', () => {
    for (const v of [0, -0, 1, -1, 0.5, 1 + 2 ** -10, 2048, 65504, -65504, 2 ** -14, 2 ** -24]) expect(Object.is(roundToFloat16(v), v)).toBe(true);
  });
  it('rounds to nearest with ties to even', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // tie, 1 is even
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 * 2 ** -10); // tie, rounds up to even
    expect(roundToFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10); // above the tie
    expect(roundToFloat16(-(1 + 2 ** -11 + 2 ** -20))).toBe(-(1 + 2 ** -10));
    expect(roundToFloat16(2049)).toBe(2048); // spacing 2 above 2048, tie to even
    expect(roundToFloat16(2051)).toBe(2052);
  });
  it('overflows to infinity from the rounding midpoint 65520 on', () => {
    expect(roundToFloat16(65519.99)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(-1e6)).toBe(-Infinity);
    expect(roundToFloat16(Infinity)).toBe(Infinity);
    expect(roundToFloat16(NaN)).toBeNaN();
  });
  it('has subnormal spacing 2^-24 below 2^-14', () => {
    expect(roundToFloat16(3 * 2 ** -25)).toBe(2 * 2 ** -24); // 1.5 ulps: tie to even (2)
    expect(roundToFloat16(2 ** -26)).toBe(0);
    expect(roundToFloat16(2 ** -14 - 2 ** -25)).toBe(2 ** -14); // tie between 1023 and 1024 ulps: even
  });
});

describe('roundToTf32', () => {
  it('keeps 10 fraction bits over the float32 exponent range', () => {
    expect(roundToTf32(1 + 2 ** -11)).toBe(1);
    expect(roundToTf32(1 + 2 ** -10)).toBe(1 + 2 ** -10);
    expect(roundToTf32(3 + 2 ** -10)).toBe(3); // spacing 2^-9 in [2, 4): tie to even
    expect(roundToTf32(1e30 * (1 + 2 ** -12))).toBe(roundToTf32(1e30));
    expect(roundToTf32(2 ** -130)).toBe(2 ** -130);
    const max = 2 ** 128 - 2 ** 117; // (2 − 2^-10)·2^127
    expect(roundToTf32(max + 2 ** 115)).toBe(max);
    expect(roundToTf32(2 ** 128 - 2 ** 116)).toBe(Infinity); // the midpoint above max
  });
});
