//===- Pipeline.h - the emlc pass pipelines ----------------------*- C++ -*-===//
#ifndef EMLC_PIPELINE_PIPELINE_H
#define EMLC_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include <functional>

namespace emlc {

struct PipelineOptions : mlir::PassPipelineOptions<PipelineOptions> {
  Option<std::string> target{*this, "target", llvm::cl::desc("target name"), llvm::cl::init("generic")};
  Option<std::string> optimize{*this, "optimize",
                               llvm::cl::desc("speed (fastest kernel variants) or size (smallest weights)"),
                               llvm::cl::init("speed")};
};

/// Everything `emlc compile` decides, as options of `emlc-compile-pipeline`
/// (the CLI flags without their dashes).
struct CompilePipelineOptions : mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> target{*this, "target", llvm::cl::desc("target name"), llvm::cl::init("generic")};
  Option<std::string> optimize{*this, "optimize",
                               llvm::cl::desc("speed (fastest kernel variants) or size (smallest weights)"),
                               llvm::cl::init("speed")};
  Option<std::string> quantize{*this, "quantize",
                               llvm::cl::desc("post-training quantization: int8, or empty for none")};
  Option<std::string> calibration{*this, "calibration",
                                  llvm::cl::desc("with quantize: a .npy of samples or a folder of .npy/.pb files")};
  Option<std::string> calibrationMethod{*this, "calibration-method", llvm::cl::desc("minmax or percentile"),
                                        llvm::cl::init("minmax")};
  Option<std::string> io{*this, "io", llvm::cl::desc("with quantize: float or int8 inputs and outputs"),
                         llvm::cl::init("float")};
  Option<std::string> precision{*this, "precision",
                                llvm::cl::desc("with quantize: weight precision int8|int4|int2|ternary|auto"),
                                llvm::cl::init("int8")};
  ListOption<std::string> layerPrecision{*this, "layer-precision",
                                         llvm::cl::desc("with quantize: NAME=wNa8 pins a layer's weights")};
  Option<std::string> search{*this, "search", llvm::cl::desc("with precision=auto: exact or greedy"),
                             llvm::cl::init("exact")};
  Option<std::string> calibrationLabels{*this, "calibration-labels",
                                        llvm::cl::desc("with precision=auto: a .npy of the samples' classes")};
  Option<double> maxAccuracyDrop{*this, "max-accuracy-drop",
                                 llvm::cl::desc("with precision=auto and labels: top-1 points it may lose"),
                                 llvm::cl::init(-1.0)};
  ListOption<std::string> layerInstructions{
      *this, "layer-instructions",
      llvm::cl::desc("with precision=auto: NAME=int8:N,int4:N,int2:N, a layer's instructions per precision")};
  Option<double> instructionLimit{
      *this, "instruction-limit",
      llvm::cl::desc("with precision=auto: the most instructions the priced layers may take (latency goal)"),
      llvm::cl::init(-1.0)};
  Option<int64_t> activationArenaLimit{
      *this, "activation-arena-limit",
      llvm::cl::desc("with precision=auto: the arena int16 activations may grow the plan to (-1: none, int8)"),
      llvm::cl::init(-1)};
  Option<std::string> weightRounding{*this, "weight-rounding",
                                     llvm::cl::desc("below int8: feedback (default) or nearest"),
                                     llvm::cl::init("feedback")};
  Option<std::string> prune{*this, "prune",
                            llvm::cl::desc("structured pruning before quantization: the share of MACs to remove "
                                           "(0.25), or auto (weights within flash-limit); empty for none")};
  Option<std::string> pruneImportance{*this, "prune-importance", llvm::cl::desc("l1, l2 or reconstruction")};
  Option<std::string> pruneSchedule{*this, "prune-schedule", llvm::cl::desc("uniform or sensitivity")};
  Option<std::string> pruneCorrection{
      *this, "prune-correction", llvm::cl::desc("least-squares correction: auto, on or off"), llvm::cl::init("auto")};
  Option<double> pruneInstructionReduction{
      *this, "prune-instruction-reduction",
      llvm::cl::desc("with prune=auto: the share of conv/fully connected instructions to remove (latency goal)"),
      llvm::cl::init(0.0)};
  Option<int64_t> pruneMultiple{*this, "prune-multiple",
                                llvm::cl::desc("kept channel counts are multiples of this (0: the target's)"),
                                llvm::cl::init(0)};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("the fusion passes (false: the unfused baseline)"),
                    llvm::cl::init(true)};
  Option<int64_t> ramLimit{*this, "ram-limit", llvm::cl::desc("arena budget in bytes (-1: none)"), llvm::cl::init(-1)};
  Option<int64_t> flashLimit{*this, "flash-limit", llvm::cl::desc("weights budget in bytes (-1: none)"),
                             llvm::cl::init(-1)};
};

/// What a C++ driver may attach to a pipeline. Hooks observe and never change
/// the result, so they are not pipeline options (emlc-opt runs without them).
struct PipelineHooks {
  /// Progress of long steps (calibration): (what, done, total).
  std::function<void(const std::string &, int64_t, int64_t)> progress;
};

/// onnx -> optimized nn (conversion, folding, BatchNorm folding, fusion;
/// `fuse` false leaves out the fusion passes, not the int8 QDQ import's).
void buildONNXToNNPipeline(mlir::OpPassManager &pm, bool fuse = true);
/// nn -> kernel with a planned arena for the module's target (emlc.target, set by emlc-set-target).
void buildKernelLoweringPipeline(mlir::OpPassManager &pm, llvm::StringRef optimize);
/// emlc-set-target, then the kernel lowering: nn -> kernel with a planned arena.
void buildNNToKernelPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);
/// Both, in order, without quantization or budgets.
void buildEmlcPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// emlc-set-target -> onnx -> nn -> [emlc-prune] -> [emlc-quantize] -> emlc-warn-float-islands: `emlc compile
/// --emit=nn`.
void buildCompileToNNPipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options,
                              const PipelineHooks &hooks = {});
/// nn -> kernel with a planned arena within the budgets (emlc-lower-to-kernel):
/// the compile's second half.
void buildNNToKernelLowering(mlir::OpPassManager &pm, const CompilePipelineOptions &options);
/// The whole compile, onnx -> kernel with a planned arena within the budgets
/// (emlc-lower-to-kernel): what `emlc compile` runs between import and C
/// emission, registered as `emlc-compile-pipeline`.
void buildCompilePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options,
                          const PipelineHooks &hooks = {});

/// Registers the dialects emlc uses and its passes and pipelines (for emlc-opt).
void registerEmlcDialects(mlir::DialectRegistry &registry);
void registerEmlcPassesAndPipelines();

} // namespace emlc

#endif
