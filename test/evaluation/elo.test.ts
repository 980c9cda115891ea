// Elo: the reference's golden vectors (keisei-python.md §9.5, §7.9), the SQLite registry beside the
// models (persists across reopen, WAL, history), and the previous-model pool keeping the newest N.
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ELO_FILE, EloRegistry, eloUpdate, expectedScore, updateRatings } from "../../src/evaluation/elo.ts";
import { scratchDir } from "./helpers.ts";

describe("Elo arithmetic", () => {
  test("expected score", () => {
    expect(expectedScore(1500, 1500)).toBe(0.5);
    expect(expectedScore(1900, 1500)).toBeCloseTo(10 / 11, 15); // 400 points: odds 10 to 1
    expect(expectedScore(1500, 1900) + expectedScore(1900, 1500)).toBeCloseTo(1, 15);
  });

  test("golden: training Elo after the first Black win from 1500/1500 is 1516 / 1484", () => {
    expect(eloUpdate(1500, 1500, 1)).toEqual([1516, 1484]);
  });

  test("golden: registry A, B from 1500 with [win, win, draw, loss] end at 1509.2130416923687 / 1490.7869583076313", () => {
    const [a, b] = updateRatings(1500, 1500, ["win", "win", "draw", "loss"]);
    expect(a).toBe(1509.2130416923687); // bit-exact with the reference run
    expect(b).toBe(1490.7869583076313);
    expect(a + b).toBeCloseTo(3000, 10); // zero-sum: both expectations from the ratings before each game
  });
});

describe("Elo registry", () => {
  test("lives at <model_dir>/elo.sqlite in WAL mode and persists across reopen", () => {
    const dir = join(scratchDir("elo"), "models");
    const clock = () => new Date("2025-01-02T03:04:05Z");
    const reg = EloRegistry.open(dir, { now: clock });
    expect(reg.path).toBe(join(dir, ELO_FILE));
    expect(reg.rating("nobody")).toBe(1500);
    const after = reg.recordMatch("A", "B", ["win", "win", "draw", "loss"]);
    expect(after.a).toBeCloseTo(1509.2130416923687, 10);
    reg.recordMatch("A", "random", ["win", "win"]);
    reg.close();

    const again = EloRegistry.open(dir);
    expect(again.rating("B")).toBeCloseTo(1490.7869583076313, 10);
    const table = again.ratings();
    expect(Object.fromEntries(table.map((r) => [r.id, r.games]))).toEqual({ A: 6, B: 4, random: 2 });
    expect(table.map((r) => r.rating)).toEqual(table.map((r) => r.rating).sort((x, y) => y - x));
    const hist = again.history("A");
    expect(hist.length).toBe(2);
    expect(hist[0]).toEqual({ at: "2025-01-02T03:04:05.000Z", rating: after.a, games: 4 });
    expect(hist[1].games).toBe(6);
    expect(hist[1].rating).toBe(again.rating("A"));
    again.close();

    const db = new Database(join(dir, ELO_FILE), { readonly: true });
    expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
    db.close();
  });

  test("K and the initial rating come from the config", () => {
    const reg = EloRegistry.open(scratchDir("elo-k"), { k: 16, initial: 1000 });
    expect(reg.rating("x")).toBe(1000);
    expect(reg.recordMatch("x", "y", ["win"])).toEqual({ a: 1008, b: 992 });
    expect(() => reg.recordMatch("x", "x", ["win"])).toThrow(/against itself/);
    reg.close();
  });

  test("checkpoint ids are paths relative to the models directory", () => {
    const dir = scratchDir("elo-id");
    const reg = EloRegistry.open(dir);
    expect(reg.idOf(join(dir, "run_a", "checkpoint_ts10000.safetensors"))).toBe("run_a/checkpoint_ts10000.safetensors");
    expect(reg.idOf("/elsewhere/final_model.safetensors")).toBe("/elsewhere/final_model.safetensors");
    reg.close();
  });

  test("the previous-model pool keeps the newest N, oldest dropped, and persists", () => {
    const dir = scratchDir("elo-pool");
    const ck = (i: number) => join(dir, "run", `ckpt_${i}.safetensors`);
    const reg = EloRegistry.open(dir, { poolSize: 3 });
    expect(reg.newestInPool()).toBeNull();
    const dropped: string[] = [];
    for (let i = 1; i <= 5; i++) dropped.push(...reg.addToPool(ck(i)));
    expect(dropped).toEqual([ck(1), ck(2)]);
    expect(reg.pool()).toEqual([ck(3), ck(4), ck(5)]);
    // Re-adding makes an entry the newest; other pools are separate.
    expect(reg.addToPool(ck(3))).toEqual([]);
    expect(reg.pool()).toEqual([ck(4), ck(5), ck(3)]);
    reg.addToPool("/elsewhere/ckpt.safetensors", "other-run");
    expect(reg.pool("other-run")).toEqual(["/elsewhere/ckpt.safetensors"]);
    reg.close();
    const again = EloRegistry.open(dir, { poolSize: 3 });
    expect(again.newestInPool()).toBe(ck(3));
    expect(again.pool().length).toBe(3);
    again.close();
    // Stored relative to the models directory: the pool survives moving it.
    const db = new Database(join(dir, ELO_FILE), { readonly: true });
    expect(
      db
        .query<{ path: string }, []>("SELECT path FROM model_pool WHERE pool = 'default' ORDER BY seq")
        .all()
        .map((r) => r.path),
    ).toEqual(["run/ckpt_4.safetensors", "run/ckpt_5.safetensors", "run/ckpt_3.safetensors"]);
    db.close();
  });

  test("a file that is not a database is refused with its path", () => {
    const dir = scratchDir("elo-bad");
    writeFileSync(join(dir, ELO_FILE), "this is not sqlite, it is a JSON file {}\n".repeat(200));
    expect(() => EloRegistry.open(dir)).toThrow(
      new RegExp(`Elo registry ${join(dir, ELO_FILE).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`),
    );
  });
});
