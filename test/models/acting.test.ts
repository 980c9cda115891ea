// Acting and evaluation (reference §4.3) on both backends, against log-softmax computed here on
// the host from the network's own logits; and the errors: an empty legal-mask row names the row,
// inputs of another batch size than planned, backward without a training forward.

import { describe, expect, test } from "bun:test";
import type { Backend } from "../../src/compute/backend.ts";
import { Random } from "../../src/util/random.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { packLegalActions, type TrainingPlan } from "../../src/models/network.ts";
import { referenceBackend, gpuBackend, hasWebGpu, randomMask, randomObs } from "./helpers.ts";

const B = 3;
const A = 300; // a small action space keeps the host reference quick

const legal = (mask: Uint32Array, r: number, a: number) =>
  ((mask[r * Math.ceil(A / 32) + (a >>> 5)] >>> (a & 31)) & 1) === 1;

/** Host log-softmax over the legal actions of each row. */
function hostLogSoftmax(logits: Float32Array, mask: Uint32Array) {
  const out = new Float64Array(B * A).fill(-Infinity);
  for (let r = 0; r < B; r++) {
    let m = -Infinity;
    for (let a = 0; a < A; a++) if (legal(mask, r, a)) m = Math.max(m, logits[r * A + a]);
    let s = 0;
    for (let a = 0; a < A; a++) if (legal(mask, r, a)) s += Math.exp(logits[r * A + a] - m);
    for (let a = 0; a < A; a++) if (legal(mask, r, a)) out[r * A + a] = logits[r * A + a] - m - Math.log(s);
  }
  return out;
}

describe.each([["reference"], ["webgpu"]] as const)("%s", (kind) => {
  const backend = (): Promise<Backend> => (kind === "reference" ? Promise.resolve(referenceBackend) : gpuBackend());

  async function setup() {
    const be = await backend();
    const net = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0.25, numActions: A }, { seed: 4 });
    const rng = new Random(8);
    const obs = randomObs(rng, B);
    const { mask, actions } = randomMask(rng, B, A, 25);
    return { be, net, rng, obs, mask, actions };
  }

  test.skipIf(kind === "webgpu" && !hasWebGpu)(
    "getActionAndValue: argmax / inverse-CDF sample over legal moves, their log-probability, the value",
    async () => {
      const { be, net, rng, obs, mask } = await setup();
      const plan = net.plan(B, { training: false });
      const greedy = await net.getActionAndValue(plan, obs, mask, { deterministic: true });
      const logits = (await be.read(plan.logits)) as Float32Array;
      const value = await be.read(plan.value);
      const lp = hostLogSoftmax(logits, mask);
      expect([...greedy.values]).toEqual([...value]);
      for (let r = 0; r < B; r++) {
        let best = -1;
        for (let a = 0; a < A; a++)
          if (legal(mask, r, a) && (best < 0 || logits[r * A + a] > logits[r * A + best])) best = a;
        expect(greedy.actions[r]).toBe(best);
        expect(greedy.logProbs[r]).toBeCloseTo(lp[r * A + best], 5);
      }
      const uniforms = Float32Array.from({ length: B }, () => rng.next());
      const sampled = await net.getActionAndValue(plan, obs, mask, { uniforms });
      for (let r = 0; r < B; r++) {
        // inverse CDF over the legal actions in index order
        let acc = 0;
        let want = -1;
        for (let a = 0; a < A && want < 0; a++) {
          if (!legal(mask, r, a)) continue;
          acc += Math.exp(lp[r * A + a]);
          if (acc > uniforms[r]) want = a;
        }
        expect(sampled.actions[r]).toBe(want);
        expect(sampled.logProbs[r]).toBeCloseTo(lp[r * A + want], 5);
      }
      net.destroy();
    },
  );

  test.skipIf(kind === "webgpu" && !hasWebGpu)(
    "evaluateActions: log-probabilities and entropies over the legal moves, values; running stats untouched",
    async () => {
      const { be, net, obs, mask, actions } = await setup();
      const plan = net.plan(B, { training: true });
      const statsBefore = await net.readStats();
      const ev = await net.evaluateActions(plan, obs, actions, mask);
      expect(await net.readStats()).toEqual(statsBefore);
      expect(net.numBatchesTracked).toBe(0);
      const logits = (await be.read(plan.logits)) as Float32Array;
      const lp = hostLogSoftmax(logits, mask);
      expect([...ev.values]).toEqual([...(await be.read(plan.value))]);
      for (let r = 0; r < B; r++) {
        let h = 0;
        for (let a = 0; a < A; a++) if (legal(mask, r, a)) h -= Math.exp(lp[r * A + a]) * lp[r * A + a];
        expect(ev.entropy[r]).toBeCloseTo(h, 4);
        expect(ev.logProbs[r]).toBeCloseTo(lp[r * A + actions[r]], 5);
      }
      // training mode: batch statistics, running statistics move
      await net.evaluateActions(plan, obs, actions, mask, "train");
      expect(net.numBatchesTracked).toBe(1);
      expect(await net.readStats()).not.toEqual(statsBefore);
      const bad = actions.slice();
      bad[1] = [...Array(A).keys()].find((a) => !legal(mask, 1, a))!;
      await expect(net.evaluateActions(plan, obs, bad, mask)).rejects.toThrow(
        new RegExp(`action ${bad[1]} of row 1 is not legal`),
      );
      net.destroy();
    },
  );

  test.skipIf(kind === "webgpu" && !hasWebGpu)(
    "an empty legal-mask row is an error naming the row, never a pick among illegal moves",
    async () => {
      const { net, obs, mask, actions } = await setup();
      const words = Math.ceil(A / 32);
      const empty = mask.slice();
      empty.fill(0, 2 * words, 3 * words);
      const plan = net.plan(B, { training: true });
      await expect(net.getActionAndValue(plan, obs, empty, { deterministic: true })).rejects.toThrow(
        /legal mask row 2 has no legal action/,
      );
      await expect(net.evaluateActions(plan, obs, actions, empty)).rejects.toThrow(/row 2/);
      // a bit past the last action (A = 300: bits 12..31 of word 9) is no legal action either
      empty[2 * words + 9] = 1 << 17;
      await expect(net.getActionAndValue(plan, obs, empty, { deterministic: true })).rejects.toThrow(
        /legal mask row 2 has no legal action/,
      );
      net.destroy();
    },
  );
});

describe("plans", () => {
  test("made once per (batch, training); other sizes are errors, not reallocations", async () => {
    const net = modelFactory(referenceBackend, "resnet", { depth: 2, width: 8, numActions: A }, { seed: 1 });
    const infer = net.plan(4, { training: false });
    expect(net.plan(4, { training: false })).toBe(infer);
    const train = net.plan(4, { training: true });
    expect(train).not.toBe(infer);
    expect("dlogits" in infer).toBe(false); // an inference plan holds no gradient buffers
    const obs5 = randomObs(new Random(1), 5);
    const { mask } = randomMask(new Random(2), 4, A);
    await expect(net.getActionAndValue(infer, obs5, mask, { deterministic: true })).rejects.toThrow(
      /observations hold 5 rows .* the plan is for batch 4/,
    );
    await expect(
      net.getActionAndValue(infer, randomObs(new Random(1), 4), mask.subarray(0, 10), { deterministic: true }),
    ).rejects.toThrow(/legal mask holds 10 words/);
    expect(() => net.forward(infer, "train")).toThrow(/inference plan/);
    expect(() => net.forward(infer, "frozen")).toThrow(/inference plan/);
    expect(() => net.backward(infer as TrainingPlan)).toThrow(/inference plan/); // the type forbids it; the check stays for JavaScript callers
    expect(() => net.backward(train)).toThrow(/needs forward\(plan, "train"\) or forward\(plan, "frozen"\) first/);
    net.forward(train, "infer");
    expect(() => net.backward(train)).toThrow(/needs forward\(plan, "train"\) or forward\(plan, "frozen"\) first/);
    net.setInputs(train, randomObs(new Random(1), 4));
    net.refreshStatistics(train, [randomObs(new Random(4), 4)]);
    expect(() => net.backward(train)).toThrow(/first/); // a statistics pass is not a forward backward() may follow
    const other = modelFactory(referenceBackend, "resnet", { depth: 2, width: 8, numActions: A }, { seed: 1 });
    expect(() => other.forward(train, "infer")).toThrow(/not made by this network/);
    net.freePlan(train);
    expect(() => net.forward(train, "infer")).toThrow(/not made by this network \(or was freed\)/);
    expect(() => net.plan(0, { training: true })).toThrow(/positive integer/);
    net.destroy();
    other.destroy();
  });

  test("inference plans share block buffers; outputs equal those of a training plan in inference mode", async () => {
    const net = modelFactory(referenceBackend, "resnet", { depth: 3, width: 8, numActions: A }, { seed: 1 });
    const obs = randomObs(new Random(3), 2);
    const a = net.plan(2, { training: false });
    const b = net.plan(2, { training: true });
    for (const p of [a, b]) {
      net.setInputs(p, obs);
      net.forward(p, "infer");
    }
    expect(await referenceBackend.read(a.logits)).toEqual(await referenceBackend.read(b.logits));
    expect(await referenceBackend.read(a.value)).toEqual(await referenceBackend.read(b.value));
    net.destroy();
  });

  test("packLegalActions: CSR lists → bit mask", () => {
    const bits = packLegalActions(Int32Array.of(0, 2, 3), Int32Array.of(0, 33, 299), 2, A);
    expect(bits.length).toBe(2 * 10);
    expect([bits[0], bits[1], bits[10 + 9]]).toEqual([1, 2, 1 << (299 & 31)]);
    expect(() => packLegalActions(Int32Array.of(0, 1), Int32Array.of(300), 1, A)).toThrow(/outside/);
  });
});
