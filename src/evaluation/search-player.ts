// A checkpoint that plays by PUCT search (`keisei evaluate --agent-search playouts=N`): for each of
// its games in flight, a search of N playouts from the game's position (with its history, so
// repetition counts), the tree kept per match slot and reused along the moves played.

import { moveToAction } from "../shogi/actions.ts";
import type { ActBatch } from "../rl/acting.ts";
import { DEFAULT_SEARCH, type Evaluator, Search, type SearchSettings } from "../search/puct.ts";
import type { GamePolicy, RowEnd, RowGame } from "./match.ts";
import { InputError } from "../util/input-error.ts";

export interface SearchOptions {
  /** Playouts per move (1: the policy's most probable move, after a mate check at the root). */
  playouts: number;
  /** Leaves per batched evaluation. */
  batch: number;
  /** Mate search plies at new leaves (0: none). */
  leafMatePly: number;
  /** Softmax temperature of the priors (> 1 flattens a peaked policy so the search looks wider; USI's Temperature / 100). */
  temperature: number;
}

export const DEFAULT_AGENT_SEARCH: SearchOptions = {
  playouts: 800,
  batch: 64,
  leafMatePly: DEFAULT_SEARCH.leafMatePly,
  temperature: 1,
};

export class SearchOptionsError extends InputError {
  override name = "SearchOptionsError";
}

/** `playouts=800,batch=64,mate=3,temperature=1` (any subset; the rest default). */
export function parseSearchOptions(text: string): SearchOptions {
  const o = { ...DEFAULT_AGENT_SEARCH };
  for (const part of text.split(",").filter(Boolean)) {
    const [key, value] = part.split("=");
    const n = Number(value);
    const whole = (min: number, max: number) => {
      if (!Number.isInteger(n) || n < min || n > max)
        throw new SearchOptionsError(`--agent-search ${key}=${value}: a whole number in [${min}, ${max}] is expected`);
      return n;
    };
    if (key === "playouts") o.playouts = whole(1, 10_000_000);
    else if (key === "batch") o.batch = whole(1, 1024);
    else if (key === "mate") o.leafMatePly = whole(0, 5);
    else if (key === "temperature") {
      if (!(n >= 0.01 && n <= 10))
        throw new SearchOptionsError(`--agent-search temperature=${value}: a number in [0.01, 10] is expected`);
      o.temperature = n;
    } else
      throw new SearchOptionsError(`--agent-search: unknown setting "${key}" (playouts, batch, mate, temperature)`);
  }
  return o;
}

export class SearchPolicy implements GamePolicy {
  private readonly settings: SearchSettings;
  /** One tree per match slot (a slot plays one game at a time). */
  private readonly trees = new Map<number, Search>();

  /**
   * `evaluator` judges the leaves (a checkpoint's: NetworkEvaluator, with its material_shaping);
   * the player frees it in destroy().
   */
  constructor(
    private readonly evaluator: Evaluator & { destroy(): void },
    readonly options: SearchOptions,
  ) {
    this.settings = { ...DEFAULT_SEARCH, leafMatePly: options.leafMatePly };
  }

  act(): never {
    throw new Error("a search player needs each row's game: play it through playMatch");
  }

  async actInGames(batch: ActBatch, games: readonly RowGame[]): Promise<(RowEnd | undefined)[]> {
    for (let r = 0; r < batch.n; r++) {
      const g = games[r];
      let search = this.trees.get(g.slot);
      if (!search) {
        search = new Search(this.evaluator, this.settings);
        this.trees.set(g.slot, search);
      }
      search.setRoot(g.startSfen, [...g.moves]);
      const pos = g.position.clone();
      const root = await search.prepareRoot(pos);
      // N new playouts on top of what tree reuse kept.
      const target = root.n + this.options.playouts;
      while (root.n < target && root.proof === 0 && root.moves.length > 0) {
        const before = root.n;
        await search.round(pos, Math.min(this.evaluator.batchSize, target - root.n));
        if (root.n === before) break; // only collisions and proofs this round: nothing more to learn
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const best = search.bestIndex(root);
      batch.actions[r] = moveToAction(root.moves[best]);
      batch.logProbs[r] = 0;
      batch.values[r] = root.visits[best] > 0 ? root.q(best) : root.value;
    }
    return [];
  }

  gameOver(slot: number): void {
    this.trees.delete(slot);
  }

  destroy(): void {
    this.trees.clear();
    this.evaluator.destroy();
  }
}
