// One agent running real trainer subprocesses (test/sweep/fixtures/fake-train.ts): pruning by
// SIGINT, crashes, a missing metric, a parameter that never reached the config, interruption,
// metric.target and --count.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentOptions, metricValue, runAgent, stepOf, unappliedParams } from "../../src/sweep/agent.ts";
import { gridProposals } from "../../src/sweep/samplers.ts";
import { parseSweepSpec, specFingerprint } from "../../src/sweep/spec.ts";
import { type StudyRecord, StudyStorage } from "../../src/sweep/storage.ts";
import { overrideText, trialArgv } from "../../src/sweep/trial-runner.ts";

const tmp = mkdtempSync(join(tmpdir(), "keisei-sweep-agent-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const program = [process.execPath, join(import.meta.dir, "fixtures", "fake-train.ts")];
const tuning = { heartbeatMs: 100, graceMs: 5000, pollMs: 25, idleMs: 100, stopGraceMs: 3000 };
let n = 0;

async function setup(yaml: string): Promise<{ storage: StudyStorage; study: StudyRecord; modelDir: string }> {
  const name = `a${++n}`;
  const spec = parseSweepSpec(`name: ${name}\n${yaml}`);
  const storage = await StudyStorage.open(join(tmp, "studies.sqlite"));
  const modelDir = join(tmp, name);
  const { study } = await storage.createStudy({
    name,
    spec,
    fingerprint: specFingerprint(spec),
    base: { config: { training: { steps_per_epoch: 128 } }, args: [], modelDir },
    seed: 3,
    enqueue: spec.method === "grid" ? gridProposals(spec.parameters) : [],
    now: Date.now(),
  });
  return { storage, study, modelDir };
}

async function agent(
  o: Partial<AgentOptions> & Pick<AgentOptions, "storage" | "study">,
  env: Record<string, string> = {},
) {
  const lines: string[] = [];
  const summary = await runAgent({ program, tuning, worker: "w", log: (l) => lines.push(l), env, ...o });
  return { summary, log: lines.join("\n") };
}

describe("the agent", () => {
  test("prunes a trial that is behind at a rung: SIGINT, the trainer checkpoints, the trial is pruned", async () => {
    const { storage, study, modelDir } = await setup(
      "method: grid\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.learning_rate: {values: [0.0003, 0.00001, 0.01]}}\nearly_terminate: {type: hyperband, min_iter: 3, eta: 2}\n",
    );
    const { summary, log } = await agent({ storage, study }, { FAKE_TRAIN_ITERS: "25", FAKE_TRAIN_SLEEP_MS: "40" });
    expect(summary).toMatchObject({ trials: 3, complete: 1, pruned: 2, failed: 0, broken: false });
    const trials = await storage.trials(study.id);
    const values = await storage.values(study.id);
    expect(trials.map((t) => t.state)).toEqual(["complete", "pruned", "pruned"]);
    expect(values.get(trials[0].id)?.length).toBe(25);
    expect(trials[0].value).toBeCloseTo(values.get(trials[0].id)?.at(-1)?.value ?? NaN, 12);
    for (const t of trials.slice(1)) {
      expect(t.message).toMatch(/^rung 3: value .* is not in the top 1 of [23] trials there/);
      expect(values.get(t.id)?.length).toBeLessThan(25);
      expect(t.value).toBe(values.get(t.id)?.at(-1)?.value ?? NaN);
      expect(existsSync(join(modelDir, `${study.name}-trial-${t.number}`, "checkpoint_interrupted.txt"))).toBe(true);
    }
    // Steps are the metrics' timesteps (steps_per_epoch 128 from the base config).
    expect(
      values
        .get(trials[0].id)
        ?.slice(0, 3)
        .map((v) => v.step),
    ).toEqual([128, 256, 384]);
    expect(log).toMatch(/trial 1 pruned at step 384: rung 3/);
    await storage.close();
  }, 30_000);

  test("a crashing trainer fails its trial with the exit status and output; the agent stops after max-consecutive-failures", async () => {
    const { storage, study } = await setup(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n",
    );
    const { summary, log } = await agent(
      { storage, study, maxConsecutiveFailures: 2 },
      { FAKE_TRAIN_EXIT: "7", FAKE_TRAIN_EXIT_AFTER: "1" },
    );
    expect(summary).toMatchObject({ trials: 2, failed: 2, broken: true });
    expect(summary.stoppedBecause).toMatch(/2 trials failed in a row/);
    const trials = await storage.trials(study.id);
    expect(trials.map((t) => t.state)).toEqual(["failed", "failed"]);
    expect(trials[0].message).toMatch(/^exit status 7 after .* s; last output:\n.*crashing on purpose with status 7/s);
    expect(log).toMatch(/agent stopped: 2 trials failed in a row/);
    await storage.close();
  }, 30_000);

  test("a metric that never appears fails the trial and names the keys that did", async () => {
    const { storage, study } = await setup(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n",
    );
    const { summary } = await agent({ storage, study, count: 1 }, { FAKE_TRAIN_NO_METRIC: "1", FAKE_TRAIN_ITERS: "2" });
    expect(summary.failed).toBe(1);
    const [t] = await storage.trials(study.id);
    expect(t.message).toBe(
      'metric "eval/win_rate" never appeared in metrics.jsonl (keys seen: losses/policy_loss, timestep)',
    );
    await storage.close();
  }, 30_000);

  test("a parameter the trainer did not apply is caught from effective_config.yaml", async () => {
    const { storage, study } = await setup(
      "method: grid\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {values: [0.95]}, training.learning_rate: {values: [0.001]}}\n",
    );
    const { summary } = await agent(
      { storage, study },
      { FAKE_TRAIN_IGNORE: "training.gamma", FAKE_TRAIN_ITERS: "20", FAKE_TRAIN_SLEEP_MS: "40" },
    );
    expect(summary.failed).toBe(1);
    const [t] = await storage.trials(study.id);
    expect(t.message).toMatch(
      /^swept parameters did not reach the trial's config \(.*effective_config\.yaml\): training\.gamma=0\.95 \(the trial's config has 0\.99\)$/,
    );
    await storage.close();
  }, 30_000);

  test("stopping the agent stops its trial and queues it again for another agent", async () => {
    const { storage, study } = await setup(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n",
    );
    const stop = new AbortController();
    const running = agent(
      { storage, study, signal: stop.signal },
      { FAKE_TRAIN_ITERS: "200", FAKE_TRAIN_SLEEP_MS: "30" },
    );
    for (let i = 0; i < 200; i++) {
      const [t] = await storage.trials(study.id);
      if (t && ((await storage.values(study.id)).get(t.id)?.length ?? 0) > 0) break;
      await Bun.sleep(25);
    }
    stop.abort();
    const { summary, log } = await running;
    expect(summary.stoppedBecause).toBe("interrupted");
    const trials = await storage.trials(study.id);
    // Stopping an agent on purpose is not the trial's fault: the retry keeps its attempt number.
    expect(trials.map((t) => [t.number, t.state, t.attempts, t.retryOf])).toEqual([
      [0, "failed", 1, null],
      [1, "waiting", 1, trials[0].id],
    ]);
    expect(trials[0].message).toBe("agent w was interrupted; retried as trial 1");
    expect(trials[1].params).toEqual(trials[0].params);
    expect(log).toMatch(/trial 0 released \(queued again as trial 1\)/);
    await storage.close();
  }, 30_000);

  test("Ctrl-C at an agent process: its trainer gets one SIGINT, checkpoints, and the trial goes back to the queue", async () => {
    const { storage, study, modelDir } = await setup(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n",
    );
    const proc = Bun.spawn(
      [process.execPath, join(import.meta.dir, "fixtures", "agent.ts"), join(tmp, "studies.sqlite"), study.name, "tty"],
      {
        env: {
          ...process.env,
          SWEEP_TUNING: JSON.stringify(tuning),
          FAKE_TRAIN_ITERS: "300",
          FAKE_TRAIN_SLEEP_MS: "30",
        },
        stdout: "ignore",
        stderr: "pipe",
      },
    );
    for (let i = 0; i < 400; i++) {
      const [t] = await storage.trials(study.id);
      if (t && ((await storage.values(study.id)).get(t.id)?.length ?? 0) > 0) break;
      await Bun.sleep(25);
    }
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    const log = await new Response(proc.stderr).text();
    expect(log).toMatch(/SIGINT: stopping the running trial and the agent/);
    expect(log).toMatch(/agent stopped: interrupted/);
    const trials = await storage.trials(study.id);
    expect(trials.map((t) => t.state)).toEqual(["failed", "waiting"]);
    expect(existsSync(join(modelDir, `${study.name}-trial-0`, "checkpoint_interrupted.txt"))).toBe(true);
    await storage.close();
  }, 30_000);

  test("metric.target ends the sweep once a trial reaches it; --count bounds an agent", async () => {
    const a = await setup(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize, target: 0.5}\nparameters: {training.learning_rate: {distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-2}}\n",
    );
    const r = await agent({ storage: a.storage, study: a.study }, { FAKE_TRAIN_ITERS: "2" });
    expect(r.summary.trials).toBe(1); // every lr in range scores > 0.77 here
    expect(r.summary.stoppedBecause).toMatch(/^trial 0 reached metric.target \(eval\/win_rate = 0\.\d+\)$/);
    await a.storage.close();
    const b = await setup(
      "method: random\nmetric: {name: eval/win_rate, goal: maximize}\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n",
    );
    const c = await agent({ storage: b.storage, study: b.study, count: 2 }, { FAKE_TRAIN_ITERS: "2" });
    expect(c.summary).toMatchObject({ trials: 2, complete: 2, stoppedBecause: "ran 2 trial(s) (--count)" });
    await b.storage.close();
  }, 30_000);
});

describe("the trial runner's contract", () => {
  test("argv: base config, base flags, model dir, run name, then one --override per parameter", () => {
    const argv = trialArgv({
      program: ["keisei", "train"],
      baseConfigFile: "b.yaml",
      baseArgs: ["--device", "cpu"],
      modelDir: "models",
      runName: "s-trial-3",
      params: {
        "training.learning_rate": 1e-7,
        "training.lr_schedule_type": "cosine",
        "training.target_kl": null,
        "display.log_layer_keyword_filters": ["stem"],
      },
    });
    expect(argv).toEqual([
      "keisei",
      "train",
      "--config",
      "b.yaml",
      "--device",
      "cpu",
      "--savedir",
      "models",
      "--run-name",
      "s-trial-3",
      "--override",
      "training.learning_rate=1e-7",
      "--override",
      'training.lr_schedule_type="cosine"',
      "--override",
      "training.target_kl=null",
      "--override",
      'display.log_layer_keyword_filters=["stem"]',
    ]);
    expect(overrideText(0.1 + 0.2)).toBe("0.30000000000000004"); // exact round trip
  });

  test("the metric is a flat key, or a path through nested objects", () => {
    expect(metricValue({ "eval/win_rate": 0.5 }, "eval/win_rate")).toBe(0.5);
    expect(metricValue({ eval: { win_rate: 0.25 } }, "eval/win_rate")).toBe(0.25);
    expect(metricValue({ "eval/win_rate": null }, "eval/win_rate")).toBeNull(); // JSON's NaN
    expect(metricValue({ "eval/win_rate": "0.5" }, "eval/win_rate")).toBeNull();
  });

  test("steps come from timestep, step or global_step, else the line's position", () => {
    expect(stepOf({ timestep: 4096.2 }, 0)).toBe(4096);
    expect(stepOf({ global_step: 7 }, 0)).toBe(7);
    expect(stepOf({ x: 1 }, 5)).toBe(5);
  });

  test("effective-config check: a different value is wrong, an absent one missing", () => {
    expect(
      unappliedParams({ training: { gamma: 0.99 } }, { "training.gamma": 0.95, "training.learning_rate": 0.001 }),
    ).toEqual({
      wrong: ["training.gamma=0.95 (the trial's config has 0.99)"],
      missing: ["training.learning_rate (not in the trial's config)"],
    });
    expect(unappliedParams({ training: { gamma: 0.1 + 0.2 } }, { "training.gamma": 0.3 })).toEqual({
      wrong: [],
      missing: [],
    });
  });

  test("the base config reaches the trainer through --config", async () => {
    const { storage, study, modelDir } = await setup("method: grid\nparameters: {training.gamma: {values: [0.97]}}\n");
    const { summary } = await agent({ storage, study }, { FAKE_TRAIN_ITERS: "1" });
    expect(summary.complete).toBe(1); // no metric: a clean exit completes the trial
    const effective = readFileSync(join(modelDir, `${study.name}-trial-0`, "effective_config.yaml"), "utf8");
    expect(effective).toMatch(/steps_per_epoch: 128/);
    expect(effective).toMatch(/gamma: 0.97/);
    expect(readFileSync(join(modelDir, `sweep-${study.name}`, "trial-0.log"), "utf8")).toMatch(/fake train/);
    await storage.close();
  }, 30_000);
});
