// 3×3 convolution, padding 1, stride 1, on 9×9 boards, NCHW, as an implicit GEMM.
//
// conv: y[n, o, r, c] = bias[o] + Σ_i Σ_{ky,kx} w[o, i, ky, kx] · x[n, i, r + ky − 1, c + kx − 1]
//   Forward:       w is PyTorch's [Cout, Cin, 3, 3]:  wStrideOut = Cin·9, wStrideIn = 9, flip = 0.
//   Backward-data: dx = conv(dy, w') with w'[i, o, t] = w[o, i, 8 − t], i.e. the same weights read
//                  transposed and flipped: cin := Cout, cout := Cin, wStrideOut = 9,
//                  wStrideIn = Cin·9, flip = 1, hasBias = 0.
//   Register-blocked (dev/conv/02-row8-loops.wgsl won the sweep): one invocation computes one board
//   row (9 columns) of CB = 8 output channels, 72 accumulators. Per (input channel, kernel row) it
//   loads 9 inputs and 24 weights and does 216 FMAs; no workgroup memory. Consecutive invocations
//   take consecutive rows (n, r) of the same channel block.
//
// weight_grad: dw[o, i, ky, kx] (+)= Σ_{n, r, c} dy[n, o, r, c] · x[n, i, r + ky − 1, c + kx − 1]
//   One invocation per (block of 8 output channels, input channel): 8 × 9 accumulators, looping
//   over the batch and the board rows. The bias gradient is reduce.channel_sum over dy.

// Params, p and each entry point's bindings: conv3x3-interface.wgsl, joined in front of this file.

const CB: u32 = 8u; // output channels per invocation

// ---- conv (forward and backward-data)
@compute @workgroup_size(64)
fn conv(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  let rows = p.batch * 9u;
  let blocks = (p.cout + CB - 1u) / CB;
  if (t >= rows * blocks) { return; }
  let row = t % rows;
  let o0 = (t / rows) * CB;
  let n = row / 9u;
  let r = row % 9u;
  var acc: array<array<f32, 9>, CB>; // acc[j][c]: output channel o0 + j, column c
  for (var i = 0u; i < p.cin; i++) {
    for (var ky = 0u; ky < 3u; ky++) {
      let ir = i32(r) + i32(ky) - 1;
      if (ir < 0 || ir > 8) { continue; }
      // v[c + 1] = input row, v[0] = v[10] = 0 (the padding)
      let xb = ((n * p.cin + i) * 9u + u32(ir)) * 9u;
      var v: array<f32, 11>;
      for (var c = 0u; c < 9u; c++) { v[c + 1u] = x[xb + c]; }
      for (var j = 0u; j < CB; j++) {
        let o = min(o0 + j, p.cout - 1u); // a tail block repeats the last channel; not stored
        let wb = o * p.wStrideOut + i * p.wStrideIn;
        for (var kx = 0u; kx < 3u; kx++) {
          let tap = ky * 3u + kx;
          let wv = w[wb + select(tap, 8u - tap, p.flip != 0u)];
          for (var c = 0u; c < 9u; c++) { acc[j][c] += wv * v[c + kx]; }
        }
      }
    }
  }
  for (var j = 0u; j < CB; j++) {
    let o = o0 + j;
    if (o >= p.cout) { break; }
    let b = select(0.0, bias[o], p.hasBias != 0u);
    let yb = ((n * p.cout + o) * 9u + r) * 9u;
    for (var c = 0u; c < 9u; c++) {
      var out = acc[j][c] + b;
      if (p.accumulate != 0u) { out += y[yb + c]; }
      y[yb + c] = out;
    }
  }
}

// ---- weight_grad
@compute @workgroup_size(64)
fn weight_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  let blocks = (p.cout + CB - 1u) / CB;
  if (t >= p.cin * blocks) { return; }
  let i = t % p.cin;
  let o0 = (t / p.cin) * CB;
  var acc: array<array<f32, 9>, CB>; // acc[j][tap]: dw[o0 + j, i, tap]
  for (var n = 0u; n < p.batch; n++) {
    for (var r = 0u; r < 9u; r++) {
      // v[ky][c + 1] = x[n, i, r + ky − 1, c], zero outside the board
      var v: array<array<f32, 11>, 3>;
      for (var ky = 0u; ky < 3u; ky++) {
        let ir = i32(r) + i32(ky) - 1;
        if (ir < 0 || ir > 8) {
          v[ky] = array<f32, 11>();
          continue;
        }
        let xb = ((n * p.cin + i) * 9u + u32(ir)) * 9u;
        for (var c = 0u; c < 9u; c++) { v[ky][c + 1u] = wg_x[xb + c]; }
      }
      for (var j = 0u; j < CB; j++) {
        let o = min(o0 + j, p.cout - 1u);
        let db = ((n * p.cout + o) * 9u + r) * 9u;
        var d: array<f32, 9>;
        for (var c = 0u; c < 9u; c++) { d[c] = wg_dy[db + c]; }
        for (var ky = 0u; ky < 3u; ky++) {
          for (var kx = 0u; kx < 3u; kx++) {
            var s = 0.0;
            for (var c = 0u; c < 9u; c++) { s += d[c] * v[ky][c + kx]; }
            acc[j][ky * 3u + kx] += s;
          }
        }
      }
    }
  }
  for (var j = 0u; j < CB; j++) {
    let o = o0 + j;
    if (o >= p.cout) { break; }
    let wb = (o * p.cin + i) * 9u;
    for (var tap = 0u; tap < 9u; tap++) {
      var out = acc[j][tap];
      if (p.accumulate != 0u) { out += wg_dw[wb + tap]; }
      wg_dw[wb + tap] = out;
    }
  }
}
