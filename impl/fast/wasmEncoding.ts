/**
 * The few pieces of the WebAssembly binary format that wasmKernel.ts needs to emit its module:
 * LEB128 numbers, sections and vectors, and the opcodes used (core, SIMD v128, f64x2, f32x4).
 * Values follow the WebAssembly core specification 2.0, section 5 (binary format).
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes
export const I32 = 0x7f, V128 = 0x7b;
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];
export const ADD = [0x6a], MUL = [0x6c], LT_U = [0x49], NE = [0x47], LT_S = [0x48], GT_S = [0x4a], GE_S = [0x4e], REM_U = [0x70];
export const F64_ADD = [0xa0], F64_MUL = [0xa2];
export const DIV_U = [0x6e], SUB = [0x6b], EQ = [0x46], SELECT = [0x1b];
export const f64c0 = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
export const BLOCK = [0x02, 0x40];
export const br = (depth: number) => [0x0c, ...uleb(depth)];
export const tee = (i: number) => [0x22, ...uleb(i)];
export const f64load = (offset: number) => [0x2b, ...memarg(3, offset)];
export const f64store = (offset: number) => [0x39, ...memarg(3, offset)];
export const i32load = (offset: number) => [0x28, ...memarg(2, offset)];
export const LOOP = [0x03, 0x40], END = [0x0b];
export const brIf = (depth: number) => [0x0d, ...uleb(depth)];
export const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];
export const v128load = (offset: number) => simd(0x00, ...memarg(3, offset));
export const v128store = (offset: number) => simd(0x0b, ...memarg(3, offset));
export const load64splat = (offset: number) => simd(0x0a, ...memarg(3, offset));
export const v128zero = simd(0x0c, ...new Array(16).fill(0));
export const F64X2_ADD = simd(240);
export const F64X2_MUL = simd(242);
export const F64X2_ABS = simd(236);
export const F32X4_ADD = simd(228);
export const F32X4_MUL = simd(230);
/** f32x4.demote_f64x2_zero: two doubles to the two low float32 lanes (round to nearest), high lanes 0. */
export const F32X4_DEMOTE_F64X2 = simd(0x5e);
/** i8x16.shuffle keeping the low 8 bytes of each operand: [a₀, a₁, b₀, b₁] for 32-bit lanes. */
export const SHUFFLE_LOW_HALVES = simd(0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
export const load32splat = (offset: number) => simd(0x09, ...memarg(2, offset));
export const EQZ = [0x45];
export const I32X4_SPLAT = simd(0x11);
export const I32X4_EQ = simd(0x37);
export const I32X4_ADD = simd(0xae);
export const I32X4_ALL_TRUE = simd(0xa3);
/** v128.const holding the i32 lanes [a, b, c, d] (little-endian). */
export const i32x4c = (...lanes: number[]): number[] => simd(0x0c, ...lanes.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]));
