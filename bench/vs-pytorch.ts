// keisei's cpu backend against PyTorch (the Python original's framework: Debian's python3-torch,
// oneDNN) on the same network, batch and thread count, in one run: inference and training
// samples/s of the ResNet tower (SE 0.25, the dense policy head) at 2×32 and 9×256, batches 64
// and 256, and keisei's figure as a ratio of PyTorch's. Training is one PPO step: forward, the
// loss over 40 legal moves per row, backward, gradient clipping, Adam.
//
//   bun bench/vs-pytorch.ts                        all four shapes (several minutes)
//   bun bench/vs-pytorch.ts --sizes 9x256 --batches 64 --seconds 10
//   bun bench/vs-pytorch.ts --wasm                 also keisei with its wasm kernels alone (as before
//                                                  the native convolutions), in the same run
//
// Issue #18's targets on a 2-core machine: 9×256 ≥ 1.0× PyTorch, 2×32 ≥ 3×.

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import type { Backend } from "../src/compute/backend.ts";
import { CpuBackend } from "../src/compute/cpu/backend.ts";
import { modelFactory } from "../src/models/factory.ts";
import { networkStep } from "./nn.ts";

const PYTHON = "/usr/bin/python3";

interface Shape {
  name: string;
  depth: number;
  width: number;
}
const SHAPES: Shape[] = [
  { name: "2x32", depth: 2, width: 32 },
  { name: "9x256", depth: 9, width: 256 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** PyTorch's samples/s from bench/torch_tower.py (OpenBLAS tuning variables unset for it alone). */
function torchRates(
  s: Shape,
  batch: number,
  threads: number,
  seconds: number,
): { version: string; inference: number; train: number } {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [`${import.meta.dir}/torch_tower.py`, s.depth, s.width, 0.25, batch, threads, seconds].map(String);
  const r = spawnSync(PYTHON, args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${PYTHON} bench/torch_tower.py failed: ${r.stderr || r.error}`);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  return { version: out.torch, inference: out.inference, train: out.train };
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "2x32,9x256" },
      batches: { type: "string", default: "64,256" },
      seconds: { type: "string", default: "8" },
      wasm: { type: "boolean", default: false },
    },
  });
  const seconds = Number(values.seconds);
  // The wasm kernels run on at most 2 threads: the native pool (and PyTorch) get as many, so every
  // side runs on the same thread count (KEISEI_CPU_THREADS, when set, decides for all three).
  process.env.KEISEI_CPU_THREADS ??= String(Math.min(2, availableParallelism()));
  const native = new CpuBackend();
  const sides: [string, Backend][] = [["keisei", native]];
  if (values.wasm) sides.push(["keisei wasm", new CpuBackend(undefined, { native: false })]);
  for (const [, be] of sides) await be.prepare([]); // the second thread up
  const threads = native.threads;
  const nativeThreads = Number(/on (\d+) threads?/.exec(native.info.description)?.[1] ?? threads);
  if (nativeThreads !== threads)
    console.log(`note: native convolutions on ${nativeThreads} threads, wasm and PyTorch on ${threads}`);
  for (const [who, be] of sides) console.log(`${who}: ${be.info.description}`);
  console.log(`PyTorch: ${PYTHON}, ${threads} thread${threads > 1 ? "s" : ""}`);
  console.log(
    `net    batch  mode       ${sides.map(([w]) => `${w} samples/s`.padStart(22)).join("")}   PyTorch samples/s   ratio${values.wasm ? " (native, wasm)" : ""}`,
  );
  /** Median samples/s of `mode` steps of the tower on `be`, for about `seconds`. */
  const rate = async (be: Backend, s: Shape, batch: number, mode: "inference" | "train") => {
    const net = modelFactory(be, "resnet", { depth: s.depth, width: s.width, seRatio: 0.25 }, { seed: 1 });
    await net.prepare();
    const { once, destroy } = networkStep(be, net, mode, batch);
    await once(); // warm-up: packing caches, first-touch allocation
    const times: number[] = [];
    const started = performance.now();
    while (times.length === 0 || (performance.now() - started < seconds * 1000 && times.length < 50)) {
      const t0 = performance.now();
      await once();
      times.push((performance.now() - t0) / 1000);
    }
    destroy();
    net.destroy();
    return batch / median(times);
  };
  for (const s of SHAPES.filter((x) => values.sizes!.split(",").includes(x.name)))
    for (const batch of values.batches!.split(",").map(Number)) {
      const torch = torchRates(s, batch, threads, seconds);
      for (const mode of ["inference", "train"] as const) {
        const ours: number[] = [];
        for (const [, be] of sides) ours.push(await rate(be, s, batch, mode));
        const theirs = torch[mode];
        console.log(
          `${s.name.padEnd(6)} ${String(batch).padStart(5)}  ${mode.padEnd(10)} ${ours.map((v) => v.toFixed(1).padStart(22)).join("")} ${theirs.toFixed(1).padStart(19)}   ${ours.map((v) => `${(v / theirs).toFixed(2)}×`).join(", ")}`,
        );
      }
    }
  for (const [, be] of sides) be.destroy();
}

await main();
