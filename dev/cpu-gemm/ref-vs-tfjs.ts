// The 256 × 9 tower's inference on the cpu backend (wasm SIMD, 1 and 2 threads) next to
// TensorFlow.js wasm (SIMD, 1 thread) in the same process, batch 64: the reference-size line of
// bench/nn.ts without its webgpu parts (keisei webgpu and tfjs webgpu need minutes per step on lavapipe).
//
//   bun dev/cpu-gemm/ref-vs-tfjs.ts [batch]

import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { macsPerSample } from "../../bench/nn.ts";
import { timeTfjs } from "../../bench/tfjs-tower.ts";

const batch = Number(process.argv[2] ?? 64);
const shape = { width: 256, depth: 9, seRatio: 0.25 };
const flop = 2 * macsPerSample(shape) * batch;
const line = (who: string, sec: number, cpu: number) =>
  console.log(
    `${who.padEnd(26)} 256×9 inference batch ${batch}  ${(batch / sec).toFixed(1).padStart(7)} samples/s  ${(flop / sec / 1e9).toFixed(2).padStart(6)} GFLOP/s  ${(flop / cpu / 1e9).toFixed(2).padStart(6)} GFLOP/CPU-s`,
  );

for (const threads of [1, 2]) {
  const be = new CpuBackend(undefined, { threads });
  const net = modelFactory(be, "resnet", shape, { seed: 1 });
  await net.prepare();
  const plan = net.plan(batch, { training: false });
  const obs = new Float32Array(batch * net.obsSize).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const mask = new Uint32Array(batch * net.maskWords).fill(1);
  const once = async () => {
    net.setInputs(plan, obs, mask);
    net.forward(plan, "infer");
    await Promise.all([be.read(plan.logits), be.read(plan.value)]);
  };
  await once();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await once();
    ts.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1e6);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  line(`keisei cpu (${be.threads} thread${be.threads > 1 ? "s" : ""})`, med(ts), med(cs));
  net.destroy();
  be.destroy();
}
const t = await timeTfjs("wasm", shape, "inference", batch, 3, 1);
if (t) line("tfjs wasm", t.secondsPerBatch, t.cpuSecondsPerBatch);
process.exit(0);
