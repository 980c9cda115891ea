// Regenerates the cpu backend's wasm module from its generator (src/compute/cpu/fast/kernels-gen.ts,
// the source of truth): kernels.bytes.ts beside the generator (the module as base64, for a plain and
// for a shared memory: what the backend loads) and kernels.wat beside this script (the listing, for
// review; not part of src/). test/compute/cpu-fast.test.ts checks both files against a fresh generation.
//
//   bun dev/cpu-gemm/gen-kernels.ts

import { kernelsBytesSource, kernelsWat } from "../../src/compute/cpu/fast/kernels-gen.ts";

const dir = new URL("../../src/compute/cpu/fast/", import.meta.url);
const wat = kernelsWat();
await Bun.write(new URL("kernels.wat", import.meta.url), wat);
const src = kernelsBytesSource();
await Bun.write(new URL("kernels.bytes.ts", dir), src);
console.log(`kernels.wat: ${wat.split("\n").length} lines; kernels.bytes.ts: ${src.length} characters`);
