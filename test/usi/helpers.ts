// A USI engine process driven as a GUI drives it: lines in, lines out, with timestamps.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReferenceBackend } from "../../src/compute/reference/backend.ts";
import { saveCheckpoint } from "../../src/models/checkpoint.ts";
import { modelFactory } from "../../src/models/factory.ts";

/** A small untrained checkpoint (1 block × 16 channels, conv head), written once per test file. */
export async function tinyCheckpoint(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "keisei-usi-"));
  const path = join(dir, "tiny.safetensors");
  const net = modelFactory(
    new ReferenceBackend(),
    "resnet",
    { depth: 1, width: 16, seRatio: 0.25, policyHead: "conv" },
    { seed: 7 },
  );
  await saveCheckpoint(path, net);
  net.destroy();
  return path;
}

export class EngineProcess {
  readonly lines: { at: number; text: string }[] = [];
  readonly started = performance.now();
  private readonly proc: ReturnType<typeof Bun.spawn>;
  private waiters: (() => void)[] = [];
  exited: number | null = null;

  constructor(argv: string[], env: Record<string, string | undefined> = process.env) {
    this.proc = Bun.spawn(argv, {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "ignore",
      env: { ...env, XDG_RUNTIME_DIR: "/tmp" },
    });
    void this.read();
    void this.proc.exited.then((code) => {
      this.exited = code;
      this.wake();
    });
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = (this.proc.stdout as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(chunk, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        this.lines.push({ at: performance.now(), text: buffered.slice(0, nl).trimEnd() });
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
      this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(line: string): number {
    (this.proc.stdin as import("bun").FileSink).write(`${line}\n`);
    (this.proc.stdin as import("bun").FileSink).flush();
    return performance.now();
  }

  /** The first line at or after index `from` matching `re`, waiting up to `ms`. */
  async expect(re: RegExp, ms: number, from = 0): Promise<{ at: number; text: string; index: number }> {
    const deadline = performance.now() + ms;
    for (;;) {
      for (let k = from; k < this.lines.length; k++)
        if (re.test(this.lines[k].text)) return { ...this.lines[k], index: k };
      const left = deadline - performance.now();
      if (left <= 0 || this.exited !== null)
        throw new Error(
          `no line matching ${re} within ${ms} ms; got:\n${this.lines
            .slice(from)
            .map((l) => l.text)
            .join("\n")}`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, Math.min(left, 50));
      });
    }
  }

  kill(): void {
    this.proc.kill();
  }

  get exitedPromise(): Promise<number> {
    return this.proc.exited;
  }
}
