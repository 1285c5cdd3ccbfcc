/**
 * describeConformance used as a user would, from this repository's own vitest run: the reference
 * passes the clauses and fixture families it registers. (installed.test.ts does the same from the
 * installed package, with a broken implementation too.)
 */
import { reference } from '../../impl/reference';
import { describeConformance } from '../vitest.mjs';

describeConformance(reference, { clauses: ['conv.size.*', 'convT.numeric.withinBound', 'fixtures.ort/onnx_*'] });
