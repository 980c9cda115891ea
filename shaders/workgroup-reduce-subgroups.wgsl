// The subgroup variant of workgroup-reduce.wgsl (kernels/subgroups.ts swaps it in, with
// `enable subgroups;` in front and each entry point given @builtin(subgroup_invocation_id)): the same
// functions and results, up to the order of a sum's terms, which is fixed for a device. Each subgroup
// reduces in registers; its first lane writes the result to its own slot (the other lanes a neutral
// value); after one barrier every invocation folds the WG slots in index order. One barrier pair
// instead of log2(WG) = 6, and no subgroup index is needed (WGSL has none): slots are per invocation.

const WG: u32 = 64u;
var<workgroup> redF: array<f32, WG>;
var<workgroup> redU: array<u32, WG>;
/** This invocation's lane in its subgroup: set first thing by every entry point. */
var<private> sgLane: u32;

fn maxAll(v: f32, lid: u32) -> f32 {
  redF[lid] = subgroupMax(v); // every lane the subgroup's max: duplicates do not change a max
  workgroupBarrier();
  var r = redF[0];
  for (var i = 1u; i < WG; i++) { r = max(r, redF[i]); }
  workgroupBarrier();
  return r;
}

fn sumAll(v: f32, lid: u32) -> f32 {
  let s = subgroupAdd(v);
  redF[lid] = select(0.0, s, sgLane == 0u);
  workgroupBarrier();
  var r = 0.0;
  for (var i = 0u; i < WG; i++) { r += redF[i]; }
  workgroupBarrier();
  return r;
}

fn countAll(v: u32, lid: u32) -> u32 {
  let s = subgroupAdd(v);
  redU[lid] = select(0u, s, sgLane == 0u);
  workgroupBarrier();
  var r = 0u;
  for (var i = 0u; i < WG; i++) { r += redU[i]; }
  workgroupBarrier();
  return r;
}
