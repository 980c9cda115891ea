// The safetensors format (https://github.com/huggingface/safetensors), enough for keisei's
// checkpoints: 8-byte little-endian header length N, N bytes of JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the
// raw little-endian tensor data, offsets relative to the end of the header. Tensors are written in
// the order given, back to back (no holes, as the reference loader requires); the header is
// padded with spaces to a multiple of 8 bytes so the data stays aligned.
//
// Defines: SafeDType, SafeTensor, encodeSafetensors, decodeSafetensors, readSafetensorsFile,
//          readSafetensorsMetadata, CheckpointFileError (files are written by util/atomic-write.ts)

import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { InputError, quote } from "../util/input-error.ts";

export type SafeDType = "F32" | "I64" | "U32" | "U8";

const BYTES: Record<SafeDType, number> = { F32: 4, I64: 8, U32: 4, U8: 1 };

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  /** Little-endian bytes, length = product(shape) · dtype size. */
  data: Uint8Array;
}

if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1)
  throw new Error("safetensors: keisei assumes a little-endian host");

/** Bytes of a typed array (shares memory). */
export function bytesOf(a: Float32Array | BigInt64Array | Uint32Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function encodeSafetensors(
  tensors: Iterable<[string, SafeTensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const [name, t] of tensors) {
    if (Object.hasOwn(header, name)) throw new Error(`safetensors: tensor "${name}" given twice`);
    const want = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
    if (t.data.byteLength !== want)
      throw new Error(
        `safetensors: tensor "${name}" has ${t.data.byteLength} bytes, shape [${t.shape}] ${t.dtype} needs ${want}`,
      );
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + want] };
    parts.push(t.data);
    at += want;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const d of parts) {
    out.set(d, p);
    p += d.length;
  }
  return out;
}

/** The longest header read (the safetensors format's own limit). */
export const MAX_HEADER_BYTES = 100_000_000;
/** The largest safetensors file read: far above any network keisei trains, and never /dev/zero's "size" of nothing. */
export const MAX_FILE_BYTES = 2 ** 32;
/** Dimensions of a tensor at most. */
const MAX_RANK = 8;

/** A safetensors file that cannot be read: one line naming the file and what is wrong. */
export class CheckpointFileError extends InputError {
  override name = "CheckpointFileError";
}

interface Entry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * The header's metadata and tensor table, every field checked: metadata string → string; each
 * tensor a known dtype, a shape of at most 8 whole dimensions, and data_offsets that hold exactly
 * that shape; the tensors tile the data from 0 to `dataLength` without a gap or an overlap.
 */
function parseHeader(
  json: Uint8Array,
  dataLength: number,
  bad: (why: string) => CheckpointFileError,
): { metadata: Record<string, string>; entries: Entry[] } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (e) {
    throw bad(`header is not JSON: ${(e as Error).message.split("\n")[0].slice(0, 100)}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw bad("header is not a JSON object");
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header)) {
    const what = `entry ${quote(name, 60)}`;
    if (name === "__metadata__") {
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("__metadata__ is not an object");
      for (const [k, x] of Object.entries(v)) {
        if (typeof x !== "string")
          throw bad(`metadata ${quote(k, 40)} is ${quote(JSON.stringify(x), 30)}, not a string`);
        metadata[k] = x;
      }
      continue;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(`${what} is not an object`);
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t.dtype !== "string" || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets))
      throw bad(`${what} lacks dtype, shape or data_offsets`);
    if (!Object.hasOwn(BYTES, t.dtype))
      throw bad(
        `tensor ${quote(name, 60)} has dtype ${quote(t.dtype, 20)}; keisei reads ${Object.keys(BYTES).join(", ")}`,
      );
    const dtype = t.dtype as SafeDType;
    const shape = t.shape as unknown[];
    if (shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
      throw bad(
        `tensor ${quote(name, 60)} has shape ${quote(JSON.stringify(shape), 40)}: not at most ${MAX_RANK} whole dimensions`,
      );
    const offsets = t.data_offsets as unknown[];
    const [begin, end] = offsets;
    const size = (shape as number[]).reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (
      offsets.length !== 2 ||
      !Number.isSafeInteger(begin) ||
      !Number.isSafeInteger(end) ||
      (begin as number) < 0 ||
      (end as number) - (begin as number) !== size
    )
      throw bad(
        `tensor ${quote(name, 60)}: data_offsets ${quote(JSON.stringify(offsets), 40)} do not hold shape [${shape}] ${dtype}`,
      );
    if ((end as number) > dataLength)
      throw bad(
        `tensor ${quote(name, 60)} ends at byte ${end} of the data but the file holds ${dataLength}: truncated`,
      );
    entries.push({ name, dtype, shape: shape as number[], begin: begin as number, end: end as number });
  }
  // The tensors tile the data: sorted by offset, each starts where the one before ends.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at)
      throw bad(`tensor ${quote(e.name, 60)} overlaps the tensor before it (bytes ${e.begin}–${e.end} of the data)`);
    if (e.begin > at)
      throw bad(`${e.begin - at} bytes of the data before tensor ${quote(e.name, 60)} belong to no tensor`);
    at = e.end;
  }
  if (at !== dataLength) throw bad(`${dataLength - at} bytes after the last tensor`);
  return { metadata, entries };
}

/**
 * Parses a safetensors blob. Every malformation (short file, header past the end, bad JSON, an
 * unknown dtype, offsets outside the data, overlapping or not matching the shape) is a
 * CheckpointFileError naming `source`.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source: string,
): { metadata: Record<string, string>; tensors: Map<string, SafeTensor> } {
  const bad = badOf(source);
  const n = headerLength(bytes.subarray(0, 8), bytes.length, bad);
  const dataStart = 8 + n;
  const { metadata, entries } = parseHeader(bytes.subarray(8, dataStart), bytes.length - dataStart, bad);
  const tensors = new Map<string, SafeTensor>();
  // A copy (not Buffer.slice, which shares): aligned for typed-array views, independent of `bytes`.
  for (const e of entries)
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: new Uint8Array(bytes.subarray(dataStart + e.begin, dataStart + e.end)),
    });
  return { metadata, tensors };
}

const badOf = (source: string) => (why: string) =>
  new CheckpointFileError(`${source}: not a readable safetensors file (${why})`);

/** The header length N from the first 8 bytes, checked against the file size before anything reads it. */
function headerLength(first8: Uint8Array, fileSize: number, bad: (why: string) => CheckpointFileError): number {
  if (fileSize < 8 || first8.length < 8) throw bad(`${fileSize} bytes, truncated before the header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8)) throw bad(`header of ${n} bytes but only ${fileSize - 8} follow: truncated or corrupt`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw bad(`header of ${n} bytes; the format allows ${MAX_HEADER_BYTES}`);
  return Number(n);
}

/**
 * Opens `path` for reading only once it is known to be a regular file of a sane size (a FIFO would
 * block for ever, /dev/zero and /dev/urandom never end); `read` gets the descriptor and the size.
 */
function withCheckedFile<T>(path: string, read: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new CheckpointFileError(
        `${path}: not a regular file (${st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "not a file"}); a checkpoint is a .safetensors file`,
      );
    // O_NONBLOCK: should the path become a FIFO between stat and open, open must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if (e instanceof CheckpointFileError) throw e;
    throw new CheckpointFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CheckpointFileError(`${path}: not a regular file; a checkpoint is a .safetensors file`);
    if (st.size > MAX_FILE_BYTES)
      throw new CheckpointFileError(
        `${path}: ${st.size.toLocaleString("en-US")} bytes, larger than any checkpoint keisei reads (${MAX_FILE_BYTES.toLocaleString("en-US")})`,
      );
    return read(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** Reads exactly `length` bytes at `position`; fewer (the file shrank) is an error naming the file. */
function readExactly(fd: number, length: number, position: number, path: string): Uint8Array {
  const buf = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const n = readSync(fd, buf, at, length - at, position + at);
    if (n === 0) throw badOf(path)(`the file ended at byte ${position + at}, its size said ${position + length}`);
    at += n;
  }
  return buf;
}

export function readSafetensorsFile(path: string): {
  metadata: Record<string, string>;
  tensors: Map<string, SafeTensor>;
} {
  return withCheckedFile(path, (fd, size) => {
    // The header length is checked against the file before anything else is read.
    headerLength(readExactly(fd, Math.min(8, size), 0, path), size, badOf(path));
    return decodeSafetensors(readExactly(fd, size, 0, path), path);
  });
}

/** A file's __metadata__ alone (the header is read and checked; the tensor data is not). */
export function readSafetensorsMetadata(path: string): Record<string, string> {
  return withCheckedFile(path, (fd, size) => {
    const bad = badOf(path);
    const n = headerLength(readExactly(fd, Math.min(8, size), 0, path), size, bad);
    return parseHeader(readExactly(fd, n, 8, path), size - 8 - n, bad).metadata;
  });
}
