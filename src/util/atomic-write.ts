// Atomic file writes: every file a run, a sweep or a checkpoint writes goes through here, so a
// crash leaves the old file or the whole new one, never a truncated one.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

/** Writes `bytes` to `path` through a temporary file in the same directory, fsync, then rename: readers see the old file or the whole new one. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, "w");
    try {
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, Math.min(data.length - at, 1 << 26));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`writing ${path}: ${(e as Error).message}`);
  }
}
