// Masked log-softmax and action sampling over the policy logits (shaders/softmax.wgsl) and
// their CPU twins. Masks are bit-packed (see packMask in ../ops.ts).

import body from "../../../shaders/softmax.wgsl" with { type: "text" };
import reductions from "../../../shaders/workgroup-reduce.wgsl" with { type: "text" };
import type { AnyTypedArray, KernelSpec, UniformSpec } from "../backend.ts";

/** WGSL has no includes: the shared workgroup reductions are joined in front. */
const source = `${reductions}\n${body}`;

const uniforms: UniformSpec[] = ["rows", "actions", "words", "greedy"].map((name) => ({ name, type: "u32" }));

export function isLegal(mask: AnyTypedArray, row: number, a: number, words: number): boolean {
  return ((mask[row * words + (a >>> 5)] >>> (a & 31)) & 1) === 1;
}

/** max and logsumexp of a row's legal logits (every action when none is legal); `all` says which. */
export function legalLogSumExp(z: AnyTypedArray, mask: AnyTypedArray, row: number, A: number, words: number) {
  let all = true;
  for (let a = 0; a < A && all; a++) if (isLegal(mask, row, a, words)) all = false;
  const legal = (a: number) => all || isLegal(mask, row, a, words);
  let m = -Infinity;
  for (let a = 0; a < A; a++) if (legal(a)) m = Math.max(m, z[row * A + a]);
  let s = 0;
  for (let a = 0; a < A; a++) if (legal(a)) s += Math.exp(z[row * A + a] - m);
  return { m, lse: m + Math.log(s), legal };
}

export const logSoftmax: KernelSpec = {
  name: "softmax.log_softmax",
  source,
  entryPoint: "log_softmax",
  bindings: [
    { name: "logits", access: "read" },
    { name: "mask", access: "read", type: "u32" },
    { name: "logp", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [u.rows],
  cpu({ logits, mask, logp }, { rows, actions: A, words }) {
    for (let row = 0; row < rows; row++) {
      const { lse, legal } = legalLogSumExp(logits, mask, row, A, words);
      for (let a = 0; a < A; a++) logp[row * A + a] = legal(a) ? logits[row * A + a] - lse : -Infinity;
    }
  },
};

export const sample: KernelSpec = {
  name: "softmax.sample",
  source,
  entryPoint: "sample",
  bindings: [
    { name: "logits", access: "read" },
    { name: "mask", access: "read", type: "u32" },
    { name: "u", access: "read" },
    { name: "action", access: "read_write", type: "u32" },
    { name: "actionLogp", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => [u.rows],
  cpu({ logits, mask, u, action, actionLogp }, { rows, actions: A, words, greedy }) {
    for (let row = 0; row < rows; row++) {
      const { m, lse, legal } = legalLogSumExp(logits, mask, row, A, words);
      let chosen = -1;
      if (greedy) {
        for (let a = 0; a < A; a++)
          if (legal(a) && (chosen < 0 || logits[row * A + a] > logits[row * A + chosen])) chosen = a;
      } else {
        // inverse CDF: the first legal action whose cumulative (unnormalised) mass exceeds u·total
        let total = 0;
        for (let a = 0; a < A; a++) if (legal(a)) total += Math.exp(logits[row * A + a] - m);
        const target = u[row] * total;
        let acc = 0;
        for (let a = 0; a < A; a++) {
          if (!legal(a)) continue;
          chosen = a; // the last legal action if rounding carries target past the end
          acc += Math.exp(logits[row * A + a] - m);
          if (acc > target) break;
        }
      }
      action[row] = chosen;
      actionLogp[row] = logits[row * A + chosen] - lse;
    }
  },
};
