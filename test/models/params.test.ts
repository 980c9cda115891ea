// Size tables (reference §4.1 / §4.2 parameter counts), initial values (PyTorch defaults from a
// seed) and forward output shapes.

import { describe, expect, test } from "bun:test";
import { VIEW_ALIGN } from "../../src/compute/backend.ts";
import { Random } from "../../src/util/random.ts";
import { architectureOf, modelFactory } from "../../src/models/factory.ts";
import { initTable } from "../../src/models/init.ts";
import { countParameters, parameterTable, statsTable } from "../../src/models/params.ts";
import { referenceBackend as be, randomObs } from "./helpers.ts";

describe("parameter counts (reference §4.1 table)", () => {
  test.each([
    [9, 256, 0.25, 13_241_300],
    [9, 256, 0, 12_943_508],
    [6, 128, 0.25, 4_083_156],
    [1, 16, 0, 2_216_516],
  ])("D=%i W=%i se=%d: %i", (depth, width, seRatio, total) => {
    expect(countParameters(architectureOf("resnet", { depth, width, seRatio }))).toBe(total);
  });

  test("the default tower's stages: stem 106 752, block 1 214 272, policy head 2 205 419, value head 681", () => {
    const t = parameterTable(architectureOf("resnet", {}));
    const sum = (re: RegExp) => t.tensors.filter((x) => re.test(x.name)).reduce((s, x) => s + x.size, 0);
    expect(sum(/^(stem|bn_stem)\./)).toBe(106_752);
    expect(sum(/^res_blocks\.0\./)).toBe(1_214_272);
    expect(sum(/^res_blocks\.0\.se\./)).toBe(16_448 + 16_640);
    expect(sum(/^res_blocks\./)).toBe(10_928_448);
    expect(sum(/^policy_head\./)).toBe(2_205_419);
    expect(sum(/^value_head\./)).toBe(681);
  });

  test("the conv policy head: conv3×3 W→W, BN(W), conv1×1 W→139 (default tower 626 315, 1 × 16: 4 715)", () => {
    const head = (o: { depth?: number; width?: number }) =>
      parameterTable(architectureOf("resnet", { ...o, policyHead: "conv" }))
        .tensors.filter((x) => x.name.startsWith("policy_head."))
        .reduce((s, x) => s + x.size, 0);
    expect(head({})).toBe(256 * 256 * 9 + 256 + 2 * 256 + 139 * 256 + 139);
    expect(head({})).toBe(626_315);
    expect(head({ depth: 1, width: 16 })).toBe(4_715);
    expect(countParameters(architectureOf("resnet", { policyHead: "conv" }))).toBe(13_241_300 - 2_205_419 + 626_315);
    expect(
      statsTable(architectureOf("resnet", { policyHead: "conv" })).byName.get("policy_head.1.running_mean")!.shape,
    ).toEqual([256]);
  });

  test("simple CNN: 17 552 456", () => {
    expect(countParameters(architectureOf("cnn", {}))).toBe(17_552_456);
  });

  test("tensors are in state-dict order at aligned, disjoint offsets; running stats in their own table", () => {
    const arch = architectureOf("resnet", { depth: 2, width: 16 });
    const t = parameterTable(arch);
    expect(t.tensors.slice(0, 6).map((x) => x.name)).toEqual([
      "stem.weight",
      "stem.bias",
      "bn_stem.weight",
      "bn_stem.bias",
      "res_blocks.0.conv1.weight",
      "res_blocks.0.conv1.bias",
    ]);
    expect(t.tensors.at(-1)!.name).toBe("value_head.4.bias");
    expect(t.byName.get("res_blocks.1.se.fc1.weight")!.shape).toEqual([4, 16, 1, 1]);
    for (let i = 0; i < t.tensors.length; i++) {
      expect(t.tensors[i].offset % VIEW_ALIGN).toBe(0);
      if (i > 0) expect(t.tensors[i].offset).toBeGreaterThanOrEqual(t.tensors[i - 1].offset + t.tensors[i - 1].size);
    }
    expect(t.length).toBeGreaterThanOrEqual(t.tensors.at(-1)!.offset + t.tensors.at(-1)!.size);
    const s = statsTable(arch);
    expect(s.tensors.map((x) => x.name)).toContain("res_blocks.1.bn2.running_var");
    expect(s.tensors.some((x) => t.byName.has(x.name))).toBe(false);
    expect(statsTable(architectureOf("cnn", {})).tensors).toEqual([]);
  });

  test("bad sizes are rejected", () => {
    expect(() => architectureOf("resnet", { width: 0 })).toThrow(/width/);
    expect(() => architectureOf("resnet", { depth: 0 })).toThrow(/depth/);
    expect(() => architectureOf("resnet", { seRatio: 2 })).toThrow(/seRatio/);
    expect(() => architectureOf("transformer" as "resnet", {})).toThrow(/unknown model type/);
  });
});

describe("initial values: PyTorch defaults from a seed", () => {
  test("conv/linear U(±1/√fan_in) with the matching mean and variance; BN 1 / 0; running stats 0 / 1", () => {
    const arch = architectureOf("resnet", {});
    const t = parameterTable(arch);
    const flat = initTable(t, 42);
    for (const x of t.tensors) {
      const v = flat.subarray(x.offset, x.offset + x.size);
      if (x.init.kind === "const") {
        expect(v.every((y) => y === (x.name.endsWith(".weight") ? 1 : 0))).toBe(true);
        continue;
      }
      const bound = 1 / Math.sqrt(x.init.fanIn);
      expect(x.init.fanIn).toBe(
        x.name.endsWith(".bias")
          ? t.byName
              .get(x.name.replace(/bias$/, "weight"))!
              .shape.slice(1)
              .reduce((a, b) => a * b, 1)
          : x.shape.slice(1).reduce((a, b) => a * b, 1),
      );
      let mean = 0;
      let sq = 0;
      let max = 0;
      for (const y of v) {
        mean += y;
        sq += y * y;
        max = Math.max(max, Math.abs(y));
      }
      expect(max).toBeLessThanOrEqual(bound * (1 + 1e-6));
      if (x.size >= 10_000) {
        mean /= x.size;
        const variance = sq / x.size - mean * mean;
        // U(−b, b): mean 0 (sd b/√(3n)), variance b²/3 (sd of the estimate b²·√(4/45)/√n); 5 sd
        expect(Math.abs(mean)).toBeLessThan((5 * bound) / Math.sqrt(3 * x.size));
        expect(Math.abs(variance / (bound * bound) - 1 / 3)).toBeLessThan((5 * Math.sqrt(4 / 45)) / Math.sqrt(x.size));
        expect(max).toBeGreaterThan(0.999 * bound);
      }
    }
    expect(t.tensors.find((x) => x.name === "stem.weight")!.init).toEqual({ kind: "uniform", fanIn: 46 * 9 });
    expect(t.tensors.find((x) => x.name === "policy_head.4.weight")!.init).toEqual({ kind: "uniform", fanIn: 162 });
    const s = statsTable(arch);
    const sv = initTable(s, 0);
    for (const x of s.tensors)
      expect(
        sv.subarray(x.offset, x.offset + x.size).every((y) => y === (x.name.endsWith("running_var") ? 1 : 0)),
      ).toBe(true);
  });

  test("one seed, one network; another seed, another", () => {
    const t = parameterTable(architectureOf("resnet", { depth: 1, width: 16 }));
    expect(initTable(t, 7)).toEqual(initTable(t, 7));
    expect(initTable(t, 7)).not.toEqual(initTable(t, 8));
  });
});

describe("forward output shapes", () => {
  test("default tower (9 × 256, SE): logits [B, 13527], value [B]", async () => {
    const net = modelFactory(be, "resnet", {}, { seed: 1 });
    expect(net.numParameters).toBe(13_241_300);
    const plan = net.plan(1, { training: false });
    net.setInputs(plan, randomObs(new Random(1), 1));
    net.forward(plan, "infer");
    expect(plan.logits.length).toBe(13_527);
    expect(plan.value.length).toBe(1);
    const logits = await be.read(plan.logits);
    expect(logits.every(Number.isFinite)).toBe(true);
    net.destroy();
  }, 30_000);

  test("simple CNN and a small tower at batch 3", async () => {
    for (const net of [
      modelFactory(be, "cnn", {}, { seed: 1 }),
      modelFactory(be, "resnet", { depth: 2, width: 8 }, { seed: 1 }),
    ]) {
      const plan = net.plan(3, { training: true });
      net.setInputs(plan, randomObs(new Random(2), 3));
      net.forward(plan, "train");
      expect([plan.logits.length, plan.value.length]).toEqual([3 * 13_527, 3]);
      expect((await be.read(plan.value)).every(Number.isFinite)).toBe(true);
      net.destroy();
    }
  });
});
