// @kernel strided_copy_impl
/* y (dense, shape padded to 6 axes) = x[base + sum(i_d * stride_d)]: serves
   transpose, slice and broadcast (stride 0). */
#define EMLC_STRIDED_COPY(name, T)                                                        \
  static void emlc_##name(const void *xv, void *yv, const int32_t *shape,                 \
                          const int32_t *st, int32_t base) {                              \
    const T *x = (const T *)xv;                                                           \
    T *y = (T *)yv;                                                                       \
    int32_t i0, i1, i2, i3, i4, i5;                                                       \
    int64_t k = 0;                                                                        \
    for (i0 = 0; i0 < shape[0]; ++i0)                                                     \
      for (i1 = 0; i1 < shape[1]; ++i1)                                                   \
        for (i2 = 0; i2 < shape[2]; ++i2)                                                 \
          for (i3 = 0; i3 < shape[3]; ++i3)                                               \
            for (i4 = 0; i4 < shape[4]; ++i4) {                                           \
              const T *p = x + base + i0 * st[0] + i1 * st[1] + i2 * st[2] + i3 * st[3] +  \
                           i4 * st[4];                                                    \
              for (i5 = 0; i5 < shape[5]; ++i5)                                           \
                y[k++] = p[i5 * st[5]];                                                   \
            }                                                                             \
  }
// @kernel strided_copy_b1
// @requires strided_copy_impl
EMLC_STRIDED_COPY(strided_copy_b1, uint8_t)
// @kernel strided_copy_b2
// @requires strided_copy_impl
EMLC_STRIDED_COPY(strided_copy_b2, uint16_t)
// @kernel strided_copy_b4
// @requires strided_copy_impl
EMLC_STRIDED_COPY(strided_copy_b4, uint32_t)
// @kernel strided_copy_b8
// @requires strided_copy_impl
EMLC_STRIDED_COPY(strided_copy_b8, uint64_t)

// @kernel copy
/* Plain byte copy (a graph output that is an input, a constant or a view). */
static void emlc_copy(const void *x, void *y, int32_t nbytes) { memcpy(y, x, (size_t)nbytes); }

// @kernel concat_part
/* Copies one input of a concat into its slice of the output: outer blocks of
   `part` bytes, placed every `row` bytes starting at byte `offset`. */
static void emlc_concat_part(const void *x, void *y, int32_t outer, int32_t part, int32_t row,
                             int32_t offset) {
  int32_t o;
  const uint8_t *src = (const uint8_t *)x;
  uint8_t *dst = (uint8_t *)y + offset;
  for (o = 0; o < outer; ++o)
    memcpy(dst + (int64_t)o * row, src + (int64_t)o * part, (size_t)part);
}

// @kernel pad_impl
/* Padding of a tensor padded to 6 axes. mode: 0 constant, 1 reflect, 2 edge. */
#define EMLC_PAD(name, T)                                                                 \
  static void emlc_##name(const T *x, T *y, const int32_t *ishape, const int32_t *oshape, \
                          const int32_t *before, int32_t mode, T value) {                 \
    int32_t idx[6], src[6], d;                                                            \
    int64_t k, total = 1;                                                                 \
    for (d = 0; d < 6; ++d) {                                                             \
      total *= oshape[d];                                                                 \
      idx[d] = 0;                                                                         \
    }                                                                                     \
    for (k = 0; k < total; ++k) {                                                         \
      int32_t inside = 1;                                                                 \
      int64_t off = 0;                                                                    \
      for (d = 0; d < 6; ++d) {                                                           \
        int32_t s = idx[d] - before[d];                                                   \
        const int32_t n = ishape[d];                                                      \
        if (s < 0 || s >= n) {                                                            \
          if (mode == 0) inside = 0;                                                      \
          else if (mode == 2) s = s < 0 ? 0 : n - 1;                                      \
          else {                                                                          \
            const int32_t period = n > 1 ? 2 * (n - 1) : 1;                               \
            s = s % period;                                                               \
            if (s < 0) s += period;                                                       \
            if (s >= n) s = period - s;                                                   \
          }                                                                               \
        }                                                                                 \
        src[d] = s;                                                                       \
      }                                                                                   \
      if (inside) {                                                                       \
        for (d = 0; d < 6; ++d) off = off * ishape[d] + src[d];                           \
        y[k] = x[off];                                                                    \
      } else {                                                                            \
        y[k] = value;                                                                     \
      }                                                                                   \
      for (d = 5; d >= 0; --d) {                                                          \
        if (++idx[d] < oshape[d]) break;                                                  \
        idx[d] = 0;                                                                       \
      }                                                                                   \
    }                                                                                     \
  }
// @kernel pad_f32
// @requires pad_impl
EMLC_PAD(pad_f32, float)

// @kernel gather_impl
/* y[o][j][i] = x[o][idx[j]][i] for [outer][n][inner] data, negative indices
   counting from the end; indices are int64 (ONNX) or int32. */
#define EMLC_GATHER(name, T, I)                                                           \
  static void emlc_##name(const void *xv, const I *idx, void *yv, int32_t outer,         \
                          int32_t n, int32_t inner, int32_t count) {                      \
    const T *x = (const T *)xv;                                                           \
    T *y = (T *)yv;                                                                       \
    int32_t o, j;                                                                         \
    for (o = 0; o < outer; ++o)                                                           \
      for (j = 0; j < count; ++j) {                                                       \
        int64_t g = (int64_t)idx[j];                                                      \
        if (g < 0) g += n;                                                                \
        if (g < 0 || g >= n) g = 0; /* out of range: defined, not UB */                   \
        memcpy(y + ((int64_t)o * count + j) * inner, x + ((int64_t)o * n + g) * inner,    \
               (size_t)inner * sizeof(T));                                                \
      }                                                                                   \
  }
// @kernel gather_b4_i64
// @requires gather_impl
EMLC_GATHER(gather_b4_i64, uint32_t, int64_t)
// @kernel gather_b4_i32
// @requires gather_impl
EMLC_GATHER(gather_b4_i32, uint32_t, int32_t)
// @kernel gather_b8_i64
// @requires gather_impl
EMLC_GATHER(gather_b8_i64, uint64_t, int64_t)
// @kernel gather_b8_i32
// @requires gather_impl
EMLC_GATHER(gather_b8_i32, uint64_t, int32_t)
// @kernel gather_b1_i64
// @requires gather_impl
EMLC_GATHER(gather_b1_i64, uint8_t, int64_t)
// @kernel gather_b1_i32
// @requires gather_impl
EMLC_GATHER(gather_b1_i32, uint8_t, int32_t)

// @kernel resize_f32
/* Separable resize of a tensor padded to 6 axes. For each axis d and output
   index o, the compiler precomputed the two source indices lo/hi and the
   weight w of hi (nearest: lo = hi, w = 0), flattened with per-axis offsets
   `at` into the tables. */
static void emlc_resize_f32(const float *x, float *y, const int32_t *ishape, const int32_t *oshape,
                            const int32_t *at, const int32_t *lo, const int32_t *hi, const float *w) {
  int32_t idx[6], d, c;
  int64_t k, total = 1, istr[6];
  istr[5] = 1;
  for (d = 4; d >= 0; --d)
    istr[d] = istr[d + 1] * ishape[d + 1];
  for (d = 0; d < 6; ++d) {
    total *= oshape[d];
    idx[d] = 0;
  }
  for (k = 0; k < total; ++k) {
    float acc = 0.0f;
    /* Sum over the 2^6 corners; axes whose weight is 0 contribute one corner. */
    for (c = 0; c < 64; ++c) {
      float wt = 1.0f;
      int64_t off = 0;
      for (d = 0; d < 6; ++d) {
        const int32_t t = at[d] + idx[d];
        const int32_t bit = (c >> d) & 1;
        const float wd = bit ? w[t] : 1.0f - w[t];
        if (wd == 0.0f) { wt = 0.0f; break; }
        wt *= wd;
        off += (bit ? hi[t] : lo[t]) * istr[d];
      }
      if (wt != 0.0f) acc += wt * x[off];
    }
    y[k] = acc;
    for (d = 5; d >= 0; --d) {
      if (++idx[d] < oshape[d]) break;
      idx[d] = 0;
    }
  }
}

// @kernel cast_impl
#define EMLC_CAST(name, S, D)                                                             \
  static void emlc_##name(const S *x, D *y, int32_t n) {                                  \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = (D)x[i];                                               \
  }
