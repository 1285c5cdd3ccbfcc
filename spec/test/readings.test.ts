/**
 * Plan: a validation clause never demands one reading of a point of spec/AMBIGUITIES.md. An
 * implementation of the other readings — `onnx-text` for the output_shape range (any output_shape ≥ 1,
 * extra elements appended at the end with the bias) and `pytorch` for the output_padding bound
 * (op < max(s, d), op elements added at the end) — must pass convT.validation.errorCodes like the
 * reference (the `ort` reading), at the default seed and others; and one that accepts those inputs but
 * computes the extra elements wrongly must still fail.
 */
import { describe, expect, it } from 'vitest';
import { reference, referenceConvTranspose } from '../../impl/reference';
import { effectiveKernel } from '../../impl/resolve';
import type { ConvTransposeAttributes, Implementation, Tensor } from '../../impl/types';
import { clauseById } from '../clauses';
import { runClause, formatOutcome } from '../framework/runClause';
import { subjectFromImplementation } from '../framework/subject';

/** Embeds y ([N, M, natural…]) at the start of a zero-or-bias tensor of spatial dims `out`. */
function appendAtEnd(y: Tensor, out: number[], b: Tensor | undefined, extraValue?: number): Tensor {
  const [n, m, ...nat] = y.dims;
  const dims = [n, m, ...out];
  const inner = out.reduce((p, v) => p * v, 1);
  const natInner = nat.reduce((p, v) => p * v, 1);
  const data = new Float32Array(n * m * inner);
  for (let nm = 0; nm < n * m; nm++) {
    data.fill(extraValue ?? (b ? b.data[nm % m] : 0), nm * inner, (nm + 1) * inner);
    for (let f = 0; f < natInner; f++) {
      let rest = f;
      let dst = 0;
      let stride = 1;
      for (let a = nat.length - 1; a >= 0; a--) {
        dst += (rest % nat[a]) * stride;
        rest = Math.floor(rest / nat[a]);
        stride *= out[a];
      }
      data[nm * inner + dst] = y.data[nm * natInner + f];
    }
  }
  return { dims, data };
}

/**
 * The reference, except where it follows `ort` on the output_shape range and the output_padding
 * bound: there it follows `onnx-text` and `pytorch`. `extraValue` replaces the appended values (a
 * wrong implementation of those readings).
 */
function otherReadings(extraValue?: number): Implementation {
  return {
    name: 'onnx-text / pytorch readings',
    conv: reference.conv,
    convTranspose(x, w, b, attrs: ConvTransposeAttributes = {}) {
      const rank = x.dims.length - 2;
      const s = attrs.strides ?? new Array(rank).fill(1);
      const d = attrs.dilations ?? new Array(rank).fill(1);
      const k = attrs.kernel_shape ?? w.dims.slice(2);
      const op = attrs.output_padding ?? new Array(rank).fill(0);
      const natural = x.dims.slice(2).map((i, a) => s[a] * (i - 1) + op[a] + effectiveKernel(k[a], d[a]));
      if (attrs.output_shape && attrs.output_shape.some((o, a) => o > s[a] * x.dims[2 + a] + d[a] * (k[a] - 1))) {
        if (attrs.output_shape.every((o, a) => o >= natural[a]) && !attrs.pads) {
          const y = referenceConvTranspose(x, w, b, { ...attrs, output_shape: undefined }).y;
          return appendAtEnd(y, attrs.output_shape, b, extraValue);
        }
      }
      if (op.some((p, a) => p >= s[a] && p < Math.max(s[a], d[a]))) {
        const y = referenceConvTranspose(x, w, b, { ...attrs, output_padding: undefined }).y;
        return appendAtEnd(y, y.dims.slice(2).map((o, a) => o + op[a]), b, extraValue);
      }
      return referenceConvTranspose(x, w, b, attrs).y;
    },
  };
}

describe('validation clauses accept every reading of an ambiguity', () => {
  for (const seed of [20261128, 1, 2, 3]) {
    it(`the onnx-text and pytorch readings pass convT.validation.errorCodes (seed ${seed})`, async () => {
      const o = await runClause(clauseById('convT.validation.errorCodes')!, subjectFromImplementation(otherReadings()), { seed });
      expect(o.status, formatOutcome(o)).toBe('passed');
    });
  }

  it('the readings are really taken: output_shape above ORT\'s range gives a result, not an error', () => {
    const impl = otherReadings();
    const x = { dims: [1, 1, 3], data: new Float32Array([1, 2, 3]) };
    const w = { dims: [1, 1, 3], data: new Float32Array([1, -1, 2]) };
    const y = impl.convTranspose!(x, w, { dims: [1], data: new Float32Array([0.5]) }, { strides: [2], output_shape: [9] }) as Tensor;
    expect(y.dims).toEqual([1, 1, 9]);
    expect(y.data[8]).toBe(0.5);
    expect(() => referenceConvTranspose(x, w, undefined, { strides: [2], output_shape: [9] })).toThrow(/OUTPUT_SHAPE_INCONSISTENT/);
  });

  it('an implementation that accepts output_shape above the range but appends the wrong values fails', async () => {
    const o = await runClause(clauseById('convT.validation.errorCodes')!, subjectFromImplementation(otherReadings(7)));
    expect(o.status).toBe('failed');
    expect(o.error).toMatch(/onnx-text|expected a rejection/);
  });
});
