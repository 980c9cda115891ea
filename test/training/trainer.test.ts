// The trainer end to end on small configs: run files, exact resume, refusals that name their input.
import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../src/compute/device.ts";
import { buildConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { listCheckpoints } from "../../src/training/checkpoints.ts";
import { encodeSafetensors, readSafetensorsFile, type SafeTensor } from "../../src/models/safetensors.ts";
import { train, weightStatistics } from "../../src/training/trainer.ts";
import { architectureOf, modelFactory } from "../../src/models/factory.ts";
import { batchNormLayers, parameterTable, statsTable } from "../../src/models/params.ts";
import { EloRegistry } from "../../src/evaluation/index.ts";
import { hasShaderF16, hasWebGpu } from "../helpers/webgpu.ts";

function smallConfig(dir: string, over: Record<string, Record<string, unknown>> = {}): Config {
  return buildConfig([
    {
      name: "test",
      values: {
        env: { device: "cpu", seed: 5, max_moves_per_game: 60, ...over.env },
        training: {
          tower_depth: 1,
          tower_width: 8,
          se_ratio: 0.25,
          num_envs: 16,
          steps_per_epoch: 256,
          minibatch_size: 128,
          ppo_epochs: 2,
          total_timesteps: 768,
          checkpoint_interval_timesteps: 256,
          learning_rate: 3e-4,
          ...over.training,
        },
        logging: { model_dir: dir, run_name: "run", ...over.logging },
        display: { log_layer_keyword_filters: [] },
      },
    },
  ]);
}

function weightsChecksum(path: string): number {
  const { tensors } = readSafetensorsFile(path);
  let h = 0;
  for (const [, t] of [...tensors].sort(([a], [b]) => a.localeCompare(b))) {
    const bytes = t.data;
    for (let i = 0; i < bytes.length; i++) h = (Math.imul(h, 31) + bytes[i]) | 0;
  }
  return h;
}

/** Rewrites checkpoint `ts` of run directory `dir` as keisei wrote it before the optimizer file: its moments inside the weights file, a format-1 JSON. */
function toFormat1(dir: string, ts: number): void {
  const weights = join(dir, `checkpoint_ts${ts}.safetensors`),
    optimizer = join(dir, `checkpoint_ts${ts}.optimizer.safetensors`),
    json = join(dir, `checkpoint_ts${ts}.json`);
  const w = readSafetensorsFile(weights),
    o = readSafetensorsFile(optimizer);
  const moments = [...o.tensors].map(([k, t]): [string, SafeTensor] => [`optimizer.${k}`, t]);
  writeFileSync(weights, encodeSafetensors([...w.tensors, ...moments], { ...w.metadata, keisei_checkpoint: "1" }));
  rmSync(optimizer);
  const { optimizer: _, ...state } = JSON.parse(readFileSync(json, "utf8"));
  writeFileSync(json, JSON.stringify({ ...state, format: 1 }));
}

describe("keisei train (library)", () => {
  test("a run writes every run file, and checkpoints fire on their interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-train-"));
    const r = await train(smallConfig(dir));
    expect(r).toMatchObject({ timestep: 768, iteration: 3, stoppedEarly: false });
    const files = readdirSync(r.runDir);
    for (const f of [
      "effective_config.yaml",
      "training_log.txt",
      "metrics.jsonl",
      "final_model.safetensors",
      "checkpoint_ts256.safetensors",
      "checkpoint_ts256.optimizer.safetensors",
      "checkpoint_ts512.json",
      "checkpoint_ts768.safetensors",
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.startsWith("events.out.tfevents."))).toBe(true);
    const lines = readFileSync(join(r.runDir, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.timestep)).toEqual([256, 512, 768]);
    for (const l of lines) {
      expect(Number.isFinite(l["losses/policy_loss"])).toBe(true);
      expect(l["losses/entropy"]).toBeGreaterThan(0);
      expect(l["losses/minibatch_updates"]).toBe(4);
    }
    // The weights files hold exactly the state dict (load_state_dict(strict=True) takes them as they
    // are); the optimizer state is in the file the JSON names; the final model has none.
    const arch = architectureOf("resnet", { depth: 1, width: 8, seRatio: 0.25 });
    const stateDict = [...parameterTable(arch).tensors, ...statsTable(arch).tensors]
      .map((t) => t.name)
      .concat(batchNormLayers(arch).map((l) => `${l.name}.num_batches_tracked`))
      .sort();
    for (const f of ["checkpoint_ts256.safetensors", "checkpoint_ts768.safetensors", "final_model.safetensors"]) {
      const file = readSafetensorsFile(join(r.runDir, f));
      expect([...file.tensors.keys()].sort()).toEqual(stateDict);
      // What the value head learned under: a search reading it adds material_shaping × material back.
      expect(file.metadata.material_shaping).toBe(String(smallConfig(dir).training.material_shaping));
    }
    expect(files.filter((f) => f.includes("optimizer")).sort()).toEqual([
      "checkpoint_ts256.optimizer.safetensors",
      "checkpoint_ts512.optimizer.safetensors",
      "checkpoint_ts768.optimizer.safetensors",
    ]);
    const json = JSON.parse(readFileSync(join(r.runDir, "checkpoint_ts768.json"), "utf8"));
    expect([json.format, json.weights, json.optimizer]).toEqual([
      2,
      "checkpoint_ts768.safetensors",
      "checkpoint_ts768.optimizer.safetensors",
    ]);
    const opt = readSafetensorsFile(join(r.runDir, "checkpoint_ts768.optimizer.safetensors"));
    expect(opt.metadata.weights).toBe("checkpoint_ts768.safetensors");
    const step = opt.tensors.get("step")!;
    expect(new BigInt64Array(step.data.buffer, step.data.byteOffset, 1)[0]).toBe(12n); // 3 iterations × 4 minibatch updates
    const log = readFileSync(join(r.runDir, "training_log.txt"), "utf8");
    expect(log).not.toContain("\\n"); // real lines, not the reference's literal "\n"
    expect(log.split("\n").filter((l) => l.includes("iteration 3 timestep 768")).length).toBe(1);
    expect(readFileSync(join(r.runDir, "effective_config.yaml"), "utf8")).toContain("run_name: run");
  }, 120_000);

  test("resume continues exactly: stop + resume gives the uninterrupted run's weights (cpu)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-resume-"));
    const straight = await train(smallConfig(dir, { logging: { run_name: "straight" } }));
    const half = await train(smallConfig(dir, { logging: { run_name: "split" }, training: { total_timesteps: 512 } }));
    expect(half.timestep).toBe(512);
    // The same half run as an older keisei left it (format 1: Adam's state inside the weights file).
    cpSync(half.runDir, join(dir, "legacy"), { recursive: true });
    toFormat1(join(dir, "legacy"), 512);
    const resumed = await train(smallConfig(dir, { logging: { run_name: "split" } }), { resume: "latest" });
    expect(resumed).toMatchObject({ timestep: 768, iteration: 3 });
    expect(weightsChecksum(join(resumed.runDir, "checkpoint_ts768.safetensors"))).toBe(
      weightsChecksum(join(straight.runDir, "checkpoint_ts768.safetensors")),
    );
    const legacy = await train(smallConfig(dir, { logging: { run_name: "legacy" } }), { resume: "latest" });
    expect(legacy).toMatchObject({ timestep: 768, iteration: 3 });
    expect(weightsChecksum(join(legacy.runDir, "checkpoint_ts768.safetensors"))).toBe(
      weightsChecksum(join(straight.runDir, "checkpoint_ts768.safetensors")),
    );
    expect(
      readFileSync(join(legacy.runDir, "checkpoint_ts768.optimizer.safetensors")).equals(
        readFileSync(join(straight.runDir, "checkpoint_ts768.optimizer.safetensors")),
      ),
    ).toBe(true);
    expect(weightsChecksum(join(resumed.runDir, "checkpoint_ts512.safetensors"))).not.toBe(
      weightsChecksum(join(resumed.runDir, "checkpoint_ts768.safetensors")),
    );
    // The metrics stream continues in the same file, and matches the straight run's.
    const read = (d: string) =>
      readFileSync(join(d, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    const a = read(straight.runDir),
      b = read(resumed.runDir);
    expect(b.map((l) => l.iteration)).toEqual([1, 2, 3]);
    expect(b[2]["losses/policy_loss"]).toBe(a[2]["losses/policy_loss"]);
    expect(b[2]["charts/episodes"]).toBe(a[2]["charts/episodes"]);
    expect(readFileSync(join(resumed.runDir, "training_log.txt"), "utf8")).toContain("resumed from");
  }, 180_000);

  test("stopping on request writes a checkpoint of the last finished iteration", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-stop-"));
    const signal = { stop: false };
    let updates = 0;
    const r = await train(smallConfig(dir), {
      signal,
      view: {
        update: () => {
          if (++updates === 20) signal.stop = true;
        },
        log() {},
        close() {},
      },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.timestep).toBe(256); // the partial second rollout is not counted
    expect(listCheckpoints(r.runDir)[0].timestep).toBe(256);
    expect(existsSync(join(r.runDir, "final_model.safetensors"))).toBe(false);
  }, 120_000);

  test("periodic evaluation runs inside training: eval/* metrics, an Elo rating, the pool", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-eval-"));
    const config = buildConfig([
      {
        name: "t",
        values: {
          ...JSON.parse(JSON.stringify(smallConfig(dir))),
          evaluation: {
            evaluation_interval_timesteps: 256,
            num_games: 4,
            opponent_type: "pool",
            max_moves_per_game: 40,
          },
        },
      },
    ]);
    const lines: string[] = [];
    const r = await train(config, { view: { update() {}, log: (l) => lines.push(l), close() {} } });
    const records = readFileSync(join(r.runDir, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.length).toBe(3);
    for (const rec of records) {
      expect(rec["eval/games"]).toBe(4);
      expect(rec["eval/win_rate"] + rec["eval/draw_rate"] + rec["eval/loss_rate"]).toBeCloseTo(1, 9);
      expect(Number.isFinite(rec["eval/elo"])).toBe(true);
    }
    // The first evaluation has an empty pool (random opponent); later ones play the previous checkpoint.
    expect(lines.filter((l) => l.startsWith("evaluation at timestep"))[0]).toContain("vs random");
    expect(lines.filter((l) => l.startsWith("evaluation at timestep"))[1]).toContain("checkpoint_ts256");
    const registry = EloRegistry.open(dir);
    try {
      expect(registry.rating("run")).toBe(records[2]["eval/elo"]);
      expect(registry.history("run").length).toBe(3);
      expect(registry.pool("run").map((p) => p.split("/").pop())).toEqual([
        "checkpoint_ts256.safetensors",
        "checkpoint_ts512.safetensors",
        "checkpoint_ts768.safetensors",
      ]);
    } finally {
      registry.close();
    }
  }, 180_000);

  test("a timer can stop a run on the CPU backend (the loop yields to the event loop)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-timer-"));
    const signal = { stop: false };
    setTimeout(() => (signal.stop = true), 1500);
    const t0 = performance.now();
    const r = await train(smallConfig(dir, { training: { total_timesteps: 1_000_000 } }), { signal });
    expect(r.stoppedEarly).toBe(true);
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(listCheckpoints(r.runDir).length).toBeGreaterThan(0);
  }, 120_000);

  test("a loss that blows up stops the run, naming the iteration and the last good checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-nan-"));
    // A step schedule whose factor jumps to 1e30 after the first rollout's two epochs: iteration 1
    // trains normally, iteration 2's Adam steps blow the weights up to overflow. The config loader
    // refuses a gamma above 1, so the factor is set on the built config, as a bug would.
    const config = smallConfig(dir, {
      training: { lr_schedule_type: "step", lr_schedule_kwargs: { step_size: 2, gamma: 0.5 } },
    });
    config.training.lr_schedule_kwargs = { step_size: 2, gamma: 1e30 };
    await expect(train(config)).rejects.toThrow(
      /iteration 2 \(timestep 512\): PPO loss is not finite .*The last good checkpoint is .*checkpoint_ts256\.safetensors/,
    );
    const run = join(dir, "run");
    expect(listCheckpoints(run).map((c) => c.timestep)).toEqual([256]);
    expect(existsSync(join(run, "final_model.safetensors"))).toBe(false);
    expect(readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").length).toBe(1);
  }, 120_000);

  test("refusals name their input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-refuse-"));
    await train(smallConfig(dir, { training: { total_timesteps: 256 } }));
    await expect(train(smallConfig(dir))).rejects.toThrow(
      /run directory .*run already exists: continue it with --resume latest/,
    );
    await expect(train(smallConfig(dir, { logging: { run_name: "none" } }), { resume: "latest" })).rejects.toThrow(
      /no complete checkpoint in .*none/,
    );
    await expect(train(smallConfig(dir), { resume: join(dir, "nope.safetensors") })).rejects.toThrow(
      /nope\.json: no such file/,
    );
    // resuming with another policy head than the checkpoint's is refused, naming both
    await expect(train(smallConfig(dir, { training: { policy_head: "conv" } }), { resume: "latest" })).rejects.toThrow(
      /holds a resnet 1×8 network with a dense policy head; the config asks for resnet 1×8 with a conv one/,
    );
    const ckpt = join(dir, "run", "checkpoint_ts256.safetensors");
    // another checkpoint's optimizer file beside these weights: refused, naming both
    const opt = join(dir, "run", "checkpoint_ts256.optimizer.safetensors");
    const saved = readFileSync(opt);
    const o = readSafetensorsFile(opt);
    writeFileSync(opt, encodeSafetensors(o.tensors, { ...o.metadata, weights: "checkpoint_ts512.safetensors" }));
    await expect(train(smallConfig(dir), { resume: "latest" })).rejects.toThrow(
      /checkpoint_ts256\.optimizer\.safetensors: optimizer state of checkpoint_ts512\.safetensors, not of .*checkpoint_ts256\.safetensors/,
    );
    // a missing optimizer file: never fresh moments. By path it is named; "latest" finds no complete checkpoint.
    rmSync(opt);
    await expect(train(smallConfig(dir), { resume: ckpt })).rejects.toThrow(
      /checkpoint_ts256\.json: its optimizer file checkpoint_ts256\.optimizer\.safetensors is missing/,
    );
    await expect(train(smallConfig(dir), { resume: "latest" })).rejects.toThrow(/no complete checkpoint in .*run/);
    writeFileSync(opt, saved);
    writeFileSync(ckpt, readFileSync(ckpt).subarray(0, 1000)); // truncated weights
    await expect(train(smallConfig(dir), { resume: ckpt })).rejects.toThrow(/checkpoint_ts256\.safetensors/);
    await expect(train(smallConfig(dir, { training: { minibatch_size: 4096 } }))).rejects.toThrow(
      /training\.minibatch_size \(4096\) is larger than a rollout/,
    );
    // f16 storage on the cpu backend: refused before the run folder exists
    await expect(
      train(smallConfig(dir, { training: { mixed_precision: true }, logging: { run_name: "f16" } })),
    ).rejects.toThrow(
      /^training\.mixed_precision: f16 storage needs a WebGPU device with shader-f16, and the backend is cpu .*; set it to false or env\.device to webgpu$/,
    );
    expect(existsSync(join(dir, "f16"))).toBe(false);
    await expect(train(smallConfig(dir, { training: { model_type: "cnn", policy_head: "conv" } }))).rejects.toThrow(
      /training\.policy_head conv needs model_type resnet/,
    );
  }, 120_000);

  test.skipIf(!hasWebGpu)(
    "the same run on WebGPU (lavapipe in CI) writes its checkpoints",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "keisei-train-gpu-"));
      const backend = await createBackend("webgpu");
      try {
        const r = await train(smallConfig(dir, { env: { device: "webgpu" }, training: { total_timesteps: 512 } }), {
          backend,
        });
        expect(r.timestep).toBe(512);
        expect(listCheckpoints(r.runDir).map((c) => c.timestep)).toEqual([512, 256]);
        const lines = readFileSync(join(r.runDir, "metrics.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(lines.every((l) => Number.isFinite(l["losses/value_loss"]))).toBe(true);
      } finally {
        backend.destroy();
      }
    },
    180_000,
  );

  test.skipIf(!hasShaderF16)(
    "training.mixed_precision on WebGPU: f16 activations and layer weights; it trains, checkpoints and resumes",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "keisei-train-f16-"));
      const backend = await createBackend("webgpu");
      try {
        const f16 = (total: number) =>
          smallConfig(dir, {
            env: { device: "webgpu" },
            training: { total_timesteps: total, mixed_precision: true },
            logging: { run_name: "f16" },
          });
        const logged: string[] = [];
        const view = { update() {}, log: (l: string) => logged.push(l), close() {} };
        const h = await train(f16(512), { backend, view });
        expect(logged).toContain(
          "training.mixed_precision: activations and layer weights stored as f16, arithmetic in f32",
        );
        const resumed = await train(f16(768), { backend, resume: "latest", view });
        expect(resumed.timestep).toBe(768);
        expect(listCheckpoints(h.runDir).map((c) => c.timestep)).toEqual([768, 512, 256]);
        const f16Lines = readFileSync(join(h.runDir, "metrics.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(f16Lines.length).toBe(3);
        for (const key of ["losses/value_loss", "losses/policy_loss", "losses/entropy"])
          expect(f16Lines.every((l) => Number.isFinite(l[key]))).toBe(true);
      } finally {
        backend.destroy();
      }
    },
    180_000,
  );
});

test("weight statistics of the dashboard read only the matching tensors, and agree with the whole parameter buffer", async () => {
  const be = await createBackend("cpu");
  const net = modelFactory(be, "resnet", { depth: 1, width: 16, seRatio: 0.25 }, { seed: 5 });
  const all = await net.readParameters();
  const stats = await weightStatistics(net, ["bn_stem", "policy_head.4"]);
  const names = net.table.tensors
    .filter((e) => e.name.includes("bn_stem") || e.name.includes("policy_head.4"))
    .map((e) => e.name);
  expect(stats.map((s) => s.name)).toEqual(names);
  for (const s of stats) {
    const e = net.table.tensors.find((t) => t.name === s.name)!;
    const v = Array.from(all.subarray(e.offset, e.offset + e.size));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    expect(s.mean).toBeCloseTo(mean, 6);
    expect(s.min).toBe(v.reduce((a, b) => Math.min(a, b), Infinity));
    expect(s.max).toBe(v.reduce((a, b) => Math.max(a, b), -Infinity));
  }
  net.destroy();
  be.destroy();
});
