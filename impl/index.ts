/** convspec's public entry: the interface types, the reference implementation and its building blocks. */
export type { Tensor, AutoPad, ConvAttributes, ConvTransposeAttributes, Implementation, OpName } from './types';
export type { DType, AnyTensor, Float16Tensor, BFloat16Tensor, Float64Tensor, TypedImplementation } from './types';
export {
  DTYPES, DTYPE_FORMATS, float16Bits, float16Value, bfloat16Bits, bfloat16Value, roundTo, encodeValues, decodeValues, ulp,
  type DTypeFormat,
} from './dtype';
export { runTypedReference, typedTensor, valuesOf, dtypeOf, type TypedReferenceResult } from './typedReference';
export { ConvSpecError, ERROR_CODES, isConvSpecError, type ConvSpecErrorCode } from './errors';
export {
  resolve, resolveConv, resolveConvTranspose, effectiveKernel, product,
  DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_MULTIPLY_ADDS, type ConvGeometry, type ResolveOptions,
} from './resolve';
export { reference, referenceConv, referenceConvTranspose, runReference, prepare, directKernels, type ReferenceResult, type Kernels } from './reference';
export { convDirect, convTransposeDirect } from './direct';
export { convTransposeByZeroInsertion, insertZeros, padOrCrop, flipAndSwapKernel, type ZeroInsertionSteps } from './zeroInsertion';
export { convMatrix, matVec, matTVec, matrixRank, MAX_MATRIX_ENTRIES, type EquivalentMatrix } from './matrix';
export { tensor, checkTensor } from './tensor';
export { receptiveField, usageCounts1D, usageCounts2D, holes1D, hdcValues, hdcSatisfied } from './dilation';
export { fastKernels, withMagnitude } from './fast';
