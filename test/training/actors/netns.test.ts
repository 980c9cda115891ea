// An actor on "another host": its own network namespace, joined to this one by a veth pair (a
// link that exists only inside this machine), where the learner's PostgreSQL is reachable only at
// the link's address — not at 127.0.0.1, which inside the namespace is its own loopback. The
// actor plays there; the learner trains on its segments. Needs root and `ip`; never run in CI
// (it changes the machine's network set-up), skipped with the reason elsewhere.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { type PgServer, testPostgres } from "../../sweep/helpers/postgres.ts";
import { Proc } from "./helpers.ts";

const tag = String(process.pid % 100_000);
const NS = `keisei-t${tag}`;
const HOST_IF = `kv${tag}a`;
const NS_IF = `kv${tag}b`;
const octet = 16 + (process.pid % 200);
const HOST_IP = `10.231.${octet}.1`;
const NS_IP = `10.231.${octet}.2`;

const sh = (...args: string[]) => {
  const r = Bun.spawnSync(args, { stderr: "pipe", stdout: "pipe" });
  return { ok: r.exitCode === 0, out: `${r.stdout}${r.stderr}`.trim() };
};

/** Makes the namespace and the link; the reason it cannot, or null. */
function setUp(): string | null {
  if (process.env.CI === "true") return "never in CI: it changes the machine's network namespaces";
  if (process.getuid?.() !== 0) return "needs root (ip netns)";
  if (!Bun.which("ip")) return "needs the ip command (iproute2)";
  for (const cmd of [
    ["ip", "netns", "add", NS],
    ["ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF],
    ["ip", "link", "set", NS_IF, "netns", NS],
    ["ip", "addr", "add", `${HOST_IP}/30`, "dev", HOST_IF],
    ["ip", "link", "set", HOST_IF, "up"],
    ["ip", "netns", "exec", NS, "ip", "addr", "add", `${NS_IP}/30`, "dev", NS_IF],
    ["ip", "netns", "exec", NS, "ip", "link", "set", NS_IF, "up"],
    ["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"],
  ]) {
    const r = sh(...cmd);
    if (!r.ok) return `${cmd.join(" ")} failed: ${r.out}`;
  }
  return null;
}

const why = setUp();
if (why) console.warn(`[actor in another network namespace skipped] ${why}`);
const pg: PgServer | null = why
  ? null
  : testPostgres({ listen: `127.0.0.1,${HOST_IP}`, hba: [`host all all ${NS_IP}/32 trust`] });
const dir = mkdtempSync(join(tmpdir(), "keisei-netns-"));
afterAll(() => {
  pg?.stop();
  if (!why) {
    sh("ip", "link", "del", HOST_IF);
    sh("ip", "netns", "del", NS);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why !== null || !pg)("an actor on another host", () => {
  test("plays in its own network namespace over a veth link to the learner's PostgreSQL", async () => {
    const local = await pg!.createDatabase("keisei_netns");
    const remote = local.replace("127.0.0.1", HOST_IP);
    // Inside the namespace the learner's 127.0.0.1 is not reachable: only the link is.
    const probe = sh(
      "ip",
      "netns",
      "exec",
      NS,
      process.execPath,
      "-e",
      `await Bun.connect({ hostname: "127.0.0.1", port: ${pg!.port}, socket: { data() {} } })`,
    );
    expect(probe.ok).toBe(false);
    const config = join(dir, "netns.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        env: { device: "cpu", max_moves_per_game: 40 },
        training: {
          tower_depth: 1,
          tower_width: 8,
          num_envs: 8,
          steps_per_epoch: 64,
          minibatch_size: 32,
          ppo_epochs: 1,
          total_timesteps: 64 * 6,
        },
        evaluation: { enable_periodic_evaluation: false },
        display: { log_layer_keyword_filters: [] },
      }),
    );
    const learner = new Proc("learner", [
      "train",
      "--config",
      config,
      "--store",
      local,
      "--savedir",
      dir,
      "--run-name",
      "far",
    ]);
    await learner.waitFor(/actors: none started here/);
    const actor = new Proc("actor", ["actor", "--store", remote, "--run", "far", "--device", "cpu"], {}, [
      "ip",
      "netns",
      "exec",
      NS,
    ]);
    const id = (await actor.waitFor(/^actor (\S+): run far/))[1];
    expect(await learner.exit()).toBe(0);
    expect(await actor.exit()).toBe(0);
    const sql = new SQL(local);
    const trained = (await sql`SELECT actor FROM keisei_rollouts WHERE run = 'far' AND state = 'claimed'`) as {
      actor: string;
    }[];
    await sql.close();
    expect(trained.length).toBe(6);
    for (const r of trained) expect(r.actor).toBe(id);
    expect(
      readFileSync(join(dir, "far", "metrics.jsonl"), "utf8")
        .trim()
        .split("\n").length,
    ).toBe(6);
  }, 120_000);
});
