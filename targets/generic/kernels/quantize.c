// @kernel quantize_impl
/* ONNX QuantizeLinear at a float/integer boundary: y = saturate(round_half_even(x / scale) + zp),
   per tensor (channels = 1) or per channel of the axis that splits the data
   into outer x channels x inner. rintf rounds half to even in C's default
   rounding mode; the clamp runs in float so large values saturate (NaN -> lo).
   Where rintf is a library call (no one-instruction round to integral: Cortex-M4's FPv4, RISC-V F, x86-64
   without SSE4.1), adding then subtracting 1.5 * 2^23 rounds the same way every |q| < 2^22, and larger
   values saturate either way (-ffast-math would fold it: rintf then). Where maxNum/minNum are one
   instruction (VMAXNM/VMINNM: Armv8-M and FPv5 FPUs) they clamp, NaN to lo too; elsewhere comparisons. */
#if !defined(__FAST_MATH__) &&                                                                                       \
    ((defined(__ARM_FP) && __ARM_ARCH < 8 && !(__ARM_FP & 8)) || (defined(__riscv_flen) && __riscv_flen >= 32) ||   \
     (defined(__SSE2__) && !defined(__SSE4_1__)))
#define EMLC_RINTF(q) (((q) + 12582912.0f) - 12582912.0f)
#else
#define EMLC_RINTF(q) rintf(q)
#endif
#if defined(__ARM_FP) && (__ARM_ARCH >= 8 || (__ARM_FP & 8))
#define EMLC_QCLAMP(r, LO, HI) fminf(fmaxf((r), (float)(LO)), (float)(HI))
#else
#define EMLC_QCLAMP(r, LO, HI) (!((r) >= (float)(LO)) ? (float)(LO) : (r) > (float)(HI) ? (float)(HI) : (r))
#endif
#define EMLC_QUANTIZE(NAME, T, LO, HI)                                                                      \
  static void emlc_##NAME(const float *x, T *y, int32_t outer, int32_t channels, int32_t inner,           \
                          const float *scale, const int32_t *zp) {                                        \
    int32_t o, c, i;                                                                                      \
    for (o = 0; o < outer; ++o)                                                                           \
      for (c = 0; c < channels; ++c) {                                                                    \
        const int64_t base = ((int64_t)o * channels + c) * inner;                                         \
        const float s = scale[c], z = (float)zp[c];                                                       \
        for (i = 0; i < inner; ++i) {                                                                     \
          const float r = EMLC_RINTF(x[base + i] / s) + z;                                                \
          y[base + i] = (T)(int32_t)EMLC_QCLAMP(r, LO, HI);                                               \
        }                                                                                                 \
      }                                                                                                   \
  }
// @kernel quantize_f32_i8
// @requires quantize_impl
EMLC_QUANTIZE(quantize_f32_i8, int8_t, -128, 127)
// @kernel quantize_f32_u8
// @requires quantize_impl
EMLC_QUANTIZE(quantize_f32_u8, uint8_t, 0, 255)
// @kernel quantize_f32_i16
// @requires quantize_impl
EMLC_QUANTIZE(quantize_f32_i16, int16_t, -32768, 32767)

// @kernel dequantize_impl
/* ONNX DequantizeLinear: y = (x - zp) * scale, per tensor or per channel (as above). */
#define EMLC_DEQUANTIZE(NAME, T)                                                                            \
  static void emlc_##NAME(const T *x, float *y, int32_t outer, int32_t channels, int32_t inner,           \
                          const float *scale, const int32_t *zp) {                                        \
    int32_t o, c, i;                                                                                      \
    for (o = 0; o < outer; ++o)                                                                           \
      for (c = 0; c < channels; ++c) {                                                                    \
        const int64_t base = ((int64_t)o * channels + c) * inner;                                         \
        for (i = 0; i < inner; ++i)                                                                       \
          y[base + i] = (float)((int64_t)x[base + i] - zp[c]) * scale[c];                                 \
      }                                                                                                   \
  }
// @kernel dequantize_i8_f32
// @requires dequantize_impl
EMLC_DEQUANTIZE(dequantize_i8_f32, int8_t)
// @kernel dequantize_u8_f32
// @requires dequantize_impl
EMLC_DEQUANTIZE(dequantize_u8_f32, uint8_t)
// @kernel dequantize_i16_f32
// @requires dequantize_impl
EMLC_DEQUANTIZE(dequantize_i16_f32, int16_t)
// @kernel dequantize_i32_f32
// @requires dequantize_impl
EMLC_DEQUANTIZE(dequantize_i32_f32, int32_t)
