// @kernel requant_scalar_impl
/* Register-blocked scalar int8 kernels for cores without SIMD (RISC-V
   RV32IMC/IMAC/IMAFC, Cortex-M0+ and M3): plain C the compiler schedules.
   Here emlc_requantize_fast inlined, the shift split once per channel (left,
   right and the remainder mask): exact for every input, about 15
   instructions on RV32 (MUL and MULH make the 64-bit product) against some
   50 for the out-of-line call. */
static inline int32_t emlc_requant_scalar(int32_t x, int32_t mult, int32_t left, int32_t right, int32_t mask) {
  const int32_t r = (int32_t)(((int64_t)(int32_t)((uint32_t)x << left) * mult + ((int64_t)1 << 30)) >> 31);
  return (r >> right) + ((r & mask) > (mask >> 1) - (r >> 31));
}
#define EMLC_SCALAR_SPLIT(sh_, left, right, mask)                                                                \
  const int32_t left = (sh_) > 0 ? (sh_) : 0, right = (sh_) > 0 ? 0 : -(sh_),                                   \
                mask = (int32_t)((1u << ((sh_) > 0 ? 0 : -(sh_))) - 1u)

// @kernel conv_s8_scalar
// @requires requant_scalar_impl
/* int8 convolution (one group, NCHW, any kernel/stride/dilation/padding):
   4 output channels x 3 output pixels per tile, 12 accumulators (sized for
   RV32's 31 registers: with 16, GCC spills four in the loop; on Cortex-M3
   some spill, still 2.4x fewer instructions than the portable kernel); per
   tap 3 int16 loads of the pixels' im2col column, 4 of the channels'
   weights (wpk: [ceil(M/4)][K][4] int16, zero channels completing M,
   packed by the compiler), 12 multiplies and 12 adds (MLA on Arm). The
   column of 3 pixels (col: K*3 int16) is built once per pixel group and
   serves every channel block; windows inside the input read through
   taps[k] (c*H*W + ky*dh*W + kx*dw), others test each tap and read the input
   zero point `pad` outside, since bias_eff folds the input offset. Results
   identical to conv2d_s8. */
#define EMLC_SCALAR_ROW(r) a##r##0 += w##r * x0, a##r##1 += w##r * x1, a##r##2 += w##r * x2
static void emlc_conv_s8_scalar(const int8_t *x, const int16_t *wpk, int16_t *col, int8_t *y, int32_t N, int32_t C,
                                int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                                const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, P = OH * OW;
  int32_t n, p, i, k, mb, r, j;
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0; p < P; p += 3) {
      const int32_t cnt = EMLC_MIN(3, P - p);
      {
        const int8_t *base[3];
        int32_t ih0[3], iw0[3], in[3];
        for (i = 0; i < 3; ++i) { /* pixel p + i's window (past P: the last again, not stored): inside the input? */
          const int32_t q = p + EMLC_MIN(i, cnt - 1), oh = q / OW, ow = q - oh * OW;
          ih0[i] = oh * sh - pt, iw0[i] = ow * sw - pl;
          in[i] = ih0[i] >= 0 && iw0[i] >= 0 && ih0[i] + (KH - 1) * dh < H && iw0[i] + (KW - 1) * dw < W;
          base[i] = in[i] ? xn + (int64_t)ih0[i] * W + iw0[i] : xn; /* no pointer outside x */
        }
        if (in[0] && in[1] && in[2]) { /* one tap offset serves the three */
          const int8_t *b0 = base[0], *b1 = base[1], *b2 = base[2];
          int16_t *cp = col;
          for (k = 0; k < K; ++k, cp += 3) {
            const int32_t o = taps[k];
            cp[0] = b0[o], cp[1] = b1[o], cp[2] = b2[o];
          }
        } else
          for (i = 0; i < 3; ++i) {
            int16_t *cp = col + i;
            int32_t c, ky, kx;
            if (in[i])
              for (k = 0; k < K; ++k, cp += 3)
                *cp = base[i][taps[k]];
            else
              for (c = 0; c < C; ++c)
                for (ky = 0; ky < KH; ++ky)
                  for (kx = 0; kx < KW; ++kx, cp += 3) {
                    const int32_t ih = ih0[i] + ky * dh, iw = iw0[i] + kx * dw;
                    *cp = (int16_t)(ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[((int64_t)c * H + ih) * W + iw] : pad);
                  }
          }
      }
      for (mb = 0; mb < M; mb += 4) {
        const int32_t rows = EMLC_MIN(4, M - mb);
        const int16_t *wk = wpk + (int64_t)mb * K, *cp = col;
        int32_t a00 = bias_eff[mb], a10 = rows > 1 ? bias_eff[mb + 1] : 0, a20 = rows > 2 ? bias_eff[mb + 2] : 0,
                a30 = rows > 3 ? bias_eff[mb + 3] : 0;
        int32_t a01 = a00, a02 = a00, a11 = a10, a12 = a10, a21 = a20, a22 = a20, a31 = a30, a32 = a30;
        for (k = 0; k < K; ++k, wk += 4, cp += 3) {
          const int32_t x0 = cp[0], x1 = cp[1], x2 = cp[2];
          const int32_t w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3];
          EMLC_SCALAR_ROW(0), EMLC_SCALAR_ROW(1), EMLC_SCALAR_ROW(2), EMLC_SCALAR_ROW(3);
        }
        {
          const int32_t acc[4][3] = {{a00, a01, a02}, {a10, a11, a12}, {a20, a21, a22}, {a30, a31, a32}};
          for (r = 0; r < rows; ++r) {
            EMLC_SCALAR_SPLIT(shift[mb + r], left, right, mask);
            for (j = 0; j < cnt; ++j) {
              const int32_t v = emlc_requant_scalar(acc[r][j], mult[mb + r], left, right, mask) + out_off;
              yn[(int64_t)(mb + r) * P + p + j] = (int8_t)EMLC_CLAMP(v, lo, hi);
            }
          }
        }
      }
    }
  }
}
#undef EMLC_SCALAR_ROW

// @kernel fully_connected_s8_scalar
// @requires requant_scalar_impl
/* TFLite int8 fully connected: four output channels per
   pass over an input row (weights as stored, [N][K] int8; one input load
   serves four multiplies), the input offset folded into bias_eff. Results
   identical to fully_connected_s8. */
static void emlc_fully_connected_s8_scalar(const int8_t *x, const int8_t *w, int8_t *y, int32_t M, int32_t K,
                                           int32_t N, const int32_t *bias_eff, int32_t out_off, const int32_t *mult,
                                           const int32_t *shift, int32_t lo, int32_t hi) {
  int32_t m, n, k, j;
  for (m = 0; m < M; ++m) {
    const int8_t *xr = x + (int64_t)m * K;
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      /* past N: the last channel again, not stored */
      const int8_t *w0 = w + (int64_t)n * K, *w1 = w + (int64_t)(n + EMLC_MIN(1, cnt - 1)) * K,
                   *w2 = w + (int64_t)(n + EMLC_MIN(2, cnt - 1)) * K, *w3 = w + (int64_t)(n + EMLC_MIN(3, cnt - 1)) * K;
      int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (k = 0; k < K; ++k) {
        const int32_t xv = xr[k];
        a0 += xv * w0[k], a1 += xv * w1[k], a2 += xv * w2[k], a3 += xv * w3[k];
      }
      {
        const int32_t acc[4] = {a0, a1, a2, a3};
        for (j = 0; j < cnt; ++j) {
          EMLC_SCALAR_SPLIT(shift[n + j], left, right, mask);
          const int32_t v = emlc_requant_scalar(acc[j] + bias_eff[n + j], mult[n + j], left, right, mask) + out_off;
          y[(int64_t)m * N + n + j] = (int8_t)EMLC_CLAMP(v, lo, hi);
        }
      }
    }
  }
}

// @kernel dwconv3x3_s8_scalar
// @requires requant_scalar_impl
/* TFLite int8 depthwise 3x3 convolution (any stride and padding): each channel copied into a padded plane (xp: Hp*Wp bytes, by rows
   of memset/memcpy, the input zero point `pad` as padding, so bias_eff folds the input offset and every
   output takes the same path), its 9 weights in registers, 9 loads, 9
   multiplies and 9 adds per output, the requantization inlined. w: the ONNX
   layout [C][9]. Results identical to dwconv3x3_s8. */
static void emlc_dwconv3x3_s8_scalar(const int8_t *x, const int8_t *w, int8_t *xp, int8_t *y, int32_t N,
                                     int32_t C, int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw,
                                     int32_t pt, int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                     const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Hp = (OH - 1) * sh + 3, Wp = (OW - 1) * sw + 3;
  int32_t n, c, r, oh, ow;
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      const int8_t *xc = x + ((int64_t)n * C + c) * H * W, *k = w + (int64_t)c * 9;
      const int32_t k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7],
                    k8 = k[8], b = bias_eff[c], m = mult[c];
      int8_t *yc = y + ((int64_t)n * C + c) * OH * OW;
      EMLC_SCALAR_SPLIT(shift[c], left, right, mask);
      for (r = 0; r < Hp; ++r) { /* row r: pad, columns [q0, q1) of the input row r - pt, pad */
        const int32_t ih = r - pt, q0 = EMLC_MIN(pl, Wp), q1 = ih >= 0 && ih < H ? EMLC_MAX(q0, EMLC_MIN(Wp, pl + W)) : q0;
        int8_t *d = xp + (int64_t)r * Wp;
        memset(d, pad, (size_t)q0);
        if (q1 > q0)
          memcpy(d + q0, xc + (int64_t)ih * W, (size_t)(q1 - q0));
        memset(d + q1, pad, (size_t)(Wp - q1));
      }
      for (oh = 0; oh < OH; ++oh) {
        const int8_t *r0 = xp + (int64_t)oh * sh * Wp, *r1 = r0 + Wp, *r2 = r1 + Wp;
        int8_t *yo = yc + (int64_t)oh * OW;
        for (ow = 0; ow < OW; ++ow, r0 += sw, r1 += sw, r2 += sw) {
          const int32_t acc = b + r0[0] * k0 + r0[1] * k1 + r0[2] * k2 + r1[0] * k3 + r1[1] * k4 + r1[2] * k5 +
                              r2[0] * k6 + r2[1] * k7 + r2[2] * k8;
          const int32_t v = emlc_requant_scalar(acc, m, left, right, mask) + out_off;
          yo[ow] = (int8_t)EMLC_CLAMP(v, lo, hi);
        }
      }
    }
}
