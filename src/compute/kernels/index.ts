// Every kernel spec, by family (for pipeline warm-up and the spec consistency test).

import type { KernelSpec, KernelStyle } from "../backend.ts";
import * as az from "./az.ts";
import * as batchnorm from "./batchnorm.ts";
import * as conv3x3 from "./conv3x3.ts";
import * as elementwise from "./elementwise.ts";
import * as gather from "./gather.ts";
import * as gemm from "./gemm.ts";
import * as optimizer from "./optimizer.ts";
import * as ppo from "./ppo.ts";
import * as reduce from "./reduce.ts";
import * as se from "./se.ts";
import * as softmax from "./softmax.ts";

const isSpec = (v: unknown): v is KernelSpec =>
  typeof v === "object" && v !== null && "entryPoint" in v && "source" in v;

export const ALL_KERNELS: readonly KernelSpec[] = [
  az,
  batchnorm,
  conv3x3,
  elementwise,
  gather,
  gemm,
  optimizer,
  ppo,
  reduce,
  se,
  softmax,
].flatMap((m) => Object.values(m).filter(isSpec));

/** The GEMM-shaped kernels that exist in both styles (ops.ts picks one by backend.info.style). */
const VARIANTS = {
  register: [conv3x3.conv, conv3x3.weightGrad, gemm.gemm],
  tiled: [conv3x3.convTiled, conv3x3.weightGradTiled, gemm.gemmTiled],
} as const;

/** The kernels a backend of this style runs: every spec except the other style's variants. */
export function kernelsFor(style: KernelStyle): readonly KernelSpec[] {
  const other = new Set<KernelSpec>(VARIANTS[style === "tiled" ? "register" : "tiled"]);
  return ALL_KERNELS.filter((k) => !other.has(k));
}
