//===- FitCommand.cpp - `emlc fit MODEL --device D -o OUT` ----------------------===//
//
// The edge-ML service flow in one command: the most accurate configuration of
// the model that fits the device (fitModel, lib/Pipeline/Fit.cpp), written
// like `emlc compile` writes a module, with every candidate as JSON and SVG.
//
//===----------------------------------------------------------------------===//

#include "FitCommand.h"
#include "Options.h"
#include "emlc/Devices/Device.h"
#include "emlc/Pipeline/Fit.h"
#include "emlc/Verify/Verify.h"
#include "targets/Target.h"
#include <filesystem>
#include <fmt/core.h>

namespace fs = std::filesystem;

CLI::App *addFitCommand(CLI::App &app, FitArgs &a) {
  auto *fit = app.add_subcommand(
      "fit", "Find the most accurate configuration of a float model that fits a device: weight precision\n"
             "  (float, int8, int4, mixed auto), pruning (none, 25%, 50% of the MACs) and kernels (speed, size),\n"
             "  each compiled against the device's RAM and flash (weights + code), its accuracy measured in the\n"
             "  interpreter on held-out --validation samples (else on the calibration set, which quantization and\n"
             "  pruning were fitted to: a flattering score) as top-1 with labels, else SQNR vs float, its latency\n"
             "  from the target's cost model at the device clock. With --latency-limit the mixed auto candidates\n"
             "  are searched toward it, and int8 and auto are also pruned toward it. Writes the chosen module\n"
             "  like compile, fit.json (every candidate, and which set scored them) and fit.svg (their plot) in -o.\n"
             "  Example: emlc fit fashion-mlp.onnx --device gd32vf103 -o out --calibration x.npy\n"
             "           --calibration-labels y.npy --validation vx.npy --validation-labels vy.npy\n"
             "           --max-accuracy-drop 2");
  fit->add_option("model", a.model, "float ONNX model file (.onnx)")->required();
  fit->add_option("--device", a.device, "the device (emlc devices lists them), e.g. --device nucleo-f446re")
      ->required()
      ->check(emlc::cli::deviceName());
  fit->add_option("-o,--output", a.out, "output folder for the chosen module, fit.json and fit.svg, e.g. -o out")
      ->required();
  fit->add_option("--name", a.name, "C prefix of the emitted API (default model), e.g. --name kws");
  fit->add_option("--shape", a.shapes, "bind an input's shape, repeatable, e.g. --shape input=1x1x28x28")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  fit->add_option(
      "--calibration", a.calibration,
      "samples (.npy, samples on axis 0, or a folder of .npy/.pb) for quantization, pruning and the\n"
      "  accuracy of every candidate (default: test_data_set_0 next to the model), e.g. --calibration x.npy");
  fit->add_option("--calibration-labels", a.labels,
                  "the samples' classes (.npy): candidates are judged by top-1 accuracy, e.g. --calibration-labels "
                  "y.npy");
  fit->add_option("--validation", a.validation,
                  "held-out samples (.npy, one model input a sample on axis 0, preprocessed like the calibration\n"
                  "  set) every candidate is scored on instead of the calibration set, e.g. --validation vx.npy");
  fit->add_option("--validation-labels", a.validationLabels,
                  "the validation samples' classes (.npy, one a sample): candidates are judged by top-1 on them\n"
                  "  (without: SQNR vs float on the validation samples), e.g. --validation-labels vy.npy");
  fit->add_option("--max-accuracy-drop", a.maxAccuracyDrop,
                  "with labels: top-1 points a candidate may lose against the float model on the scoring set,\n"
                  "  e.g. --max-accuracy-drop 2")
      ->check(CLI::Range(0.0, 100.0));
  fit->add_option("--latency-limit", a.latencyLimit,
                  "milliseconds an inference may take at the device clock (cost model); the auto candidates'\n"
                  "  precision search aims at it, and int8 and auto are also pruned toward it (the share of MACs\n"
                  "  it asks for), e.g. --latency-limit 20")
      ->check(CLI::PositiveNumber);
  fit->add_option("--prune-ratios", a.pruneRatios,
                  "the MAC shares pruning tries (default 0,0.25,0.5), e.g. --prune-ratios 0,0.3")
      ->delimiter(',')
      ->check(CLI::Range(0.0, 0.9));
  fit->add_flag("--measure", a.measure,
                "run the chosen module on the device's core (emlc verify: QEMU for Cortex-M and RISC-V, on\n"
                "  test_data_set_0 beside the model) and report its measured instructions and milliseconds,\n"
                "  e.g. emlc fit m.onnx --device nrf52840 -o out --measure");
  fit->add_option("--candidates", a.candidates,
                  "where to write the candidate table (default OUT/fit.json), e.g. "
                  "--candidates fit.json");
  fit->add_option("--plot", a.plot, "where to write the plot (default OUT/fit.svg), e.g. --plot fit.svg");
  return fit;
}

/// --measure: the chosen configuration built for the device's core and run
/// under its emulator (emlc verify with the same compile options).
static int measureChosen(const FitArgs &a, const emlc::FitResult &r) {
  emlc::VerifyOptions vo;
  vo.model = a.model;
  vo.device = a.device;
  vo.plugin = a.plugin;
  const emlc::CompileOptions chosen = r.chosenOptions;
  vo.configure = [&chosen](emlc::CompileOptions &co) {
    co.optimize = chosen.optimize;
    co.quantize = chosen.quantize;
    co.precision = chosen.precision;
    co.calibrationPath = chosen.calibrationPath;
    co.calibrationLabels = chosen.calibrationLabels;
    co.prune = chosen.prune;
    co.pruneSchedule = chosen.pruneSchedule;
    co.pruneImportance = chosen.pruneImportance;
    co.pruneCorrection = chosen.pruneCorrection;
    co.latencyLimitMs = chosen.latencyLimitMs; // auto searched toward the limit: the same plan
  };
  emlc::VerifyResult v = emlc::verifyModel(vo);
  if (!v.error.empty()) {
    emlc::cli::printErrors("error: --measure: " + v.error + "\n");
    return 1;
  }
  const emlc::DeviceInfo *d = emlc::lookupDevice(a.device);
  const emlc::TargetInfo *t = emlc::lookupTarget(d->target);
  fmt::print("  measured on {} (emulated):", d->target);
  for (const auto &line : v.report)
    fmt::print("\n    {}", line);
  if (v.instructions >= 0)
    fmt::print("\n    {} instructions an inference{}", v.instructions,
               t->cyclesPerInstruction > 0
                   ? fmt::format(", about {:.2f} ms at {} MHz ({} cycles an instruction)",
                                 (double)v.instructions * t->cyclesPerInstruction / (d->clockMHz * 1e3), d->clockMHz,
                                 t->cyclesPerInstruction)
                   : std::string());
  fmt::print("\n  verify: {}\n", v.ok ? "ok" : "FAILED");
  return v.ok ? 0 : 1;
}

int runFit(const FitArgs &a) {
  emlc::FitOptions o;
  o.modelPath = a.model;
  o.device = a.device;
  o.name = a.name;
  o.calibration = a.calibration;
  o.labels = a.labels;
  o.validation = a.validation;
  o.validationLabels = a.validationLabels;
  o.maxAccuracyDrop = a.maxAccuracyDrop;
  o.latencyLimitMs = a.latencyLimit;
  o.pruneRatios = a.pruneRatios;
  if (!emlc::cli::parseShapes(a.shapes, o.inputShapes))
    return 2;
  if (!a.validationLabels.empty() && a.validation.empty()) {
    emlc::cli::printError("--validation-labels needs --validation (the samples they label), e.g. --validation vx.npy "
                          "--validation-labels vy.npy");
    return 2;
  }
  if (a.maxAccuracyDrop >= 0 && a.validation.empty() && a.labels.empty()) {
    emlc::cli::printError("--max-accuracy-drop needs --calibration-labels (top-1 is measured against them)");
    return 2;
  }
  if (a.maxAccuracyDrop >= 0 && !a.validation.empty() && a.validationLabels.empty()) {
    emlc::cli::printError("--max-accuracy-drop with --validation needs --validation-labels (top-1 is measured on the "
                          "validation set)");
    return 2;
  }
  // One line a candidate (each takes seconds to minutes), the steps inside as usual.
  auto steps = emlc::cli::progressPrinter();
  o.progress = [steps](const std::string &what, int64_t done, int64_t total) {
    if (what.rfind("fit: candidate ", 0) == 0)
      fmt::print(stderr, "emlc: {} ({}/{})\n", what, done + 1, total);
    else
      steps(what, done, total);
  };
  emlc::FitResult r = emlc::fitModel(o);
  emlc::cli::printWarnings(r.warnings);
  std::error_code ec;
  fs::create_directories(a.out, ec);
  std::string json = a.candidates.empty() ? (fs::path(a.out) / "fit.json").string() : a.candidates;
  std::string svg = a.plot.empty() ? (fs::path(a.out) / "fit.svg").string() : a.plot;
  if (!r.json.empty() && (!emlc::cli::writeText(json, r.json) || !emlc::cli::writeText(svg, r.svg)))
    return 1;
  // The table: every candidate, the chosen one marked.
  bool labels = r.topOne;
  if (!r.candidates.empty())
    fmt::print("{:<3} {:<6} {:>5}  {:<6} {:>9} {:>9} {:>10} {:>9}  {}\n", "", "prec", "prune", "kernel", "RAM", "flash",
               "ms", labels ? "top-1 %" : "SQNR dB", "");
  bool anyToLimit = false;
  for (size_t i = 0; i < r.candidates.size(); ++i) {
    const emlc::FitCandidate &c = r.candidates[i];
    double score = labels ? 100 * c.accuracy : c.sqnrDB;
    bool limited = c.pruneGoal == emlc::PruneGoal::LatencyLimit;
    anyToLimit |= limited;
    fmt::print("{:<3} {:<6} {:>5.2f}{} {:<6} {:>9} {:>9} {:>10} {:>9}  {}\n", (int)i == r.chosen ? "->" : "",
               c.precision, c.prune, limited ? "L" : " ", c.optimize, c.ramBytes, c.flashBytes,
               c.latencyMs >= 0 ? fmt::format("{:.2f}", c.latencyMs) : "?",
               score >= 0 ? fmt::format("{:.2f}", score) : "?", c.why.empty() ? (c.fits ? "ok" : "") : c.why);
  }
  if (anyToLimit)
    fmt::print("    L: pruned toward --latency-limit (the share of MACs it removed)\n");
  if (!r.ok) {
    emlc::cli::printErrors(r.error);
    if (!r.json.empty())
      fmt::print(stderr, "emlc: the candidates: {} and {}\n", json, svg);
    return 1;
  }
  for (const auto &[file, text] : r.module.files)
    if (!emlc::cli::writeText((fs::path(a.out) / file).string(), text))
      return 1;
  if (!emlc::cli::writeText((fs::path(a.out) / (a.name + "_report.json")).string(), r.module.reportJson))
    return 1;
  const emlc::FitCandidate &c = r.candidates[r.chosen];
  bool toLimit = c.pruneGoal == emlc::PruneGoal::LatencyLimit;
  // "float" is the model as exported: a quantized model's own weights (QDQ) are not float.
  std::string weights = c.precision == "float" && !r.module.weightPrecisions.empty()
                            ? "the model's own (" + r.module.weightPrecisions + ")"
                            : c.precision;
  fmt::print("emlc: fit {} on {}: {} weights{}, {} kernels -> {}/{}.h\n", a.model, a.device, weights,
             c.prune > 0 ? fmt::format(", pruned {:.0f}% of MACs{}", 100 * c.prune,
                                       toLimit ? " (toward the latency limit)" : "")
                         : std::string(),
             c.optimize, a.out, a.name);
  fmt::print("  RAM {} bytes, flash {} bytes (weights {} + code {}), {}; {}\n", c.ramBytes, c.flashBytes, c.weightBytes,
             c.codeBytes,
             c.latencyMs >= 0 ? fmt::format("about {:.2f} ms", c.latencyMs) : "latency unknown (no cost model)",
             labels          ? fmt::format("top-1 {:.2f}% (float {:.2f}%)", 100 * c.accuracy, 100 * r.floatAccuracy)
             : c.sqnrDB >= 0 ? fmt::format("output SQNR {:.1f} dB vs float", c.sqnrDB)
                             : std::string("accuracy not measured (no samples)"));
  if (r.scoredOn == "validation")
    fmt::print("  scored on the validation set: {} samples of {} (held out)\n", r.scoredSamples, r.scoredPath);
  else if (r.scoredOn == "calibration")
    fmt::print("  scored on the calibration set: {} samples of {}, the ones quantization and pruning were fitted to\n"
               "  (it flatters them; give --validation X.npy for a held-out score)\n",
               r.scoredSamples, r.scoredPath);
  fmt::print("  the same module: emlc compile {} --device {} -o {}{}{}{} --optimize {}{}{}\n", a.model, a.device, a.out,
             c.precision == "float" ? "" : " --precision " + c.precision,
             (c.precision == "auto" || toLimit) && a.latencyLimit >= 0
                 ? fmt::format(" --latency-limit {}", a.latencyLimit)
                 : std::string(),
             toLimit       ? std::string(" --prune=auto --prune-schedule uniform")
             : c.prune > 0 ? fmt::format(" --prune={} --prune-schedule uniform", c.prune)
                           : std::string(),
             c.optimize, a.calibration.empty() ? "" : " --calibration " + a.calibration,
             c.precision == "auto" && !a.labels.empty() ? " --calibration-labels " + a.labels : std::string());
  fmt::print("  candidates: {}, plot: {}\n", json, svg);
  return a.measure ? measureChosen(a, r) : 0;
}
