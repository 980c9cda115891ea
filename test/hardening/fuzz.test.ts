// A seeded fuzzer over the inputs a hostile user controls: SFEN, USI position commands, config
// YAML and safetensors bytes. Every input must give either a value or the project's one-line
// error (InputError: SfenError, ConfigError, CheckpointFileError, …) — never an internal
// TypeError or RangeError, never a message that spans lines. A failure prints the seed and input.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig, parseConfigText, parseOverride } from "../../src/config/load.ts";
import { checkTrainingMemory } from "../../src/config/memory.ts";
import { loadCheckpoint, saveCheckpoint } from "../../src/models/checkpoint.ts";
import { modelFactory } from "../../src/models/factory.ts";
import { decodeSafetensors } from "../../src/models/safetensors.ts";
import { Position } from "../../src/shogi/position.ts";
import { positionFromCommand } from "../../src/shogi/position-command.ts";
import { START_SFEN } from "../../src/shogi/sfen.ts";
import { InputError } from "../../src/util/input-error.ts";
import { Random } from "../../src/util/random.ts";
import { referenceBackend as be } from "../models/helpers.ts";

const SEED = Number(process.env.KEISEI_FUZZ_SEED ?? 20260);
const dir = mkdtempSync(join(tmpdir(), "keisei-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `fn(input)`: a value, or an InputError whose message is one line; anything else fails
 * naming the input. `source` allows a config's several problems on several lines, each a whole
 * error line of its own naming the source (as the config loader lists them).
 */
function oneOf<T>(label: string, input: unknown, fn: () => T, source?: string): T | null {
  try {
    return fn();
  } catch (e) {
    const shown = JSON.stringify(input)?.slice(0, 300);
    if (!(e instanceof InputError))
      throw new Error(`${label} (seed ${SEED}): ${(e as Error)?.name}: ${(e as Error)?.message} for input ${shown}`);
    const lines = e.message.split("\n");
    const ok =
      source === undefined
        ? lines.length === 1 && e.message.length < 1000
        : lines.every((l) => l.startsWith(source) && l.length < 1000);
    if (!ok)
      throw new Error(
        `${label} (seed ${SEED}): not one short line: ${JSON.stringify(e.message.slice(0, 300))} for input ${shown}`,
      );
    return null;
  }
}

const pick = <T>(rng: Random, xs: readonly T[]): T => xs[rng.int(xs.length)];
/** Characters a mutation inserts: SFEN's own, digits, separators, look-alikes, controls, astral. */
const ALPHABET = [
  ..."PLNSGBRKplnsgbrk+/123456789 -bw0",
  "ſ",
  "K",
  "Ｐ",
  "ı",
  "\u00a0",
  "\u3000",
  "\t",
  "\n",
  "\u0001",
  "\u2028",
  "😀",
  "1e23",
  "99999999999999999999999",
  "*",
  "moves",
];

function mutate(rng: Random, s: string): string {
  let out = s;
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const i = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0:
        out = out.slice(0, i) + pick(rng, ALPHABET) + out.slice(i + 1);
        break;
      case 1:
        out = out.slice(0, i) + pick(rng, ALPHABET) + out.slice(i);
        break;
      case 2:
        out = out.slice(0, i) + out.slice(i + 1 + rng.int(5));
        break;
      case 3:
        out = out.slice(0, i) + out.slice(i, i + rng.int(20)).repeat(1 + rng.int(50)) + out.slice(i);
        break;
      case 4: {
        const f = out.split(" ");
        const a = rng.int(f.length);
        const b = rng.int(f.length);
        [f[a], f[b]] = [f[b], f[a]];
        out = f.join(" ");
        break;
      }
      default:
        out = out.slice(0, i);
    }
  }
  return out;
}

const SFENS = [
  START_SFEN,
  "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1",
  "8l/1l+R2P3/p2pBG1pp/kps1p4/Nn1P2G2/P1P1P2PP/1PS6/1KSG3+r1/LN2+p3L w Sbgn3p 124",
  "4k4/9/9/9/9/9/9/9/4K4 b 2P2p 1",
  "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL w - 2",
];

describe(`seeded fuzzer (seed ${SEED}): a value or one InputError line, never an internal error`, () => {
  test("SFEN: 4000 mutations; what parses re-emits an SFEN that parses to the same position", () => {
    const rng = new Random(SEED);
    let parsed = 0;
    for (let k = 0; k < 4000; k++) {
      const s = mutate(rng, pick(rng, SFENS));
      const pos = oneOf("SFEN", s, () => Position.fromSfen(s));
      if (!pos) continue;
      parsed++;
      const again = Position.fromSfen(pos.toSfen());
      expect(again.toSfen(), s).toBe(pos.toSfen());
      expect(pos.toSfen(), s).not.toMatch(/e\+/);
    }
    expect(parsed).toBeGreaterThan(50); // the mutations also keep some positions valid
  });

  test("USI position commands: 1500 random move lists and mutations", () => {
    const rng = new Random(SEED + 1);
    const squares = () => `${1 + rng.int(10)}${"abcdefghij"[rng.int(10)]}`;
    for (let k = 0; k < 1500; k++) {
      const moves = Array.from({ length: rng.int(12) }, () =>
        rng.int(5) === 0
          ? `${pick(rng, [..."PLNSGBRK"])}*${squares()}`
          : `${squares()}${squares()}${rng.int(4) === 0 ? "+" : ""}`,
      );
      const base = rng.int(2) === 0 ? "startpos" : `sfen ${pick(rng, SFENS)}`;
      let cmd = `${base}${moves.length ? ` moves ${moves.join(" ")}` : ""}`;
      if (rng.int(3) === 0) cmd = mutate(rng, cmd);
      oneOf("USI position", cmd, () => positionFromCommand(cmd));
    }
    // legal games are still read
    expect(positionFromCommand("startpos moves 7g7f 3c3d 8h2b+").toSfen()).toMatch(/ 4$/);
  });

  test("config YAML: 600 generated and mutated documents, each built and sized", () => {
    const rng = new Random(SEED + 2);
    const sections = [
      "env",
      "training",
      "evaluation",
      "ladder",
      "logging",
      "display",
      "traning",
      "__proto__",
      "constructor",
    ];
    const keys = [
      "num_envs",
      "tower_width",
      "tower_depth",
      "steps_per_epoch",
      "max_moves_per_game",
      "minibatch_size",
      "learning_rate",
      "lr_schedule_type",
      "lr_schedule_kwargs",
      "run_name",
      "log_file",
      "rungs",
      "seed",
      "toString",
      "__proto__",
      "hasOwnProperty",
    ];
    const value = (depth: number): string => {
      switch (rng.int(depth > 2 ? 6 : 9)) {
        case 0:
          return String(rng.int(2000) - 1000);
        case 1:
          return pick(rng, ["1e15", "-1e300", ".nan", ".inf", "-.inf", "0x10", "1_000", "1e9", "0", "2.5"]);
        case 2:
          return pick(rng, [
            "null",
            "~",
            "true",
            "no",
            "''",
            '"../../x"',
            "exponential",
            "step",
            "cosine",
            "linear",
            "a/b",
          ]);
        case 3:
          return JSON.stringify("x".repeat(rng.int(300)));
        case 4:
          return pick(rng, ["&a [1, 2]", "*a", "!!binary aGk=", "!!js/function f", "[[[[[[1]]]]]]"]);
        case 5:
          return `{${pick(rng, ["gamma", "step_size", "toString", "final_lr_fraction"])}: ${value(depth + 1)}}`;
        default:
          return `[${Array.from({ length: rng.int(5) }, () => value(depth + 1)).join(", ")}]`;
      }
    };
    for (let k = 0; k < 600; k++) {
      let text = Array.from({ length: 1 + rng.int(3) }, () => {
        const fields = Array.from({ length: 1 + rng.int(4) }, () => `  ${pick(rng, keys)}: ${value(0)}`);
        return `${pick(rng, sections)}:\n${fields.join("\n")}`;
      }).join("\n");
      if (rng.int(4) === 0) text = mutate(rng, text);
      const config = oneOf("config", text, () => buildConfig([parseConfigText(text, "fuzz.yaml")]), "fuzz.yaml: ");
      if (config) oneOf("config memory", text, () => checkTrainingMemory(config, "fuzz.yaml", 2 ** 60));
      const o = `${pick(rng, sections)}.${pick(rng, keys)}=${value(0)}`;
      oneOf("override", o, () => buildConfig([parseOverride(o)]), "--override ");
    }
  });

  test("safetensors bytes: 500 mutated checkpoints, decoded and loaded into a network", async () => {
    const rng = new Random(SEED + 3);
    const net = modelFactory(be, "resnet", { depth: 1, width: 4, seRatio: 0.5, numActions: 20 }, { seed: 1 });
    const good = join(dir, "good.safetensors");
    await saveCheckpoint(good, net);
    const bytes = new Uint8Array(readFileSync(good));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const path = join(dir, "fuzz.safetensors");
    for (let k = 0; k < 500; k++) {
      let b: Uint8Array;
      const kind = rng.int(4);
      if (kind === 0) {
        // flip bytes anywhere (the header length included)
        b = new Uint8Array(bytes);
        for (let i = 1 + rng.int(8); i > 0; i--) b[rng.int(Math.min(b.length, 8 + n + 64))] = rng.int(256);
      } else if (kind === 1) {
        b = bytes.subarray(0, rng.int(bytes.length + 1));
      } else {
        // a textual mutation of the header JSON (numbers, names, structure), re-framed
        const h = new TextEncoder().encode(
          kind === 2
            ? mutate(rng, header)
            : header.replace(/\d+/g, (d) =>
                rng.int(8) === 0 ? pick(rng, ["-1", "1e15", "100000", "0", "4.5", "null", `${d}${d}`]) : d,
              ),
        );
        b = new Uint8Array(8 + h.length + bytes.length - 8 - n);
        new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
        b.set(h, 8);
        b.set(bytes.subarray(8 + n), 8 + h.length);
      }
      oneOf("safetensors decode", `kind ${kind}`, () => decodeSafetensors(b, "fuzz.safetensors"));
      writeFileSync(path, b);
      const loaded = oneOf("checkpoint load", `kind ${kind} #${k}`, () => loadCheckpoint(be, path));
      loaded?.net.destroy();
    }
  });
});
