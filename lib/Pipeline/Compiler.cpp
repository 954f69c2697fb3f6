//===- Compiler.cpp - one compile, from a model file to C ---------------------===//

#include "emlc/Pipeline/Compiler.h"
#include "Diagnostics.h"
#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Devices/Device.h"
#include "emlc/Emit/Report.h"
#include "emlc/Importer/Importer.h"
#include "emlc/Pipeline/Pipeline.h"
#include "emlc/Pruning/Passes.h"
#include "emlc/Quantization/MixedPrecision.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "targets/Target.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <fstream>
#include <mutex>
#include <onnx/onnx_pb.h>
#include <optional>
#include <set>
#include <sstream>

using namespace mlir;

namespace emlc {

namespace {
/// Fewer calibration runs than this get a warning (ONNX test data sets hold one sample).
constexpr int64_t kFewCalibrationRuns = 10;
/// Records the arguments of the passes that failed (innermost first), to say
/// which step of the compile failed.
struct FailedPasses : PassInstrumentation {
  std::vector<std::string> &names;
  std::mutex mutex; // nested function passes may fail on several threads
  explicit FailedPasses(std::vector<std::string> &names) : names(names) {}
  void runAfterPassFailed(Pass *pass, Operation *) override {
    std::lock_guard<std::mutex> lock(mutex);
    names.push_back(pass->getArgument().str());
  }
};

/// IR text with its locations: the ONNX node names they carry (layer names in
/// the C and the report) survive a round trip through emlc-opt.
std::string printIR(ModuleOp module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  module->print(os, OpPrintingFlags().enableDebugInfo(/*enable=*/true, /*prettyForm=*/false));
  return os.str();
}

} // namespace

/// "needs N bytes of RAM, M over the limit" plus the three largest
/// contributors: arena buffers live at the peak call, or the largest weights.
static std::string budgetError(const llvm::json::Value &report, const char *what, const char *part, int64_t need,
                               int64_t limit, const char *flag) {
  const llvm::json::Array &layers = *report.getAsObject()->getArray("layers");
  struct Item {
    std::string layer;
    int64_t bytes;
  };
  std::vector<Item> items;
  if (std::string(what) == "RAM") {
    // The call where the planned live buffers are largest, and what is live there.
    int64_t peakAt = 0, peak = -1;
    for (size_t x = 0; x < layers.size(); ++x) {
      int64_t live = 0;
      for (const auto &l : layers)
        for (const auto &o : *l.getAsObject()->getArray("outputs"))
          if (auto first = o.getAsObject()->getInteger("first"))
            if (*first <= (int64_t)x && (int64_t)x <= *o.getAsObject()->getInteger("last"))
              live += *o.getAsObject()->getInteger("bytes");
      if (live > peak)
        peak = live, peakAt = x;
    }
    for (const auto &l : layers) { // a layer's live buffers together (its output and any scratch)
      int64_t bytes = 0, buffers = 0;
      for (const auto &o : *l.getAsObject()->getArray("outputs"))
        if (auto first = o.getAsObject()->getInteger("first"))
          if (*first <= peakAt && peakAt <= *o.getAsObject()->getInteger("last"))
            bytes += *o.getAsObject()->getInteger("bytes"), ++buffers;
      if (buffers)
        items.push_back({l.getAsObject()->getString("node")->str() + "' (" + l.getAsObject()->getString("op")->str() +
                             (buffers > 1 ? ") buffers" : ") output"),
                         bytes});
    }
  } else {
    for (const auto &l : layers)
      if (int64_t wb = *l.getAsObject()->getInteger("weight_bytes"))
        items.push_back(
            {l.getAsObject()->getString("node")->str() + "' (" + l.getAsObject()->getString("op")->str() + ") weights",
             wb});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.bytes > b.bytes; });
  std::string msg = "error: the model needs " + std::to_string(need) + " bytes of " + what + " (" + part + "), " +
                    std::to_string(need - limit) + " more than " + flag + " " + std::to_string(limit) +
                    "; the largest contributors:\n";
  for (size_t i = 0; i < items.size() && i < 3; ++i)
    msg += "error:   layer '" + items[i].layer + ": " + std::to_string(items[i].bytes) + " bytes\n";
  // What would help depends on the model: float layers can be quantized, an int8 model's weights cannot shrink
  // by quantizing again.
  bool floatLayers = false;
  for (const auto &k : *report.getAsObject()->getObject("totals")->getArray("kernels"))
    floatLayers |= llvm::StringRef(*k.getAsString()).contains("_f32");
  if (std::string(what) == "RAM")
    msg += floatLayers ? "error: a smaller input shape (--shape), fewer channels (--prune) or int8 activations "
                         "(--quantize=int8, a quarter of float's) would reduce it\n"
                       : "error: a smaller input shape (--shape) or fewer channels (pruning the float original with "
                         "--prune) would reduce it\n";
  else
    msg += floatLayers ? "error: int8 weights (--quantize=int8, a quarter of float's), fewer bits where they matter "
                         "least (--precision=auto) or fewer channels (--prune) would reduce it\n"
                       : "error: fewer bits (--precision=int4 or auto) or fewer channels (--prune), both from the "
                         "float original, would reduce it\n";
  return msg;
}

static bool knownTarget(const std::string &target, CompileResult &r) {
  if (lookupTarget(target))
    return true;
  std::string names;
  for (const auto &t : allTargets())
    names += (names.empty() ? "" : ", ") + t.name;
  r.error = "error: unknown target '" + target + "' (known: " + names + ")\n";
  return false;
}

/// Applies `opts.device` (target, budgets); false with the error for an
/// unknown device or a target that contradicts it.
static bool applyDevice(CompileOptions &opts, CompileResult &r) {
  if (opts.device.empty())
    return true;
  std::string error;
  const DeviceInfo *d = resolveDevice(opts.device, opts.target, error);
  if (!d) {
    r.error = "error: " + error + "\n";
    return false;
  }
  r.ramFromDevice = opts.ramLimit < 0;
  r.flashFromDevice = opts.flashLimit < 0;
  if (r.ramFromDevice)
    opts.ramLimit = d->ramBudget();
  if (r.flashFromDevice)
    opts.flashLimit = d->flashBudget();
  r.device = d->name;
  r.clockMHz = d->clockMHz;
  return true;
}

static OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, const CompileOptions &opts, CompileResult &r) {
  std::string tooLarge; // (a model in memory, the fuzz target's, is bounded by its owner)
  if (!opts.modelBytes && !checkModelLimits(opts.modelPath, opts.limits, tooLarge)) {
    r.error = "error: " + tooLarge + "\n";
    return nullptr;
  }
  ImportOptions io;
  io.inputShapes = opts.inputShapes;
  io.inputValues = opts.inputValues;
  io.maxTensorElements = opts.limits.tensorElements;
  ImportResult imp = opts.modelBytes ? importONNXBytes(*opts.modelBytes, /*modelDir=*/"", ctx, io)
                                     : importONNXFile(opts.modelPath, ctx, io);
  r.warnings = imp.warnings;
  if (!imp.module)
    r.error = "error: " + imp.error + "\n";
  return std::move(imp.module);
}

/// The CLI's options as emlc-compile-pipeline's.
static void fillPipelineOptions(const CompileOptions &opts, CompilePipelineOptions &po) {
  po.target = opts.target;
  po.optimize = opts.optimize;
  po.fuse = opts.fuse;
  po.quantize = opts.quantize;
  po.calibration = opts.calibrationPath;
  po.calibrationMethod = opts.calibrationMethod;
  po.io = opts.int8IO ? "int8" : "float";
  po.precision = opts.precision;
  po.layerPrecision = opts.layerPrecision;
  po.search = opts.search;
  po.weightRounding = opts.weightRounding;
  po.calibrationLabels = opts.calibrationLabels;
  po.maxAccuracyDrop = opts.maxAccuracyDrop;
  po.ramLimit = opts.ramLimit;
  po.flashLimit = opts.flashLimit;
  po.prune = opts.prune;
  po.pruneImportance = opts.pruneImportance;
  po.pruneSchedule = opts.pruneSchedule;
  po.pruneCorrection = opts.pruneCorrection;
  po.pruneMultiple = opts.pruneMultiple;
  po.pruneInstructionReduction = opts.pruneInstructionReduction;
  po.layerInstructions = opts.layerInstructions;
  po.instructionLimit = opts.instructionLimit;
  po.activationArenaLimit = opts.activationArenaLimit;
}

/// What the passes recorded on the module: arena, kernels and their choice, PTQ results.
static void readPipelineResults(ModuleOp module, CompileResult &r) {
  if (auto a = module->getAttrOfType<IntegerAttr>("emlc.arena_size"))
    r.arenaBytes = a.getInt();
  if (auto o = module->getAttrOfType<StringAttr>("emlc.optimize"))
    r.optimize = o.str();
  r.pruning = pruningSummary(module);
  if (auto p = module->getAttrOfType<DictionaryAttr>("emlc.pruning")) {
    auto before = p.getAs<IntegerAttr>("macs_before"), after = p.getAs<IntegerAttr>("macs_after");
    if (before && after && before.getInt() > 0)
      r.prunedMacShare = 1.0 - (double)after.getInt() / (double)before.getInt();
  }
  if (auto q = module->getAttrOfType<DictionaryAttr>("emlc.quantization")) {
    if (auto runs = q.getAs<IntegerAttr>("calibration_runs"))
      r.calibrationRuns = runs.getInt();
    // A handful of samples sets every activation range to just them, and the output SQNR is measured on the
    // same samples: it reads as flawless (200 dB) while other inputs clip.
    if (r.calibrationRuns > 0 && r.calibrationRuns < kFewCalibrationRuns)
      r.warnings.push_back(llvm::formatv("only {0} calibration run{1}: the activation ranges come from {2} alone, "
                                         "and the output SQNR is measured on {2} too; calibrate on a few hundred "
                                         "samples like the inputs the device will see",
                                         r.calibrationRuns, r.calibrationRuns == 1 ? "" : "s",
                                         r.calibrationRuns == 1 ? "it" : "them")
                               .str());
    if (auto sqnr = q.getAs<ArrayAttr>("output_sqnr_db"))
      for (auto d : sqnr.getAsRange<FloatAttr>())
        r.outputSQNR.push_back(d.getValueAsDouble());
    if (auto a = q.getAs<FloatAttr>("calibration_top1"))
      r.calibrationTop1 = a.getValueAsDouble();
    if (auto a = q.getAs<FloatAttr>("float_calibration_top1"))
      r.floatCalibrationTop1 = a.getValueAsDouble();
  }
  std::map<std::string, int> precisions; // layers per weight precision (on each layer's first call)
  module.walk([&](kernel::CallOp c) {
    if (!llvm::is_contained(r.kernels, c.getCallee().str()))
      r.kernels.push_back(c.getCallee().str());
    if (auto p = c->getAttrOfType<StringAttr>("emlc.weight_precision"))
      ++precisions[p.str()];
    if (auto a = c->getAttrOfType<IntegerAttr>("emlc.activation_bits"); a && a.getInt() == 16)
      ++r.int16Layers;
  });
  for (const char *p : {"int8", "int4", "int2", "ternary"})
    if (precisions.count(p))
      r.weightPrecisions +=
          std::string(r.weightPrecisions.empty() ? "" : ", ") + p + " x" + std::to_string(precisions[p]);
}

/// Runs emlc-compile-pipeline on the imported module (its nn part for --emit=nn).
static bool runCompilePipeline(ModuleOp module, const CompileOptions &opts, DiagnosticCollector &diags,
                               CompileResult &r) {
  CompilePipelineOptions po;
  fillPipelineOptions(opts, po);
  PipelineHooks hooks;
  hooks.progress = opts.progress;
  std::vector<std::string> failed;
  auto run = [&](const std::function<void(OpPassManager &)> &build) {
    PassManager pm(module.getContext());
    build(pm);
    pm.addInstrumentation(std::make_unique<FailedPasses>(failed));
    return succeeded(pm.run(module));
  };
  bool ok;
  if (opts.emit == "nn") {
    ok = run([&](OpPassManager &pm) { buildCompileToNNPipeline(pm, po, hooks); });
  } else if (opts.onNN) { // the same passes in two runs, the hook between them
    ok = run([&](OpPassManager &pm) { buildCompileToNNPipeline(pm, po, hooks); });
    if (ok)
      opts.onNN(module);
    ok = ok && run([&](OpPassManager &pm) { buildNNToKernelLowering(pm, po); });
  } else {
    ok = run([&](OpPassManager &pm) { buildCompilePipeline(pm, po, hooks); });
  }
  r.warnings.insert(r.warnings.end(), diags.warnings.begin(), diags.warnings.end());
  if (ok) {
    readPipelineResults(module, r);
    return true;
  }
  // Pass diagnostics speak of pass options: name the flag behind the pass.
  if (llvm::is_contained(failed, "emlc-prune"))
    r.error = diags.text("--prune=" + opts.prune + ": ");
  else if (llvm::is_contained(failed, "emlc-quantize"))
    r.error = diags.text(opts.precision == "int8" ? "--quantize=" + opts.quantize + ": "
                                                  : "--precision=" + opts.precision + ": ");
  else if (!diags.errors.empty())
    r.error = diags.text();
  else if (llvm::is_contained(failed, "emlc-lower-to-kernel"))
    r.error = "error: lowering to kernels failed\n";
  else
    r.error = "error: lowering to the nn dialect failed\n";
  return false;
}

/// The C files and the report of a lowered module; refuses it over a budget.
/// Per graph output, the step of the int8 grid a dequantization (quant.dcast)
/// writing it reads, from the calls' report annotations; 0 where none does.
static std::vector<double> outputGrids(ModuleOp module) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  unsigned numInputs = fn->getAttrOfType<IntegerAttr>("emlc.num_inputs").getInt();
  std::vector<double> grids(fn.getNumArguments() - numInputs, 0.0);
  fn.walk([&](kernel::CallOp c) {
    auto layer = c->getAttrOfType<StringAttr>("emlc.layer");
    auto quant = c->getAttrOfType<DictionaryAttr>("emlc.quant");
    auto input = quant ? quant.getAs<DictionaryAttr>("input") : DictionaryAttr();
    auto scale = input ? input.getAs<DenseF32ArrayAttr>("scale") : DenseF32ArrayAttr();
    if (!layer || layer.getValue() != quant::DequantizeCastOp::getOperationName() || !scale || scale.size() != 1)
      return;
    for (Value v : c.getOuts())
      if (auto arg = llvm::dyn_cast<BlockArgument>(v); arg && arg.getArgNumber() >= numInputs)
        grids[arg.getArgNumber() - numInputs] = scale[0];
  });
  return grids;
}

/// The C API's buffers, as the header declares them (inspect and the report show them).
static std::vector<CompileResult::IOTensor> ioTensors(ModuleOp module) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  unsigned numInputs = fn->getAttrOfType<IntegerAttr>("emlc.num_inputs").getInt();
  std::vector<CompileResult::IOTensor> io;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto t = llvm::cast<MemRefType>(fn.getArgument(i).getType());
    CompileResult::IOTensor x;
    x.input = i < numInputs;
    if (auto n = fn.getArgAttrOfType<StringAttr>(i, "emlc.name"))
      x.name = n.getValue().str();
    x.cType = kernel::cElementType(t.getElementType());
    x.shape.assign(t.getShape().begin(), t.getShape().end());
    if (auto sc = fn.getArgAttrOfType<FloatAttr>(i, "emlc.scale")) {
      x.quantized = true;
      x.scale = sc.getValueAsDouble();
      x.zeroPoint = fn.getArgAttrOfType<IntegerAttr>(i, "emlc.zero_point").getInt();
    }
    io.push_back(std::move(x));
  }
  return io;
}

static void emitAndReport(ModuleOp module, const CompileOptions &opts, std::chrono::steady_clock::time_point start,
                          CompileResult &r) {
  r.outputGrids = outputGrids(module);
  r.io = ioTensors(module);
  EmitOptions eo;
  eo.name = opts.name;
  eo.sourceName = opts.modelPath.substr(opts.modelPath.find_last_of('/') + 1);
  eo.maxBytes = opts.limits.cBytes;
  std::string err;
  if (!emitC(module, eo, r.files, err)) {
    r.error = "error: " + err + "\n";
    return;
  }
  ReportInputs ri;
  ri.model = opts.modelPath;
  ri.name = opts.name;
  ri.compileSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.device.empty()) {
    ri.device = r.device;
    ri.clockMHz = r.clockMHz;
    ri.ramBudget = opts.ramLimit;
    ri.flashBudget = opts.flashLimit;
  }
  llvm::json::Value report = buildReport(module, ri);
  const llvm::json::Object *totals = report.getAsObject()->getObject("totals");
  r.weightBytes = *totals->getInteger("weight_bytes");
  r.arenaLowerBound = *totals->getInteger("arena_lower_bound_bytes");
  r.macs = *totals->getInteger("macs");
  r.codeBytes = *totals->getInteger("code_bytes_estimate");
  r.kernelCalls = *totals->getInteger("kernel_calls");
  r.instructionsEstimate = totals->getInteger("instructions_estimate").value_or(0);
  if (auto ms = totals->getNumber("latency_ms_estimate"))
    r.latencyMs = *ms;
  llvm::raw_string_ostream os(r.reportJson);
  os << llvm::formatv("{0:2}", report) << "\n";
  os.flush();
  r.arenaSVG = renderArenaSVG(report);
  // emlc-lower-to-kernel already fell back to the smallest kernels where that fits.
  if (opts.ramLimit >= 0 && r.arenaBytes > opts.ramLimit) {
    std::string flag = r.ramFromDevice ? "device " + r.device + "'s arena RAM" : "--ram-limit";
    r.error = budgetError(report, "RAM", "arena", r.arenaBytes, opts.ramLimit, flag.c_str());
    r.ramExceeded = true;
    return;
  }
  if (opts.weightsLimit >= 0 && r.weightBytes > opts.weightsLimit) {
    r.error = budgetError(report, "flash", "weights", r.weightBytes, opts.weightsLimit, "--weights-limit");
    r.flashExceeded = true;
    return;
  }
  // Flash holds the code too: the budget is weights + the code estimate.
  int64_t flashNeeded = r.weightBytes + r.codeBytes;
  if (opts.flashLimit >= 0 && flashNeeded > opts.flashLimit) {
    std::string flag = r.flashFromDevice ? "device " + r.device + "'s flash" : "--flash-limit";
    r.error = budgetError(report, "flash", "weights + estimated code", flashNeeded, opts.flashLimit, flag.c_str());
    r.flashExceeded = true;
    return;
  }
  r.ok = true;
}

/// One compile with the device applied; `passFlashLimit` (>= 0) replaces the
/// weights budget the passes search within (prune=auto, precision=auto).
static CompileResult compileOnce(CompileOptions opts, int64_t passFlashLimit) {
  auto start = std::chrono::steady_clock::now();
  CompileResult r;
  if (!applyDevice(opts, r) || !knownTarget(opts.target, r))
    return r;
  r.target = opts.target;
  r.ramLimit = opts.ramLimit;
  r.flashLimit = opts.flashLimit;
  std::optional<MLIRContext> own;
  MLIRContext &ctx = opts.context ? *opts.context : own.emplace();
  setupContext(ctx);
  DiagnosticCollector diags(ctx);
  OwningOpRef<ModuleOp> module = importModel(ctx, opts, r);
  // The passes' flash budget is for weights: --weights-limit, or the flash left by the code.
  CompileOptions passOpts = opts;
  if (passFlashLimit >= 0)
    passOpts.flashLimit = passFlashLimit;
  if (opts.weightsLimit >= 0 && (passOpts.flashLimit < 0 || opts.weightsLimit < passOpts.flashLimit))
    passOpts.flashLimit = opts.weightsLimit;
  if (passOpts.activationArenaLimit == -1 && !r.ramFromDevice)
    passOpts.activationArenaLimit = opts.ramLimit;
  if (!module || (opts.emit != "onnx" && !runCompilePipeline(*module, passOpts, diags, r)))
    return r;
  if (opts.emit != "c") {
    r.irText = printIR(*module);
    r.ok = true;
    return r;
  }
  emitAndReport(*module, opts, start, r);
  return r;
}

/// Instructions the report's conv and fully connected layers take, by ONNX node: what pruning can reduce and
/// what the precision search prices.
static std::map<std::string, double> weightedLayerInstructions(const std::string &reportJson) {
  std::map<std::string, double> byNode;
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(reportJson);
  if (!v) {
    llvm::consumeError(v.takeError());
    return byNode;
  }
  for (const llvm::json::Value &l : *v->getAsObject()->getArray("layers")) {
    const llvm::json::Object &o = *l.getAsObject();
    auto op = o.getString("op");
    if (op && (*op == "nn.conv2d" || *op == "nn.fully_connected"))
      byNode[o.getString("node").value_or("").str()] += o.getNumber("instructions_estimate").value_or(0);
  }
  return byNode;
}

static double prunableInstructions(const std::string &reportJson) {
  double sum = 0;
  for (const auto &[node, instructions] : weightedLayerInstructions(reportJson))
    sum += instructions;
  return sum;
}

std::string limitText(double value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

/// Within this share of the latency limit a pruned compile is close enough; further under, the pass's cost model
/// (the target's int8 kernels, per MAC) misjudged the compile's kernels or precisions, and pruning gives some back.
constexpr double kCloseToLimit = 0.97;

/// prune=auto toward --latency-limit: measure the unpruned model's estimate,
/// remove the share of conv/fully connected instructions the limit asks for,
/// and correct the share from each compile's estimate (at most three times)
/// until it is within the limit, and once more toward it when the first one
/// within is well under it (it removed more than the limit needs).
static CompileResult compileToLatency(const CompileOptions &opts) {
  CompileOptions first = opts;
  first.prune.clear();
  // The unpruned compile only measures: a driver's nn-level hook (emlc fit scores each module it sees on its
  // samples) is for the module returned, which is a pruned one unless this one is already within the limit.
  first.onNN = nullptr;
  CompileResult r = compileOnce(first, -1);
  if (r.device.empty() || r.latencyMs < 0) {
    if (r.error.empty())
      r.error = "error: --latency-limit needs --device (its clock) and a target whose cost model prices every "
                "layer\n";
    r.ok = false;
    return r;
  }
  if (r.latencyMs <= opts.latencyLimitMs) { // within the limit unpruned: that module, seen by the hook
    if (!opts.onNN)
      return r;
    first.onNN = opts.onNN;
    return compileOnce(first, -1);
  }
  double total = r.latencyMs, prunable = prunableInstructions(r.reportJson) / (double)r.instructionsEstimate * total;
  double share = (total - opts.latencyLimitMs) / std::max(prunable, 1e-9);
  std::optional<CompileResult> within; // the first compile within the limit, while a lighter pruning is tried
  CompileOptions pruned = opts;
  for (int round = 0; round < 4; ++round) {
    if (!(share > 0 && share < 0.95)) {
      if (within) // (the last compile: the module the hook saw)
        return *within;
      r.ok = false;
      // What else could get there: quantizing float layers, else a faster core (they are integer already).
      bool floatLayers = llvm::any_of(r.kernels, [](const std::string &k) {
        return llvm::StringRef(k).contains("f32") &&
               (llvm::StringRef(k).contains("conv") || llvm::StringRef(k).starts_with("fully_connected"));
      });
      const char *next =
          floatLayers ? "quantize: --quantize=int8" : "choose a faster device: emlc devices lists their clocks";
      r.error = llvm::formatv("error: --latency-limit {0} ms: the model takes about {1:F2} ms and its conv/fully "
                              "connected layers {2:F2} of them; pruning them cannot reach the limit (raise it, or "
                              "{3})\n",
                              limitText(opts.latencyLimitMs), total, prunable, next)
                    .str();
      return r;
    }
    double tried = pruned.pruneInstructionReduction;
    pruned.pruneInstructionReduction = share;
    r = compileOnce(pruned, -1);
    bool under = r.ok && r.latencyMs <= opts.latencyLimitMs;
    if (within && !under) { // the lighter pruning missed: the one within, compiled again for the hook's sake
      pruned.pruneInstructionReduction = tried;
      return opts.onNN ? compileOnce(pruned, -1) : *within;
    }
    if (!r.ok || (under && (within || r.latencyMs >= kCloseToLimit * opts.latencyLimitMs)))
      return r;
    if (under)
      within = r;
    share = 1 - (1 - share) * opts.latencyLimitMs / r.latencyMs; // the estimate's ratio to the pass's model
  }
  if (within) // found in the last round (the module the hook saw)
    return *within;
  r.ok = false;
  r.error = llvm::formatv("error: --latency-limit {0} ms: pruning reached about {1:F2} ms\n",
                          limitText(opts.latencyLimitMs), r.latencyMs)
                .str();
  return r;
}

/// The weights' share of the budgets: --weights-limit, or the flash less the code, whichever is smaller (-1:
/// none).
static int64_t weightsShare(int64_t weightsLimit, int64_t flashLimit, int64_t codeBytes) {
  if (flashLimit >= 0 && (weightsLimit < 0 || flashLimit - codeBytes < weightsLimit))
    return flashLimit - codeBytes;
  return weightsLimit;
}

/// `opts` with the device's RAM and flash limits where none is given, as compileOnce applies them.
static CompileOptions withDeviceLimits(CompileOptions opts) {
  CompileResult ignored;
  applyDevice(opts, ignored);
  return opts;
}

/// auto's int16 activations use an arena estimate without kernel scratch: over the RAM limit, compile again with
/// their limit lowered by the excess (twice at most; a plan without int16 layers is over for another reason).
static CompileResult compileWithinRam(CompileOptions opts, int64_t passFlashLimit) {
  CompileResult r = compileOnce(opts, passFlashLimit);
  for (int round = 0; round < 2 && r.ramExceeded && r.int16Layers > 0 && opts.precision == "auto"; ++round) {
    int64_t limit = opts.activationArenaLimit >= 0 ? opts.activationArenaLimit : r.ramLimit;
    opts.activationArenaLimit = std::max<int64_t>(0, limit - (r.arenaBytes - r.ramLimit));
    r = compileOnce(opts, passFlashLimit);
  }
  return r;
}

/// Flash holds weights and code, the passes budget weights: when the weights exceed their share of the
/// limits (the flash less the code, or --weights-limit), compile again with the passes' budget lowered by the
/// excess (the smallest kernels, or the searches within it). The searches count weights in the plain layout, so
/// a kernel that stores more (its own tables, a wider layout) is paid for here; at most three times (without a
/// search, while the weights shrink).
static CompileResult compileWithinFlash(const CompileOptions &opts) {
  CompileResult r = compileWithinRam(opts, -1);
  int64_t passBudget = weightsShare(opts.weightsLimit, r.flashLimit, 0); // what compileOnce gave the passes
  bool searched = opts.precision == "auto" || opts.prune == "auto";
  // A search's step doubles while it is still over: its plans jump with the budget (digits-cnn on Cortex-M55 at
  // batch 16 came back 56 bytes over at three budgets in a row).
  for (int64_t round = 0, step = 0; round < 3 && r.flashExceeded && passBudget >= 0; ++round) {
    int64_t share = weightsShare(opts.weightsLimit, r.flashLimit, r.codeBytes);
    step = searched ? std::max(r.weightBytes - share, 2 * step) : r.weightBytes - share;
    int64_t next = std::min(share, passBudget - step);
    if (next <= 0 || next >= passBudget)
      break;
    CompileResult again = compileWithinRam(opts, passBudget = next);
    bool shrank = again.weightBytes < r.weightBytes;
    r = std::move(again);
    if (!shrank && !searched) // a search may take a few rounds to leave its plan; the kernels' choice does not
      break;
  }
  // int16 layers store int64 biases, in their kernels' layouts: the activations' choice may be what does not fit.
  if (r.flashExceeded && r.int16Layers > 0 && opts.precision == "auto" && opts.activationArenaLimit != -2) {
    CompileOptions narrow = opts;
    narrow.activationArenaLimit = -2;
    return compileWithinFlash(narrow);
  }
  return r;
}

/// What compileAutoToLatency prices: each conv/fully connected layer's instructions at int8, int4 and int2
/// weights, the other layers' instructions, and an instruction's time at the device clock.
struct LayerPrices {
  std::map<std::string, std::map<WeightPrecision, double>> byNode;
  std::map<std::string, double> int16ByNode; ///< with int8 weights and int16 activations (w8a16), when priced
  double rest = 0;                           ///< instructions of the layers without weights (the int8 compile's)
  double msPerInstruction = 0;               ///< the int8 compile's estimate over its instructions
  std::string optimize;                      ///< the kernels priced: the ones the compile will use
};

/// Prices the layers by uniform int8, int4 and int2 compiles without budgets (the report's per-layer estimate:
/// the kernels each precision lowers to on the target, the cost model's instructions). With prune=auto they are
/// compiled unpruned: the prices pruning would start from. With a RAM limit given as such the search may spend it
/// on int16 activations, so a fourth compile prices every layer at w8a16 (skipped where the target has no costs
/// for the int16 kernels). On failure `failed` is the compile that says why.
static bool priceLayers(const CompileOptions &opts, LayerPrices &prices, CompileResult &failed) {
  bool wideActivations = opts.ramLimit >= 0 || opts.activationArenaLimit >= 0;
  CompileResult int8;
  auto price = [&](const std::string &optimize) {
    std::vector<std::optional<WeightPrecision>> probes{WeightPrecision::Int8, WeightPrecision::Int4,
                                                       WeightPrecision::Int2};
    if (wideActivations)
      probes.push_back(std::nullopt); // int8 weights, int16 activations everywhere
    for (std::optional<WeightPrecision> p : probes) {
      const char *what = p ? precisionName(*p) : "w8a16";
      CompileOptions probe = opts;
      probe.precision = p ? precisionName(*p) : "int8";
      if (!p) {
        probe.layerPrecision.clear();
        for (const auto &[node, byPrecision] : prices.byNode)
          probe.layerPrecision.push_back(node + "=w8a16");
      }
      probe.optimize = optimize;
      probe.latencyLimitMs = probe.maxAccuracyDrop = -1;
      probe.ramLimit = probe.flashLimit = INT64_MAX;
      probe.weightsLimit = -1;
      if (probe.prune == "auto")
        probe.prune.clear();
      probe.onNN = nullptr; // prices, not a candidate: a driver's nn-level hook (emlc fit's scoring) skips them
      if (opts.progress)
        probe.progress = [&, what](const std::string &step, int64_t done, int64_t total) {
          opts.progress(std::string("pricing ") + what + " layers: " + step, done, total);
        };
      CompileResult r = compileOnce(probe, -1);
      if (!r.ok) {
        failed = r;
        failed.error = std::string("error: --latency-limit: pricing the layers at ") + what + " failed:\n" + r.error;
        return false;
      }
      if (!p && r.latencyMs < 0) // an int16 kernel without costs on this target: activations stay int8
        continue;
      double priced = 0;
      for (const auto &[node, instructions] : weightedLayerInstructions(r.reportJson))
        (p ? prices.byNode[node][*p] : prices.int16ByNode[node]) = instructions, priced += instructions;
      if (p == WeightPrecision::Int8)
        int8 = r, prices.rest = (double)r.instructionsEstimate - priced;
    }
    prices.optimize = optimize;
    return true;
  };
  if (!price(opts.optimize))
    return false;
  // The fastest kernels may store int8 weights wider than the budget allows: then the compile will use the
  // smallest ones, so those are the ones to price.
  CompileOptions limited = withDeviceLimits(opts);
  int64_t weightsBudget = weightsShare(limited.weightsLimit, limited.flashLimit, int8.codeBytes);
  if (opts.optimize == "speed" && weightsBudget >= 0 && int8.weightBytes > weightsBudget && !price("size"))
    return false;
  if (int8.device.empty() || int8.latencyMs < 0 || int8.instructionsEstimate <= 0) {
    failed = int8;
    failed.ok = false;
    failed.error = "error: --latency-limit needs --device (its clock) and a target whose cost model prices every "
                   "layer\n";
    return false;
  }
  prices.msPerInstruction = int8.latencyMs / (double)int8.instructionsEstimate;
  return true;
}

/// Each priced layer's fastest weight precision (the widest of equally fast ones).
static std::map<std::string, WeightPrecision> fastestPrecisions(const LayerPrices &prices) {
  std::map<std::string, WeightPrecision> fastest;
  for (const auto &[node, byPrecision] : prices.byNode) {
    auto best = byPrecision.begin(); // widest first: the map is ordered as WeightPrecision
    for (auto it = byPrecision.begin(); it != byPrecision.end(); ++it)
      if (it->second < best->second)
        best = it;
    fastest[node] = best->first;
  }
  return fastest;
}

/// `opts` as a uniform int8 compile with every priced layer the user did not pin pinned to its fastest precision
/// (--layer-precision NAME=wNa8): what pruning toward the limit starts from when no plan of precisions reaches it.
static CompileOptions pinnedToFastest(const CompileOptions &opts, const LayerPrices &prices) {
  CompileOptions pinned = opts;
  pinned.precision = "int8";
  pinned.optimize = prices.optimize;
  pinned.layerInstructions.clear();
  pinned.instructionLimit = -1;
  for (const auto &[node, p] : fastestPrecisions(prices)) {
    bool user = llvm::any_of(opts.layerPrecision,
                             [&](const std::string &pin) { return llvm::StringRef(pin).rsplit('=').first == node; });
    if (!user && p != WeightPrecision::Int8)
      pinned.layerPrecision.push_back(node + "=w" + std::to_string(storageBits(p)) + "a8");
  }
  return pinned;
}

/// precision=auto toward --latency-limit: the layers are priced (priceLayers);
/// the search then spends the instructions the limit leaves them (the time of
/// the other layers taken off) as it spends bytes. Where the compile's
/// estimate still exceeds the limit (smaller kernels chosen for the flash
/// budget), the excess comes off their share and the search runs again, at
/// most three times. With prune=auto too, a limit that even the fastest
/// precisions miss is reached by pruning: every layer at its fastest
/// precision, then compileToLatency (pricing precision and pruning together
/// would take a search over both; the fastest precisions leave the least to
/// prune).
static CompileResult compileAutoToLatency(const CompileOptions &opts) {
  LayerPrices prices;
  CompileResult r;
  if (!priceLayers(opts, prices, r))
    return r;
  double layerLimit = opts.latencyLimitMs / prices.msPerInstruction - prices.rest;
  if (layerLimit <= 0) {
    r.ok = false;
    r.error = llvm::formatv("error: --latency-limit {0} ms: the layers without weights alone take about {1:F2} ms; "
                            "raise the limit\n",
                            limitText(opts.latencyLimitMs), prices.rest * prices.msPerInstruction)
                  .str();
    return r;
  }
  double fastest = 0;
  for (const auto &[node, p] : fastestPrecisions(prices))
    fastest += prices.byNode[node][p];
  if (opts.prune == "auto" && fastest > layerLimit)
    return compileToLatency(pinnedToFastest(opts, prices));
  CompileOptions searched = opts;
  searched.optimize = prices.optimize;
  if (searched.prune == "auto") // the precisions reach the limit: nothing to prune
    searched.prune.clear();
  for (const auto &[node, byPrecision] : prices.byNode)
    searched.layerInstructions.push_back(
        formatLayerInstructions(node, byPrecision, prices.int16ByNode.count(node) ? prices.int16ByNode.at(node) : -1));
  searched.instructionLimit = layerLimit;
  for (int round = 0; round < 4; ++round) {
    if (searched.instructionLimit <= 0)
      break;
    r = compileWithinFlash(searched);
    if (!r.ok || r.latencyMs <= opts.latencyLimitMs)
      return r;
    searched.instructionLimit -= (r.latencyMs - opts.latencyLimitMs) / prices.msPerInstruction;
  }
  r.ok = false;
  r.error = llvm::formatv("error: --latency-limit {0} ms: the precision search reached about {1:F2} ms\n",
                          limitText(opts.latencyLimitMs), r.latencyMs)
                .str();
  return r;
}

/// prune=auto toward the RAM limit (--ram-limit, or the device's arena region): the compile that prunes toward
/// flash (or, without a flash limit, the unpruned one) measures the arena; activations shrink about as the
/// square root of the MACs kept (both sides of a layer lose channels), so the share of MACs to remove is the
/// one that would scale the arena to the limit, corrected by each compile's arena (at most four times, with
/// more where the weights then exceed the flash).
static CompileResult compileToRam(const CompileOptions &opts) {
  CompileOptions limited = withDeviceLimits(opts), first = opts; // (the compiles name the device's limits)
  bool flashGoal = limited.flashLimit >= 0 || limited.weightsLimit >= 0;
  if (!flashGoal)
    first.prune.clear();
  CompileResult r = compileWithinFlash(first);
  if (r.ok || !r.ramExceeded)
    return r;
  int64_t ramLimit = limited.ramLimit, arena = r.arenaBytes;
  double kept = 1, over = 1;         // MACs kept: the last share tried, and the least kept that was still over
  std::optional<CompileResult> best; // the compile that fits with the most MACs kept
  double bestKept = 0;
  for (int round = 0; round < 6; ++round) {
    if (best && round >= 4)
      break;
    double ratio = (double)ramLimit / (double)std::max<int64_t>(arena, 1);
    // Until one fits: scale by the arena's excess (at least 5% more each round); then halve the gap to the
    // last share that did not fit, to remove no more than needed.
    kept = best ? (bestKept + over) / 2 : std::min(kept * ratio * ratio, kept * 0.95);
    if (kept < 0.05) {
      r.ok = false;
      r.error = llvm::formatv("error: --prune=auto: pruning toward {0} bytes of RAM reached {1} bytes with {2:P0} of "
                              "the MACs removed; the arena's peak does not shrink with the channels (the model's "
                              "input or output buffers?): raise the RAM limit\n",
                              ramLimit, arena, 1 - kept / 0.95)
                    .str();
      return r;
    }
    CompileOptions pruned = opts;
    pruned.prune = llvm::formatv("{0:F4}", 1 - kept).str();
    r = compileWithinFlash(pruned);
    if (!r.ok && !r.ramExceeded && !r.flashExceeded) { // another failure: pruning cannot go on
      std::string why = r.error.rfind("error: ", 0) == 0 ? r.error.substr(7) : r.error;
      r.error =
          llvm::formatv("error: --prune=auto toward {0} bytes of RAM (the arena took {1}): ", ramLimit, arena).str() +
          why;
      return r;
    }
    if (r.ok && (!best || kept > bestKept))
      best = r, bestKept = kept;
    else if (!r.ok)
      over = std::min(over, kept);
    if (r.ramExceeded)
      arena = r.arenaBytes;
  }
  return best ? *best : r;
}

CompileResult compileModel(const CompileOptions &opts) {
  if (opts.precision == "auto" && !opts.quantize.empty() && opts.latencyLimitMs >= 0)
    return compileAutoToLatency(opts); // (with prune=auto: pruning where the precisions cannot reach the limit)
  if (opts.prune == "auto" && opts.latencyLimitMs >= 0)
    return compileToLatency(opts);
  if (opts.prune == "auto" && (opts.ramLimit >= 0 || !opts.device.empty()))
    return compileToRam(opts);
  return compileWithinFlash(opts);
}

} // namespace emlc
