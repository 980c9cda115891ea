// Prints each saved game's material balance (pawn units, the agent's view) every 6 plies, and the
// result: where the material goes in games against the ladder. bun dev/strength/material-trace.ts DIR
import { readdirSync, readFileSync } from "node:fs";
import { importRecord } from "../../src/shogi/record.ts";
import { Position } from "../../src/shogi/position.ts";
import { parseUsiMove } from "../../src/shogi/sfen.ts";
import { materialBalance } from "../../src/shogi/material.ts";
import { BLACK, WHITE } from "../../src/shogi/types.ts";

const dir = process.argv[2];
for (const f of readdirSync(dir)
  .filter((f) => f.endsWith(".csa"))
  .sort()) {
  const rec = importRecord(readFileSync(`${dir}/${f}`, "utf8"), f);
  const agentBlack = (rec.black ?? "").includes("search") || (rec.black ?? "").includes("checkpoint");
  const me = agentBlack ? BLACK : WHITE;
  const pos = Position.fromSfen(rec.startSfen);
  const trace: string[] = [];
  rec.moves.forEach((m, k) => {
    pos.makeMove(parseUsiMove(pos, m));
    if (k % 6 === 5) trace.push(materialBalance(pos, me).toFixed(0));
  });
  console.log(
    `${agentBlack ? "B" : "W"} ${rec.result?.winner === me ? "WIN " : rec.result?.winner == null ? "DRAW" : "LOSS"} ${rec.moves.length} ${trace.join(" ")}`,
  );
}
