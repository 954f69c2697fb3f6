//===- Fit.cpp - emlc fit: search the configurations that fit a device ---------===//

#include "emlc/Pipeline/Fit.h"
#include "emlc/Devices/Device.h"
#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Quantization/MixedPrecision.h"
#include "emlc/Quantization/PTQ.h"
#include "emlc/Support/TensorFiles.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "targets/Target.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace mlir;

namespace emlc {
namespace {

/// What one candidate's nn module computes on the evaluation samples.
struct Evaluation {
  std::vector<std::vector<float>> outputs; ///< first output per sample
  std::string error;
};

Evaluation evaluate(ModuleOp module, const std::vector<Tensor> &samples) {
  Evaluation e;
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn) {
    e.error = "no @main function";
    return e;
  }
  Interpreter interp(fn);
  for (const Tensor &s : samples) {
    std::vector<Tensor> outs;
    if (!interp.run({s}, outs, e.error))
      return e;
    e.outputs.push_back(outs.empty() ? std::vector<float>() : outs[0].data);
  }
  return e;
}

double topOne(const Evaluation &e, const std::vector<int64_t> &labels) {
  int64_t right = 0;
  for (size_t i = 0; i < e.outputs.size() && i < labels.size(); ++i) {
    const std::vector<float> &o = e.outputs[i];
    right += !o.empty() && std::max_element(o.begin(), o.end()) - o.begin() == labels[i];
  }
  return e.outputs.empty() ? -1 : (double)right / (double)e.outputs.size();
}

double sqnrAgainst(const Evaluation &e, const Evaluation &ref) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < e.outputs.size() && i < ref.outputs.size(); ++i)
    for (size_t k = 0; k < e.outputs[i].size() && k < ref.outputs[i].size(); ++k) {
      double r = ref.outputs[i][k], d = e.outputs[i][k] - r;
      signal += r * r;
      noise += d * d;
    }
  return sqnrDB(signal, noise);
}

/// The default calibration: the input of test_data_set_0 next to the model
/// (the folder also holds the expected outputs, which are not samples).
std::string defaultCalibration(const std::string &model) {
  auto file = std::filesystem::path(model).parent_path() / "test_data_set_0" / "input_0.pb";
  return std::filesystem::is_regular_file(file) ? file.string() : "";
}

/// The samples the candidates are scored on, loaded once for the model's input.
struct ScoringSet {
  std::vector<Tensor> samples;
  std::vector<int64_t> classes;
  size_t calibrationSamples = 0; ///< what quantization and pruning fit (their few-samples fallback)
  std::string error;             ///< a usage error: the set does not suit the model
};

int64_t elements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// --validation X.npy [--validation-labels Y.npy]: one model input a sample on axis 0, one class index of the
/// model's outputs a sample. Strict, unlike calibration (which may pack several samples into one input): a
/// held-out score on reshaped or misaligned samples would be a wrong number, not an error.
bool loadValidation(const FitOptions &o, func::FuncOp fn, ScoringSet &set) {
  auto in = llvm::cast<ShapedType>(fn.getArgument(0).getType());
  std::vector<int64_t> shape(in.getShape().begin(), in.getShape().end());
  std::string err;
  std::vector<float> values;
  std::vector<int64_t> dims;
  if (!llvm::StringRef(o.validation).ends_with(".npy")) {
    set.error = "--validation " + o.validation + ": wants one .npy file, the samples on axis 0";
    return false;
  }
  if (!readNpy(o.validation, values, dims, err)) {
    set.error = "--validation: " + err;
    return false;
  }
  int64_t count = dims.empty() ? 0 : dims[0], each = count > 0 ? (int64_t)values.size() / count : 0;
  if (dims.size() < 2 || count <= 0 || each != elements(shape)) {
    set.error = llvm::formatv("--validation {0}: samples of shape {1} ({2} values each), but the model input {3} "
                              "takes {4} values: one input a sample, the samples on axis 0",
                              o.validation, shapeText(dims), each, shapeText(shape), elements(shape))
                    .str();
    return false;
  }
  for (int64_t k = 0; k < count; ++k) {
    Tensor t;
    t.shape = shape;
    t.data.assign(values.begin() + k * each, values.begin() + (k + 1) * each);
    set.samples.push_back(std::move(t));
  }
  if (o.validationLabels.empty())
    return true;
  std::vector<float> labels;
  if (!readNpy(o.validationLabels, labels, dims, err)) {
    set.error = "--validation-labels: " + err;
    return false;
  }
  if ((int64_t)labels.size() != count) {
    set.error = llvm::formatv("--validation-labels {0}: {1} labels for the {2} samples of {3} (one class a sample)",
                              o.validationLabels, labels.size(), count, o.validation)
                    .str();
    return false;
  }
  auto out = llvm::dyn_cast<ShapedType>(fn.getFunctionType().getResult(0));
  int64_t classes = out && out.hasStaticShape() ? elements(out.getShape()) : -1;
  for (size_t k = 0; k < labels.size(); ++k) {
    if (labels[k] < 0 || labels[k] != std::floor(labels[k]) || (classes > 0 && labels[k] >= (float)classes)) {
      set.error = llvm::formatv("--validation-labels {0}: label {1} of sample {2} is not a class of the model's {3} "
                                "outputs (0..{4})",
                                o.validationLabels, limitText(labels[k]), k, classes, classes - 1)
                      .str();
      return false;
    }
    set.classes.push_back((int64_t)labels[k]);
  }
  return true;
}

/// The scoring set for the model at hand (the float candidate's nn module): the validation set when given, else
/// the calibration set and its labels.
bool loadScoringSet(const FitOptions &o, const std::string &calibration, ModuleOp module, ScoringSet &set) {
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn || fn.getNumArguments() < 1 || fn.getNumResults() < 1) {
    set.error = "the model has no @main with an input and an output to score";
    return false;
  }
  auto shape = llvm::cast<ShapedType>(fn.getArgument(0).getType()).getShape();
  std::vector<Tensor> calib;
  std::string err;
  if (!calibration.empty() && !loadCalibrationSet(calibration, *module.getContext(),
                                                  std::vector<int64_t>(shape.begin(), shape.end()), calib, err)) {
    set.error = "--calibration: " + err;
    return false;
  }
  set.calibrationSamples = calib.size();
  if (!o.validation.empty())
    return loadValidation(o, fn, set);
  set.samples = std::move(calib);
  if (!o.labels.empty() && !loadLabels(o.labels, set.samples.size(), set.classes, err)) {
    set.error = "--calibration-labels: " + err;
    return false;
  }
  return true;
}

/// The grid: precisions x pruning ratios x kernel choices.
std::vector<FitCandidate> grid(const FitOptions &o, bool quantizable) {
  std::vector<FitCandidate> cs;
  std::vector<std::string> precisions{"float"};
  if (quantizable)
    precisions.insert(precisions.end(), {"int8", "int4", "auto"});
  for (const std::string &p : precisions)
    for (double r : o.pruneRatios)
      for (const char *opt : {"speed", "size"}) {
        FitCandidate c;
        c.precision = p;
        c.prune = r;
        c.optimize = opt;
        cs.push_back(c);
      }
  return cs;
}

/// The candidates pruned toward --latency-limit, decided once the grid is scored: the fixed ratios overshoot the
/// limit (removing more than it needs, and accuracy with it) or fall short of it. One for int8 and one for auto
/// (auto then keeps each layer at its fastest precision and prunes the rest), or for float without calibration;
/// with the kernels of the faster unpruned candidate of that precision (speed when neither has an estimate):
/// pruned to the same limit, the slower kernels would lose more. None for a precision whose unpruned candidate
/// is already within the limit: there is nothing to prune.
std::vector<FitCandidate> prunedToLatency(const FitOptions &o, const std::vector<FitCandidate> &grid) {
  std::vector<FitCandidate> more;
  if (o.latencyLimitMs < 0)
    return more;
  bool quantized = std::any_of(grid.begin(), grid.end(), [](const FitCandidate &c) { return c.precision != "float"; });
  for (const char *p : quantized ? std::vector<const char *>{"int8", "auto"} : std::vector<const char *>{"float"}) {
    FitCandidate c;
    c.precision = p;
    c.pruneGoal = PruneGoal::LatencyLimit;
    c.optimize = "speed";
    double fastest = -1;
    for (const FitCandidate &u : grid)
      if (u.precision == p && u.prune == 0 && u.latencyMs >= 0 && (fastest < 0 || u.latencyMs < fastest))
        fastest = u.latencyMs, c.optimize = u.optimize;
    if (fastest < 0 || fastest > o.latencyLimitMs)
      more.push_back(c);
  }
  return more;
}

/// "int8 prune 0.25 speed", or "int8 prune toward 18.36 ms speed": a candidate in the progress lines.
std::string candidateText(const FitOptions &o, const FitCandidate &c) {
  std::string prune = c.pruneGoal == PruneGoal::LatencyLimit ? "toward " + limitText(o.latencyLimitMs) + " ms"
                                                             : llvm::formatv("{0:F2}", c.prune).str();
  return c.precision + " prune " + prune + " " + c.optimize;
}

/// Below this many calibration samples the least-squares correction and the reconstruction importance overfit
/// them (and, without --validation, those are the very samples the candidates are judged on): pruning then uses
/// weight norms, uncorrected.
constexpr size_t kFewSamples = 64;

CompileOptions compileOptionsFor(const FitOptions &o, const FitCandidate &c, const std::string &calibration,
                                 size_t calibrationSamples) {
  CompileOptions co;
  co.modelPath = o.modelPath;
  co.name = o.name;
  co.inputShapes = o.inputShapes;
  co.device = o.device;
  co.optimize = c.optimize;
  co.calibrationPath = calibration;
  if (c.pruneGoal == PruneGoal::LatencyLimit) { // compileModel prunes the share the limit asks for
    co.prune = "auto";
    co.latencyLimitMs = o.latencyLimitMs;
  } else if (c.prune > 0) {
    co.prune = llvm::formatv("{0}", c.prune).str();
  }
  if (!co.prune.empty()) {
    co.pruneSchedule = "uniform"; // the sensitivity schedule costs minutes a candidate
    if (calibrationSamples < kFewSamples)
      co.pruneImportance = "l2", co.pruneCorrection = "off";
  }
  if (c.precision != "float") {
    co.quantize = "int8";
    co.precision = c.precision;
    co.calibrationLabels = c.precision == "auto" ? o.labels : "";
    // The mixed search aims at the latency limit (it prices each layer at int8/int4/int2 with the target's cost
    // model and spends the instructions the limit leaves) rather than being judged against it afterwards.
    if (c.precision == "auto")
      co.latencyLimitMs = o.latencyLimitMs;
  }
  return co;
}

/// A refusal by the latency goal of a compile that otherwise fits: its numbers stand, it does not meet the limit.
bool latencyRefusal(const CompileResult &cr) {
  return !cr.ok && !cr.ramExceeded && !cr.flashExceeded && cr.arenaBytes > 0 && cr.latencyMs >= 0 &&
         cr.error.rfind("error: --latency-limit", 0) == 0;
}

/// A candidate's numbers from its compile, and why it is not kept (its own refusal).
void record(FitCandidate &c, const CompileResult &cr) {
  bool slow = latencyRefusal(cr);
  if (c.pruneGoal == PruneGoal::LatencyLimit)
    c.prune = cr.prunedMacShare;
  c.compiled = cr.ok || cr.ramExceeded || cr.flashExceeded || slow;
  c.fits = cr.ok || slow;
  c.ramBytes = cr.arenaBytes;
  c.weightBytes = cr.weightBytes;
  c.codeBytes = cr.codeBytes;
  c.flashBytes = cr.weightBytes + cr.codeBytes;
  c.macs = cr.macs;
  c.instructions = cr.instructionsEstimate;
  c.latencyMs = cr.latencyMs;
  if (!cr.optimize.empty() && cr.optimize != c.optimize)
    c.why = "the " + c.optimize + " kernels do not fit: the same as optimize=" + cr.optimize;
  else if (!cr.ok)
    c.why = cr.error.substr(0, cr.error.find('\n'));
}

/// The most accurate candidate that meets the limits; the faster one of (nearly) equals.
int chooseCandidate(const std::vector<FitCandidate> &cs, bool labels) {
  auto score = [&](const FitCandidate &c) { return labels ? 100 * c.accuracy : c.sqnrDB; };
  int chosen = -1;
  for (size_t i = 0; i < cs.size(); ++i) {
    if (!cs[i].meets)
      continue;
    if (chosen < 0) {
      chosen = (int)i;
      continue;
    }
    const FitCandidate &b = cs[chosen];
    double tol = labels ? 0.1 : 0.5;                                                      // top-1 points, dB
    auto ms = [](const FitCandidate &c) { return c.latencyMs < 0 ? 1e30 : c.latencyMs; }; // unknown: slowest
    bool better = score(cs[i]) > score(b) + tol ||
                  (std::abs(score(cs[i]) - score(b)) <= tol &&
                   (ms(cs[i]) < ms(b) || (ms(cs[i]) == ms(b) && cs[i].flashBytes < b.flashBytes)));
    if (better)
      chosen = (int)i;
  }
  return chosen;
}

/// Nothing fits: the smallest needs against the limits, and what dominates.
std::string noFitError(const std::vector<FitCandidate> &cs, const DeviceInfo &d) {
  const FitCandidate *smallFlash = nullptr, *smallRam = nullptr;
  for (const FitCandidate &c : cs)
    if (c.compiled) {
      if (!smallFlash || c.flashBytes < smallFlash->flashBytes)
        smallFlash = &c;
      if (!smallRam || c.ramBytes < smallRam->ramBytes)
        smallRam = &c;
    }
  std::string error = "error: no configuration fits " + d.name + " and meets the limits (" + std::to_string(cs.size()) +
                      " candidates)\n";
  if (smallFlash)
    error += llvm::formatv("error:   smallest flash {0} bytes (weights {1} + code {2}; {3}, pruned {4}) of {5}\n",
                           smallFlash->flashBytes, smallFlash->weightBytes, smallFlash->codeBytes,
                           smallFlash->precision, smallFlash->prune, d.flashBudget())
                 .str();
  if (smallRam)
    error += llvm::formatv("error:   smallest RAM {0} bytes of {1}\n", smallRam->ramBytes, d.ramBudget()).str();
  for (const FitCandidate &c : cs)
    if (c.compiled && !c.why.empty()) {
      error += "error:   e.g. " + c.precision + ": " + c.why + "\n";
      break;
    }
  return error;
}

} // namespace

/// Candidates no other beats on both accuracy (higher) and latency (lower).
std::vector<bool> paretoFront(const std::vector<FitCandidate> &cs, bool labels) {
  auto score = [&](const FitCandidate &c) { return labels ? c.accuracy : c.sqnrDB; };
  std::vector<bool> front(cs.size(), false);
  for (size_t i = 0; i < cs.size(); ++i) {
    if (!cs[i].fits || cs[i].latencyMs < 0)
      continue;
    front[i] = std::none_of(cs.begin(), cs.end(), [&](const FitCandidate &d) {
      return d.fits && d.latencyMs >= 0 && score(d) >= score(cs[i]) && d.latencyMs <= cs[i].latencyMs &&
             (score(d) > score(cs[i]) || d.latencyMs < cs[i].latencyMs);
    });
  }
  return front;
}

FitResult fitModel(const FitOptions &o) {
  FitResult r;
  const DeviceInfo *d = lookupDevice(o.device);
  if (!d) {
    r.error = "error: " + unknownDeviceMessage(o.device) + "\n";
    return r;
  }
  std::string calibration = o.calibration.empty() ? defaultCalibration(o.modelPath) : o.calibration;
  if (calibration.empty())
    r.warnings.push_back("no --calibration and no test_data_set_0 beside the model: only float candidates, and no "
                         "accuracy measured (give --calibration X.npy)");
  if (o.calibration.empty() && !calibration.empty())
    r.warnings.push_back("no --calibration: quantizing and evaluating on " + calibration +
                         " (one sample; give a calibration set for a meaningful accuracy)");
  std::error_code ec;
  if (!o.validation.empty() && !calibration.empty() && std::filesystem::equivalent(o.validation, calibration, ec))
    r.warnings.push_back("--validation is the calibration set: the score is not held out");
  bool labels = o.validation.empty() ? !o.labels.empty() : !o.validationLabels.empty();
  r.topOne = labels;
  if (!o.validation.empty())
    r.scoredOn = "validation", r.scoredPath = o.validation;
  else if (!calibration.empty())
    r.scoredOn = "calibration", r.scoredPath = calibration;

  // The float model first: its outputs are the reference, its top-1 the baseline.
  ScoringSet set;
  bool loaded = false;
  Evaluation reference;
  std::vector<FitCandidate> cs = grid(o, !calibration.empty());
  const size_t gridSize = cs.size();
  std::vector<CompileResult> compiles(cs.size());
  std::vector<Evaluation> evals(cs.size());
  for (size_t i = 0; i < cs.size(); ++i) {
    FitCandidate &c = cs[i];
    if (o.progress)
      o.progress("fit: candidate " + candidateText(o, c), (int64_t)i, (int64_t)cs.size());
    CompileOptions co = compileOptionsFor(o, c, calibration, set.calibrationSamples);
    Evaluation &eval = evals[i];
    // The size kernels compute what the speed ones do (the same nn module): the twin's evaluation holds, and
    // when the speed compile already fell back to the size kernels, its whole result. Not for auto toward a
    // latency limit: its search prices the layers with the kernels asked for, so the plans may differ.
    bool twin = c.optimize == "size" && i > 0 && cs[i - 1].precision == c.precision && cs[i - 1].prune == c.prune &&
                cs[i - 1].pruneGoal == c.pruneGoal;
    bool sameNN = twin && co.latencyLimitMs < 0;
    co.onNN = [&](ModuleOp module) { // (auto's pricing compiles toward a latency limit do not call it)
      if (!loaded && r.scoredOn != "none") {
        loaded = true;
        if (!loadScoringSet(o, calibration, module, set))
          return;
      }
      if (set.error.empty())
        eval = evaluate(module, set.samples);
    };
    CompileResult &cr = compiles[i];
    bool reuse = twin && compiles[i - 1].optimize == "size";
    if (reuse) {
      cr = compiles[i - 1];
    } else {
      if (sameNN)
        co.onNN = nullptr;
      cr = compileModel(co);
    }
    if (!set.error.empty()) { // the scoring set does not suit the model: nothing can be scored
      r.error = "error: " + set.error + "\n";
      return r;
    }
    if (reuse || sameNN)
      eval = evals[i - 1];
    if (!cr.ok) // keep only the numbers of what is not kept
      cr.files.clear(), cr.reportJson.clear(), cr.arenaSVG.clear();
    record(c, cr);
    if (!eval.error.empty() && c.why.empty())
      c.why = "evaluation: " + eval.error;
    if (i == 0 && !c.compiled) { // the float model itself does not compile: say why, once
      r.error = cr.error;
      return r;
    }
    if (i == 0) {
      reference = eval;
      if (eval.outputs.empty() && !set.samples.empty()) {
        r.error = "error: the float model does not evaluate: " + eval.error + "\n";
        return r;
      }
      r.floatAccuracy = labels ? topOne(eval, set.classes) : -1;
      r.scoredSamples = (int64_t)set.samples.size();
    }
    if (!eval.outputs.empty()) {
      c.accuracy = labels ? topOne(eval, set.classes) : -1;
      c.sqnrDB = sqnrAgainst(eval, reference);
    }
    if (c.fits && c.why.empty()) {
      if (o.latencyLimitMs >= 0 && (c.latencyMs < 0 || c.latencyMs > o.latencyLimitMs))
        c.why = c.latencyMs < 0
                    ? "no latency estimate for the target"
                    : llvm::formatv("{0:F3} ms > --latency-limit {1}", c.latencyMs, limitText(o.latencyLimitMs)).str();
      else if (o.maxAccuracyDrop >= 0 && labels && 100 * (r.floatAccuracy - c.accuracy) > o.maxAccuracyDrop)
        c.why = llvm::formatv("top-1 {0:F2}% is more than --max-accuracy-drop {1} below float {2:F2}%",
                              100 * c.accuracy, o.maxAccuracyDrop, 100 * r.floatAccuracy)
                    .str();
    }
    c.meets = c.fits && c.why.empty();
    if (i + 1 == gridSize) { // the grid is scored: what it says about the latency limit decides the rest
      for (const FitCandidate &more : prunedToLatency(o, cs))
        cs.push_back(more);
      compiles.resize(cs.size());
      evals.resize(cs.size());
    }
  }
  if (o.progress)
    o.progress("fit: candidates", (int64_t)cs.size(), (int64_t)cs.size());
  r.candidates = cs;
  r.chosen = chooseCandidate(cs, labels);
  r.json = fitJSON(o, r, *d, labels);
  r.svg = fitSVG(o, r, *d, labels);
  if (r.chosen < 0) {
    r.error = noFitError(cs, *d);
    return r;
  }
  r.module = std::move(compiles[r.chosen]);
  r.chosenOptions = compileOptionsFor(o, cs[r.chosen], calibration, set.calibrationSamples);
  r.ok = true;
  return r;
}

} // namespace emlc
