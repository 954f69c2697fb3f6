// @kernel dw_lowbit_taps_impl
/* The weights of a depthwise 3x3 layer packed `bits` bits each (4, or 2:
   int2 and ternary), the nine of each channel after the previous channel's
   with no alignment (channel c's at bit 9 * bits * c; within a byte the
   lowest bits first; two's complement), unpacked into k[0 .. 9C) as int8:
   the low-bit depthwise kernels then run an int8 one. */
static void emlc_dw_lowbit_taps(const uint8_t *w, int32_t C, int32_t bits, int8_t *k) {
  const int32_t mask = (1 << bits) - 1, sign = 1 << (bits - 1);
  int32_t i;
  for (i = 0; i < 9 * C; ++i) {
    const int32_t at = i * bits;
    k[i] = (int8_t)((((w[at >> 3] >> (at & 7)) & mask) ^ sign) - sign);
  }
}

// @kernel dwconv3x3_s8_w4_scalar
// @requires dwconv3x3_s8_scalar
// @requires dw_lowbit_taps_impl
/* Depthwise 3x3 int8 convolution (any stride and padding) with int4 weights
   (dw_lowbit_taps_impl's layout): the weights unpacked once into `kw` (9 C
   bytes of scratch), then dwconv3x3_s8_scalar (its padded plane, TFLite's
   requantization: any layer). Results identical to dwconv3x3_s8. */
static void emlc_dwconv3x3_s8_w4_scalar(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *xp, int8_t *y,
                                        int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW,
                                        int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                        const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                        int32_t hi) {
  emlc_dw_lowbit_taps(w, C, 4, kw);
  emlc_dwconv3x3_s8_scalar(x, kw, xp, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo,
                           hi);
}

// @kernel dwconv3x3_s8_w2_scalar
// @requires dwconv3x3_s8_scalar
// @requires dw_lowbit_taps_impl
/* dwconv3x3_s8_w4_scalar with 2-bit weights (int2 or ternary). */
static void emlc_dwconv3x3_s8_w2_scalar(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *xp, int8_t *y,
                                        int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW,
                                        int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                        const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                        int32_t hi) {
  emlc_dw_lowbit_taps(w, C, 2, kw);
  emlc_dwconv3x3_s8_scalar(x, kw, xp, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo,
                           hi);
}
