/**
 * The plain description a case is built from: one op, batch, channels and per-axis geometry. A module
 * of its own so the realistic tier (realistic.ts) and the case builders (cases.ts) share it without
 * importing each other.
 */
import type { OpName } from '../../impl/types';
import type { Channels } from './channels';

/** One spatial axis of a case. */
export interface Axis {
  /** Input length. */
  i: number;
  k: number;
  s: number;
  d: number;
  /** Pad at the beginning and at the end (ONNX pads x_begin, x_end). */
  pb: number;
  pe: number;
  /** output_padding (ConvTranspose only; 0 for Conv). */
  op: number;
}

export interface ConvShape {
  op: OpName;
  batch: number;
  channels: Channels;
  axes: Axis[];
  bias: boolean;
  /** Write every attribute, even at its default (false: omit defaults, exercising ONNX defaults). */
  explicit: boolean;
}
