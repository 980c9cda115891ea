// The rollout store's rules on SQLite (the PostgreSQL path runs the same statements: faults.test.ts):
// claims by policy lag and size, a duplicate upload ignored, released claims trained again,
// weights verified by sha256; and an actor of another build refused by name.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { buildConfig } from "../../../src/config/load.ts";
import { fingerprint } from "../../../src/training/actors/fingerprint.ts";
import { type ActorRow, LEARNER_SILENT_MS, RolloutStore, StoreError } from "../../../src/training/actors/store.ts";
import { Proc } from "./helpers.ts";
import { versionText } from "../../../src/cli/version.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const actor = (name: string): ActorRow & { startedAt: number } => ({
  actor: name,
  host: "h",
  pid: 1,
  state: "playing",
  version: 1,
  segments: 0,
  games: 0,
  steps: 0,
  stepsPerSecond: 0,
  gamesPerSecond: 0,
  heartbeatAt: 0,
  startedAt: 0,
});
const bytes = (n: number) => new Uint8Array(n).fill(7);

describe("rollout store", () => {
  test("claims, policy lag, duplicates, releases, weights", async () => {
    const url = `sqlite://${join(dir, "a.sqlite")}`;
    const s = await RolloutStore.open(url, "--store");
    const config = buildConfig([]);
    await s.registerRun("r", config, fingerprint("test"), "learner", false);
    await expect(s.registerRun("r", config, fingerprint("test"), "learner", false)).rejects.toThrow(
      /already holds a run named r: resume it/,
    );
    expect(await s.publish("r", bytes(12), (v) => v - 2)).toBe(1);
    expect(await s.publish("r", bytes(16), (v) => v - 2)).toBe(2);
    expect(await s.weights("r", 2)).toEqual(bytes(16));
    // version 1: rows 1, 2 (40 + 40 steps); version 2: row 3 (30)
    expect(await s.upload("r", "a:1", actor("a"), 1, 40, 1, bytes(5))).toBe(true);
    expect(await s.upload("r", "a:1", actor("a"), 1, 40, 1, bytes(5))).toBe(false); // a retried upload
    expect(await s.upload("r", "a:2", actor("a"), 1, 40, 0, bytes(5))).toBe(true);
    expect(await s.upload("r", "b:1", actor("b"), 2, 30, 2, bytes(5))).toBe(true);
    expect(await s.pendingSteps("r", 2)).toBe(30);
    // Not enough fresh data for 200 steps: nothing is claimed.
    expect((await s.claim("r", 1, 2, 1, 200)).claimed).toEqual([]);
    // 60 steps: the two oldest rows (lag 1).
    const c1 = await s.claim("r", 1, 2, 1, 60);
    expect(c1.claimed.map((c) => [c.actor, c.version, c.lag, c.steps])).toEqual([
      ["a", 1, 1, 40],
      ["a", 1, 1, 40],
    ]);
    // At version 4 with max lag 1, version-2 data (lag 2) is stale: dropped and counted, nothing claimed.
    const c2 = await s.claim("r", 2, 4, 1, 10);
    expect([c2.claimed.length, c2.staleRows, c2.staleSteps]).toEqual([0, 1, 30]);
    expect(await s.counts("r")).toEqual({
      rows: { pending: 0, claimed: 2, stale: 1, bad: 0 },
      steps: { pending: 0, claimed: 80, stale: 30, bad: 0 },
    });
    // A learner resumed from iteration 0 puts iteration 1's rows back.
    expect(await s.release("r", 0)).toBe(2);
    expect((await s.claim("r", 1, 2, 1, 80)).claimed.map((c) => c.id)).toEqual(c1.claimed.map((c) => c.id));
    // Old weights go, and damaged ones are refused by their hash.
    await s.publish("r", bytes(20), (v) => v - 1); // version 3 keeps 2 and 3
    expect(await s.weights("r", 1)).toBeNull();
    const raw = new SQL(url);
    await raw`UPDATE keisei_weights SET bytes = ${bytes(19)} WHERE version = 3`;
    await raw.close();
    await expect(s.weights("r", 3)).rejects.toThrow(/fail their sha256 check/);
    await s.close();
  });

  test("a resume is refused while another learner of the run is alive", async () => {
    const url = `sqlite://${join(dir, "two.sqlite")}`;
    const s = await RolloutStore.open(url, "--store");
    const config = buildConfig([]);
    const me = `${hostname()}:${process.pid}`;
    await s.registerRun("r", config, fingerprint("t"), "elsewhere:41", false);
    await expect(s.registerRun("r", config, fingerprint("t"), me, true)).rejects.toThrow(
      /run r in .* is being trained by the learner elsewhere:41 \(heard from \d+ s ago\): two learners would publish two lines of weights; stop it first/,
    );
    // Silent for longer than LEARNER_SILENT_MS: taken for dead.
    const raw = new SQL(url);
    await raw`UPDATE keisei_runs SET heartbeat_at = ${Date.now() - LEARNER_SILENT_MS - 1000}`;
    await s.registerRun("r", config, fingerprint("t"), me, true);
    // On this host: alive while its process runs (this one), dead once it does not.
    await raw`UPDATE keisei_runs SET learner = ${`${hostname()}:${process.pid}`}, heartbeat_at = ${Date.now() - 10 * LEARNER_SILENT_MS}`;
    await expect(s.registerRun("r", config, fingerprint("t"), `${hostname()}:1`, true)).rejects.toThrow(
      /being trained/,
    );
    await raw`UPDATE keisei_runs SET learner = ${`${hostname()}:${2 ** 22 + 4321}`}, heartbeat_at = ${Date.now()}`;
    await s.registerRun("r", config, fingerprint("t"), me, true);
    await raw.close();
    await s.close();
  });

  test("`keisei actor` and `keisei inference`: an unknown run and a build with other rules are refused in one line, exit 2", async () => {
    const url = `sqlite://${join(dir, "b.sqlite")}`;
    const s = await RolloutStore.open(url, "--store");
    await s.registerRun(
      "mine",
      buildConfig([]),
      { ...fingerprint("test"), rules: "0123456789abcdef" },
      "learner",
      false,
    );
    await s.close();
    const unknown = new Proc("actor", ["actor", "--store", url, "--run", "nope"]);
    expect(await unknown.exit()).toBe(2);
    expect(unknown.text()).toMatch(/^keisei: --run nope: no such run in .*b\.sqlite \(runs there: mine\)$/m);
    const foreign = new Proc("actor", ["actor", "--store", url, "--run", "mine"]);
    expect(await foreign.exit()).toBe(2);
    expect(foreign.text()).toMatch(
      /^keisei: actor refused by run mine in .*: it was started by keisei test with rules 0123456789abcdef \(this build: [0-9a-f]{16}\); this is keisei .+: run the learner's keisei version$/m,
    );
    const bad = new Proc("actor", ["actor", "--store", "mysql://x/y", "--run", "mine"]);
    expect(await bad.exit()).toBe(2);
    expect(bad.text()).toMatch(/^keisei: --store "mysql:\/\/x\/y": mysql:\/\/ is not a rollout store keisei opens/m);
    // A store file that is not there (a typo): refused, and not created empty.
    const typo = join(dir, "typo.sqlite");
    const missing = new Proc("actor", ["actor", "--store", `sqlite://${typo}`, "--run", "mine"]);
    expect(await missing.exit()).toBe(2);
    expect(missing.text()).toMatch(
      /^keisei: --store .*typo\.sqlite: no such file \(the learner's rollout store is created by keisei train\)$/m,
    );
    expect(existsSync(typo)).toBe(false);
    expect(StoreError.name).toBe("StoreError");
    // The inference server: the same refusals, and its own flag.
    const server = (args: string[]) => new Proc("inference", ["inference", "--store", url, "--device", "cpu", ...args]);
    const noSocket = server(["--run", "mine"]);
    expect(await noSocket.exit()).toBe(2);
    expect(noSocket.text()).toMatch(/^keisei: keisei inference needs --socket PATH/m);
    const foreignServer = server(["--run", "mine", "--socket", join(dir, "s.sock")]);
    expect(await foreignServer.exit()).toBe(2);
    expect(foreignServer.text()).toMatch(
      /^keisei: inference server refused by run mine in .*: it was started by keisei test/m,
    );
    const missingServer = new Proc("inference", [
      "inference",
      "--store",
      typo,
      "--run",
      "mine",
      "--socket",
      join(dir, "s.sock"),
    ]);
    expect(await missingServer.exit()).toBe(2);
    expect(missingServer.text()).toMatch(/no such file/);
    expect(existsSync(typo)).toBe(false);
    const unknownRun = server(["--run", "nope", "--socket", join(dir, "s.sock")]);
    expect(await unknownRun.exit()).toBe(2);
    expect(unknownRun.text()).toMatch(/^keisei: --run nope: no such run in .*b\.sqlite \(runs there: mine\)$/m);
    // A socket path that is empty (it would listen on a TCP port), or where something else lies
    // (it would be deleted to make room): refused, the file left as it was.
    const empty = server(["--run", "mine", "--socket", ""]);
    expect(await empty.exit()).toBe(2);
    expect(empty.text()).toMatch(/^keisei: --socket "": a Unix socket path is expected$/m);
    const ours = await RolloutStore.open(url, "--store");
    await ours.registerRun("ours", buildConfig([]), fingerprint(versionText()), "learner", false);
    await ours.close();
    const precious = join(dir, "precious.yaml");
    writeFileSync(precious, "keep: me\n");
    const occupied = server(["--run", "ours", "--socket", precious]);
    expect(await occupied.exit()).toBe(2);
    expect(occupied.text()).toMatch(
      /^keisei: --socket .*precious\.yaml: something other than a socket is there \(left as it is\)$/m,
    );
    expect(readFileSync(precious, "utf8")).toBe("keep: me\n");
  });
});

describe("`keisei train` with actors refuses bad set-ups in one line, exit 2, before its run folder exists", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "a store URL of another kind",
      ["--store", "mysql://x/y"],
      /^keisei: parallel\.store "mysql:\/\/x\/y": mysql:\/\/ is not a rollout store keisei opens/m,
    ],
    ["a negative actor count", ["--actors", "-1"], /^keisei: .*parallel\.actors/m],
    [
      "actors with gumbel_az",
      ["--actors", "1", "--override", "training.algorithm=gumbel_az", "--override", "training.material_shaping=0"],
      /^keisei: parallel\.actors is 1: actors play for algorithm ppo only/m,
    ],
    [
      "actors with the opponent pool",
      ["--actors", "2", "--override", "training.opponent_pool_fraction=0.5"],
      /^keisei: parallel\.actors is 2: actors play self-play only; set training\.opponent_pool_fraction to 0/m,
    ],
    [
      "served inference without local actors",
      ["--inference", "served"],
      /^keisei: parallel\.inference is served, but parallel\.actors is 0: the inference server serves the local actors/m,
    ],
    ["an unknown inference mode", ["--actors", "1", "--inference", "gpu"], /^keisei: .*parallel\.inference.*"gpu"/m],
  ];
  for (const [what, flags, message] of cases)
    test(what, async () => {
      const savedir = join(dir, "refusals");
      const p = new Proc("train", [
        "train",
        "--config",
        "tiny",
        "--device",
        "cpu",
        "--savedir",
        savedir,
        "--run-name",
        "x",
        ...flags,
      ]);
      expect(await p.exit()).toBe(2);
      expect(p.text()).toMatch(message);
      expect(existsSync(join(savedir, "x"))).toBe(false);
    });

  test("a run name the shared store already holds", async () => {
    const url = `sqlite://${join(dir, "taken.sqlite")}`;
    const s = await RolloutStore.open(url, "--store");
    await s.registerRun("taken", buildConfig([]), fingerprint("test"), "learner", false);
    await s.close();
    const savedir = join(dir, "taken-models");
    const p = new Proc("train", [
      "train",
      "--config",
      "tiny",
      "--device",
      "cpu",
      "--savedir",
      savedir,
      "--run-name",
      "taken",
      "--store",
      url,
    ]);
    expect(await p.exit()).toBe(2);
    expect(p.text()).toMatch(
      /^keisei: parallel\.store .*taken\.sqlite already holds a run named taken: resume it \(--resume\) or give this one another --run-name$/m,
    );
    expect(existsSync(join(savedir, "taken"))).toBe(false);
  });
});
