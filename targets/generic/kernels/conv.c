// @kernel conv2d_impl
/* NCHW convolution with groups, strides, dilations, zero padding and a fused
   clamp, for element type T (float; int32 for ConvInteger); w is [M][C/groups][KH][KW]. Loop order: per output channel, one
   weight at a time is applied to the whole output plane (rows, then the
   columns whose input lies inside), so the inner loop is a contiguous
   multiply-add with no bounds checks. Each output still sums bias, then
   channels, then kernel rows and columns in order. */
#define EMLC_CONV2D(NAME, T)                                                        \
  static void emlc_##NAME(const T *x, const T *w, const T *bias, T *y,              \
                              int32_t N, int32_t C, int32_t H, int32_t W, int32_t M,\
                              int32_t KH, int32_t KW, int32_t OH, int32_t OW,       \
                              int32_t sh, int32_t sw, int32_t dh, int32_t dw,       \
                              int32_t pt, int32_t pl, int32_t groups, T lo, T hi) { \
    const int32_t cg = C / groups, mg = M / groups;                                 \
    int32_t n, m, c, kh, kw, oh, ow, i;                                             \
    for (n = 0; n < N; ++n)                                                         \
      for (m = 0; m < M; ++m) {                                                     \
        const int32_t g = m / mg;                                                   \
        const T *wm = w + (int64_t)m * cg * KH * KW;                                \
        T *ym = y + ((int64_t)n * M + m) * OH * OW;                                 \
        for (i = 0; i < OH * OW; ++i)                                               \
          ym[i] = bias[m];                                                          \
        for (c = 0; c < cg; ++c) {                                                  \
          const T *xc = x + ((int64_t)n * C + g * cg + c) * H * W;                  \
          for (kh = 0; kh < KH; ++kh)                                               \
            for (kw = 0; kw < KW; ++kw) {                                           \
              const T wv = wm[((int64_t)c * KH + kh) * KW + kw];                    \
              const int32_t off = kw * dw - pl;                                     \
              int32_t ow0 = 0, ow1 = OW;                                            \
              while (ow0 < OW && ow0 * sw + off < 0) ++ow0;                         \
              while (ow1 > ow0 && (ow1 - 1) * sw + off >= W) --ow1;                 \
              for (oh = 0; oh < OH; ++oh) {                                         \
                const int32_t ih = oh * sh - pt + kh * dh;                          \
                const T *xr;                                                        \
                T *yr = ym + (int64_t)oh * OW;                                      \
                if (ih < 0 || ih >= H) continue;                                    \
                xr = xc + (int64_t)ih * W;                                          \
                if (sw == 1)                                                        \
                  for (ow = ow0; ow < ow1; ++ow) yr[ow] += wv * xr[ow + off];       \
                else                                                                \
                  for (ow = ow0; ow < ow1; ++ow) yr[ow] += wv * xr[ow * sw + off];  \
              }                                                                     \
            }                                                                       \
        }                                                                           \
        for (i = 0; i < OH * OW; ++i)                                               \
          ym[i] = EMLC_CLAMP(ym[i], lo, hi);                                        \
      }                                                                             \
  }
// @kernel conv2d_f32
// @requires conv2d_impl
EMLC_CONV2D(conv2d_f32, float)
// @kernel conv2d_i32
// @requires conv2d_impl
EMLC_CONV2D(conv2d_i32, int32_t)

// @kernel conv_transpose2d_f32
/* Transposed convolution by scattering each input pixel; w is [C][M/groups][KH][KW].
   pt/pl crop the full output at the top/left. */
static void emlc_conv_transpose2d_f32(const float *x, const float *w, const float *bias, float *y,
                                      int32_t N, int32_t C, int32_t H, int32_t W, int32_t M,
                                      int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                      int32_t sh, int32_t sw, int32_t dh, int32_t dw,
                                      int32_t pt, int32_t pl, int32_t groups) {
  const int32_t cg = C / groups, mg = M / groups;
  int32_t n, m, c, ih, iw, kh, kw, i;
  for (n = 0; n < N; ++n) {
    for (m = 0; m < M; ++m)
      for (i = 0; i < OH * OW; ++i)
        y[((int64_t)n * M + m) * OH * OW + i] = bias[m];
    for (c = 0; c < C; ++c) {
      const int32_t g = c / cg;
      const float *xc = x + ((int64_t)n * C + c) * H * W;
      for (m = 0; m < mg; ++m) {
        const float *wk = w + ((int64_t)c * mg + m) * KH * KW;
        float *ym = y + ((int64_t)n * M + g * mg + m) * OH * OW;
        for (ih = 0; ih < H; ++ih)
          for (iw = 0; iw < W; ++iw) {
            const float v = xc[ih * W + iw];
            for (kh = 0; kh < KH; ++kh) {
              const int32_t oh = ih * sh + kh * dh - pt;
              if (oh < 0 || oh >= OH) continue;
              for (kw = 0; kw < KW; ++kw) {
                const int32_t ow = iw * sw + kw * dw - pl;
                if (ow < 0 || ow >= OW) continue;
                ym[oh * OW + ow] += v * wk[kh * KW + kw];
              }
            }
          }
      }
    }
  }
}
