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
import { usesReductions, withSubgroups } from "./subgroups.ts";

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

/** Each kernel built on the workgroup reductions → its subgroup twin (kernels/subgroups.ts). */
export const SUBGROUP_TWINS: ReadonlyMap<KernelSpec, KernelSpec> = new Map(
  ALL_KERNELS.filter(usesReductions).map((k) => [k, withSubgroups(k)]),
);

/**
 * Kernels that come in several variants with the same bindings, uniforms and CPU twin. The
 * GEMM-shaped ones: the register-blocked kernel (CPU adapters) first, then the workgroup-tiled ones
 * by tile side (32, 64). "reduce": the workgroup reductions as they are, or on subgroups (timed on
 * the policy's log-softmax; the choice applies to every kernel with reductions, SUBGROUP_TWINS). A
 * backend may name its choice per family (Backend.variants: autotune's, on WebGPU); otherwise its
 * style decides (defaultVariant).
 */
export const FAMILIES = {
  gemm: [gemm.gemm, gemm.gemmTiled32, gemm.gemmTiled],
  conv: [conv3x3.conv, conv3x3.convTiled32, conv3x3.convTiled],
  weightGrad: [conv3x3.weightGrad, conv3x3.weightGradTiled32, conv3x3.weightGradTiled],
  reduce: [softmax.logSoftmax, SUBGROUP_TWINS.get(softmax.logSoftmax)!],
} as const satisfies Record<string, readonly KernelSpec[]>;
export type KernelFamily = keyof typeof FAMILIES;
export const FAMILY_NAMES = Object.keys(FAMILIES) as KernelFamily[];

/** What a backend of this style runs for a family when nothing chose: register-blocked or the 64-wide tiles; plain reductions. */
export function defaultVariant(style: KernelStyle, family: KernelFamily): KernelSpec {
  const v: readonly KernelSpec[] = FAMILIES[family];
  return family === "reduce" ? v[0] : style === "tiled" ? v[2] : v[0];
}

type Chooser = { info: { style: KernelStyle }; variants?: Readonly<Record<string, KernelSpec>> };

/** The variant a backend runs for `family`: its own choice, else its style's default. */
export function variantFor(be: Chooser, family: KernelFamily): KernelSpec {
  return be.variants?.[family] ?? defaultVariant(be.info.style, family);
}

/** Whether the backend runs its reductions on subgroups. */
const onSubgroups = (be: Chooser) => variantFor(be, "reduce") !== FAMILIES.reduce[0];

/** The kernel a backend runs for `k`: its subgroup twin where the backend chose subgroups, else `k`. */
export function reductionVariant(be: Chooser, k: KernelSpec): KernelSpec {
  return onSubgroups(be) ? (SUBGROUP_TWINS.get(k) ?? k) : k;
}

/** The kernels a backend runs (for pipeline warm-up): every spec, of each family only the variant it runs. */
export function kernelsFor(style: KernelStyle, variants?: Readonly<Record<string, KernelSpec>>): readonly KernelSpec[] {
  const be = { info: { style }, variants };
  const unused = new Set<KernelSpec>();
  for (const f of FAMILY_NAMES) {
    if (f === "reduce") continue;
    const used = variantFor(be, f);
    for (const k of FAMILIES[f]) if (k !== used) unused.add(k);
  }
  return ALL_KERNELS.filter((k) => !unused.has(k)).map((k) => reductionVariant(be, k));
}
