// @kernel dsp_impl
/* Arm DSP-extension (Cortex-M4/M7/M33/M55) building blocks: two 16-bit
   multiply-accumulates per SMLAD (SMLABB/SMLABT: one, from the bottom or top
   halfword), SSAT for the int8 clamp. Plain-C equivalents keep the kernels
   buildable, and testable, on any host. The helpers are split into small
   sections (sxtb16_impl, ld32_impl, requant_dsp_impl, store_*_s8_impl) so a
   model carries only those its kernels call: the emitted C has no unused
   functions. */
#if defined(__arm__) && !defined(__ARM_FEATURE_DSP) && !defined(EMLC_PORTABLE_FALLBACK)
/* On an Arm core without the DSP extension the plain-C fallbacks would run silently, several times slower;
   -DEMLC_PORTABLE_FALLBACK builds them anyway (the kernel tests do, on every core). */
#error "this module uses Arm DSP-extension kernels (Cortex-M4/M7/M33/M55): build it with -mcpu for such a core, or compile the model for --target cortex-m3 or cortex-m0plus"
#endif
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#include <arm_acle.h>
#define EMLC_SMLAD(a, b, acc) __smlad((a), (b), (acc))
#define EMLC_SMLABB(a, b, acc) __smlabb((a), (b), (acc))
#define EMLC_SMLABT(a, b, acc) __smlabt((a), (b), (acc))
#define EMLC_SAT8(v) __ssat((v), 8)
#else
/* inline: a model whose kernels use only some of them (int4 convolutions use
   SMLABB/SMLABT only on a DSP core's tails) builds warning-free on a host. */
static inline int32_t emlc_smlad_c(int32_t a, int32_t b, int32_t acc) {
  return acc + (int32_t)(int16_t)(a & 0xffff) * (int32_t)(int16_t)(b & 0xffff) +
         (int32_t)(int16_t)((uint32_t)a >> 16) * (int32_t)(int16_t)((uint32_t)b >> 16);
}
static inline int32_t emlc_smlabb_c(int32_t a, int32_t b, int32_t acc) {
  return acc + (int32_t)(int16_t)(a & 0xffff) * (int32_t)(int16_t)(b & 0xffff);
}
static inline int32_t emlc_smlabt_c(int32_t a, int32_t b, int32_t acc) {
  return acc + (int32_t)(int16_t)(a & 0xffff) * (int32_t)(int16_t)((uint32_t)b >> 16);
}
#define EMLC_SMLAD(a, b, acc) emlc_smlad_c((a), (b), (acc))
#define EMLC_SMLABB(a, b, acc) emlc_smlabb_c((a), (b), (acc))
#define EMLC_SMLABT(a, b, acc) emlc_smlabt_c((a), (b), (acc))
#define EMLC_SAT8(v) EMLC_CLAMP((v), -128, 127)
#endif
/* The output clamp: one SSAT when it spans all of int8 (layers without an
   activation, or ReLU whose zero point is -128), else two compares. */
#define EMLC_CLAMP_S8(v, lo, hi, full) ((full) ? EMLC_SAT8(v) : EMLC_CLAMP((v), (lo), (hi)))

// @kernel sxtb16_impl
/* SXTB16: bytes 0 and 2 (or, rotated, 1 and 3) of a word sign-extended into
   two halfwords. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
static int32_t emlc_sxtb16(int32_t x) { return __sxtb16(x); }
static int32_t emlc_sxtb16_ror8(int32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x)); /* ACLE has no rotating form */
  return r;
}
#else
static int32_t emlc_sxtb16(int32_t x) {
  const uint32_t u = (uint32_t)x;
  return (int32_t)((uint32_t)(int32_t)(int8_t)(u & 0xffu) & 0xffffu) |
         (int32_t)((uint32_t)(int32_t)(int8_t)((u >> 16) & 0xffu) << 16);
}
static int32_t emlc_sxtb16_ror8(int32_t x) { return emlc_sxtb16((int32_t)((uint32_t)x >> 8 | (uint32_t)x << 24)); }
#endif

// @kernel ld32_impl
static int32_t emlc_ld32(const void *p) {
  int32_t v;
  memcpy(&v, p, 4); /* one LDR: unaligned loads are fine on v7-M and later */
  return v;
}

// @kernel requant_dsp_impl
/* Requantization of the DSP kernels: exact (equal to emlc_requantize) when
   |x| < 2^30 and shift <= -1, which NNToKernel checks for every layer it
   gives these kernels (the portable ones otherwise). Then 2x cannot
   overflow, round(x * m / 2^31) is one SMMULR of 2x, and the rounding right
   shift by e = -shift (half = 2^(e-1)) cannot overflow either: 5
   instructions instead of about 15. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
static int32_t emlc_smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
#else
static int32_t emlc_smmulr(int32_t a, int32_t b) {
  return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
}
#endif
static int32_t emlc_requantize_dsp(int32_t x, int32_t multiplier, int32_t e, int32_t half) {
  const int32_t r = emlc_smmulr(x * 2, multiplier);
  return (r + half + (r >> 31)) >> e;
}

// @kernel store_fc_s8_impl
// @requires dsp_impl
// @requires requant_dsp_impl
/* `cnt` (1-4) consecutive outputs of the fully connected kernels (channels
   whose tables start at mult/shift), requantized, offset, clamped, stored. */
static int8_t emlc_output_s8(int32_t acc, int32_t mult, int32_t shift, int32_t out_off, int32_t lo, int32_t hi) {
  const int32_t r = emlc_requantize_dsp(acc, mult, -shift, 1 << (-shift - 1)) + out_off;
  return (int8_t)EMLC_CLAMP_S8(r, lo, hi, lo == -128 && hi == 127);
}
static void emlc_store_4_s8(int8_t *y, int32_t cnt, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                            const int32_t *mult, const int32_t *shift, int32_t out_off, int32_t lo, int32_t hi) {
  y[0] = emlc_output_s8(a0, mult[0], shift[0], out_off, lo, hi);
  if (cnt > 1)
    y[1] = emlc_output_s8(a1, mult[1], shift[1], out_off, lo, hi);
  if (cnt > 2)
    y[2] = emlc_output_s8(a2, mult[2], shift[2], out_off, lo, hi);
  if (cnt > 3)
    y[3] = emlc_output_s8(a3, mult[3], shift[3], out_off, lo, hi);
}

// @kernel store_conv_s8_impl
// @requires dsp_impl
// @requires requant_dsp_impl
/* The 2x2 block of outputs (channels m, m+1 x pixels p, p+1) of the DSP and MVE
   convolutions, requantized, offset, clamped and stored (NCHW, P pixels per
   channel); `pair`/`two` say whether channel m+1 / pixel p+1 exist. */
static void emlc_store_2x2_s8(int8_t *y, int32_t P, int32_t a00, int32_t a01, int32_t a10, int32_t a11,
                              int32_t pair, int32_t two, const int32_t *mult, const int32_t *shift, int32_t out_off,
                              int32_t lo, int32_t hi) {
  const int32_t m0 = mult[0], e0 = -shift[0], h0 = 1 << (e0 - 1), full = lo == -128 && hi == 127;
  int32_t r = emlc_requantize_dsp(a00, m0, e0, h0) + out_off;
  y[0] = (int8_t)EMLC_CLAMP_S8(r, lo, hi, full);
  if (two) {
    r = emlc_requantize_dsp(a01, m0, e0, h0) + out_off;
    y[1] = (int8_t)EMLC_CLAMP_S8(r, lo, hi, full);
  }
  if (pair) {
    const int32_t m1 = mult[1], e1 = -shift[1], h1 = 1 << (e1 - 1);
    r = emlc_requantize_dsp(a10, m1, e1, h1) + out_off;
    y[P] = (int8_t)EMLC_CLAMP_S8(r, lo, hi, full);
    if (two) {
      r = emlc_requantize_dsp(a11, m1, e1, h1) + out_off;
      y[P + 1] = (int8_t)EMLC_CLAMP_S8(r, lo, hi, full);
    }
  }
}

// @kernel im2col_s16_impl
/* Columns of the int16 im2col buffer for the output pixels q0 and q1 (NCHW
   input): tap k of pixel j as a halfword of word col[(k/2)*2 + j], taps
   (k, k+1) paired in one word, the two pixels interleaved so one LDRD reads
   a tap pair of both. taps[k] is tap k's offset from the window origin
   (c*H*W + ky*dh*W + kx*dw), padded to Kp (a multiple of 4) with offset 0:
   those taps meet zero weights. Windows touching the padding walk (c, ky,
   kx) and write the zero point `pad` outside: the window's columns inside
   the input, kw in [kw0, kw1), are the same for every channel and row, so
   a row is a run of pads, a run of loads and a run of pads; the halfwords
   are stored one at a time (tap k at byte (k/2)*8 + (k%2)*2 of col), the
   taps past K zero. A pixel whose window is inside takes the taps table
   (emlc_im2col_s16_in), the other pixel of its pair whatever it needs. */
static void emlc_im2col_s16_border(const int8_t *xn, int32_t *col, int32_t ih0, int32_t iw0, int32_t C, int32_t H,
                                   int32_t W, int32_t KH, int32_t KW, int32_t dh, int32_t dw, int32_t pad,
                                   int32_t Kp) {
  unsigned char *d = (unsigned char *)col;
  int32_t kw0 = 0, kw1 = KW, step = 2, c, kh, kw, k = C * KH * KW;
  const int16_t padh = (int16_t)pad, zero = 0;
  while (kw0 < KW && iw0 + kw0 * dw < 0)
    ++kw0;
  while (kw1 > kw0 && iw0 + (kw1 - 1) * dw >= W)
    --kw1;
  for (c = 0; c < C; ++c)
    for (kh = 0; kh < KH; ++kh) {
      const int32_t ih = ih0 + kh * dh;
      if (ih < 0 || ih >= H) {
        for (kw = 0; kw < KW; ++kw, d += step, step ^= 4) /* +2 after an even tap, +6 after an odd one */
          memcpy(d, &padh, 2);
      } else {
        const int8_t *row = xn + ((int64_t)c * H + ih) * W + iw0;
        for (kw = 0; kw < kw0; ++kw, d += step, step ^= 4)
          memcpy(d, &padh, 2);
        for (; kw < kw1; ++kw, d += step, step ^= 4) {
          const int16_t v = row[kw * dw];
          memcpy(d, &v, 2);
        }
        for (; kw < KW; ++kw, d += step, step ^= 4)
          memcpy(d, &padh, 2);
      }
    }
  for (; k < Kp; ++k, d += step, step ^= 4)
    memcpy(d, &zero, 2);
}
/* One pixel's column whose window is inside the input (b: its origin). */
static void emlc_im2col_s16_in(const int8_t *b, int32_t *col, const int32_t *taps, int32_t Kp) {
  int32_t h;
  for (h = 0; h < Kp; h += 2, col += 2, taps += 2)
    col[0] = (int32_t)(((uint32_t)b[taps[0]] & 0xffffu) | (uint32_t)b[taps[1]] << 16);
}
static void emlc_im2col_s16(const int8_t *xn, int32_t *col, int32_t q0, int32_t q1, const int32_t *taps,
                            int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OW, int32_t sh,
                            int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad, int32_t Kp) {
  const int32_t oh0 = q0 / OW, ow0 = q0 - oh0 * OW, oh1 = q1 / OW, ow1 = q1 - oh1 * OW;
  const int32_t ih0 = oh0 * sh - pt, iw0 = ow0 * sw - pl, ih1 = oh1 * sh - pt, iw1 = ow1 * sw - pl;
  const int32_t ext_h = (KH - 1) * dh, ext_w = (KW - 1) * dw;
  const int32_t in0 = ih0 >= 0 && iw0 >= 0 && ih0 + ext_h < H && iw0 + ext_w < W;
  const int32_t in1 = ih1 >= 0 && iw1 >= 0 && ih1 + ext_h < H && iw1 + ext_w < W;
  int32_t h;
  if (in0 && in1) {
    const int8_t *b0 = xn + (int64_t)ih0 * W + iw0, *b1 = xn + (int64_t)ih1 * W + iw1;
    for (h = 0; h < Kp; h += 2, col += 2, taps += 2) {
      const int32_t t0 = taps[0], t1 = taps[1];
      col[0] = (int32_t)(((uint32_t)b0[t0] & 0xffffu) | (uint32_t)b0[t1] << 16);
      col[1] = (int32_t)(((uint32_t)b1[t0] & 0xffffu) | (uint32_t)b1[t1] << 16);
    }
    return;
  }
  if (in0)
    emlc_im2col_s16_in(xn + (int64_t)ih0 * W + iw0, col, taps, Kp);
  else
    emlc_im2col_s16_border(xn, col, ih0, iw0, C, H, W, KH, KW, dh, dw, pad, Kp);
  if (in1)
    emlc_im2col_s16_in(xn + (int64_t)ih1 * W + iw1, col + 1, taps, Kp);
  else
    emlc_im2col_s16_border(xn, col + 1, ih1, iw1, C, H, W, KH, KW, dh, dw, pad, Kp);
}

// @kernel conv_s8_dsp
// @requires dsp_impl
// @requires sxtb16_impl
// @requires im2col_s16_impl
// @requires store_conv_s8_impl
/* int8 convolution (one group, NCHW, any kernel/stride/dilation/padding) as
   an int16 im2col of two output pixels at a time times weights packed by the
   compiler into little-endian words: output channels in pairs (a zero
   channel completing an odd count), K padded to a multiple of 4, per 4-tap
   group one word of channel m then one of m+1, bytes ordered w0 w2 w1 w3 so
   SXTB16 and its rotated form yield (w0,w1) and (w2,w3) to meet the
   im2col's natural pairs (k0,k1), (k2,k3). Per 4 taps: 1 LDRD of weights,
   2 of columns, 4 SXTB16, 8 SMLAD for 16 MACs (hand-scheduled on Arm: 13
   registers, 17 instructions). bias_eff folds the input offset; padded taps
   hold the input zero point `pad`. Sums identical to conv2d_s8. */
static void emlc_conv_s8_dsp(const int8_t *x, const int32_t *wpk, int32_t *col, int8_t *y, int32_t N, int32_t C,
                             int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                             int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                             const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                             const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 3) & ~3, P = OH * OW;
  int32_t n, p, m;
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      emlc_im2col_s16(xn, col, p, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M;
        const int32_t *wp = wpk + (int64_t)(m >> 1) * (Kp >> 1), *cp = col, *const wend = wp + (Kp >> 1);
        int32_t a00 = bias_eff[m], a01 = a00, a10 = pair ? bias_eff[m + 1] : 0, a11 = a10;
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
        emlc_store_2x2_s8(yn + (int64_t)m * P + p, P, a00, a01, a10, a11, pair, two, mult + m, shift + m, out_off,
                          lo, hi);
      }
    }
  }
}

// @kernel conv_s8_dsp_w16
// @requires dsp_impl
// @requires im2col_s16_impl
// @requires store_conv_s8_impl
/* conv_s8_dsp with the weights sign-extended to int16 by the compiler (twice
   the weight bytes, no SXTB16 in the loop): per channel pair and 4-tap group
   the words (w0,w1) (w2,w3) of channel m then those of m+1. Per 4 taps: 4
   LDRD and 8 SMLAD for 16 MACs. Same arguments and sums as conv_s8_dsp. */
static void emlc_conv_s8_dsp_w16(const int8_t *x, const int32_t *wpk, int32_t *col, int8_t *y, int32_t N,
                                 int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                                 int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                 int32_t pad, const int32_t *taps, int32_t out_off, const int32_t *bias_eff,
                                 const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 3) & ~3, P = OH * OW;
  int32_t n, p, m;
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 2) {
      const int32_t two = p + 1 < P;
      emlc_im2col_s16(xn, col, p, p + two, taps, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, pad, Kp);
      for (m = 0; m < M; m += 2) {
        const int32_t pair = m + 1 < M;
        const int32_t *wp = wpk + (int64_t)(m >> 1) * Kp, *cp = col, *const wend = wp + Kp;
        int32_t a00 = bias_eff[m], a01 = a00, a10 = pair ? bias_eff[m + 1] : 0, a11 = a10;
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
        emlc_store_2x2_s8(yn + (int64_t)m * P + p, P, a00, a01, a10, a11, pair, two, mult + m, shift + m, out_off,
                          lo, hi);
      }
    }
  }
}

// @kernel dw_rows_s8_impl
// @requires ld32_impl
/* The depthwise 3x3 kernels' input rows: per channel, the three input rows a
   window needs, padded with the input zero point (bias_eff folds the input
   offset, so a padded tap holds the zero point and every window is
   interior), in three scratch rows of `stride` bytes (OW*sw + 6, to 4: the
   over-read included). The rows rotate as the window moves down, so each
   input row is copied once (stride 1), by word loads and stores with no
   library calls; the padding columns are filled once per call
   (emlc_dw_rows_init). */
static void emlc_dw_row_s8(int8_t *dst, const int8_t *xc, int32_t ih, int32_t H, int32_t W, int32_t copy,
                           uint32_t fill) {
  int32_t i;
  if (ih < 0 || ih >= H) { /* a padding row: the zero point where input columns go */
    for (i = 0; i + 4 <= copy; i += 4)
      memcpy(dst + i, &fill, 4);
    for (; i < copy; ++i)
      dst[i] = (int8_t)fill;
    return;
  }
  xc += (int64_t)ih * W;
  for (i = 0; i + 4 <= copy; i += 4) {
    const int32_t v = emlc_ld32(xc + i);
    memcpy(dst + i, &v, 4); /* one STR: unaligned stores are fine on v7-M */
  }
  for (; i < copy; ++i)
    dst[i] = xc[i];
}
static void emlc_dw_rows_init(int8_t *rows, int32_t stride, uint32_t fill) {
  int32_t i;
  for (i = 0; i < 3 * stride; i += 4)
    memcpy(rows + i, &fill, 4);
}
/* r[0..2] <- input rows ih0 .. ih0+2 of output row oh (ih0 = oh*sh - pt):
   after a step of 1 or 2 rows the ones still needed move up, the others are
   refilled. */
static void emlc_dw_rows_s8(int8_t **r, const int8_t *xc, int32_t oh, int32_t sh, int32_t pt, int32_t H, int32_t W,
                            int32_t pl, int32_t copy, uint32_t fill) {
  const int32_t ih0 = oh * sh - pt;
  int8_t *t;
  if (oh == 0 || sh > 2) {
    emlc_dw_row_s8(r[0] + pl, xc, ih0, H, W, copy, fill);
    emlc_dw_row_s8(r[1] + pl, xc, ih0 + 1, H, W, copy, fill);
  } else if (sh == 1) {
    t = r[0], r[0] = r[1], r[1] = r[2], r[2] = t;
  } else {
    t = r[0], r[0] = r[2], r[2] = r[1], r[1] = t;
    emlc_dw_row_s8(r[1] + pl, xc, ih0 + 1, H, W, copy, fill);
  }
  emlc_dw_row_s8(r[2] + pl, xc, ih0 + 2, H, W, copy, fill);
}

// @kernel dwconv3x3_s8_dsp
// @requires dsp_impl
// @requires sxtb16_impl
// @requires ld32_impl
// @requires requant_dsp_impl
// @requires dw_rows_s8_impl
/* Depthwise 3x3 int8 convolution (NCHW, any stride and padding, dilation 1)
   on the DSP extension, over the padded rows of dw_rows_s8_impl (`rows`:
   3 x stride bytes). One 4-byte load of a row gives, through SXTB16 and its
   rotated form, (r0,r2) and (r1,r3): k0*r0 + k2*r2 is one SMLAD with
   (k0,k2), k1*r1 one SMLABB; with stride 1 the same load also serves the
   next output (SMLAD with (r1,r3), SMLABT). Sums identical to conv2d_s8. */
static void emlc_dwconv3x3_s8_dsp(const int8_t *x, const int8_t *w, int8_t *rows, int8_t *y, int32_t N, int32_t C,
                                  int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                  int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                  const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Wp = OW * sw + 4 + 2, stride = (Wp + 3) & ~3; /* a padded row, over-read included */
  const int32_t copy = EMLC_MAX(0, EMLC_MIN(W, Wp - pl));    /* input bytes per padded row */
  const uint32_t fill = (uint32_t)(uint8_t)pad * 0x01010101u;
  const int32_t full = lo == -128 && hi == 127;
  int32_t n, c, oh, ow;
  emlc_dw_rows_init(rows, stride, fill);
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const int8_t *xc = x + ((int64_t)n * C + c) * H * W, *k = w + (int64_t)c * 9;
      int8_t *yc = y + ((int64_t)n * C + c) * OH * OW;
      int8_t *r[3];
      const int32_t m = mult[c], e = -shift[c], half = 1 << (e - 1), b = bias_eff[c];
#define EMLC_PAIR16(lo16, hi16) ((int32_t)(((uint32_t)(int32_t)(lo16) & 0xffffu) | (uint32_t)(int32_t)(hi16) << 16))
      const int32_t k02a = EMLC_PAIR16(k[0], k[2]), k02b = EMLC_PAIR16(k[3], k[5]), k02c = EMLC_PAIR16(k[6], k[8]);
      const int32_t k1a = k[1], k1b = k[4], k1c = k[7];
#undef EMLC_PAIR16
      r[0] = rows, r[1] = rows + stride, r[2] = rows + 2 * stride;
      for (oh = 0; oh < OH; ++oh) {
        const int8_t *ra, *rb, *rc;
        emlc_dw_rows_s8(r, xc, oh, sh, pt, H, W, pl, copy, fill);
        ra = r[0], rb = r[1], rc = r[2];
        ow = 0;
        if (sw == 1)
          for (; ow + 1 < OW; ow += 2) {
            const int32_t A = emlc_ld32(ra + ow), B = emlc_ld32(rb + ow), Cc = emlc_ld32(rc + ow);
            const int32_t Ae = emlc_sxtb16(A), Ao = emlc_sxtb16_ror8(A), Be = emlc_sxtb16(B),
                          Bo = emlc_sxtb16_ror8(B), Ce = emlc_sxtb16(Cc), Co = emlc_sxtb16_ror8(Cc);
            int32_t a0 = EMLC_SMLAD(k02a, Ae, b), a1 = EMLC_SMLAD(k02a, Ao, b), v;
            a0 = EMLC_SMLABB(k1a, Ao, a0), a1 = EMLC_SMLABT(k1a, Ae, a1);
            a0 = EMLC_SMLAD(k02b, Be, a0), a1 = EMLC_SMLAD(k02b, Bo, a1);
            a0 = EMLC_SMLABB(k1b, Bo, a0), a1 = EMLC_SMLABT(k1b, Be, a1);
            a0 = EMLC_SMLAD(k02c, Ce, a0), a1 = EMLC_SMLAD(k02c, Co, a1);
            a0 = EMLC_SMLABB(k1c, Co, a0), a1 = EMLC_SMLABT(k1c, Ce, a1);
            v = emlc_requantize_dsp(a0, m, e, half) + out_off;
            yc[oh * OW + ow] = (int8_t)EMLC_CLAMP_S8(v, lo, hi, full);
            v = emlc_requantize_dsp(a1, m, e, half) + out_off;
            yc[oh * OW + ow + 1] = (int8_t)EMLC_CLAMP_S8(v, lo, hi, full);
          }
        for (; ow < OW; ++ow) {
          const int32_t ix = ow * sw;
          const int32_t A = emlc_ld32(ra + ix), B = emlc_ld32(rb + ix), Cc = emlc_ld32(rc + ix);
          int32_t a0 = EMLC_SMLAD(k02a, emlc_sxtb16(A), b), v;
          a0 = EMLC_SMLABB(k1a, emlc_sxtb16_ror8(A), a0);
          a0 = EMLC_SMLAD(k02b, emlc_sxtb16(B), a0);
          a0 = EMLC_SMLABB(k1b, emlc_sxtb16_ror8(B), a0);
          a0 = EMLC_SMLAD(k02c, emlc_sxtb16(Cc), a0);
          a0 = EMLC_SMLABB(k1c, emlc_sxtb16_ror8(Cc), a0);
          v = emlc_requantize_dsp(a0, m, e, half) + out_off;
          yc[oh * OW + ow] = (int8_t)EMLC_CLAMP_S8(v, lo, hi, full);
        }
      }
    }
}

// @kernel fully_connected_s8_dsp
// @requires dsp_impl
// @requires sxtb16_impl
// @requires ld32_impl
// @requires store_fc_s8_impl
/* TFLite int8 fully connected on the DSP extension, weights as stored
   ([N][K] int8): four output channels per pass over the input row; one
   4-byte load of x and of each weight row gives, through SXTB16 and its
   rotated form, the pairs (0,2) and (1,3) of both, so each 4-tap step is 3 +
   4 x 3 extractions and loads and 8 SMLAD for 16 MACs. bias_eff folds the
   input offset. Sums identical to fully_connected_s8. */
static void emlc_fully_connected_s8_dsp(const int8_t *x, const int8_t *w, int8_t *y, int32_t M, int32_t K,
                                        int32_t N, const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                                        const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K4 = K & ~3;
  int32_t m, n, k;
  for (m = 0; m < M; ++m) {
    const int8_t *xr = x + (int64_t)m * K;
    int8_t *yr = y + (int64_t)m * N;
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *w0 = w + (int64_t)n * K, *w1 = cnt > 1 ? w0 + K : w0, *w2 = cnt > 2 ? w0 + 2 * K : w0,
                   *w3 = cnt > 3 ? w0 + 3 * K : w0;
      int32_t a0 = bias_eff[n], a1 = cnt > 1 ? bias_eff[n + 1] : 0, a2 = cnt > 2 ? bias_eff[n + 2] : 0,
              a3 = cnt > 3 ? bias_eff[n + 3] : 0;
      for (k = 0; k < K4; k += 4) {
        const int32_t X = emlc_ld32(xr + k), xe = emlc_sxtb16(X), xo = emlc_sxtb16_ror8(X);
        int32_t v = emlc_ld32(w0 + k);
        a0 = EMLC_SMLAD(emlc_sxtb16(v), xe, a0), a0 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a0);
        v = emlc_ld32(w1 + k);
        a1 = EMLC_SMLAD(emlc_sxtb16(v), xe, a1), a1 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a1);
        v = emlc_ld32(w2 + k);
        a2 = EMLC_SMLAD(emlc_sxtb16(v), xe, a2), a2 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a2);
        v = emlc_ld32(w3 + k);
        a3 = EMLC_SMLAD(emlc_sxtb16(v), xe, a3), a3 = EMLC_SMLAD(emlc_sxtb16_ror8(v), xo, a3);
      }
      for (; k < K; ++k) {
        const int32_t xv = xr[k];
        a0 += xv * w0[k], a1 += xv * w1[k], a2 += xv * w2[k], a3 += xv * w3[k];
      }
      emlc_store_4_s8(yr + n, cnt, a0, a1, a2, a3, mult + n, shift + n, out_off, lo, hi);
    }
  }
}

// @kernel fully_connected_s8_dsp_w16
// @requires dsp_impl
// @requires sxtb16_impl
// @requires store_fc_s8_impl
/* fully_connected_s8_dsp with the weights sign-extended to int16 by the
   compiler (twice the bytes, no weight SXTB16): output channels in quads (N
   padded to 4 with zero channels), K padded to 4, per 4-tap group and
   channel the words (w0,w2) and (w1,w3). Each input row is first widened
   into `xs` (Kp/2 words: SXTB16 of each input word and its rotated form,
   zero-padded), so a 4-tap step of four channels is 5 LDRD and 8 SMLAD for
   16 MACs (hand-scheduled on Arm). */
static void emlc_fully_connected_s8_dsp_w16(const int8_t *x, const int32_t *wpk, int32_t *xs, int8_t *y, int32_t M,
                                            int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                            const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Kp = (K + 3) & ~3;
  int32_t m, n, k;
  for (m = 0; m < M; ++m) {
    const int8_t *xr = x + (int64_t)m * K;
    int8_t *yr = y + (int64_t)m * N;
    for (k = 0; k < Kp; k += 4) {
      int32_t X = 0;
      memcpy(&X, xr + k, (size_t)EMLC_MIN(4, K - k));
      xs[k >> 1] = emlc_sxtb16(X), xs[(k >> 1) + 1] = emlc_sxtb16_ror8(X);
    }
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int32_t *wp = wpk + (int64_t)n * (Kp >> 1), *xp = xs, *const xend = xs + (Kp >> 1);
      int32_t a0 = bias_eff[n], a1 = cnt > 1 ? bias_eff[n + 1] : 0, a2 = cnt > 2 ? bias_eff[n + 2] : 0,
              a3 = cnt > 3 ? bias_eff[n + 3] : 0;
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
      emlc_store_4_s8(yr + n, cnt, a0, a1, a2, a3, mult + n, shift + n, out_off, lo, hi);
    }
  }
}
