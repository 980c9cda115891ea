// The cpu backend's own kernels: kernel name → a wasm SIMD128 (or leaner TypeScript) implementation
// of that kernel, run on the backend's wasm heap. A kernel not listed here runs its TypeScript
// twin on views of the heap. The twins in src/compute/kernels/ stay the definition; every entry
// here has a parity test against its twin on the reference backend (test/compute/cpu-fast.test.ts).

import { FAMILIES } from "../../kernels/index.ts";
import { gatherRows } from "./gather.ts";
import * as gemm from "./gemm.ts";
import * as planes from "./planes.ts";
import * as policy from "./policy.ts";
import type { FastKernel } from "./types.ts";

/** kernel name → `impl` for every variant of a GEMM-shaped family. */
const variantsOf = (family: "gemm" | "conv" | "weightGrad", impl: FastKernel) =>
  Object.fromEntries(FAMILIES[family].map((k) => [k.name, impl]));

export const FAST_KERNELS: Readonly<Record<string, FastKernel>> = {
  // GEMM-shaped (wasm tiles); every GPU variant of a family computes the same (same uniforms, same
  // twin): the same wasm kernel
  ...variantsOf("gemm", gemm.gemm),
  ...variantsOf("conv", gemm.conv),
  ...variantsOf("weightGrad", gemm.weightGrad),
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
