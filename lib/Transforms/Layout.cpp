//===- Layout.cpp - transposes that move no bytes, and chains of them ------===//
//
// A transpose whose permutation keeps the order of the non-unit axes moves
// no bytes (TensorFlow exports end their CNNs with NCHW -> NHWC of a 1x1
// plane before the classifier): it becomes nn.reshape, a view. Two
// transposes in a row become one, or none when they cancel.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/NNDialect.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace emlc {
#define GEN_PASS_DEF_ELIMINATETRANSPOSES
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

struct EliminateTransposesPass : emlc::impl::EliminateTransposesBase<EliminateTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TransposeAsReshape, ComposeTransposes>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
