// @kernel unpack_lowbit_impl
/* Weights of `bits` bits (4: int4; 2: int2 and ternary), 8 / bits per byte,
   each output channel's row starting on a byte, the lowest bits first;
   values two's complement. Unpacks one row of n weights to int8. */
static void emlc_unpack_lowbit(const uint8_t *p, int8_t *w, int32_t n, int32_t bits) {
  const int32_t per = 8 / bits, mask = (1 << bits) - 1, sign = 1 << (bits - 1);
  int32_t i;
  for (i = 0; i < n; ++i)
    w[i] = (int8_t)((((p[i / per] >> ((i % per) * bits)) & mask) ^ sign) - sign);
}

// @kernel conv_channel_s8_impl
// @requires requantize_fast_impl
// @requires conv_window_impl
/* One output channel m (group g) of conv2d_s8_folded, its weights `wm`
   already int8: windows inside the input use bias_eff (the input offset
   folded in), four along a row sharing each weight; windows touching the
   padding add the offset per valid tap. Integer sums: identical to conv2d_s8. */
static void emlc_conv_channel_s8(const int8_t *x, const int8_t *wm, int8_t *ym, int32_t n, int32_t C, int32_t H,
                                 int32_t W, int32_t g, int32_t cg, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                 int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                 int32_t in_off, int32_t out_off, int32_t bias, int32_t bias_eff, int32_t mult,
                                 int32_t shift, int32_t lo, int32_t hi) {
  int32_t oh, ow, c, kh, kw, j;
  for (oh = 0; oh < OH; ++oh) {
    const int32_t ih0 = oh * sh - pt;
    const int rows_inside = ih0 >= 0 && ih0 + (KH - 1) * dh < H;
    for (ow = 0; ow < OW;) {
      const int32_t iw0 = ow * sw - pl;
      int32_t acc[4];
      int32_t count = 1;
      if (rows_inside && iw0 >= 0 && ow + 3 < OW && iw0 + 3 * sw + (KW - 1) * dw < W) {
        count = 4;
        acc[0] = acc[1] = acc[2] = acc[3] = bias_eff;
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
        acc[0] = bias_eff;
        for (c = 0; c < cg; ++c) {
          const int8_t *xc = x + ((int64_t)n * C + g * cg + c) * H * W + ih0 * W + iw0;
          const int8_t *wc = wm + (int64_t)c * KH * KW;
          for (kh = 0; kh < KH; ++kh)
            for (kw = 0; kw < KW; ++kw)
              acc[0] += xc[kh * dh * W + kw * dw] * wc[kh * KW + kw];
        }
      } else {
        acc[0] = emlc_conv_border_s8(x, wm, bias, n, C, H, W, g, cg, KH, KW, ih0, iw0, dh, dw, in_off);
      }
      for (j = 0; j < count; ++j) {
        const int32_t r = emlc_requantize_fast(acc[j], mult, shift) + out_off;
        ym[oh * OW + ow + j] = (int8_t)EMLC_CLAMP(r, lo, hi);
      }
      ow += count;
    }
  }
}

// @kernel conv_lowbit_s8_impl
// @requires unpack_lowbit_impl
// @requires conv_channel_s8_impl
/* An int8 convolution (NCHW, groups, strides, dilations, padding) whose
   weights are packed in `bits` < 8 bits: each output channel's row is unpacked
   into `wrow` (K = C/groups x KH x KW bytes of scratch) once per
   call, then computed as conv2d_s8_folded computes it. Unpacking costs K
   operations per channel against K x OH x OW multiply-accumulates. */
static void emlc_conv_lowbit_s8(int32_t bits, const int8_t *x, const uint8_t *w,
                                const int32_t *bias, int8_t *wrow, int8_t *y, int32_t N, int32_t C, int32_t H,
                                int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW, int32_t sh,
                                int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t groups,
                                int32_t in_off, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t cg = C / groups, mg = M / groups, K = cg * KH * KW, row = (K * bits + 7) / 8;
  int32_t n, m;
  for (m = 0; m < M; ++m) {
    emlc_unpack_lowbit(w + (int64_t)m * row, wrow, K, bits);
    for (n = 0; n < N; ++n)
      emlc_conv_channel_s8(x, wrow, y + ((int64_t)n * M + m) * OH * OW, n, C, H, W, m / mg, cg, KH, KW, OH, OW, sh,
                           sw, dh, dw, pt, pl, in_off, out_off, bias[m], bias_eff[m], mult[m], shift[m], lo, hi);
  }
}

// @kernel conv2d_s8_w4
// @requires conv_lowbit_s8_impl
/* int8 convolution with int4 weights (see conv_lowbit_s8_impl). */
static void emlc_conv2d_s8_w4(const int8_t *x, const uint8_t *w, const int32_t *bias, int8_t *wrow, int8_t *y,
                              int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW,
                              int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt,
                              int32_t pl, int32_t groups, int32_t in_off, int32_t out_off, const int32_t *bias_eff,
                              const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_conv_lowbit_s8(4, x, w, bias, wrow, y, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl,
                      groups, in_off, out_off, bias_eff, mult, shift, lo, hi);
}

// @kernel conv2d_s8_w2
// @requires conv_lowbit_s8_impl
/* int8 convolution with int2 or ternary weights (see conv_lowbit_s8_impl). */
static void emlc_conv2d_s8_w2(const int8_t *x, const uint8_t *w, const int32_t *bias, int8_t *wrow, int8_t *y,
                              int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW,
                              int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt,
                              int32_t pl, int32_t groups, int32_t in_off, int32_t out_off, const int32_t *bias_eff,
                              const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_conv_lowbit_s8(2, x, w, bias, wrow, y, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl,
                      groups, in_off, out_off, bias_eff, mult, shift, lo, hi);
}

// @kernel fully_connected_s8_w4
// @requires requantize_fast_impl
/* y[m][n] = requantize(bias_eff[n] + sum_k x[m][k] * w[n][k]) + out_off,
   clamped, with int4 weights packed two per byte per row (unpack_lowbit_impl's
   layout) decoded as they are read; bias_eff has the input offset folded in
   (bias[n] + in_off * sum_k w[n][k]). Integer sums: fully_connected_s8's. */
static void emlc_fully_connected_s8_w4(const int8_t *x, const uint8_t *w, int8_t *y, int32_t M, int32_t K, int32_t N,
                                       int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                       const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t row = (K + 1) / 2;
  int32_t m, n, k;
  for (m = 0; m < M; ++m)
    for (n = 0; n < N; ++n) {
      const int8_t *xr = x + (int64_t)m * K;
      const uint8_t *wr = w + (int64_t)n * row;
      int32_t acc = bias_eff[n];
      for (k = 0; k + 1 < K; k += 2) {
        const int32_t b = wr[k >> 1];
        acc += xr[k] * (((b & 15) ^ 8) - 8) + xr[k + 1] * (((b >> 4) ^ 8) - 8);
      }
      if (k < K)
        acc += xr[k] * (((wr[k >> 1] & 15) ^ 8) - 8);
      acc = emlc_requantize_fast(acc, mult[n], shift[n]) + out_off;
      y[(int64_t)m * N + n] = (int8_t)EMLC_CLAMP(acc, lo, hi);
    }
}

// @kernel fully_connected_s8_w2
// @requires requantize_fast_impl
/* fully_connected_s8_w4 with int2 or ternary weights, four per byte per row
   (unpack_lowbit_impl's layout). */
static void emlc_fully_connected_s8_w2(const int8_t *x, const uint8_t *w, int8_t *y, int32_t M, int32_t K, int32_t N,
                                       int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                       const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t row = (K + 3) / 4;
  int32_t m, n, k;
  for (m = 0; m < M; ++m)
    for (n = 0; n < N; ++n) {
      const int8_t *xr = x + (int64_t)m * K;
      const uint8_t *wr = w + (int64_t)n * row;
      int32_t acc = bias_eff[n];
      for (k = 0; k + 3 < K; k += 4) {
        const int32_t b = wr[k >> 2];
        acc += xr[k] * (((b & 3) ^ 2) - 2) + xr[k + 1] * ((((b >> 2) & 3) ^ 2) - 2) +
               xr[k + 2] * ((((b >> 4) & 3) ^ 2) - 2) + xr[k + 3] * ((((b >> 6) & 3) ^ 2) - 2);
      }
      for (; k < K; ++k)
        acc += xr[k] * ((((wr[k >> 2] >> ((k & 3) * 2)) & 3) ^ 2) - 2);
      acc = emlc_requantize_fast(acc, mult[n], shift[n]) + out_off;
      y[(int64_t)m * N + n] = (int8_t)EMLC_CLAMP(acc, lo, hi);
    }
}
