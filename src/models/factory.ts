// modelFactory: an architecture name and sizes → a network on a backend (reference
// model_factory, §4.1: "resnet" → the tower; "cnn" → the simple CNN of §4.2).
//
// Defines: ModelOptions, architectureOf, configuredArchitecture, architectureDifferences, describeArchitecture,
//          modelFactory, createNetwork.

import type { Backend } from "../compute/backend.ts";
import type { Config } from "../config/schema.ts";
import { CORE46_PLANES, FEATURE_SETS, type InputFeatures } from "../shogi/features.ts";
import { NUM_ACTIONS } from "../shogi/actions.ts";
import { SimpleCnn } from "./cnn.ts";
import type { Network, NetworkInit, Storage } from "./network.ts";
import type { Architecture, ModelType, PolicyHead } from "./params.ts";
import { ResTower } from "./resnet_tower.ts";

export interface ModelOptions {
  depth?: number; // 9
  width?: number; // 256
  seRatio?: number; // 0.25 (0: no SE)
  inputPlanes?: number; // 46 (core46)
  inputFeatures?: InputFeatures; // "core46"
  numActions?: number; // 13 527
  policyHead?: PolicyHead; // "dense" (the reference's)
}

/** The full architecture for `type` with defaults filled in and sizes checked. */
export function architectureOf(type: ModelType, o: ModelOptions = {}): Architecture {
  if (type !== "resnet" && type !== "cnn") throw new Error(`unknown model type "${type}" (resnet | cnn)`);
  const io = {
    inputPlanes: o.inputPlanes ?? CORE46_PLANES,
    inputFeatures: o.inputFeatures ?? "core46",
    numActions: o.numActions ?? NUM_ACTIONS,
    policyHead: o.policyHead ?? "dense",
  };
  // The CNN's shape is fixed but for its inputs and outputs (depth, width, seRatio are ignored).
  const arch: Architecture =
    type === "cnn"
      ? { type, depth: 0, width: 16, seRatio: 0, ...io }
      : { type, depth: o.depth ?? 9, width: o.width ?? 256, seRatio: o.seRatio ?? 0.25, ...io };
  if (!Object.hasOwn(FEATURE_SETS, arch.inputFeatures))
    throw new Error(`unknown input features "${arch.inputFeatures}" (${Object.keys(FEATURE_SETS).join(" | ")})`);
  if (arch.inputFeatures !== "core46" && arch.inputPlanes !== FEATURE_SETS[arch.inputFeatures])
    throw new Error(
      `input features ${arch.inputFeatures} are ${FEATURE_SETS[arch.inputFeatures]} planes, got ${arch.inputPlanes}`,
    );
  if (arch.policyHead !== "dense" && arch.policyHead !== "conv")
    throw new Error(`unknown policy head "${arch.policyHead}" (dense | conv)`);
  if (arch.policyHead === "conv") {
    if (type === "cnn")
      throw new Error("the cnn model has only the dense policy head; policy_head: conv needs model_type resnet");
    // The planes are the 13 527 actions' cells, and the mover is read from core46's side-to-move plane.
    if (arch.numActions !== NUM_ACTIONS || arch.inputPlanes !== CORE46_PLANES)
      throw new Error(
        `policy_head conv needs the core46 observation and ${NUM_ACTIONS} actions, got ${arch.inputPlanes} planes and ${arch.numActions} actions`,
      );
  }
  for (const k of type === "cnn"
    ? (["inputPlanes", "numActions"] as const)
    : (["depth", "width", "inputPlanes", "numActions"] as const)) {
    if (!Number.isInteger(arch[k]) || arch[k] < 1)
      throw new Error(`model ${k} must be a positive integer, got ${arch[k]}`);
  }
  if (!(arch.seRatio >= 0 && arch.seRatio <= 1))
    throw new Error(`model seRatio must be in [0, 1], got ${arch.seRatio}`);
  return arch;
}

/** The architecture `training.*` asks for: the one builder the trainer, resume and the benches share. */
export function configuredArchitecture(t: Config["training"]): Architecture {
  return architectureOf(t.model_type, {
    depth: t.tower_depth,
    width: t.tower_width,
    seRatio: t.se_ratio,
    policyHead: t.policy_head,
    inputFeatures: t.input_features,
  });
}

/** "resnet 9×256 network with a dense policy head". */
export function describeArchitecture(a: Architecture): string {
  const features = a.inputFeatures === "core46" ? "" : ` reading ${a.inputFeatures}`;
  return `${a.type} ${a.depth}×${a.width} network with a ${a.policyHead} policy head${features}`;
}

/**
 * Where two architectures differ, field by field ("width 8 ≠ 16"); empty when they build the same
 * network. Every field of Architecture is compared, so a field added later cannot slip past.
 */
export function architectureDifferences(a: Architecture, b: Architecture): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof Architecture)[];
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k} ${a[k]} ≠ ${b[k]}`);
}

/** A network of `arch`, initialised from `init` (a seed: PyTorch default init; or given buffers), its activations and layer weights stored as `storage`. */
export function createNetwork(
  backend: Backend,
  arch: Architecture,
  init: NetworkInit,
  storage: Storage = "f32",
): Network {
  return arch.type === "cnn" ? new SimpleCnn(backend, arch, init, storage) : new ResTower(backend, arch, init, storage);
}

/** modelFactory(backend, "resnet", { depth: 9, width: 256, seRatio: 0.25 }, { seed: 42 }). */
export function modelFactory(backend: Backend, type: ModelType, o: ModelOptions, init: NetworkInit): Network {
  return createNetwork(backend, architectureOf(type, o), init);
}
