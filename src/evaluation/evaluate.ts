// The two entry points of evaluation:
//   runEvaluation        what `keisei evaluate` runs: load the players, run a strategy, rate it,
//                        save the games, render the report
//   evaluateForTraining  the trainer's periodic evaluation: a short match, rated, as flat metrics
//
// Players are named by spec: "random", "heuristic", "self" (the agent's own network, a second
// instance), "usi:CMD[?…]" (a USI engine: usi-player.ts), or a checkpoint path, which an injected
// loader turns into a policy. A missing file is refused before any game with an error naming it; a
// loader's own error (a corrupt file, a wrong architecture) reaches the caller unchanged; an engine
// that cannot start is refused with "usi:CMD: cannot start: …". Engines are closed when the
// evaluation ends, however it ends.

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "../util/random.ts";
import { DEFAULT_POOL, type EloRegistry } from "./elo.ts";
import { DEFAULT_MAX_MOVES } from "./match.ts";
import { type CheckpointLoader, playerNameOf, heuristicPlayer, type Player, randomPlayer } from "./opponents.ts";
import {
  type EvaluationReport,
  type MatchResult,
  renderReport,
  type ReportFormat,
  saveGames,
  summarize,
} from "./report.ts";
import { isUsiSpec, usiPlayer } from "./usi-player.ts";
import {
  type BenchmarkCase,
  defaultBenchmarkSuite,
  evaluateBenchmark,
  evaluateLadder,
  evaluateSingle,
  evaluateTournament,
  type GameProgress,
  type PlayOptions,
  ratingId,
  rateMatch,
  STRATEGIES,
  type StrategyName,
} from "./strategies.ts";
import type { SearchOptions } from "./search-player.ts";
import { type LadderReport, type LadderSettings, renderLadder, runStrengthLadder } from "./strength-ladder.ts";
import { materialOnePlyPlayer, materialSearchPlayer } from "./material-players.ts";
import { InputError } from "../util/input-error.ts";

export class EvaluationError extends InputError {
  override name = "EvaluationError";
}

export const BUILTIN_OPPONENTS = ["random", "heuristic", "material1", "material2", "self"] as const;

export interface EvaluationOptions {
  /** A checkpoint path, or a ready player (the trainer's agent). */
  agent: string | Player;
  /** Opponent specs (default ["random"]): single plays each in turn; tournament and ladder take them as the pool; benchmark uses its suite instead. */
  opponents?: readonly string[];
  strategy?: StrategyName;
  /** single: games in all; tournament: per pair; ladder: per match; benchmark: per case. Default 20. */
  games?: number;
  seed?: number;
  maxMoves?: number;
  impasse?: "none" | "csa27";
  /** Start positions, each played from both sides (default the standard start; see PlayOptions). */
  startSfens?: readonly string[];
  /** Games in flight at once (the largest batch a player sees). */
  concurrency?: number;
  /** Checkpoints play argmax (default) or sample from their policy. */
  deterministic?: boolean;
  /** The agent checkpoint plays by PUCT search with these settings (default: one forward pass, argmax). */
  agentSearch?: SearchOptions;
  /** Turns a checkpoint path into a policy; needed when any player is a checkpoint. */
  loader?: CheckpointLoader;
  /** The models directory whose Elo registry rates the matches (required by the ladder). */
  registry?: EloRegistry;
  /** The previous-model pool whose checkpoints join the opponents when `usePool` is set. */
  usePool?: boolean | string;
  ladder?: { window?: number; opponents?: number };
  /** The benchmark's cases (default `defaultBenchmarkSuite`). */
  benchmarkSuite?: readonly BenchmarkCase[];
  /** Directory for the games (KIF and CSA) and the rendered report. */
  outDir?: string;
  format?: ReportFormat;
  onProgress?: (p: GameProgress) => void;
}

export interface EvaluationOutput {
  report: EvaluationReport;
  /** The report in the requested format. */
  rendered: string;
}

interface Loading {
  loader?: CheckpointLoader;
  deterministic: boolean;
  registry?: EloRegistry;
  /** Play this checkpoint by PUCT search (the agent, with --agent-search). */
  search?: SearchOptions;
}

/** Loads a checkpoint player; the file must exist, and the loader's errors pass through unchanged. */
async function loadCheckpoint(path: string, seed: number, o: Loading, name = playerNameOf(path)): Promise<Player> {
  if (!existsSync(path)) throw new EvaluationError(`checkpoint not found: ${path}`);
  if (!o.loader) throw new EvaluationError(`cannot load checkpoint ${path}: no checkpoint loader was given`);
  const policy = await o.loader(path, { deterministic: o.deterministic, seed, search: o.search });
  const id = o.registry?.idOf(path);
  if (!o.search) return { name, policy, id };
  // The same checkpoint with search is another player: its own name and Elo row.
  const tag = `search ${o.search.playouts}`;
  const closable = policy as { close?: () => void };
  return {
    name: `${name} [${tag}]`,
    policy,
    id: id === undefined ? undefined : `${id} [${tag}]`,
    close: async () => closable.close?.(),
  };
}

/** The player a spec names: "random", "heuristic", "self", "usi:CMD[?…]" or a checkpoint path. */
async function opponentOf(
  spec: string,
  agent: Player,
  agentPath: string | null,
  seed: number,
  o: Loading,
): Promise<Player> {
  if (spec === "random") return randomPlayer(seed);
  if (spec === "heuristic") return heuristicPlayer(seed);
  if (spec === "material1") return materialOnePlyPlayer();
  if (spec === "material2") return materialSearchPlayer(2);
  if (isUsiSpec(spec)) return usiPlayer(spec);
  if (spec === "self") {
    // The same network under another name; the registry never rates it against itself.
    if (agentPath === null) return { name: `${agent.name} (self)`, policy: agent.policy, id: ratingId(agent) };
    return { ...(await loadCheckpoint(agentPath, seed, o, `${agent.name} (self)`)), id: ratingId(agent) };
  }
  return loadCheckpoint(spec, seed, o);
}

export async function runEvaluation(o: EvaluationOptions): Promise<EvaluationOutput> {
  const strategy = o.strategy ?? "single";
  const seed = o.seed ?? 42;
  const games = o.games ?? 20;
  const maxMoves = o.maxMoves ?? DEFAULT_MAX_MOVES;
  if (!STRATEGIES.includes(strategy))
    throw new EvaluationError(`unknown strategy "${strategy}" (expected ${STRATEGIES.join(", ")})`);
  if (!Number.isInteger(games) || games < 1)
    throw new EvaluationError(`games must be a positive integer, got ${games}`);
  if (strategy === "ladder" && !o.registry)
    throw new EvaluationError("the ladder strategy needs an Elo registry (a models directory)");
  const loading: Loading = { loader: o.loader, deterministic: o.deterministic ?? true, registry: o.registry };
  const seeds = new Random(seed);

  // Players: the agent, then each opponent, each with its own seed drawn in order.
  const agentPath = typeof o.agent === "string" ? o.agent : null;
  const agent =
    typeof o.agent === "string"
      ? await loadCheckpoint(o.agent, seeds.nextU32(), { ...loading, search: o.agentSearch })
      : o.agent;
  const specs = [...(o.opponents ?? [])];
  if (o.usePool && o.registry) specs.push(...o.registry.pool(typeof o.usePool === "string" ? o.usePool : DEFAULT_POOL));
  if (specs.length === 0 && strategy !== "benchmark") specs.push("random");
  const opponents: Player[] = [];
  try {
    for (const spec of specs) opponents.push(await opponentOf(spec, agent, agentPath, seeds.nextU32(), loading));

    const play: PlayOptions = {
      maxMoves,
      impasse: o.impasse,
      startSfens: o.startSfens,
      concurrency: o.concurrency,
      onProgress: o.onProgress,
    };
    const report: EvaluationReport = {
      strategy,
      agent: agent.name,
      opponents: opponents.map((p) => p.name),
      seed,
      maxMoves,
      matches: [],
      overall: summarize([]),
    };
    switch (strategy) {
      case "single": {
        // One colour-balanced match against each opponent in turn; progress counts across them.
        let finished = 0;
        const total = games * opponents.length;
        const onProgress = o.onProgress && ((p: GameProgress) => o.onProgress!({ ...p, finished: ++finished, total }));
        for (const opponent of opponents) {
          const m = await evaluateSingle(agent, opponent, games, { ...play, onProgress });
          if (o.registry) rateMatch(o.registry, agent, opponent, m);
          report.matches.push(m);
        }
        break;
      }
      case "tournament": {
        const t = await evaluateTournament([agent, ...opponents], games, play, o.registry);
        report.matches = t.matches;
        report.tournament = { standings: t.standings };
        break;
      }
      case "ladder": {
        const l = await evaluateLadder(agent, opponents, o.registry!, {
          ...play,
          ...o.ladder,
          gamesPerMatch: games,
        });
        report.matches = l.rounds.map((r) => r.match);
        report.ladder = {
          initialRating: l.initialRating,
          finalRating: l.finalRating,
          outOfWindow: l.outOfWindow,
          rounds: l.rounds.map(({ match: _, ...r }) => r),
        };
        break;
      }
      case "benchmark": {
        const b = await evaluateBenchmark(
          agent,
          o.benchmarkSuite ?? defaultBenchmarkSuite(seeds.nextU32(), games),
          play,
        );
        report.matches = b.cases.map((c) => c.match);
        report.benchmark = {
          casesPassed: b.casesPassed,
          overallPassRate: b.overallPassRate,
          cases: b.cases.map(({ match: _, ...c }) => c),
        };
        break;
      }
    }
    report.overall = summarize(agentGames(report.matches, agent.name));
    if (o.registry) report.ratings = o.registry.ratings();
    const format = o.format ?? "text";
    if (o.outDir) {
      report.savedGames = saveGames(o.outDir, report.matches);
      writeFileSync(join(o.outDir, `report.${format === "text" ? "txt" : format}`), renderReport(report, format));
    }
    return { report, rendered: renderReport(report, format) };
  } finally {
    // Whatever happened, no engine process outlives the evaluation.
    await Promise.all([agent, ...opponents].map((p) => p.close?.()));
  }
}

/** The agent's games from its own side (in a tournament it is always a match's first player). */
const agentGames = (matches: readonly MatchResult[], agent: string) =>
  matches.filter((m) => m.agent === agent).flatMap((m) => m.games);

// ---- periodic evaluation during training ---------------------------------------------------------

export interface TrainingEvaluationOptions {
  /** The training agent, acting greedily; its id is what the registry rates (the run name, say). */
  agent: Player;
  /** "pool": the newest previous checkpoint (other than the agent); random when the pool is empty. */
  opponentType: "random" | "heuristic" | "material1" | "material2" | "pool";
  numGames: number;
  seed: number;
  maxMoves?: number;
  impasse?: "none" | "csa27";
  /** Start positions; with a greedy pool opponent, BENCHMARK_OPENINGS keeps the games apart. */
  startSfens?: readonly string[];
  /** Rates the match, and holds the pool. */
  registry?: EloRegistry;
  pool?: string;
  /** Loads pool checkpoints. */
  loader?: CheckpointLoader;
}

export interface TrainingEvaluation {
  win_rate: number;
  draw_rate: number;
  loss_rate: number;
  /** The agent's rating after the match; null without a registry. */
  elo: number | null;
  opponent: string;
  games: number;
  match: MatchResult;
  /** Flat metric keys for the metrics record: eval/win_rate, eval/draw_rate, eval/loss_rate, eval/games, eval/elo. */
  metrics: Record<string, number>;
}

/** The metrics.jsonl keys a periodic evaluation writes. */
export const EVAL_METRIC_NAMES = [
  "eval/win_rate",
  "eval/draw_rate",
  "eval/loss_rate",
  "eval/games",
  "eval/elo",
] as const;

export async function evaluateForTraining(o: TrainingEvaluationOptions): Promise<TrainingEvaluation> {
  const seeds = new Random(o.seed);
  const oppSeed = seeds.nextU32();
  let opponent: Player =
    o.opponentType === "heuristic"
      ? heuristicPlayer(oppSeed)
      : o.opponentType === "material1"
        ? materialOnePlyPlayer()
        : o.opponentType === "material2"
          ? materialSearchPlayer(2)
          : randomPlayer(oppSeed);
  if (o.opponentType === "pool") {
    const agentId = ratingId(o.agent);
    const newest = (o.registry?.pool(o.pool ?? DEFAULT_POOL) ?? [])
      .filter((p) => o.registry!.idOf(p) !== agentId)
      .at(-1);
    if (newest !== undefined)
      opponent = await loadCheckpoint(newest, oppSeed, { loader: o.loader, deterministic: true, registry: o.registry });
  }
  const match = await evaluateSingle(o.agent, opponent, o.numGames, {
    maxMoves: o.maxMoves,
    impasse: o.impasse,
    startSfens: o.startSfens,
  });
  const elo = o.registry ? rateMatch(o.registry, o.agent, opponent, match).a : null;
  const s = match.summary;
  // typed by the list of names: a key outside EVAL_METRIC_NAMES does not compile
  const metrics: Partial<Record<(typeof EVAL_METRIC_NAMES)[number], number>> = {
    "eval/win_rate": s.winRate,
    "eval/draw_rate": s.drawRate,
    "eval/loss_rate": s.lossRate,
    "eval/games": s.games,
  };
  if (elo !== null) metrics["eval/elo"] = elo;
  return {
    win_rate: s.winRate,
    draw_rate: s.drawRate,
    loss_rate: s.lossRate,
    elo,
    opponent: opponent.name,
    games: s.games,
    match,
    metrics,
  };
}

/**
 * `keisei evaluate --ladder`: the agent checkpoint against the fixed rungs of `ladder`
 * (strength-ladder.ts), rung specs resolved as opponents are, calibration cached in `cacheFile`.
 */
export async function runLadderEvaluation(
  o: Pick<
    EvaluationOptions,
    "agent" | "seed" | "concurrency" | "deterministic" | "agentSearch" | "loader" | "onProgress"
  > & {
    ladder: LadderSettings;
    cacheFile?: string;
    format?: ReportFormat;
    say?: (line: string) => void;
  },
): Promise<{ report: LadderReport; rendered: string }> {
  const loading: Loading = { loader: o.loader, deterministic: o.deterministic ?? true };
  const seeds = new Random(o.seed ?? 42);
  const agentPath = typeof o.agent === "string" ? o.agent : null;
  const agent =
    typeof o.agent === "string"
      ? await loadCheckpoint(o.agent, seeds.nextU32(), { ...loading, search: o.agentSearch })
      : o.agent;
  try {
    const report = await runStrengthLadder({
      agent,
      settings: o.ladder,
      playerOf: (spec) => opponentOf(spec, agent, agentPath, seeds.nextU32(), loading),
      play: { concurrency: o.concurrency, onProgress: o.onProgress },
      cacheFile: o.cacheFile,
      say: o.say,
    });
    return { report, rendered: o.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderLadder(report) };
  } finally {
    await agent.close?.();
  }
}
