/**
 * The fast exact kernels (issue 7): same float64 semantics as impl/direct.ts, GEMM-based.
 */
import type { Kernels } from '../kernels';
import { convFast } from './conv';
import { convTransposeFast } from './convTranspose';

export { convFast } from './conv';
export { convTransposeFast } from './convTranspose';

/** The fast kernel pair, verified against directKernels by impl/fast/test. */
export const fastKernels: Kernels = { conv: convFast, convTranspose: convTransposeFast };
export { magnitudeRun, withMagnitude } from './magnitude';
