// The anchor for bench/nn.ts: the same network (ResNet tower with squeeze-excitation, the
// reference's policy and value heads) built in TensorFlow.js from raw ops, timed for inference and
// for a training step (forward + backward + Adam) on tfjs's webgpu (the same Dawn adapter keisei
// uses), wasm and cpu backends. Dev-only: tfjs is a devDependency.

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { getGpu } from "../src/compute/webgpu/dawn.ts";

export type TfjsBackend = "webgpu" | "wasm" | "cpu";

export interface TowerShape {
  width: number;
  depth: number;
  seRatio: number;
}

const ACTIONS = 13527;

/** Picks a tfjs backend; webgpu runs on the process's Dawn instance. Returns false if unavailable. */
export async function useTfjsBackend(name: TfjsBackend): Promise<boolean> {
  if (name === "webgpu") {
    const gpu = getGpu();
    if (gpu instanceof Error) return false;
    Object.defineProperty(globalThis.navigator, "gpu", { value: gpu, configurable: true });
    // The backend registers itself at import only when navigator.gpu exists, so import it after.
    await import("@tensorflow/tfjs-backend-webgpu");
  }
  if (name === "wasm")
    setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

function uniform(shape: number[], fanIn: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, "float32", 1));
}

/** Parameters in tfjs layout (NHWC convolutions, [in, out] dense). */
function buildParams({ width: C, depth, seRatio }: TowerShape) {
  const h = Math.max(1, Math.floor(C * seRatio));
  const bn = (c: number) => ({ g: tf.variable(tf.ones([c])), b: tf.variable(tf.zeros([c])) });
  return {
    stem: { w: uniform([3, 3, 46, C], 46 * 9), b: uniform([C], 46 * 9), bn: bn(C) },
    blocks: Array.from({ length: depth }, () => ({
      w1: uniform([3, 3, C, C], C * 9),
      b1: uniform([C], C * 9),
      bn1: bn(C),
      w2: uniform([3, 3, C, C], C * 9),
      b2: uniform([C], C * 9),
      bn2: bn(C),
      se:
        seRatio > 0
          ? { w1: uniform([C, h], C), b1: uniform([h], C), w2: uniform([h, C], h), b2: uniform([C], h) }
          : null,
    })),
    policy: {
      w: uniform([1, 1, C, 2], C),
      b: uniform([2], C),
      bn: bn(2),
      fw: uniform([162, ACTIONS], 162),
      fb: uniform([ACTIONS], 162),
    },
    value: {
      w: uniform([1, 1, C, 2], C),
      b: uniform([2], C),
      bn: bn(2),
      fw: uniform([162, 1], 162),
      fb: uniform([1], 162),
    },
  };
}
type Params = ReturnType<typeof buildParams>;

function batchNorm(x: tf.Tensor4D, p: { g: tf.Variable; b: tf.Variable }): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, p.b as tf.Tensor1D, p.g as tf.Tensor1D, 1e-5);
}

function forward(P: Params, x: tf.Tensor4D): { logits: tf.Tensor2D; value: tf.Tensor1D } {
  const conv = (t: tf.Tensor4D, w: tf.Variable, b: tf.Variable) =>
    tf.add(tf.conv2d(t, w as tf.Tensor4D, 1, "same"), b) as tf.Tensor4D;
  let h = tf.relu(batchNorm(conv(x, P.stem.w, P.stem.b), P.stem.bn));
  for (const blk of P.blocks) {
    let y = tf.relu(batchNorm(conv(h, blk.w1, blk.b1), blk.bn1));
    y = batchNorm(conv(y, blk.w2, blk.b2), blk.bn2);
    if (blk.se) {
      const pooled = tf.mean(y, [1, 2]) as tf.Tensor2D;
      const s = tf.relu(tf.add(tf.matMul(pooled, blk.se.w1 as tf.Tensor2D), blk.se.b1));
      const gate = tf.sigmoid(tf.add(tf.matMul(s as tf.Tensor2D, blk.se.w2 as tf.Tensor2D), blk.se.b2));
      y = tf.mul(y, tf.reshape(gate, [-1, 1, 1, gate.shape[1]!])) as tf.Tensor4D;
    }
    h = tf.relu(tf.add(y, h)) as tf.Tensor4D;
  }
  const head = (q: Params["policy"]) =>
    tf.reshape(tf.relu(batchNorm(conv(h, q.w, q.b), q.bn)), [-1, 162]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(head(P.policy), P.policy.fw as tf.Tensor2D), P.policy.fb) as tf.Tensor2D;
  const value = tf.reshape(
    tf.add(tf.matMul(head(P.value), P.value.fw as tf.Tensor2D), P.value.fb),
    [-1],
  ) as tf.Tensor1D;
  return { logits, value };
}

export interface TfjsTiming {
  backend: TfjsBackend;
  mode: "inference" | "train";
  batch: number;
  samplesPerSecond: number;
  secondsPerBatch: number;
  /** Process CPU seconds per timed batch (all threads). */
  cpuSecondsPerBatch: number;
  iterations: number;
}

/**
 * Median seconds per batch after `warmup` untimed iterations. Inference reads back the logits and
 * values; a training step (cross-entropy on a target action + value MSE, Adam) reads back the loss.
 */
export async function timeTfjs(
  backend: TfjsBackend,
  shape: TowerShape,
  mode: "inference" | "train",
  batch: number,
  iterations: number,
  warmup = 1,
): Promise<TfjsTiming | null> {
  if (!(await useTfjsBackend(backend))) return null;
  const P = buildParams(shape);
  const x = tf.randomUniform([batch, 9, 9, 46], 0, 1, "float32", 2) as tf.Tensor4D;
  const target = tf.oneHot(tf.randomUniform([batch], 0, ACTIONS, "int32", 3) as tf.Tensor1D, ACTIONS);
  const returns = tf.randomUniform([batch], -1, 1, "float32", 4);
  const optimizer = tf.train.adam(3e-4);
  const once = async () => {
    if (mode === "inference") {
      const { logits, value } = tf.tidy(() => forward(P, x));
      await logits.data();
      await value.data();
      logits.dispose();
      value.dispose();
    } else {
      const loss = optimizer.minimize(() => {
        const { logits, value } = forward(P, x);
        const ce = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1)));
        return tf.add(ce, tf.mul(0.5, tf.mean(tf.square(tf.sub(value, returns))))) as tf.Scalar;
      }, true);
      await loss!.data();
      loss!.dispose();
    }
  };
  try {
    for (let i = 0; i < warmup; i++) await once();
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    // Up to `iterations` timed runs, fewer when they are slow (at least one; about 20 s in all).
    for (let i = 0; i < iterations && (i === 0 || performance.now() - started < 20_000); i++) {
      const t0 = performance.now();
      await once();
      times.push((performance.now() - t0) / 1000);
    }
    const c = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    const s = times[Math.floor(times.length / 2)];
    return {
      backend,
      mode,
      batch,
      samplesPerSecond: batch / s,
      secondsPerBatch: s,
      cpuSecondsPerBatch: (c.user + c.system) / 1e6 / times.length,
      iterations: times.length,
    };
  } catch (e) {
    // wasm has no Conv2DBackpropFilter: it cannot train. Report that as "unavailable", not as a figure.
    if (/not registered/.test((e as Error).message)) return null;
    throw e;
  } finally {
    tf.disposeVariables();
    x.dispose();
    target.dispose();
    returns.dispose();
    optimizer.dispose();
  }
}

if (import.meta.main) {
  const shape = { width: 32, depth: 2, seRatio: 0.25 };
  for (const backend of ["webgpu", "wasm", "cpu"] as const)
    for (const mode of ["inference", "train"] as const)
      console.log(JSON.stringify(await timeTfjs(backend, shape, mode, 64, 3)));
  process.exit(0);
}
