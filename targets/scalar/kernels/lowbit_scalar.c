// @kernel dw_lowbit_taps_impl
/* The nine weights of channel c of a depthwise 3x3 layer whose weights are
   packed `bits` bits each (4, or 2: int2 and ternary) one channel after the
   other with no alignment (channel c's at bit 9 * bits * c; within a byte
   the lowest bits first; two's complement), as int8 in k[0..8]. */
static void emlc_dw_lowbit_taps(const uint8_t *w, int32_t c, int32_t bits, int8_t *k) {
  const int32_t mask = (1 << bits) - 1, sign = 1 << (bits - 1);
  int32_t t;
  for (t = 0; t < 9; ++t) {
    const int32_t at = (c * 9 + t) * bits;
    k[t] = (int8_t)((((w[at >> 3] >> (at & 7)) & mask) ^ sign) - sign);
  }
}

// @kernel dwconv3x3_s8_w4_scalar
// @requires dwconv3x3_s8_scalar
// @requires dw_lowbit_taps_impl
/* Depthwise 3x3 int8 convolution (any stride and padding) with int4 weights
   (dw_lowbit_taps_impl's layout): each channel's nine weights unpacked once,
   the channel computed by dwconv3x3_s8_scalar (its padded plane, TFLite's
   requantization: any layer). Results identical to dwconv3x3_s8. */
static void emlc_dwconv3x3_s8_w4_scalar(const int8_t *x, const uint8_t *w, int8_t *xp, int8_t *y, int32_t N,
                                        int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                                        int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                        const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                        int32_t hi) {
  int32_t n, c;
  int8_t k[9];
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      emlc_dw_lowbit_taps(w, c, 4, k);
      emlc_dwconv3x3_s8_scalar(x + ((int64_t)n * C + c) * H * W, k, xp, y + ((int64_t)n * C + c) * OH * OW, 1, 1, H,
                               W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff + c, mult + c, shift + c, lo, hi);
    }
}

// @kernel dwconv3x3_s8_w2_scalar
// @requires dwconv3x3_s8_scalar
// @requires dw_lowbit_taps_impl
/* dwconv3x3_s8_w4_scalar with 2-bit weights (int2 or ternary). */
static void emlc_dwconv3x3_s8_w2_scalar(const int8_t *x, const uint8_t *w, int8_t *xp, int8_t *y, int32_t N,
                                        int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                                        int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                        const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                        int32_t hi) {
  int32_t n, c;
  int8_t k[9];
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      emlc_dw_lowbit_taps(w, c, 2, k);
      emlc_dwconv3x3_s8_scalar(x + ((int64_t)n * C + c) * H * W, k, xp, y + ((int64_t)n * C + c) * OH * OW, 1, 1, H,
                               W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff + c, mult + c, shift + c, lo, hi);
    }
}
