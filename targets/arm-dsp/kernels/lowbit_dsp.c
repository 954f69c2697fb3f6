// @kernel smlald_impl
// @requires dsp_impl
/* SMLALD: two 16-bit products added to a 64-bit accumulator (the int4 fully
   connected kernel's unmasked weight lanes). */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define EMLC_SMLALD(a, b, acc) __smlald((a), (b), (acc))
#else
static int64_t emlc_smlald_c(int32_t a, int32_t b, int64_t acc) {
  return acc + (int64_t)(int16_t)(a & 0xffff) * (int16_t)(b & 0xffff) +
         (int64_t)(int16_t)((uint32_t)a >> 16) * (int16_t)((uint32_t)b >> 16);
}
#define EMLC_SMLALD(a, b, acc) emlc_smlald_c((a), (b), (acc))
#endif

// @kernel store_conv_lowbit_impl
// @requires store_conv_s8_impl
// @requires requantize_fast_impl
/* emlc_store_2x2_s8 for the low-bit convolutions, which run layers outside
   the DSP requantization's domain too: `exact` set, the tables are TFLite's
   and every output is requantized by emlc_requantize_fast (equal to
   TFLite's for every input); else the DSP tables and emlc_store_2x2_s8. */
static void emlc_store_2x2_lowbit(int8_t *y, int32_t P, int32_t a00, int32_t a01, int32_t a10, int32_t a11,
                                  int32_t pair, int32_t two, const int32_t *mult, const int32_t *shift, int32_t exact,
                                  int32_t out_off, int32_t lo, int32_t hi) {
  int32_t r;
  if (!exact) {
    emlc_store_2x2_s8(y, P, a00, a01, a10, a11, pair, two, mult, shift, out_off, lo, hi);
    return;
  }
  r = emlc_requantize_fast(a00, mult[0], shift[0]) + out_off;
  y[0] = (int8_t)EMLC_CLAMP(r, lo, hi);
  if (two) {
    r = emlc_requantize_fast(a01, mult[0], shift[0]) + out_off;
    y[1] = (int8_t)EMLC_CLAMP(r, lo, hi);
  }
  if (pair) {
    r = emlc_requantize_fast(a10, mult[1], shift[1]) + out_off;
    y[P] = (int8_t)EMLC_CLAMP(r, lo, hi);
    if (two) {
      r = emlc_requantize_fast(a11, mult[1], shift[1]) + out_off;
      y[P + 1] = (int8_t)EMLC_CLAMP(r, lo, hi);
    }
  }
}

// @kernel store_fc_lowbit_impl
// @requires store_fc_s8_impl
// @requires requantize_fast_impl
/* emlc_store_4_s8 for the low-bit fully connected kernels: `exact` set,
   TFLite's tables and emlc_requantize_fast (store_conv_lowbit_impl). */
static void emlc_store_4_lowbit(int8_t *y, int32_t cnt, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                const int32_t *mult, const int32_t *shift, int32_t exact, int32_t out_off, int32_t lo,
                                int32_t hi) {
  int32_t a[4], j;
  if (!exact) {
    emlc_store_4_s8(y, cnt, a0, a1, a2, a3, mult, shift, out_off, lo, hi);
    return;
  }
  a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
  for (j = 0; j < cnt; ++j) {
    const int32_t r = emlc_requantize_fast(a[j], mult[j], shift[j]) + out_off;
    y[j] = (int8_t)EMLC_CLAMP(r, lo, hi);
  }
}

// @kernel im2col_s16_sum_impl
// @requires dsp_impl
// @requires im2col_s16_impl
/* emlc_im2col_s16 (the column of output pixels q0, q1: tap pairs of both
   pixels interleaved) that also sums each pixel's Kp column values, padding
   taps included, into sums[0] and sums[1]: the low-bit convolutions store
   their weights offset to unsigned (w + 8, w + 2) and subtract offset x sum.
   Interior pixel pairs sum as they pack (one SMLAD by (1,1) per word). */
static void emlc_im2col_s16_sum(const int8_t *xn, int32_t *col, int32_t q0, int32_t q1, const int32_t *taps,
                                int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OW, int32_t sh,
                                int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad, int32_t Kp,
                                int32_t *sums) {
  const int32_t oh0 = q0 / OW, ow0 = q0 - oh0 * OW, oh1 = q1 / OW, ow1 = q1 - oh1 * OW;
  const int32_t ih0 = oh0 * sh - pt, iw0 = ow0 * sw - pl, ih1 = oh1 * sh - pt, iw1 = ow1 * sw - pl;
  const int32_t ext_h = (KH - 1) * dh, ext_w = (KW - 1) * dw, ones = 0x00010001;
  int32_t s0 = 0, s1 = 0, h;
  if (ih0 >= 0 && iw0 >= 0 && ih0 + ext_h < H && iw0 + ext_w < W && ih1 >= 0 && iw1 >= 0 && ih1 + ext_h < H &&
      iw1 + ext_w < W) {
    const int8_t *b0 = xn + (int64_t)ih0 * W + iw0, *b1 = xn + (int64_t)ih1 * W + iw1;
    for (h = 0; h < Kp; h += 2, col += 2, taps += 2) {
      const int32_t t0 = taps[0], t1 = taps[1];
      const int32_t c0 = (int32_t)(((uint32_t)b0[t0] & 0xffffu) | (uint32_t)b0[t1] << 16);
      const int32_t c1 = (int32_t)(((uint32_t)b1[t0] & 0xffffu) | (uint32_t)b1[t1] << 16);
      col[0] = c0, col[1] = c1;
      s0 = EMLC_SMLAD(c0, ones, s0), s1 = EMLC_SMLAD(c1, ones, s1);
    }
  } else {
    emlc_im2col_s16(xn, col, q0, q1, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
    for (h = 0; h < Kp; h += 2)
      s0 = EMLC_SMLAD(col[h], ones, s0), s1 = EMLC_SMLAD(col[h + 1], ones, s1);
  }
  sums[0] = s0, sums[1] = s1;
}

// @kernel lowbit_dsp_asm_impl
/* The low-bit DSP convolutions' inner steps (inline assembly text): a tap
   pair of a channel pair x two pixels, one AND (the weight word shifted, a
   mask in a register) and 4 SMLAD after one LDRD of the column; 8 taps of
   int4 weights (a word per channel), 16 of 2-bit ones. 13 registers. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define EMLC_LOWBIT_DSP_PAIR(shift)                                                                                    \
  "ldrd %[xa], %[xb], [%[cp]], #8\n\t"                                                                               \
  "and %[t], %[mask], %[w0]" shift "\n\t"                                                                            \
  "smlad %[a00], %[t], %[xa], %[a00]\n\t"                                                                            \
  "smlad %[a01], %[t], %[xb], %[a01]\n\t"                                                                            \
  "and %[t], %[mask], %[w1]" shift "\n\t"                                                                            \
  "smlad %[a10], %[t], %[xa], %[a10]\n\t"                                                                            \
  "smlad %[a11], %[t], %[xb], %[a11]\n\t"
#define EMLC_W4_DSP_STEP8                                                                                              \
  "ldrd %[w0], %[w1], [%[wp]], #8\n\t" EMLC_LOWBIT_DSP_PAIR("") EMLC_LOWBIT_DSP_PAIR(", lsr #4")                    \
      EMLC_LOWBIT_DSP_PAIR(", lsr #8") EMLC_LOWBIT_DSP_PAIR(", lsr #12")
#define EMLC_W2_DSP_STEP16                                                                                             \
  "ldrd %[w0], %[w1], [%[wp]], #8\n\t" EMLC_LOWBIT_DSP_PAIR("") EMLC_LOWBIT_DSP_PAIR(", lsr #2")                    \
      EMLC_LOWBIT_DSP_PAIR(", lsr #4") EMLC_LOWBIT_DSP_PAIR(", lsr #6") EMLC_LOWBIT_DSP_PAIR(", lsr #8")              \
          EMLC_LOWBIT_DSP_PAIR(", lsr #10") EMLC_LOWBIT_DSP_PAIR(", lsr #12") EMLC_LOWBIT_DSP_PAIR(", lsr #14")
#endif

// @kernel conv_s8_w4_dsp
// @requires dsp_impl
// @requires lowbit_dsp_asm_impl
// @requires im2col_s16_sum_impl
// @requires store_conv_lowbit_impl
/* int8 convolution (one group, NCHW, any kernel/stride/dilation/padding)
   with int4 weights, on the DSP extension: conv_s8_dsp's two-pixel int16
   im2col against weights packed by the compiler four bits each, offset to
   unsigned (u = w + 8): output channels in pairs (a zero channel completing
   an odd count), K padded to a multiple of 8, per 8-tap group one word of
   channel m then one of m+1. In a word, nibble j (j < 4) is tap 2j and
   nibble 4 + j tap 2j + 1, so one AND of the word shifted by 4j (a mask
   0x000F000F, one instruction with the shifted operand) yields the int16
   pair (u[2j], u[2j+1]) that meets the im2col's natural pair: per 8 taps 1
   LDRD of weights, 4 of columns, 8 AND, 16 SMLAD for 32 MACs (hand-scheduled
   on Arm: 13 registers; 16 taps a loop iteration, 60 instructions for 64
   MACs). sum(x * w) = sum(x * u) - 8 sum(x), the column sums coming with the
   im2col. bias_eff folds the input offset; padded taps hold the input zero
   point `pad`. The DSP requantization, or with `exact` TFLite's
   (store_conv_lowbit_impl). Sums identical to conv2d_s8. */
static void emlc_conv_s8_w4_dsp(const int8_t *x, const int32_t *wpk, int32_t *col, int8_t *y, int32_t N, int32_t C,
                                int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                                const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                const int32_t *shift, int32_t exact, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 7) & ~7, P = OH * OW;
  int32_t n, p, m, sums[2];
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      int32_t c0, c1;
      emlc_im2col_s16_sum(xn, col, p, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp, sums);
      c0 = -8 * sums[0], c1 = -8 * sums[1];
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M, b0 = bias_eff[m], b1 = pair ? bias_eff[m + 1] : 0;
        const int32_t *wp = wpk + (int64_t)(m >> 1) * (Kp >> 2), *cp = col, *const wend = wp + (Kp >> 2);
        int32_t a00 = b0 + c0, a01 = b0 + c1, a10 = b1 + c0, a11 = b1 + c1;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
        int32_t w0, w1, t, xa, xb;
        const int32_t mask = 0x000F000F;
        /* 16 taps a loop iteration, entered at its second half when the 8-tap groups are odd */
        __asm__ volatile("sub %[t], %[wend], %[wp]\n\t"
                         "tst %[t], #8\n\t"
                         "bne 2f\n\t"
                         "1:\n\t" EMLC_W4_DSP_STEP8 "2:\n\t" EMLC_W4_DSP_STEP8
                         "cmp %[wp], %[wend]\n\t"
                         "bne 1b"
                         : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [wp] "+r"(wp),
                           [cp] "+r"(cp), [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t), [xa] "=&r"(xa),
                           [xb] "=&r"(xb)
                         : [wend] "r"(wend), [mask] "r"(mask)
                         : "cc", "memory");
#else
        for (; wp != wend; wp += 2, cp += 8) {
          const uint32_t w0 = (uint32_t)wp[0], w1 = (uint32_t)wp[1];
          int32_t j;
          for (j = 0; j < 4; ++j) {
            const int32_t t0 = (int32_t)((w0 >> (4 * j)) & 0x000F000Fu), t1 = (int32_t)((w1 >> (4 * j)) & 0x000F000Fu);
            a00 = EMLC_SMLAD(t0, cp[2 * j], a00), a01 = EMLC_SMLAD(t0, cp[2 * j + 1], a01);
            a10 = EMLC_SMLAD(t1, cp[2 * j], a10), a11 = EMLC_SMLAD(t1, cp[2 * j + 1], a11);
          }
        }
#endif
        emlc_store_2x2_lowbit(yn + (int64_t)m * P + p, P, a00, a01, a10, a11, pair, two, mult + m, shift + m, exact,
                              out_off, lo, hi);
      }
    }
  }
}

// @kernel conv_s8_w2_dsp
// @requires dsp_impl
// @requires lowbit_dsp_asm_impl
// @requires im2col_s16_sum_impl
// @requires store_conv_lowbit_impl
/* conv_s8_w4_dsp with 2-bit weights (int2 or ternary) offset to unsigned
   (u = w + 2): per channel pair and 16-tap group one word of channel m then
   one of m+1, bits 2j and 16 + 2j of a word taps 2j and 2j + 1 (mask
   0x00030003); K padded to a multiple of 16; sum(x * w) = sum(x * u) -
   2 sum(x). Per 16 taps 1 LDRD of weights, 8 of columns, 16 AND, 32 SMLAD for
   64 MACs (hand-scheduled on Arm). Same arguments and sums as conv_s8_w4_dsp. */
static void emlc_conv_s8_w2_dsp(const int8_t *x, const int32_t *wpk, int32_t *col, int8_t *y, int32_t N, int32_t C,
                                int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                                const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                const int32_t *shift, int32_t exact, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15, P = OH * OW;
  int32_t n, p, m, sums[2];
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      int32_t c0, c1;
      emlc_im2col_s16_sum(xn, col, p, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp, sums);
      c0 = -2 * sums[0], c1 = -2 * sums[1];
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M, b0 = bias_eff[m], b1 = pair ? bias_eff[m + 1] : 0;
        const int32_t *wp = wpk + (int64_t)(m >> 1) * (Kp >> 3), *cp = col, *const wend = wp + (Kp >> 3);
        int32_t a00 = b0 + c0, a01 = b0 + c1, a10 = b1 + c0, a11 = b1 + c1;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
        int32_t w0, w1, t, xa, xb;
        const int32_t mask = 0x00030003;
        __asm__ volatile("1:\n\t" EMLC_W2_DSP_STEP16
                         "cmp %[wp], %[wend]\n\t"
                         "bne 1b"
                         : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [wp] "+r"(wp),
                           [cp] "+r"(cp), [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t), [xa] "=&r"(xa),
                           [xb] "=&r"(xb)
                         : [wend] "r"(wend), [mask] "r"(mask)
                         : "cc", "memory");
#else
        for (; wp != wend; wp += 2, cp += 16) {
          const uint32_t w0 = (uint32_t)wp[0], w1 = (uint32_t)wp[1];
          int32_t j;
          for (j = 0; j < 8; ++j) {
            const int32_t t0 = (int32_t)((w0 >> (2 * j)) & 0x00030003u), t1 = (int32_t)((w1 >> (2 * j)) & 0x00030003u);
            a00 = EMLC_SMLAD(t0, cp[2 * j], a00), a01 = EMLC_SMLAD(t0, cp[2 * j + 1], a01);
            a10 = EMLC_SMLAD(t1, cp[2 * j], a10), a11 = EMLC_SMLAD(t1, cp[2 * j + 1], a11);
          }
        }
#endif
        emlc_store_2x2_lowbit(yn + (int64_t)m * P + p, P, a00, a01, a10, a11, pair, two, mult + m, shift + m, exact,
                              out_off, lo, hi);
      }
    }
  }
}

// @kernel widen_row_s16_impl
// @requires dsp_impl
// @requires sxtb16_impl
/* An int8 row of K values widened into xs (Kp/2 words, Kp = K padded to 4,
   zero-padded): per 4 values the pairs (x0,x2) and (x1,x3), SXTB16 of the
   word and of its rotated form; returns the row's sum. */
static int32_t emlc_widen_row_s16(const int8_t *xr, int32_t *xs, int32_t K) {
  const int32_t Kp = (K + 3) & ~3, ones = 0x00010001;
  int32_t k, s = 0;
  for (k = 0; k < Kp; k += 4) {
    int32_t X = 0, e, o;
    memcpy(&X, xr + k, (size_t)EMLC_MIN(4, K - k));
    e = emlc_sxtb16(X), o = emlc_sxtb16_ror8(X);
    xs[k >> 1] = e, xs[(k >> 1) + 1] = o;
    s = EMLC_SMLAD(e, ones, s), s = EMLC_SMLAD(o, ones, s);
  }
  return s;
}

// @kernel fully_connected_s8_w4_dsp
// @requires dsp_impl
// @requires smlald_impl
// @requires widen_row_s16_impl
// @requires store_fc_lowbit_impl
/* TFLite int8 fully connected with int4 weights on the DSP extension. The
   compiler packs four output channels (a quad, zero channels completing the
   last) per word: per 4-tap group (K padded to 8) a word for the taps (0,2)
   and one for (1,3), the low halfword holding the first tap of the four
   channels (nibbles 0-3), the high one the second. Channels 0-2 of a quad
   are offset to unsigned (u = w + 8), channel 3 is two's complement, so the
   unmasked halfword is the int16 u0 + 16 u1 + 256 u2 + 4096 w3: one SMLALD
   of the word (64-bit) and three SMLAD of it masked by 0x000F000F,
   0x00F000F0, 0x0F000F00 (one AND each, no shift) give the four channels'
   sums, w3's as the difference. Per 8 taps of four channels: 2 LDRD of
   input, 2 of weights, 12 AND, 16 SMLA(L)D for 32 MACs (hand-scheduled on
   Arm, 16 taps a loop iteration). The input row is widened into `xs` (Kp/2 words, SXTB16 pairs) once,
   its sum taken for the offset. NNToKernel gives it layers with K <= 4096
   (the 256 u2 sums stay below 2^31). Sums identical to fully_connected_s8. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
/* One word of a quad against one input word: SMLALD of it, three SMLAD of it masked. */
#define EMLC_W4_FC_WORD(w, x)                                                                                          \
  "smlald %[rlo], %[rhi], %[" w "], %[" x "]\n\t"                                                                    \
  "and %[t], %[" w "], #0x000F000F\n\t"                                                                              \
  "smlad %[d0], %[t], %[" x "], %[d0]\n\t"                                                                           \
  "and %[t], %[" w "], #0x00F000F0\n\t"                                                                              \
  "smlad %[d1], %[t], %[" x "], %[d1]\n\t"                                                                           \
  "and %[t], %[" w "], #0x0F000F00\n\t"                                                                              \
  "smlad %[d2], %[t], %[" x "], %[d2]\n\t"
/* 4 taps of a quad: 1 LDRD of input, 1 of weights, 2 SMLALD, 6 AND, 6 SMLAD; 12 registers. */
#define EMLC_W4_FC_STEP4                                                                                               \
  "ldrd %[xe], %[xo], [%[xp]], #8\n\t"                                                                               \
  "ldrd %[w0], %[w1], [%[wp]], #8\n\t" EMLC_W4_FC_WORD("w0", "xe") EMLC_W4_FC_WORD("w1", "xo")
#endif
static void emlc_fully_connected_s8_w4_dsp(const int8_t *x, const int32_t *wpk, int32_t *xs, int8_t *y, int32_t M,
                                           int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                           const int32_t *mult, const int32_t *shift, int32_t exact, int32_t lo,
                                           int32_t hi) {
  const int32_t Kp = (K + 7) & ~7;
  int32_t m, n;
  for (m = 0; m < M; ++m) {
    const int32_t corr = -8 * emlc_widen_row_s16(x + (int64_t)m * K, xs, K);
    int8_t *yr = y + (int64_t)m * N;
    if (Kp > ((K + 3) & ~3))
      xs[Kp / 2 - 2] = 0, xs[Kp / 2 - 1] = 0; /* K padded to 8: the last group's input is zero */
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int32_t *wp = wpk + (int64_t)(n >> 2) * (Kp >> 1), *xp = xs, *const xend = xs + (Kp >> 1);
      int64_t r = 0;
      int32_t d0 = 0, d1 = 0, d2 = 0, s3;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
      int32_t rlo = 0, rhi = 0, xe, xo, w0, w1, t;
      /* 16 taps a loop iteration, entered at its second half when the 8-tap groups are odd */
      __asm__ volatile("sub %[t], %[xend], %[xp]\n\t"
                       "tst %[t], #16\n\t"
                       "bne 2f\n\t"
                       "1:\n\t" EMLC_W4_FC_STEP4 EMLC_W4_FC_STEP4 "2:\n\t" EMLC_W4_FC_STEP4 EMLC_W4_FC_STEP4
                       "cmp %[xp], %[xend]\n\t"
                       "bne 1b"
                       : [rlo] "+r"(rlo), [rhi] "+r"(rhi), [d0] "+r"(d0), [d1] "+r"(d1), [d2] "+r"(d2), [xp] "+r"(xp),
                         [wp] "+r"(wp), [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t)
                       : [xend] "r"(xend)
                       : "cc", "memory");
      r = (int64_t)((uint64_t)(uint32_t)rhi << 32 | (uint32_t)rlo);
#else
      for (; xp != xend; xp += 2, wp += 2) {
        const uint32_t w0 = (uint32_t)wp[0], w1 = (uint32_t)wp[1];
        r = EMLC_SMLALD((int32_t)w0, xp[0], r), r = EMLC_SMLALD((int32_t)w1, xp[1], r);
        d0 = EMLC_SMLAD((int32_t)(w0 & 0x000F000Fu), xp[0], d0), d0 = EMLC_SMLAD((int32_t)(w1 & 0x000F000Fu), xp[1], d0);
        d1 = EMLC_SMLAD((int32_t)(w0 & 0x00F000F0u), xp[0], d1), d1 = EMLC_SMLAD((int32_t)(w1 & 0x00F000F0u), xp[1], d1);
        d2 = EMLC_SMLAD((int32_t)(w0 & 0x0F000F00u), xp[0], d2), d2 = EMLC_SMLAD((int32_t)(w1 & 0x0F000F00u), xp[1], d2);
      }
#endif
      s3 = (int32_t)((r - d0 - d1 - d2) >> 12);
      emlc_store_4_lowbit(yr + n, cnt, bias_eff[n] + d0 + corr, cnt > 1 ? bias_eff[n + 1] + (d1 >> 4) + corr : 0,
                          cnt > 2 ? bias_eff[n + 2] + (d2 >> 8) + corr : 0, cnt > 3 ? bias_eff[n + 3] + s3 : 0,
                          mult + n, shift + n, exact, out_off, lo, hi);
    }
  }
}

// @kernel fully_connected_s8_w2_dsp
// @requires dsp_impl
// @requires widen_row_s16_impl
// @requires store_fc_lowbit_impl
/* TFLite int8 fully connected with 2-bit weights (int2 or ternary) on the
   DSP extension: weights offset to unsigned (u = w + 2), output channels in
   pairs (a zero channel completing an odd count), K padded to 16, per
   16-tap group a word of channel n then one of n+1, bits 2j and 16 + 2j of
   a word meeting the widened input's word j of the group
   (fully_connected_s8_w4_dsp's `xs`: pairs (0,2) and (1,3) of every 4 taps),
   so one AND (mask 0x00030003) of the word shifted by 2j gives the int16
   pair. Per 16 taps of a pair: 1 LDRD of weights, 4 of input, 16 AND, 16
   SMLAD for 32 MACs (hand-scheduled on Arm). sum(x * w) = sum(x * u) -
   2 sum(x). Sums identical to fully_connected_s8. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define EMLC_W2_FC_PAIR(xr, shift)                                                                                     \
  "and %[t], %[mask], %[w0]" shift "\n\t"                                                                            \
  "smlad %[a0], %[t], %[" xr "], %[a0]\n\t"                                                                          \
  "and %[t], %[mask], %[w1]" shift "\n\t"                                                                            \
  "smlad %[a1], %[t], %[" xr "], %[a1]\n\t"
#define EMLC_W2_FC_QUAD(s0, s1, s2, s3)                                                                                \
  "ldrd %[xe], %[xo], [%[xp]], #8\n\t" EMLC_W2_FC_PAIR("xe", s0) EMLC_W2_FC_PAIR("xo", s1)                           \
      "ldrd %[xe], %[xo], [%[xp]], #8\n\t" EMLC_W2_FC_PAIR("xe", s2) EMLC_W2_FC_PAIR("xo", s3)
#endif
static void emlc_fully_connected_s8_w2_dsp(const int8_t *x, const int32_t *wpk, int32_t *xs, int8_t *y, int32_t M,
                                           int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                           const int32_t *mult, const int32_t *shift, int32_t exact, int32_t lo,
                                           int32_t hi) {
  const int32_t Kp = (K + 15) & ~15;
  int32_t m, n, k;
  for (m = 0; m < M; ++m) {
    const int32_t corr = -2 * emlc_widen_row_s16(x + (int64_t)m * K, xs, K);
    int8_t *yr = y + (int64_t)m * N;
    for (k = ((K + 3) & ~3) >> 1; k < Kp >> 1; ++k)
      xs[k] = 0;
    for (n = 0; n < N; n += 2) {
      const int32_t two = n + 1 < N;
      const int32_t *wp = wpk + (int64_t)(n >> 1) * (Kp >> 3), *xp = xs, *const xend = xs + (Kp >> 1);
      int32_t a0 = bias_eff[n] + corr, a1 = two ? bias_eff[n + 1] + corr : 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
      int32_t w0, w1, t, xe, xo;
      const int32_t mask = 0x00030003;
      __asm__ volatile("1:\n\t"
                       "ldrd %[w0], %[w1], [%[wp]], #8\n\t" EMLC_W2_FC_QUAD("", ", lsr #2", ", lsr #4", ", lsr #6")
                           EMLC_W2_FC_QUAD(", lsr #8", ", lsr #10", ", lsr #12", ", lsr #14")
                       "cmp %[xp], %[xend]\n\t"
                       "bne 1b"
                       : [a0] "+r"(a0), [a1] "+r"(a1), [xp] "+r"(xp), [wp] "+r"(wp), [w0] "=&r"(w0), [w1] "=&r"(w1),
                         [t] "=&r"(t), [xe] "=&r"(xe), [xo] "=&r"(xo)
                       : [xend] "r"(xend), [mask] "r"(mask)
                       : "cc", "memory");
#else
      for (; xp != xend; xp += 8, wp += 2) {
        const uint32_t v0 = (uint32_t)wp[0], v1 = (uint32_t)wp[1];
        int32_t j;
        for (j = 0; j < 8; ++j) {
          a0 = EMLC_SMLAD((int32_t)((v0 >> (2 * j)) & 0x00030003u), xp[j], a0);
          a1 = EMLC_SMLAD((int32_t)((v1 >> (2 * j)) & 0x00030003u), xp[j], a1);
        }
      }
#endif
      emlc_store_4_lowbit(yr + n, 1 + two, a0, a1, 0, 0, mult + n, shift + n, exact, out_off, lo, hi);
    }
  }
}

// @kernel dwconv3x3_s8_w4_dsp
// @requires dwconv3x3_s8_dsp
// @requires dw_lowbit_taps_impl
/* Depthwise 3x3 int8 convolution with int4 weights (dw_lowbit_taps_impl's
   layout) on the DSP extension: the weights unpacked once into `kw` (9 C
   bytes of scratch), then dwconv3x3_s8_dsp, so the speed, the rows and the
   sums are the int8 kernel's. */
static void emlc_dwconv3x3_s8_w4_dsp(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *rows, int8_t *y,
                                     int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                                     int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                     const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                     int32_t hi) {
  emlc_dw_lowbit_taps(w, C, 4, kw);
  emlc_dwconv3x3_s8_dsp(x, kw, rows, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo,
                        hi);
}

// @kernel dwconv3x3_s8_w2_dsp
// @requires dwconv3x3_s8_dsp
// @requires dw_lowbit_taps_impl
/* dwconv3x3_s8_w4_dsp with 2-bit weights (int2 or ternary). */
static void emlc_dwconv3x3_s8_w2_dsp(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *rows, int8_t *y,
                                     int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                                     int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                     const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                     int32_t hi) {
  emlc_dw_lowbit_taps(w, C, 2, kw);
  emlc_dwconv3x3_s8_dsp(x, kw, rows, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo,
                        hi);
}
