// The GPU bench (run by bench/gpu.sh on a machine with a GPU): on the WebGPU adapter,
//   1. every variant of the GEMM-shaped kernels (register-blocked, 32- and 64-wide tiles) at the
//      default network's shapes (9×256 tower, batch 256; the dense policy head's GEMM), in GFLOP/s
//      and as a share of the adapter's fp32 peak when the adapter is in the table below;
//   2. the default network's inference and training samples/s with autotune's choice, against
//      PyTorch on CUDA in the same run where a CUDA PyTorch is at hand (bench/torch_tower.py run by
//      $KEISEI_TORCH_PYTHON, else python3; the anchor is left out, with the reason, where it is not),
//      and the same with f16 storage (training.mixed_precision) where the adapter offers shader-f16;
//   3. where a training step's time goes, by kernel: the step's dispatches replayed one at a time,
//      each submitted and waited for (so each figure includes one submit; the sum exceeds the step).
//
//   bun bench/gpu.ts [--batch 256] [--depth 9] [--width 256]

import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import type { Backend, Buf, KernelSpec, Uniforms } from "../src/compute/backend.ts";
import { createBackend } from "../src/compute/device.ts";
import { FAMILIES, FAMILY_NAMES, type KernelFamily } from "../src/compute/kernels/index.ts";
import { createNetwork, modelFactory } from "../src/models/factory.ts";
import type { Network } from "../src/models/network.ts";
import { networkStep } from "./nn.ts";

/** fp32 peak TFLOP/s of known GPUs (vendor data sheets: shader cores × 2 × boost clock), by a pattern of the adapter's name. */
const PEAKS: [RegExp, number, string][] = [
  [/H200|H100.*SXM|H100 80GB HBM3/i, 66.9, "NVIDIA H100/H200 SXM"],
  [/H100/i, 51.2, "NVIDIA H100 PCIe"],
  [/A100/i, 19.5, "NVIDIA A100"],
  [/L40S/i, 91.6, "NVIDIA L40S"],
  [/\bL4\b/i, 30.3, "NVIDIA L4"],
  [/A10G/i, 31.2, "NVIDIA A10G"],
  [/\bT4\b/i, 8.1, "NVIDIA T4"],
  [/V100/i, 15.7, "NVIDIA V100"],
  [/RTX 4090/i, 82.6, "NVIDIA RTX 4090"],
  [/RTX 4080/i, 48.7, "NVIDIA RTX 4080"],
  [/RTX 3090/i, 35.6, "NVIDIA RTX 3090"],
  [/RTX 3080/i, 29.8, "NVIDIA RTX 3080"],
  [/RTX 3060/i, 12.7, "NVIDIA RTX 3060"],
  [/RX 7900 XTX/i, 61.4, "AMD Radeon RX 7900 XTX"],
  [/MI300X/i, 163.4, "AMD Instinct MI300X"],
  [/MI250/i, 47.9, "AMD Instinct MI250"],
  [/Arc.*A770/i, 19.7, "Intel Arc A770"],
  [/Apple M1 Max/i, 10.4, "Apple M1 Max"],
  [/Apple M1/i, 2.6, "Apple M1"],
  [/Apple M2 Max/i, 13.6, "Apple M2 Max"],
  [/Apple M2/i, 3.6, "Apple M2"],
  [/Apple M3 Max/i, 16.4, "Apple M3 Max"],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeOne(be: Backend, k: KernelSpec, bufs: Record<string, Buf>, u: Uniforms, reps = 10): Promise<number> {
  be.run(k, bufs, u);
  await be.submit(); // pipeline compile
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) be.run(k, bufs, u); // 5 dispatches per submit: the submit cost shared
    await be.submit();
    times.push((performance.now() - t0) / 5);
  }
  return median(times);
}

/** The first GPU's name as nvidia-smi gives it, or "" where it cannot. */
function nvidiaSmiName(): string {
  const r = spawnSync("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split("\n")[0] : "";
}

/** PyTorch's samples/s for the same tower on CUDA (math: its default TF32 convolutions, or strict fp32), or why there is none. */
function torchCuda(
  depth: number,
  width: number,
  batch: number,
  math: "tf32" | "fp32",
): { inference: number; train: number; torch: string } | string {
  const python = process.env.KEISEI_TORCH_PYTHON || "python3";
  const args = [`${import.meta.dir}/torch_tower.py`, depth, width, 0.25, batch, 1, 5, "cuda", math].map(String);
  const r = spawnSync(python, args, { encoding: "utf8" });
  if (r.status !== 0)
    return `${python} bench/torch_tower.py … cuda failed: ${(r.stderr || String(r.error)).trim().split("\n").at(-1)}`;
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}

async function main() {
  const { values } = parseArgs({
    options: {
      batch: { type: "string", default: "256" },
      depth: { type: "string", default: "9" },
      width: { type: "string", default: "256" },
    },
  });
  const [N, depth, C] = [Number(values.batch), Number(values.depth), Number(values.width)];
  const be = await createBackend("webgpu");
  const name = be.info.description;
  // Dawn names an NVIDIA adapter only "nvidia / ?" under Vulkan: the driver's own tool names the board.
  const board = /nvidia/i.test(name) ? nvidiaSmiName() : "";
  const peak = PEAKS.find(([re]) => re.test(name) || (board !== "" && re.test(board)));
  console.log(`${name}${board ? ` (nvidia-smi: ${board})` : ""}`);
  console.log(peak ? `peak fp32: ${peak[1]} TFLOP/s (${peak[2]})` : "peak fp32: not in bench/gpu.ts's table");

  // 1. kernel variants at the default network's shapes
  const alloc = (label: string, n: number) => be.alloc(label, n);
  const shapes: Record<KernelFamily, { bufs: Record<string, Buf>; u: Uniforms; flop: number; what: string }> = {
    conv: {
      bufs: { x: alloc("x", N * C * 81), w: alloc("w", C * C * 9), bias: alloc("bias", C), y: alloc("y", N * C * 81) },
      u: { batch: N, cin: C, cout: C, wStrideOut: C * 9, wStrideIn: 9, flip: 0, hasBias: 1, accumulate: 0 },
      flop: 2 * N * 81 * C * C * 9,
      what: `3×3 conv ${C}→${C}, batch ${N}`,
    },
    weightGrad: {
      bufs: { x: alloc("x", N * C * 81), dy: alloc("dy", N * C * 81), dw: alloc("dw", C * C * 9) },
      u: { batch: N, cin: C, cout: C, wStrideOut: 0, wStrideIn: 0, flip: 0, hasBias: 0, accumulate: 1 },
      flop: 2 * N * 81 * C * C * 9,
      what: `3×3 weight gradient ${C}→${C}, batch ${N}`,
    },
    gemm: {
      bufs: {
        a: alloc("a", N * 162),
        b: alloc("b", 13527 * 162),
        bias: alloc("bias", 13527),
        c: alloc("c", N * 13527),
      },
      u: {
        m: N,
        n: 13527,
        k: 162,
        batch: 1,
        sAb: 0,
        sAm: 162,
        sAk: 1,
        sBb: 0,
        sBk: 1,
        sBn: 162,
        sCb: 0,
        sCm: 13527,
        sCn: 1,
        biasMode: 1,
        act: 0,
        accumulate: 0,
        sumBatch: 0,
      },
      flop: 2 * N * 162 * 13527,
      what: `dense policy head GEMM ${N}×162 · 162×13527`,
    },
    reduce: {
      bufs: {
        logits: alloc("logits", N * 13527),
        mask: be.alloc("mask", N * 423, "u32"),
        logp: alloc("logp", N * 13527),
      },
      u: { rows: N, actions: 13527, words: 423, greedy: 0 },
      flop: 0, // memory-bound: no GFLOP/s
      what: `log-softmax over 13527 actions, ${N} rows`,
    },
  };
  console.log("\nkernel variants (median of 10, 5 dispatches per submit)");
  for (const f of FAMILY_NAMES) {
    const s = shapes[f];
    for (const k of FAMILIES[f]) {
      if (k.source.startsWith("enable subgroups;") && !(be as { device?: GPUDevice }).device?.features.has("subgroups"))
        continue;
      const ms = await timeOne(be, k, s.bufs, s.u);
      const gflops = s.flop / ms / 1e6;
      const chosen = be.variants?.[f] === k ? "  ← autotune's choice" : "";
      const rate = s.flop
        ? ` ${gflops.toFixed(0).padStart(7)} GFLOP/s${peak ? ` ${((gflops / (peak[1] * 1000)) * 100).toFixed(1).padStart(5)} % of peak` : ""}`
        : "";
      console.log(`  ${s.what.padEnd(44)} ${k.name.padEnd(32)} ${ms.toFixed(3).padStart(9)} ms${rate}${chosen}`);
    }
    for (const b of Object.values(s.bufs)) be.free(b);
  }

  // 2. the network, with autotune's choice; f32 storage, then f16 where offered
  const net = modelFactory(be, "resnet", { depth, width: C, seRatio: 0.25 }, { seed: 1 });
  await net.prepare();
  console.log(`\nnetwork ${depth}×${C} (SE 0.25, dense head), batch ${N}`);
  const samplesPerSecond = async (n: Network, mode: "inference" | "train") => {
    const { once, destroy } = networkStep(be, n, mode, N);
    await once();
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await once();
      times.push((performance.now() - t0) / 1000);
    }
    destroy();
    return N / median(times);
  };
  const ours: Record<string, number> = {};
  for (const mode of ["inference", "train"] as const) {
    ours[mode] = await samplesPerSecond(net, mode);
    console.log(`  ${mode.padEnd(10)} ${ours[mode].toFixed(1).padStart(9)} samples/s`);
  }
  if (be.info.f16) {
    const half = createNetwork(be, net.arch, { seed: 1 }, "f16");
    for (const mode of ["inference", "train"] as const) {
      const f16 = await samplesPerSecond(half, mode);
      console.log(
        `  ${mode.padEnd(10)} ${f16.toFixed(1).padStart(9)} samples/s with f16 storage (training.mixed_precision); f16 ÷ f32 ${(f16 / ours[mode]).toFixed(2)}×`,
      );
    }
    half.destroy();
  } else console.log("  f16 storage: the adapter does not offer shader-f16");
  for (const math of ["tf32", "fp32"] as const) {
    const anchor = torchCuda(depth, C, N, math);
    if (typeof anchor === "string") {
      console.log(`  PyTorch anchor: none (${anchor})`);
      break;
    }
    for (const mode of ["inference", "train"] as const)
      console.log(
        `  PyTorch ${anchor.torch} cuda ${math} ${mode.padEnd(10)} ${anchor[mode].toFixed(1).padStart(9)} samples/s; keisei ÷ PyTorch ${(ours[mode] / anchor[mode]).toFixed(2)}×`,
      );
  }

  // 3. where a training step's time goes, by kernel: the step's dispatches recorded, then each
  // replayed alone on its own buffers (submitted and waited for: each figure includes one submit)
  const { once, destroy } = networkStep(be, net, "train", N);
  await once();
  const calls: [KernelSpec, Record<string, Buf>, Uniforms | undefined][] = [];
  const run = be.run.bind(be);
  be.run = (k, b, u) => {
    calls.push([k, b, u]);
    run(k, b, u);
  };
  const t0 = performance.now();
  await once();
  const stepMs = performance.now() - t0;
  be.run = run;
  const perKernel = new Map<string, { ms: number; n: number }>();
  for (const [k, b, u] of calls) {
    const t = performance.now();
    be.run(k, b, u);
    await be.submit();
    const e = perKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += performance.now() - t;
    e.n++;
    perKernel.set(k.name, e);
  }
  destroy();
  console.log(`
one training step: ${stepMs.toFixed(1)} ms; its ${calls.length} dispatches replayed one by one:`);
  for (const [k, e] of [...perKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15))
    console.log(`  ${k.padEnd(32)} ${e.ms.toFixed(2).padStart(9)} ms  (${e.n} dispatches)`);
  net.destroy();
  be.destroy();
}

await main();
