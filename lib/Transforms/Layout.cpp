//===- Layout.cpp - transposes that move no bytes; pads into convolutions ---===//
//
// A transpose whose permutation keeps the order of the non-unit axes moves
// no bytes (TensorFlow exports end their CNNs with NCHW -> NHWC of a 1x1
// plane before the classifier): it becomes nn.reshape, a view. Two
// transposes in a row become one, or none when they cancel. A zero Pad of
// the spatial axes before a float convolution becomes the convolution's own
// padding (no padded copy).
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/NNDialect.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace emlc {
#define GEN_PASS_DEF_ELIMINATETRANSPOSES
#define GEN_PASS_DEF_FOLDPADINTOCONV
#include "emlc/Transforms/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;

namespace {

/// transpose(x) that keeps the non-unit axes in order => reshape(x).
struct TransposeAsReshape : OpRewritePattern<nn::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::TransposeOp op, PatternRewriter &rw) const override {
    auto in = llvm::cast<ShapedType>(op.getInput().getType()).getShape();
    int64_t last = -1;
    for (int64_t axis : op.getPerm()) {
      if (in[axis] == 1)
        continue;
      if (axis < last)
        return rw.notifyMatchFailure(op, "moves a non-unit axis past another");
      last = axis;
    }
    rw.replaceOpWithNewOp<nn::ReshapeOp>(op, op.getOutput().getType(), op.getInput());
    return success();
  }
};

/// transpose(transpose(x, inner), outer) => transpose(x, inner[outer[i]]),
/// or x when that is the identity.
struct ComposeTransposes : OpRewritePattern<nn::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::TransposeOp op, PatternRewriter &rw) const override {
    auto inner = op.getInput().getDefiningOp<nn::TransposeOp>();
    if (!inner)
      return rw.notifyMatchFailure(op, "input is not a transpose");
    SmallVector<int64_t> perm;
    bool identity = true;
    for (int64_t axis : op.getPerm()) {
      perm.push_back(inner.getPerm()[axis]);
      identity &= perm.back() == (int64_t)perm.size() - 1;
    }
    if (identity)
      rw.replaceOp(op, inner.getInput());
    else
      rw.replaceOpWithNewOp<nn::TransposeOp>(op, op.getOutput().getType(), inner.getInput(),
                                             rw.getDenseI64ArrayAttr(perm));
    return success();
  }
};

/// conv2d(pad(x)) with zeros on H and W only => conv2d(x) with those pads
/// added to its own, when every output still reads a pixel of x (each side's
/// padding below the kernel's extent, as the kernels' window logic assumes).
struct FoldPadIntoConv : OpRewritePattern<nn::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::Conv2DOp conv, PatternRewriter &rw) const override {
    auto pad = conv.getInput().getDefiningOp<nn::PadOp>();
    if (!pad || pad.getMode() != "constant")
      return rw.notifyMatchFailure(conv, "input is not a constant pad");
    // A quantized conv pads with its input's zero point, not with zeros.
    if (!getElementTypeOrSelf(pad.getInput().getType()).isF32() || !pad.getValue().isZero())
      return rw.notifyMatchFailure(conv, "not a float pad with zeros");
    ArrayRef<int64_t> p = pad.getPads();
    if (p.size() != 8 || p[0] || p[1] || p[4] || p[5] || llvm::any_of(p, [](int64_t v) { return v < 0; }))
      return rw.notifyMatchFailure(conv, "pads the batch or channel axis, or crops");
    auto ws = llvm::cast<ShapedType>(conv.getWeight().getType()).getShape();
    ArrayRef<int64_t> dil = conv.getDilations();
    SmallVector<int64_t> pads(conv.getPads());
    int64_t extent[2] = {(ws[2] - 1) * dil[0] + 1, (ws[3] - 1) * dil[1] + 1};
    for (int i = 0; i < 2; ++i) {
      pads[i] += p[2 + i], pads[2 + i] += p[6 + i];
      if (pads[i] >= extent[i] || pads[2 + i] >= extent[i])
        return rw.notifyMatchFailure(conv, "padding as wide as the kernel: outputs of padding only");
    }
    rw.modifyOpInPlace(conv, [&] {
      conv.setPads(pads);
      conv.getInputMutable().assign(pad.getInput());
    });
    if (pad->use_empty())
      rw.eraseOp(pad);
    return success();
  }
};

struct FoldPadIntoConvPass : emlc::impl::FoldPadIntoConvBase<FoldPadIntoConvPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldPadIntoConv>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct EliminateTransposesPass : emlc::impl::EliminateTransposesBase<EliminateTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TransposeAsReshape, ComposeTransposes>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
