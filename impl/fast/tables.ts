/**
 * Pre-resolved index tables for one geometry, any spatial rank: the spatial dims are flattened, so
 * the kernels never do per-element multi-index arithmetic. A table entry is a flat spatial offset,
 * or −1 where the position falls outside the tensor (padding for Conv, cropped or never-reached
 * output for ConvTranspose): those positions are skipped, never multiplied, as in impl/direct.ts.
 */
import { rowMajorStrides } from '../direct';
import type { ConvGeometry } from '../resolve';
import { product } from '../resolve';

/**
 * Row-major "outer sum" of per-axis offset lists: out[flat(i₀,…,i_{r−1})] = Σ_a perAxis[a][i_a],
 * or −1 when any term is −1.
 */
function outerSum(perAxis: readonly Int32Array[], out: Int32Array, outOffset: number): void {
  let inner = Int32Array.of(0);
  for (let a = perAxis.length - 1; a >= 0; a--) {
    const v = perAxis[a];
    const next = new Int32Array(v.length * inner.length);
    for (let i = 0; i < v.length; i++) {
      const vi = v[i];
      const base = i * inner.length;
      for (let j = 0; j < inner.length; j++) next[base + j] = vi < 0 || inner[j] < 0 ? -1 : vi + inner[j];
    }
    inner = next;
  }
  out.set(inner, outOffset);
}

/**
 * For each kernel offset κ (row-major over the kernel dims) and each position q of `positions`
 * (row-major over `span`), the flat offset in `target` of q·s − p_begin + κ·d, or −1 outside it.
 * Layout: table[κ·Π(span) + q]. With `axes` < rank only the first `axes` axes are resolved (span
 * and offsets restricted to them), κ still running over the whole kernel.
 */
function buildTable(g: ConvGeometry, span: readonly number[], target: readonly number[], axes = g.rank): Int32Array {
  const r = g.rank;
  const count = product(span.slice(0, axes));
  const kSize = product(g.kernel);
  const targetStrides = rowMajorStrides(target);
  const table = new Int32Array(kSize * count);
  const k = new Array<number>(r).fill(0);
  for (let kf = 0; kf < kSize; kf++) {
    const perAxis: Int32Array[] = [];
    for (let a = 0; a < axes; a++) {
      const v = new Int32Array(span[a]);
      for (let q = 0; q < span[a]; q++) {
        const pos = q * g.strides[a] - g.padsBegin[a] + k[a] * g.dilations[a];
        v[q] = pos < 0 || pos >= target[a] ? -1 : pos * targetStrides[a];
      }
      perAxis.push(v);
    }
    outerSum(perAxis, table, kf * count);
    for (let a = r - 1; a >= 0; a--) {
      if (++k[a] < g.kernel[a]) break;
      k[a] = 0;
    }
  }
  return table;
}

/** Small cache: a property run or a benchmark calls the same geometry many times. */
const cache = new Map<string, Int32Array>();
const CACHE_ENTRIES = 8;
/** Tables above this many entries are rebuilt each call rather than kept alive. */
const CACHE_MAX_TABLE = 1 << 22;

function cached(key: string, build: () => Int32Array): Int32Array {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // re-insert: most recently used last
    cache.set(key, hit);
    return hit;
  }
  const t = build();
  if (t.length <= CACHE_MAX_TABLE) {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, t);
  }
  return t;
}

/** Cache key: everything the tables depend on (built by hand: it runs on every call). */
function keyOf(kind: string, g: ConvGeometry): string {
  let k = kind;
  const lists = [g.inputSpatial, g.outputSpatial, g.kernel, g.strides, g.dilations, g.padsBegin];
  for (let l = 0; l < lists.length; l++) {
    const v = lists[l];
    k += '|';
    for (let i = 0; i < v.length; i++) k += (i ? ',' : '') + v[i];
  }
  return k;
}

/** The lists a table depends on, in keyOf order. */
const keyLists = (g: ConvGeometry): readonly number[][] => [g.inputSpatial, g.outputSpatial, g.kernel, g.strides, g.dilations, g.padsBegin];

const sameList = (u: readonly number[], v: readonly number[]): boolean => {
  if (u.length !== v.length) return false;
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
};

/** Whether g has the lists `lists` (in keyOf order), without building g's own list of lists. */
const sameAs = (lists: readonly number[][], g: ConvGeometry): boolean =>
  sameList(lists[0], g.inputSpatial) && sameList(lists[1], g.outputSpatial) && sameList(lists[2], g.kernel) &&
  sameList(lists[3], g.strides) && sameList(lists[4], g.dilations) && sameList(lists[5], g.padsBegin);

/**
 * The table of the previous call of each kind, checked without building a key string: repeated
 * calls on one geometry (a property's runs, a benchmark) then cost a few comparisons.
 */
const lastTable = new Map<string, { lists: readonly number[][]; table: Int32Array }>();

function lookup(kind: string, g: ConvGeometry, build: () => Int32Array): Int32Array {
  const last = lastTable.get(kind);
  if (last && sameAs(last.lists, g)) return last.table;
  const table = cached(keyOf(kind, g), build);
  // copies: a caller may reuse and change its geometry's arrays
  lastTable.set(kind, { lists: keyLists(g).map((v) => v.slice()), table });
  return table;
}

/**
 * Conv gather table: entry [κ·P + p] is the flat input offset read by output p at kernel offset κ
 * (o·s − p_begin + κ·d), or −1 for a padded position. P = Π outputSpatial.
 */
export function convGatherTable(g: ConvGeometry): Int32Array {
  return lookup('gather', g, () => buildTable(g, g.outputSpatial, g.inputSpatial));
}

/**
 * ConvTranspose scatter table: entry [κ·J + j] is the flat output offset that input j reaches at
 * kernel offset κ (j·s − p_begin + κ·d), or −1 when cropped. J = Π inputSpatial.
 */
export function convTransposeScatterTable(g: ConvGeometry): Int32Array {
  return lookup('scatter', g, () => buildTable(g, g.inputSpatial, g.outputSpatial));
}

/**
 * Row runs: the same map as the tables above, resolved for all axes but the last, with the last
 * axis as a contiguous run. For kernel offset κ and "outer" position q (row-major over all axes of
 * the span but the last), rows[κ·Q + q] is the flat offset of the target row (−1 when outside);
 * along the last axis, span positions lo[κ_last] ≤ t < hi[κ_last] are inside the target and reach
 * target position t·s + shift[κ_last]. The kernels then run branch-free inner loops.
 */
export interface RowRuns {
  rows: Int32Array;
  /** Π of the span's dims but the last. */
  outer: number;
  /** The span's last dim. */
  length: number;
  lo: Int32Array;
  hi: Int32Array;
  shift: Int32Array;
  /** Stride along the last axis. */
  stride: number;
}

const runCache = new Map<string, RowRuns>();

function buildRuns(g: ConvGeometry, span: readonly number[], target: readonly number[]): RowRuns {
  const r = g.rank;
  const last = r - 1;
  const kLast = g.kernel[last];
  const s = g.strides[last];
  const lo = new Int32Array(kLast);
  const hi = new Int32Array(kLast);
  const shift = new Int32Array(kLast);
  for (let k = 0; k < kLast; k++) {
    const off = k * g.dilations[last] - g.padsBegin[last];
    shift[k] = off;
    // t·s + off ∈ [0, target): t ≥ ceil(−off / s), t ≤ floor((target − 1 − off) / s)
    lo[k] = Math.max(0, Math.ceil(-off / s));
    hi[k] = Math.max(lo[k], Math.min(span[last], Math.floor((target[last] - 1 - off) / s) + 1));
  }
  return {
    rows: buildTable(g, span, target, last),
    outer: product(span.slice(0, last)),
    length: span[last],
    lo, hi, shift, stride: s,
  };
}

function cachedRuns(key: string, build: () => RowRuns): RowRuns {
  const hit = runCache.get(key);
  if (hit) return hit;
  const t = build();
  if (t.rows.length <= CACHE_MAX_TABLE) {
    if (runCache.size >= CACHE_ENTRIES) runCache.delete(runCache.keys().next().value as string);
    runCache.set(key, t);
  }
  return t;
}

/** Conv row runs: span = output, target = input (a gather). */
export function convRowRuns(g: ConvGeometry): RowRuns {
  return cachedRuns(keyOf('gather-runs', g), () => buildRuns(g, g.outputSpatial, g.inputSpatial));
}

/** ConvTranspose row runs: span = input, target = output (a scatter). */
export function convTransposeRowRuns(g: ConvGeometry): RowRuns {
  return cachedRuns(keyOf('scatter-runs', g), () => buildRuns(g, g.inputSpatial, g.outputSpatial));
}
