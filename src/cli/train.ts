// `keisei train`: flags → one Config (defaults → --config files → --override → flags), then the
// trainer. Ctrl-C finishes the current step, writes a checkpoint and exits; a second Ctrl-C quits at once.

import { buildConfig, type ConfigSource, nested, parseValue } from "../config/load.ts";
import { checkTrainingMemory } from "../config/memory.ts";
import type { Config } from "../config/schema.ts";
import { resumeConfig } from "../training/run.ts";
import { train, type TrainerView, type TrainResult } from "../training/trainer.ts";
import { AGENT_GONE_GRACE_MS, watchAgentPipe } from "../sweep/trial-runner.ts";
import { echo } from "../util/input-error.ts";
import { versionText } from "./version.ts";
import { configSources } from "./flags.ts";
import { SIGNAL_EXIT, STOP_SIGNALS, type StopSignal } from "../util/signals.ts";

/** The reference's train.py flags and the config field each one sets. */
export const TRAIN_FLAGS: readonly { flag: string; field: string; doc: string }[] = [
  { flag: "seed", field: "env.seed", doc: "Random seed" },
  { flag: "device", field: "env.device", doc: "auto | webgpu | cpu" },
  { flag: "total-timesteps", field: "training.total_timesteps", doc: "Steps to train for" },
  { flag: "savedir", field: "logging.model_dir", doc: "Directory of run folders" },
  { flag: "run-name", field: "logging.run_name", doc: "Run folder name" },
  { flag: "render-every", field: "training.render_every_steps", doc: "Refresh the board every N steps" },
  { flag: "model", field: "training.model_type", doc: "resnet | cnn" },
  {
    flag: "input_features",
    field: "training.input_features",
    doc: "Observation: core46 | core46-attacks (attacker counts in planes 44–45)",
  },
  { flag: "tower_depth", field: "training.tower_depth", doc: "Residual blocks" },
  { flag: "tower_width", field: "training.tower_width", doc: "Channels" },
  { flag: "se_ratio", field: "training.se_ratio", doc: "Squeeze-excitation ratio (0: off)" },
  { flag: "policy_head", field: "training.policy_head", doc: "dense | conv" },
  {
    flag: "mixed_precision",
    field: "training.mixed_precision",
    doc: "f16 activations and layer weights (WebGPU with shader-f16)",
  },
  {
    flag: "actors",
    field: "parallel.actors",
    doc: "Actor processes playing while the learner updates (0: one process; auto)",
  },
  { flag: "store", field: "parallel.store", doc: "Rollout store shared with actors: postgres://… or sqlite://FILE" },
  {
    flag: "inference",
    field: "parallel.inference",
    doc: "local (each actor on its own backend) | served (one inference server on env.device batches all local actors)",
  },
];

export interface TrainCommandOptions {
  config?: string | string[];
  override?: string | string[];
  resume?: string;
  [flag: string]: unknown;
}

/** The config-setting flags of a train command line as `field=value` overrides. */
export function trainFlagOverrides(opts: TrainCommandOptions): string[] {
  const out: string[] = [];
  for (const f of TRAIN_FLAGS) {
    const value = opts[flagKey(f.flag)];
    if (value !== undefined) out.push(`${f.field}=${String(value)}`);
  }
  return out;
}

// cac camel-cases dashed flags (total-timesteps → totalTimesteps) and keeps underscored ones.
const flagKey = (flag: string) =>
  flag.includes("-") ? flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) : flag;

/** Config sources of a train command line, in merge order. */
export function trainConfigSources(opts: TrainCommandOptions): ConfigSource[] {
  const sources = configSources(opts);
  for (const f of TRAIN_FLAGS) {
    const value = opts[flagKey(f.flag)];
    if (value === undefined) continue;
    const typed =
      f.field === "logging.run_name" || f.field === "logging.model_dir" || f.field === "parallel.store"
        ? String(value)
        : parseValue(String(value));
    sources.push({ name: `--${f.flag} ${echo(value)}`, values: nested(f.field.split("."), typed) });
  }
  return sources;
}

export async function runTrainCommand(
  opts: TrainCommandOptions,
  makeView: (config: Config) => TrainerView,
): Promise<TrainResult & { exitCode: number }> {
  // A resumed run keeps the config it was trained with; the flags given now change only their fields.
  const sources = trainConfigSources(opts);
  const config = opts.resume === undefined ? buildConfig(sources) : resumeConfig(sources, String(opts.resume));
  // before anything is allocated: the estimate and this machine's memory
  checkTrainingMemory(config, sources.map((s) => s.name).join(", ") || "the default config");
  const signal = { stop: false };
  let stoppedBy: StopSignal | null = null;
  // SIGHUP (the terminal closed, an ssh session dropped) stops like Ctrl-C: with a checkpoint.
  const onSignal = (sig: StopSignal) => {
    if (stoppedBy !== null) process.exit(SIGNAL_EXIT[stoppedBy]);
    stoppedBy = sig;
    signal.stop = true;
    process.stderr.write(
      `\nkeisei: ${sig}: stopping after this step and writing a checkpoint (again to quit at once)\n`,
    );
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  // A sweep trial stops like on Ctrl-C when the agent that launched it is gone (killed with -9).
  const agent = Number(process.env.KEISEI_SWEEP_AGENT_PID);
  const watchdog =
    Number.isInteger(agent) && agent > 0
      ? setInterval(() => {
          try {
            process.kill(agent, 0);
          } catch {
            if (!signal.stop) process.stderr.write(`keisei: the sweep agent (pid ${agent}) is gone; stopping\n`);
            signal.stop = true;
          }
        }, 2000)
      : null;
  // Its stdin is a pipe from the agent: EOF means the agent is gone, killed with -9 too; the trial goes with it.
  const stopWatching = watchAgentPipe(() => {
    if (!signal.stop) process.stderr.write("keisei: the sweep agent is gone (its pipe closed); stopping\n");
    signal.stop = true;
    setTimeout(() => process.exit(1), AGENT_GONE_GRACE_MS).unref();
  });
  try {
    const r = await train(config, { resume: opts.resume, view: makeView(config), signal, version: versionText() });
    return { ...r, exitCode: r.stoppedEarly ? (stoppedBy === null ? 1 : SIGNAL_EXIT[stoppedBy]) : 0 };
  } finally {
    if (watchdog) clearInterval(watchdog);
    stopWatching();
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
}
