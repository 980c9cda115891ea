// Network speed: samples/s for inference and for a training step (forward + backward + Adam) of
// the ResNet tower (SE 0.25, the reference's heads) at 32 × 2 and 256 × 9, on keisei's webgpu and
// cpu backends and on TensorFlow.js running the same network (its webgpu backend on the same Dawn
// adapter, its wasm and cpu backends), all in this one process, with ratios and GFLOP/s.
//
//   bun bench/nn.ts                    both sizes (the reference size takes several minutes)
//   bun bench/nn.ts --sizes small      32 × 2 only
//   bun bench/nn.ts --batch-ref 256    the reference size at batch 256 (default 64: tfjs needs
//                                      minutes per batch-64 training step on lavapipe)
//
// Wall-clock figures depend on what else the machine runs; GFLOP per CPU-second (process CPU
// time, lavapipe's threads included) is printed beside them because it does not.

import { parseArgs } from "node:util";
import type { Backend } from "../src/compute/backend.ts";
import { createBackend } from "../src/compute/device.ts";
import * as ops from "../src/compute/ops.ts";
import { modelFactory } from "../src/models/factory.ts";
import type { Network } from "../src/models/network.ts";
import { Adam } from "../src/models/optimizer.ts";
import type { TfjsBackend, TowerShape } from "./tfjs-tower.ts";

const ACTIONS = 13527;

/** Forward multiply-adds per sample (webgpu-anchors.md §2, with the value head's 2 planes). */
export function macsPerSample({ width: C, depth: N, seRatio }: TowerShape): number {
  const h = Math.max(1, Math.floor(C * seRatio));
  const stem = 81 * 46 * C * 9;
  const blocks = N * 2 * 81 * C * C * 9;
  const se = seRatio > 0 ? N * 2 * C * h : 0;
  const policy = 81 * C * 2 + 162 * ACTIONS;
  const value = 81 * C * 2 + 162;
  return stem + blocks + se + policy + value;
}
export const forwardFlops = (s: TowerShape) => 2 * macsPerSample(s);
/** Forward + gradient w.r.t. inputs (all but the stem's) + gradient w.r.t. weights. */
export const trainFlops = (s: TowerShape) => 3 * forwardFlops(s) - 2 * 81 * 46 * s.width * 9;

interface Row {
  who: string;
  size: string;
  mode: "inference" | "train";
  batch: number;
  samplesPerSecond: number | null;
  gflops: number | null;
  gflopsPerCpuSecond: number | null;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Fixed observations and legal masks (40 legal actions per row) for `batch` rows. */
export function syntheticInputs(net: Network, batch: number): { obs: Float32Array; mask: Uint32Array } {
  const obs = new Float32Array(batch * net.obsSize).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const mask = new Uint32Array(batch * net.maskWords);
  for (let r = 0; r < batch; r++)
    for (let k = 0; k < 40; k++) {
      const a = (r * 7919 + k * 337) % ACTIONS;
      mask[r * net.maskWords + (a >>> 5)] |= 1 << (a & 31);
    }
  return { obs, mask };
}

/**
 * One benchmark step of `net` at batch `batch`: inference (forward with running statistics, logits
 * and value read back) or training (forward, PPO loss, backward, Adam, the loss means read back),
 * on fixed synthetic inputs with 40 legal actions per row. `destroy` frees the optimizer.
 */
export function networkStep(
  be: Backend,
  net: Network,
  mode: "inference" | "train",
  batch: number,
): { once: () => Promise<void>; destroy: () => void } {
  const plan = net.plan(batch, { training: true });
  // The PPO loss kernel's own buffers (the learner's, in rl/ppo.ts).
  const ppo = {
    actions: be.alloc("ppo.actions", batch, "u32"),
    samples: be.alloc("ppo.samples", batch * 4),
    stats: be.alloc("ppo.stats", batch * 6),
    means: be.alloc("ppo.means", 7),
  };
  const { obs, mask } = syntheticInputs(net, batch);
  const firstLegal = Uint32Array.from({ length: batch }, (_, r) => (r * 7919) % ACTIONS);
  const samples = new Float32Array(batch * 4).map((_, i) => (i % 4 === 0 ? -3.7 : ((i * 37) % 100) / 100 - 0.5));
  const adam = new Adam(net, { lr: 3e-4, maxGradNorm: 0.5 });
  const once = async () => {
    net.setInputs(plan, obs, mask);
    if (mode === "inference") {
      net.forward(plan, "infer");
      await Promise.all([be.read(plan.logits), be.read(plan.value)]);
      return;
    }
    be.write(ppo.actions, firstLegal);
    be.write(ppo.samples, samples);
    net.zeroGrad();
    net.forward(plan, "train");
    ops.ppoLoss(
      be,
      { dlogits: plan.dlogits, dvalues: plan.dvalue, stats: ppo.stats, means: ppo.means },
      { logits: plan.logits, mask: plan.mask, actions: ppo.actions, samples: ppo.samples, values: plan.value },
      { rows: batch, actions: ACTIONS },
      { clipEps: 0.2, valueCoef: 0.5, entropyCoef: 0.01, valueClip: false },
    );
    net.backward(plan);
    adam.update();
    await be.read(ppo.means);
  };
  return { once, destroy: () => adam.destroy() };
}

async function timeKeisei(
  be: Backend,
  shape: TowerShape,
  mode: "inference" | "train",
  batch: number,
  iterations: number,
): Promise<{ seconds: number; cpuSeconds: number }> {
  const net = modelFactory(
    be,
    "resnet",
    { depth: shape.depth, width: shape.width, seRatio: shape.seRatio },
    { seed: 1 },
  );
  await net.prepare();
  const { once, destroy } = networkStep(be, net, mode, batch);
  await once(); // warm-up: pipeline compilation, first-touch allocation
  const times: number[] = [];
  const cpu: number[] = [];
  const started = performance.now();
  // Up to `iterations` timed runs, fewer when they are slow (at least one; about 20 s in all).
  for (let i = 0; i < iterations && (i === 0 || performance.now() - started < 20_000); i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  destroy();
  net.destroy();
  return { seconds: median(times), cpuSeconds: median(cpu) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "small,ref" },
      "batch-small": { type: "string", default: "256" },
      "batch-ref": { type: "string", default: "64" },
      "skip-tfjs": { type: "boolean", default: false },
    },
  });
  const sizes: { name: string; shape: TowerShape; batch: number; iters: number }[] = [];
  if (values.sizes!.includes("small"))
    sizes.push({
      name: "32×2",
      shape: { width: 32, depth: 2, seRatio: 0.25 },
      batch: Number(values["batch-small"]),
      iters: 5,
    });
  if (values.sizes!.includes("ref"))
    sizes.push({
      name: "256×9",
      shape: { width: 256, depth: 9, seRatio: 0.25 },
      batch: Number(values["batch-ref"]),
      iters: 1,
    });

  const rows: Row[] = [];
  const print = (r: Row) => {
    const f = (v: number | null, d: number) => (v === null ? "-" : v.toFixed(d));
    console.log(
      `${r.who.padEnd(16)} ${r.size.padEnd(6)} ${r.mode.padEnd(9)} batch ${String(r.batch).padStart(3)}  ${f(r.samplesPerSecond, 1).padStart(9)} samples/s  ${f(r.gflops, 2).padStart(7)} GFLOP/s  ${f(r.gflopsPerCpuSecond, 2).padStart(7)} GFLOP/CPU-s${r.note ? `  (${r.note})` : ""}`,
    );
    rows.push(r);
  };

  for (const kind of ["webgpu", "cpu"] as const) {
    let be: Backend;
    try {
      be = await createBackend(kind);
    } catch (e) {
      console.log(`keisei ${kind}: unavailable (${(e as Error).message})`);
      continue;
    }
    console.log(`keisei ${kind}: ${be.info.description}`);
    for (const s of sizes)
      for (const mode of ["inference", "train"] as const) {
        const { seconds, cpuSeconds } = await timeKeisei(be, s.shape, mode, s.batch, s.iters);
        const flop = (mode === "train" ? trainFlops(s.shape) : forwardFlops(s.shape)) * s.batch;
        print({
          who: `keisei ${kind}`,
          size: s.name,
          mode,
          batch: s.batch,
          samplesPerSecond: s.batch / seconds,
          gflops: flop / seconds / 1e9,
          gflopsPerCpuSecond: flop / cpuSeconds / 1e9,
        });
      }
    be.destroy();
  }

  if (!values["skip-tfjs"]) {
    for (const backend of ["webgpu", "wasm", "cpu"] as TfjsBackend[])
      for (const s of sizes)
        for (const mode of ["inference", "train"] as const) {
          const who = `tfjs ${backend}`;
          // tfjs cpu at the reference size needs hours per training step (anchors: ~70 min at batch 64).
          if (backend === "cpu" && s.name === "256×9" && mode === "train") {
            print({
              who,
              size: s.name,
              mode,
              batch: s.batch,
              samplesPerSecond: null,
              gflops: null,
              gflopsPerCpuSecond: null,
              note: "not run: about an hour per step",
            });
            continue;
          }
          // Loaded here, not at the top: bench/gpu.ts imports this file on machines without tfjs.
          const { timeTfjs } = await import("./tfjs-tower.ts");
          const t = await timeTfjs(backend, s.shape, mode, s.batch, s.iters, s.name === "256×9" ? 0 : 1);
          if (!t) {
            print({
              who,
              size: s.name,
              mode,
              batch: s.batch,
              samplesPerSecond: null,
              gflops: null,
              gflopsPerCpuSecond: null,
              note:
                backend === "wasm" && mode === "train"
                  ? "cannot train: no Conv2DBackpropFilter"
                  : "backend unavailable",
            });
            continue;
          }
          const flop = (mode === "train" ? trainFlops(s.shape) : forwardFlops(s.shape)) * s.batch;
          print({
            who,
            size: s.name,
            mode,
            batch: s.batch,
            samplesPerSecond: t.samplesPerSecond,
            gflops: flop / t.secondsPerBatch / 1e9,
            gflopsPerCpuSecond: flop / t.cpuSecondsPerBatch / 1e9,
          });
        }
  }

  console.log("\nratios (keisei's best backend ÷ TensorFlow.js's best backend, same size and mode):");
  for (const s of sizes)
    for (const mode of ["inference", "train"] as const) {
      const best = (prefix: string) =>
        rows
          .filter(
            (r) => r.who.startsWith(prefix) && r.size === s.name && r.mode === mode && r.samplesPerSecond !== null,
          )
          .sort((a, b) => b.samplesPerSecond! - a.samplesPerSecond!)[0];
      const ours = best("keisei");
      const theirs = best("tfjs");
      const wasm = rows.find(
        (r) => r.who === "tfjs wasm" && r.size === s.name && r.mode === mode && r.samplesPerSecond !== null,
      );
      if (!ours || !theirs) continue;
      const extra =
        mode === "inference" && wasm
          ? `; vs tfjs wasm ${(ours.samplesPerSecond! / wasm.samplesPerSecond!).toFixed(2)}×`
          : "";
      console.log(
        `  ${s.name} ${mode}: ${ours.who} ${ours.samplesPerSecond!.toFixed(1)} vs ${theirs.who} ${theirs.samplesPerSecond!.toFixed(1)} samples/s = ${(ours.samplesPerSecond! / theirs.samplesPerSecond!).toFixed(2)}×${extra}`,
      );
    }
  process.exit(0);
}

if (import.meta.main) await main();
