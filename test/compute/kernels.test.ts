// Every WGSL kernel against its CPU twin on seeded random inputs, forward and backward, through
// the launchers in src/compute/ops.ts (so the stride set-ups are covered too). Shapes are small
// and odd (channel counts that are not multiples of the 8-wide register blocks) to hit the tails.

import { describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { NONE } from "../../src/compute/kernels/gather.ts";
import * as ops from "../../src/compute/ops.ts";
import { NUM_ACTIONS, moveToAction } from "../../src/shogi/actions.ts";
import { NO_CELL, POLICY_PLANES, policyPlaneTables } from "../../src/shogi/policy-planes.ts";
import { makeBoardMove } from "../../src/shogi/types.ts";
import { hasWebGpu, normal, parity, rng, uniform } from "./helpers.ts";

// lavapipe compiles a pipeline on its first dispatch (up to seconds): generous timeouts.
const gpuTest = (name: string, fn: () => Promise<void>) => test.skipIf(!hasWebGpu)(name, fn, 60_000);
const TOL = { atol: 2e-5, rtol: 2e-4 };

describe("elementwise", () => {
  gpuTest("fill, relu forward/backward, add_relu, axpy, copy", async () => {
    const r = rng(1);
    const n = 1000;
    const out = await parity(
      { x: normal(r, n), dy: normal(r, n), a: normal(r, n), y: n, dx: n, s: n, f: n, acc: normal(r, n), c: n },
      (be, b) => {
        ops.fill(be, b.f, 0.25);
        ops.reluForward(be, b.y, b.x);
        ops.reluBackward(be, b.dx, b.dy, b.y);
        ops.addRelu(be, b.s, b.x, b.a);
        ops.axpy(be, b.acc, b.x, -0.5);
        ops.copy(be, b.c, b.dy);
      },
      ["f", "y", "dx", "s", "acc", "c"],
      { atol: 0, rtol: 0 },
    );
    expect(out.f[999]).toBe(0.25);
    expect(Math.min(...out.y)).toBe(0);
  });
});

describe("conv3x3", () => {
  for (const [batch, cin, cout] of [
    [2, 5, 11],
    [3, 16, 8],
    [51, 3, 5], // 51 · 81 ≥ LONG_SUM: the bias gradient by channel_sum_long
  ]) {
    gpuTest(`forward, backward-data, backward-weight (N=${batch}, ${cin}→${cout})`, async () => {
      const r = rng(100 + cin);
      const d = { batch, cin, cout };
      await parity(
        {
          x: normal(r, batch * cin * 81),
          w: normal(r, cout * cin * 9, 0.3),
          b: normal(r, cout),
          dy: normal(r, batch * cout * 81),
          y: batch * cout * 81,
          dx: normal(r, batch * cin * 81), // accumulated into
          dw: normal(r, cout * cin * 9), // accumulated into
          db: normal(r, cout),
        },
        (be, b) => {
          ops.conv3x3Forward(be, b.y, b.x, b.w, b.b, d);
          ops.conv3x3BackwardData(be, b.dx, b.dy, b.w, d, true);
          ops.conv3x3BackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
        },
        ["y", "dx", "dw", "db"],
        { atol: 1e-4, rtol: 1e-4 },
      );
    });
  }
});

describe("gemm: linear and 1×1 convolution", () => {
  gpuTest("linear forward (none / relu / sigmoid), backward-data, backward-weight", async () => {
    const r = rng(7);
    const d = { batch: 13, in: 21, out: 19 };
    await parity(
      {
        x: normal(r, d.batch * d.in),
        w: normal(r, d.out * d.in, 0.3),
        b: normal(r, d.out),
        dy: normal(r, d.batch * d.out),
        y0: d.batch * d.out,
        y1: d.batch * d.out,
        y2: d.batch * d.out,
        dx: d.batch * d.in,
        dw: normal(r, d.out * d.in),
        db: normal(r, d.out),
      },
      (be, b) => {
        ops.linearForward(be, b.y0, b.x, b.w, b.b, d);
        ops.linearForward(be, b.y1, b.x, b.w, b.b, d, "relu");
        ops.linearForward(be, b.y2, b.x, b.w, b.b, d, "sigmoid");
        ops.linearBackwardData(be, b.dx, b.dy, b.w, d);
        ops.linearBackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
      },
      ["y0", "y1", "y2", "dx", "dw", "db"],
      TOL,
    );
  });

  gpuTest("1×1 convolution forward, backward-data (accumulating), backward-weight", async () => {
    const r = rng(8);
    const d = { batch: 3, cin: 10, cout: 2 };
    await parity(
      {
        x: normal(r, d.batch * d.cin * 81),
        w: normal(r, d.cout * d.cin, 0.3),
        b: normal(r, d.cout),
        dy: normal(r, d.batch * d.cout * 81),
        y: d.batch * d.cout * 81,
        dx: normal(r, d.batch * d.cin * 81),
        dw: d.cout * d.cin,
        db: d.cout,
      },
      (be, b) => {
        ops.conv1x1Forward(be, b.y, b.x, b.w, b.b, d);
        ops.conv1x1BackwardData(be, b.dx, b.dy, b.w, d, true);
        ops.conv1x1BackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
      },
      ["y", "dx", "dw", "db"],
      TOL,
    );
  });
});

describe("batch norm", () => {
  for (const relu of [false, true]) {
    gpuTest(`training forward, inference forward, backward (relu ${relu})`, async () => {
      const r = rng(relu ? 9 : 10);
      const d = { batch: 4, channels: 6 };
      const n = d.batch * d.channels * 81;
      const x = normal(r, n, 2);
      for (let i = 0; i < n; i++) x[i] += Math.floor(i / 81) % d.channels; // per-channel offsets
      await parity(
        {
          x,
          gamma: uniform(r, d.channels, 0.5, 1.5),
          beta: normal(r, d.channels),
          runMean: normal(r, d.channels),
          runVar: uniform(r, d.channels, 0.5, 2),
          saved: 2 * d.channels,
          y: n,
          yi: n,
          dy: normal(r, n),
          dx: n,
          dgamma: d.channels,
          dbeta: d.channels,
        },
        (be, b) => {
          ops.batchNormForwardInfer(be, b.yi, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu });
          ops.batchNormForwardTrain(be, b.y, b.saved, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu });
          ops.batchNormBackward(be, b.dx, b.dgamma, b.dbeta, b.dy, b.x, b.y, b.gamma, b.saved, d, { relu });
        },
        ["yi", "y", "saved", "runMean", "runVar", "dx", "dgamma", "dbeta"],
        { atol: 1e-4, rtol: 1e-4 },
      );
    });
  }
});

describe("batch norm, frozen mode (running statistics, held constant in the backward)", () => {
  for (const [relu, accumulate] of [
    [false, true],
    [true, false],
  ]) {
    gpuTest(`forward_frozen, backward_frozen (relu ${relu}, accumulate ${accumulate})`, async () => {
      const r = rng(relu ? 12 : 13);
      const d = { batch: 3, channels: 5 };
      const n = d.batch * d.channels * 81;
      const x = normal(r, n, 2);
      for (let i = 0; i < n; i++) x[i] += Math.floor(i / 81) % d.channels;
      const runMean = normal(r, d.channels);
      const runVar = uniform(r, d.channels, 0.5, 2);
      const out = await parity(
        {
          x,
          gamma: uniform(r, d.channels, 0.5, 1.5),
          beta: normal(r, d.channels),
          runMean,
          runVar,
          saved: 2 * d.channels,
          y: n,
          yi: n,
          dy: normal(r, n),
          dx: accumulate ? normal(r, n) : n,
          dgamma: normal(r, d.channels),
          dbeta: normal(r, d.channels),
          diff: n, // yi − y: the frozen forward is the inference forward, bit for bit, on each backend
        },
        (be, b) => {
          ops.batchNormForwardInfer(be, b.yi, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu });
          ops.batchNormForwardFrozen(be, b.y, b.saved, b.x, b.gamma, b.beta, b.runMean, b.runVar, d, { relu });
          ops.batchNormBackwardFrozen(be, b.dx, b.dgamma, b.dbeta, b.dy, b.x, b.y, b.gamma, b.saved, d, {
            relu,
            accumulate,
          });
          ops.axpy(be, b.diff, b.yi);
          ops.axpy(be, b.diff, b.y, -1);
        },
        ["y", "saved", "runMean", "runVar", "dx", "dgamma", "dbeta", "diff"],
        { atol: 1e-4, rtol: 1e-4 },
      );
      expect(out.diff.every((v) => v === 0)).toBe(true);
      expect(out.runMean).toEqual(runMean); // not updated
      expect(out.runVar).toEqual(runVar);
      expect(Array.from(out.saved.subarray(0, d.channels))).toEqual(Array.from(runMean));
    });
  }

  gpuTest("forward_train with a given momentum (the statistics refresh: 1, then 1/2)", async () => {
    const r = rng(14);
    const d = { batch: 2, channels: 3 };
    const n = d.batch * d.channels * 81;
    await parity(
      {
        x1: normal(r, n, 2),
        x2: normal(r, n, 3),
        gamma: uniform(r, 3, 0.5, 1.5),
        beta: normal(r, 3),
        runMean: normal(r, 3),
        runVar: uniform(r, 3, 0.5, 2),
        saved: 6,
        y: n,
      },
      (be, b) => {
        ops.batchNormForwardTrain(be, b.y, b.saved, b.x1, b.gamma, b.beta, b.runMean, b.runVar, d, { momentum: 1 });
        ops.batchNormForwardTrain(be, b.y, b.saved, b.x2, b.gamma, b.beta, b.runMean, b.runVar, d, { momentum: 0.5 });
      },
      ["runMean", "runVar", "saved"],
      { atol: 1e-5, rtol: 1e-4 },
    );
  });
});

describe("squeeze-excitation residual join", () => {
  gpuTest("forward and backward", async () => {
    const r = rng(11);
    const d = { batch: 3, channels: 12, hidden: 3 };
    const n = d.batch * d.channels * 81;
    const nc = d.batch * d.channels;
    const nh = d.batch * d.hidden;
    await parity(
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
      ["out", "pooled", "hidden", "gate", "dx", "dskip", "dw1", "db1", "dw2", "db2"],
      TOL,
    );
  });
});

/** A random bit-packed mask with about `density` legal actions per row; row `emptyRow` has none. */
function randomMask(r: () => number, rows: number, A: number, density: number, emptyRow = -1) {
  const dense = new Uint8Array(rows * A);
  for (let i = 0; i < dense.length; i++) dense[i] = r() < density && Math.floor(i / A) !== emptyRow ? 1 : 0;
  return { dense, bits: ops.packMask(dense, rows, A) };
}

describe("policy softmax", () => {
  gpuTest("masked log-softmax, sampling by inverse CDF, argmax (13 527 actions)", async () => {
    const r = rng(12);
    const d = { rows: 5, actions: 13527 };
    const { dense, bits } = randomMask(r, d.rows, d.actions, 0.005, 3);
    const out = await parity(
      {
        logits: normal(r, d.rows * d.actions, 2),
        mask: bits,
        u: uniform(r, d.rows, 0, 1),
        logp: d.rows * d.actions,
        action: { u32: d.rows },
        actionLogp: d.rows,
        greedyAction: { u32: d.rows },
        greedyLogp: d.rows,
      },
      (be, b) => {
        ops.maskedLogSoftmax(be, b.logp, b.logits, b.mask, d);
        ops.sampleActions(be, b.action, b.actionLogp, b.logits, b.mask, b.u, d);
        ops.sampleActions(be, b.greedyAction, b.greedyLogp, b.logits, b.mask, b.u, d, true);
      },
      ["logp", "action", "actionLogp", "greedyAction", "greedyLogp"],
      { atol: 1e-5, rtol: 1e-5 },
    );
    for (let row = 0; row < d.rows; row++) {
      if (row === 3) continue; // no legal action: every action counts as legal
      expect(dense[row * d.actions + out.action[row]]).toBe(1);
      expect(dense[row * d.actions + out.greedyAction[row]]).toBe(1);
      expect(out.logp[row * d.actions + (dense.indexOf(0, row * d.actions) - row * d.actions)]).toBe(-Infinity);
    }
  });
});

describe("per-mover gather (conv policy head)", () => {
  const { gather, scatter } = policyPlaneTables();
  const rows = 3;
  const cells = POLICY_PLANES * 81;
  const r = rng(21);
  const obs = new Float32Array(rows * 46 * 81);
  for (const row of [0, 2]) obs.fill(1, (row * 46 + 42) * 81, (row * 46 + 43) * 81); // rows 0, 2: Black to move; row 1: White
  const planes = normal(r, rows * cells);
  const dlogits = normal(r, rows * NUM_ACTIONS);
  const fwd = { rows, srcCols: cells, dstCols: NUM_ACTIONS, obsStride: 46 * 81, moverAt: 42 * 81 };
  const bwd = { ...fwd, srcCols: NUM_ACTIONS, dstCols: cells };
  const init = {
    planes,
    dlogits,
    gather,
    scatter,
    obs,
    logits: normal(r, rows * NUM_ACTIONS),
    dplanes: normal(r, rows * cells),
  };
  const body = (be: Backend, b: Record<string, Buf>) => {
    ops.gatherByMover(be, b.logits, b.planes, b.gather, b.obs, fwd);
    ops.gatherByMover(be, b.dplanes, b.dlogits, b.scatter, b.obs, bwd);
  };

  /** What the map must do, whichever backend ran it. */
  function checkAnchors(logits: ArrayLike<number>, dplanes: ArrayLike<number>) {
    // 7g7f is Black's pawn one step forward into 7f (row 5, col 2): plane 0, cell 47. For White
    // the same action is one step backwards (S, plane 4·8) into the rotated square 80 − 47 = 33.
    const a = moveToAction(makeBoardMove(56, 47, false)); // 7g = 9·6 + 2 = 56, 7f = 47
    expect(logits[a]).toBe(planes[47]);
    expect(logits[NUM_ACTIONS + a]).toBe(planes[cells + 32 * 81 + 33]);
    expect(logits[2 * NUM_ACTIONS + a]).toBe(planes[2 * cells + 47]);
    // An action no piece can make (9a7b: a jump of (1, 2)) reads 0.
    expect(logits[moveToAction(makeBoardMove(0, 11, false))]).toBe(0);
    // The backward is the forward's adjoint: Σ logits·dlogits = Σ planes·dplanes, row by row.
    for (let row = 0; row < rows; row++) {
      let lhs = 0;
      let rhs = 0;
      for (let i = row * NUM_ACTIONS; i < (row + 1) * NUM_ACTIONS; i++) lhs += logits[i] * dlogits[i];
      for (let i = row * cells; i < (row + 1) * cells; i++) rhs += planes[i] * dplanes[i];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    }
    expect(NONE).toBe(NO_CELL); // the kernel's "no source" is the tables' "no cell"
  }

  for (const [name, make] of [
    ["reference", () => new ReferenceBackend()],
    ["cpu", () => new CpuBackend()],
  ] as const) {
    test(`the map on the ${name} backend: anchors, both movers, adjoint backward`, async () => {
      const be = make();
      const b = Object.fromEntries(
        Object.entries(init).map(([k, v]) => {
          const buf = be.alloc(k, v.length, v instanceof Uint32Array ? "u32" : "f32");
          be.write(buf, v);
          return [k, buf];
        }),
      );
      body(be, b);
      checkAnchors((await be.read(b.logits)) as Float32Array, (await be.read(b.dplanes)) as Float32Array);
      be.destroy();
    });
  }

  gpuTest(
    "WGSL against the twin: planes → logits through the real action tables, and back (13 527 actions, 139 planes)",
    async () => {
      const out = await parity(init, body, ["logits", "dplanes"], { atol: 0, rtol: 0 });
      checkAnchors(out.logits, out.dplanes);
    },
  );
});

describe("ppo loss", () => {
  for (const valueClip of [false, true]) {
    gpuTest(`forward and backward, value clipping ${valueClip}`, async () => {
      const r = rng(valueClip ? 13 : 14);
      const d = { rows: 6, actions: 300 };
      const { bits, dense } = randomMask(r, d.rows, d.actions, 0.1);
      const actions = new Uint32Array(d.rows);
      for (let i = 0; i < d.rows; i++) {
        const legal = [...Array(d.actions).keys()].filter((a) => dense[i * d.actions + a]);
        actions[i] = legal[Math.floor(r() * legal.length)];
      }
      const samples = new Float32Array(d.rows * 4);
      for (let i = 0; i < d.rows; i++) samples.set([-3 + r(), 2 * r() - 1, 2 * r() - 1, 0.4 * r() - 0.2], i * 4);
      await parity(
        {
          logits: normal(r, d.rows * d.actions),
          mask: bits,
          actions,
          samples,
          values: uniform(r, d.rows, -0.5, 0.5),
          dlogits: d.rows * d.actions,
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
            { clipEps: 0.2, valueCoef: 0.5, entropyCoef: 0.01, valueClip },
          ),
        ["dlogits", "dvalues", "stats", "means"],
        { atol: 1e-5, rtol: 1e-4 },
      );
    });
  }
});

describe("optimizer", () => {
  for (const decoupled of [false, true]) {
    gpuTest(`gradient norm + clip factor + ${decoupled ? "AdamW" : "Adam"} step`, async () => {
      const r = rng(decoupled ? 15 : 16);
      const n = 40_000;
      await parity(
        {
          p: normal(r, n),
          g: normal(r, n),
          m: normal(r, n, 0.1),
          v: uniform(r, n, 0, 0.1),
          partials: ops.NORM_PARTIALS,
          clip: 2,
          gs: normal(r, n),
        },
        (be, b) => {
          ops.gradNorm(be, b.clip, b.partials, b.g, 50);
          ops.adamStep(be, b.p, b.g, b.m, b.v, b.clip, { lr: 1e-3, weightDecay: 0.01, decoupled, step: 3 });
          ops.scaleGrads(be, b.gs, b.clip);
        },
        ["clip", "p", "m", "v", "gs"],
        { atol: 1e-6, rtol: 1e-4 },
      );
    });
  }
});
