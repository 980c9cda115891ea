// Each KernelSpec agrees with its WGSL: the uniform struct's fields are the spec's uniforms in
// order, the entry point exists, every binding the spec names is declared at its number with
// its access mode; and every pipeline compiles.

import { expect, test } from "bun:test";
import { ALL_KERNELS } from "../../src/compute/kernels/index.ts";
import { gpuBackend, hasWebGpu } from "./helpers.ts";

test("every spec matches its WGSL's uniform struct, entry point and bindings", () => {
  expect(ALL_KERNELS.length).toBeGreaterThan(20);
  const names = new Set<string>();
  for (const k of ALL_KERNELS) {
    expect(names.has(k.name)).toBe(false);
    names.add(k.name);
    const struct = /struct Params \{([^}]*)\}/.exec(k.source);
    expect(struct).not.toBeNull();
    const fields = [...struct![1].matchAll(/(\w+)\s*:\s*(u32|i32|f32)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(fields).toEqual(k.uniforms.map((u) => `${u.name}:${u.type}`));
    expect(k.source).toMatch(new RegExp(`fn ${k.entryPoint}\\(`));
    k.bindings.forEach((b, i) => {
      const access = b.access === "read" ? "read" : "read_write";
      const type = b.type ?? "f32";
      const decl = new RegExp(`@binding\\(${i + 1}\\) var<storage, ${access}> \\w+: array<${type}>;\\s*// ${b.name}:`);
      if (!decl.test(k.source))
        throw new Error(
          `${k.name}: no "@binding(${i + 1}) var<storage, ${access}> …: array<${type}>; // ${b.name}: [shape]" in its WGSL`,
        );
    });
  }
});

test.skipIf(!hasWebGpu)(
  "every kernel's pipeline compiles",
  async () => {
    const g = await gpuBackend();
    await g.prepare(ALL_KERNELS);
  },
  60_000,
);
