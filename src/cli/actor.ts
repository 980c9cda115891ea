// `keisei actor`: plays self-play for a learner through the rollout store, on this machine or any
// other (the standalone binary included). Ctrl-C stops after the current ply; the segment in
// progress is given up (an actor loses at most its unsent games). `keisei inference`: the server
// that evaluates the positions of actors started with --inference (on the learner's machine).

import { resolve } from "node:path";
import { runActor } from "../training/actors/actor.ts";
import { runInferenceServer } from "../training/actors/inference-server.ts";
import { STOP_SIGNALS } from "../util/signals.ts";
import { text, UsageError, wholeNumber } from "./flags.ts";
import { versionText } from "./version.ts";

export interface ActorFlags {
  store?: string;
  run?: string;
  device?: string;
  segments?: number;
  inference?: string;
}

/** What `keisei actor` and `keisei inference` share: the store and run flags, the device, Ctrl-C, the learner that started it. */
function common(command: string, f: { store?: string; run?: string; device?: string }, stopping: string) {
  if (f.store === undefined)
    throw new UsageError(
      `keisei ${command} needs --store postgres://…/db (or sqlite://FILE): the learner's rollout store`,
    );
  if (f.run === undefined)
    throw new UsageError(`keisei ${command} needs --run NAME: the learner's run (keisei train prints it)`);
  const device = f.device ?? "auto";
  if (device !== "auto" && device !== "cpu" && device !== "webgpu")
    throw new UsageError(`--device ${JSON.stringify(device)}: expected auto, cpu or webgpu`);
  // Every flag is read before the signal handlers go in (a bad one throws past no cleanup).
  const store = text(f.store, "--store");
  const run = text(f.run, "--run");
  const signal = { stop: false };
  const onSignal = () => {
    if (signal.stop) process.exit(130);
    signal.stop = true;
    process.stderr.write(`keisei ${command}: ${stopping} (again to quit at once)\n`);
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  const parent = Number(process.env.KEISEI_ACTOR_PARENT);
  return {
    store,
    run,
    device: device as "auto" | "cpu" | "webgpu",
    signal,
    say: (line: string) => process.stderr.write(`${line}\n`),
    version: versionText(),
    parentPid: Number.isInteger(parent) && parent > 0 ? parent : null,
    done: () => {
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    },
  };
}

export async function runActorCommand(f: ActorFlags): Promise<number> {
  const inference = f.inference === undefined ? null : socketPath(f.inference, "--inference");
  const { done, ...c } = common("actor", f, "stopping after this ply");
  const pause = Number(process.env.KEISEI_TEST_UPLOAD_PAUSE_MS);
  try {
    const r = await runActor({
      ...c,
      maxSegments: f.segments === undefined ? null : wholeNumber(f.segments, "--segments", 1, 1e9),
      uploadPauseMs: Number.isFinite(pause) && pause > 0 ? pause : 0,
      inference,
    });
    return r.reason === "stopped" ? 130 : 0;
  } finally {
    done();
  }
}

/**
 * A Unix socket's path, made absolute: a bare number or an empty name would make the server listen
 * on a TCP port instead, open to the network.
 */
function socketPath(value: unknown, flag: string): string {
  const path = text(value, flag);
  if (path === "") throw new UsageError(`${flag} "": a Unix socket path is expected`);
  return resolve(path);
}

export interface InferenceFlags {
  store?: string;
  run?: string;
  socket?: string;
  device?: string;
}

/** `keisei inference`: the inference server a learner starts for parallel.inference: served (or one started by hand). */
export async function runInferenceCommand(f: InferenceFlags): Promise<number> {
  if (f.socket === undefined)
    throw new UsageError(
      "keisei inference needs --socket PATH: the Unix socket its actors connect to (keisei actor --inference PATH)",
    );
  const socket = socketPath(f.socket, "--socket");
  const { done, ...c } = common("inference", f, "stopping");
  try {
    const r = await runInferenceServer({ ...c, socket });
    return r.reason === "stopped" ? 130 : 0;
  } finally {
    done();
  }
}
