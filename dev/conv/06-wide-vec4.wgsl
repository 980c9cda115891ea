// EXPERIMENT, not promoted. Measured on an NVIDIA H200 (Vulkan, driver 580.159; bench/gpu.ts through
// kernels/index.ts FAMILIES, 2026-12-04), 256→256 channels, batch 256: conv 64×64 tiles 12.6 ms and
// 128×128 tiles 12.2 ms against conv3x3-tiled.wgsl's 64-wide tiles at 1.62 ms; weight gradient 16.8
// and 27.3 ms against 3.3 ms (tiled, 32). Parity with the twin held on lavapipe and on the H200
// (autotune's check). Likely cause, not verified: the dynamically indexed vec4 accumulators
// (acc[2r + c/4][c % 4] in the store loops) and component stores into workgroup vec4s keep acc in
// local memory; the next try would hold the 16 accumulators in a struct with named fields. Ran as
// `${conv3x3-interface.wgsl}\nconst BM: u32 = T;\nconst BN: u32 = T;\n${this file}` (tapIndex moved
// into the interface file).
//
// 3×3 convolution and its weight gradient as implicit GEMMs (the math: conv3x3-tiled.wgsl's
// header), with 8 × 8 outputs per invocation read from workgroup memory as vec4s: the wide-tile
// variants for GPUs whose shared-memory bandwidth, not arithmetic, limits the 16 × 16-invocation
// tiles (conv3x3-tiled.wgsl reads 2·TT scalars from workgroup memory per TT² multiply-adds; here
// 4 vec4 loads feed 64). Same bindings, uniforms and results as the other variants.
//
// A header from kernels/conv3x3.ts sets the tile: BM output rows × BN output columns (multiples of
// 64), WGS = BM·BN / 64 invocations. Invocation (tx, ty), tx < BN/8, ty < BM/8, owns rows
// ty·4 + {0..3} and BM/2 + ty·4 + {0..3}, columns tx·4 + {0..3} and BN/2 + tx·4 + {0..3}: two
// vec4 halves each way, so the invocations of a subgroup read neighbouring vec4s. Per K-slice of
// BK = 8 both operands are staged in workgroup memory (the im2col gather in that load, zeros
// outside the board and past the matrix edges); rows of the staged slices are padded by one vec4
// so the k-fast stores of 8 different k land in different banks.
//
// Params, p, each entry point's bindings and tapIndex: conv3x3-interface.wgsl, joined in front.

const BK: u32 = 8u;
const WGS: u32 = BM * BN / 64u;
const TXN: u32 = BN / 8u;           // invocations along the columns
const LA: u32 = BK * BM / WGS;      // row-operand elements each invocation stages per slice
const LB: u32 = BK * BN / WGS;      // column-operand elements each invocation stages per slice
const SA: u32 = BM / 4u + 1u;       // vec4 stride of As between k rows (one vec4 of padding)
const SB: u32 = BN / 4u + 1u;

var<workgroup> As: array<vec4<f32>, BK * SA>; // As[kk·SA + m/4][m%4]: the row operand of the slice
var<workgroup> Bs: array<vec4<f32>, BK * SB>; // Bs[kk·SB + n/4][n%4]: the column operand

/** acc[2r + h]: the vec4 of output row r (0..7 as above) and column half h, += the staged slice. */
fn accumulateSlice(acc: ptr<function, array<vec4<f32>, 16>>, tx: u32, ty: u32) {
  for (var kk = 0u; kk < BK; kk++) {
    let a0 = As[kk * SA + ty];
    let a1 = As[kk * SA + ty + BM / 8u];
    let b0 = Bs[kk * SB + tx];
    let b1 = Bs[kk * SB + tx + BN / 8u];
    (*acc)[0] += a0.x * b0;  (*acc)[1] += a0.x * b1;
    (*acc)[2] += a0.y * b0;  (*acc)[3] += a0.y * b1;
    (*acc)[4] += a0.z * b0;  (*acc)[5] += a0.z * b1;
    (*acc)[6] += a0.w * b0;  (*acc)[7] += a0.w * b1;
    (*acc)[8] += a1.x * b0;  (*acc)[9] += a1.x * b1;
    (*acc)[10] += a1.y * b0; (*acc)[11] += a1.y * b1;
    (*acc)[12] += a1.z * b0; (*acc)[13] += a1.z * b1;
    (*acc)[14] += a1.w * b0; (*acc)[15] += a1.w * b1;
  }
}

/** The tile row of this invocation's output row r (0..7). */
fn rowOf(ty: u32, r: u32) -> u32 { return (r / 4u) * (BM / 2u) + ty * 4u + r % 4u; }
/** The tile column of this invocation's output column c (0..7). */
fn colOf(tx: u32, c: u32) -> u32 { return (c / 4u) * (BN / 2u) + tx * 4u + c % 4u; }

// ---- conv (forward and backward-data)
@compute @workgroup_size(WGS)
fn conv(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cols = p.batch * 81u;
  let K = p.cin * 9u;
  let tilesN = (cols + BN - 1u) / BN;
  let tilesM = (p.cout + BM - 1u) / BM;
  let tile = wid.x + wid.y * nwg.x; // workgroup-uniform: the barriers stay in uniform control flow
  if (tile >= tilesN * tilesM) { return; }
  let c0 = (tile % tilesN) * BN;
  let m0 = (tile / tilesN) * BM;

  // Weights k-fast (w is contiguous along r in the forward layout): k = lid % BK, tile rows
  // lid / BK + (WGS / BK)·s.
  let ak = lid % BK;
  var aOff: array<u32, LA>;
  var aOk: array<bool, LA>;
  for (var s = 0u; s < LA; s++) {
    let o = m0 + lid / BK + (WGS / BK) * s;
    aOk[s] = o < p.cout;
    aOff[s] = o * p.wStrideOut;
  }
  // Input position-fast: tile column lid % BN, k rows lid / BN + (WGS / BN)·s.
  let bn = lid % BN;
  let j = c0 + bn;
  let jOk = j < cols;
  let xs = (j / 81u) * p.cin * 81u;
  let qy = (j % 81u) / 9u;
  let qx = j % 9u;

  let tx = lid % TXN;
  let ty = lid / TXN;
  var acc: array<vec4<f32>, 16>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    let r = k0 + ak;
    let i = r / 9u;
    let t = r % 9u;
    let wOff = i * p.wStrideIn + select(t, 8u - t, p.flip != 0u);
    for (var s = 0u; s < LA; s++) {
      var v = 0.0;
      if (aOk[s] && r < K) { v = w[aOff[s] + wOff]; }
      let m = lid / BK + (WGS / BK) * s;
      As[ak * SA + m / 4u][m % 4u] = v;
    }
    for (var s = 0u; s < LB; s++) {
      let kk = lid / BN + (WGS / BN) * s;
      let rb = k0 + kk;
      var v = 0.0;
      if (jOk && rb < K) {
        let at = tapIndex(xs, rb / 9u, rb % 9u, qy, qx);
        if (at >= 0) { v = x[at]; }
      }
      Bs[kk * SB + bn / 4u][bn % 4u] = v;
    }
    workgroupBarrier();
    accumulateSlice(&acc, tx, ty);
    workgroupBarrier(); // the next slice overwrites the staged operands
  }

  for (var r = 0u; r < 8u; r++) {
    let o = m0 + rowOf(ty, r);
    if (o >= p.cout) { continue; }
    let bo = select(0.0, bias[o], p.hasBias != 0u);
    for (var c = 0u; c < 8u; c++) {
      let col = c0 + colOf(tx, c);
      if (col >= cols) { continue; }
      let yi = ((col / 81u) * p.cout + o) * 81u + col % 81u;
      var out = acc[2u * r + c / 4u][c % 4u] + bo;
      if (p.accumulate != 0u) { out += y[yi]; }
      y[yi] = out;
    }
  }
}

// ---- weight_grad
@compute @workgroup_size(WGS)
fn weight_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let R = p.cin * 9u;        // output columns r = 9i + t
  let K = p.batch * 81u;     // reduction over every position of the batch
  let tilesN = (R + BN - 1u) / BN;
  let tilesM = (p.cout + BM - 1u) / BM;
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= tilesN * tilesM) { return; }
  let c0 = (tile % tilesN) * BN;
  let m0 = (tile / tilesN) * BM;

  // Both operands k-fast (dy and x are contiguous along positions): position k0 + lid % BK, tile
  // rows lid / BK + (WGS / BK)·s.
  let kk = lid % BK;
  var aOk: array<bool, LA>;
  for (var s = 0u; s < LA; s++) { aOk[s] = m0 + lid / BK + (WGS / BK) * s < p.cout; }
  var bI: array<u32, LB>;
  var bT: array<u32, LB>;
  var bOk: array<bool, LB>;
  for (var s = 0u; s < LB; s++) {
    let r = c0 + lid / BK + (WGS / BK) * s;
    bOk[s] = r < R;
    bI[s] = r / 9u;
    bT[s] = r % 9u;
  }

  let tx = lid % TXN;
  let ty = lid / TXN;
  var acc: array<vec4<f32>, 16>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    let jp = k0 + kk;
    let jOk = jp < K;
    let n = jp / 81u;
    let q = jp % 81u;
    let dyOff = n * p.cout * 81u + q;
    let xs = n * p.cin * 81u;
    for (var s = 0u; s < LA; s++) {
      let row = lid / BK + (WGS / BK) * s;
      var va = 0.0;
      if (aOk[s] && jOk) { va = wg_dy[dyOff + (m0 + row) * 81u]; }
      As[kk * SA + row / 4u][row % 4u] = va;
    }
    for (var s = 0u; s < LB; s++) {
      let row = lid / BK + (WGS / BK) * s;
      var vb = 0.0;
      if (bOk[s] && jOk) {
        let at = tapIndex(xs, bI[s], bT[s], q / 9u, q % 9u);
        if (at >= 0) { vb = wg_x[at]; }
      }
      Bs[kk * SB + row / 4u][row % 4u] = vb;
    }
    workgroupBarrier();
    accumulateSlice(&acc, tx, ty);
    workgroupBarrier();
  }

  for (var r = 0u; r < 8u; r++) {
    let o = m0 + rowOf(ty, r);
    if (o >= p.cout) { continue; }
    for (var c = 0u; c < 8u; c++) {
      let rr = c0 + colOf(tx, c);
      if (rr >= R) { continue; }
      let di = o * R + rr;
      var out = acc[2u * r + c / 4u][c % 4u];
      if (p.accumulate != 0u) { out += wg_dw[di]; }
      wg_dw[di] = out;
    }
  }
}
