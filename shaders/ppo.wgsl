// The PPO loss for one minibatch: forward (per-sample terms) and backward (gradients w.r.t. the
// policy logits and the value) in one pass, one workgroup per sample; then stats_mean averages
// the per-sample terms into the reported scalars.
//
// Per sample i with legal-masked log-softmax logp = z − lse (a row with no legal action is
// treated as if every action were legal), taken action a, π = exp(logp):
//   ratio   = exp(logp_a − oldLogp)
//   policy  = −min(ratio·A, clip(ratio, 1 − ε, 1 + ε)·A)
//   value   = (V − R)²; with value clipping (valueClip = 1):
//             max((V − R)², (Vold + clip(V − Vold, −ε, ε) − R)²), the max taken PER SAMPLE
//             (the Python reference takes the max of the two batch means; per-sample is the
//             usual PPO form and keeps the loss a sum of per-sample terms)
//   entropy = −Σ_legal π log π
//   loss    = invBatch · Σ_i (policy + valueCoef·value − entropyCoef·entropy)
// Gradients (invBatch = 1 / minibatch size):
//   dV         = invBatch · valueCoef · 2(V' − R), V' the chosen branch's prediction, times the
//                clip's derivative: 0 when the clipped branch is chosen with |V − Vold| > ε.
//                (Inside the clip V' = V in exact arithmetic, but f32 rounding of
//                Vold + (V − Vold) can make the clipped branch win a tie: its gradient is not 0.)
//   dz_j       = invBatch · [gLogp·(δ_ja − π_j) + entropyCoef·π_j·(log π_j + H)]  for legal j, 0 else
//   gLogp      = (ratio·A ≤ clip(ratio)·A) ? −A·ratio : 0
// stats[i] = [policy, value, entropy, oldLogp − logp_a (approx-KL term), |ratio − 1| > ε, logp_a]

struct Params {
  rows: u32,
  actions: u32,
  words: u32,
  valueClip: u32,
  clipEps: f32,
  valueCoef: f32,
  entropyCoef: f32,
  invBatch: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

// WG, maxAll, sumAll, countAll: workgroup-reduce.wgsl, joined in front of this file.
const NSTATS: u32 = 6u;
const NEG_INF: f32 = -3.4028234663852886e38;

// ---- loss
@group(0) @binding(1) var<storage, read> logits: array<f32>;        // logits: [B, A]
@group(0) @binding(2) var<storage, read> mask: array<u32>;          // mask: [B, words] (bits)
@group(0) @binding(3) var<storage, read> actions: array<u32>;       // actions: [B]
@group(0) @binding(4) var<storage, read> samples: array<f32>;       // samples: [B, 4] = oldLogp, advantage, return, oldValue
@group(0) @binding(5) var<storage, read> values: array<f32>;        // values: [B]
@group(0) @binding(6) var<storage, read_write> dlogits: array<f32>; // dlogits: [B, A]
@group(0) @binding(7) var<storage, read_write> dvalues: array<f32>; // dvalues: [B]
@group(0) @binding(8) var<storage, read_write> stats: array<f32>;   // stats: [B, 6]

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

  // log-softmax over the legal actions, and the entropy
  var cnt = 0u;
  for (var a = a0; a < a1; a++) { cnt += select(0u, 1u, isLegal(row, a, false)); }
  let all = countAll(cnt, lid) == 0u;
  var m = NEG_INF;
  for (var a = a0; a < a1; a++) { if (isLegal(row, a, all)) { m = max(m, logits[zb + a]); } }
  m = maxAll(m, lid);
  var s = 0.0;
  for (var a = a0; a < a1; a++) { if (isLegal(row, a, all)) { s += exp(logits[zb + a] - m); } }
  let lse = m + log(sumAll(s, lid));
  var h = 0.0;
  for (var a = a0; a < a1; a++) {
    if (isLegal(row, a, all)) {
      let lp = logits[zb + a] - lse;
      h -= exp(lp) * lp;
    }
  }
  let entropy = sumAll(h, lid);

  // per-sample terms
  let act = actions[row];
  let oldLogp = samples[row * 4u];
  let adv = samples[row * 4u + 1u];
  let ret = samples[row * 4u + 2u];
  let oldV = samples[row * 4u + 3u];
  let v = values[row];
  let logpA = logits[zb + act] - lse;
  let ratio = exp(logpA - oldLogp);
  let surr1 = ratio * adv;
  let surr2 = clamp(ratio, 1.0 - p.clipEps, 1.0 + p.clipEps) * adv;
  let gLogp = select(0.0, -adv * ratio, surr1 <= surr2);
  let lu = (v - ret) * (v - ret);
  let vc = oldV + clamp(v - oldV, -p.clipEps, p.clipEps);
  let lc = (vc - ret) * (vc - ret);
  let clippedBranch = p.valueClip != 0u && lc > lu;
  let valueLoss = select(lu, lc, clippedBranch);
  let clipActive = abs(v - oldV) > p.clipEps;
  let dValue = select(2.0 * (v - ret), select(2.0 * (vc - ret), 0.0, clipActive), clippedBranch);

  // gradients
  for (var a = a0; a < a1; a++) {
    var d = 0.0;
    if (isLegal(row, a, all)) {
      let lp = logits[zb + a] - lse;
      let pa = exp(lp);
      d = gLogp * (select(0.0, 1.0, a == act) - pa) + p.entropyCoef * pa * (lp + entropy);
    }
    dlogits[zb + a] = p.invBatch * d;
  }
  if (lid == 0u) {
    dvalues[row] = p.invBatch * p.valueCoef * dValue;
    let o = row * NSTATS;
    stats[o] = -min(surr1, surr2);
    stats[o + 1u] = valueLoss;
    stats[o + 2u] = entropy;
    stats[o + 3u] = oldLogp - logpA;
    stats[o + 4u] = select(0.0, 1.0, abs(ratio - 1.0) > p.clipEps);
    stats[o + 5u] = logpA;
  }
}

// ---- stats_mean: means over the rows, in one workgroup
@group(0) @binding(1) var<storage, read> sm_stats: array<f32>;      // stats: [B, 6]
@group(0) @binding(2) var<storage, read_write> means: array<f32>;   // means: [7] = policy, value, entropy, approxKl, clipFraction, meanLogp, total loss

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
    means[NSTATS] = m[0] + p.valueCoef * m[1] - p.entropyCoef * m[2];
  }
}
