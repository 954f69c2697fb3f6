// @kernel mve_impl
/* Cortex-M55 Helium (MVE) building blocks: VMLADAVA.S8 multiplies sixteen
   int8 pairs and adds them to a 32-bit accumulator in one instruction. A
   plain-C equivalent keeps the kernels buildable and testable anywhere. */
#if defined(__arm__) && !(defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)) && !defined(EMLC_PORTABLE_FALLBACK)
#error "this module uses Helium (MVE) kernels (Cortex-M55/M85): build it with -mcpu=cortex-m55 (or -march=armv8.1-m.main+mve), or compile the model for a core without Helium"
#endif
/* A helper inlined into each caller: a constant argument (a block's pixel count) specializes its loop. */
#if defined(__GNUC__)
#define EMLC_MVE_INLINE static inline __attribute__((always_inline))
#else
#define EMLC_MVE_INLINE static inline
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
static inline int32_t emlc_dot16_s8(int32_t acc, const int8_t *a, const int8_t *b) {
  return vmladavaq_s8(acc, vldrbq_s8(a), vldrbq_s8(b));
}
#if defined(__GNUC__)
/* The convolutions' MAC loop: `n` chunks of a weight row (w: 16 bytes a chunk) against the four columns of
   an im2col block of four pixels (c: 4 x 16 bytes a chunk) into a0..a3; w and c advance past them. 10
   instructions a chunk (gcc's loop of emlc_dot16_s8 took 12): one post-incremented pointer per operand, the
   column loads at negative offsets after it; VMLADAVA's accumulators are even registers ("Te"). DECODE: what
   is done to the weights (q0) after their load: "" for int8, "vshl.i8 q0, q0, #4\n" for the low nibbles of
   the int4 pairs (mve_w4_impl). */
/* Its body, for the channel loops written whole in asm: operands a0..a3, w, c; back to label L (numeric). */
#define EMLC_MVE_DOT4_BODY(DECODE, L)                                                                                \
  "vldrb.8 q0, [%[w]], #16\n" DECODE "vldrb.8 q1, [%[c]], #64\n"                                                     \
  "vmladava.s8 %[a0], q0, q1\n"                                                                                      \
  "vldrb.8 q1, [%[c], #-48]\n"                                                                                       \
  "vmladava.s8 %[a1], q0, q1\n"                                                                                      \
  "vldrb.8 q1, [%[c], #-32]\n"                                                                                       \
  "vmladava.s8 %[a2], q0, q1\n"                                                                                      \
  "vldrb.8 q1, [%[c], #-16]\n"                                                                                       \
  "vmladava.s8 %[a3], q0, q1\n"                                                                                      \
  "le lr, " #L "b\n"
#define EMLC_MVE_DOT4(DECODE, s0, s1, s2, s3, wp, cp, n)                                                             \
  __asm__ volatile("wls lr, %[cnt], 2f\n"                                                                            \
                   "1:\n" EMLC_MVE_DOT4_BODY(DECODE, 1) "2:\n"                                                       \
                   : [a0] "+Te"(s0), [a1] "+Te"(s1), [a2] "+Te"(s2), [a3] "+Te"(s3), [w] "+r"(wp), [c] "+r"(cp)      \
                   : [cnt] "r"(n)                                                                                   \
                   : "q0", "q1", "lr", "memory")
/* The DSP-form requantization of the four sums in vector Q (multiplier in register M, shift in S: VQRDMULH,
   the sign added, VRSHL), plus the offset OFF (a register or a vector), clamped to %q[lo]..%q[hi], stored at
   %[y] (a low register); q0 is overwritten. */
#define EMLC_MVE_REQUANT_DSP_STORE(Q, M, S, OFF)                                                                     \
  "vqrdmulh.s32 " Q ", " Q ", " M "\n"                                                                              \
  "vshr.s32 q0, " Q ", #31\n"                                                                                       \
  "vadd.i32 " Q ", " Q ", q0\n"                                                                                     \
  "vrshl.s32 " Q ", " S "\n"                                                                                        \
  "vadd.i32 " Q ", " Q ", " OFF "\n"                                                                                \
  "vmax.s32 " Q ", " Q ", %q[lo]\n"                                                                                 \
  "vmin.s32 " Q ", " Q ", %q[hi]\n"                                                                                 \
  "vstrb.32 " Q ", [%[y]]\n"
#endif
/* The vector {a0, a1, a2, a3}: two VMOVs of two lanes each (gcc's code for vsetq_lane took four). */
static inline int32x4_t emlc_vec4_s32(int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
#if defined(__GNUC__)
  int32x4_t v;
  __asm__("vmov %q[v][2], %q[v][0], %[a0], %[a2]\n"
          "vmov %q[v][3], %q[v][1], %[a1], %[a3]\n"
          : [v] "=w"(v)
          : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3));
  return v;
#else
  return vsetq_lane_s32(a3, vsetq_lane_s32(a2, vsetq_lane_s32(a1, vdupq_n_s32(a0), 1), 2), 3);
#endif
}
#else
static inline int32_t emlc_dot16_s8(int32_t acc, const int8_t *a, const int8_t *b) {
  int32_t i;
  for (i = 0; i < 16; ++i)
    acc += (int32_t)a[i] * (int32_t)b[i];
  return acc;
}
#endif

// @kernel requant_exact_mve_impl
// @requires mve_impl
/* TFLite's requantization (emlc_requantize_fast) of four lanes, exact for
   every accumulator and shift: the lanes shifted left by the shift's
   positive part (wrapping, as requantize_fast), VQRDMULH (its rounding
   doubling high multiply (x * m + 2^30) >> 31: m is never INT32_MIN), then
   the rounding division by 2^right (half away from zero) as VRSHL's
   round-half-up after adding the sign, where right > 0. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* The multiply and the rounding right shift: right >= 0; neg: -1 when right > 0, else 0 */
static inline int32x4_t emlc_requant_right_mve(int32x4_t x, int32_t mult, int32_t right, int32_t neg) {
  const int32x4_t r = vqrdmulhq_n_s32(x, mult);
  return vrshlq_n_s32(vmlaq_n_s32(r, vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(r), 31)), neg), -right);
}
/* any shift (requantize_fast's): left part, then as above */
static inline int32x4_t emlc_requant_exact_mve(int32x4_t x, int32_t mult, int32_t shift) {
  return emlc_requant_right_mve(vshlq_r_s32(x, shift > 0 ? shift : 0), mult, shift > 0 ? 0 : -shift,
                                shift < 0 ? -1 : 0);
}
/* Four lanes requantized, plus the output offset, clamped: with `exact` as above (TFLite's tables), else the
   DSP form (shift <= -1: VQRDMULH equals SMMULR of 2x there, and the sign added before VRSHL's round-half-up
   rounds half away from zero). The callers pass `exact` as a constant where they can. */
static inline int32x4_t emlc_requant4_out_mve(int32x4_t v, int32_t exact, int32_t mult, int32_t shift, int32_t out_off,
                                              int32x4_t lo, int32x4_t hi) {
  if (exact)
    v = emlc_requant_exact_mve(v, mult, shift);
  else {
    v = vqrdmulhq_n_s32(v, mult);
    v = vrshlq_n_s32(vaddq_s32(v, vshrq_n_s32(v, 31)), shift);
  }
  return vminq_s32(vmaxq_s32(vaddq_n_s32(v, out_off), lo), hi);
}
#else
/* The same arithmetic on one value, for the plain-C stand-ins of the kernels. */
static inline int32_t emlc_requant_exact_c(int32_t a, int32_t mult, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t r = (int32_t)(((int64_t)(int32_t)((uint32_t)a << left) * mult + ((int64_t)1 << 30)) >> 31);
  return right ? (int32_t)(((int64_t)r + (1 << (right - 1)) + (r >> 31)) >> right) : r;
}
#endif

// @kernel store4_s8_mve_impl
// @requires mve_impl
// @requires requant_exact_mve_impl
/* Four int8 outputs of one channel (consecutive pixels, `cnt` of them
   stored) requantized as the DSP kernels do, in one vector (same domain:
   fitForDSPRequantization, shift <= -1, |acc| < 2^30): VQRDMULH equals
   SMMULR of 2x there, and adding the sign before VRSHL's round-half-up
   rounds half away from zero; with `exact` TFLite's tables and
   requantization (requant_exact_mve_impl) for the layers outside that
   domain; the store predicated by VCTP (but for four). */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
static inline void emlc_store4_s8_mve(int8_t *y, int32_t cnt, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                      int32_t mult, int32_t shift, int32_t exact, int32_t out_off, int32_t lo,
                                      int32_t hi) {
  const int32x4_t lov = vdupq_n_s32(lo), hiv = vdupq_n_s32(hi);
  const int32x4_t v = emlc_requant4_out_mve(emlc_vec4_s32(a0, a1, a2, a3), exact, mult, shift, out_off, lov, hiv);
  if (cnt == 4) /* a constant where the callers' loops are specialized to whole blocks: no predicate */
    vstrbq_s32(y, v);
  else
    vstrbq_p_s32(y, v, vctp32q((uint32_t)cnt));
}
#else
static void emlc_store4_s8_mve(int8_t *y, int32_t cnt, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t mult,
                               int32_t shift, int32_t exact, int32_t out_off, int32_t lo, int32_t hi) {
  /* the DSP form is the exact one's arithmetic on its domain (shift <= -1) */
  const int32_t a[4] = {a0, a1, a2, a3};
  int32_t j;
  (void)exact;
  for (j = 0; j < cnt; ++j) {
    const int32_t v = emlc_requant_exact_c(a[j], mult, shift) + out_off;
    y[j] = (int8_t)EMLC_CLAMP(v, lo, hi);
  }
}
#endif

// @kernel im2col4_s8_impl
// @requires mve_impl
/* conv_s8_mve's int8 im2col column of the output pixel whose window origin
   is input row ih0, column iw0 (NCHW input), tap k at
   col[(k / 16) * 64 + k % 16]: the columns of four pixels (col, col + 16,
   col + 32, col + 48) interleave in 16-byte chunks, so one pointer walks
   them. Tap k sits at taps[k] from the window origin, dy[k] rows and dx[k]
   columns from it (taps padded to Kp, a multiple of 16, with offset 0;
   those taps meet zero weights). The compiler stores the offsets as
   uint16, two a little-endian word, when the largest fits 16 bits (t16,
   emlc_taps16; WindowTables.h): eight taps a gather, else four. When every
   offset is below 256 and Kp <= 64 (one small input channel) the caller
   gathers a chunk in one instruction (o8). A window that leaves the input
   gathers only the taps inside it (predicated by dy/dx against the plane)
   and puts the zero point `pad` in the others. */
typedef struct {
  const int32_t *taps; /* int32 offsets, or uint16 pairs when t16 */
  const uint8_t *dy, *dx, *o8;
  int32_t t16, b16; /* the uint16 table; b16: its border checks fit 16-bit lanes too */
  uint8_t offs8[64];
} emlc_im2col_tables;
/* Whether the tap offsets are stored as uint16: the largest, (C-1) H W + (KH-1) dh W + (KW-1) dw, below 2^16 (the
   compiler's test, WindowTables.h). */
static int32_t emlc_taps16(int32_t C, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t dh, int32_t dw) {
  return (int64_t)(C - 1) * H * W + (int64_t)(KH - 1) * dh * W + (int64_t)(KW - 1) * dw < 65536;
}
/* Tap k's offset from the window origin. */
static inline int32_t emlc_tap(const emlc_im2col_tables *t, int32_t k) {
  const uint8_t *b = (const uint8_t *)t->taps + 2 * k;
  return t->t16 ? (int32_t)(b[0] | b[1] << 8) : t->taps[k];
}
/* The tables of a layer: dy[Kp] then dx[Kp] at `win`. b16 when a row or column check of a border window,
   (ih0 - H + dy) mod 2^16 >= 2^16 - H, cannot wrap: every window origin and its taps within +-2^15 of the
   plane. */
static void emlc_im2col_tables_init(emlc_im2col_tables *t, const int32_t *taps, const uint8_t *win, int32_t C,
                                    int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t OH, int32_t OW, int32_t sh,
                                    int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t Kp) {
  int32_t k;
  t->taps = taps, t->dy = win, t->dx = win + Kp, t->o8 = 0;
  t->t16 = emlc_taps16(C, H, W, KH, KW, dh, dw);
  t->b16 = t->t16 && (int64_t)pt + H < 32000 && (int64_t)pl + W < 32000 && (int64_t)(OH - 1) * sh < 32000 &&
           (int64_t)(OW - 1) * sw < 32000;
  if (Kp > 64)
    return;
  for (k = 0; k < Kp && emlc_tap(t, k) < 256; ++k)
    t->offs8[k] = (uint8_t)emlc_tap(t, k);
  if (k == Kp)
    t->o8 = t->offs8;
}
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#if defined(__GNUC__)
/* A border window's column, Kp/16 chunks of STEPS: each step 128/W taps in W-bit lanes: the rows
   and columns of its taps (dy, dx, STEP bytes) against the plane, VPT on the row check and the column check
   ANDed inside the block, the gather predicated by both (offsets loaded by LD), the zero point elsewhere, the
   narrowing store at byte o of the chunk; widening loads and narrowing stores take a low register ("l"). */
#define EMLC_BORDER_STEP(W, LD, STEP, o)                                                                             \
  "vldrb.u" #W " q0, [%[dy]], #" #STEP "\n"                                                                          \
  "vldrb.u" #W " q1, [%[dx]], #" #STEP "\n"                                                                          \
  "vadd.i" #W " q0, q0, %[ry]\n"                                                                                     \
  "vadd.i" #W " q1, q1, %[rx]\n" LD " q2, [%[tp]], #16\n"                                                            \
  "vpt.u" #W " cs, q0, %[nh]\n"                                                                                      \
  "vcmpt.u" #W " cs, q1, %[nw]\n"                                                                                    \
  "vpst\n"                                                                                                           \
  "vldrbt.s" #W " q3, [%[xb], q2]\n"                                                                                 \
  "vpsel q3, q3, %q[pad]\n"                                                                                          \
  "vstrb." #W " q3, [%[col], #" #o "]\n"
#define EMLC_BORDER_CHUNKS(STEPS)                                                                                    \
  __asm__ volatile("wls lr, %[n], 2f\n"                                                                              \
                   "1:\n" STEPS "add %[col], %[col], #64\n"                                                          \
                   "le lr, 1b\n"                                                                                     \
                   "2:\n"                                                                                            \
                   : [dy] "+l"(dy), [dx] "+l"(dx), [tp] "+r"(tp), [col] "+l"(col)                                    \
                   : [n] "r"(Kp >> 4), [ry] "r"(ry), [rx] "r"(rx), [nh] "r"(nh), [nw] "r"(nw), [xb] "r"(xb),         \
                     [pad] "w"(padv)                                                                                 \
                   : "q0", "q1", "q2", "q3", "lr", "memory")
#endif
/* The column of a window that leaves the input (origin at row ih0, column iw0): four taps a vector, row
   ih0 + dy in [0, H) iff (ih0 - H) + dy >= -H unsigned (likewise columns), the gather predicated by both,
   from the window origin (outside the input for some lanes: those load nothing), the zero point `pad` in
   the other lanes. Its own function: the asm needs its registers. */
static EMLC_NOINLINE void emlc_border4_s8(const int8_t *xn, int8_t *col, const int32_t *taps, const uint8_t *dy,
                                          const uint8_t *dx, int32_t H, int32_t W, int32_t ih0, int32_t iw0,
                                          int32_t pad, int32_t Kp) {
  const uint32_t ry = (uint32_t)(ih0 - H), rx = (uint32_t)(iw0 - W), org = (uint32_t)(ih0 * W + iw0);
  const int32x4_t padv = vdupq_n_s32(pad);
#if defined(__GNUC__)
  /* 11 instructions per 4 taps (gcc's code for the intrinsics below moved the predicate through a core
     register twice: 22) */
  const uint32_t *tp = (const uint32_t *)taps, nh = (uint32_t)-H, nw = (uint32_t)-W;
  const int8_t *xb = xn + (int32_t)org;
  EMLC_BORDER_CHUNKS(EMLC_BORDER_STEP(32, "vldrw.u32", 4, 0) EMLC_BORDER_STEP(32, "vldrw.u32", 4, 4)
                         EMLC_BORDER_STEP(32, "vldrw.u32", 4, 8) EMLC_BORDER_STEP(32, "vldrw.u32", 4, 12));
#else
  int32_t k, j;
  for (k = 0; k < Kp; k += 16, col += 64)
    for (j = 0; j < 16; j += 4) {
      mve_pred16_t in = vcmpcsq_n_u32(vaddq_n_u32(vldrbq_u32(dy + k + j), ry), (uint32_t)-H);
      in = vcmpcsq_m_n_u32(vaddq_n_u32(vldrbq_u32(dx + k + j), rx), (uint32_t)-W, in);
      vstrbq_s32(col + j, vpselq_s32(vldrbq_gather_offset_z_s32(
                                        xn, vaddq_n_u32(vldrwq_u32((const uint32_t *)taps + k + j), org), in),
                                    padv, in));
    }
#endif
}
/* emlc_border4_s8 with uint16 offsets: eight taps a vector, the checks modulo 2^16 (b16). */
static EMLC_NOINLINE void emlc_border8_s8(const int8_t *xn, int8_t *col, const int32_t *taps, const uint8_t *dy,
                                          const uint8_t *dx, int32_t H, int32_t W, int32_t ih0, int32_t iw0,
                                          int32_t pad, int32_t Kp) {
  const uint32_t ry = (uint32_t)(ih0 - H), rx = (uint32_t)(iw0 - W);
  const int16x8_t padv = vdupq_n_s16((int16_t)pad);
  const int8_t *xb = xn + (ih0 * W + iw0);
#if defined(__GNUC__)
  /* 11 instructions per 8 taps, as emlc_border4_s8's per 4 */
  const uint16_t *tp = (const uint16_t *)taps;
  const uint32_t nh = (uint32_t)-H, nw = (uint32_t)-W;
  EMLC_BORDER_CHUNKS(EMLC_BORDER_STEP(16, "vldrh.u16", 8, 0) EMLC_BORDER_STEP(16, "vldrh.u16", 8, 8));
#else
  int32_t k, j;
  for (k = 0; k < Kp; k += 16, col += 64)
    for (j = 0; j < 16; j += 8) {
      mve_pred16_t in = vcmpcsq_n_u16(vaddq_n_u16(vldrbq_u16(dy + k + j), (uint16_t)ry), (uint16_t)-H);
      in = vcmpcsq_m_n_u16(vaddq_n_u16(vldrbq_u16(dx + k + j), (uint16_t)rx), (uint16_t)-W, in);
      vstrbq_s16(col + j, vpselq_s16(vldrbq_gather_offset_z_s16(xb, vldrhq_u16((const uint16_t *)taps + k + j), in),
                                    padv, in));
    }
#endif
}
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && defined(__GNUC__)
/* An inside window's column from `base`, Kp/16 chunks of STEPS: each step a load of offsets (LD: uint16 or
   uint32 lanes, W bits), the widening gather and the narrowing store at byte o of the chunk (stores at offsets
   from one low register, "l"). */
#define EMLC_GATHER_STEP(LD, W, o)                                                                                   \
  LD " q0, [%[tp]], #16\n"                                                                                           \
     "vldrb.s" #W " q1, [%[b], q0]\n"                                                                                \
     "vstrb." #W " q1, [%[col], #" #o "]\n"
#define EMLC_GATHER_CHUNKS(taps, STEPS)                                                                              \
  do {                                                                                                               \
    const void *tp = (taps);                                                                                         \
    __asm__ volatile("wls lr, %[n], 2f\n"                                                                            \
                     "1:\n" STEPS "add %[col], %[col], #64\n"                                                        \
                     "le lr, 1b\n"                                                                                   \
                     "2:\n"                                                                                          \
                     : [tp] "+r"(tp), [col] "+l"(col)                                                                \
                     : [n] "r"(Kp >> 4), [b] "r"(base)                                                               \
                     : "q0", "q1", "lr", "memory");                                                                  \
  } while (0)
#endif
static void emlc_im2col4_s8(const int8_t *xn, int8_t *col, int32_t ih0, int32_t iw0, uint32_t ihn, uint32_t iwn,
                            const emlc_im2col_tables *t, int32_t H, int32_t W, int32_t pad, int32_t Kp) {
  int32_t k;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  if ((uint32_t)ih0 < ihn && (uint32_t)iw0 < iwn) {
    /* the padding taps (offset 0) meet zero weights: whatever they read is fine */
    const int8_t *base = xn + (int64_t)ih0 * W + iw0;
    if (t->o8)
      for (k = 0; k < Kp; k += 16, col += 64)
        vstrbq_s8(col, vldrbq_gather_offset_s8(base, vldrbq_u8(t->o8 + k)));
    else if (t->t16) {
#if defined(__GNUC__)
      /* 8 instructions a chunk (gcc's code for the intrinsics below took 10) */
      EMLC_GATHER_CHUNKS(t->taps, EMLC_GATHER_STEP("vldrh.u16", 16, 0) EMLC_GATHER_STEP("vldrh.u16", 16, 8));
#else
      for (k = 0; k < Kp; k += 16, col += 64) {
        const uint16_t *tp = (const uint16_t *)t->taps + k;
        vstrbq_s16(col, vldrbq_gather_offset_s16(base, vldrhq_u16(tp)));
        vstrbq_s16(col + 8, vldrbq_gather_offset_s16(base, vldrhq_u16(tp + 8)));
      }
#endif
    } else {
#if defined(__GNUC__)
      /* 14 instructions a chunk (gcc's code for the intrinsics below took 17) */
      EMLC_GATHER_CHUNKS(t->taps, EMLC_GATHER_STEP("vldrw.u32", 32, 0) EMLC_GATHER_STEP("vldrw.u32", 32, 4)
                                      EMLC_GATHER_STEP("vldrw.u32", 32, 8) EMLC_GATHER_STEP("vldrw.u32", 32, 12));
#else
      for (k = 0; k < Kp; k += 16, col += 64) {
        const uint32_t *tp = (const uint32_t *)t->taps + k;
        vstrbq_s32(col, vldrbq_gather_offset_s32(base, vldrwq_u32(tp)));
        vstrbq_s32(col + 4, vldrbq_gather_offset_s32(base, vldrwq_u32(tp + 4)));
        vstrbq_s32(col + 8, vldrbq_gather_offset_s32(base, vldrwq_u32(tp + 8)));
        vstrbq_s32(col + 12, vldrbq_gather_offset_s32(base, vldrwq_u32(tp + 12)));
      }
#endif
    }
  } else if (t->b16)
    emlc_border8_s8(xn, col, t->taps, t->dy, t->dx, H, W, ih0, iw0, pad, Kp);
  else if (!t->t16)
    emlc_border4_s8(xn, col, t->taps, t->dy, t->dx, H, W, ih0, iw0, pad, Kp);
  else /* uint16 offsets, a plane too large for 16-bit checks: one tap at a time */
#else
  (void)ihn, (void)iwn;
#endif
    for (k = 0; k < Kp; ++k) {
      const int32_t ih = ih0 + t->dy[k], iw = iw0 + t->dx[k];
      col[(k >> 4) * 64 + (k & 15)] =
          ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[(int64_t)ih0 * W + iw0 + emlc_tap(t, k)] : (int8_t)pad;
    }
}
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* Four windows inside the input in one row (origins b, b + sw, b + 2 sw, b + 3 sw) with byte or uint16
   offsets: each chunk's offsets loaded once for the four. */
static void emlc_im2col_row4_s8(const int8_t *b, int32_t sw, int8_t *col, const emlc_im2col_tables *t, int32_t Kp) {
  int32_t k;
  if (t->o8)
    for (k = 0; k < Kp; k += 16, col += 64) {
      const uint8x16_t o = vldrbq_u8(t->o8 + k);
      vstrbq_s8(col, vldrbq_gather_offset_s8(b, o));
      vstrbq_s8(col + 16, vldrbq_gather_offset_s8(b + sw, o));
      vstrbq_s8(col + 32, vldrbq_gather_offset_s8(b + 2 * sw, o));
      vstrbq_s8(col + 48, vldrbq_gather_offset_s8(b + 3 * sw, o));
    }
  else {
#if defined(__GNUC__)
    /* 20 instructions a chunk of the four columns (one window at a time: 32) */
    const uint16_t *tp = (const uint16_t *)t->taps;
    const int8_t *b1 = b + sw, *b2 = b1 + sw, *b3 = b2 + sw;
#define EMLC_ROW4(bj, o)                                                                                             \
  "vldrb.s16 q2, [%[" #bj "], q0]\n"                                                                                  \
  "vstrb.16 q2, [%[col], #" #o "]\n"                                                                                  \
  "vldrb.s16 q2, [%[" #bj "], q1]\n"                                                                                  \
  "vstrb.16 q2, [%[col], #" #o "+8]\n"
    __asm__ volatile("wls lr, %[n], 2f\n"
                     "1:\n"
                     "vldrh.u16 q0, [%[tp]], #16\n"
                     "vldrh.u16 q1, [%[tp]], #16\n" EMLC_ROW4(b0, 0) EMLC_ROW4(b1, 16) EMLC_ROW4(b2, 32)
                         EMLC_ROW4(b3, 48) "add %[col], %[col], #64\n"
                                           "le lr, 1b\n"
                                           "2:\n"
                     : [tp] "+r"(tp), [col] "+l"(col)
                     : [n] "r"(Kp >> 4), [b0] "r"(b), [b1] "r"(b1), [b2] "r"(b2), [b3] "r"(b3)
                     : "q0", "q1", "q2", "lr", "memory");
#undef EMLC_ROW4
#else
    const uint16_t *tp = (const uint16_t *)t->taps;
    int32_t j;
    for (k = 0; k < Kp; k += 16, col += 64, tp += 16) {
      const uint16x8_t o0 = vldrhq_u16(tp), o1 = vldrhq_u16(tp + 8);
      for (j = 0; j < 4; ++j) {
        vstrbq_s16(col + 16 * j, vldrbq_gather_offset_s16(b + j * sw, o0));
        vstrbq_s16(col + 16 * j + 8, vldrbq_gather_offset_s16(b + j * sw, o1));
      }
    }
#endif
  }
}
#endif
/* The four columns of a block of `cnt` pixels from output (oh, ow) (past
   cnt: the last pixel again, not stored), which then move to the next
   block's first pixel: no division per pixel. ihn / iwn: how many window
   origin rows / columns keep the window inside the input. */
static void emlc_im2col4x4_s8(const int8_t *xn, int8_t *col, int32_t cnt, int32_t *oh, int32_t *ow, int32_t OW,
                              int32_t sh, int32_t sw, int32_t pt, int32_t pl, uint32_t ihn, uint32_t iwn,
                              const emlc_im2col_tables *t, int32_t H, int32_t W, int32_t pad, int32_t Kp) {
  int32_t j;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  const int32_t ih0 = *oh * sh - pt, iw0 = *ow * sw - pl;
  if (cnt == 4 && *ow + 4 <= OW && (uint32_t)ih0 < ihn && (uint32_t)iw0 < iwn && (uint32_t)(iw0 + 3 * sw) < iwn &&
      (t->o8 || t->t16)) { /* four windows inside the input, one row */
    emlc_im2col_row4_s8(xn + (int64_t)ih0 * W + iw0, sw, col, t, Kp);
    if ((*ow += 4) == OW)
      *ow = 0, ++*oh;
    return;
  }
#endif
  for (j = 0; j < 4; ++j) {
    emlc_im2col4_s8(xn, col + 16 * j, *oh * sh - pt, *ow * sw - pl, ihn, iwn, t, H, W, pad, Kp);
    if ((j + 1 < cnt || cnt == 4) && ++*ow == OW)
      *ow = 0, ++*oh;
  }
}

// @kernel conv4_s8_mve_impl
// @requires mve_impl
// @requires store4_s8_mve_impl
/* conv_s8_mve's channel loop over the columns of four pixels (col: Kp/16
   chunks of 4 x 16 bytes): per channel m the four sums of its weights (row m
   of w, Kp bytes) with the columns, requantized and stored as one vector at
   y + m * P (`cnt` of the four). Its own function: the four accumulators and
   the pointers stay in registers. When Kp is 16 the columns stay in
   registers across the channels. */
/* The channel loop; emlc_conv4_s8_mve inlines it three times: the DSP requantization with cnt 4 (a constant:
   stores without a predicate) and with the last block's, and TFLite's (`exact`). */
EMLC_MVE_INLINE void emlc_conv4_rows_s8_mve(const int8_t *w, const int8_t *col, int8_t *y, int32_t M, int32_t Kp,
                                            int32_t P, int32_t cnt, const int32_t *bias_eff, const int32_t *mult,
                                            const int32_t *shift, int32_t exact, int32_t out_off, int32_t lo,
                                            int32_t hi) {
  int32_t m, i;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  if (Kp == 16) {
    const int8x16_t c0 = vldrbq_s8(col), c1 = vldrbq_s8(col + 16), c2 = vldrbq_s8(col + 32), c3 = vldrbq_s8(col + 48);
#if defined(__GNUC__)
    if (cnt == 4 && !exact) {
      /* 21 instructions a channel (gcc's code for the loop below took 24 and spilled): the four sums by
         VMLADAV (even registers, "Te"), then reused for the bias, multiplier and shift; the weights' register
         holds the sign for the rounding */
      const int32x4_t lov = vdupq_n_s32(lo), hiv = vdupq_n_s32(hi);
      const int32_t *bp = bias_eff, *mp = mult, *sp = shift;
      int32_t a0, a1, a2, a3;
      __asm__ volatile("wls lr, %[n], 2f\n"
                       "1:\n"
                       "vldrb.8 q0, [%[w]], #16\n"
                       "vmladav.s8 %[a0], q0, %q[c0]\n"
                       "vmladav.s8 %[a1], q0, %q[c1]\n"
                       "vmladav.s8 %[a2], q0, %q[c2]\n"
                       "vmladav.s8 %[a3], q0, %q[c3]\n"
                       "vmov q1[2], q1[0], %[a0], %[a2]\n"
                       "vmov q1[3], q1[1], %[a1], %[a3]\n"
                       "ldr %[a0], [%[bp]], #4\n"
                       "ldr %[a1], [%[mp]], #4\n"
                       "ldr %[a2], [%[sp]], #4\n"
                       "vadd.i32 q1, q1, %[a0]\n" EMLC_MVE_REQUANT_DSP_STORE("q1", "%[a1]", "%[a2]", "%[off]")
                       "add %[y], %[y], %[P]\n"
                       "le lr, 1b\n"
                       "2:\n"
                       : [a0] "=&Te"(a0), [a1] "=&Te"(a1), [a2] "=&Te"(a2), [a3] "=&Te"(a3), [w] "+r"(w),
                         [bp] "+r"(bp), [mp] "+r"(mp), [sp] "+r"(sp), [y] "+l"(y)
                       : [n] "r"(M), [c0] "w"(c0), [c1] "w"(c1), [c2] "w"(c2), [c3] "w"(c3), [off] "r"(out_off),
                         [P] "r"(P), [lo] "w"(lov), [hi] "w"(hiv)
                       : "q0", "q1", "lr", "memory");
      (void)a0, (void)a1, (void)a2, (void)a3;
      return;
    }
#endif
    for (m = 0; m < M; ++m, w += 16, y += P) {
      const int8x16_t wv = vldrbq_s8(w);
      const int32_t b = bias_eff[m];
      emlc_store4_s8_mve(y, cnt, vmladavaq_s8(b, wv, c0), vmladavaq_s8(b, wv, c1), vmladavaq_s8(b, wv, c2),
                         vmladavaq_s8(b, wv, c3), mult[m], shift[m], exact, out_off, lo, hi);
    }
    return;
  }
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && defined(__GNUC__)
  if (cnt == 4 && !exact && M > 0) {
    /* The whole channel loop: 23 instructions a channel besides the MAC loop's 10 per 16 taps (gcc's code for
       the loop below took 27: its live values spilled). The accumulators (even registers, "Te") take the
       chunk count, multiplier, shift and stride, which stay in memory, as the columns' address does: eleven
       registers (inlined three times, the kernel leaves gcc no more). */
    const int32x4_t lov = vdupq_n_s32(lo), hiv = vdupq_n_s32(hi), offv = vdupq_n_s32(out_off);
    const int32_t *bp = bias_eff, *mp = mult, *sp = shift;
    const int8_t *c, *col0 = col;
    const int32_t n = Kp >> 4; /* >= 2 here: Kp > 16 */
    int32_t a0, a1, a2, a3, left = M;
    __asm__ volatile("1:\n"
                     "ldr %[a1], %[n]\n"
                     "dls lr, %[a1]\n"
                     "ldr %[a0], [%[bp]], #4\n"
                     "mov %[a1], %[a0]\n"
                     "mov %[a2], %[a0]\n"
                     "mov %[a3], %[a0]\n"
                     "ldr %[c], %[col]\n"
                     "2:\n" EMLC_MVE_DOT4_BODY("", 2) "vmov q1[2], q1[0], %[a0], %[a2]\n"
                     "vmov q1[3], q1[1], %[a1], %[a3]\n"
                     "ldr %[a0], [%[mp]], #4\n"
                     "ldr %[a1], [%[sp]], #4\n" EMLC_MVE_REQUANT_DSP_STORE("q1", "%[a0]", "%[a1]", "%q[off]")
                     "ldr %[a0], %[P]\n"
                     "add %[y], %[y], %[a0]\n"
                     "subs %[left], %[left], #1\n"
                     "bne 1b\n"
                     : [a0] "=&Te"(a0), [a1] "=&Te"(a1), [a2] "=&Te"(a2), [a3] "=&Te"(a3), [c] "=&r"(c), [w] "+r"(w),
                       [bp] "+r"(bp), [mp] "+r"(mp), [sp] "+r"(sp), [y] "+l"(y), [left] "+r"(left)
                     : [col] "m"(col0), [n] "m"(n), [off] "w"(offv), [lo] "w"(lov), [hi] "w"(hiv), [P] "m"(P)
                     : "q0", "q1", "lr", "memory", "cc");
    (void)a0, (void)a1, (void)a2, (void)a3, (void)c;
    return;
  }
#endif
  for (m = 0; m < M; ++m, y += P) {
    const int8_t *c = col;
    int32_t a0 = bias_eff[m], a1 = a0, a2 = a0, a3 = a0;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && defined(__GNUC__)
    i = Kp >> 4;
    EMLC_MVE_DOT4("", a0, a1, a2, a3, w, c, i);
#else
    for (i = Kp >> 4; i > 0; --i, w += 16, c += 64) {
      a0 = emlc_dot16_s8(a0, w, c);
      a1 = emlc_dot16_s8(a1, w, c + 16);
      a2 = emlc_dot16_s8(a2, w, c + 32);
      a3 = emlc_dot16_s8(a3, w, c + 48);
    }
#endif
    emlc_store4_s8_mve(y, cnt, a0, a1, a2, a3, mult[m], shift[m], exact, out_off, lo, hi);
  }
}
static EMLC_NOINLINE void emlc_conv4_s8_mve(const int8_t *w, const int8_t *col, int8_t *y, int32_t M, int32_t Kp,
                                            int32_t P, int32_t cnt, const int32_t *bias_eff, const int32_t *mult,
                                            const int32_t *shift, int32_t exact, int32_t out_off, int32_t lo,
                                            int32_t hi) {
  if (exact)
    emlc_conv4_rows_s8_mve(w, col, y, M, Kp, P, cnt, bias_eff, mult, shift, 1, out_off, lo, hi);
  else if (cnt == 4)
    emlc_conv4_rows_s8_mve(w, col, y, M, Kp, P, 4, bias_eff, mult, shift, 0, out_off, lo, hi);
  else
    emlc_conv4_rows_s8_mve(w, col, y, M, Kp, P, cnt, bias_eff, mult, shift, 0, out_off, lo, hi);
}

// @kernel conv_s8_mve_run_impl
// @requires mve_impl
// @requires im2col4_s8_impl
// @requires conv4_s8_mve_impl
/* int8 convolution (one group, NCHW) on Helium: an int8 im2col of four
   output pixels (col: 4 x Kp bytes, interleaved in 16-byte chunks) against
   weights stored [M][Kp] by the compiler (K padded to a multiple of 16 with
   zeros; words of 4 little-endian bytes), followed by the window's tables
   dy[Kp] and dx[Kp] (bytes: each tap's row and column in the window, times
   the dilation; 0 for the padding taps), one channel x four pixels per
   pass, one VMLADAVA per 16 MACs; the four sums (consecutive outputs of the
   channel, NCHW) requantized and stored as one vector. A layer whose K fits
   one chunk (K <= 16: a first layer of one input channel, 3x3) keeps the
   four columns in registers across the channels; one whose tap offsets fit
   a byte (one small input channel) gathers a chunk of a column in one
   instruction. Requantization, domain and arguments as conv_s8_dsp (with
   `exact` as conv_s8_mve_exact). */
EMLC_MVE_INLINE void emlc_conv_s8_mve_run(const int8_t *x, const int32_t *wpk, int32_t *colw, int8_t *y, int32_t N,
                                          int32_t C, int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW,
                                          int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t dh, int32_t dw,
                                          int32_t pt, int32_t pl, int32_t pad, const int32_t *taps, int32_t out_off,
                                          const int32_t *bias_eff, const int32_t *mult, const int32_t *shift,
                                          int32_t exact, int32_t lo, int32_t hi) {
  const int32_t K = C * KH * KW, Kp = (K + 15) & ~15, P = OH * OW;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *col = (int8_t *)colw;
  emlc_im2col_tables t;
  const uint32_t ihn = (uint32_t)EMLC_MAX(0, H - (KH - 1) * dh), iwn = (uint32_t)EMLC_MAX(0, W - (KW - 1) * dw);
  int32_t n, p, oh, ow;
  emlc_im2col_tables_init(&t, taps, (const uint8_t *)wpk + (int64_t)M * Kp, C, H, W, KH, KW, OH, OW, sh, sw, dh, dw,
                          pt, pl, Kp);
  for (n = 0; n < N; ++n) {
    const int8_t *xn = x + (int64_t)n * C * H * W;
    int8_t *yn = y + (int64_t)n * M * P;
    for (p = 0, oh = 0, ow = 0; p < P; p += 4) {
      const int32_t cnt = EMLC_MIN(4, P - p);
      emlc_im2col4x4_s8(xn, col, cnt, &oh, &ow, OW, sh, sw, pt, pl, ihn, iwn, &t, H, W, pad, Kp);
      emlc_conv4_s8_mve(wb, col, yn + p, M, Kp, P, cnt, bias_eff, mult, shift, exact, out_off, lo, hi);
    }
  }
}

// @kernel conv_s8_mve
// @requires conv_s8_mve_run_impl
/* conv_s8_mve_run_impl with the DSP requantization. */
static void emlc_conv_s8_mve(const int8_t *x, const int32_t *wpk, int32_t *colw, int8_t *y, int32_t N, int32_t C,
                             int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                             int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                             const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                             const int32_t *shift, int32_t lo, int32_t hi) {
  emlc_conv_s8_mve_run(x, wpk, colw, y, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, pad, taps, out_off,
                       bias_eff, mult, shift, 0, lo, hi);
}

// @kernel conv_s8_mve_exact
// @requires conv_s8_mve_run_impl
/* conv_s8_mve for the layers outside the DSP requantization's domain (a
   multiplier of 1/2 or more: shift >= 0, frequent in emlc's own
   quantization of pointwise layers, which took the portable conv1x1_s8, 6
   instructions a MAC): the same columns and sums, TFLite's tables
   (bias_eff, mult, shift) and requantization with `exact`, a few
   instructions more a channel and four pixels; without it conv_s8_mve's DSP
   tables (--optimize size takes this kernel for every layer). The sums wrap
   as the portable kernels' int32 ones: exact wherever they end within int32
   (NNToKernel moves the bias of a channel PTQ saturated, whose output is a
   constant, to one that cannot leave it). */
static void emlc_conv_s8_mve_exact(const int8_t *x, const int32_t *wpk, int32_t *colw, int8_t *y, int32_t N, int32_t C,
                                   int32_t H, int32_t W, int32_t M, int32_t KH, int32_t KW, int32_t OH, int32_t OW,
                                   int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pad,
                                   const int32_t *taps, int32_t out_off, const int32_t *bias_eff, const int32_t *mult,
                                   const int32_t *shift, int32_t exact, int32_t lo, int32_t hi) {
  emlc_conv_s8_mve_run(x, wpk, colw, y, N, C, H, W, M, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl, pad, taps, out_off,
                       bias_eff, mult, shift, exact, lo, hi);
}

// @kernel fully_connected_s8_mve
// @requires mve_impl
// @requires store_fc_s8_impl
/* TFLite int8 fully connected on Helium: weights stored [N][Kp] by the
   compiler (K padded to 16 with zeros, words of 4 little-endian bytes), the
   input row copied once into `xs` (Kp bytes, zero-padded); four channels per
   pass, one VMLADAVA per 16 MACs. Requantization and domain as the DSP
   kernels. */
static void emlc_fully_connected_s8_mve(const int8_t *x, const int32_t *wpk, int32_t *xsw, int8_t *y, int32_t M,
                                        int32_t K, int32_t N, const int32_t *bias_eff, int32_t out_off,
                                        const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Kp = (K + 15) & ~15;
  const int8_t *wb = (const int8_t *)wpk;
  int8_t *xs = (int8_t *)xsw;
  int32_t m, n, k;
  for (m = 0; m < M; ++m) {
    int8_t *yr = y + (int64_t)m * N;
    memcpy(xs, x + (int64_t)m * K, (size_t)K);
    memset(xs + K, 0, (size_t)(Kp - K));
    for (n = 0; n < N; n += 4) {
      const int32_t cnt = EMLC_MIN(4, N - n);
      const int8_t *w0 = wb + (int64_t)n * Kp, *w1 = cnt > 1 ? w0 + Kp : w0, *w2 = cnt > 2 ? w0 + 2 * Kp : w0,
                   *w3 = cnt > 3 ? w0 + 3 * Kp : w0;
      int32_t a0 = bias_eff[n], a1 = cnt > 1 ? bias_eff[n + 1] : 0, a2 = cnt > 2 ? bias_eff[n + 2] : 0,
              a3 = cnt > 3 ? bias_eff[n + 3] : 0;
      for (k = 0; k < Kp; k += 16) {
        a0 = emlc_dot16_s8(a0, w0 + k, xs + k);
        a1 = emlc_dot16_s8(a1, w1 + k, xs + k);
        a2 = emlc_dot16_s8(a2, w2 + k, xs + k);
        a3 = emlc_dot16_s8(a3, w3 + k, xs + k);
      }
      emlc_store_4_s8(yr + n, cnt, a0, a1, a2, a3, mult + n, shift + n, out_off, lo, hi);
    }
  }
}

// @kernel dwconv3x3_s8_mve
// @requires mve_impl
// @requires requant_exact_mve_impl
/* Depthwise 3x3 int8 convolution (NCHW, any stride and padding, dilation 1)
   on Helium. Each channel is copied into `plane`, padded with the input
   zero point (filled once per call; bias_eff folds the input offset, so
   every window is interior),
   Hp = (OH-1)*sh + 3 rows of Wp = (OW-1)*sw + 3 bytes (NNToKernel gives this
   kernel layers with 2*Wp + 2 < 256). An output is then one byte gather of
   its nine taps (offsets ky*Wp + kx, a register for the whole layer) and one
   VMLADAVA against the channel's weights (lanes 9..15 zero). The output
   plane is walked flat, four outputs per vector whatever the row width: the
   vector `at` holds their windows' addresses (lanes past the plane's last
   output: its first window), advanced four outputs a step without a branch
   (a lane past its row's end moves to the next row, up to 1 + 3 / OW times
   a step), and requantized lane-wise as TFLite does (its tables:
   requant_exact_mve_impl, any multiplier and shift). Sums identical to
   conv2d_s8. (The branches of the former walk, four outputs
   within a row or one at a time across a row end, cost 20 instructions an
   output on KWS DS-CNN's rows of 5, against 10 now.) */
static void emlc_dw_plane_s8(const int8_t *xc, int8_t *plane, int32_t H, int32_t W, int32_t Hp, int32_t Wp,
                             int32_t pt, int32_t pl) {
  /* the input rows into a plane whose padding already holds the zero point */
  const int32_t copy = EMLC_MAX(0, EMLC_MIN(W, Wp - pl)), r0 = EMLC_MAX(0, pt), r1 = EMLC_MIN(Hp, pt + H);
  int32_t r;
  for (r = r0; r < r1; ++r) {
    int8_t *d = plane + (int64_t)r * Wp + pl;
    const int8_t *s = xc + (int64_t)(r - pt) * W;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
    int32_t i;
    for (i = 0; i < copy; i += 16) {
      const mve_pred16_t p = vctp8q((uint32_t)(copy - i));
      vstrbq_p_s8(d + i, vldrbq_z_s8(s + i, p), p);
    }
#else
    memcpy(d, s, (size_t)copy);
#endif
  }
}
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* The sums of the four windows at the addresses in `at` (lanes 0..3) with
   the weights kv, one vector: a gather of nine taps and one VMLADAV each. */
static inline int32x4_t emlc_dw_sums4(uint32x4_t at, uint8x16_t ov, int8x16_t kv) {
#if defined(__GNUC__)
  /* 12 instructions (gcc's code for the intrinsics below took 20: a lane a VMOV each way, the accumulators
     copied); VMLADAV's accumulators are even registers ("Te") */
  int32x4_t v;
  int8x16_t g;
  int32_t s0, s1, s2, s3;
  __asm__("vmov %[s0], %[s2], %q[at][2], %q[at][0]\n"
          "vmov %[s1], %[s3], %q[at][3], %q[at][1]\n"
          "vldrb.u8 %q[g], [%[s0], %q[ov]]\n"
          "vmladav.s8 %[s0], %q[g], %q[kv]\n"
          "vldrb.u8 %q[g], [%[s1], %q[ov]]\n"
          "vmladav.s8 %[s1], %q[g], %q[kv]\n"
          "vldrb.u8 %q[g], [%[s2], %q[ov]]\n"
          "vmladav.s8 %[s2], %q[g], %q[kv]\n"
          "vldrb.u8 %q[g], [%[s3], %q[ov]]\n"
          "vmladav.s8 %[s3], %q[g], %q[kv]\n"
          "vmov %q[v][2], %q[v][0], %[s0], %[s2]\n"
          "vmov %q[v][3], %q[v][1], %[s1], %[s3]\n"
          : [v] "=&w"(v), [g] "=&w"(g), [s0] "=&Te"(s0), [s1] "=&Te"(s1), [s2] "=&Te"(s2), [s3] "=&Te"(s3)
          : [at] "w"(at), [ov] "w"(ov), [kv] "w"(kv)
          : "memory");
  return v;
#else
  int32x4_t v = vdupq_n_s32(vmladavq_s8(vldrbq_gather_offset_s8((const int8_t *)vgetq_lane_u32(at, 0), ov), kv));
  v = vsetq_lane_s32(vmladavq_s8(vldrbq_gather_offset_s8((const int8_t *)vgetq_lane_u32(at, 1), ov), kv), v, 1);
  v = vsetq_lane_s32(vmladavq_s8(vldrbq_gather_offset_s8((const int8_t *)vgetq_lane_u32(at, 2), ov), kv), v, 2);
  return vsetq_lane_s32(vmladavq_s8(vldrbq_gather_offset_s8((const int8_t *)vgetq_lane_u32(at, 3), ov), kv), v, 3);
#endif
}
/* Four sums plus the bias b requantized (multiplier m; the shift split into left, right and neg as
   emlc_requant_exact_mve does), plus the output offset, clamped. */
static inline int32x4_t emlc_dw_requant4(int32x4_t v, int32_t b, int32_t m, int32_t left, int32_t right, int32_t neg,
                                         int32_t out_off, int32_t lo, int32_t hi) {
  v = emlc_requant_right_mve(vshlq_r_s32(vaddq_n_s32(v, b), left), m, right, neg);
  return vminq_s32(vmaxq_s32(vaddq_n_s32(v, out_off), vdupq_n_s32(lo)), vdupq_n_s32(hi));
}
static void emlc_dwconv3x3_s8_mve(const int8_t *x, const int8_t *w, int8_t *plane, int8_t *y, int32_t N, int32_t C,
                                  int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                  int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                  const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Hp = (OH - 1) * sh + 3, Wp = (OW - 1) * sw + 3, P = OH * OW, skip = sh * Wp - OW * sw;
  const int32_t wraps = 1 + 3 / OW;
  const uint32_t base = (uint32_t)plane, last = base + (uint32_t)((OH - 1) * sh * Wp + (OW - 1) * sw);
  uint8_t offs[16] = {0};
  int8_t k[16] = {0};
  uint32_t org[4];
  int32_t ow0[4], n, c, q, j, t;
  uint8x16_t ov;
  int32x4_t owv0;
  uint32x4_t at0;
  for (t = 0; t < 9; ++t)
    offs[t] = (uint8_t)(t / 3 * Wp + t % 3);
  ov = vldrbq_u8(offs);
  for (j = 0; j < 4; ++j) /* outputs 0..3, past P too (the walk stays regular; their windows are not read) */
    ow0[j] = j % OW, org[j] = base + (uint32_t)(j / OW * sh * Wp + j % OW * sw);
  owv0 = vldrwq_s32(ow0);
  at0 = vldrwq_u32(org);
  memset(plane, pad, (size_t)(Hp * Wp));
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      int8_t *yc = y + ((int64_t)n * C + c) * P;
      const int32_t m = mult[c], left = shift[c] > 0 ? shift[c] : 0, right = shift[c] > 0 ? 0 : -shift[c],
                    neg = shift[c] < 0 ? -1 : 0, b = bias_eff[c];
      int32x4_t owv = owv0;
      uint32x4_t at = at0;
      int8x16_t kv;
      emlc_dw_plane_s8(x + ((int64_t)n * C + c) * H * W, plane, H, W, Hp, Wp, pt, pl);
      for (t = 0; t < 9; ++t)
        k[t] = w[(int64_t)c * 9 + t];
      kv = vldrbq_s8(k);
      for (q = 0; q + 4 <= P; q += 4) {
        vstrbq_s32(yc + q, emlc_dw_requant4(emlc_dw_sums4(at, ov, kv), b, m, left, right, neg, out_off, lo, hi));
        owv = vaddq_n_s32(owv, 4);
        at = vaddq_n_u32(at, (uint32_t)(4 * sw));
        for (t = 0; t < wraps; ++t) { /* lanes past their row's end: to the next row */
          const mve_pred16_t wrap = vcmpgeq_n_s32(owv, OW);
          owv = vsubq_m_n_s32(owv, owv, OW, wrap);
          at = vaddq_m_n_u32(at, at, (uint32_t)skip, wrap);
        }
      }
      if (q < P) /* the last P % 4: the lanes past P read the last output's window (inside the plane) */
        vstrbq_p_s32(yc + q,
                     emlc_dw_requant4(emlc_dw_sums4(vminq_u32(at, vdupq_n_u32(last)), ov, kv), b, m, left, right,
                                      neg, out_off, lo, hi),
                     vctp32q((uint32_t)(P - q)));
    }
}
#else
/* Without Helium (host tests): the same padded plane, sums and requantization, one output at a time. */
static void emlc_dwconv3x3_s8_mve(const int8_t *x, const int8_t *w, int8_t *plane, int8_t *y, int32_t N, int32_t C,
                                  int32_t H, int32_t W, int32_t OH, int32_t OW, int32_t sh, int32_t sw, int32_t pt,
                                  int32_t pl, int32_t pad, int32_t out_off, const int32_t *bias_eff,
                                  const int32_t *mult, const int32_t *shift, int32_t lo, int32_t hi) {
  const int32_t Hp = (OH - 1) * sh + 3, Wp = (OW - 1) * sw + 3;
  int32_t n, c, oh, ow, t;
  memset(plane, pad, (size_t)(Hp * Wp));
  for (n = 0; n < N; ++n)
    for (c = 0; c < C; ++c) {
      emlc_dw_plane_s8(x + ((int64_t)n * C + c) * H * W, plane, H, W, Hp, Wp, pt, pl);
      for (oh = 0; oh < OH; ++oh)
        for (ow = 0; ow < OW; ++ow) {
          int32_t a = bias_eff[c], v;
          for (t = 0; t < 9; ++t)
            a += (int32_t)w[c * 9 + t] * plane[(oh * sh + t / 3) * Wp + ow * sw + t % 3];
          v = emlc_requant_exact_c(a, mult[c], shift[c]) + out_off;
          y[(((int64_t)n * C + c) * OH + oh) * OW + ow] = (int8_t)EMLC_CLAMP(v, lo, hi);
        }
    }
}
#endif

// @kernel add_s8_mve
// @requires mve_impl
// @requires requant_exact_mve_impl
// @requires add_s8
/* TFLite int8 Add (equal shapes) as add_s8, four elements a step (the last
   n % 4 predicated): widening loads, and the three requantizations lane-wise
   in add_s8's arithmetic (requant_exact_mve_impl). add_s8 takes shifts > 0
   (NNToKernel derives none: an Add's multipliers are below one). */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
/* Four sums: the inputs (widened, each times 2^left_shift plus its offset times it: one VMLAS) requantized,
   added, requantized to the output, offset and clamped. */
EMLC_MVE_INLINE int32x4_t emlc_add4_s8_mve(int32x4_t a, int32x4_t b, int32x4_t scale, int32_t a_add, int32_t b_add,
                                           int32_t a_mult, int32_t a_shift, int32_t b_mult, int32_t b_shift,
                                           int32_t out_mult, int32_t out_shift, int32_t out_off, int32x4_t lo,
                                           int32x4_t hi) {
  const int32x4_t va = vmlasq_n_s32(a, scale, a_add), vb = vmlasq_n_s32(b, scale, b_add);
  const int32x4_t s = vaddq_s32(emlc_requant_right_mve(va, a_mult, -a_shift, a_shift < 0 ? -1 : 0),
                                emlc_requant_right_mve(vb, b_mult, -b_shift, b_shift < 0 ? -1 : 0));
  return vminq_s32(
      vmaxq_s32(vaddq_n_s32(emlc_requant_right_mve(s, out_mult, -out_shift, out_shift < 0 ? -1 : 0), out_off), lo), hi);
}
static void emlc_add_s8_mve(const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int32_t a_off, int32_t b_off,
                            int32_t out_off, int32_t left_shift, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                            int32_t b_shift, int32_t out_mult, int32_t out_shift, int32_t lo, int32_t hi) {
  /* (x + off) * 2^left_shift as x * 2^left_shift + off * 2^left_shift: equal modulo 2^32 */
  const int32_t a_add = (int32_t)((uint32_t)a_off << left_shift), b_add = (int32_t)((uint32_t)b_off << left_shift);
  const int32x4_t scale = vdupq_n_s32((int32_t)(1u << left_shift)), vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
  int32_t i;
  if (a_shift > 0 || b_shift > 0 || out_shift > 0) {
    emlc_add_s8(a, b, y, n, a_off, b_off, out_off, left_shift, a_mult, a_shift, b_mult, b_shift, out_mult, out_shift,
                lo, hi);
    return;
  }
  for (i = 0; i + 4 <= n; i += 4) /* whole vectors without a predicate */
    vstrbq_s32(y + i, emlc_add4_s8_mve(vldrbq_s32(a + i), vldrbq_s32(b + i), scale, a_add, b_add, a_mult, a_shift,
                                       b_mult, b_shift, out_mult, out_shift, out_off, vlo, vhi));
  if (i < n) {
    const mve_pred16_t p = vctp32q((uint32_t)(n - i));
    vstrbq_p_s32(y + i,
                 emlc_add4_s8_mve(vldrbq_z_s32(a + i, p), vldrbq_z_s32(b + i, p), scale, a_add, b_add, a_mult, a_shift,
                                  b_mult, b_shift, out_mult, out_shift, out_off, vlo, vhi),
                 p);
  }
}
#else
static void emlc_add_s8_mve(const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int32_t a_off, int32_t b_off,
                            int32_t out_off, int32_t left_shift, int32_t a_mult, int32_t a_shift, int32_t b_mult,
                            int32_t b_shift, int32_t out_mult, int32_t out_shift, int32_t lo, int32_t hi) {
  emlc_add_s8(a, b, y, n, a_off, b_off, out_off, left_shift, a_mult, a_shift, b_mult, b_shift, out_mult, out_shift, lo,
              hi);
}
#endif

// @kernel reduce_mean_s8_mve
// @requires mve_impl
/* reduce_mean_s8 (TFLite's int8 average pooling of each block of `inner` values) with the sums by VADDVA, 16
   values a step, the last inner % 16 by a zeroing predicated load; the division and clamp as reduce_mean_s8. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define EMLC_SUM_S8(acc, p, n) vaddvaq_s8((acc), vldrbq_z_s8((p), vctp8q((uint32_t)(n))))
#define EMLC_SUM16_S8(acc, p) vaddvaq_s8((acc), vldrbq_s8(p))
#else
static inline int32_t emlc_sum_s8(int32_t acc, const int8_t *p, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i)
    acc += p[i];
  return acc;
}
#define EMLC_SUM_S8(acc, p, n) emlc_sum_s8((acc), (p), (n))
#define EMLC_SUM16_S8(acc, p) emlc_sum_s8((acc), (p), 16)
#endif
static void emlc_reduce_mean_s8_mve(const int8_t *x, int8_t *y, int32_t outer, int32_t inner, int32_t lo, int32_t hi) {
  int32_t o, i;
  for (o = 0; o < outer; ++o) {
    const int8_t *xo = x + (int64_t)o * inner;
    int32_t acc = 0;
    for (i = 0; i + 16 <= inner; i += 16)
      acc = EMLC_SUM16_S8(acc, xo + i);
    if (i < inner)
      acc = EMLC_SUM_S8(acc, xo + i, inner - i);
    acc = acc > 0 ? (acc + inner / 2) / inner : (acc - inner / 2) / inner;
    y[o] = (int8_t)EMLC_CLAMP(acc, lo, hi);
  }
}
