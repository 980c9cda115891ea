// The run's append-only files (metrics.jsonl, training_log.txt, TensorBoard events): appends that
// name the file when they fail and never leave half a record, and, on resume, the files cut back
// to the checkpoint the run continues from, so that they hold each iteration once.

import { closeSync, fstatSync, ftruncateSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { processRuns } from "../util/process.ts";

export class RunFileError extends Error {
  override name = "RunFileError";
}

/**
 * Appends `data` to `path` whole or not at all: a failed write (a full disk) is cut back to the
 * file's previous length, and the error names the file.
 */
export function appendWhole(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (e) {
    throw new RunFileError(`cannot append to ${path}: ${(e as Error).message}`);
  }
  const before = fstatSync(fd).size;
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  } catch (e) {
    try {
      ftruncateSync(fd, before);
    } catch {}
    throw new RunFileError(`cannot append to ${path}: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * metrics.jsonl as of iteration `iteration`: records of later iterations (written after the
 * checkpoint a run resumes from) and a torn last line go. Returns how many lines were dropped.
 */
export function trimMetricsJsonl(path: string, iteration: number): number {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return 0;
  }
  const lines = text.split("\n");
  // The piece after the last newline is "" or a torn record.
  const kept = lines.slice(0, -1).filter((line) => {
    try {
      const it = (JSON.parse(line) as { iteration?: unknown }).iteration;
      return typeof it === "number" && it <= iteration;
    } catch {
      return false;
    }
  });
  const dropped = lines.filter(Boolean).length - kept.length;
  if (dropped > 0) writeFileAtomic(path, kept.map((l) => `${l}\n`).join(""));
  return dropped;
}

/**
 * Removes the temporary files of writes a killed process left in `dir` (`NAME.tmp-PID`, up to a
 * checkpoint's size each): those whose pid no longer runs. Returns their names.
 */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid || processRuns(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
