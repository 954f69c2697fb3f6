//===- Precision.h - weight precisions of quantized layers -------*- C++ -*-===//
//
// The weight formats a quantized convolution or fully connected layer may
// take (issue 15). All are symmetric per output channel (zero point 0) and
// carried by upstream quant types, storage type = the packed width:
//
//   int8     !quant.uniform<i8:f32:0, {...}>        values in [-127, 127] (TFLite)
//   int4     !quant.uniform<i4:f32:0, {...}>        values in [-7, 7], two per byte in flash
//   int2     !quant.uniform<i2:f32:0, {...}>        {-2,-1,0,1} x scale, four per byte
//   ternary  !quant.uniform<i2<-1:1>:f32:0, {...}>  {-1,0,+1} x scale, four per byte
//
// Ternary is int2 storage with a narrower range, so MLIR expresses it
// without a new type and the 2-bit kernels run it unchanged. The packing
// (row-aligned, low bits first) is the kernel lowering's business
// (targets/generic/lowering/LowBit.cpp); the quant types say the values.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_QUANTIZATION_PRECISION_H
#define EMLC_QUANTIZATION_PRECISION_H

#include "mlir/IR/BuiltinAttributes.h"
#include <optional>
#include <string>
#include <vector>

namespace emlc {

enum class WeightPrecision { Int8, Int4, Int2, Ternary };

/// Every precision, widest first (the order the search steps down).
inline constexpr WeightPrecision kWeightPrecisions[] = {WeightPrecision::Int8, WeightPrecision::Int4,
                                                        WeightPrecision::Int2, WeightPrecision::Ternary};

/// "int8", "int4", "int2", "ternary".
const char *precisionName(WeightPrecision p);
/// Accepts the names above and the short forms 8, 4, 2, t.
std::optional<WeightPrecision> parsePrecision(const std::string &s);
/// Bits of storage per weight in flash (ternary: 2).
int storageBits(WeightPrecision p);
/// The integer range of the weights (int8: TFLite's [-127, 127]).
int64_t valueMin(WeightPrecision p);
int64_t valueMax(WeightPrecision p);
/// The per-channel quant type of weights at `p` (scales along axis 0).
mlir::Type weightType(mlir::MLIRContext *ctx, WeightPrecision p, const std::vector<double> &scales);
/// The precision of a quantized weight element type; none for other types.
std::optional<WeightPrecision> precisionOf(mlir::Type weightElement);
/// Flash bytes of `rows` output channels of `perRow` weights each: rows are
/// packed whole bytes apart (the kernels' layout).
int64_t packedBytes(WeightPrecision p, int64_t rows, int64_t perRow);

/// A layer's precision as `--layer-precision NAME=w4a8` writes it.
struct LayerPrecision {
  WeightPrecision weights = WeightPrecision::Int8;
  int activationBits = 8;
  bool keepFloat = false; ///< "float": the layer is not quantized (float kernels; the target's FPU)
};
/// Parses "w8a8", "w4a8", "w2a8", "wta8" (ternary), "w8a16" (int16
/// activations: TFLite's 16x8) and "float"; an error message otherwise.
std::optional<LayerPrecision> parseLayerPrecision(const std::string &s, std::string &error);

/// Per-output-channel (axis 0) symmetric weights at precision `p`: the
/// integers row-major, one scale per channel. int8 uses TFLite's scale
/// (max |w| / 127); the narrower formats choose each channel's scale by the
/// least squared error over a sweep of clipping ratios, since at 4 bits and
/// below clipping the few largest weights loses less than a coarser grid.
struct ChannelQuantized {
  std::vector<int64_t> values;
  std::vector<double> scales;
};
ChannelQuantized quantizePerChannel(mlir::DenseElementsAttr weights, WeightPrecision p);

} // namespace emlc

#endif
