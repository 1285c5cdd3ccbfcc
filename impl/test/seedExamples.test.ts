/**
 * The tutorial's worked examples, checked by hand. Expected values were computed on paper from the
 * definitions (window sums), not copied from the implementation.
 */
import { describe, expect, it } from 'vitest';
import { convTransposeByZeroInsertion, convMatrix, referenceConv, referenceConvTranspose, tensor } from '../index';

const seq = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('seed examples', () => {
  it('4×4 input, 3×3 kernel, p=0, s=1 gives 2×2; top-left is the window sum', () => {
    const r = referenceConv(tensor([1, 1, 4, 4], seq(16)), tensor([1, 1, 3, 3], seq(9)), undefined);
    expect(r.y.dims).toEqual([1, 1, 2, 2]);
    // [1 2 3; 5 6 7; 9 10 11]·[1 … 9] = 1+4+9+20+30+42+63+80+99
    expect(r.y64[0]).toBe(348);
    // window one step right: [2 3 4; 6 7 8; 10 11 12]·[1 … 9] = 348 + Σk = 348 + 45
    expect(r.y64[1]).toBe(393);
    // one step down adds 4·45
    expect(r.y64[2]).toBe(528);
  });

  it('transposed: 2×2 input, 3×3 kernel, s=1, p=0 gives 4×4 through a 6×6 padded grid', () => {
    const steps = convTransposeByZeroInsertion(tensor([1, 1, 2, 2], [1, 2, 3, 4]), tensor([1, 1, 3, 3], seq(9)), undefined);
    expect(steps.padded.dims).toEqual([1, 1, 6, 6]);
    expect(steps.y.dims).toEqual([1, 1, 4, 4]);
    // corner output (0,0) only sees x[0,0]·W[0,0] = 1·1; corner (3,3) sees x[1,1]·W[2,2] = 4·9
    expect(steps.y64[0]).toBe(1);
    expect(steps.y64[15]).toBe(36);
  });

  it('3×3 input, s=2, p=1, k=3 gives 5×5', () => {
    const r = referenceConvTranspose(tensor([1, 1, 3, 3], seq(9)), tensor([1, 1, 3, 3], seq(9)), undefined, { strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(r.y.dims).toEqual([1, 1, 5, 5]);
    // output (0,0) = input (0,0) at kernel tap (1,1) (0 = 0·2 − 1 + 1): 1·5
    expect(r.y64[0]).toBe(5);
  });

  it('the equivalent matrix of a 4×4 input and 3×3 kernel maps 16 inputs to 4 outputs', () => {
    const c = convMatrix([1, 1, 4, 4], tensor([1, 1, 3, 3], seq(9)));
    expect([c.rows, c.cols]).toEqual([4, 16]);
    // row 0 holds W row by row at input columns 0,1,2,4,5,6,8,9,10
    expect(Array.from(c.data.slice(0, 16))).toEqual([1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]);
  });
});
