/**
 * Bugs that live outside the arithmetic: state kept between calls and writes into the caller's
 * inputs. Each wraps a correct Implementation, so the output of a single fresh call is right and
 * only the robustness clauses (or a clause that calls twice) can see the bug.
 */
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';
import { product } from '../../impl/resolve';
import { hookedKernel, referenceGeometry } from './variant';

type Run = (op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) => Tensor;

function fromRun(name: string, run: Run): ImplementationWithSupports {
  return {
    name,
    conv: (x, w, b, attrs) => run('Conv', x, w, b, attrs),
    convTranspose: (x, w, b, attrs) => run('ConvTranspose', x, w, b, attrs),
  };
}

const correct = hookedKernel({});

/**
 * An accumulation buffer kept between calls and never cleared: while consecutive calls have the same
 * output size, each result includes every earlier one.
 */
export function staleAccumulator(name = 'staleAccumulator'): ImplementationWithSupports {
  let acc: Float64Array | undefined;
  return fromRun(name, (op, x, w, b, attrs) => {
    const g = referenceGeometry(op, x, w, b, attrs);
    const y = correct(op, g, x.data, w.data, b?.data);
    if (acc && acc.length === y.length) for (let i = 0; i < y.length; i++) acc[i] += y[i];
    else acc = y;
    return { dims: g.outputDims, data: Float32Array.from(acc) };
  });
}

/**
 * One output buffer per size, handed back on every call: a caller that keeps an earlier result
 * finds it overwritten by the next call of the same size.
 */
export function reusedOutputBuffer(name = 'reusedOutputBuffer'): ImplementationWithSupports {
  const pool = new Map<number, Float32Array>();
  return fromRun(name, (op, x, w, b, attrs) => {
    const g = referenceGeometry(op, x, w, b, attrs);
    const y = correct(op, g, x.data, w.data, b?.data);
    let out = pool.get(y.length);
    if (!out) pool.set(y.length, (out = new Float32Array(y.length)));
    out.set(y);
    return { dims: g.outputDims, data: out };
  });
}

/**
 * Computes the right answer, then leaves the weights flipped in place (as a zero-insertion kernel
 * that flips W for its own use and forgets to restore it would).
 */
export function flipsWeightsInPlace(name = 'flipsWeightsInPlace'): ImplementationWithSupports {
  return fromRun(name, (op, x, w, b, attrs) => {
    const g = referenceGeometry(op, x, w, b, attrs);
    const y = correct(op, g, x.data, w.data, b?.data);
    const k = product(g.kernel);
    for (let start = 0; start < w.data.length; start += k) w.data.subarray(start, start + k).reverse();
    return { dims: g.outputDims, data: Float32Array.from(y) };
  });
}

/**
 * Memoises on the call's shape and attributes but not on the data: a second call of the same
 * configuration with other values gets the first call's result (a kernel cache that caches too much).
 */
export function cachedByShape(name = 'cachedByShape'): ImplementationWithSupports {
  const cache = new Map<string, Tensor>();
  return fromRun(name, (op, x, w, b, attrs) => {
    const key = JSON.stringify([op, x.dims, w.dims, b?.dims, attrs]);
    const hit = cache.get(key);
    if (hit) return { dims: [...hit.dims], data: hit.data.slice() };
    const g = referenceGeometry(op, x, w, b, attrs);
    const y = { dims: g.outputDims, data: Float32Array.from(correct(op, g, x.data, w.data, b?.data)) };
    cache.set(key, { dims: y.dims, data: y.data.slice() });
    return y;
  });
}
