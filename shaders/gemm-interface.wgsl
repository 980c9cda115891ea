// The strided batched GEMM's uniforms and bindings, shared by its register-blocked (gemm.wgsl) and
// workgroup-tiled (gemm-tiled.wgsl) variants: joined in front of each at import (WGSL has no
// includes), so both take exactly the same dispatch.

struct Params {
  m: u32, n: u32, k: u32,
  batch: u32,       // number of (A, B, C) triples
  sAb: u32, sAm: u32, sAk: u32,
  sBb: u32, sBk: u32, sBn: u32,
  sCb: u32, sCm: u32, sCn: u32,
  biasMode: u32,    // 0: none, 1: bias[n] (Linear), 2: bias[m] (1×1 conv over channels)
  act: u32,         // 0: none, 1: ReLU, 2: sigmoid
  accumulate: u32,  // 1: C += result
  sumBatch: u32,    // 1: C = Σ_b A_b·B_b
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;        // a: A_b[m, k] = a[b·sAb + m·sAm + k·sAk]
@group(0) @binding(2) var<storage, read> b: array<f32>;        // b: B_b[k, n] = b[b·sBb + k·sBk + n·sBn]
@group(0) @binding(3) var<storage, read> bias: array<f32>;     // bias: [n] or [m] (unused when biasMode = 0)
@group(0) @binding(4) var<storage, read_write> c: array<f32>;  // c: C_b[m, n] = c[b·sCb + m·sCm + n·sCn]
