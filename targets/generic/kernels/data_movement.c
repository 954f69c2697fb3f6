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
/* Separable resize of a tensor padded to 6 axes. For axis d and output index
   o the compiler precomputed nt[d] taps (1 nearest, 2 linear, 4 cubic): source
   indices idx[] and weights w[] at at[d] + o * nt[d]. */
static void emlc_resize_f32(const float *x, float *y, const int32_t *ishape, const int32_t *oshape,
                            const int32_t *nt, const int32_t *at, const int32_t *idx, const float *w) {
  int32_t pos[6], d, c, ncomb = 1;
  int64_t k, total = 1, istr[6];
  istr[5] = 1;
  for (d = 4; d >= 0; --d)
    istr[d] = istr[d + 1] * ishape[d + 1];
  for (d = 0; d < 6; ++d) {
    total *= oshape[d];
    ncomb *= nt[d];
    pos[d] = 0;
  }
  for (k = 0; k < total; ++k) {
    float acc = 0.0f;
    for (c = 0; c < ncomb; ++c) {
      int32_t rem = c;
      float wt = 1.0f;
      int64_t off = 0;
      for (d = 5; d >= 0; --d) {
        const int32_t j = rem % nt[d];
        const int32_t t = at[d] + pos[d] * nt[d] + j;
        rem /= nt[d];
        wt *= w[t];
        off += idx[t] * istr[d];
      }
      acc += wt * x[off];
    }
    y[k] = acc;
    for (d = 5; d >= 0; --d) {
      if (++pos[d] < oshape[d]) break;
      pos[d] = 0;
    }
  }
}

// @kernel half_to_float_impl
/* IEEE binary16 -> binary32 (float16 is a storage type). */
static float emlc_half_to_float(uint16_t h) {
  uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff, f;
  float r;
  if (e == 0) {
    if (m == 0) {
      f = s;
    } else {
      e = 113;
      while (!(m & 0x400)) { m <<= 1; --e; }
      f = s | (e << 23) | ((m & 0x3ff) << 13);
    }
  } else if (e == 31) {
    f = s | 0x7f800000u | (m << 13);
  } else {
    f = s | ((e + 112) << 23) | (m << 13);
  }
  memcpy(&r, &f, sizeof r);
  return r;
}
// @kernel float_to_half_impl
/* IEEE binary32 -> binary16, round to nearest even. */
static uint16_t emlc_float_to_half(float v) {
  uint32_t x, sign, mant, half, rem;
  int32_t exp;
  memcpy(&x, &v, sizeof x);
  sign = (x >> 16) & 0x8000u;
  mant = x & 0x7fffffu;
  exp = (int32_t)((x >> 23) & 0xff);
  if (exp == 255) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0u));
  exp = exp - 127 + 15;
  if (exp >= 31) return (uint16_t)(sign | 0x7c00u);
  if (exp <= 0) {
    uint32_t shift, mid;
    if (exp < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    shift = (uint32_t)(14 - exp);
    half = mant >> shift;
    rem = mant & ((1u << shift) - 1u);
    mid = 1u << (shift - 1u);
    if (rem > mid || (rem == mid && (half & 1u))) ++half;
    return (uint16_t)(sign | half);
  }
  half = ((uint32_t)exp << 10) | (mant >> 13);
  rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;
  return (uint16_t)(sign | half);
}
// @kernel cast_f16_f32
// @requires half_to_float_impl
static void emlc_cast_f16_f32(const uint16_t *x, float *y, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = emlc_half_to_float(x[i]);
}
// @kernel cast_f32_f16
// @requires float_to_half_impl
static void emlc_cast_f32_f16(const float *x, uint16_t *y, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = emlc_float_to_half(x[i]);
}

// @kernel cast_impl
#define EMLC_CAST(name, S, D)                                                             \
  static void emlc_##name(const S *x, D *y, int32_t n) {                                  \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = (D)x[i];                                               \
  }
