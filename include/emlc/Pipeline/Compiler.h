//===- Compiler.h - one compile, from a model file to C ---------*- C++ -*-===//
//
// The library entry point behind `emlc compile` and `emlc inspect`, kept free
// of CLI code so unit tests and other drivers call the same thing.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PIPELINE_COMPILER_H
#define EMLC_PIPELINE_COMPILER_H

#include "emlc/Emit/CEmitter.h"
#include "emlc/Support/ResourceLimits.h"
#include "mlir/IR/BuiltinOps.h"
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emlc {

struct CompileOptions {
  std::string modelPath;
  /// How large a model (file, nodes, initializers) and its C may be (ResourceLimits.h).
  ResourceLimits limits;
  /// The model's bytes, when it is in memory (the fuzz target): then modelPath
  /// only names it, nothing is read from disk and external data is refused.
  std::optional<std::string> modelBytes;
  /// A context to compile in instead of a new one per compile (the fuzz
  /// target's, which thousands of compiles share; its uniqued types and
  /// attributes accumulate, so its owner replaces it now and then).
  mlir::MLIRContext *context = nullptr;
  std::string target = "generic";
  std::string name = "model";
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::map<std::string, std::string> inputValues; ///< see ImportOptions::inputValues
  /// Budgets in bytes (-1: none). A model whose arena (RAM), weights + estimated code (flash) or weights
  /// alone exceed them is refused with the numbers and the largest contributors. The passes that choose
  /// kernels, precisions or pruning spend the weights' share: weightsLimit, or flash minus the code.
  int64_t ramLimit = -1, flashLimit = -1, weightsLimit = -1;
  /// A device of the catalog (devices/<name>.json, `emlc devices`): sets the
  /// target (which must then be "generic" or the device's), the RAM limit
  /// (its arena region) and the flash limit where they are -1, and the clock
  /// of the report's milliseconds. Its flash holds weights and code: the
  /// estimated code counts against it.
  std::string device;
  /// "speed": the target's fastest kernel variants (they may store weights in
  /// a wider, faster layout, or use larger scratch buffers); "size": the
  /// smallest ones. With speed and a flash or RAM limit the speed kernels
  /// exceed, size is used instead.
  std::string optimize = "speed";
  /// The fusion passes (false: `--no-fuse`, the unfused baseline; the int8
  /// QDQ import's fusion stays, it is how QDQ graphs become int8 layers).
  bool fuse = true;
  /// Stop after this level and print it: "onnx", "nn", "kernel"; or "c".
  std::string emit = "c";
  /// Post-training quantization ("int8" or empty) and its calibration (see PTQ.h).
  std::string quantize, calibrationPath, calibrationMethod = "minmax";
  bool int8IO = false;
  /// With quantize: the weights' precision (int8|int4|int2|ternary|auto, see
  /// MixedPrecision.h), layers pinned as NAME=wNa8, and auto's search.
  std::string precision = "int8", search = "exact", weightRounding = "feedback";
  std::vector<std::string> layerPrecision;
  std::string calibrationLabels; ///< .npy of the calibration samples' classes
  double maxAccuracyDrop = -1;   ///< auto: top-1 points it may lose on them (-1: no bound)
  /// Structured pruning before quantization (see Pruning/Passes.td): the share
  /// of MACs to remove ("0.25") or "auto" (within flashLimit); empty: none.
  std::string prune, pruneImportance, pruneSchedule, pruneCorrection = "auto";
  int64_t pruneMultiple = 0; ///< kept channel counts' multiple (0: the target's)
  /// With a device and prune "auto" or precision "auto": milliseconds an
  /// inference may take at the device clock (the cost model); pruning removes
  /// conv/fully connected instructions, or the precision search spends them,
  /// until the estimate is within it. -1: none.
  double latencyLimitMs = -1;
  double pruneInstructionReduction = 0; ///< set by compileModel for the latency goal
  /// With precision "auto" and latencyLimitMs: set by compileModel, which prices the layers (MixedPrecision.h).
  std::vector<std::string> layerInstructions;
  double instructionLimit = -1;
  /// With precision "auto" and a RAM limit given as such (ramLimit, not a device's whole RAM: spending free RAM
  /// on int16 activations also costs time, so it is asked for): the arena its int16 activations may grow the
  /// plan to (-1: ramLimit; -2: none, int8; compileModel lowers it when the compiled arena, with kernel scratch,
  /// exceeds it, and drops it when the int16 layers' weights do not fit the flash).
  int64_t activationArenaLimit = -1;
  /// Progress of calibration (what, done, total); observes only (PipelineHooks).
  std::function<void(const std::string &, int64_t, int64_t)> progress;
  /// Called with the module at the nn level, after pruning and quantization
  /// and before the kernel lowering (emlc fit evaluates it in the interpreter).
  std::function<void(mlir::ModuleOp)> onNN;
};

struct CompileResult {
  bool ok = false;
  std::string error; ///< one or more "error: ..." lines
  std::vector<std::string> warnings;
  std::string irText; ///< the printed IR for --emit=onnx|nn|kernel
  EmittedFiles files; ///< for --emit=c
  int64_t arenaBytes = 0, weightBytes = 0, arenaLowerBound = 0, macs = 0;
  int64_t codeBytes = 0;            ///< estimated machine code + tables (report: code_bytes_estimate)
  int64_t kernelCalls = 0;          ///< kernel calls per inference (report: totals.kernel_calls)
  int64_t instructionsEstimate = 0; ///< the target's cost model (report: totals.instructions_estimate)
  std::string reportJson;           ///< the compile report (docs/REPORT.md), for --emit=c
  std::string arenaSVG;             ///< the arena over time, for --report-svg
  std::vector<std::string> kernels; ///< kernel variants called, in first-use order
  std::string optimize;             ///< what the kernels were chosen for: "speed" or "size"
  bool flashExceeded = false;       ///< refused for --flash-limit
  bool ramExceeded = false;         ///< refused for --ram-limit
  int64_t calibrationRuns = 0;      ///< with --quantize
  std::vector<double> outputSQNR;   ///< dB per output, quantized vs float, with --quantize
  double calibrationTop1 = -1, floatCalibrationTop1 = -1; ///< auto with labels
  int64_t int16Layers = 0;                                ///< layers with int16 activations (w8a16)
  std::string weightPrecisions;                           ///< layers per weight precision, e.g. "int8 x1, int4 x3"
  std::string pruning;                    ///< with --prune: one line saying what was removed (for the summary)
  double prunedMacShare = 0;              ///< with --prune: the share of conv/fully connected MACs removed
  std::string target;                     ///< the target compiled for (the device's with --device)
  std::string device;                     ///< with a device: its name, clock and the time estimate
  double clockMHz = 0, latencyMs = -1;    ///< latencyMs: instructions x cycles per instruction / clock (-1: unknown)
  int64_t ramLimit = -1, flashLimit = -1; ///< the budgets applied (a device's where not given)
  bool ramFromDevice = false, flashFromDevice = false; ///< the limit is the device's, not a flag's
  /// Per graph output: the step (scale) of the int8 grid it is dequantized
  /// from, for judging results in LSBs; 0 for an output computed otherwise.
  std::vector<double> outputGrids;
  /// The C API's inputs then outputs: ONNX name, C element type, shape, and for an int8 buffer its
  /// quantization (real = (q - zeroPoint) * scale).
  struct IOTensor {
    std::string name, cType;
    bool input = true, quantized = false;
    std::vector<int64_t> shape;
    double scale = 0;
    int64_t zeroPoint = 0;
  };
  std::vector<IOTensor> io;
};

CompileResult compileModel(const CompileOptions &options);

/// A limit as the user gave it, in its shortest form (0.025, 1e-05), for messages: formatv's default would
/// print 0.03 and 0.00.
std::string limitText(double value);

struct InspectResult {
  bool ok = false;
  std::string error;
  std::vector<std::string> warnings;
  int64_t opset = 0;
  std::vector<std::string> inputs, outputs; ///< "name: f32[1x3x32x32]"
  std::vector<std::pair<std::string, int>> opCounts;
  std::vector<std::pair<std::string, std::string>> unsupported; ///< (node, op type)
  int64_t parameters = 0, macs = 0;
  std::string quantization; ///< "QDQ (int8 activations)", "QOperator (...)", "float ..."
};

InspectResult inspectModel(const std::string &path, const std::map<std::string, std::vector<int64_t>> &shapes,
                           const ResourceLimits &limits = {});

} // namespace emlc

#endif
