//===- CompilePasses.cpp - the compile pipeline's own passes --------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Pipeline/Passes.h"
#include "emlc/Pipeline/Pipeline.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include <map>

using namespace mlir;

namespace emlc {
#define GEN_PASS_DEF_WARNFLOATISLANDS
#define GEN_PASS_DEF_LOWERTOKERNEL
#include "emlc/Pipeline/Passes.h.inc"

namespace {

struct WarnFloatIslandsPass : impl::WarnFloatIslandsBase<WarnFloatIslandsPass> {
  void runOnOperation() override {
    std::map<std::string, int> ops; // sorted: the message is deterministic
    getOperation().walk([&](quant::QuantizeCastOp q) {
      // A qcast of a quantized value is a requantization (int8 <-> int16), no float.
      if (llvm::isa<quant::QuantizedType>(getElementTypeOrSelf(q.getArg().getType())))
        return;
      if (Operation *def = q.getArg().getDefiningOp())
        ops[def->getName().getStringRef().str()]++;
    });
    if (!ops.empty()) {
      std::string list;
      for (const auto &[name, n] : ops)
        list += (list.empty() ? "" : ", ") + name + " x" + std::to_string(n);
      emitWarning(getOperation().getLoc())
          << "these ops run in float between int8 ones (no int8 kernel for them yet): " << list;
    }
    markAllAnalysesPreserved();
  }
};

/// What a lowered module needs: its arena (RAM) and its weights (flash).
struct Footprint {
  int64_t arena = 0, weights = 0;
};

struct LowerToKernelPass : impl::LowerToKernelBase<LowerToKernelPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    // The nested pipeline's dialects must be loaded before it runs.
    OpPassManager pm(ModuleOp::getOperationName());
    buildLowering(pm, optimize);
    pm.getDependentDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The fallback starts again from the nn module: keep a copy while it may be needed.
    OwningOpRef<ModuleOp> nn;
    if (optimize == "speed" && (ramLimit >= 0 || flashLimit >= 0))
      nn = module.clone();
    if (failed(lower(module, optimize)))
      return signalPassFailure();
    Footprint fast = footprint(module);
    bool overRAM = ramLimit >= 0 && fast.arena > ramLimit, overFlash = flashLimit >= 0 && fast.weights > flashLimit;
    if (!nn || (!overRAM && !overFlash))
      return;
    module.getBody()->clear();
    module.getBody()->getOperations().splice(module.getBody()->end(), nn->getBody()->getOperations());
    module->setAttrs((*nn)->getAttrDictionary());
    if (failed(lower(module, "size")))
      return signalPassFailure();
    Footprint small = footprint(module);
    if ((ramLimit >= 0 && small.arena > ramLimit) || (flashLimit >= 0 && small.weights > flashLimit))
      return; // over budget either way: the driver refuses it with the numbers
    // RAM is checked first, as the refusal does.
    if (overRAM)
      emitWarning(module.getLoc()) << "the fastest kernels need " << fast.arena
                                   << " bytes of arena, over --ram-limit: used the smallest kernels (" << small.arena
                                   << " bytes) instead";
    else
      emitWarning(module.getLoc()) << "the fastest kernels need " << fast.weights
                                   << " bytes of weights, over their flash budget (--flash-limit less the code, or "
                                      "--weights-limit): used the smallest kernels ("
                                   << small.weights << " bytes) instead";
  }

private:
  void buildLowering(OpPassManager &pm, StringRef kernels) const { buildKernelLoweringPipeline(pm, kernels); }

  LogicalResult lower(ModuleOp module, StringRef kernels) {
    OpPassManager pm(ModuleOp::getOperationName());
    buildLowering(pm, kernels);
    if (failed(runPipeline(pm, module)))
      return failure();
    module->setAttr("emlc.optimize", StringAttr::get(module.getContext(), kernels));
    return success();
  }

  static Footprint footprint(ModuleOp module) {
    Footprint f;
    if (auto a = module->getAttrOfType<IntegerAttr>("emlc.arena_size"))
      f.arena = a.getInt();
    for (auto g : module.getOps<memref::GlobalOp>())
      f.weights += kernel::bufferBytes(g.getType());
    return f;
  }
};

} // namespace
} // namespace emlc
