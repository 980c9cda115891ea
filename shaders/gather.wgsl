// Row-wise gather through a per-mover index table: the conv policy head's map between its logit
// planes and the 13 527 actions (src/shogi/policy-planes.ts), in both directions.
//
//   dst[r, i] = t == NONE ? 0 : src[r, t],   t = table[mover(r), i]
//   mover(r)  = 0 (Black) when obs[r, moverAt] > 0.5, else 1: the observation's side-to-move plane
//
// Forward: src = planes [rows, P·81], dst = logits [rows, A], table = action → cell.
// Backward: src = ∂logits, dst = ∂planes, table = cell → action (the map is injective, so the
// gather through the inverse table IS the scatter-add of the forward's transpose).
// One invocation per dst element.

struct Params {
  rows: u32,       // batch
  srcCols: u32,    // src row length
  dstCols: u32,    // dst row length (= table row length)
  obsStride: u32,  // floats per observation row
  moverAt: u32,    // offset in an observation row of a cell of the side-to-move plane
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;        // src: [rows, srcCols]
@group(0) @binding(2) var<storage, read> table: array<u32>;      // table: [2, dstCols]
@group(0) @binding(3) var<storage, read> obs: array<f32>;        // obs: [rows, obsStride]
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;  // dst: [rows, dstCols]

const WG: u32 = 64u;
const NONE: u32 = 0xffffffffu;

@compute @workgroup_size(WG)
fn gather_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.rows * p.dstCols) { return; }
  let r = i / p.dstCols;
  let c = i - r * p.dstCols;
  let mover = select(1u, 0u, obs[r * p.obsStride + p.moverAt] > 0.5);
  let t = table[mover * p.dstCols + c];
  if (t == NONE) {
    dst[i] = 0.0;
  } else {
    dst[i] = src[r * p.srcCols + t];
  }
}
