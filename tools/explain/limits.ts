/**
 * The explanatory commands print every value, so they are for small examples. These caps keep the
 * output readable and refuse (with a clear message) before anything large is computed.
 */
import { product } from '../../impl/resolve';
import { UsageError } from '../terminal/usage';

/** Most elements of any tensor an explanation prints. */
export const MAX_EXPLAIN_ELEMENTS = 4096;

export function checkSmall(what: string, dims: readonly number[], max = MAX_EXPLAIN_ELEMENTS): void {
  const n = product(dims);
  if (n > max) {
    throw new UsageError(`${what} would have ${n} elements (dims ${dims.join('×')}); explanations print every value, so they are limited to ${max}: use a smaller example`);
  }
}

/** Values 1…n, the default example data: distinct small integers keep grids readable and arithmetic exact. */
export function oneToN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
