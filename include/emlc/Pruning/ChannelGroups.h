//===- ChannelGroups.h - channels that must be pruned together --*- C++ -*-===//
//
// Structured pruning removes whole output channels of convolutions and fully
// connected layers. A channel is rarely one layer's alone: a residual Add
// couples the channels of the two tensors it adds, a depthwise convolution
// maps channel c to channel c, a Flatten before a fully connected layer turns
// each channel into a block of its inputs, a Concat places channels of
// several producers side by side. Pruning without following those couplings
// breaks the graph (DepGraph, Fang et al. 2023, groups them the same way).
//
// ChannelGraph follows every value of an nn function that carries channels:
// along one axis, slot i is channel c of group g. Groups start at each
// conv/fully connected output and merge where an elementwise op adds two of
// them; a group that reaches a graph output, a reduction over channels, an
// op this analysis does not know, or a runtime operand it would have to
// slice is frozen (kept whole). Pruning a group removes the same channels
// everywhere: producer rows, depthwise channels, per-channel constants,
// consumer columns (a block of columns behind a Flatten), and every shape in
// between, so the result is still a valid graph.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PRUNING_CHANNELGROUPS_H
#define EMLC_PRUNING_CHANNELGROUPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include <map>
#include <string>
#include <vector>

namespace emlc {

/// One position along a value's channel axis: channel `channel` of group
/// `group`, or, with group -1, a position no group owns (never pruned).
struct ChannelSlot {
  int group = -1;
  int64_t channel = 0;
};

/// Where a value carries group channels.
struct ChannelAxis {
  int64_t axis = 1;
  std::vector<ChannelSlot> slots;
};

struct ChannelGroup {
  int64_t channels = 0;
  std::vector<mlir::Operation *> producers; ///< conv/fully connected layers whose output rows these are
  std::string name;                         ///< the first producer's ONNX node
  std::string frozenBy;                     ///< why it is kept whole (empty: prunable)
};

/// Kept channels (sorted indices) of each group root that is pruned.
using ChannelPlan = std::map<int, std::vector<int64_t>>;

/// Executed instructions of a layer, roughly: its kernel's cost per MAC,
/// plus what does not shrink with the MACs: requantizing and storing each
/// output, building each im2col element (measured on the Cortex-M55 and M4
/// kernels: about 16-20 and 4-6 instructions).
struct LayerCostModel {
  double convPerMac = 1, depthwisePerMac = 2, fullyConnectedPerMac = 1;
  double perOutput = 16, perPatchElement = 4;
};

class ChannelGraph {
public:
  explicit ChannelGraph(mlir::func::FuncOp fn);

  /// The group another was merged into (itself when it is a root).
  int root(int g) const;
  /// Roots that may be pruned, in program order of their first producer.
  std::vector<int> prunable() const;
  /// Roots kept whole (ChannelGroup::frozenBy says why).
  std::vector<int> frozen() const;
  const ChannelGroup &group(int g) const { return groups[root(g)]; }
  /// The channels `v` carries, or null.
  const ChannelAxis *channelsOf(mlir::Value v) const;
  /// Layers (conv with one group, fully connected) reading group channels as their input.
  const std::vector<mlir::Operation *> &consumers() const { return consumerOps; }

  /// MACs, weight parameters and estimated instructions of the function's
  /// conv/fully connected layers if `plan` were applied (no plan: as it is).
  struct Cost {
    int64_t macs = 0, params = 0;
    double instructions = 0;
  };
  Cost cost(const ChannelPlan &plan, const LayerCostModel &model = LayerCostModel()) const;

  /// Removes every channel `plan` does not keep, in place. False with
  /// `error` if the result does not verify (a bug: the analysis missed a coupling).
  bool apply(const ChannelPlan &plan, std::string &error);

  /// Positions along `v`'s channel axis that `plan` keeps (none when it carries no channels).
  std::vector<int64_t> keptSlots(mlir::Value v, const ChannelPlan &plan) const;

private:
  void visit(mlir::Operation *op);
  void visitConv(mlir::Operation *op);
  void visitBinary(mlir::Operation *op);
  void visitReshape(mlir::Operation *op);
  void freeze(mlir::Value v, const std::string &why);
  int newGroup(mlir::Operation *producer, int64_t channels);
  void merge(int a, int b);
  int64_t keptCount(mlir::Value v, const ChannelPlan &plan) const;

  mutable mlir::func::FuncOp fn; // mutable: FuncOp accessors are not const
  std::vector<ChannelGroup> groups;
  std::vector<int> parent;
  llvm::DenseMap<mlir::Value, ChannelAxis> channels;
  std::vector<mlir::Operation *> consumerOps;
  /// Binary ops' constant operands with one value per channel: (op, operand index).
  std::vector<std::pair<mlir::Operation *, unsigned>> perChannelConstants;
};

} // namespace emlc

#endif
