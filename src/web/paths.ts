// Paths named in requests, checked before any file is touched: a request names a run or a game
// record by its path relative to the log directory, and nothing it names may lie outside it —
// no `..` segment, no absolute path, no NUL, no backslash, and no symbolic link that leads out.

import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";

/** A path a request may not name: the server answers 400 with the message. */
export class PathError extends Error {
  override name = "PathError";
}

/** Whether `child` is `root` or lies inside it (both absolute and normalised). */
export function isInside(root: string, child: string): boolean {
  const r = relative(root, child);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r));
}

/**
 * The absolute path of `rel` inside `root`, or a PathError. `rel` is a request's relative path
 * ("run_a", "sweeps/trial-3/games/game0001.kif"); a path that exists must also stay inside `root`
 * after resolving symbolic links.
 */
export function resolveInside(root: string, rel: string): string {
  if (typeof rel !== "string" || rel === "") throw new PathError("empty path");
  if (rel.includes("\0")) throw new PathError("path contains a NUL byte");
  if (rel.includes("\\")) throw new PathError("path contains a backslash");
  if (rel.startsWith("/") || isAbsolute(rel) || /^[A-Za-z]:/.test(rel))
    throw new PathError("absolute paths are refused; name a path inside the log directory");
  const parts = rel.split("/");
  if (parts.some((p) => p === ".." || p === "."))
    throw new PathError("'..' and '.' segments are refused; name a path inside the log directory");
  const base = resolve(root);
  const full = resolve(base, ...parts.filter((p) => p !== ""));
  if (!isInside(base, full) || full === base) throw new PathError("path escapes the log directory");
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return full; // does not exist (yet): the caller answers 404
  }
  let realBase: string;
  try {
    realBase = realpathSync(base);
  } catch {
    realBase = base;
  }
  if (!isInside(realBase, real)) throw new PathError("path leads out of the log directory (symbolic link)");
  return full;
}

/** `abs` relative to `root` with forward slashes: the name a request uses for it. */
export function relativeName(root: string, abs: string): string {
  return relative(resolve(root), abs).split(sep).join("/");
}
