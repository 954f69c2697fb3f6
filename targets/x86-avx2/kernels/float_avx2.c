// @kernel avx2_f32_impl
/* AVX2 + FMA helpers for the float kernels: a lane mask for the first n of 8
   lanes (tails load and store through it, so no kernel reads or writes past
   its tensors) and (avx2_clamp_impl) the clamp: max(lo, v) / min(hi, v)
   return v when v is NaN, so NaN passes through, as EMLC_CLAMP does. */
#if !defined(__AVX2__) || !defined(__FMA__)
#error "this module was compiled for the x86-64-avx2 target: build it with -mavx2 -mfma (or compile for --target x86-64)"
#endif
#include <immintrin.h>

static __m256i emlc_mask8(int32_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// @kernel avx2_clamp_impl
static __m256 emlc_clamp8(__m256 v, __m256 lo, __m256 hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, v)); }

// @kernel pad_phase_f32_impl
// @requires avx2_f32_impl
/* One channel (H x W) copied into the zero-padded, column-phase-split layout
   the strided float kernels read: dst[r][ph][q] = x[r - pt][q * sw + ph - pl]
   (0 outside), r < Hp, ph < sw, q < Wq. With it, the inputs of sw-strided
   output columns ow, ow+1, ... for a tap are contiguous, so every tap is one
   unaligned vector load. */
static void emlc_copy_f32(float *d, const float *s, int32_t n) { /* n floats, s NULL: zeros */
  int32_t i = 0;
  if (s)
    for (; i + 8 <= n; i += 8)
      _mm256_storeu_ps(d + i, _mm256_loadu_ps(s + i));
  else
    for (; i + 8 <= n; i += 8)
      _mm256_storeu_ps(d + i, _mm256_setzero_ps());
  if (i < n) {
    const __m256i m = emlc_mask8(n - i);
    _mm256_maskstore_ps(d + i, m, s ? _mm256_maskload_ps(s + i, m) : _mm256_setzero_ps());
  }
}
static void emlc_pad_phase_f32(const float *x, float *dst, int32_t H, int32_t W, int32_t Hp, int32_t sw, int32_t Wq,
                               int32_t pt, int32_t pl) {
  int32_t r, ph, q;
  for (r = 0; r < Hp; ++r) {
    const int32_t ih = r - pt;
    for (ph = 0; ph < sw; ++ph) {
      float *d = dst + ((int64_t)r * sw + ph) * Wq;
      /* columns q with 0 <= q * sw + ph - pl < W: [q0, q1) */
      const int32_t q0 = EMLC_MIN(Wq, EMLC_MAX(0, (pl - ph + sw - 1) / sw)),
                    q1 = EMLC_MAX(q0, EMLC_MIN(Wq, (W + pl - ph + sw - 1) / sw));
      const float *s;
      if (ih < 0 || ih >= H) {
        emlc_copy_f32(d, NULL, Wq);
        continue;
      }
      s = x + (int64_t)ih * W + (int64_t)q0 * sw + ph - pl;
      for (q = 0; q < q0; ++q)
        d[q] = 0.0f;
      q = q0;
      if (sw == 1) {
        emlc_copy_f32(d + q0, s, q1 - q0);
        q = q1;
      } else if (sw == 2) /* 8 even elements of 15: two loads, a shuffle and a permute */
        for (; q + 8 <= q1; q += 8, s += 16) {
          const __m256 v = _mm256_shuffle_ps(_mm256_loadu_ps(s), _mm256_maskload_ps(s + 8, emlc_mask8(7)), 0x88);
          _mm256_storeu_ps(d + q, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xd8)));
        }
      for (; q < q1; ++q, s += sw)
        d[q] = *s;
      for (q = q1; q < Wq; ++q)
        d[q] = 0.0f;
    }
  }
}

// @kernel conv2d_f32_avx2
// @requires avx2_f32_impl
// @requires avx2_clamp_impl
// @requires pad_phase_f32_impl
/* Float convolution, one group, NCHW, as a register-blocked GEMM: 4 output
   channels x 3 vectors of 8 output pixels per tile (12 accumulators); each of
   the K = C*KH*KW steps is 3 vector loads, 4 broadcasts and 12 FMAs. The
   output rows are cut into vectors of 8 columns ("slots", the last of a row
   masked) and a tile takes the next three slots, so short rows (8x8 planes)
   still fill tiles. wp holds the weights as [ceil(M/4)][K][4] (zero rows
   complete M), packed by the compiler. The input is read through taps[k],
   the offset of tap k = (c, ky, kx) in the padded phase-split copy
   (pad_phase_f32: C channels of Hp*sw*Wq floats in xp), or, when `direct`
   (1x1, stride 1, no padding), in x itself seen as one row of OH*OW pixels.
   Each output is bias + the sum over k in order with fused multiply-adds
   (within float tolerance of the portable kernel). */
static void emlc_conv2d_f32_avx2(const float *x, const float *wp, const float *bias, float *xp, float *y, int32_t N,
                                 int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW,
                                 int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq,
                                 int32_t direct, const int32_t *taps, float lo, float hi) {
  const int32_t P = OH * OW, cols = direct ? P : OW, perRow = (cols + 7) / 8, slots = (direct ? 1 : OH) * perRow;
  const int64_t cs = (int64_t)Hp * sw * Wq, rowPitch = (int64_t)sh * sw * Wq;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  int32_t n, c, mb, s, j, k, i;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W, *base = xn;
    float *yn = y + (int64_t)n * M * P;
    if (!direct) {
      for (c = 0; c < C; ++c)
        emlc_pad_phase_f32(xn + (int64_t)c * H * W, xp + c * cs, H, W, Hp, sw, Wq, pt, pl);
      base = xp;
    }
    for (mb = 0; mb < M; mb += 4) {
      const float *wm = wp + (int64_t)mb * K;
      const int32_t rowsOut = EMLC_MIN(4, M - mb);
      for (s = 0; s < slots; s += 3) {
        const float *src[3];
        int64_t out[3];
        int32_t cnt[3], full;
        __m256i mk[3];
        __m256 a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32;
        const float *wk = wm;
        for (j = 0; j < 3; ++j) { /* slot s + j: row, first column, valid lanes */
          const int32_t r = (s + j) / perRow, c8 = (s + j) % perRow * 8;
          cnt[j] = s + j < slots ? EMLC_MIN(8, cols - c8) : 0;
          src[j] = cnt[j] ? base + r * rowPitch + c8 : base;
          out[j] = (int64_t)r * OW + c8;
          mk[j] = emlc_mask8(cnt[j]);
        }
        full = cnt[0] == 8 && cnt[1] == 8 && cnt[2] == 8;
        a00 = a01 = a02 = _mm256_set1_ps(bias[mb]);
        a10 = a11 = a12 = _mm256_set1_ps(rowsOut > 1 ? bias[mb + 1] : 0.0f);
        a20 = a21 = a22 = _mm256_set1_ps(rowsOut > 2 ? bias[mb + 2] : 0.0f);
        a30 = a31 = a32 = _mm256_set1_ps(rowsOut > 3 ? bias[mb + 3] : 0.0f);
#define EMLC_F32_STEPS(LOAD)                                                                                     \
  for (k = 0; k < K; ++k, wk += 4) {                                                                             \
    const int32_t t = taps[k];                                                                                   \
    const __m256 b0 = LOAD(0), b1 = LOAD(1), b2 = LOAD(2);                                                       \
    __m256 wv = _mm256_broadcast_ss(wk);                                                                         \
    a00 = _mm256_fmadd_ps(wv, b0, a00), a01 = _mm256_fmadd_ps(wv, b1, a01), a02 = _mm256_fmadd_ps(wv, b2, a02);  \
    wv = _mm256_broadcast_ss(wk + 1);                                                                            \
    a10 = _mm256_fmadd_ps(wv, b0, a10), a11 = _mm256_fmadd_ps(wv, b1, a11), a12 = _mm256_fmadd_ps(wv, b2, a12);  \
    wv = _mm256_broadcast_ss(wk + 2);                                                                            \
    a20 = _mm256_fmadd_ps(wv, b0, a20), a21 = _mm256_fmadd_ps(wv, b1, a21), a22 = _mm256_fmadd_ps(wv, b2, a22);  \
    wv = _mm256_broadcast_ss(wk + 3);                                                                            \
    a30 = _mm256_fmadd_ps(wv, b0, a30), a31 = _mm256_fmadd_ps(wv, b1, a31), a32 = _mm256_fmadd_ps(wv, b2, a32);  \
  }
#define EMLC_LOADU(j) _mm256_loadu_ps(src[j] + t)
#define EMLC_LOADM(j) _mm256_maskload_ps(src[j] + t, mk[j])
        if (full) {
          EMLC_F32_STEPS(EMLC_LOADU)
        } else {
          EMLC_F32_STEPS(EMLC_LOADM)
        }
#undef EMLC_LOADU
#undef EMLC_LOADM
#undef EMLC_F32_STEPS
        {
          const __m256 acc[4][3] = {{a00, a01, a02}, {a10, a11, a12}, {a20, a21, a22}, {a30, a31, a32}};
          for (i = 0; i < rowsOut; ++i) {
            float *yo = yn + (int64_t)(mb + i) * P;
            for (j = 0; j < 3; ++j)
              if (cnt[j] == 8)
                _mm256_storeu_ps(yo + out[j], emlc_clamp8(acc[i][j], vlo, vhi));
              else if (cnt[j])
                _mm256_maskstore_ps(yo + out[j], mk[j], emlc_clamp8(acc[i][j], vlo, vhi));
          }
        }
      }
    }
  }
}

// @kernel dwconv_f32_avx2
// @requires avx2_f32_impl
// @requires avx2_clamp_impl
// @requires pad_phase_f32_impl
/* Depthwise float convolution (groups == C == M), NCHW, 8 output columns of
   a row per vector, one FMA per tap. With column stride 1 or 2 (and KW <= 16)
   the taps load x directly: a tap's lanes whose input column falls in the
   padding are masked off (the masks depend on the column block and kx only,
   so they are made once per block), rows in the padding are skipped, and
   stride 2 takes the even lanes of 16 loaded floats. Other strides copy each
   channel into the padded phase-split layout (xp: Hp*sw*Wq floats; taps[t]:
   offset of tap t = (ky, kx) there) and load every tap whole. Weights as
   given: [C][KH*KW]. Each output is bias + the taps in order (fused
   multiply-adds). */
static void emlc_dwconv_f32_avx2(const float *x, const float *w, const float *bias, float *xp, float *y, int32_t N,
                                 int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                 int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t Hp,
                                 int32_t Wq, const int32_t *taps, float lo, float hi) {
  const int32_t T = KH * KW, direct = (sw == 1 || sw == 2) && KW <= 16;
  const int64_t rowPitch = (int64_t)sh * sw * Wq;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i mlo[16], mhi[16];
  int32_t n, c, r, c0, t, ky, kx;
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const float *xc = x + ((int64_t)n * C + c) * H * W, *wc = w + (int64_t)c * T;
      float *yc = y + ((int64_t)n * C + c) * OH * OW;
      if (!direct)
        emlc_pad_phase_f32(xc, xp, H, W, Hp, sw, Wq, pt, pl);
      for (c0 = 0; c0 < OW; c0 += 8) {
        const int32_t cnt = EMLC_MIN(8, OW - c0);
        const __m256i m = emlc_mask8(cnt);
        int32_t whole = 1; /* stride 1 and every tap's 8 floats inside the row */
        if (direct)
          for (kx = 0; kx < KW; ++kx) {
            /* output j is valid if j < cnt and its input column iw0 + j*sw is in [0, W) */
            const int32_t iw0 = c0 * sw + kx * dw - pl;
            const __m256i col = _mm256_add_epi32(_mm256_set1_epi32(iw0), sw == 1 ? lane : _mm256_add_epi32(lane, lane));
            const __m256i v = _mm256_and_si256(m, _mm256_and_si256(_mm256_cmpgt_epi32(col, _mm256_set1_epi32(-1)),
                                                                   _mm256_cmpgt_epi32(_mm256_set1_epi32(W), col)));
            if (sw == 1)
              mlo[kx] = v;
            else { /* stride 2: output j reads float 2j of the 16 loaded; odd floats are not needed */
              const __m256i evenLanes = _mm256_setr_epi32(-1, 0, -1, 0, -1, 0, -1, 0);
              mlo[kx] = _mm256_and_si256(evenLanes, _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3)));
              mhi[kx] = _mm256_and_si256(evenLanes, _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(4, 4, 5, 5, 6, 6, 7, 7)));
            }
            whole &= sw == 1 && _mm256_movemask_ps(_mm256_castsi256_ps(mlo[kx])) == 0xff;
          }
        for (r = 0; r < OH; ++r) {
          __m256 a = _mm256_set1_ps(bias[c]);
          if (!direct) {
            const float *s = xp + r * rowPitch + c0;
            for (t = 0; t < T; ++t)
              a = _mm256_fmadd_ps(_mm256_broadcast_ss(wc + t), _mm256_maskload_ps(s + taps[t], m), a);
          } else
            for (ky = 0; ky < KH; ++ky) {
              const int32_t ih = r * sh + ky * dh - pt;
              const float *row;
              if (ih < 0 || ih >= H)
                continue;
              row = xc + (int64_t)ih * W + c0 * sw - pl; /* lanes left of the row are masked off */
              if (sw == 1 && whole)
                for (kx = 0; kx < KW; ++kx)
                  a = _mm256_fmadd_ps(_mm256_broadcast_ss(wc + ky * KW + kx), _mm256_loadu_ps(row + kx * dw), a);
              else if (sw == 1)
                for (kx = 0; kx < KW; ++kx)
                  a = _mm256_fmadd_ps(_mm256_broadcast_ss(wc + ky * KW + kx), _mm256_maskload_ps(row + kx * dw, mlo[kx]),
                                      a);
              else
                for (kx = 0; kx < KW; ++kx) {
                  const __m256 e = _mm256_shuffle_ps(_mm256_maskload_ps(row + kx * dw, mlo[kx]),
                                                     _mm256_maskload_ps(row + kx * dw + 8, mhi[kx]), 0x88);
                  a = _mm256_fmadd_ps(_mm256_broadcast_ss(wc + ky * KW + kx),
                                      _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xd8)), a);
                }
            }
          _mm256_maskstore_ps(yc + (int64_t)r * OW + c0, m, emlc_clamp8(a, vlo, vhi));
        }
      }
    }
}

// @kernel fully_connected_f32_avx2
// @requires avx2_f32_impl
/* y[B][N] = x[B][K] * w[N][K]^T + bias[N], clamped: four rows of w against
   the input row per pass, 8 lanes of K per FMA (masked tail), then a
   horizontal sum. */
static float emlc_hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static void emlc_fully_connected_f32_avx2(const float *x, const float *w, const float *bias, float *y, int32_t B,
                                          int32_t K, int32_t N, float lo, float hi) {
  const __m256i tail = emlc_mask8(K & 7);
  const int32_t K8 = K & ~7;
  int32_t bi, n, k, i;
  for (bi = 0; bi < B; ++bi) {
    const float *xr = x + (int64_t)bi * K;
    float *yr = y + (int64_t)bi * N;
    for (n = 0; n < N; n += 4) {
      const int32_t rows = EMLC_MIN(4, N - n);
      const float *w0 = w + (int64_t)n * K, *w1 = rows > 1 ? w0 + K : w0, *w2 = rows > 2 ? w0 + 2 * K : w0,
                  *w3 = rows > 3 ? w0 + 3 * K : w0;
      __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
      float s[4];
      for (k = 0; k < K8; k += 8) {
        const __m256 xv = _mm256_loadu_ps(xr + k);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + k), xv, a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + k), xv, a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + k), xv, a2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + k), xv, a3);
      }
      if (k < K) {
        const __m256 xv = _mm256_maskload_ps(xr + k, tail);
        a0 = _mm256_fmadd_ps(_mm256_maskload_ps(w0 + k, tail), xv, a0);
        a1 = _mm256_fmadd_ps(_mm256_maskload_ps(w1 + k, tail), xv, a1);
        a2 = _mm256_fmadd_ps(_mm256_maskload_ps(w2 + k, tail), xv, a2);
        a3 = _mm256_fmadd_ps(_mm256_maskload_ps(w3 + k, tail), xv, a3);
      }
      s[0] = emlc_hsum8(a0), s[1] = emlc_hsum8(a1), s[2] = emlc_hsum8(a2), s[3] = emlc_hsum8(a3);
      for (i = 0; i < rows; ++i) {
        const float v = bias[n + i] + s[i];
        yr[n + i] = EMLC_CLAMP(v, lo, hi);
      }
    }
  }
}
