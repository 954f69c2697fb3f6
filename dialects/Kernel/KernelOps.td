//===- KernelOps.td - the kernel dialect: one op per C kernel call --------===//
//
// Buffer level. Values are memrefs: graph inputs/outputs are function
// arguments, weights are `memref.global` constants, intermediates are
// `kernel.alloc` buffers that the memory planner places in one arena.
// `kernel.call` names the C kernel variant chosen for the target and carries
// every scalar parameter precomputed, in the kernel's C argument order.
//
//===----------------------------------------------------------------------===//

#ifndef EMLC_KERNEL_OPS
#define EMLC_KERNEL_OPS

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ViewLikeInterface.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let cppNamespace = "::emlc::kernel";
  let summary = "C kernel calls over planned buffers";
  let description = [{ See dialects/Kernel/README.md. }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let useDefaultAttributePrinterParser = 1;
}

def Kernel_TargetAttr : AttrDef<Kernel_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "the target a module is compiled for";
  let description = [{
    Attached once to the module (`emlc.target`) by `emlc-set-target`; every
    pass that depends on the target reads it from there. `name` is a folder
    under targets/ (its target.json); `features` repeats the description's
    ISA facts and arena alignment for readers of the IR.
    ```mlir
    module attributes {emlc.target = #kernel.target<"cortex-m4", {alignment = 16 : i64, dsp = true, fpu = "single"}>} {}
    ```
  }];
  let parameters = (ins StringRefParameter<"target name">:$name, "::mlir::DictionaryAttr":$features);
  let assemblyFormat = "`<` $name `,` $features `>`";
  let genVerifyDecl = 1;
}

class Kernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, traits>;

def Kernel_AllocOp : Kernel_Op<"alloc"> {
  let summary = "an intermediate buffer, placed in the arena by the planner";
  let description = [{
    `offset` is the byte offset in the arena, set by `emlc-plan-memory`.
    ```mlir
    %b = kernel.alloc {offset = 0 : i64} : memref<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$offset);
  let results = (outs AnyStaticShapeMemRef:$buffer);
  let assemblyFormat = "attr-dict `:` type($buffer)";
  let hasVerifier = 1;
}

def Kernel_ViewOp : Kernel_Op<"view", [Pure, DeclareOpInterfaceMethods<ViewLikeOpInterface>]> {
  let summary = "the same bytes under another shape, or a contiguous slice of them";
  let description = [{
    Without `offset`: all the bytes, another shape (reshape-like ops: no copy).
    With `offset` (bytes): the contiguous part of the source starting there,
    e.g. a producer writing straight into its slice of a Concat's output.
    ```mlir
    %v = kernel.view %b : memref<1x8x1x1xf32> to memref<1x8xf32>
    %s = kernel.view %b {offset = 16 : i64} : memref<1x8x1x1xf32> to memref<1x4x1x1xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeMemRef:$source, OptionalAttr<I64Attr>:$offset);
  let results = (outs AnyStaticShapeMemRef:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `to` type($result)";
  let hasVerifier = 1;
}

def Kernel_CallOp : Kernel_Op<"call", [AttrSizedOperandSegments]> {
  let summary = "one call of a C kernel";
  let description = [{
    `ins` are read, `outs` are written (outputs first, then scratch buffers).
    `args` are the scalar parameters after the buffer pointers, in C order:
    integers print as `int32_t`/`int64_t` literals, floats as `float`, and
    dense integer arrays as `static const int32_t[]` tables.
    The verifier checks the call against the kernel's C prototype (its ABI,
    targets/KernelSources.h) in the folders of the module's target: the
    argument count, each buffer's element type (`const void *` takes any),
    outputs and scratch writable and never weight constants, and each scalar
    or table of the parameter's C type.
    ```mlir
    kernel.call "relu_f32" ins(%x : memref<64xf32>) outs(%y : memref<64xf32>) {args = [64 : i32]}
    ```
  }];
  let arguments = (ins StrAttr:$callee, Variadic<AnyMemRef>:$ins, Variadic<AnyMemRef>:$outs,
                       ArrayAttr:$args);
  let assemblyFormat = [{
    $callee (`ins` `(` $ins^ `:` type($ins) `)`)? `outs` `(` $outs `:` type($outs) `)` attr-dict
  }];
  let hasVerifier = 1;
}

#endif // EMLC_KERNEL_OPS
