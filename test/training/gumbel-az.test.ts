// training.algorithm gumbel_az through the trainer: search self-play fills the replay, the learner
// trains from it, checkpoints carry the replay, and a run stopped anywhere — between iterations or
// inside one — resumes to exactly the uninterrupted run's losses.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { listCheckpoints } from "../../src/training/checkpoints.ts";
import { train } from "../../src/training/trainer.ts";

function azConfig(dir: string, run_name: string, total_timesteps: number): Config {
  return buildConfig([
    {
      name: "test",
      values: {
        env: { device: "cpu", seed: 9, max_moves_per_game: 12 },
        training: {
          algorithm: "gumbel_az",
          tower_depth: 1,
          tower_width: 8,
          num_envs: 8,
          steps_per_epoch: 64,
          minibatch_size: 32,
          total_timesteps,
          checkpoint_interval_timesteps: 128,
          gumbel_simulations: 4,
          gumbel_considered_actions: 4,
          replay_ratio: 1,
          replay_min_positions: 64,
          start_random_plies: 2,
        },
        logging: { model_dir: dir, run_name },
        display: { log_layer_keyword_filters: [] },
      },
    },
  ]);
}

const quiet = { update() {}, log() {}, close() {} };
const records = (runDir: string) =>
  readFileSync(join(runDir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, number | null>);

describe("gumbel_az", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-az-"));
  let straight: Record<string, number | null>[] = [];

  test("a run: search figures, replay figures and AZ losses in every record; checkpoints carry the replay", async () => {
    const r = await train(azConfig(dir, "straight", 384), { view: quiet });
    expect(r.timestep).toBe(384);
    straight = records(r.runDir);
    expect(straight.map((x) => x.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    // A game's positions enter the replay when it ends (its outcome known): 8 games of at most 12 plies,
    // 8 plies each an iteration. Training starts once it holds 64; then replay_ratio 1: a sample per position.
    const positions = straight.map((x) => x["replay/positions"]!);
    expect(positions.at(-1)).toBeGreaterThanOrEqual(300); // ≥ 384 plies less the games still in progress
    const updates = straight.map((x) => x["losses/minibatch_updates"]!);
    expect(updates.reduce((a, b) => a + b, 0)).toBe(Math.floor(positions.at(-1)! / 32));
    for (const [k, x] of straight.entries()) {
      if (positions[k] < 64) continue;
      expect(x["losses/policy_loss"]).toBeGreaterThan(0);
      expect(x["search/simulations_per_second"]).toBeGreaterThan(0);
      expect(x["search/root_visit_entropy"]).toBeGreaterThan(0);
    }
    const ck = listCheckpoints(r.runDir);
    expect(ck.map((c) => c.timestep)).toEqual([384, 256, 128]);
    for (const c of ck) expect(existsSync(c.replay!)).toBe(true);
  }, 120_000);

  test("resumed from a checkpoint, the run is the uninterrupted one", async () => {
    await train(azConfig(dir, "split", 128), { view: quiet });
    const r = await train(azConfig(dir, "split", 384), { resume: "latest", view: quiet });
    const got = records(r.runDir);
    for (const key of ["losses/policy_loss", "losses/value_loss", "charts/episodes", "replay/positions"])
      expect(got.map((x) => x[key])).toEqual(straight.map((x) => x[key]));
  }, 120_000);

  test("stopped inside an iteration, the stop checkpoint resumes inside it, exactly", async () => {
    const signal = { stop: false };
    let plies = 0;
    const first = await train(azConfig(dir, "inside", 384), {
      signal,
      view: {
        ...quiet,
        update(f) {
          plies = f.timestep;
          if (plies >= 160) signal.stop = true; // 2.5 iterations in
        },
      },
    });
    expect(first.stoppedEarly).toBe(true);
    const stopCheckpoint = listCheckpoints(first.runDir)[0];
    expect(stopCheckpoint.timestep % 64).not.toBe(0); // inside an iteration
    const state = JSON.parse(readFileSync(stopCheckpoint.json, "utf8"));
    expect(state.partialSteps).toBe(stopCheckpoint.timestep - 128);
    const r = await train(azConfig(dir, "inside", 384), { resume: "latest", view: quiet });
    expect(r.timestep).toBe(384);
    const got = records(r.runDir);
    expect(got.map((x) => x.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const key of ["losses/policy_loss", "losses/value_loss", "charts/episodes"])
      expect(got.map((x) => x[key])).toEqual(straight.map((x) => x[key]));
  }, 120_000);

  test("stopped during an update, the update is abandoned and the resumed run is still the uninterrupted one", async () => {
    const signal = { stop: false };
    let updates = 0;
    const first = await train(azConfig(dir, "update", 384), {
      signal,
      view: {
        ...quiet,
        update(f) {
          if (f.activity?.startsWith("AZ update")) updates++;
          if (updates === 3) signal.stop = true; // inside the second update that trains
        },
      },
    });
    expect(first.stoppedEarly).toBe(true);
    const r = await train(azConfig(dir, "update", 384), { resume: "latest", view: quiet });
    const got = records(r.runDir);
    expect(got.map((x) => x.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const key of ["losses/policy_loss", "losses/value_loss", "charts/episodes"])
      expect(got.map((x) => x[key])).toEqual(straight.map((x) => x[key]));
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

test("every recipe in configs/recipes/ merges over tiny and over default into a config the trainer accepts", async () => {
  const { readdirSync } = await import("node:fs");
  const { readConfigFile } = await import("../../src/config/load.ts");
  const { checkTrainingConfig } = await import("../../src/training/run.ts");
  const recipes = readdirSync("configs/recipes").filter((f) => f.endsWith(".yaml"));
  expect(recipes.sort()).toEqual([
    "attacks.yaml",
    "gumbel-az.yaml",
    "material-shaping.yaml",
    "no-declaration.yaml",
    "pool-mate.yaml",
    "tower-4x64.yaml",
  ]);
  for (const base of ["tiny", "default"])
    for (const f of recipes)
      expect(() =>
        checkTrainingConfig(buildConfig([readConfigFile(base), readConfigFile(`configs/recipes/${f}`)])),
      ).not.toThrow();
});
