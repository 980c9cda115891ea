// Checkpoints: safetensors round-trip (values and bytes), the header as an independent parser
// reads it (what PyTorch's safetensors.torch.load_file sees: the weights file is exactly the state
// dict, the optimizer state in its own file), loading without knowing the architecture, format-1
// files (optimizer inside the weights) still loading, and the errors: name / shape / dtype
// mismatches name the tensor, a mismatched optimizer file names both files, truncated and corrupt
// files name the file.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Random } from "../../src/util/random.ts";
import { addAttackPlanes, encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import {
  loadCheckpoint,
  optimizerPathOf,
  readCheckpoint,
  readOptimizerState,
  restoreNetwork,
  saveCheckpoint,
  valueShapingOf,
} from "../../src/models/checkpoint.ts";
import { architectureOf, createNetwork, modelFactory } from "../../src/models/factory.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from "../../src/models/safetensors.ts";
import { LinearLoss, referenceBackend as be, forwardBackward, randomObs, tensorOf } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 1-block × 8 tower with SE (h = 2), 100 actions, after one training step (running stats and Adam moments nonzero). */
async function trainedTower() {
  const net = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0.25, numActions: 100 }, { seed: 9 });
  const adam = new Adam(net, { lr: 1e-3, maxGradNorm: 0.5 });
  const plan = net.plan(2, { training: true });
  const rng = new Random(1);
  net.setInputs(plan, randomObs(rng, 2));
  await forwardBackward(net, plan, LinearLoss.random(rng, plan, net.numActions));
  adam.update();
  return { net, adam };
}

/** Reads a safetensors header with nothing but DataView and JSON.parse. */
function parseHeader(bytes: Uint8Array) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return { n, header, data: bytes.subarray(8 + n) };
}

const TOWER_STATE_DICT = [
  ["stem.weight", [8, 46, 3, 3]],
  ["stem.bias", [8]],
  ["bn_stem.weight", [8]],
  ["bn_stem.bias", [8]],
  ["bn_stem.running_mean", [8]],
  ["bn_stem.running_var", [8]],
  ["bn_stem.num_batches_tracked", []],
  ["res_blocks.0.conv1.weight", [8, 8, 3, 3]],
  ["res_blocks.0.conv1.bias", [8]],
  ["res_blocks.0.bn1.weight", [8]],
  ["res_blocks.0.bn1.bias", [8]],
  ["res_blocks.0.bn1.running_mean", [8]],
  ["res_blocks.0.bn1.running_var", [8]],
  ["res_blocks.0.bn1.num_batches_tracked", []],
  ["res_blocks.0.conv2.weight", [8, 8, 3, 3]],
  ["res_blocks.0.conv2.bias", [8]],
  ["res_blocks.0.bn2.weight", [8]],
  ["res_blocks.0.bn2.bias", [8]],
  ["res_blocks.0.bn2.running_mean", [8]],
  ["res_blocks.0.bn2.running_var", [8]],
  ["res_blocks.0.bn2.num_batches_tracked", []],
  ["res_blocks.0.se.fc1.weight", [2, 8, 1, 1]],
  ["res_blocks.0.se.fc1.bias", [2]],
  ["res_blocks.0.se.fc2.weight", [8, 2, 1, 1]],
  ["res_blocks.0.se.fc2.bias", [8]],
  ["policy_head.0.weight", [2, 8, 1, 1]],
  ["policy_head.0.bias", [2]],
  ["policy_head.1.weight", [2]],
  ["policy_head.1.bias", [2]],
  ["policy_head.1.running_mean", [2]],
  ["policy_head.1.running_var", [2]],
  ["policy_head.1.num_batches_tracked", []],
  ["policy_head.4.weight", [100, 162]],
  ["policy_head.4.bias", [100]],
  ["value_head.0.weight", [2, 8, 1, 1]],
  ["value_head.0.bias", [2]],
  ["value_head.1.weight", [2]],
  ["value_head.1.bias", [2]],
  ["value_head.1.running_mean", [2]],
  ["value_head.1.running_var", [2]],
  ["value_head.1.num_batches_tracked", []],
  ["value_head.4.weight", [1, 162]],
  ["value_head.4.bias", [1]],
] as const;

describe("checkpoints (safetensors)", () => {
  test("the file is the reference's state dict, as an independent parser reads it", async () => {
    const { net } = await trainedTower();
    const path = join(dir, "model.safetensors");
    await saveCheckpoint(path, net, { metadata: { global_timestep: "123" } });
    const bytes = new Uint8Array(readFileSync(path));
    const { n, header, data } = parseHeader(bytes);
    expect(n % 8).toBe(0);
    expect(header.__metadata__).toEqual({
      global_timestep: "123",
      format: "pt",
      keisei_checkpoint: "2",
      model_type: "resnet",
      tower_depth: "1",
      tower_width: "8",
      se_ratio: "0.25",
      input_planes: "46",
      input_features: "core46",
      num_actions: "100",
      policy_head: "dense",
    });
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    expect(names.sort()).toEqual(TOWER_STATE_DICT.map(([k]) => k).sort());
    // Offsets tile the data region with no hole, in file order.
    const spans = names.map((k) => header[k].data_offsets as [number, number]).sort((a, b) => a[0] - b[0]);
    spans.forEach(([b], i) => {
      expect(b).toBe(i === 0 ? 0 : spans[i - 1][1]);
    });
    expect(spans[spans.length - 1][1]).toBe(data.length);
    const params = await net.readParameters();
    const stats = await net.readStats();
    for (const [name, shape] of TOWER_STATE_DICT) {
      const h = header[name];
      expect(h.shape).toEqual([...shape]);
      const raw = data.slice(h.data_offsets[0], h.data_offsets[1]);
      if (name.endsWith("num_batches_tracked")) {
        expect(h.dtype).toBe("I64");
        expect(new BigInt64Array(raw.buffer)[0]).toBe(1n);
        continue;
      }
      expect(h.dtype).toBe("F32");
      const want = name.includes("running_")
        ? tensorOf(net.statsTable, stats, name)
        : tensorOf(net.table, params, name);
      expect([...new Float32Array(raw.buffer)]).toEqual([...want]);
    }
    // the training step moved the running statistics away from (0, 1)
    expect(tensorOf(net.statsTable, stats, "bn_stem.running_var").some((v) => v !== 1)).toBe(true);
  });

  test("save → load → identical values, optimizer state and bytes; the weights file is the state dict alone, the optimizer its own file", async () => {
    const { net, adam } = await trainedTower();
    const path = join(dir, "ckpt.safetensors");
    await saveCheckpoint(path, net, { optimizer: adam, metadata: { timestep: "7" } });
    expect(optimizerPathOf(path)).toBe(join(dir, "ckpt.optimizer.safetensors"));
    // The weights: exactly the state-dict names (what load_state_dict(strict=True) accepts).
    const weights = parseHeader(new Uint8Array(readFileSync(path))).header;
    expect(
      Object.keys(weights)
        .filter((k) => k !== "__metadata__")
        .sort(),
    ).toEqual(TOWER_STATE_DICT.map(([k]) => k).sort());
    // The optimizer: m and v of every parameter (its shape, F32), the step, and whose they are.
    const { header, data } = parseHeader(new Uint8Array(readFileSync(optimizerPathOf(path))));
    const params = net.table.tensors;
    expect(Object.keys(header).sort()).toEqual(
      ["__metadata__", "step", ...params.flatMap((p) => [`exp_avg.${p.name}`, `exp_avg_sq.${p.name}`])].sort(),
    );
    for (const p of params)
      for (const k of ["exp_avg", "exp_avg_sq"])
        expect(header[`${k}.${p.name}`]).toMatchObject({ dtype: "F32", shape: p.shape });
    expect(header.step).toMatchObject({ dtype: "I64", shape: [] });
    expect(new BigInt64Array(data.slice(header.step.data_offsets[0], header.step.data_offsets[1]).buffer)[0]).toBe(1n);
    expect(header.__metadata__).toEqual({
      timestep: "7",
      keisei_optimizer: "1",
      weights: "ckpt.safetensors",
      model_type: "resnet",
      tower_depth: "1",
      tower_width: "8",
      se_ratio: "0.25",
      input_planes: "46",
      input_features: "core46",
      num_actions: "100",
      policy_head: "dense",
    });

    const loaded = loadCheckpoint(be, path);
    expect(loaded.net.arch).toEqual(net.arch);
    expect(await loaded.net.readParameters()).toEqual(await net.readParameters());
    expect(await loaded.net.readStats()).toEqual(await net.readStats());
    expect(loaded.net.numBatchesTracked).toBe(1);
    expect(loaded.optimizer).toBeNull(); // a format-2 weights file carries none
    // m, v and step round-trip bit for bit.
    const state = await adam.readState();
    const opt = readOptimizerState(optimizerPathOf(path), loaded.net, path);
    expect(opt.step).toBe(1);
    expect(Buffer.from(opt.m.buffer).equals(Buffer.from(state.m.buffer, state.m.byteOffset, state.m.byteLength))).toBe(
      true,
    );
    expect(Buffer.from(opt.v.buffer).equals(Buffer.from(state.v.buffer, state.v.byteOffset, state.v.byteLength))).toBe(
      true,
    );
    expect(state.m.some((x) => x !== 0) && state.v.some((x) => x !== 0)).toBe(true);
    const adam2 = new Adam(loaded.net, adam.config);
    adam2.writeState(opt);
    const again = join(dir, "again.safetensors");
    await saveCheckpoint(again, loaded.net, { optimizer: adam2, metadata: { timestep: "7" } });
    expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
    // the same bytes but the name of the weights file it belongs to
    const reread = decodeSafetensors(new Uint8Array(readFileSync(optimizerPathOf(again))), "again");
    expect(reread.metadata.weights).toBe("again.safetensors");
    expect(encodeSafetensors(reread.tensors, { ...reread.metadata, weights: "ckpt.safetensors" })).toEqual(
      new Uint8Array(readFileSync(optimizerPathOf(path))),
    );
    // without an optimizer, no optimizer file
    const bare = join(dir, "no-optimizer.safetensors");
    await saveCheckpoint(bare, net);
    expect(existsSync(optimizerPathOf(bare))).toBe(false);
    // no temporary files left behind
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  test("a format-1 file (optimizer.* tensors inside the weights) still restores weights and optimizer; in format 2 they are unexpected", async () => {
    const { net, adam } = await trainedTower();
    const path = join(dir, "new.safetensors");
    await saveCheckpoint(path, net, { optimizer: adam });
    // The old layout, as keisei wrote it before the split: one file, keisei_checkpoint "1".
    const w = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
    const o = decodeSafetensors(new Uint8Array(readFileSync(optimizerPathOf(path))), path);
    const combined: [string, SafeTensor][] = [
      ...w.tensors,
      ...[...o.tensors].map(([k, t]): [string, SafeTensor] => [`optimizer.${k}`, t]),
    ];
    const old = join(dir, "format1.safetensors");
    writeFileSync(old, encodeSafetensors(combined, { ...w.metadata, keisei_checkpoint: "1" }));
    const loaded = loadCheckpoint(be, old);
    expect(await loaded.net.readParameters()).toEqual(await net.readParameters());
    expect(await loaded.net.readStats()).toEqual(await net.readStats());
    const state = await adam.readState();
    expect(loaded.optimizer!.step).toBe(1);
    expect(
      Buffer.from(loaded.optimizer!.m.buffer).equals(
        Buffer.from(state.m.buffer, state.m.byteOffset, state.m.byteLength),
      ),
    ).toBe(true);
    expect(
      Buffer.from(loaded.optimizer!.v.buffer).equals(
        Buffer.from(state.v.buffer, state.v.byteOffset, state.v.byteLength),
      ),
    ).toBe(true);
    // a format-1 file with part of its optimizer state is refused
    writeFileSync(
      old,
      encodeSafetensors(
        combined.filter(([k]) => k !== "optimizer.exp_avg_sq.stem.bias"),
        { ...w.metadata, keisei_checkpoint: "1" },
      ),
    );
    expect(() => loadCheckpoint(be, old)).toThrow(
      /format1\.safetensors.*tensor "optimizer\.exp_avg_sq\.stem\.bias" is missing/,
    );
    // the same tensors in a format-2 file: PyTorch's strict load would fail, so keisei's does too
    const mixed = join(dir, "mixed.safetensors");
    writeFileSync(mixed, encodeSafetensors(combined, w.metadata));
    expect(() => loadCheckpoint(be, mixed)).toThrow(
      /mixed\.safetensors.*unexpected tensor "optimizer\.exp_avg\.stem\.weight"/,
    );
  });

  test("an optimizer file that is not the weights' own, or not whole, is refused naming the file (and both files, for a mismatch)", async () => {
    const { net, adam } = await trainedTower();
    const path = join(dir, "pair.safetensors");
    await saveCheckpoint(path, net, { optimizer: adam });
    const optPath = optimizerPathOf(path);
    const { metadata, tensors } = decodeSafetensors(new Uint8Array(readFileSync(optPath)), optPath);
    const rewrite = (name: string, t: Iterable<[string, SafeTensor]>, meta: Record<string, string>) => {
      const p = join(dir, name);
      writeFileSync(p, encodeSafetensors(t, meta));
      return p;
    };
    // another checkpoint's optimizer file
    const other = rewrite("other.optimizer.safetensors", tensors, {
      ...metadata,
      weights: "checkpoint_ts512.safetensors",
    });
    expect(() => readOptimizerState(other, net, path)).toThrow(
      /^.*other\.optimizer\.safetensors: optimizer state of checkpoint_ts512\.safetensors, not of .*pair\.safetensors$/,
    );
    // another architecture's (the SE bottleneck differs: same tensor names, other shapes)
    const noSe = [...tensors].filter(([k]) => !k.includes(".se."));
    const other2 = rewrite("wider.optimizer.safetensors", noSe, { ...metadata, se_ratio: "0" });
    expect(() => readOptimizerState(other2, net, path)).toThrow(
      /wider\.optimizer\.safetensors: optimizer state of a resnet 1×8 se 0 .*, but .*pair\.safetensors holds a resnet 1×8 se 0\.25/,
    );
    // metadata that disagrees with the file's own tensors is refused by name, before any size is believed
    const lying = rewrite("lying.optimizer.safetensors", tensors, { ...metadata, tower_width: "16" });
    expect(() => readOptimizerState(lying, net, path)).toThrow(
      /lying\.optimizer\.safetensors: metadata tower_width is "16" but the tensors hold 8/,
    );
    // not an optimizer file at all (the weights file given by mistake), and the converse
    expect(() => readOptimizerState(path, net, path)).toThrow(
      /pair\.safetensors: not a keisei optimizer file \(metadata keisei_optimizer is missing/,
    );
    expect(() => loadCheckpoint(be, optPath)).toThrow(
      /pair\.optimizer\.safetensors: holds optimizer state \(of pair\.safetensors\), not network weights/,
    );
    // a tensor missing, misshapen, mistyped or extra; a step that is no count
    const cases: [string, [string, SafeTensor][], RegExp][] = [
      [
        "missing",
        [...tensors].filter(([k]) => k !== "exp_avg.value_head.4.bias"),
        /tensor "exp_avg\.value_head\.4\.bias" is missing/,
      ],
      [
        "misshapen",
        [...tensors].map(([k, t]): [string, SafeTensor] =>
          k === "exp_avg_sq.stem.bias" ? [k, { dtype: "F32", shape: [2, 4], data: t.data }] : [k, t],
        ),
        /tensor "exp_avg_sq\.stem\.bias" has shape \[2,4\], the network expects \[8\]/,
      ],
      [
        "mistyped",
        [...tensors].map(([k, t]): [string, SafeTensor] =>
          k === "step" ? [k, { dtype: "F32", shape: [2], data: new Uint8Array(8) }] : [k, t],
        ),
        /tensor "step" is F32, expected I64/,
      ],
      [
        "extra",
        [...tensors, ["exp_avg.bn_stem.running_mean", tensors.get("exp_avg.stem.bias")!]],
        /unexpected tensor "exp_avg\.bn_stem\.running_mean"/,
      ],
      [
        "negative",
        [...tensors].map(([k, t]): [string, SafeTensor] =>
          k === "step" ? [k, { dtype: "I64", shape: [], data: new Uint8Array(BigInt64Array.of(-1n).buffer) }] : [k, t],
        ),
        /tensor "step" is -1, not a step count/,
      ],
    ];
    for (const [name, t, why] of cases) {
      const p = rewrite(`${name}.optimizer.safetensors`, t, metadata);
      expect(() => readOptimizerState(p, net, path)).toThrow(
        new RegExp(`${name}\\.optimizer\\.safetensors.*${why.source}`),
      );
    }
    expect(() => readOptimizerState(join(dir, "absent.optimizer.safetensors"), net, path)).toThrow(
      /cannot read .*absent\.optimizer\.safetensors/,
    );
    const bytes = readFileSync(optPath);
    const cut = join(dir, "cut.optimizer.safetensors");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    expect(() => readOptimizerState(cut, net, path)).toThrow(
      /cut\.optimizer\.safetensors: not a readable safetensors file \(.*truncated/,
    );
  });

  test("the simple CNN round-trips too", async () => {
    const net = modelFactory(be, "cnn", { numActions: 50 }, { seed: 2 });
    const path = join(dir, "cnn.safetensors");
    await saveCheckpoint(path, net);
    const { header } = parseHeader(new Uint8Array(readFileSync(path)));
    expect(Object.keys(header).sort()).toEqual([
      "__metadata__",
      "conv.bias",
      "conv.weight",
      "policy_head.bias",
      "policy_head.weight",
      "value_head.bias",
      "value_head.weight",
    ]);
    expect(header["policy_head.weight"].shape).toEqual([50, 1296]);
    const loaded = loadCheckpoint(be, path);
    expect(loaded.net.arch).toEqual(net.arch);
    expect(await loaded.net.readParameters()).toEqual(await net.readParameters());
  });

  test("the conv policy head round-trips, its kind in the metadata; a file without policy_head is a dense one", async () => {
    const net = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0, policyHead: "conv" }, { seed: 4 });
    const path = join(dir, "conv-head.safetensors");
    await saveCheckpoint(path, net);
    const { header } = parseHeader(new Uint8Array(readFileSync(path)));
    expect(header.__metadata__.policy_head).toBe("conv");
    expect(header["policy_head.0.weight"].shape).toEqual([8, 8, 3, 3]);
    expect(header["policy_head.1.running_var"].shape).toEqual([8]);
    expect(header["policy_head.3.weight"].shape).toEqual([139, 8, 1, 1]);
    expect(header["policy_head.4.weight"]).toBeUndefined();
    const loaded = loadCheckpoint(be, path);
    expect(loaded.net.arch.policyHead).toBe("conv");
    expect(await loaded.net.readParameters()).toEqual(await net.readParameters());
    // the same outputs from the loaded network
    const rng = new Random(2);
    const obs = randomObs(rng, 2);
    const outs: Float32Array[] = [];
    for (const n of [net, loaded.net]) {
      const plan = n.plan(2, { training: false });
      n.setInputs(plan, obs);
      n.forward(plan, "infer");
      outs.push((await be.read(plan.logits)) as Float32Array);
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[0].some((v) => v !== 0)).toBe(true);

    const dense = modelFactory(be, "resnet", { depth: 1, width: 8, seRatio: 0 }, { seed: 4 });
    const old = join(dir, "before-policy-head.safetensors");
    await saveCheckpoint(old, dense);
    const { metadata, tensors } = decodeSafetensors(new Uint8Array(readFileSync(old)), old);
    delete metadata.policy_head;
    writeFileSync(old, encodeSafetensors([...tensors], metadata));
    expect(readCheckpoint(old).arch.policyHead).toBe("dense");
    // and a conv head for an action space it does not cover is refused by name
    expect(() => architectureOf("resnet", { numActions: 100, policyHead: "conv" })).toThrow(
      /policy_head conv needs .*13527 actions/,
    );
  });

  test("core46-attacks: the network derives planes 44–45 itself; the features round-trip in the metadata; files without them read core46", async () => {
    const arch = { depth: 1, width: 8, seRatio: 0.25, policyHead: "conv" as const };
    const net = modelFactory(be, "resnet", { ...arch, inputFeatures: "core46-attacks" }, { seed: 6 });
    const plain = modelFactory(be, "resnet", arch, { seed: 6 });
    expect(await plain.readParameters()).toEqual(await net.readParameters());
    // Two real positions: the attacks network fed core46 = the core46 network fed the derived planes.
    const obs = new Float32Array(2 * OBS_SIZE);
    encodeCore46(positionFromCommand("startpos moves 7g7f 3c3d 8h2b+"), 500, obs, 0);
    encodeCore46(positionFromCommand("sfen 4k4/9/9/9/4r4/9/9/9/4K4 b G 1"), 500, obs, OBS_SIZE);
    const derived = obs.slice();
    addAttackPlanes(derived, 2);
    expect(derived.subarray(44 * 81, 46 * 81).some((v) => v !== 0)).toBe(true);
    const outputs = async (n: typeof net, input: Float32Array) => {
      const plan = n.plan(2, { training: false });
      n.setInputs(plan, input);
      n.forward(plan, "infer");
      return [...((await be.read(plan.logits)) as Float32Array), ...((await be.read(plan.value)) as Float32Array)];
    };
    const got = await outputs(net, obs);
    expect(got).toEqual(await outputs(plain, derived));
    expect(got).not.toEqual(await outputs(plain, obs)); // the planes change what it computes
    expect(obs.subarray(44 * 81, 46 * 81).every((v) => v === 0)).toBe(true); // the caller's array is left alone

    const path = join(dir, "attacks.safetensors");
    await saveCheckpoint(path, net);
    expect(parseHeader(new Uint8Array(readFileSync(path))).header.__metadata__.input_features).toBe("core46-attacks");
    const loaded = loadCheckpoint(be, path);
    expect(loaded.net.arch.inputFeatures).toBe("core46-attacks");
    expect(await outputs(loaded.net, obs)).toEqual(got);

    const { metadata, tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
    delete metadata.input_features;
    const old = join(dir, "before-input-features.safetensors");
    writeFileSync(old, encodeSafetensors([...tensors], metadata));
    expect(readCheckpoint(old).arch.inputFeatures).toBe("core46");
    metadata.input_features = "core99";
    writeFileSync(old, encodeSafetensors([...tensors], metadata));
    expect(() => readCheckpoint(old)).toThrow(
      /before-input-features.safetensors: metadata input_features is "core99" \(core46 \| core46-attacks\)/,
    );
  });

  test("a name, shape or dtype that differs is an error naming the tensor", async () => {
    const { net } = await trainedTower();
    const path = join(dir, "small.safetensors");
    await saveCheckpoint(path, net);
    const wider = createNetwork(be, architectureOf("resnet", { depth: 1, width: 16, seRatio: 0.25, numActions: 100 }), {
      seed: 1,
    });
    expect(() => restoreNetwork(wider, readCheckpoint(path))).toThrow(
      /small\.safetensors.*tensor "stem\.weight" has shape \[8,46,3,3\], the network expects \[16,46,3,3\]/,
    );
    const deeper = createNetwork(be, architectureOf("resnet", { depth: 2, width: 8, seRatio: 0.25, numActions: 100 }), {
      seed: 1,
    });
    expect(() => restoreNetwork(deeper, readCheckpoint(path))).toThrow(
      /tensor "res_blocks\.1\.conv1\.weight" is missing/,
    );
    const noSe = createNetwork(be, architectureOf("resnet", { depth: 1, width: 8, seRatio: 0, numActions: 100 }), {
      seed: 1,
    });
    expect(() => restoreNetwork(noSe, readCheckpoint(path))).toThrow(
      /unexpected tensor "res_blocks\.0\.se\.fc1\.weight"/,
    );

    // Rewrite the file with one tensor dropped / retyped.
    const { metadata, tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
    const without = [...tensors].filter(([k]) => k !== "value_head.4.bias");
    writeFileSync(join(dir, "missing.safetensors"), encodeSafetensors(without, metadata));
    expect(() => loadCheckpoint(be, join(dir, "missing.safetensors"))).toThrow(
      /missing\.safetensors.*tensor "value_head\.4\.bias" is missing/,
    );
    const retyped = [...tensors].map(([k, t]): [string, typeof t] =>
      k === "bn_stem.num_batches_tracked" ? [k, { dtype: "F32", shape: [2], data: new Uint8Array(8) }] : [k, t],
    );
    writeFileSync(join(dir, "retyped.safetensors"), encodeSafetensors(retyped, metadata));
    expect(() => loadCheckpoint(be, join(dir, "retyped.safetensors"))).toThrow(
      /tensor "bn_stem\.num_batches_tracked" is F32, expected I64/,
    );
    // no architecture metadata: say so (or accept one from the caller)
    writeFileSync(join(dir, "bare.safetensors"), encodeSafetensors(tensors, {}));
    expect(() => loadCheckpoint(be, join(dir, "bare.safetensors"))).toThrow(
      /bare\.safetensors: metadata model_type is missing/,
    );
    expect(loadCheckpoint(be, join(dir, "bare.safetensors"), net.arch).net.arch).toEqual(net.arch);
  });

  test("a truncated or corrupt file is an error naming the file", async () => {
    const { net } = await trainedTower();
    const path = join(dir, "whole.safetensors");
    await saveCheckpoint(path, net);
    const bytes = readFileSync(path);
    const cut = (name: string, b: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, b);
      return p;
    };
    expect(() => loadCheckpoint(be, cut("cut-data.safetensors", bytes.subarray(0, bytes.length - 100)))).toThrow(
      /cut-data\.safetensors: not a readable safetensors file \(.*truncated/,
    );
    expect(() => loadCheckpoint(be, cut("cut-header.safetensors", bytes.subarray(0, 200)))).toThrow(
      /cut-header\.safetensors: .*truncated/,
    );
    expect(() => loadCheckpoint(be, cut("tiny.safetensors", bytes.subarray(0, 5)))).toThrow(
      /tiny\.safetensors: .*truncated/,
    );
    const garbled = new Uint8Array(bytes);
    garbled[8] = "x".charCodeAt(0);
    expect(() => loadCheckpoint(be, cut("garbled.safetensors", garbled))).toThrow(
      /garbled\.safetensors: .*header is not JSON/,
    );
    expect(() => loadCheckpoint(be, join(dir, "absent.safetensors"))).toThrow(/cannot read .*absent\.safetensors/);
    await expect(saveCheckpoint(join(dir, "no-such-dir", "x.safetensors"), net)).rejects.toThrow(
      /writing .*no-such-dir.*x\.safetensors/,
    );
  });
});

describe("valueShapingOf: the material shaping a value head learned under", () => {
  test("from the metadata, else the run folder's effective_config.yaml, else 0; a bad value is named", () => {
    const dir = mkdtempSync(join(tmpdir(), "keisei-shaping-"));
    const file = join(dir, "checkpoint_ts1.safetensors");
    expect(valueShapingOf(file, { material_shaping: "0.05" })).toBe(0.05);
    expect(valueShapingOf(file, {})).toBe(0); // no metadata, no run folder config
    writeFileSync(join(dir, "effective_config.yaml"), "training:\n  material_shaping: 0.01\n");
    expect(valueShapingOf(file, {})).toBe(0.01);
    expect(valueShapingOf(file, { material_shaping: "0" })).toBe(0); // the metadata wins
    expect(() => valueShapingOf(file, { material_shaping: "lots" })).toThrow(
      /checkpoint_ts1\.safetensors: metadata material_shaping is "lots" \(a number in \[0, 1\]\)/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
