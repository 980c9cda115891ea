import { describe, expect, test } from "bun:test";
import { computeGae } from "../../src/rl/gae.ts";

function single(rewards: number[], values: number[], dones: boolean[], last: number, gamma = 0.99, lambda = 0.95) {
  const T = rewards.length;
  const next = Int32Array.from({ length: T }, (_, t) => (t + 1 < T ? t + 1 : -1));
  const bootstrap = new Float32Array(T);
  bootstrap[T - 1] = last;
  const adv = new Float64Array(T);
  const ret = new Float64Array(T);
  const a32 = new Float32Array(T);
  const r32 = new Float32Array(T);
  computeGae(
    {
      rewards: Float32Array.from(rewards),
      values: Float32Array.from(values),
      dones: Uint8Array.from(dones.map(Number)),
      next,
      bootstrap,
    },
    T,
    gamma,
    lambda,
    a32,
    r32,
  );
  adv.set(a32);
  ret.set(r32);
  return { adv: [...adv], ret: [...ret] };
}

describe("GAE", () => {
  test("reference golden vector with a terminal step (keisei-python.md §6)", () => {
    const { adv, ret } = single([1, 2, 3], [0.5, 1, 1.5], [false, false, true], 0);
    [5.153952875, 3.89575, 1.5].forEach((v, i) => {
      expect(adv[i]).toBeCloseTo(v, 5);
    });
    [5.653952875, 4.89575, 3.0].forEach((v, i) => {
      expect(ret[i]).toBeCloseTo(v, 5);
    });
  });
  test("reference golden vector with a bootstrap value", () => {
    const { adv, ret } = single([0, 0, 1, 0], [0.1, 0.2, 0.3, 0.4], [false, false, false, false], 2.0);
    [2.4731025800975, 2.525361595, 2.58199, 1.58].forEach((v, i) => {
      expect(adv[i]).toBeCloseTo(v, 5);
    });
    [2.5731025800975, 2.725361595, 2.88199, 1.98].forEach((v, i) => {
      expect(ret[i]).toBeCloseTo(v, 5);
    });
  });
  test("interleaved trajectories are independent of each other", () => {
    // Two trajectories A (even slots) and B (odd slots), as two colours of one game alternate.
    const a = single([0, 0, 1], [0.2, 0.4, 0.6], [false, false, true], 0);
    const b = single([0, 0, -1], [-0.1, -0.3, -0.5], [false, false, true], 0);
    const rewards = Float32Array.from([0, 0, 0, 0, 1, -1]);
    const values = Float32Array.from([0.2, -0.1, 0.4, -0.3, 0.6, -0.5]);
    const dones = Uint8Array.from([0, 0, 0, 0, 1, 1]);
    const next = Int32Array.from([2, 3, 4, 5, -1, -1]);
    const adv = new Float32Array(6);
    const ret = new Float32Array(6);
    computeGae({ rewards, values, dones, next, bootstrap: new Float32Array(6) }, 6, 0.99, 0.95, adv, ret);
    for (let i = 0; i < 3; i++) {
      expect(adv[2 * i]).toBeCloseTo(a.adv[i], 6);
      expect(adv[2 * i + 1]).toBeCloseTo(b.adv[i], 6);
    }
  });
  test("a pointer past the rollout is an error", () => {
    const z = new Float32Array(1);
    expect(() =>
      computeGae(
        { rewards: z, values: z, dones: new Uint8Array(1), next: Int32Array.from([1]), bootstrap: z },
        1,
        0.9,
        0.9,
        z,
        new Float32Array(1),
      ),
    ).toThrow(/past the rollout/);
  });
});
