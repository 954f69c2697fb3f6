// @kernel reduce_f32
/* Reduction over any set of axes: shape is the input padded to 6 axes, ostr
   the output element strides per input axis (0 on reduced axes). kind:
   0 sum, 1 mean, 2 max, 3 min; count = elements per output. */
static void emlc_reduce_f32(const float *x, float *y, const int32_t *shape, const int32_t *ostr,
                            int32_t nout, int32_t kind, int32_t count) {
  int32_t i0, i1, i2, i3, i4, i5, o;
  int64_t k = 0;
  const float init = kind == 2 ? -INFINITY : kind == 3 ? INFINITY : 0.0f;
  for (o = 0; o < nout; ++o)
    y[o] = init;
  for (i0 = 0; i0 < shape[0]; ++i0)
    for (i1 = 0; i1 < shape[1]; ++i1)
      for (i2 = 0; i2 < shape[2]; ++i2)
        for (i3 = 0; i3 < shape[3]; ++i3)
          for (i4 = 0; i4 < shape[4]; ++i4) {
            float *py = y + i0 * ostr[0] + i1 * ostr[1] + i2 * ostr[2] + i3 * ostr[3] + i4 * ostr[4];
            for (i5 = 0; i5 < shape[5]; ++i5) {
              const float v = x[k++];
              float *d = py + i5 * ostr[5];
              if (kind <= 1) *d += v;
              else if (kind == 2) *d = EMLC_MAX(*d, v);
              else *d = EMLC_MIN(*d, v);
            }
          }
  if (kind == 1)
    for (o = 0; o < nout; ++o)
      y[o] /= (float)count;
}

// @kernel softmax_f32
/* Softmax (or log-softmax) over the middle axis of [outer][n][inner]. */
static void emlc_softmax_f32(const float *x, float *y, int32_t outer, int32_t n, int32_t inner,
                             int32_t log_softmax) {
  int32_t o, i, j;
  for (o = 0; o < outer; ++o)
    for (j = 0; j < inner; ++j) {
      const float *xp = x + (int64_t)o * n * inner + j;
      float *yp = y + (int64_t)o * n * inner + j;
      float mx = -INFINITY, sum = 0.0f;
      for (i = 0; i < n; ++i)
        mx = EMLC_MAX(mx, xp[i * inner]);
      for (i = 0; i < n; ++i)
        sum += expf(xp[i * inner] - mx);
      for (i = 0; i < n; ++i)
        yp[i * inner] = log_softmax ? xp[i * inner] - mx - logf(sum) : expf(xp[i * inner] - mx) / sum;
    }
}

// @kernel normalize_f32
/* (x - mean) / sqrt(var + eps) over each contiguous block of n elements; also
   stores each block's mean and 1 / sqrt(var + eps). */
static void emlc_normalize_f32(const float *x, float *y, float *means, float *inv_std, int32_t outer,
                               int32_t n, float eps) {
  int32_t o, i;
  for (o = 0; o < outer; ++o) {
    const float *xp = x + (int64_t)o * n;
    float *yp = y + (int64_t)o * n;
    float mean = 0.0f, var = 0.0f, inv;
    for (i = 0; i < n; ++i)
      mean += xp[i];
    mean /= (float)n;
    for (i = 0; i < n; ++i)
      var += (xp[i] - mean) * (xp[i] - mean);
    var /= (float)n;
    inv = 1.0f / sqrtf(var + eps);
    means[o] = mean;
    inv_std[o] = inv;
    for (i = 0; i < n; ++i)
      yp[i] = (xp[i] - mean) * inv;
  }
}

// @kernel maxpool2d_impl
/* NCHW max pooling; padded positions are ignored. */
#define EMLC_MAXPOOL2D(name, T)                                                           \
  static void emlc_##name(const T *x, T *y, int32_t NC, int32_t H, int32_t W, int32_t OH, \
                          int32_t OW, int32_t KH, int32_t KW, int32_t sh, int32_t sw,     \
                          int32_t dh, int32_t dw, int32_t pt, int32_t pl) {               \
    int32_t c, oh, ow, kh, kw;                                                            \
    for (c = 0; c < NC; ++c) {                                                            \
      const T *xc = x + (int64_t)c * H * W;                                               \
      T *yc = y + (int64_t)c * OH * OW;                                                   \
      for (oh = 0; oh < OH; ++oh)                                                         \
        for (ow = 0; ow < OW; ++ow) {                                                     \
          int found = 0;                                                                  \
          T m = 0;                                                                        \
          for (kh = 0; kh < KH; ++kh) {                                                   \
            const int32_t ih = oh * sh - pt + kh * dh;                                    \
            if (ih < 0 || ih >= H) continue;                                              \
            for (kw = 0; kw < KW; ++kw) {                                                 \
              const int32_t iw = ow * sw - pl + kw * dw;                                  \
              if (iw < 0 || iw >= W) continue;                                            \
              if (!found || xc[ih * W + iw] > m) m = xc[ih * W + iw];                     \
              found = 1;                                                                  \
            }                                                                             \
          }                                                                               \
          yc[oh * OW + ow] = m;                                                           \
        }                                                                                 \
    }                                                                                     \
  }
// @kernel maxpool2d_f32
// @requires maxpool2d_impl
EMLC_MAXPOOL2D(maxpool2d_f32, float)

// @kernel avgpool2d_f32
/* NCHW average pooling. With count_include_pad the divisor counts the explicit
   padding (up to H + pb, W + pr) but not the extra ceil_mode padding. */
static void emlc_avgpool2d_f32(const float *x, float *y, int32_t NC, int32_t H, int32_t W,
                               int32_t OH, int32_t OW, int32_t KH, int32_t KW, int32_t sh,
                               int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                               int32_t pb, int32_t pr, int32_t count_include_pad) {
  int32_t c, oh, ow, kh, kw;
  for (c = 0; c < NC; ++c) {
    const float *xc = x + (int64_t)c * H * W;
    float *yc = y + (int64_t)c * OH * OW;
    for (oh = 0; oh < OH; ++oh)
      for (ow = 0; ow < OW; ++ow) {
        float s = 0.0f;
        int32_t cnt = 0;
        for (kh = 0; kh < KH; ++kh) {
          const int32_t ih = oh * sh - pt + kh * dh;
          if (ih < -pt || ih >= H + pb) continue;
          for (kw = 0; kw < KW; ++kw) {
            const int32_t iw = ow * sw - pl + kw * dw;
            if (iw < -pl || iw >= W + pr) continue;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
              s += xc[ih * W + iw];
              ++cnt;
            } else if (count_include_pad) {
              ++cnt;
            }
          }
        }
        yc[oh * OW + ow] = cnt ? s / (float)cnt : 0.0f;
      }
  }
}
