/**
 * Command-line options shared by `convspec shape` and `convspec explain`: the ONNX attributes
 * spelled as flags (--strides 2,2 --auto-pad SAME_UPPER …) and dims/value lists.
 *
 * Parsing only checks that the text is a list of numbers (else UsageError → exit 2). Whether the
 * numbers make a valid configuration (integers, ≥ 1, right lengths …) is decided by impl/resolve.ts,
 * so the user sees exactly the error an implementation call would give.
 */
import type { Command } from 'commander';
import type { ConvTransposeAttributes, OpName } from '../../impl/types';
import { UsageError } from '../terminal/usage';

/** Splits "1,2,3", "1x2x3", "1×2×3" or "1 2 3" into numbers; every item must be a number. */
export function parseNumberList(flag: string, text: string): number[] {
  // "x" separates only between digits, so a stray letter is reported rather than swallowed.
  const items = text.split(/[\s,×]+|(?<=\d)x(?=\d)/).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs a list of numbers such as 1,2,3; got ${JSON.stringify(text)}`);
  return items.map((s) => {
    const v = Number(s);
    if (Number.isNaN(v)) throw new UsageError(`${flag}: ${JSON.stringify(s)} is not a number (in ${JSON.stringify(text)})`);
    return v;
  });
}

/** Parses one number (e.g. --group 2, --kernel 3). */
export function parseNumber(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new UsageError(`${flag} needs a number, got ${JSON.stringify(text)}`);
  return v;
}

export interface ConvOptionValues {
  strides?: string;
  pads?: string;
  dilations?: string;
  group?: string;
  autoPad?: string;
  kernelShape?: string;
  outputPadding?: string;
  outputShape?: string;
}

/** Adds the attribute flags to a command. ConvTranspose-only flags are added when `transpose`. */
export function addAttributeOptions(cmd: Command, transpose: boolean): Command {
  cmd
    .option('--strides <list>', 'strides, one per spatial axis (default 1 each)')
    .option('--pads <list>', 'pads in ONNX order: begins of every axis, then ends (default 0)')
    .option('--dilations <list>', 'dilations, one per spatial axis (default 1 each)')
    .option('--group <n>', 'group (default 1)')
    .option('--auto-pad <mode>', 'NOTSET, SAME_UPPER, SAME_LOWER or VALID (default NOTSET)')
    .option('--kernel-shape <list>', 'kernel_shape (must agree with the weight dims)');
  if (transpose) {
    cmd
      .option('--output-padding <list>', 'ConvTranspose output_padding (default 0)')
      .option('--output-shape <list>', 'ConvTranspose output_shape, spatial dims only');
  }
  return cmd;
}

/** ONNX attributes from parsed flags; absent flags stay absent (ONNX defaults apply). */
export function attributesFrom(op: OpName, o: ConvOptionValues): ConvTransposeAttributes {
  const attrs: ConvTransposeAttributes = {};
  if (o.strides !== undefined) attrs.strides = parseNumberList('--strides', o.strides);
  if (o.pads !== undefined) attrs.pads = parseNumberList('--pads', o.pads);
  if (o.dilations !== undefined) attrs.dilations = parseNumberList('--dilations', o.dilations);
  if (o.group !== undefined) attrs.group = parseNumber('--group', o.group);
  // Passed verbatim (ONNX strings are case-sensitive) so resolve.ts reports UNKNOWN_AUTO_PAD exactly as for a call.
  if (o.autoPad !== undefined) attrs.auto_pad = o.autoPad as ConvTransposeAttributes['auto_pad'];
  if (o.kernelShape !== undefined) attrs.kernel_shape = parseNumberList('--kernel-shape', o.kernelShape);
  if (op === 'ConvTranspose') {
    if (o.outputPadding !== undefined) attrs.output_padding = parseNumberList('--output-padding', o.outputPadding);
    if (o.outputShape !== undefined) attrs.output_shape = parseNumberList('--output-shape', o.outputShape);
  }
  return attrs;
}

/** "conv" / "convtranspose" (any case, also "conv-transpose") → the ONNX op name. */
export function parseOp(text: string): OpName {
  const t = text.toLowerCase().replace(/[-_]/g, '');
  if (t === 'conv') return 'Conv';
  if (t === 'convtranspose') return 'ConvTranspose';
  throw new UsageError(`unknown operator ${JSON.stringify(text)}: use conv or convtranspose`);
}

/** Compact attribute text for headings: "strides [2, 2], pads [1, 1, 1, 1]". */
export function describeAttributes(attrs: ConvTransposeAttributes): string {
  const parts = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  return parts.length ? parts.join(', ') : 'default attributes';
}
