// The size tables: every tensor of a network, by its PyTorch state-dict name, with its shape and
// its offset in ONE flat buffer (llm.c's fill_in_parameter_sizes). Parameters, gradients and the
// Adam moments share the parameter table's layout; BatchNorm running statistics (not trainable)
// have a table of their own. Offsets are multiples of TENSOR_ALIGN so each tensor binds as a view.
//
// Defines: TENSOR_ALIGN, ModelType, PolicyHead, Architecture, TensorEntry, SizeTable, parameterTable, statsTable, seHidden,
//          countParameters, batchNormLayers.

import { alignUp, viewAlign } from "../compute/backend.ts";

/**
 * Tensor offsets are multiples of this many elements: an f16 view's alignment (256 bytes of f16),
 * so that the f16 copy of the parameters (training.mixed_precision) binds at the same offsets.
 */
export const TENSOR_ALIGN = viewAlign("f16");
import type { InputFeatures } from "../shogi/features.ts";
import { POLICY_PLANES } from "../shogi/policy-planes.ts";

export type ModelType = "resnet" | "cnn";

/**
 * The tower's policy head. "dense": the reference's (conv1×1 → 2 planes → BN → ReLU → Linear to
 * every action). "conv": AlphaZero-style planes (conv3×3 → BN → ReLU → conv1×1 to 139 logit planes,
 * gathered into actions by src/shogi/policy-planes.ts), the same weights on every square.
 */
export type PolicyHead = "dense" | "conv";

/** Everything that fixes a network's shapes; recorded in checkpoints. */
export interface Architecture {
  type: ModelType;
  /** Residual blocks D (resnet). */
  depth: number;
  /** Tower channels W (resnet). */
  width: number;
  /** Squeeze-excitation ratio; 0: no SE (resnet). */
  seRatio: number;
  /** Observation planes C_in (46 for core46). */
  inputPlanes: number;
  /** The observation the network reads: core46, or core46-attacks (planes 44–45 derived by its input stage: shogi/features.ts). */
  inputFeatures: InputFeatures;
  /** Policy outputs A (13 527). */
  numActions: number;
  /** The policy head (resnet; the cnn's is always dense). */
  policyHead: PolicyHead;
}

/** How a tensor starts (PyTorch defaults). */
export type InitKind =
  | { kind: "uniform"; fanIn: number } // conv / linear weight and bias: U(±1/√fan_in)
  | { kind: "const"; value: number }; // BN weight 1, bias 0; running mean 0, var 1

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Elements (product of shape). */
  size: number;
  /** First element in the flat buffer (multiple of TENSOR_ALIGN). */
  offset: number;
  init: InitKind;
}

export interface SizeTable {
  tensors: TensorEntry[];
  byName: Map<string, TensorEntry>;
  /** Elements of the flat buffer, padding included. */
  length: number;
  /** Sum of the tensors' sizes (the parameter count, for a parameter table). */
  count: number;
}

/** Hidden width of a squeeze-excitation block: max(1, floor(W·ratio)); 0 when SE is off. */
export function seHidden(width: number, seRatio: number): number {
  return seRatio > 0 ? Math.max(1, Math.floor(width * seRatio)) : 0;
}

class TableBuilder {
  private tensors: TensorEntry[] = [];
  private cursor = 0;

  add(name: string, shape: number[], init: InitKind): void {
    const size = shape.reduce((a, b) => a * b, 1);
    this.tensors.push({ name, shape, size, offset: this.cursor, init });
    this.cursor = alignUp(this.cursor + size, TENSOR_ALIGN);
  }

  /** Conv2d(cin → cout, k×k, bias): weight [cout, cin, k, k], bias [cout]. */
  conv(name: string, cin: number, cout: number, k: number): void {
    const u = { kind: "uniform", fanIn: cin * k * k } as const;
    this.add(`${name}.weight`, [cout, cin, k, k], u);
    this.add(`${name}.bias`, [cout], u);
  }

  /** Linear(in → out): weight [out, in], bias [out]. */
  linear(name: string, inF: number, out: number): void {
    const u = { kind: "uniform", fanIn: inF } as const;
    this.add(`${name}.weight`, [out, inF], u);
    this.add(`${name}.bias`, [out], u);
  }

  /** BatchNorm2d(C) affine parameters. */
  bn(name: string, c: number): void {
    this.add(`${name}.weight`, [c], { kind: "const", value: 1 });
    this.add(`${name}.bias`, [c], { kind: "const", value: 0 });
  }

  /** BatchNorm2d(C) running statistics. */
  bnStats(name: string, c: number): void {
    this.add(`${name}.running_mean`, [c], { kind: "const", value: 0 });
    this.add(`${name}.running_var`, [c], { kind: "const", value: 1 });
  }

  build(): SizeTable {
    const byName = new Map(this.tensors.map((t) => [t.name, t]));
    return {
      tensors: this.tensors,
      byName,
      length: Math.max(this.cursor, TENSOR_ALIGN),
      count: this.tensors.reduce((s, t) => s + t.size, 0),
    };
  }
}

/** The BatchNorm layers of a network, with their channel counts, in state-dict order. */
export function batchNormLayers(arch: Architecture): { name: string; channels: number }[] {
  if (arch.type === "cnn") return [];
  const W = arch.width;
  const out = [{ name: "bn_stem", channels: W }];
  for (let i = 0; i < arch.depth; i++)
    out.push({ name: `res_blocks.${i}.bn1`, channels: W }, { name: `res_blocks.${i}.bn2`, channels: W });
  out.push(
    { name: "policy_head.1", channels: arch.policyHead === "conv" ? W : 2 },
    { name: "value_head.1", channels: 2 },
  );
  return out;
}

/** Trainable tensors in state-dict order (reference §4.1 / §4.2). */
export function parameterTable(arch: Architecture): SizeTable {
  const t = new TableBuilder();
  const A = arch.numActions;
  if (arch.type === "cnn") {
    // conv(C_in → 16, 3×3) → ReLU → flatten 16·81 → policy_head / value_head
    t.conv("conv", arch.inputPlanes, 16, 3);
    t.linear("policy_head", 16 * 81, A);
    t.linear("value_head", 16 * 81, 1);
    return t.build();
  }
  const W = arch.width;
  const h = seHidden(W, arch.seRatio);
  t.conv("stem", arch.inputPlanes, W, 3);
  t.bn("bn_stem", W);
  for (let i = 0; i < arch.depth; i++) {
    const p = `res_blocks.${i}`;
    t.conv(`${p}.conv1`, W, W, 3);
    t.bn(`${p}.bn1`, W);
    t.conv(`${p}.conv2`, W, W, 3);
    t.bn(`${p}.bn2`, W);
    if (h > 0) {
      t.conv(`${p}.se.fc1`, W, h, 1);
      t.conv(`${p}.se.fc2`, h, W, 1);
    }
  }
  if (arch.policyHead === "conv") {
    t.conv("policy_head.0", W, W, 3);
    t.bn("policy_head.1", W);
    t.conv("policy_head.3", W, POLICY_PLANES, 1);
  } else {
    t.conv("policy_head.0", W, 2, 1);
    t.bn("policy_head.1", 2);
    t.linear("policy_head.4", 2 * 81, A);
  }
  t.conv("value_head.0", W, 2, 1);
  t.bn("value_head.1", 2);
  t.linear("value_head.4", 2 * 81, 1);
  return t.build();
}

/** BatchNorm running statistics (not trainable); empty for the CNN. */
export function statsTable(arch: Architecture): SizeTable {
  const t = new TableBuilder();
  for (const l of batchNormLayers(arch)) t.bnStats(l.name, l.channels);
  return t.build();
}

/** Trainable parameters of an architecture (BN running statistics excluded). */
export function countParameters(arch: Architecture): number {
  return parameterTable(arch).count;
}
