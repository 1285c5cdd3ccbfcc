/**
 * Channels and groups. group 1–3; channels per group (C/group and M/group) 1–3 each, drawn so that
 * more than one channel per group is common: the layouts that many kernels get wrong (group offsets,
 * weight axes swapped) only show with C/group > 1 and M/group > 1.
 */
import fc from 'fast-check';

export interface Channels {
  group: number;
  /** C/group. */
  inPerGroup: number;
  /** M/group. */
  outPerGroup: number;
}

export interface ChannelBounds {
  /** Default 3. Use 1 to turn groups off. */
  maxGroup?: number;
  /** Default 3. */
  maxPerGroup?: number;
}

/** Groups and channels per group. Defaults: group 1–3, 1–3 channels per group on each side. */
export function channels(bounds: ChannelBounds = {}): fc.Arbitrary<Channels> {
  const perGroup = fc.integer({ min: 1, max: bounds.maxPerGroup ?? 3 });
  return fc.record({ group: fc.integer({ min: 1, max: bounds.maxGroup ?? 3 }), inPerGroup: perGroup, outPerGroup: perGroup });
}

/** Batch N, default 1–2. */
export const batchSize = (max = 2): fc.Arbitrary<number> => fc.integer({ min: 1, max });

/** Whether a bias is given: default either. */
export const hasBias = (): fc.Arbitrary<boolean> => fc.boolean();
