// An actor: plays self-play for a learner, anywhere the rollout store reaches (`keisei actor`, or
// the processes `keisei train --actors N` starts). The loop, as Lc0's and KataGo's self-play
// clients run theirs:
//
//   read the run (config, fingerprint) → refuse a build whose rules or encoding differ
//   → per segment: the newest weights (fetched once per version, sha256-checked)
//                  → wait while the learner has enough fresh rollouts waiting (backlog)
//                  → play one rollout's worth of lock-step self-play with those weights
//                  → upload it as a compact segment tagged with the weight version
//
// Killed, an actor loses only the segment it was playing (or uploading: the upload is one
// transaction). The store going away makes it wait and retry (store.ts), not crash.
//
// With `inference` (parallel.inference: served) the actor has no network: an inference server
// (inference-server.ts) evaluates its positions with the segment's weight version, and the actor
// only plays the rules. The server going away gives up the segment in progress; the actor
// reconnects every 2 s.

import { hostname } from "node:os";
import type { Backend } from "../../compute/backend.ts";
import { createBackend } from "../../compute/device.ts";
import type { Config } from "../../config/schema.ts";
import type { Network } from "../../models/network.ts";
import { NetworkPolicy } from "../../rl/network-policy.ts";
import { type FinishedGame, SelfPlay } from "../../rl/selfplay.ts";
import { Random } from "../../util/random.ts";
import { networkOf, rolloutSize, storageOf } from "../run.ts";
import { encodeSegment, SegmentRecorder, segmentSteps } from "./segment.ts";
import { newActorRow, RolloutStore } from "./store.ts";
import { InferenceUnavailable, ServedPolicy, VersionGone } from "./served-policy.ts";
import { loadWeights } from "./weights.ts";
import { joinRun, parentGone } from "./join.ts";

export interface ActorOptions {
  /** The rollout store's URL (postgres://… or sqlite://FILE). */
  store: string;
  /** The learner's run name. */
  run: string;
  device: Config["env"]["device"];
  /** Stop after this many segments (null: until the run finishes or a stop). */
  maxSegments?: number | null;
  say: (line: string) => void;
  signal: { stop: boolean };
  /** This build's version text (keisei --version), said to a learner of another build. */
  version: string;
  /** Test hook: milliseconds the upload transaction stays open before it commits. */
  uploadPauseMs?: number;
  /** Stop when this process (the learner that started this actor) is gone. */
  parentPid?: number | null;
  /** An inference server's Unix socket (keisei inference): it evaluates this actor's positions; null: the actor's own backend. */
  inference?: string | null;
}

export interface ActorResult {
  segments: number;
  steps: number;
  games: number;
  reason: "finished" | "stopped" | "segments" | "learner gone";
}

/** Longest silence between an actor's reports (the learner lists actors heard from in the last 30 s). */
const REPORT_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runActor(o: ActorOptions): Promise<ActorResult> {
  const store = await RolloutStore.open(o.store, "--store", { say: o.say, signal: o.signal, existing: true });
  let backend: Backend | null = null;
  let net: Network | null = null;
  let policy: NetworkPolicy | ServedPolicy | null = null;
  try {
    const config = await joinRun(store, o.run, o.version);
    const t = config.training;
    const R = rolloutSize(config);
    const plies = R / t.num_envs;
    const id = `${hostname()}-${process.pid}-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
    const rng = new Random(Number.parseInt(createSeed(id), 16));
    let where: string;
    if (o.inference) {
      where = `positions evaluated by the inference server at ${o.inference}`;
    } else {
      backend = await createBackend(o.device);
      // training.mixed_precision is the learner's: an actor stores f16 only where its own device
      // can (its behaviour log-probabilities are its own, which the decoupled update weighs)
      const storage = storageOf(t) === "f16" && backend.info.f16 ? "f16" : "f32";
      net = networkOf(backend, t, 0, storage); // the learner's weights replace these before any game
      await net.prepare();
      where = backend.info.description;
    }
    const selfplay = new SelfPlay(
      t.num_envs,
      { maxMovesPerGame: config.env.max_moves_per_game, impasse: config.env.impasse },
      {
        startSfens: config.env.start_positions,
        materialShaping: t.material_shaping,
        mateSearchPly: t.selfplay_mate_ply,
        startRandomPlies: t.start_random_plies,
        random: rng.fork(),
      },
    );
    const policyRng = rng.fork();
    if (net) policy = new NetworkPolicy(net, t.num_envs, policyRng);
    const me = newActorRow(id, "starting");
    o.say(`actor ${id}: run ${o.run} in ${store.label}, ${where}, ${t.num_envs} games × ${plies} plies a segment`);
    await store.reportActor(o.run, me); // listed from the start, not only from its first upload
    let loaded = 0;
    let outage = false;
    let reason: ActorResult["reason"] = "stopped";
    let lastReport = 0;
    const maxLag = config.parallel.max_policy_lag;
    const backlog = config.parallel.backlog * R;
    for (;;) {
      if (o.signal.stop) break;
      if (parentGone(o.parentPid)) {
        reason = "learner gone";
        break;
      }
      if (o.maxSegments != null && me.segments >= o.maxSegments) {
        reason = "segments";
        break;
      }
      const run = await store.run(o.run);
      if (!run || run.state === "finished") {
        reason = "finished";
        break;
      }
      if (run.version !== loaded) {
        // Served: the server fetches the weights; the actor only names the version it plays.
        if (net) {
          const bytes = await store.weights(o.run, run.version);
          if (!bytes) continue; // superseded between the two reads: read the run again
          loadWeights(net, bytes);
        }
        loaded = run.version;
        me.version = loaded;
      }
      // Enough fresh rollouts wait for the learner: more would only go stale.
      if ((await store.pendingSteps(o.run, loaded - maxLag)) >= backlog) {
        me.state = "waiting";
        if (Date.now() - lastReport > REPORT_MS / 5) {
          await store.reportActor(o.run, me);
          lastReport = Date.now();
        }
        await sleep(100);
        continue;
      }
      if (!policy) {
        try {
          policy = await ServedPolicy.connect(o.inference as string, policyRng);
          if (outage) o.say(`actor ${id}: inference server at ${o.inference} reachable again`);
          outage = false;
        } catch (e) {
          if (!(e instanceof InferenceUnavailable)) throw e;
          if (!outage) o.say(`actor ${id}: ${e.message}; retrying every 2 s`);
          outage = true;
          await sleep(2000);
          continue;
        }
      }
      if (policy instanceof ServedPolicy) policy.version = loaded;
      me.state = "playing";
      const started = performance.now();
      const recorder = new SegmentRecorder(selfplay);
      const finished: FinishedGame[] = [];
      try {
        for (let k = 0; k < plies && !o.signal.stop; k++) {
          finished.push(...(await selfplay.step(policy, recorder)));
          // A long segment (a big net on a CPU) still shows the actor alive on the dashboards.
          if (Date.now() - lastReport > REPORT_MS) {
            await store.reportActor(o.run, me);
            lastReport = Date.now();
          }
        }
        if (o.signal.stop) break; // the segment in progress is given up: an actor loses at most its unsent games
        await selfplay.bootstrap(policy, recorder);
      } catch (e) {
        // Served: the segment in progress is given up (its games go on in the next one).
        if (e instanceof VersionGone) continue; // the learner moved past its weights: it would be stale
        if (!(e instanceof InferenceUnavailable)) throw e;
        if (o.signal.stop) break; // stopping anyway (the run ended, or Ctrl-C): nothing to wait for
        o.say(`actor ${id}: ${e.message}; segment given up, retrying every 2 s`);
        outage = true;
        policy.destroy();
        policy = null;
        await sleep(2000);
        continue;
      }
      const segment = recorder.take(loaded, finished);
      const seconds = (performance.now() - started) / 1000;
      const steps = segmentSteps(segment);
      me.segments++;
      me.games += finished.length;
      me.steps += steps;
      me.stepsPerSecond = steps / seconds;
      me.gamesPerSecond = finished.length / seconds;
      if (o.uploadPauseMs) o.say(`actor ${id}: uploading segment ${me.segments}`);
      await store.upload(
        o.run,
        `${id}:${me.segments}`,
        me,
        loaded,
        steps,
        finished.length,
        encodeSegment(segment),
        o.uploadPauseMs,
      );
      lastReport = Date.now();
      if (o.uploadPauseMs) o.say(`actor ${id}: uploaded segment ${me.segments}`);
    }
    me.state = "stopped";
    await store.reportActor(o.run, me).catch(() => undefined);
    o.say(`actor ${id}: ${reason}; ${me.segments} segments, ${me.steps} plies, ${me.games} games`);
    return { segments: me.segments, steps: me.steps, games: me.games, reason };
  } finally {
    policy?.destroy();
    net?.destroy();
    backend?.destroy();
    await store.close();
  }
}

/** 8 hex digits from an id: the actor's own random stream (actors must not replay each other's games). */
function createSeed(id: string): string {
  return new Bun.CryptoHasher("sha256").update(`${id} ${Date.now()}`).digest("hex").slice(0, 8);
}
