//===- Fit.cpp - emlc fit: search the configurations that fit a device ---------===//

#include "emlc/Pipeline/Fit.h"
#include "emlc/Devices/Device.h"
#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Quantization/MixedPrecision.h"
#include "emlc/Quantization/PTQ.h"
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

/// Below this many samples the least-squares correction and the reconstruction importance would fit the very
/// samples the candidates are judged on: pruning then uses weight norms, uncorrected.
constexpr size_t kFewSamples = 64;

CompileOptions compileOptionsFor(const FitOptions &o, const FitCandidate &c, const std::string &calibration,
                                 size_t samples) {
  CompileOptions co;
  co.modelPath = o.modelPath;
  co.name = o.name;
  co.inputShapes = o.inputShapes;
  co.device = o.device;
  co.optimize = c.optimize;
  co.calibrationPath = calibration;
  if (c.prune > 0) {
    co.prune = llvm::formatv("{0}", c.prune).str();
    co.pruneSchedule = "uniform"; // the sensitivity schedule costs minutes a candidate
    if (samples < kFewSamples)
      co.pruneImportance = "l2", co.pruneCorrection = "off";
  }
  if (c.precision != "float") {
    co.quantize = "int8";
    co.precision = c.precision;
    co.calibrationLabels = c.precision == "auto" ? o.labels : "";
  }
  return co;
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
  bool labels = !o.labels.empty();
  std::string calibration = o.calibration.empty() ? defaultCalibration(o.modelPath) : o.calibration;
  if (calibration.empty())
    r.warnings.push_back("no --calibration and no test_data_set_0 beside the model: only float candidates, and no "
                         "accuracy measured (give --calibration X.npy)");
  if (o.calibration.empty() && !calibration.empty())
    r.warnings.push_back("no --calibration: quantizing and evaluating on " + calibration +
                         " (one sample; give a calibration set for a meaningful accuracy)");

  // The float model first: its outputs are the reference, its top-1 the baseline.
  std::vector<Tensor> samples;
  std::vector<int64_t> classes;
  Evaluation reference;
  std::vector<FitCandidate> cs = grid(o, !calibration.empty());
  std::vector<CompileResult> compiles(cs.size());
  std::vector<Evaluation> evals(cs.size());
  for (size_t i = 0; i < cs.size(); ++i) {
    FitCandidate &c = cs[i];
    if (o.progress)
      o.progress(llvm::formatv("fit: candidate {0} prune {1} {2}", c.precision, c.prune, c.optimize).str(), (int64_t)i,
                 (int64_t)cs.size());
    CompileOptions co = compileOptionsFor(o, c, calibration, samples.size());
    Evaluation &eval = evals[i];
    // The size kernels compute what the speed ones do (the same nn module): the twin's evaluation holds, and
    // when the speed compile already fell back to the size kernels, its whole result.
    bool twin = c.optimize == "size" && i > 0 && cs[i - 1].precision == c.precision && cs[i - 1].prune == c.prune;
    co.onNN = [&](ModuleOp module) {
      if (samples.empty() && !calibration.empty()) {
        auto fn = module.lookupSymbol<func::FuncOp>("main");
        auto shape = llvm::cast<ShapedType>(fn.getArgument(0).getType()).getShape();
        if (!loadCalibrationSet(calibration, *module.getContext(), std::vector<int64_t>(shape.begin(), shape.end()),
                                samples, eval.error))
          return;
        if (labels && !loadLabels(o.labels, samples.size(), classes, eval.error))
          return;
      }
      eval = evaluate(module, samples);
    };
    CompileResult &cr = compiles[i];
    if (twin && compiles[i - 1].optimize == "size") {
      cr = compiles[i - 1];
    } else {
      if (twin)
        co.onNN = nullptr;
      cr = compileModel(co);
    }
    if (twin)
      eval = evals[i - 1];
    if (!cr.ok) // keep only the numbers of what is not kept
      cr.files.clear(), cr.reportJson.clear(), cr.arenaSVG.clear();
    c.compiled = cr.ok || cr.ramExceeded || cr.flashExceeded;
    c.fits = cr.ok;
    c.ramBytes = cr.arenaBytes;
    c.weightBytes = cr.weightBytes;
    c.codeBytes = cr.codeBytes;
    c.flashBytes = cr.weightBytes + cr.codeBytes;
    c.macs = cr.macs;
    c.instructions = cr.instructionsEstimate;
    c.latencyMs = cr.latencyMs;
    if (!cr.optimize.empty() && cr.optimize != c.optimize)
      c.why = "the " + c.optimize + " kernels do not fit: the same as optimize=" + cr.optimize;
    else if (!c.compiled)
      c.why = cr.error.substr(0, cr.error.find('\n'));
    else if (!cr.ok)
      c.why = cr.error.substr(0, cr.error.find('\n'));
    if (!eval.error.empty() && c.why.empty())
      c.why = "evaluation: " + eval.error;
    if (i == 0 && !c.compiled) { // the float model itself does not compile: say why, once
      r.error = cr.error;
      return r;
    }
    if (i == 0) {
      reference = eval;
      if (eval.outputs.empty() && !samples.empty()) {
        r.error = "error: the float model does not evaluate: " + eval.error + "\n";
        return r;
      }
      r.floatAccuracy = labels ? topOne(eval, classes) : -1;
    }
    if (!eval.outputs.empty()) {
      c.accuracy = labels ? topOne(eval, classes) : -1;
      c.sqnrDB = sqnrAgainst(eval, reference);
    }
    if (c.fits && c.why.empty()) {
      if (o.latencyLimitMs >= 0 && (c.latencyMs < 0 || c.latencyMs > o.latencyLimitMs))
        c.why = c.latencyMs < 0 ? "no latency estimate for the target"
                                : llvm::formatv("{0:F2} ms > --latency-limit {1}", c.latencyMs, o.latencyLimitMs).str();
      else if (o.maxAccuracyDrop >= 0 && labels && 100 * (r.floatAccuracy - c.accuracy) > o.maxAccuracyDrop)
        c.why = llvm::formatv("top-1 {0:F2}% is more than --max-accuracy-drop {1} below float {2:F2}%",
                              100 * c.accuracy, o.maxAccuracyDrop, 100 * r.floatAccuracy)
                    .str();
    }
    c.meets = c.fits && c.why.empty();
  }
  if (o.progress)
    o.progress("fit: candidates", (int64_t)cs.size(), (int64_t)cs.size());
  r.candidates = cs;

  // The most accurate candidate that meets the limits; the faster one of (nearly) equals.
  auto score = [&](const FitCandidate &c) { return labels ? 100 * c.accuracy : c.sqnrDB; };
  for (size_t i = 0; i < cs.size(); ++i) {
    if (!cs[i].meets)
      continue;
    if (r.chosen < 0) {
      r.chosen = (int)i;
      continue;
    }
    const FitCandidate &b = cs[r.chosen];
    double tol = labels ? 0.1 : 0.5;                                                      // top-1 points, dB
    auto ms = [](const FitCandidate &c) { return c.latencyMs < 0 ? 1e30 : c.latencyMs; }; // unknown: slowest
    bool better = score(cs[i]) > score(b) + tol ||
                  (std::abs(score(cs[i]) - score(b)) <= tol &&
                   (ms(cs[i]) < ms(b) || (ms(cs[i]) == ms(b) && cs[i].flashBytes < b.flashBytes)));
    if (better)
      r.chosen = (int)i;
  }
  r.json = fitJSON(o, r, *d, labels);
  r.svg = fitSVG(o, r, *d, labels);
  if (r.chosen < 0) {
    // Nothing fits: the smallest needs against the limits, and what dominates.
    const FitCandidate *smallFlash = nullptr, *smallRam = nullptr;
    for (const FitCandidate &c : cs)
      if (c.compiled) {
        if (!smallFlash || c.flashBytes < smallFlash->flashBytes)
          smallFlash = &c;
        if (!smallRam || c.ramBytes < smallRam->ramBytes)
          smallRam = &c;
      }
    r.error = "error: no configuration fits " + d->name + " and meets the limits (" + std::to_string(cs.size()) +
              " candidates)\n";
    if (smallFlash)
      r.error += llvm::formatv("error:   smallest flash {0} bytes (weights {1} + code {2}; {3}, pruned {4}) of {5}\n",
                               smallFlash->flashBytes, smallFlash->weightBytes, smallFlash->codeBytes,
                               smallFlash->precision, smallFlash->prune, d->flashBudget())
                     .str();
    if (smallRam)
      r.error += llvm::formatv("error:   smallest RAM {0} bytes of {1}\n", smallRam->ramBytes, d->ramBudget()).str();
    for (const FitCandidate &c : cs)
      if (c.compiled && !c.why.empty()) {
        r.error += "error:   e.g. " + c.precision + ": " + c.why + "\n";
        break;
      }
    return r;
  }
  r.module = std::move(compiles[r.chosen]);
  r.chosenOptions = compileOptionsFor(o, cs[r.chosen], calibration, samples.size());
  r.ok = true;
  return r;
}

} // namespace emlc
