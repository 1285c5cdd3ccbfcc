/**
 * Mutants with two or three independent bugs, each bug a fault model (spec/faults/models.ts). The
 * verifier must report one finding per bug, whatever the order they show in, each with a
 * counterexample that the bug alone reproduces (issue 23's separation). The first is the issue's
 * motivating case: batch items after the first wrong, and SAME padding misplaced when the stride is above 1.
 */
import { withFaults } from '../../spec/faults/models';
import type { CatalogueEntry } from './entry';

const multi = (id: string, faults: string[]): CatalogueEntry => ({
  id,
  bug: `several independent bugs: ${faults.join(', ')}`,
  verdict: 'reject',
  impl: withFaults(faults, `mutant ${id}`),
  faults,
});

export const multiBugMutants: CatalogueEntry[] = [
  multi('multi-batch-first-same-stride', ['batch-items-as-first', 'same-pads-ignore-stride']),
  multi('multi-flip-bias', ['kernel-not-flipped', 'bias-missing']),
  multi('multi-dilation-groups-bias', ['dilation-ignored', 'group-offset-zero', 'bias-first-channel-only']),
  multi('multi-output-padding-layout', ['output-padding-ignored', 'weight-layout-transposed']),
  multi('multi-stride-axes-kernel-axes', ['stride-first-axis-only', 'kernel-axes-transposed']),
  multi('multi-batch-overlap-pads', ['batch-items-as-first', 'overlap-overwrites', 'pads-symmetric']),
];
