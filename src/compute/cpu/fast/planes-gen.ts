// Generators of the cpu backend's memory-bound wasm kernels (part of the module kernels-gen.ts builds):
// batch norm, squeeze-excitation, reductions, elementwise maps and Adam, vectorised over f32x4.
//
// Most work on "planes": the 81 squares of one (sample, channel), 20 vectors + 1 float. A plane
// loop tracks c = p mod C for the per-channel parameters, loads them once per plane (scalar
// and splat) and runs the body over 20 vectors then the 1-float tail: the same body written once
// for both lane kinds through `Lanes`. Per-plane sums come out as f32 (81 terms); the callers add
// the planes of a channel in f64 (fast/planes.ts), close to the twins' f64 accumulation.
// Pointers in bytes.

import { Func } from "./wasm-encoder.ts";

const I32 = "i32" as const;
const F32 = "f32" as const;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One body, two lane kinds: f32x4 (vec) or f32 (the tail). */
class Lanes {
  constructor(
    readonly f: Func,
    readonly vec: boolean,
  ) {}
  load(ptr: string, off: number): this {
    this.f.get(ptr).mem(this.vec ? "v128.load" : "f32.load", off);
    return this;
  }
  /** Stores the value `value()` pushes at ptr + off. */
  store(ptr: string, off: number, value: () => void): this {
    this.f.get(ptr);
    value();
    this.f.mem(this.vec ? "v128.store" : "f32.store", off);
    return this;
  }
  /** A per-plane scalar parameter (local s_<name> / v_<name>). */
  p(name: string): this {
    this.f.get(this.vec ? `v_${name}` : `s_${name}`);
    return this;
  }
  zero(): this {
    if (this.vec) this.f.v128i32(0, 0, 0, 0);
    else this.f.f32(0);
    return this;
  }
  const(v: number): this {
    this.f.f32(v);
    if (this.vec) this.f.op("f32x4.splat");
    return this;
  }
  op(name: "add" | "sub" | "mul" | "div" | "sqrt"): this {
    this.f.op(this.vec ? `f32x4.${name}` : `f32.${name}`);
    return this;
  }
  /** max(a, 0) keeping NaN (BN: `v < 0 ? 0 : v`): a on the stack. */
  clampNeg(): this {
    if (this.vec) this.zero().f.op("f32x4.pmax");
    else {
      const t = this.f.local("t_clamp", F32);
      this.f.tee(t).f32(0).get(t).f32(0).op("f32.lt").op("i32.eqz").op("select");
    }
    return this;
  }
  /** `a > 0 ? b : 0` with a, b pushed by the callbacks (ReLU masks; NaN → 0). */
  ifPositive(a: () => void, b: () => void): this {
    if (this.vec) {
      b();
      a();
      this.zero().f.op("f32x4.gt").op("v128.and");
    } else {
      b();
      this.f.f32(0);
      a();
      this.f.f32(0).op("f32.gt").op("select");
    }
    return this;
  }
  set(name: string): this {
    this.f.set(this.vec ? `v_${name}` : `s_${name}`);
    return this;
  }
  get(name: string): this {
    this.f.get(this.vec ? `v_${name}` : `s_${name}`);
    return this;
  }
}

/** Declares the f32 / v128 pair of locals for a lane-generic name. */
function pair(f: Func, ...names: string[]): void {
  for (const n of names) {
    f.local(`s_${n}`, F32);
    f.local(`v_${n}`, "v128");
  }
}

/**
 * The plane loop: for p < planes (c = p mod C): load the per-channel params (`perChannel`: name →
 * byte-pointer param, read at c·4) or per-plane params (`perPlane`: read at p·4), run `head`, the
 * 21 lane bodies (`body(lanes, byteOffset)`), `tail`, then advance every pointer in `ptrs` by 324.
 */
function planeLoop(
  f: Func,
  o: {
    ptrs: string[];
    perChannel?: Record<string, string>;
    perPlane?: Record<string, string>;
    head?: () => void;
    body: (l: Lanes, off: number) => void;
    tail?: () => void;
  },
): void {
  f.local("p", I32);
  f.local("c", I32);
  f.local("c4", I32);
  f.local("p4", I32);
  const params = { ...(o.perChannel ?? {}), ...(o.perPlane ?? {}) };
  for (const n of Object.keys(params)) pair(f, n);
  f.block("planes_done", () => {
    f.get("planes").i32(1).op("i32.lt_s").brIf("planes_done");
    f.i32(0).set("p");
    f.i32(0).set("c");
    f.loop("plane", () => {
      f.get("c").i32(2).op("i32.shl").set("c4");
      f.get("p").i32(2).op("i32.shl").set("p4");
      for (const [n, ptr] of Object.entries(params)) {
        f.get(ptr)
          .get(n in (o.perChannel ?? {}) ? "c4" : "p4")
          .op("i32.add")
          .mem("f32.load")
          .tee(`s_${n}`)
          .op("f32x4.splat")
          .set(`v_${n}`);
      }
      o.head?.();
      const vec = new Lanes(f, true);
      for (const v of range(20)) o.body(vec, 16 * v);
      o.body(new Lanes(f, false), 320);
      o.tail?.();
      for (const ptr of o.ptrs) f.get(ptr).i32(324).op("i32.add").set(ptr);
      // c = (c + 1) mod C
      f.get("c")
        .i32(1)
        .op("i32.add")
        .tee("c")
        .get("C")
        .op("i32.ge_s")
        .if("wrap", () => f.i32(0).set("c"));
      f.get("p").i32(1).op("i32.add").tee("p").get("planes").op("i32.lt_s").brIf("plane");
    });
  });
}

/** Horizontal sum of v_<acc> plus s_<acc> → f32 on the stack. */
function hsum(f: Func, acc: string): void {
  f.get(`v_${acc}`).lane("f32x4.extract_lane", 0).get(`v_${acc}`).lane("f32x4.extract_lane", 1).op("f32.add");
  f.get(`v_${acc}`)
    .lane("f32x4.extract_lane", 2)
    .get(`v_${acc}`)
    .lane("f32x4.extract_lane", 3)
    .op("f32.add")
    .op("f32.add");
  f.get(`s_${acc}`).op("f32.add");
}

/** plane_affine(x, y, planes, C, mean, scale, beta, relu): y = (x − mean[c])·scale[c] + beta[c], then `v < 0 ? 0 : v` when relu. */
function planeAffine(): Func {
  const f = new Func(
    "plane_affine",
    ["x", "y", "planes", "C", "mean", "scale", "beta", "relu"].map((n) => [n, I32] as const),
  );
  for (const relu of [1, 0]) {
    f.get("relu")
      .i32(relu)
      .op("i32.eq")
      .if(`relu${relu}`, () =>
        planeLoop(f, {
          ptrs: ["x", "y"],
          perChannel: { mean: "mean", scale: "scale", beta: "beta" },
          body: (l, off) =>
            l.store("y", off, () => {
              l.load("x", off).p("mean").op("sub").p("scale").op("mul").p("beta").op("add");
              if (relu) l.clampNeg();
            }),
        }),
      );
  }
  return f;
}

/** plane_sum(x, planes, C, mean, sq, out): out[p] = Σ_q x (sq = 0) or Σ_q (x − mean[c])² (sq = 1). */
function planeSum(): Func {
  const f = new Func(
    "plane_sum",
    ["x", "planes", "C", "mean", "sq", "out"].map((n) => [n, I32] as const),
  );
  pair(f, "acc", "d");
  for (const sq of [0, 1]) {
    f.get("sq")
      .i32(sq)
      .op("i32.eq")
      .if(`sq${sq}`, () =>
        planeLoop(f, {
          ptrs: ["x"],
          perChannel: sq ? { mean: "mean" } : {},
          head: () => {
            f.v128i32(0, 0, 0, 0).set("v_acc");
            f.f32(0).set("s_acc");
          },
          body: (l, off) => {
            if (sq)
              l.load("x", off).p("mean").op("sub").set("d").get("acc").get("d").get("d").op("mul").op("add").set("acc");
            else l.get("acc").load("x", off).op("add").set("acc");
          },
          tail: () => {
            f.get("out").get("p4").op("i32.add");
            hsum(f, "acc");
            f.mem("f32.store");
          },
        }),
      );
  }
  return f;
}

/**
 * bn_bwd_sums(x, y, dy, planes, C, mean, invStd, relu, outG, outGX): per plane, with g = dy
 * (masked by y > 0 when relu): outG[p] = Σ g, outGX[p] = Σ g·(x − mean[c])·invStd[c].
 */
function bnBwdSums(): Func {
  const f = new Func(
    "bn_bwd_sums",
    ["x", "y", "dy", "planes", "C", "mean", "invStd", "relu", "outG", "outGX"].map((n) => [n, I32] as const),
  );
  pair(f, "g", "sg", "sgx");
  for (const relu of [1, 0]) {
    f.get("relu")
      .i32(relu)
      .op("i32.eq")
      .if(`relu${relu}`, () =>
        planeLoop(f, {
          ptrs: ["x", "y", "dy"],
          perChannel: { mean: "mean", invStd: "invStd" },
          head: () => {
            f.v128i32(0, 0, 0, 0).set("v_sg");
            f.v128i32(0, 0, 0, 0).set("v_sgx");
            f.f32(0).set("s_sg");
            f.f32(0).set("s_sgx");
          },
          body: (l, off) => {
            if (relu)
              l.ifPositive(
                () => l.load("y", off),
                () => l.load("dy", off),
              ).set("g");
            else l.load("dy", off).set("g");
            l.get("sg").get("g").op("add").set("sg");
            l.get("sgx")
              .get("g")
              .load("x", off)
              .p("mean")
              .op("sub")
              .p("invStd")
              .op("mul")
              .op("mul")
              .op("add")
              .set("sgx");
          },
          tail: () => {
            f.get("outG").get("p4").op("i32.add");
            hsum(f, "sg");
            f.mem("f32.store");
            f.get("outGX").get("p4").op("i32.add");
            hsum(f, "sgx");
            f.mem("f32.store");
          },
        }),
      );
  }
  return f;
}

/**
 * bn_bwd_dx(x, y, dy, dx, planes, C, mean, invStd, k, a, b, relu, acc):
 * dx (+)= k[c]·(g − a[c] − (x − mean[c])·invStd[c]·b[c]), g as in bn_bwd_sums.
 */
function bnBwdDx(): Func {
  const f = new Func(
    "bn_bwd_dx",
    ["x", "y", "dy", "dx", "planes", "C", "mean", "invStd", "k", "a", "b", "relu", "acc"].map((n) => [n, I32] as const),
  );
  pair(f, "g");
  for (const relu of [1, 0])
    for (const acc of [1, 0]) {
      f.get("relu")
        .i32(relu)
        .op("i32.eq")
        .get("acc")
        .i32(acc)
        .op("i32.eq")
        .op("i32.and")
        .if(`r${relu}a${acc}`, () =>
          planeLoop(f, {
            ptrs: ["x", "y", "dy", "dx"],
            perChannel: { mean: "mean", invStd: "invStd", k: "k", a: "a", b: "b" },
            body: (l, off) => {
              if (relu)
                l.ifPositive(
                  () => l.load("y", off),
                  () => l.load("dy", off),
                ).set("g");
              else l.load("dy", off).set("g");
              l.store("dx", off, () => {
                l.get("g")
                  .p("a")
                  .op("sub")
                  .load("x", off)
                  .p("mean")
                  .op("sub")
                  .p("invStd")
                  .op("mul")
                  .p("b")
                  .op("mul")
                  .op("sub")
                  .p("k")
                  .op("mul");
                if (acc) l.load("dx", off).op("add");
              });
            },
          }),
        );
    }
  return f;
}

/** se_scale_add_relu(x, g, skip, out, planes): out = max(x·g[p] + skip, 0) (NaN → 0). */
function seScaleAddRelu(): Func {
  const f = new Func(
    "se_scale_add_relu",
    ["x", "g", "skip", "out", "planes"].map((n) => [n, I32] as const),
  );
  f.local("C", I32); // planes are not grouped by channel here: C = planes keeps c = p
  f.get("planes").set("C");
  pair(f, "v");
  planeLoop(f, {
    ptrs: ["x", "skip", "out"],
    perPlane: { g: "g" },
    body: (l, off) => {
      l.load("x", off).p("g").op("mul").load("skip", off).op("add").set("v");
      l.store("out", off, () =>
        l.ifPositive(
          () => l.get("v"),
          () => l.get("v"),
        ),
      );
    },
  });
  return f;
}

/**
 * se_scale_bwd(dout, out, x, g, dskip, dx, dz, planes): per plane, gm = out > 0 ? dout : 0:
 * dskip = gm, dx = gm·g[p], dz[p] = (Σ gm·x)·g[p]·(1 − g[p]).
 */
function seScaleBwd(): Func {
  const f = new Func(
    "se_scale_bwd",
    ["dout", "out", "x", "g", "dskip", "dx", "dz", "planes"].map((n) => [n, I32] as const),
  );
  f.local("C", I32);
  f.get("planes").set("C");
  pair(f, "gm", "s");
  planeLoop(f, {
    ptrs: ["dout", "out", "x", "dskip", "dx"],
    perPlane: { g: "g" },
    head: () => {
      f.v128i32(0, 0, 0, 0).set("v_s");
      f.f32(0).set("s_s");
    },
    body: (l, off) => {
      l.ifPositive(
        () => l.load("out", off),
        () => l.load("dout", off),
      ).set("gm");
      l.store("dskip", off, () => l.get("gm"));
      l.store("dx", off, () => l.get("gm").p("g").op("mul"));
      l.get("s").get("gm").load("x", off).op("mul").op("add").set("s");
    },
    tail: () => {
      f.get("dz").get("p4").op("i32.add");
      hsum(f, "s");
      f.get("s_g").op("f32.mul").f32(1).get("s_g").op("f32.sub").op("f32.mul");
      f.mem("f32.store");
    },
  });
  return f;
}

/** broadcast_add(v, y, planes, scale): y[p, q] += scale·v[p]. */
function broadcastAdd(): Func {
  const f = new Func("broadcast_add", [
    ["v", I32],
    ["y", I32],
    ["planes", I32],
    ["scale", F32],
  ]);
  f.local("C", I32);
  f.get("planes").set("C");
  pair(f, "b");
  planeLoop(f, {
    ptrs: ["y"],
    perPlane: { v: "v" },
    head: () => {
      f.get("s_v").get("scale").op("f32.mul").tee("s_b").op("f32x4.splat").set("v_b");
    },
    body: (l, off) => l.store("y", off, () => l.load("y", off).get("b").op("add")),
  });
  return f;
}

/** A flat loop over n floats: `body(lanes, 0)` on vectors at i, then the scalar tail; `ptrs` advance. */
function flatLoop(f: Func, n: string, ptrs: string[], body: (l: Lanes) => void): void {
  f.local("i", I32);
  f.local("n4", I32);
  f.get(n).i32(-4).op("i32.and").set("n4");
  f.i32(0).set("i");
  f.block("vdone", () => {
    f.loop("vec", () => {
      f.get("i").get("n4").op("i32.ge_s").brIf("vdone");
      body(new Lanes(f, true));
      for (const p of ptrs) f.get(p).i32(16).op("i32.add").set(p);
      f.get("i").i32(4).op("i32.add").set("i");
      f.br("vec");
    });
  });
  f.block("sdone", () => {
    f.loop("scalar", () => {
      f.get("i").get(n).op("i32.ge_s").brIf("sdone");
      body(new Lanes(f, false));
      for (const p of ptrs) f.get(p).i32(4).op("i32.add").set(p);
      f.get("i").i32(1).op("i32.add").set("i");
      f.br("scalar");
    });
  });
}

/** ew(op, n, a, b, y, alpha): 0 relu y = a > 0 ? a : 0; 1 relu_backward y = b > 0 ? a : 0; 2 add_relu y = max(a + b, 0); 3 axpy y += alpha·a. */
function elementwise(): Func {
  const f = new Func("ew", [
    ["op", I32],
    ["n", I32],
    ["a", I32],
    ["b", I32],
    ["y", I32],
    ["alpha", F32],
  ]);
  pair(f, "alpha", "v");
  f.get("alpha").tee("s_alpha").op("f32x4.splat").set("v_alpha");
  const ops: ((l: Lanes) => void)[] = [
    (l) =>
      l.store("y", 0, () =>
        l.ifPositive(
          () => l.load("a", 0),
          () => l.load("a", 0),
        ),
      ),
    (l) =>
      l.store("y", 0, () =>
        l.ifPositive(
          () => l.load("b", 0),
          () => l.load("a", 0),
        ),
      ),
    (l) => {
      l.load("a", 0).load("b", 0).op("add").set("v");
      l.store("y", 0, () =>
        l.ifPositive(
          () => l.get("v"),
          () => l.get("v"),
        ),
      );
    },
    (l) => l.store("y", 0, () => l.load("y", 0).get("alpha").load("a", 0).op("mul").op("add")),
  ];
  for (let k = 0; k < ops.length; k++) {
    const body = ops[k];
    f.get("op")
      .i32(k)
      .op("i32.eq")
      .if(`op${k}`, () => flatLoop(f, "n", ["a", "b", "y"], body));
  }
  return f;
}

/** col_sum(x, rows, cols, out): out[j] = Σ_r x[r·cols + j] (f32). */
function colSum(): Func {
  const f = new Func(
    "col_sum",
    ["x", "rows", "cols", "out"].map((n) => [n, I32] as const),
  );
  for (const n of ["r", "px", "po", "j"]) f.local(n, I32);
  f.local("n4", I32);
  pair(f, "acc");
  f.get("cols").i32(-4).op("i32.and").set("n4");
  // vector columns
  f.i32(0).set("j");
  f.block("vdone", () => {
    f.loop("vec", () => {
      f.get("j").get("n4").op("i32.ge_s").brIf("vdone");
      f.v128i32(0, 0, 0, 0).set("v_acc");
      f.get("x").get("j").i32(4).op("i32.mul").op("i32.add").set("px");
      f.i32(0).set("r");
      f.block("rdone", () => {
        f.loop("row", () => {
          f.get("r").get("rows").op("i32.ge_s").brIf("rdone");
          f.get("v_acc").get("px").mem("v128.load").op("f32x4.add").set("v_acc");
          f.get("px").get("cols").i32(4).op("i32.mul").op("i32.add").set("px");
          f.get("r").i32(1).op("i32.add").set("r");
          f.br("row");
        });
      });
      f.get("out").get("j").i32(4).op("i32.mul").op("i32.add").get("v_acc").mem("v128.store");
      f.get("j").i32(4).op("i32.add").set("j");
      f.br("vec");
    });
  });
  f.block("sdone", () => {
    f.loop("scol", () => {
      f.get("j").get("cols").op("i32.ge_s").brIf("sdone");
      f.f32(0).set("s_acc");
      f.get("x").get("j").i32(4).op("i32.mul").op("i32.add").set("px");
      f.i32(0).set("r");
      f.block("srdone", () => {
        f.loop("srow", () => {
          f.get("r").get("rows").op("i32.ge_s").brIf("srdone");
          f.get("s_acc").get("px").mem("f32.load").op("f32.add").set("s_acc");
          f.get("px").get("cols").i32(4).op("i32.mul").op("i32.add").set("px");
          f.get("r").i32(1).op("i32.add").set("r");
          f.br("srow");
        });
      });
      f.get("out").get("j").i32(4).op("i32.mul").op("i32.add").get("s_acc").mem("f32.store");
      f.get("j").i32(1).op("i32.add").set("j");
      f.br("scol");
    });
  });
  return f;
}

/** sumsq_chunks(g, n, out): out[j] = Σ g[i]² over i in [64j, 64j + 64) ∩ [0, n). */
function sumsqChunks(): Func {
  const f = new Func(
    "sumsq_chunks",
    ["g", "n", "out"].map((n) => [n, I32] as const),
  );
  for (const n of ["j", "full", "i", "end"]) f.local(n, I32);
  f.local("v", "v128");
  f.local("s", F32);
  f.get("n").i32(6).op("i32.shr_u").set("full");
  f.i32(0).set("j");
  f.block("fdone", () => {
    f.loop("chunk", () => {
      f.get("j").get("full").op("i32.ge_s").brIf("fdone");
      f.v128i32(0, 0, 0, 0).set("v");
      for (const k of range(16))
        f.get("v")
          .get("g")
          .mem("v128.load", 16 * k)
          .get("g")
          .mem("v128.load", 16 * k)
          .op("f32x4.mul")
          .op("f32x4.add")
          .set("v");
      f.get("out").get("j").i32(4).op("i32.mul").op("i32.add");
      f.get("v").lane("f32x4.extract_lane", 0).get("v").lane("f32x4.extract_lane", 1).op("f32.add");
      f.get("v").lane("f32x4.extract_lane", 2).get("v").lane("f32x4.extract_lane", 3).op("f32.add").op("f32.add");
      f.mem("f32.store");
      f.get("g").i32(256).op("i32.add").set("g");
      f.get("j").i32(1).op("i32.add").set("j");
      f.br("chunk");
    });
  });
  // the partial last chunk
  f.get("n").get("full").i32(6).op("i32.shl").op("i32.sub").set("end");
  f.get("end").if("partial", () => {
    f.f32(0).set("s");
    f.i32(0).set("i");
    f.loop("p", () => {
      f.get("s").get("g").mem("f32.load").get("g").mem("f32.load").op("f32.mul").op("f32.add").set("s");
      f.get("g").i32(4).op("i32.add").set("g");
      f.get("i").i32(1).op("i32.add").tee("i").get("end").op("i32.lt_s").brIf("p");
    });
    f.get("out").get("full").i32(4).op("i32.mul").op("i32.add").get("s").mem("f32.store");
  });
  return f;
}

/**
 * adam(param, grad, m, v, n, scale, b1, c1, b2, c2, eps, wd, decay, decoupled, stepSize, sqrtBc2):
 * g = grad·scale (+ wd·w unless decoupled; w·decay when decoupled), m = b1·m + c1·g,
 * v = b2·v + c2·g², param = w − stepSize·m / (√v / sqrtBc2 + eps). The caller computes
 * c = 1 − b and decay = 1 − lr·wd in f64 (1 − an f32-rounded β2 would be off by 1e-5).
 */
function adam(): Func {
  const names = ["scale", "b1", "c1", "b2", "c2", "eps", "wd", "decay", "step", "sbc2"];
  const f = new Func("adam", [
    ["param", I32],
    ["grad", I32],
    ["m", I32],
    ["v", I32],
    ["n", I32],
    ...names.slice(0, 8).map((n) => [n, F32] as const),
    ["decoupled", I32],
    ["step", F32],
    ["sbc2", F32],
  ]);
  for (const name of names) {
    pair(f, name);
    f.get(name).tee(`s_${name}`).op("f32x4.splat").set(`v_${name}`);
  }
  pair(f, "g", "w", "mm", "vv");
  for (const decoupled of [1, 0]) {
    f.get("decoupled")
      .i32(decoupled)
      .op("i32.eq")
      .if(`d${decoupled}`, () =>
        flatLoop(f, "n", ["param", "grad", "m", "v"], (l) => {
          l.load("grad", 0).get("scale").op("mul").set("g");
          l.load("param", 0).set("w");
          if (decoupled) l.get("w").get("decay").op("mul").set("w");
          else l.get("g").get("wd").get("w").op("mul").op("add").set("g");
          l.get("b1").load("m", 0).op("mul").get("c1").get("g").op("mul").op("add").set("mm");
          l.get("b2").load("v", 0).op("mul").get("c2").get("g").op("mul").get("g").op("mul").op("add").set("vv");
          l.store("m", 0, () => l.get("mm"));
          l.store("v", 0, () => l.get("vv"));
          l.store("param", 0, () =>
            l
              .get("w")
              .get("step")
              .get("mm")
              .op("mul")
              .get("vv")
              .op("sqrt")
              .get("sbc2")
              .op("div")
              .get("eps")
              .op("add")
              .op("div")
              .op("sub"),
          );
        }),
      );
  }
  return f;
}

/** nnz(a, n) → the number of non-zero floats in a[0, n) (−0 counts as zero; NaN as non-zero). */
function nnz(): Func {
  const f = new Func(
    "nnz",
    [
      ["a", I32],
      ["n", I32],
    ],
    [I32],
  );
  f.local("i", I32);
  f.local("n4", I32);
  f.local("cnt", I32);
  f.local("acc", "v128");
  f.get("n").i32(-4).op("i32.and").set("n4");
  f.v128i32(0, 0, 0, 0).set("acc");
  f.i32(0).set("i");
  f.block("vdone", () => {
    f.loop("vec", () => {
      f.get("i").get("n4").op("i32.ge_s").brIf("vdone");
      // acc −= (v ≠ 0 ? −1 : 0) per lane
      f.get("acc").get("a").mem("v128.load").v128i32(0, 0, 0, 0).op("f32x4.ne").op("i32x4.sub").set("acc");
      f.get("a").i32(16).op("i32.add").set("a");
      f.get("i").i32(4).op("i32.add").set("i");
      f.br("vec");
    });
  });
  f.get("acc").lane("i32x4.extract_lane", 0).get("acc").lane("i32x4.extract_lane", 1).op("i32.add");
  f.get("acc")
    .lane("i32x4.extract_lane", 2)
    .get("acc")
    .lane("i32x4.extract_lane", 3)
    .op("i32.add")
    .op("i32.add")
    .set("cnt");
  f.block("sdone", () => {
    f.loop("scalar", () => {
      f.get("i").get("n").op("i32.ge_s").brIf("sdone");
      f.get("cnt").get("a").mem("f32.load").f32(0).op("f32.ne").op("i32.add").set("cnt");
      f.get("a").i32(4).op("i32.add").set("a");
      f.get("i").i32(1).op("i32.add").set("i");
      f.br("scalar");
    });
  });
  f.get("cnt");
  return f;
}

/**
 * sparse_gemm(M, N, K, a, sAm, sAk, b, ldb, c, ldc, acc): C[m, :] (+)= Σ_k A[m, k]·B[k, :] over
 * the non-zero A[m, k] only (the axpy form of the twin, which skips zeros too): for a sparse A
 * (policy-logit gradients are zero off the legal moves).
 */
function sparseGemm(): Func {
  const f = new Func(
    "sparse_gemm",
    ["M", "N", "K", "a", "sAm", "sAk", "b", "ldb", "c", "ldc", "acc"].map((n) => [n, I32] as const),
  );
  for (const n of ["m", "k", "pa", "pb", "pc", "j", "n4"]) f.local(n, I32);
  f.local("v", F32);
  f.local("vv", "v128");
  f.get("N").i32(-4).op("i32.and").set("n4");
  f.block("end", () => {
    f.get("M").i32(1).op("i32.lt_s").brIf("end");
    f.i32(0).set("m");
    f.loop("row", () => {
      f.get("c").get("m").get("ldc").op("i32.mul").op("i32.add").set("pc");
      // C row = 0 unless accumulating
      f.get("acc")
        .op("i32.eqz")
        .if("zero", () => {
          f.i32(0).set("j");
          f.block("zdone", () => {
            f.loop("z", () => {
              f.get("j").get("N").op("i32.ge_s").brIf("zdone");
              f.get("pc").get("j").i32(4).op("i32.mul").op("i32.add").f32(0).mem("f32.store");
              f.get("j").i32(1).op("i32.add").set("j");
              f.br("z");
            });
          });
        });
      f.get("a").get("m").get("sAm").op("i32.mul").op("i32.add").set("pa");
      f.get("b").set("pb");
      f.i32(0).set("k");
      f.block("kdone", () => {
        f.loop("k", () => {
          f.get("k").get("K").op("i32.ge_s").brIf("kdone");
          f.get("pa")
            .mem("f32.load")
            .tee("v")
            .f32(0)
            .op("f32.ne")
            .if("nz", () => {
              f.get("v").op("f32x4.splat").set("vv");
              f.i32(0).set("j");
              f.block("vdone", () => {
                f.loop("vec", () => {
                  f.get("j").get("n4").op("i32.ge_s").brIf("vdone");
                  f.get("pc").get("j").i32(4).op("i32.mul").op("i32.add");
                  f.get("pc").get("j").i32(4).op("i32.mul").op("i32.add").mem("v128.load");
                  f.get("vv")
                    .get("pb")
                    .get("j")
                    .i32(4)
                    .op("i32.mul")
                    .op("i32.add")
                    .mem("v128.load")
                    .op("f32x4.mul")
                    .op("f32x4.add");
                  f.mem("v128.store");
                  f.get("j").i32(4).op("i32.add").set("j");
                  f.br("vec");
                });
              });
              f.block("sdone", () => {
                f.loop("scalar", () => {
                  f.get("j").get("N").op("i32.ge_s").brIf("sdone");
                  f.get("pc").get("j").i32(4).op("i32.mul").op("i32.add");
                  f.get("pc").get("j").i32(4).op("i32.mul").op("i32.add").mem("f32.load");
                  f.get("v")
                    .get("pb")
                    .get("j")
                    .i32(4)
                    .op("i32.mul")
                    .op("i32.add")
                    .mem("f32.load")
                    .op("f32.mul")
                    .op("f32.add");
                  f.mem("f32.store");
                  f.get("j").i32(1).op("i32.add").set("j");
                  f.br("scalar");
                });
              });
            });
          f.get("pa").get("sAk").op("i32.add").set("pa");
          f.get("pb").get("ldb").op("i32.add").set("pb");
          f.get("k").i32(1).op("i32.add").set("k");
          f.br("k");
        });
      });
      f.get("m").i32(1).op("i32.add").tee("m").get("M").op("i32.lt_s").brIf("row");
    });
  });
  return f;
}

export function planeFuncs(): Func[] {
  return [
    planeAffine(),
    planeSum(),
    bnBwdSums(),
    bnBwdDx(),
    seScaleAddRelu(),
    seScaleBwd(),
    broadcastAdd(),
    elementwise(),
    colSum(),
    sumsqChunks(),
    adam(),
    nnz(),
    sparseGemm(),
  ];
}
