// @kernel mve_w4_impl
// @requires mve_impl
/* int4 weights on Helium: two output channels A and B share a byte per tap,
   stored as the integer 16 a + b (a, b in [-7, 7], so the byte is in
   [-119, 119] and 4 bits a weight). VMLADAVA of the bytes gives
   16 sum(x a) + sum(x b); shifted left by 4 (VSHL.I8: the low nibble, 16 b
   exactly) it gives 16 sum(x b): one vector shift decodes 32 weights, so a
   step costs what the int8 kernels' does (one load of 16 bytes, and the
   shift, per 32 weights instead of two loads). EMLC_W4_DOT: 16 taps of the
   pair against an input row x into the accumulators h (the bytes, mve_impl's
   emlc_dot16_s8) and l (the shifted bytes). */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* The shifted bytes' product: VSHL.I8 #4 of the weights, VMLADAVA. */
#define EMLC_W4_LO(acc, lv, x) vmladavaq_s8((acc), (lv), vldrbq_s8(x))
#define EMLC_W4_SHIFTED(w) vshlq_n_s8(vldrbq_s8(w), 4)
#else
static int32_t emlc_dot16_w4lo_c(int32_t acc, const int8_t *w, const int8_t *x) {
  int32_t i;
  for (i = 0; i < 16; ++i)
    acc += (int32_t)(int8_t)(uint8_t)((uint32_t)(uint8_t)w[i] << 4) * x[i];
  return acc;
}
#define EMLC_W4_LO(acc, w, x) emlc_dot16_w4lo_c((acc), (w), (x))
#define EMLC_W4_SHIFTED(w) (w)
#endif
#define EMLC_W4_DOT(w, x, h, l)                                                                                        \
  do {                                                                                                                 \
    h = emlc_dot16_s8(h, (w), (x));                                                                                    \
    l = EMLC_W4_LO(l, EMLC_W4_SHIFTED(w), (x));                                                                        \
  } while (0)
/* Channel A's sum from the bytes' accumulator h and the shifted one l. */
#define EMLC_W4_SUM_A(h, l) (((h) - ((l) >> 4)) >> 4)
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* Four accumulators requantized at once by the DSP form (the kernels' domain
   without `exact`), as dwconv3x3_s8_mve does: VQRDMULH equals SMMULR of 2x
   there, and adding the sign before VRSHL's round-half-up rounds half away
   from zero; then the offset and the clamp. mult/shift: the lanes' tables. */
static int32x4_t emlc_requant4_dsp_mve(int32x4_t v, int32x4_t mult, int32x4_t shift, int32_t out_off, int32x4_t lo,
                                       int32x4_t hi) {
  v = vqrdmulhq_s32(v, mult);
  v = vrshlq_s32(vaddq_s32(v, vshrq_n_s32(v, 31)), shift);
  return vminq_s32(vmaxq_s32(vaddq_n_s32(v, out_off), lo), hi);
}
#endif

// @kernel conv4_s8_w4_mve_impl
// @requires mve_w4_impl
// @requires requant_exact_mve_impl
// @requires store_conv_lowbit_impl
/* conv_s8_w4_mve's channel loop over the columns of four pixels (col: Kp/16
   chunks of 4 x 16 bytes, im2col4_s8_impl's): per channel pair (m, m+1)
   (bytes 16 w[m] + w[m+1], row m/2 of w) the bytes' four sums with the
   columns, then the shifted bytes' four (mve_w4_impl), which give both
   channels' sums; each channel's four requantized (with `exact` as TFLite
   does, requant_exact_mve_impl) and stored as one vector at y + m * P (`cnt`
   of them; without Helium store_conv_lowbit_impl). Its
   own function: the accumulators and the pointers stay in registers. When Kp
   is 16 the columns stay in registers across the channels. */
/* The channel-pair loop; emlc_conv4_s8_w4_mve inlines it three times: the DSP requantization for whole blocks
   (cnt 4, a constant: stores without a predicate) and for the last one, and TFLite's (`exact`). */
EMLC_MVE_INLINE void emlc_conv4_rows_s8_w4_mve(const int8_t *w, const int8_t *col, int8_t *y, int32_t M, int32_t Kp,
                                               int32_t P, int32_t cnt, const int32_t *bias_eff, const int32_t *mult,
                                               const int32_t *shift, int32_t exact, int32_t out_off, int32_t lo,
                                               int32_t hi) {
  int32_t m, i;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
  const mve_pred16_t lanes = vctp32q((uint32_t)cnt);
  int8x16_t c0 = vdupq_n_s8(0), c1 = c0, c2 = c0, c3 = c0;
  if (Kp == 16)
    c0 = vldrbq_s8(col), c1 = vldrbq_s8(col + 16), c2 = vldrbq_s8(col + 32), c3 = vldrbq_s8(col + 48);
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && defined(__GNUC__)
  if (cnt == 4 && !exact && Kp > 16 && M > 0 && !(M & 1)) {
    /* The whole channel-pair loop in asm (gcc's code for the loop below spilled its live values): the bytes'
       MAC loop, their four sums moved into q2, the weights' pointer back to the row, the shifted bytes' loop
       (mve_w4_impl), then both channels' four sums (B's: l >> 4; A's: (h - (l >> 4)) >> 4) requantized in the
       DSP form and stored. The accumulators (even registers) take the chunk count, the row length, bias,
       multiplier, shift and stride, which stay in memory with the columns' address. */
    const int32x4_t offv = vdupq_n_s32(out_off);
    const int32_t *bp = bias_eff, *mp = mult, *sp = shift;
    const int8_t *c, *col0 = col;
    const int32_t n = Kp >> 4;
    int32_t a0, a1, a2, a3, left = M;
#define EMLC_W4_PASS(DECODE)                                                                                           \
  "ldr %[a1], %[n]\n"                                                                                                  \
  "dls lr, %[a1]\n"                                                                                                    \
  "movs %[a0], #0\n"                                                                                                   \
  "movs %[a1], #0\n"                                                                                                   \
  "movs %[a2], #0\n"                                                                                                   \
  "movs %[a3], #0\n"                                                                                                   \
  "ldr %[c], %[col]\n"                                                                                                 \
  "1:\n" EMLC_MVE_DOT4_BODY(DECODE, 1)
#define EMLC_W4_STORE(q)                                                                                               \
  "ldr %[a0], [%[bp]], #4\n"                                                                                           \
  "ldr %[a1], [%[mp]], #4\n"                                                                                           \
  "ldr %[a2], [%[sp]], #4\n"                                                                                           \
  "vadd.i32 " q ", " q ", %[a0]\n" EMLC_MVE_REQUANT_DSP_STORE(q, "%[a1]", "%[a2]", "%q[off]")                          \
  "ldr %[a0], %[P]\n"                                                                                                  \
  "add %[y], %[y], %[a0]\n"
    __asm__ volatile("2:\n" EMLC_W4_PASS("") "vmov q2[2], q2[0], %[a0], %[a2]\n"
                                             "vmov q2[3], q2[1], %[a1], %[a3]\n"
                                             "ldr %[a0], %[Kp]\n"
                                             "sub %[w], %[w], %[a0]\n" EMLC_W4_PASS("vshl.i8 q0, q0, #4\n")
                                             "vmov q1[2], q1[0], %[a0], %[a2]\n"
                                             "vmov q1[3], q1[1], %[a1], %[a3]\n"
                                             "vshr.s32 q1, q1, #4\n"
                                             "vsub.i32 q2, q2, q1\n"
                                             "vshr.s32 q2, q2, #4\n" EMLC_W4_STORE("q2") EMLC_W4_STORE("q1")
                                             "subs %[left], %[left], #2\n"
                                             "bne 2b\n"
                     : [a0] "=&Te"(a0), [a1] "=&Te"(a1), [a2] "=&Te"(a2), [a3] "=&Te"(a3), [c] "=&r"(c), [w] "+r"(w),
                       [bp] "+r"(bp), [mp] "+r"(mp), [sp] "+r"(sp), [y] "+l"(y), [left] "+r"(left)
                     : [col] "m"(col0), [n] "m"(n), [Kp] "m"(Kp), [off] "w"(offv), [lo] "w"(vlo), [hi] "w"(vhi),
                       [P] "m"(P)
                     : "q0", "q1", "q2", "lr", "memory", "cc");
#undef EMLC_W4_PASS
#undef EMLC_W4_STORE
    (void)a0, (void)a1, (void)a2, (void)a3, (void)c, (void)lanes, (void)c0, (void)c1, (void)c2, (void)c3;
    return;
  }
#endif
  for (m = 0; m < M; m += 2, w += Kp) {
    const int32_t pair = m + 1 < M, b0 = bias_eff[m], b1 = pair ? bias_eff[m + 1] : 0;
    int32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0, l0 = 0, l1 = 0, l2 = 0, l3 = 0;
    int32_t a00, a01, a02, a03, a10, a11, a12, a13;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
    if (Kp == 16) {
      const int8x16_t wv = vldrbq_s8(w), lv = vshlq_n_s8(wv, 4);
      h0 = vmladavq_s8(wv, c0), h1 = vmladavq_s8(wv, c1), h2 = vmladavq_s8(wv, c2), h3 = vmladavq_s8(wv, c3);
      l0 = vmladavq_s8(lv, c0), l1 = vmladavq_s8(lv, c1), l2 = vmladavq_s8(lv, c2), l3 = vmladavq_s8(lv, c3);
    } else
#endif
    {
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && defined(__GNUC__)
      /* mve_impl's MAC loop twice: the bytes (10 instructions a chunk), then the shifted bytes (11) */
      const int8_t *wp = w, *c = col;
      i = Kp >> 4;
      EMLC_MVE_DOT4("", h0, h1, h2, h3, wp, c, i);
      wp = w, c = col;
      EMLC_MVE_DOT4("vshl.i8 q0, q0, #4\n", l0, l1, l2, l3, wp, c, i);
#else
      for (i = 0; i < Kp; i += 16) {
        EMLC_W4_DOT(w + i, col + 4 * i, h0, l0);
        EMLC_W4_DOT(w + i, col + 4 * i + 16, h1, l1);
        EMLC_W4_DOT(w + i, col + 4 * i + 32, h2, l2);
        EMLC_W4_DOT(w + i, col + 4 * i + 48, h3, l3);
      }
#endif
    }
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
    { /* both channels' four sums as vectors (EMLC_W4_SUM_A lane-wise), requantized as one */
      const int32x4_t lv4 = vshrq_n_s32(emlc_vec4_s32(l0, l1, l2, l3), 4);
      const int32x4_t v0 = vaddq_n_s32(vshrq_n_s32(vsubq_s32(emlc_vec4_s32(h0, h1, h2, h3), lv4), 4), b0);
      const int32x4_t r0 = emlc_requant4_out_mve(v0, exact, mult[m], shift[m], out_off, vlo, vhi);
      if (cnt == 4)
        vstrbq_s32(y + (int64_t)m * P, r0);
      else
        vstrbq_p_s32(y + (int64_t)m * P, r0, lanes);
      if (pair) {
        const int32x4_t r1 =
            emlc_requant4_out_mve(vaddq_n_s32(lv4, b1), exact, mult[m + 1], shift[m + 1], out_off, vlo, vhi);
        if (cnt == 4)
          vstrbq_s32(y + (int64_t)(m + 1) * P, r1);
        else
          vstrbq_p_s32(y + (int64_t)(m + 1) * P, r1, lanes);
      }
      continue;
    }
#endif
    a00 = b0 + EMLC_W4_SUM_A(h0, l0), a01 = b0 + EMLC_W4_SUM_A(h1, l1), a02 = b0 + EMLC_W4_SUM_A(h2, l2),
    a03 = b0 + EMLC_W4_SUM_A(h3, l3);
    a10 = b1 + (l0 >> 4), a11 = b1 + (l1 >> 4), a12 = b1 + (l2 >> 4), a13 = b1 + (l3 >> 4);
    emlc_store_2x2_lowbit(y + (int64_t)m * P, P, a00, a01, a10, a11, pair, cnt > 1, mult + m, shift + m, exact,
                          out_off, lo, hi);
    if (cnt > 2)
      emlc_store_2x2_lowbit(y + (int64_t)m * P + 2, P, a02, a03, a12, a13, pair, cnt > 3, mult + m, shift + m, exact,
                            out_off, lo, hi);
  }
}

static EMLC_NOINLINE void emlc_conv4_s8_w4_mve(const int8_t *w, const int8_t *col, int8_t *y, int32_t M, int32_t Kp,
                                               int32_t P, int32_t cnt, const int32_t *bias_eff, const int32_t *mult,
                                               const int32_t *shift, int32_t exact, int32_t out_off, int32_t lo,
                                               int32_t hi) {
  if (exact)
    emlc_conv4_rows_s8_w4_mve(w, col, y, M, Kp, P, cnt, bias_eff, mult, shift, 1, out_off, lo, hi);
  else if (cnt == 4)
    emlc_conv4_rows_s8_w4_mve(w, col, y, M, Kp, P, 4, bias_eff, mult, shift, 0, out_off, lo, hi);
  else
    emlc_conv4_rows_s8_w4_mve(w, col, y, M, Kp, P, cnt, bias_eff, mult, shift, 0, out_off, lo, hi);
}

// @kernel conv_s8_w4_mve
// @requires mve_w4_impl
// @requires im2col4_s8_impl
// @requires conv4_s8_w4_mve_impl
/* int8 convolution (one group, NCHW) with int4 weights on Helium:
   conv_s8_mve's int8 im2col of four output pixels (col: 4 x Kp bytes,
   interleaved in 16-byte chunks; the same gathers, byte offsets and
   predicated border gathers) against the weights of channel pairs (m, m+1)
   stored [M/2][Kp] as the bytes 16 w[m] + w[m+1] (mve_w4_impl; a zero
   channel completing an odd count, K padded to a multiple of 16), followed
   by conv_s8_mve's window tables dy[Kp] and dx[Kp]; per pair and 16 taps one
   load and one shift of weights, and eight VMLADAVA for 128 MACs. NNToKernel
   gives it layers whose weights are in [-7, 7] with K <= 65536 (16 sum(x b)
   stays below 2^31). The DSP requantization, or with `exact` TFLite's
   (store_conv_lowbit_impl); arguments otherwise conv_s8_mve's. */
static void emlc_conv_s8_w4_mve(const int8_t *x, const int32_t *wpk, int32_t *colw, int8_t *y, int32_t N,
                                int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                                int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                int32_t pad, const int32_t *taps, int32_t out_off, const int32_t *bias_eff,
                                const int32_t *mult, const int32_t *shift, int32_t exact, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15, P = OH * OW;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *col = (int8_t *)colw;
  emlc_im2col_tables t;
  const uint32_t ihn = (uint32_t)EMLC_MAX(0, H - (KH - 1) * dh), iwn = (uint32_t)EMLC_MAX(0, W - (KW - 1) * dw);
  int32_t n, p, oh, ow;
  emlc_im2col_tables_init(&t, taps, (const uint8_t *)wpk + (int64_t)((M + 1) >> 1) * Kp, C, H, W, KH, KW, OH, OW, sh,
                          sw, dh, dw, pt, pl, Kp);
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0, oh = 0, ow = 0; p < P; p += 4) {
      const int32_t cnt = EMLC_MIN(4, P - p);
      emlc_im2col4x4_s8(xn, col, cnt, &oh, &ow, OW, sh, sw, pt, pl, ihn, iwn, &t, H, W, pad, Kp);
      emlc_conv4_s8_w4_mve(wb, col, yn + p, M, Kp, P, cnt, bias_eff, mult, shift, exact, out_off, lo, hi);
    }
  }
}

// @kernel fully_connected_s8_w4_mve
// @requires mve_w4_impl
// @requires store_fc_lowbit_impl
/* TFLite int8 fully connected with int4 weights on Helium: channel pairs
   (n, n+1) stored [N/2][Kp] as the bytes 16 w[n] + w[n+1] (mve_w4_impl; K
   padded to 16), the input row copied once into `xs` (Kp bytes,
   zero-padded); four channels (two pairs) per pass, per 16 taps two loads of
   weights, two shifts, one load of input and four VMLADAVA for 64 MACs.
   Weights in [-7, 7], K <= 65536; the requantization as
   fully_connected_s8_w4_dsp's. */
static void emlc_fully_connected_s8_w4_mve(const int8_t *x, const int32_t *wpk, int32_t *xsw, int8_t *y, int32_t M,
                                           int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                           const int32_t *mult, const int32_t *shift, int32_t exact, int32_t lo,
                                           int32_t hi) {
  const int32_t Kp = (K + 15) & ~15;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *xs = (int8_t *)xsw;
  int32_t m, n, k;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
#endif
  for (m = 0; m < M; ++m) {
    int8_t *yr = y + (int64_t)m * N;
    memcpy(xs, x + (int64_t)m * K, (size_t)K);
    memset(xs + K, 0, (size_t)(Kp - K));
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *w0 = wb + (int64_t)(n >> 1) * Kp, *w1 = cnt > 2 ? w0 + Kp : w0;
      int32_t h0 = 0, h1 = 0, l0 = 0, l1 = 0, a0, a1, a2, a3;
      for (k = 0; k < Kp; k += 16) {
        EMLC_W4_DOT(w0 + k, xs + k, h0, l0);
        EMLC_W4_DOT(w1 + k, xs + k, h1, l1);
      }
      a0 = bias_eff[n] + EMLC_W4_SUM_A(h0, l0), a1 = cnt > 1 ? bias_eff[n + 1] + (l0 >> 4) : 0;
      a2 = cnt > 2 ? bias_eff[n + 2] + EMLC_W4_SUM_A(h1, l1) : 0, a3 = cnt > 3 ? bias_eff[n + 3] + (l1 >> 4) : 0;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
      if (!exact) { /* the four outputs are consecutive */
        const mve_pred16_t lanes = vctp32q((uint32_t)cnt);
        const int32x4_t v = {a0, a1, a2, a3};
        vstrbq_p_s32(yr + n,
                     emlc_requant4_dsp_mve(v, vldrwq_z_s32(mult + n, lanes), vldrwq_z_s32(shift + n, lanes), out_off,
                                           vlo, vhi),
                     lanes);
        continue;
      }
#endif
      emlc_store_4_lowbit(yr + n, cnt, a0, a1, a2, a3, mult + n, shift + n, exact, out_off, lo, hi);
    }
  }
}

// @kernel dwconv3x3_s8_w4_mve
// @requires dwconv3x3_s8_mve
// @requires dw_lowbit_taps_impl
/* Depthwise 3x3 int8 convolution with int4 weights (dw_lowbit_taps_impl's
   layout) on Helium: the weights unpacked once into `kw` (9 C bytes of
   scratch), then dwconv3x3_s8_mve (same plane, domain, speed and sums). */
static void emlc_dwconv3x3_s8_w4_mve(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *plane, int8_t *y,
                                     int32_t N, int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh,
                                     int32_t sw, int32_t pt, int32_t pl, int32_t pad, int32_t out_off,
                                     const int32_t *bias_eff, const int32_t *mult, const int32_t *shift, int32_t lo,
                                     int32_t hi) {
  emlc_dw_lowbit_taps(w, C, 4, kw);
  emlc_dwconv3x3_s8_mve(x, kw, plane, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo,
                        hi);
}
