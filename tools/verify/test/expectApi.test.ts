/**
 * Known failures through the API (describeConformance's plan, issue 23 item 6): a unit whose failures
 * a clause entry covers comes out 'expected' (describeConformance skips it with the reason) instead of
 * failed; an uncovered failure still fails; a stale clause entry fails the verdict unit with strictExpect.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import type { Implementation } from '../../../impl/types';
import { planConformance, VERDICT_UNIT } from '../conformanceSuite';

const noConvTBias: Implementation = { name: 'no ConvTranspose bias', conv: (x, w, b, a) => reference.conv!(x, w, b, a), convTranspose: (x, w, _b, a) => reference.convTranspose!(x, w, undefined, a) };

async function outcomes(expectOption: { entries: object[] }, strictExpect = false) {
  const plan = await planConformance(noConvTBias, { clauses: ['convT.numeric.withinBound', 'conv.numeric.withinBound', 'convT.size.formula'], runs: 10, env: {}, expect: expectOption as never, strictExpect });
  await plan.open();
  try {
    const out: Record<string, { status: string; message: string }> = {};
    for (const u of plan.units) out[u.id === VERDICT_UNIT ? 'verdict' : u.id] = await u.run();
    return out;
  } finally {
    await plan.close();
  }
}

describe('describeConformance with known failures', () => {
  it('a covered failure is expected, with its reason; the verdict passes', async () => {
    const o = await outcomes({ entries: [{ clause: 'convT.numeric.*', reason: 'bias bug, upstream #3' }] });
    expect(o['convT.numeric.withinBound'].status).toBe('expected');
    expect(o['convT.numeric.withinBound'].message).toBe('expected failure (#1 clause convT.numeric.*): bias bug, upstream #3');
    expect(o['conv.numeric.withinBound'].status).toBe('passed');
    expect(o.verdict.status).toBe('passed');
  });

  it('an uncovered failure still fails; a stale entry fails the verdict only with strictExpect', async () => {
    const o = await outcomes({ entries: [{ clause: 'conv.size.*', reason: 'stale' }] });
    expect(o['convT.numeric.withinBound'].status).toBe('failed');
    const lax = await outcomes({ entries: [{ clause: 'convT.numeric.*', reason: 'r' }, { clause: 'conv.size.*', reason: 'stale' }] });
    expect(lax.verdict.status).toBe('passed');
    const strict = await outcomes({ entries: [{ clause: 'convT.numeric.*', reason: 'r' }, { clause: 'conv.size.*', reason: 'stale' }] }, true);
    expect(strict.verdict.status).toBe('failed');
    expect(strict.verdict.message).toMatch(/stale: #2 clause conv\.size\.\*/);
  });
});
