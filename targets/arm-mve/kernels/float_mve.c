// @kernel mve_f32_impl
/* Cortex-M55 Helium (MVE) float building blocks: a vector of 4 floats and
   VFMA.F32 of a vector by a scalar (4 multiply-adds in one instruction). A
   plain-C equivalent keeps the kernels buildable and testable anywhere. */
#if defined(__arm__) && !(defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)) && !defined(EMLC_PORTABLE_FALLBACK)
#error "this module uses Helium float (MVE-F) kernels (Cortex-M55/M85 with an FPU): build it with -mcpu=cortex-m55 -mfloat-abi=hard, or compile the model for a core without Helium"
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
#include <arm_mve.h>
typedef float32x4_t emlc_f32x4;
#define emlc_f32x4_dup(s) vdupq_n_f32(s)
#define emlc_f32x4_load(p) vld1q_f32(p)
#define emlc_f32x4_fma(acc, v, s) vfmaq_n_f32((acc), (v), (s))
#define emlc_f32x4_store(p, v) vst1q_f32((p), (v))
/* lanes below lo become lo, above hi become hi; NaN passes as in EMLC_CLAMP
   (VMAXNM/VMINNM would replace it) */
static inline __attribute__((always_inline)) emlc_f32x4 emlc_f32x4_clamp(emlc_f32x4 v, float lo, float hi) {
  v = vpselq_f32(vdupq_n_f32(lo), v, vcmpltq_n_f32(v, lo));
  return vpselq_f32(vdupq_n_f32(hi), v, vcmpgtq_n_f32(v, hi));
}
#else
typedef struct {
  float v[4];
} emlc_f32x4;
static inline emlc_f32x4 emlc_f32x4_dup(float s) {
  emlc_f32x4 r;
  r.v[0] = r.v[1] = r.v[2] = r.v[3] = s;
  return r;
}
static inline emlc_f32x4 emlc_f32x4_load(const float *p) {
  emlc_f32x4 r;
  r.v[0] = p[0], r.v[1] = p[1], r.v[2] = p[2], r.v[3] = p[3];
  return r;
}
static inline emlc_f32x4 emlc_f32x4_fma(emlc_f32x4 acc, emlc_f32x4 v, float s) {
  int32_t i;
  for (i = 0; i < 4; ++i)
    acc.v[i] = fmaf(v.v[i], s, acc.v[i]);
  return acc;
}
static inline void emlc_f32x4_store(float *p, emlc_f32x4 v) { p[0] = v.v[0], p[1] = v.v[1], p[2] = v.v[2], p[3] = v.v[3]; }
static inline emlc_f32x4 emlc_f32x4_clamp(emlc_f32x4 v, float lo, float hi) {
  int32_t i;
  for (i = 0; i < 4; ++i)
    v.v[i] = EMLC_CLAMP(v.v[i], lo, hi);
  return v;
}
#endif
/* The first n (1..4) lanes of v, clamped, to p. */
static inline __attribute__((always_inline)) void emlc_f32x4_store_n(float *p, emlc_f32x4 v, int32_t n, float lo, float hi) {
  float t[4];
  int32_t j;
  v = emlc_f32x4_clamp(v, lo, hi);
  if (n == 4) {
    emlc_f32x4_store(p, v);
    return;
  }
  emlc_f32x4_store(t, v);
  for (j = 0; j < n; ++j)
    p[j] = t[j];
}

// @kernel conv2d_f32_mve
// @requires mve_f32_impl
// @requires conv_slots_f32_impl
/* Float convolution (one group, NCHW) on Helium, read as conv2d_f32_avx2
   reads it (the driver: emlc_conv_slots_f32 of the scalar folder, slots of 4
   pixels): a tile is 4 output channels x 4 pixels, per tap one vector load
   and 4 VFMA by the channels' weights. Each output is bias + the taps'
   products in order with fused multiply-adds: within float tolerance of
   conv2d_f32. */
static EMLC_NOINLINE void emlc_gemm4x4_f32_mve(const float *wk, int32_t K, const int32_t *taps, int32_t step,
                                               const float *s0, const float *b4, float *y, int32_t P, int32_t rows,
                                               int32_t cnt, float lo, float hi) {
  emlc_f32x4 a0 = emlc_f32x4_dup(b4[0]), a1 = emlc_f32x4_dup(b4[1]), a2 = emlc_f32x4_dup(b4[2]),
             a3 = emlc_f32x4_dup(b4[3]);
  int32_t k;
#define EMLC_MVE_STEP(TAP)                                                                                        \
  {                                                                                                               \
    const emlc_f32x4 v = emlc_f32x4_load(s0 + (TAP));                                                             \
    a0 = emlc_f32x4_fma(a0, v, wk[0]), a1 = emlc_f32x4_fma(a1, v, wk[1]);                                         \
    a2 = emlc_f32x4_fma(a2, v, wk[2]), a3 = emlc_f32x4_fma(a3, v, wk[3]);                                         \
    wk += 4;                                                                                                      \
  }
  if (taps)
    for (k = 0; k < K; ++k)
      EMLC_MVE_STEP(taps[k])
  else
    for (k = 0; k < K; ++k)
      EMLC_MVE_STEP(k * step)
#undef EMLC_MVE_STEP
  emlc_f32x4_store_n(y, a0, cnt, lo, hi);
  if (rows > 1)
    emlc_f32x4_store_n(y + P, a1, cnt, lo, hi);
  if (rows > 2)
    emlc_f32x4_store_n(y + 2 * P, a2, cnt, lo, hi);
  if (rows > 3)
    emlc_f32x4_store_n(y + 3 * P, a3, cnt, lo, hi);
}
static void emlc_conv2d_f32_mve(const float *x, const float *wp, const float *bias, float *xp, float *y, int32_t N,
                                int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW,
                                int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq, int32_t direct,
                                const int32_t *taps, float lo, float hi) {
  emlc_conv_slots_f32(emlc_gemm4x4_f32_mve, 4, x, wp, bias, xp, y, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq,
                      direct, taps, lo, hi);
}

// @kernel dwconv_f32_mve
// @requires mve_f32_impl
// @requires pad_phase_f32_c_impl
/* Float depthwise convolution (NCHW, any kernel/stride/dilation/padding) on
   Helium: each channel copied into the zero-padded, column-phase-split plane
   of pad_phase_f32_c, where a tap's inputs for 4 neighbouring outputs are 4
   consecutive floats; per tap one vector load and one VFMA by the weight.
   xp: Hp*sw*Wq + 4 floats (a row's last vector reads up to 3 past Wq),
   Hp = (OH-1)*sh + (KH-1)*dh + 1, Wq = OW + (KW-1)*dw/sw. w: the ONNX layout
   [C][KH*KW]. Each output is bias + the taps' products in order with fused
   multiply-adds: within float tolerance of conv2d_f32. */
static void emlc_dwconv_f32_mve(const float *x, const float *w, const float *bias, float *xp, float *y, int32_t N,
                                int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, float lo,
                                float hi) {
  const int32_t Hp = (OH - 1) * sh + (KH - 1) * dh + 1, Wq = OW + (KW - 1) * dw / sw, T = KH * KW;
  /* a 3x3 tap (ky, kx): row ky*dh of the copy (rs apart), column offset 0, c1 or c2 there (phase (kx*dw) % sw,
     column (kx*dw) / sw) */
  const int32_t rs = dh * sw * Wq, c1 = dw % sw * Wq + dw / sw, c2 = 2 * dw % sw * Wq + 2 * dw / sw;
  int32_t n, c, t, oh, ow;
  for (t = 0; t < 4; ++t)
    xp[Hp * sw * Wq + t] = 0.0f; /* the room a row's last vector reads */
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const float *wc = w + c * T;
      float *yc = y + (n * C + c) * OH * OW;
      emlc_pad_phase_f32_c(x + (int64_t)(n * C + c) * H * W, xp, H, W, Hp, sw, Wq, pt, pl);
      for (oh = 0; oh < OH; ++oh) {
        const float *row = xp + oh * sh * sw * Wq;
        for (ow = 0; ow < OW; ow += 4) {
          emlc_f32x4 a = emlc_f32x4_dup(bias[c]);
          if (T == 9) { /* 3x3: three row pointers, two column offsets, the taps unrolled */
            const float *p0 = row + ow, *p1 = p0 + rs, *p2 = p1 + rs;
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p0), wc[0]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p0 + c1), wc[1]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p0 + c2), wc[2]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p1), wc[3]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p1 + c1), wc[4]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p1 + c2), wc[5]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p2), wc[6]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p2 + c1), wc[7]);
            a = emlc_f32x4_fma(a, emlc_f32x4_load(p2 + c2), wc[8]);
          } else {
            const float *pr = row + ow;
            int32_t ky, kx;
            for (ky = 0, t = 0; ky < KH; ++ky, pr += dh * sw * Wq) {
              int32_t kph = 0, kq = 0; /* tap kx's phase (kx*dw) % sw and column (kx*dw) / sw, no division */
              for (kx = 0; kx < KW; ++kx, ++t) {
                a = emlc_f32x4_fma(a, emlc_f32x4_load(pr + kph * Wq + kq), wc[t]);
                for (kph += dw; kph >= sw; kph -= sw)
                  ++kq;
              }
            }
          }
          emlc_f32x4_store_n(yc + oh * OW + ow, a, EMLC_MIN(4, OW - ow), lo, hi);
        }
      }
    }
}
