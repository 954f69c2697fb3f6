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

def SetTarget : Pass<"emlc-set-target", "mlir::ModuleOp"> {
  let summary = "Attach the target to the module, once, for every later pass";
  let description = [{
    Reads targets/<target>/target.json (embedded) and sets the module
    attribute `emlc.target = #kernel.target<"NAME", {ISA facts}>`, which the
    kernel selection, the memory planner, the C printer and the report read.
    Fails on an unknown target, or on a target.json whose kernel variants do
    not match the ones its kernel folders register.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"generic\"",
           "target name (generic, x86-64, cortex-m4, ...: `emlc targets`)">,
  ];
  let dependentDialects = ["::emlc::kernel::KernelDialect"];
}

def ConvertNNToKernel : Pass<"emlc-convert-nn-to-kernel", "mlir::ModuleOp"> {
  let summary = "Select a C kernel per nn op and move from tensors to buffers";
  let description = [{
    Every nn op becomes a `kernel.call` of the variant the module's target
    (`emlc.target`, set by emlc-set-target; the portable kernels without it)
    chooses: the roles that apply to the op in rank order, in each the
    target's variants in order, the first that matches (KernelVariant.h);
    else the portable lowering. Parameters are precomputed; reshape-like ops
    become `kernel.view` aliases; weights become `memref.global` constants;
    graph inputs and outputs become memref arguments of the function.
  }];
  let options = [
    Option<"optimize", "optimize", "std::string", /*default=*/"\"speed\"",
           "speed: the target's fastest kernel variants; size: those with the smallest weights">,
  ];
  let dependentDialects = ["::emlc::kernel::KernelDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::quant::QuantizationDialect"];
}

#endif
