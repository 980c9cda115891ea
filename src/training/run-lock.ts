// The run directory's lock: one process trains a run at a time. `<run>/.keisei.lock` is created
// with O_EXCL and holds who owns it (pid, host, the process's start time and the boot it started
// in). A lock whose owner is gone — the pid is not running, or it is another process now (a pid
// reused after a reboot or a kill -9) — is stale and taken over; a live owner's lock refuses the
// second process by name. A lock taken on another host cannot be checked from here: it refuses,
// naming the host and the file to delete if that run is known to be dead.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processRuns } from "../util/process.ts";
import { InputError } from "../util/input-error.ts";

export const LOCK_FILE = ".keisei.lock";

export class RunLockError extends InputError {
  override name = "RunLockError";
}

interface Owner {
  pid: number;
  host: string;
  /** /proc/<pid>/stat's starttime (clock ticks since boot); null where /proc is not there. */
  start: string | null;
  boot: string | null;
  since: string;
}

const readOr = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
function startTimeOf(pid: number): string | null {
  const stat = readOr(`/proc/${pid}/stat`);
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}

const bootId = (): string | null => readOr("/proc/sys/kernel/random/boot_id")?.trim() ?? null;

/** Whether the owner recorded in a lock is still the process running. */
function ownerRuns(o: Owner): boolean {
  if (o.boot !== null && bootId() !== null && o.boot !== bootId()) return false;
  if (!processRuns(o.pid)) return false;
  const start = startTimeOf(o.pid);
  return o.start === null || start === null || start === o.start;
}

export interface RunLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock of run directory `dir` (which exists), or throws RunLockError naming its owner. */
export function lockRun(dir: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: Owner = {
    pid: process.pid,
    host: hostname(),
    start: startTimeOf(process.pid),
    boot: bootId(),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new RunLockError(`cannot lock ${dir}: ${(e as Error).message}`);
      const text = readOr(path);
      let owner: Owner | null = null;
      try {
        owner = JSON.parse(text ?? "") as Owner;
      } catch {}
      // An unreadable lock is one whose writer died between create and write: stale.
      const valid = owner !== null && Number.isInteger(owner.pid) && typeof owner.host === "string";
      if (valid && owner!.host !== me.host)
        throw new RunLockError(
          `run ${dir} is locked by pid ${owner!.pid} on host ${owner!.host} since ${owner!.since}; if that run is dead, delete ${path}`,
        );
      if (valid && ownerRuns(owner!))
        throw new RunLockError(
          `run ${dir} is in use by another keisei (pid ${owner!.pid}, since ${owner!.since}); stop it first, or train another --run-name`,
        );
      if (attempt > 0) throw new RunLockError(`cannot lock ${dir}: ${path} keeps coming back`);
      rmSync(path, { force: true }); // stale: its owner is gone
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    break;
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    // Only our own lock: never delete one a later owner took after ours was judged stale.
    try {
      if ((JSON.parse(readOr(path) ?? "null") as Owner | null)?.pid === me.pid) rmSync(path, { force: true });
    } catch {}
  };
  process.on("exit", release); // process.exit() on a second Ctrl-C, an uncaught error
  return { path, release };
}
