//===- PruneCommand.cpp - `emlc prune MODEL -o OUT.onnx` ------------------------===//
//
// Structured pruning as a tool: a float ONNX model in, a smaller ONNX model
// out, through emlc's nn graph and the emlc-prune pass (pruneModel,
// lib/Pipeline/Prune.cpp). The pruning flags are shared with `emlc compile`.
//
//===----------------------------------------------------------------------===//

#include "PruneCommand.h"
#include "Options.h"
#include "emlc/Pipeline/Compiler.h"
#include "emlc/Pipeline/Prune.h"
#include "targets/Target.h"
#include <fmt/core.h>

/// The pruning flags, shared by `compile` and `prune`.
void addPruneFlags(CLI::App *cmd, PruneFlags &c) {
  cmd->add_option("--prune", c.prune,
                  "structured pruning (before --quantize): remove whole channels of conv/fully connected layers\n"
                  "  (coupled ones together: residual adds, depthwise, flatten) until the MACs drop by this share,\n"
                  "  kept counts a multiple the target's kernels run fast on; or auto: until the weights fit\n"
                  "  --flash-limit and the arena --ram-limit (a device's budgets with --device), or the time\n"
                  "  --latency-limit. With --calibration the counts are chosen by measured sensitivity and the next\n"
                  "  layers re-fitted by least squares, e.g. --prune=0.25 --calibration calib_x.npy");
  cmd->add_option("--prune-importance", c.importance,
                  "which channels go: l1 or l2 (weight norms), bn (|gamma| of the BatchNormalization after the "
                  "layer),\n  reconstruction (the next layers' output energy\n"
                  "  on the calibration set; the default with --calibration, else l2), e.g. --prune-importance l1")
      ->check(CLI::IsMember({"l1", "l2", "bn", "reconstruction"}));
  cmd->add_option("--prune-schedule", c.schedule,
                  "how many per layer: uniform (the same share everywhere) or sensitivity (measured output\n"
                  "  noise per MAC saved; the default with --calibration), e.g. --prune-schedule uniform")
      ->check(CLI::IsMember({"uniform", "sensitivity"}));
  cmd->add_option("--prune-correction", c.correction,
                  "least-squares re-fit of the layers that lost inputs: auto (default: kept where it lowers\n"
                  "  the output error on held-out calibration samples), on, off, e.g. --prune-correction off")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  cmd->add_option("--prune-multiple", c.multiple,
                  "kept channel counts are multiples of this (default: the target's, 16 with Helium, 8 with\n"
                  "  AVX2, else 4; a group narrower than 4 of them takes smaller steps, and half steps give back\n"
                  "  what the last step took beyond the goal), e.g. --prune-multiple 8")
      ->check(CLI::Range(1, 1024));
}

void addLatencyLimit(CLI::App *cmd, PruneFlags &c) {
  cmd->add_option("--latency-limit", c.latencyLimit,
                  "with --device: the estimated inference time at the device clock (the target's cost model)\n"
                  "  must be within this many milliseconds. With --prune=auto pruning removes conv/fully connected\n"
                  "  instructions until it is; with --precision=auto the search chooses per-layer weight precisions\n"
                  "  within it as within the flash budget; with both, where even the fastest precisions miss it,\n"
                  "  each layer takes its fastest and pruning the rest, e.g. --latency-limit 20")
      ->check(CLI::PositiveNumber);
}

void applyPruneFlags(const PruneFlags &f, emlc::CompileOptions &o) {
  o.prune = f.prune;
  o.pruneImportance = f.importance;
  o.pruneSchedule = f.schedule;
  o.pruneCorrection = f.correction;
  o.pruneMultiple = f.multiple;
  o.latencyLimitMs = f.latencyLimit;
}

CLI::App *addPruneCommand(CLI::App &app, PruneArgs &a) {
  auto *prune = app.add_subcommand(
      "prune", "Structured pruning of a float ONNX model, written back as ONNX (same inputs, outputs and\n"
               "  opset; BatchNorm folded, activations fused) for fine-tuning elsewhere; compile it afterwards,\n"
               "  e.g. emlc compile PRUNED.onnx --quantize=int8. Without --prune the graph is written un-pruned.\n"
               "  Example: emlc prune kws/model.onnx -o kws-pruned.onnx --prune=0.25 --calibration calib.npy\n"
               "           --target cortex-m4");
  prune->add_option("model", a.model, "float ONNX model file (.onnx)")->required();
  prune->add_option("-o,--output", a.out, "the ONNX file to write, e.g. -o pruned.onnx")->required();
  prune
      ->add_option("--target", a.target,
                   "the target the model will run on: its kernels set the kept channel multiple and\n"
                   "  the instruction cost the sensitivity schedule saves (default generic), e.g. --target cortex-m4")
      ->check(emlc::cli::targetName());
  addPruneFlags(prune, a.pruning);
  prune->add_option(
      "--calibration", a.calibration,
      "samples (a .npy, samples on axis 0, or a folder of .npy/.pb files) for the reconstruction\n"
      "  importance, the sensitivity schedule and the least-squares correction, e.g. --calibration x.npy");
  prune
      ->add_option("--shape", a.shapes,
                   "bind an input's shape, repeatable: --shape input=1x3x32x32 (dynamic dims default to 1;\n"
                   "  the written model has these static shapes)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  prune
      ->add_option("--input-value", a.values,
                   "fix a graph input to a value (it becomes a constant and leaves the model's inputs),\n"
                   "  repeatable: --input-value shape=shape.pb  (an ONNX TensorProto)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return prune;
}

int runPrune(const PruneArgs &a) {
  emlc::PruneModelOptions o;
  o.modelPath = a.model;
  o.outputPath = a.out;
  o.producerVersion = EMLC_VERSION;
  if (a.pruning.prune == "auto") {
    emlc::cli::printError("--prune=auto prunes to a flash budget, which emlc prune does not know: give a\n"
                          "  share of MACs (e.g. --prune=0.25), or use emlc compile --prune=auto --flash-limit N");
    return 2;
  }
  o.target = a.target;
  o.pruning.prune = a.pruning.prune;
  o.pruning.importance = a.pruning.importance;
  o.pruning.schedule = a.pruning.schedule;
  o.pruning.correction = a.pruning.correction;
  o.pruning.channelMultiple = a.pruning.multiple;
  o.pruning.calibration = a.calibration;
  o.progress = emlc::cli::progressPrinter();
  if (!emlc::cli::parseShapes(a.shapes, o.inputShapes) || !emlc::cli::parseInputValues(a.values, o.inputValues))
    return 2;
  emlc::PruneModelResult r = emlc::pruneModel(o);
  emlc::cli::printWarnings(r.warnings);
  if (!r.ok) {
    emlc::cli::printErrors(r.error);
    return 1;
  }
  if (!r.summary.empty())
    fmt::print("pruned: {}\n", r.summary);
  fmt::print("wrote {}: {} nodes, {} parameters (before: {}), {} bytes, opset {}\n", a.out, r.nodes, r.parameters,
             r.parametersBefore, r.bytes, r.opset);
  return 0;
}
