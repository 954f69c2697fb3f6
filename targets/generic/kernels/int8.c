// @kernel requantize_impl
/* TFLite's integer requantization with its "double rounding" (the default of
   the TFLite Micro reference kernels and of CMSIS-NN): x * multiplier * 2^shift
   with multiplier a Q31 fixed-point value in [0.5, 1). Kept exactly as TFLite
   computes it, so int8 outputs are bit-identical to TFLite Micro's. */
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
static int32_t emlc_requantize(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return emlc_rounding_divide_by_pot(
      emlc_sat_rounding_doubling_high_mul((int32_t)((int64_t)x * ((int64_t)1 << left)), multiplier), right);
}

// @kernel fully_connected_s8
// @requires requantize_impl
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
      acc = emlc_requantize(acc, mult[n], shift[n]) + out_off;
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

// @kernel add_s8
// @requires requantize_impl
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
    const int32_t sum = emlc_requantize(va, a_mult, a_shift) + emlc_requantize(vb, b_mult, b_shift);
    const int32_t r = emlc_requantize(sum, out_mult, out_shift) + out_off;
    y[i] = (int8_t)EMLC_CLAMP(r, lo, hi);
  }
}
