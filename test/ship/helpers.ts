// Running a built keisei binary the way a user without Bun or Node would: alone in an empty
// folder, with a bare environment.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** JavaScript runtimes (and their package managers) the bare PATH must not offer. */
const RUNTIMES = /^(node|nodejs|bun|bunx|npm|npx|corepack|deno|yarn|pnpm)$/;

/**
 * A PATH for the bare environment: /usr/bin and /bin as they are, less every JavaScript runtime.
 * (`PATH=/usr/bin:/bin` itself would not do: some machines, this one included, have node there.)
 */
export function barePath(dir: string): string {
  const bin = join(dir, "sysbin");
  mkdirSync(bin, { recursive: true });
  const linked = new Set<string>();
  for (const from of ["/usr/bin", "/bin"]) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (RUNTIMES.test(name) || linked.has(name)) continue;
      symlinkSync(join(from, name), join(bin, name));
      linked.add(name);
    }
  }
  return bin;
}

export interface Bare {
  /** The folder the binary sits in, and the working directory of every run. */
  cwd: string;
  binary: string;
  env: Record<string, string>;
}

/** Copies `binary` into `<dir>/run/` (empty otherwise) and makes the bare environment around it. */
export function bareCopy(binary: string, dir: string, name = "keisei"): Bare {
  const cwd = join(dir, "run");
  const home = join(dir, "home");
  const tmp = join(dir, "tmp");
  for (const d of [cwd, home, tmp]) mkdirSync(d, { recursive: true });
  const copy = join(cwd, name);
  copyFileSync(binary, copy);
  chmodSync(copy, 0o755);
  return { cwd, binary: copy, env: { PATH: barePath(dir), HOME: home, TMPDIR: tmp, XDG_RUNTIME_DIR: tmp } };
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** `binary ARGS` in the bare environment (plus `extraEnv`). */
export function runBare(b: Bare, args: string[], extraEnv: Record<string, string> = {}): Run {
  const r = Bun.spawnSync([b.binary, ...args], {
    cwd: b.cwd,
    env: { ...b.env, ...extraEnv },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** A command of the system (`which`, …) in the bare environment. */
export function systemBare(b: Bare, argv: string[]): Run {
  const r = Bun.spawnSync(argv, { cwd: b.cwd, env: b.env, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}
