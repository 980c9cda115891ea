// Opening a training run: everything the loop in trainer.ts needs, built once from one Config —
// the backend, the run directory, the network and Adam (fresh, or from a checkpoint), self-play,
// the acting policy, the PPO learner, metrics and their writers, and the periodic evaluation.
// Resuming restores the counters, random states and games in progress, so a resumed run continues
// exactly where the uninterrupted one would be.

import { join } from "node:path";
import type { Backend } from "../compute/backend.ts";
import { createBackend } from "../compute/device.ts";
import type { Config } from "../config/schema.ts";
import { checkpointLoader, type CachingLoader } from "../evaluation/checkpoint-player.ts";
import { EloRegistry, padToFixedBatch } from "../evaluation/index.ts";
import { loadCheckpoint, readOptimizerState } from "../models/checkpoint.ts";
import {
  architectureDifferences,
  configuredArchitecture,
  createNetwork,
  describeArchitecture,
} from "../models/factory.ts";
import type { Network } from "../models/network.ts";
import { Adam } from "../models/optimizer.ts";
import { NetworkPolicy } from "../rl/network-policy.ts";
import { PpoLearner } from "../rl/ppo.ts";
import { scheduleTotalSteps } from "../rl/schedules.ts";
import { SelfPlay } from "../rl/selfplay.ts";
import { Random } from "../util/random.ts";
import { PeriodicEvaluation } from "./callbacks.ts";
import { CheckpointError, listCheckpoints, readTrainerState } from "./checkpoints.ts";
import type { DashboardFrame } from "./display/frame.ts";
import { MetricsManager } from "./metrics.ts";
import { newestRunWithCheckpoint, openSession, type Session } from "./session.ts";
import { TensorBoardWriter } from "./tensorboard.ts";

export class TrainingError extends Error {
  override name = "TrainingError";
}

/** Everything a display may read: data only, computed by the trainer (display/frame.ts documents each field). */
export type TrainerFrame = DashboardFrame;

/** What the trainer shows while it runs (the display module implements it; tests may pass their own). */
export interface TrainerView {
  /** A live dashboard (weight statistics are computed only for one). */
  readonly live?: boolean;
  /** Whether update() would draw now (frames are not built when it would not). */
  wantsFrame?(): boolean;
  update(frame: TrainerFrame): void;
  log(line: string): void;
  close(final?: TrainerFrame): void;
}

export interface TrainOptions {
  /** "latest" (the newest checkpoint of --run-name's run, else of the newest run) or a checkpoint path. */
  resume?: string;
  view?: TrainerView;
  /** Set `stop` to finish the current step, write a checkpoint and return. */
  signal?: { stop: boolean };
  backend?: Backend;
}

/** An open run: the parts the loop drives, and the counters a checkpoint saves. */
export interface Run {
  config: Config;
  session: Session;
  backend: Backend;
  net: Network;
  adam: Adam;
  selfplay: SelfPlay;
  /** Self-play's acting policy: the network in inference mode, sampling from `rngs.policy`. */
  policy: NetworkPolicy;
  learner: PpoLearner;
  metrics: MetricsManager;
  tensorboard: TensorBoardWriter;
  metricsPath: string;
  /** null when training.evaluation is off. */
  evaluation: PeriodicEvaluation | null;
  /** Transitions per rollout. */
  rolloutSize: number;
  rngs: { policy: Random; ppo: Random };
  timestep: number;
  iteration: number;
  /** Seconds of training before this process (a resumed run's). */
  wallBase: number;
  lastCheckpoint: string | null;
  /** Writes a line to the run's log and the view. */
  say(line: string): void;
  /** Frees what opening allocated. */
  close(): void;
}

/** Rollout size: steps_per_epoch rounded up to whole lock-step rounds of num_envs games. */
export function rolloutSize(c: Config): number {
  return Math.ceil(c.training.steps_per_epoch / c.training.num_envs) * c.training.num_envs;
}

/** Checks what the schema alone cannot: fields that must agree with each other. */
export function checkTrainingConfig(c: Config): void {
  const t = c.training;
  const R = rolloutSize(c);
  if (t.minibatch_size > R)
    throw new TrainingError(
      `training.minibatch_size (${t.minibatch_size}) is larger than a rollout (${R} transitions: steps_per_epoch rounded up to num_envs)`,
    );
  if (t.mixed_precision)
    throw new TrainingError(
      "training.mixed_precision: not supported yet (keisei's kernels are f32 only); set it to false",
    );
  if (t.model_type === "resnet" && t.tower_depth < 1)
    throw new TrainingError("training.tower_depth must be at least 1 for the resnet model");
  if (t.model_type === "cnn" && t.policy_head !== "dense")
    throw new TrainingError(
      `training.policy_head ${t.policy_head} needs model_type resnet (the cnn has only the dense head)`,
    );
}

/** A fresh network of the configured architecture, initialised from `seed` (the trainer's, and the learning bench's untrained baseline). */
export function networkOf(backend: Backend, t: Config["training"], seed: number): Network {
  return createNetwork(backend, configuredArchitecture(t), { seed });
}

/** Resolves --resume to a checkpoint's trainer-state JSON. */
function resolveResume(resume: string, c: Config): string {
  if (resume !== "latest") return resume;
  const dir = c.logging.run_name
    ? join(c.logging.model_dir, c.logging.run_name)
    : newestRunWithCheckpoint(c.logging.model_dir);
  if (!dir) throw new CheckpointError(`--resume latest: no run with a checkpoint under ${c.logging.model_dir}`);
  const newest = listCheckpoints(dir)[0];
  if (!newest) throw new CheckpointError(`--resume latest: no complete checkpoint in ${dir}`);
  return newest.json;
}

export async function openRun(config: Config, o: TrainOptions): Promise<Run> {
  checkTrainingConfig(config);
  const t = config.training;
  const resumeFrom = o.resume ? readTrainerState(resolveResume(o.resume, config)) : null;
  // The backend first: a missing GPU must fail before a run directory is made.
  const backend = o.backend ?? (await createBackend(config.env.device));
  const session = openSession(config, { resumeDir: resumeFrom?.dir });
  const say = (line: string) => {
    session.log(line);
    o.view?.log(line);
  };
  say(`run ${session.runName} in ${session.dir}`);
  say(`compute backend: ${backend.info.description}`); // names the fallback reason, if any

  // Random sources, forked from the one seed in a fixed order.
  const master = new Random(config.env.seed);
  const weightSeed = master.nextU32();
  const rngs = { policy: master.fork(), ppo: master.fork() };

  const adamConfig = { lr: t.learning_rate, weightDecay: t.weight_decay, maxGradNorm: t.gradient_clip_max_norm };
  let net: Network;
  let adam: Adam;
  if (resumeFrom) {
    const loaded = loadCheckpoint(backend, resumeFrom.weights);
    net = loaded.net;
    const want = configuredArchitecture(t);
    const differences = architectureDifferences(net.arch, want);
    if (differences.length > 0) {
      net.destroy();
      throw new TrainingError(
        `${resumeFrom.weights} holds a ${describeArchitecture(net.arch)}; the config asks for ${want.type} ${want.depth}×${want.width} with a ${want.policyHead} one (they differ in ${differences.join(", ")})`,
      );
    }
    adam = new Adam(net, adamConfig);
    // The optimizer file the JSON names (readTrainerState checked it exists); a format-1 checkpoint keeps it inside the weights file.
    const moments = resumeFrom.optimizer
      ? readOptimizerState(resumeFrom.optimizer, net, resumeFrom.weights)
      : loaded.optimizer;
    if (!moments)
      throw new CheckpointError(
        `${resumeFrom.weights} has no optimizer state; it cannot be resumed (it can be evaluated)`,
      );
    adam.writeState(moments);
    for (const [k, r] of Object.entries(rngs)) if (resumeFrom.state.rng[k]) r.state = resumeFrom.state.rng[k];
    say(
      `resumed from ${resumeFrom.weights} at timestep ${resumeFrom.state.timestep}, iteration ${resumeFrom.state.iteration}`,
    );
  } else {
    net = networkOf(backend, t, weightSeed);
    adam = new Adam(net, adamConfig);
  }
  say(
    `model ${t.model_type} ${net.arch.depth}×${net.arch.width} SE ${net.arch.seRatio}, ${net.arch.policyHead} policy head: ${net.numParameters.toLocaleString("en-US")} parameters`,
  );
  await net.prepare();

  const R = rolloutSize(config);
  const selfplay = new SelfPlay(
    t.num_envs,
    { maxMovesPerGame: config.env.max_moves_per_game, impasse: config.env.impasse },
    { materialShaping: t.material_shaping, mateSearchPly: t.selfplay_mate_ply },
  );
  if (resumeFrom) selfplay.restore(resumeFrom.state.games);
  const policy = new NetworkPolicy(net, t.num_envs, rngs.policy);
  const learner = new PpoLearner(
    net,
    adam,
    {
      epochs: t.ppo_epochs,
      minibatchSize: t.minibatch_size,
      clipEpsilon: t.clip_epsilon,
      valueLossCoeff: t.value_loss_coeff,
      entropyCoef: t.entropy_coef,
      normalizeAdvantages: t.normalize_advantages,
      enableValueClipping: t.enable_value_clipping,
      targetKl: t.target_kl,
      schedule: { type: t.lr_schedule_type, kwargs: t.lr_schedule_kwargs, stepOn: t.lr_schedule_step_on },
      scheduleTotalSteps: scheduleTotalSteps(
        t.total_timesteps,
        R,
        t.ppo_epochs,
        t.minibatch_size,
        t.lr_schedule_step_on,
      ),
    },
    rngs.ppo,
  );
  learner.schedulerStep = resumeFrom?.state.schedulerStep ?? 0;
  const metrics = new MetricsManager(100, config.display.trend_history_length, resumeFrom?.state.metrics);
  const tensorboard = new TensorBoardWriter(session.dir);
  if (!resumeFrom) tensorboard.text(0, "hyperparameters", hyperparameterTable(config));

  // Periodic evaluation plays the live network (greedy, its own plan) and rates it.
  const ev = config.evaluation;
  let registry: EloRegistry | null = null;
  let loader: CachingLoader | null = null;
  let evalAgent: NetworkPolicy | null = null;
  let evaluation: PeriodicEvaluation | null = null;
  if (ev.enable_periodic_evaluation) {
    registry = EloRegistry.open(config.logging.model_dir, {
      k: ev.elo_k_factor,
      initial: ev.elo_initial_rating,
      poolSize: ev.previous_model_pool_size,
    });
    loader = checkpointLoader(backend, t.num_envs);
    evalAgent = new NetworkPolicy(net, t.num_envs, new Random(config.env.seed ^ 0x5eed), true);
    evaluation = new PeriodicEvaluation(
      session.config,
      session.runName,
      padToFixedBatch(evalAgent, t.num_envs),
      registry,
      loader.load,
    );
  }

  return {
    config: session.config,
    session,
    backend,
    net,
    adam,
    selfplay,
    policy,
    learner,
    metrics,
    tensorboard,
    metricsPath: join(session.dir, "metrics.jsonl"),
    evaluation,
    rolloutSize: R,
    rngs,
    timestep: resumeFrom?.state.timestep ?? 0,
    iteration: resumeFrom?.state.iteration ?? 0,
    wallBase: resumeFrom?.state.wallSeconds ?? 0,
    lastCheckpoint: resumeFrom?.weights ?? null,
    say,
    close() {
      loader?.destroy();
      registry?.close();
      evalAgent?.destroy();
      learner.destroy();
      policy.destroy();
      adam.destroy();
      net.destroy();
      if (!o.backend) backend.destroy();
    },
  };
}

function hyperparameterTable(c: Config): string {
  const rows = Object.entries(c).flatMap(([section, fields]) =>
    Object.entries(fields as Record<string, unknown>).map(([k, v]) => `|${section}.${k}|${JSON.stringify(v)}|`),
  );
  return ["|param|value|", "|-|-|", ...rows].join("\n");
}
