/**
 * `convspec/tolerance`: the per-element bound convspec judges outputs with (README, "The tolerance
 * model"; spec/SPEC.md, "Tolerance"), so a user can judge outputs computed anywhere:
 *
 * ```ts
 * import { expectedWithBound, findMismatch, profileFor } from 'convspec/tolerance';
 * const expected = expectedWithBound('Conv', x, w, b, attrs, profileFor('float32'));
 * const mismatch = findMismatch(myOutput, expected); // undefined: every element within its bound
 * ```
 *
 * `expectedWithBound` runs the float64 reference and returns `y64` (the float64 result), `bound`
 * (the admissible |ŷ − y| per element) and `dims`. `findMismatch` applies the bound and the
 * non-finite rules (NaN must match NaN, ±∞ must match exactly, float32 overflow only where the
 * rounded reference overflows) and reports the worst element with a window around it.
 */
export {
  expectedWithBound, boundFromMagnitude, productsPerOutput, gamma, profileFor, transformTerm, addTransformTerm, PRECISION_PROFILES,
  type Expected, type PrecisionProfile, type Algorithm,
} from '../spec/tolerance';
export {
  findMismatch, assertWithinBound, elementRatio, formatWindow, MismatchError,
  type Mismatch, type WindowRow,
} from '../spec/framework/compare';
