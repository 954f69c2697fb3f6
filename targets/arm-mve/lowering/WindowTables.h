//===- WindowTables.h - the Helium im2col's window tables --------*- C++ -*-===//
//
// conv_s8_mve and conv_s8_w4_mve share one im2col (kernels/int8_mve.c,
// emlc_im2col4_s8): windows that leave the input are gathered predicated by
// each tap's row and column offset within the window (eight taps a vector,
// four with int32 offsets). Both lowerings append those offsets to the packed
// weights, and pass the taps' offsets from the window origin as uint16 where
// they fit (eight taps a gather instead of four).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_ARM_MVE_WINDOWTABLES_H
#define EMLC_TARGETS_ARM_MVE_WINDOWTABLES_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"

namespace emlc {

/// Appends the window's tables to `out` as bytes, four to a little-endian
/// word: dy[Kp] then dx[Kp], tap (c, ky, kx)'s row ky*dh and column kx*dw
/// (0 for the padding taps past K).
inline void appendWindowTablesMVE(const QuantConvFacts &f, llvm::SmallVectorImpl<int32_t> &out) {
  const int64_t KH = f.s.w[2], KW = f.s.w[3], K = f.s.w[1] * KH * KW, Kp = (K + 15) / 16 * 16;
  llvm::SmallVector<uint8_t> win(2 * Kp, 0);
  for (int64_t k = 0; k < K; ++k) {
    win[k] = (uint8_t)(k / KW % KH * f.s.dl[0]);
    win[Kp + k] = (uint8_t)(k % KW * f.s.dl[1]);
  }
  for (int64_t i = 0; i < 2 * Kp; i += 4)
    out.push_back((int32_t)(win[i] | win[i + 1] << 8 | win[i + 2] << 16 | (uint32_t)win[i + 3] << 24));
}

/// The taps' offsets from the window origin (windowTaps, padded with 0 to Kp)
/// as the kernel reads them: uint16, two to a little-endian word, when the
/// largest, (C-1) H W + (KH-1) dh W + (KW-1) dw, is below 2^16 (the kernel's
/// emlc_taps16 makes the same test), else int32.
inline llvm::SmallVector<int64_t> tapTableMVE(const ConvShape &s, int64_t Kp) {
  llvm::SmallVector<int64_t> taps = windowTaps(s.w[1], s.w[2], s.w[3], s.x[2], s.x[3], s.dl);
  taps.resize(Kp, 0);
  const int64_t largest = (s.w[1] - 1) * s.x[2] * s.x[3] + (s.w[2] - 1) * s.dl[0] * s.x[3] + (s.w[3] - 1) * s.dl[1];
  if (largest >= 65536)
    return taps;
  llvm::SmallVector<int64_t> pairs;
  for (int64_t k = 0; k < Kp; k += 2)
    pairs.push_back((int32_t)(uint32_t)(taps[k] | taps[k + 1] << 16));
  return pairs;
}

} // namespace emlc

#endif
