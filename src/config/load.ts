// Builds the one Config of a run: defaults → YAML files (deep-merged, in order) → `a.b=value`
// overrides → CLI flags. Every source is validated on its own before merging, so an error names
// the file (or flag) it came from, the field path and what was expected.

import { existsSync, readFileSync } from "node:fs";
import { didYouMean } from "../util/did-you-mean.ts";
import YAML from "yaml";
import type { z } from "zod";
// The shipped configs, imported as text so that `bun build --compile` embeds them: `--config tiny`
// works from the standalone binary, where configs/ is not on disk.
import defaultYaml from "../../configs/default.yaml" with { type: "text" };
import tinyYaml from "../../configs/tiny.yaml" with { type: "text" };
import { type Config, configFields, configSchema } from "./schema.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Plain = { [key: string]: unknown };
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep merge: objects merge key by key; anything else (arrays included) is replaced. */
export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Plain, v) : v;
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
    text = readFileSync(path, "utf8");
  } catch (e) {
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

function parseConfigText(text: string, path: string): ConfigSource {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const at = err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : "";
    throw new ConfigError(`${path}: YAML syntax error${at}: ${err.message.split("\n")[0]}`);
  }
  const values = doc.toJS() ?? {};
  if (!isPlain(values))
    throw new ConfigError(`${path}: a config file must be a mapping of sections (env:, training:, …)`);
  return { name: path, values };
}

/** `training.learning_rate=1e-3` → a source; the value is read as YAML (numbers, booleans, null, lists). */
export function parseOverride(text: string): ConfigSource {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`--override ${text}: expected KEY.PATH=VALUE, e.g. training.learning_rate=1e-3`);
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = YAML.parse(raw);
  } catch {
    value = raw;
  }
  return { name: `--override ${text}`, values: nested(path.split("."), value) };
}

/** {a: {b: value}} from ["a", "b"]. */
export function nested(path: string[], value: unknown): Plain {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Plain;
}

function suggestion(path: string): string {
  const known = configFields().map((f) => f.path);
  const sections = [...new Set(known.map((p) => p.split(".")[0]))];
  return didYouMean(path, path.includes(".") ? known : sections);
}

function valueAt(values: Plain, path: PropertyKey[]): unknown {
  let v: unknown = values;
  for (const k of path) v = isPlain(v) ? v[k as string] : undefined;
  return v;
}

function describeIssues(source: ConfigSource, issues: z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map((k) => {
          const full = path ? `${path}.${k}` : k;
          return `${source.name}: ${full}: unknown field${suggestion(full)}`;
        })
        .join("\n");
    }
    const got = valueAt(source.values, issue.path);
    return `${source.name}: ${path}: ${issue.message.replace(/^Invalid input: /, "")}${got === undefined ? "" : `, got ${JSON.stringify(got)}`}`;
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
  return all.data;
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
