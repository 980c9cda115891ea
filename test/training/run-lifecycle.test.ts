// The run directory's life: a refused resume changes nothing, a resume takes the run's own config
// and says what the user changed, locks (stale ones taken over, foreign ones refused), logs cut
// back to the checkpoint, appends that never tear, temporaries of killed writers removed, the
// total rounded to whole rollouts, and an ETA that counts the update.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig, configSources } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { Pace } from "../../src/training/pace.ts";
import { appendWhole, RunFileError, trimMetricsJsonl } from "../../src/training/run-files.ts";
import { LOCK_FILE, lockRun } from "../../src/training/run-lock.ts";
import { resumeConfig } from "../../src/training/run.ts";
import { eventRecords, TensorBoardWriter, trimEventFiles } from "../../src/training/tensorboard.ts";
import { type TrainerFrame, train } from "../../src/training/trainer.ts";

function small(dir: string, over: Record<string, Record<string, unknown>> = {}): Config {
  return buildConfig([
    {
      name: "test",
      values: {
        env: { device: "cpu", seed: 3, max_moves_per_game: 60, ...over.env },
        training: {
          tower_depth: 1,
          tower_width: 8,
          num_envs: 16,
          steps_per_epoch: 256,
          minibatch_size: 128,
          ppo_epochs: 2,
          total_timesteps: 512,
          checkpoint_interval_timesteps: 256,
          ...over.training,
        },
        logging: { model_dir: dir, run_name: "run", ...over.logging },
        display: { log_layer_keyword_filters: [] },
      },
    },
  ]);
}

/** Every file under `dir` with its sha256: what "nothing changed" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    try {
      out[name] = createHash("sha256").update(readFileSync(path)).digest("hex");
    } catch {} // a directory
  }
  return out;
}

const quiet = { update() {}, log() {}, close() {} };

describe("resume", () => {
  test("a refused resume (architecture mismatch) changes nothing in the run: no config rewrite, no log line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-refused-"));
    await train(small(dir), { view: quiet });
    const before = snapshot(join(dir, "run"));
    await expect(
      train(small(dir, { training: { tower_width: 16, total_timesteps: 768 } }), { resume: "latest", view: quiet }),
    ).rejects.toThrow(/holds a .*the config asks for resnet 1×16.*differ in width/);
    expect(snapshot(join(dir, "run"))).toEqual(before);
    expect(existsSync(join(dir, "run", LOCK_FILE))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("a resume takes the run's effective_config.yaml and only the fields given now; it says which differ", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-resumecfg-"));
    // The run trains on a non-default learning rate and net; the resume names only the new total.
    await train(small(dir, { training: { learning_rate: 0.002 } }), { view: quiet });
    const sources = configSources(
      [],
      [`logging.model_dir=${dir}`, "logging.run_name=run", "training.total_timesteps=768"],
    );
    const config = resumeConfig(sources, "latest");
    expect(config.training.learning_rate).toBe(0.002);
    expect(config.training.tower_width).toBe(8);
    expect(config.training.total_timesteps).toBe(768);
    const lines: string[] = [];
    const r = await train(config, { resume: "latest", view: { ...quiet, log: (l: string) => lines.push(l) } });
    expect(r.timestep).toBe(768);
    expect(lines).toContain(
      "config differs from the run's effective_config.yaml in training.total_timesteps 512 → 768",
    );
    expect(readFileSync(join(dir, "run", "effective_config.yaml"), "utf8")).toContain("total_timesteps: 768");
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("the logs are cut back to the checkpoint, and temporaries of killed writers are removed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-cut-"));
    const r = await train(small(dir, { training: { total_timesteps: 768, checkpoint_interval_timesteps: 512 } }), {
      view: quiet,
    });
    const run = r.runDir;
    // As if the run had died after iteration 3 without its checkpoint: iteration 3's records stay behind,
    // plus a torn metrics line, a torn event record and a dead writer's temporary file.
    for (const f of readdirSync(run))
      if (f.startsWith("checkpoint_ts768") || f === "final_model.safetensors") rmSync(join(run, f));
    writeFileSync(
      join(run, "metrics.jsonl"),
      `${readFileSync(join(run, "metrics.jsonl"), "utf8")}{"iteration": 4, "los`,
    );
    const events = readdirSync(run).find((f) => f.startsWith("events.out.tfevents."))!;
    writeFileSync(join(run, events), Buffer.concat([readFileSync(join(run, events)), Buffer.from([9, 0, 0, 0, 0, 0])]));
    writeFileSync(join(run, "checkpoint_ts768.safetensors.tmp-999999"), "half a checkpoint");
    const lines: string[] = [];
    await train(small(dir, { training: { total_timesteps: 768, checkpoint_interval_timesteps: 512 } }), {
      resume: "latest",
      view: { ...quiet, log: (l: string) => lines.push(l) },
    });
    expect(lines).toContain(
      "dropped what the run logged after that checkpoint: 2 metrics.jsonl records, 2 TensorBoard events",
    );
    const metrics = readFileSync(join(run, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.iteration)).toEqual([1, 2, 3]);
    // The old event file now ends at step 512, whole; the new one holds step 768.
    const files = readdirSync(run).filter((f) => f.startsWith("events.out.tfevents."));
    expect(files).toHaveLength(2);
    const old = new Uint8Array(readFileSync(join(run, events)));
    const records = eventRecords(old);
    expect(records.at(-1)!.end).toBe(old.length);
    expect(records.map((e) => e.step).filter((s) => s > 0)).toEqual([256, 512]);
    expect(existsSync(join(run, "checkpoint_ts768.safetensors.tmp-999999"))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});

describe("run files", () => {
  test("an append that fails names the file and leaves no partial record", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-full-"));
    const path = join(dir, "metrics.jsonl");
    symlinkSync("/dev/full", path); // every write: ENOSPC
    expect(() => appendWhole(path, '{"iteration": 1}\n')).toThrow(
      new RunFileError(`cannot append to ${path}: ENOSPC: no space left on device, write`),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  test("metrics.jsonl: later iterations and a torn tail go", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-trim-"));
    const path = join(dir, "metrics.jsonl");
    writeFileSync(path, '{"iteration":1}\n{"iteration":2}\n{"iteration":3}\n{"iteration":2}\n{"itera');
    expect(trimMetricsJsonl(path, 2)).toBe(2); // iteration 3 and the torn line
    expect(readFileSync(path, "utf8")).toBe('{"iteration":1}\n{"iteration":2}\n{"iteration":2}\n');
    expect(trimMetricsJsonl(path, 2)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  test("TensorBoard files: records past the step and a torn one go; checksums decide what is whole", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-tb-"));
    const w = new TensorBoardWriter(dir, 1_700_000_000_000);
    for (const step of [100, 200, 300]) w.scalars(step, { "losses/policy_loss": step / 1000 });
    const whole = readFileSync(w.path);
    writeFileSync(w.path, whole.subarray(0, whole.length - 3)); // the last record torn
    expect(trimEventFiles(dir, 200)).toBe(1);
    const kept = eventRecords(new Uint8Array(readFileSync(w.path)));
    expect(kept.map((r) => r.step)).toEqual([0, 100, 200]);
    // A flipped byte inside a record is a corrupt record: it and everything after it go.
    const bytes = new Uint8Array(readFileSync(w.path));
    bytes[bytes.length - 10] ^= 0xff;
    expect(eventRecords(bytes).map((r) => r.step)).toEqual([0, 100]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("run lock", () => {
  test("a live owner refuses by pid; a dead one's lock is taken over; another host's refuses naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-lock-"));
    const lock = lockRun(dir);
    expect(() => lockRun(dir)).toThrow(`run ${dir} is in use by another keisei (pid ${process.pid}, since`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // A pid that does not run (kill -9, a reboot): stale.
    const dead = Bun.spawnSync(["true"]).pid;
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), start: "1", boot: null, since: "x" }),
    );
    lockRun(dir).release();
    // Our own pid, but a different process start time: a reused pid, stale too.
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, host: hostname(), start: "1", boot: null, since: "x" }),
    );
    lockRun(dir).release();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: "elsewhere", start: null, boot: null, since: "t0" }),
    );
    expect(() => lockRun(dir)).toThrow(
      `run ${dir} is locked by pid 1 on host elsewhere since t0; if that run is dead, delete ${join(dir, LOCK_FILE)}`,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  test("two new runs of one name: exactly one gets the directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-race-"));
    mkdirSync(join(dir, "models"));
    const results = await Promise.allSettled([
      train(small(join(dir, "models"), { training: { total_timesteps: 256 } }), { view: quiet }),
      train(small(join(dir, "models"), { training: { total_timesteps: 256 } }), { view: quiet }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(failed.reason)).toMatch(/run directory .*run already exists/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe("progress", () => {
  test("the total is rounded up to whole rollouts, and said", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-round-"));
    const lines: string[] = [];
    const r = await train(small(dir, { training: { total_timesteps: 300 } }), {
      view: { ...quiet, log: (l: string) => lines.push(l) },
    });
    expect(r.timestep).toBe(512);
    expect(lines).toContain(
      "training.total_timesteps 300 rounded up to 512: whole rollouts of 256 transitions (steps_per_epoch rounded up to num_envs)",
    );
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("frames during the update say so, and the ETA counts collection and update", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-eta-"));
    const frames: TrainerFrame[] = [];
    await train(small(dir, { training: { total_timesteps: 768 } }), {
      view: { ...quiet, update: (f: TrainerFrame) => frames.push(f) },
    });
    const updating = frames.filter((f) => f.activity?.startsWith("PPO update"));
    // 2 epochs × 2 minibatches per update, three updates.
    expect(updating.map((f) => f.activity)).toEqual(
      Array.from({ length: 3 }, () => ["PPO update 25%", "PPO update 50%", "PPO update 75%", "PPO update 100%"]).flat(),
    );
    for (const f of frames.slice(1)) expect(f.etaSeconds).toBeGreaterThanOrEqual(0);
    // Self-play only until the first minibatch is timed: a lower bound, shown as such; complete after.
    const first = frames.indexOf(updating[0]);
    expect(frames.slice(0, first).every((f) => f.etaIsLowerBound)).toBe(true);
    expect(frames.slice(first).every((f) => !f.etaIsLowerBound)).toBe(true);
    expect(updating.at(-1)!.etaSeconds).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("the long-run warning: once self-play and the update are both timed", () => {
    const pace = new Pace();
    pace.collect = 1 / 30; // 30 plies/s of self-play
    expect(pace.longRunWarning(500_000, "cpu")).toBeNull(); // the update not timed yet: no guess
    expect(pace.complete).toBe(false);
    pace.update = 1.15; // seconds of update per ply (9×256 on 2 cores: 10 epochs at 8.6 samples/s)
    expect(pace.longRunWarning(500_000, "cpu")).toBe(
      "this run needs about 164 h on cpu at the speed just measured (self-play 4.6 h, updates 160 h); --config tiny (a 1×16 net) learns in minutes",
    );
    pace.collect = 0.001; // a small net: 1000 plies/s, and an update as fast
    pace.update = 0.001;
    expect(pace.longRunWarning(500_000, "cpu")).toBeNull();
  });
});

describe("opponent pool and random openings", () => {
  test("pool games are played and scored, and a resumed run is still the uninterrupted one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-pool-"));
    const pooled = (run_name: string, total_timesteps: number) =>
      small(dir, {
        training: {
          total_timesteps,
          minibatch_size: 64,
          opponent_pool_fraction: 0.5,
          opponent_pool_size: 2,
          start_random_plies: 4,
        },
        env: { max_moves_per_game: 20 }, // games end within two rollouts of 16 plies a game
        logging: { run_name },
      });
    const straight = await train(pooled("straight", 1024), { view: quiet });
    await train(pooled("split", 512), { view: quiet });
    const resumed = await train(pooled("split", 1024), { resume: "latest", view: quiet });
    expect(resumed.timestep).toBe(1024);
    const state = JSON.parse(readFileSync(join(straight.runDir, "checkpoint_ts1024.json"), "utf8"));
    // Every checkpoint enters as it is written (256, 512, 768, 1024); two slots, the oldest replaced.
    expect(state.pool.entries.map((e: { path: string }) => e.path.split("/").pop())).toEqual([
      "checkpoint_ts768.safetensors",
      "checkpoint_ts1024.safetensors",
    ]);
    const played = [512, 768, 1024].map(
      (ts) =>
        JSON.parse(readFileSync(join(straight.runDir, `checkpoint_ts${ts}.json`), "utf8")).pool.entries.reduce(
          (n: number, e: { games: number }) => n + e.games,
          0,
        ) as number,
    );
    expect(Math.max(...played)).toBeGreaterThan(0);
    const read = (d: string) =>
      readFileSync(join(d, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    const a = read(straight.runDir),
      b = read(resumed.runDir);
    expect(b.map((r) => r["losses/policy_loss"])).toEqual(a.map((r) => r["losses/policy_loss"]));
    expect(b.map((r) => r["charts/episodes"])).toEqual(a.map((r) => r["charts/episodes"]));
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe("a stop during the update", () => {
  test("abandons the update; the stop checkpoint is the run before it, and resumes exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-stopupdate-"));
    const cfg = (run_name: string) =>
      small(dir, { training: { total_timesteps: 768, checkpoint_interval_timesteps: 100_000 }, logging: { run_name } });
    const straight = await train(cfg("straight"), { view: quiet });
    const signal = { stop: false };
    const stopped = await train(cfg("stopped"), {
      signal,
      view: {
        ...quiet,
        update(f: TrainerFrame) {
          // The second iteration's update, a quarter done.
          if (f.activity === "PPO update 25%" && f.timestep === 512) signal.stop = true;
        },
      },
    });
    expect(stopped).toMatchObject({ stoppedEarly: true, timestep: 256, iteration: 1 });
    const resumed = await train(cfg("stopped"), { resume: "latest", view: quiet });
    expect(resumed.timestep).toBe(768);
    const read = (d: string) =>
      readFileSync(join(d, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    const a = read(straight.runDir),
      b = read(resumed.runDir);
    expect(b.map((r) => r.iteration)).toEqual([1, 2, 3]);
    for (const key of ["losses/policy_loss", "losses/value_loss", "charts/episodes"])
      expect(b.map((r) => r[key])).toEqual(a.map((r) => r[key]));
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
