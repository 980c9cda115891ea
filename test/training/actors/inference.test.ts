// The inference server (parallel.inference: served) in this process, on the CPU backend, over a
// real Unix socket and an SQLite rollout store: what an actor plays through it is exactly what it
// plays on its own backend with the same weights and uniforms; two actors' steps share one forward
// pass; versions are never mixed; a pruned version and a damaged frame are refused by name. The
// wire format rebuilds every observation float for float, at about 300 bytes a position. And as
// processes: `keisei train --inference served` with two actors, its server kill -9ed mid-run: the
// learner starts another, the actors reconnect, and the run trains every iteration to its end.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../../src/compute/device.ts";
import { buildConfig } from "../../../src/config/load.ts";
import { type Network, packLegalActions } from "../../../src/models/network.ts";
import { type ActBatch, allocActBatch, encodeRow } from "../../../src/rl/acting.ts";
import { NetworkPolicy } from "../../../src/rl/network-policy.ts";
import { OBS_SIZE } from "../../../src/shogi/features.ts";
import { MAX_LEGAL_MOVES } from "../../../src/shogi/movegen.ts";
import { Position } from "../../../src/shogi/position.ts";
import { fingerprint } from "../../../src/training/actors/fingerprint.ts";
import { runInferenceServer } from "../../../src/training/actors/inference-server.ts";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  FrameReader,
  readRows,
  STATUS_REFUSED,
  WireError,
} from "../../../src/training/actors/inference-wire.ts";
import {
  InferenceRefused,
  InferenceUnavailable,
  ServedPolicy,
  VersionGone,
} from "../../../src/training/actors/served-policy.ts";
import { RolloutStore } from "../../../src/training/actors/store.ts";
import { weightBytes } from "../../../src/training/actors/weights.ts";
import { networkOf } from "../../../src/training/run.ts";
import { Random } from "../../../src/util/random.ts";
import { hasWebGpu } from "../../helpers/webgpu.ts";
import { Proc } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-inference-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = buildConfig([
  {
    name: "test",
    values: {
      env: { device: "cpu", max_moves_per_game: 200 },
      training: { tower_depth: 1, tower_width: 16, se_ratio: 0.25, policy_head: "conv", num_envs: 12 },
    },
  },
]);
const N = config.training.num_envs;

/** N positions a few random plies from the start (seeded), as one self-play step's batch. */
function batchOf(seed: number): ActBatch {
  const rng = new Random(seed);
  const b = allocActBatch(N);
  const moves = new Uint32Array(MAX_LEGAL_MOVES);
  for (let r = 0; r < N; r++) {
    const pos = Position.startpos();
    let count = pos.generateLegal(moves, 0);
    for (let k = rng.int(30); k > 0 && count > 0; k--) {
      pos.makeMove(moves[rng.int(count)]);
      count = pos.generateLegal(moves, 0);
    }
    encodeRow(b, r, pos, config.env.max_moves_per_game, moves, 0, count);
  }
  return b;
}

const copyOf = (b: ActBatch): ActBatch => ({
  ...b,
  actions: new Int32Array(b.n),
  logProbs: new Float32Array(b.n),
  values: new Float32Array(b.n),
});

/** An inference server for run "r" of the store at `url`, in this process; resolves once it listens. */
async function startServer(url: string, name: string, device: "cpu" | "webgpu") {
  const socket = join(dir, name);
  const signal = { stop: false };
  const lines: string[] = [];
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const stats = { clients: 0, rows: 0, forwards: 0 };
  const served = runInferenceServer({
    stats,
    store: url,
    run: "r",
    socket,
    device,
    say: (l) => lines.push(l),
    signal,
    version: "test",
    // Long, so which requests share a pass does not depend on timing: a request waits 0.5 s for
    // every actor that connected or asked within the last 10 s.
    waitMs: 500,
    activeMs: 10_000,
    onListening: () => listening(),
  });
  await Promise.race([ready, served]);
  return { socket, signal, served, lines, stats };
}

/** A store at `url` with run "r" (the test config) and one version of weights per network. */
async function storeWith(url: string, nets: Network[]): Promise<RolloutStore> {
  const store = await RolloutStore.open(url, "--store");
  await store.registerRun("r", config, fingerprint("test"), "learner", false);
  for (const net of nets) await store.publish("r", await weightBytes(net), (v) => v - 3);
  return store;
}

describe("inference wire format", () => {
  test("a request rebuilds each observation and legal mask exactly, in ~300 bytes a position", () => {
    const b = batchOf(1);
    const uniforms = Float32Array.from({ length: N }, (_, i) => (i + 0.5) / N);
    const frame = encodeRequest(7, 3, N, b.obs, b.legalOffsets, b.legalActions, uniforms);
    expect(frame.length / N).toBeLessThan(400);
    expect(frame.length / N).toBeGreaterThan(100);
    const q = decodeRequest(frame);
    expect([q.id, q.version, q.n]).toEqual([7, 3, N]);
    const words = Math.ceil(13527 / 32);
    const obs = new Float32Array((N + 2) * OBS_SIZE).fill(9);
    const mask = new Uint32Array((N + 2) * words).fill(0xffffffff);
    const u = new Float32Array(N + 2);
    readRows(q, 2, obs, mask, words, 13527, u); // rows 2.. of a bigger batch
    expect(Array.from(obs.subarray(2 * OBS_SIZE))).toEqual(Array.from(b.obs.subarray(0, N * OBS_SIZE)));
    expect(Array.from(mask.subarray(2 * words))).toEqual(
      Array.from(packLegalActions(b.legalOffsets, b.legalActions, N, 13527)),
    );
    expect(Array.from(u.subarray(2))).toEqual(Array.from(uniforms));
    // Split anywhere, the stream gives back the same frame.
    const reader = new FrameReader(1 << 20);
    expect(reader.push(frame.subarray(0, 5))).toEqual([]);
    expect(reader.push(frame.subarray(5, 301))).toEqual([]);
    const [whole] = reader.push(frame.subarray(301));
    expect(whole).toEqual(frame);
    // Many frames through one reader, in chunks that straddle them and outgrow its first buffer.
    const many = new Uint8Array(frame.length * 40);
    for (let k = 0; k < 40; k++) many.set(frame, k * frame.length);
    const got: Uint8Array[] = [];
    for (let at = 0; at < many.length; at += 977) got.push(...reader.push(many.subarray(at, at + 977)));
    expect(got.length).toBe(40);
    for (const f of got) expect(f).toEqual(frame);
    const big = new FrameReader(1 << 20);
    expect(big.push(many).length).toBe(40); // 40 frames in one chunk larger than the buffer
  });

  test("what is not a core46 position, or a damaged frame, is refused", () => {
    const b = batchOf(2);
    const u = new Float32Array(N);
    const bad = b.obs.slice();
    bad[5] = 0.5; // a piece plane that is not 0 or 1
    expect(() => encodeRequest(1, 1, N, bad, b.legalOffsets, b.legalActions, u)).toThrow(
      /row 0: piece planes are not a position's/,
    );
    const uneven = b.obs.slice();
    uneven[30 * 81 + 3] += 1; // a hand plane with two values
    expect(() => encodeRequest(1, 1, N, uneven, b.legalOffsets, b.legalActions, u)).toThrow(
      /plane 30 is not one value/,
    );
    const frame = encodeRequest(1, 1, N, b.obs, b.legalOffsets, b.legalActions, u);
    const cut = frame.slice(0, frame.length - 64);
    new DataView(cut.buffer).setUint32(4, cut.length, true);
    const obs = new Float32Array(N * OBS_SIZE);
    const mask = new Uint32Array(N * 423);
    expect(() => readRows(decodeRequest(cut), 0, obs, mask, 423, 13527, new Float32Array(N))).toThrow(WireError);
    expect(() => readRows(decodeRequest(frame), 0, obs, mask, 423, 100, new Float32Array(N))).toThrow(
      /action \d+ out of range/,
    );
    expect(() => new FrameReader(1 << 20).push(new Uint8Array([0, 0, 0, 0, 7, 0, 0, 0]))).toThrow(/a frame of 7 bytes/);
  });
});

describe("the inference server", () => {
  test("serves actors exactly what their own backend would, batches them, keeps versions apart, refuses by name", async () => {
    const url = `sqlite://${join(dir, "store.sqlite")}`;
    const backend = await createBackend("cpu");
    const nets = [networkOf(backend, config.training, 5), networkOf(backend, config.training, 6)];
    for (const net of nets) await net.prepare();
    const store = await storeWith(url, nets); // versions 1 and 2
    const server = await startServer(url, "inference.sock", "cpu");
    const { socket, signal, served } = server;
    expect(server.lines.join("\n")).toMatch(/up to 4096 rows a forward pass, listening on/);

    /** The local twin: NetworkPolicy with the version's weights and the same uniform stream. */
    const local = async (version: number, seed: number, b: ActBatch) => {
      const out = copyOf(b);
      const policy = new NetworkPolicy(nets[version - 1], N, new Random(seed));
      await policy.act(out);
      policy.destroy();
      return out;
    };
    const same = (got: ActBatch, want: ActBatch) => {
      expect(Array.from(got.actions)).toEqual(Array.from(want.actions));
      for (let i = 0; i < N; i++) {
        expect(got.logProbs[i]).toBeCloseTo(want.logProbs[i], 5);
        expect(got.values[i]).toBeCloseTo(want.values[i], 5);
      }
    };

    const a = await ServedPolicy.connect(socket, new Random(11));
    a.version = 1;
    const b1 = copyOf(batchOf(3));
    await a.act(b1);
    same(b1, await local(1, 11, b1));

    // Two actors, one version: one forward pass of 2N rows. Then two versions: one pass each.
    const b = await ServedPolicy.connect(socket, new Random(12));
    b.version = 1;
    while (server.stats.clients < 2) await Bun.sleep(5); // the server has accepted b
    const [xa, xb] = [copyOf(batchOf(4)), copyOf(batchOf(5))];
    await Promise.all([a.act(xa), b.act(xb)]);
    b.version = 2;
    const [ya, yb] = [copyOf(batchOf(6)), copyOf(batchOf(7))];
    await Promise.all([a.act(ya), b.act(yb)]);
    // The twins replay each actor's uniform stream from its start: skip the draws already made.
    const twin = async (version: number, seed: number, skip: number, batch: ActBatch) => {
      const rng = new Random(seed);
      for (let i = 0; i < skip * N; i++) rng.next();
      const out = copyOf(batch);
      const policy = new NetworkPolicy(nets[version - 1], N, rng);
      await policy.act(out);
      policy.destroy();
      return out;
    };
    same(xa, await twin(1, 11, 1, xa));
    same(xb, await twin(1, 12, 0, xb));
    same(ya, await twin(1, 11, 2, ya));
    same(yb, await twin(2, 12, 1, yb));
    // Different weights give different values: the versions were not mixed up.
    expect(Array.from(yb.values)).not.toEqual(Array.from((await twin(1, 12, 1, yb)).values));

    // A version the store does not hold.
    a.version = 99;
    await expect(a.act(copyOf(batchOf(8)))).rejects.toThrow(VersionGone);
    a.version = 2;
    await a.act(copyOf(batchOf(8))); // and the connection serves on

    // Rows the server cannot read (an action past the policy's): refused, and the actor told so as a
    // refusal (it stops) rather than an outage (it would retry the same forever).
    const c = await ServedPolicy.connect(socket, new Random(3));
    c.version = 2;
    const beyond = copyOf(batchOf(8));
    beyond.legalActions[0] = 60_000;
    const refusal = await c.act(beyond).catch((e) => e);
    expect(refusal).toBeInstanceOf(InferenceRefused);
    expect(refusal.message).toMatch(/refused a request: request \d+ row 0: action 60000 out of range/);
    c.destroy();

    // A damaged stream: refused with a reason, the connection closed; the others unaffected.
    const raw = connect(socket);
    const reply = await new Promise<Uint8Array>((resolve, reject) => {
      raw.once("error", reject);
      raw.on("data", (chunk: Buffer) => resolve(new Uint8Array(chunk)));
      raw.write(new Uint8Array([0x4b, 0x53, 0x49, 0x31, 13, 0, 0, 0]));
    });
    const refused = decodeResponse(reply);
    expect(refused.status).toBe(STATUS_REFUSED);
    expect(refused.reason).toMatch(/a frame of 13 bytes/);
    raw.destroy();
    await a.act(copyOf(batchOf(9)));

    signal.stop = true;
    const result = await served;
    expect(result.reason).toBe("stopped");
    // Passes: a alone; a and b on v1 together; a on v1 and b on v2 apart; a on v2; a after the refusal.
    expect(result.forwards).toBe(6);
    expect(result.rows).toBe(7 * N);
    expect(existsSync(socket)).toBe(false);
    await expect(a.act(copyOf(batchOf(10)))).rejects.toThrow(InferenceUnavailable);
    a.destroy();
    b.destroy();
    for (const net of nets) net.destroy();
    backend.destroy();
    await store.close();
  }, 60_000);

  test.skipIf(!hasWebGpu)(
    "on the WebGPU backend it serves what the CPU backend plays (lavapipe in CI)",
    async () => {
      const backend = await createBackend("cpu");
      const net = networkOf(backend, config.training, 8);
      await net.prepare();
      const store = await storeWith(`sqlite://${join(dir, "gpu.sqlite")}`, [net]);
      const { socket, signal, served, lines } = await startServer(
        `sqlite://${join(dir, "gpu.sqlite")}`,
        "gpu.sock",
        "webgpu",
      );
      expect(lines.join("\n")).toMatch(/webgpu/i);
      const a = await ServedPolicy.connect(socket, new Random(21));
      a.version = 1;
      const got = copyOf(batchOf(11));
      await a.act(got);
      const want = copyOf(got);
      const policy = new NetworkPolicy(net, N, new Random(21));
      await policy.act(want);
      expect(Array.from(got.actions)).toEqual(Array.from(want.actions));
      for (let i = 0; i < N; i++) {
        expect(Math.abs(got.logProbs[i] - want.logProbs[i])).toBeLessThan(1e-4);
        expect(Math.abs(got.values[i] - want.values[i])).toBeLessThan(1e-4);
      }
      signal.stop = true;
      expect((await served).forwards).toBe(1);
      a.destroy();
      policy.destroy();
      net.destroy();
      backend.destroy();
      await store.close();
    },
    60_000,
  );
});

describe("keisei train --inference served", () => {
  test("the inference server kill -9ed mid-run: the learner starts another, the actors reconnect, the run ends", async () => {
    const R = 64;
    const ITERATIONS = 40;
    const path = join(dir, "served.yaml");
    writeFileSync(
      path,
      JSON.stringify({
        env: { device: "cpu", seed: 7, max_moves_per_game: 40 },
        training: {
          tower_depth: 1,
          tower_width: 8,
          se_ratio: 0.25,
          num_envs: 8,
          steps_per_epoch: R,
          minibatch_size: 32,
          ppo_epochs: 1,
          total_timesteps: R * ITERATIONS,
          checkpoint_interval_timesteps: R * 10,
        },
        evaluation: { enable_periodic_evaluation: false },
        display: { log_layer_keyword_filters: [] },
        parallel: { actors: 2, inference: "served" },
      }),
    );
    const learner = new Proc("learner", ["train", "--config", path, "--savedir", dir, "--run-name", "served"]);
    const pid = Number((await learner.waitFor(/^inference: inference server inference-\S+-(\d+): run served/))[1]);
    await learner.waitFor(
      /^actors: 2 local processes playing the rules only, their positions evaluated by one inference server on the cpu backend/,
    );
    const metrics = join(dir, "served", "metrics.jsonl");
    while (!existsSync(metrics) || readFileSync(metrics, "utf8").trim().split("\n").length < 5) {
      if (learner.proc.exitCode !== null) throw new Error(`learner exited early:\n${learner.text()}`);
      await Bun.sleep(20);
    }
    process.kill(pid, "SIGKILL");
    await learner.waitFor(/^the inference server exited \(SIGKILL\); starting another on /);
    await learner.waitFor(
      /^actor \d: actor \S+: inference server at \S+ closed the connection( \([^)]*\))?; segment given up, retrying every 2 s$/,
    );
    await learner.waitFor(/^actor \d: actor \S+: inference server at \S+ reachable again$/);
    expect(await learner.exit()).toBe(0);
    const records = readFileSync(metrics, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.length).toBe(ITERATIONS);
    for (const r of records) expect(r["parallel/rollouts"]).toBeGreaterThanOrEqual(1);
    const [, rows, forwards] = (
      await learner.waitFor(
        /^inference: inference server \S+: (?:finished|stopped); (\d+) rows in (\d+) forward passes$/,
      )
    ).map(Number);
    console.log(
      `second server: ${rows} rows in ${forwards} forward passes (${(rows / forwards).toFixed(1)} rows each; 8 games an actor)`,
    );
    expect(rows).toBeGreaterThan(0);
  }, 180_000);
});
