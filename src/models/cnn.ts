// ActorCritic, the simple CNN (reference §4.2):
//
//   conv 3×3 C_in→16 (+bias) → ReLU → flatten 16·81 = 1296 → policy_head Linear(1296 → A)
//                                                        → value_head  Linear(1296 → 1)
//
// No BatchNorm, so "train", "frozen" and "infer" forward passes are the same computation.
//
// Defines: SimpleCnn.

import type { Backend, Buf, DType } from "../compute/backend.ts";
import * as ops from "../compute/ops.ts";
import {
  Network,
  type Layer,
  type Mode,
  type NetworkInit,
  type Plan,
  type Storage,
  type TrainingPlan,
} from "./network.ts";
import type { Architecture } from "./params.ts";

const CH = 16; // conv channels
const FLAT = CH * 81; // 1296

interface CnnActs {
  conv: Buf; // [B, 16, 9, 9]
  flat: Buf; // [B, 1296]  ReLU(conv)
  dflat: Buf | null; // [B, 1296]  training plans
  dconv: Buf | null; // [B, 1296]
}

export class SimpleCnn extends Network<CnnActs> {
  private readonly conv: Layer;
  private readonly policyHead: Layer;
  private readonly valueHead: Layer;

  constructor(backend: Backend, arch: Architecture, init: NetworkInit, storage: Storage = "f32") {
    if (arch.type !== "cnn") throw new Error(`SimpleCnn: architecture type is ${arch.type}`);
    super(backend, arch, init, storage);
    this.conv = this.layer("conv");
    this.policyHead = this.layer("policy_head");
    this.valueHead = this.layer("value_head");
  }

  protected planActivations(
    B: number,
    training: boolean,
    alloc: (label: string, length: number, dtype?: DType) => Buf,
  ): CnnActs {
    return {
      conv: alloc("conv", B * FLAT, this.activationType),
      flat: alloc("flat", B * FLAT, this.activationType),
      dflat: training ? alloc("dflat", B * FLAT) : null,
      dconv: training ? alloc("dconv", B * FLAT) : null,
    };
  }

  protected forwardLayers(plan: Plan, a: CnnActs, _mode: Mode, _momentum: number): void {
    const be = this.backend;
    const B = plan.batch;
    ops.conv3x3Forward(be, a.conv, plan.obs, this.conv.w, this.conv.b, {
      batch: B,
      cin: this.arch.inputPlanes,
      cout: CH,
    });
    ops.reluForward(be, a.flat, a.conv);
    ops.linearForward(be, plan.logits, a.flat, this.policyHead.w, this.policyHead.b, {
      batch: B,
      in: FLAT,
      out: this.numActions,
    });
    ops.linearForward(be, plan.value, a.flat, this.valueHead.w, this.valueHead.b, { batch: B, in: FLAT, out: 1 });
  }

  protected backwardLayers(plan: TrainingPlan, a: CnnActs): void {
    const be = this.backend;
    const B = plan.batch;
    const policy = { batch: B, in: FLAT, out: this.numActions };
    const value = { batch: B, in: FLAT, out: 1 };
    ops.linearBackwardWeight(be, this.valueHead.dw, this.valueHead.db, a.flat, plan.dvalue, value);
    ops.linearBackwardData(be, a.dflat!, plan.dvalue, this.valueHead.w, value);
    ops.linearBackwardWeight(be, this.policyHead.dw, this.policyHead.db, a.flat, plan.dlogits, policy);
    ops.linearBackwardData(be, a.dflat!, plan.dlogits, this.policyHead.w, policy, true);
    ops.reluBackward(be, a.dconv!, a.dflat!, a.flat);
    ops.conv3x3BackwardWeight(be, this.conv.dw, this.conv.db, plan.obs, a.dconv!, {
      batch: B,
      cin: this.arch.inputPlanes,
      cout: CH,
    });
  }
}
