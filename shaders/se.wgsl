// Squeeze-excitation: the channel scaling and the residual join of a residual block.
// (Pooling is reduce.row_mean, the two 1×1 "fc" layers are gemm with ReLU / sigmoid fused.)
//
// scale_add_relu: out = ReLU(x · g[n, c] + skip)   (SE scale, residual add, ReLU in one pass)
// scale_backward: with gm = dout masked by out > 0 (the ReLU's backward):
//     dskip = gm                                  (the residual branch)
//     dx    = gm · g[n, c]
//     dz[n, c] = (Σ_q gm · x) · g · (1 − g)       (through the sigmoid: dLoss/d(fc2 pre-activation))
//   One invocation per (n, c), looping over the 81 squares.

struct Params {
  batch: u32,
  channels: u32,
}
@group(0) @binding(0) var<uniform> p: Params;

// ---- scale_add_relu
@group(0) @binding(1) var<storage, read> x: array<f32>;            // x: [N, C, 9, 9]
@group(0) @binding(2) var<storage, read> g: array<f32>;            // g: [N, C] (sigmoid gates)
@group(0) @binding(3) var<storage, read> skip: array<f32>;         // skip: [N, C, 9, 9]
@group(0) @binding(4) var<storage, read_write> out: array<f32>;    // out: [N, C, 9, 9]

@compute @workgroup_size(64)
fn scale_add_relu(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.batch * p.channels * 81u) { return; }
  out[i] = max(x[i] * g[i / 81u] + skip[i], 0.0);
}

// ---- scale_backward
@group(0) @binding(1) var<storage, read> sb_dout: array<f32>;        // dout: [N, C, 9, 9]
@group(0) @binding(2) var<storage, read> sb_out: array<f32>;         // out: [N, C, 9, 9] (forward output)
@group(0) @binding(3) var<storage, read> sb_x: array<f32>;           // x: [N, C, 9, 9] (forward input)
@group(0) @binding(4) var<storage, read> sb_g: array<f32>;           // g: [N, C]
@group(0) @binding(5) var<storage, read_write> sb_dskip: array<f32>; // dskip: [N, C, 9, 9]
@group(0) @binding(6) var<storage, read_write> sb_dx: array<f32>;    // dx: [N, C, 9, 9]
@group(0) @binding(7) var<storage, read_write> sb_dz: array<f32>;    // dz: [N, C]

@compute @workgroup_size(64)
fn scale_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * 64u;
  if (r >= p.batch * p.channels) { return; }
  let gate = sb_g[r];
  var s = 0.0;
  for (var q = 0u; q < 81u; q++) {
    let i = r * 81u + q;
    let gm = select(0.0, sb_dout[i], sb_out[i] > 0.0);
    sb_dskip[i] = gm;
    sb_dx[i] = gm * gate;
    s += gm * sb_x[i];
  }
  sb_dz[r] = s * gate * (1.0 - gate);
}
