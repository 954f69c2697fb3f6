//===- Passes.td - emlc transformations -------------------------------------===//
#ifndef EMLC_TRANSFORMS_PASSES
#define EMLC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FuseActivations : Pass<"emlc-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Fold Relu/Clip into the clamp of the producing conv, fc or add";
  let description = [{
    `nn.unary relu|clip` whose input is the only use of an `nn.conv2d`,
    `nn.fully_connected` or float `nn.binary add/sub/mul` result becomes the
    producer's `act_min`/`act_max`, saving one pass over the tensor. An int8
    storage clamp (`nn.unary clip` of the `quant.scast` of a quantized conv,
    fully connected, add or mul result, as the QDQ import makes of a
    Q -> DQ -> Relu|Clip -> Q pair) narrows the producer's integer clamp.
  }];
  let dependentDialects = ["::emlc::nn::NNDialect"];
}

def FoldBatchNorm : Pass<"emlc-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold per-channel scale/shift (from BatchNormalization) into conv weights, bias adds into layers";
  let description = [{
    `nn.binary mul` by a constant [C,1,1] followed by `nn.binary add` of a
    constant [C,1,1] on the only use of an `nn.conv2d` output with constant
    weights is folded into the weights and bias. `nn.binary add` of one
    constant per output feature ([N], [1,N] or a scalar) to the only use of
    a float `nn.fully_connected` (ONNX MatMul + Add) becomes its bias.
  }];
  let dependentDialects = ["::emlc::nn::NNDialect"];
}

def EliminateTransposes : Pass<"emlc-eliminate-transposes", "mlir::func::FuncOp"> {
  let summary = "Turn transposes that move no bytes into reshapes (views); compose chains of transposes";
  let description = [{
    `nn.transpose` whose permutation keeps the non-unit axes in their order
    (e.g. NCHW -> NHWC of a [1, C, 1, 1] tensor, as TensorFlow exports put
    before the classifier) becomes `nn.reshape`, which the kernel lowering
    makes a view instead of a copy. `transpose(transpose(x))` becomes one
    transpose, or `x` when the two cancel.
  }];
  let dependentDialects = ["::emlc::nn::NNDialect"];
}

def FoldPadIntoConv : Pass<"emlc-fold-pad-into-conv", "mlir::func::FuncOp"> {
  let summary = "Fold a zero Pad of the spatial axes into the padding of the float convolution reading it";
  let description = [{
    `nn.conv2d` of an `nn.pad` (constant mode, value 0, only H and W padded)
    of a float tensor takes the pads into its own `pads` and reads the
    unpadded tensor (no padded copy, no pad kernel), as long as each side's
    padding stays below the kernel's extent. Quantized convolutions pad with
    their input's zero point and are left alone.
  }];
  let dependentDialects = ["::emlc::nn::NNDialect"];
}

def ScheduleForMemory : Pass<"emlc-schedule-for-memory", "mlir::func::FuncOp"> {
  let summary = "Order independent nn ops (branches) to lower the peak of live tensor bytes";
  let description = [{
    A list scheduler over the dataflow graph: among the ops whose operands
    are ready it runs the one that adds the fewest live bytes (its results
    minus the operands it is the last reader of), ties by the original order.
    Reshape-like results alias their input. The new order replaces the old
    one only when its simulated peak is lower.
  }];
  let dependentDialects = ["::emlc::nn::NNDialect"];
}

def PlanMemory : Pass<"emlc-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place every kernel.alloc in one static arena";
  let description = [{
    Lifetimes come from the kernel.call order (a view extends the life of the
    buffer it aliases). Offsets are assigned greedily by decreasing size into
    the lowest gap free over the buffer's lifetime, aligned to `alignment`.
    Sets `offset` on each kernel.alloc and `emlc.arena_size` on the module.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"0",
           "byte alignment of every buffer (0: the target's, from emlc.target; 16 without one)">,
  ];
}

#endif
