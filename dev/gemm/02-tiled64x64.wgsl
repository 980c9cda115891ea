// 02 workgroup-tiled GEMM for the anchor shape (compare 01-regblock8x8.wgsl, same bindings and
// grid): C[M, N] = A[M, K] · B[K, N], row-major, M, N multiples of 64 and K of 16. A workgroup of
// 256 owns a 64×64 tile of C; per K-slice of 16 it stages A[64 × 16] and B[16 × 64] in workgroup
// memory, and each invocation accumulates 4×4 outputs (rows ty + 16i, columns tx + 16j). The
// design of shaders/gemm-tiled.wgsl without its strides, batch and epilogue; the anchors doc's
// own version of this design measured 3.51 GFLOP/s on lavapipe (vs 14.4 for 01).
struct Params { m: u32, n: u32, k: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;        // a: [M, K]
@group(0) @binding(2) var<storage, read> b: array<f32>;        // b: [K, N]
@group(0) @binding(3) var<storage, read_write> c: array<f32>;  // c: [M, N]

const LDS: u32 = 65u; // padded shared row: the k-fast A stores hit 16 banks, not one
var<workgroup> As: array<f32, 1040>; // As[kk·LDS + mm]
var<workgroup> Bs: array<f32, 1040>; // Bs[kk·LDS + nn]

@compute @workgroup_size(256)
fn gemm(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let n0 = wid.x * 64u;
  let m0 = wid.y * 64u;
  let tx = lid % 16u;
  let ty = lid / 16u;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < p.k; k0 += 16u) {
    for (var s = 0u; s < 4u; s++) {
      let l = lid + 256u * s;
      As[(l % 16u) * LDS + l / 16u] = a[(m0 + l / 16u) * p.k + k0 + l % 16u]; // k-fast: A rows are contiguous in k
      Bs[(l / 64u) * LDS + l % 64u] = b[(k0 + l / 64u) * p.n + n0 + l % 64u]; // n-fast
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { av[i] = As[kk * LDS + ty + 16u * i]; }
      for (var j = 0u; j < 4u; j++) { bv[j] = Bs[kk * LDS + tx + 16u * j]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] += av[i] * bv[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) { c[(m0 + ty + 16u * i) * p.n + n0 + tx + 16u * j] = acc[i][j]; }
  }
}
