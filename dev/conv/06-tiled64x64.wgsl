// 06 workgroup-tiled implicit GEMM (the GPU variant, promoted to shaders/conv3x3-tiled.wgsl):
// 64 output channels × 64 positions of the batch per workgroup of 256, K = cin·9 staged 16 at a
// time in workgroup memory (the im2col gather happens in that load), 4×4 outputs per invocation
// with rows/columns strided by 16. On lavapipe a workgroup is one CPU thread, so the shared tiles
// and barriers only cost (anchors §4); this is the baseline for real-GPU sweeps.
struct Params {
  batch: u32,       // N
  cin: u32,         // input channels of this convolution
  cout: u32,        // output channels
  wStrideOut: u32,  // element stride of w between output channels
  wStrideIn: u32,   // element stride of w between input channels
  flip: u32,        // 1: read taps in reverse (backward-data)
  hasBias: u32,     // 1: add bias[o]
  accumulate: u32,  // 1: add into the output instead of overwriting it
}
@group(0) @binding(0) var<uniform> p: Params;

const BM: u32 = 64u;   // output-tile rows (output channels)
const BN: u32 = 64u;   // output-tile columns (conv: positions j; weight_grad: r = 9i + t)
const BK: u32 = 16u;   // K-slice staged per barrier pair
const TT: u32 = 4u;    // micro-tile: TT × TT outputs per invocation
const LOADS: u32 = 4u; // 64·16 / 256 elements each invocation stages per operand
const LDS: u32 = 65u;  // padded shared row: k-fast stores from 16 invocations hit 16 banks, not one

var<workgroup> As: array<f32, 1040>; // As[kk·LDS + mm]: the row operand (w or dy), BK × LDS
var<workgroup> Bs: array<f32, 1040>; // Bs[kk·LDS + nn]: the im2col operand x̂, BK × LDS

/** Index of x̂ for input channel i, tap t, output square (qy, qx) of the sample starting at xs; −1 in the padding. */
fn tapIndex(xs: u32, i: u32, t: u32, qy: u32, qx: u32) -> i32 {
  let iy = i32(qy) + i32(t / 3u) - 1;
  let ix = i32(qx) + i32(t % 3u) - 1;
  if (iy < 0 || iy > 8 || ix < 0 || ix > 8) { return -1; }
  return i32(xs + i * 81u) + iy * 9 + ix;
}

/** acc[i][j] += Σ_kk As[kk][ty + 16i] · Bs[kk][tx + 16j] over the staged slice. */
fn accumulateSlice(acc: ptr<function, array<array<f32, TT>, TT>>, tx: u32, ty: u32) {
  for (var kk = 0u; kk < BK; kk++) {
    var av: array<f32, TT>;
    var bv: array<f32, TT>;
    for (var i = 0u; i < TT; i++) { av[i] = As[kk * LDS + ty + 16u * i]; }
    for (var j = 0u; j < TT; j++) { bv[j] = Bs[kk * LDS + tx + 16u * j]; }
    for (var i = 0u; i < TT; i++) {
      for (var j = 0u; j < TT; j++) { (*acc)[i][j] += av[i] * bv[j]; }
    }
  }
}

// ---- conv (forward and backward-data)
@group(0) @binding(1) var<storage, read> x: array<f32>;        // x: [N, cin, 9, 9]
@group(0) @binding(2) var<storage, read> w: array<f32>;        // w: [Cout, Cin, 3, 3] (strided; flip for backward-data)
@group(0) @binding(3) var<storage, read> bias: array<f32>;     // b: [cout] (unused when hasBias = 0)
@group(0) @binding(4) var<storage, read_write> y: array<f32>;  // y: [N, cout, 9, 9]

@compute @workgroup_size(256)
fn conv(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cols = p.batch * 81u;
  let K = p.cin * 9u;
  let tilesN = (cols + BN - 1u) / BN;
  let tilesM = (p.cout + BM - 1u) / BM;
  let tile = wid.x + wid.y * nwg.x; // workgroup-uniform: the barriers stay in uniform control flow
  if (tile >= tilesN * tilesM) { return; }
  let c0 = (tile % tilesN) * BN;
  let m0 = (tile / tilesN) * BM;

  // Weights: k-fast (w is contiguous along r in the forward layout); every load of this
  // invocation shares one k (lid % 16) and takes output channels lid / 16 + 16s.
  let ak = lid % BK;
  var aOff: array<u32, LOADS>;
  var aOk: array<bool, LOADS>;
  for (var s = 0u; s < LOADS; s++) {
    let o = m0 + lid / BK + 16u * s;
    aOk[s] = o < p.cout;
    aOff[s] = o * p.wStrideOut;
  }
  // Input: position-fast (neighbouring invocations read neighbouring squares); one column per
  // invocation (lid % 64) and k rows lid / 64 + 4s.
  let j = c0 + lid % BN;
  let jOk = j < cols;
  let xs = (j / 81u) * p.cin * 81u; // the sample's first input element
  let qy = (j % 81u) / 9u;
  let qx = j % 9u;
  let bk0 = lid / BN;

  let tx = lid % 16u;
  let ty = lid / 16u;
  var acc: array<array<f32, TT>, TT>; // acc[i][j]: output channel m0 + ty + 16i, position c0 + tx + 16j
  for (var k0 = 0u; k0 < K; k0 += BK) {
    let r = k0 + ak;
    let i = r / 9u;
    let t = r % 9u;
    let wOff = i * p.wStrideIn + select(t, 8u - t, p.flip != 0u);
    for (var s = 0u; s < LOADS; s++) {
      var v = 0.0;
      if (aOk[s] && r < K) { v = w[aOff[s] + wOff]; }
      As[ak * LDS + lid / BK + 16u * s] = v;
    }
    for (var s = 0u; s < LOADS; s++) {
      let kk = bk0 + 4u * s;
      let rb = k0 + kk;
      var v = 0.0;
      if (jOk && rb < K) {
        let at = tapIndex(xs, rb / 9u, rb % 9u, qy, qx);
        if (at >= 0) { v = x[at]; }
      }
      Bs[kk * LDS + lid % BN] = v;
    }
    workgroupBarrier();
    accumulateSlice(&acc, tx, ty);
    workgroupBarrier(); // the next slice overwrites the tiles
  }

  for (var i = 0u; i < TT; i++) {
    let o = m0 + ty + 16u * i;
    if (o >= p.cout) { break; }
    let bo = select(0.0, bias[o], p.hasBias != 0u);
    for (var jj = 0u; jj < TT; jj++) {
      let col = c0 + tx + 16u * jj;
      if (col >= cols) { break; }
      let yi = ((col / 81u) * p.cout + o) * 81u + col % 81u;
      var out = acc[i][jj] + bo;
      if (p.accumulate != 0u) { out += y[yi]; }
      y[yi] = out;
    }
  }
}
