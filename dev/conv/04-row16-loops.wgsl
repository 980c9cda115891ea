// 04 as 02 with 16 output channels per invocation (144 accumulators).
// accumulators, written with loops over constant bounds (left to the compiler to unroll).
// Per (ci, ky): 9 input loads and 24 weight loads feed 216 FMAs.
struct Params { batch: u32, cin: u32, cout: u32, wStrideOut: u32, wStrideIn: u32, flip: u32, hasBias: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;        // x: [N, Cin, 9, 9]
@group(0) @binding(2) var<storage, read> w: array<f32>;        // w: [Cout, Cin, 3, 3] (strided)
@group(0) @binding(3) var<storage, read> b: array<f32>;        // b: [Cout]
@group(0) @binding(4) var<storage, read_write> y: array<f32>;  // y: [N, Cout, 9, 9]

const CB: u32 = 16u;

@compute @workgroup_size(64)
fn conv(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * 64u;
  let rows = p.batch * 9u;
  let blocks = (p.cout + CB - 1u) / CB;
  if (t >= rows * blocks) { return; }
  let row = t % rows;
  let co0 = (t / rows) * CB;
  let n = row / 9u;
  let yy = row % 9u;
  var acc: array<array<f32, 9>, CB>;
  for (var ci = 0u; ci < p.cin; ci++) {
    for (var ky = 0u; ky < 3u; ky++) {
      let iy = i32(yy) + i32(ky) - 1;
      if (iy < 0 || iy > 8) { continue; }
      let base = ((n * p.cin + ci) * 9u + u32(iy)) * 9u;
      var v: array<f32, 11>;
      for (var c = 0u; c < 9u; c++) { v[c + 1u] = x[base + c]; }
      for (var j = 0u; j < CB; j++) {
        let co = min(co0 + j, p.cout - 1u);
        let wb = co * p.wStrideOut + ci * p.wStrideIn;
        for (var kx = 0u; kx < 3u; kx++) {
          let k = ky * 3u + kx;
          let wv = w[wb + select(k, 8u - k, p.flip != 0u)];
          for (var c = 0u; c < 9u; c++) { acc[j][c] += wv * v[c + kx]; }
        }
      }
    }
  }
  for (var j = 0u; j < CB; j++) {
    let co = co0 + j;
    if (co >= p.cout) { break; }
    let bias = select(0.0, b[co], p.hasBias != 0u);
    let ob = ((n * p.cout + co) * 9u + yy) * 9u;
    for (var c = 0u; c < 9u; c++) {
      var o = acc[j][c] + bias;
      if (p.accumulate != 0u) { o += y[ob + c]; }
      y[ob + c] = o;
    }
  }
}
