//===- Fusion.cpp - activation fusion and BatchNorm folding -----------------===//

#include "dialects/NN/NNDialect.h"
#include "emlc/Support/ConstantUtils.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace emlc {
#define GEN_PASS_DEF_FUSEACTIVATIONS
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "emlc/Transforms/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;

namespace {

/// relu/clip(producer(x)) -> producer(x) with a clamp, when the producer has
/// this one use and no clamp yet.
struct FuseClamp : OpRewritePattern<nn::UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::UnaryOp u, PatternRewriter &rw) const override {
    float lo, hi;
    if (u.getKind() == nn::UnaryKind::relu)
      lo = 0.0f, hi = INFINITY;
    else if (u.getKind() == nn::UnaryKind::clip)
      lo = u.getAlpha().convertToFloat(), hi = u.getBeta().convertToFloat();
    else
      return rw.notifyMatchFailure(u, "not relu or clip");
    if (!u.getType().getElementType().isF32())
      return rw.notifyMatchFailure(u, "not float");
    Operation *p = u.getInput().getDefiningOp();
    if (!p || !u.getInput().hasOneUse())
      return rw.notifyMatchFailure(u, "producer has other uses");
    if (auto b = llvm::dyn_cast<nn::BinaryOp>(p)) {
      if (b.getKind() != nn::BinaryKind::add && b.getKind() != nn::BinaryKind::sub &&
          b.getKind() != nn::BinaryKind::mul)
        return rw.notifyMatchFailure(u, "binary kind has no clamp kernel");
    } else if (!llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(p)) {
      return rw.notifyMatchFailure(u, "producer cannot take a clamp");
    }
    if (p->hasAttr("act_min") || p->hasAttr("act_max"))
      return rw.notifyMatchFailure(u, "producer already clamped");
    rw.modifyOpInPlace(p, [&] {
      p->setAttr("act_min", rw.getF32FloatAttr(lo));
      p->setAttr("act_max", rw.getF32FloatAttr(hi));
    });
    rw.replaceOp(u, p->getResults());
    return success();
  }
};

/// clip(scast(producer(x))) on int8 storage (a quantized activation the QDQ
/// import turned into an integer clamp) -> the producer's output clamp
/// narrowed to it: clamping twice is clamping once to the intersection.
struct FuseStorageClamp : OpRewritePattern<nn::UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::UnaryOp u, PatternRewriter &rw) const override {
    if (u.getKind() != nn::UnaryKind::clip || !u.getType().getElementType().isInteger(8))
      return rw.notifyMatchFailure(u, "not an int8 storage clamp");
    auto cast = u.getInput().getDefiningOp<quant::StorageCastOp>();
    if (!cast || !u.getInput().hasOneUse())
      return rw.notifyMatchFailure(u, "not the only reader of a quantized value's storage");
    Operation *p = cast.getArg().getDefiningOp();
    auto q = llvm::dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(cast.getArg().getType()));
    if (!p || !q || !cast.getArg().hasOneUse())
      return rw.notifyMatchFailure(u, "the quantized value has other readers");
    auto b = llvm::dyn_cast<nn::BinaryOp>(p);
    if (!llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(p) &&
        !(b && (b.getKind() == nn::BinaryKind::add || b.getKind() == nn::BinaryKind::mul)))
      return rw.notifyMatchFailure(u, "producer has no integer output clamp");
    auto bound = [&](StringRef name, int64_t none) {
      auto a = p->getAttrOfType<FloatAttr>(name);
      return a ? (int64_t)a.getValueAsDouble() : none;
    };
    int64_t lo = std::max(bound("act_min", q.getStorageTypeMin()), (int64_t)u.getAlpha().convertToDouble());
    int64_t hi = std::min(bound("act_max", q.getStorageTypeMax()), (int64_t)u.getBeta().convertToDouble());
    if (lo > hi)
      return rw.notifyMatchFailure(u, "the two clamps do not overlap");
    rw.modifyOpInPlace(p, [&] {
      p->setAttr("act_min", rw.getF32FloatAttr((float)lo));
      p->setAttr("act_max", rw.getF32FloatAttr((float)hi));
    });
    rw.replaceOp(u, cast.getResult());
    return success();
  }
};

struct FuseActivationsPass : emlc::impl::FuseActivationsBase<FuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseClamp, FuseStorageClamp>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

/// Per-channel constant [C,1,1] (or [1,C,1,1]) values, if `v` is one.
std::optional<std::vector<float>> channelConstant(Value v, int64_t channels) {
  DenseElementsAttr c;
  if (!matchPattern(v, m_Constant(&c)) || !c.getElementType().isF32())
    return std::nullopt;
  auto shape = c.getType().getShape();
  int64_t nonUnit = 0;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != 1)
      ++nonUnit;
  // Must be [C, 1, 1] aligned to the channel axis of an NCHW tensor.
  if (c.getNumElements() != 1 && !(shape.size() >= 3 && shape[shape.size() - 3] == channels && nonUnit == 1))
    return std::nullopt;
  auto vals = floatValues(c);
  if (vals.size() == 1)
    vals.assign(channels, vals[0]);
  return vals;
}

/// conv -> mul(const) [-> add(const)] => conv with scaled weights and bias.
struct FoldScaleIntoConv : OpRewritePattern<nn::BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::BinaryOp op, PatternRewriter &rw) const override {
    auto conv = op.getLhs().getDefiningOp<nn::Conv2DOp>();
    if (!conv || !op.getLhs().hasOneUse() || conv.getActMin() || conv.getActMax())
      return rw.notifyMatchFailure(op, "not the only use of an unclamped conv");
    if (op.getType() != conv.getType())
      return rw.notifyMatchFailure(op, "broadcast changes the shape");
    int64_t m = conv.getWeight().getType().getDimSize(0);
    auto k = channelConstant(op.getRhs(), m);
    DenseElementsAttr w, bias;
    if (!k || !matchPattern(conv.getWeight(), m_Constant(&w)) ||
        (conv.getBias() && !matchPattern(conv.getBias(), m_Constant(&bias))))
      return rw.notifyMatchFailure(op, "operands are not constants");
    std::vector<float> wv = floatValues(w), bv = bias ? floatValues(bias) : std::vector<float>(m, 0.0f);
    int64_t per = wv.size() / m;
    if (op.getKind() == nn::BinaryKind::mul) {
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < per; ++j)
          wv[i * per + j] *= (*k)[i];
        bv[i] *= (*k)[i];
      }
    } else if (op.getKind() == nn::BinaryKind::add) {
      for (int64_t i = 0; i < m; ++i)
        bv[i] += (*k)[i];
    } else {
      return rw.notifyMatchFailure(op, "not mul or add");
    }
    Location loc = conv.getLoc();
    Value nw = rw.create<arith::ConstantOp>(loc, f32Constant(rw.getContext(), w.getType().getShape(), wv));
    Value nb = rw.create<arith::ConstantOp>(loc, f32Constant(rw.getContext(), {m}, bv));
    auto fused =
        rw.create<nn::Conv2DOp>(loc, conv.getType(), conv.getInput(), nw, nb, conv.getStridesAttr(),
                                conv.getDilationsAttr(), conv.getPadsAttr(), conv.getGroupsAttr(), nullptr, nullptr);
    // A folded BatchNorm's gamma stays with the conv (pruning's BatchNorm importance).
    if (Attribute gamma = op->getAttr("emlc.bn_gamma") ? op->getAttr("emlc.bn_gamma") : conv->getAttr("emlc.bn_gamma"))
      fused->setAttr("emlc.bn_gamma", gamma);
    rw.replaceOp(op, fused.getResult());
    rw.eraseOp(conv);
    return success();
  }
};

/// One value per output feature of a [M, N] fully connected result: a
/// constant [N], [1, N] (any leading ones) or a scalar, if `v` is one.
std::optional<std::vector<float>> featureConstant(Value v, int64_t n) {
  DenseElementsAttr c;
  if (!matchPattern(v, m_Constant(&c)) || !c.getElementType().isF32())
    return std::nullopt;
  auto shape = c.getType().getShape();
  if (c.getNumElements() != 1 && (shape.empty() || shape.back() != n || c.getNumElements() != n))
    return std::nullopt;
  auto vals = floatValues(c);
  if (vals.size() == 1)
    vals.assign(n, vals[0]);
  return vals;
}

/// add(fully_connected(x), const) (either operand order) => fully_connected
/// with the constant added to its bias: ONNX MatMul + Add, the bias of
/// PyTorch's and TensorFlow's exports of a dense layer without Gemm.
struct FoldBiasIntoFullyConnected : OpRewritePattern<nn::BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::BinaryOp op, PatternRewriter &rw) const override {
    if (op.getKind() != nn::BinaryKind::add)
      return rw.notifyMatchFailure(op, "not an add");
    bool lhs = op.getLhs().getDefiningOp<nn::FullyConnectedOp>() != nullptr;
    Value fcValue = lhs ? op.getLhs() : op.getRhs(), other = lhs ? op.getRhs() : op.getLhs();
    auto fc = fcValue.getDefiningOp<nn::FullyConnectedOp>();
    if (!fc || !fcValue.hasOneUse() || fc.getActMin() || fc.getActMax())
      return rw.notifyMatchFailure(op, "not the only use of an unclamped fully connected layer");
    if (op.getType() != fc.getType() || !fc.getType().getElementType().isF32())
      return rw.notifyMatchFailure(op, "not float, or the add broadcasts to another shape");
    int64_t n = fc.getType().getShape().back();
    auto k = featureConstant(other, n);
    DenseElementsAttr bias;
    if (!k || (fc.getBias() && !matchPattern(fc.getBias(), m_Constant(&bias))))
      return rw.notifyMatchFailure(op, "not one constant per output feature");
    std::vector<float> bv = bias ? floatValues(bias) : std::vector<float>(n, 0.0f);
    for (int64_t i = 0; i < n; ++i)
      bv[i] += (*k)[i];
    Value nb = rw.create<arith::ConstantOp>(fc.getLoc(), f32Constant(rw.getContext(), {n}, bv));
    auto fused = rw.create<nn::FullyConnectedOp>(fc.getLoc(), fc.getType(), fc.getInput(), fc.getWeight(), nb,
                                                 op.getActMinAttr(), op.getActMaxAttr());
    rw.replaceOp(op, fused.getResult());
    rw.eraseOp(fc);
    return success();
  }
};

struct FoldBatchNormPass : emlc::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldScaleIntoConv, FoldBiasIntoFullyConnected>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
