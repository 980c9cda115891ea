// Batch normalisation over [N, C, 9, 9] with per-channel statistics over N·81 values, optionally
// fused with the ReLU that follows it (PyTorch BatchNorm2d semantics, eps and momentum given).
//
// forward_train: one workgroup per channel. Mean, then biased variance by a second pass over the
//   channel (exact two-pass, not E[x²] − E[x]²); saved = [mean | invStd] for backward; running
//   stats updated with momentum and the UNBIASED variance (var·cnt/(cnt − 1)) as PyTorch does.
// forward_infer: elementwise with the running statistics.
// forward_frozen: forward_infer's arithmetic (same y, bit for bit), plus saved = [runMean | invStd]
//   (invStd = 1/√(runVar + eps)) for backward_frozen: training through the inference function.
//   The running statistics are read, never written.
// backward: one workgroup per channel. With g = dy (masked by y > 0 when ReLU is fused) and
//   xhat = (x − mean)·invStd:
//     dbeta += Σ g,  dgamma += Σ g·xhat,  dx = gamma·invStd·(g − mean(g) − xhat·mean(g·xhat)).
// backward_frozen: the backward of forward_frozen: the statistics are constants, so with the same
//   g and xhat = (x − saved mean)·invStd:  dbeta += Σ g,  dgamma += Σ g·xhat,  dx = gamma·invStd·g.

struct Params {
  batch: u32,
  channels: u32,
  eps: f32,
  momentum: f32,
  relu: u32,        // 1: ReLU fused after the normalisation
  accumulate: u32,  // backward: 1 = dx += …
}
@group(0) @binding(0) var<uniform> p: Params;

// WG and the workgroup reductions (sumAll, …): workgroup-reduce.wgsl, joined in front of this file.

fn at(n: u32, c: u32, q: u32) -> u32 { return (n * p.channels + c) * 81u + q; }

// ---- forward_train
@group(0) @binding(1) var<storage, read> x: array<f32>;             // x: [N, C, 9, 9]
@group(0) @binding(2) var<storage, read> gamma: array<f32>;         // gamma: [C]
@group(0) @binding(3) var<storage, read> beta: array<f32>;          // beta: [C]
@group(0) @binding(4) var<storage, read_write> runMean: array<f32>; // runMean: [C]
@group(0) @binding(5) var<storage, read_write> runVar: array<f32>;  // runVar: [C]
@group(0) @binding(6) var<storage, read_write> saved: array<f32>;   // saved: [2, C] = mean, invStd
@group(0) @binding(7) var<storage, read_write> y: array<f32>;       // y: [N, C, 9, 9]

@compute @workgroup_size(WG)
fn forward_train(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let c = wid.x;
  let lid = lid3.x;
  let cnt = p.batch * 81u;
  var s = 0.0;
  for (var e = lid; e < cnt; e += WG) { s += x[at(e / 81u, c, e % 81u)]; }
  let mean = sumAll(s, lid) / f32(cnt);
  var s2 = 0.0;
  for (var e = lid; e < cnt; e += WG) {
    let d = x[at(e / 81u, c, e % 81u)] - mean;
    s2 += d * d;
  }
  let variance = sumAll(s2, lid) / f32(cnt);
  let invStd = 1.0 / sqrt(variance + p.eps);
  let scale = gamma[c] * invStd;
  let shift = beta[c] - mean * scale;
  for (var e = lid; e < cnt; e += WG) {
    let i = at(e / 81u, c, e % 81u);
    var v = x[i] * scale + shift;
    if (p.relu != 0u) { v = max(v, 0.0); }
    y[i] = v;
  }
  if (lid == 0u) {
    saved[c] = mean;
    saved[p.channels + c] = invStd;
    let unbiased = variance * f32(cnt) / f32(max(cnt, 2u) - 1u);
    runMean[c] = (1.0 - p.momentum) * runMean[c] + p.momentum * mean;
    runVar[c] = (1.0 - p.momentum) * runVar[c] + p.momentum * unbiased;
  }
}

// ---- forward_infer
@group(0) @binding(1) var<storage, read> fi_x: array<f32>;          // x: [N, C, 9, 9]
@group(0) @binding(2) var<storage, read> fi_gamma: array<f32>;      // gamma: [C]
@group(0) @binding(3) var<storage, read> fi_beta: array<f32>;       // beta: [C]
@group(0) @binding(4) var<storage, read> fi_runMean: array<f32>;    // runMean: [C]
@group(0) @binding(5) var<storage, read> fi_runVar: array<f32>;     // runVar: [C]
@group(0) @binding(6) var<storage, read_write> fi_y: array<f32>;    // y: [N, C, 9, 9]

@compute @workgroup_size(WG)
fn forward_infer(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.batch * p.channels * 81u) { return; }
  let c = (i / 81u) % p.channels;
  let scale = fi_gamma[c] / sqrt(fi_runVar[c] + p.eps);
  var v = (fi_x[i] - fi_runMean[c]) * scale + fi_beta[c];
  if (p.relu != 0u) { v = max(v, 0.0); }
  fi_y[i] = v;
}

// ---- backward
@group(0) @binding(1) var<storage, read> bw_x: array<f32>;          // x: [N, C, 9, 9] (the forward input)
@group(0) @binding(2) var<storage, read> bw_y: array<f32>;          // y: [N, C, 9, 9] (the forward output; ReLU mask)
@group(0) @binding(3) var<storage, read> bw_dy: array<f32>;         // dy: [N, C, 9, 9]
@group(0) @binding(4) var<storage, read> bw_gamma: array<f32>;      // gamma: [C]
@group(0) @binding(5) var<storage, read> bw_saved: array<f32>;      // saved: [2, C] from forward_train
@group(0) @binding(6) var<storage, read_write> bw_dx: array<f32>;   // dx: [N, C, 9, 9]
@group(0) @binding(7) var<storage, read_write> dgamma: array<f32>;  // dgamma: [C] (accumulated)
@group(0) @binding(8) var<storage, read_write> dbeta: array<f32>;   // dbeta: [C] (accumulated)

fn maskedGrad(i: u32) -> f32 {
  return select(bw_dy[i], select(0.0, bw_dy[i], bw_y[i] > 0.0), p.relu != 0u);
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let c = wid.x;
  let lid = lid3.x;
  let cnt = p.batch * 81u;
  let mean = bw_saved[c];
  let invStd = bw_saved[p.channels + c];
  var sg = 0.0;
  var sgx = 0.0;
  for (var e = lid; e < cnt; e += WG) {
    let i = at(e / 81u, c, e % 81u);
    let g = maskedGrad(i);
    sg += g;
    sgx += g * (bw_x[i] - mean) * invStd;
  }
  let sumG = sumAll(sg, lid);
  let sumGX = sumAll(sgx, lid);
  let meanG = sumG / f32(cnt);
  let meanGX = sumGX / f32(cnt);
  let k = bw_gamma[c] * invStd;
  for (var e = lid; e < cnt; e += WG) {
    let i = at(e / 81u, c, e % 81u);
    let xhat = (bw_x[i] - mean) * invStd;
    var v = k * (maskedGrad(i) - meanG - xhat * meanGX);
    if (p.accumulate != 0u) { v += bw_dx[i]; }
    bw_dx[i] = v;
  }
  if (lid == 0u) {
    dgamma[c] += sumGX;
    dbeta[c] += sumG;
  }
}

// ---- forward_frozen
@group(0) @binding(1) var<storage, read> fz_x: array<f32>;          // x: [N, C, 9, 9]
@group(0) @binding(2) var<storage, read> fz_gamma: array<f32>;      // gamma: [C]
@group(0) @binding(3) var<storage, read> fz_beta: array<f32>;       // beta: [C]
@group(0) @binding(4) var<storage, read> fz_runMean: array<f32>;    // runMean: [C]
@group(0) @binding(5) var<storage, read> fz_runVar: array<f32>;     // runVar: [C]
@group(0) @binding(6) var<storage, read_write> fz_saved: array<f32>; // saved: [2, C] = runMean, invStd
@group(0) @binding(7) var<storage, read_write> fz_y: array<f32>;    // y: [N, C, 9, 9]

@compute @workgroup_size(WG)
fn forward_frozen(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.channels) {
    fz_saved[i] = fz_runMean[i];
    fz_saved[p.channels + i] = 1.0 / sqrt(fz_runVar[i] + p.eps);
  }
  if (i >= p.batch * p.channels * 81u) { return; }
  let c = (i / 81u) % p.channels;
  let scale = fz_gamma[c] / sqrt(fz_runVar[c] + p.eps); // as forward_infer, so that y matches it exactly
  var v = (fz_x[i] - fz_runMean[c]) * scale + fz_beta[c];
  if (p.relu != 0u) { v = max(v, 0.0); }
  fz_y[i] = v;
}

// ---- backward_frozen: the same bindings as backward (bw_*; saved comes from forward_frozen)
@compute @workgroup_size(WG)
fn backward_frozen(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let c = wid.x;
  let lid = lid3.x;
  let cnt = p.batch * 81u;
  let mean = bw_saved[c];
  let invStd = bw_saved[p.channels + c];
  let k = bw_gamma[c] * invStd;
  var sg = 0.0;
  var sgx = 0.0;
  for (var e = lid; e < cnt; e += WG) {
    let i = at(e / 81u, c, e % 81u);
    let g = maskedGrad(i);
    sg += g;
    sgx += g * (bw_x[i] - mean) * invStd;
    var v = k * g;
    if (p.accumulate != 0u) { v += bw_dx[i]; }
    bw_dx[i] = v;
  }
  let sumG = sumAll(sg, lid);
  let sumGX = sumAll(sgx, lid);
  if (lid == 0u) {
    dgamma[c] += sumGX;
    dbeta[c] += sumG;
  }
}
