// GEMM microbench for the CPU backend: the TypeScript twin's blocked GEMM vs wasm SIMD128
// micro-kernel variants (variants.ts), on the shapes the network runs. Prints GFLOP/s (wall)
// and GFLOP per CPU-second (process CPU time: comparable while the machine is shared).
//
//   bun dev/cpu-gemm/bench.ts [variant-filter]
//
// 2026-11-24, idle 2-core Zen 5 (one thread; wasm SIMD128 roof ≈ 54 GFLOP/s), GFLOP/s:
//   shape                                01-ts-blocked  3x12-mul  3x12-mul-k2  2x16-mul  6x8-mul-k2  4x8-mul-k2
//   conv 32ch (32 × 84 × 288)                 8.5         52.7       52.1        52.1       47.5        44.5
//   policy fwd (256 × 13536 × 162)            8.2         48.7       49.9        46.4       45.1        42.7
//   square 512                                8.3         48.0       47.7        47.2       43.8        41.8
// relaxed_madd ("fma") is no faster: JavaScriptCore lowers it to an unfused mul + add (checked
// with an operand pair whose fused and unfused results differ). 16 accumulators (4×16, 8×4)
// spill: x86 SSE/AVX code has 16 vector registers. Promoted: 3×12, mul + add, k unrolled by 2
// (src/compute/cpu/fast/kernels-gen.ts `tile`), driven per shape by fast/gemm.ts;
// dev/cpu-gemm/shapes.ts times it on the network's shapes through the backend.

import { gemmABt } from "../../src/compute/kernels/gemm-blocked.ts";
import { buildVariant, type Variant } from "./variants.ts";

const filter = process.argv[2] ?? "";
const shapes = [
  { name: "conv 32ch (M=cout 32, N=84, K=288)", M: 32, N: 84, K: 288, reps: 400 },
  { name: "policy fwd (M=batch 256, N=13536, K=162)", M: 256, N: 13536, K: 162, reps: 2 },
  { name: "square 512", M: 512, N: 512, K: 512, reps: 2 },
];

function time(fn: () => void, flop: number) {
  fn();
  const best = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    best.wall = Math.min(best.wall, wall);
    best.cpu = Math.min(best.cpu, (c.user + c.system) / 1e6);
  }
  return { gflops: flop / best.wall / 1e9, perCpu: flop / best.cpu / 1e9 };
}

const variants: Variant[] = [];
for (const [mr, nv] of [
  [4, 2],
  [6, 2],
  [4, 3],
  [3, 3],
  [5, 2],
  [3, 4],
  [2, 4],
  [8, 1],
  [4, 4],
])
  for (const fma of [false, true])
    for (const unroll of [1, 2] as const)
      variants.push({
        name: `${fma ? "03" : "02"}-wasm-simd-${mr}x${nv * 4}-${fma ? "fma" : "mul"}${unroll === 2 ? "-k2" : ""}`,
        mr,
        nv,
        fma,
        unroll,
      });

const rnd = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 1000) / 500 - 1);

for (const s of shapes) {
  console.log(`\n${s.name}`);
  if ("01-ts-blocked".includes(filter) || !filter) {
    const A = rnd(s.M * s.K),
      B = rnd(s.N * s.K),
      C = new Float32Array(s.M * s.N);
    const r = time(
      () => {
        for (let i = 0; i < s.reps; i++) gemmABt(s.M, s.N, s.K, A, 0, s.K, B, 0, s.K, C, 0, s.N, false);
      },
      2 * s.M * s.N * s.K * s.reps,
    );
    console.log(
      `  ${"01-ts-blocked".padEnd(28)} ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.perCpu.toFixed(2).padStart(6)} GFLOP/CPU-s`,
    );
  }
  for (const v of variants) {
    if (filter && !v.name.includes(filter)) continue;
    const M = s.M - (s.M % v.mr);
    const N = s.N - (s.N % (4 * v.nv));
    const mem = new WebAssembly.Memory({ initial: Math.ceil(((M * s.K + s.K * s.N + M * s.N) * 4 + 4096) / 65536) });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(buildVariant(v) as BufferSource), {
      env: { memory: mem },
    });
    const gemm = inst.exports.gemm as (...a: number[]) => void;
    const f = new Float32Array(mem.buffer);
    const a = 16,
      b = a + M * s.K,
      c = b + s.K * s.N;
    f.set(rnd(M * s.K), a);
    f.set(rnd(s.K * s.N), b);
    const r = time(
      () => {
        for (let i = 0; i < s.reps; i++) gemm(M, N, s.K, a * 4, s.K * 4, 4, b * 4, s.N * 4, c * 4, s.N * 4, 0);
      },
      2 * M * N * s.K * s.reps,
    );
    // spot check against a dot product
    const m = M - 1,
      n = N - 1;
    let want = 0;
    for (let k = 0; k < s.K; k++) want += f[a + m * s.K + k] * f[b + k * s.N + n];
    const got = f[c + m * s.N + n];
    const ok = Math.abs(got - want) <= 1e-3 * (1 + Math.abs(want));
    console.log(
      `  ${v.name.padEnd(28)} ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  ${r.perCpu.toFixed(2).padStart(6)} GFLOP/CPU-s${ok ? "" : `  WRONG ${got} vs ${want}`}`,
    );
  }
}
