// The frames between actors and the inference server (inference-server.ts, served-policy.ts): an
// actor sends one self-play step's positions, the server answers with the actions its network
// sampled for them. Positions travel compact and exact: a core46 observation is 28 one-hot piece
// planes and 18 planes of one value each (hands, side to move, ply, the two reserved planes), so a
// row is its uniform, those 18 values, the indices of its ones and its legal actions — about 300
// bytes instead of 14.9 KB of float32 — and the server rebuilds the very floats the actor encoded.
//
// Every frame starts with its magic and its length in bytes (little-endian u32s; the response's
// arrays are the host's, little-endian on every platform keisei builds for):
//   request   MAGIC_REQUEST  length  id  version  n  { uniform f32 · planes f32[18] · ones u16 + u16[ones]
//                                                     · legal u16 + u16[legal] } × n, zero-padded to 4 bytes
//   response  MAGIC_RESPONSE length  id  version  status  n  then, status OK: actions i32[n] · logProbs f32[n]
//                                                     · values f32[n]; otherwise a UTF-8 reason
// `version` is the weight version the actor's segment is played with; the server answers with it
// (status VERSION_GONE when the store no longer holds it) and never mixes versions in one reply.

import { OBS_SIZE } from "../../shogi/features.ts";
import { NUM_SQUARES } from "../../shogi/types.ts";

const MAGIC_REQUEST = 0x3149534b; // "KSI1"
const MAGIC_RESPONSE = 0x3152534b; // "KSR1"
export const STATUS_OK = 0;
/** The store no longer holds the weight version asked for (the actor's segment would be stale). */
export const STATUS_VERSION_GONE = 1;
/** The request was malformed, or the server cannot serve it; the reason follows. */
export const STATUS_REFUSED = 2;

/** Planes 0..27 hold the pieces (0 or 1 per square); 28..45 are whole planes of one value. */
const PIECE_PLANES = 28;
const WHOLE_PLANES = 18;
const PIECE_FLOATS = PIECE_PLANES * NUM_SQUARES;
/** The most pieces on the board (40) — a row with more ones is not a position. */
const MAX_ONES = 40;

export class WireError extends Error {
  override name = "WireError";
}

/** A request as the server reads it: rows stay in the frame's bytes until the batch is filled. */
export interface Request {
  id: number;
  version: number;
  n: number;
  /** The frame, and where its first row starts. */
  bytes: Uint8Array;
  rowsAt: number;
}

export interface Response {
  id: number;
  version: number;
  status: number;
  actions: Int32Array;
  logProbs: Float32Array;
  values: Float32Array;
  reason: string;
}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * A request frame for rows 0..n−1 of a batch: `obs` [n, 46·81] core46, legal actions as CSR,
 * `uniforms` [n]. Throws when a row's observation is not core46-shaped (it could not be rebuilt).
 */
export function encodeRequest(
  id: number,
  version: number,
  n: number,
  obs: Float32Array,
  legalOffsets: Int32Array,
  legalActions: Int32Array,
  uniforms: Float32Array,
): Uint8Array {
  let size = 20;
  for (let r = 0; r < n; r++)
    size += 4 + 4 * WHOLE_PLANES + 4 + 2 * (legalOffsets[r + 1] - legalOffsets[r]) + 2 * MAX_ONES;
  const buf = new ArrayBuffer(align4(size));
  const v = new DataView(buf);
  v.setUint32(8, id, true);
  v.setUint32(12, version, true);
  v.setUint32(16, n, true);
  let at = 20;
  for (let r = 0; r < n; r++) {
    const o = r * OBS_SIZE;
    v.setFloat32(at, uniforms[r], true);
    at += 4;
    for (let p = 0; p < WHOLE_PLANES; p++) {
      const start = o + PIECE_FLOATS + p * NUM_SQUARES;
      const x = obs[start];
      for (let k = 1; k < NUM_SQUARES; k++)
        if (obs[start + k] !== x) throw new WireError(`row ${r}: plane ${PIECE_PLANES + p} is not one value`);
      v.setFloat32(at, x, true);
      at += 4;
    }
    const countAt = at;
    at += 2;
    let ones = 0;
    for (let k = 0; k < PIECE_FLOATS; k++) {
      const x = obs[o + k];
      if (x === 0) continue;
      if (x !== 1 || ones === MAX_ONES) throw new WireError(`row ${r}: piece planes are not a position's`);
      v.setUint16(at, k, true);
      at += 2;
      ones++;
    }
    v.setUint16(countAt, ones, true);
    const first = legalOffsets[r];
    const legal = legalOffsets[r + 1] - first;
    v.setUint16(at, legal, true);
    at += 2;
    for (let k = 0; k < legal; k++) {
      const a = legalActions[first + k];
      if (!(a >= 0 && a <= 0xffff)) throw new WireError(`row ${r}: action ${a} does not fit the frame's u16`);
      v.setUint16(at, a, true);
      at += 2;
    }
  }
  const length = align4(at);
  v.setUint32(0, MAGIC_REQUEST, true);
  v.setUint32(4, length, true);
  return new Uint8Array(buf, 0, length);
}

/** Reads a request frame's header (the rows are read by `readRows` into the batch). */
export function decodeRequest(bytes: Uint8Array): Request {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 20 || v.getUint32(0, true) !== MAGIC_REQUEST)
    throw new WireError(
      `not a request frame (${bytes.length} bytes starting 0x${v.getUint32(0, true).toString(16)}; a request starts 0x${MAGIC_REQUEST.toString(16)})`,
    );
  if (v.getUint32(4, true) !== bytes.length)
    throw new WireError(`a request frame of ${bytes.length} bytes says it has ${v.getUint32(4, true)}`);
  return { id: v.getUint32(8, true), version: v.getUint32(12, true), n: v.getUint32(16, true), bytes, rowsAt: 20 };
}

/**
 * Writes a request's rows as batch rows `row0..`: observations into `obs` (zeroed here), legal
 * actions into `mask` (one bit per action, `maskWords` words a row), uniforms into `uniforms`.
 * Every index is checked against the sizes, so a damaged frame is refused, never half read.
 */
export function readRows(
  q: Request,
  row0: number,
  obs: Float32Array,
  mask: Uint32Array,
  maskWords: number,
  numActions: number,
  uniforms: Float32Array,
): void {
  const v = new DataView(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength);
  const end = q.bytes.length;
  let at = q.rowsAt;
  const need = (bytes: number) => {
    if (at + bytes > end) throw new WireError(`request ${q.id}: frame ends inside row data`);
  };
  for (let r = 0; r < q.n; r++) {
    const o = (row0 + r) * OBS_SIZE;
    const m = (row0 + r) * maskWords;
    obs.fill(0, o, o + OBS_SIZE);
    mask.fill(0, m, m + maskWords);
    need(4 + 4 * WHOLE_PLANES + 2);
    uniforms[row0 + r] = v.getFloat32(at, true);
    at += 4;
    for (let p = 0; p < WHOLE_PLANES; p++) {
      const start = o + PIECE_FLOATS + p * NUM_SQUARES;
      obs.fill(v.getFloat32(at, true), start, start + NUM_SQUARES);
      at += 4;
    }
    const ones = v.getUint16(at, true);
    at += 2;
    if (ones > MAX_ONES) throw new WireError(`request ${q.id} row ${r}: ${ones} pieces`);
    need(2 * ones + 2);
    for (let k = 0; k < ones; k++) {
      const i = v.getUint16(at, true);
      at += 2;
      if (i >= PIECE_FLOATS) throw new WireError(`request ${q.id} row ${r}: piece index ${i} out of range`);
      obs[o + i] = 1;
    }
    const legal = v.getUint16(at, true);
    at += 2;
    if (legal === 0) throw new WireError(`request ${q.id} row ${r}: no legal action`);
    need(2 * legal);
    for (let k = 0; k < legal; k++) {
      const a = v.getUint16(at, true);
      at += 2;
      if (a >= numActions) throw new WireError(`request ${q.id} row ${r}: action ${a} out of range`);
      mask[m + (a >>> 5)] |= 1 << (a & 31);
    }
  }
}

const utf8 = new TextEncoder();

/**
 * A response frame: rows from .. from + n − 1 of a forward pass's actions, log-probabilities and
 * values (status OK; copied once, into the frame), or a reason.
 */
export function encodeResponse(
  id: number,
  version: number,
  status: number,
  rows?: { actions: Uint32Array; logProbs: Float32Array; values: Float32Array; from: number; n: number },
  reason = "",
): Uint8Array {
  const ok = status === STATUS_OK && rows !== undefined;
  const text = ok ? new Uint8Array(0) : utf8.encode(reason);
  const n = ok ? rows.n : 0;
  const length = align4(24 + (ok ? 12 * n : text.length));
  const out = new Uint8Array(length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC_RESPONSE, true);
  v.setUint32(4, length, true);
  v.setUint32(8, id, true);
  v.setUint32(12, version, true);
  v.setUint32(16, status, true);
  v.setUint32(20, ok ? n : text.length, true);
  if (ok) {
    const { from } = rows;
    new Int32Array(out.buffer, 24, n).set(rows.actions.subarray(from, from + n));
    new Float32Array(out.buffer, 24 + 4 * n, n).set(rows.logProbs.subarray(from, from + n));
    new Float32Array(out.buffer, 24 + 8 * n, n).set(rows.values.subarray(from, from + n));
  } else out.set(text, 24);
  return out;
}

export function decodeResponse(bytes: Uint8Array): Response {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || v.getUint32(0, true) !== MAGIC_RESPONSE)
    throw new WireError(`not a response frame (${bytes.length} bytes): is this an inference server's socket?`);
  const status = v.getUint32(16, true);
  const n = v.getUint32(20, true);
  const copy = (at: number) => bytes.slice(at, at + 4 * n).buffer;
  const ok = status === STATUS_OK;
  if (24 + (ok ? 12 * n : n) > bytes.length) throw new WireError("response frame too short");
  return {
    id: v.getUint32(8, true),
    version: v.getUint32(12, true),
    status,
    actions: ok ? new Int32Array(copy(24)) : new Int32Array(0),
    logProbs: ok ? new Float32Array(copy(24 + 4 * n)) : new Float32Array(0),
    values: ok ? new Float32Array(copy(24 + 8 * n)) : new Float32Array(0),
    reason: ok ? "" : new TextDecoder().decode(bytes.subarray(24, 24 + n)),
  };
}

/**
 * Splits a byte stream into frames (both ends read with it): `push` each chunk as it arrives and
 * it returns the frames completed so far. Bytes wait in one buffer that grows by doubling, so a
 * frame arriving in many chunks is copied about twice, not once per chunk. A length that cannot be
 * a frame's ends the stream.
 */
export class FrameReader {
  private buf = new Uint8Array(1 << 16);
  private start = 0;
  private end = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const live = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      let size = this.buf.length;
      while (size < live + chunk.length) size *= 2;
      const next = size === this.buf.length ? this.buf : new Uint8Array(size);
      next.set(this.buf.subarray(this.start, this.end), 0); // same buffer: set() copies overlapping bytes safely
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
    const frames: Uint8Array[] = [];
    const view = new DataView(this.buf.buffer);
    while (this.end - this.start >= 8) {
      const length = view.getUint32(this.start + 4, true);
      if (length < 8 || length > this.maxBytes || length % 4 !== 0)
        throw new WireError(
          `a frame of ${length} bytes (a frame is a multiple of 4 bytes from 8 to ${this.maxBytes}: a stream of another program?)`,
        );
      if (this.end - this.start < length) break;
      frames.push(this.buf.slice(this.start, this.start + length));
      this.start += length;
    }
    if (this.start === this.end) this.start = this.end = 0;
    return frames;
  }
}
