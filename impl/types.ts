/**
 * The implementation interface. Third-party adapters are written against these types, so they are
 * kept exactly as published: a field may be added only as optional, never changed.
 */

/** A dense, row-major tensor in ONNX order: N, C, then the spatial axes. */
export interface Tensor {
  dims: readonly number[];
  data: Float32Array;
  /** Absent means float32: every float32 tensor may omit it. */
  dtype?: 'float32';
}

/** The ONNX element types of Conv and ConvTranspose (ONNX T: tensor(float16|bfloat16|float|double)). */
export type DType = 'float16' | 'bfloat16' | 'float32' | 'float64';

/** float16 or bfloat16 data as their bit patterns (Node 20 has no Float16Array). */
export interface Float16Tensor {
  dims: readonly number[];
  data: Uint16Array;
  dtype: 'float16';
}

export interface BFloat16Tensor {
  dims: readonly number[];
  data: Uint16Array;
  dtype: 'bfloat16';
}

export interface Float64Tensor {
  dims: readonly number[];
  data: Float64Array;
  dtype: 'float64';
}

/** A tensor of any of the four types; `dtype` tells which (absent: float32). */
export type AnyTensor = Tensor | Float16Tensor | BFloat16Tensor | Float64Tensor;

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** ONNX `Conv` attributes, names verbatim. An absent attribute takes its ONNX default. */
export interface ConvAttributes {
  auto_pad?: AutoPad;
  dilations?: number[];
  group?: number;
  kernel_shape?: number[];
  pads?: number[];
  strides?: number[];
}

/** ONNX `ConvTranspose` attributes: Conv's plus `output_padding` and `output_shape`. */
export interface ConvTransposeAttributes extends ConvAttributes {
  output_padding?: number[];
  output_shape?: number[];
}

/**
 * A convolution implementation under test. `conv` computes ONNX Conv with W = [M, C/group, k…];
 * `convTranspose` computes ONNX ConvTranspose with W = [C, M/group, k…]. Either may be absent.
 */
export interface Implementation {
  name: string;
  conv?(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvAttributes): Tensor | Promise<Tensor>;
  convTranspose?(
    x: Tensor,
    w: Tensor,
    b: Tensor | undefined,
    attrs: ConvTransposeAttributes,
  ): Tensor | Promise<Tensor>;
}

/**
 * An implementation that also computes float16, bfloat16 or float64 tensors. It declares which in
 * `supports.dtypes` (spec/framework/subject.ts; default ['float32']) and is then called with X, W and
 * B of one declared type per call; it returns Y of that same type (`dtype` set, except for float32).
 * `Implementation` stays the float32 interface, unchanged.
 */
export interface TypedImplementation {
  name: string;
  conv?(x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvAttributes): AnyTensor | Promise<AnyTensor>;
  convTranspose?(x: AnyTensor, w: AnyTensor, b: AnyTensor | undefined, attrs: ConvTransposeAttributes): AnyTensor | Promise<AnyTensor>;
}

export type OpName = 'Conv' | 'ConvTranspose';
