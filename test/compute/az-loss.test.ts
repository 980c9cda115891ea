// The AlphaZero loss kernel (shaders/az.wgsl, src/compute/kernels/az.ts): its twin against numbers
// worked by hand, its WGSL against the twin (lavapipe in CI), the cpu backend's fast path against
// the twin, and its backward against central finite differences of its own forward.
import { describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import * as ops from "../../src/compute/ops.ts";
import { compare, hasWebGpu, type Init, normal, parity, rng, uniform } from "./helpers.ts";

/** A random problem: logits, a bit mask (row `emptyRow` has no legal action), targets over each row's legal actions. */
function problem(seed: number, rows: number, A: number, density: number, emptyRow = -1) {
  const r = rng(seed);
  const dense = new Uint8Array(rows * A);
  for (let i = 0; i < dense.length; i++) dense[i] = r() < density && Math.floor(i / A) !== emptyRow ? 1 : 0;
  for (let i = 0; i < rows; i++) if (i !== emptyRow) dense[i * A + ((7 * i) % A)] = 1; // at least one legal action
  const targets = new Float32Array(rows * A);
  for (let i = 0; i < rows; i++) {
    // A distribution over the row's legal actions with some exact zeros (KL's 0·log 0 = 0), plus
    // mass at illegal actions the kernel must ignore.
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const legal = dense[i * A + a] === 1 || i === emptyRow;
      if (legal && r() < 0.7) {
        targets[i * A + a] = Math.exp(2 * r());
        sum += targets[i * A + a];
      }
    }
    for (let a = 0; a < A; a++) {
      const legal = dense[i * A + a] === 1 || i === emptyRow;
      if (legal) targets[i * A + a] /= sum;
      else if (r() < 0.05) targets[i * A + a] = 0.5; // ignored
    }
  }
  return {
    dense,
    logits: normal(r, rows * A, 2),
    mask: ops.packMask(dense, rows, A),
    targets,
    outcomes: Float32Array.from({ length: rows }, () => [-1, 0, 1][Math.floor(3 * r())]),
    values: uniform(r, rows, -1.2, 1.2),
  };
}

const run = (be: Backend, b: Record<string, Buf>, d: ops.PolicyDims, valueCoef = 0.7) =>
  ops.azLoss(
    be,
    { dlogits: b.dlogits, dvalues: b.dvalues, stats: b.stats, means: b.means },
    { logits: b.logits, mask: b.mask, targets: b.targets, outcomes: b.outcomes, values: b.values },
    d,
    { valueCoef },
  );

function upload(be: Backend, init: Record<string, Init>): Record<string, Buf> {
  const b: Record<string, Buf> = {};
  for (const [k, v] of Object.entries(init)) {
    if (typeof v === "number") b[k] = be.alloc(k, v);
    else {
      const data = v as Float32Array | Uint32Array;
      b[k] = be.alloc(k, data.length, data instanceof Uint32Array ? "u32" : "f32");
      be.write(b[k], data);
    }
  }
  return b;
}

const outputsOf = (rows: number, A: number) => ({ dlogits: rows * A, dvalues: rows, stats: rows * 4, means: 5 });

describe("AlphaZero loss: the twin", () => {
  test("one row worked by hand: cross-entropy, value, entropy, KL, gradients", async () => {
    const be = new ReferenceBackend();
    // 4 actions, action 2 illegal; logits 0, ln 2, (9), ln 3 → π = 1/6, 2/6, –, 3/6.
    const z = [0, Math.log(2), 9, Math.log(3)];
    const t = [0.5, 0, 0.25, 0.5]; // the 0.25 at the illegal action is ignored
    const b = upload(be, {
      logits: Float32Array.from(z),
      mask: ops.packMask(Uint8Array.from([1, 1, 0, 1]), 1, 4),
      targets: Float32Array.from(t),
      outcomes: Float32Array.from([-1]),
      values: Float32Array.from([0.25]),
      ...outputsOf(1, 4),
    });
    run(be, b, { rows: 1, actions: 4 }, 0.5);
    const pi = [1 / 6, 2 / 6, 0, 3 / 6];
    const ce = -(0.5 * Math.log(pi[0]) + 0.5 * Math.log(pi[3]));
    const entropy = -(pi[0] * Math.log(pi[0]) + pi[1] * Math.log(pi[1]) + pi[3] * Math.log(pi[3]));
    const kl = 0.5 * Math.log(0.5 / pi[0]) + 0.5 * Math.log(0.5 / pi[3]);
    const value = (0.25 + 1) ** 2;
    const stats = await be.read(b.stats);
    const means = await be.read(b.means);
    const dl = await be.read(b.dlogits);
    const dv = await be.read(b.dvalues);
    const want = [ce, value, entropy, kl];
    for (let k = 0; k < 4; k++) expect(stats[k]).toBeCloseTo(want[k], 6);
    expect(means[4]).toBeCloseTo(ce + 0.5 * value, 6);
    for (let a = 0; a < 4; a++) expect(dl[a]).toBeCloseTo([pi[0] - 0.5, pi[1], 0, pi[3] - 0.5][a], 6);
    expect(dv[0]).toBeCloseTo(0.5 * 2 * (0.25 + 1), 6);
  });
});

describe("AlphaZero loss: backends against the twin", () => {
  test.skipIf(!hasWebGpu)(
    "WGSL against the twin: forward and backward, 13 527 actions, a row with no legal action",
    async () => {
      const d = { rows: 5, actions: 13527 };
      const { dense: _, ...init } = problem(31, d.rows, d.actions, 0.005, 3);
      await parity(
        { ...init, ...outputsOf(d.rows, d.actions) },
        (be, b) => run(be, b, d),
        ["dlogits", "dvalues", "stats", "means"],
        { atol: 2e-5, rtol: 2e-4 },
      );
    },
    60_000,
  );

  test.skipIf(!hasWebGpu)(
    "WGSL against the twin: dense legal sets (300 actions, a third legal)",
    async () => {
      const d = { rows: 7, actions: 300 };
      const { dense: _, ...init } = problem(32, d.rows, d.actions, 0.33);
      await parity(
        { ...init, ...outputsOf(d.rows, d.actions) },
        (be, b) => run(be, b, d),
        ["dlogits", "dvalues", "stats", "means"],
        { atol: 2e-5, rtol: 2e-4 },
      );
    },
    60_000,
  );

  test("the cpu backend's fast path is the twin, bit for bit", async () => {
    const d = { rows: 9, actions: 13527 };
    const { dense: _, ...init } = { ...problem(33, d.rows, d.actions, 0.004, 4), ...outputsOf(d.rows, d.actions) };
    const sides = [new CpuBackend(), new ReferenceBackend()].map((be) => {
      const b = upload(be, init);
      run(be, b, d);
      return { be, b };
    });
    for (const name of ["dlogits", "dvalues", "stats", "means"]) {
      const got = await sides[0].be.read(sides[0].b[name]);
      const want = await sides[1].be.read(sides[1].b[name]);
      const c = compare(got, want, 0, 0);
      if (c.bad > 0) throw new Error(`${name}: max |fast − twin| ${c.maxDiff} at [${c.at}]`);
    }
    for (const { be } of sides) be.destroy();
  });
});

describe.each([
  ["reference", () => new ReferenceBackend()],
  ["cpu", () => new CpuBackend()],
] as const)("%s backend: the AlphaZero loss's backward vs finite differences", (_name, make) => {
  test("∂loss/∂logits and ∂loss/∂values", async () => {
    const be = make();
    const rows = 4;
    const A = 70;
    const d = { rows, actions: A };
    const { dense, ...init } = problem(35, rows, A, 0.3);
    const b = upload(be, { ...init, ...outputsOf(rows, A) });
    run(be, b, d);
    const dl = await be.read(b.dlogits);
    const dv = await be.read(b.dvalues);
    const lossAt = async () => {
      run(be, b, d);
      return (await be.read(b.means))[4];
    };
    const h = 1e-3;
    let checked = 0;
    for (const [buf, grad, data] of [
      [b.logits, dl, init.logits],
      [b.values, dv, init.values],
    ] as const) {
      for (let j = 0; j < data.length; j++) {
        // every value; the logits of every legal action and a few illegal ones (gradient 0)
        if (buf === b.logits && dense[j] === 0 && j % 17 !== 0) continue;
        const x = data.slice();
        x[j] += h;
        be.write(buf, x);
        const lp = await lossAt();
        x[j] -= 2 * h;
        be.write(buf, x);
        const lm = await lossAt();
        be.write(buf, data);
        const fd = (lp - lm) / (2 * h);
        if (!(Math.abs(fd - grad[j]) < 1e-3 + 1e-2 * Math.abs(fd)))
          throw new Error(
            `∂L/∂${buf === b.values ? "values" : "logits"}[${j}]: finite difference ${fd}, backward ${grad[j]}`,
          );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(rows * A * 0.25);
    be.destroy();
  });
});
