// @kernel avx2_s8_impl
/* AVX2 int8 kernels' common ground; requant8_s8_impl: TFLite's
   requantization on 8 lanes (exactly emlc_requantize_fast on each, so the
   kernels are bit-exact with the portable ones) and the store of 8 int32
   lanes as int8. The padded copy (pad_phase_s8_impl) is the SSE4.1 folder's,
   with a 32-byte path under AVX2. */
#if !defined(__AVX2__)
#error "this module was compiled for the x86-64-avx2 target: build it with -mavx2 -mfma (or compile for --target x86-64)"
#endif
#include <immintrin.h>

// @kernel requant8_s8_impl
// @requires avx2_s8_impl
/* ((x << left) * mult + 2^30) >> 31 per lane in 64 bits (even and odd lanes
   by two VPMULDQ; the low 32 bits of a logical shift equal the arithmetic
   one's), then the rounding right shift with TFLite's remainder test. */
static inline __attribute__((always_inline)) __m256i emlc_requant8(__m256i x, int32_t mult, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t mask = (int32_t)((1u << right) - 1u);
  const __m256i m = _mm256_set1_epi32(mult), c30 = _mm256_set1_epi64x((int64_t)1 << 30);
  const __m256i xs = _mm256_sll_epi32(x, _mm_cvtsi32_si128(left));
  const __m256i ev = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(xs, m), c30), 31);
  const __m256i od = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(xs, 32), m), c30), 31);
  const __m256i r = _mm256_blend_epi32(ev, _mm256_slli_epi64(od, 32), 0xaa);
  const __m256i rem = _mm256_and_si256(r, _mm256_set1_epi32(mask));
  const __m256i thr = _mm256_sub_epi32(_mm256_set1_epi32(mask >> 1), _mm256_srai_epi32(r, 31));
  return _mm256_sub_epi32(_mm256_sra_epi32(r, _mm_cvtsi32_si128(right)), _mm256_cmpgt_epi32(rem, thr));
}
/* The first n (1..8) lanes of v (int32 already within int8) to p. */
static void emlc_store_s8x8(int8_t *p, __m256i v, int32_t n) {
  const __m256i b = _mm256_shuffle_epi8(v, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                                            0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
  const __m128i q = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1)));
  int8_t t[8];
  int32_t i;
  if (n == 8) {
    _mm_storel_epi64((__m128i *)(void *)p, q);
    return;
  }
  _mm_storel_epi64((__m128i *)(void *)t, q);
  for (i = 0; i < n; ++i)
    p[i] = t[i];
}

// @kernel gemm4x16_s8_impl
// @requires avx2_s8_impl
/* The int8 GEMM tile of conv_s8_avx2: 4 output channels x 16 pixels (two
   vectors of 8; 8 int32 accumulators), K2 steps each of 2 loads of the
   im2col column (col: [K2][16] pairs of int16, taps 2k and 2k+1 of a pixel
   side by side), 4 broadcasts of the packed weight pairs (wk: [K2][4]) and 8
   VPMADDWD + 8 adds: 128 multiply-accumulates. The sums go to t[4][16].
   Its own function: nothing else competes for the 16 vector registers. */
#define EMLC_S8_ROW(r)                                                                                            \
  w = _mm256_set1_epi32(wk[r]), a##r##0 = _mm256_add_epi32(a##r##0, _mm256_madd_epi16(w, b0)),                  \
  a##r##1 = _mm256_add_epi32(a##r##1, _mm256_madd_epi16(w, b1))
static EMLC_NOINLINE void emlc_gemm4x16_s8(const int32_t *wk, int32_t K2, const int16_t *col, const int32_t *b4,
                                           int32_t *t) {
  __m256i a00 = _mm256_set1_epi32(b4[0]), a01 = a00, a10 = _mm256_set1_epi32(b4[1]), a11 = a10,
          a20 = _mm256_set1_epi32(b4[2]), a21 = a20, a30 = _mm256_set1_epi32(b4[3]), a31 = a30;
  int32_t k;
  for (k = 0; k < K2; ++k, wk += 4, col += 32) {
    const __m256i b0 = _mm256_loadu_si256((const __m256i *)(const void *)col),
                  b1 = _mm256_loadu_si256((const __m256i *)(const void *)(col + 16));
    __m256i w;
    EMLC_S8_ROW(0), EMLC_S8_ROW(1), EMLC_S8_ROW(2), EMLC_S8_ROW(3);
  }
  _mm256_storeu_si256((__m256i *)(void *)t, a00), _mm256_storeu_si256((__m256i *)(void *)(t + 8), a01);
  _mm256_storeu_si256((__m256i *)(void *)(t + 16), a10), _mm256_storeu_si256((__m256i *)(void *)(t + 24), a11);
  _mm256_storeu_si256((__m256i *)(void *)(t + 32), a20), _mm256_storeu_si256((__m256i *)(void *)(t + 40), a21);
  _mm256_storeu_si256((__m256i *)(void *)(t + 48), a30), _mm256_storeu_si256((__m256i *)(void *)(t + 56), a31);
}
#undef EMLC_S8_ROW

// @kernel conv_s8_avx2
// @requires requant8_s8_impl
// @requires pad_phase_s8_impl
// @requires gemm4x16_s8_impl
/* TFLite int8 convolution (one group, NCHW, any kernel/stride/dilation/
   padding) with VPMADDWD: for 16 output pixels at a time (two "slots" of 8
   columns of a row, or of the flat plane when `direct`), an im2col column
   of int16 pairs (taps 2k, 2k+1; K padded to even with a tap of weight 0 at
   offset 0) is built once from 8-byte loads at taps[k] (offsets in the
   padded phase-split copy xp of pad_phase_s8, or in x itself when direct:
   1x1, stride 1, no padding), then every block of 4 output channels is
   gemm4x16_s8 over it (wpk: [ceil(M/4)][K2][4] weight pairs, zero channels
   completing M, packed by the compiler). Outputs are requantized on 8 lanes
   (emlc_requant8). bias_eff folds the input offset; padding holds the input
   zero point `pad`. xp: C*Hp*sw*Wq + 8 bytes; col: K2*32 int16. Sums and
   results identical to conv2d_s8. */
static void emlc_conv_s8_avx2(const int8_t *x, const int32_t *wpk, int8_t *xp, int16_t *col, int8_t *y, int32_t N,
                              int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW, int32_t sh,
                              int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq, int32_t direct,
                              const int32_t *taps, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                              const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t P = OH * OW, K2 = (K + 1) / 2, cols = direct ? P : OW, slots = (direct ? 1 : OH) * ((cols + 7) / 8);
  const int64_t cs = (int64_t)Hp * sw * Wq, rowPitch = (int64_t)sh * sw * Wq;
  const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi), voff = _mm256_set1_epi32(out_off);
  int32_t n, c, s, j, k, mb, i;
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
      /* the column: per tap pair and slot, 8 bytes of each tap interleaved and widened. A partial slot's bytes
         are copied first (x itself may end there); past its pixels they are not stored */
      for (k = 0; k < K2; ++k)
        for (j = 0; j < 2; ++j) {
          const int8_t *p0 = src[j] + taps[2 * k], *p1 = src[j] + taps[2 * k + 1];
          __m128i v0, v1;
          if (cnt[j] == 8)
            v0 = _mm_loadl_epi64((const __m128i *)(const void *)p0),
            v1 = _mm_loadl_epi64((const __m128i *)(const void *)p1);
          else {
            int8_t b0[8] = {0, 0, 0, 0, 0, 0, 0, 0}, b1[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            for (i = 0; i < cnt[j]; ++i)
              b0[i] = p0[i], b1[i] = p1[i];
            v0 = _mm_loadl_epi64((const __m128i *)(const void *)b0), v1 = _mm_loadl_epi64((const __m128i *)(const void *)b1);
          }
          _mm256_storeu_si256((__m256i *)(void *)(col + k * 32 + j * 16), _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(v0, v1)));
        }
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        int32_t b4[4], t[4 * 16];
        for (i = 0; i < 4; ++i)
          b4[i] = i < rows ? bias_eff[mb + i] : 0;
        emlc_gemm4x16_s8(wpk + (int64_t)mb * K2, K2, col, b4, t);
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

// @kernel fully_connected_s8_avx2
// @requires avx2_s8_impl
// @requires hsum4_s32_impl
// @requires requantize_fast_impl
/* TFLite int8 fully connected (weights as stored, [N][K] int8): four output
   channels per pass over an input row, 16 inputs per step (sign-extended to
   int16, VPMADDWD against each channel's 16 weights), the K % 16 rest in
   scalar code; bias_eff folds the input offset. Results identical to
   fully_connected_s8. */
static int32_t emlc_hsum8_s32(__m256i v) {
  return emlc_hsum4_s32(_mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}
static void emlc_fully_connected_s8_avx2(const int8_t *x, const int8_t *w, int8_t *y, int32_t M, int32_t K, int32_t N,
                                         const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                                         const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K16 = K & ~15;
  int32_t m, n, k, j;
  for (m = 0; m < M; ++m) {
    const int8_t *xr = x + (int64_t)m * K;
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *wr[4];
      __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
      int32_t acc[4];
      for (j = 0; j < 4; ++j) /* past N: the last channel again, not stored */
        wr[j] = w + (int64_t)(n + EMLC_MIN(j, cnt - 1)) * K;
      for (k = 0; k < K16; k += 16) {
        const __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(xr + k)));
#define EMLC_FC_W(j) _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(wr[j] + k)))
        a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(xv, EMLC_FC_W(0)));
        a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(xv, EMLC_FC_W(1)));
        a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(xv, EMLC_FC_W(2)));
        a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(xv, EMLC_FC_W(3)));
#undef EMLC_FC_W
      }
      acc[0] = emlc_hsum8_s32(a0), acc[1] = emlc_hsum8_s32(a1), acc[2] = emlc_hsum8_s32(a2), acc[3] = emlc_hsum8_s32(a3);
      for (j = 0; j < cnt; ++j) {
        int32_t v = acc[j] + bias_eff[n + j];
        for (k = K16; k < K; ++k)
          v += (int32_t)xr[k] * (int32_t)wr[j][k];
        v = emlc_requantize_fast(v, mult[n + j], shift[n + j]) + out_off;
        y[(int64_t)m * N + n + j] = (int8_t)EMLC_CLAMP(v, lo, hi);
      }
    }
  }
}

// @kernel dwconv3x3_s8_avx2
// @requires requant8_s8_impl
// @requires pad_phase_s8_impl
/* TFLite int8 depthwise 3x3 convolution (stride 1 or 2 each way, any
   padding), NCHW: each channel copied into the padded phase-split layout
   (pad_phase_s8, the input zero point as padding; xp: Hp*sw*Wq + 8 bytes),
   where 8 neighbouring outputs read 8 consecutive bytes per tap; taps are
   taken in pairs (bytes interleaved and widened to int16, one VPMADDWD
   against the pair of weights), 8 outputs per vector, requantized on 8
   lanes. w: the ONNX layout [C][9]; bias_eff folds the input offset.
   Results identical to dwconv3x3_s8. */
static void emlc_dwconv3x3_s8_avx2(const int8_t *x, const int8_t *w, int8_t *xp, int8_t *y, int32_t N, int32_t C,
                                   int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                   int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                   const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Hp = (OH - 1) * sh + 3, Wq = OW + 2 / sw;
  const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi), voff = _mm256_set1_epi32(out_off);
  int64_t off[10];
  int32_t n, c, t, oh, ow;
  for (t = 0; t < 9; ++t) /* tap (ky, kx) in the copy: row ky, phase kx % sw, column kx / sw */
    off[t] = ((int64_t)(t / 3) * sw + t % 3 % sw) * Wq + t % 3 / sw;
  off[9] = 0; /* the tenth tap of the last pair: weight 0 */
  for (t = 0; t < 8; ++t)
    xp[(int64_t)Hp * sw * Wq + t] = 0; /* the room a row's last vector may read */
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const int8_t *wc = w + (int64_t)c * 9;
      int8_t *yc = y + ((int64_t)n * C + c) * OH * OW;
      __m256i wp[5];
      for (t = 0; t < 5; ++t) /* the weight pairs (w[2t], w[2t+1]) as int16 */
        wp[t] = _mm256_set1_epi32((int32_t)(((uint32_t)(int32_t)wc[2 * t] & 0xffffu) |
                                            (t < 4 ? (uint32_t)(int32_t)wc[2 * t + 1] << 16 : 0u)));
      emlc_pad_phase_s8(x + ((int64_t)n * C + c) * H * W, xp, H, W, Hp, sw, Wq, pt, pl, pad);
      for (oh = 0; oh < OH; ++oh) {
        const int8_t *row = xp + (int64_t)oh * sh * sw * Wq;
        for (ow = 0; ow < OW; ow += 8) {
          const int8_t *p = row + ow;
          __m256i acc = _mm256_set1_epi32(bias_eff[c]);
          for (t = 0; t < 5; ++t) {
            const __m128i a = _mm_loadl_epi64((const __m128i *)(const void *)(p + off[2 * t])),
                          b = _mm_loadl_epi64((const __m128i *)(const void *)(p + off[2 * t + 1]));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_unpacklo_epi8(a, b)), wp[t]));
          }
          acc = _mm256_add_epi32(emlc_requant8(acc, mult[c], shift[c]), voff);
          emlc_store_s8x8(yc + (int64_t)oh * OW + ow, _mm256_min_epi32(vhi, _mm256_max_epi32(vlo, acc)),
                          EMLC_MIN(8, OW - ow));
        }
      }
    }
}

// @kernel add_s8_avx2
// @requires requant8_s8_impl
// @requires add_s8
/* TFLite int8 Add (equal shapes) as add_s8, 8 elements per step (the three
   requantizations on 8 lanes), the last n % 8 by add_s8 itself. */
static void emlc_add_s8_avx2(const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int32_t a_off, int32_t b_off,
                             int32_t out_off, int32_t left_shift, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                             int32_t b_shift, int32_t out_mult, int32_t out_shift, int32_t lo, int32_t hi) {
  const __m256i va_off = _mm256_set1_epi32(a_off), vb_off = _mm256_set1_epi32(b_off);
  const __m256i voff = _mm256_set1_epi32(out_off), vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
  const __m128i ls = _mm_cvtsi32_si128(left_shift);
  int32_t i;
  for (i = 0; i + 8 <= n; i += 8) {
    const __m256i va = _mm256_sll_epi32(
        _mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(a + i))), va_off), ls);
    const __m256i vb = _mm256_sll_epi32(
        _mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(b + i))), vb_off), ls);
    const __m256i sum = _mm256_add_epi32(emlc_requant8(va, a_mult, a_shift), emlc_requant8(vb, b_mult, b_shift));
    const __m256i r = _mm256_add_epi32(emlc_requant8(sum, out_mult, out_shift), voff);
    emlc_store_s8x8(y + i, _mm256_min_epi32(vhi, _mm256_max_epi32(vlo, r)), 8);
  }
  emlc_add_s8(a + i, b + i, y + i, n - i, a_off, b_off, out_off, left_shift, a_mult, a_shift, b_mult, b_shift, out_mult,
              out_shift, lo, hi);
}
