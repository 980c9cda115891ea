// Does a checkpoint's value head count material? Plays positions by the network's own policy (so
// they are the kind it trained on), then evaluates each as it is and with one piece taken off the
// board — the mover's or the opponent's rook, bishop or a pawn — and prints the mean change of the
// value (the side to move's win rate, 0..1). A head that counts material moves down when the
// mover loses a rook and up when the opponent does; one that does not barely moves. Printed twice:
// the head as it is, and as the search reads it (plus material_shaping × material, where the
// checkpoint was trained with shaping: search/network-evaluator.ts).
//   bun dev/strength/value-probe.ts CHECKPOINT [POSITIONS=200] [PLIES=40] [SEED=1]
import { createBackend } from "../../src/compute/device.ts";
import { loadCheckpoint, valueShapingOf } from "../../src/models/checkpoint.ts";
import { NetworkEvaluator } from "../../src/search/network-evaluator.ts";
import { encodeCore46, OBS_SIZE } from "../../src/shogi/features.ts";
import { moveToAction } from "../../src/shogi/actions.ts";
import { MAX_LEGAL_MOVES } from "../../src/shogi/movegen.ts";
import { Position } from "../../src/shogi/position.ts";
import { BISHOP, codeColor, codeType, PAWN, ROOK } from "../../src/shogi/types.ts";
import { Random } from "../../src/util/random.ts";

const [ckpt, countText = "200", pliesText = "40", seedText = "1"] = process.argv.slice(2);
const backend = await createBackend("cpu");
const { net, metadata } = loadCheckpoint(backend, ckpt);
await net.prepare();
const shaping = valueShapingOf(ckpt, metadata);
const raw = new NetworkEvaluator(net, 1);
const read = new NetworkEvaluator(net, 1, 1, shaping);
const rng = new Random(Number(seedText));
const moves = new Uint32Array(MAX_LEGAL_MOVES);
const obs = new Float32Array(OBS_SIZE);
const offsets = new Int32Array(2);
const actions = new Int32Array(MAX_LEGAL_MOVES);
const priors = new Float32Array(MAX_LEGAL_MOVES);
const value = new Float32Array(1);

/** The network's priors and value at `pos` (its legal moves in `moves[0..count)`). */
async function evaluate(pos: Position, count: number, board?: Int8Array, evaluator = raw): Promise<number> {
  const saved = pos.board.slice();
  if (board) pos.board.set(board);
  encodeCore46(pos, 500, obs, 0);
  pos.board.set(saved);
  offsets[1] = count;
  for (let k = 0; k < count; k++) actions[k] = moveToAction(moves[k]);
  await evaluator.evaluate(1, obs, offsets, actions, priors, value);
  return value[0];
}

const kinds = [
  ["own rook", ROOK, true],
  ["opponent's rook", ROOK, false],
  ["own bishop", BISHOP, true],
  ["opponent's bishop", BISHOP, false],
  ["own pawn", PAWN, true],
  ["opponent's pawn", PAWN, false],
] as const;
const sums = kinds.map(() => ({ delta: 0, read: 0, n: 0 }));
let positions = 0;
const bases: number[] = [];
while (positions < Number(countText)) {
  const pos = Position.startpos();
  let count = pos.generateLegal(moves, 0);
  let over = false;
  for (let ply = 0; ply < Number(pliesText); ply++) {
    await evaluate(pos, count);
    // Sample the policy's move.
    let u = rng.next();
    let pick = count - 1;
    for (let k = 0; k < count; k++) {
      u -= priors[k];
      if (u < 0) {
        pick = k;
        break;
      }
    }
    pos.makeMove(moves[pick]);
    count = pos.generateLegal(moves, 0);
    if (count === 0) {
      over = true;
      break;
    }
  }
  if (over) continue;
  positions++;
  const base = await evaluate(pos, count);
  bases.push(base);
  for (const [i, [, type, own]] of kinds.entries()) {
    const squares = [...pos.board.keys()].filter((sq) => {
      const c = pos.board[sq];
      return c !== 0 && codeType(c) === type && (codeColor(c) === pos.sideToMove) === own;
    });
    if (squares.length === 0) continue;
    const board = pos.board.slice();
    board[squares[rng.int(squares.length)]] = 0;
    sums[i].delta += (await evaluate(pos, count, board)) - base;
    sums[i].read += (await evaluate(pos, count, board, read)) - (await evaluate(pos, count, undefined, read));
    sums[i].n++;
  }
}
const mean = bases.reduce((a, b) => a + b, 0) / bases.length;
const sd = Math.sqrt(bases.reduce((a, b) => a + (b - mean) ** 2, 0) / bases.length);
console.log(
  `${ckpt}: ${positions} positions ${pliesText} plies in (the network's own moves); the mover's win rate there ${mean.toFixed(3)} ± ${sd.toFixed(3)} (sd); material_shaping ${shaping}`,
);
for (const [i, [name]] of kinds.entries())
  console.log(
    `  ${name.padEnd(18)} taken off: mean change ${(sums[i].delta / sums[i].n).toFixed(3)} (the head), ${(sums[i].read / sums[i].n).toFixed(3)} (as the search reads it) over ${sums[i].n}`,
  );
process.exit(0);
