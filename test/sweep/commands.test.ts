// The command entry points end to end with the stand-in trainer: `keisei train --sweep`, then
// `sweep status | best | export`, `sweep create` + `sweep agent`, and where the database goes.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig, readConfigFile } from "../../src/config/load.ts";
import {
  type SweepIO,
  storageUrl,
  sweepAgent,
  sweepBest,
  sweepCreate,
  sweepExport,
  sweepStatus,
  trainSweep,
  trialBase,
} from "../../src/sweep/commands.ts";

const tmp = mkdtempSync(join(tmpdir(), "keisei-sweep-cmd-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const program = [process.execPath, join(import.meta.dir, "fixtures", "fake-train.ts")];
const tuning = { heartbeatMs: 100, graceMs: 5000, pollMs: 25, idleMs: 100, stopGraceMs: 3000 };

function capture(): SweepIO & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    outText: () => out.join("\n"),
    errText: () => err.join("\n"),
  };
}
const file = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

const SWEEP = `name: lr
method: bayes
metric: {name: eval/win_rate, goal: maximize}
run_cap: 6
tpe: {n_startup_trials: 3}
program: train.py
parameters:
  training:
    parameters:
      learning_rate: {distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-2}
  training.gamma: {min: 0.9, max: 0.999}
`;

describe("keisei train --sweep, then sweep status / best / export", () => {
  const savedir = join(tmp, "models");
  const sweep = file("lr.yaml", SWEEP);
  const base = file("base.yaml", "training:\n  steps_per_epoch: 256\n  total_timesteps: 5000\n");

  test("runs the study to run_cap in <savedir>/sweeps.sqlite", async () => {
    const io = capture();
    const code = await trainSweep({
      sweep,
      savedir,
      config: [base],
      override: ["env.seed=5"],
      program,
      tuning,
      io,
      worker: "me",
      env: { FAKE_TRAIN_ITERS: "3" },
    });
    expect(code).toBe(0);
    expect(existsSync(join(savedir, "sweeps.sqlite"))).toBe(true);
    expect(io.errText()).toMatch(/sweep\.yaml|lr\.yaml: program: ignored/);
    expect(io.errText()).toMatch(/created study lr \(bayes, maximize eval\/win_rate\)/);
    expect(io.errText()).toMatch(/agent stopped: run_cap 6 reached \(6 trials: 6 complete/);
    // Each trial ran with the base config and its own parameters.
    const eff = buildConfig([readConfigFile(join(savedir, "lr-trial-0", "effective_config.yaml"))]);
    expect(eff.training.steps_per_epoch).toBe(256);
    expect(eff.env.seed).toBe(5);
  }, 60_000);

  test("a second run joins the study (and stops: run_cap reached); a changed search is refused", async () => {
    const io = capture();
    expect(await trainSweep({ sweep, savedir, config: [base], override: ["env.seed=5"], program, tuning, io })).toBe(0);
    expect(io.errText()).toMatch(/joined study lr in .* \(6 trials so far\)/);
    expect(io.errText()).toMatch(/run_cap 6 reached \(0 trials/);
    const changed = file("lr2.yaml", SWEEP.replace("max: 0.999", "max: 0.99"));
    await expect(trainSweep({ sweep: changed, savedir, program, tuning, io: capture() })).rejects.toThrow(
      /study "lr" already exists with a different search/,
    );
  }, 30_000);

  test("status: a row per trial, totals and the best trial", async () => {
    const io = capture();
    const text = await sweepStatus({ savedir, io });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("study lr: bayes, maximize eval/win_rate, run_cap 6");
    expect(lines[1]).toMatch(/^#\s+state\s+eval\/win_rate\s+steps\s+try\s+worker\s+params\s+message$/);
    expect(
      lines
        .slice(2, 8)
        .every((l) =>
          /^\d\s+complete\s+0\.\d+\s+3\s+1\s+me\s+training\.learning_rate=\S+ training\.gamma=\S+$/.test(l),
        ),
    ).toBe(true);
    expect(lines[8]).toBe("6 trials (6 toward run_cap): 6 complete");
    expect(lines[9]).toMatch(/^best: trial \d, eval\/win_rate = 0\.\d+: training\.learning_rate=/);
    expect(io.outText()).toBe(text);
  });

  test("best: a config YAML that re-runs the best trial with keisei train --config", async () => {
    const yaml = await sweepBest({ savedir, io: capture() });
    expect(yaml.split("\n")[0]).toMatch(/^# Best trial of sweep lr: trial \d, eval\/win_rate = 0\.\d+$/);
    const config = buildConfig([readConfigFile(file("best.yaml", yaml))]);
    const status = await sweepStatus({ savedir, io: capture() });
    const bestNumber = Number(/best: trial (\d)/.exec(status)?.[1]);
    const effective = buildConfig([readConfigFile(join(savedir, `lr-trial-${bestNumber}`, "effective_config.yaml"))]);
    expect(config.training.learning_rate).toBe(effective.training.learning_rate);
    expect(config.training.gamma).toBe(effective.training.gamma);
    expect(config.training.steps_per_epoch).toBe(256); // the base came along
    expect(config.env.seed).toBe(5);
  });

  test("export: CSV with one row per trial and an Optuna journal", async () => {
    const out = join(tmp, "export");
    const { csv, journal } = await sweepExport({ savedir, out, io: capture() });
    expect(csv).toBe(join(out, "lr.csv"));
    const rows = readFileSync(csv, "utf8").trimEnd().split("\n");
    expect(rows.length).toBe(7);
    expect(rows[0].startsWith("number,state,eval/win_rate,training.learning_rate,training.gamma,")).toBe(true);
    const ops = readFileSync(journal, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ops[0]).toMatchObject({ op_code: 0, study_name: "lr", directions: [2] });
    expect(ops.filter((o) => o.op_code === 4).length).toBe(6);
    expect(ops.filter((o) => o.op_code === 6 && o.state === 1).length).toBe(6);
  });
});

describe("sweep create + sweep agent", () => {
  test("create registers the study (grid points queued); agents join it by name or as the only study", async () => {
    const storage = join(tmp, "shared", "studies.sqlite");
    const sweep = file(
      "grid.yaml",
      "name: g\nmethod: grid\nmetric: {name: losses/policy_loss}\nparameters:\n  training.gamma: {values: [0.9, 0.99]}\n",
    );
    const io = capture();
    const study = await sweepCreate({ sweep, storage, io });
    expect(study.name).toBe("g");
    expect(io.outText()).toBe("g");
    expect(io.errText()).toMatch(/2 grid points queued/);
    expect(io.errText()).toMatch(/run agents with: keisei sweep agent g --storage .*studies\.sqlite/);
    const env = { FAKE_TRAIN_ITERS: "2" };
    expect(await sweepAgent({ storage, study: "g", count: 1, program, tuning, env, io: capture() })).toBe(0);
    expect(await sweepAgent({ storage, program, tuning, env, io: capture() })).toBe(0);
    const status = await sweepStatus({ storage, study: "g", io: capture() });
    expect(status).toMatch(/2 trials \(2 toward run_cap\): 2 complete/);
    expect(status).toMatch(/best: trial \d, losses\/policy_loss = /); // minimised
    await expect(sweepStatus({ storage, study: "nope", io: capture() })).rejects.toThrow(
      /no study "nope" \(studies: g\)/,
    );
  }, 30_000);
});

describe("flags", () => {
  test("the database: --storage, else <--savedir or logging.model_dir>/sweeps.sqlite", () => {
    expect(storageUrl({ storage: "postgres://u@h/db", savedir: "x" })).toBe("postgres://u@h/db");
    expect(storageUrl({ savedir: "runs" })).toBe(join("runs", "sweeps.sqlite"));
    const cfg = file("dir.yaml", "logging:\n  model_dir: elsewhere/\n");
    expect(storageUrl({ config: [cfg] })).toBe(join("elsewhere", "sweeps.sqlite"));
    expect(storageUrl({})).toBe(join("models", "sweeps.sqlite"));
  });

  test("the trial base: merged config values, model dir, and no flags the sweep sets itself", () => {
    const cfg = file("b2.yaml", "training:\n  gamma: 0.9\n");
    expect(
      trialBase({ config: [cfg], override: ["training.gamma=0.95", "env.seed=3"], args: ["--device", "cpu"] }),
    ).toEqual({
      config: { training: { gamma: 0.95 }, env: { seed: 3 } },
      args: ["--device", "cpu"],
      modelDir: "models/",
    });
    expect(() => trialBase({ args: ["--run-name", "x"] })).toThrow(/--run-name is set by the sweep for each trial/);
    expect(() => trialBase({ override: ["training.gamma=7"] })).toThrow(/training\.gamma/);
  });
});
