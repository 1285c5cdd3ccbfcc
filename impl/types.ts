/**
 * The implementation interface. Third-party adapters are written against these types, so they are
 * kept exactly as published: a field may be added only as optional, never changed.
 */

/** A dense, row-major tensor in ONNX order: N, C, then the spatial axes. */
export interface Tensor {
  dims: readonly number[];
  data: Float32Array;
}

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

export type OpName = 'Conv' | 'ConvTranspose';
