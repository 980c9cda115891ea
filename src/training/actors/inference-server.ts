// The inference server (`keisei inference`, started by a learner with parallel.inference: served):
// one process that owns the network on the learner's device and evaluates every local actor's
// positions, so a GPU sees one batch of actors × games rows per self-play step instead of many
// small ones, and the actors (served-policy.ts) keep only the rules engine on their cores.
//
//   an actor's request (one self-play step: its games' positions, the weight version of its
//   segment, its own uniforms) → queued → flushed when every connected actor has one waiting,
//   when the queue holds a batch's worth of rows, or WAIT_MS after the oldest arrived → one
//   forward pass per weight version over the queued rows → each actor its rows' actions,
//   log-probabilities and values.
//
// The actions are sampled from the actor's uniforms, so what an actor plays is what it would have
// played on its own backend with the same weights. Weights come from the rollout store by version
// (sha256-checked), as actors fetch them; the server keeps as many versions as the store does
// (max_policy_lag + 3) and says VERSION_GONE for one it does not hold and the store has pruned.
//
// "Every connected actor" means every actor that asked within the last ACTIVE_MS: one paused for
// the backlog, or uploading, does not hold up the others' batch. The server stops on a signal,
// when the learner that started it is gone, or when the run is finished and its actors have left.

import { existsSync, lstatSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { createServer, type Server, type Socket } from "node:net";
import { createBackend } from "../../compute/device.ts";
import type { Backend } from "../../compute/backend.ts";
import type { Config } from "../../config/schema.ts";
import type { Network, Plan } from "../../models/network.ts";
import { OBS_SIZE } from "../../shogi/features.ts";
import { InputError } from "../../util/input-error.ts";
import { networkOf, storageOf } from "../run.ts";
import { joinRun, parentGone } from "./join.ts";
import {
  decodeRequest,
  encodeResponse,
  FrameReader,
  type Request,
  readRows,
  STATUS_OK,
  STATUS_REFUSED,
  STATUS_VERSION_GONE,
  WireError,
} from "./inference-wire.ts";
import { newActorRow, RolloutStore, weightVersionsKept } from "./store.ts";
import { loadWeights } from "./weights.ts";

/** How long a request waits for others to join its batch (an actor's engine step is ~1 ms of 64 games). */
const WAIT_MS = 3;
/** An actor that sent nothing for this long (counted from its connection) is not waited for. */
const ACTIVE_MS = 50;
const REPORT_MS = 5_000;
const MAX_FRAME = 64 << 20;

export interface ServerOptions {
  store: string;
  run: string;
  /** Unix socket path the server listens on (removed when it stops). */
  socket: string;
  device: Config["env"]["device"];
  /** How long a request waits for the other actors' (default WAIT_MS). */
  waitMs?: number;
  /** How long an actor that sent nothing is still waited for (default ACTIVE_MS). */
  activeMs?: number;
  say: (line: string) => void;
  signal: { stop: boolean };
  version: string;
  /** Stop when this process (the learner that started the server) is gone. */
  parentPid?: number | null;
  /** Called once the socket accepts connections. */
  onListening?: () => void;
  /** Updated as it serves (tests read the connected clients). */
  stats?: { clients: number; rows: number; forwards: number };
}

export interface ServerResult {
  rows: number;
  forwards: number;
  reason: "finished" | "stopped" | "learner gone";
}

/** One weight version on the device (its network keeps its plans: batch 1, 2, 4, … up to the server's maximum). */
interface Slot {
  version: number;
  net: Network;
}

interface Waiting {
  socket: Socket;
  request: Request;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `path` is a Unix socket (lstat: a link is not followed). */
function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

export async function runInferenceServer(o: ServerOptions): Promise<ServerResult> {
  const store = await RolloutStore.open(o.store, "--store", { say: o.say, signal: o.signal, existing: true });
  let backend: Backend | null = null;
  let server: Server | null = null;
  const slots: Slot[] = [];
  const clients = new Set<Socket>();
  /** The forward pass in flight, whether serving has stopped, and the batch-gathering timer. */
  let busy: Promise<void> | null = null;
  let closing = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let listening = false;
  try {
    const config = await joinRun(store, o.run, o.version, "inference server");
    const t = config.training;
    const keep = weightVersionsKept(config.parallel.max_policy_lag); // as many as the store holds
    const maxRows = Math.max(t.num_envs, 4096);
    backend = await createBackend(o.device);
    const be = backend;
    const storage = storageOf(t) === "f16" && be.info.f16 ? "f16" : "f32";
    const obs = new Float32Array(maxRows * OBS_SIZE);
    let mask = new Uint32Array(0); // [maxRows, maskWords], sized by the first network
    const uniforms = new Float32Array(maxRows);

    /** The network of `version`, loaded from the store into a free slot or the oldest one; null when the store has pruned it. */
    const slotFor = async (version: number): Promise<Slot | null> => {
      const have = slots.find((s) => s.version === version);
      if (have) return have;
      const bytes = await store.weights(o.run, version);
      if (!bytes) return null;
      // A slot is labelled with its version only once the weights are in (loadWeights refuses another size).
      let slot: Slot;
      if (slots.length < keep) {
        const net = networkOf(be, t, 0, storage);
        await net.prepare();
        slot = { version: -1, net };
        slots.push(slot);
      } else slot = slots.reduce((a, b) => (a.version <= b.version ? a : b));
      slot.version = -1;
      loadWeights(slot.net, bytes);
      slot.version = version;
      return slot;
    };
    const planOf = (slot: Slot, rows: number): Plan => {
      let size = 1;
      while (size < rows) size *= 2;
      return slot.net.plan(Math.min(size, maxRows), { training: false }); // the network keeps its plans
    };

    const queue: Waiting[] = [];
    const lastAsked = new Map<Socket, number>();
    /** Sockets refused (a damaged stream): nothing more is read from them. */
    const refused = new WeakSet<Socket>();
    const served = o.stats ?? { clients: 0, rows: 0, forwards: 0 };

    const reply = (socket: Socket, frame: Uint8Array) => {
      if (!socket.destroyed) socket.write(frame);
    };
    const refuse = (socket: Socket, id: number, version: number, reason: string) => {
      refused.add(socket);
      for (let k = queue.length - 1; k >= 0; k--) if (queue[k].socket === socket) queue.splice(k, 1);
      reply(socket, encodeResponse(id, version, STATUS_REFUSED, undefined, reason));
      socket.end();
    };

    /** Serves the queue's oldest version: its requests, up to maxRows rows, in one forward pass. */
    const flush = async () => {
      const version = queue[0].request.version;
      const batch: Waiting[] = [];
      let rows = 0;
      for (let k = 0; k < queue.length; ) {
        const w = queue[k];
        if (w.request.version !== version || rows + w.request.n > maxRows) {
          k++;
          continue;
        }
        batch.push(w);
        rows += w.request.n;
        queue.splice(k, 1);
      }
      const slot = await slotFor(version);
      if (!slot) {
        for (const w of batch) reply(w.socket, encodeResponse(w.request.id, version, STATUS_VERSION_GONE));
        return;
      }
      const { maskWords, numActions } = slot.net;
      if (mask.length === 0) mask = new Uint32Array(maxRows * maskWords);
      let at = 0;
      const good: { w: Waiting; row: number }[] = [];
      for (const w of batch) {
        try {
          readRows(w.request, at, obs, mask, maskWords, numActions, uniforms);
          good.push({ w, row: at });
          at += w.request.n;
        } catch (e) {
          if (!(e instanceof WireError)) throw e;
          refuse(w.socket, w.request.id, version, e.message);
        }
      }
      if (at === 0) return;
      const plan = planOf(slot, at);
      // A plan has a fixed batch: rows past `at` repeat row 0 (their outputs are not sent).
      for (let r = at; r < plan.batch; r++) {
        obs.copyWithin(r * OBS_SIZE, 0, OBS_SIZE);
        mask.copyWithin(r * maskWords, 0, maskWords);
        uniforms[r] = uniforms[0];
      }
      const out = await slot.net.getActionAndValue(
        plan,
        obs.subarray(0, plan.batch * OBS_SIZE),
        mask.subarray(0, plan.batch * maskWords),
        { uniforms: uniforms.subarray(0, plan.batch) },
      );
      served.rows += at;
      served.forwards++;
      for (const { w, row } of good)
        reply(w.socket, encodeResponse(w.request.id, version, STATUS_OK, { ...out, from: row, n: w.request.n }));
    };
    let failure: unknown = null;
    /** One flush at a time; a failure stops the serving (the main loop throws it). */
    const runFlush = () => {
      timer = null;
      if (busy || closing || queue.length === 0) return;
      // The failure is recorded (closing) before the next flush is scheduled.
      busy = flush()
        .catch((e) => {
          failure ??= e;
          closing = true;
        })
        .finally(() => {
          busy = null;
          schedule();
        });
    };
    /** Flushes at once when every active actor waits (or a batch is full), else after WAIT_MS. */
    const schedule = () => {
      if (busy || closing || queue.length === 0) return;
      const now = performance.now();
      const waiting = new Set(queue.map((w) => w.socket));
      let active = 0;
      const activeMs = o.activeMs ?? ACTIVE_MS;
      for (const c of clients) if (waiting.has(c) || now - (lastAsked.get(c) ?? -Infinity) < activeMs) active++;
      const rows = queue.reduce((n, w) => n + w.request.n, 0);
      if (waiting.size >= active || rows >= maxRows) {
        if (timer) clearTimeout(timer);
        timer = null;
        queueMicrotask(runFlush);
      } else timer ??= setTimeout(runFlush, o.waitMs ?? WAIT_MS);
    };

    server = createServer((socket) => {
      clients.add(socket);
      lastAsked.set(socket, performance.now()); // a new actor asks soon
      served.clients = clients.size;
      const frames = new FrameReader(MAX_FRAME);
      socket.on("data", (chunk: Buffer) => {
        if (refused.has(socket) || closing) return;
        try {
          for (const frame of frames.push(chunk)) {
            const request = decodeRequest(frame);
            if (request.n === 0 || request.n > maxRows)
              return refuse(socket, request.id, request.version, `${request.n} rows (1 to ${maxRows})`);
            queue.push({ socket, request });
            lastAsked.set(socket, performance.now());
          }
        } catch (e) {
          if (!(e instanceof WireError)) throw e;
          return refuse(socket, 0, 0, e.message);
        }
        schedule();
      });
      const gone = () => {
        clients.delete(socket);
        lastAsked.delete(socket);
        served.clients = clients.size;
        for (let k = queue.length - 1; k >= 0; k--) if (queue[k].socket === socket) queue.splice(k, 1);
        schedule();
      };
      socket.on("close", gone);
      socket.on("error", gone);
    });
    // The first version's network, on the device before any actor waits on it (a slow device start
    // would otherwise fall inside the actors' reply timeout).
    const newest = await store.run(o.run);
    if (newest) await slotFor(newest.version);
    if (isSocket(o.socket))
      unlinkSync(o.socket); // a socket file left by a killed server
    else if (existsSync(o.socket))
      throw new InputError(`--socket ${o.socket}: something other than a socket is there (left as it is)`);
    await new Promise<void>((resolve, reject) => {
      server!.once("error", (e) => reject(new InputError(`--socket ${o.socket}: cannot listen there (${e.message})`)));
      server!.listen(o.socket, () => resolve());
    });
    listening = true;
    const id = `inference-${hostname()}-${process.pid}`;
    o.say(
      `inference server ${id}: run ${o.run} in ${store.label}, ${be.info.description}, up to ${maxRows} rows a forward pass, listening on ${o.socket}`,
    );
    o.onListening?.();

    // The server's row in the store's actor table: state "serving", steps = rows evaluated,
    // games = forward passes (so games/s is forwards/s and steps/games the mean batch).
    const me = newActorRow(id, "serving");
    let reason: ServerResult["reason"] = "stopped";
    let last = { at: performance.now(), rows: 0, forwards: 0 };
    for (;;) {
      if (failure) throw failure;
      if (o.signal.stop) break;
      if (parentGone(o.parentPid)) {
        reason = "learner gone";
        break;
      }
      // A finished run: its actors stop after their ply; serve them until they have left.
      const run = await store.run(o.run);
      if (!run || (run.state === "finished" && clients.size === 0)) {
        reason = "finished";
        break;
      }
      const now = performance.now();
      if (now - last.at >= REPORT_MS) {
        const seconds = (now - last.at) / 1000;
        me.version = Math.max(0, ...slots.map((s) => s.version));
        me.steps = served.rows;
        me.games = served.forwards;
        me.stepsPerSecond = (served.rows - last.rows) / seconds;
        me.gamesPerSecond = (served.forwards - last.forwards) / seconds;
        await store.reportActor(o.run, me);
        last = { at: now, ...served };
      }
      await sleep(200);
    }
    me.state = "stopped";
    await store.reportActor(o.run, me).catch(() => undefined);
    o.say(`inference server ${id}: ${reason}; ${served.rows} rows in ${served.forwards} forward passes`);
    return { ...served, reason };
  } finally {
    closing = true;
    if (timer) clearTimeout(timer);
    await busy; // a forward pass in flight finishes before its network is freed
    for (const c of clients) c.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (listening && isSocket(o.socket)) unlinkSync(o.socket);
    for (const s of slots) s.net.destroy(); // its plans with it
    backend?.destroy();
    await store.close();
  }
}
