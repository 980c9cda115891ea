// Replays a saved game (KIF or CSA) to a ply and prints the PUCT root a checkpoint searches there:
// visits, mean value and prior of its most visited moves, and each child's value and proof. For
// seeing why the search played a move (a prior too peaked for the values to overrule, a missed mate).
//   bun dev/strength/search-probe.ts CHECKPOINT GAME PLY [PLAYOUTS=200] [TEMPERATURE=1]
import { readFileSync } from "node:fs";
import { createBackend } from "../../src/compute/device.ts";
import { loadCheckpoint } from "../../src/models/checkpoint.ts";
import { NetworkEvaluator } from "../../src/search/network-evaluator.ts";
import { DEFAULT_SEARCH, Search } from "../../src/search/puct.ts";
import { importRecord } from "../../src/shogi/record.ts";
import { Position } from "../../src/shogi/position.ts";
import { moveToUsi, parseUsiMove } from "../../src/shogi/sfen.ts";

const [ckpt, game, plyText, playoutsText = "200", temperatureText = "1"] = process.argv.slice(2);
const rec = importRecord(readFileSync(game, "utf8"), game);
const ply = Number(plyText);
const backend = await createBackend("cpu");
const { net } = loadCheckpoint(backend, ckpt);
await net.prepare();
const search = new Search(new NetworkEvaluator(net, 16, Number(temperatureText)), DEFAULT_SEARCH);
const pos = Position.fromSfen(rec.startSfen);
for (const m of rec.moves.slice(0, ply)) pos.makeMove(parseUsiMove(pos, m));
search.setRoot(rec.startSfen, rec.moves.slice(0, ply), false);
const root = await search.prepareRoot(pos);
while (root.n < Number(playoutsText) && root.proof === 0) if ((await search.round(pos)) === 0) break;
console.log(`ply ${ply}: the game played ${rec.moves[ply]}; root value ${root.value.toFixed(3)}, ${root.n} visits`);
const order = [...root.moves.keys()].sort((a, b) => root.visits[b] - root.visits[a]).slice(0, 8);
for (const i of order) {
  const c = root.children[i];
  const q = root.visits[i] > 0 ? root.q(i).toFixed(3) : "  -  ";
  console.log(
    `${moveToUsi(root.moves[i]).padEnd(6)} N ${String(root.visits[i]).padStart(4)}  Q ${q}  P ${root.priors[i].toFixed(3)}  child value ${c ? c.value.toFixed(3) : "-"} proof ${c?.proof ?? "-"}`,
  );
}
process.exit(0);
