// Whether a process runs on this machine: the one check behind run locks, stale temporary files and
// the dashboard's live runs; and the command that starts keisei again (sweep trials, actors, the dashboard).

import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/** Whether process `pid` exists here (signal 0: nothing is sent; EPERM means it exists, another user's). */
export function processRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether this process is the compiled `keisei` binary rather than bun running the sources. */
export function isCompiledBinary(): boolean {
  return import.meta.path.startsWith("/$bunfs/") || !/^bun(-debug)?(\.exe)?$/.test(basename(process.execPath));
}

/** The command that starts `keisei` (a sub-command follows): the binary itself, or bun with src/cli.ts. */
export function keiseiProgram(): string[] {
  if (isCompiledBinary()) return [process.execPath];
  return [process.execPath, fileURLToPath(new URL("../cli.ts", import.meta.url))];
}
