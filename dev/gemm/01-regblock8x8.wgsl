// The anchor GEMM (webgpu-anchors.md §4): C[M, N] = A[M, K] · B[K, N], 8×8 outputs per invocation,
// vec4 loads of B, no workgroup memory. M, N multiples of 8. Reported 14.4 GFLOP/s at 1024³.
struct Params { m: u32, n: u32, k: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;              // a: [M, K]
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;        // b: [K, N/4]
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;  // c: [M, N/4]

@compute @workgroup_size(8, 8)
fn gemm(@builtin(global_invocation_id) gid: vec3u) {
  let col0 = gid.x * 8u;
  let row0 = gid.y * 8u;
  if (col0 >= p.n || row0 >= p.m) { return; }
  var acc: array<vec4<f32>, 16>;
  let nq = p.n / 4u;
  for (var kk = 0u; kk < p.k; kk++) {
    let b0 = b[kk * nq + col0 / 4u];
    let b1 = b[kk * nq + col0 / 4u + 1u];
    for (var r = 0u; r < 8u; r++) {
      let av = a[(row0 + r) * p.k + kk];
      acc[2u * r] += av * b0;
      acc[2u * r + 1u] += av * b1;
    }
  }
  for (var r = 0u; r < 8u; r++) {
    c[(row0 + r) * nq + col0 / 4u] = acc[2u * r];
    c[(row0 + r) * nq + col0 / 4u + 1u] = acc[2u * r + 1u];
  }
}
