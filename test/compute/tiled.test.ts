// The workgroup-tiled kernel variants (shaders/*-tiled.wgsl, chosen for real GPUs) against the CPU
// twins they share with the register-blocked ones, on the adapter at hand (lavapipe in CI), at
// awkward shapes: channel counts that are not multiples of the 64-wide tiles or 16-deep K-slices,
// batches of 1 and 7, accumulate and bias on and off, the flipped backward-data form. Then one
// whole network (forward, backward, Adam step) on a backend forced to "tiled" against one forced
// to "register", and the kernel-style selection itself.

import { afterAll, describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import * as conv3 from "../../src/compute/kernels/conv3x3.ts";
import { ACT, BIAS, gemm, gemmTiled, gemmTiled32 } from "../../src/compute/kernels/gemm.ts";
import * as ops from "../../src/compute/ops.ts";
import { openDevice } from "../../src/compute/webgpu/adapter.ts";
import { WebGpuBackend, kernelStyleOverride } from "../../src/compute/webgpu/backend.ts";
import { Random } from "../../src/util/random.ts";
import { architectureOf, createNetwork } from "../../src/models/factory.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { LinearLoss, forwardBackward, randomObs } from "../models/helpers.ts";
import { checkParity, expectClose, gpuBackend, hasWebGpu, normal, rng } from "./helpers.ts";

// lavapipe compiles a pipeline on its first dispatch (up to seconds): generous timeouts.
const gpuTest = (name: string, fn: () => Promise<void>, timeout = 60_000) => test.skipIf(!hasWebGpu)(name, fn, timeout);
const TOL = { atol: 1e-4, rtol: 1e-4 };

// Every tile size (kernels/tile.ts) is a variant autotune may choose: each is held to the twin.
const CONV_VARIANTS = [
  [64, conv3.convTiled, conv3.weightGradTiled],
  [32, conv3.convTiled32, conv3.weightGradTiled32],
] as const;
for (const [T, convTiled, weightGradTiled] of CONV_VARIANTS)
  describe(`conv3x3 tiled (${T} × ${T} tiles) vs the CPU twin`, () => {
    // [batch, cin, cout, hasBias, accumulate]
    const shapes: [number, number, number, number, number][] = [
      [1, 3, 5, 1, 0],
      [7, 5, 11, 0, 1],
      [2, 16, 64, 1, 1],
      [3, 70, 66, 1, 0], // K = 630: a partial last K-slice; 66 channels: a second, nearly empty row tile
      [2, 15, 130, 0, 1], // 130 channels, cin·9 = 135 columns: a third, nearly empty tile both ways
    ];
    for (const [batch, cin, cout, hasBias, accumulate] of shapes) {
      gpuTest(`forward N=${batch} ${cin}→${cout} bias ${hasBias} accumulate ${accumulate}`, async () => {
        const r = rng(1000 + 17 * cin + cout);
        await checkParity(
          convTiled,
          {
            x: normal(r, batch * cin * 81),
            w: normal(r, cout * cin * 9, 0.3),
            bias: normal(r, cout),
            y: normal(r, batch * cout * 81),
          },
          { batch, cin, cout, wStrideOut: cin * 9, wStrideIn: 9, flip: 0, hasBias, accumulate },
          TOL,
        );
      });
      // Backward-data of the forward convolution cin → cout: the kernel runs cout → cin on w read
      // transposed and flipped (ops.conv3x3BackwardData's uniforms).
      gpuTest(`backward-data (flip) N=${batch} ${cin}→${cout} accumulate ${accumulate}`, async () => {
        const r = rng(2000 + 17 * cin + cout);
        await checkParity(
          convTiled,
          {
            x: normal(r, batch * cout * 81),
            w: normal(r, cout * cin * 9, 0.3),
            bias: 1,
            y: normal(r, batch * cin * 81),
          },
          { batch, cin: cout, cout: cin, wStrideOut: 9, wStrideIn: cin * 9, flip: 1, hasBias: 0, accumulate },
          TOL,
        );
      });
      gpuTest(`weight gradient N=${batch} ${cin}→${cout} accumulate ${accumulate}`, async () => {
        const r = rng(3000 + 17 * cin + cout);
        await checkParity(
          weightGradTiled,
          { x: normal(r, batch * cin * 81), dy: normal(r, batch * cout * 81), dw: normal(r, cout * cin * 9) },
          { batch, cin, cout, wStrideOut: 0, wStrideIn: 0, flip: 0, hasBias: 0, accumulate },
          { atol: 3e-4, rtol: 1e-4 }, // sums over batch·81 positions
        );
      });
    }
  });

for (const [T, gemmK] of [
  [64, gemmTiled],
  [32, gemmTiled32],
] as const)
  describe(`gemm tiled (${T} × ${T} tiles) vs the CPU twin`, () => {
    const none = { sAb: 0, sBb: 0, sCb: 0, biasMode: BIAS.none, act: ACT.none, accumulate: 0, sumBatch: 0, batch: 1 };
    // Each case: a title and the uniforms, in the stride set-ups ops.ts uses (and one general one).
    const cases: [string, Record<string, number>][] = [];
    for (const [batch, inF, outF] of [
      [1, 3, 5],
      [7, 21, 19],
      [13, 162, 70],
    ]) {
      const lin = { m: batch, n: outF, k: inF, sAm: inF, sAk: 1, sBk: 1, sBn: inF, sCm: outF, sCn: 1 };
      cases.push([
        `linear forward N=${batch} ${inF}→${outF} relu`,
        { ...none, ...lin, biasMode: BIAS.perColumn, act: ACT.relu },
      ]);
      cases.push([
        `linear forward N=${batch} ${inF}→${outF} sigmoid, accumulate`,
        { ...none, ...lin, biasMode: BIAS.perColumn, act: ACT.sigmoid, accumulate: 1 },
      ]);
      cases.push([
        `linear backward-data N=${batch} ${inF}→${outF}`,
        { ...none, m: batch, n: inF, k: outF, sAm: outF, sAk: 1, sBk: inF, sBn: 1, sCm: inF, sCn: 1 },
      ]);
      cases.push([
        `linear backward-weight N=${batch} ${inF}→${outF}`,
        { ...none, m: outF, n: inF, k: batch, sAm: 1, sAk: outF, sBk: inF, sBn: 1, sCm: inF, sCn: 1, accumulate: 1 },
      ]);
    }
    for (const [batch, cin, cout] of [
      [1, 3, 5],
      [7, 16, 2],
      [3, 70, 66],
    ]) {
      const fwd = {
        m: cout,
        n: 81,
        k: cin,
        batch,
        sAm: cin,
        sAk: 1,
        sBb: cin * 81,
        sBk: 81,
        sBn: 1,
        sCb: cout * 81,
        sCm: 81,
        sCn: 1,
      };
      cases.push([
        `1×1 forward (batch folded into columns) N=${batch} ${cin}→${cout}`,
        { ...none, ...fwd, biasMode: BIAS.perRow },
      ]);
      cases.push([
        `1×1 backward-data N=${batch} ${cin}→${cout} accumulate`,
        {
          ...none,
          m: cin,
          n: 81,
          k: cout,
          batch,
          sAm: 1,
          sAk: cin,
          sBb: cout * 81,
          sBk: 81,
          sBn: 1,
          sCb: cin * 81,
          sCm: 81,
          sCn: 1,
          accumulate: 1,
        },
      ]);
      cases.push([
        `1×1 weight gradient (sumBatch) N=${batch} ${cin}→${cout}`,
        {
          ...none,
          m: cout,
          n: cin,
          k: 81,
          batch,
          sAb: cout * 81,
          sAm: 81,
          sAk: 1,
          sBb: cin * 81,
          sBk: 1,
          sBn: 81,
          sCm: cin,
          sCn: 1,
          accumulate: 1,
          sumBatch: 1,
        },
      ]);
    }
    // A per-sample A (sAb ≠ 0): the batch is a grid dimension; C transposed (sCm = 1).
    cases.push([
      "batched, own A per sample, C transposed",
      {
        ...none,
        m: 67,
        n: 65,
        k: 17,
        batch: 3,
        sAb: 67 * 17,
        sAm: 17,
        sAk: 1,
        sBb: 17 * 65,
        sBk: 65,
        sBn: 1,
        sCb: 67 * 65,
        sCm: 1,
        sCn: 67,
      },
    ]);

    const sizes = (u: Record<string, number>) => {
      const last = (sb: number, sm: number, sk: number, b: number, m: number, k: number) =>
        (b - 1) * sb + (m - 1) * sm + (k - 1) * sk + 1;
      const outB = u.sumBatch ? 1 : u.batch;
      return {
        a: last(u.sAb, u.sAm, u.sAk, u.batch, u.m, u.k),
        b: last(u.sBb, u.sBk, u.sBn, u.batch, u.k, u.n),
        c: last(u.sCb, u.sCm, u.sCn, outB, u.m, u.n),
        bias: u.biasMode === BIAS.perRow ? u.m : u.n,
      };
    };
    cases.forEach(([title, u], idx) => {
      gpuTest(title, async () => {
        const r = rng(4000 + idx);
        const n = sizes(u);
        await checkParity(
          gemmK,
          { a: normal(r, n.a), b: normal(r, n.b), bias: normal(r, n.bias), c: normal(r, n.c) },
          u,
          TOL,
        );
      });
    });
  });

describe("kernel style selection", () => {
  test("KEISEI_KERNELS: tiled, register, unset; anything else is an error naming the choices", () => {
    expect(kernelStyleOverride("tiled")).toBe("tiled");
    expect(kernelStyleOverride("register")).toBe("register");
    expect(kernelStyleOverride(undefined)).toBeUndefined();
    expect(kernelStyleOverride("")).toBeUndefined();
    expect(() => kernelStyleOverride("fast")).toThrow(/KEISEI_KERNELS is "fast"; it must be "tiled" .* or "register"/);
  });

  test("the tiled variants share the twins and the cpu backend's wasm kernels", async () => {
    expect(conv3.convTiled.cpu).toBe(conv3.conv.cpu);
    expect(conv3.weightGradTiled.cpu).toBe(conv3.weightGrad.cpu);
    expect(gemmTiled.cpu).toBe(gemm.cpu);
    expect(conv3.convTiled32.cpu).toBe(conv3.conv.cpu);
    expect(conv3.weightGradTiled32.cpu).toBe(conv3.weightGrad.cpu);
    expect(gemmTiled32.cpu).toBe(gemm.cpu);
    // On the cpu backend (wasm kernels) a tiled spec computes what the register one does, bit for bit.
    const be = new CpuBackend(undefined, { threads: 1 });
    const u = { batch: 2, cin: 5, cout: 7, wStrideOut: 45, wStrideIn: 9, flip: 0, hasBias: 1, accumulate: 0 };
    const outs: Float32Array[] = [];
    for (const k of [conv3.conv, conv3.convTiled]) {
      const rr = rng(9);
      const x = be.alloc("x", 2 * 5 * 81),
        w = be.alloc("w", 7 * 45),
        b = be.alloc("b", 7),
        y = be.alloc("y", 2 * 7 * 81);
      be.write(x, normal(rr, x.length));
      be.write(w, normal(rr, w.length));
      be.write(b, normal(rr, 7));
      be.run(k, { x, w, bias: b, y }, u);
      outs.push((await be.read(y)) as Float32Array);
    }
    expect(outs[1]).toEqual(outs[0]);
    be.destroy();
  });
});

// Two more devices on the adapter, each backend forced to one style (the shared gpuBackend() is left alone).
const forced: WebGpuBackend[] = [];
async function forcedBackend(style: "tiled" | "register"): Promise<WebGpuBackend> {
  const opened = await openDevice();
  if (opened instanceof Error) throw opened;
  const be = new WebGpuBackend(opened, { style });
  forced.push(be);
  return be;
}
afterAll(() => {
  for (const be of forced) be.destroy();
});

describe("whole network: tiled vs register kernels on the same adapter", () => {
  /** Forward, backward and one Adam step of a 2 × 16 SE tower; what each backend computed. */
  async function step(be: Backend) {
    const net = createNetwork(be, architectureOf("resnet", { depth: 2, width: 16, seRatio: 0.25 }), { seed: 11 });
    await net.prepare();
    const rngx = new Random(12);
    const B = 3;
    const plan = net.plan(B, { training: true });
    net.setInputs(plan, randomObs(rngx, B));
    const loss = await forwardBackward(net, plan, LinearLoss.random(rngx, plan, net.numActions));
    const logits = (await be.read(plan.logits)) as Float32Array;
    const value = (await be.read(plan.value)) as Float32Array;
    const grads = await net.readGradients();
    const adam = new Adam(net, { lr: 1e-3, maxGradNorm: 0.5 });
    adam.update();
    const params = await net.readParameters();
    const norm = await adam.gradNorm();
    adam.destroy();
    net.destroy();
    return { loss, logits, value, grads, params, norm };
  }

  gpuTest(
    "2 blocks × 16 with SE: forward, backward, Adam step",
    async () => {
      const tiled = await forcedBackend("tiled");
      const register = await forcedBackend("register");
      expect(tiled.info.style).toBe("tiled");
      expect(register.info.style).toBe("register");
      const ran = new Set<string>();
      const run = tiled.run.bind(tiled);
      tiled.run = (k, bufs, u) => {
        ran.add(k.name);
        run(k, bufs, u);
      };
      const got = await step(tiled);
      const want = await step(register);
      for (const name of ["conv3x3.conv_tiled", "conv3x3.weight_grad_tiled", "gemm.gemm_tiled"])
        expect(ran).toContain(name);
      for (const name of ["conv3x3.conv", "conv3x3.weight_grad", "gemm.gemm"]) expect(ran).not.toContain(name);
      const scaled = (a: Float32Array, b: Float32Array, label: string, rtol = 2e-3, atolScale = 2e-4) => {
        let s = 0;
        for (const v of b) s = Math.max(s, Math.abs(v));
        return expectClose(a, b, atolScale * s + 1e-6, rtol, label);
      };
      expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-3 * Math.abs(want.loss) + 1e-3);
      // The forward sums each output in the same order (k ascending) in both variants: equal bits
      // are expected there on one adapter; the weight gradients group their sums differently.
      const diffs = [
        `logits ${scaled(got.logits, want.logits, "logits").toExponential(1)}`,
        `value ${scaled(got.value, want.value, "value").toExponential(1)}`,
        // the flat gradient: every tensor, the conv biases before BN (true gradient 0) included, hence atol by the largest
        `grads ${scaled(got.grads, want.grads, "gradients", 5e-3, 1e-3).toExponential(1)}`,
      ];
      // Adam's first step moves each parameter by ≈ lr·g/(|g| + eps), i.e. lr·sign(g): equal on both
      // where the gradient is well above rounding, but up to 2·lr apart where the true gradient is 0
      // and both hold rounding noise (conv biases before BN, weights on all-zero input planes).
      let gmax = 0;
      for (const v of want.grads) gmax = Math.max(gmax, Math.abs(v));
      const signal = (i: number) => Math.abs(want.grads[i]) >= 1e-5 * gmax;
      const pick = (p: Float32Array, keep: boolean) => p.filter((_, i) => signal(i) === keep);
      const worst = expectClose(
        pick(got.params, true),
        pick(want.params, true),
        1e-5,
        1e-4,
        "parameters after one Adam step",
      );
      expectClose(
        pick(got.params, false),
        pick(want.params, false),
        2.5e-3,
        0,
        "parameters with a zero gradient after one Adam step",
      );
      diffs.push(`params after Adam ${worst.toExponential(1)}`);
      expect(Math.abs(got.norm - want.norm)).toBeLessThanOrEqual(1e-3 * want.norm);
      console.log(`tiled vs register, max |diff|: ${diffs.join(", ")}`);
    },
    180_000,
  );

  gpuTest("ops pick the variant by backend style", async () => {
    const seen: string[] = [];
    for (const be of [await gpuBackend(), await forcedBackend("tiled")]) {
      const spy: Backend = Object.create(be);
      spy.run = (k, bufs, u) => {
        seen.push(`${be.info.style}:${k.name}`);
        be.run(k, bufs, u);
      };
      const bufs: Buf[] = [];
      const a = (n: number) => {
        const b = be.alloc("t", n);
        bufs.push(b);
        return b;
      };
      const d = { batch: 1, cin: 2, cout: 3 };
      ops.conv3x3Forward(spy, a(162), a(162), a(54), a(3), { ...d, cout: 2 });
      ops.conv3x3BackwardWeight(spy, a(54), a(3), a(162), a(243), d);
      ops.linearForward(spy, a(6), a(4), a(12), a(3), { batch: 2, in: 2, out: 3 });
      await be.submit();
      for (const b of bufs) be.free(b);
    }
    const style = (await gpuBackend()).info.style;
    const suffix = style === "tiled" ? "_tiled" : "";
    expect(seen.filter((s) => !s.includes("reduce."))).toEqual([
      `${style}:conv3x3.conv${suffix}`,
      `${style}:conv3x3.weight_grad${suffix}`,
      `${style}:gemm.gemm${suffix}`,
      "tiled:conv3x3.conv_tiled",
      "tiled:conv3x3.weight_grad_tiled",
      "tiled:gemm.gemm_tiled",
    ]);
  });
});
