//===- SharedLowerings.h - lowerings a portable kernel shares with variants -*- C++ -*-===//
//
// Some target kernels take exactly the arguments of a portable one (an
// optimized fully connected, Add, or row reduction): the portable lowering
// and those variants call the same function with their kernel's name.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_GENERIC_SHAREDLOWERINGS_H
#define EMLC_TARGETS_GENERIC_SHAREDLOWERINGS_H

#include "emlc/Conversion/NNToKernel/KernelLowering.h"
#include "mlir/Support/LogicalResult.h"

namespace emlc {

/// Float fully connected: (x, w, bias) -> y; M K N lo hi.
mlir::LogicalResult lowerFullyConnectedF32(Layer &l, llvm::StringRef kernel);
/// int8 convolution with constant weights packed below 8 bits (LowBit.cpp):
/// (x, packed w, bias) -> (row scratch, y); window args, groups, offsets,
/// bias_eff, requantization.
mlir::LogicalResult lowerConvLowBit(Layer &l, llvm::StringRef kernel);
/// int8 fully connected with packed weights: (x, packed w) -> y; M K N
/// out_off bias_eff requantization lo hi.
mlir::LogicalResult lowerFullyConnectedLowBit(Layer &l, llvm::StringRef kernel);
/// int8 (or int16) Add of equal shapes with TFLite's requantization (QuantAddFacts).
mlir::LogicalResult lowerAddS8(Layer &l, llvm::StringRef kernel);
/// Whether `op` is an nn.reduce: an int8 mean over its trailing axes with the input's quantization (TFLite's average
/// pooling, global or over rows): what reduce_mean_s8 and its variants compute.
bool isInt8MeanOfRows(mlir::Operation *op);
/// That mean: (x) -> y; outer inner lo hi.
mlir::LogicalResult lowerReduceMeanS8(Layer &l, llvm::StringRef kernel);
/// int16 activations, int8 weights (TFLite's 16x8 mode; Int16.cpp): the
/// portable lowerings of conv2d, fully_connected, binary (Add), average
/// pooling, and of quant.qcast between quantized types (Requantize).
mlir::LogicalResult lowerConvS16(Layer &l);
mlir::LogicalResult lowerFullyConnectedS16(Layer &l);
mlir::LogicalResult lowerBinaryS16(Layer &l);
mlir::LogicalResult lowerAvgPoolS16(Layer &l);
mlir::LogicalResult lowerRequantize(Layer &l);
/// Float binary op of operands shaped like the output: n lo hi.
mlir::LogicalResult lowerSameShapeBinaryF32(Layer &l, llvm::StringRef kernel);
/// Float reduction of contiguous runs: rows, run length, kind.
mlir::LogicalResult lowerReduceRowsF32(Layer &l, llvm::StringRef kernel);
/// out[i] = in[base + sum(i_d * strides_d)] over `outShape` (transpose,
/// slice, copy), by element size.
mlir::LogicalResult lowerStridedCopy(Layer &l, mlir::Value in, mlir::Value out, llvm::ArrayRef<int64_t> outShape,
                                     llvm::ArrayRef<int64_t> strides, int64_t base);

} // namespace emlc

#endif
