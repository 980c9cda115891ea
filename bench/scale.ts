// Scale-out on this machine: `keisei train` with 0 (one process: plays, then learns), 1, 2, …
// actor processes (they play while the learner updates), on the tiny config and on a 2×32 tower
// with the dense policy head, in one run. Prints per run the whole-run steps/s (plies trained per
// second of wall time, after the first iterations: actors starting and the first weights), the
// self-play steps/s (the single process: its self-play alone; with actors: theirs, summed), the
// policy lag the learner trained at and the share of plies dropped as stale — and whole-run steps/s
// as a multiple of the single process's (the anchor, same run); and the most overlapping can gain,
// (self-play + update) / update of the single process's iterations.
//
//   bun bench/scale.ts [--actors 0,1,2] [--iterations 14] [--configs tiny,dense2x32] [--plain]
//                      [--inference local,served] [--device cpu|webgpu]
//
// --plain: parallel.decoupled_ppo=false (ratios against the actors' policy: no extra forward pass).
// --inference: each actor count once per mode listed — local (each actor evaluates on its own CPU
// backend) and/or served (one inference server on --device evaluates every actor's positions; the
// row shows the mean rows per forward pass). --device: the learner's (and the server's) backend.

import { availableParallelism } from "node:os";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const cores = availableParallelism();
const { values } = parseArgs({
  options: {
    actors: { type: "string", default: Array.from({ length: cores + 1 }, (_, i) => i).join(",") },
    iterations: { type: "string", default: "14" },
    configs: { type: "string", default: "tiny,dense2x32" },
    plain: { type: "boolean", default: false },
    inference: { type: "string", default: "local" },
    device: { type: "string", default: "cpu" },
  },
});
const ROOT = resolve(import.meta.dir, "..");
const ITERATIONS = Number(values.iterations);
const SKIP = 3; // iterations left out of the figures: process start, actors' first segments

const CONFIGS: Record<string, string[]> = {
  tiny: ["--config", "tiny"],
  dense2x32: [
    "--config",
    "tiny",
    "--override",
    "training.tower_depth=2",
    "--override",
    "training.tower_width=32",
    "--override",
    "training.policy_head=dense",
  ],
};

interface Figures {
  /** The single process's (self-play + update) / update per iteration: what overlapping them can gain at most. */
  bound: number;
  wholeSps: number;
  selfplaySps: number;
  lag: number;
  dropped: number;
  /** Served inference: mean rows per forward pass of the server over the measured iterations (NaN otherwise). */
  rowsPerForward: number;
}

function runOnce(name: string, actors: number, inference: string): Figures {
  const dir = mkdtempSync(join(tmpdir(), "keisei-scale-"));
  try {
    const steps = 1024; // tiny's steps_per_epoch
    const r = Bun.spawnSync(
      [
        process.execPath,
        join(ROOT, "src/cli.ts"),
        "train",
        ...CONFIGS[name],
        "--device",
        values.device,
        "--savedir",
        dir,
        "--run-name",
        "scale",
        "--actors",
        String(actors),
        "--total-timesteps",
        String(steps * ITERATIONS),
        "--override",
        "evaluation.enable_periodic_evaluation=false",
        "--override",
        `training.checkpoint_interval_timesteps=${steps * ITERATIONS * 10}`,
        "--override",
        `parallel.decoupled_ppo=${!values.plain}`,
        "--override",
        `parallel.inference=${actors > 0 ? inference : "local"}`,
      ],
      {
        env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? "/tmp" },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    if (r.exitCode !== 0) throw new Error(`${name} with ${actors} actors failed:\n${r.stderr.toString().slice(-2000)}`);
    const records = readFileSync(join(dir, "scale", "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const from = records[SKIP - 1];
    const to = records[records.length - 1];
    const measured = records.slice(SKIP);
    const mean = (k: string) => measured.reduce((s, x) => s + (x[k] ?? 0), 0) / measured.length;
    /** The mean of the records that carry `k` (a NaN is written as null: not reported yet). */
    const reported = (k: string) => {
      const xs = measured.map((x) => x[k]).filter((v) => typeof v === "number");
      return xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : Number.NaN;
    };
    const dropped = to["parallel/dropped_steps_total"] ?? 0;
    return {
      rowsPerForward: actors > 0 && inference === "served" ? reported("parallel/inference_batch") : Number.NaN,
      bound: (mean("time/selfplay_s") + mean("time/update_s")) / mean("time/update_s"),
      wholeSps: (to.timestep - from.timestep) / (to["time/wall_s"] - from["time/wall_s"]),
      selfplaySps: mean("charts/selfplay_SPS"),
      lag: actors > 0 ? mean("parallel/policy_lag_mean") : 0,
      dropped: dropped / (to.timestep + dropped),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const counts = values.actors.split(",").map(Number);
const modes = values.inference.split(",");
for (const m of modes) if (m !== "local" && m !== "served") throw new Error(`--inference ${m}: local or served`);
console.log(
  `scale-out on ${cores} cores, learner on ${values.device}: ${ITERATIONS} iterations of 1024 plies per run, the first ${SKIP} not counted`,
);
console.log("config      actors  inference  whole-run steps/s  ×single  self-play steps/s  lag  dropped  rows/forward");
const bounds: string[] = [];
for (const name of values.configs.split(",")) {
  let anchor = Number.NaN;
  for (const n of counts) {
    for (const mode of n === 0 ? ["-"] : modes) {
      const f = runOnce(name, n, mode);
      if (n === 0) {
        anchor = f.wholeSps;
        bounds.push(`${name} ${f.bound.toFixed(2)}×`);
      }
      console.log(
        `${name.padEnd(11)} ${String(n).padStart(6)} ${mode.padStart(10)} ${f.wholeSps.toFixed(0).padStart(18)} ${(f.wholeSps / anchor).toFixed(2).padStart(8)} ${f.selfplaySps.toFixed(0).padStart(18)} ${f.lag.toFixed(2).padStart(4)} ${(100 * f.dropped).toFixed(1).padStart(7)}% ${Number.isNaN(f.rowsPerForward) ? "" : f.rowsPerForward.toFixed(1).padStart(12)}`,
      );
    }
  }
}
console.log(
  `overlap bound (the single process's (self-play + update) / update: the most actors can gain while the update runs in one process): ${bounds.join(", ")}`,
);
