// @kernel unary_impl
/* y = f(x) elementwise; alpha/beta parametrize the function (see nn.unary). */
#define EMLC_UNARY_F32(name, expr)                                                         \
  static void emlc_##name##_f32(const float *x, float *y, int32_t n, float alpha,          \
                                float beta) {                                              \
    int32_t i;                                                                             \
    (void)alpha;                                                                           \
    (void)beta;                                                                            \
    for (i = 0; i < n; ++i) {                                                              \
      const float v = x[i];                                                                \
      y[i] = (expr);                                                                       \
    }                                                                                      \
  }
// @kernel relu_f32
// @requires unary_impl
EMLC_UNARY_F32(relu, v > 0.0f ? v : 0.0f)
// @kernel leaky_relu_f32
// @requires unary_impl
EMLC_UNARY_F32(leaky_relu, v >= 0.0f ? v : alpha * v)
// @kernel clip_f32
// @requires unary_impl
EMLC_UNARY_F32(clip, EMLC_CLAMP(v, alpha, beta))
// @kernel sigmoid_f32
// @requires unary_impl
EMLC_UNARY_F32(sigmoid, 1.0f / (1.0f + expf(-v)))
// @kernel hard_sigmoid_f32
// @requires unary_impl
EMLC_UNARY_F32(hard_sigmoid, EMLC_CLAMP(alpha * v + beta, 0.0f, 1.0f))
// @kernel hard_swish_f32
// @requires unary_impl
EMLC_UNARY_F32(hard_swish, v * EMLC_CLAMP(alpha * v + beta, 0.0f, 1.0f))
// @kernel tanh_f32
// @requires unary_impl
EMLC_UNARY_F32(tanh, tanhf(v))
// @kernel elu_f32
// @requires unary_impl
EMLC_UNARY_F32(elu, v >= 0.0f ? v : alpha * (expf(v) - 1.0f))
// @kernel selu_f32
// @requires unary_impl
EMLC_UNARY_F32(selu, v > 0.0f ? beta * v : beta * (alpha * expf(v) - alpha))
// @kernel exp_f32
// @requires unary_impl
EMLC_UNARY_F32(exp, expf(v))
// @kernel log_f32
// @requires unary_impl
EMLC_UNARY_F32(log, logf(v))
// @kernel sqrt_f32
// @requires unary_impl
EMLC_UNARY_F32(sqrt, sqrtf(v))
// @kernel abs_f32
// @requires unary_impl
EMLC_UNARY_F32(abs, fabsf(v))
// @kernel neg_f32
// @requires unary_impl
EMLC_UNARY_F32(neg, -v)
// @kernel reciprocal_f32
// @requires unary_impl
EMLC_UNARY_F32(reciprocal, 1.0f / v)
// @kernel floor_f32
// @requires unary_impl
EMLC_UNARY_F32(floor, floorf(v))
// @kernel ceil_f32
// @requires unary_impl
EMLC_UNARY_F32(ceil, ceilf(v))
// @kernel round_f32
// @requires unary_impl
/* ONNX Round: half to even, which is rintf under C's default rounding mode. */
EMLC_UNARY_F32(round, rintf(v))
// @kernel erf_f32
// @requires unary_impl
EMLC_UNARY_F32(erf, erff(v))
// @kernel softplus_f32
// @requires unary_impl
EMLC_UNARY_F32(softplus, v > 20.0f ? v : log1pf(expf(v)))
// @kernel softsign_f32
// @requires unary_impl
EMLC_UNARY_F32(softsign, v / (1.0f + fabsf(v)))
// @kernel sin_f32
// @requires unary_impl
EMLC_UNARY_F32(sin, sinf(v))
// @kernel cos_f32
// @requires unary_impl
EMLC_UNARY_F32(cos, cosf(v))

// @kernel clip_typed_impl
/* Integer/double clip: lo/hi arrive as double and are saturated to T's range by the compiler. */
#define EMLC_CLIP_TYPED(name, T)                                                          \
  static void emlc_##name(const T *x, T *y, int32_t n, T lo, T hi) {                      \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = EMLC_CLAMP(x[i], lo, hi);                              \
  }
// @kernel relu_typed_impl
#define EMLC_RELU_TYPED(name, T)                                                          \
  static void emlc_##name(const T *x, T *y, int32_t n) {                                  \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = x[i] > (T)0 ? x[i] : (T)0;                             \
  }
// @kernel neg_typed_impl
#define EMLC_NEG_TYPED(name, T)                                                           \
  static void emlc_##name(const T *x, T *y, int32_t n) {                                  \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = (T)(0 - x[i]);                                         \
  }
// @kernel abs_typed_impl
#define EMLC_ABS_TYPED(name, T)                                                           \
  static void emlc_##name(const T *x, T *y, int32_t n) {                                  \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = x[i] < (T)0 ? (T)(0 - x[i]) : x[i];                    \
  }

// @kernel binary_impl
/* y = f(a, b) with numpy broadcasting: shape is the output padded to 6 axes,
   as/bs the element strides of a and b per axis (0 where broadcast); the
   result is clamped to [lo, hi] (a fused activation). */
#define EMLC_BINARY(name, T, expr)                                                          \
  static void emlc_##name(const T *a, const T *b, T *y, const int32_t *shape,               \
                          const int32_t *as, const int32_t *bs, T lo, T hi) {               \
    int32_t i0, i1, i2, i3, i4, i5;                                                         \
    int64_t k = 0;                                                                          \
    for (i0 = 0; i0 < shape[0]; ++i0)                                                       \
      for (i1 = 0; i1 < shape[1]; ++i1)                                                     \
        for (i2 = 0; i2 < shape[2]; ++i2)                                                   \
          for (i3 = 0; i3 < shape[3]; ++i3)                                                 \
            for (i4 = 0; i4 < shape[4]; ++i4) {                                             \
              const T *pa = a + i0 * as[0] + i1 * as[1] + i2 * as[2] + i3 * as[3] + i4 * as[4]; \
              const T *pb = b + i0 * bs[0] + i1 * bs[1] + i2 * bs[2] + i3 * bs[3] + i4 * bs[4]; \
              for (i5 = 0; i5 < shape[5]; ++i5) {                                           \
                const T va = pa[i5 * as[5]], vb = pb[i5 * bs[5]];                           \
                const T r = (expr);                                                         \
                y[k++] = EMLC_CLAMP(r, lo, hi);                                             \
              }                                                                             \
            }                                                                               \
  }
// @kernel add_f32
// @requires binary_impl
EMLC_BINARY(add_f32, float, va + vb)
// @kernel sub_f32
// @requires binary_impl
EMLC_BINARY(sub_f32, float, va - vb)
// @kernel mul_f32
// @requires binary_impl
EMLC_BINARY(mul_f32, float, va * vb)
// @kernel div_f32
// @requires binary_impl
EMLC_BINARY(div_f32, float, va / vb)
// @kernel min_f32
// @requires binary_impl
EMLC_BINARY(min_f32, float, EMLC_MIN(va, vb))
// @kernel max_f32
// @requires binary_impl
EMLC_BINARY(max_f32, float, EMLC_MAX(va, vb))
// @kernel pow_f32
// @requires binary_impl
EMLC_BINARY(pow_f32, float, powf(va, vb))
// @kernel prelu_f32
// @requires binary_impl
EMLC_BINARY(prelu_f32, float, va >= 0.0f ? va : va * vb)
