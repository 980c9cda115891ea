#!/usr/bin/env bash
# On a machine with a GPU: what keisei makes of it, in one run.
#   1. keisei doctor --autotune: the adapter, driver, features, limits, and each kernel variant timed
#   2. bench/gpu.ts: GFLOP/s per kernel variant against the adapter's fp32 peak, the default
#      network's inference and training samples/s, and where a training step's time goes
#   3. bench/selfplay.ts --backends webgpu: self-play steps/s (small and default towers)
#   4. bench/train.ts --device webgpu: `keisei train` on the default config, steps/s over one
#      whole iteration (self-play + PPO update)
# Usage: bench/gpu.sh            (after `npm ci`; needs a Vulkan, Metal or D3D12 driver)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== keisei doctor --autotune"; bun src/cli.ts doctor --autotune
echo; echo "== bench/gpu.ts"; bun bench/gpu.ts
echo; echo "== bench/selfplay.ts"; bun bench/selfplay.ts --backends webgpu
echo; echo "== bench/train.ts --device webgpu"; bun bench/train.ts --device webgpu
