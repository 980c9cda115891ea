// Does training work? Trains a config for a fixed budget, then plays the trained network and the
// untrained one (the same initial weights: the trainer's first draw from the seed) against the
// heuristic and the random opponent, 200 games each (both colours), and prints the scores
// (wins + ½ draws) with 95 % intervals and the difference — all in one run.
//
//   bun bench/learning.ts [--config configs/tiny.yaml] [--minutes 20] [--games 200] [--device cpu]
//
// The training budget is wall-clock: training stops (Ctrl-C semantics: finish the step, write a
// checkpoint) after --minutes, or at the config's total_timesteps, whichever comes first.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createBackend, type DevicePreference } from "../src/compute/device.ts";
import { buildConfig, parseOverride, readConfigFile } from "../src/config/load.ts";
import { runEvaluation } from "../src/evaluation/index.ts";
import { Random } from "../src/util/random.ts";
import { saveCheckpoint } from "../src/models/checkpoint.ts";
import { checkpointLoader } from "../src/evaluation/checkpoint-player.ts";
import { networkOf, train } from "../src/training/trainer.ts";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "configs/tiny.yaml" },
    minutes: { type: "string", default: "20" },
    games: { type: "string", default: "200" },
    device: { type: "string", default: "cpu" },
    override: { type: "string", multiple: true, default: [] },
  },
});
const dir = mkdtempSync(join(tmpdir(), "keisei-learning-"));
const config = buildConfig([
  readConfigFile(values.config!),
  ...values.override!.map(parseOverride),
  {
    name: "bench",
    values: {
      env: { device: values.device },
      logging: { model_dir: dir, run_name: "learning" },
      evaluation: { enable_periodic_evaluation: false },
    },
  },
]);
const t = config.training;
const backend = await createBackend(values.device as DevicePreference);

// The untrained network: the weights the trainer starts from (first draw of the seed).
const untrained = networkOf(backend, t, new Random(config.env.seed).nextU32());
const untrainedPath = join(dir, "untrained.safetensors");
await saveCheckpoint(untrainedPath, untrained);
untrained.destroy();

const minutes = Number(values.minutes);
const signal = { stop: false };
const timer = setTimeout(() => (signal.stop = true), minutes * 60_000);
const t0 = performance.now();
const lines: string[] = [];
const result = await train(config, { backend, signal, view: { update() {}, log: (l) => lines.push(l), close() {} } });
clearTimeout(timer);
const trainSeconds = (performance.now() - t0) / 1000;
console.log(
  `trained ${config.training.model_type} ${t.tower_depth}×${t.tower_width} on ${backend.info.description}: ${result.timestep.toLocaleString("en-US")} steps, ${result.iteration} iterations in ${(trainSeconds / 60).toFixed(1)} min`,
);

const games = Number(values.games);
const loader = checkpointLoader(backend, 64);
const score = async (agent: string, opponent: string) => {
  const { report } = await runEvaluation({
    agent,
    opponents: [opponent],
    games,
    seed: 7,
    maxMoves: config.evaluation.max_moves_per_game,
    concurrency: 64,
    loader: loader.load,
    format: "text",
  });
  const s = report.matches[0].summary;
  return s;
};
const rows: [string, string][] = [
  ["trained", result.lastCheckpoint!],
  ["untrained", untrainedPath],
];
const scores: Record<
  string,
  Record<string, { score: number; lo: number; hi: number; wins: number; draws: number; losses: number }>
> = {};
for (const [name, path] of rows) {
  scores[name] = {};
  for (const opp of ["heuristic", "random"]) {
    const s = await score(path, opp);
    scores[name][opp] = {
      score: s.score,
      lo: s.scoreInterval[0],
      hi: s.scoreInterval[1],
      wins: s.wins,
      draws: s.draws,
      losses: s.losses,
    };
    const colour = (t: { wins: number; draws: number; losses: number }) => `${t.wins}/${t.draws}/${t.losses}`;
    const ends = Object.entries(s.terminations)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    console.log(
      `${name.padEnd(9)} vs ${opp.padEnd(9)} ${games} games: ${s.wins} W ${s.draws} D ${s.losses} L  score ${(100 * s.score).toFixed(1)}% [${(100 * s.scoreInterval[0]).toFixed(1)}, ${(100 * s.scoreInterval[1]).toFixed(1)}]  win rate ${((100 * s.wins) / games).toFixed(1)}%`,
    );
    console.log(
      `${"".padEnd(22)} W/D/L as Black ${colour(s.byColor.black)}, as White ${colour(s.byColor.white)}; mean length ${s.length.mean.toFixed(0)} plies; ends: ${ends}`,
    );
  }
}
const diff = 100 * (scores.trained.heuristic.score - scores.untrained.heuristic.score);
console.log(
  `\nscore vs heuristic: trained − untrained = ${diff >= 0 ? "+" : ""}${diff.toFixed(1)} points (target ≥ +20: ${diff >= 20 ? "met" : "NOT met"})`,
);
loader.destroy();
backend.destroy();
process.exit(0);
