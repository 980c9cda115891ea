// The shared workgroup reductions (workgroup-reduce.wgsl, or its subgroup variant) on known
// inputs: one workgroup per row of WG values, lane 0 writing the row's sum, max and count of odd
// words. Autotune runs it and its subgroup twin against the CPU twin before choosing subgroups:
// the 16 subgroup twins differ from their kernels only in these functions.

struct Params {
  rows: u32,  // one workgroup per row
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;           // x: [rows, WG]
@group(0) @binding(2) var<storage, read> bits: array<u32>;        // bits: [rows, WG]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;   // out: [rows, 3]: Σx, max x, #odd bits

@compute @workgroup_size(WG)
fn probe(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  if (wid.x >= p.rows) { return; } // uniform: the whole workgroup leaves together
  let i = wid.x * WG + lid;
  let s = sumAll(x[i], lid);
  let m = maxAll(x[i], lid);
  let c = countAll(bits[i] & 1u, lid);
  if (lid == 0u) {
    out[wid.x * 3u] = s;
    out[wid.x * 3u + 1u] = m;
    out[wid.x * 3u + 2u] = f32(c);
  }
}
