// Adam(W) over a network's flat parameter buffer: the moments m and v are flat buffers in the
// parameter table's layout, so one step is three dispatches (gradient norm, clip factor, Adam) and
// nothing is read back unless the caller asks for the norm.
//
// Defines: AdamConfig, AdamState, Adam.

import type { Buf } from "../compute/backend.ts";
import * as ops from "../compute/ops.ts";
import type { Network } from "./network.ts";

export interface AdamConfig {
  lr: number;
  beta1?: number; // 0.9
  beta2?: number; // 0.999
  eps?: number; // 1e-8
  /** Adam: added to the gradient (PyTorch Adam's weight_decay); AdamW: decoupled. */
  weightDecay?: number; // 0
  decoupled?: boolean; // false: Adam (the reference's optimizer)
  /** Global-norm gradient clipping (clip_grad_norm_); ≤ 0 or absent: no clipping. */
  maxGradNorm?: number;
}

/** What a checkpoint keeps of the optimizer. */
export interface AdamState {
  m: Float32Array; // [table.length]
  v: Float32Array; // [table.length]
  step: number;
}

export class Adam {
  readonly m: Buf<"f32">; // [table.length] first moments
  readonly v: Buf<"f32">; // [table.length] second moments
  /** Steps taken (the bias corrections' t). */
  step = 0;
  private readonly clip: Buf; // [2] global gradient norm, clip factor
  private readonly partials: Buf; // [NORM_PARTIALS] scratch

  constructor(
    readonly net: Network,
    readonly config: AdamConfig,
  ) {
    const be = net.backend;
    this.m = be.alloc("adam.m", net.table.length);
    this.v = be.alloc("adam.v", net.table.length);
    this.clip = be.alloc("adam.clip", 2);
    this.partials = be.alloc("adam.partials", ops.NORM_PARTIALS);
  }

  /** params ← Adam(params, grads); gradients clipped to maxGradNorm first. `lr` overrides config.lr (schedules). */
  update(lr = this.config.lr): void {
    const be = this.net.backend;
    const c = this.config;
    this.step++;
    ops.gradNorm(be, this.clip, this.partials, this.net.grads, c.maxGradNorm ?? 0);
    ops.adamStep(be, this.net.params, this.net.grads, this.m, this.v, this.clip, {
      lr,
      beta1: c.beta1,
      beta2: c.beta2,
      eps: c.eps,
      weightDecay: c.weightDecay,
      decoupled: c.decoupled,
      step: this.step,
    });
    this.net.parametersChanged();
  }

  /** The global L2 norm of the gradients before clipping, as of the last update(). */
  async gradNorm(): Promise<number> {
    return (await this.net.backend.read(this.clip, 0, 1))[0];
  }

  async readState(): Promise<AdamState> {
    const be = this.net.backend;
    const [m, v] = await Promise.all([be.read(this.m), be.read(this.v)]);
    return { m, v, step: this.step };
  }

  writeState(s: AdamState): void {
    const n = this.net.table.length;
    if (s.m.length !== n || s.v.length !== n)
      throw new Error(`Adam state holds ${s.m.length} / ${s.v.length} floats; the network's table holds ${n}`);
    this.net.backend.write(this.m, s.m);
    this.net.backend.write(this.v, s.v);
    this.step = s.step;
  }

  destroy(): void {
    for (const b of [this.m, this.v, this.clip, this.partials]) this.net.backend.free(b);
  }
}
