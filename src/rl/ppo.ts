// The PPO update (Schulman et al. 2017, as CleanRL's ppo.py writes it), in one place.
//
// For each of `epochs` passes over the rollout, in shuffled minibatches:
//   ratio  = π(a|s) / π_old(a|s)                      (masked: over legal moves only)
//   L_clip = −E[min(ratio·A, clip(ratio, 1 − ε, 1 + ε)·A)]
//   L_V    = E[(V − R)²]   (with value clipping: E[max((V − R)², (V_old + clip(V − V_old, ±ε) − R)²)])
//   L      = L_clip + c_V·L_V − c_H·H[π]
// then one Adam step with the global gradient norm clipped. The loss and its gradient w.r.t. the
// network's outputs come from the `ppoLoss` kernel; everything else is the network's forward and
// backward. A minibatch is always full (the plan has a fixed size): each epoch draws a fresh
// permutation and leaves out the remainder of N / minibatch, a different one each epoch.
//
// BatchNorm: self-play acts with the running statistics, so π_old is the inference-mode network.
// The update therefore trains that same function: forward(plan, "frozen") (running statistics,
// held constant in the backward), and the ratio is 1 before the first step. A training-mode
// forward (batch statistics) would be a different policy: measured, half the samples clipped
// before any step, the trust region spent on the BN mismatch. After the epochs the running
// statistics are re-estimated over the rollout (the average of the batch statistics of its full
// minibatches, in order), so the next rollout acts with the statistics of the data just trained on.
//
// Rollouts played by older weights (actors, training/actors/): `decoupled` PPO (Hilton, Cobbe &
// Schulman 2021, "Batch size-invariance for policy optimization"). Before the epochs one forward
// pass gives π_prox, the policy at the update's start; the clip is taken around it, and each
// advantage is weighted by the truncated importance weight w = min(1, π_prox/μ) of the behaviour
// policy μ that played (V-trace's ρ̄ = 1, Espeholt et al. 2018):
//   L_clip = −E[w · min(r·A, clip(r, 1 − ε, 1 + ε)·A)],   r = π/π_prox
// Ratios against a stale μ instead start the update away from 1 and are clipped before any step;
// with no lag π_prox = μ and this is PPO.

import type { Buf } from "../compute/backend.ts";
import * as ops from "../compute/ops.ts";
import type { Adam } from "../models/optimizer.ts";
import { type Network, packLegalActions, type TrainingPlan } from "../models/network.ts";
import type { Random } from "../util/random.ts";
import { allocMinibatch, type Minibatch, type RolloutBuffer } from "./buffer.ts";
import { lrFactor, type ScheduleConfig } from "./schedules.ts";

export interface PpoSettings {
  epochs: number;
  minibatchSize: number;
  clipEpsilon: number;
  valueLossCoeff: number;
  entropyCoef: number;
  normalizeAdvantages: boolean;
  enableValueClipping: boolean;
  /** Stop the remaining epochs once an epoch's approximate KL exceeds this (null: never). */
  targetKl: number | null;
  /** The learning rate's schedule; the base rate is Adam's (training.learning_rate, set once). */
  schedule: ScheduleConfig;
  /** Scheduler steps the whole run takes (scheduleTotalSteps). */
  scheduleTotalSteps: number;
  /** Decoupled PPO for rollouts played by older weights (see the header); absent: false. */
  decoupled?: boolean;
}

/** How far the behaviour policy μ was from the update's starting policy π_prox (decoupled updates). */
export interface BehaviourGap {
  /** mean((x − 1) − log x), x = π_prox/μ: an estimate of KL(μ ‖ π_prox). */
  kl: number;
  /** Mean of the truncated importance weights min(1, π_prox/μ). */
  weightMean: number;
  /** Fraction of transitions whose weight was truncated (π_prox > μ). */
  truncated: number;
}

/** One record per update, under CleanRL's TensorBoard tags. */
export interface PpoMetrics {
  "losses/policy_loss": number;
  "losses/value_loss": number;
  "losses/entropy": number; // positive: the entropy itself (the reference logged its negative)
  "losses/old_approx_kl": number; // mean(log π_old − log π), the reference's estimator
  "losses/approx_kl": number; // mean((r − 1) − log r), never negative
  "losses/clipfrac": number;
  "losses/explained_variance": number;
  "losses/grad_norm": number; // global L2 norm before clipping, mean over updates
  "charts/learning_rate": number; // after this update's schedule steps
  "losses/epochs": number; // epochs run (fewer than configured when target_kl stopped them)
  "losses/minibatch_updates": number;
}

/** Every key of PpoMetrics (the compiler checks the list is complete): names the metrics.jsonl keys an update writes. */
const PPO_KEYS: Record<keyof PpoMetrics, true> = {
  "losses/policy_loss": true,
  "losses/value_loss": true,
  "losses/entropy": true,
  "losses/old_approx_kl": true,
  "losses/approx_kl": true,
  "losses/clipfrac": true,
  "losses/explained_variance": true,
  "losses/grad_norm": true,
  "charts/learning_rate": true,
  "losses/epochs": true,
  "losses/minibatch_updates": true,
};
export const PPO_METRIC_NAMES: readonly string[] = Object.keys(PPO_KEYS);

export class PpoLearner {
  /** Scheduler steps taken so far in the run (saved in checkpoints). */
  schedulerStep = 0;
  /**
   * log(π/π_old) of each sample of the last update's first minibatch, before any step of that
   * update (0 up to float rounding when the update trains the function that acted).
   */
  readonly firstLogRatio: Float32Array;
  /** The last decoupled update's behaviour gap (null: the last update was not decoupled). */
  behaviourGap: BehaviourGap | null = null;
  private readonly plan: TrainingPlan;
  /** The loss kernel's buffers, the learner's own: a network knows no algorithm. */
  private readonly device: { actions: Buf; samples: Buf; stats: Buf };
  private readonly mb: Minibatch;
  private readonly mask: Uint32Array;
  private readonly samples: Float32Array;
  private readonly actions: Uint32Array;

  constructor(
    readonly net: Network,
    readonly adam: Adam,
    readonly settings: PpoSettings,
    private readonly rng: Random,
  ) {
    const B = settings.minibatchSize;
    this.plan = net.plan(B, { training: true });
    const be = net.backend;
    this.device = {
      actions: be.alloc("ppo.actions", B, "u32"), // [B] the actions taken
      samples: be.alloc("ppo.samples", B * 4), // [B, 4] oldLogp, advantage, return, oldValue
      stats: be.alloc("ppo.stats", B * 6), // [B, 6] per-sample terms: policy, value, entropy, oldLogp − logp, clipped, logp
    };
    this.mb = allocMinibatch(B, net.obsSize);
    this.mask = new Uint32Array(B * net.maskWords);
    this.samples = new Float32Array(B * 4);
    this.actions = new Uint32Array(B);
    this.firstLogRatio = new Float32Array(B);
  }

  /** The learning rate of the next step: Adam's base rate × the schedule's factor. */
  get learningRate(): number {
    const s = this.settings;
    return this.adam.config.lr * lrFactor(s.schedule, this.schedulerStep, s.scheduleTotalSteps);
  }

  /** One PPO update on a rollout; `progress` hears after each minibatch how many of the planned ones are done. */
  async update(
    buffer: RolloutBuffer,
    progress?: (done: number, planned: number) => Promise<void>,
  ): Promise<PpoMetrics> {
    const s = this.settings;
    const B = s.minibatchSize;
    const N = buffer.size;
    if (N < B) throw new Error(`PPO: the rollout holds ${N} transitions, fewer than one minibatch of ${B}`);
    const explainedVariance = explainedVarianceOf(buffer.values, buffer.returns, N);
    if (s.normalizeAdvantages) buffer.normaliseAdvantages();
    this.behaviourGap = s.decoupled ? await this.decouple(buffer) : null;

    const sums = { policy: 0, value: 0, entropy: 0, oldKl: 0, kl: 0, clip: 0, norm: 0 };
    let updates = 0;
    let epochsRun = 0;
    const order = Int32Array.from({ length: N }, (_, i) => i);
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      this.rng.shuffle(order);
      let epochKl = 0;
      let epochUpdates = 0;
      for (let start = 0; start + B <= N; start += B) {
        const m = await this.minibatchStep(buffer, order, start, updates === 0);
        sums.policy += m.policy;
        sums.value += m.value;
        sums.entropy += m.entropy;
        sums.oldKl += m.oldKl;
        sums.kl += m.kl;
        sums.clip += m.clip;
        sums.norm += m.norm;
        epochKl += m.kl;
        updates++;
        epochUpdates++;
        if (s.schedule.stepOn === "update") this.schedulerStep++;
        await progress?.(updates, s.epochs * Math.floor(N / B));
      }
      epochsRun++;
      if (s.schedule.stepOn === "epoch") this.schedulerStep++;
      if (s.targetKl !== null && epochKl / epochUpdates > s.targetKl) break;
    }
    await this.refreshStatistics(buffer);
    return {
      "losses/policy_loss": sums.policy / updates,
      "losses/value_loss": sums.value / updates,
      "losses/entropy": sums.entropy / updates,
      "losses/old_approx_kl": sums.oldKl / updates,
      "losses/approx_kl": sums.kl / updates,
      "losses/clipfrac": sums.clip / updates,
      "losses/explained_variance": explainedVariance,
      "losses/grad_norm": sums.norm / updates,
      "charts/learning_rate": this.learningRate,
      "losses/epochs": epochsRun,
      "losses/minibatch_updates": updates,
    };
  }

  /**
   * Running statistics ← the average of the batch statistics of the rollout's full minibatches
   * [0, B), [B, 2B), … (one training-mode forward each, no backward).
   */
  private async refreshStatistics(buffer: RolloutBuffer): Promise<void> {
    const B = this.settings.minibatchSize;
    const size = B * this.net.obsSize;
    const batches = function* () {
      for (let start = 0; start + B <= buffer.size; start += B)
        yield buffer.obs.subarray(start * buffer.obsSize, start * buffer.obsSize + size);
    };
    this.net.refreshStatistics(this.plan, batches());
    await this.net.backend.submit();
  }

  /**
   * Decoupled PPO's set-up (see the header): log π_prox of every transition by the network as it
   * stands (the update's own frozen forward, minibatch by minibatch), then the buffer's old
   * log-probabilities become π_prox's and each advantage is weighted by min(1, π_prox/μ).
   */
  private async decouple(buffer: RolloutBuffer): Promise<BehaviourGap> {
    const B = this.settings.minibatchSize;
    const N = buffer.size;
    const identity = Int32Array.from({ length: N }, (_, i) => i);
    const prox = new Float32Array(N);
    for (let start = 0; start < N; start += B) {
      const from = Math.min(start, N - B); // the last minibatch overlaps the one before: full, as the plan is
      this.loadMinibatch(buffer, identity, from);
      this.forwardLoss();
      const stats = await this.net.backend.read(this.device.stats);
      for (let i = 0; i < B; i++) prox[from + i] = stats[i * 6 + 5];
    }
    let kl = 0,
      weights = 0,
      truncated = 0;
    for (let t = 0; t < N; t++) {
      const logX = prox[t] - buffer.logProbs[t];
      const x = Math.exp(logX);
      kl += x - 1 - logX;
      const w = Math.min(1, x);
      if (x > 1) truncated++;
      weights += w;
      buffer.advantages[t] *= w;
      buffer.logProbs[t] = prox[t];
    }
    return { kl: kl / N, weightMean: weights / N, truncated: truncated / N };
  }

  /** Transitions order[start .. start + B) into the plan's inputs and the loss kernel's buffers. */
  private loadMinibatch(buffer: RolloutBuffer, order: Int32Array, start: number): void {
    const { net, plan, mb, settings: s } = this;
    const be = net.backend;
    const B = s.minibatchSize;
    buffer.gather(order, start, mb);
    packLegalActions(mb.legalOffsets, mb.legalActions, B, net.numActions, this.mask);
    for (let i = 0; i < B; i++) {
      this.actions[i] = mb.actions[i];
      this.samples[4 * i] = mb.oldLogProbs[i];
      this.samples[4 * i + 1] = mb.advantages[i];
      this.samples[4 * i + 2] = mb.returns[i];
      this.samples[4 * i + 3] = mb.oldValues[i];
    }
    net.setInputs(plan, mb.obs, this.mask);
    be.write(this.device.actions, this.actions);
    be.write(this.device.samples, this.samples);
  }

  /** The loaded minibatch's forward pass and loss (gradients w.r.t. the outputs, per-sample terms). */
  private forwardLoss(): void {
    const { net, plan, settings: s } = this;
    const be = net.backend;
    const B = s.minibatchSize;
    const d = this.device;
    net.forward(plan, "frozen"); // the acting function (running statistics): see the header
    ops.ppoLoss(
      be,
      { dlogits: plan.dlogits, dvalues: plan.dvalue, stats: d.stats },
      { logits: plan.logits, mask: plan.mask, actions: d.actions, samples: d.samples, values: plan.value },
      { rows: B, actions: net.numActions },
      {
        clipEps: s.clipEpsilon,
        valueCoef: s.valueLossCoeff,
        entropyCoef: s.entropyCoef,
        valueClip: s.enableValueClipping,
      },
    );
  }

  /** One gradient step on transitions order[start .. start + B). */
  private async minibatchStep(buffer: RolloutBuffer, order: Int32Array, start: number, first: boolean) {
    const { net, adam, plan, settings: s } = this;
    const be = net.backend;
    const B = s.minibatchSize;
    const d = this.device;
    this.loadMinibatch(buffer, order, start);
    net.zeroGrad();
    this.forwardLoss();
    net.backward(plan);
    adam.update(this.learningRate);

    // Per-sample terms: [policy, value, entropy, oldLogp − logp, clipped, logp].
    const [stats, norm] = await Promise.all([be.read(d.stats), adam.gradNorm()]);
    let policy = 0,
      value = 0,
      entropy = 0,
      oldKl = 0,
      kl = 0,
      clip = 0;
    for (let i = 0; i < B; i++) {
      const r = i * 6;
      policy += stats[r];
      value += stats[r + 1];
      entropy += stats[r + 2];
      const logRatio = -stats[r + 3];
      if (first) this.firstLogRatio[i] = logRatio;
      oldKl += -logRatio;
      kl += Math.exp(logRatio) - 1 - logRatio;
      clip += stats[r + 4];
    }
    if (!Number.isFinite(policy + value + entropy))
      throw new NonFiniteLossError(
        `PPO loss is not finite (policy ${policy / B}, value ${value / B}, entropy ${entropy / B})`,
      );
    return {
      policy: policy / B,
      value: value / B,
      entropy: entropy / B,
      oldKl: oldKl / B,
      kl: kl / B,
      clip: clip / B,
      norm,
    };
  }

  destroy(): void {
    this.net.freePlan(this.plan);
    for (const b of Object.values(this.device)) this.net.backend.free(b);
  }
}

export class NonFiniteLossError extends Error {
  override name = "NonFiniteLossError";
}

/** 1 − Var(R − V) / Var(R) over the rollout (NaN when the returns do not vary). */
export function explainedVarianceOf(values: Float32Array, returns: Float32Array, n: number): number {
  let mr = 0,
    md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i];
    md += returns[i] - values[i];
  }
  mr /= n;
  md /= n;
  let vr = 0,
    vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i] - mr) ** 2;
    vd += (returns[i] - values[i] - md) ** 2;
  }
  return vr === 0 ? Number.NaN : 1 - vd / vr;
}
