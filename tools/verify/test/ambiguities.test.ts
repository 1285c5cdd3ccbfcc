/**
 * Ambiguity points are reported as readings, not verdicts: the reference is classified as following
 * the reading the catalogue says it follows, on every point; an implementation that refuses every
 * ConvTranspose is classified by the readings that predict errors (or "none"), never as a failure;
 * an op the target does not declare is "unsupported".
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import { AMBIGUITIES } from '../../../spec/ambiguities/catalogue';
import { subjectFromImplementation } from '../../../spec/framework/subject';
import { probeAmbiguities } from '../ambiguities';
import { guardSubject } from '../../hosts/guard';

describe('ambiguity readings in the verify report', () => {
  it('the reference follows its documented reading on every catalogued point', async () => {
    const results = await probeAmbiguities(guardSubject(subjectFromImplementation(reference)));
    expect(results.map((r) => r.id)).toEqual(AMBIGUITIES.map((a) => a.id));
    for (const a of AMBIGUITIES) {
      const r = results.find((x) => x.id === a.id)!;
      expect(r.follows.split(' / '), a.id).toContain(a.reference);
    }
  });

  it('refusing every ConvTranspose is a reading (or none), and Conv-only targets get "unsupported" for ConvTranspose points', async () => {
    const refuses = { name: 'refuses ConvTranspose', conv: reference.conv, convTranspose: () => { throw new Error('no'); } };
    const results = await probeAmbiguities(guardSubject(subjectFromImplementation(refuses)));
    for (const r of results.filter((x) => AMBIGUITIES.find((a) => a.id === x.id)!.op === 'ConvTranspose')) {
      expect(['fault', 'unsupported']).not.toContain(r.follows);
    }
    const convOnly = await probeAmbiguities(guardSubject(subjectFromImplementation({ name: 'conv only', conv: reference.conv })));
    for (const r of convOnly) {
      const op = AMBIGUITIES.find((a) => a.id === r.id)!.op;
      if (op === 'ConvTranspose') expect(r.follows).toBe('unsupported');
      else expect(r.follows).not.toBe('unsupported');
    }
  });
});
