// The game records (KIF, CSA) under the log directory — `keisei evaluate --save-games DIR` writes
// them, into a run's folder or anywhere below — listed newest first, each with the run folder it
// lies in.

import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GameFile } from "./api.ts";
import { relativeName } from "./paths.ts";

export const RECORD_EXTENSIONS = /\.(kif|kifu|csa)$/i;
const MAX_DEPTH = 5;

/** Record files under `root` (at most `limit`, newest first); `runs` are the run names, to attribute each file. */
export function listRecords(
  root: string,
  runs: readonly string[],
  limit = 5000,
): { games: GameFile[]; truncated: boolean } {
  const games: GameFile[] = [];
  let truncated = false;
  const byLength = [...runs].sort((a, b) => b.length - a.length);
  const walk = (dir: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth + 1 < MAX_DEPTH) walk(full, depth + 1);
      } else if (e.isFile() && RECORD_EXTENSIONS.test(e.name)) {
        if (games.length >= limit) {
          truncated = true;
          return;
        }
        let st: ReturnType<typeof statSync>;
        try {
          st = statSync(full);
        } catch {
          continue;
        }
        const path = relativeName(root, full);
        const run = byLength.find((r) => path.startsWith(`${r}/`)) ?? null;
        games.push({ path, run, bytes: st.size, mtime: st.mtimeMs });
      }
    }
  };
  walk(root, 0);
  games.sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path));
  return { games, truncated };
}
