// ActorCriticResTower (reference §4.1): the production network.
//
//   stem:   conv3×3 C_in→W (+bias) → bn_stem → ReLU
//   D × res_blocks.{i}: conv1 → bn1 → ReLU → conv2 → bn2 → [SE] → + block input → ReLU
//           SE: global avg-pool → fc1 (1×1, W→h) → ReLU → fc2 (1×1, h→W) → sigmoid → scale channels
//   policy_head: .0 conv1×1 W→2 → .1 BN(2) → ReLU → flatten (c·81 + q) → .4 Linear(162 → A)
//           or, policyHead "conv": .0 conv3×3 W→W → .1 BN(W) → ReLU → .3 conv1×1 W→P (P = 139
//           move planes) → gather each action's cell (src/shogi/policy-planes.ts; the mover read
//           from the observation's side-to-move plane)
//   value_head:  .0 conv1×1 W→2 → .1 BN(2) → ReLU → flatten → .4 Linear(162 → 1)  (no tanh)
//
// forwardLayers is a flat list of ops.ts calls; backwardLayers is the same list reversed. Every
// BatchNorm runs in the pass's mode (network.ts): batch statistics ("train"), running statistics
// ("infer"), or running statistics held constant through the backward ("frozen").
// Shapes: B = batch, W = tower width, h = SE hidden width, A = actions; [B, W] boards are
// [B, W, 9, 9] NCHW.
//
// Defines: ResTower.

import { alignUp, type Backend, type Buf, type DType } from "../compute/backend.ts";
import * as ops from "../compute/ops.ts";
import {
  Network,
  type BatchNorm,
  type Layer,
  type Mode,
  type NetworkInit,
  type Plan,
  type Storage,
  type TrainingPlan,
} from "./network.ts";
import { seHidden, type Architecture } from "./params.ts";
import { SIDE_TO_MOVE_PLANE } from "../shogi/features.ts";
import { POLICY_PLANES, policyPlaneTables } from "../shogi/policy-planes.ts";

/** One residual block's activations. */
interface BlockActs {
  c1: Buf; // [B, W]  conv1 output
  r1: Buf; // [B, W]  ReLU(bn1(c1))
  c2: Buf; // [B, W]  conv2 output
  b2: Buf; // [B, W]  bn2(c2)
  se: ops.SeActivations | null; // pooled [B, W], hidden [B, h], gate [B, W]
  out: Buf; // [B, W]  ReLU(se(b2) + input)
  saved1: Buf; // [2W]  bn1 batch mean, 1/std
  saved2: Buf; // [2W]  bn2 batch mean, 1/std
}

/** A head's activations (policy or value). */
interface HeadActs {
  conv: Buf; // [B, c, 9, 9]  first conv's output (c = 2, or W for the conv policy head)
  flat: Buf; // [B, c·81]  ReLU(BN(conv)), flattened c·81 + q
  saved: Buf; // [2c]  BN batch mean, 1/std
  planes: Buf | null; // [B, P, 9, 9]  the conv policy head's move planes
}

/** Backward-only buffers (training plans). */
interface GradActs {
  g: [Buf, Buf]; // [B, W]  ∂ of a block's output / input, ping-pong across blocks
  t1: Buf; // [B, W]  scratch inside a block
  t2: Buf; // [B, W]
  se: ops.SeScratch | null;
  dflat: Buf; // [B, 162]  head scratch
  dconv: Buf; // [B, 162]
  dplanes: Buf | null; // [B, P, 9, 9]  the conv policy head's
}

interface TowerActs {
  stemConv: Buf; // [B, W]
  stemOut: Buf; // [B, W]  ReLU(bn_stem(stemConv)): block 0's input
  stemSaved: Buf; // [2W]
  blocks: BlockActs[];
  policy: HeadActs;
  value: HeadActs;
  grad: GradActs | null;
}

interface BlockParams {
  conv1: Layer;
  bn1: BatchNorm;
  conv2: Layer;
  bn2: BatchNorm;
  fc1: Layer | null; // SE [h, W, 1, 1]
  fc2: Layer | null; // SE [W, h, 1, 1]
}

interface HeadParams {
  conv: Layer; // .0  [2, W, 1, 1]
  bn: BatchNorm; // .1
  fc: Layer; // .4  [out, 162]
}

interface ConvPolicyParams {
  conv: Layer; // .0  [W, W, 3, 3]
  bn: BatchNorm; // .1  (W)
  planes: Layer; // .3  [P, W, 1, 1]
  gather: Buf; // [2, A] u32  action → cell, per mover
  scatter: Buf; // [2, P·81] u32  cell → action, per mover
}

export class ResTower extends Network<TowerActs> {
  private readonly W: number;
  private readonly hidden: number;
  private readonly stem: Layer;
  private readonly bnStem: BatchNorm;
  private readonly blocks: BlockParams[];
  private readonly policyHead: HeadParams | null;
  private readonly convPolicy: ConvPolicyParams | null;
  private readonly valueHead: HeadParams;

  constructor(backend: Backend, arch: Architecture, init: NetworkInit, storage: Storage = "f32") {
    if (arch.type !== "resnet") throw new Error(`ResTower: architecture type is ${arch.type}`);
    super(backend, arch, init, storage);
    this.W = arch.width;
    this.hidden = seHidden(arch.width, arch.seRatio);
    this.stem = this.layer("stem");
    this.bnStem = this.batchNorm("bn_stem");
    this.blocks = [];
    for (let i = 0; i < arch.depth; i++) {
      const p = `res_blocks.${i}`;
      this.blocks.push({
        conv1: this.layer(`${p}.conv1`),
        bn1: this.batchNorm(`${p}.bn1`),
        conv2: this.layer(`${p}.conv2`),
        bn2: this.batchNorm(`${p}.bn2`),
        fc1: this.hidden ? this.layer(`${p}.se.fc1`) : null,
        fc2: this.hidden ? this.layer(`${p}.se.fc2`) : null,
      });
    }
    const head = (name: string): HeadParams => ({
      conv: this.layer(`${name}.0`),
      bn: this.batchNorm(`${name}.1`),
      fc: this.layer(`${name}.4`),
    });
    this.valueHead = head("value_head");
    if (arch.policyHead === "conv") {
      const tables = policyPlaneTables();
      const gather = backend.alloc("policy.gather", tables.gather.length, "u32");
      const scatter = backend.alloc("policy.scatter", tables.scatter.length, "u32");
      backend.write(gather, tables.gather);
      backend.write(scatter, tables.scatter);
      this.convPolicy = {
        conv: this.layer("policy_head.0"),
        bn: this.batchNorm("policy_head.1"),
        planes: this.layer("policy_head.3"),
        gather,
        scatter,
      };
      this.policyHead = null;
    } else {
      this.policyHead = head("policy_head");
      this.convPolicy = null;
    }
  }

  override destroy(): void {
    if (this.convPolicy) for (const b of [this.convPolicy.gather, this.convPolicy.scatter]) this.backend.free(b);
    super.destroy();
  }

  // ---------------------------------------------------------------- activation plan

  protected planActivations(
    B: number,
    training: boolean,
    allocAny: (label: string, length: number, dtype?: DType) => Buf,
  ): TowerActs {
    // forward activations in the network's activation type; gradients and BN statistics f32
    const act = (label: string, length: number) => allocAny(label, length, this.activationType);
    const alloc = (label: string, length: number) => allocAny(label, length);
    const W = this.W;
    const h = this.hidden;
    const board = B * W * 81;
    const be = this.backend;
    // Every BN's saved (mean, 1/std) pair: views of one allocation.
    const bnCount = 3 + 2 * this.blocks.length;
    const savedRoot = alloc("bn_saved", bnCount * alignUp(2 * W));
    let savedAt = 0;
    const saved = (c: number) => {
      const v = be.view(savedRoot, savedAt, 2 * c);
      savedAt += alignUp(2 * W);
      return v;
    };
    const se = (i: number): ops.SeActivations | null =>
      h
        ? {
            pooled: act(`b${i}.pooled`, B * W),
            hidden: act(`b${i}.hidden`, B * h),
            gate: act(`b${i}.gate`, B * W),
          }
        : null;
    const blocks: BlockActs[] = [];
    for (let i = 0; i < this.blocks.length; i++) {
      if (training) {
        // every block's activations are kept for backward
        const [c1, r1, c2, b2, out] = ["c1", "r1", "c2", "b2", "out"].map((n) => act(`b${i}.${n}`, board));
        blocks.push({ c1, r1, c2, b2, se: se(i), out, saved1: saved(W), saved2: saved(W) });
        continue;
      }
      // Inference: two scratch buffers serve every block (conv1 → s0, bn1 → s1, conv2 → s0,
      // bn2 → s1), as do one SE set and one saved pair (unused); the block outputs alternate
      // between two buffers (a block's input and output must differ).
      const first = blocks[0];
      const s0 = first?.c1 ?? act("s0", board);
      const s1 = first?.r1 ?? act("s1", board);
      const out = i < 2 ? act(`b${i}.out`, board) : blocks[i - 2].out;
      blocks.push({
        c1: s0,
        r1: s1,
        c2: s0,
        b2: s1,
        se: first ? first.se : se(0),
        out,
        saved1: first?.saved1 ?? saved(W),
        saved2: first?.saved2 ?? saved(W),
      });
    }
    const head = (name: string): HeadActs => ({
      conv: act(`${name}.conv`, B * 162),
      flat: act(`${name}.flat`, B * 162),
      saved: saved(2),
      planes: null,
    });
    const cells = B * POLICY_PLANES * 81;
    const convPolicy = this.convPolicy !== null;
    return {
      stemConv: act("stem.conv", board),
      stemOut: act("stem.out", board),
      stemSaved: saved(W),
      blocks,
      policy: convPolicy
        ? {
            conv: act("policy.conv", board),
            flat: act("policy.flat", board),
            saved: saved(W),
            planes: alloc("policy.planes", cells), // f32: the logits are gathered from it
          }
        : head("policy"),
      value: head("value"),
      grad: training
        ? {
            g: [alloc("g0", board), alloc("g1", board)],
            t1: alloc("t1", board),
            t2: alloc("t2", board),
            se: h
              ? {
                  dz: alloc("se.dz", B * W),
                  dhPre: alloc("se.dhPre", B * h),
                  dh: alloc("se.dh", B * h),
                  dpooled: alloc("se.dpooled", B * W),
                }
              : null,
            dflat: alloc("head.dflat", B * 162),
            dconv: alloc("head.dconv", B * 162),
            dplanes: convPolicy ? alloc("policy.dplanes", cells) : null,
          }
        : null,
    };
  }

  // ---------------------------------------------------------------- forward

  protected forwardLayers(plan: Plan, a: TowerActs, mode: Mode, momentum: number): void {
    const be = this.backend;
    const B = plan.batch;
    const W = this.W;
    const tower = { batch: B, cin: W, cout: W };
    const bn = (y: Buf, saved: Buf, x: Buf, p: BatchNorm, channels: number, relu: boolean) => {
      const d = { batch: B, channels };
      if (mode === "train")
        ops.batchNormForwardTrain(be, y, saved, x, p.gamma, p.beta, p.mean, p.var, d, { relu, momentum });
      else if (mode === "frozen")
        ops.batchNormForwardFrozen(be, y, saved, x, p.gamma, p.beta, p.mean, p.var, d, { relu });
      else ops.batchNormForwardInfer(be, y, x, p.gamma, p.beta, p.mean, p.var, d, { relu });
    };

    ops.conv3x3Forward(be, a.stemConv, plan.obs, this.stem.w, this.stem.b, {
      batch: B,
      cin: this.arch.inputPlanes,
      cout: W,
    });
    bn(a.stemOut, a.stemSaved, a.stemConv, this.bnStem, W, true);
    let x = a.stemOut;
    for (let i = 0; i < this.blocks.length; i++) {
      const p = this.blocks[i];
      const s = a.blocks[i];
      ops.conv3x3Forward(be, s.c1, x, p.conv1.w, p.conv1.b, tower);
      bn(s.r1, s.saved1, s.c1, p.bn1, W, true);
      ops.conv3x3Forward(be, s.c2, s.r1, p.conv2.w, p.conv2.b, tower);
      bn(s.b2, s.saved2, s.c2, p.bn2, W, false);
      if (s.se)
        ops.seResidualForward(be, s.out, s.se, s.b2, x, p.fc1!.w, p.fc1!.b, p.fc2!.w, p.fc2!.b, {
          batch: B,
          channels: W,
          hidden: this.hidden,
        });
      else ops.addRelu(be, s.out, s.b2, x);
      x = s.out;
    }
    const heads: [HeadParams | null, HeadActs, Buf, number][] = [
      [this.policyHead, a.policy, plan.logits, this.numActions],
      [this.valueHead, a.value, plan.value, 1],
    ];
    for (const [p, h, out, outF] of heads) {
      if (!p) continue;
      ops.conv1x1Forward(be, h.conv, x, p.conv.w, p.conv.b, { batch: B, cin: W, cout: 2 });
      bn(h.flat, h.saved, h.conv, p.bn, 2, true);
      ops.linearForward(be, out, h.flat, p.fc.w, p.fc.b, { batch: B, in: 162, out: outF });
    }
    const cp = this.convPolicy;
    if (cp) {
      const h = a.policy;
      ops.conv3x3Forward(be, h.conv, x, cp.conv.w, cp.conv.b, tower);
      bn(h.flat, h.saved, h.conv, cp.bn, W, true);
      ops.conv1x1Forward(be, h.planes!, h.flat, cp.planes.w, cp.planes.b, { batch: B, cin: W, cout: POLICY_PLANES });
      ops.gatherByMover(
        be,
        plan.logits,
        h.planes!,
        cp.gather,
        plan.obs,
        this.gatherDims(B, POLICY_PLANES * 81, this.numActions),
      );
    }
  }

  /** The gather between the move planes ([B, P·81]) and the logits ([B, A]), either way. */
  private gatherDims(rows: number, srcCols: number, dstCols: number): ops.GatherDims {
    return { rows, srcCols, dstCols, obsStride: this.obsSize, moverAt: SIDE_TO_MOVE_PLANE * 81 };
  }

  // ---------------------------------------------------------------- backward (the forward list reversed)

  protected backwardLayers(plan: TrainingPlan, a: TowerActs, mode: "train" | "frozen"): void {
    const be = this.backend;
    const B = plan.batch;
    const W = this.W;
    const g = a.grad!;
    // BN backward of the forward's mode: batch statistics ("train") or constant running ones ("frozen").
    const bnBackward = mode === "frozen" ? ops.batchNormBackwardFrozen : ops.batchNormBackward;
    const tower = { batch: B, cin: W, cout: W };
    const towerOut = a.blocks.length ? a.blocks[a.blocks.length - 1].out : a.stemOut;
    // Heads: ∂ tower output = policy part (overwrites) + value part (accumulates).
    let cur = 0;
    const cp = this.convPolicy;
    if (cp) {
      const h = a.policy;
      const planes = { batch: B, cin: W, cout: POLICY_PLANES };
      ops.gatherByMover(
        be,
        g.dplanes!,
        plan.dlogits,
        cp.scatter,
        plan.obs,
        this.gatherDims(B, this.numActions, POLICY_PLANES * 81),
      );
      ops.conv1x1BackwardWeight(be, cp.planes.dw, cp.planes.db, h.flat, g.dplanes!, planes);
      ops.conv1x1BackwardData(be, g.t1, g.dplanes!, cp.planes.w, planes);
      bnBackward(
        be,
        g.t2,
        cp.bn.dgamma,
        cp.bn.dbeta,
        g.t1,
        h.conv,
        h.flat,
        cp.bn.gamma,
        h.saved,
        { batch: B, channels: W },
        { relu: true },
      );
      ops.conv3x3BackwardWeight(be, cp.conv.dw, cp.conv.db, towerOut, g.t2, tower);
      ops.conv3x3BackwardData(be, g.g[cur], g.t2, cp.conv.w, tower);
    }
    const heads: [HeadParams | null, HeadActs, Buf, number][] = [
      [this.policyHead, a.policy, plan.dlogits, this.numActions],
      [this.valueHead, a.value, plan.dvalue, 1],
    ];
    heads.forEach(([p, h, dOut, outF], k) => {
      if (!p) return;
      const fc = { batch: B, in: 162, out: outF };
      ops.linearBackwardWeight(be, p.fc.dw, p.fc.db, h.flat, dOut, fc);
      ops.linearBackwardData(be, g.dflat, dOut, p.fc.w, fc);
      bnBackward(
        be,
        g.dconv,
        p.bn.dgamma,
        p.bn.dbeta,
        g.dflat,
        h.conv,
        h.flat,
        p.bn.gamma,
        h.saved,
        { batch: B, channels: 2 },
        { relu: true },
      );
      ops.conv1x1BackwardWeight(be, p.conv.dw, p.conv.db, towerOut, g.dconv, { batch: B, cin: W, cout: 2 });
      ops.conv1x1BackwardData(be, g.g[cur], g.dconv, p.conv.w, { batch: B, cin: W, cout: 2 }, k > 0);
    });
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const p = this.blocks[i];
      const s = a.blocks[i];
      const input = i > 0 ? a.blocks[i - 1].out : a.stemOut;
      const dOut = g.g[cur];
      const dIn = g.g[1 - cur];
      // residual join (+ SE): dIn ← skip part; ∂b2 → t1 (without SE the two are the same tensor)
      let db2 = g.t1;
      if (s.se)
        ops.seResidualBackward(
          be,
          g.t1,
          dIn,
          p.fc1!.dw,
          p.fc1!.db,
          p.fc2!.dw,
          p.fc2!.db,
          g.se!,
          dOut,
          s.out,
          s.b2,
          s.se,
          p.fc1!.w,
          p.fc2!.w,
          { batch: B, channels: W, hidden: this.hidden },
        );
      else {
        ops.reluBackward(be, dIn, dOut, s.out);
        db2 = dIn;
      }
      bnBackward(be, g.t2, p.bn2.dgamma, p.bn2.dbeta, db2, s.c2, s.b2, p.bn2.gamma, s.saved2, {
        batch: B,
        channels: W,
      });
      ops.conv3x3BackwardWeight(be, p.conv2.dw, p.conv2.db, s.r1, g.t2, tower);
      ops.conv3x3BackwardData(be, g.t1, g.t2, p.conv2.w, tower);
      bnBackward(
        be,
        g.t2,
        p.bn1.dgamma,
        p.bn1.dbeta,
        g.t1,
        s.c1,
        s.r1,
        p.bn1.gamma,
        s.saved1,
        { batch: B, channels: W },
        { relu: true },
      );
      ops.conv3x3BackwardWeight(be, p.conv1.dw, p.conv1.db, input, g.t2, tower);
      ops.conv3x3BackwardData(be, dIn, g.t2, p.conv1.w, tower, true);
      cur = 1 - cur;
    }
    bnBackward(
      be,
      g.t2,
      this.bnStem.dgamma,
      this.bnStem.dbeta,
      g.g[cur],
      a.stemConv,
      a.stemOut,
      this.bnStem.gamma,
      a.stemSaved,
      { batch: B, channels: W },
      { relu: true },
    );
    ops.conv3x3BackwardWeight(be, this.stem.dw, this.stem.db, plan.obs, g.t2, {
      batch: B,
      cin: this.arch.inputPlanes,
      cout: W,
    });
  }
}
