/**
 * Section "Structure" of SPEC.md, for each operator: linearity in x and in W, bias per output channel,
 * batch items independent, grouped = concatenation of per-group calls, 1×1 kernels are matrix
 * products, translation equivariance away from the borders. Apart from the 1×1 clause, these compare
 * the subject with itself (allowing both results' bounds), so they hold for any correct algorithm.
 */
import fc from 'fast-check';
import { product } from '../../impl/resolve';
import type { OpName, Tensor } from '../../impl/types';
import { buildCase, channelCounts, valueShape, type ConvShape, type OpCase, type ShapeOptions } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { REALISTIC_MAC_BUDGET } from '../arbitraries/realistic';
import { reachOf } from '../arbitraries/reach';
import { defineClause, type ClauseContext } from '../framework/clause';
import { assertWithinBound } from '../framework/compare';
import { addTransformTerm, boundFromMagnitude, expectedWithBound, type Expected } from '../tolerance';
import { assertAgree, assertDims } from './lib/judge';

const tag = (op: OpName) => (op === 'Conv' ? 'conv' : 'convT');
const shapes = (op: OpName, o: ShapeOptions = {}) => valueShape(op, o);
const boundOf = (ctx: ClauseContext, c: OpCase, x = c.x, w = c.w, b = c.b): Expected => expectedWithBound(c.op, x, w, b, c.attrs, ctx.profile);
const ALPHAS = [-2, -1, -0.5, 0.5, 2];

/** Throws unless `actual` is within `bound` of the float64 values `want`. */
function assertNear(actual: Tensor, want: Float64Array, bound: Float64Array, dims: number[], what: string): void {
  assertDims(actual, dims, what);
  assertWithinBound(actual, { y64: want, bound, dims } as Expected, what);
}

function linearIn(op: OpName, which: 'x' | 'w') {
  return defineClause({
    id: `${tag(op)}.structure.linear${which === 'x' ? 'Input' : 'Weight'}`,
    title: `${op}(${which === 'x' ? 'αx₁ + x₂; W' : 'x; αW₁ + W₂'}) = α·${op}(${which === 'x' ? 'x₁' : 'W₁'}) + ${op}(${which === 'x' ? 'x₂' : 'W₂'}) (no bias)`,
    category: 'numeric',
    ops: [op],
    drawsScaleCases: true,
    arbitrary: fc.tuple(shapes(op, { bias: 'never' }), dataSeed(), fc.constantFrom(...ALPHAS)).map(([s, seed, alpha]) => {
      const c1 = buildCase(s, seed, { mode: 'dyadic' });
      const c2 = buildCase(s, seed + 1, { mode: 'dyadic' });
      return { one: c1, two: c2, alpha };
    }),
    runs: 50,
    async check({ one, two, alpha }, ctx) {
      const a1 = which === 'x' ? one.x : one.w;
      const a2 = which === 'x' ? two.x : two.w;
      const mixed: Tensor = { dims: a1.dims, data: a1.data.map((v, i) => alpha * v + a2.data[i]) }; // exact (dyadic data)
      const run = (t: Tensor) => (which === 'x' ? ctx.call(op, t, one.w, undefined, one.attrs) : ctx.call(op, one.x, t, undefined, one.attrs));
      const bnd = (t: Tensor) => (which === 'x' ? boundOf(ctx, one, t) : boundOf(ctx, one, one.x, t));
      const [y1, y2, y12] = [await run(a1), await run(a2), await run(mixed)];
      const [e1, e2, e12] = [bnd(a1), bnd(a2), bnd(mixed)];
      assertDims(y1, e1.dims, 'first result');
      assertDims(y2, e2.dims, 'second result');
      const want = Float64Array.from(y1.data, (v, i) => alpha * v + y2.data[i]);
      const bound = Float64Array.from(e12.bound, (v, i) => v + Math.abs(alpha) * e1.bound[i] + e2.bound[i]);
      assertNear(y12, want, bound, e12.dims, `${op} of the combination vs the combination of results (α = ${alpha})`);
    },
  });
}

function biasPerChannel(op: OpName) {
  return defineClause({
    id: `${tag(op)}.structure.biasPerChannel`,
    title: `${op}(x; W, b) − ${op}(x; W) = b[m] on every element of output channel m`,
    category: 'numeric',
    ops: [op],
    needs: ['bias'],
    drawsScaleCases: true,
    arbitrary: fc.tuple(shapes(op, { bias: 'always' }), dataSeed()).map(([s, seed]) => buildCase(s, seed)),
    runs: 50,
    async check(c, ctx) {
      const withB = await ctx.call(op, c.x, c.w, c.b, c.attrs);
      const without = await ctx.call(op, c.x, c.w, undefined, c.attrs);
      const eB = boundOf(ctx, c);
      const e0 = boundOf(ctx, c, c.x, c.w, undefined);
      assertDims(without, e0.dims, 'result without bias');
      const block = product(e0.dims.slice(2));
      const m = e0.dims[1];
      const want = Float64Array.from(without.data, (v, i) => v + c.b!.data[Math.floor(i / block) % m]);
      const bound = Float64Array.from(eB.bound, (v, i) => v + e0.bound[i]);
      assertNear(withB, want, bound, eB.dims, 'result with bias vs result without bias + b[m]');
    },
  });
}


function batchIndependent(op: OpName) {
  return defineClause({
    id: `${tag(op)}.structure.batchIndependent`,
    title: `${op} on a batch of 2 equals ${op} on each item alone`,
    category: 'numeric',
    ops: [op],
    needs: ['batch'],
    drawsScaleCases: true,
    arbitrary: fc.tuple(shapes(op), dataSeed()).map(([s, seed]) => buildCase({ ...s, batch: 2 }, seed)),
    runs: 40,
    async check(c, ctx) {
      const both = await ctx.call(op, c.x, c.w, c.b, c.attrs);
      const e = boundOf(ctx, c);
      assertDims(both, e.dims, 'batched result');
      for (const n of [0, 1]) {
        const xi = sliceAxis(c.x, 0, n, n + 1);
        const yi = await ctx.call(op, xi, c.w, c.b, c.attrs);
        const ei = boundOf(ctx, c, xi);
        const per = ei.bound.length;
        assertAgree(sliceAxis(both, 0, n, n + 1), yi, e.bound.subarray(n * per, (n + 1) * per), ei.bound, ei.dims, `batch item ${n} vs the item alone`);
      }
    },
  });
}

function groupsConcat(op: OpName) {
  return defineClause({
    id: `${tag(op)}.structure.groupsConcat`,
    title: `${op} with group g equals the channel-wise concatenation of g ungrouped calls on the group slices`,
    category: 'numeric',
    ops: [op],
    needs: ['groups'],
    drawsScaleCases: true,
    arbitrary: fc
      .tuple(shapes(op), fc.integer({ min: 2, max: 3 }), dataSeed())
      .map(([s, g, seed]) => buildCase({ ...s, channels: { ...s.channels, group: g } }, seed)),
    runs: 40,
    async check(c, ctx) {
      const { group, inPerGroup: cg, outPerGroup: mg } = c.shape.channels;
      const grouped = await ctx.call(op, c.x, c.w, c.b, c.attrs);
      const e = boundOf(ctx, c);
      assertDims(grouped, e.dims, 'grouped result');
      for (let g = 0; g < group; g++) {
        const xg = sliceAxis(c.x, 1, g * cg, (g + 1) * cg);
        // Conv W [M, C/g, k…] splits by output channel; ConvTranspose W [C, M/g, k…] by input channel.
        const wg = op === 'Conv' ? sliceAxis(c.w, 0, g * mg, (g + 1) * mg) : sliceAxis(c.w, 0, g * cg, (g + 1) * cg);
        const bg = c.b && sliceAxis(c.b, 0, g * mg, (g + 1) * mg);
        const attrs = { ...c.attrs, group: 1 };
        const yg = await ctx.call(op, xg, wg, bg, attrs);
        const eg = expectedWithBound(op, xg, wg, bg, attrs, ctx.profile);
        const boundSlice = sliceF64(e.bound, e.dims, g * mg, (g + 1) * mg);
        assertAgree(sliceAxis(grouped, 1, g * mg, (g + 1) * mg), yg, boundSlice, eg.bound, eg.dims, `output channels of group ${g} vs the ungrouped call on its slices`);
      }
    },
  });
}

/** Channel slice [from, to) of a float64 array laid out as dims [N, M, …]. */
function sliceF64(v: Float64Array, dims: readonly number[], from: number, to: number): Float64Array {
  const inner = product(dims.slice(2));
  const out = new Float64Array(dims[0] * (to - from) * inner);
  // set(), not push(...): a plane of the scale tier holds more values than a call may take arguments.
  for (let n = 0; n < dims[0]; n++) out.set(v.subarray((n * dims[1] + from) * inner, (n * dims[1] + to) * inner), n * (to - from) * inner);
  return out;
}

function pointwiseMatmul(op: OpName) {
  return defineClause({
    id: `${tag(op)}.structure.pointwiseMatmul`,
    title:
      op === 'Conv'
        ? 'a 1×1 Conv (stride 1, no pads) is y[n, m, p] = b[m] + Σ_c W[m, c]·x[n, g·C/g + c, p] per group'
        : 'a 1×1 ConvTranspose (stride 1, no pads) is y[n, g·M/g + m, p] = b + Σ_c W[g·C/g + c, m]·x[n, g·C/g + c, p]',
    category: 'numeric',
    ops: [op],
    drawsScaleCases: true,
    arbitrary: fc.tuple(shapes(op), dataSeed()).map(([s, seed]) =>
      buildCase({ ...s, axes: s.axes.map((a) => ({ ...a, k: 1, s: 1, pb: 0, pe: 0, op: 0, i: a.i + 1 })) }, seed),
    ),
    runs: 40,
    async check(c, ctx) {
      const { group, inPerGroup: cg, outPerGroup: mg } = c.shape.channels;
      const { c: cin, m: mout } = channelCounts(c.shape);
      const P = product(c.shape.axes.map((a) => a.i));
      const want = new Float64Array(c.shape.batch * mout * P);
      const mag = new Float64Array(want.length);
      for (let n = 0; n < c.shape.batch; n++)
        for (let g = 0; g < group; g++)
          for (let m = 0; m < mg; m++)
            for (let p = 0; p < P; p++) {
              const mo = g * mg + m;
              let acc = c.b ? c.b.data[mo] : 0;
              let abs = c.b ? Math.abs(c.b.data[mo]) : 0;
              for (let ci = 0; ci < cg; ci++) {
                const w = op === 'Conv' ? c.w.data[mo * cg + ci] : c.w.data[(g * cg + ci) * mg + m];
                const x = c.x.data[(n * cin + g * cg + ci) * P + p];
                acc += w * x;
                abs += Math.abs(w * x);
              }
              want[(n * mout + mo) * P + p] = acc;
              mag[(n * mout + mo) * P + p] = abs;
            }
      const y = await ctx.call(op, c.x, c.w, c.b, c.attrs);
      const bound = addTransformTerm(boundFromMagnitude(mag, cg, ctx.profile), op, c.x, c.w, c.b, c.attrs, ctx.profile);
      assertNear(y, want, bound, [c.shape.batch, mout, ...c.shape.axes.map((a) => a.i)], '1×1 result vs the matrix product');
    },
  });
}

/**
 * `lengthened` with its batch and channel counts halved (batch first, then output and input channels
 * per group, then groups) until it costs no more than twice `drawn`, or the small tier's budget where
 * that is more, in multiply-adds and in its largest tensor. Lengthening an axis for interior outputs
 * adds d(k − 1) + 2s + p_b inputs: on a scale or edge case with a dilation in the hundreds and a pad
 * to match, that multiplied the case's size past the limits it was drawn within (a 1-D case of 1024
 * output channels, k = 63, d = 128, p_b = 7936 grew to 1.5·10⁸ multiply-adds: TensorFlow.js's CPU
 * backend timed out on it). Translation holds for any channel count, so the channels give way.
 */
export function withinCostOf(lengthened: ConvShape, drawn: ConvShape): ConvShape {
  const was = reachOf(drawn);
  const maxMacs = Math.max(2 * was.macs, REALISTIC_MAC_BUDGET);
  const maxElements = Math.max(2 * was.largestTensor, REALISTIC_MAC_BUDGET);
  let s = lengthened;
  const over = (t: ConvShape) => {
    const r = reachOf(t);
    return r.macs > maxMacs || r.largestTensor > maxElements;
  };
  while (over(s)) {
    const { group, inPerGroup, outPerGroup } = s.channels;
    if (s.batch > 1) s = { ...s, batch: Math.ceil(s.batch / 2) };
    else if (outPerGroup > 1) s = { ...s, channels: { ...s.channels, outPerGroup: Math.ceil(outPerGroup / 2) } };
    else if (inPerGroup > 1) s = { ...s, channels: { ...s.channels, inPerGroup: Math.ceil(inPerGroup / 2) } };
    else if (group > 1) s = { ...s, channels: { ...s.channels, group: Math.ceil(group / 2) } };
    else break;
  }
  return s;
}

/**
 * Translation: Conv shifts its output by 1 when the input shifts by s; ConvTranspose shifts its
 * output by s when the input shifts by 1. Compared only where both outputs see the same inputs (or
 * the same padding zeros) through every kernel tap: away from the borders.
 */
function translation(op: OpName) {
  return defineClause({
    id: `${tag(op)}.structure.translation`,
    title: op === 'Conv' ? 'shifting the input by s along an axis shifts the Conv output by 1, away from the borders' : 'shifting the input by 1 along an axis shifts the ConvTranspose output by s, away from the borders',
    category: 'numeric',
    ops: [op],
    drawsScaleCases: true,
    arbitrary: fc.tuple(shapes(op), fc.nat(), dataSeed()).map(([s, axisPick, seed]) => {
      // Lengthen the shifted axis so that some outputs lie away from both borders.
      const axis = axisPick % s.axes.length;
      const axes = s.axes.map((a, n) => {
        if (n !== axis) return a;
        const eff = a.d * (a.k - 1) + 1;
        return { ...a, i: a.i + (op === 'Conv' ? eff + 2 * a.s + a.pb : Math.ceil(eff / a.s) + 2) };
      });
      return { shape: withinCostOf({ ...s, axes }, s), axis, seed };
    }),
    runs: 40,
    async check({ shape, axis, seed }, ctx) {
      const a = shape.axes[axis];
      const inShift = op === 'Conv' ? a.s : 1;
      const outShift = op === 'Conv' ? 1 : a.s;
      // One longer input; x is its start, x′ the same window moved by inShift.
      const longShape: ConvShape = { ...shape, axes: shape.axes.map((b, n) => (n === axis ? { ...b, i: b.i + inShift } : b)) };
      const long = buildCase(longShape, seed);
      const c = buildCase(shape, seed);
      const cut = (from: number): Tensor => sliceAxis(long.x, 2 + axis, from, from + a.i);
      const x = cut(0);
      const xs = cut(inShift);
      const y = await ctx.call(op, x, c.w, c.b, c.attrs);
      const ys = await ctx.call(op, xs, c.w, c.b, c.attrs);
      const e = boundOf(ctx, c, x);
      const es = boundOf(ctx, c, xs);
      assertDims(y, e.dims, 'result on x');
      assertDims(ys, es.dims, 'result on the shifted x');
      const outLen = e.dims[2 + axis];
      // Input positions that tap κ of output o reads (Conv) or that feed output o through tap κ (ConvTranspose).
      const same = (o: number): boolean => {
        if (o + outShift >= outLen) return false;
        for (let k = 0; k < a.k; k++) {
          if (op === 'Conv') {
            const q = o * a.s - a.pb + k * a.d; // position read in x′; in x the partner reads q + s
            if ((q >= 0 && q < a.i) !== (q + inShift >= 0 && q + inShift < a.i)) return false;
          } else {
            const t = o + a.pb - k * a.d;
            if (t % a.s !== 0) continue;
            const j = t / a.s; // input position feeding o in x′; in x the partner is j + 1
            if ((j >= 0 && j < a.i) !== (j + 1 >= 0 && j + 1 < a.i)) return false;
          }
        }
        return true;
      };
      const stride = product(e.dims.slice(3 + axis));
      const want = new Float64Array(ys.data.length);
      const bound = new Float64Array(ys.data.length);
      for (let f = 0; f < ys.data.length; f++) {
        const o = Math.floor(f / stride) % outLen;
        if (same(o)) {
          want[f] = y.data[f + outShift * stride];
          bound[f] = es.bound[f] + e.bound[f + outShift * stride];
        } else {
          want[f] = ys.data[f]; // not compared
          bound[f] = Infinity;
        }
      }
      assertNear(ys, want, bound, es.dims, `result on the input shifted by ${inShift} along axis ${axis} vs the result shifted by ${outShift}`);
    },
  });
}

/** Slice [from, to) along one axis of a tensor. */
function sliceAxis(t: Tensor, axis: number, from: number, to: number): Tensor {
  const dims = [...t.dims];
  const inner = product(dims.slice(axis + 1));
  const outer = product(dims.slice(0, axis));
  const n = dims[axis];
  dims[axis] = to - from;
  const data = new Float32Array(product(dims));
  for (let o = 0; o < outer; o++) data.set(t.data.subarray((o * n + from) * inner, (o * n + to) * inner), o * (to - from) * inner);
  return { dims, data };
}

export const structureClauses = (['Conv', 'ConvTranspose'] as OpName[]).flatMap((op) => [
  linearIn(op, 'x'), linearIn(op, 'w'), biasPerChannel(op), batchIndependent(op), groupsConcat(op), pointwiseMatmul(op), translation(op),
]);
