// RUN: emlc-opt %s -split-input-file -emlc-convert-onnx-to-nn -verify-diagnostics | FileCheck %s

// auto_pad SAME_UPPER becomes explicit pads; the bias stays an operand.
// CHECK-LABEL: func @conv_same_upper
// CHECK: nn.conv2d %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>}
// CHECK-SAME: -> tensor<1x2x3x3xf32>
func.func @conv_same_upper(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %0 = onnx.conv %x, %w, %b {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// A 1-D convolution runs as 2-D with H = 1, between two reshapes.
// CHECK-LABEL: func @conv1d
// CHECK: %[[X:.+]] = nn.reshape %{{.+}} : (tensor<1x2x10xf32>) -> tensor<1x2x1x10xf32>
// CHECK: %[[C:.+]] = nn.conv2d %[[X]], %{{.+}} {{.*}}pads = array<i64: 0, 1, 0, 1>{{.*}} -> tensor<1x3x1x10xf32>
// CHECK: nn.reshape %[[C]] : (tensor<1x3x1x10xf32>) -> tensor<1x3x10xf32>
func.func @conv1d(%x: tensor<1x2x10xf32>) -> tensor<1x3x10xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2x3xf32>
  %0 = onnx.conv %x, %w {pads = array<i64: 1, 1>} : (tensor<1x2x10xf32>, tensor<3x2x3xf32>) -> tensor<1x3x10xf32>
  return %0 : tensor<1x3x10xf32>
}

// -----

// Gemm without transB: the constant weight is transposed at compile time to [N, K].
// CHECK-LABEL: func @gemm
// CHECK: %[[W:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: nn.fully_connected %{{.+}}, %[[W]], %{{.+}} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
func.func @gemm(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %0 = onnx.gemm %x, %w, %c : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// BatchNormalization becomes a per-channel scale and shift.
// CHECK-LABEL: func @batchnorm
// CHECK: %[[M:.+]] = nn.binary mul %{{.+}}, %{{.+}} : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK: nn.binary add %[[M]], %{{.+}} : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
func.func @batchnorm(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 0.5]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = onnx.batch_normalization %x, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// Reshape-like ops become nn.reshape (chains fold later, in canonicalization);
// Identity disappears.
// CHECK-LABEL: func @reshape_like
// CHECK-NEXT: %[[F:.+]] = nn.reshape %{{.+}} : (tensor<2x3xf32>) -> tensor<1x6xf32>
// CHECK: %[[R:.+]] = nn.reshape %[[F]] : (tensor<1x6xf32>) -> tensor<6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_like(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = onnx.identity %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = onnx.flatten %0 {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
  %s = arith.constant dense<[6]> : tensor<1xi64>
  %2 = onnx.reshape %1, %s : (tensor<1x6xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %2 : tensor<6xf32>
}

// -----

// DepthToSpace (DCR) is a reshape, a transpose and a reshape.
// CHECK-LABEL: func @depth_to_space
// CHECK: nn.reshape {{.*}} -> tensor<1x2x2x1x1x1xf32>
// CHECK: nn.transpose {{.*}}perm = array<i64: 0, 3, 4, 1, 5, 2>
// CHECK: nn.reshape {{.*}} -> tensor<1x1x2x2xf32>
func.func @depth_to_space(%x: tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32> {
  %0 = onnx.depth_to_space %x {blocksize = 2 : i64} : (tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// A value computed at run time where a constant is needed is an error, with
// the way to make it one.
func.func @runtime_clip(%x: tensor<4xf32>, %lo: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+2 {{(Clip, opset 0): Clip min/max must be constants}}
  // expected-note @+1 {{a graph input can be fixed at compile time with --input-value NAME=FILE.pb}}
  %0 = onnx.clip %x, %lo : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// QDQ: Quantize(Relu(Gemm(Dequantize(x), Dequantize(w), Dequantize(b)))) is one
// int8 fully connected layer on quantized types; the Relu becomes the clamp
// [output zero point, 127]; int8 values cross in and out with quant.scast.
// CHECK-LABEL: func @qdq_gemm
// CHECK-DAG: %[[X:.+]] = "quant.scast"(%{{.+}}) : (tensor<1x4xi8>) -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:3>>
// CHECK-DAG: %[[W:.+]] = "quant.scast"(%{{.+}}) : (tensor<2x4xi8>) -> tensor<2x4x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK: %[[Y:.+]] = nn.fully_connected %[[X]], %[[W]], %{{.+}} {act_max = 1.270000e+02 : f32, act_min = -5.000000e+00 : f32}
// CHECK-SAME: -> tensor<1x2x!quant.uniform<i8:f32, 1.000000e+00:-5>>
// CHECK: %[[R:.+]] = "quant.scast"(%[[Y]]) : (tensor<1x2x!quant.uniform<i8:f32, 1.000000e+00:-5>>) -> tensor<1x2xi8>
// CHECK: return %[[R]]
func.func @qdq_gemm(%xq: tensor<1x4xi8>) -> tensor<1x2xi8> {
  %sx = arith.constant dense<0.5> : tensor<f32>
  %zx = arith.constant dense<3> : tensor<i8>
  %wq = arith.constant dense<[[1, 2, 3, 4], [-1, -2, -3, -4]]> : tensor<2x4xi8>
  %sw = arith.constant dense<0.25> : tensor<f32>
  %zw = arith.constant dense<0> : tensor<i8>
  %bq = arith.constant dense<[10, -10]> : tensor<2xi32>
  %sb = arith.constant dense<0.125> : tensor<f32>
  %zb = arith.constant dense<0> : tensor<i32>
  %sy = arith.constant dense<1.0> : tensor<f32>
  %zy = arith.constant dense<-5> : tensor<i8>
  %x = onnx.dequantize_linear %xq, %sx, %zx : (tensor<1x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4xf32>
  %w = onnx.dequantize_linear %wq, %sw, %zw : (tensor<2x4xi8>, tensor<f32>, tensor<i8>) -> tensor<2x4xf32>
  %b = onnx.dequantize_linear %bq, %sb, %zb : (tensor<2xi32>, tensor<f32>, tensor<i32>) -> tensor<2xf32>
  %g = onnx.gemm %x, %w, %b {transB = 1 : i64} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %r = onnx.relu %g : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = onnx.quantize_linear %r, %sy, %zy : (tensor<1x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

// A 3-D convolution is a sum of 2-D ones per output depth plane. Each input
// depth plane is sliced once (x has 2), and the output planes whose window lies
// entirely in the depth padding (6 of 9 here) share one bias plane: emlc-fuzz's
// pads of 256 had made ~1,800 ops and seconds of passes.
// CHECK-LABEL: func @conv3d_deep_depth_padding
// CHECK: %[[PAD:.+]] = nn.binary add
// CHECK: nn.slice
// CHECK-NOT: nn.slice
// CHECK-COUNT-2: nn.conv2d
// CHECK: nn.slice
// CHECK-NOT: nn.slice
// CHECK-COUNT-2: nn.conv2d
// CHECK-NOT: nn.conv2d
// CHECK: %[[P:.+]] = nn.reshape %[[PAD]]
// CHECK-NOT: nn.reshape %[[PAD]]
// CHECK: nn.concat %[[P]], %[[P]], %[[P]], %{{.+}}, %{{.+}}, %{{.+}}, %[[P]], %[[P]], %[[P]] {axis = 2 : i64}
func.func @conv3d_deep_depth_padding(%x: tensor<1x1x2x3x3xf32>) -> tensor<1x1x9x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x2x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %0 = onnx.conv %x, %w, %b {pads = array<i64: 4, 0, 0, 4, 0, 0>} : (tensor<1x1x2x3x3xf32>, tensor<1x1x2x1x1xf32>, tensor<1xf32>) -> tensor<1x1x9x3x3xf32>
  return %0 : tensor<1x1x9x3x3xf32>
}
