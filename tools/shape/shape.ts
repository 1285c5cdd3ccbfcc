/**
 * `convspec shape`: resolve a Conv/ConvTranspose configuration with impl/resolve.ts and show, per
 * spatial axis, how the pads were chosen and the output-size formula with the numbers filled in.
 * The numbers shown are the resolved geometry's; the formula text is rebuilt from its inputs so a
 * reader can redo the arithmetic.
 */
import { isConvSpecError, type ConvSpecError } from '../../impl/errors';
import { resolve, type ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName } from '../../impl/types';
import { describeAttributes } from './args';
import { plain, type Style } from '../terminal/style';

export type ShapeAnswer =
  | { ok: true; geometry: ConvGeometry; text: string }
  | { ok: false; error: ConvSpecError; text: string };

const list = (v: readonly number[]) => `[${v.join(', ')}]`;

/** Why the pads of one axis are what they are, in words and numbers. */
function padsExplanation(g: ConvGeometry, a: number, attrs: ConvTransposeAttributes): string[] {
  const i = g.inputSpatial[a];
  const k = g.kernel[a];
  const s = g.strides[a];
  const d = g.dilations[a];
  const pb = g.padsBegin[a];
  const pe = g.padsEnd[a];
  const side = g.autoPad === 'SAME_UPPER' ? 'odd extra at the end' : 'odd extra at the start';
  if (g.op === 'Conv') {
    if (g.autoPad === 'SAME_UPPER' || g.autoPad === 'SAME_LOWER') {
      const o = Math.ceil(i / s);
      return [
        `${g.autoPad}: o = ⌈i/s⌉ = ⌈${i}/${s}⌉ = ${o}; total pad = max(0, (o−1)s + d(k−1) + 1 − i) = max(0, ${o - 1}·${s} + ${d}·${k - 1} + 1 − ${i}) = ${pb + pe}`,
        `pads ${pb} before, ${pe} after (${side})`,
      ];
    }
    if (g.autoPad === 'VALID') return ['VALID: no padding'];
    return [attrs.pads ? `pads ${pb} before, ${pe} after (explicit)` : 'no pads given: 0 before, 0 after'];
  }
  const op = g.outputPadding[a];
  const natural = s * (i - 1) + op + d * (k - 1) + 1;
  const lines = [`natural size = s(i−1) + output_padding + d(k−1) + 1 = ${s}·${i - 1} + ${op} + ${d}·${k - 1} + 1 = ${natural}`];
  if (attrs.output_shape) {
    const want = attrs.output_shape[a];
    const total = natural - want;
    if (total >= 0) {
      lines.push(`output_shape ${want}: total pad = natural − output_shape = ${natural} − ${want} = ${total}; ${pb} before, ${pe} after (${g.autoPad === 'SAME_UPPER' ? 'SAME_UPPER: odd extra at the end' : 'odd extra at the start'})`);
    } else {
      lines.push(`output_shape ${want} is ${-total} above the natural size: ${-total} element(s) appended at the end (zeros plus bias)`);
    }
  } else if (g.autoPad === 'SAME_UPPER' || g.autoPad === 'SAME_LOWER') {
    lines.push(
      `${g.autoPad}: total pad = max(0, natural − s·i) = max(0, ${natural} − ${s}·${i}) = ${pb + pe}; ${pb} before, ${pe} after (${side})`,
      `  (ONNX Runtime's reading: output s·i when reachable, else the natural size; see spec/AMBIGUITIES.md)`,
    );
  } else if (g.autoPad === 'VALID') {
    lines.push('VALID: no padding');
  } else {
    lines.push(attrs.pads ? `pads ${pb} before, ${pe} after (explicit)` : 'no pads given: 0 before, 0 after');
  }
  return lines;
}

/** The output-size formula of one axis with the resolved numbers filled in. */
function sizeFormula(g: ConvGeometry, a: number): string {
  const i = g.inputSpatial[a];
  const k = g.kernel[a];
  const s = g.strides[a];
  const d = g.dilations[a];
  const pb = g.padsBegin[a];
  const pe = g.padsEnd[a];
  const o = g.outputSpatial[a];
  if (g.op === 'Conv') {
    return `o = ⌊(i + p_b + p_e − d(k−1) − 1)/s⌋ + 1 = ⌊(${i} + ${pb} + ${pe} − ${d}·${k - 1} − 1)/${s}⌋ + 1 = ${o}`;
  }
  const op = g.outputPadding[a];
  const peText = pe < 0 ? `(${pe})` : String(pe);
  return `o = s(i−1) + output_padding + d(k−1) + 1 − p_b − p_e = ${s}·${i - 1} + ${op} + ${d}·${k - 1} + 1 − ${pb} − ${peText} = ${o}`;
}

/** Resolves and explains; never throws for an invalid configuration (it becomes the answer). */
export function explainShape(
  op: OpName,
  xDims: number[],
  wDims: number[],
  attrs: ConvTransposeAttributes,
  withBias: boolean,
  style: Style = plain,
): ShapeAnswer {
  const heading = `${style.bold(op)}: X ${list(xDims)}, W ${list(wDims)}${withBias ? ', with bias' : ', no bias'}; ${describeAttributes(attrs)}`;
  let g: ConvGeometry;
  try {
    g = resolve(op, xDims, wDims, attrs);
    // A bias never changes the shape; it is one value per output channel, M = g.outChannels.
    if (withBias) g = resolve(op, xDims, wDims, attrs, [g.outChannels]);
  } catch (e) {
    if (!isConvSpecError(e)) throw e;
    const text = [heading, `${style.red('invalid')}: ${e.message}`].join('\n');
    return { ok: false, error: e, text };
  }
  const layout = op === 'Conv' ? `W is [M, C/group, k…]: M = ${g.outChannels}, C/group = ${g.inChannels / g.group}` : `W is [C, M/group, k…]: C = ${g.inChannels}, M/group = ${g.outChannels / g.group}`;
  const lines = [
    heading,
    `resolved: auto_pad ${g.autoPad}, group ${g.group}, kernel ${list(g.kernel)}, strides ${list(g.strides)}, dilations ${list(g.dilations)}` +
      (op === 'ConvTranspose' ? `, output_padding ${list(g.outputPadding)}` : ''),
    `${layout}; N = ${g.batch}, C = ${g.inChannels}, M = ${g.outChannels}`,
  ];
  for (let a = 0; a < g.rank; a++) {
    lines.push(
      `axis ${a} (i = ${g.inputSpatial[a]}, k = ${g.kernel[a]}, s = ${g.strides[a]}, d = ${g.dilations[a]}):`,
      ...padsExplanation(g, a, attrs).map((l) => `  ${l}`),
      `  ${sizeFormula(g, a)}`,
    );
  }
  const appended = g.padsEnd.some((p) => p < 0) ? '; a negative end pad counts elements appended at the end' : '';
  lines.push(`pads ${style.bold(list([...g.padsBegin, ...g.padsEnd]))} (ONNX order: begins, then ends${appended})`, `Y ${style.bold(list(g.outputDims))}`);
  return { ok: true, geometry: g, text: lines.join('\n') };
}
