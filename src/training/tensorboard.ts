// TensorBoard event files (`events.out.tfevents.<secs>.<host>.<pid>`), written without
// TensorFlow: TFRecord framing around hand-encoded `tensorboard.Event` protobufs. Scalars and
// text (the text plugin) only — what a training run reports. Records are appended as they come;
// an append that fails is cut back (run-files.ts), and a resumed run cuts its event files back to
// the checkpoint's step (trimEventFiles), so each step is shown once.
//
//   record  = u64 len | u32 masked_crc32c(len) | data | u32 masked_crc32c(data)
//   Event   = {1: double wall_time, 2: int64 step, 3: string file_version | 5: Summary}
//   Summary = {1: repeated Value}; Value = {1: tag, 2: float simple_value | 8: TensorProto, 9: metadata}

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { appendWhole } from "./run-files.ts";
import { hostname } from "node:os";
import { join } from "node:path";

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});

/** CRC-32C (Castagnoli), as TFRecord uses. */
export function crc32c(bytes: Uint8Array): number {
  let c = ~0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function maskedCrc(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** A growable protobuf writer: just the wire types the Event messages need. */
class Proto {
  private bytes: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt(v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x > 0n);
  }
  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  uint(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }
  double(field: number, v: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.bytes.push(...b);
    return this;
  }
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes.push(...b);
    return this;
  }
  bytesField(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    this.bytes.push(...data);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  message(field: number, m: Proto): this {
    return this.bytesField(field, m.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function frame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

const DT_STRING = 7;

export class TensorBoardWriter {
  readonly path: string;

  constructor(dir: string, now = Date.now()) {
    // A run resumed in the same process within the same second (tests do) gets a file of its own.
    const base = join(dir, `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}.${process.pid}`);
    let path = base;
    for (let n = 1; existsSync(path); n++) path = `${base}.${n}`;
    this.path = path;
    appendWhole(
      this.path,
      frame(
        new Proto()
          .double(1, now / 1000)
          .string(3, "brain.Event:2")
          .finish(),
      ),
    );
  }

  private event(step: number, summary: Proto): void {
    const ev = new Proto()
      .double(1, Date.now() / 1000)
      .uint(2, step)
      .message(5, summary);
    appendWhole(this.path, frame(ev.finish()));
  }

  /** Several scalars at one step, in one event. Non-finite values are skipped (they would break charts). */
  scalars(step: number, values: Record<string, number>): void {
    const summary = new Proto();
    let any = false;
    for (const [tag, v] of Object.entries(values)) {
      if (!Number.isFinite(v)) continue;
      summary.message(1, new Proto().string(1, tag).float(2, v));
      any = true;
    }
    if (any) this.event(step, summary);
  }

  /** Markdown text (TensorBoard's Text tab), e.g. the hyperparameter table. */
  text(step: number, tag: string, markdown: string): void {
    const tensor = new Proto().uint(1, DT_STRING).message(2, new Proto()).string(8, markdown);
    const metadata = new Proto().message(1, new Proto().string(1, "text"));
    this.event(step, new Proto().message(1, new Proto().string(1, tag).message(9, metadata).message(8, tensor)));
  }
}

/** The step of an Event record (field 2), 0 when it has none (the file_version event). */
function stepOf(event: Uint8Array): number {
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; at < event.length; shift += 7n) {
      const b = event[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    return v;
  };
  while (at < event.length) {
    const key = Number(varint());
    const [field, wire] = [key >> 3, key & 7];
    if (field === 2 && wire === 0) return Number(varint());
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) at += Number(varint());
    else break;
  }
  return 0;
}

/**
 * The whole, checksummed records of a TFRecord file, in order, up to the first torn or corrupt
 * one (a crash mid-append leaves at most one, at the end).
 */
export function eventRecords(bytes: Uint8Array): { data: Uint8Array; step: number; end: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { data: Uint8Array; step: number; end: number }[] = [];
  for (let at = 0; at + 12 <= bytes.length; ) {
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc(bytes.subarray(at, at + 8))) break;
    const end = at + 12 + len + 4;
    if (end > bytes.length) break;
    const data = bytes.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== maskedCrc(data)) break;
    out.push({ data, step: stepOf(data), end });
    at = end;
  }
  return out;
}

/**
 * Cuts the run's event files back to `maxStep` (the checkpoint a run resumes from): records of
 * later steps and a torn tail go, so TensorBoard shows each step once. Returns the records dropped.
 */
export function trimEventFiles(dir: string, maxStep: number): number {
  let dropped = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith("events.out.tfevents.") || name.includes(".tmp-")) continue;
    const path = join(dir, name);
    const bytes = new Uint8Array(readFileSync(path));
    const records = eventRecords(bytes);
    const keep = records.findIndex((r) => r.step > maxStep);
    const kept = keep < 0 ? records : records.slice(0, keep);
    const end = kept.at(-1)?.end ?? 0;
    if (end === bytes.length) continue;
    dropped += records.length - kept.length + (records.at(-1)?.end === bytes.length ? 0 : 1);
    writeFileAtomic(path, bytes.subarray(0, end));
  }
  return dropped;
}
