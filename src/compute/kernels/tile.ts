// The tile sizes of the workgroup-tiled kernels (shaders/tile.wgsl): each is a whole variant of
// the tiled GEMM, convolution and weight gradient, and autotune (webgpu/autotune.ts) picks one per
// adapter. 256 invocations stage a BK = 16 deep slice, so a tile side T needs T·16/256 loads per
// invocation per operand (T ≥ 16), and the two staged slices (2 × 16 × (T + 1) floats) must fit
// WebGPU's guaranteed 16 KiB of workgroup memory: T = 32 or 64 (128 would need 16,512 bytes).

import tile from "../../../shaders/tile.wgsl" with { type: "text" };

export const TILE_SIZES = [32, 64] as const;
export type TileSize = (typeof TILE_SIZES)[number];

/** tile.wgsl for tile side T, behind its constants. */
export function tileSource(T: TileSize): string {
  const header = [
    `const BM: u32 = ${T}u;`,
    `const BN: u32 = ${T}u;`,
    `const TT: u32 = ${T / 16}u;`,
    `const LOADS: u32 = ${T / 16}u;`,
    `const BSTEP: u32 = ${256 / T}u;`,
    `const LDS: u32 = ${T + 1}u;`,
  ].join("\n");
  return `${header}\n${tile}`;
}
