// Masked softmax over the policy's actions, one workgroup per row.
//
// The legal mask is bit-packed: bit (a & 31) of mask[row·words + a / 32] is 1 when action a is
// legal (packMask in src/compute/ops.ts). A row with no legal action is treated as if every
// action were legal. Each of the 64 invocations of a row's workgroup owns one contiguous chunk of
// ceil(A / 64) actions; chunk results are combined in workgroup memory.
//
// log_softmax: logp[row, a] = z_a − logsumexp_{legal}(z) for legal a, −inf for illegal a.
// sample:      action[row] by inverse CDF: the first legal a whose cumulative probability exceeds
//              u[row] ∈ [0, 1) (or, with greedy = 1, the most probable legal action, lowest index
//              on ties); logp[row] = its log-probability.

struct Params {
  rows: u32,
  actions: u32,  // A
  words: u32,    // u32 words of mask per row = ceil(A / 32)
  greedy: u32,
}
@group(0) @binding(0) var<uniform> p: Params;

// WG, maxAll, sumAll, countAll: workgroup-reduce.wgsl, joined in front of this file.
var<workgroup> pick: u32;

const NEG_INF: f32 = -3.4028234663852886e38; // used as "−∞" inside reductions only

// ---- log_softmax
@group(0) @binding(1) var<storage, read> logits: array<f32>;       // logits: [rows, A]
@group(0) @binding(2) var<storage, read> mask: array<u32>;         // mask: [rows, words] (bits)
@group(0) @binding(3) var<storage, read_write> logp: array<f32>;   // logp: [rows, A]

fn isLegal(row: u32, a: u32, all: bool) -> bool {
  return all || ((mask[row * p.words + a / 32u] >> (a & 31u)) & 1u) == 1u;
}

/** Chunk bounds of invocation lid. */
fn chunk(lid: u32) -> vec2u {
  let size = (p.actions + WG - 1u) / WG;
  return vec2u(min(lid * size, p.actions), min((lid + 1u) * size, p.actions));
}

/** (max, logsumexp, allLegal) of a row's legal logits, computed by the whole workgroup. */
fn rowStats(row: u32, lid: u32) -> vec3f {
  let r = chunk(lid);
  var cnt = 0u;
  for (var a = r.x; a < r.y; a++) { cnt += select(0u, 1u, isLegal(row, a, false)); }
  let all = countAll(cnt, lid) == 0u;
  var m = NEG_INF;
  for (var a = r.x; a < r.y; a++) {
    if (isLegal(row, a, all)) { m = max(m, logits[row * p.actions + a]); }
  }
  m = maxAll(m, lid);
  var s = 0.0;
  for (var a = r.x; a < r.y; a++) {
    if (isLegal(row, a, all)) { s += exp(logits[row * p.actions + a] - m); }
  }
  s = sumAll(s, lid);
  return vec3f(m, m + log(s), select(0.0, 1.0, all));
}

@compute @workgroup_size(WG)
fn log_softmax(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wid.x;
  let lid = lid3.x;
  let st = rowStats(row, lid);
  let all = st.z > 0.5;
  let r = chunk(lid);
  var negInfBits = 0xff800000u; // a var: WGSL rejects infinities in constant expressions
  let negInf = bitcast<f32>(negInfBits);
  for (var a = r.x; a < r.y; a++) {
    let i = row * p.actions + a;
    logp[i] = select(negInf, logits[i] - st.y, isLegal(row, a, all));
  }
}

// ---- sample
@group(0) @binding(3) var<storage, read> u: array<f32>;                 // u: [rows], uniform in [0, 1)
@group(0) @binding(4) var<storage, read_write> action: array<u32>;      // action: [rows]
@group(0) @binding(5) var<storage, read_write> actionLogp: array<f32>;  // actionLogp: [rows]

var<workgroup> chunkSum: array<f32, WG>;
var<workgroup> chunkBest: array<u32, WG>;
var<workgroup> residual: f32;

@compute @workgroup_size(WG)
fn sample(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wid.x;
  let lid = lid3.x;
  let st = rowStats(row, lid);
  let m = st.x;
  let all = st.z > 0.5;
  let r = chunk(lid);
  // Per chunk: the sum of exp(z − m) over legal actions, and the best legal action (greedy).
  var s = 0.0;
  var best = 0xffffffffu;
  var bestZ = NEG_INF;
  for (var a = r.x; a < r.y; a++) {
    if (isLegal(row, a, all)) {
      let z = logits[row * p.actions + a];
      s += exp(z - m);
      if (best == 0xffffffffu || z > bestZ) { best = a; bestZ = z; }
    }
  }
  chunkSum[lid] = s;
  chunkBest[lid] = best;
  workgroupBarrier();
  if (lid == 0u) {
    if (p.greedy != 0u) {
      var b = 0xffffffffu;
      var bz = NEG_INF;
      for (var l = 0u; l < WG; l++) {
        let c = chunkBest[l];
        if (c != 0xffffffffu && (b == 0xffffffffu || logits[row * p.actions + c] > bz)) { b = c; bz = logits[row * p.actions + c]; }
      }
      pick = b;
    } else {
      // Inverse CDF over chunks; the owning chunk finishes the search below.
      var total = 0.0;
      for (var l = 0u; l < WG; l++) { total += chunkSum[l]; }
      let goal = u[row] * total;
      var acc = 0.0;
      var owner = WG;
      var last = 0u;
      for (var l = 0u; l < WG; l++) {
        if (chunkSum[l] > 0.0) { last = l; }
        if (owner == WG && acc + chunkSum[l] > goal) { owner = l; residual = goal - acc; }
        acc += chunkSum[l];
      }
      if (owner == WG) { owner = last; residual = chunkSum[last]; } // rounding put goal past the end
      pick = 0x80000000u | owner; // marks "chunk owner to resolve"
    }
  }
  workgroupBarrier();
  let pk = pick;
  if ((pk & 0x80000000u) != 0u && (pk & 0x7fffffffu) == lid) {
    var acc = 0.0;
    var chosen = 0xffffffffu;
    var lastLegal = r.x;
    for (var a = r.x; a < r.y; a++) {
      if (isLegal(row, a, all)) {
        lastLegal = a;
        acc += exp(logits[row * p.actions + a] - m);
        if (acc > residual) { chosen = a; break; }
      }
    }
    if (chosen == 0xffffffffu) { chosen = lastLegal; }
    action[row] = chosen;
    actionLogp[row] = logits[row * p.actions + chosen] - st.y;
  }
  if ((pk & 0x80000000u) == 0u && lid == 0u) {
    action[row] = pk;
    actionLogp[row] = logits[row * p.actions + pk] - st.y;
  }
}
