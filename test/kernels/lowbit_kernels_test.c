/* Kernels with weights packed below 8 bits (int4; int2 and ternary share the
   2-bit kernels) against the portable int8 references conv2d_s8 and
   fully_connected_s8 run on the same integer weights unpacked, on random
   shapes (odd channel counts and row lengths, strides, dilations, padding,
   groups, depthwise), random data and requantization parameters: the
   portable kernels (lowbit.c), the Arm DSP ones (arm-dsp/lowbit_dsp.c) and
   the Helium ones (arm-mve/lowbit_mve.c) where the layer is in their domain
   (shifts <= -1; Helium int4: weights in [-7, 7]), and, when built with
   -mavx2 (x86-64-avx2), the AVX2 ones (x86-avx2/lowbit_avx2.c) on every case
   of theirs (one group; every layer: TFLite's requantization). The packings
   are stated here independently of the compiler (packLowBit in
   LayerFacts.cpp, the layouts in targets/arm-dsp/lowering/LowBit.cpp,
   targets/arm-mve/lowering/LowBit.cpp and targets/x86-avx2/lowering/LowBit.cpp).
   Built and run on the host and, by run_kernel_tests.py TARGET lowbit, under
   QEMU. Prints the cases run per kernel, then one line, and returns the
   number of mismatching cases (an AVX2 build that ran no AVX2 case counts as
   one). */
#include <stdio.h>
#include "../../targets/generic/kernels/prelude.h"
#include "../../targets/generic/kernels/int8.c"
#include "../../targets/generic/kernels/lowbit.c"
#include "../../targets/scalar/kernels/int8_scalar.c"
#include "../../targets/scalar/kernels/lowbit_scalar.c"
/* The Arm DSP and Helium kernels have plain-C stand-ins for their
   intrinsics: they build and run on every host too. */
#include "../../targets/arm-dsp/kernels/int8_dsp.c"
#include "../../targets/arm-dsp/kernels/lowbit_dsp.c"
#include "../../targets/arm-mve/kernels/int8_mve.c"
#include "mve_taps.h"
#include "../../targets/arm-mve/kernels/lowbit_mve.c"
#if defined(__AVX2__) /* x86-64-avx2; the AVX2 kernels take the SSE4.1 folder's padded copy */
#include "../../targets/x86-sse41/kernels/int8_sse41.c"
#include "../../targets/x86-avx2/kernels/int8_avx2.c"
#include "../../targets/x86-avx2/kernels/lowbit_avx2.c"
#endif

static uint32_t seed = 2024u;
static int32_t rnd(int32_t lo, int32_t hi) { /* inclusive */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}

#define MAXB 8192
static int8_t x[MAXB], w[MAXB], y_ref[MAXB], y_opt[MAXB], wrow[MAXB];
static uint8_t packed[MAXB];
static int32_t bias[128], bias_eff[128], mult[128], shift[128];
static int32_t wpk[MAXB + 512], col[2 * MAXB], taps[MAXB];

/* Rows of K weights of `bits` bits, each row starting on a byte. */
static void pack(int32_t M, int32_t K, int32_t bits) {
  const int32_t per = 8 / bits, row = (K + per - 1) / per;
  int32_t m, k;
  for (k = 0; k < M * row; ++k)
    packed[k] = 0;
  for (m = 0; m < M; ++m)
    for (k = 0; k < K; ++k)
      packed[m * row + k / per] |= (uint8_t)(((uint32_t)w[m * K + k] & ((1u << bits) - 1u)) << ((k % per) * bits));
}

/* Weight k of row m of an M x K matrix, 0 outside it (padding rows and taps). */
static int32_t wat(int32_t m, int32_t k, int32_t M, int32_t K) { return m < M && k < K ? w[m * K + k] : 0; }

/* conv_s8_w4_dsp: channel pairs, per 8-tap group a word of channel m then
   m+1, nibble j tap 2j and nibble 4+j tap 2j+1 (j < 4), each w + 8.
   conv_s8_w2_dsp: per 16-tap group, bits 2j tap 2j and bits 16+2j tap 2j+1,
   each w + 2. */
static void pack_conv_dsp(int32_t M, int32_t K, int32_t bits) {
  const int32_t per = 32 / bits, G = per, Kp = (K + G - 1) / G * G, off = 1 << (bits - 1), half = per / 2;
  int32_t m, g, r, j, n = 0;
  for (m = 0; m < M; m += 2)
    for (g = 0; g < Kp; g += G)
      for (r = 0; r < 2; ++r) {
        uint32_t word = 0;
        for (j = 0; j < half; ++j)
          word |= (uint32_t)(wat(m + r, g + 2 * j, M, K) + off) << (bits * j) |
                  (uint32_t)(wat(m + r, g + 2 * j + 1, M, K) + off) << (16 + bits * j);
        wpk[n++] = (int32_t)word;
      }
}

/* The DSP fully connected kernels' input word i holds the taps
   (4(i/2) + i%2, that + 2) (SXTB16 pairs). fully_connected_s8_w4_dsp:
   channel quads, word i of a quad holds nibble j = channel n+j at the low
   tap, nibble 4+j at the high one; channels 0-2 as w + 8, channel 3 as its
   two's complement nibble; K padded to 8. fully_connected_s8_w2_dsp:
   channel pairs, per 16-tap group (K padded to 16) a word of channel n then
   n+1, bits 2j the low tap of input word 8g+j, bits 16+2j its high tap, each
   w + 2. */
static int32_t low_tap(int32_t i) { return 4 * (i / 2) + i % 2; }
static void pack_fc_w4_dsp(int32_t N, int32_t K) {
  const int32_t Kp = (K + 7) & ~7;
  int32_t n, i, j, c = 0;
  for (n = 0; n < N; n += 4)
    for (i = 0; i < Kp / 2; ++i) {
      uint32_t word = 0;
      for (j = 0; j < 4; ++j) {
        const int32_t a = wat(n + j, low_tap(i), N, K), b = wat(n + j, low_tap(i) + 2, N, K);
        word |= (uint32_t)(j < 3 ? a + 8 : a & 15) << (4 * j) | (uint32_t)(j < 3 ? b + 8 : b & 15) << (16 + 4 * j);
      }
      wpk[c++] = (int32_t)word;
    }
}
static void pack_fc_w2_dsp(int32_t N, int32_t K) {
  const int32_t Kp = (K + 15) & ~15;
  int32_t n, g, r, j, c = 0;
  for (n = 0; n < N; n += 2)
    for (g = 0; g < Kp / 16; ++g)
      for (r = 0; r < 2; ++r) {
        uint32_t word = 0;
        for (j = 0; j < 8; ++j) {
          const int32_t i = 8 * g + j;
          word |= (uint32_t)(wat(n + r, low_tap(i), N, K) + 2) << (2 * j) |
                  (uint32_t)(wat(n + r, low_tap(i) + 2, N, K) + 2) << (16 + 2 * j);
        }
        wpk[c++] = (int32_t)word;
      }
}

/* The Helium int4 kernels: channel pairs, [M/2][Kp] bytes 16 w[m] + w[m+1],
   K padded to 16. */
static void pack_w4_mve(int32_t M, int32_t K) {
  const int32_t Kp = (K + 15) & ~15;
  int8_t *b = (int8_t *)wpk;
  int32_t m, k;
  for (m = 0; m < M; m += 2)
    for (k = 0; k < Kp; ++k)
      *b++ = (int8_t)(16 * wat(m, k, M, K) + wat(m + 1, k, M, K));
}

/* conv_s8_w4_mve's window tables after the pairs: bytes dy[Kp] then dx[Kp]. */
static void tables_w4_mve(int32_t M, int32_t C, int32_t KH, int32_t KW, int32_t dh, int32_t dw) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15;
  uint8_t *dy = (uint8_t *)wpk + (int64_t)((M + 1) / 2) * Kp, *dx = dy + Kp;
  int32_t k;
  for (k = 0; k < Kp; ++k)
    dy[k] = (uint8_t)(k < K ? k / KW % KH * dh : 0), dx[k] = (uint8_t)(k < K ? k % KW * dw : 0);
}

/* The depthwise kernels: the nine weights of each channel one after the
   other, `bits` each, lowest bits first, no alignment. */
static void pack_dw(int32_t C, int32_t bits) {
  int32_t i;
  for (i = 0; i < (9 * C * bits + 7) / 8; ++i)
    packed[i] = 0;
  for (i = 0; i < 9 * C; ++i)
    packed[i * bits / 8] |= (uint8_t)(((uint32_t)w[i] & ((1u << bits) - 1u)) << (i * bits % 8));
}

/* The DSP conv's tap offsets from the window origin, padded with 0 to 16. */
static void taps_im2col(int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t dh, int32_t dw) {
  int32_t c, i, j, k = 0;
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = c * H * W + i * dh * W + j * dw;
  while (k & 15)
    taps[k++] = 0;
}

/* Random weights in the range of `kind`: 0 int4 [-8, 7], 1 int2 [-2, 1], 2 ternary [-1, 1], 3 int4 [-7, 7]
   (PTQ's range, the Helium kernels' domain). */
static int32_t random_weights(int32_t n, int kind) {
  const int32_t lo = kind == 0 ? -8 : kind == 3 ? -7 : kind == 1 ? -2 : -1, hi = kind == 0 || kind == 3 ? 7 : 1;
  int32_t i;
  for (i = 0; i < n; ++i)
    w[i] = (int8_t)rnd(lo, hi);
  return kind == 0 || kind == 3 ? 4 : 2;
}

static int dsp_domain(int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i)
    if (shift[i] > -1)
      return 0;
  return 1;
}

static void random_requant(int32_t M, int32_t K, int32_t in_off, int t) {
  int32_t m, i;
  for (m = 0; m < M; ++m) {
    int32_t s = 0;
    bias[m] = rnd(-5000, 5000);
    mult[m] = rnd(1 << 30, 0x7fffffff);
    shift[m] = rnd(-10, t % 3 ? -1 : 1);
    for (i = 0; i < K; ++i)
      s += w[m * K + i];
    bias_eff[m] = bias[m] + in_off * s;
  }
}

/* Cases run per kernel (check's `what`), printed at the end: a build that
   compiled a kernel out shows it. */
#define MAXNAMES 64
static const char *names[MAXNAMES];
static int runs[MAXNAMES], nnames = 0;
static int runs_of(const char *what) {
  int i;
  for (i = 0; i < nnames && strcmp(names[i], what); ++i)
    ;
  return i < nnames ? runs[i] : 0;
}

static int check(const char *what, int32_t n, int t) {
  int32_t i;
  for (i = 0; i < nnames && strcmp(names[i], what); ++i)
    ;
  if (i == nnames && nnames < MAXNAMES)
    names[nnames++] = what;
  if (i < MAXNAMES)
    ++runs[i];
  for (i = 0; i < n; ++i)
    if (y_ref[i] != y_opt[i]) {
      printf("MISMATCH %s (case %d) at %ld: %d vs %d\n", what, t, (long)i, y_ref[i], y_opt[i]);
      return 1;
    }
  return 0;
}

/* y_opt unlike the reference everywhere, so an output a kernel does not write fails. */
static void poison(int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i)
    y_opt[i] = (int8_t)~y_ref[i];
}

static int cases = 0, bad = 0;

#if defined(__AVX2__)
static int8_t xend[MAXB], xpad[8 * MAXB];
static uint8_t wend[MAXB];
static int32_t bias_u[128], wdec[MAXB];

/* The AVX2 convolutions' weights: per block of 4 channels (zero channels
   completing M) and group of 32 / bits taps (K padded with 0), 16 bytes;
   byte 4c + t holds in bits [bits s, bits s + bits) channel c's weight at tap
   4s + t of the group. Copied to the end of wend (a read past them leaves the
   array: AddressSanitizer); returns where they start. */
static const uint8_t *pack_conv_avx2(int32_t M, int32_t K, int32_t bits) {
  const int32_t G = 32 / bits, Kp = (K + G - 1) / G * G, n = (M + 3) / 4 * Kp * 4 / (8 / bits);
  uint8_t *p = wend + MAXB - n;
  int32_t mb, g, c, t, s, i = 0;
  for (mb = 0; mb < M; mb += 4)
    for (g = 0; g < Kp; g += G)
      for (c = 0; c < 4; ++c)
        for (t = 0; t < 4; ++t) {
          uint32_t byte = 0;
          for (s = 0; s < 8 / bits; ++s)
            byte |= ((uint32_t)wat(mb + c, g + 4 * s + t, M, K) & ((1u << bits) - 1u)) << (bits * s);
          p[i++] = (uint8_t)byte;
        }
  return p;
}

/* The AVX2 fully connected weights: per row, blocks of B = 256 / bits taps in
   32 bytes (byte i holds in bits [bits s, bits s + bits) tap 32 s + i), every
   value w + 2^(bits-1); the K % B = R taps left in Q = ceil(R bits / 8) bytes,
   byte i holding in field s tap Q s + i of them (2^(bits-1) past K). At the
   end of wend less the 32 bytes the last tail block's load may read. */
static const uint8_t *pack_fc_avx2(int32_t N, int32_t K, int32_t bits) {
  const int32_t B = 256 / bits, KB = K / B * B, rest = K % B, F = 8 / bits, Q = (rest + F - 1) / F,
                row = KB / B * 32 + Q, off = 1 << (bits - 1);
  uint8_t *p = wend + MAXB - N * row - (rest ? 32 : 0);
  int32_t n, b, i, s, c = 0;
  for (n = 0; n < N; ++n) {
    for (b = 0; b < KB; b += B)
      for (i = 0; i < 32; ++i) {
        uint32_t byte = 0;
        for (s = 0; s < F; ++s)
          byte |= (uint32_t)(wat(n, b + 32 * s + i, N, K) + off) << (bits * s);
        p[c++] = (uint8_t)byte;
      }
    for (i = 0; i < Q; ++i) {
      uint32_t byte = 0;
      for (s = 0; s < F; ++s)
        byte |= (uint32_t)((Q * s + i < rest ? wat(n, KB + Q * s + i, N, K) : 0) + off) << (bits * s);
      p[c++] = (uint8_t)byte;
    }
  }
  return p;
}

/* conv_s8_w4_avx2 / conv_s8_w2_avx2 on x copied to the end of xend, with the
   padded phase-split copy's geometry and tap offsets (K padded with 0s) or x
   itself for a 1x1 stride-1 unpadded layer, as int8_kernels_test's conv_x86
   states them, and the bias less 128 x each channel's weight sum. */
static void conv_avx2(int32_t bits, int t, int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH,
                      int32_t KW, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt,
                      int32_t pl, int32_t in_off, int32_t out_off, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, G = 32 / bits, Kp = (K + G - 1) / G * G, Hp = (OH - 1) * sh + (KH - 1) * dh + 1,
                Wq = OW + (KW - 1) * dw / sw, n = N * M * OH * OW;
  const int32_t direct = KH == 1 && KW == 1 && sh == 1 && sw == 1 && !pt && !pl && OH == H && OW == W;
  int8_t *xe = xend + MAXB - N * C * H * W;
  const uint8_t *wp = pack_conv_avx2(M, K, bits);
  int32_t c, i, j, k = 0, m;
  for (i = 0; i < N * C * H * W; ++i)
    xe[i] = x[i];
  for (c = 0; c < C; ++c)
    for (i = 0; i < KH; ++i)
      for (j = 0; j < KW; ++j)
        taps[k++] = direct ? c * H * W : ((c * Hp + i * dh) * sw + (j * dw) % sw) * Wq + (j * dw) / sw;
  while (k < Kp)
    taps[k++] = 0;
  for (m = 0; m < M; ++m) {
    uint32_t s = 0;
    for (i = 0; i < K; ++i)
      s += (uint32_t)w[m * K + i];
    bias_u[m] = (int32_t)((uint32_t)bias_eff[m] - 128u * s);
  }
  poison(n);
  if (bits == 4)
    emlc_conv_s8_w4_avx2(xe, wp, xpad, col, wdec, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps,
                         -in_off, out_off, bias_u, mult, shift, lo, hi);
  else
    emlc_conv_s8_w2_avx2(xe, wp, xpad, col, wdec, y_opt, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps,
                         -in_off, out_off, bias_u, mult, shift, lo, hi);
  bad += check(bits == 4 ? "conv_s8_w4_avx2" : "conv_s8_w2_avx2", n, t), ++cases;
}

/* fully_connected_s8_w4_avx2 / _w2_avx2 on x copied to the end of xend. */
static void fc_avx2(int32_t bits, int t, int32_t M, int32_t K, int32_t N, int32_t out_off, int32_t lo, int32_t hi) {
  int8_t *xe = xend + MAXB - M * K;
  const uint8_t *wp = pack_fc_avx2(N, K, bits);
  int32_t i;
  for (i = 0; i < M * K; ++i)
    xe[i] = x[i];
  poison(M * N);
  if (bits == 4)
    emlc_fully_connected_s8_w4_avx2(xe, wp, (int8_t *)col, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
  else
    emlc_fully_connected_s8_w2_avx2(xe, wp, (int8_t *)col, y_opt, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
  bad += check(bits == 4 ? "fully_connected_s8_w4_avx2" : "fully_connected_s8_w2_avx2", M * N, t), ++cases;
}

/* dwconv3x3_s8_w4_avx2 / _w2_avx2 (strides up to 2) on x at the end of xend, weights as pack_dw left them. */
static void dw_avx2(int32_t bits, int t, int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                    int32_t sw, int32_t pt, int32_t pl, int32_t in_off, int32_t out_off, int32_t lo, int32_t hi) {
  int8_t *xe = xend + MAXB - N * C * H * W;
  int32_t i;
  for (i = 0; i < N * C * H * W; ++i)
    xe[i] = x[i];
  poison(N * C * OH * OW);
  if (bits == 4)
    emlc_dwconv3x3_s8_w4_avx2(xe, packed, wrow, xpad, y_opt, N, C, H, W, OH, OW, sh, sw, pt, pl, -in_off, out_off,
                              bias_eff, mult, shift, lo, hi);
  else
    emlc_dwconv3x3_s8_w2_avx2(xe, packed, wrow, xpad, y_opt, N, C, H, W, OH, OW, sh, sw, pt, pl, -in_off, out_off,
                              bias_eff, mult, shift, lo, hi);
  bad += check(bits == 4 ? "dwconv3x3_s8_w4_avx2" : "dwconv3x3_s8_w2_avx2", N * C * OH * OW, t), ++cases;
}
#define CONV_AVX2(...) conv_avx2(__VA_ARGS__)
#define FC_AVX2(...) fc_avx2(__VA_ARGS__)
#define DW_AVX2(...) dw_avx2(__VA_ARGS__)
#else
#define CONV_AVX2(...) (void)0
#define FC_AVX2(...) (void)0
#define DW_AVX2(...) (void)0
#endif

/* The Arm convolutions (one group) of a case the reference has computed into y_ref. */
static void conv_arm(int32_t bits, int kind, int t, int32_t N, int32_t C, int32_t H, int32_t Wd, int32_t M, int32_t KH,
                     int32_t KW, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt,
                     int32_t pl, int32_t in_off, int32_t out_off, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, n = N * M * OH * OW, exact = !dsp_domain(M) || t % 5 == 1; /* else the DSP form */
  taps_im2col(C, H, Wd, KH, KW, dh, dw);
  pack_conv_dsp(M, K, bits);
  poison(n);
  if (bits == 4)
    emlc_conv_s8_w4_dsp(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                        out_off, bias_eff, mult, shift, exact, lo, hi);
  else
    emlc_conv_s8_w2_dsp(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                        out_off, bias_eff, mult, shift, exact, lo, hi);
  bad += check(bits == 4 ? "conv_s8_w4_dsp" : "conv_s8_w2_dsp", n, t), ++cases;
  if (kind == 3) {
    pack_w4_mve(M, K);
    tables_w4_mve(M, C, KH, KW, dh, dw);
    taps_to_mve_form(taps, K);
    poison(n);
    emlc_conv_s8_w4_mve(x, wpk, col, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, -in_off, taps,
                        out_off, bias_eff, mult, shift, exact, lo, hi);
    bad += check("conv_s8_w4_mve", n, t), ++cases;
  }
}

/* The Arm fully connected kernels of a case in y_ref. */
static void fc_arm(int32_t bits, int kind, int t, int32_t M, int32_t K, int32_t N, int32_t out_off, int32_t lo,
                   int32_t hi) {
  const int32_t exact = !dsp_domain(N) || t % 5 == 1; /* TFLite's requantization, else the DSP form */
  poison(M * N);
  if (bits == 4) {
    pack_fc_w4_dsp(N, K);
    emlc_fully_connected_s8_w4_dsp(x, wpk, col, y_opt, M, K, N, bias_eff, out_off, mult, shift, exact, lo, hi);
  } else {
    pack_fc_w2_dsp(N, K);
    emlc_fully_connected_s8_w2_dsp(x, wpk, col, y_opt, M, K, N, bias_eff, out_off, mult, shift, exact, lo, hi);
  }
  bad += check(bits == 4 ? "fully_connected_s8_w4_dsp" : "fully_connected_s8_w2_dsp", M * N, t), ++cases;
  if (kind == 3) {
    pack_w4_mve(N, K);
    poison(M * N);
    emlc_fully_connected_s8_w4_mve(x, wpk, col, y_opt, M, K, N, bias_eff, out_off, mult, shift, exact, lo, hi);
    bad += check("fully_connected_s8_w4_mve", M * N, t), ++cases;
  }
}

static void fc_case(int t, int32_t M, int32_t K, int32_t N) {
  const int32_t kind = t % 4, in_off = rnd(-127, 128), out_off = rnd(-128, 127);
  int32_t i, bits, lo = rnd(-128, 0), hi = rnd(lo, 127);
  if (t % 5 == 0)
    lo = -128, hi = 127;
  for (i = 0; i < M * K; ++i)
    x[i] = (int8_t)rnd(-128, 127);
  bits = random_weights(N * K, kind);
  random_requant(N, K, in_off, t);
  pack(N, K, bits);
  emlc_fully_connected_s8(x, w, bias, y_ref, M, K, N, in_off, out_off, mult, shift, lo, hi);
  poison(M * N);
  if (bits == 4)
    emlc_fully_connected_s8_w4(x, packed, y_opt, M, K, N, out_off, bias_eff, mult, shift, lo, hi);
  else
    emlc_fully_connected_s8_w2(x, packed, y_opt, M, K, N, out_off, bias_eff, mult, shift, lo, hi);
  bad += check(bits == 4 ? "fully_connected_s8_w4" : "fully_connected_s8_w2", M * N, t), ++cases;
  fc_arm(bits, kind, t, M, K, N, out_off, lo, hi);
  FC_AVX2(bits, t, M, K, N, out_off, lo, hi);
}

#if defined(__AVX2__)
/* The AVX2 convolutions on larger planes (several 16-pixel columns, partial
   slots), more channels and strides, every weight kind. */
static void conv_avx2_planes(void) {
  int t;
  for (t = 0; t < 80; ++t) {
    const int32_t kind = t % 4, KH = rnd(1, 3), KW = rnd(1, 5), sh = rnd(1, 2), sw = rnd(1, 2), dh = rnd(1, 2),
                  dw = t % 7 == 0 ? 2 : 1, C = rnd(1, 24), H = rnd(KH * dh, 20), Wd = rnd(KW * dw, 26),
                  pt = rnd(0, KH - 1), pl = rnd(0, KW - 1), pb = rnd(0, KH - 1), pr = rnd(0, KW - 1),
                  OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1, OW = (Wd + pl + pr - ((KW - 1) * dw + 1)) / sw + 1,
                  K = C * KH * KW, M = EMLC_MIN(rnd(1, 40), MAXB / K), in_off = rnd(-127, 128),
                  out_off = rnd(-128, 127);
    int32_t i, bits, lo = rnd(-128, 0), hi = rnd(lo, 127);
    if (C * H * Wd > MAXB || M * OH * OW > MAXB || C * ((OH - 1) * sh + (KH - 1) * dh + 1) * (OW + 4) * 2 > 8 * MAXB)
      continue;
    for (i = 0; i < C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    bits = random_weights(M * K, kind);
    random_requant(M, K, in_off, t);
    emlc_conv2d_s8(x, w, bias, y_ref, 1, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, 1, in_off, out_off, mult,
                   shift, lo, hi);
    conv_avx2(bits, t, 1, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, in_off, out_off, lo, hi);
  }
}
#endif

int main(void) {
  int t;
  for (t = 0; t < 400; ++t) {
    const int32_t N = rnd(1, 2), groups_kind = rnd(0, 2), kind = t % 4; /* 0: dense, 1: depthwise, 2: 2 groups */
    int32_t C = rnd(1, 9), M, KH = rnd(1, 3), KW = rnd(1, 3), sh = rnd(1, 2), sw = rnd(1, 2), dh = rnd(1, 2),
            dw = rnd(1, 2), H = rnd(1, 9), Wd = rnd(1, 11), pt = rnd(0, 2), pl = rnd(0, 2), pb = rnd(0, 2),
            pr = rnd(0, 2), groups = 1, OH, OW, i, cg, bits, in_off = rnd(-127, 128), out_off = rnd(-128, 127), lo, hi;
    if (groups_kind == 1) {
      groups = M = C;
      if (t % 2 == 0) /* the depthwise 3x3 kernels' shapes */
        KH = KW = 3, dh = dw = 1;
    } else if (groups_kind == 2) {
      C = 2 * rnd(1, 4), groups = 2, M = 2 * rnd(1, 4);
    } else {
      M = rnd(1, 9);
    }
    pt = pt >= KH ? KH - 1 : pt, pb = pb >= KH ? KH - 1 : pb, pl = pl >= KW ? KW - 1 : pl, pr = pr >= KW ? KW - 1 : pr;
    OH = (H + pt + pb - ((KH - 1) * dh + 1)) / sh + 1;
    OW = (Wd + pl + pr - ((KW - 1) * dw + 1)) / sw + 1;
    if (OH < 1 || OW < 1)
      continue;
    cg = C / groups;
    for (i = 0; i < N * C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    bits = random_weights(M * cg * KH * KW, kind);
    lo = rnd(-128, 0), hi = rnd(lo, 127);
    if (t % 5 == 0)
      lo = -128, hi = 127;
    random_requant(M, cg * KH * KW, in_off, t);
    pack(M, cg * KH * KW, bits);
    emlc_conv2d_s8(x, w, bias, y_ref, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, in_off, out_off,
                   mult, shift, lo, hi);
    poison(N * M * OH * OW);
    if (bits == 4)
      emlc_conv2d_s8_w4(x, packed, bias, wrow, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups,
                        in_off, out_off, bias_eff, mult, shift, lo, hi);
    else
      emlc_conv2d_s8_w2(x, packed, bias, wrow, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups,
                        in_off, out_off, bias_eff, mult, shift, lo, hi);
    bad += check(bits == 4 ? "conv2d_s8_w4" : "conv2d_s8_w2", N * M * OH * OW, t), ++cases;
    if (groups == 1) {
      conv_arm(bits, kind, t, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, in_off, out_off, lo, hi);
      CONV_AVX2(bits, t, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, in_off, out_off, lo, hi);
    }
    if (groups_kind == 1 && KH == 3 && KW == 3 && dh == 1 && dw == 1) {
      pack_dw(C, bits);
      poison(N * M * OH * OW);
      if (bits == 4)
        emlc_dwconv3x3_s8_w4_scalar(x, packed, wrow, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                                    out_off, bias_eff, mult, shift, lo, hi);
      else
        emlc_dwconv3x3_s8_w2_scalar(x, packed, wrow, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                                    out_off, bias_eff, mult, shift, lo, hi);
      bad += check(bits == 4 ? "dwconv3x3_s8_w4_scalar" : "dwconv3x3_s8_w2_scalar", N * M * OH * OW, t), ++cases;
      DW_AVX2(bits, t, N, C, H, Wd, OH, OW, sh, sw, pt, pl, in_off, out_off, lo, hi);
    }
    if (groups_kind == 1 && KH == 3 && KW == 3 && dh == 1 && dw == 1 && dsp_domain(M)) {
      poison(N * M * OH * OW);
      if (bits == 4)
        emlc_dwconv3x3_s8_w4_dsp(x, packed, wrow, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                                 out_off, bias_eff, mult, shift, lo, hi);
      else
        emlc_dwconv3x3_s8_w2_dsp(x, packed, wrow, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                                 out_off, bias_eff, mult, shift, lo, hi);
      bad += check(bits == 4 ? "dwconv3x3_s8_w4_dsp" : "dwconv3x3_s8_w2_dsp", N * M * OH * OW, t), ++cases;
    }
    /* Helium's: TFLite's tables, any shift */
    if (groups_kind == 1 && KH == 3 && KW == 3 && dh == 1 && dw == 1 && bits == 4 &&
        2 * ((OW - 1) * sw + 3) + 2 < 256) {
      poison(N * M * OH * OW);
      emlc_dwconv3x3_s8_w4_mve(x, packed, wrow, (int8_t *)col, y_opt, N, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                               out_off, bias_eff, mult, shift, lo, hi);
      bad += check("dwconv3x3_s8_w4_mve", N * M * OH * OW, t), ++cases;
    }
  }
  for (t = 0; t < 60; ++t) { /* longer rows: several weight groups per channel, 1x1 and 3x3 */
    const int32_t kind = t % 4, k3 = t % 2 ? 3 : 1, C = rnd(8, 48), H = rnd(3, 7), Wd = rnd(3, 9), pad = k3 / 2;
    const int32_t K = C * k3 * k3, m = rnd(1, 24), M = EMLC_MIN(m, MAXB / K), in_off = rnd(-127, 128),
                  out_off = rnd(-128, 127);
    int32_t i, bits, lo = rnd(-128, 0), hi = rnd(lo, 127);
    for (i = 0; i < C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    bits = random_weights(M * K, kind);
    random_requant(M, K, in_off, t);
    pack(M, K, bits);
    emlc_conv2d_s8(x, w, bias, y_ref, 1, C, H, Wd, M, k3, k3, H, Wd, 1, 1, 1, 1, pad, pad, 1, in_off, out_off, mult,
                   shift, lo, hi);
    poison(M * H * Wd);
    if (bits == 4)
      emlc_conv2d_s8_w4(x, packed, bias, wrow, y_opt, 1, C, H, Wd, M, k3, k3, H, Wd, 1, 1, 1, 1, pad, pad, 1, in_off,
                        out_off, bias_eff, mult, shift, lo, hi);
    else
      emlc_conv2d_s8_w2(x, packed, bias, wrow, y_opt, 1, C, H, Wd, M, k3, k3, H, Wd, 1, 1, 1, 1, pad, pad, 1, in_off,
                        out_off, bias_eff, mult, shift, lo, hi);
    bad += check(bits == 4 ? "conv2d_s8_w4 long" : "conv2d_s8_w2 long", M * H * Wd, t), ++cases;
    conv_arm(bits, kind, t, 1, C, H, Wd, M, k3, k3, H, Wd, 1, 1, 1, 1, pad, pad, in_off, out_off, lo, hi);
    CONV_AVX2(bits, t, 1, C, H, Wd, M, k3, k3, H, Wd, 1, 1, 1, 1, pad, pad, in_off, out_off, lo, hi);
  }
  for (t = 0; t < 48; ++t) { /* first layers: 1 or 3 input channels, odd K, padding, stride 2, int4 [-7, 7] */
    const int32_t C = t % 2 ? 3 : 1,
                  k = t % 3 == 0   ? 3
                      : t % 3 == 1 ? 5
                                   : 1,
                  s = 1 + t / 2 % 2, p = k / 2, H = rnd(k, 14), Wd = rnd(k, 14), M = rnd(1, 17), K = C * k * k,
                  in_off = rnd(-127, 128), out_off = rnd(-128, 127), OH = (H + 2 * p - k) / s + 1,
                  OW = (Wd + 2 * p - k) / s + 1;
    int32_t i, lo = rnd(-128, 0), hi = rnd(lo, 127);
    for (i = 0; i < C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    random_weights(M * K, 3);
    random_requant(M, K, in_off, t);
    emlc_conv2d_s8(x, w, bias, y_ref, 1, C, H, Wd, M, k, k, OH, OW, s, s, 1, 1, p, p, 1, in_off, out_off, mult, shift,
                   lo, hi);
    conv_arm(4, 3, t, 1, C, H, Wd, M, k, k, OH, OW, s, s, 1, 1, p, p, in_off, out_off, lo, hi);
  }
  for (t = 0; t < 80; ++t) { /* depthwise 3x3 on wider planes and more channels */
    const int32_t C = rnd(1, 24), H = rnd(3, 18), Wd = rnd(3, 20), sh = rnd(1, 2), sw = rnd(1, 2), pt = rnd(0, 1),
                  pl = rnd(0, 1), pb = rnd(0, 1), pr = rnd(0, 1), kind = t % 3, in_off = rnd(-127, 128),
                  out_off = rnd(-128, 127), OH = (H + pt + pb - 3) / sh + 1, OW = (Wd + pl + pr - 3) / sw + 1;
    int32_t i, bits, lo = rnd(-128, 0), hi = rnd(lo, 127);
    if (C * H * Wd > MAXB || C * OH * OW > MAXB)
      continue;
    for (i = 0; i < C * H * Wd; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    bits = random_weights(9 * C, kind);
    random_requant(C, 9, in_off, t / 3); /* not t: its kind and the DSP domain would go together */
    emlc_conv2d_s8(x, w, bias, y_ref, 1, C, H, Wd, C, 3, 3, OH, OW, sh, sw, 1, 1, pt, pl, C, in_off, out_off, mult,
                   shift, lo, hi);
    pack_dw(C, bits);
    poison(C * OH * OW);
    if (bits == 4)
      emlc_dwconv3x3_s8_w4_scalar(x, packed, wrow, (int8_t *)col, y_opt, 1, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                                  out_off, bias_eff, mult, shift, lo, hi);
    else
      emlc_dwconv3x3_s8_w2_scalar(x, packed, wrow, (int8_t *)col, y_opt, 1, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                                  out_off, bias_eff, mult, shift, lo, hi);
    bad += check(bits == 4 ? "dwconv3x3_s8_w4_scalar wide" : "dwconv3x3_s8_w2_scalar wide", C * OH * OW, t), ++cases;
    DW_AVX2(bits, t, 1, C, H, Wd, OH, OW, sh, sw, pt, pl, in_off, out_off, lo, hi);
    if (!dsp_domain(C))
      continue;
    poison(C * OH * OW);
    if (bits == 4)
      emlc_dwconv3x3_s8_w4_dsp(x, packed, wrow, (int8_t *)col, y_opt, 1, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                               out_off, bias_eff, mult, shift, lo, hi);
    else
      emlc_dwconv3x3_s8_w2_dsp(x, packed, wrow, (int8_t *)col, y_opt, 1, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                               out_off, bias_eff, mult, shift, lo, hi);
    bad += check(bits == 4 ? "dwconv3x3_s8_w4_dsp wide" : "dwconv3x3_s8_w2_dsp wide", C * OH * OW, t), ++cases;
    if (bits == 4) {
      poison(C * OH * OW);
      emlc_dwconv3x3_s8_w4_mve(x, packed, wrow, (int8_t *)col, y_opt, 1, C, H, Wd, OH, OW, sh, sw, pt, pl, -in_off,
                               out_off, bias_eff, mult, shift, lo, hi);
      bad += check("dwconv3x3_s8_w4_mve wide", C * OH * OW, t), ++cases;
    }
  }
  for (t = 0; t < 200; ++t) { /* fully connected: odd K exercises the last partial byte */
    const int32_t M = rnd(1, 3), K = rnd(1, 70), N = rnd(1, 40); /* one call each: a defined order */
    fc_case(t, M, K, N);
  }
  for (t = 0; t < 60; ++t) { /* long rows (the autoencoder's 640) */
    const int32_t K = rnd(64, 700), M = rnd(1, 2), N = rnd(1, EMLC_MIN(24, MAXB / K));
    fc_case(t, M, K, N);
  }
#if defined(__AVX2__)
  conv_avx2_planes();
  {
    static const char *const avx2[] = {
        "conv_s8_w4_avx2",      "conv_s8_w2_avx2",     "fully_connected_s8_w4_avx2", "fully_connected_s8_w2_avx2",
        "dwconv3x3_s8_w4_avx2", "dwconv3x3_s8_w2_avx2"};
    for (t = 0; t < 6; ++t)
      if (!runs_of(avx2[t])) {
        printf("NOT RUN %s\n", avx2[t]);
        ++bad;
      }
  }
#endif
  for (t = 0; t < nnames; ++t)
    printf("%-32s %d cases\n", names[t], runs[t]);
  printf("lowbit kernels: %d cases, %d mismatches\n", cases, bad);
  return bad;
}
