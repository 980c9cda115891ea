// How far can PUCT search at a few hundred playouts go against `material2` without a learned
// network? A control for issue #17's target: the same search `--agent-search` plays
// (search/puct.ts, the same settings, the leaf mate search included), its leaves judged by a
// material oracle instead of a network — uniform priors over the legal moves, and as the value the
// side to move's quiescence score (material-players.ts: the balance after the best capture
// sequence, every evasion in check), as a win rate sigmoid(score / SCALE). Or, with a checkpoint,
// that checkpoint's priors with the oracle's value; or (`--exchange-priors T`) priors
// softmax(material1's move score / T): what a policy that has learned one-move exchanges would give. Prints the match against `material2` (or
// `--opponent materialN`), openings of 8 random plies, each played with both colours.
// `--agent materialN` plays that alpha-beta searcher instead, for reference.
//   bun dev/strength/search-control.ts [--playouts 200] [--games 40] [--scale 1] [--priors CHECKPOINT | --exchange-priors T]
//                                      [--opponent material2] [--agent materialN] [--seed 2]
import { parseArgs } from "node:util";
import { createBackend } from "../../src/compute/device.ts";
import {
  MATE,
  MaterialOnePlyPolicy,
  MaterialSearchPolicy,
  materialSearchPlayer,
} from "../../src/evaluation/material-players.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { playMatch } from "../../src/evaluation/match.ts";
import { randomOpenings } from "../../src/evaluation/openings.ts";
import { DEFAULT_AGENT_SEARCH, SearchPolicy } from "../../src/evaluation/search-player.ts";
import { loadCheckpoint } from "../../src/models/checkpoint.ts";
import { NetworkEvaluator } from "../../src/search/network-evaluator.ts";
import type { Evaluator } from "../../src/search/puct.ts";
import { NUM_HAND_TYPES, NUM_SQUARES, BLACK, WHITE, pieceCode } from "../../src/shogi/types.ts";
import { Position } from "../../src/shogi/position.ts";
import { toSfen } from "../../src/shogi/sfen.ts";
import { OBS_SIZE, SIDE_TO_MOVE_PLANE } from "../../src/shogi/features.ts";

const { values: args } = parseArgs({
  options: {
    playouts: { type: "string", default: "200" },
    games: { type: "string", default: "40" },
    scale: { type: "string", default: "1" },
    priors: { type: "string" },
    "exchange-priors": { type: "string" },
    opponent: { type: "string", default: "material2" },
    agent: { type: "string" },
    seed: { type: "string", default: "2" },
  },
});
const SCALE = Number(args.scale); // pawn units per logit of the win rate

/** The position a core46 observation encodes (planes 0–41 and 42: side to move; the move number is not kept). */
function decodeCore46(obs: Float32Array, offset: number): Position {
  const me = obs[offset + SIDE_TO_MOVE_PLANE * NUM_SQUARES] === 1 ? BLACK : WHITE;
  const board = new Int8Array(NUM_SQUARES);
  for (let plane = 0; plane < 28; plane++)
    for (let s = 0; s < NUM_SQUARES; s++)
      if (obs[offset + plane * NUM_SQUARES + s] === 1) {
        const sq = me === BLACK ? s : 80 - s; // White's view is the board turned 180°
        board[sq] = pieceCode(plane % 14, plane < 14 ? me : 1 - me);
      }
  const hands = new Uint8Array(2 * NUM_HAND_TYPES);
  for (let side = 0; side < 2; side++) {
    const colour = side === 0 ? me : 1 - me;
    for (let h = 0; h < NUM_HAND_TYPES; h++)
      hands[colour * NUM_HAND_TYPES + h] = Math.round(obs[offset + (28 + 7 * side + h) * NUM_SQUARES] * 18);
  }
  return Position.fromSfen(toSfen({ board, hands, sideToMove: me, ply: 1 }));
}

/** Leaves judged by quiescence material; priors uniform, a network's, or softmax(one-move exchange / T). */
class MaterialEvaluator implements Evaluator {
  private readonly q = new MaterialSearchPolicy(1);
  private readonly exchange = new MaterialOnePlyPolicy();
  private readonly byAction = new Map<number, number>();
  readonly batchSize: number;
  constructor(
    private readonly priorsFrom?: NetworkEvaluator,
    /** Pawn units per logit of the exchange priors (0: not used). */
    private readonly exchangeT = 0,
  ) {
    this.batchSize = priorsFrom?.batchSize ?? DEFAULT_AGENT_SEARCH.batch;
  }

  async evaluate(
    n: number,
    obs: Float32Array,
    legalOffsets: Int32Array,
    legalActions: Int32Array,
    priors: Float32Array,
    values: Float32Array,
  ): Promise<void> {
    if (this.priorsFrom) await this.priorsFrom.evaluate(n, obs, legalOffsets, legalActions, priors, values);
    for (let r = 0; r < n; r++) {
      const first = legalOffsets[r];
      const last = legalOffsets[r + 1];
      const pos = decodeCore46(obs, r * OBS_SIZE);
      if (this.exchangeT > 0) {
        // material1's move scores: the balance after the move net of the best recapture on its square.
        this.byAction.clear();
        for (const { move, score } of this.exchange.scores(pos))
          this.byAction.set(moveToAction(move), Math.min(score, 100));
        let max = -Infinity;
        for (let k = first; k < last; k++) max = Math.max(max, this.byAction.get(legalActions[k]) as number);
        let sum = 0;
        for (let k = first; k < last; k++) {
          priors[k] = Math.exp(((this.byAction.get(legalActions[k]) as number) - max) / this.exchangeT);
          sum += priors[k];
        }
        for (let k = first; k < last; k++) priors[k] /= sum;
      } else if (!this.priorsFrom) priors.fill(1 / (last - first), first, last);
      let score = this.q.quiescence(pos);
      if (Math.abs(score) > MATE / 2) score = Math.sign(score) * 1000;
      values[r] = 1 / (1 + Math.exp(-score / SCALE));
    }
  }

  destroy(): void {
    this.priorsFrom?.destroy();
  }
}

let network: NetworkEvaluator | undefined;
if (args.priors) {
  const { net } = loadCheckpoint(await createBackend("cpu"), args.priors);
  await net.prepare();
  network = new NetworkEvaluator(net, DEFAULT_AGENT_SEARCH.batch);
}
const options = { ...DEFAULT_AGENT_SEARCH, playouts: Number(args.playouts) };
const exchangeT = Number(args["exchange-priors"] ?? 0);
const searcher = new SearchPolicy(new MaterialEvaluator(network, exchangeT), options);
// `--agent materialN`: the reference — a full-width alpha-beta searcher in the search's place.
const agent = args.agent ? materialSearchPlayer(Number(args.agent.replace(/^material/, ""))).policy : searcher;
const depth = Number(args.opponent.replace(/^material/, ""));
const opponent = materialSearchPlayer(depth).policy;
const games = Number(args.games);
const started = performance.now();
const played = await playMatch(agent, opponent, {
  games,
  startSfens: randomOpenings(8, games / 2, Number(args.seed)),
  concurrency: 1,
});
const count = (o: string) => played.filter((g) => g.outcome === o).length;
const [w, d, l] = [count("win"), count("draw"), count("loss")];
console.log(
  `${args.agent ?? `${exchangeT > 0 ? `exchange priors (T ${exchangeT})` : args.priors ? "network priors" : "uniform priors"}, quiescence value (scale ${SCALE}), ${options.playouts} playouts`} vs ${args.opponent}: ` +
    `${games} games ${w} W ${d} D ${l} L, score ${(((w + d / 2) / games) * 100).toFixed(1)} %, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s`,
);
searcher.destroy();
