import { describeConformance } from 'convspec/vitest';
import { reference } from 'convspec';

describeConformance(reference, { clauses: ['conv.size.formula', 'convT.numeric.withinBound', 'fixtures.ort/onnx_*'] });
// A module target runs isolated, as `npx convspec verify ./impl.cjs` does.
describeConformance({ kind: 'module', path: './impl.cjs' }, { clauses: ['convT.size.formula'] });
