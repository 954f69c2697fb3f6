//===- WindowTables.h - the Helium im2col's window tables --------*- C++ -*-===//
//
// conv_s8_mve and conv_s8_w4_mve share one im2col (kernels/int8_mve.c,
// emlc_im2col4_s8): windows that leave the input are gathered four taps at a
// time, predicated by each tap's row and column offset within the window.
// Both lowerings append those offsets to the packed weights.
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

} // namespace emlc

#endif
