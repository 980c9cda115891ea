// `keisei train`: flags → one Config (defaults → --config files → --override → flags), then the
// trainer. Ctrl-C finishes the current step, writes a checkpoint and exits; a second Ctrl-C quits at once.

import { buildConfig, type ConfigSource, nested } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { train, type TrainerView, type TrainResult } from "../training/trainer.ts";
import { configSources } from "./flags.ts";

/** The reference's train.py flags and the config field each one sets. */
export const TRAIN_FLAGS: readonly { flag: string; field: string; doc: string }[] = [
  { flag: "seed", field: "env.seed", doc: "Random seed" },
  { flag: "device", field: "env.device", doc: "auto | webgpu | cpu" },
  { flag: "total-timesteps", field: "training.total_timesteps", doc: "Steps to train for" },
  { flag: "savedir", field: "logging.model_dir", doc: "Directory of run folders" },
  { flag: "run-name", field: "logging.run_name", doc: "Run folder name" },
  { flag: "render-every", field: "training.render_every_steps", doc: "Refresh the board every N steps" },
  { flag: "model", field: "training.model_type", doc: "resnet | cnn" },
  { flag: "input_features", field: "training.input_features", doc: "Observation encoding (core46)" },
  { flag: "tower_depth", field: "training.tower_depth", doc: "Residual blocks" },
  { flag: "tower_width", field: "training.tower_width", doc: "Channels" },
  { flag: "se_ratio", field: "training.se_ratio", doc: "Squeeze-excitation ratio (0: off)" },
  { flag: "policy_head", field: "training.policy_head", doc: "dense | conv" },
  { flag: "mixed_precision", field: "training.mixed_precision", doc: "f16 storage (not supported yet)" },
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
    const typed = f.field === "logging.run_name" || f.field === "logging.model_dir" ? String(value) : value;
    sources.push({ name: `--${f.flag} ${String(value)}`, values: nested(f.field.split("."), typed) });
  }
  return sources;
}

export async function runTrainCommand(
  opts: TrainCommandOptions,
  makeView: (config: Config) => TrainerView,
): Promise<TrainResult> {
  const config = buildConfig(trainConfigSources(opts));
  const signal = { stop: false };
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    signal.stop = true;
    process.stderr.write(
      "\nkeisei: stopping after this step and writing a checkpoint (Ctrl-C again to quit at once)\n",
    );
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
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
  try {
    return await train(config, { resume: opts.resume, view: makeView(config), signal });
  } finally {
    if (watchdog) clearInterval(watchdog);
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}
