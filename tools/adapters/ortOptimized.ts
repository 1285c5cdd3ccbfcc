/**
 * ONNX Runtime (onnxruntime-node, CPU) the way applications run it: every graph optimisation on and
 * the weights as constant initializers, so the optimizer pre-packs them and 2-D Conv runs on the
 * NCHWc kernels (a different code path from the fixtures' setting). Two intra-op threads without
 * spinning (spinning threads starve everything else on a small shared machine).
 * `npx convspec verify --target ort-optimized`.
 */
import { createOnnxRuntime } from './onnxruntime';

const ortOptimized = createOnnxRuntime({ graphOptimizationLevel: 'all', intraOpNumThreads: 2, constantWeights: true, allowSpinning: false });

export default ortOptimized;
