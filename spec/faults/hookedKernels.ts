/**
 * The direct Conv and ConvTranspose loops of impl/direct.ts, rewritten with every index computation
 * and the accumulation as a named hook. The default hooks reproduce the reference exactly; a mutant
 * replaces ONE hook, so when a clause kills it we know which mistake the clause can see.
 */
import { multiIndices, rowMajorStrides } from '../../impl/direct';
import { product, type ConvGeometry } from '../../impl/resolve';

type Numeric = ArrayLike<number>;

/** Hooks shared by both operators. */
interface CommonHooks {
  /** Position along spatial axis `a` that output/input index `o` meets kernel tap `k`. */
  position(g: ConvGeometry, a: number, o: number, k: number): number;
  /** Flat weight index of tap `kf` (multi-index `k`) for the (outer, inner) channel pair; negative skips the term. */
  weightIndex(g: ConvGeometry, outer: number, inner: number, kf: number, k: readonly number[]): number;
  /** Bias of output channel m (b is defined). */
  bias(b: Numeric, m: number): number;
  /** acc + x·w, in whatever precision the variant accumulates. */
  multiplyAdd(acc: number, x: number, w: number): number;
}

export interface ConvHooks extends CommonHooks {
  /** Input channel read for channel `c` of group `grp`. */
  inputChannel(g: ConvGeometry, grp: number, c: number): number;
  /** How many input channels of a group are summed. */
  channelsSummed(g: ConvGeometry): number;
  /** Flat index of x[n, ch, offset]; negative skips the term. */
  inputIndex(g: ConvGeometry, n: number, ch: number, offset: number): number;
  /**
   * Contribution of a tap that falls outside the input (the zero padding): `undefined` skips it, as
   * ONNX says; a number is the input value the variant reads there instead.
   */
  outsideValue(g: ConvGeometry, x: Numeric, n: number, ch: number, pos: readonly number[]): number | undefined;
}

export interface ConvTransposeHooks extends CommonHooks {
  /** Output channel written for channel `mo` of group `grp`. */
  outputChannel(g: ConvGeometry, grp: number, mo: number): number;
}

const defaultCommon: CommonHooks = {
  position: (g, a, o, k) => o * g.strides[a] - g.padsBegin[a] + k * g.dilations[a],
  weightIndex: (g, outer, inner, kf) => {
    // Conv: W[m, c, κ] with outer = m; ConvTranspose: W[c, m', κ] with outer = c. Both are
    // (outer · innerCount + inner) · kSize + kf, innerCount being W's second dim.
    return (outer * g.weightDims[1] + inner) * product(g.kernel) + kf;
  },
  bias: (b, m) => b[m],
  multiplyAdd: (acc, x, w) => acc + x * w,
};

export const defaultConvHooks: ConvHooks = {
  ...defaultCommon,
  inputChannel: (g, grp, c) => grp * (g.inChannels / g.group) + c,
  channelsSummed: (g) => g.inChannels / g.group,
  inputIndex: (g, n, ch, offset) => (n * g.inChannels + ch) * product(g.inputSpatial) + offset,
  outsideValue: () => undefined,
};

export const defaultConvTransposeHooks: ConvTransposeHooks = {
  ...defaultCommon,
  outputChannel: (g, grp, mo) => grp * (g.outChannels / g.group) + mo,
};

/**
 * Which of the shared hooks are still the defaults, and the loop-invariant parts of their expressions.
 * The kernels compute a default hook's value inline (the same expression on the same numbers, so the
 * same result) instead of calling it: a call per term through a hooks object that differs from mutant
 * to mutant was most of the hooked kernels' time. Every hook is a pure function of its arguments and
 * none changes the geometry, so the invariants can be read once.
 */
function defaults(hooks: CommonHooks, g: ConvGeometry): { position: boolean; weightIndex: boolean; multiplyAdd: boolean; weightInner: number; taps: number } {
  return {
    position: hooks.position === defaultCommon.position,
    weightIndex: hooks.weightIndex === defaultCommon.weightIndex,
    multiplyAdd: hooks.multiplyAdd === defaultCommon.multiplyAdd,
    weightInner: g.weightDims[1],
    taps: product(g.kernel),
  };
}

/** Conv by gathering, with hooks. Returns float64 values (the variant's accumulation decides their precision). */
export function hookedConv(hooks: ConvHooks, g: ConvGeometry, x: Numeric, w: Numeric, b: Numeric | undefined): Float64Array {
  const mg = g.outChannels / g.group;
  const outSpatial = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kernelIdx = multiIndices(g.kernel);
  const outIdx = multiIndices(g.outputSpatial);
  const inStrides = rowMajorStrides(g.inputSpatial);
  const summed = hooks.channelsSummed(g);
  const y = new Float64Array(g.batch * g.outChannels * outSpatial);
  const pos = new Array<number>(g.rank);
  // A hook that is still the default is computed here, with its very expression (see defaults()).
  const d = defaults(hooks, g);
  const defaultInputChannel = hooks.inputChannel === defaultConvHooks.inputChannel;
  const defaultInputIndex = hooks.inputIndex === defaultConvHooks.inputIndex;
  const groupChannels = g.inChannels / g.group;
  const inSpatial = product(g.inputSpatial);
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const grp = Math.floor(m / mg);
      for (let of = 0; of < outSpatial; of++) {
        let acc = b ? hooks.bias(b, m) : 0;
        for (let kf = 0; kf < kSize; kf++) {
          const k = kernelIdx[kf];
          let offset = 0;
          let inside = true;
          for (let a = 0; a < g.rank; a++) {
            pos[a] = d.position ? outIdx[of][a] * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a] : hooks.position(g, a, outIdx[of][a], k[a]);
            if (pos[a] < 0 || pos[a] >= g.inputSpatial[a]) inside = false;
            offset += pos[a] * inStrides[a];
          }
          for (let c = 0; c < summed; c++) {
            const ch = defaultInputChannel ? grp * groupChannels + c : hooks.inputChannel(g, grp, c);
            const xi = inside ? (defaultInputIndex ? (n * g.inChannels + ch) * inSpatial + offset : hooks.inputIndex(g, n, ch, offset)) : 0;
            const wi = d.weightIndex ? (m * d.weightInner + c) * d.taps + kf : hooks.weightIndex(g, m, c, kf, k);
            if (xi < 0 || wi < 0) continue; // a loop that skips this term
            const xv = inside ? x[xi] : hooks.outsideValue(g, x, n, ch, pos);
            if (xv === undefined) continue;
            acc = d.multiplyAdd ? acc + xv * w[wi] : hooks.multiplyAdd(acc, xv, w[wi]);
          }
        }
        y[(n * g.outChannels + m) * outSpatial + of] = acc;
      }
    }
  }
  return y;
}

/** ConvTranspose by scattering, with hooks. */
export function hookedConvTranspose(hooks: ConvTransposeHooks, g: ConvGeometry, x: Numeric, w: Numeric, b: Numeric | undefined): Float64Array {
  const cg = g.inChannels / g.group;
  const mg = g.outChannels / g.group;
  const inSpatial = product(g.inputSpatial);
  const outSpatial = product(g.outputSpatial);
  const kSize = product(g.kernel);
  const kernelIdx = multiIndices(g.kernel);
  const inIdx = multiIndices(g.inputSpatial);
  const outStrides = rowMajorStrides(g.outputSpatial);
  const y = new Float64Array(g.batch * g.outChannels * outSpatial);
  // A hook that is still the default is computed here, with its very expression (see defaults()).
  const d = defaults(hooks, g);
  const defaultOutputChannel = hooks.outputChannel === defaultConvTransposeHooks.outputChannel;
  const groupOutChannels = g.outChannels / g.group;
  if (b) {
    for (let n = 0; n < g.batch; n++) {
      for (let m = 0; m < g.outChannels; m++) {
        y.fill(hooks.bias(b, m), (n * g.outChannels + m) * outSpatial, (n * g.outChannels + m + 1) * outSpatial);
      }
    }
  }
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const grp = Math.floor(c / cg);
      for (let jf = 0; jf < inSpatial; jf++) {
        const xv = x[(n * g.inChannels + c) * inSpatial + jf];
        for (let kf = 0; kf < kSize; kf++) {
          const k = kernelIdx[kf];
          let offset = 0;
          let inside = true;
          for (let a = 0; a < g.rank && inside; a++) {
            const o = d.position ? inIdx[jf][a] * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a] : hooks.position(g, a, inIdx[jf][a], k[a]);
            if (o < 0 || o >= g.outputSpatial[a]) inside = false;
            offset += o * outStrides[a];
          }
          if (!inside) continue;
          for (let mo = 0; mo < mg; mo++) {
            const yi = (n * g.outChannels + (defaultOutputChannel ? grp * groupOutChannels + mo : hooks.outputChannel(g, grp, mo))) * outSpatial + offset;
            const wi = d.weightIndex ? (c * d.weightInner + mo) * d.taps + kf : hooks.weightIndex(g, c, mo, kf, k);
            if (wi < 0) continue; // a loop that skips this term
            y[yi] = d.multiplyAdd ? y[yi] + xv * w[wi] : hooks.multiplyAdd(y[yi], xv, w[wi]);
          }
        }
      }
    }
  }
  return y;
}
