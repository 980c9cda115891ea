// Each bad size of the issue is refused before the process's resident memory passes 1 GB: config
// sizes (bounded by the schema, then by the memory estimate against this machine's memory), a
// 50 MB config file (capped before it is parsed), and checkpoint metadata that names a huge
// network (the architecture comes from the tensor table). The peak RSS is the kernel's, read
// from the exited process's resource usage.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveCheckpoint } from "../../src/models/checkpoint.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { referenceBackend as be } from "../models/helpers.ts";
import { expectRefusal, hashTree, inPairs, keisei } from "./helpers.ts";

const GB = 1e9;
const dir = mkdtempSync(join(tmpdir(), "keisei-hard-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 50 MB of a valid YAML list (the 3 GB case)
writeFileSync(join(dir, "fifty.yaml"), `ladder:\n  rungs:\n${"    - random\n".repeat(4_200_000)}`);
// checkpoints whose metadata names a network far bigger than their tensors
const net = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0.25, numActions: 100 }, { seed: 1 });
await saveCheckpoint(join(dir, "small.safetensors"), net);
const bytes = new Uint8Array(readFileSync(join(dir, "small.safetensors")));
for (const [name, key, value] of [
  ["depth.safetensors", "tower_depth", "1000000000000000"],
  ["width.safetensors", "tower_width", "100000"],
] as const) {
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const text = new TextDecoder()
    .decode(bytes.subarray(8, 8 + n))
    .replace(`"${key}":"${key === "tower_depth" ? 1 : 8}"`, `"${key}":"${value}"`);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(bytes.subarray(8 + n), 8 + h.length);
  writeFileSync(join(dir, name), out);
}

const train = (...args: string[]) => ["train", "--savedir", "models", ...args];
const CASES: [string[], RegExp][] = [
  [train("--override", "training.num_envs=1000000"), /training\.num_envs/],
  [train("--tower_width", "100000"), /training\.tower_width/],
  [train("--tower_depth", "10000"), /training\.tower_depth/],
  [train("--override", "training.steps_per_epoch=1e9"), /training\.steps_per_epoch/],
  [train("--override", "env.max_moves_per_game=1e15"), /env\.max_moves_per_game/],
  [train("--tower_depth", "256", "--tower_width", "1024"), /training would need about .* this machine has/],
  [
    train(
      "--override",
      "training.num_envs=16384",
      "--override",
      "training.steps_per_epoch=1048576",
      "--tower_width",
      "1024",
    ),
    /training would need about .* this machine has/,
  ],
  [train("--config", "fifty.yaml"), /fifty\.yaml: [\d,]+ bytes; a config file is at most/],
  [
    ["evaluate", "--agent", "depth.safetensors", "--device", "cpu"],
    /metadata tower_depth is "1000000000000000" but the tensors hold 1/,
  ],
  [
    ["evaluate", "--agent", "width.safetensors", "--device", "cpu"],
    /metadata tower_width is "100000" but the tensors hold 8/,
  ],
];

describe("bad sizes are refused before RSS passes 1 GB", () => {
  test(`${CASES.length} cases`, async () => {
    const before = hashTree(dir);
    await inPairs(CASES, async ([args, pattern]) => {
      const r = await keisei(args, { cwd: dir, measure: true });
      expectRefusal(r, [pattern], `keisei ${args.join(" ")}`);
      expect(r.maxRSS, `keisei ${args.join(" ")}: peak RSS ${(r.maxRSS / GB).toFixed(2)} GB`).toBeGreaterThan(0);
      expect(r.maxRSS, `keisei ${args.join(" ")}: peak RSS ${(r.maxRSS / GB).toFixed(2)} GB`).toBeLessThan(GB);
    });
    expect(hashTree(dir)).toBe(before);
  }, 60_000);
});
