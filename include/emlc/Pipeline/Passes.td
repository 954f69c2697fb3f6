//===- Passes.td - the compile pipeline's own passes -----------------------===//
//
// Passes that are decisions or checks of the whole compile rather than
// transformations of one level: where `emlc compile`'s policy lives, so
// `emlc-opt --emlc-compile-pipeline` applies the same one.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PIPELINE_PASSES
#define EMLC_PIPELINE_PASSES

include "mlir/Pass/PassBase.td"

def WarnFloatIslands : Pass<"emlc-warn-float-islands", "mlir::ModuleOp"> {
  let summary = "Warn about ops that run in float between int8 ones";
  let description = [{
    A quantized nn module whose ops leave the integers somewhere (no int8
    kernel for them: `quant.qcast` of their float result) still works, but
    slower and with float code. Emits one warning naming those ops and how
    often each occurs; changes nothing.
  }];
}

def LowerToKernel : Pass<"emlc-lower-to-kernel", "mlir::ModuleOp"> {
  let summary = "nn -> kernel with a planned arena, falling back to the smallest kernels to fit a budget";
  let description = [{
    Lowers the module to kernels for its target (`emlc.target`, attached by
    `emlc-set-target` at the start of the compile pipeline). With
    `optimize=speed` and a budget (`ram-limit`: arena bytes,
    `emlc.arena_size`; `flash-limit`: weight bytes, the sum of the
    `memref.global`s) that the fastest kernels exceed (a wider weight layout,
    larger scratch buffers), it lowers the nn module again with
    `optimize=size` and, when that fits, warns with both sizes. A model over
    budget either way is left lowered with the smallest kernels: refusing it,
    with its largest contributors, is the driver's job (it builds the report).
    Records the kernels' choice as `emlc.optimize` on the module.
  }];
  let options = [
    Option<"optimize", "optimize", "std::string", /*default=*/"\"speed\"",
           "speed: the target's fastest kernel variants; size: those with the smallest weights">,
    Option<"ramLimit", "ram-limit", "int64_t", /*default=*/"-1", "arena budget in bytes (-1: none)">,
    Option<"flashLimit", "flash-limit", "int64_t", /*default=*/"-1", "weights budget in bytes (-1: none)">,
  ];
}

#endif
