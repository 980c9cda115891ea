// Opening a training run: everything the loop in trainer.ts needs, built once from one Config —
// the backend, the run directory, the network and Adam (fresh, or from a checkpoint), self-play,
// the acting policy, the PPO learner, metrics and their writers, and the periodic evaluation.
// Resuming restores the counters, random states and games in progress, so a resumed run continues
// exactly where the uninterrupted one would be.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Backend } from "../compute/backend.ts";
import { createBackend } from "../compute/device.ts";
import { buildConfig, type ConfigSource, readConfigFile } from "../config/load.ts";
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
import type { Network, Storage } from "../models/network.ts";
import { Adam } from "../models/optimizer.ts";
import { NetworkPolicy } from "../rl/network-policy.ts";
import { PpoLearner } from "../rl/ppo.ts";
import { scheduleTotalSteps } from "../rl/schedules.ts";
import { type GameSnapshot, SelfPlay } from "../rl/selfplay.ts";
import { AzLearner } from "../rl/az-learner.ts";
import { GumbelSearch } from "../rl/gumbel.ts";
import { type GumbelGameSnapshot, GumbelSelfPlay } from "../rl/gumbel-selfplay.ts";
import { Replay } from "../rl/replay.ts";
import { NetworkEvaluator } from "../search/network-evaluator.ts";
import { Random } from "../util/random.ts";
import { PeriodicEvaluation } from "./callbacks.ts";
import { OpponentPool } from "./opponent-pool.ts";
import { Pace } from "./pace.ts";
import { CheckpointError, listCheckpoints, readReplayFile, readTrainerState } from "./checkpoints.ts";
import type { DashboardFrame } from "./display/frame.ts";
import { MetricsManager } from "./metrics.ts";
import { trimMetricsJsonl } from "./run-files.ts";
import { EFFECTIVE_CONFIG, newestRunWithCheckpoint, openSession, type Session } from "./session.ts";
import { TensorBoardWriter, trimEventFiles } from "./tensorboard.ts";
import { InputError, quote } from "../util/input-error.ts";
import { Position } from "../shogi/position.ts";
import { ActorFeed, localActorCount, usesActors } from "./actors/feed.ts";
import { RolloutStore } from "./actors/store.ts";
import { describeDatabase } from "../util/database.ts";

export class TrainingError extends InputError {
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
  /** This build's version text (keisei --version): actors of another build are told it. */
  version?: string;
}

/** An open run: the parts the loop drives, and the counters a checkpoint saves. */
export interface Run {
  config: Config;
  session: Session;
  backend: Backend;
  net: Network;
  adam: Adam;
  /** The algorithm's parts (training.algorithm): PPO's, or Gumbel AlphaZero's. */
  algo: PpoParts | AzParts;
  /** Past checkpoints some self-play games are played against (PFSP; PPO only). */
  pool: OpponentPool;
  metrics: MetricsManager;
  tensorboard: TensorBoardWriter;
  metricsPath: string;
  /** null when training.evaluation is off. */
  evaluation: PeriodicEvaluation | null;
  /** The actors' rollouts (parallel.actors, parallel.store); null: this process plays its own. */
  feed: ActorFeed | null;
  /** Transitions per rollout. */
  rolloutSize: number;
  rngs: Record<"policy" | "ppo" | "pool" | "opponents" | "openings", Random>;
  timestep: number;
  iteration: number;
  /** Seconds of training before this process (a resumed run's). */
  wallBase: number;
  lastCheckpoint: string | null;
  /** Measured seconds per transition of self-play and update: the ETA and the long-run warning. */
  pace: Pace;
  /** Writes a line to the run's log and the view. */
  say(line: string): void;
  /** Frees what opening allocated. */
  close(): void;
}

/** PPO: lock-step self-play sampling from the network, and the PPO learner. */
export interface PpoParts {
  kind: "ppo";
  selfplay: SelfPlay;
  /** Self-play's acting policy: the network in inference mode, sampling from `rngs.policy`. */
  policy: NetworkPolicy;
  learner: PpoLearner;
}

/** Gumbel AlphaZero: lock-step self-play choosing every move by search, the replay it fills, and the learner. */
export interface AzParts {
  kind: "gumbel_az";
  selfplay: GumbelSelfPlay;
  search: GumbelSearch;
  evaluator: NetworkEvaluator;
  learner: AzLearner;
  /**
   * Plies of the iteration in progress already played when the run last stopped: self-play and the
   * replay cannot be put back, so a stop checkpoint resumes inside the iteration.
   */
  partial: number;
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
  if (t.algorithm === "gumbel_az") {
    for (const [field, value, off] of [
      ["opponent_pool_fraction", t.opponent_pool_fraction, 0],
      ["material_shaping", t.material_shaping, 0],
    ] as const)
      if (value !== off)
        throw new TrainingError(
          `training.${field} is for algorithm ppo; gumbel_az trains towards the search's policy and the outcome (set it to ${off})`,
        );
    if (t.gumbel_considered_actions > t.gumbel_simulations)
      throw new TrainingError(
        `training.gumbel_considered_actions (${t.gumbel_considered_actions}) is more than gumbel_simulations (${t.gumbel_simulations}): each considered move needs a simulation`,
      );
    if (t.replay_min_positions < t.minibatch_size)
      throw new TrainingError(
        `training.replay_min_positions (${t.replay_min_positions}) is less than one minibatch (${t.minibatch_size})`,
      );
  }
  // Pool games record only the learner's moves: a rollout may hold as few as half its plies.
  if (t.opponent_pool_fraction > 0 && t.minibatch_size > R / 2 - t.num_envs)
    throw new TrainingError(
      `training.minibatch_size (${t.minibatch_size}) must be at most half a rollout less one ply of games (${R / 2 - t.num_envs}) with training.opponent_pool_fraction > 0: a pool game's opponent moves are not trained on`,
    );
  const p = c.parallel;
  if (usesActors(p)) {
    const why = p.store !== null ? "parallel.store is set" : `parallel.actors is ${p.actors}`;
    if (t.algorithm !== "ppo")
      throw new TrainingError(
        `${why}: actors play for algorithm ppo only (gumbel_az searches every move in the learner's process); set parallel.actors to 0`,
      );
    if (t.opponent_pool_fraction > 0)
      throw new TrainingError(
        `${why}: actors play self-play only; set training.opponent_pool_fraction to 0 (the opponent pool runs in the single process)`,
      );
    if (p.store !== null) describeDatabase(p.store, "parallel.store", "a rollout store", (m) => new TrainingError(m));
  }
  if (p.inference === "served" && localActorCount(p) === 0)
    throw new TrainingError(
      "parallel.inference is served, but parallel.actors is 0: the inference server serves the local actors (set parallel.actors, or inference to local)",
    );
  if (t.algorithm === "gumbel_az" && c.env.start_positions.length > 0)
    throw new TrainingError(
      "env.start_positions: gumbel_az self-play starts from the initial position; leave it empty",
    );
  c.env.start_positions.forEach((sfen, i) => {
    try {
      Position.fromSfen(sfen);
    } catch (e) {
      throw new TrainingError(`env.start_positions[${i}] ${quote(sfen)}: ${(e as Error).message}`);
    }
  });
  if (t.model_type === "resnet" && t.tower_depth < 1)
    throw new TrainingError("training.tower_depth must be at least 1 for the resnet model");
  if (t.model_type === "cnn" && t.policy_head !== "dense")
    throw new TrainingError(
      `training.policy_head ${t.policy_head} needs model_type resnet (the cnn has only the dense head)`,
    );
}

/** A fresh network of the configured architecture, initialised from `seed` (the trainer's, and the learning bench's untrained baseline). */
export function networkOf(backend: Backend, t: Config["training"], seed: number, storage = storageOf(t)): Network {
  return createNetwork(backend, configuredArchitecture(t), { seed }, storage);
}

/** f16 storage of activations and layer weights under training.mixed_precision. */
export function storageOf(t: Config["training"]): Storage {
  return t.mixed_precision ? "f16" : "f32";
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

export async function openRun(given: Config, o: TrainOptions): Promise<Run> {
  checkTrainingConfig(given);
  // Training runs whole rollouts: the total is rounded up to one, and the run says so.
  const R = rolloutSize(given);
  const whole = Math.max(1, Math.ceil(given.training.total_timesteps / R)) * R;
  const config = { ...given, training: { ...given.training, total_timesteps: whole } };
  const t = config.training;
  const resumeFrom = o.resume ? readTrainerState(resolveResume(o.resume, config)) : null;
  // Everything that can be refused (the backend, the checkpoint, its architecture) is checked
  // before the run directory is touched; what there is to say waits for its log.
  const early: string[] = [];
  const differences = resumeFrom ? configDifferences(join(resumeFrom.dir, EFFECTIVE_CONFIG), config) : [];
  const backend = o.backend ?? (await createBackend(config.env.device, { autotune: config.env.autotune }));
  let session: Session | null = null;
  let net: Network | null = null;
  try {
    early.push(`compute backend: ${backend.info.description}`); // names the fallback reason, if any
    if (t.mixed_precision && !backend.info.f16)
      throw new TrainingError(
        `training.mixed_precision: f16 storage needs a WebGPU device with shader-f16, and the backend is ${backend.info.description}${backend.info.kind === "webgpu" ? ", which does not offer it" : ""}; set it to false${backend.info.kind === "webgpu" ? "" : " or env.device to webgpu"}`,
      );
    if (t.mixed_precision)
      early.push("training.mixed_precision: activations and layer weights stored as f16, arithmetic in f32");
    if (whole !== given.training.total_timesteps)
      early.push(
        `training.total_timesteps ${given.training.total_timesteps} rounded up to ${whole}: whole rollouts of ${R} transitions (steps_per_epoch rounded up to num_envs)`,
      );
    let loaded: ReturnType<typeof loadCheckpoint> | null = null;
    let moments: Opened["moments"] = null;
    if (resumeFrom) {
      loaded = loadCheckpoint(backend, resumeFrom.weights, undefined, storageOf(t));
      net = loaded.net;
      const want = configuredArchitecture(t);
      const differ = architectureDifferences(loaded.net.arch, want);
      if (differ.length > 0)
        throw new TrainingError(
          `${resumeFrom.weights} holds a ${describeArchitecture(loaded.net.arch)}; the config asks for ${want.type} ${want.depth}×${want.width} with a ${want.policyHead} one (they differ in ${differ.join(", ")})`,
        );
      // The optimizer file the JSON names (readTrainerState checked it exists); a format-1 checkpoint keeps it inside the weights file.
      moments = resumeFrom.optimizer
        ? readOptimizerState(resumeFrom.optimizer, loaded.net, resumeFrom.weights)
        : loaded.optimizer;
      if (!moments)
        throw new CheckpointError(
          `${resumeFrom.weights} has no optimizer state; it cannot be resumed (it can be evaluated)`,
        );
    }
    // A shared store that already holds a new run's name refuses it before the run folder exists.
    if (!resumeFrom && config.parallel.store !== null && config.logging.run_name !== null)
      await refuseTakenRunName(config.parallel.store, config.logging.run_name, o.signal);
    session = openSession(config, { resumeDir: resumeFrom?.dir });
    return await openRunIn(config, o, { session, backend, resumeFrom, loaded, moments, early, differences });
  } catch (e) {
    session?.close();
    net?.destroy();
    if (!o.backend) backend.destroy();
    throw e;
  }
}

/** A new run's name must not be in the shared store already (its actors would mix two runs). */
async function refuseTakenRunName(url: string, name: string, signal?: { stop: boolean }): Promise<void> {
  const store = await RolloutStore.open(url, "parallel.store", {
    signal,
    say: (line) => console.error(`keisei: ${line}`),
  });
  try {
    if (await store.run(name))
      throw new TrainingError(
        `parallel.store ${store.label} already holds a run named ${name}: resume it (--resume) or give this one another --run-name`,
      );
  } finally {
    await store.close();
  }
}

/** The fields where `config` differs from a run's effective_config.yaml, as "field old → new"; none when there is no such file. */
export function configDifferences(runConfigPath: string, config: Config): string[] {
  if (!existsSync(runConfigPath)) return [];
  const before = buildConfig([readConfigFile(runConfigPath)]);
  const out: string[] = [];
  for (const [section, fields] of Object.entries(config))
    for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
      const old = (before[section as keyof Config] as Record<string, unknown>)[name];
      if (JSON.stringify(old) !== JSON.stringify(value))
        out.push(`${section}.${name} ${JSON.stringify(old)} → ${JSON.stringify(value)}`);
    }
  return out;
}

/**
 * The config `keisei train --resume` runs with: the run's own effective_config.yaml, then the
 * sources the user gave on this command line, so a run resumes as it was trained and only the
 * fields the user sets change. A run without the file (none of keisei's) takes the user's config.
 */
export function resumeConfig(sources: ConfigSource[], resume: string): Config {
  const given = buildConfig(sources); // where the run is: --savedir, --run-name
  const runConfig = join(dirname(resolveResume(resume, given)), EFFECTIVE_CONFIG);
  if (!existsSync(runConfig)) return given;
  return buildConfig([readConfigFile(runConfig), ...sources]);
}

interface Opened {
  session: Session;
  backend: Backend;
  resumeFrom: ReturnType<typeof readTrainerState> | null;
  loaded: ReturnType<typeof loadCheckpoint> | null;
  /** Adam's state of the checkpoint resumed from. */
  moments: ReturnType<typeof readOptimizerState> | null;
  early: string[];
  differences: string[];
}

async function openRunIn(config: Config, o: TrainOptions, opened: Opened): Promise<Run> {
  const { session, backend, resumeFrom, loaded } = opened;
  const t = config.training;
  const say = (line: string) => {
    session.log(line);
    o.view?.log(line);
  };
  say(`run ${session.runName} in ${session.dir}`);
  for (const line of opened.early) say(line);
  if (opened.differences.length > 0)
    say(`config differs from the run's ${EFFECTIVE_CONFIG} in ${opened.differences.join("; ")}`);

  // Random sources, forked from the one seed in a fixed order.
  const master = new Random(config.env.seed);
  const weightSeed = master.nextU32();
  // (New sources are forked after the old ones: a run's earlier streams stay what they were.)
  const rngs = {
    policy: master.fork(),
    ppo: master.fork(),
    pool: master.fork(),
    opponents: master.fork(),
    openings: master.fork(),
  };

  const adamConfig = { lr: t.learning_rate, weightDecay: t.weight_decay, maxGradNorm: t.gradient_clip_max_norm };
  let net: Network;
  let adam: Adam;
  if (resumeFrom && loaded) {
    net = loaded.net;
    adam = new Adam(net, adamConfig);
    adam.writeState(opened.moments!);
    for (const [k, r] of Object.entries(rngs)) if (resumeFrom.state.rng[k]) r.state = resumeFrom.state.rng[k];
    say(
      `resumed from ${resumeFrom.weights} at timestep ${resumeFrom.state.timestep}, iteration ${resumeFrom.state.iteration}`,
    );
    // The run's logs as of that checkpoint: what a later, lost stretch of the run wrote goes.
    const lines = trimMetricsJsonl(join(session.dir, "metrics.jsonl"), resumeFrom.state.iteration);
    const events = trimEventFiles(session.dir, resumeFrom.state.timestep);
    if (lines + events > 0)
      say(
        `dropped what the run logged after that checkpoint: ${lines} metrics.jsonl records, ${events} TensorBoard events`,
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
  const pool = new OpponentPool(
    backend,
    t.num_envs,
    { fraction: t.opponent_pool_fraction, size: t.opponent_pool_size },
    rngs.pool,
    rngs.opponents,
    resumeFrom?.state.pool,
  );
  const rules = { maxMovesPerGame: config.env.max_moves_per_game, impasse: config.env.impasse };
  const schedule = { type: t.lr_schedule_type, kwargs: t.lr_schedule_kwargs, stepOn: t.lr_schedule_step_on };
  let algo: PpoParts | AzParts;
  if (t.algorithm === "ppo") {
    const selfplay = new SelfPlay(t.num_envs, rules, {
      startSfens: config.env.start_positions,
      materialShaping: t.material_shaping,
      mateSearchPly: t.selfplay_mate_ply,
      startRandomPlies: t.start_random_plies,
      random: rngs.openings,
      nextMatch: pool.nextMatch,
    });
    if (resumeFrom) selfplay.restore(resumeFrom.state.games as GameSnapshot[]);
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
        schedule,
        scheduleTotalSteps: scheduleTotalSteps(t.total_timesteps, R, t.ppo_epochs, t.minibatch_size, schedule.stepOn),
        // Actors' rollouts were played by older weights (policy lag): see rl/ppo.ts.
        decoupled: usesActors(config.parallel) && config.parallel.decoupled_ppo,
      },
      rngs.ppo,
    );
    algo = { kind: "ppo", selfplay, policy, learner };
  } else {
    const selfplay = new GumbelSelfPlay(t.num_envs, rules, rngs.policy, {
      mateSearchPly: t.selfplay_mate_ply,
      startRandomPlies: t.start_random_plies,
    });
    if (resumeFrom) selfplay.restore(resumeFrom.state.games as GumbelGameSnapshot[]);
    const evaluator = new NetworkEvaluator(net, t.num_envs);
    const search = new GumbelSearch(evaluator, {
      numSimulations: t.gumbel_simulations,
      maxConsideredActions: t.gumbel_considered_actions,
      cVisit: t.gumbel_c_visit,
      cScale: t.gumbel_c_scale,
      rules,
      encodePlies: rules.maxMovesPerGame,
    });
    const replay = new Replay({
      minWindow: t.replay_min_window,
      windowExponent: 0.65,
      windowSlope: 0.4,
      maxWindow: t.replay_max_window,
      replayRatio: t.replay_ratio,
      minPositions: t.replay_min_positions,
      encodePlies: rules.maxMovesPerGame,
    });
    // The schedule's length: one step per update() call (an iteration), or per minibatch — about
    // replay_ratio samples per position played, in minibatches.
    const updates = Math.ceil((t.total_timesteps * t.replay_ratio) / t.minibatch_size);
    const learner = new AzLearner(
      net,
      adam,
      replay,
      {
        minibatchSize: t.minibatch_size,
        valueLossCoeff: t.value_loss_coeff,
        maxUpdatesPerCall: null,
        schedule,
        scheduleTotalSteps: schedule.stepOn === "update" ? updates : Math.ceil(t.total_timesteps / R),
      },
      rngs.ppo,
    );
    if (resumeFrom) {
      if (!resumeFrom.replay)
        throw new CheckpointError(
          `${resumeFrom.weights}: a gumbel_az checkpoint without its replay file cannot resume`,
        );
      learner.restore({ schedulerStep: resumeFrom.state.schedulerStep, replay: readReplayFile(resumeFrom.replay) });
    }
    algo = { kind: "gumbel_az", selfplay, search, evaluator, learner, partial: resumeFrom?.state.partialSteps ?? 0 };
  }
  if (algo.kind === "ppo") algo.learner.schedulerStep = resumeFrom?.state.schedulerStep ?? 0;
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

  const feed = usesActors(config.parallel)
    ? await ActorFeed.open(config, {
        runName: session.runName,
        runDir: session.dir,
        resumedAt: resumeFrom ? resumeFrom.state.iteration : null,
        net,
        version: o.version ?? "(unknown version)",
        say,
        signal: o.signal,
      })
    : null;

  return {
    config: session.config,
    session,
    feed,
    backend,
    net,
    adam,
    algo,
    pool,
    metrics,
    tensorboard,
    metricsPath: join(session.dir, "metrics.jsonl"),
    evaluation,
    rolloutSize: R,
    rngs,
    // A gumbel_az stop checkpoint is inside an iteration: the iteration began `partialSteps` plies earlier.
    timestep: (resumeFrom?.state.timestep ?? 0) - (resumeFrom?.state.partialSteps ?? 0),
    iteration: resumeFrom?.state.iteration ?? 0,
    wallBase: resumeFrom?.state.wallSeconds ?? 0,
    lastCheckpoint: resumeFrom?.weights ?? null,
    pace: new Pace(),
    say,
    close() {
      session.close();
      pool.destroy();
      loader?.destroy();
      registry?.close();
      evalAgent?.destroy();
      algo.learner.destroy();
      if (algo.kind === "ppo") algo.policy.destroy();
      else algo.evaluator.destroy();
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
