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
 * Layout: table[κ·Π(span) + q].
 */
function buildTable(g: ConvGeometry, span: readonly number[], target: readonly number[]): Int32Array {
  const r = g.rank;
  const count = product(span);
  const kSize = product(g.kernel);
  const targetStrides = rowMajorStrides(target);
  const table = new Int32Array(kSize * count);
  const k = new Array<number>(r).fill(0);
  for (let kf = 0; kf < kSize; kf++) {
    const perAxis: Int32Array[] = [];
    for (let a = 0; a < r; a++) {
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

const keyOf = (kind: string, g: ConvGeometry): string =>
  [kind, g.inputSpatial, g.outputSpatial, g.kernel, g.strides, g.dilations, g.padsBegin].map(String).join('|');

/**
 * Conv gather table: entry [κ·P + p] is the flat input offset read by output p at kernel offset κ
 * (o·s − p_begin + κ·d), or −1 for a padded position. P = Π outputSpatial.
 */
export function convGatherTable(g: ConvGeometry): Int32Array {
  return cached(keyOf('gather', g), () => buildTable(g, g.outputSpatial, g.inputSpatial));
}

/**
 * ConvTranspose scatter table: entry [κ·J + j] is the flat output offset that input j reaches at
 * kernel offset κ (j·s − p_begin + κ·d), or −1 when cropped. J = Π inputSpatial.
 */
export function convTransposeScatterTable(g: ConvGeometry): Int32Array {
  return cached(keyOf('scatter', g), () => buildTable(g, g.inputSpatial, g.outputSpatial));
}
