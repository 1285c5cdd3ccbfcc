/**
 * The fault models: SPEC.md's "Fault models" table names exactly the shipped models with their
 * defects; a correct output fits no model (a model explains only what it gets wrong); a model's own
 * output fits it where its defect shows; two geometry defects refuse to compose rather than silently
 * dropping one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reference } from '../../../impl/reference';
import type { Tensor } from '../../../impl/types';
import { modelsFitting, type ModelCase } from '../consistent';
import { faultModel, faultModels, withFaults } from '../models';

const spec = readFileSync(join(__dirname, '..', '..', 'SPEC.md'), 'utf8');
const t = (dims: number[], data: number[]): Tensor => ({ dims, data: Float32Array.from(data) });
const ramp = (n: number, k = 1) => Array.from({ length: n }, (_, i) => ((i * 7 + k) % 11) - 5);

/** A case with batch 2, two groups, stride 2, dilation 2, SAME_UPPER, a bias and a 3-tap kernel. */
const busy: ModelCase = { op: 'Conv', x: t([2, 4, 8], ramp(64)), w: t([4, 2, 3], ramp(24, 3)), b: t([4], [1, -2, 3, -4]), attrs: { group: 2, strides: [2], dilations: [2], auto_pad: 'SAME_UPPER' } };

describe('fault models', () => {
  it('SPEC.md section 13 lists every model, id and defect, and no other', () => {
    const section = spec.slice(spec.indexOf('## 13. Fault models'));
    const ids = [...section.matchAll(/^\| `([a-z0-9-]+)` \| [^|]+ \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]);
    expect(ids).toEqual(faultModels.map((m) => [m.id, m.defect]));
    for (const id of ['kernel-not-flipped', 'weight-layout-transposed', 'kernel-axes-transposed', 'pads-begin-end-swapped', 'pads-symmetric', 'same-upper-lower-swapped', 'dilation-ignored', 'dilated-extent-dk', 'stride-first-axis-only', 'output-padding-ignored', 'output-padding-at-start', 'output-shape-ignored', 'bias-missing', 'bias-first-channel-only', 'group-offset-zero', 'batch-items-as-first', 'accumulation-float16', 'ceil-output-size', 'overlap-overwrites']) {
      expect(faultModels.some((m) => m.id === id), id).toBe(true);
    }
  });

  it('the reference\'s own output fits no model', () => {
    const y = reference.conv!(busy.x, busy.w, busy.b, busy.attrs) as Tensor;
    expect(modelsFitting(busy, y)).toEqual([]);
  });

  it('a model\'s output fits that model where its defect shows', () => {
    for (const id of ['batch-items-as-first', 'group-offset-zero', 'bias-first-channel-only', 'dilation-ignored', 'same-pads-ignore-stride']) {
      const m = faultModel(id);
      const y = m.impl.conv!(busy.x, busy.w, busy.b, busy.attrs) as Tensor;
      expect(modelsFitting(busy, y), id).toContain(id);
    }
  });

  it('defects compose: two bugs at once fit neither bug alone', () => {
    const both = withFaults(['batch-items-as-first', 'bias-missing']);
    const y = both.conv!(busy.x, busy.w, busy.b, busy.attrs) as Tensor;
    const fits = modelsFitting(busy, y);
    expect(fits).not.toContain('batch-items-as-first');
    expect(fits).not.toContain('bias-missing');
    expect(() => withFaults(['pads-symmetric', 'pads-begin-end-swapped'])).toThrow(/do not compose/);
  });
});
