/*
 * tt_native: optional CPU accelerator for tweet-transformers (plain C, Node-API, OpenBLAS).
 *
 * Every function works in place on Float32Arrays owned by JavaScript (the tfjs cpu backend keeps
 * tensor data in plain typed arrays), synchronously, on the calling thread; OpenBLAS brings its
 * own threads for the matrix products. Shapes are checked here against the arrays' lengths, so a
 * wrong call throws instead of reading out of bounds.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cblas.h>
#include <pthread.h>
#include <node_api.h>

extern char *openblas_get_corename(void);
extern int openblas_get_num_threads(void);
extern void openblas_set_num_threads(int);


/* exp and erf as branch-free inline code, so that loops over them vectorize (libm's are calls).
 * fast_expf: Cephes' expf polynomial, about 1 ulp on [-87, 88]; 0 below, +inf above.
 * fast_erff: Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7 (the formula tfjs's cpu Erf uses). */
static inline float fast_expf(float x) {
  const float hi = 88.3762626647949f, lo = -87.3365447504019f;
  const int under = x < lo, over = x > hi;
  x = x > hi ? hi : (x < lo ? lo : x); /* ternaries, not fminf/fmaxf: those do not vectorize */
  const float t = x * 1.44269504088896341f;
  const int32_t n = (int32_t)(t + (t >= 0.0f ? 0.5f : -0.5f));
  const float fx = (float)n;
  float r = x - fx * 0.693359375f;
  r = r + fx * 2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  union { int32_t i; float f; } scale;
  scale.i = (n + 127) << 23;
  y = y * scale.f;
  y = under ? 0.0f : y;
  return over ? INFINITY : y;
}

static inline float fast_erff(float x) {
  const float ax = fabsf(x);
  const float t = 1.0f / (1.0f + 0.3275911f * ax);
  const float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  const float e = 1.0f - poly * fast_expf(-ax * ax);
  return copysignf(e, x);
}


/* The element-wise loops: 8 lanes at a time with AVX2 where the compiler targets it (GCC does not
 * vectorize the clamps in fast_expf by itself), the same arithmetic lane by lane otherwise. */
#ifdef __AVX2__
#include <immintrin.h>
static inline __m256 exp8(__m256 x) {
  const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3365447504019f);
  const __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ), over = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
  x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
  const __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fmadd_ps(fx, _mm256_set1_ps(2.12194440e-4f), r);
  __m256 y = _mm256_set1_ps(1.9875691500e-4f);
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
  y = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(y, r), r, r), _mm256_set1_ps(1.0f));
  const __m256i n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(n));
  y = _mm256_blendv_ps(y, _mm256_setzero_ps(), under);
  return _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), over);
}

static inline __m256 erf8(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 ax = _mm256_andnot_ps(sign, x);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), ax, one));
  __m256 p = _mm256_set1_ps(1.061405429f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
  p = _mm256_mul_ps(p, t);
  const __m256 e = _mm256_fnmadd_ps(p, exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(ax, ax))), one);
  return _mm256_or_ps(e, _mm256_and_ps(sign, x));
}
#define LANES 8
#else
#define LANES 0
#endif

static void gelu_loop(const float *restrict x, float *restrict y, size_t n) {
  size_t i = 0;
#ifdef __AVX2__
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), s = _mm256_set1_ps((float)M_SQRT1_2);
  for (; i + LANES <= n; i += LANES) {
    const __m256 v = _mm256_loadu_ps(x + i);
    _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, erf8(_mm256_mul_ps(v, s)))));
  }
#endif
  for (; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + fast_erff(x[i] * (float)M_SQRT1_2));
}

static void gelu_grad_loop(const float *restrict x, const float *restrict dy, float *restrict out, size_t n) {
  const float inv_sqrt_2pi = 0.3989422804014327f;
  size_t i = 0;
#ifdef __AVX2__
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), s = _mm256_set1_ps((float)M_SQRT1_2);
  const __m256 c = _mm256_set1_ps(inv_sqrt_2pi), mhalf = _mm256_set1_ps(-0.5f);
  for (; i + LANES <= n; i += LANES) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 cdf = _mm256_mul_ps(half, _mm256_add_ps(one, erf8(_mm256_mul_ps(v, s))));
    const __m256 pdf = _mm256_mul_ps(c, exp8(_mm256_mul_ps(mhalf, _mm256_mul_ps(v, v))));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), _mm256_fmadd_ps(v, pdf, cdf)));
  }
#endif
  for (; i < n; i++) {
    const float v = x[i];
    const float cdf = 0.5f * (1.0f + fast_erff(v * (float)M_SQRT1_2));
    const float pdf = inv_sqrt_2pi * fast_expf(-0.5f * v * v);
    out[i] = dy[i] * (cdf + v * pdf);
  }
}

static void exp_shift_loop(const float *restrict x, float shift, float *restrict y, size_t n) {
  size_t i = 0;
#ifdef __AVX2__
  const __m256 sh = _mm256_set1_ps(shift);
  for (; i + LANES <= n; i += LANES) _mm256_storeu_ps(y + i, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), sh)));
#endif
  for (; i < n; i++) y[i] = fast_expf(x[i] - shift);
}

static void exp_loop(const float *restrict x, float *restrict y, size_t n) { exp_shift_loop(x, 0.0f, y, n); }

static void erf_loop(const float *restrict x, float *restrict y, size_t n) {
  size_t i = 0;
#ifdef __AVX2__
  for (; i + LANES <= n; i += LANES) _mm256_storeu_ps(y + i, erf8(_mm256_loadu_ps(x + i)));
#endif
  for (; i < n; i++) y[i] = fast_erff(x[i]);
}


/* parallel_for(n, min_chunk, fn, ctx): fn(ctx, begin, end, piece) over [0, n) split in up to as many
 * pieces as OpenBLAS has threads (PyTorch's element-wise ops use its threads too); pieces of
 * fewer than min_chunk items are not worth a thread. Results do not depend on the split. */
typedef void (*range_fn)(void *ctx, size_t begin, size_t end, size_t piece);
typedef struct { range_fn fn; void *ctx; size_t begin, end, piece; } job_t;

static void *run_job(void *p) {
  job_t *j = (job_t *)p;
  j->fn(j->ctx, j->begin, j->end, j->piece);
  return NULL;
}

static int pool_threads(void) {
  int t = openblas_get_num_threads();
  return t < 1 ? 1 : (t > 8 ? 8 : t);
}

static void parallel_for(size_t n, size_t min_chunk, range_fn fn, void *ctx) {
  size_t t = (size_t)pool_threads();
  if (min_chunk < 1) min_chunk = 1;
  if (n / min_chunk < t) t = n / min_chunk;
  if (t <= 1) {
    fn(ctx, 0, n, 0);
    return;
  }
  pthread_t th[8];
  job_t jobs[8];
  int started[8] = {0};
  for (size_t i = 1; i < t; i++) {
    jobs[i] = (job_t){fn, ctx, n * i / t, n * (i + 1) / t, i};
    started[i] = pthread_create(&th[i], NULL, run_job, &jobs[i]) == 0;
    if (!started[i]) fn(ctx, jobs[i].begin, jobs[i].end, i);
  }
  fn(ctx, 0, n / t, 0);
  for (size_t i = 1; i < t; i++)
    if (started[i]) pthread_join(th[i], NULL);
}

#define PAR_MIN 32768 /* values per thread, at least */

typedef struct { const float *x, *dy; float *y; } ew_ctx;
static void gelu_range(void *c, size_t b, size_t e, size_t piece_) { (void)piece_; ew_ctx *k = c; gelu_loop(k->x + b, k->y + b, e - b); }
static void gelu_grad_range(void *c, size_t b, size_t e, size_t piece_) { (void)piece_; ew_ctx *k = c; gelu_grad_loop(k->x + b, k->dy + b, k->y + b, e - b); }

#define CHECK(call)                                                                 \
  do {                                                                              \
    if ((call) != napi_ok) {                                                        \
      napi_throw_error(env, NULL, "tt_native: N-API call failed: " #call);          \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

#define REQUIRE(cond, msg)                                                          \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      napi_throw_error(env, NULL, "tt_native: " msg);                               \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

/* A Float32Array argument (or null when allow_null): data pointer and element count. */
static int get_f32(napi_env env, napi_value v, float **data, size_t *len, int allow_null) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (allow_null && (t == napi_null || t == napi_undefined)) {
    *data = NULL;
    *len = 0;
    return 1;
  }
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  napi_typedarray_type type;
  size_t length;
  void *ptr;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, &ab, &offset) != napi_ok) return 0;
  if (type != napi_float32_array) return 0;
  *data = (float *)ptr;
  *len = length;
  return 1;
}

static int get_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static int get_f64(napi_env env, napi_value v, double *out) {
  return napi_get_value_double(env, v, out) == napi_ok;
}

static int get_bool(napi_env env, napi_value v, bool *out) {
  return napi_get_value_bool(env, v, out) == napi_ok;
}

/* bmm(a, b, out, batch, batchA, batchB, M, N, K, transA, transB, bias|null)
 * out[i] = op(a[i % batchA]) @ op(b[i % batchB]) (+ bias broadcast over rows), row-major. */
static napi_value Bmm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value args[12];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  REQUIRE(argc == 12, "bmm expects 12 arguments");
  float *a, *b, *c, *bias;
  size_t la, lb, lc, lbias;
  int64_t batch, batchA, batchB, M, N, K;
  bool tA, tB;
  REQUIRE(get_f32(env, args[0], &a, &la, 0) && get_f32(env, args[1], &b, &lb, 0) &&
              get_f32(env, args[2], &c, &lc, 0) && get_f32(env, args[11], &bias, &lbias, 1),
          "bmm: a, b, out must be Float32Arrays, bias a Float32Array or null");
  REQUIRE(get_i64(env, args[3], &batch) && get_i64(env, args[4], &batchA) &&
              get_i64(env, args[5], &batchB) && get_i64(env, args[6], &M) &&
              get_i64(env, args[7], &N) && get_i64(env, args[8], &K) &&
              get_bool(env, args[9], &tA) && get_bool(env, args[10], &tB),
          "bmm: bad sizes or flags");
  REQUIRE(batch > 0 && batchA > 0 && batchB > 0 && M >= 0 && N >= 0 && K >= 0, "bmm: bad sizes");
  REQUIRE((size_t)(batchA * M * K) == la && (size_t)(batchB * K * N) == lb &&
              (size_t)(batch * M * N) == lc && (bias == NULL || (size_t)N == lbias),
          "bmm: array lengths do not match the shapes");
  if (M == 0 || N == 0) return NULL;
  if (K == 0) {
    for (int64_t i = 0; i < batch * M; i++) {
      for (int64_t j = 0; j < N; j++) c[i * N + j] = bias ? bias[j] : 0.0f;
    }
    return NULL;
  }
  const int lda = tA ? (int)M : (int)K;
  const int ldb = tB ? (int)K : (int)N;
  const enum CBLAS_TRANSPOSE opA = tA ? CblasTrans : CblasNoTrans;
  const enum CBLAS_TRANSPOSE opB = tB ? CblasTrans : CblasNoTrans;
  float beta = 0.0f;
  if (bias) {
    for (int64_t i = 0; i < batch * M; i++) memcpy(c + i * N, bias, (size_t)N * sizeof(float));
    beta = 1.0f;
  }
  if (batchB == 1 && batchA == batch && !tA) {
    /* Rows of all batches of a are one (batch*M) x K matrix: one large product. */
    cblas_sgemm(CblasRowMajor, opA, opB, (int)(batch * M), (int)N, (int)K, 1.0f, a, lda, b, ldb,
                beta, c, (int)N);
    return NULL;
  }
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, opA, opB, (int)M, (int)N, (int)K, 1.0f, a + (i % batchA) * M * K,
                lda, b + (i % batchB) * K * N, ldb, beta, c + i * M * N, (int)N);
  }
  return NULL;
}

/* gelu(x, out): exact GELU, 0.5 x (1 + erf(x / sqrt 2)). */
static napi_value Gelu(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  REQUIRE(argc == 2 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &y, &ly, 0) &&
              lx == ly,
          "gelu(x, out) expects two Float32Arrays of one length");
  ew_ctx k = {x, NULL, y};
  parallel_for(lx, PAR_MIN, gelu_range, &k);
  return NULL;
}

/* geluGrad(x, dy, out): dy * d/dx gelu(x). */
static napi_value GeluGrad(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *dy, *out;
  size_t lx, ldy, lo;
  REQUIRE(argc == 3 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &dy, &ldy, 0) &&
              get_f32(env, args[2], &out, &lo, 0) && lx == ldy && lx == lo,
          "geluGrad(x, dy, out) expects three Float32Arrays of one length");
  ew_ctx k = {x, dy, out};
  parallel_for(lx, PAR_MIN, gelu_grad_range, &k);
  return NULL;
}

typedef struct { const float *x; float *y; size_t cols; } softmax_ctx;
static void softmax_range(void *c, size_t r0, size_t r1, size_t piece_) {
  (void)piece_;
  softmax_ctx *k = c;
  const size_t cols = k->cols;
  for (size_t r = r0; r < r1; r++) {
    const float *xr = k->x + r * cols;
    float *yr = k->y + r * cols;
    float mx = -INFINITY;
    for (size_t j = 0; j < cols; j++) mx = xr[j] > mx ? xr[j] : mx;
    exp_shift_loop(xr, mx, yr, cols);
    float sum = 0.0f;
    for (size_t j = 0; j < cols; j++) sum += yr[j];
    const float inv = 1.0f / sum;
    for (size_t j = 0; j < cols; j++) yr[j] *= inv;
  }
}

/* softmax(x, out, cols): softmax over each row of `cols` values. */
static napi_value Softmax(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  int64_t cols;
  REQUIRE(argc == 3 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &y, &ly, 0) &&
              get_i64(env, args[2], &cols) && lx == ly && cols > 0 && lx % (size_t)cols == 0,
          "softmax(x, out, cols) expects two Float32Arrays of one length, a multiple of cols");
  softmax_ctx k = {x, y, (size_t)cols};
  const size_t rows = lx / (size_t)cols;
  parallel_for(rows, PAR_MIN / (size_t)cols + 1, softmax_range, &k);
  return NULL;
}

typedef struct { float *p; const float *g; float *m, *v; float fb1, fb2, omb1, omb2, feps, bc2_sqrt, step_size, decay, scale; } adamw_ctx;
static void adamw_range(void *c, size_t b, size_t e, size_t piece_) {
  (void)piece_;
  adamw_ctx *k = c;
  float *restrict p = k->p, *restrict m = k->m, *restrict v = k->v;
  const float *restrict g = k->g;
  for (size_t i = b; i < e; i++) {
    const float gi = g[i] * k->scale;
    const float mi = k->fb1 * m[i] + k->omb1 * gi;
    const float vi = k->fb2 * v[i] + k->omb2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * k->decay - (mi / (sqrtf(vi) / k->bc2_sqrt + k->feps)) * k->step_size;
  }
}

/* adamw(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step[, gradScale]): one AdamW
 * update in one pass, in place on param, m and v (PyTorch's torch.optim.AdamW, decoupled weight
 * decay), the gradient first multiplied by gradScale in float32 (clip_grad_norm_'s g.mul_(coef)). */
static napi_value AdamW(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value args[11];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *p, *g, *m, *v;
  size_t lp, lg, lm, lv;
  double lr, b1, b2, eps, wd, stepd;
  double scale = 1.0;
  REQUIRE((argc == 10 || argc == 11) && get_f32(env, args[0], &p, &lp, 0) && get_f32(env, args[1], &g, &lg, 0) &&
              get_f32(env, args[2], &m, &lm, 0) && get_f32(env, args[3], &v, &lv, 0) &&
              lp == lg && lp == lm && lp == lv,
          "adamw: param, grad, m, v must be Float32Arrays of one length");
  REQUIRE(get_f64(env, args[4], &lr) && get_f64(env, args[5], &b1) && get_f64(env, args[6], &b2) &&
              get_f64(env, args[7], &eps) && get_f64(env, args[8], &wd) &&
              get_f64(env, args[9], &stepd) && stepd >= 1 && (argc == 10 || get_f64(env, args[10], &scale)),
          "adamw: lr, beta1, beta2, eps, weightDecay, gradScale must be numbers and step >= 1");
  const float bc1 = (float)(1.0 - pow(b1, stepd));
  const float bc2_sqrt = (float)sqrt(1.0 - pow(b2, stepd));
  const float step_size = (float)lr / bc1;
  const float decay = (float)(1.0 - lr * wd);
  /* 1 - beta in double, then rounded: (1.0f - 0.999f) is 1.3e-5 off. */
  const float fb1 = (float)b1, fb2 = (float)b2, omb1 = (float)(1.0 - b1), omb2 = (float)(1.0 - b2);
  const float feps = (float)eps;
  adamw_ctx k = {p, g, m, v, fb1, fb2, omb1, omb2, feps, bc2_sqrt, step_size, decay, (float)scale};
  parallel_for(lp, PAR_MIN, adamw_range, &k);
  return NULL;
}


/* transpose(x, out, shape[], perm[]): out = x transposed by perm (rank <= 8). */
static napi_value Transpose(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  REQUIRE(argc == 4 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &y, &ly, 0) &&
              lx == ly,
          "transpose(x, out, shape, perm) expects two Float32Arrays of one length");
  uint32_t rank, prank;
  REQUIRE(napi_get_array_length(env, args[2], &rank) == napi_ok &&
              napi_get_array_length(env, args[3], &prank) == napi_ok && rank == prank && rank >= 1 &&
              rank <= 8,
          "transpose: shape and perm must be arrays of one length, 1 to 8");
  int64_t shape[8], perm[8], in_strides[8], out_shape[8], src_stride[8], idx[8];
  size_t total = 1;
  for (uint32_t i = 0; i < rank; i++) {
    napi_value e;
    CHECK(napi_get_element(env, args[2], i, &e));
    REQUIRE(get_i64(env, e, &shape[i]) && shape[i] >= 0, "transpose: bad shape");
    CHECK(napi_get_element(env, args[3], i, &e));
    REQUIRE(get_i64(env, e, &perm[i]) && perm[i] >= 0 && perm[i] < rank, "transpose: bad perm");
    total *= (size_t)shape[i];
  }
  REQUIRE(total == lx, "transpose: the arrays' length does not match the shape");
  if (total == 0) return NULL;
  in_strides[rank - 1] = 1;
  for (int i = (int)rank - 2; i >= 0; i--) in_strides[i] = in_strides[i + 1] * shape[i + 1];
  for (uint32_t i = 0; i < rank; i++) {
    out_shape[i] = shape[perm[i]];
    src_stride[i] = in_strides[perm[i]];
    idx[i] = 0;
  }
  /* Walk the output in order; the innermost output axis is copied with its source stride. */
  const int64_t inner = out_shape[rank - 1], inner_stride = src_stride[rank - 1];
  size_t o = 0;
  int64_t src = 0;
  while (o < total) {
    const float *xs = x + src;
    if (inner_stride == 1) {
      memcpy(y + o, xs, (size_t)inner * sizeof(float));
    } else {
      for (int64_t j = 0; j < inner; j++) y[o + j] = xs[j * inner_stride];
    }
    o += (size_t)inner;
    for (int d = (int)rank - 2; d >= 0; d--) {
      idx[d]++;
      src += src_stride[d];
      if (idx[d] < out_shape[d]) break;
      src -= src_stride[d] * out_shape[d];
      idx[d] = 0;
    }
  }
  return NULL;
}


/* Shapes as JS arrays of at most 8 non-negative integers. */
static int get_shape(napi_env env, napi_value v, int64_t *shape, uint32_t *rank) {
  if (napi_get_array_length(env, v, rank) != napi_ok || *rank > 8) return 0;
  for (uint32_t i = 0; i < *rank; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || !get_i64(env, e, &shape[i]) || shape[i] < 0) return 0;
  }
  return 1;
}

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3 };

#define BINARY_LOOP(EXPR)                                                            \
  for (int64_t j = 0; j < inner; j++) {                                              \
    const float x = xa[j * sa], y = xb[j * sb];                                      \
    out[j] = (EXPR);                                                                 \
  }

static void binary_inner(int op, const float *xa, int64_t sa, const float *xb, int64_t sb, float *out,
                         int64_t inner) {
  switch (op) {
    case OP_ADD: BINARY_LOOP(x + y) break;
    case OP_SUB: BINARY_LOOP(x - y) break;
    case OP_MUL: BINARY_LOOP(x * y) break;
    default: BINARY_LOOP(x / y) break;
  }
}

typedef struct { int op; const float *a, *b; float *c; uint32_t orank; int64_t os[8], sa[8], sb[8]; } binary_ctx;
/* Output rows [r0, r1) (a row: the innermost axis). */
static void binary_range(void *ctx, size_t r0, size_t r1, size_t piece_) {
  (void)piece_;
  binary_ctx *k = ctx;
  const uint32_t orank = k->orank;
  const int64_t inner = k->os[orank - 1];
  int64_t idx[8] = {0};
  int64_t pa = 0, pb = 0;
  size_t rem = r0;
  for (int d = (int)orank - 2; d >= 0; d--) {
    idx[d] = (int64_t)(rem % (size_t)k->os[d]);
    rem /= (size_t)k->os[d];
    pa += idx[d] * k->sa[d];
    pb += idx[d] * k->sb[d];
  }
  for (size_t r = r0; r < r1; r++) {
    binary_inner(k->op, k->a + pa, k->sa[orank - 1], k->b + pb, k->sb[orank - 1], k->c + r * (size_t)inner, inner);
    for (int d = (int)orank - 2; d >= 0; d--) {
      idx[d]++;
      pa += k->sa[d];
      pb += k->sb[d];
      if (idx[d] < k->os[d]) break;
      pa -= k->sa[d] * k->os[d];
      pb -= k->sb[d] * k->os[d];
      idx[d] = 0;
    }
  }
}

/* binary(op, a, b, out, outShape, aShape, bShape): out = a op b with numpy broadcasting. */
static napi_value Binary(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value args[7];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  int64_t op;
  float *a, *b, *c;
  size_t la, lb, lc;
  int64_t os[8], as_[8], bs[8];
  uint32_t orank, arank, brank;
  REQUIRE(argc == 7 && get_i64(env, args[0], &op) && op >= 0 && op <= 3 &&
              get_f32(env, args[1], &a, &la, 0) && get_f32(env, args[2], &b, &lb, 0) &&
              get_f32(env, args[3], &c, &lc, 0) && get_shape(env, args[4], os, &orank) &&
              get_shape(env, args[5], as_, &arank) && get_shape(env, args[6], bs, &brank) &&
              arank <= orank && brank <= orank,
          "binary(op, a, b, out, outShape, aShape, bShape): bad arguments");
  size_t total = 1, ta = 1, tb = 1;
  for (uint32_t i = 0; i < orank; i++) total *= (size_t)os[i];
  for (uint32_t i = 0; i < arank; i++) ta *= (size_t)as_[i];
  for (uint32_t i = 0; i < brank; i++) tb *= (size_t)bs[i];
  REQUIRE(total == lc && ta == la && tb == lb, "binary: array lengths do not match the shapes");
  if (total == 0) return NULL;
  /* Broadcast strides of a and b over the output's axes (0 on broadcast axes). */
  int64_t sa[8], sb[8];
  {
    int64_t st = 1;
    for (int i = (int)orank - 1, k = (int)arank - 1; i >= 0; i--, k--) {
      const int64_t d = k >= 0 ? as_[k] : 1;
      REQUIRE(d == os[i] || d == 1, "binary: shapes do not broadcast");
      sa[i] = d == 1 ? 0 : st;
      st *= d;
    }
    st = 1;
    for (int i = (int)orank - 1, k = (int)brank - 1; i >= 0; i--, k--) {
      const int64_t d = k >= 0 ? bs[k] : 1;
      REQUIRE(d == os[i] || d == 1, "binary: shapes do not broadcast");
      sb[i] = d == 1 ? 0 : st;
      st *= d;
    }
  }
  if (orank == 0) {
    binary_inner((int)op, a, 0, b, 0, c, 1);
    return NULL;
  }
  binary_ctx k = {(int)op, a, b, c, orank};
  memcpy(k.os, os, sizeof os);
  memcpy(k.sa, sa, sizeof sa);
  memcpy(k.sb, sb, sizeof sb);
  const size_t inner = (size_t)os[orank - 1];
  if (inner == 0) return NULL;
  parallel_for(total / inner, PAR_MIN / inner + 1, binary_range, &k);
  return NULL;
}

enum { U_EXP = 0, U_SQRT = 1, U_RSQRT = 2, U_NEG = 3, U_SQUARE = 4, U_ERF = 5, U_RELU = 6, U_LOG = 7 };

typedef struct { int op; const float *x; float *y; } unary_ctx;
static void unary_range(void *c, size_t b, size_t e, size_t piece_) {
  (void)piece_;
  unary_ctx *k = c;
  const float *restrict x = k->x + b;
  float *restrict y = k->y + b;
  const size_t n = e - b;
  switch (k->op) {
    case U_EXP: exp_loop(x, y, n); break;
    case U_SQRT: for (size_t i = 0; i < n; i++) y[i] = sqrtf(x[i]); break;
    case U_RSQRT: for (size_t i = 0; i < n; i++) y[i] = 1.0f / sqrtf(x[i]); break;
    case U_NEG: for (size_t i = 0; i < n; i++) y[i] = -x[i]; break;
    case U_SQUARE: for (size_t i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
    case U_ERF: erf_loop(x, y, n); break;
    case U_RELU: for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : (x[i] == x[i] ? 0.0f : x[i]); break;
    default: for (size_t i = 0; i < n; i++) y[i] = logf(x[i]); break;
  }
}

/* unary(op, x, out) */
static napi_value Unary(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  int64_t op;
  float *x, *y;
  size_t lx, ly;
  REQUIRE(argc == 3 && get_i64(env, args[0], &op) && op >= 0 && op <= 7 &&
              get_f32(env, args[1], &x, &lx, 0) && get_f32(env, args[2], &y, &ly, 0) && lx == ly,
          "unary(op, x, out): bad arguments");
  unary_ctx k = {(int)op, x, y};
  parallel_for(lx, PAR_MIN, unary_range, &k);
  return NULL;
}

/* reduceRows(x, out, cols, mean): out[r] = sum (or mean) of row r of `cols` values; 8 float lanes, then double. */
static napi_value ReduceRows(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  int64_t cols;
  bool mean;
  REQUIRE(argc == 4 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &y, &ly, 0) &&
              get_i64(env, args[2], &cols) && get_bool(env, args[3], &mean) && cols > 0 &&
              lx == ly * (size_t)cols,
          "reduceRows(x, out, cols, mean): bad arguments");
  for (size_t r = 0; r < ly; r++) {
    const float *xr = x + r * cols;
    float acc[8] = {0};
    int64_t j = 0;
    for (; j + 8 <= cols; j += 8)
      for (int u = 0; u < 8; u++) acc[u] += xr[j + u];
    double s = 0;
    for (int u = 0; u < 8; u++) s += acc[u];
    for (; j < cols; j++) s += xr[j];
    y[r] = (float)(mean ? s / (double)cols : s);
  }
  return NULL;
}

/* reduceCols(x, out, rows, mean): out[j] = sum (or mean) over the rows of column j. */
static napi_value ReduceCols(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  int64_t rows;
  bool mean;
  REQUIRE(argc == 4 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &y, &ly, 0) &&
              get_i64(env, args[2], &rows) && get_bool(env, args[3], &mean) && rows > 0 &&
              lx == ly * (size_t)rows,
          "reduceCols(x, out, rows, mean): bad arguments");
  const size_t cols = ly;
  double *acc = calloc(cols, sizeof(double));
  REQUIRE(acc != NULL, "reduceCols: out of memory");
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * cols;
    for (size_t j = 0; j < cols; j++) acc[j] += xr[j];
  }
  for (size_t j = 0; j < cols; j++) y[j] = (float)(mean ? acc[j] / (double)rows : acc[j]);
  free(acc);
  return NULL;
}


typedef struct {
  const float *x, *g, *b, *dy;
  float *y; /* forward: out; backward: dx */
  double *acc; /* backward: per piece, dgamma then dbeta (cols each) */
  size_t cols;
  double eps;
} ln_ctx;

static void ln_row_stats(const float *xr, size_t cols, double eps, float *mean, float *rstd) {
  double s = 0;
  for (size_t j = 0; j < cols; j++) s += xr[j];
  const float mu = (float)(s / (double)cols);
  double q = 0;
  for (size_t j = 0; j < cols; j++) {
    const float d = xr[j] - mu;
    q += (double)d * d;
  }
  *mean = mu;
  *rstd = (float)(1.0 / sqrt(q / (double)cols + eps));
}

static void ln_range(void *c, size_t r0, size_t r1, size_t piece_) {
  (void)piece_;
  ln_ctx *k = c;
  const size_t cols = k->cols;
  for (size_t r = r0; r < r1; r++) {
    const float *xr = k->x + r * cols;
    float *yr = k->y + r * cols;
    float mean, rstd;
    ln_row_stats(xr, cols, k->eps, &mean, &rstd);
    for (size_t j = 0; j < cols; j++) yr[j] = (xr[j] - mean) * rstd * k->g[j] + k->b[j];
  }
}

static void ln_grad_range(void *c, size_t r0, size_t r1, size_t piece) {
  ln_ctx *k = c;
  const size_t cols = k->cols;
  double *acc_g = k->acc + 2 * piece * cols, *acc_b = acc_g + cols;
  for (size_t r = r0; r < r1; r++) {
    const float *xr = k->x + r * cols, *dyr = k->dy + r * cols;
    float *dxr = k->y + r * cols;
    float mean, rstd;
    ln_row_stats(xr, cols, k->eps, &mean, &rstd);
    double sum_dxh = 0, sum_dxh_xh = 0;
    for (size_t j = 0; j < cols; j++) {
      const float xh = (xr[j] - mean) * rstd;
      const float dxh = dyr[j] * k->g[j];
      sum_dxh += dxh;
      sum_dxh_xh += (double)dxh * xh;
      acc_g[j] += (double)dyr[j] * xh;
      acc_b[j] += dyr[j];
    }
    const float m1 = (float)(sum_dxh / (double)cols), m2 = (float)(sum_dxh_xh / (double)cols);
    for (size_t j = 0; j < cols; j++) {
      const float xh = (xr[j] - mean) * rstd;
      dxr[j] = rstd * (dyr[j] * k->g[j] - m1 - xh * m2);
    }
  }
}

/* layerNorm(x, gamma, beta, out, cols, eps): per row of `cols` values,
 * out = (x - mean) / sqrt(var + eps) * gamma + beta (biased variance, as PyTorch). */
static napi_value LayerNorm(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *g, *b, *y;
  size_t lx, lg, lb, ly;
  int64_t cols;
  double eps;
  REQUIRE(argc == 6 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &g, &lg, 0) &&
              get_f32(env, args[2], &b, &lb, 0) && get_f32(env, args[3], &y, &ly, 0) &&
              get_i64(env, args[4], &cols) && get_f64(env, args[5], &eps) && cols > 0 &&
              lg == (size_t)cols && lb == (size_t)cols && lx == ly && lx % (size_t)cols == 0,
          "layerNorm(x, gamma, beta, out, cols, eps): bad arguments");
  ln_ctx k = {x, g, b, NULL, y, NULL, (size_t)cols, eps};
  parallel_for(lx / (size_t)cols, PAR_MIN / (size_t)cols + 1, ln_range, &k);
  return NULL;
}

/* layerNormGrad(x, gamma, dy, dx, dgamma, dbeta, cols, eps): the three gradients of layerNorm. */
static napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value args[8];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x, *g, *dy, *dx, *dg, *db;
  size_t lx, lg, ldy, ldx, ldg, ldb;
  int64_t cols;
  double eps;
  REQUIRE(argc == 8 && get_f32(env, args[0], &x, &lx, 0) && get_f32(env, args[1], &g, &lg, 0) &&
              get_f32(env, args[2], &dy, &ldy, 0) && get_f32(env, args[3], &dx, &ldx, 0) &&
              get_f32(env, args[4], &dg, &ldg, 0) && get_f32(env, args[5], &db, &ldb, 0) &&
              get_i64(env, args[6], &cols) && get_f64(env, args[7], &eps) && cols > 0 &&
              lg == (size_t)cols && ldg == (size_t)cols && ldb == (size_t)cols && lx == ldy &&
              lx == ldx && lx % (size_t)cols == 0,
          "layerNormGrad(x, gamma, dy, dx, dgamma, dbeta, cols, eps): bad arguments");
  const size_t rows = lx / (size_t)cols;
  const size_t t = (size_t)pool_threads();
  double *acc = calloc((size_t)cols * 2 * t, sizeof(double));
  REQUIRE(acc != NULL, "layerNormGrad: out of memory");
  ln_ctx k = {x, g, NULL, dy, dx, acc, (size_t)cols, eps};
  /* One accumulator pair per piece (per thread), added up in piece order. */
  parallel_for(rows, PAR_MIN / (size_t)cols + 1, ln_grad_range, &k);
  for (int64_t j = 0; j < cols; j++) {
    double sg = 0, sb = 0;
    for (size_t i = 0; i < t; i++) {
      sg += acc[(2 * i) * cols + j];
      sb += acc[(2 * i + 1) * cols + j];
    }
    dg[j] = (float)sg;
    db[j] = (float)sb;
  }
  free(acc);
  return NULL;
}


/* dropoutMask(out, p, s0, s1, s2, c): tf.dropout's multiplier, floor(u + (1 - p)) / (1 - p) in
 * float32, with u the stream of seedrandom's Alea generator from the state (s0, s1, s2, c) that
 * its Mash seeding gives (computed in JavaScript): the same mask as tf.dropout with that seed. */
static napi_value DropoutMask(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *y;
  size_t ly;
  double p, s0, s1, s2, c;
  REQUIRE(argc == 6 && get_f32(env, args[0], &y, &ly, 0) && get_f64(env, args[1], &p) &&
              get_f64(env, args[2], &s0) && get_f64(env, args[3], &s1) && get_f64(env, args[4], &s2) &&
              get_f64(env, args[5], &c) && p >= 0 && p < 1,
          "dropoutMask(out, p, s0, s1, s2, c): bad arguments");
  const float keep = (float)(1.0 - p);
  for (size_t i = 0; i < ly; i++) {
    const double t = 2091639.0 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = (double)(int32_t)t; /* t | 0: t is in [0, 2091640) */
    s2 = t - c;
    const float u = (float)s2;
    y[i] = floorf(u + keep) / keep;
  }
  return NULL;
}


/* sumSquares(x): the sum of x[i]^2, in double (the gradient norm for clipping, in one pass). */
typedef struct { const float *x; double part[8]; } sumsq_ctx;
static void sumsq_range(void *c, size_t b, size_t e, size_t piece) {
  sumsq_ctx *k = c;
  double acc = 0;
  size_t i = b;
  /* 16 float lanes (vectorised) over blocks of 4096 values, each block's sum added in double. */
  while (i + 4096 <= e) {
    float lanes[16] = {0};
    for (size_t end = i + 4096; i < end; i += 16)
      for (int u = 0; u < 16; u++) lanes[u] += k->x[i + u] * k->x[i + u];
    for (int u = 0; u < 16; u++) acc += lanes[u];
  }
  for (; i < e; i++) acc += (double)k->x[i] * k->x[i];
  k->part[piece] = acc;
}

static napi_value SumSquares(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  float *x;
  size_t lx;
  REQUIRE(argc == 1 && get_f32(env, args[0], &x, &lx, 0), "sumSquares(x) expects a Float32Array");
  sumsq_ctx k;
  memset(&k, 0, sizeof k);
  k.x = x;
  parallel_for(lx, PAR_MIN, sumsq_range, &k);
  double total = 0;
  for (int i = 0; i < 8; i++) total += k.part[i];
  CHECK(napi_create_double(env, total, &out));
  return out;
}

static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, core, threads;
  CHECK(napi_create_object(env, &obj));
  const char *name = openblas_get_corename();
  CHECK(napi_create_string_utf8(env, name ? name : "unknown", NAPI_AUTO_LENGTH, &core));
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &threads));
  CHECK(napi_set_named_property(env, obj, "blasCore", core));
  CHECK(napi_set_named_property(env, obj, "blasThreads", threads));
  return obj;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  int64_t n;
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  REQUIRE(argc == 1 && get_i64(env, args[0], &n) && n >= 1, "setThreads(n) expects n >= 1");
  openblas_set_num_threads((int)n);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"bmm", NULL, Bmm, NULL, NULL, NULL, napi_default, NULL},
      {"gelu", NULL, Gelu, NULL, NULL, NULL, napi_default, NULL},
      {"geluGrad", NULL, GeluGrad, NULL, NULL, NULL, napi_default, NULL},
      {"softmax", NULL, Softmax, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, AdamW, NULL, NULL, NULL, napi_default, NULL},
      {"transpose", NULL, Transpose, NULL, NULL, NULL, napi_default, NULL},
      {"binary", NULL, Binary, NULL, NULL, NULL, napi_default, NULL},
      {"unary", NULL, Unary, NULL, NULL, NULL, napi_default, NULL},
      {"reduceRows", NULL, ReduceRows, NULL, NULL, NULL, napi_default, NULL},
      {"reduceCols", NULL, ReduceCols, NULL, NULL, NULL, napi_default, NULL},
      {"layerNorm", NULL, LayerNorm, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormGrad", NULL, LayerNormGrad, NULL, NULL, NULL, napi_default, NULL},
      {"dropoutMask", NULL, DropoutMask, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, SumSquares, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
