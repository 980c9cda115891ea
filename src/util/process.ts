// Whether a process runs on this machine: the one check behind run locks, stale temporary files and
// the dashboard's live runs.

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
