// The weights a learner publishes and its actors load: the parameter buffer, then the BatchNorm
// running statistics (acting reads them), as little-endian float32 — the network's own flat
// layout (models/params.ts), so an actor built from the run's config reads them as they are.

import type { Network } from "../../models/network.ts";
import { StoreError } from "./store.ts";

/** The network's parameters and running statistics as bytes. */
export async function weightBytes(net: Network): Promise<Uint8Array> {
  const params = await net.readParameters();
  const stats = await net.readStats();
  const out = new Float32Array(params.length + stats.length);
  out.set(params);
  out.set(stats, params.length);
  return new Uint8Array(out.buffer);
}

/** Loads published weights into `net`; bytes of another size (another architecture) are refused. */
export function loadWeights(net: Network, bytes: Uint8Array): void {
  const params = net.table.length;
  const stats = net.statsTable.length;
  if (bytes.length !== (params + stats) * 4)
    throw new StoreError(
      `published weights are ${bytes.length} bytes; this network (${net.arch.depth}×${net.arch.width}) needs ${(params + stats) * 4} (an actor of another keisei version may lay them out differently: run the learner's version)`,
    );
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  net.writeParameters(floats.subarray(0, params));
  net.writeStats(floats.subarray(params));
}
