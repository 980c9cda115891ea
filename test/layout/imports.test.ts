// The import order DESIGN.md and README "Layout" draw, checked on every file under src/: a file may
// import its own folder and any layer below it, never one above, and folders side by side in a
// layer do not import each other. Type-only imports count too: they couple the code just the same.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** Top to bottom. `cli` is src/cli.ts and src/cli/. */
export const LAYERS: readonly (readonly string[])[] = [
  ["cli"],
  ["web", "sweep"],
  ["training"],
  ["usi", "evaluation"],
  ["rl"],
  ["search"],
  ["models"],
  ["compute", "shogi", "config"],
  ["util"],
];
/** Imports allowed across a layer's side-by-side folders: web reads sweep's storage. */
const SIDEWAYS = new Set(["web→sweep"]);
/** Files outside src/ that a layer may import as text or JSON. */
const ASSETS: Record<string, string[]> = { compute: ["shaders/"], config: ["configs/"], cli: ["package.json"] };
/** Inside compute/: the kernel specs (WGSL + twin) know the backend contract only, not a backend. */
const COMPUTE_KERNELS_MAY_IMPORT = ["compute/backend.ts", "compute/kernels/"];

const SRC = join(import.meta.dir, "../../src");

function folderOf(path: string): string {
  const top = path.split("/")[0];
  return top === "cli.ts" ? "cli" : top;
}
const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

/** Relative import specifiers of a TypeScript file (static, dynamic and re-exports). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(
    /(?:^|[\s;])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm,
  ))
    out.push(m[1] ?? m[2] ?? m[3]);
  return out.filter((s) => s.startsWith("."));
}

/** Why `from` (a path under src/) may not import `spec`, or null when it may. */
export function violation(from: string, spec: string): string | null {
  const target = normalize(join(dirname(from), spec));
  const a = folderOf(from);
  if (target.startsWith("..")) {
    const asset = relative("..", target);
    return (ASSETS[a] ?? []).some((p) => asset.startsWith(p)) ? null : `${a} may not import ${asset} (outside src/)`;
  }
  const b = folderOf(target);
  if (a === b) {
    if (from.startsWith("compute/kernels/") && !COMPUTE_KERNELS_MAY_IMPORT.some((p) => target.startsWith(p)))
      return "compute/kernels/ may import only compute/backend.ts and compute/kernels/ (a kernel spec knows no backend)";
    return null;
  }
  const la = layerOf(a);
  const lb = layerOf(b);
  if (la < 0) return `${a}/ is in no layer (add it to LAYERS, DESIGN.md and README "Layout")`;
  if (lb < 0) return `${b}/ is in no layer (add it to LAYERS, DESIGN.md and README "Layout")`;
  if (la === lb)
    return SIDEWAYS.has(`${a}→${b}`) ? null : `${a} and ${b} sit side by side and may not import each other`;
  return la < lb ? null : `${a} is below ${b} and may not import it`;
}

function sourceFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name), `${prefix}${e.name}/`)
      : e.name.endsWith(".ts")
        ? [`${prefix}${e.name}`]
        : [],
  );
}

describe("layout: imports flow one way", () => {
  test("every import under src/ follows the layer order", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const bad: string[] = [];
    let checked = 0;
    for (const f of files)
      for (const spec of importsOf(readFileSync(join(SRC, f), "utf8"))) {
        checked++;
        const why = violation(f, spec);
        if (why) bad.push(`src/${f} imports ${spec}: ${why}`);
      }
    expect(checked).toBeGreaterThan(300);
    expect(bad).toEqual([]);
  });

  test("every folder under src/ is in a layer", () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  test("the checker catches what it should", () => {
    expect(violation("models/network.ts", "../training/trainer.ts")).toContain("models is below training");
    expect(violation("rl/ppo.ts", "../training/models/network.ts")).toContain("rl is below training");
    expect(violation("evaluation/evaluate.ts", "../training/checkpoints.ts")).toContain("below training");
    expect(violation("sweep/agent.ts", "../training/trainer.ts")).toBeNull();
    expect(violation("sweep/agent.ts", "../web/server.ts")).toContain("side by side");
    expect(violation("web/server.ts", "../sweep/storage.ts")).toBeNull();
    expect(violation("compute/kernels/gemm.ts", "../cpu/gemm.ts")).toContain("knows no backend");
    expect(violation("compute/kernels/gemm.ts", "./gemm-blocked.ts")).toBeNull();
    expect(violation("shogi/movegen.ts", "../compute/ops.ts")).toContain("side by side");
    expect(violation("util/random.ts", "../shogi/types.ts")).toContain("util is below shogi");
    expect(violation("cli.ts", "./training/trainer.ts")).toBeNull();
    expect(violation("training/trainer.ts", "../cli/flags.ts")).toContain("training is below cli");
    expect(violation("compute/kernels/gemm.ts", "../../../shaders/gemm.wgsl")).toBeNull();
    expect(violation("rl/ppo.ts", "../../shaders/ppo.wgsl")).toContain("outside src/");
    expect(
      importsOf(
        'import type { A } from "./a.ts";\nexport { b } from "../b.ts";\nconst c = await import("./c.ts");\nimport x from "node:fs";',
      ),
    ).toEqual(["./a.ts", "../b.ts", "./c.ts"]);
  });
});
