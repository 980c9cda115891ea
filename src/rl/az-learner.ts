// The Gumbel AlphaZero update: minibatches drawn uniformly from the replay window (replay.ts), as
// many as its replay ratio allows, each one step of
//   L = H(π', π_θ) + c_V · (V_θ − z)²      (π' the search's improved policy, z the game's outcome)
// through the `azLoss` kernel, the network's backward and Adam with the global gradient norm
// clipped — the way PpoLearner drives PPO.
//
// BatchNorm: the minibatches are drawn uniformly from a large window, so their batch statistics
// are the window's; the update trains in "train" mode (batch statistics, running statistics
// updated with PyTorch's momentum) as AlphaZero does, and the search evaluates with the running
// statistics. (PPO trains the "frozen" function instead because its ratio compares against the
// acting policy; nothing here does.)

import type { Buf } from "../compute/backend.ts";
import * as ops from "../compute/ops.ts";
import type { Adam } from "../models/optimizer.ts";
import { type Network, packLegalActions, type TrainingPlan } from "../models/network.ts";
import type { Random } from "../util/random.ts";
import type { GumbelSearchStats } from "./gumbel.ts";
import { searchFigures } from "./gumbel-selfplay.ts";
import { NonFiniteLossError } from "./ppo.ts";
import { allocReplayBatch, type Replay, type ReplayBatch, type ReplayState } from "./replay.ts";
import { lrFactor, type ScheduleConfig } from "./schedules.ts";

export interface AzSettings {
  minibatchSize: number;
  /** c_V, the value loss's weight. */
  valueLossCoeff: number;
  /** Most minibatch updates one update() runs (null: all the replay ratio allows). */
  maxUpdatesPerCall: number | null;
  /** The learning rate's schedule: stepOn "update" steps per minibatch, "epoch" per update() call. */
  schedule: ScheduleConfig;
  /** Scheduler steps the whole run takes. */
  scheduleTotalSteps: number;
}

/** One record per update, under CleanRL-style tags. */
export interface AzMetrics {
  "losses/policy_loss": number; // H(π', π_θ), mean over the minibatches
  "losses/value_loss": number; // (V − z)²
  "losses/entropy": number; // H(π_θ) over the legal moves
  "losses/kl_target": number; // KL(π' ‖ π_θ)
  "losses/grad_norm": number; // global L2 norm before clipping, mean over updates
  "losses/minibatch_updates": number;
  "charts/learning_rate": number;
  "search/simulations_per_second": number;
  "search/root_visit_entropy": number;
  "replay/window": number; // positions training samples from
  "replay/positions": number; // positions produced in all
  "replay/samples_per_position": number; // samples drawn in all / positions produced
}

const AZ_KEYS: Record<keyof AzMetrics, true> = {
  "losses/policy_loss": true,
  "losses/value_loss": true,
  "losses/entropy": true,
  "losses/kl_target": true,
  "losses/grad_norm": true,
  "losses/minibatch_updates": true,
  "charts/learning_rate": true,
  "search/simulations_per_second": true,
  "search/root_visit_entropy": true,
  "replay/window": true,
  "replay/positions": true,
  "replay/samples_per_position": true,
};
/** The metrics.jsonl keys an AlphaZero update writes. */
export const AZ_METRIC_NAMES: readonly string[] = Object.keys(AZ_KEYS);

/** What a checkpoint keeps of the learner (Adam's state and the network are saved as for PPO). */
export interface AzLearnerState {
  schedulerStep: number;
  replay: ReplayState;
}

export class AzLearner {
  /** Scheduler steps taken so far in the run (saved in checkpoints). */
  schedulerStep = 0;
  private readonly plan: TrainingPlan;
  /** The loss kernel's buffers, the learner's own: a network knows no algorithm. */
  private readonly device: { targets: Buf; outcomes: Buf; stats: Buf };
  private readonly mb: ReplayBatch;
  private readonly mask: Uint32Array;
  private readonly targets: Float32Array;

  constructor(
    readonly net: Network,
    readonly adam: Adam,
    readonly replay: Replay,
    readonly settings: AzSettings,
    private readonly rng: Random,
  ) {
    const B = settings.minibatchSize;
    const A = net.numActions;
    this.plan = net.plan(B, { training: true });
    const be = net.backend;
    this.device = {
      targets: be.alloc("az.targets", B * A), // [B, A] the improved policy, 0 off the legal moves
      outcomes: be.alloc("az.outcomes", B), // [B] z for the side to move
      stats: be.alloc("az.stats", B * 4), // [B, 4] policy CE, value loss, entropy, KL(target ‖ π)
    };
    this.mb = allocReplayBatch(B);
    this.mask = new Uint32Array(B * net.maskWords);
    this.targets = new Float32Array(B * A);
  }

  /** The learning rate of the next step: Adam's base rate × the schedule's factor. */
  get learningRate(): number {
    const s = this.settings;
    return this.adam.config.lr * lrFactor(s.schedule, this.schedulerStep, s.scheduleTotalSteps);
  }

  /**
   * Trains on the minibatches the replay ratio allows now (none before the replay holds enough:
   * the losses are then NaN); `search` are the self-play's search figures since the last update.
   */
  async update(
    search: GumbelSearchStats,
    progress?: (done: number, planned: number) => Promise<void>,
  ): Promise<AzMetrics> {
    const s = this.settings;
    const B = s.minibatchSize;
    let planned = this.replay.minibatchesDue(B);
    if (s.maxUpdatesPerCall !== null) planned = Math.min(planned, s.maxUpdatesPerCall);
    const sums = { policy: 0, value: 0, entropy: 0, kl: 0, norm: 0 };
    for (let k = 0; k < planned; k++) {
      const m = await this.minibatchStep();
      sums.policy += m.policy;
      sums.value += m.value;
      sums.entropy += m.entropy;
      sums.kl += m.kl;
      sums.norm += m.norm;
      if (s.schedule.stepOn === "update") this.schedulerStep++;
      await progress?.(k + 1, planned);
    }
    if (s.schedule.stepOn === "epoch" && planned > 0) this.schedulerStep++;
    const mean = (x: number) => (planned > 0 ? x / planned : Number.NaN);
    const r = this.replay;
    return {
      "losses/policy_loss": mean(sums.policy),
      "losses/value_loss": mean(sums.value),
      "losses/entropy": mean(sums.entropy),
      "losses/kl_target": mean(sums.kl),
      "losses/grad_norm": mean(sums.norm),
      "losses/minibatch_updates": planned,
      "charts/learning_rate": this.learningRate,
      ...searchFigures(search),
      "replay/window": r.size,
      "replay/positions": r.produced,
      "replay/samples_per_position": r.produced > 0 ? r.sampled / r.produced : 0,
    };
  }

  /** One gradient step on a minibatch drawn from the replay. */
  private async minibatchStep() {
    const { net, adam, plan, mb } = this;
    const be = net.backend;
    const B = this.settings.minibatchSize;
    const A = net.numActions;
    this.replay.sample(mb, this.rng);
    packLegalActions(mb.legalOffsets, mb.legalActions, B, A, this.mask);
    // The CSR targets scattered over the action space (zeros elsewhere).
    this.targets.fill(0);
    for (let r = 0; r < B; r++)
      for (let k = mb.legalOffsets[r]; k < mb.legalOffsets[r + 1]; k++)
        this.targets[r * A + mb.legalActions[k]] = mb.policy[k];
    net.setInputs(plan, mb.obs, this.mask);
    const d = this.device;
    be.write(d.targets, this.targets);
    be.write(d.outcomes, mb.outcomes);

    net.zeroGrad();
    net.forward(plan, "train");
    ops.azLoss(
      be,
      { dlogits: plan.dlogits, dvalues: plan.dvalue, stats: d.stats },
      { logits: plan.logits, mask: plan.mask, targets: d.targets, outcomes: d.outcomes, values: plan.value },
      { rows: B, actions: A },
      { valueCoef: this.settings.valueLossCoeff },
    );
    net.backward(plan);
    adam.update(this.learningRate);

    // Per-sample terms: [policy CE, value loss, entropy, KL].
    const [stats, norm] = await Promise.all([be.read(d.stats), adam.gradNorm()]);
    let policy = 0,
      value = 0,
      entropy = 0,
      kl = 0;
    for (let i = 0; i < B; i++) {
      policy += stats[i * 4];
      value += stats[i * 4 + 1];
      entropy += stats[i * 4 + 2];
      kl += stats[i * 4 + 3];
    }
    if (!Number.isFinite(policy + value + entropy))
      throw new NonFiniteLossError(
        `AlphaZero loss is not finite (policy ${policy / B}, value ${value / B}, entropy ${entropy / B})`,
      );
    return { policy: policy / B, value: value / B, entropy: entropy / B, kl: kl / B, norm };
  }

  /** The learner's state for a checkpoint: the scheduler step and the replay (Adam's moments go as for PPO). */
  state(): AzLearnerState {
    return { schedulerStep: this.schedulerStep, replay: this.replay.state() };
  }

  restore(st: AzLearnerState): void {
    this.replay.restore(st.replay);
    this.schedulerStep = st.schedulerStep;
  }

  destroy(): void {
    this.net.freePlan(this.plan);
    for (const b of Object.values(this.device)) this.net.backend.free(b);
  }
}
