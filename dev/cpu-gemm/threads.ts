// One thread vs two for the cpu backend's wasm kernels (fast/pool.ts): the 32 × 2 network's
// GEMM-shaped kernels at batch 256, alternating between a 1-thread and a 2-thread backend. Prints
// wall time, CPU time and the worker's share of the units: with a free second core, wall time
// drops; on a machine whose other core is busy the worker only time-shares and wall ≈ CPU.
//
//   bun dev/cpu-gemm/threads.ts [rounds]

import type { Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import * as ops from "../../src/compute/ops.ts";

const rounds = Number(process.argv[2] ?? 3);
const B = 256;
const C = 32;
const d = { batch: B, cin: C, cout: C };
const lin = { batch: B, in: 162, out: 13527 };
const flop = 3 * 2 * B * 81 * C * C * 9 + 3 * 2 * B * 162 * 13527;

async function setup(threads: number) {
  const be = new CpuBackend(undefined, { threads });
  await be.prepare([]);
  const a = (n: number) => {
    const b = be.alloc("t", n);
    be.write(
      b,
      Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5),
    );
    return b;
  };
  const t: Record<string, Buf> = {
    x: a(B * C * 81),
    w: a(C * C * 9),
    b: a(C),
    y: a(B * C * 81),
    dw: a(C * C * 9),
    db: a(C),
    dx: a(B * C * 81),
    fx: a(B * 162),
    fw: a(162 * 13527),
    fb: a(13527),
    fy: a(B * 13527),
    fdx: a(B * 162),
    fdw: a(162 * 13527),
    fdb: a(13527),
  };
  const step = () => {
    ops.conv3x3Forward(be, t.y, t.x, t.w, t.b, d);
    ops.conv3x3BackwardData(be, t.dx, t.y, t.w, d);
    ops.conv3x3BackwardWeight(be, t.dw, t.db, t.x, t.y, d);
    ops.linearForward(be, t.fy, t.fx, t.fw, t.fb, lin);
    ops.linearBackwardData(be, t.fdx, t.fy, t.fw, lin);
    ops.linearBackwardWeight(be, t.fdw, t.fdb, t.fx, t.fy, lin);
  };
  step();
  return { be, step };
}

const sides = [await setup(1), await setup(2)];
for (let r = 0; r < rounds; r++)
  for (const { be, step } of sides) {
    const pool = (be as unknown as { fast: { pool: { unitsRun(): number[] } } }).fast.pool;
    const before = pool.unitsRun();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) step();
    const wall = (performance.now() - t0) / 3000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 3e6;
    const units = pool.unitsRun().map((v, i) => v - before[i]);
    console.log(
      `${be.threads} thread(s): ${(wall * 1000).toFixed(1).padStart(7)} ms/step  ${(flop / wall / 1e9).toFixed(1).padStart(6)} GFLOP/s  ${(flop / cpu / 1e9).toFixed(1).padStart(6)} GFLOP/CPU-s  units per thread ${units.join(" / ")}`,
    );
  }
process.exit(0);
