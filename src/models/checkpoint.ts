// Network checkpoints as safetensors that PyTorch loads directly. The weights file is exactly the
// reference's state dict (§4: stem.weight … value_head.4.bias, BN running_mean / running_var F32 and
// num_batches_tracked I64 []; with policy_head conv, the policy_head.* tensors are keisei's conv
// head, not the reference's), so a PyTorch user loads it as it is:
//
//   model.load_state_dict(safetensors.torch.load_file(path), strict=True)
//
// The architecture is recorded in __metadata__ (model_type, tower_depth, tower_width, se_ratio,
// input_planes, num_actions, policy_head), so a checkpoint loads without knowing it.
//
// Optimizer state, when saved, is a second safetensors file beside the weights (X.safetensors →
// X.optimizer.safetensors; own file so the weights stay a strict state dict): exp_avg.<name> and
// exp_avg_sq.<name> (Adam m, v; the parameter's shape, F32) and step (I64 []), its metadata naming
// the weights file it belongs to and the architecture, so a mismatched pair is refused. In PyTorch,
// parameter i of model.named_parameters() has state {"step": step, "exp_avg": exp_avg.<its name>,
// "exp_avg_sq": exp_avg_sq.<its name>}. Format-1 weights files (before the split) carried these
// tensors inside them under an `optimizer.` prefix; they still load, moments included.
//
// Loading checks every name, dtype and shape against the architecture and names the first that
// differs; a truncated or corrupt file is an error naming the file.
//
// Defines: CHECKPOINT_FORMAT, OPTIMIZER_FORMAT, optimizerPathOf, saveCheckpoint, readCheckpoint,
//          loadCheckpoint, restoreNetwork, readOptimizerState, Checkpoint.

import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Backend } from "../compute/backend.ts";
import { architectureOf, createNetwork } from "./factory.ts";
import type { Network, Storage } from "./network.ts";
import type { Adam, AdamState } from "./optimizer.ts";
import { batchNormLayers, parameterTable, seHidden, statsTable, type Architecture } from "./params.ts";
import {
  bytesOf,
  CheckpointFileError,
  encodeSafetensors,
  readSafetensorsFile,
  type SafeTensor,
} from "./safetensors.ts";
import { readConfigFile } from "../config/load.ts";
import { LIMITS } from "../config/schema.ts";
import { FEATURE_SETS, type InputFeatures } from "../shogi/features.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { echo, quote } from "../util/input-error.ts";

/**
 * Version of keisei's weights-file layout (metadata key keisei_checkpoint). 2: the state dict alone;
 * 1: the optimizer state rode in the same file under OPT (read, never written).
 */
export const CHECKPOINT_FORMAT = "2";

/** Version of the optimizer file's layout (metadata key keisei_optimizer; also what marks such a file). */
export const OPTIMIZER_FORMAT = "1";

/** The prefix of a format-1 weights file's optimizer tensors. */
const OPT = "optimizer.";

/** The optimizer file that belongs to the weights file `weights`: X.safetensors → X.optimizer.safetensors. */
export function optimizerPathOf(weights: string): string {
  return `${weights.replace(/\.safetensors$/, "")}.optimizer.safetensors`;
}

/** A parsed checkpoint file. */
export interface Checkpoint {
  path: string;
  arch: Architecture;
  metadata: Record<string, string>;
  tensors: Map<string, SafeTensor>;
}

interface Expected {
  name: string;
  dtype: "F32" | "I64";
  shape: number[];
}

/** The state dict of `arch`, in PyTorch's order (each BN's buffers after its bias). */
function stateDictLayout(arch: Architecture): Expected[] {
  const bn = new Set(batchNormLayers(arch).map((l) => l.name));
  const out: Expected[] = [];
  for (const t of parameterTable(arch).tensors) {
    out.push({ name: t.name, dtype: "F32", shape: t.shape });
    const layer = t.name.replace(/\.bias$/, "");
    if (t.name.endsWith(".bias") && bn.has(layer)) {
      out.push({ name: `${layer}.running_mean`, dtype: "F32", shape: t.shape });
      out.push({ name: `${layer}.running_var`, dtype: "F32", shape: t.shape });
      out.push({ name: `${layer}.num_batches_tracked`, dtype: "I64", shape: [] });
    }
  }
  return out;
}

/** The __metadata__ entries that describe `arch` (what a PyTorch user adds so keisei can load a state dict). */
export function architectureMetadata(arch: Architecture): Record<string, string> {
  return {
    model_type: arch.type,
    tower_depth: String(arch.depth),
    tower_width: String(arch.width),
    se_ratio: String(arch.seRatio),
    input_planes: String(arch.inputPlanes),
    input_features: arch.inputFeatures,
    num_actions: String(arch.numActions),
    policy_head: arch.policyHead,
  };
}

/** A whole number written as decimal digits, or NaN ("1e15", " 9", "0x10" are not). */
const digits = (v: string | undefined): number => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN);

/** The shape of `name`, or an error naming the missing tensor. */
function shapeOf(tensors: Map<string, SafeTensor>, name: string, path: string): number[] {
  const t = tensors.get(name);
  if (!t) throw new CheckpointFileError(`${path}: tensor "${name}" is missing`);
  return t.shape;
}

/**
 * The architecture of a checkpoint, derived from its tensor table (sizes bounded by what the file
 * really holds, and by the config's limits) and checked against its metadata: metadata that
 * disagrees with the tensors (`tower_depth: "1e15"`) is an error naming the field, never a size to
 * allocate. `prefix` is "" for a weights file, "exp_avg." for an optimizer file.
 */
function architectureFrom(
  meta: Record<string, string>,
  tensors: Map<string, SafeTensor>,
  path: string,
  prefix = "",
): Architecture {
  const type = meta.model_type;
  if (type !== "resnet" && type !== "cnn")
    throw new CheckpointFileError(
      `${path}: metadata model_type is ${type === undefined ? "missing" : quote(type, 20)} (resnet | cnn); not a keisei checkpoint (or pass its architecture)`,
    );
  const shape = (name: string) => shapeOf(tensors, prefix + name, path);
  const bounded = (what: string, v: number | undefined, max: number) => {
    if (v === undefined || !Number.isSafeInteger(v) || v < 1 || v > max)
      throw new CheckpointFileError(`${path}: the tensors give ${what} ${v}; keisei reads 1 to ${max}`);
    return v;
  };
  let arch: Omit<Architecture, "seRatio" | "inputFeatures"> & { hidden: number };
  if (type === "cnn") {
    const conv = shape("conv.weight");
    arch = {
      type,
      depth: 0,
      width: 16,
      hidden: 0,
      inputPlanes: bounded("input planes", conv[1], 1024),
      numActions: bounded("actions", shape("policy_head.weight")[0], 1 << 20),
      policyHead: "dense",
    };
  } else {
    const stem = shape("stem.weight");
    const width = bounded("tower_width", stem[0], LIMITS.towerWidth);
    let depth = 0;
    while (tensors.has(`${prefix}res_blocks.${depth}.conv1.weight`)) depth++;
    bounded("tower_depth (residual blocks)", depth, LIMITS.towerDepth);
    const conv = tensors.has(`${prefix}policy_head.3.weight`) && !tensors.has(`${prefix}policy_head.4.weight`);
    arch = {
      type,
      depth,
      width,
      hidden: tensors.has(`${prefix}res_blocks.0.se.fc1.weight`) ? shape("res_blocks.0.se.fc1.weight")[0] : 0,
      inputPlanes: bounded("input planes", stem[1], 1024),
      numActions: conv ? digits(meta.num_actions) : bounded("actions", shape("policy_head.4.weight")[0], 1 << 20),
      policyHead: conv ? "conv" : "dense",
    };
  }
  // The metadata must say what the tensors hold (policy_head is absent from files written before the conv head: dense).
  const said = (k: string, v: string | undefined, want: string | number) => {
    if (v === undefined)
      throw new CheckpointFileError(
        `${path}: metadata "${k}" is missing; not a keisei checkpoint (or pass its architecture)`,
      );
    if (String(want) !== v && digits(v) !== want)
      throw new CheckpointFileError(`${path}: metadata ${k} is ${quote(v, 20)} but the tensors hold ${want}`);
  };
  if (type === "resnet") {
    said("tower_depth", meta.tower_depth, arch.depth);
    said("tower_width", meta.tower_width, arch.width);
  }
  said("input_planes", meta.input_planes, arch.inputPlanes);
  said("num_actions", meta.num_actions, arch.numActions);
  said("policy_head", meta.policy_head ?? "dense", arch.policyHead);
  const seRatio = Number(meta.se_ratio);
  if (meta.se_ratio === undefined || meta.se_ratio.trim() === "" || !(seRatio >= 0 && seRatio <= 1))
    throw new CheckpointFileError(
      `${path}: metadata "se_ratio" is ${meta.se_ratio === undefined ? "missing" : quote(meta.se_ratio, 20)}, expected a number from 0 to 1`,
    );
  if (type === "resnet" && seHidden(arch.width, seRatio) !== arch.hidden)
    throw new CheckpointFileError(
      `${path}: metadata se_ratio ${meta.se_ratio} gives ${seHidden(arch.width, seRatio)} squeeze-excitation channels but the tensors hold ${arch.hidden}`,
    );
  // input_features is absent from files written before core46-attacks: core46.
  const inputFeatures = meta.input_features ?? "core46";
  if (!Object.hasOwn(FEATURE_SETS, inputFeatures))
    throw new CheckpointFileError(
      `${path}: metadata input_features is ${quote(inputFeatures, 20)} (${Object.keys(FEATURE_SETS).join(" | ")})`,
    );
  const { hidden: _hidden, ...rest } = arch;
  try {
    return architectureOf(type, { ...rest, seRatio, inputFeatures: inputFeatures as InputFeatures });
  } catch (e) {
    throw new CheckpointFileError(`${path}: metadata describes no valid network: ${(e as Error).message}`);
  }
}

/** The first element of a float tensor that is NaN or infinite, named; weights and moments must be finite. */
function checkFinite(values: Float32Array, name: string, where: string): void {
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]))
      throw new CheckpointFileError(
        `${where}: tensor "${name}" holds ${values[i]} at element ${i}; a checkpoint's values must be finite`,
      );
}

/**
 * Writes the network to `path` and, when `optimizer` is given, its m, v, step to optimizerPathOf(path),
 * each atomically, the weights first. `metadata` adds string entries to both files' __metadata__
 * (e.g. global_timestep).
 */
export async function saveCheckpoint(
  path: string,
  net: Network,
  o: { optimizer?: Adam; metadata?: Record<string, string> } = {},
): Promise<void> {
  for (const [k, v] of Object.entries(o.metadata ?? {}))
    if (typeof v !== "string") throw new Error(`saveCheckpoint: metadata "${k}" must be a string`);
  const [params, stats, opt] = await Promise.all([net.readParameters(), net.readStats(), o.optimizer?.readState()]);
  const f32 = (flat: Float32Array, offset: number, shape: number[]): SafeTensor => ({
    dtype: "F32",
    shape,
    data: bytesOf(flat.subarray(offset, offset + shape.reduce((a, b) => a * b, 1))),
  });
  const tensors: [string, SafeTensor][] = [];
  for (const e of stateDictLayout(net.arch)) {
    const t = net.table.byName.get(e.name) ?? net.statsTable.byName.get(e.name);
    if (e.dtype === "I64")
      tensors.push([
        e.name,
        { dtype: "I64", shape: [], data: bytesOf(BigInt64Array.of(BigInt(net.numBatchesTracked))) },
      ]);
    else tensors.push([e.name, f32(net.table.byName.has(e.name) ? params : stats, t!.offset, e.shape)]);
  }
  writeFileAtomic(
    path,
    encodeSafetensors(tensors, {
      ...o.metadata,
      format: "pt",
      keisei_checkpoint: CHECKPOINT_FORMAT,
      ...architectureMetadata(net.arch),
    }),
  );
  if (!opt) return;
  const moments: [string, SafeTensor][] = [];
  for (const [key, flat] of [
    ["exp_avg", opt.m],
    ["exp_avg_sq", opt.v],
  ] as const)
    for (const t of net.table.tensors) moments.push([`${key}.${t.name}`, f32(flat, t.offset, t.shape)]);
  moments.push(["step", { dtype: "I64", shape: [], data: bytesOf(BigInt64Array.of(BigInt(opt.step))) }]);
  // The weights file is named without its directory: the pair is moved together.
  const meta = {
    ...o.metadata,
    keisei_optimizer: OPTIMIZER_FORMAT,
    weights: basename(path),
    ...architectureMetadata(net.arch),
  };
  writeFileAtomic(optimizerPathOf(path), encodeSafetensors(moments, meta));
}

/** Parses `path`; the architecture comes from its metadata unless given. */
export function readCheckpoint(path: string, arch?: Architecture): Checkpoint {
  const { metadata, tensors } = readSafetensorsFile(path);
  // An optimizer file has architecture metadata too: without this its tensors would be reported one by one as unexpected.
  if (metadata.keisei_optimizer !== undefined)
    throw new CheckpointFileError(
      `${path}: holds optimizer state (of ${metadata.weights ?? "unknown weights"}), not network weights`,
    );
  return { path, arch: arch ?? architectureFrom(metadata, tensors, path), metadata, tensors };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describeArch(a: Architecture): string {
  return a.type === "cnn"
    ? `cnn (inputs ${a.inputPlanes}, actions ${a.numActions})`
    : `resnet ${a.depth}×${a.width} se ${a.seRatio} ${a.policyHead} policy head (inputs ${a.inputPlanes} ${a.inputFeatures}, actions ${a.numActions})`;
}

/** The tensor `e` names, checked for presence, dtype and shape; errors start with `where`. */
function checked(tensors: Map<string, SafeTensor>, e: Expected, where: string): SafeTensor {
  const t = tensors.get(e.name);
  if (!t) throw new CheckpointFileError(`${where}: tensor "${e.name}" is missing`);
  if (t.dtype !== e.dtype)
    throw new CheckpointFileError(`${where}: tensor "${e.name}" is ${t.dtype}, expected ${e.dtype}`);
  if (!sameShape(t.shape, e.shape))
    throw new CheckpointFileError(
      `${where}: tensor "${e.name}" has shape [${t.shape}], the network expects [${e.shape}]`,
    );
  if (t.dtype === "F32")
    checkFinite(new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4), e.name, where);
  return t;
}

/** m, v and step from `tensors` named `${prefix}exp_avg.<param>`, `${prefix}exp_avg_sq.<param>`, `${prefix}step`, every one checked. */
function adamState(net: Network, tensors: Map<string, SafeTensor>, prefix: string, where: string): AdamState {
  const m = new Float32Array(net.table.length);
  const v = new Float32Array(net.table.length);
  for (const [key, flat] of [
    ["exp_avg", m],
    ["exp_avg_sq", v],
  ] as const) {
    for (const p of net.table.tensors) {
      const t = checked(tensors, { name: `${prefix}${key}.${p.name}`, dtype: "F32", shape: p.shape }, where);
      flat.set(new Float32Array(t.data.buffer, t.data.byteOffset, p.size), p.offset);
    }
  }
  const t = checked(tensors, { name: `${prefix}step`, dtype: "I64", shape: [] }, where);
  const step = new BigInt64Array(t.data.buffer, t.data.byteOffset, 1)[0];
  if (step < 0n || step > BigInt(Number.MAX_SAFE_INTEGER))
    throw new CheckpointFileError(`${where}: tensor "${prefix}step" is ${step}, not a step count`);
  return { m, v, step: Number(step) };
}

/**
 * Copies a checkpoint's tensors into `net` after checking each name, dtype and shape against the
 * network (any difference, or a tensor the network lacks, is an error naming the tensor). Returns the
 * optimizer state a format-1 file carries inside it, else null (format 2 keeps it in its own file:
 * readOptimizerState).
 */
export function restoreNetwork(net: Network, ck: Checkpoint): AdamState | null {
  const where = `${ck.path} (network: ${describeArch(net.arch)})`;
  const check = (e: Expected) => checked(ck.tensors, e, where);
  // Only a format-1 file may hold optimizer.* tensors; in any other they are as unexpected as any stray name.
  const legacy = ck.metadata.keisei_checkpoint === "1";
  const layout = stateDictLayout(net.arch);
  const known = new Set(layout.map((e) => e.name));
  for (const name of ck.tensors.keys())
    if (!known.has(name) && !(legacy && name.startsWith(OPT)))
      throw new CheckpointFileError(`${where}: unexpected tensor ${quote(name, 60)}`);
  const params = new Float32Array(net.table.length);
  const stats = new Float32Array(net.statsTable.length);
  let tracked: number | null = null;
  for (const e of layout) {
    const t = check(e);
    if (e.dtype === "I64") {
      const v = new BigInt64Array(t.data.buffer, t.data.byteOffset, 1)[0];
      if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
        throw new CheckpointFileError(`${where}: tensor "${e.name}" is ${v}, not a count of batches`);
      const n = Number(v);
      tracked = Math.max(tracked ?? 0, n);
      continue;
    }
    const p = net.table.byName.get(e.name);
    const dst = p ? params : stats;
    dst.set(
      new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4),
      (p ?? net.statsTable.byName.get(e.name)!).offset,
    );
  }
  net.writeParameters(params);
  net.writeStats(stats);
  net.numBatchesTracked = tracked ?? 0;
  if (![...ck.tensors.keys()].some((k) => k.startsWith(OPT))) return null;
  const state = adamState(net, ck.tensors, OPT, where);
  const expected = 2 * net.table.tensors.length + 1;
  const present = [...ck.tensors.keys()].filter((k) => k.startsWith(OPT)).length;
  if (present !== expected)
    throw new CheckpointFileError(`${where}: ${present} optimizer tensors, expected ${expected}`);
  return state;
}

/**
 * The Adam state in the optimizer file `path`, for `net` restored from the weights file `weights`.
 * The file must say it belongs to that weights file and to net's architecture, and hold exactly
 * exp_avg.<param>, exp_avg_sq.<param> (parameter shapes, F32) and step (I64 []); anything else is a
 * one-line error naming the file (and the tensor, or both files).
 */
export function readOptimizerState(path: string, net: Network, weights: string): AdamState {
  const { metadata, tensors } = readSafetensorsFile(path);
  if (metadata.keisei_optimizer !== OPTIMIZER_FORMAT)
    throw new CheckpointFileError(
      `${path}: not a keisei optimizer file (metadata keisei_optimizer is ${metadata.keisei_optimizer === undefined ? "missing" : `"${metadata.keisei_optimizer}"`}, expected "${OPTIMIZER_FORMAT}")`,
    );
  if (metadata.weights !== basename(weights))
    throw new CheckpointFileError(
      `${path}: optimizer state of ${metadata.weights === undefined ? "an unnamed weights file" : echo(metadata.weights)}, not of ${weights}`,
    );
  const arch = architectureFrom(metadata, tensors, path, "exp_avg.");
  // describeArch names every field that fixes a shape.
  if (describeArch(arch) !== describeArch(net.arch))
    throw new CheckpointFileError(
      `${path}: optimizer state of a ${describeArch(arch)}, but ${weights} holds a ${describeArch(net.arch)}`,
    );
  const where = `${path} (network: ${describeArch(net.arch)})`;
  const known = new Set(["step", ...net.table.tensors.flatMap((p) => [`exp_avg.${p.name}`, `exp_avg_sq.${p.name}`])]);
  for (const name of tensors.keys())
    if (!known.has(name)) throw new CheckpointFileError(`${where}: unexpected tensor ${quote(name, 60)}`);
  return adamState(net, tensors, "", where);
}

/**
 * A network built from the checkpoint's own architecture, with its weights; plus the optimizer
 * state a format-1 file carries (null for format 2: readOptimizerState reads its optimizer file).
 */
export function loadCheckpoint(
  backend: Backend,
  path: string,
  arch?: Architecture,
  storage: Storage = "f32",
): { net: Network; optimizer: AdamState | null; metadata: Record<string, string> } {
  const ck = readCheckpoint(path, arch);
  const zeros = {
    params: new Float32Array(parameterTable(ck.arch).length),
    stats: new Float32Array(statsTable(ck.arch).length),
  };
  const net = createNetwork(backend, ck.arch, zeros, storage);
  try {
    return { net, optimizer: restoreNetwork(net, ck), metadata: ck.metadata };
  } catch (e) {
    net.destroy();
    throw e;
  }
}

/**
 * The training.material_shaping weight a checkpoint's network was trained with, whose value head
 * therefore regresses V − weight × material (search/network-evaluator.ts adds it back): its
 * `material_shaping` metadata, or — for files written before keisei recorded it — the
 * effective_config.yaml of the run folder it sits in; 0 when neither says.
 */
export function valueShapingOf(path: string, metadata: Record<string, string>): number {
  const text = metadata.material_shaping;
  if (text !== undefined) {
    const w = Number(text);
    if (!(w >= 0 && w <= 1))
      throw new CheckpointFileError(`${path}: metadata material_shaping is ${quote(text, 20)} (a number in [0, 1])`);
    return w;
  }
  const effective = join(dirname(path), "effective_config.yaml");
  if (!existsSync(effective)) return 0;
  const training = (readConfigFile(effective).values as { training?: Record<string, unknown> }).training;
  const w = training?.material_shaping;
  return typeof w === "number" && w >= 0 && w <= 1 ? w : 0;
}
