// Bad flags, every command: each is one line naming the flag, its bound or what it expects, and
// the value; exit status 2; nothing written. Numbers go through one parser (negative numbers are
// values, "" is not 0), string flags stay strings ("123" is not a number), and a flag that is not
// repeatable given twice is refused by name.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectRefusal, hashTree, inPairs, keisei } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-hard-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "sweep.yaml"), "method: random\nparameters:\n  training.gamma: {values: [0.9]}\n");

const CASES: [string[], RegExp[]][] = [
  // perft: the cases
  [
    ["perft", "--depth", "-1"],
    [/--depth must be a whole number from 0 to 8/, /got "-1"/],
  ],
  [
    ["perft", "--depth", ""],
    [/--depth must be a whole number/, /got ""/],
  ],
  [
    ["perft", "--depth", "99"],
    [/--depth .*from 0 to 8, got "99"/, /hours/],
  ],
  [["perft", "--depth", "1000000"], [/--depth .*got "1000000"/]],
  [["perft", "--depth=-3"], [/--depth .*got "-3"/]],
  [["perft", "--depth", "1e3"], [/--depth must be a whole number.*got "1e3"/]],
  [["perft", "--depth", "0x10"], [/--depth must be a whole number.*got "0x10"/]],
  [["perft", "--depth", "2", "--depth", "3"], [/--depth is given 2 times \("2", "3"\); give it once/]],
  [["perft", "--position", ""], [/position "": expected "startpos"/]],
  [["perft", "--position", "123"], [/position "123": expected "startpos"/]],
  [["perft", "--position", "startpos", "--position", "startpos"], [/--position is given 2 times/]],
  [["perft", "--sfen", "123"], [/position "sfen 123": expected/]],
  [["perft", "--sfen", ""], [/position "sfen ": expected/]],
  [["perft", "--sfen", "a", "--sfen", "b"], [/--sfen is given 2 times/]],
  [["perft", "--json", "--json"], [/--json is given 2 times/]],
  [["perft", "--depth"], [/--depth <n>.* value is missing/]],
  [["perft", "--position", "startpos moves 7g7f\n3c3d 9z9z"], [/malformed USI move "9z9z"/]],
  // evaluate: its numbers are checked before any checkpoint is read
  [
    ["evaluate", "--agent", "a.safetensors", "--games", "-5"],
    [/--games must be a whole number from 1 to 1000000, got "-5"/],
  ],
  [["evaluate", "--agent", "a.safetensors", "--games", "0"], [/--games .*got "0"/]],
  [["evaluate", "--agent", "a.safetensors", "--games", ""], [/--games .*got ""/]],
  [["evaluate", "--agent", "a.safetensors", "--seed", "-1"], [/--seed must be a whole number from 0 to 4294967295/]],
  [["evaluate", "--agent", "a.safetensors", "--seed", "4294967296"], [/--seed .*got "4294967296"/]],
  [["evaluate", "--agent", "a.safetensors", "--max-moves", "1e9"], [/--max-moves .*got "1e9"/]],
  [["evaluate", "--agent", "a.safetensors", "--agent", "b.safetensors"], [/--agent is given 2 times/]],
  [["evaluate", "--agent", ""], [/--agent CHECKPOINT is required/]],
  [
    ["evaluate", "--agent", "a.safetensors", "--strategy", "singel"],
    [/--strategy must be one of/, /did you mean single/],
  ],
  // train: flags that set config fields are checked by the config's bounds, naming the flag
  [["train", "--savedir", "models", "--seed", "abc"], [/--seed abc: env\.seed/]],
  [["train", "--savedir", "models", "--total-timesteps", "-5"], [/--total-timesteps -5: training\.total_timesteps/]],
  [
    ["train", "--savedir", "models", "--tower_depth", "1e15"],
    [/--tower_depth 1e15: training\.tower_depth/, /256/],
  ],
  [
    ["train", "--savedir", "models", "--tower_width", "100000"],
    [/--tower_width 100000: training\.tower_width/, /1024/],
  ],
  [
    ["train", "--savedir", "models", "--run-name", ""],
    [/--run-name "": logging\.run_name/, /one file name/],
  ],
  [["train", "--savedir", "models", "--run-name", "../../x"], [/--run-name \.\.\/\.\.\/x: logging\.run_name/]],
  [
    ["train", "--savedir", "models", "--run-name", "a/b"],
    [/logging\.run_name/, /no \//],
  ],
  [["train", "--savedir", "models", "--run-name", ".."], [/logging\.run_name/]],
  [["train", "--savedir", "models", "--run-name", "a", "--run-name", "b"], [/--run-name is given 2 times/]],
  [
    ["train", "--savedir", "models", "--run-name", "x\ny"],
    [/logging\.run_name/, /"x\\ny"/],
  ],
  [["train", "--sweep", "sweep.yaml", "--count", "-1"], [/--count must be a whole number from 1/]],
  [["train", "--sweep", "sweep.yaml", "--max-consecutive-failures", "0"], [/--max-consecutive-failures .*got "0"/]],
  // sweep
  [["sweep", "agent", "--savedir", "models", "--count", "0"], [/--count .*got "0"/]],
  [
    ["sweep", "agent", "--savedir", "models", "--max-consecutive-failures", "-2"],
    [/--max-consecutive-failures .*"-2"/],
  ],
  [["sweep", "status", "--storage", "mysql://x"], [/--storage "mysql:\/\/x": mysql:\/\/ is not a study database/]],
  [["sweep", "status", "--savedir", "models"], [/models\/sweeps\.sqlite: no such study database/]],
  [["sweep", "frobnicate"], [/unknown sweep action "frobnicate"/]],
  // usi, config
  [["usi", "--model", "a", "--model", "b"], [/--model is given 2 times/]],
  [
    ["config", "--override", "training.tower_width=100000"],
    [/training\.tower_width/, /1024/, /100000/],
  ],
  [
    ["config", "--override", "training.lr_schedule_kwargs.toString=0.1"],
    [/lr_schedule_kwargs\.toString: unknown field/],
  ],
];

describe("bad flags: exit 2, one line naming the flag, nothing written", () => {
  test(`${CASES.length} cases`, async () => {
    const before = hashTree(dir);
    await inPairs(CASES, async ([args, patterns]) => {
      const r = await keisei(args, { cwd: dir });
      expectRefusal(r, patterns, `keisei ${JSON.stringify(args)}`);
      expect(hashTree(dir), `keisei ${JSON.stringify(args)} changed ${dir}`).toBe(before);
    });
  }, 60_000);

  test("valid flags still work: negative numbers where allowed, repeatable flags, strings that look like numbers", async () => {
    expect((await keisei(["perft", "--depth", "2", "--position", "startpos"], { cwd: dir })).out).toBe("nodes 900\n");
    const c = await keisei(["config", "--override", "env.seed=-5", "--override", "training.gamma=0.9", "--yaml"], {
      cwd: dir,
    });
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/seed: -5/);
    expect(c.out).toMatch(/gamma: 0\.9/);
    // --seed -7 is a value, not an unknown option "-7", and reaches the config as a number
    const t = await keisei(["train", "--savedir", "models", "--seed", "-7", "--tower_width", "0"], { cwd: dir });
    expectRefusal(t, [/--tower_width 0: training\.tower_width/]);
  });
});
