// Bad configs, as files, overrides and flags of `keisei train`: sizes beyond their bounds, a run
// this machine cannot hold (refused with the estimate and its memory), files that are not files or
// are too big, LR schedule parameters that are wrong for their schedule or absurd, prototype keys.
// Each: exit status 2, one line naming the source and the field, nothing written.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig, ConfigError, parseOverride, readConfigFile } from "../../src/config/load.ts";
import { checkTrainingMemory, estimateTrainingMemory, parameterCount } from "../../src/config/memory.ts";
import { configuredArchitecture } from "../../src/models/factory.ts";
import { countParameters } from "../../src/models/params.ts";
import { lrFactor, scheduleKwargs } from "../../src/rl/schedules.ts";
import { InputError } from "../../src/util/input-error.ts";
import { expectRefusal, hashTree, inPairs, keisei } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-hard-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
mkdirSync(join(dir, "a-directory.yaml"));
Bun.spawnSync(["mkfifo", join(dir, "fifo.yaml")]);
// 2 MiB of a valid YAML list: over the cap, refused before it is parsed
file("big.yaml", `ladder:\n  rungs:\n${"    - random\n".repeat(150_000)}`);

const override = (o: string) => ["train", "--savedir", "models", "--override", o];
const config = (name: string) => ["train", "--savedir", "models", "--config", name];

const CASES: [string[], RegExp[]][] = [
  // sizes with no bound before (the cases)
  [override("training.num_envs=1000000"), [/--override training\.num_envs=1000000: training\.num_envs/, /16384/]],
  [override("training.tower_width=100000"), [/training\.tower_width/, /1024/, /got 100000/]],
  [override("training.tower_depth=10000"), [/training\.tower_depth/, /256/]],
  [override("training.steps_per_epoch=1e9"), [/training\.steps_per_epoch/, /1048576/]],
  [override("env.max_moves_per_game=1e15"), [/env\.max_moves_per_game/, /100000/]],
  [override("evaluation.max_moves_per_game=1e15"), [/evaluation\.max_moves_per_game/]],
  [override("training.minibatch_size=1e9"), [/training\.minibatch_size/]],
  [override("display.trend_history_length=1e12"), [/display\.trend_history_length/]],
  // within the bounds, but more than this machine holds: the estimate and the machine's memory
  [
    ["train", "--savedir", "models", "--tower_depth", "256", "--tower_width", "1024"],
    [
      /--tower_depth 256, --tower_width 1024: training would need about [\d.]+ GiB/,
      /this machine has [\d.]+ GiB \(os\.totalmem\)/,
    ],
  ],
  // files that are not config files
  [config("a-directory.yaml"), [/a-directory\.yaml: not a regular file/]],
  [config("fifo.yaml"), [/fifo\.yaml: not a regular file/]],
  [config("/dev/zero"), [/\/dev\/zero: not a regular file/]],
  [config("big.yaml"), [/big\.yaml: [\d,]+ bytes; a config file is at most 1,048,576/]],
  [config("missing.yaml"), [/missing\.yaml: cannot read config file \(ENOENT\)/]],
  [
    config(file("deep.yaml", `${"[".repeat(20_000)}`)),
    [/deep\.yaml: (YAML nested too deeply|unreadable YAML: nested too deeply)/],
  ],
  [
    config(
      file(
        "bomb.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
      ),
    ),
    [/bomb\.yaml: /],
  ],
  [config(file("list.yaml", "- 1\n- 2\n")), [/list\.yaml: a config file must be a mapping/]],
  // LR schedule parameters, checked at load (before any work)
  [
    config(file("gamma-neg.yaml", "training:\n  lr_schedule_type: exponential\n  lr_schedule_kwargs: {gamma: -5}\n")),
    [/gamma-neg\.yaml: training\.lr_schedule_kwargs\.gamma: Too small: expected number to be >0, got -5/],
  ],
  [
    config(file("gamma-big.yaml", "training:\n  lr_schedule_type: exponential\n  lr_schedule_kwargs: {gamma: 2}\n")),
    [/training\.lr_schedule_kwargs\.gamma: Too big/],
  ],
  [
    config(file("step0.yaml", "training:\n  lr_schedule_type: step\n  lr_schedule_kwargs: {step_size: 0}\n")),
    [/step0\.yaml: training\.lr_schedule_kwargs\.step_size: Too small/],
  ],
  [
    config(file("step-frac.yaml", "training:\n  lr_schedule_type: step\n  lr_schedule_kwargs: {step_size: 2.5}\n")),
    [/training\.lr_schedule_kwargs\.step_size: .*int/],
  ],
  [
    config(file("typo.yaml", "training:\n  lr_schedule_kwargs: {gama: 0.9}\n")),
    [
      /typo\.yaml: training\.lr_schedule_kwargs\.gama: unknown field \(did you mean training\.lr_schedule_kwargs\.gamma\?\)/,
    ],
  ],
  [
    config(file("no-type.yaml", "training:\n  lr_schedule_kwargs: {final_lr_fraction: 0.2}\n")),
    [
      /no-type\.yaml: training\.lr_schedule_kwargs\.final_lr_fraction: no schedule takes it while training\.lr_schedule_type is null/,
    ],
  ],
  [
    config(file("wrong-type.yaml", "training:\n  lr_schedule_type: linear\n  lr_schedule_kwargs: {gamma: 0.9}\n")),
    [
      /wrong-type\.yaml: training\.lr_schedule_kwargs\.gamma: not a parameter of the linear schedule \(it takes final_lr_fraction\)/,
    ],
  ],
  [
    config(
      file("tostring.yaml", "training:\n  lr_schedule_type: exponential\n  lr_schedule_kwargs: {toString: 0.1}\n"),
    ),
    [/training\.lr_schedule_kwargs\.toString: unknown field/],
  ],
  [override("training.lr_schedule_kwargs.constructor=1"), [/training\.lr_schedule_kwargs\.constructor: unknown field/]],
  [
    config(file("proto.yaml", "training:\n  __proto__:\n    learning_rate: 5\n")),
    [/proto\.yaml: training\.__proto__: unknown field/],
  ],
  [override("__proto__.x=1"), [/__proto__: unknown field/]],
  // names that would leave the models directory
  [
    config(file("logfile.yaml", "logging:\n  log_file: ../../escape.txt\n")),
    [/logfile\.yaml: logging\.log_file: expected one file name/],
  ],
  [
    config(file("runname.yaml", "logging:\n  run_name: /etc\n")),
    [/runname\.yaml: logging\.run_name: expected one file name/],
  ],
  // a value echoed in an error is cut short, never 150 000 list items
  [override(`ladder.rungs=[${"1,".repeat(20_000)}1]`), [/--override "ladder\.rungs=\[1,1,/, /characters\)/]],
];

describe("bad configs: exit 2, one line naming the source and field, nothing written", () => {
  test(`${CASES.length} cases through keisei train`, async () => {
    const before = hashTree(dir);
    await inPairs(CASES, async ([args, patterns]) => {
      const r = await keisei(args, { cwd: dir });
      expectRefusal(r, patterns, `keisei ${JSON.stringify(args).slice(0, 200)}`);
      expect(hashTree(dir), `keisei ${JSON.stringify(args).slice(0, 200)} changed ${dir}`).toBe(before);
    });
  }, 60_000);
});

describe("the memory estimate", () => {
  test("counts the parameters models/params.ts builds, for every architecture option", () => {
    for (const o of [
      [],
      ["training.model_type=cnn"],
      ["training.policy_head=conv"],
      ["training.se_ratio=0", "training.tower_depth=3", "training.tower_width=40"],
    ]) {
      const c = buildConfig(o.map(parseOverride));
      expect(parameterCount(c.training)).toBe(countParameters(configuredArchitecture(c.training)));
    }
  });
  test("the shipped configs fit this machine and are estimated near what they use; a too-big one is refused naming the biggest part", () => {
    const tiny = estimateTrainingMemory(buildConfig([readConfigFile("tiny")])).total;
    const reference = estimateTrainingMemory(buildConfig([])).total;
    expect(tiny).toBeLessThan(600 * 2 ** 20);
    expect(reference).toBeGreaterThan(tiny);
    expect(reference).toBeLessThan(3 * 2 ** 30);
    const c = buildConfig([parseOverride("training.num_envs=8192"), parseOverride("training.steps_per_epoch=1000000")]);
    expect(() => checkTrainingMemory(c, "big.yaml", 8 * 2 ** 30)).toThrow(
      /^big\.yaml: training would need about [\d.]+ GiB of memory, [\d.]+ GiB of it for rollout \(training\.steps_per_epoch\); this machine has 8\.0 GiB/,
    );
    expect(() => checkTrainingMemory(buildConfig([]), "x", 64 * 2 ** 30)).not.toThrow();
  });
});

describe("LR schedules", () => {
  test("parameters are looked up as own keys only, and every bad one is a ConfigError at load", () => {
    expect(() => scheduleKwargs("exponential", { toString: 0.1 } as Record<string, number>)).toThrow(
      /toString: not a parameter of the exponential schedule/,
    );
    expect(scheduleKwargs("step", { gamma: 0.1 })).toEqual({ step_size: 1000, gamma: 0.1 });
    for (const bad of [
      "training.lr_schedule_kwargs.gamma=0",
      "training.lr_schedule_kwargs.step_size=0",
      "training.lr_schedule_kwargs.hasOwnProperty=1",
      "training.lr_schedule_kwargs.final_lr_fraction=1.5",
    ]) {
      const e = (() => {
        try {
          buildConfig([parseOverride("training.lr_schedule_type=step"), parseOverride(bad)]);
        } catch (x) {
          return x;
        }
      })();
      expect(e, bad).toBeInstanceOf(ConfigError);
      expect(e, bad).toBeInstanceOf(InputError);
    }
    // the type and its parameters may come from different sources
    const c = buildConfig([
      parseOverride("training.lr_schedule_kwargs.gamma=0.9"),
      parseOverride("training.lr_schedule_type=exponential"),
    ]);
    expect(
      lrFactor({ type: "exponential", kwargs: c.training.lr_schedule_kwargs, stepOn: "epoch" }, 2, 10),
    ).toBeCloseTo(0.81);
  });
});
