// Shared by the model tests: backends, seeded inputs, per-tensor access to flat buffers, a test
// loss L = Σ r·logits + Σ s·value whose output gradients are simply r and s, and bn_stem's
// expected statistics after a refresh (computed with the CPU twin of the stem convolution).

import { SIDE_TO_MOVE_PLANE } from "../../src/shogi/features.ts";
import type { Backend } from "../../src/compute/backend.ts";
import * as ops from "../../src/compute/ops.ts";
import type { Random } from "../../src/util/random.ts";
import type { Network, Plan, TrainingPlan } from "../../src/models/network.ts";
import type { SizeTable } from "../../src/models/params.ts";
import { referenceBackend, expectClose, gpuBackend, hasWebGpu } from "../compute/helpers.ts";

export { referenceBackend, expectClose, gpuBackend, hasWebGpu };

/** Observations like core46's: sparse 0/1 planes plus a few constant planes. */
export function randomObs(rng: Random, batch: number, planes = 46): Float32Array {
  const obs = new Float32Array(batch * planes * 81);
  for (let i = 0; i < obs.length; i++) obs[i] = rng.next() < 0.08 ? 1 : 0;
  // the side-to-move plane is whole, as in a real observation (the conv policy head reads it)
  const mover = planes > SIDE_TO_MOVE_PLANE ? SIDE_TO_MOVE_PLANE : planes - 1;
  for (let b = 0; b < batch; b++)
    obs.fill(rng.next() < 0.5 ? 1 : 0, (b * planes + mover) * 81, (b * planes + mover + 1) * 81);
  return obs;
}

/** Legal masks [batch, ceil(A/32)] with `legal` random legal actions per row; also one legal action per row. */
export function randomMask(
  rng: Random,
  batch: number,
  numActions: number,
  legal = 40,
): { mask: Uint32Array; actions: Uint32Array } {
  const words = Math.ceil(numActions / 32);
  const mask = new Uint32Array(batch * words);
  const actions = new Uint32Array(batch);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < legal; k++) {
      const a = rng.int(numActions);
      mask[b * words + (a >>> 5)] |= 1 << (a & 31);
      if (k === 0) actions[b] = a;
    }
  }
  return { mask, actions };
}

export function normals(rng: Random, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

/** The elements of tensor `name` in a flat buffer laid out by `table`. */
export function tensorOf(table: SizeTable, flat: Float32Array, name: string): Float32Array {
  const t = table.byName.get(name);
  if (!t) throw new Error(`no tensor ${name}`);
  return flat.subarray(t.offset, t.offset + t.size);
}

/** Test loss: L = Σ r·logits + Σ s·value; sets plan.dlogits = r, plan.dvalue = s. */
export class LinearLoss {
  constructor(
    readonly r: Float32Array,
    readonly s: Float32Array,
  ) {}

  /** Normal r, s; with `active`, r is nonzero at only that many random actions per row. */
  static random(rng: Random, plan: Plan, numActions: number, active?: number): LinearLoss {
    const r = normals(rng, plan.batch * numActions);
    if (active !== undefined) {
      const keep = new Uint8Array(r.length);
      for (let b = 0; b < plan.batch; b++)
        for (let k = 0; k < active; k++) keep[b * numActions + rng.int(numActions)] = 1;
      for (let i = 0; i < r.length; i++) if (!keep[i]) r[i] = 0;
    }
    return new LinearLoss(r, normals(rng, plan.batch));
  }

  async value(be: Backend, plan: Plan): Promise<number> {
    const [logits, value] = await Promise.all([be.read(plan.logits), be.read(plan.value)]);
    let l = 0;
    for (let i = 0; i < logits.length; i++) l += this.r[i] * logits[i];
    for (let i = 0; i < value.length; i++) l += this.s[i] * value[i];
    return l;
  }

  setGradients(be: Backend, plan: TrainingPlan): void {
    be.write(plan.dlogits, this.r);
    be.write(plan.dvalue, this.s);
  }
}

/** One training step's forward ("train" or "frozen") + backward of the test loss: returns the loss. */
export async function forwardBackward(
  net: Network,
  plan: TrainingPlan,
  loss: LinearLoss,
  mode: "train" | "frozen" = "train",
): Promise<number> {
  net.forward(plan, mode);
  const l = await loss.value(net.backend, plan);
  loss.setGradients(net.backend, plan);
  net.zeroGrad();
  net.backward(plan);
  return l;
}

/** Per channel: the mean over batches of each batch's mean and unbiased variance of bn_stem's input. */
export async function stemStatistics(
  net: Network,
  batches: Float32Array[],
): Promise<{ mean: Float64Array; variance: Float64Array }> {
  const params = await net.readParameters();
  const W = net.arch.width;
  const cin = net.arch.inputPlanes;
  const B = batches[0].length / net.obsSize;
  const cpu = referenceBackend;
  const x = cpu.alloc("x", B * cin * 81);
  const w = cpu.alloc("w", W * cin * 9);
  const b = cpu.alloc("b", W);
  const y = cpu.alloc("y", B * W * 81);
  cpu.write(w, tensorOf(net.table, params, "stem.weight"));
  cpu.write(b, tensorOf(net.table, params, "stem.bias"));
  const mean = new Float64Array(W);
  const variance = new Float64Array(W);
  for (const obs of batches) {
    cpu.write(x, obs);
    ops.conv3x3Forward(cpu, y, x, w, b, { batch: B, cin, cout: W }); // the CPU twin of the stem
    const c = (await cpu.read(y)) as Float32Array;
    for (let ch = 0; ch < W; ch++) {
      let s = 0;
      for (let n = 0; n < B; n++) for (let q = 0; q < 81; q++) s += c[(n * W + ch) * 81 + q];
      const m = s / (B * 81);
      let s2 = 0;
      for (let n = 0; n < B; n++) for (let q = 0; q < 81; q++) s2 += (c[(n * W + ch) * 81 + q] - m) ** 2;
      mean[ch] += m / batches.length;
      variance[ch] += s2 / (B * 81 - 1) / batches.length;
    }
  }
  for (const buf of [x, w, b, y]) cpu.free(buf);
  return { mean, variance };
}
