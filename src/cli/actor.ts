// `keisei actor`: plays self-play for a learner through the rollout store, on this machine or any
// other (the standalone binary included). Ctrl-C stops after the current ply; the segment in
// progress is given up (an actor loses at most its unsent games).

import { runActor } from "../training/actors/actor.ts";
import { STOP_SIGNALS } from "../util/signals.ts";
import { text, UsageError, wholeNumber } from "./flags.ts";
import { versionText } from "./version.ts";

export interface ActorFlags {
  store?: string;
  run?: string;
  device?: string;
  segments?: number;
}

export async function runActorCommand(f: ActorFlags): Promise<number> {
  if (f.store === undefined)
    throw new UsageError("keisei actor needs --store postgres://…/db (or sqlite://FILE): the learner's rollout store");
  if (f.run === undefined)
    throw new UsageError("keisei actor needs --run NAME: the learner's run (keisei train prints it)");
  const device = f.device ?? "auto";
  if (device !== "auto" && device !== "cpu" && device !== "webgpu")
    throw new UsageError(`--device ${JSON.stringify(device)}: expected auto, cpu or webgpu`);
  const signal = { stop: false };
  const onSignal = () => {
    if (signal.stop) process.exit(130);
    signal.stop = true;
    process.stderr.write("keisei actor: stopping after this ply (again to quit at once)\n");
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  const parent = Number(process.env.KEISEI_ACTOR_PARENT);
  const pause = Number(process.env.KEISEI_TEST_UPLOAD_PAUSE_MS);
  try {
    const r = await runActor({
      store: text(f.store, "--store"),
      run: text(f.run, "--run"),
      device,
      maxSegments: f.segments === undefined ? null : wholeNumber(f.segments, "--segments", 1, 1e9),
      say: (line) => process.stderr.write(`${line}\n`),
      signal,
      version: versionText(),
      uploadPauseMs: Number.isFinite(pause) && pause > 0 ? pause : 0,
      parentPid: Number.isInteger(parent) && parent > 0 ? parent : null,
    });
    return r.reason === "stopped" ? 130 : 0;
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
}
