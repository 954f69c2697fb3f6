//===- Prune.h - structured channel pruning of a float nn function -*- C++ -*-===//
//
// `--prune` (issue 16): removes whole channel groups (ChannelGroups.h) of a
// float model so it gets smaller and faster on the target's kernels, without
// retraining. Four steps:
//
// 1. Importance of each channel of each group: the L1 or L2 norm of its
//    producers' weight rows (each producer's norms divided by their mean, so
//    the producers of a residual group count alike), BatchNorm |gamma| (`bn`:
//    the network-slimming criterion, on models with BatchNormalization), or
//    `reconstruction`:
//    the output energy the consumer layers lose without it,
//    E[x_c^2] * ||W[:, c]||^2 over the calibration activations (ThiNet's
//    criterion without the correlations between channels).
// 2. How many channels each group keeps: a multiple of the target's
//    channel multiple (the width its kernels run fastest on; a smaller one
//    for a group too narrow for it, and half steps to give back what
//    the coarse steps took beyond the goal). `uniform`
//    prunes every group by the same share; `sensitivity` measures in the
//    interpreter the output noise of each group pruned alone to each count,
//    then takes steps with the least noise per instruction saved (the
//    target's cost model: a channel of an early, wide layer saves more than
//    its MACs) until the goal (MACs or weight bytes) is met.
// 3. The channels are removed (ChannelGraph::apply).
// 4. Least-squares correction (He et al. 2017): each layer that lost input
//    channels gets the weights and bias that best reproduce its original
//    outputs from the pruned model's activations on the calibration set,
//    layer after layer, so earlier layers' errors are corrected too. It is
//    kept when it lowers the output error on held-out samples (`auto`).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PRUNING_PRUNE_H
#define EMLC_PRUNING_PRUNE_H

#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Pruning/ChannelGroups.h"
#include <functional>
#include <string>
#include <vector>

namespace emlc {

struct PruneRequest {
  double macReduction = 0;         ///< share of the conv/fully connected MACs to remove (0.25: 25%)
  int64_t flashLimit = -1;         ///< instead: the bytes the conv/fully connected weights may take
  double instructionReduction = 0; ///< instead: the share of their estimated instructions (costModel) to remove
  int64_t bytesPerWeight = 4;      ///< 1 when int8 quantization follows
  std::string importance;          ///< l1, l2, bn or reconstruction ("": reconstruction with samples, else l2)
  std::string schedule;            ///< uniform or sensitivity ("": sensitivity with samples, else uniform)
  std::string correction = "auto"; ///< auto (kept where it helps), on, off
  int64_t multiple = 4;            ///< kept channel counts are multiples of this
  /// The multiple is the target's (not the user's): a group's steps are at
  /// most a quarter of its channels (the multiple halved down to 4 until
  /// they are), and after the schedule channels come back in half steps
  /// while the goal holds (the coarse steps overshoot it).
  bool adaptMultiple = false;
  int64_t heldOut = 32;     ///< the last calibration samples: sensitivity and the correction check
  int64_t fitSamples = 256; ///< at most this many of the others fit the correction
  int64_t positions = 64;   ///< convolution output positions per sample the correction fits
  int64_t sensitivityFitSamples = 64, sensitivityPositions = 16; ///< the same, for each candidate the schedule measures
  /// The target's instructions per layer: the sensitivity schedule saves
  /// the most instructions per unit of output noise on the way to the goal.
  LayerCostModel costModel;
};

struct PrunedGroup {
  std::string name; ///< first producer's ONNX node
  int64_t channels = 0, kept = 0;
};

struct PruneResult {
  ChannelGraph::Cost before, after;
  std::vector<PrunedGroup> groups;  ///< every prunable group, kept or not
  std::vector<std::string> frozen;  ///< "NODE: why" for the groups kept whole
  std::string importance, schedule; ///< what was used
  bool corrected = false;           ///< the least-squares correction was kept
  /// Output SQNR (dB) on the held-out samples after pruning, with and
  /// without the correction (0 when there were no samples).
  double sqnrCorrected = 0, sqnrUncorrected = 0;
};

using PruneProgress = std::function<void(const std::string &what, int64_t done, int64_t total)>;

/// Prunes the float function `fn` in place. `samples` (calibration inputs
/// for its single input; may be empty for l1/l2 + uniform without
/// correction). False with `error` when the request cannot be met (e.g. the
/// target needs more than the prunable groups can give: says how much they can).
bool pruneFunction(mlir::func::FuncOp fn, const PruneRequest &request, const std::vector<Tensor> &samples,
                   const PruneProgress &progress, PruneResult &result, std::string &error);

} // namespace emlc

#endif
