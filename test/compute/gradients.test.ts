// The backward passes of the TypeScript twins (on the reference backend: the definition the WGSL
// and the wasm kernels are held to) against central finite differences of their own forward
// passes, on small shapes; the same checks again on the cpu backend (its wasm kernels, cheap at
// these sizes). The loss is L = Σ r ⊙ output for a
// fixed random r, so the backward pass starts from d output = r. Sizes are small and the step
// large enough (h = 1e-2 on piecewise-linear maps) that f32 rounding stays well below the tolerance.
// Also: Adam / AdamW and gradient clipping against steps computed by hand.

import { beforeAll, describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import * as ops from "../../src/compute/ops.ts";
import { normal, rng, uniform } from "./helpers.ts";

// Each describe below runs once per backend; `be` is the one whose tests are running.
const BACKENDS: [string, Backend][] = [
  ["reference", new ReferenceBackend()],
  ["cpu", new CpuBackend()],
];
let be: Backend;

interface FdCase {
  /** Initial contents of every buffer (a number: zeros of that length). */
  init: Record<string, Float32Array | Uint32Array | number>;
  /** Computes `output` from the inputs. */
  forward: (b: Record<string, Buf>) => void;
  output: string;
  /** Given b.dOut = r (same shape as output), writes the gradients. */
  backward: (b: Record<string, Buf>) => void;
  /** [input, its gradient buffer] pairs to check. */
  check: [string, string][];
  h?: number;
  tol?: number;
  samples?: number;
}

async function fdCheck(c: FdCase) {
  const r = rng(4242);
  const b: Record<string, Buf> = {};
  for (const [k, v] of Object.entries(c.init)) {
    if (typeof v === "number") b[k] = be.alloc(k, v);
    else {
      b[k] = be.alloc(k, v.length, v instanceof Uint32Array ? "u32" : "f32");
      be.write(b[k], v);
    }
  }
  c.forward(b);
  const outLen = b[c.output].length;
  const proj = normal(r, outLen);
  b.dOut = be.alloc("dOut", outLen);
  be.write(b.dOut, proj);
  c.backward(b);
  const loss = async () => {
    c.forward(b);
    const y = await be.read(b[c.output]);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += proj[i] * y[i];
    return s;
  };
  const h = c.h ?? 1e-2;
  const tol = c.tol ?? 2e-3;
  for (const [input, gradName] of c.check) {
    const x = (await be.read(b[input])) as Float32Array;
    const grad = await be.read(b[gradName]);
    const picks = new Set<number>();
    const samples = Math.min(c.samples ?? 12, x.length);
    while (picks.size < samples) picks.add(Math.floor(r() * x.length));
    let worst = 0;
    for (const j of picks) {
      const orig = x[j];
      x[j] = orig + h;
      be.write(b[input], x);
      const lp = await loss();
      x[j] = orig - h;
      be.write(b[input], x);
      const lm = await loss();
      x[j] = orig;
      be.write(b[input], x);
      const fd = (lp - lm) / (2 * h);
      const err = Math.abs(fd - grad[j]) / (1 + Math.abs(fd));
      worst = Math.max(worst, err);
      if (!(err <= tol))
        throw new Error(
          `∂L/∂${input}[${j}]: finite difference ${fd}, backward ${grad[j]} (relative error ${err.toExponential(2)} > ${tol})`,
        );
    }
    expect(worst).toBeLessThanOrEqual(tol);
  }
}

describe.each(BACKENDS)("%s backend: backward passes vs finite differences", (_name, backend) => {
  beforeAll(() => {
    be = backend;
  });
  test("conv3x3: input, weight, bias", async () => {
    const r = rng(1);
    const d = { batch: 2, cin: 3, cout: 4 };
    await fdCheck({
      init: {
        x: normal(r, 2 * 3 * 81),
        w: normal(r, 4 * 3 * 9, 0.3),
        b: normal(r, 4),
        y: 2 * 4 * 81,
        dx: 2 * 3 * 81,
        dw: 4 * 3 * 9,
        db: 4,
      },
      forward: (b) => ops.conv3x3Forward(be, b.y, b.x, b.w, b.b, d),
      output: "y",
      backward: (b) => {
        ops.conv3x3BackwardData(be, b.dx, b.dOut, b.w, d);
        ops.conv3x3BackwardWeight(be, b.dw, b.db, b.x, b.dOut, d);
      },
      check: [
        ["x", "dx"],
        ["w", "dw"],
        ["b", "db"],
      ],
    });
  });

  test("1×1 convolution: input, weight, bias", async () => {
    const r = rng(2);
    const d = { batch: 2, cin: 5, cout: 2 };
    await fdCheck({
      init: {
        x: normal(r, 2 * 5 * 81),
        w: normal(r, 10, 0.3),
        b: normal(r, 2),
        y: 2 * 2 * 81,
        dx: 2 * 5 * 81,
        dw: 10,
        db: 2,
      },
      forward: (b) => ops.conv1x1Forward(be, b.y, b.x, b.w, b.b, d),
      output: "y",
      backward: (b) => {
        ops.conv1x1BackwardData(be, b.dx, b.dOut, b.w, d);
        ops.conv1x1BackwardWeight(be, b.dw, b.db, b.x, b.dOut, d);
      },
      check: [
        ["x", "dx"],
        ["w", "dw"],
        ["b", "db"],
      ],
    });
  });

  test("linear: input, weight, bias", async () => {
    const r = rng(3);
    const d = { batch: 4, in: 7, out: 5 };
    await fdCheck({
      init: { x: normal(r, 28), w: normal(r, 35, 0.3), b: normal(r, 5), y: 20, dx: 28, dw: 35, db: 5 },
      forward: (b) => ops.linearForward(be, b.y, b.x, b.w, b.b, d),
      output: "y",
      backward: (b) => {
        ops.linearBackwardData(be, b.dx, b.dOut, b.w, d);
        ops.linearBackwardWeight(be, b.dw, b.db, b.x, b.dOut, d);
      },
      check: [
        ["x", "dx"],
        ["w", "dw"],
        ["b", "db"],
      ],
    });
  });

  for (const relu of [false, true]) {
    test(`batch norm (training mode${relu ? ", fused ReLU" : ""}): input, gamma, beta`, async () => {
      const r = rng(relu ? 4 : 5);
      const d = { batch: 2, channels: 3 };
      const n = 2 * 3 * 81;
      await fdCheck({
        init: {
          x: normal(r, n),
          gamma: uniform(r, 3, 0.5, 1.5),
          beta: normal(r, 3, 0.3),
          runMean: 3,
          runVar: new Float32Array(3).fill(1),
          saved: 6,
          y: n,
          dx: n,
          dg: 3,
          dbeta: 3,
        },
        forward: (b) =>
          ops.batchNormForwardTrain(be, b.y, b.saved, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu }),
        output: "y",
        backward: (b) =>
          ops.batchNormBackward(be, b.dx, b.dg, b.dbeta, b.dOut, b.x, b.y, b.gamma, b.saved, d, { relu }),
        check: [
          ["x", "dx"],
          ["gamma", "dg"],
          ["beta", "dbeta"],
        ],
        h: 1e-3,
        tol: relu ? 1e-2 : 5e-3,
      });
    });
  }

  for (const relu of [false, true]) {
    test(`batch norm (frozen mode${relu ? ", fused ReLU" : ""}): input, gamma, beta`, async () => {
      const r = rng(relu ? 14 : 15);
      const d = { batch: 2, channels: 3 };
      const n = 2 * 3 * 81;
      await fdCheck({
        init: {
          x: normal(r, n),
          gamma: uniform(r, 3, 0.5, 1.5),
          beta: normal(r, 3, 0.3),
          runMean: normal(r, 3, 0.5),
          runVar: uniform(r, 3, 0.3, 2),
          saved: 6,
          y: n,
          dx: n,
          dg: 3,
          dbeta: 3,
        },
        forward: (b) =>
          ops.batchNormForwardFrozen(be, b.y, b.saved, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu }),
        output: "y",
        backward: (b) =>
          ops.batchNormBackwardFrozen(be, b.dx, b.dg, b.dbeta, b.dOut, b.x, b.y, b.gamma, b.saved, d, { relu }),
        check: [
          ["x", "dx"],
          ["gamma", "dg"],
          ["beta", "dbeta"],
        ],
        h: 1e-3,
        tol: relu ? 1e-2 : 5e-3,
      });
    });
  }

  test("squeeze-excitation residual join: x, skip, fc1, fc2", async () => {
    const r = rng(6);
    const d = { batch: 2, channels: 4, hidden: 2 };
    const n = 2 * 4 * 81;
    await fdCheck({
      init: {
        // skip ≫ 0 keeps the final ReLU away from its kink, which finite differences cannot cross
        x: normal(r, n),
        skip: uniform(r, n, 3, 4),
        w1: normal(r, 8, 0.5),
        b1: uniform(r, 2, 0.2, 0.5),
        w2: normal(r, 8, 0.5),
        b2: normal(r, 4, 0.2),
        out: n,
        pooled: 8,
        hidden: 4,
        gate: 8,
        dx: n,
        dskip: n,
        dw1: 8,
        db1: 2,
        dw2: 8,
        db2: 4,
        dz: 8,
        dhPre: 4,
        dh: 4,
        dpooled: 8,
      },
      forward: (b) =>
        ops.seResidualForward(
          be,
          b.out,
          { pooled: b.pooled, hidden: b.hidden, gate: b.gate },
          b.x,
          b.skip,
          b.w1,
          b.b1,
          b.w2,
          b.b2,
          d,
        ),
      output: "out",
      backward: (b) =>
        ops.seResidualBackward(
          be,
          b.dx,
          b.dskip,
          b.dw1,
          b.db1,
          b.dw2,
          b.db2,
          b as never,
          b.dOut,
          b.out,
          b.x,
          { pooled: b.pooled, hidden: b.hidden, gate: b.gate },
          b.w1,
          b.w2,
          d,
        ),
      check: [
        ["x", "dx"],
        ["skip", "dskip"],
        ["w1", "dw1"],
        ["b1", "db1"],
        ["w2", "dw2"],
        ["b2", "db2"],
      ],
      h: 1e-3,
      tol: 3e-3,
      samples: 8,
    });
  });

  for (const valueClip of [false, true]) {
    test(`PPO loss (value clipping ${valueClip}): logits and values`, async () => {
      const r = rng(valueClip ? 7 : 8);
      const rows = 4;
      const A = 70;
      const dense = new Uint8Array(rows * A);
      for (let i = 0; i < dense.length; i++) dense[i] = r() < 0.3 ? 1 : 0;
      const actions = new Uint32Array(rows);
      for (let i = 0; i < rows; i++) {
        dense[i * A + 5 + i] = 1;
        actions[i] = 5 + i;
      }
      // old log-probs near the current ones so that some ratios fall inside the clip range
      const samples = new Float32Array(rows * 4);
      for (let i = 0; i < rows; i++) samples.set([-2.5 + 0.6 * r(), r() - 0.5, r() - 0.5, 0.3 * r() - 0.15], i * 4);
      const d = { rows, actions: A };
      const o = { clipEps: 0.2, valueCoef: 0.5, entropyCoef: 0.05, valueClip };
      // L = means[6], the total loss, whose gradients the kernel writes (dlogits, dvalues).
      const b: Record<string, Buf> = {};
      const init = { logits: normal(rng(9), rows * A), values: uniform(rng(10), rows, -0.4, 0.4) };
      b.logits = be.alloc("logits", rows * A);
      be.write(b.logits, init.logits);
      b.values = be.alloc("values", rows);
      be.write(b.values, init.values);
      b.mask = be.alloc("mask", ops.maskWords(A) * rows, "u32");
      be.write(b.mask, ops.packMask(dense, rows, A));
      b.actions = be.alloc("actions", rows, "u32");
      be.write(b.actions, actions);
      b.samples = be.alloc("samples", rows * 4);
      be.write(b.samples, samples);
      const out = {
        dlogits: be.alloc("dl", rows * A),
        dvalues: be.alloc("dv", rows),
        stats: be.alloc("st", rows * 6),
        means: be.alloc("m", 7),
      };
      const inputs = { logits: b.logits, mask: b.mask, actions: b.actions, samples: b.samples, values: b.values };
      ops.ppoLoss(be, out, inputs, d, o);
      const dl = await be.read(out.dlogits);
      const dv = await be.read(out.dvalues);
      const lossAt = async () => {
        ops.ppoLoss(be, out, inputs, d, o);
        return (await be.read(out.means))[6];
      };
      const h = 1e-3;
      for (const [buf, grad, data] of [
        [b.logits, dl, init.logits],
        [b.values, dv, init.values],
      ] as const) {
        const idx = buf === b.values ? [0, 1, 2, 3] : [5, A + 6, 2 * A + 7, 3 * A + 8, 0, 1, 2, 3, A + 3, 2 * A + 11];
        for (const j of idx) {
          const x = data.slice();
          x[j] += h;
          be.write(buf, x);
          const lp = await lossAt();
          x[j] -= 2 * h;
          be.write(buf, x);
          const lm = await lossAt();
          be.write(buf, data);
          const fd = (lp - lm) / (2 * h);
          expect(Math.abs(fd - grad[j])).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd));
        }
      }
    });
  }
});

describe.each(BACKENDS)("%s backend: optimizer steps computed by hand", (_name, backend) => {
  beforeAll(() => {
    be = backend;
  });
  const alloc = (data: number[]) => {
    const b = be.alloc("t", data.length);
    be.write(b, Float32Array.from(data));
    return b;
  };

  test("Adam, two steps, with L2 weight decay added to the gradient (PyTorch Adam)", async () => {
    const p = alloc([1, -2]);
    const g = alloc([0.5, 0.1]);
    const m = alloc([0, 0]);
    const v = alloc([0, 0]);
    const lr = 0.1,
      wd = 0.1,
      b1 = 0.9,
      b2 = 0.999,
      eps = 1e-8;
    // step 1 by hand: g' = g + wd·p = [0.6, −0.1]; m = 0.1·g'; v = 0.001·g'²;
    // m̂ = g', v̂ = g'² ⇒ p −= lr·sign(g') (up to eps)
    ops.adamStep(be, p, g, m, v, null, { lr, weightDecay: wd, step: 1 });
    const p1 = await be.read(p);
    expect(p1[0]).toBeCloseTo(1 - 0.1 * (0.6 / (0.6 + eps)), 6);
    expect(p1[1]).toBeCloseTo(-2 + 0.1 * (0.1 / (0.1 + eps)), 6);
    // step 2 by hand for element 0
    const gp = 0.5 + wd * p1[0];
    const m2 = b1 * 0.1 * 0.6 + (1 - b1) * gp;
    const v2 = b2 * 0.001 * 0.36 + (1 - b2) * gp * gp;
    const want = p1[0] - ((lr / (1 - b1 ** 2)) * m2) / (Math.sqrt(v2) / Math.sqrt(1 - b2 ** 2) + eps);
    ops.adamStep(be, p, g, m, v, null, { lr, weightDecay: wd, step: 2 });
    expect((await be.read(p))[0]).toBeCloseTo(want, 6);
    expect((await be.read(m))[0]).toBeCloseTo(m2, 7);
  });

  test("AdamW decays the weight instead: p·(1 − lr·wd) then the Adam step", async () => {
    const p = alloc([1]);
    const g = alloc([0.5]);
    ops.adamStep(be, p, g, alloc([0]), alloc([0]), null, { lr: 0.1, weightDecay: 0.1, decoupled: true, step: 1 });
    expect((await be.read(p))[0]).toBeCloseTo(1 * (1 - 0.01) - 0.1, 6);
  });

  test("gradient norm and clip factor; Adam uses the clipped gradient", async () => {
    const g = alloc([3, 4]);
    const clip = be.alloc("clip", 2);
    const partials = be.alloc("partials", ops.NORM_PARTIALS);
    ops.gradNorm(be, clip, partials, g, 1);
    const c = await be.read(clip);
    expect(c[0]).toBeCloseTo(5, 6);
    expect(c[1]).toBeCloseTo(1 / (5 + 1e-6), 7);
    ops.gradNorm(be, clip, partials, g, 0); // disabled
    expect((await be.read(clip))[1]).toBe(1);
    ops.gradNorm(be, clip, partials, g, 10); // under the limit
    expect((await be.read(clip))[1]).toBe(1);
    ops.gradNorm(be, clip, partials, g, 2.5);
    const p = alloc([0, 0]);
    const m = alloc([0, 0]);
    ops.adamStep(be, p, g, m, alloc([0, 0]), clip, { lr: 1, beta1: 0.5, step: 1 });
    const mm = await be.read(m);
    expect(mm[0]).toBeCloseTo(0.5 * 3 * (2.5 / (5 + 1e-6)), 6);
    expect(mm[1]).toBeCloseTo(0.5 * 4 * (2.5 / (5 + 1e-6)), 6);
  });
});
