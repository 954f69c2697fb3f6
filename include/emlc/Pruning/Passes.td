//===- Passes.td - emlc structured pruning ---------------------------------===//
#ifndef EMLC_PRUNING_PASSES
#define EMLC_PRUNING_PASSES

include "mlir/Pass/PassBase.td"

def Prune : Pass<"emlc-prune", "mlir::ModuleOp"> {
  let summary = "Structured channel pruning of a float nn module (groups, importance, hardware multiples, "
                "least-squares correction)";
  let description = [{
    Removes whole output channels of convolutions and fully connected layers,
    the coupled ones together (lib/Pruning/ChannelGroups.cpp: residual adds,
    depthwise convolutions, flatten into fully connected layers, concat),
    until the conv/fully connected MACs drop by `prune` (0.25: 25%), or, with
    `prune=auto`, until their weights fit `flash-limit` (at `weight-bytes`
    a weight: 1 when int8 quantization follows). Kept channel counts are
    multiples of `channel-multiple` (0: the target's, from its ISA: 8 with
    Helium or AVX2, else 4). Channels are ranked by `importance`, counts
    chosen by `schedule`, and the layers that lost inputs are re-fitted by
    least squares on the calibration set (`correction`), as
    lib/Pruning/Prune.cpp describes. Runs before quantization.

    Sets `emlc.pruning = {macs_before, macs_after, params_before,
    params_after, importance, schedule, corrected, channel_multiple,
    output_sqnr_db, groups (name, channels, kept each), frozen}` on
    the module for the report and the driver.
  }];
  let options = [
    Option<"prune", "prune", "std::string", /*default=*/"\"\"",
           "the share of conv/fully connected MACs to remove (0 < R < 1), or auto (weights within flash-limit)">,
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "calibration samples (.npy, samples on axis 0, or a folder): reconstruction importance, the "
           "sensitivity schedule and the correction need them">,
    Option<"importance", "importance", "std::string", /*default=*/"\"\"",
           "l1, l2 (weight norms), bn (|gamma| of the BatchNormalization after the layer) or reconstruction (the consumers' output energy); default reconstruction "
           "with calibration, else l2">,
    Option<"schedule", "schedule", "std::string", /*default=*/"\"\"",
           "uniform (the same share of every group) or sensitivity (measured per group); default sensitivity "
           "with calibration, else uniform">,
    Option<"correction", "correction", "std::string", /*default=*/"\"auto\"",
           "least-squares correction of the layers that lost inputs: auto (kept where it lowers the output "
           "error on held-out samples), on, off">,
    Option<"channelMultiple", "channel-multiple", "int64_t", /*default=*/"0",
           "kept channel counts are multiples of this (0: the target's)">,
    Option<"flashLimit", "flash-limit", "int64_t", /*default=*/"-1",
           "with prune=auto: the bytes conv/fully connected weights may take">,
    Option<"instructionReduction", "instruction-reduction", "double", /*default=*/"0",
           "with prune=auto: the share of the conv/fully connected layers' estimated instructions (the "
           "target's cost model) to remove instead of a flash goal (emlc compile --latency-limit sets it)">,
    Option<"weightBytes", "weight-bytes", "int64_t", /*default=*/"4",
           "bytes per weight the flash limit counts (4 float, 1 int8)">,
  ];
  let dependentDialects = ["::emlc::nn::NNDialect", "::mlir::arith::ArithDialect"];
}

#endif
