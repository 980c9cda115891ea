// Network checkpoints as safetensors that PyTorch loads directly:
//
//   safetensors.torch.load_file(path)  →  the reference's state dict (§4: stem.weight …
//   value_head.4.bias, BN running_mean / running_var F32 and num_batches_tracked I64 [])
// (with policy_head conv, the policy_head.* tensors are keisei's conv head, not the reference's)
//
// The architecture is recorded in __metadata__ (model_type, tower_depth, tower_width, se_ratio,
// input_planes, num_actions, policy_head), so a checkpoint loads without knowing it. Optimizer state, when
// saved, rides in the same file (one atomic write) under an `optimizer.` prefix:
// optimizer.exp_avg.<name> and optimizer.exp_avg_sq.<name> (Adam m, v; the parameter's shape)
// and optimizer.step (I64 []). A PyTorch user drops those keys before load_state_dict:
//   {k: v for k, v in sd.items() if not k.startswith("optimizer.")}
//
// Loading checks every name, dtype and shape against the architecture and names the first that
// differs; a truncated or corrupt file is an error naming the file.
//
// Defines: CHECKPOINT_FORMAT, saveCheckpoint, readCheckpoint, loadCheckpoint, restoreNetwork,
//          Checkpoint.

import type { Backend } from "../../compute/backend.ts";
import { architectureOf, createNetwork } from "./factory.ts";
import type { Network } from "./network.ts";
import type { Adam, AdamState } from "./optimizer.ts";
import { batchNormLayers, parameterTable, statsTable, type Architecture, type PolicyHead } from "./params.ts";
import { bytesOf, encodeSafetensors, readSafetensorsFile, writeFileAtomic, type SafeTensor } from "./safetensors.ts";

/** Version of keisei's checkpoint layout (metadata key keisei_checkpoint). */
export const CHECKPOINT_FORMAT = "1";

const OPT = "optimizer.";

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

function architectureMetadata(arch: Architecture): Record<string, string> {
  return {
    format: "pt",
    keisei_checkpoint: CHECKPOINT_FORMAT,
    model_type: arch.type,
    tower_depth: String(arch.depth),
    tower_width: String(arch.width),
    se_ratio: String(arch.seRatio),
    input_planes: String(arch.inputPlanes),
    num_actions: String(arch.numActions),
    policy_head: arch.policyHead,
  };
}

function architectureFrom(meta: Record<string, string>, path: string): Architecture {
  const num = (k: string) => {
    const v = Number(meta[k]);
    if (meta[k] === undefined || !Number.isFinite(v)) throw new Error(`${path}: metadata "${k}" is ${meta[k] === undefined ? "missing" : `"${meta[k]}"`}; not a keisei checkpoint (or pass its architecture)`);
    return v;
  };
  const type = meta.model_type;
  if (type !== "resnet" && type !== "cnn") throw new Error(`${path}: metadata model_type is ${type === undefined ? "missing" : `"${type}"`} (resnet | cnn); not a keisei checkpoint (or pass its architecture)`);
  try {
    // policy_head is absent from checkpoints written before the conv head existed: theirs is dense.
    const policyHead = (meta.policy_head ?? "dense") as PolicyHead;
    return architectureOf(type, { depth: num("tower_depth"), width: num("tower_width"), seRatio: num("se_ratio"), inputPlanes: num("input_planes"), numActions: num("num_actions"), policyHead });
  } catch (e) {
    throw new Error(`${path}: metadata describes no valid network: ${(e as Error).message}`);
  }
}

/**
 * Writes the network (and `optimizer`'s m, v, step when given) to `path` atomically.
 * `metadata` adds string entries to __metadata__ (e.g. global_timestep).
 */
export async function saveCheckpoint(path: string, net: Network, o: { optimizer?: Adam; metadata?: Record<string, string> } = {}): Promise<void> {
  const [params, stats, opt] = await Promise.all([net.readParameters(), net.readStats(), o.optimizer?.readState()]);
  const tensors: [string, SafeTensor][] = [];
  const f32 = (flat: Float32Array, offset: number, shape: number[]): SafeTensor => ({ dtype: "F32", shape, data: bytesOf(flat.subarray(offset, offset + shape.reduce((a, b) => a * b, 1))) });
  for (const e of stateDictLayout(net.arch)) {
    const t = net.table.byName.get(e.name) ?? net.statsTable.byName.get(e.name);
    if (e.dtype === "I64") tensors.push([e.name, { dtype: "I64", shape: [], data: bytesOf(BigInt64Array.of(BigInt(net.numBatchesTracked))) }]);
    else tensors.push([e.name, f32(net.table.byName.has(e.name) ? params : stats, t!.offset, e.shape)]);
  }
  if (opt) {
    for (const [key, flat] of [["exp_avg", opt.m], ["exp_avg_sq", opt.v]] as const)
      for (const t of net.table.tensors) tensors.push([`${OPT}${key}.${t.name}`, f32(flat, t.offset, t.shape)]);
    tensors.push([`${OPT}step`, { dtype: "I64", shape: [], data: bytesOf(BigInt64Array.of(BigInt(opt.step))) }]);
  }
  for (const [k, v] of Object.entries(o.metadata ?? {})) if (typeof v !== "string") throw new Error(`saveCheckpoint: metadata "${k}" must be a string`);
  writeFileAtomic(path, encodeSafetensors(tensors, { ...o.metadata, ...architectureMetadata(net.arch) }));
}

/** Parses `path`; the architecture comes from its metadata unless given. */
export function readCheckpoint(path: string, arch?: Architecture): Checkpoint {
  const { metadata, tensors } = readSafetensorsFile(path);
  return { path, arch: arch ?? architectureFrom(metadata, path), metadata, tensors };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describeArch(a: Architecture): string {
  return a.type === "cnn" ? `cnn (inputs ${a.inputPlanes}, actions ${a.numActions})` : `resnet ${a.depth}×${a.width} se ${a.seRatio} ${a.policyHead} policy head (inputs ${a.inputPlanes}, actions ${a.numActions})`;
}

/**
 * Copies a checkpoint's tensors into `net` after checking each name, dtype and shape against the
 * network (any difference is an error naming the tensor). Returns the optimizer state when the
 * file has one (give it to Adam.writeState).
 */
export function restoreNetwork(net: Network, ck: Checkpoint): AdamState | null {
  const where = `${ck.path} (network: ${describeArch(net.arch)})`;
  const check = (e: Expected) => {
    const t = ck.tensors.get(e.name);
    if (!t) throw new Error(`${where}: tensor "${e.name}" is missing`);
    if (t.dtype !== e.dtype) throw new Error(`${where}: tensor "${e.name}" is ${t.dtype}, expected ${e.dtype}`);
    if (!sameShape(t.shape, e.shape)) throw new Error(`${where}: tensor "${e.name}" has shape [${t.shape}], the network expects [${e.shape}]`);
    return t;
  };
  const layout = stateDictLayout(net.arch);
  const known = new Set(layout.map((e) => e.name));
  for (const name of ck.tensors.keys()) if (!known.has(name) && !name.startsWith(OPT)) throw new Error(`${where}: unexpected tensor "${name}"`);
  const params = new Float32Array(net.table.length);
  const stats = new Float32Array(net.statsTable.length);
  let tracked: number | null = null;
  for (const e of layout) {
    const t = check(e);
    if (e.dtype === "I64") {
      const n = Number(new BigInt64Array(t.data.buffer, t.data.byteOffset, 1)[0]);
      tracked = Math.max(tracked ?? 0, n);
      continue;
    }
    const p = net.table.byName.get(e.name);
    const dst = p ? params : stats;
    dst.set(new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4), (p ?? net.statsTable.byName.get(e.name)!).offset);
  }
  net.writeParameters(params);
  net.writeStats(stats);
  net.numBatchesTracked = tracked ?? 0;
  if (![...ck.tensors.keys()].some((k) => k.startsWith(OPT))) return null;
  const m = new Float32Array(net.table.length);
  const v = new Float32Array(net.table.length);
  for (const [key, flat] of [["exp_avg", m], ["exp_avg_sq", v]] as const) {
    for (const p of net.table.tensors) {
      const t = check({ name: `${OPT}${key}.${p.name}`, dtype: "F32", shape: p.shape });
      flat.set(new Float32Array(t.data.buffer, t.data.byteOffset, p.size), p.offset);
    }
  }
  const step = check({ name: `${OPT}step`, dtype: "I64", shape: [] });
  const expected = 2 * net.table.tensors.length + 1;
  const present = [...ck.tensors.keys()].filter((k) => k.startsWith(OPT)).length;
  if (present !== expected) throw new Error(`${where}: ${present} optimizer tensors, expected ${expected}`);
  return { m, v, step: Number(new BigInt64Array(step.data.buffer, step.data.byteOffset, 1)[0]) };
}

/** A network built from the checkpoint's own architecture, with its weights; plus the optimizer state if saved. */
export function loadCheckpoint(backend: Backend, path: string, arch?: Architecture): { net: Network; optimizer: AdamState | null; metadata: Record<string, string> } {
  const ck = readCheckpoint(path, arch);
  const zeros = { params: new Float32Array(parameterTable(ck.arch).length), stats: new Float32Array(statsTable(ck.arch).length) };
  const net = createNetwork(backend, ck.arch, zeros);
  try {
    return { net, optimizer: restoreNetwork(net, ck), metadata: ck.metadata };
  } catch (e) {
    net.destroy();
    throw e;
  }
}
