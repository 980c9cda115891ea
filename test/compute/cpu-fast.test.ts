// The cpu backend's wasm SIMD kernels against the TypeScript twins on the reference backend: every
// wasm kernel, on seeded random inputs with odd sizes (row / column tails of the 3 × 12 tiles,
// partial vectors), through the launchers in src/compute/ops.ts so the stride set-ups are the real
// ones. Each comparison prints its largest difference; tolerance atol + rtol·|twin|.

import { describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { FAST_KERNELS } from "../../src/compute/cpu/fast/index.ts";
import { buildKernels, kernelsBytesSource, kernelsWat } from "../../src/compute/cpu/fast/kernels-gen.ts";
import { KERNELS_WASM } from "../../src/compute/cpu/fast/kernels.bytes.ts";
import { ACT, BIAS, gemm } from "../../src/compute/kernels/gemm.ts";
import * as ew from "../../src/compute/kernels/elementwise.ts";
import * as red from "../../src/compute/kernels/reduce.ts";
import * as ops from "../../src/compute/ops.ts";
import { NUM_ACTIONS } from "../../src/shogi/actions.ts";
import { POLICY_PLANES, policyPlaneTables } from "../../src/shogi/policy-planes.ts";
import { GOLDEN, makeInputs, runGolden } from "../fixtures/golden.ts";
import { compare, type Init, normal, rng, uniform } from "./helpers.ts";

// "fast": the cpu backend's wasm kernels (its native convolutions off: test/compute/native.test.ts
// holds those to the twins); "twin": the reference backend (TypeScript twins).
const fast = new CpuBackend(undefined, { native: false });
const twin = new ReferenceBackend();

/** Largest differences seen, by test, printed at the end of each test. */
function allocInit(be: Backend, name: string, init: Init): Buf {
  if (typeof init === "number") return be.alloc(name, init);
  if ("u32" in init && !ArrayBuffer.isView(init)) return be.alloc(name, init.u32, "u32");
  const data = init as Float32Array | Uint32Array | Int32Array;
  const buf = be.alloc(
    name,
    data.length,
    data instanceof Float32Array ? "f32" : data instanceof Uint32Array ? "u32" : "i32",
  );
  be.write(buf, data);
  return buf;
}

/**
 * Runs `body` on the fast backend and on the twin backend from the same initial buffers and
 * compares `outputs`; returns the largest |difference| per output.
 */
export async function fastParity(
  label: string,
  init: Record<string, Init>,
  body: (be: Backend, b: Record<string, Buf>) => void,
  outputs: string[],
  tol: { atol: number; rtol: number },
): Promise<Record<string, number>> {
  const sides = [fast, twin].map((be) => {
    const bufs: Record<string, Buf> = {};
    for (const [k, v] of Object.entries(init)) bufs[k] = allocInit(be, k, v);
    body(be, bufs);
    return { be, bufs };
  });
  const diffs: Record<string, number> = {};
  try {
    for (const name of outputs) {
      const got = await sides[0].be.read(sides[0].bufs[name]);
      const want = await sides[1].be.read(sides[1].bufs[name]);
      const c = compare(got, want, tol.atol, tol.rtol);
      let maxDiff = 0; // (identical values, ±Infinity included, differ by 0)
      for (let i = 0; i < got.length; i++)
        if (got[i] !== want[i]) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      diffs[name] = maxDiff;
      if (c.bad > 0)
        throw new Error(
          `${label} ${name}: ${c.bad}/${got.length} differ beyond atol ${tol.atol} + rtol ${tol.rtol}·|twin|; max |diff| ${c.maxDiff} at [${c.at}] (fast ${got[c.at]}, twin ${want[c.at]}); first [${c.firstBad}] fast ${got[c.firstBad]}, twin ${want[c.firstBad]}`,
        );
    }
  } finally {
    for (const { be, bufs } of sides) for (const b of Object.values(bufs)) be.free(b);
  }
  console.log(
    `  ${label}: max |fast − twin| ${Object.entries(diffs)
      .map(([k, v]) => `${k} ${v.toExponential(2)}`)
      .join(", ")}`,
  );
  return diffs;
}

const TOL = { atol: 1e-5, rtol: 1e-4 };
/**
 * The fast path sums in f32 (4 lanes, tiles), the twins in f64 blocks: a sum of K terms of unit
 * scale differs by about √K·2⁻²⁴·(its partial sums), so atol grows with √K (cancellation leaves
 * outputs near 0 whose error is that of the terms, not of the result).
 */
const tolFor = (maxK: number) => ({ atol: 4e-6 * Math.sqrt(maxK), rtol: 1e-4 });

describe("cpu fast path: setup", () => {
  test("each backend says which it is; the wasm kernels are known kernel names", () => {
    expect(fast.info.kind).toBe("cpu");
    expect(twin.info.kind).toBe("reference");
    expect(fast.info.description).toContain("wasm");
    expect(twin.info.description).toBe("reference (TypeScript twins)");
    expect(Object.keys(FAST_KERNELS)).toContain("gemm.gemm");
  });

  test("the committed module bytes and WAT listing match a fresh generation (regenerate: bun dev/cpu-gemm/gen-kernels.ts)", async () => {
    const dir = new URL("../../src/compute/cpu/fast/", import.meta.url);
    expect((await Bun.file(new URL("kernels.bytes.ts", dir)).text()) === kernelsBytesSource()).toBe(true);
    expect((await Bun.file(new URL("../../dev/cpu-gemm/kernels.wat", import.meta.url)).text()) === kernelsWat()).toBe(
      true,
    );
    expect(Buffer.from(KERNELS_WASM, "base64").equals(Buffer.from(buildKernels(false)))).toBe(true);
    expect(WebAssembly.validate(buildKernels(true) as BufferSource)).toBe(true);
  });

  test("buffers round-trip through the heap; freed blocks are reused", async () => {
    const be = new CpuBackend();
    const a = be.alloc("a", 1000);
    be.write(
      a,
      Float32Array.from({ length: 1000 }, (_, i) => i),
    );
    const b = be.alloc("b", 10, "u32");
    be.write(b, Uint32Array.of(0xffffffff, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    expect((await be.read(a, 998, 2))[1]).toBe(999);
    expect((await be.read(b))[0]).toBe(0xffffffff);
    be.free(a);
    const c = be.alloc("c", 500);
    expect([...(await be.read(c, 0, 3))]).toEqual([0, 0, 0]); // zero-filled on reuse
    // a big allocation grows the memory; earlier buffers keep their contents
    const big = be.alloc("big", 20 << 20);
    be.run(ew.fill, { out: big }, { n: big.length, alpha: 2 });
    expect((await be.read(big, big.length - 1, 1))[0]).toBe(2);
    expect((await be.read(b))[9]).toBe(9);
    be.destroy();
  });

  test("a buffer that does not fit the wasm heap is an error naming its size and the limit (no silent fallback)", async () => {
    const be = new CpuBackend(undefined, { threads: 1 });
    const a = be.alloc("a", 100);
    expect(() => be.alloc("huge", 2 ** 30)).toThrow(
      /^alloc huge: 1073741824 f32 elements \(4\.00 GiB\) do not fit the cpu backend's wasm heap \(limit 4\.00 GiB, [\d.]+ MiB in use\)$/,
    );
    // the backend goes on working
    be.write(a, new Float32Array(100).fill(3));
    expect((await be.read(a, 99, 1))[0]).toBe(3);
    be.destroy();
  });
});

describe("cpu fast path: gemm (linear, 1×1 conv)", () => {
  for (const d of [
    { batch: 1, in: 1, out: 1 },
    { batch: 5, in: 7, out: 13 },
    { batch: 13, in: 21, out: 19 },
    { batch: 37, in: 162, out: 301 },
    { batch: 64, in: 162, out: 13527 },
  ]) {
    test(`linear forward (none / relu / sigmoid), backward-data, backward-weight: batch ${d.batch}, ${d.in} → ${d.out}`, async () => {
      const r = rng(d.batch * 1000 + d.out);
      const tol = tolFor(Math.max(d.in, d.out, d.batch));
      await fastParity(
        `linear ${d.batch}×${d.in}→${d.out}`,
        {
          x: normal(r, d.batch * d.in),
          w: normal(r, d.out * d.in, 0.3),
          b: normal(r, d.out),
          dy: normal(r, d.batch * d.out),
          y0: d.batch * d.out,
          y1: d.batch * d.out,
          y2: d.batch * d.out,
          dx: normal(r, d.batch * d.in),
          dx2: normal(r, d.batch * d.in),
          dw: normal(r, d.out * d.in),
          db: normal(r, d.out),
        },
        (be, b) => {
          ops.linearForward(be, b.y0, b.x, b.w, b.b, d);
          ops.linearForward(be, b.y1, b.x, b.w, b.b, d, "relu");
          ops.linearForward(be, b.y2, b.x, b.w, b.b, d, "sigmoid");
          ops.linearBackwardData(be, b.dx, b.dy, b.w, d);
          ops.linearBackwardData(be, b.dx2, b.dy, b.w, d, true);
          ops.linearBackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
        },
        ["y0", "y1", "y2", "dx", "dx2", "dw", "db"],
        tol,
      );
    }, 60_000);
  }

  test("linear forward re-packs the weights after they change (write and kernel writes)", async () => {
    const r = rng(5);
    const d = { batch: 6, in: 17, out: 23 };
    const w2 = normal(r, d.out * d.in);
    await fastParity(
      "linear weight change",
      {
        x: normal(r, d.batch * d.in),
        w: normal(r, d.out * d.in),
        b: normal(r, d.out),
        y0: d.batch * d.out,
        y1: d.batch * d.out,
        y2: d.batch * d.out,
        y3: d.batch * d.out,
        ones: new Float32Array(d.out * d.in).fill(1),
      },
      (be, b) => {
        ops.linearForward(be, b.y0, b.x, b.w, b.b, d);
        be.write(b.w, w2);
        ops.linearForward(be, b.y1, b.x, b.w, b.b, d);
        ops.axpy(be, b.w, b.ones, 0.5); // a kernel writes the weights
        ops.linearForward(be, b.y2, b.x, b.w, b.b, d);
        ops.linearForward(be, b.y3, b.x, b.w, b.b, d); // cached packing, unchanged weights
      },
      ["y0", "y1", "y2", "y3"],
      TOL,
    );
  });

  for (const d of [
    { batch: 3, cin: 10, cout: 2 },
    { batch: 5, cin: 32, cout: 2 },
    { batch: 2, cin: 7, cout: 13 },
  ]) {
    test(`1×1 convolution forward, backward-data (accumulating), backward-weight: N=${d.batch}, ${d.cin}→${d.cout}`, async () => {
      const r = rng(8 + d.cin);
      await fastParity(
        `conv1x1 ${d.batch}×${d.cin}→${d.cout}`,
        {
          x: normal(r, d.batch * d.cin * 81),
          w: normal(r, d.cout * d.cin, 0.3),
          b: normal(r, d.cout),
          dy: normal(r, d.batch * d.cout * 81),
          y: d.batch * d.cout * 81,
          dx: normal(r, d.batch * d.cin * 81),
          dw: normal(r, d.cout * d.cin),
          db: d.cout,
        },
        (be, b) => {
          ops.conv1x1Forward(be, b.y, b.x, b.w, b.b, d);
          ops.conv1x1BackwardData(be, b.dx, b.dy, b.w, d, true);
          ops.conv1x1BackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
        },
        ["y", "dx", "dw", "db"],
        tolFor(Math.max(d.cin, d.cout, 81 * d.batch)),
      );
    });
  }

  test("raw gemm: batched with strides, sum over batch, accumulate, per-row bias", async () => {
    const r = rng(11);
    const [M, N, K, batch] = [7, 29, 11, 3];
    const base = {
      m: M,
      n: N,
      k: K,
      batch,
      sAb: M * K,
      sAm: K,
      sAk: 1,
      sBb: K * N,
      sBk: N,
      sBn: 1,
      sCb: M * N,
      sCm: N,
      sCn: 1,
      biasMode: BIAS.none,
      act: ACT.none,
      accumulate: 0,
      sumBatch: 0,
    };
    await fastParity(
      "gemm raw",
      {
        a: normal(r, batch * M * K),
        bt: normal(r, batch * K * N),
        bias: normal(r, 64),
        c0: batch * M * N,
        c1: normal(r, M * N),
        c2: batch * M * N,
        c3: batch * M * N,
      },
      (be, b) => {
        be.run(gemm, { a: b.a, b: b.bt, bias: b.bias, c: b.c0 }, base);
        be.run(gemm, { a: b.a, b: b.bt, bias: b.bias, c: b.c1 }, { ...base, sumBatch: 1, accumulate: 1, sCb: 0 });
        be.run(gemm, { a: b.a, b: b.bt, bias: b.bias, c: b.c2 }, { ...base, biasMode: BIAS.perRow, act: ACT.relu });
        // B along k (packed per batch item), A transposed
        be.run(
          gemm,
          { a: b.a, b: b.bt, bias: b.bias, c: b.c3 },
          { ...base, sAm: 1, sAk: M, sBk: 1, sBn: K, biasMode: BIAS.perColumn },
        );
      },
      ["c0", "c1", "c2", "c3"],
      TOL,
    );
  });
});

describe("cpu fast path: conv3x3", () => {
  for (const [batch, cin, cout] of [
    [1, 1, 1],
    [2, 5, 11],
    [3, 16, 8],
    [9, 46, 32],
    [2, 32, 32],
    [11, 3, 4],
  ]) {
    test(`forward, backward-data, backward-weight (N=${batch}, ${cin}→${cout})`, async () => {
      const r = rng(100 + cin * 7 + batch);
      const d = { batch, cin, cout };
      await fastParity(
        `conv3x3 N=${batch} ${cin}→${cout}`,
        {
          x: normal(r, batch * cin * 81),
          w: normal(r, cout * cin * 9, 0.3),
          b: normal(r, cout),
          dy: normal(r, batch * cout * 81),
          y: batch * cout * 81,
          dx: normal(r, batch * cin * 81), // accumulated into
          dx0: batch * cin * 81, // overwritten
          dw: normal(r, cout * cin * 9), // accumulated into
          db: normal(r, cout),
        },
        (be, b) => {
          ops.conv3x3Forward(be, b.y, b.x, b.w, b.b, d);
          ops.conv3x3BackwardData(be, b.dx, b.dy, b.w, d, true);
          ops.conv3x3BackwardData(be, b.dx0, b.dy, b.w, d);
          ops.conv3x3BackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
        },
        ["y", "dx", "dx0", "dw", "db"],
        tolFor(Math.max(9 * cin, 9 * cout, 81 * batch)),
      );
    }, 60_000);
  }
});

describe("cpu fast path: batch norm", () => {
  for (const [batch, channels, relu, accumulate] of [
    [4, 6, false, false],
    [3, 5, true, true],
    [17, 32, true, false],
    [1, 1, false, true],
  ] as const) {
    test(`train / infer / frozen forward and backward (N=${batch}, C=${channels}, relu ${relu}, accumulate ${accumulate})`, async () => {
      const r = rng(20 + batch * 7 + channels);
      const d = { batch, channels };
      const n = batch * channels * 81;
      const x = normal(r, n, 2);
      for (let i = 0; i < n; i++) x[i] += Math.floor(i / 81) % channels; // per-channel offsets
      await fastParity(
        `batchnorm N=${batch} C=${channels} relu ${relu}`,
        {
          x,
          gamma: uniform(r, channels, 0.5, 1.5),
          beta: normal(r, channels),
          runMean: normal(r, channels),
          runVar: uniform(r, channels, 0.5, 2),
          saved: 2 * channels,
          savedF: 2 * channels,
          y: n,
          yi: n,
          yf: n,
          dy: normal(r, n),
          dx: accumulate ? normal(r, n) : n,
          dxf: accumulate ? normal(r, n) : n,
          dgamma: normal(r, channels),
          dbeta: normal(r, channels),
          dgammaF: normal(r, channels),
          dbetaF: normal(r, channels),
        },
        (be, b) => {
          ops.batchNormForwardInfer(be, b.yi, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu });
          ops.batchNormForwardFrozen(be, b.yf, b.savedF, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu });
          ops.batchNormBackwardFrozen(be, b.dxf, b.dgammaF, b.dbetaF, b.dy, b.x, b.yf, b.gamma, b.savedF, d, {
            relu,
            accumulate,
          });
          ops.batchNormForwardTrain(be, b.y, b.saved, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, {
            relu,
            momentum: 0.3,
          });
          ops.batchNormBackward(be, b.dx, b.dgamma, b.dbeta, b.dy, b.x, b.y, b.gamma, b.saved, d, { relu, accumulate });
        },
        ["yi", "yf", "savedF", "dxf", "dgammaF", "dbetaF", "y", "saved", "runMean", "runVar", "dx", "dgamma", "dbeta"],
        tolFor(batch * 81),
      );
    });
  }

  test("frozen forward equals inference forward bit for bit", async () => {
    const r = rng(31);
    const d = { batch: 3, channels: 7 };
    const n = d.batch * d.channels * 81;
    const init = {
      x: normal(r, n, 3),
      gamma: uniform(r, 7, 0.5, 1.5),
      beta: normal(r, 7),
      runMean: normal(r, 7),
      runVar: uniform(r, 7, 0.5, 2),
      saved: 14,
      y: n,
      yi: n,
    };
    const bufs: Record<string, Buf> = {};
    for (const [k, v] of Object.entries(init)) bufs[k] = allocInit(fast, k, v);
    ops.batchNormForwardInfer(fast, bufs.yi, bufs.x, bufs.gamma, bufs.beta, bufs.runMean, bufs.runVar, d, {
      relu: true,
    });
    ops.batchNormForwardFrozen(fast, bufs.y, bufs.saved, bufs.x, bufs.gamma, bufs.beta, bufs.runMean, bufs.runVar, d, {
      relu: true,
    });
    expect([...(await fast.read(bufs.y))]).toEqual([...(await fast.read(bufs.yi))]);
    for (const b of Object.values(bufs)) fast.free(b);
  });
});

describe("cpu fast path: squeeze-excitation, reductions, elementwise", () => {
  for (const d of [
    { batch: 3, channels: 12, hidden: 3 },
    { batch: 5, channels: 32, hidden: 8 },
  ]) {
    test(`SE residual forward and backward (N=${d.batch}, C=${d.channels})`, async () => {
      const r = rng(40 + d.channels);
      const n = d.batch * d.channels * 81;
      const nc = d.batch * d.channels;
      const nh = d.batch * d.hidden;
      await fastParity(
        `se N=${d.batch} C=${d.channels}`,
        {
          x: normal(r, n),
          skip: normal(r, n),
          w1: normal(r, d.hidden * d.channels, 0.5),
          b1: normal(r, d.hidden, 0.1),
          w2: normal(r, d.channels * d.hidden, 0.5),
          b2: normal(r, d.channels, 0.1),
          out: n,
          pooled: nc,
          hidden: nh,
          gate: nc,
          dout: normal(r, n),
          dx: n,
          dskip: n,
          dw1: d.hidden * d.channels,
          db1: d.hidden,
          dw2: d.channels * d.hidden,
          db2: d.channels,
          dz: nc,
          dhPre: nh,
          dh: nh,
          dpooled: nc,
        },
        (be, b) => {
          const act = { pooled: b.pooled, hidden: b.hidden, gate: b.gate };
          ops.seResidualForward(be, b.out, act, b.x, b.skip, b.w1, b.b1, b.w2, b.b2, d);
          ops.seResidualBackward(
            be,
            b.dx,
            b.dskip,
            b.dw1,
            b.db1,
            b.dw2,
            b.db2,
            b as unknown as ops.SeScratch,
            b.dout,
            b.out,
            b.x,
            act,
            b.w1,
            b.w2,
            d,
          );
        },
        ["out", "pooled", "hidden", "gate", "dx", "dskip", "dz", "dw1", "db1", "dw2", "db2"],
        tolFor(81 * d.batch),
      );
    });
  }

  test("elementwise relu forward / backward, add_relu (exact), with NaN and ±0", async () => {
    const r = rng(50);
    const n = 1003;
    const x = normal(r, n);
    const a = normal(r, n);
    x[0] = NaN;
    x[1] = -0;
    a[2] = NaN;
    await fastParity(
      "elementwise",
      { x, dy: normal(r, n), a, y: n, dx: n, s: n },
      (be, b) => {
        ops.reluForward(be, b.y, b.x);
        ops.reluBackward(be, b.dx, b.dy, b.y);
        ops.addRelu(be, b.s, b.x, b.a);
      },
      ["y", "dx", "s"],
      { atol: 0, rtol: 0 },
    );
  });

  for (const [outer, channels, inner] of [
    [7, 13, 81],
    [256, 13527, 1],
    [5, 3, 1],
    [3, 4, 2], // not a fast shape: the twin runs
  ]) {
    test(`channel_sum / row_mean / broadcast_add (outer ${outer}, channels ${channels}, inner ${inner})`, async () => {
      const r = rng(60 + inner);
      const n = outer * channels * inner;
      await fastParity(
        `reduce ${outer}×${channels}×${inner}`,
        {
          x: normal(r, n),
          s0: channels,
          s1: normal(r, channels),
          mean: outer * channels,
          v: normal(r, outer * channels),
          y: normal(r, n),
        },
        (be, b) => {
          be.run(red.channelSum, { x: b.x, out: b.s0 }, { outer, channels, inner, scale: 1, accumulate: 0 });
          be.run(red.channelSum, { x: b.x, out: b.s1 }, { outer, channels, inner, scale: 0.5, accumulate: 1 });
          be.run(red.rowMean, { x: b.x, out: b.mean }, { outer, channels, inner, scale: 1 / inner, accumulate: 0 });
          be.run(red.broadcastAdd, { v: b.v, y: b.y }, { outer, channels, inner, scale: 1 / 81, accumulate: 0 });
        },
        ["s0", "s1", "mean", "y"],
        tolFor(outer * inner),
      );
    });
  }
});

/** A random bit-packed mask with about `density` legal actions per row; row `emptyRow` has none. */
function randomMask(r: () => number, rows: number, A: number, density: number, emptyRow = -1) {
  const dense = new Uint8Array(rows * A);
  for (let i = 0; i < dense.length; i++) dense[i] = r() < density && Math.floor(i / A) !== emptyRow ? 1 : 0;
  return { dense, bits: ops.packMask(dense, rows, A) };
}

describe("cpu fast path: policy (identical to the twins)", () => {
  for (const [rows, actions, density] of [
    [5, 13527, 0.005],
    [7, 300, 0.3],
    [3, 33, 1],
  ] as const) {
    test(`masked log-softmax, sampling, argmax (${rows} × ${actions}, density ${density})`, async () => {
      const r = rng(70 + actions);
      const d = { rows, actions };
      const { bits } = randomMask(r, rows, actions, density, 1);
      // bits past the last action in the last word must be ignored
      const words = ops.maskWords(actions);
      if (actions % 32) bits[words - 1] |= 0x80000000;
      await fastParity(
        `softmax ${rows}×${actions}`,
        {
          logits: normal(r, rows * actions, 2),
          mask: bits,
          u: uniform(r, rows, 0, 1),
          logp: rows * actions,
          action: { u32: rows },
          actionLogp: rows,
          greedyAction: { u32: rows },
          greedyLogp: rows,
        },
        (be, b) => {
          ops.maskedLogSoftmax(be, b.logp, b.logits, b.mask, d);
          ops.sampleActions(be, b.action, b.actionLogp, b.logits, b.mask, b.u, d);
          ops.sampleActions(be, b.greedyAction, b.greedyLogp, b.logits, b.mask, b.u, d, true);
        },
        ["logp", "action", "actionLogp", "greedyAction", "greedyLogp"],
        { atol: 0, rtol: 0 },
      );
    });
  }

  for (const valueClip of [false, true]) {
    test(`ppo loss forward and backward, value clipping ${valueClip}`, async () => {
      const r = rng(valueClip ? 80 : 81);
      const d = { rows: 9, actions: 13527 };
      const { bits, dense } = randomMask(r, d.rows, d.actions, 0.004, 4);
      const actions = new Uint32Array(d.rows);
      for (let i = 0; i < d.rows; i++) {
        const legal = [...Array(d.actions).keys()].filter((a) => i === 4 || dense[i * d.actions + a]);
        actions[i] = legal[Math.floor(r() * legal.length)];
      }
      const samples = new Float32Array(d.rows * 4);
      for (let i = 0; i < d.rows; i++) samples.set([-3 + r(), 2 * r() - 1, 2 * r() - 1, 0.4 * r() - 0.2], i * 4);
      await fastParity(
        `ppo loss clip ${valueClip}`,
        {
          logits: normal(r, d.rows * d.actions),
          mask: bits,
          actions,
          samples,
          values: uniform(r, d.rows, -0.5, 0.5),
          dlogits: normal(r, d.rows * d.actions),
          dvalues: d.rows,
          stats: d.rows * 6,
          means: 7,
        },
        (be, b) =>
          ops.ppoLoss(
            be,
            { dlogits: b.dlogits, dvalues: b.dvalues, stats: b.stats, means: b.means },
            { logits: b.logits, mask: b.mask, actions: b.actions, samples: b.samples, values: b.values },
            d,
            {
              clipEps: 0.2,
              valueCoef: 0.5,
              entropyCoef: 0.01,
              valueClip,
            },
          ),
        ["dlogits", "dvalues", "stats", "means"],
        { atol: 0, rtol: 0 },
      );
    });
  }
});

describe("cpu fast path: per-mover gather (identical to the twin)", () => {
  test("planes → logits and back through the real action tables, both movers, after a table rewrite", async () => {
    const { gather, scatter } = policyPlaneTables();
    const rows = 5;
    const cells = POLICY_PLANES * 81;
    const r = rng(91);
    const obs = new Float32Array(rows * 46 * 81);
    for (const row of [1, 2]) obs.fill(1, (row * 46 + 42) * 81, (row * 46 + 43) * 81);
    const fwd = { rows, srcCols: cells, dstCols: NUM_ACTIONS, obsStride: 46 * 81, moverAt: 42 * 81 };
    const bwd = { ...fwd, srcCols: NUM_ACTIONS, dstCols: cells };
    // a second table: the first with its movers swapped (the cached compaction must notice the write)
    const swapped = new Uint32Array(gather.length);
    swapped.set(gather.subarray(NUM_ACTIONS), 0);
    swapped.set(gather.subarray(0, NUM_ACTIONS), NUM_ACTIONS);
    await fastParity(
      "gather",
      {
        planes: normal(r, rows * cells),
        dlogits: normal(r, rows * NUM_ACTIONS),
        gather,
        scatter,
        obs,
        logits: normal(r, rows * NUM_ACTIONS),
        dplanes: normal(r, rows * cells),
        again: rows * NUM_ACTIONS,
      },
      (be, b) => {
        ops.gatherByMover(be, b.logits, b.planes, b.gather, b.obs, fwd);
        ops.gatherByMover(be, b.dplanes, b.dlogits, b.scatter, b.obs, bwd);
        be.write(b.gather, swapped);
        ops.gatherByMover(be, b.again, b.planes, b.gather, b.obs, fwd);
      },
      ["logits", "dplanes", "again"],
      { atol: 0, rtol: 0 },
    );
  });
});

describe("cpu fast path: optimizer", () => {
  for (const [n, decoupled, maxNorm] of [
    [40_000, false, 50],
    [40_003, true, 50],
    [77, true, 0],
  ] as const) {
    test(`gradient norm + clip factor + ${decoupled ? "AdamW" : "Adam"} step (n=${n}, maxNorm ${maxNorm})`, async () => {
      const r = rng(90 + n);
      await fastParity(
        `optimizer n=${n}`,
        {
          p: normal(r, n),
          g: normal(r, n),
          m: normal(r, n, 0.1),
          v: uniform(r, n, 0, 0.1),
          partials: ops.NORM_PARTIALS,
          clip: 2,
        },
        (be, b) => {
          ops.gradNorm(be, b.clip, b.partials, b.g, maxNorm);
          ops.adamStep(be, b.p, b.g, b.m, b.v, maxNorm > 0 ? b.clip : null, {
            lr: 1e-3,
            weightDecay: 0.01,
            decoupled,
            step: 3,
          });
          ops.adamStep(be, b.p, b.g, b.m, b.v, maxNorm > 0 ? b.clip : null, {
            lr: 1e-3,
            weightDecay: 0.01,
            decoupled,
            step: 4,
          });
        },
        ["partials", "clip", "p", "m", "v"],
        { atol: 1e-6, rtol: 1e-5 },
      );
    });
  }
});

describe("cpu fast path: a whole network", () => {
  test("3 training steps of the golden 2 × 16 SE tower agree with the twins (forward, loss, gradients, updates)", async () => {
    const inp = makeInputs();
    const [f, t] = [await runGolden(fast, inp), await runGolden(twin, inp)];
    const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const close = (got: ArrayLike<number>, want: ArrayLike<number>, label: string, atolScale = 1e-5, rtol = 1e-4) => {
      const c = compare(got, want, atolScale * maxAbs(want) + 1e-7, rtol);
      if (c.bad > 0)
        throw new Error(
          `${label}: ${c.bad}/${got.length} differ; max |diff| ${c.maxDiff} at [${c.at}] (fast ${got[c.at]}, twin ${want[c.at]})`,
        );
      return c.maxDiff;
    };
    const diffs = [
      `logits ${close(f.run.logits, t.run.logits, "logits").toExponential(1)}`,
      `value ${close(f.run.value, t.run.value, "value").toExponential(1)}`,
      `means ${close(f.run.means, t.run.means, "PPO means").toExponential(1)}`,
      `losses ${close(f.run.losses, t.run.losses, "losses", 1e-4, 1e-3).toExponential(1)}`,
    ];
    // Step-0 gradients per tensor; a conv bias feeding a BatchNorm has true gradient 0 (rounding
    // noise only): bounded relative to its layer's weight gradient.
    let worst = 0;
    for (const tensor of f.table.tensors) {
      const at = (v: Float32Array) => v.subarray(tensor.offset, tensor.offset + tensor.size);
      if (/^(stem|res_blocks\.\d+\.conv[12]|policy_head\.0|value_head\.0)\.bias$/.test(tensor.name)) {
        const w = f.table.tensors.find((x) => x.name === tensor.name.replace(/bias$/, "weight"))!;
        close(
          at(f.run.grads),
          at(t.run.grads),
          `grad ${tensor.name}`,
          (1e-4 * maxAbs(t.run.grads.subarray(w.offset, w.offset + w.size))) / Math.max(maxAbs(at(t.run.grads)), 1e-30),
          0,
        );
      } else worst = Math.max(worst, close(at(f.run.grads), at(t.run.grads), `grad ${tensor.name}`, 5e-5, 5e-4));
    }
    diffs.push(`grads ${worst.toExponential(1)}`);
    // Parameter updates after 3 Adam steps: within the Adam bound 2·K·lr everywhere.
    const lr = GOLDEN.adam.lr;
    for (let i = 0; i < f.run.after.length; i++) {
      const d = Math.abs(f.run.after[i] - t.run.after[i]);
      if (d > 2 * GOLDEN.steps * lr)
        throw new Error(`parameter ${i}: ${f.run.after[i]} vs ${t.run.after[i]} beyond the Adam bound`);
    }
    console.log(`  golden tower, fast vs twin: max |diff| ${diffs.join(", ")}`);
  }, 60_000);
});

describe("cpu fast path: two threads", () => {
  test("GEMM, conv and weight-gradient jobs split over a second thread agree with the twins, and bit for bit with one thread", async () => {
    const be = new CpuBackend(undefined, { threads: 2, native: false });
    await be.prepare([]);
    expect(be.info.description).toContain("2 threads");
    const r = rng(123);
    const d = { batch: 24, cin: 32, cout: 32 };
    const lin = { batch: 67, in: 162, out: 1351 };
    const init: Record<string, Init> = {
      x: normal(r, d.batch * 32 * 81),
      w: normal(r, 32 * 32 * 9, 0.2),
      b: normal(r, 32),
      y: d.batch * 32 * 81,
      dx: d.batch * 32 * 81,
      dw: normal(r, 32 * 32 * 9),
      db: 32,
      fx: normal(r, lin.batch * 162),
      fw: normal(r, lin.out * 162, 0.2),
      fb: normal(r, lin.out),
      fy: lin.batch * lin.out,
      fdx: lin.batch * 162,
      fdw: lin.out * 162,
      fdb: lin.out,
    };
    const body = (b: Backend, t: Record<string, Buf>) => {
      ops.conv3x3Forward(b, t.y, t.x, t.w, t.b, d);
      ops.conv3x3BackwardData(b, t.dx, t.y, t.w, d);
      ops.conv3x3BackwardWeight(b, t.dw, t.db, t.x, t.y, d);
      ops.linearForward(b, t.fy, t.fx, t.fw, t.fb, lin, "relu");
      ops.linearBackwardData(b, t.fdx, t.fy, t.fw, lin);
      ops.linearBackwardWeight(b, t.fdw, t.fdb, t.fx, t.fy, lin);
    };
    const outputs = ["y", "dx", "dw", "db", "fy", "fdx", "fdw", "fdb"];
    const run = async (b: Backend) => {
      const bufs: Record<string, Buf> = {};
      for (const [k, v] of Object.entries(init)) bufs[k] = allocInit(b, k, v);
      body(b, bufs);
      const out: Record<string, Float32Array> = {};
      for (const o of outputs) out[o] = (await b.read(bufs[o])) as Float32Array;
      for (const v of Object.values(bufs)) b.free(v);
      return out;
    };
    const one = new CpuBackend(undefined, { threads: 1, native: false });
    const [got, want, alone] = [await run(be), await run(twin), await run(one)];
    for (const o of outputs) {
      const tol = tolFor(2000);
      const c = compare(got[o], want[o], tol.atol, tol.rtol);
      if (c.bad > 0) throw new Error(`${o}: ${c.bad} differ; max |diff| ${c.maxDiff} at [${c.at}]`);
      // every output element is summed in the same order whichever thread computes it
      expect(got[o].every((v, i) => Object.is(v, alone[o][i]))).toBe(true);
    }
    one.destroy();
    const units = (be as unknown as { fast: { pool: { unitsRun(): number[] } } }).fast.pool.unitsRun();
    console.log(`  two threads: units run per thread ${units.join(" / ")} (the worker's share depends on a free core)`);
    be.destroy();
  }, 60_000);
});

describe("cpu fast path: sparse policy gradients", () => {
  test("linear backward-data / backward-weight with a gradient that is zero off a few legal moves (sparse path)", async () => {
    const r = rng(321);
    const d = { batch: 37, in: 162, out: 13527 };
    const dy = new Float32Array(d.batch * d.out);
    for (let i = 0; i < dy.length; i++) if (r() < 0.01) dy[i] = 2 * r() - 1;
    dy[5] = -0; // a negative zero is a zero
    await fastParity(
      "sparse linear backward",
      {
        x: normal(r, d.batch * d.in),
        w: normal(r, d.out * d.in, 0.3),
        dy,
        dx: normal(r, d.batch * d.in),
        dx0: d.batch * d.in,
        dw: normal(r, d.out * d.in),
        db: normal(r, d.out),
      },
      (be, b) => {
        ops.linearBackwardData(be, b.dx, b.dy, b.w, d, true);
        ops.linearBackwardData(be, b.dx0, b.dy, b.w, d);
        ops.linearBackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
      },
      ["dx", "dx0", "dw", "db"],
      tolFor(d.batch),
    );
  });
});
