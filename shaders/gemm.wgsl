// Strided, batched matrix multiply: the one kernel behind Linear and 1×1 convolutions.
//
//   C_b[m, n] = act(Σ_k A_b[m, k] · B_b[k, n] + bias) (+ C_b[m, n] when accumulate)
//
// Every operand is addressed through element strides (A_b[m, k] = a[b·sAb + m·sAm + k·sAk], …),
// so transposes are free: Linear forward (y = x·Wᵀ + b), backward-data (dx = dy·W),
// backward-weight (dW += dyᵀ·x), and 1×1 convolutions per sample (y[n] = W·x[n] + b) are all
// this kernel with different strides (src/compute/ops.ts). With sumBatch = 1 the batch is summed
// into one C (the 1×1 convolution's weight gradient over the batch).
//
// Register-blocked: each invocation computes an 8×8 tile of C with 64 accumulators; no workgroup
// memory (the fast form on CPU adapters, anchors §4). Tail tiles clamp their loads and skip stores.

// Params, p, a, b, bias, c: gemm-interface.wgsl, joined in front of this file.

const TM: u32 = 8u;
const TN: u32 = 8u;

@compute @workgroup_size(64)
fn gemm(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  let tilesN = (p.n + TN - 1u) / TN;
  let tilesM = (p.m + TM - 1u) / TM;
  let gridBatch = select(p.batch, 1u, p.sumBatch != 0u);
  if (t >= tilesN * tilesM * gridBatch) { return; }
  let n0 = (t % tilesN) * TN;
  let m0 = ((t / tilesN) % tilesM) * TM;
  let bat = t / (tilesN * tilesM);
  // Clamped row/column offsets: tail tiles recompute the last row/column and do not store it.
  var aRow: array<u32, TM>;
  var bCol: array<u32, TN>;
  for (var i = 0u; i < TM; i++) { aRow[i] = min(m0 + i, p.m - 1u) * p.sAm; }
  for (var j = 0u; j < TN; j++) { bCol[j] = min(n0 + j, p.n - 1u) * p.sBn; }
  var acc: array<array<f32, TN>, TM>;
  let b0 = select(bat, 0u, p.sumBatch != 0u);
  let b1 = select(bat + 1u, p.batch, p.sumBatch != 0u);
  for (var bb = b0; bb < b1; bb++) {
    let aBase = bb * p.sAb;
    let bBase = bb * p.sBb;
    for (var kk = 0u; kk < p.k; kk++) {
      var av: array<f32, TM>;
      var bv: array<f32, TN>;
      for (var i = 0u; i < TM; i++) { av[i] = a[aBase + aRow[i] + kk * p.sAk]; }
      for (var j = 0u; j < TN; j++) { bv[j] = b[bBase + kk * p.sBk + bCol[j]]; }
      for (var i = 0u; i < TM; i++) {
        for (var j = 0u; j < TN; j++) { acc[i][j] += av[i] * bv[j]; }
      }
    }
  }
  for (var i = 0u; i < TM; i++) {
    let m = m0 + i;
    if (m >= p.m) { break; }
    for (var j = 0u; j < TN; j++) {
      let n = n0 + j;
      if (n >= p.n) { break; }
      var v = acc[i][j];
      if (p.biasMode == 1u) { v += bias[n]; }
      if (p.biasMode == 2u) { v += bias[m]; }
      if (p.act == 1u) { v = max(v, 0.0); }
      if (p.act == 2u) { v = 1.0 / (1.0 + exp(-v)); }
      let ci = bat * p.sCb + m * p.sCm + n * p.sCn;
      if (p.accumulate != 0u) { v += c[ci]; }
      c[ci] = v;
    }
  }
}
