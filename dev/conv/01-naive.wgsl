// 01 naive: one invocation per output element, looping over Cin·9. The baseline.
struct Params { batch: u32, cin: u32, cout: u32, wStrideOut: u32, wStrideIn: u32, flip: u32, hasBias: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;        // x: [N, Cin, 9, 9]
@group(0) @binding(2) var<storage, read> w: array<f32>;        // w: [Cout, Cin, 3, 3] (strided)
@group(0) @binding(3) var<storage, read> b: array<f32>;        // b: [Cout]
@group(0) @binding(4) var<storage, read_write> y: array<f32>;  // y: [N, Cout, 9, 9]

@compute @workgroup_size(64)
fn conv(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.batch * p.cout * 81u) { return; }
  let pos = i % 81u;
  let co = (i / 81u) % p.cout;
  let n = i / (81u * p.cout);
  let yy = i32(pos / 9u);
  let xx = i32(pos % 9u);
  var acc = 0.0;
  for (var ci = 0u; ci < p.cin; ci++) {
    for (var k = 0u; k < 9u; k++) {
      let iy = yy + i32(k / 3u) - 1;
      let ix = xx + i32(k % 3u) - 1;
      if (iy >= 0 && iy < 9 && ix >= 0 && ix < 9) {
        let kk = select(k, 8u - k, p.flip != 0u);
        acc += w[co * p.wStrideOut + ci * p.wStrideIn + kk] * x[(n * p.cin + ci) * 81u + u32(iy * 9 + ix)];
      }
    }
  }
  if (p.hasBias != 0u) { acc += b[co]; }
  if (p.accumulate != 0u) { acc += y[i]; }
  y[i] = acc;
}
