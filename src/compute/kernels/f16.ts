// f16 storage variants (training.mixed_precision): a kernel with some of its f32 bindings stored
// as f16, made from the kernel itself. The WGSL bodies stay written once, in f32: the variant
// declares those bindings array<f16>, widens every load (x[i] → f32(x[i])) and narrows every store
// (y[i] = v → y[i] = f16(v); y[i] += v → y[i] = f16(f32(y[i]) + (v))), so all arithmetic and every
// accumulator stay f32 and only memory traffic halves. The twin is the kernel's own, with the f16
// outputs rounded to f16 after it (the inputs already hold f16 values: the backends round on
// write). ops.ts launches the variant whenever a launcher is given f16 buffers for f32 bindings.

import type { Buf, CpuBuffers, KernelSpec } from "../backend.ts";

/** Rounds every element of `a` to the nearest f16 value, in place. */
export function roundToF16(a: Float32Array): void {
  a.set(Float16Array.from(a));
}

const variants = new WeakMap<KernelSpec, Map<string, KernelSpec>>();

/** The kernel to run for these buffers: `k` itself, or its variant with the f16-given f32 bindings stored as f16. */
export function storageVariant(k: KernelSpec, buffers: Record<string, Buf>): KernelSpec {
  const names = k.bindings
    .filter((b) => (b.type ?? "f32") === "f32" && buffers[b.name]?.dtype === "f16")
    .map((b) => b.name);
  return names.length === 0 ? k : withF16Storage(k, names);
}

/** `k` with the bindings `names` (f32 in `k`) stored as f16; one spec per (kernel, names), cached. */
export function withF16Storage(k: KernelSpec, names: readonly string[]): KernelSpec {
  const key = [...names].sort().join(",");
  let byKey = variants.get(k);
  if (!byKey) {
    byKey = new Map();
    variants.set(k, byKey);
  }
  const cached = byKey.get(key);
  if (cached) return cached;
  const numbers = names.map((n) => {
    const i = k.bindings.findIndex((b) => b.name === n);
    if (i < 0) throw new Error(`${k.name}: no binding named "${n}"`);
    if ((k.bindings[i].type ?? "f32") !== "f32") throw new Error(`${k.name}: binding "${n}" is not f32`);
    return i + 1;
  });
  const outputs = k.bindings.filter((b) => names.includes(b.name) && b.access === "read_write").map((b) => b.name);
  const spec: KernelSpec = {
    ...k,
    name: `${k.name}_f16[${key}]`,
    source: f16Source(k.source, numbers),
    bindings: k.bindings.map((b) => (names.includes(b.name) ? { ...b, type: "f16" } : b)),
    cpu(b: CpuBuffers, u) {
      k.cpu(b, u);
      for (const n of outputs) roundToF16(b[n] as Float32Array);
    },
  };
  byKey.set(key, spec);
  return spec;
}

/**
 * The WGSL `source` with every `array<f32>` storage variable at the binding numbers `numbers` (in
 * every entry point: a module compiles whole) declared `array<f16>`, its loads widened and its
 * stores narrowed; `enable f16;` in front, comments dropped.
 */
export function f16Source(withComments: string, numbers: readonly number[]): string {
  // comments go first: one that reads like a store ("// out[i] = …") would be rewritten as one
  const source = withComments.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
  const vars = new Set<string>();
  // Another entry point's storage of another f32 shape at one of these numbers would be left as
  // it is and read the f16 bytes as f32: refused (no shader has one).
  for (const m of source.matchAll(/@binding\((\d+)\)\s*var<storage[^>]*>\s*\w+\s*:\s*([^;]+);/g))
    if (numbers.includes(Number(m[1])) && m[2].includes("f32") && m[2].trim() !== "array<f32>")
      throw new Error(`f16 storage: @binding(${m[1]}) is also declared ${m[2].trim()}`);
  const decl = /@binding\((\d+)\)\s*var<storage,\s*(?:read|read_write)>\s*(\w+)\s*:\s*array<f32>/g;
  const declared = source.replace(decl, (m, n: string, name: string) => {
    if (!numbers.includes(Number(n))) return m;
    vars.add(name);
    return m.replace(/array<f32>$/, "array<f16>");
  });
  for (const n of numbers)
    if (![...source.matchAll(decl)].some((m) => Number(m[1]) === n))
      throw new Error(`f16 storage: no array<f32> storage variable at @binding(${n})`);
  return `enable f16;\n${rewriteUses(declared, vars)}`;
}

const ASSIGN = /^\s*([+\-*/%]?)=(?!=)/;

/** Widens loads of and narrows stores to the variables `vars` in `src` (nested uses included). */
function rewriteUses(src: string, vars: ReadonlySet<string>): string {
  if (vars.size === 0) return src;
  const use = new RegExp(`\\b(${[...vars].join("|")})\\s*\\[`, "g");
  let out = "";
  let at = 0;
  for (;;) {
    use.lastIndex = at;
    const m = use.exec(src);
    // a declaration line ("var<storage, read> x: array<f16>") has no '[' after the name: never matched
    if (!m) return out + src.slice(at);
    out += src.slice(at, m.index);
    const open = m.index + m[0].length - 1;
    const close = matching(src, open, "[", "]");
    const element = `${m[1]}[${rewriteUses(src.slice(open + 1, close), vars)}]`;
    const after = src.slice(close + 1);
    if (/^\s*(\+\+|--)/.test(after))
      throw new Error(`f16 storage: ${m[1]}[…]++/-- is not rewritten; write ${m[1]}[i] += 1.0`);
    const assign = ASSIGN.exec(after);
    if (!assign) {
      out += `f32(${element})`;
      at = close + 1;
      continue;
    }
    const rhsStart = close + 1 + assign[0].length;
    const end = statementEnd(src, rhsStart);
    const rhs = rewriteUses(src.slice(rhsStart, end), vars).trim();
    const op = assign[1];
    out += op ? `${element} = f16(f32(${element}) ${op} (${rhs}))` : `${element} = f16(${rhs})`;
    at = end;
  }
}

/** Index of the bracket closing the one at `open`. */
function matching(src: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === left) depth++;
    else if (src[i] === right && --depth === 0) return i;
  }
  throw new Error(`f16 storage: unbalanced "${left}" at offset ${open}`);
}

/** Index of the ';' ending the statement whose right-hand side starts at `from` (brackets skipped). */
function statementEnd(src: string, from: number): number {
  let depth = 0;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === ";" && depth === 0) return i;
  }
  throw new Error(`f16 storage: a store with no ';' at offset ${from}`);
}
