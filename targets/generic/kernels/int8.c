// @kernel rounding_impl
/* TFLite's (gemmlowp's) rounding primitives, kept exactly as TFLite computes
   them: SaturatingRoundingDoublingHighMul and RoundingDivideByPOT. */
static int32_t emlc_sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
  int64_t ab;
  int32_t nudge;
  if (a == b && a == INT32_MIN)
    return INT32_MAX;
  ab = (int64_t)a * (int64_t)b;
  nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}
static int32_t emlc_rounding_divide_by_pot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// @kernel requantize_impl
// @requires rounding_impl
/* TFLite's integer requantization with its "double rounding" (the default of
   the TFLite Micro reference kernels and of CMSIS-NN): x * multiplier * 2^shift
   with multiplier a Q31 fixed-point value in [0.5, 1), so int8 outputs are
   bit-identical to TFLite Micro's. */
static int32_t emlc_requantize(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return emlc_rounding_divide_by_pot(
      emlc_sat_rounding_doubling_high_mul((int32_t)((int64_t)x * ((int64_t)1 << left)), multiplier), right);
}

// @kernel requantize_fast_impl
/* emlc_requantize in fewer instructions, same result for every input: the
   rounding doubling high multiply as (x * m + 2^30) >> 31 (TFLite's nudged
   division rounds the same way for all x when m is a QuantizeMultiplier
   value, never INT32_MIN), the rounding right shift in 32-bit arithmetic
   with TFLite's remainder test. The kernel tests compare both on random and
   extreme values. */
static int32_t emlc_requantize_fast(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t mask = (int32_t)((1u << right) - 1u);
  const int32_t r = (int32_t)(((int64_t)(int32_t)((uint32_t)x << left) * multiplier + ((int64_t)1 << 30)) >> 31);
  return (r >> right) + ((r & mask) > (mask >> 1) - (r >> 31));
}

// @kernel fully_connected_s8
// @requires requantize_fast_impl
/* y[M][N] = requantize(sum_k (x[m][k] + in_off) * w[n][k] + bias[n]) + out_off,
   clamped to [lo, hi]; per-channel multiplier/shift (one entry when per tensor:
   the compiler repeats it). Weights are symmetric (zero point 0). */
static void emlc_fully_connected_s8(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, int32_t M,
                                    int32_t K, int32_t N, int32_t in_off, int32_t out_off, const int32_t *mult,
                                    const int32_t *shift, int32_t lo, int32_t hi) {
  int32_t m, n, k;
  for (m = 0; m < M; ++m)
    for (n = 0; n < N; ++n) {
      const int8_t *xr = x + (int64_t)m * K, *wr = w + (int64_t)n * K;
      int32_t acc = bias[n];
      for (k = 0; k < K; ++k)
        acc += ((int32_t)xr[k] + in_off) * (int32_t)wr[k];
      acc = emlc_requantize_fast(acc, mult[n], shift[n]) + out_off;
      y[(int64_t)m * N + n] = (int8_t)EMLC_CLAMP(acc, lo, hi);
    }
}

// @kernel conv2d_s8
// @requires requantize_impl
/* TFLite int8 convolution, NCHW: acc = bias[m] + sum (x + in_off) * w over
   the window (positions in the padding contribute nothing: the padded input
   is the zero point), requantized per output channel, + out_off, clamped. */
static void emlc_conv2d_s8(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, int32_t N, int32_t C,
                           int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW, int32_t sh,
                           int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t groups, int32_t in_off,
                           int32_t out_off, const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t cg = C / groups, mg = M / groups;
  int32_t n, m, oh, ow, c, kh, kw;
  for (n = 0; n < N; ++n)
    for (m = 0; m < M; ++m) {
      const int32_t g = m / mg;
      const int8_t *wm = w + (int64_t)m * cg * KH * KW;
      int8_t *ym = y + ((int64_t)n * M + m) * OH * OW;
      for (oh = 0; oh < OH; ++oh)
        for (ow = 0; ow < OW; ++ow) {
          int32_t acc = 0;
          const int32_t ih0 = oh * sh - pt, iw0 = ow * sw - pl;
          for (c = 0; c < cg; ++c) {
            const int8_t *xc = x + ((int64_t)n * C + g * cg + c) * H * W;
            const int8_t *wc = wm + (int64_t)c * KH * KW;
            for (kh = 0; kh < KH; ++kh) {
              const int32_t ih = ih0 + kh * dh;
              if (ih < 0 || ih >= H) continue;
              for (kw = 0; kw < KW; ++kw) {
                const int32_t iw = iw0 + kw * dw;
                if (iw < 0 || iw >= W) continue;
                acc += ((int32_t)xc[ih * W + iw] + in_off) * (int32_t)wc[kh * KW + kw];
              }
            }
          }
          acc = emlc_requantize(acc + bias[m], mult[m], shift[m]) + out_off;
          ym[oh * OW + ow] = (int8_t)EMLC_CLAMP(acc, lo, hi);
        }
    }
}

// @kernel conv_window_impl
/* One output of a convolution whose window may touch the padding: bias plus
   (x + in_off) * w over the taps inside the input (the reference rule). */
static int32_t emlc_conv_border_s8(const int8_t *x, const int8_t *wm, int32_t bias, int32_t n, int32_t C,
                                   int32_t H, int32_t W, int32_t g, int32_t cg, int32_t KH, int32_t KW, int32_t ih0,
                                   int32_t iw0, int32_t dh, int32_t dw, int32_t in_off) {
  int32_t c, kh, kw, acc = bias;
  for (c = 0; c < cg; ++c) {
    const int8_t *xc = x + ((int64_t)n * C + g * cg + c) * H * W, *wc = wm + (int64_t)c * KH * KW;
    for (kh = 0; kh < KH; ++kh) {
      const int32_t ih = ih0 + kh * dh;
      if (ih < 0 || ih >= H) continue;
      for (kw = 0; kw < KW; ++kw) {
        const int32_t iw = iw0 + kw * dw;
        if (iw < 0 || iw >= W) continue;
        acc += ((int32_t)xc[ih * W + iw] + in_off) * (int32_t)wc[kh * KW + kw];
      }
    }
  }
  return acc;
}

// @kernel conv2d_s8_folded
// @requires requantize_fast_impl
// @requires conv_window_impl
/* General int8 convolution (NCHW, groups, strides, dilations, padding) for
   constant weights: output pixels whose window lies inside the input use
   bias_eff[m] = bias[m] + in_off * sum(w[m]) (the offset folded away, no
   bounds checks), four neighbours along a row sharing every weight load;
   pixels touching the padding add the offset per valid tap as conv2d_s8.
   Integer sums: identical to conv2d_s8. */
static void emlc_conv2d_s8_folded(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, int32_t N,
                                  int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                                  int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                  int32_t groups, int32_t in_off, int32_t out_off, const int32_t *bias_eff,
                                  const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t cg = C / groups, mg = M / groups;
  int32_t n, m, oh, ow, c, kh, kw, j;
  for (n = 0; n < N; ++n)
    for (m = 0; m < M; ++m) {
      const int32_t g = m / mg;
      const int8_t *wm = w + (int64_t)m * cg * KH * KW;
      int8_t *ym = y + ((int64_t)n * M + m) * OH * OW;
      for (oh = 0; oh < OH; ++oh) {
        const int32_t ih0 = oh * sh - pt;
        const int rows_inside = ih0 >= 0 && ih0 + (KH - 1) * dh < H;
        for (ow = 0; ow < OW;) {
          const int32_t iw0 = ow * sw - pl;
          int32_t acc[4];
          int32_t count = 1;
          if (rows_inside && iw0 >= 0 && ow + 3 < OW && iw0 + 3 * sw + (KW - 1) * dw < W) {
            count = 4; /* four windows inside the input */
            acc[0] = acc[1] = acc[2] = acc[3] = bias_eff[m];
            for (c = 0; c < cg; ++c) {
              const int8_t *xc = x + ((int64_t)n * C + g * cg + c) * H * W + ih0 * W + iw0;
              const int8_t *wc = wm + (int64_t)c * KH * KW;
              for (kh = 0; kh < KH; ++kh) {
                const int8_t *xr = xc + kh * dh * W;
                for (kw = 0; kw < KW; ++kw) {
                  const int32_t wv = wc[kh * KW + kw];
                  const int8_t *xp = xr + kw * dw;
                  acc[0] += xp[0] * wv;
                  acc[1] += xp[sw] * wv;
                  acc[2] += xp[2 * sw] * wv;
                  acc[3] += xp[3 * sw] * wv;
                }
              }
            }
          } else if (rows_inside && iw0 >= 0 && iw0 + (KW - 1) * dw < W) {
            acc[0] = bias_eff[m];
            for (c = 0; c < cg; ++c) {
              const int8_t *xc = x + ((int64_t)n * C + g * cg + c) * H * W + ih0 * W + iw0;
              const int8_t *wc = wm + (int64_t)c * KH * KW;
              for (kh = 0; kh < KH; ++kh)
                for (kw = 0; kw < KW; ++kw)
                  acc[0] += xc[kh * dh * W + kw * dw] * wc[kh * KW + kw];
            }
          } else {
            acc[0] = emlc_conv_border_s8(x, wm, bias[m], n, C, H, W, g, cg, KH, KW, ih0, iw0, dh, dw, in_off);
          }
          for (j = 0; j < count; ++j) {
            const int32_t r = emlc_requantize_fast(acc[j], mult[m], shift[m]) + out_off;
            ym[oh * OW + ow + j] = (int8_t)EMLC_CLAMP(r, lo, hi);
          }
          ow += count;
        }
      }
    }
}

// @kernel conv1x1_s8
// @requires requantize_fast_impl
/* Pointwise int8 convolution (1x1, stride 1, no padding, one group), NCHW:
   per output channel a [C] x [C][P] product. Four output pixels share each
   weight load; the input offset is folded into bias_eff[m] = bias[m] +
   in_off * sum_c w[m][c] (computed by the compiler), so the inner loop is
   plain multiply-accumulate. Integer sums: identical to conv2d_s8. */
static void emlc_conv1x1_s8(const int8_t *x, const int8_t *w, int8_t *y, int32_t N, int32_t C, int32_t P,
                            int32_t M, const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                            const int32_t *shift, int32_t lo, int32_t hi) {
  int32_t n, m, p, c;
  for (n = 0; n < N; ++n)
    for (m = 0; m < M; ++m) {
      const int8_t *wm = w + (int64_t)m * C, *xn = x + (int64_t)n * C * P;
      int8_t *ym = y + ((int64_t)n * M + m) * P;
      for (p = 0; p + 4 <= P; p += 4) {
        int32_t a0 = bias_eff[m], a1 = a0, a2 = a0, a3 = a0;
        const int8_t *xp = xn + p;
        for (c = 0; c < C; ++c, xp += P) {
          const int32_t wv = wm[c];
          a0 += xp[0] * wv;
          a1 += xp[1] * wv;
          a2 += xp[2] * wv;
          a3 += xp[3] * wv;
        }
        a0 = emlc_requantize_fast(a0, mult[m], shift[m]) + out_off;
        a1 = emlc_requantize_fast(a1, mult[m], shift[m]) + out_off;
        a2 = emlc_requantize_fast(a2, mult[m], shift[m]) + out_off;
        a3 = emlc_requantize_fast(a3, mult[m], shift[m]) + out_off;
        ym[p] = (int8_t)EMLC_CLAMP(a0, lo, hi);
        ym[p + 1] = (int8_t)EMLC_CLAMP(a1, lo, hi);
        ym[p + 2] = (int8_t)EMLC_CLAMP(a2, lo, hi);
        ym[p + 3] = (int8_t)EMLC_CLAMP(a3, lo, hi);
      }
      for (; p < P; ++p) {
        int32_t a = bias_eff[m];
        const int8_t *xp = xn + p;
        for (c = 0; c < C; ++c, xp += P)
          a += xp[0] * wm[c];
        a = emlc_requantize_fast(a, mult[m], shift[m]) + out_off;
        ym[p] = (int8_t)EMLC_CLAMP(a, lo, hi);
      }
    }
}

// @kernel dwconv3x3_s8
// @requires requantize_fast_impl
// @requires conv_window_impl
/* Depthwise 3x3 int8 convolution (one filter per channel), NCHW, any stride
   and padding, dilation 1. Windows fully inside the input take the unrolled
   path with the input offset folded into bias_eff[c] = bias[c] + in_off *
   sum(w[c]); windows touching the padding add the offset per valid tap, as
   conv2d_s8 does. Integer sums: identical to conv2d_s8. */
static void emlc_dwconv3x3_s8(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, int32_t N,
                              int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw,
                              int32_t pt, int32_t pl, int32_t in_off, int32_t out_off, const int32_t *bias_eff,
                              const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  int32_t n, c, oh, ow;
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const int8_t *xc = x + ((int64_t)n * C + c) * H * W, *k = w + (int64_t)c * 9;
      const int32_t k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7],
                    k8 = k[8];
      int8_t *yc = y + ((int64_t)n * C + c) * OH * OW;
      for (oh = 0; oh < OH; ++oh) {
        const int32_t ih = oh * sh - pt;
        const int rows_inside = ih >= 0 && ih + 2 < H;
        for (ow = 0; ow < OW; ++ow) {
          const int32_t iw = ow * sw - pl;
          int32_t acc;
          if (rows_inside && iw >= 0 && iw + 2 < W) {
            const int8_t *r0 = xc + ih * W + iw, *r1 = r0 + W, *r2 = r1 + W;
            acc = bias_eff[c] + r0[0] * k0 + r0[1] * k1 + r0[2] * k2 + r1[0] * k3 + r1[1] * k4 + r1[2] * k5 +
                  r2[0] * k6 + r2[1] * k7 + r2[2] * k8;
          } else {
            acc = emlc_conv_border_s8(x, k, bias[c], n, C, H, W, c, 1, 3, 3, ih, iw, 1, 1, in_off);
          }
          acc = emlc_requantize_fast(acc, mult[c], shift[c]) + out_off;
          yc[oh * OW + ow] = (int8_t)EMLC_CLAMP(acc, lo, hi);
        }
      }
    }
}

// @kernel reduce_mean_s8
/* TFLite int8 average pooling over each block of `inner` values (input and
   output share their quantization): the int32 sum divided by the count,
   rounded half away from zero, clamped. */
static void emlc_reduce_mean_s8(const int8_t *x, int8_t *y, int32_t outer, int32_t inner, int32_t lo, int32_t hi) {
  int32_t o, i;
  for (o = 0; o < outer; ++o) {
    int32_t acc = 0;
    for (i = 0; i < inner; ++i)
      acc += x[(int64_t)o * inner + i];
    acc = acc > 0 ? (acc + inner / 2) / inner : (acc - inner / 2) / inner;
    y[o] = (int8_t)EMLC_CLAMP(acc, lo, hi);
  }
}

// @kernel avgpool2d_s8
/* TFLite int8 average pooling, NCHW (input and output share their
   quantization): the sum over the window positions inside the input, divided
   by their count, rounded half away from zero, clamped. */
static void emlc_avgpool2d_s8(const int8_t *x, int8_t *y, int32_t NC, int32_t H, int32_t W, int32_t OH,
                              int32_t OW, int32_t KH, int32_t KW, int32_t sh, int32_t sw, int32_t dh, int32_t dw,
                              int32_t pt, int32_t pl, int32_t lo, int32_t hi) {
  int32_t c, oh, ow, kh, kw;
  for (c = 0; c < NC; ++c) {
    const int8_t *xc = x + (int64_t)c * H * W;
    int8_t *yc = y + (int64_t)c * OH * OW;
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
        yc[oh * OW + ow] = (int8_t)EMLC_CLAMP(acc, lo, hi);
      }
  }
}

// @kernel add_s8
// @requires requantize_fast_impl
/* TFLite int8 Add (equal shapes): each input, offset and shifted left by
   left_shift, is scaled by its multiplier (shift <= 0), the sum requantized
   to the output, offset and clamped. */
static void emlc_add_s8(const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int32_t a_off, int32_t b_off,
                        int32_t out_off, int32_t left_shift, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                        int32_t b_shift, int32_t out_mult, int32_t out_shift, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t va = ((int32_t)a[i] + a_off) * (1 << left_shift);
    const int32_t vb = ((int32_t)b[i] + b_off) * (1 << left_shift);
    const int32_t sum = emlc_requantize_fast(va, a_mult, a_shift) + emlc_requantize_fast(vb, b_mult, b_shift);
    const int32_t r = emlc_requantize_fast(sum, out_mult, out_shift) + out_off;
    y[i] = (int8_t)EMLC_CLAMP(r, lo, hi);
  }
}

// @kernel mul_s8
// @requires requantize_fast_impl
/* TFLite int8 Mul (equal shapes): the product of the offset inputs,
   requantized by s_a * s_b / s_out, offset and clamped. */
static void emlc_mul_s8(const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int32_t a_off, int32_t b_off,
                        int32_t out_off, int32_t mult, int32_t shift, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t r = emlc_requantize_fast(((int32_t)a[i] + a_off) * ((int32_t)b[i] + b_off), mult, shift) + out_off;
    y[i] = (int8_t)EMLC_CLAMP(r, lo, hi);
  }
}

// @kernel fixedpoint_impl
// @requires rounding_impl
/* gemmlowp fixed-point arithmetic (Q0.31 multiply, saturating shifts, exp of
   negative values, 1/(1+x)), ported operation for operation so TFLite's
   Softmax, Logistic and Tanh results are bit-identical. */
static int32_t emlc_fx_mul(int32_t a, int32_t b) { return emlc_sat_rounding_doubling_high_mul(a, b); }
static int32_t emlc_fx_sat_shl(int32_t x, int32_t exponent) {
  const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}
/* exp(a) for a in [-1/4, 0), Q0.31 in and out. */
static int32_t emlc_fx_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668, one_third = 715827883;
  const int32_t x = a + (1 << 28);
  const int32_t x2 = emlc_fx_mul(x, x), x3 = emlc_fx_mul(x2, x), x4 = emlc_fx_mul(x2, x2);
  const int32_t x4_over_4 = emlc_rounding_divide_by_pot(x4, 2);
  const int32_t poly = emlc_rounding_divide_by_pot(emlc_fx_mul(x4_over_4 + x3, one_third) + x2, 1);
  return constant_term + emlc_fx_mul(constant_term, x + poly);
}
/* exp(a) for a <= 0 with int_bits integer bits (Q int_bits . 31-int_bits;
   gemmlowp's exp_on_negative_values for int_bits <= 5), result Q0.31. */
static int32_t emlc_fx_exp_negative_q(int32_t a, int32_t int_bits) {
  static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t frac_bits = 31 - int_bits;
  const int32_t one_quarter = 1 << (frac_bits - 2), mask = one_quarter - 1;
  const int32_t a_mod = (a & mask) - one_quarter;
  int32_t result = emlc_fx_exp_quarter(emlc_fx_sat_shl(a_mod, int_bits));
  const int32_t remainder = a_mod - a;
  int32_t k;
  for (k = 0; k < 7 && k - 2 < int_bits; ++k) /* exponents -2..4: bit frac_bits + exponent */
    if (remainder & (1 << (frac_bits - 2 + k)))
      result = emlc_fx_mul(result, multipliers[k]);
  return a == 0 ? INT32_MAX : result;
}

// @kernel fixedpoint_reciprocal_impl
// @requires fixedpoint_impl
/* 1 / (1 + x) for x in [0, 1), Q0.31 in and out (Newton-Raphson). */
static int32_t emlc_fx_one_over_one_plus_x(int32_t a) {
  const int64_t sum = (int64_t)a + INT32_MAX;
  const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + emlc_fx_mul(half_denominator, -1010580540); /* Q2.29 */
  int32_t i;
  for (i = 0; i < 3; ++i) {
    const int32_t one_minus = (1 << 29) - emlc_fx_mul(half_denominator, x);
    x = x + emlc_fx_sat_shl(emlc_fx_mul(x, one_minus), 2);
  }
  return emlc_fx_sat_shl(x, 1);
}

// @kernel softmax_s8
// @requires fixedpoint_reciprocal_impl
/* TFLite int8 Softmax (reference kernel, beta folded into the multiplier):
   gemmlowp fixed point, exp of the rescaled differences to the row maximum
   (Q5.26 in, Q0.31 out), their sum in Q12.19, a Newton-Raphson reciprocal,
   output scale 1/256 and zero point -128. */
static int32_t emlc_count_leading_zeros(uint32_t x) {
  int32_t n = 0;
  if (x == 0) return 32;
  while (!(x & 0x80000000u)) { x <<= 1; ++n; }
  return n;
}
static void emlc_softmax_s8(const int8_t *x, int8_t *y, int32_t outer, int32_t depth, int32_t input_multiplier,
                            int32_t input_left_shift, int32_t diff_min) {
  int32_t i, c;
  for (i = 0; i < outer; ++i) {
    const int8_t *xr = x + (int64_t)i * depth;
    int8_t *yr = y + (int64_t)i * depth;
    int32_t max_in_row = -128, sum_of_exps = 0, headroom, num_bits_over_unit, shifted_scale;
    for (c = 0; c < depth; ++c)
      max_in_row = EMLC_MAX(max_in_row, (int32_t)xr[c]);
    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)xr[c] - max_in_row;
      if (diff >= diff_min) {
        const int32_t rescaled = emlc_fx_mul(diff * (1 << input_left_shift), input_multiplier);
        sum_of_exps += emlc_rounding_divide_by_pot(emlc_fx_exp_negative_q(rescaled, 5), 12);
      }
    }
    headroom = emlc_count_leading_zeros((uint32_t)sum_of_exps);
    num_bits_over_unit = 12 - headroom;
    shifted_scale = emlc_fx_one_over_one_plus_x(
        (int32_t)(((uint32_t)sum_of_exps << headroom) - ((uint32_t)1 << 31)));
    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)xr[c] - max_in_row;
      if (diff >= diff_min) {
        const int32_t rescaled = emlc_fx_mul(diff * (1 << input_left_shift), input_multiplier);
        const int32_t e = emlc_fx_exp_negative_q(rescaled, 5);
        const int32_t out = emlc_rounding_divide_by_pot(emlc_fx_mul(shifted_scale, e), num_bits_over_unit + 31 - 8) - 128;
        yr[c] = (int8_t)EMLC_CLAMP(out, -128, 127);
      } else {
        yr[c] = -128;
      }
    }
  }
}

// @kernel logistic_s8
// @requires requantize_impl
// @requires fixedpoint_reciprocal_impl
/* TFLite int8 Logistic (reference_integer_ops::Logistic): the offset input
   rescaled to Q4.27, gemmlowp's logistic = 1 / (1 + exp(-|x|)) (mirrored for
   x < 0), output scale 1/256, zero point -128; saturated beyond the radius. */
static void emlc_logistic_s8(const int8_t *x, int8_t *y, int32_t n, int32_t zp, int32_t radius, int32_t mult,
                             int32_t shift) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t v = (int32_t)x[i] - zp;
    int32_t out;
    if (v <= -radius) {
      out = -128;
    } else if (v >= radius) {
      out = 127;
    } else {
      const int32_t a = emlc_requantize(v, mult, shift); /* Q4.27 */
      const int32_t neg_abs = a > 0 ? -a : a;
      const int32_t pos = emlc_fx_one_over_one_plus_x(emlc_fx_exp_negative_q(neg_abs, 4));
      const int32_t q0 = a == 0 ? (1 << 30) : a > 0 ? pos : INT32_MAX - pos; /* gemmlowp: One() - pos */
      out = emlc_rounding_divide_by_pot(q0, 31 - 8) - 128;
      out = EMLC_CLAMP(out, -128, 127);
    }
    y[i] = (int8_t)out;
  }
}

// @kernel tanh_s8
// @requires requantize_impl
// @requires fixedpoint_impl
/* TFLite int8 Tanh (reference_integer_ops::Tanh): the offset input rescaled to
   Q4.27, gemmlowp's tanh = (1 - exp(-2|x|)) / (1 + exp(-2|x|)) with the sign
   of x, output scale 1/128, zero point 0; saturated beyond the radius. */
static int32_t emlc_fx_one_minus_x_over_one_plus_x(int32_t a) {
  const int64_t sum = (int64_t)a + INT32_MAX;
  const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + emlc_fx_mul(half_denominator, -1010580540); /* Q2.29 */
  int32_t i;
  for (i = 0; i < 3; ++i) {
    const int32_t one_minus = (1 << 29) - emlc_fx_mul(half_denominator, x);
    x = x + emlc_fx_sat_shl(emlc_fx_mul(x, one_minus), 2);
  }
  return emlc_fx_sat_shl(x - (1 << 29), 2);
}
static void emlc_tanh_s8(const int8_t *x, int8_t *y, int32_t n, int32_t zp, int32_t radius, int32_t mult,
                         int32_t shift) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t v = (int32_t)x[i] - zp;
    int32_t out;
    if (v <= -radius) {
      out = -128;
    } else if (v >= radius) {
      out = 127;
    } else {
      const int32_t a = emlc_requantize(v, mult, shift); /* Q4.27 */
      const int32_t neg_abs = a > 0 ? -a : a;
      /* exp(2 * neg_abs): the same raw value read with 5 integer bits */
      const int32_t t = emlc_fx_one_minus_x_over_one_plus_x(emlc_fx_exp_negative_q(neg_abs, 5));
      const int32_t q0 = a == 0 ? 0 : a > 0 ? t : -t;
      out = emlc_rounding_divide_by_pot(q0, 31 - 7);
      out = EMLC_CLAMP(out, -128, 127);
    }
    y[i] = (int8_t)out;
  }
}
