// The sweep file: W&B's sweep YAML as users paste it (method, metric, parameters with values /
// value / distribution / min / max / mu / sigma / q / probabilities, nested `parameters`, dotted
// names, run_cap, early_terminate), parsed into a normalised SweepSpec. Every error names the file
// and the key path; parameter names must be keisei config fields and every value they can take is
// checked against the config schema before any trial runs.
//
// Differences from W&B, on purpose: YAML 1.2 (`3e-4` is a number, `yes` a string); `program` and
// `command` are ignored (every trial is `keisei train`); `early_terminate.type: median` adds
// Optuna's MedianPruner; `seed` and `tpe` are keisei extensions.

import YAML from "yaml";
import { buildConfig, ConfigError, nested } from "../config/load.ts";
import { configFields } from "../config/schema.ts";
import { ppf } from "./distributions.ts";
import { didYouMean } from "../util/did-you-mean.ts";
import { InputError } from "../util/input-error.ts";
import { METRIC_NAMES } from "../training/metrics.ts";

export class SweepSpecError extends InputError {
  override name = "SweepSpecError";
}

export const DISTRIBUTIONS = [
  "constant",
  "categorical",
  "categorical_w_probabilities",
  "int_uniform",
  "uniform",
  "q_uniform",
  "log_uniform",
  "log_uniform_values",
  "q_log_uniform",
  "q_log_uniform_values",
  "inv_log_uniform",
  "inv_log_uniform_values",
  "normal",
  "q_normal",
  "log_normal",
  "q_log_normal",
] as const;
export type Distribution = Exclude<(typeof DISTRIBUTIONS)[number], "categorical_w_probabilities">;

/** One swept config field. Numeric fields are NaN where the distribution does not use them. */
export interface ParamSpec {
  name: string; // the dotted keisei config field, e.g. training.learning_rate
  key: string; // where it sits in the file, for messages: parameters.training.parameters.learning_rate
  distribution: Distribution;
  values: unknown[]; // categorical choices; [value] for constant; [] otherwise
  probabilities: number[] | null; // categorical only
  min: number;
  max: number;
  mu: number;
  sigma: number;
  q: number;
  intQ: boolean; // q was written as an integer: quantised values are integers (W&B)
}

export type EarlyTerminate =
  | { type: "hyperband"; bands: number[]; eta: number; strict: boolean }
  | { type: "median"; nStartupTrials: number; nWarmupSteps: number; intervalSteps: number; nMinTrials: number };

export interface SweepSpec {
  name: string | null;
  description: string | null;
  method: "grid" | "random" | "bayes";
  metric: { name: string; goal: "minimize" | "maximize"; target: number | null } | null;
  parameters: ParamSpec[];
  runCap: number | null;
  earlyTerminate: EarlyTerminate | null;
  seed: number | null;
  tpe: { nStartupTrials: number; nEiCandidates: number };
  /** Keys accepted but ignored, one line each, for the user to read. */
  notes: string[];
}

const TOP_KEYS = ["name", "description", "method", "metric", "parameters", "run_cap", "early_terminate", "seed", "tpe"];
const IGNORED_TOP_KEYS: Record<string, string> = {
  program: "every trial runs `keisei train` with the trial's parameters as --override flags",
  command: "every trial runs `keisei train` with the trial's parameters as --override flags",
  project: "keisei sweeps are local; there is no W&B project",
  entity: "keisei sweeps are local; there is no W&B entity",
  controller: "agents coordinate through the study database; there is no controller",
  job: "W&B Launch is not used",
  image_uri: "W&B Launch is not used",
  apiVersion: "not used",
  kind: "not used",
};
const PARAM_KEYS = ["values", "value", "distribution", "probabilities", "min", "max", "mu", "sigma", "q", "parameters"];
const KEYS_OF: Record<string, string[]> = {
  constant: ["value"],
  categorical: ["values", "probabilities"],
  categorical_w_probabilities: ["values", "probabilities"],
  int_uniform: ["min", "max"],
  uniform: ["min", "max"],
  log_uniform: ["min", "max"],
  log_uniform_values: ["min", "max"],
  inv_log_uniform: ["min", "max"],
  inv_log_uniform_values: ["min", "max"],
  q_uniform: ["min", "max", "q"],
  q_log_uniform: ["min", "max", "q"],
  q_log_uniform_values: ["min", "max", "q"],
  normal: ["mu", "sigma"],
  log_normal: ["mu", "sigma"],
  q_normal: ["mu", "sigma", "q"],
  q_log_normal: ["mu", "sigma", "q"],
};

type Plain = { [key: string]: unknown };
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** A suggestion for a parameter name that is not a config field: a typo, or W&B's flat style (`learning_rate`). */
function fieldSuggestion(name: string): string {
  const fields = configFields().map((f) => f.path);
  const leaf = name.split(".").pop() ?? name;
  const sameLeaf = fields.filter((f) => f.endsWith(`.${leaf}`));
  if (sameLeaf.length > 0) return ` (did you mean ${sameLeaf.join(" or ")}?)`;
  return didYouMean(name, fields);
}

/** A value as an error shows it: JSON, cut short. */
const fmt = (v: unknown) => {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 60 ? `${json.slice(0, 60)}… (${json.length} characters)` : json;
};

class Reader {
  errors: string[] = [];
  notes: string[] = [];
  constructor(
    readonly file: string,
    readonly intLiterals: Set<string>,
  ) {}
  error(path: string, message: string) {
    this.errors.push(`${this.file}: ${path ? `${path}: ` : ""}${message}`);
  }
  isInt(path: string): boolean {
    return this.intLiterals.has(path);
  }
  number(
    obj: Plain,
    key: string,
    path: string,
    opts: { int?: boolean; min?: number; exclusiveMin?: number } = {},
  ): number | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    const p = `${path}.${key}`;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.error(p, `expected a number, got ${fmt(v)}`);
      return undefined;
    }
    if (opts.int && !Number.isInteger(v)) this.error(p, `expected a whole number, got ${v}`);
    else if (opts.min !== undefined && v < opts.min) this.error(p, `must be ≥ ${opts.min}, got ${v}`);
    else if (opts.exclusiveMin !== undefined && v <= opts.exclusiveMin)
      this.error(p, `must be > ${opts.exclusiveMin}, got ${v}`);
    else return v;
    return undefined;
  }
  unknownKeys(obj: Plain, allowed: readonly string[], path: string) {
    for (const k of Object.keys(obj))
      if (!allowed.includes(k)) this.error(path ? `${path}.${k}` : k, `unknown key${didYouMean(k, allowed)}`);
  }
}

/** Paths (keys joined by ".") of every number written as an integer literal: W&B infers int_uniform from them. */
function integerLiterals(node: unknown, path: string, out: Set<string>) {
  if (YAML.isMap(node)) {
    for (const pair of node.items) {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      integerLiterals(pair.value, path ? `${path}.${key}` : key, out);
    }
  } else if (YAML.isSeq(node)) {
    for (const [i, item] of node.items.entries()) integerLiterals(item, `${path}[${i}]`, out);
  } else if (YAML.isScalar(node) && typeof node.value === "number") {
    if (/^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F]+|0o[0-7]+)$/.test(node.source ?? String(node.value))) out.add(path);
  }
}

function parseParameter(r: Reader, name: string, key: string, raw: unknown, out: ParamSpec[]) {
  if (!isPlain(raw)) {
    r.error(
      key,
      `a parameter is a mapping with values, value, distribution, min/max, … or nested parameters; got ${fmt(raw)}`,
    );
    return;
  }
  r.unknownKeys(raw, PARAM_KEYS, key);
  if (raw.parameters !== undefined) {
    const others = Object.keys(raw).filter((k) => k !== "parameters");
    if (others.length > 0) r.error(`${key}.${others[0]}`, "a parameter with nested `parameters` takes no other keys");
    parseParameters(r, raw.parameters, `${key}.parameters`, `${name}.`, out);
    return;
  }
  let dist = raw.distribution;
  if (dist === undefined) {
    if (raw.values !== undefined)
      dist = raw.probabilities !== undefined ? "categorical_w_probabilities" : "categorical";
    else if (raw.value !== undefined) dist = "constant";
    else if (raw.min !== undefined && raw.max !== undefined)
      dist = r.isInt(`${key}.min`) && r.isInt(`${key}.max`) ? "int_uniform" : "uniform";
    else {
      r.error(key, "needs values, value, min and max, or a distribution");
      return;
    }
  } else if (typeof dist !== "string" || !(DISTRIBUTIONS as readonly string[]).includes(dist)) {
    const extra =
      dist === "beta" || dist === "q_beta"
        ? " (beta distributions are not supported by keisei)"
        : didYouMean(String(dist), DISTRIBUTIONS);
    r.error(`${key}.distribution`, `unknown ${fmt(dist)}${extra}`);
    return;
  }
  const d = dist as (typeof DISTRIBUTIONS)[number];
  for (const k of Object.keys(raw)) {
    if (k === "distribution" || !PARAM_KEYS.includes(k)) continue;
    if (!KEYS_OF[d].includes(k))
      r.error(`${key}.${k}`, `not used by distribution ${d} (it takes ${KEYS_OF[d].join(", ")})`);
  }
  const p: ParamSpec = {
    name,
    key,
    distribution: d === "categorical_w_probabilities" ? "categorical" : d,
    values: [],
    probabilities: null,
    min: NaN,
    max: NaN,
    mu: NaN,
    sigma: NaN,
    q: NaN,
    intQ: false,
  };
  if (d === "constant") {
    if (raw.value === undefined) return r.error(key, "distribution constant needs value");
    p.values = [raw.value];
  } else if (d === "categorical" || d === "categorical_w_probabilities") {
    if (!Array.isArray(raw.values) || raw.values.length === 0)
      return r.error(`${key}.values`, `expected a non-empty list, got ${fmt(raw.values)}`);
    p.values = raw.values;
    if (raw.probabilities !== undefined) {
      const probs = raw.probabilities;
      if (!Array.isArray(probs) || probs.some((x) => typeof x !== "number" || !(x >= 0)))
        return r.error(`${key}.probabilities`, `expected a list of numbers ≥ 0, got ${fmt(probs)}`);
      if (probs.length !== p.values.length)
        return r.error(`${key}.probabilities`, `has ${probs.length} entries for ${p.values.length} values`);
      const sum = (probs as number[]).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-6) return r.error(`${key}.probabilities`, `must sum to 1, sum to ${sum}`);
      p.probabilities = probs as number[];
    } else if (d === "categorical_w_probabilities")
      return r.error(key, "distribution categorical_w_probabilities needs probabilities");
  } else if (KEYS_OF[d].includes("min")) {
    if (raw.min === undefined || raw.max === undefined) return r.error(key, `distribution ${d} needs min and max`);
    const positive = d === "log_uniform_values" || d === "q_log_uniform_values" || d === "inv_log_uniform_values";
    const min = r.number(raw, "min", key, { int: d === "int_uniform", exclusiveMin: positive ? 0 : undefined });
    const max = r.number(raw, "max", key, { int: d === "int_uniform", exclusiveMin: positive ? 0 : undefined });
    if (min === undefined || max === undefined) return;
    if (min > max) return r.error(`${key}.min`, `min (${min}) is greater than max (${max})`);
    p.min = min;
    p.max = max;
    // W&B's footgun: log_uniform takes exponents of e. Bounds like 1e-5…1e-2 are values meant for log_uniform_values.
    if (
      (d === "log_uniform" || d === "q_log_uniform") &&
      ((min > 0 && max <= 1) || Math.max(Math.abs(min), Math.abs(max)) > 700)
    ) {
      const lo = Math.exp(min).toPrecision(4);
      const hi = Math.exp(max).toPrecision(4);
      return r.error(
        `${key}.distribution`,
        `${d} takes exponents of e: min ${min}, max ${max} give values ${lo}…${hi}; for values from ${min} to ${max} use ${d}_values`,
      );
    }
  } else {
    p.mu = r.number(raw, "mu", key) ?? 0;
    p.sigma = r.number(raw, "sigma", key, { min: 0 }) ?? 1;
  }
  if (KEYS_OF[d].includes("q")) {
    p.q = r.number(raw, "q", key, { exclusiveMin: 0 }) ?? 1;
    p.intQ = raw.q === undefined || r.isInt(`${key}.q`);
  }
  out.push(p);
}

function parseParameters(r: Reader, raw: unknown, path: string, prefix: string, out: ParamSpec[]) {
  if (!isPlain(raw) || Object.keys(raw).length === 0) {
    r.error(path, `expected a mapping of parameter names to their specs, got ${fmt(raw)}`);
    return;
  }
  for (const [name, value] of Object.entries(raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      r.error(`${path}.${name}`, "a parameter name is letters, digits, _ . - and starts with a letter or _");
      continue;
    }
    parseParameter(r, prefix + name, `${path}.${name}`, value, out);
  }
}

function parseEarlyTerminate(r: Reader, raw: unknown): EarlyTerminate | null {
  const path = "early_terminate";
  if (!isPlain(raw)) {
    r.error(path, `expected a mapping with type: hyperband (or median), got ${fmt(raw)}`);
    return null;
  }
  if (raw.type === "hyperband") {
    r.unknownKeys(raw, ["type", "min_iter", "max_iter", "s", "eta", "strict"], path);
    const eta = r.number(raw, "eta", path, { exclusiveMin: 1 }) ?? 3;
    const strict = raw.strict === undefined ? true : raw.strict;
    if (typeof strict !== "boolean") r.error(`${path}.strict`, `expected true or false, got ${fmt(strict)}`);
    const bands: number[] = [];
    if (raw.min_iter !== undefined) {
      if (raw.max_iter !== undefined) r.error(path, "give min_iter, or max_iter and s, not both");
      const minIter = r.number(raw, "min_iter", path, { int: true, min: 1 });
      if (minIter === undefined) return null;
      // W&B's bands: min_iter·eta^k (each truncated to an integer).
      for (let band = minIter; band < 1e9; band *= eta)
        if (bands.at(-1) !== Math.trunc(band)) bands.push(Math.trunc(band));
    } else if (raw.max_iter !== undefined) {
      const maxIter = r.number(raw, "max_iter", path, { int: true, min: 1 });
      const s = r.number(raw, "s", path, { int: true, min: 1 });
      if (raw.s === undefined) r.error(path, "max_iter needs s (the number of brackets)");
      if (maxIter === undefined || s === undefined) return null;
      // W&B's bands: max_iter/eta^k for k = 1..s, while ≥ 1.
      let band = maxIter;
      for (let i = 0; i < s; i++) {
        band /= eta;
        if (band < 1) break;
        bands.push(Math.trunc(band));
      }
      bands.sort((a, b) => a - b);
      if (bands.length === 0)
        r.error(path, `no bands: max_iter ${maxIter} / eta ${eta} is below 1; raise max_iter or lower eta`);
    } else {
      r.error(path, "hyperband needs min_iter, or max_iter and s");
      return null;
    }
    return { type: "hyperband", bands: [...new Set(bands)], eta, strict: strict === true };
  }
  if (raw.type === "median") {
    r.unknownKeys(raw, ["type", "n_startup_trials", "n_warmup_steps", "interval_steps", "n_min_trials"], path);
    return {
      type: "median",
      nStartupTrials: r.number(raw, "n_startup_trials", path, { int: true, min: 0 }) ?? 5,
      nWarmupSteps: r.number(raw, "n_warmup_steps", path, { int: true, min: 0 }) ?? 0,
      intervalSteps: r.number(raw, "interval_steps", path, { int: true, min: 1 }) ?? 1,
      nMinTrials: r.number(raw, "n_min_trials", path, { int: true, min: 1 }) ?? 1,
    };
  }
  r.error(
    `${path}.type`,
    `unknown ${fmt(raw.type)}: hyperband or median${didYouMean(String(raw.type), ["hyperband", "median"])}`,
  );
  return null;
}

/** Parses a sweep file's text. `checkFields: false` skips the keisei-config checks (W&B files for other programs). */
export function parseSweepSpec(text: string, file = "sweep.yaml", opts: { checkFields?: boolean } = {}): SweepSpec {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const at = err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : "";
    throw new SweepSpecError(`${file}: YAML syntax error${at}: ${err.message.split("\n")[0]}`);
  }
  const ints = new Set<string>();
  integerLiterals(doc.contents, "", ints);
  const raw = doc.toJS() ?? {};
  const r = new Reader(file, ints);
  if (!isPlain(raw)) throw new SweepSpecError(`${file}: a sweep file is a mapping (method:, metric:, parameters:, …)`);

  for (const k of Object.keys(raw)) {
    if (k in IGNORED_TOP_KEYS) r.notes.push(`${file}: ${k}: ignored (${IGNORED_TOP_KEYS[k]})`);
    else if (k === "metrics" || k === "scheduler")
      r.error(k, "multi-objective and custom schedulers are not supported by keisei");
    else if (!TOP_KEYS.includes(k))
      r.error(k, `unknown key${didYouMean(k, [...TOP_KEYS, ...Object.keys(IGNORED_TOP_KEYS)])}`);
  }

  const method = raw.method;
  if (method === undefined) r.error("method", "required: grid, random or bayes");
  else if (method !== "grid" && method !== "random" && method !== "bayes")
    r.error(
      "method",
      `unknown ${fmt(method)}: grid, random or bayes${method === "custom" ? "" : didYouMean(String(method), ["grid", "random", "bayes"])}`,
    );

  let metric: SweepSpec["metric"] = null;
  if (raw.metric !== undefined) {
    const m = raw.metric;
    if (!isPlain(m)) r.error("metric", `expected {name, goal, target}, got ${fmt(m)}`);
    else {
      r.unknownKeys(m, ["name", "goal", "target", "impute", "impute_while_running"], "metric");
      for (const k of ["impute", "impute_while_running"])
        if (m[k] !== undefined)
          r.notes.push(`${file}: metric.${k}: ignored (failed trials are left out of the search)`);
      if (typeof m.name !== "string" || m.name.length === 0)
        r.error("metric.name", `required: the metrics.jsonl key to optimise, e.g. eval/win_rate; got ${fmt(m.name)}`);
      const goal = m.goal ?? "minimize";
      if (goal !== "minimize" && goal !== "maximize")
        r.error(
          "metric.goal",
          `unknown ${fmt(goal)}: minimize or maximize${didYouMean(String(goal), ["minimize", "maximize"])}`,
        );
      const target = r.number(m, "target", "metric") ?? null;
      metric = { name: String(m.name), goal: goal === "maximize" ? "maximize" : "minimize", target };
    }
  }

  const parameters: ParamSpec[] = [];
  if (raw.parameters === undefined) r.error("parameters", "required: the config fields to sweep");
  else parseParameters(r, raw.parameters, "parameters", "", parameters);
  const seen = new Map<string, string>();
  for (const p of parameters) {
    const before = seen.get(p.name);
    if (before) r.error(p.key, `${p.name} is also swept at ${before}`);
    seen.set(p.name, p.key);
  }

  const runCap =
    raw.run_cap === undefined ? null : (r.number(raw, "run_cap", "", { int: true, exclusiveMin: 0 }) ?? null);
  const earlyTerminate = raw.early_terminate === undefined ? null : parseEarlyTerminate(r, raw.early_terminate);
  if ((method === "bayes" || earlyTerminate) && raw.metric === undefined)
    r.error("metric", `required with ${earlyTerminate ? "early_terminate" : "method: bayes"}`);

  let tpe = { nStartupTrials: 10, nEiCandidates: 24 };
  if (raw.tpe !== undefined) {
    if (!isPlain(raw.tpe)) r.error("tpe", `expected {n_startup_trials, n_ei_candidates}, got ${fmt(raw.tpe)}`);
    else {
      r.unknownKeys(raw.tpe, ["n_startup_trials", "n_ei_candidates"], "tpe");
      tpe = {
        nStartupTrials: r.number(raw.tpe, "n_startup_trials", "tpe", { int: true, min: 0 }) ?? 10,
        nEiCandidates: r.number(raw.tpe, "n_ei_candidates", "tpe", { int: true, min: 1 }) ?? 24,
      };
    }
  }
  const seed = raw.seed === undefined ? null : (r.number(raw, "seed", "", { int: true }) ?? null);
  if (raw.name !== undefined && (typeof raw.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(raw.name)))
    r.error("name", `a study name is letters, digits, _ . - (it names run folders); got ${fmt(raw.name)}`);

  const spec: SweepSpec = {
    name: typeof raw.name === "string" ? raw.name : null,
    description: typeof raw.description === "string" ? raw.description : null,
    method: method === "grid" || method === "random" ? method : "bayes",
    metric,
    parameters,
    runCap,
    earlyTerminate,
    seed,
    tpe,
    notes: r.notes,
  };
  if (r.errors.length === 0 && spec.method === "grid") {
    for (const p of parameters) {
      if (!["constant", "categorical", "int_uniform", "q_uniform"].includes(p.distribution))
        r.error(
          p.key,
          `method grid needs a finite set of values; distribution ${p.distribution} is continuous (use values, int_uniform or q_uniform, or method random/bayes)`,
        );
      else if (p.probabilities)
        r.error(`${p.key}.probabilities`, "method grid runs every value; probabilities are for random/bayes");
    }
  }
  if (r.errors.length === 0 && opts.checkFields !== false) checkFields(r, spec);
  if (r.errors.length > 0) throw new SweepSpecError(r.errors.join("\n"));
  return spec;
}

/** Values a parameter can take that are worth checking against the config schema. */
function probes(p: ParamSpec): { label: string; value: unknown }[] {
  if (p.distribution === "constant") return [{ label: "value", value: p.values[0] }];
  if (p.distribution === "categorical") return p.values.map((value, i) => ({ label: `values[${i}]`, value }));
  const us = p.distribution.includes("normal") ? [0.5, 0.37] : [0, 1, 0.37, 0.5];
  return us.map((u) => ({ label: u === 0 ? "min" : u === 1 ? "max" : `sample ${fmt(ppf(p, u))}`, value: ppf(p, u) }));
}

function checkFields(r: Reader, spec: SweepSpec) {
  // A misspelt metric would fail every trial only after it ran in full: refuse it now.
  if (spec.metric && !METRIC_NAMES.includes(spec.metric.name))
    r.error(
      "metric.name",
      `${fmt(spec.metric.name)} is not a metric keisei writes to metrics.jsonl${didYouMean(spec.metric.name, METRIC_NAMES)} (e.g. eval/win_rate, losses/policy_loss)`,
    );
  const fields = new Set(configFields().map((f) => f.path));
  for (const p of spec.parameters) {
    if (!fields.has(p.name)) {
      r.error(p.key, `"${p.name}" is not a keisei config field${fieldSuggestion(p.name)} (keisei config lists them)`);
      continue;
    }
    for (const { label, value } of probes(p)) {
      try {
        buildConfig([{ name: `${r.file}: ${p.key}: ${label}`, values: nested(p.name.split("."), value) }]);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const line = e.message.split("\n")[0];
        r.errors.push(
          /expected int/.test(line)
            ? `${line} (an integer field: use int_uniform, values, or q_uniform with an integer q)`
            : line,
        );
        break;
      }
    }
  }
}

/** Reads and parses a sweep file. */
export async function readSweepSpec(path: string, opts: { checkFields?: boolean } = {}): Promise<SweepSpec> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new SweepSpecError(`${path}: no such sweep file`);
  return parseSweepSpec(await file.text(), path, opts);
}

/** The part of a spec that defines the search: equal fingerprints mean agents may join the same study. */
export function specFingerprint(spec: SweepSpec): string {
  const { notes: _notes, description: _description, ...search } = spec;
  return new Bun.CryptoHasher("sha256").update(JSON.stringify(search)).digest("hex").slice(0, 16);
}
