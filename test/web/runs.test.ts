// The run index: runs found by scanning, their status from the files a run writes (live.json's
// process, the log's last event, the final model), the trainer's view writing live.json at most
// once a period, and the board read back from the terminal's renderer.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig } from "../../src/config/load.ts";
import { boardView, replayRecord } from "../../src/web/board.ts";
import { LIVE_FILE, type LiveFile, LiveFileView, writerAlive } from "../../src/web/live.ts";
import { RunIndex } from "../../src/web/runs.ts";
import { renderBoard } from "../../src/training/display/board.ts";
import { exportKif, type GameRecord } from "../../src/shogi/record.ts";
import type { TrainerFrame, TrainerView } from "../../src/training/trainer.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function logdir(): string {
  const d = mkdtempSync(join(tmpdir(), "keisei-web-runs-"));
  dirs.push(d);
  return d;
}

const START = "lnsgkgsnl/1r5b1/ppppppppp/9/9/9/PPPPPPPPP/1B5R1/LNSGKGSNL b - 1";

function live(o: Partial<LiveFile>): LiveFile {
  return {
    format: 1,
    pid: process.pid,
    host: hostname(),
    startedAt: Date.now() - 1000,
    updatedAt: Date.now(),
    state: "running",
    runName: "r",
    backend: "cpu",
    timestep: 300,
    totalTimesteps: 1000,
    iteration: 2,
    elapsedSeconds: 3,
    game: { sfen: START, recentMoves: [], ply: 0, gameIndex: 0 },
    elo: null,
    message: null,
    ...o,
  };
}

/** A run folder with the files a run writes; `log` lines go to training_log.txt. */
function run(root: string, name: string, o: { records?: number; final?: boolean; log?: string[]; live?: LiveFile }) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "effective_config.yaml"),
    "training:\n  total_timesteps: 1000\n  model_type: resnet\n  tower_depth: 2\n  tower_width: 16\n  learning_rate: 0.0003\nenv:\n  device: cpu\n",
  );
  const lines = Array.from({ length: o.records ?? 2 }, (_, i) =>
    JSON.stringify({ timestep: 128 * (i + 1), iteration: i + 1, "time/wall_s": i + 1, "charts/SPS": 100 }),
  );
  writeFileSync(join(dir, "metrics.jsonl"), lines.map((l) => `${l}\n`).join(""));
  writeFileSync(join(dir, "training_log.txt"), (o.log ?? []).map((l) => `2026-01-01T00:00:00.000Z ${l}\n`).join(""));
  if (o.final) writeFileSync(join(dir, "final_model.safetensors"), "x");
  if (o.live) writeFileSync(join(dir, LIVE_FILE), JSON.stringify(o.live));
  writeFileSync(join(dir, "checkpoint_ts256.json"), "{}");
  return dir;
}

describe("RunIndex", () => {
  test("finds runs (also a level down), and tells running, finished, stopped and crashed apart", () => {
    const root = logdir();
    run(root, "going", { live: live({}) });
    run(root, "done", { final: true, log: ["final model written: x"], live: live({ state: "closed" }) });
    run(root, "halted", {
      log: ["stopped at timestep 256 (iteration 2) on request", "checkpoint written: y"],
      live: live({ state: "closed" }),
    });
    run(root, "killed", { live: live({ pid: 2 ** 22 + 12345 }) }); // no such process
    run(root, "errored", { live: live({ state: "closed" }) });
    run(root, "resumed", {
      final: true,
      log: ["final model written: x", "resumed from z at timestep 1024"],
      live: live({ pid: 2 ** 22 + 12346 }),
    });
    run(root, "nested/deeper", { final: true, log: ["final model written: x"] });
    mkdirSync(join(root, "not-a-run", "empty"), { recursive: true });
    const index = new RunIndex(root);
    const { changed } = index.refresh();
    const status = Object.fromEntries(changed.map((s) => [s.name, s.status]));
    expect(status).toEqual({
      going: "running",
      done: "finished",
      halted: "stopped",
      killed: "crashed",
      errored: "crashed",
      resumed: "crashed",
      "nested/deeper": "finished",
    });
    const going = index.summary("going")!;
    expect(going.statusReason).toBe(`pid ${process.pid} on ${hostname()}`);
    expect(going.timestep).toBe(300); // live.json is newer than the last record
    expect(going.totalTimesteps).toBe(1000);
    expect(going.lastCheckpoint?.file).toBe("checkpoint_ts256.safetensors");
    expect(going.config).toMatchObject({ model: "resnet", depth: 2, width: 16, learningRate: 0.0003, device: "cpu" });
    expect(index.summary("killed")!.statusReason).toContain("is gone");
    // Nothing changed: nothing reported; a new record: that run only.
    expect(index.refresh().changed).toEqual([]);
    writeFileSync(join(root, "done", "metrics.jsonl"), `${JSON.stringify({ timestep: 999, iteration: 9 })}\n`, {
      flag: "a",
    });
    expect(index.refresh().changed.map((s) => s.name)).toEqual(["done"]);
    expect(index.summary("done")!.timestep).toBe(999);
    rmSync(join(root, "errored"), { recursive: true });
    expect(index.refresh().removed).toEqual(["errored"]);
  });

  test("a run's columns, once loaded, follow its appends (the summary counts the records held)", async () => {
    const root = logdir();
    const dir = run(root, "going", { records: 3, live: live({}) });
    const index = new RunIndex(root);
    index.refresh();
    expect(index.summary("going")!.records).toBeNull(); // not loaded: the summary reads only the tail
    const [a, b] = await Promise.all([index.load("going"), index.load("going")]);
    expect(a).toBe(b); // one read for both callers
    expect(a!.rows).toBe(3);
    index.refresh();
    expect(index.summary("going")!.records).toBe(3);
    for (const n of [4, 5]) {
      writeFileSync(join(dir, "metrics.jsonl"), `${JSON.stringify({ timestep: 128 * n, iteration: n })}\n`, {
        flag: "a",
      });
      expect(index.refresh().changed.map((s) => s.name)).toEqual(["going"]);
      expect(index.summary("going")!.records).toBe(n);
    }
    expect((await index.load("going"))!.sample("iteration", "step", { points: 10 }).y).toEqual([1, 2, 3, 4, 5]);
  });

  test("the live board is the live.json game, cell by cell", () => {
    const root = logdir();
    run(root, "going", { live: live({ game: { sfen: START, recentMoves: ["7g7f"], ply: 1, gameIndex: 3 } }) });
    const index = new RunIndex(root);
    index.refresh();
    const b = index.liveBoard("going")!;
    expect(b.gameIndex).toBe(3);
    expect(b.board.cells.filter((c) => c !== "").length).toBe(40);
    expect(b.board.cells[0]).toBe("v香");
    expect(b.board.cells[80]).toBe("香");
    expect(b.board.lastMove).toBe("7g7f");
    expect(index.liveBoard("nope")).toBeNull();
  });

  test("a live.json from another machine counts as running until it is 10 minutes old", () => {
    const now = Date.now();
    expect(writerAlive(live({ host: "elsewhere", updatedAt: now - 60_000 }), now)).toBe(true);
    expect(writerAlive(live({ host: "elsewhere", updatedAt: now - 11 * 60_000 }), now)).toBe(false);
    expect(writerAlive(live({ state: "closed" }), now)).toBe(false);
    // A live pid that started after the file was written is another process (a reused pid).
    expect(writerAlive(live({ pid: process.ppid, startedAt: 0 }), now)).toBe(false);
  });
});

describe("boards", () => {
  test("boardView reads back exactly the terminal's board", () => {
    const sfen = "l6nl/5+P1gk/2np1S3/p1p4Pp/3P2Sp1/1PPb2P1P/P5GS1/R8/LN4bKL w RGgsn5p 1";
    const b = boardView(sfen, "8h2b+");
    const { lines } = renderBoard(sfen, { unicode: true, color: false });
    for (let r = 0; r < 9; r++) {
      const row = b.cells
        .slice(r * 9, r * 9 + 9)
        .map((c) => (c === "" ? " ・" : c.startsWith("v") ? c : ` ${c}`))
        .join("");
      expect(`|${row}|`).toBe(lines[3 + r].slice(0, 20));
    }
    expect(b.hands).toEqual({ white: "金 銀 桂 歩x5", black: "飛 金" });
    expect(b.sideToMove).toBe("white");
    expect(b.cells[9 + 5]).toBe("と"); // 4二: Black's promoted pawn
  });

  test("a KIF record replays move by move, each move written as KIF writes it", () => {
    const dir = logdir();
    const rec: GameRecord = {
      startSfen: START,
      moves: ["7g7f", "3c3d", "8h2b+", "3a2b", "B*4e"],
      result: { winner: 0, reason: "resignation" },
      black: "agent",
      white: "random",
    };
    writeFileSync(join(dir, "g.kif"), exportKif(rec));
    const r = replayRecord(join(dir, "g.kif"), "g.kif");
    expect(r.moves.map((m) => m.usi)).toEqual(rec.moves);
    expect(r.moves.map((m) => m.text)).toEqual(["☗７六歩", "☖３四歩", "☗２二角成", "☖同　銀", "☗４五角"]);
    expect(r.positions.length).toBe(6);
    expect(r.positions[0].cells.filter(Boolean).length).toBe(40);
    expect(r.positions[5].hands.black).toBe("");
    expect(r.positions[4].hands.black).toBe("角");
    expect(r.result).toBe("Black wins by resignation");
    expect([r.black, r.white]).toEqual(["agent", "random"]);
  });
});

describe("LiveFileView", () => {
  test("passes everything to the terminal view and writes live.json at most once a period, and on close", () => {
    const root = logdir();
    const seen: string[] = [];
    const inner: TrainerView = {
      live: false,
      wantsFrame: () => false,
      update: () => seen.push("update"),
      log: (l) => seen.push(`log ${l}`),
      close: () => seen.push("close"),
    };
    let now = 0;
    const view = new LiveFileView(inner, { intervalMs: 1000, now: () => now });
    const config = buildConfig([{ name: "test", values: { logging: { model_dir: root } } }]);
    mkdirSync(join(root, "r"));
    const frame = (timestep: number): TrainerFrame => ({
      runName: "r",
      backend: "cpu",
      timestep,
      totalTimesteps: 1000,
      iteration: 1,
      elapsedSeconds: 1,
      record: {},
      history: {},
      game: { sfen: START, recentMoves: ["7g7f"], ply: 1, gameIndex: 0 },
      config,
      weightStats: [],
      elo: null,
    });
    const read = () => JSON.parse(readFileSync(join(root, "r", LIVE_FILE), "utf8")) as LiveFile;
    expect(view.wantsFrame()).toBe(true); // the terminal does not want one, live.json does
    view.log("run r");
    view.update(frame(16));
    expect(read()).toMatchObject({ timestep: 16, state: "running", pid: process.pid, message: "run r" });
    now = 500;
    expect(view.wantsFrame()).toBe(false);
    view.update(frame(32));
    expect(read().timestep).toBe(16); // within the period: not written
    now = 1000;
    view.update(frame(48));
    expect(read().timestep).toBe(48);
    view.close(frame(64));
    expect(read()).toMatchObject({ timestep: 64, state: "closed" });
    expect(seen).toEqual(["log run r", "update", "update", "update", "close"]);
  });
});
