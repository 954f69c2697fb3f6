//===- PrunePass.cpp - the emlc-prune pass ---------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Pruning/Passes.h"
#include "emlc/Pruning/Prune.h"
#include "emlc/Quantization/PTQ.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "targets/Target.h"
#include "llvm/Support/FormatVariadic.h"
#include <cstdlib>

using namespace mlir;

namespace emlc {
#define GEN_PASS_DEF_PRUNE
#include "emlc/Pruning/Passes.h.inc"

/// The schedule's instruction estimate for the target's int8 kernels: the
/// target's calibrated cost model (target.json cost_per_mac, cost_per_output,
/// cost_per_patch of its conv/depthwise/fully connected variants; the
/// report's estimate, within 15% of QEMU on the shared models). The marginal
/// cost of a MAC is far below the average one where a layer's fixed work per
/// output (requantize, store) and per im2col element is large: what makes a
/// channel of an early, wide layer worth more than its MACs.
static LayerCostModel targetCostModel(ModuleOp module) {
  LayerCostModel m;
  const TargetInfo *t = kernel::getTarget(module);
  if (!t)
    return m;
  auto cost = [&](const std::map<std::string, double> &table, const char *role, double fallback) {
    auto it = table.find(t->variant(role));
    return it == table.end() ? fallback : it->second;
  };
  m.convPerMac = cost(t->costPerMac, "conv_s8", m.convPerMac);
  m.depthwisePerMac = cost(t->costPerMac, "dwconv3x3_s8", m.depthwisePerMac);
  m.fullyConnectedPerMac = cost(t->costPerMac, "fully_connected_s8", m.fullyConnectedPerMac);
  m.perOutput = cost(t->costPerOutput, "conv_s8", m.perOutput);
  m.perPatchElement = cost(t->costPerPatch, "conv_s8", m.perPatchElement);
  return m;
}

int64_t targetChannelMultiple(ModuleOp module) {
  const TargetInfo *t = kernel::getTarget(module);
  if (!t)
    return 4;
  auto fact = [&](const char *k) {
    auto it = t->isa.find(k);
    return it == t->isa.end() ? std::string() : it->second;
  };
  // Helium conv/fully connected kernels take 16 taps a VMLADAVA: a layer's taps (input channels x window) are
  // padded to a multiple of 16, none when its input channels are a multiple of 16 (groups narrower than 64
  // take smaller steps, PruneRequest::adaptMultiple). AVX2's int8 tiles are 16 channels wide and its float
  // ones 8: 8 keeps most of the lanes busy and the choice fine-grained. The DSP, scalar and portable kernels
  // work on 4 channels (or 2 x 2) at a time.
  if (fact("mve") == "true")
    return 16;
  if (std::atoi(fact("simd_bits").c_str()) >= 256)
    return 8;
  return 4;
}

namespace {
struct PrunePass : impl::PruneBase<PrunePass> {
  using Base::Base;
  PrunePass(const PruneOptions &options, ProgressFn progress) : Base(options), progress(std::move(progress)) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto failWith = [&](const std::string &msg) {
      emitError(module.getLoc()) << msg;
      signalPassFailure();
    };
    auto fn = module.lookupSymbol<func::FuncOp>("main");
    if (!fn)
      return failWith("no @main function to prune");
    PruneRequest req;
    if (prune == "auto" && instructionReduction > 0) {
      if (!(instructionReduction < 1))
        return failWith("instruction-reduction must be below 1");
      req.instructionReduction = instructionReduction;
    } else if (prune == "auto") {
      if (flashLimit < 0)
        return failWith("prune=auto needs a flash limit (--flash-limit BYTES) or a latency limit (--latency-limit "
                        "MS with --device), or give the share of MACs to remove: --prune=0.25");
      req.flashLimit = flashLimit;
    } else {
      char *end = nullptr;
      req.macReduction = std::strtod(prune.c_str(), &end);
      if (prune.empty() || *end || !(req.macReduction > 0 && req.macReduction < 1))
        return failWith("prune '" + prune + "': give the share of MACs to remove, 0 < R < 1 (e.g. 0.25), or auto");
    }
    if (!importance.empty() && importance != "l1" && importance != "l2" && importance != "bn" &&
        importance != "reconstruction")
      return failWith("unknown pruning importance '" + importance + "' (l1, l2, bn or reconstruction)");
    if (!schedule.empty() && schedule != "uniform" && schedule != "sensitivity")
      return failWith("unknown pruning schedule '" + schedule + "' (uniform or sensitivity)");
    if (correction != "auto" && correction != "on" && correction != "off")
      return failWith("unknown pruning correction '" + correction + "' (auto, on or off)");
    if (weightBytes != 1 && weightBytes != 4)
      return failWith("weight-bytes must be 1 or 4");
    for (Type t : fn.getArgumentTypes())
      if (!llvm::cast<ShapedType>(t).getElementType().isF32())
        return failWith("pruning takes a float model; quantize after pruning (--quantize=int8)");
    req.importance = importance, req.schedule = schedule, req.correction = correction;
    req.multiple = channelMultiple > 0 ? channelMultiple : targetChannelMultiple(module);
    req.adaptMultiple = channelMultiple <= 0;
    req.bytesPerWeight = weightBytes;
    req.costModel = targetCostModel(module);
    std::vector<Tensor> samples;
    std::string error;
    if (!calibration.empty()) {
      if (fn.getNumArguments() != 1)
        return failWith("pruning with calibration data takes a model with one input");
      auto shape = llvm::cast<ShapedType>(fn.getArgument(0).getType()).getShape();
      if (!loadCalibrationSet(calibration, getContext(), std::vector<int64_t>(shape.begin(), shape.end()), samples,
                              error))
        return failWith(error);
    }
    PruneResult res;
    if (!pruneFunction(fn, req, samples, progress, res, error))
      return failWith(error);
    record(module, req, res);
  }

  /// What the report and the driver show, kept with the module they describe.
  void record(ModuleOp module, const PruneRequest &req, const PruneResult &res) {
    Builder b(module.getContext());
    SmallVector<Attribute> groups, frozen;
    for (const PrunedGroup &g : res.groups)
      groups.push_back(b.getDictionaryAttr({b.getNamedAttr("name", b.getStringAttr(g.name)),
                                            b.getNamedAttr("channels", b.getI64IntegerAttr(g.channels)),
                                            b.getNamedAttr("kept", b.getI64IntegerAttr(g.kept))}));
    for (const std::string &f : res.frozen)
      frozen.push_back(b.getStringAttr(f));
    SmallVector<NamedAttribute> attrs{b.getNamedAttr("macs_before", b.getI64IntegerAttr(res.before.macs)),
                                      b.getNamedAttr("macs_after", b.getI64IntegerAttr(res.after.macs)),
                                      b.getNamedAttr("params_before", b.getI64IntegerAttr(res.before.params)),
                                      b.getNamedAttr("params_after", b.getI64IntegerAttr(res.after.params)),
                                      b.getNamedAttr("importance", b.getStringAttr(res.importance)),
                                      b.getNamedAttr("schedule", b.getStringAttr(res.schedule)),
                                      b.getNamedAttr("corrected", b.getBoolAttr(res.corrected)),
                                      b.getNamedAttr("channel_multiple", b.getI64IntegerAttr(req.multiple)),
                                      b.getNamedAttr("groups", b.getArrayAttr(groups)),
                                      b.getNamedAttr("frozen", b.getArrayAttr(frozen))};
    if (res.sqnrUncorrected != 0) {
      attrs.push_back(b.getNamedAttr("output_sqnr_db", b.getF64FloatAttr(res.sqnrCorrected)));
      attrs.push_back(b.getNamedAttr("uncorrected_output_sqnr_db", b.getF64FloatAttr(res.sqnrUncorrected)));
    }
    module->setAttr("emlc.pruning", b.getDictionaryAttr(attrs));
  }

  ProgressFn progress; ///< observes only
};
} // namespace

/// One line for the summary from what emlc-prune recorded (`emlc.pruning`), or "".
std::string pruningSummary(ModuleOp module) {
  auto p = module->getAttrOfType<DictionaryAttr>("emlc.pruning");
  if (!p)
    return "";
  auto num = [&](StringRef k) {
    auto a = p.getAs<IntegerAttr>(k);
    return a ? a.getInt() : 0;
  };
  auto text = [&](StringRef k) {
    auto a = p.getAs<StringAttr>(k);
    return a ? a.str() : std::string();
  };
  int64_t before = num("macs_before"), after = num("macs_after");
  std::string s = llvm::formatv("{0:F1}% fewer conv/fully connected MACs ({1} -> {2}), parameters {3} -> {4}; "
                                "channels (multiple of {5}):",
                                before ? 100.0 * (double)(before - after) / (double)before : 0.0, before, after,
                                num("params_before"), num("params_after"), num("channel_multiple"));
  if (auto groups = p.getAs<ArrayAttr>("groups"))
    for (auto g : groups.getAsRange<DictionaryAttr>()) {
      int64_t c = g.getAs<IntegerAttr>("channels").getInt(), k = g.getAs<IntegerAttr>("kept").getInt();
      if (k < c)
        s += llvm::formatv(" {0} {1}->{2}", g.getAs<StringAttr>("name").getValue(), c, k).str();
    }
  s += "; importance " + text("importance") + ", " + text("schedule") + " schedule";
  if (auto sq = p.getAs<FloatAttr>("output_sqnr_db")) {
    auto plain = p.getAs<FloatAttr>("uncorrected_output_sqnr_db");
    bool kept = p.getAs<BoolAttr>("corrected").getValue();
    s += llvm::formatv(", least-squares correction {0} (output SQNR vs unpruned {1:F1} dB with, {2:F1} dB without)",
                       kept ? "kept" : "not kept", sq.getValueAsDouble(), plain.getValueAsDouble())
             .str();
  }
  return s;
}

std::unique_ptr<Pass> createPrune(const PruneOptions &options, ProgressFn progress) {
  return std::make_unique<PrunePass>(options, std::move(progress));
}

} // namespace emlc
