// keisei's native cpu kernels: the 3×3 convolutions of the tower (forward, input gradient, weight
// gradient) as AVX2/FMA GEMMs, on x86-64. Loaded by bun:ffi (native/index.ts) and run on the cpu
// backend's wasm heap in place: every pointer argument is an address inside that memory.
//
// Each convolution is one GEMM over the whole batch, BLIS-style (Goto & van de Geijn, 2008):
//   forward / input gradient   Y[o, j]  = Σ_k W[o, k] · X̂[k, j]    k = 9i + t, j = 81n + q
//   weight gradient            dW[o, k] = Σ_j dy[o, j] · X̂[k, j]
// X̂ is the im2col of the zero-padded input (11 × 11 per plane); it is never stored whole: each
// thread packs the KC × NC block it is about to use straight from the padded planes with AVX2
// gathers, into 16-column micro-panels that stay in L1, while the packed A (the weights, or dy)
// streams from L2. The 6 × 16 micro-kernel keeps its tile in 12 ymm registers (the classic
// Haswell/Zen shape: 2 loads + 6 broadcasts feed 12 FMAs per k).
//
// Determinism: every output element is summed in the same order (k in KC blocks, in order) whichever
// thread computes it and however many there are, so a training run resumes bit for bit.
//
// The readable definitions are the TypeScript twins (src/compute/kernels/conv3x3.ts);
// test/compute/native.test.ts holds these to them.

#include <immintrin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MR 6
#define NR 16
#define KC 256
#define NC 96 // columns per unit of work (6 micro-panels)
#define MAX_THREADS 16

// ------------------------------------------------------------------------------------ threads
// A fork-join pool: `run_units(threads, n, fn, ctx)` runs fn(ctx, unit, thread) for unit = 0..n-1, units
// claimed one at a time by the calling thread and the first threads - 1 workers (all of them when
// threads exceeds the pool). Which thread runs a unit never changes its result.

typedef void (*unit_fn)(void *ctx, int unit, int thread);

static struct {
  int threads; // the caller included
  pthread_t tid[MAX_THREADS];
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  long gen;
  int stop;
  unit_fn fn;
  void *ctx;
  int units;
  atomic_int next;
  int active; // workers still inside the current job
  int limit;  // threads taking part in the current job, the caller included
} pool = {.threads = 1, .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};

static void claim_units(int thread) {
  for (;;) {
    int u = atomic_fetch_add(&pool.next, 1);
    if (u >= pool.units) return;
    pool.fn(pool.ctx, u, thread);
  }
}

static void *worker_main(void *arg) {
  int thread = (int)(intptr_t)arg;
  long seen = 0;
  pthread_mutex_lock(&pool.lock);
  for (;;) {
    while (pool.gen == seen && !pool.stop) pthread_cond_wait(&pool.wake, &pool.lock);
    if (pool.stop) break;
    seen = pool.gen;
    pthread_mutex_unlock(&pool.lock);
    if (thread < pool.limit) claim_units(thread);
    pthread_mutex_lock(&pool.lock);
    if (--pool.active == 0) pthread_cond_signal(&pool.done);
  }
  pthread_mutex_unlock(&pool.lock);
  return NULL;
}

static void run_units(int threads, int units, unit_fn fn, void *ctx) {
  if (units <= 0) return;
  if (threads <= 1 || pool.threads == 1 || units == 1) {
    for (int u = 0; u < units; u++) fn(ctx, u, 0);
    return;
  }
  pthread_mutex_lock(&pool.lock);
  pool.fn = fn;
  pool.ctx = ctx;
  pool.units = units;
  pool.limit = threads;
  atomic_store(&pool.next, 0);
  pool.active = pool.threads - 1;
  pool.gen++;
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  claim_units(0);
  pthread_mutex_lock(&pool.lock);
  while (pool.active > 0) pthread_cond_wait(&pool.done, &pool.lock);
  pthread_mutex_unlock(&pool.lock);
}

// ------------------------------------------------------------------------------------ scratch
// Grown on demand, never shrunk: the padded input, the packed A, and per thread a packed B block.

static float *xpad_buf, *apack_buf, *bpack_buf[MAX_THREADS];
static size_t xpad_cap, apack_cap;

static float *grow(float **p, size_t *cap, size_t floats) {
  if (floats > *cap) {
    free(*p);
    *p = aligned_alloc(64, ((floats * 4 + 63) / 64) * 64);
    *cap = *p ? floats : 0;
  }
  return *p;
}

/** Starts `threads` threads in all (the caller included); returns the number running, 0 when the packing buffers could not be allocated. */
int keisei_native_init(int threads) {
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  for (int t = 0; t < MAX_THREADS; t++) {
    if (!bpack_buf[t]) bpack_buf[t] = aligned_alloc(64, (size_t)KC * NC * 4);
    if (!bpack_buf[t]) return 0;
  }
  int started = 1;
  pool.threads = 1;
  for (int t = 1; t < threads; t++) {
    if (pthread_create(&pool.tid[t], NULL, worker_main, (void *)(intptr_t)t) != 0) break;
    started++;
  }
  pool.threads = started;
  return started;
}

// ------------------------------------------------------------------------------------ micro-kernel

/**
 * The MR × NR tile c[r, 0..15] (row stride ldc) = beta·c + Σ_k a[k·MR + r] · b[k·NR + 0..15]
 * (+ bias[r] when bias is given).
 */
static inline void kernel_6x16(int kc, const float *restrict a, const float *restrict b, float *c, long ldc,
                               int beta, const float *bias) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int k = 0; k < kc; k++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 x;
    x = _mm256_broadcast_ss(a + 0), c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a + 1), c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a + 2), c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a + 3), c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a + 4), c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a + 5), c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
    a += MR;
    b += NR;
  }
  __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < MR; r++) {
    float *row = c + r * ldc;
    __m256 v0 = acc[r][0], v1 = acc[r][1];
    if (bias) {
      __m256 s = _mm256_broadcast_ss(bias + r);
      v0 = _mm256_add_ps(v0, s), v1 = _mm256_add_ps(v1, s);
    }
    if (beta) v0 = _mm256_add_ps(v0, _mm256_loadu_ps(row)), v1 = _mm256_add_ps(v1, _mm256_loadu_ps(row + 8));
    _mm256_storeu_ps(row, v0);
    _mm256_storeu_ps(row + 8, v1);
  }
}

/**
 * A tile whose rows or columns do not fill MR × NR, or whose columns are not contiguous in memory:
 * computed into a buffer, then element (r, jj) goes to base + rowOff·r + colOff[jj], for r < rows,
 * jj < cols.
 */
static void kernel_scatter(int kc, const float *a, const float *b, float *base, long rowOff, const long *colOff,
                           int rows, int cols, int beta, const float *bias) {
  float tmp[MR * NR] __attribute__((aligned(32)));
  kernel_6x16(kc, a, b, tmp, NR, 0, NULL);
  for (int r = 0; r < rows; r++)
    for (int jj = 0; jj < cols; jj++) {
      float *d = base + rowOff * r + colOff[jj];
      float v = tmp[r * NR + jj] + (bias ? bias[r] : 0.0f);
      *d = beta ? *d + v : v;
    }
}

// ------------------------------------------------------------------------------------ packing

/** Padded-plane offset (11 × 11) of position q of a 9 × 9 plane, and of each 3 × 3 tap. */
static inline int pad_pos(int q) { return (q / 9 + 1) * 11 + q % 9 + 1; }
static const int TAP[9] = {-12, -11, -10, -1, 0, 1, 10, 11, 12};

typedef struct {
  const float *x;
  float *xpad;
  int cin;
} pad_ctx;

/** Unit n: sample n's planes into the 11 × 11 zero-bordered copy. */
static void pad_unit(void *p, int n, int thread) {
  (void)thread;
  pad_ctx *c = p;
  for (int i = 0; i < c->cin; i++) {
    const float *s = c->x + ((size_t)n * c->cin + i) * 81;
    float *d = c->xpad + ((size_t)n * c->cin + i) * 121;
    memset(d, 0, 121 * 4);
    for (int r = 0; r < 9; r++) memcpy(d + (r + 1) * 11 + 1, s + r * 9, 9 * 4);
  }
}

static float *pad_batch(int threads, const float *x, int batch, int cin) {
  float *xp = grow(&xpad_buf, &xpad_cap, (size_t)batch * cin * 121 + 16);
  if (!xp) return NULL;
  pad_ctx c = {x, xp, cin};
  run_units(threads, batch, pad_unit, &c);
  return xp;
}

typedef struct {
  const float *src;
  float *dst;
  int m, k;
  // element (row, col) of A: src[row·sRow + col·sCol]; a conv weight (tap = col % 9, flipped or not)
  long sRow, sIn;
  int conv, flip;
  // weight gradient: A[o, j] = dy[n·cout·81 + o·81 + q] (j = 81n + q)
  int dyRows;
} apack_ctx;

/** Unit p: rows 6p..6p+5 of A into dst[p][k][6] (rows past m: zero). */
static void apack_unit(void *p, int panel, int thread) {
  (void)thread;
  apack_ctx *c = p;
  float *d = c->dst + (size_t)panel * c->k * MR;
  for (int r = 0; r < MR; r++) {
    int row = panel * MR + r;
    if (row >= c->m) {
      for (int k = 0; k < c->k; k++) d[k * MR + r] = 0;
      continue;
    }
    if (c->dyRows) {
      for (int k = 0; k < c->k; k++) {
        int n = k / 81, q = k % 81;
        d[k * MR + r] = c->src[((size_t)n * c->m + row) * 81 + q];
      }
    } else {
      for (int k = 0; k < c->k; k++) {
        int i = k / 9, t = k % 9;
        d[k * MR + r] = c->src[row * c->sRow + i * c->sIn + (c->flip ? 8 - t : t)];
      }
    }
  }
}

// ------------------------------------------------------------------------------------ convolution

typedef struct {
  const float *xpad, *ap, *bias;
  float *y;
  int batch, cin, cout, K, beta;
} conv_ctx;

/** Unit u: output columns [NC·u, NC·u + NC) of the batch (j = 81n + q), all output channels. */
static void conv_unit(void *p, int unit, int thread) {
  conv_ctx *c = p;
  const int N = c->batch * 81, K = c->K, M = c->cout;
  const int j0 = unit * NC, nc = N - j0 < NC ? N - j0 : NC;
  const int panels = (nc + NR - 1) / NR;
  float *bp = bpack_buf[thread];
  // per column: the padded-plane offset of its position in its sample (past the end: column 0's)
  int off[NC] __attribute__((aligned(32)));
  long colOff[NC];
  for (int jj = 0; jj < panels * NR; jj++) {
    int j = j0 + (jj < nc ? jj : 0);
    int n = j / 81, q = j % 81;
    off[jj] = n * c->cin * 121 + pad_pos(q);
    colOff[jj] = (long)n * M * 81 + q;
  }
  for (int pc = 0; pc < K; pc += KC) {
    const int kc = K - pc < KC ? K - pc : KC;
    // B block: bp[panel][k][16] = X̂[pc + k, j0 + 16·panel + jj]
    for (int pn = 0; pn < panels; pn++) {
      __m256i o0 = _mm256_load_si256((const __m256i *)(off + pn * NR));
      __m256i o1 = _mm256_load_si256((const __m256i *)(off + pn * NR + 8));
      float *d = bp + (size_t)pn * kc * NR;
      for (int k = 0; k < kc; k++) {
        int kk = pc + k;
        const float *s = c->xpad + (kk / 9) * 121 + TAP[kk % 9];
        _mm256_store_ps(d + k * NR, _mm256_i32gather_ps(s, o0, 4));
        _mm256_store_ps(d + k * NR + 8, _mm256_i32gather_ps(s, o1, 4));
      }
    }
    const int beta = pc > 0 || c->beta;
    for (int pn = 0; pn < panels; pn++) {
      const int jj0 = pn * NR, cols = nc - jj0 < NR ? nc - jj0 : NR;
      const int q0 = (j0 + jj0) % 81;
      const int contiguous = cols == NR && q0 + NR <= 81;
      for (int m0 = 0; m0 < M; m0 += MR) {
        const float *a = c->ap + (size_t)m0 * K + (size_t)pc * MR;
        const float *bias = pc == 0 && c->bias ? c->bias + m0 : NULL;
        float *base = c->y + colOff[jj0] + (long)m0 * 81;
        if (contiguous && m0 + MR <= M)
          kernel_6x16(kc, a, bp + (size_t)pn * kc * NR, base, 81, beta, bias);
        else {
          long rel[NR];
          for (int jj = 0; jj < cols; jj++) rel[jj] = colOff[jj0 + jj] - colOff[jj0];
          kernel_scatter(kc, a, bp + (size_t)pn * kc * NR, base, 81, rel, M - m0 < MR ? M - m0 : MR, cols, beta,
                         bias);
        }
      }
    }
  }
}

/**
 * conv3x3.conv: y[n, o, q] (+)= Σ_i Σ_t w[o·wStrideOut + i·wStrideIn + (flip ? 8 − t : t)] ·
 * x[n, i, q + tap t] (+ bias[o]). x: [batch, cin, 81], y: [batch, cout, 81]. `threads`: 1, or all the
 * pool's. Returns 0, or −1 when scratch memory could not be had.
 */
int keisei_conv3x3(int threads, const float *x, const float *w, const float *bias, float *y, int batch, int cin, int cout,
                   int wStrideOut, int wStrideIn, int flip, int accumulate) {
  const int K = cin * 9;
  const int panels = (cout + MR - 1) / MR;
  float *xp = pad_batch(threads, x, batch, cin);
  float *ap = grow(&apack_buf, &apack_cap, (size_t)panels * MR * K);
  if (!xp || !ap) return -1;
  apack_ctx a = {.src = w, .dst = ap, .m = cout, .k = K, .sRow = wStrideOut, .sIn = wStrideIn, .conv = 1, .flip = flip};
  run_units(threads, panels, apack_unit, &a);
  conv_ctx c = {xp, ap, bias, y, batch, cin, cout, K, accumulate};
  run_units(threads, (batch * 81 + NC - 1) / NC, conv_unit, &c);
  return 0;
}

typedef struct {
  const float *xpad, *ap;
  float *dw;
  int batch, cin, cout, beta;
} wgrad_ctx;

/** Unit u: columns [NC·u, NC·u + NC) of dW (k = 9i + t), all output channels, summed over the batch. */
static void wgrad_unit(void *p, int unit, int thread) {
  wgrad_ctx *c = p;
  const int N = c->cin * 9, Kred = c->batch * 81, M = c->cout;
  const int r0 = unit * NC, nc = N - r0 < NC ? N - r0 : NC;
  const int panels = (nc + NR - 1) / NR;
  float *bp = bpack_buf[thread];
  int off[NC] __attribute__((aligned(32)));
  for (int jj = 0; jj < panels * NR; jj++) {
    int r = r0 + (jj < nc ? jj : 0);
    off[jj] = (r / 9) * 121 + TAP[r % 9];
  }
  long colOff[NR];
  for (int jj = 0; jj < NR; jj++) colOff[jj] = jj;
  for (int pc = 0; pc < Kred; pc += KC) {
    const int kc = Kred - pc < KC ? Kred - pc : KC;
    // B block: bp[panel][k][16] = X̂[r0 + 16·panel + jj, pc + k]
    for (int pn = 0; pn < panels; pn++) {
      __m256i o0 = _mm256_load_si256((const __m256i *)(off + pn * NR));
      __m256i o1 = _mm256_load_si256((const __m256i *)(off + pn * NR + 8));
      float *d = bp + (size_t)pn * kc * NR;
      for (int k = 0; k < kc; k++) {
        int j = pc + k, n = j / 81;
        const float *s = c->xpad + (size_t)n * c->cin * 121 + pad_pos(j % 81);
        _mm256_store_ps(d + k * NR, _mm256_i32gather_ps(s, o0, 4));
        _mm256_store_ps(d + k * NR + 8, _mm256_i32gather_ps(s, o1, 4));
      }
    }
    const int beta = pc > 0 || c->beta;
    for (int pn = 0; pn < panels; pn++) {
      const int jj0 = pn * NR, cols = nc - jj0 < NR ? nc - jj0 : NR;
      for (int m0 = 0; m0 < M; m0 += MR) {
        const float *a = c->ap + (size_t)m0 * Kred + (size_t)pc * MR;
        float *base = c->dw + (size_t)m0 * N + r0 + jj0;
        if (cols == NR && m0 + MR <= M)
          kernel_6x16(kc, a, bp + (size_t)pn * kc * NR, base, N, beta, NULL);
        else
          kernel_scatter(kc, a, bp + (size_t)pn * kc * NR, base, N, colOff, M - m0 < MR ? M - m0 : MR, cols, beta,
                         NULL);
      }
    }
  }
}

/**
 * conv3x3.weight_grad: dw[o, 9i + t] (+)= Σ_n Σ_q dy[n, o, q] · x[n, i, q + tap t].
 * x: [batch, cin, 81], dy: [batch, cout, 81], dw: [cout, cin·9]. Returns 0, or −1 (no scratch).
 */
int keisei_conv3x3_weight_grad(int threads, const float *x, const float *dy, float *dw, int batch, int cin, int cout,
                               int accumulate) {
  const int Kred = batch * 81;
  const int panels = (cout + MR - 1) / MR;
  float *xp = pad_batch(threads, x, batch, cin);
  float *ap = grow(&apack_buf, &apack_cap, (size_t)panels * MR * Kred);
  if (!xp || !ap) return -1;
  apack_ctx a = {.src = dy, .dst = ap, .m = cout, .k = Kred, .dyRows = 1};
  run_units(threads, panels, apack_unit, &a);
  wgrad_ctx c = {xp, ap, dw, batch, cin, cout, accumulate};
  run_units(threads, (cin * 9 + NC - 1) / NC, wgrad_unit, &c);
  return 0;
}

// ------------------------------------------------------------------------------------ Winograd
// F(3×3, 3×3) (Lavin & Gray, 2016): a 9 × 9 board is exactly 3 × 3 tiles of 3 × 3 outputs, each
// computed from a 5 × 5 input tile with 25 multiplies per channel pair instead of 81 (3.24× less
// arithmetic than the direct convolution, and no padding waste). Interpolation points 0, 1, −1, 2
// and ∞ (relative error ≈ 1e-6 in f32, as F(2×2, 3×3); F(4×4, 3×3) would need 12 × 12 tiles here):
//   y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A
// The 25 element-wise products summed over input channels are 25 independent GEMMs
// (cout × cin times cin × tiles), run by the same 6 × 16 micro-kernel on operands the transforms
// write straight into packed panels. The weight gradient is the same algebra transposed:
//   ∂L/∂g = Gᵀ [Σ_tiles (A dy Aᵀ) ⊙ (Bᵀ d B)] G   (25 GEMMs cout × tiles times tiles × cin).

static const float WG[5][3] = {
    {0.5f, 0.0f, 0.0f}, {-0.5f, -0.5f, -0.5f}, {-1.0f / 6, 1.0f / 6, -1.0f / 6}, {1.0f / 6, 1.0f / 3, 2.0f / 3}, {0.0f, 0.0f, 1.0f}};
static const float WBT[5][5] = {
    {2, -1, -2, 1, 0}, {0, -2, -1, 1, 0}, {0, 2, -3, 1, 0}, {0, -1, 0, 1, 0}, {0, 2, -1, -2, 1}};
static const float WAT[3][5] = {{1, 1, 1, 1, 0}, {0, 1, -1, 2, 0}, {0, 1, 1, 4, 1}};

/** out[5][5] = Bᵀ d B for a 5 × 5 tile d with row stride `ld`. */
static inline void input_tile(const float *d, int ld, float out[25]) {
  float t[5][5];
  for (int a = 0; a < 5; a++)
    for (int c = 0; c < 5; c++) {
      float s = 0;
      for (int k = 0; k < 5; k++) s += WBT[a][k] * d[k * ld + c];
      t[a][c] = s;
    }
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 5; b++) {
      float s = 0;
      for (int k = 0; k < 5; k++) s += t[a][k] * WBT[b][k];
      out[a * 5 + b] = s;
    }
}

/** out[5][5] = G g Gᵀ for a 3 × 3 kernel g (flipped when `flip`: g[8 − t]). */
static inline void weight_tile(const float *g, int flip, float out[25]) {
  float k[9], t[5][3];
  for (int i = 0; i < 9; i++) k[i] = g[flip ? 8 - i : i];
  for (int a = 0; a < 5; a++)
    for (int c = 0; c < 3; c++) t[a][c] = WG[a][0] * k[c] + WG[a][1] * k[3 + c] + WG[a][2] * k[6 + c];
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 5; b++) out[a * 5 + b] = t[a][0] * WG[b][0] + t[a][1] * WG[b][1] + t[a][2] * WG[b][2];
}

/** y[3][3] = Aᵀ m A for a 5 × 5 tile m (element ξ at m[ξ·stride]). */
static inline void output_tile(const float *m, long stride, float y[9]) {
  float t[3][5];
  for (int a = 0; a < 3; a++)
    for (int c = 0; c < 5; c++) {
      float s = 0;
      for (int k = 0; k < 5; k++) s += WAT[a][k] * m[(k * 5 + c) * stride];
      t[a][c] = s;
    }
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) {
      float s = 0;
      for (int k = 0; k < 5; k++) s += t[a][k] * WAT[b][k];
      y[a * 3 + b] = s;
    }
}

/**
 * C[Mp·6 rows, panels·16 columns] (row stride ldc) (+)= A · B over K, A packed [Mp][K][6], B packed
 * [panel][K][16], for B panels [pn0, pn1): whole tiles only (the buffers are padded to them).
 */
static void gemm_panels(const float *ap, const float *bp, int Mp, int K, int pn0, int pn1, float *c, long ldc,
                        int beta) {
  for (int pc = 0; pc < K; pc += KC) {
    const int kc = K - pc < KC ? K - pc : KC;
    for (int pn = pn0; pn < pn1; pn++)
      for (int mp = 0; mp < Mp; mp++)
        kernel_6x16(kc, ap + ((size_t)mp * K + pc) * MR, bp + ((size_t)pn * K + pc) * NR, c + (long)mp * MR * ldc + pn * NR,
                    ldc, beta || pc > 0, NULL);
  }
}

static float *wa_buf, *wb_buf, *wm_buf;
static size_t wa_cap, wb_cap, wm_cap;

typedef struct {
  const float *x, *w, *bias, *xpad;
  float *y, *dw, *ua, *vb, *m;
  const float *dy;
  int batch, cin, cout, wso, wsi, flip, accumulate;
  int Mp, TP, IP, T; // output-channel panels of 6, tile panels of 16, input-channel panels of 16, tiles
} wino_ctx;

/** Forward unit p: U = G g Gᵀ of output channels 6p..6p+5, packed ua[ξ][p][i][6]. */
static void wf_weight_unit(void *p, int panel, int thread) {
  (void)thread;
  wino_ctx *c = p;
  float u[MR][25];
  for (int i = 0; i < c->cin; i++) {
    for (int r = 0; r < MR; r++) {
      int o = panel * MR + r;
      if (o < c->cout) weight_tile(c->w + (size_t)o * c->wso + (size_t)i * c->wsi, c->flip, u[r]);
      else memset(u[r], 0, sizeof u[r]);
    }
    for (int xi = 0; xi < 25; xi++) {
      float *d = c->ua + (((size_t)xi * c->Mp + panel) * c->cin + i) * MR;
      for (int r = 0; r < MR; r++) d[r] = u[r][xi];
    }
  }
}

/** Forward unit p: V = Bᵀ d B of tiles 16p..16p+15 (tile = 9n + 3ty + tx), packed vb[ξ][p][i][16]. */
static void wf_input_unit(void *p, int panel, int thread) {
  (void)thread;
  wino_ctx *c = p;
  const float *at[NR];
  for (int jj = 0; jj < NR; jj++) {
    int tile = panel * NR + jj;
    if (tile >= c->T) tile = 0; // padding columns: any finite values (never stored)
    int n = tile / 9, ty = tile % 9 / 3, tx = tile % 3;
    at[jj] = c->xpad + (size_t)n * c->cin * 121 + ty * 33 + tx * 3;
  }
  float v[NR][25];
  for (int i = 0; i < c->cin; i++) {
    for (int jj = 0; jj < NR; jj++) input_tile(at[jj] + (size_t)i * 121, 11, v[jj]);
    for (int xi = 0; xi < 25; xi++) {
      float *d = c->vb + (((size_t)xi * c->TP + panel) * c->cin + i) * NR;
      for (int jj = 0; jj < NR; jj++) d[jj] = v[jj][xi];
    }
  }
}

/** Forward unit u: for ξ = u / 6 (six column groups each), m[ξ] = U_ξ · V_ξ on its tile panels. */
static void wf_gemm_unit(void *p, int unit, int thread) {
  (void)thread;
  wino_ctx *c = p;
  const int groups = 6, xi = unit / groups, g = unit % groups;
  const int pn0 = c->TP * g / groups, pn1 = c->TP * (g + 1) / groups;
  const long ldc = (long)c->TP * NR;
  gemm_panels(c->ua + (size_t)xi * c->Mp * c->cin * MR, c->vb + (size_t)xi * c->TP * c->cin * NR, c->Mp, c->cin, pn0,
              pn1, c->m + (size_t)xi * c->Mp * MR * ldc, ldc, 0);
}

/** Forward unit o: y[n, o] (+)= Aᵀ m A (+ bias[o]) for every tile of output channel o. */
static void wf_output_unit(void *p, int o, int thread) {
  (void)thread;
  wino_ctx *c = p;
  const long ldc = (long)c->TP * NR, plane = (long)c->Mp * MR * ldc;
  const float b = c->bias ? c->bias[o] : 0.0f;
  float yt[9];
  for (int tile = 0; tile < c->T; tile++) {
    output_tile(c->m + o * ldc + tile, plane, yt);
    int n = tile / 9, ty = tile % 9 / 3, tx = tile % 3;
    float *y = c->y + ((size_t)n * c->cout + o) * 81 + ty * 27 + tx * 3;
    for (int a = 0; a < 3; a++)
      for (int bb = 0; bb < 3; bb++) {
        float v = yt[a * 3 + bb] + b;
        y[a * 9 + bb] = c->accumulate ? y[a * 9 + bb] + v : v;
      }
  }
}

/** keisei_conv3x3 by Winograd F(3×3, 3×3): same arguments, same results to rounding. */
int keisei_conv3x3_winograd(int threads, const float *x, const float *w, const float *bias, float *y, int batch,
                            int cin, int cout, int wStrideOut, int wStrideIn, int flip, int accumulate) {
  wino_ctx c = {.w = w, .bias = bias, .y = y, .batch = batch, .cin = cin, .cout = cout, .wso = wStrideOut,
                .wsi = wStrideIn, .flip = flip, .accumulate = accumulate};
  c.T = batch * 9;
  c.TP = (c.T + NR - 1) / NR;
  c.Mp = (cout + MR - 1) / MR;
  c.xpad = pad_batch(threads, x, batch, cin);
  c.ua = grow(&wa_buf, &wa_cap, (size_t)25 * c.Mp * MR * cin);
  c.vb = grow(&wb_buf, &wb_cap, (size_t)25 * c.TP * NR * cin);
  c.m = grow(&wm_buf, &wm_cap, (size_t)25 * c.Mp * MR * c.TP * NR);
  if (!c.xpad || !c.ua || !c.vb || !c.m) return -1;
  run_units(threads, c.Mp, wf_weight_unit, &c);
  run_units(threads, c.TP, wf_input_unit, &c);
  run_units(threads, 25 * 6, wf_gemm_unit, &c);
  run_units(threads, cout, wf_output_unit, &c);
  return 0;
}

/** Weight-gradient unit p: A dy Aᵀ of output channels 6p..6p+5 for every tile, packed ua[ξ][p][tile][6]. */
static void ww_dy_unit(void *p, int panel, int thread) {
  (void)thread;
  wino_ctx *c = p;
  float m[MR][25];
  for (int tile = 0; tile < c->T; tile++) {
    const int n = tile / 9, ty = tile % 9 / 3, tx = tile % 3;
    for (int r = 0; r < MR; r++) {
      const int o = panel * MR + r;
      if (o >= c->cout) {
        memset(m[r], 0, sizeof m[r]);
        continue;
      }
      const float *d = c->dy + ((size_t)n * c->cout + o) * 81 + ty * 27 + tx * 3;
      float t[5][3]; // A dy, A = Aᵀᵀ (5 × 3)
      for (int a = 0; a < 5; a++)
        for (int bb = 0; bb < 3; bb++) t[a][bb] = WAT[0][a] * d[bb] + WAT[1][a] * d[9 + bb] + WAT[2][a] * d[18 + bb];
      for (int a = 0; a < 5; a++)
        for (int bb = 0; bb < 5; bb++)
          m[r][a * 5 + bb] = t[a][0] * WAT[0][bb] + t[a][1] * WAT[1][bb] + t[a][2] * WAT[2][bb];
    }
    for (int xi = 0; xi < 25; xi++) {
      float *d = c->ua + (((size_t)xi * c->Mp + panel) * c->T + tile) * MR;
      for (int r = 0; r < MR; r++) d[r] = m[r][xi];
    }
  }
}

/** Weight-gradient unit p: Bᵀ d B of input channels 16p..16p+15 for every tile, packed vb[ξ][p][tile][16]. */
static void ww_input_unit(void *p, int panel, int thread) {
  (void)thread;
  wino_ctx *c = p;
  float v[NR][25];
  for (int tile = 0; tile < c->T; tile++) {
    const int n = tile / 9, ty = tile % 9 / 3, tx = tile % 3;
    for (int ii = 0; ii < NR; ii++) {
      const int i = panel * NR + ii;
      if (i < c->cin) input_tile(c->xpad + ((size_t)n * c->cin + i) * 121 + ty * 33 + tx * 3, 11, v[ii]);
      else memset(v[ii], 0, sizeof v[ii]);
    }
    for (int xi = 0; xi < 25; xi++) {
      float *d = c->vb + (((size_t)xi * c->IP + panel) * c->T + tile) * NR;
      for (int ii = 0; ii < NR; ii++) d[ii] = v[ii][xi];
    }
  }
}

/** Weight-gradient unit ξ: m[ξ][o][i] = Σ_tiles (A dy Aᵀ)_ξ[o, tile] · (Bᵀ d B)_ξ[tile, i]. */
static void ww_gemm_unit(void *p, int xi, int thread) {
  (void)thread;
  wino_ctx *c = p;
  const long ldc = (long)c->IP * NR;
  gemm_panels(c->ua + (size_t)xi * c->Mp * c->T * MR, c->vb + (size_t)xi * c->IP * c->T * NR, c->Mp, c->T, 0, c->IP,
              c->m + (size_t)xi * c->Mp * MR * ldc, ldc, 0);
}

/** Weight-gradient unit o: dw[o, 9i + t] (+)= (Gᵀ m G)[t] for every input channel i. */
static void ww_output_unit(void *p, int o, int thread) {
  (void)thread;
  wino_ctx *c = p;
  const long ldc = (long)c->IP * NR, plane = (long)c->Mp * MR * ldc;
  for (int i = 0; i < c->cin; i++) {
    const float *m = c->m + o * ldc + i;
    float t[3][5]; // Gᵀ m
    for (int a = 0; a < 3; a++)
      for (int bb = 0; bb < 5; bb++) {
        float s = 0;
        for (int k = 0; k < 5; k++) s += WG[k][a] * m[(k * 5 + bb) * plane];
        t[a][bb] = s;
      }
    float *d = c->dw + ((size_t)o * c->cin + i) * 9;
    for (int a = 0; a < 3; a++)
      for (int bb = 0; bb < 3; bb++) {
        float s = 0;
        for (int k = 0; k < 5; k++) s += t[a][k] * WG[k][bb];
        d[a * 3 + bb] = c->accumulate ? d[a * 3 + bb] + s : s;
      }
  }
}

/** keisei_conv3x3_weight_grad by Winograd F(3×3, 3×3): same arguments, same results to rounding. */
int keisei_conv3x3_weight_grad_winograd(int threads, const float *x, const float *dy, float *dw, int batch, int cin,
                                        int cout, int accumulate) {
  wino_ctx c = {.dy = dy, .dw = dw, .batch = batch, .cin = cin, .cout = cout, .accumulate = accumulate};
  c.T = batch * 9;
  c.Mp = (cout + MR - 1) / MR;
  c.IP = (cin + NR - 1) / NR;
  c.xpad = pad_batch(threads, x, batch, cin);
  c.ua = grow(&wa_buf, &wa_cap, (size_t)25 * c.Mp * MR * c.T);
  c.vb = grow(&wb_buf, &wb_cap, (size_t)25 * c.IP * NR * c.T);
  c.m = grow(&wm_buf, &wm_cap, (size_t)25 * c.Mp * MR * c.IP * NR);
  if (!c.xpad || !c.ua || !c.vb || !c.m) return -1;
  run_units(threads, c.Mp, ww_dy_unit, &c);
  run_units(threads, c.IP, ww_input_unit, &c);
  run_units(threads, 25, ww_gemm_unit, &c);
  run_units(threads, cout, ww_output_unit, &c);
  return 0;
}

// ------------------------------------------------------------------------------------ gather

typedef struct {
  const float *src, *obs;
  float *dst;
  const int *dstCol[2], *srcCol[2];
  int pairs[2];
  int rows, srcCols, dstCols, obsStride, moverAt;
} gather_ctx;

#define GATHER_ROWS 8 // rows per unit of work

/** Unit u: rows [8u, 8u + 8): zeroed, then the mover's mapped pairs copied. */
static void gather_unit(void *p, int unit, int thread) {
  (void)thread;
  gather_ctx *g = p;
  const int r1 = (unit + 1) * GATHER_ROWS < g->rows ? (unit + 1) * GATHER_ROWS : g->rows;
  for (int r = unit * GATHER_ROWS; r < r1; r++) {
    const int mover = g->obs[(long)r * g->obsStride + g->moverAt] > 0.5f ? 0 : 1;
    float *d = g->dst + (long)r * g->dstCols;
    const float *s = g->src + (long)r * g->srcCols;
    memset(d, 0, (size_t)g->dstCols * 4);
    const int *dc = g->dstCol[mover], *sc = g->srcCol[mover];
    for (int i = 0, n = g->pairs[mover]; i < n; i++) d[dc[i]] = s[sc[i]];
  }
}

/**
 * gather.rows, given the table's mapped pairs per mover (dst column ← src column; every other
 * destination is 0): dst[r, dstCol[m][i]] = src[r, srcCol[m][i]], m the mover of row r (obs[r·obsStride
 * + moverAt] > 0.5: Black, 0). Rows split over `threads`. Returns 0.
 */
int keisei_gather_rows(int threads, const float *src, const float *obs, float *dst, const int *dst0, const int *src0,
                       int n0, const int *dst1, const int *src1, int n1, int rows, int srcCols, int dstCols,
                       int obsStride, int moverAt) {
  gather_ctx g = {.src = src, .obs = obs, .dst = dst, .dstCol = {dst0, dst1}, .srcCol = {src0, src1},
                  .pairs = {n0, n1}, .rows = rows, .srcCols = srcCols, .dstCols = dstCols,
                  .obsStride = obsStride, .moverAt = moverAt};
  run_units(threads, (rows + GATHER_ROWS - 1) / GATHER_ROWS, gather_unit, &g);
  return 0;
}
