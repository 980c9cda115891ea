// The cpu backend's own kernels: kernel name → a wasm SIMD128 (or leaner TypeScript) implementation
// of that kernel, run on the backend's wasm heap. A kernel not listed here runs its TypeScript
// twin on views of the heap. The twins in src/compute/kernels/ stay the definition; every entry
// here has a parity test against its twin on the reference backend (test/compute/cpu-fast.test.ts).

import { gatherRows } from "./gather.ts";
import * as gemm from "./gemm.ts";
import * as planes from "./planes.ts";
import * as policy from "./policy.ts";
import type { FastKernel } from "./types.ts";

export const FAST_KERNELS: Readonly<Record<string, FastKernel>> = {
  // GEMM-shaped (wasm tiles)
  "gemm.gemm": gemm.gemm,
  "conv3x3.conv": gemm.conv,
  "conv3x3.weight_grad": gemm.weightGrad,
  // the workgroup-tiled GPU variants compute the same (same uniforms, same twin): same wasm kernel
  "gemm.gemm_tiled": gemm.gemm,
  "conv3x3.conv_tiled": gemm.conv,
  "conv3x3.weight_grad_tiled": gemm.weightGrad,
  "gemm.gemm_tiled32": gemm.gemm,
  "conv3x3.conv_tiled32": gemm.conv,
  "conv3x3.weight_grad_tiled32": gemm.weightGrad,
  // memory-bound (wasm plane kernels)
  "batchnorm.forward_train": planes.bnForwardTrain,
  "batchnorm.forward_infer": planes.bnForwardInfer,
  "batchnorm.forward_frozen": planes.bnForwardFrozen,
  "batchnorm.backward": planes.bnBackward,
  "batchnorm.backward_frozen": planes.bnBackwardFrozen,
  "se.scale_add_relu": planes.seScaleAddRelu,
  "se.scale_backward": planes.seScaleBackward,
  "reduce.channel_sum": planes.channelSum,
  "reduce.channel_sum_long": planes.channelSum,
  "reduce.row_mean": planes.rowMean,
  "reduce.broadcast_add": planes.broadcastAdd,
  "elementwise.relu_forward": planes.reluForward,
  "elementwise.relu_backward": planes.reluBackward,
  "elementwise.add_relu": planes.addRelu,
  "optimizer.adam": planes.adam,
  "optimizer.sumsq_partial": planes.sumsqPartial,
  // policy over 13,527 actions (set bits of the legal mask only)
  "softmax.log_softmax": policy.logSoftmax,
  "softmax.sample": policy.sample,
  "ppo.loss": policy.ppoLoss,
  "az.loss": policy.azLoss,
  // the conv policy head's planes ↔ actions map (mapped entries only)
  "gather.rows": gatherRows,
};
