// @kernel sse41_f32_impl
/* SSE4.1 float kernels (x86-64 without AVX2/FMA): 4-lane vectors, multiply
   then add (no FMA on these cores). */
#if !defined(__SSE4_1__)
#error "this module was compiled for an x86-64 target with SSE4.1 kernels: build it with -msse4.1"
#endif
#include <immintrin.h>

// @kernel sse41_clamp_impl
// @requires sse41_f32_impl
/* max(lo, v) / min(hi, v) return v when v is NaN: NaN passes as EMLC_CLAMP. */
static inline __m128 emlc_clamp4(__m128 v, __m128 lo, __m128 hi) { return _mm_min_ps(hi, _mm_max_ps(lo, v)); }
/* Two vectors (8 values) to p, the first n of them (1..8). */
static inline void emlc_store4x2(float *p, __m128 v0, __m128 v1, int32_t n) {
  float t[8];
  int32_t j;
  if (n == 8) {
    _mm_storeu_ps(p, v0), _mm_storeu_ps(p + 4, v1);
    return;
  }
  _mm_storeu_ps(t, v0), _mm_storeu_ps(t + 4, v1);
  for (j = 0; j < n; ++j)
    p[j] = t[j];
}

// @kernel conv2d_f32_sse41
// @requires sse41_clamp_impl
// @requires conv_slots_f32_impl
/* Float convolution (one group, NCHW) as conv2d_f32_avx2 reads it, on 4
   lanes without FMA (the driver: emlc_conv_slots_f32 of the scalar folder,
   slots of 8 pixels): a tile is 4 output channels x 8 pixels (two vectors,
   8 accumulators), per tap 2 loads, 4 broadcasts of the channels' weights and
   8 multiplies + 8 adds; results clamped and stored from the registers. Each
   output is bias + the taps' products in order (no FMA): within float
   tolerance of conv2d_f32. */
#define EMLC_SSE_ROW(r)                                                                                           \
  w = _mm_set1_ps(wk[r]), a##r##0 = _mm_add_ps(a##r##0, _mm_mul_ps(w, c0)), a##r##1 = _mm_add_ps(a##r##1, _mm_mul_ps(w, c1))
#define EMLC_SSE_STEP(TAP)                                                                                        \
  {                                                                                                               \
    const float *cp = s0 + (TAP);                                                                                 \
    const __m128 c0 = _mm_loadu_ps(cp), c1 = _mm_loadu_ps(cp + 4);                                                \
    __m128 w;                                                                                                     \
    EMLC_SSE_ROW(0), EMLC_SSE_ROW(1), EMLC_SSE_ROW(2), EMLC_SSE_ROW(3);                                           \
    wk += 4;                                                                                                      \
  }
static EMLC_NOINLINE void emlc_gemm4x8_f32(const float *wk, int32_t K, const int32_t *taps, int32_t step,
                                           const float *s0, const float *b4, float *y, int32_t P, int32_t rows,
                                           int32_t cnt, float lo, float hi) {
  const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi);
  __m128 a00 = _mm_set1_ps(b4[0]), a01 = a00, a10 = _mm_set1_ps(b4[1]), a11 = a10, a20 = _mm_set1_ps(b4[2]), a21 = a20,
         a30 = _mm_set1_ps(b4[3]), a31 = a30;
  int32_t k;
  if (taps)
    for (k = 0; k < K; ++k)
      EMLC_SSE_STEP(taps[k])
  else
    for (k = 0; k < K; ++k)
      EMLC_SSE_STEP((int64_t)k * step)
  emlc_store4x2(y, emlc_clamp4(a00, vlo, vhi), emlc_clamp4(a01, vlo, vhi), cnt);
  if (rows > 1)
    emlc_store4x2(y + P, emlc_clamp4(a10, vlo, vhi), emlc_clamp4(a11, vlo, vhi), cnt);
  if (rows > 2)
    emlc_store4x2(y + 2 * (int64_t)P, emlc_clamp4(a20, vlo, vhi), emlc_clamp4(a21, vlo, vhi), cnt);
  if (rows > 3)
    emlc_store4x2(y + 3 * (int64_t)P, emlc_clamp4(a30, vlo, vhi), emlc_clamp4(a31, vlo, vhi), cnt);
}
#undef EMLC_SSE_ROW
#undef EMLC_SSE_STEP
static void emlc_conv2d_f32_sse41(const float *x, const float *wp, const float *bias, float *xp, float *y, int32_t N,
                                  int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW,
                                  int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq,
                                  int32_t direct, const int32_t *taps, float lo, float hi) {
  emlc_conv_slots_f32(emlc_gemm4x8_f32, 8, x, wp, bias, xp, y, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq,
                      direct, taps, lo, hi);
}

// @kernel dwconv_f32_sse41
// @requires sse41_clamp_impl
// @requires pad_phase_f32_c_impl
/* Float depthwise convolution (NCHW, any kernel/stride/dilation/padding):
   each channel copied into the zero-padded, column-phase-split plane of
   pad_phase_f32_c, where a tap's inputs for 8 neighbouring outputs are 8
   consecutive floats; 8 outputs per step in two vectors, per tap 2 loads and
   2 multiplies + adds against the broadcast weight. xp: Hp*sw*Wq + 8 floats
   (a row's last step reads up to 7 past Wq), Hp = (OH-1)*sh + (KH-1)*dh + 1,
   Wq = OW + (KW-1)*dw/sw. w: the ONNX layout [C][KH*KW]. Each output is bias
   + the taps' products in order: within float tolerance of conv2d_f32. */
static void emlc_dwconv_f32_sse41(const float *x, const float *w, const float *bias, float *xp, float *y, int32_t N,
                                  int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                  int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, float lo,
                                  float hi) {
  const int32_t Hp = (OH - 1) * sh + (KH - 1) * dh + 1, Wq = OW + (KW - 1) * dw / sw, T = KH * KW;
  const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi);
  int32_t n, c, t, oh, ow;
  for (t = 0; t < 8; ++t)
    xp[(int64_t)Hp * sw * Wq + t] = 0.0f; /* the room a row's last step reads */
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const float *wc = w + (int64_t)c * T;
      float *yc = y + ((int64_t)n * C + c) * OH * OW;
      emlc_pad_phase_f32_c(x + ((int64_t)n * C + c) * H * W, xp, H, W, Hp, sw, Wq, pt, pl);
      if (T == 9) { /* 3x3: the weights in registers, the taps' offsets computed once, the taps unrolled */
        const __m128 w0 = _mm_set1_ps(wc[0]), w1 = _mm_set1_ps(wc[1]), w2 = _mm_set1_ps(wc[2]),
                     w3 = _mm_set1_ps(wc[3]), w4 = _mm_set1_ps(wc[4]), w5 = _mm_set1_ps(wc[5]),
                     w6 = _mm_set1_ps(wc[6]), w7 = _mm_set1_ps(wc[7]), w8 = _mm_set1_ps(wc[8]);
        int64_t off[9];
        for (t = 0; t < 9; ++t) /* tap (ky, kx): row ky*dh, phase (kx*dw) % sw, column (kx*dw) / sw */
          off[t] = ((int64_t)(t / 3) * dh * sw + t % 3 * dw % sw) * Wq + t % 3 * dw / sw;
        for (oh = 0; oh < OH; ++oh) {
          const float *row = xp + (int64_t)oh * sh * sw * Wq;
          for (ow = 0; ow < OW; ow += 8) {
            const float *p = row + ow;
            __m128 a0 = _mm_set1_ps(bias[c]), a1 = a0;
#define EMLC_DW_TAP(t)                                                                                            \
  a0 = _mm_add_ps(a0, _mm_mul_ps(w##t, _mm_loadu_ps(p + off[t]))),                                                \
  a1 = _mm_add_ps(a1, _mm_mul_ps(w##t, _mm_loadu_ps(p + off[t] + 4)))
            EMLC_DW_TAP(0), EMLC_DW_TAP(1), EMLC_DW_TAP(2), EMLC_DW_TAP(3), EMLC_DW_TAP(4);
            EMLC_DW_TAP(5), EMLC_DW_TAP(6), EMLC_DW_TAP(7), EMLC_DW_TAP(8);
#undef EMLC_DW_TAP
            emlc_store4x2(yc + (int64_t)oh * OW + ow, emlc_clamp4(a0, vlo, vhi), emlc_clamp4(a1, vlo, vhi),
                          EMLC_MIN(8, OW - ow));
          }
        }
        continue;
      }
      for (oh = 0; oh < OH; ++oh) {
        const float *row = xp + (int64_t)oh * sh * sw * Wq;
        for (ow = 0; ow < OW; ow += 8) {
          __m128 a0 = _mm_set1_ps(bias[c]), a1 = a0;
          const float *pr = row + ow;
          int32_t ky, kx;
          for (ky = 0, t = 0; ky < KH; ++ky, pr += (int64_t)dh * sw * Wq) {
            int32_t kph = 0, kq = 0; /* tap kx's phase (kx*dw) % sw and column (kx*dw) / sw, no division */
            for (kx = 0; kx < KW; ++kx, ++t) {
              const float *p = pr + (int64_t)kph * Wq + kq;
              const __m128 wv = _mm_set1_ps(wc[t]);
              a0 = _mm_add_ps(a0, _mm_mul_ps(wv, _mm_loadu_ps(p))), a1 = _mm_add_ps(a1, _mm_mul_ps(wv, _mm_loadu_ps(p + 4)));
              for (kph += dw; kph >= sw; kph -= sw)
                ++kq;
            }
          }
          emlc_store4x2(yc + (int64_t)oh * OW + ow, emlc_clamp4(a0, vlo, vhi), emlc_clamp4(a1, vlo, vhi),
                        EMLC_MIN(8, OW - ow));
        }
      }
    }
}

// @kernel add_same_f32_sse41
// @requires sse41_clamp_impl
/* y = a + b (operands shaped like the output), clamped, 4 lanes a step. */
static void emlc_add_same_f32_sse41(const float *a, const float *b, float *y, int32_t n, float lo, float hi) {
  const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi);
  int32_t i;
  for (i = 0; i + 4 <= n; i += 4)
    _mm_storeu_ps(y + i, emlc_clamp4(_mm_add_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)), vlo, vhi));
  for (; i < n; ++i) {
    const float r = a[i] + b[i];
    y[i] = EMLC_CLAMP(r, lo, hi);
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
