/**
 * Section "Invalid input" of SPEC.md: for every error class of impl/errors.ts that the interface can
 * reach, an invalid call built from a valid control case by breaking exactly one thing.
 *
 * How the verdict is read: the control case must succeed with the right dims (so the subject is not
 * simply rejecting everything); the broken case must throw (an error, not an answer). If what it
 * throws is a ConvSpecError (isConvSpecError: the reference, or an implementation built on convspec's
 * errors), its `code` must be the documented one; any other thrown value from a third party counts
 * as a rejection, since only convspec's own error class promises codes.
 */
import fc from 'fast-check';
import { isConvSpecError, type ConvSpecErrorCode } from '../../impl/errors';
import { effectiveKernel, product } from '../../impl/resolve';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import { buildCase, channelCounts, convShape, outputSpatialOf, type ConvShape, type OpCase } from '../arbitraries/cases';
import { dataSeed } from '../arbitraries/data';
import { defineClause } from '../framework/clause';
import { isOwnSkip } from '../framework/skip';
import type { EnumeratedClause, NamedCase } from '../framework/enumerated';
import { assertWithinBound } from '../framework/compare';
import { expectedWithBound, type PrecisionProfile } from '../tolerance';
import { assertDims, ClauseViolation } from './lib/judge';

export interface Broken {
  x: Tensor;
  w: Tensor;
  b: Tensor | undefined;
  attrs: ConvTransposeAttributes;
}

const tensorOf = (dims: number[], fill = 0.5): Tensor => ({ dims, data: new Float32Array(product(dims)).fill(fill) });

/**
 * How to break a valid case so that exactly the given code applies (undefined: the code does not
 * apply to the op). Public through api/arbitraries.ts invalidCase.
 */
export const BREAKERS: Record<ConvSpecErrorCode, (c: OpCase, s: ConvShape) => Broken | undefined> = {
  // No data at all: unlike a Float64Array, which a lenient implementation could convert correctly,
  // there is nothing to compute with, so every implementation must refuse it.
  TENSOR_TYPE: (c) => ({ ...c, x: { dims: c.x.dims, data: null as unknown as Float32Array } }),
  RANK_MISMATCH: (c) => ({ ...c, w: tensorOf(c.w.dims.slice(0, -1)), attrs: { ...c.attrs, kernel_shape: undefined } }),
  NOT_AN_INTEGER: (c, s) => ({ ...c, attrs: { ...c.attrs, strides: s.axes.map((a, n) => (n === 0 ? a.s + 0.5 : a.s)) } }),
  NOT_POSITIVE: (c, s) => ({ ...c, attrs: { ...c.attrs, strides: s.axes.map((a, n) => (n === 0 ? 0 : a.s)) } }),
  NEGATIVE_PADS: (c, s) => ({ ...c, attrs: { ...c.attrs, pads: [...s.axes.map((a, n) => (n === 0 ? -1 : a.pb)), ...s.axes.map((a) => a.pe)] } }),
  ATTRIBUTE_LENGTH: (c, s) => ({ ...c, attrs: { ...c.attrs, dilations: [...s.axes.map((a) => a.d), 1] } }),
  UNKNOWN_ATTRIBUTE: (c) => ({ ...c, attrs: { ...c.attrs, padding: [0, 0] } as ConvTransposeAttributes }),
  UNKNOWN_AUTO_PAD: (c) => ({ ...c, attrs: { ...c.attrs, pads: undefined, auto_pad: 'SAME' as never } }),
  PADS_CONFLICT: (c, s) => ({ ...c, attrs: { ...c.attrs, auto_pad: 'SAME_UPPER', pads: s.axes.flatMap(() => [1, 1]) } }),
  CHANNEL_MISMATCH: (c, s) => {
    // g more input channels keeps C divisible by group but no longer matches W.
    const dims = [...c.x.dims];
    dims[1] += s.channels.group;
    return { ...c, x: tensorOf(dims) };
  },
  GROUP_DIVISIBILITY: (c) => ({ ...c, attrs: { ...c.attrs, group: c.x.dims[1] + 1 } }),
  KERNEL_SHAPE_MISMATCH: (c, s) => ({ ...c, attrs: { ...c.attrs, kernel_shape: s.axes.map((a, n) => (n === 0 ? a.k + 1 : a.k)) } }),
  OUTPUT_TOO_SMALL: (c, s) => {
    const a = s.axes[0];
    if (s.op === 'ConvTranspose') {
      const natural = a.s * (a.i - 1) + a.op + effectiveKernel(a.k, a.d);
      return { ...c, attrs: { ...c.attrs, pads: [...s.axes.map((b, n) => (n === 0 ? natural : b.pb)), ...s.axes.map((b) => b.pe)] } };
    }
    // A kernel whose extent d(k−1)+1 exceeds the padded input.
    const k = Math.ceil((a.i + a.pb + a.pe) / a.d) + 1;
    const dims = [...c.w.dims];
    dims[2] = k;
    return { ...c, w: tensorOf(dims), attrs: { ...c.attrs, kernel_shape: undefined } };
  },
  // max(s, d): outside both readings of the bound (op < s for ORT, op < max(s, d) for PyTorch).
  OUTPUT_PADDING_RANGE: (c, s) =>
    s.op === 'Conv'
      ? undefined
      : {
          ...c,
          attrs: { ...c.attrs, strides: s.axes.map((a) => a.s), dilations: s.axes.map((a) => a.d), output_padding: s.axes.map((a, n) => (n === 0 ? Math.max(a.s, a.d) : a.op)) },
        },
  OUTPUT_SHAPE_INCONSISTENT: (c, s) =>
    s.op === 'Conv'
      ? undefined
      : { ...c, attrs: { ...c.attrs, pads: undefined, output_shape: s.axes.map((a) => a.s * (a.i - 1) + a.op + effectiveKernel(a.k, a.d) + a.s) } },
  BIAS_LENGTH: (c, s) => ({ ...c, b: tensorOf([channelCounts(s).m + 1]) }),
  DATA_LENGTH: (c) => ({ ...c, x: { dims: c.x.dims, data: c.x.data.slice(1) } }),
  // A single dimension above 2^31 − 1: refused before anything of that size is allocated.
  SIZE_LIMIT: (c) => ({ ...c, x: { dims: [c.x.dims[0], c.x.dims[1], 2 ** 31, ...c.x.dims.slice(3)], data: c.x.data } }),
};

/**
 * The `onnx-text` reading of an output_shape above the natural size: the natural output, then the
 * extra elements appended at the end of each axis, holding the bias (0 without one). Throws a
 * MismatchError unless `y` is that, within the bound.
 */
function assertOnnxTextOutputShape(y: Tensor, broken: Broken, profile: PrecisionProfile): void {
  const outputShape = broken.attrs.output_shape!;
  const natural = expectedWithBound('ConvTranspose', broken.x, broken.w, broken.b, { ...broken.attrs, output_shape: undefined, pads: undefined }, profile);
  const dims = [natural.dims[0], natural.dims[1], ...outputShape];
  const y64 = new Float64Array(product(dims));
  const bound = new Float64Array(y64.length);
  const inner = product(outputShape);
  const naturalInner = product(natural.dims.slice(2));
  const rank = outputShape.length;
  const idx = new Array<number>(rank);
  for (let nm = 0; nm < dims[0] * dims[1]; nm++) {
    const bias = broken.b ? broken.b.data[nm % dims[1]] : 0;
    for (let f = 0; f < inner; f++) {
      let rest = f;
      for (let a = rank - 1; a >= 0; a--) {
        idx[a] = rest % outputShape[a];
        rest = Math.floor(rest / outputShape[a]);
      }
      let src = 0;
      let inside = true;
      for (let a = 0; a < rank; a++) {
        if (idx[a] >= natural.dims[2 + a]) inside = false;
        src = src * natural.dims[2 + a] + idx[a];
      }
      const at = nm * inner + f;
      if (inside) {
        y64[at] = natural.y64[nm * naturalInner + src];
        bound[at] = natural.bound[nm * naturalInner + src];
      } else {
        y64[at] = bias; // 0 + b: exact in any order
      }
    }
  }
  assertWithinBound(y, { y64, bound, dims, geometry: natural.geometry }, 'output_shape above the natural size, read as the onnx-text reading (natural output, then bias appended)');
}

export const CODES_BY_OP: Record<OpName, ConvSpecErrorCode[]> = {
  Conv: (Object.keys(BREAKERS) as ConvSpecErrorCode[]).filter((k) => k !== 'OUTPUT_PADDING_RANGE' && k !== 'OUTPUT_SHAPE_INCONSISTENT'),
  ConvTranspose: Object.keys(BREAKERS) as ConvSpecErrorCode[],
};

/**
 * One invalid-input class on one or more control cases. Through verify each class is a listed case of
 * its own (case name: the code in lower case with dashes, e.g. `negative-pads`), so every class the
 * implementation accepts is reported, matched by `--clause` and `--expect`, and shrunk into a finding
 * of its own; through plain runClause (vitest) the clause is a property over one control at a time.
 */
export interface ValidationCase {
  code: ConvSpecErrorCode;
  /** Valid control cases, each broken by BREAKERS[code]; the first that shows a failure decides. */
  controls: OpCase[];
}

/** Small valid shapes: rank 1–2, at most 2 groups of 2 channels, batch 1–2. */
const smallShape = (op: OpName) => convShape(op, { maxRank: 2, maxGroup: 2, maxPerGroup: 2 });

/** The listed case name of a code: `NEGATIVE_PADS` → `negative-pads` (CASE_NAME grammar). */
export const caseNameOfCode = (code: ConvSpecErrorCode): string => code.toLowerCase().replace(/_/g, '-');

/**
 * Random controls per class in verify's listed cases, beside the fixed one. Before the listed cases the
 * property ran 40 cases per clause (its examples among them): 160 calls for both clauses; now 2 controls
 * × (16 + 18) codes × 2 calls = 136, so a correct implementation's run costs no more than it did.
 */
export const RANDOM_CONTROLS_PER_CODE = 1;
/** Seed of the listed cases' random controls: fixed, so a case id always names the same inputs. */
const LISTED_SEED = 20261206;

const dims = (t: { dims: readonly number[] } | undefined) => (t ? JSON.stringify(t.dims) : 'none');

/** The invalid call in words: its op, dims and attributes (what a reader needs to reproduce it). */
export function describeBroken(op: OpName, broken: Broken): string {
  const notes: string[] = [];
  if (!(broken.x.data instanceof Float32Array)) notes.push(`x.data ${broken.x.data === null ? 'null' : typeof broken.x.data}`);
  else if (broken.x.data.length !== product(broken.x.dims)) notes.push(`x.data holds ${broken.x.data.length} values`);
  return `${op} x ${dims(broken.x)}, w ${dims(broken.w)}, b ${dims(broken.b)}, attrs ${JSON.stringify(broken.attrs)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

function validation(op: OpName) {
  const tag = op === 'Conv' ? 'conv' : 'convT';
  // One worked example per code on a fixed control case, so every code runs on every default run.
  const fixed: ConvShape = {
    op, batch: 1, channels: { group: 2, inPerGroup: 2, outPerGroup: 2 }, bias: true, explicit: true,
    axes: [{ i: 5, k: 3, s: 2, d: 1, pb: 1, pe: 0, op: op === 'Conv' ? 0 : 1 }, { i: 4, k: 2, s: 1, d: 2, pb: 0, pe: 1, op: 0 }],
  };
  const controlArb = fc.tuple(smallShape(op), dataSeed()).map(([s, seed]) => buildCase(s, seed));
  const clause = defineClause<ValidationCase>({
    id: `${tag}.validation.errorCodes`,
    title: `${op}: each invalid-input class is rejected (with its documented code when the error is a ConvSpecError); the valid control case runs`,
    category: 'validation',
    ops: [op],
    arbitrary: fc.tuple(controlArb, fc.constantFrom(...CODES_BY_OP[op])).map(([control, code]): ValidationCase => ({ code, controls: [control] })),
    examples: CODES_BY_OP[op].map((code) => ({ code, controls: [buildCase(fixed, 5)] })),
    runs: 40,
    async check({ code, controls }, ctx) {
      // A control outside the declared support is skipped alone: the case is unsupported only when all are.
      let skip: unknown;
      let judged = 0;
      for (const control of controls) {
        let y;
        try {
          y = await ctx.call(op, control.x, control.w, control.b, control.attrs);
        } catch (e) {
          if (!isOwnSkip(e)) throw e;
          skip = e;
          continue;
        }
        judged++;
        assertDims(y, [control.shape.batch, channelCounts(control.shape).m, ...outputSpatialOf(control.shape)], 'valid control case');
        const broken = BREAKERS[code](control, control.shape)!;
        const { error, result } = await ctx.callExpectingError(op, broken.x, broken.w, broken.b, broken.attrs);
        if (error === undefined) {
          // output_shape above ORT's range is valid under the onnx-text reading (spec/AMBIGUITIES.md,
          // ambiguity.convT.outputShapeRange): its result, not a rejection, is then what is checked.
          if (code === 'OUTPUT_SHAPE_INCONSISTENT') {
            assertOnnxTextOutputShape(result!, broken, ctx.profile);
            continue;
          }
          throw new ClauseViolation(`${code}: accepted the invalid input ${describeBroken(op, broken)} and returned a result with dims ${JSON.stringify(result?.dims)}; expected a rejection (${code})`);
        }
        if (isConvSpecError(error) && error.code !== code) {
          throw new ClauseViolation(`${code}: on the invalid input ${describeBroken(op, broken)} expected error code ${code}, got ${error.code}: ${error.message}`);
        }
      }
      if (judged === 0 && skip !== undefined) throw skip;
    },
  });
  return {
    ...clause,
    async enumerate(): Promise<NamedCase<ValidationCase>[]> {
      return CODES_BY_OP[op].map((code, i) => {
        const random = fc.sample(controlArb, { seed: LISTED_SEED + i, numRuns: RANDOM_CONTROLS_PER_CODE });
        return { name: caseNameOfCode(code), value: { code, controls: [buildCase(fixed, 5), ...random] } };
      });
    },
  } satisfies EnumeratedClause<ValidationCase>;
}

export const validationClauses = [validation('Conv'), validation('ConvTranspose')];
