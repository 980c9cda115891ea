// `keisei evaluate`: its flags, checked and typed, then evaluation's entry point.

import { STRATEGIES } from "../evaluation/strategies.ts";
import { type EvaluateCheckpointOptions, evaluateCheckpoint } from "../evaluation/command.ts";
import { commaList, oneOf, UsageError, wholeNumber } from "./flags.ts";

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
}

export function evaluateOptions(f: EvaluateFlags): EvaluateCheckpointOptions {
  if (!f.agent) throw new UsageError("--agent CHECKPOINT is required");
  const strategy = oneOf(f.strategy ?? "single", "--strategy", STRATEGIES);
  if (strategy === "ladder" && !f.savedir)
    throw new UsageError("--strategy ladder needs --savedir DIR (the models directory whose Elo registry it climbs)");
  return {
    agent: String(f.agent),
    opponents: f.opponent === undefined ? ["random"] : commaList(f.opponent),
    strategy,
    format: oneOf(f.format ?? "text", "--format", ["text", "json", "md"] as const),
    device: oneOf(f.device ?? "auto", "--device", ["auto", "webgpu", "cpu"] as const),
    games: wholeNumber(f.games ?? 20, "--games", 1),
    seed: wholeNumber(f.seed ?? 0, "--seed", 0),
    maxMoves: wholeNumber(f.maxMoves ?? 500, "--max-moves", 1),
    sample: Boolean(f.sample),
    saveGames: f.saveGames === undefined ? undefined : String(f.saveGames),
    savedir: f.savedir === undefined ? undefined : String(f.savedir),
  };
}

export function runEvaluateCommand(f: EvaluateFlags, progress: (line: string) => void): Promise<string> {
  return evaluateCheckpoint(evaluateOptions(f), progress);
}
