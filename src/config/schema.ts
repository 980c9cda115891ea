// Every configuration field keisei reads: its type, default, validator and a one-line doc that
// `keisei config` prints. Defaults are the Python reference's (keisei-python.md §10); fields that
// did nothing there (wandb.*, parallel.*, demo.*, ddp, …) are gone, `training.num_envs` is new.

import { z } from "zod";

/** A field: its validator, default and one-line doc. */
function field<T extends z.ZodType>(type: T, value: z.input<T>, doc: string) {
  return type.default(value as never).describe(doc);
}
const int = () => z.number().int();
const probability = () => z.number().min(0).max(1);

/**
 * Upper bounds of the size fields: far above any run keisei is meant for, low enough that no
 * value allocates without end (`tower_width: 100000`, `max_moves_per_game: 1e15`). Within them,
 * src/config/memory.ts estimates a run's memory and refuses one this machine cannot hold.
 */
export const LIMITS = {
  /** Plies of one game (env, evaluation and ladder move limits). */
  maxMovesPerGame: 100_000,
  /** Steps (plies) and timestep intervals. */
  timesteps: 1e12,
  /** Transitions of one rollout, and of one minibatch. */
  stepsPerEpoch: 1 << 20,
  /** Games played in lock-step. */
  numEnvs: 16_384,
  ppoEpochs: 1_000,
  /** Residual blocks (also the bound checkpoints are read with). */
  towerDepth: 256,
  /** Channels (also the bound checkpoints are read with). */
  towerWidth: 1_024,
  games: 1_000_000,
  /** Characters of a run or log file name. */
  nameLength: 128,
} as const;

/** A whole number from 1 to `max`. */
const positiveInt = (max: number = LIMITS.timesteps) => z.number().int().positive().max(max);

/**
 * A run or log file name: one folder/file name of letters, digits, `_`, `.`, `-` (never `..`,
 * never a path: `--run-name ../../x` must not write outside the models directory).
 */
export const FILE_NAME = /^(?!\.\.?$)[A-Za-z0-9_.-]+$/;
const fileName = () =>
  z
    .string()
    .max(LIMITS.nameLength)
    .regex(FILE_NAME, "expected one file name of letters, digits, _ . - (not empty, no / and not . or ..)");

/** Each learning-rate schedule's parameters and their defaults (rl/schedules.ts computes the schedules). */
export const LR_SCHEDULE_KWARGS: Readonly<
  Record<"linear" | "cosine" | "exponential" | "step", Readonly<Record<string, number>>>
> = {
  linear: { final_lr_fraction: 0.1 },
  cosine: { eta_min_fraction: 0 },
  exponential: { gamma: 0.995 },
  step: { step_size: 1000, gamma: 0.5 },
};

/** Every schedule parameter with its bounds (which schedule takes which: LR_SCHEDULE_KWARGS). */
const lrScheduleKwargs = z
  .object({
    final_lr_fraction: probability().optional(),
    eta_min_fraction: probability().optional(),
    // above 1 the learning rate grows without bound; 0 or below it vanishes or flips sign
    gamma: z.number().gt(0).max(1).optional(),
    step_size: positiveInt().optional(),
  })
  .strict();

export const envSchema = z
  .object({
    device: field(
      z.enum(["auto", "webgpu", "cpu"]),
      "auto",
      "Compute backend: auto takes a GPU adapter when there is one, else the cpu backend (faster than a software adapter such as lavapipe)",
    ),
    autotune: field(
      z.boolean(),
      true,
      "On a GPU: time each kernel family's variants (tile sizes; reductions plain or on subgroups) at first use and keep the fastest that matches its CPU twin, cached per adapter and driver (keisei doctor shows it)",
    ),
    seed: field(int(), 42, "Seed of every random source (games, sampling, minibatch shuffles, initial weights)"),
    max_moves_per_game: field(
      positiveInt(LIMITS.maxMovesPerGame),
      500,
      "Plies after which a game is a draw; also the observation's move-count normaliser",
    ),
    impasse: field(
      z.enum(["none", "csa27"]),
      "csa27",
      "Entering-king declaration rule: csa27 adjudicates the CSA 27-point rule, none never does",
    ),
    start_positions: field(
      z.array(z.string().min(1).max(200)).max(10_000),
      [],
      "Self-play games start from these SFENs in turn (empty: the initial position); e.g. a set of tsume or opening positions",
    ),
  })
  .strict();

export const trainingSchema = z
  .object({
    algorithm: field(
      z.enum(["ppo", "gumbel_az"]),
      "ppo",
      "ppo: PPO on sampled self-play | gumbel_az: Gumbel AlphaZero (search at every move, trained towards the improved policy and the outcome)",
    ),
    total_timesteps: field(positiveInt(), 500_000, "Self-play steps (plies) to train for"),
    steps_per_epoch: field(
      positiveInt(LIMITS.stepsPerEpoch),
      2048,
      "Steps collected per rollout before each PPO update (all games together)",
    ),
    num_envs: field(
      positiveInt(LIMITS.numEnvs),
      16,
      "Games played in lock-step; one batched forward pass serves them all",
    ),
    ppo_epochs: field(positiveInt(LIMITS.ppoEpochs), 10, "Passes over each rollout in the PPO update"),
    minibatch_size: field(positiveInt(LIMITS.stepsPerEpoch), 64, "Transitions per PPO gradient step"),
    learning_rate: field(z.number().positive(), 3e-4, "Adam learning rate at the start of the schedule"),
    gamma: field(probability(), 0.99, "Discount factor"),
    lambda_gae: field(probability(), 0.95, "GAE lambda"),
    clip_epsilon: field(
      z.number().positive(),
      0.2,
      "PPO ratio clip range (also the value clip range when value clipping is on)",
    ),
    value_loss_coeff: field(z.number().min(0), 0.5, "Weight of the value loss"),
    material_shaping: field(
      z.number().min(0),
      0,
      "Potential-based reward shaping: weight per pawn of material balance (board + hand); 0 = off (the reference's pure win/loss reward)",
    ),
    selfplay_mate_ply: field(
      z.number().int().min(0).max(5),
      0,
      "Mate search after every self-play move (plies, odd; 0 = off): a forced mate found ends the game as a win",
    ),
    start_random_plies: field(
      z.number().int().min(0).max(40),
      0,
      "Each self-play game starts 0..N uniformly random legal plies in (diversified openings; 0 = the start position)",
    ),
    opponent_pool_fraction: field(
      z.number().min(0).max(1),
      0,
      "Fraction of self-play games played against past checkpoints chosen by PFSP (only the learner's side trained; 0 = off)",
    ),
    gumbel_simulations: field(
      z.number().int().min(1).max(1024),
      16,
      "gumbel_az: simulations per move (n), spent by sequential halving over the sampled root moves",
    ),
    gumbel_considered_actions: field(
      z.number().int().min(1).max(64),
      16,
      "gumbel_az: root moves sampled by Gumbel-top-k (m)",
    ),
    gumbel_c_visit: field(
      z.number().positive().max(1e6),
      50,
      "gumbel_az: c_visit of σ(q) = (c_visit + max N) · c_scale · q",
    ),
    gumbel_c_scale: field(z.number().positive().max(1e3), 1, "gumbel_az: c_scale of σ(q)"),
    replay_ratio: field(
      z.number().positive().max(64),
      4,
      "gumbel_az: samples trained per position produced (each position is trained on about this many times)",
    ),
    replay_min_window: field(
      positiveInt(),
      25_000,
      "gumbel_az: positions the replay window holds before it grows as KataGo's power law (c)",
    ),
    replay_max_window: field(
      positiveInt(),
      200_000,
      "gumbel_az: most positions the replay window holds (memory: ~0.5 KB each)",
    ),
    replay_min_positions: field(
      positiveInt(),
      2048,
      "gumbel_az: no training before the replay holds this many positions",
    ),
    opponent_pool_size: field(
      z.number().int().min(1).max(64),
      8,
      "Newest checkpoints kept in the opponent pool (each joins at its checkpoint_interval_timesteps)",
    ),
    entropy_coef: field(z.number().min(0), 0.01, "Weight of the entropy bonus (entropy over legal moves)"),
    gradient_clip_max_norm: field(z.number().positive(), 0.5, "Global gradient L2 norm is clipped to this"),
    weight_decay: field(z.number().min(0), 0, "Adam weight decay (L2 added to the gradient, as PyTorch's Adam)"),
    normalize_advantages: field(z.boolean(), true, "Normalise advantages over the rollout before the update"),
    enable_value_clipping: field(
      z.boolean(),
      false,
      "Clip the value prediction's change around the rollout's value, as in PPO2",
    ),
    target_kl: field(
      z.number().positive().nullable(),
      null,
      "Stop the update's epochs early once approximate KL exceeds this (null: never)",
    ),
    lr_schedule_type: field(
      z.enum(["linear", "cosine", "exponential", "step"]).nullable(),
      null,
      "Learning-rate schedule (null: constant)",
    ),
    lr_schedule_kwargs: field(
      lrScheduleKwargs.nullable(),
      null,
      "Schedule parameters: final_lr_fraction (linear), eta_min_fraction (cosine), gamma (exponential, step), step_size (step)",
    ),
    lr_schedule_step_on: field(
      z.enum(["epoch", "update"]),
      "epoch",
      "Step the schedule once per PPO epoch or once per minibatch update",
    ),
    model_type: field(
      z.enum(["resnet", "cnn"]),
      "resnet",
      "Network: resnet (tower with squeeze-excitation) or cnn (the reference's small CNN)",
    ),
    input_features: field(
      z.enum(["core46", "core46-attacks"]),
      "core46",
      "Observation: core46 (the reference's), or core46-attacks (its reserved planes 44–45 hold each side's attacker count per square, derived by the network)",
    ),
    tower_depth: field(positiveInt(LIMITS.towerDepth), 9, "Residual blocks in the tower"),
    tower_width: field(positiveInt(LIMITS.towerWidth), 256, "Channels in the tower"),
    se_ratio: field(z.number().min(0).max(1), 0.25, "Squeeze-excitation bottleneck ratio (0: no SE)"),
    policy_head: field(
      z.enum(["dense", "conv"]),
      "dense",
      "resnet policy head: dense (the reference's Linear to every action) or conv (per-square move planes, same weights on every square)",
    ),
    mixed_precision: field(
      z.boolean(),
      false,
      "store activations and layer weights as f16 (arithmetic and gradients stay f32); needs env.device webgpu on an adapter with shader-f16 (keisei doctor says), refused elsewhere",
    ),
    checkpoint_interval_timesteps: field(
      positiveInt(),
      10_000,
      "Write a checkpoint every this many steps (rounded up to whole rollouts)",
    ),
    render_every_steps: field(positiveInt(), 1, "Update the live display's game board every this many steps"),
  })
  .strict();

export const evaluationSchema = z
  .object({
    enable_periodic_evaluation: field(
      z.boolean(),
      true,
      "Evaluate against the previous-checkpoint pool during training",
    ),
    evaluation_interval_timesteps: field(
      positiveInt(),
      50_000,
      "Evaluate every this many steps (rounded up to whole rollouts)",
    ),
    num_games: field(positiveInt(LIMITS.games), 20, "Games per periodic evaluation"),
    opponent_type: field(
      z.enum(["random", "heuristic", "material1", "material2", "pool"]),
      "random",
      "Opponent of periodic evaluation: random, heuristic, material1, material2 (the ladder's lower rungs), or the newest pool checkpoint",
    ),
    max_moves_per_game: field(positiveInt(LIMITS.maxMovesPerGame), 500, "Move limit of evaluation games"),
    previous_model_pool_size: field(positiveInt(1_000), 5, "Checkpoints kept in the opponent pool"),
    elo_k_factor: field(z.number().positive(), 32, "Elo K factor"),
    elo_initial_rating: field(z.number(), 1500, "Elo rating of a new player"),
  })
  .strict();

/** The fixed strength ladder, weakest first (issue #17): built-in players, then Debian's USI engines. */
export const DEFAULT_RUNGS: readonly string[] = [
  "random",
  "heuristic",
  "material1",
  "material2",
  "usi:/usr/games/fairy-stockfish?go=go depth 1&Threads=1&name=fairy-stockfish-depth1",
  "usi:/usr/games/fairy-stockfish?go=go depth 2&Threads=1&name=fairy-stockfish-depth2",
  "usi:/usr/games/fairy-stockfish?go=go depth 3&Threads=1&name=fairy-stockfish-depth3",
  "usi:/usr/games/gpsusi?go=go btime 0 wtime 0 byoyomi 100&Thread=1&LimitDepth=1&name=gpsusi-depth1",
];

export const ladderSchema = z
  .object({
    rungs: field(
      z.array(z.string().min(1).max(4096)).min(1).max(64),
      [...DEFAULT_RUNGS],
      "Opponents of keisei evaluate --ladder, weakest first: random, heuristic, material1, material2, or usi:CMD?… engines",
    ),
    games_per_rung: field(
      positiveInt(LIMITS.games),
      200,
      "Games the agent plays against each rung (200 or more for a reported figure)",
    ),
    calibration_games: field(
      positiveInt(LIMITS.games),
      100,
      "Games between neighbouring rungs, which put the rungs on one scale (cached beside the Elo registry)",
    ),
    opening_plies: field(
      positiveInt(200),
      8,
      "Random legal plies from the start position per opening (screened: no mate in 3, material within a pawn)",
    ),
    opening_seed: field(int(), 2026, "Seed of the ladder's opening set"),
    max_moves_per_game: field(positiveInt(LIMITS.maxMovesPerGame), 320, "Move limit of ladder games (a draw)"),
  })
  .strict();

export const loggingSchema = z
  .object({
    model_dir: field(z.string().min(1).max(4096), "models/", "Directory under which each run gets its own folder"),
    run_name: field(fileName().nullable(), null, "Run folder name (null: keisei_<model>_feats_<features>_<timestamp>)"),
    log_file: field(fileName(), "training_log.txt", "Name of the text log inside the run folder"),
  })
  .strict();

export const displaySchema = z
  .object({
    refresh_per_second: field(z.number().positive().max(60), 2, "Live dashboard refreshes per second at most"),
    enable_board_display: field(z.boolean(), true, "Show a current self-play game's board"),
    enable_trend_visualization: field(z.boolean(), true, "Show metric trends with sparklines"),
    enable_elo_ratings: field(z.boolean(), true, "Show the Elo panel"),
    board_unicode_pieces: field(z.boolean(), true, "Draw pieces as kanji (false: ASCII letters)"),
    move_list_length: field(positiveInt(1_000), 6, "Recent moves shown beside the board"),
    sparkline_width: field(positiveInt(1_000), 15, "Characters per sparkline"),
    trend_history_length: field(positiveInt(100_000), 100, "Iterations of history kept for trends"),
    log_layer_keyword_filters: field(
      z.array(z.string().max(200)).max(100),
      ["stem", "res_blocks.0", "policy_head", "value_head"],
      "Parameter-name substrings whose weight statistics are shown",
    ),
  })
  .strict();

export const parallelSchema = z
  .object({
    actors: field(
      z.union([z.number().int().min(0).max(1_024), z.literal("auto")]),
      0,
      "Actor processes playing self-play while the learner updates (0: one process plays and learns in turn, resumes bit-exactly; auto: one per CPU core but one, at least 1)",
    ),
    store: field(
      z.string().min(1).max(4096).nullable(),
      null,
      "Rollout store learner and actors share: postgres://… (actors on other machines: keisei actor --store) or sqlite://FILE (null: <run folder>/actors.sqlite)",
    ),
    max_policy_lag: field(
      z.number().int().min(0).max(1_000),
      2,
      "Rollouts played by weights more than this many versions behind the learner's are dropped (counted in parallel/dropped_steps)",
    ),
    decoupled_ppo: field(
      z.boolean(),
      true,
      "With actors: decoupled PPO (clip around the policy at the update's start, advantages weighted by min(1, π_prox/μ)); costs one forward pass over the rollout per update. false: ratios against the actors' policy (APPO)",
    ),
    backlog: field(
      positiveInt(1_000),
      1,
      "Rollouts waiting in the store (fresh ones) at which actors pause until the learner takes some",
    ),
    actor_device: field(
      z.enum(["auto", "webgpu", "cpu"]),
      "cpu",
      "Compute backend of the actor processes keisei train starts (the learner keeps env.device)",
    ),
    actor_threads: field(positiveInt(1_024), 1, "CPU threads of each actor process keisei train starts (cpu backend)"),
    inference: field(
      z.enum(["local", "served"]),
      "local",
      "How the local actors evaluate positions: local (each on its own backend, parallel.actor_device) or served (one inference server process on env.device batches every local actor's positions into one forward pass: for a GPU)",
    ),
  })
  .strict();

export const configSchema = z
  .object({
    env: envSchema.default(envSchema.parse({})),
    training: trainingSchema.default(trainingSchema.parse({})),
    evaluation: evaluationSchema.default(evaluationSchema.parse({})),
    ladder: ladderSchema.default(ladderSchema.parse({})),
    logging: loggingSchema.default(loggingSchema.parse({})),
    display: displaySchema.default(displaySchema.parse({})),
    parallel: parallelSchema.default(parallelSchema.parse({})),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type EnvConfig = Config["env"];
export type TrainingConfig = Config["training"];

/** Every field as `section.name`, its default and its doc line, in schema order. */
export function configFields(): { path: string; defaultValue: unknown; doc: string }[] {
  const out: { path: string; defaultValue: unknown; doc: string }[] = [];
  for (const [section, sectionSchema] of Object.entries(configSchema.shape)) {
    const inner = (sectionSchema as z.ZodDefault<z.ZodObject>).def.innerType as z.ZodObject;
    for (const [name, f] of Object.entries(inner.shape)) {
      const d = f as z.ZodDefault<z.ZodType>;
      out.push({ path: `${section}.${name}`, defaultValue: d.def.defaultValue, doc: d.description ?? "" });
    }
  }
  return out;
}
