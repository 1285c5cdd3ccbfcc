/**
 * The scale tier's run-time plumbing (issue 26): limits written as powers of two, sized from the
 * target's measured speed and throughput, carried by every replay line, and a replay with the printed
 * flags draws the same case; the report states the limits and validates against its schema.
 */
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { reference, runReference } from '../../../impl/reference';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../../impl/types';
import { parseScaleElements, parseScaleMacs, quantiseScaleMacs, MAX_SCALE_MACS, caseBytes, withinMemoryCap, MemoryCapError } from '../../../spec/arbitraries/scaleTier';
import { allClauses } from '../../../spec/clauses';
import type { Subject } from '../../../spec/framework/subject';
import { formatReport } from '../../report/format';
import { REPORT_SCHEMA } from '../../report/reportSchema';
import { optionsFrom } from '../../cli/commands/verify';
import { verifyTarget } from '../run';
import fc from 'fast-check';
import { convShape, valueShape } from '../../../spec/arbitraries/cases';
import { multiplyAdds, REALISTIC_MAC_BUDGET, realisticShape } from '../../../spec/arbitraries/realistic';
import { scaleTier, scaleLimits } from '../../../spec/arbitraries/scaleTier';
import { decideScale, SCALE_CALLS_PER_RUN, SCALE_TIME_SHARE_S } from '../scaleSizing';

describe('scale limits as flags', () => {
  it('are powers of two, written 2^k, within their ranges; off turns the tier off', () => {
    expect(parseScaleMacs('2^27')).toBe(2 ** 27);
    expect(parseScaleMacs('1048576')).toBe(2 ** 20);
    expect(parseScaleMacs('off')).toBe(0);
    expect(() => parseScaleMacs('3000')).toThrow(/power of two/);
    expect(() => parseScaleMacs('2^31')).toThrow(/from 2\^10 to 2\^30/);
    expect(() => parseScaleElements('off')).toThrow(/power of two/);
    expect(parseScaleElements('2^20')).toBe(2 ** 20);
    expect(quantiseScaleMacs(3e9)).toBe(MAX_SCALE_MACS);
    expect(quantiseScaleMacs(1.5e8)).toBe(2 ** 27);
  });

  it('the CLI reads --scale-macs / --scale-elements, and says what is wrong with a bad one', () => {
    const o = optionsFrom({ clause: [], inputShape: [], scaleMacs: '2^22', scaleElements: '2^18', jobs: '1' });
    expect([o.scaleMacs, o.scaleElements]).toEqual([2 ** 22, 2 ** 18]);
    expect(() => optionsFrom({ clause: [], inputShape: [], scaleMacs: '1000', jobs: '1' })).toThrow(/--scale-macs 1000: expected a power of two/);
  });

  it('a case above the memory cap is refused with its size', () => {
    const huge = { op: 'Conv' as OpName, batch: 256, channels: { group: 1, inPerGroup: 1024, outPerGroup: 1 }, axes: [{ i: 4096, k: 1, s: 1, d: 1, pb: 0, pe: 0, op: 0 }], bias: false, explicit: true };
    expect(caseBytes(huge)).toBeGreaterThan(2 ** 31);
    expect(() => withinMemoryCap(huge)).toThrow(MemoryCapError);
    expect(() => withinMemoryCap(huge)).toThrow(/GiB of float32 tensors .* above the 2 GiB cap per case/);
  });
});

/** A subject that takes `1/macsPerSecond` per multiply-add and `1/elementsPerSecond` per element moved. */
function timedSubject(macsPerSecond: number, elementsPerSecond: number): Subject {
  return {
    name: 'timed',
    supports: {},
    async run(op: OpName, x: Tensor, w: Tensor, _b: Tensor | undefined, _attrs: ConvTransposeAttributes) {
      // Every probe keeps its spatial size (3-wide kernels aside): MACs ≈ spatial × |W|.
      const macs = (x.data.length / x.dims[1]) * w.data.length;
      void op;
      const seconds = macs / macsPerSecond + (2 * x.data.length) / elementsPerSecond;
      await new Promise((r) => setTimeout(r, seconds * 1000));
      return { dims: x.dims, data: new Float32Array(x.data.length) };
    },
  };
}

describe('sizing by the target', () => {
  it('a faster target gets larger cases, each a power of two, sized to the time share', async () => {
    const slow = await decideScale(timedSubject(1e8, 1e7));
    const fast = await decideScale(timedSubject(1e9, 1e8));
    for (const s of [slow, fast]) {
      expect(s.source).toBe('measured');
      expect(Math.log2(s.maxMacs) % 1).toBe(0);
      expect(Math.log2(s.maxTensorElements) % 1).toBe(0);
      // The full-size calls of a run fit the time share at the measured speed (timers only add delay).
      expect((SCALE_CALLS_PER_RUN * s.maxMacs) / s.macsPerSecond!).toBeLessThanOrEqual(SCALE_TIME_SHARE_S);
    }
    expect(fast.maxMacs).toBeGreaterThan(slow.maxMacs);
    expect(fast.maxTensorElements).toBeGreaterThan(slow.maxTensorElements);
    // Given limits are used as given, with nothing measured.
    expect(await decideScale(undefined, { maxMacs: 2 ** 20, maxTensorElements: 2 ** 16 })).toMatchObject({ source: 'option', maxMacsText: '2^20', maxTensorElementsText: '2^16' });
    expect(await decideScale(undefined, { maxMacs: 0 })).toMatchObject({ source: 'off', maxMacs: 0 });
  });
});

describe('a run that draws no scale-tier cases', () => {
  it('does not measure the target: the tier is off, saying why; a clause that draws from it gets the target measured', async () => {
    // vitest.config.mts gives the limits through the environment; without them a run measures.
    const saved = { macs: process.env.CONVSPEC_SCALE_MACS, elements: process.env.CONVSPEC_SCALE_ELEMENTS };
    delete process.env.CONVSPEC_SCALE_MACS;
    delete process.env.CONVSPEC_SCALE_ELEMENTS;
    try {
      const target = { kind: 'implementation' as const, implementation: reference };
      const shapeOnly = await verifyTarget(target, { clauses: ['conv.size.formula', 'convT.matrix.transpose'], runs: 3, probeAmbiguities: false });
      expect(shapeOnly.clauses.map((c) => c.status)).toEqual(['passed', 'passed']);
      expect(shapeOnly.summary.scale).toMatchObject({ source: 'off', maxMacs: 0, note: 'no selected clause draws scale-tier cases' });
      expect(formatReport(shapeOnly)).toContain('scale tier off (no selected clause draws scale-tier cases)');
      const drawing = await verifyTarget(target, { clauses: ['conv.numeric.withinBound'], runs: 1, probeAmbiguities: false });
      expect(drawing.summary.scale?.source).toBe('measured');
    } finally {
      if (saved.macs !== undefined) process.env.CONVSPEC_SCALE_MACS = saved.macs;
      if (saved.elements !== undefined) process.env.CONVSPEC_SCALE_ELEMENTS = saved.elements;
    }
  });
});

/** The rounded reference, except one element of the 65 537th output plane: wrong only where N·M > 65 536. */
const wrongBeyond65536 = {
  name: 'wrong beyond plane 65 536',
  conv(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Tensor {
    const r = runReference('Conv', x, w, b, attrs);
    const y = Float32Array.from(r.y64);
    const plane = y.length / (r.geometry.batch * r.geometry.outChannels);
    if (r.geometry.batch * r.geometry.outChannels > 65536) y[65536 * plane] += 1;
    return { dims: r.geometry.outputDims, data: y };
  },
};

describe('replay with the printed limits', () => {
  it('finds a fault that only the scale tier reaches, prints the limits, and replays the same case', async () => {
    const clause = allClauses.find((c) => c.id === 'conv.numeric.atScale')!;
    // Limits that still reach past 65 536 output planes (the shrunk counterexample, a 1×1 Conv with
    // 65 537 output channels, is just over 2^16 multiply-adds and elements) at a quarter of the cost
    // per draw and per shrink step of 2^22 / 2^20 (this test took 30 s of the suite): the same proof.
    const run = (extra: object) =>
      verifyTarget({ kind: 'implementation', implementation: wrongBeyond65536 }, { registry: [clause], runs: 60, probeAmbiguities: false, scaleMacs: 2 ** 20, scaleElements: 2 ** 18, ...extra });
    const first = await run({});
    const c = first.clauses[0];
    expect(c.status).toBe('failed');
    // The worst element lies in plane n·M + m = 65 536 (the only wrong one).
    const [n, m] = c.mismatch!.worst!.index;
    const outChannels = (JSON.parse(JSON.stringify(c.counterexampleData ?? null)) as { w?: { dims: number[] } } | null)?.w?.dims[0];
    if (outChannels !== undefined) expect(n * outChannels + m).toBe(65536);
    expect(c.replay).toMatch(/--seed 20261128 --path \S+ --scale-macs 2\^20 --scale-elements 2\^18/);
    expect(first.summary.scale).toMatchObject({ source: 'option', maxMacsText: '2^20', maxTensorElementsText: '2^18' });
    expect(new Ajv({ allErrors: true }).compile(REPORT_SCHEMA)(JSON.parse(JSON.stringify(first)))).toBe(true);
    expect(formatReport(first)).toMatch(/scale tier: cases up to 2\^20 multiply-adds and 2\^18 elements per tensor \(as asked\)/);
    const again = await run({ path: c.path, registry: [clause] });
    expect(again.clauses[0].counterexample).toBe(c.counterexample);
    expect(again.clauses[0].mismatch?.worst).toEqual(c.mismatch?.worst);
    // Without the tier's limits the clause draws within its small fallback limits: never past 65 535 planes, so the fault goes unseen.
    const off = await run({ scaleMacs: 0 });
    expect(off.clauses[0].status).toBe('passed');
    expect(off.clauses[0].replay).toBeUndefined();
  });
});

describe('valueShape without scale limits', () => {
  it('draws exactly the small and realistic tiers (2 : 1), as before the scale tier; with limits it draws scale cases', () => {
    for (const op of ['Conv', 'ConvTranspose'] as OpName[]) {
      const before = fc.oneof({ weight: 2, arbitrary: convShape(op) }, { weight: 1, arbitrary: realisticShape(op) });
      expect(fc.sample(valueShape(op), { seed: 3, numRuns: 200 })).toEqual(fc.sample(before, { seed: 3, numRuns: 200 }));
      scaleTier.current = scaleLimits(2 ** 22, 2 ** 20);
      try {
        const drawn = fc.sample(valueShape(op, { scale: 'sampled' }), { seed: 3, numRuns: 200 });
        // The small and realistic tiers stay within REALISTIC_MAC_BUDGET multiply-adds; the scale tier goes past it.
        expect(drawn.some((s) => multiplyAdds(s) > REALISTIC_MAC_BUDGET)).toBe(true);
      } finally {
        scaleTier.current = undefined;
      }
    }
  });
});
