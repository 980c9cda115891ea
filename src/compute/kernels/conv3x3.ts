// 3×3 convolution kernels (shaders/conv3x3.wgsl) and their CPU twins. See the WGSL header for
// the math; forward and backward-data share one kernel (backward-data reads the weights
// transposed and flipped through strides). Each kernel has a workgroup-tiled variant for real
// GPUs (shaders/conv3x3-tiled.wgsl, style "tiled"): same bindings and uniforms, same twin.

import iface from "../../../shaders/conv3x3-interface.wgsl" with { type: "text" };
import body from "../../../shaders/conv3x3.wgsl" with { type: "text" };
import tiledBody from "../../../shaders/conv3x3-tiled.wgsl" with { type: "text" };
import { grid1d, type KernelSpec, type UniformSpec } from "../backend.ts";
import { gemmABt, im2colByPosition, im2colByTap } from "./gemm-blocked.ts";
import { type TileSize, tileSource } from "./tile.ts";

/** WGSL has no includes: the shared uniforms and bindings (and, tiled, the T × T tile machinery) are joined in front. */
const source = `${iface}\n${body}`;
const tiledSource = (T: TileSize) => `${iface}\n${tileSource(T)}\n${tiledBody}`;

const uniforms: UniformSpec[] = [
  "batch",
  "cin",
  "cout",
  "wStrideOut",
  "wStrideIn",
  "flip",
  "hasBias",
  "accumulate",
].map((name) => ({ name, type: "u32" }));
const CB = 8;

export const conv: KernelSpec = {
  name: "conv3x3.conv",
  source,
  entryPoint: "conv",
  bindings: [
    { name: "x", access: "read" },
    { name: "w", access: "read" },
    { name: "bias", access: "read" },
    { name: "y", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.batch * 9 * Math.ceil(u.cout / CB), 64),
  // Per sample: im2col (positions × cin·9), then the register-blocked y[o, q] = Σ_r W[o, r]·X̂[q, r].
  // W is used in place when it has the forward layout, else packed into [cout, cin·9] first.
  cpu({ x, w, bias, y }, u) {
    const { batch, cin, cout, wStrideOut, wStrideIn, flip, hasBias, accumulate } = u;
    const K = cin * 9;
    let wp = w as Float32Array;
    if (flip || wStrideIn !== 9 || wStrideOut !== K) {
      wp = new Float32Array(cout * K);
      for (let o = 0; o < cout; o++)
        for (let i = 0; i < cin; i++)
          for (let t = 0; t < 9; t++) wp[o * K + i * 9 + t] = w[o * wStrideOut + i * wStrideIn + (flip ? 8 - t : t)];
    }
    const cols = new Float32Array(81 * K);
    const out = y as Float32Array;
    for (let n = 0; n < batch; n++) {
      im2colByPosition(x as Float32Array, n * cin * 81, cin, cols);
      const yb = n * cout * 81;
      if (!accumulate) for (let o = 0; o < cout; o++) out.fill(hasBias ? bias[o] : 0, yb + o * 81, yb + o * 81 + 81);
      else if (hasBias) for (let o = 0; o < cout; o++) for (let q = 0; q < 81; q++) out[yb + o * 81 + q] += bias[o];
      gemmABt(cout, 81, K, wp, 0, K, cols, 0, K, out, yb, 81, true);
    }
  },
};

export const weightGrad: KernelSpec = {
  name: "conv3x3.weight_grad",
  source,
  entryPoint: "weight_grad",
  bindings: [
    { name: "x", access: "read" },
    { name: "dy", access: "read" },
    { name: "dw", access: "read_write" },
  ],
  uniforms,
  workgroups: (u) => grid1d(u.cin * Math.ceil(u.cout / CB), 64),
  // dW[o, r] (+)= Σ_n Σ_q dy[n, o, q] · X̂_n[r, q]: per sample one register-blocked A·Bᵀ.
  cpu({ x, dy, dw }, u) {
    const { batch, cin, cout, accumulate } = u;
    const K = cin * 9;
    const cols = new Float32Array(K * 81);
    const acc = new Float32Array(cout * K);
    for (let n = 0; n < batch; n++) {
      im2colByTap(x as Float32Array, n * cin * 81, cin, cols);
      gemmABt(cout, K, 81, dy as Float32Array, n * cout * 81, 81, cols, 0, 81, acc, 0, K, true);
    }
    for (let j = 0; j < cout * K; j++) dw[j] = accumulate ? dw[j] + acc[j] : acc[j];
  },
};

/** Workgroups of a tiled kernel: one per T × T output tile. */
const tiles = (T: number, rows: number, cols: number) => grid1d(Math.ceil(rows / T) * Math.ceil(cols / T), 1);

/** conv for real GPUs: one workgroup per T output channels × T positions of the batch. */
function convTiledOf(T: TileSize, name: string): KernelSpec {
  return { ...conv, name, source: tiledSource(T), workgroups: (u) => tiles(T, u.cout, u.batch * 81) };
}
/** weight_grad for real GPUs: one workgroup per T output channels × T of the cin·9 columns. */
function weightGradTiledOf(T: TileSize, name: string): KernelSpec {
  return { ...weightGrad, name, source: tiledSource(T), workgroups: (u) => tiles(T, u.cout, u.cin * 9) };
}

export const convTiled = convTiledOf(64, "conv3x3.conv_tiled");
export const convTiled32 = convTiledOf(32, "conv3x3.conv_tiled32");
export const weightGradTiled = weightGradTiledOf(64, "conv3x3.weight_grad_tiled");
export const weightGradTiled32 = weightGradTiledOf(32, "conv3x3.weight_grad_tiled32");
