// `keisei evaluate`'s work, once its flags are parsed (src/cli/evaluate.ts): a checkpoint against
// opponents (random, heuristic, itself, other checkpoints, USI engines) with a strategy, from the
// standard start or from openings, a report (text, JSON, Markdown), games saved as KIF and CSA, and
// Elo ratings when a models directory is given.

import { createBackend, type DevicePreference } from "../compute/device.ts";
import { checkpointLoader } from "./checkpoint-player.ts";
import { EloRegistry } from "./elo.ts";
import { runEvaluation, runLadderEvaluation } from "./evaluate.ts";
import type { ReportFormat } from "./report.ts";
import type { StrategyName } from "./strategies.ts";
import { loadOpenings } from "./openings.ts";
import { isUsiSpec, parseUsiSpec } from "./usi-player.ts";
import type { SearchOptions } from "./search-player.ts";
import { join } from "node:path";
import type { LadderSettings } from "./strength-ladder.ts";

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
  /** Start positions: `random:N[:SEED]` or a file of positions (openings.ts). */
  openings?: string;
  /** The agent plays by PUCT search with these settings (search-player.ts). */
  agentSearch?: SearchOptions;
  /** Play the fixed strength ladder (strength-ladder.ts) instead of `opponents`. */
  ladder?: LadderSettings;
}

/** Plays the evaluation and returns the rendered report. */
export async function evaluateCheckpoint(
  o: EvaluateCheckpointOptions,
  progress: (line: string) => void,
): Promise<string> {
  const startSfens = o.openings ? loadOpenings(o.openings, { pairs: Math.ceil(o.games / 2), seed: o.seed }) : undefined;
  const backend = await createBackend(o.device);
  // A USI engine plays at most 2 × parallel games at once (usi-player.ts): a checkpoint's fixed
  // batch is sized to what the matches will use, not padded from a few rows to 64.
  const engineCaps = o.opponents.filter(isUsiSpec).map((s) => 2 * parseUsiSpec(s).parallel);
  const concurrency = Math.min(o.games, 64, ...engineCaps);
  const loader = checkpointLoader(backend, concurrency);
  if (o.ladder) {
    try {
      const { rendered } = await runLadderEvaluation({
        agent: o.agent,
        seed: o.seed,
        concurrency,
        deterministic: !o.sample,
        agentSearch: o.agentSearch,
        loader: loader.load,
        ladder: o.ladder,
        // Calibration between rungs is played once per models directory and reused.
        cacheFile: o.savedir ? join(o.savedir, "ladder-calibration.json") : undefined,
        format: o.format,
        say: progress,
        onProgress: (p) => progress(`game ${p.finished}/${p.total}`),
      });
      return rendered;
    } finally {
      loader.destroy();
      backend.destroy();
    }
  }
  const registry = o.savedir ? EloRegistry.open(o.savedir) : undefined;
  try {
    const { rendered } = await runEvaluation({
      agent: o.agent,
      opponents: o.opponents,
      strategy: o.strategy,
      games: o.games,
      seed: o.seed,
      maxMoves: o.maxMoves,
      startSfens,
      concurrency,
      deterministic: !o.sample,
      agentSearch: o.agentSearch,
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
