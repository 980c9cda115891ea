#!/usr/bin/env bun
// The `keisei` command. It only parses arguments and calls into the library; each command's work
// lives in its own module.

import { cac } from "cac";
import { InputError } from "./util/input-error.ts";
import pkg from "../package.json" with { type: "json" };
import { buildConfig, configToYaml } from "./config/load.ts";
import { configFields } from "./config/schema.ts";
import { doctorReport } from "./compute/doctor.ts";
import { showNativeMessages } from "./compute/webgpu/native-stderr.ts";
import { PERFT_MAX_DEPTH, perft, perftDivide } from "./shogi/perft.ts";
import { Display } from "./training/display.ts";
import {
  abortOnSignals,
  sweepAgent,
  sweepBest,
  sweepCreate,
  sweepExport,
  sweepStatus,
  trainSweep,
} from "./sweep/commands.ts";
import { positionFromCommand } from "./shogi/position-command.ts";
import { type EvaluateFlags, runEvaluateCommand } from "./cli/evaluate.ts";
import { configSources, list, parseArgv, text, UsageError, wholeNumber } from "./cli/flags.ts";
import { versionLine, versionText } from "./cli/version.ts";
import { runTrainCommand, TRAIN_FLAGS, type TrainCommandOptions, trainFlagOverrides } from "./cli/train.ts";
import { runUsi } from "./cli/usi.ts";
import { type ActorFlags, type InferenceFlags, runActorCommand, runInferenceCommand } from "./cli/actor.ts";
import { registerDashboard, startTrainDashboard, withLiveFile } from "./cli/dashboard.ts";

const cli = cac("keisei");

/** Why --depth stops at PERFT_MAX_DEPTH: the tree grows ~30× a ply from the start position. */
const PERFT_DEPTH_HINT = "depth 7 from the start position counts 15 G nodes, minutes; 8 takes hours";

cli
  .command("perft", "Count the leaf nodes of the legal-move tree (engine correctness and speed)")
  .option("--sfen <sfen>", "Start from this SFEN position (default: the initial position)")
  .option("--position <usi>", 'Start from a USI position, e.g. "startpos moves 7g7f 3c3d"')
  .option("--depth <n>", "Depth in plies", { default: 3 })
  .option("--divide", "List every legal root move (USI) with its subtree count")
  .option("--json", 'Print {"nodes": N, "divide": {...}} as JSON')
  .example("keisei perft --depth 5")
  .example(
    'keisei perft --sfen "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1" --depth 3 --divide',
  )
  .action((opts: { sfen?: string; position?: string; depth: unknown; divide?: boolean; json?: boolean }) => {
    if (opts.sfen !== undefined && opts.position !== undefined)
      throw new UsageError("give --sfen or --position, not both");
    const depth = wholeNumber(opts.depth, "--depth", 0, PERFT_MAX_DEPTH, PERFT_DEPTH_HINT);
    const pos = positionFromCommand(
      opts.position !== undefined
        ? text(opts.position, "--position")
        : opts.sfen !== undefined
          ? `sfen ${text(opts.sfen, "--sfen")}`
          : "startpos",
    );
    const started = performance.now();
    let nodes: number;
    let divide: Map<string, number> | null = null;
    if (opts.divide && depth > 0) {
      divide = perftDivide(pos, depth);
      nodes = 0;
      for (const n of divide.values()) nodes += n;
    } else {
      nodes = perft(pos, depth);
    }
    const seconds = (performance.now() - started) / 1000;
    if (opts.json) {
      console.log(JSON.stringify(divide ? { nodes, divide: Object.fromEntries(divide) } : { nodes }));
      return;
    }
    if (divide) for (const [move, n] of divide) console.log(`${move}: ${n}`);
    console.log(`nodes ${nodes}`);
    console.error(
      `depth ${depth}, ${seconds.toFixed(3)} s, ${(nodes / Math.max(seconds, 1e-9) / 1e6).toFixed(2)} M nodes/s`,
    );
  });

cli
  .command("config", "List every configuration field with its default and doc line, or print the effective config")
  .option("--config <file>", "YAML config file (repeatable; later files deep-merge over earlier ones)")
  .option("--override <key=value>", "Set one field, e.g. training.learning_rate=1e-3 (repeatable)")
  .option("--yaml", "Print the effective config as YAML instead of the field list")
  .action((opts: { config?: string | string[]; override?: string | string[]; yaml?: boolean }) => {
    const config = buildConfig(configSources(opts));
    if (opts.yaml) {
      process.stdout.write(configToYaml(config));
      return;
    }
    for (const f of configFields()) {
      const [section, name] = f.path.split(".") as [keyof typeof config, string];
      const value = (config[section] as Record<string, unknown>)[name];
      console.log(`${f.path.padEnd(44)} ${JSON.stringify(value).padEnd(16)} ${f.doc}`);
    }
  });

const train = cli
  .command("train", "Train by PPO self-play (the run folder gets checkpoints, metrics.jsonl, TensorBoard events, logs)")
  .option(
    "--config <file>",
    "YAML config file, or a built-in one: default, tiny (repeatable; later ones deep-merge over earlier ones)",
  )
  .option("--override <key=value>", "Set one config field, e.g. training.learning_rate=1e-3 (repeatable)")
  .option("--resume <latest|path>", "Continue a run: latest (of --run-name, else the newest run) or a checkpoint path")
  .option("--sweep <file>", "Run a hyperparameter sweep (W&B sweep YAML): create or join the study, then run trials")
  .option("--count <n>", "With --sweep: trials this agent runs at most")
  .option(
    "--storage <url>",
    "With --sweep: study database, sqlite://FILE or postgres://… (default <savedir>/sweeps.sqlite)",
  )
  .option("--max-consecutive-failures <n>", "With --sweep: stop this agent after this many failed trials in a row", {
    default: 3,
  })
  .option("--web [port]", "Serve the browser dashboard of this run on 127.0.0.1:PORT (default 6007), or HOST:PORT");
for (const f of TRAIN_FLAGS) train.option(`--${f.flag} <value>`, `${f.doc} (${f.field})`);
train
  .example("keisei train --config tiny")
  .example("keisei train --resume latest --run-name my_run")
  .action(
    async (
      opts: TrainCommandOptions & {
        sweep?: string;
        count?: number;
        storage?: string;
        maxConsecutiveFailures?: number;
        web?: unknown;
      },
    ) => {
      await startTrainDashboard(opts);
      if (opts.sweep !== undefined) {
        // The train flags become overrides of every trial's base config (a trial's own --override wins over them).
        if (opts.runName !== undefined || opts.resume !== undefined)
          throw new UsageError("--sweep names each trial's run itself; --run-name and --resume do not apply");
        const overrides = [
          ...list(opts.override),
          ...trainFlagOverrides(opts).filter((o) => !o.startsWith("logging.model_dir=")),
        ];
        process.exitCode = await trainSweep({
          sweep: text(opts.sweep, "--sweep"),
          count: opts.count === undefined ? undefined : wholeNumber(opts.count, "--count", 1, 1_000_000),
          storage: opts.storage === undefined ? undefined : text(opts.storage, "--storage"),
          savedir: opts.savedir === undefined ? undefined : text(opts.savedir, "--savedir"),
          config: list(opts.config),
          override: overrides,
          maxConsecutiveFailures: wholeNumber(opts.maxConsecutiveFailures, "--max-consecutive-failures", 1, 1_000_000),
          signal: abortOnSignals(),
        });
        return;
      }
      const r = await runTrainCommand(opts, (config) => withLiveFile(new Display(config.display)));
      console.log(
        r.stoppedEarly
          ? `stopped at timestep ${r.timestep}; resume with: keisei train --resume ${r.lastCheckpoint}`
          : `done: ${r.runDir}`,
      );
      process.exitCode = r.exitCode; // 129/130/143 when a signal stopped it: callers can tell it from a finished run
    },
  );

cli
  .command("evaluate", "Play a checkpoint against opponents and report wins, draws and losses with 95% intervals")
  .option("--agent <checkpoint>", "The checkpoint to evaluate (.safetensors)")
  .option(
    "--opponent <spec>",
    "random | heuristic | material1 | material2 | self | a checkpoint path | usi:CMD[?go=<go line>&parallel=N&margin=MS&name=NAME&Option=Value…], any USI engine (repeatable, or comma-separated; a usi: spec is never split)",
    { default: "random" },
  )
  .option(
    "--games <n>",
    "Games (per opponent; per pair in a tournament; per match in a ladder; per case in a benchmark)",
    { default: 20 },
  )
  .option("--strategy <name>", "single | tournament | ladder | benchmark", { default: "single" })
  .option("--seed <n>", "Seed (same seed, same games)", { default: 0 })
  .option("--max-moves <n>", "Move limit per game (a draw)", { default: 500 })
  .option("--format <fmt>", "Report format: text | json | md", { default: "text" })
  .option("--save-games <dir>", "Write every game as KIF and CSA, and the report, into this directory")
  .option("--savedir <dir>", "Models directory whose Elo registry rates the games (required by the ladder)")
  .option("--device <device>", "auto | webgpu | cpu", { default: "auto" })
  .option("--sample", "Checkpoints sample from their policy instead of playing their most probable move")
  .option("--ladder", "Play the fixed strength ladder (config section ladder: rungs, games, openings) and fit one Elo")
  .option("--config <file>", "With --ladder: YAML config whose ladder section is used (repeatable)")
  .option("--override <key=value>", "With --ladder: set one ladder field, e.g. ladder.games_per_rung=50 (repeatable)")
  .option(
    "--agent-search <settings>",
    "The agent plays by PUCT search: playouts=N[,batch=B][,mate=PLIES][,temperature=T] (default: policy only, one forward pass)",
  )
  .option(
    "--openings <spec>",
    "Start positions, each played with both colours: random:N[:seed] (N random legal plies) or a file (one SFEN or position line per line)",
  )
  .example("keisei evaluate --agent models/run/final_model.safetensors --opponent heuristic --games 200")
  .example(
    'keisei evaluate --agent models/run/final_model.safetensors --opponent "usi:/usr/games/fairy-stockfish?go=go nodes 2000" --openings random:8 --games 40',
  )
  .action(async (opts: EvaluateFlags) => {
    const tty = process.stderr.isTTY;
    const rendered = await runEvaluateCommand(opts, (line) => (tty ? process.stderr.write(`\r${line}`) : undefined));
    if (tty) process.stderr.write("\n");
    console.log(rendered);
  });

cli
  .command(
    "doctor",
    "Say what this machine offers keisei: runtime, GPU adapter, driver, features, limits, and the backend it will use",
  )
  .option(
    "--autotune",
    "Time every variant of the GEMM-shaped kernels on the WebGPU adapter now (even a CPU one) and cache the fastest",
  )
  .action(async (options: { autotune?: boolean }) => {
    const { lines } = await doctorReport(versionText(), { autotune: options.autotune === true });
    for (const line of lines) console.log(line);
  });

cli
  .command(
    "sweep <action> [target]",
    "Hyperparameter sweeps: create SWEEP.yaml | agent [STUDY] | status [STUDY] | best [STUDY] | export [STUDY]",
  )
  .option("--storage <url>", "Study database: sqlite://FILE or postgres://… (default <savedir>/sweeps.sqlite)")
  .option("--savedir <dir>", "Models directory (where trials' runs and the default database live)")
  .option("--config <file>", "create: base config of every trial (repeatable)")
  .option("--override <key=value>", "create: base config override (repeatable)")
  .option("--count <n>", "agent: trials to run at most")
  .option("--max-consecutive-failures <n>", "agent: stop after this many failed trials in a row", { default: 3 })
  .option("--out <dir>", "export: directory for <study>.csv and <study>.optuna.log (default: the current one)")
  .example("keisei sweep create sweep.yaml --config configs/tiny.yaml --savedir models")
  .example("keisei sweep agent --savedir models --count 4")
  .example("keisei sweep best --savedir models > best.yaml && keisei train --config best.yaml")
  .action(
    async (
      action: string,
      target: string | undefined,
      o: {
        storage?: string;
        savedir?: string;
        config?: string | string[];
        override?: string | string[];
        count?: number;
        maxConsecutiveFailures?: number;
        out?: string;
      },
    ) => {
      const where = {
        storage: o.storage === undefined ? undefined : text(o.storage, "--storage"),
        savedir: o.savedir === undefined ? undefined : text(o.savedir, "--savedir"),
      };
      switch (action) {
        case "create":
          if (!target) throw new UsageError("sweep create needs the sweep file: keisei sweep create SWEEP.yaml");
          await sweepCreate({ sweep: target, ...where, config: list(o.config), override: list(o.override) });
          return;
        case "agent":
          process.exitCode = await sweepAgent({
            study: target,
            ...where,
            count: o.count === undefined ? undefined : wholeNumber(o.count, "--count", 1, 1_000_000),
            maxConsecutiveFailures: wholeNumber(o.maxConsecutiveFailures, "--max-consecutive-failures", 1, 1_000_000),
            signal: abortOnSignals(),
          });
          return;
        case "status":
          await sweepStatus({ study: target, ...where });
          return;
        case "best":
          await sweepBest({ study: target, ...where });
          return;
        case "export":
          await sweepExport({ study: target, ...where, out: o.out === undefined ? undefined : text(o.out, "--out") });
          return;
        default:
          throw new UsageError(`unknown sweep action "${action}" (create, agent, status, best, export)`);
      }
    },
  );

cli
  .command("usi", "Play as a USI engine (ShogiHome, ShogiGUI, Shogidokoro): batched PUCT search over a checkpoint")
  .option("--model <checkpoint>", "The checkpoint to play (the ModelFile option; a GUI may set it instead)")
  .example("keisei usi --model models/run/final_model.safetensors")
  .action(async (opts: { model?: string }) => {
    await runUsi(versionText(), opts.model === undefined ? undefined : text(opts.model, "--model"));
  });

cli
  .command(
    "actor",
    "Play self-play for a learner (keisei train --actors/--store) through its rollout store, from any machine",
  )
  .option("--store <url>", "The learner's rollout store: postgres://user@host/db, or sqlite://FILE on the same machine")
  .option("--run <name>", "The learner's run name (keisei train prints it)")
  .option("--device <device>", "auto | webgpu | cpu: this actor's compute backend", { default: "auto" })
  .option("--segments <n>", "Stop after uploading this many segments (default: until the run finishes)")
  .option(
    "--inference <socket>",
    "Have the inference server listening on this Unix socket evaluate the positions (keisei inference; --device is then unused)",
  )
  .example("keisei actor --store postgres://keisei@learner-host/keisei --run my_run")
  .action(async (opts: ActorFlags) => {
    process.exitCode = await runActorCommand(opts);
  });

cli
  .command(
    "inference",
    "Serve batched network evaluation to the actors on this machine (what keisei train starts for parallel.inference: served)",
  )
  .option("--store <url>", "The learner's rollout store: postgres://user@host/db, or sqlite://FILE on the same machine")
  .option("--run <name>", "The learner's run name (keisei train prints it)")
  .option("--socket <path>", "The Unix socket to listen on (actors: keisei actor --inference PATH)")
  .option("--device <device>", "auto | webgpu | cpu: the backend the network runs on", { default: "auto" })
  .example("keisei inference --store postgres://keisei@learner-host/keisei --run my_run --socket /tmp/keisei.sock")
  .action(async (opts: InferenceFlags) => {
    process.exitCode = await runInferenceCommand(opts);
  });

registerDashboard(cli, versionText);

cli.help();
cli.version(pkg.version);
// cac's own version line names process.version, the Node.js version Bun mimics: print Bun's.
cli.globalCommand.outputVersion = () => console.log(versionLine());

/** One line on stderr; exit 2 when the input was refused, 1 when the work failed (a full disk, a diverged run, a bug). */
function fail(message: string, status = 2): never {
  console.error(`keisei: ${message}`);
  process.exit(status);
}

cli.addEventListener("command:*", () => fail(`unknown command "${cli.args.join(" ")}" (see keisei --help)`));

cli.option("--verbose", "Show what Dawn and the Vulkan loader print while keisei looks for a GPU (hidden otherwise)");

try {
  parseArgv(cli, process.argv);
  showNativeMessages(Boolean(cli.options.verbose));
  if (!cli.matchedCommand && cli.args.length === 0 && !cli.options.help && !cli.options.version) cli.outputHelp();
  else await cli.runMatchedCommand();
} catch (e) {
  // cac's own refusals (unknown option, missing value) are bad input too.
  if (e instanceof InputError || (e instanceof Error && e.name === "CACError")) fail(e.message);
  // Not the input's fault: the message, and with --verbose where it came from.
  if (cli.options.verbose && e instanceof Error && e.stack) console.error(e.stack);
  fail(e instanceof Error ? e.message : String(e), 1);
}
