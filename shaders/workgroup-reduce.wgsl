// Workgroup reductions shared by batchnorm.wgsl, optimizer.wgsl, softmax.wgsl and ppo.wgsl, joined
// in front of each at import (WGSL has no includes): a workgroup of WG invocations reduces one
// value per invocation. Every invocation must call them in uniform control flow (they contain
// barriers), and every invocation gets the result.

const WG: u32 = 64u;
var<workgroup> redF: array<f32, WG>;
var<workgroup> redU: array<u32, WG>;

fn maxAll(v: f32, lid: u32) -> f32 {
  redF[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { redF[lid] = max(redF[lid], redF[lid + s]); }
    workgroupBarrier();
  }
  let r = redF[0];
  workgroupBarrier();
  return r;
}

fn sumAll(v: f32, lid: u32) -> f32 {
  redF[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { redF[lid] += redF[lid + s]; }
    workgroupBarrier();
  }
  let r = redF[0];
  workgroupBarrier();
  return r;
}

fn countAll(v: u32, lid: u32) -> u32 {
  redU[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { redU[lid] += redU[lid + s]; }
    workgroupBarrier();
  }
  let r = redU[0];
  workgroupBarrier();
  return r;
}
