// Dawn and the Vulkan loader write their warnings straight to file descriptor 2 from native code
// ("maxDynamic…BuffersPerPipelineLayout artificially reduced", "vkCreateInstance failed" with C++
// source paths), on every start, even when keisei then picks the CPU. While keisei asks them for a
// GPU, fd 2 points at a temporary file (dup/dup2 through bun:ffi); what they said is kept here —
// the diagnosis of a missing adapter reads it, `keisei doctor` prints it, `--verbose` shows it as
// it comes. Lines that are not theirs pass through to the terminal.

import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Everything the native code wrote to stderr while asked for a GPU, line by line. */
export const nativeMessages: string[] = [];

let verbose = false;

/** `--verbose`: native messages go to the terminal as well as into nativeMessages. */
export function showNativeMessages(on: boolean): void {
  verbose = on;
}

interface Libc {
  dup(fd: number): number;
  dup2(from: number, to: number): number;
  close(fd: number): number;
}

let libc: Libc | null | undefined;

function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  const name =
    process.platform === "linux" ? "libc.so.6" : process.platform === "darwin" ? "/usr/lib/libSystem.B.dylib" : null;
  if (name === null) return libc; // Windows: Dawn reports through its callbacks; nothing to hide
  try {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const i32 = FFIType.i32;
    const lib = dlopen(name, {
      dup: { args: [i32], returns: i32 },
      dup2: { args: [i32, i32], returns: i32 },
      close: { args: [i32], returns: i32 },
    });
    libc = lib.symbols as unknown as Libc;
  } catch {
    libc = null; // no FFI here: the messages reach the terminal as before
  }
  return libc;
}

/** Whether a line is the native code's (a Dawn or loader warning, or its C++ source location). */
const isNative = (line: string) => /^(Warning|Error|Info): /.test(line) || /^\s+at \S+ \(.*:\d+\)$/.test(line);

/** Runs `f` with native stderr captured into nativeMessages. */
export async function capturingNativeStderr<T>(f: () => T | Promise<T>): Promise<T> {
  const c = loadLibc();
  if (!c) return f();
  const path = join(tmpdir(), `keisei-native-stderr-${process.pid}-${Date.now()}`);
  let fd: number;
  try {
    fd = openSync(path, "w+");
  } catch {
    return f(); // no temporary file: let them through
  }
  const saved = c.dup(2);
  c.dup2(fd, 2);
  try {
    return await f();
  } finally {
    c.dup2(saved, 2);
    c.close(saved);
    closeSync(fd);
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch {}
    rmSync(path, { force: true });
    for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
      nativeMessages.push(line);
      if (verbose || !isNative(line)) process.stderr.write(`${line}\n`);
    }
  }
}
