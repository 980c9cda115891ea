// What `keisei --version` (and doctor, and the USI `id name`) says: keisei's version, the commit it
// was built from, the platform and Bun's own version (Bun.version, not process.version, which is
// the Node.js version Bun is compatible with). The compiled binary has the commit from build time
// (scripts/build.ts defines KEISEI_COMMIT); run from a source checkout, git names it.

import pkg from "../../package.json" with { type: "json" };

/** Set at build time by `bun build --define KEISEI_COMMIT=…`; absent when run from source. */
declare const KEISEI_COMMIT: string | undefined;

/** The checkout's commit as scripts/build.ts names it (short hash, `-dirty` when the tree differs); null outside git. */
function sourceCommit(): string | null {
  try {
    const git = (...args: string[]) =>
      Bun.spawnSync(["git", ...args], { cwd: import.meta.dir, stdout: "pipe", stderr: "ignore" });
    const head = git("rev-parse", "--short", "HEAD");
    if (head.exitCode !== 0) return null;
    const dirty = git("status", "--porcelain", "--untracked-files=no").stdout.toString().trim() !== "";
    return head.stdout.toString().trim() + (dirty ? "-dirty" : "");
  } catch {
    return null; // no git on this machine
  }
}

let cached: string | null = null;

/** `0.1.0 (abc1234)` for a binary, `0.1.0 (source abc1234)` from a checkout (`(source)` without git). */
export function versionText(): string {
  if (cached === null) {
    const built = typeof KEISEI_COMMIT === "string" ? KEISEI_COMMIT : null;
    const source = built === null ? sourceCommit() : null;
    cached = `${pkg.version} (${built ?? (source ? `source ${source}` : "source")})`;
  }
  return cached;
}

/** The `keisei --version` line: `keisei/0.1.0 (abc1234) linux-x64 bun-1.4.5`. */
export function versionLine(): string {
  return `keisei/${versionText()} ${process.platform}-${process.arch} bun-${Bun.version}`;
}
