// Optimizer step and gradient-norm clipping over the flat parameter / gradient buffers.
//
// sumsq_partial + clip_factor: the global L2 norm of the gradients and PyTorch's clip_grad_norm_
//   factor min(1, maxNorm / (norm + 1e-6)), left on the device in clip = [norm, factor]: nothing
//   is read back. (maxNorm ≤ 0 disables clipping: factor 1.)
// adam: one element per invocation, PyTorch semantics. With g = grad · (useClip ? clip[1] : 1):
//   Adam  (decoupled = 0): g += weightDecay·p
//   AdamW (decoupled = 1): p *= 1 − lr·weightDecay
//   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
//   p −= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),   bc = 1 − β^t (given by the host)
// scale_by: grad *= clip[1] (clips the gradients in place, when they are wanted clipped).

struct Params {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  decoupled: u32,
  useClip: u32,
  bc1: f32,
  bc2: f32,
  partials: u32,  // number of sumsq_partial workgroups
  maxNorm: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

// WG and the workgroup reductions (sumAll, …): workgroup-reduce.wgsl, joined in front of this file.

// ---- adam
@group(0) @binding(1) var<storage, read_write> param: array<f32>;  // param: [n]
@group(0) @binding(2) var<storage, read> grad: array<f32>;         // grad: [n]
@group(0) @binding(3) var<storage, read_write> m1: array<f32>;     // m: [n] first moment
@group(0) @binding(4) var<storage, read_write> m2: array<f32>;     // v: [n] second moment
@group(0) @binding(5) var<storage, read> clip: array<f32>;         // clip: [2] = norm, factor

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  var g = grad[i];
  if (p.useClip != 0u) { g *= clip[1]; }
  var w = param[i];
  if (p.decoupled != 0u) { w *= 1.0 - p.lr * p.weightDecay; } else { g += p.weightDecay * w; }
  let m = p.beta1 * m1[i] + (1.0 - p.beta1) * g;
  let v = p.beta2 * m2[i] + (1.0 - p.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  param[i] = w - (p.lr / p.bc1) * m / (sqrt(v) / sqrt(p.bc2) + p.eps);
}

// ---- sumsq_partial: partials[w] = Σ grad² over the elements of workgroup w's stride
@group(0) @binding(1) var<storage, read> sq_grad: array<f32>;           // grad: [n]
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;    // partials: [partials]

@compute @workgroup_size(WG)
fn sumsq_partial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let lid = lid3.x;
  var s = 0.0;
  for (var i = wid.x * WG + lid; i < p.n; i += p.partials * WG) {
    let g = sq_grad[i];
    s += g * g;
  }
  let total = sumAll(s, lid);
  if (lid == 0u) { partials[wid.x] = total; }
}

// ---- clip_factor: clip = [norm, factor]
@group(0) @binding(1) var<storage, read> cf_partials: array<f32>;       // partials: [partials]
@group(0) @binding(2) var<storage, read_write> cf_clip: array<f32>;     // clip: [2]

@compute @workgroup_size(WG)
fn clip_factor(@builtin(local_invocation_id) lid3: vec3u) {
  let lid = lid3.x;
  var s = 0.0;
  for (var i = lid; i < p.partials; i += WG) { s += cf_partials[i]; }
  let norm = sqrt(sumAll(s, lid));
  if (lid == 0u) {
    cf_clip[0] = norm;
    cf_clip[1] = select(1.0, min(1.0, p.maxNorm / (norm + 1e-6)), p.maxNorm > 0.0);
  }
}

// ---- scale_by: grad *= clip[1]
@group(0) @binding(1) var<storage, read_write> sb_grad: array<f32>;     // grad: [n]
@group(0) @binding(2) var<storage, read> sb_clip: array<f32>;           // clip: [2]

@compute @workgroup_size(WG)
fn scale_by(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.n) { sb_grad[i] *= sb_clip[1]; }
}
