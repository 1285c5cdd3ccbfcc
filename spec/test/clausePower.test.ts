/**
 * Plan: the clauses must tell right from wrong. (1) A correct float32 implementation that sums in
 * another order (reverse, rounding every product and addition to float32) passes the numerical
 * clauses: no false alarm from the tolerance model, the exact-integer mode or the structure clauses.
 * (2) Implementations with one classic bug each fail the clause written to catch that bug. The full
 * named mutant set lives with the verifier (tools/faults); this is the spec's own smoke check.
 */
import { describe, expect, it } from 'vitest';
import { convDirect, convTransposeDirect, multiIndices } from '../../impl/direct';
import { prepare } from '../../impl/reference';
import type { ConvGeometry } from '../../impl/resolve';
import type { ConvTransposeAttributes, Implementation, OpName, Tensor } from '../../impl/types';
import { clauseById } from '../clauses';
import { runClause } from '../framework/runClause';
import { subjectFromImplementation } from '../framework/subject';

const f = Math.fround;

/** Conv with float32 accumulation, taps and channels summed in reverse order. */
function convFloat32Reversed(g: ConvGeometry, x: Float32Array, w: Float32Array, b?: Float32Array): Float32Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const outIdx = multiIndices(g.outputSpatial);
  const kIdx = multiIndices(g.kernel);
  const inSize = g.inputSpatial.reduce((p, v) => p * v, 1);
  const y = new Float32Array(g.outputDims.reduce((p, v) => p * v, 1));
  let at = 0;
  for (let n = 0; n < g.batch; n++)
    for (let m = 0; m < g.outChannels; m++)
      for (const o of outIdx) {
        let acc = 0;
        for (let kf = kIdx.length - 1; kf >= 0; kf--) {
          let off = 0;
          let inside = true;
          for (let a = 0; a < g.rank; a++) {
            const p = o[a] * g.strides[a] - g.padsBegin[a] + kIdx[kf][a] * g.dilations[a];
            if (p < 0 || p >= g.inputSpatial[a]) inside = false;
            off = off * g.inputSpatial[a] + p;
          }
          if (!inside) continue;
          for (let c = cg - 1; c >= 0; c--) {
            const xi = (n * g.inChannels + Math.floor(m / mg) * cg + c) * inSize + off;
            acc = f(acc + f(x[xi] * w[(m * cg + c) * kIdx.length + kf]));
          }
        }
        y[at++] = b ? f(acc + b[m]) : acc;
      }
  return y;
}

/** ConvTranspose as a float32 scatter over the input in reverse order, bias added last. */
function convTFloat32Reversed(g: ConvGeometry, x: Float32Array, w: Float32Array, b?: Float32Array): Float32Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inIdx = multiIndices(g.inputSpatial);
  const kIdx = multiIndices(g.kernel);
  const outSize = g.outputSpatial.reduce((p, v) => p * v, 1);
  const y = new Float32Array(g.outputDims.reduce((p, v) => p * v, 1));
  for (let n = g.batch - 1; n >= 0; n--)
    for (let c = g.inChannels - 1; c >= 0; c--)
      for (let jf = inIdx.length - 1; jf >= 0; jf--) {
        const xv = x[(n * g.inChannels + c) * inIdx.length + jf];
        for (let kf = kIdx.length - 1; kf >= 0; kf--) {
          let off = 0;
          let inside = true;
          for (let a = 0; a < g.rank; a++) {
            const o = inIdx[jf][a] * g.strides[a] - g.padsBegin[a] + kIdx[kf][a] * g.dilations[a];
            if (o < 0 || o >= g.outputSpatial[a]) inside = false;
            off = off * g.outputSpatial[a] + o;
          }
          if (!inside) continue;
          for (let mo = 0; mo < mg; mo++) {
            const m = Math.floor(c / cg) * mg + mo;
            const yi = (n * g.outChannels + m) * outSize + off;
            y[yi] = f(y[yi] + f(xv * w[(c * mg + mo) * kIdx.length + kf]));
          }
        }
      }
  if (b) y.forEach((v, i) => (y[i] = f(v + b[Math.floor(i / outSize) % g.outChannels])));
  return y;
}

function implementation(name: string, conv: (g: ConvGeometry, x: Tensor, w: Tensor, b?: Tensor) => ArrayLike<number>, convT: (g: ConvGeometry, x: Tensor, w: Tensor, b?: Tensor) => ArrayLike<number>): Implementation {
  const run = (op: OpName, k: typeof conv) => (x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes): Tensor => {
    const g = prepare(op, x, w, b, attrs);
    return { dims: g.outputDims, data: Float32Array.from(k(g, x, w, b)) };
  };
  return { name, conv: run('Conv', conv), convTranspose: run('ConvTranspose', convT) };
}

const direct = (g: ConvGeometry, x: Tensor, w: Tensor, b?: Tensor) => (g.op === 'Conv' ? convDirect : convTransposeDirect)(g, x.data, w.data, b?.data);
const flip = (w: Tensor): Tensor => {
  const ks = w.dims.slice(2).reduce((p, v) => p * v, 1);
  return { dims: w.dims, data: w.data.map((_, i) => w.data[i - (i % ks) + (ks - 1 - (i % ks))]) };
};
const withGeometry = (change: (g: ConvGeometry) => Partial<ConvGeometry>) => (g: ConvGeometry, x: Tensor, w: Tensor, b?: Tensor) => direct({ ...g, ...change(g) }, x, w, b);

const float32Variant = implementation(
  'float32, reverse order',
  (g, x, w, b) => convFloat32Reversed(g, x.data, w.data, b?.data),
  (g, x, w, b) => convTFloat32Reversed(g, x.data, w.data, b?.data),
);

const MUTANTS: Array<{ impl: Implementation; clauses: string[] }> = [
  { impl: implementation('ConvTranspose without the kernel flip', direct, (g, x, w, b) => direct(g, x, flip(w), b)), clauses: ['convT.matrix.transpose', 'convT.zeroInsertion.steps'] },
  { impl: implementation('output_padding at the start', direct, withGeometry((g) => ({ padsBegin: g.padsBegin.map((p, i) => p - g.outputPadding[i]) }))), clauses: ['convT.zeroInsertion.steps', 'convT.structure.translation'] },
  { impl: implementation('dilation ignored', withGeometry((g) => ({ dilations: g.dilations.map(() => 1) })), direct), clauses: ['dilation.coverage.impulse', 'conv.dilation.zeroDilatedKernel'] },
  { impl: implementation('pads on the wrong side', withGeometry((g) => ({ padsBegin: g.padsEnd, padsEnd: g.padsBegin })), direct), clauses: ['conv.size.autoPad', 'conv.structure.translation'] },
];

describe('clauses accept a correct float32 variant and reject classic bugs', () => {
  it('a float32-accumulating Conv and ConvTranspose summing in reverse order pass the numerical and structure clauses', async () => {
    const subject = subjectFromImplementation(float32Variant);
    const ids = [
      'conv.numeric.withinBound', 'conv.numeric.exactIntegers', 'conv.matrix.product', 'conv.structure.linearInput', 'conv.structure.translation',
      'convT.numeric.withinBound', 'convT.numeric.exactIntegers', 'convT.matrix.transpose', 'convT.zeroInsertion.viaConv', 'convT.structure.biasPerChannel',
      'convT.structure.translation', 'both.matrix.adjoint', 'both.invertibility.roundTrip',
    ];
    const failed: string[] = [];
    for (const id of ids) {
      const o = await runClause(clauseById(id)!, subject);
      if (o.status !== 'passed') failed.push(`${id}: ${o.status} ${o.error ?? ''}`);
    }
    expect(failed).toEqual([]);
  });

  for (const m of MUTANTS) {
    it(`"${m.impl.name}" fails ${m.clauses.join(' and ')}`, async () => {
      const subject = subjectFromImplementation(m.impl);
      for (const id of m.clauses) {
        const o = await runClause(clauseById(id)!, subject);
        expect(o.status, `${id} against "${m.impl.name}"`).toBe('failed');
      }
    });
  }
});
