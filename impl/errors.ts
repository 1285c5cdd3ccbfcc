/**
 * Every invalid input is reported by one error class with a stable `code`. Codes are part of the
 * public contract (reports, known-failure lists and the invalid-input clauses match on them), so a
 * code is never renamed; new ones may be added.
 */
export const ERROR_CODES = {
  TENSOR_TYPE: 'a tensor is not {dims: number[], data: Float32Array}',
  RANK_MISMATCH: 'a tensor has the wrong rank for the operator',
  NOT_AN_INTEGER: 'a dimension or attribute value is not a finite integer',
  NOT_POSITIVE: 'a dimension, stride, dilation, kernel size or group is below 1',
  NEGATIVE_PADS: 'a pad is negative',
  ATTRIBUTE_LENGTH: 'a per-axis attribute has the wrong number of values',
  UNKNOWN_ATTRIBUTE: 'an attribute name the operator does not define',
  UNKNOWN_AUTO_PAD: 'auto_pad is not NOTSET, SAME_UPPER, SAME_LOWER or VALID',
  PADS_CONFLICT: 'non-zero pads given together with auto_pad or output_shape',
  CHANNEL_MISMATCH: 'the input channels do not match the weight and group',
  GROUP_DIVISIBILITY: 'input or output channels are not divisible by group',
  KERNEL_SHAPE_MISMATCH: 'kernel_shape disagrees with the weight dims',
  OUTPUT_TOO_SMALL: 'an output spatial size would be below 1',
  OUTPUT_PADDING_RANGE: 'output_padding is negative or not below the stride',
  OUTPUT_SHAPE_INCONSISTENT: 'output_shape cannot be reached with these attributes',
  BIAS_LENGTH: 'the bias length is not the number of output channels',
  DATA_LENGTH: 'a tensor data length is not the product of its dims',
  SIZE_LIMIT: 'a tensor or the work would exceed the configured size caps',
} as const;

export type ConvSpecErrorCode = keyof typeof ERROR_CODES;

export class ConvSpecError extends Error {
  override readonly name = 'ConvSpecError';
  constructor(
    readonly code: ConvSpecErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isConvSpecError(e: unknown): e is ConvSpecError {
  return e instanceof ConvSpecError || (e instanceof Error && e.name === 'ConvSpecError' && 'code' in e);
}

/** Formats a value list for error messages: [1, 2, 3]. */
export function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => show(x)).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
