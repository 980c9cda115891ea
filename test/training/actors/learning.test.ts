// The learner learns from actors' data alone: the mate-in-one task of test/rl/ (five positions,
// one-ply games: mate +1, anything else a move-limit draw, 0) trained by `train()` twice with the
// same config — once as one process, once with an actor process playing every game and the learner
// only updating (policy lag 1: decoupled PPO, rl/ppo.ts) — and both must raise P(mating move) past
// the same threshold (0.3; both start near 0.03). Measured after 45 iterations (one CPU thread):
// single process 0.992; one actor 0.42–0.996 over 12 runs (which version played each rollout
// depends on timing; the test prints the mean policy lag and the share of truncated importance
// weights). At 30 iterations one actor fell short in 3 of 11 runs (0.038, 0.184, 0.293), hence 45. A third
// run plays through an inference server (parallel.inference: served).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../../src/compute/device.ts";
import { buildConfig } from "../../../src/config/load.ts";
import { loadCheckpoint } from "../../../src/models/checkpoint.ts";
import { train } from "../../../src/training/trainer.ts";
import { fillBatch, MATE_IN_ONE, mateProbability, spots } from "../../rl/mate-in-one.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-actors-learn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ITERATIONS = 45;

function mateConfig(name: string, actors: number, inference: "local" | "served" = "local") {
  return buildConfig([
    {
      name: "mate-in-one",
      values: {
        env: { device: "cpu", seed: 3, max_moves_per_game: 1, start_positions: MATE_IN_ONE },
        training: {
          model_type: "resnet",
          tower_depth: 1,
          tower_width: 16,
          se_ratio: 0.25,
          policy_head: "dense",
          num_envs: 60,
          steps_per_epoch: 60,
          total_timesteps: 60 * ITERATIONS,
          ppo_epochs: 4,
          minibatch_size: 30,
          learning_rate: 2e-3,
          entropy_coef: 0,
          gradient_clip_max_norm: 0.5,
          selfplay_mate_ply: 0,
          material_shaping: 0,
          start_random_plies: 0,
          checkpoint_interval_timesteps: 60 * ITERATIONS,
        },
        evaluation: { enable_periodic_evaluation: false },
        logging: { model_dir: dir, run_name: name },
        display: { log_layer_keyword_filters: [] },
        parallel: { actors, max_policy_lag: 2, inference },
      },
    },
  ]);
}

async function mateAfter(name: string, actors: number, inference: "local" | "served" = "local") {
  const r = await train(mateConfig(name, actors, inference));
  expect(r.stoppedEarly).toBe(false);
  const backend = await createBackend("cpu");
  const s = spots();
  const { net } = loadCheckpoint(backend, join(r.runDir, "final_model.safetensors"));
  await net.prepare();
  const p = await mateProbability(net, s, fillBatch(s));
  net.destroy();
  backend.destroy();
  const records = readFileSync(join(r.runDir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  return { p, records };
}

describe("the learner learns from actors' games alone", () => {
  test("mate in one: a learner fed by an actor process reaches the single process's threshold", async () => {
    const single = await mateAfter("single", 0);
    const actors = await mateAfter("actors", 1);
    const mean = (key: string) => actors.records.reduce((a, r) => a + (r[key] ?? 0), 0) / actors.records.length;
    console.log(
      `P(mating move) after ${ITERATIONS} iterations: single process ${single.p.toFixed(3)}, actors ${actors.p.toFixed(3)}` +
        ` (policy lag ${mean("parallel/policy_lag_mean").toFixed(2)}, truncated IS weights ${mean("parallel/is_weight_truncated").toFixed(3)})`,
    );
    for (const p of [single.p, actors.p]) expect(p).toBeGreaterThan(0.3);
    // Every iteration of the actors' run trained on their rollouts: policy lag within the bound, nothing damaged.
    expect(actors.records.length).toBe(ITERATIONS);
    for (const r of actors.records) {
      expect(r["parallel/rollouts"]).toBeGreaterThanOrEqual(1);
      expect(r["parallel/policy_lag_max"]).toBeLessThanOrEqual(2);
      expect(r["parallel/bad_rollouts_total"]).toBe(0);
    }
    expect(single.records[0]["parallel/rollouts"]).toBeUndefined();
  }, 240_000);

  test("mate in one: an actor whose positions an inference server evaluates reaches the same threshold", async () => {
    const served = await mateAfter("served", 1, "served");
    console.log(`P(mating move) after ${ITERATIONS} iterations, served inference: ${served.p.toFixed(3)}`);
    expect(served.p).toBeGreaterThan(0.3);
    expect(served.records.length).toBe(ITERATIONS);
    for (const r of served.records) expect(r["parallel/policy_lag_max"]).toBeLessThanOrEqual(2);
  }, 240_000);
});
