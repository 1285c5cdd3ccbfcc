/**
 * Draws steered into the declared support (spec/arbitraries/steer.ts, issue 24): a target that
 * declares what it lacks gets cases it computes instead of skipped draws, its coverage share is about
 * clauses' cases (not skipped draws), and every steered case is valid and inside the declaration.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import { resolveConv, resolveConvTranspose } from '../../../impl/resolve';
import type { ConvTransposeAttributes, Tensor } from '../../../impl/types';
import { attributesOf, inputDims, valueShape, weightDims } from '../../../spec/arbitraries/cases';
import { steerToSupport } from '../../../spec/arbitraries/steer';
import { unsupportedReason, type ImplementationWithSupports, type Supports } from '../../../spec/framework/subject';
import { verifyTarget } from '../run';

const DECLARED: Supports = { ranks: [2], groups: false, batch: false, bias: false, dilation: false, stride: ['Conv'], asymmetricPads: false, outputPadding: false };

/** The reference where declared, garbage outside: a case outside the declaration that reached it would fail. */
const narrow: ImplementationWithSupports = {
  name: 'narrow',
  supports: DECLARED,
  conv: (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes) => reference.conv!(x, w, b, a) as Tensor,
  convTranspose: (x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttributes) => reference.convTranspose!(x, w, b, a) as Tensor,
};

describe('steering draws into the declared support', () => {
  it('every steered shape is valid and inside the declaration', () => {
    for (const op of ['Conv', 'ConvTranspose'] as const) {
      for (const raw of fc.sample(valueShape(op), { seed: 11, numRuns: 400 })) {
        const s = steerToSupport(raw, {}, DECLARED);
        const dims = inputDims(s);
        const attrs = attributesOf(s);
        const w = weightDims(s);
        const b = s.bias ? [w[op === 'Conv' ? 0 : 1] * (op === 'Conv' ? 1 : s.channels.group)] : undefined;
        // Throws on an invalid case.
        (op === 'Conv' ? resolveConv : resolveConvTranspose)(dims, w, attrs, b);
        expect(unsupportedReason(DECLARED, op, dims, s.bias ? { dims: b!, data: new Float32Array(b![0]) } : undefined, attrs)).toBeUndefined();
      }
    }
  });

  it('a narrow target gets its clauses\' cases judged, not skipped; a clause about a lacking feature is unsupported up front', async () => {
    const r = await verifyTarget({ kind: 'implementation', implementation: narrow }, {
      clauses: ['conv.numeric.*', 'convT.numeric.*', 'conv.structure.*', 'convT.structure.*'], runs: 20, probeAmbiguities: false, findings: false,
    });
    expect(r.summary.conformant).toBe(true);
    for (const c of r.clauses) {
      if (/structure\.(biasPerChannel|batchIndependent|groupsConcat)$/.test(c.id)) {
        // Its subject is declared unsupported: one skip per case it would have run, no draws beyond.
        expect(c.status, c.id).toBe('unsupported');
        expect(c.numSkips, c.id).toBe(20);
      } else {
        // Steered into the declaration: (almost) every draw reaches the target.
        expect(c.status, c.id).toBe('passed');
        expect(c.numSkips, c.id).toBeLessThanOrEqual(c.numRuns / 4);
      }
    }
    // Before steering this selection skipped hundreds of thousands of draws.
    expect(r.summary.coverage.casesUnsupported).toBeLessThan(1000);
  });
});
