// @kernel s16_dsp_impl
// @requires dsp_impl
// @requires requantize64_impl
/* The int16-activation (TFLite 16x8) kernels of the DSP extension multiply
   int16 activations by int16-extended weights with SMLAD, two MACs per
   instruction. TFLite accumulates in int64; SMLAD accumulates in 32 bits, so
   the sums run in chunks of at most EMLC_S16_CHUNK taps, each exact in int32
   (|x * w| <= 32768 * 128 = 2^22 and 508 * 2^22 < 2^31), added into int64
   accumulators between chunks: the same int64 sums as conv2d_s16 /
   fully_connected_s16, then TFLite's int64 requantization. */
#define EMLC_S16_CHUNK 508
static int16_t emlc_output_s16(int64_t acc, int32_t mult, int32_t shift, int32_t lo, int32_t hi) {
  const int32_t r = emlc_requantize64(acc, mult, shift);
  return (int16_t)EMLC_CLAMP(r, lo, hi);
}

// @kernel im2col_x16_impl
/* Columns of the int16 im2col buffer for output pixels q0 and q1 of an int16
   NCHW input, in im2col_s16_impl's layout: tap k of pixel j is a halfword of
   word col[(k/2)*2 + j], so one LDRD reads a tap pair of both pixels. taps[k]
   is tap k's offset from the window origin, padded to Kp (a multiple of 4)
   with offset 0 (those taps meet zero weights). Windows touching the padding
   walk (c, ky, kx) with bounds checks and write 0 outside (zero point 0). */
static void emlc_im2col_x16_border(const int16_t *xn, int32_t *col, int32_t ih0, int32_t iw0, int32_t C, int32_t H,
                                   int32_t W, int32_t KH, int32_t KW, int32_t dh, int32_t dw, int32_t Kp) {
  uint32_t low = 0;
  int32_t c, kh, kw, k = 0;
  for (c = 0; c < C; ++c)
    for (kh = 0; kh < KH; ++kh) {
      const int32_t ih = ih0 + kh * dh;
      for (kw = 0; kw < KW; ++kw, ++k) {
        const int32_t iw = iw0 + kw * dw;
        const int32_t v = ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[((int64_t)c * H + ih) * W + iw] : 0;
        if (k & 1) {
          *col = (int32_t)(low | (uint32_t)v << 16);
          col += 2;
        } else {
          low = (uint32_t)v & 0xffffu;
        }
      }
    }
  if (k & 1)
    *col = (int32_t)low, col += 2, ++k;
  for (; k < Kp; k += 2, col += 2)
    *col = 0;
}
static void emlc_im2col_x16(const int16_t *xn, int32_t *col, int32_t q0, int32_t q1, const int32_t *taps, int32_t C,
                            int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OW, int32_t sh, int32_t sw,
                            int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t Kp) {
  const int32_t oh0 = q0 / OW, ow0 = q0 - oh0 * OW, oh1 = q1 / OW, ow1 = q1 - oh1 * OW;
  const int32_t ih0 = oh0 * sh - pt, iw0 = ow0 * sw - pl, ih1 = oh1 * sh - pt, iw1 = ow1 * sw - pl;
  const int32_t ext_h = (KH - 1) * dh, ext_w = (KW - 1) * dw;
  const int32_t in0 = ih0 >= 0 && iw0 >= 0 && ih0 + ext_h < H && iw0 + ext_w < W;
  const int32_t in1 = ih1 >= 0 && iw1 >= 0 && ih1 + ext_h < H && iw1 + ext_w < W;
  int32_t h;
  if (in0 && in1) {
    const int16_t *b0 = xn + (int64_t)ih0 * W + iw0, *b1 = xn + (int64_t)ih1 * W + iw1;
    for (h = 0; h < Kp; h += 2, col += 2, taps += 2) {
      const int32_t t0 = taps[0], t1 = taps[1];
      col[0] = (int32_t)(((uint32_t)b0[t0] & 0xffffu) | (uint32_t)b0[t1] << 16);
      col[1] = (int32_t)(((uint32_t)b1[t0] & 0xffffu) | (uint32_t)b1[t1] << 16);
    }
    return;
  }
  emlc_im2col_x16_border(xn, col, ih0, iw0, C, H, W, KH, KW, dh, dw, Kp);
  emlc_im2col_x16_border(xn, col + 1, ih1, iw1, C, H, W, KH, KW, dh, dw, Kp);
}

// @kernel store_conv_s16_impl
// @requires s16_dsp_impl
/* The 2x2 block of outputs (channels m, m+1 x pixels p, p+1) of the int16
   DSP convolutions, requantized, clamped and stored (NCHW, P pixels per
   channel); `pair`/`two` say whether channel m+1 / pixel p+1 exist. */
static void emlc_store_2x2_s16(int16_t *y, int32_t P, int64_t a00, int64_t a01, int64_t a10, int64_t a11,
                               int32_t pair, int32_t two, const int32_t *mult, const int32_t *shift, int32_t lo,
                               int32_t hi) {
  y[0] = emlc_output_s16(a00, mult[0], shift[0], lo, hi);
  if (two)
    y[1] = emlc_output_s16(a01, mult[0], shift[0], lo, hi);
  if (pair) {
    y[P] = emlc_output_s16(a10, mult[1], shift[1], lo, hi);
    if (two)
      y[P + 1] = emlc_output_s16(a11, mult[1], shift[1], lo, hi);
  }
}

// @kernel conv_s16_dsp_w16
// @requires s16_dsp_impl
// @requires im2col_x16_impl
// @requires store_conv_s16_impl
/* TFLite 16x8 convolution (one group, NCHW, any kernel/stride/dilation/
   padding) on the DSP extension: an int16 im2col of two output pixels at a
   time times the weights sign-extended to int16 by the compiler in
   conv_s8_dsp_w16's layout (channel pairs, K padded to 4, per 4-tap group
   the words (w0,w1) (w2,w3) of channel m then those of m+1). Per 4 taps: 4
   LDRD and 8 SMLAD for 16 MACs (hand-scheduled on Arm), in chunks of
   EMLC_S16_CHUNK taps summed into int64. Sums identical to conv2d_s16. */
static void emlc_conv_s16_dsp_w16(const int16_t *x, const int32_t *wpk, const int64_t *bias, int32_t *col, int16_t *y,
                                  int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW,
                                  int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt,
                                  int32_t pl, const int32_t *taps, const int32_t *mult, const int32_t *shift,
                                  int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 3) & ~3, P = OH * OW;
  int32_t n, p, m, at;
  for (n = 0; n < N; ++n) {
    const int16_t *xn = x + (int64_t)n * C * H * W;
    int16_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      emlc_im2col_x16(xn, col, p, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, Kp);
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M;
        const int32_t *wp = wpk + (int64_t)(m >> 1) * Kp, *cp = col;
        int64_t s00 = bias[m], s01 = s00, s10 = pair ? bias[m + 1] : 0, s11 = s10;
        for (at = 0; at < Kp; at += EMLC_S16_CHUNK) {
          const int32_t *const wend = wp + EMLC_MIN(EMLC_S16_CHUNK, Kp - at);
          int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
          int32_t w0, w1, w2, w3, xa, xb;
          __asm__ volatile("1:\n\t"
                           "ldrd %[w0], %[w1], [%[wp]], #8\n\t"
                           "ldrd %[xa], %[xb], [%[cp]], #8\n\t"
                           "smlad %[a00], %[w0], %[xa], %[a00]\n\t"
                           "smlad %[a01], %[w0], %[xb], %[a01]\n\t"
                           "ldrd %[w2], %[w3], [%[wp]], #8\n\t"
                           "smlad %[a10], %[w2], %[xa], %[a10]\n\t"
                           "smlad %[a11], %[w2], %[xb], %[a11]\n\t"
                           "ldrd %[xa], %[xb], [%[cp]], #8\n\t"
                           "smlad %[a00], %[w1], %[xa], %[a00]\n\t"
                           "smlad %[a01], %[w1], %[xb], %[a01]\n\t"
                           "smlad %[a10], %[w3], %[xa], %[a10]\n\t"
                           "smlad %[a11], %[w3], %[xb], %[a11]\n\t"
                           "cmp %[wp], %[wend]\n\t"
                           "bne 1b"
                           : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [wp] "+r"(wp),
                             [cp] "+r"(cp), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3),
                             [xa] "=&r"(xa), [xb] "=&r"(xb)
                           : [wend] "r"(wend)
                           : "cc", "memory");
#else
          for (; wp != wend; wp += 4, cp += 4) {
            a00 = EMLC_SMLAD(wp[0], cp[0], a00), a01 = EMLC_SMLAD(wp[0], cp[1], a01);
            a10 = EMLC_SMLAD(wp[2], cp[0], a10), a11 = EMLC_SMLAD(wp[2], cp[1], a11);
            a00 = EMLC_SMLAD(wp[1], cp[2], a00), a01 = EMLC_SMLAD(wp[1], cp[3], a01);
            a10 = EMLC_SMLAD(wp[3], cp[2], a10), a11 = EMLC_SMLAD(wp[3], cp[3], a11);
          }
#endif
          s00 += a00, s01 += a01, s10 += a10, s11 += a11;
        }
        emlc_store_2x2_s16(yn + (int64_t)m * P + p, P, s00, s01, s10, s11, pair, two, mult + m, shift + m, lo, hi);
      }
    }
  }
}

// @kernel conv_s16_dsp
// @requires s16_dsp_impl
// @requires sxtb16_impl
// @requires im2col_x16_impl
// @requires store_conv_s16_impl
/* conv_s16_dsp_w16 with the weights kept as int8 in conv_s8_dsp's layout
   (channel pairs, K padded to 4, per 4-tap group one word of channel m then
   one of m+1, bytes ordered w0 w2 w1 w3): SXTB16 and its rotated form give
   (w0,w1) and (w2,w3) for the column's pairs (x0,x1) (x2,x3). Per 4 taps: 1
   LDRD of weights, 2 of columns, 4 SXTB16, 8 SMLAD for 16 MACs; half the
   weight bytes of conv_s16_dsp_w16. Same arguments and sums. */
static void emlc_conv_s16_dsp(const int16_t *x, const int32_t *wpk, const int64_t *bias, int32_t *col, int16_t *y,
                              int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW,
                              int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt,
                              int32_t pl, const int32_t *taps, const int32_t *mult, const int32_t *shift, int32_t lo,
                              int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 3) & ~3, P = OH * OW;
  int32_t n, p, m, at;
  for (n = 0; n < N; ++n) {
    const int16_t *xn = x + (int64_t)n * C * H * W;
    int16_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      emlc_im2col_x16(xn, col, p, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, Kp);
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M;
        const int32_t *wp = wpk + (int64_t)(m >> 1) * (Kp >> 1), *cp = col;
        int64_t s00 = bias[m], s01 = s00, s10 = pair ? bias[m + 1] : 0, s11 = s10;
        for (at = 0; at < Kp; at += EMLC_S16_CHUNK) {
          const int32_t *const wend = wp + (EMLC_MIN(EMLC_S16_CHUNK, Kp - at) >> 1);
          int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
          int32_t w0, w1, t0, t1, xa, xb;
          __asm__ volatile("1:\n\t"
                           "ldrd %[w0], %[w1], [%[wp]], #8\n\t"
                           "ldrd %[xa], %[xb], [%[cp]], #8\n\t"
                           "sxtb16 %[t0], %[w0]\n\t"
                           "sxtb16 %[t1], %[w1]\n\t"
                           "smlad %[a00], %[t0], %[xa], %[a00]\n\t"
                           "smlad %[a01], %[t0], %[xb], %[a01]\n\t"
                           "smlad %[a10], %[t1], %[xa], %[a10]\n\t"
                           "smlad %[a11], %[t1], %[xb], %[a11]\n\t"
                           "ldrd %[xa], %[xb], [%[cp]], #8\n\t"
                           "sxtb16 %[w0], %[w0], ror #8\n\t"
                           "sxtb16 %[w1], %[w1], ror #8\n\t"
                           "smlad %[a00], %[w0], %[xa], %[a00]\n\t"
                           "smlad %[a01], %[w0], %[xb], %[a01]\n\t"
                           "smlad %[a10], %[w1], %[xa], %[a10]\n\t"
                           "smlad %[a11], %[w1], %[xb], %[a11]\n\t"
                           "cmp %[wp], %[wend]\n\t"
                           "bne 1b"
                           : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [wp] "+r"(wp),
                             [cp] "+r"(cp), [w0] "=&r"(w0), [w1] "=&r"(w1), [t0] "=&r"(t0), [t1] "=&r"(t1),
                             [xa] "=&r"(xa), [xb] "=&r"(xb)
                           : [wend] "r"(wend)
                           : "cc", "memory");
#else
          for (; wp != wend; wp += 2, cp += 4) {
            const int32_t w0a = emlc_sxtb16(wp[0]), w0b = emlc_sxtb16_ror8(wp[0]);
            const int32_t w1a = emlc_sxtb16(wp[1]), w1b = emlc_sxtb16_ror8(wp[1]);
            a00 = EMLC_SMLAD(w0a, cp[0], a00), a01 = EMLC_SMLAD(w0a, cp[1], a01);
            a10 = EMLC_SMLAD(w1a, cp[0], a10), a11 = EMLC_SMLAD(w1a, cp[1], a11);
            a00 = EMLC_SMLAD(w0b, cp[2], a00), a01 = EMLC_SMLAD(w0b, cp[3], a01);
            a10 = EMLC_SMLAD(w1b, cp[2], a10), a11 = EMLC_SMLAD(w1b, cp[3], a11);
          }
#endif
          s00 += a00, s01 += a01, s10 += a10, s11 += a11;
        }
        emlc_store_2x2_s16(yn + (int64_t)m * P + p, P, s00, s01, s10, s11, pair, two, mult + m, shift + m, lo, hi);
      }
    }
  }
}

// @kernel store_fc_s16_impl
// @requires s16_dsp_impl
/* `cnt` (1-4) consecutive outputs of the int16 fully connected kernels. */
static void emlc_store_4_s16(int16_t *y, int32_t cnt, int64_t a0, int64_t a1, int64_t a2, int64_t a3,
                             const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  y[0] = emlc_output_s16(a0, mult[0], shift[0], lo, hi);
  if (cnt > 1)
    y[1] = emlc_output_s16(a1, mult[1], shift[1], lo, hi);
  if (cnt > 2)
    y[2] = emlc_output_s16(a2, mult[2], shift[2], lo, hi);
  if (cnt > 3)
    y[3] = emlc_output_s16(a3, mult[3], shift[3], lo, hi);
}

// @kernel fully_connected_s16_dsp_w16
// @requires s16_dsp_impl
// @requires store_fc_s16_impl
/* TFLite 16x8 fully connected on the DSP extension, weights sign-extended to
   int16 by the compiler: output channels in quads (N padded to 4 with zero
   channels), K padded to 4, per 4-tap group and channel the words (w0,w1)
   and (w2,w3). Each input row is first copied into `xs` (Kp/2 words,
   zero-padded: its pairs (x0,x1) (x2,x3) word-aligned for LDRD), so a 4-tap
   step of four channels is 5 LDRD and 8 SMLAD for 16 MACs (hand-scheduled on
   Arm), in chunks of EMLC_S16_CHUNK taps summed into int64. Sums identical
   to fully_connected_s16. */
static void emlc_fully_connected_s16_dsp_w16(const int16_t *x, const int32_t *wpk, const int64_t *bias, int32_t *xs,
                                             int16_t *y, int32_t M, int32_t K, int32_t N, const int32_t *mult,
                                             const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Kp = (K + 3) & ~3;
  int32_t m, n, k, at;
  for (m = 0; m < M; ++m) {
    const int16_t *xr = x + (int64_t)m * K;
    int16_t *yr = y + (int64_t)m * N;
    for (k = 0; k < Kp; k += 2)
      xs[k >> 1] = (int32_t)(((uint32_t)(k < K ? xr[k] : 0) & 0xffffu) | (uint32_t)(k + 1 < K ? xr[k + 1] : 0) << 16);
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int32_t *wp = wpk + (int64_t)n * (Kp >> 1), *xp = xs;
      int64_t s0 = bias[n], s1 = cnt > 1 ? bias[n + 1] : 0, s2 = cnt > 2 ? bias[n + 2] : 0,
              s3 = cnt > 3 ? bias[n + 3] : 0;
      for (at = 0; at < Kp; at += EMLC_S16_CHUNK) {
        const int32_t *const xend = xp + (EMLC_MIN(EMLC_S16_CHUNK, Kp - at) >> 1);
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
        int32_t xe, xo, wa, wb;
        __asm__ volatile("1:\n\t"
                         "ldrd %[xe], %[xo], [%[xp]], #8\n\t"
                         "ldrd %[wa], %[wb], [%[wp]], #8\n\t"
                         "smlad %[a0], %[wa], %[xe], %[a0]\n\t"
                         "smlad %[a0], %[wb], %[xo], %[a0]\n\t"
                         "ldrd %[wa], %[wb], [%[wp]], #8\n\t"
                         "smlad %[a1], %[wa], %[xe], %[a1]\n\t"
                         "smlad %[a1], %[wb], %[xo], %[a1]\n\t"
                         "ldrd %[wa], %[wb], [%[wp]], #8\n\t"
                         "smlad %[a2], %[wa], %[xe], %[a2]\n\t"
                         "smlad %[a2], %[wb], %[xo], %[a2]\n\t"
                         "ldrd %[wa], %[wb], [%[wp]], #8\n\t"
                         "smlad %[a3], %[wa], %[xe], %[a3]\n\t"
                         "smlad %[a3], %[wb], %[xo], %[a3]\n\t"
                         "cmp %[xp], %[xend]\n\t"
                         "bne 1b"
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp), [wp] "+r"(wp),
                           [xe] "=&r"(xe), [xo] "=&r"(xo), [wa] "=&r"(wa), [wb] "=&r"(wb)
                         : [xend] "r"(xend)
                         : "cc", "memory");
#else
        for (; xp != xend; xp += 2, wp += 8) {
          a0 = EMLC_SMLAD(wp[0], xp[0], a0), a0 = EMLC_SMLAD(wp[1], xp[1], a0);
          a1 = EMLC_SMLAD(wp[2], xp[0], a1), a1 = EMLC_SMLAD(wp[3], xp[1], a1);
          a2 = EMLC_SMLAD(wp[4], xp[0], a2), a2 = EMLC_SMLAD(wp[5], xp[1], a2);
          a3 = EMLC_SMLAD(wp[6], xp[0], a3), a3 = EMLC_SMLAD(wp[7], xp[1], a3);
        }
#endif
        s0 += a0, s1 += a1, s2 += a2, s3 += a3;
      }
      emlc_store_4_s16(yr + n, cnt, s0, s1, s2, s3, mult + n, shift + n, lo, hi);
    }
  }
}

// @kernel fully_connected_s16_dsp
// @requires s16_dsp_impl
// @requires sxtb16_impl
// @requires ld32_impl
// @requires store_fc_s16_impl
/* fully_connected_s16_dsp_w16 with the weights as stored ([N][K] int8, half
   the bytes): four output channels per pass; one 4-byte load of each weight
   row gives, through SXTB16 and its rotated form, (w0,w2) and (w1,w3), met
   by the input row copied into `xs` as the pairs (x0,x2) (x1,x3) (Kp/2
   words). Per 4 taps: 1 LDRD of xs, 4 loads and 8 SXTB16 of weights, 8
   SMLAD; taps past the last multiple of 4 one by one. Sums identical to
   fully_connected_s16. */
static void emlc_fully_connected_s16_dsp(const int16_t *x, const int8_t *w, const int64_t *bias, int32_t *xs,
                                         int16_t *y, int32_t M, int32_t K, int32_t N, const int32_t *mult,
                                         const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K4 = K & ~3;
  int32_t m, n, k, at;
  for (m = 0; m < M; ++m) {
    const int16_t *xr = x + (int64_t)m * K;
    int16_t *yr = y + (int64_t)m * N;
    for (k = 0; k < K4; k += 4) {
      xs[k >> 1] = (int32_t)(((uint32_t)xr[k] & 0xffffu) | (uint32_t)xr[k + 2] << 16);
      xs[(k >> 1) + 1] = (int32_t)(((uint32_t)xr[k + 1] & 0xffffu) | (uint32_t)xr[k + 3] << 16);
    }
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *w0 = w + (int64_t)n * K, *w1 = cnt > 1 ? w0 + K : w0, *w2 = cnt > 2 ? w0 + 2 * K : w0,
                   *w3 = cnt > 3 ? w0 + 3 * K : w0;
      int64_t s0 = bias[n], s1 = cnt > 1 ? bias[n + 1] : 0, s2 = cnt > 2 ? bias[n + 2] : 0,
              s3 = cnt > 3 ? bias[n + 3] : 0;
      for (at = 0; at < K4; at += EMLC_S16_CHUNK) {
        const int32_t end = EMLC_MIN(at + EMLC_S16_CHUNK, K4);
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (k = at; k < end; k += 4) {
          const int32_t xe = xs[k >> 1], xo = xs[(k >> 1) + 1];
          int32_t v = emlc_ld32(w0 + k);
          a0 = EMLC_SMLAD(emlc_sxtb16(v), xe, a0), a0 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a0);
          v = emlc_ld32(w1 + k);
          a1 = EMLC_SMLAD(emlc_sxtb16(v), xe, a1), a1 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a1);
          v = emlc_ld32(w2 + k);
          a2 = EMLC_SMLAD(emlc_sxtb16(v), xe, a2), a2 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a2);
          v = emlc_ld32(w3 + k);
          a3 = EMLC_SMLAD(emlc_sxtb16(v), xe, a3), a3 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a3);
        }
        s0 += a0, s1 += a1, s2 += a2, s3 += a3;
      }
      for (k = K4; k < K; ++k) {
        const int32_t xv = xr[k];
        s0 += xv * w0[k], s1 += xv * w1[k], s2 += xv * w2[k], s3 += xv * w3[k];
      }
      emlc_store_4_s16(yr + n, cnt, s0, s1, s2, s3, mult + n, shift + n, lo, hi);
    }
  }
}
