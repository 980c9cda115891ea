// metrics.jsonl read incrementally into columns: only appended bytes are read, a half-written line
// waits for its newline, a resumed run's rewound steps replace the orphaned records, a shrunk file
// is read again, and downsampling keeps each bucket's extremes.
import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MetricsStore, tailRecord } from "../../src/web/metrics-store.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function file(): string {
  const d = mkdtempSync(join(tmpdir(), "keisei-web-metrics-"));
  dirs.push(d);
  return join(d, "metrics.jsonl");
}
const line = (step: number, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ wall_time: 1000 + step, timestep: step, iteration: step / 128, "losses/entropy": 3 + step / 1e4, "time/wall_s": step / 100, ...extra })}\n`;

describe("MetricsStore", () => {
  test("reads only what was appended, and a partial line once it is complete", () => {
    const path = file();
    writeFileSync(path, line(128) + line(256));
    const s = new MetricsStore(path);
    expect(s.update()).toBe(true);
    expect(s.rows).toBe(2);
    const first = s.bytesRead;
    expect(first).toBe(Buffer.byteLength(line(128) + line(256)));
    expect(s.update()).toBe(false); // nothing new: nothing read
    expect(s.bytesRead).toBe(first);
    const third = line(384);
    appendFileSync(path, third.slice(0, 20)); // a record being written
    expect(s.update()).toBe(false);
    expect(s.rows).toBe(2);
    appendFileSync(path, third.slice(20));
    expect(s.update()).toBe(true);
    expect(s.rows).toBe(3);
    // The partial line was read twice (20 bytes), nothing else again.
    expect(s.bytesRead).toBe(first + third.length + 20);
    expect(s.sample("losses/entropy", "step", { points: 100 }).x).toEqual([128, 256, 384]);
    expect(s.last?.timestep).toBe(384);
  });

  test("nulls and missing keys are gaps; a key that appears later is NaN before it", () => {
    const path = file();
    writeFileSync(path, line(128, { "eval/elo": null }) + line(256) + line(384, { "eval/elo": 1520 }));
    const s = new MetricsStore(path);
    s.update();
    expect(s.keys).toContain("eval/elo");
    const elo = s.sample("eval/elo", "step", { points: 100 });
    expect(elo).toEqual({ x: [384], y: [1520], total: 1, sampled: false });
    expect(s.sample("losses/entropy", "step", { points: 100 }).total).toBe(3);
    appendFileSync(path, line(512, { "game/new_metric": 7 }));
    s.update();
    expect(s.sample("game/new_metric", "step", { points: 100 })).toEqual({
      x: [512],
      y: [7],
      total: 1,
      sampled: false,
    });
  });

  test("a resumed run that rewinds its steps replaces the orphaned records (epoch moves on)", () => {
    const path = file();
    writeFileSync(path, [128, 256, 384, 512].map((t) => line(t)).join(""));
    const s = new MetricsStore(path);
    s.update();
    expect(s.epoch).toBe(0);
    appendFileSync(path, line(384, { "losses/entropy": 9 }) + line(512, { "losses/entropy": 10 }));
    s.update();
    expect(s.epoch).toBe(1);
    expect(s.rows).toBe(4);
    const e = s.sample("losses/entropy", "step", { points: 100 });
    expect(e.x).toEqual([128, 256, 384, 512]);
    expect(e.y.slice(2)).toEqual([9, 10]);
  });

  test("a file that shrank or was replaced is read again from the start", () => {
    const path = file();
    writeFileSync(path, line(128) + line(256) + line(384));
    const s = new MetricsStore(path);
    s.update();
    writeFileSync(path, line(128));
    expect(s.update()).toBe(true);
    expect(s.rows).toBe(1);
    expect(s.epoch).toBe(1);
  });

  test("malformed lines are skipped and counted; blank lines are not records", () => {
    const path = file();
    writeFileSync(path, `not json\n${line(128)}not json\n[1,2]\n\n{bad\n{"x": }\n${line(256)}{"timestep": 3`);
    const s = new MetricsStore(path);
    s.update();
    expect(s.rows).toBe(2);
    expect(s.skipped).toBe(5);
    expect(s.sample("losses/entropy", "step", { points: 10 }).x).toEqual([128, 256]);
    appendFileSync(path, "84}\n"); // the partial last line, completed
    s.update();
    expect(s.sample("timestep", "step", { points: 10 }).x).toEqual([128, 256, 384]);
  });

  test("a file replaced by another (a new inode) is read from its start; a long file can be read in pieces", () => {
    const path = file();
    writeFileSync(path, line(128) + line(256));
    const s = new MetricsStore(path);
    s.update();
    writeFileSync(`${path}.new`, [128, 256, 384, 512].map((t) => line(t, { "losses/entropy": 1 })).join(""));
    renameSync(`${path}.new`, path);
    s.update();
    expect([s.rows, s.epoch]).toEqual([4, 1]);
    // 3000 records (about 400 KB) in 64 KiB pieces: the same columns as in one read.
    writeFileSync(
      path,
      Array.from({ length: 3000 }, (_, i) => line(128 * (i + 1), { "losses/entropy": i % 7 })).join(""),
    );
    const whole = new MetricsStore(path);
    whole.update();
    const pieces = new MetricsStore(path);
    let reads = 0;
    do {
      pieces.update(1 << 16);
      reads++;
    } while (pieces.more);
    expect(pieces.rows).toBe(3000);
    expect(reads).toBeGreaterThanOrEqual(Math.floor(Bun.file(path).size / (1 << 16)));
    expect(pieces.sample("losses/entropy", "step", { points: 10_000 })).toEqual(
      whole.sample("losses/entropy", "step", { points: 10_000 }),
    );
  });

  test("downsampling keeps each bucket's minimum and maximum, the ends, and no more than asked", () => {
    const path = file();
    const lines: string[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const spike = i === 4321 ? 100 : i === 7777 ? -100 : Math.sin(i / 50);
      lines.push(line(i * 128, { "losses/entropy": spike }));
    }
    writeFileSync(path, lines.join(""));
    const s = new MetricsStore(path);
    s.update();
    const d = s.sample("losses/entropy", "step", { points: 500 });
    expect(d.sampled).toBe(true);
    expect(d.total).toBe(10_000);
    expect(d.x.length).toBeLessThanOrEqual(502);
    expect(d.x.length).toBeGreaterThan(400);
    expect(d.x[0]).toBe(128);
    expect(d.x.at(-1)).toBe(10_000 * 128);
    expect(Math.max(...d.y)).toBe(100);
    expect(Math.min(...d.y)).toBe(-100);
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]).toBeGreaterThan(d.x[i - 1]);
    // A range at full resolution: from/to on the axis, every point in it.
    const zoom = s.sample("losses/entropy", "step", { points: 500, from: 4300 * 128, to: 4340 * 128 });
    expect(zoom.sampled).toBe(false);
    expect(zoom.x.length).toBe(41);
    expect(zoom.y[21]).toBe(100);
    // The training-time axis: time/wall_s.
    expect(s.sample("losses/entropy", "relative", { points: 10_000, to: 2.56 }).x).toEqual([1.28, 2.56]);
    // Rows after an index: what a client that holds 9998 records asks for.
    expect(s.sample("losses/entropy", "step", { points: 500, after: 9998 }).x).toEqual([9999 * 128, 10_000 * 128]);
  });

  test("tailRecord reads the newest complete record from the end of the file", () => {
    const path = file();
    writeFileSync(path, `${line(128)}${line(256)}{"timestep": 38`);
    expect(tailRecord(path)?.timestep).toBe(256);
    expect(tailRecord(join(path, "..", "missing.jsonl"))).toBeNull();
  });
});
