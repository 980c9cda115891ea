// The AlphaZero loss for one minibatch (Gumbel AlphaZero trains with it: the policy towards the
// search's improved policy, the value towards the game's outcome): forward (per-sample terms) and
// backward (gradients w.r.t. the policy logits and the value) in one pass, one workgroup per
// sample; then stats_mean averages the per-sample terms into the reported scalars.
//
// Per sample i with legal-masked log-softmax logp = z − lse (a row with no legal action is
// treated as if every action were legal), π = exp(logp), the target t (a distribution over the
// legal actions; entries at illegal actions are ignored) and the outcome Z of the game for the
// side to move:
//   policy  = −Σ_legal t_a · logp_a                       (cross-entropy H(t, π))
//   value   = (V − Z)²
//   entropy = −Σ_legal π_a · logp_a
//   kl      = Σ_legal, t_a > 0 t_a · (log t_a − logp_a)   (KL(t ‖ π) = policy − H(t))
//   loss    = invBatch · Σ_i (policy + valueCoef · value)
// Gradients (invBatch = 1 / minibatch size):
//   dz_a = invBatch · (π_a · Σ_legal t − t_a)  for legal a, 0 else   (π − t when t sums to 1)
//   dV   = invBatch · valueCoef · 2 (V − Z)
// stats[i] = [policy, value, entropy, kl]

struct Params {
  rows: u32,
  actions: u32,
  words: u32,
  valueCoef: f32,
  invBatch: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

// WG, maxAll, sumAll, countAll: workgroup-reduce.wgsl, joined in front of this file.
const NSTATS: u32 = 4u;
const NEG_INF: f32 = -3.4028234663852886e38;

// ---- loss
@group(0) @binding(1) var<storage, read> logits: array<f32>;        // logits: [B, A]
@group(0) @binding(2) var<storage, read> mask: array<u32>;          // mask: [B, words] (bits)
@group(0) @binding(3) var<storage, read> targets: array<f32>;       // targets: [B, A] improved policy, 0 off the legal moves
@group(0) @binding(4) var<storage, read> outcomes: array<f32>;      // outcomes: [B] Z ∈ {−1, 0, 1} for the side to move
@group(0) @binding(5) var<storage, read> values: array<f32>;        // values: [B] the value head's output
@group(0) @binding(6) var<storage, read_write> dlogits: array<f32>; // dlogits: [B, A]
@group(0) @binding(7) var<storage, read_write> dvalues: array<f32>; // dvalues: [B]
@group(0) @binding(8) var<storage, read_write> stats: array<f32>;   // stats: [B, 4]

fn isLegal(row: u32, a: u32, all: bool) -> bool {
  return all || ((mask[row * p.words + a / 32u] >> (a & 31u)) & 1u) == 1u;
}

@compute @workgroup_size(WG)
fn loss(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wid.x;
  let lid = lid3.x;
  let size = (p.actions + WG - 1u) / WG;
  let a0 = min(lid * size, p.actions);
  let a1 = min(a0 + size, p.actions);
  let zb = row * p.actions;

  // log-softmax over the legal actions
  var cnt = 0u;
  for (var a = a0; a < a1; a++) { cnt += select(0u, 1u, isLegal(row, a, false)); }
  let all = countAll(cnt, lid) == 0u;
  var m = NEG_INF;
  for (var a = a0; a < a1; a++) { if (isLegal(row, a, all)) { m = max(m, logits[zb + a]); } }
  m = maxAll(m, lid);
  var s = 0.0;
  for (var a = a0; a < a1; a++) { if (isLegal(row, a, all)) { s += exp(logits[zb + a] - m); } }
  let lse = m + log(sumAll(s, lid));

  // cross-entropy, entropy, KL and the target's mass, over the legal actions
  var ce = 0.0;
  var h = 0.0;
  var kl = 0.0;
  var mass = 0.0;
  for (var a = a0; a < a1; a++) {
    if (isLegal(row, a, all)) {
      let lp = logits[zb + a] - lse;
      let t = targets[zb + a];
      h -= exp(lp) * lp;
      ce -= t * lp;
      if (t > 0.0) { kl += t * (log(t) - lp); }
      mass += t;
    }
  }
  let policy = sumAll(ce, lid);
  let entropy = sumAll(h, lid);
  let klTarget = sumAll(kl, lid);
  let targetMass = sumAll(mass, lid);

  // gradients
  for (var a = a0; a < a1; a++) {
    var d = 0.0;
    if (isLegal(row, a, all)) { d = exp(logits[zb + a] - lse) * targetMass - targets[zb + a]; }
    dlogits[zb + a] = p.invBatch * d;
  }
  if (lid == 0u) {
    let dv = values[row] - outcomes[row];
    dvalues[row] = p.invBatch * p.valueCoef * 2.0 * dv;
    let o = row * NSTATS;
    stats[o] = policy;
    stats[o + 1u] = dv * dv;
    stats[o + 2u] = entropy;
    stats[o + 3u] = klTarget;
  }
}

// ---- stats_mean: means over the rows, in one workgroup
@group(0) @binding(1) var<storage, read> sm_stats: array<f32>;      // stats: [B, 4]
@group(0) @binding(2) var<storage, read_write> means: array<f32>;   // means: [5] = policy, value, entropy, kl, total loss

@compute @workgroup_size(WG)
fn stats_mean(@builtin(local_invocation_id) lid3: vec3u) {
  let lid = lid3.x;
  var m: array<f32, NSTATS>;
  for (var k = 0u; k < NSTATS; k++) {
    var s = 0.0;
    for (var r = lid; r < p.rows; r += WG) { s += sm_stats[r * NSTATS + k]; }
    m[k] = sumAll(s, lid) * p.invBatch;
  }
  if (lid == 0u) {
    for (var k = 0u; k < NSTATS; k++) { means[k] = m[k]; }
    means[NSTATS] = m[0] + p.valueCoef * m[1];
  }
}
