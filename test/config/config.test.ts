// The config is built once from defaults, files and overrides; bad input names its source and field.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildConfig,
  ConfigError,
  configToYaml,
  deepMerge,
  parseOverride,
  readConfigFile,
} from "../../src/config/load.ts";
import { configFields } from "../../src/config/schema.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-config-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("defaults", () => {
  test("are the reference's", () => {
    const c = buildConfig([]);
    expect(c.training.learning_rate).toBe(3e-4);
    expect(c.training.steps_per_epoch).toBe(2048);
    expect(c.training.ppo_epochs).toBe(10);
    expect(c.training.minibatch_size).toBe(64);
    expect(c.training.tower_depth).toBe(9);
    expect(c.training.tower_width).toBe(256);
    expect(c.training.se_ratio).toBe(0.25);
    expect(c.training.gradient_clip_max_norm).toBe(0.5);
    expect(c.env.max_moves_per_game).toBe(500);
    expect(c.evaluation.previous_model_pool_size).toBe(5);
  });
  test("every field has a doc line", () => {
    for (const f of configFields()) expect(f.doc.length).toBeGreaterThanOrEqual(8);
  });
  test("configs/default.yaml is exactly the defaults, and the YAML round-trips", () => {
    const fromFile = buildConfig([readConfigFile("configs/default.yaml")]);
    expect(fromFile).toEqual(buildConfig([]));
    const again = buildConfig([readConfigFile(file("round.yaml", configToYaml(fromFile)))]);
    expect(again).toEqual(fromFile);
  });
});

describe("merging", () => {
  test("files deep-merge in order, then overrides win", () => {
    const a = file("a.yaml", "training:\n  learning_rate: 0.001\n  ppo_epochs: 3\nenv:\n  seed: 7\n");
    const b = file("b.yaml", "training:\n  ppo_epochs: 4\n");
    const c = buildConfig([
      readConfigFile(a),
      readConfigFile(b),
      parseOverride("env.seed=9"),
      parseOverride("training.lr_schedule_type=cosine"),
    ]);
    expect(c.training.learning_rate).toBe(0.001); // from a, untouched by b
    expect(c.training.ppo_epochs).toBe(4);
    expect(c.env.seed).toBe(9);
    expect(c.training.lr_schedule_type).toBe("cosine");
    expect(c.training.gamma).toBe(0.99); // default kept beside the merged fields
  });
  test("deepMerge replaces arrays and merges objects", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
  });
  test("override values are read as YAML", () => {
    expect(buildConfig([parseOverride("training.target_kl=null")]).training.target_kl).toBeNull();
    expect(buildConfig([parseOverride("training.normalize_advantages=false")]).training.normalize_advantages).toBe(
      false,
    );
    expect(
      buildConfig([parseOverride("display.log_layer_keyword_filters=[stem, value_head]")]).display
        .log_layer_keyword_filters,
    ).toEqual(["stem", "value_head"]);
  });
});

describe("bad input names the source and the field", () => {
  test("unknown key, with a suggestion", () => {
    const p = file("typo.yaml", "training:\n  learning_rat: 0.1\n");
    const msg = errorOf(() => buildConfig([readConfigFile(p)]));
    expect(msg).toContain(p);
    expect(msg).toContain("training.learning_rat: unknown field (did you mean training.learning_rate?)");
  });
  test("unknown section", () => {
    expect(errorOf(() => buildConfig([readConfigFile(file("sec.yaml", "trainig:\n  gamma: 0.9\n"))]))).toContain(
      "trainig: unknown field (did you mean training?)",
    );
  });
  test("wrong type", () => {
    const msg = errorOf(() => buildConfig([readConfigFile(file("type.yaml", "training:\n  ppo_epochs: ten\n"))]));
    expect(msg).toContain("training.ppo_epochs");
    expect(msg).toContain('"ten"');
  });
  test("out of range", () => {
    const msg = errorOf(() => buildConfig([readConfigFile(file("range.yaml", "training:\n  gamma: 1.5\n"))]));
    expect(msg).toMatch(/range\.yaml: training\.gamma: .*<=1, got 1\.5/);
    expect(errorOf(() => buildConfig([parseOverride("training.learning_rate=-1")]))).toMatch(
      /--override training\.learning_rate=-1: training\.learning_rate: .*>0/,
    );
  });
  test("not an integer, and a bad enum", () => {
    expect(errorOf(() => buildConfig([parseOverride("training.num_envs=2.5")]))).toContain("training.num_envs");
    const msg = errorOf(() => buildConfig([parseOverride("env.device=cuda")]));
    expect(msg).toContain("env.device");
    expect(msg).toContain("webgpu");
  });
  test("YAML syntax error gives line and column", () => {
    const msg = errorOf(() => readConfigFile(file("syntax.yaml", "training:\n  gamma: [0.9\n  lr: 1\n")));
    expect(msg).toMatch(/syntax\.yaml: YAML syntax error at line \d+, column \d+/);
  });
  test("a missing file and a file that is not a mapping", () => {
    expect(errorOf(() => readConfigFile(join(dir, "nope.yaml")))).toContain(
      "nope.yaml: cannot read config file (ENOENT)",
    );
    expect(errorOf(() => readConfigFile(file("list.yaml", "- 1\n- 2\n")))).toContain("must be a mapping");
  });
  test("a malformed override", () => {
    expect(errorOf(() => parseOverride("training.gamma"))).toContain("expected KEY.PATH=VALUE");
  });
});
