//===- MixedPrecision.h - choosing weight precisions per layer ---*- C++ -*-===//
//
// `--precision=auto` (issue 15): spend the flash budget's bits where they
// matter. Three steps, each usable alone:
//
// 1. Sensitivity (`measureSensitivity`): for every layer with weights and
//    every candidate precision, the noise power that quantizing only that
//    layer's weights adds to the model outputs, measured in the reference
//    interpreter on calibration samples against the float outputs. Noise of
//    independent layers adds (HAWQ's assumption), so a plan's predicted
//    output noise is the sum of its layers' entries.
// 2. Search: choose one option per layer minimizing the summed noise with the
//    summed bytes within the budget (and, with a latency limit, the summed
//    instructions the target's cost model gives each option within theirs). `searchExact` solves this multiple-choice
//    knapsack by dynamic programming over bytes (rounded up to at most 20,000
//    budget units, so a plan it returns always fits); `searchGreedy` starts
//    from the widest option and repeatedly takes the step down with the least
//    noise added per byte saved (the classic heuristic, kept to measure
//    against).
// 3. The plan goes to the quantizer as a precision per layer.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_QUANTIZATION_MIXEDPRECISION_H
#define EMLC_QUANTIZATION_MIXEDPRECISION_H

#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Quantization/Precision.h"
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace emlc {

class WeightQuantizer; // ErrorFeedback.h

/// One choice for one layer: its flash bytes, the output noise it adds and
/// the instructions its kernel takes (the target's cost model; 0 unpriced).
struct PrecisionOption {
  WeightPrecision precision;
  int64_t bytes;
  double noise;
  double instructions = 0;
};

/// A layer's options, widest first.
using LayerOptions = std::vector<PrecisionOption>;

struct PrecisionPlan {
  std::vector<size_t> choice; ///< index into each layer's options
  int64_t bytes = 0;
  double noise = 0;
  double instructions = 0;
};

/// Signal-to-noise ratio in dB (200 when there is no noise: identical).
double sqnrDB(double signal, double noise);

/// The outputs of `fn` on each sample: the reference a quantized or pruned variant's noise is measured against.
bool referenceOutputs(mlir::func::FuncOp fn, const std::vector<Tensor> &samples,
                      std::vector<std::vector<Tensor>> &outputs, std::string &error);
/// Output noise power of `fn` against `reference` (referenceOutputs of the same samples): squared differences
/// summed over outputs and samples; -1 with `error` when the interpreter fails.
double outputNoise(mlir::func::FuncOp fn, const std::vector<Tensor> &samples,
                   const std::vector<std::vector<Tensor>> &reference, std::string &error);
/// Signal power of reference outputs: their squares summed.
double outputSignal(const std::vector<std::vector<Tensor>> &reference);

/// Top-1 accuracy of `fn` (first output's argmax) on samples with labels.
double topOneAccuracy(mlir::func::FuncOp fn, const std::vector<Tensor> &samples, const std::vector<int64_t> &labels,
                      std::string &error);

/// Least summed noise with summed bytes <= budget; none when even the
/// smallest options exceed it.
std::optional<PrecisionPlan> searchExact(const std::vector<LayerOptions> &layers, int64_t budget);
/// Greedy by noise added per byte saved, from the widest options.
std::optional<PrecisionPlan> searchGreedy(const std::vector<LayerOptions> &layers, int64_t budget);
/// Either search (`greedy`) with a second limit: summed instructions <=
/// `instructionLimit` (< 0: none). Lagrangian relaxation: the search runs on
/// noise + lambda x instructions, lambda bisected to the smallest that meets
/// the limit (a point of the noise/instructions trade-off's convex hull, so
/// within the limit but not always the least noise there). When even the
/// fastest options within the budget exceed the limit, that plan is returned
/// (its instructions say by how much); none when the bytes cannot fit.
std::optional<PrecisionPlan> searchWithin(const std::vector<LayerOptions> &layers, int64_t budget,
                                          double instructionLimit, bool greedy);

/// A convolution or fully connected layer with constant float weights: what
/// the quantizer may give a narrower precision. `id` is its emlc.ptq_id tag.
struct WeightedLayer {
  int64_t id;
  std::string name; ///< the ONNX node (its location)
  mlir::Operation *op;
  int64_t rows, perRow; ///< output channels, weights per channel
};
std::vector<WeightedLayer> weightedLayers(mlir::func::FuncOp fn);

/// Output noise power of each layer at each precision in `candidates`
/// (noise[layer][candidate]), summed over outputs and samples, and the
/// outputs' signal power; the weights as `weights` quantizes them. Progress as ("measuring sensitivity", done, total).
struct SensitivityTable {
  std::vector<std::vector<double>> noise;
  double signal = 0;
};
bool measureSensitivity(mlir::func::FuncOp fn, const std::vector<WeightedLayer> &layers,
                        const std::vector<WeightPrecision> &candidates, const std::vector<Tensor> &samples,
                        WeightQuantizer &weights,
                        const std::function<void(const std::string &, int64_t, int64_t)> &progress,
                        SensitivityTable &table, std::string &error);

/// What the user asked for (`--precision`, `--layer-precision`, `--flash-limit`).
struct PrecisionRequest {
  std::string precision = "int8";                ///< int8, int4, int2, ternary (uniform) or auto (searched)
  std::map<std::string, WeightPrecision> pinned; ///< by ONNX node name: these layers are fixed
  std::set<std::string> floatLayers;             ///< by ONNX node name: these layers stay float
  std::set<std::string> int16Layers;             ///< by ONNX node name: int16 activations (w8a16)
  int64_t flashLimit = -1;                       ///< bytes of all weights (auto: required)
  std::string search = "exact";                  ///< exact or greedy
  int64_t samples = 64;                          ///< calibration samples the sensitivity runs on (batches hold N)
  bool feedback = true;        ///< below int8: round with error feedback (ErrorFeedback.h), else nearest
  double maxAccuracyDrop = -1; ///< auto: top-1 points the plan may lose on the labelled calibration set (-1: none)
  /// auto toward a latency limit (the driver prices layers from uniform compiles' reports, Compiler.cpp):
  /// instructions of each layer (by ONNX node name) at each precision, and the most the priced layers may take.
  std::map<std::string, std::map<WeightPrecision, double>> layerInstructions;
  std::map<std::string, double> int16Instructions; ///< by ONNX node name: the layer's instructions at w8a16
  double instructionLimit = -1;
  /// auto: the arena (bytes, PTQ's nn-level estimate) int16 activations may grow the plan to
  /// (chooseWideActivations; with an instruction limit only layers priced at a16, within the limit); -1:
  /// activations stay int8 where not pinned.
  int64_t arenaLimit = -1;
};

/// `layer-instructions` entries: "NAME=int8:N,int4:N,int2:N[,a16:N]" (a layer's
/// instructions at each weight precision, and with int16 activations: w8a16) read into `into` and `int16Into`,
/// and written (`int16` < 0: not priced).
bool parseLayerInstructions(const std::string &entry, std::map<std::string, std::map<WeightPrecision, double>> &into,
                            std::map<std::string, double> &int16Into, std::string &error);
std::string formatLayerInstructions(const std::string &layer, const std::map<WeightPrecision, double> &prices,
                                    double int16 = -1);

/// The plan: a precision per layer tag, and what the search predicted.
struct PrecisionChoice {
  std::map<int64_t, WeightPrecision> byId;
  std::set<int64_t> floatIds;          ///< layers kept float (--layer-precision NAME=float)
  std::set<int64_t> int16Ids;          ///< layers with int16 input and output (NAME=w8a16, or auto's choice)
  int64_t arenaEstimate = -1;          ///< auto within an arena limit: the plan's estimated arena (bytes)
  std::map<int64_t, double> layerSQNR; ///< dB: outputs with only this layer's weights quantized
  double outputSQNR = 0;               ///< dB: weights only, the plan's summed noise (auto)
  int64_t layerBytes = 0, otherBytes = 0;
  double layerInstructions = -1;            ///< auto with priced layers: their summed instructions (cost model)
  double accuracy = -1, floatAccuracy = -1; ///< top-1 on the labelled calibration set (auto with labels)
};

/// Activation widths for `--precision=auto` within an arena limit, after the weights are chosen: greedy forward
/// selection of the layers given int16 input and output (w8a16), among `candidates` (layers with int8 weights
/// and no pin). Unlike the weights' noise, an int16 layer's benefit is not additive (an int16 output helps only a
/// consumer that reads it at int16, so chains gain more than their parts), so each step measures the whole model
/// again: `noiseOf(set)` is the output noise with those layers at int16, `arenaOf(set)` the arena estimate. A step
/// adds a layer, or a pair of `chains` (producer, consumer: a layer's int16 output gains most when its consumer
/// reads it at int16, so each alone may gain nothing), with the most noise removed per arena byte added and per
/// layer (free ones first) that keeps the arena within `arenaLimit` and the set `allowed` (if given: a latency
/// limit), while it removes at least `minGain` of the
/// noise left (0.02: about 0.1 dB); at most `maxSteps` steps. Returns the chosen candidates' indices in the order
/// taken. Progress as ("choosing activation widths", step, max).
std::vector<size_t> chooseWideActivations(size_t candidates, const std::vector<std::pair<size_t, size_t>> &chains,
                                          const std::function<double(const std::vector<size_t> &)> &noiseOf,
                                          const std::function<int64_t(const std::vector<size_t> &)> &arenaOf,
                                          int64_t arenaLimit,
                                          const std::function<bool(const std::vector<size_t> &)> &allowed,
                                          const std::function<void(const std::string &, int64_t, int64_t)> &progress,
                                          double minGain = 0.02, size_t maxSteps = 8);

/// With labelled calibration data: the float model's top-1 and a plan's
/// (the whole model quantized with those weight precisions, in the interpreter).
struct PlanAccuracy {
  double floatAccuracy = -1;
  std::function<double(const std::map<int64_t, WeightPrecision> &)> of;
};

/// How many calibration batches hold the request's `samples` (a model bound
/// to batch N runs N samples a batch): the sensitivity runs on that many.
size_t measuredBatches(const PrecisionRequest &request, const std::vector<Tensor> &batches);

/// How many of the last calibration batches the sensitivity is measured on
/// and the error feedback does not see (so it cannot flatter the narrow
/// precisions): measuredBatches when there are twice as many, else none (all are used for both).
size_t heldOut(const PrecisionRequest &request, const std::vector<Tensor> &batches);

/// Whether the request may give any layer weights narrower than int8.
bool mayNarrow(const PrecisionRequest &request);

/// What choosePrecisions refuses without measuring anything: a
/// --layer-precision name no layer has, an unknown precision or search, auto
/// without a budget, --max-accuracy-drop without `labels`, a budget even the
/// narrowest weights exceed (by how much). PTQ asks before it calibrates, so
/// that such a request fails at once, not after the calibration.
bool checkPrecisionRequest(mlir::func::FuncOp fn, const PrecisionRequest &request, bool labels, std::string &error);

/// Uniform, pinned, or (auto) searched precisions for the weighted layers
/// of the float `fn` (tagged with emlc.ptq_id). False with `error` when a
/// request cannot be met (an unknown layer name, no budget for auto, a
/// budget the narrowest weights exceed: by how much). With
/// `maxAccuracyDrop` (needs `accuracy`): under a flash limit the plan must
/// keep the accuracy, else the smallest budget whose plan keeps it is found
/// by bisection.
bool choosePrecisions(mlir::func::FuncOp fn, const std::vector<Tensor> &samples, const PrecisionRequest &request,
                      WeightQuantizer &weights, const PlanAccuracy &accuracy,
                      const std::function<void(const std::string &, int64_t, int64_t)> &progress,
                      PrecisionChoice &choice, std::string &error);

} // namespace emlc

#endif
