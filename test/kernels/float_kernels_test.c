/* Blocked float kernels (targets/x86-avx2) against the portable conv2d_f32
   and fully_connected_f32, on random shapes: odd channel counts (M not a
   multiple of 4), strides 1-3, dilations, edge padding on every side, 1x1
   direct convolutions, depthwise layers, rows shorter and longer than a
   vector. Built and run by run_kernel_tests.py; prints one line and returns
   the number of mismatching cases (error above 1.6e-4 x (1 + |reference|):
   the kernels sum in another order, with fused multiply-adds). */
#include <stdio.h>
#include "../../targets/generic/kernels/prelude.h"
#include "../../targets/generic/kernels/conv.c"
#include "../../targets/generic/kernels/matmul.c"
#include "../../targets/generic/kernels/elementwise.c"
#include "../../targets/generic/kernels/reduce.c"
#include "../../targets/generic/kernels/quantize.c"
#include "../../targets/scalar/kernels/float_fpu.c"
#include "../../targets/arm-mve/kernels/float_mve.c" /* Helium on Cortex-M55, its plain-C stand-ins elsewhere */
#if defined(__SSE4_1__)
#include "../../targets/x86-sse41/kernels/float_sse41.c"
#endif
#if defined(__AVX2__)
#include "../../targets/x86-avx2/kernels/float_avx2.c"
#endif

static uint32_t seed = 777u;
static int32_t rnd(int32_t lo, int32_t hi) { /* inclusive */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}
static float frnd(void) { return (float)rnd(-1000, 1000) / 1000.0f; }

#if defined(__AVX2__)
#define MAXF 65536
#else /* MCU targets under QEMU: 4 MB of RAM */
#define MAXF 16384
#endif
static float x[MAXF], w[MAXF], wp[MAXF + 4096], bias[256], y_ref[MAXF], y_opt[MAXF], xp[8 * MAXF];
static int32_t taps[MAXF];
#if defined(__AVX2__)
static float xc8[MAXF], yc8[MAXF];
/* NCHW <-> the channel-interleaved layout of the AVX2 kernels' il bits, [N][C/8][H*W][8] (C a multiple of 8). */
static void interleave(const float *src, float *dst, int32_t N, int32_t C, int32_t HW, int32_t back) {
  int32_t n, c, q;
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c)
      for (q = 0; q < HW; ++q) {
        const int64_t planar = ((int64_t)n * C + c) * HW + q, il = ((int64_t)n * C + c / 8 * 8) * HW + q * 8 + c % 8;
        if (back)
          dst[planar] = src[il];
        else
          dst[il] = src[planar];
      }
}
/* The Winograd kernels' weights from w ([M][C][3][3]), stated independently of the compiler: U = G g G^T
   (G: n x 3) as [n*n][ceil(M/4)][C][4] in wp, zero rows completing M. */
static void winograd_weights(int32_t n, const double *G, int32_t M, int32_t C) {
  const int32_t Mp = (M + 3) / 4 * 4;
  int32_t m, c, a, b, i, k;
  memset(wp, 0, sizeof wp);
  for (m = 0; m < M; ++m)
    for (c = 0; c < C; ++c)
      for (a = 0; a < n; ++a)
        for (b = 0; b < n; ++b) {
          double v = 0;
          for (i = 0; i < 3; ++i)
            for (k = 0; k < 3; ++k)
              v += G[a * 3 + i] * w[((m * C + c) * 3 + i) * 3 + k] * G[b * 3 + k];
          wp[(((a * n + b) * (Mp / 4) + m / 4) * C + c) * 4 + m % 4] = (float)v;
        }
}
#endif

/* The padded phase-split copy's geometry, stated independently of the
   compiler's: rows Hp, row width Wq, and the offset of tap (c, ky, kx). */
static void geometry(int32_t C, int32_t KH, int32_t KW, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh,
                     int32_t dw, int32_t *Hp, int32_t *Wq) {
  int32_t c, i, j, k = 0;
  *Hp = (OH - 1) * sh + (KH - 1) * dh + 1;
  *Wq = OW + (KW - 1) * dw / sw;
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = ((c * *Hp + i * dh) * sw + (j * dw) % sw) * *Wq + (j * dw) / sw;
}

static int compare(int32_t n, const char *what, int32_t id) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const float d = fabsf(y_ref[i] - y_opt[i]), scale = 1.0f + fabsf(y_ref[i]);
    if (!(d <= 1e-5f * scale * 16)) {
      printf("%s case %ld: element %ld: %g vs %g\n", what, (long)id, (long)i, (double)y_ref[i], (double)y_opt[i]);
      return 1;
    }
  }
  return 0;
}

/* QuantizeLinear to int8 and uint8 (its rounding is rintf's, or 1.5 * 2^23 added and taken away, by target)
   against rintf and the clamp (NaN to the low end), on values that probe it: halfway points k + 1/2 of either
   sign and their float neighbours (scales of powers of two make them exact quotients), the 2^22 and 2^23
   edges, large values, infinities, NaN, signed zeros and tiny ones; random scales and zero points. */
static int32_t quantize_cases(int32_t *cases) {
  static float v[4096];
  static int8_t yi[4096];
  static uint8_t yu[4096];
  static const float special[8] = {INFINITY, -INFINITY, NAN, -0.0f, 0.0f, 1e-40f, 3.0e38f, -3.0e38f};
  int32_t bad = 0, t, i;
  for (t = 0; t < 24; ++t) {
    const float scale = t < 12 ? 1.0f / (float)(1 << rnd(0, 8)) : (float)rnd(1, 100000) / 65536.0f;
    const int32_t zi[1] = {rnd(-128, 127)}, zu[1] = {rnd(0, 255)};
    for (i = 0; i < 4096; ++i) {
      const float half = (float)rnd(-400, 400) + 0.5f, edge = ldexpf(1.0f, rnd(21, 24)) + (float)rnd(-3, 3) * 0.5f;
      switch (i % 8) {
      case 0:
        v[i] = half * scale;
        break;
      case 1:
        v[i] = nextafterf(half, rnd(0, 1) ? INFINITY : -INFINITY) * scale;
        break;
      case 2:
        v[i] = (rnd(0, 1) ? edge : -edge) * scale;
        break;
      case 3:
        v[i] = (float)rnd(-(1 << 24), 1 << 24) * (float)(1 << rnd(0, 20)) * scale;
        break;
      case 4:
        v[i] = special[(i / 8) % 8];
        break;
      default:
        v[i] = frnd() * 300.0f * scale;
      }
    }
    emlc_quantize_f32_i8(v, yi, 1, 1, 4096, &scale, zi);
    emlc_quantize_f32_u8(v, yu, 1, 1, 4096, &scale, zu);
    for (i = 0; i < 4096; ++i) {
      const float q = rintf(v[i] / scale);
      const float ri = q + (float)zi[0], ru = q + (float)zu[0];
      const int32_t want_i = !(ri >= -128.0f) ? -128 : ri > 127.0f ? 127 : (int32_t)ri;
      const int32_t want_u = !(ru >= 0.0f) ? 0 : ru > 255.0f ? 255 : (int32_t)ru;
      if (yi[i] != want_i || yu[i] != want_u) {
        printf("MISMATCH quantize_f32_i8/u8 of %.9g / %.9g: %d, %d vs %ld, %ld\n", (double)v[i], (double)scale, yi[i],
               yu[i], (long)want_i, (long)want_u);
        ++bad;
        break;
      }
    }
    *cases += 2;
  }
  return bad;
}

int main(void) {
  int32_t cases = 0, bad = 0, t, i;
  bad += quantize_cases(&cases);
  /* The FPU-blocked convolution (any target): odd channel counts, strides, dilations, padding on every side. */
  for (t = 0; t < 600; ++t) {
    const int32_t N = rnd(1, 2), C = rnd(1, 9), H = rnd(1, 14), W = rnd(1, 17), KH = rnd(1, 4), KW = rnd(1, 4);
    const int32_t sh = rnd(1, 3), sw = rnd(1, 3), dh = rnd(1, 2), dw = rnd(1, 2), M = rnd(1, 11);
    const int32_t pt = rnd(0, KH - 1), pl = rnd(0, KW - 1), pb = rnd(0, KH - 1), pr = rnd(0, KW - 1), K = C * KH * KW;
    const int32_t OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1, OW = (W + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    const float lo = t % 2 ? -0.5f : -INFINITY, hi = t % 2 ? 0.7f : INFINITY;
    int32_t m, k, c, ky, kx;
    if (OH < 1 || OW < 1 || N * C * H * W > MAXF || N * M * OH * OW > MAXF || M * K > MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      x[i] = frnd();
    for (i = 0; i < M * K; ++i)
      w[i] = frnd();
    for (i = 0; i < M; ++i)
      bias[i] = frnd();
    emlc_conv2d_f32(x, w, bias, y_ref, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, 1, lo, hi);
    for (m = 0; m < (M + 3) / 4 * 4; ++m) /* [ceil(M/4)][K][4], zero rows */
      for (k = 0; k < K; ++k)
        wp[(m / 4 * K + k) * 4 + m % 4] = m < M ? w[m * K + k] : 0.0f;
    for (c = 0, k = 0; c < C; ++c) /* tap offsets from the window origin */
      for (ky = 0; ky < KH; ++ky)
        for (kx = 0; kx < KW; ++kx)
          taps[k++] = (c * H + ky * dh) * W + kx * dw;
    emlc_conv2d_f32_fpu(x, wp, bias, xp, y_opt, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, taps, lo, hi);
    bad += compare(N * M * OH * OW, "conv fpu", t);
    ++cases;
  }
  for (t = 0; t < 300; ++t) { /* the FPU depthwise 3x3: strides 1-3, padding 0-2 on every side */
    const int32_t N = rnd(1, 2), C = rnd(1, 9), H = rnd(1, 14), W = rnd(1, 17), sh = rnd(1, 3), sw = rnd(1, 3);
    const int32_t pt = rnd(0, 2), pl = rnd(0, 2), pb = rnd(0, 2), pr = rnd(0, 2);
    const int32_t OH = (H + pt + pb - 3) / sh + 1, OW = (W + pl + pr - 3) / sw + 1;
    const float lo = t % 2 ? -0.5f : -INFINITY, hi = t % 2 ? 0.7f : INFINITY;
    if (OH < 1 || OW < 1 || N * C * H * W > MAXF || N * C * OH * OW > MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      x[i] = frnd();
    for (i = 0; i < C * 9; ++i)
      w[i] = frnd();
    for (i = 0; i < C; ++i)
      bias[i] = frnd();
    emlc_conv2d_f32(x, w, bias, y_ref, N, C, H, W, C, 3, 3, OH, OW, sh, sw, 1, 1, pt, pl, C, lo, hi);
    emlc_dwconv3x3_f32_fpu(x, w, bias, xp, y_opt, N, C, H, W, OH, OW, sh, sw, pt, pl, lo, hi);
    bad += compare(N * C * OH * OW, "dwconv fpu", t);
    ++cases;
  }
  for (t = 0; t < 200; ++t) { /* the FPU fully connected */
    const int32_t B = rnd(1, 3), K = rnd(1, 300), N = rnd(1, 30);
    const float lo = t % 2 ? 0.0f : -INFINITY, hi = INFINITY;
    if (B * K > MAXF || N * K > MAXF)
      continue;
    for (i = 0; i < B * K; ++i)
      x[i] = frnd();
    for (i = 0; i < N * K; ++i)
      w[i] = frnd();
    for (i = 0; i < N; ++i)
      bias[i] = frnd();
    emlc_fully_connected_f32(x, w, bias, y_ref, B, K, N, lo, hi);
    emlc_fully_connected_f32_fpu(x, w, bias, y_opt, B, K, N, lo, hi);
    bad += compare(B * N, "fully connected fpu", t);
    ++cases;
#if defined(__SSE4_1__)
    emlc_fully_connected_f32_sse41(x, w, bias, y_opt, B, K, N, lo, hi);
    bad += compare(B * N, "fully connected sse41", t);
    ++cases;
#endif
  }
  /* The Helium (and SSE4.1) depthwise: kernels 1-5, strides 1-3, dilations 1-2, padding on every side. */
  for (t = 0; t < 1000; ++t) {
    const int32_t N = rnd(1, 2), C = rnd(1, 9), H = rnd(1, 19), W = rnd(1, 37), KH = rnd(1, 5), KW = rnd(1, 5);
    const int32_t sh = rnd(1, 3), sw = rnd(1, 3), dh = rnd(1, 2), dw = rnd(1, 2);
    const int32_t pt = rnd(0, KH - 1), pl = rnd(0, KW - 1), pb = rnd(0, KH - 1), pr = rnd(0, KW - 1);
    const int32_t OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1, OW = (W + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    const float lo = t % 2 ? -0.5f : -INFINITY, hi = t % 2 ? 0.7f : INFINITY;
    float *const xe = x + MAXF - N * C * H * W;
    int32_t Hp, Wq, room;
    if (OH < 1 || OW < 1 || N * C * H * W > MAXF || N * C * OH * OW > MAXF)
      continue;
    geometry(1, KH, KW, OH, OW, sh, sw, dh, dw, &Hp, &Wq);
    room = Hp * sw * Wq + 8; /* the documented work */
    if (room + 64 > 8 * MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      xe[i] = frnd();
    for (i = 0; i < C * KH * KW; ++i)
      w[i] = frnd();
    for (i = 0; i < C; ++i)
      bias[i] = frnd();
    for (i = 0; i < 64; ++i)
      xp[room + i] = 12345.0f; /* past it: must stay untouched */
    emlc_conv2d_f32(xe, w, bias, y_ref, N, C, H, W, C, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, C, lo, hi);
    emlc_dwconv_f32_mve(xe, w, bias, xp, y_opt, N, C, H, W, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, lo, hi);
    bad += compare(N * C * OH * OW, "dwconv mve", t);
    ++cases;
#if defined(__SSE4_1__)
    emlc_dwconv_f32_sse41(xe, w, bias, xp, y_opt, N, C, H, W, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, lo, hi);
    bad += compare(N * C * OH * OW, "dwconv sse41", t);
    ++cases;
#endif
    for (i = 0; i < 64; ++i)
      if (xp[room + i] != 12345.0f) {
        printf("dwconv case %ld: wrote past its work\n", (long)t);
        ++bad;
        break;
      }
  }
  /* The Helium convolution over the padded phase-split copy (general, 1x1 with strides 1-2: x itself or its
     sampled pixels), the input at the end of x. */
  for (t = 0; t < 1000; ++t) {
    const int32_t kind = t % 2, N = rnd(1, 2), C = kind ? rnd(1, 40) : rnd(1, 9), H = rnd(1, 19), W = rnd(1, 37);
    const int32_t KH = kind ? 1 : rnd(1, 4), KW = kind ? 1 : rnd(1, 4), sh = kind ? rnd(1, 2) : rnd(1, 3);
    const int32_t sw = kind ? rnd(1, 2) : rnd(1, 3), dh = kind ? 1 : rnd(1, 2), dw = kind ? 1 : rnd(1, 2);
    const int32_t pt = kind ? 0 : rnd(0, KH - 1), pl = kind ? 0 : rnd(0, KW - 1);
    const int32_t pb = kind ? 0 : rnd(0, KH - 1), pr = kind ? 0 : rnd(0, KW - 1), M = rnd(1, 21), K = C * KH * KW;
    const int32_t OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1, OW = (W + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    const int32_t direct = !kind ? 0 : sh == 1 && sw == 1 ? 1 : 2;
    const float lo = t % 4 < 2 ? -0.5f : -INFINITY, hi = t % 4 < 2 ? 0.7f : INFINITY;
    float *const xe = x + MAXF - N * C * H * W;
    int32_t Hp, Wq, m, k, room;
    if (OH < 1 || OW < 1 || N * C * H * W > MAXF || N * M * OH * OW > MAXF || M * K > MAXF)
      continue;
    geometry(C, KH, KW, OH, OW, sh, sw, dh, dw, &Hp, &Wq);
    room = direct ? C * OH * OW + K * 8 : C * Hp * sw * Wq + 8; /* the scratch NNToKernel gives it */
    if (room + 64 > 8 * MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      xe[i] = frnd();
    for (i = 0; i < M * K; ++i)
      w[i] = frnd();
    for (i = 0; i < M; ++i)
      bias[i] = frnd();
    for (m = 0; m < (M + 3) / 4 * 4; ++m) /* [ceil(M/4)][K][4], zero rows */
      for (k = 0; k < K; ++k)
        wp[(m / 4 * K + k) * 4 + m % 4] = m < M ? w[m * K + k] : 0.0f;
    for (i = 0; i < 64; ++i)
      xp[room + i] = 12345.0f;
    emlc_conv2d_f32(xe, w, bias, y_ref, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, 1, lo, hi);
    emlc_conv2d_f32_mve(xe, wp, bias, xp, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps, lo,
                        hi);
    bad += compare(N * M * OH * OW, "conv mve", t);
    for (i = 0; i < 64; ++i)
      if (xp[room + i] != 12345.0f) {
        printf("conv mve case %ld: wrote past its scratch\n", (long)t);
        ++bad;
        break;
      }
    ++cases;
  }
#if defined(__SSE4_1__)
  for (t = 0; t < 200; ++t) { /* add_same_f32_sse41 against add_f32 (operands shaped like the output) */
    int32_t shape[6], st[6], d, n = 1;
    const float lo = t % 3 ? -INFINITY : 0.0f, hi = INFINITY;
    for (d = 0; d < 6; ++d)
      shape[d] = d < 3 ? 1 : rnd(1, 9);
    for (d = 5; d >= 0; --d)
      st[d] = shape[d] > 1 ? n : 0, n *= shape[d];
    for (i = 0; i < n; ++i)
      x[i] = frnd(), w[i] = frnd();
    emlc_add_f32(x, w, y_ref, shape, st, st, lo, hi);
    emlc_add_same_f32_sse41(x, w, y_opt, n, lo, hi);
    bad += compare(n, "add sse41", t);
    ++cases;
  }
#endif
#if defined(__SSE4_1__) /* the x86 kernels that read the padded phase-split copy (and AVX2's depthwise) */
  for (t = 0; t < 3000; ++t) {
    const int32_t kind = t % 3; /* 0: general conv, 1: 1x1 (strides 1-2), 2: depthwise */
    const int32_t N = rnd(1, 2),
                  C = kind == 1                 ? rnd(1, 40)
                      : kind == 2 && t % 4 == 2 ? 8 * rnd(1, 2)
                                                : rnd(1, 9),
                  H = rnd(1, 19), W = rnd(1, 37);
    const int32_t KH = kind == 1 ? 1 : rnd(1, 4), KW = kind == 1 ? 1 : rnd(1, 4);
    const int32_t sh = kind == 1 ? rnd(1, 2) : rnd(1, 3), sw = kind == 1 ? rnd(1, 2) : rnd(1, 3);
    const int32_t dh = kind == 1 ? 1 : rnd(1, 2), dw = kind == 1 ? 1 : rnd(1, 2);
    const int32_t pt = kind == 1 ? 0 : rnd(0, KH - 1), pl = kind == 1 ? 0 : rnd(0, KW - 1);
    const int32_t pb = kind == 1 ? 0 : rnd(0, KH - 1), pr = kind == 1 ? 0 : rnd(0, KW - 1);
    const int32_t M = kind == 2 ? C : rnd(1, 21), groups = kind == 2 ? C : 1, K = (C / groups) * KH * KW;
    const int32_t OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1, OW = (W + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    const int clamp = rnd(0, 1);
    const float lo = clamp ? -0.5f : -INFINITY, hi = clamp ? 0.7f : INFINITY;
    float *const xe = x + MAXF - N * C * H * W; /* the input ends where x does: reads past it leave the array */
    int32_t Hp, Wq, m, k;
    if (OH < 1 || OW < 1 || N * C * H * W > MAXF || N * M * OH * OW > MAXF || M * K > MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      xe[i] = frnd();
    for (i = 0; i < M * K; ++i)
      w[i] = frnd();
    for (i = 0; i < M; ++i)
      bias[i] = frnd();
    emlc_conv2d_f32(xe, w, bias, y_ref, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, lo, hi);
    memset(y_opt, 0, sizeof y_opt);
    geometry(C / groups, KH, KW, OH, OW, sh, sw, dh, dw, &Hp, &Wq);
    if (kind == 2) {
#if defined(__AVX2__)
      const int32_t Hd = (OH - 1) * sh + (KH - 1) * dh + 1, Wd = (OW - 1) * sw + (KW - 1) * dw + 1;
      if ((Hd * Wd + OH * OW + 7) * 8 > 8 * MAXF)
        continue;
      for (m = 0; m < (C + 7) / 8 * 8; ++m) /* channel-interleaved: [ceil(C/8)][KH*KW][8] */
        for (k = 0; k < KH * KW; ++k)
          wp[(m / 8 * KH * KW + k) * 8 + m % 8] = m < C ? w[m * KH * KW + k] : 0.0f;
      for (i = 0; i < 64; ++i) /* past the documented work: must stay untouched */
        xp[(Hd * Wd + OH * OW + 7) * 8 + i] = 12345.0f;
      if (C % 8 == 0) { /* channel-interleaved input and/or output (il = 0..3) */
        const int32_t il = t / 3 % 4;
        float *const xi = xc8 + MAXF - N * C * H * W;
        interleave(xe, xi, N, C, H * W, 0);
        emlc_dwconv_f32_avx2(il & 1 ? xi : xe, wp, bias, xp, il & 2 ? yc8 : y_opt, N, C, H, W, KH, KW, OH, OW, sh, sw,
                             dh, dw, pt, pl, il, lo, hi);
        if (il & 2)
          interleave(yc8, y_opt, N, C, OH * OW, 1);
      } else
        emlc_dwconv_f32_avx2(xe, wp, bias, xp, y_opt, N, C, H, W, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, 0, lo, hi);
      for (i = 0; i < 64; ++i)
        if (xp[(Hd * Wd + OH * OW + 7) * 8 + i] != 12345.0f) {
          printf("dwconv case %ld: wrote past its work\n", (long)t);
          ++bad;
          break;
        }
#else
      continue; /* the SSE4.1 depthwise has its own sweep */
#endif
    } else {
      if (C * Hp * sw * Wq > 4 * MAXF)
        continue;
      const int32_t direct = kind != 1 ? 0 : sh == 1 && sw == 1 ? 1 : 2; /* 1x1: x itself or its sampled pixels */
      for (m = 0; m < (M + 3) / 4 * 4; ++m)                              /* [ceil(M/4)][K][4], zero rows */
        for (k = 0; k < K; ++k)
          wp[(m / 4 * K + k) * 4 + m % 4] = m < M ? w[m * K + k] : 0.0f;
      for (i = 0; i < 64; ++i) /* past the copy and its 8 floats of room: must stay untouched */
        xp[C * Hp * sw * Wq + 8 + i] = 12345.0f;
      emlc_conv2d_f32_sse41(xe, wp, bias, xp, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps, lo,
                            hi);
      for (i = 0; i < 64; ++i)
        if (!direct && xp[C * Hp * sw * Wq + 8 + i] != 12345.0f) {
          printf("conv sse41 case %ld: wrote past its scratch\n", (long)t);
          ++bad;
          break;
        }
      bad += compare(N * M * OH * OW, "conv sse41", t);
      ++cases;
#if defined(__AVX2__)
      memset(y_opt, 0, sizeof y_opt);
      emlc_conv2d_f32_avx2(xe, wp, bias, xp, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps, lo,
                           hi);
      for (i = 0; i < 64; ++i)
        if (!direct && xp[C * Hp * sw * Wq + 8 + i] != 12345.0f) {
          printf("conv case %ld: wrote past its scratch\n", (long)t);
          ++bad;
          break;
        }
#endif
    }
#if defined(__AVX2__)
    bad += compare(N * M * OH * OW, kind == 2 ? "dwconv" : "conv", t);
    ++cases;
#endif
  }
#endif
#if defined(__AVX2__)
  /* Winograd F(2x2,3x3): its shapes (OW/2 a multiple of 4, tile count a multiple of 8), any padding. */
  for (t = 0; t < 300; ++t) {
    const int32_t N = rnd(1, 2), C = rnd(1, 13), M = rnd(1, 21), OW = 8 * rnd(1, 4),
                  OH = 2 * rnd(1, 7) * (OW % 16 ? 2 : 1);
    const int32_t pt = rnd(0, 2), pl = rnd(0, 2), pb = rnd(0, 2), pr = rnd(0, 2);
    const int32_t H = OH + 2 - pt - pb, W = OW + 2 - pl - pr;
    const float lo = t % 2 ? 0.0f : -INFINITY, hi = INFINITY;
    static const double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    if (H < 1 || W < 1 || N * C * H * W > MAXF || N * M * OH * OW > MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      x[i] = frnd();
    for (i = 0; i < M * C * 9; ++i)
      w[i] = frnd();
    for (i = 0; i < M; ++i)
      bias[i] = frnd();
    emlc_conv2d_f32(x, w, bias, y_ref, N, C, H, W, M, 3, 3, OH, OW, 1, 1, 1, 1, pt, pl, 1, lo, hi);
    winograd_weights(4, G[0], M, C);
    emlc_conv3x3_f32_wino_avx2(x, wp, bias, xp, y_opt, N, C, H, W, M, OH, OW, pt, pl, lo, hi);
    bad += compare(N * M * OH * OW, "winograd", t);
    ++cases;
  }
  /* Winograd F(4x4,3x3): OW/4 a multiple of 4, tile count a multiple of 8 (more than one block of 64 tiles
     too), any padding. */
  for (t = 0; t < 200; ++t) {
    const int32_t N = rnd(1, 2), C = rnd(1, 13), M = rnd(1, 21), OW = 16 * rnd(1, 3);
    const int32_t OH = 4 * rnd(1, 12) * (OW / 4 % 8 ? 2 : 1), pt = rnd(0, 2), pl = rnd(0, 2), pb = rnd(0, 2),
                  pr = rnd(0, 2);
    const int32_t H = OH + 2 - pt - pb, W = OW + 2 - pl - pr;
    const float lo = t % 2 ? 0.0f : -INFINITY, hi = INFINITY;
    static const double G[6][3] = {{0.25, 0, 0},
                                   {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                   {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                   {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                   {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                   {0, 0, 1}};
    if (H < 1 || W < 1 || N * C * H * W > MAXF || N * M * OH * OW > MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      x[i] = frnd();
    for (i = 0; i < M * C * 9; ++i)
      w[i] = frnd();
    for (i = 0; i < M; ++i)
      bias[i] = frnd();
    emlc_conv2d_f32(x, w, bias, y_ref, N, C, H, W, M, 3, 3, OH, OW, 1, 1, 1, 1, pt, pl, 1, lo, hi);
    winograd_weights(6, G[0], M, C);
    memmove(x + MAXF - N * C * H * W, x, sizeof(float) * N * C * H * W); /* at the end: reads past it leave x */
    emlc_conv3x3_f32_wino4_avx2(x + MAXF - N * C * H * W, wp, bias, xp, y_opt, N, C, H, W, M, OH, OW, pt, pl, lo, hi);
    bad += compare(N * M * OH * OW, "winograd F(4x4,3x3)", t);
    ++cases;
  }
  for (t = 0; t < 500; ++t) {
    const int32_t B = rnd(1, 3), K = rnd(1, 700), N = rnd(1, 70);
    const float lo = t % 2 ? 0.0f : -INFINITY, hi = INFINITY;
    if (B * K > MAXF || N * K > MAXF)
      continue;
    for (i = 0; i < B * K; ++i)
      x[i] = frnd();
    for (i = 0; i < N * K; ++i)
      w[i] = frnd();
    for (i = 0; i < N; ++i)
      bias[i] = frnd();
    emlc_fully_connected_f32(x, w, bias, y_ref, B, K, N, lo, hi);
    emlc_fully_connected_f32_avx2(x, w, bias, y_opt, B, K, N, lo, hi);
    bad += compare(B * N, "fully connected", t);
    ++cases;
  }
  /* The channel-vectorized kernel (short rows, small planes): direct 1x1 and padded general convolutions,
     tiles of 16 channels x 6 pixels and 24 x 3. */
  for (t = 0; t < 600; ++t) {
    const int32_t direct = t % 2, N = rnd(1, 2), C = direct ? (t % 4 == 1 ? 8 * rnd(1, 8) : rnd(1, 70)) : rnd(1, 6),
                  H = rnd(1, 12), W = rnd(1, 9);
    const int32_t KH = direct ? 1 : rnd(1, 4), KW = direct ? 1 : rnd(1, 4), sh = direct ? 1 : rnd(1, 2),
                  sw = direct ? 1 : rnd(1, 2);
    const int32_t pt = direct ? 0 : rnd(0, KH - 1), pl = direct ? 0 : rnd(0, KW - 1), pb = direct ? 0 : rnd(0, KH - 1),
                  pr = direct ? 0 : rnd(0, KW - 1);
    const int32_t OH = (H + pt + pb - KH) / sh + 1, OW = (W + pl + pr - KW) / sw + 1,
                  M = t % 4 == 1 ? 8 * rnd(1, 7) : rnd(1, 60), K = C * KH * KW, nb = t / 2 % 2 ? 16 : 24,
                  Mp = (M + nb - 1) / nb * nb;
    const int32_t Hp = (OH - 1) * sh + KH, Wq = (OW - 1) * sw + KW;
    const float lo = t % 3 ? 0.0f : -INFINITY, hi = t % 5 ? INFINITY : 0.8f;
    int32_t m, k, c, ky, kx;
    if (OH < 1 || OW < 1 || N * C * H * W > MAXF || M * K > MAXF || N * M * OH * OW > MAXF)
      continue;
    for (i = 0; i < N * C * H * W; ++i)
      x[i] = frnd();
    for (i = 0; i < M * K; ++i)
      w[i] = frnd();
    for (i = 0; i < M; ++i)
      bias[i] = frnd();
    emlc_conv2d_f32(x, w, bias, y_ref, N, C, H, W, M, KH, KW, OH, OW, sh, sw, 1, 1, pt, pl, 1, lo, hi);
    for (m = 0; m < Mp; ++m) /* [ceil(M/nb)][K][nb] */
      for (k = 0; k < K; ++k)
        wp[(m / nb * K + k) * nb + m % nb] = m < M ? w[m * K + k] : 0.0f;
    k = 0;
    for (c = 0; c < C; ++c)
      for (ky = 0; ky < KH; ++ky)
        for (kx = 0; kx < KW; ++kx)
          taps[k++] = direct ? c * H * W : (c * Hp + ky) * Wq + kx;
    if (direct && C % 8 == 0 && M % 8 == 0) { /* channel-interleaved input and/or output (il = 0..3) */
      const int32_t il = t / 4 % 4;
      float *const xi = xc8 + MAXF - N * C * H * W;
      interleave(x, xi, N, C, H * W, 0);
      if (il & 1)
        for (k = 0; k < K; ++k) /* tap k (channel k) of a pixel in the interleaved input */
          taps[k] = k / 8 * 8 * H * W + k % 8;
      emlc_conv2d_f32_cm_avx2(il & 1 ? xi : x, wp, bias, xp, il & 2 ? yc8 : y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt,
                              pl, Hp, Wq, direct, nb, il, taps, lo, hi);
      if (il & 2)
        interleave(yc8, y_opt, N, M, OH * OW, 1);
    } else
      emlc_conv2d_f32_cm_avx2(x, wp, bias, xp, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, nb, 0,
                              taps, lo, hi);
    bad += compare(N * M * OH * OW, "conv cm", t);
    ++cases;
  }
  /* reduce_rows_f32_avx2 against reduce_f32 over trailing axes (the only reductions it is given). */
  for (t = 0; t < 300; ++t) {
    int32_t shape[6], ostr[6], d, n = 1, nout = 1, count = 1, s2 = 1;
    const int32_t kind = t % 4, first = 3 + t % 3; /* axes first..5 reduced */
    for (d = 0; d < 6; ++d)
      shape[d] = d < 2 ? 1 : rnd(1, 9), n *= shape[d];
    for (d = 5; d >= 0; --d) {
      ostr[d] = d >= first ? 0 : s2;
      if (d >= first)
        count *= shape[d];
      else
        s2 *= shape[d], nout *= shape[d];
    }
    for (i = 0; i < n; ++i)
      x[i] = frnd();
    emlc_reduce_f32(x, y_ref, shape, ostr, nout, kind, count);
    emlc_reduce_rows_f32_avx2(x, y_opt, nout, count, kind);
    bad += compare(nout, "reduce", t);
    ++cases;
  }
  /* add_same_f32_avx2 against add_f32 (operands shaped like the output). */
  for (t = 0; t < 200; ++t) {
    int32_t shape[6], st[6], d, n = 1;
    const float lo = t % 3 ? -INFINITY : 0.0f, hi = INFINITY;
    for (d = 0; d < 6; ++d)
      shape[d] = d < 3 ? 1 : rnd(1, 9);
    for (d = 5; d >= 0; --d)
      st[d] = shape[d] > 1 ? n : 0, n *= shape[d];
    for (i = 0; i < n; ++i)
      x[i] = frnd(), w[i] = frnd();
    emlc_add_f32(x, w, y_ref, shape, st, st, lo, hi);
    emlc_add_same_f32_avx2(x, w, y_opt, n, lo, hi);
    bad += compare(n, "add", t);
    ++cases;
  }
#endif
  printf("float kernels: %ld cases, %ld mismatches\n", (long)cases, (long)bad);
  return bad;
}
