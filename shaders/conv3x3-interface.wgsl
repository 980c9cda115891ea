// The 3×3 convolution kernels' uniforms and bindings, shared by the register-blocked
// (conv3x3.wgsl) and workgroup-tiled (conv3x3-tiled.wgsl) variants: joined in front of each at
// import (WGSL has no includes), so both take exactly the same dispatch. Entry points bind
// different buffers at the same binding numbers (allowed when no entry point uses both).

struct Params {
  batch: u32,       // N
  cin: u32,         // input channels of this convolution
  cout: u32,        // output channels
  wStrideOut: u32,  // element stride of w between output channels
  wStrideIn: u32,   // element stride of w between input channels
  flip: u32,        // 1: read taps in reverse (backward-data)
  hasBias: u32,     // 1: add bias[o]
  accumulate: u32,  // 1: add into the output instead of overwriting it
}
@group(0) @binding(0) var<uniform> p: Params;

// ---- conv (forward and backward-data)
@group(0) @binding(1) var<storage, read> x: array<f32>;        // x: [N, cin, 9, 9]
@group(0) @binding(2) var<storage, read> w: array<f32>;        // w: [Cout, Cin, 3, 3] read through wStrideOut / wStrideIn (and flip)
@group(0) @binding(3) var<storage, read> bias: array<f32>;     // bias: [cout] (unused when hasBias = 0)
@group(0) @binding(4) var<storage, read_write> y: array<f32>;  // y: [N, cout, 9, 9]

// ---- weight_grad
@group(0) @binding(1) var<storage, read> wg_x: array<f32>;          // x:  [N, Cin, 9, 9]
@group(0) @binding(2) var<storage, read> wg_dy: array<f32>;         // dy: [N, Cout, 9, 9]
@group(0) @binding(3) var<storage, read_write> wg_dw: array<f32>;   // dw: [Cout, Cin, 3, 3]
