// channel_sum_long: reduce.wgsl's channel_sum, out[c] (+)= scale · Σ_{o < outer} Σ_{q < inner}
// x[(o·channels + c)·inner + q], for long sums (a conv layer's bias gradient: outer = batch, inner =
// 81). One workgroup per channel, c = wid.x + wid.y·nwg.x (grid1d): its WG invocations stride over
// the outer·inner terms, then one workgroup reduction (workgroup-reduce.wgsl, joined in front).

struct Params {
  outer: u32,
  channels: u32,
  inner: u32,
  scale: f32,
  accumulate: u32,  // 1 = add into out
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;          // x: [outer, channels, inner]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // out: [channels]

@compute @workgroup_size(WG)
fn channel_sum_long(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x + wid.y * nwg.x;
  if (c >= p.channels) { return; } // uniform: the whole workgroup leaves together
  var s = 0.0;
  for (var i = lid; i < p.outer * p.inner; i += WG) {
    let o = i / p.inner;
    s += x[(o * p.channels + c) * p.inner + (i - o * p.inner)];
  }
  let total = sumAll(s, lid);
  if (lid == 0u) {
    var v = p.scale * total;
    if (p.accumulate != 0u) { v += out[c]; }
    out[c] = v;
  }
}
