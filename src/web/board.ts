// Boards for the page, drawn by the terminal's own renderer (training/display/board.ts) so the
// browser shows the same kanji board as `keisei train`: its Unicode lines are read back cell by
// cell into 81 strings ("" empty, "香" Black's lance, "v香" White's) and the two hands. And game
// records (KIF/CSA, through shogi/record.ts) replayed into one such board per ply, with each move
// written as KIF writes it (☗７六歩).

import { readFileSync } from "node:fs";
import { formatMove, Position as TsPosition } from "tsshogi";
import { importRecord } from "../shogi/record.ts";
import { Position } from "../shogi/position.ts";
import { parseUsiMove } from "../shogi/sfen.ts";
import { renderBoard } from "../training/display/board.ts";

export interface BoardView {
  sfen: string;
  /** 81 cells, rank 一 first, file 9 to 1 in each rank: "" empty, "歩" Black's, "v歩" White's. */
  cells: string[];
  hands: { black: string; white: string };
  sideToMove: "black" | "white";
  /** The move that led here (USI), when known. */
  lastMove: string | null;
}

const HAND_PREFIX = /^(White|Black) hand: /;

/** The board of `sfen` as the terminal draws it (Unicode, no colour), cell by cell. Throws on an invalid SFEN. */
export function boardView(sfen: string, lastMove: string | null = null): BoardView {
  const { lines, sideToMove } = renderBoard(sfen, { unicode: true, color: false });
  // lines: White's hand, file labels, border, 9 ranks "|" + 9 × 2 characters + "|" + rank, border, Black's hand.
  const cells: string[] = [];
  for (let r = 0; r < 9; r++) {
    const row = lines[3 + r];
    for (let f = 0; f < 9; f++) {
      const mark = row[1 + 2 * f];
      const piece = row[2 + 2 * f];
      cells.push(piece === "・" ? "" : mark === "v" ? `v${piece}` : piece);
    }
  }
  const hand = (line: string) => {
    const text = line.replace(HAND_PREFIX, "");
    return text === "none" ? "" : text;
  };
  return {
    sfen,
    cells,
    hands: { white: hand(lines[0]), black: hand(lines[13]) },
    sideToMove: sideToMove === 0 ? "black" : "white",
    lastMove,
  };
}

export interface Replay {
  black: string | null;
  white: string | null;
  /** "Black wins by checkmate", "draw by repetition", "unfinished". */
  result: string;
  /** moves[i] leads from positions[i] to positions[i + 1]. */
  moves: { usi: string; text: string }[];
  positions: BoardView[];
}

const REASONS: Record<string, string> = {
  checkmate: "checkmate",
  no_legal_moves: "no legal move",
  repetition: "repetition",
  perpetual_check: "perpetual check",
  max_moves: "move limit",
  impasse: "entering-king declaration",
  resignation: "resignation",
};

/** A KIF or CSA file replayed move by move. Throws RecordError naming the file and the bad move. */
export function replayRecord(path: string, name: string): Replay {
  const rec = importRecord(readFileSync(path, "utf8"), name);
  const pos = Position.fromSfen(rec.startSfen);
  const ts = TsPosition.newBySFEN(rec.startSfen);
  const positions = [boardView(pos.toSfen())];
  const moves: Replay["moves"] = [];
  let previous: ReturnType<NonNullable<typeof ts>["createMoveByUSI"]> = null;
  for (const usi of rec.moves) {
    const tsMove = ts?.createMoveByUSI(usi) ?? null;
    const text = ts && tsMove ? formatMove(ts, tsMove, { lastMove: previous ?? undefined }) : usi;
    if (ts && tsMove) ts.doMove(tsMove);
    previous = tsMove;
    pos.makeMove(parseUsiMove(pos, usi));
    moves.push({ usi, text });
    positions.push(boardView(pos.toSfen(), usi));
  }
  const r = rec.result;
  const result = !r
    ? "unfinished"
    : r.winner === null
      ? `draw by ${REASONS[r.reason] ?? r.reason}`
      : `${r.winner === 0 ? "Black" : "White"} wins by ${REASONS[r.reason] ?? r.reason}`;
  return { black: rec.black ?? null, white: rec.white ?? null, result, moves, positions };
}
