// @kernel requantize64_impl
/* TFLite's MultiplyByQuantizedMultiplier on an int64 accumulator (the 16x8
   kernels, common.cc): the Q31 multiplier rounded to 16 bits, one 64-bit
   product, one rounding right shift by 15 - shift (shift < 8, which the
   compiler checks). Identical with and without TFLITE_SINGLE_ROUNDING. */
static int32_t emlc_requantize64(int64_t x, int32_t multiplier, int32_t shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const int32_t total = 15 - shift;
  return (int32_t)((x * reduced + ((int64_t)1 << (total - 1))) >> total);
}

// @kernel conv2d_s16
// @requires requantize64_impl
/* TFLite 16x8 convolution (reference_integer_ops::ConvPerChannel for int16
   input, int8 filter, int64 bias), NCHW with groups: zero points 0, so
   positions in the padding contribute nothing; acc = bias[m] + sum x * w in
   int64, requantized per output channel, clamped to [lo, hi]. The input
   channels are the innermost loop (one bounds check per window tap, not per
   MAC: a pointwise layer costs about what a 3x3 one does per MAC; a
   depthwise one, a channel a group, takes its tap directly), summed in int32
   runs of at most 508 (|x * w| <= 2^22, 508 * 2^22 < 2^31: exact)
   added into the int64 sum; integer sums, so identical in any order. */
static void emlc_conv2d_s16(const int16_t *x, const int8_t *w, const int64_t *bias, int16_t *y, int32_t N, int32_t C,
                            int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                            int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t groups,
                            const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t cg = C / groups, mg = M / groups, HW = H * W, KK = KH * KW;
  int32_t n, m, oh, ow, c, kh, kw;
  for (n = 0; n < N; ++n)
    for (m = 0; m < M; ++m) {
      const int16_t *xg = x + ((int64_t)n * C + (int64_t)(m / mg) * cg) * HW;
      const int8_t *wm = w + (int64_t)m * cg * KK;
      int16_t *ym = y + ((int64_t)n * M + m) * OH * OW;
      for (oh = 0; oh < OH; ++oh)
        for (ow = 0; ow < OW; ++ow) {
          const int32_t ih0 = oh * sh - pt, iw0 = ow * sw - pl;
          int64_t acc = bias[m];
          int32_t r;
          for (kh = 0; kh < KH; ++kh) {
            const int32_t ih = ih0 + kh * dh;
            const int8_t *wr = wm + kh * KW;
            const int16_t *xr;
            if (ih < 0 || ih >= H) continue;
            xr = xg + ih * W;
            if (cg == 1) { /* depthwise: a channel a group, the taps directly */
              for (kw = 0; kw < KW; ++kw) {
                const int32_t iw = iw0 + kw * dw;
                if (iw >= 0 && iw < W)
                  acc += (int32_t)xr[iw] * (int32_t)wr[kw];
              }
              continue;
            }
            for (kw = 0; kw < KW; ++kw) {
              const int32_t iw = iw0 + kw * dw;
              const int8_t *wp = wr + kw;
              const int16_t *xp;
              if (iw < 0 || iw >= W) continue;
              xp = xr + iw;
              for (c = 0; c < cg;) {
                const int32_t end = EMLC_MIN(cg, c + 508);
                int32_t s = 0;
                for (; c < end; ++c, xp += HW, wp += KK)
                  s += (int32_t)*xp * (int32_t)*wp;
                acc += s;
              }
            }
          }
          r = emlc_requantize64(acc, mult[m], shift[m]);
          ym[oh * OW + ow] = (int16_t)EMLC_CLAMP(r, lo, hi);
        }
    }
}

// @kernel fully_connected_s16
// @requires requantize64_impl
/* TFLite 16x8 fully connected (reference_integer_ops::FullyConnected for
   int16 input, int8 filter, int64 bias): y[M][N] = requantize(bias[n] + sum_k
   x[m][k] * w[n][k]) in int64, per-channel multiplier/shift (repeated when
   per tensor), clamped. Zero points 0. */
static void emlc_fully_connected_s16(const int16_t *x, const int8_t *w, const int64_t *bias, int16_t *y, int32_t M,
                                     int32_t K, int32_t N, const int32_t *mult, const int32_t *shift, int32_t lo,
                                     int32_t hi) {
  int32_t m, n, k;
  for (m = 0; m < M; ++m)
    for (n = 0; n < N; ++n) {
      const int16_t *xr = x + (int64_t)m * K;
      const int8_t *wr = w + (int64_t)n * K;
      int64_t acc = bias[n];
      int32_t r;
      for (k = 0; k < K; ++k)
        acc += (int32_t)xr[k] * (int32_t)wr[k];
      r = emlc_requantize64(acc, mult[n], shift[n]);
      y[(int64_t)m * N + n] = (int16_t)EMLC_CLAMP(r, lo, hi);
    }
}

// @kernel add_s16
// @requires requantize_fast_impl
/* TFLite int16 Add with general scales (reference_ops::AddGeneralParamScale,
   equal shapes): add_s8's arithmetic on int16 storage, left_shift 15 (the
   compiler passes it; 65535 << 15 fits the int32 sum). */
static void emlc_add_s16(const int16_t *a, const int16_t *b, int16_t *y, int32_t n, int32_t a_off, int32_t b_off,
                         int32_t out_off, int32_t left_shift, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                         int32_t b_shift, int32_t out_mult, int32_t out_shift, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t va = ((int32_t)a[i] + a_off) * (1 << left_shift);
    const int32_t vb = ((int32_t)b[i] + b_off) * (1 << left_shift);
    const int32_t sum = emlc_requantize_fast(va, a_mult, a_shift) + emlc_requantize_fast(vb, b_mult, b_shift);
    const int32_t r = emlc_requantize_fast(sum, out_mult, out_shift) + out_off;
    y[i] = (int16_t)EMLC_CLAMP(r, lo, hi);
  }
}

// @kernel requantize_cast_impl
// @requires requantize_impl
/* TFLite's Requantize (reference_ops::Requantize, the QUANTIZE op between
   integer types): (x - in_zp) scaled by in_scale / out_scale as multiplier
   and shift (QuantizeMultiplier), + out_zp, clamped to the output's storage
   range [lo, hi]. No float: a precision boundary of a mixed int8/int16 graph. */
#define EMLC_REQUANTIZE_CAST(NAME, TI, TO)                                                                   \
  static void emlc_##NAME(const TI *x, TO *y, int32_t n, int32_t in_zp, int32_t out_zp, int32_t mult,      \
                          int32_t shift, int32_t lo, int32_t hi) {                                         \
    int32_t i;                                                                                             \
    for (i = 0; i < n; ++i) {                                                                              \
      const int32_t r = emlc_requantize((int32_t)x[i] - in_zp, mult, shift) + out_zp;                      \
      y[i] = (TO)EMLC_CLAMP(r, lo, hi);                                                                    \
    }                                                                                                      \
  }
// @kernel requantize_s8_s16
// @requires requantize_cast_impl
EMLC_REQUANTIZE_CAST(requantize_s8_s16, int8_t, int16_t)
// @kernel requantize_s16_s8
// @requires requantize_cast_impl
EMLC_REQUANTIZE_CAST(requantize_s16_s8, int16_t, int8_t)
// @kernel requantize_s16_s16
// @requires requantize_cast_impl
EMLC_REQUANTIZE_CAST(requantize_s16_s16, int16_t, int16_t)
// @kernel requantize_s8_s8
// @requires requantize_cast_impl
EMLC_REQUANTIZE_CAST(requantize_s8_s8, int8_t, int8_t)

// @kernel avgpool2d_s16
/* TFLite int16 average pooling (reference_integer_ops::AveragePool, int16),
   NCHW, input and output sharing their quantization: avgpool2d_s8's int32
   sum over the window positions inside the input, divided by their count
   rounded half away from zero, clamped. */
static void emlc_avgpool2d_s16(const int16_t *x, int16_t *y, int32_t NC, int32_t H, int32_t W, int32_t OH,
                               int32_t OW, int32_t KH, int32_t KW, int32_t sh, int32_t sw, int32_t dh, int32_t dw,
                               int32_t pt, int32_t pl, int32_t lo, int32_t hi) {
  int32_t c, oh, ow, kh, kw;
  for (c = 0; c < NC; ++c) {
    const int16_t *xc = x + (int64_t)c * H * W;
    int16_t *yc = y + (int64_t)c * OH * OW;
    for (oh = 0; oh < OH; ++oh)
      for (ow = 0; ow < OW; ++ow) {
        int32_t acc = 0, cnt = 0;
        for (kh = 0; kh < KH; ++kh) {
          const int32_t ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) continue;
          for (kw = 0; kw < KW; ++kw) {
            const int32_t iw = ow * sw - pl + kw * dw;
            if (iw < 0 || iw >= W) continue;
            acc += xc[ih * W + iw];
            ++cnt;
          }
        }
        if (cnt)
          acc = acc > 0 ? (acc + cnt / 2) / cnt : (acc - cnt / 2) / cnt;
        yc[oh * OW + ow] = (int16_t)EMLC_CLAMP(acc, lo, hi);
      }
  }
}
