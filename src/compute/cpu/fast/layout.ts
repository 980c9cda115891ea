// Layout constants shared by the wasm kernel generator (kernels-gen.ts) and the JS drivers.

/** Rows per GEMM tile. */
export const MR = 3;
/** f32x4 vectors per GEMM tile row (NR = 4·NV columns). */
export const NV = 3;
/** im2col row stride in floats (81 positions rounded up to whole vectors). */
export const COLS_LD = 84;
