// The cpu backend on the network, without the webgpu and tfjs parts of bench/nn.ts: samples/s
// and GFLOP per CPU-second for inference and a training step (same workload as bench/nn.ts), the
// act step of self-play (batch 64 forward + masked sampling), and where the time goes, by kernel
// (wasm or twin). `--backend reference` times the reference backend (every kernel its twin) instead.
//
//   bun dev/cpu-gemm/nn-cpu.ts [--size 32x2] [--batch 256] [--backend cpu|reference] [--profile]

import { parseArgs } from "node:util";
import type { Buf, KernelSpec, Uniforms } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { FAST_KERNELS } from "../../src/compute/cpu/fast/index.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { forwardFlops, networkStep, syntheticInputs, trainFlops } from "../../bench/nn.ts";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "32x2" },
    batch: { type: "string", default: "256" },
    backend: { type: "string", default: "cpu" },
    profile: { type: "boolean", default: false },
    seconds: { type: "string", default: "6" },
  },
});
const [width, depth] = values.size!.split("x").map(Number);
const batch = Number(values.batch);
if (values.backend !== "cpu" && values.backend !== "reference")
  throw new Error(`--backend is "${values.backend}"; it must be "cpu" or "reference"`);
const be = values.backend === "cpu" ? new CpuBackend() : new ReferenceBackend();
console.log(be.info.description);

const shape = { width, depth, seRatio: 0.25 };
const fwdFlop = forwardFlops(shape);
const trainFlop = trainFlops(shape);

// per-kernel profile
const prof = new Map<string, { ms: number; calls: number }>();
if (values.profile) {
  const run = be.run.bind(be);
  be.run = (k: KernelSpec, b: Record<string, Buf>, u?: Uniforms) => {
    const t0 = performance.now();
    run(k, b, u);
    const name = `${k.name}${be instanceof CpuBackend && FAST_KERNELS[k.name] ? " [wasm]" : ""}`;
    const e = prof.get(name) ?? { ms: 0, calls: 0 };
    e.ms += performance.now() - t0;
    e.calls++;
    prof.set(name, e);
  };
}

async function measure(label: string, B: number, mode: "inference" | "train" | "act", flop: number) {
  const net = modelFactory(be, "resnet", shape, { seed: 1 });
  await net.prepare();
  // inference and training: bench/nn.ts's step; act: what self-play does per step
  const step = mode === "act" ? null : networkStep(be, net, mode, B);
  const actPlan = mode === "act" ? net.plan(B, { training: false }) : null;
  const { obs, mask } = syntheticInputs(net, B);
  const uniforms = new Float32Array(B).map((_, i) => (i * 0.618) % 1);
  const once = step ? step.once : async () => void (await net.getActionAndValue(actPlan!, obs, mask, { uniforms }));
  await once();
  prof.clear();
  const times: number[] = [];
  const cpus: number[] = [];
  const t0 = performance.now();
  while (times.length < 3 || performance.now() - t0 < Number(values.seconds) * 1000) {
    const c0 = process.cpuUsage();
    const s = performance.now();
    await once();
    times.push((performance.now() - s) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const sec = med(times);
  const cpu = med(cpus);
  console.log(
    `${label.padEnd(24)} batch ${String(B).padStart(3)}  ${(sec * 1000).toFixed(1).padStart(8)} ms  ${(B / sec).toFixed(1).padStart(8)} samples/s  ${((flop * B) / sec / 1e9).toFixed(2).padStart(6)} GFLOP/s  ${((flop * B) / cpu / 1e9).toFixed(2).padStart(6)} GFLOP/CPU-s`,
  );
  if (values.profile) {
    const total = [...prof.values()].reduce((s, e) => s + e.ms, 0);
    for (const [name, e] of [...prof.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 16))
      console.log(
        `    ${name.padEnd(36)} ${(e.ms / times.length).toFixed(2).padStart(8)} ms/iter  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${(e.calls / times.length).toFixed(0)} calls`,
      );
  }
  step?.destroy();
  net.destroy();
}

await measure(`${values.size} inference`, batch, "inference", fwdFlop);
await measure(`${values.size} train`, batch, "train", trainFlop);
await measure(`${values.size} act (self-play)`, 64, "act", fwdFlop);
