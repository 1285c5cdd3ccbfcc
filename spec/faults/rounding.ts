/**
 * Rounding to narrower floating-point formats, for the reduced-precision mutants (and nothing else).
 * Node 20 has no Math.f16round, so float16 and TF32 rounding are written out: round to nearest,
 * ties to even, at a given number of significand bits, with the format's exponent range.
 */

const scratch = new DataView(new ArrayBuffer(8));

/** Binary exponent e of a finite non-zero double, with 2^e ≤ |v| < 2^(e+1). */
function exponentOf(v: number): number {
  scratch.setFloat64(0, v);
  const biased = (scratch.getUint16(0) >> 4) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  return Math.floor(Math.log2(Math.abs(v))); // double subnormal: far below any format here
}

/**
 * Rounds v to a binary format with `fractionBits` stored fraction bits, smallest normal exponent
 * `minExponent` (below it, subnormal spacing) and largest finite value `max` (above it, ±Infinity).
 */
export function roundToFormat(v: number, fractionBits: number, minExponent: number, max: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const e = Math.max(exponentOf(v), minExponent);
  const ulp = 2 ** (e - fractionBits);
  const scaled = Math.abs(v) / ulp; // exact: ulp is a power of two
  let q = Math.floor(scaled);
  const rest = scaled - q;
  if (rest > 0.5 || (rest === 0.5 && q % 2 === 1)) q += 1;
  const r = q * ulp;
  // Overflow: values at or past the rounding midpoint above max become infinite.
  if (r > max) return v > 0 ? Infinity : -Infinity;
  return v > 0 ? r : -r;
}

/** IEEE binary16: 10 fraction bits, exponents −14…15, largest finite 65504. */
export const roundToFloat16 = (v: number): number => roundToFormat(v, 10, -14, 65504);

/** NVIDIA TF32: float32's exponent range with 10 fraction bits. */
export const roundToTf32 = (v: number): number => roundToFormat(v, 10, -126, 3.4011621342146535e38);
