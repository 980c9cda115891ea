// The square workgroup tile shared by conv3x3-tiled.wgsl and gemm-tiled.wgsl, joined in front of
// each at import (WGSL has no includes) after a header of constants for one tile size T
// (kernels/tile.ts: T = 32 or 64, chosen per adapter by autotune):
//   BM = BN = T     output-tile rows and columns
//   TT = T / 16     micro-tile: TT × TT outputs per invocation
//   LOADS = T / 16  elements each invocation stages per operand per K-slice (BK·T / 256)
//   BSTEP = 256 / T rows between one invocation's staged elements when 256 invocations cover T columns
//   LDS = T + 1     shared rows padded by a word: a k-fast store (16 invocations, 16 different k)
//                   then hits 16 different banks instead of one
// A workgroup of 256 invocations (16 × 16) owns a BM × BN output tile; per K-slice of BK it stages
// both operands in As and Bs, and each invocation accumulates a TT × TT micro-tile whose rows and
// columns are strided by 16 (ty + 16i, tx + 16j), so neighbouring invocations read neighbouring
// shared words and store neighbouring outputs.

const BK: u32 = 16u;   // K-slice staged per barrier pair

var<workgroup> As: array<f32, BK * LDS>; // As[kk·LDS + mm]: the row operand, BK × LDS
var<workgroup> Bs: array<f32, BK * LDS>; // Bs[kk·LDS + nn]: the column operand, BK × LDS

/** acc[i][j] += Σ_kk As[kk][ty + 16i] · Bs[kk][tx + 16j] over the staged slice. */
fn accumulateSlice(acc: ptr<function, array<array<f32, TT>, TT>>, tx: u32, ty: u32) {
  for (var kk = 0u; kk < BK; kk++) {
    var av: array<f32, TT>;
    var bv: array<f32, TT>;
    for (var i = 0u; i < TT; i++) { av[i] = As[kk * LDS + ty + 16u * i]; }
    for (var j = 0u; j < TT; j++) { bv[j] = Bs[kk * LDS + tx + 16u * j]; }
    for (var i = 0u; i < TT; i++) {
      for (var j = 0u; j < TT; j++) { (*acc)[i][j] += av[i] * bv[j]; }
    }
  }
}
