// Processes for the actor tests: `keisei train` and `keisei actor` run from the sources, their
// output kept line by line so a test can wait for what they say.
import { fileURLToPath } from "node:url";
import type { Subprocess } from "bun";

export const CLI = fileURLToPath(new URL("../../../src/cli.ts", import.meta.url));

export class Proc {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string> = {},
    prefix: string[] = [],
  ) {
    this.proc = Bun.spawn([...prefix, process.execPath, CLI, ...args], {
      env: { ...process.env, KEISEI_CPU_THREADS: "1", XDG_RUNTIME_DIR: "/tmp", ...env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.read(this.proc.stdout);
    this.read(this.proc.stderr);
  }

  private async read(stream: ReadableStream<Uint8Array>) {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    }
    if (rest) this.lines.push(rest);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first line matching `re` (waiting up to `ms`), else an error with what the process said. */
  async waitFor(re: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const l of this.lines) {
        const m = l.match(re);
        if (m) return m;
      }
      if (Date.now() > deadline || this.proc.exitCode !== null)
        throw new Error(
          `${this.name}: no line matching ${re} (exit ${this.proc.exitCode}); it said:\n${this.lines.slice(-30).join("\n")}`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Its exit code, waiting up to `ms` (then an error with its output). */
  async exit(ms = 120_000): Promise<number> {
    const code = await Promise.race([this.proc.exited, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
    if (code === null) {
      this.proc.kill("SIGKILL");
      throw new Error(`${this.name} did not exit within ${ms / 1000} s; it said:\n${this.lines.slice(-30).join("\n")}`);
    }
    return code;
  }

  text(): string {
    return this.lines.join("\n");
  }
}
