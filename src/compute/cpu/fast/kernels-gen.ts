// The generator of the CPU backend's wasm SIMD128 module: the source of truth for its bytes.
// `bun dev/cpu-gemm/gen-kernels.ts` writes kernels.bytes.ts (the module, base64, what the backend
// loads) beside this file and dev/cpu-gemm/kernels.wat (its listing, for review; not shipped); a
// test checks both against a fresh generation, so they cannot drift.
//
// All pointers and strides are in BYTES into the one imported memory (the cpu backend's heap).
//
// GEMM. C[m, n] (+)= Σ_k A[m, k] · B[k, n]: A read through strides (one splat per row per k),
// B and C row-major along n (unit stride). The micro-kernel `tile_<mr>x<nv>` keeps mr × nv
// f32x4 accumulators in locals (mr rows of C, 4·nv columns) across the whole k loop, and an
// inner batch loop (`kb`) sums several (A, B) pairs into the same tile (sumBatch, the conv
// weight gradient over samples). `gemm` drives the tiles: n-panels of NR = 4·NV columns
// outside (the B panel stays in L1), blocks of MR rows inside, smaller tiles for the row and
// column tails. The tail panel computes whole vectors (B is over-read up to 3 floats past the
// last column: junk lanes) and stores only the valid lanes.
// Plain mul + add: Bun's JavaScriptCore accepts relaxed SIMD but lowers f32x4.relaxed_madd to an
// unfused mul + add, and it measured no faster (dev/cpu-gemm/bench.ts).
//
// Convolution helpers: pad11 (a sample's [C, 9, 9] planes into zero-bordered 11 × 11 planes) and
// im2col_tap (tap-major columns [C·9, 84]: row i·9 + t holds input channel i shifted by tap t,
// 81 positions and 3 junk lanes), both vector copies.

import { COLS_LD, MR, NV } from "./layout.ts";
import { planeFuncs } from "./planes-gen.ts";
import { encodeModule, Func, moduleWat, type ModuleSpec } from "./wasm-encoder.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const I32 = "i32" as const;

/** tile_<mr>x<nv>(K, kb, pa0 … pa{mr-1}, sAk, sAb, pb, ldb, sBb, pc, ldc, nvalid, acc) */
function tile(mr: number, nv: number): Func {
  const pa = range(mr).map((i) => `pa${i}`);
  const f = new Func(`tile_${mr}x${nv}`, [
    ["K", I32],
    ["kb", I32],
    ...pa.map((p) => [p, I32] as const),
    ["sAk", I32],
    ["sAb", I32],
    ["pb", I32],
    ["ldb", I32],
    ["sBb", I32],
    ["pc", I32],
    ["ldc", I32],
    ["nvalid", I32],
    ["acc", I32],
  ]);
  const acc = (i: number, j: number) => `c${i}_${j}`;
  for (const i of range(mr)) f.local(`ra${i}`, I32);
  f.local("rb", I32);
  f.local("k", I32);
  f.local("pr", I32);
  for (const i of range(mr)) for (const j of range(nv)) f.local(acc(i, j), "v128");
  for (const j of range(nv)) f.local(`b${j}`, "v128");
  f.local("s", "v128");

  for (const i of range(mr)) for (const j of range(nv)) f.v128i32(0, 0, 0, 0).set(acc(i, j));
  for (const i of range(mr)) f.get(`pa${i}`).set(`ra${i}`);
  f.get("pb").set("rb");
  // one k step: nv loads of B, one splat per row, mr·nv mul + add
  const step = () => {
    for (const j of range(nv))
      f.get("pb")
        .mem("v128.load", 16 * j)
        .set(`b${j}`);
    for (const i of range(mr)) {
      f.get(`pa${i}`).mem("v128.load32_splat").set("s");
      for (const j of range(nv)) f.get(acc(i, j)).get("s").get(`b${j}`).op("f32x4.mul").op("f32x4.add").set(acc(i, j));
      f.get(`pa${i}`).get("sAk").op("i32.add").set(`pa${i}`);
    }
    f.get("pb").get("ldb").op("i32.add").set("pb");
  };
  f.loop("batch", () => {
    for (const i of range(mr)) f.get(`ra${i}`).set(`pa${i}`);
    f.get("rb").set("pb");
    f.get("K").set("k");
    f.block("k2done", () => {
      f.get("k").i32(2).op("i32.lt_s").brIf("k2done");
      f.loop("k2", () => {
        step();
        step();
        f.get("k").i32(2).op("i32.sub").tee("k").i32(2).op("i32.ge_s").brIf("k2");
      });
    });
    f.get("k").if("k1", step);
    for (const i of range(mr)) f.get(`ra${i}`).get("sAb").op("i32.add").set(`ra${i}`);
    f.get("rb").get("sBb").op("i32.add").set("rb");
    f.get("kb").i32(1).op("i32.sub").tee("kb").i32(0).op("i32.gt_s").brIf("batch");
  });

  // stores: (full | masked) × (overwrite | accumulate)
  const rowPtr = (i: number) => f.get("pc").get("ldc").i32(i).op("i32.mul").op("i32.add").set("pr");
  const value = (i: number, j: number, accumulate: boolean) => {
    f.get(acc(i, j));
    if (accumulate)
      f.get("pr")
        .mem("v128.load", 16 * j)
        .op("f32x4.add");
  };
  const stores = (accumulate: boolean) => {
    f.block(accumulate ? "stored_acc" : "stored", () => {
      const done = accumulate ? "stored_acc" : "stored";
      f.get("nvalid")
        .i32(4 * nv)
        .op("i32.eq")
        .if("full", () => {
          for (const i of range(mr)) {
            rowPtr(i);
            for (const j of range(nv)) {
              f.get("pr");
              value(i, j, accumulate);
              f.mem("v128.store", 16 * j);
            }
          }
          f.br(done);
        });
      for (const i of range(mr)) {
        rowPtr(i);
        for (const j of range(nv)) {
          value(i, j, accumulate);
          f.set("s");
          for (const l of range(4))
            f.get("nvalid")
              .i32(4 * j + l)
              .op("i32.gt_s")
              .if("lane", () =>
                f
                  .get("pr")
                  .get("s")
                  .memLane("v128.store32_lane", l, 16 * j + 4 * l),
              );
        }
      }
    });
  };
  f.block("done", () => {
    f.get("acc").if("accumulate", () => {
      stores(true);
      f.br("done");
    });
    stores(false);
  });
  return f;
}

/**
 * gemm(M, N, K, batch, a, sAm, sAk, sAb, b, ldb, sBp, sBb, c, ldc, sCb, flags): flags 1 accumulate,
 * 2 sum over batch. B's n-panel p (columns NR·p …) starts at b + p·sBp: sBp = 4·NR for a
 * row-major B, K·ldb for one packed panel-major ([panel][k][NR], ldb = 4·NR).
 */
function gemm(tiles: Func[][], tileIndex: (mr: number, nv: number) => number): Func {
  const f = new Func(
    "gemm",
    ["M", "N", "K", "batch", "a", "sAm", "sAk", "sAb", "b", "ldb", "sBp", "sBb", "c", "ldc", "sCb", "flags"].map(
      (n) => [n, I32] as const,
    ),
  );
  for (const n of ["acc", "outer", "kb", "ob", "ao", "bo", "co", "n0", "nvalid", "nvec", "m0", "pb", "pcol"])
    f.local(n, I32);
  f.get("flags").i32(1).op("i32.and").set("acc");
  // sum over batch: one output, the tiles loop over the batch; else one gemm per batch item
  f.get("flags")
    .i32(2)
    .op("i32.and")
    .if("sum", () => {
      f.i32(1).set("outer");
      f.get("batch").set("kb");
    });
  f.get("flags")
    .i32(2)
    .op("i32.and")
    .op("i32.eqz")
    .if("each", () => {
      f.get("batch").set("outer");
      f.i32(1).set("kb");
    });
  f.block("end", () => {
    f.get("M")
      .i32(1)
      .op("i32.lt_s")
      .get("N")
      .i32(1)
      .op("i32.lt_s")
      .op("i32.or")
      .get("outer")
      .i32(1)
      .op("i32.lt_s")
      .op("i32.or")
      .brIf("end");
    f.i32(0).set("ob");
    f.loop("outer", () => {
      f.get("a").get("ob").get("sAb").op("i32.mul").op("i32.add").set("ao");
      f.get("b").get("ob").get("sBb").op("i32.mul").op("i32.add").set("bo");
      f.get("c").get("ob").get("sCb").op("i32.mul").op("i32.add").set("co");
      f.i32(0).set("n0");
      f.loop("panel", () => {
        // nvalid = min(NR, N - n0); nvec = ceil(nvalid / 4)
        f.get("N").get("n0").op("i32.sub").set("nvalid");
        f.get("nvalid")
          .i32(4 * NV)
          .op("i32.gt_s")
          .if("clamp", () => f.i32(4 * NV).set("nvalid"));
        f.get("nvalid").i32(3).op("i32.add").i32(2).op("i32.shr_u").set("nvec");
        f.get("bo")
          .get("n0")
          .i32(4 * NV)
          .op("i32.div_u")
          .get("sBp")
          .op("i32.mul")
          .op("i32.add")
          .set("pb");
        f.get("co").get("n0").i32(4).op("i32.mul").op("i32.add").set("pcol");
        for (const nv of range(NV).map((j) => j + 1)) {
          f.get("nvec")
            .i32(nv)
            .op("i32.eq")
            .if(`nv${nv}`, () => {
              const call = (mr: number) => {
                f.get("K").get("kb");
                for (const i of range(mr))
                  f.get("ao").get("m0").i32(i).op("i32.add").get("sAm").op("i32.mul").op("i32.add");
                f.get("sAk").get("sAb").get("pb").get("ldb").get("sBb");
                f.get("pcol").get("m0").get("ldc").op("i32.mul").op("i32.add").get("ldc").get("nvalid").get("acc");
                f.call(tileIndex(mr, nv), tiles[mr - 1][nv - 1].name);
              };
              f.i32(0).set("m0");
              f.block("blocks", () => {
                f.loop("block", () => {
                  f.get("m0").i32(MR).op("i32.add").get("M").op("i32.gt_s").brIf("blocks");
                  call(MR);
                  f.get("m0").i32(MR).op("i32.add").set("m0");
                  f.br("block");
                });
              });
              for (const mr of range(MR - 1).map((i) => i + 1))
                f.get("M")
                  .get("m0")
                  .op("i32.sub")
                  .i32(mr)
                  .op("i32.eq")
                  .if(`rem${mr}`, () => call(mr));
            });
        }
        f.get("n0")
          .i32(4 * NV)
          .op("i32.add")
          .tee("n0")
          .get("N")
          .op("i32.lt_s")
          .brIf("panel");
      });
      f.get("ob").i32(1).op("i32.add").tee("ob").get("outer").op("i32.lt_s").brIf("outer");
    });
  });
  return f;
}

/** pad11(x, cin, xpad): xpad[i, 11·(r+1) + c+1] = x[i, 9r + c], zero border; planes of 121 floats. */
function pad11(): Func {
  const f = new Func("pad11", [
    ["x", I32],
    ["cin", I32],
    ["xp", I32],
  ]);
  for (const n of ["i", "src", "dst", "z"]) f.local(n, I32);
  f.block("end", () => {
    f.get("cin").i32(1).op("i32.lt_s").brIf("end");
    f.i32(0).set("i");
    f.loop("chan", () => {
      f.get("x")
        .get("i")
        .i32(81 * 4)
        .op("i32.mul")
        .op("i32.add")
        .set("src");
      f.get("xp")
        .get("i")
        .i32(121 * 4)
        .op("i32.mul")
        .op("i32.add")
        .set("dst");
      // zero the plane (30 vectors + 1 float), then copy the 9 rows of 9
      for (const v of range(30))
        f.get("dst")
          .v128i32(0, 0, 0, 0)
          .mem("v128.store", 16 * v);
      f.get("dst").f32(0).mem("f32.store", 480);
      for (const r of range(9)) {
        const d = 4 * (11 * (r + 1) + 1);
        f.get("dst")
          .get("src")
          .mem("v128.load", 36 * r)
          .mem("v128.store", d);
        f.get("dst")
          .get("src")
          .mem("v128.load", 36 * r + 16)
          .mem("v128.store", d + 16);
        f.get("dst")
          .get("src")
          .mem("f32.load", 36 * r + 32)
          .mem("f32.store", d + 32);
      }
      f.get("i").i32(1).op("i32.add").tee("i").get("cin").op("i32.lt_s").brIf("chan");
    });
  });
  return f;
}

/**
 * im2col_tap(xpad, cin, out): out[(i·9 + t)·84 + 9r + c] = xpad[i, 11(r + 1 + dr) + c + 1 + dc]
 * (t = 3(dr + 1) + dc + 1). Each 9-float row segment is copied as 3 vectors in increasing order,
 * so the 3-float overhang is rewritten by the next segment; the last lands in lanes 81–83 (junk).
 */
function im2colTap(): Func {
  const f = new Func("im2col_tap", [
    ["xp", I32],
    ["cin", I32],
    ["out", I32],
  ]);
  for (const n of ["i", "src", "dst"]) f.local(n, I32);
  f.block("end", () => {
    f.get("cin").i32(1).op("i32.lt_s").brIf("end");
    f.i32(0).set("i");
    f.get("out").set("dst");
    f.loop("chan", () => {
      f.get("xp")
        .get("i")
        .i32(121 * 4)
        .op("i32.mul")
        .op("i32.add")
        .set("src");
      for (const t of range(9)) {
        const dr = Math.floor(t / 3) - 1;
        const dc = (t % 3) - 1;
        for (const r of range(9)) {
          const s = 4 * (11 * (r + 1 + dr) + 1 + dc);
          const d = 4 * (t * COLS_LD + 9 * r);
          for (const v of range(3))
            f.get("dst")
              .get("src")
              .mem("v128.load", s + 16 * v)
              .mem("v128.store", d + 16 * v);
        }
      }
      f.get("dst")
        .i32(9 * COLS_LD * 4)
        .op("i32.add")
        .set("dst");
      f.get("i").i32(1).op("i32.add").tee("i").get("cin").op("i32.lt_s").brIf("chan");
    });
  });
  return f;
}

/** transpose(rows, cols, src, lds, dst, ldd, acc): dst[j, i] (+)= src[i, j]; 4×4 blocks through shuffles, scalar edges. */
function transpose(): Func {
  const f = new Func(
    "transpose",
    ["rows", "cols", "src", "lds", "dst", "ldd", "acc"].map((n) => [n, I32] as const),
  );
  for (const n of ["i", "j", "ps", "pd", "r4", "c4"]) f.local(n, I32);
  for (const n of ["v0", "v1", "v2", "v3", "t0", "t1", "t2", "t3"]) f.local(n, "v128");
  f.get("rows").i32(-4).op("i32.and").set("r4");
  f.get("cols").i32(-4).op("i32.and").set("c4");
  // 4×4 blocks
  f.i32(0).set("i");
  f.block("rowsdone", () => {
    f.loop("rowblk", () => {
      f.get("i").get("r4").op("i32.ge_s").brIf("rowsdone");
      f.i32(0).set("j");
      f.block("colsdone", () => {
        f.loop("colblk", () => {
          f.get("j").get("c4").op("i32.ge_s").brIf("colsdone");
          f.get("src")
            .get("i")
            .get("lds")
            .op("i32.mul")
            .op("i32.add")
            .get("j")
            .i32(4)
            .op("i32.mul")
            .op("i32.add")
            .set("ps");
          for (const r of range(4))
            f.get("ps").get("lds").i32(r).op("i32.mul").op("i32.add").mem("v128.load").set(`v${r}`);
          // v_r = row i+r (cols j..j+3) → t_c = col j+c (rows i..i+3)
          f.get("v0").get("v1").shuffle32(0, 4, 1, 5).set("t0"); // a0 b0 a1 b1
          f.get("v2").get("v3").shuffle32(0, 4, 1, 5).set("t1"); // c0 d0 c1 d1
          f.get("v0").get("v1").shuffle32(2, 6, 3, 7).set("t2"); // a2 b2 a3 b3
          f.get("v2").get("v3").shuffle32(2, 6, 3, 7).set("t3"); // c2 d2 c3 d3
          f.get("t0").get("t1").shuffle32(0, 1, 4, 5).set("v0");
          f.get("t0").get("t1").shuffle32(2, 3, 6, 7).set("v1");
          f.get("t2").get("t3").shuffle32(0, 1, 4, 5).set("v2");
          f.get("t2").get("t3").shuffle32(2, 3, 6, 7).set("v3");
          f.get("dst")
            .get("j")
            .get("ldd")
            .op("i32.mul")
            .op("i32.add")
            .get("i")
            .i32(4)
            .op("i32.mul")
            .op("i32.add")
            .set("pd");
          for (const c of range(4)) {
            f.get("acc").if(`acc${c}`, () =>
              f
                .get("pd")
                .get("ldd")
                .i32(c)
                .op("i32.mul")
                .op("i32.add")
                .mem("v128.load")
                .get(`v${c}`)
                .op("f32x4.add")
                .set(`v${c}`),
            );
            f.get("pd").get("ldd").i32(c).op("i32.mul").op("i32.add").get(`v${c}`).mem("v128.store");
          }
          f.get("j").i32(4).op("i32.add").set("j");
          f.br("colblk");
        });
      });
      f.get("i").i32(4).op("i32.add").set("i");
      f.br("rowblk");
    });
  });
  // edges: columns c4..cols of every row, then rows r4..rows of columns 0..c4
  const edge = (label: string, iFrom: () => void, iTo: string, jFrom: () => void, jTo: string) => {
    iFrom();
    f.set("i");
    f.block(`${label}_done`, () => {
      f.loop(`${label}_i`, () => {
        f.get("i").get(iTo).op("i32.ge_s").brIf(`${label}_done`);
        jFrom();
        f.set("j");
        f.block(`${label}_jdone`, () => {
          f.loop(`${label}_j`, () => {
            f.get("j").get(jTo).op("i32.ge_s").brIf(`${label}_jdone`);
            f.get("dst")
              .get("j")
              .get("ldd")
              .op("i32.mul")
              .op("i32.add")
              .get("i")
              .i32(4)
              .op("i32.mul")
              .op("i32.add")
              .set("pd");
            f.get("src")
              .get("i")
              .get("lds")
              .op("i32.mul")
              .op("i32.add")
              .get("j")
              .i32(4)
              .op("i32.mul")
              .op("i32.add")
              .set("ps");
            f.get("acc").if(`${label}_acc`, () =>
              f.get("pd").get("pd").mem("f32.load").get("ps").mem("f32.load").op("f32.add").mem("f32.store"),
            );
            f.get("acc")
              .op("i32.eqz")
              .if(`${label}_set`, () => f.get("pd").get("ps").mem("f32.load").mem("f32.store"));
            f.get("j").i32(1).op("i32.add").set("j");
            f.br(`${label}_j`);
          });
        });
        f.get("i").i32(1).op("i32.add").set("i");
        f.br(`${label}_i`);
      });
    });
  };
  edge(
    "ecol",
    () => f.i32(0),
    "rows",
    () => f.get("c4"),
    "cols",
  );
  edge(
    "erow",
    () => f.get("r4"),
    "rows",
    () => f.i32(0),
    "c4",
  );
  return f;
}

/** bias_act(M, N, c, ldc, bias, mode, relu): C[m, n] += bias[n] (mode 1) or bias[m] (mode 2), then max(·, 0) when relu. */
function biasAct(): Func {
  const f = new Func(
    "bias_act",
    ["M", "N", "c", "ldc", "bias", "mode", "relu"].map((n) => [n, I32] as const),
  );
  for (const n of ["m", "n", "pr", "n4"]) f.local(n, I32);
  f.local("v", "v128");
  f.local("rb", "v128");
  f.local("s", "f32");
  f.get("N").i32(-4).op("i32.and").set("n4");
  f.block("end", () => {
    f.get("M").i32(1).op("i32.lt_s").brIf("end");
    f.i32(0).set("m");
    f.loop("row", () => {
      f.get("c").get("m").get("ldc").op("i32.mul").op("i32.add").set("pr");
      f.v128i32(0, 0, 0, 0).set("rb");
      f.get("mode")
        .i32(2)
        .op("i32.eq")
        .if("perrow", () =>
          f.get("bias").get("m").i32(4).op("i32.mul").op("i32.add").mem("v128.load32_splat").set("rb"),
        );
      f.i32(0).set("n");
      f.block("vdone", () => {
        f.loop("vec", () => {
          f.get("n").get("n4").op("i32.ge_s").brIf("vdone");
          f.get("pr").get("n").i32(4).op("i32.mul").op("i32.add").mem("v128.load").get("rb").op("f32x4.add").set("v");
          f.get("mode")
            .i32(1)
            .op("i32.eq")
            .if("percol", () =>
              f
                .get("v")
                .get("bias")
                .get("n")
                .i32(4)
                .op("i32.mul")
                .op("i32.add")
                .mem("v128.load")
                .op("f32x4.add")
                .set("v"),
            );
          f.get("relu").if("relu", () => f.v128i32(0, 0, 0, 0).get("v").op("f32x4.pmax").set("v"));
          f.get("pr").get("n").i32(4).op("i32.mul").op("i32.add").get("v").mem("v128.store");
          f.get("n").i32(4).op("i32.add").set("n");
          f.br("vec");
        });
      });
      f.block("sdone", () => {
        f.loop("scalar", () => {
          f.get("n").get("N").op("i32.ge_s").brIf("sdone");
          f.get("pr")
            .get("n")
            .i32(4)
            .op("i32.mul")
            .op("i32.add")
            .mem("f32.load")
            .get("rb")
            .lane("f32x4.extract_lane", 0)
            .op("f32.add")
            .set("s");
          f.get("mode")
            .i32(1)
            .op("i32.eq")
            .if("percol_s", () =>
              f.get("s").get("bias").get("n").i32(4).op("i32.mul").op("i32.add").mem("f32.load").op("f32.add").set("s"),
            );
          f.get("relu").if("relu_s", () => f.get("s").f32(0).get("s").f32(0).op("f32.gt").op("select").set("s"));
          f.get("pr").get("n").i32(4).op("i32.mul").op("i32.add").get("s").mem("f32.store");
          f.get("n").i32(1).op("i32.add").set("n");
          f.br("scalar");
        });
      });
      f.get("m").i32(1).op("i32.add").tee("m").get("M").op("i32.lt_s").brIf("row");
    });
  });
  return f;
}

/**
 * The module's functions, in index order (tiles first: gemm calls them by index). `shared`: the
 * imported memory is a shared one (the heap of a backend with a second thread, fast/pool.ts).
 */
export function moduleSpec(shared = false): ModuleSpec {
  const tiles = range(MR).map((i) => range(NV).map((j) => tile(i + 1, j + 1)));
  const tileIndex = (mr: number, nv: number) => (mr - 1) * NV + (nv - 1);
  const funcs = [
    ...tiles.flat(),
    gemm(tiles, tileIndex),
    pad11(),
    im2colTap(),
    transpose(),
    biasAct(),
    ...planeFuncs(),
  ];
  return { memory: moduleSpec.memory(shared), funcs };
}
moduleSpec.memory = (shared: boolean) => (shared ? { initial: 1, maximum: 65536, shared: true } : { initial: 1 });

let built: ModuleSpec | null = null;

/** The module's bytes (its functions generated once per process). */
export function buildKernels(shared = false): Uint8Array {
  built ??= moduleSpec();
  return encodeModule({ ...built, memory: moduleSpec.memory(shared) });
}

/** The text of kernels.bytes.ts: both variants of the module, base64. */
export function kernelsBytesSource(): string {
  const b64 = (shared: boolean) => Buffer.from(buildKernels(shared)).toString("base64");
  return [
    "// Generated by `bun dev/cpu-gemm/gen-kernels.ts` from kernels-gen.ts (the source of truth; its listing is",
    "// dev/cpu-gemm/kernels.wat). Do not edit: test/compute/cpu-fast.test.ts checks this file against a fresh generation.",
    "",
    "/** The kernels module importing a plain memory (base64). */",
    `export const KERNELS_WASM = "${b64(false)}";`,
    "",
    "/** The same module importing a shared memory (a backend with a second thread). */",
    `export const KERNELS_WASM_SHARED = "${b64(true)}";`,
    "",
  ].join("\n");
}

/** The module as WAT text (dev/cpu-gemm/kernels.wat). */
export function kernelsWat(): string {
  const listing = Func.listing;
  Func.listing = true;
  try {
    return moduleWat(moduleSpec());
  } finally {
    Func.listing = listing;
  }
}
