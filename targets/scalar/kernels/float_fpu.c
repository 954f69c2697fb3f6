// @kernel im2col_f32_impl
/* The float im2col of conv2d_f32_fpu: col[k][4] for the 4 output pixels from
   p (past the cnt real ones, the last again), over x's NCHW planes. Four
   pixels of one output row, all inside the input (most of them): a tap's
   four inputs are sw apart, one run per tap. Else pixel by pixel: windows
   inside read through taps[k] (c*H*W + ky*dh*W + kx*dw), others test each
   tap (zero outside). */
static inline void emlc_im2col_f32(const float *xn, float *col, int32_t p, int32_t cnt, int32_t C, int32_t H,
                                   int32_t W, int32_t KH, int32_t KW, int32_t OW, int32_t sh, int32_t sw, int32_t dh,
                                   int32_t dw, int32_t pt, int32_t pl, const int32_t *taps) {
  const int32_t K = C * KH * KW;
  int32_t i, k;
  if (cnt == 4) {
    const int32_t oh = p / OW, ow = p - oh * OW, ih0 = oh * sh - pt, iw0 = ow * sw - pl;
    if (ow + 3 < OW && ih0 >= 0 && iw0 >= 0 && ih0 + (KH - 1) * dh < H && iw0 + 3 * sw + (KW - 1) * dw < W) {
      const float *base = xn + (int64_t)ih0 * W + iw0;
      for (k = 0; k < K; ++k, col += 4) {
        const float *s = base + taps[k];
        const float v0 = s[0], v1 = s[sw], v2 = s[2 * sw], v3 = s[3 * sw];
        col[0] = v0, col[1] = v1, col[2] = v2, col[3] = v3;
      }
      return;
    }
  }
  for (i = 0; i < 4; ++i) {
    const int32_t q = p + EMLC_MIN(i, cnt - 1), oh = q / OW, ow = q - oh * OW;
    const int32_t ih0 = oh * sh - pt, iw0 = ow * sw - pl;
    float *cp = col + i;
    if (ih0 >= 0 && iw0 >= 0 && ih0 + (KH - 1) * dh < H && iw0 + (KW - 1) * dw < W) {
      const float *base = xn + (int64_t)ih0 * W + iw0;
      for (k = 0; k < K; ++k, cp += 4)
        *cp = base[taps[k]];
    } else {
      int32_t c, ky, kx;
      for (c = 0; c < C; ++c)
        for (ky = 0; ky < KH; ++ky)
          for (kx = 0; kx < KW; ++kx, cp += 4) {
            const int32_t ih = ih0 + ky * dh, iw = iw0 + kx * dw;
            *cp = ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[((int64_t)c * H + ih) * W + iw] : 0.0f;
          }
    }
  }
}

// @kernel pad_phase_f32_c_impl
/* One channel (H x W) into the zero-padded, column-phase-split layout of the
   AVX2 kernels' pad_phase_f32, in plain C (the SSE4.1 and Helium float
   kernels): dst[r][ph][q] = x[r - pt][q * sw + ph - pl] (0 outside), r < Hp,
   ph < sw, q < Wq, so the inputs of sw-strided output columns ow, ow+1, ...
   for a tap are contiguous. Row by row: runs of zeros and of columns, by
   memset/memcpy when long, else by loops whose counter an empty asm hides
   (GCC would make them library calls, which cost more than a few floats). */
static inline __attribute__((always_inline)) void emlc_fill_f32(float *d, const float *s, int32_t n, int32_t stride) { /* s NULL: zeros */
  int32_t i;
  if (n >= 32 && (!s || stride == 1)) {
    if (s)
      memcpy(d, s, sizeof(float) * (size_t)n);
    else
      memset(d, 0, sizeof(float) * (size_t)n);
    return;
  }
  if (s)
    for (i = 0; i < n; ++i, s += stride) {
      EMLC_OPAQUE(i);
      d[i] = *s;
    }
  else
    for (i = 0; i < n; ++i) {
      EMLC_OPAQUE(i);
      d[i] = 0.0f;
    }
}
static void emlc_pad_phase_f32_c(const float *x, float *dst, int32_t H, int32_t W, int32_t Hp, int32_t sw, int32_t Wq,
                                 int32_t pt, int32_t pl) {
  int32_t r, ph;
  for (ph = 0; ph < sw; ++ph) {
    /* columns q with 0 <= q * sw + ph - pl < W: [q0, q1), the same on every row */
    const int32_t q0 = EMLC_MIN(Wq, EMLC_MAX(0, (pl - ph + sw - 1) / sw)),
                  q1 = EMLC_MAX(q0, EMLC_MIN(Wq, (W + pl - ph + sw - 1) / sw));
    for (r = 0; r < Hp; ++r) {
      const int32_t ih = r - pt;
      float *d = dst + (r * sw + ph) * Wq;
      if (ih < 0 || ih >= H) {
        emlc_fill_f32(d, NULL, Wq, 0);
        continue;
      }
      emlc_fill_f32(d, NULL, q0, 0);
      emlc_fill_f32(d + q0, x + ih * W + q0 * sw + ph - pl, q1 - q0, sw);
      emlc_fill_f32(d + q1, NULL, Wq - q1, 0);
    }
  }
}

// @kernel conv_slots_f32_impl
// @requires pad_phase_f32_c_impl
/* The driver of the SSE4.1 and Helium float convolutions (conv2d_f32_sse41,
   conv2d_f32_mve: one group, NCHW), which read the input as conv2d_f32_avx2
   does, with its arguments: the output rows cut into slots of `slot` (8 or 4)
   columns (the last of a row partial: its extra lanes read on into the next
   row or the copy's room, and are not stored); taps through taps[k] in the
   padded phase-split copy (pad_phase_f32_c: C planes of Hp*sw*Wq floats in
   xp, + `slot` of room) or, when `direct` (1x1, no padding), in x itself seen
   as one row of OH*OW pixels, tap k at k*OH*OW (1: stride 1; 2: strided, the
   sampled pixels first copied compact into xp, C*OH*OW floats); there the
   slot where the pixels end is first copied (K x slot floats, zeros past the
   plane, in xp after the compact copy). Per slot, every block of 4 output
   channels is one call of `tile` (wp: [ceil(M/4)][K][4], zero channels
   completing M): it sums the K taps (at s0 + taps[k], or s0 + k*step when
   taps is NULL) onto b4 and stores the first `rows` channels' first `cnt`
   pixels, clamped, at y (channels P apart). */
typedef void (*emlc_tile_f32_fn)(const float *wk, int32_t K, const int32_t *taps, int32_t step, const float *s0,
                                 const float *b4, float *y, int32_t P, int32_t rows, int32_t cnt, float lo, float hi);
static void emlc_conv_slots_f32(emlc_tile_f32_fn tile, int32_t slot, const float *x, const float *wp,
                                const float *bias, float *xp, float *y, int32_t N, int32_t C, int32_t H, int32_t W,
                                int32_t M, int32_t K, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                int32_t pl, int32_t Hp, int32_t Wq, int32_t direct, const int32_t *taps, float lo,
                                float hi) {
  const int32_t P = OH * OW, cols = direct ? P : OW, slots = (direct ? 1 : OH) * ((cols + slot - 1) / slot);
  const int32_t cs = Hp * sw * Wq, rowPitch = sh * sw * Wq;
  float *const bp = xp + (direct == 2 ? C * P : 0); /* a bounced slot */
  int32_t n, c, mb, s, i, j, k;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W, *base = xn;
    float *yn = y + (int64_t)n * M * P;
    int32_t r = 0, c0 = 0; /* the slot's row and first column */
    if (!direct) {
      for (c = 0; c < C; ++c)
        emlc_pad_phase_f32_c(xn + c * H * W, xp + c * cs, H, W, Hp, sw, Wq, pt, pl);
      for (i = 0; i < slot; ++i) /* the room a last partial slot reads */
        xp[C * cs + i] = 0.0f;
      base = xp;
    } else if (direct == 2) { /* strided 1x1: the sampled pixels, compact */
      for (c = 0; c < C; ++c)
        for (i = 0; i < OH; ++i)
          for (j = 0; j < OW; ++j)
            xp[(c * OH + i) * OW + j] = xn[c * H * W + i * sh * W + j * sw];
      base = xp;
    }
    for (s = 0; s < slots; ++s) {
      const float *src = base + r * rowPitch + c0;
      const int32_t out = r * OW + c0, cnt = EMLC_MIN(slot, cols - c0);
      /* x itself ends inside this slot: its K rows of `slot` pixels go through bp (zeros past the plane) */
      const int32_t bounce = direct && cnt < slot;
      if ((c0 += slot) >= cols)
        c0 = 0, ++r;
      if (bounce) {
        for (k = 0; k < K; ++k)
          for (i = 0; i < slot; ++i)
            bp[k * slot + i] = i < cnt ? src[k * P + i] : 0.0f;
        src = bp;
      }
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        float b4[4];
        for (i = 0; i < 4; ++i)
          b4[i] = i < rows ? bias[mb + i] : 0.0f;
        tile(wp + mb * K, K, direct ? NULL : taps, bounce ? slot : P, src, b4, yn + mb * P + out, P, rows, cnt, lo, hi);
      }
    }
  }
}

// @kernel conv2d_f32_fpu
// @requires im2col_f32_impl
/* Float convolution (one group, NCHW, any kernel/stride/dilation/padding)
   for cores with a single-precision FPU and fused multiply-add (Cortex-M4F,
   M7, M33, M55: 32 float registers; RV32IMAFC): 4 output channels x 4 output
   pixels per tile, 16 accumulators; per tap 4 loads of the pixels' im2col
   column, 4 of the channels' weights (wp: [ceil(M/4)][K][4], zero channels
   completing M, packed by the compiler) and 16 fmaf (one VFMA.F32 or
   FMADD.S each). The column of 4 pixels (col: K*4 floats, emlc_im2col_f32)
   is built once per pixel group and serves every channel block. Each output
   is bias + the taps in order, fused: within float tolerance of conv2d_f32. */
#define EMLC_FPU_ROW(r)                                                                                           \
  a##r##0 = fmaf(w##r, x0, a##r##0), a##r##1 = fmaf(w##r, x1, a##r##1), a##r##2 = fmaf(w##r, x2, a##r##2),      \
  a##r##3 = fmaf(w##r, x3, a##r##3)
static void emlc_conv2d_f32_fpu(const float *x, const float *wp, const float *bias, float *col, float *y, int32_t N,
                                int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH,
                                int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl,
                                const int32_t *taps, float lo, float hi) {
  const int32_t K = C * KH * KW, P = OH * OW;
  int32_t n, p, k, mb, r, j;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (int64_t)n * C * H * W;
    float *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 4) {
      const int32_t cnt = EMLC_MIN(4, P - p);
      emlc_im2col_f32(xn, col, p, cnt, C, H, W, KH, KW, OW, sh, sw, dh, dw, pt, pl, taps);
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        const float *wk = wp + (int64_t)mb * K, *cp = col;
        float a00 = bias[mb], a10 = rows > 1 ? bias[mb + 1] : 0.0f, a20 = rows > 2 ? bias[mb + 2] : 0.0f,
              a30 = rows > 3 ? bias[mb + 3] : 0.0f;
        float a01 = a00, a02 = a00, a03 = a00, a11 = a10, a12 = a10, a13 = a10, a21 = a20, a22 = a20, a23 = a20,
              a31 = a30, a32 = a30, a33 = a30;
        for (k = 0; k < K; ++k) {
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__thumb2__)
          /* Arm FPU: the 4 pixels and the 4 weights by one VLDM each (GCC issues 8 VLDRs: 1.75 instructions
             per MAC instead of 1.31); the registers are named so the VLDM lists are consecutive */
          register float x0 __asm__("s8"), x1 __asm__("s9"), x2 __asm__("s10"), x3 __asm__("s11");
          register float w0 __asm__("s12"), w1 __asm__("s13"), w2 __asm__("s14"), w3 __asm__("s15");
          __asm__("vldmia %[c]!, {s8-s11}\n\tvldmia %[w]!, {s12-s15}"
                  : [c] "+r"(cp), [w] "+r"(wk), "=t"(x0), "=t"(x1), "=t"(x2), "=t"(x3), "=t"(w0), "=t"(w1),
                    "=t"(w2), "=t"(w3)
                  :
                  : "memory");
#else
          const float x0 = cp[0], x1 = cp[1], x2 = cp[2], x3 = cp[3], w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3];
          wk += 4, cp += 4;
#endif
          EMLC_FPU_ROW(0), EMLC_FPU_ROW(1), EMLC_FPU_ROW(2), EMLC_FPU_ROW(3);
        }
        {
          const float acc[4][4] = {{a00, a01, a02, a03}, {a10, a11, a12, a13}, {a20, a21, a22, a23},
                                   {a30, a31, a32, a33}};
          for (r = 0; r < rows; ++r)
            for (j = 0; j < cnt; ++j)
              yn[(int64_t)(mb + r) * P + p + j] = EMLC_CLAMP(acc[r][j], lo, hi);
        }
      }
    }
  }
}
#undef EMLC_FPU_ROW

// @kernel fully_connected_f32_fpu
/* y[M][N] = x[M][K] * w[N][K]^T + bias[N], clamped, for FPU cores: four
   output channels per pass over an input row (one input load serves four
   fmaf), the sums in K order from the bias as fully_connected_f32 (fused:
   within float tolerance of it). */
static void emlc_fully_connected_f32_fpu(const float *x, const float *w, const float *bias, float *y, int32_t M,
                                         int32_t K, int32_t N, float lo, float hi) {
  int32_t m, n, k, j;
  for (m = 0; m < M; ++m) {
    const float *xr = x + (int64_t)m * K;
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      /* past N: the last channel again, not stored */
      const float *w0 = w + (int64_t)n * K, *w1 = w + (int64_t)(n + EMLC_MIN(1, cnt - 1)) * K,
                  *w2 = w + (int64_t)(n + EMLC_MIN(2, cnt - 1)) * K, *w3 = w + (int64_t)(n + EMLC_MIN(3, cnt - 1)) * K;
      float a0 = bias[n], a1 = bias[n + EMLC_MIN(1, cnt - 1)], a2 = bias[n + EMLC_MIN(2, cnt - 1)],
            a3 = bias[n + EMLC_MIN(3, cnt - 1)];
      for (k = 0; k < K; ++k) {
        const float xv = xr[k];
        a0 = fmaf(xv, w0[k], a0), a1 = fmaf(xv, w1[k], a1), a2 = fmaf(xv, w2[k], a2), a3 = fmaf(xv, w3[k], a3);
      }
      {
        const float acc[4] = {a0, a1, a2, a3};
        for (j = 0; j < cnt; ++j)
          y[(int64_t)m * N + n + j] = EMLC_CLAMP(acc[j], lo, hi);
      }
    }
  }
}

// @kernel dwconv3x3_f32_fpu
/* Depthwise 3x3 float convolution (dilation 1, any stride and padding),
   NCHW, for FPU cores: each channel copied into a zero-padded plane (xp:
   Hp*Wp floats), its 9 weights in registers, 9 loads and 9 fmaf per output
   in tap order from the bias (fused: within float tolerance of conv2d_f32). w:
   the ONNX layout [C][9]. */
static void emlc_dwconv3x3_f32_fpu(const float *x, const float *w, const float *bias, float *xp, float *y, int32_t N,
                                   int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw,
                                   int32_t pt, int32_t pl, float lo, float hi) {
  const int32_t Hp = (OH - 1) * sh + 3, Wp = (OW - 1) * sw + 3;
  int32_t n, c, r, q, oh, ow;
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const float *xc = x + ((int64_t)n * C + c) * H * W, *k = w + (int64_t)c * 9;
      const float k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7], k8 = k[8],
                  b = bias[c];
      float *yc = y + ((int64_t)n * C + c) * OH * OW;
      for (r = 0; r < Hp; ++r) { /* row r: zeros, the input row r - pt, zeros */
        const int32_t ih = r - pt;
        float *d = xp + (int64_t)r * Wp;
        for (q = 0; q < Wp; ++q) {
          const int32_t iw = q - pl;
          d[q] = ih >= 0 && ih < H && iw >= 0 && iw < W ? xc[(int64_t)ih * W + iw] : 0.0f;
        }
      }
      for (oh = 0; oh < OH; ++oh) {
        const float *r0 = xp + (int64_t)oh * sh * Wp, *r1 = r0 + Wp, *r2 = r1 + Wp;
        float *yo = yc + (int64_t)oh * OW;
        for (ow = 0; ow < OW; ++ow, r0 += sw, r1 += sw, r2 += sw) {
          float a = fmaf(k0, r0[0], b);
          a = fmaf(k1, r0[1], a), a = fmaf(k2, r0[2], a), a = fmaf(k3, r1[0], a), a = fmaf(k4, r1[1], a);
          a = fmaf(k5, r1[2], a), a = fmaf(k6, r2[0], a), a = fmaf(k7, r2[1], a), a = fmaf(k8, r2[2], a);
          yo[ow] = EMLC_CLAMP(a, lo, hi);
        }
      }
    }
}
