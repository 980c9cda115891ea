// The safetensors format (https://github.com/huggingface/safetensors), enough for keisei's
// checkpoints: 8-byte little-endian header length N, N bytes of JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the
// raw little-endian tensor data, offsets relative to the end of the header. Tensors are written in
// the order given, back to back (no holes, as the reference loader requires); the header is
// padded with spaces to a multiple of 8 bytes so the data stays aligned.
//
// Defines: SafeDType, SafeTensor, encodeSafetensors, decodeSafetensors, readSafetensorsFile,
//          (files are written by util/atomic-write.ts)

import { readFileSync } from "node:fs";

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
    if (name in header) throw new Error(`safetensors: tensor "${name}" given twice`);
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

/**
 * Parses a safetensors blob. Every malformation (short file, header past the end, bad JSON, an
 * unknown dtype, offsets outside the data or not matching the shape) is an Error naming `source`.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source: string,
): { metadata: Record<string, string>; tensors: Map<string, SafeTensor> } {
  const bad = (why: string) => new Error(`${source}: not a readable safetensors file (${why})`);
  if (bytes.length < 8) throw bad(`${bytes.length} bytes, truncated before the header length`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (n > bytes.length - 8) throw bad(`header of ${n} bytes but only ${bytes.length - 8} follow: truncated or corrupt`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`header is not JSON: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw bad("header is not a JSON object");
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, SafeTensor>();
  let maxEnd = 0;
  for (const [name, v] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const t = v as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!t || typeof t.dtype !== "string" || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets))
      throw bad(`entry "${name}" lacks dtype, shape or data_offsets`);
    if (!(t.dtype in BYTES))
      throw bad(`tensor "${name}" has dtype ${t.dtype}; keisei reads ${Object.keys(BYTES).join(", ")}`);
    const [begin, end] = t.data_offsets;
    const want = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype as SafeDType];
    if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end - begin === want))
      throw bad(`tensor "${name}": data_offsets [${begin}, ${end}] do not hold shape [${t.shape}] ${t.dtype}`);
    if (end > dataLength)
      throw bad(`tensor "${name}" ends at byte ${end} of the data but the file holds ${dataLength}: truncated`);
    maxEnd = Math.max(maxEnd, end);
    // A copy (not Buffer.slice, which shares): aligned for typed-array views, independent of `bytes`.
    tensors.set(name, {
      dtype: t.dtype as SafeDType,
      shape: t.shape,
      data: new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end)),
    });
  }
  if (maxEnd !== dataLength) throw bad(`${dataLength - maxEnd} bytes after the last tensor`);
  return { metadata, tensors };
}

export function readSafetensorsFile(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}
