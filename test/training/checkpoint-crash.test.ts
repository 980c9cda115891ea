// kill -9 while a checkpoint is being written leaves the previous checkpoint complete and loadable;
// a checkpoint counts as complete only once its JSON and every file it names exist.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../src/compute/device.ts";
import { listCheckpoints, readTrainerState } from "../../src/training/checkpoints.ts";
import { encodeSafetensors } from "../../src/models/safetensors.ts";
import { loadCheckpoint, readOptimizerState } from "../../src/models/checkpoint.ts";

test("kill -9 mid-write: the newest complete checkpoint loads, and it is the last announced (or the one being replaced)", async () => {
  const backend = await createBackend("cpu");
  for (const delayMs of [0, 7, 23, 61]) {
    const dir = mkdtempSync(join(tmpdir(), "keisei-crash-"));
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures/checkpoint-writer.ts"), dir], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = child.stdout.getReader();
    let text = "";
    let announced: number[] = [];
    while (announced.length < 2) {
      const { value, done } = await reader.read();
      if (done) throw new Error("writer exited early");
      text += new TextDecoder().decode(value);
      announced = [...text.matchAll(/wrote (\d+)/g)].map((m) => Number(m[1]));
    }
    await Bun.sleep(delayMs); // somewhere inside the next write
    child.kill("SIGKILL");
    await child.exited;
    const last = announced.at(-1)!;
    const newest = listCheckpoints(dir)[0];
    // Renames are atomic: the newest complete checkpoint is the last announced one, or the next
    // one if its JSON's rename completed just before the kill.
    expect([last, last + 256]).toContain(newest.timestep);
    const { state, weights, optimizer } = readTrainerState(newest.json);
    expect(state.timestep).toBe(newest.timestep);
    expect(optimizer).toBe(join(dir, `checkpoint_ts${newest.timestep}.optimizer.safetensors`));
    const { net } = loadCheckpoint(backend, weights); // every tensor's name, shape and size checked
    expect(readOptimizerState(optimizer!, net, weights).step).toBe(0);
    net.destroy();
    // Whatever the kill interrupted is at most a temporary file, never a truncated checkpoint.
    for (const f of readdirSync(dir))
      expect(f).toMatch(/^checkpoint_ts\d+\.(safetensors|optimizer\.safetensors|json)$|\.tmp/);
  }
}, 120_000);

test("a checkpoint is complete only with its JSON and every file the JSON names; format-1 JSONs need no optimizer file", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-complete-"));
  const json = (ts: number, extra: Record<string, unknown>) =>
    writeFileSync(
      join(dir, `checkpoint_ts${ts}.json`),
      JSON.stringify({
        timestep: ts,
        iteration: 1,
        schedulerStep: 1,
        wallSeconds: 0,
        rng: {},
        metrics: { totals: { games: 0, blackWins: 0, whiteWins: 0, draws: 0, reasons: {} }, window: [], history: {} },
        games: [],
        weights: `checkpoint_ts${ts}.safetensors`,
        ...extra,
      }),
    );
  // safetensors files with no tensors, saying their timestep as keisei's do
  const file = (name: string) =>
    writeFileSync(join(dir, name), encodeSafetensors([], { timestep: /_ts(\d+)/.exec(name)![1] }));
  // 100: format 1, weights only (the optimizer rides inside them)
  json(100, { format: 1 });
  file("checkpoint_ts100.safetensors");
  // 200: format 2, all three files
  json(200, { format: 2, optimizer: "checkpoint_ts200.optimizer.safetensors" });
  file("checkpoint_ts200.safetensors");
  file("checkpoint_ts200.optimizer.safetensors");
  // 300: format 2 without its optimizer file; 400: weights and optimizer but no JSON yet
  json(300, { format: 2, optimizer: "checkpoint_ts300.optimizer.safetensors" });
  file("checkpoint_ts300.safetensors");
  file("checkpoint_ts400.safetensors");
  file("checkpoint_ts400.optimizer.safetensors");
  expect(listCheckpoints(dir)).toEqual([
    {
      timestep: 200,
      json: join(dir, "checkpoint_ts200.json"),
      weights: join(dir, "checkpoint_ts200.safetensors"),
      optimizer: join(dir, "checkpoint_ts200.optimizer.safetensors"),
      replay: null,
    },
    {
      timestep: 100,
      json: join(dir, "checkpoint_ts100.json"),
      weights: join(dir, "checkpoint_ts100.safetensors"),
      optimizer: null,
      replay: null,
    },
  ]);
  // resuming from the incomplete one by path names the missing file
  expect(() => readTrainerState(join(dir, "checkpoint_ts300.json"))).toThrow(
    /checkpoint_ts300\.json: its optimizer file checkpoint_ts300\.optimizer\.safetensors is missing/,
  );
  expect(readTrainerState(join(dir, "checkpoint_ts100.safetensors")).optimizer).toBeNull();
  rmSync(join(dir, "checkpoint_ts200.safetensors"));
  expect(listCheckpoints(dir).map((c) => c.timestep)).toEqual([100]);
  rmSync(dir, { recursive: true, force: true });
});
