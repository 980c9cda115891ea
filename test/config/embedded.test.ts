// `--config tiny` / `--config default` name the configs built into keisei (configs/NAME.yaml,
// imported as text so the standalone binary carries them); paths keep behaving as paths.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import YAML from "yaml";
import { buildConfig, ConfigError, EMBEDDED_CONFIGS, readConfigFile } from "../../src/config/load.ts";

const root = resolve(import.meta.dir, "../..");
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const cli = join(root, "src/cli.ts");

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

/** `keisei ARGS` from source, run in `cwd`. */
function keisei(args: string[], cwd: string): { code: number; out: string; err: string } {
  const r = Bun.spawnSync([process.execPath, cli, ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("embedded configs", () => {
  test("are configs/default.yaml and configs/tiny.yaml, byte for byte", () => {
    expect(Object.keys(EMBEDDED_CONFIGS).sort()).toEqual(["default", "tiny"]);
    for (const name of ["default", "tiny"])
      expect(EMBEDDED_CONFIGS[name]).toBe(readFileSync(join(root, `configs/${name}.yaml`), "utf8"));
  });

  test("a bare name reads the embedded config, named as such", () => {
    for (const name of ["default", "tiny"]) {
      const source = readConfigFile(name);
      expect(source.name).toBe(`${name} (embedded configs/${name}.yaml)`);
      expect(source.values).toEqual(YAML.parse(readFileSync(join(root, `configs/${name}.yaml`), "utf8")));
      expect(buildConfig([source])).toEqual(buildConfig([readConfigFile(join(root, `configs/${name}.yaml`))]));
    }
    expect(buildConfig([readConfigFile("tiny")]).training.tower_width).toBe(16);
  });

  test("an unknown bare name is an error that lists the embedded ones", () => {
    const msg = errorOf(() => readConfigFile("tinny"));
    expect(msg).toBe("tinny: no such config file, and no embedded config of that name (embedded: default, tiny)");
  });

  test("paths keep their own errors; a missing configs/tiny.yaml points at the built-in one", () => {
    const dir = tempDir("keisei-embedded-");
    expect(errorOf(() => readConfigFile(join(dir, "nope.yaml")))).toBe(
      `${join(dir, "nope.yaml")}: cannot read config file (ENOENT)`,
    );
    expect(errorOf(() => readConfigFile(join(dir, "tiny.yaml")))).toBe(
      `${join(dir, "tiny.yaml")}: cannot read config file (ENOENT); the built-in one is --config tiny`,
    );
    // A name with .yaml is a path, never an embedded config.
    expect(errorOf(() => readConfigFile("tiny.yaml"))).toStartWith("tiny.yaml: cannot read config file (ENOENT)");
  });

  test("from the command line, in a folder without configs/; a file of that name wins", () => {
    const dir = tempDir("keisei-embedded-cwd-");
    const tiny = keisei(["config", "--yaml", "--config", "tiny"], dir);
    expect(tiny.err).toBe("");
    expect(tiny.code).toBe(0);
    expect(YAML.parse(tiny.out).training.tower_width).toBe(16);

    const unknown = keisei(["config", "--config", "huge"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      "huge: no such config file, and no embedded config of that name (embedded: default, tiny)",
    );

    writeFileSync(join(dir, "tiny"), "training:\n  tower_width: 24\n");
    const file = keisei(["config", "--yaml", "--config", "tiny"], dir);
    expect(file.code).toBe(0);
    expect(YAML.parse(file.out).training.tower_width).toBe(24);
  });
});
