// Generalised Advantage Estimation over many interleaved trajectories at once.
//
// A rollout holds transitions of many trajectories in time order (in self-play: one trajectory
// per game and colour). Each transition t names the index of the same trajectory's next
// transition, `next[t]`, or −1 when the rollout ends before it; then `bootstrap[t]` is the value
// of the state that trajectory reached. Because next[t] > t, one backward pass serves every
// trajectory, and GAE never crosses from one trajectory (colour, game) into another.
//
//   m_t     = 1 − done_t
//   V'_t    = next[t] ≥ 0 ? V[next[t]] : bootstrap[t]
//   δ_t     = r_t + γ·m_t·V'_t − V_t
//   A_t     = δ_t + γ·λ·m_t·A_{next[t]}        (A of a missing next = 0)
//   R_t     = A_t + V_t

export interface GaeInput {
  rewards: Float32Array; // [T]
  values: Float32Array; // [T] V(s_t) from the acting pass
  dones: Uint8Array; // [T] 1 when the trajectory ended with transition t
  next: Int32Array; // [T] index of the trajectory's next transition, or −1
  bootstrap: Float32Array; // [T] value of the reached state where next = −1 and not done
}

export function computeGae(
  input: GaeInput,
  count: number,
  gamma: number,
  lambda: number,
  advantages: Float32Array,
  returns: Float32Array,
): void {
  const { rewards, values, dones, next, bootstrap } = input;
  for (let t = count - 1; t >= 0; t--) {
    const n = next[t];
    if (n >= count) throw new Error(`GAE: transition ${t} points past the rollout (${n} ≥ ${count})`);
    const live = dones[t] ? 0 : 1;
    const nextValue = n >= 0 ? values[n] : bootstrap[t];
    const nextAdvantage = n >= 0 ? advantages[n] : 0;
    const delta = rewards[t] + gamma * live * nextValue - values[t];
    advantages[t] = delta + gamma * lambda * live * nextAdvantage;
    returns[t] = advantages[t] + values[t];
  }
}
