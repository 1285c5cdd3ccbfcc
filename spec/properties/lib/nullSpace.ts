/**
 * Exact null-space vectors of small integer matrices, by fraction-free Gauss–Jordan elimination in
 * BigInt: no rounding anywhere, so A·v = 0 holds exactly and x + v stays an exact float32 input.
 */

const abs = (a: bigint): bigint => (a < 0n ? -a : a);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function normalize(row: bigint[]): void {
  let g = 0n;
  for (const v of row) if (v) g = gcd(g, v);
  if (g > 1n) for (let j = 0; j < row.length; j++) row[j] /= g;
}

/**
 * For an integer matrix A (rows × cols, row-major), an integer vector v ≠ 0 with A·v = 0, or
 * undefined when A has full column rank. Among the basis vectors of the reduced row-echelon form (one
 * per free column) it returns the one with the smallest largest entry.
 */
export function integerNullVector(a: ArrayLike<number>, rows: number, cols: number): bigint[] | undefined {
  const m: bigint[][] = [];
  for (let r = 0; r < rows; r++) m.push(Array.from({ length: cols }, (_, c) => BigInt(a[r * cols + c])));
  const pivots: number[] = [];
  let r = 0;
  for (let col = 0; col < cols && r < rows; col++) {
    const p = m.findIndex((row, q) => q >= r && row[col] !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p], m[r]];
    for (let q = 0; q < rows; q++) {
      if (q === r || m[q][col] === 0n) continue;
      const f = m[q][col];
      const g = m[r][col];
      for (let j = 0; j < cols; j++) m[q][j] = m[q][j] * g - m[r][j] * f;
      normalize(m[q]);
    }
    pivots.push(col);
    r++;
  }
  if (pivots.length === cols) return undefined;
  let best: bigint[] | undefined;
  let bestMax = 0n;
  for (let free = 0; free < cols; free++) {
    if (pivots.includes(free)) continue;
    let lcm = 1n;
    pivots.forEach((pc, j) => {
      if (m[j][free] !== 0n) lcm = (lcm * abs(m[j][pc])) / gcd(lcm, m[j][pc]);
    });
    const v = new Array<bigint>(cols).fill(0n);
    v[free] = lcm;
    pivots.forEach((pc, j) => {
      if (m[j][free] !== 0n) v[pc] = (-m[j][free] * lcm) / m[j][pc];
    });
    normalize(v);
    const max = v.reduce((acc, x) => (abs(x) > acc ? abs(x) : acc), 0n);
    if (!best || max < bestMax) {
      best = v;
      bestMax = max;
    }
  }
  return best;
}
