// The cpu backend's native kernels (src/compute/cpu/native/kernels.c: the 3×3 convolutions as
// AVX2/FMA GEMMs, and the conv policy head's plane ↔ action gather) against the TypeScript twins on the reference backend, through the launchers in
// src/compute/ops.ts: forward (with and without bias), input gradient (flipped, transposed
// weights; overwritten and accumulated), weight gradient (overwritten and accumulated), on shapes
// that hit every edge of the 6 × 16 tiles (output channels not a multiple of 6, column tiles that
// straddle two samples, the last partial tile, the stem's 46 input planes, K not a multiple of
// the 256-deep blocks), and a 256-channel layer as the default network has. One thread and all
// threads must agree bit for bit (a training run resumes exactly whatever the core count).
//
// Where the library is not built or the CPU lacks AVX2/FMA these tests are skipped with the reason;
// with KEISEI_REQUIRE_NATIVE=1 (set by .ci/run on x86-64 Linux) that is a failure instead.

import { describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { type ConvAlgorithm, loadNative } from "../../src/compute/cpu/native/index.ts";
import * as conv3 from "../../src/compute/kernels/conv3x3.ts";
import * as ops from "../../src/compute/ops.ts";
import { NUM_ACTIONS } from "../../src/shogi/actions.ts";
import { POLICY_PLANES, policyPlaneTables } from "../../src/shogi/policy-planes.ts";
import { compare, normal, referenceBackend, rng } from "./helpers.ts";

const native = loadNative();
const why = "error" in native ? native.error : "";
if (why && process.env.KEISEI_REQUIRE_NATIVE === "1") throw new Error(`KEISEI_REQUIRE_NATIVE=1 but ${why}`);
if (why) console.log(`  native kernels unavailable (${why}): skipped`);

const backends = (convAlgorithm: ConvAlgorithm) =>
  why
    ? null
    : {
        all: new CpuBackend(undefined, { threads: 2, convAlgorithm }),
        one: new CpuBackend(undefined, { threads: 1, convAlgorithm }),
      };

/**
 * f32 sums of K unit-scale terms against the twins' f64 blocks: atol grows with √K. Winograd's
 * transforms add rounding of their own (entries up to 4 in Aᵀ, sums of 5 × 5 products): measured
 * here up to ~1.3e-5·√K, against ~5e-7·√K for the direct kernels; a wrong transform is off by O(1).
 */
const tolFor = (K: number, algorithm: ConvAlgorithm) =>
  algorithm === "winograd" ? { atol: 3e-5 * Math.sqrt(K), rtol: 2e-4 } : { atol: 4e-6 * Math.sqrt(K), rtol: 1e-4 };

/** Runs every conv3x3 launcher on `be` from the same inputs; returns the outputs. */
async function convAll(be: Backend, batch: number, cin: number, cout: number, seed: number) {
  const r = rng(seed);
  const d = { batch, cin, cout };
  const data: Record<string, Float32Array> = {
    x: normal(r, batch * cin * 81),
    w: normal(r, cout * cin * 9, 0.3),
    b: normal(r, cout),
    dy: normal(r, batch * cout * 81),
    y: normal(r, batch * cout * 81),
    yAcc: normal(r, batch * cout * 81),
    dx: normal(r, batch * cin * 81),
    dx0: normal(r, batch * cin * 81), // overwritten
    dw: normal(r, cout * cin * 9),
    dw0: normal(r, cout * cin * 9), // overwritten
    db: normal(r, cout),
  };
  const bufs: Record<string, Buf> = {};
  for (const [k, v] of Object.entries(data)) {
    bufs[k] = be.alloc(k, v.length);
    be.write(bufs[k], v);
  }
  ops.conv3x3Forward(be, bufs.y, bufs.x, bufs.w, bufs.b, d);
  // the kernel's modes no launcher uses today: accumulate without bias, and with bias
  const plain = { batch, cin, cout, wStrideOut: cin * 9, wStrideIn: 9, flip: 0 };
  be.run(conv3.conv, { x: bufs.x, w: bufs.w, bias: bufs.b, y: bufs.yAcc }, { ...plain, hasBias: 0, accumulate: 1 });
  be.run(conv3.conv, { x: bufs.x, w: bufs.w, bias: bufs.b, y: bufs.yAcc }, { ...plain, hasBias: 1, accumulate: 1 });
  ops.conv3x3BackwardData(be, bufs.dx, bufs.dy, bufs.w, d, true);
  ops.conv3x3BackwardData(be, bufs.dx0, bufs.dy, bufs.w, d);
  ops.conv3x3BackwardWeight(be, bufs.dw, bufs.db, bufs.x, bufs.dy, d);
  be.run(conv3.weightGrad, { x: bufs.x, dy: bufs.dy, dw: bufs.dw0 }, { ...plain, hasBias: 0, accumulate: 0 });
  const out: Record<string, Float32Array> = {};
  for (const k of ["y", "yAcc", "dx", "dx0", "dw", "dw0", "db"]) out[k] = (await be.read(bufs[k])) as Float32Array;
  for (const b of Object.values(bufs)) be.free(b);
  return out;
}

describe.skipIf(!!why)("native cpu kernels", () => {
  test("the backend says it runs them", () => {
    const be = new CpuBackend(undefined, { threads: 2 });
    expect(be.native).toBe(true);
    expect(be.info.description).toContain("native AVX2/FMA convolutions");
    expect(new CpuBackend(undefined, { native: false }).info.description).toContain("native kernels off");
  });
});

for (const algorithm of ["direct", "winograd"] as const)
  describe.skipIf(!!why)(`native cpu kernels: conv3x3 (${algorithm}) against the twins`, () => {
    const b = backends(algorithm)!;
    for (const [batch, cin, cout] of [
      [1, 1, 1],
      [2, 5, 11],
      [3, 16, 8],
      [9, 46, 32],
      [11, 3, 4],
      [2, 29, 13],
      [3, 256, 256],
    ]) {
      test(`forward, input gradient, weight gradient (N=${batch}, ${cin}→${cout}), one thread and all alike`, async () => {
        const seed = 100 + cin * 7 + batch;
        const [got, alone, want] = [
          await convAll(b.all, batch, cin, cout, seed),
          await convAll(b.one, batch, cin, cout, seed),
          await convAll(referenceBackend, batch, cin, cout, seed),
        ];
        const diffs: string[] = [];
        for (const k of Object.keys(want)) {
          const K = k.startsWith("dw") ? 81 * batch : 9 * Math.max(cin, cout);
          const tol = tolFor(K, algorithm);
          const c = compare(got[k], want[k], tol.atol, tol.rtol);
          if (c.bad > 0)
            throw new Error(
              `${k}: ${c.bad}/${got[k].length} differ beyond atol ${tol.atol} + rtol ${tol.rtol}; max |diff| ${c.maxDiff} at [${c.at}] (native ${got[k][c.at]}, twin ${want[k][c.at]})`,
            );
          diffs.push(`${k} ${c.maxDiff.toExponential(2)}`);
          expect(got[k].every((v, i) => Object.is(v, alone[k][i]))).toBe(true);
        }
        console.log(`  ${algorithm} N=${batch} ${cin}→${cout}: max |native − twin| ${diffs.join(", ")}`);
      }, 60_000);
    }
  });

describe.skipIf(!!why)("native cpu kernels: the conv policy head's gather", () => {
  test("planes → logits and back, both movers, 37 rows over every thread, equal to the twin", async () => {
    const { gather, scatter } = policyPlaneTables();
    const rows = 37; // five units of 8 rows, the last partial
    const cells = POLICY_PLANES * 81;
    const r = rng(7);
    const obs = new Float32Array(rows * 46 * 81);
    for (let row = 0; row < rows; row += 3) obs.fill(1, (row * 46 + 42) * 81, (row * 46 + 43) * 81); // Black to move
    const fwd = { rows, srcCols: cells, dstCols: NUM_ACTIONS, obsStride: 46 * 81, moverAt: 42 * 81 };
    const bwd = { ...fwd, srcCols: NUM_ACTIONS, dstCols: cells };
    const data = { planes: normal(r, rows * cells), dlogits: normal(r, rows * NUM_ACTIONS) };
    const run = async (be: Backend) => {
      const bufs: Record<string, Buf> = {};
      for (const [k, v] of Object.entries(data)) {
        bufs[k] = be.alloc(k, v.length);
        be.write(bufs[k], v);
      }
      for (const [k, v] of Object.entries({ gather, scatter })) {
        bufs[k] = be.alloc(k, v.length, "u32");
        be.write(bufs[k], v);
      }
      bufs.obs = be.alloc("obs", obs.length);
      be.write(bufs.obs, obs);
      bufs.logits = be.alloc("logits", rows * NUM_ACTIONS);
      bufs.dplanes = be.alloc("dplanes", rows * cells);
      be.write(bufs.logits, normal(rng(1), rows * NUM_ACTIONS)); // overwritten everywhere
      ops.gatherByMover(be, bufs.logits, bufs.planes, bufs.gather, bufs.obs, fwd);
      ops.gatherByMover(be, bufs.dplanes, bufs.dlogits, bufs.scatter, bufs.obs, bwd);
      const out = {
        logits: (await be.read(bufs.logits)) as Float32Array,
        dplanes: (await be.read(bufs.dplanes)) as Float32Array,
      };
      for (const b of Object.values(bufs)) be.free(b);
      return out;
    };
    const b = backends("auto")!;
    const [all, one, twin] = [await run(b.all), await run(b.one), await run(referenceBackend)];
    for (const k of ["logits", "dplanes"] as const) {
      expect(all[k]).toEqual(twin[k]);
      expect(one[k]).toEqual(twin[k]);
    }
  });
});
