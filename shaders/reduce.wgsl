// Small reductions and broadcasts over [outer, channels, inner] layouts.
//
// channel_sum:   out[c] (+)= scale · Σ_{o < outer} Σ_{q < inner} x[(o·channels + c)·inner + q]
//                (bias gradients: conv inner = 81, Linear inner = 1). One invocation per channel.
// row_mean:      out[r] = scale · Σ_{q < inner} x[r·inner + q] for r < outer·channels
//                (the squeeze-excitation global average pool: scale = 1/81). One invocation per row.
// broadcast_add: y[r·inner + q] += scale · v[r] (row_mean's backward). One invocation per element.

struct Params {
  outer: u32,
  channels: u32,
  inner: u32,
  scale: f32,
  accumulate: u32,  // channel_sum: 1 = add into out
}
@group(0) @binding(0) var<uniform> p: Params;

// ---- channel_sum
@group(0) @binding(1) var<storage, read> cs_x: array<f32>;          // x: [outer, channels, inner]
@group(0) @binding(2) var<storage, read_write> cs_out: array<f32>;  // out: [channels]

@compute @workgroup_size(64)
fn channel_sum(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.channels) { return; }
  var s = 0.0;
  for (var o = 0u; o < p.outer; o++) {
    let base = (o * p.channels + c) * p.inner;
    for (var q = 0u; q < p.inner; q++) { s += cs_x[base + q]; }
  }
  var v = p.scale * s;
  if (p.accumulate != 0u) { v += cs_out[c]; }
  cs_out[c] = v;
}

// ---- row_mean
@group(0) @binding(1) var<storage, read> rm_x: array<f32>;          // x: [outer·channels, inner]
@group(0) @binding(2) var<storage, read_write> rm_out: array<f32>;  // out: [outer·channels]

@compute @workgroup_size(64)
fn row_mean(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * 64u;
  if (r >= p.outer * p.channels) { return; }
  var s = 0.0;
  for (var q = 0u; q < p.inner; q++) { s += rm_x[r * p.inner + q]; }
  rm_out[r] = p.scale * s;
}

// ---- broadcast_add
@group(0) @binding(1) var<storage, read> ba_v: array<f32>;          // v: [outer·channels]
@group(0) @binding(2) var<storage, read_write> ba_y: array<f32>;    // y: [outer·channels, inner]

@compute @workgroup_size(64)
fn broadcast_add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.outer * p.channels * p.inner) { return; }
  ba_y[i] += p.scale * ba_v[i / p.inner];
}
