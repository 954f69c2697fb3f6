// @kernel mve_w4_impl
// @requires mve_impl
/* int4 weights on Helium: two output channels A and B share a byte per tap,
   stored as the integer 16 a + b (a, b in [-7, 7], so the byte is in
   [-119, 119] and 4 bits a weight). VMLADAVA of the bytes gives
   16 sum(x a) + sum(x b); shifted left by 4 (VSHL.I8: the low nibble, 16 b
   exactly) it gives 16 sum(x b): one vector shift decodes 32 weights, so a
   step costs what the int8 kernels' does (one load of 16 bytes, and the
   shift, per 32 weights instead of two loads). EMLC_W4_STEP: 16 taps of the
   pair against two input rows x0, x1 into the accumulators (h0, h1: the
   bytes, mve_impl's emlc_dot16_s8; l0, l1: the shifted bytes, rows 0 and 1;
   the loads of w and x are common to both); EMLC_W4_DOT: one row. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* The shifted bytes' product: VSHL.I8 #4 of the weights, VMLADAVA. */
#define EMLC_W4_LO(acc, lv, x) vmladavaq_s8((acc), (lv), vldrbq_s8(x))
#define EMLC_W4_SHIFTED(w) vshlq_n_s8(vldrbq_s8(w), 4)
#else
static int32_t emlc_dot16_w4lo_c(int32_t acc, const int8_t *w, const int8_t *x) {
  int32_t i;
  for (i = 0; i < 16; ++i)
    acc += (int32_t)(int8_t)(uint8_t)((uint32_t)(uint8_t)w[i] << 4) * x[i];
  return acc;
}
#define EMLC_W4_LO(acc, w, x) emlc_dot16_w4lo_c((acc), (w), (x))
#define EMLC_W4_SHIFTED(w) (w)
#endif
#define EMLC_W4_STEP(w, x0, x1, h0, h1, l0, l1)                                                                       \
  do {                                                                                                                 \
    h0 = emlc_dot16_s8(h0, (w), (x0)), h1 = emlc_dot16_s8(h1, (w), (x1));                                             \
    l0 = EMLC_W4_LO(l0, EMLC_W4_SHIFTED(w), (x0)), l1 = EMLC_W4_LO(l1, EMLC_W4_SHIFTED(w), (x1));                     \
  } while (0)
#define EMLC_W4_DOT(w, x, h, l)                                                                                        \
  do {                                                                                                                 \
    h = emlc_dot16_s8(h, (w), (x));                                                                                    \
    l = EMLC_W4_LO(l, EMLC_W4_SHIFTED(w), (x));                                                                        \
  } while (0)
/* Channel A's sum from the bytes' accumulator h and the shifted one l. */
#define EMLC_W4_SUM_A(h, l) (((h) - ((l) >> 4)) >> 4)
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* Four accumulators requantized at once by the DSP form (the kernels' domain
   without `exact`), as dwconv3x3_s8_mve does: VQRDMULH equals SMMULR of 2x
   there, and adding the sign before VRSHL's round-half-up rounds half away
   from zero; then the offset and the clamp. mult/shift: the lanes' tables. */
static int32x4_t emlc_requant4_dsp_mve(int32x4_t v, int32x4_t mult, int32x4_t shift, int32_t out_off, int32x4_t lo,
                                       int32x4_t hi) {
  v = vqrdmulhq_s32(v, mult);
  v = vrshlq_s32(vaddq_s32(v, vshrq_n_s32(v, 31)), shift);
  return vminq_s32(vmaxq_s32(vaddq_n_s32(v, out_off), lo), hi);
}
#endif

// @kernel conv_s8_w4_mve
// @requires mve_w4_impl
// @requires im2col_s8_impl
// @requires store_conv_lowbit_impl
/* int8 convolution (one group, NCHW) with int4 weights on Helium:
   conv_s8_mve's int8 im2col of two output pixels against the weights of
   channel pairs (m, m+1) stored [M/2][Kp] as the bytes 16 w[m] + w[m+1]
   (mve_w4_impl; a zero channel completing an odd count, K padded to a
   multiple of 16), one load, one shift and four VMLADAVA per 16 taps of two
   channels x two pixels (64 MACs). NNToKernel gives it layers whose weights
   are in [-7, 7] with K <= 65536 (16 sum(x b) stays below 2^31). The DSP
   requantization, or with `exact` TFLite's (store_conv_lowbit_impl);
   arguments otherwise conv_s8_mve's. */
static void emlc_conv_s8_w4_mve(const int8_t *x, const int32_t *wpk, int32_t *colw, int8_t *y, int32_t N,
                                int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                                int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                int32_t pad, const int32_t *taps, int32_t out_off, const int32_t *bias_eff,
                                const int32_t *mult, const int32_t *shift, int32_t exact, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15, P = OH * OW;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *col = (int8_t *)colw;
  int32_t n, p, m, k;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  /* the 2x2 block's lanes (m, p) (m, p+1) (m+1, p) (m+1, p+1): channel and output offsets */
  const uint32x4_t lane_ch = {0, 0, 1, 1}, lane_y = {0, 1, (uint32_t)P, (uint32_t)P + 1};
  const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
#endif
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      emlc_im2col_s8(xn, col, p, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
      emlc_im2col_s8(xn, col + Kp, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M, b0 = bias_eff[m], b1 = pair ? bias_eff[m + 1] : 0;
        const int8_t *wq = wb + (int64_t)(m >> 1) * Kp;
        int32_t h0 = 0, h1 = 0, l0 = 0, l1 = 0, a00, a01, a10, a11;
        for (k = 0; k < Kp; k += 16)
          EMLC_W4_STEP(wq + k, col + k, col + Kp + k, h0, h1, l0, l1);
        a00 = b0 + EMLC_W4_SUM_A(h0, l0), a01 = b0 + EMLC_W4_SUM_A(h1, l1), a10 = b1 + (l0 >> 4), a11 = b1 + (l1 >> 4);
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
        if (!exact) {
          const mve_pred16_t lanes = (mve_pred16_t)(pair ? (two ? 0xFFFF : 0x0F0F) : (two ? 0x00FF : 0x000F));
          const int32x4_t v = {a00, a01, a10, a11};
          vstrbq_scatter_offset_p_s32(yn + (int64_t)m * P + p, lane_y,
                                      emlc_requant4_dsp_mve(v, vldrwq_gather_shifted_offset_z_s32(mult + m, lane_ch, lanes),
                                                            vldrwq_gather_shifted_offset_z_s32(shift + m, lane_ch, lanes),
                                                            out_off, vlo, vhi),
                                      lanes);
          continue;
        }
#endif
        emlc_store_2x2_lowbit(yn + (int64_t)m * P + p, P, a00, a01, a10, a11, pair, two, mult + m, shift + m, exact,
                              out_off, lo, hi);
      }
    }
  }
}

// @kernel fully_connected_s8_w4_mve
// @requires mve_w4_impl
// @requires store_fc_lowbit_impl
/* TFLite int8 fully connected with int4 weights on Helium: channel pairs
   (n, n+1) stored [N/2][Kp] as the bytes 16 w[n] + w[n+1] (mve_w4_impl; K
   padded to 16), the input row copied once into `xs` (Kp bytes,
   zero-padded); four channels (two pairs) per pass, per 16 taps two loads of
   weights, two shifts, one load of input and four VMLADAVA for 64 MACs.
   Weights in [-7, 7], K <= 65536; the requantization as
   fully_connected_s8_w4_dsp's. */
static void emlc_fully_connected_s8_w4_mve(const int8_t *x, const int32_t *wpk, int32_t *xsw, int8_t *y, int32_t M,
                                           int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                           const int32_t *mult, const int32_t *shift, int32_t exact, int32_t lo,
                                           int32_t hi) {
  const int32_t Kp = (K + 15) & ~15;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *xs = (int8_t *)xsw;
  int32_t m, n, k;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
#endif
  for (m = 0; m < M; ++m) {
    int8_t *yr = y + (int64_t)m * N;
    memcpy(xs, x + (int64_t)m * K, (size_t)K);
    memset(xs + K, 0, (size_t)(Kp - K));
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *w0 = wb + (int64_t)(n >> 1) * Kp, *w1 = cnt > 2 ? w0 + Kp : w0;
      int32_t h0 = 0, h1 = 0, l0 = 0, l1 = 0, a0, a1, a2, a3;
      for (k = 0; k < Kp; k += 16) {
        EMLC_W4_DOT(w0 + k, xs + k, h0, l0);
        EMLC_W4_DOT(w1 + k, xs + k, h1, l1);
      }
      a0 = bias_eff[n] + EMLC_W4_SUM_A(h0, l0), a1 = cnt > 1 ? bias_eff[n + 1] + (l0 >> 4) : 0;
      a2 = cnt > 2 ? bias_eff[n + 2] + EMLC_W4_SUM_A(h1, l1) : 0, a3 = cnt > 3 ? bias_eff[n + 3] + (l1 >> 4) : 0;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
      if (!exact) { /* the four outputs are consecutive */
        const mve_pred16_t lanes = vctp32q((uint32_t)cnt);
        const int32x4_t v = {a0, a1, a2, a3};
        vstrbq_p_s32(yr + n,
                     emlc_requant4_dsp_mve(v, vldrwq_z_s32(mult + n, lanes), vldrwq_z_s32(shift + n, lanes), out_off,
                                           vlo, vhi),
                     lanes);
        continue;
      }
#endif
      emlc_store_4_lowbit(yr + n, cnt, a0, a1, a2, a3, mult + n, shift + n, exact, out_off, lo, hi);
    }
  }
}

// @kernel dwconv3x3_s8_w4_mve
// @requires dwconv3x3_s8_mve
// @requires dw_lowbit_taps_impl
/* Depthwise 3x3 int8 convolution with int4 weights (dw_lowbit_taps_impl's
   layout) on Helium: the weights unpacked once into `kw` (9 C bytes of
   scratch), then dwconv3x3_s8_mve (same plane, domain, speed and sums). */
static void emlc_dwconv3x3_s8_w4_mve(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *plane, int8_t *y,
                                     int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                                     int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                     const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                     int32_t hi) {
  emlc_dw_lowbit_taps(w, C, 4, kw);
  emlc_dwconv3x3_s8_mve(x, kw, plane, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo,
                        hi);
}
