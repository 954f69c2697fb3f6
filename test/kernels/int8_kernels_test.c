/* Optimized int8 kernels against the portable reference conv2d_s8, on random
   shapes (odd channel counts, strides 1-2, dilations, edge padding, groups),
   random data and requantization parameters. Built and run on the host and,
   by run_kernel_tests.py, under QEMU for MCU targets. Prints one line and
   returns the number of mismatching cases. */
#include <stdio.h>
#include "../../targets/generic/kernels/prelude.h"
#include "../../targets/generic/kernels/int8.c"
#include "../../targets/arm-dsp/kernels/int8_dsp.c"
#include "../../targets/arm-mve/kernels/int8_mve.c"
#include "mve_taps.h"
#include "../../targets/scalar/kernels/int8_scalar.c"
#if defined(__SSE4_1__) /* x86-64 and x86-64-avx2; the AVX2 kernels use its padded copy */
#include "../../targets/x86-sse41/kernels/int8_sse41.c"
#endif
#if defined(__AVX2__)
#include "../../targets/x86-avx2/kernels/int8_avx2.c"
#endif

static uint32_t seed = 12345u;
static int32_t rnd(int32_t lo, int32_t hi) { /* inclusive */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}

#define MAXB 8192
static int8_t x[MAXB], w[MAXB], y_ref[MAXB], y_opt[MAXB];
static int32_t wpk[MAXB / 2 + 512], col[MAXB], taps[MAXB];

/* conv_s8_dsp_w16's layout: channel pairs, per 4-tap group the int16 pairs
   (w0,w1) (w2,w3) of channel m, then those of m+1. */
static void pack_dsp_w16(const int8_t *wm, int32_t M, int32_t K) {
  const int32_t Kp = (K + 3) & ~3;
  int32_t m, g, r, i, n = 0;
  for (m = 0; m < M; m += 2)
    for (g = 0; g < Kp; g += 4)
      for (r = 0; r < 2; ++r)
        for (i = 0; i < 4; i += 2) {
          const int32_t row = m + r, k = g + i;
          const int32_t v0 = row < M && k < K ? wm[row * K + k] : 0,
                        v1 = row < M && k + 1 < K ? wm[row * K + k + 1] : 0;
          wpk[n++] = (int32_t)(((uint32_t)v0 & 0xffffu) | (uint32_t)v1 << 16);
        }
}

/* The DSP conv's tap offsets from the window origin, c*H*W + ky*dh*W +
   kx*dw, padded with 0 to a multiple of 4. */
static void taps_dsp(int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t dh, int32_t dw) {
  int32_t c, i, j, k = 0;
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = c * H * W + i * dh * W + j * dw;
  while (k & 15) /* to 16: the MVE kernels' padding (the DSP ones read up to 4) */
    taps[k++] = 0;
}

/* The MVE kernels' weights: [M][Kp] bytes, K padded to 16 with zeros. */
static void pack_mve(const int8_t *wm, int32_t M, int32_t K) {
  const int32_t Kp = (K + 15) & ~15;
  int32_t m, k;
  for (m = 0; m < M; ++m)
    for (k = 0; k < Kp; ++k)
      ((int8_t *)wpk)[m * Kp + k] = k < K ? wm[m * K + k] : 0;
}

/* conv_s8_mve's: pack_mve's, then per tap (c, ky, kx) its row ky*dh and column kx*dw in the window as
   bytes (Kp of each, 0 for the padding taps). */
static void pack_conv_mve(const int8_t *wm, int32_t M, int32_t C, int32_t KH, int32_t KW, int32_t dh, int32_t dw) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15;
  uint8_t *dy = (uint8_t *)wpk + M * Kp, *dx = dy + Kp;
  int32_t k;
  pack_mve(wm, M, K);
  for (k = 0; k < Kp; ++k) {
    dy[k] = (uint8_t)(k < K ? k / KW % KH * dh : 0);
    dx[k] = (uint8_t)(k < K ? k % KW * dw : 0);
  }
}

/* The DSP conv's weight layout, as NNToKernel packs it (an independent
   statement of it): output channels in pairs (a zero row completing an odd
   count), K padded to a multiple of 4, per 4-tap group a little-endian word
   of channel m then one of m+1, bytes in the order w0 w2 w1 w3. */
static void pack_dsp(const int8_t *wm, int32_t M, int32_t K) {
  const int32_t Kp = (K + 3) & ~3;
  static const int order[4] = {0, 2, 1, 3};
  int32_t m, g, r, i;
  for (m = 0; m < M; m += 2)
    for (g = 0; g < Kp; g += 4)
      for (r = 0; r < 2; ++r)
        for (i = 0; i < 4; ++i) {
          const int32_t row = m + r, k = g + order[i];
          ((uint8_t *)wpk)[(int64_t)m * Kp + 2 * g + 4 * r + i] =
              (uint8_t)(row < M && k < K ? wm[(int64_t)row * K + k] : 0);
        }
}
static int32_t bias[64], bias_eff[64], mult[64], shift[64];
static int16_t w16[MAXB + 64], col16sc[4 * MAXB];

/* conv_s8_scalar: weights as [ceil(M/4)][K][4] int16, taps c*H*W + ky*dh*W + kx*dw (stated here independently). */
static void conv_scalar(int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                        int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                        int32_t in_off, int32_t out_off, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW;
  int32_t c, i, j, k = 0, mb, r;
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = c * H * W + i * dh * W + j * dw;
  for (mb = 0, k = 0; mb < M; mb += 4)
    for (i = 0; i < K; ++i)
      for (r = 0; r < 4; ++r)
        w16[k++] = (int16_t)(mb + r < M ? w[(mb + r) * K + i] : 0);
  emlc_conv_s8_scalar(x, w16, col16sc, y_opt, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                      out_off, bias_eff, mult, shift, lo, hi);
}

#if defined(__SSE4_1__)
static int8_t xend[MAXB], xpad[8 * MAXB];
static int16_t col16[4 * MAXB];
/* conv_s8_avx2 (wide) or conv_s8_sse41 on x (copied to the end of xend:
   reading past it leaves the array), their inputs stated independently of
   the compiler: the padded phase-split copy's geometry (Hp rows of sw phases
   of Wq bytes) and tap offsets (an even count, the extra one 0), or x itself
   for a 1x1 stride-1 unpadded layer; the weights as [ceil(M/4)][ceil(K/2)][4]
   int16 pairs. */
static void conv_x86(int wide, int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW,
                     int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                     int32_t in_off, int32_t out_off, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, K2 = (K + 1) / 2, Hp = (OH - 1) * sh + (KH - 1) * dh + 1, Wq = OW + (KW - 1) * dw / sw;
  const int32_t direct = KH == 1 && KW == 1 && sh == 1 && sw == 1 && !pt && !pl && OH == H && OW == W;
  int8_t *xe = xend + MAXB - N * C * H * W;
  int32_t c, i, j, k = 0, mb, r;
  for (i = 0; i < N * C * H * W; ++i)
    xe[i] = x[i];
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = direct ? c * H * W : ((c * Hp + i * dh) * sw + (j * dw) % sw) * Wq + (j * dw) / sw;
  taps[k] = 0;
  for (mb = 0, k = 0; mb < M; mb += 4)
    for (i = 0; i < K2; ++i)
      for (r = 0; r < 4; ++r) {
        const int32_t m = mb + r, v0 = m < M ? w[m * K + 2 * i] : 0,
                      v1 = m < M && 2 * i + 1 < K ? w[m * K + 2 * i + 1] : 0;
        wpk[k++] = (int32_t)(((uint32_t)v0 & 0xffffu) | (uint32_t)v1 << 16);
      }
#if defined(__AVX2__)
  if (wide) {
    emlc_conv_s8_avx2(xe, wpk, xpad, col16, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps,
                      -in_off, out_off, bias_eff, mult, shift, lo, hi);
    return;
  }
#endif
  (void)wide;
  emlc_conv_s8_sse41(xe, wpk, xpad, col16, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps,
                     -in_off, out_off, bias_eff, mult, shift, lo, hi);
}
#endif

/* The DSP kernels' domain (NNToKernel gives them only such layers): every
   shift <= -1 (and accumulators below 2^30, true of these small shapes). */
static int dsp_domain(int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i)
    if (shift[i] > -1)
      return 0;
  return 1;
}

static int check(const char *what, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i)
    if (y_ref[i] != y_opt[i]) {
      printf("MISMATCH %s at %ld: %d vs %d\n", what, (long)i, y_ref[i], y_opt[i]);
      return 1;
    }
  return 0;
}

/* The vector requantizations' test values: lane l of case t, the extremes first, then random ones of every
   magnitude; the multiplier of case t (its extremes every fifth); a case whose lanes differ from TFLite's. */
static int32_t requant_test_value(int32_t t, int32_t l) {
  static const int32_t extremes[] = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 1 << 30};
  return t < 8 ? extremes[(t + l) % 8] : (int32_t)(rnd(0, 0xffffff) * 256 + rnd(0, 255)) - (l & 1) * rnd(0, 1 << 30);
}
static int32_t requant_test_mult(int32_t t) {
  return t % 5 ? rnd(1 << 30, 0x7fffffff) : (t % 2 ? 0x7fffffff : 1 << 30);
}
static int requant_lanes_bad(const char *what, const int32_t *v, const int32_t *got, int32_t n, int32_t mlt,
                             int32_t sft) {
  int32_t l;
  for (l = 0; l < n; ++l)
    if (got[l] != emlc_requantize(v[l], mlt, sft)) {
      printf("MISMATCH %s(%ld, %ld, %ld): %ld vs %ld\n", what, (long)v[l], (long)mlt, (long)sft, (long)got[l],
             (long)emlc_requantize(v[l], mlt, sft));
      return 1;
    }
  return 0;
}

/* conv_s8_mve on planes past the 16-bit paths: 17 channels of 64 x 64 (the largest tap offset 65666: the
   int32 table, four taps a gather and the 32-bit border checks) and one channel of 33000 x 2 (uint16 offsets,
   but border checks that would wrap in 16-bit lanes: one tap at a time). */
static int8_t big_x[17 * 64 * 64], big_ref[33000 * 2], big_opt[33000 * 2];
static int big_plane_cases(int *cases) {
  static const int32_t shapes[2][5] = {{17, 64, 64, 3, 2}, {1, 33000, 2, 1, 1}}; /* C H W M stride */
  int bad = 0, s;
  for (s = 0; s < 2; ++s) {
    const int32_t C = shapes[s][0], H = shapes[s][1], Wd = shapes[s][2], M = shapes[s][3], st = shapes[s][4];
    const int32_t OH = (H - 1) / st + 1, OW = (Wd - 1) / st + 1, in_off = rnd(-127, 128), out_off = rnd(-128, 127);
    int32_t i, m;
    for (i = 0; i < C * H * Wd; ++i)
      big_x[i] = (int8_t)rnd(-128, 127);
    for (i = 0; i < M * C * 9; ++i)
      w[i] = (int8_t)rnd(-127, 127);
    for (m = 0; m < M; ++m) {
      int32_t sum = 0;
      bias[m] = rnd(-5000, 5000), mult[m] = rnd(1 << 30, 0x7fffffff), shift[m] = rnd(-12, -1);
      for (i = 0; i < C * 9; ++i)
        sum += w[m * C * 9 + i];
      bias_eff[m] = bias[m] + in_off * sum;
    }
    emlc_conv2d_s8(big_x, w, bias, big_ref, 1, C, H, Wd, M, 3, 3, OH, OW, st, st, 1, 1, 1, 1, 1, in_off, out_off, mult,
                   shift, -128, 127);
    pack_conv_mve(w, M, C, 3, 3, 1, 1);
    taps_dsp(C, H, Wd, 3, 3, 1, 1);
    taps_to_mve_form(taps, C * 9);
    emlc_conv_s8_mve(big_x, wpk, col, big_opt, 1, C, H, Wd, M, 3, 3, OH, OW, st, st, 1, 1, 1, 1, -in_off, taps, out_off,
                     bias_eff, mult, shift, -128, 127);
    ++*cases;
    for (i = 0; i < M * OH * OW; ++i)
      if (big_ref[i] != big_opt[i]) {
        printf("MISMATCH conv_s8_mve %ldx%ldx%ld at %ld: %d vs %d\n", (long)C, (long)H, (long)Wd, (long)i, big_ref[i],
               big_opt[i]);
        ++bad;
        break;
      }
  }
  return bad;
}

int main(void) {
  int cases = 0, bad = 0, t;
  for (t = 0; t < 300; ++t) {
    const int32_t N = rnd(1, 2), groups_kind = rnd(0, 2); /* 0: dense, 1: depthwise, 2: 2 groups */
    int32_t C = rnd(1, 9), M, KH = rnd(1, 3), KW = rnd(1, 3), sh = rnd(1, 2), sw = rnd(1, 2), dh = rnd(1, 2),
            dw = rnd(1, 2), H = rnd(1, 9), Wd = rnd(1, 11), pt = rnd(0, 2), pl = rnd(0, 2), pb = rnd(0, 2),
            pr = rnd(0, 2), groups = 1, OH, OW, i, m, cg, in_off = rnd(-127, 128), out_off = rnd(-128, 127), lo, hi;
    if (groups_kind == 1) {
      groups = C;
      M = C;
      KH = KW = 3;
      dh = dw = 1;
    } else if (groups_kind == 2) {
      C = 2 * rnd(1, 4);
      groups = 2;
      M = 2 * rnd(1, 4);
    } else {
      M = rnd(1, 9);
    }
    if (pt >= KH)
      pt = KH - 1;
    if (pb >= KH)
      pb = KH - 1;
    if (pl >= KW)
      pl = KW - 1;
    if (pr >= KW)
      pr = KW - 1;
    OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1;
    OW = (Wd + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    if (OH < 1 || OW < 1)
      continue;
    cg = C / groups;
    for (i = 0; i < N * C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    for (i = 0; i < M * cg * KH * KW; ++i)
      w[i] = (int8_t)rnd(-127, 127);
    lo = rnd(-128, 0), hi = rnd(lo, 127);
    if (t % 3 == 0) /* the whole int8 range (no activation; ReLU at zero point -128): the SSAT path */
      lo = -128, hi = 127;
    for (m = 0; m < M; ++m) {
      int32_t s = 0;
      bias[m] = rnd(-5000, 5000);
      mult[m] = rnd(1 << 30, 0x7fffffff);
      shift[m] = rnd(-12, t % 3 ? -1 : 1);
      for (i = 0; i < cg * KH * KW; ++i)
        s += w[m * cg * KH * KW + i];
      bias_eff[m] = bias[m] + in_off * s;
    }
    emlc_conv2d_s8(x, w, bias, y_ref, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, in_off, out_off,
                   mult, shift, lo, hi);
    emlc_conv2d_s8_folded(x, w, bias, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, in_off,
                          out_off, bias_eff, mult, shift, lo, hi);
    bad += check("conv2d_s8_folded", N * M * OH * OW), ++cases;
    if (groups == 1 && dsp_domain(M)) {
      pack_dsp(w, M, C * KH * KW);
      taps_dsp(C, H, Wd, KH, KW, dh, dw);
      emlc_conv_s8_dsp(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                       out_off, bias_eff, mult, shift, lo, hi);
      bad += check("conv_s8_dsp", N * M * OH * OW), ++cases;
      pack_dsp_w16(w, M, C * KH * KW);
      emlc_conv_s8_dsp_w16(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                           out_off, bias_eff, mult, shift, lo, hi);
      bad += check("conv_s8_dsp_w16", N * M * OH * OW), ++cases;
      pack_conv_mve(w, M, C, KH, KW, dh, dw);
      taps_to_mve_form(taps, C * KH * KW);
      emlc_conv_s8_mve(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                       out_off, bias_eff, mult, shift, lo, hi);
      bad += check("conv_s8_mve", N * M * OH * OW), ++cases;
    }
    if (groups == 1) { /* TFLite's tables, any shift (a third of the cases has shifts up to 1) */
      taps_dsp(C, H, Wd, KH, KW, dh, dw);
      taps_to_mve_form(taps, C * KH * KW);
      pack_conv_mve(w, M, C, KH, KW, dh, dw);
      emlc_conv_s8_mve_exact(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                             out_off, bias_eff, mult, shift, 1, lo, hi);
      bad += check("conv_s8_mve_exact", N * M * OH * OW), ++cases;
    }
    if (groups == 1) {
      conv_scalar(N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, in_off, out_off, lo, hi);
      bad += check("conv_s8_scalar", N * M * OH * OW), ++cases;
    }
#if defined(__SSE4_1__)
    if (groups == 1) {
      conv_x86(0, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, in_off, out_off, lo, hi);
      bad += check("conv_s8_sse41", N * M * OH * OW), ++cases;
    }
#endif
#if defined(__AVX2__)
    if (groups == 1) {
      conv_x86(1, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, in_off, out_off, lo, hi);
      bad += check("conv_s8_avx2", N * M * OH * OW), ++cases;
    }
#endif
    if (groups == 1 && KH == 1 && KW == 1 && sh == 1 && sw == 1 && !pt && !pl && !pb && !pr) {
      emlc_conv1x1_s8(x, w, y_opt, N, C, H * Wd, M, bias_eff, out_off, mult, shift, lo, hi);
      bad += check("conv1x1_s8", N * M * OH * OW), ++cases;
    }
    if (groups_kind == 1) {
      emlc_dwconv3x3_s8(x, w, bias, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, in_off, out_off, bias_eff, mult, shift,
                        lo, hi);
      bad += check("dwconv3x3_s8", N * M * OH * OW), ++cases;
      emlc_dwconv3x3_s8_scalar(x, w, (int8_t *)col16sc, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off, out_off,
                               bias_eff, mult, shift, lo, hi);
      bad += check("dwconv3x3_s8_scalar", N * M * OH * OW), ++cases;
#if defined(__SSE4_1__)
      for (i = 0; i < N * C * H * Wd; ++i) /* the input at the end of xend: reads past it leave the array */
        xend[MAXB - N * C * H * Wd + i] = x[i];
      emlc_dwconv3x3_s8_sse41(xend + MAXB - N * C * H * Wd, w, xpad, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl,
                              -in_off, out_off, bias_eff, mult, shift, lo, hi);
      bad += check("dwconv3x3_s8_sse41", N * M * OH * OW), ++cases;
#endif
#if defined(__AVX2__)
      emlc_dwconv3x3_s8_avx2(xend + MAXB - N * C * H * Wd, w, xpad, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                             out_off, bias_eff, mult, shift, lo, hi);
      bad += check("dwconv3x3_s8_avx2", N * M * OH * OW), ++cases;
#endif
      if (dsp_domain(M))
        emlc_dwconv3x3_s8_dsp(x, w, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off, out_off,
                              bias_eff, mult, shift, lo, hi);
      if (dsp_domain(M))
        bad += check("dwconv3x3_s8_dsp", N * M * OH * OW), ++cases;
      if (2 * ((OW - 1) * sw + 3) + 2 < 256) { /* plane rows short enough for byte offsets; TFLite tables, any shift */
        emlc_dwconv3x3_s8_mve(x, w, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off, out_off,
                              bias_eff, mult, shift, lo, hi);
        bad += check("dwconv3x3_s8_mve", N * M * OH * OW), ++cases;
      }
    }
  }
  /* First-layer shapes (conv_s8_mve's paths: K <= 16 with the columns in registers, byte-offset gathers of
     one small input channel, 4-tap gathers of wider ones): 1 to 3 input channels, larger planes, output
     channel counts not multiples of 4, pixel counts not multiples of 4, strides, dilations, padding. */
  for (t = 0; t < 60; ++t) {
    const int32_t N = rnd(1, 2), C = t % 4 == 3 ? 3 : rnd(1, 2), M = rnd(1, 11), KH = t % 5 ? 3 : rnd(1, 5),
                  KW = t % 5 ? 3 : rnd(1, 5), sh = rnd(1, 2), sw = rnd(1, 2), dh = t % 7 ? 1 : 2, dw = t % 6 ? 1 : 2,
                  H = rnd(KH * dh, 24), Wd = rnd(KW * dw, t % 8 ? 24 : 120 / C), in_off = rnd(-127, 128),
                  out_off = rnd(-128, 127), lo = t % 3 ? rnd(-128, 0) : -128, hi = t % 3 ? rnd(lo, 127) : 127;
    const int32_t pt = rnd(0, KH - 1), pl = rnd(0, KW - 1), pb = rnd(0, KH - 1), pr = rnd(0, KW - 1),
                  OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1, OW = (Wd + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    int32_t i, m;
    if (N * C * H * Wd > MAXB || N * M * OH * OW > MAXB)
      continue;
    for (i = 0; i < N * C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    for (i = 0; i < M * C * KH * KW; ++i)
      w[i] = (int8_t)rnd(-127, 127);
    for (m = 0; m < M; ++m) {
      int32_t s = 0;
      bias[m] = rnd(-5000, 5000), mult[m] = rnd(1 << 30, 0x7fffffff), shift[m] = rnd(-12, -1);
      for (i = 0; i < C * KH * KW; ++i)
        s += w[m * C * KH * KW + i];
      bias_eff[m] = bias[m] + in_off * s;
    }
    emlc_conv2d_s8(x, w, bias, y_ref, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, 1, in_off, out_off, mult,
                   shift, lo, hi);
    pack_conv_mve(w, M, C, KH, KW, dh, dw);
    taps_dsp(C, H, Wd, KH, KW, dh, dw);
    taps_to_mve_form(taps, C * KH * KW);
    for (i = 0; i < N * M * OH * OW + 8; ++i)
      y_opt[i] = 0x5a; /* stores past the output are caught below */
    emlc_conv_s8_mve(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps, out_off,
                     bias_eff, mult, shift, lo, hi);
    bad += check("conv_s8_mve first layer", N * M * OH * OW), ++cases;
    for (i = N * M * OH * OW; i < N * M * OH * OW + 8; ++i)
      if (y_opt[i] != 0x5a) {
        printf("MISMATCH conv_s8_mve first layer: wrote past the output at %ld\n", (long)i);
        ++bad;
        break;
      }
  }
  /* conv_s8_mve's vector requantization against TFLite's on the DSP domain (|acc| < 2^30, shift <= -1),
     with its extremes, and its predicated store of 1 to 4 outputs; with `exact` on any accumulator and shift. */
  for (t = 0; t < 10000; ++t) {
    /* odd t from 16: `exact` (TFLite's tables, conv_s8_mve_exact): any accumulator, shifts -31..3 */
    const int32_t exact = t >= 16 && t % 2;
    const int32_t cnt = rnd(1, 4), mlt = t < 16 ? 0x7fffffff - (t & 1) : rnd(1 << 30, 0x7fffffff),
                  sft = t < 16  ? -1 - (t >> 1) % 2 * 30
                        : exact ? rnd(-31, 3)
                                : rnd(-31, -1),
                  oo = rnd(-128, 127), lo = t % 3 ? rnd(-128, 0) : -128, hi = t % 3 ? rnd(lo, 127) : 127;
    int32_t a[4], j;
    int8_t out[8];
    for (j = 0; j < 4; ++j)
      a[j] = t < 16  ? (t & 4 ? -1 : 1) * ((1 << 30) - 1 - j)
             : exact ? (int32_t)(rnd(0, 0xffffff) * 256 + rnd(0, 255)) - (t & 2 ? rnd(0, 1 << 30) : 0)
                     : rnd(-(1 << 30) + 1, (1 << 30) - 1);
    for (j = 0; j < 8; ++j)
      out[j] = 0x5a;
    emlc_store4_s8_mve(out + 2, cnt, a[0], a[1], a[2], a[3], mlt, sft, exact, oo, lo, hi);
    for (j = 0; j < 8; ++j) {
      int32_t e = 0x5a;
      if (j >= 2 && j < 2 + cnt) {
        e = emlc_requantize(a[j - 2], mlt, sft) + oo;
        e = EMLC_CLAMP(e, lo, hi);
      }
      if (out[j] != (int8_t)e) {
        printf("MISMATCH store4_s8_mve(%ld, %ld, %ld) lane %d: %d vs %d\n", (long)a[j < 2 ? 0 : (j - 2) & 3], (long)mlt,
               (long)sft, (int)j, out[j], (int8_t)e);
        ++bad;
        break;
      }
    }
    ++cases;
  }
  /* Pointwise shapes are rare above: a dedicated sweep. */
  for (t = 0; t < 60; ++t) {
    const int32_t N = rnd(1, 2), C = rnd(1, 17), M = rnd(1, 9), P = rnd(1, 23), in_off = rnd(-127, 128),
                  out_off = rnd(-128, 127);
    int32_t i, m;
    for (i = 0; i < N * C * P; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    for (i = 0; i < M * C; ++i)
      w[i] = (int8_t)rnd(-127, 127);
    for (m = 0; m < M; ++m) {
      int32_t s = 0;
      bias[m] = rnd(-5000, 5000), mult[m] = rnd(1 << 30, 0x7fffffff), shift[m] = rnd(-12, t % 3 ? -1 : 1);
      for (i = 0; i < C; ++i)
        s += w[m * C + i];
      bias_eff[m] = bias[m] + in_off * s;
    }
    emlc_conv2d_s8(x, w, bias, y_ref, N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, 1, in_off, out_off, mult, shift,
                   -128, 127);
    emlc_conv1x1_s8(x, w, y_opt, N, C, P, M, bias_eff, out_off, mult, shift, -128, 127);
    bad += check("conv1x1_s8", N * M * P), ++cases;
    conv_scalar(N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, in_off, out_off, -128, 127);
    bad += check("conv_s8_scalar 1x1", N * M * P), ++cases;
#if defined(__SSE4_1__)
    conv_x86(0, N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, in_off, out_off, -128, 127);
    bad += check("conv_s8_sse41 1x1", N * M * P), ++cases;
#endif
#if defined(__AVX2__)
    conv_x86(1, N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, in_off, out_off, -128, 127);
    bad += check("conv_s8_avx2 1x1", N * M * P), ++cases;
#endif
    if (!dsp_domain(M))
      continue;
    pack_dsp(w, M, C);
    taps_dsp(C, 1, P, 1, 1, 1, 1);
    emlc_conv_s8_dsp(x, wpk, col, y_opt, N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, -in_off, taps, out_off, bias_eff,
                     mult, shift, -128, 127);
    bad += check("conv_s8_dsp 1x1", N * M * P), ++cases;
    pack_dsp_w16(w, M, C);
    emlc_conv_s8_dsp_w16(x, wpk, col, y_opt, N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, -in_off, taps, out_off,
                         bias_eff, mult, shift, -128, 127);
    bad += check("conv_s8_dsp_w16 1x1", N * M * P), ++cases;
    pack_conv_mve(w, M, C, 1, 1, 1, 1);
    taps_to_mve_form(taps, C);
    emlc_conv_s8_mve(x, wpk, col, y_opt, N, C, 1, P, M, 1, 1, 1, P, 1, 1, 1, 1, 0, 0, -in_off, taps, out_off, bias_eff,
                     mult, shift, -128, 127);
    bad += check("conv_s8_mve 1x1", N * M * P), ++cases;
  }
  /* Fully connected: the DSP variants against the portable kernel. */
  for (t = 0; t < 80; ++t) {
    const int32_t M = rnd(1, 3), K = rnd(1, 70), N = rnd(1, 13), in_off = rnd(-127, 128), out_off = rnd(-128, 127);
    const int32_t lo = t % 3 ? rnd(-128, 0) : -128, hi = t % 3 ? rnd(lo, 127) : 127, Kp = (K + 3) & ~3;
    int32_t i, m, n, g, c, np = 0;
    for (i = 0; i < M * K; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    for (i = 0; i < N * K; ++i)
      w[i] = (int8_t)rnd(-127, 127);
    for (n = 0; n < N; ++n) {
      int32_t s = 0;
      bias[n] = rnd(-5000, 5000), mult[n] = rnd(1 << 30, 0x7fffffff), shift[n] = rnd(-12, t % 3 ? -1 : 1);
      for (i = 0; i < K; ++i)
        s += w[n * K + i];
      bias_eff[n] = bias[n] + in_off * s;
    }
    emlc_fully_connected_s8(x, w, bias, y_ref, M, K, N, in_off, out_off, mult, shift, lo, hi);
    emlc_fully_connected_s8_scalar(x, w, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
    bad += check("fully_connected_s8_scalar", M * N), ++cases;
#if defined(__SSE4_1__)
    emlc_fully_connected_s8_sse41(x, w, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
    bad += check("fully_connected_s8_sse41", M * N), ++cases;
#endif
#if defined(__AVX2__)
    emlc_fully_connected_s8_avx2(x, w, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
    bad += check("fully_connected_s8_avx2", M * N), ++cases;
#endif
    if (!dsp_domain(N))
      continue;
    emlc_fully_connected_s8_dsp(x, w, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
    bad += check("fully_connected_s8_dsp", M * N), ++cases;
    /* fully_connected_s8_dsp_w16's layout: channel quads, per 4-tap group and
       channel the int16 pairs (w0,w2) (w1,w3). */
    for (n = 0; n < N; n += 4)
      for (g = 0; g < Kp; g += 4)
        for (c = n; c < n + 4; ++c)
          for (i = 0; i < 2; ++i) {
            const int32_t v0 = c < N && g + i < K ? w[c * K + g + i] : 0;
            const int32_t v1 = c < N && g + i + 2 < K ? w[c * K + g + i + 2] : 0;
            wpk[np++] = (int32_t)(((uint32_t)v0 & 0xffffu) | (uint32_t)v1 << 16);
          }
    (void)m;
    emlc_fully_connected_s8_dsp_w16(x, wpk, col, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
    bad += check("fully_connected_s8_dsp_w16", M * N), ++cases;
    pack_mve(w, N, K);
    emlc_fully_connected_s8_mve(x, wpk, col, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
    bad += check("fully_connected_s8_mve", M * N), ++cases;
  }
  /* The fast requantization equals TFLite's on random and extreme values. */
  for (t = 0; t < 20000; ++t) {
    static const int32_t extremes[] = {
        0, 1, -1, 2, -2, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 1 << 30, -(1 << 30)};
    const int32_t v =
        t < 11 * 11 ? extremes[t % 11] : (int32_t)(rnd(0, 0xffffff) * 256 + rnd(0, 255)) - (t & 1) * rnd(0, 1 << 30);
    const int32_t mlt = t < 11 * 11 ? (t / 11 < 6 ? (1 << 30) : 0x7fffffff) : rnd(1 << 30, 0x7fffffff);
    const int32_t sft = t < 11 * 11 ? (t / 11) % 6 * 6 - 31 + (t / 11 >= 6) : rnd(-31, 7);
    {
      EMLC_SCALAR_SPLIT(sft, left, right, mask);
      if (emlc_requantize(v, mlt, sft) != emlc_requant_scalar(v, mlt, left, right, mask)) {
        printf("MISMATCH requant_scalar(%ld, %ld, %ld)\n", (long)v, (long)mlt, (long)sft);
        ++bad;
      }
    }
    if (emlc_requantize(v, mlt, sft) != emlc_requantize_fast(v, mlt, sft)) {
      printf("MISMATCH requantize_fast(%ld, %ld, %ld): %ld vs %ld\n", (long)v, (long)mlt, (long)sft,
             (long)emlc_requantize(v, mlt, sft), (long)emlc_requantize_fast(v, mlt, sft));
      ++bad;
    }
    ++cases;
  }
  /* Add: the vector kernels against the portable one (random scales as NNToKernel derives them: shifts <= 0,
     0 included: the larger input's multiplier is 0.5 x 2^0). */
  for (t = 0; t < 200; ++t) {
    const int32_t n = rnd(1, 70), ls = rnd(0, 20), ma = rnd(1 << 30, 0x7fffffff), sa = rnd(-31, 0),
                  mb = rnd(1 << 30, 0x7fffffff), sb = rnd(-31, 0), mo = rnd(1 << 30, 0x7fffffff), so = rnd(-31, 0),
                  ao = rnd(-127, 128), bo = rnd(-127, 128), oo = rnd(-128, 127), lo = rnd(-128, 0), hi = rnd(lo, 127);
    int8_t *a = x + MAXB - n, *b = w; /* a at the end of x: reads past it leave the array */
    int32_t i;
    for (i = 0; i < n; ++i)
      a[i] = (int8_t)rnd(-128, 127), b[i] = (int8_t)rnd(-128, 127);
    emlc_add_s8(a, b, y_ref, n, ao, bo, oo, ls, ma, sa, mb, sb, mo, so, lo, hi);
    emlc_add_s8_mve(a, b, y_opt, n, ao, bo, oo, ls, ma, sa, mb, sb, mo, so, lo, hi);
    bad += check("add_s8_mve", n), ++cases;
#if defined(__SSE4_1__)
    emlc_add_s8_sse41(a, b, y_opt, n, ao, bo, oo, ls, ma, sa, mb, sb, mo, so, lo, hi);
    bad += check("add_s8_sse41", n), ++cases;
#endif
#if defined(__AVX2__)
    emlc_add_s8_avx2(a, b, y_opt, n, ao, bo, oo, ls, ma, sa, mb, sb, mo, so, lo, hi);
    bad += check("add_s8_avx2", n), ++cases;
#endif
  }
  /* Mean of rows (global average pooling): the Helium kernel against the portable one, rows of 1-300 values
     (whole 16-value chunks, a predicated tail, both, neither), random clamps; a fifth of the cases all -128 or
     all 127 (the largest sums, rounding on the clamp). The data at the end of x: reads past it leave the array. */
  for (t = 0; t < 300; ++t) {
    const int32_t outer = rnd(1, 8), inner = t < 40 ? t % 20 + 1 + t / 20 * 16 : rnd(1, 300),
                  lo = t % 3 ? -128 : rnd(-128, 0), hi = t % 3 ? 127 : rnd(lo, 127), fill = t % 5;
    int8_t *a = x + MAXB - outer * inner;
    int32_t i;
    for (i = 0; i < outer * inner; ++i)
      a[i] = fill == 1 ? -128 : fill == 2 ? 127 : (int8_t)rnd(-128, 127);
    emlc_reduce_mean_s8(a, y_ref, outer, inner, lo, hi);
    emlc_reduce_mean_s8_mve(a, y_opt, outer, inner, lo, hi);
    bad += check("reduce_mean_s8_mve", outer), ++cases;
  }
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  /* add_s8_mve's lane-wise requantization equals TFLite's on random and extreme values, shifts <= 0 (0 in a
     quarter of the cases: it must not round there). */
  for (t = 0; t < 4000; ++t) {
    const int32_t mlt = requant_test_mult(t), sft = t % 4 ? rnd(-31, 0) : 0;
    int32_t v[4], got[4], l;
    for (l = 0; l < 4; ++l)
      v[l] = requant_test_value(t, l);
    vstrwq_s32(got, emlc_requant_right_mve(vldrwq_s32(v), mlt, -sft, sft < 0 ? -1 : 0));
    bad += requant_lanes_bad("requant_right_mve", v, got, 4, mlt, sft), ++cases;
  }
#endif
#if defined(__AVX2__)
  /* The 8-lane requantization equals TFLite's on random and extreme values. */
  for (t = 0; t < 4000; ++t) {
    const int32_t mlt = requant_test_mult(t), sft = rnd(-31, 7);
    int32_t v[8], got[8], l;
    for (l = 0; l < 8; ++l)
      v[l] = requant_test_value(t, l);
    _mm256_storeu_si256((__m256i *)(void *)got,
                        emlc_requant8(_mm256_loadu_si256((const __m256i *)(const void *)v), mlt, sft));
    bad += requant_lanes_bad("requant8", v, got, 8, mlt, sft), ++cases;
  }
#endif
#if defined(__SSE4_1__)
  /* The 4-lane requantization equals TFLite's on random and extreme values. */
  for (t = 0; t < 4000; ++t) {
    static const int32_t extremes[] = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 1 << 30};
    const int32_t mlt = t % 5 ? rnd(1 << 30, 0x7fffffff) : (t % 2 ? 0x7fffffff : 1 << 30), sft = rnd(-31, 7);
    int32_t v[4], got[4], l;
    for (l = 0; l < 4; ++l)
      v[l] =
          t < 8 ? extremes[(t + l) % 8] : (int32_t)(rnd(0, 0xffffff) * 256 + rnd(0, 255)) - (l & 1) * rnd(0, 1 << 30);
    _mm_storeu_si128((__m128i *)(void *)got,
                     emlc_requant4(_mm_loadu_si128((const __m128i *)(const void *)v), mlt, sft));
    for (l = 0; l < 4; ++l)
      if (got[l] != emlc_requantize(v[l], mlt, sft)) {
        printf("MISMATCH requant4(%ld, %ld, %ld): %ld vs %ld\n", (long)v[l], (long)mlt, (long)sft, (long)got[l],
               (long)emlc_requantize(v[l], mlt, sft));
        ++bad;
        break;
      }
    ++cases;
  }
#endif
  /* The DSP requantization equals TFLite's on its domain (|x| < 2^30, shift <= -1). */
  for (t = 0; t < 20000; ++t) {
    const int32_t v = t < 8 ? ((t & 1) ? -1 : 1) * ((1 << 30) - 1 - (t >> 1)) : rnd(-(1 << 30) + 1, (1 << 30) - 1);
    const int32_t mlt = t < 4 ? 0x7fffffff : rnd(1 << 30, 0x7fffffff), sft = t < 8 ? -1 - (t & 3) * 10 : rnd(-31, -1);
    if (emlc_requantize(v, mlt, sft) != emlc_requantize_dsp(v, mlt, -sft, 1 << (-sft - 1))) {
      printf("MISMATCH requantize_dsp(%ld, %ld, %ld)\n", (long)v, (long)mlt, (long)sft);
      ++bad;
    }
    ++cases;
  }
  bad += big_plane_cases(&cases);
  printf("int8 kernels: %d cases, %d mismatches\n", cases, bad);
  return bad != 0;
}
