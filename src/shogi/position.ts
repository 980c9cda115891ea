// A shogi position with incremental make/unmake. Everything lives in typed arrays: the board, the
// hands, and a history stack (move, captured piece, Zobrist hash, "side to move is in check") with
// one entry per position since the position was loaded, so unmakeMove needs no allocation and the
// game-end rules (rules.ts) can read the whole game's repetition and check record.

import { attackedBy, generateLegal, MAX_LEGAL_MOVES } from "./movegen.ts";
import { parseSfen, START_SFEN, toSfen } from "./sfen.ts";
import { COL } from "./tables.ts";
import {
  BLACK,
  type Color,
  DROP_BASE,
  HAND_TYPE,
  KING,
  NUM_SQUARES,
  PAWN,
  PROMOTE_FLAG,
  PROMOTED,
  pieceCode,
} from "./types.ts";

// ---- Zobrist keys: two independent 32-bit halves, so a position key is 64 bits -------------------
const MAX_HAND_COUNT = 18;

/** splitmix32: fixed seed, so hashes are the same in every run and process. */
function makeKeys(count: number, seed: number): Int32Array {
  const keys = new Int32Array(count);
  let s = seed | 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}

/** Key of piece `code` on `sq`: index code·81 + sq. */
const BOARD_KEY_LO = makeKeys(32 * NUM_SQUARES, 0x1234567);
const BOARD_KEY_HI = makeKeys(32 * NUM_SQUARES, 0x7654321);
/** Key of holding `n` pieces of hand slot i: index i·19 + n; n = 0 keys to 0 so empty hands hash to 0. */
const HAND_KEY_LO = makeKeys(14 * (MAX_HAND_COUNT + 1), 0x2468ace);
const HAND_KEY_HI = makeKeys(14 * (MAX_HAND_COUNT + 1), 0x13579bd);
for (let i = 0; i < 14; i++) HAND_KEY_LO[i * 19] = HAND_KEY_HI[i * 19] = 0;
/** Toggled when White is to move. */
const SIDE_KEY_LO = 0x5bd1e995 | 0;
const SIDE_KEY_HI = 0x1b873593 | 0;

const INITIAL_HISTORY = 1024;

export class Position {
  /** board[sq] = piece code (types.ts), 0 when empty. */
  readonly board = new Int8Array(NUM_SQUARES);
  /** hands[color·7 + handType] = number held. */
  readonly hands = new Uint8Array(14);
  sideToMove: Color = BLACK;
  /** Square of each colour's king (positions always have exactly one per side). */
  readonly kingSq = new Int8Array(2);
  /** Bit c set when that colour has an unpromoted pawn on column c (for nifu). */
  readonly pawnFiles = new Uint16Array(2);
  /** The 64-bit Zobrist key of board + hands + side to move, as two int32 halves. */
  hashLo = 0;
  hashHi = 0;
  /** Ply of the loaded position (its SFEN move number − 1). */
  rootPly = 0;
  /** Moves made since the position was loaded: the depth of the history stack. */
  played = 0;

  // History, indexed by position number i = 0..played (0 = the loaded position). Entry i of the
  // move and capture stacks describes the move played from position i. The arrays are replaced
  // when they grow, so read them through the position each time rather than keeping a reference.
  historyMove = new Uint32Array(INITIAL_HISTORY);
  historyCaptured = new Int8Array(INITIAL_HISTORY);
  historyHashLo = new Int32Array(INITIAL_HISTORY);
  historyHashHi = new Int32Array(INITIAL_HISTORY);
  /** 1 when the side to move in position i is in check, i.e. the move that led to it gave check. */
  historyInCheck = new Uint8Array(INITIAL_HISTORY);

  /** Scratch list for isLegal. */
  private readonly scratch = new Uint32Array(MAX_LEGAL_MOVES);

  /** Parses and validates an SFEN (throws SfenError, see sfen.ts). */
  static fromSfen(sfen: string): Position {
    const setup = parseSfen(sfen);
    const pos = new Position();
    pos.setup(setup.board, setup.hands, setup.sideToMove, setup.ply);
    return pos;
  }

  static startpos(): Position {
    return Position.fromSfen(START_SFEN);
  }

  /**
   * Loads a position from raw arrays, clearing the history. The caller guarantees the position is
   * valid (one king per side, side not to move not in check); parseSfen checks exactly that.
   */
  setup(board: ArrayLike<number>, hands: ArrayLike<number>, sideToMove: Color, ply: number): void {
    this.board.set(board);
    this.hands.set(hands);
    this.sideToMove = sideToMove;
    this.rootPly = ply;
    this.played = 0;
    this.kingSq[0] = this.kingSq[1] = -1;
    this.pawnFiles[0] = this.pawnFiles[1] = 0;
    let lo = 0,
      hi = 0;
    for (let sq = 0; sq < NUM_SQUARES; sq++) {
      const code = this.board[sq];
      if (code === 0) continue;
      const type = (code & 15) - 1,
        color = code >> 4;
      if (type === KING) this.kingSq[color] = sq;
      if (type === PAWN) this.pawnFiles[color] |= 1 << COL[sq];
      lo ^= BOARD_KEY_LO[code * NUM_SQUARES + sq];
      hi ^= BOARD_KEY_HI[code * NUM_SQUARES + sq];
    }
    if (this.kingSq[0] < 0 || this.kingSq[1] < 0) throw new Error("Position.setup: each side needs a king");
    for (let i = 0; i < 14; i++) {
      lo ^= HAND_KEY_LO[i * 19 + this.hands[i]];
      hi ^= HAND_KEY_HI[i * 19 + this.hands[i]];
    }
    if (sideToMove !== BLACK) {
      lo ^= SIDE_KEY_LO;
      hi ^= SIDE_KEY_HI;
    }
    this.hashLo = lo;
    this.hashHi = hi;
    this.historyHashLo[0] = lo;
    this.historyHashHi[0] = hi;
    this.historyInCheck[0] = attackedBy(this.board, this.kingSq[sideToMove], sideToMove ^ 1) ? 1 : 0;
  }

  /** Makes this position an exact copy of `other`, history included (no allocation unless it must grow). */
  copyFrom(other: Position): void {
    this.board.set(other.board);
    this.hands.set(other.hands);
    this.sideToMove = other.sideToMove;
    this.kingSq.set(other.kingSq);
    this.pawnFiles.set(other.pawnFiles);
    this.hashLo = other.hashLo;
    this.hashHi = other.hashHi;
    this.rootPly = other.rootPly;
    this.played = other.played;
    while (this.historyMove.length <= other.played) this.growHistory();
    const n = other.played + 1;
    this.historyMove.set(other.historyMove.subarray(0, n));
    this.historyCaptured.set(other.historyCaptured.subarray(0, n));
    this.historyHashLo.set(other.historyHashLo.subarray(0, n));
    this.historyHashHi.set(other.historyHashHi.subarray(0, n));
    this.historyInCheck.set(other.historyInCheck.subarray(0, n));
  }

  clone(): Position {
    const pos = new Position();
    pos.copyFrom(this);
    return pos;
  }

  /** Moves played since the game's start; the SFEN move number is ply + 1. */
  get ply(): number {
    return this.rootPly + this.played;
  }

  /** The position key as one non-negative integer below 2^53 (for Maps and logs). */
  get hash(): number {
    return (this.hashHi >>> 11) * 4294967296 + (this.hashLo >>> 0);
  }

  inCheck(): boolean {
    return this.historyInCheck[this.played] === 1;
  }

  /** The move that led to this position, or 0 when none was made since loading. */
  lastMove(): number {
    return this.played === 0 ? 0 : this.historyMove[this.played - 1];
  }

  toSfen(): string {
    return toSfen(this);
  }

  /** Writes the legal moves into out[offset..] and returns their number (≤ MAX_LEGAL_MOVES). */
  generateLegal(out: Uint32Array, offset = 0): number {
    return generateLegal(this, out, offset);
  }

  isLegal(move: number): boolean {
    const n = generateLegal(this, this.scratch, 0);
    for (let i = 0; i < n; i++) if (this.scratch[i] === move) return true;
    return false;
  }

  /** Plays a move, which must be legal here (as from generateLegal); unchecked on this hot path. */
  makeMove(move: number): void {
    const board = this.board,
      hands = this.hands;
    const us = this.sideToMove,
      them = us ^ 1;
    const from = move & 127,
      to = (move >> 7) & 127;
    let lo = this.hashLo,
      hi = this.hashHi;
    let captured = 0;
    if (from >= DROP_BASE) {
      const t = from - DROP_BASE;
      const code = (t + 1) | (us << 4);
      const slot = us * 7 + t;
      const n = hands[slot];
      hands[slot] = n - 1;
      lo ^= HAND_KEY_LO[slot * 19 + n] ^ HAND_KEY_LO[slot * 19 + n - 1];
      hi ^= HAND_KEY_HI[slot * 19 + n] ^ HAND_KEY_HI[slot * 19 + n - 1];
      board[to] = code;
      lo ^= BOARD_KEY_LO[code * NUM_SQUARES + to];
      hi ^= BOARD_KEY_HI[code * NUM_SQUARES + to];
      if (t === PAWN) this.pawnFiles[us] |= 1 << COL[to];
    } else {
      const code = board[from];
      const type = (code & 15) - 1;
      captured = board[to];
      if (captured !== 0) {
        const capType = (captured & 15) - 1;
        const slot = us * 7 + HAND_TYPE[capType];
        const n = hands[slot];
        hands[slot] = n + 1;
        lo ^= HAND_KEY_LO[slot * 19 + n] ^ HAND_KEY_LO[slot * 19 + n + 1] ^ BOARD_KEY_LO[captured * NUM_SQUARES + to];
        hi ^= HAND_KEY_HI[slot * 19 + n] ^ HAND_KEY_HI[slot * 19 + n + 1] ^ BOARD_KEY_HI[captured * NUM_SQUARES + to];
        if (capType === PAWN) this.pawnFiles[them] &= ~(1 << COL[to]);
      }
      let newCode = code;
      if ((move & PROMOTE_FLAG) !== 0) {
        newCode = pieceCode(PROMOTED[type], us);
        if (type === PAWN) this.pawnFiles[us] &= ~(1 << COL[from]);
      }
      board[from] = 0;
      board[to] = newCode;
      lo ^= BOARD_KEY_LO[code * NUM_SQUARES + from] ^ BOARD_KEY_LO[newCode * NUM_SQUARES + to];
      hi ^= BOARD_KEY_HI[code * NUM_SQUARES + from] ^ BOARD_KEY_HI[newCode * NUM_SQUARES + to];
      if (type === KING) this.kingSq[us] = to;
    }
    lo ^= SIDE_KEY_LO;
    hi ^= SIDE_KEY_HI;
    this.sideToMove = them as Color;
    this.hashLo = lo;
    this.hashHi = hi;

    const i = this.played;
    if (i + 1 >= this.historyMove.length) this.growHistory();
    this.historyMove[i] = move;
    this.historyCaptured[i] = captured;
    this.played = i + 1;
    this.historyHashLo[i + 1] = lo;
    this.historyHashHi[i + 1] = hi;
    this.historyInCheck[i + 1] = attackedBy(board, this.kingSq[them], us) ? 1 : 0;
  }

  /** Takes back the last move made with makeMove. */
  unmakeMove(): void {
    if (this.played === 0) throw new Error("unmakeMove: no move to take back");
    const i = --this.played;
    const move = this.historyMove[i];
    const captured = this.historyCaptured[i];
    const board = this.board,
      hands = this.hands;
    const us = (this.sideToMove ^ 1) as Color,
      them = this.sideToMove;
    this.sideToMove = us;
    const from = move & 127,
      to = (move >> 7) & 127;
    if (from >= DROP_BASE) {
      const t = from - DROP_BASE;
      hands[us * 7 + t]++;
      board[to] = 0;
      if (t === PAWN) this.pawnFiles[us] &= ~(1 << COL[to]);
    } else {
      let code = board[to];
      if ((move & PROMOTE_FLAG) !== 0) {
        code = pieceCode(HAND_TYPE[(code & 15) - 1], us); // promoted pieces demote to their base type
        if ((code & 15) - 1 === PAWN) this.pawnFiles[us] |= 1 << COL[from];
      }
      board[from] = code;
      board[to] = captured;
      if (captured !== 0) {
        const capType = (captured & 15) - 1;
        hands[us * 7 + HAND_TYPE[capType]]--;
        if (capType === PAWN) this.pawnFiles[them] |= 1 << COL[to];
      }
      if ((code & 15) - 1 === KING) this.kingSq[us] = from;
    }
    this.hashLo = this.historyHashLo[i];
    this.hashHi = this.historyHashHi[i];
  }

  private growHistory(): void {
    const size = this.historyMove.length * 2;
    const move = new Uint32Array(size),
      captured = new Int8Array(size);
    const hashLo = new Int32Array(size),
      hashHi = new Int32Array(size),
      inCheck = new Uint8Array(size);
    move.set(this.historyMove);
    captured.set(this.historyCaptured);
    hashLo.set(this.historyHashLo);
    hashHi.set(this.historyHashHi);
    inCheck.set(this.historyInCheck);
    this.historyMove = move;
    this.historyCaptured = captured;
    this.historyHashLo = hashLo;
    this.historyHashHi = hashHi;
    this.historyInCheck = inCheck;
  }
}
