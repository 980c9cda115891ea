// What a process that works for a learner (an actor, the inference server) does to join its run
// through the rollout store, and how it notices that the learner that started it has gone.

import { buildConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { processRuns } from "../../util/process.ts";
import { fingerprint, fingerprintMismatch } from "./fingerprint.ts";
import { type RolloutStore, StoreError } from "./store.ts";

/** Whether the learner that started this process (KEISEI_ACTOR_PARENT) has gone; false when none did. */
export function parentGone(pid: number | null | undefined): boolean {
  return pid != null && pid > 0 && !processRuns(pid);
}

/** The run's config, once the store holds run `run` and this build plays its rules; refused by name otherwise. */
export async function joinRun(store: RolloutStore, run: string, version: string, who = "actor"): Promise<Config> {
  const row = await store.run(run);
  if (!row) {
    const names = await store.runNames();
    throw new StoreError(
      `--run ${run}: no such run in ${store.label} (${names.length > 0 ? `runs there: ${names.join(", ")}` : "it holds no run yet: start the learner first"})`,
    );
  }
  const mismatch = fingerprintMismatch(row.fingerprint, fingerprint(version));
  if (mismatch) throw new StoreError(`${who} refused by run ${run} in ${store.label}: ${mismatch}`);
  return buildConfig([{ name: `run ${run}'s config in ${store.label}`, values: row.config }]);
}
