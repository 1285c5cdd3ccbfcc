/**
 * Findings shown everywhere (issue 23): the terminal report leads with them, the JSON report carries
 * them as data that the schema accepts and that reads back to the same tensors, JUnit names them in
 * each failure and in the suite's output, and the HTML page shows each with its counterexample. One
 * real verify run of a two-bug mutant (batch items after the first wrong; SAME pads placed as if the
 * stride were 1) feeds every writer.
 */
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { multiBugMutants } from '../../faults/multiBug';
import { verifyTarget } from '../../verify/run';
import { findingLines } from '../findingText';
import { tensorFromData, type Finding } from '../finding';
import { formatReport } from '../format';
import { renderHtmlReport } from '../html';
import { toJUnit } from '../junit';
import { reportToJson, type VerifyReport } from '../report';
import { REPORT_SCHEMA } from '../reportSchema';
import { plain } from '../../terminal/style';

let report: VerifyReport;
beforeAll(async () => {
  const entry = multiBugMutants.find((e) => e.id === 'multi-batch-first-same-stride')!;
  report = await verifyTarget({ kind: 'implementation', implementation: entry.impl }, { clauses: ['conv.numeric.withinBound', 'conv.size.autoPad'], log: () => undefined });
}, 60_000);

describe('findings in every report', () => {
  it('the run found both bugs, each consistent with its own fault model', () => {
    const fits = (report.findings ?? []).map((f) => f.consistentWith);
    expect(fits).toHaveLength(2);
    expect(fits.flat().sort()).toEqual(['batch-items-as-first', 'same-pads-ignore-stride']);
  });

  it('terminal: a Findings section before the clause table, each with trigger, fit, what it explains and its counterexample', () => {
    const text = formatReport(report, plain);
    expect(text).toContain('Findings: 2 distinct faults');
    expect(text).toContain('F1: batch > 1');
    expect(text).toMatch(/F2: auto_pad SAME_\* and stride > 1/);
    expect(text).toContain('consistent with batch-items-as-first');
    expect(text).toContain('consistent with same-pads-ignore-stride');
    expect(text).toMatch(/smallest counterexample: Conv(Transpose)? X\[/);
    expect(text.indexOf('Findings:')).toBeLessThan(text.indexOf('conv.numeric.withinBound'));
  });

  it('JSON: findings as data the schema accepts; the counterexample reads back to tensors with the same values', () => {
    const json = JSON.parse(reportToJson(report));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(REPORT_SCHEMA);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const f = json.findings[0] as Finding;
    expect(Object.keys(f.counterexample!).sort()).toEqual(['attrs', 'b', 'op', 'w', 'x']);
    const x = tensorFromData(f.counterexample!.x, 'x');
    expect(x.dims[0]).toBeGreaterThan(1); // the batch bug needs a second item
    expect(Array.from(x.data)).toEqual(f.counterexample!.x.data);
    // A finding the schema would refuse is refused: the schema checks findings at all.
    const broken = { ...json, findings: [{ ...f, counterexample: { ...f.counterexample, x: { dims: [1], data: ['one'] } } }] };
    expect(validate(broken)).toBe(false);
  });

  it('JUnit: each failure names its finding; the suite output lists the findings', () => {
    const xml = toJUnit(report);
    expect(xml).toContain('<system-out>Findings: 2 distinct faults');
    expect(xml).toMatch(/<failure [^>]*>finding F1: batch &gt; 1; consistent with batch-items-as-first/);
  });

  it('HTML: a Findings section with each counterexample', async () => {
    const html = await renderHtmlReport({ title: 't', sections: [{ report }] });
    expect(html).toContain('Findings: 2 distinct faults');
    expect(html).toContain('F2: auto_pad SAME_* and stride &gt; 1');
    expect(html).toMatch(/<pre>Conv(Transpose)? X\[/);
  });

  it('a finding no fault model fits says so instead of guessing', () => {
    const lines = findingLines({ id: 'F1', clauses: ['conv.numeric.withinBound'], cases: [], trigger: 'batch > 1', consistentWith: [] });
    expect(lines).toContain('  no catalogued fault fits');
  });
});
