//===- PTQ.cpp - post-training int8 quantization of nn-level models -------===//
//
// Three steps (see PTQ.h): observe activation ranges by running the float
// graph over the calibration set; rewrite the graph onto quantized types;
// measure each layer's SQNR against the float graph on the same samples.
//
// Choices, as TFLite's converter makes them so the integer kernels are the
// ones the QDQ/QOperator flows use:
//   - activations: int8, asymmetric per tensor, range widened to include 0;
//   - weights: int8 in [-127, 127], symmetric per output channel;
//   - bias: int32 in units of input scale x weight scale;
//   - pooling, reshape, transpose keep their input's parameters; Softmax
//     and Sigmoid output scale 1/256, zero point -128, Tanh 1/128 and 0;
//     fused ReLU/Clip clamp in storage.
//
//===----------------------------------------------------------------------===//

#include "emlc/Quantization/PTQ.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Quantization/ErrorFeedback.h"
#include "emlc/Quantization/Passes.h"
#include "emlc/Quantization/Precision.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

using namespace mlir;

namespace emlc {
namespace {

//===--- Ranges ----------------------------------------------------------------===//

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  std::vector<int64_t> histogram; ///< over [lo, hi], for the percentile method
  int64_t count = 0;
};
constexpr int kBins = 2048;

void observeMinMax(Range &r, const Tensor &t) {
  for (float v : t.data)
    if (std::isfinite(v))
      r.lo = std::min(r.lo, (double)v), r.hi = std::max(r.hi, (double)v);
}
void observeHistogram(Range &r, const Tensor &t) {
  if (r.histogram.empty())
    r.histogram.assign(kBins, 0);
  double width = (r.hi - r.lo) / kBins;
  for (float v : t.data) {
    if (!std::isfinite(v))
      continue;
    int64_t b = width > 0 ? (int64_t)((v - r.lo) / width) : 0;
    ++r.histogram[std::min<int64_t>(std::max<int64_t>(b, 0), kBins - 1)];
    ++r.count;
  }
}
/// Drops (100 - percentile)% of the values at each end of the histogram.
void clipToPercentile(Range &r, double percentile) {
  if (r.histogram.empty() || r.count == 0)
    return;
  int64_t drop = (int64_t)std::floor(r.count * (100.0 - percentile) / 100.0);
  double width = (r.hi - r.lo) / kBins;
  int64_t seen = 0, first = 0, last = kBins - 1;
  for (; first < kBins - 1 && seen + r.histogram[first] <= drop; ++first)
    seen += r.histogram[first];
  seen = 0;
  for (; last > first && seen + r.histogram[last] <= drop; --last)
    seen += r.histogram[last];
  double lo = r.lo + first * width, hi = r.lo + (last + 1) * width;
  r.lo = lo, r.hi = hi;
}

//===--- Quantized types ------------------------------------------------------===//

/// Signed int8 storage with one scale and zero point.
quant::UniformQuantizedType int8Grid(MLIRContext *ctx, double scale, int64_t zp) {
  return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
                                          Float32Type::get(ctx), scale, zp, -128, 127);
}

/// int16 activations, TFLite's 16x8: symmetric (zero point 0) over the range.
quant::UniformQuantizedType int16Type(MLIRContext *ctx, double lo, double hi) {
  double amax = std::max({std::fabs(lo), std::fabs(hi), 1e-6});
  return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed, IntegerType::get(ctx, 16),
                                          Float32Type::get(ctx), (double)(float)(amax / 32767.0), 0, -32768, 32767);
}

quant::UniformQuantizedType activationType(MLIRContext *ctx, double lo, double hi) {
  lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  if (!(hi - lo > 1e-12)) // an all-zero tensor: any positive scale
    hi = lo + 1e-6;
  double scale = (float)((hi - lo) / 255.0);
  int64_t zp = (int64_t)std::llround(-128.0 - lo / scale);
  return int8Grid(ctx, scale, std::min<int64_t>(std::max<int64_t>(zp, -128), 127));
}

class Quantizer {
public:
  /// `precisions`: weight precision per layer tag (emlc.ptq_id); int8 when absent.
  Quantizer(func::FuncOp fn, DenseMap<Value, Range> &ranges, const std::map<int64_t, WeightPrecision> &precisions,
            WeightQuantizer &weights, std::set<int64_t> keepFloat = {}, std::set<int64_t> int16 = {})
      : fn(fn), b(fn.getContext()), ranges(ranges), precisions(precisions), weights(weights),
        keepFloat(std::move(keepFloat)), int16(std::move(int16)) {}

  void run(bool int8IO);

private:
  func::FuncOp fn;
  OpBuilder b;
  DenseMap<Value, Range> &ranges;
  const std::map<int64_t, WeightPrecision> &precisions;
  WeightQuantizer &weights;
  std::set<int64_t> keepFloat;                     ///< layer tags that stay float
  std::set<int64_t> int16;                         ///< layer tags with int16 activations (16x8)
  WeightPrecision current = WeightPrecision::Int8; ///< of the layer being quantized
  int64_t currentId = -1;
  DenseMap<Value, Value> quantized;   ///< float value -> its quantized twin (int8, or int16 from a 16x8 layer)
  DenseMap<Value, Value> requantized; ///< float value -> its twin requantized to the other width
  DenseMap<Value, Value> dequantized;
  llvm::SmallPtrSet<Operation *, 32> replaced;

  MLIRContext *ctx() { return fn.getContext(); }
  Type typeFor(Value v) {
    Range &r = ranges[v];
    if (r.lo > r.hi) // not observed: a constant operand
      if (auto c = v.getDefiningOp<arith::ConstantOp>())
        if (auto a = llvm::dyn_cast<DenseElementsAttr>(c.getValue()); a && llvm::isa<FloatType>(a.getElementType()))
          for (const APFloat &x : a.getValues<APFloat>())
            r.lo = std::min(r.lo, x.convertToDouble()), r.hi = std::max(r.hi, x.convertToDouble());
    return activationType(ctx(), r.lo, r.hi);
  }
  static RankedTensorType withElem(Value v, Type e) { return llvm::cast<RankedTensorType>(v.getType()).clone(e); }
  static Type elemOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()).getElementType(); }

  /// The quantized twin of `v` at `bits` (8 or 16): a requantize of the twin
  /// at the other width where the producer made that one.
  Value quantOf(Value v, unsigned bits = 8) {
    // A float value nobody quantized yet goes straight onto the grid asked for.
    Value q = twinOf(v, [&] { return bits == 16 ? int16For(v) : typeFor(v); });
    if (isInt16Type(elemOf(q)) == (bits == 16))
      return q;
    if (auto it = requantized.find(v); it != requantized.end())
      return it->second;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(q);
    Type t = bits == 16 ? int16For(v) : typeFor(v);
    return requantized[v] = b.create<quant::QuantizeCastOp>(v.getLoc(), withElem(v, t), q);
  }
  /// The quantized twin of `v`, created on `type()` after v's definition when there is none.
  Value twinOf(Value v, llvm::function_ref<Type()> type) {
    if (auto it = quantized.find(v); it != quantized.end())
      return it->second;
    OpBuilder::InsertionGuard g(b);
    if (Operation *def = v.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(&fn.front());
    return quantized[v] = b.create<quant::QuantizeCastOp>(v.getLoc(), withElem(v, type()), v);
  }
  Type int16For(Value v) { return int16Type(ctx(), ranges[v].lo, ranges[v].hi); }
  Value floatOf(Value v) {
    if (!v.getDefiningOp() || !replaced.contains(v.getDefiningOp()))
      return v;
    if (auto it = dequantized.find(v); it != dequantized.end())
      return it->second;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(quantized[v]);
    return dequantized[v] = b.create<quant::DequantizeCastOp>(v.getLoc(), v.getType(), quantized[v]);
  }
  /// A fused activation's float bounds as storage units of `t`.
  std::pair<FloatAttr, FloatAttr> storageClamp(std::optional<APFloat> lo, std::optional<APFloat> hi, Type t) {
    auto q = llvm::cast<quant::UniformQuantizedType>(t);
    double qmin = (double)q.getStorageTypeMin(), qmax = (double)q.getStorageTypeMax();
    auto conv = [&](std::optional<APFloat> v) -> FloatAttr {
      if (!v)
        return {};
      double s = v->convertToDouble() / q.getScale() + (double)q.getZeroPoint(); // may be +-inf
      return b.getF32FloatAttr((float)std::round(std::min(qmax, std::max(qmin, s))));
    };
    return {conv(lo), conv(hi)};
  }
  /// A channel whose weights are tiny next to its bias (a nearly dead filter)
  /// needs a huge bias at their scale: PTQ used to saturate it at int32, a
  /// wrong constant output, and every kernel's sums could overflow. Where the
  /// bias would exceed 2^29 (2^61 for int16 layers' int64 biases), the
  /// channel's scale grows until it is 2^29 (TFLite's converter adjusts
  /// weight scales for biases too); its weights, far below the new scale,
  /// round to a few levels or zero. Returns a copy of `q` with such channels
  /// rescaled, or none when every bias fits (the cached weights serve as they are).
  static std::optional<ChannelQuantized> fitBiases(const ChannelQuantized &q, DenseElementsAttr w,
                                                   DenseElementsAttr bias, double sIn, unsigned biasBits) {
    const double quarter = std::ldexp(1.0, biasBits - 3);
    const int64_t n = (int64_t)q.scales.size(), inner = n ? w.getNumElements() / n : 0;
    std::optional<ChannelQuantized> fitted;
    std::vector<double> wf;
    int64_t c = 0;
    for (const APFloat &x : bias.getValues<APFloat>()) {
      const double b = std::fabs(x.convertToDouble()), scale = b / (sIn * quarter);
      if (c < n && scale > q.scales[c]) {
        if (!fitted) {
          fitted = q;
          for (const APFloat &v : w.getValues<APFloat>())
            wf.push_back(v.convertToDouble());
        }
        fitted->scales[c] = scale; // above max|w| / the precision's largest level: no clamping
        for (int64_t i = c * inner; i < (c + 1) * inner; ++i)
          fitted->values[i] = (int64_t)std::round(wf[i] / scale);
      }
      ++c;
    }
    return fitted;
  }
  /// Weights and bias of a conv/fully connected layer as integer constants.
  std::pair<Value, Value> layerConstants(Location loc, Value weight, Value bias, Type inType) {
    auto wc = llvm::cast<DenseElementsAttr>(weight.getDefiningOp<arith::ConstantOp>().getValue());
    const ChannelQuantized &cached = weights.get(currentId, wc, current);
    std::optional<ChannelQuantized> fitted;
    if (bias)
      fitted = fitBiases(cached, wc, llvm::cast<DenseElementsAttr>(bias.getDefiningOp<arith::ConstantOp>().getValue()),
                         llvm::cast<quant::UniformQuantizedType>(inType).getScale(), isInt16Type(inType) ? 64 : 32);
    const ChannelQuantized &q = fitted ? *fitted : cached;
    unsigned bits = storageBits(current);
    SmallVector<APInt> ints;
    for (int64_t v : q.values)
      ints.push_back(APInt(bits, (uint64_t)v, /*isSigned=*/true));
    auto storage = RankedTensorType::get(wc.getType().getShape(), IntegerType::get(ctx(), bits));
    Value w = b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(storage, ints));
    w = b.create<quant::StorageCastOp>(loc, storage.clone(weightType(ctx(), current, q.scales)), w);
    if (!bias)
      return {w, Value()};
    double sIn = llvm::cast<quant::UniformQuantizedType>(inType).getScale();
    auto bc = llvm::cast<DenseElementsAttr>(bias.getDefiningOp<arith::ConstantOp>().getValue());
    unsigned biasBits = isInt16Type(inType) ? 64 : 32; // TFLite's 16x8 layers take int64 biases
    double bmax = std::ldexp(1.0, biasBits - 1);
    SmallVector<APInt> vals;
    int64_t c = 0;
    for (const APFloat &x : bc.getValues<APFloat>()) {
      double r = std::round(x.convertToDouble() / (sIn * q.scales[c++]));
      vals.push_back(APInt(biasBits, (uint64_t)(int64_t)std::min(bmax - 1, std::max(-bmax, r)), true));
    }
    auto bt = RankedTensorType::get(bc.getType().getShape(), IntegerType::get(ctx(), biasBits));
    return {w, b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(bt, vals))};
  }
  static bool isInt16Type(Type t) { return llvm::cast<quant::QuantizedType>(t).getStorageTypeIntegralWidth() == 16; }
  /// The output type of a layer: int8, or int16 for a 16x8 layer.
  Type outputType(Value r) { return int16.count(currentId) ? int16For(r) : typeFor(r); }
  unsigned inputBits() const { return int16.count(currentId) ? 16 : 8; }
  /// The width an op that moves values without arithmetic (pooling, reshape, transpose) runs at: int16 when
  /// every consumer of its result is an int16 layer and its input is int16 already or not quantized yet (the
  /// float graph input), so an int16 chain is not cut to int8 between two int16 layers; else int8.
  unsigned passThroughBits(Value in, Value result) {
    auto it = quantized.find(in);
    if (it != quantized.end() && !isInt16Type(elemOf(it->second)))
      return 8;
    bool wide = !result.use_empty() && llvm::all_of(result.getUsers(), [&](Operation *user) {
      auto id = user->getAttrOfType<IntegerAttr>("emlc.ptq_id");
      return id && int16.count(id.getInt()) && isa<nn::Conv2DOp, nn::FullyConnectedOp>(user) &&
             user->getOperand(0) == result;
    });
    return wide ? 16 : 8;
  }
  static bool isConstantF32(Value v) {
    auto c = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
    return c && llvm::isa<DenseElementsAttr>(c.getValue()) && elemOf(v).isF32();
  }
  Value quantize(Operation *op);
};

/// The quantized version of `op` (created before it), or null when it stays float.
Value Quantizer::quantize(Operation *op) {
  if (op->getNumResults() != 1 || !elemOf(op->getResult(0)).isF32())
    return {};
  Value r = op->getResult(0);
  Location loc = op->getLoc();
  current = WeightPrecision::Int8, currentId = -1;
  if (auto id = op->getAttrOfType<IntegerAttr>("emlc.ptq_id")) {
    currentId = id.getInt();
    if (keepFloat.count(currentId))
      return {};
    if (auto it = precisions.find(currentId); it != precisions.end())
      current = it->second;
  }
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](nn::Conv2DOp c) -> Value {
        if (!isConstantF32(c.getWeight()) || (c.getBias() && !isConstantF32(c.getBias())))
          return {};
        Value x = quantOf(c.getInput(), inputBits());
        auto [w, bias] = layerConstants(loc, c.getWeight(), c.getBias(), elemOf(x));
        Type out = outputType(r);
        auto [lo, hi] = storageClamp(c.getActMin(), c.getActMax(), out);
        return b.create<nn::Conv2DOp>(loc, withElem(r, out), x, w, bias, c.getStridesAttr(), c.getDilationsAttr(),
                                      c.getPadsAttr(), c.getGroupsAttr(), lo, hi);
      })
      .Case([&](nn::FullyConnectedOp f) -> Value {
        if (!isConstantF32(f.getWeight()) || (f.getBias() && !isConstantF32(f.getBias())))
          return {};
        Value x = quantOf(f.getInput(), inputBits());
        auto [w, bias] = layerConstants(loc, f.getWeight(), f.getBias(), elemOf(x));
        Type out = outputType(r);
        auto [lo, hi] = storageClamp(f.getActMin(), f.getActMax(), out);
        return b.create<nn::FullyConnectedOp>(loc, withElem(r, out), x, w, bias, lo, hi);
      })
      .Case([&](nn::UnaryOp u) -> Value {
        bool sig = u.getKind() == nn::UnaryKind::sigmoid;
        if (!sig && u.getKind() != nn::UnaryKind::tanh)
          return {};
        Value x = quantOf(u.getInput());
        Type out = sig ? int8Grid(ctx(), 1.0 / 256, -128) : int8Grid(ctx(), 1.0 / 128, 0);
        return b.create<nn::UnaryOp>(loc, withElem(r, out), u.getKindAttr(), x, u.getAlphaAttr(), u.getBetaAttr());
      })
      .Case([&](nn::BinaryOp a) -> Value {
        if ((a.getKind() != nn::BinaryKind::add && a.getKind() != nn::BinaryKind::mul) ||
            a.getLhs().getType() != r.getType() || a.getRhs().getType() != r.getType())
          return {};
        Value l = quantOf(a.getLhs()), rr = quantOf(a.getRhs());
        Type out = typeFor(r);
        auto [lo, hi] = storageClamp(a.getActMin(), a.getActMax(), out);
        return b.create<nn::BinaryOp>(loc, withElem(r, out), a.getKindAttr(), l, rr, lo, hi);
      })
      .Case([&](nn::Pool2DOp p) -> Value {
        if (p.getKind() == nn::PoolKind::avg && p.getCountIncludePad() &&
            llvm::any_of(p.getPads(), [](int64_t v) { return v != 0; }))
          return {};
        Value x = quantOf(p.getInput(), passThroughBits(p.getInput(), r));
        return b.create<nn::Pool2DOp>(loc, withElem(r, elemOf(x)), p.getKindAttr(), x, p.getKernelAttr(),
                                      p.getStridesAttr(), p.getDilationsAttr(), p.getPadsAttr(),
                                      p.getCountIncludePadAttr());
      })
      .Case([&](nn::ReduceOp red) -> Value {
        auto axes = red.getAxes();
        int64_t rank = llvm::cast<RankedTensorType>(red.getInput().getType()).getRank();
        bool trailing = !axes.empty() && axes.back() == rank - 1;
        for (size_t i = 1; i < axes.size(); ++i)
          trailing &= axes[i] == axes[i - 1] + 1;
        if (red.getKind() != nn::ReduceKind::mean || !trailing)
          return {};
        Value x = quantOf(red.getInput());
        return b.create<nn::ReduceOp>(loc, withElem(r, elemOf(x)), red.getKindAttr(), x, red.getAxesAttr());
      })
      .Case([&](nn::ReshapeOp s) -> Value {
        Value x = quantOf(s.getInput(), passThroughBits(s.getInput(), r));
        return b.create<nn::ReshapeOp>(loc, withElem(r, elemOf(x)), x);
      })
      .Case([&](nn::TransposeOp t) -> Value {
        Value x = quantOf(t.getInput(), passThroughBits(t.getInput(), r));
        return b.create<nn::TransposeOp>(loc, withElem(r, elemOf(x)), x, t.getPermAttr());
      })
      .Case([&](nn::SoftmaxOp s) -> Value {
        int64_t rank = llvm::cast<RankedTensorType>(r.getType()).getRank();
        if (s.getLog() || (int64_t)s.getAxis() != rank - 1)
          return {};
        Value x = quantOf(s.getInput());
        Type out = int8Grid(ctx(), 1.0 / 256, -128);
        return b.create<nn::SoftmaxOp>(loc, withElem(r, out), x, s.getAxisAttr(), s.getLogAttr());
      })
      .Default([](Operation *) { return Value(); });
}

void Quantizer::run(bool int8IO) {
  SmallVector<Operation *> ops;
  for (Operation &op : fn.front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (llvm::isa<arith::ConstantOp>(op))
      continue;
    b.setInsertionPoint(op);
    if (auto ret = llvm::dyn_cast<func::ReturnOp>(op)) {
      for (OpOperand &o : ret->getOpOperands()) {
        Value v = o.get();
        if (int8IO) {
          Value q = quantOf(v);
          o.set(b.create<quant::StorageCastOp>(ret.getLoc(), withElem(v, IntegerType::get(ctx(), 8)), q));
        } else {
          o.set(floatOf(v));
        }
      }
      continue;
    }
    if (Value q = quantize(op)) {
      if (auto id = op->getAttr("emlc.ptq_id"))
        q.getDefiningOp()->setAttr("emlc.ptq_id", id);
      quantized[op->getResult(0)] = q;
      replaced.insert(op);
      continue;
    }
    for (OpOperand &o : op->getOpOperands())
      o.set(floatOf(o.get()));
  }
  if (int8IO) {
    // Inputs arrive as int8 storage of the calibrated input grid.
    b.setInsertionPointToStart(&fn.front());
    for (BlockArgument a : fn.getArguments()) {
      if (!elemOf(a).isF32())
        continue;
      Value q = quantOf(a);
      Operation *qcast = q.getDefiningOp();
      a.setType(withElem(a, IntegerType::get(ctx(), 8)));
      b.setInsertionPointAfter(qcast);
      Value s = b.create<quant::StorageCastOp>(a.getLoc(), q.getType(), a);
      Value f = b.create<quant::DequantizeCastOp>(a.getLoc(), withElem(a, b.getF32Type()), s);
      q.replaceAllUsesWith(s);
      qcast->erase();
      a.replaceUsesWithIf(f, [&](OpOperand &u) { return u.getOwner() != s.getDefiningOp(); });
      quantized[a] = s;
    }
    auto ret = llvm::cast<func::ReturnOp>(fn.front().getTerminator());
    fn.setType(FunctionType::get(ctx(), fn.front().getArgumentTypes(), ret.getOperandTypes()));
  }
  for (Operation *op : llvm::reverse(ops))
    if (replaced.contains(op) && op->use_empty())
      op->erase();
  // Float values nobody reads any more (a dequantized copy replaced them).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(fn.front())))
    if (!op.hasTrait<OpTrait::IsTerminator>() && op.use_empty() &&
        (llvm::isa<arith::ConstantOp, quant::QuantizeCastOp, quant::DequantizeCastOp>(op)))
      op.erase();
}

/// The grid of an int8 storage value at the int8 boundary: the quantized type
/// its quant.scast converts from or to.
quant::UniformQuantizedType gridOfStorage(Value v) {
  Operation *cast = v.getDefiningOp<quant::StorageCastOp>();
  if (!cast)
    for (Operation *u : v.getUsers())
      if (llvm::isa<quant::StorageCastOp>(u))
        cast = u;
  Value q = cast->getOperand(0) == v ? cast->getResult(0) : cast->getOperand(0);
  return llvm::cast<quant::UniformQuantizedType>(llvm::cast<ShapedType>(q.getType()).getElementType());
}

bool fail(PTQResult &r, const std::string &msg) {
  r.error = msg;
  return false;
}
} // namespace

namespace {
/// The function PTQ works on: `@main` of a float model with one float input.
func::FuncOp quantizableMain(ModuleOp module, const PTQOptions &opts, PTQResult &res) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  std::string why;
  if (!fn)
    why = "no main function";
  else if (fn.getNumArguments() != 1)
    why = "needs a float model with one float32 input (this one has " + std::to_string(fn.getNumArguments()) +
          " inputs: fix the others with --input-value NAME=FILE.pb)";
  else if (Type e = llvm::cast<ShapedType>(fn.getArgument(0).getType()).getElementType(); !e.isF32()) {
    std::string t;
    llvm::raw_string_ostream os(t);
    os << e;
    why = "needs a float32 model input (this one's is " + t +
          (e.isInteger(8) ? ": the model is already quantized, so compile it without --quantize and --precision; "
                            "to quantize it with emlc, export it in float32)"
                          : ": export the model in float32)");
  } else if (opts.method != "minmax" && opts.method != "percentile")
    why = "unknown calibration method '" + opts.method + "' (minmax or percentile)";
  if (why.empty())
    return fn;
  fail(res, why);
  return {};
}

/// Step 1: the range of the graph input and of every op result over the
/// samples (a second run builds histograms for percentiles).
bool calibrate(func::FuncOp fn, const std::vector<Tensor> &batches, const PTQOptions &opts,
               DenseMap<Value, Range> &ranges, PTQResult &res) {
  Interpreter interp(fn);
  auto observeAll = [&](const std::string &what, bool histogram) {
    for (size_t i = 0; i < batches.size(); ++i) {
      std::vector<Tensor> outs;
      Range &in = ranges[fn.getArgument(0)];
      histogram ? observeHistogram(in, batches[i]) : observeMinMax(in, batches[i]);
      bool ok = interp.run({batches[i]}, outs, res.error, [&](Operation *op, unsigned r, const Tensor &t) {
        Range &rg = ranges[op->getResult(r)];
        histogram ? observeHistogram(rg, t) : observeMinMax(rg, t);
      });
      if (!ok)
        return false;
      if (opts.progress)
        opts.progress(what, (int64_t)i + 1, (int64_t)batches.size());
    }
    return true;
  };
  if (!observeAll("calibrating (min/max)", false))
    return fail(res, "calibration: " + res.error);
  if (opts.method == "percentile") {
    if (!observeAll("calibrating (histograms)", true))
      return fail(res, "calibration: " + res.error);
    for (auto &kv : ranges)
      clipToPercentile(kv.second, opts.percentile);
  }
  return true;
}

/// A copy of the float `fn` quantized with these precisions (the ranges carried over to the copy's values): a
/// plan evaluated in the interpreter without touching `fn`.
OwningOpRef<func::FuncOp> quantizedCopy(func::FuncOp fn, DenseMap<Value, Range> &ranges,
                                        const std::map<int64_t, WeightPrecision> &precisions, WeightQuantizer &weights,
                                        const std::set<int64_t> &keepFloat, const std::set<int64_t> &int16) {
  IRMapping map;
  OwningOpRef<func::FuncOp> copy(fn.clone(map));
  DenseMap<Value, Range> copied;
  for (auto &[v, r] : ranges)
    copied[map.lookupOrDefault(v)] = r;
  Quantizer(*copy, copied, precisions, weights, keepFloat, int16).run(false);
  return copy;
}

/// The arena a quantized nn function needs, estimated before lowering: the
/// peak over its ops of the bytes of the activations live there (from the op
/// defining them to their last use; weights, the caller's inputs and the
/// values returned are not in the arena; a reshape shares its input's buffer).
/// Kernel scratch and the planner's alignment come on top, so it is a
/// lower bound the compile's arena checks (compileWithinRam, Compiler.cpp).
int64_t liveActivationPeak(func::FuncOp fn) {
  auto bytes = [](Value v) {
    auto t = llvm::cast<ShapedType>(v.getType());
    Type e = t.getElementType();
    int64_t bits = 32;
    if (auto q = llvm::dyn_cast<quant::QuantizedType>(e))
      bits = q.getStorageTypeIntegralWidth();
    else if (e.isIntOrFloat())
      bits = e.getIntOrFloatBitWidth();
    return t.getNumElements() * ((bits + 7) / 8);
  };
  llvm::DenseSet<Value> constant;
  DenseMap<Value, Value> bufferOf; // an activation -> its buffer (a reshape views its input's)
  SmallVector<Value> buffers;
  DenseMap<Value, int64_t> defined, lastUse;
  int64_t step = 0;
  for (Operation &op : fn.front()) {
    ++step;
    for (Value v : op.getOperands())
      if (auto it = bufferOf.find(v); it != bufferOf.end())
        lastUse[it->second] = isa<func::ReturnOp>(op) ? -1 : std::max(lastUse[it->second], step);
    bool fromConstants =
        isa<arith::ConstantOp>(op) ||
        (op.getNumOperands() > 0 && llvm::all_of(op.getOperands(), [&](Value v) { return constant.contains(v); }));
    for (Value r : op.getResults()) {
      if (fromConstants)
        constant.insert(r);
      else if (isa<nn::ReshapeOp>(op) && bufferOf.count(op.getOperand(0)))
        bufferOf[r] = bufferOf[op.getOperand(0)];
      else
        bufferOf[r] = r, buffers.push_back(r), defined[r] = step, lastUse[r] = step;
    }
  }
  // A sweep over the steps: each buffer is live from its definition to its last use (a returned one is the
  // caller's output buffer, lastUse -1).
  std::vector<int64_t> delta(step + 2, 0);
  for (Value b : buffers)
    if (lastUse[b] >= 0)
      delta[defined[b]] += bytes(b), delta[lastUse[b] + 1] -= bytes(b);
  int64_t live = 0, peak = 0;
  for (int64_t at = 1; at <= step; ++at)
    peak = std::max(peak, live += delta[at]);
  return peak;
}

/// Step 3: SQNR of every layer (tagged `emlc.ptq_id` in both graphs) and of
/// every output of the quantized `fn` against the float `reference`, over the
/// first 64 samples. Sets `emlc.sqnr` on the layers and drops the tags.
bool measureSQNR(func::FuncOp fn, func::FuncOp reference, const std::vector<Tensor> &batches, const PTQOptions &opts,
                 PTQResult &res) {
  Interpreter ref(reference), quantized(fn);
  std::map<int64_t, std::pair<double, double>> layer; // id -> (signal, noise)
  std::vector<std::pair<double, double>> output;
  int64_t runs = std::min<int64_t>((int64_t)batches.size(), 64);
  // With --io=int8, inputs and outputs are integers on these grids.
  std::optional<quant::UniformQuantizedType> inGrid;
  std::vector<std::optional<quant::UniformQuantizedType>> outGrids(fn.getNumResults());
  if (opts.int8IO) {
    inGrid = gridOfStorage(fn.getArgument(0));
    auto ret = llvm::cast<func::ReturnOp>(fn.front().getTerminator());
    for (unsigned o = 0; o < ret.getNumOperands(); ++o)
      outGrids[o] = gridOfStorage(ret.getOperand(o));
  }
  auto idOf = [](Operation *op) {
    auto a = op->getAttrOfType<IntegerAttr>("emlc.ptq_id");
    return a ? a.getInt() : -1;
  };
  for (int64_t i = 0; i < runs; ++i) {
    std::map<int64_t, Tensor> want;
    std::vector<Tensor> wantOut, gotOut;
    bool ok = ref.run({batches[i]}, wantOut, res.error, [&](Operation *op, unsigned, const Tensor &t) {
      if (idOf(op) >= 0)
        want[idOf(op)] = t;
    });
    Tensor input = batches[i];
    if (ok && inGrid) // the quantized graph takes the input's integers
      for (float &v : input.data)
        v = (float)std::min(127.0, std::max(-128.0, std::round(v / inGrid->getScale()) + inGrid->getZeroPoint()));
    ok = ok && quantized.run({input}, gotOut, res.error, [&](Operation *op, unsigned, const Tensor &t) {
      auto it = want.find(idOf(op));
      if (it == want.end() || it->second.size() != t.size())
        return;
      auto &[signal, noise] = layer[it->first];
      for (int64_t k = 0; k < t.size(); ++k) {
        double f = it->second.data[k], d = f - t.data[k];
        signal += f * f, noise += d * d;
      }
    });
    if (!ok)
      return fail(res, "measuring the quantized model: " + res.error);
    output.resize(wantOut.size());
    for (size_t o = 0; o < wantOut.size(); ++o) {
      const auto &q = outGrids[o];
      for (int64_t k = 0; k < wantOut[o].size(); ++k) {
        double g = q ? (gotOut[o].data[k] - q->getZeroPoint()) * q->getScale() : gotOut[o].data[k];
        double f = wantOut[o].data[k], d = f - g;
        output[o].first += f * f, output[o].second += d * d;
      }
    }
    if (opts.progress)
      opts.progress("measuring SQNR", i + 1, runs);
  }
  fn.walk([&](Operation *op) {
    if (auto a = op->getAttrOfType<IntegerAttr>("emlc.ptq_id")) {
      if (auto it = layer.find(a.getInt()); it != layer.end())
        op->setAttr("emlc.sqnr",
                    FloatAttr::get(Float64Type::get(op->getContext()), sqnrDB(it->second.first, it->second.second)));
      op->removeAttr("emlc.ptq_id");
    }
  });
  for (auto &[signal, noise] : output)
    res.outputSQNR.push_back(sqnrDB(signal, noise));
  return true;
}
/// auto within an arena limit: the layers whose activations go to int16
/// (chooseWideActivations), measured on the samples the weights' search
/// measured on, with the quantized model against the float one.
bool chooseActivationWidths(func::FuncOp fn, DenseMap<Value, Range> &ranges, const std::vector<Tensor> &batches,
                            const PrecisionRequest &request, WeightQuantizer &weights, const ProgressFn &progress,
                            PrecisionChoice &choice, std::string &error) {
  // Under a latency limit only layers priced at int16 are candidates, each adding what int16 costs over int8;
  // an int16 layer's bias is int64 (TFLite's 16x8), 4 more bytes a channel within the weights' budget.
  bool timed = request.instructionLimit >= 0;
  std::vector<int64_t> candidates;
  std::vector<Operation *> ops;
  std::vector<double> extra;
  std::vector<int64_t> extraBytes;
  for (const WeightedLayer &l : weightedLayers(fn)) {
    if (request.pinned.count(l.name) || choice.floatIds.count(l.id) || choice.int16Ids.count(l.id) ||
        !choice.byId.count(l.id) || choice.byId.at(l.id) != WeightPrecision::Int8)
      continue;
    auto int16 = request.int16Instructions.find(l.name);
    auto int8 = request.layerInstructions.find(l.name);
    if (timed && (int16 == request.int16Instructions.end() || int8 == request.layerInstructions.end() ||
                  !int8->second.count(WeightPrecision::Int8)))
      continue;
    candidates.push_back(l.id), ops.push_back(l.op);
    extra.push_back(timed ? int16->second - int8->second.at(WeightPrecision::Int8) : 0);
    extraBytes.push_back(l.op->getNumOperands() > 2 && l.op->getOperand(2) ? 4 * l.rows : 0);
  }
  auto withinLimits = [&](const std::vector<size_t> &wide) {
    double instructions = choice.layerInstructions;
    int64_t bytes = choice.layerBytes + choice.otherBytes;
    for (size_t c : wide)
      instructions += extra[c], bytes += extraBytes[c];
    return (!timed || instructions <= request.instructionLimit) &&
           (request.flashLimit < 0 || bytes <= request.flashLimit);
  };
  // Producer-consumer pairs: a candidate's output read by another as input, directly or through ops that move
  // values without arithmetic (the quantizer keeps those at int16 between two int16 layers).
  std::vector<std::pair<size_t, size_t>> chains;
  for (size_t from = 0; from < ops.size(); ++from) {
    SmallVector<Value> frontier{ops[from]->getResult(0)};
    while (!frontier.empty()) {
      Value v = frontier.pop_back_val();
      for (Operation *user : v.getUsers()) {
        if (isa<nn::Pool2DOp, nn::ReshapeOp, nn::TransposeOp>(user))
          frontier.push_back(user->getResult(0));
        else if (auto it = llvm::find(ops, user); it != ops.end() && user->getOperand(0) == v)
          chains.push_back({from, (size_t)(it - ops.begin())});
      }
    }
  }
  size_t n = measuredBatches(request, batches);
  std::vector<Tensor> subset(batches.end() - n, batches.end());
  std::vector<std::vector<Tensor>> reference;
  if (!referenceOutputs(fn, subset, reference, error))
    return false;
  // The search asks for a set's arena and then its noise: the quantized copy of the last set is kept for both.
  std::vector<size_t> lastSet;
  OwningOpRef<func::FuncOp> last;
  auto quantized = [&](const std::vector<size_t> &wide) -> func::FuncOp {
    if (!last || wide != lastSet) {
      std::set<int64_t> int16 = choice.int16Ids;
      for (size_t c : wide)
        int16.insert(candidates[c]);
      last = quantizedCopy(fn, ranges, choice.byId, weights, choice.floatIds, int16), lastSet = wide;
    }
    return *last;
  };
  auto noiseOf = [&](const std::vector<size_t> &wide) {
    double noise = outputNoise(quantized(wide), subset, reference, error);
    return noise < 0 ? std::numeric_limits<double>::infinity() : noise;
  };
  auto arenaOf = [&](const std::vector<size_t> &wide) { return liveActivationPeak(quantized(wide)); };
  std::vector<size_t> wide =
      chooseWideActivations(candidates.size(), chains, noiseOf, arenaOf, request.arenaLimit, withinLimits, progress);
  if (!error.empty())
    return false;
  for (size_t c : wide) {
    choice.int16Ids.insert(candidates[c]);
    choice.layerBytes += extraBytes[c];
    if (timed)
      choice.layerInstructions += extra[c];
  }
  choice.arenaEstimate = arenaOf(wide);
  return true;
}

} // namespace

bool quantizeModule(ModuleOp module, const PTQOptions &opts, PTQResult &res) {
  func::FuncOp fn = quantizableMain(module, opts, res);
  if (!fn)
    return false;
  std::vector<Tensor> batches;
  auto inShape = llvm::cast<ShapedType>(fn.getArgument(0).getType()).getShape();
  if (!loadCalibrationSet(opts.calibrationPath, *module.getContext(),
                          std::vector<int64_t>(inShape.begin(), inShape.end()), batches, res.error))
    return false;
  res.samples = (int64_t)batches.size();
  // Layers are matched between the float and the quantized graph by a tag.
  int64_t id = 0;
  fn.walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "nn")
      op->setAttr("emlc.ptq_id", IntegerAttr::get(IntegerType::get(fn.getContext(), 64), id++));
  });
  // A request that cannot be met fails before the calibration, not after it.
  if (!checkPrecisionRequest(fn, opts.precision, !opts.labelsPath.empty(), res.error))
    return false;
  DenseMap<Value, Range> ranges;
  if (!calibrate(fn, batches, opts, ranges, res))
    return false;
  // The weights' precision per layer (uniform, pinned or searched); below
  // int8 they are rounded with error feedback through their inputs' moments,
  // from every sample (a fully connected layer sees one input row per sample,
  // and its K x K moments need many: their rank is at most the rows seen).
  // The search's estimates use weights fitted without the samples it
  // measures on (heldOut), so the feedback cannot flatter them.
  LayerMoments fitted, all;
  if (mayNarrow(opts.precision) && opts.precision.feedback) {
    size_t held = heldOut(opts.precision, batches);
    std::vector<Tensor> fit(batches.begin(), batches.end() - held), rest(batches.end() - held, batches.end());
    if (opts.progress)
      opts.progress("collecting layer inputs", 0, 1);
    std::vector<WeightedLayer> layers = weightedLayers(fn);
    if (!collectInputMoments(fn, layers, fit, 64, fitted, res.error) ||
        !collectInputMoments(fn, layers, rest, 64, all, res.error))
      return fail(res, "collecting layer inputs: " + res.error);
    addMoments(all, fitted);
    if (opts.progress)
      opts.progress("collecting layer inputs", 1, 1);
  }
  WeightQuantizer weights(&all), estimates(&fitted);
  // With labels: the top-1 of a plan is the whole model quantized with it, in the interpreter.
  PlanAccuracy accuracy;
  std::vector<int64_t> labels;
  if (!opts.labelsPath.empty()) {
    if (!loadLabels(opts.labelsPath, batches.size(), labels, res.error))
      return false;
    accuracy.floatAccuracy = topOneAccuracy(fn, batches, labels, res.error);
    accuracy.of = [&](const std::map<int64_t, WeightPrecision> &plan) {
      OwningOpRef<func::FuncOp> copy =
          quantizedCopy(fn, ranges, plan, weights, res.precision.floatIds, res.precision.int16Ids);
      std::string ignored;
      return topOneAccuracy(*copy, batches, labels, ignored);
    };
  }
  if (!choosePrecisions(fn, batches, opts.precision, estimates, accuracy, opts.progress, res.precision, res.error))
    return false;
  if (opts.precision.precision == "auto" && opts.precision.arenaLimit >= 0)
    if (!chooseActivationWidths(fn, ranges, batches, opts.precision, estimates, opts.progress, res.precision,
                                res.error))
      return false;
  if (accuracy.of && !res.precision.int16Ids.empty())
    res.precision.accuracy = accuracy.of(res.precision.byId);
  // Step 2: the quantized graph (the float one kept aside for the comparison).
  OwningOpRef<func::FuncOp> reference(fn.clone());
  Quantizer(fn, ranges, res.precision.byId, weights, res.precision.floatIds, res.precision.int16Ids).run(opts.int8IO);
  Builder b(fn.getContext());
  fn.walk([&](Operation *op) {
    if (auto id = op->getAttrOfType<IntegerAttr>("emlc.ptq_id"))
      if (auto it = res.precision.layerSQNR.find(id.getInt()); it != res.precision.layerSQNR.end())
        op->setAttr("emlc.predicted_sqnr", b.getF64FloatAttr(it->second));
  });
  return measureSQNR(fn, *reference, batches, opts, res);
}

//===--- The pass -------------------------------------------------------------===//

#define GEN_PASS_DEF_QUANTIZE
#include "emlc/Quantization/Passes.h.inc"

namespace {
struct QuantizePass : impl::QuantizeBase<QuantizePass> {
  using Base::Base;
  QuantizePass(const QuantizeOptions &options, ProgressFn progress) : Base(options), progress(std::move(progress)) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto failWith = [&](const std::string &msg) {
      emitError(module.getLoc()) << msg;
      signalPassFailure();
    };
    if (mode != "int8")
      return failWith("unknown quantization mode '" + mode + "' (int8)");
    if (io != "float" && io != "int8")
      return failWith("unknown io '" + io + "' (float or int8)");
    if (calibration.empty())
      return failWith("no calibration data (calibration=PATH: a .npy of samples, or a folder of .npy/.pb files)");
    PTQOptions opts;
    opts.calibrationPath = calibration;
    opts.method = method;
    opts.percentile = percentile;
    opts.int8IO = io == "int8";
    opts.progress = progress;
    opts.precision.precision = precision;
    opts.precision.flashLimit = flashLimit;
    opts.precision.search = search;
    opts.precision.samples = sensitivitySamples;
    opts.precision.maxAccuracyDrop = maxAccuracyDrop;
    opts.labelsPath = labels;
    if (weightRounding != "feedback" && weightRounding != "nearest")
      return failWith("unknown weight-rounding '" + weightRounding + "' (feedback or nearest)");
    opts.precision.feedback = weightRounding == "feedback";
    opts.precision.instructionLimit = instructionLimit;
    opts.precision.arenaLimit = arenaLimit;
    for (const std::string &priced : layerInstructions) {
      std::string why;
      if (!parseLayerInstructions(priced, opts.precision.layerInstructions, opts.precision.int16Instructions, why))
        return failWith("layer-instructions '" + priced + "': " + why);
    }
    for (const std::string &pin : layerPrecision) {
      size_t eq = pin.rfind('=');
      std::string why;
      std::optional<LayerPrecision> lp =
          eq == std::string::npos ? std::nullopt : parseLayerPrecision(pin.substr(eq + 1), why);
      if (!lp)
        return failWith("layer-precision '" + pin + "': " + (why.empty() ? "write NAME=w4a8" : why));
      if (lp->keepFloat) {
        opts.precision.floatLayers.insert(pin.substr(0, eq));
        continue;
      }
      opts.precision.pinned[pin.substr(0, eq)] = lp->weights;
      if (lp->activationBits == 16)
        opts.precision.int16Layers.insert(pin.substr(0, eq));
    }
    PTQResult res;
    if (!quantizeModule(module, opts, res))
      return failWith(res.error);
    // What the report and the driver show, kept with the module they describe.
    Builder b(module.getContext());
    SmallVector<Attribute> sqnr;
    for (double d : res.outputSQNR)
      sqnr.push_back(b.getF64FloatAttr(d));
    module->setAttr("emlc.quantization",
                    b.getDictionaryAttr({b.getNamedAttr("mode", b.getStringAttr("int8 post-training")),
                                         b.getNamedAttr("calibration_method", b.getStringAttr(method)),
                                         b.getNamedAttr("calibration_runs", b.getI64IntegerAttr(res.samples)),
                                         b.getNamedAttr("io", b.getStringAttr(io)),
                                         b.getNamedAttr("output_sqnr_db", b.getArrayAttr(sqnr)),
                                         b.getNamedAttr("precision", b.getStringAttr(precision))}));
    NamedAttrList all(module->getAttrOfType<DictionaryAttr>("emlc.quantization"));
    if (res.precision.accuracy >= 0) { // auto with labels: top-1 on the calibration set
      all.set("calibration_top1", b.getF64FloatAttr(res.precision.accuracy));
      all.set("float_calibration_top1", b.getF64FloatAttr(res.precision.floatAccuracy));
    }
    if (res.precision.arenaEstimate >= 0) { // auto chose activation widths within an arena limit
      all.set("int16_arena_limit", b.getI64IntegerAttr(arenaLimit));
      all.set("int16_arena_estimate", b.getI64IntegerAttr(res.precision.arenaEstimate));
    }
    module->setAttr("emlc.quantization", all.getDictionary(module.getContext()));
  }

  ProgressFn progress; ///< not an option: it observes, results do not depend on it
};
} // namespace

std::unique_ptr<Pass> createQuantize(const QuantizeOptions &options, ProgressFn progress) {
  return std::make_unique<QuantizePass>(options, std::move(progress));
}

} // namespace emlc
