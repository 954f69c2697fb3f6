// RUN: emlc-opt %s | emlc-opt | FileCheck %s

// Ops of the onnx dialect round-trip with their ONNX attributes.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[C:.+]] = onnx.conv %{{.+}}, %{{.+}} {auto_pad = "SAME_UPPER", group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
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

// Split has as many results as the node has outputs.
// CHECK-LABEL: func @split
// CHECK: onnx.split %{{.+}} {axis = 0 : i64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
func.func @split(%x: tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0:2 = onnx.split %x {axis = 0 : i64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<2xf32>
}
