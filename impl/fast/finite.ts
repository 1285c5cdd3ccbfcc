/** True when every element is a finite number (no NaN, no ±∞). */
export function allFinite(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (e - e !== 0) return false; // NaN − NaN and ∞ − ∞ are NaN
  }
  return true;
}
