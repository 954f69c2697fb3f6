// RUN: emlc-opt %s | emlc-opt | FileCheck %s

// Ops of the onnx dialect round-trip with their ONNX attributes; those equal
// to the schema's default (group = 1) are not printed.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[C:.+]] = onnx.conv %{{.+}}, %{{.+}} {auto_pad = "SAME_UPPER"} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
// CHECK: onnx.relu %[[C]] : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
func.func @conv_relu(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  %0 = onnx.conv %x, %w {auto_pad = "SAME_UPPER", group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  %1 = onnx.relu %0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// An absent optional input is an onnx.none value.
// CHECK-LABEL: func @optional_input
// CHECK: %[[N:.+]] = onnx.none : none
// CHECK: onnx.clip %{{.+}}, %[[N]], %{{.+}}
func.func @optional_input(%x: tensor<4xf32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %n = onnx.none : none
  %0 = onnx.clip %x, %n, %hi : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Split has as many results as the node has outputs; without sizes the
// importer records their count (opset 18's num_outputs).
// CHECK-LABEL: func @split
// CHECK: onnx.split %{{.+}} {num_outputs = 2 : i64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
func.func @split(%x: tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0:2 = onnx.split %x {axis = 0 : i64, num_outputs = 2 : i64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<2xf32>
}

// Attributes of every kind the importer creates: i64, f32, string, dense
// arrays, string arrays, tensors.
// CHECK-LABEL: func @attribute_kinds
// CHECK: onnx.gemm %{{.+}}, %{{.+}} {alpha = 5.000000e-01 : f32, transB = 1 : i64}
// CHECK: onnx.leaky_relu %{{.+}} {alpha = 2.000000e-01 : f32}
// CHECK: onnx.transpose %{{.+}} {perm = array<i64: 1, 0>}
// CHECK: onnx.resize %{{.+}}, %{{.+}}, %{{.+}} {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"}
// CHECK: onnx.rnn %{{.+}}, %{{.+}}, %{{.+}} {activations = ["Relu"], hidden_size = 2 : i64}
// CHECK: onnx.constant_of_shape %{{.+}} {value = dense<7> : tensor<1xi32>}
func.func @attribute_kinds(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %x: tensor<1x1x2x2xf32>, %s: tensor<4xi64>,
                           %seq: tensor<1x1x3xf32>, %w: tensor<1x2x3xf32>, %r: tensor<1x2x2xf32>)
    -> (tensor<2x4xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<1x1x4x4xf32>, tensor<1x1x1x2xf32>, tensor<2x2xi32>) {
  %0 = onnx.gemm %a, %b {alpha = 0.5 : f32, transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %1 = onnx.leaky_relu %a {alpha = 0.2 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = onnx.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %n = onnx.none : none
  %scales = arith.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %3 = onnx.resize %x, %n, %scales {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  %4:2 = onnx.rnn %seq, %w, %r {activations = ["Relu"], hidden_size = 2 : i64} : (tensor<1x1x3xf32>, tensor<1x2x3xf32>, tensor<1x2x2xf32>) -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>)
  %shape = arith.constant dense<[2, 2]> : tensor<2xi64>
  %5 = onnx.constant_of_shape %shape {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x2xi32>
  return %0, %1, %2, %3, %4#0, %5 : tensor<2x4xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<1x1x4x4xf32>, tensor<1x1x1x2xf32>, tensor<2x2xi32>
}

// A node may name fewer outputs than the op has (MaxPool without Indices).
// CHECK-LABEL: func @optional_outputs
// CHECK: onnx.max_pool %{{.+}} {kernel_shape = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
func.func @optional_outputs(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %0 = onnx.max_pool %x {kernel_shape = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}
