// A tiny WebAssembly encoder: just what the cpu backend's wasm kernels need (one imported memory,
// functions over i32 / f32 / v128 locals, structured control flow, SIMD128 and relaxed SIMD).
// With `Func.listing` on, every instruction is also written as WebAssembly text (WAT), so the
// generated module can be read as a listing.
//
// The kernel generator (kernels-gen.ts) is the source of truth; `bun dev/cpu-gemm/gen-kernels.ts`
// writes its bytes (kernels.bytes.ts beside it, base64: what the backend loads, inside `bun build
// --compile` binaries too) and its listing (dev/cpu-gemm/kernels.wat, for review), and a test
// checks both against a fresh generation.

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Plain opcodes (no immediates). SIMD ones are [0xfd, LEB(op)]. */
const PLAIN: Record<string, number> = {
  unreachable: 0x00,
  nop: 0x01,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  "i32.eqz": 0x45,
  "i32.eq": 0x46,
  "i32.ne": 0x47,
  "i32.lt_s": 0x48,
  "i32.lt_u": 0x49,
  "i32.gt_s": 0x4a,
  "i32.gt_u": 0x4b,
  "i32.le_s": 0x4c,
  "i32.le_u": 0x4d,
  "i32.ge_s": 0x4e,
  "i32.ge_u": 0x4f,
  "f32.eq": 0x5b,
  "f32.ne": 0x5c,
  "f32.lt": 0x5d,
  "f32.gt": 0x5e,
  "f32.le": 0x5f,
  "f32.ge": 0x60,
  "i32.add": 0x6a,
  "i32.sub": 0x6b,
  "i32.mul": 0x6c,
  "i32.div_s": 0x6d,
  "i32.div_u": 0x6e,
  "i32.rem_s": 0x6f,
  "i32.rem_u": 0x70,
  "i32.and": 0x71,
  "i32.or": 0x72,
  "i32.xor": 0x73,
  "i32.shl": 0x74,
  "i32.shr_s": 0x75,
  "i32.shr_u": 0x76,
  "f32.abs": 0x8b,
  "f32.neg": 0x8c,
  "f32.ceil": 0x8d,
  "f32.floor": 0x8e,
  "f32.sqrt": 0x91,
  "f32.add": 0x92,
  "f32.sub": 0x93,
  "f32.mul": 0x94,
  "f32.div": 0x95,
  "f32.min": 0x96,
  "f32.max": 0x97,
  "f64.add": 0xa0,
  "f64.sub": 0xa1,
  "f64.mul": 0xa2,
  "f64.div": 0xa3,
  "i32.trunc_f32_s": 0xa8,
  "f32.convert_i32_s": 0xb2,
  "f32.demote_f64": 0xb6,
  "f64.promote_f32": 0xbb,
  "i32.reinterpret_f32": 0xbc,
  "f32.reinterpret_i32": 0xbe,
};
const SIMD: Record<string, number> = {
  "i8x16.swizzle": 0x0e,
  "i32x4.splat": 0x11,
  "f32x4.splat": 0x13,
  "f32x4.eq": 0x41,
  "f32x4.ne": 0x42,
  "f32x4.lt": 0x43,
  "f32x4.gt": 0x44,
  "f32x4.le": 0x45,
  "f32x4.ge": 0x46,
  "i32x4.eq": 0x37,
  "i32x4.ne": 0x38,
  "i32x4.lt_s": 0x39,
  "i32x4.gt_s": 0x3b,
  "v128.not": 0x4d,
  "v128.and": 0x4e,
  "v128.andnot": 0x4f,
  "v128.or": 0x50,
  "v128.xor": 0x51,
  "v128.bitselect": 0x52,
  "v128.any_true": 0x53,
  "f32x4.ceil": 0x67,
  "f32x4.floor": 0x68,
  "f32x4.trunc": 0x69,
  "f32x4.nearest": 0x6a,
  "i32x4.all_true": 0xa3,
  "i32x4.bitmask": 0xa4,
  "i32x4.shl": 0xab,
  "i32x4.shr_s": 0xac,
  "i32x4.shr_u": 0xad,
  "i32x4.add": 0xae,
  "i32x4.sub": 0xb1,
  "i32x4.mul": 0xb5,
  "i32x4.min_s": 0xb6,
  "i32x4.max_s": 0xb8,
  "f32x4.abs": 0xe0,
  "f32x4.neg": 0xe1,
  "f32x4.sqrt": 0xe3,
  "f32x4.add": 0xe4,
  "f32x4.sub": 0xe5,
  "f32x4.mul": 0xe6,
  "f32x4.div": 0xe7,
  "f32x4.min": 0xe8,
  "f32x4.max": 0xe9,
  "f32x4.pmin": 0xea,
  "f32x4.pmax": 0xeb,
  "i32x4.trunc_sat_f32x4_s": 0xf8,
  "f32x4.convert_i32x4_s": 0xfa,
  "f32x4.relaxed_madd": 0x105,
  "f32x4.relaxed_nmadd": 0x106,
};
/** Memory instructions: [prefix-or-null, opcode, natural alignment (log2 bytes)]. */
const MEM: Record<string, [boolean, number, number]> = {
  "i32.load": [false, 0x28, 2],
  "f32.load": [false, 0x2a, 2],
  "f64.load": [false, 0x2b, 3],
  "i32.store": [false, 0x36, 2],
  "f32.store": [false, 0x38, 2],
  "f64.store": [false, 0x39, 3],
  "v128.load": [true, 0x00, 4],
  "v128.load32_splat": [true, 0x09, 2],
  "v128.store": [true, 0x0b, 4],
  "v128.load32_zero": [true, 0x5c, 2],
  "v128.load64_zero": [true, 0x5d, 3],
};
/** Memory-lane instructions: memarg then a lane byte. */
const MEM_LANE: Record<string, [number, number]> = {
  "v128.load32_lane": [0x56, 2],
  "v128.store32_lane": [0x5a, 2],
  "v128.store64_lane": [0x5b, 3],
};
/** Lane instructions: a lane byte. */
const LANE: Record<string, number> = {
  "i32x4.extract_lane": 0x1b,
  "f32x4.extract_lane": 0x1f,
  "f32x4.replace_lane": 0x20,
};

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const nameBytes = (s: string) => [...uleb(utf8(s).length), ...utf8(s)];

/** One function's body, built instruction by instruction (bytes, and WAT text when `Func.listing` is on). */
export class Func {
  /** Record the WAT text of every instruction (for moduleWat; off for speed when only bytes are wanted). */
  static listing = false;
  readonly code: number[] = [];
  readonly text: string[] = [];
  private readonly locals = new Map<string, { index: number; type: ValType }>();
  private readonly extra: ValType[] = [];
  private readonly labels: string[] = [];
  private indent = 2;

  constructor(
    readonly name: string,
    readonly params: readonly (readonly [string, ValType])[],
    readonly results: readonly ValType[] = [],
  ) {
    for (let i = 0; i < params.length; i++) this.locals.set(params[i][0], { index: i, type: params[i][1] });
  }

  /** Declares a local (idempotent for the same name and type); returns its name. */
  local(name: string, type: ValType): string {
    const have = this.locals.get(name);
    if (have) {
      if (have.type !== type) throw new Error(`${this.name}: local ${name} redeclared as ${type} (was ${have.type})`);
      return name;
    }
    this.locals.set(name, { index: this.params.length + this.extra.length, type });
    this.extra.push(type);
    return name;
  }

  private idx(name: string): number {
    const l = this.locals.get(name);
    if (!l) throw new Error(`${this.name}: no local ${name}`);
    return l.index;
  }

  private emit(bytes: number[], text: string): this {
    for (const b of bytes) this.code.push(b);
    if (Func.listing) this.text.push(" ".repeat(this.indent) + text);
    return this;
  }

  /** Any instruction without immediates, by its WAT name. */
  op(name: string): this {
    if (name in PLAIN) return this.emit([PLAIN[name]], name);
    if (name in SIMD) return this.emit([0xfd, ...uleb(SIMD[name])], name);
    throw new Error(`unknown instruction ${name}`);
  }
  get(name: string): this {
    return this.emit([0x20, ...uleb(this.idx(name))], `local.get $${name}`);
  }
  set(name: string): this {
    return this.emit([0x21, ...uleb(this.idx(name))], `local.set $${name}`);
  }
  tee(name: string): this {
    return this.emit([0x22, ...uleb(this.idx(name))], `local.tee $${name}`);
  }
  i32(v: number): this {
    return this.emit([0x41, ...sleb(v | 0)], `i32.const ${v | 0}`);
  }
  f32(v: number): this {
    const b = new Uint8Array(Float32Array.of(v).buffer);
    return this.emit([0x43, ...b], `f32.const ${Math.fround(v)}`);
  }
  v128i32(a: number, b: number, c: number, d: number): this {
    const bytes = new Uint8Array(Int32Array.of(a, b, c, d).buffer);
    return this.emit([0xfd, ...uleb(0x0c), ...bytes], `v128.const i32x4 ${a | 0} ${b | 0} ${c | 0} ${d | 0}`);
  }
  /** A load or store; `offset` in bytes (a constant folded into the address). */
  mem(name: string, offset = 0): this {
    const m = MEM[name];
    if (!m) throw new Error(`unknown memory instruction ${name}`);
    const [simd, opc, align] = m;
    const bytes = simd ? [0xfd, ...uleb(opc)] : [opc];
    return this.emit([...bytes, ...uleb(align), ...uleb(offset)], `${name}${offset ? ` offset=${offset}` : ""}`);
  }
  memLane(name: string, lane: number, offset = 0): this {
    const [opc, align] = MEM_LANE[name];
    return this.emit(
      [0xfd, ...uleb(opc), ...uleb(align), ...uleb(offset), lane],
      `${name}${offset ? ` offset=${offset}` : ""} ${lane}`,
    );
  }
  lane(name: string, lane: number): this {
    return this.emit([0xfd, ...uleb(LANE[name]), lane], `${name} ${lane}`);
  }
  /** i8x16.shuffle of two f32x4 by f32 lane indices (0–3: first operand, 4–7: second). */
  shuffle32(l0: number, l1: number, l2: number, l3: number): this {
    const bytes = [l0, l1, l2, l3].flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
    return this.emit([0xfd, ...uleb(0x0d), ...bytes], `i8x16.shuffle ${bytes.join(" ")}`);
  }
  call(index: number, name: string): this {
    return this.emit([0x10, ...uleb(index)], `call $${name}`);
  }

  private open(kind: 0x02 | 0x03 | 0x04, label: string, body: () => void): this {
    this.emit([kind, 0x40], `${kind === 0x02 ? "block" : kind === 0x03 ? "loop" : "if"} $${label}`);
    this.labels.push(label);
    this.indent += 2;
    body();
    this.indent -= 2;
    this.labels.pop();
    return this.emit([0x0b], "end");
  }
  block(label: string, body: () => void): this {
    return this.open(0x02, label, body);
  }
  loop(label: string, body: () => void): this {
    return this.open(0x03, label, body);
  }
  /** `if` on the i32 on the stack (no else). */
  if(label: string, body: () => void): this {
    return this.open(0x04, label, body);
  }
  private depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`${this.name}: no enclosing label ${label}`);
    return this.labels.length - 1 - i;
  }
  br(label: string): this {
    return this.emit([0x0c, ...uleb(this.depth(label))], `br $${label}`);
  }
  brIf(label: string): this {
    return this.emit([0x0d, ...uleb(this.depth(label))], `br_if $${label}`);
  }

  /** The function body as encoded in the code section (locals vector + instructions + end). */
  body(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const locals = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), VALTYPE[t]])];
    const all = [...locals, ...this.code, 0x0b];
    return [...uleb(all.length), ...all];
  }

  wat(): string {
    if (this.code.length > 0 && this.text.length === 0)
      throw new Error(`${this.name}: built without Func.listing, no WAT text`);
    const params = this.params.map(([n, t]) => `(param $${n} ${t})`).join(" ");
    const results = this.results.length ? ` (result ${this.results.join(" ")})` : "";
    const locals = [...this.locals.entries()]
      .filter(([, l]) => l.index >= this.params.length)
      .map(([n, l]) => `  (local $${n} ${l.type})`);
    return [`(func $${this.name} (export "${this.name}") ${params}${results}`, ...locals, ...this.text, ")"].join("\n");
  }
}

export interface ModuleSpec {
  /** Imported as env.memory: initial pages; `shared` needs a maximum. */
  memory: { initial: number; maximum?: number; shared?: boolean };
  funcs: Func[];
}

/** Encodes a module: one imported memory (env.memory), every function exported under its name. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const sigs: string[] = [];
  const sigOf = spec.funcs.map((f) => {
    const key = `${f.params.map((p) => p[1]).join(",")}->${f.results.join(",")}`;
    if (!sigs.includes(key)) sigs.push(key);
    return sigs.indexOf(key);
  });
  const types = sigs.map((key) => {
    const [p, r] = key.split("->").map((s) => (s ? (s.split(",") as ValType[]) : []));
    return [0x60, ...uleb(p.length), ...p.map((t) => VALTYPE[t]), ...uleb(r.length), ...r.map((t) => VALTYPE[t])];
  });
  const m = spec.memory;
  const limits =
    m.maximum === undefined
      ? [0x00, ...uleb(m.initial)]
      : [m.shared ? 0x03 : 0x01, ...uleb(m.initial), ...uleb(m.maximum)];
  const imports = [[...nameBytes("env"), ...nameBytes("memory"), 0x02, ...limits]];
  const exports = spec.funcs.map((f, i) => [...nameBytes(f.name), 0x00, ...uleb(i)]);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(sigOf.map((s) => uleb(s)))),
    ...section(7, vec(exports)),
    ...section(10, vec(spec.funcs.map((f) => f.body()))),
  ]);
}

/** The module as WAT text (a listing for review; the bytes come from encodeModule). */
export function moduleWat(spec: ModuleSpec): string {
  const m = spec.memory;
  const mem = `(import "env" "memory" (memory ${m.initial}${m.maximum !== undefined ? ` ${m.maximum}` : ""}${m.shared ? " shared" : ""}))`;
  return `(module\n  ${mem}\n${spec.funcs.map((f) => f.wat().replace(/^/gm, "  ")).join("\n")}\n)\n`;
}
