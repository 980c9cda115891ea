// How much memory a training run of a config needs, estimated from the config alone before
// anything is allocated, so that a run this machine cannot hold is refused with the estimate and
// the machine's memory instead of ending in "Out of memory" (or swapping) minutes later.
//
// The estimate follows what the run allocates (models/params.ts, models/network.ts plans,
// rl/buffer.ts, rl/selfplay.ts); its parameter count is checked against models/params.ts by
// test/hardening/memory.test.ts. It errs high: the buffers a backend pads are not counted apart.
//
// Defines: estimateTrainingMemory, checkTrainingMemory, formatBytes.

import { totalmem } from "node:os";
import { ConfigError } from "./load.ts";
import type { Config } from "./schema.ts";

// The shogi constants the sizes depend on (the config layer does not import shogi/; the test
// compares them with shogi/features.ts and shogi/actions.ts).
/** Observation planes (core46). */
export const INPUT_PLANES = 46;
/** The policy's actions. */
export const NUM_ACTIONS = 13_527;
/** Move planes of the conv policy head. */
export const POLICY_PLANES = 139;
/** Legal moves of a position at most (shogi/movegen.ts's MAX_LEGAL_MOVES). */
export const MAX_LEGAL_MOVES = 600;
const CELLS = 81;
const F32 = 4;
/** Bun, the wasm backend, the shogi tables: what a run holds before any of its own buffers. */
const RUNTIME_BYTES = 200 * 2 ** 20;

/** Trainable parameters of the configured network (models/params.ts's parameterTable, summed). */
export function parameterCount(t: Config["training"]): number {
  const conv = (cin: number, cout: number, k: number) => cin * cout * k * k + cout;
  const linear = (inF: number, out: number) => inF * out + out;
  if (t.model_type === "cnn")
    return conv(INPUT_PLANES, 16, 3) + linear(16 * CELLS, NUM_ACTIONS) + linear(16 * CELLS, 1);
  const W = t.tower_width;
  const h = t.se_ratio > 0 ? Math.max(1, Math.floor(W * t.se_ratio)) : 0;
  const block = 2 * (conv(W, W, 3) + 2 * W) + (h > 0 ? conv(W, h, 1) + conv(h, W, 1) : 0);
  const policy =
    t.policy_head === "conv"
      ? conv(W, W, 3) + 2 * W + conv(W, POLICY_PLANES, 1)
      : conv(W, 2, 1) + 4 + linear(2 * CELLS, NUM_ACTIONS);
  const value = conv(W, 2, 1) + 4 + linear(2 * CELLS, 1);
  return conv(INPUT_PLANES, W, 3) + 2 * W + t.tower_depth * block + policy + value;
}

/** Bytes a training run of `c` needs, in parts (each part names the fields it grows with). */
export function estimateTrainingMemory(c: Config): { total: number; parts: { what: string; bytes: number }[] } {
  const t = c.training;
  const P = parameterCount(t);
  const W = t.model_type === "cnn" ? 16 : t.tower_width;
  const depth = t.model_type === "cnn" ? 0 : t.tower_depth;
  const board = (batch: number) => batch * W * CELLS * F32;
  const headCells = t.policy_head === "conv" && t.model_type === "resnet" ? POLICY_PLANES * CELLS : 0;
  // A batch's outputs and inputs: observations, logits (and their gradients in training), masks.
  const io = (batch: number, training: boolean) =>
    batch * F32 * (INPUT_PLANES * CELLS + NUM_ACTIONS * (training ? 2 : 1) + headCells * (training ? 2 : 1));
  const rollout = Math.ceil(t.steps_per_epoch / t.num_envs) * t.num_envs;
  const B = t.minibatch_size;
  const N = t.num_envs;
  const parts = [
    // parameters, gradients, Adam's two moments; host copies when a checkpoint is written
    { what: "network and Adam (training.tower_width, tower_depth)", bytes: 8 * P * F32 },
    // a training plan keeps five tower activations per block, plus the stem, heads and gradients
    {
      what: "training activations (training.minibatch_size × tower_width × tower_depth)",
      bytes: board(B) * (5 * depth + 10) + io(B, true),
    },
    // self-play's and evaluation's inference plans, and an evaluation opponent's network
    {
      what: "inference (training.num_envs × tower_width)",
      bytes: 2 * (board(N) * 8 + io(N, false)) + P * F32,
    },
    // the rollout buffer: an observation and a legal-move list per transition
    {
      what: "rollout (training.steps_per_epoch)",
      bytes: rollout * (INPUT_PLANES * CELLS * F32 + 128 * 4 + 64) + B * (INPUT_PLANES * CELLS + MAX_LEGAL_MOVES) * F32,
    },
    // per game: its move history and legal moves
    {
      what: "self-play games (training.num_envs × env.max_moves_per_game)",
      bytes: N * ((c.env.max_moves_per_game + 1) * 24 + MAX_LEGAL_MOVES * 8),
    },
    { what: "runtime", bytes: RUNTIME_BYTES },
  ];
  return { total: parts.reduce((s, p) => s + p.bytes, 0), parts };
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 40) return `${(n / 2 ** 40).toFixed(1)} TiB`;
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  return `${(n / 2 ** 20).toFixed(0)} MiB`;
}

/**
 * Refuses, with the estimate and this machine's memory, a config whose training run needs more
 * memory than the machine has. `source` names where the config came from.
 */
export function checkTrainingMemory(c: Config, source = "config", machine: number = totalmem()): void {
  const { total, parts } = estimateTrainingMemory(c);
  if (total <= machine) return;
  const biggest = parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  throw new ConfigError(
    `${source}: training would need about ${formatBytes(total)} of memory, ${formatBytes(biggest.bytes)} of it for ${biggest.what}; this machine has ${formatBytes(machine)} (os.totalmem)`,
  );
}
