// Start-up of the standalone binary: the size of dist/keisei and how long `keisei --help` takes
// from it, beside the same command from source (`bun src/cli.ts --help`) as the anchor, in one run.
//
//   bun bench/startup.ts [--runs N] [--binary PATH]
//
// Builds dist/keisei first when it is missing (scripts/build.ts). The two commands alternate, run
// by run, so that a busy machine slows both alike; each is run once untimed first (page cache).
// Reported: median and fastest wall time over N runs (default 21), and the median CPU time (user +
// system), which a shared machine disturbs less than wall time.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../scripts/build.ts";

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function runOnce(argv: string[]): { wallMs: number; cpuMs: number } {
  const started = performance.now();
  const r = Bun.spawnSync(argv, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const wallMs = performance.now() - started;
  if (r.exitCode !== 0 || !r.stdout.toString().includes("Usage:"))
    throw new Error(`${argv.join(" ")}: exit ${r.exitCode}\n${r.stderr}`);
  return { wallMs, cpuMs: Number(r.resourceUsage.cpuTime.total) / 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function measureStartup(commands: Record<string, string[]>, runs: number): Record<string, Timing> {
  const timings: Record<string, Timing> = {};
  for (const [name, argv] of Object.entries(commands)) {
    runOnce(argv);
    timings[name] = { wallMs: [], cpuMs: [] };
  }
  for (let i = 0; i < runs; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const t = runOnce(argv);
      timings[name].wallMs.push(t.wallMs);
      timings[name].cpuMs.push(t.cpuMs);
    }
  }
  return timings;
}

if (import.meta.main) {
  const runs = Number(arg("--runs") ?? 21);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1`);
  const binary = arg("--binary") ?? join(ROOT, "dist", process.platform === "win32" ? "keisei.exe" : "keisei");
  if (!existsSync(binary)) {
    console.error(`${binary} is missing: building it (bun scripts/build.ts)`);
    const b = Bun.spawnSync([process.execPath, join(ROOT, "scripts/build.ts")], {
      cwd: ROOT,
      stdout: "inherit",
      stderr: "inherit",
    });
    if (b.exitCode !== 0) process.exit(1);
  }
  const bytes = statSync(binary).size;
  const timings = measureStartup(
    { binary: [binary, "--help"], source: [process.execPath, join(ROOT, "src/cli.ts"), "--help"] },
    runs,
  );
  console.log(`binary ${binary}: ${bytes.toLocaleString("en-US")} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
  console.log(
    `start-up of \`keisei --help\`, ${runs} runs each, alternating (Bun ${Bun.version}, ${process.platform}-${process.arch})`,
  );
  console.log(`${"".padEnd(28)} ${"median".padStart(9)} ${"fastest".padStart(9)} ${"median CPU".padStart(11)}`);
  const label = { binary: "binary (dist/keisei --help)", source: "source (bun src/cli.ts)" } as const;
  for (const name of ["binary", "source"] as const) {
    const t = timings[name];
    console.log(
      `${label[name].padEnd(28)} ${`${median(t.wallMs).toFixed(1)} ms`.padStart(9)} ${`${Math.min(...t.wallMs).toFixed(1)} ms`.padStart(9)} ${`${median(t.cpuMs).toFixed(1)} ms`.padStart(11)}`,
    );
  }
  const ratio = median(timings.source.wallMs) / median(timings.binary.wallMs);
  console.log(
    `binary/source: ${ratio >= 1 ? `${ratio.toFixed(2)}× faster` : `${(1 / ratio).toFixed(2)}× slower`} (median wall)`,
  );
}
