// End to end: `keisei train` on a config (default: configs/default.yaml, the 9×256 tower) for one
// whole iteration — a rollout of steps_per_epoch self-play steps and its PPO update (ppo_epochs ×
// steps_per_epoch / minibatch_size minibatches). On the cpu backend, once with the native
// convolutions and once with KEISEI_CPU_KERNELS=wasm (the wasm SIMD kernels alone, as keisei ran
// before the native ones), each in its own process, in one run; with --device webgpu, once on the
// GPU. Prints steps/s over the iteration (metrics.jsonl's charts/SPS) and its parts, and native ÷ wasm.
//
//   bun bench/train.ts [--config configs/default.yaml] [--only native|wasm] [--device cpu|webgpu]
//
// The wasm run of the default config takes most of an hour on 2 cores.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "configs/default.yaml" },
    only: { type: "string" },
    device: { type: "string", default: "cpu" },
  },
});
const ROOT = resolve(import.meta.dir, "..");

interface Iteration {
  sps: number;
  selfplay: number;
  update: number;
  steps: number;
}

function trainOnce(kernels: "native" | "wasm" | "webgpu"): Iteration {
  const dir = mkdtempSync(join(tmpdir(), `keisei-train-${kernels}-`));
  const steps = Number(/steps_per_epoch:\s*(\d+)/.exec(readFileSync(values.config!, "utf8"))?.[1]);
  const env = { ...process.env, KEISEI_CPU_KERNELS: kernels === "wasm" ? "wasm" : "" };
  const r = Bun.spawnSync(
    [
      process.execPath,
      join(ROOT, "src/cli.ts"),
      "train",
      "--config",
      values.config!,
      "--total-timesteps",
      String(steps),
      "--override",
      `env.device=${kernels === "webgpu" ? "webgpu" : "cpu"}`,
      "--override",
      "evaluation.enable_periodic_evaluation=false",
      "--override",
      `logging.model_dir=${dir}`,
      "--override",
      "logging.run_name=bench",
    ],
    { env, stdout: "pipe", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(`keisei train (${kernels}) exited ${r.exitCode}: ${r.stderr}`);
  const run = join(dir, readdirSync(dir)[0]);
  const lines = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n");
  const last = JSON.parse(lines.at(-1)!);
  rmSync(dir, { recursive: true, force: true });
  return {
    sps: last["charts/SPS"],
    selfplay: last["time/selfplay_s"],
    update: last["time/update_s"],
    steps,
  };
}

if (values.device === "webgpu") {
  const it = trainOnce("webgpu");
  console.log(
    `${values.config} on webgpu: ${it.sps.toFixed(2)} steps/s over the iteration (self-play ${it.selfplay.toFixed(1)} s, update ${it.update.toFixed(1)} s)`,
  );
  process.exit(0);
}
const results: Partial<Record<"native" | "wasm", Iteration>> = {};
for (const kernels of ["native", "wasm"] as const) {
  if (values.only && values.only !== kernels) continue;
  const it = trainOnce(kernels);
  results[kernels] = it;
  console.log(
    `${values.config} on cpu, ${kernels.padEnd(6)} convolutions: ${it.sps.toFixed(2)} steps/s over the iteration (self-play ${it.selfplay.toFixed(1)} s, update ${it.update.toFixed(1)} s)`,
  );
}
if (results.native && results.wasm)
  console.log(
    `native ÷ wasm: ${(results.native.sps / results.wasm.sps).toFixed(2)}× steps/s (self-play ${(results.wasm.selfplay / results.native.selfplay).toFixed(2)}× faster, update ${(results.wasm.update / results.native.update).toFixed(2)}× faster)`,
  );
