// @kernel sse41_s8_impl
/* SSE4.1 int8 kernels' common ground (x86-64 without AVX2; the AVX2 target
   uses pad_phase_s8_impl from here too, with its 32-byte path):
   requant4_s8_impl is TFLite's requantization on 4 lanes (exactly
   emlc_requantize_fast on each, so the kernels are bit-exact with the
   portable ones). */
#if !defined(__SSE4_1__)
#error "this module was compiled for an x86-64 target with SSE4.1 kernels: build it with -msse4.1"
#endif
#include <immintrin.h> /* SSE4.1, and AVX2 when the target has it (pad_phase_s8) */
#include <string.h>

// @kernel requant4_s8_impl
// @requires sse41_s8_impl
/* ((x << left) * mult + 2^30) >> 31 per lane in 64 bits (even and odd lanes
   by two PMULDQ), then the rounding right shift with TFLite's remainder
   test; as emlc_requant8 of the AVX2 kernels on half the lanes. */
static inline __attribute__((always_inline)) __m128i emlc_requant4(__m128i x, int32_t mult, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t mask = (int32_t)((1u << right) - 1u);
  const __m128i m = _mm_set1_epi32(mult), c30 = _mm_set1_epi64x((int64_t)1 << 30);
  const __m128i xs = _mm_sll_epi32(x, _mm_cvtsi32_si128(left));
  const __m128i ev = _mm_srli_epi64(_mm_add_epi64(_mm_mul_epi32(xs, m), c30), 31);
  const __m128i od = _mm_srli_epi64(_mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(xs, 32), m), c30), 31);
  const __m128i r = _mm_blend_epi16(ev, _mm_slli_epi64(od, 32), 0xcc);
  const __m128i rem = _mm_and_si128(r, _mm_set1_epi32(mask));
  const __m128i thr = _mm_sub_epi32(_mm_set1_epi32(mask >> 1), _mm_srai_epi32(r, 31));
  return _mm_sub_epi32(_mm_sra_epi32(r, _mm_cvtsi32_si128(right)), _mm_cmpgt_epi32(rem, thr));
}
/* An output vector: requantized, plus the output zero point, clamped to the
   activation range [vlo, vhi] (within int8). */
static inline __attribute__((always_inline)) __m128i emlc_requant4_out(__m128i x, int32_t mult, int32_t shift,
                                                                       __m128i voff, __m128i vlo, __m128i vhi) {
  return _mm_min_epi32(vhi, _mm_max_epi32(vlo, _mm_add_epi32(emlc_requant4(x, mult, shift), voff)));
}
/* The first n (1..8) of lanes v0, v1 (int32 already within int8) to p as
   bytes: the saturating packs keep the values. */
static inline void emlc_store_s8x4x2(int8_t *p, __m128i v0, __m128i v1, int32_t n) {
  const __m128i b = _mm_packs_epi16(_mm_packs_epi32(v0, v1), v0);
  int8_t t[16];
  int32_t j;
  if (n == 8) {
    _mm_storel_epi64((__m128i *)(void *)p, b);
    return;
  }
  _mm_storeu_si128((__m128i *)(void *)t, b);
  for (j = 0; j < n; ++j)
    p[j] = t[j];
}

// @kernel pad_phase_s8_impl
// @requires sse41_s8_impl
/* One int8 channel (H x W) into the padded, column-phase-split layout of the
   float kernels' pad_phase_f32 (dst[r][ph][q] = x[r - pt][q * sw + ph - pl],
   `pad` outside: the input zero point), so the inputs of 8 sw-strided output
   columns for one tap are 8 consecutive bytes. Row by row: the padding by
   memset, the columns by memcpy (stride 1; short runs by byte loops) or, for
   stride 2, the even or odd bytes of 32-byte loads (AVX2: a shuffle and a
   lane permute) or of 16-byte loads (SSE4.1: a shuffle). */
static void emlc_fill_s8(int8_t *d, const int8_t *s, int32_t n, int32_t pad) { /* s NULL: pad bytes */
  int32_t i;
  if (n >= 32) { /* libc's; below that a call costs more than the bytes */
    if (s)
      memcpy(d, s, (size_t)n);
    else
      memset(d, pad, (size_t)n);
    return;
  }
  for (i = 0; i < n; ++i) {
    EMLC_OPAQUE(i); /* or GCC makes it a memset/memcpy call again */
    d[i] = (int8_t)(s ? s[i] : pad);
  }
}
static void emlc_pad_phase_s8(const int8_t *x, int8_t *dst, int32_t H, int32_t W, int32_t Hp, int32_t sw, int32_t Wq,
                              int32_t pt, int32_t pl, int32_t pad) {
  int32_t r, ph, q;
  for (r = 0; r < Hp; ++r)
    for (ph = 0; ph < sw; ++ph) {
      /* columns q with 0 <= q * sw + ph - pl < W: [q0, q1), the same on every row */
      const int32_t q0 = EMLC_MIN(Wq, EMLC_MAX(0, (pl - ph + sw - 1) / sw)),
                    q1 = EMLC_MAX(q0, EMLC_MIN(Wq, (W + pl - ph + sw - 1) / sw)), ih = r - pt;
      int8_t *d = dst + ((int64_t)r * sw + ph) * Wq;
      const int8_t *s = x + (int64_t)ih * W + (int64_t)q0 * sw + ph - pl;
      if (ih < 0 || ih >= H) {
        emlc_fill_s8(d, NULL, Wq, pad);
        continue;
      }
      emlc_fill_s8(d, NULL, q0, pad);
      q = q0;
      if (sw == 1) {
        emlc_fill_s8(d + q0, s, q1 - q0, pad);
        q = q1;
      } else if (sw == 2) {
#if defined(__AVX2__) /* 16 of 32 bytes (the 32nd inside the row): each lane's even ones, joined */
        for (; q + 16 < q1; q += 16, s += 32) {
          const __m256i v = _mm256_shuffle_epi8(
              _mm256_loadu_si256((const __m256i *)(const void *)s),
              _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1, 0, 2, 4, 6, 8, 10, 12, 14, -1,
                               -1, -1, -1, -1, -1, -1, -1));
          _mm_storeu_si128((__m128i *)(void *)(d + q), _mm256_castsi256_si128(_mm256_permute4x64_epi64(v, 0x08)));
        }
#else /* 8 of 16 bytes (the 16th inside the row) */
        for (; q + 8 < q1; q += 8, s += 16)
          _mm_storel_epi64((__m128i *)(void *)(d + q),
                           _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)s),
                                            _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1)));
#endif
      }
      for (; q < q1; ++q, s += sw)
        d[q] = *s;
      emlc_fill_s8(d + q1, NULL, Wq - q1, pad);
    }
}

// @kernel gemm4x8_s8_impl
// @requires sse41_s8_impl
/* The int8 GEMM tile of conv_s8_sse41: 4 output channels x 8 pixels (two
   vectors of 4; 8 int32 accumulators), K2 steps each of 2 loads of the
   im2col column (col: [K2][8] pairs of int16, taps 2k and 2k+1 of a pixel
   side by side), 4 broadcasts of the packed weight pairs (wk: [K2][4]) and 8
   PMADDWD + 8 adds: 64 multiply-accumulates. The sums go to t[4][8]. */
#define EMLC_S8_ROW4(r)                                                                                           \
  w = _mm_set1_epi32(wk[r]), a##r##0 = _mm_add_epi32(a##r##0, _mm_madd_epi16(w, b0)),                           \
  a##r##1 = _mm_add_epi32(a##r##1, _mm_madd_epi16(w, b1))
static EMLC_NOINLINE void emlc_gemm4x8_s8(const int32_t *wk, int32_t K2, const int16_t *col, const int32_t *b4,
                                          int32_t *t) {
  __m128i a00 = _mm_set1_epi32(b4[0]), a01 = a00, a10 = _mm_set1_epi32(b4[1]), a11 = a10,
          a20 = _mm_set1_epi32(b4[2]), a21 = a20, a30 = _mm_set1_epi32(b4[3]), a31 = a30;
  int32_t k;
  for (k = 0; k < K2; ++k, wk += 4, col += 16) {
    const __m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)col),
                  b1 = _mm_loadu_si128((const __m128i *)(const void *)(col + 8));
    __m128i w;
    EMLC_S8_ROW4(0), EMLC_S8_ROW4(1), EMLC_S8_ROW4(2), EMLC_S8_ROW4(3);
  }
  _mm_storeu_si128((__m128i *)(void *)t, a00), _mm_storeu_si128((__m128i *)(void *)(t + 4), a01);
  _mm_storeu_si128((__m128i *)(void *)(t + 8), a10), _mm_storeu_si128((__m128i *)(void *)(t + 12), a11);
  _mm_storeu_si128((__m128i *)(void *)(t + 16), a20), _mm_storeu_si128((__m128i *)(void *)(t + 20), a21);
  _mm_storeu_si128((__m128i *)(void *)(t + 24), a30), _mm_storeu_si128((__m128i *)(void *)(t + 28), a31);
}
#undef EMLC_S8_ROW4

// @kernel conv_s8_sse41
// @requires requant4_s8_impl
// @requires pad_phase_s8_impl
// @requires gemm4x8_s8_impl
/* TFLite int8 convolution (one group, NCHW, any kernel/stride/dilation/
   padding) with PMADDWD, conv_s8_avx2's scheme on 128-bit vectors: for 8
   output pixels at a time (a "slot" of 8 columns of a row, or of the flat
   plane when `direct`), an im2col column of int16 pairs (taps 2k, 2k+1; K
   padded to even with a tap of weight 0 at offset 0) is built once from
   8-byte loads at taps[k] (offsets in the padded phase-split copy xp of
   pad_phase_s8, or in x itself when direct: 1x1, stride 1, no padding),
   then every block of 4 output channels is gemm4x8_s8 over it (wpk:
   [ceil(M/4)][K2][4] weight pairs, as conv_s8_avx2's). Outputs are
   requantized on 4 lanes (emlc_requant4). bias_eff folds the input offset;
   padding holds the input zero point `pad`. xp: C*Hp*sw*Wq + 8 bytes; col:
   K2*16 int16. Sums and results identical to conv2d_s8. */
static void emlc_conv_s8_sse41(const int8_t *x, const int32_t *wpk, int8_t *xp, int16_t *col, int8_t *y, int32_t N,
                               int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW,
                               int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq, int32_t direct,
                               const int32_t *taps, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                               const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t P = OH * OW, K2 = (K + 1) / 2, cols = direct ? P : OW, slots = (direct ? 1 : OH) * ((cols + 7) / 8);
  const int64_t cs = (int64_t)Hp * sw * Wq, rowPitch = (int64_t)sh * sw * Wq;
  const __m128i vlo = _mm_set1_epi32(lo), vhi = _mm_set1_epi32(hi), voff = _mm_set1_epi32(out_off);
  int32_t n, c, s, k, mb, i;
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W, *base = xn;
    int8_t *yn = y + (int64_t)n * M * P;
    int32_t r = 0, c8 = 0; /* the slot's row and first column */
    if (!direct) {
      for (c = 0; c < C; ++c)
        emlc_pad_phase_s8(xn + (int64_t)c * H * W, xp + c * cs, H, W, Hp, sw, Wq, pt, pl, pad);
      base = xp;
    }
    for (s = 0; s < slots; ++s) {
      const int8_t *src = base + r * rowPitch + c8;
      const int64_t out = (int64_t)r * OW + c8;
      const int32_t cnt = EMLC_MIN(8, cols - c8);
      if ((c8 += 8) >= cols)
        c8 = 0, ++r;
      /* the column: per tap pair, 8 bytes of each tap interleaved and widened. A partial slot's bytes are
         copied first (x itself may end there); past its pixels they are not stored */
      for (k = 0; k < K2; ++k) {
        const int8_t *p0 = src + taps[2 * k], *p1 = src + taps[2 * k + 1];
        __m128i v0, v1, u;
        if (cnt == 8)
          v0 = _mm_loadl_epi64((const __m128i *)(const void *)p0),
          v1 = _mm_loadl_epi64((const __m128i *)(const void *)p1);
        else {
          int8_t b0[8] = {0, 0, 0, 0, 0, 0, 0, 0}, b1[8] = {0, 0, 0, 0, 0, 0, 0, 0};
          for (i = 0; i < cnt; ++i)
            b0[i] = p0[i], b1[i] = p1[i];
          v0 = _mm_loadl_epi64((const __m128i *)(const void *)b0), v1 = _mm_loadl_epi64((const __m128i *)(const void *)b1);
        }
        u = _mm_unpacklo_epi8(v0, v1);
        _mm_storeu_si128((__m128i *)(void *)(col + k * 16), _mm_cvtepi8_epi16(u));
        _mm_storeu_si128((__m128i *)(void *)(col + k * 16 + 8), _mm_cvtepi8_epi16(_mm_srli_si128(u, 8)));
      }
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        int32_t b4[4], t[4 * 8];
        for (i = 0; i < 4; ++i)
          b4[i] = i < rows ? bias_eff[mb + i] : 0;
        emlc_gemm4x8_s8(wpk + (int64_t)mb * K2, K2, col, b4, t);
        for (i = 0; i < rows; ++i) {
          const int32_t q = mb + i;
          __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(t + 8 * i)),
                  v1 = _mm_loadu_si128((const __m128i *)(const void *)(t + 8 * i + 4));
          v0 = emlc_requant4_out(v0, mult[q], shift[q], voff, vlo, vhi);
          v1 = emlc_requant4_out(v1, mult[q], shift[q], voff, vlo, vhi);
          emlc_store_s8x4x2(yn + (int64_t)q * P + out, v0, v1, cnt);
        }
      }
    }
  }
}

// @kernel dwconv3x3_s8_sse41
// @requires requant4_s8_impl
// @requires pad_phase_s8_impl
/* TFLite int8 depthwise 3x3 convolution (stride 1 or 2 each way, any
   padding), NCHW, dwconv3x3_s8_avx2's scheme on 128-bit vectors: each
   channel copied into the padded phase-split layout (pad_phase_s8, the input
   zero point as padding; xp: Hp*sw*Wq + 8 bytes), where 8 neighbouring
   outputs read 8 consecutive bytes per tap; taps in pairs (bytes interleaved
   and widened to int16, PMADDWD against the pair of weights), 8 outputs per
   step in two vectors of 4, requantized on 4 lanes. w: the ONNX layout
   [C][9]; bias_eff folds the input offset. Results identical to
   dwconv3x3_s8. */
static void emlc_dwconv3x3_s8_sse41(const int8_t *x, const int8_t *w, int8_t *xp, int8_t *y, int32_t N, int32_t C,
                                    int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                    int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                    const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Hp = (OH - 1) * sh + 3, Wq = OW + 2 / sw;
  const __m128i vlo = _mm_set1_epi32(lo), vhi = _mm_set1_epi32(hi), voff = _mm_set1_epi32(out_off);
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
      __m128i wp[5];
      for (t = 0; t < 5; ++t) /* the weight pairs (w[2t], w[2t+1]) as int16 */
        wp[t] = _mm_set1_epi32((int32_t)(((uint32_t)(int32_t)wc[2 * t] & 0xffffu) |
                                         (t < 4 ? (uint32_t)(int32_t)wc[2 * t + 1] << 16 : 0u)));
      emlc_pad_phase_s8(x + ((int64_t)n * C + c) * H * W, xp, H, W, Hp, sw, Wq, pt, pl, pad);
      for (oh = 0; oh < OH; ++oh) {
        const int8_t *row = xp + (int64_t)oh * sh * sw * Wq;
        for (ow = 0; ow < OW; ow += 8) {
          const int8_t *p = row + ow;
          __m128i a0 = _mm_set1_epi32(bias_eff[c]), a1 = a0;
          for (t = 0; t < 5; ++t) {
            const __m128i u = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)(p + off[2 * t])),
                                                _mm_loadl_epi64((const __m128i *)(const void *)(p + off[2 * t + 1])));
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_cvtepi8_epi16(u), wp[t]));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_cvtepi8_epi16(_mm_srli_si128(u, 8)), wp[t]));
          }
          a0 = emlc_requant4_out(a0, mult[c], shift[c], voff, vlo, vhi);
          a1 = emlc_requant4_out(a1, mult[c], shift[c], voff, vlo, vhi);
          emlc_store_s8x4x2(yc + (int64_t)oh * OW + ow, a0, a1, EMLC_MIN(8, OW - ow));
        }
      }
    }
}

// @kernel add_s8_sse41
// @requires requant4_s8_impl
// @requires add_s8
/* TFLite int8 Add (equal shapes) as add_s8, 8 elements per step (the three
   requantizations on two vectors of 4 lanes), the last n % 8 by add_s8
   itself. */
static void emlc_add_s8_sse41(const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int32_t a_off, int32_t b_off,
                              int32_t out_off, int32_t left_shift, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                              int32_t b_shift, int32_t out_mult, int32_t out_shift, int32_t lo, int32_t hi) {
  const __m128i va_off = _mm_set1_epi32(a_off), vb_off = _mm_set1_epi32(b_off);
  const __m128i voff = _mm_set1_epi32(out_off), vlo = _mm_set1_epi32(lo), vhi = _mm_set1_epi32(hi);
  const __m128i ls = _mm_cvtsi32_si128(left_shift);
  __m128i r[2];
  int32_t i, h;
  for (i = 0; i + 8 <= n; i += 8) {
    const __m128i a8 = _mm_loadl_epi64((const __m128i *)(const void *)(a + i)),
                  b8 = _mm_loadl_epi64((const __m128i *)(const void *)(b + i));
    for (h = 0; h < 2; ++h) { /* lanes 0-3, then 4-7 */
      const __m128i va = _mm_sll_epi32(_mm_add_epi32(_mm_cvtepi8_epi32(h ? _mm_srli_si128(a8, 4) : a8), va_off), ls);
      const __m128i vb = _mm_sll_epi32(_mm_add_epi32(_mm_cvtepi8_epi32(h ? _mm_srli_si128(b8, 4) : b8), vb_off), ls);
      const __m128i sum = _mm_add_epi32(emlc_requant4(va, a_mult, a_shift), emlc_requant4(vb, b_mult, b_shift));
      r[h] = emlc_requant4_out(sum, out_mult, out_shift, voff, vlo, vhi);
    }
    emlc_store_s8x4x2(y + i, r[0], r[1], 8);
  }
  emlc_add_s8(a + i, b + i, y + i, n - i, a_off, b_off, out_off, left_shift, a_mult, a_shift, b_mult, b_shift, out_mult,
              out_shift, lo, hi);
}

// @kernel hsum4_s32_impl
// @requires sse41_s8_impl
/* The sum of 4 int32 lanes (the AVX2 fully connected folds 8 into 4 first). */
static int32_t emlc_hsum4_s32(__m128i s) {
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

// @kernel fully_connected_s8_sse41
// @requires sse41_s8_impl
// @requires hsum4_s32_impl
// @requires requantize_fast_impl
/* TFLite int8 fully connected (weights as stored, [N][K] int8): four output
   channels per pass over an input row, 8 inputs per step (sign-extended to
   int16, PMADDWD against each channel's 8 weights), the K % 8 rest in
   scalar code; bias_eff folds the input offset. Results identical to
   fully_connected_s8. */
static void emlc_fully_connected_s8_sse41(const int8_t *x, const int8_t *w, int8_t *y, int32_t M, int32_t K, int32_t N,
                                          const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                                          const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K8 = K & ~7;
  int32_t m, n, k, j;
  for (m = 0; m < M; ++m) {
    const int8_t *xr = x + (int64_t)m * K;
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *wr[4];
      __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
      int32_t acc[4];
      for (j = 0; j < 4; ++j) /* past N: the last channel again, not stored */
        wr[j] = w + (int64_t)(n + EMLC_MIN(j, cnt - 1)) * K;
      for (k = 0; k < K8; k += 8) {
        const __m128i xv = _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(xr + k)));
#define EMLC_FC_W(j) _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(wr[j] + k)))
        a0 = _mm_add_epi32(a0, _mm_madd_epi16(xv, EMLC_FC_W(0)));
        a1 = _mm_add_epi32(a1, _mm_madd_epi16(xv, EMLC_FC_W(1)));
        a2 = _mm_add_epi32(a2, _mm_madd_epi16(xv, EMLC_FC_W(2)));
        a3 = _mm_add_epi32(a3, _mm_madd_epi16(xv, EMLC_FC_W(3)));
#undef EMLC_FC_W
      }
      acc[0] = emlc_hsum4_s32(a0), acc[1] = emlc_hsum4_s32(a1), acc[2] = emlc_hsum4_s32(a2), acc[3] = emlc_hsum4_s32(a3);
      for (j = 0; j < cnt; ++j) {
        int32_t v = acc[j] + bias_eff[n + j];
        for (k = K8; k < K; ++k)
          v += (int32_t)xr[k] * (int32_t)wr[j][k];
        v = emlc_requantize_fast(v, mult[n + j], shift[n + j]) + out_off;
        y[(int64_t)m * N + n + j] = (int8_t)EMLC_CLAMP(v, lo, hi);
      }
    }
  }
}
