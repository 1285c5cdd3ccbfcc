/**
 * Plan: the conformance table's formatting, on a report produced by the real verifier for a small
 * in-process implementation (the reference, and a copy that ignores the bias), restricted to two
 * clauses so it is fast: the table names every clause once, marks a failure as **FAIL**, lists the
 * failure with its replay command, gives each target its verdict, and notes skipped cases with the
 * declared reason.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import { verifyTarget } from '../../verify/run';
import type { ImplementationWithSupports } from '../../../spec/framework/subject';
import { catalogue } from '../../faults/catalogue';
import { conformanceMarkdown, type ConformanceTarget } from '../table';

const clauses = ['conv.numeric.withinBound', 'convT.numeric.withinBound'];
const column = async (key: string, impl: ImplementationWithSupports) => ({
  t: { key, label: key, target: { kind: 'implementation', implementation: impl }, version: () => `${key} 1.0` } as ConformanceTarget,
  report: await verifyTarget({ kind: 'implementation', implementation: impl }, { clauses, log: () => undefined }),
});

describe('the conformance table', () => {
  it('shows passes, failures with replay, verdicts and skip reasons clause by clause', async () => {
    const biasIgnored = catalogue.find((e) => e.id === 'bias-ignored')!.impl;
    // A declaration draws are not steered around (spec/arbitraries/steer.ts): a whole op, so its clause is skipped with the reason.
    const convOnly = { ...reference, name: 'conv only', supports: { ops: ['Conv' as const] } };
    const md = conformanceMarkdown([await column('good', reference), await column('nobias', biasIgnored), await column('nogroupT', convOnly)], { date: '2026-01-02', seed: 1, depth: 1 });
    const rows = md.split('\n');
    expect(md).toContain('on 2026-01-02');
    expect(rows.find((r) => r.startsWith('| clause'))).toBe('| clause | good | nobias | nogroupT |');
    const conv = rows.find((r) => r.startsWith('| `conv.numeric.withinBound`'))!;
    expect(conv).toMatch(/^\| `conv.numeric.withinBound` \| pass \(\d+\) \| \*\*FAIL\*\* \| pass \(\d+\) \|$/);
    expect(rows.find((r) => r.startsWith('| **verdict**'))).toBe('| **verdict** | conformant | **not conformant** | conformant |');
    expect(md).toMatch(/- nobias, `conv.numeric.withinBound`: .*replay: `.*--clause conv.numeric.withinBound --seed/);
    expect(md).toMatch(/- nogroupT: op ConvTranspose/);
  });
});
