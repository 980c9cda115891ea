// The actor-critic base: what every network (ResNet tower, simple CNN) shares.
//
// - ONE flat parameter buffer laid out by the size table (params.ts); gradients in a second buffer
//   with the same layout; BN running statistics in a third (not trainable). Each tensor is bound
//   as a view, created once here.
// - Activations planned once per batch size: plan(B) allocates every buffer a forward (and, for a
//   training plan, a backward) at batch B needs. Inputs of another size are an error, never a
//   silent reallocation. A network knows no learning algorithm: a training plan holds the
//   gradients of the outputs, and a learner (rl/ppo.ts) owns whatever scratch its loss needs.
// - forward(plan, "train" | "infer" | "frozen") writes plan.logits [B, A] and plan.value [B];
//   "train" uses batch statistics and updates the running ones, "infer" uses the running ones,
//   "frozen" (training plans) is "infer"'s function kept differentiable: the running statistics
//   are constants of the backward and are not updated. PPO trains in "frozen" mode, so that the
//   function it trains is the one that acted, and then refreshStatistics() re-estimates the
//   running statistics from the rollout by training-mode forwards (their cumulative average).
//   backward(plan), after a "train" or "frozen" forward, reads plan.dlogits / plan.dvalue and
//   ACCUMULATES into the gradients (zeroGrad once per step). The subclasses write both as flat
//   lists of ops.ts layer calls.
// - Acting (reference §4.3): getActionAndValue samples (or takes the argmax of) the masked policy;
//   evaluateActions gives log-probabilities, entropies and values of given actions (for analysis
//   and tests: PPO gets these from its loss kernel). A legal mask row with no legal action is an
//   error naming the row (reference §13.2 item 14).
// - Storage "f16" (training.mixed_precision, on a backend with f16 buffers): the forward
//   activations are stored as f16 (but the conv policy head's move planes, gathered into the
//   logits), and the conv and linear layers read their weights from an f16 copy of `params`,
//   refreshed before the first forward after the parameters change; the parameters, their
//   gradients, the activation gradients, the BN statistics and the outputs stay f32, and
//   every kernel computes in f32 (compute/kernels/f16.ts). Whoever changes `params` other than by
//   writeParameters or the optimizer calls parametersChanged().
//
// Defines: Mode, BN_MOMENTUM, Plan, TrainingPlan, Layer, BatchNorm, NetworkInit, Storage, Network, ActResult,
//          EvaluateResult, packLegalActions, checkLegalRows.

import type { Backend, Buf, DType } from "../compute/backend.ts";
import { kernelsFor } from "../compute/kernels/index.ts";
import { legalLogSumExp } from "../compute/kernels/softmax.ts";
import * as ops from "../compute/ops.ts";
import { addAttackPlanes } from "../shogi/features.ts";
import { initTable } from "./init.ts";
import { parameterTable, statsTable, type Architecture, type SizeTable } from "./params.ts";

/** "train": batch statistics (running ones updated); "infer": running statistics; "frozen": running statistics, differentiable. */
export type Mode = "train" | "infer" | "frozen";

/** BatchNorm momentum of an ordinary training-mode forward (PyTorch's default). */
export const BN_MOMENTUM = 0.1;

/** The buffers of one planned batch size that callers read and write (an inference plan: forward "infer" only). */
export interface Plan {
  readonly batch: number; // B
  /** Whether backward() is possible (activations kept per layer, gradient buffers allocated). */
  readonly training: boolean;
  readonly obs: Buf<"f32">; // [B, C_in, 9, 9]  input
  readonly logits: Buf<"f32">; // [B, A]  output
  readonly value: Buf<"f32">; // [B]  output (no tanh)
  readonly mask: Buf<"u32">; // [B, ceil(A/32)] u32  legal-action bits (bit a & 31 of word a >> 5)
  readonly actions: Buf<"u32">; // [B] u32  getActionAndValue's choices
  readonly uniforms: Buf<"f32">; // [B]  sampling uniforms in [0, 1)
  readonly actionLogp: Buf<"f32">; // [B]  log π of the chosen actions
}

/** A plan that can also run backward(): it keeps each layer's activations and takes the outputs' gradients. */
export interface TrainingPlan extends Plan {
  readonly training: true;
  readonly dlogits: Buf<"f32">; // [B, A]  ∂loss/∂logits, written by the caller's loss
  readonly dvalue: Buf<"f32">; // [B]  ∂loss/∂value
}

export interface ActResult {
  actions: Uint32Array; // [B]
  logProbs: Float32Array; // [B]
  values: Float32Array; // [B]
}

export interface EvaluateResult {
  logProbs: Float32Array; // [B]
  entropy: Float32Array; // [B]  over the legal moves
  values: Float32Array; // [B]
}

/** A conv or linear layer's tensors (views of params / grads). */
export interface Layer {
  w: Buf;
  b: Buf;
  dw: Buf;
  db: Buf;
}

/** A BatchNorm layer's tensors. */
export interface BatchNorm {
  gamma: Buf;
  beta: Buf;
  dgamma: Buf;
  dbeta: Buf;
  mean: Buf; // running mean (stats)
  var: Buf; // running var (stats)
}

interface PlanState<Acts> {
  acts: Acts;
  /** Every allocation of the plan, for freePlan. */
  owned: Buf[];
  lastForward: Mode | null;
}

/** The initial contents of a network's buffers: a seed (PyTorch default init), or given values. */
export type NetworkInit = { seed: number } | { params: Float32Array; stats: Float32Array };

/** How activations and the weights layers read are stored: "f32", or "f16" (f32 arithmetic; see the header). */
export type Storage = "f32" | "f16";

export abstract class Network<Acts = unknown> {
  readonly table: SizeTable;
  readonly statsTable: SizeTable;
  /** [table.length] all trainable tensors. */
  readonly params: Buf<"f32">;
  /** [table.length] gradients, same layout. */
  readonly grads: Buf<"f32">;
  /** [statsTable.length] BN running mean / var (unused padding only, for the CNN). */
  readonly stats: Buf<"f32">;
  /** BN forward passes in training mode (PyTorch's num_batches_tracked, the same for every BN layer). */
  numBatchesTracked = 0;
  /** [table.length] f16 copy of `params` the conv and linear layers read (storage "f16"), else null. */
  readonly weights16: Buf<"f16"> | null;
  /** Element type of the forward activations. */
  protected readonly activationType: "f32" | "f16";
  private weightsStale = true;
  /** Policy outputs A. */
  readonly numActions: number;
  readonly maskWords: number;
  readonly obsSize: number;
  private paramViews = new Map<string, Buf>();
  private weight16Views = new Map<string, Buf>();
  private gradViews = new Map<string, Buf>();
  private statViews = new Map<string, Buf>();
  private plans = new Map<Plan, PlanState<Acts>>();

  /** core46-attacks: the observations with planes 44–45 derived (setInputs). */
  private inputScratch = new Float32Array(0);

  constructor(
    readonly backend: Backend,
    readonly arch: Architecture,
    init: NetworkInit,
    readonly storage: Storage = "f32",
  ) {
    if (storage === "f16" && !backend.info.f16)
      throw new Error(
        `f16 storage needs a WebGPU device with shader-f16; the backend is ${backend.info.description}${backend.info.kind === "webgpu" ? ", which does not offer it" : ""}`,
      );
    this.table = parameterTable(arch);
    this.statsTable = statsTable(arch);
    this.numActions = arch.numActions;
    this.maskWords = ops.maskWords(arch.numActions);
    this.obsSize = arch.inputPlanes * 81;
    const be = backend;
    this.params = be.alloc("params", this.table.length);
    this.grads = be.alloc("grads", this.table.length);
    this.stats = be.alloc("bn_stats", this.statsTable.length);
    this.activationType = storage;
    this.weights16 = storage === "f16" ? be.alloc("weights_f16", this.table.length, "f16") : null;
    for (const t of this.table.tensors) {
      this.paramViews.set(t.name, be.view(this.params, t.offset, t.size, t.name));
      if (this.weights16) this.weight16Views.set(t.name, be.view(this.weights16, t.offset, t.size, `${t.name} (f16)`));
      this.gradViews.set(t.name, be.view(this.grads, t.offset, t.size, `grad ${t.name}`));
    }
    for (const t of this.statsTable.tensors) this.statViews.set(t.name, be.view(this.stats, t.offset, t.size, t.name));
    const values =
      "seed" in init ? { params: initTable(this.table, init.seed), stats: initTable(this.statsTable, 0) } : init;
    this.writeParameters(values.params);
    this.writeStats(values.stats);
  }

  /** Trainable parameters (padding excluded). */
  get numParameters(): number {
    return this.table.count;
  }

  /** The parameter tensor `name` (a view of `params`). */
  param(name: string): Buf {
    return lookup(this.paramViews, name, "parameter");
  }

  /** The gradient of parameter `name` (a view of `grads`). */
  grad(name: string): Buf {
    return lookup(this.gradViews, name, "parameter");
  }

  /** The running statistic `name` (…running_mean / …running_var; a view of `stats`). */
  stat(name: string): Buf {
    return lookup(this.statViews, name, "running statistic");
  }

  /** Weight, bias (as the forward reads them: the f16 copy's views under storage "f16") and their gradients of the conv / linear layer `name`. */
  protected layer(name: string): Layer {
    const read = (n: string) => (this.weights16 ? lookup(this.weight16Views, n, "parameter") : this.param(n));
    return {
      w: read(`${name}.weight`),
      b: read(`${name}.bias`),
      dw: this.grad(`${name}.weight`),
      db: this.grad(`${name}.bias`),
    };
  }

  /** Affine parameters, their gradients and the running statistics of the BatchNorm `name`. */
  protected batchNorm(name: string): BatchNorm {
    return {
      gamma: this.param(`${name}.weight`),
      beta: this.param(`${name}.bias`),
      dgamma: this.grad(`${name}.weight`),
      dbeta: this.grad(`${name}.bias`),
      mean: this.stat(`${name}.running_mean`),
      var: this.stat(`${name}.running_var`),
    };
  }

  /** Compiles every kernel ahead of first use (WebGPU: ~1 s for all on lavapipe; no-op on cpu); under f16 storage, each kernel's f16 variant compiles at its first use. */
  prepare(): Promise<void> {
    return this.backend.prepare(kernelsFor(this.backend.info.style, this.backend.variants));
  }

  // ---------------------------------------------------------------- plans

  /**
   * Allocates every buffer a batch of `batch` needs, once. A training plan keeps each layer's
   * activations for backward() and holds the gradient buffers; an inference plan reuses one set
   * of per-block buffers across the tower. The same (batch, training) returns the same plan.
   */
  plan(batch: number, opts: { training: true }): TrainingPlan;
  plan(batch: number, opts: { training: false }): Plan;
  plan(batch: number, opts: { training: boolean }): Plan | TrainingPlan;
  plan(batch: number, opts: { training: boolean }): Plan | TrainingPlan {
    if (!Number.isInteger(batch) || batch < 1)
      throw new Error(`plan: batch size must be a positive integer, got ${batch}`);
    for (const [p] of this.plans) if (p.batch === batch && p.training === opts.training) return p;
    const be = this.backend;
    const owned: Buf[] = [];
    const alloc = <D extends DType = "f32">(label: string, length: number, dtype?: D) => {
      const b = be.alloc(`B${batch}.${label}`, length, dtype ?? ("f32" as D));
      owned.push(b);
      return b;
    };
    const t = opts.training;
    const A = this.numActions;
    const common: Plan = {
      batch,
      training: t,
      obs: alloc("obs", batch * this.obsSize),
      logits: alloc("logits", batch * A),
      value: alloc("value", batch),
      mask: alloc("mask", batch * this.maskWords, "u32"),
      actions: alloc("actions", batch, "u32"),
      uniforms: alloc("uniforms", batch),
      actionLogp: alloc("actionLogp", batch),
    };
    const plan: Plan | TrainingPlan = t
      ? { ...common, training: true, dlogits: alloc("dlogits", batch * A), dvalue: alloc("dvalue", batch) }
      : common;
    const acts = this.planActivations(batch, t, alloc);
    this.plans.set(plan, { acts, owned, lastForward: null });
    return plan;
  }

  /** Frees a plan's buffers. */
  freePlan(plan: Plan): void {
    const st = this.plans.get(plan);
    if (!st) return;
    for (const b of st.owned) this.backend.free(b);
    this.plans.delete(plan);
  }

  /** Subclass: allocate (with `alloc`; forward activations of type activationType) the activations of one batch size. */
  protected abstract planActivations(
    batch: number,
    training: boolean,
    alloc: (label: string, length: number, dtype?: DType) => Buf,
  ): Acts;

  private stateOf(plan: Plan): PlanState<Acts> {
    const st = this.plans.get(plan);
    if (!st) throw new Error(`plan for batch ${plan.batch} was not made by this network (or was freed)`);
    return st;
  }

  // ---------------------------------------------------------------- forward / backward

  /**
   * logits, value ← network(obs). "train": batch statistics, running statistics updated (momentum
   * BN_MOMENTUM). "infer": running statistics. "frozen" (training plans): the "infer" outputs, with
   * what backward() needs kept; the running statistics are not updated.
   */
  forward(plan: Plan, mode: Mode): void {
    const st = this.stateOf(plan);
    if (mode !== "infer" && !plan.training)
      throw new Error(
        `forward("${mode}") on the inference plan for batch ${plan.batch}; make it with plan(${plan.batch}, { training: true })`,
      );
    this.refreshWeights();
    this.forwardLayers(plan, st.acts, mode, BN_MOMENTUM);
    if (mode === "train") this.numBatchesTracked++;
    st.lastForward = mode;
  }

  /**
   * grads += ∂loss/∂params from plan.dlogits and plan.dvalue, after forward(plan, "train") (the
   * batch statistics are functions of the batch) or forward(plan, "frozen") (the running
   * statistics are constants).
   */
  backward(plan: TrainingPlan): void {
    const st = this.stateOf(plan);
    if (!plan.training) throw new Error(`backward() on the inference plan for batch ${plan.batch}`);
    if (st.lastForward !== "train" && st.lastForward !== "frozen")
      throw new Error(`backward() needs forward(plan, "train") or forward(plan, "frozen") first (batch ${plan.batch})`);
    this.backwardLayers(plan, st.acts, st.lastForward);
  }

  /**
   * Re-estimates the BatchNorm running statistics from `batches` (observations [plan.batch,
   * C_in·81] each): one training-mode forward per batch, no backward, the k-th with momentum 1/k,
   * so that afterwards each running mean (variance) is the AVERAGE of the batches' means (unbiased
   * variances), whatever it was before. num_batches_tracked counts each forward, as PyTorch does.
   * Any plan of the batch size serves (its outputs are overwritten). Only enqueues work. Returns
   * the number of batches (0, with nothing done, for a network without BatchNorm).
   */
  refreshStatistics(plan: Plan, batches: Iterable<Float32Array>): number {
    const st = this.stateOf(plan);
    if (this.statsTable.count === 0) return 0;
    this.refreshWeights();
    let k = 0;
    for (const obs of batches) {
      k++;
      this.setInputs(plan, obs);
      this.forwardLayers(plan, st.acts, "train", 1 / k);
      this.numBatchesTracked++;
    }
    if (k === 0) throw new Error("refreshStatistics: no batches");
    st.lastForward = null; // a statistics pass is not a forward that backward() may follow
    return k;
  }

  /** The parameters changed on the device: the f16 copy is refreshed before the next forward. */
  parametersChanged(): void {
    this.weightsStale = true;
  }

  /** weights16 ← params, when they changed since the last copy (storage "f16"). */
  private refreshWeights(): void {
    if (!this.weights16 || !this.weightsStale) return;
    ops.copy(this.backend, this.weights16, this.params);
    this.weightsStale = false;
  }

  /** grads ← 0 (once per optimizer step: backward accumulates). */
  zeroGrad(): void {
    ops.zero(this.backend, this.grads);
  }

  /** Subclass: the forward pass; `momentum` is the BatchNorm running-statistics update factor in "train" mode. */
  protected abstract forwardLayers(plan: Plan, acts: Acts, mode: Mode, momentum: number): void;
  /** Subclass: the backward pass after a forward in `mode` ("train": batch statistics, "frozen": running ones). */
  protected abstract backwardLayers(plan: TrainingPlan, acts: Acts, mode: "train" | "frozen"): void;

  // ---------------------------------------------------------------- acting

  /**
   * One batched action choice (reference get_action_and_value, in the mode the caller picks;
   * self-play acts in "infer"). obs: [B, C_in·81]; legalMask: [B, ceil(A/32)] bits; `uniforms`
   * [B] in [0, 1) draw by inverse CDF, `deterministic` takes the most probable legal action.
   */
  async getActionAndValue(
    plan: Plan,
    obs: Float32Array,
    legalMask: Uint32Array,
    choose: { uniforms: Float32Array } | { deterministic: true },
    mode: Mode = "infer",
  ): Promise<ActResult> {
    const be = this.backend;
    this.setInputs(plan, obs, legalMask);
    const greedy = "deterministic" in choose;
    if (!greedy) {
      if (choose.uniforms.length !== plan.batch)
        throw new Error(`getActionAndValue: ${choose.uniforms.length} uniforms for batch ${plan.batch}`);
      be.write(plan.uniforms, choose.uniforms);
    }
    this.forward(plan, mode);
    ops.sampleActions(
      be,
      plan.actions,
      plan.actionLogp,
      plan.logits,
      plan.mask,
      plan.uniforms,
      { rows: plan.batch, actions: this.numActions },
      greedy,
    );
    const [actions, logProbs, values] = await Promise.all([
      be.read(plan.actions),
      be.read(plan.actionLogp),
      be.read(plan.value),
    ]);
    return { actions, logProbs, values };
  }

  /**
   * Log-probabilities and entropies (over the legal moves) of `actions`, and values (reference
   * evaluate_actions), in `mode` ("infer" by default, so the running statistics stay as they are;
   * "train" needs a training plan). Computed on the host from the logits read back: this is for
   * analysis and tests, while PPO gets the same terms from its loss kernel on the device.
   */
  async evaluateActions(
    plan: Plan,
    obs: Float32Array,
    actions: Uint32Array,
    legalMask: Uint32Array,
    mode: Mode = "infer",
  ): Promise<EvaluateResult> {
    const B = plan.batch;
    const A = this.numActions;
    const words = this.maskWords;
    if (actions.length !== B) throw new Error(`evaluateActions: ${actions.length} actions for batch ${B}`);
    for (let r = 0; r < B; r++) {
      const a = actions[r];
      if (!(a < A) || ((legalMask[r * words + (a >>> 5)] >>> (a & 31)) & 1) === 0)
        throw new Error(`evaluateActions: action ${a} of row ${r} is not legal`);
    }
    this.setInputs(plan, obs, legalMask);
    this.forward(plan, mode);
    const [logits, values] = await Promise.all([this.backend.read(plan.logits), this.backend.read(plan.value)]);
    const logProbs = new Float32Array(B);
    const entropy = new Float32Array(B);
    for (let r = 0; r < B; r++) {
      const { lse, legal } = legalLogSumExp(logits, legalMask, r, A, words);
      let h = 0;
      for (let a = 0; a < A; a++) {
        if (!legal(a)) continue;
        const lp = logits[r * A + a] - lse;
        h -= Math.exp(lp) * lp;
      }
      entropy[r] = h;
      logProbs[r] = logits[r * A + actions[r]] - lse;
    }
    return { logProbs, entropy, values };
  }

  /** Writes observations and legal masks into a plan, checking their sizes and that every row has a legal move. */
  setInputs(plan: Plan, obs: Float32Array, legalMask?: Uint32Array): void {
    const B = plan.batch;
    if (obs.length !== B * this.obsSize)
      throw new Error(
        `observations hold ${obs.length / this.obsSize} rows (${obs.length} floats); the plan is for batch ${B} × ${this.obsSize}`,
      );
    if (this.arch.inputFeatures === "core46-attacks") {
      // Planes 44–45 are derived here, so every caller (self-play, search, PPO, evaluation) hands core46.
      if (this.inputScratch.length !== obs.length) this.inputScratch = new Float32Array(obs.length);
      this.inputScratch.set(obs);
      addAttackPlanes(this.inputScratch, B);
      this.backend.write(plan.obs, this.inputScratch);
    } else this.backend.write(plan.obs, obs);
    if (legalMask) {
      if (legalMask.length !== B * this.maskWords)
        throw new Error(`legal mask holds ${legalMask.length} words; batch ${B} needs ${B} × ${this.maskWords}`);
      checkLegalRows(legalMask, B, this.numActions);
      this.backend.write(plan.mask, legalMask);
    }
  }

  // ---------------------------------------------------------------- host access

  async readParameters(): Promise<Float32Array> {
    return this.backend.read(this.params);
  }

  async readGradients(): Promise<Float32Array> {
    return this.backend.read(this.grads);
  }

  async readStats(): Promise<Float32Array> {
    return this.backend.read(this.stats);
  }

  /** data: [table.length] in the table's layout. */
  writeParameters(data: Float32Array): void {
    if (data.length !== this.table.length)
      throw new Error(`writeParameters: ${data.length} floats, the table holds ${this.table.length}`);
    this.backend.write(this.params, data);
    this.parametersChanged();
  }

  writeStats(data: Float32Array): void {
    if (data.length !== this.statsTable.length)
      throw new Error(`writeStats: ${data.length} floats, the table holds ${this.statsTable.length}`);
    this.backend.write(this.stats, data);
  }

  /** Frees every buffer (plans included); the network is unusable afterwards. */
  destroy(): void {
    for (const p of [...this.plans.keys()]) this.freePlan(p);
    for (const b of [this.params, this.grads, this.stats]) this.backend.free(b);
    if (this.weights16) this.backend.free(this.weights16);
  }
}

function lookup(m: Map<string, Buf>, name: string, what: string): Buf {
  const b = m.get(name);
  if (!b) throw new Error(`no ${what} named "${name}"`);
  return b;
}

/**
 * Throws, naming the first row of `mask` ([rows, ceil(A/32)] bits) with no legal action among the
 * A actions (the kernels would treat such a row as all-legal: reference §13.2 item 14).
 */
export function checkLegalRows(mask: Uint32Array, rows: number, numActions: number): void {
  const words = ops.maskWords(numActions);
  const tail = numActions % 32 === 0 ? 0xffffffff : (1 << (numActions % 32)) - 1; // valid bits of the last word
  for (let r = 0; r < rows; r++) {
    let any = mask[(r + 1) * words - 1] & tail;
    for (let w = r * words; w < (r + 1) * words - 1; w++) any |= mask[w];
    if (any === 0)
      throw new Error(`legal mask row ${r} has no legal action (a finished game must not be asked for a move)`);
  }
}

/**
 * Legal-action lists in CSR form (the rollout buffer's: row r holds indices[offsets[r] ..
 * offsets[r+1])) → bit mask [rows, ceil(A/32)].
 */
export function packLegalActions(
  offsets: Int32Array,
  indices: Int32Array,
  rows: number,
  numActions: number,
  out?: Uint32Array,
): Uint32Array {
  const words = ops.maskWords(numActions);
  const bits = out ?? new Uint32Array(rows * words);
  bits.fill(0, 0, rows * words);
  for (let r = 0; r < rows; r++) {
    for (let k = offsets[r]; k < offsets[r + 1]; k++) {
      const a = indices[k];
      if (!(a >= 0 && a < numActions))
        throw new Error(`packLegalActions: row ${r} lists action ${a} outside [0, ${numActions})`);
      bits[r * words + (a >>> 5)] |= 1 << (a & 31);
    }
  }
  return bits;
}
