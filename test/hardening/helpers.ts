// Shared by the bad-input suites: run the real `keisei` command, check a refusal is the README's
// (exit status 2, one line on stderr naming the input and what is wrong, nothing on stdout), and
// hash a directory so a test can show that nothing under it changed.

import { expect } from "bun:test";
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

export const CLI = join(import.meta.dir, "../../src/cli.ts");

export interface Ran {
  code: number | null;
  out: string;
  err: string;
  /** Peak resident memory of the process, bytes (0 unless measured). */
  maxRSS: number;
}

/**
 * Spawns its arguments and writes the child's peak RSS (bytes) to KEISEI_RSS_FILE. A child's
 * ru_maxrss counts the pages it had between fork and exec — its parent's — so keisei is measured
 * from this small process, not from the test runner (gigabytes after a long suite).
 */
const MEASURE = `const r = Bun.spawnSync(process.argv.slice(1), { stdio: ["ignore", "inherit", "inherit"] });
require("node:fs").writeFileSync(process.env.KEISEI_RSS_FILE, String(r.resourceUsage?.maxRSS ?? 0));
process.exit(r.exitCode ?? 1);`;

/** Runs `keisei ...args` in `cwd` (its own process, as a user would); `measure` reads its peak RSS. */
export async function keisei(
  args: string[],
  o: { cwd?: string; env?: Record<string, string>; measure?: boolean } = {},
): Promise<Ran> {
  const rssFile = o.measure ? join(tmpdir(), `keisei-rss-${process.pid}-${Math.random().toString(36).slice(2)}`) : "";
  const command = [process.execPath, CLI, ...args];
  const p = Bun.spawn(o.measure ? [process.execPath, "-e", MEASURE, ...command] : command, {
    cwd: o.cwd,
    env: { ...process.env, XDG_RUNTIME_DIR: "/tmp", ...o.env, ...(o.measure ? { KEISEI_RSS_FILE: rssFile } : {}) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  let maxRSS = 0;
  if (o.measure) {
    maxRSS = Number(readFileSync(rssFile, "utf8"));
    rmSync(rssFile, { force: true });
  }
  return { code: p.exitCode, out, err, maxRSS };
}

/** Every file, folder and link under `dir` with its content hash: equal before and after means nothing changed. */
export function hashTree(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      out.push(`${relative(dir, d) || "."} (absent)`);
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) {
        out.push(`${rel}/`);
        walk(p);
      } else if (st.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(p)}`);
      else if (st.isFile())
        out.push(`${rel} ${st.size} ${new Bun.CryptoHasher("sha256").update(readFileSync(p)).digest("hex")}`);
      else out.push(`${rel} (special)`);
    }
  };
  walk(dir);
  return out.join("\n");
}

/**
 * The README's refusal: exit status 2, nothing on stdout, exactly one line on stderr
 * (`keisei: …`) that matches every pattern (the input it names, what is wrong).
 */
export function expectRefusal(r: Ran, patterns: RegExp[], label = ""): void {
  const where = `${label}\nstderr: ${r.err}\nstdout: ${r.out}`;
  expect(r.code, where).toBe(2);
  expect(r.out, where).toBe("");
  const lines = r.err.split("\n").filter((l) => l.trim() !== "");
  expect(lines.length, where).toBe(1);
  expect(lines[0], where).toMatch(/^keisei: \S/);
  expect(lines[0].length, where).toBeLessThan(600);
  for (const p of patterns) expect(lines[0], where).toMatch(p);
  // never an internal error's wording
  expect(lines[0], where).not.toMatch(/is not a function|undefined is not|null is not an object|Maximum call stack/);
}

/** Runs `cases` two at a time (the machine has two cores): each gets its own `run` call. */
export async function inPairs<T>(cases: readonly T[], run: (c: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) await run(cases[next++]);
  };
  await Promise.all([worker(), worker()]);
}
