/* int16-activation kernels (TFLite's 16x8 mode). The portable kernels
   (targets/generic/kernels/int16.c) against a straightforward reference
   written here from TFLite's formulas (reference_integer_ops::ConvPerChannel
   and FullyConnected for int16 input / int8 filter / int64 bias with the
   int64 MultiplyByQuantizedMultiplier of common.cc; reference_ops::
   AddElementwise with left shift 15 and gemmlowp's rounding;
   reference_ops::Requantize; AveragePool), and the Arm DSP kernels
   (targets/arm-dsp/kernels/int16_dsp.c: plain-C stand-ins on hosts without
   the DSP extension) against the portable ones, with their weight layouts
   stated here independently of the compiler. Random shapes (odd channel
   counts, strides, dilations, padding, groups, depthwise, windows longer
   than the DSP kernels' 508-tap chunks), random data including the extremes
   -32768 and -128, random requantization. Built and run on the host and, by
   run_kernel_tests.py TARGET int16, under QEMU. Prints one line and returns
   the number of mismatching cases. */
#include <stdio.h>
#include "../../targets/generic/kernels/prelude.h"
#include "../../targets/generic/kernels/int8.c"
#include "../../targets/generic/kernels/int16.c"
#include "../../targets/generic/kernels/quantize.c"
#include "../../targets/arm-dsp/kernels/int8_dsp.c"
#include "../../targets/arm-dsp/kernels/int16_dsp.c"

static uint32_t seed = 16016u;
static int32_t rnd(int32_t lo, int32_t hi) { /* inclusive */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}
static int64_t rnd64(int64_t lo, int64_t hi) { /* inclusive, hi - lo < 2^46 */
  const uint64_t span = (uint64_t)(hi - lo) + 1u;
  const uint64_t r = ((uint64_t)(uint32_t)rnd(0, 0x7fffff) << 23) | (uint64_t)(uint32_t)rnd(0, 0x7fffff);
  return lo + (int64_t)(r % span);
}

#define MAXB 12000
static int16_t x[MAXB], x2[MAXB], y_ref[MAXB], y_opt[MAXB];
static int8_t w[MAXB], x8[MAXB], y8_ref[MAXB], y8_opt[MAXB];
static int32_t wpk[2 * MAXB], col[2 * MAXB], taps[MAXB];
static int64_t bias[64];
static int32_t mult[64], shift[64];

/* --- The reference, from TFLite's formulas ------------------------------- */

/* common.cc: MultiplyByQuantizedMultiplier(int64_t x, int32_t m, int shift). */
static int32_t ref_mbqm64(int64_t v, int32_t m, int32_t s) {
  const int32_t reduced = m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF;
  const int64_t total = 15 - s;
  const int64_t round = (int64_t)1 << (total - 1);
  const int64_t r = v * (int64_t)reduced + round;
  return (int32_t)(r >> total);
}
/* gemmlowp: SaturatingRoundingDoublingHighMul, RoundingDivideByPOT;
   TFLite's MultiplyByQuantizedMultiplier(int32_t ...) (double rounding). */
static int32_t ref_srdhm(int32_t a, int32_t b) {
  const int overflow = a == b && a == INT32_MIN;
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high = (int32_t)((ab + nudge) / ((int64_t)1 << 31));
  return overflow ? INT32_MAX : high;
}
static int32_t ref_rdbpot(int32_t v, int32_t exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = v & mask, threshold = (mask >> 1) + (v < 0 ? 1 : 0);
  return (v >> exponent) + (remainder > threshold ? 1 : 0);
}
static int32_t ref_mbqm32(int32_t v, int32_t m, int32_t s) {
  const int32_t left = s > 0 ? s : 0, right = s > 0 ? 0 : -s;
  return ref_rdbpot(ref_srdhm((int32_t)((uint32_t)v << left), m), right);
}
static int32_t ref_clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* ConvPerChannel (16x8), loops in TFLite's order, NCHW addressing. */
static void ref_conv(int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                     int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t groups,
                     int32_t lo, int32_t hi) {
  const int32_t cg = C / groups, per_group = M / groups;
  int32_t b, oy, ox, oc, fy, fx, ic;
  for (b = 0; b < N; ++b)
    for (oy = 0; oy < OH; ++oy)
      for (ox = 0; ox < OW; ++ox)
        for (oc = 0; oc < M; ++oc) {
          const int32_t g = oc / per_group;
          int64_t acc = 0;
          for (fy = 0; fy < KH; ++fy)
            for (fx = 0; fx < KW; ++fx) {
              const int32_t iy = oy * sh - pt + dh * fy, ix = ox * sw - pl + dw * fx;
              if (ix < 0 || ix >= W || iy < 0 || iy >= H)
                continue;
              for (ic = 0; ic < cg; ++ic) {
                const int32_t xv = x[((b * C + g * cg + ic) * H + iy) * W + ix];
                const int32_t wv = w[((oc * cg + ic) * KH + fy) * KW + fx];
                acc += (int64_t)(xv * wv);
              }
            }
          acc += bias[oc];
          y_ref[((b * M + oc) * OH + oy) * OW + ox] = (int16_t)ref_clamp(ref_mbqm64(acc, mult[oc], shift[oc]), lo, hi);
        }
}

/* FullyConnected (16x8), per-channel multipliers. */
static void ref_fc(int32_t M, int32_t K, int32_t N, int32_t lo, int32_t hi) {
  int32_t b, oc, d;
  for (b = 0; b < M; ++b)
    for (oc = 0; oc < N; ++oc) {
      int64_t acc = 0;
      for (d = 0; d < K; ++d)
        acc += (int64_t)((int32_t)w[oc * K + d] * (int32_t)x[b * K + d]);
      acc += bias[oc];
      y_ref[oc + N * b] = (int16_t)ref_clamp(ref_mbqm64(acc, mult[oc], shift[oc]), lo, hi);
    }
}

/* --- The DSP kernels' weight layouts --------------------------------------- */

/* conv_s16_dsp_w16 (conv_s8_dsp_w16's): channel pairs, per 4-tap group the
   int16 pairs (w0,w1) (w2,w3) of channel m, then those of m+1. */
static void pack_conv_w16(int32_t M, int32_t K) {
  const int32_t Kp = (K + 3) & ~3;
  int32_t m, g, r, i, n = 0;
  for (m = 0; m < M; m += 2)
    for (g = 0; g < Kp; g += 4)
      for (r = 0; r < 2; ++r)
        for (i = 0; i < 4; i += 2) {
          const int32_t row = m + r, k = g + i;
          const int32_t v0 = row < M && k < K ? w[row * K + k] : 0, v1 = row < M && k + 1 < K ? w[row * K + k + 1] : 0;
          wpk[n++] = (int32_t)(((uint32_t)v0 & 0xffffu) | (uint32_t)v1 << 16);
        }
}
/* conv_s16_dsp (conv_s8_dsp's): channel pairs, per 4-tap group one word per
   channel, bytes w0 w2 w1 w3. */
static void pack_conv_w8(int32_t M, int32_t K) {
  const int32_t Kp = (K + 3) & ~3;
  static const int32_t order[4] = {0, 2, 1, 3};
  int32_t m, g, r, i, n = 0;
  for (m = 0; m < M; m += 2)
    for (g = 0; g < Kp; g += 4)
      for (r = 0; r < 2; ++r) {
        uint32_t word = 0;
        for (i = 0; i < 4; ++i) {
          const int32_t row = m + r, k = g + order[i];
          word |= (uint32_t)(uint8_t)(row < M && k < K ? w[row * K + k] : 0) << (8 * i);
        }
        wpk[n++] = (int32_t)word;
      }
}
/* fully_connected_s16_dsp_w16: channel quads, per 4-tap group and channel the
   int16 pairs (w0,w1) (w2,w3). */
static void pack_fc_w16(int32_t N, int32_t K) {
  const int32_t Kp = (K + 3) & ~3;
  int32_t n0, g, c, i, n = 0;
  for (n0 = 0; n0 < N; n0 += 4)
    for (g = 0; g < Kp; g += 4)
      for (c = n0; c < n0 + 4; ++c)
        for (i = 0; i < 4; i += 2) {
          const int32_t v0 = c < N && g + i < K ? w[c * K + g + i] : 0,
                        v1 = c < N && g + i + 1 < K ? w[c * K + g + i + 1] : 0;
          wpk[n++] = (int32_t)(((uint32_t)v0 & 0xffffu) | (uint32_t)v1 << 16);
        }
}
static void window_taps(int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t dh, int32_t dw) {
  int32_t c, i, j, k = 0;
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = c * H * W + i * dh * W + j * dw;
  while (k & 3)
    taps[k++] = 0;
}

/* --- Random data --------------------------------------------------------- */

/* kind 0: uniform; 1: the extremes (-32768 / -128 and the maxima); 2: small. */
static int16_t rnd_x(int kind) {
  return (int16_t)(kind == 1 ? (rnd(0, 3) ? -32768 : 32767) : kind == 2 ? rnd(-300, 300) : rnd(-32768, 32767));
}
static int8_t rnd_w(int kind) { return (int8_t)(kind == 1 ? (rnd(0, 3) ? -128 : 127) : rnd(-128, 127)); }
static void random_requant(int32_t M, int t) {
  int32_t m;
  for (m = 0; m < M; ++m) {
    bias[m] = t % 5 == 0 ? 0 : rnd64(-((int64_t)1 << 38), (int64_t)1 << 38);
    mult[m] = t % 7 == 0 ? rnd(0x7FFF0000, 0x7fffffff) : rnd(1 << 30, 0x7fffffff);
    shift[m] = rnd(-31, t % 3 ? -8 : 7);
  }
}

static int check(const char *what, const int16_t *a, const int16_t *b, int32_t n, int t) {
  int32_t i;
  for (i = 0; i < n; ++i)
    if (a[i] != b[i]) {
      printf("MISMATCH %s (case %d) at %ld: %d vs %d\n", what, t, (long)i, a[i], b[i]);
      return 1;
    }
  return 0;
}

static int conv_cases(int *cases) {
  int bad = 0, t;
  for (t = 0; t < 400; ++t) {
    const int32_t kind = t % 4, data = t % 3; /* 0, 3: dense; 1: depthwise; 2: two groups */
    int32_t N = rnd(1, 2), C = rnd(1, 9), M, KH = rnd(1, 3), KW = rnd(1, 3), sh = rnd(1, 2), sw = rnd(1, 2),
            dh = rnd(1, 2), dw = rnd(1, 2), H = rnd(1, 9), Wd = rnd(1, 11), pt = rnd(0, 2), pl = rnd(0, 2),
            pb = rnd(0, 2), pr = rnd(0, 2), groups = 1, OH, OW, i, K, lo = rnd(-32768, 0), hi = rnd(lo, 32767);
    if (kind == 1) {
      groups = M = C;
    } else if (kind == 2) {
      C = 2 * rnd(1, 4), groups = 2, M = 2 * rnd(1, 4);
    } else {
      M = rnd(1, 9);
      if (t % 8 == 3) /* windows over 508 taps: several chunks */
        C = rnd(57, 140), KH = 3, KW = 3, H = rnd(3, 5), Wd = rnd(3, 5), dh = dw = 1, M = rnd(1, 5), N = 1;
      if (t % 8 == 7) /* over 508 input channels: conv2d_s16's int32 runs, several per tap */
        C = rnd(509, 1100), KH = 1, KW = 1, H = rnd(1, 3), Wd = rnd(1, 3), M = rnd(1, 9), N = 1;
    }
    if (t % 4 == 0)
      lo = -32768, hi = 32767;
    pt = pt >= KH ? KH - 1 : pt, pb = pb >= KH ? KH - 1 : pb, pl = pl >= KW ? KW - 1 : pl, pr = pr >= KW ? KW - 1 : pr;
    OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1;
    OW = (Wd + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    K = C / groups * KH * KW;
    if (OH < 1 || OW < 1 || N * C * H * Wd > MAXB || M * K > MAXB || N * M * OH * OW > MAXB)
      continue;
    for (i = 0; i < N * C * H * Wd; ++i)
      x[i] = rnd_x(data);
    for (i = 0; i < M * K; ++i)
      w[i] = rnd_w(data);
    random_requant(M, t);
    ref_conv(N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, lo, hi);
    emlc_conv2d_s16(x, w, bias, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, mult, shift, lo,
                    hi);
    bad += check("conv2d_s16 vs reference", y_ref, y_opt, N * M * OH * OW, t), ++*cases;
    if (groups != 1)
      continue;
    /* the DSP kernels against the portable one */
    window_taps(C, H, Wd, KH, KW, dh, dw);
    pack_conv_w16(M, K);
    emlc_conv_s16_dsp_w16(x, wpk, bias, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, taps, mult,
                          shift, lo, hi);
    bad += check("conv_s16_dsp_w16", y_ref, y_opt, N * M * OH * OW, t), ++*cases;
    pack_conv_w8(M, K);
    emlc_conv_s16_dsp(x, wpk, bias, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, taps, mult,
                      shift, lo, hi);
    bad += check("conv_s16_dsp", y_ref, y_opt, N * M * OH * OW, t), ++*cases;
  }
  return bad;
}

static int fc_cases(int *cases) {
  int bad = 0, t;
  for (t = 0; t < 300; ++t) { /* K up to 1300: several 508-tap chunks; odd K: the tails */
    const int32_t M = rnd(1, 3), K = t % 5 == 4 ? rnd(500, 1300) : rnd(1, 70), N = rnd(1, 9), data = t % 3;
    int32_t i, lo = rnd(-32768, 0), hi = rnd(lo, 32767);
    if (t % 4 == 0)
      lo = -32768, hi = 32767;
    for (i = 0; i < M * K; ++i)
      x[i] = rnd_x(data);
    for (i = 0; i < N * K; ++i)
      w[i] = rnd_w(data);
    random_requant(N, t);
    ref_fc(M, K, N, lo, hi);
    emlc_fully_connected_s16(x, w, bias, y_opt, M, K, N, mult, shift, lo, hi);
    bad += check("fully_connected_s16 vs reference", y_ref, y_opt, M * N, t), ++*cases;
    pack_fc_w16(N, K);
    emlc_fully_connected_s16_dsp_w16(x, wpk, bias, col, y_opt, M, K, N, mult, shift, lo, hi);
    bad += check("fully_connected_s16_dsp_w16", y_ref, y_opt, M * N, t), ++*cases;
    emlc_fully_connected_s16_dsp(x, w, bias, col, y_opt, M, K, N, mult, shift, lo, hi);
    bad += check("fully_connected_s16_dsp", y_ref, y_opt, M * N, t), ++*cases;
  }
  return bad;
}

/* AddElementwise (int16, general scales): the parameters as add.cc prepares
   them are the compiler's business; here any multipliers below one. */
static int add_cases(int *cases) {
  int bad = 0, t;
  for (t = 0; t < 100; ++t) {
    const int32_t n = rnd(1, 300), am = rnd(1 << 30, 0x7fffffff), as = rnd(-15, -1), bm = rnd(1 << 30, 0x7fffffff),
                  bs = rnd(-15, 0), om = rnd(1 << 30, 0x7fffffff), os = rnd(-20, -10);
    int32_t i, lo = rnd(-32768, 0), hi = rnd(lo, 32767);
    if (t % 3 == 0)
      lo = -32768, hi = 32767;
    for (i = 0; i < n; ++i) {
      x[i] = rnd_x(t % 3), x2[i] = rnd_x((t + 1) % 3);
      {
        const int32_t sa = ref_mbqm32(x[i] * (1 << 15), am, as), sb = ref_mbqm32(x2[i] * (1 << 15), bm, bs);
        y_ref[i] = (int16_t)ref_clamp(ref_mbqm32(sa + sb, om, os), lo, hi);
      }
    }
    emlc_add_s16(x, x2, y_opt, n, 0, 0, 0, 15, am, as, bm, bs, om, os, lo, hi);
    bad += check("add_s16 vs reference", y_ref, y_opt, n, t), ++*cases;
  }
  return bad;
}

/* Requantize between int8 and int16 (quantize.cc: multiplier and shift of
   in_scale / out_scale), clamped to the output type's limits. */
static int requantize_cases(int *cases) {
  int bad = 0, t;
  for (t = 0; t < 200; ++t) {
    const int32_t n = rnd(1, 200), m = rnd(1 << 30, 0x7fffffff), to16 = t % 2, zp8 = rnd(-128, 127);
    const int32_t s = to16 ? rnd(0, 12) : rnd(-14, -4); /* int8 -> int16 scales up, int16 -> int8 down */
    int32_t i;
    for (i = 0; i < n; ++i)
      x8[i] = (int8_t)rnd(-128, 127), x[i] = rnd_x(t % 3);
    if (to16) {
      for (i = 0; i < n; ++i)
        y_ref[i] = (int16_t)ref_clamp(ref_mbqm32(x8[i] - zp8, m, s), -32768, 32767);
      emlc_requantize_s8_s16(x8, y_opt, n, zp8, 0, m, s, -32768, 32767);
      bad += check("requantize_s8_s16 vs reference", y_ref, y_opt, n, t), ++*cases;
    } else {
      for (i = 0; i < n; ++i)
        y8_ref[i] = (int8_t)ref_clamp(ref_mbqm32(x[i], m, s) + zp8, -128, 127);
      emlc_requantize_s16_s8(x, y8_opt, n, 0, zp8, m, s, -128, 127);
      for (i = 0; i < n; ++i)
        if (y8_ref[i] != y8_opt[i]) {
          printf("MISMATCH requantize_s16_s8 (case %d) at %ld: %d vs %d\n", t, (long)i, y8_ref[i], y8_opt[i]);
          ++bad;
          break;
        }
      ++*cases;
    }
  }
  return bad;
}

/* AveragePool (int16): window sum over positions inside, rounded division. */
static int pool_cases(int *cases) {
  int bad = 0, t;
  for (t = 0; t < 100; ++t) {
    const int32_t NC = rnd(1, 4), H = rnd(1, 9), W = rnd(1, 9), KH = rnd(1, 3), KW = rnd(1, 3), sh = rnd(1, 2),
                  sw = rnd(1, 2), pt = rnd(0, KH - 1), pl = rnd(0, KW - 1);
    const int32_t OH = (H + 2 * pt - KH) / sh + 1, OW = (W + 2 * pl - KW) / sw + 1;
    int32_t c, oy, ox, fy, fx, i;
    if (OH < 1 || OW < 1)
      continue;
    for (i = 0; i < NC * H * W; ++i)
      x[i] = rnd_x(t % 3);
    for (c = 0; c < NC; ++c)
      for (oy = 0; oy < OH; ++oy)
        for (ox = 0; ox < OW; ++ox) {
          int32_t acc = 0, count = 0;
          for (fy = 0; fy < KH; ++fy)
            for (fx = 0; fx < KW; ++fx) {
              const int32_t iy = oy * sh - pt + fy, ix = ox * sw - pl + fx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                acc += x[(c * H + iy) * W + ix], ++count;
            }
          acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          y_ref[(c * OH + oy) * OW + ox] = (int16_t)ref_clamp(acc, -32768, 32767);
        }
    emlc_avgpool2d_s16(x, y_opt, NC, H, W, OH, OW, KH, KW, sh, sw, 1, 1, pt, pl, -32768, 32767);
    bad += check("avgpool2d_s16 vs reference", y_ref, y_opt, NC * OH * OW, t), ++*cases;
  }
  return bad;
}

/* The float boundary: ONNX QuantizeLinear / DequantizeLinear on int16. */
static int boundary_cases(int *cases) {
  static float f[256], g[256];
  const float scale[1] = {0.0007f};
  const int32_t zp[1] = {0};
  int bad = 0, i;
  for (i = 0; i < 256; ++i)
    f[i] = (float)rnd(-40000, 40000) * 0.0007f * 0.61f + (i == 0 ? 1e9f : 0.0f);
  emlc_quantize_f32_i16(f, y_opt, 1, 1, 256, scale, zp);
  for (i = 0; i < 256; ++i) {
    float r = rintf(f[i] / scale[0]);
    r = r < -32768.0f ? -32768.0f : r > 32767.0f ? 32767.0f : r;
    y_ref[i] = (int16_t)r;
  }
  bad += check("quantize_f32_i16", y_ref, y_opt, 256, 0), ++*cases;
  emlc_dequantize_i16_f32(y_opt, g, 1, 1, 256, scale, zp);
  for (i = 0; i < 256; ++i)
    if (g[i] != (float)y_opt[i] * scale[0]) {
      printf("MISMATCH dequantize_i16_f32 at %d\n", i);
      ++bad;
      break;
    }
  ++*cases;
  return bad;
}

int main(void) {
  int cases = 0, bad = 0;
  bad += conv_cases(&cases);
  bad += fc_cases(&cases);
  bad += add_cases(&cases);
  bad += requantize_cases(&cases);
  bad += pool_cases(&cases);
  bad += boundary_cases(&cases);
  printf("int16 kernels: %d cases, %d mismatches\n", cases, bad);
  return bad;
}
