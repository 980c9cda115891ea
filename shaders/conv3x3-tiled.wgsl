// 3×3 convolution, padding 1, stride 1, on 9×9 boards, NCHW: the workgroup-tiled variants for real
// GPUs (style "tiled"; the register-blocked shaders/conv3x3.wgsl serves CPU adapters). Same
// bindings, uniforms and results as that file, whose header gives the math; in short:
//
// conv: y[n, o, q] (+)= bias[o] + Σ_{i, t} w[o, i, t] · x̂[n, i, t, q]   (x̂: x shifted by tap t, zero-padded)
//   Forward: wStrideOut = Cin·9, wStrideIn = 9, flip = 0. Backward-data: the same kernel reading w
//   transposed and flipped (cin := Cout, cout := Cin, wStrideOut = 9, wStrideIn = Cin·9, flip = 1).
//   As an implicit GEMM: Y[o, j] = Σ_r W[o, r] · X̂[r, j] with r = 9i + t over K = cin·9 and
//   j = 81n + q over all positions of the batch (folding the batch in keeps wide tiles full).
//
// weight_grad: dw[o, i, t] (+)= Σ_{n, q} dy[n, o, q] · x̂[n, i, t, q]
//   As a GEMM: dW[o, r] = Σ_j dY[o, j] · X̂[r, j], reducing over K = batch·81 positions.
//
// Both: a workgroup of 256 invocations (16 × 16) owns a T × T output tile (T = 32 or 64: tile.wgsl); per K-slice of 16 it
// stages both operands in workgroup memory (the im2col gather happens in that load, zero outside
// the board and past the matrix edges), and each invocation accumulates a TT × TT micro-tile with
// rows and columns strided by 16 (neighbouring invocations: neighbouring shared words and
// neighbouring output elements). Any cin, cout and batch; tails load zeros and skip stores.
//
// Not done: split-K for weight_grad (its grid is only ⌈cout/T⌉·⌈9·cin/T⌉ workgroups: 144 at T = 64
// on the 256-channel tower, about one per SM of an H200), double-buffered tiles. Tried and slower
// on an H200: 8 × 8 outputs per invocation read as vec4s (dev/conv/06-wide-vec4.wgsl).

// Params, p and each entry point's bindings: conv3x3-interface.wgsl; BM, BN, BK, TT, LOADS, LDS,
// As, Bs, accumulateSlice: tile.wgsl (with kernels/tile.ts's header of tile-size constants). All are joined in front of this file.

/** Index of x̂ for input channel i, tap t, output square (qy, qx) of the sample starting at xs; −1 in the padding. */
fn tapIndex(xs: u32, i: u32, t: u32, qy: u32, qx: u32) -> i32 {
  let iy = i32(qy) + i32(t / 3u) - 1;
  let ix = i32(qx) + i32(t % 3u) - 1;
  if (iy < 0 || iy > 8 || ix < 0 || ix > 8) { return -1; }
  return i32(xs + i * 81u) + iy * 9 + ix;
}

// ---- conv (forward and backward-data)
@compute @workgroup_size(256)
fn conv(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cols = p.batch * 81u;
  let K = p.cin * 9u;
  let tilesN = (cols + BN - 1u) / BN;
  let tilesM = (p.cout + BM - 1u) / BM;
  let tile = wid.x + wid.y * nwg.x; // workgroup-uniform: the barriers stay in uniform control flow
  if (tile >= tilesN * tilesM) { return; }
  let c0 = (tile % tilesN) * BN;
  let m0 = (tile / tilesN) * BM;

  // Weights: k-fast (w is contiguous along r in the forward layout); every load of this
  // invocation shares one k (lid % 16) and takes output channels lid / 16 + 16s.
  let ak = lid % BK;
  var aOff: array<u32, LOADS>;
  var aOk: array<bool, LOADS>;
  for (var s = 0u; s < LOADS; s++) {
    let o = m0 + lid / BK + 16u * s;
    aOk[s] = o < p.cout;
    aOff[s] = o * p.wStrideOut;
  }
  // Input: position-fast (neighbouring invocations read neighbouring squares); one column per
  // invocation (lid % BN) and k rows lid / BN + BSTEP·s.
  let j = c0 + lid % BN;
  let jOk = j < cols;
  let xs = (j / 81u) * p.cin * 81u; // the sample's first input element
  let qy = (j % 81u) / 9u;
  let qx = j % 9u;
  let bk0 = lid / BN;

  let tx = lid % 16u;
  let ty = lid / 16u;
  var acc: array<array<f32, TT>, TT>; // acc[i][j]: output channel m0 + ty + 16i, position c0 + tx + 16j
  for (var k0 = 0u; k0 < K; k0 += BK) {
    let r = k0 + ak;
    let i = r / 9u;
    let t = r % 9u;
    let wOff = i * p.wStrideIn + select(t, 8u - t, p.flip != 0u);
    for (var s = 0u; s < LOADS; s++) {
      var v = 0.0;
      if (aOk[s] && r < K) { v = w[aOff[s] + wOff]; }
      As[ak * LDS + lid / BK + 16u * s] = v;
    }
    for (var s = 0u; s < LOADS; s++) {
      let kk = bk0 + BSTEP * s;
      let rb = k0 + kk;
      var v = 0.0;
      if (jOk && rb < K) {
        let at = tapIndex(xs, rb / 9u, rb % 9u, qy, qx);
        if (at >= 0) { v = x[at]; }
      }
      Bs[kk * LDS + lid % BN] = v;
    }
    workgroupBarrier();
    accumulateSlice(&acc, tx, ty);
    workgroupBarrier(); // the next slice overwrites the tiles
  }

  for (var i = 0u; i < TT; i++) {
    let o = m0 + ty + 16u * i;
    if (o >= p.cout) { break; }
    let bo = select(0.0, bias[o], p.hasBias != 0u);
    for (var jj = 0u; jj < TT; jj++) {
      let col = c0 + tx + 16u * jj;
      if (col >= cols) { break; }
      let yi = ((col / 81u) * p.cout + o) * 81u + col % 81u;
      var out = acc[i][jj] + bo;
      if (p.accumulate != 0u) { out += y[yi]; }
      y[yi] = out;
    }
  }
}

// ---- weight_grad
@compute @workgroup_size(256)
fn weight_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let R = p.cin * 9u;        // output columns r = 9i + t
  let K = p.batch * 81u;     // reduction over every position of the batch
  let tilesN = (R + BN - 1u) / BN;
  let tilesM = (p.cout + BM - 1u) / BM;
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= tilesN * tilesM) { return; }
  let c0 = (tile % tilesN) * BN;
  let m0 = (tile / tilesN) * BM;

  // Both operands k-fast (dy and x are contiguous along positions): every load of this invocation
  // shares one position j = k0 + lid % 16, and takes rows lid / 16 + 16s.
  let kk = lid % BK;
  var aOk: array<bool, LOADS>;
  var bI: array<u32, LOADS>;
  var bT: array<u32, LOADS>;
  var bOk: array<bool, LOADS>;
  for (var s = 0u; s < LOADS; s++) {
    let row = lid / BK + 16u * s;
    aOk[s] = m0 + row < p.cout;
    let r = c0 + row;
    bOk[s] = r < R;
    bI[s] = r / 9u;
    bT[s] = r % 9u;
  }

  let tx = lid % 16u;
  let ty = lid / 16u;
  var acc: array<array<f32, TT>, TT>; // acc[i][j]: dw[m0 + ty + 16i, c0 + tx + 16j]
  for (var k0 = 0u; k0 < K; k0 += BK) {
    let jp = k0 + kk;
    let jOk = jp < K;
    let n = jp / 81u;
    let q = jp % 81u;
    let dyOff = n * p.cout * 81u + q;
    let xs = n * p.cin * 81u;
    for (var s = 0u; s < LOADS; s++) {
      let row = lid / BK + 16u * s;
      var va = 0.0;
      if (aOk[s] && jOk) { va = wg_dy[dyOff + (m0 + row) * 81u]; }
      As[kk * LDS + row] = va;
      var vb = 0.0;
      if (bOk[s] && jOk) {
        let at = tapIndex(xs, bI[s], bT[s], q / 9u, q % 9u);
        if (at >= 0) { vb = wg_x[at]; }
      }
      Bs[kk * LDS + row] = vb;
    }
    workgroupBarrier();
    accumulateSlice(&acc, tx, ty);
    workgroupBarrier();
  }

  for (var i = 0u; i < TT; i++) {
    let o = m0 + ty + 16u * i;
    if (o >= p.cout) { break; }
    for (var jj = 0u; jj < TT; jj++) {
      let r = c0 + tx + 16u * jj;
      if (r >= R) { break; }
      let di = o * R + r;
      var out = acc[i][jj];
      if (p.accumulate != 0u) { out += wg_dw[di]; }
      wg_dw[di] = out;
    }
  }
}
