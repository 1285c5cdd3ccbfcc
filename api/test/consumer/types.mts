// Type-checked (never run) as an ESM TypeScript consumer with node16 resolution.
import { reference, type Implementation } from 'convspec';
import { verifyTarget, type VerifyReport } from 'convspec/verify';
import { validCase, type OpCase } from 'convspec/arbitraries';
import { expectedWithBound } from 'convspec/tolerance';
import { describeConformance, type ConformanceOptions } from 'convspec/vitest';

const impl: Implementation = reference;
export const report: Promise<VerifyReport> = verifyTarget({ kind: 'module', path: './impl.cjs' }, { seed: 1 });
export const drawn = validCase('ConvTranspose');
export const bound = (c: OpCase): Float64Array => expectedWithBound(c.op, c.x, c.w, c.b, c.attrs).bound;
const options: ConformanceOptions = { clauses: ['conv.**'], depth: 2, testTimeoutMs: 60_000 };
export const register = (): void => describeConformance(impl, options);
// @ts-expect-error: depth is a number
export const wrong = (): void => describeConformance(impl, { depth: 'deep' });
