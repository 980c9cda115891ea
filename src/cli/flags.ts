// The one flag layer every sub-command uses: how cac hands over repeatable and numeric flags, the
// one parser of numeric flags (with bounds), and the error that becomes one line and exit status 2.
//
// cac parses with mri, which turns any value that looks like a number into one ("007" → 7, "" → 0,
// "0x10" → 16) and takes a negative number after a flag for a flag of its own (`--depth -1` →
// "Unknown option `-1`"). parseArgv hands cac every flag value marked as text, so values arrive as
// the user typed them and each command reads them through the parsers below.

import type { CAC } from "cac";
import { type ConfigSource, configSources as sourcesOf } from "../config/load.ts";
import { didYouMean } from "../util/did-you-mean.ts";
import { InputError, quote } from "../util/input-error.ts";

/** A usage or input error: printed as one line, exit status 2. */
export class UsageError extends InputError {
  override name = "UsageError";
}

/** Flags that may be given more than once (each adds a value); every other flag is given once at most. */
export const REPEATABLE_FLAGS: ReadonlySet<string> = new Set(["config", "override", "opponent"]);

/** A repeatable flag as a list: cac gives undefined, one value, or an array. */
export const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);

/** A repeatable flag whose values may also be comma-separated (`--opponent a,b --opponent c`). */
export const commaList = (v: unknown): string[] =>
  list(v)
    .flatMap((s) => s.split(","))
    .filter(Boolean);

/**
 * `--flag` as a whole number from `min` to `max` (decimal digits, an optional sign), or a
 * UsageError naming the flag, the bounds and the value. Every numeric flag goes through here.
 */
export function wholeNumber(
  value: unknown,
  flag: string,
  min = 0,
  max: number = Number.MAX_SAFE_INTEGER,
  hint = "",
): number {
  if (Array.isArray(value)) throw repeated(flag, value);
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : null;
  const n = text !== null && /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    const why = hint && n > max ? ` (${hint})` : "";
    throw new UsageError(`${flag} must be a whole number ${range}, got ${quote(value, 40)}${why}`);
  }
  return n;
}

/** `--flag` as text (cac gives a string, or an array when the flag was repeated). */
export function text(value: unknown, flag: string): string {
  if (Array.isArray(value)) throw repeated(flag, value);
  if (typeof value === "boolean") throw new UsageError(`${flag} needs a value`);
  return String(value);
}

/** `--flag` as one of `choices`, or a UsageError listing them (with a did-you-mean). */
export function oneOf<T extends string>(value: unknown, flag: string, choices: readonly T[]): T {
  const s = text(value, flag);
  if (!(choices as readonly string[]).includes(s))
    throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got ${quote(s, 40)}${didYouMean(s, choices)}`);
  return s as T;
}

/** `--config a.yaml --config b.yaml --override x.y=z …` as config sources, in merge order. */
export function configSources(opts: { config?: unknown; override?: unknown }): ConfigSource[] {
  return sourcesOf(list(opts.config), list(opts.override));
}

function repeated(flag: string, values: unknown[]): UsageError {
  const shown = values.map((v) => quote(v, 30)).join(", ");
  return new UsageError(`${flag} is given ${values.length} times (${shown}); give it once`);
}

/** Marks a flag value as text for mri: a NUL, which no argv string can hold, makes `+value` NaN. */
const RAW = "\u0000";

/** cac's option key of `--some-flag` (camel-cased before the first dot, as cac does). */
const optionKey = (name: string) =>
  name
    .split(".")
    .map((v, i) => (i === 0 ? v.replaceAll(/([a-z])-([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase()) : v))
    .join(".");

/**
 * Parses `argv` (process.argv) with `cli` so that every flag value reaches the command as the text
 * the user typed (or an array, for a repeatable flag given more than once): negative numbers are
 * values (`--depth -1`), `--depth ""` is the empty text, not 0. A flag that is not repeatable
 * given twice is a UsageError naming it.
 */
export function parseArgv(cli: CAC, argv: readonly string[]): void {
  const first = argv.slice(2).find((a) => !a.startsWith("-"));
  const command = cli.commands.find((c) => first !== undefined && c.isMatched(first));
  const options = [...cli.globalCommand.options, ...(command?.options ?? [])];
  const valued = new Set(options.filter((o) => /[<[]/.test(o.rawName)).flatMap((o) => o.names));
  const out = argv.slice(0, 2);
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--([^=]+)(=(.*))?$/s.exec(a);
    if (!m || !valued.has(optionKey(m[1]))) {
      out.push(a);
      continue;
    }
    if (m[2] !== undefined) out.push(`--${m[1]}=${RAW}${m[3]}`);
    else if (i + 1 < argv.length && (!argv[i + 1].startsWith("-") || /^-[\d.]/.test(argv[i + 1])))
      out.push(`--${m[1]}=${RAW}${argv[++i]}`);
    else out.push(a); // no value: cac says "value is missing"
  }
  cli.parse(out, { run: false });
  const opts = cli.options as Record<string, unknown>;
  const unmark = (v: unknown) => (typeof v === "string" && v.startsWith(RAW) ? v.slice(1) : v);
  for (const [k, v] of Object.entries(opts)) {
    if (k === "--") continue;
    opts[k] = Array.isArray(v) ? v.map(unmark) : unmark(v);
    if (Array.isArray(opts[k]) && !REPEATABLE_FLAGS.has(k)) {
      const option = options.find((o) => o.names.includes(k));
      const flag = option ? (/--[^\s,<[]+/.exec(option.rawName)?.[0] ?? `--${k}`) : `--${k}`;
      throw repeated(flag, opts[k] as unknown[]);
    }
  }
}
