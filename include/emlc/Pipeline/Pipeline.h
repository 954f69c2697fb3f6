//===- Pipeline.h - the emlc pass pipelines ----------------------*- C++ -*-===//
#ifndef EMLC_PIPELINE_PIPELINE_H
#define EMLC_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace emlc {

struct PipelineOptions : mlir::PassPipelineOptions<PipelineOptions> {
  Option<std::string> target{*this, "target", llvm::cl::desc("target name"), llvm::cl::init("generic")};
  Option<std::string> optimize{*this, "optimize",
                               llvm::cl::desc("speed (fastest kernel variants) or size (smallest weights)"),
                               llvm::cl::init("speed")};
};

/// onnx -> optimized nn (conversion, folding, BatchNorm folding, fusion).
void buildONNXToNNPipeline(mlir::OpPassManager &pm);
/// nn -> kernel with a planned arena.
void buildNNToKernelPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);
/// Both, in order: what `emlc compile` runs before emitting C.
void buildEmlcPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Registers the dialects emlc uses and its passes and pipelines (for emlc-opt).
void registerEmlcDialects(mlir::DialectRegistry &registry);
void registerEmlcPassesAndPipelines();

} // namespace emlc

#endif
