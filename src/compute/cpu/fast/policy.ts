// Fast paths for the policy kernels over 13,527 actions (softmax.log_softmax, softmax.sample,
// ppo.loss, az.loss): the twins test every action's mask bit through a closure; these walk the
// set bits of the mask words (a few dozen legal moves per position) and touch only those logits.
// Same arithmetic in the same order as the twins (f64, Math.exp), so the results are identical.

import type { FastBuf, FastContext } from "./types.ts";
import { ppoSampleTerms } from "../../kernels/ppo.ts";

type B = Record<string, FastBuf>;
type U = Record<string, number>;

let legalScratch = new Int32Array(0);

/** The legal actions of `row` in increasing order (every action when none is legal); their count. */
function legalActions(
  mask: Uint32Array,
  maskAt: number,
  row: number,
  A: number,
  words: number,
): { idx: Int32Array; count: number } {
  if (legalScratch.length < A) legalScratch = new Int32Array(A);
  const idx = legalScratch;
  let count = 0;
  const base = maskAt + row * words;
  for (let w = 0; w < words; w++) {
    let bits = mask[base + w];
    while (bits !== 0) {
      const low = bits & -bits;
      const a = w * 32 + (31 - Math.clz32(low));
      bits ^= low;
      if (a < A) idx[count++] = a;
    }
  }
  if (count === 0) {
    for (let a = 0; a < A; a++) idx[a] = a;
    count = A;
  }
  return { idx, count };
}

/** max and log-sum-exp of z over the listed actions (the twin's legalLogSumExp). */
function logSumExp(z: Float32Array, at: number, idx: Int32Array, count: number): { m: number; lse: number } {
  let m = -Infinity;
  for (let i = 0; i < count; i++) m = Math.max(m, z[at + idx[i]]);
  let s = 0;
  for (let i = 0; i < count; i++) s += Math.exp(z[at + idx[i]] - m);
  return { m, lse: m + Math.log(s) };
}

/** softmax.log_softmax */
export function logSoftmax(ctx: FastContext, b: B, u: U): boolean {
  const { rows, actions: A, words } = u;
  const f = ctx.heap.f32();
  const mask = ctx.heap.u32();
  const z = b.logits.ptr >> 2;
  const out = b.logp.ptr >> 2;
  for (let row = 0; row < rows; row++) {
    const { idx, count } = legalActions(mask, b.mask.ptr >> 2, row, A, words);
    const { lse } = logSumExp(f, z + row * A, idx, count);
    f.fill(-Infinity, out + row * A, out + row * A + A);
    for (let i = 0; i < count; i++) f[out + row * A + idx[i]] = f[z + row * A + idx[i]] - lse;
  }
  return true;
}

/** softmax.sample */
export function sample(ctx: FastContext, b: B, u: U): boolean {
  const { rows, actions: A, words, greedy } = u;
  const f = ctx.heap.f32();
  const mask = ctx.heap.u32();
  const z = b.logits.ptr >> 2;
  for (let row = 0; row < rows; row++) {
    const { idx, count } = legalActions(mask, b.mask.ptr >> 2, row, A, words);
    const at = z + row * A;
    const { m, lse } = logSumExp(f, at, idx, count);
    let chosen = -1;
    if (greedy) {
      for (let i = 0; i < count; i++) if (chosen < 0 || f[at + idx[i]] > f[at + chosen]) chosen = idx[i];
    } else {
      let total = 0;
      for (let i = 0; i < count; i++) total += Math.exp(f[at + idx[i]] - m);
      const target = f[(b.u.ptr >> 2) + row] * total;
      let acc = 0;
      for (let i = 0; i < count; i++) {
        chosen = idx[i];
        acc += Math.exp(f[at + idx[i]] - m);
        if (acc > target) break;
      }
    }
    mask[(b.action.ptr >> 2) + row] = chosen;
    f[(b.actionLogp.ptr >> 2) + row] = f[at + chosen] - lse;
  }
  return true;
}

/** ppo.loss (the twin's math, legal actions only; illegal ones get dlogits 0). */
export function ppoLoss(ctx: FastContext, b: B, u: U): boolean {
  const { rows, actions: A, words, valueClip, clipEps: eps, valueCoef, entropyCoef, invBatch } = u;
  const f = ctx.heap.f32();
  const u32 = ctx.heap.u32();
  const z = b.logits.ptr >> 2;
  const dl = b.dlogits.ptr >> 2;
  const samples = b.samples.ptr >> 2;
  const stats = b.stats.ptr >> 2;
  for (let i = 0; i < rows; i++) {
    const { idx, count } = legalActions(u32, b.mask.ptr >> 2, i, A, words);
    const at = z + i * A;
    const { lse } = logSumExp(f, at, idx, count);
    let entropy = 0;
    for (let j = 0; j < count; j++) {
      const lp = f[at + idx[j]] - lse;
      entropy -= Math.exp(lp) * lp;
    }
    const act = u32[(b.actions.ptr >> 2) + i];
    const oldLogp = f[samples + 4 * i];
    const adv = f[samples + 4 * i + 1];
    const ret = f[samples + 4 * i + 2];
    const oldV = f[samples + 4 * i + 3];
    const v = f[(b.values.ptr >> 2) + i];
    const logpA = f[at + act] - lse;
    const { gLogp, dValue, stat } = ppoSampleTerms(logpA, oldLogp, adv, ret, oldV, v, eps, valueClip !== 0);
    f.fill(0, dl + i * A, dl + i * A + A);
    for (let j = 0; j < count; j++) {
      const a = idx[j];
      const lp = f[at + a] - lse;
      const pa = Math.exp(lp);
      const d = gLogp * ((a === act ? 1 : 0) - pa) + entropyCoef * pa * (lp + entropy);
      f[dl + i * A + a] = invBatch * d;
    }
    f[(b.dvalues.ptr >> 2) + i] = invBatch * valueCoef * dValue;
    const s = stats + i * 6;
    f[s] = stat.policyLoss;
    f[s + 1] = stat.valueLoss;
    f[s + 2] = entropy;
    f[s + 3] = oldLogp - logpA;
    f[s + 4] = stat.clipped;
    f[s + 5] = logpA;
  }
  return true;
}

/** az.loss (the twin's math, legal actions only; illegal ones get dlogits 0). */
export function azLoss(ctx: FastContext, b: B, u: U): boolean {
  const { rows, actions: A, words, valueCoef, invBatch } = u;
  const f = ctx.heap.f32();
  const u32 = ctx.heap.u32();
  const z = b.logits.ptr >> 2;
  const tg = b.targets.ptr >> 2;
  const dl = b.dlogits.ptr >> 2;
  const stats = b.stats.ptr >> 2;
  for (let i = 0; i < rows; i++) {
    const { idx, count } = legalActions(u32, b.mask.ptr >> 2, i, A, words);
    const at = z + i * A;
    const ta = tg + i * A;
    const { lse } = logSumExp(f, at, idx, count);
    let policy = 0;
    let entropy = 0;
    let kl = 0;
    let mass = 0;
    for (let j = 0; j < count; j++) {
      const lp = f[at + idx[j]] - lse;
      const t = f[ta + idx[j]];
      entropy -= Math.exp(lp) * lp;
      policy -= t * lp;
      if (t > 0) kl += t * (Math.log(t) - lp);
      mass += t;
    }
    f.fill(0, dl + i * A, dl + i * A + A);
    for (let j = 0; j < count; j++) {
      const a = idx[j];
      f[dl + i * A + a] = invBatch * (Math.exp(f[at + a] - lse) * mass - f[ta + a]);
    }
    const dv = f[(b.values.ptr >> 2) + i] - f[(b.outcomes.ptr >> 2) + i];
    f[(b.dvalues.ptr >> 2) + i] = invBatch * valueCoef * 2 * dv;
    const s = stats + i * 4;
    f[s] = policy;
    f[s + 1] = dv * dv;
    f[s + 2] = entropy;
    f[s + 3] = kl;
  }
  return true;
}
