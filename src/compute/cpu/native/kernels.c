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
// claimed one at a time by the calling thread and the workers.

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
    claim_units(thread);
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

/** Starts `threads` threads in all (the caller included); returns the number running. */
int keisei_native_init(int threads) {
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  for (int t = 0; t < MAX_THREADS; t++)
    if (!bpack_buf[t]) bpack_buf[t] = aligned_alloc(64, (size_t)KC * NC * 4);
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
