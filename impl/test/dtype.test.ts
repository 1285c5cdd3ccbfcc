/**
 * Plan: the float16/bfloat16 conversions, exhaustively. Every one of the 65536 patterns of each
 * type is decoded here a second, independent way (through the float32 bit layout and the platform's
 * Float32Array), must survive the round trip value → pattern, and every gap between neighbouring
 * numbers is probed at its midpoint (ties to the even pattern) and one float64 step either side of it
 * (to the nearer neighbour); so is the gap above the largest finite number (ties overflow to ∞).
 */
import { describe, expect, it } from 'vitest';
import { bfloat16Bits, bfloat16Value, decodeValues, DTYPE_FORMATS, encodeValues, float16Bits, float16Value, roundTo, ulp, bytesToStorage, storageToBytes } from '../dtype';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromFloat32Bits = (bits: number): number => {
  u32[0] = bits >>> 0;
  return f32[0];
};

/** bfloat16 is the top half of a float32. */
const bfloat16Independent = (bits: number): number => fromFloat32Bits(bits << 16);

/** float16 widened to float32 by moving its fields (subnormals normalised), then read by the platform. */
function float16Independent(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  let exp = (bits >> 10) & 0x1f;
  let frac = bits & 0x3ff;
  if (exp === 0x1f) return fromFloat32Bits(sign | 0x7f800000 | (frac << 13));
  if (exp === 0) {
    if (frac === 0) return fromFloat32Bits(sign);
    exp = 1;
    while (!(frac & 0x400)) {
      frac <<= 1;
      exp--;
    }
    frac &= 0x3ff;
  }
  return fromFloat32Bits(sign | ((exp - 15 + 127) << 23) | (frac << 13));
}

const view = new DataView(new ArrayBuffer(8));
function nextAfter(x: number, up: boolean): number {
  view.setFloat64(0, x);
  const b = view.getBigInt64(0);
  view.setBigInt64(0, x >= 0 === up ? b + 1n : b - 1n);
  return view.getFloat64(0);
}

const formats = [
  { name: 'float16', toBits: float16Bits, value: float16Value, independent: float16Independent, nan: 0x7e00, inf: 0x7c00, max: 65504 },
  { name: 'bfloat16', toBits: bfloat16Bits, value: bfloat16Value, independent: bfloat16Independent, nan: 0x7fc0, inf: 0x7f80, max: 3.3895313892515355e38 },
] as const;

for (const f of formats) {
  describe(`${f.name} conversions`, () => {
    it('decode every pattern as the independent decoding does', () => {
      let bad = 0;
      for (let bits = 0; bits < 65536; bits++) {
        const a = f.value(bits);
        const b = f.independent(bits);
        if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) bad++;
      }
      expect(bad).toBe(0);
      expect(f.value(f.inf - 1)).toBe(f.max);
      expect(DTYPE_FORMATS[f.name].maxFinite).toBe(f.max);
    });

    it('round-trip every non-NaN pattern, and send NaN to the quiet NaN', () => {
      const bad: number[] = [];
      for (let bits = 0; bits < 65536; bits++) {
        const v = f.value(bits);
        if (Number.isNaN(v)) continue;
        if (f.toBits(v) !== bits) bad.push(bits);
      }
      expect(bad).toEqual([]);
      expect(f.toBits(NaN)).toBe(f.nan);
      expect(Number.isNaN(f.value(f.nan))).toBe(true);
    });

    it('round to nearest, ties to the even pattern, at every gap (both signs)', () => {
      const bad: string[] = [];
      // Positive patterns in increasing order of value: 0 … largest finite, then +∞.
      for (let p = 0; p < f.inf; p++) {
        const lo = f.value(p);
        const hi = p + 1 === f.inf ? 2 * lo - f.value(p - 1) : f.value(p + 1); // the gap above max is one ulp wide
        const mid = (lo + hi) / 2;
        const even = p % 2 === 0 ? p : p + 1;
        for (const sign of [1, -1]) {
          const s = sign < 0 ? 0x8000 : 0;
          const check = (x: number, want: number) => {
            const got = f.toBits(sign * x);
            if (got !== (want | s)) bad.push(`${sign * x} → 0x${got.toString(16)}, want 0x${(want | s).toString(16)}`);
          };
          check(mid, even);
          check(nextAfter(mid, false), p);
          check(nextAfter(mid, true), p + 1);
        }
      }
      expect(bad.slice(0, 10)).toEqual([]);
    });
  });
}

describe('rounding of values that are not neighbours of a gap', () => {
  it('overflows to ±∞ and underflows to ±0 with the sign kept', () => {
    expect(float16Value(float16Bits(1e6))).toBe(Infinity);
    expect(float16Value(float16Bits(-1e6))).toBe(-Infinity);
    expect(Object.is(float16Value(float16Bits(-1e-30)), -0)).toBe(true);
    expect(float16Value(float16Bits(2 ** -25 * 1.0000001))).toBe(2 ** -24);
    expect(float16Value(float16Bits(2 ** -25))).toBe(0); // a tie: to the even pattern, 0
    expect(bfloat16Value(bfloat16Bits(Number.MAX_VALUE))).toBe(Infinity);
  });

  it('rounds straight from float64, not twice through float32', () => {
    // 1 + 2^-11 + 2^-40: above the float16 tie, but float32 would round it to the tie (then to even, 1).
    const v = 1 + 2 ** -11 + 2 ** -40;
    expect(Math.fround(v)).toBe(1 + 2 ** -11);
    expect(roundTo('float16', v)).toBe(1 + 2 ** -10);
    const w = 1 + 2 ** -8 + 2 ** -40;
    expect(roundTo('bfloat16', w)).toBe(1 + 2 ** -7);
  });

  it('encodes and decodes arrays and little-endian bytes for every type', () => {
    const values = [0, -0.5, 1 / 3, 65504, -(2 ** -24), 1e-3];
    for (const dtype of ['float16', 'bfloat16', 'float32', 'float64'] as const) {
      const stored = encodeValues(dtype, values);
      const back = decodeValues(dtype, stored);
      expect(Array.from(back)).toEqual(values.map((v) => roundTo(dtype, v)));
      const bytes = storageToBytes(dtype, stored);
      expect(bytes.length).toBe(values.length * DTYPE_FORMATS[dtype].bytes);
      expect(Array.from(bytesToStorage(dtype, bytes))).toEqual(Array.from(stored));
    }
    expect(storageToBytes('float16', new Uint16Array([0x3c00]))).toEqual(Buffer.from([0x00, 0x3c]));
  });

  it('gives the spacing of each type', () => {
    expect(ulp('float16', 1)).toBe(2 ** -10);
    expect(ulp('float16', 8.7e-4)).toBe(2 ** -21);
    expect(ulp('float16', 1e-6)).toBe(2 ** -24);
    expect(ulp('bfloat16', 1)).toBe(2 ** -7);
    expect(ulp('float32', 1)).toBe(2 ** -23);
    expect(ulp('float64', 1)).toBe(2 ** -52);
    expect(ulp('float16', 65504)).toBe(32);
  });
});
