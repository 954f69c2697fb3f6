// @kernel sse41_f32_impl
/* SSE4.1 float kernels (x86-64 without AVX2/FMA): 4-lane vectors, multiply
   then add (no FMA on these cores). */
#if !defined(__SSE4_1__)
#error "this module was compiled for an x86-64 target with SSE4.1 kernels: build it with -msse4.1"
#endif
#include <immintrin.h>
#ifndef EMLC_NOINLINE
#define EMLC_NOINLINE __attribute__((noinline)) /* a GEMM tile keeps its registers */
#endif

// @kernel conv2d_f32_sse41
// @requires sse41_f32_impl
// @requires im2col_f32_impl
/* Float convolution (one group, NCHW, any kernel/stride/dilation/padding):
   4 output channels x 8 output pixels per tile (two vectors of 4 pixels, 8
   accumulators), per tap 2 loads of the pixels' im2col column, 4 broadcasts
   of the channels' weights (wp: [ceil(M/4)][K][4], zero channels completing
   M, packed by the compiler) and 8 multiplies + 8 adds. The column of 8
   pixels (col: K*8 floats, emlc_im2col_f32 of the scalar folder) is built
   once per pixel group and serves every channel block. Each output is bias
   + the taps' products in order (no FMA): within float tolerance of
   conv2d_f32. */
#define EMLC_SSE_ROW(r)                                                                                           \
  w = _mm_set1_ps(wk[r]), a##r##0 = _mm_add_ps(a##r##0, _mm_mul_ps(w, c0)), a##r##1 = _mm_add_ps(a##r##1, _mm_mul_ps(w, c1))
static EMLC_NOINLINE void emlc_gemm4x8_f32(const float *wk, int32_t K, const float *cp, const float *b4, float *t) {
  __m128 a00 = _mm_set1_ps(b4[0]), a01 = a00, a10 = _mm_set1_ps(b4[1]), a11 = a10, a20 = _mm_set1_ps(b4[2]), a21 = a20,
         a30 = _mm_set1_ps(b4[3]), a31 = a30;
  int32_t k;
  for (k = 0; k < K; ++k, wk += 4, cp += 8) {
    const __m128 c0 = _mm_loadu_ps(cp), c1 = _mm_loadu_ps(cp + 4);
    __m128 w;
    EMLC_SSE_ROW(0), EMLC_SSE_ROW(1), EMLC_SSE_ROW(2), EMLC_SSE_ROW(3);
  }
  _mm_storeu_ps(t, a00), _mm_storeu_ps(t + 4, a01), _mm_storeu_ps(t + 8, a10), _mm_storeu_ps(t + 12, a11);
  _mm_storeu_ps(t + 16, a20), _mm_storeu_ps(t + 20, a21), _mm_storeu_ps(t + 24, a30), _mm_storeu_ps(t + 28, a31);
}
#undef EMLC_SSE_ROW
static void emlc_conv2d_f32_sse41(const float *x, const float *wp, const float *bias, float *col, float *y, int32_t N,
                                  int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                                  int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                  const int32_t *taps, float lo, float hi) {
  const int32_t K = C * KH * KW, P = OH * OW;
  int32_t n, p, mb, r, j;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W;
    float *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 8) {
      const int32_t cnt = EMLC_MIN(8, P - p);
      emlc_im2col_f32(xn, col, 8, p, cnt, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, taps);
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        float b4[4], t[4 * 8];
        for (r = 0; r < 4; ++r)
          b4[r] = r < rows ? bias[mb + r] : 0.0f;
        emlc_gemm4x8_f32(wp + (int64_t)mb * K, K, col, b4, t);
        for (r = 0; r < rows; ++r)
          for (j = 0; j < cnt; ++j)
            yn[(int64_t)(mb + r) * P + p + j] = EMLC_CLAMP(t[8 * r + j], lo, hi);
      }
    }
  }
}

// @kernel fully_connected_f32_sse41
// @requires sse41_f32_impl
/* y[B][N] = x[B][K] * w[N][K]^T + bias[N], clamped: four rows of w against
   the input row per pass, 4 lanes of K per multiply-add, the K % 4 rest and
   the horizontal sums in scalar code (sums in another order than
   fully_connected_f32: within float tolerance of it). */
static void emlc_fully_connected_f32_sse41(const float *x, const float *w, const float *bias, float *y, int32_t B,
                                           int32_t K, int32_t N, float lo, float hi) {
  const int32_t K4 = K & ~3;
  int32_t bi, n, k, i;
  for (bi = 0; bi < B; ++bi) {
    const float *xr = x + (int64_t)bi * K;
    float *yr = y + (int64_t)bi * N;
    for (n = 0; n < N; n += 4) {
      const int32_t rows = EMLC_MIN(4, N - n);
      const float *wr[4];
      __m128 a[4];
      for (i = 0; i < 4; ++i) /* past N: the first row again, not stored */
        wr[i] = w + (int64_t)(i < rows ? n + i : n) * K, a[i] = _mm_setzero_ps();
      for (k = 0; k < K4; k += 4) {
        const __m128 xv = _mm_loadu_ps(xr + k);
        a[0] = _mm_add_ps(a[0], _mm_mul_ps(_mm_loadu_ps(wr[0] + k), xv));
        a[1] = _mm_add_ps(a[1], _mm_mul_ps(_mm_loadu_ps(wr[1] + k), xv));
        a[2] = _mm_add_ps(a[2], _mm_mul_ps(_mm_loadu_ps(wr[2] + k), xv));
        a[3] = _mm_add_ps(a[3], _mm_mul_ps(_mm_loadu_ps(wr[3] + k), xv));
      }
      for (i = 0; i < rows; ++i) {
        float s[4], v;
        _mm_storeu_ps(s, a[i]);
        v = bias[n + i] + ((s[0] + s[1]) + (s[2] + s[3]));
        for (k = K4; k < K; ++k)
          v += xr[k] * wr[i][k];
        yr[n + i] = EMLC_CLAMP(v, lo, hi);
      }
    }
  }
}
