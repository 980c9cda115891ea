// The event file checked by an independent reader: bitwise CRC-32C (not the writer's table) and a
// minimal protobuf decoder written here.
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32c, TensorBoardWriter } from "../../src/training/tensorboard.ts";

function bitwiseCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const masked = (b: Uint8Array) => {
  const c = bitwiseCrc32c(b);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
};

type Field = { field: number; wire: number; value: number | bigint | Uint8Array };
function decode(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = () => {
    let x = 0n,
      s = 0n;
    for (;;) {
      const b = buf[i++];
      x |= BigInt(b & 0x7f) << s;
      s += 7n;
      if (!(b & 0x80)) return x;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const field = key >> 3,
      wire = key & 7;
    const dv = new DataView(buf.buffer, buf.byteOffset);
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) {
      out.push({ field, wire, value: dv.getFloat64(i, true) });
      i += 8;
    } else if (wire === 5) {
      out.push({ field, wire, value: dv.getFloat32(i, true) });
      i += 4;
    } else if (wire === 2) {
      const n = Number(varint());
      out.push({ field, wire, value: buf.subarray(i, i + n) });
      i += n;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}
const get = (fs: Field[], n: number) => fs.filter((f) => f.field === n);

test("CRC-32C check value", () => {
  expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  const junk = Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) & 255);
  expect(crc32c(junk)).toBe(bitwiseCrc32c(junk));
});

test("event file: framing, CRCs, version record, scalars and text", () => {
  const dir = mkdtempSync(join(tmpdir(), "keisei-tb-"));
  const w = new TensorBoardWriter(dir);
  w.scalars(100, { "losses/policy_loss": 0.25, "charts/SPS": 1234.5, "losses/bad": Number.NaN });
  w.text(0, "hyperparameters", "|param|value|\n|-|-|\n|lr|3e-4|");
  const bytes = new Uint8Array(readFileSync(w.path));
  const records: Uint8Array[] = [];
  let at = 0;
  const dv = new DataView(bytes.buffer);
  while (at < bytes.length) {
    const len = Number(dv.getBigUint64(at, true));
    expect(dv.getUint32(at + 8, true)).toBe(masked(bytes.subarray(at, at + 8)));
    const data = bytes.subarray(at + 12, at + 12 + len);
    expect(dv.getUint32(at + 12 + len, true)).toBe(masked(data));
    records.push(data);
    at += 16 + len;
  }
  expect(records.length).toBe(3);
  expect(new TextDecoder().decode(get(decode(records[0]), 3)[0].value as Uint8Array)).toBe("brain.Event:2");

  const ev = decode(records[1]);
  expect(get(ev, 2)[0].value).toBe(100n);
  const values = get(decode(get(ev, 5)[0].value as Uint8Array), 1).map((v) => decode(v.value as Uint8Array));
  expect(values.length).toBe(2); // the NaN was skipped
  expect(new TextDecoder().decode(get(values[0], 1)[0].value as Uint8Array)).toBe("losses/policy_loss");
  expect(get(values[0], 2)[0].value).toBe(0.25);
  expect(get(values[1], 2)[0].value).toBe(Math.fround(1234.5));

  const text = decode(get(decode(get(decode(records[2]), 5)[0].value as Uint8Array), 1)[0].value as Uint8Array);
  const plugin = decode(get(decode(get(text, 9)[0].value as Uint8Array), 1)[0].value as Uint8Array);
  expect(new TextDecoder().decode(get(plugin, 1)[0].value as Uint8Array)).toBe("text");
  const tensor = decode(get(text, 8)[0].value as Uint8Array);
  expect(get(tensor, 1)[0].value).toBe(7n); // DT_STRING
  expect(new TextDecoder().decode(get(tensor, 8)[0].value as Uint8Array)).toContain("|lr|3e-4|");
});
