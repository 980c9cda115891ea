// GEMM micro-kernel variants for the CPU backend's wasm fast path (dev/cpu-gemm/bench.ts times them).
//
// Every wasm variant computes C[m, n] (+)= Σ_k A[m, k] · B[k, n] with A read through element strides
// (sAm, sAk: one splat per row per k), B row-major along n (ldb), C row-major along n (ldc):
// n-panels of NR = 4·nv columns outside, blocks of mr rows inside, mr × nv f32x4 accumulators
// kept in locals across the whole k loop. Pointers and strides are in bytes.
//
//   01-ts-blocked           src/compute/kernels/gemm-blocked.ts (the TypeScript twin's GEMM, C = A·Bᵀ)
//   02-wasm-simd-MRxNV-mul  mul + add (wasm SIMD128)
//   03-wasm-simd-MRxNV-fma  f32x4.relaxed_madd (relaxed SIMD; FMA where the CPU has it)
//   04-…-k2                 k loop unrolled by 2

import { encodeModule, Func } from "../../src/compute/cpu/fast/wasm-encoder.ts";

export interface Variant {
  name: string;
  mr: number;
  nv: number;
  fma: boolean;
  unroll: 1 | 2;
}

/** One exported function `gemm(M, N, K, a, sAm, sAk, b, ldb, c, ldc, accumulate)`; M a multiple of mr, N of 4·nv. */
export function buildVariant(v: Variant): Uint8Array {
  const p = ["M", "N", "K", "a", "sAm", "sAk", "b", "ldb", "c", "ldc", "acc"].map((n) => [n, "i32"] as const);
  const f = new Func("gemm", p);
  const { mr, nv } = v;
  for (const n of ["n0", "m0", "k", "pb", "pc"]) f.local(n, "i32");
  for (let i = 0; i < mr; i++) f.local(`pa${i}`, "i32");
  for (let i = 0; i < mr; i++) for (let j = 0; j < nv; j++) f.local(`c${i}_${j}`, "v128");
  for (let j = 0; j < nv; j++) f.local(`b${j}`, "v128");
  f.local("s", "v128");
  const step = () => {
    for (let j = 0; j < nv; j++)
      f.get("pb")
        .mem("v128.load", 16 * j)
        .set(`b${j}`);
    for (let i = 0; i < mr; i++) {
      f.get(`pa${i}`).mem("v128.load32_splat").set("s");
      for (let j = 0; j < nv; j++) {
        if (v.fma) f.get("s").get(`b${j}`).get(`c${i}_${j}`).op("f32x4.relaxed_madd").set(`c${i}_${j}`);
        else f.get(`c${i}_${j}`).get("s").get(`b${j}`).op("f32x4.mul").op("f32x4.add").set(`c${i}_${j}`);
      }
      f.get(`pa${i}`).get("sAk").op("i32.add").set(`pa${i}`);
    }
    f.get("pb").get("ldb").op("i32.add").set("pb");
  };
  f.i32(0).set("n0");
  f.loop("npanel", () => {
    f.i32(0).set("m0");
    f.loop("mblock", () => {
      for (let i = 0; i < mr; i++)
        f.get("a").get("m0").i32(i).op("i32.add").get("sAm").op("i32.mul").op("i32.add").set(`pa${i}`);
      f.get("b").get("n0").i32(4).op("i32.mul").op("i32.add").set("pb");
      for (let i = 0; i < mr; i++) for (let j = 0; j < nv; j++) f.v128i32(0, 0, 0, 0).set(`c${i}_${j}`);
      f.get("K").set("k");
      if (v.unroll === 2) {
        f.block("k2done", () => {
          f.get("k").i32(2).op("i32.lt_s").brIf("k2done");
          f.loop("k2", () => {
            step();
            step();
            f.get("k").i32(2).op("i32.sub").tee("k").i32(2).op("i32.ge_s").brIf("k2");
          });
        });
      }
      f.block("kdone", () => {
        f.get("k").op("i32.eqz").brIf("kdone");
        f.loop("k", () => {
          step();
          f.get("k").i32(1).op("i32.sub").tee("k").brIf("k");
        });
      });
      for (let i = 0; i < mr; i++) {
        f.get("c")
          .get("m0")
          .i32(i)
          .op("i32.add")
          .get("ldc")
          .op("i32.mul")
          .op("i32.add")
          .get("n0")
          .i32(4)
          .op("i32.mul")
          .op("i32.add")
          .set("pc");
        for (let j = 0; j < nv; j++) {
          f.get("acc").if("acc", () =>
            f
              .get("pc")
              .mem("v128.load", 16 * j)
              .get(`c${i}_${j}`)
              .op("f32x4.add")
              .set(`c${i}_${j}`),
          );
          f.get("pc")
            .get(`c${i}_${j}`)
            .mem("v128.store", 16 * j);
        }
      }
      f.get("m0").i32(mr).op("i32.add").tee("m0").get("M").op("i32.lt_s").brIf("mblock");
    });
    f.get("n0")
      .i32(4 * nv)
      .op("i32.add")
      .tee("n0")
      .get("N")
      .op("i32.lt_s")
      .brIf("npanel");
  });
  return encodeModule({ memory: { initial: 1 }, funcs: [f] });
}
