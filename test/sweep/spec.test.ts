// Sweep files as W&B users write them parse into one normalised spec; broken ones name the key.
import { describe, expect, test } from "bun:test";
import { parseSweepSpec, SweepSpecError, specFingerprint } from "../../src/sweep/spec.ts";

function errorOf(text: string, file = "sweep.yaml"): string {
  try {
    parseSweepSpec(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepSpecError);
    return (e as Error).message;
  }
  throw new Error("expected a SweepSpecError");
}

// ecosystem.md §1.1, with `command` in block form: the one-line `[${env}, …]` form there is not
// valid YAML (PyYAML rejects it too: `{` opens a flow mapping).
const WANDB_EXAMPLE = `
program: train.py            # required by W&B (keisei: implicit)
name: ppo-lr-sweep
method: bayes                # grid | random | bayes
metric:
  name: eval/elo             # must be a logged key
  goal: maximize             # default minimize
  target: 1800               # optional: stop creating runs once reached
run_cap: 50                  # max runs across all agents
parameters:
  ppo.lr:                    # dotted names allowed
    distribution: log_uniform_values
    min: 1.0e-5
    max: 1.0e-2
  ppo.minibatch: {values: [512, 1024, 2048]}
  model:                     # nested form
    parameters:
      blocks: {min: 6, max: 12}          # ints -> int_uniform inferred
early_terminate:
  type: hyperband
  min_iter: 3                # or max_iter + s
  eta: 3
command:
  - \${env}
  - \${interpreter}
  - \${program}
  - \${args}
`;

describe("W&B sweep files", () => {
  test("the ecosystem.md §1.1 example parses (structure only: its fields are not keisei's)", () => {
    const s = parseSweepSpec(WANDB_EXAMPLE, "sweep.yaml", { checkFields: false });
    expect(s.name).toBe("ppo-lr-sweep");
    expect(s.method).toBe("bayes");
    expect(s.metric).toEqual({ name: "eval/elo", goal: "maximize", target: 1800 });
    expect(s.runCap).toBe(50);
    expect(s.parameters.map((p) => [p.name, p.distribution])).toEqual([
      ["ppo.lr", "log_uniform_values"],
      ["ppo.minibatch", "categorical"],
      ["model.blocks", "int_uniform"],
    ]);
    expect(s.parameters[0]).toMatchObject({ min: 1e-5, max: 1e-2 });
    expect(s.parameters[1].values).toEqual([512, 1024, 2048]);
    expect(s.parameters[2]).toMatchObject({ min: 6, max: 12, key: "parameters.model.parameters.blocks" });
    // W&B's bands from min_iter 3, eta 3: 3, 9, 27, …
    expect(s.earlyTerminate?.type).toBe("hyperband");
    if (s.earlyTerminate?.type === "hyperband") {
      expect(s.earlyTerminate.bands.slice(0, 4)).toEqual([3, 9, 27, 81]);
      expect(s.earlyTerminate.eta).toBe(3);
      expect(s.earlyTerminate.strict).toBe(true);
    }
    expect(s.notes.join("\n")).toMatch(/program: ignored/);
    expect(s.notes.join("\n")).toMatch(/command: ignored/);
  });

  test("the same example checked against keisei's config names every foreign field", () => {
    const msg = errorOf(WANDB_EXAMPLE);
    expect(msg).toContain('sweep.yaml: parameters.ppo.lr: "ppo.lr" is not a keisei config field');
    expect(msg).toContain('parameters.ppo.minibatch: "ppo.minibatch" is not a keisei config field');
    expect(msg).toContain('parameters.model.parameters.blocks: "model.blocks" is not a keisei config field');
  });

  test("W&B docs examples: flat random sweep, nested parameters, max_iter + s", () => {
    const flat = parseSweepSpec(
      "program: train.py\nmethod: random\nname: sweep\nmetric:\n  goal: maximize\n  name: val_acc\nparameters:\n  batch_size:\n    values: [16,32,64]\n  epochs:\n    values: [5, 10, 15]\n  lr:\n    min: 0.0001\n    max: 0.1\n",
      "sweep.yaml",
      { checkFields: false },
    );
    expect(flat.parameters.map((p) => p.distribution)).toEqual(["categorical", "categorical", "uniform"]);
    const nestedSpec = parseSweepSpec(
      "method: grid\nparameters:\n  optimizer:\n    parameters:\n      learning_rate:\n        values: [0.01, 0.001]\n      momentum:\n        value: 0.9\n",
      "sweep.yaml",
      { checkFields: false },
    );
    expect(nestedSpec.parameters.map((p) => [p.name, p.distribution])).toEqual([
      ["optimizer.learning_rate", "categorical"],
      ["optimizer.momentum", "constant"],
    ]);
    const hb = parseSweepSpec(
      "method: random\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\nearly_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 3}\n",
      "sweep.yaml",
      { checkFields: false },
    );
    expect(hb.earlyTerminate).toEqual({ type: "hyperband", bands: [3, 9], eta: 3, strict: true });
    expect(hb.parameters[0].distribution).toBe("uniform"); // 0.0 / 1.0 are floats in the file
    expect(hb.metric?.goal).toBe("minimize");
  });

  test("a keisei sweep: nested and dotted names map to config fields, every distribution is accepted", () => {
    const s = parseSweepSpec(`
method: random
metric: {name: eval/win_rate, goal: maximize}
seed: 7
parameters:
  training:
    parameters:
      learning_rate: {distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-2}
      gamma: {distribution: uniform, min: 0.9, max: 0.999}
      clip_epsilon: {distribution: q_uniform, min: 0.1, max: 0.3, q: 0.05}
      tower_depth: {min: 2, max: 12}
      entropy_coef: {distribution: log_uniform, min: -9.2, max: -2.3}
      value_loss_coeff: {distribution: normal, mu: 0.5, sigma: 0.05}
      gradient_clip_max_norm: {distribution: log_normal, mu: -0.7, sigma: 0.3}
      minibatch_size: {distribution: q_log_uniform_values, min: 32, max: 512, q: 32}
      weight_decay: {distribution: inv_log_uniform_values, min: 1.0e-6, max: 1.0e-3}
  training.lr_schedule_type: {values: [null, linear, cosine], probabilities: [0.5, 0.25, 0.25]}
  env.device: {value: cpu}
`);
    expect(s.seed).toBe(7);
    expect(Object.fromEntries(s.parameters.map((p) => [p.name, p.distribution]))).toEqual({
      "training.learning_rate": "log_uniform_values",
      "training.gamma": "uniform",
      "training.clip_epsilon": "q_uniform",
      "training.tower_depth": "int_uniform",
      "training.entropy_coef": "log_uniform",
      "training.value_loss_coeff": "normal",
      "training.gradient_clip_max_norm": "log_normal",
      "training.minibatch_size": "q_log_uniform_values",
      "training.weight_decay": "inv_log_uniform_values",
      "training.lr_schedule_type": "categorical",
      "env.device": "constant",
    });
    const q = s.parameters.find((p) => p.name === "training.minibatch_size");
    expect(q?.intQ).toBe(true);
    expect(s.parameters.find((p) => p.name === "training.clip_epsilon")?.intQ).toBe(false);
  });

  test("the fingerprint ignores notes and description but not the search", () => {
    const a = parseSweepSpec("method: random\ndescription: one\nparameters: {training.gamma: {values: [0.9, 0.99]}}\n");
    const b = parseSweepSpec(
      "method: random\ndescription: two\nprogram: x.py\nparameters: {training.gamma: {values: [0.9, 0.99]}}\n",
    );
    const c = parseSweepSpec("method: random\nparameters: {training.gamma: {values: [0.9, 0.999]}}\n");
    expect(specFingerprint(a)).toBe(specFingerprint(b));
    expect(specFingerprint(a)).not.toBe(specFingerprint(c));
  });
});

describe("errors name the file and key", () => {
  test("a misspelt distribution, with a suggestion (the issue's example)", () => {
    const msg = errorOf(
      "method: random\nparameters:\n  training:\n    parameters:\n      learning_rate: {distribution: log_unform, min: 1.0e-5, max: 1.0e-2}\n",
    );
    expect(msg).toBe(
      'sweep.yaml: parameters.training.parameters.learning_rate.distribution: unknown "log_unform" (did you mean log_uniform?)',
    );
    const dotted = errorOf(
      "method: random\nparameters:\n  training.learning_rate: {distribution: log_unform, min: 1.0e-5, max: 1.0e-2}\n",
    );
    expect(dotted).toBe(
      'sweep.yaml: parameters.training.learning_rate.distribution: unknown "log_unform" (did you mean log_uniform?)',
    );
  });

  const cases: [string, string][] = [
    [
      "method: random\nparameters: {learning_rate: {values: [0.001]}}\n",
      'parameters.learning_rate: "learning_rate" is not a keisei config field (did you mean training.learning_rate?)',
    ],
    [
      "method: random\nparameters: {training.learnig_rate: {values: [0.001]}}\n",
      "(did you mean training.learning_rate?)",
    ],
    [
      "method: randon\nparameters: {training.gamma: {values: [0.9]}}\n",
      'method: unknown "randon": grid, random or bayes (did you mean random?)',
    ],
    ["parameters: {training.gamma: {values: [0.9]}}\n", "method: required"],
    ["method: bayes\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n", "metric: required with method: bayes"],
    [
      "method: grid\nparameters: {training.gamma: {min: 0.9, max: 0.99}}\n",
      "parameters.training.gamma: method grid needs a finite set of values; distribution uniform is continuous",
    ],
    [
      "method: random\nparameters: {training.gamma: {min: 0.99, max: 0.9}}\n",
      "parameters.training.gamma.min: min (0.99) is greater than max (0.9)",
    ],
    [
      "method: random\nparameters: {training.gamma: {min: 0.5, max: 2.0}}\n",
      "parameters.training.gamma: max: training.gamma: Too big: expected number to be <=1, got 2",
    ],
    [
      "method: random\nparameters: {training.ppo_epochs: {distribution: uniform, min: 1, max: 8}}\n",
      "parameters.training.ppo_epochs: sample",
    ],
    [
      "method: random\nparameters: {training.lr_schedule_type: {values: [linear, cosin]}}\n",
      "parameters.training.lr_schedule_type: values[1]",
    ],
    [
      "method: random\nparameters: {training.gamma: {values: [0.9], probabilities: [0.5]}}\n",
      "parameters.training.gamma.probabilities: must sum to 1",
    ],
    [
      "method: random\nparameters: {training.gamma: {distribution: uniform, values: [0.9]}}\n",
      "parameters.training.gamma.values: not used by distribution uniform",
    ],
    [
      "method: random\nparameters: {training.gamma: {vaules: [0.9]}}\n",
      "parameters.training.gamma.vaules: unknown key (did you mean values?)",
    ],
    [
      "method: random\nparameters: {training.learning_rate: {distribution: log_uniform, min: 0.00001, max: 0.01}}\n",
      "parameters.training.learning_rate.distribution: log_uniform takes exponents of e",
    ],
    [
      "method: random\nparameters: {training.gamma: {values: [0.9]}}\nearly_terminate: {type: hyperband, eta: 3}\n",
      "early_terminate: hyperband needs min_iter, or max_iter and s",
    ],
    [
      "method: random\nmetric: {name: x}\nparameters: {training.gamma: {values: [0.9]}}\nearly_terminate: {type: hyperbnd, min_iter: 1}\n",
      'early_terminate.type: unknown "hyperbnd": hyperband or median (did you mean hyperband?)',
    ],
    ["method: random\nparameters: {training.gamma: {values: [0.9]}}\nrun_cap: 0\n", "run_cap: must be > 0, got 0"],
    [
      "method: random\nparamters: {training.gamma: {values: [0.9]}}\n",
      "paramters: unknown key (did you mean parameters?)",
    ],
    [
      "method: random\nmetric: {name: x, goal: maximise}\nparameters: {training.gamma: {values: [0.9]}}\n",
      'metric.goal: unknown "maximise": minimize or maximize (did you mean maximize?)',
    ],
    [
      "method: random\nparameters:\n  training: {parameters: {gamma: {values: [0.9]}}}\n  training.gamma: {values: [0.95]}\n",
      "parameters.training.gamma: training.gamma is also swept at parameters.training.parameters.gamma",
    ],
  ];
  test.each(cases.map(([text, expected]) => [expected, text]))("%s", (expected, text) => {
    const msg = errorOf(text);
    expect(msg).toContain(expected);
    expect(msg.startsWith("sweep.yaml: ")).toBe(true);
  });

  test("log_uniform with values where exponents belong says which distribution was meant", () => {
    const msg = errorOf(
      "method: random\nparameters: {training.learning_rate: {distribution: log_uniform, min: 0.00001, max: 0.01}}\n",
    );
    expect(msg).toBe(
      "sweep.yaml: parameters.training.learning_rate.distribution: log_uniform takes exponents of e: min 0.00001, max 0.01 give values 1.000…1.010; for values from 0.00001 to 0.01 use log_uniform_values",
    );
    // Exponents as W&B means them are fine: e^-11.5 … e^-4.6 ≈ 1e-5 … 1e-2.
    expect(() =>
      parseSweepSpec(
        "method: random\nparameters: {training.learning_rate: {distribution: log_uniform, min: -11.5, max: -4.6}}\n",
      ),
    ).not.toThrow();
  });

  test("an integer field swept with a continuous distribution gets a hint", () => {
    expect(
      errorOf("method: random\nparameters: {training.ppo_epochs: {distribution: uniform, min: 1, max: 8}}\n"),
    ).toMatch(/an integer field: use int_uniform/);
  });

  test("YAML syntax errors give line and column", () => {
    expect(errorOf("method: random\nparameters: {training.gamma: [0.9\n", "s.yaml")).toMatch(
      /^s\.yaml: YAML syntax error at line \d+, column \d+/,
    );
  });

  test("several errors are all reported, one per line", () => {
    const msg = errorOf("method: rnd\nparameters: {training.gama: {values: [1]}, training.gamma: {min: 0.1}}\n");
    expect(msg.split("\n").length).toBeGreaterThanOrEqual(2);
    for (const line of msg.split("\n")) expect(line.startsWith("sweep.yaml: ")).toBe(true);
  });
});
