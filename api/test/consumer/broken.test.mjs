import { describeConformance } from 'convspec/vitest';
import broken from './broken.cjs';

describeConformance(broken, { clauses: ['conv.size.formula', 'convT.numeric.withinBound', 'fixtures.ort/onnx_*'] });
