// @kernel avx2_f32_impl
/* AVX2 + FMA: the float kernels' common ground. The helpers are small
   sections (avx2_mask_impl: a lane mask for the first n of 8 lanes, through
   which tails load, so no kernel reads past its tensors; avx2_store_impl;
   avx2_clamp_impl: max(lo, v) / min(hi, v) return v when v is NaN, so NaN
   passes through as EMLC_CLAMP does; hsum8_f32_impl) so the emitted C holds
   no unused function. */
#if !defined(__AVX2__) || !defined(__FMA__)
#error "this module was compiled for the x86-64-avx2 target: build it with -mavx2 -mfma (or compile for --target x86-64)"
#endif
#include <immintrin.h> /* EMLC_NOINLINE and EMLC_OPAQUE: prelude.h */

// @kernel avx2_mask_impl
// @requires avx2_f32_impl
static __m256i emlc_mask8(int32_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// @kernel avx2_store_impl
// @requires avx2_f32_impl
/* The first n (0..8) lanes of v to p, in pieces of 4, 2 and 1. Not
   VMASKMOVPS: masked stores are microcoded and slow on AMD cores. */
static void emlc_store8(float *p, __m256 v, int32_t n) {
  __m128 h = _mm256_castps256_ps128(v);
  if (n == 8) {
    _mm256_storeu_ps(p, v);
    return;
  }
  if (n >= 4)
    _mm_storeu_ps(p, h), h = _mm256_extractf128_ps(v, 1), p += 4, n -= 4;
  if (n >= 2)
    _mm_storel_pi((__m64 *)p, h), h = _mm_movehl_ps(h, h), p += 2, n -= 2;
  if (n)
    _mm_store_ss(p, h);
}

// @kernel avx2_clamp_impl
// @requires avx2_f32_impl
static __m256 emlc_clamp8(__m256 v, __m256 lo, __m256 hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, v)); }

// @kernel pad_phase_f32_impl
// @requires avx2_f32_impl
// @requires avx2_mask_impl
/* Columns c..c+3 of a row of W floats, 0 outside it (masked lanes cannot fault; left of the row, the row's
   first 4 moved right). */
static inline __attribute__((always_inline)) __m128 emlc_load4_row(const float *xr, int32_t c, int32_t W) {
  const __m128i lane = _mm_setr_epi32(0, 1, 2, 3), id = _mm_add_epi32(lane, _mm_set1_epi32(c));
  const __m128i none = _mm_set1_epi32(-1), wv = _mm_set1_epi32(W);
  if (c >= 0 && c + 4 <= W)
    return _mm_loadu_ps(xr + c);
  if (c >= 0) /* the row's end: lanes past it masked (all of them from W on) */
    return _mm_maskload_ps(xr + EMLC_MIN(c, W), _mm_cmpgt_epi32(wv, id));
  return _mm_and_ps(_mm_permutevar_ps(_mm_maskload_ps(xr, _mm_cmpgt_epi32(wv, lane)), id),
                    _mm_castsi128_ps(_mm_and_si128(_mm_cmpgt_epi32(id, none), _mm_cmpgt_epi32(wv, id))));
}
/* One channel (H x W) copied into the zero-padded, column-phase-split layout
   the strided float kernels read: dst[r][ph][q] = x[r - pt][q * sw + ph - pl]
   (0 outside), r < Hp, ph < sw, q < Wq. With it, the inputs of sw-strided
   output columns ow, ow+1, ... for a tap are contiguous, so every tap is one
   unaligned vector load. Rows are written in address order by whole vectors
   (a row's last one spills into the next row, written after it), so dst
   needs 8 floats of room after Hp*sw*Wq. Stride 4 (Winograd F(4x4,3x3)'s
   tiles) splits a row's 4 phases at once by 4x4 transposes of 16 columns
   (masked loads at the row's ends). */
static void emlc_pad_phase_f32(const float *x, float *dst, int32_t H, int32_t W, int32_t Hp, int32_t sw, int32_t Wq,
                               int32_t pt, int32_t pl) {
  const __m256 zero = _mm256_setzero_ps();
  int32_t r, ph, q, qs[2][4];
  for (ph = 0; ph < sw && ph < 4; ++ph) /* [q0, q1) of the first 4 phases, out of the row loop (a division) */
    qs[0][ph] = EMLC_MIN(Wq, EMLC_MAX(0, (pl - ph + sw - 1) / sw)),
    qs[1][ph] = EMLC_MAX(qs[0][ph], EMLC_MIN(Wq, (W + pl - ph + sw - 1) / sw));
  for (r = 0; r < Hp; ++r) {
    if (sw == 4) { /* the row's 4 phases at once (Winograd F(4x4,3x3)): 4x4 transposes of 16 input columns */
      const int32_t ih = r - pt;
      float *d = dst + (int64_t)r * 4 * Wq;
      for (q = 0; q < Wq; q += 4) {
        const int32_t q4 = q + 4 > Wq && Wq >= 4 ? Wq - 4 : q; /* the last 4 overlap the previous ones */
        const int32_t c0 = 4 * q4 - pl;                          /* the input column of phase 0, position q4 */
        __m128 v0, v1, v2, v3;
        if (ih < 0 || ih >= H)
          v0 = v1 = v2 = v3 = _mm_setzero_ps();
        else {
          const float *xr = x + (int64_t)ih * W;
          v0 = emlc_load4_row(xr, c0, W), v1 = emlc_load4_row(xr, c0 + 4, W), v2 = emlc_load4_row(xr, c0 + 8, W);
          v3 = emlc_load4_row(xr, c0 + 12, W);
        }
        _MM_TRANSPOSE4_PS(v0, v1, v2, v3);
        /* in phase order: with Wq < 4 a phase's 4 lanes spill into the next phase (or row), written after */
        _mm_storeu_ps(d + q4, v0), _mm_storeu_ps(d + Wq + q4, v1), _mm_storeu_ps(d + 2 * Wq + q4, v2);
        _mm_storeu_ps(d + 3 * Wq + q4, v3);
      }
      continue;
    }
    for (ph = 0; ph < sw; ++ph) {
      /* columns q with 0 <= q * sw + ph - pl < W: [q0, q1), the same on every row */
      const int32_t q0 = ph < 4 ? qs[0][ph] : EMLC_MIN(Wq, EMLC_MAX(0, (pl - ph + sw - 1) / sw)),
                    q1 = ph < 4 ? qs[1][ph] : EMLC_MAX(q0, EMLC_MIN(Wq, (W + pl - ph + sw - 1) / sw)), ih = r - pt;
      float *d = dst + ((int64_t)r * sw + ph) * Wq;
      const float *s = x + (int64_t)ih * W + (int64_t)q0 * sw + ph - pl;
      if (ih < 0 || ih >= H) {
        for (q = 0; q < Wq; q += 8) {
          EMLC_OPAQUE(q);
          _mm256_storeu_ps(d + q, zero);
        }
        continue;
      }
      for (q = 0; q < q0; q += 8) { /* left padding, then overwritten from q0 on */
        EMLC_OPAQUE(q);
        _mm256_storeu_ps(d + q, zero);
      }
      q = q0;
      if (sw == 1) {
        for (; q + 8 <= q1; q += 8, s += 8) {
          EMLC_OPAQUE(q);
          _mm256_storeu_ps(d + q, _mm256_loadu_ps(s));
        }
        if (q < q1) /* the last columns and zeros after them */
          _mm256_storeu_ps(d + q, _mm256_maskload_ps(s, emlc_mask8(q1 - q))), q += 8;
      } else if (sw == 2) /* 8 even elements of 15: two loads, a shuffle and a permute */
        for (; q + 8 <= q1; q += 8, s += 16) {
          const __m256 v = _mm256_shuffle_ps(_mm256_loadu_ps(s), _mm256_maskload_ps(s + 8, emlc_mask8(7)), 0x88);
          _mm256_storeu_ps(d + q, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xd8)));
        }
      for (; q < q1; ++q, s += sw)
        d[q] = *s;
      for (; q < Wq; q += 8) { /* right padding */
        EMLC_OPAQUE(q);
        _mm256_storeu_ps(d + q, zero);
      }
    }
  }
}

// @kernel gemm4x24_f32_impl
// @requires avx2_f32_impl
// @requires avx2_clamp_impl
/* The register-blocked float GEMM tile of conv2d_f32_avx2 and the Winograd
   kernels (emlc_wino_gemms_f32): 4 output rows x NV (3 or 2) vectors of 8 columns,
   the accumulators starting from acc0[row]; each of the K steps loads the
   vectors at s0, s1 (, s2) + TAP (taps[k], or k * step when taps is NULL),
   broadcasts the packed weights wk ([K][4]) and does 4 x NV FMAs; the sums,
   clamped to [vlo, vhi], go to t[row * pitch + off[vector]] (straight into
   the output when the tile is whole). Its own function with no other live vectors:
   12 accumulators, 3 inputs and a weight fill the 16 registers exactly (the
   kernels ran at half speed when masks or a third path competed for them). */
#define EMLC_GEMM_ROW(r, w)                                                                                      \
  w = _mm256_broadcast_ss(wk + r), a##r##0 = _mm256_fmadd_ps(w, b0, a##r##0), a##r##1 = _mm256_fmadd_ps(w, b1, a##r##1)
#define EMLC_GEMM4X24_STEP(TAP)                                                                                  \
  {                                                                                                              \
    const int32_t o = (TAP);                                                                                     \
    const __m256 b0 = _mm256_loadu_ps(s0 + o), b1 = _mm256_loadu_ps(s1 + o), b2 = _mm256_loadu_ps(s2 + o);     \
    __m256 w;                                                                                                    \
    EMLC_GEMM_ROW(0, w), a02 = _mm256_fmadd_ps(w, b2, a02);                                                      \
    EMLC_GEMM_ROW(1, w), a12 = _mm256_fmadd_ps(w, b2, a12);                                                      \
    EMLC_GEMM_ROW(2, w), a22 = _mm256_fmadd_ps(w, b2, a22);                                                      \
    EMLC_GEMM_ROW(3, w), a32 = _mm256_fmadd_ps(w, b2, a32);                                                      \
    wk += 4;                                                                                                     \
  }
#define EMLC_GEMM4X16_STEP(TAP)                                                                                  \
  {                                                                                                              \
    const int32_t o = (TAP);                                                                                     \
    const __m256 b0 = _mm256_loadu_ps(s0 + o), b1 = _mm256_loadu_ps(s1 + o);                                    \
    __m256 w;                                                                                                    \
    EMLC_GEMM_ROW(0, w), EMLC_GEMM_ROW(1, w), EMLC_GEMM_ROW(2, w), EMLC_GEMM_ROW(3, w);                          \
    wk += 4;                                                                                                     \
  }
static const int64_t emlc_tile_off[3] = {0, 8, 16}; /* off[] of a tile stored to a buffer of 24-float rows */
#define EMLC_GEMM_OUT(r, j) _mm256_storeu_ps(t + (r) * pitch + off[j], emlc_clamp8(a##r##j, vlo, vhi))
static EMLC_NOINLINE void emlc_gemm4x24_f32(const float *wk, int32_t K, const int32_t *taps, int32_t step, const float *s0,
                                           const float *s1, const float *s2, const float *acc0, float *t,
                                           int64_t pitch, const int64_t *off, __m256 vlo, __m256 vhi) {
  __m256 a00 = _mm256_broadcast_ss(acc0), a01 = a00, a02 = a00, a10 = _mm256_broadcast_ss(acc0 + 1), a11 = a10,
         a12 = a10, a20 = _mm256_broadcast_ss(acc0 + 2), a21 = a20, a22 = a20, a30 = _mm256_broadcast_ss(acc0 + 3),
         a31 = a30, a32 = a30;
  int32_t k;
  if (taps)
    for (k = 0; k < K; ++k)
      EMLC_GEMM4X24_STEP(taps[k])
  else
    for (k = 0; k < K; ++k)
      EMLC_GEMM4X24_STEP(k * step)
  EMLC_GEMM_OUT(0, 0), EMLC_GEMM_OUT(0, 1), EMLC_GEMM_OUT(0, 2), EMLC_GEMM_OUT(1, 0), EMLC_GEMM_OUT(1, 1);
  EMLC_GEMM_OUT(1, 2), EMLC_GEMM_OUT(2, 0), EMLC_GEMM_OUT(2, 1), EMLC_GEMM_OUT(2, 2), EMLC_GEMM_OUT(3, 0);
  EMLC_GEMM_OUT(3, 1), EMLC_GEMM_OUT(3, 2);
}
static EMLC_NOINLINE void emlc_gemm4x16_f32(const float *wk, int32_t K, const int32_t *taps, int32_t step, const float *s0,
                                           const float *s1, const float *acc0, float *t, int64_t pitch,
                                           const int64_t *off, __m256 vlo, __m256 vhi) {
  __m256 a00 = _mm256_broadcast_ss(acc0), a01 = a00, a10 = _mm256_broadcast_ss(acc0 + 1), a11 = a10,
         a20 = _mm256_broadcast_ss(acc0 + 2), a21 = a20, a30 = _mm256_broadcast_ss(acc0 + 3), a31 = a30;
  int32_t k;
  if (taps)
    for (k = 0; k < K; ++k)
      EMLC_GEMM4X16_STEP(taps[k])
  else
    for (k = 0; k < K; ++k)
      EMLC_GEMM4X16_STEP(k * step)
  EMLC_GEMM_OUT(0, 0), EMLC_GEMM_OUT(0, 1), EMLC_GEMM_OUT(1, 0), EMLC_GEMM_OUT(1, 1);
  EMLC_GEMM_OUT(2, 0), EMLC_GEMM_OUT(2, 1), EMLC_GEMM_OUT(3, 0), EMLC_GEMM_OUT(3, 1);
}
#undef EMLC_GEMM_ROW
#undef EMLC_GEMM_OUT
#undef EMLC_GEMM4X24_STEP
#undef EMLC_GEMM4X16_STEP

// @kernel wino_gemm_f32_impl
// @requires avx2_f32_impl
// @requires gemm4x24_f32_impl
/* The products of a Winograd block (conv3x3_f32_wino_avx2, _wino4_avx2): for
   each of the nxi transformed positions xi, Mo[xi][m][tile] = sum_c
   U[xi][m][c] V[xi][c][tile] (u: [nxi][ceil(M/4)][C][4]; V rows of NT tiles,
   planes VS floats apart; Mo rows of NT, planes MS apart) over nt tiles (a
   multiple of 8), zero tiles appended in V up to a multiple of 24, or of 16
   past one, so the GEMM tiles (24 tiles at a time, a last 16) need no masks. */
static void emlc_wino_gemms_f32(const float *u, float *V, float *Mo, int32_t nxi, int32_t C, int32_t M, int32_t NT,
                                int32_t nt, int64_t VS, int64_t MS) {
  static const float z4[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  const __m256 nolo = _mm256_set1_ps(-INFINITY), nohi = _mm256_set1_ps(INFINITY), zero = _mm256_setzero_ps();
  const int32_t Mp = (M + 3) & ~3, ntp = nt % 24 == 0 ? nt : nt % 24 <= 16 ? nt / 24 * 24 + 16 : nt / 24 * 24 + 24;
  int32_t xi, c, g, mb;
  for (xi = 0; xi < nxi; ++xi)
    for (c = 0; c < C; ++c)
      for (g = nt; g < ntp; g += 8)
        _mm256_storeu_ps(V + xi * VS + (int64_t)c * NT + g, zero);
  for (xi = 0; xi < nxi; ++xi)
    for (mb = 0; mb < M; mb += 4) {
      const float *uk = u + ((int64_t)xi * (Mp / 4) + mb / 4) * C * 4;
      for (g = 0; g < ntp; g += 24) {
        const float *src = V + xi * VS + g;
        float *mo = Mo + xi * MS + (int64_t)mb * NT + g;
        if (g + 24 <= ntp)
          emlc_gemm4x24_f32(uk, C, NULL, NT, src, src + 8, src + 16, z4, mo, NT, emlc_tile_off, nolo, nohi);
        else
          emlc_gemm4x16_f32(uk, C, NULL, NT, src, src + 8, z4, mo, NT, emlc_tile_off, nolo, nohi);
      }
    }
}

// @kernel conv2d_f32_avx2
// @requires avx2_f32_impl
// @requires avx2_store_impl
// @requires avx2_clamp_impl
// @requires pad_phase_f32_impl
// @requires gemm4x24_f32_impl
/* Float convolution, one group, NCHW, as a register-blocked GEMM: 4 output
   channels x 3 vectors of 8 output pixels per tile (gemm4x24_f32); each of
   the K = C*KH*KW steps is 3 vector loads, 4 broadcasts and 12 FMAs. The
   output rows are cut into vectors of 8 columns ("slots", the last of a row
   partial) and a tile takes the next three slots, so short rows (8x8 planes)
   still fill tiles; a last tile of one or two slots takes the 4x16 step.
   A partial slot's extra lanes read on into the next row (or the copy's 8
   floats of room) and are not stored. wp holds the weights as
   [ceil(M/4)][K][4] (zero rows complete M), packed by the compiler. The
   input is read through taps[k], the offset of tap k = (c, ky, kx) in the
   padded phase-split copy (pad_phase_f32: C channels of Hp*sw*Wq floats in
   xp, + 8), or, when `direct` (1x1, no padding), in x itself seen as one
   row of OH*OW pixels (direct 1: stride 1; 2: strided, the sampled pixels
   first copied compact into xp, C*OH*OW floats); there the tile where the
   pixels end is first copied (K x 24 floats, zeros past the plane, in xp
   after the compact copy), and tap k is at k*OH*OW (taps unused). Each output is bias +
   the sum over k in order with fused multiply-adds (within float tolerance
   of the portable kernel). */
static void emlc_conv2d_f32_avx2(const float *x, const float *wp, const float *bias, float *xp, float *y, int32_t N,
                                 int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW,
                                 int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq,
                                 int32_t direct, const int32_t *taps, float lo, float hi) {
  const int32_t P = OH * OW, cols = direct ? P : OW, slots = (direct ? 1 : OH) * ((cols + 7) / 8);
  const int64_t cs = (int64_t)Hp * sw * Wq, rowPitch = (int64_t)sh * sw * Wq;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  int32_t n, c, mb, s, j, i, k;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W, *base = xn;
    float *yn = y + (int64_t)n * M * P;
    int32_t r = 0, c8 = 0; /* the next slot's row and first column */
    if (!direct) {
      for (c = 0; c < C; ++c)
        emlc_pad_phase_f32(xn + (int64_t)c * H * W, xp + c * cs, H, W, Hp, sw, Wq, pt, pl);
      base = xp;
    } else if (direct == 2) { /* strided 1x1: the sampled pixels, compact */
      for (c = 0; c < C; ++c)
        for (i = 0; i < OH; ++i)
          for (j = 0; j < OW; ++j)
            xp[((int64_t)c * OH + i) * OW + j] = xn[(int64_t)c * H * W + (int64_t)i * sh * W + (int64_t)j * sw];
      base = xp;
    }
    /* tiles of three slots outer, so each tile's inputs stay in L1 while all the weights pass */
    for (s = 0; s < slots; s += 3) {
      const float *src[3];
      int64_t out[3];
      int32_t cnt[3];
      for (j = 0; j < 3; ++j) {
        if (s + j >= slots) {
          src[j] = src[0], out[j] = 0, cnt[j] = 0;
          continue;
        }
        src[j] = base + r * rowPitch + c8, out[j] = (int64_t)r * OW + c8, cnt[j] = EMLC_MIN(8, cols - c8);
        if ((c8 += 8) >= cols)
          c8 = 0, ++r;
      }
      /* x itself ends inside this tile: its K rows of 24 pixels go through xp (zeros past the plane) */
      const int32_t bounce = direct && cnt[0] + cnt[1] + cnt[2] < 24;
      const int32_t *tk = direct ? NULL : taps, step = bounce ? 24 : P; /* direct: tap k at k * step */
      float *bp = xp + (direct == 2 ? (int64_t)C * P : 0);
      const float *s0[3];
      if (bounce)
        for (k = 0; k < K; ++k)
          for (i = 0; i < 24; ++i)
            bp[k * 24 + i] = i < cnt[0] + cnt[1] + cnt[2] ? src[0][(int64_t)k * P + i] : 0.0f;
      for (j = 0; j < 3; ++j)
        s0[j] = bounce ? bp + 8 * j : src[j];
      for (mb = 0; mb < M; mb += 4) {
        const float *wm = wp + (int64_t)mb * K;
        const int32_t rowsOut = EMLC_MIN(4, M - mb);
        /* whole tiles of 4 channels go straight to y, others through t */
        const int32_t whole = rowsOut == 4 && cnt[0] == 8 && cnt[1] == 8 && (cnt[2] == 8 || cnt[2] == 0);
        float b4[4], t[4 * 24], *to = whole ? yn + (int64_t)mb * P : t;
        const int64_t pitch = whole ? P : 24, *off = whole ? out : emlc_tile_off;
        for (i = 0; i < 4; ++i)
          b4[i] = i < rowsOut ? bias[mb + i] : 0.0f;
        if (cnt[2])
          emlc_gemm4x24_f32(wm, K, tk, step, s0[0], s0[1], s0[2], b4, to, pitch, off, vlo, vhi);
        else /* the last one or two slots: no third to waste FMAs on */
          emlc_gemm4x16_f32(wm, K, tk, step, s0[0], s0[1], b4, to, pitch, off, vlo, vhi);
        if (!whole)
          for (i = 0; i < rowsOut; ++i)
            for (j = 0; j < 3; ++j)
              if (cnt[j])
                emlc_store8(yn + (int64_t)(mb + i) * P + out[j], _mm256_loadu_ps(t + 24 * i + 8 * j), cnt[j]);
      }
    }
  }
}

// @kernel conv3x3_f32_wino_avx2
// @requires avx2_f32_impl
// @requires avx2_clamp_impl
// @requires pad_phase_f32_impl
// @requires wino_gemm_f32_impl
/* 3x3 float convolution, stride 1, one group, NCHW, by Winograd F(2x2,3x3):
   each 2x2 output tile is A^T [U . (B^T d B)] A over its 4x4 input patch d,
   so 16 multiplies per tile and channel pair instead of 36. u holds the
   transformed weights U = G g G^T (made by the compiler) as
   [16][ceil(M/4)][C][4]. Tiles (OH/2 x OW/2 of them, OW/2 a multiple of 4,
   their count a multiple of 8: NNToKernel checks) are taken 96 at a time:
   the input transform reads 8 tiles per vector (two runs of 4 along a tile
   row, their even and odd columns split by shuffles) from a zero-padded
   copy of x (pad_phase_f32 with stride 1), the 16
   products are GEMMs [M x C] x [C x 96] (gemm4x24_f32; a last partial block
   is padded with zero tiles to a multiple of 24, or of 16 with gemm4x16_f32), and the output transform adds the bias,
   clamps and stores two output rows per tile vector. work: C*(OH+2)*(OW+2)
   + 16*(96*(C + ceil(M/4)*4) + 32) floats (the copy spills into V, written
   later).
   Within float tolerance of the portable kernel (the transforms' coefficients are 0, +-1, +-1/2). */
static void emlc_conv3x3_f32_wino_avx2(const float *x, const float *u, const float *bias, float *work, float *y,
                                       int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t OH, int32_t OW,
                                       int32_t pt, int32_t pl, float lo, float hi) {
  const int32_t TH = OH / 2, TW = OW / 2, T = TH * TW, Hp = 2 * TH + 2, Wp = 2 * TW + 2, NT = 96, Mp = (M + 3) & ~3;
  const int64_t cs = (int64_t)Hp * Wp;
  /* V[xi] and Mo[xi] 16 floats more apart than their size: at multiples of 4 KB, the 16 planes' rows would
     share L1 sets (4K aliasing: 32-channel layers took twice as long in the input transform) */
  const int64_t VS = (int64_t)C * NT + 16, MS = (int64_t)Mp * NT + 16;
  float *xp = work, *V = xp + (int64_t)C * cs, *Mo = V + 16 * VS;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  int32_t n, c, t0, g, m;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W;
    float *yn = y + (int64_t)n * M * OH * OW;
    for (c = 0; c < C; ++c)
      emlc_pad_phase_f32(xn + (int64_t)c * H * W, xp + c * cs, H, W, Hp, 1, Wp, pt, pl);
    for (t0 = 0; t0 < T; t0 += NT) {
      const int32_t nt = EMLC_MIN(NT, T - t0); /* a multiple of 8 */
      /* input transform: V[xi][c][tile] = (B^T d B)[xi] */
      for (g = 0; g < nt; g += 8) {
        const int32_t a = t0 + g, b = a + 4;
        const int64_t oa = (int64_t)(a / TW) * 2 * Wp + a % TW * 2, ob = (int64_t)(b / TW) * 2 * Wp + b % TW * 2;
        for (c = 0; c < C; ++c) {
          const float *pa = xp + c * cs + oa, *pb = xp + c * cs + ob;
          float *v = V + (int64_t)c * NT + g;
          const int64_t xs = VS;
          __m256 a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3;
/* Row r of the 4x4 patch of 8 tiles times B: columns 2tx + k of 4 + 4 tiles are the even/odd lanes of two
   8-column loads; e0..e3 = (d0 - d2, d1 + d2, d2 - d1, d1 - d3). */
#define EMLC_HALVES(o) _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(pa + r * Wp + (o))), \
                                            _mm_loadu_ps(pb + r * Wp + (o)), 1)
#define EMLC_ROW_B(rr, e0, e1, e2, e3)                                                                             \
  {                                                                                                              \
    const int64_t r = (rr);                                                                                      \
    const __m256 x0 = EMLC_HALVES(0), x1 = EMLC_HALVES(4), x2 = EMLC_HALVES(2), x3 = EMLC_HALVES(6);            \
    const __m256 d0 = _mm256_shuffle_ps(x0, x1, 0x88), d1 = _mm256_shuffle_ps(x0, x1, 0xdd);                     \
    const __m256 d2 = _mm256_shuffle_ps(x2, x3, 0x88), d3 = _mm256_shuffle_ps(x2, x3, 0xdd);                     \
    e0 = _mm256_sub_ps(d0, d2), e1 = _mm256_add_ps(d1, d2), e2 = _mm256_sub_ps(d2, d1), e3 = _mm256_sub_ps(d1, d3); \
  }
#define EMLC_STORE_V(i, OP, p, q)                                                                                 \
  _mm256_storeu_ps(v + (4 * (i) + 0) * xs, OP(p##0, q##0)), _mm256_storeu_ps(v + (4 * (i) + 1) * xs, OP(p##1, q##1)), \
  _mm256_storeu_ps(v + (4 * (i) + 2) * xs, OP(p##2, q##2)), _mm256_storeu_ps(v + (4 * (i) + 3) * xs, OP(p##3, q##3))
          /* B^T over the rows (r0 - r2, r1 + r2, r2 - r1, r1 - r3), rows in the order that keeps 12 vectors live */
          EMLC_ROW_B(0, a0, a1, a2, a3)
          EMLC_ROW_B(2, c0, c1, c2, c3)
          EMLC_STORE_V(0, _mm256_sub_ps, a, c);
          EMLC_ROW_B(1, b0, b1, b2, b3)
          EMLC_STORE_V(1, _mm256_add_ps, b, c);
          EMLC_STORE_V(2, _mm256_sub_ps, c, b);
          EMLC_ROW_B(3, a0, a1, a2, a3)
          EMLC_STORE_V(3, _mm256_sub_ps, b, a);
#undef EMLC_HALVES
#undef EMLC_ROW_B
#undef EMLC_STORE_V
        }
      }
      emlc_wino_gemms_f32(u, V, Mo, 16, C, M, NT, nt, VS, MS);
      /* output transform: y tile = A^T Mo A + bias, clamped */
      for (g = 0; g < nt; g += 8) {
        const int32_t a = t0 + g, b = a + 4;
        const int64_t oa = (int64_t)(a / TW) * 2 * OW + (a % TW) * 2, ob = (int64_t)(b / TW) * 2 * OW + (b % TW) * 2;
        for (m = 0; m < M; ++m) {
          const float *q = Mo + (int64_t)m * NT + g;
          const int64_t xs = MS;
          float *ya = yn + (int64_t)m * OH * OW + oa, *yb = yn + (int64_t)m * OH * OW + ob;
          const __m256 bv = _mm256_set1_ps(bias[m]);
          __m256 s00, s01, s02, s03, s10, s11, s12, s13;
/* A^T over the rows of column k (Mo[xi = 4i + k]): (m0 + m1 + m2, m1 - m2 - m3) */
#define EMLC_COL_A(k, u, w)                                                                                       \
  {                                                                                                              \
    const __m256 m0 = _mm256_loadu_ps(q + (k) * xs), m1 = _mm256_loadu_ps(q + (4 + (k)) * xs),                   \
                 m2 = _mm256_loadu_ps(q + (8 + (k)) * xs), m3 = _mm256_loadu_ps(q + (12 + (k)) * xs);            \
    u = _mm256_add_ps(_mm256_add_ps(m0, m1), m2), w = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);                  \
  }
/* then A over the columns of output row i, bias, clamp, the two outputs of each tile interleaved */
#define EMLC_ROW_OUT(i, t0_, t1_, t2_, t3_)                                                                       \
  {                                                                                                              \
    const __m256 o0 = emlc_clamp8(_mm256_add_ps(bv, _mm256_add_ps(_mm256_add_ps(t0_, t1_), t2_)), vlo, vhi);     \
    const __m256 o1 = emlc_clamp8(_mm256_add_ps(bv, _mm256_sub_ps(_mm256_sub_ps(t1_, t2_), t3_)), vlo, vhi);     \
    const __m256 l = _mm256_unpacklo_ps(o0, o1), h = _mm256_unpackhi_ps(o0, o1);                                 \
    _mm256_storeu_ps(ya + (int64_t)(i) * OW, _mm256_permute2f128_ps(l, h, 0x20));                                \
    _mm256_storeu_ps(yb + (int64_t)(i) * OW, _mm256_permute2f128_ps(l, h, 0x31));                                \
  }
          EMLC_COL_A(0, s00, s10)
          EMLC_COL_A(1, s01, s11)
          EMLC_COL_A(2, s02, s12)
          EMLC_COL_A(3, s03, s13)
          EMLC_ROW_OUT(0, s00, s01, s02, s03)
          EMLC_ROW_OUT(1, s10, s11, s12, s13)
#undef EMLC_COL_A
#undef EMLC_ROW_OUT
        }
      }
    }
  }
}

// @kernel conv3x3_f32_wino4_avx2
// @requires avx2_f32_impl
// @requires avx2_clamp_impl
// @requires pad_phase_f32_impl
// @requires wino_gemm_f32_impl
/* 3x3 float convolution, stride 1, one group, NCHW, by Winograd F(4x4,3x3):
   each 4x4 output tile is A^T [U . (B^T d B)] A over its 6x6 input patch d,
   36 multiplies per tile and channel pair instead of 144 (F(2x2,3x3): 64),
   for layers whose GEMMs dominate (NNToKernel: 16 or more tiles). u holds
   U = G g G^T (made by the compiler) as [36][ceil(M/4)][C][4]. Tiles (OH/4 x
   OW/4, OW/4 a multiple of 4, their count a multiple of 8) are taken 64 at a
   time: x is copied zero-padded and split into 4 column phases (pad_phase_f32
   with stride 4: column 4q + j of a row is phase j % 4, position q), so
   column j of 4 tiles along a row is one 4-float load; a vector holds two
   runs of 4 tiles. The input transform goes over the patch rows (6 columns
   each, into a small buffer), then its columns, into V[xi][c][tile]; the 36
   products are GEMMs [M x C] x [C x tiles] (emlc_wino_gemms_f32); the output
   transform (rows into a buffer, then columns, the bias, the clamp) stores
   each tile row's 16 outputs after a 4x4 transpose per run. work: C*(OH+2)*4*(OW/4+1) + 8 +
   36*(64*(C + ceil(M/4)*4) + 32) floats. Within float tolerance of the
   portable kernel (coefficients up to 8 in A, 5 in B: F(4x4,3x3)'s rounding
   stays near 1e-6 relative on these sizes). */
static void emlc_conv3x3_f32_wino4_avx2(const float *x, const float *u, const float *bias, float *work, float *y,
                                        int32_t N, int32_t C, int32_t H, int32_t W, int32_t M, int32_t OH, int32_t OW,
                                        int32_t pt, int32_t pl, float lo, float hi) {
  const int32_t TH = OH / 4, TW = OW / 4, T = TH * TW, Hp = 4 * TH + 2, Wq = TW + 1, NT = 64, Mp = (M + 3) & ~3;
  const __m256 two = _mm256_set1_ps(2.0f), four = _mm256_set1_ps(4.0f), five = _mm256_set1_ps(5.0f),
               eight = _mm256_set1_ps(8.0f);
  const int64_t cs = (int64_t)Hp * 4 * Wq;
  /* V[xi] and Mo[xi] 16 floats more apart than their size (4K aliasing, as in conv3x3_f32_wino_avx2) */
  const int64_t VS = (int64_t)C * NT + 16, MS = (int64_t)Mp * NT + 16;
  float *xp = work, *V = xp + (int64_t)C * cs + 8, *Mo = V + 36 * VS;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  __m256 e[36]; /* a patch after the row pass, [row i][column k] (outputs: [row r][column k]) */
  int32_t n, c, t0, g, m, i, k;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W;
    float *yn = y + (int64_t)n * M * OH * OW;
    for (c = 0; c < C; ++c)
      emlc_pad_phase_f32(xn + (int64_t)c * H * W, xp + c * cs, H, W, Hp, 4, Wq, pt, pl);
    for (t0 = 0; t0 < T; t0 += NT) {
      const int32_t nt = EMLC_MIN(NT, T - t0); /* a multiple of 8 */
      /* input transform: V[xi = 6l + k][c][tile] = (B^T d B)[l][k] */
      for (g = 0; g < nt; g += 8) {
        const int32_t a = t0 + g, b = a + 4;
        const int64_t oa = (int64_t)(a / TW) * 16 * Wq + a % TW, ob = (int64_t)(b / TW) * 16 * Wq + b % TW;
        for (c = 0; c < C; ++c) {
          const float *pa = xp + c * cs + oa, *pb = xp + c * cs + ob;
          float *v = V + (int64_t)c * NT + g;
/* column j of patch row i for the 8 tiles: phase j % 4, position + j / 4 */
#define EMLC_W4_D(i, j) _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(pa + ((i) * 4 + (j) % 4) * Wq + (j) / 4)), \
                                             _mm_loadu_ps(pb + ((i) * 4 + (j) % 4) * Wq + (j) / 4), 1)
/* B^T on six vectors s0..s5 into t[0], t[st], ..., t[5 st] */
#define EMLC_W4_BT(s0, s1, s2, s3, s4, s5, t, st)                                                                 \
  {                                                                                                              \
    const __m256 p12 = _mm256_add_ps(s1, s2), m12 = _mm256_sub_ps(s1, s2), p34 = _mm256_add_ps(s3, s4);          \
    const __m256 m43 = _mm256_sub_ps(s4, s3), m42 = _mm256_sub_ps(s4, s2), m31 = _mm256_sub_ps(s3, s1);          \
    (t)[0] = _mm256_fmadd_ps(four, s0, _mm256_fnmadd_ps(five, s2, s4));                                          \
    (t)[st] = _mm256_fnmadd_ps(four, p12, p34);                                                                  \
    (t)[2 * (st)] = _mm256_fmadd_ps(four, m12, m43);                                                             \
    (t)[3 * (st)] = _mm256_fmadd_ps(two, m31, m42);                                                              \
    (t)[4 * (st)] = _mm256_fnmadd_ps(two, m31, m42);                                                             \
    (t)[5 * (st)] = _mm256_fmadd_ps(four, s1, _mm256_fnmadd_ps(five, s3, s5));                                   \
  }
          for (i = 0; i < 6; ++i) {
            const __m256 d0 = EMLC_W4_D(i, 0), d1 = EMLC_W4_D(i, 1), d2 = EMLC_W4_D(i, 2), d3 = EMLC_W4_D(i, 3),
                         d4 = EMLC_W4_D(i, 4), d5 = EMLC_W4_D(i, 5);
            EMLC_W4_BT(d0, d1, d2, d3, d4, d5, e + 6 * i, 1)
          }
          for (k = 0; k < 6; ++k) {
            __m256 f[6];
            EMLC_W4_BT(e[k], e[6 + k], e[12 + k], e[18 + k], e[24 + k], e[30 + k], f, 1)
            for (i = 0; i < 6; ++i)
              _mm256_storeu_ps(v + (6 * i + k) * VS, f[i]);
          }
#undef EMLC_W4_D
        }
      }
      emlc_wino_gemms_f32(u, V, Mo, 36, C, M, NT, nt, VS, MS);
      /* output transform: y tile = A^T Mo A + bias, clamped */
      for (g = 0; g < nt; g += 8) {
        const int32_t a = t0 + g, b = a + 4;
        const int64_t oa = (int64_t)(a / TW) * 4 * OW + (a % TW) * 4, ob = (int64_t)(b / TW) * 4 * OW + (b % TW) * 4;
        for (m = 0; m < M; ++m) {
          const float *q = Mo + (int64_t)m * NT + g;
          float *ya = yn + (int64_t)m * OH * OW + oa, *yb = yn + (int64_t)m * OH * OW + ob;
          const __m256 bv = _mm256_set1_ps(bias[m]);
/* A^T on six vectors s0..s5 into t[0], t[st], t[2 st], t[3 st] */
#define EMLC_W4_AT(s0, s1, s2, s3, s4, s5, t, st)                                                                 \
  {                                                                                                              \
    const __m256 p12 = _mm256_add_ps(s1, s2), m12 = _mm256_sub_ps(s1, s2), p34 = _mm256_add_ps(s3, s4);          \
    const __m256 m34 = _mm256_sub_ps(s3, s4);                                                                    \
    (t)[0] = _mm256_add_ps(_mm256_add_ps(s0, p12), p34);                                                         \
    (t)[st] = _mm256_fmadd_ps(two, m34, m12);                                                                    \
    (t)[2 * (st)] = _mm256_fmadd_ps(four, p34, p12);                                                             \
    (t)[3 * (st)] = _mm256_add_ps(_mm256_fmadd_ps(eight, m34, m12), s5);                                         \
  }
          for (k = 0; k < 6; ++k) { /* over the rows l of column k: e[r][k] */
            const float *qk = q + k * MS;
            EMLC_W4_AT(_mm256_loadu_ps(qk), _mm256_loadu_ps(qk + 6 * MS), _mm256_loadu_ps(qk + 12 * MS),
                       _mm256_loadu_ps(qk + 18 * MS), _mm256_loadu_ps(qk + 24 * MS), _mm256_loadu_ps(qk + 30 * MS),
                       e + k, 6)
          }
          for (i = 0; i < 4; ++i) { /* then over the columns of output row i, 4 tiles per run side by side */
            __m256 o[4], t4[4];
            EMLC_W4_AT(e[6 * i], e[6 * i + 1], e[6 * i + 2], e[6 * i + 3], e[6 * i + 4], e[6 * i + 5], o, 1)
            for (k = 0; k < 4; ++k)
              o[k] = emlc_clamp8(_mm256_add_ps(o[k], bv), vlo, vhi);
            t4[0] = _mm256_unpacklo_ps(o[0], o[1]), t4[1] = _mm256_unpackhi_ps(o[0], o[1]);
            t4[2] = _mm256_unpacklo_ps(o[2], o[3]), t4[3] = _mm256_unpackhi_ps(o[2], o[3]);
            o[0] = _mm256_shuffle_ps(t4[0], t4[2], 0x44), o[1] = _mm256_shuffle_ps(t4[0], t4[2], 0xee);
            o[2] = _mm256_shuffle_ps(t4[1], t4[3], 0x44), o[3] = _mm256_shuffle_ps(t4[1], t4[3], 0xee);
            _mm256_storeu_ps(ya + (int64_t)i * OW, _mm256_permute2f128_ps(o[0], o[1], 0x20));
            _mm256_storeu_ps(ya + (int64_t)i * OW + 8, _mm256_permute2f128_ps(o[2], o[3], 0x20));
            _mm256_storeu_ps(yb + (int64_t)i * OW, _mm256_permute2f128_ps(o[0], o[1], 0x31));
            _mm256_storeu_ps(yb + (int64_t)i * OW + 8, _mm256_permute2f128_ps(o[2], o[3], 0x31));
          }
        }
      }
#undef EMLC_W4_BT
#undef EMLC_W4_AT
    }
  }
}

// @kernel transpose8_f32_impl
// @requires avx2_f32_impl
/* An 8x8 float transpose of the vectors r[0..7] in registers (unpack,
   shuffle, lane permute); a macro so it stays inline. */
#define EMLC_TRANSPOSE8(r)                                                                                        \
  do {                                                                                                            \
    const __m256 t0_ = _mm256_unpacklo_ps(r[0], r[1]), t1_ = _mm256_unpackhi_ps(r[0], r[1]);                      \
    const __m256 t2_ = _mm256_unpacklo_ps(r[2], r[3]), t3_ = _mm256_unpackhi_ps(r[2], r[3]);                      \
    const __m256 t4_ = _mm256_unpacklo_ps(r[4], r[5]), t5_ = _mm256_unpackhi_ps(r[4], r[5]);                      \
    const __m256 t6_ = _mm256_unpacklo_ps(r[6], r[7]), t7_ = _mm256_unpackhi_ps(r[6], r[7]);                      \
    const __m256 s0_ = _mm256_shuffle_ps(t0_, t2_, 0x44), s1_ = _mm256_shuffle_ps(t0_, t2_, 0xee);                \
    const __m256 s2_ = _mm256_shuffle_ps(t1_, t3_, 0x44), s3_ = _mm256_shuffle_ps(t1_, t3_, 0xee);                \
    const __m256 s4_ = _mm256_shuffle_ps(t4_, t6_, 0x44), s5_ = _mm256_shuffle_ps(t4_, t6_, 0xee);                \
    const __m256 s6_ = _mm256_shuffle_ps(t5_, t7_, 0x44), s7_ = _mm256_shuffle_ps(t5_, t7_, 0xee);                \
    r[0] = _mm256_permute2f128_ps(s0_, s4_, 0x20), r[1] = _mm256_permute2f128_ps(s1_, s5_, 0x20);                 \
    r[2] = _mm256_permute2f128_ps(s2_, s6_, 0x20), r[3] = _mm256_permute2f128_ps(s3_, s7_, 0x20);                 \
    r[4] = _mm256_permute2f128_ps(s0_, s4_, 0x31), r[5] = _mm256_permute2f128_ps(s1_, s5_, 0x31);                 \
    r[6] = _mm256_permute2f128_ps(s2_, s6_, 0x31), r[7] = _mm256_permute2f128_ps(s3_, s7_, 0x31);                 \
  } while (0)

// @kernel conv2d_f32_cm_avx2
// @requires avx2_f32_impl
// @requires avx2_store_impl
// @requires avx2_clamp_impl
// @requires pad_phase_f32_impl
// @requires transpose8_f32_impl
/* Float convolution (one group, NCHW) for outputs whose rows are short (a
   few columns) or planes small (a few dozen pixels, not a whole number of
   vectors), where vectors of pixels would be partly empty: vectors run over
   output channels instead. A tile is nb = 16 channels x 6 output pixels
   (emlc_cm_tile16x6) or nb = 24 channels x 3 pixels (emlc_cm_tile24x3, for
   planes of 3, 9, ... pixels), 12 or 9 accumulators; each of the K =
   C*KH*KW steps loads the nb/8 weight vectors (wp: [ceil(M/nb)][K][nb], zero
   channels completing M, packed by the compiler), broadcasts each pixel's
   input (tap k at taps[k] from the pixel's window origin, or k*OH*OW when
   `direct` and x is planar) and does the FMAs. The input is x itself when
   `direct` (1x1, stride 1, no padding), else a zero-padded copy
   (pad_phase_f32 with column stride 1: C planes of Hp x Wq in xp, + 8).
   The tile is transposed in registers into channel rows and stored to the
   NCHW output; pixels past the plane repeat the last one (not stored). Bits
   of il: 1, x (direct only) is channel-interleaved, [C/8][H][W][8] (pixel q
   at 8q, taps from the compiler); 2, y is stored so, [M/8][OH][OW][8], the
   tile's pixel vectors as they are (M a multiple of 8). The dwconv kernel
   reads and writes the same layout: MobileNet's depthwise/pointwise chains
   pass no transposes. Each output is bias + the sum over k in order (fused
   multiply-adds). */
/* Clamps n pixel vectors (8 channels each; r[n..7] free) and stores their
   first cols pixels of `rows` (<= 8) channels: transposed into channel rows
   (yo + j*P, planar) or, when c8, as they are (yo + 8*i, channel-interleaved). */
static void emlc_cm_store(__m256 *r, int32_t n, float *yo, int64_t P, int32_t rows, int32_t cols, int32_t c8,
                          __m256 vlo, __m256 vhi) {
  int32_t j;
  if (c8) {
    for (j = 0; j < cols; ++j)
      _mm256_storeu_ps(yo + 8 * j, emlc_clamp8(r[j], vlo, vhi));
    return;
  }
  for (j = 0; j < 8; ++j)
    r[j] = emlc_clamp8(r[j < n ? j : n - 1], vlo, vhi);
  EMLC_TRANSPOSE8(r);
  for (j = 0; j < rows; ++j)
    emlc_store8(yo + j * P, r[j], cols);
}
#define EMLC_CM_FMA(i, j) a##i##j = _mm256_fmadd_ps(v, w##j, a##i##j)
#define EMLC_CM16X6_PX(i) v = _mm256_broadcast_ss(p##i + o), EMLC_CM_FMA(i, 0), EMLC_CM_FMA(i, 1)
#define EMLC_CM24X3_PX(i) v = _mm256_broadcast_ss(p##i + o), EMLC_CM_FMA(i, 0), EMLC_CM_FMA(i, 1), EMLC_CM_FMA(i, 2)
#define EMLC_CM_STEP(TAP, BODY)                                                                                   \
  {                                                                                                              \
    const int64_t o = (TAP);                                                                                     \
    const __m256 w0 = _mm256_loadu_ps(wk), w1 = _mm256_loadu_ps(wk + 8);                                        \
    __m256 v;                                                                                                    \
    BODY;                                                                                                        \
    wk += nb;                                                                                                    \
  }
/* The tiles, noinline like the GEMM tiles (accumulators + weights + a
   broadcast fill the registers); ng tiles of consecutive pixels a call (the
   pixel pointers step by gs, the output by ys), as calls and set-up cost as
   much as the FMAs of layers with few input channels. */
static EMLC_NOINLINE void emlc_cm_tile16x6(const float *w, int32_t K, const int32_t *taps, int64_t step,
                                           const float *const *px, int64_t gs, int32_t ng, const float *b, float *yo,
                                           int64_t ys, int64_t P, int32_t rows, int32_t cols, int32_t c8, __m256 vlo,
                                           __m256 vhi) {
  const float *p0 = px[0], *p1 = px[1], *p2 = px[2], *p3 = px[3], *p4 = px[4], *p5 = px[5];
  const int32_t nb = 16;
  int32_t k, g;
  for (g = 0; g < ng; ++g, p0 += gs, p1 += gs, p2 += gs, p3 += gs, p4 += gs, p5 += gs, yo += ys) {
    const float *wk = w;
    __m256 a00 = _mm256_loadu_ps(b), a01 = _mm256_loadu_ps(b + 8), a10 = a00, a11 = a01, a20 = a00, a21 = a01,
           a30 = a00, a31 = a01, a40 = a00, a41 = a01, a50 = a00, a51 = a01, r[8];
#define EMLC_CM16X6 EMLC_CM16X6_PX(0), EMLC_CM16X6_PX(1), EMLC_CM16X6_PX(2), EMLC_CM16X6_PX(3), EMLC_CM16X6_PX(4), EMLC_CM16X6_PX(5)
    if (taps)
      for (k = 0; k < K; ++k)
        EMLC_CM_STEP(taps[k], EMLC_CM16X6)
    else
      for (k = 0; k < K; ++k)
        EMLC_CM_STEP(k * step, EMLC_CM16X6)
#undef EMLC_CM16X6
    r[0] = a00, r[1] = a10, r[2] = a20, r[3] = a30, r[4] = a40, r[5] = a50;
    emlc_cm_store(r, 6, yo, P, EMLC_MIN(8, rows), cols, c8, vlo, vhi);
    if (rows > 8) {
      r[0] = a01, r[1] = a11, r[2] = a21, r[3] = a31, r[4] = a41, r[5] = a51;
      emlc_cm_store(r, 6, yo + 8 * P, P, rows - 8, cols, c8, vlo, vhi);
    }
  }
}
static EMLC_NOINLINE void emlc_cm_tile24x3(const float *w, int32_t K, const int32_t *taps, int64_t step,
                                           const float *const *px, int64_t gs, int32_t ng, const float *b, float *yo,
                                           int64_t ys, int64_t P, int32_t rows, int32_t cols, int32_t c8, __m256 vlo,
                                           __m256 vhi) {
  const float *p0 = px[0], *p1 = px[1], *p2 = px[2];
  const int32_t nb = 24;
  int32_t k, g;
  for (g = 0; g < ng; ++g, p0 += gs, p1 += gs, p2 += gs, yo += ys) {
    const float *wk = w;
    __m256 a00 = _mm256_loadu_ps(b), a01 = _mm256_loadu_ps(b + 8), a02 = _mm256_loadu_ps(b + 16), a10 = a00,
           a11 = a01, a12 = a02, a20 = a00, a21 = a01, a22 = a02, r[8];
#define EMLC_CM24X3                                                                                               \
  const __m256 w2 = _mm256_loadu_ps(wk + 16);                                                                    \
  EMLC_CM24X3_PX(0), EMLC_CM24X3_PX(1), EMLC_CM24X3_PX(2)
    if (taps)
      for (k = 0; k < K; ++k)
        EMLC_CM_STEP(taps[k], EMLC_CM24X3)
    else
      for (k = 0; k < K; ++k)
        EMLC_CM_STEP(k * step, EMLC_CM24X3)
#undef EMLC_CM24X3
    r[0] = a00, r[1] = a10, r[2] = a20;
    emlc_cm_store(r, 3, yo, P, EMLC_MIN(8, rows), cols, c8, vlo, vhi);
    if (rows > 8) {
      r[0] = a01, r[1] = a11, r[2] = a21;
      emlc_cm_store(r, 3, yo + 8 * P, P, EMLC_MIN(8, rows - 8), cols, c8, vlo, vhi);
    }
    if (rows > 16) {
      r[0] = a02, r[1] = a12, r[2] = a22;
      emlc_cm_store(r, 3, yo + 16 * P, P, rows - 16, cols, c8, vlo, vhi);
    }
  }
}
#undef EMLC_CM_FMA
#undef EMLC_CM16X6_PX
#undef EMLC_CM24X3_PX
#undef EMLC_CM_STEP
static void emlc_conv2d_f32_cm_avx2(const float *x, const float *wp, const float *bias, float *xp, float *y, int32_t N,
                                    int32_t C, int32_t H, int32_t W, int32_t M, int32_t K, int32_t OH, int32_t OW,
                                    int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t Hp, int32_t Wq,
                                    int32_t direct, int32_t nb, int32_t il, const int32_t *taps, float lo,
                                    float hi) {
  const int32_t P = OH * OW, np = nb == 16 ? 6 : 3, xc8 = il & 1, yc8 = il >> 1 & 1; /* np: pixels per tile */
  const int64_t gs = direct ? np * (xc8 ? 8 : 1) : 0, ys = np * (yc8 ? 8 : 1); /* from a tile to the next */
  const int32_t *tk = direct && !xc8 ? NULL : taps; /* planar x itself: tap k at k*P */
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  float b[24];
  const float *px[6];
  int32_t n, c, mb, p, i, ng = 1;
  for (n = 0; n < N; ++n) {
    const float *base = x + (int64_t)n * C * H * W;
    float *yn = y + (int64_t)n * M * P;
    if (!direct) {
      for (c = 0; c < C; ++c)
        emlc_pad_phase_f32(base + (int64_t)c * H * W, xp + (int64_t)c * Hp * Wq, H, W, Hp, 1, Wq, pt, pl);
      base = xp;
    }
    for (mb = 0; mb < M; mb += nb) {
      const int32_t rows = EMLC_MIN(nb, M - mb);
      const float *wk = wp + (int64_t)mb * K;
      for (i = 0; i < nb; ++i)
        b[i] = i < rows ? bias[mb + i] : 0.0f;
      for (p = 0; p < P; p += np * ng) {
        const int32_t cols = EMLC_MIN(np, P - p);
        float *yo = yn + (int64_t)mb * P + (yc8 ? 8 * p : p);
        ng = direct && cols == np ? (P - p) / np : 1; /* x itself: all the whole tiles left in one call */
        for (i = 0; i < np; ++i) { /* the pixels' window origins (no divisions for x itself) */
          const int32_t q = p + EMLC_MIN(i, cols - 1), oh = direct ? 0 : q / OW, ow = q - oh * OW;
          px[i] = direct ? base + (xc8 ? 8 * q : q) : base + (int64_t)oh * sh * Wq + (int64_t)ow * sw;
        }
        if (nb == 16)
          emlc_cm_tile16x6(wk, K, tk, P, px, gs, ng, b, yo, ys, P, rows, cols, yc8, vlo, vhi);
        else
          emlc_cm_tile24x3(wk, K, tk, P, px, gs, ng, b, yo, ys, P, rows, cols, yc8, vlo, vhi);
      }
    }
  }
}

// @kernel dwconv_f32_avx2
// @requires avx2_f32_impl
// @requires avx2_mask_impl
// @requires avx2_clamp_impl
// @requires transpose8_f32_impl
/* Depthwise float convolution (groups == C == M; any kernel, stride,
   dilation, padding), NCHW in and out, computed 8 channels at a time in a
   channel-interleaved layout so every lane is busy whatever the plane's
   size: the 8 planes are transposed (8x8 in registers) into a zero-padded
   [Hp][Wp][8] copy (work), each output pixel is then one FMA per tap of 8
   channels (four pixels of a row at once: four FMA chains), into
   [OH*OW][8], which is transposed back into the 8 output planes. work:
   (Hp*Wp + OH*OW + 7)*8 floats (a row's last 8 columns are stored whole),
   Hp = (OH-1)*sh + (KH-1)*dh + 1, Wp likewise. wp
   holds the weights channel-interleaved, [ceil(C/8)][KH*KW][8] (zero
   channels completing C), packed by the compiler; in a last group of fewer
   than 8 channels the missing lanes compute on a copy of the first channel
   and are not stored. Bits of il: 1, x is already channel-interleaved,
   [C/8][H][W][8] (copied row by row into the padded layout, no transposes);
   2, y is written so, [C/8][OH][OW][8] (C a multiple of 8 for either; see
   conv2d_f32_cm_avx2). Each output is bias + the taps in order (fused
   multiply-adds). */
/* One output row of the depthwise kernel, four pixels at a time (four FMA
   chains), the last 1-3 one at a time; its own function so the inner loop's
   pointers stay in registers (inlined, GCC spilled them). */
#define EMLC_DW_FMA(i) a##i = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + (i) * pitch), a##i)
static EMLC_NOINLINE void emlc_dw_row_f32(const float *row, const float *w, float *out, int32_t OW, int32_t KH,
                                          int32_t KW, int64_t dy, int64_t dx, int64_t pitch, __m256 bv, __m256 vlo,
                                          __m256 vhi) {
  int32_t ow, ky, kx;
  for (ow = 0; ow + 4 <= OW; ow += 4, row += 4 * pitch, out += 32) {
    const float *wk = w;
    __m256 a0 = bv, a1 = bv, a2 = bv, a3 = bv;
    for (ky = 0; ky < KH; ++ky)
      for (kx = 0; kx < KW; ++kx, wk += 8) {
        const float *q = row + ky * dy + kx * dx;
        const __m256 wv = _mm256_loadu_ps(wk);
        EMLC_DW_FMA(0), EMLC_DW_FMA(1), EMLC_DW_FMA(2), EMLC_DW_FMA(3);
      }
    _mm256_storeu_ps(out, emlc_clamp8(a0, vlo, vhi)), _mm256_storeu_ps(out + 8, emlc_clamp8(a1, vlo, vhi));
    _mm256_storeu_ps(out + 16, emlc_clamp8(a2, vlo, vhi)), _mm256_storeu_ps(out + 24, emlc_clamp8(a3, vlo, vhi));
  }
  for (; ow < OW; ++ow, row += pitch, out += 8) {
    const float *wk = w;
    __m256 a = bv;
    for (ky = 0; ky < KH; ++ky)
      for (kx = 0; kx < KW; ++kx, wk += 8)
        a = _mm256_fmadd_ps(_mm256_loadu_ps(wk), _mm256_loadu_ps(row + ky * dy + kx * dx), a);
    _mm256_storeu_ps(out, emlc_clamp8(a, vlo, vhi));
  }
}
#undef EMLC_DW_FMA

/* The same for 3x3 taps with column dilation 1 and column stride 1 or 2
   (PITCH floats from one pixel's window to the next): eight pixels at a
   time (eight FMA chains: a pixel's 9 taps are a dependent chain), then
   four, then the last 1-3 as four (the extra pixels read on into the
   padding, the next row or, after the last row, at most 3*PITCH floats
   into work's output part; not stored); every tap a fixed offset from one
   of three row pointers. */
#define EMLC_DW3_F(i, q) a##i = _mm256_fmadd_ps(wv, _mm256_loadu_ps((q) + (i) * PITCH), a##i);
#define EMLC_DW3_N8(q) EMLC_DW3_F(0, q) EMLC_DW3_F(1, q) EMLC_DW3_F(2, q) EMLC_DW3_F(3, q) EMLC_DW3_F(4, q) \
  EMLC_DW3_F(5, q) EMLC_DW3_F(6, q) EMLC_DW3_F(7, q)
#define EMLC_DW3_N4(q) EMLC_DW3_F(0, q) EMLC_DW3_F(1, q) EMLC_DW3_F(2, q) EMLC_DW3_F(3, q)
#define EMLC_DW3_TAP(BODY, q, t)                                                                                  \
  {                                                                                                              \
    const __m256 wv = _mm256_loadu_ps(w + 8 * (t));                                                              \
    BODY(q)                                                                                                      \
  }
#define EMLC_DW3_TAPS(BODY)                                                                                       \
  EMLC_DW3_TAP(BODY, r0, 0) EMLC_DW3_TAP(BODY, r0 + 8, 1) EMLC_DW3_TAP(BODY, r0 + 16, 2)                        \
  EMLC_DW3_TAP(BODY, r1, 3) EMLC_DW3_TAP(BODY, r1 + 8, 4) EMLC_DW3_TAP(BODY, r1 + 16, 5)                        \
  EMLC_DW3_TAP(BODY, r2, 6) EMLC_DW3_TAP(BODY, r2 + 8, 7) EMLC_DW3_TAP(BODY, r2 + 16, 8)
#define EMLC_DW3_ST(i) _mm256_storeu_ps(out + 8 * (i), emlc_clamp8(a##i, vlo, vhi));
#define EMLC_DW3_ROW_FN(NAME, PITCH_)                                                                            \
  static EMLC_NOINLINE void NAME(const float *row, const float *w, float *out, int32_t OW, int64_t dy, __m256 bv, \
                                 __m256 vlo, __m256 vhi) {                                                       \
    enum { PITCH = PITCH_ };                                                                                     \
    const float *r0 = row, *r1 = row + dy, *r2 = row + 2 * dy;                                                   \
    int32_t ow = 0;                                                                                              \
    for (; ow + 8 <= OW; ow += 8, r0 += 8 * PITCH, r1 += 8 * PITCH, r2 += 8 * PITCH, out += 64) {                \
      __m256 a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv;                             \
      EMLC_DW3_TAPS(EMLC_DW3_N8)                                                                                 \
      EMLC_DW3_ST(0) EMLC_DW3_ST(1) EMLC_DW3_ST(2) EMLC_DW3_ST(3) EMLC_DW3_ST(4) EMLC_DW3_ST(5) EMLC_DW3_ST(6)    \
      EMLC_DW3_ST(7)                                                                                             \
    }                                                                                                            \
    for (; ow + 4 <= OW; ow += 4, r0 += 4 * PITCH, r1 += 4 * PITCH, r2 += 4 * PITCH, out += 32) {                \
      __m256 a0 = bv, a1 = bv, a2 = bv, a3 = bv;                                                                 \
      EMLC_DW3_TAPS(EMLC_DW3_N4)                                                                                 \
      EMLC_DW3_ST(0) EMLC_DW3_ST(1) EMLC_DW3_ST(2) EMLC_DW3_ST(3)                                                \
    }                                                                                                            \
    if (ow < OW) { /* the last 1-3 pixels as four chains, the extra ones on the next columns, not stored */      \
      __m256 a0 = bv, a1 = bv, a2 = bv, a3 = bv;                                                                 \
      EMLC_DW3_TAPS(EMLC_DW3_N4)                                                                                 \
      EMLC_DW3_ST(0)                                                                                             \
      if (OW - ow > 1)                                                                                           \
        EMLC_DW3_ST(1)                                                                                           \
      if (OW - ow > 2)                                                                                           \
        EMLC_DW3_ST(2)                                                                                           \
      (void)a3;                                                                                                  \
    }                                                                                                            \
  }
EMLC_DW3_ROW_FN(emlc_dw3_row_s1_f32, 8)
EMLC_DW3_ROW_FN(emlc_dw3_row_s2_f32, 16)
#undef EMLC_DW3_F
#undef EMLC_DW3_N8
#undef EMLC_DW3_N4
#undef EMLC_DW3_TAP
#undef EMLC_DW3_TAPS
#undef EMLC_DW3_ST
#undef EMLC_DW3_ROW_FN

static void emlc_dwconv_f32_avx2(const float *x, const float *wp, const float *bias, float *work, float *y, int32_t N,
                                 int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                 int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t il,
                                 float lo, float hi) {
  const int32_t Hp = (OH - 1) * sh + (KH - 1) * dh + 1, Wp = (OW - 1) * sw + (KW - 1) * dw + 1, T = KH * KW;
  /* rows [r0, r1) and columns [q0, q1) of the padded copy hold input */
  const int32_t P = OH * OW, r0 = EMLC_MIN(Hp, pt), r1 = EMLC_MAX(r0, EMLC_MIN(Hp, pt + H));
  const int32_t q0 = EMLC_MIN(Wp, pl), q1 = EMLC_MAX(q0, EMLC_MIN(Wp, pl + W));
  const int64_t HW = (int64_t)H * W;
  float *xp = work, *yw = xp + (int64_t)Hp * Wp * 8;
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi), zero = _mm256_setzero_ps();
  int32_t n, c0, l, r, q, p, oh;
  for (n = 0; n < N; ++n)
    for (c0 = 0; c0 < C; c0 += 8) {
      const int32_t cg = EMLC_MIN(8, C - c0);
      const float *xc = x + ((int64_t)n * C + c0) * HW;
      float *yc = y + ((int64_t)n * C + c0) * P, *yp = il & 2 ? yc : yw; /* the [P][8] rows: y itself when interleaved */
      int64_t ch[8]; /* plane offset of lane l's channel (the first again past cg) */
      float b8[8];
      __m256 bv;
      for (l = 0; l < 8; ++l)
        ch[l] = l < cg ? l * HW : 0, b8[l] = l < cg ? bias[c0 + l] : 0.0f;
      bv = _mm256_loadu_ps(b8);
      /* planes -> [Hp][Wp][8], zero padding */
      for (r = 0; r < Hp; ++r) {
        float *d = xp + (int64_t)r * Wp * 8;
        const int32_t inRow = r >= r0 && r < r1;
        for (q = 0; q < (inRow ? q0 : Wp); ++q) {
          EMLC_OPAQUE(q);
          _mm256_storeu_ps(d + (int64_t)q * 8, zero);
        }
        if (!inRow)
          continue;
        for (q = q1; q < Wp; ++q) {
          EMLC_OPAQUE(q);
          _mm256_storeu_ps(d + (int64_t)q * 8, zero);
        }
        if (il & 1) { /* interleaved x: the row's pixels as they are */
          const float *s = xc + ((int64_t)(r - pt) * W + (q0 - pl)) * 8;
          for (q = q0; q < q1; ++q, s += 8) {
            EMLC_OPAQUE(q);
            _mm256_storeu_ps(d + (int64_t)q * 8, _mm256_loadu_ps(s));
          }
        } else {
          const float *s = xc + (int64_t)(r - pt) * W + (q0 - pl);
          for (q = q0; q < q1; q += 8, s += 8) { /* 8 columns, the last up to 7 by masked loads */
            const __m256i mk = emlc_mask8(q1 - q);
            __m256 v[8];
            v[0] = _mm256_maskload_ps(s + ch[0], mk), v[1] = _mm256_maskload_ps(s + ch[1], mk);
            v[2] = _mm256_maskload_ps(s + ch[2], mk), v[3] = _mm256_maskload_ps(s + ch[3], mk);
            v[4] = _mm256_maskload_ps(s + ch[4], mk), v[5] = _mm256_maskload_ps(s + ch[5], mk);
            v[6] = _mm256_maskload_ps(s + ch[6], mk), v[7] = _mm256_maskload_ps(s + ch[7], mk);
            EMLC_TRANSPOSE8(v);
            /* all 8: past q1 the vectors are zeros (masked columns), on the right padding or the next row */
            _mm256_storeu_ps(d + (int64_t)q * 8, v[0]), _mm256_storeu_ps(d + (int64_t)q * 8 + 8, v[1]);
            _mm256_storeu_ps(d + (int64_t)q * 8 + 16, v[2]), _mm256_storeu_ps(d + (int64_t)q * 8 + 24, v[3]);
            _mm256_storeu_ps(d + (int64_t)q * 8 + 32, v[4]), _mm256_storeu_ps(d + (int64_t)q * 8 + 40, v[5]);
            _mm256_storeu_ps(d + (int64_t)q * 8 + 48, v[6]), _mm256_storeu_ps(d + (int64_t)q * 8 + 56, v[7]);
          }
        }
      }
      /* the convolution, row by row */
      for (oh = 0; oh < OH; ++oh) {
        const float *row = xp + (int64_t)oh * sh * Wp * 8, *wk = wp + (int64_t)c0 * T;
        float *out = yp + (int64_t)oh * OW * 8;
        if (KH == 3 && KW == 3 && dw == 1 && sw == 1)
          emlc_dw3_row_s1_f32(row, wk, out, OW, (int64_t)dh * Wp * 8, bv, vlo, vhi);
        else if (KH == 3 && KW == 3 && dw == 1 && sw == 2)
          emlc_dw3_row_s2_f32(row, wk, out, OW, (int64_t)dh * Wp * 8, bv, vlo, vhi);
        else
          emlc_dw_row_f32(row, wk, out, OW, KH, KW, (int64_t)dh * Wp * 8, (int64_t)dw * 8, (int64_t)sw * 8, bv, vlo,
                          vhi);
      }
      if (il & 2) /* y is interleaved: written as it is */
        continue;
      /* [P][8] -> the 8 output planes */
      for (p = 0; p + 8 <= P; p += 8) {
        __m256 v[8];
        const float *s = yp + (int64_t)p * 8;
        v[0] = _mm256_loadu_ps(s), v[1] = _mm256_loadu_ps(s + 8), v[2] = _mm256_loadu_ps(s + 16);
        v[3] = _mm256_loadu_ps(s + 24), v[4] = _mm256_loadu_ps(s + 32), v[5] = _mm256_loadu_ps(s + 40);
        v[6] = _mm256_loadu_ps(s + 48), v[7] = _mm256_loadu_ps(s + 56);
        EMLC_TRANSPOSE8(v);
        switch (cg) { /* falls through: channels cg-1 down to 0 */
        case 8: _mm256_storeu_ps(yc + 7 * (int64_t)P + p, v[7]); /* fall through */
        case 7: _mm256_storeu_ps(yc + 6 * (int64_t)P + p, v[6]); /* fall through */
        case 6: _mm256_storeu_ps(yc + 5 * (int64_t)P + p, v[5]); /* fall through */
        case 5: _mm256_storeu_ps(yc + 4 * (int64_t)P + p, v[4]); /* fall through */
        case 4: _mm256_storeu_ps(yc + 3 * (int64_t)P + p, v[3]); /* fall through */
        case 3: _mm256_storeu_ps(yc + 2 * (int64_t)P + p, v[2]); /* fall through */
        case 2: _mm256_storeu_ps(yc + (int64_t)P + p, v[1]); /* fall through */
        default: _mm256_storeu_ps(yc + p, v[0]);
        }
      }
      for (; p < P; ++p)
        for (l = 0; l < cg; ++l)
          yc[(int64_t)l * P + p] = yp[(int64_t)p * 8 + l];
    }
}

// @kernel hsum8_f32_impl
// @requires avx2_f32_impl
/* The sum of the 8 lanes of v. */
static float emlc_hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// @kernel fully_connected_f32_avx2
// @requires avx2_f32_impl
// @requires avx2_mask_impl
// @requires hsum8_f32_impl
/* y[B][N] = x[B][K] * w[N][K]^T + bias[N], clamped: four rows of w against
   the input row per pass, 8 lanes of K per FMA (masked tail), then a
   horizontal sum. */
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

// @kernel add_same_f32_avx2
// @requires avx2_f32_impl
// @requires avx2_clamp_impl
/* y = a + b clamped, for operands shaped like the output (a residual
   connection; NNToKernel picks this kernel only then): 8 at a time. */
static void emlc_add_same_f32_avx2(const float *a, const float *b, float *y, int32_t n, float lo, float hi) {
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  int32_t i;
  for (i = 0; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, emlc_clamp8(_mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)), vlo, vhi));
  for (; i < n; ++i) {
    const float r = a[i] + b[i];
    y[i] = EMLC_CLAMP(r, lo, hi);
  }
}

// @kernel reduce_rows_f32_avx2
// @requires avx2_f32_impl
// @requires hsum8_f32_impl
/* A reduction over trailing axes (global pooling, a mean over the last
   axes; NNToKernel picks this kernel only then): output o reduces the
   contiguous run x[o*run .. (o+1)*run), 8 lanes at a time. kind as
   reduce_f32: 0 sum, 1 mean, 2 max, 3 min. */
static void emlc_reduce_rows_f32_avx2(const float *x, float *y, int32_t nout, int32_t run, int32_t kind) {
  const float init = kind == 2 ? -INFINITY : kind == 3 ? INFINITY : 0.0f;
  int32_t o, i, k;
  for (o = 0; o < nout; ++o, x += run) {
    __m256 a = _mm256_set1_ps(init);
    float r;
    for (i = 0; i + 8 <= run; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      a = kind <= 1 ? _mm256_add_ps(a, v) : kind == 2 ? _mm256_max_ps(a, v) : _mm256_min_ps(a, v);
    }
    if (kind <= 1) {
      r = emlc_hsum8(a);
      for (; i < run; ++i)
        r += x[i];
    } else {
      float t[8];
      _mm256_storeu_ps(t, a);
      r = t[0];
      for (k = 1; k < 8; ++k)
        r = kind == 2 ? EMLC_MAX(r, t[k]) : EMLC_MIN(r, t[k]);
      for (; i < run; ++i)
        r = kind == 2 ? EMLC_MAX(r, x[i]) : EMLC_MIN(r, x[i]);
    }
    y[o] = kind == 1 ? r / (float)run : r;
  }
}
