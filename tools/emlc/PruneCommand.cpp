//===- PruneCommand.cpp - `emlc prune MODEL -o OUT.onnx` ------------------------===//
//
// The front end of structured pruning: a float ONNX model in, an ONNX model
// out, through emlc's nn graph (pruneModel, lib/Pipeline/Prune.cpp). Pruning
// itself is not in yet: the model is written back un-pruned (BatchNorm folded,
// activations fused, constants folded), with the same inputs, outputs and opset.
//
//===----------------------------------------------------------------------===//

#include "PruneCommand.h"
#include "Options.h"
#include "emlc/Pipeline/Prune.h"
#include <fmt/core.h>

CLI::App *addPruneCommand(CLI::App &app, PruneArgs &a) {
  auto *prune = app.add_subcommand(
      "prune", "Write a float ONNX model back as ONNX through emlc's nn graph: the front end of structured\n"
               "  pruning (the pruning options are still to come; for now the graph is written un-pruned, with\n"
               "  BatchNorm folded into convolutions and activations fused, same inputs, outputs and opset).\n"
               "  Quantize after pruning: emlc compile PRUNED.onnx --quantize=int8 ...\n"
               "  Example: emlc prune kws/model.onnx -o kws-pruned.onnx");
  prune->add_option("model", a.model, "float ONNX model file (.onnx)")->required();
  prune->add_option("-o,--output", a.out, "the ONNX file to write, e.g. -o pruned.onnx")->required();
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
  emlc::PruneOptions o;
  o.modelPath = a.model;
  o.outputPath = a.out;
  o.producerVersion = EMLC_VERSION;
  if (!emlc::cli::parseShapes(a.shapes, o.inputShapes) || !emlc::cli::parseInputValues(a.values, o.inputValues))
    return 2;
  emlc::PruneResult r = emlc::pruneModel(o);
  emlc::cli::printWarnings(r.warnings);
  if (!r.ok) {
    emlc::cli::printErrors(r.error);
    return 1;
  }
  fmt::print("wrote {}: {} nodes, {} parameters (before: {}), {} bytes, opset {}\n", a.out, r.nodes, r.parameters,
             r.parametersBefore, r.bytes, r.opset);
  return 0;
}
