//===- ONNXOps.td - the onnx dialect: ONNX operators at import level -------===//
//
// One op per ONNX operator the compiler supports, 1:1 with the ONNX graph after
// the importer has normalized opset differences to the newest form: values that
// older opsets passed as attributes (Clip min/max, Pad pads, Split/Squeeze/
// Unsqueeze/Reduce axes, Upsample scales) are operands, usually constants.
// Attributes keep their ONNX names and types. Missing optional operands are
// `onnx.none` values. Result types are always static: the importer binds
// dynamic dimensions and runs shape inference (ONNXShapeInference.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef EMLC_ONNX_OPS
#define EMLC_ONNX_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
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

class ONNX_Op<string mnemonic, int minIn, int maxIn, int results = 1,
              list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic,
         !listconcat(traits, [Pure, ONNX_Arity<minIn, maxIn, results>])> {
  let arguments = (ins Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, $outputs)";
  let description = [{
    The ONNX operator of the same name (see the ONNX operator specification).
    Example:
    ```mlir
    %y = onnx.relu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
    ```
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

// --- Compute -----------------------------------------------------------------
def ONNX_ConvOp : ONNX_Op<"conv", 2, 3> { let summary = "ONNX Conv"; }
def ONNX_ConvTransposeOp : ONNX_Op<"conv_transpose", 2, 3> { let summary = "ONNX ConvTranspose"; }
def ONNX_GemmOp : ONNX_Op<"gemm", 2, 3> { let summary = "ONNX Gemm"; }
def ONNX_MatMulOp : ONNX_Op<"mat_mul", 2, 2> { let summary = "ONNX MatMul"; }
def ONNX_LSTMOp : ONNX_Op<"lstm", 3, 8, -1> { let summary = "ONNX LSTM"; }
def ONNX_GRUOp : ONNX_Op<"gru", 3, 6, -1> { let summary = "ONNX GRU"; }
def ONNX_RNNOp : ONNX_Op<"rnn", 3, 6, -1> { let summary = "ONNX RNN"; }

// --- Activations and unary math ------------------------------------------------
def ONNX_ReluOp : ONNX_Op<"relu", 1, 1> { let summary = "ONNX Relu"; }
def ONNX_LeakyReluOp : ONNX_Op<"leaky_relu", 1, 1> { let summary = "ONNX LeakyRelu"; }
def ONNX_PReluOp : ONNX_Op<"p_relu", 2, 2> { let summary = "ONNX PRelu"; }
def ONNX_ClipOp : ONNX_Op<"clip", 1, 3> { let summary = "ONNX Clip (min/max as operands)"; }
def ONNX_SigmoidOp : ONNX_Op<"sigmoid", 1, 1> { let summary = "ONNX Sigmoid"; }
def ONNX_HardSigmoidOp : ONNX_Op<"hard_sigmoid", 1, 1> { let summary = "ONNX HardSigmoid"; }
def ONNX_HardSwishOp : ONNX_Op<"hard_swish", 1, 1> { let summary = "ONNX HardSwish"; }
def ONNX_TanhOp : ONNX_Op<"tanh", 1, 1> { let summary = "ONNX Tanh"; }
def ONNX_EluOp : ONNX_Op<"elu", 1, 1> { let summary = "ONNX Elu"; }
def ONNX_SeluOp : ONNX_Op<"selu", 1, 1> { let summary = "ONNX Selu"; }
def ONNX_SoftmaxOp : ONNX_Op<"softmax", 1, 1> { let summary = "ONNX Softmax (opset 13 semantics)"; }
def ONNX_LogSoftmaxOp : ONNX_Op<"log_softmax", 1, 1> { let summary = "ONNX LogSoftmax (opset 13 semantics)"; }
def ONNX_ExpOp : ONNX_Op<"exp", 1, 1> { let summary = "ONNX Exp"; }
def ONNX_LogOp : ONNX_Op<"log", 1, 1> { let summary = "ONNX Log"; }
def ONNX_SqrtOp : ONNX_Op<"sqrt", 1, 1> { let summary = "ONNX Sqrt"; }
def ONNX_AbsOp : ONNX_Op<"abs", 1, 1> { let summary = "ONNX Abs"; }
def ONNX_NegOp : ONNX_Op<"neg", 1, 1> { let summary = "ONNX Neg"; }
def ONNX_ReciprocalOp : ONNX_Op<"reciprocal", 1, 1> { let summary = "ONNX Reciprocal"; }
def ONNX_FloorOp : ONNX_Op<"floor", 1, 1> { let summary = "ONNX Floor"; }
def ONNX_CeilOp : ONNX_Op<"ceil", 1, 1> { let summary = "ONNX Ceil"; }
def ONNX_RoundOp : ONNX_Op<"round", 1, 1> { let summary = "ONNX Round (half to even)"; }
def ONNX_ErfOp : ONNX_Op<"erf", 1, 1> { let summary = "ONNX Erf"; }
def ONNX_SoftplusOp : ONNX_Op<"softplus", 1, 1> { let summary = "ONNX Softplus"; }
def ONNX_SoftsignOp : ONNX_Op<"softsign", 1, 1> { let summary = "ONNX Softsign"; }
def ONNX_SinOp : ONNX_Op<"sin", 1, 1> { let summary = "ONNX Sin"; }
def ONNX_CosOp : ONNX_Op<"cos", 1, 1> { let summary = "ONNX Cos"; }
def ONNX_IdentityOp : ONNX_Op<"identity", 1, 1> {
  let summary = "ONNX Identity";
  let hasFolder = 1;
}
def ONNX_DropoutOp : ONNX_Op<"dropout", 1, 3, -1> { let summary = "ONNX Dropout (inference: identity)"; }
def ONNX_CastOp : ONNX_Op<"cast", 1, 1> {
  let summary = "ONNX Cast";
  let hasFolder = 1;
}

// --- Binary / variadic elementwise (numpy broadcasting) -----------------------
def ONNX_AddOp : ONNX_Op<"add", 2, 2> {
  let summary = "ONNX Add";
  let hasFolder = 1;
}
def ONNX_SubOp : ONNX_Op<"sub", 2, 2> {
  let summary = "ONNX Sub";
  let hasFolder = 1;
}
def ONNX_MulOp : ONNX_Op<"mul", 2, 2> {
  let summary = "ONNX Mul";
  let hasFolder = 1;
}
def ONNX_DivOp : ONNX_Op<"div", 2, 2> {
  let summary = "ONNX Div";
  let hasFolder = 1;
}
def ONNX_PowOp : ONNX_Op<"pow", 2, 2> { let summary = "ONNX Pow"; }
def ONNX_MinOp : ONNX_Op<"min", 1, 64> { let summary = "ONNX Min"; }
def ONNX_MaxOp : ONNX_Op<"max", 1, 64> { let summary = "ONNX Max"; }
def ONNX_SumOp : ONNX_Op<"sum", 1, 64> { let summary = "ONNX Sum"; }
def ONNX_MeanOp : ONNX_Op<"mean", 1, 64> { let summary = "ONNX Mean"; }
def ONNX_EqualOp : ONNX_Op<"equal", 2, 2> {
  let summary = "ONNX Equal (shape subgraphs only)";
  let hasFolder = 1;
}
def ONNX_WhereOp : ONNX_Op<"where", 3, 3> {
  let summary = "ONNX Where (shape subgraphs only)";
  let hasFolder = 1;
}

// --- Quantization (constant inputs fold at import; the int8 flow lowers the rest)
def ONNX_DequantizeLinearOp : ONNX_Op<"dequantize_linear", 2, 3> {
  let summary = "ONNX DequantizeLinear";
  let hasFolder = 1;
}
def ONNX_QuantizeLinearOp : ONNX_Op<"quantize_linear", 2, 3> {
  let summary = "ONNX QuantizeLinear";
  let hasFolder = 1;
}
def ONNX_DynamicQuantizeLinearOp : ONNX_Op<"dynamic_quantize_linear", 1, 1, 3> {
  let summary = "ONNX DynamicQuantizeLinear (uint8, scale and zero point from the data)";
}
// QOperator form: expanded into DequantizeLinear -> float op -> QuantizeLinear
// before the QDQ fusion (lib/Conversion/ONNXToNN/QOperator.cpp).
def ONNX_QLinearConvOp : ONNX_Op<"q_linear_conv", 8, 9> { let summary = "ONNX QLinearConv"; }
def ONNX_QLinearMatMulOp : ONNX_Op<"q_linear_mat_mul", 8, 8> { let summary = "ONNX QLinearMatMul"; }
def ONNX_MatMulIntegerOp : ONNX_Op<"mat_mul_integer", 2, 4> { let summary = "ONNX MatMulInteger (int32 result)"; }
def ONNX_ConvIntegerOp : ONNX_Op<"conv_integer", 2, 4> { let summary = "ONNX ConvInteger (int32 result)"; }

// --- Pooling and normalization ---------------------------------------------------
def ONNX_MaxPoolOp : ONNX_Op<"max_pool", 1, 1, -1> { let summary = "ONNX MaxPool"; }
def ONNX_AveragePoolOp : ONNX_Op<"average_pool", 1, 1> { let summary = "ONNX AveragePool"; }
def ONNX_GlobalAveragePoolOp : ONNX_Op<"global_average_pool", 1, 1> { let summary = "ONNX GlobalAveragePool"; }
def ONNX_GlobalMaxPoolOp : ONNX_Op<"global_max_pool", 1, 1> { let summary = "ONNX GlobalMaxPool"; }
def ONNX_BatchNormalizationOp : ONNX_Op<"batch_normalization", 5, 5, -1> { let summary = "ONNX BatchNormalization (inference)"; }
def ONNX_InstanceNormalizationOp : ONNX_Op<"instance_normalization", 3, 3> { let summary = "ONNX InstanceNormalization"; }
def ONNX_LayerNormalizationOp : ONNX_Op<"layer_normalization", 2, 3, -1> { let summary = "ONNX LayerNormalization"; }
def ONNX_ReduceMeanOp : ONNX_Op<"reduce_mean", 1, 2> { let summary = "ONNX ReduceMean (axes as operand)"; }
def ONNX_ReduceMaxOp : ONNX_Op<"reduce_max", 1, 2> { let summary = "ONNX ReduceMax (axes as operand)"; }
def ONNX_ReduceMinOp : ONNX_Op<"reduce_min", 1, 2> { let summary = "ONNX ReduceMin (axes as operand)"; }
def ONNX_ReduceSumOp : ONNX_Op<"reduce_sum", 1, 2> { let summary = "ONNX ReduceSum (axes as operand)"; }

// --- Data movement -----------------------------------------------------------------
def ONNX_ConcatOp : ONNX_Op<"concat", 1, 64> {
  let summary = "ONNX Concat";
  let hasFolder = 1;
}
def ONNX_ReshapeOp : ONNX_Op<"reshape", 2, 2> {
  let summary = "ONNX Reshape";
  let hasFolder = 1;
}
def ONNX_FlattenOp : ONNX_Op<"flatten", 1, 1> {
  let summary = "ONNX Flatten";
  let hasFolder = 1;
}
def ONNX_SqueezeOp : ONNX_Op<"squeeze", 1, 2> {
  let summary = "ONNX Squeeze (axes as operand)";
  let hasFolder = 1;
}
def ONNX_UnsqueezeOp : ONNX_Op<"unsqueeze", 2, 2> {
  let summary = "ONNX Unsqueeze (axes as operand)";
  let hasFolder = 1;
}
def ONNX_TransposeOp : ONNX_Op<"transpose", 1, 1> {
  let summary = "ONNX Transpose";
  let hasFolder = 1;
}
def ONNX_PadOp : ONNX_Op<"pad", 2, 3> { let summary = "ONNX Pad (pads/value as operands)"; }
def ONNX_SliceOp : ONNX_Op<"slice", 3, 5> {
  let summary = "ONNX Slice (starts/ends/axes/steps as operands)";
  let hasFolder = 1;
}
def ONNX_SplitOp : ONNX_Op<"split", 1, 2, -1> { let summary = "ONNX Split (split as operand)"; }
def ONNX_GatherOp : ONNX_Op<"gather", 2, 2> {
  let summary = "ONNX Gather";
  let hasFolder = 1;
}
def ONNX_ShapeOp : ONNX_Op<"shape", 1, 1> {
  let summary = "ONNX Shape";
  let hasFolder = 1;
}
def ONNX_ConstantOfShapeOp : ONNX_Op<"constant_of_shape", 1, 1> {
  let summary = "ONNX ConstantOfShape";
  let hasFolder = 1;
}
def ONNX_ExpandOp : ONNX_Op<"expand", 2, 2> {
  let summary = "ONNX Expand";
  let hasFolder = 1;
}
def ONNX_ResizeOp : ONNX_Op<"resize", 1, 4> { let summary = "ONNX Resize (Upsample is imported as Resize)"; }
def ONNX_DepthToSpaceOp : ONNX_Op<"depth_to_space", 1, 1> { let summary = "ONNX DepthToSpace"; }
def ONNX_RangeOp : ONNX_Op<"range", 3, 3> {
  let summary = "ONNX Range (shape subgraphs only)";
  let hasFolder = 1;
}
def ONNX_SpaceToDepthOp : ONNX_Op<"space_to_depth", 1, 1> { let summary = "ONNX SpaceToDepth"; }

#endif // EMLC_ONNX_OPS
