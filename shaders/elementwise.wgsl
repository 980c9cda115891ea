// Elementwise kernels over flat f32 arrays of n elements: fill, ReLU forward/backward, residual
// add + ReLU, axpy, copy. One invocation per element; the grid may be folded into 2-D (grid1d).
//
// Entry points bind different buffers at the same binding numbers (WGSL allows this when no entry
// point uses both); each entry lists its own bindings in a comment.

struct Params {
  n: u32,       // elements
  alpha: f32,   // fill value / axpy scale
}
@group(0) @binding(0) var<uniform> p: Params;

const WG: u32 = 64u;

fn flatId(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// ---- fill: out[i] = alpha
@group(0) @binding(1) var<storage, read_write> fill_out: array<f32>; // out: [n]

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatId(gid, nwg);
  if (i < p.n) { fill_out[i] = p.alpha; }
}

// ---- relu_forward: y = max(x, 0)
@group(0) @binding(1) var<storage, read> rf_x: array<f32>;        // x: [n]
@group(0) @binding(2) var<storage, read_write> rf_y: array<f32>;  // y: [n]

@compute @workgroup_size(WG)
fn relu_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatId(gid, nwg);
  if (i < p.n) { rf_y[i] = max(rf_x[i], 0.0); }
}

// ---- relu_backward: dx = dy where y > 0, else 0 (y is the ReLU's output)
@group(0) @binding(1) var<storage, read> rb_dy: array<f32>;        // dy: [n]
@group(0) @binding(2) var<storage, read> rb_y: array<f32>;         // y:  [n]
@group(0) @binding(3) var<storage, read_write> rb_dx: array<f32>;  // dx: [n]

@compute @workgroup_size(WG)
fn relu_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatId(gid, nwg);
  if (i < p.n) { rb_dx[i] = select(0.0, rb_dy[i], rb_y[i] > 0.0); }
}

// ---- add_relu: y = max(a + b, 0) (residual join). Its backward is relu_backward, once per branch.
@group(0) @binding(1) var<storage, read> ar_a: array<f32>;         // a: [n]
@group(0) @binding(2) var<storage, read> ar_b: array<f32>;         // b: [n]
@group(0) @binding(3) var<storage, read_write> ar_y: array<f32>;   // y: [n]

@compute @workgroup_size(WG)
fn add_relu(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatId(gid, nwg);
  if (i < p.n) { ar_y[i] = max(ar_a[i] + ar_b[i], 0.0); }
}

// ---- axpy: y += alpha * x
@group(0) @binding(1) var<storage, read> ax_x: array<f32>;         // x: [n]
@group(0) @binding(2) var<storage, read_write> ax_y: array<f32>;   // y: [n]

@compute @workgroup_size(WG)
fn axpy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatId(gid, nwg);
  if (i < p.n) { ax_y[i] += p.alpha * ax_x[i]; }
}

// ---- copy: y = x (with y stored as f16: the f16 copy of the weights, training.mixed_precision)
@group(0) @binding(1) var<storage, read> cp_x: array<f32>;         // x: [n]
@group(0) @binding(2) var<storage, read_write> cp_y: array<f32>;   // y: [n]

@compute @workgroup_size(WG)
fn copy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatId(gid, nwg);
  if (i < p.n) { cp_y[i] = cp_x[i]; }
}
