//===- Fit.h - emlc fit: the most accurate module that fits a device -*- C++ -*-===//
//
// `emlc fit MODEL --device D`: compiles the model in every configuration of a
// small grid (weight precision: float where the core has an FPU, int8, int4,
// mixed `auto` within the flash; pruning: none, 25%, 50% of the MACs; kernels:
// speed or size), each against the device's RAM and flash (weights + code),
// measures each one's accuracy in the interpreter on the held-out validation
// set when one is given, else on the calibration set (top-1 with labels, else
// output SQNR against the float model) and its latency from the target's cost
// model at the device's clock, and keeps the most accurate candidate that
// fits (and meets --latency-limit and --max-accuracy-drop); ties go to the
// faster one. With a latency limit the `auto` candidates are compiled toward
// it (CompileOptions::latencyLimitMs: the precision search spends the
// instructions the limit leaves), not only judged against it, and int8 and
// auto are also pruned toward it (prune "auto": as much as the limit asks
// for, not a ratio of the grid). Every candidate is reported (JSON,
// schema docs/fit.schema.json) and plotted (SVG).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PIPELINE_FIT_H
#define EMLC_PIPELINE_FIT_H

#include "emlc/Pipeline/Compiler.h"
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace emlc {

struct FitOptions {
  std::string modelPath, device, name = "model";
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::string calibration, labels; ///< labels: top-1 accuracy; without, SQNR vs float
  /// A held-out set (.npy, samples on axis 0) the candidates are scored on instead of the calibration set
  /// (which quantization, pruning and error feedback were fitted to); with its labels top-1, else SQNR.
  std::string validation, validationLabels;
  double maxAccuracyDrop = -1; ///< top-1 points (labels) or dB of SQNR below 200 it may lose; -1: none
  double latencyLimitMs = -1;  ///< at the device clock, from the cost model; -1: none
  std::vector<double> pruneRatios{0.0, 0.25, 0.5};
  /// Observes progress (what, done, total) of the candidates and of their calibration.
  std::function<void(const std::string &, int64_t, int64_t)> progress;
};

/// How a candidate's pruning share was chosen: a ratio of the grid (--prune-ratios), or toward --latency-limit.
enum class PruneGoal { Ratio, LatencyLimit };

struct FitCandidate {
  std::string precision; ///< float, int8, int4, auto
  /// Share of conv/fully connected MACs removed: the ratio asked (Ratio), or what pruning toward the latency
  /// limit removed (LatencyLimit; 0 before the compile, and when the limit needed none).
  double prune = 0;
  PruneGoal pruneGoal = PruneGoal::Ratio;
  std::string optimize;                               ///< speed or size (what the kernels were chosen for)
  bool compiled = false, fits = false, meets = false; ///< meets: fits and the latency/accuracy limits
  std::string why;                                    ///< why not (refusal or limit), "" when it meets them
  int64_t ramBytes = 0, flashBytes = 0, weightBytes = 0, codeBytes = 0, instructions = 0, macs = 0;
  double latencyMs = -1;
  double accuracy = -1; ///< top-1 on the scoring set (FitResult::scoredOn; with labels)
  double sqnrDB = -1;   ///< first output's SQNR vs the float model on the scoring set
};

struct FitResult {
  bool ok = false;
  std::string error; ///< "error: ..." lines
  std::vector<std::string> warnings;
  std::vector<FitCandidate> candidates;
  int chosen = -1;
  double floatAccuracy = -1; ///< the float model's top-1 (labels)
  /// Which samples scored the candidates: "validation" (held out), "calibration" (the ones the candidates were
  /// fitted to: flattering) or "none" (no samples); the file and how many samples.
  std::string scoredOn = "none", scoredPath;
  int64_t scoredSamples = 0;
  bool topOne = false;          ///< scored by top-1 (labels of the scoring set), else by SQNR vs float
  CompileResult module;         ///< the chosen candidate's compile (C files, report)
  CompileOptions chosenOptions; ///< how it was compiled (emlc fit --measure verifies it so)
  std::string json, svg;        ///< every candidate, and their plot
};

FitResult fitModel(const FitOptions &options);

struct DeviceInfo;
/// The candidates as JSON (docs/fit.schema.json) and as an SVG plot: accuracy
/// (or SQNR) against latency, flash as the marker's size, the Pareto front
/// of the fitting candidates and the chosen one marked (FitReport.cpp).
std::string fitJSON(const FitOptions &options, const FitResult &result, const DeviceInfo &device, bool labels);
std::string fitSVG(const FitOptions &options, const FitResult &result, const DeviceInfo &device, bool labels);
/// Candidates no other fitting one beats on both score (higher) and latency (lower).
std::vector<bool> paretoFront(const std::vector<FitCandidate> &candidates, bool labels);

} // namespace emlc

#endif
