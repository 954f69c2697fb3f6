//===- Passes.td - emlc conversions ----------------------------------------===//
#ifndef EMLC_CONVERSION_PASSES
#define EMLC_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertONNXToNN : Pass<"emlc-convert-onnx-to-nn", "mlir::ModuleOp"> {
  let summary = "Lower onnx ops to normalized nn ops";
  let description = [{
    Resolves every ONNX default, auto_pad and opset-specific meaning into the
    explicit attributes of the nn dialect; decomposes BatchNormalization,
    Instance/LayerNormalization, DepthToSpace, SpaceToDepth and the recurrent
    ops into nn ops. An op that cannot be lowered is reported with its node
    name and the reason.
  }];
  let dependentDialects = ["::emlc::nn::NNDialect", "::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantizationDialect"];
}

def ConvertNNToKernel : Pass<"emlc-convert-nn-to-kernel", "mlir::ModuleOp"> {
  let summary = "Select a C kernel per nn op and move from tensors to buffers";
  let description = [{
    Every nn op becomes a `kernel.call` of the variant chosen for the target,
    with its parameters precomputed; reshape-like ops become `kernel.view`
    aliases; weights become `memref.global` constants; graph inputs and
    outputs become memref arguments of the function.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"generic\"",
           "target name (generic, x86-64, cortex-m4, ...)">,
    Option<"optimize", "optimize", "std::string", /*default=*/"\"speed\"",
           "speed: the target's fastest kernel variants; size: those with the smallest weights">,
  ];
  let dependentDialects = ["::emlc::kernel::KernelDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::quant::QuantizationDialect"];
}

#endif
