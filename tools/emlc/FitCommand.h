//===- FitCommand.h - `emlc fit` --------------------------------*- C++ -*-===//
#ifndef EMLC_TOOLS_EMLC_FITCOMMAND_H
#define EMLC_TOOLS_EMLC_FITCOMMAND_H

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

/// The `fit` command line, as parsed.
struct FitArgs {
  std::string model, out, device, name = "model", calibration, labels, validation, validationLabels, candidates, plot;
  std::vector<std::string> shapes;
  std::vector<double> pruneRatios{0.0, 0.25, 0.5};
  double maxAccuracyDrop = -1, latencyLimit = -1;
  bool measure = false;
  std::string plugin; ///< the QEMU instruction-counting plugin (set by main from emlc's location)
};

/// Declares the `fit` subcommand and its options on `app`.
CLI::App *addFitCommand(CLI::App &app, FitArgs &args);
/// Runs it; returns the process exit code (0 ok, 1 nothing fits or a model error, 2 usage).
int runFit(const FitArgs &args);

#endif
