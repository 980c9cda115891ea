// The PPO loss forward + backward (shaders/ppo.wgsl) and its CPU twin. The WGSL header states
// the math, including the per-sample max of the clipped value loss.

import body from "../../../shaders/ppo.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
import type { KernelSpec, UniformSpec } from "../backend.ts";
import { legalLogSumExp } from "./softmax.ts";

/** WGSL has no includes: the shared workgroup reductions are joined in front. */
const source = `${reductions}\n${body}`;

const uniforms: UniformSpec[] = [
  { name: "rows", type: "u32" },
  { name: "actions", type: "u32" },
  { name: "words", type: "u32" },
  { name: "valueClip", type: "u32" },
  { name: "clipEps", type: "f32" },
  { name: "valueCoef", type: "f32" },
  { name: "entropyCoef", type: "f32" },
  { name: "invBatch", type: "f32" },
];

/** Columns of the per-sample stats buffer [B, 6]. */
export const PPO_STATS = ["policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction", "logp"] as const;
/** Entries of the means buffer [7]: PPO_STATS averaged, then the total loss. */
export const PPO_MEANS = [...PPO_STATS, "loss"] as const;

/**
 * The per-sample scalars of the PPO loss (the WGSL header states the math), shared by the twin and
 * the CPU fast path: ∂loss/∂logπ(a) before the softmax, ∂(value loss)/∂V, and the sample's stats.
 */
export function ppoSampleTerms(
  logpA: number,
  oldLogp: number,
  adv: number,
  ret: number,
  oldV: number,
  v: number,
  eps: number,
  valueClip: boolean,
) {
  const ratio = Math.exp(logpA - oldLogp);
  const surr1 = ratio * adv;
  const surr2 = Math.min(Math.max(ratio, 1 - eps), 1 + eps) * adv;
  const lu = (v - ret) ** 2;
  const vc = oldV + Math.min(Math.max(v - oldV, -eps), eps);
  const lc = (vc - ret) ** 2;
  const clippedBranch = valueClip && lc > lu;
  // The clipped branch passes no gradient only where the clip is active; inside it, rounding of
  // oldV + (v − oldV) can make that branch win a tie, and its gradient is then 2(vc − ret).
  const clipActive = Math.abs(v - oldV) > eps;
  return {
    gLogp: surr1 <= surr2 ? -adv * ratio : 0,
    dValue: clippedBranch ? (clipActive ? 0 : 2 * (vc - ret)) : 2 * (v - ret),
    stat: {
      policyLoss: -Math.min(surr1, surr2),
      valueLoss: clippedBranch ? lc : lu,
      clipped: Math.abs(ratio - 1) > eps ? 1 : 0,
    },
  };
}

export const loss: KernelSpec = {
  name: "ppo.loss",
  source,
  entryPoint: "loss",
  bindings: [
    { name: "logits", access: "read" },
    { name: "mask", access: "read", type: "u32" },
    { name: "actions", access: "read", type: "u32" },
    { name: "samples", access: "read" },
    { name: "values", access: "read" },
    { name: "dlogits", access: "read_write" },
    { name: "dvalues", access: "read_write" },
    { name: "stats", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [u.rows],
  cpu({ logits, mask, actions, samples, values, dlogits, dvalues, stats }, u) {
    const { rows, actions: A, words, valueClip, clipEps: eps, valueCoef, entropyCoef, invBatch } = u;
    for (let i = 0; i < rows; i++) {
      const { lse, legal } = legalLogSumExp(logits, mask, i, A, words);
      let entropy = 0;
      for (let a = 0; a < A; a++) {
        if (!legal(a)) continue;
        const lp = logits[i * A + a] - lse;
        entropy -= Math.exp(lp) * lp;
      }
      const act = actions[i];
      const [oldLogp, adv, ret, oldV] = [samples[4 * i], samples[4 * i + 1], samples[4 * i + 2], samples[4 * i + 3]];
      const v = values[i];
      const logpA = logits[i * A + act] - lse;
      const { gLogp, dValue, stat } = ppoSampleTerms(logpA, oldLogp, adv, ret, oldV, v, eps, valueClip !== 0);
      for (let a = 0; a < A; a++) {
        let d = 0;
        if (legal(a)) {
          const lp = logits[i * A + a] - lse;
          const pa = Math.exp(lp);
          d = gLogp * ((a === act ? 1 : 0) - pa) + entropyCoef * pa * (lp + entropy);
        }
        dlogits[i * A + a] = invBatch * d;
      }
      dvalues[i] = invBatch * valueCoef * dValue;
      stats.set([stat.policyLoss, stat.valueLoss, entropy, oldLogp - logpA, stat.clipped, logpA], i * 6);
    }
  },
};

export const statsMean: KernelSpec = {
  name: "ppo.stats_mean",
  source,
  entryPoint: "stats_mean",
  bindings: [
    { name: "stats", access: "read" },
    { name: "means", access: "read_write" },
  ],
  uniforms,
  workgroups: () => [1],
  cpu({ stats, means }, { rows, valueCoef, entropyCoef, invBatch }) {
    for (let k = 0; k < 6; k++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += stats[r * 6 + k];
      means[k] = s * invBatch;
    }
    means[6] = means[0] + valueCoef * means[1] - entropyCoef * means[2];
  },
};
