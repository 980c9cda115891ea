// The AlphaZero loss forward + backward (shaders/az.wgsl) and its CPU twin: soft-target
// cross-entropy over the legal actions plus the value's squared error to the game's outcome. The
// WGSL header states the math.

import body from "../../../shaders/az.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
import type { KernelSpec, UniformSpec } from "../backend.ts";
import { legalLogSumExp } from "./softmax.ts";

/** WGSL has no includes: the shared workgroup reductions are joined in front. */
const source = `${reductions}\n${body}`;

const uniforms: UniformSpec[] = [
  { name: "rows", type: "u32" },
  { name: "actions", type: "u32" },
  { name: "words", type: "u32" },
  { name: "valueCoef", type: "f32" },
  { name: "invBatch", type: "f32" },
];

/** Columns of the per-sample stats buffer [B, 4]. */
export const AZ_STATS = ["policyLoss", "valueLoss", "entropy", "klTarget"] as const;
/** Entries of the means buffer [5]: AZ_STATS averaged, then the total loss. */
export const AZ_MEANS = [...AZ_STATS, "loss"] as const;

export const loss: KernelSpec = {
  name: "az.loss",
  source,
  entryPoint: "loss",
  bindings: [
    { name: "logits", access: "read" },
    { name: "mask", access: "read", type: "u32" },
    { name: "targets", access: "read" },
    { name: "outcomes", access: "read" },
    { name: "values", access: "read" },
    { name: "dlogits", access: "read_write" },
    { name: "dvalues", access: "read_write" },
    { name: "stats", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [u.rows],
  cpu({ logits, mask, targets, outcomes, values, dlogits, dvalues, stats }, u) {
    const { rows, actions: A, words, valueCoef, invBatch } = u;
    for (let i = 0; i < rows; i++) {
      const { lse, legal } = legalLogSumExp(logits, mask, i, A, words);
      // H(t, π), H(π), KL(t ‖ π) and Σ t, over the legal actions only.
      let policy = 0;
      let entropy = 0;
      let kl = 0;
      let mass = 0;
      for (let a = 0; a < A; a++) {
        if (!legal(a)) continue;
        const lp = logits[i * A + a] - lse;
        const t = targets[i * A + a];
        entropy -= Math.exp(lp) * lp;
        policy -= t * lp;
        if (t > 0) kl += t * (Math.log(t) - lp);
        mass += t;
      }
      // ∂H(t, π)/∂z_a = π_a · Σ t − t_a: the softmax minus the target when the target sums to 1.
      for (let a = 0; a < A; a++)
        dlogits[i * A + a] = legal(a) ? invBatch * (Math.exp(logits[i * A + a] - lse) * mass - targets[i * A + a]) : 0;
      const dv = values[i] - outcomes[i];
      dvalues[i] = invBatch * valueCoef * 2 * dv;
      stats.set([policy, dv * dv, entropy, kl], i * 4);
    }
  },
};

export const statsMean: KernelSpec = {
  name: "az.stats_mean",
  source,
  entryPoint: "stats_mean",
  bindings: [
    { name: "stats", access: "read" },
    { name: "means", access: "read_write" },
  ],
  uniforms,
  workgroups: () => [1],
  cpu({ stats, means }, { rows, valueCoef, invBatch }) {
    for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += stats[r * 4 + k];
      means[k] = s * invBatch;
    }
    means[4] = means[0] + valueCoef * means[1];
  },
};
