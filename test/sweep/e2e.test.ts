// A whole sweep from the command line with real `keisei train` trials: hyperband prunes, `status`
// shows it, `best` prints a config that re-runs the best trial's parameters.
//
// The metric is `charts/learning_rate` (minimised) so that which trial is best, and which are
// pruned, is known in advance: it is a real metric of the real trainer, and it depends only on the
// swept parameter.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = join(import.meta.dir, "../../src/cli.ts");
function keisei(args: string[], cwd: string) {
  const r = Bun.spawnSync([process.execPath, cli, ...args], { cwd, env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("keisei train --sweep: trials run, hyperband prunes, best reproduces the best trial", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-sweep-e2e-"));
  // 12 rollouts a trial: a trial must outlast several of the agent's 1 s metric polls, or it ends
  // before hyperband can prune it (at 3 rollouts, on an idle machine, every trial completed).
  writeFileSync(
    join(dir, "base.yaml"),
    [
      "env: {device: cpu, max_moves_per_game: 40}",
      "training: {total_timesteps: 3072, steps_per_epoch: 256, num_envs: 16, minibatch_size: 128, ppo_epochs: 1, tower_depth: 1, tower_width: 8, checkpoint_interval_timesteps: 256}",
      "evaluation: {enable_periodic_evaluation: false}",
      "display: {log_layer_keyword_filters: []}",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "sweep.yaml"),
    [
      "name: lr-e2e",
      "method: grid",
      "metric: {name: charts/learning_rate, goal: minimize}",
      "parameters:",
      "  training.learning_rate: {values: [0.0001, 0.0003, 0.001]}",
      "  training.entropy_coef: {value: 0.02}",
      "early_terminate: {type: hyperband, min_iter: 1, eta: 2}",
    ].join("\n"),
  );
  const models = join(dir, "models");
  const run = keisei(
    ["train", "--sweep", "sweep.yaml", "--config", "base.yaml", "--savedir", models, "--count", "3"],
    dir,
  );
  expect(run.code).toBe(0);

  const status = keisei(["sweep", "status", "--savedir", models], dir);
  expect(status.code).toBe(0);
  expect(status.out).toMatch(/complete/);
  expect((status.out.match(/pruned/g) ?? []).length).toBeGreaterThanOrEqual(1);

  // Every trial's run really used its parameters (the reference's sweep never applied one).
  const trialRuns = readdirSync(models).filter((d) => d.includes("trial"));
  expect(trialRuns.length).toBe(3);
  const lrs = trialRuns
    .map((d) =>
      Number(/learning_rate: ([\d.e-]+)/.exec(readFileSync(join(models, d, "effective_config.yaml"), "utf8"))![1]),
    )
    .sort();
  expect(lrs).toEqual([0.0001, 0.0003, 0.001]);
  for (const d of trialRuns)
    expect(readFileSync(join(models, d, "effective_config.yaml"), "utf8")).toContain("entropy_coef: 0.02");

  const best = keisei(["sweep", "best", "--savedir", models], dir);
  expect(best.code).toBe(0);
  writeFileSync(join(dir, "best.yaml"), best.out);
  const again = keisei(
    [
      "train",
      "--config",
      "best.yaml",
      "--savedir",
      join(dir, "again"),
      "--run-name",
      "best",
      "--total-timesteps",
      "256",
    ],
    dir,
  );
  expect(again.code).toBe(0);
  const effective = readFileSync(join(dir, "again", "best", "effective_config.yaml"), "utf8");
  expect(effective).toMatch(/learning_rate: 0\.0001\b/);
  expect(effective).toContain("entropy_coef: 0.02");
  expect(effective).toContain("tower_width: 8"); // the base config came along

  const exported = keisei(["sweep", "export", "--savedir", models, "--out", dir], dir);
  expect(exported.code).toBe(0);
  expect(readFileSync(join(dir, "lr-e2e.csv"), "utf8").trim().split("\n").length).toBe(4); // header + 3 trials
}, 240_000);
