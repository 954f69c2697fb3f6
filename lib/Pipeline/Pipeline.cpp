//===- Pipeline.cpp - the emlc pass pipelines --------------------------------===//

#include "emlc/Pipeline/Pipeline.h"
#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Conversion/Passes.h"
#include "emlc/Pipeline/Passes.h"
#include "emlc/Pruning/Passes.h"
#include "emlc/Quantization/Passes.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace emlc {

void buildONNXToNNPipeline(OpPassManager &pm, bool fuse) {
  pm.addPass(createConvertONNXToNN());
  pm.addPass(createCanonicalizerPass());
  if (fuse) { // without them, the unfused baseline (emlc compile --no-fuse)
    pm.addNestedPass<func::FuncOp>(createFoldBatchNorm());
    pm.addNestedPass<func::FuncOp>(createEliminateTransposes());
    pm.addNestedPass<func::FuncOp>(createFoldPadIntoConv());
    pm.addNestedPass<func::FuncOp>(createFuseActivations());
  }
  pm.addPass(createCanonicalizerPass());
}

void buildKernelLoweringPipeline(OpPassManager &pm, StringRef optimize) {
  pm.addNestedPass<func::FuncOp>(createScheduleForMemory());
  pm.addPass(createConvertNNToKernel({optimize.str()}));
  pm.addPass(createPlanMemory());
}

void buildNNToKernelPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createSetTarget({options.target}));
  buildKernelLoweringPipeline(pm, options.optimize);
}

void buildEmlcPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildONNXToNNPipeline(pm);
  buildNNToKernelPipeline(pm, options);
}

void buildCompileToNNPipeline(OpPassManager &pm, const CompilePipelineOptions &options, const PipelineHooks &hooks) {
  pm.addPass(createSetTarget({options.target})); // once, for every pass of the compile
  buildONNXToNNPipeline(pm, options.fuse);
  if (!options.prune.empty()) { // prune first, then quantize the smaller model
    PruneOptions p;
    p.prune = options.prune;
    p.calibration = options.calibration;
    p.importance = options.pruneImportance;
    p.schedule = options.pruneSchedule;
    p.correction = options.pruneCorrection;
    p.channelMultiple = options.pruneMultiple;
    p.flashLimit = options.flashLimit;
    p.instructionReduction = options.pruneInstructionReduction;
    p.weightBytes = options.quantize.empty() ? 4 : 1;
    pm.addPass(createPrune(p, hooks.progress));
  }
  if (!options.quantize.empty()) {
    QuantizeOptions q;
    q.mode = options.quantize;
    q.calibration = options.calibration;
    q.method = options.calibrationMethod;
    q.io = options.io;
    q.precision = options.precision;
    std::vector<std::string> pins(options.layerPrecision.begin(), options.layerPrecision.end());
    q.layerPrecision = pins; // copied by createQuantize
    q.flashLimit = options.flashLimit;
    q.search = options.search;
    q.weightRounding = options.weightRounding;
    q.labels = options.calibrationLabels;
    q.maxAccuracyDrop = options.maxAccuracyDrop;
    std::vector<std::string> prices(options.layerInstructions.begin(), options.layerInstructions.end());
    q.layerInstructions = prices;
    q.instructionLimit = options.instructionLimit;
    q.arenaLimit = options.activationArenaLimit;
    pm.addPass(createQuantize(q, hooks.progress));
  }
  pm.addPass(createWarnFloatIslands());
}

void buildNNToKernelLowering(OpPassManager &pm, const CompilePipelineOptions &options) {
  LowerToKernelOptions k;
  k.optimize = options.optimize;
  k.ramLimit = options.ramLimit;
  k.flashLimit = options.flashLimit;
  pm.addPass(createLowerToKernel(k));
}

void buildCompilePipeline(OpPassManager &pm, const CompilePipelineOptions &options, const PipelineHooks &hooks) {
  buildCompileToNNPipeline(pm, options, hooks);
  buildNNToKernelLowering(pm, options);
}

void registerEmlcDialects(DialectRegistry &registry) {
  registry.insert<onnx::ONNXDialect, nn::NNDialect, kernel::KernelDialect, arith::ArithDialect, func::FuncDialect,
                  memref::MemRefDialect, quant::QuantizationDialect>();
}

void registerEmlcPassesAndPipelines() {
  registerConversionPasses();
  registerTransformsPasses();
  registerQuantizationPasses();
  registerPruningPasses();
  registerPipelinePasses();
  PassPipelineRegistration<>("emlc-onnx-to-nn-pipeline", "onnx -> optimized nn",
                             [](OpPassManager &pm) { buildONNXToNNPipeline(pm); });
  PassPipelineRegistration<PipelineOptions>("emlc-nn-to-kernel-pipeline", "nn -> kernel with a planned arena",
                                            buildNNToKernelPipeline);
  PassPipelineRegistration<PipelineOptions>("emlc-pipeline", "onnx -> kernel: everything before C emission",
                                            buildEmlcPipeline);
  PassPipelineRegistration<CompilePipelineOptions>(
      "emlc-compile-pipeline", "what `emlc compile` runs: onnx -> nn -> [quantize] -> kernel within the budgets",
      [](OpPassManager &pm, const CompilePipelineOptions &o) { buildCompilePipeline(pm, o); });
}

} // namespace emlc
