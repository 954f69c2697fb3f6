// RUN: emlc-opt %s -split-input-file -emlc-convert-onnx-to-nn | FileCheck %s

// QLinearConv is the QDQ conv written as one node: it becomes the same
// quantized nn.conv2d (per-channel weight scales, int32 bias in xs*ws units).
// CHECK-LABEL: func @qlinear_conv
// CHECK-DAG: %[[X:.+]] = "quant.scast"(%arg0) : (tensor<1x1x3x3xi8>) -> tensor<1x1x3x3x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK-DAG: %[[W:.+]] = "quant.scast"(%{{.+}}) : (tensor<2x1x1x1xi8>) -> tensor<2x1x1x1x!quant.uniform<i8:f32:0, {2.500000e-01,1.250000e-01}>>
// CHECK: nn.conv2d %[[X]], %[[W]], %{{[a-z0-9_]+}}
// CHECK-SAME: -> tensor<1x2x3x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK-NOT: onnx.
func.func @qlinear_conv(%x: tensor<1x1x3x3xi8>) -> tensor<1x2x3x3xi8> {
  %xs = arith.constant dense<0.5> : tensor<f32>
  %xz = arith.constant dense<-1> : tensor<i8>
  %w = arith.constant dense<[[[[3]]], [[[-7]]]]> : tensor<2x1x1x1xi8>
  %ws = arith.constant dense<[0.25, 0.125]> : tensor<2xf32>
  %wz = arith.constant dense<0> : tensor<2xi8>
  %ys = arith.constant dense<2.0> : tensor<f32>
  %yz = arith.constant dense<4> : tensor<i8>
  %b = arith.constant dense<[100, -100]> : tensor<2xi32>
  %y = onnx.q_linear_conv %x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b {kernel_shape = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<f32>, tensor<i8>, tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// -----

// tf2onnx's TFLite FullyConnected: MatMulInteger -> Add(int32 bias) -> Cast ->
// Mul(acc_scale) -> QuantizeLinear. The input scale comes from the producing
// QuantizeLinear (0.5), so the weight scale is acc_scale / 0.5; the weight is
// transposed to nn's [N, K].
// CHECK-LABEL: func @matmul_integer_chain
// CHECK: %[[W:.+]] = "quant.scast"(%{{.+}}) : (tensor<2x3xi8>) -> tensor<2x3x!quant.uniform<i8:f32, 1.250000e-01>>
// CHECK: nn.fully_connected %{{[a-z0-9_]+}}, %[[W]], %{{[a-z0-9_]+}} : {{.+}} -> tensor<1x2x!quant.uniform<i8:f32, 1.000000e+00:-3>>
// CHECK-NOT: onnx.
func.func @matmul_integer_chain(%f: tensor<1x3xf32>) -> tensor<1x2xi8> {
  %xs = arith.constant dense<0.5> : tensor<f32>
  %xz = arith.constant dense<2> : tensor<i8>
  %x = onnx.quantize_linear %f, %xs, %xz : (tensor<1x3xf32>, tensor<f32>, tensor<i8>) -> tensor<1x3xi8>
  %w = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %wz = arith.constant dense<0> : tensor<i8>
  %acc = onnx.mat_mul_integer %x, %w, %xz, %wz : (tensor<1x3xi8>, tensor<3x2xi8>, tensor<i8>, tensor<i8>) -> tensor<1x2xi32>
  %b = arith.constant dense<[7, -7]> : tensor<2xi32>
  %ab = onnx.add %acc, %b : (tensor<1x2xi32>, tensor<2xi32>) -> tensor<1x2xi32>
  %c = onnx.cast %ab {to = 1 : i64} : (tensor<1x2xi32>) -> tensor<1x2xf32>
  %s = arith.constant dense<0.0625> : tensor<f32>
  %m = onnx.mul %c, %s : (tensor<1x2xf32>, tensor<f32>) -> tensor<1x2xf32>
  %ys = arith.constant dense<1.0> : tensor<f32>
  %yz = arith.constant dense<-3> : tensor<i8>
  %y = onnx.quantize_linear %m, %ys, %yz : (tensor<1x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}
