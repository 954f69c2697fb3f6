// @kernel lowbit_avx2_impl
// @requires avx2_s8_impl
/* AVX2 kernels for int8 layers whose weights are packed below 8 bits (4: int4;
   2: int2 and ternary), still `bits` a weight in flash, in layouts chosen by
   the compiler (targets/x86-avx2/lowering/LowBit.cpp). They multiply with
   VPMADDUBSW (unsigned bytes x signed bytes, pairs summed into int16 with
   saturation), which is exact here: one side is a weight of at most 4 bits,
   so |a b + c d| <= 2 x 255 x 8 = 4080 (or 2 x 15 x 128 = 3840) and a few
   such sums added in int16 stay far below 2^15; VPMADDWD by ones then widens
   to int32. The unsigned side carries an offset that comes off exactly (a
   compile-time bias or the input row's sum), so the int32 sums, and the
   requantization (emlc_requant8, TFLite's), are the portable kernels'.
   emlc_lowbit_lut: the signed value of each `bits`-bit field (VPSHUFB). */
static inline __attribute__((always_inline)) __m256i emlc_lowbit_lut(int32_t bits) {
  return bits == 4 ? _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7,
                                      -8, -7, -6, -5, -4, -3, -2, -1)
                   : _mm256_setr_epi8(0, 1, -2, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -2, -1, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0);
}

// @kernel gemm4x16_u8s8_impl
// @requires lowbit_avx2_impl
/* The GEMM tile of the low-bit convolutions: 4 output channels x 16 pixels
   (8 int32 accumulators). col: [K4][16 pixels][4] unsigned bytes (taps 4k..4k+3
   of a pixel in one 32-bit lane, the input + 128); wb: [K4][4 channels][4]
   signed weights (the block's decoded taps 4k..4k+3), K4 even. Per two steps:
   4 column loads, 8 broadcasts, 16 VPMADDUBSW, the two steps added in int16
   (|sum| <= 8160), 8 VPMADDWD by ones: 512 multiply-accumulates. The sums go
   to t[4][16]. Its own function, as gemm4x16_s8: the 16 vector registers. */
#define EMLC_U8S8_ROW(r)                                                                                          \
  w0 = _mm256_set1_epi32(wb[r]), w1 = _mm256_set1_epi32(wb[4 + r]),                                               \
  a##r##0 = _mm256_add_epi32(                                                                                     \
      a##r##0, _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(c00, w0), _mm256_maddubs_epi16(c10, w1)), \
                                 ones)),                                                                          \
  a##r##1 = _mm256_add_epi32(                                                                                     \
      a##r##1, _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(c01, w0), _mm256_maddubs_epi16(c11, w1)), \
                                 ones))
static EMLC_NOINLINE void emlc_gemm4x16_u8s8(const int32_t *wb, int32_t K4, const int32_t *col, const int32_t *b4,
                                             int32_t *t) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i a00 = _mm256_set1_epi32(b4[0]), a01 = a00, a10 = _mm256_set1_epi32(b4[1]), a11 = a10,
          a20 = _mm256_set1_epi32(b4[2]), a21 = a20, a30 = _mm256_set1_epi32(b4[3]), a31 = a30;
  int32_t k;
  for (k = 0; k < K4; k += 2, wb += 8, col += 32) {
    const __m256i c00 = _mm256_loadu_si256((const __m256i *)(const void *)col),
                  c01 = _mm256_loadu_si256((const __m256i *)(const void *)(col + 8)),
                  c10 = _mm256_loadu_si256((const __m256i *)(const void *)(col + 16)),
                  c11 = _mm256_loadu_si256((const __m256i *)(const void *)(col + 24));
    __m256i w0, w1;
    EMLC_U8S8_ROW(0), EMLC_U8S8_ROW(1), EMLC_U8S8_ROW(2), EMLC_U8S8_ROW(3);
  }
  _mm256_storeu_si256((__m256i *)(void *)t, a00), _mm256_storeu_si256((__m256i *)(void *)(t + 8), a01);
  _mm256_storeu_si256((__m256i *)(void *)(t + 16), a10), _mm256_storeu_si256((__m256i *)(void *)(t + 24), a11);
  _mm256_storeu_si256((__m256i *)(void *)(t + 32), a20), _mm256_storeu_si256((__m256i *)(void *)(t + 40), a21);
  _mm256_storeu_si256((__m256i *)(void *)(t + 48), a30), _mm256_storeu_si256((__m256i *)(void *)(t + 56), a31);
}
#undef EMLC_U8S8_ROW

// @kernel conv_lowbit_avx2_impl
// @requires lowbit_avx2_impl
// @requires requant8_s8_impl
// @requires pad_phase_s8_impl
// @requires gemm4x16_u8s8_impl
/* int8 convolution (one group, NCHW, any kernel/stride/dilation/padding)
   with `bits`-bit weights, conv_s8_avx2's scheme: the padded phase-split copy
   xp (or x itself when `direct`), an im2col column of 16 output pixels built
   once from 8-byte loads at taps[k] (K padded to Kp with taps at offset 0 of
   weight 0) and shared by every block of 4 output channels. The column holds
   4 taps per pixel per 32-bit lane as unsigned bytes x + 128 (x ^ 0x80); the
   weights are signed, so bias_u = bias_eff - 128 sum(w) (compile time) takes
   the offset off exactly, padding included (it holds the zero point `pad`).
   wpk: per block of 4 channels (zero channels completing M) and per 32 / bits
   taps (Kp a multiple of that), 16 bytes: byte 4c + t holds, in bits
   [bits s, bits s + bits), channel c's weight at tap 4s + t of the group (two's
   complement). A block's weights are decoded into wb (4 Kp bytes) once per 16
   pixels: a 16-byte load, a VPSRLVD and an AND per two fields of its bytes
   and a VPSHUFB sign table, against 4 x 16 x Kp MACs. xp: C*Hp*sw*Wq + 8
   bytes; col: Kp*16 bytes. Sums and results identical to conv2d_s8. */
static void emlc_conv_lowbit_avx2(int32_t bits, const int8_t *x, const uint8_t *wpk, int8_t *xp, int32_t *col,
                                  int32_t *wb, int8_t *y, int32_t N, int32_t C, int32_t H, int32_t W, int32_t M,
                                  int32_t K, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt, int32_t pl,
                                  int32_t Hp, int32_t Wq, int32_t direct, const int32_t *taps, int32_t pad,
                                  int32_t out_off, const int32_t *bias_u, const int32_t *mult, const int32_t *shift,
                                  int32_t lo, int32_t hi) {
  const int32_t G = 32 / bits, Kp = (K + G - 1) / G * G, K4 = Kp / 4, chunks = Kp / G, fields = 8 / bits;
  const int32_t P = OH * OW, cols = direct ? P : OW, slots = (direct ? 1 : OH) * ((cols + 7) / 8);
  const int64_t cs = (int64_t)Hp * sw * Wq, rowPitch = (int64_t)sh * sw * Wq;
  const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi), voff = _mm256_set1_epi32(out_off);
  const __m256i lut = emlc_lowbit_lut(bits), mask = _mm256_set1_epi8((char)((1 << bits) - 1));
  const __m128i flip = _mm_set1_epi8((char)0x80);
  int32_t n, c, s, j, k, mb, i, f;
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W, *base = xn;
    int8_t *yn = y + (int64_t)n * M * P;
    int32_t r = 0, c8 = 0; /* the next slot's row and first column */
    if (!direct) {
      for (c = 0; c < C; ++c)
        emlc_pad_phase_s8(xn + (int64_t)c * H * W, xp + c * cs, H, W, Hp, sw, Wq, pt, pl, pad);
      base = xp;
    }
    for (s = 0; s < slots; s += 2) {
      const int8_t *src[2] = {base, base}; /* past the last slot: the first again, not stored */
      int64_t out[2] = {0, 0};
      int32_t cnt[2] = {0, 0};
      for (j = 0; j < 2 && s + j < slots; ++j) {
        src[j] = base + r * rowPitch + c8, out[j] = (int64_t)r * OW + c8, cnt[j] = EMLC_MIN(8, cols - c8);
        if ((c8 += 8) >= cols)
          c8 = 0, ++r;
      }
      /* the column: per 4 taps and slot, 8 bytes of each tap interleaved into 4-byte lanes and flipped to
         unsigned. A partial slot's bytes are copied first (x itself may end there); past its pixels they are
         not stored */
      for (k = 0; k < K4; ++k)
        for (j = 0; j < 2; ++j) {
          __m128i v[4], ab, cd;
          int32_t q;
          for (q = 0; q < 4; ++q) {
            const int8_t *p = src[j] + taps[4 * k + q];
            if (cnt[j] == 8)
              v[q] = _mm_loadl_epi64((const __m128i *)(const void *)p);
            else {
              int8_t b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
              for (i = 0; i < cnt[j]; ++i)
                b[i] = p[i];
              v[q] = _mm_loadl_epi64((const __m128i *)(const void *)b);
            }
          }
          ab = _mm_unpacklo_epi8(v[0], v[1]), cd = _mm_unpacklo_epi8(v[2], v[3]);
          _mm_storeu_si128((__m128i *)(void *)(col + k * 16 + j * 8), _mm_xor_si128(_mm_unpacklo_epi16(ab, cd), flip));
          _mm_storeu_si128((__m128i *)(void *)(col + k * 16 + j * 8 + 4),
                           _mm_xor_si128(_mm_unpackhi_epi16(ab, cd), flip));
        }
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        const uint8_t *wq = wpk + (int64_t)(mb / 4) * chunks * 16;
        int32_t b4[4], t[4 * 16];
        for (i = 0; i < chunks; ++i) { /* decode the block: two fields of each byte per vector */
          const __m256i v = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(wq + 16 * i)));
          for (f = 0; f < fields; f += 2) {
            const __m256i sv = _mm256_setr_epi32(bits * f, bits * f, bits * f, bits * f, bits * (f + 1),
                                                 bits * (f + 1), bits * (f + 1), bits * (f + 1));
            _mm256_storeu_si256((__m256i *)(void *)(wb + (i * fields + f) * 4),
                                _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srlv_epi32(v, sv), mask)));
          }
        }
        for (i = 0; i < 4; ++i)
          b4[i] = i < rows ? bias_u[mb + i] : 0;
        emlc_gemm4x16_u8s8(wb, K4, col, b4, t);
        for (i = 0; i < rows; ++i)
          for (j = 0; j < 2; ++j)
            if (cnt[j]) {
              __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(t + 16 * i + 8 * j));
              v = _mm256_add_epi32(emlc_requant8(v, mult[mb + i], shift[mb + i]), voff);
              emlc_store_s8x8(yn + (int64_t)(mb + i) * P + out[j], _mm256_min_epi32(vhi, _mm256_max_epi32(vlo, v)),
                              cnt[j]);
            }
      }
    }
  }
}

// @kernel conv_s8_w4_avx2
// @requires conv_lowbit_avx2_impl
/* int8 convolution with int4 weights on AVX2 (conv_lowbit_avx2_impl: 16
   bytes per 4 channels x 8 taps). */
static void emlc_conv_s8_w4_avx2(const int8_t *x, const uint8_t *wpk, int8_t *xp, int32_t *col, int32_t *wb, int8_t *y,
                                 int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH,
                                 int32_t OW, int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq,
                                 int32_t direct, const int32_t *taps, int32_t pad, int32_t out_off,
                                 const int32_t *bias_u, const int32_t *mult, const int32_t *shift, int32_t lo,
                                 int32_t hi) {
  emlc_conv_lowbit_avx2(4, x, wpk, xp, col, wb, y, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps, pad,
                        out_off, bias_u, mult, shift, lo, hi);
}

// @kernel conv_s8_w2_avx2
// @requires conv_lowbit_avx2_impl
/* int8 convolution with int2 or ternary weights on AVX2
   (conv_lowbit_avx2_impl: 16 bytes per 4 channels x 16 taps). */
static void emlc_conv_s8_w2_avx2(const int8_t *x, const uint8_t *wpk, int8_t *xp, int32_t *col, int32_t *wb, int8_t *y,
                                 int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH,
                                 int32_t OW, int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq,
                                 int32_t direct, const int32_t *taps, int32_t pad, int32_t out_off,
                                 const int32_t *bias_u, const int32_t *mult, const int32_t *shift, int32_t lo,
                                 int32_t hi) {
  emlc_conv_lowbit_avx2(2, x, wpk, xp, col, wb, y, N, C, H, W, M, K, OH, OW, sh, sw, pt, pl, Hp, Wq, direct, taps, pad,
                        out_off, bias_u, mult, shift, lo, hi);
}

// @kernel fc_lowbit_avx2_impl
// @requires lowbit_avx2_impl
// @requires requantize_fast_impl
/* TFLite int8 fully connected with `bits`-bit weights. Each row of w: K / B
   blocks of B = 256 / bits taps, 32 bytes each, byte i holding in bits
   [bits s, bits s + bits) the weight at tap 32 s + i of the block as the
   unsigned w + 2^(bits-1); then, when K % B = R > 0, Q = ceil(R bits / 8)
   bytes of one more block whose byte i holds in field s the tap KB + Q s + i
   (2^(bits-1) past K); rows one after the other, 32 bytes after the last
   (the tail block's load reads past its row; those bytes meet zero inputs):
   `bits` a weight in flash. Four channels per pass over an input
   row; per block and channel one load, an AND (and a shift) per field, one
   VPMADDUBSW per 32 taps against the signed input, the fields added in int16
   (|sum| <= 7680) and one VPMADDWD by ones. The tail block reads the row's
   last R inputs copied into xs (B bytes of scratch: field s's Q inputs at
   32 s, zeros elsewhere). The
   offset comes off as 2^(bits-1) x the sum of the row's inputs (once per
   row). bias_eff folds the input offset. Sums and results identical to
   fully_connected_s8. */
/* The sum of 8 int32 lanes. */
static int32_t emlc_hsum8_lowbit(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}
/* One block of channel pointer p (32 bytes at byte o) against the inputs
   x0..x3 into acc: EMLC_LB4 two nibble fields, EMLC_LB2 four 2-bit ones. */
#define EMLC_LB_LD(p, o) _mm256_loadu_si256((const __m256i *)(const void *)((p) + (o)))
#define EMLC_LB_F(v, sh, xf) _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16((v), (sh)), mask), (xf))
#define EMLC_LB4(acc, p, o)                                                                                        \
  do {                                                                                                             \
    const __m256i v_ = EMLC_LB_LD(p, o);                                                                           \
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_add_epi16(EMLC_LB_F(v_, 0, x0), EMLC_LB_F(v_, 4, x1)), ones16)); \
  } while (0)
#define EMLC_LB2(acc, p, o)                                                                                        \
  do {                                                                                                             \
    const __m256i v_ = EMLC_LB_LD(p, o);                                                                           \
    acc = _mm256_add_epi32(                                                                                        \
        acc, _mm256_madd_epi16(_mm256_add_epi16(_mm256_add_epi16(EMLC_LB_F(v_, 0, x0), EMLC_LB_F(v_, 2, x1)),      \
                                                _mm256_add_epi16(EMLC_LB_F(v_, 4, x2), EMLC_LB_F(v_, 6, x3))),     \
                               ones16));                                                                           \
  } while (0)
/* Inlined into each wrapper, so `bits` is a constant there. */
static inline __attribute__((always_inline)) void emlc_fc_lowbit_avx2(int32_t bits, const int8_t *x, const uint8_t *w,
                                                                     int8_t *xs, int8_t *y, int32_t M, int32_t K, int32_t N,
                                                                     const int32_t *bias_eff, int32_t out_off,
                                                                     const int32_t *mult, const int32_t *shift,
                                                                     int32_t lo, int32_t hi) {
  const int32_t B = 256 / bits, KB = K / B * B, rest = K - KB, off = 1 << (bits - 1);
  const int32_t Q = (rest + 8 / bits - 1) / (8 / bits), row = KB / B * 32 + Q, fm = (1 << bits) - 1;
  const int32_t KE = rest ? KB + B : KB;
  const __m256i ones16 = _mm256_set1_epi16(1), ones8 = _mm256_set1_epi8(1);
  const __m256i mask = _mm256_set1_epi8((char)fm);
  int32_t m, n, k, j;
  for (m = 0; m < M; ++m) {
    const int8_t *xr = x + (int64_t)m * K;
    __m256i sv = _mm256_setzero_si256();
    uint32_t sx;
    if (rest) { /* the tail block's inputs, field s's at 32 s */
      memset(xs, 0, (size_t)B);
      for (j = 0; j * Q < rest; ++j)
        memcpy(xs + 32 * j, xr + KB + j * Q, (size_t)EMLC_MIN(Q, rest - j * Q));
    }
    for (k = 0; k < KE; k += 32) /* the row's sum (|sum| of a pair <= 256) */
      sv = _mm256_add_epi32(sv, _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, k < KB ? EMLC_LB_LD(xr, k) : EMLC_LB_LD(xs, k - KB)),
                                                  ones16));
    sx = (uint32_t)emlc_hsum8_lowbit(sv) * (uint32_t)off;
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      /* past N: the last channel again, not stored */
      const uint8_t *w0 = w + (int64_t)n * row, *w1 = w0 + (cnt > 1 ? row : 0), *w2 = w0 + (cnt > 2 ? 2 * row : 0),
                    *w3 = w0 + (cnt > 3 ? 3 * row : 0);
      __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
      int32_t acc[4];
      for (k = 0; k < KE; k += B) {
        const int32_t o = k / B * 32;
        const int8_t *xk = k < KB ? xr + k : xs;
        const __m256i x0 = EMLC_LB_LD(xk, 0), x1 = EMLC_LB_LD(xk, 32);
        if (bits == 4) {
          EMLC_LB4(a0, w0, o);
          EMLC_LB4(a1, w1, o);
          EMLC_LB4(a2, w2, o);
          EMLC_LB4(a3, w3, o);
        } else {
          const __m256i x2 = EMLC_LB_LD(xk, 64), x3 = EMLC_LB_LD(xk, 96);
          EMLC_LB2(a0, w0, o);
          EMLC_LB2(a1, w1, o);
          EMLC_LB2(a2, w2, o);
          EMLC_LB2(a3, w3, o);
        }
      }
      acc[0] = emlc_hsum8_lowbit(a0), acc[1] = emlc_hsum8_lowbit(a1), acc[2] = emlc_hsum8_lowbit(a2),
      acc[3] = emlc_hsum8_lowbit(a3);
      for (j = 0; j < cnt; ++j) {
        const int32_t v = (int32_t)((uint32_t)bias_eff[n + j] + (uint32_t)acc[j] - sx), /* int32 arithmetic */
            r = emlc_requantize_fast(v, mult[n + j], shift[n + j]) + out_off;
        y[(int64_t)m * N + n + j] = (int8_t)EMLC_CLAMP(r, lo, hi);
      }
    }
  }
}

// @kernel fully_connected_s8_w4_avx2
// @requires fc_lowbit_avx2_impl
/* int8 fully connected with int4 weights on AVX2 (fc_lowbit_avx2_impl:
   blocks of 64 taps in 32 bytes). */
static void emlc_fully_connected_s8_w4_avx2(const int8_t *x, const uint8_t *w, int8_t *xs, int8_t *y, int32_t M, int32_t K,
                                            int32_t N, const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                                            const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_fc_lowbit_avx2(4, x, w, xs, y, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
}

// @kernel fully_connected_s8_w2_avx2
// @requires fc_lowbit_avx2_impl
/* int8 fully connected with int2 or ternary weights on AVX2
   (fc_lowbit_avx2_impl: blocks of 128 taps in 32 bytes). */
static void emlc_fully_connected_s8_w2_avx2(const int8_t *x, const uint8_t *w, int8_t *xs, int8_t *y, int32_t M, int32_t K,
                                            int32_t N, const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                                            const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_fc_lowbit_avx2(2, x, w, xs, y, M, K, N, bias_eff, out_off, mult, shift, lo, hi);
}

// @kernel dwconv3x3_s8_w4_avx2
// @requires dwconv3x3_s8_avx2
// @requires unpack_lowbit_impl
/* Depthwise 3x3 int8 convolution (strides 1 or 2) with int4 weights
   (dw_lowbit_taps_impl's layout: exactly 4 bits a weight, the 9 C of them one
   stream, so the portable emlc_unpack_lowbit's single row): the weights
   unpacked once into `kw` (9 C bytes of scratch), then dwconv3x3_s8_avx2 (its
   plane, TFLite's requantization, its results). */
static void emlc_dwconv3x3_s8_w4_avx2(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *xp, int8_t *y, int32_t N,
                                      int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw,
                                      int32_t pt, int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                      const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_unpack_lowbit(w, kw, 9 * C, 4);
  emlc_dwconv3x3_s8_avx2(x, kw, xp, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo, hi);
}

// @kernel dwconv3x3_s8_w2_avx2
// @requires dwconv3x3_s8_avx2
// @requires unpack_lowbit_impl
/* dwconv3x3_s8_w4_avx2 with 2-bit weights (int2 or ternary). */
static void emlc_dwconv3x3_s8_w2_avx2(const int8_t *x, const uint8_t *w, int8_t *kw, int8_t *xp, int8_t *y, int32_t N,
                                      int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw,
                                      int32_t pt, int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                      const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_unpack_lowbit(w, kw, 9 * C, 2);
  emlc_dwconv3x3_s8_avx2(x, kw, xp, y, N, C, H, W, OH, OW, sh, sw, pt, pl, pad, out_off, bias_eff, mult, shift, lo, hi);
}
