// @kernel fully_connected_f32
/* y[M][N] = x[M][K] * w[N][K]^T + bias[N], clamped. */
static void emlc_fully_connected_f32(const float *x, const float *w, const float *bias, float *y,
                                     int32_t M, int32_t K, int32_t N, float lo, float hi) {
  int32_t m, n, k;
  for (m = 0; m < M; ++m)
    for (n = 0; n < N; ++n) {
      const float *xr = x + (int64_t)m * K, *wr = w + (int64_t)n * K;
      float acc = bias[n];
      for (k = 0; k < K; ++k)
        acc += xr[k] * wr[k];
      y[(int64_t)m * N + n] = EMLC_CLAMP(acc, lo, hi);
    }
}

// @kernel matmul_impl
/* Batched y[b] = a[aoff[b]] (M x K) * b[boff[b]] (K x N); offsets are precomputed
   by the compiler for numpy batch broadcasting. */
#define EMLC_MATMUL(NAME, T)                                                                   \
  static void emlc_##NAME(const T *a, const T *b, T *y, int32_t B, int32_t M,                  \
                              int32_t K, int32_t N, const int32_t *aoff, const int32_t *boff) {\
    int32_t t, m, n, k;                                                                        \
    for (t = 0; t < B; ++t) {                                                                  \
      const T *at = a + aoff[t], *bt = b + boff[t];                                            \
      T *yt = y + (int64_t)t * M * N;                                                          \
      for (m = 0; m < M; ++m) {                                                                \
        for (n = 0; n < N; ++n)                                                                \
          yt[m * N + n] = (T)0;                                                                \
        for (k = 0; k < K; ++k) {                                                              \
          const T av = at[m * K + k];                                                          \
          const T *br = bt + (int64_t)k * N;                                                   \
          for (n = 0; n < N; ++n)                                                              \
            yt[m * N + n] += av * br[n];                                                       \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }
// @kernel matmul_f32
// @requires matmul_impl
EMLC_MATMUL(matmul_f32, float)
// @kernel matmul_i32
// @requires matmul_impl
EMLC_MATMUL(matmul_i32, int32_t)
