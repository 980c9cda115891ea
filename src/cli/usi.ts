// `keisei usi`: stdin lines to the engine, its replies to stdout, until `quit` or the end of input.

import { UsiEngine } from "../usi/engine.ts";

export async function runUsi(version: string, model?: string): Promise<void> {
  const engine = new UsiEngine((line) => process.stdout.write(`${line}\n`), version, { model });
  for await (const line of console) {
    if (engine.handle(line)) break;
  }
  // quit (or the GUI closed our stdin): stop any search, give it a moment to print its bestmove, leave.
  engine.handle("stop");
  await Promise.race([engine.idle(), new Promise((resolve) => setTimeout(resolve, 300))]);
  engine.close();
  process.exit(0);
}
