/**
 * An emulation of the ONNX backend node tests for Conv and ConvTranspose
 * (onnx/backend/test/case/node/conv.py and convtranspose.py), used only to show which mutants those
 * tests would let through: the 17 configurations they use, inputs in their style (x = 0, 1, 2, … and
 * all-ones weights; convtranspose_dilations uses its own small non-uniform values), no bias, and
 * their comparison, |actual − expected| ≤ 1e-7 + 1e-3·|expected| elementwise (numpy assert_allclose
 * with rtol 1e-3, atol 1e-7). Expected values come from the reference. This is an approximation of the
 * real suite (the inputs are re-created, not copied), good enough to show the gaps of its design:
 * uniform kernels cannot see a missing flip or a swapped layout, integer inputs cannot see reduced
 * precision, no case has a bias or more than one channel per group.
 */
import { runReference } from '../../impl/reference';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { ImplementationWithSupports } from '../../spec/framework/subject';

interface BackendCase {
  name: string;
  op: OpName;
  x: Tensor;
  w: Tensor;
  attrs: ConvTransposeAttributes;
}

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const arange = (dims: number[]): Tensor => ({ dims, data: Float32Array.from({ length: count(dims) }, (_, i) => i) });
const ones = (dims: number[]): Tensor => ({ dims, data: new Float32Array(count(dims)).fill(1) });
const values = (dims: number[], v: number[]): Tensor => ({ dims, data: Float32Array.from(v) });

/** The configurations of the ONNX backend tests, with inputs in their style. */
export const BACKEND_CASES: BackendCase[] = [
  { name: 'basic_conv_with_padding', op: 'Conv', x: arange([1, 1, 5, 5]), w: ones([1, 1, 3, 3]), attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
  { name: 'basic_conv_without_padding', op: 'Conv', x: arange([1, 1, 5, 5]), w: ones([1, 1, 3, 3]), attrs: { kernel_shape: [3, 3], pads: [0, 0, 0, 0] } },
  { name: 'conv_with_strides_padding', op: 'Conv', x: arange([1, 1, 7, 5]), w: ones([1, 1, 3, 3]), attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] } },
  { name: 'conv_with_strides_no_padding', op: 'Conv', x: arange([1, 1, 7, 5]), w: ones([1, 1, 3, 3]), attrs: { kernel_shape: [3, 3], pads: [0, 0, 0, 0], strides: [2, 2] } },
  { name: 'conv_with_strides_and_asymmetric_padding', op: 'Conv', x: arange([1, 1, 7, 5]), w: ones([1, 1, 3, 3]), attrs: { kernel_shape: [3, 3], pads: [1, 0, 1, 0], strides: [2, 2] } },
  { name: 'conv_with_autopad_same', op: 'Conv', x: arange([1, 1, 5, 5]), w: ones([1, 1, 3, 3]), attrs: { auto_pad: 'SAME_LOWER', kernel_shape: [3, 3], strides: [2, 2] } },
  { name: 'convtranspose', op: 'ConvTranspose', x: arange([1, 1, 3, 3]), w: ones([1, 2, 3, 3]), attrs: {} },
  { name: 'convtranspose_1d', op: 'ConvTranspose', x: arange([1, 1, 3]), w: ones([1, 2, 3]), attrs: {} },
  { name: 'convtranspose_3d', op: 'ConvTranspose', x: arange([1, 1, 3, 4, 5]), w: ones([1, 2, 3, 3, 3]), attrs: {} },
  { name: 'convtranspose_pads', op: 'ConvTranspose', x: arange([1, 1, 3, 3]), w: ones([1, 2, 3, 3]), attrs: { strides: [3, 2], pads: [1, 2, 1, 2] } },
  { name: 'convtranspose_output_shape', op: 'ConvTranspose', x: arange([1, 1, 3, 3]), w: ones([1, 2, 3, 3]), attrs: { strides: [3, 2], output_shape: [10, 8] } },
  { name: 'convtranspose_pad', op: 'ConvTranspose', x: arange([1, 1, 3, 3]), w: ones([1, 2, 3, 3]), attrs: { strides: [3, 2], output_padding: [1, 1] } },
  { name: 'convtranspose_kernel_shape', op: 'ConvTranspose', x: arange([1, 1, 3, 3]), w: ones([1, 2, 3, 3]), attrs: { strides: [3, 2], output_shape: [10, 8], kernel_shape: [3, 3], output_padding: [1, 1] } },
  { name: 'convtranspose_dilations', op: 'ConvTranspose', x: values([1, 1, 3, 3], [3, 8, 1, 9, 5, 7, 3, 2, 6]), w: values([1, 1, 2, 2], [7, 2, 1, 9]), attrs: { dilations: [2, 2] } },
  { name: 'convtranspose_autopad_same', op: 'ConvTranspose', x: arange([1, 1, 3, 3]), w: ones([1, 2, 3, 3]), attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'convtranspose_group_2', op: 'ConvTranspose', x: arange([1, 2, 3, 3]), w: ones([2, 1, 3, 3]), attrs: { group: 2 } },
  { name: 'convtranspose_group_2_image_3', op: 'ConvTranspose', x: arange([3, 2, 3, 3]), w: ones([2, 1, 3, 3]), attrs: { group: 2 } },
];

const copy = (t: Tensor): Tensor => ({ dims: [...t.dims], data: t.data.slice() });

/** The backend-style cases `impl` fails (wrong dims, a throw, or a value outside rtol 1e-3 / atol 1e-7). */
export async function backendStyleFailures(impl: ImplementationWithSupports): Promise<string[]> {
  const failures: string[] = [];
  for (const c of BACKEND_CASES) {
    const expected = runReference(c.op, c.x, c.w, undefined, c.attrs);
    const fn = c.op === 'Conv' ? impl.conv : impl.convTranspose;
    try {
      const y = await fn!.call(impl, copy(c.x), copy(c.w), undefined, { ...c.attrs });
      const dimsOk = y.dims.length === expected.y.dims.length && y.dims.every((d, i) => d === expected.y.dims[i]);
      // assert_allclose: NaN is not close to anything, so a NaN output fails as it does in numpy.
      const close = dimsOk && y.data.length === expected.y64.length && expected.y64.every((e, i) => Math.abs(y.data[i] - e) <= 1e-7 + 1e-3 * Math.abs(e));
      if (!close) failures.push(c.name);
    } catch {
      failures.push(c.name);
    }
  }
  return failures;
}
