/* Kernels with weights packed below 8 bits (int4; int2 and ternary share the
   2-bit kernels) against the portable int8 references conv2d_s8 and
   fully_connected_s8 run on the same integer weights unpacked, on random
   shapes (odd channel counts and row lengths, strides, dilations, padding,
   groups, depthwise), random data and requantization parameters. The
   packing is stated here independently of the compiler (packLowBit in
   LayerFacts.cpp): rows byte-aligned, lowest bits first. Built and run on
   the host and, by run_kernel_tests.py TARGET lowbit, under QEMU. Prints one
   line and returns the number of mismatching cases. */
#include <stdio.h>
#include "../../targets/generic/kernels/prelude.h"
#include "../../targets/generic/kernels/int8.c"
#include "../../targets/generic/kernels/lowbit.c"

static uint32_t seed = 2024u;
static int32_t rnd(int32_t lo, int32_t hi) { /* inclusive */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}

#define MAXB 8192
static int8_t x[MAXB], w[MAXB], y_ref[MAXB], y_opt[MAXB], wrow[MAXB];
static uint8_t packed[MAXB];
static int32_t bias[64], bias_eff[64], mult[64], shift[64];

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

/* Random weights in the range of `kind`: 0 int4 [-8, 7], 1 int2 [-2, 1], 2 ternary [-1, 1]. */
static int32_t random_weights(int32_t n, int kind) {
  const int32_t lo = kind == 0 ? -8 : kind == 1 ? -2 : -1, hi = kind == 0 ? 7 : 1;
  int32_t i;
  for (i = 0; i < n; ++i)
    w[i] = (int8_t)rnd(lo, hi);
  return kind == 0 ? 4 : 2;
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

static int check(const char *what, int32_t n, int t) {
  int32_t i;
  for (i = 0; i < n; ++i)
    if (y_ref[i] != y_opt[i]) {
      printf("MISMATCH %s (case %d) at %ld: %d vs %d\n", what, t, (long)i, y_ref[i], y_opt[i]);
      return 1;
    }
  return 0;
}

int main(void) {
  int cases = 0, bad = 0, t;
  for (t = 0; t < 300; ++t) {
    const int32_t N = rnd(1, 2), groups_kind = rnd(0, 2), kind = t % 3; /* 0: dense, 1: depthwise, 2: 2 groups */
    int32_t C = rnd(1, 9), M, KH = rnd(1, 3), KW = rnd(1, 3), sh = rnd(1, 2), sw = rnd(1, 2), dh = rnd(1, 2),
            dw = rnd(1, 2), H = rnd(1, 9), Wd = rnd(1, 11), pt = rnd(0, 2), pl = rnd(0, 2), pb = rnd(0, 2),
            pr = rnd(0, 2), groups = 1, OH, OW, i, cg, bits, in_off = rnd(-127, 128), out_off = rnd(-128, 127), lo, hi;
    if (groups_kind == 1) {
      groups = M = C;
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
    if (t % 4 == 0)
      lo = -128, hi = 127;
    random_requant(M, cg * KH * KW, in_off, t);
    pack(M, cg * KH * KW, bits);
    emlc_conv2d_s8(x, w, bias, y_ref, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups, in_off, out_off,
                   mult, shift, lo, hi);
    if (bits == 4)
      emlc_conv2d_s8_w4(x, packed, bias, wrow, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups,
                        in_off, out_off, bias_eff, mult, shift, lo, hi);
    else
      emlc_conv2d_s8_w2(x, packed, bias, wrow, y_opt, N, C, H, Wd, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, groups,
                        in_off, out_off, bias_eff, mult, shift, lo, hi);
    bad += check(bits == 4 ? "conv2d_s8_w4" : "conv2d_s8_w2", N * M * OH * OW, t), ++cases;
  }
  for (t = 0; t < 200; ++t) { /* fully connected: odd K exercises the last partial byte */
    const int32_t M = rnd(1, 3), K = rnd(1, 70), N = rnd(1, 40), kind = t % 3, in_off = rnd(-127, 128),
                  out_off = rnd(-128, 127);
    int32_t i, bits, lo = rnd(-128, 0), hi = rnd(lo, 127);
    for (i = 0; i < M * K; ++i)
      x[i] = (int8_t)rnd(-128, 127);
    bits = random_weights(N * K, kind);
    random_requant(N, K, in_off, t);
    pack(N, K, bits);
    emlc_fully_connected_s8(x, w, bias, y_ref, M, K, N, in_off, out_off, mult, shift, lo, hi);
    if (bits == 4)
      emlc_fully_connected_s8_w4(x, packed, y_opt, M, K, N, out_off, bias_eff, mult, shift, lo, hi);
    else
      emlc_fully_connected_s8_w2(x, packed, y_opt, M, K, N, out_off, bias_eff, mult, shift, lo, hi);
    bad += check(bits == 4 ? "fully_connected_s8_w4" : "fully_connected_s8_w2", M * N, t), ++cases;
  }
  printf("lowbit kernels: %d cases, %d mismatches\n", cases, bad);
  return bad;
}
