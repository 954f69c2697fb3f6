//===- NNOps.td - the nn dialect: where the compiler thinks ---------------===//
//
// Normalized compute ops with every attribute explicit: no auto_pad, no
// defaults to look up, no opset differences. Spatial ops are 2-D NCHW (1-D
// convolutions arrive as H = 1). Weights are operands (usually constants).
// Activations that fuse into a producer become its clamp attributes.
//
//===----------------------------------------------------------------------===//

#ifndef EMLC_NN_OPS
#define EMLC_NN_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::emlc::nn";
  let summary = "normalized neural-network compute ops";
  let description = [{ See dialects/NN/README.md. }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def NN_UnaryKind : I32EnumAttr<"UnaryKind", "elementwise function of one input", [
    I32EnumAttrCase<"relu", 0>, I32EnumAttrCase<"leaky_relu", 1>, I32EnumAttrCase<"clip", 2>,
    I32EnumAttrCase<"sigmoid", 3>, I32EnumAttrCase<"hard_sigmoid", 4>, I32EnumAttrCase<"hard_swish", 5>,
    I32EnumAttrCase<"tanh", 6>, I32EnumAttrCase<"elu", 7>, I32EnumAttrCase<"selu", 8>,
    I32EnumAttrCase<"exp", 9>, I32EnumAttrCase<"log", 10>, I32EnumAttrCase<"sqrt", 11>,
    I32EnumAttrCase<"abs", 12>, I32EnumAttrCase<"neg", 13>, I32EnumAttrCase<"reciprocal", 14>,
    I32EnumAttrCase<"floor", 15>, I32EnumAttrCase<"ceil", 16>, I32EnumAttrCase<"erf", 17>,
    I32EnumAttrCase<"softplus", 18>, I32EnumAttrCase<"softsign", 19>, I32EnumAttrCase<"sin", 20>,
    I32EnumAttrCase<"cos", 21>, I32EnumAttrCase<"copy", 22>, I32EnumAttrCase<"round", 23>]> {
  let cppNamespace = "::emlc::nn";
}

def NN_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise function of two inputs", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>, I32EnumAttrCase<"mul", 2>,
    I32EnumAttrCase<"div", 3>, I32EnumAttrCase<"min", 4>, I32EnumAttrCase<"max", 5>,
    I32EnumAttrCase<"pow", 6>, I32EnumAttrCase<"prelu", 7>]> {
  let cppNamespace = "::emlc::nn";
}

def NN_PoolKind : I32EnumAttr<"PoolKind", "pooling reduction", [
    I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"avg", 1>]> {
  let cppNamespace = "::emlc::nn";
}

def NN_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>, I32EnumAttrCase<"max", 2>,
    I32EnumAttrCase<"min", 3>]> {
  let cppNamespace = "::emlc::nn";
}

// Clamp applied to the output of a compute op: a fused Relu is [0, +inf),
// a fused Clip [min, max]. Absent means no activation.
defvar NN_ClampAttrs = (ins OptionalAttr<F32Attr>:$act_min, OptionalAttr<F32Attr>:$act_max);

def NN_Conv2DOp : NN_Op<"conv2d"> {
  let summary = "2-D convolution, NCHW, weight [M, C/groups, KH, KW]";
  let description = [{
    Explicit pads (top, left, bottom, right), strides, dilations and groups;
    optional bias [M]; optional fused clamp.
    ```mlir
    %y = nn.conv2d %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
           pads = array<i64: 1, 1, 1, 1>, groups = 1 : i64}
         : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                           Optional<AnyRankedTensor>:$bias,
                           DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                           DenseI64ArrayAttr:$pads, I64Attr:$groups), NN_ClampAttrs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_ConvTranspose2DOp : NN_Op<"conv_transpose2d"> {
  let summary = "2-D transposed convolution, NCHW, weight [C, M/groups, KH, KW]";
  let description = [{
    Output size is given by the result type; `pads` are the (top, left, bottom,
    right) crops of the full transposed output.
    ```mlir
    %y = nn.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
           pads = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
         : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads, I64Attr:$groups);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_FullyConnectedOp : NN_Op<"fully_connected"> {
  let summary = "y[M, N] = x[M, K] * weight[N, K]^T + bias[N]";
  let description = [{
    The weight is stored row per output (TFLite/CMSIS-NN layout), so each
    output is one dot product over contiguous memory.
    ```mlir
    %y = nn.fully_connected %x, %w, %b : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                           Optional<AnyRankedTensor>:$bias), NN_ClampAttrs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_MatMulOp : NN_Op<"matmul"> {
  let summary = "batched matrix product with numpy broadcasting of batch dims";
  let description = [{
    Operands are at least 2-D (the importer expands 1-D operands).
    ```mlir
    %y = nn.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_UnaryOp : NN_Op<"unary"> {
  let summary = "elementwise function of one tensor";
  let description = [{
    `alpha`/`beta` parametrize leaky_relu, elu, selu (alpha, gamma),
    hard_sigmoid (alpha, beta) and clip (min, max).
    ```mlir
    %y = nn.unary relu %x : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins NN_UnaryKind:$kind, AnyRankedTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.0f">:$beta);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_BinaryOp : NN_Op<"binary"> {
  let summary = "elementwise function of two tensors with numpy broadcasting";
  let description = [{
    ```mlir
    %y = nn.binary add %a, %b : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = !con((ins NN_BinaryKind:$kind, AnyRankedTensor:$lhs, AnyRankedTensor:$rhs), NN_ClampAttrs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_Pool2DOp : NN_Op<"pool2d"> {
  let summary = "2-D max/average pooling, NCHW";
  let description = [{
    Pads are (top, left, bottom, right). `count_include_pad` is meaningful for
    average pooling only.
    ```mlir
    %y = nn.pool2d max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, count_include_pad = false}
         : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32>
    ```
  }];
  let arguments = (ins NN_PoolKind:$kind, AnyRankedTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads, BoolAttr:$count_include_pad);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_ReduceOp : NN_Op<"reduce"> {
  let summary = "reduction over a set of axes (kept as size 1 in the result when keepdims)";
  let description = [{
    ```mlir
    %y = nn.reduce mean %x {axes = array<i64: 2, 3>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>
    ```
  }];
  let arguments = (ins NN_ReduceKind:$kind, AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_SoftmaxOp : NN_Op<"softmax"> {
  let summary = "softmax (or log-softmax) along one axis";
  let description = [{
    ```mlir
    %y = nn.softmax %x {axis = 1 : i64, log = false} : (tensor<1x10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, BoolAttr:$log);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_NormalizeOp : NN_Op<"normalize"> {
  let summary = "(x - mean) / sqrt(var + epsilon) over the trailing axes from `axis`";
  let description = [{
    The statistics part of LayerNormalization and InstanceNormalization; the
    affine part is an `nn.binary` mul/add. Also returns the mean and
    1/sqrt(var + epsilon), shaped like the input with the normalized axes 1.
    ```mlir
    %y, %m, %r = nn.normalize %x {axis = 2 : i64, epsilon = 1.0e-5 : f32}
        : (tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs AnyRankedTensor:$output, AnyRankedTensor:$mean, AnyRankedTensor:$inv_std_dev);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_TransposeOp : NN_Op<"transpose"> {
  let summary = "permutes the axes";
  let description = [{
    ```mlir
    %y = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_ReshapeOp : NN_Op<"reshape"> {
  let summary = "same elements, new static shape (Reshape, Flatten, Squeeze, Unsqueeze)";
  let description = [{
    A view: lowers to an alias of the input buffer, never a copy.
    ```mlir
    %y = nn.reshape %x : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_ConcatOp : NN_Op<"concat"> {
  let summary = "concatenation along one axis";
  let description = [{
    ```mlir
    %y = nn.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_SliceOp : NN_Op<"slice"> {
  let summary = "strided slice with one (start, step) per axis; sizes from the result type";
  let description = [{
    ```mlir
    %y = nn.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_PadOp : NN_Op<"pad"> {
  let summary = "padding: constant, reflect or edge; pads = (begin..., end...)";
  let description = [{
    ```mlir
    %y = nn.pad %x {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x2xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$mode, DenseI64ArrayAttr:$pads, F32Attr:$value);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def NN_GatherOp : NN_Op<"gather"> {
  let summary = "gather along one axis with integer indices (negative = from the end)";
  let description = [{
    ```mlir
    %y = nn.gather %x, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_CastOp : NN_Op<"cast"> {
  let summary = "element type conversion (C semantics, float to int truncates, saturating where ONNX says so)";
  let description = [{
    ```mlir
    %y = nn.cast %x : (tensor<4xf32>) -> tensor<4xi32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_ResizeOp : NN_Op<"resize"> {
  let summary = "nearest or (bi/tri)linear resize of any axes; sizes from the result type";
  let description = [{
    `mode` is nearest, linear or cubic; `coordinate_mode` is ONNX's
    coordinate_transformation_mode, `nearest_mode` its rounding; `scales` are
    the per-axis output/input factors used by the coordinate transform;
    `exclude_outside` (unit) renormalizes cubic weights inside the input.
    ```mlir
    %y = nn.resize %x {mode = "nearest", coordinate_mode = "asymmetric", nearest_mode = "floor",
           scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$mode, StrAttr:$coordinate_mode,
                       StrAttr:$nearest_mode, DenseF32ArrayAttr:$scales,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // EMLC_NN_OPS
