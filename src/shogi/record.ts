// Game records as KIF and CSA. The text formats are tsshogi's (MIT, well kept); the game itself —
// start position, moves, result — is ours: every imported move is replayed through our engine, so
// a record with an illegal move is refused with the ply that is wrong.

import {
  detectRecordFormat,
  exportCSA,
  exportKIF,
  importCSA,
  importKIF,
  Move as TsMove,
  Position as TsPosition,
  Record as TsRecord,
  RecordFormatType,
  RecordMetadataKey,
  SpecialMoveType,
} from "tsshogi";
import { Position } from "./position.ts";
import { parseUsiMove } from "./sfen.ts";
import { BLACK, WHITE, type Color } from "./types.ts";
import { InputError } from "../util/input-error.ts";

export type GameEndReason =
  | "checkmate"
  | "no_legal_moves"
  | "repetition"
  | "perpetual_check"
  | "max_moves"
  | "impasse"
  | "resignation";

export interface GameResult {
  winner: Color | null; // null: a draw
  reason: GameEndReason;
}

export interface GameRecord {
  startSfen: string;
  moves: string[]; // USI
  result: GameResult | null; // null: unfinished
  black?: string;
  white?: string;
  date?: Date;
  event?: string;
}

export class RecordError extends InputError {
  override name = "RecordError";
}

function sideToMoveAfter(rec: GameRecord): Color {
  const startSide = rec.startSfen.split(/\s+/)[1] === "w" ? WHITE : BLACK;
  return ((startSide + rec.moves.length) % 2) as Color;
}

// The special move that closes the record is written from the side to move's point of view.
function endingMove(rec: GameRecord): SpecialMoveType | null {
  const r = rec.result;
  if (!r) return null;
  const moverWins = r.winner === sideToMoveAfter(rec);
  switch (r.reason) {
    case "checkmate":
      return SpecialMoveType.MATE;
    case "resignation":
      return SpecialMoveType.RESIGN;
    case "repetition":
      return SpecialMoveType.REPETITION_DRAW;
    case "max_moves":
      return SpecialMoveType.MAX_MOVES;
    case "impasse":
      return SpecialMoveType.ENTERING_OF_KING; // declared by the side to move, who wins
    case "no_legal_moves":
      return SpecialMoveType.FOUL_LOSE;
    case "perpetual_check":
      return moverWins ? SpecialMoveType.FOUL_WIN : SpecialMoveType.FOUL_LOSE;
  }
}

function toTsRecord(rec: GameRecord): TsRecord {
  const start = TsPosition.newBySFEN(rec.startSfen);
  if (!start) throw new RecordError(`record start position is not a valid SFEN: ${rec.startSfen}`);
  const record = new TsRecord(start);
  if (rec.black) record.metadata.setStandardMetadata(RecordMetadataKey.BLACK_NAME, rec.black);
  if (rec.white) record.metadata.setStandardMetadata(RecordMetadataKey.WHITE_NAME, rec.white);
  if (rec.event) record.metadata.setStandardMetadata(RecordMetadataKey.TITLE, rec.event);
  if (rec.date) record.metadata.setStandardMetadata(RecordMetadataKey.START_DATETIME, formatDate(rec.date));
  rec.moves.forEach((usi, i) => {
    const move = record.position.createMoveByUSI(usi);
    if (!move || !record.append(move, { ignoreValidation: false }))
      throw new RecordError(`record move ${i + 1} (${usi}) is not legal`);
  });
  const end = endingMove(rec);
  if (end) record.append(end);
  return record;
}

function formatDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function exportKif(rec: GameRecord): string {
  return exportKIF(toTsRecord(rec));
}

export function exportCsa(rec: GameRecord): string {
  return exportCSA(toTsRecord(rec));
}

function resultOf(type: SpecialMoveType, sideToMove: Color): GameResult | null {
  const other = (1 - sideToMove) as Color;
  switch (type) {
    case SpecialMoveType.MATE:
      return { winner: other, reason: "checkmate" };
    case SpecialMoveType.RESIGN:
      return { winner: other, reason: "resignation" };
    case SpecialMoveType.REPETITION_DRAW:
      return { winner: null, reason: "repetition" };
    case SpecialMoveType.MAX_MOVES:
    case SpecialMoveType.IMPASS:
      return { winner: null, reason: "max_moves" };
    case SpecialMoveType.ENTERING_OF_KING:
      return { winner: sideToMove, reason: "impasse" };
    case SpecialMoveType.FOUL_WIN:
      return { winner: sideToMove, reason: "perpetual_check" };
    case SpecialMoveType.FOUL_LOSE:
      return { winner: other, reason: "no_legal_moves" };
    default:
      return null;
  }
}

/** Reads a KIF or CSA record (format detected from the text); `source` names it in errors. */
export function importRecord(text: string, source = "record"): GameRecord {
  const format = detectRecordFormat(text);
  const parsed =
    format === RecordFormatType.CSA
      ? importCSA(text)
      : format === RecordFormatType.KIF
        ? importKIF(text)
        : new Error(`not a KIF or CSA record (detected ${format})`);
  if (parsed instanceof Error) throw new RecordError(`${source}: ${parsed.message}`);
  const startSfen = parsed.initialPosition.sfen;
  const moves: string[] = [];
  let ending: SpecialMoveType | null = null;
  for (const node of parsed.moves) {
    if (node.move instanceof TsMove) moves.push(node.move.usi);
    else if ("type" in node.move && node.move.type !== SpecialMoveType.START && node.move.type !== "any")
      ending = node.move.type;
  }
  // Replay through our engine: the record's moves must be legal under our rules.
  let pos: Position;
  try {
    pos = Position.fromSfen(startSfen);
  } catch (e) {
    throw new RecordError(`${source}: start position: ${(e as Error).message}`);
  }
  moves.forEach((usi, i) => {
    try {
      pos.makeMove(parseUsiMove(pos, usi));
    } catch (e) {
      throw new RecordError(`${source}: move ${i + 1} (${usi}): ${(e as Error).message}`);
    }
  });
  const rec: GameRecord = { startSfen, moves, result: ending ? resultOf(ending, pos.sideToMove as Color) : null };
  const meta = parsed.metadata;
  const black = meta.getStandardMetadata(RecordMetadataKey.BLACK_NAME);
  const white = meta.getStandardMetadata(RecordMetadataKey.WHITE_NAME);
  if (black) rec.black = black;
  if (white) rec.white = white;
  return rec;
}
