// How tests reach the PyTorch referee (test/reference/keisei_torch.py, run by Debian's
// /usr/bin/python3 with python3-torch). With KEISEI_REQUIRE_TORCH=1 (set by .ci/run) a missing
// PyTorch is a failure; elsewhere the referee's tests are skipped with the reason printed once.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Backend } from "../../src/compute/backend.ts";
import { Random } from "../../src/util/random.ts";
import { policyPlaneTables } from "../../src/shogi/policy-planes.ts";
import { createNetwork } from "../../src/models/factory.ts";
import type { Network } from "../../src/models/network.ts";
import { batchNormLayers, type Architecture } from "../../src/models/params.ts";
import { bytesOf, type SafeTensor } from "../../src/models/safetensors.ts";

export const PYTHON = process.env.KEISEI_TORCH_PYTHON ?? "/usr/bin/python3";
export const SCRIPT = new URL("./keisei_torch.py", import.meta.url).pathname;
export const requireTorch = process.env.KEISEI_REQUIRE_TORCH === "1";

function probe(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (install Debian's python3-torch: scripts/setup-system.sh)`;
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
  return r.status === 0
    ? null
    : `${PYTHON} cannot import torch and numpy (install Debian's python3-torch: scripts/setup-system.sh): ${r.stderr.trim().split("\n").pop()}`;
}

const missing = probe();
if (missing && requireTorch) throw new Error(`KEISEI_REQUIRE_TORCH=1 but ${missing}`);
if (missing) console.warn(`[PyTorch referee tests skipped] ${missing}`);

/** Whether the referee can run here; decided once, before tests are declared (for test.skipIf). */
export const hasTorch = missing === null;

/** Runs keisei_torch.py with `args`; its stdout, or an Error with its stderr. */
export function runTorch(args: string[]): string {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`keisei_torch.py ${args[0]} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------- shared by the referee's tests

/** Random weights with BatchNorm parameters and running statistics away from 1 / 0 / 0 / 1 (a BN mistake must show). */
export async function randomisedNetwork(be: Backend, arch: Architecture, seed: number): Promise<Network> {
  const net = createNetwork(be, arch, { seed });
  await net.prepare();
  const rng = new Random(seed + 1);
  const params = await net.readParameters();
  const stats = await net.readStats();
  for (const l of batchNormLayers(arch)) {
    const at = (t: string) =>
      (net.table.byName.get(`${l.name}.${t}`) ?? net.statsTable.byName.get(`${l.name}.${t}`))!.offset;
    for (let c = 0; c < l.channels; c++) {
      params[at("weight") + c] = 1 + 0.3 * rng.normal();
      params[at("bias") + c] = 0.2 * rng.normal();
      stats[at("running_mean") + c] = 0.3 * rng.normal();
      stats[at("running_var") + c] = 0.5 + rng.next();
    }
  }
  net.writeParameters(params);
  net.writeStats(stats);
  return net;
}

export const f32 = (v: Float32Array, shape = [v.length]): SafeTensor => ({ dtype: "F32", shape, data: bytesOf(v) });

/** The conv policy head's action → cell table, as keisei_torch.py's model takes it. */
export function gatherTensor(): [string, SafeTensor] {
  const g = policyPlaneTables().gather;
  return ["gather", { dtype: "U32", shape: [g.length], data: bytesOf(g) }];
}
