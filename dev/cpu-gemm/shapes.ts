// The cpu backend's wasm GEMM (src/compute/cpu/fast/gemm.ts through CpuBackend.run) on the
// network's shapes, 2 and 1 threads, vs the TypeScript twin on the reference backend: GFLOP/s and
// GFLOP per CPU-second (SKIP_TWIN=1 leaves the reference out).
//
//   bun dev/cpu-gemm/shapes.ts [filter]

import type { Buf, KernelSpec, Uniforms } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import * as conv3 from "../../src/compute/kernels/conv3x3.ts";
import { gemm } from "../../src/compute/kernels/gemm.ts";

const filter = process.argv[2] ?? "";
const base = { batch: 1, sAb: 0, sBb: 0, sCb: 0, biasMode: 0, act: 0, accumulate: 0, sumBatch: 0 };
interface Case {
  name: string;
  kernel: KernelSpec;
  sizes: Record<string, number>;
  u: Uniforms;
  flop: number;
  bind: Record<string, string>;
}
const cases: Case[] = [];
const lin = (name: string, B: number, I: number, O: number) => {
  const flop = 2 * B * I * O;
  cases.push({
    name: `${name} fwd  (M=${B}, N=${O}, K=${I})`,
    kernel: gemm,
    sizes: { x: B * I, w: O * I, bias: O, y: B * O },
    bind: { a: "x", b: "w", bias: "bias", c: "y" },
    u: { ...base, m: B, n: O, k: I, sAm: I, sAk: 1, sBk: 1, sBn: I, sCm: O, sCn: 1, biasMode: 1 },
    flop,
  });
  cases.push({
    name: `${name} bwd-data (M=${B}, N=${I}, K=${O})`,
    kernel: gemm,
    sizes: { dy: B * O, w: O * I, dx: B * I },
    bind: { a: "dy", b: "w", bias: "w", c: "dx" },
    u: { ...base, m: B, n: I, k: O, sAm: O, sAk: 1, sBk: I, sBn: 1, sCm: I, sCn: 1 },
    flop,
  });
  cases.push({
    name: `${name} bwd-weight (M=${O}, N=${I}, K=${B})`,
    kernel: gemm,
    sizes: { dy: B * O, x: B * I, dw: O * I },
    bind: { a: "dy", b: "x", bias: "x", c: "dw" },
    u: { ...base, m: O, n: I, k: B, sAm: 1, sAk: O, sBk: I, sBn: 1, sCm: I, sCn: 1, accumulate: 1 },
    flop,
  });
};
lin("policy", 256, 162, 13527);
lin("policy", 64, 162, 13527);
for (const [N, C, Cin] of [
  [256, 32, 32],
  [256, 32, 46],
  [64, 256, 256],
]) {
  const flop = 2 * N * C * Cin * 9 * 81;
  cases.push({
    name: `conv fwd ${Cin}→${C} N=${N}`,
    kernel: conv3.conv,
    sizes: { x: N * Cin * 81, w: C * Cin * 9, bias: C, y: N * C * 81 },
    bind: { x: "x", w: "w", bias: "bias", y: "y" },
    u: { batch: N, cin: Cin, cout: C, wStrideOut: Cin * 9, wStrideIn: 9, flip: 0, hasBias: 1, accumulate: 0 },
    flop,
  });
  cases.push({
    name: `conv bwd-data ${Cin}→${C} N=${N}`,
    kernel: conv3.conv,
    sizes: { dy: N * C * 81, w: C * Cin * 9, dx: N * Cin * 81 },
    bind: { x: "dy", w: "w", bias: "w", y: "dx" },
    u: { batch: N, cin: C, cout: Cin, wStrideOut: 9, wStrideIn: Cin * 9, flip: 1, hasBias: 0, accumulate: 0 },
    flop,
  });
  cases.push({
    name: `conv bwd-weight ${Cin}→${C} N=${N}`,
    kernel: conv3.weightGrad,
    sizes: { x: N * Cin * 81, dy: N * C * 81, dw: C * Cin * 9 },
    bind: { x: "x", dy: "dy", dw: "dw" },
    u: { batch: N, cin: Cin, cout: C, wStrideOut: 0, wStrideIn: 0, flip: 0, hasBias: 0, accumulate: 1 },
    flop,
  });
}

for (const [fast, threads] of [
  [true, 2],
  [true, 1],
  [false, 1],
] as const) {
  if (!fast && process.env.SKIP_TWIN) continue;
  const be = fast ? new CpuBackend(undefined, { threads }) : new ReferenceBackend();
  await be.prepare([]);
  console.log(`\n${be.info.description}${be instanceof CpuBackend ? ` (${be.threads} running)` : ""}`);
  for (const c of cases) {
    if (filter && !c.name.includes(filter)) continue;
    const bufs: Record<string, Buf> = {};
    for (const [k, n] of Object.entries(c.sizes)) {
      bufs[k] = be.alloc(k, n);
      be.write(
        bufs[k],
        Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5),
      );
    }
    const bind: Record<string, Buf> = {};
    for (const [k, v] of Object.entries(c.bind)) bind[k] = bufs[v];
    const run = () => be.run(c.kernel, bind, c.u);
    run();
    let wall = Infinity,
      cpu = Infinity;
    const reps = fast ? 5 : 1;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      run();
      wall = Math.min(wall, (performance.now() - t0) / 1000);
      const d = process.cpuUsage(c0);
      cpu = Math.min(cpu, (d.user + d.system) / 1e6);
    }
    console.log(
      `  ${c.name.padEnd(44)} ${(wall * 1000).toFixed(1).padStart(8)} ms ${(c.flop / wall / 1e9).toFixed(2).padStart(7)} GFLOP/s ${(c.flop / cpu / 1e9).toFixed(2).padStart(7)} GFLOP/CPU-s`,
    );
    for (const b of Object.values(bufs)) be.free(b);
  }
}
