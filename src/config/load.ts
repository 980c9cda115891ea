// Builds the one Config of a run: defaults → YAML files (deep-merged, in order) → `a.b=value`
// overrides → CLI flags. Every source is validated on its own before merging, so an error names
// the file (or flag) it came from, the field path and what was expected.

import { existsSync } from "node:fs";
import { didYouMean } from "../util/did-you-mean.ts";
import { echo, InputError, quote } from "../util/input-error.ts";
import YAML from "yaml";
import type { z } from "zod";
// The shipped configs, imported as text so that `bun build --compile` embeds them: `--config tiny`
// works from the standalone binary, where configs/ is not on disk.
import defaultYaml from "../../configs/default.yaml" with { type: "text" };
import tinyYaml from "../../configs/tiny.yaml" with { type: "text" };
import { type Config, configFields, configSchema, LR_SCHEDULE_KWARGS } from "./schema.ts";
import { readSmallText } from "../util/small-file.ts";

export class ConfigError extends InputError {
  override name = "ConfigError";
}

/** The largest config file read (the shipped ones are a few KB; a 50 MB YAML list would take GBs to parse). */
export const MAX_CONFIG_BYTES = 1 << 20;
/** The longest `--override` text. */
export const MAX_OVERRIDE_CHARS = 64 * 1024;

type Plain = { [key: string]: unknown };
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep merge: objects merge key by key; anything else (arrays included) is replaced. */
export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const old = Object.hasOwn(out, k) ? out[k] : undefined;
    // defined, not assigned: a key named __proto__ stays a key (the schema then names it unknown)
    Object.defineProperty(out, k, {
      value: isPlain(v) && isPlain(old) ? deepMerge(old, v) : v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export interface ConfigSource {
  name: string; // what an error calls it: a file path, "--override training.gamma=2", "--seed"
  values: Plain;
}

/** The configs built into keisei, by the name `--config NAME` takes: configs/NAME.yaml. */
export const EMBEDDED_CONFIGS: Readonly<Record<string, string>> = {
  default: defaultYaml as string,
  tiny: tinyYaml as string,
};

/** A bare name (no path separator, no .yaml/.yml) may name an embedded config. */
const isBareName = (path: string): boolean => !/[/\\]/.test(path) && !/\.ya?ml$/i.test(path);

/** Config files, then `field=value` overrides, as sources in merge order (later ones win). */
export function configSources(files: readonly string[], overrides: readonly string[]): ConfigSource[] {
  return [...files.map(readConfigFile), ...overrides.map(parseOverride)];
}
/**
 * Reads a YAML config file; a syntax error names the file, line and column. A bare name such as
 * `tiny` that is not a file on disk names an embedded config (configs/tiny.yaml), which works in
 * the standalone binary too.
 */
export function readConfigFile(path: string): ConfigSource {
  if (isBareName(path) && !existsSync(path)) {
    const text = Object.hasOwn(EMBEDDED_CONFIGS, path) ? EMBEDDED_CONFIGS[path] : undefined;
    if (text === undefined) {
      throw new ConfigError(
        `${path}: no such config file, and no embedded config of that name (embedded: ${Object.keys(EMBEDDED_CONFIGS).join(", ")})`,
      );
    }
    return parseConfigText(text, `${path} (embedded configs/${path}.yaml)`);
  }
  let text: string;
  try {
    text = readSmallFile(path);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    // configs/tiny.yaml from a folder without configs/ (the binary's usual case): point at the built-in one.
    const name = path
      .split(/[/\\]/)
      .pop()!
      .replace(/\.ya?ml$/i, "");
    const hint =
      code === "ENOENT" && Object.hasOwn(EMBEDDED_CONFIGS, name) ? `; the built-in one is --config ${name}` : "";
    throw new ConfigError(`${path}: cannot read config file (${code ?? (e as Error).message})${hint}`);
  }
  return parseConfigText(text, path);
}

/**
 * A config file's text, refused before reading unless it is a regular file of at most
 * MAX_CONFIG_BYTES (a FIFO would block, /dev/zero never end).
 */
function readSmallFile(path: string): string {
  return readSmallText(path, MAX_CONFIG_BYTES, {
    notFile: () => new ConfigError(`${path}: not a regular file (a config is a YAML file)`),
    tooBig: (size) =>
      new ConfigError(
        `${path}: ${size.toLocaleString("en-US")} bytes; a config file is at most ${MAX_CONFIG_BYTES.toLocaleString("en-US")}`,
      ),
  });
}

/** A config source from YAML text; `path` names it in errors. */
export function parseConfigText(text: string, path: string): ConfigSource {
  let values: unknown;
  try {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const at = err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : "";
      // the parser reports running out of stack as a syntax error: say what it is
      if (/call stack/i.test(err.message)) throw new ConfigError(`${path}: YAML nested too deeply${at}`);
      throw new ConfigError(`${path}: YAML syntax error${at}: ${err.message.split("\n")[0].slice(0, 200)}`);
    }
    values = doc.toJS() ?? {};
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // the yaml library's own limits (alias expansion, nesting too deep for the stack)
    const why = /call stack/i.test((e as Error).message) ? "nested too deeply" : (e as Error).message.split("\n")[0];
    throw new ConfigError(`${path}: unreadable YAML: ${why.slice(0, 200)}`);
  }
  if (!isPlain(values))
    throw new ConfigError(`${path}: a config file must be a mapping of sections (env:, training:, …)`);
  return { name: path, values };
}

/** `training.learning_rate=1e-3` → a source; the value is read as YAML (numbers, booleans, null, lists). */
export function parseOverride(text: string): ConfigSource {
  if (text.length > MAX_OVERRIDE_CHARS)
    throw new ConfigError(`--override ${quote(text, 40)}: longer than ${MAX_OVERRIDE_CHARS} characters`);
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new ConfigError(`--override ${quote(text)}: expected KEY.PATH=VALUE, e.g. training.learning_rate=1e-3`);
  const path = text.slice(0, eq).trim();
  const name = `--override ${echo(text)}`;
  return { name, values: nested(path.split("."), parseValue(text.slice(eq + 1))) };
}

/** A flag's or override's value read as YAML (numbers, booleans, null, lists); text that is not YAML stays text. */
export function parseValue(raw: string): unknown {
  try {
    return YAML.parse(raw);
  } catch {
    return raw;
  }
}

/** {a: {b: value}} from ["a", "b"]. */
export function nested(path: string[], value: unknown): Plain {
  return path.reduceRight<unknown>(
    (acc, key) => Object.defineProperty({}, key, { value: acc, enumerable: true, writable: true, configurable: true }),
    value,
  ) as Plain;
}

function suggestion(path: string): string {
  const kwargs = [...new Set(Object.values(LR_SCHEDULE_KWARGS).flatMap((k) => Object.keys(k)))];
  const known = [...configFields().map((f) => f.path), ...kwargs.map((k) => `training.lr_schedule_kwargs.${k}`)];
  const sections = [...new Set(known.map((p) => p.split(".")[0]))];
  return didYouMean(path, path.includes(".") ? known : sections);
}

function valueAt(values: Plain, path: PropertyKey[]): unknown {
  let v: unknown = values;
  for (const k of path) v = isPlain(v) && Object.hasOwn(v, k) ? v[k as string] : undefined;
  return v;
}

/** A value as an error shows it: JSON, cut short (a 50 000-element list is not echoed). */
function shown(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 60 ? `${json.slice(0, 60)}… (${json.length} characters)` : json;
}

function describeIssues(source: ConfigSource, issues: z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map((k) => {
          const full = path ? `${path}.${k}` : k;
          return `${source.name}: ${echo(full)}: unknown field${suggestion(full)}`;
        })
        .join("\n");
    }
    const got = valueAt(source.values, issue.path);
    return `${source.name}: ${path}: ${issue.message.replace(/^Invalid input: /, "")}${got === undefined ? "" : `, got ${shown(got)}`}`;
  });
  return lines.join("\n");
}

/** Validates each source on its own (so errors name it), then the merge of all of them. */
export function buildConfig(sources: ConfigSource[]): Config {
  let merged: Plain = {};
  for (const source of sources) {
    const alone = configSchema.safeParse(source.values);
    if (!alone.success) throw new ConfigError(describeIssues(source, alone.error.issues));
    merged = deepMerge(merged, source.values);
  }
  const all = configSchema.safeParse(merged);
  if (!all.success) throw new ConfigError(describeIssues({ name: "config", values: merged }, all.error.issues));
  checkSchedule(all.data, sources);
  return all.data;
}

/**
 * The LR schedule's parameters must be the chosen schedule's own (checked on the merged config:
 * the type and its parameters may come from different sources). A parameter with no schedule
 * would be ignored silently, so it is an error too.
 */
function checkSchedule(c: Config, sources: ConfigSource[]): void {
  const { lr_schedule_type: type, lr_schedule_kwargs: kwargs } = c.training;
  const given = Object.keys(kwargs ?? {});
  if (given.length === 0) return;
  const from =
    [...sources].reverse().find((s) => valueAt(s.values, ["training", "lr_schedule_kwargs"]) !== undefined)?.name ??
    "config";
  if (type === null)
    throw new ConfigError(
      `${from}: training.lr_schedule_kwargs.${given[0]}: no schedule takes it while training.lr_schedule_type is null (a constant learning rate); set lr_schedule_type to ${Object.keys(LR_SCHEDULE_KWARGS).join(", ")}`,
    );
  const takes = LR_SCHEDULE_KWARGS[type];
  for (const k of given)
    if (!Object.hasOwn(takes, k))
      throw new ConfigError(
        `${from}: training.lr_schedule_kwargs.${k}: not a parameter of the ${type} schedule (it takes ${Object.keys(takes).join(", ")})`,
      );
}

/** Renders a config as YAML with each field's doc line as a comment (effective_config.yaml). */
export function configToYaml(config: Config): string {
  const docs = new Map(configFields().map((f) => [f.path, f.doc]));
  const doc = new YAML.Document(config);
  YAML.visit(doc, {
    Pair(_, pair, path) {
      const section = path.length >= 3 ? ((path[path.length - 2] as YAML.Pair).key as YAML.Scalar).value : null;
      const key = (pair.key as YAML.Scalar).value as string;
      const comment = section ? docs.get(`${section}.${key}`) : undefined;
      if (comment) (pair.key as YAML.Scalar).commentBefore = ` ${comment}`;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
