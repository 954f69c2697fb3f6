//===- Pipeline.cpp - the emlc pass pipelines --------------------------------===//

#include "emlc/Pipeline/Pipeline.h"
#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Conversion/Passes.h"
#include "emlc/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace emlc {

void buildONNXToNNPipeline(OpPassManager &pm) {
  pm.addPass(createConvertONNXToNN());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createFoldBatchNorm());
  pm.addNestedPass<func::FuncOp>(createFuseActivations());
  pm.addPass(createCanonicalizerPass());
}

void buildNNToKernelPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createSetTarget({options.target}));
  pm.addNestedPass<func::FuncOp>(createScheduleForMemory());
  pm.addPass(createConvertNNToKernel({options.optimize}));
  pm.addPass(createPlanMemory());
}

void buildEmlcPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildONNXToNNPipeline(pm);
  buildNNToKernelPipeline(pm, options);
}

void registerEmlcDialects(DialectRegistry &registry) {
  registry.insert<onnx::ONNXDialect, nn::NNDialect, kernel::KernelDialect, arith::ArithDialect,
                  func::FuncDialect, memref::MemRefDialect, quant::QuantizationDialect>();
}

void registerEmlcPassesAndPipelines() {
  registerConversionPasses();
  registerTransformsPasses();
  PassPipelineRegistration<>("emlc-onnx-to-nn-pipeline", "onnx -> optimized nn", buildONNXToNNPipeline);
  PassPipelineRegistration<PipelineOptions>("emlc-nn-to-kernel-pipeline", "nn -> kernel with a planned arena",
                                            buildNNToKernelPipeline);
  PassPipelineRegistration<PipelineOptions>("emlc-pipeline", "onnx -> kernel: everything before C emission",
                                            buildEmlcPipeline);
}

} // namespace emlc
