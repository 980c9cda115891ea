// Strided, batched matrix multiply, workgroup-tiled variant for real GPUs (style "tiled"; the
// register-blocked shaders/gemm.wgsl serves CPU adapters). Same bindings, uniforms and result:
//
//   C_b[m, n] = act(Σ_k A_b[m, k] · B_b[k, n] + bias) (+ C_b[m, n] when accumulate)
//
// with every operand addressed through element strides (see shaders/gemm.wgsl for the uses).
//
// Classic shared-memory GEMM: a workgroup of 256 invocations (16 × 16) owns a BM × BN = T × T
// tile of C (T = 32 or 64: tile.wgsl). Per K-slice of BK = 16 it stages A[T × 16] and B[16 × T] in
// workgroup memory (T/16 loads per invocation per operand, zero outside the matrices), then each
// invocation accumulates a TT × TT micro-tile in registers. Micro-tile rows and columns are strided by 16 (ty + 16i,
// tx + 16j), so neighbouring invocations read neighbouring shared words and store neighbouring
// elements of C (coalesced when sCn = 1).
//
// Batches: when A is shared (sAb = 0) and the batch is not summed, the batch is folded into the
// columns (column = b·n + n'), so a 1×1 convolution's 81 positions per sample do not each waste
// most of a wide tile. Otherwise the batch is a grid dimension, or (sumBatch = 1) a loop
// around the K loop.
//
// Not done: subgroup operations in the GEMM itself (subgroup sizes differ per vendor: 8 on
// lavapipe, 32 NVIDIA, 64 AMD), vec4 loads (strides are arbitrary), and double-buffered tiles.
// Candidates for the next variant, to be measured on a real GPU (bench/gpu.sh).

// Params, p, a, b, bias, c: gemm-interface.wgsl; BM, BN, BK, TT, LOADS, LDS, As, Bs, accumulateSlice:
// tile.wgsl (with kernels/tile.ts's header of tile-size constants). All are joined in front of this file.

@compute @workgroup_size(256)
fn gemm(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let flat = p.sumBatch == 0u && p.sAb == 0u;
  let cols = select(p.n, p.batch * p.n, flat);
  let gridBatch = select(p.batch, 1u, flat || p.sumBatch != 0u);
  let tilesN = (cols + BN - 1u) / BN;
  let tilesM = (p.m + BM - 1u) / BM;
  let tile = wid.x + wid.y * nwg.x; // workgroup-uniform, so the barriers below are in uniform control flow
  if (tile >= tilesN * tilesM * gridBatch) { return; }
  let c0 = (tile % tilesN) * BN;
  let m0 = ((tile / tilesN) % tilesM) * BM;
  let bat = tile / (tilesN * tilesM);

  // What this invocation stages, fixed for the whole K loop. Loads run along whichever of the
  // operand's dimensions is contiguous in memory, so a warp reads consecutive addresses.
  let aKFast = p.sAk == 1u;
  let bKFast = p.sBk == 1u && p.sBn != 1u;
  var aK: array<u32, LOADS>;
  var aS: array<u32, LOADS>; // shared-memory slot kk·LDS + mm
  var aOff: array<u32, LOADS>;
  var aOk: array<bool, LOADS>;
  var bK: array<u32, LOADS>;
  var bS: array<u32, LOADS>;
  var bOff: array<u32, LOADS>;
  var bOk: array<bool, LOADS>;
  for (var s = 0u; s < LOADS; s++) {
    let l = lid + 256u * s;
    let ak = select(l / BM, l % BK, aKFast);
    let am = select(l % BM, l / BK, aKFast);
    aK[s] = ak;
    aS[s] = ak * LDS + am;
    aOk[s] = m0 + am < p.m;
    aOff[s] = (m0 + am) * p.sAm;
    let bk = select(l / BN, l % BK, bKFast);
    let bn = select(l % BN, l / BK, bKFast);
    let j = c0 + bn; // column; in folded mode j / n is the sample
    bK[s] = bk;
    bS[s] = bk * LDS + bn;
    bOk[s] = j < cols;
    bOff[s] = (j / p.n) * p.sBb + (j % p.n) * p.sBn;
  }

  let tx = lid % 16u;
  let ty = lid / 16u;
  var acc: array<array<f32, TT>, TT>; // acc[i][j]: row m0 + ty + 16i, column c0 + tx + 16j
  let b0 = select(bat, 0u, p.sumBatch != 0u);
  let b1 = select(bat + 1u, p.batch, p.sumBatch != 0u);
  for (var bb = b0; bb < b1; bb++) {
    let aBase = bb * p.sAb;
    let bBase = bb * p.sBb;
    for (var k0 = 0u; k0 < p.k; k0 += BK) {
      for (var s = 0u; s < LOADS; s++) {
        let ka = k0 + aK[s];
        var va = 0.0;
        if (aOk[s] && ka < p.k) { va = a[aBase + aOff[s] + ka * p.sAk]; }
        As[aS[s]] = va;
        let kb = k0 + bK[s];
        var vb = 0.0;
        if (bOk[s] && kb < p.k) { vb = b[bBase + bOff[s] + kb * p.sBk]; }
        Bs[bS[s]] = vb;
      }
      workgroupBarrier();
      accumulateSlice(&acc, tx, ty);
      workgroupBarrier(); // the next slice overwrites the tiles
    }
  }

  for (var i = 0u; i < TT; i++) {
    let m = m0 + ty + 16u * i;
    if (m >= p.m) { break; }
    for (var j = 0u; j < TT; j++) {
      let col = c0 + tx + 16u * j;
      if (col >= cols) { break; }
      let n = col % p.n;
      var v = acc[i][j];
      if (p.biasMode == 1u) { v += bias[n]; }
      if (p.biasMode == 2u) { v += bias[m]; }
      if (p.act == 1u) { v = max(v, 0.0); }
      if (p.act == 2u) { v = 1.0 / (1.0 + exp(-v)); }
      let ci = (bat + col / p.n) * p.sCb + m * p.sCm + n * p.sCn;
      if (p.accumulate != 0u) { v += c[ci]; }
      c[ci] = v;
    }
  }
}
