// f16 storage (training.mixed_precision): the WGSL rewrite that makes a kernel's f16 variant, the
// backends' f16 buffers (rounding on write, widening on read, odd ranges), every kernel's variant
// compiling on the adapter, and the variants' numbers against their twins (inputs in f16, outputs
// rounded to f16, arithmetic f32 on both sides).

import { describe, expect, test } from "bun:test";
import type { Backend, Buf } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import { f16Source, withF16Storage } from "../../src/compute/kernels/f16.ts";
import { ALL_KERNELS, FAMILIES, SUBGROUP_TWINS } from "../../src/compute/kernels/index.ts";
import * as ops from "../../src/compute/ops.ts";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { hasShaderF16 } from "../helpers/webgpu.ts";
import { expectClose, gpuBackend, normal, referenceBackend, rng } from "./helpers.ts";

const gpuTest = (name: string, fn: () => Promise<void>) => test.skipIf(!hasShaderF16)(name, fn, 240_000);

describe("the f16 rewrite of WGSL", () => {
  const src = [
    "@group(0) @binding(1) var<storage, read> xs: array<f32>;",
    "@group(0) @binding(2) var<storage, read_write> ys: array<f32>;",
    "@group(0) @binding(3) var<storage, read> idx: array<u32>;",
    "fn f(i: u32) {",
    "  // ys[0] = a comment that reads like a store",
    "  ys[i] = xs[i] * 2.0;",
    "  ys[idx[i]] += max(xs[i + 1u], ys[i]);",
    "  let v = ys[u32(xs[i])];",
    "}",
  ].join("\n");

  test("loads widen, stores narrow, compound stores read-modify-write, nested uses too", () => {
    expect(f16Source(src, [1, 2]).split("\n")).toEqual([
      "enable f16;",
      "@group(0) @binding(1) var<storage, read> xs: array<f16>;",
      "@group(0) @binding(2) var<storage, read_write> ys: array<f16>;",
      "@group(0) @binding(3) var<storage, read> idx: array<u32>;",
      "fn f(i: u32) {",
      "  ",
      "  ys[i] = f16(f32(xs[i]) * 2.0);",
      "  ys[idx[i]] = f16(f32(ys[idx[i]]) + (max(f32(xs[i + 1u]), f32(ys[i]))));",
      "  let v = f32(ys[u32(f32(xs[i]))]);",
      "}",
    ]);
  });

  test("only the bindings asked for change", () => {
    const out = f16Source(src, [2]);
    expect(out).toContain("xs: array<f32>");
    expect(out).toContain("  ys[i] = f16(xs[i] * 2.0);");
  });

  test("what it cannot rewrite is refused: ++ on a stored element, another f32 shape at the same binding", () => {
    expect(() => f16Source(`${src.split("\n").slice(0, 4).join("\n")}\nfn g(i: u32) { ys[i]++; }`, [2])).toThrow(
      "ys[…]++/-- is not rewritten",
    );
    const vec = "@group(0) @binding(2) var<storage, read> v4: array<vec4<f32>>;";
    expect(() => f16Source(`${src}\n${vec}`, [2])).toThrow("@binding(2) is also declared array<vec4<f32>>");
  });

  test("a binding that is not an f32 storage array is refused by number", () => {
    expect(() => f16Source(src, [3])).toThrow("no array<f32> storage variable at @binding(3)");
    const k = ALL_KERNELS.find((s) => s.bindings.some((b) => b.type === "u32"))!;
    const u32 = k.bindings.find((b) => b.type === "u32")!.name;
    expect(() => withF16Storage(k, [u32])).toThrow(`binding "${u32}" is not f32`);
  });

  test("a variant is made once per (kernel, bindings) and its twin rounds its f16 outputs", () => {
    const k = ALL_KERNELS.find((s) => s.name === "elementwise.axpy")!;
    const v = withF16Storage(k, ["y", "x"]);
    expect(withF16Storage(k, ["x", "y"])).toBe(v);
    expect(v.bindings.map((b) => b.type)).toEqual(["f16", "f16"]);
    const y = Float32Array.of(1, 1);
    v.cpu({ x: Float32Array.of(1 / 3, 1e-4), y }, { n: 2, alpha: 1 });
    expect([...y]).toEqual([Math.f16round(4 / 3), Math.f16round(1 + 1e-4)]);
    expect(y[1]).toBe(1); // 1 + 1e-4 is below half an f16 ulp of 1 (2^-10)
  });
});

describe("f16 buffers", () => {
  test("the reference backend rounds on write; views of f16 align to 128 elements", async () => {
    const be = new ReferenceBackend();
    const b = be.alloc("h", 300, "f16");
    be.write(b, Float32Array.of(1 / 3, 70000, 1e-8), 5);
    expect([...(await be.read(b, 5, 3))]).toEqual([Math.f16round(1 / 3), Number.POSITIVE_INFINITY, 0]);
    expect(() => be.view(b, 64, 10)).toThrow("not a multiple of 128 elements");
    expect(be.view(b, 128, 10).offset).toBe(128);
  });

  test("the cpu backend refuses f16 storage in one line", () => {
    const be = new CpuBackend(undefined, { threads: 1 });
    try {
      expect(() => be.alloc("acts", 10, "f16")).toThrow("the cpu backend stores f32 only");
    } finally {
      be.destroy();
    }
  });

  gpuTest("webgpu: written rounded, read back widened, at odd offsets and lengths", async () => {
    const g = await gpuBackend();
    expect(g.info.f16).toBe(true);
    const data = normal(rng(3), 301);
    const b = g.alloc("h", 301, "f16");
    g.write(b, data); // odd length, ends at the allocation's end
    const want = Float32Array.from(data, Math.f16round);
    expect([...(await g.read(b))]).toEqual([...want]);
    expect([...(await g.read(b, 7, 5))]).toEqual([...want.subarray(7, 12)]);
    const v = g.view(b, 128, 101);
    expect([...(await g.read(v, 1, 3))]).toEqual([...want.subarray(129, 132)]);
    expect(() => g.write(b, Float32Array.of(1), 3)).toThrow("do not start and end on 4-byte boundaries");
    g.free(b);
  });
});

describe("every kernel's f16 variant", () => {
  gpuTest(
    "compiles on the adapter with all its f32 bindings stored as f16 (plain, tiled and subgroup kernels)",
    async () => {
      const g = await gpuBackend();
      const kernels = [...ALL_KERNELS, ...(g.device.features.has("subgroups") ? SUBGROUP_TWINS.values() : [])];
      const variants = kernels
        .map((k) => [k, k.bindings.filter((b) => (b.type ?? "f32") === "f32").map((b) => b.name)] as const)
        .filter(([, names]) => names.length > 0)
        .map(([k, names]) => withF16Storage(k, names));
      expect(variants.length).toBeGreaterThan(40);
      await g.prepare(variants); // throws naming the kernel and line of any WGSL error
    },
  );
});

/** Buffers on `be`: f16 where `half` names them, else f32; each written from `init` (or zeros). */
function buffers(be: Backend, init: Record<string, Float32Array | number>, half: ReadonlySet<string>) {
  const out: Record<string, Buf> = {};
  for (const [k, v] of Object.entries(init)) {
    out[k] = be.alloc(k, typeof v === "number" ? v : v.length, half.has(k) ? "f16" : "f32");
    if (typeof v !== "number") be.write(out[k], v);
  }
  return out;
}

/** The same launcher sequence on the reference and the GPU with f16 buffers where `half` says; outputs compared. */
async function f16Parity(
  init: Record<string, Float32Array | number>,
  half: string[],
  body: (be: Backend, b: Record<string, Buf>) => void,
  outputs: string[],
  rtol: number,
): Promise<void> {
  const g = await gpuBackend();
  const set = new Set(half);
  const sides = [referenceBackend, g].map((be) => {
    const b = buffers(be, init, set);
    body(be, b);
    return { be, b };
  });
  for (const o of outputs) {
    const want = (await referenceBackend.read(sides[0].b[o])) as Float32Array;
    const got = (await g.read(sides[1].b[o])) as Float32Array;
    let scale = 0;
    for (const v of want) scale = Math.max(scale, Math.abs(v));
    const d = expectClose(got, want, rtol * scale, rtol, `f16 ${o}`);
    console.log(`  f16 ${o}: max |gpu − reference| ${d.toExponential(2)} (largest |value| ${scale.toFixed(3)})`);
  }
  for (const { be, b } of sides) for (const buf of Object.values(b)) be.free(buf);
}

describe("f16 variants against their twins", () => {
  gpuTest("elementwise, with f16 activations and f32 gradients", async () => {
    const r = rng(11);
    const n = 1001;
    await f16Parity(
      { x: normal(r, n), a: normal(r, n), dy: normal(r, n), y: n, s: n, dx: n, c: n, f: n },
      ["x", "a", "y", "s", "c", "f"],
      (be, b) => {
        ops.fill(be, b.f, 0.1);
        ops.reluForward(be, b.y, b.x);
        ops.addRelu(be, b.s, b.x, b.a);
        ops.reluBackward(be, b.dx, b.dy, b.y);
        ops.copy(be, b.c, b.dy);
      },
      ["f", "y", "s", "dx", "c"],
      1e-3, // one rounding of the same f32 value; WGSL lets a driver take either neighbour (1 ulp: 9.8e-4)
    );
  });

  gpuTest("3×3 convolution: f16 input, weights and output; f32 gradients", async () => {
    const r = rng(12);
    const d = { batch: 3, cin: 16, cout: 24 };
    await f16Parity(
      {
        x: normal(r, d.batch * d.cin * 81),
        w: normal(r, d.cout * d.cin * 9, 0.2),
        b: normal(r, d.cout),
        y: d.batch * d.cout * 81,
        dy: normal(r, d.batch * d.cout * 81),
        dx: d.batch * d.cin * 81,
        dw: d.cout * d.cin * 9,
        db: d.cout,
      },
      ["x", "w", "b", "y"],
      (be, b) => {
        ops.conv3x3Forward(be, b.y, b.x, b.w, b.b, d);
        ops.conv3x3BackwardData(be, b.dx, b.dy, b.w, d);
        ops.conv3x3BackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
      },
      ["y", "dx", "dw", "db"],
      1e-3, // y: f32 sums in another order, then one f16 rounding (half an ulp is 4.9e-4)
    );
  });
});

describe("f16 variants against their twins: batch norm and squeeze-excitation", () => {
  const N = 4;
  const C = 16;
  const H = 4;
  const board = N * C * 81;

  gpuTest(
    "batch norm (train forward with ReLU, backward): f16 input and output, f32 statistics and gradients",
    async () => {
      const r = rng(13);
      const d = { batch: N, channels: C };
      await f16Parity(
        {
          x: normal(r, board, 2),
          gamma: normal(r, C),
          beta: normal(r, C),
          mean: C,
          var: Float32Array.from({ length: C }, () => 1),
          saved: 2 * C,
          y: board,
          dy: normal(r, board),
          dx: board,
          dgamma: C,
          dbeta: C,
        },
        ["x", "y"],
        (be, b) => {
          ops.batchNormForwardTrain(be, b.y, b.saved, b.x, b.gamma, b.beta, b.mean, b.var, d, { relu: true });
          ops.batchNormBackward(be, b.dx, b.dgamma, b.dbeta, b.dy, b.x, b.y, b.gamma, b.saved, d, { relu: true });
        },
        ["saved", "mean", "var", "y", "dx", "dgamma", "dbeta"],
        1e-3,
      );
    },
  );

  gpuTest("squeeze-excitation with the residual join, forward and backward: f16 activations and weights", async () => {
    const r = rng(14);
    const d = { batch: N, channels: C, hidden: H };
    await f16Parity(
      {
        x: normal(r, board),
        skip: normal(r, board),
        w1: normal(r, H * C, 0.3),
        b1: normal(r, H, 0.1),
        w2: normal(r, C * H, 0.3),
        b2: normal(r, C, 0.1),
        pooled: N * C,
        hidden: N * H,
        gate: N * C,
        out: board,
        dout: normal(r, board),
        dx: board,
        dskip: board,
        dw1: H * C,
        db1: H,
        dw2: C * H,
        db2: C,
        dz: N * C,
        dhPre: N * H,
        dh: N * H,
        dpooled: N * C,
      },
      ["x", "skip", "w1", "b1", "w2", "b2", "pooled", "hidden", "gate", "out"],
      (be, b) => {
        const act = { pooled: b.pooled, hidden: b.hidden, gate: b.gate };
        ops.seResidualForward(be, b.out, act, b.x, b.skip, b.w1, b.b1, b.w2, b.b2, d);
        const s = { dz: b.dz, dhPre: b.dhPre, dh: b.dh, dpooled: b.dpooled };
        ops.seResidualBackward(
          be,
          b.dx,
          b.dskip,
          b.dw1,
          b.db1,
          b.dw2,
          b.db2,
          s,
          b.dout,
          b.out,
          b.x,
          act,
          b.w1,
          b.w2,
          d,
        );
      },
      ["pooled", "hidden", "gate", "out", "dx", "dskip", "dw1", "db1", "dw2", "db2"],
      1e-3,
    );
  });
});

describe("f16 variants of the workgroup-tiled kernels (real GPUs run these)", () => {
  for (const side of [1, 2] as const) {
    gpuTest(
      `${FAMILIES.conv[side].name}, ${FAMILIES.weightGrad[side].name}, ${FAMILIES.gemm[side].name} against the twins`,
      async () => {
        const g = await gpuBackend();
        const before = g.variants;
        g.variants = {
          ...before,
          conv: FAMILIES.conv[side],
          weightGrad: FAMILIES.weightGrad[side],
          gemm: FAMILIES.gemm[side],
        };
        try {
          const r = rng(20 + side);
          const d = { batch: 3, cin: 16, cout: 40 };
          const fc = { batch: 5, in: 37, out: 70 };
          await f16Parity(
            {
              x: normal(r, d.batch * d.cin * 81),
              w: normal(r, d.cout * d.cin * 9, 0.2),
              b: normal(r, d.cout),
              y: d.batch * d.cout * 81,
              dy: normal(r, d.batch * d.cout * 81),
              dx: d.batch * d.cin * 81,
              dw: d.cout * d.cin * 9,
              db: d.cout,
              fx: normal(r, fc.batch * fc.in),
              fw: normal(r, fc.out * fc.in, 0.3),
              fb: normal(r, fc.out),
              fy: fc.batch * fc.out,
            },
            ["x", "w", "b", "y", "fx", "fw", "fb"],
            (be, b) => {
              ops.conv3x3Forward(be, b.y, b.x, b.w, b.b, d);
              ops.conv3x3BackwardData(be, b.dx, b.dy, b.w, d);
              ops.conv3x3BackwardWeight(be, b.dw, b.db, b.x, b.dy, d);
              ops.linearForward(be, b.fy, b.fx, b.fw, b.fb, fc);
            },
            ["y", "dx", "dw", "db", "fy"],
            1e-3,
          );
        } finally {
          g.variants = before;
        }
      },
    );
  }
});
