// `keisei evaluate`'s work, once its flags are parsed (src/cli/evaluate.ts): a checkpoint against
// opponents (random, heuristic, itself, other checkpoints) with a strategy, a report (text, JSON,
// Markdown), games saved as KIF and CSA, and Elo ratings when a models directory is given.

import { createBackend, type DevicePreference } from "../compute/device.ts";
import { checkpointLoader } from "./checkpoint-player.ts";
import { EloRegistry } from "./elo.ts";
import { runEvaluation } from "./evaluate.ts";
import type { ReportFormat } from "./report.ts";
import type { StrategyName } from "./strategies.ts";

export interface EvaluateCheckpointOptions {
  agent: string;
  opponents: string[];
  games: number;
  strategy: StrategyName;
  seed: number;
  format: ReportFormat;
  maxMoves: number;
  device: DevicePreference;
  /** Checkpoints sample from their policy instead of playing their most probable move. */
  sample: boolean;
  /** Directory for KIF, CSA and the report. */
  saveGames?: string;
  /** Models directory whose Elo registry rates the games (the ladder needs one). */
  savedir?: string;
}

/** Plays the evaluation and returns the rendered report. */
export async function evaluateCheckpoint(
  o: EvaluateCheckpointOptions,
  progress: (line: string) => void,
): Promise<string> {
  const backend = await createBackend(o.device);
  const concurrency = Math.min(o.games, 64);
  const loader = checkpointLoader(backend, concurrency);
  const registry = o.savedir ? EloRegistry.open(o.savedir) : undefined;
  try {
    const { rendered } = await runEvaluation({
      agent: o.agent,
      opponents: o.opponents,
      strategy: o.strategy,
      games: o.games,
      seed: o.seed,
      maxMoves: o.maxMoves,
      concurrency,
      deterministic: !o.sample,
      loader: loader.load,
      registry,
      outDir: o.saveGames,
      format: o.format,
      onProgress: (p) => progress(`game ${p.finished}/${p.total}`),
    });
    return rendered;
  } finally {
    registry?.close();
    loader.destroy();
    backend.destroy();
  }
}
