// kill -9 while a checkpoint is being written leaves the previous checkpoint complete and loadable.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../src/compute/device.ts";
import { listCheckpoints, readTrainerState } from "../../src/training/checkpoints.ts";
import { loadCheckpoint } from "../../src/training/models/checkpoint.ts";

test("kill -9 mid-write: the newest complete checkpoint loads, and it is the last announced (or the one being replaced)", async () => {
  const backend = await createBackend("cpu");
  for (const delayMs of [0, 7, 23, 61]) {
    const dir = mkdtempSync(join(tmpdir(), "keisei-crash-"));
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures/checkpoint-writer.ts"), dir], { stdout: "pipe", stderr: "inherit" });
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
    const { state, weights } = readTrainerState(newest.json);
    expect(state.timestep).toBe(newest.timestep);
    const { net, optimizer } = loadCheckpoint(backend, weights); // every tensor's name, shape and size checked
    expect(optimizer!.step).toBe(0);
    net.destroy();
    // Whatever the kill interrupted is at most a temporary file, never a truncated checkpoint.
    for (const f of readdirSync(dir)) expect(f).toMatch(/^checkpoint_ts\d+\.(safetensors|json)$|\.tmp/);
  }
}, 120_000);
