// The one flag layer every sub-command uses: how cac hands over repeatable and numeric flags, and
// the error that becomes one line and exit status 2.

import { type ConfigSource, configSources as sourcesOf } from "../config/load.ts";
import { didYouMean } from "../util/did-you-mean.ts";

/** A usage or input error: printed as one line, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A repeatable flag as a list: cac gives undefined, one value, or an array. */
export const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);

/** A repeatable flag whose values may also be comma-separated (`--opponent a,b --opponent c`). */
export const commaList = (v: unknown): string[] =>
  list(v)
    .flatMap((s) => s.split(","))
    .filter(Boolean);

/** `--flag` as a whole number ≥ min, or a UsageError naming the flag and the value. */
export function wholeNumber(value: unknown, flag: string, min = 0): number {
  const n = Number(value);
  if (value === "" || typeof value === "boolean" || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/** `--flag` as one of `choices`, or a UsageError listing them (with a did-you-mean). */
export function oneOf<T extends string>(value: unknown, flag: string, choices: readonly T[]): T {
  const s = String(value);
  if (!(choices as readonly string[]).includes(s))
    throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got "${s}"${didYouMean(s, choices)}`);
  return s as T;
}

/** `--config a.yaml --config b.yaml --override x.y=z …` as config sources, in merge order. */
export function configSources(opts: { config?: unknown; override?: unknown }): ConfigSource[] {
  return sourcesOf(list(opts.config), list(opts.override));
}
