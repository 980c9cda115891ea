// The strided batched GEMM (shaders/gemm.wgsl) and its CPU twin, plus its workgroup-tiled variant
// for real GPUs (shaders/gemm-tiled.wgsl, style "tiled"; same bindings, uniforms and twin).

import iface from "../../../shaders/gemm-interface.wgsl" with { type: "text" };
import body from "../../../shaders/gemm.wgsl" with { type: "text" };
import tiledBody from "../../../shaders/gemm-tiled.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";
import { gemmABt } from "./gemm-blocked.ts";
import { type TileSize, tileSource } from "./tile.ts";

/** WGSL has no includes: the shared uniforms and bindings (and, tiled, the 64 × 64 tile machinery) are joined in front. */
const source = `${iface}\n${body}`;
const tiledSource = (T: TileSize) => `${iface}\n${tileSource(T)}\n${tiledBody}`;

export const GEMM_UNIFORMS = [
  "m",
  "n",
  "k",
  "batch",
  "sAb",
  "sAm",
  "sAk",
  "sBb",
  "sBk",
  "sBn",
  "sCb",
  "sCm",
  "sCn",
  "biasMode",
  "act",
  "accumulate",
  "sumBatch",
] as const;
const uniforms: UniformSpec[] = GEMM_UNIFORMS.map((name) => ({ name, type: "u32" }));
export const ACT = { none: 0, relu: 1, sigmoid: 2 } as const;
export const BIAS = { none: 0, perColumn: 1, perRow: 2 } as const;

export const gemm: KernelSpec = {
  name: "gemm.gemm",
  source,
  entryPoint: "gemm",
  bindings: [
    { name: "a", access: "read" },
    { name: "b", access: "read" },
    { name: "bias", access: "read" },
    { name: "c", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(Math.ceil(u.m / 8) * Math.ceil(u.n / 8) * (u.sumBatch ? 1 : u.batch), 64),
  // The register-blocked A·Bᵀ (gemm-blocked.ts) when A's rows and B's columns run along k (Linear
  // forward, the 1×1 weight gradient), else the axpy form (row of C += a[m, k] · row k of B),
  // which streams B's rows when sBn = 1.
  cpu({ a, b, bias, c }, u) {
    const {
      m: M,
      n: N,
      k: K,
      batch,
      sAb,
      sAm,
      sAk,
      sBb,
      sBk,
      sBn,
      sCb,
      sCm,
      sCn,
      biasMode,
      act,
      accumulate,
      sumBatch,
    } = u;
    const A = a as Float32Array;
    const B = b as Float32Array;
    const acc = new Float32Array(M * N);
    for (let ob = 0; ob < (sumBatch ? 1 : batch); ob++) {
      acc.fill(0);
      for (let bb = sumBatch ? 0 : ob; bb < (sumBatch ? batch : ob + 1); bb++) {
        if (sAk === 1 && sBk === 1) {
          gemmABt(M, N, K, A, bb * sAb, sAm, B, bb * sBb, sBn, acc, 0, N, true);
          continue;
        }
        for (let m = 0; m < M; m++) {
          for (let k = 0; k < K; k++) {
            const av = A[bb * sAb + m * sAm + k * sAk];
            if (av === 0) continue;
            const bk = bb * sBb + k * sBk;
            for (let n = 0; n < N; n++) acc[m * N + n] += av * B[bk + n * sBn];
          }
        }
      }
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let v = acc[m * N + n];
          if (biasMode === BIAS.perColumn) v += bias[n];
          if (biasMode === BIAS.perRow) v += bias[m];
          // biome-ignore lint/complexity/useMathMinMax: relu maps NaN to 0 (as the wasm fast kernels do); Math.max(v, 0) would propagate NaN
          if (act === ACT.relu) v = v > 0 ? v : 0;
          if (act === ACT.sigmoid) v = 1 / (1 + Math.exp(-v));
          const ci = ob * sCb + m * sCm + n * sCn;
          c[ci] = accumulate ? c[ci] + v : v;
        }
      }
    }
  },
};

/**
 * gemm for real GPUs: one workgroup per T × T tile of C. When A is shared across the batch
 * (sAb = 0) and the batch is not summed, the batch is folded into the columns (batch·n of them);
 * otherwise it is a grid dimension (or, summed, a loop inside the kernel).
 */
function gemmTiledOf(T: TileSize, name: string): KernelSpec {
  return {
    ...gemm,
    name,
    source: tiledSource(T),
    workgroups: (u) => {
      const folded = !u.sumBatch && u.sAb === 0;
      const cols = folded ? u.batch * u.n : u.n;
      const gridBatch = folded || u.sumBatch ? 1 : u.batch;
      return grid1d(Math.ceil(u.m / T) * Math.ceil(cols / T) * gridBatch, 1);
    },
  };
}

export const gemmTiled = gemmTiledOf(64, "gemm.gemm_tiled");
export const gemmTiled32 = gemmTiledOf(32, "gemm.gemm_tiled32");
