//===- LayerFacts.h - what kernel variants read off a layer -----*- C++ -*-===//
//
// Facts about one nn op that several kernel variants need (shapes, TFLite's
// requantization tables, constant weights with the input offset folded in),
// computed once per layer through `Layer::facts<F>()`, and the helpers that
// more than one kernel folder uses: window geometry, shared weight layouts,
// the DSP requantization fit. Nothing here creates IR.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_CONVERSION_NNTOKERNEL_LAYERFACTS_H
#define EMLC_CONVERSION_NNTOKERNEL_LAYERFACTS_H

#include "dialects/NN/NNDialect.h"
#include "emlc/Conversion/NNToKernel/KernelLowering.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include <optional>
#include <string>
#include <vector>

namespace emlc {

constexpr int kMaxRank = 6; ///< the generic kernels' shape tables have 6 axes

// --- Types and shapes ------------------------------------------------------------

/// The integer storage of a quantized element type; other types unchanged.
mlir::Type storageOf(mlir::Type t);
/// The constant behind `v` (through quant.scast): a weight's integers.
mlir::DenseElementsAttr constantStorage(mlir::Value v);
llvm::SmallVector<int64_t> shapeOf(mlir::Value v);
mlir::Type elemOf(mlir::Value v);
/// "f32", "i32", "u8", ... as used in kernel names (quantized: its storage).
std::string typeSuffix(mlir::Type t);
/// The suffixes with typed instances of the generic kernels (targets/generic/kernels/typed.c).
bool isTypedSuffix(const std::string &s);
/// `s` with leading axes of `fill` up to 6 axes.
llvm::SmallVector<int64_t> pad6(llvm::ArrayRef<int64_t> s, int64_t fill = 1);
/// Element strides of `in` broadcast to `out` (0 on broadcast axes), padded to 6.
llvm::SmallVector<int64_t> broadcastStrides(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out);
int64_t product(llvm::ArrayRef<int64_t> s, size_t from = 0, size_t to = ~size_t(0));

// --- Quantization (TFLite's integer semantics) -------------------------------------

/// Per-tensor or per-channel scales of a quantized type, as TFLite's float32.
std::vector<float> scalesOf(mlir::Type t);
int64_t zeroPointOf(mlir::Type t);
/// Storage bits of a quantized element type (8: int8, 16: int16 activations);
/// 0 when `t` is not quantized.
unsigned quantizedBits(mlir::Type t);
/// A signed int16 per-tensor type with zero point 0 (TFLite's 16x8 activations).
bool isInt16Symmetric(mlir::Type t);
llvm::SmallVector<int64_t> zeroPointsOf(mlir::Type t);
/// TFLite's QuantizeMultiplier: m = q * 2^shift with q in [2^30, 2^31) as int32.
void quantizeMultiplier(double m, int32_t &q, int32_t &shift);
/// TFLite's integer requantization (the kernels' emlc_requantize), for compile-time reasoning.
int64_t requantizeRef(int64_t x, int64_t mult, int64_t shift);
/// Per-output-channel (multiplier, shift) as TFLite's PopulateConvolutionQuantizationParams
/// computes them: the float32 scales widened to double, input * weight / output.
void requantTables(mlir::Type in, mlir::Type weight, mlir::Type out, int64_t n, llvm::SmallVectorImpl<int64_t> &mult,
                   llvm::SmallVectorImpl<int64_t> &shift);
/// The output clamp in storage units: the fused activation, else the storage range.
std::pair<int64_t, int64_t> storageClamp(mlir::Type out, std::optional<llvm::APFloat> lo,
                                         std::optional<llvm::APFloat> hi);
/// Constant int8 weights (rows of equal length) as integers, and the bias with
/// the input offset folded in: bias_eff[m] = bias[m] + in_off * sum(w[m]).
void foldInputOffset(mlir::DenseElementsAttr weights, mlir::DenseElementsAttr bias, int64_t inOff,
                     std::vector<int64_t> &wv, llvm::SmallVectorImpl<int64_t> &biasEff);

/// Requantization tables re-expressed for the Arm DSP/Helium kernels'
/// 5-instruction requantization (emlc_requantize_dsp, targets/arm-dsp).
struct DSPRequant {
  llvm::SmallVector<int64_t> mult, shift, bias;
};
/// The DSP tables of a layer, when every channel fits (see the definition); else none.
std::optional<DSPRequant> fitForDSPRequantization(llvm::ArrayRef<int64_t> mult, llvm::ArrayRef<int64_t> shift,
                                                  llvm::ArrayRef<int64_t> biasEff, llvm::ArrayRef<int64_t> weights,
                                                  int64_t outOff, int64_t lo, int64_t hi);

// --- Convolution geometry ----------------------------------------------------------

/// An nn.conv2d's shapes (NCHW input x, weight w [M][C/g][KH][KW], output y),
/// strides, dilations and pads.
struct ConvShape {
  explicit ConvShape(nn::Conv2DOp c);
  llvm::SmallVector<int64_t> x, w, y, st, dl, pads;
  int64_t groups;
  /// One input channel per group and as many outputs as inputs.
  bool depthwise() const { return groups == x[1] && w[0] == x[1] && w[1] == 1; }
  /// 1x1 without padding (its input pixels are x's own, possibly strided).
  bool unpadded1x1() const;
  /// ... and stride 1: every output pixel reads its own input pixel (the kernels' `direct` mode).
  bool direct1x1() const { return unpadded1x1() && st[0] == 1 && st[1] == 1; }
  /// The arguments most convolution kernels start with:
  /// N C H W M KH KW OH OW sh sw dh dw pt pl.
  llvm::SmallVector<mlir::Attribute> windowArgs(KernelLowering &k) const;
};

/// Offset of each tap (c, ky, kx) of a window from its origin in an NCHW
/// input of H x W planes: the im2col kernels' `taps`.
llvm::SmallVector<int64_t> windowTaps(int64_t C, int64_t KH, int64_t KW, int64_t H, int64_t W,
                                      llvm::ArrayRef<int64_t> dilations);

/// Geometry of the padded, column-phase-split input copy the strided float
/// kernels read (pad_phase_f32): rows, row width, and tap offsets.
struct PhaseSplit {
  int64_t Hp, Wq;
  llvm::SmallVector<int64_t> taps; ///< offset of (c, ky, kx) from an output's first input
};
PhaseSplit phaseSplit(int64_t C, int64_t KH, int64_t KW, int64_t OH, int64_t OW, llvm::ArrayRef<int64_t> strides,
                      llvm::ArrayRef<int64_t> dilations);

/// Float weights [M][K] regrouped in blocks of `block` rows, K-major inside,
/// [ceil(M/block)][K][block], zero rows completing M (the blocked GEMM tiles).
std::vector<float> packRowBlocksF32(mlir::DenseElementsAttr w, int64_t M, int64_t K, int64_t block);
/// Weights of `bits` < 8 bits (4: int4; 2: int2, ternary) packed 8 / bits
/// per byte, each of the `rows` rows of `perRow` starting on a byte, the
/// lowest bits first (targets/generic/kernels/lowbit.c, unpack_lowbit_impl).
std::vector<uint8_t> packLowBit(llvm::ArrayRef<int64_t> w, int64_t rows, int64_t perRow, int bits);

/// int8 weights as int16 tap pairs in blocks of 4 output channels (the x86
/// int8 convolutions' PMADDWD layout): per pair of taps (2k, 2k+1; K padded
/// to even with 0) a word of the two int16 values, [ceil(M/4)][ceil(K/2)][4].
llvm::SmallVector<int32_t> packTapPairsS16(llvm::ArrayRef<int64_t> w, int64_t M, int64_t K);

// --- Facts of the layer families with several variants ------------------------------

/// What the int8 layers with weights (convolution, fully connected) share:
/// TFLite's per-channel requantization and output clamp, and with constant
/// weights and bias (an absent bias as zeros) the input offset folded into
/// biasEff[m] = bias[m] + in_off * sum(w[m]), as the fast kernels take it.
struct QuantWeightsFacts {
  bool valid = false; ///< the types have an int8 kernel (see each family)
  int weightBits = 8; ///< storage bits of the weights: 8, or 4 / 2 (packed, lowbit kernels)
  llvm::SmallVector<int64_t> mult, shift;
  int64_t lo = 0, hi = 0, inOff = 0, outOff = 0;
  mlir::DenseElementsAttr weights, bias;
  std::vector<int64_t> wv;
  llvm::SmallVector<int64_t> biasEff;
  bool constant() const { return weights && bias; }
  /// The tables for the DSP requantization, when the layer fits it.
  const std::optional<DSPRequant> &dsp() const;

protected:
  /// Fills the members for a layer of `channels` outputs.
  void compute(mlir::Value input, mlir::Value weight, mlir::Value bias, mlir::Value output,
               std::optional<llvm::APFloat> actMin, std::optional<llvm::APFloat> actMax, int64_t channels);

private:
  mutable std::optional<std::optional<DSPRequant>> dspCache;
};

/// An int8 convolution.
struct QuantConvFacts : QuantWeightsFacts {
  explicit QuantConvFacts(Layer &l);
  mutable nn::Conv2DOp op; ///< a handle: its accessors are not const
  ConvShape s;
  bool depthwise3x3 = false, pointwise = false;
  /// The requantization tables and the output clamp, appended to `args`.
  llvm::SmallVector<mlir::Attribute> withRequant(KernelLowering &k, llvm::SmallVector<mlir::Attribute> args,
                                                 llvm::ArrayRef<int64_t> m, llvm::ArrayRef<int64_t> sh) const;
};

/// A float (or int32) convolution.
struct FloatConvFacts {
  explicit FloatConvFacts(Layer &l);
  mutable nn::Conv2DOp op; ///< a handle: its accessors are not const
  ConvShape s;
  mlir::Type elem;
  bool f32;                        ///< float32 data
  mlir::DenseElementsAttr weights; ///< null when not a constant
  mlir::Attribute lo, hi;          ///< the clamp as scalars of the element type
  /// The bias tensor (zeros when absent) and the output's buffer, created in
  /// that order as every float convolution kernel's lowering does.
  std::pair<mlir::Value, mlir::Value> biasAndOutput(Layer &l) const;
};

/// An int8 fully connected layer.
struct QuantFCFacts : QuantWeightsFacts {
  explicit QuantFCFacts(Layer &l);
  mutable nn::FullyConnectedOp op;
  llvm::SmallVector<int64_t> x, w;
};

/// An int8 (or int16) Add of equal shapes: TFLite's three requantizations
/// (left shift 20 for int8, 15 for int16). Every add kernel takes these arguments.
struct QuantAddFacts {
  explicit QuantAddFacts(Layer &l);
  bool valid; ///< Add of per-tensor quantized operands of equal shapes
  llvm::SmallVector<mlir::Attribute> args;
};

/// A layer with int16 activations and int8 weights (TFLite's 16x8 mode:
/// reference_integer_ops::ConvPerChannel / FullyConnected for int16 input,
/// int8 filter, int64 bias): TFLite's per-channel multipliers and shifts for
/// the int64 requantization, the output clamp, and the constant weights.
/// `error` says why a layer does not fit these kernels (empty when it does):
/// zero points other than 0, weights other than int8, a bias other than
/// int64, a requantization multiplier of 128 or more (TFLite's limit).
struct Int16WeightsFacts {
  std::string error;
  bool valid() const { return error.empty(); }
  llvm::SmallVector<int64_t> mult, shift;
  int64_t lo = 0, hi = 0;
  mlir::DenseElementsAttr weights; ///< null when not a constant
  std::vector<int64_t> wv;         ///< the constant weights' integers

protected:
  void compute(mlir::Value input, mlir::Value weight, mlir::Value bias, mlir::Value output,
               std::optional<llvm::APFloat> actMin, std::optional<llvm::APFloat> actMax, int64_t channels);
};

/// An int16 convolution.
struct Int16ConvFacts : Int16WeightsFacts {
  explicit Int16ConvFacts(Layer &l);
  mutable nn::Conv2DOp op;
  ConvShape s;
};

/// An int16 fully connected layer.
struct Int16FCFacts : Int16WeightsFacts {
  explicit Int16FCFacts(Layer &l);
  mutable nn::FullyConnectedOp op;
  llvm::SmallVector<int64_t> x, w;
};

} // namespace emlc

#endif
