// Learning-rate schedules as pure functions of the number of scheduler steps taken, so resuming
// needs only that count. Sized to the steps the run really takes (the reference sized "epoch"
// mode for ppo_epochs steps per update but stepped once, so its schedules ran 1/ppo_epochs of
// their course: keisei-python.md §13.2 item 10).

import { LR_SCHEDULE_KWARGS } from "../config/schema.ts";

export type ScheduleType = keyof typeof LR_SCHEDULE_KWARGS;
export type StepOn = "epoch" | "update";

export interface ScheduleConfig {
  type: ScheduleType | null;
  kwargs: Readonly<Record<string, number | undefined>> | null;
  stepOn: StepOn;
}

/**
 * Scheduler steps a run takes: one per PPO epoch, or one per minibatch update. `rolloutSize` is
 * the transitions one rollout really holds; each epoch takes floor(rolloutSize / minibatch) full
 * minibatches (rl/ppo.ts).
 */
export function scheduleTotalSteps(
  totalTimesteps: number,
  rolloutSize: number,
  ppoEpochs: number,
  minibatchSize: number,
  stepOn: StepOn,
): number {
  const rollouts = Math.ceil(totalTimesteps / rolloutSize);
  const perRollout = stepOn === "epoch" ? ppoEpochs : ppoEpochs * Math.floor(rolloutSize / minibatchSize);
  return rollouts * perRollout;
}

/**
 * The schedule's parameters with defaults filled in; a parameter the schedule does not take is an
 * error (the config loader refuses it first, naming its source: config/load.ts).
 */
export function scheduleKwargs(
  type: ScheduleType,
  given: Readonly<Record<string, number | undefined>> | null,
): Record<string, number> {
  const known = LR_SCHEDULE_KWARGS[type];
  const out: Record<string, number> = Object.assign(Object.create(null), known);
  for (const [k, v] of Object.entries(given ?? {})) {
    if (v === undefined) continue;
    if (!Object.hasOwn(known, k))
      throw new Error(
        `training.lr_schedule_kwargs.${k}: not a parameter of the ${type} schedule (it takes ${Object.keys(known).join(", ")})`,
      );
    out[k] = v;
  }
  return out;
}

/** The multiplier of the initial learning rate after `step` scheduler steps of `total`. */
export function lrFactor(config: ScheduleConfig, step: number, total: number): number {
  if (config.type === null) return 1;
  const k = scheduleKwargs(config.type, config.kwargs);
  const progress = total > 0 ? Math.min(step / total, 1) : 1;
  switch (config.type) {
    case "linear":
      return Math.max(k.final_lr_fraction, 1 - progress);
    case "cosine":
      return k.eta_min_fraction + (1 - k.eta_min_fraction) * 0.5 * (1 + Math.cos(Math.PI * progress));
    case "exponential":
      return k.gamma ** step;
    case "step":
      return k.gamma ** Math.floor(step / k.step_size);
  }
}
