// Checkpoints cross-load both ways, strictly, against the PyTorch referee (keisei_torch.py): for
// every architecture option (depth, width, SE on/off, both policy heads, the CNN) a keisei
// checkpoint loads into the Python original's network with load_state_dict(strict=True) and gives
// keisei's logits and values; a PyTorch state dict saved as safetensors loads into keisei and gives
// PyTorch's back, and `keisei evaluate --agent` plays it. Every file a training run writes
// (periodic checkpoints, the final model) loads strictly too.

import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig } from "../../src/config/load.ts";
import { Random } from "../../src/util/random.ts";
import { architectureMetadata, loadCheckpoint, saveCheckpoint } from "../../src/models/checkpoint.ts";
import { architectureOf } from "../../src/models/factory.ts";
import type { Network } from "../../src/models/network.ts";
import type { Architecture } from "../../src/models/params.ts";
import { encodeSafetensors, readSafetensorsFile, type SafeTensor } from "../../src/models/safetensors.ts";
import { writeFileAtomic } from "../../src/util/atomic-write.ts";
import { train } from "../../src/training/trainer.ts";
import { referenceBackend, expectClose, randomObs } from "../models/helpers.ts";
import { f32, gatherTensor, hasTorch, randomisedNetwork, runTorch } from "./torch.ts";

const B = 6;
const CASES: { name: string; arch: Architecture }[] = [
  { name: "resnet-1x8-dense", arch: architectureOf("resnet", { depth: 1, width: 8, seRatio: 0 }) },
  { name: "resnet-2x16-se-dense", arch: architectureOf("resnet", { depth: 2, width: 16, seRatio: 0.25 }) },
  {
    name: "resnet-1x16-se-conv",
    arch: architectureOf("resnet", { depth: 1, width: 16, seRatio: 0.5, policyHead: "conv" }),
  },
  { name: "resnet-3x8-conv", arch: architectureOf("resnet", { depth: 3, width: 8, seRatio: 0, policyHead: "conv" }) },
  { name: "cnn", arch: architectureOf("cnn") },
];

/** logits [B, A] and values [B] of `net` in inference mode (running statistics). */
async function infer(net: Network, obs: Float32Array) {
  const plan = net.plan(B, { training: false });
  net.setInputs(plan, obs);
  net.forward(plan, "infer");
  const [logits, value] = await Promise.all([net.backend.read(plan.logits), net.backend.read(plan.value)]);
  return { logits: logits as Float32Array, value: value as Float32Array };
}

const tensor = (path: string, name: string) => {
  const t = readSafetensorsFile(path).tensors.get(name)!;
  return new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4);
};

function compare(
  got: { logits: Float32Array; value: Float32Array },
  want: { logits: Float32Array; value: Float32Array },
  label: string,
) {
  const l = expectClose(got.logits, want.logits, 2e-5, 1e-4, `${label} logits`);
  const v = expectClose(got.value, want.value, 2e-5, 1e-4, `${label} values`);
  // the same move is best in every row
  for (let b = 0; b < B; b++) {
    const row = (x: Float32Array) => x.subarray(b * (x.length / B), (b + 1) * (x.length / B));
    const argmax = (x: Float32Array) => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);
    expect(argmax(row(got.logits))).toBe(argmax(row(want.logits)));
  }
  return Math.max(l, v);
}

describe.skipIf(!hasTorch)("checkpoints cross-load with PyTorch (keisei_torch.py)", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-crossload-"));
  const obs = randomObs(new Random(99), B); // both movers appear (the conv head reads the side-to-move plane)
  const expected = new Map<string, { logits: Float32Array; value: Float32Array }>();

  test("both ways, every architecture option: strict load, same logits and values", async () => {
    const cases: unknown[] = [];
    for (const [k, c] of CASES.entries()) {
      const input: [string, SafeTensor][] = [["obs", f32(obs, [B, 46, 9, 9])]];
      if (c.arch.policyHead === "conv") input.push(gatherTensor());
      writeFileAtomic(join(dir, `${c.name}.in.safetensors`), encodeSafetensors(input));
      // keisei → PyTorch: the real checkpoint writer
      const net = await randomisedNetwork(referenceBackend, c.arch, 10 + k);
      await saveCheckpoint(join(dir, `${c.name}.keisei.safetensors`), net);
      expected.set(c.name, await infer(net, obs));
      net.destroy();
      cases.push(
        { name: c.name, direction: "to_torch" },
        { name: `${c.name}.pt`, direction: "to_keisei", seed: 20 + k, metadata: architectureMetadata(c.arch) },
      );
      writeFileAtomic(join(dir, `${c.name}.pt.in.safetensors`), encodeSafetensors(input));
    }
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ cases }));
    runTorch(["crossload", dir]);

    const report: string[] = [];
    for (const c of CASES) {
      const torchOut = (name: string) => ({
        logits: tensor(join(dir, `${name}.out.safetensors`), "logits"),
        value: tensor(join(dir, `${name}.out.safetensors`), "value"),
      });
      const toTorch = compare(torchOut(c.name), expected.get(c.name)!, `${c.name} keisei → PyTorch`);
      // PyTorch → keisei: the loader's own strict checks, then the forward pass
      const { net } = loadCheckpoint(referenceBackend, join(dir, `${c.name}.pt.torch.safetensors`));
      expect(net.arch).toEqual(c.arch);
      const toKeisei = compare(await infer(net, obs), torchOut(`${c.name}.pt`), `${c.name} PyTorch → keisei`);
      net.destroy();
      report.push(`${c.name} ${toTorch.toExponential(1)} / ${toKeisei.toExponential(1)}`);
    }
    console.log(`cross-load max |diff| (keisei → PyTorch / PyTorch → keisei): ${report.join(", ")}`);
  }, 120_000);

  test("keisei evaluate --agent plays a checkpoint PyTorch wrote", () => {
    const agent = join(dir, "resnet-1x16-se-conv.pt.torch.safetensors");
    const r = Bun.spawnSync(
      [
        process.execPath,
        "src/cli.ts",
        "evaluate",
        "--agent",
        agent,
        "--opponent",
        "random",
        "--games",
        "2",
        "--format",
        "json",
        "--savedir",
        join(dir, "eval"),
      ],
      { env: { ...process.env, XDG_RUNTIME_DIR: "/tmp" } },
    );
    expect(r.stderr.toString()).not.toContain("error");
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout.toString());
    expect(JSON.stringify(report)).toContain("resnet");
    const games = JSON.stringify(report).match(/"games":\s*(\d+)/);
    expect(Number(games?.[1])).toBe(2);
  }, 120_000);

  test("every weights file a training run writes loads strictly (periodic checkpoints and the final model)", async () => {
    const runs = join(dir, "runs");
    for (const [head, name] of [
      ["dense", "dense"],
      ["conv", "conv"],
    ] as const) {
      const config = buildConfig([
        {
          name: "test",
          values: {
            env: { device: "cpu", seed: 3, max_moves_per_game: 40 },
            training: {
              tower_depth: 1,
              tower_width: 8,
              se_ratio: 0.25,
              policy_head: head,
              num_envs: 8,
              steps_per_epoch: 128,
              minibatch_size: 64,
              ppo_epochs: 1,
              total_timesteps: 256,
              checkpoint_interval_timesteps: 128,
            },
            logging: { model_dir: runs, run_name: name },
            display: { log_layer_keyword_filters: [] },
          },
        },
      ]);
      const r = await train(config);
      const files = readdirSync(r.runDir).filter((f) => /^(checkpoint_ts\d+|final_model)\.safetensors$/.test(f));
      expect(files.sort()).toEqual([
        "checkpoint_ts128.safetensors",
        "checkpoint_ts256.safetensors",
        "final_model.safetensors",
      ]);
      const cases = files.map((f) => ({
        name: `${name}-${f.replace(".safetensors", "")}`,
        direction: "to_torch",
        file: join(r.runDir, f),
      }));
      const input = encodeSafetensors([["obs", f32(obs, [B, 46, 9, 9])], ...(head === "conv" ? [gatherTensor()] : [])]);
      const cdir = join(dir, `run-${name}`);
      mkdirSync(cdir);
      for (const c of cases) writeFileAtomic(join(cdir, `${c.name}.in.safetensors`), input); // the weights are read where the run wrote them
      writeFileSync(join(cdir, "manifest.json"), JSON.stringify({ cases }));
      runTorch(["crossload", cdir]); // strict=True: an extra or missing tensor fails here
      for (const c of cases) {
        const { net } = loadCheckpoint(referenceBackend, c.file);
        compare(
          {
            logits: tensor(join(cdir, `${c.name}.out.safetensors`), "logits"),
            value: tensor(join(cdir, `${c.name}.out.safetensors`), "value"),
          },
          await infer(net, obs),
          c.name,
        );
        net.destroy();
      }
    }
  }, 300_000);
});
