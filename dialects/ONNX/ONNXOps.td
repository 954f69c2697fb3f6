//===- ONNXOps.td - the onnx dialect: ONNX operators at import level -------===//
//
// One op per ONNX operator the compiler supports, 1:1 with the ONNX graph after
// the importer has normalized opset differences to the newest form: values that
// older opsets passed as attributes (Clip min/max, Pad pads, Split/Squeeze/
// Unsqueeze/Reduce axes, Upsample scales) are operands, usually constants.
// Attributes keep their ONNX names; their kinds and defaults come from the ONNX
// schemas (ONNXOperators.td, generated). Missing optional operands are
// `onnx.none` values. Result types are always static: every op infers them
// (InferTypeOpInterface, ONNXShape*.cpp) and the importer creates ops with them.
//
//===----------------------------------------------------------------------===//

#ifndef EMLC_ONNX_OPS
#define EMLC_ONNX_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::emlc::onnx";
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
  let summary = "ONNX operators, 1:1 with the imported graph";
  let description = [{
    The import level of emlc. Every op mirrors one ONNX node; see
    dialects/ONNX/README.md for the normalization rules.
  }];
}

// Checks the operand count against the ONNX schema: at least Min, at most Max
// operands (optional trailing operands may be absent or `onnx.none`), exactly
// NumResults results (-1: any number, as for Split).
class ONNX_Arity<int min, int max, int results>
    : ParamNativeOpTrait<"ONNXArity", !interleave([min, max, results], ", ")>;

// The attribute kinds the importer creates (Importer.cpp, convertAttribute):
// INT -> i64 (read as int64_t: axes and defaults may be negative), FLOAT -> f32,
// STRING -> string, INTS/FLOATS -> dense arrays, STRINGS -> array of strings,
// TENSOR -> dense elements.
def ONNX_IntAttr : TypedSignlessIntegerAttrBase<I64, "int64_t", "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}
def ONNX_FloatAttr : FloatAttrBase<F32, "32-bit float attribute"> {
  let returnType = "float";
  let convertFromStorage = "$_self.getValue().convertToFloat()";
}
def ONNX_TensorAttr : Attr<CPred<"::llvm::isa<::mlir::DenseElementsAttr>($_self)">, "dense tensor attribute"> {
  let storageType = "::mlir::DenseElementsAttr";
  let returnType = "::mlir::DenseElementsAttr";
  let convertFromStorage = "$_self";
}

// `attrs` are the ONNX attributes (ONNXOperators.td). Result types are
// inferred; ops with optional outputs infer all of them and may have a prefix
// (the outputs the node names).
class ONNX_Op<string mnemonic, int minIn, int maxIn, int results, dag attrs = (ins),
              list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic,
         !listconcat(traits, [Pure, ONNX_Arity<minIn, maxIn, results>,
                              DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let arguments = !con((ins Variadic<AnyType>:$inputs), attrs);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, $outputs)";
  let description = [{
    The ONNX operator of the same name (see the ONNX operator specification).
    Example:
    ```mlir
    %y = onnx.relu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
    ```
  }];
  let extraClassDeclaration = "static constexpr int kMinInputs = " # minIn # ", kMaxInputs = " # maxIn # ";\n" # [{
    /// The node may name fewer outputs than the op can have (optional ones).
    static bool isCompatibleReturnTypes(::mlir::TypeRange inferred, ::mlir::TypeRange actual) {
      return actual.size() <= inferred.size() && inferred.take_front(actual.size()) == actual;
    }
  }];
}

def ONNX_NoneOp : Op<ONNX_Dialect, "none", [Pure]> {
  let summary = "an absent optional input";
  let description = [{
    Stands for an ONNX optional input whose name is empty.
    ```mlir
    %n = onnx.none : none
    ```
  }];
  let results = (outs NoneType:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

include "dialects/ONNX/ONNXOperators.td"

#endif // EMLC_ONNX_OPS
