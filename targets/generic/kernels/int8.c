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
