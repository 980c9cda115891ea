// `keisei evaluate`: its flags, checked and typed, then evaluation's entry point.

import { existsSync } from "node:fs";
import { STRATEGIES } from "../evaluation/strategies.ts";
import { type EvaluateCheckpointOptions, evaluateCheckpoint } from "../evaluation/command.ts";
import { parseOpeningsSpec } from "../evaluation/openings.ts";
import { parseSearchOptions, type SearchOptions } from "../evaluation/search-player.ts";
import { isUsiSpec, parseUsiSpec } from "../evaluation/usi-player.ts";
import { buildConfig } from "../config/load.ts";
import type { LadderSettings } from "../evaluation/strength-ladder.ts";
import { commaList, configSources, list, oneOf, text, UsageError, wholeNumber } from "./flags.ts";

/** The flags as cac hands them over. */
export interface EvaluateFlags {
  agent?: string;
  opponent?: string | string[];
  games?: number | string;
  strategy?: string;
  seed?: number | string;
  format?: string;
  saveGames?: string;
  savedir?: string;
  device?: string;
  maxMoves?: number | string;
  sample?: boolean;
  openings?: string;
  agentSearch?: string;
  ladder?: boolean;
  config?: string | string[];
  override?: string | string[];
}

/** `--opponent` specs; a `usi:` spec is read here so a malformed one is a usage error. */
function opponentSpecs(v: unknown): string[] {
  const specs = v === undefined ? ["random"] : list(v).flatMap((s) => (isUsiSpec(s) ? [s] : commaList(s)));
  for (const s of specs) {
    if (!isUsiSpec(s)) continue;
    try {
      parseUsiSpec(s);
    } catch (e) {
      throw new UsageError(`--opponent ${(e as Error).message}`);
    }
  }
  return specs;
}

/** `--agent-search playouts=N[,batch=B][,mate=M][,temperature=T]`, or undefined without the flag. */
function agentSearchOf(v: unknown): SearchOptions | undefined {
  if (v === undefined) return undefined;
  try {
    return parseSearchOptions(text(v, "--agent-search"));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `--openings`: `random:N[:SEED]` or an existing file. */
function openingsSpec(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const spec = text(v, "--openings");
  let kind: string;
  try {
    kind = parseOpeningsSpec(spec).kind;
  } catch (e) {
    throw new UsageError(`--openings: ${(e as Error).message}`);
  }
  if (kind === "file" && !existsSync(spec))
    throw new UsageError(`--openings: no such file "${spec}" (expected random:N[:SEED] or a file of positions)`);
  return spec;
}

export function evaluateOptions(f: EvaluateFlags): EvaluateCheckpointOptions {
  if (f.agent === undefined || f.agent === "") throw new UsageError("--agent CHECKPOINT is required");
  const strategy = oneOf(f.strategy ?? "single", "--strategy", STRATEGIES);
  if (strategy === "ladder" && !f.savedir)
    throw new UsageError("--strategy ladder needs --savedir DIR (the models directory whose Elo registry it climbs)");
  return {
    agent: text(f.agent, "--agent"),
    opponents: opponentSpecs(f.opponent),
    strategy,
    format: oneOf(f.format ?? "text", "--format", ["text", "json", "md"] as const),
    device: oneOf(f.device ?? "auto", "--device", ["auto", "webgpu", "cpu"] as const),
    games: wholeNumber(f.games ?? 20, "--games", 1, 1_000_000),
    seed: wholeNumber(f.seed ?? 0, "--seed", 0, 2 ** 32 - 1),
    maxMoves: wholeNumber(f.maxMoves ?? 500, "--max-moves", 1, 100_000),
    sample: Boolean(f.sample),
    saveGames: f.saveGames === undefined ? undefined : text(f.saveGames, "--save-games"),
    savedir: f.savedir === undefined ? undefined : text(f.savedir, "--savedir"),
    openings: openingsSpec(f.openings),
    agentSearch: agentSearchOf(f.agentSearch),
    ladder: f.ladder ? ladderSettings(f) : undefined,
  };
}

/** The `ladder` config section (defaults, then --config files, then --override values) as ladder settings. */
function ladderSettings(f: EvaluateFlags): LadderSettings {
  const l = buildConfig(configSources(f)).ladder;
  return {
    rungs: l.rungs,
    gamesPerRung: l.games_per_rung,
    calibrationGames: l.calibration_games,
    openingPlies: l.opening_plies,
    openingSeed: l.opening_seed,
    maxMoves: l.max_moves_per_game,
  };
}

export function runEvaluateCommand(f: EvaluateFlags, progress: (line: string) => void): Promise<string> {
  return evaluateCheckpoint(evaluateOptions(f), progress);
}
