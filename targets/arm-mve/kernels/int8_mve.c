// @kernel mve_impl
/* Cortex-M55 Helium (MVE) building blocks: VMLADAVA.S8 multiplies sixteen
   int8 pairs and adds them to a 32-bit accumulator in one instruction. A
   plain-C equivalent keeps the kernels buildable and testable anywhere. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
static int32_t emlc_dot16_s8(int32_t acc, const int8_t *a, const int8_t *b) {
  return vmladavaq_s8(acc, vldrbq_s8(a), vldrbq_s8(b));
}
#else
static int32_t emlc_dot16_s8(int32_t acc, const int8_t *a, const int8_t *b) {
  int32_t i;
  for (i = 0; i < 16; ++i)
    acc += (int32_t)a[i] * (int32_t)b[i];
  return acc;
}
#endif

// @kernel im2col_s8_impl
/* The int8 im2col column of output pixel q (NCHW input) at col[0..Kp): tap k
   at taps[k] from the window origin (taps padded to Kp, a multiple of 16,
   with offset 0; those taps meet zero weights), the zero point `pad` where
   the window leaves the input. */
static void emlc_im2col_s8(const int8_t *xn, int8_t *col, int32_t q, const int32_t *taps, int32_t C, int32_t H,
                           int32_t W, int32_t KH, int32_t KW, int32_t OW, int32_t sh, int32_t sw, int32_t dh,
                           int32_t dw, int32_t pt, int32_t pl, int32_t pad, int32_t Kp) {
  const int32_t oh = q / OW, ow = q - oh * OW, ih0 = oh * sh - pt, iw0 = ow * sw - pl;
  int32_t k, c, kh, kw;
  if (ih0 >= 0 && iw0 >= 0 && ih0 + (KH - 1) * dh < H && iw0 + (KW - 1) * dw < W) {
    const int8_t *base = xn + (int64_t)ih0 * W + iw0;
    for (k = 0; k < Kp; ++k)
      col[k] = base[taps[k]];
    for (k = C * KH * KW; k < Kp; ++k)
      col[k] = 0;
    return;
  }
  k = 0;
  for (c = 0; c < C; ++c)
    for (kh = 0; kh < KH; ++kh)
      for (kw = 0; kw < KW; ++kw) {
        const int32_t ih = ih0 + kh * dh, iw = iw0 + kw * dw;
        col[k++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[((int64_t)c * H + ih) * W + iw] : (int8_t)pad;
      }
  for (; k < Kp; ++k)
    col[k] = 0;
}

// @kernel conv_s8_mve
// @requires mve_impl
// @requires dsp_impl
// @requires im2col_s8_impl
/* int8 convolution (one group, NCHW) on Helium: an int8 im2col of two output
   pixels (col: 2 x Kp bytes) against weights stored [M][Kp] by the compiler
   (K padded to a multiple of 16 with zeros; words of 4 little-endian
   bytes), two channels x two pixels per pass, one VMLADAVA per 16 MACs.
   Requantization, domain and arguments as conv_s8_dsp. */
static void emlc_conv_s8_mve(const int8_t *x, const int32_t *wpk, int32_t *colw, int8_t *y, int32_t N, int32_t C,
                             int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                             int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                             const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                             const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15, P = OH * OW;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *col = (int8_t *)colw;
  int32_t n, p, m, k;
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      emlc_im2col_s8(xn, col, p, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
      emlc_im2col_s8(xn, col + Kp, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M;
        const int8_t *w0 = wb + (int64_t)m * Kp, *w1 = pair ? w0 + Kp : w0;
        int32_t a00 = bias_eff[m], a01 = a00, a10 = pair ? bias_eff[m + 1] : 0, a11 = a10;
        for (k = 0; k < Kp; k += 16) {
          a00 = emlc_dot16_s8(a00, w0 + k, col + k);
          a01 = emlc_dot16_s8(a01, w0 + k, col + Kp + k);
          a10 = emlc_dot16_s8(a10, w1 + k, col + k);
          a11 = emlc_dot16_s8(a11, w1 + k, col + Kp + k);
        }
        emlc_store_2x2_s8(yn + (int64_t)m * P + p, P, a00, a01, a10, a11, pair, two, mult + m, shift + m, out_off,
                          lo, hi);
      }
    }
  }
}

// @kernel fully_connected_s8_mve
// @requires mve_impl
// @requires dsp_impl
/* TFLite int8 fully connected on Helium: weights stored [N][Kp] by the
   compiler (K padded to 16 with zeros, words of 4 little-endian bytes), the
   input row copied once into `xs` (Kp bytes, zero-padded); four channels per
   pass, one VMLADAVA per 16 MACs. Requantization and domain as the DSP
   kernels. */
static void emlc_fully_connected_s8_mve(const int8_t *x, const int32_t *wpk, int32_t *xsw, int8_t *y, int32_t M,
                                        int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                        const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Kp = (K + 15) & ~15;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *xs = (int8_t *)xsw;
  int32_t m, n, k;
  for (m = 0; m < M; ++m) {
    int8_t *yr = y + (int64_t)m * N;
    memcpy(xs, x + (int64_t)m * K, (size_t)K);
    memset(xs + K, 0, (size_t)(Kp - K));
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *w0 = wb + (int64_t)n * Kp, *w1 = cnt > 1 ? w0 + Kp : w0, *w2 = cnt > 2 ? w0 + 2 * Kp : w0,
                   *w3 = cnt > 3 ? w0 + 3 * Kp : w0;
      int32_t a0 = bias_eff[n], a1 = cnt > 1 ? bias_eff[n + 1] : 0, a2 = cnt > 2 ? bias_eff[n + 2] : 0,
              a3 = cnt > 3 ? bias_eff[n + 3] : 0;
      for (k = 0; k < Kp; k += 16) {
        a0 = emlc_dot16_s8(a0, w0 + k, xs + k);
        a1 = emlc_dot16_s8(a1, w1 + k, xs + k);
        a2 = emlc_dot16_s8(a2, w2 + k, xs + k);
        a3 = emlc_dot16_s8(a3, w3 + k, xs + k);
      }
      emlc_store_4_s8(yr + n, cnt, a0, a1, a2, a3, mult + n, shift + n, out_off, lo, hi);
    }
  }
}

// @kernel dwconv3x3_s8_mve
// @requires dsp_impl
// @requires dw_rows_s8_impl
/* Depthwise 3x3 int8 convolution (NCHW, any stride and padding, dilation 1)
   on Helium, over the padded rows of dw_rows_s8_impl, four outputs of a row
   per vector: each tap is one widening byte load (a gather of every other
   byte for stride 2) and one VMLA by the tap's weight into 32-bit lanes; the
   last vector of a row is predicated. The requantization is the DSP
   kernels' (same domain: NNToKernel's fitForDSPRequantization), lane-wise:
   VQRDMULH equals SMMULR of 2x there, and adding the sign before VRSHL's
   round-half-up makes it round half away from zero. Arguments as
   dwconv3x3_s8_dsp. Sums identical to conv2d_s8. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
static void emlc_dwconv3x3_s8_mve(const int8_t *x, const int8_t *w, int8_t *rows, int8_t *y, int32_t N, int32_t C,
                                  int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                  int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                  const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Wp = OW * sw + 4 + 2, stride = (Wp + 3) & ~3;
  const int32_t copy = EMLC_MAX(0, EMLC_MIN(W, Wp - pl));
  const uint32_t fill = (uint32_t)(uint8_t)pad * 0x01010101u;
  const uint32x4_t step = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)sw); /* byte offsets of 4 outputs */
  int32_t n, c, oh, ow;
  emlc_dw_rows_init(rows, stride, fill);
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const int8_t *xc = x + ((int64_t)n * C + c) * H * W, *k = w + (int64_t)c * 9;
      int8_t *yc = y + ((int64_t)n * C + c) * OH * OW;
      const int32_t m = mult[c], e = -shift[c], b = bias_eff[c];
      const int32_t k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7], k8 = k[8];
      int8_t *r[3];
      r[0] = rows, r[1] = rows + stride, r[2] = rows + 2 * stride;
      for (oh = 0; oh < OH; ++oh) {
        const int8_t *ra, *rb, *rc;
        emlc_dw_rows_s8(r, xc, oh, sh, pt, H, W, pl, copy, fill);
        ra = r[0], rb = r[1], rc = r[2];
        for (ow = 0; ow < OW; ow += 4) {
          const mve_pred16_t p = vctp32q((uint32_t)(OW - ow));
          const int32_t ix = ow * sw;
          int32x4_t a = vdupq_n_s32(b), v;
#define EMLC_TAP(row, kx, kv)                                                                                 \
  a = vmlaq_n_s32(a, sw == 1 ? vldrbq_s32((row) + ix + (kx)) : vldrbq_gather_offset_s32((row) + ix + (kx), step), \
                  (kv))
          EMLC_TAP(ra, 0, k0); EMLC_TAP(ra, 1, k1); EMLC_TAP(ra, 2, k2);
          EMLC_TAP(rb, 0, k3); EMLC_TAP(rb, 1, k4); EMLC_TAP(rb, 2, k5);
          EMLC_TAP(rc, 0, k6); EMLC_TAP(rc, 1, k7); EMLC_TAP(rc, 2, k8);
#undef EMLC_TAP
          v = vqrdmulhq_n_s32(a, m);
          v = vrshlq_n_s32(vaddq_s32(v, vshrq_n_s32(v, 31)), -e);
          v = vminq_s32(vmaxq_s32(vaddq_n_s32(v, out_off), vdupq_n_s32(lo)), vdupq_n_s32(hi));
          vstrbq_p_s32(yc + (int64_t)oh * OW + ow, v, p);
        }
      }
    }
}
#else
/* Without Helium (host tests): the same rows and requantization, one output at a time. */
static void emlc_dwconv3x3_s8_mve(const int8_t *x, const int8_t *w, int8_t *rows, int8_t *y, int32_t N, int32_t C,
                                  int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                  int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                  const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Wp = OW * sw + 4 + 2, stride = (Wp + 3) & ~3;
  const int32_t copy = EMLC_MAX(0, EMLC_MIN(W, Wp - pl));
  const uint32_t fill = (uint32_t)(uint8_t)pad * 0x01010101u;
  int32_t n, c, oh, ow, t;
  emlc_dw_rows_init(rows, stride, fill);
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const int8_t *xc = x + ((int64_t)n * C + c) * H * W, *k = w + (int64_t)c * 9;
      int8_t *yc = y + ((int64_t)n * C + c) * OH * OW;
      const int32_t e = -shift[c];
      int8_t *r[3];
      r[0] = rows, r[1] = rows + stride, r[2] = rows + 2 * stride;
      for (oh = 0; oh < OH; ++oh) {
        emlc_dw_rows_s8(r, xc, oh, sh, pt, H, W, pl, copy, fill);
        for (ow = 0; ow < OW; ++ow) {
          int32_t a = bias_eff[c], v;
          for (t = 0; t < 9; ++t)
            a += (int32_t)k[t] * r[t / 3][ow * sw + t % 3];
          v = emlc_requantize_dsp(a, mult[c], e, 1 << (e - 1)) + out_off;
          yc[(int64_t)oh * OW + ow] = (int8_t)EMLC_CLAMP(v, lo, hi);
        }
      }
    }
}
#endif
