// Checkpoints as players: loads any checkpoint (its architecture comes from the file, never a
// hard-coded class) onto a backend as a batched NetworkPolicy. Loaded networks are cached by path
// and the least recently used are freed, so periodic evaluation against the pool does not grow
// device memory without bound.

import type { Backend } from "../compute/backend.ts";
import type { CheckpointLoader, LoadedPolicy } from "./opponents.ts";
import { padToFixedBatch } from "./opponents.ts";
import { Random } from "../util/random.ts";
import { NetworkPolicy } from "../rl/network-policy.ts";
import { loadCheckpoint, valueShapingOf } from "../models/checkpoint.ts";
import { SearchPolicy } from "./search-player.ts";
import { NetworkEvaluator } from "../search/network-evaluator.ts";
import type { Network } from "../models/network.ts";

export interface CachingLoader {
  load: CheckpointLoader;
  /** Frees every network this loader made. */
  destroy(): void;
}

export function checkpointLoader(backend: Backend, batch: number, keep = 4): CachingLoader {
  const cache = new Map<string, { net: Network; policy: NetworkPolicy }>();
  const evict = () => {
    while (cache.size > keep) {
      const [key, oldest] = cache.entries().next().value!;
      cache.delete(key);
      oldest.net.destroy();
    }
  };
  return {
    async load(path, { deterministic, seed, search }): Promise<LoadedPolicy> {
      if (search) {
        // A searching player has trees of its own: loaded for this match, freed by its close().
        const { net, metadata } = loadCheckpoint(backend, path);
        await net.prepare();
        // Its value head learned V − material_shaping × material: the evaluator adds that back.
        const evaluator = new NetworkEvaluator(net, search.batch, search.temperature, valueShapingOf(path, metadata));
        const player = new SearchPolicy(evaluator, search);
        const arch = net.arch;
        return Object.assign(player, {
          describe: () => `${path} (${arch.type} ${arch.depth}×${arch.width}, PUCT search ${search.playouts} playouts)`,
          close: () => {
            player.destroy();
            net.destroy();
          },
        });
      }
      const key = `${path}|${deterministic}`;
      let entry = cache.get(key);
      if (entry)
        cache.delete(key); // re-inserted below as the most recently used
      else {
        const { net } = loadCheckpoint(backend, path); // errors name the file
        await net.prepare();
        entry = { net, policy: new NetworkPolicy(net, batch, new Random(seed), deterministic) };
      }
      cache.set(key, entry);
      evict();
      const padded = padToFixedBatch(entry.policy, batch);
      const arch = entry.net.arch;
      return {
        act: (b) => padded.act(b),
        describe: () =>
          `${path} (${arch.type} ${arch.depth}×${arch.width}${arch.policyHead === "conv" ? ", conv policy head" : ""})`,
      };
    },
    destroy() {
      for (const { net } of cache.values()) net.destroy();
      cache.clear();
    },
  };
}
