// How tests reach the PyTorch referee (test/reference/keisei_torch.py, run by Debian's
// /usr/bin/python3 with python3-torch). With KEISEI_REQUIRE_TORCH=1 (set by .ci/run) a missing
// PyTorch is a failure; elsewhere the referee's tests are skipped with the reason printed once.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PYTHON = process.env.KEISEI_TORCH_PYTHON ?? "/usr/bin/python3";
export const SCRIPT = new URL("./keisei_torch.py", import.meta.url).pathname;
export const requireTorch = process.env.KEISEI_REQUIRE_TORCH === "1";

function probe(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (install Debian's python3-torch: scripts/setup-system.sh)`;
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? null : `${PYTHON} cannot import torch and numpy (install Debian's python3-torch: scripts/setup-system.sh): ${r.stderr.trim().split("\n").pop()}`;
}

const missing = probe();
if (missing && requireTorch) throw new Error(`KEISEI_REQUIRE_TORCH=1 but ${missing}`);
if (missing) console.warn(`[PyTorch referee tests skipped] ${missing}`);

/** Whether the referee can run here; decided once, before tests are declared (for test.skipIf). */
export const hasTorch = missing === null;

/** Runs keisei_torch.py with `args`; its stdout, or an Error with its stderr. */
export function runTorch(args: string[]): string {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`keisei_torch.py ${args[0]} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}
