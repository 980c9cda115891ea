// Subgroup twins of the kernels with workgroup reductions (softmax, PPO and AZ losses, Adam's norm, bias gradients,
// batch norm): the same kernel with shaders/workgroup-reduce-subgroups.wgsl in place of
// workgroup-reduce.wgsl, `enable subgroups;` in front, and every entry point given the
// subgroup_invocation_id builtin its reductions read. Same bindings, uniforms and CPU twin. Used only
// on a device opened with the "subgroups" feature, when autotune measured them faster (family
// "reduce" in kernels/index.ts).

import probeBody from "../../../shaders/reduce-probe.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
import subgroupReductions from "../../../shaders/workgroup-reduce-subgroups.wgsl" with { type: "text" };
import type { KernelSpec } from "../backend.ts";

/** Every compute entry point of a reduction shader: `@compute @workgroup_size(WG)` then `fn name(params) {` on one line. */
const ENTRY = /^(@compute @workgroup_size\(WG\)\nfn \w+\()(.*)(\) \{)$/gm;

/** Whether `k` is built on the shared workgroup reductions (and so has a subgroup twin). */
export const usesReductions = (k: KernelSpec): boolean => k.source.startsWith(reductions);

/** The subgroup twin of a kernel built on the workgroup reductions. */
export function withSubgroups(k: KernelSpec): KernelSpec {
  if (!usesReductions(k)) throw new Error(`${k.name} has no workgroup reductions to run on subgroups`);
  let patched = 0;
  const body = k.source.slice(reductions.length).replace(ENTRY, (_, head: string, params: string, open: string) => {
    patched++;
    return `${head}${params}, @builtin(subgroup_invocation_id) sgLane_: u32${open}\n  sgLane = sgLane_;`;
  });
  // an entry point the pattern missed would read sgLane = 0 in every lane: refuse rather than miscompute
  if (patched !== body.split("@compute").length - 1)
    throw new Error(`${k.name}: an entry point is not written as "@compute @workgroup_size(WG)\\nfn name(…) {"`);
  return { ...k, name: `${k.name}_subgroups`, source: `enable subgroups;\n${subgroupReductions}\n${body}` };
}

const WG = 64; // workgroup-reduce.wgsl's

/**
 * The shared reductions on known inputs (shaders/reduce-probe.wgsl): `withSubgroups(reductionProbe)`
 * checks on a device what every subgroup twin changes. Bindings x, bits: [rows, 64]; out: [rows, 3].
 */
export const reductionProbe: KernelSpec = {
  name: "reduce_probe.probe",
  source: `${reductions}\n${probeBody}`,
  entryPoint: "probe",
  bindings: [
    { name: "x", access: "read" },
    { name: "bits", access: "read", type: "u32" },
    { name: "out", access: "read_write" },
  ],
  uniforms: [{ name: "rows", type: "u32" }],
  workgroups: (u) => [u.rows],
  cpu({ x, bits, out }, { rows }) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      let m = -Infinity;
      let c = 0;
      for (let l = 0; l < WG; l++) {
        s += x[r * WG + l];
        m = Math.max(m, x[r * WG + l]);
        c += bits[r * WG + l] & 1;
      }
      out.set([s, m, c], r * 3);
    }
  },
};
