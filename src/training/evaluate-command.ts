// `keisei evaluate`: a checkpoint against opponents (random, heuristic, itself, other checkpoints)
// with a strategy, a report (text, JSON, Markdown), games saved as KIF and CSA, and Elo ratings
// when a models directory is given.

import { createBackend, type DevicePreference } from "../compute/device.ts";
import { EloRegistry, type ReportFormat, runEvaluation, type StrategyName, STRATEGIES } from "../evaluation/index.ts";
import { checkpointLoader } from "./policy-loader.ts";

export interface EvaluateCommandOptions {
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

export class EvaluateCommandError extends Error {
  override name = "EvaluateCommandError";
}

function whole(v: unknown, flag: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new EvaluateCommandError(`--${flag} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
}

export async function runEvaluateCommand(o: EvaluateCommandOptions, progress: (line: string) => void): Promise<string> {
  if (!o.agent) throw new EvaluateCommandError("--agent CHECKPOINT is required");
  const strategy = (o.strategy ?? "single") as StrategyName;
  if (!STRATEGIES.includes(strategy)) throw new EvaluateCommandError(`--strategy must be one of ${STRATEGIES.join(", ")}, got "${o.strategy}"`);
  const format = (o.format ?? "text") as ReportFormat;
  if (!["text", "json", "md"].includes(format)) throw new EvaluateCommandError(`--format must be text, json or md, got "${o.format}"`);
  const device = (o.device ?? "auto") as DevicePreference;
  if (!["auto", "webgpu", "cpu"].includes(device)) throw new EvaluateCommandError(`--device must be auto, webgpu or cpu, got "${o.device}"`);
  const games = whole(o.games ?? 20, "games", 1);
  const seed = whole(o.seed ?? 0, "seed", 0);
  const maxMoves = whole(o.maxMoves ?? 500, "max-moves", 1);
  const opponents = (o.opponent === undefined ? ["random"] : Array.isArray(o.opponent) ? o.opponent : [o.opponent]).flatMap((s) => String(s).split(",")).filter(Boolean);
  if (strategy === "ladder" && !o.savedir) throw new EvaluateCommandError("--strategy ladder needs --savedir DIR (the models directory whose Elo registry it climbs)");

  const backend = await createBackend(device);
  const concurrency = Math.min(games, 64);
  const loader = checkpointLoader(backend, concurrency);
  const registry = o.savedir ? EloRegistry.open(o.savedir) : undefined;
  try {
    const { rendered } = await runEvaluation({
      agent: String(o.agent), opponents, strategy, games, seed, maxMoves, concurrency, deterministic: !o.sample,
      loader: loader.load, registry, outDir: o.saveGames, format,
      onProgress: (p) => progress(`game ${p.finished}/${p.total}`),
    });
    return rendered;
  } finally {
    registry?.close();
    loader.destroy();
    backend.destroy();
  }
}
