// Bad checkpoint files: paths that are not regular files (checked before anything is read),
// headers that lie about their length, metadata that would drive a huge allocation (the
// architecture comes from the tensor table, bounded), non-finite weights, tensors whose offsets
// overlap or leave the file, and trainer-state JSON (the sidecar) checked field by field. Through
// `keisei evaluate --agent`: exit status 2, one line naming the file and what is wrong, nothing
// written. The sidecar through its reader: one CheckpointError naming the file and the field.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { optimizerPathOf, readOptimizerState, saveCheckpoint } from "../../src/models/checkpoint.ts";
import { architectureOf, createNetwork } from "../../src/models/factory.ts";
import { Adam } from "../../src/models/optimizer.ts";
import { CheckpointFileError, decodeSafetensors, encodeSafetensors } from "../../src/models/safetensors.ts";
import { CheckpointError, readTrainerState } from "../../src/training/checkpoints.ts";
import { InputError } from "../../src/util/input-error.ts";
import { referenceBackend as be } from "../models/helpers.ts";
import { expectRefusal, hashTree, inPairs, keisei } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "keisei-hard-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A real checkpoint of a 1×8 tower (SE 2 channels, the full 13 527 actions), and its Adam state.
const net = createNetwork(be, architectureOf("resnet", { depth: 1, width: 8, seRatio: 0.25 }), { seed: 3 });
const adam = new Adam(net, { lr: 1e-3, maxGradNorm: 0.5 });
const good = join(dir, "checkpoint_ts100.safetensors");
await saveCheckpoint(good, net, { optimizer: adam, metadata: { timestep: "100" } });
const goodBytes = new Uint8Array(readFileSync(good));

/** The header and data of a safetensors file. */
function split(bytes: Uint8Array) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, Record<string, unknown>>,
    data: bytes.subarray(8 + n),
  };
}
/** A safetensors file of `header` (as given, unchecked) over `data`. */
function join8(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
function variant(name: string, edit: (h: Record<string, Record<string, unknown>>, data: Uint8Array) => void) {
  const { header, data } = split(goodBytes);
  const copy = new Uint8Array(data);
  edit(header, copy);
  writeFileSync(join(dir, name), join8(header, copy));
  return name;
}
/** The byte offset in the data of element `i` of tensor `name` (F32). */
const at = (h: Record<string, Record<string, unknown>>, name: string, i = 0) =>
  (h[name].data_offsets as number[])[0] + 4 * i;

mkdirSync(join(dir, "a-directory.safetensors"));
Bun.spawnSync(["mkfifo", join(dir, "fifo.safetensors")]);
const files = {
  hugeHeader: (() => {
    // a header length of 2^64 − 16: checked against the file's size before anything is read
    const b = new Uint8Array(goodBytes);
    new DataView(b.buffer).setBigUint64(0, 0xffff_ffff_ffff_fff0n, true);
    writeFileSync(join(dir, "huge-header.safetensors"), b);
    return "huge-header.safetensors";
  })(),
  depth: variant("depth-1e15.safetensors", (h) => {
    h.__metadata__.tower_depth = "1e15";
  }),
  width: variant("width-100000.safetensors", (h) => {
    h.__metadata__.tower_width = "100000";
  }),
  nan: variant("nan.safetensors", (h, data) => {
    new DataView(data.buffer).setFloat32(at(h, "res_blocks.0.conv1.weight", 17), Number.NaN, true);
  }),
  inf: variant("inf.safetensors", (h, data) => {
    new DataView(data.buffer).setFloat32(at(h, "bn_stem.running_var", 2), Number.POSITIVE_INFINITY, true);
  }),
  overlap: variant("overlap.safetensors", (h) => {
    // stem.bias moved onto stem.weight's bytes; the freed bytes become a hole
    const [b] = h["stem.weight"].data_offsets as number[];
    const [sb, se] = h["stem.bias"].data_offsets as number[];
    h["stem.bias"].data_offsets = [b, b + (se - sb)];
  }),
  outside: variant("outside.safetensors", (h, data) => {
    const [b, e] = h["value_head.4.bias"].data_offsets as number[];
    h["value_head.4.bias"].data_offsets = [b + data.length, e + data.length];
  }),
  badShape: variant("bad-shape.safetensors", (h) => {
    h["stem.bias"].shape = [-8];
  }),
  metaType: variant("meta-type.safetensors", (h) => {
    (h.__metadata__ as Record<string, unknown>).tower_width = 8;
  }),
  negTracked: variant("neg-tracked.safetensors", (h, data) => {
    const [b] = h["bn_stem.num_batches_tracked"].data_offsets as number[];
    new DataView(data.buffer).setBigInt64(b, -4n, true);
  }),
  seLie: variant("se-lie.safetensors", (h) => {
    h.__metadata__.se_ratio = "0.5";
  }),
};

const evaluate = (agent: string) => ["evaluate", "--agent", agent, "--games", "1", "--device", "cpu"];
const CASES: [string[], RegExp[]][] = [
  [evaluate("/dev/zero"), [/\/dev\/zero: not a regular file \(a character device\)/]],
  [evaluate("/dev/urandom"), [/\/dev\/urandom: not a regular file/]],
  [evaluate("fifo.safetensors"), [/fifo\.safetensors: not a regular file \(a FIFO\)/]],
  [evaluate("a-directory.safetensors"), [/a-directory\.safetensors: not a regular file \(a directory\)/]],
  [evaluate("absent.safetensors"), [/absent\.safetensors/]],
  [
    evaluate(files.hugeHeader),
    [/huge-header\.safetensors: not a readable safetensors file \(header of \d+ bytes but only \d+ follow/],
  ],
  [evaluate(files.depth), [/depth-1e15\.safetensors: metadata tower_depth is "1e15" but the tensors hold 1/]],
  [evaluate(files.width), [/width-100000\.safetensors: metadata tower_width is "100000" but the tensors hold 8/]],
  [evaluate(files.nan), [/nan\.safetensors.*tensor "res_blocks\.0\.conv1\.weight" holds NaN at element 17/]],
  [evaluate(files.inf), [/inf\.safetensors.*tensor "bn_stem\.running_var" holds Infinity at element 2/]],
  [evaluate(files.overlap), [/overlap\.safetensors: .*tensor "stem\.(bias|weight)" overlaps/]],
  [
    evaluate(files.outside),
    [/outside\.safetensors: .*tensor "value_head\.4\.bias" ends at byte \d+ of the data but the file holds \d+/],
  ],
  [evaluate(files.badShape), [/bad-shape\.safetensors: .*tensor "stem\.bias" has shape "\[-8\]"/]],
  [evaluate(files.metaType), [/meta-type\.safetensors: .*metadata "tower_width" is "8", not a string/]],
  [evaluate(files.negTracked), [/neg-tracked\.safetensors.*tensor "bn_stem\.num_batches_tracked" is -4/]],
  [
    evaluate(files.seLie),
    [/se-lie\.safetensors: metadata se_ratio 0\.5 gives 4 squeeze-excitation channels but the tensors hold 2/],
  ],
];

describe("bad checkpoint files: exit 2, one line naming the file, nothing written", () => {
  test(`${CASES.length} cases through keisei evaluate`, async () => {
    const before = hashTree(dir);
    await inPairs(CASES, async ([args, patterns]) => {
      const r = await keisei(args, { cwd: dir });
      expectRefusal(r, patterns, `keisei ${args.join(" ")}`);
      expect(hashTree(dir), `keisei ${args.join(" ")} changed ${dir}`).toBe(before);
    });
  }, 60_000);

  test("the good checkpoint still loads and plays", async () => {
    const r = await keisei([...evaluate(good), "--format", "json"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toBeTruthy();
  });

  test("decoding refuses holes, overlaps and non-object metadata by name (CheckpointFileError, an InputError)", () => {
    const { header, data } = split(goodBytes);
    const hole = structuredClone(header);
    for (const v of Object.values(hole))
      if (Array.isArray(v.data_offsets)) v.data_offsets = v.data_offsets.map((x: number) => x + 4);
    const padded = new Uint8Array(data.length + 4);
    padded.set(data, 4);
    expect(() => decodeSafetensors(join8(hole, padded), "hole")).toThrow(/^hole: .*4 bytes of the data before tensor/);
    expect(() => decodeSafetensors(join8({ ...header, __metadata__: [1] }, data), "m")).toThrow(
      /__metadata__ is not an object/,
    );
    try {
      decodeSafetensors(
        join8(
          {
            x: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
            y: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
          },
          new Uint8Array(4),
        ),
        "dup",
      );
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(CheckpointFileError);
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(/^dup: .*overlaps/);
    }
  });

  test("an optimizer file: a step of -5 and non-finite moments are refused by tensor name", () => {
    const opt = optimizerPathOf(good);
    const { metadata, tensors } = decodeSafetensors(new Uint8Array(readFileSync(opt)), opt);
    const step = join(dir, "step.optimizer.safetensors");
    writeFileSync(
      step,
      encodeSafetensors(
        [...tensors].map(([k, t]) => [
          k,
          k === "step" ? { ...t, data: new Uint8Array(BigInt64Array.of(-5n).buffer) } : t,
        ]),
        metadata,
      ),
    );
    expect(() => readOptimizerState(step, net, good)).toThrow(
      /step\.optimizer\.safetensors.*tensor "step" is -5, not a step count/,
    );
    const nan = join(dir, "nan.optimizer.safetensors");
    writeFileSync(
      nan,
      encodeSafetensors(
        [...tensors].map(([k, t]) => [
          k,
          k === "exp_avg_sq.stem.bias"
            ? { ...t, data: new Uint8Array(new Float32Array(t.data.byteLength / 4).fill(Number.NaN).buffer) }
            : t,
        ]),
        metadata,
      ),
    );
    expect(() => readOptimizerState(nan, net, good)).toThrow(/tensor "exp_avg_sq\.stem\.bias" holds NaN at element 0/);
  });
});

describe("the trainer-state JSON (sidecar) is checked field by field", () => {
  const valid = {
    format: 2,
    weights: "checkpoint_ts100.safetensors",
    optimizer: "checkpoint_ts100.optimizer.safetensors",
    timestep: 100,
    iteration: 1,
    schedulerStep: 10,
    wallSeconds: 3.5,
    rng: { policy: [1, 2, 3, 4], ppo: [5, 6, 7, 8] },
    metrics: {
      totals: { games: 1, blackWins: 1, whiteWins: 0, draws: 0, reasons: { checkmate: 1 } },
      window: [],
      history: { "charts/SPS": [3] },
    },
    games: [{ moves: [], counters: [0, 0, 0, 0, 0, 0] }],
  };
  const json = join(dir, "checkpoint_ts100.json");
  const cases: [string, string | object, RegExp][] = [
    ["null", "null", /checkpoint_ts100\.json: expected a JSON object \(a trainer state\), got null$/],
    ["not JSON", "{", /checkpoint_ts100\.json: not JSON/],
    ["metrics null", { ...valid, metrics: null }, /checkpoint_ts100\.json: field metrics: expected object, got null$/],
    ["rng null", { ...valid, rng: null }, /field rng: expected record, got null$/],
    ["rng state short", { ...valid, rng: { policy: [1, 2] } }, /field rng\.policy/],
    ["rng state not u32", { ...valid, rng: { policy: [1, 2, 3, -4] } }, /field rng\.policy\.3/],
    ["timestep a string", { ...valid, timestep: "100" }, /field timestep: expected number, got "100"$/],
    ["negative iteration", { ...valid, iteration: -1 }, /field iteration: Too small/],
    ["fractional scheduler step", { ...valid, schedulerStep: 1.5 }, /field schedulerStep: expected int/],
    [
      "weights a path",
      { ...valid, weights: "../../etc/passwd" },
      /field weights: expected a file name beside the JSON/,
    ],
    ["format 3", { ...valid, format: 3 }, /trainer state format 3, this keisei reads 1 and 2/],
    ["unknown field", { ...valid, extra: 1 }, /unknown field "extra"/],
    ["bad game move", { ...valid, games: [{ moves: [-1], counters: [0, 0, 0, 0, 0, 0] }] }, /field games\.0\.moves\.0/],
    [
      "window winner 2",
      {
        ...valid,
        metrics: { ...valid.metrics, window: [{ winner: 2, plies: 1, captures: 0, drops: 0, promotions: 0 }] },
      },
      /field metrics\.window\.0\.winner/,
    ],
    [
      "timestep not the weights'",
      { ...valid, timestep: 200 },
      /field timestep is 200 but its weights file checkpoint_ts100\.safetensors is of timestep "100"/,
    ],
  ];
  for (const [label, content, pattern] of cases)
    test(label, () => {
      writeFileSync(json, typeof content === "string" ? content : JSON.stringify(content));
      let error: unknown = null;
      try {
        readTrainerState(json);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain("\n");
    });
  test("the valid one reads; a FIFO in its place is refused without blocking", () => {
    writeFileSync(json, JSON.stringify(valid));
    expect(readTrainerState(json).state.timestep).toBe(100);
    const fifo = join(dir, "checkpoint_ts7.json");
    Bun.spawnSync(["mkfifo", fifo]);
    expect(() => readTrainerState(fifo)).toThrow(/checkpoint_ts7\.json: not a regular file/);
  });
});
