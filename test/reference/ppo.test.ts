// Training math against the PyTorch referee (keisei_torch.py), on the TypeScript twins, the wasm
// cpu backend and the WGSL kernels: seeded data written here (observations, legal masks, actions, old log-probabilities,
// advantages, returns, old values), and PyTorch's autograd, clip_grad_norm_ and Adam / AdamW as
// the judge of keisei's hand-written backward passes, clipping and optimizer.
//
// - one step: the per-sample PPO terms (clipped surrogate, clipped value loss, entropy over the
//   legal moves), every parameter's gradient, the global gradient norm, and the parameters and
//   running statistics after one clipped Adam(W) step with weight decay; in BatchNorm's "train"
//   mode (batch statistics) and keisei's PPO mode "frozen" (running statistics held constant);
// - a whole update (rl/ppo.ts PpoLearner): GAE per colour with terminal handling against NumPy,
//   advantage normalisation, shuffled minibatches over two epochs, a linear LR schedule, AdamW,
//   the metrics, the last gradients, the parameters after every step and the re-estimated
//   running statistics.
// Each comparison prints its worst tensor; a failure names it.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backend } from "../../src/compute/backend.ts";
import { CpuBackend } from "../../src/compute/cpu/backend.ts";
import * as ops from "../../src/compute/ops.ts";
import { Random } from "../../src/util/random.ts";
import { RolloutBuffer } from "../../src/rl/buffer.ts";
import { PpoLearner } from "../../src/rl/ppo.ts";
import { saveCheckpoint } from "../../src/models/checkpoint.ts";
import { architectureOf } from "../../src/models/factory.ts";
import type { Mode } from "../../src/models/network.ts";
import { Adam, type AdamConfig } from "../../src/models/optimizer.ts";
import type { Architecture } from "../../src/models/params.ts";
import { bytesOf, encodeSafetensors, readSafetensorsFile, type SafeTensor } from "../../src/models/safetensors.ts";
import { writeFileAtomic } from "../../src/util/atomic-write.ts";
import { compare } from "../compute/helpers.ts";
import { referenceBackend, gpuBackend, hasWebGpu, randomObs } from "../models/helpers.ts";
import { f32, gatherTensor, hasTorch, randomisedNetwork, runTorch } from "./torch.ts";
import { finishRollout } from "../rl/helpers.ts";

const A = 13_527;
const WORDS = ops.maskWords(A);
const BIAS_BEFORE_BN = /^(stem|res_blocks\.\d+\.conv[12]|policy_head\.0|value_head\.0)\.bias$/;
// "reference": the TypeScript twins; "cpu": the wasm SIMD backend `env.device: cpu` runs; "webgpu": the WGSL kernels
const BACKENDS = [["reference"], ["cpu"], ["webgpu"]] as const;
const fastCpu = new CpuBackend();
const backendOf = async (kind: (typeof BACKENDS)[number][0]): Promise<Backend> =>
  kind === "reference" ? referenceBackend : kind === "cpu" ? fastCpu : await gpuBackend();

const readOut = (path: string) => {
  const { tensors } = readSafetensorsFile(path);
  return (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`${path}: no tensor ${name}`);
    return t.dtype === "F32"
      ? new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4)
      : Float64Array.from(new Float64Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 8));
  };
};
function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/** Worst of the comparisons so far; `check` throws naming the tensor when one is out of tolerance. */
class Judge {
  worst = { ratio: 0, label: "" };
  check(
    got: ArrayLike<number>,
    want: ArrayLike<number>,
    label: string,
    atol: number,
    rtol: number,
    track = true,
  ): void {
    const c = compare(got, want, atol, rtol);
    const ratio = c.maxDiff / (atol + rtol * Math.abs(want[c.at] ?? 0));
    if (track && ratio > this.worst.ratio)
      this.worst = { ratio, label: `${label} (max |diff| ${c.maxDiff.toExponential(2)})` };
    if (c.bad > 0)
      throw new Error(
        `${label}: ${c.bad}/${got.length} elements differ from PyTorch beyond ${atol.toExponential(1)} + ${rtol}·|ref|; max |diff| ${c.maxDiff} at [${c.at}] (keisei ${got[c.at]}, PyTorch ${want[c.at]})`,
      );
  }

  /**
   * Parameters after Adam steps: within `atol`, but for a few elements (at most 1e-4 of them) whose
   * gradient is near Adam's eps, where rounding moves the step; those stay within the step bound.
   */
  checkSteps(got: ArrayLike<number>, want: ArrayLike<number>, label: string, atol: number, bound: number): void {
    let off = 0;
    for (let i = 0; i < got.length; i++) {
      const d = Math.abs(got[i] - want[i]);
      if (!(d <= bound))
        throw new Error(`${label}[${i}]: keisei ${got[i]}, PyTorch ${want[i]}: beyond the Adam step bound ${bound}`);
      if (d > atol) off++;
    }
    const allowed = Math.max(2, Math.floor(1e-4 * got.length));
    if (off > allowed)
      throw new Error(
        `${label}: ${off} of ${got.length} elements differ from PyTorch beyond ${atol.toExponential(1)} (allowed ${allowed})`,
      );
    const c = compare(got, want, atol, 0);
    if (off === 0 && c.maxDiff / atol > this.worst.ratio)
      this.worst = { ratio: c.maxDiff / atol, label: `${label} (max |diff| ${c.maxDiff.toExponential(2)})` };
  }
}

/** Legal moves of `rows` rows: `count` random actions each, the first one taken. */
function legalMoves(rng: Random, rows: number, count: number) {
  const lists: Int32Array[] = [];
  const mask = new Uint32Array(rows * WORDS);
  const dense = new Uint8Array(rows * A);
  for (let r = 0; r < rows; r++) {
    const set = new Set<number>();
    while (set.size < count) set.add(rng.int(A));
    lists.push(Int32Array.from(set));
    for (const a of set) {
      mask[r * WORDS + (a >>> 5)] |= 1 << (a & 31);
      dense[r * A + a] = 1;
    }
  }
  return { lists, mask, dense };
}

// ------------------------------------------------------------------------------------ one step

interface StepCase {
  name: string;
  arch: Architecture;
  mode: Extract<Mode, "train" | "frozen">;
  adam: AdamConfig;
}

const STEP_CASES: StepCase[] = [
  // clipping active (the norm is ~10), L2 weight decay added to the clipped gradient
  {
    name: "2x16 SE dense, train mode, Adam + L2",
    arch: architectureOf("resnet", { depth: 2, width: 16, seRatio: 0.25 }),
    mode: "train",
    adam: { lr: 1e-3, maxGradNorm: 0.5, weightDecay: 0.05 },
  },
  {
    name: "1x16 SE conv head, frozen mode, AdamW",
    arch: architectureOf("resnet", { depth: 1, width: 16, seRatio: 0.5, policyHead: "conv" }),
    mode: "frozen",
    adam: { lr: 1e-3, maxGradNorm: 0.5, weightDecay: 0.1, decoupled: true },
  },
  {
    name: "3x8 no SE conv head, train mode, no clipping",
    arch: architectureOf("resnet", { depth: 3, width: 8, seRatio: 0, policyHead: "conv" }),
    mode: "train",
    adam: { lr: 1e-3, maxGradNorm: 0 },
  },
  {
    name: "cnn, Adam + L2",
    arch: architectureOf("cnn"),
    mode: "train",
    adam: { lr: 1e-3, maxGradNorm: 1, weightDecay: 0.01 },
  },
];
const PPO = { clipEps: 0.2, valueCoef: 0.5, entropyCoef: 0.01, valueClip: true };
const STEP_B = 8;

describe.skipIf(!hasTorch)("one PPO step against PyTorch", () => {
  const results = new Map<string, { dir: string; inputs: ReturnType<typeof stepInputs> }>();

  function stepInputs(seed: number) {
    const rng = new Random(seed);
    const obs = randomObs(rng, STEP_B);
    const { mask, dense, lists } = legalMoves(rng, STEP_B, 50);
    const actions = Uint32Array.from(lists, (l) => l[0]);
    const samples = new Float32Array(STEP_B * 4); // oldLogp, advantage, return, oldValue
    for (let b = 0; b < STEP_B; b++) {
      const ret = 2 * rng.next() - 1;
      samples.set([-Math.log(50) + 0.4 * rng.normal(), rng.normal(), ret, ret + 0.4 * rng.normal()], 4 * b);
    }
    return { obs, mask, dense, actions, samples };
  }

  /** PyTorch's answer for a case (computed once, shared by both backends). */
  async function torchStep(c: StepCase, k: number) {
    const have = results.get(c.name);
    if (have) return have;
    const dir = mkdtempSync(join(tmpdir(), "keisei-step-"));
    const inputs = stepInputs(100 + k);
    const net = await randomisedNetwork(referenceBackend, c.arch, 200 + k);
    await saveCheckpoint(join(dir, "weights.safetensors"), net);
    net.destroy();
    const s = inputs.samples;
    const col = (j: number) => Float32Array.from({ length: STEP_B }, (_, b) => s[4 * b + j]);
    const tensors: [string, SafeTensor][] = [
      ["obs", f32(inputs.obs, [STEP_B, 46 * 81])],
      ["legal", { dtype: "U8", shape: [STEP_B, A], data: inputs.dense }],
      ["actions", { dtype: "U32", shape: [STEP_B], data: bytesOf(inputs.actions) }],
      ["old_logp", f32(col(0))],
      ["advantages", f32(col(1))],
      ["returns", f32(col(2))],
      ["old_values", f32(col(3))],
    ];
    if (c.arch.policyHead === "conv") tensors.push(gatherTensor());
    writeFileAtomic(join(dir, "step.in.safetensors"), encodeSafetensors(tensors));
    const a = c.adam;
    writeFileSync(
      join(dir, "settings.json"),
      JSON.stringify({
        mode: c.mode,
        lr: a.lr,
        weight_decay: a.weightDecay ?? 0,
        decoupled: a.decoupled ?? false,
        max_grad_norm: a.maxGradNorm || 1e30,
        clip_eps: PPO.clipEps,
        value_coef: PPO.valueCoef,
        entropy_coef: PPO.entropyCoef,
        value_clip: PPO.valueClip,
      }),
    );
    runTorch(["step", dir]);
    const r = { dir, inputs };
    results.set(c.name, r);
    return r;
  }

  describe.each(BACKENDS)("on %s", (kind) => {
    test.skipIf(kind === "webgpu" && !hasWebGpu).each(STEP_CASES.map((c, k) => [c.name, c, k] as const))(
      "%s",
      async (_name, c, k) => {
        const { dir, inputs } = await torchStep(c, k);
        const want = readOut(join(dir, "step.out.safetensors"));
        const be = await backendOf(kind);
        const net = await randomisedNetwork(be, c.arch, 200 + k);
        const adam = new Adam(net, c.adam);
        const plan = net.plan(STEP_B, { training: true });
        // The PPO loss kernel's buffers (the learner's own, not the network's).
        const ppo = {
          actions: be.alloc("ppo.actions", STEP_B, "u32"),
          samples: be.alloc("ppo.samples", STEP_B * 4),
          stats: be.alloc("ppo.stats", STEP_B * 6),
          means: be.alloc("ppo.means", 7),
        };
        net.setInputs(plan, inputs.obs, inputs.mask);
        be.write(ppo.actions, inputs.actions);
        be.write(ppo.samples, inputs.samples);
        net.zeroGrad();
        net.forward(plan, c.mode);
        ops.ppoLoss(
          be,
          { dlogits: plan.dlogits, dvalues: plan.dvalue, stats: ppo.stats, means: ppo.means },
          { logits: plan.logits, mask: plan.mask, actions: ppo.actions, samples: ppo.samples, values: plan.value },
          { rows: STEP_B, actions: A },
          PPO,
        );
        net.backward(plan);
        adam.update();
        const [logits, value, stats, means] = await Promise.all([
          be.read(plan.logits),
          be.read(plan.value),
          be.read(ppo.stats),
          be.read(ppo.means),
        ]);
        const [grads, after, afterStats, norm] = [
          await net.readGradients(),
          await net.readParameters(),
          await net.readStats(),
          await adam.gradNorm(),
        ];

        const judge = new Judge();
        const [rtol, scale] = kind === "webgpu" ? [1e-3, 1e-4] : [1e-4, 1e-5];
        judge.check(logits, want("logits"), "logits", scale * maxAbs(want("logits")) + 1e-6, rtol);
        judge.check(value, want("value"), "value", scale * maxAbs(want("value")) + 1e-6, rtol);
        // per-sample terms: policy loss, value loss, entropy over legal moves, old − new log-prob, clipped, log-prob
        judge.check(stats as Float32Array, want("stats"), "PPO per-sample terms", 1e-5, 10 * rtol);
        judge.check([means[6]], want("loss"), "PPO loss", 1e-6, 10 * rtol);
        judge.check([norm], want("grad_norm"), "global gradient norm", 1e-6, 10 * rtol);
        const lr = c.adam.lr;
        for (const t of net.table.tensors) {
          const at = (flat: Float32Array) => flat.subarray(t.offset, t.offset + t.size);
          const g = want(`grad.${t.name}`);
          if (maxAbs(g) === 0)
            throw new Error(
              `PyTorch's gradient of ${t.name} is 0: the data leaves that layer dead, so it tests nothing there (pick other seeds)`,
            );
          // a conv bias feeding a training-mode BatchNorm has a true gradient of 0 (rounding noise)
          const noise = c.mode === "train" && BIAS_BEFORE_BN.test(t.name);
          const weightScale = maxAbs(want(`grad.${t.name.replace(/bias$/, "weight")}`));
          if (noise) judge.check(at(grads), g, `gradient ${t.name}`, 1e-4 * weightScale, 0, false);
          else judge.check(at(grads), g, `gradient ${t.name}`, 10 * scale * maxAbs(g) + 1e-7, 10 * rtol);
          // one Adam step moves an element by about lr; rounding noise can flip the sign of a noise gradient's step
          if (noise)
            judge.check(at(after), want(`after.${t.name}`), `parameter ${t.name} after the step`, 2.01 * lr, 0, false);
          else
            judge.checkSteps(
              at(after),
              want(`after.${t.name}`),
              `parameter ${t.name} after the step`,
              1e-2 * lr + 1e-6,
              2.01 * lr,
            );
        }
        // tight: BatchNorm's unbiased running variance differs from the biased one by 1/(B·81 − 1)
        for (const t of net.statsTable.tensors)
          judge.check(
            afterStats.subarray(t.offset, t.offset + t.size),
            want(`after.${t.name}`),
            `running ${t.name}`,
            kind === "webgpu" ? 1e-5 : 1e-6,
            rtol / 10,
          );
        console.log(
          `one step [${kind}] ${c.name}: worst ${judge.worst.label}, ${(judge.worst.ratio * 100).toFixed(1)}% of tolerance`,
        );
        adam.destroy();
        net.destroy();
      },
      120_000,
    );
  });
});

// ------------------------------------------------------------------------------------ a whole update

const UPDATE = {
  arch: architectureOf("resnet", { depth: 2, width: 8, seRatio: 0.25, policyHead: "conv" }),
  games: 6,
  transitions: 96,
  minibatch: 32,
  epochs: 2,
  gamma: 0.99,
  lambda: 0.95,
  adam: { lr: 2e-3, maxGradNorm: 0.5, weightDecay: 0.05, decoupled: true } satisfies AdamConfig,
};

/** A rollout of interleaved games through RolloutBuffer's own API, and its event log for NumPy. */
function makeRollout(seed: number) {
  const rng = new Random(seed);
  const { transitions: N, games: G } = UPDATE;
  const buffer = new RolloutBuffer(N, 46 * 81, G);
  const obs = randomObs(rng, N);
  const { lists, dense } = legalMoves(rng, N, 30);
  const events = new Float32Array(N * 6); // game, colour, value, reward, done, bootstrap
  const mover = new Int32Array(G); // whose turn each game is
  const lastOf = new Map<number, number>(); // (game, colour) → its newest transition
  for (let t = 0; t < N; t++) {
    const game = rng.int(G);
    const colour = mover[game];
    const value = 0.8 * (2 * rng.next() - 1);
    buffer.add(
      game,
      colour,
      obs,
      t * 46 * 81,
      lists[t][0],
      -Math.log(30) + 0.4 * rng.normal(),
      value,
      lists[t],
      0,
      lists[t].length,
    );
    events.set([game, colour, value, 0, 0, 0], 6 * t);
    lastOf.set(2 * game + colour, t);
    mover[game] = 1 - colour;
    if (t > 8 && rng.next() < 0.06) {
      // the game ends: a win for either side, or a draw; both colours' last transitions are terminal
      const u = rng.next();
      const winner = u < 0.4 ? 0 : u < 0.8 ? 1 : null;
      buffer.endGame(game, winner);
      for (const c of [0, 1]) {
        const last = lastOf.get(2 * game + c);
        if (last === undefined) continue;
        events[6 * last + 3] = winner === null ? 0 : winner === c ? 1 : -1;
        events[6 * last + 4] = 1;
        lastOf.delete(2 * game + c);
      }
      mover[game] = 0;
    }
  }
  // trajectories still in progress bootstrap with a value of the position they reached
  const bootstrap = new Map<number, number>();
  finishRollout(
    buffer,
    (g, c) => {
      const v = 0.5 * (2 * rng.next() - 1);
      bootstrap.set(2 * g + c, v);
      return v;
    },
    UPDATE.gamma,
    UPDATE.lambda,
  );
  for (const [slot, t] of lastOf) events[6 * t + 5] = bootstrap.get(slot) ?? Number.NaN;
  return { buffer, obs, dense, events, terminals: events.filter((_, i) => i % 6 === 4).reduce((s, d) => s + d, 0) };
}

describe.skipIf(!hasTorch)("a whole PPO update (rl/ppo.ts) against PyTorch", () => {
  let torchDir: string | null = null;
  const seed = 31;

  function permutations(): Int32Array {
    // the learner's shuffles, replayed from a copy of its RNG
    const rng = new Random(seed);
    const order = Int32Array.from({ length: UPDATE.transitions }, (_, i) => i);
    const out = new Int32Array(UPDATE.epochs * UPDATE.transitions);
    for (let e = 0; e < UPDATE.epochs; e++) out.set(rng.shuffle(order), e * UPDATE.transitions);
    return out;
  }

  async function torchUpdate(): Promise<string> {
    if (torchDir) return torchDir;
    const dir = mkdtempSync(join(tmpdir(), "keisei-update-"));
    const { buffer, dense, events, terminals } = makeRollout(7);
    expect(terminals).toBeGreaterThan(3); // the log exercises terminal handling
    const net = await randomisedNetwork(referenceBackend, UPDATE.arch, 56);
    await saveCheckpoint(join(dir, "weights.safetensors"), net);
    net.destroy();
    const N = UPDATE.transitions;
    writeFileAtomic(
      join(dir, "update.in.safetensors"),
      encodeSafetensors([
        ["obs", f32(buffer.obs.slice(0, N * 46 * 81), [N, 46 * 81])],
        ["legal", { dtype: "U8", shape: [N, A], data: dense }],
        ["actions", { dtype: "U32", shape: [N], data: bytesOf(Uint32Array.from(buffer.actions.subarray(0, N))) }],
        ["old_logp", f32(buffer.logProbs.slice(0, N))],
        ["old_values", f32(buffer.values.slice(0, N))],
        ["events", f32(events, [N, 6])],
        [
          "permutations",
          { dtype: "U32", shape: [UPDATE.epochs, N], data: bytesOf(new Uint32Array(permutations().buffer)) },
        ],
        gatherTensor(),
      ]),
    );
    const a = UPDATE.adam;
    writeFileSync(
      join(dir, "settings.json"),
      JSON.stringify({
        minibatch: UPDATE.minibatch,
        epochs: UPDATE.epochs,
        gamma: UPDATE.gamma,
        lambda: UPDATE.lambda,
        normalize_advantages: true,
        lr: a.lr,
        weight_decay: a.weightDecay,
        decoupled: a.decoupled,
        max_grad_norm: a.maxGradNorm,
        clip_eps: PPO.clipEps,
        value_coef: PPO.valueCoef,
        entropy_coef: PPO.entropyCoef,
        value_clip: PPO.valueClip,
        schedule: "linear",
        schedule_kwargs: { final_lr_fraction: 0.3 },
        schedule_step_on: "update",
        schedule_total: 8,
      }),
    );
    runTorch(["update", dir]);
    torchDir = dir;
    return dir;
  }

  test("GAE per colour with terminal handling equals NumPy's", async () => {
    const want = readOut(join(await torchUpdate(), "update.out.safetensors"));
    const { buffer } = makeRollout(7);
    const judge = new Judge();
    judge.check(buffer.advantages.subarray(0, UPDATE.transitions), want("advantages"), "advantages", 1e-5, 1e-5);
    judge.check(buffer.returns.subarray(0, UPDATE.transitions), want("returns"), "returns", 1e-5, 1e-5);
    console.log(`GAE vs NumPy: worst ${judge.worst.label}`);
  }, 120_000);

  test.each(BACKENDS)(
    "on %s: metrics, last gradients, parameters and running statistics after the update",
    async (kind) => {
      if (kind === "webgpu" && !hasWebGpu) return;
      const want = readOut(join(await torchUpdate(), "update.out.safetensors"));
      const be = await backendOf(kind);
      const net = await randomisedNetwork(be, UPDATE.arch, 56);
      const adam = new Adam(net, UPDATE.adam);
      const learner = new PpoLearner(
        net,
        adam,
        {
          epochs: UPDATE.epochs,
          minibatchSize: UPDATE.minibatch,
          clipEpsilon: PPO.clipEps,
          valueLossCoeff: PPO.valueCoef,
          entropyCoef: PPO.entropyCoef,
          normalizeAdvantages: true,
          enableValueClipping: PPO.valueClip,
          targetKl: null,
          schedule: { type: "linear", kwargs: { final_lr_fraction: 0.3 }, stepOn: "update" },
          scheduleTotalSteps: 8,
        },
        new Random(seed),
      );
      const m = await learner.update(makeRollout(7).buffer);
      const [grads, after, afterStats] = [await net.readGradients(), await net.readParameters(), await net.readStats()];

      const judge = new Judge();
      const rtol = kind === "webgpu" ? 1e-3 : 1e-4;
      // PyTorch's means: policy, value, entropy, old approx-KL, approx-KL, clip fraction, grad norm, explained variance, lr
      const means = want("means");
      const got = [
        m["losses/policy_loss"],
        m["losses/value_loss"],
        m["losses/entropy"],
        m["losses/old_approx_kl"],
        m["losses/approx_kl"],
        m["losses/clipfrac"],
        m["losses/grad_norm"],
        m["losses/explained_variance"],
        m["charts/learning_rate"],
      ];
      const names = [
        "policy_loss",
        "value_loss",
        "entropy",
        "old_approx_kl",
        "approx_kl",
        "clipfrac",
        "grad_norm",
        "explained_variance",
        "learning_rate",
      ];
      names.forEach((n, i) => {
        judge.check([got[i]], [means[i]], `metric ${n}`, 1e-5, rtol);
      });
      expect(m["losses/minibatch_updates"]).toBe(want("per_update").length / 7);
      expect(means[5]).toBeGreaterThan(0); // some ratios left the trust region: the clipped branch is exercised
      for (const t of net.table.tensors) {
        const at = (flat: Float32Array) => flat.subarray(t.offset, t.offset + t.size);
        const g = want(`grad.${t.name}`);
        if (maxAbs(g) === 0)
          throw new Error(
            `PyTorch's last gradient of ${t.name} is 0: the data leaves that layer dead, so it tests nothing there (pick other seeds)`,
          );
        judge.check(at(grads), g, `last gradient ${t.name}`, 2 * rtol * maxAbs(g) + 1e-8, 10 * rtol);
        // six Adam steps of at most lr each
        judge.checkSteps(
          at(after),
          want(`after.${t.name}`),
          `parameter ${t.name} after the update`,
          0.01 * UPDATE.adam.lr,
          2.01 * 6 * UPDATE.adam.lr,
        );
      }
      for (const t of net.statsTable.tensors)
        judge.check(
          afterStats.subarray(t.offset, t.offset + t.size),
          want(`after.${t.name}`),
          `re-estimated ${t.name}`,
          kind === "webgpu" ? 1e-5 : 1e-6,
          rtol / 10,
        );
      console.log(
        `PPO update [${kind}]: worst ${judge.worst.label}, ${(judge.worst.ratio * 100).toFixed(1)}% of tolerance`,
      );
      learner.destroy();
      adam.destroy();
      net.destroy();
    },
    120_000,
  );
});
